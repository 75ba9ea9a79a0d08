/* window_view: what staff see of cases, as JSON — the queue (waiting,
 * in progress, being filled in at the window), one queue entry, and the
 * whole case view with every value in full, the steps with their staff
 * guidance, the rating and the history. Reads only; the moves are in
 * window.c. */
#include "window_view.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "case_view.h"
#include "catalog.h"
#include "clock.h"
#include "corrections.h"
#include "notify.h"
#include "posts.h"
#include "print.h"
#include "rate.h"
#include "relay.h"
#include "sweep.h"
#include "window.h"
#include "workdays.h"

/* ---- JSON helpers ---------------------------------------------------------- */

/* Adds key: s, or key: null for NULL or "". Returns 0 or -1. */
static int window_view_add_str(cJSON *o, const char *key, const char *s)
{
    return (s && *s ? cJSON_AddStringToObject(o, key, s) : cJSON_AddNullToObject(o, key)) ? 0 : -1;
}

static int window_view_add_num(cJSON *o, const char *key, double v)
{
    return cJSON_AddNumberToObject(o, key, v) ? 0 : -1;
}

static int window_view_add_bool(cJSON *o, const char *key, bool v)
{
    return cJSON_AddBoolToObject(o, key, v) ? 0 : -1;
}

/* Appends a new object to arr and returns it, or NULL. */
static cJSON *window_view_push_obj(cJSON *arr)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int window_view_push_str(cJSON *arr, const char *s)
{
    cJSON *v = cJSON_CreateString(s);

    if (!v || !cJSON_AddItemToArray(arr, v)) {
        cJSON_Delete(v);
        return -1;
    }
    return 0;
}

static char *window_view_print(cJSON *root)
{
    char *s = root ? cJSON_PrintUnformatted(root) : NULL;

    cJSON_Delete(root);
    return s;
}

/* ---- the queue ---------------------------------------------------------- */

/* The full ID numbers of the listed waiting cases, each with its entry's
 * index, gathered only to find the cases that share one; never written out. */
struct window_view_same {
    struct window_view_idv {
        char *value;
        size_t entry;
    } *v;
    size_t n, cap;
};

static int window_view_same_push(struct window_view_same *w, const char *value, size_t entry)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        struct window_view_idv *v = realloc(w->v, cap * sizeof *v);
        if (!v)
            return -1;
        w->v = v;
        w->cap = cap;
    }
    if (!(w->v[w->n].value = strdup(value)))
        return -1;
    w->v[w->n++].entry = entry;
    return 0;
}

static void window_view_same_free(struct window_view_same *w)
{
    size_t i;

    for (i = 0; i < w->n; i++)
        free(w->v[i].value);
    free(w->v);
}

static int window_view_idv_cmp(const void *a, const void *b)
{
    const struct window_view_idv *x = a, *y = b;
    int r = strcmp(x->value, y->value);

    return r ? r : (x->entry > y->entry) - (x->entry < y->entry);
}

