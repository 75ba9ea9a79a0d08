/* relay: the case after the window — its chain of stages with working-day
 * due dates, relayed between posts, owned by one staffer, ending completed,
 * ready for pickup or rejected. The only writer of the chain's columns of a
 * case (schema/014-relay.sql) and of case_stages. The due dates written
 * here are the hall's commitment (a receipt prints them), so they are
 * stored when a stage begins, not recomputed when the calendar changes;
 * except a date counted into a year the calendar had no dates of, which
 * keeps where that began (gap_from) and is counted again, later only, once
 * the year is entered (relay_recount). */
#include "relay.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "clock.h"
#include "display.h"
#include "followup.h"
#include "notify.h"
#include "rate.h"
#include "utf8.h"
#include "window.h"

static const struct refusal err_not_accepted = {REFUSAL_CONFLICT, "not_accepted",
                                                "这件办件已不在办理中（可能已被其他同事办结、退回或不予办理），请刷新后再看"};
/* the same code as above, for a case the staffer can still refuse at
 * intake: "no longer in hand" would send them looking for who moved it */
static const struct refusal err_not_accepted_yet = {
    REFUSAL_CONFLICT, "not_accepted", "这件办件还没有受理，不能“不予办理”；不符合条件请用“不予受理”"};
static const struct refusal err_last_stage = {REFUSAL_CONFLICT, "last_stage",
                                              "已经是最后一个环节，请点“办结”"};
static const struct refusal err_not_last = {REFUSAL_CONFLICT, "not_last_stage",
                                            "前面的审核环节还没有完成，不能办结；请先在当前环节点“本环节办完”"};
static const struct refusal err_no_chain = {REFUSAL_CONFLICT, "no_chain",
                                            "这件办件受理时还没有审核流程，请直接办结"};
static const struct refusal err_not_ready = {REFUSAL_CONFLICT, "not_ready",
                                             "这件办件不是待领取状态（可能已经发放），请刷新后再看"};
static const struct refusal err_not_assignable = {
    REFUSAL_CONFLICT, "not_assignable", "这件办件现在不能转交：只有受理后、还没有办结的办件可以转交，请刷新后再看"};
static const struct refusal err_unknown_user = {REFUSAL_INVALID, "unknown_user",
                                                "没有这位工作人员，请核对用户名"};
static const struct refusal err_user_required = {REFUSAL_INVALID, "user_required",
                                                 "请选择转交给哪位工作人员"};
static const struct refusal err_note_long = {REFUSAL_INVALID, "note_too_long",
                                             "备注太长了，请写在500字以内"};
static const struct refusal err_outcome_required = {REFUSAL_INVALID, "outcome_required",
                                                    "请写明办理结果"};
static const struct refusal err_outcome_long = {REFUSAL_INVALID, "outcome_too_long",
                                                "办理结果太长了，请写在500字以内"};
static const struct refusal err_reason_required = {REFUSAL_INVALID, "reason_required",
                                                   "请写明不予办理的理由和依据"};
static const struct refusal err_reason_long = {REFUSAL_INVALID, "reason_too_long",
                                               "不予办理的理由太长了，请写在500字以内"};
static const struct refusal err_refuse_reason_required = {REFUSAL_INVALID, "reason_required",
                                                          "请写明不予受理的理由和依据"};
static const struct refusal err_refuse_reason_long = {REFUSAL_INVALID, "reason_too_long",
                                                      "不予受理的理由太长了，请写在500字以内"};

/* ---- dates ----------------------------------------------------------------- */

static void relay_ymd_text(int ymd, char out[CLOCK_DAY_LEN])
{
    unsigned y = (unsigned)(ymd / 10000) % 10000u, m = (unsigned)(ymd / 100) % 100u, d = (unsigned)ymd % 100u;

    snprintf(out, CLOCK_DAY_LEN, "%04u-%02u-%02u", y, m % 100u, d % 100u);
}

/* YYYY-MM-DD (as stored) to YYYYMMDD; 0 when it is not one. */
static int relay_ymd_parse(const char *s)
{
    int y, m, d;
    char tail;

    if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    return workdays_date_valid(y * 10000 + m * 100 + d) ? y * 10000 + m * 100 + d : 0;
}

/* Binds a date (YYYYMMDD) as text, NULL for 0. */
static int relay_bind_ymd(sqlite3_stmt *st, int i, int ymd)
{
    char t[CLOCK_DAY_LEN];

    if (!ymd)
        return sqlite3_bind_null(st, i);
    relay_ymd_text(ymd, t);
    return sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
}

/* Binds the gap of a date counted from `from` to `due` (workdays_gap_from:
 * NULL when the calendar had every year of it). */
static int relay_bind_gap(sqlite3_stmt *st, int i, const struct workdays *cal, int from, int due)
{
    return relay_bind_ymd(st, i, workdays_gap_from(cal, from, due));
}

/* ---- the stage rows --------------------------------------------------------- */

static const char sql_stage_insert[] =
    "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due, gap_from)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_stage_begin[] =
    "UPDATE case_stages SET begun_on = ?3, due = ?4, gap_from = ?5 WHERE case_id = ?1 AND idx = ?2";
static const char sql_stage_project[] =
    "UPDATE case_stages SET due = ?3, gap_from = ?4 WHERE case_id = ?1 AND idx = ?2";
static const char sql_stage_done[] =
    "UPDATE case_stages SET done_at = ?3, done_by = ?4, note = ?5 WHERE case_id = ?1 AND idx = ?2";
static const char sql_stage_rows[] =
    "SELECT idx, key, label, post, days, due, done_at, done_by, note, begun_on"
    " FROM case_stages WHERE case_id = ?1 ORDER BY idx";
static const char sql_stage_count[] = "SELECT count(*) FROM case_stages WHERE case_id = ?1";
static const char sql_stage_due[] =
    "SELECT due, gap_from FROM case_stages WHERE case_id = ?1 AND idx = ?2";

/* How many stage rows the case has: 0 for a case accepted before chains
 * existed (or never accepted). -1 on error. */
static int relay_stage_count(struct db *db, const char *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_stage_count);
    int r, n = -1;

    if (!st)
        return -1;
    r = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (r == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return n;
}

/* The stored due date of stage idx as YYYYMMDD in *due, 0 when none, and
 * in *gap the day after which it was counted by weekends alone (0: none).
 * 0, or -1 when it could not be read: a resume that took that for "no
 * date" would commit the case's dates unmoved. */
static int relay_stage_due(struct db *db, const char *id, int idx, int *due, int *gap)
{
    sqlite3_stmt *st = db_stmt(db, sql_stage_due);
    int b = SQLITE_OK, r;

    *due = *gap = 0;
    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, idx);
    r = b == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (r == SQLITE_ROW) {
        *due = relay_ymd_parse((const char *)sqlite3_column_text(st, 0));
        *gap = relay_ymd_parse((const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -1;
}

/* Stage idx begins on day, due days working days after from (day, but for
 * a resumption the day its clock stopped): its begun_on and due. */
static int relay_stage_begin(struct db *db, const char *id, int idx, int day, int from, int days,
                             const struct workdays *cal, int *due)
{
    sqlite3_stmt *st = db_stmt(db, sql_stage_begin);
    char on[CLOCK_DAY_LEN], d[CLOCK_DAY_LEN];
    int b = SQLITE_OK;

    *due = workdays_due(cal, from, days < 0 ? 0 : days);
    if (!st || !*due)
        return -1;
    relay_ymd_text(day, on);
    relay_ymd_text(*due, d);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, idx);
    b |= sqlite3_bind_text(st, 3, on, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, d, -1, SQLITE_STATIC);
    b |= relay_bind_gap(st, 5, cal, from, *due);
    return db_run(st, b);
}

/* Where the stage after one of days working days counted from `from`
 * (due that stage's date) counts from. A stage of 0 days spends no
 * working day, so the next counts from where it did: begun on a rest
 * day, it is due on the next working day, and counted from that date the
 * next stage lost the day, so the chain's last stage came due a day after
 * the date promised to the resident (the chain's total from acceptance). */
static int relay_anchor(int from, int days, int due)
{
    return days <= 0 ? from : due;
}

/* The stages after idx, each projected from the one before (stage idx
 * counted days working days from `from`, to due). */
static int relay_stages_project(struct db *db, const struct case_state *cs, size_t idx, int from,
                                int days, int due, const struct workdays *cal)
{
    const struct procedure *p = cs->model;
    char d[CLOCK_DAY_LEN];
    sqlite3_stmt *st;
    size_t i;

    from = relay_anchor(from, days, due);
    for (i = idx + 1; i < p->n_stages; i++) {
        int b = SQLITE_OK;
        if (!(due = workdays_due(cal, from, p->stages[i].days)) || !(st = db_stmt(db, sql_stage_project)))
            return -1;
        relay_ymd_text(due, d);
        b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, (int)i);
        b |= sqlite3_bind_text(st, 3, d, -1, SQLITE_STATIC);
        b |= relay_bind_gap(st, 4, cal, from, due);
        if (db_run(st, b) != 0)
            return -1;
        from = relay_anchor(from, p->stages[i].days, due);
    }
    return 0;
}

