/* corrections: the cases back with the resident for 补正, and the corrected
 * cases whose resident was called and did not come, and the reminder calls
 * made about them (corrections.h). */
#include "corrections.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases.h"
#include "clock.h"
#include "notify.h"
#include "procedure.h"
#include "sweep.h"
#include "window.h"

/* A no-show past the retention period whose answers the sweep has not
 * erased because a call-back on it is open (sweep.c sql_due: the number
 * is kept until the call-back's due date is itself a retention period
 * old): `accept` still takes it, so it is still owed. ?C the retention
 * cut-off. Through followups_open (due, id), not every abandoned case. */
#define HELD(C) "c.id IN (SELECT f.case_id FROM followups f WHERE f.done_at IS NULL" \
    " AND f.phone IS NOT NULL AND f.due >= date(" C ", 'localtime'))"
/* A no-show's answers still there: inside the retention period, or held.
 * Two terms of one OR, each whole, so that the planner reads the first
 * by (status, updated_at) and the second by id: a nested OR, or the
 * second's status on cases_activity (the unary + keeps it off), made it
 * walk every abandoned case, a kiosk walk-away each. */
#define NO_SHOW_ANSWERS "c.no_show_at IS NOT NULL AND c.erased_at IS NULL"
#define NO_SHOW_KEPT(C) "(c.status = 'abandoned' AND " NO_SHOW_ANSWERS " AND c.updated_at >= " C ")" \
    " OR (+c.status = 'abandoned' AND " NO_SHOW_ANSWERS " AND " HELD(C) ")"
/* The local day from which the call-backs holding it no longer do (the
 * sweep erases when the cut-off's local day is past the last due date):
 * that date plus retention (?R) plus one, "YYYY-MM-DD", or NULL. */
#define HELD_UNTIL(R) "(SELECT date(max(f.due), printf('+%d days', " R " + 1)) FROM followups f" \
    " WHERE f.case_id = c.id AND f.done_at IS NULL AND f.phone IS NOT NULL)"

/* The cases still owed by their residents: `returned`, or a corrected case
 * (one with a return in its history) given up as a no-show whose answers
 * the sweep has not erased, which `accept` still takes when its resident
 * comes late. ?1 the user who answers for them (the owner, or for a case
 * never accepted the staffer of its last return), NULL for all; the last
 * return's instant and staffer with each. ?3 the retention cut-off: a
 * no-show older than that is erased (or about to be), and the abandoned
 * cases are most of the table, every kiosk walk-away the sweep gave up
 * kept for the statistics: (status, updated_at) reads only the period's,
 * not all of them at every poll of every staff page. Last, whether a
 * returned case has a home visit booked since its return (visit_book). */
static const char sql_owed[] =
    "SELECT c.id, c.updated_at, r.at, r.user, s.post,"
    " c.status = 'returned' AND EXISTS (SELECT 1 FROM case_events k WHERE k.case_id = c.id"
    "  AND k.what = 'visit_booked' AND k.id > r.id),"
    " CASE WHEN c.status = 'abandoned' THEN " HELD_UNTIL("?4") " END FROM cases c"
    " JOIN case_events r ON r.id = (SELECT max(x.id) FROM case_events x"
    "  WHERE x.case_id = c.id AND x.what = 'returned')"
    " LEFT JOIN case_stages s ON s.case_id = c.id AND s.idx = c.stage"
    " WHERE (c.status = 'returned' OR " NO_SHOW_KEPT("?3") ")"
    " AND (?1 IS NULL OR coalesce(c.owner, r.user) = ?1)"
    " ORDER BY c.updated_at, c.id LIMIT ?2";

/* sql_owed's cases, all of them, for the counts: whether each is a no-show
 * and its last activity; ?1 the retention cut-off as there. Bounded by
 * retention, which gives them up. */