static size_t window_view_root(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* Marks the entries of arr (n of them) that share an ID number with another:
 * "same_id": {"group": G, "count": N}, groups numbered 1, 2... in queue order,
 * so the number says nothing of the ID; null for the others. 0 or -1. */
static int window_view_same_mark(cJSON *arr, size_t n, struct window_view_same *w)
{
    size_t *parent = NULL, *size = NULL, *group = NULL, i, next = 0;
    cJSON *o;
    int rc = -1;

    if (n == 0)
        return 0;
    if (!(parent = malloc(n * sizeof *parent)) || !(size = calloc(n, sizeof *size)) ||
        !(group = calloc(n, sizeof *group)))
        goto out;
    for (i = 0; i < n; i++)
        parent[i] = i;
    if (w->n)
        qsort(w->v, w->n, sizeof *w->v, window_view_idv_cmp);
    for (i = 1; i < w->n; i++) {
        if (strcmp(w->v[i].value, w->v[i - 1].value) != 0)
            continue;
        size_t a = window_view_root(parent, w->v[i].entry),
               b = window_view_root(parent, w->v[i - 1].entry);
        if (a != b)
            parent[a > b ? a : b] = a < b ? a : b;
    }
    for (i = 0; i < n; i++)
        size[window_view_root(parent, i)]++;
    for (i = 0, o = arr->child; i < n && o; i++, o = o->next) {
        size_t r = window_view_root(parent, i);
        cJSON *x;
        if (size[r] < 2) {
            if (!cJSON_AddNullToObject(o, "same_id"))
                goto out;
            continue;
        }
        /* roots are the smallest index of their set: met first in order */
        if (!group[r])
            group[r] = ++next;
        if (!(x = cJSON_AddObjectToObject(o, "same_id")) ||
            window_view_add_num(x, "group", (double)group[r]) != 0 ||
            window_view_add_num(x, "count", (double)size[r]) != 0)
            goto out;
    }
    rc = 0;
out:
    free(parent);
    free(size);
    free(group);
    return rc;
}

/* "resume" (relay_resume_json): a corrected case waiting for the hall
 * is on the hall's clock from its hand-in, and the day's report counts it
 * overdue once the dates it resumes to pass; the lists said nothing of it
 * (a hall manager's review). Only a case returned while accepted has a
 * paused_on: the others need no calendar. 0 or -1. */
static int window_view_add_resume(struct db *db, cJSON *o, const struct case_state *cs)
{
    struct catalog *c;
    int rc;

    if (!cs->r.paused_on[0])
        return cJSON_AddNullToObject(o, "resume") ? 0 : -1;
    /* none loaded (a start whose load failed): weekends alone, as the
     * day's close counts then */
    c = catalog_acquire();
    rc = relay_resume_json(db, cs, c ? catalog_calendar(c) : NULL, clock_today(), o);
    if (c)
        catalog_release(c);
    return rc;
}

/* Adds a queue entry for the case to arr; with same, also collects the
 * case's full ID numbers under entry index `entry`. Returns 0 or -1. */
static int window_view_entry_add(struct db *db, cJSON *arr, const struct case_state *cs,
                                 struct window_view_same *same, size_t entry)
{
    const struct procedure *p = cs->model;
    cJSON *o = window_view_push_obj(arr), *ids;
    size_t j, i;
    int rc = 0;

    if (!o)
        return -1;
    rc |= window_view_add_str(o, "id", cs->id);
    rc |= window_view_add_str(o, "ticket", cs->ticket);
    rc |= window_view_add_str(o, "procedure", cs->procedure);
    rc |= window_view_add_str(o, "title", p->title);
    rc |= window_view_add_str(o, "status", cs->status);
    rc |= window_view_add_str(o, "channel", cs->channel);
    rc |= window_view_add_str(o, "submitted_at", cs->w.submitted_at);
    /* the contract's "waiting since": the latest hand-in, for cases in the queue */
    rc |= window_view_add_str(o, "waiting_since",
                         strcmp(cs->status, "waiting") == 0 ? cs->w.submitted_at : NULL);
    rc |= window_view_add_str(o, "called_at", cs->w.called_at);
    rc |= window_view_add_str(o, "called_by", cs->w.called_by);
    rc |= window_view_add_num(o, "calls", cs->w.calls);
    /* where the last call sent the resident: a staffer who logs in at
     * that window, or a colleague the resident turns to, sees it */
    rc |= window_view_add_str(o, "called_window", cs->w.calls > 0 ? cs->w.called_window : NULL);
    /* sent there by a colleague (转窗): called_by is the sender, whose
     * logout check and doubt over a lost call are not about this resident */
    rc |= window_view_add_bool(o, "transferred", cs->w.calls > 0 && cs->w.transferred);
    /* handed in by a staffer at their desk: its resident is there, and
     * call-next passes it over (window.h) */
    rc |= window_view_add_str(o, "handed_in_by", cs->w.handed_in_by);
    rc |= window_view_add_str(o, "accepted_at", cs->w.accepted_at);
    rc |= window_view_add_str(o, "accepted_by", cs->w.accepted_by);
    /* 材料不全: handed in without some papers, to ask at the window */
    rc |= window_view_add_bool(o, "incomplete", cs->missing_items != NULL);
    rc |= case_view_add_missing(o, cs);
    rc |= window_view_add_str(o, "invite_date", cs->w.invite_date);
    /* 待领取: since when it waits to be collected, often days after its ticket */
    rc |= window_view_add_str(o, "ready_at", cs->r.ready_at);
    rc |= window_view_add_resume(db, o, cs);
    if (rc || !(ids = cJSON_AddArrayToObject(o, "ids")))
        return -1;
    /* lists are seen over a staffer's shoulder: ID numbers by their last 4 */
    for (j = 0; j < p->n_steps; j++) {
        for (i = 0; i < p->steps[j].n_fields; i++) {
            const struct field *f = &p->steps[j].fields[i];
            const char *v = field_type_get(f->type)->mask == FIELD_MASK_ID ? cases_value(cs, f->key) : NULL;
            char masked[CASE_VIEW_MASKED_MAX];
            cJSON *x;
            if (!v)
                continue;
            if (same && window_view_same_push(same, v, entry) != 0)
                return -1;
            if (!(x = window_view_push_obj(ids)) || window_view_add_str(x, "label", f->label) != 0 ||
                window_view_add_str(x, "value", case_view_mask_id(v, masked)) != 0)
                return -1;
        }
    }
    return 0;
}

/* the queue is today's tickets (?2 today); an earlier day's ticket never
 * served is listed apart, so that the staff can still open it when its
 * holder comes back, but it is never in line (cases_ticket_of_today) */
static const char sql_waiting[] =
    "SELECT id FROM cases WHERE status = 'waiting' AND ticket_day = ?2 ORDER BY queue_seq LIMIT ?1";
static const char sql_waiting_count[] =
    "SELECT count(*) FROM cases WHERE status = 'waiting' AND ticket_day = ?1";
/* all waiting to be collected: the page's 待领取 (N 件) said 500 of more */
static const char sql_ready_count[] = "SELECT count(*) FROM cases WHERE status = 'ready'";
static const char sql_earlier[] =
    "SELECT id FROM cases WHERE status = 'waiting' AND (ticket_day IS NULL OR ticket_day <> ?2)"
    " ORDER BY queue_seq LIMIT ?1";
static const char sql_in_progress[] =
    "SELECT id FROM cases WHERE status = 'accepted' ORDER BY accepted_at, id LIMIT ?1";
/* 待领取: the resident comes back days later, often without the slip, and
 * that day's ticket no longer opens the case: without this list a ready
 * case was in no list once its notification was done a day. Nothing sweeps
 * a ready case, so what nobody collects piles up over the years: past the
 * limit the list keeps the ones done last (those residents come back for),
 * shown first done first */
static const char sql_ready[] =
    "SELECT id FROM (SELECT id, ready_at FROM cases WHERE status = 'ready'"
    " ORDER BY ready_at DESC, id DESC LIMIT ?1) ORDER BY ready_at, id";
/* cases a staffer started at the window and has not submitted yet, so that
 * one left for the queue can be taken up again; a day back is enough; and
 * web cases the window took up with their resident (窗口接办), the same. The
 * public POST /api/v1/cases may say channel window too, without a login:
 * only a staffer's own start (created_by) counts, or anyone could bury
 * them under 500 of their own. */
static const char sql_filling[] =
    "SELECT id FROM cases WHERE status = 'open' AND updated_at >= ?2"
    " AND ((channel = 'window' AND created_by IS NOT NULL) OR (channel = 'web' AND EXISTS"
    "  (SELECT 1 FROM case_events e WHERE e.case_id = cases.id AND e.what = 'taken_up')))"
    " ORDER BY created_at, id LIMIT ?1";

/* The ids a list query gives (?1 the limit, ?2 when it has one: since
 * when, ISO UTC), into a new array (caller frees). */
static int window_view_ids(struct db *db, const char *sql, const char *since,
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

/* Whether a text field of the case holds exactly name: the resident's (or
 * a guardian's) name as written, not the answer of a choice or a number
 * that happens to read the same. */
static bool window_view_named(const struct case_state *cs, const char *name)
{
    const struct procedure *p = cs->model;
    size_t j, i;

    for (j = 0; j < p->n_steps; j++) {
        for (i = 0; i < p->steps[j].n_fields; i++) {
            const struct field *f = &p->steps[j].fields[i];
            const char *v = f->type == FIELD_TEXT ? cases_value(cs, f->key) : NULL;
            if (v && strcmp(v, name) == 0)
                return true;
        }
    }
    return false;
}

/* Adds the entries of the cases sql lists as array key of root; with
 * named, only those window_view_named keeps. */
static int window_view_list_named(struct db *db, cJSON *root, const char *key, const char *sql,
                                  const char *since, const char *named)
{
    char (*ids)[CASE_ID_LEN + 1] = NULL;
    cJSON *arr = cJSON_AddArrayToObject(root, key);
    struct window_view_same same = {NULL, 0, 0}, *sp = sql == sql_waiting ? &same : NULL;
    size_t n, i, listed = 0;
    int rc = -1, r;

    if (!arr || window_view_ids(db, sql, since, &ids, &n) != 0)
        goto out;
    for (i = 0; i < n; i++) {
        struct case_state cs;
        struct refusal e;
        r = cases_load(db, ids[i], &cs, &e);
        if (r < 0 && cs.procedure[0] && !cs.model) {
            /* its pinned version no longer parses (models.c said so): one
             * such case must not take the whole queue down. Never the case
             * id here, the request log hides those too. */
            fprintf(stderr, "spkiosk: queue: a case of %s version %.12s cannot be read, left out\n",
                    cs.procedure, cs.hash);
            r = 1;
        }
        if (r == 0 && named && !window_view_named(&cs, named))
            r = 1;
        if (r == 0 && (r = window_view_entry_add(db, arr, &cs, sp, listed)) == 0)
            listed++;
        cases_state_free(&cs);
        if (r < 0)
            goto out;
    }
    if (sp && window_view_same_mark(arr, listed, sp) != 0)
        goto out;
    rc = 0;
out:
    window_view_same_free(&same);
    free(ids);
    return rc;
}

static int window_view_list(struct db *db, cJSON *root, const char *key, const char *sql,
                            const char *since)
{
    return window_view_list_named(db, root, key, sql, since, NULL);
}

/* Ends a list answer's read transaction: *out gets root printed when rc
 * is 0 and all went well; root is freed either way. Returns rc or -1. */
static int window_view_end(struct db *db, cJSON *root, int rc, char **out)
{
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc == 0)
        return (*out = window_view_print(root)) ? 0 : -1;
    cJSON_Delete(root);
    return rc;
}

int window_view_queue_json(struct db *db, char **out)
{
    cJSON *root = cJSON_CreateObject();
    sqlite3_stmt *st;
    char now[32], since[32], day[CLOCK_DAY_LEN];
    long long total = -1, ready = -1;
    int rc = -1;

    *out = NULL;
    if (!root || db_read_begin(db) != 0) {
        cJSON_Delete(root);
        return -1;
    }
    clock_today_text(day);
    if ((st = db_stmt(db, sql_waiting_count))) {
        if (sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            total = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    if ((st = db_stmt(db, sql_ready_count))) {
        if (sqlite3_step(st) == SQLITE_ROW)
            ready = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    clock_utc_now(now);
    clock_utc(time(NULL) - 24 * 60 * 60, since);
    if (total >= 0 && ready >= 0 && window_view_add_str(root, "now", now) == 0 &&
        window_view_add_num(root, "total", (double)total) == 0 &&
        window_view_add_num(root, "ready_total", (double)ready) == 0 &&
        window_view_list(db, root, "queue", sql_waiting, day) == 0 &&
        window_view_list(db, root, "earlier", sql_earlier, day) == 0 &&
        window_view_list(db, root, "in_progress", sql_in_progress, NULL) == 0 &&
        window_view_list(db, root, "ready", sql_ready, NULL) == 0 &&
        window_view_list(db, root, "filling", sql_filling, since) == 0)
        rc = 0;
    return window_view_end(db, root, rc, out);
}

/* 待领取 by a name the resident gives at the window (no slip, the list
 * shows no names): the ready cases with an answer equal to it, the ones
 * done last if more than the limit, shown first done first. The SQL finds
 * the cases holding the value in any answer; window_view_named keeps those
 * where a text field holds it. */
static const char sql_ready_named[] =
    "SELECT id FROM (SELECT c.id, c.ready_at FROM cases c WHERE c.status = 'ready'"
    " AND EXISTS (SELECT 1 FROM case_values v WHERE v.case_id = c.id AND v.value = ?2)"
    " ORDER BY c.ready_at DESC, c.id DESC LIMIT ?1) ORDER BY ready_at, id";

int window_view_ready_named_json(struct db *db, const char *name, char **out)
{
    cJSON *root = cJSON_CreateObject();
    int rc = -1;

    *out = NULL;
    if (!root || db_read_begin(db) != 0) {
        cJSON_Delete(root);
        return -1;
    }
    if (window_view_list_named(db, root, "ready", sql_ready_named, name, name) == 0)
        rc = 0;
    return window_view_end(db, root, rc, out);
}

/* 网上预审: web cases handed in, in the order they came; those invited
 * to the hall by the day they are asked to come */
static const char sql_prereview[] =
    "SELECT id FROM cases WHERE status = 'prereview' ORDER BY queue_seq LIMIT ?1";
static const char sql_invited[] =
    "SELECT id FROM cases WHERE status = 'invited' ORDER BY invite_date, queue_seq LIMIT ?1";

int window_view_prereview_json(struct db *db, char **out)
{
    cJSON *root = cJSON_CreateObject();
    char now[CLOCK_UTC_LEN];
    int rc = -1;

    *out = NULL;
    if (!root || db_read_begin(db) != 0) {
        cJSON_Delete(root);
        return -1;
    }
    clock_utc_now(now);
    if (window_view_add_str(root, "now", now) == 0 &&
        window_view_list(db, root, "prereview", sql_prereview, NULL) == 0 &&
        window_view_list(db, root, "invited", sql_invited, NULL) == 0)
        rc = 0;
    return window_view_end(db, root, rc, out);
}

/* web cases holding a number, newest first: in an answer (ID numbers,
 * mobiles and phones are stored normalised, cases.c) or as the visit's
 * phone; what kind of field holds it is checked on the model */
static const char sql_web_find[] =
    "SELECT id FROM cases WHERE channel = 'web' AND (visit_phone = ?2"
    " OR id IN (SELECT case_id FROM case_values WHERE value = ?2))"
    " ORDER BY created_at DESC, id LIMIT ?1";

/* Whether number is the value of one of cs's cn_mobile, phone or cn_id
 * fields, or its visit's phone: a 备注 that happens to hold it is not
 * what the resident gave as theirs. */
static bool window_view_holds(const struct case_state *cs, const char *number)
{
    size_t j, i;

    if (cs->r.visit_phone && strcmp(cs->r.visit_phone, number) == 0)
        return true;
    for (j = 0; j < cs->model->n_steps; j++)
        for (i = 0; i < cs->model->steps[j].n_fields; i++) {
            const struct field *f = &cs->model->steps[j].fields[i];
            const char *v;
            if (f->type != FIELD_CN_MOBILE && f->type != FIELD_PHONE && f->type != FIELD_CN_ID)
                continue;
            if ((v = cases_value(cs, f->key)) && strcmp(v, number) == 0)
                return true;
        }
    return false;
}

int window_view_web_find_json(struct db *db, const char *number, char **out)
{
    char (*ids)[CASE_ID_LEN + 1] = NULL;
    cJSON *root = cJSON_CreateObject(), *arr;
    char now[CLOCK_UTC_LEN];
    size_t n = 0, i, listed = 0;
    int rc = -1, r;

    *out = NULL;
    if (!root || db_read_begin(db) != 0) {
        cJSON_Delete(root);
        return -1;
    }
    clock_utc_now(now);
    if (window_view_add_str(root, "now", now) != 0 || !(arr = cJSON_AddArrayToObject(root, "cases")) ||
        window_view_ids(db, sql_web_find, number, &ids, &n) != 0)
        goto out;
    for (i = 0; i < n && listed < WINDOW_FIND_MAX; i++) {
        struct case_state cs;
        struct refusal e;
        cJSON *o;
        const char *m;
        r = cases_load(db, ids[i], &cs, &e);
        if (r < 0 && cs.procedure[0] && !cs.model)
            r = 1;              /* its version no longer parses: as the queue, left out */
        if (r == 0 && window_view_holds(&cs, number)) {
            if ((r = window_view_entry_add(db, arr, &cs, NULL, listed)) == 0) {
                o = cJSON_GetArrayItem(arr, (int)listed);
                m = notify_mobile(&cs);
                listed++;
                if (window_view_add_str(o, "created_at", cs.created_at) != 0 ||
                    window_view_add_str(o, "sms_to", m ? m + 7 : NULL) != 0)
                    r = -1;
            }
        }
        cases_state_free(&cs);
        if (r < 0)
            goto out;
    }
    rc = 0;
out:
    free(ids);
    return window_view_end(db, root, rc, out);
}

/* the turn of a waiting case; none for any other */
static const char sql_turn[] =
    "SELECT queue_seq FROM cases WHERE id = ?1 AND status = 'waiting' AND ticket_day = ?2";
static const char sql_ahead[] =
    "SELECT count(*) FROM cases WHERE status = 'waiting' AND ticket_day = ?2 AND queue_seq < ?1";

int window_view_ahead(struct db *db, const char *id, long *ahead)
{
    sqlite3_stmt *st;
    sqlite3_int64 seq = 0;
    char day[CLOCK_DAY_LEN];
    int r, rc = -1;

    *ahead = -1;
    if (db_read_begin(db) != 0)
        return -1;
    clock_today_text(day);
    if (!(st = db_stmt(db, sql_turn)) || sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        seq = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (r == SQLITE_DONE) {
        rc = 0;
        goto out;
    }
    if (r != SQLITE_ROW || !(st = db_stmt(db, sql_ahead)) ||
        sqlite3_bind_int64(st, 1, seq) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        goto out;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *ahead = (long)sqlite3_column_int64(st, 0);
        rc = 0;
    }
    sqlite3_reset(st);
out:
    if (db_read_end(db) != 0)
        rc = -1;
    return rc;
}

int window_view_entry_json(struct db *db, const char *id, char **out, struct refusal *e)
{
    struct case_state cs;
    cJSON *arr = cJSON_CreateArray();
    int r;

    *out = NULL;
    if (!arr)
        return -1;
    r = cases_load(db, id, &cs, e);
    if (r == 0 && window_view_entry_add(db, arr, &cs, NULL, 0) != 0)
        r = -1;
    if (r == 0 && !(*out = cJSON_PrintUnformatted(cJSON_GetArrayItem(arr, 0))))
        r = -1;
    cJSON_Delete(arr);
    cases_state_free(&cs);
    return r;
}

/* ---- the case view ------------------------------------------------------- */

static int window_view_add_cond(cJSON *o, const struct cond *c)
{
    cJSON *x = cJSON_AddObjectToObject(o, "if");

    return x && window_view_add_str(x, "key", c->key) == 0 &&
                   window_view_add_str(x, "op", c->negate ? "!=" : "=") == 0 &&
                   window_view_add_str(x, "value", c->value) == 0
               ? 0
               : -1;
}

/* "procedure_steps" and "missing": every step of the pinned version with what
 * applies, what was ticked and answered (in full), and the staff guidance;
 * missing lists required parts that apply and are not there. */
static int window_view_add_steps(cJSON *root, const struct case_state *cs, const cJSON *flags)
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
        cJSON *o = window_view_push_obj(steps), *items, *fields;
        if (!o)
            return -1;
        rc |= window_view_add_num(o, "index", (double)j);
        rc |= window_view_add_str(o, "title", st->title);
        rc |= window_view_add_str(o, "label", procedure_step_label(st->title));
        rc |= window_view_add_bool(o, "applicable", cs->applicable[j]);
        rc |= window_view_add_bool(o, "done", cs->done[j]);
        rc |= st->has_cond ? window_view_add_cond(o, &st->cond) : 0;
        rc |= cJSON_AddStringToObject(o, "html", st->html ? st->html : "") ? 0 : -1;
        rc |= window_view_add_str(o, "staff_html", st->staff_html);
        if (rc || !(items = cJSON_AddArrayToObject(o, "checklist")) ||
            !(fields = cJSON_AddArrayToObject(o, "fields")))
            return -1;
        for (i = 0; i < st->n_items && rc == 0; i++) {
            const struct proc_item *it = &st->items[i];
            bool applies = cases_item_applies(cs, j, it), ticked = applies && cases_ticked(cs, it->id);
            cJSON *x = window_view_push_obj(items);
            if (!x)
                return -1;
            rc |= window_view_add_str(x, "id", it->id);
            rc |= window_view_add_str(x, "text", it->text);
            rc |= window_view_add_bool(x, "required", it->required);
            rc |= window_view_add_bool(x, "applies", applies);
            rc |= window_view_add_bool(x, "ticked", ticked);
            rc |= window_view_add_bool(x, "flagged", case_view_flagged(flags, "checklist", it->id));
            if (applies && it->required && !ticked) {
                cJSON *mi = window_view_push_obj(m_items);
                rc |= !mi || window_view_add_str(mi, "id", it->id) || window_view_add_str(mi, "text", it->text) ||
                      window_view_add_num(mi, "step", (double)j);
            }
        }
        for (i = 0; i < st->n_fields && rc == 0; i++) {
            const struct field *f = &st->fields[i];
            bool applies = cases_field_applies(cs, j, f);
            const char *v = applies ? cases_value(cs, f->key) : NULL;
            cJSON *x = window_view_push_obj(fields);
            if (!x)
                return -1;
            rc |= window_view_add_str(x, "key", f->key);
            rc |= window_view_add_str(x, "label", f->label);
            rc |= window_view_add_str(x, "type", field_type_name(f->type));
            rc |= window_view_add_bool(x, "required", f->required);
            rc |= window_view_add_bool(x, "applies", applies);
            /* in full: this is the window, where the original is checked */
            rc |= window_view_add_str(x, "value", v);
            rc |= window_view_add_bool(x, "flagged", case_view_flagged(flags, "fields", f->key));
            if (applies && f->required && !v) {
                cJSON *mf = window_view_push_obj(m_fields);
                rc |= !mf || window_view_add_str(mf, "key", f->key) || window_view_add_str(mf, "label", f->label) ||
                      window_view_add_num(mf, "step", (double)j);
            }
        }
    }
    return rc ? -1 : 0;
}

static const char sql_events[] =
    "SELECT at, what, user, channel, step, detail FROM case_events WHERE case_id = ?1"
    " ORDER BY id LIMIT ?2";
static const char sql_rating[] =
    "SELECT score, comment, at, reasons, staff, handed_in FROM ratings WHERE case_id = ?1";

static int window_view_add_events(struct db *db, cJSON *root, const char *id)
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
        if (!(o = window_view_push_obj(arr)) ||
            window_view_add_str(o, "at", (const char *)sqlite3_column_text(st, 0)) != 0 ||
            window_view_add_str(o, "what", (const char *)sqlite3_column_text(st, 1)) != 0 ||
            window_view_add_str(o, "user", (const char *)sqlite3_column_text(st, 2)) != 0 ||
            window_view_add_str(o, "channel", (const char *)sqlite3_column_text(st, 3)) != 0 ||
            (sqlite3_column_type(st, 4) == SQLITE_NULL
                 ? !cJSON_AddNullToObject(o, "step")
                 : window_view_add_num(o, "step", sqlite3_column_int(st, 4)) != 0) ||
            window_view_add_str(o, "detail", (const char *)sqlite3_column_text(st, 5)) != 0) {
            r = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE && r != SQLITE_ROW)
        return -1;
    return window_view_add_bool(root, "events_truncated", n > WINDOW_EVENTS_MAX);
}

/* "reasons": the stored codes ("wait,other": a few short fixed codes, as
 * cases_rate_locked writes them) as a list; 0 or -1. */
static int window_view_add_reasons(cJSON *o, const char *codes)
{
    cJSON *a = cJSON_AddArrayToObject(o, "reasons"), *x;
    char buf[128], *save = NULL, *code;

    if (!a)
        return -1;
    snprintf(buf, sizeof buf, "%s", codes ? codes : "");
    for (code = strtok_r(buf, ",", &save); code; code = strtok_r(NULL, ",", &save))
        if (!(x = cJSON_CreateString(code)) || !cJSON_AddItemToArray(a, x))
            return -1;
    return 0;
}

static int window_view_add_rating(struct db *db, cJSON *root, const char *id)
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
             window_view_add_num(o, "score", sqlite3_column_int(st, 0)) == 0 &&
             window_view_add_str(o, "comment", (const char *)sqlite3_column_text(st, 1)) == 0 &&
             window_view_add_str(o, "at", (const char *)sqlite3_column_text(st, 2)) == 0 &&
             window_view_add_reasons(o, (const char *)sqlite3_column_text(st, 3)) == 0 &&
             /* ours: kept out of 满意率 (schema/043), and why */
             window_view_add_str(o, "staff", (const char *)sqlite3_column_text(st, 4)) == 0 &&
             window_view_add_bool(o, "handed_in", sqlite3_column_int(st, 5) != 0) == 0)
        rc = 0;
out:
    sqlite3_reset(st);
    return rc;
}

