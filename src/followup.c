/* followup: the call-backs (回访) a completion or a bad rating opens, their
 * list for the staff page and the staffer's result (include/followup.h has
 * the rules). */
#include "followup.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "notify.h"
#include "window.h"

static const struct refusal err_not_found = {
    REFUSAL_NOT_FOUND, "not_found", "没有这条回访，请刷新后再看"};
static const struct refusal err_done = {
    REFUSAL_CONFLICT, "already_done", "这条回访已经记录过结果，请刷新后再看"};
static const struct refusal err_bad_result = {
    REFUSAL_INVALID, "bad_result", "请选择回访结果：满意、不满意或联系不上"};
static const struct refusal err_note_required = {
    REFUSAL_INVALID, "note_required", "差评整改的回访请写明做了哪些整改、怎样答复居民"};
static const struct refusal err_note_long = {
    REFUSAL_INVALID, "note_too_long", "回访记录最多 500 个字，请删减一些"};


/* OR IGNORE: one call-back of each kind per case (UNIQUE (case_id, kind)) */
static const char sql_open[] =
    "INSERT OR IGNORE INTO followups (case_id, kind, due, phone, score, created_at, gap_from)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_list[] =
    "WITH l (id) AS ("
    "  SELECT id FROM followups WHERE done_at IS NULL"
    "  UNION ALL"
    "  SELECT id FROM followups WHERE done_on = ?1 AND done_at IS NOT NULL)"
    " SELECT f.id, f.case_id, c.ticket, c.procedure_id, v.title, f.kind, f.due, f.phone,"
    "  coalesce(f.score, r.score), f.done_at, f.done_by, f.result, f.note,"
    "  CASE WHEN r.staff IS NOT NULL THEN 'staff' WHEN r.handed_in = 0 THEN 'not_handed_in' END,"
    "  r.staff,"
    "  (SELECT COUNT(*) FROM case_events e WHERE " FOLLOWUP_TRY_MATCH "), t.at, t.user,"
    "  r.case_id IS NOT NULL, r.reasons, nullif(r.comment, '')"
    " FROM l JOIN followups f ON f.id = l.id JOIN cases c ON c.id = f.case_id"
    " LEFT JOIN procedure_versions v ON v.procedure_id = c.procedure_id AND v.hash = c.hash"
    " LEFT JOIN ratings r ON r.case_id = f.case_id"
    " LEFT JOIN case_events t ON t.id = (SELECT max(e.id) FROM case_events e WHERE " FOLLOWUP_TRY_MATCH ")"
    " ORDER BY f.done_at IS NOT NULL, f.due, f.id LIMIT ?2";
static const char sql_state[] =
    "SELECT f.case_id, f.kind, f.done_at IS NOT NULL,"
    " (SELECT COUNT(*) FROM case_events e WHERE " FOLLOWUP_TRY_MATCH "),"
    " (SELECT max(e.at) FROM case_events e WHERE " FOLLOWUP_TRY_MATCH ")"
    " FROM followups f WHERE f.id = ?1";
static const char sql_record[] =
    "UPDATE followups SET done_at = ?2, done_on = ?3, done_by = ?4, result = ?5, note = ?6"
    " WHERE id = ?1";
/* a try: what was said or tried is shown until the next (the sweep
 * erases it with the case's values); a try with none keeps the last */
static const char sql_try[] = "UPDATE followups SET note = coalesce(?2, note) WHERE id = ?1";

static const char *const followup_results[] = {
    [FOLLOWUP_SATISFIED] = "satisfied",
    [FOLLOWUP_UNSATISFIED] = "unsatisfied",
    [FOLLOWUP_UNREACHABLE] = "unreachable",
};

int followup_result_parse(const char *s)
{
    size_t i;

    for (i = 0; s && i < sizeof followup_results / sizeof followup_results[0]; i++)
        if (strcmp(s, followup_results[i]) == 0)
            return (int)i;
    return -1;
}

