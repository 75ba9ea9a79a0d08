/* window: staff operations on cases. The cases module keeps the state
 * machine of the resident's walk; this one moves submitted cases through
 * the window and shows them to staff, in full, with their history. Every
 * move names the staffer in its event. */
#include "window.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qrsvg.h"
#include "store.h"
#include "strbuf.h"
#include "utf8.h"

/* ---- errors ---------------------------------------------------------------- */

static const struct case_err err_unknown = {404, "unknown_case", "没有找到这件办件,请核对排队号或重新扫码"};
static const struct case_err err_not_waiting = {
    409, "not_waiting", "这件办件不在等候中(可能已被其他窗口受理、退回或办结),请刷新后再看"};
static const struct case_err err_not_accepted = {409, "not_accepted",
                                                 "只有已受理的办件才能办结,请先受理"};
static const struct case_err err_not_returnable = {
    409, "not_returnable", "只有等候中或已受理的办件才能退回补正"};
static const struct case_err err_not_called = {409, "not_called",
                                               "还没有叫过这个号,请先叫号,再标记未到"};
static const struct case_err err_queue_empty = {409, "queue_empty", "没有等待叫号的办件"};
static const struct case_err err_not_returned = {409, "not_returned",
                                                 "这件办件没有被退回,没有补正告知单"};
static const struct case_err err_reason_required = {422, "reason_required",
                                                    "请写明退回的原因,居民会看到它"};
static const struct case_err err_reason_long = {422, "reason_too_long",
                                                "退回原因最多 500 个字,请精简一些"};
static const struct case_err err_outcome_required = {422, "outcome_required",
                                                     "请写明办理结果,如「已办结,当场发证」"};
static const struct case_err err_outcome_long = {422, "outcome_too_long",
                                                 "办理结果最多 500 个字,请精简一些"};
static const struct case_err err_erased = {
    409, "erased", "这件办件的填写内容已按保存期限删除,请居民重新办理"};
static const struct case_err err_bad_text = {422, "bad_text",
                                             "文字里有无法显示的字符,请重新输入"};
static const struct case_err err_bad_flag = {
    422, "bad_flag", "标出的材料或填写项不属于这个事项,请刷新办件后重新选择"};
static const struct case_err err_flag_na = {
    422, "bad_flag", "标出的材料或填写项对这件办件不适用,居民不需要补正它;请刷新办件后重新选择"};

/* ---- reading ---------------------------------------------------------------- */

static const char sql_info[] =
    "SELECT submitted_at, created_by, called_at, called_by, calls, accepted_at, accepted_by,"
    " completed_at, completed_by, returned_at, returned_by, no_show_at, outcome, erased_at"
    " FROM cases WHERE id = ?1";

static void window_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

int window_info_load(struct db *db, const char *id, struct window_info *wi)
{
    sqlite3_stmt *st = db_stmt(db, sql_info);
    const unsigned char *t;
    int r, rc = -1;

    memset(wi, 0, sizeof *wi);
    if (!st)
        return -1;
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        rc = 1;
        goto out;
    }
    if (r != SQLITE_ROW)
        goto out;
    window_col(wi->submitted_at, sizeof wi->submitted_at, st, 0);
    window_col(wi->created_by, sizeof wi->created_by, st, 1);
    window_col(wi->called_at, sizeof wi->called_at, st, 2);
    window_col(wi->called_by, sizeof wi->called_by, st, 3);
    wi->calls = sqlite3_column_int(st, 4);
    window_col(wi->accepted_at, sizeof wi->accepted_at, st, 5);
    window_col(wi->accepted_by, sizeof wi->accepted_by, st, 6);
    window_col(wi->completed_at, sizeof wi->completed_at, st, 7);
    window_col(wi->completed_by, sizeof wi->completed_by, st, 8);
    window_col(wi->returned_at, sizeof wi->returned_at, st, 9);
    window_col(wi->returned_by, sizeof wi->returned_by, st, 10);
    window_col(wi->no_show_at, sizeof wi->no_show_at, st, 11);
    if ((t = sqlite3_column_text(st, 12)) && !(wi->outcome = strdup((const char *)t)))
        goto out;
    wi->erased = sqlite3_column_type(st, 13) != SQLITE_NULL;
    rc = 0;
out:
    sqlite3_reset(st);
    return rc;
}

void window_info_free(struct window_info *wi)
{
    free(wi->outcome);
    memset(wi, 0, sizeof *wi);
}

/* A case and its window columns, read together. Returns 0, 1 with e, -1;
 * both are freed by the caller in every case. */
static int window_load(struct db *db, const char *id, struct case_state *cs,
                       struct window_info *wi, struct case_err *e)
{
    int r;

    memset(wi, 0, sizeof *wi);
    if ((r = cases_load(db, id, cs, e)) != 0)
        return r;
    r = window_info_load(db, id, wi);
    if (r > 0) {
        *e = err_unknown;
        return 1;
    }
    return r;
}

/* ---- JSON helpers ---------------------------------------------------------- */

/* Adds key: s, or key: null for NULL or "". Returns 0 or -1. */
static int window_add_str(cJSON *o, const char *key, const char *s)
{
    return (s && *s ? cJSON_AddStringToObject(o, key, s) : cJSON_AddNullToObject(o, key)) ? 0 : -1;
}

static int window_add_num(cJSON *o, const char *key, double v)
{
    return cJSON_AddNumberToObject(o, key, v) ? 0 : -1;
}

static int window_add_bool(cJSON *o, const char *key, bool v)
{
    return cJSON_AddBoolToObject(o, key, v) ? 0 : -1;
}

/* Appends a new object to arr and returns it, or NULL. */
static cJSON *window_push_obj(cJSON *arr)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int window_push_str(cJSON *arr, const char *s)
{
    cJSON *v = cJSON_CreateString(s);

    if (!v || !cJSON_AddItemToArray(arr, v)) {
        cJSON_Delete(v);
        return -1;
    }
    return 0;
}

