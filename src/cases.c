/* cases: the walkthrough's state machine over SQLite. The model of the
 * pinned version decides what applies; the database holds only accepted,
 * normalised answers; every change is an event. */
#include "cases.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qrsvg.h"
#include "store.h"
#include "strbuf.h"
#include "utf8.h"
#include "validate.h"

/* ---- reading a case ------------------------------------------------------ */

static const char sql_case[] =
    "SELECT c.procedure_id, c.hash, c.channel, c.status, c.conditions_confirmed, c.ticket,"
    " c.returned_reason, c.created_at, r.score, c.ticket_day, c.returned_items FROM cases c"
    " LEFT JOIN ratings r ON r.case_id = c.id WHERE c.id = ?1";
static const char sql_case_values[] = "SELECT key, step, value FROM case_values WHERE case_id = ?1";
static const char sql_case_ticks[] = "SELECT item_id, step FROM case_checklist WHERE case_id = ?1";
static const char sql_case_steps[] = "SELECT step FROM case_steps WHERE case_id = ?1";

static char *cases_dup_col(sqlite3_stmt *st, int col, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    char *s;

    if (!t)
        return NULL;
    if (!(s = strdup((const char *)t)))
        *oom = 1;
    return s;
}

static void cases_copy(char *dst, size_t cap, const unsigned char *src)
{
    snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

/* The field with key, its step found in *step; NULL if none. */
static const struct field *cases_field(const struct procedure *p, const char *key, size_t *step)
{
    return procedure_field_find(p, key, step);
}

static const char *cases_raw_value(const struct case_state *cs, const char *key)
{
    size_t i;

    for (i = 0; i < cs->n_values; i++)
        if (strcmp(cs->values[i].key, key) == 0)
            return cs->values[i].value;
    return NULL;
}

const char *cases_value(const struct case_state *cs, const char *key)
{
    const struct field *f;
    size_t s;

    /* an answer counts only while its step and its own condition apply */
    if (!(f = cases_field(cs->model, key, &s)) || !cs->applicable[s])
        return NULL;
    if (f->has_cond && !cases_cond_holds(cs, &f->cond))
        return NULL;
    return cases_raw_value(cs, key);
}

bool cases_cond_holds(const struct case_state *cs, const struct cond *c)
{
    const char *v = cases_value(cs, c->key);
    bool eq = strcmp(v ? v : "", c->value) == 0;

    return c->negate ? !eq : eq;
}

/* Works out, in file order, which steps apply and which is next. A
 * condition names a field of an earlier step, so one pass suffices. */
static void cases_evaluate(struct case_state *cs)
{
    const struct procedure *p = cs->model;
    size_t j;

    for (j = 0; j < p->n_steps; j++)
        cs->applicable[j] = false;
    for (j = 0; j < p->n_steps; j++)
        cs->applicable[j] = !p->steps[j].has_cond || cases_cond_holds(cs, &p->steps[j].cond);
    cs->step = p->n_steps;
    for (j = 0; j < p->n_steps; j++) {
        if (cs->applicable[j] && !cs->done[j]) {
            cs->step = j;
            break;
        }
    }
}

int cases_load(struct db *db, const char *id, struct case_state *cs, struct case_err *e)
{
    static const struct case_err unknown = {404, "unknown_case", "没有找到这个办事记录,请重新开始"};
    sqlite3_stmt *st;
    int b = SQLITE_OK, r, oom = 0, rc = -1;

    memset(cs, 0, sizeof *cs);
    if (strlen(id) != CASE_ID_LEN) {
        *e = unknown;
        return 1;
    }
    if (!(st = db_stmt(db, sql_case)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_DONE) {
        sqlite3_reset(st);
        *e = unknown;
        return 1;
    }
    if (r != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    snprintf(cs->id, sizeof cs->id, "%s", id);
    cases_copy(cs->procedure, sizeof cs->procedure, sqlite3_column_text(st, 0));
    cases_copy(cs->hash, sizeof cs->hash, sqlite3_column_text(st, 1));
    cases_copy(cs->channel, sizeof cs->channel, sqlite3_column_text(st, 2));
    cases_copy(cs->status, sizeof cs->status, sqlite3_column_text(st, 3));
    cs->conditions_confirmed = sqlite3_column_int(st, 4) != 0;
    cs->ticket = cases_dup_col(st, 5, &oom);
    cs->returned_reason = cases_dup_col(st, 6, &oom);
    cases_copy(cs->created_at, sizeof cs->created_at, sqlite3_column_text(st, 7));
    cs->rating = sqlite3_column_int(st, 8);
    cases_copy(cs->ticket_day, sizeof cs->ticket_day, sqlite3_column_text(st, 9));
    cs->returned_items = cases_dup_col(st, 10, &oom);
    sqlite3_reset(st);
    if (oom)
        return -1;
    if (!(cs->model = models_get(db, cs->procedure, cs->hash, &cs->ref)))
        return -1;
    cs->done = calloc(cs->model->n_steps + 1, sizeof *cs->done);
    cs->applicable = calloc(cs->model->n_steps + 1, sizeof *cs->applicable);
    if (!cs->done || !cs->applicable)
        return -1;

    if (!(st = db_stmt(db, sql_case_values)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct case_value *v = realloc(cs->values, (cs->n_values + 1) * sizeof *v);
        if (!v)
            goto out;
        cs->values = v;
        v = &cs->values[cs->n_values];
        cases_copy(v->key, sizeof v->key, sqlite3_column_text(st, 0));
        v->step = sqlite3_column_int(st, 1);
        if (!(v->value = strdup((const char *)sqlite3_column_text(st, 2))))
            goto out;
        cs->n_values++;
    }
    sqlite3_reset(st);
    if (b != SQLITE_OK || r != SQLITE_DONE || !(st = db_stmt(db, sql_case_ticks)))
        goto out;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct case_tick *t = realloc(cs->ticks, (cs->n_ticks + 1) * sizeof *t);
        if (!t)
            goto out;
        cs->ticks = t;
        cases_copy(cs->ticks[cs->n_ticks].item, sizeof t->item, sqlite3_column_text(st, 0));
        cs->ticks[cs->n_ticks++].step = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    if (b != SQLITE_OK || r != SQLITE_DONE || !(st = db_stmt(db, sql_case_steps)))
        goto out;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        int s = sqlite3_column_int(st, 0);
        if (s >= 0 && (size_t)s < cs->model->n_steps)
            cs->done[s] = true;
    }
    if (b != SQLITE_OK || r != SQLITE_DONE)
        goto out;
    cases_evaluate(cs);
    rc = 0;
out:
    if (st)
        sqlite3_reset(st);
    return rc;
}

void cases_state_free(struct case_state *cs)
{
    size_t i;

    for (i = 0; i < cs->n_values; i++)
        free(cs->values[i].value);
    free(cs->values);
    free(cs->ticks);
    free(cs->done);
    free(cs->applicable);
    free(cs->ticket);
    free(cs->returned_reason);
    free(cs->returned_items);
    models_release(cs->ref);
    memset(cs, 0, sizeof *cs);
}

/* ---- writing ------------------------------------------------------------- */

static const char sql_event[] =
    "INSERT INTO case_events (case_id, at, what, channel, user, step, detail)"
    " VALUES (?1, ?2, ?3, ?4, ?6, ?5, ?7)";
/* activity on an erased case (a late rating) may bring new personal data:
 * the sweep erases it again in its turn (schema/005) */
static const char sql_touch[] =
    "UPDATE cases SET updated_at = ?2, needs_erase = 1 WHERE id = ?1";

static int cases_run(sqlite3_stmt *st, int b)
{
    int r = b == SQLITE_OK ? sqlite3_step(st) : b;

    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

int cases_event_add(struct db *db, const char *id, const char *what, const char *channel,
                    const char *user, int step, const char *detail)
{
    sqlite3_stmt *st = db_stmt(db, sql_event);
    char now[32];
    int b = SQLITE_OK;

    if (!st)
        return -1;
    store_now(now);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    b |= sqlite3_bind_text(st, 3, what, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, channel, -1, SQLITE_STATIC);
    b |= step >= 0 ? sqlite3_bind_int(st, 5, step) : sqlite3_bind_null(st, 5);
    b |= user ? sqlite3_bind_text(st, 6, user, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 6);
    b |= detail ? sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 7);
    if (cases_run(st, b) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_touch)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    return cases_run(st, b);
}

static const char sql_create[] =
    "INSERT INTO cases (id, procedure_id, hash, channel, status, conditions_confirmed,"
    " created_at, updated_at, created_by) VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?6, ?7)";

int cases_create(struct db *db, const char *procedure, const char *hash, const char *channel,
                 const char *user, char id_out[CASE_ID_LEN + 1], struct case_err *e)
{
    static const struct case_err policy = {422, "policy_document",
                                           "这是政策说明,不需要办理;如有疑问请到综合窗口咨询"};
    static const struct case_err bad_channel = {422, "bad_channel",
                                                "channel 只能是 kiosk、window 或 web"};
    unsigned char rnd[CASE_ID_LEN / 2];
    struct model_ref *ref = NULL;
    const struct procedure *p;
    sqlite3_stmt *st;
    char now[32];
    int b = SQLITE_OK, rc = -1;

    if (strcmp(channel, "kiosk") != 0 && strcmp(channel, "window") != 0 &&
        strcmp(channel, "web") != 0) {
        *e = bad_channel;
        return 1;
    }
    if (!(p = models_get(db, procedure, hash, &ref)))
        return -1;
    if (p->kind == PROC_POLICY) {
        *e = policy;
        rc = 1;
        goto out;
    }
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(id_out, CASE_ID_LEN + 1, rnd, sizeof rnd);
    store_now(now);
    if (db_begin(db) != 0)
        goto out;
    if (!(st = db_stmt(db, sql_create)))
        goto fail;
    b |= sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, procedure, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, channel, -1, SQLITE_STATIC);
    /* nothing to confirm: a procedure without conditions starts confirmed */
    b |= sqlite3_bind_int(st, 5, p->n_conditions == 0);
    b |= sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    b |= user ? sqlite3_bind_text(st, 7, user, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 7);
    if (cases_run(st, b) != 0 || cases_event_add(db, id_out, "created", channel, user, -1, NULL) != 0 ||
        db_commit(db) != 0)
        goto fail;
    rc = 0;
    goto out;
fail:
    db_rollback(db);
out:
    models_release(ref);
    return rc;
}

int cases_begin(struct db *db, const char *id, struct case_state *cs, struct case_err *e)
{
    int r;

    memset(cs, 0, sizeof *cs);
    if (db_begin(db) != 0)
        return -1;
    r = cases_load(db, id, cs, e);
    if (r != 0)
        db_rollback(db);
    return r;
}

static const char sql_confirm[] = "UPDATE cases SET conditions_confirmed = 1 WHERE id = ?1";

int cases_confirm(struct db *db, const char *id, const bool *confirmed, size_t n, const char *user,
                  size_t **unmet, size_t *n_unmet, struct case_err *e)
{
    static const struct case_err unmet_err = {
        422, "conditions_unmet", "有办理条件不符合,暂时不能在这里办理;请到综合窗口咨询"};
    static const struct case_err closed = {409, "case_closed", "这件事已经提交,不能再修改"};
    struct case_state cs;
    sqlite3_stmt *st;
    size_t i, m;
    int b = SQLITE_OK, rc;

    *unmet = NULL;
    *n_unmet = 0;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    rc = -1;
    if (strcmp(cs.status, "open") != 0 && strcmp(cs.status, "returned") != 0) {
        *e = closed;
        rc = 1;
        goto rollback;
    }
    m = cs.model->n_conditions;
    if (!(*unmet = calloc(m ? m : 1, sizeof **unmet)))
        goto rollback;
    for (i = 0; i < m; i++)
        if (i >= n || !confirmed[i])
            (*unmet)[(*n_unmet)++] = i;
    if (*n_unmet) {
        /* the refusal is worth an event: stats show who is turned away */
        if (cases_event_add(db, id, "conditions_unmet", cs.channel, user, -1, NULL) != 0 || db_commit(db) != 0)
            goto rollback;
        *e = unmet_err;
        rc = 1;
        goto done;
    }
    if (!(st = db_stmt(db, sql_confirm)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (cases_run(st, b) != 0 || cases_event_add(db, id, "conditions", cs.channel, user, -1, NULL) != 0 ||
        db_commit(db) != 0)
        goto rollback;
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cases_state_free(&cs);
    return rc;
}

/* ---- a step -------------------------------------------------------------- */

/* The values of this submission as they are validated, for same_as. */
struct step_ctx {
    const struct case_state *cs;
    const struct proc_step *st;
    char **normalised;          /* per field of the step, NULL until valid */
};

static const char *cases_lookup(void *ctx, const char *key)
{
    struct step_ctx *c = ctx;
    size_t i;

    for (i = 0; i < c->st->n_fields; i++)
        if (strcmp(c->st->fields[i].key, key) == 0)
            return c->normalised[i];
    return cases_value(c->cs, key);
}

static int cases_reject(struct case_rejection *rej, const struct field *f, const char *code,
                        const char *message)
{
    if (!cJSON_AddStringToObject(rej->fields, f->key, message) ||
        !cJSON_AddStringToObject(rej->codes, f->key, code))
        return -1;
    rej->count++;
    return 0;
}

/* A submitted value as text: strings as they are, JSON true/false for
 * yesno, JSON numbers for number. NULL for absent. *bad when the JSON type
 * does not fit. */
static const char *cases_input(const struct field *f, const cJSON *v, char *buf, size_t cap,
                               bool *bad)
{
    *bad = false;
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v) && field_type_get(f->type)->json == FIELD_JSON_BOOL)
        return cJSON_IsTrue(v) ? "yes" : "no";
    if (cJSON_IsNumber(v) && field_type_get(f->type)->json == FIELD_JSON_NUMBER) {
        snprintf(buf, cap, "%.15g", v->valuedouble);
        return buf;
    }
    *bad = true;
    return NULL;
}

static const char sql_clear_values[] = "DELETE FROM case_values WHERE case_id = ?1 AND step = ?2";
static const char sql_clear_ticks[] = "DELETE FROM case_checklist WHERE case_id = ?1 AND step = ?2";
static const char sql_put_value[] =
    "INSERT INTO case_values (case_id, key, step, value) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (case_id, key) DO UPDATE SET step = excluded.step, value = excluded.value";
static const char sql_put_tick[] =
    "INSERT OR REPLACE INTO case_checklist (case_id, item_id, step) VALUES (?1, ?2, ?3)";
static const char sql_put_step[] =
    "INSERT OR REPLACE INTO case_steps (case_id, step, at) VALUES (?1, ?2, ?3)";
static const char sql_drop_value[] = "DELETE FROM case_values WHERE case_id = ?1 AND key = ?2";
static const char sql_drop_tick[] = "DELETE FROM case_checklist WHERE case_id = ?1 AND item_id = ?2";
static const char sql_drop_step[] = "DELETE FROM case_steps WHERE case_id = ?1 AND step = ?2";

static int cases_exec_id_int(struct db *db, const char *sql, const char *id, int n)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, n);
    return cases_run(st, b);
}

