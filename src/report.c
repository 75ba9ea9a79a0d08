/* report: the day's report. Every figure is one aggregate statement over
 * the day's bounds (?1 the local day's start as a stored UTC instant,
 * included; ?2 the next day's start, excluded; ?3 the date as
 * "YYYY-MM-DD", which the chain's local dates compare with), all read in
 * one read transaction so that they agree with each other. */
#include "report.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corrections.h"
#include "followup.h"
#include "library.h"
#include "relay.h"
#include "stats.h"
#include "strbuf.h"
#include "sweep.h"
#include "workdays.h"

/* Each staffer's counted moves of the day, by name. */
static const char sql_users[] =
    "SELECT user, SUM(what = 'called'), SUM(what = 'accepted'), SUM(what = 'passed'),"
    " SUM(what = 'completed'), SUM(what = 'returned'), SUM(what = 'rejected'),"
    " SUM(what IN ('visited', 'not_home')), SUM(what = 'followup'), SUM(what = 'handed_out'),"
    " (SELECT u.display FROM users u WHERE u.name = case_events.user), SUM(what = 'refused'),"
    " SUM(what = 'reminded')"
    " FROM case_events WHERE at >= ?1 AND at < ?2 AND user IS NOT NULL AND what IN"
    " ('called', 'accepted', 'passed', 'completed', 'returned', 'rejected', 'refused', 'visited',"
    "  'not_home', 'followup', 'handed_out', 'reminded')"
    " GROUP BY user ORDER BY user LIMIT 500";
_Static_assert(REPORT_USERS_MAX == 500, "sql_users's LIMIT is REPORT_USERS_MAX");

static const char sql_channels[] =
    "SELECT SUM(channel = 'kiosk'), SUM(channel = 'window'), SUM(channel = 'web')"
    " FROM cases WHERE created_at >= ?1 AND created_at < ?2";

/* A case is overdue at the day's end when the stage that was current then
 * (begun by that day, the one before it done before its end, itself not
 * done by then) was due before the day, or the date promised to the
 * resident was: a limit runs to the end of its due date, as the work list
 * counts it. A case rejected by then has no current stage; one back with
 * the resident then has its clock stopped. */
static const char sql_overdue[] =
    "SELECT COUNT(DISTINCT s.case_id) FROM case_stages s JOIN cases c ON c.id = s.case_id"
    " WHERE (s.due < ?3 OR c.due < ?3) AND s.begun_on IS NOT NULL AND s.begun_on <= ?3"
    " AND (s.done_at IS NULL OR s.done_at >= ?2)"
    " AND (s.idx = 0 OR EXISTS (SELECT 1 FROM case_stages p WHERE p.case_id = s.case_id"
    "  AND p.idx = s.idx - 1 AND p.done_at IS NOT NULL AND p.done_at < ?2))"
    " AND (c.rejected_at IS NULL OR c.rejected_at >= ?2)"
    " AND (c.paused_on IS NULL OR c.paused_on > ?3)";

/* sql_overdue's cases for the list (today's report): which, at what stage
 * of which post, due when, whose (首问负责 owner). */
static const char sql_overdue_list[] =
    "SELECT c.id, c.ticket, c.ticket_day, c.procedure_id, v.title, c.status, s.key, s.label,"
    " s.post, s.due, c.due, c.owner FROM case_stages s JOIN cases c ON c.id = s.case_id"
    " LEFT JOIN procedure_versions v ON v.procedure_id = c.procedure_id AND v.hash = c.hash"
    " WHERE (s.due < ?3 OR c.due < ?3) AND s.begun_on IS NOT NULL AND s.begun_on <= ?3"
    " AND (s.done_at IS NULL OR s.done_at >= ?2)"
    " AND (s.idx = 0 OR EXISTS (SELECT 1 FROM case_stages p WHERE p.case_id = s.case_id"
    "  AND p.idx = s.idx - 1 AND p.done_at IS NOT NULL AND p.done_at < ?2))"
    " AND (c.rejected_at IS NULL OR c.rejected_at >= ?2)"
    " AND (c.paused_on IS NULL OR c.paused_on > ?3)"
    " GROUP BY c.id ORDER BY min(s.due, coalesce(c.due, s.due)), c.id LIMIT 200";
_Static_assert(REPORT_LATE_MAX == 200, "sql_overdue_list's LIMIT is REPORT_LATE_MAX");
/* a corrected case handed in again, for the list: its dates are counted */
static const char sql_overdue_one[] =
    "SELECT c.id, c.ticket, c.ticket_day, c.procedure_id, v.title, c.status, s.key, s.label,"
    " s.post, NULL, NULL, c.owner FROM cases c"
    " LEFT JOIN case_stages s ON s.case_id = c.id AND s.idx = c.stage"
    " LEFT JOIN procedure_versions v ON v.procedure_id = c.procedure_id AND v.hash = c.hash"
    " WHERE c.id = ?1";

/* A case back with the resident and handed in again by the day's end
 * (a hand-in after its last return, before ?2), still waiting for the hall
 * to take it up: from the hand-in its clock is the hall's again (relay.c),
 * so it is overdue when the dates it resumes to are before the day
 * (report_overdue counts them; sql_overdue leaves out every case paused by
 * the day). Read as the case stands, so as today's and as the day that
 * just ended, when the close stores it. Bounded: a hall has a handful. */
static const char sql_handed_in_again[] =
    "SELECT c.id, c.stage, c.paused_on, c.due FROM cases c"
    " WHERE c.paused_on IS NOT NULL AND c.paused_on <= ?3 AND c.due IS NOT NULL"
    " AND c.stage IS NOT NULL AND c.status IN ('waiting', 'prereview', 'invited', 'visit')"
    " AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id"
    "  AND e.what IN ('submitted', 'visit_requested') AND e.at < ?2"
    "  AND e.id > (SELECT max(r.id) FROM case_events r WHERE r.case_id = c.id AND r.what = 'returned'))"
    " LIMIT 10000";