const char *followup_result_name(enum followup_result r)
{
    return (unsigned)r < sizeof followup_results / sizeof followup_results[0]
               ? followup_results[r]
               : "unreachable";
}

enum followup_urgency followup_urgency(const struct workdays *cal, int today, int due)
{
    if (due < today)
        return FOLLOWUP_OVERDUE;
    /* due today, or on the next working day: this is the day to call */
    return due <= workdays_due(cal, today, 1) ? FOLLOWUP_SOON : FOLLOWUP_LATER;
}

int followup_retry_day(const struct workdays *cal, const char *tried_at)
{
    int day = tried_at ? clock_local_day_of(tried_at) : 0;

    /* the next working day after the try's: a resident out for the day,
     * or whose phone was off, is called on another day, not again at once */
    return day ? workdays_due(cal, day, 1) : 0;
}

int followup_note_check(const char *note, bool required, char *buf, size_t cap, const char **out,
                        struct refusal *e)
{
    /* the window's rule for a staffer's text; blank is "none" when allowed */
    *out = window_text_check(note, FOLLOWUP_NOTE_MAX, buf, cap, &err_note_required, &err_note_long, e);
    if (*out || (!required && e->code == err_note_required.code))
        return 0;
    return 1;
}


/* "YYYY-MM-DD" → YYYYMMDD, 0 when it is not one. */
static int followup_day_parse(const char *s)
{
    int y, m, d;
    char tail;

    if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    return y * 10000 + m * 100 + d;
}

/* One call-back of kind for cs, due days working days after today, with
 * score (0: none). 0 or -1. */
static int followup_open(struct db *db, const struct case_state *cs, const char *kind, int days,
                         int score, const struct workdays *cal, int today)
{
    const char *phone = cs->model ? notify_phone(cs) : NULL;
    char due[11], now[CLOCK_UTC_LEN], gap[CLOCK_DAY_LEN];
    sqlite3_stmt *st;
    int b = SQLITE_OK, ymd = workdays_due(cal, today, days), g = workdays_gap_from(cal, today, ymd);

    /* no date within the calendar's bounds: a date error, never a case's */
    if (ymd == 0 || !(st = db_stmt(db, sql_open)))
        return -1;
    clock_day_text(ymd, due);
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, due, -1, SQLITE_STATIC);
    b |= phone ? sqlite3_bind_text(st, 4, phone, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 4);
    b |= score > 0 ? sqlite3_bind_int(st, 5, score) : sqlite3_bind_null(st, 5);
    b |= sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    if (g) {
        clock_day_text(g, gap);
        b |= sqlite3_bind_text(st, 7, gap, -1, SQLITE_STATIC);
    } else {
        b |= sqlite3_bind_null(st, 7);
    }
    return db_run(st, b);
}

int followup_open_locked(struct db *db, const struct case_state *cs, const struct workdays *cal,
                         int today)
{
    if (!cs->model || cs->model->followup < 0)
        return 0;
    return followup_open(db, cs, "routine", cs->model->followup, 0, cal, today);
}

int followup_complaint_locked(struct db *db, const struct case_state *cs, int score,
                              const struct workdays *cal, int today)
{
    if (score < 1 || score > FOLLOWUP_COMPLAINT_SCORE)
        return 0;
    return followup_open(db, cs, "complaint", FOLLOWUP_COMPLAINT_DAYS, score, cal, today);
}

/* "rating" (ours) of a row of sql_list: the resident's rating of the case
 * as the call-back's caller needs it, {"reasons":[code…],"comment"}, else
 * null. A 差评整改 was phoned with only its score: what the resident
 * complained about (等候时间长, what they wrote) had to be looked up in the
 * case, and on the B post's phone not at all. The reasons are stored as
 * cases_rate_locked writes them ("wait,other"); a comment the sweep erased
 * is null. 0 or -1. */