static int cases_exec_id_text(struct db *db, const char *sql, const char *id, const char *t)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
    return cases_run(st, b);
}


/* Whether done step j still holds everything it requires now: a changed
 * earlier answer can make other items or fields apply to it. */
static bool cases_step_complete(const struct case_state *cs, size_t j)
{
    const struct proc_step *s = &cs->model->steps[j];
    size_t i;

    for (i = 0; i < s->n_items; i++)
        if (s->items[i].required && (!s->items[i].has_cond || cases_cond_holds(cs, &s->items[i].cond)) &&
            !cases_ticked(cs, s->items[i].id))
            return false;
    for (i = 0; i < s->n_fields; i++)
        if (s->fields[i].required &&
            (!s->fields[i].has_cond || cases_cond_holds(cs, &s->fields[i].cond)) &&
            !cases_value(cs, s->fields[i].key))
            return false;
    return true;
}

/* Writes step n's accepted answers, then drops answers of parts that no
 * longer apply (e.g. the agent's step after 代办 changed to 否) and reopens
 * later steps that a changed answer left incomplete. */
static int cases_store_step(struct db *db, struct case_state *cs, size_t n, char **normalised,
                            const cJSON *ticks)
{
    const struct proc_step *st = &cs->model->steps[n];
    struct case_state after;
    struct case_err e;
    sqlite3_stmt *q;
    char now[32];
    size_t i, j;
    int b = SQLITE_OK, rc = -1;

    memset(&after, 0, sizeof after);
    store_now(now);
    if (cases_exec_id_int(db, sql_clear_values, cs->id, (int)n) != 0 ||
        cases_exec_id_int(db, sql_clear_ticks, cs->id, (int)n) != 0)
        return -1;
    for (i = 0; i < st->n_fields; i++) {
        if (!normalised[i])
            continue;
        if (!(q = db_stmt(db, sql_put_value)))
            return -1;
        b |= sqlite3_bind_text(q, 1, cs->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(q, 2, st->fields[i].key, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(q, 3, (int)n);
        b |= sqlite3_bind_text(q, 4, normalised[i], -1, SQLITE_STATIC);
        if (cases_run(q, b) != 0)
            return -1;
    }
    for (i = 0; i < st->n_items; i++) {
        const struct proc_item *it = &st->items[i];
        if ((it->has_cond && !cases_cond_holds(cs, &it->cond)) ||
            !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ticks, it->id)))
            continue;
        if (!(q = db_stmt(db, sql_put_tick)))
            return -1;
        b |= sqlite3_bind_text(q, 1, cs->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(q, 2, it->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(q, 3, (int)n);
        if (cases_run(q, b) != 0)
            return -1;
    }
    if (!(q = db_stmt(db, sql_put_step)))
        return -1;
    b |= sqlite3_bind_text(q, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(q, 2, (int)n);
    b |= sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
    if (cases_run(q, b) != 0)
        return -1;
    /* re-read inside the transaction and drop what no longer applies */
    if (cases_load(db, cs->id, &after, &e) != 0)
        goto out;
    for (j = 0; j < after.model->n_steps; j++) {
        const struct proc_step *s = &after.model->steps[j];
        if (after.done[j] && (!after.applicable[j] || !cases_step_complete(&after, j)) &&
            cases_exec_id_int(db, sql_drop_step, cs->id, (int)j) != 0)
            goto out;
        for (i = 0; i < s->n_fields; i++)
            if (cases_raw_value(&after, s->fields[i].key) && !cases_value(&after, s->fields[i].key) &&
                cases_exec_id_text(db, sql_drop_value, cs->id, s->fields[i].key) != 0)
                goto out;
        for (i = 0; i < s->n_items; i++)
            if ((!after.applicable[j] ||
                 (s->items[i].has_cond && !cases_cond_holds(&after, &s->items[i].cond))) &&
                cases_exec_id_text(db, sql_drop_tick, cs->id, s->items[i].id) != 0)
                goto out;
    }
    rc = 0;
out:
    cases_state_free(&after);
    return rc;
}

int cases_step(struct db *db, const char *id, size_t n, const cJSON *body, int today,
               const char *user, struct case_rejection *rej, struct case_err *e)
{
    static const struct case_err unknown_step = {404, "unknown_step", "没有这一步"};
    static const struct case_err closed = {409, "case_closed", "这件事已经提交,不能再修改"};
    static const struct case_err unconfirmed = {409, "conditions_unconfirmed",
                                                "请先确认办理条件"};
    static const struct case_err not_reached = {409, "step_not_reached", "请先完成前面的步骤"};
    static const struct case_err not_applicable = {409, "step_not_applicable",
                                                   "根据您前面的回答,这一步不需要办理"};
    static const struct case_err failed = {422, "validation_failed", "有内容需要修改,请看每一项的提示"};
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(body, "fields");
    const cJSON *ticks = cJSON_GetObjectItemCaseSensitive(body, "checklist");
    const struct proc_step *st;
    struct case_state cs;
    struct step_ctx ctx;
    char **normalised = NULL, numbuf[64];
    size_t i, pass, nf = 0;
    int rc;

    memset(rej, 0, sizeof *rej);
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    rc = 1;
    if (n >= cs.model->n_steps)
        *e = unknown_step;
    else if (strcmp(cs.status, "open") != 0 && strcmp(cs.status, "returned") != 0)
        *e = closed;
    else if (!cs.conditions_confirmed)
        *e = unconfirmed;
    else if (n > cs.step)
        *e = not_reached;
    else if (!cs.applicable[n])
        *e = not_applicable;
    else
        rc = 0;
    if (rc != 0)
        goto rollback;
    rc = -1;
    st = &cs.model->steps[n];
    nf = st->n_fields;
    if (!(normalised = calloc(nf + 1, sizeof *normalised)) ||
        !(rej->fields = cJSON_CreateObject()) || !(rej->codes = cJSON_CreateObject()) ||
        !(rej->checklist = cJSON_CreateArray()))
        goto rollback;
    ctx.cs = &cs;
    ctx.st = st;
    ctx.normalised = normalised;
    /* fields that must equal another go last, so that the other is known */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < st->n_fields; i++) {
            const struct field *f = &st->fields[i];
            struct validate_error verr;
            const char *in;
            bool bad;
            int r;

            if ((f->same_as != NULL) != (pass == 1))
                continue;
            if (f->has_cond && !cases_cond_holds(&cs, &f->cond))
                continue;
            in = cases_input(f, cJSON_GetObjectItemCaseSensitive(fields, f->key), numbuf,
                             sizeof numbuf, &bad);
            if (bad) {
                char msg[300];
                snprintf(msg, sizeof msg, "%s的格式不对,请重新填写", f->label);
                if (cases_reject(rej, f, "bad_type", msg) != 0)
                    goto rollback;
                continue;
            }
            r = validate_field(f, in, in ? strlen(in) : 0, today, cases_lookup, &ctx,
                               &normalised[i], &verr);
            if (r < 0)
                goto rollback;
            if (r > 0 && cases_reject(rej, f, verr.code, verr.message) != 0)
                goto rollback;
        }
    }
    for (i = 0; i < st->n_items; i++) {
        const struct proc_item *it = &st->items[i];
        cJSON *s;
        if (!it->required || (it->has_cond && !cases_cond_holds(&cs, &it->cond)) ||
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ticks, it->id)))
            continue;
        if (!(s = cJSON_CreateString(it->id)) || !cJSON_AddItemToArray(rej->checklist, s)) {
            cJSON_Delete(s);
            goto rollback;
        }
        rej->count++;
    }
    if (rej->count) {
        /* nothing of the answers is kept; the attempt is, for statistics */
        if (cases_event_add(db, id, "step_rejected", cs.channel, user, (int)n, NULL) != 0 || db_commit(db) != 0)
            goto rollback;
        *e = failed;
        rc = 1;
        goto done;
    }
    if (cases_store_step(db, &cs, n, normalised, ticks) != 0 ||
        cases_event_add(db, id, "step", cs.channel, user, (int)n, NULL) != 0 || db_commit(db) != 0)
        goto rollback;
    cases_rejection_free(rej);
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    for (i = 0; normalised && i < nf; i++)
        free(normalised[i]);
    free(normalised);
    cases_state_free(&cs);
    return rc;
}

