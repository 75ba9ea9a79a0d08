/* relay.c: the review chain's due dates on a calendar with a holiday week
 * and a worked Saturday, at dates the test chooses ("today" is an
 * argument): accept, pass, a return that stops the clock and a resumption
 * with the days left, a return when the stage was already overdue, the
 * refusals, and the work list's overdue and soon flags.
 *
 * The calendar: 2026-10-01 (Thu) .. 10-07 rest (国庆), 10-10 (Sat) worked.
 * Every expected date below is counted by hand in the comments. */
#include <criterion/criterion.h>

#include "casedb.h"
#include "relay.h"
#include "report.h"
#include "workdays.h"

static struct casedb t;
static struct workdays *cal;

static const char chain_md[] =
    "---\nversion: 2026-01-01\norder: 3\npickup: yes\n---\n"
    "# 链式事项\n\n有审核链。\n\n"
    "## 办理流程\n审核链。\n\n"
    "```chain\n"
    "a | 受理 | window | 1\n"
    "b | 审核 | civil  | 3\n"
    "c | 审批 | civil  | 2\n"
    "```\n\n"
    "## 第一步:准备材料\n- [ ] 本人居民身份证原件\n";

/* two stages of 0 days first: the same working day, or the next one when
 * begun on a rest day */
static const char zero_md[] =
    "---\nversion: 2026-01-01\norder: 4\n---\n"
    "# 当天环节事项\n\n有当天办完的环节。\n\n"
    "## 办理流程\n审核链。\n\n"
    "```chain\n"
    "zero | 受理 | window | 0\n"
    "also | 登记 | civil  | 0\n"
    "one  | 审核 | civil  | 1\n"
    "ten  | 审批 | civil  | 10\n"
    "```\n\n"
    "## 第一步:准备材料\n- [ ] 本人居民身份证原件\n";

static const char calendar_md[] =
    "# 日历\n\n"
    "- 2026-10-01 休\n- 2026-10-02 休\n- 2026-10-05 休\n- 2026-10-06 休\n- 2026-10-07 休\n"
    "- 2026-10-10 班\n";

static void setup(void)
{
    struct diag_list d = DIAG_LIST_INIT;
    char path[160];

    casedb_open(&t);
    snprintf(path, sizeof path, "%s/tree/hall/chain.md", t.dir);
    casedb_write(path, chain_md);
    snprintf(path, sizeof path, "%s/tree/hall/zero.md", t.dir);
    casedb_write(path, zero_md);
    snprintf(path, sizeof path, "%s/tree", t.dir);
    cr_assert_eq(loader_run(t.db, path), 0);
    /* the daemon's first load marks what an earlier build stored, before
     * any case of this one: done here, where no load runs the pass */
    casedb_exec(&t, "UPDATE calendar_backfill SET done = 1");
    cr_assert_eq(workdays_parse("_calendar.md", calendar_md, strlen(calendar_md), &cal, &d), 0);
    diag_list_free(&d);
}

static void teardown(void)
{
    workdays_free(cal);
    casedb_close(&t);
}

TestSuite(relay, .init = setup, .fini = teardown);

/* A chain case handed in and waiting. */
static void waiting(char id[CASE_ID_LEN + 1])
{
    struct refusal e;
    char *tk = NULL;

    casedb_case(&t, "chain", id);
    casedb_step(&t, id, 0, "{\"checklist\":{\"s0-0\":true}}");
    cr_assert_eq(window_submit(t.db, id, NULL, false, &tk, &e), 0, "%s", e.code);
    free(tk);
}

/* The resident hands a returned case in again (a new ticket, not kept). */
static void handed_in_again(const char *id)
{
    struct refusal e;
    char *tk = NULL;

    cr_assert_eq(window_submit(t.db, id, NULL, false, &tk, &e), 0, "%s", e.code);
    free(tk);
}

/* The latest event what of case id dated at iso: the days a case spent
 * returned run to the resident's hand-in, read from its event, and the
 * test's days are not the clock's. */
static void last_event_at(const char *id, const char *what, const char *iso)
{
    casedb_exec(&t, "UPDATE case_events SET at = '%s' WHERE id = (SELECT max(id) FROM case_events"
                    " WHERE case_id = '%s' AND what = '%s')",
                iso, id, what);
}

/* Handed in again on the day iso. */
static void handed_in_on(const char *id, const char *iso)
{
    handed_in_again(id);
    last_event_at(id, "submitted", iso);
}

static const char *col(char buf[256], const char *id, const char *what)
{
    return casedb_text(&t, buf, "SELECT %s FROM cases WHERE id = '%s'", what, id);
}

static const char *stage_due(char buf[256], const char *id, int idx)
{
    return casedb_text(&t, buf, "SELECT due FROM case_stages WHERE case_id = '%s' AND idx = %d", id, idx);
}

static void accept_on(const char *id, int today)
{
    struct refusal e;

    cr_assert_eq(window_accept(t.db, id, "wang", cal, today, &e), 0, "%s", e.code);
}

Test(relay, accept_counts_every_stage_over_the_holiday_and_the_worked_saturday)
{
    char id[CASE_ID_LEN + 1], b[256];

    waiting(id);
    accept_on(id, 20260930); /* Wednesday before the holiday week */
    /* a: 1 day after 09-30, 10-01..07 rest: 10-08 */
    cr_assert_str_eq(stage_due(b, id, 0), "2026-10-08");
    /* b projected: 3 after 10-08: 10-09, 10-10 (班), 10-12 */
    cr_assert_str_eq(stage_due(b, id, 1), "2026-10-12");
    /* c: 2 after 10-12: 10-13, 10-14 */
    cr_assert_str_eq(stage_due(b, id, 2), "2026-10-14");
    /* the chain's 6 from 09-30: 10-08, 09, 10, 12, 13, 14 */
    cr_assert_str_eq(col(b, id, "due"), "2026-10-14");
    cr_assert_str_eq(col(b, id, "owner"), "wang");
    cr_assert_str_eq(col(b, id, "stage"), "0");
    /* only stage a has begun; b and c are projected until passed to */
    cr_assert_str_eq(casedb_text(&t, b, "SELECT begun_on FROM case_stages WHERE case_id = '%s' AND idx = 0", id),
                     "2026-09-30");
    cr_assert_str_eq(casedb_text(&t, b, "SELECT begun_on FROM case_stages WHERE case_id = '%s' AND idx = 1", id),
                     "NULL");
}

Test(relay, a_return_stops_the_clock_and_acceptance_resumes_with_the_days_left)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(relay_pass(t.db, id, "wang", "齐全", "a", cal, 20261008, &e), 0, "%s", e.code);
    /* b begins 10-08: 10-09, 10-10 (班), 10-12 */
    cr_assert_str_eq(stage_due(b, id, 1), "2026-10-12");
    cr_assert_eq(relay_pause_locked(t.db, &(struct case_state){.r = {.stage = -1}}, 20261009), 0,
                 "a case without a chain is left alone");
    /* returned on Friday 10-09 (window_return pauses at today's date:
     * played here by setting paused_on as the return would) */
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-10-09' WHERE id = '%s'", id);
    cr_assert_str_eq(col(b, id, "status"), "returned");
    handed_in_on(id, "2026-10-15T01:00:00Z");
    /* accepted again on Thursday 10-15: b had 10-10 and 10-12 left (2);
     * from 10-15: 10-16, 10-19 */
    accept_on(id, 20261015);
    cr_assert_str_eq(col(b, id, "stage"), "1", "resumes at the stage it left");
    cr_assert_str_eq(stage_due(b, id, 1), "2026-10-19");
    cr_assert_str_eq(stage_due(b, id, 2), "2026-10-21");
    /* spent returned: 10-10, 12, 13, 14, 15 = 5; 10-14 moved on by 5:
     * 10-15, 16, 19, 20, 21 */
    cr_assert_str_eq(col(b, id, "due"), "2026-10-21");
    cr_assert_str_eq(col(b, id, "paused_on"), "NULL");
    cr_assert_str_eq(col(b, id, "owner"), "wang", "the owner stays");
}

/* Fails the statement that reads a stage's due date alone (relay.c's
 * sql_stage_due: "SELECT due FROM case_stages ..."), as a read error of
 * its page would, and no other: a statement that names another column of
 * case_stages first (the case's own view of its stage) still prepares.
 * SQLite authorizes a SELECT, then each column it reads, result columns
 * first. */
static int deny_stage_due_alone(void *cls, int action, const char *table, const char *column,
                                const char *db, const char *trigger)
{
    int *first = cls;

    (void)db;
    (void)trigger;
    if (action == SQLITE_SELECT) {
        *first = 1;
        return SQLITE_OK;
    }
    if (action != SQLITE_READ || !table || !column || strcmp(table, "case_stages") != 0)
        return SQLITE_OK;
    if (*first && strcmp(column, "due") == 0)
        return SQLITE_DENY;
    *first = 0;
    return SQLITE_OK;
}

/* The stage's due date cannot be read when the case comes back: the
 * acceptance fails and changes nothing, rather than commit the dates as
 * they were (the stage not restarted, the chain's date not moved on by
 * the days the case spent with the resident). */