/* Marks stage idx done now by user with note (NULL: none). */
static int relay_stage_done(struct db *db, const char *id, int idx, const char *user, const char *note)
{
    sqlite3_stmt *st = db_stmt(db, sql_stage_done);
    char now[CLOCK_UTC_LEN];
    int b = SQLITE_OK;

    if (!st)
        return -1;
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, idx);
    b |= sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, user, -1, SQLITE_STATIC);
    b |= note ? sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 5);
    return db_run(st, b);
}

/* ---- accepting: the chain begun or resumed --------------------------------- */

/* ?5: the committed date's gap (a resume keeps an earlier one: the days
 * added to it were counted by the same rule after it); ?6: the acceptor
 * takes the case over from an earlier owner (a home visit: the resident
 * now knows the B post who came), else the first owner stays (首问负责) */
static const char sql_accept_first[] =
    "UPDATE cases SET status = 'accepted', accepted_at = ?2, accepted_by = ?3, no_show_at = NULL,"
    " stage = 0, owner = CASE WHEN ?6 THEN ?3 ELSE coalesce(owner, ?3) END, due = ?4,"
    " paused_on = NULL, due_gap_from = ?5 WHERE id = ?1";
static const char sql_accept_resume[] =
    "UPDATE cases SET status = 'accepted', accepted_at = ?2, accepted_by = ?3, no_show_at = NULL,"
    " owner = CASE WHEN ?6 THEN ?3 ELSE coalesce(owner, ?3) END, due = ?4, paused_on = NULL,"
    " due_gap_from = coalesce(due_gap_from, ?5) WHERE id = ?1";

/* The first acceptance: a row per stage of the pinned version, stage 0
 * begun today, the later ones projected; *due the chain's. */
static int relay_chain_start(struct db *db, const struct case_state *cs, const struct workdays *cal,
                             int today, int *due)
{
    const struct procedure *p = cs->model;
    char on[CLOCK_DAY_LEN], d[CLOCK_DAY_LEN];
    sqlite3_stmt *st;
    int at = today, from = today;
    size_t i;

    relay_ymd_text(today, on);
    for (i = 0; i < p->n_stages; i++) {
        const struct proc_stage *s = &p->stages[i];
        int b = SQLITE_OK;
        if (i > 0)
            from = relay_anchor(from, p->stages[i - 1].days, at);
        if (!(at = workdays_due(cal, from, s->days)) || !(st = db_stmt(db, sql_stage_insert)))
            return -1;
        relay_ymd_text(at, d);
        b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, (int)i);
        b |= sqlite3_bind_text(st, 3, s->key, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 4, s->label ? s->label : s->key, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 5, s->post, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 6, s->days);
        b |= i == 0 ? sqlite3_bind_text(st, 7, on, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 7);
        b |= sqlite3_bind_text(st, 8, d, -1, SQLITE_STATIC);
        b |= relay_bind_gap(st, 9, cal, from, at);
        if (db_run(st, b) != 0)
            return -1;
    }
    *due = workdays_due(cal, today, procedure_chain_days(p));
    return *due ? 0 : -1;
}

/* The working days a case spent with the resident since its last
 * acceptance (the contract's "moved on by the working days spent
 * returned"): each return opens a spell, the resident's next hand-in
 * (submitted, or a home visit asked for) closes it, and a spell still open
 * at the acceptance (taken up again at the window from returned) closes
 * there. The days a handed-in case then waits for the hall (a pre-review,
 * the date of an invitation or a visit, the queue) are the hall's: counted
 * up to the acceptance, they moved the promise on by the hall's own delay. */
struct relay_clock {
    int open;   /* the day the spell began, 0 when none is open */
    int spent;  /* working days of the spells closed */
};

static void relay_clock_event(struct relay_clock *k, const struct workdays *cal, const char *what,
                              int day)
{
    if (strcmp(what, "returned") == 0) {
        if (!k->open)
            k->open = day;
    } else if (strcmp(what, "submitted") == 0 || strcmp(what, "visit_requested") == 0) {
        /* a hand-in stamped before its return (a clock stepped back)
         * gave the resident no day */
        if (k->open && day > k->open)
            k->spent += workdays_between(cal, k->open, day);
        k->open = 0;
    }
}

/* The spells' working days at an acceptance on day; the clock is cleared
 * for the next. */
static int relay_clock_close(struct relay_clock *k, const struct workdays *cal, int day)
{
    int spent = k->spent;

    if (k->open && day > k->open)
        spent += workdays_between(cal, k->open, day);
    k->open = k->spent = 0;
    return spent;
}

/* bounded: a case has a handful; 10,000 is far past any */
static const char sql_chain_clock[] =
    "SELECT what, at FROM case_events WHERE case_id = ?1"
    " AND what IN ('accepted', 'returned', 'submitted', 'visit_requested') ORDER BY id LIMIT 10000";

/* The working days case id spent returned since its last acceptance, for
 * an acceptance on today (relay_clock): its first spell from paused (the
 * case's paused_on, the day the stage stopped), each hand-in's day at
 * most today. 0, or -1 on a database error. */
static int relay_spent_returned(struct db *db, const char *id, const struct workdays *cal, int paused,
                                int today, int *spent)
{
    sqlite3_stmt *st = db_stmt(db, sql_chain_clock);
    struct relay_clock k = {0, 0};
    bool first = true;
    int r;

    *spent = 0;
    if (!st)
        return -1;
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_reset(st);
        return -1;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *what = (const char *)sqlite3_column_text(st, 0);
        int day = clock_local_day_of((const char *)sqlite3_column_text(st, 1));
        if (!what || !day)
            continue;
        if (strcmp(what, "accepted") == 0) {
            k.open = k.spent = 0;
            first = true;
            continue;
        }
        if (strcmp(what, "returned") == 0 && first) {
            day = paused;
            first = false;
        }
        relay_clock_event(&k, cal, what, day < today ? day : today);
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return -1;
    *spent = relay_clock_close(&k, cal, today);
    return 0;
}

/* A case back from the resident: its stage resumes today with the working
 * days it had left when it was returned (none when it was overdue then),
 * and its due and the chain's move on by the working days it spent
 * returned. Both count those days alone (relay_spent_returned): counted
 * from today, the stage's took in the days a corrected case waited for the
 * hall, which the chain's does not, and a last stage came due after the
 * date promised to the resident. */
/* What a resumption of case id at stage on today counts from: *days the
 * working days its stage runs from paused (the day it stopped): those it
 * had left then, plus *spent, the days spent returned. *days -1 when
 * nothing stopped or a date is unknown (the dates stand). 0 or -1. */
static int relay_resume_days(struct db *db, const char *id, int stage, int paused, int chain,
                             const struct workdays *cal, int today, int *days, int *spent)
{
    int stage_due, gap, left;

    *days = -1;
    *spent = 0;
    if (relay_stage_due(db, id, stage, &stage_due, &gap) != 0)
        return -1;
    /* counted by weekends alone into a year cal has now, and not counted
     * again yet (a load published cal, its pass has not come to this
     * case): the days left are measured on the date as cal counts it, or
     * the stage would end early for good (a review) */
    if (stage_due && workdays_gap_filled(cal, gap)) {
        int again = workdays_recount(cal, gap, stage_due);
        if (again)
            stage_due = again;
    }
    if (!paused || !stage_due || !chain)
        return 0;
    left = workdays_between(cal, paused, stage_due);
    if (relay_spent_returned(db, id, cal, paused, today, spent) != 0)
        return -1;
    *days = *spent + (left < 0 ? 0 : left);
    return 0;
}

static int relay_chain_resume(struct db *db, const struct case_state *cs, const struct workdays *cal,
                              int today, int *due, int *from)
{
    int paused = relay_ymd_parse(cs->r.paused_on), chain = relay_ymd_parse(cs->r.due);
    int days, spent, d;

    *from = 0;
    if (relay_resume_days(db, cs->id, cs->r.stage, paused, chain, cal, today, &days, &spent) != 0)
        return -1;
    if (days < 0) {
        /* nothing stopped (or unknown dates): the dates stand */
        *due = chain;
        return 0;
    }
    if (relay_stage_begin(db, cs->id, cs->r.stage, today, paused, days, cal, &d) != 0 ||
        relay_stages_project(db, cs, (size_t)cs->r.stage, paused, days, d, cal) != 0)
        return -1;
    *due = spent > 0 ? workdays_due(cal, chain, spent) : chain;
    *from = spent > 0 ? chain : 0;
    return *due ? 0 : -1;
}