static char *window_print(cJSON *root)
{
    char *s = root ? cJSON_PrintUnformatted(root) : NULL;

    cJSON_Delete(root);
    return s;
}

/* ---- the queue ---------------------------------------------------------- */

/* Adds a queue entry for the case to arr. Returns 0 or -1. */
static int window_entry_add(cJSON *arr, const struct case_state *cs, const struct window_info *wi)
{
    const struct procedure *p = cs->model;
    cJSON *o = window_push_obj(arr), *ids;
    size_t j, i;
    int rc = 0;

    if (!o)
        return -1;
    rc |= window_add_str(o, "id", cs->id);
    rc |= window_add_str(o, "ticket", cs->ticket);
    rc |= window_add_str(o, "procedure", cs->procedure);
    rc |= window_add_str(o, "title", p->title);
    rc |= window_add_str(o, "status", cs->status);
    rc |= window_add_str(o, "channel", cs->channel);
    rc |= window_add_str(o, "submitted_at", wi->submitted_at);
    /* the contract's "waiting since": the latest hand-in, for cases in the queue */
    rc |= window_add_str(o, "waiting_since",
                         strcmp(cs->status, "waiting") == 0 ? wi->submitted_at : NULL);
    rc |= window_add_str(o, "called_at", wi->called_at);
    rc |= window_add_str(o, "called_by", wi->called_by);
    rc |= window_add_num(o, "calls", wi->calls);
    rc |= window_add_str(o, "accepted_at", wi->accepted_at);
    rc |= window_add_str(o, "accepted_by", wi->accepted_by);
    if (rc || !(ids = cJSON_AddArrayToObject(o, "ids")))
        return -1;
    /* lists are seen over a staffer's shoulder: ID numbers by their last 4 */
    for (j = 0; j < p->n_steps; j++) {
        for (i = 0; i < p->steps[j].n_fields; i++) {
            const struct field *f = &p->steps[j].fields[i];
            const char *v = field_type_get(f->type)->mask == FIELD_MASK_ID ? cases_value(cs, f->key) : NULL;
            char masked[CASES_ID_MASKED_MAX];
            cJSON *x;
            if (!v)
                continue;
            if (!(x = window_push_obj(ids)) || window_add_str(x, "label", f->label) != 0 ||
                window_add_str(x, "value", cases_mask_id(v, masked)) != 0)
                return -1;
        }
    }
    return 0;
}

static const char sql_waiting[] =
    "SELECT id FROM cases WHERE status = 'waiting' ORDER BY queue_seq LIMIT ?1";
static const char sql_waiting_count[] = "SELECT count(*) FROM cases WHERE status = 'waiting'";
static const char sql_in_progress[] =
    "SELECT id FROM cases WHERE status = 'accepted' ORDER BY accepted_at, id LIMIT ?1";
/* cases a staffer started at the window and has not submitted yet, so that
 * one left for the queue can be taken up again; a day back is enough. The
 * public POST /api/v1/cases may say channel window too, without a login:
 * only a staffer's own start (created_by) counts, or anyone could bury
 * them under 500 of their own. */
static const char sql_filling[] =
    "SELECT id FROM cases WHERE status = 'open' AND channel = 'window' AND created_by IS NOT NULL"
    " AND updated_at >= ?2 ORDER BY created_at, id LIMIT ?1";

/* The ids a list query gives (?1 the limit, ?2 when it has one: since
 * when, ISO UTC), into a new array (caller frees). */
static int window_ids(struct db *db, const char *sql, const char *since,
                      char (**ids)[CASE_ID_LEN + 1], size_t *n)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int r = SQLITE_ERROR;

    *ids = NULL;
    *n = 0;
    if (!st)
        return -1;
    if (!(*ids = calloc(WINDOW_QUEUE_MAX, sizeof **ids)) ||
        sqlite3_bind_int(st, 1, WINDOW_QUEUE_MAX) != SQLITE_OK ||
        (sqlite3_bind_parameter_count(st) >= 2 &&
         sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC) != SQLITE_OK))
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < WINDOW_QUEUE_MAX)
        snprintf((*ids)[(*n)++], CASE_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
out:
    sqlite3_reset(st);
    return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : -1;
}

/* Adds the entries of the cases sql lists as array key of root. */
static int window_list(struct db *db, cJSON *root, const char *key, const char *sql,
                       const char *since)
{
    char (*ids)[CASE_ID_LEN + 1] = NULL;
    cJSON *arr = cJSON_AddArrayToObject(root, key);
    size_t n, i;
    int rc = -1, r;

    if (!arr || window_ids(db, sql, since, &ids, &n) != 0)
        goto out;
    for (i = 0; i < n; i++) {
        struct case_state cs;
        struct window_info wi;
        struct case_err e;
        r = window_load(db, ids[i], &cs, &wi, &e);
        if (r < 0 && cs.procedure[0] && !cs.model) {
            /* its pinned version no longer parses (models.c said so): one
             * such case must not take the whole queue down. Never the case
             * id here, the request log hides those too. */
            fprintf(stderr, "spkiosk: queue: a case of %s version %.12s cannot be read, left out\n",
                    cs.procedure, cs.hash);
            r = 1;
        }
        if (r == 0)
            r = window_entry_add(arr, &cs, &wi);
        cases_state_free(&cs);
        window_info_free(&wi);
        if (r < 0)
            goto out;
    }
    rc = 0;
out:
    free(ids);
    return rc;
}