static int followup_add_rating(cJSON *o, sqlite3_stmt *st)
{
    const char *codes = (const char *)sqlite3_column_text(st, 19);
    char buf[128], *save = NULL, *code;
    cJSON *rt, *a, *x;

    if (!sqlite3_column_int(st, 18))
        return cJSON_AddNullToObject(o, "rating") ? 0 : -1;
    if (!(rt = cJSON_AddObjectToObject(o, "rating")) || !(a = cJSON_AddArrayToObject(rt, "reasons")))
        return -1;
    snprintf(buf, sizeof buf, "%s", codes ? codes : "");
    for (code = strtok_r(buf, ",", &save); code; code = strtok_r(NULL, ",", &save))
        if (!(x = cJSON_CreateString(code)) || !cJSON_AddItemToArray(a, x))
            return -1;
    return db_column_json(rt, "comment", st, 20);
}

int followup_list_json(struct db *db, const struct workdays *cal, int today, bool done_today,
                       char **out)
{
    cJSON *doc = cJSON_CreateObject(), *arr, *counts, *o;
    double n_open = 0, n_overdue = 0, n_soon = 0, n_done = 0, n_retry = 0;
    sqlite3_stmt *st = NULL;
    char day[11];
    int r = SQLITE_DONE, rc = -1;

    *out = NULL;
    clock_day_text(today, day);
    if (!doc || !(arr = cJSON_AddArrayToObject(doc, "followups")) ||
        !(st = db_stmt(db, sql_list)) ||
        (sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT) |
         sqlite3_bind_int(st, 2, FOLLOWUP_LIST_MAX)) != SQLITE_OK)
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        bool done = sqlite3_column_type(st, 9) != SQLITE_NULL;
        int gap = workdays_gap_year(cal, (const char *)sqlite3_column_text(st, 6));
        enum followup_urgency u = followup_urgency(
            cal, today, followup_day_parse((const char *)sqlite3_column_text(st, 6)));
        int tries = sqlite3_column_int(st, 15);
        int retry = done || !tries ? 0 : followup_retry_day(cal, (const char *)sqlite3_column_text(st, 16));
        /* tried today (or over a weekend): the next try is another day's,
         * so it is not one to call now, however near its due date */
        bool waiting = retry > today;
        char retry_text[CLOCK_DAY_LEN];
        cJSON *tried;
        bool ok;
        /* the contract's list is of the call-backs due: one done is listed
         * only when asked for (a test recording a result found it still
         * there: a conformance review) */
        if (done && !done_today) {
            n_done++;
            continue;
        }
        /* a call-back tried and waiting for another day is not one due
         * now either: after a first 联系不上 a client of the contract saw
         * it stay, as if the result had not been taken; our page asks for
         * it with ?done=today and shows 改天再打 */
        if (!done && waiting && !done_today) {
            /* counted as the page's list counts it: overdue still (a
             * waiting one is never soon) */
            n_open++;
            n_retry++;
            n_overdue += u == FOLLOWUP_OVERDUE;
            continue;
        }
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            break;
        }
        if (waiting && u == FOLLOWUP_SOON)
            u = FOLLOWUP_LATER;
        if (done) {
            n_done++;
        } else {
            n_open++;
            n_overdue += u == FOLLOWUP_OVERDUE;
            n_soon += u == FOLLOWUP_SOON;
            n_retry += waiting;
        }
        if (retry)
            clock_day_text(retry, retry_text);
        ok = cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0)) &&
             db_column_json(o, "case", st, 1) == 0 && db_column_json(o, "ticket", st, 2) == 0 &&
             db_column_json(o, "procedure", st, 3) == 0 && db_column_json(o, "title", st, 4) == 0 &&
             db_column_json(o, "kind", st, 5) == 0 && db_column_json(o, "due", st, 6) == 0 &&
             cJSON_AddBoolToObject(o, "overdue", !done && u == FOLLOWUP_OVERDUE) &&
             cJSON_AddBoolToObject(o, "soon", !done && u == FOLLOWUP_SOON) &&
             db_column_json(o, "phone", st, 7) == 0 &&
             (sqlite3_column_type(st, 8) == SQLITE_NULL
                  ? cJSON_AddNullToObject(o, "score") != NULL
                  : cJSON_AddNumberToObject(o, "score", sqlite3_column_int(st, 8)) != NULL) &&
             db_column_json(o, "done", st, 9) == 0 && db_column_json(o, "done_by", st, 10) == 0 &&
             db_column_json(o, "result", st, 11) == 0 && db_column_json(o, "note", st, 12) == 0 &&
             /* ours: a due date counted over a year the calendar lacks may
              * be early, as the case views say (workdays_gap_year) */
             (gap ? cJSON_AddNumberToObject(o, "calendar_gap", gap) != NULL
                  : cJSON_AddNullToObject(o, "calendar_gap") != NULL) &&
             /* ours: a rating the satisfaction figures keep apart (schema/043),
              * so whoever calls back knows a staffer's browser gave it, or
              * that the hall never had the case (often no number either) */
             db_column_json(o, "rating_apart", st, 13) == 0 && db_column_json(o, "rated_by", st, 14) == 0 &&
             /* ours: the tries that did not reach the resident (联系不上
              * before the last), the latest's time and staffer, and while
              * open the day of the next try, which today is not when
              * waiting */
             cJSON_AddNumberToObject(o, "tries", tries) &&
             (sqlite3_column_type(st, 16) == SQLITE_NULL
                  ? cJSON_AddNullToObject(o, "tried") != NULL
                  : ((tried = cJSON_AddObjectToObject(o, "tried")) && db_column_json(tried, "at", st, 16) == 0 &&
                     db_column_json(tried, "by", st, 17) == 0)) &&
             (retry ? cJSON_AddStringToObject(o, "retry_on", retry_text) != NULL
                    : cJSON_AddNullToObject(o, "retry_on") != NULL) &&
             cJSON_AddBoolToObject(o, "waiting", waiting) && followup_add_rating(o, st) == 0;
        if (!ok)
            break;
    }
    if (r != SQLITE_DONE || !(counts = cJSON_AddObjectToObject(doc, "counts")) ||
        !cJSON_AddNumberToObject(counts, "open", n_open) ||
        !cJSON_AddNumberToObject(counts, "overdue", n_overdue) ||
        !cJSON_AddNumberToObject(counts, "soon", n_soon) ||
        !cJSON_AddNumberToObject(counts, "done_today", n_done) ||
        !cJSON_AddNumberToObject(counts, "waiting", n_retry) ||
        !cJSON_AddNumberToObject(doc, "tries_max", FOLLOWUP_TRIES))
        goto out;
    if ((*out = cJSON_PrintUnformatted(doc)))
        rc = 0;