int relay_resume_dates(struct db *db, const char *id, int stage, const char *paused_on,
                       const char *due, const struct workdays *cal, int day, int *stage_due,
                       int *committed)
{
    int paused = relay_ymd_parse(paused_on), chain = relay_ymd_parse(due), days, spent;

    *stage_due = *committed = 0;
    if (relay_resume_days(db, id, stage, paused, chain, cal, day, &days, &spent) != 0)
        return -1;
    if (days < 0)
        return 0;
    *stage_due = workdays_due(cal, paused, days);
    *committed = spent > 0 ? workdays_due(cal, chain, spent) : chain;
    return 0;
}

/* A hand-in (submitted, or a home visit asked for) after the case's last
 * return: the resident corrected it, and its clock is the hall's again.
 * Bounded by the case's events (a handful). */
static const char sql_handed_in_again[] =
    "SELECT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = ?1"
    " AND e.what IN ('submitted', 'visit_requested')"
    " AND e.id > (SELECT max(r.id) FROM case_events r WHERE r.case_id = ?1 AND r.what = 'returned'))";

int relay_resumed_get(struct db *db, const struct case_state *cs, const struct workdays *cal,
                      int today, struct relay_resumed *out)
{
    static const char *const waiting[] = {"waiting", "prereview", "invited", "visit"};
    int paused = relay_ymd_parse(cs->r.paused_on), chain = relay_ymd_parse(cs->r.due);
    int days, spent, r, again = 0;
    sqlite3_stmt *st;
    size_t i;
    bool hall = false;

    memset(out, 0, sizeof *out);
    for (i = 0; i < sizeof waiting / sizeof waiting[0]; i++)
        hall |= strcmp(cs->status, waiting[i]) == 0;
    if (!hall || cs->r.stage < 0 || !paused || !chain || !today)
        return 0;
    if (!(st = db_stmt(db, sql_handed_in_again)))
        return -1;
    r = sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (r == SQLITE_ROW)
        again = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    if (r != SQLITE_ROW)
        return -1;
    if (!again)
        return 0;
    if (relay_resume_days(db, cs->id, cs->r.stage, paused, chain, cal, today, &days, &spent) != 0)
        return -1;
    if (days < 0 || !(out->stage_due = workdays_due(cal, paused, days)) ||
        !(out->committed = spent > 0 ? workdays_due(cal, chain, spent) : chain)) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    out->from = paused;
    out->days = days;
    return 1;
}

int relay_accept_locked(struct db *db, const struct case_state *cs, const char *user,
                        const char *channel, const char *detail, bool take_over,
                        const struct workdays *cal, int today)
{
    char now[CLOCK_UTC_LEN], d[CLOCK_DAY_LEN];
    sqlite3_stmt *st;
    int rows, due = 0, from = today, b = SQLITE_OK;
    bool first;

    if ((rows = relay_stage_count(db, cs->id)) < 0)
        return -1;
    first = rows == 0 || cs->r.stage < 0;
    if (first ? relay_chain_start(db, cs, cal, today, &due) != 0
              : relay_chain_resume(db, cs, cal, today, &due, &from) != 0)
        return -1;
    if (!(st = db_stmt(db, first ? sql_accept_first : sql_accept_resume)))
        return -1;
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    if (due) {
        relay_ymd_text(due, d);
        b |= sqlite3_bind_text(st, 4, d, -1, SQLITE_STATIC);
    } else {
        b |= sqlite3_bind_null(st, 4);
    }
    b |= due && from ? relay_bind_gap(st, 5, cal, from, due) : sqlite3_bind_null(st, 5);
    b |= sqlite3_bind_int(st, 6, take_over ? 1 : 0);
    if (db_run(st, b) != 0)
        return -1;
    /* back from 补正: nobody need phone the resident about it any more */
    if (!first && notify_settle(db, cs->id, NOTIFY_RETURNED) != 0)
        return -1;
    if (cases_event_add(db, cs->id, "accepted", channel, user, -1, detail) != 0)
        return -1;
    /* taken over from an earlier owner: the history says so as an assign
     * would (转交), or the case left that owner's 我的待办 unexplained */
    if (take_over && cs->r.owner[0] && strcmp(cs->r.owner, user) != 0)
        return cases_event_add(db, cs->id, "assigned", channel, user, -1, user);
    return 0;
}

static const char sql_pause[] =
    "UPDATE cases SET paused_on = coalesce(paused_on, ?2) WHERE id = ?1 AND stage IS NOT NULL";

int relay_pause_locked(struct db *db, const struct case_state *cs, int today)
{
    sqlite3_stmt *st;
    char d[CLOCK_DAY_LEN];
    int b = SQLITE_OK;

    if (cs->r.stage < 0 || strcmp(cs->status, "accepted") != 0)
        return 0;
    if (!(st = db_stmt(db, sql_pause)))
        return -1;
    relay_ymd_text(today, d);
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, d, -1, SQLITE_STATIC);
    return db_run(st, b);
}

/* ---- the moves ---------------------------------------------------------- */

/* A move refused for why: rolls the move's transaction back. Returns 1. */
static int relay_refuse(struct db *db, struct refusal *e, const struct refusal *why)
{
    *e = *why;
    db_rollback(db);
    return 1;
}

static const char sql_set_stage[] = "UPDATE cases SET stage = ?2 WHERE id = ?1";

/* A move made from a screen that showed another stage than the case is at
 * now: a colleague passed it meanwhile (pass, reject). */
static const struct refusal err_stage_moved = {REFUSAL_CONFLICT, "stage_moved",
                                               "这个环节已经有人处理过了，请刷新后再看"};

bool relay_stage_moved(const struct case_state *cs, const char *stage)
{
    return stage && cs->model && cs->r.stage >= 0 && (size_t)cs->r.stage < cs->model->n_stages &&
           strcmp(stage, cs->model->stages[cs->r.stage].key) != 0;
}