/* Handed in to the hall's queue that day (a kiosk or window case, or a web
 * case handed in with a ticket: its event's detail says "ticket"; a web
 * case sent to pre-review is not in the queue) and, after its last hand-in
 * of the day, nothing that ends waiting before the day's end. */
static const char sql_waiting[] =
    "SELECT COUNT(*) FROM (SELECT e.case_id, MAX(e.at) AS handed FROM case_events e"
    "  WHERE e.what = 'submitted' AND e.at >= ?1 AND e.at < ?2"
    "  AND (e.channel IN ('kiosk', 'window') OR (e.channel = 'web' AND e.detail LIKE 'ticket%'))"
    "  GROUP BY e.case_id) h"
    " WHERE NOT EXISTS (SELECT 1 FROM case_events x WHERE x.case_id = h.case_id"
    "  AND x.at >= h.handed AND x.at < ?2 AND x.what IN ('called', 'transferred', 'accepted', 'returned',"
    "  'rejected', 'refused', 'no_show', 'abandoned', 'completed'))";

/* Chains finished that day (the last stage done: completed or ready), and
 * of those the ones finished by the case's committed due date. A case
 * accepted before chains existed has no due and is left out. */
static const char sql_on_time[] =
    "SELECT COUNT(DISTINCT e.case_id), COUNT(DISTINCT CASE WHEN c.due >= ?3 THEN e.case_id END)"
    " FROM case_events e JOIN cases c ON c.id = e.case_id"
    " WHERE e.what = 'completed' AND e.at >= ?1 AND e.at < ?2 AND c.due IS NOT NULL";

/* Call-backs owed at the day's end: opened before it, not done by then;
 * overdue when due before the day (a due date runs to its end, as the
 * staff list counts it). Every kind and every case, whenever it started:
 * the manager's question is what the hall still owes residents. */
/* Of the complaints, those a rating kept apart from 满意率 opened (a staff
 * session's, a case never handed in: schema/043): owed all the same, as
 * the contract lists them, but a manager reading 差评整改 against 满意率
 * must see why the one counts what the other leaves out. */
/* Of all, those tried by then without reaching the resident (联系不上
 * before the last try, followup.c's events "unreachable_try KIND"): owed
 * still, another day's call. */
static const char sql_followups_owed[] =
    "SELECT COUNT(*), SUM(due < ?3), SUM(kind = 'complaint'),"
    " SUM(kind = 'complaint' AND EXISTS (SELECT 1 FROM ratings r WHERE r.case_id = f.case_id"
    "  AND (r.staff IS NOT NULL OR r.handed_in = 0))),"
    " SUM(EXISTS (SELECT 1 FROM case_events e WHERE " FOLLOWUP_TRY_MATCH " AND e.at < ?2))"
    " FROM followups f"
    " WHERE created_at < ?2 AND (done_at IS NULL OR done_at >= ?2) AND ?1 IS NOT NULL";

/* Call-backs closed that day (a result recorded, not a try), of those the
 * ones reached only after a 联系不上 try (followup.c's events
 * "unreachable_try KIND" since the call-back was opened, before its
 * result), and those given up after the last try. A manager asked how
 * much the tries cost and whether residents were reached in the end. */
static const char sql_followups_closed[] =
    "SELECT COUNT(*), SUM(result <> 'unreachable' AND EXISTS (SELECT 1 FROM case_events e"
    "  WHERE " FOLLOWUP_TRY_MATCH " AND e.at >= f.created_at AND e.at <= f.done_at)),"
    " SUM(result = 'unreachable')"
    " FROM followups f WHERE done_at >= ?1 AND done_at < ?2 AND ?3 IS NOT NULL";

/* Home visits owed (today's report): cases still in `visit` whose day is
 * before the date (the B post's list shows them 逾期) or the date itself.
 * The status is today's, so another day's would be today's passed off as
 * its own: only today's report counts them. */
static const char sql_visits_owed[] =
    "SELECT SUM(visit_date < ?3), SUM(visit_date = ?3) FROM cases"
    " WHERE status = 'visit' AND ?1 IS NOT NULL AND ?2 IS NOT NULL";

/* Corrected cases lost that day: a case returned for 补正 (a `returned`
 * event earlier in its history) that the sweep gave up with no hand-in
 * since its last return (its resident never brought it back; one handed
 * in again and left by the hall is the queue's, and the overdue figure
 * counts it), or whose resident was called and did not come, and was not
 * taken on later that day (?2, the day's end: came late, 过号后到场, and
 * the window accepted it; counted as lost, the manager asked after
 * residents who had been served). From the events alone, which retention
 * keeps, so a closed day's figure stays what it was. */
static const char sql_corrections_lost[] =
    "SELECT SUM(e.what = 'abandoned'), SUM(e.what = 'no_show') FROM case_events e"
    " JOIN case_events r ON r.id = (SELECT max(x.id) FROM case_events x WHERE x.case_id = e.case_id"
    "  AND x.what = 'returned' AND x.id < e.id)"
    " WHERE e.at >= ?1 AND e.at < ?2 AND e.what IN ('abandoned', 'no_show') AND ?3 IS NOT NULL"
    " AND (e.what = 'no_show' OR NOT EXISTS (SELECT 1 FROM case_events h WHERE h.case_id = e.case_id"
    "  AND h.what IN ('submitted', 'visit_requested') AND h.id > r.id AND h.id < e.id))"
    " AND (e.what = 'abandoned' OR NOT EXISTS (SELECT 1 FROM case_events h WHERE h.case_id = e.case_id"
    "  AND h.what = 'accepted' AND h.id > e.id AND h.at < ?2))";

/* Reminder calls that day to residents owing 补正 (corrections_remind's
 * `reminded` events, which retention keeps), and how many cases: a
 * manager asks whether the list of 等居民补正 was phoned, and by whom
 * (the staffers' `reminded`). */