static const char sql_owed_all[] =
    "SELECT c.status = 'abandoned', c.updated_at,"
    " CASE WHEN c.status = 'abandoned' THEN " HELD_UNTIL("?2") " END FROM cases c"
    " WHERE (c.status = 'returned' OR " NO_SHOW_KEPT("?1") ")"
    " AND EXISTS (SELECT 1 FROM case_events x WHERE x.case_id = c.id AND x.what = 'returned')"
    " LIMIT 1000000";

/* The case's `returned` notification, the newest: when it was done, by whom. */
static const char sql_notice[] =
    "SELECT created_at, done_at, done_by FROM notifications"
    " WHERE case_id = ?1 AND kind = 'returned' ORDER BY id DESC LIMIT 1";

/* One case of sql_owed, by id: its last activity and last return. ?2 the
 * retention cut-off as there. */
static const char sql_owed_one[] =
    "SELECT c.updated_at, r.at,"
    " CASE WHEN c.status = 'abandoned' THEN " HELD_UNTIL("?3") " END FROM cases c"
    " JOIN case_events r ON r.id = (SELECT max(x.id) FROM case_events x"
    "  WHERE x.case_id = c.id AND x.what = 'returned')"
    " WHERE c.id = ?1 AND (c.status = 'returned' OR " NO_SHOW_KEPT("?2") ")";

/* The reminder calls (corrections_remind) since the case came on the list
 * this time: its last return, or its no-show after the correction, which
 * ever came last. A call about the return was answered when the resident
 * handed the correction in; shown on the no-show that followed, it told a
 * colleague not to phone about the no-show. The newest one's instant,
 * staffer and note, and how many. */
static const char sql_reminded[] =
    "WITH r(id) AS (SELECT coalesce(max(id), 0) FROM case_events WHERE case_id = ?1"
    " AND what IN ('returned', 'no_show'))"
    " SELECT e.at, e.user, e.detail, (SELECT count(*) FROM case_events n, r WHERE n.case_id = ?1"
    "  AND n.what = 'reminded' AND n.id > r.id)"
    " FROM case_events e, r WHERE e.case_id = ?1 AND e.what = 'reminded' AND e.id > r.id"
    " ORDER BY e.id DESC LIMIT 1";

struct corrections_row {
    char id[CASE_ID_LEN + 1];
    char updated_at[CASE_TIME_LEN];
    char returned_at[CASE_TIME_LEN];
    char returned_by[CASE_USER_MAX + 1];
    char post[33];              /* the stopped stage's post, "" before acceptance */
    bool booked;                /* a home visit booked since the return */
    int held;                   /* a no-show's call-backs hold its answers until this day, or 0 */
};

static int corrections_text(cJSON *o, const char *key, const char *v)
{
    return (v && v[0] ? cJSON_AddStringToObject(o, key, v) : cJSON_AddNullToObject(o, key)) ? 0 : -1;
}

static int corrections_day(cJSON *o, const char *key, int ymd)
{
    char d[CLOCK_DAY_LEN];

    if (!ymd)
        return cJSON_AddNullToObject(o, key) ? 0 : -1;
    clock_day_text(ymd, d);
    return cJSON_AddStringToObject(o, key, d) ? 0 : -1;
}

/* "notice": the case's `returned` notification, or null. 0 or -1. */
static int corrections_notice(struct db *db, cJSON *o, const char *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_notice);
    cJSON *n;
    int r, rc = -1;

    if (!st || sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        goto out;
    if ((r = sqlite3_step(st)) == SQLITE_DONE)
        rc = cJSON_AddNullToObject(o, "notice") ? 0 : -1;
    else if (r == SQLITE_ROW && (n = cJSON_AddObjectToObject(o, "notice")) &&
             db_column_json(n, "created", st, 0) == 0 && db_column_json(n, "done", st, 1) == 0 &&
             db_column_json(n, "done_by", st, 2) == 0)
        rc = 0;
out:
    if (st)
        sqlite3_reset(st);
    return rc;
}

/* "reminded": the reminder calls since the case came on the list
 * (sql_reminded), {"at","by","note","count"} of the newest, or null. 0 or
 * -1. */