int relay_pass(struct db *db, const char *id, const char *user, const char *note,
               const char *stage, const struct workdays *cal, int today, struct refusal *e)
{
    char buf[RELAY_NOTE_MAX * 4 + 1];
    const char *text = NULL;
    size_t len = note ? strlen(note) : 0;
    struct case_state cs;
    sqlite3_stmt *st;
    int rc, rows, due, next, b = SQLITE_OK;

    memset(&cs, 0, sizeof cs);
    /* a note is optional: blank is none */
    if (note && (utf8_trim(note, &len), len > 0) &&
        !(text = window_text_check(note, RELAY_NOTE_MAX, buf, sizeof buf, &err_note_long, &err_note_long, e)))
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (strcmp(cs.status, "accepted") != 0) {
        rc = relay_refuse(db, e, &err_not_accepted);
        goto done;
    }
    rc = -1;
    if ((rows = relay_stage_count(db, id)) < 0)
        goto rollback;
    if (rows == 0 || cs.r.stage < 0) {
        rc = relay_refuse(db, e, &err_no_chain);
        goto done;
    }
    /* two staffers passing the same stage: the second finds it moved on.
     * Asked before the last-stage check, which would otherwise send a
     * staffer whose screen is stale to 办结 a stage nobody showed them */
    if (relay_stage_moved(&cs, stage)) {
        rc = relay_refuse(db, e, &err_stage_moved);
        goto done;
    }
    if (cs.r.stage + 1 >= rows || (size_t)cs.r.stage >= cs.model->n_stages) {
        rc = relay_refuse(db, e, &err_last_stage);
        goto done;
    }
    next = cs.r.stage + 1;
    if (relay_stage_done(db, id, cs.r.stage, user, text) != 0 ||
        (size_t)next >= cs.model->n_stages ||
        relay_stage_begin(db, id, next, today, today, cs.model->stages[next].days, cal, &due) != 0 ||
        relay_stages_project(db, &cs, (size_t)next, today, cs.model->stages[next].days, due, cal) != 0 ||
        !(st = db_stmt(db, sql_set_stage)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, next);
    if (db_run(st, b) != 0 ||
        cases_event_add(db, id, "passed", "window", user, -1, cs.model->stages[cs.r.stage].key) != 0 ||
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

static const char sql_complete[] =
    "UPDATE cases SET status = 'completed', completed_at = ?2, completed_by = ?3, outcome = ?4"
    " WHERE id = ?1";
static const char sql_ready[] =
    "UPDATE cases SET status = 'ready', ready_at = ?2, completed_by = ?3, outcome = ?4 WHERE id = ?1";
static const char sql_handout[] =
    "UPDATE cases SET status = 'completed', completed_at = ?2, handed_at = ?2, handed_by = ?3"
    " WHERE id = ?1";

/* the staffer called someone else to the window (a call of another case)
 * or handed another resident their result since this case's acceptance,
 * or anyone sent another resident to this window (转窗, a `transferred`
 * event "FROM TO" by the sender: a call there in every other way, and
 * the staffer here pressed nothing): this case's resident has left that
 * window. Accepting, starting (代填), taking up (接办) or finishing other
 * cases meanwhile is not enough: one resident often brings two items (a
 * couple's, two tickets, a ticket and a case started at home), taken on
 * one after the other at one sitting. ?1 the staffer, ?2 the case, ?3 the
 * window. By the events' order, not their times: two moves in one second
 * are still one after the other; the rows after the acceptance are that
 * day's. */
static const char sql_moved_on[] =
    "SELECT 1 FROM case_events WHERE id > (SELECT max(id) FROM case_events"
    " WHERE case_id = ?2 AND what = 'accepted') AND case_id <> ?2"
    " AND ((user = ?1 AND what IN ('called', 'handed_out')) OR (what = 'transferred'"
    "  AND substr(detail, instr(detail, ' ') + 1) = ?3)) LIMIT 1";

/* Whether the resident of cs is at window win for a move by user that ends
 * the service there (complete, reject): the same sitting as the case's
 * acceptance, i.e. accepted today by user, who has called or served no
 * other resident since, nor been sent one by a colleague (sql_moved_on). A window number alone says where the
 * PC stands, not who is before it: a back-office PC with one set,
 * finishing a case the window accepted that morning, had its resident told
 * nothing (办结告知) and a stranger's case offered on that window's
 * evaluator. 1 here, 0 not (no window, another day, another staffer,
 * another resident since), -1 on a database error. */
static int relay_sitting(struct db *db, const struct case_state *cs, const char *user, const char *win)
{
    sqlite3_stmt *st;
    int b = SQLITE_OK, r;

    if (!win[0] || !user || strcmp(cs->w.accepted_by, user) != 0 ||
        clock_local_day_of(cs->w.accepted_at) != clock_today())
        return 0;
    if (!(st = db_stmt(db, sql_moved_on)))
        return -1;
    b |= sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, win, -1, SQLITE_STATIC);
    r = b != SQLITE_OK ? SQLITE_ERROR : sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r == SQLITE_DONE ? 1 : r == SQLITE_ROW ? 0 : -1;
}

/* The service at a window ended: its evaluator offers the rating, in the
 * move's transaction; a case rated already ends the window's last offer
 * all the same (that resident has gone). win "" for none. here: the
 * resident is at that window (a handout: they came for the result; else
 * relay_sitting), otherwise nothing is offered: the evaluator would put a
 * stranger's case before whoever stands there. 0 or -1. */
static int relay_offer_rating(struct db *db, const struct case_state *cs, const char *win, bool here)
{
    if (!win[0] || !here)
        return 0;
    return cs->rating ? rate_offer_clear(db, win)
                      : rate_offer_add(db, win, cs->id, cs->ticket ? cs->ticket : "",
                                       cs->model && cs->model->title ? cs->model->title : cs->procedure);
}

/* Runs st (?1 id, ?2 now, ?3 user, ?4 text when it has it). 0 or -1. */
static int relay_update(struct db *db, const char *sql, const char *id, const char *user,
                        const char *text)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    char now[CLOCK_UTC_LEN];
    int b = SQLITE_OK;

    if (!st)
        return -1;
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 4)
        b |= text ? sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 4);
    return db_run(st, b);
}

int relay_complete(struct db *db, const char *id, const char *user, const char *outcome,
                   const char *window, const struct workdays *cal, int today,
                   struct refusal *e)
{
    char buf[WINDOW_TEXT_MAX * 4 + 1], win[DISPLAY_WINDOW_BUF];
    struct case_state cs;
    const char *text;
    bool ready;
    int rc, rows, here;

    memset(&cs, 0, sizeof cs);
    if (!(text = window_text_check(outcome, WINDOW_TEXT_MAX, buf, sizeof buf, &err_outcome_required,
                                   &err_outcome_long, e)))
        return 1;
    if (display_window_check(window, win, e) != 0)
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (strcmp(cs.status, "accepted") != 0) {
        rc = relay_refuse(db, e, &err_not_accepted);
        goto done;
    }
    rc = -1;
    if ((rows = relay_stage_count(db, id)) < 0)
        goto rollback;
    if (rows > 0 && cs.r.stage + 1 < rows) {
        rc = relay_refuse(db, e, &err_not_last);
        goto done;
    }
    ready = cs.model->pickup;
    if ((here = relay_sitting(db, &cs, user, win)) < 0)
        goto rollback;
    /* a pickup item is rated when it is handed out, where the resident is */
    if ((rows > 0 && relay_stage_done(db, id, cs.r.stage, user, NULL) != 0) ||
        relay_update(db, ready ? sql_ready : sql_complete, id, user, text) != 0 ||
        (!ready && relay_offer_rating(db, &cs, win, here) != 0) ||
        /* completed now: the item's call-back (回访) counts from today */
        (!ready && followup_open_locked(db, &cs, cal, today) != 0) ||
        (ready && notify_queue(db, &cs, NOTIFY_READY) != 0) ||
        /* 办结告知 when the hall asks for it; finished in the sitting that
         * accepted it (即来即办), its resident is at the window and told */
        (!ready && notify_queue_completed(db, &cs, here) != 0) ||
        cases_event_add(db, id, "completed", "window", user, -1, text) != 0 || db_commit(db) != 0)
        goto rollback;
    if (ready || notify_completed_on())
        db_after_durable(notify_wake);
    if (!ready && win[0])
        db_after_durable(rate_changed);
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cases_state_free(&cs);
    return rc;
}

int relay_handout(struct db *db, const char *id, const char *user, const char *window,
                  const struct workdays *cal, int today, struct refusal *e)
{
    char win[DISPLAY_WINDOW_BUF];
    struct case_state cs;
    int rc;

    memset(&cs, 0, sizeof cs);
    if (display_window_check(window, win, e) != 0)
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (strcmp(cs.status, "ready") != 0) {
        rc = relay_refuse(db, e, &err_not_ready);
        goto done;
    }
    rc = -1;
    /* handed out is completed: a pickup item's call-back counts from today */
    if (relay_update(db, sql_handout, id, user, NULL) != 0 || relay_offer_rating(db, &cs, win, true) != 0 ||
        followup_open_locked(db, &cs, cal, today) != 0 || notify_settle_ready(db, id, user) != 0 ||
        cases_event_add(db, id, "handed_out", "window", user, -1, NULL) != 0 || db_commit(db) != 0)
        goto rollback;
    if (win[0])
        db_after_durable(rate_changed);
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cases_state_free(&cs);
    return rc;
}

static const char sql_reject[] =
    "UPDATE cases SET status = 'rejected', rejected_at = ?2, rejected_by = ?3, rejected_reason = ?4"
    " WHERE id = ?1";

/* reject (accepted → rejected) and, intake, refuse (waiting for the
 * window → rejected): one move but for the statuses it starts from, the
 * event it records and the words the resident is told. */
static int relay_reject_move(struct db *db, const char *id, const char *user, const char *reason,
                             const char *window, const char *stage, bool intake,
                             struct refusal *e)
{
    static const struct refusal not_intake = {
        REFUSAL_CONFLICT, "not_at_intake",
        "只有等候受理的办件（排队等候、网上预审、已通知来大厅、等候上门）可以不予受理；已受理的办件请用“不予办理”"};
    char buf[WINDOW_TEXT_MAX * 4 + 1], win[DISPLAY_WINDOW_BUF];
    struct case_state cs;
    const char *text;
    bool from, present, at_intake, refused, at_home;
    int here;
    int rc;