/* ours, `rating_offer`: the window whose evaluator offers this case's
 * rating now ({"window"}), else null: the page says 请居民在…评价器上评价
 * after 办结 only when the move offered it (relay_sitting decides), not
 * by guessing from the acceptance's day. An offer past its life counts as
 * none, as the evaluator reads it (rate.h). */
static const char sql_offer_of[] =
    "SELECT window FROM rate_offers WHERE case_id = ?1 AND at > ?2 ORDER BY seq DESC LIMIT 1";

static int window_view_add_offer(struct db *db, cJSON *root, const char *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_offer_of);
    char cutoff[CLOCK_UTC_LEN];
    cJSON *o;
    int b = SQLITE_OK, r, rc = -1;

    if (!st)
        return -1;
    clock_utc(time(NULL) - RATE_OFFER_SECONDS, cutoff);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, cutoff, -1, SQLITE_STATIC);
    if (b != SQLITE_OK)
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE)
        rc = cJSON_AddNullToObject(root, "rating_offer") ? 0 : -1;
    else if (r == SQLITE_ROW && (o = cJSON_AddObjectToObject(root, "rating_offer")))
        rc = window_view_add_str(o, "window", (const char *)sqlite3_column_text(st, 0));
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* The front matter a staffer or the notice may need; visit: whether a
 * returned case may be booked for the B post (预约上门补正). */
