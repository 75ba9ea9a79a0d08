/* cases: the walkthrough's state machine over SQLite. The model of the
 * pinned version decides what applies; the database holds only accepted,
 * normalised answers; every change is an event. */
#include "cases.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_view.h"
#include "catalog.h"
#include "clock.h"
#include "display.h"
#include "followup.h"
#include "idmask.h"
#include "text.h"
#include "utf8.h"
#include "validate.h"

/* ---- reading a case ------------------------------------------------------ */

/* the whole row, the window's columns (11-24, 25-28, 29, 46) and the
 * relay's (30-43) too, then the window of the ticket's last call (44), the
 * last activity (47), whether that call was a transfer (48), and whether
 * a returned case has a home visit booked since its last return (49,
 * visit_book: the visit columns alone do not say it, a case returned at
 * the home keeps its visit's): one reader of a case */
static const char sql_case[] =
    "SELECT c.procedure_id, c.hash, c.channel, c.status, c.conditions_confirmed, c.ticket,"
    " c.returned_reason, c.created_at, r.score, c.ticket_day, c.returned_items,"
    " c.submitted_at, c.created_by, c.called_at, c.called_by, c.calls, c.accepted_at,"
    " c.accepted_by, c.completed_at, c.completed_by, c.returned_at, c.returned_by,"
    " c.no_show_at, c.outcome, c.erased_at, c.invite_date, c.invite_note, c.invited_at,"
    " c.invited_by, c.missing_items, c.stage, c.owner, c.due, c.paused_on, c.rejected_reason,"
    " c.rejected_at, c.rejected_by, c.ready_at, c.handed_at, c.handed_by, c.visit_date,"
    " c.visit_slot, c.visit_address, c.visit_phone,"
    " CASE WHEN c.calls > 0 AND c.ticket IS NOT NULL THEN (SELECT k.window FROM calls k"
    "  WHERE k.day = c.ticket_day AND k.ticket = c.ticket ORDER BY k.seq DESC LIMIT 1) END,"
    " c.walk_events, c.handed_in_by, c.updated_at,"
    /* the turn's last call or transfer: a submission clears the calls, so
     * with calls > 0 the newest such event is of this turn */
    " CASE WHEN c.calls > 0 THEN (SELECT e.what = 'transferred' FROM case_events e"
    "  WHERE e.case_id = c.id AND e.what IN ('called', 'transferred')"
    "  ORDER BY e.id DESC LIMIT 1) END,"
    " c.status = 'returned' AND EXISTS (SELECT 1 FROM case_events k WHERE k.case_id = c.id"
    "  AND k.what = 'visit_booked' AND k.id > (SELECT coalesce(max(x.id), 0) FROM case_events x"
    "  WHERE x.case_id = c.id AND x.what = 'returned'))"
    " FROM cases c"
    " LEFT JOIN ratings r ON r.case_id = c.id WHERE c.id = ?1";
static const char sql_case_values[] = "SELECT key, step, value FROM case_values WHERE case_id = ?1";
static const char sql_case_ticks[] = "SELECT item_id, step FROM case_checklist WHERE case_id = ?1";
static const char sql_case_steps[] = "SELECT step FROM case_steps WHERE case_id = ?1";
static const char sql_case_stage[] =
    "SELECT key, label, due FROM case_stages WHERE case_id = ?1 AND idx = ?2";

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

_Static_assert(sizeof ((struct case_window *)0)->called_window >= DISPLAY_WINDOW_BUF,
               "called_window holds a call's window");