static int corrections_reminded(struct db *db, cJSON *o, const char *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_reminded);
    cJSON *n;
    int r, rc = -1;

    if (!st || sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        goto out;
    if ((r = sqlite3_step(st)) == SQLITE_DONE)
        rc = cJSON_AddNullToObject(o, "reminded") ? 0 : -1;
    else if (r == SQLITE_ROW && (n = cJSON_AddObjectToObject(o, "reminded")) &&
             db_column_json(n, "at", st, 0) == 0 && db_column_json(n, "by", st, 1) == 0 &&
             db_column_json(n, "note", st, 2) == 0 && cJSON_AddNumberToObject(n, "count", sqlite3_column_int(st, 3)))
        rc = 0;
out:
    if (st)
        sqlite3_reset(st);
    return rc;
}

/* The local day that falls `days` days after the stored instant at: when
 * the sweep's period counted from a case's last activity runs out. 0 when
 * at cannot be read. */
static int corrections_after(const char *at, int days)
{
    char later[CLOCK_UTC_LEN];
    time_t t;

    if (clock_utc_parse(at, &t) != 0)
        return 0;
    clock_utc(t + (time_t)days * 86400, later);
    return clock_local_day_of(later);
}

/* The instant retention_days before now, as stored instants are written:
 * a no-show last touched before it has lost its answers to the sweep. */
static void corrections_cutoff(int retention_days, char out[CLOCK_UTC_LEN])
{
    clock_utc(time(NULL) - (time_t)retention_days * 86400, out);
}