/* 24 hours ago, as store_now writes times. */
static void window_day_before(char out[32])
{
    time_t t = time(NULL) - 24 * 60 * 60;
    struct tm tm;

    if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

int window_queue_json(struct db *db, char **out)
{
    cJSON *root = cJSON_CreateObject();
    sqlite3_stmt *st;
    char now[32], since[32];
    long long total = -1;
    int rc = -1;

    *out = NULL;
    if (!root || db_read_begin(db) != 0) {
        cJSON_Delete(root);
        return -1;
    }
    if ((st = db_stmt(db, sql_waiting_count))) {
        if (sqlite3_step(st) == SQLITE_ROW)
            total = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    store_now(now);
    window_day_before(since);
    if (total >= 0 && window_add_str(root, "now", now) == 0 &&
        window_add_num(root, "total", (double)total) == 0 &&
        window_list(db, root, "queue", sql_waiting, NULL) == 0 &&
        window_list(db, root, "in_progress", sql_in_progress, NULL) == 0 &&
        window_list(db, root, "filling", sql_filling, since) == 0)
        rc = 0;
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc == 0 && !(*out = window_print(root)))
        return -1;
    if (rc != 0)
        cJSON_Delete(root);
    return rc;
}

int window_entry_json(struct db *db, const char *id, char **out, struct case_err *e)
{
    struct case_state cs;
    struct window_info wi;
    cJSON *arr = cJSON_CreateArray();
    int r;

    *out = NULL;
    if (!arr)
        return -1;
    r = window_load(db, id, &cs, &wi, e);
    if (r == 0 && window_entry_add(arr, &cs, &wi) != 0)
        r = -1;
    if (r == 0 && !(*out = cJSON_PrintUnformatted(cJSON_GetArrayItem(arr, 0))))
        r = -1;
    cJSON_Delete(arr);
    cases_state_free(&cs);
    window_info_free(&wi);
    return r;
}

/* ---- finding a case ------------------------------------------------------ */

static const char sql_by_ticket[] = "SELECT id FROM cases WHERE ticket_day = ?1 AND ticket = ?2";

static bool window_is_hex_id(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return i == CASE_ID_LEN;
}

int window_case_id(const char *key, char id_out[CASE_ID_LEN + 1], struct case_err *e)
{
    size_t i;

    if (!window_is_hex_id(key)) {
        *e = err_unknown;
        return 1;
    }
    /* ids are lower-case hex; a scanner may send either */
    for (i = 0; i < CASE_ID_LEN; i++)
        id_out[i] = (char)(key[i] >= 'A' && key[i] <= 'F' ? key[i] - 'A' + 'a' : key[i]);
    id_out[CASE_ID_LEN] = '\0';
    return 0;
}

int window_resolve(struct db *db, const char *key, char id_out[CASE_ID_LEN + 1],
                   struct case_err *e)
{
    sqlite3_stmt *st;
    char ticket[5], day[11];
    int r, b = SQLITE_OK;

    if (window_is_hex_id(key))
        return window_case_id(key, id_out, e);
    if (strlen(key) != 4 || !((key[0] >= 'A' && key[0] <= 'Z') || (key[0] >= 'a' && key[0] <= 'z')) ||
        key[1] < '0' || key[1] > '9' || key[2] < '0' || key[2] > '9' || key[3] < '0' ||
        key[3] > '9') {
        *e = err_unknown;
        return 1;
    }
    snprintf(ticket, sizeof ticket, "%c%c%c%c",
             key[0] >= 'a' ? key[0] - 'a' + 'A' : key[0], key[1], key[2], key[3]);
    /* tickets start again every day: a ticket alone means today's */
    cases_today(day);
    if (!(st = db_stmt(db, sql_by_ticket)))
        return -1;
    b |= sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, ticket, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW)
        snprintf(id_out, CASE_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (r == SQLITE_DONE) {
        *e = err_unknown;
        return 1;
    }
    return r == SQLITE_ROW ? 0 : -1;
}

/* ---- the case view ------------------------------------------------------- */

static bool window_field_applies(const struct case_state *cs, size_t step, const struct field *f)
{
    return cs->applicable[step] && (!f->has_cond || cases_cond_holds(cs, &f->cond));
}

/* Whether the return flagged key (a field key or an item id). */
static bool window_flagged(const cJSON *flags, const char *list, const char *key)
{
    const cJSON *arr = flags ? cJSON_GetObjectItemCaseSensitive(flags, list) : NULL, *x;

    cJSON_ArrayForEach(x, arr)
        if (cJSON_IsString(x) && strcmp(x->valuestring, key) == 0)
            return true;
    return false;
}

static int window_add_cond(cJSON *o, const struct cond *c)
{
    cJSON *x = cJSON_AddObjectToObject(o, "if");

    return x && window_add_str(x, "key", c->key) == 0 &&
                   window_add_str(x, "op", c->negate ? "!=" : "=") == 0 &&
                   window_add_str(x, "value", c->value) == 0
               ? 0
               : -1;
}

/* "procedure_steps" and "missing": every step of the pinned version with what
 * applies, what was ticked and answered (in full), and the staff guidance;
 * missing lists required parts that apply and are not there. */
static int window_add_steps(cJSON *root, const struct case_state *cs, const cJSON *flags)
{
    const struct procedure *p = cs->model;
    cJSON *steps = cJSON_AddArrayToObject(root, "procedure_steps"), *missing, *m_items, *m_fields;
    size_t j, i;
    int rc = 0;

    if (!steps || !(missing = cJSON_AddObjectToObject(root, "missing")) ||
        !(m_items = cJSON_AddArrayToObject(missing, "checklist")) ||
        !(m_fields = cJSON_AddArrayToObject(missing, "fields")))
        return -1;
    for (j = 0; j < p->n_steps && rc == 0; j++) {
        const struct proc_step *st = &p->steps[j];
        cJSON *o = window_push_obj(steps), *items, *fields;
        if (!o)
            return -1;
        rc |= window_add_num(o, "index", (double)j);
        rc |= window_add_str(o, "title", st->title);
        rc |= window_add_str(o, "label", procedure_step_label(st->title));
        rc |= window_add_bool(o, "applicable", cs->applicable[j]);
        rc |= window_add_bool(o, "done", cs->done[j]);
        rc |= st->has_cond ? window_add_cond(o, &st->cond) : 0;
        rc |= cJSON_AddStringToObject(o, "html", st->html ? st->html : "") ? 0 : -1;
        rc |= window_add_str(o, "staff_html", st->staff_html);
        if (rc || !(items = cJSON_AddArrayToObject(o, "checklist")) ||
            !(fields = cJSON_AddArrayToObject(o, "fields")))
            return -1;
        for (i = 0; i < st->n_items && rc == 0; i++) {
            const struct proc_item *it = &st->items[i];
            bool applies = cases_item_applies(cs, j, it), ticked = applies && cases_ticked(cs, it->id);
            cJSON *x = window_push_obj(items);
            if (!x)
                return -1;
            rc |= window_add_str(x, "id", it->id);
            rc |= window_add_str(x, "text", it->text);
            rc |= window_add_bool(x, "required", it->required);
            rc |= window_add_bool(x, "applies", applies);
            rc |= window_add_bool(x, "ticked", ticked);
            rc |= window_add_bool(x, "flagged", window_flagged(flags, "checklist", it->id));
            if (applies && it->required && !ticked) {
                cJSON *mi = window_push_obj(m_items);
                rc |= !mi || window_add_str(mi, "id", it->id) || window_add_str(mi, "text", it->text) ||
                      window_add_num(mi, "step", (double)j);
            }
        }
        for (i = 0; i < st->n_fields && rc == 0; i++) {
            const struct field *f = &st->fields[i];
            bool applies = window_field_applies(cs, j, f);
            const char *v = applies ? cases_value(cs, f->key) : NULL;
            cJSON *x = window_push_obj(fields);
            if (!x)
                return -1;
            rc |= window_add_str(x, "key", f->key);
            rc |= window_add_str(x, "label", f->label);
            rc |= window_add_str(x, "type", field_type_name(f->type));
            rc |= window_add_bool(x, "required", f->required);
            rc |= window_add_bool(x, "applies", applies);
            /* in full: this is the window, where the original is checked */
            rc |= window_add_str(x, "value", v);
            rc |= window_add_bool(x, "flagged", window_flagged(flags, "fields", f->key));
            if (applies && f->required && !v) {
                cJSON *mf = window_push_obj(m_fields);
                rc |= !mf || window_add_str(mf, "key", f->key) || window_add_str(mf, "label", f->label) ||
                      window_add_num(mf, "step", (double)j);
            }
        }
    }
    return rc ? -1 : 0;
}

static const char sql_events[] =
    "SELECT at, what, user, channel, step, detail FROM case_events WHERE case_id = ?1"
    " ORDER BY id LIMIT ?2";
static const char sql_rating[] = "SELECT score, comment, at FROM ratings WHERE case_id = ?1";

static int window_add_events(struct db *db, cJSON *root, const char *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_events);
    cJSON *arr = cJSON_AddArrayToObject(root, "events");
    int r = SQLITE_ERROR, n = 0, b = SQLITE_OK;

    if (!st || !arr)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, WINDOW_EVENTS_MAX + 1);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *o;
        if (++n > WINDOW_EVENTS_MAX)
            break;
        if (!(o = window_push_obj(arr)) ||
            window_add_str(o, "at", (const char *)sqlite3_column_text(st, 0)) != 0 ||
            window_add_str(o, "what", (const char *)sqlite3_column_text(st, 1)) != 0 ||
            window_add_str(o, "user", (const char *)sqlite3_column_text(st, 2)) != 0 ||
            window_add_str(o, "channel", (const char *)sqlite3_column_text(st, 3)) != 0 ||
            (sqlite3_column_type(st, 4) == SQLITE_NULL
                 ? !cJSON_AddNullToObject(o, "step")
                 : window_add_num(o, "step", sqlite3_column_int(st, 4)) != 0) ||
            window_add_str(o, "detail", (const char *)sqlite3_column_text(st, 5)) != 0) {
            r = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE && r != SQLITE_ROW)
        return -1;
    return window_add_bool(root, "events_truncated", n > WINDOW_EVENTS_MAX);
}