Test(relay, a_resume_that_cannot_read_the_stage_date_changes_nothing)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(window_return(t.db, id, "li", "缺材料", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-10-09' WHERE id = '%s'", id);
    handed_in_again(id);
    int first = 0;

    cr_assert_eq(sqlite3_set_authorizer(db_handle(t.db), deny_stage_due_alone, &first), SQLITE_OK);
    cr_expect_lt(window_accept(t.db, id, "wang", cal, 20261015, &e), 0, "an error, not an acceptance");
    cr_assert_eq(sqlite3_set_authorizer(db_handle(t.db), NULL, NULL), SQLITE_OK);
    cr_expect_str_neq(col(b, id, "status"), "accepted");
    cr_expect_str_eq(col(b, id, "paused_on"), "2026-10-09", "still paused");
    cr_expect_str_eq(col(b, id, "due"), "2026-10-14", "the chain's date as it was");
    /* and once the date can be read, the same acceptance goes through */
    accept_on(id, 20261015);
    cr_expect_str_eq(col(b, id, "paused_on"), "NULL");
}

Test(relay, a_stage_overdue_when_returned_resumes_with_no_days)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(window_return(t.db, id, "li", "缺材料", NULL, NULL, &e), 0);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-10-20' WHERE id = '%s'", id);
    handed_in_again(id);
    accept_on(id, 20261022);
    cr_assert_str_eq(stage_due(b, id, 0), "2026-10-22", "due the day it resumes");
}

Test(relay, the_moves_a_status_or_stage_does_not_allow_change_nothing)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20260930, &e), 1);
    cr_assert_str_eq(e.code, "not_accepted");
    accept_on(id, 20260930);
    cr_assert_eq(relay_complete(t.db, id, "wang", "好", NULL, cal, 20260930, &e), 1);
    cr_assert_str_eq(e.code, "not_last_stage");
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, "b", cal, 20260930, &e), 1);
    cr_assert_str_eq(e.code, "stage_moved");
    cr_assert_eq(relay_pass(t.db, id, "wang", "  ", NULL, cal, 20261008, &e), 0, "blank is no note");
    cr_assert_str_eq(casedb_text(&t, b, "SELECT note FROM case_stages WHERE case_id = '%s' AND idx = 0", id), "NULL");
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20261008, &e), 0);
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20261008, &e), 1);
    cr_assert_str_eq(e.code, "last_stage");
    cr_assert_eq(relay_handout(t.db, id, "wang", NULL, cal, 20261008, &e), 1);
    cr_assert_str_eq(e.code, "not_ready");
    cr_assert_eq(relay_assign(t.db, id, "wang", "nobody", NULL, &e), 1);
    cr_assert_str_eq(e.code, "unknown_user");
    cr_assert_str_eq(col(b, id, "stage"), "2");
    /* pickup: yes → ready, then handed out */
    cr_assert_eq(relay_complete(t.db, id, "li", "批准", NULL, cal, 20261009, &e), 0, "%s", e.code);
    cr_assert_str_eq(col(b, id, "status"), "ready");
    /* waiting to be collected, it is still the hall's to hand on */
    casedb_exec(&t, "INSERT INTO users (name, role, pwhash, created_at, updated_at)"
                    " VALUES ('zhao', 'staff', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
    cr_assert_eq(relay_assign(t.db, id, "li", "zhao", NULL, &e), 0, "%s", e.code);
    /* a page that showed the owner before zhao: a hand-over over li's */
    cr_assert_eq(relay_assign(t.db, id, "wang", "wang", "wang", &e), 1);
    cr_assert_str_eq(e.code, "owner_moved");
    cr_assert_str_eq(col(b, id, "owner"), "zhao");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM case_events WHERE case_id = '%s' AND what = 'assigned'", id), 1);
    cr_assert_eq(relay_assign(t.db, id, "wang", "zhao", "zhao", &e), 0, "%s", e.code);
    cr_assert_eq(relay_reject(t.db, id, "li", "不符合", NULL, NULL, &e), 1);
    cr_assert_str_eq(e.code, "not_accepted");
    cr_assert_eq(relay_handout(t.db, id, "wang", NULL, cal, 20261009, &e), 0);
    cr_assert_str_eq(col(b, id, "status"), "completed");
    cr_assert_str_eq(col(b, id, "handed_by"), "wang");
}

/* The work list's case c, or NULL. */
static const cJSON *work_find(const cJSON *doc, const char *id)
{
    const cJSON *x;

    cJSON_ArrayForEach(x, cJSON_GetObjectItem(doc, "cases"))
        if (strcmp(cJSON_GetObjectItem(x, "id")->valuestring, id) == 0)
            return x;
    return NULL;
}

Test(relay, the_work_list_by_post_and_owner_with_overdue_and_soon)
{
    char a[CASE_ID_LEN + 1], c[CASE_ID_LEN + 1];
    const char *civil[] = {"civil"}, *window[] = {"window"};
    struct refusal e;
    void *doc = NULL;
    const cJSON *x;

    waiting(a);
    waiting(c);
    accept_on(a, 20260930);
    accept_on(c, 20260930);
    cr_assert_eq(relay_pass(t.db, a, "wang", NULL, NULL, cal, 20261008, &e), 0); /* b due 10-12 */
    /* on Friday 10-09: a's stage b (civil) due Monday 10-12 — but 10-10 is
     * worked, so the next working day is 10-10, and 10-12 is not soon */
    cr_assert_eq(relay_work_json(t.db, civil, 1, NULL, false, cal, 20261009, &doc), 0);
    cr_assert_not_null(x = work_find(doc, a));
    cr_assert_null(work_find(doc, c), "c is at the window's stage");
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(x, "soon")));
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(x, "overdue")));
    cJSON_Delete(doc);
    /* on Saturday 10-10 (worked): due on the next working day, 10-12: soon */
    cr_assert_eq(relay_work_json(t.db, civil, 1, NULL, false, cal, 20261010, &doc), 0);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(work_find(doc, a), "soon")));
    cJSON_Delete(doc);
    /* on 10-09, c's stage a (due 10-08) is overdue; only overdue asked */
    cr_assert_eq(relay_work_json(t.db, window, 1, NULL, true, cal, 20261009, &doc), 0);
    cr_assert_not_null(x = work_find(doc, c));
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(x, "overdue")));
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "counts"), "overdue")->valueint, 1);
    cJSON_Delete(doc);
    /* by owner, whatever the post */
    cr_assert_eq(relay_work_json(t.db, NULL, 0, "wang", false, cal, 20261009, &doc), 0);
    cr_assert_not_null(work_find(doc, a));
    cr_assert_not_null(work_find(doc, c));
    x = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "cases"), 0);
    cr_assert_str_eq(cJSON_GetObjectItem(x, "id")->valuestring, c, "soonest due first");
    cJSON_Delete(doc);
}

/* ---- dates counted into a year the calendar lacks (a year-end review) ---- */

/* The test calendar has 2026 only; the hall then enters 2027's 元旦 and,
 * as test data, a 休 on Wednesday 01-06. */
static struct workdays *with_2027(void)
{
    static const char more[] = "- 2027-01-01 休\n- 2027-01-06 休\n";
    struct diag_list d = DIAG_LIST_INIT;
    char text[sizeof calendar_md + sizeof more];
    struct workdays *c = NULL;

    snprintf(text, sizeof text, "%s%s", calendar_md, more);
    cr_assert_eq(workdays_parse("_calendar.md", text, strlen(text), &c, &d), 0);
    diag_list_free(&d);
    return c;
}

/* The case's acceptance event dated on the day the test gave the move
 * (events carry the real clock; relay_recount reads the day from them). */
static void accepted_at(const char *id, const char *iso)
{
    casedb_exec(&t, "UPDATE case_events SET at = '%s' WHERE case_id = '%s' AND what = 'accepted'", iso, id);
}

static const char *stage_gap(char buf[256], const char *id, int idx)
{
    return casedb_text(&t, buf, "SELECT gap_from FROM case_stages WHERE case_id = '%s' AND idx = %d", id, idx);
}

Test(relay, a_date_counted_into_a_missing_year_is_counted_again_once_it_is_in)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    int moved = -1;

    waiting(id);
    accept_on(id, 20261230); /* Wednesday */
    accepted_at(id, "2026-12-30T02:00:00Z");
    /* a: 12-31, within 2026: no gap */
    cr_assert_str_eq(stage_due(b, id, 0), "2026-12-31");
    cr_assert_str_eq(stage_gap(b, id, 0), "NULL");
    /* b projected by weekends alone: 01-01, 01-04, 01-05, counted after 12-31 */
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-05");
    cr_assert_str_eq(stage_gap(b, id, 1), "2026-12-31");
    cr_assert_str_eq(stage_due(b, id, 2), "2027-01-07");
    cr_assert_str_eq(stage_gap(b, id, 2), "2027-01-05");
    /* the chain's 6 from 12-30: 12-31, 01-01, 04, 05, 06, 07 */
    cr_assert_str_eq(col(b, id, "due"), "2027-01-07");
    cr_assert_str_eq(col(b, id, "due_gap_from"), "2026-12-31");

    /* while 2027 is missing a pass changes nothing */
    cr_assert_eq(relay_recount(t.db, cal, 20261231, &moved), 0);
    cr_assert_eq(moved, 0);
    cr_assert_str_eq(col(b, id, "due"), "2027-01-07");

    cr_assert_eq(relay_recount(t.db, c1, 20261231, &moved), 0);
    cr_assert_eq(moved, 1);
    /* b from a's 12-31: 01-04, 01-05, 01-07; c: 01-08, 01-11 */
    cr_assert_str_eq(stage_due(b, id, 0), "2026-12-31");
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-07");
    cr_assert_str_eq(stage_due(b, id, 2), "2027-01-11");
    /* the chain's 6 from 12-30 under the whole calendar: 12-31, 01-04, 05, 07, 08, 11 */
    cr_assert_str_eq(col(b, id, "due"), "2027-01-11");
    cr_assert_str_eq(col(b, id, "due_gap_from"), "NULL");
    cr_assert_str_eq(stage_gap(b, id, 1), "NULL");
    cr_assert_str_eq(stage_gap(b, id, 2), "NULL");
    cr_assert_str_eq(casedb_text(&t, b, "SELECT detail FROM case_events WHERE case_id = '%s'"
                                        " AND what = 'due_moved' AND channel = 'calendar'", id),
                     "2027-01-07 → 2027-01-11");
    /* once is all: nothing is left to count again */
    cr_assert_eq(relay_recount(t.db, c1, 20261231, &moved), 0);
    cr_assert_eq(moved, 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM case_events WHERE case_id = '%s' AND what = 'due_moved'", id), 1);
    workdays_free(c1);
}