static const char sql_reminders[] =
    "SELECT COUNT(*), COUNT(DISTINCT case_id) FROM case_events"
    " WHERE what = 'reminded' AND at >= ?1 AND at < ?2 AND ?3 IS NOT NULL";

/* by score and by what 满意率 does with them (schema/043): 0 counted, 1
 * a staff session's, 2 a case never handed in when rated */
static const char sql_ratings[] =
    "SELECT score, CASE WHEN staff IS NOT NULL THEN 1 WHEN handed_in = 0 THEN 2 ELSE 0 END,"
    " COUNT(*) FROM ratings WHERE at >= ?1 AND at < ?2 GROUP BY 1, 2";
static const char sql_raters[] =
    "SELECT staff, COUNT(*) FROM ratings WHERE at >= ?1 AND at < ?2 AND staff IS NOT NULL"
    " GROUP BY staff ORDER BY staff LIMIT 50";
_Static_assert(REPORT_RATERS_MAX == 50, "sql_raters's LIMIT is REPORT_RATERS_MAX");

/* A past day's overdue figure as stored at its end (schema/031). */
static const char sql_day_stored[] = "SELECT overdue FROM report_days WHERE day = ?1";
static const char sql_day_last[] = "SELECT max(day) FROM report_days";
/* rows of today or later: stored while the clock was ahead (a machine
 * without a battery clock before NTP): counted before their day */
static const char sql_day_future_drop[] = "DELETE FROM report_days WHERE day >= ?3";
static const char sql_day_store[] =
    "INSERT OR IGNORE INTO report_days (day, overdue, closed_at) VALUES (?3, ?4, ?5)";

struct report_bind {
    char start[32], end[32], date[16];
};

static sqlite3_stmt *report_stmt(struct db *db, const char *sql, const struct report_bind *b)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int n, r = SQLITE_OK;

    if (!st)
        return NULL;
    n = sqlite3_bind_parameter_count(st);
    r |= sqlite3_bind_text(st, 1, b->start, -1, SQLITE_STATIC);
    r |= sqlite3_bind_text(st, 2, b->end, -1, SQLITE_STATIC);
    if (n >= 3)
        r |= sqlite3_bind_text(st, 3, b->date, -1, SQLITE_STATIC);
    if (r != SQLITE_OK) {
        sqlite3_reset(st);
        return NULL;
    }
    return st;
}

/* Runs sql, a statement of one row, into out[0..n). 0 or -1. */
static int report_row(struct db *db, const char *sql, const struct report_bind *b, long *out,
                      int n)
{
    sqlite3_stmt *st = report_stmt(db, sql, b);
    int i, s;

    if (!st)
        return -1;
    s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        for (i = 0; i < n; i++)
            out[i] = (long)sqlite3_column_int64(st, i);
    sqlite3_reset(st);
    return s == SQLITE_ROW ? 0 : -1;
}

static int report_users(struct db *db, const struct report_bind *b, struct report_day *r)
{
    sqlite3_stmt *st = report_stmt(db, sql_users, b);
    int s;

    if (!st)
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct report_user *u = realloc(r->users, (r->n_users + 1) * sizeof *u);
        if (!u) {
            sqlite3_reset(st);
            return -1;
        }
        r->users = u;
        u = &u[r->n_users++];
        snprintf(u->user, sizeof u->user, "%s", (const char *)sqlite3_column_text(st, 0));
        u->called = (long)sqlite3_column_int64(st, 1);
        u->accepted = (long)sqlite3_column_int64(st, 2);
        u->passed = (long)sqlite3_column_int64(st, 3);
        u->completed = (long)sqlite3_column_int64(st, 4);
        u->returned = (long)sqlite3_column_int64(st, 5);
        u->rejected = (long)sqlite3_column_int64(st, 6);
        u->visits = (long)sqlite3_column_int64(st, 7);
        u->followups = (long)sqlite3_column_int64(st, 8);
        u->handed_out = (long)sqlite3_column_int64(st, 9);
        accounts_display_copy(sqlite3_column_text(st, 10), u->display);
        u->refused = (long)sqlite3_column_int64(st, 11);
        u->reminded = (long)sqlite3_column_int64(st, 12);
    }
    sqlite3_reset(st);
    return s == SQLITE_DONE ? 0 : -1;
}

static int report_ratings(struct db *db, const struct report_bind *b, struct report_day *r)
{
    sqlite3_stmt *st = report_stmt(db, sql_ratings, b);
    int s, score, apart;
    long n;

    if (!st)
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        score = sqlite3_column_int(st, 0);
        apart = sqlite3_column_int(st, 1);
        n = (long)sqlite3_column_int64(st, 2);
        if (score < 1 || score > 5)
            continue;
        r->ratings[score - 1] += n;
        if (apart == 1)
            r->apart_staff += n;
        else if (apart == 2)
            r->apart_not_handed_in += n;
        else
            r->counted[score - 1] += n;
    }
    sqlite3_reset(st);
    if (s != SQLITE_DONE || !(st = report_stmt(db, sql_raters, b)))
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct report_rater *u = realloc(r->raters, (r->n_raters + 1) * sizeof *u);
        if (!u) {
            sqlite3_reset(st);
            return -1;
        }
        r->raters = u;
        u = &u[r->n_raters++];
        snprintf(u->user, sizeof u->user, "%s", (const char *)sqlite3_column_text(st, 0));
        u->count = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return s == SQLITE_DONE ? 0 : -1;
}

static void report_date_text(int ymd, char out[16])
{
    unsigned u = (unsigned)ymd;

    snprintf(out, 16, "%04u-%02u-%02u", u / 10000 % 10000, u / 100 % 100, u % 100);
}

/* The day's bounds and date for the statements; 0, or -1 for a date
 * mktime cannot place. */
static int report_bind_day(int ymd, struct report_bind *b)
{
    memset(b, 0, sizeof *b);
    report_date_text(ymd, b->date);
    return stats_day_start(ymd, 0, b->start) != 0 || stats_day_start(ymd, 1, b->end) != 0 ? -1 : 0;
}