static int window_add_rating(struct db *db, cJSON *root, const char *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_rating);
    cJSON *o;
    int r, rc = -1;

    if (!st)
        return -1;
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE)
        rc = cJSON_AddNullToObject(root, "rating") ? 0 : -1;
    else if (r == SQLITE_ROW && (o = cJSON_AddObjectToObject(root, "rating")) &&
             window_add_num(o, "score", sqlite3_column_int(st, 0)) == 0 &&
             window_add_str(o, "comment", (const char *)sqlite3_column_text(st, 1)) == 0 &&
             window_add_str(o, "at", (const char *)sqlite3_column_text(st, 2)) == 0)
        rc = 0;
out:
    sqlite3_reset(st);
    return rc;
}

/* The front matter a staffer or the notice may need. */
static const char *const window_meta_keys[] = {
    "version", "time_limit", "fee", "responsible", "location", "hours", "phone",
};

static int window_add_meta(cJSON *root, const struct procedure *p)
{
    cJSON *m = cJSON_AddObjectToObject(root, "meta");
    size_t i;

    if (!m)
        return -1;
    for (i = 0; i < sizeof window_meta_keys / sizeof window_meta_keys[0]; i++) {
        const struct fm_entry *e = frontmatter_get(&p->meta, window_meta_keys[i]);
        if (e && window_add_str(m, window_meta_keys[i], e->value) != 0)
            return -1;
    }
    return 0;
}