/* A HELD_UNTIL column: its day as YYYYMMDD, 0 for NULL or another shape. */
static int corrections_held(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    int y, m, d;

    if (!t || sscanf(t, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return 0;
    return workdays_date_valid(y * 10000 + m * 100 + d) ? y * 10000 + m * 100 + d : 0;
}

/* The day before ymd (local calendar), 0 for a date mktime cannot take. */
static int corrections_day_before(int ymd)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = ymd / 10000 - 1900;
    tm.tm_mon = ymd / 100 % 100 - 1;
    tm.tm_mday = ymd % 100 - 1;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    if (mktime(&tm) == (time_t)-1)
        return 0;
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Days looked back from the day a case is lost for a working day: past
 * the longest closure a calendar has (春节, nine days with its weekends). */
#define CORRECTIONS_BACK_MAX 40

/* The day to name for a case lost on `lost` whose last activity was on
 * `from`: the last working day under cal before it. The sweep counts
 * calendar days and acts at the time of day of the last activity, so the
 * lost day itself is not safe all day, and it may be a Saturday or 元旦:
 * a resident told 1月2日（星期六） came to a closed hall, or on the day in the
 * afternoon to a case already given up. When no working day is left from
 * `from` on (a period shorter than a weekend), the day before, else lost. */
static int corrections_last_day(const struct workdays *cal, int lost, int from)
{
    int d = lost, k;

    for (k = 0; k < CORRECTIONS_BACK_MAX && (d = corrections_day_before(d)) && d >= from; k++)
        if (workdays_is_working(cal, d))
            return d;
    d = corrections_day_before(lost);
    return d && d >= from ? d : lost;
}

/* The last day a case owed since updated_at is safe (corrections_last_day)
 * before it is given up (a return: the sweep's stale period) or loses its
 * answers (a no-show: retention, or later while an open call-back holds
 * them: held, the local day the sweep erases it then, 0 for none). */
static int corrections_ends(const struct workdays *cal, const char *updated_at, bool no_show,
                            int retention_days, int held)
{
    int lost = corrections_after(updated_at, no_show ? retention_days : sweep_stale_days(retention_days));
    int from = corrections_after(updated_at, 0);

    if (!lost || !from)
        return 0;
    return corrections_last_day(cal, no_show && held > lost ? held : lost, from);
}

int corrections_keep_until(const struct workdays *cal, const char *updated_at, int retention_days)
{
    return corrections_ends(cal, updated_at, false, retention_days, 0);
}

int corrections_returned_ends(const struct case_state *cs, const struct workdays *cal, int retention_days)
{
    if (strcmp(cs->status, "returned") != 0 || !cs->updated_at[0])
        return 0;
    return corrections_keep_until(cal, cs->updated_at, retention_days);
}

/* One entry of cs (read), row its list's columns. 0, or -1. */
static int corrections_entry(struct db *db, cJSON *arr, const struct case_state *cs,
                             const struct corrections_row *row, const struct workdays *cal,
                             int today, int retention_days, int soon_until, int *ending)
{
    bool no_show = strcmp(cs->status, "abandoned") == 0;
    int since = clock_local_day_of(no_show ? cs->w.no_show_at : row->returned_at);
    /* a return waits for the sweep's stale period, a no-show for retention
     * to erase what it holds (then `accept` is 409 erased) */
    int ends = corrections_ends(cal, row->updated_at, no_show, retention_days, row->held);
    bool end_near = ends && soon_until && ends <= soon_until;
    char today_text[CLOCK_DAY_LEN];
    const char *phone = cs->model ? notify_phone(cs) : NULL;
    cJSON *o, *st;

    clock_day_text(today, today_text);
    if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return -1;
    }
    if (corrections_text(o, "id", cs->id) != 0 || corrections_text(o, "ticket", cs->ticket) != 0 ||
        /* tickets start again each day: another day's says which */
        corrections_text(o, "ticket_day", strcmp(cs->ticket_day, today_text) != 0 ? cs->ticket_day : NULL) != 0 ||
        corrections_text(o, "procedure", cs->procedure) != 0 ||
        corrections_text(o, "title", cs->model ? cs->model->title : NULL) != 0 ||
        corrections_text(o, "status", cs->status) != 0 || corrections_text(o, "channel", cs->channel) != 0 ||
        corrections_text(o, "returned_at", row->returned_at) != 0 ||
        corrections_text(o, "returned_by", row->returned_by) != 0 ||
        corrections_text(o, "owner", cs->r.owner) != 0 ||
        corrections_text(o, "no_show_at", no_show ? cs->w.no_show_at : NULL) != 0 ||
        corrections_day(o, "since", since) != 0 ||
        !cJSON_AddNumberToObject(o, "days", since && today > since ? workdays_between(cal, since, today) : 0) ||
        corrections_day(o, "ends_on", ends) != 0 || !cJSON_AddBoolToObject(o, "ending", end_near))
        return -1;
    if (cs->r.stage >= 0 && cs->r.stage_key[0]) {
        if (!(st = cJSON_AddObjectToObject(o, "stage")) || corrections_text(st, "key", cs->r.stage_key) != 0 ||
            corrections_text(st, "label", cs->r.stage_label) != 0 ||
            corrections_text(st, "post", row->post) != 0)
            return -1;
    } else if (!cJSON_AddNullToObject(o, "stage")) {
        return -1;
    }
    if (corrections_text(o, "committed", cs->r.due) != 0 || corrections_text(o, "phone", phone) != 0 ||
        !cJSON_AddBoolToObject(o, "home_visit", cs->model && cs->model->visit) ||
        corrections_notice(db, o, cs->id) != 0 || corrections_reminded(db, o, cs->id) != 0)
        return -1;
    /* booked for the B post: the hall's to do on that day, no call to make */
    if (row->booked && cs->r.visit_date[0]) {
        if (!(st = cJSON_AddObjectToObject(o, "visit_booked")) ||
            corrections_text(st, "date", cs->r.visit_date) != 0 || corrections_text(st, "slot", cs->r.visit_slot) != 0)
            return -1;
    } else if (!cJSON_AddNullToObject(o, "visit_booked")) {
        return -1;
    }
    *ending += end_near;
    return 0;
}

int corrections_json(struct db *db, const char *user, const struct workdays *cal, int today,
                     int retention_days, char **out)
{
    struct corrections_row *rows = NULL;
    char cutoff[CLOCK_UTC_LEN];
    cJSON *root = NULL, *arr, *counts;
    sqlite3_stmt *st;
    size_t n = 0, i;
    int rc = -1, r = SQLITE_ERROR, b = SQLITE_OK, ending = 0, returned = 0, no_show = 0, listed = 0;
    int soon_until = workdays_due(cal, today, 1);
    bool reading = false;

    *out = NULL;
    if (!(rows = calloc(CORRECTIONS_MAX, sizeof *rows)) || !(root = cJSON_CreateObject()) ||
        !(arr = cJSON_AddArrayToObject(root, "corrections")))
        goto out;
    if (db_read_begin(db) != 0)
        goto out;
    reading = true;
    if (!(st = db_stmt(db, sql_owed)))
        goto out;
    b |= user ? sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
    b |= sqlite3_bind_int(st, 2, CORRECTIONS_MAX);
    corrections_cutoff(retention_days, cutoff);
    b |= sqlite3_bind_text(st, 3, cutoff, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 4, retention_days);
    while (b == SQLITE_OK && n < CORRECTIONS_MAX && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *by = (const char *)sqlite3_column_text(st, 3);
        const char *post = (const char *)sqlite3_column_text(st, 4);
        snprintf(rows[n].id, sizeof rows[n].id, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(rows[n].updated_at, sizeof rows[n].updated_at, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(rows[n].returned_at, sizeof rows[n].returned_at, "%s", (const char *)sqlite3_column_text(st, 2));
        snprintf(rows[n].returned_by, sizeof rows[n].returned_by, "%s", by ? by : "");
        snprintf(rows[n].post, sizeof rows[n].post, "%s", post ? post : "");
        rows[n].booked = sqlite3_column_int(st, 5) != 0;
        rows[n].held = corrections_held(st, 6);
        n++;
    }
    sqlite3_reset(st);
    if (b != SQLITE_OK || (r != SQLITE_DONE && r != SQLITE_ROW))
        goto out;
    for (i = 0; i < n; i++) {
        struct case_state cs;
        struct refusal e;
        r = cases_load(db, rows[i].id, &cs, &e);
        if (r < 0 && cs.procedure[0] && !cs.model) {
            /* its pinned version no longer parses: left out, as the queue
             * leaves it, rather than taking the list down (never the id) */
            fprintf(stderr, "spkiosk: corrections: a case of %s version %.12s cannot be read, left out\n",
                    cs.procedure, cs.hash);
            r = 1;
        }
        if (r == 0) {
            r = corrections_entry(db, arr, &cs, &rows[i], cal, today, retention_days, soon_until, &ending);
            if (r == 0) {
                listed++;
                if (strcmp(cs.status, "returned") == 0)
                    returned++;
                else
                    no_show++;
            }
        }
        cases_state_free(&cs);
        if (r < 0)
            goto out;
    }
    if (!(counts = cJSON_AddObjectToObject(root, "counts")) || !cJSON_AddNumberToObject(counts, "total", listed) ||
        !cJSON_AddNumberToObject(counts, "returned", returned) ||
        !cJSON_AddNumberToObject(counts, "no_show", no_show) || !cJSON_AddNumberToObject(counts, "ending", ending))
        goto out;
    rc = 0;
out:
    if (reading && db_read_end(db) != 0)
        rc = -1;
    if (rc == 0 && !(*out = cJSON_PrintUnformatted(root)))
        rc = -1;
    cJSON_Delete(root);
    free(rows);
    return rc;
}

int corrections_count(struct db *db, const struct workdays *cal, int today, int retention_days,
                      struct corrections_counts *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_owed_all);
    int r = SQLITE_ERROR, soon_until = workdays_due(cal, today, 1);
    char cutoff[CLOCK_UTC_LEN];

    memset(out, 0, sizeof *out);
    corrections_cutoff(retention_days, cutoff);
    if (!st || (sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC) | sqlite3_bind_int(st, 2, retention_days)) !=
                   SQLITE_OK) {
        if (st)
            sqlite3_reset(st);
        return -1;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        bool no_show = sqlite3_column_int(st, 0) != 0;
        int ends = corrections_ends(cal, (const char *)sqlite3_column_text(st, 1), no_show, retention_days,
                                    corrections_held(st, 2));
        if (no_show)
            out->no_show++;
        else
            out->returned++;
        out->ending += ends && soon_until && ends <= soon_until;
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

int corrections_case_json(struct db *db, const struct case_state *cs, const struct workdays *cal,
                          int today, int retention_days, void *o)
{
    sqlite3_stmt *st = db_stmt(db, sql_owed_one);
    char cutoff[CLOCK_UTC_LEN];
    cJSON *x;
    int r, rc = -1, since, ends, soon_until;
    bool no_show = strcmp(cs->status, "abandoned") == 0;

    corrections_cutoff(retention_days, cutoff);
    if (!st || (sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC) |
                sqlite3_bind_text(st, 2, cutoff, -1, SQLITE_STATIC) | sqlite3_bind_int(st, 3, retention_days)) !=
                   SQLITE_OK)
        goto out;
    if ((r = sqlite3_step(st)) == SQLITE_DONE) {
        rc = cJSON_AddNullToObject(o, "owed") ? 0 : -1;
        goto out;
    }
    if (r != SQLITE_ROW)
        goto out;
    since = clock_local_day_of(no_show ? cs->w.no_show_at : (const char *)sqlite3_column_text(st, 1));
    ends = corrections_ends(cal, (const char *)sqlite3_column_text(st, 0), no_show, retention_days,
                            corrections_held(st, 2));
    soon_until = workdays_due(cal, today, 1);
    if ((x = cJSON_AddObjectToObject(o, "owed")) && corrections_day(x, "since", since) == 0 &&
        cJSON_AddNumberToObject(x, "days", since && today > since ? workdays_between(cal, since, today) : 0) &&
        corrections_day(x, "ends_on", ends) == 0 &&
        cJSON_AddBoolToObject(x, "ending", ends && soon_until && ends <= soon_until) &&
        corrections_reminded(db, x, cs->id) == 0)
        rc = 0;
out:
    if (st)
        sqlite3_reset(st);
    return rc;
}

static const struct refusal err_not_owed = {
    REFUSAL_CONFLICT, "not_owed",
    "这件办件现在不在等居民补正的名单上（可能居民已经交回补正，或办件已经结束），不用再提醒；请刷新后再看"};
static const struct refusal err_note_empty = {REFUSAL_INVALID, "note_required", "请写上提醒的内容"};
static const struct refusal err_note_long = {REFUSAL_INVALID, "note_too_long",
                                             "提醒的说明最多 100 个字，请精简一些"};

_Static_assert(CORRECTIONS_NOTE_MAX == 100, "the note's message says 100 个字");

int corrections_remind(struct db *db, const char *id, const char *user, const char *note, int retention_days,
                       struct refusal *e)
{
    char buf[CORRECTIONS_NOTE_MAX * 4 + 1], cutoff[CLOCK_UTC_LEN];
    const char *text = NULL;
    struct case_state cs;
    sqlite3_stmt *st;
    int rc, r;

    /* an empty note is none: the call is what is recorded */
    if (note && !(text = window_text_check(note, CORRECTIONS_NOTE_MAX, buf, sizeof buf, &err_note_empty,
                                           &err_note_long, e)) &&
        e->code != err_note_empty.code)
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    rc = -1;
    corrections_cutoff(retention_days, cutoff);
    if (!(st = db_stmt(db, sql_owed_one)) ||
        (sqlite3_bind_text(st, 1, cs.id, -1, SQLITE_STATIC) | sqlite3_bind_text(st, 2, cutoff, -1, SQLITE_STATIC) |
         sqlite3_bind_int(st, 3, retention_days)) != SQLITE_OK) {
        if (st)
            sqlite3_reset(st);
        goto rollback;
    }
    r = sqlite3_step(st);
    sqlite3_reset(st);
    if (r == SQLITE_DONE) {
        *e = err_not_owed;
        rc = 1;
        goto rollback;
    }
    /* no activity: the resident's correct_by is the return's, not the call's */
    if (r != SQLITE_ROW || cases_event_note(db, cs.id, "reminded", cs.channel, user, text) != 0 ||
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