/* A begun stage is counted again from where its gap began; dates an
 * earlier build stored without a gap are marked by the first pass. */
Test(relay, a_begun_stage_and_dates_stored_before_the_gap_was_kept)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(id);
    accept_on(id, 20261230);
    accepted_at(id, "2026-12-30T02:00:00Z");
    /* b begins 12-31 with its 3 days: 01-01, 01-04, 01-05 by weekends alone */
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, "a", cal, 20261231, &e), 0, "%s", e.code);
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-05");
    cr_assert_str_eq(stage_gap(b, id, 1), "2026-12-31");
    /* as a build before schema 034 stored them, on a database its
     * migration just brought to 034 */
    casedb_exec(&t, "UPDATE case_stages SET gap_from = NULL; UPDATE cases SET due_gap_from = NULL;"
                    " UPDATE calendar_backfill SET done = 0");
    cr_assert_eq(relay_recount(t.db, cal, 20261231, &moved), 0);
    cr_assert_eq(casedb_int(&t, "SELECT done FROM calendar_backfill"), 1, "once per database");
    cr_assert_eq(moved, 0);
    cr_assert_str_eq(stage_gap(b, id, 0), "NULL", "12-31 is 2026's");
    cr_assert_str_eq(stage_gap(b, id, 1), "2026-12-31");
    cr_assert_str_eq(col(b, id, "due_gap_from"), "2026-12-31", "from stage 0's first day");

    cr_assert_eq(relay_recount(t.db, c1, 20261231, &moved), 0);
    cr_assert_eq(moved, 1);
    /* b's 3 after 12-31: 01-04, 01-05, 01-07; c: 01-08, 01-11 */
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-07");
    cr_assert_str_eq(stage_due(b, id, 2), "2027-01-11");
    cr_assert_str_eq(col(b, id, "due"), "2027-01-11");
    workdays_free(c1);
}

/* A return and a resumption while 2027 is missing: the days spent returned
 * were counted by weekends alone; counted again they are the calendar's,
 * not days still owed (a code review found the date two days late). */
Test(relay, a_resumption_in_the_missing_year_is_counted_again_from_the_events)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], whole[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(id);
    accept_on(id, 20261230);
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    handed_in_on(id, "2027-01-08T01:00:00Z");
    /* the events as the days gave them: accepted 12-30, returned 12-31
     * (paused_on), handed in and accepted again 01-08 (the clock is the
     * test's) */
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-12-31' WHERE id = '%s'", id);
    cr_assert_eq(window_accept(t.db, id, "wang", cal, 20270108, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE case_events SET at = CASE what WHEN 'returned' THEN '2026-12-31T02:00:00Z'"
                    " ELSE at END WHERE case_id = '%s'", id);
    casedb_exec(&t, "UPDATE case_events SET at = '2026-12-30T02:00:00Z' WHERE id = (SELECT min(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'accepted')", id);
    casedb_exec(&t, "UPDATE case_events SET at = '2027-01-08T02:00:00Z' WHERE id = (SELECT max(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'accepted')", id);
    /* by weekends alone: 6 from 12-30 is 01-07; 6 spent (01-01, 04..08) on: 01-15 */
    cr_assert_str_eq(col(b, id, "due"), "2027-01-15");
    cr_assert_eq(relay_recount(t.db, c1, 20270108, &moved), 0);
    /* the whole calendar: 6 from 12-30 is 01-11 (12-31, 01-04, 05, 07, 08,
     * 11); spent 01-04, 05, 07, 08 = 4 on: 01-15 again, nothing moved
     * (counted from the gap alone, the two holidays spent returned were
     * owed again: 01-19) */
    cr_assert_eq(moved, 0);
    cr_assert_str_eq(col(b, id, "due"), "2027-01-15");
    cr_assert_str_eq(col(b, id, "due_gap_from"), "NULL");
    waiting(whole);
    cr_assert_eq(window_accept(t.db, whole, "wang", c1, 20261230, &e), 0, "%s", e.code);
    cr_assert_str_eq(col(b, whole, "due"), "2027-01-11");
    workdays_free(c1);
}

/* A closed case's dates are counted again for the figures, without an
 * event, and its retention period does not start again. */
Test(relay, a_closed_case_is_counted_again_quietly)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256], was[256];
    int moved = -1;

    waiting(id);
    accept_on(id, 20261230);
    accepted_at(id, "2026-12-30T02:00:00Z");
    casedb_exec(&t, "UPDATE cases SET status = 'completed', updated_at = '2026-12-30T08:00:00Z'"
                    " WHERE id = '%s'", id);
    snprintf(was, sizeof was, "%s", col(b, id, "updated_at"));
    cr_assert_eq(relay_recount(t.db, c1, 20270104, &moved), 0);
    cr_assert_eq(moved, 0);
    cr_assert_str_eq(col(b, id, "due"), "2027-01-11", "counted again for the figures");
    cr_assert_str_eq(col(b, id, "updated_at"), was);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM case_events WHERE case_id = '%s' AND what = 'due_moved'", id), 0);
    workdays_free(c1);
}

/* ---- a second review of the recount ---- */

static struct workdays *cal_of(const char *text)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct workdays *c = NULL;

    cr_assert_eq(workdays_parse("_calendar.md", text, strlen(text), &c, &d), 0);
    diag_list_free(&d);
    return c;
}

/* Begun on 12-31 with 2027 listed (2026 not): counted with the calendar,
 * so no gap; it moved on a day at every pass. */
Test(relay, a_stage_begun_on_the_eve_of_a_listed_year_stands)
{
    struct workdays *only2027 = cal_of("- 2027-01-01 休\n- 2027-01-06 休\n");
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved, i;

    waiting(id);
    cr_assert_eq(window_accept(t.db, id, "wang", only2027, 20261231, &e), 0, "%s", e.code);
    accepted_at(id, "2026-12-31T02:00:00Z");
    cr_assert_str_eq(stage_due(b, id, 0), "2027-01-04");
    cr_assert_str_eq(stage_gap(b, id, 0), "NULL");
    for (i = 0; i < 3; i++)
        cr_assert_eq(relay_recount(t.db, only2027, 20270104, &moved), 0);
    cr_assert_str_eq(stage_due(b, id, 0), "2027-01-04");
    workdays_free(only2027);
}

/* Returned and handed in again (waiting), its committed date still the
 * promise it resumes on: its move is said. */
Test(relay, a_returned_case_waiting_again_gets_its_due_moved_event)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(id);
    accept_on(id, 20261230);
    accepted_at(id, "2026-12-30T02:00:00Z");
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    handed_in_again(id);
    cr_assert_str_eq(col(b, id, "status"), "waiting");
    cr_assert_eq(relay_recount(t.db, c1, 20270104, &moved), 0);
    cr_assert_eq(moved, 1);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT detail FROM case_events WHERE case_id = '%s' AND what = 'due_moved'", id),
                     "2027-01-07 → 2027-01-11");
    workdays_free(c1);
}

/* A 班 Saturday entered would bring a projected stage earlier: it stands. */
Test(relay, a_projected_stage_never_moves_earlier)
{
    struct workdays *sat = cal_of("- 2026-10-01 休\n- 2027-01-02 班\n");
    char id[CASE_ID_LEN + 1], b[256];
    int moved;

    waiting(id);
    accept_on(id, 20261230);
    accepted_at(id, "2026-12-30T02:00:00Z");
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-05");
    cr_assert_str_eq(stage_due(b, id, 2), "2027-01-07");
    cr_assert_eq(relay_recount(t.db, sat, 20261231, &moved), 0);
    /* 3 after 12-31 with 01-02 worked: 01-01, 01-02, 01-04: earlier, so
     * 01-05 stands; c from it: 01-06, 01-07 */
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-05");
    cr_assert_str_eq(stage_due(b, id, 2), "2027-01-07");
    cr_assert_str_eq(col(b, id, "due"), "2027-01-07");
    workdays_free(sat);
}

/* A resumption after the calendar got 2027 but before the pass came to the
 * case: the days left are measured on the stage's date as 2027 counts it. */
Test(relay, a_resumption_racing_the_pass_keeps_the_stage_right)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    accept_on(id, 20261230);
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, "a", cal, 20261231, &e), 0, "%s", e.code);
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-05");
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-12-31' WHERE id = '%s'", id);
    handed_in_on(id, "2027-01-08T01:00:00Z");
    cr_assert_eq(window_accept(t.db, id, "wang", c1, 20270108, &e), 0, "%s", e.code);
    /* b's date under 2027: 01-04, 05, 07; left after 12-31: 3; from 01-08:
     * 01-11, 12, 13 */
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-13");
    workdays_free(c1);
}

/* ---- gaps found by a mutation audit ---- */

/* A stage is late only after its due date: on the day itself it is soon,
 * not overdue, and ?overdue=1 leaves it out. */
Test(relay, a_stage_on_its_due_day_is_soon_not_overdue)
{
    char a[CASE_ID_LEN + 1];
    const char *civil[] = {"civil"};
    struct refusal e;
    void *doc = NULL;
    const cJSON *x;

    waiting(a);
    accept_on(a, 20260930);
    cr_assert_eq(relay_pass(t.db, a, "wang", NULL, NULL, cal, 20261008, &e), 0); /* b due 10-12 */
    cr_assert_eq(relay_work_json(t.db, civil, 1, NULL, false, cal, 20261012, &doc), 0);
    cr_assert_not_null(x = work_find(doc, a));
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(x, "overdue")));
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(x, "soon")));
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "counts"), "overdue")->valueint, 0);
    cJSON_Delete(doc);
    cr_assert_eq(relay_work_json(t.db, civil, 1, NULL, true, cal, 20261012, &doc), 0);
    cr_assert_null(work_find(doc, a), "not overdue on its due day");
    cJSON_Delete(doc);
    /* the day after, it is */
    cr_assert_eq(relay_work_json(t.db, civil, 1, NULL, true, cal, 20261013, &doc), 0);
    cr_assert_not_null(work_find(doc, a));
    cJSON_Delete(doc);
}