void cases_rejection_free(struct case_rejection *rej)
{
    cJSON_Delete(rej->fields);
    cJSON_Delete(rej->codes);
    cJSON_Delete(rej->checklist);
    memset(rej, 0, sizeof *rej);
}

/* ---- submission, tickets, rating ------------------------------------------ */

static const char sql_ticket_next[] =
    "INSERT INTO ticket_counters (day, last) VALUES (?1, 1)"
    " ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last";
/* A (re)submission starts a new turn in the queue: not called, not
 * accepted yet (a case accepted, then returned, must not show who accepted
 * it while it waits again), and what an earlier return said is history
 * (the events keep all of it). */
static const char sql_submit[] =
    "UPDATE cases SET status = 'waiting', ticket = ?2, ticket_day = ?3, submitted_at = ?4,"
    " returned_reason = NULL, returned_items = NULL, returned_at = NULL, returned_by = NULL,"
    " calls = 0, called_at = NULL, called_by = NULL,"
    " accepted_at = NULL, accepted_by = NULL, no_show_at = NULL,"
    " queue_seq = (SELECT coalesce(max(queue_seq), 0) + 1 FROM cases) WHERE id = ?1";
static const char sql_resubmit[] =
    "UPDATE cases SET status = 'waiting', submitted_at = ?2, returned_reason = NULL,"
    " returned_items = NULL, returned_at = NULL, returned_by = NULL,"
    " calls = 0, called_at = NULL, called_by = NULL,"
    " accepted_at = NULL, accepted_by = NULL, no_show_at = NULL,"
    " queue_seq = (SELECT coalesce(max(queue_seq), 0) + 1 FROM cases) WHERE id = ?1";