/* The overdue figure stored for b's day into *out: 0, 1 when none is
 * stored, -1 on a database error. */
static int report_day_stored(struct db *db, const struct report_bind *b, long *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_day_stored);
    int s;

    if (!st)
        return -1;
    if (sqlite3_bind_text(st, 1, b->date, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_reset(st);
        return -1;
    }
    s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *out = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return s == SQLITE_ROW ? 0 : s == SQLITE_DONE ? 1 : -1;
}

/* The date a one-row, one-column statement gives (NULL or not a date: 0)
 * into *ymd: 0, or -1 on a database error. */
static int report_date_of(struct db *db, const char *sql, int *ymd)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    const unsigned char *t;
    int s;

    *ymd = 0;
    if (!st)
        return -1;
    s = sqlite3_step(st);
    if (s == SQLITE_ROW && (t = sqlite3_column_text(st, 0)) && stats_date_parse((const char *)t, ymd) != 0)
        *ymd = 0;
    sqlite3_reset(st);
    return s == SQLITE_ROW ? 0 : -1;
}

/* The day's overdue figure into *out: sql_overdue's cases, and those
 * handed in again whose resumed stage or committed date (counted under
 * cal, the hall's calendar; NULL: weekends alone) is before the day.
 * 0 or -1. */
static int report_overdue(struct db *db, const struct report_bind *b, int ymd,
                          const struct workdays *cal, long *out)
{
    sqlite3_stmt *st;
    long n = 0;
    int s, rc = -1;

    if (report_row(db, sql_overdue, b, &n, 1) != 0 || !(st = report_stmt(db, sql_handed_in_again, b)))
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        int stage_due, committed;
        if (!id || relay_resume_dates(db, id, sqlite3_column_int(st, 1),
                                      (const char *)sqlite3_column_text(st, 2),
                                      (const char *)sqlite3_column_text(st, 3), cal, ymd,
                                      &stage_due, &committed) != 0)
            goto out;
        n += (stage_due && stage_due < ymd) || (committed && committed < ymd);
    }
    if (s != SQLITE_DONE)
        goto out;
    *out = n;
    rc = 0;
out:
    sqlite3_reset(st);
    return rc;
}

static char *report_dup_col(sqlite3_stmt *st, int col, bool *oom)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    char *d;

    if (!t)
        return NULL;
    if (!(d = strdup((const char *)t)))
        *oom = true;
    return d;
}

static char *report_dup_date(int ymd, bool *oom)
{
    char buf[16], *d;

    if (!ymd)
        return NULL;
    report_date_text(ymd, buf);
    if (!(d = strdup(buf)))
        *oom = true;
    return d;
}

static void report_late_free(struct report_late *l)
{
    free(l->id), free(l->ticket), free(l->ticket_day), free(l->procedure), free(l->title);
    free(l->status), free(l->stage_key), free(l->stage_label), free(l->post), free(l->due);
    free(l->committed), free(l->owner);
    memset(l, 0, sizeof *l);
}

/* Appends st's row (the columns of sql_overdue_list) to r's list; the
 * stage's due and the committed date from stage_due and committed when
 * not 0 (a corrected case's resumed dates). 0, 1 when the list is full,
 * -1 when memory runs out. */
static int report_late_add(struct report_day *r, sqlite3_stmt *st, int stage_due, int committed)
{
    struct report_late *l;
    bool oom = false;

    if (r->n_late >= REPORT_LATE_MAX)
        return 1;
    if (!(l = realloc(r->late, (r->n_late + 1) * sizeof *l)))
        return -1;
    r->late = l;
    l = &l[r->n_late++];
    memset(l, 0, sizeof *l);
    l->id = report_dup_col(st, 0, &oom);
    l->ticket = report_dup_col(st, 1, &oom);
    l->ticket_day = report_dup_col(st, 2, &oom);
    l->procedure = report_dup_col(st, 3, &oom);
    l->title = report_dup_col(st, 4, &oom);
    l->status = report_dup_col(st, 5, &oom);
    l->stage_key = report_dup_col(st, 6, &oom);
    l->stage_label = report_dup_col(st, 7, &oom);
    l->post = report_dup_col(st, 8, &oom);
    l->due = stage_due ? report_dup_date(stage_due, &oom) : report_dup_col(st, 9, &oom);
    l->committed = committed ? report_dup_date(committed, &oom) : report_dup_col(st, 10, &oom);
    l->owner = report_dup_col(st, 11, &oom);
    return oom ? -1 : 0;
}

/* The earlier of a listed case's dates (YYYY-MM-DD compare as text). */
static const char *report_late_key(const struct report_late *l)
{
    if (!l->due)
        return l->committed ? l->committed : "";
    return l->committed && strcmp(l->committed, l->due) < 0 ? l->committed : l->due;
}