/* The return itself stops the clock on the hall's today (the other tests
 * set paused_on by hand). */
Test(relay, a_return_pauses_on_today)
{
    char id[CASE_ID_LEN + 1], b[256], today[CLOCK_DAY_LEN];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    clock_today_text(today);
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    cr_assert_str_eq(col(b, id, "paused_on"), today);
}

/* The committed date counted again from the events: the clock stopped at
 * the first return of the accepted case (12-31), not at a later return at
 * the window before it was accepted again (01-04), and every working day
 * spent returned (01-04, 01-05) moves it on. */
Test(relay, the_committed_date_from_the_events_counts_from_the_first_return)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(id);
    accept_on(id, 20261230);
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-12-31' WHERE id = '%s'", id);
    handed_in_on(id, "2027-01-04T01:00:00Z");
    /* returned again at the window, before any acceptance */
    cr_assert_eq(window_return(t.db, id, "li", "还缺一页", NULL, NULL, &e), 0, "%s", e.code);
    last_event_at(id, "returned", "2027-01-04T02:00:00Z");
    handed_in_on(id, "2027-01-05T01:00:00Z");
    cr_assert_eq(window_accept(t.db, id, "wang", cal, 20270105, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE case_events SET at = '2026-12-30T02:00:00Z' WHERE id = (SELECT min(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'accepted')", id);
    casedb_exec(&t, "UPDATE case_events SET at = '2026-12-31T02:00:00Z' WHERE id = (SELECT min(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'returned')", id);
    casedb_exec(&t, "UPDATE case_events SET at = '2027-01-04T02:00:00Z' WHERE id = (SELECT max(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'returned')", id);
    casedb_exec(&t, "UPDATE case_events SET at = '2027-01-05T02:00:00Z' WHERE id = (SELECT max(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'accepted')", id);
    /* by weekends alone: 6 from 12-30 is 01-07; spent 01-01, 04, 05 = 3 on: 01-12 */
    cr_assert_str_eq(col(b, id, "due"), "2027-01-12");
    cr_assert_eq(relay_recount(t.db, c1, 20270105, &moved), 0);
    /* the whole calendar: 6 from 12-30 is 01-11; spent 01-04, 05 = 2 on:
     * 01-12, 01-13 */
    cr_assert_eq(moved, 1);
    cr_assert_str_eq(col(b, id, "due"), "2027-01-13");
    workdays_free(c1);
}

/* A routine call-back on a new case, as a build before schema 034 stored
 * it (no gap), with the backfill still to run. */
static void callback_before_gaps(char id[CASE_ID_LEN + 1], const char *due, const char *created)
{
    casedb_case(&t, "chain", id);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at)"
                    " VALUES ('%s', 'routine', '%s', '%s');"
                    " UPDATE calendar_backfill SET done = 0", id, due, created);
}

/* A column of case id's call-back: "due" or "gap_from" (a literal, never
 * input). */
static const char *callback_col(char buf[256], const char *id, const char *column)
{
    return casedb_text(&t, buf, "SELECT %s FROM followups WHERE case_id = '%s'", column, id);
}

/* A call-back stored before gaps were kept (schema 034), opened 12-30 and
 * due 01-04 by weekends alone: the backfill marks it from the day it was
 * opened, so 元旦 entered moves it on to 01-05. */
Test(relay, a_call_back_stored_before_the_gap_was_kept_is_counted_from_its_opening)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    int moved = -1;

    callback_before_gaps(id, "2027-01-04", "2026-12-30T02:00:00Z");
    cr_assert_eq(relay_recount(t.db, cal, 20261231, &moved), 0);
    cr_assert_str_eq(callback_col(b, id, "gap_from"), "2026-12-31");
    cr_assert_eq(relay_recount(t.db, c1, 20261231, &moved), 0);
    /* 3 after 12-30: 12-31, then 2027's 01-04, 01-05 */
    cr_assert_str_eq(callback_col(b, id, "due"), "2027-01-05");
    workdays_free(c1);
}

/* The backfill looks two years past today's: with last year's, this
 * year's and next year's calendar entered, a call-back due in the year
 * after next was counted by weekends alone from the calendar's last day,
 * and is marked from there. */
Test(relay, the_backfill_looks_to_the_year_after_next)
{
    struct workdays *x = cal_of("- 2025-10-01 休\n- 2026-10-01 休\n- 2027-01-01 休\n");
    char id[CASE_ID_LEN + 1], b[256];
    int moved = -1;

    callback_before_gaps(id, "2028-01-04", "2026-12-30T02:00:00Z");
    cr_assert_eq(relay_recount(t.db, x, 20261231, &moved), 0);
    cr_assert_str_eq(callback_col(b, id, "gap_from"), "2027-12-31");
    workdays_free(x);
}

/* 首问负责: the owner is whoever took the case on first (or was assigned
 * it); a colleague who accepts it again after a correction does not take
 * it over. */
Test(relay, a_case_accepted_again_by_a_colleague_keeps_its_owner)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    handed_in_again(id);
    cr_assert_eq(window_accept(t.db, id, "li", cal, 20261015, &e), 0, "%s", e.code);
    cr_assert_str_eq(col(b, id, "accepted_by"), "li");
    cr_assert_str_eq(col(b, id, "owner"), "wang");
}

/* The history says which stage was done: the one passed, not the one
 * that begins. */
Test(relay, a_pass_records_the_stage_it_finished)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, "a", cal, 20261008, &e), 0, "%s", e.code);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT detail FROM case_events WHERE case_id = '%s'"
                                        " AND what = 'passed'", id), "a");
}

/* A pickup item is rated where the resident is: at the handout, not when
 * the back office completes it (even on the day it was accepted, when a
 * completed item's window would offer it); the handout offers it however
 * long ago the case was accepted. */
Test(relay, a_pickup_item_is_offered_the_rating_at_the_handout_only)
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20261008, &e), 0, "%s", e.code);
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20261008, &e), 0, "%s", e.code);
    cr_assert_eq(relay_complete(t.db, id, "li", "批准", "3", cal, 20261009, &e), 0, "%s", e.code);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM rate_offers"), 0, "ready: nobody to rate yet");
    casedb_exec(&t, "UPDATE cases SET accepted_at = '2026-09-30T02:00:00Z' WHERE id = '%s'", id);
    cr_assert_eq(relay_handout(t.db, id, "wang", "3", cal, 20261012, &e), 0, "%s", e.code);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM rate_offers WHERE case_id = '%s'", id), 1);
}

/* 转交 is for a case the hall has taken on: one returned at the window
 * before any acceptance has no chain and nobody answering for it, while
 * one returned for a correction after acceptance is still the hall's and
 * can be handed to a colleague while the resident corrects it. */
Test(relay, a_returned_case_is_assignable_only_once_it_was_accepted)
{
    char a[CASE_ID_LEN + 1], c[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    casedb_exec(&t, "INSERT INTO users (name, role, pwhash, created_at, updated_at)"
                    " VALUES ('zhao', 'staff', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
    waiting(a);
    cr_assert_eq(window_return(t.db, a, "li", "缺材料", NULL, NULL, &e), 0, "%s", e.code);
    cr_assert_eq(relay_assign(t.db, a, "li", "zhao", NULL, &e), 1);
    cr_assert_str_eq(e.code, "not_assignable");
    cr_assert_str_eq(col(b, a, "owner"), "NULL");
    waiting(c);
    accept_on(c, 20260930);
    cr_assert_eq(window_return(t.db, c, "li", "缺材料", NULL, NULL, &e), 0, "%s", e.code);
    cr_assert_eq(relay_assign(t.db, c, "li", "zhao", NULL, &e), 0, "%s", e.code);
    cr_assert_str_eq(col(b, c, "owner"), "zhao");
}

/* The case view's flags on a day when the stage ran over but the date
 * promised to the resident has not come: overdue (the stage is late),
 * not late (the promise holds). */
Test(relay, the_case_view_is_overdue_when_the_stage_ran_over_before_the_promise)
{
    char id[CASE_ID_LEN + 1];
    struct case_state cs;
    struct refusal e;
    cJSON *o = cJSON_CreateObject();

    waiting(id);
    accept_on(id, 20260930); /* a due 10-08, the chain 10-14 */
    memset(&cs, 0, sizeof cs);
    cr_assert_eq(cases_load(t.db, id, &cs, &e), 0, "%s", e.code);
    cr_assert_eq(relay_staff_json(t.db, &cs, NULL, 20261009, o), 0);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(o, "overdue")));
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(o, "late")));
    cases_state_free(&cs);
    cJSON_Delete(o);
}

/* 我的待办 lists the cases in hand: one back with the resident for a
 * correction keeps its stage, but nobody can work on it until it is
 * accepted again. */
Test(relay, a_returned_case_leaves_the_work_list)
{
    char id[CASE_ID_LEN + 1];
    const char *window[] = {"window"};
    struct refusal e;
    void *doc = NULL;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(window_return(t.db, id, "li", "缺材料", NULL, NULL, &e), 0, "%s", e.code);
    cr_assert_eq(relay_work_json(t.db, window, 1, "wang", false, cal, 20261008, &doc), 0);
    cr_assert_null(work_find(doc, id));
    cJSON_Delete(doc);
}