static const char *const window_view_meta_keys[] = {
    "version", "time_limit", "fee", "responsible", "location", "hours", "phone", "visit",
};

static int window_view_add_meta(cJSON *root, const struct procedure *p)
{
    cJSON *m = cJSON_AddObjectToObject(root, "meta");
    size_t i;

    if (!m)
        return -1;
    for (i = 0; i < sizeof window_view_meta_keys / sizeof window_view_meta_keys[0]; i++) {
        const struct fm_entry *e = frontmatter_get(&p->meta, window_view_meta_keys[i]);
        if (e && window_view_add_str(m, window_view_meta_keys[i], e->value) != 0)
            return -1;
    }
    return 0;
}

int window_view_case_model_add(cJSON *root, const struct case_state *cs)
{
    const struct procedure *p = cs->model;
    const cJSON *flags = cJSON_GetObjectItemCaseSensitive(root, "returned_items");
    cJSON *conds;
    size_t i;
    int rc = 0;

    rc |= window_view_add_str(root, "procedure", cs->procedure);
    rc |= window_view_add_str(root, "title", p->title);
    rc |= window_view_add_str(root, "hash", cs->hash);
    rc |= window_view_add_num(root, "step", (double)cs->step);
    rc |= window_view_add_num(root, "steps", (double)p->n_steps);
    rc |= window_view_add_bool(root, "conditions_confirmed", cs->conditions_confirmed);
    rc |= window_view_add_meta(root, p);
    /* the public case's answers, unmasked: the one place ID numbers show in full */
    rc |= case_view_add_answers(root, cs, false);
    rc |= window_view_add_bool(root, "pickup", p->pickup);
    if (rc || !(conds = cJSON_AddArrayToObject(root, "conditions")))
        return -1;
    for (i = 0; i < p->n_conditions; i++)
        if (window_view_push_str(conds, p->conditions[i]) != 0)
            return -1;
    return window_view_add_steps(root, cs, flags);
}