/* Today's next ticket: A001 … A999, B001 …, counted in the database so
 * that numbers stay unique across restarts. Returns 0 or -1. */
static int cases_ticket(struct db *db, const char *day, char out[8])
{
    sqlite3_stmt *st = db_stmt(db, sql_ticket_next);
    int b = SQLITE_OK, r;
    long n;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    n = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (n < 1 || n > 26L * 999)
        return -1;
    snprintf(out, 8, "%c%03ld", 'A' + (int)((n - 1) / 999), (n - 1) % 999 + 1);
    return 0;
}

void cases_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;

    if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
        snprintf(out, 11, "1970-01-01");
}

int cases_submit(struct db *db, const char *id, const char *user, char **ticket,
                 struct case_err *e)
{
    static const struct case_err not_finished = {409, "not_finished",
                                                 "还有步骤没有完成,请先完成所有步骤"};
    static const struct case_err already = {409, "already_submitted", "这件事已经提交过了"};
    struct case_state cs;
    sqlite3_stmt *st;
    char now[32], day[11], t[8];
    int b = SQLITE_OK, rc;

    *ticket = NULL;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    rc = 1;
    if (strcmp(cs.status, "open") != 0 && strcmp(cs.status, "returned") != 0) {
        *e = already;
        goto rollback;
    }
    if (!cs.conditions_confirmed || cs.step < cs.model->n_steps) {
        *e = not_finished;
        goto rollback;
    }
    rc = -1;
    store_now(now);
    cases_today(day);
    if (cs.ticket && strcmp(cs.ticket_day, day) == 0) {
        /* a returned case goes back to the window under the ticket it had;
         * on a later day it draws a new one, since a ticket means today's */
        snprintf(t, sizeof t, "%s", cs.ticket);
        if (!(st = db_stmt(db, sql_resubmit)))
            goto rollback;
        b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    } else {
        if (cases_ticket(db, day, t) != 0 || !(st = db_stmt(db, sql_submit)))
            goto rollback;
        b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    }
    if (cases_run(st, b) != 0)
        goto rollback;
    if (cases_event_add(db, id, "submitted", cs.channel, user, -1, NULL) != 0 || db_commit(db) != 0)
        goto rollback;
    if (!(*ticket = strdup(t)))
        goto done;
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cases_state_free(&cs);
    return rc;
}