static int window_build_case(struct db *db, const struct case_state *cs, const struct window_info *wi,
                             char **out)
{
    const struct procedure *p = cs->model;
    cJSON *root = cJSON_CreateObject(), *conds, *flags;
    size_t i;
    int rc = 0;

    if (!root)
        return -1;
    rc |= window_add_str(root, "id", cs->id);
    rc |= window_add_str(root, "ticket", cs->ticket);
    rc |= window_add_str(root, "ticket_day", cs->ticket_day);
    rc |= window_add_str(root, "procedure", cs->procedure);
    rc |= window_add_str(root, "title", p->title);
    rc |= window_add_str(root, "hash", cs->hash);
    rc |= window_add_str(root, "channel", cs->channel);
    rc |= window_add_str(root, "status", cs->status);
    rc |= window_add_num(root, "step", (double)cs->step);
    rc |= window_add_num(root, "steps", (double)p->n_steps);
    rc |= window_add_str(root, "created_at", cs->created_at);
    rc |= window_add_str(root, "created_by", wi->created_by);
    rc |= window_add_str(root, "submitted_at", wi->submitted_at);
    rc |= window_add_str(root, "called_at", wi->called_at);
    rc |= window_add_str(root, "called_by", wi->called_by);
    rc |= window_add_num(root, "calls", wi->calls);
    rc |= window_add_str(root, "accepted_at", wi->accepted_at);
    rc |= window_add_str(root, "accepted_by", wi->accepted_by);
    rc |= window_add_str(root, "completed_at", wi->completed_at);
    rc |= window_add_str(root, "completed_by", wi->completed_by);
    rc |= window_add_str(root, "outcome", wi->outcome);
    rc |= window_add_str(root, "returned_reason", cs->returned_reason);
    rc |= window_add_str(root, "returned_at", wi->returned_at);
    rc |= window_add_str(root, "returned_by", wi->returned_by);
    rc |= cases_add_returned_items(root, cs);
    rc |= window_add_str(root, "no_show_at", wi->no_show_at);
    rc |= window_add_bool(root, "conditions_confirmed", cs->conditions_confirmed);
    rc |= window_add_meta(root, p);
    /* the public case's answers, unmasked: the one place ID numbers show in full */
    rc |= cases_add_answers(root, cs, false);
    if (rc || !(conds = cJSON_AddArrayToObject(root, "conditions")))
        goto fail;
    for (i = 0; i < p->n_conditions; i++)
        if (window_push_str(conds, p->conditions[i]) != 0)
            goto fail;
    flags = cJSON_GetObjectItemCaseSensitive(root, "returned_items");
    if (window_add_steps(root, cs, flags) != 0 || window_add_rating(db, root, cs->id) != 0 ||
        window_add_events(db, root, cs->id) != 0)
        goto fail;
    if (!(*out = window_print(root)))
        return -1;
    return 0;
fail:
    cJSON_Delete(root);
    return -1;
}

int window_case_json(struct db *db, const char *id, char **out, struct case_err *e)
{
    struct case_state cs;
    struct window_info wi;
    int r;

    *out = NULL;
    if (db_read_begin(db) != 0)
        return -1;
    r = window_load(db, id, &cs, &wi, e);
    if (r == 0)
        r = window_build_case(db, &cs, &wi, out);
    if (db_read_end(db) != 0 && r == 0) {
        free(*out);
        *out = NULL;
        r = -1;
    }
    cases_state_free(&cs);
    window_info_free(&wi);
    return r;
}

/* ---- moves ----------------------------------------------------------------- */

/* Characters a staffer's text may not hold: the C0 controls but line
 * break and tab, DEL and the C1 controls (U+0085 breaks lines on some
 * screens), and the invisible marks that change how the text around them
 * reads: LRM/RLM, the bidirectional embeddings and overrides (U+202E turns
 * a line around), the isolates, and the line and paragraph separators. The
 * resident reads these texts on the kiosk and on the printed notice. */
static bool window_bad_char(uint32_t c)
{
    return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == 0x200e ||
           c == 0x200f || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Checks a staffer's text: trimmed (in place, returned), valid UTF-8, no
 * character window_bad_char refuses, 1..WINDOW_TEXT_MAX characters.
 * Returns NULL with e set otherwise. */
static const char *window_text(const char *s, char *buf, size_t cap, const struct case_err *empty,
                               const struct case_err *toolong, struct case_err *e)
{
    size_t n = s ? strlen(s) : 0, i, count, len;
    const char *t;

    if (!s || !utf8_valid(s, n)) {
        *e = s ? err_bad_text : *empty;
        return NULL;
    }
    t = utf8_trim(s, &n);
    if (n == 0) {
        *e = *empty;
        return NULL;
    }
    count = utf8_count(t, n);
    if (count > WINDOW_TEXT_MAX || n >= cap) {
        *e = *toolong;
        return NULL;
    }
    for (i = 0; i < n; i += len) {
        uint32_t c;
        if (!(len = utf8_decode(t + i, n - i, &c)) || window_bad_char(c)) {
            *e = err_bad_text;
            return NULL;
        }
    }
    memcpy(buf, t, n);
    buf[n] = '\0';
    return buf;
}

/* Runs an UPDATE of the case (?1 id, ?2 now, and when the statement has
 * them ?3 user, ?4 text), adds the event and commits; rolls back on
 * failure. Returns 0 or -1. */
static int window_apply(struct db *db, const struct case_state *cs, const char *sql, const char *user,
                        const char *text, const char *what, const char *detail)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    char now[32];
    int b = SQLITE_OK, r;

    store_now(now);
    if (!st)
        goto fail;
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 3)
        b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 4)
        b |= text ? sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 4);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    sqlite3_reset(st);
    if (r != SQLITE_DONE || cases_event_add(db, cs->id, what, "window", user, -1, detail) != 0 ||
        db_commit(db) != 0)
        goto fail;
    return 0;
fail:
    db_rollback(db);
    return -1;
}

static bool window_status(const struct case_state *cs, const char *s)
{
    return strcmp(cs->status, s) == 0;
}

/* A move refused for why: rolls back the move's transaction. Returns 1. */
static int window_refuse(struct db *db, struct case_err *e, const struct case_err *why)
{
    *e = *why;
    db_rollback(db);
    return 1;
}