    memset(&cs, 0, sizeof cs);
    if (!(text = window_text_check(reason, WINDOW_TEXT_MAX, buf, sizeof buf,
                                   intake ? &err_refuse_reason_required : &err_reason_required,
                                   intake ? &err_refuse_reason_long : &err_reason_long, e)))
        return 1;
    if (display_window_check(window, win, e) != 0)
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    /* at intake: waiting for the window, or a no-show who came after all
     * (window_accept takes that one too) */
    present = strcmp(cs.status, "waiting") == 0 || strcmp(cs.status, "invited") == 0 ||
              (strcmp(cs.status, "abandoned") == 0 && cs.w.no_show_at[0]);
    /* a case waiting for the B post's visit is refused at the home, or
     * at the desk after a call: not accepted yet, so 不予受理, and no
     * rating offered at a window the resident is not at */
    at_intake = present || strcmp(cs.status, "prereview") == 0 || strcmp(cs.status, "visit") == 0;
    from = intake ? at_intake : strcmp(cs.status, "accepted") == 0;
    if (!from) {
        rc = relay_refuse(db, e, intake      ? &not_intake
                                 : at_intake ? &err_not_accepted_yet
                                             : &err_not_accepted);
        goto done;
    }
    /* a colleague passed the stage the staffer was reading while they
     * wrote the reason: the case, and the colleague's note, are not what
     * the reason answers (a review: pass vs reject) */
    if (!intake && relay_stage_moved(&cs, stage)) {
        rc = relay_refuse(db, e, &err_stage_moved);
        goto done;
    }
    /* the resident is told in the same commit (notify.h). A case accepted
     * once (returned while accepted, handed in again) keeps its stage: it
     * was taken on, so refusing it at intake is 不予办理 in the text as on
     * the notice and the page (relay_refused). The resident at the window
     * (not a web case in pre-review) rates the service there. */
    refused = intake && cs.r.stage < 0;
    /* refused while the case waited for the B post: the B post's, at the
     * resident's home, as 已上门办理's acceptance is (channel visit), so
     * that the notice says where it was told and reads on the visitor's
     * phone (print_rejection_html). Not from a desk that names its window:
     * the resident who asked for a visit came to the hall after all, and
     * the notice said 在居民家中 of the window */
    at_home = strcmp(cs.status, "visit") == 0 && !win[0];
    if ((here = intake ? present : relay_sitting(db, &cs, user, win)) < 0 ||
        relay_update(db, sql_reject, id, user, text) != 0 ||
        notify_queue(db, &cs, refused ? NOTIFY_REFUSED : NOTIFY_REJECTED) != 0 ||
        relay_offer_rating(db, &cs, win, here) != 0 ||
        /* the event is what the resident was told: the report counts it so */
        cases_event_add(db, id, refused ? "refused" : "rejected", at_home ? "visit" : "window", user, -1,
                        text) != 0 ||
        db_commit(db) != 0) {
        db_rollback(db);
        rc = -1;
        goto done;
    }
    db_after_durable(notify_wake);
    if (intake)
        db_after_durable(display_changed); /* one fewer waiting, when it was not called */
    if (win[0])
        db_after_durable(rate_changed);
done:
    cases_state_free(&cs);
    return rc;
}

bool relay_refused(const struct case_state *cs)
{
    return strcmp(cs->status, "rejected") == 0 && cs->r.stage < 0;
}

int relay_reject(struct db *db, const char *id, const char *user, const char *reason,
                 const char *window, const char *stage, struct refusal *e)
{
    return relay_reject_move(db, id, user, reason, window, stage, false, e);
}

int relay_intake_refuse(struct db *db, const char *id, const char *user, const char *reason,
                        const char *window, struct refusal *e)
{
    return relay_reject_move(db, id, user, reason, window, NULL, true, e);
}

static const char sql_assign[] = "UPDATE cases SET owner = ?2 WHERE id = ?1";

int relay_assign(struct db *db, const char *id, const char *user, const char *to, const char *seen,
                 struct refusal *e)
{
    static const struct refusal owner_moved = {
        REFUSAL_CONFLICT, "owner_moved",
        "这件办件刚刚已被同事转交给别人负责了，没有再转交；请刷新后再看"};
    struct case_state cs;
    sqlite3_stmt *st;
    int rc, r, b = SQLITE_OK;

    memset(&cs, 0, sizeof cs);
    /* nobody named is not a name nobody has: say what to do */
    if (!to || !to[strspn(to, " \t\r\n")]) {
        *e = err_user_required;
        return 1;
    }
    if (!accounts_name_valid(to)) {
        *e = err_unknown_user;
        return 1;
    }
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (cs.r.stage < 0 || (strcmp(cs.status, "accepted") != 0 && strcmp(cs.status, "ready") != 0 &&
                           strcmp(cs.status, "returned") != 0)) {
        rc = relay_refuse(db, e, &err_not_assignable);
        goto done;
    }
    /* a colleague handed the case on while this staffer chose whom to: the
     * second hand-over would take it from the one the first chose, both
     * told it was done, and neither told of the other */
    if (seen && strcmp(cs.r.owner, seen) != 0) {
        rc = relay_refuse(db, e, &owner_moved);
        goto done;
    }
    /* read inside the move's transaction: a user disabled meanwhile is not
     * handed a case */
    if ((r = accounts_user_active(db, to)) != 0) {
        rc = r < 0 ? -1 : relay_refuse(db, e, &err_unknown_user);
        if (r < 0)
            db_rollback(db);
        goto done;
    }
    rc = -1;
    if (!(st = db_stmt(db, sql_assign)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0 || cases_event_add(db, id, "assigned", "window", user, -1, to) != 0 ||
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

/* ---- views ---------------------------------------------------------------- */

static int relay_add_text(cJSON *o, const char *key, const char *v)
{
    return (v && v[0] ? cJSON_AddStringToObject(o, key, v) : cJSON_AddNullToObject(o, key)) ? 0 : -1;
}

static int relay_add_col(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
    return relay_add_text(o, key, (const char *)sqlite3_column_text(st, col));
}

/* Whether due (YYYY-MM-DD) is before today. */
static bool relay_overdue(const char *due, int today)
{
    int d = relay_ymd_parse(due);

    return d && today && d < today;
}

/* Sets o's member key to the date ymd (YYYYMMDD). 0 or -1. */
static int relay_set_date(cJSON *o, const char *key, int ymd)
{
    char d[CLOCK_DAY_LEN];
    cJSON *v;

    relay_ymd_text(ymd, d);
    if (!(v = cJSON_CreateString(d)))
        return -1;
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        return cJSON_ReplaceItemInObjectCaseSensitive(o, key, v) ? 0 : (cJSON_Delete(v), -1);
    return cJSON_AddItemToObject(o, key, v) ? 0 : (cJSON_Delete(v), -1);
}

/* "resume": null, or for a corrected case waiting for the hall the dates
 * it resumes to (rs) and whether they are before today, as the day's
 * report counts it overdue. 0 or -1. */
static int relay_resume_add(cJSON *o, const struct relay_resumed *rs, int today)
{
    cJSON *x;

    if (!rs)
        return cJSON_AddNullToObject(o, "resume") ? 0 : -1;
    return (x = cJSON_AddObjectToObject(o, "resume")) && relay_set_date(x, "stage_due", rs->stage_due) == 0 &&
                   relay_set_date(x, "committed", rs->committed) == 0 &&
                   cJSON_AddBoolToObject(x, "overdue", rs->stage_due < today || rs->committed < today) &&
                   cJSON_AddBoolToObject(x, "late", rs->committed < today)
               ? 0
               : -1;
}

int relay_resume_json(struct db *db, const struct case_state *cs, const struct workdays *cal,
                      int today, void *out)
{
    struct relay_resumed rs;
    int r = relay_resumed_get(db, cs, cal, today, &rs);

    return r < 0 ? -1 : relay_resume_add(out, r ? &rs : NULL, today);
}

/* A corrected case waiting for the hall (rs): the chain as it resumes,
 * the stage from its return with the days it had left and the days spent
 * returned, the later ones projected from it as relay_stages_project will
 * at the acceptance, and the committed date moved on; so the page, the
 * resident's view and the day's report say one date. 0 or -1. */
static int relay_resume_stages(cJSON *o, cJSON *arr, const struct case_state *cs,
                               const struct relay_resumed *rs, const struct workdays *cal)
{
    int from = relay_anchor(rs->from, rs->days, rs->stage_due), i, n = cJSON_GetArraySize(arr);
    cJSON *s;

    if (relay_set_date(o, "due", rs->committed) != 0 ||
        ((s = cJSON_GetArrayItem(arr, cs->r.stage)) && relay_set_date(s, "due", rs->stage_due) != 0))
        return -1;
    for (i = cs->r.stage + 1; i < n; i++) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(s = cJSON_GetArrayItem(arr, i), "days");
        int days = cJSON_IsNumber(d) && d->valueint > 0 ? d->valueint : 0, due = workdays_due(cal, from, days);
        if (!due)
            return 0;   /* past the calendar's bounds: the stored dates stand */
        if (relay_set_date(s, "due", due) != 0)
            return -1;
        from = relay_anchor(from, days, due);
    }
    return 0;
}

int relay_staff_json(struct db *db, const struct case_state *cs, const struct workdays *cal, int today,
                     void *out)
{
    struct relay_resumed rs;
    cJSON *o = out, *arr, *s;
    sqlite3_stmt *st;
    size_t i;
    int r, rows = 0, rc = -1, resumed;
    bool live, late;

    if ((resumed = relay_resumed_get(db, cs, cal, today, &rs)) < 0)
        return -1;
    if ((cs->r.stage < 0 ? !cJSON_AddNullToObject(o, "stage") : !cJSON_AddNumberToObject(o, "stage", cs->r.stage)) ||
        relay_add_text(o, "owner", cs->r.owner) != 0 || relay_add_text(o, "due", cs->r.due) != 0 ||
        !(arr = cJSON_AddArrayToObject(o, "stages")) || !(st = db_stmt(db, sql_stage_rows)))
        return -1;
    if (sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC) != SQLITE_OK)
        goto done;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        rows++;
        if (!(s = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            goto done;
        }
        if (relay_add_col(s, "key", st, 1) != 0 || relay_add_col(s, "label", st, 2) != 0 ||
            relay_add_col(s, "post", st, 3) != 0 ||
            !cJSON_AddNumberToObject(s, "days", sqlite3_column_int(st, 4)) ||
            relay_add_col(s, "due", st, 5) != 0 || relay_add_col(s, "done_at", st, 6) != 0 ||
            relay_add_col(s, "by", st, 7) != 0 || relay_add_col(s, "note", st, 8) != 0 ||
            relay_add_col(s, "begun_on", st, 9) != 0)
            goto done;
    }
    if (r != SQLITE_DONE)
        goto done;
    /* before acceptance: the chain the case will walk, without dates */
    for (i = 0; rows == 0 && i < cs->model->n_stages; i++) {
        const struct proc_stage *ps = &cs->model->stages[i];
        if (!(s = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            goto done;
        }
        if (relay_add_text(s, "key", ps->key) != 0 || relay_add_text(s, "label", ps->label) != 0 ||
            relay_add_text(s, "post", ps->post) != 0 || !cJSON_AddNumberToObject(s, "days", ps->days) ||
            !cJSON_AddNullToObject(s, "due") || !cJSON_AddNullToObject(s, "done_at") ||
            !cJSON_AddNullToObject(s, "by") || !cJSON_AddNullToObject(s, "note") ||
            !cJSON_AddNullToObject(s, "begun_on"))
            goto done;
    }
    if (resumed && relay_resume_stages(o, arr, cs, &rs, cal) != 0)
        goto done;
    s = cs->r.stage >= 0 ? cJSON_GetArrayItem(arr, cs->r.stage) : NULL;
    /* late: the date promised to the resident passed. Each stage starts
     * with its full days, so a stage that overran once leaves the next
     * ones on time while the promise is not (a staff review): overdue is
     * either, as the report's on-time rate counts the promise. A corrected
     * case waiting for the hall runs on the hall's clock from its hand-in:
     * late by the dates it resumes to, as the report counts it */
    live = strcmp(cs->status, "accepted") == 0 || resumed;
    late = live && relay_overdue(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "due")), today);
    if (!cJSON_AddBoolToObject(o, "overdue",
                               late || (live && s && relay_overdue(cJSON_GetStringValue(
                                                                       cJSON_GetObjectItemCaseSensitive(s, "due")),
                                                                   today))) ||
        !cJSON_AddBoolToObject(o, "late", late) || relay_resume_add(o, resumed ? &rs : NULL, today) != 0)
        goto done;
    rc = 0;
done:
    sqlite3_reset(st);
    return rc;
}