out:
    if (st)
        sqlite3_reset(st);
    cJSON_Delete(doc);
    return rc;
}

/* The refusal of a second 联系不上 before the next try's day: 409 with the
 * contract's code of a call-back not to be recorded now, and a message
 * naming the day (static storage, this thread's, as refusal.h asks). */
static void followup_wait_refusal(int retry, int tries, struct refusal *e)
{
    static _Thread_local char text[256];
    static const char *const wd[] = {"一", "二", "三", "四", "五", "六", "日"};
    int w = workdays_weekday(retry);

    snprintf(text, sizeof text,
             "这位居民已经联系不上 %d 次（最多打 %d 次），下一次请在%d月%d日%s%s%s再打，"
             "换个时间更容易接通；居民回电的，可以直接记满意或不满意",
             tries, FOLLOWUP_TRIES, retry / 100 % 100, retry % 100, w >= 0 ? "（星期" : "",
             w >= 0 ? wd[w] : "", w >= 0 ? "）" : "");
    e->kind = REFUSAL_CONFLICT;
    e->code = err_done.code;
    e->message = text;
}

int followup_record(struct db *db, long long id, const char *user, const char *result,
                    const char *note, const struct workdays *cal, int today, struct refusal *e)
{
    char buf[FOLLOWUP_NOTE_MAX * 4 + 1], now[CLOCK_UTC_LEN], day[11], case_id[CASE_ID_LEN + 1];
    char kind[16], detail[32], tried_at[CLOCK_UTC_LEN] = "";
    const char *text;
    sqlite3_stmt *st;
    bool complaint = false, retry = false;
    int res = followup_result_parse(result), r, b = SQLITE_OK, rc = -1, tries = 0;

    if (res < 0) {
        *e = err_bad_result;
        return 1;
    }
    if (followup_note_check(note, false, buf, sizeof buf, &text, e) != 0)
        return 1;
    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_state)) || sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
        goto rollback;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        *e = err_not_found;
        rc = 1;
    } else if (r == SQLITE_ROW) {
        int wait;
        snprintf(case_id, sizeof case_id, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(kind, sizeof kind, "%s", (const char *)sqlite3_column_text(st, 1));
        complaint = strcmp(kind, "complaint") == 0;
        tries = sqlite3_column_int(st, 3);
        if (sqlite3_column_type(st, 4) != SQLITE_NULL)
            snprintf(tried_at, sizeof tried_at, "%s", (const char *)sqlite3_column_text(st, 4));
        /* 联系不上 before the last try leaves it open for another day */
        retry = res == FOLLOWUP_UNREACHABLE && tries + 1 < FOLLOWUP_TRIES;
        /* the last try too is another day's: two the same day closed it */
        wait = res == FOLLOWUP_UNREACHABLE && tried_at[0] ? followup_retry_day(cal, tried_at) : 0;
        if (sqlite3_column_int(st, 2)) {
            *e = err_done;
            rc = 1;
        } else if (wait > today) {
            /* tried already today: one more failed call the same hour is
             * not another try, and three of them would close it with the
             * resident never asked */
            followup_wait_refusal(wait, tries, e);
            rc = 1;
        } else if (complaint && !text) {
            /* 差评整改: what was put right is the point of the call, and
             * the contract asks the note of every result recorded on one
             * (a try too: 422 as ever, what was tried is worth saying) */
            *e = err_note_required;
            rc = 1;
        }
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW || rc == 1)
        goto rollback;
    clock_utc_now(now);
    clock_day_text(today, day);
    if (retry) {
        /* the event says it was a try, and of which call-back: never the note */
        snprintf(detail, sizeof detail, FOLLOWUP_TRY_DETAIL "%s", kind);
        if (!(st = db_stmt(db, sql_try)))
            goto rollback;
        b |= sqlite3_bind_int64(st, 1, id);
        b |= text ? sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 2);
        if (db_run(st, b) != 0 || cases_event_add(db, case_id, "followup", "window", user, -1, detail) != 0 ||
            db_commit(db) != 0)
            goto rollback;
        return 0;
    }
    if (!(st = db_stmt(db, sql_record)))
        goto rollback;
    b |= sqlite3_bind_int64(st, 1, id);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, followup_results[res], -1, SQLITE_STATIC);
    b |= text ? sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 6);
    /* the event says the result only: the note may name the resident's affairs */
    if (db_run(st, b) != 0 ||
        cases_event_add(db, case_id, "followup", "window", user, -1, followup_results[res]) != 0 ||
        db_commit(db) != 0)
        goto rollback;
    return 0;