/* cases_begin (BEGIN IMMEDIATE, the case read inside it) and the case's
 * window columns. Returns 0 inside the transaction; 1 (e set) or -1 with
 * it rolled back. The caller frees cs and wi in every case. */
static int window_begin(struct db *db, const char *id, struct case_state *cs,
                        struct window_info *wi, struct case_err *e)
{
    int rc = cases_begin(db, id, cs, e);

    if (rc != 0)
        return rc;
    if (window_info_load(db, id, wi) != 0) {
        db_rollback(db);
        return -1;
    }
    return 0;
}

static const char sql_accept[] =
    "UPDATE cases SET status = 'accepted', accepted_at = ?2, accepted_by = ?3, no_show_at = NULL"
    " WHERE id = ?1";

int window_accept(struct db *db, const char *id, const char *user, struct case_err *e)
{
    struct case_state cs;
    struct window_info wi;
    int rc;

    memset(&wi, 0, sizeof wi);
    if ((rc = window_begin(db, id, &cs, &wi, e)) != 0)
        goto done;
    /* a resident marked absent who turns up after all is served, unless
     * the retention period has already erased what they filled in */
    if (!window_status(&cs, "waiting") && !(window_status(&cs, "abandoned") && wi.no_show_at[0])) {
        rc = window_refuse(db, e, &err_not_waiting);
        goto done;
    }
    if (wi.erased) {
        rc = window_refuse(db, e, &err_erased);
        goto done;
    }
    rc = window_apply(db, &cs, sql_accept, user, NULL, "accepted", NULL);
done:
    cases_state_free(&cs);
    window_info_free(&wi);
    return rc;
}

static const char sql_complete[] =
    "UPDATE cases SET status = 'completed', completed_at = ?2, completed_by = ?3, outcome = ?4"
    " WHERE id = ?1";

int window_complete(struct db *db, const char *id, const char *user, const char *outcome,
                    struct case_err *e)
{
    char buf[WINDOW_TEXT_MAX * 4 + 1];
    struct case_state cs;
    const char *text;
    int rc;

    memset(&cs, 0, sizeof cs);
    if (!(text = window_text(outcome, buf, sizeof buf, &err_outcome_required, &err_outcome_long, e)))
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (!window_status(&cs, "accepted")) {
        rc = window_refuse(db, e, &err_not_accepted);
        goto done;
    }
    rc = window_apply(db, &cs, sql_complete, user, text, "completed", text);
done:
    cases_state_free(&cs);
    return rc;
}

/* Appends the strings of in (NULL: none) that name a part of the case's
 * procedure to out, without repeats; *steps gets each part's step marked.
 * Returns 0, 1 with e (not an array of known names, a part that does not
 * apply to the case, too many), -1. A part that does not apply would
 * reopen nothing and let the case go back unchanged. */
static int window_flags(const struct case_state *cs, const cJSON *in, bool fields, cJSON *out,
                        bool *steps, size_t *count, struct case_err *e)
{
    const struct procedure *p = cs->model;
    const cJSON *x;
    size_t j, i;

    if (!in || cJSON_IsNull(in))
        return 0;
    if (!cJSON_IsArray(in)) {
        *e = err_bad_flag;
        return 1;
    }
    cJSON_ArrayForEach(x, in) {
        bool found = false, applies = false, seen = false;
        const cJSON *y;
        if (!cJSON_IsString(x) || ++*count > WINDOW_FLAGS_MAX) {
            *e = err_bad_flag;
            return 1;
        }
        for (j = 0; j < p->n_steps && !found; j++) {
            if (fields) {
                for (i = 0; i < p->steps[j].n_fields && !found; i++)
                    if ((found = strcmp(p->steps[j].fields[i].key, x->valuestring) == 0))
                        applies = window_field_applies(cs, j, &p->steps[j].fields[i]);
            } else {
                for (i = 0; i < p->steps[j].n_items && !found; i++)
                    if ((found = strcmp(p->steps[j].items[i].id, x->valuestring) == 0))
                        applies = cases_item_applies(cs, j, &p->steps[j].items[i]);
            }
            if (found)
                steps[j] = true;
        }
        if (!found || !applies) {
            *e = found ? err_flag_na : err_bad_flag;
            return 1;
        }
        cJSON_ArrayForEach(y, out)
            seen = seen || strcmp(y->valuestring, x->valuestring) == 0;
        if (!seen && window_push_str(out, x->valuestring) != 0)
            return -1;
    }
    return 0;
}

static const char sql_return[] =
    "UPDATE cases SET status = 'returned', returned_at = ?2, returned_by = ?3,"
    " returned_reason = ?4, returned_items = ?5 WHERE id = ?1";
static const char sql_reopen[] = "DELETE FROM case_steps WHERE case_id = ?1 AND step = ?2";