/* The current stage's row of each accepted case at a stage of one of the
 * posts (a JSON array of ids, ?1) or owned by ?2; only those due, or
 * promised (the case's committed date), before ?3 when ?4; soonest first.
 * The title is the pinned version's. */
static const char sql_work[] =
    "SELECT c.id, c.ticket, c.procedure_id, v.title, s.key, s.label, s.post, s.due, c.owner, c.due,"
    " c.ticket_day"
    " FROM cases c JOIN case_stages s ON s.case_id = c.id AND s.idx = c.stage"
    " JOIN procedure_versions v ON v.procedure_id = c.procedure_id AND v.hash = c.hash"
    " WHERE c.status = 'accepted'"
    "  AND (s.post IN (SELECT value FROM json_each(?1)) OR c.owner = ?2)"
    "  AND (?4 = 0 OR s.due < ?3 OR c.due < ?3)"
    " ORDER BY s.due, c.accepted_at, c.id LIMIT ?5";

/* ticket_day when it is not today's (YYYY-MM-DD both), else NULL. */
static const char *relay_other_day(const char *ticket_day, const char *today)
{
    return ticket_day && strcmp(ticket_day, today) != 0 ? ticket_day : NULL;
}

int relay_work_json(struct db *db, const char *const *posts, size_t n_posts, const char *owner,
                    bool overdue_only, const struct workdays *cal, int today, void **out)
{
    cJSON *root = NULL, *list, *counts, *c, *stage, *ids = NULL, *x;
    char *ids_json = NULL, day[CLOCK_DAY_LEN];
    sqlite3_stmt *st = NULL;
    int rc = -1, r = SQLITE_ERROR, b = SQLITE_OK, n_over = 0, n_soon = 0, n = 0, soon_until;
    size_t i;

    *out = NULL;
    /* due today or on the next working day: amber on the list */
    soon_until = workdays_due(cal, today, 1);
    relay_ymd_text(today, day);
    if (!(root = cJSON_CreateObject()) || !(list = cJSON_AddArrayToObject(root, "cases")) ||
        !(ids = cJSON_CreateArray()))
        goto done;
    for (i = 0; i < n_posts; i++)
        if (!(x = cJSON_CreateString(posts[i])) || !cJSON_AddItemToArray(ids, x)) {
            cJSON_Delete(x);
            goto done;
        }
    if (!(ids_json = cJSON_PrintUnformatted(ids)) || !(st = db_stmt(db, sql_work)))
        goto done;
    b |= sqlite3_bind_text(st, 1, ids_json, -1, SQLITE_STATIC);
    b |= owner ? sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 2);
    b |= sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 4, overdue_only ? 1 : 0);
    b |= sqlite3_bind_int(st, 5, RELAY_WORK_MAX);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *due = (const char *)sqlite3_column_text(st, 7);
        const char *committed = (const char *)sqlite3_column_text(st, 9);
        int d = relay_ymd_parse(due);
        bool late = relay_overdue(committed, today);
        bool over = (d && d < today) || late, soon = d && !over && soon_until && d <= soon_until;
        if (!(c = cJSON_CreateObject()) || !cJSON_AddItemToArray(list, c)) {
            cJSON_Delete(c);
            goto done;
        }
        if (relay_add_col(c, "id", st, 0) != 0 || relay_add_col(c, "ticket", st, 1) != 0 ||
            relay_add_col(c, "procedure", st, 2) != 0 || relay_add_col(c, "title", st, 3) != 0 ||
            !(stage = cJSON_AddObjectToObject(c, "stage")) || relay_add_col(stage, "key", st, 4) != 0 ||
            relay_add_col(stage, "label", st, 5) != 0 || relay_add_col(stage, "post", st, 6) != 0 ||
            relay_add_text(c, "due", due) != 0 || !cJSON_AddBoolToObject(c, "overdue", over) ||
            !cJSON_AddBoolToObject(c, "soon", soon) || relay_add_col(c, "owner", st, 8) != 0 ||
            relay_add_text(c, "committed", committed) != 0 || !cJSON_AddBoolToObject(c, "late", late) ||
            /* tickets start again each day: three cases were listed as
             * A001 with no word of which day's (a year-end review); the
             * hall's today, not the browser's */
            relay_add_text(c, "ticket_day", relay_other_day((const char *)sqlite3_column_text(st, 10), day)) != 0)
            goto done;
        n++;
        n_over += over;
        n_soon += soon;
    }
    if (b != SQLITE_OK || r != SQLITE_DONE)
        goto done;
    if (!(counts = cJSON_AddObjectToObject(root, "counts")) || !cJSON_AddNumberToObject(counts, "total", n) ||
        !cJSON_AddNumberToObject(counts, "overdue", n_over) || !cJSON_AddNumberToObject(counts, "soon", n_soon))
        goto done;
    *out = root;
    root = NULL;
    rc = 0;
done:
    if (st)
        sqlite3_reset(st);
    cJSON_Delete(root);
    cJSON_Delete(ids);
    free(ids_json);
    return rc;
}

/* ---- counting again once the calendar has the year --------------------- */

/* Rows read, and written, per transaction: a pass over thousands of dates
 * must not hold the write lock past the workers' busy timeout (a code
 * review measured 1.2 s for 32,768 cases in one transaction). */
#define RELAY_RECOUNT_BATCH 256
#define RELAY_RECOUNT_BATCHES_MAX 100000    /* 25 million rows: a bound, not a budget */