rollback:
    db_rollback(db);
    return rc;
}

/* ---- counting again once the calendar has the year (relay_recount) ----- */

#define FOLLOWUP_RECOUNT_BATCH 256

/* open ones only: a call-back done is a figure of its day, kept as it was */
static const char sql_gap_rows[] =
    "SELECT id, due, gap_from FROM followups WHERE gap_from IS NOT NULL AND done_at IS NULL"
    " AND id > ?1 ORDER BY id LIMIT 256";
static const char sql_unmarked_rows[] =
    "SELECT id, due, created_at FROM followups WHERE gap_from IS NULL AND done_at IS NULL"
    " AND due >= ?1 AND id > ?2 ORDER BY id LIMIT 256";
static const char sql_redate[] = "UPDATE followups SET due = ?2, gap_from = ?3 WHERE id = ?1";

struct followup_dated {
    long long id;
    int due, other;     /* other: the gap, or the local day it was opened */
};

/* One batch of sql (?1 bound when set, then the id after which) into v:
 * the id, due and third column (a date, or an instant when opened).
 * Returns how many, or -1. */
static int followup_dated_read(struct db *db, const char *sql, const char *bound, bool opened,
                               long long after, struct followup_dated *v)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int b = SQLITE_OK, n = 0, r, p = 1;

    if (!st)
        return -1;
    if (bound)
        b |= sqlite3_bind_text(st, p++, bound, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int64(st, p, after);
    if (b != SQLITE_OK) {
        sqlite3_reset(st);
        return -1;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW && n < FOLLOWUP_RECOUNT_BATCH) {
        const char *third = (const char *)sqlite3_column_text(st, 2);
        v[n].id = sqlite3_column_int64(st, 0);
        v[n].due = followup_day_parse((const char *)sqlite3_column_text(st, 1));
        v[n++].other = opened ? clock_local_day_of(third) : followup_day_parse(third);
    }
    sqlite3_reset(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? n : -1;
}

static int followup_redate(struct db *db, long long id, int due, int gap)
{
    sqlite3_stmt *st = db_stmt(db, sql_redate);
    char d[CLOCK_DAY_LEN], g[CLOCK_DAY_LEN];
    int b = SQLITE_OK;

    if (!st)
        return -1;
    clock_day_text(due, d);
    b |= sqlite3_bind_int64(st, 1, id);
    b |= sqlite3_bind_text(st, 2, d, -1, SQLITE_STATIC);
    if (gap) {
        clock_day_text(gap, g);
        b |= sqlite3_bind_text(st, 3, g, -1, SQLITE_STATIC);
    } else {
        b |= sqlite3_bind_null(st, 3);
    }
    return db_run(st, b);
}

int followup_backfill_batch(struct db *db, const struct workdays *cal, const char *bound,
                            long long *after)
{
    struct followup_dated v[FOLLOWUP_RECOUNT_BATCH];
    int n, i;

    if ((n = followup_dated_read(db, sql_unmarked_rows, bound, true, *after, v)) <= 0)
        return n;
    for (i = 0; i < n; i++) {
        /* counted from the day it was opened */
        int gap = workdays_gap_from(cal, v[i].other ? v[i].other : v[i].due, v[i].due);
        if (gap && followup_redate(db, v[i].id, v[i].due, gap) != 0)
            return -1;
    }
    *after = v[n - 1].id;
    return n;
}

int followup_recount_batch(struct db *db, const struct workdays *cal, long long *after)
{
    struct followup_dated v[FOLLOWUP_RECOUNT_BATCH];
    int n, i;

    if ((n = followup_dated_read(db, sql_gap_rows, NULL, false, *after, v)) <= 0)
        return n;
    for (i = 0; i < n; i++) {
        int due;
        if (!workdays_gap_filled(cal, v[i].other))
            continue;
        /* one that cannot be counted again stands, and is not tried again */
        due = workdays_recount(cal, v[i].other, v[i].due);
        if (followup_redate(db, v[i].id, due ? due : v[i].due, due ? workdays_gap_from(cal, v[i].other, due) : 0) != 0)
            return -1;
    }
    *after = v[n - 1].id;
    return n;
}