/* Red or amber, never both: a stage past its date is overdue, not soon
 * (its due is before the next working day too), and counted once. */
Test(relay, an_overdue_stage_is_not_also_soon)
{
    char id[CASE_ID_LEN + 1];
    const char *window[] = {"window"};
    void *doc = NULL;
    const cJSON *x;

    waiting(id);
    accept_on(id, 20260930); /* a due 10-08 */
    cr_assert_eq(relay_work_json(t.db, window, 1, NULL, false, cal, 20261009, &doc), 0);
    cr_assert_not_null(x = work_find(doc, id));
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(x, "overdue")));
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(x, "soon")));
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "counts"), "soon")->valueint, 0);
    cJSON_Delete(doc);
}

/* ---- gaps found by the second half of the mutation review ---- */

/* 我的待办 is worked from the top: the soonest stage due first, and of
 * stages due the same day the case accepted first (first come, first
 * served), whatever the order of the random ids. */
Test(relay, the_work_list_is_soonest_due_then_first_accepted)
{
    char p[CASE_ID_LEN + 1], q[CASE_ID_LEN + 1], r[CASE_ID_LEN + 1];
    const char *big, *small;
    struct refusal e;
    void *doc = NULL;
    const cJSON *list;

    waiting(p);
    waiting(q);
    waiting(r);
    accept_on(p, 20260930);
    accept_on(q, 20260930);
    accept_on(r, 20260930);
    cr_assert_eq(relay_pass(t.db, p, "wang", NULL, NULL, cal, 20261008, &e), 0); /* b due 10-12 */
    big = strcmp(q, r) > 0 ? q : r;
    small = big == q ? r : q;
    /* p accepted first but due last; of q and r (stage a, due 10-08) the
     * larger id was accepted first */
    casedb_exec(&t, "UPDATE cases SET accepted_at = '2026-09-30T01:00:00Z' WHERE id = '%s'", p);
    casedb_exec(&t, "UPDATE cases SET accepted_at = '2026-09-30T02:00:00Z' WHERE id = '%s'", big);
    casedb_exec(&t, "UPDATE cases SET accepted_at = '2026-09-30T03:00:00Z' WHERE id = '%s'", small);
    cr_assert_eq(relay_work_json(t.db, NULL, 0, "wang", false, cal, 20261009, &doc), 0);
    list = cJSON_GetObjectItem(doc, "cases");
    cr_assert_eq(cJSON_GetArraySize(list), 3);
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "id")->valuestring, big);
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "id")->valuestring, small);
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 2), "id")->valuestring, p);
    cJSON_Delete(doc);
}

/* At most RELAY_WORK_MAX cases in one answer, counted as listed: 513
 * accepted at the window's stage (one accepted, 512 copies of it). */
Test(relay, the_work_list_stops_at_its_maximum)
{
    char id[CASE_ID_LEN + 1];
    const char *window[] = {"window"};
    void *doc = NULL;
    int i;

    waiting(id);
    accept_on(id, 20260930);
    casedb_exec(&t, "CREATE TEMP TABLE tc AS SELECT * FROM cases WHERE id = '%s';"
                    " CREATE TEMP TABLE ts AS SELECT * FROM case_stages WHERE case_id = '%s' AND idx = 0",
                id, id);
    for (i = 0; i < 9; i++)
        casedb_exec(&t, "INSERT INTO tc SELECT * FROM tc; INSERT INTO ts SELECT * FROM ts");
    casedb_exec(&t, "UPDATE tc SET id = printf('%%032x', rowid), ticket = NULL;"
                    " UPDATE ts SET case_id = printf('%%032x', rowid);"
                    " INSERT INTO cases SELECT * FROM tc; INSERT INTO case_stages SELECT * FROM ts");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM cases WHERE status = 'accepted'"), 513);
    cr_assert_eq(relay_work_json(t.db, window, 1, NULL, false, cal, 20261009, &doc), 0);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "cases")), RELAY_WORK_MAX);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "counts"), "total")->valueint, RELAY_WORK_MAX);
    cJSON_Delete(doc);
}

/* The promise, like a stage, is kept on its own day: ?overdue=1 leaves
 * out a case whose committed date is today. */
Test(relay, a_case_on_its_committed_day_is_not_overdue)
{
    char id[CASE_ID_LEN + 1], b[256];
    void *doc = NULL;
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930); /* the chain's 10-14 */
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20261008, &e), 0); /* b due 10-12 */
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20261012, &e), 0); /* c: 10-13, 10-14 */
    cr_assert_str_eq(stage_due(b, id, 2), "2026-10-14");
    cr_assert_str_eq(col(b, id, "due"), "2026-10-14");
    cr_assert_eq(relay_work_json(t.db, NULL, 0, "wang", true, cal, 20261014, &doc), 0);
    cr_assert_null(work_find(doc, id), "due today is not overdue");
    cJSON_Delete(doc);
    cr_assert_eq(relay_work_json(t.db, NULL, 0, "wang", true, cal, 20261015, &doc), 0);
    cr_assert_not_null(work_find(doc, id));
    cJSON_Delete(doc);
}

/* The days spent returned run from the return to the resident's hand-in
 * (the contract's "moved on by the working days spent returned"): the days
 * a handed-in case then waits for the hall (a pre-review, an invitation's
 * date, the queue) are the hall's, at the resumption and when the events
 * are counted again. They ran to the acceptance, so the hall's own delay
 * moved the promise on. */
Test(relay, the_days_a_handed_in_case_waits_for_the_hall_are_not_spent_returned)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(id);
    accept_on(id, 20261230);
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-12-31' WHERE id = '%s'", id);
    last_event_at(id, "returned", "2026-12-31T02:00:00Z");
    handed_in_on(id, "2027-01-04T01:00:00Z");
    /* the hall takes it up on Friday 01-08 */
    cr_assert_eq(window_accept(t.db, id, "wang", cal, 20270108, &e), 0, "%s", e.code);
    /* by weekends alone: 6 from 12-30 is 01-07; spent 01-01, 04 = 2 on:
     * 01-11 (to the acceptance, 6 spent: 01-15) */
    cr_assert_str_eq(col(b, id, "due"), "2027-01-11");
    /* the stage's clock stopped as the chain's: none left at 12-31, 2
     * spent: due 01-04, so late at its acceptance on 01-08 by the hall's
     * own days; the last stage comes due on the promised date (counted
     * from the acceptance, 01-08, 01-13 and 01-15: after the promise) */
    cr_assert_str_eq(stage_due(b, id, 0), "2027-01-04");
    cr_assert_str_eq(stage_due(b, id, 2), "2027-01-11");
    casedb_exec(&t, "UPDATE case_events SET at = '2026-12-30T02:00:00Z' WHERE id = (SELECT min(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'accepted')", id);
    last_event_at(id, "accepted", "2027-01-08T02:00:00Z");
    cr_assert_eq(relay_recount(t.db, c1, 20270108, &moved), 0);
    /* the whole calendar: 6 from 12-30 is 01-11; spent 01-04 = 1 on: 01-12
     * (to the acceptance, 01-04, 05, 07, 08: 01-15) */
    cr_assert_eq(moved, 1);
    cr_assert_str_eq(col(b, id, "due"), "2027-01-12");
    workdays_free(c1);
}

/* A return at the window before the case was ever accepted stopped no
 * clock: the committed date counted again from the events pauses at the
 * first return after acceptance (12-31), not at that one (12-28). */