static const char sql_gap_stages[] =
    "SELECT case_id, idx, begun_on, due, gap_from FROM case_stages"
    " WHERE gap_from IS NOT NULL AND (case_id, idx) > (?1, ?2) ORDER BY case_id, idx LIMIT 256";
static const char sql_stage_chain[] =
    "SELECT idx, days, begun_on, due, done_at FROM case_stages WHERE case_id = ?1 ORDER BY idx";
static const char sql_gap_cases[] =
    "SELECT id, due, due_gap_from, status FROM cases"
    " WHERE due_gap_from IS NOT NULL AND id > ?1 ORDER BY id LIMIT 256";
static const char sql_case_redate[] =
    "UPDATE cases SET due = ?2, due_gap_from = ?3 WHERE id = ?1";
/* the event of a promise moved: not cases_event_add, which is a resident's
 * or staffer's activity and starts the retention period again */
static const char sql_moved_event[] =
    "INSERT INTO case_events (case_id, at, what, channel, user, step, detail)"
    " VALUES (?1, ?2, 'due_moved', 'calendar', NULL, NULL, ?3)";
static const char sql_chain_days[] =
    "SELECT coalesce(sum(days), 0), count(*) FROM case_stages WHERE case_id = ?1";
/* the dates an earlier build stored without their gap (schema 034): those
 * in a year the calendar lacks now, marked once per database */
static const char sql_backfill_pending[] = "SELECT done FROM calendar_backfill";
static const char sql_backfill_done[] = "UPDATE calendar_backfill SET done = 1";
static const char sql_unmarked_stages[] =
    "SELECT case_id, idx, begun_on, due FROM case_stages"
    " WHERE gap_from IS NULL AND due >= ?1 AND (case_id, idx) > (?2, ?3)"
    " ORDER BY case_id, idx LIMIT 256";
static const char sql_stage_mark[] =
    "UPDATE case_stages SET gap_from = ?3 WHERE case_id = ?1 AND idx = ?2";
static const char sql_unmarked_cases[] =
    "SELECT c.id, c.due, s.begun_on FROM cases c"
    " LEFT JOIN case_stages s ON s.case_id = c.id AND s.idx = 0"
    " WHERE c.due_gap_from IS NULL AND c.due >= ?1 AND c.id > ?2 ORDER BY c.id LIMIT 256";
/* ?2, unused, is where the stages' mark takes the idx (relay_backfill_marks) */
static const char sql_case_mark[] = "UPDATE cases SET due_gap_from = ?3 WHERE id = ?1";

struct relay_row {
    char id[CASE_ID_LEN + 1];
    char status[16];
    int idx, begun, due, gap;
};

/* One pass's state, carried from batch to batch. */
struct relay_pass {
    const struct workdays *cal;
    char bound[CLOCK_DAY_LEN];  /* the backfill's: 1 January of a year cal lacks */
    struct relay_row after;     /* the keyset: the last row read */
    long long after_id;         /* the call-backs' */
    struct relay_row rows[RELAY_RECOUNT_BATCH];
    int moved;
};

/* One batch of sql into rows, its parameters the bound (when set), then
 * the key after which (the id, and the idx when the columns have one).
 * layout names the columns in order: i the id, x the idx, b begun, d due,
 * g gap (dates as YYYYMMDD, 0 when NULL), s the status. Returns how many,
 * or -1. */
static int relay_rows_read(struct db *db, const char *sql, const char *layout, const char *bound,
                           const struct relay_row *after, struct relay_row *rows)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int b = SQLITE_OK, n = 0, r, p = 1;
    bool idx = strchr(layout, 'x') != NULL;

    if (!st)
        return -1;
    if (bound)
        b |= sqlite3_bind_text(st, p++, bound, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, p++, after->id, -1, SQLITE_STATIC);
    if (idx)
        b |= sqlite3_bind_int(st, p++, after->idx);
    if (b != SQLITE_OK) {
        sqlite3_reset(st);
        return -1;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW && n < RELAY_RECOUNT_BATCH) {
        struct relay_row *w = &rows[n++];
        const char *id = (const char *)sqlite3_column_text(st, 0);
        int c;
        memset(w, 0, sizeof *w);
        snprintf(w->id, sizeof w->id, "%s", id ? id : "");
        for (c = 1; layout[c]; c++) {
            const char *v = (const char *)sqlite3_column_text(st, c);
            switch (layout[c]) {
            case 'x': w->idx = sqlite3_column_int(st, c); break;
            case 'b': w->begun = relay_ymd_parse(v); break;
            case 'd': w->due = relay_ymd_parse(v); break;
            case 'g': w->gap = relay_ymd_parse(v); break;
            case 's': snprintf(w->status, sizeof w->status, "%s", v ? v : ""); break;
            default: break;
            }
        }
    }
    sqlite3_reset(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? n : -1;
}

/* The stages of case id after its last begun one, projected again from
 * that one's date under cal (what relay_stages_project did at the pass,
 * from the stored days). 0 or -1. */
static int relay_reproject(struct db *db, const char *id, const struct workdays *cal)
{
    struct { int idx, days, old; } later[PROCEDURE_MAX_STAGES];
    sqlite3_stmt *st = db_stmt(db, sql_stage_chain);
    int r, from = 0, n = 0, i;

    if (!st)
        return -1;
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_reset(st);
        return -1;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
            int begun = relay_ymd_parse((const char *)sqlite3_column_text(st, 2));
            from = relay_ymd_parse((const char *)sqlite3_column_text(st, 3));
            /* a stage of 0 days begun on a rest day: the next counts from
             * that day, as the pass projected it (relay_anchor) */
            if (begun && from && workdays_due(cal, begun, 0) == from)
                from = relay_anchor(begun, sqlite3_column_int(st, 1), from);
            n = 0;
        } else if (sqlite3_column_type(st, 4) == SQLITE_NULL && n < PROCEDURE_MAX_STAGES) {
            later[n].idx = sqlite3_column_int(st, 0);
            later[n].days = sqlite3_column_int(st, 1);
            later[n++].old = relay_ymd_parse((const char *)sqlite3_column_text(st, 3));
        }
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return -1;
    for (i = 0; from && i < n; i++) {
        int due, b = SQLITE_OK;
        if (!(due = workdays_due(cal, from, later[i].days < 0 ? 0 : later[i].days)))
            return 0;   /* past the calendar's bounds: the dates stand */
        /* never earlier (a 班 weekend entered), nor on a day now resting */
        if (later[i].old && due < later[i].old && !(due = workdays_due(cal, later[i].old, 0)))
            return 0;
        if (!(st = db_stmt(db, sql_stage_project)))
            return -1;
        b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, later[i].idx);
        b |= relay_bind_ymd(st, 3, due);
        b |= relay_bind_ymd(st, 4, workdays_gap_from(cal, from, due));
        if (db_run(st, b) != 0)
            return -1;
        from = relay_anchor(from, later[i].days, due);
    }
    return 0;
}

/* The committed date of case id counted again under cal as relay_accept_locked
 * counted it: the chain's days from the first acceptance, then for each
 * resumption the working days spent returned (from each return's day to
 * the resident's next hand-in, relay_clock, as the events record them). Counting it again from the
 * gap alone kept the days spent returned as weekends had counted them, so
 * a holiday in a return became a day still owed (a code review: two days
 * late). *due 0 when the events do not tell (then the caller counts from
 * the gap). 0, or -1 on a database error. */
static int relay_committed(struct db *db, const char *id, const struct workdays *cal, int *due)
{
    sqlite3_stmt *st = db_stmt(db, sql_chain_days);
    struct relay_clock k = {0, 0};
    int r, days = 0, rows = 0, first = 0, c = 0;

    *due = 0;
    if (!st)
        return -1;
    r = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (r == SQLITE_ROW) {
        days = sqlite3_column_int(st, 0);
        rows = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW)
        return -1;
    if (!rows || !(st = db_stmt(db, sql_chain_clock)))
        return rows ? -1 : 0;
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_reset(st);
        return -1;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *what = (const char *)sqlite3_column_text(st, 0);
        int day = clock_local_day_of((const char *)sqlite3_column_text(st, 1));
        if (!what || !day)
            continue;
        if (strcmp(what, "accepted") == 0 && !first) {
            first = day;
            c = workdays_due(cal, first, days < 0 ? 0 : days);
        } else if (strcmp(what, "accepted") == 0) {
            int spent = relay_clock_close(&k, cal, day);
            if (c && spent > 0)
                c = workdays_due(cal, c, spent);
        } else if (first) {
            /* the clock stops at a return of an accepted case and starts
             * again at the resident's hand-in, as the resumption counts */
            relay_clock_event(&k, cal, what, day);
        }
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return -1;
    *due = c;
    return 0;
}