/* Each stage's post by its name in the hall's _posts.md (`post_name`; the
 * id where the file has none): a newcomer reads 民政专干, not civil. And
 * `calendar_gap`: the year of the committed date when the hall's calendar
 * has a file but no dates of that year (its holidays then count as working
 * days, and the date the receipt promises is too early), else null. */
static int window_view_add_chain_names(cJSON *root)
{
    cJSON *stages = cJSON_GetObjectItemCaseSensitive(root, "stages"), *s;
    const cJSON *due = cJSON_GetObjectItemCaseSensitive(root, "due");
    struct catalog *c = catalog_acquire();
    const struct posts *ps = c ? catalog_posts(c) : NULL;
    const struct workdays *cal = c ? catalog_calendar(c) : NULL;
    int rc = 0, year = workdays_gap_year(cal, cJSON_GetStringValue(due));

    cJSON_ArrayForEach(s, stages) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "post");
        const struct post *p = cJSON_IsString(id) && ps ? posts_find(ps, id->valuestring) : NULL;
        if (cJSON_IsString(id) &&
            !cJSON_AddStringToObject(s, "post_name", p ? p->name : id->valuestring))
            rc = -1;
    }
    if (!(year ? cJSON_AddNumberToObject(root, "calendar_gap", year)
              : cJSON_AddNullToObject(root, "calendar_gap")))
        rc = -1;
    if (c)
        catalog_release(c);
    return rc;
}