static int report_late_cmp(const void *a, const void *b)
{
    const struct report_late *x = a, *y = b;
    int c = strcmp(report_late_key(x), report_late_key(y));

    return c ? c : strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

/* The list of today's overdue cases into r (the cases report_overdue
 * counts, as the stages stand), soonest date first: 0 or -1. */
static int report_late_list(struct db *db, const struct report_bind *b, int ymd,
                            const struct workdays *cal, struct report_day *r)
{
    sqlite3_stmt *st, *one;
    int s, a = 0, rc = -1;

    r->late_listed = true;
    if (!(st = report_stmt(db, sql_overdue_list, b)))
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && (a = report_late_add(r, st, 0, 0)) == 0)
        ;
    sqlite3_reset(st);
    if (a < 0 || (a == 0 && s != SQLITE_DONE))
        return -1;
    if (!(st = report_stmt(db, sql_handed_in_again, b)))
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        int stage_due, committed, t;
        if (!id || relay_resume_dates(db, id, sqlite3_column_int(st, 1),
                                      (const char *)sqlite3_column_text(st, 2),
                                      (const char *)sqlite3_column_text(st, 3), cal, ymd,
                                      &stage_due, &committed) != 0)
            goto out;
        if (!((stage_due && stage_due < ymd) || (committed && committed < ymd)))
            continue;
        if (!(one = db_stmt(db, sql_overdue_one)) ||
            sqlite3_bind_text(one, 1, id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
            if (one)
                sqlite3_reset(one);
            goto out;
        }
        t = sqlite3_step(one);
        a = t == SQLITE_ROW ? report_late_add(r, one, stage_due, committed) : t == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(one);
        if (a < 0)
            goto out;
        if (a > 0)
            break;
    }
    /* a break leaves a row; an error is an error even with the list full
     * (a is 1 then from the first statement) */
    if (s != SQLITE_DONE && s != SQLITE_ROW)
        goto out;
    /* the corrected cases came after the others: one order for the page */
    if (r->n_late > 1)
        qsort(r->late, r->n_late, sizeof *r->late, report_late_cmp);
    rc = 0;
out:
    sqlite3_reset(st);
    return rc;
}

/* Counts day's overdue figure and stores it, in the caller's transaction:
 * 0 or -1. */
static int report_day_close(struct db *db, int ymd, const struct workdays *cal, const char *now)
{
    struct report_bind b;
    sqlite3_stmt *st;
    long overdue = 0;
    int r = SQLITE_OK;

    if (report_bind_day(ymd, &b) != 0 || report_overdue(db, &b, ymd, cal, &overdue) != 0 ||
        !(st = db_stmt(db, sql_day_store)))
        return -1;
    r |= sqlite3_bind_text(st, 3, b.date, -1, SQLITE_STATIC);
    r |= sqlite3_bind_int64(st, 4, overdue);
    r |= sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    return db_run(st, r);
}

/* Drops the rows of today and later (sql_day_future_drop): 0 or -1. */
static int report_days_drop_future(struct db *db, int today)
{
    struct report_bind b;
    sqlite3_stmt *st;

    if (report_bind_day(today, &b) != 0 || db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_day_future_drop)) ||
        db_run(st, sqlite3_bind_text(st, 3, b.date, -1, SQLITE_STATIC)) != 0) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db) == 0 ? 0 : -1;
}

int report_days_close(struct db *db, int today, const struct workdays *cal, int *stored)
{
    char now[CLOCK_UTC_LEN];
    int rc = -1, from, day, last, yesterday, floor, n = 0, in_tx = 0;

    *stored = 0;
    if (!workdays_date_valid(today) || !(yesterday = library_date_add(today, -1)) ||
        !(floor = library_date_add(today, -REPORT_CLOSE_BACK_DAYS)))
        return -1;
    if (report_date_of(db, sql_day_last, &last) != 0)
        return -1;
    if (last >= today) {
        if (report_days_drop_future(db, today) != 0 || report_date_of(db, sql_day_last, &last) != 0)
            return -1;
    }
    /* the first close stores yesterday alone: a day before it was counted
     * from stages a return may have rewritten since, and counting a year
     * of days scans the stages once each, before the listener starts (23 s
     * at 100,000 cases); those days stay counted as the stages stand */
    from = last ? library_date_add(last, 1) : yesterday;
    if (from < floor)
        from = floor;
    clock_utc_now(now);
    for (day = from; day && day <= yesterday; day = library_date_add(day, 1)) {
        if (!in_tx) {
            if (db_begin(db) != 0)
                goto out;
            in_tx = 1;
        }
        if (report_day_close(db, day, cal, now) != 0)
            goto out;
        /* a bounded hold on the writer lock: a year of days after a long
         * stop is stored in turns, and the window's moves go between */
        if (++n % REPORT_CLOSE_BATCH == 0) {
            in_tx = 0;
            if (db_commit(db) != 0)
                goto out;
            *stored = n;
        }
    }
    if (in_tx) {
        in_tx = 0;
        if (db_commit(db) != 0)
            goto out;
    }
    *stored = n;
    rc = 0;
out:
    if (in_tx)
        db_rollback(db);
    return rc;
}

int report_collect(struct db *db, int ymd, int today, const struct workdays *cal,
                   struct report_day *out)
{
    struct report_bind b;
    long ch[3], ot[2], fo[5], fc[3], cl[2], rm[2];
    int rc = -1, stored = 1;

    memset(out, 0, sizeof *out);
    out->date = ymd;
    out->today = today;
    if (report_bind_day(ymd, &b) != 0)
        return -1;
    if (db_read_begin(db) != 0)
        return -1;
    /* a past day's figure as it stood at its end, once stored; counted
     * from the stages as they stand for today, and for a day no close
     * stored (before the first, or past REPORT_CLOSE_BACK_DAYS of a gap) */
    if (ymd < today && (stored = report_day_stored(db, &b, &out->overdue)) < 0)
        goto out;
    if (report_users(db, &b, out) != 0 || report_row(db, sql_channels, &b, ch, 3) != 0 ||
        (stored != 0 && report_overdue(db, &b, ymd, cal, &out->overdue) != 0) ||
        report_row(db, sql_waiting, &b, &out->waiting_at_close, 1) != 0 ||
        report_row(db, sql_on_time, &b, ot, 2) != 0 || report_ratings(db, &b, out) != 0 ||
        report_row(db, sql_followups_owed, &b, fo, 5) != 0 ||
        report_row(db, sql_followups_closed, &b, fc, 3) != 0 ||
        report_row(db, sql_corrections_lost, &b, cl, 2) != 0 ||
        report_row(db, sql_reminders, &b, rm, 2) != 0 ||
        (ymd == today && report_late_list(db, &b, ymd, cal, out) != 0))
        goto out;
    if (ymd == today) {
        long vo[2];
        struct corrections_counts cc;

        if (report_row(db, sql_visits_owed, &b, vo, 2) != 0)
            goto out;
        out->visits_missed = vo[0];
        out->visits_today = vo[1];
        if (corrections_count(db, cal, today, sweep_retention_get(), &cc) != 0)
            goto out;
        out->corrections_returned = cc.returned;
        out->corrections_no_show = cc.no_show;
        out->corrections_ending = cc.ending;
    }
    out->corrections_given_up = cl[0];
    out->corrections_no_shows = cl[1];
    out->reminder_calls = rm[0];
    out->reminder_cases = rm[1];
    out->followups_open = fo[0];
    out->followups_overdue = fo[1];
    out->followups_complaints = fo[2];
    out->followups_complaints_apart = fo[3];
    out->followups_retrying = fo[4];
    out->followups_closed = fc[0];
    out->followups_reached_on_retry = fc[1];
    out->followups_given_up = fc[2];
    out->kiosk = ch[0];
    out->window = ch[1];
    out->web = ch[2];
    out->finished = ot[0];
    out->on_time = ot[1];
    rc = 0;
out:
    if (db_read_end(db) != 0 && rc == 0)
        rc = -1;
    return rc;
}