Test(relay, a_return_before_acceptance_stops_no_clock_in_the_recount)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(id);
    cr_assert_eq(window_return(t.db, id, "li", "缺一页", NULL, NULL, &e), 0, "%s", e.code);
    handed_in_again(id);
    accept_on(id, 20261230);
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-12-31' WHERE id = '%s'", id);
    handed_in_on(id, "2027-01-05T01:00:00Z");
    cr_assert_eq(window_accept(t.db, id, "wang", cal, 20270105, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE case_events SET at = '2026-12-28T02:00:00Z' WHERE id = (SELECT min(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'returned')", id);
    casedb_exec(&t, "UPDATE case_events SET at = '2026-12-30T02:00:00Z' WHERE id = (SELECT min(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'accepted')", id);
    casedb_exec(&t, "UPDATE case_events SET at = '2026-12-31T02:00:00Z' WHERE id = (SELECT max(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'returned')", id);
    casedb_exec(&t, "UPDATE case_events SET at = '2027-01-05T02:00:00Z' WHERE id = (SELECT max(id)"
                    " FROM case_events WHERE case_id = '%s' AND what = 'accepted')", id);
    /* by weekends alone: 6 from 12-30 is 01-07; spent 01-01, 04, 05 = 3 on: 01-12 */
    cr_assert_str_eq(col(b, id, "due"), "2027-01-12");
    cr_assert_eq(relay_recount(t.db, c1, 20270105, &moved), 0);
    /* 6 from 12-30 is 01-11; spent 01-04, 05 = 2 on: 01-13 (from 12-28,
     * 5 spent: 01-18) */
    cr_assert_str_eq(col(b, id, "due"), "2027-01-13");
    workdays_free(c1);
}

/* Projected again earlier than it was (a 班 Saturday), a stage keeps its
 * date; but when the same notice made that date a rest day it moves to
 * the next working day, not onto the holiday. */
Test(relay, a_projected_stage_kept_from_moving_earlier_does_not_land_on_a_rest_day)
{
    struct workdays *c2 = cal_of("- 2026-10-01 休\n- 2027-01-02 班\n- 2027-01-05 休\n");
    char id[CASE_ID_LEN + 1], b[256];
    int moved;

    waiting(id);
    accept_on(id, 20261230);
    accepted_at(id, "2026-12-30T02:00:00Z");
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-05");
    cr_assert_eq(relay_recount(t.db, c2, 20261231, &moved), 0);
    /* b: 3 after 12-31 is 01-04, earlier than 01-05, which now rests: 01-06;
     * c from it: 01-07, 01-08 */
    cr_assert_str_eq(stage_due(b, id, 1), "2027-01-06");
    cr_assert_str_eq(stage_due(b, id, 2), "2027-01-08");
    workdays_free(c2);
}

/* Rejected and abandoned cases are closed like completed ones: counted
 * again for the figures, without a due_moved event. */
Test(relay, rejected_and_abandoned_cases_are_counted_again_quietly)
{
    struct workdays *c1 = with_2027();
    char r[CASE_ID_LEN + 1], a[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(r);
    waiting(a);
    accept_on(r, 20261230);
    accept_on(a, 20261230);
    accepted_at(r, "2026-12-30T02:00:00Z");
    accepted_at(a, "2026-12-30T02:00:00Z");
    cr_assert_eq(relay_reject(t.db, r, "wang", "不符合条件", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET status = 'abandoned' WHERE id = '%s'", a);
    cr_assert_eq(relay_recount(t.db, c1, 20270104, &moved), 0);
    cr_assert_eq(moved, 0);
    cr_assert_str_eq(col(b, r, "due"), "2027-01-11", "counted again for the figures");
    cr_assert_str_eq(col(b, a, "due"), "2027-01-11");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM case_events WHERE what = 'due_moved'"), 0);
    workdays_free(c1);
}

/* 不予受理 at intake: a case waiting for the B post's visit can be refused
 * (at the home, or at the desk after a call); a web case in pre-review is
 * refused without offering the rating at the staffer's window, where the
 * resident is not; 不予办理 of a case not accepted yet says to use 不予受理. */
Test(relay, the_intake_refusal_of_a_visit_and_a_prereview_case)
{
    char v[CASE_ID_LEN + 1], p[CASE_ID_LEN + 1], w[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(v);
    casedb_exec(&t, "UPDATE cases SET status = 'visit' WHERE id = '%s'", v);
    cr_assert_eq(relay_intake_refuse(t.db, v, "zhou", "不符合条件", NULL, &e), 0, "%s", e.code);
    cr_assert_str_eq(col(b, v, "status"), "rejected");

    /* a web case handed in for pre-review, as window_submit leaves it */
    waiting(p);
    casedb_exec(&t, "UPDATE cases SET status = 'prereview', channel = 'web', ticket = NULL WHERE id = '%s'", p);
    cr_assert_eq(relay_intake_refuse(t.db, p, "li", "不符合条件", "3", &e), 0, "%s", e.code);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM rate_offers"), 0, "the resident is not at window 3");

    waiting(w);
    cr_assert_eq(relay_reject(t.db, w, "li", "不符合条件", NULL, NULL, &e), 1);
    cr_assert_str_eq(e.code, "not_accepted");
    cr_assert_not_null(strstr(e.message, "不予受理"), "%s", e.message);
}

/* A stage projected at a pass into a year the calendar lacks keeps its
 * gap, so entering the year counts it again even when the stage begun is
 * within a listed year. */
Test(relay, a_stage_projected_at_a_pass_into_a_missing_year_is_counted_again)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved;

    waiting(id);
    accept_on(id, 20261224);
    /* b begins Monday 12-28: 12-29, 30, 31; c projected: 01-01, 01-04 */
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, "a", cal, 20261228, &e), 0, "%s", e.code);
    cr_assert_str_eq(stage_due(b, id, 1), "2026-12-31");
    cr_assert_str_eq(stage_gap(b, id, 1), "NULL");
    cr_assert_str_eq(stage_due(b, id, 2), "2027-01-04");
    cr_assert_str_eq(stage_gap(b, id, 2), "2026-12-31");
    cr_assert_eq(relay_recount(t.db, c1, 20261228, &moved), 0);
    /* with 元旦: 01-04, 01-05 */
    cr_assert_str_eq(stage_due(b, id, 2), "2027-01-05");
    workdays_free(c1);
}

/* The backfill marks dates in any year the calendar lacks around today,
 * last year's too: an upgrade in January with this year's and next year's
 * calendar still has December's cases counted by weekends alone. */
Test(relay, the_backfill_marks_a_date_in_last_year_when_the_calendar_lacks_it)
{
    struct workdays *x = cal_of("- 2026-10-01 休\n- 2027-01-01 休\n");
    struct workdays *y = cal_of("- 2025-12-30 休\n- 2026-10-01 休\n- 2027-01-01 休\n");
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved;

    waiting(id);
    cr_assert_eq(window_accept(t.db, id, "wang", x, 20251229, &e), 0, "%s", e.code);
    cr_assert_str_eq(stage_due(b, id, 0), "2025-12-30");
    /* as a build before schema 034 stored them */
    casedb_exec(&t, "UPDATE case_stages SET gap_from = NULL; UPDATE cases SET due_gap_from = NULL;"
                    " UPDATE calendar_backfill SET done = 0");
    cr_assert_eq(relay_recount(t.db, x, 20260105, &moved), 0);
    cr_assert_str_eq(stage_gap(b, id, 0), "2025-12-29");
    /* 2025's 12-30 entered: a's 1 day after 12-29 is 12-31 */
    cr_assert_eq(relay_recount(t.db, y, 20260105, &moved), 0);
    cr_assert_str_eq(stage_due(b, id, 0), "2025-12-31");
    workdays_free(x);
    workdays_free(y);
}

/* A case whose ticket was drawn on another day says which day's: tickets
 * start again at A001 each day. */
Test(relay, the_work_list_names_the_day_of_an_earlier_ticket)
{
    char id[CASE_ID_LEN + 1];
    const char *window[] = {"window"};
    void *doc = NULL;
    const cJSON *x;

    waiting(id);
    accept_on(id, 20261008);
    casedb_exec(&t, "UPDATE cases SET ticket_day = '2026-10-08' WHERE id = '%s'", id);
    cr_assert_eq(relay_work_json(t.db, window, 1, NULL, false, cal, 20261009, &doc), 0);
    cr_assert_not_null(x = work_find(doc, id));
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(x, "ticket_day")), "2026-10-08");
    cJSON_Delete(doc);
    cr_assert_eq(relay_work_json(t.db, window, 1, NULL, false, cal, 20261008, &doc), 0);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(work_find(doc, id), "ticket_day")), "today's: no day");
    cJSON_Delete(doc);
}

/* Accepted again the day it was returned (no working day spent), the
 * committed date is unmoved and keeps its gap: entering 2027 still counts
 * it again. */
Test(relay, a_resumption_with_no_day_spent_keeps_the_committed_gap)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(id);
    accept_on(id, 20261230);
    accepted_at(id, "2026-12-30T02:00:00Z");
    cr_assert_str_eq(col(b, id, "due_gap_from"), "2026-12-31");
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-12-31' WHERE id = '%s'", id);
    handed_in_again(id);
    cr_assert_eq(window_accept(t.db, id, "wang", cal, 20261231, &e), 0, "%s", e.code);
    cr_assert_str_eq(col(b, id, "due"), "2027-01-07");
    cr_assert_str_eq(col(b, id, "due_gap_from"), "2026-12-31");
    cr_assert_eq(relay_recount(t.db, c1, 20261231, &moved), 0);
    /* the chain's 6 from 12-30 under the whole calendar: 01-11 */
    cr_assert_str_eq(col(b, id, "due"), "2027-01-11");
    workdays_free(c1);
}

/* A case returned with no day recorded for the stop (paused_on unknown:
 * a return stored by a build before the clock stopped) resumes on the
 * dates it had: nothing tells how many days it had left, so none are
 * taken from it nor given. */
Test(relay, a_resumption_with_no_stop_recorded_keeps_the_dates)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(window_return(t.db, id, "li", "缺材料", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = NULL WHERE id = '%s'", id);
    handed_in_again(id);
    accept_on(id, 20261015);
    cr_assert_str_eq(col(b, id, "status"), "accepted");
    cr_assert_str_eq(stage_due(b, id, 0), "2026-10-08");
    cr_assert_str_eq(stage_due(b, id, 1), "2026-10-12");
    cr_assert_str_eq(col(b, id, "due"), "2026-10-14");
}

/* The case's flags as its view shows them on day today. */
static void view_flags(const char *id, int today, bool overdue, bool late)
{
    struct case_state cs;
    struct refusal e;
    cJSON *o = cJSON_CreateObject();

    memset(&cs, 0, sizeof cs);
    cr_assert_eq(cases_load(t.db, id, &cs, &e), 0, "%s", e.code);
    cr_assert_eq(relay_staff_json(t.db, &cs, NULL, today, o), 0);
    cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItem(o, "overdue")), overdue, "overdue on %d", today);
    cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItem(o, "late")), late, "late on %d", today);
    cases_state_free(&cs);
    cJSON_Delete(o);
}

/* Back with the resident, the clock has stopped: a case returned is
 * neither overdue nor late in its view, however long it is away. */
Test(relay, a_returned_case_is_neither_overdue_nor_late)
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930); /* a due 10-08, the chain 10-14 */
    cr_assert_eq(window_return(t.db, id, "li", "缺材料", NULL, NULL, &e), 0, "%s", e.code);
    view_flags(id, 20261020, false, false);
}

/* An abandoned case is refused at intake only when it was a no-show who
 * came after all; one given up otherwise is not waiting for anyone. */
Test(relay, an_abandoned_case_that_was_no_no_show_is_not_at_intake)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    casedb_exec(&t, "UPDATE cases SET status = 'abandoned', no_show_at = NULL WHERE id = '%s'", id);
    cr_assert_eq(relay_intake_refuse(t.db, id, "li", "不符合条件", NULL, &e), 1);
    cr_assert_str_eq(e.code, "not_at_intake");
    cr_assert_str_eq(col(b, id, "status"), "abandoned");
}