/* ours, `live_version`: {hash, version, since} of the item's live version
 * when the case keeps another (started before an edit: cases keep their
 * version, the spec says), else null. The staff page says which rules the
 * case is checked by: beside a 本事项已更新 notice listing a new required
 * paper, 必须的材料都已勾选 read as a slip (a policy-change review). A live
 * version that shows staff the same as the case's (equal notice keys: a
 * review date moved on) is not another for this (a code review). */
static const char sql_live_version[] =
    "SELECT p.hash, json_extract(v.detail_json, '$.version'), p.updated_at FROM procedures p"
    " JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " WHERE p.id = ?1 AND p.status = 'live' AND NOT EXISTS (SELECT 1 FROM procedure_versions c"
    "  WHERE c.procedure_id = p.id AND c.hash = ?2 AND c.notice_key = v.notice_key)";

static int window_view_add_live(struct db *db, cJSON *root, const struct case_state *cs)
{
    sqlite3_stmt *st = db_stmt(db, sql_live_version);
    cJSON *o;
    int r, rc = -1;

    if (!st)
        return -1;
    r = sqlite3_bind_text(st, 1, cs->procedure, -1, SQLITE_STATIC) == SQLITE_OK &&
                sqlite3_bind_text(st, 2, cs->hash, -1, SQLITE_STATIC) == SQLITE_OK
            ? sqlite3_step(st)
            : SQLITE_ERROR;
    if (r == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), cs->hash) != 0) {
        if ((o = cJSON_AddObjectToObject(root, "live_version")) &&
            db_column_json(o, "hash", st, 0) == 0 && db_column_json(o, "version", st, 1) == 0 &&
            db_column_json(o, "since", st, 2) == 0)
            rc = 0;
    } else if (r == SQLITE_ROW || r == SQLITE_DONE) {
        rc = cJSON_AddNullToObject(root, "live_version") ? 0 : -1;
    }
    sqlite3_reset(st);
    return rc;
}