int window_return(struct db *db, const char *id, const char *user, const char *reason,
                  const cJSON *fields, const cJSON *checklist, struct case_err *e)
{
    char buf[WINDOW_TEXT_MAX * 4 + 1], now[32];
    struct case_state cs;
    cJSON *items = NULL, *f_out, *c_out;
    char *items_json = NULL;
    bool *steps = NULL;
    size_t count = 0, j;
    sqlite3_stmt *st;
    const char *text;
    int rc, r, b = SQLITE_OK;

    memset(&cs, 0, sizeof cs);
    if (!(text = window_text(reason, buf, sizeof buf, &err_reason_required, &err_reason_long, e)))
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    rc = -1;
    if (!window_status(&cs, "waiting") && !window_status(&cs, "accepted")) {
        *e = err_not_returnable;
        rc = 1;
        goto rollback;
    }
    if (!(steps = calloc(cs.model->n_steps + 1, sizeof *steps)) || !(items = cJSON_CreateObject()) ||
        !(f_out = cJSON_AddArrayToObject(items, "fields")) ||
        !(c_out = cJSON_AddArrayToObject(items, "checklist")))
        goto rollback;
    if ((r = window_flags(&cs, fields, true, f_out, steps, &count, e)) != 0 ||
        (r = window_flags(&cs, checklist, false, c_out, steps, &count, e)) != 0) {
        rc = r;
        goto rollback;
    }
    if (!(items_json = cJSON_PrintUnformatted(items)))
        goto rollback;
    /* a step holding a flagged part is done again by the resident, so the
     * kiosk leads to it and the case cannot go back unchanged by mistake */
    for (j = 0; j < cs.model->n_steps; j++) {
        if (!steps[j])
            continue;
        if (!(st = db_stmt(db, sql_reopen)))
            goto rollback;
        b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, (int)j);
        r = b == SQLITE_OK ? sqlite3_step(st) : b;
        sqlite3_reset(st);
        if (r != SQLITE_DONE)
            goto rollback;
    }
    if (!(st = db_stmt(db, sql_return)))
        goto rollback;
    store_now(now);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, items_json, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    sqlite3_reset(st);
    if (r != SQLITE_DONE || cases_event_add(db, id, "returned", "window", user, -1, text) != 0 ||
        db_commit(db) != 0)
        goto rollback;
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cJSON_Delete(items);
    free(items_json);
    free(steps);
    cases_state_free(&cs);
    return rc;
}

static const char sql_call[] =
    "UPDATE cases SET called_at = ?2, called_by = ?3, calls = calls + 1 WHERE id = ?1";
/* the first few in line: one whose pinned version cannot be read is passed over */
#define WINDOW_NEXT_TRIES 16
static const char sql_next[] =
    "SELECT id FROM cases WHERE status = 'waiting' AND calls = 0 ORDER BY queue_seq LIMIT ?1";

/* Calls the case read into cs, inside the open transaction. */
static int window_call_locked(struct db *db, const struct case_state *cs, const char *user)
{
    struct window_info wi;
    char detail[16];

    if (window_info_load(db, cs->id, &wi) != 0) {
        db_rollback(db);
        return -1;
    }
    /* the detail is which call this is: 1 the first, 2 a call again … */
    snprintf(detail, sizeof detail, "%d", wi.calls + 1);
    window_info_free(&wi);
    return window_apply(db, cs, sql_call, user, NULL, "called", detail);
}

int window_call_next(struct db *db, const char *user, char id_out[CASE_ID_LEN + 1],
                     struct case_err *e)
{
    char ids[WINDOW_NEXT_TRIES][CASE_ID_LEN + 1];
    struct case_state cs;
    sqlite3_stmt *st;
    size_t n = 0, i;
    int r;

    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_next)) || sqlite3_bind_int(st, 1, WINDOW_NEXT_TRIES) != SQLITE_OK) {
        db_rollback(db);
        return -1;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW && n < WINDOW_NEXT_TRIES)
        snprintf(ids[n++], CASE_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (r != SQLITE_DONE && r != SQLITE_ROW) {
        db_rollback(db);
        return -1;
    }
    /* read inside the same transaction: no other window can take it between */
    for (i = 0; i < n; i++) {
        r = cases_load(db, ids[i], &cs, e);
        if (r == 0) {
            memcpy(id_out, ids[i], CASE_ID_LEN + 1);
            r = window_call_locked(db, &cs, user);
            cases_state_free(&cs);
            return r;
        }
        if (r < 0 && cs.procedure[0] && !cs.model) {
            /* as in the queue: log the version, never the case */
            fprintf(stderr, "spkiosk: call-next: a case of %s version %.12s cannot be read, "
                            "passed over\n", cs.procedure, cs.hash);
            cases_state_free(&cs);
            continue;
        }
        cases_state_free(&cs);
        db_rollback(db);
        return -1;
    }
    db_rollback(db);
    *e = err_queue_empty;
    return 1;
}

int window_call(struct db *db, const char *id, const char *user, struct case_err *e)
{
    struct case_state cs;
    int rc;

    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (!window_status(&cs, "waiting")) {
        rc = window_refuse(db, e, &err_not_waiting);
        goto done;
    }
    rc = window_call_locked(db, &cs, user);
done:
    cases_state_free(&cs);
    return rc;
}

static const char sql_no_show[] =
    "UPDATE cases SET status = 'abandoned', no_show_at = ?2 WHERE id = ?1";

int window_no_show(struct db *db, const char *id, const char *user, struct case_err *e)
{
    struct case_state cs;
    struct window_info wi;
    int rc;

    memset(&wi, 0, sizeof wi);
    if ((rc = window_begin(db, id, &cs, &wi, e)) != 0)
        goto done;
    if (!window_status(&cs, "waiting") || wi.calls == 0) {
        rc = window_refuse(db, e, window_status(&cs, "waiting") ? &err_not_called : &err_not_waiting);
        goto done;
    }
    rc = window_apply(db, &cs, sql_no_show, user, NULL, "no_show", NULL);
done:
    cases_state_free(&cs);
    window_info_free(&wi);
    return rc;
}

/* ---- the correction notice ------------------------------------------------ */

/* "2026年11月21日 16:05" in local time from an ISO UTC stamp; the stamp's
 * date as written when it cannot be read. */
static void window_local_time(const char *iso, char *out, size_t cap)
{
    struct tm tm, lt;
    time_t t;

    memset(&tm, 0, sizeof tm);
    if (!strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm) || (t = timegm(&tm)) == (time_t)-1 ||
        !localtime_r(&t, &lt) || strftime(out, cap, "%Y年%m月%d日 %H:%M", &lt) == 0)
        snprintf(out, cap, "%.10s", iso);
}

static int window_li(struct strbuf *sb, const char *kind, const char *text)
{
    return strbuf_puts(sb, "<li><span class=\"what\">") | strbuf_puts(sb, kind) |
           strbuf_puts(sb, "</span>") | strbuf_put_html(sb, text, strlen(text)) |
           strbuf_puts(sb, "</li>\n");
}