static void cases_copy(char *dst, size_t cap, const unsigned char *src)
{
    snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

/* The window's columns, from column first of a sql_case row on. */
static void cases_window_read(struct case_window *w, sqlite3_stmt *st, int first, int *oom)
{
    cases_copy(w->submitted_at, sizeof w->submitted_at, sqlite3_column_text(st, first));
    cases_copy(w->created_by, sizeof w->created_by, sqlite3_column_text(st, first + 1));
    cases_copy(w->called_at, sizeof w->called_at, sqlite3_column_text(st, first + 2));
    cases_copy(w->called_by, sizeof w->called_by, sqlite3_column_text(st, first + 3));
    w->calls = sqlite3_column_int(st, first + 4);
    cases_copy(w->accepted_at, sizeof w->accepted_at, sqlite3_column_text(st, first + 5));
    cases_copy(w->accepted_by, sizeof w->accepted_by, sqlite3_column_text(st, first + 6));
    cases_copy(w->completed_at, sizeof w->completed_at, sqlite3_column_text(st, first + 7));
    cases_copy(w->completed_by, sizeof w->completed_by, sqlite3_column_text(st, first + 8));
    cases_copy(w->returned_at, sizeof w->returned_at, sqlite3_column_text(st, first + 9));
    cases_copy(w->returned_by, sizeof w->returned_by, sqlite3_column_text(st, first + 10));
    cases_copy(w->no_show_at, sizeof w->no_show_at, sqlite3_column_text(st, first + 11));
    w->outcome = cases_dup_col(st, first + 12, oom);
    /* first + 13 is erased_at, the case's own */
    cases_copy(w->invite_date, sizeof w->invite_date, sqlite3_column_text(st, first + 14));
    w->invite_note = cases_dup_col(st, first + 15, oom);
    cases_copy(w->invited_at, sizeof w->invited_at, sqlite3_column_text(st, first + 16));
    cases_copy(w->invited_by, sizeof w->invited_by, sqlite3_column_text(st, first + 17));
}

/* The relay's columns, from column first of a sql_case row on. */
static void cases_relay_read(struct case_relay *r, sqlite3_stmt *st, int first, int *oom)
{
    r->stage = sqlite3_column_type(st, first) == SQLITE_NULL ? -1 : sqlite3_column_int(st, first);
    cases_copy(r->owner, sizeof r->owner, sqlite3_column_text(st, first + 1));
    cases_copy(r->due, sizeof r->due, sqlite3_column_text(st, first + 2));
    cases_copy(r->paused_on, sizeof r->paused_on, sqlite3_column_text(st, first + 3));
    r->rejected_reason = cases_dup_col(st, first + 4, oom);
    cases_copy(r->rejected_at, sizeof r->rejected_at, sqlite3_column_text(st, first + 5));
    cases_copy(r->rejected_by, sizeof r->rejected_by, sqlite3_column_text(st, first + 6));
    cases_copy(r->ready_at, sizeof r->ready_at, sqlite3_column_text(st, first + 7));
    cases_copy(r->handed_at, sizeof r->handed_at, sqlite3_column_text(st, first + 8));
    cases_copy(r->handed_by, sizeof r->handed_by, sqlite3_column_text(st, first + 9));
    cases_copy(r->visit_date, sizeof r->visit_date, sqlite3_column_text(st, first + 10));
    cases_copy(r->visit_slot, sizeof r->visit_slot, sqlite3_column_text(st, first + 11));
    r->visit_address = cases_dup_col(st, first + 12, oom);
    r->visit_phone = cases_dup_col(st, first + 13, oom);
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

/* In file order: a condition names a field of an earlier step, so one
 * pass suffices. */
void cases_evaluate(struct case_state *cs)
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

int cases_load(struct db *db, const char *id, struct case_state *cs, struct refusal *e)
{
    static const struct refusal unknown = {REFUSAL_NOT_FOUND, "unknown_case", "没有找到这个办事记录，请重新开始"};
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
    cs->walk_events = sqlite3_column_int(st, 45);
    cases_copy(cs->ticket_day, sizeof cs->ticket_day, sqlite3_column_text(st, 9));
    cs->returned_items = cases_dup_col(st, 10, &oom);
    cases_window_read(&cs->w, st, 11, &oom);
    cs->erased = sqlite3_column_type(st, 24) != SQLITE_NULL;
    cs->missing_items = cases_dup_col(st, 29, &oom);
    cases_relay_read(&cs->r, st, 30, &oom);
    cases_copy(cs->w.called_window, sizeof cs->w.called_window, sqlite3_column_text(st, 44));
    cases_copy(cs->w.handed_in_by, sizeof cs->w.handed_in_by, sqlite3_column_text(st, 46));
    cases_copy(cs->updated_at, sizeof cs->updated_at, sqlite3_column_text(st, 47));
    cs->w.transferred = sqlite3_column_int(st, 48) != 0;
    cs->r.visit_booked = sqlite3_column_int(st, 49) != 0;
    sqlite3_reset(st);
    if (oom)
        return -1;
    if (cs->r.stage >= 0) {
        /* the current stage as the resident's page names it (relay.h) */
        if (!(st = db_stmt(db, sql_case_stage)))
            return -1;
        b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, cs->r.stage);
        if ((r = b == SQLITE_OK ? sqlite3_step(st) : b) == SQLITE_ROW) {
            cases_copy(cs->r.stage_key, sizeof cs->r.stage_key, sqlite3_column_text(st, 0));
            cs->r.stage_label = cases_dup_col(st, 1, &oom);
            cases_copy(cs->r.stage_due, sizeof cs->r.stage_due, sqlite3_column_text(st, 2));
        }
        sqlite3_reset(st);
        if (oom || (r != SQLITE_ROW && r != SQLITE_DONE))
            return -1;
    }
    if (models_get(db, cs->procedure, cs->hash, &cs->model, &cs->ref) != 0)
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

bool cases_ticket_of_today(const struct case_state *cs)
{
    char day[CLOCK_DAY_LEN];

    clock_today_text(day);
    return cs->ticket && strcmp(cs->ticket_day, day) == 0;
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
    free(cs->missing_items);
    free(cs->w.outcome);
    free(cs->w.invite_note);
    free(cs->r.rejected_reason);
    free(cs->r.visit_address);
    free(cs->r.visit_phone);
    free(cs->r.stage_label);
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

/* The event row alone (cases_event_add without the touch). */
static int cases_event_insert(struct db *db, const char *id, const char *now, const char *what,
                              const char *channel, const char *user, int step, const char *detail)
{
    sqlite3_stmt *st = db_stmt(db, sql_event);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    b |= sqlite3_bind_text(st, 3, what, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, channel, -1, SQLITE_STATIC);
    b |= step >= 0 ? sqlite3_bind_int(st, 5, step) : sqlite3_bind_null(st, 5);
    b |= user ? sqlite3_bind_text(st, 6, user, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 6);
    b |= detail ? sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 7);
    return db_run(st, b);
}

int cases_event_add(struct db *db, const char *id, const char *what, const char *channel,
                    const char *user, int step, const char *detail)
{
    sqlite3_stmt *st;
    char now[32];
    int b = SQLITE_OK;

    clock_utc_now(now);
    if (cases_event_insert(db, id, now, what, channel, user, step, detail) != 0 ||
        !(st = db_stmt(db, sql_touch)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    return db_run(st, b);
}

static const char sql_mark_erase[] = "UPDATE cases SET needs_erase = 1 WHERE id = ?1";

int cases_event_note(struct db *db, const char *id, const char *what, const char *channel,
                     const char *user, const char *detail)
{
    sqlite3_stmt *st;
    char now[32];

    clock_utc_now(now);
    if (cases_event_insert(db, id, now, what, channel, user, -1, detail) != 0 ||
        !(st = db_stmt(db, sql_mark_erase)))
        return -1;
    return db_run(st, sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC));
}

/* one row however often the sheet is printed: a GET anyone may repeat.
 * Its column: the side (outside) of a public case; NULL for a staffer's */
static const char sql_keep_open[] =
    "SELECT CASE WHEN created_by IS NULL THEN outside END FROM cases"
    " WHERE id = ?1 AND status = 'open' AND NOT EXISTS"
    " (SELECT 1 FROM case_events WHERE case_id = ?1 AND what = 'kept_open')";
/* the public's open cases of one side that a sheet keeps: the open ones
 * are few (the cap), each looked up in case_events_case */
static const char sql_kept_count[] =
    "SELECT count(*) FROM cases c WHERE c.status = 'open' AND c.created_by IS NULL"
    " AND c.outside = ?1 AND EXISTS"
    " (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.what = 'kept_open')";

int cases_keep_open(struct db *db, const char *id, long long kept_max)
{
    sqlite3_stmt *st;
    int rc = -1, r, outside = -1;
    long long kept = 0;

    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_keep_open)) ||
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        outside = sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        goto out;
    if (r == SQLITE_DONE) {
        rc = 0;
        goto out;
    }
    /* a public case: kept cases count against the open cases' cap for a
     * month, so sheets printed in a loop could shut the kiosks out; past
     * kept_max the case keeps the idle hour */
    if (outside >= 0 && kept_max > 0) {
        if (!(st = db_stmt(db, sql_kept_count)) || sqlite3_bind_int(st, 1, outside) != SQLITE_OK)
            goto out;
        r = sqlite3_step(st);
        if (r == SQLITE_ROW)
            kept = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (r != SQLITE_ROW)
            goto out;
        if (kept >= kept_max) {
            rc = 1;
            goto out;
        }
    }
    if (cases_event_add(db, id, "kept_open", NULL, NULL, -1, NULL) != 0)
        goto out;
    rc = 0;
out:
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

/* the touch of a public walkthrough move, counting it (schema/035): the
 * row is updated anyway, so the count costs no page more than the touch */
static const char sql_walk_touch[] =
    "UPDATE cases SET updated_at = ?2, needs_erase = 1, walk_events = walk_events + 1 WHERE id = ?1";

/* A move of the walkthrough on cs, read in this transaction (conditions
 * answered, a step sent, either refused): a staffer's (user set) is
 * always an event, the only record of who entered a step at the window;
 * the public's is one while the case has counted at most
 * CASES_WALK_EVENTS_MAX of them, else only the touch. 0 or -1. */
static int cases_walk_event(struct db *db, const struct case_state *cs, const char *what,
                            const char *user, int step)
{
    sqlite3_stmt *st;
    char now[32];
    int b = SQLITE_OK;

    if (user)
        return cases_event_add(db, cs->id, what, cs->channel, user, step, NULL);
    if (!(st = db_stmt(db, sql_walk_touch)))
        return -1;
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    if (db_run(st, b) != 0)
        return -1;
    return cs->walk_events >= CASES_WALK_EVENTS_MAX
               ? 0 : cases_event_insert(db, cs->id, now, what, cs->channel, NULL, step, NULL);
}

static const char sql_create[] =
    "INSERT INTO cases (id, procedure_id, hash, channel, status, conditions_confirmed,"
    " created_at, updated_at, created_by, outside)"
    " VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?6, ?7, ?8)";

int cases_create(struct db *db, const char *procedure, const char *hash, const char *channel,
                 const char *user, long long open_max, bool outside,
                 char id_out[CASE_ID_LEN + 1], struct refusal *e)
{
    long long open = 0;
    static const struct refusal policy = {REFUSAL_INVALID, "policy_document",
                                           "这是政策说明，不需要办理；如有疑问请到综合窗口咨询"};
    static const struct refusal bad_channel = {REFUSAL_INVALID, "bad_channel",
                                                "页面出了问题，办理方式不对；请返回首页重新开始"};
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
    if (models_get(db, procedure, hash, &p, &ref) != 0)
        return -1;
    if (p->kind == PROC_POLICY) {
        *e = policy;
        rc = 1;
        goto out;
    }
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(id_out, CASE_ID_LEN + 1, rnd, sizeof rnd);
    clock_utc_now(now);
    if (db_begin(db) != 0)
        goto out;
    if (open_max > 0) {
        if (cases_open_count(db, outside, &open) != 0)
            goto fail;
        if (open >= open_max) {
            db_rollback(db);
            rc = 2;
            goto out;
        }
    }
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
    b |= sqlite3_bind_int(st, 8, outside);
    if (db_run(st, b) != 0 || cases_event_add(db, id_out, "created", channel, user, -1, NULL) != 0 ||
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

/* from cases_open_side alone (schema 037) */
static const char sql_open_count[] =
    "SELECT count(*) FROM cases WHERE status = 'open' AND created_by IS NULL AND outside = ?1";

int cases_open_count(struct db *db, bool outside, long long *n)
{
    sqlite3_stmt *st = db_stmt(db, sql_open_count);
    int r;

    *n = 0;
    if (!st)
        return -1;
    if (sqlite3_bind_int(st, 1, outside) != SQLITE_OK) {
        sqlite3_reset(st);
        return -1;
    }
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return r == SQLITE_ROW ? 0 : -1;
}

int cases_begin(struct db *db, const char *id, struct case_state *cs, struct refusal *e)
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

static const char sql_confirm[] = "UPDATE cases SET conditions_confirmed = ?2 WHERE id = ?1";

int cases_confirm(struct db *db, const char *id, const bool *confirmed, size_t n, const char *user,
                  size_t **unmet, size_t *n_unmet, struct refusal *e)
{
    static const struct refusal unmet_err = {
        REFUSAL_INVALID, "conditions_unmet", "有办理条件不符合，暂时不能在这里办理；请到综合窗口咨询"};
    static const struct refusal closed = {REFUSAL_CONFLICT, "case_closed", "这件事已经提交，不能再修改"};
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
        /* the latest answer stands: a condition now answered 否 takes back
         * an earlier confirmation, so the steps wait until it is answered
         * again (409, as before any confirmation). The refusal is worth an
         * event: stats show who is turned away */
        if (!(st = db_stmt(db, sql_confirm)))
            goto rollback;
        b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, 0);
        if (db_run(st, b) != 0 ||
            cases_walk_event(db, &cs, "conditions_unmet", user, -1) != 0 || db_commit(db) != 0)
            goto rollback;
        *e = unmet_err;
        rc = 1;
        goto done;
    }
    if (!(st = db_stmt(db, sql_confirm)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, 1);
    if (db_run(st, b) != 0 || cases_walk_event(db, &cs, "conditions", user, -1) != 0 ||
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

/* Adds field f's refusal to rej (fields are refused at most once per
 * step, so keys do not repeat). Returns 0 or -1 (memory). */
static int cases_reject(struct case_rejection *rej, const struct field *f, const char *code,
                        const char *message)
{
    struct case_field_error *x = realloc(rej->fields, (rej->n_fields + 1) * sizeof *x);

    if (!x)
        return -1;
    rej->fields = x;
    x = &x[rej->n_fields];
    snprintf(x->key, sizeof x->key, "%s", f->key);
    x->code = code;
    if (!(x->message = strdup(message)))
        return -1;
    rej->n_fields++;
    return 0;
}

/* The first of n answers for key, or NULL. */
static const struct case_input *cases_answer(const struct case_input *a, size_t n, const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(a[i].key, key) == 0)
            return &a[i];
    return NULL;
}

/* Whether in ticks item. */
static bool cases_answer_ticks(const struct case_answers *in, const char *item)
{
    const struct case_input *a = cases_answer(in->checklist, in->n_checklist, item);

    return a && a->kind == CASE_INPUT_YES;
}

/* An answer as the text a validator reads: text as it is, a boolean for a
 * yesno, a number for a number. NULL for unanswered. *bad when the kind
 * does not fit the field. */
static const char *cases_input_text(const struct field *f, const struct case_input *v, bool *bad)
{
    *bad = false;
    if (!v)
        return NULL;
    switch (v->kind) {
    case CASE_INPUT_NONE:
        return NULL;
    case CASE_INPUT_TEXT:
        return v->text;
    case CASE_INPUT_YES:
    case CASE_INPUT_NO:
        if (field_type_get(f->type)->json == FIELD_JSON_BOOL)
            return v->kind == CASE_INPUT_YES ? "yes" : "no";
        break;
    case CASE_INPUT_NUMBER:
        if (field_type_get(f->type)->json == FIELD_JSON_NUMBER)
            return v->text;
        break;
    case CASE_INPUT_OTHER:
        break;
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
    return db_run(st, b);
}

static int cases_exec_id_text(struct db *db, const char *sql, const char *id, const char *t)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
    return db_run(st, b);
}


/* Whether done step j still holds everything it requires now: a changed
 * earlier answer can make other items or fields apply to it, or leave a
 * confirmation (same_as) on it repeating a value that is no longer there
 * (the card number changed on its own step after its confirmation was
 * accepted on a later one). */
static bool cases_step_complete(const struct case_state *cs, size_t j)
{
    const struct proc_step *s = &cs->model->steps[j];
    size_t i;

    for (i = 0; i < s->n_items; i++)
        if (s->items[i].required && (!s->items[i].has_cond || cases_cond_holds(cs, &s->items[i].cond)) &&
            !cases_ticked(cs, s->items[i].id))
            return false;
    for (i = 0; i < s->n_fields; i++) {
        const struct field *f = &s->fields[i];
        const char *v, *other;

        if (f->has_cond && !cases_cond_holds(cs, &f->cond))
            continue;
        v = cases_value(cs, f->key);
        if (f->required && !v)
            return false;
        /* both stored normalised, as validate_field compares them */
        if (f->same_as && v && (!(other = cases_value(cs, f->same_as)) || strcmp(other, v) != 0))
            return false;
    }
    return true;
}

/* Writes step n's accepted answers, then drops answers of parts that no
 * longer apply (e.g. the agent's step after 代办 changed to 否) and reopens
 * later steps that a changed answer left incomplete. */
static int cases_store_step(struct db *db, struct case_state *cs, size_t n, char **normalised,
                            const struct case_answers *in, struct case_state *keep)
{
    const struct proc_step *st = &cs->model->steps[n];
    struct case_state after;
    struct refusal e;
    sqlite3_stmt *q;
    char now[32];
    size_t i, j;
    int b = SQLITE_OK, rc = -1, dropped = 0;

    memset(&after, 0, sizeof after);
    clock_utc_now(now);
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
        if (db_run(q, b) != 0)
            return -1;
    }
    for (i = 0; i < st->n_items; i++) {
        const struct proc_item *it = &st->items[i];
        if ((it->has_cond && !cases_cond_holds(cs, &it->cond)) || !cases_answer_ticks(in, it->id))
            continue;
        if (!(q = db_stmt(db, sql_put_tick)))
            return -1;
        b |= sqlite3_bind_text(q, 1, cs->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(q, 2, it->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(q, 3, (int)n);
        if (db_run(q, b) != 0)
            return -1;
    }
    if (!(q = db_stmt(db, sql_put_step)))
        return -1;
    b |= sqlite3_bind_text(q, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(q, 2, (int)n);
    b |= sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
    if (db_run(q, b) != 0)
        return -1;
    /* re-read inside the transaction and drop what no longer applies */
    if (cases_load(db, cs->id, &after, &e) != 0)
        goto out;
    for (j = 0; j < after.model->n_steps; j++) {
        const struct proc_step *s = &after.model->steps[j];
        if (after.done[j] && (!after.applicable[j] || !cases_step_complete(&after, j))) {
            dropped = 1;
            if (cases_exec_id_int(db, sql_drop_step, cs->id, (int)j) != 0)
                goto out;
        }
        for (i = 0; i < s->n_fields; i++) {
            if (!cases_raw_value(&after, s->fields[i].key) || cases_value(&after, s->fields[i].key))
                continue;
            dropped = 1;
            if (cases_exec_id_text(db, sql_drop_value, cs->id, s->fields[i].key) != 0)
                goto out;
        }
        for (i = 0; i < s->n_items; i++) {
            /* a tick that is not there needs no delete (after holds them all) */
            if (!cases_ticked(&after, s->items[i].id) || cases_item_applies(&after, j, &s->items[i]))
                continue;
            dropped = 1;
            if (cases_exec_id_text(db, sql_drop_tick, cs->id, s->items[i].id) != 0)
                goto out;
        }
    }
    rc = 0;
    /* nothing dropped: the case as read is the case as the step leaves it
     * (the walkthrough's event touches no answer), so the answer needs no
     * read of its own (issue #13 item 2: a third load of the case) */
    if (keep && !dropped) {
        *keep = after;
        memset(&after, 0, sizeof after);
    }
out:
    cases_state_free(&after);
    return rc;
}

int cases_step_settle(struct db *db, const char *id, size_t j)
{
    struct case_state after;
    struct refusal e;
    sqlite3_stmt *q;
    char now[32];
    bool complete;
    int rc = -1, b = SQLITE_OK;

    memset(&after, 0, sizeof after);
    if (cases_load(db, id, &after, &e) != 0 || j >= after.model->n_steps)
        goto out;
    complete = after.applicable[j] && cases_step_complete(&after, j);
    if (complete == after.done[j]) {
        rc = 0;
        goto out;
    }
    if (!complete) {
        rc = cases_exec_id_int(db, sql_drop_step, id, (int)j);
        goto out;
    }
    clock_utc_now(now);
    if (!(q = db_stmt(db, sql_put_step)))
        goto out;
    b |= sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(q, 2, (int)j);
    b |= sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
    rc = db_run(q, b);
out:
    cases_state_free(&after);
    return rc;
}

static const struct refusal cases_err_failed = {REFUSAL_INVALID, "validation_failed",
                                                  "有内容需要修改，请看每一项的提示"};

void cases_normalised_free(char **normalised, size_t n)
{
    size_t i;

    for (i = 0; normalised && i < n; i++)
        free(normalised[i]);
    free(normalised);
}

/* Inside the transaction that read cs: whether step n may be answered
 * now, then in checked against it. Returns 0 with *normalised (one entry
 * per field of the step, caller frees with cases_normalised_free) and rej
 * holding every failing field and every required item not ticked (empty
 * when the answers are good); 1 with e set when the step cannot be
 * answered now; -1. */
static int cases_step_check(const struct case_state *cs, size_t n, const struct case_answers *in,
                            int today, char ***normalised, struct case_rejection *rej,
                            struct refusal *e)
{
    static const struct refusal unknown_step = {REFUSAL_NOT_FOUND, "unknown_step",
                                                  "没有找到这一步，请返回首页重新办理，或到综合窗口咨询"};
    static const struct refusal closed = {REFUSAL_CONFLICT, "case_closed", "这件事已经提交，不能再修改"};
    static const struct refusal unconfirmed = {REFUSAL_CONFLICT, "conditions_unconfirmed",
                                                "请先确认办理条件"};
    static const struct refusal not_reached = {REFUSAL_CONFLICT, "step_not_reached", "请先完成前面的步骤"};
    static const struct refusal not_applicable = {REFUSAL_CONFLICT, "step_not_applicable",
                                                   "根据您前面的回答，这一步不需要办理"};

    if (n >= cs->model->n_steps)
        *e = unknown_step;
    else if (strcmp(cs->status, "open") != 0 && strcmp(cs->status, "returned") != 0)
        *e = closed;
    else if (!cs->conditions_confirmed)
        *e = unconfirmed;
    else if (n > cs->step)
        *e = not_reached;
    else if (!cs->applicable[n])
        *e = not_applicable;
    else
        return cases_step_validate(cs, n, in, today, normalised, rej);
    return 1;
}

/* An ID or card number the case already has comes back to a step as the
 * public case shows it, masked (3706**********0015): a page reopened from
 * its link or slip cannot know more, and a resident correcting another
 * answer should not have to type it again. That exact echo stands for the
 * stored value, unless the window flagged the field when it returned the
 * case (the number is what must change); anything else is checked as
 * typed. In an answer whose type masks nothing (a 备注, 残疾人证号) each ID
 * number was masked alone, and the resident may edit around it: each mask
 * the text still holds as shown stands for its number; a mask changed
 * itself, or one in a field the window flagged, is 1 (to be typed in
 * full: taken as typed, its stars replaced the number for good and the
 * window saw **************). *use gets the text to check, *owned what to
 * free after it. 0, 1, or -1 when memory runs out. */
static int cases_unmask(const struct case_state *cs, const struct field *f, const char *text,
                        const char **use, char **owned)
{
    const char *stored;
    char *shown;
    cJSON *flags;
    bool flagged, echo;
    int r;

    *use = text;
    *owned = NULL;
    /* a text past validate's bound is refused as typed: put back mask by
     * mask, each of a stored value's masks scanned all of it (a 1 MiB
     * body and a couple of hundred masks) */
    if (!text || strlen(text) > VALIDATE_INPUT_MAX || !strchr(text, '*') ||
        !(stored = cases_value(cs, f->key)))
        return 0;
    flags = cs->returned_items ? cJSON_Parse(cs->returned_items) : NULL;
    flagged = case_view_flagged(flags, "fields", f->key);
    cJSON_Delete(flags);
    if (case_view_field_mask(cs->model, f) == FIELD_MASK_NONE) {
        if ((r = idmask_text_restore(stored, text, owned)) != 0)
            return r;
        if (!*owned || strcmp(*owned, text) == 0) {
            free(*owned);
            *owned = NULL;
            return 0;
        }
        if (flagged) {
            free(*owned);
            *owned = NULL;
            return 1;
        }
        *use = *owned;
        return 0;
    }
    /* out of memory, the text is checked as typed: a refusal, not a guess */
    if (!(shown = case_view_shown(cs->model, f, stored)))
        return 0;
    echo = strcmp(shown, text) == 0;
    free(shown);
    if (echo && !flagged)
        *use = stored;
    return 0;
}

int cases_step_validate(const struct case_state *cs, size_t n, const struct case_answers *in,
                        int today, char ***normalised, struct case_rejection *rej)
{
    const struct proc_step *st = &cs->model->steps[n];
    struct step_ctx ctx;
    size_t i, pass;

    if (!(*normalised = calloc(st->n_fields + 1, sizeof **normalised)))
        return -1;
    ctx.cs = cs;
    ctx.st = st;
    ctx.normalised = *normalised;
    /* fields that must equal another go last, so that the other is known */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < st->n_fields; i++) {
            const struct field *f = &st->fields[i];
            struct validate_error verr;
            const char *text;
            char *owned;
            bool bad;
            int r;

            if ((f->same_as != NULL) != (pass == 1))
                continue;
            if (f->has_cond && !cases_cond_holds(cs, &f->cond))
                continue;
            text = cases_input_text(f, cases_answer(in->fields, in->n_fields, f->key), &bad);
            if (bad) {
                char msg[300];
                snprintf(msg, sizeof msg, "%s的格式不对，请重新填写", f->label);
                if (cases_reject(rej, f, "bad_type", msg) != 0)
                    return -1;
                continue;
            }
            if ((r = cases_unmask(cs, f, text, &text, &owned)) < 0)
                return -1;
            if (r > 0) {
                char msg[300];
                snprintf(msg, sizeof msg, "%s里的身份证号码显示时遮住了（*号），改动后无法还原；"
                         "请把完整的号码重新输入", f->label);
                if (cases_reject(rej, f, "masked_id", msg) != 0)
                    return -1;
                continue;
            }
            r = validate_field(f, text, text ? strlen(text) : 0, today, cases_lookup, &ctx,
                               &(*normalised)[i], &verr);
            free(owned);
            if (r < 0)
                return -1;
            if (r > 0 && cases_reject(rej, f, verr.code, verr.message) != 0)
                return -1;
        }
    }
    for (i = 0; i < st->n_items; i++) {
        const struct proc_item *it = &st->items[i];
        char (*items)[sizeof it->id];
        if (!it->required || (it->has_cond && !cases_cond_holds(cs, &it->cond)) ||
            cases_answer_ticks(in, it->id))
            continue;
        if (!(items = realloc(rej->items, (rej->n_items + 1) * sizeof *items)))
            return -1;
        rej->items = items;
        memcpy(rej->items[rej->n_items++], it->id, sizeof it->id);
    }
    return 0;
}

int cases_step(struct db *db, const char *id, size_t n, const struct case_answers *in,
               int today, const char *user, struct case_rejection *rej, struct refusal *e,
               struct case_state *after)
{
    struct case_state cs;
    char **normalised = NULL;
    int rc;

    memset(rej, 0, sizeof *rej);
    if (after)
        memset(after, 0, sizeof *after);
    /* the model is read by cases_begin: normalised is set only with it */
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if ((rc = cases_step_check(&cs, n, in, today, &normalised, rej, e)) != 0)
        goto rollback;
    rc = -1;
    if (rej->n_fields + rej->n_items) {
        /* nothing of the answers is kept; the attempt is, for statistics */
        if (cases_walk_event(db, &cs, "step_rejected", user, (int)n) != 0 || db_commit(db) != 0)
            goto rollback;
        *e = cases_err_failed;
        rc = 1;
        goto done;
    }
    if (cases_store_step(db, &cs, n, normalised, in, after) != 0 ||
        cases_walk_event(db, &cs, "step", user, (int)n) != 0 || db_commit(db) != 0)
        goto rollback;
    cases_rejection_free(rej);
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
    if (after) {
        cases_state_free(after);
        memset(after, 0, sizeof *after);
    }
done:
    cases_normalised_free(normalised, normalised ? cs.model->steps[n].n_fields : 0);
    cases_state_free(&cs);
    return rc;
}

int cases_step_missing(struct db *db, struct case_state *cs, size_t n,
                       const struct case_answers *in, int today, const char *user,
                       struct case_rejection *rej, struct refusal *e)
{
    static const struct refusal fields_first = {
        REFUSAL_INVALID, "validation_failed",
        "填写的内容还有需要修改的地方，请先改好；没带齐的材料可以之后到窗口补"};
    static const struct refusal nothing = {
        REFUSAL_INVALID, "nothing_missing", "这一步要带的材料都已勾选，不需要按材料不全取号，请点「下一步」继续"};
    char **normalised = NULL;
    int rc;

    memset(rej, 0, sizeof *rej);
    if ((rc = cases_step_check(cs, n, in, today, &normalised, rej, e)) != 0)
        goto done;
    rc = 1;
    if (rej->n_fields) {
        *e = fields_first;
        goto done;
    }
    if (!rej->n_items) {
        *e = nothing;
        goto done;
    }
    /* the answers are kept as a good step's are; the step itself is not
     * done (cases_store_step drops it: a required item is not ticked), so
     * the resident comes back to it */
    rc = -1;
    if (cases_store_step(db, cs, n, normalised, in, NULL) != 0 ||
        cases_event_add(db, cs->id, "step_incomplete", cs->channel, user, (int)n, NULL) != 0)
        goto done;
    rc = 0;
done:
    cases_normalised_free(normalised, normalised ? cs->model->steps[n].n_fields : 0);
    return rc;
}

void cases_rejection_free(struct case_rejection *rej)
{
    size_t i;

    for (i = 0; i < rej->n_fields; i++)
        free(rej->fields[i].message);
    free(rej->fields);
    free(rej->items);
    memset(rej, 0, sizeof *rej);
}

static const char sql_rate[] =
    "INSERT INTO ratings (case_id, score, comment, at, reasons, staff, handed_in)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

const char *const CASES_RATE_REASONS[CASES_RATE_REASONS_N] = {
    "wait", "attitude", "unclear", "materials", "other",
};

int cases_rate_reason(const char *code)
{
    int i;

    for (i = 0; i < CASES_RATE_REASONS_N; i++)
        if (strcmp(code, CASES_RATE_REASONS[i]) == 0)
            return i;
    return -1;
}

int cases_rate_check(int score, const char *comment, unsigned reasons, struct refusal *e)
{
    static const struct refusal bad_score = {REFUSAL_INVALID, "bad_score",
                                              "评价请选择 1 到 5 之间的一项（5 为非常满意）"};
    static const struct refusal long_comment = {REFUSAL_INVALID, "comment_too_long",
                                                 "意见最多 500 个字，请删减一些"};
    static const struct refusal bad_text = {REFUSAL_INVALID, "bad_text",
                                            "意见里有无法显示的字符，请删掉后重新填写"};
    static const struct refusal reasons_high = {
        REFUSAL_INVALID, "reasons_not_asked", "“哪里没做好”只在选择“不满意”或“非常不满意”时填写"};

    if (score < 1 || score > 5) {
        *e = bad_score;
        return 1;
    }
    /* the hall reads comments: the same characters as any typed text */
    if (comment && text_check(comment, strlen(comment)) != 0) {
        *e = bad_text;
        return 1;
    }
    if (comment && utf8_count(comment, strlen(comment)) > CASE_COMMENT_MAX) {
        *e = long_comment;
        return 1;
    }
    /* what went wrong is asked only of a 1 or a 2 (the complaints the
     * hall calls back), so a 5 with "态度不好" cannot muddle the figures */
    if (reasons && score > 2) {
        *e = reasons_high;
        return 1;
    }
    return 0;
}

int cases_rate_locked(struct db *db, const char *id, int score, const char *comment,
                      unsigned reasons, const char *staff, struct refusal *e)
{
    static const struct refusal already = {REFUSAL_CONFLICT, "already_rated", "这件事已经评价过了，谢谢您"};
    char now[32], codes[64] = "";
    struct case_state cs;
    sqlite3_stmt *st;
    struct catalog *c;
    size_t n = 0;
    int b = SQLITE_OK, rc, i, r;

    if ((rc = cases_load(db, id, &cs, e)) != 0)
        goto done;
    /* any case may be rated, also one stopped by an unmet condition:
     * 好差评 is about the service, whatever came of it */
    rc = 1;
    if (cs.rating) {
        *e = already;
        goto done;
    }
    rc = -1;
    /* the codes fit (37 bytes of 64); the bound keeps a longer list from
     * ever passing snprintf a size past the buffer */
    for (i = 0; i < CASES_RATE_REASONS_N && n < sizeof codes; i++)
        if (reasons & (1u << i))
            n += (size_t)snprintf(codes + n, sizeof codes - n, "%s%s", n ? "," : "",
                                  CASES_RATE_REASONS[i]);
    clock_utc_now(now);
    if (!(st = db_stmt(db, sql_rate)))
        goto done;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, score);
    b |= sqlite3_bind_text(st, 3, comment ? comment : "", -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, codes, -1, SQLITE_STATIC);
    /* kept apart from 满意率 (schema/043): a staff session's rating, and
     * one of a case the hall never had in hand; recorded all the same, as
     * the route answers 204 to anyone */
    b |= staff && staff[0] ? sqlite3_bind_text(st, 6, staff, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 6);
    b |= sqlite3_bind_int(st, 7, cs.w.submitted_at[0] != '\0');
    if (db_run(st, b) != 0 || cases_event_add(db, id, "rated", cs.channel, NULL, -1, NULL) != 0)
        goto done;
    /* a 1 or a 2 is a complaint to put right (差评整改), opened with the
     * rating: both the public route and the evaluator's token come here */
    c = catalog_acquire();
    r = followup_complaint_locked(db, &cs, score, catalog_calendar(c), clock_today());
    catalog_release(c);
    if (r != 0)
        goto done;
    rc = 0;
done:
    cases_state_free(&cs);
    return rc;
}

int cases_rate(struct db *db, const char *id, int score, const char *comment, unsigned reasons,
               struct refusal *e)
{
    return cases_rate_by(db, id, score, comment, reasons, NULL, e);
}

int cases_rate_by(struct db *db, const char *id, int score, const char *comment,
                  unsigned reasons, const char *staff, struct refusal *e)
{
    int rc;

    if ((rc = cases_rate_check(score, comment, reasons, e)) != 0)
        return rc;
    if (db_begin(db) != 0)
        return -1;
    rc = cases_rate_locked(db, id, score, comment, reasons, staff, e);
    if (rc == 0 && db_commit(db) != 0)
        rc = -1;
    if (rc != 0)
        db_rollback(db);
    return rc;
}

/* ---- what applies --------------------------------------------------------- */

bool cases_field_applies(const struct case_state *cs, size_t step, const struct field *f)
{
    return cs->applicable[step] && (!f->has_cond || cases_cond_holds(cs, &f->cond));
}

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