/* ours, `procedure_status` ("live" or "retired") and `procedure_retired_at`
 * (when it was retired, else null): a case of a withdrawn item (停办: its
 * file deleted) is finished on its own version, but the staffer is to know
 * that the item is no longer offered, which nothing else in the view says. */
static const char sql_proc_status[] = "SELECT status, updated_at FROM procedures WHERE id = ?1";

static int window_view_add_proc_status(struct db *db, cJSON *root, const struct case_state *cs)
{
    sqlite3_stmt *st = db_stmt(db, sql_proc_status);
    bool retired;
    int r, rc = -1;

    if (!st)
        return -1;
    r = sqlite3_bind_text(st, 1, cs->procedure, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(st)
                                                                              : SQLITE_ERROR;
    if (r == SQLITE_ROW) {
        retired = strcmp((const char *)sqlite3_column_text(st, 0), "retired") == 0;
        if (cJSON_AddStringToObject(root, "procedure_status", retired ? "retired" : "live") &&
            (retired ? db_column_json(root, "procedure_retired_at", st, 1) == 0
                     : cJSON_AddNullToObject(root, "procedure_retired_at") != NULL))
            rc = 0;
    } else if (r == SQLITE_DONE) {
        /* no row for the item (none is ever deleted): said as unknown */
        rc = cJSON_AddNullToObject(root, "procedure_status") &&
                     cJSON_AddNullToObject(root, "procedure_retired_at")
                 ? 0
                 : -1;
    }
    sqlite3_reset(st);
    return rc;
}

static int window_view_received_push(void *ctx, const struct proc_item *it, size_t step, const char *at,
                                     const char *user)
{
    cJSON *o = window_view_push_obj(ctx);

    return !o || window_view_add_str(o, "id", it->id) != 0 || window_view_add_str(o, "text", it->text) != 0 ||
                   window_view_add_num(o, "step", (double)step) != 0 ||
                   window_view_add_str(o, "at", at) != 0 || window_view_add_str(o, "by", user) != 0
               ? -1
               : 0;
}

/* "received_papers" (ours): the 补交 records of this acceptance that still
 * stand, [{"id","text","step","at","by"}] (window_received_each), what the
 * page offers to withdraw. 0 or -1. */
static int window_view_add_received(struct db *db, cJSON *root, const struct case_state *cs)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "received_papers");

    return arr ? window_received_each(db, cs, window_view_received_push, arr) : -1;
}

/* "not_brought_papers" (ours): optional papers ticked at the kiosk that
 * the window recorded as not brought, still standing, in the same shape
 * (window_not_brought_each): what the page offers to take back and what
 * tells the back office the hall does not hold them. 0 or -1. */
static int window_view_add_not_brought(struct db *db, cJSON *root, const struct case_state *cs)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "not_brought_papers");

    return arr ? window_not_brought_each(db, cs, window_view_received_push, arr) : -1;
}