static const struct {
    const char *key, *label;
} window_contact[] = {
    {"location", "办理地点"}, {"hours", "办理时间"}, {"phone", "咨询电话"},
    {"responsible", "责任岗位"},
};

static char *window_notice(const struct case_state *cs, const struct window_info *wi)
{
    const struct procedure *p = cs->model;
    cJSON *flags = cs->returned_items ? cJSON_Parse(cs->returned_items) : NULL;
    struct strbuf sb = STRBUF_INIT;
    char when[64], *qr = qrsvg_render(cs->id, "办件二维码,到窗口时请出示");
    const struct fm_entry *e;
    size_t j, i, n = 0;
    int rc = 0;

    if (!qr) {
        cJSON_Delete(flags);
        return NULL;
    }
    window_local_time(wi->returned_at, when, sizeof when);
    rc |= strbuf_puts(&sb, "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<title>补正告知单 ");
    rc |= strbuf_put_html(&sb, cs->ticket ? cs->ticket : "", cs->ticket ? strlen(cs->ticket) : 0);
    rc |= strbuf_puts(&sb, "</title>\n<link rel=\"stylesheet\" href=\"/assets/print.css\">\n</head>\n"
                           "<body class=\"correction-page\">\n<main class=\"correction\">\n"
                           "<header><p class=\"kind\">补正告知单(一次性告知)</p>\n<h1>");
    rc |= strbuf_put_html(&sb, p->title, strlen(p->title));
    rc |= strbuf_puts(&sb, "</h1>\n</header>\n<dl class=\"facts\">\n<dt>排队号</dt><dd class=\"ticket\">");
    rc |= strbuf_put_html(&sb, cs->ticket ? cs->ticket : "—", cs->ticket ? strlen(cs->ticket) : 3);
    rc |= strbuf_puts(&sb, "</dd>\n<dt>退回时间</dt><dd>");
    rc |= strbuf_put_html(&sb, when, strlen(when));
    rc |= strbuf_puts(&sb, "</dd>\n<dt>经办人</dt><dd>");
    rc |= strbuf_put_html(&sb, wi->returned_by, strlen(wi->returned_by));
    rc |= strbuf_puts(&sb, "</dd>\n</dl>\n<section class=\"reason\"><h2>退回原因</h2>\n<p>");
    rc |= strbuf_put_html(&sb, cs->returned_reason ? cs->returned_reason : "",
                          cs->returned_reason ? strlen(cs->returned_reason) : 0);
    rc |= strbuf_puts(&sb, "</p></section>\n<section class=\"materials\"><h2>需要补正的内容</h2>\n"
                           "<p class=\"intro\">以下是本次需要补正的全部内容,请一次补齐:</p>\n<ul>\n");
    /* what the staffer flagged, then anything required that is missing;
     * labels and texts only, never what the resident wrote */
    for (j = 0; j < p->n_steps; j++) {
        const struct proc_step *st = &p->steps[j];
        for (i = 0; i < st->n_items; i++) {
            const struct proc_item *it = &st->items[i];
            bool applies = cases_item_applies(cs, j, it);
            if (window_flagged(flags, "checklist", it->id) ||
                (applies && it->required && !cases_ticked(cs, it->id))) {
                rc |= window_li(&sb, "材料:", it->text);
                n++;
            }
        }
        for (i = 0; i < st->n_fields; i++) {
            const struct field *f = &st->fields[i];
            bool applies = window_field_applies(cs, j, f);
            if (window_flagged(flags, "fields", f->key)) {
                rc |= window_li(&sb, "请核对、更正:", f->label);
                n++;
            } else if (applies && f->required && !cases_value(cs, f->key)) {
                rc |= window_li(&sb, "请填写:", f->label);
                n++;
            }
        }
    }
    if (!n)
        rc |= strbuf_puts(&sb, "<li>见上面的退回原因。</li>\n");
    rc |= strbuf_puts(&sb, "</ul></section>\n<section class=\"next\"><h2>补正后怎么办</h2>\n"
                           "<p>补齐后,请在自助机上修改并重新提交(当天排队号不变),"
                           "或直接带本告知单和材料到综合窗口办理。</p>\n<dl class=\"facts\">\n");
    for (i = 0; i < sizeof window_contact / sizeof window_contact[0]; i++) {
        if (!(e = frontmatter_get(&p->meta, window_contact[i].key)) || !*e->value)
            continue;
        rc |= strbuf_puts(&sb, "<dt>") | strbuf_puts(&sb, window_contact[i].label) |
              strbuf_puts(&sb, "</dt><dd>") | strbuf_put_html(&sb, e->value, strlen(e->value)) |
              strbuf_puts(&sb, "</dd>\n");
    }
    rc |= strbuf_puts(&sb, "</dl></section>\n<div class=\"qr\">");
    rc |= strbuf_puts(&sb, qr);
    rc |= strbuf_puts(&sb, "</div>\n<p class=\"code\">");
    rc |= strbuf_put_html(&sb, cs->id, strlen(cs->id));
    rc |= strbuf_puts(&sb, "</p>\n<footer><p>本告知单一次性列明需要补正的全部内容。"
                           "如有疑问,请向经办人或综合窗口咨询。</p></footer>\n"
                           "</main>\n</body>\n</html>\n");
    free(qr);
    cJSON_Delete(flags);
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

int window_correction_html(struct db *db, const char *id, char **out, struct case_err *e)
{
    struct case_state cs;
    struct window_info wi;
    int r;

    *out = NULL;
    if (db_read_begin(db) != 0)
        return -1;
    r = window_load(db, id, &cs, &wi, e);
    if (db_read_end(db) != 0 && r == 0)
        r = -1;
    if (r == 0 && !window_status(&cs, "returned")) {
        *e = err_not_returned;
        r = 1;
    }
    if (r == 0 && !(*out = window_notice(&cs, &wi)))
        r = -1;
    cases_state_free(&cs);
    window_info_free(&wi);
    return r;
}