/* A case passed on to its last stage and completed: ready for pickup. */
static void ready_case(char id[CASE_ID_LEN + 1])
{
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20261008, &e), 0, "%s", e.code);
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20261008, &e), 0, "%s", e.code);
    cr_assert_eq(relay_complete(t.db, id, "li", "批准", NULL, cal, 20261009, &e), 0, "%s", e.code);
}

/* A resident who rated already is not asked again at the handout, and the
 * window's last offer (the resident before) ends all the same. */
Test(relay, a_case_rated_already_ends_the_windows_offer_at_the_handout)
{
    char a[CASE_ID_LEN + 1], c[CASE_ID_LEN + 1];
    struct refusal e;

    ready_case(a);
    ready_case(c);
    cr_assert_eq(relay_handout(t.db, a, "wang", "3", cal, 20261012, &e), 0, "%s", e.code);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM rate_offers WHERE window = '3'"), 1);
    casedb_exec(&t, "INSERT INTO ratings (case_id, score, comment, at) VALUES ('%s', 5, '', '2026-10-09T02:00:00Z')", c);
    cr_assert_eq(relay_handout(t.db, c, "wang", "3", cal, 20261012, &e), 0, "%s", e.code);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM rate_offers WHERE window = '3'"), 0);
}

/* The pass goes batch by batch to the end: 513 cases, each with two
 * stages and its committed date counted into 2027 while it was missing
 * (one case and 512 copies of it), all counted again once 2027 is in. */
Test(relay, the_recount_goes_on_past_its_first_batch)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1];
    int i, moved = -1;

    waiting(id);
    accept_on(id, 20261230);
    accepted_at(id, "2026-12-30T02:00:00Z");
    casedb_exec(&t, "CREATE TEMP TABLE tc AS SELECT * FROM cases WHERE id = '%s';"
                    " CREATE TEMP TABLE ts AS SELECT * FROM case_stages WHERE case_id = '%s' ORDER BY idx",
                id, id);
    for (i = 0; i < 9; i++)
        casedb_exec(&t, "INSERT INTO tc SELECT * FROM tc; INSERT INTO ts SELECT * FROM ts");
    casedb_exec(&t, "UPDATE tc SET id = printf('%%032x', rowid), ticket = NULL;"
                    " UPDATE ts SET case_id = printf('%%032x', (rowid - 1) / 3 + 1);"
                    " INSERT INTO cases SELECT * FROM tc; INSERT INTO case_stages SELECT * FROM ts");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM case_stages WHERE gap_from IS NOT NULL"), 2 * 513);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM cases WHERE due_gap_from IS NOT NULL"), 513);
    cr_assert_eq(relay_recount(t.db, c1, 20261231, &moved), 0);
    cr_assert_eq(moved, 513);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM case_stages WHERE gap_from IS NOT NULL"), 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM case_stages WHERE idx = 2 AND due = '2027-01-11'"), 513);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM cases WHERE due = '2027-01-11' AND due_gap_from IS NULL"), 513);
    workdays_free(c1);
}

/* Two years missing (2027 and 2028, the calendar has 2026): dates counted
 * into 2028 keep a gap when 2027 is entered, so that 2028's notice moves
 * them on in turn: the stage begun, and the one projected after it. */
Test(relay, a_recount_into_a_year_still_missing_keeps_the_gap)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(id);
    accept_on(id, 20271229); /* Wednesday; a: 12-30 */
    accepted_at(id, "2027-12-29T02:00:00Z");
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20271230, &e), 0, "%s", e.code);
    /* b begun 12-30: 12-31, 2028-01-03, 01-04; c: 01-05, 01-06 */
    cr_assert_str_eq(stage_due(b, id, 1), "2028-01-04");
    cr_assert_str_eq(stage_gap(b, id, 1), "2027-12-30");
    cr_assert_str_eq(stage_due(b, id, 2), "2028-01-06");
    cr_assert_str_eq(stage_gap(b, id, 2), "2028-01-04");
    cr_assert_eq(relay_recount(t.db, c1, 20271230, &moved), 0);
    /* 2027 in (no holiday at its end): the same dates, 2028 still by
     * weekends alone after 12-31 and after 01-04 */
    cr_assert_str_eq(stage_due(b, id, 1), "2028-01-04");
    cr_assert_str_eq(stage_gap(b, id, 1), "2027-12-31");
    cr_assert_str_eq(stage_due(b, id, 2), "2028-01-06");
    cr_assert_str_eq(stage_gap(b, id, 2), "2028-01-04");
    /* and the committed date: 6 from 12-29 is 2028-01-06 either way */
    cr_assert_str_eq(col(b, id, "due"), "2028-01-06");
    cr_assert_str_eq(col(b, id, "due_gap_from"), "2027-12-31");
    workdays_free(c1);
}

/* The nth (from 0) event what of case id dated at iso. */
static void event_at(const char *id, const char *what, int nth, const char *iso)
{
    casedb_exec(&t, "UPDATE case_events SET at = '%s' WHERE id = (SELECT id FROM case_events"
                    " WHERE case_id = '%s' AND what = '%s' ORDER BY id LIMIT 1 OFFSET %d)",
                iso, id, what, nth);
}

/* Two returns, each resumed: the committed date counted again from the
 * events moves on by the days of each stop, each from its own return. */
Test(relay, the_committed_date_from_the_events_counts_each_stop_from_its_return)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    int moved = -1;

    waiting(id);
    accept_on(id, 20261230);
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-12-31' WHERE id = '%s'", id);
    handed_in_on(id, "2027-01-05T01:00:00Z");
    accept_on(id, 20270105);
    cr_assert_eq(window_return(t.db, id, "li", "还缺一页", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2027-01-07' WHERE id = '%s'", id);
    handed_in_on(id, "2027-01-11T01:00:00Z");
    accept_on(id, 20270111);
    event_at(id, "accepted", 0, "2026-12-30T02:00:00Z");
    event_at(id, "returned", 0, "2026-12-31T02:00:00Z");
    event_at(id, "accepted", 1, "2027-01-05T02:00:00Z");
    event_at(id, "returned", 1, "2027-01-07T02:00:00Z");
    event_at(id, "accepted", 2, "2027-01-11T02:00:00Z");
    /* by weekends alone: 6 from 12-30 is 01-07; 01-01, 04, 05 spent: 01-12;
     * 01-08, 11 spent: 01-14 */
    cr_assert_str_eq(col(b, id, "due"), "2027-01-14");
    cr_assert_eq(relay_recount(t.db, c1, 20270111, &moved), 0);
    /* the whole calendar: 01-11; 01-04, 05 spent: 01-13; 01-08, 11 spent:
     * 01-15 */
    cr_assert_eq(moved, 1);
    cr_assert_str_eq(col(b, id, "due"), "2027-01-15");
    workdays_free(c1);
}

/* A committed date the notice would bring earlier (a 班 Saturday) stands,
 * but not on a day the same notice makes a holiday: the next working day. */
Test(relay, a_committed_date_kept_from_moving_earlier_does_not_land_on_a_rest_day)
{
    static const char more[] = "- 2027-02-06 班\n- 2027-02-15 休\n";
    struct diag_list d = DIAG_LIST_INIT;
    char text[sizeof calendar_md + sizeof more], id[CASE_ID_LEN + 1], b[256];
    struct workdays *c2 = NULL;
    int moved = -1;

    snprintf(text, sizeof text, "%s%s", calendar_md, more);
    cr_assert_eq(workdays_parse("_calendar.md", text, strlen(text), &c2, &d), 0);
    diag_list_free(&d);
    waiting(id);
    accept_on(id, 20270205); /* Friday; 6 by weekends: 02-08 .. 12, 15 */
    accepted_at(id, "2027-02-05T02:00:00Z");
    cr_assert_str_eq(col(b, id, "due"), "2027-02-15");
    cr_assert_eq(relay_recount(t.db, c2, 20270205, &moved), 0);
    /* now 02-06, 08 .. 12 would be 02-12: kept at 02-15, a holiday: 02-16 */
    cr_assert_str_eq(col(b, id, "due"), "2027-02-16");
    cr_assert_eq(moved, 1);
    workdays_free(c2);
}

/* A case accepted before chains existed has no stage and no stage rows:
 * passing it on is refused as no_chain (complete it directly), not as the
 * last stage of a chain it never had. */
Test(relay, a_case_accepted_before_chains_is_passed_on_as_no_chain)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;

    waiting(id);
    accept_on(id, 20260930);
    casedb_exec(&t, "DELETE FROM case_stages WHERE case_id = '%s'; UPDATE cases SET stage = NULL WHERE id = '%s'",
                id, id);
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, NULL, cal, 20261008, &e), 1);
    cr_assert_str_eq(e.code, "no_chain");
    cr_assert_str_eq(col(b, id, "status"), "accepted");
}

/* ---- call-backs counted again (mutation review of src/followup.c) ---- */

/* A call-back already done is a figure of its day: entering the year its
 * due date was counted over moves the open one on, and leaves the done
 * one as it was. */
Test(relay, a_call_back_done_keeps_its_due_date_when_the_year_is_entered)
{
    struct workdays *c1 = with_2027();
    char open[CASE_ID_LEN + 1], done[CASE_ID_LEN + 1], b[256];
    int moved = -1;

    casedb_case(&t, "chain", open);
    casedb_case(&t, "chain", done);
    /* both 2 working days after 12-30 by weekends alone (12-31, 01-04) */
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, gap_from)"
                    " VALUES ('%s', 'routine', '2027-01-04', '2026-12-30T02:00:00Z', '2026-12-31')",
                open);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, gap_from, done_at,"
                    " done_on, done_by, result) VALUES ('%s', 'routine', '2027-01-04',"
                    " '2026-12-30T02:00:00Z', '2026-12-31', '2027-01-04T02:00:00Z', '2027-01-04',"
                    " 'li', 'satisfied')",
                done);
    cr_assert_eq(relay_recount(t.db, c1, 20261231, &moved), 0);
    /* 元旦 entered: 01-04, 01-05 */
    cr_assert_str_eq(callback_col(b, open, "due"), "2027-01-05");
    cr_assert_str_eq(callback_col(b, done, "due"), "2027-01-04");
    cr_assert_str_eq(callback_col(b, done, "gap_from"), "2026-12-31");
    workdays_free(c1);
}