static const char sql_rate[] =
    "INSERT INTO ratings (case_id, score, comment, at) VALUES (?1, ?2, ?3, ?4)";

int cases_rate(struct db *db, const char *id, int score, const char *comment,
               struct case_err *e)
{
    static const struct case_err already = {409, "already_rated", "这件事已经评价过了,谢谢您"};
    static const struct case_err bad_score = {422, "bad_score",
                                              "评价请选择 1 到 5 之间的一项(5 为非常满意)"};
    static const struct case_err long_comment = {422, "comment_too_long",
                                                 "意见最多 500 个字,请删减一些"};
    struct case_state cs;
    sqlite3_stmt *st;
    char now[32];
    size_t clen = comment ? utf8_count(comment, strlen(comment)) : 0;
    int b = SQLITE_OK, rc;

    if (score < 1 || score > 5) {
        *e = bad_score;
        return 1;
    }
    if (clen == (size_t)-1 || clen > CASE_COMMENT_MAX) {
        *e = long_comment;
        return 1;
    }
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    /* any case may be rated, also one stopped by an unmet condition:
     * 好差评 is about the service, whatever came of it */
    rc = 1;
    if (cs.rating) {
        *e = already;
        goto rollback;
    }
    rc = -1;
    store_now(now);
    if (!(st = db_stmt(db, sql_rate)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, score);
    b |= sqlite3_bind_text(st, 3, comment ? comment : "", -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    if (cases_run(st, b) != 0 || cases_event_add(db, id, "rated", cs.channel, NULL, -1, NULL) != 0 ||
        db_commit(db) != 0)
        goto rollback;
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cases_state_free(&cs);
    return rc;
}

/* ---- what is shown ------------------------------------------------------- */

bool cases_item_applies(const struct case_state *cs, size_t step, const struct proc_item *it)
{
    return cs->applicable[step] && (!it->has_cond || cases_cond_holds(cs, &it->cond));
}

bool cases_ticked(const struct case_state *cs, const char *item)
{
    size_t i;

    for (i = 0; i < cs->n_ticks; i++)
        if (strcmp(cs->ticks[i].item, item) == 0)
            return true;
    return false;
}

const char *cases_mask_id(const char *v, char out[CASES_ID_MASKED_MAX])
{
    size_t n = strlen(v), i;

    if (n >= CASES_ID_MASKED_MAX)
        n = CASES_ID_MASKED_MAX - 1;
    for (i = 0; i < n; i++)
        out[i] = i + 4 < n ? '*' : v[i];
    out[n] = '\0';
    return out;
}

/* Adds "step", "steps" (when with_steps), "applicable" and "done" to root.
 * Returns 0 or -1 when memory runs out. */
static int cases_add_progress(cJSON *root, const struct case_state *cs, bool with_steps)
{
    const struct procedure *p = cs->model;
    cJSON *app, *done, *n;
    size_t j;

    if (!cJSON_AddNumberToObject(root, "step", (double)cs->step) ||
        (with_steps && !cJSON_AddNumberToObject(root, "steps", (double)p->n_steps)) ||
        !(app = cJSON_AddArrayToObject(root, "applicable")) ||
        !(done = cJSON_AddArrayToObject(root, "done")))
        return -1;
    for (j = 0; j < p->n_steps; j++) {
        if (cs->applicable[j] &&
            (!(n = cJSON_CreateNumber((double)j)) || !cJSON_AddItemToArray(app, n)))
            return (cJSON_Delete(n), -1);
        if (cs->applicable[j] && cs->done[j] &&
            (!(n = cJSON_CreateNumber((double)j)) || !cJSON_AddItemToArray(done, n)))
            return (cJSON_Delete(n), -1);
    }
    return 0;
}

char *cases_progress_json(const struct case_state *cs)
{
    cJSON *root = cJSON_CreateObject();
    char *out = NULL;

    if (root && cases_add_progress(root, cs, false) == 0)
        out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return out;
}

int cases_add_returned_items(cJSON *root, const struct case_state *cs)
{
    cJSON *items = cs->returned_items ? cJSON_Parse(cs->returned_items) : NULL;

    /* written by window.c as an object; anything else reads as none */
    if (items && !cJSON_IsObject(items)) {
        cJSON_Delete(items);
        items = NULL;
    }
    if (!items)
        return cJSON_AddNullToObject(root, "returned_items") ? 0 : -1;
    if (!cJSON_AddItemToObject(root, "returned_items", items)) {
        cJSON_Delete(items);
        return -1;
    }
    return 0;
}

int cases_add_answers(cJSON *root, const struct case_state *cs, bool mask_ids)
{
    const struct procedure *p = cs->model;
    cJSON *vals, *ticks;
    size_t i, j;

    if (!(vals = cJSON_AddObjectToObject(root, "values")) ||
        !(ticks = cJSON_AddObjectToObject(root, "checklist")))
        return -1;
    for (j = 0; j < p->n_steps; j++) {
        for (i = 0; i < p->steps[j].n_fields; i++) {
            const struct field *f = &p->steps[j].fields[i];
            const char *v = cases_value(cs, f->key);
            char masked[CASES_ID_MASKED_MAX];
            if (v && mask_ids && field_type_get(f->type)->mask == FIELD_MASK_ID)
                v = cases_mask_id(v, masked);
            if (v && !cJSON_AddStringToObject(vals, f->key, v))
                return -1;
        }
        for (i = 0; i < p->steps[j].n_items; i++) {
            const struct proc_item *it = &p->steps[j].items[i];
            if (cases_item_applies(cs, j, it) && cases_ticked(cs, it->id) &&
                !cJSON_AddTrueToObject(ticks, it->id))
                return -1;
        }
    }
    return 0;
}

char *cases_json(const struct case_state *cs)
{
    const struct procedure *p = cs->model;
    cJSON *root = cJSON_CreateObject();
    char *out = NULL;

    if (!root)
        return NULL;
    if (!cJSON_AddStringToObject(root, "id", cs->id) ||
        !cJSON_AddStringToObject(root, "procedure", cs->procedure) ||
        !cJSON_AddStringToObject(root, "hash", cs->hash) ||
        !cJSON_AddStringToObject(root, "status", cs->status) ||
        cases_add_progress(root, cs, true) != 0)
        goto out;
    if (!cJSON_AddNumberToObject(root, "conditions", (double)p->n_conditions) ||
        !cJSON_AddBoolToObject(root, "conditions_confirmed", cs->conditions_confirmed) ||
        /* the kiosk's screen is public: ID numbers in full only at the window */
        cases_add_answers(root, cs, true) != 0)
        goto out;
    if (!(cs->ticket ? cJSON_AddStringToObject(root, "ticket", cs->ticket)
                     : cJSON_AddNullToObject(root, "ticket")) ||
        !(cs->returned_reason ? cJSON_AddStringToObject(root, "returned_reason", cs->returned_reason)
                              : cJSON_AddNullToObject(root, "returned_reason")) ||
        cases_add_returned_items(root, cs) != 0 ||
        !cJSON_AddStringToObject(root, "channel", cs->channel) ||
        !cJSON_AddStringToObject(root, "created_at", cs->created_at) ||
        !(cs->rating ? cJSON_AddNumberToObject(root, "rating", cs->rating)
                     : cJSON_AddNullToObject(root, "rating")))
        goto out;
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return out;
}

char *cases_slip_html(const struct case_state *cs)
{
    const struct procedure *p = cs->model;
    struct strbuf sb = STRBUF_INIT;
    char *qr = qrsvg_render(cs->id, "办事记录二维码,请在窗口扫描");
    size_t j, i, items = 0;
    int rc = 0;

    if (!qr)
        return NULL;
    rc |= strbuf_puts(&sb, "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<title>排队凭条 ");
    rc |= strbuf_put_html(&sb, cs->ticket ? cs->ticket : "", cs->ticket ? strlen(cs->ticket) : 0);
    rc |= strbuf_puts(&sb, "</title>\n<link rel=\"stylesheet\" href=\"/assets/print.css\">\n</head>\n"
                           "<body class=\"slip-page\">\n<main class=\"slip\">\n"
                           "<p class=\"kind\">社区便民服务 · 排队凭条</p>\n"
                           "<p class=\"ticket-label\">您的排队号</p>\n<p class=\"ticket\">");
    rc |= strbuf_put_html(&sb, cs->ticket ? cs->ticket : "", cs->ticket ? strlen(cs->ticket) : 0);
    rc |= strbuf_puts(&sb, "</p>\n<h1>");
    rc |= strbuf_put_html(&sb, p->title, strlen(p->title));
    rc |= strbuf_puts(&sb, "</h1>\n<p class=\"when\">");
    rc |= strbuf_put_html(&sb, cs->created_at, strlen(cs->created_at) >= 10 ? 10 : strlen(cs->created_at));
    rc |= strbuf_puts(&sb, "</p>\n");
    for (j = 0; j < p->n_steps; j++)
        for (i = 0; i < p->steps[j].n_items; i++)
            items += cases_item_applies(cs, j, &p->steps[j].items[i]);
    if (items) {
        rc |= strbuf_puts(&sb, "<section class=\"materials\"><h2>请带上以下材料到综合窗口</h2>\n<ul>\n");
        for (j = 0; j < p->n_steps; j++) {
            for (i = 0; i < p->steps[j].n_items; i++) {
                const struct proc_item *it = &p->steps[j].items[i];
                if (!cases_item_applies(cs, j, it))
                    continue;
                rc |= strbuf_puts(&sb, "<li>");
                rc |= strbuf_put_html(&sb, it->text, strlen(it->text));
                if (!it->required)
                    rc |= strbuf_puts(&sb, "<span class=\"note\">(如有)</span>");
                rc |= strbuf_puts(&sb, "</li>\n");
            }
        }
        rc |= strbuf_puts(&sb, "</ul></section>\n");
    }
    rc |= strbuf_puts(&sb, "<div class=\"qr\">");
    rc |= strbuf_puts(&sb, qr);
    rc |= strbuf_puts(&sb, "</div>\n<p class=\"code\">");
    rc |= strbuf_put_html(&sb, cs->id, strlen(cs->id));
    rc |= strbuf_puts(&sb, "</p>\n<footer><p>请留意叫号,到综合窗口出示本凭条。</p></footer>\n"
                           "</main>\n</body>\n</html>\n");
    free(qr);
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}