void report_day_free(struct report_day *r)
{
    size_t i;

    for (i = 0; i < r->n_late; i++)
        report_late_free(&r->late[i]);
    free(r->late);
    free(r->users);
    free(r->raters);
    memset(r, 0, sizeof *r);
}

/* ---- output ---------------------------------------------------------------- */

/* The figures of a staffer, in the contract's order, then ours; the totals row uses
 * the same table. */
static const struct {
    const char *key, *label;
    size_t offset;
} report_cols[] = {
    {"called", "叫号", offsetof(struct report_user, called)},
    {"accepted", "受理", offsetof(struct report_user, accepted)},
    {"passed", "流转", offsetof(struct report_user, passed)},
    {"completed", "办结", offsetof(struct report_user, completed)},
    {"returned", "退回补正", offsetof(struct report_user, returned)},
    {"rejected", "不予办理", offsetof(struct report_user, rejected)},
    {"visits", "上门服务", offsetof(struct report_user, visits)},
    {"followups", "回访", offsetof(struct report_user, followups)},
    /* ours: a handout is a move too (ready → completed, 已领取), which
     * the contract's figures leave out */
    {"handed_out", "发放", offsetof(struct report_user, handed_out)},
    /* ours: 不予受理 at intake (relay_intake_refuse), apart from the
     * contract's rejected (不予办理, after acceptance) */
    {"refused", "不予受理", offsetof(struct report_user, refused)},
};
#define REPORT_NCOLS (sizeof report_cols / sizeof report_cols[0])

static long report_col(const struct report_user *u, size_t j)
{
    return *(const long *)(const void *)((const char *)u + report_cols[j].offset);
}

static int report_add_text(cJSON *o, const char *key, const char *v)
{
    return (v ? cJSON_AddStringToObject(o, key, v) : cJSON_AddNullToObject(o, key)) ? 0 : -1;
}

/* "overdue_cases":[{"id","ticket","ticket_day","procedure","title","status",
 * "stage":{"key","label","post"},"due","committed","owner"}]: 0 or -1. */
static int report_late_json(cJSON *root, const struct report_day *r)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "overdue_cases"), *o, *st;
    size_t i;

    if (!arr)
        return -1;
    for (i = 0; i < r->n_late; i++) {
        const struct report_late *l = &r->late[i];
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            return -1;
        }
        if (report_add_text(o, "id", l->id) || report_add_text(o, "ticket", l->ticket) ||
            report_add_text(o, "ticket_day", l->ticket_day) || report_add_text(o, "procedure", l->procedure) ||
            report_add_text(o, "title", l->title) || report_add_text(o, "status", l->status) ||
            !(st = cJSON_AddObjectToObject(o, "stage")) || report_add_text(st, "key", l->stage_key) ||
            report_add_text(st, "label", l->stage_label) || report_add_text(st, "post", l->post) ||
            report_add_text(o, "due", l->due) || report_add_text(o, "committed", l->committed) ||
            report_add_text(o, "owner", l->owner))
            return -1;
    }
    return 0;
}