static int window_view_build_case(struct db *db, const struct case_state *cs, char **out)
{
    struct catalog *c;
    cJSON *root = cJSON_CreateObject();
    int rc = 0;

    if (!root)
        return -1;
    rc |= window_view_add_str(root, "id", cs->id);
    rc |= window_view_add_str(root, "ticket", cs->ticket);
    rc |= window_view_add_str(root, "ticket_day", cs->ticket_day);
    /* as the resident's view says it: the page leaves out 再次叫号, which
     * window_call refuses for an earlier day's ticket */
    rc |= window_view_add_bool(root, "ticket_expired",
                               strcmp(cs->status, "waiting") == 0 && !cases_ticket_of_today(cs));
    rc |= window_view_add_str(root, "channel", cs->channel);
    /* a web case's lost link (ours, notify_link_send): the mobile's last
     * four that a text would go to, for the staffer to check with the
     * caller, and whether this hall can text it at all */
    /* and whether the window may take it up with its resident (窗口接办) */
    rc |= window_view_add_bool(root, "take_up", window_take_up_possible(cs));
    if (strcmp(cs->channel, "web") == 0) {
        const char *m = notify_mobile(cs);
        rc |= window_view_add_str(root, "sms_to", m ? m + 7 : NULL);
        rc |= window_view_add_bool(root, "link_sms", notify_link_possible());
    } else {
        rc |= window_view_add_str(root, "sms_to", NULL);
        rc |= window_view_add_bool(root, "link_sms", false);
    }
    rc |= window_view_add_str(root, "status", cs->status);
    rc |= window_view_add_str(root, "created_at", cs->created_at);
    rc |= window_view_add_str(root, "created_by", cs->w.created_by);
    rc |= window_view_add_str(root, "submitted_at", cs->w.submitted_at);
    rc |= window_view_add_str(root, "called_at", cs->w.called_at);
    rc |= window_view_add_str(root, "called_by", cs->w.called_by);
    rc |= window_view_add_num(root, "calls", cs->w.calls);
    rc |= window_view_add_str(root, "called_window", cs->w.calls > 0 ? cs->w.called_window : NULL);
    rc |= window_view_add_bool(root, "transferred", cs->w.calls > 0 && cs->w.transferred);
    rc |= window_view_add_str(root, "handed_in_by", cs->w.handed_in_by);
    rc |= window_view_add_str(root, "accepted_at", cs->w.accepted_at);
    rc |= window_view_add_str(root, "accepted_by", cs->w.accepted_by);
    rc |= window_view_add_str(root, "completed_at", cs->w.completed_at);
    rc |= window_view_add_str(root, "completed_by", cs->w.completed_by);
    rc |= window_view_add_str(root, "outcome", cs->w.outcome);
    rc |= window_view_add_str(root, "returned_reason", cs->returned_reason);
    rc |= window_view_add_str(root, "returned_at", cs->w.returned_at);
    rc |= window_view_add_str(root, "returned_by", cs->w.returned_by);
    rc |= case_view_add_returned_items(root, cs);
    rc |= window_view_add_bool(root, "incomplete", cs->missing_items != NULL);
    rc |= case_view_add_missing(root, cs);
    rc |= window_view_add_received(db, root, cs);
    rc |= window_view_add_not_brought(db, root, cs);
    rc |= window_view_add_str(root, "no_show_at", cs->w.no_show_at);
    rc |= case_view_add_invite(root, cs, true);
    rc |= case_view_add_visit(root, cs, true);
    if (rc)
        goto fail;
    /* the chain: every stage with its due date, who passed it and when */
    c = catalog_acquire();
    rc = relay_staff_json(db, cs, c ? catalog_calendar(c) : NULL, clock_today(), root);
    /* 等居民补正: how long it has been with the resident, until when */
    if (rc == 0)
        rc = corrections_case_json(db, cs, c ? catalog_calendar(c) : NULL, clock_today(), sweep_retention_get(), root);
    if (c)
        catalog_release(c);
    if (rc || window_view_add_chain_names(root) != 0 ||
        window_view_add_str(root, "rejected_reason", cs->r.rejected_reason) != 0 ||
        /* 不予受理 (never accepted), not 不予办理: the page's words and notice */
        !cJSON_AddBoolToObject(root, "refused", relay_refused(cs)) ||
        window_view_add_str(root, "ready_at", cs->r.ready_at) != 0 ||
        window_view_add_str(root, "handed_at", cs->r.handed_at) != 0 ||
        window_view_add_str(root, "handed_by", cs->r.handed_by) != 0)
        goto fail;
    if (window_view_case_model_add(root, cs) != 0 || window_view_add_live(db, root, cs) != 0 ||
        window_view_add_proc_status(db, root, cs) != 0 ||
        window_view_add_rating(db, root, cs->id) != 0 || window_view_add_offer(db, root, cs->id) != 0 ||
        window_view_add_events(db, root, cs->id) != 0)
        goto fail;
    if (!(*out = window_view_print(root)))
        return -1;
    return 0;
fail:
    cJSON_Delete(root);
    return -1;
}

int window_view_case_json(struct db *db, const char *id, char **out, struct refusal *e)
{
    struct case_state cs;
    int r;

    *out = NULL;
    if (db_read_begin(db) != 0)
        return -1;
    r = cases_load(db, id, &cs, e);
    if (r == 0)
        r = window_view_build_case(db, &cs, out);
    if (db_read_end(db) != 0 && r == 0) {
        free(*out);
        *out = NULL;
        r = -1;
    }
    cases_state_free(&cs);
    return r;
}