/* One whose date cannot be counted again (here due before its gap) keeps
 * its date, and its gap is cleared so that it is not tried again. */
Test(relay, a_call_back_that_cannot_be_counted_again_keeps_its_date)
{
    struct workdays *c1 = with_2027();
    char id[CASE_ID_LEN + 1], b[256];
    int moved = -1;

    casedb_case(&t, "chain", id);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, gap_from)"
                    " VALUES ('%s', 'routine', '2026-12-15', '2026-12-10T02:00:00Z', '2026-12-31')",
                id);
    cr_assert_eq(relay_recount(t.db, c1, 20261231, &moved), 0);
    cr_assert_str_eq(callback_col(b, id, "due"), "2026-12-15");
    cr_assert_eq(casedb_int(&t, "SELECT gap_from IS NULL FROM followups WHERE case_id = '%s'", id), 1);
    workdays_free(c1);
}

/* The backfill's bound is 1 January of the year the calendar lacks, and
 * it is inclusive: a call-back due on that very day was counted over the
 * missing year and is marked. */
Test(relay, the_backfill_marks_a_call_back_due_on_the_first_day_of_the_missing_year)
{
    struct workdays *x = cal_of("- 2025-10-01 休\n- 2026-10-01 休\n");
    char id[CASE_ID_LEN + 1], b[256];
    int moved = -1;

    /* opened Wednesday 12-30, 2 working days by weekends alone: 12-31, 01-01 */
    callback_before_gaps(id, "2027-01-01", "2026-12-30T02:00:00Z");
    cr_assert_eq(relay_recount(t.db, x, 20261231, &moved), 0);
    cr_assert_str_eq(callback_col(b, id, "gap_from"), "2026-12-31");
    workdays_free(x);
}

/* Accepted on a holiday (10-01) with a first stage of 0 days: the promise
 * to the resident is the chain's 11 days from acceptance (10-08 is the
 * 1st working day after 10-01; then 10-09, 10-10 班, 10-12 .. 10-16,
 * 10-19, 10-20, 10-21 the 11th). Stage zero, 0 days begun on a rest day,
 * is due 10-08, the next working day, and spends no working day: also (0)
 * and one (1) are due 10-08 as well and ten 10-21. Projected from 10-08
 * as if zero had spent it, also 10-08, one 10-09, ten 10-22: staff who
 * kept every stage's limit missed the date the receipt promised. */
Test(relay, a_zero_day_stage_begun_on_a_rest_day_keeps_the_chain_on_the_promise)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct refusal e;
    char *tk = NULL;

    casedb_case(&t, "zero", id);
    casedb_step(&t, id, 0, "{\"checklist\":{\"s0-0\":true}}");
    cr_assert_eq(window_submit(t.db, id, NULL, false, &tk, &e), 0, "%s", e.code);
    free(tk);
    accept_on(id, 20261001);
    cr_assert_str_eq(col(b, id, "due"), "2026-10-21");
    cr_assert_str_eq(stage_due(b, id, 0), "2026-10-08");
    cr_assert_str_eq(stage_due(b, id, 1), "2026-10-08");
    cr_assert_str_eq(stage_due(b, id, 2), "2026-10-08");
    cr_assert_str_eq(stage_due(b, id, 3), "2026-10-21", "the last stage is due on the promised date");
    /* zero passed on Saturday 10-03, still the holiday: also begins on a
     * rest day with 0 days, due 10-08, and the later ones count from
     * 10-03 as well: one 10-08, ten 10-21 */
    cr_assert_eq(relay_pass(t.db, id, "wang", NULL, "zero", cal, 20261003, &e), 0, "%s", e.code);
    cr_assert_str_eq(stage_due(b, id, 1), "2026-10-08");
    cr_assert_str_eq(stage_due(b, id, 2), "2026-10-08");
    cr_assert_str_eq(stage_due(b, id, 3), "2026-10-21");
    /* a working-day acceptance is unchanged: 09-30, then 0, 0, 1 (10-08)
     * and 10 (10-21), the chain's 11 from 09-30 the same 10-21 */
    casedb_case(&t, "zero", id);
    casedb_step(&t, id, 0, "{\"checklist\":{\"s0-0\":true}}");
    cr_assert_eq(window_submit(t.db, id, NULL, false, &tk, &e), 0, "%s", e.code);
    free(tk);
    accept_on(id, 20260930);
    cr_assert_str_eq(stage_due(b, id, 0), "2026-09-30");
    cr_assert_str_eq(stage_due(b, id, 1), "2026-09-30");
    cr_assert_str_eq(stage_due(b, id, 2), "2026-10-08");
    cr_assert_str_eq(stage_due(b, id, 3), "2026-10-21");
    cr_assert_str_eq(col(b, id, "due"), "2026-10-21");
}

/* The day's overdue figure of d (today: d itself) under cal. */
static long overdue_on(int d, int today, const struct workdays *c)
{
    struct report_day r;
    long n;

    cr_assert_eq(report_collect(t.db, d, today, c, &r), 0);
    n = r.overdue;
    report_day_free(&r);
    return n;
}

/* Returned on 09-30 in stage a with its day (10-08) left, handed in again
 * on 10-08 (one working day spent returned): from then the clock is the
 * hall's, and taken up its stage resumes to 10-09 (the day left after the
 * day spent). Waiting for the hall it is overdue from 10-10 (班), as it
 * would be in hand; the report left out every case paused by the day. */
Test(relay, a_corrected_case_waiting_for_the_hall_is_overdue_once_its_dates_pass)
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;
    int stage, committed, n;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-09-30' WHERE id = '%s'", id);
    cr_assert_eq(overdue_on(20261009, 20261009, cal), 0, "with the resident: stopped");
    handed_in_on(id, "2026-10-08T01:00:00Z");
    cr_assert_eq(relay_resume_dates(t.db, id, 0, "2026-09-30", "2026-10-14", cal, 20261010, &stage,
                                    &committed), 0);
    /* committed: 10-14 moved on by the day spent: 10-15 */
    cr_assert_eq(stage, 20261009);
    cr_assert_eq(committed, 20261015);
    cr_assert_eq(overdue_on(20261009, 20261009, cal), 0, "due 10-09: on time that day");
    cr_assert_eq(overdue_on(20261010, 20261010, cal), 1);
    /* by weekends alone 国庆 is six working days spent and six left: 10-16 */
    cr_assert_eq(overdue_on(20261010, 20261010, NULL), 0);
    /* the close after 10-10 stores the figure its end left */
    cr_assert_eq(report_days_close(t.db, 20261011, cal, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(overdue_on(20261010, 20261013, NULL), 1, "the stored figure");
}

/* What the staff view gives a corrected case waiting for the hall is what
 * its acceptance then stores, whatever day that is: its stage's and the
 * later stages' dates and the committed date, each moved on by the
 * working days spent returned. The view gave the dates stored before the
 * return (the stage 10-08, the promise 10-14), not overdue, while the
 * day's report counted it (relay_resume_dates). */
Test(relay, a_corrected_case_waiting_shows_the_dates_its_acceptance_stores)
{
    char id[CASE_ID_LEN + 1], b[256];
    struct relay_resumed rs;
    struct case_state cs;
    struct refusal e;
    const cJSON *stages, *s;
    cJSON *o = cJSON_CreateObject();
    int i;

    waiting(id);
    accept_on(id, 20260930);
    cr_assert_eq(window_return(t.db, id, "li", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-09-30' WHERE id = '%s'", id);
    memset(&cs, 0, sizeof cs);
    cr_assert_eq(cases_load(t.db, id, &cs, &e), 0, "%s", e.code);
    cr_assert_eq(relay_resumed_get(t.db, &cs, cal, 20261012, &rs), 0, "with the resident: no dates yet");
    cases_state_free(&cs);
    handed_in_on(id, "2026-10-08T01:00:00Z");
    memset(&cs, 0, sizeof cs);
    cr_assert_eq(cases_load(t.db, id, &cs, &e), 0, "%s", e.code);
    cr_assert_eq(relay_resumed_get(t.db, &cs, cal, 20261012, &rs), 1);
    cr_assert_eq(rs.stage_due, 20261009);
    cr_assert_eq(rs.committed, 20261015);
    cr_assert_eq(relay_staff_json(t.db, &cs, cal, 20261012, o), 0);
    cases_state_free(&cs);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(o, "due")), "2026-10-15");
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(o, "overdue")), "its stage ran out on 10-09");
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(o, "late")));
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "resume"), "overdue")));
    /* taken up days later: the same dates, now stored */
    accept_on(id, 20261013);
    cr_assert_str_eq(col(b, id, "due"), "2026-10-15");
    stages = cJSON_GetObjectItem(o, "stages");
    cr_assert_gt(cJSON_GetArraySize(stages), 0);
    i = 0;
    cJSON_ArrayForEach(s, stages) {
        cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "due")), stage_due(b, id, i),
                         "stage %d", i);
        i++;
    }
    memset(&cs, 0, sizeof cs);
    cr_assert_eq(cases_load(t.db, id, &cs, &e), 0, "%s", e.code);
    cr_assert_eq(relay_resumed_get(t.db, &cs, cal, 20261013, &rs), 0, "accepted: its dates are stored");
    cases_state_free(&cs);
    cJSON_Delete(o);
}