char *report_json(const struct report_day *r)
{
    cJSON *root = cJSON_CreateObject(), *users, *o, *ch, *rt;
    char date[16], key[2];
    char *out = NULL;
    size_t i, j;

    report_date_text(r->date, date);
    /* day (ours): whether the figures are the day's end's. A report of
     * today printed at ten reads like the close, and a day ahead counts its
     * overdue from the stages as they stand now */
    if (!root || !cJSON_AddStringToObject(root, "date", date) ||
        !cJSON_AddStringToObject(root, "day", r->date < r->today    ? "closed"
                                              : r->date == r->today ? "open"
                                                                     : "ahead") ||
        !(users = cJSON_AddArrayToObject(root, "users")))
        goto out;
    for (i = 0; i < r->n_users; i++) {
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(users, o)) {
            cJSON_Delete(o);
            goto out;
        }
        /* display (ours): the name the hall knows, "" for none */
        if (!cJSON_AddStringToObject(o, "user", r->users[i].user) ||
            !cJSON_AddStringToObject(o, "display", r->users[i].display))
            goto out;
        for (j = 0; j < REPORT_NCOLS; j++)
            if (!cJSON_AddNumberToObject(o, report_cols[j].key, (double)report_col(&r->users[i], j)))
                goto out;
        /* ours: reminder calls (电话提醒补正); not in report_cols, whose
         * order is the CSV's staff table */
        if (!cJSON_AddNumberToObject(o, "reminded", (double)r->users[i].reminded))
            goto out;
    }
    if (!(ch = cJSON_AddObjectToObject(root, "channels")) ||
        !cJSON_AddNumberToObject(ch, "kiosk", (double)r->kiosk) ||
        !cJSON_AddNumberToObject(ch, "window", (double)r->window) ||
        !cJSON_AddNumberToObject(ch, "web", (double)r->web) ||
        !cJSON_AddNumberToObject(root, "overdue", (double)r->overdue) ||
        !cJSON_AddNumberToObject(root, "waiting_at_close", (double)r->waiting_at_close) ||
        /* the contract's 0..1: with nothing finished, nothing was late;
         * finished says there was nothing to rate */
        !cJSON_AddNumberToObject(root, "on_time_rate",
                                 r->finished ? (double)r->on_time / (double)r->finished : 1.0) ||
        !cJSON_AddNumberToObject(root, "finished", (double)r->finished) ||
        !cJSON_AddNumberToObject(root, "on_time", (double)r->on_time) ||
        !(rt = cJSON_AddObjectToObject(root, "ratings")))
        goto out;
    for (j = 0; j < 5; j++) {
        key[0] = (char)('1' + j);
        key[1] = '\0';
        if (!cJSON_AddNumberToObject(rt, key, (double)r->ratings[j]))
            goto out;
    }
    /* ours: the contract's ratings are every rating given; 满意率 counts
     * the residents' on cases handed in, the rest is listed apart */
    if (!(rt = cJSON_AddObjectToObject(root, "ratings_counted")))
        goto out;
    for (j = 0; j < 5; j++) {
        key[0] = (char)('1' + j);
        key[1] = '\0';
        if (!cJSON_AddNumberToObject(rt, key, (double)r->counted[j]))
            goto out;
    }
    /* ours: which cases the overdue figure counts, and whose (today's:
     * the stages as they stand; a past day's figure is its end's, and its
     * list is not kept) */
    if (r->late_listed ? report_late_json(root, r) != 0 : !cJSON_AddNullToObject(root, "overdue_cases"))
        goto out;
    /* ours: the B post's visits still owed, today's report only (from the
     * cases' status, which has no past) */
    if (r->late_listed) {
        if (!(rt = cJSON_AddObjectToObject(root, "visits_owed")) ||
            !cJSON_AddNumberToObject(rt, "missed", (double)r->visits_missed) ||
            !cJSON_AddNumberToObject(rt, "today", (double)r->visits_today))
            goto out;
    } else if (!cJSON_AddNullToObject(root, "visits_owed")) {
        goto out;
    }
    /* ours: what the hall still owes at the day's end; the staffers'
     * followups figures are the call-backs done */
    if (!(rt = cJSON_AddObjectToObject(root, "followups_owed")) ||
        !cJSON_AddNumberToObject(rt, "open", (double)r->followups_open) ||
        !cJSON_AddNumberToObject(rt, "overdue", (double)r->followups_overdue) ||
        !cJSON_AddNumberToObject(rt, "complaints", (double)r->followups_complaints) ||
        !cJSON_AddNumberToObject(rt, "complaints_apart", (double)r->followups_complaints_apart) ||
        !cJSON_AddNumberToObject(rt, "retrying", (double)r->followups_retrying))
        goto out;
    /* ours: the call-backs closed that day, and what their tries came to */
    if (!(rt = cJSON_AddObjectToObject(root, "followups_closed")) ||
        !cJSON_AddNumberToObject(rt, "done", (double)r->followups_closed) ||
        !cJSON_AddNumberToObject(rt, "reached_on_retry", (double)r->followups_reached_on_retry) ||
        !cJSON_AddNumberToObject(rt, "unreachable", (double)r->followups_given_up))
        goto out;
    /* ours: what residents still owe the hall after a return (补正), today's
     * report only (the cases' status has no past) */
    if (r->late_listed) {
        if (!(rt = cJSON_AddObjectToObject(root, "corrections_owed")) ||
            !cJSON_AddNumberToObject(rt, "returned", (double)r->corrections_returned) ||
            !cJSON_AddNumberToObject(rt, "no_show", (double)r->corrections_no_show) ||
            !cJSON_AddNumberToObject(rt, "ending", (double)r->corrections_ending))
            goto out;
    } else if (!cJSON_AddNullToObject(root, "corrections_owed")) {
        goto out;
    }
    /* ours: reminder calls that day to residents owing 补正 (any day,
     * from the events) */
    if (!(rt = cJSON_AddObjectToObject(root, "reminders")) ||
        !cJSON_AddNumberToObject(rt, "calls", (double)r->reminder_calls) ||
        !cJSON_AddNumberToObject(rt, "cases", (double)r->reminder_cases))
        goto out;
    /* ours: corrected cases lost that day, from the events (any day) */
    if (!(rt = cJSON_AddObjectToObject(root, "corrections_lost")) ||
        !cJSON_AddNumberToObject(rt, "given_up", (double)r->corrections_given_up) ||
        !cJSON_AddNumberToObject(rt, "no_show", (double)r->corrections_no_shows))
        goto out;
    if (!(rt = cJSON_AddObjectToObject(root, "ratings_apart")) ||
        !cJSON_AddNumberToObject(rt, "staff", (double)r->apart_staff) ||
        !cJSON_AddNumberToObject(rt, "not_handed_in", (double)r->apart_not_handed_in) ||
        !(users = cJSON_AddArrayToObject(rt, "staff_users")))
        goto out;
    for (i = 0; i < r->n_raters; i++) {
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(users, o)) {
            cJSON_Delete(o);
            goto out;
        }
        if (!cJSON_AddStringToObject(o, "user", r->raters[i].user) ||
            !cJSON_AddNumberToObject(o, "count", (double)r->raters[i].count))
            goto out;
    }
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return out;
}