/* One batch of the backfill's stages or cases: rows read by sql (columns
 * as layout names them) marked by mark (?1 the id, ?2 the idx, ?3 the
 * gap). Returns how many rows were read (fewer than a batch: that kind is
 * done), or -1. */
static int relay_backfill_marks(struct db *db, struct relay_pass *ps, const char *sql,
                                const char *layout, const char *mark)
{
    int n = relay_rows_read(db, sql, layout, ps->bound, &ps->after, ps->rows), i;

    for (i = 0; i < n; i++) {
        const struct relay_row *w = &ps->rows[i];
        sqlite3_stmt *st;
        int gap = workdays_gap_from(ps->cal, w->begun ? w->begun : w->due, w->due), b = SQLITE_OK;
        if (!gap)
            continue;
        if (!(st = db_stmt(db, mark)))
            return -1;
        b |= sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, w->idx);
        b |= relay_bind_ymd(st, 3, gap);
        if (db_run(st, b) != 0)
            return -1;
    }
    if (n > 0)
        ps->after = ps->rows[n - 1];
    return n;
}

static int relay_backfill_stages(struct db *db, struct relay_pass *ps)
{
    return relay_backfill_marks(db, ps, sql_unmarked_stages, "ixbd", sql_stage_mark);
}

/* the committed date's mark is a trigger: it is counted again from the
 * events */
static int relay_backfill_cases(struct db *db, struct relay_pass *ps)
{
    return relay_backfill_marks(db, ps, sql_unmarked_cases, "idb", sql_case_mark);
}

static int relay_backfill_followups(struct db *db, struct relay_pass *ps)
{
    return followup_backfill_batch(db, ps->cal, ps->bound, &ps->after_id);
}

/* One batch of stages: each begun one whose gap's year is in counted again
 * from its gap (later only); then, once per case, the stages after the
 * current one projected again. */
static int relay_recount_stages(struct db *db, struct relay_pass *ps)
{
    bool redo[RELAY_RECOUNT_BATCH];
    const char *done = NULL;
    int n = relay_rows_read(db, sql_gap_stages, "ixbdg", NULL, &ps->after, ps->rows), i;

    for (i = 0; i < n; i++) {
        struct relay_row *w = &ps->rows[i];
        sqlite3_stmt *st;
        int due, b = SQLITE_OK;
        if (!(redo[i] = workdays_gap_filled(ps->cal, w->gap)) || !w->begun)
            continue;
        /* a date that cannot be counted again (past the calendar's bounds,
         * or before its gap) stands, and is not tried again */
        due = workdays_recount(ps->cal, w->gap, w->due);
        if (!(st = db_stmt(db, sql_stage_project)))
            return -1;
        b |= sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, w->idx);
        b |= relay_bind_ymd(st, 3, due ? due : w->due);
        b |= relay_bind_ymd(st, 4, due ? workdays_gap_from(ps->cal, w->gap, due) : 0);
        if (db_run(st, b) != 0)
            return -1;
    }
    /* a projected stage alone is projected again from the current one */
    for (i = 0; i < n; i++) {
        if (!redo[i] || (done && strcmp(done, ps->rows[i].id) == 0))
            continue;
        if (relay_reproject(db, ps->rows[i].id, ps->cal) != 0)
            return -1;
        done = ps->rows[i].id;
    }
    if (n > 0)
        ps->after = ps->rows[n - 1];
    return n;
}

/* Whether a case with a committed date still holds the resident's
 * promise (a returned one handed in again is waiting, invited or in visit
 * and resumes on it: a review found its move unsaid): a closed one's date
 * is counted again for the figures, without an event. */
static bool relay_status_open(const char *status)
{
    return strcmp(status, "completed") != 0 && strcmp(status, "rejected") != 0 &&
           strcmp(status, "abandoned") != 0;
}

static int relay_recount_cases(struct db *db, struct relay_pass *ps)
{
    int n = relay_rows_read(db, sql_gap_cases, "idgs", NULL, &ps->after, ps->rows), i;

    for (i = 0; i < n; i++) {
        struct relay_row *w = &ps->rows[i];
        char detail[2 * CLOCK_DAY_LEN + 8], was[CLOCK_DAY_LEN], now[CLOCK_DAY_LEN], at[CLOCK_UTC_LEN];
        sqlite3_stmt *st;
        int due, b = SQLITE_OK;
        if (!workdays_gap_filled(ps->cal, w->gap))
            continue;
        if (relay_committed(db, w->id, ps->cal, &due) != 0)
            return -1;
        if (!due)
            due = workdays_recount(ps->cal, w->gap, w->due);
        /* never earlier than promised, nor on a day that now rests */
        if (due && due < w->due)
            due = workdays_due(ps->cal, w->due, 0);
        if (!due)
            due = w->due;
        if (!(st = db_stmt(db, sql_case_redate)))
            return -1;
        b |= sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
        b |= relay_bind_ymd(st, 2, due);
        b |= relay_bind_ymd(st, 3, workdays_gap_from(ps->cal, w->gap, due));
        if (db_run(st, b) != 0)
            return -1;
        if (due == w->due || !relay_status_open(w->status))
            continue;
        relay_ymd_text(w->due, was);
        relay_ymd_text(due, now);
        snprintf(detail, sizeof detail, "%s → %s", was, now);
        clock_utc_now(at);
        if (!(st = db_stmt(db, sql_moved_event)))
            return -1;
        b |= sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 3, detail, -1, SQLITE_STATIC);
        if (db_run(st, b) != 0)
            return -1;
        ps->moved++;
    }
    if (n > 0)
        ps->after = ps->rows[n - 1];
    return n;
}

static int relay_recount_followups(struct db *db, struct relay_pass *ps)
{
    return followup_recount_batch(db, ps->cal, &ps->after_id);
}

/* Runs fn batch by batch, each in its own BEGIN IMMEDIATE transaction,
 * from the start of its keyset, until a batch comes back short. 0 or -1. */
static int relay_batches(struct db *db, struct relay_pass *ps, int (*fn)(struct db *, struct relay_pass *))
{
    int i, n;

    memset(&ps->after, 0, sizeof ps->after);
    ps->after.idx = -1;
    ps->after_id = 0;
    for (i = 0; i < RELAY_RECOUNT_BATCHES_MAX; i++) {
        if (db_begin(db) != 0)
            return -1;
        if ((n = fn(db, ps)) < 0) {
            db_rollback(db);
            return -1;
        }
        if (db_commit(db) != 0)
            return -1;
        if (n < RELAY_RECOUNT_BATCH)
            return 0;
    }
    return 0;
}

/* Whether the backfill is still to run on this database: 1, 0, or -1. */
static int relay_backfill_pending(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, sql_backfill_pending);
    int r, pending = -1;

    if (!st)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        pending = sqlite3_column_int(st, 0) == 0;
    else if (r == SQLITE_DONE)
        pending = 0;
    sqlite3_reset(st);
    return pending;
}

int relay_recount(struct db *db, const struct workdays *cal, int today, int *moved)
{
    struct relay_pass *ps;
    sqlite3_stmt *st;
    int rc = -1, y, lack = 0, pending;

    *moved = 0;
    /* no calendar file: every date was counted by the rule it has now */
    if (!cal)
        return 0;
    if (!(ps = calloc(1, sizeof *ps)))
        return -1;
    if ((pending = relay_backfill_pending(db)) < 0)
        goto out;
    ps->cal = cal;
    for (y = today / 10000 - 1; !lack && y <= today / 10000 + 2; y++)
        if (!workdays_has_year(cal, y))
            lack = y;
    /* what is in a year missing now was counted without it; a year entered
     * since an attempt that failed cannot tell its old dates from new ones,
     * which are left as they are */
    if (pending) {
        snprintf(ps->bound, sizeof ps->bound, "%04u-01-01", (unsigned)lack % 10000u);
        if (lack && (relay_batches(db, ps, relay_backfill_stages) != 0 ||
                     relay_batches(db, ps, relay_backfill_cases) != 0 ||
                     relay_batches(db, ps, relay_backfill_followups) != 0))
            goto out;
        /* a write like any other: in its own BEGIN IMMEDIATE, in turn */
        if (db_begin(db) != 0)
            goto out;
        if (!(st = db_stmt(db, sql_backfill_done)) || db_run(st, SQLITE_OK) != 0) {
            db_rollback(db);
            goto out;
        }
        if (db_commit(db) != 0) /* rolled back there */
            goto out;
    }
    if (relay_batches(db, ps, relay_recount_stages) != 0 ||
        relay_batches(db, ps, relay_recount_cases) != 0 ||
        relay_batches(db, ps, relay_recount_followups) != 0)
        goto out;
    rc = 0;
out:
    *moved = ps->moved;
    free(ps);
    return rc;
}