char *report_csv(const struct report_day *r, size_t *len)
{
    struct strbuf sb = STRBUF_INIT;
    long total[REPORT_NCOLS];
    char date[16];
    size_t i, j;
    int rc = 0;

    memset(total, 0, sizeof total);
    report_date_text(r->date, date);
    rc |= strbuf_puts(&sb, "\xEF\xBB\xBF" "工作人员");
    for (j = 0; j < REPORT_NCOLS; j++)
        rc |= strbuf_printf(&sb, ",%s", report_cols[j].label);
    rc |= strbuf_puts(&sb, "\r\n");
    for (i = 0; i < r->n_users; i++) {
        rc |= stats_csv_text(&sb, r->users[i].user);
        for (j = 0; j < REPORT_NCOLS; j++) {
            total[j] += report_col(&r->users[i], j);
            rc |= strbuf_printf(&sb, ",%ld", report_col(&r->users[i], j));
        }
        rc |= strbuf_puts(&sb, "\r\n");
    }
    rc |= strbuf_puts(&sb, "合计");
    for (j = 0; j < REPORT_NCOLS; j++)
        rc |= strbuf_printf(&sb, ",%ld", total[j]);
    rc |= strbuf_printf(&sb, "\r\n\r\n项目,数值\r\n日期,%s\r\n"
                             "自助机开始办理,%ld\r\n窗口开始办理,%ld\r\n网上开始办理,%ld\r\n"
                             "逾期未办结,%ld\r\n下班时仍在等候,%ld\r\n当日办结,%ld\r\n按期办结,%ld\r\n"
                             "按期办结率,",
                        date, r->kiosk, r->window, r->web, r->overdue, r->waiting_at_close,
                        r->finished, r->on_time);
    if (r->finished)
        rc |= strbuf_printf(&sb, "%.1f%%", 100.0 * (double)r->on_time / (double)r->finished);
    rc |= strbuf_puts(&sb, "\r\n");
    for (j = 0; j < 5; j++)
        rc |= strbuf_printf(&sb, "评价%zu分,%ld\r\n", j + 1, r->ratings[j]);
    /* after the contract-era rows, so a sheet reading them by position
     * still finds them: what 满意率 leaves out */
    rc |= strbuf_printf(&sb, "其中工作人员登录的浏览器评价(不计满意率),%ld\r\n"
                             "其中未交到大厅的办件评价(不计满意率),%ld\r\n",
                        r->apart_staff, r->apart_not_handed_in);
    for (j = 0; j < 5; j++)
        rc |= strbuf_printf(&sb, "计入满意率的评价%zu分,%ld\r\n", j + 1, r->counted[j]);
    rc |= strbuf_printf(&sb, "待回访(当日结束时),%ld\r\n其中已超期,%ld\r\n其中差评整改,%ld\r\n",
                        r->followups_open, r->followups_overdue, r->followups_complaints);
    if (r->late_listed)
        rc |= strbuf_printf(&sb, "上门服务已过约定日期未办,%ld\r\n今天约定的上门服务未办,%ld\r\n",
                            r->visits_missed, r->visits_today);
    /* ours: 补正 owed by residents (today's) and lost that day */
    if (r->late_listed)
        rc |= strbuf_printf(&sb, "等待居民补正(现在),%ld\r\n补正件过号未到仍可受理(现在),%ld\r\n"
                            "其中一个工作日内将按放弃处理或清除,%ld\r\n",
                            r->corrections_returned, r->corrections_no_show, r->corrections_ending);
    rc |= strbuf_printf(&sb, "补正件当日按放弃处理,%ld\r\n补正件当日过号未到,%ld\r\n",
                        r->corrections_given_up, r->corrections_no_shows);
    /* last of the figures, so the rows before keep their places */
    rc |= strbuf_printf(&sb, "待回访差评整改中由不计满意率的评价引起,%ld\r\n",
                        r->followups_complaints_apart);
    /* today's: which cases are overdue, and whose (首问负责) */
    if (r->late_listed) {
        rc |= strbuf_puts(&sb, "\r\n逾期办件,事项,环节,岗位,环节期限,承诺办结日期,首问负责人\r\n");
        for (i = 0; i < r->n_late; i++) {
            const struct report_late *l = &r->late[i];
            rc |= stats_csv_text(&sb, l->ticket ? l->ticket : "");
            rc |= strbuf_puts(&sb, ",");
            rc |= stats_csv_text(&sb, l->title ? l->title : l->procedure ? l->procedure : "");
            rc |= strbuf_puts(&sb, ",");
            rc |= stats_csv_text(&sb, l->stage_label ? l->stage_label : "");
            rc |= strbuf_puts(&sb, ",");
            rc |= stats_csv_text(&sb, l->post ? l->post : "");
            rc |= strbuf_printf(&sb, ",%s,%s,", l->due ? l->due : "", l->committed ? l->committed : "");
            rc |= stats_csv_text(&sb, l->owner ? l->owner : "");
            rc |= strbuf_puts(&sb, "\r\n");
        }
    }
    /* ours, at the very end so that every row and section before keeps
     * its place: the call-backs owed that wait for another try, the day's
     * reminder calls (电话提醒补正), and whose */
    rc |= strbuf_printf(&sb, "\r\n项目,数值\r\n待回访中联系不上待再打(当日结束时),%ld\r\n"
                             "当日电话提醒补正次数,%ld\r\n电话提醒补正的办件数,%ld\r\n",
                        r->followups_retrying, r->reminder_calls, r->reminder_cases);
    if (r->reminder_calls)
        rc |= strbuf_puts(&sb, "\r\n工作人员,电话提醒补正次数\r\n");
    for (i = 0; i < r->n_users; i++) {
        if (!r->users[i].reminded)
            continue;
        rc |= stats_csv_text(&sb, r->users[i].user);
        rc |= strbuf_printf(&sb, ",%ld\r\n", r->users[i].reminded);
    }
    /* after everything (12-07, later), so that every row and section
     * before keeps its place: the call-backs closed that day and what
     * their tries came to */
    rc |= strbuf_printf(&sb, "\r\n项目,数值\r\n当日结束的回访,%ld\r\n其中再打才联系上,%ld\r\n"
                             "其中联系不上结束,%ld\r\n",
                        r->followups_closed, r->followups_reached_on_retry, r->followups_given_up);
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    *len = sb.len;
    return strbuf_take(&sb);
}
