/* Unit tests of the day's report: a day scripted by writing cases,
 * events, stages and ratings directly, in UTC+8, with things just inside
 * and just outside the local day's bounds; every figure is checked
 * exactly, in the JSON and the CSV. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "casedb.h"
#include "report.h"

static struct casedb t;

static void setup(void)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    casedb_open(&t);
}

static void teardown(void)
{
    casedb_close(&t);
}

/* A local time (UTC+8) in June 2026 as stored: UTC text. */
static const char *lt(char out[32], int day, int h, int m, int s)
{
    struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 5, .tm_mday = day, .tm_hour = h,
                    .tm_min = m, .tm_sec = s};

    clock_utc(timegm(&tm) - 8 * 3600, out);
    return out;
}

static void mk(char id[CASE_ID_LEN + 1], const char *channel)
{
    casedb_case_at(&t, "simple", channel, id);
}

static void created(const char *id, int day, int h, int m, int s)
{
    char at[32];

    casedb_exec(&t, "UPDATE cases SET created_at = '%s' WHERE id = '%s'", lt(at, day, h, m, s), id);
}

static void ev(const char *id, const char *what, const char *channel, const char *user, int day,
               int h, int m, int s)
{
    char at[32];

    lt(at, day, h, m, s);
    if (user)
        casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, channel, user)"
                        " VALUES ('%s', '%s', '%s', '%s', '%s')", id, at, what, channel, user);
    else
        casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, channel)"
                        " VALUES ('%s', '%s', '%s', '%s')", id, at, what, channel);
}

/* A stage row; done: a local June day and hour, or day 0 for not done. */
static void stage(const char *id, int idx, const char *begun, const char *due, int done_day,
                  int done_h)
{
    char at[32];

    if (done_day)
        casedb_exec(&t, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due,"
                        " done_at, done_by) VALUES ('%s', %d, 's%d', '审核', 'window', 5, %s%s%s,"
                        " '%s', '%s', 'alice')", id, idx, idx, begun ? "'" : "",
                    begun ? begun : "NULL", begun ? "'" : "", due, lt(at, done_day, done_h, 0, 0));
    else
        casedb_exec(&t, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due)"
                        " VALUES ('%s', %d, 's%d', '审核', 'window', 5, %s%s%s, '%s')", id, idx, idx,
                    begun ? "'" : "", begun ? begun : "NULL", begun ? "'" : "", due);
}

static void rating(const char *id, int score, int day, int h, int m, int s)
{
    char at[32];

    casedb_exec(&t, "INSERT INTO ratings (case_id, score, comment, at) VALUES ('%s', %d, '', '%s')",
                id, score, lt(at, day, h, m, s));
}

/* a call-back of id opened on day (June, local noon), done at done (UTC) or open */
static void followup(const char *id, const char *kind, const char *due, int day, const char *done)
{
    char at[32];

    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, done_at) VALUES ('%s', '%s', '%s', '%s', %s%s%s)",
                id, kind, due, lt(at, day, 12, 0, 0), done ? "'" : "", done ? done : "NULL", done ? "'" : "");
}

/* a rating the satisfaction figures keep apart (schema/043): staff's
 * session's (staff not NULL), or of a case never handed in */
static void rating_apart(const char *id, int score, const char *staff, int day, int h, int m, int s)
{
    char at[32];

    if (staff)
        casedb_exec(&t, "INSERT INTO ratings (case_id, score, comment, at, staff) VALUES ('%s', %d, '', '%s', '%s')",
                    id, score, lt(at, day, h, m, s), staff);
    else
        casedb_exec(&t, "INSERT INTO ratings (case_id, score, comment, at, handed_in) VALUES ('%s', %d, '', '%s', 0)",
                    id, score, lt(at, day, h, m, s));
}

static char *json_of(int ymd)
{
    struct report_day r;
    char *s;

    cr_assert_eq(report_collect(t.db, ymd, 20260620, NULL, &r), 0);
    s = report_json(&r);
    cr_assert_not_null(s);
    report_day_free(&r);
    return s;
}

/* The scripted day is 2026-06-10 (local): 2026-06-09T16:00Z to 2026-06-10T16:00Z. */
static void script_day(void)
{
    char c1[33], c2[33], c3[33], c4[33], c5[33], c6[33], t2[33], t3[33], t4[33];
    char w1[33], w2[33], w3[33], w4[33], w5[33], w6[33];
    char o1[33], o2[33], o3[33], o4[33], o5[33], o6[33], o7[33];

    /* channels: started on the day, one a second before midnight; one a
     * few seconds after, one a second before the day began */
    mk(c1, "kiosk"), created(c1, 10, 9, 0, 0);
    mk(c2, "window"), created(c2, 10, 23, 59, 30);
    mk(c3, "web"), created(c3, 11, 0, 0, 10);
    mk(c4, "kiosk"), created(c4, 9, 23, 59, 59);
    mk(c5, "kiosk"), mk(c6, "kiosk"), mk(t2, "kiosk"), mk(t3, "kiosk"), mk(t4, "kiosk");

    /* alice accepts c1, returns it, accepts it again: accepted twice */
    ev(c1, "called", "window", "alice", 10, 9, 10, 0);
    ev(c1, "accepted", "window", "alice", 10, 9, 15, 0);
    ev(c1, "returned", "window", "alice", 10, 9, 30, 0);
    ev(c1, "accepted", "window", "alice", 10, 11, 0, 0);
    ev(c1, "passed", "window", "alice", 10, 14, 0, 0);
    ev(c1, "called", "window", "alice", 9, 23, 59, 59);        /* the day before */
    /* bob */
    ev(c2, "called", "window", "bob", 10, 10, 0, 0);
    ev(c2, "accepted", "window", "bob", 10, 10, 5, 0);
    ev(c2, "completed", "window", "bob", 10, 16, 0, 0);
    ev(t2, "completed", "window", "bob", 10, 23, 59, 40);
    ev(t3, "completed", "window", "bob", 11, 0, 0, 20);        /* the day after */
    ev(t4, "completed", "window", "bob", 10, 12, 0, 0);
    ev(c5, "visited", "window", "bob", 10, 9, 0, 0);
    ev(c5, "accepted", "window", "bob", 10, 9, 1, 0);
    ev(c5, "rejected", "window", "bob", 10, 15, 0, 0);
    ev(c6, "not_home", "window", "bob", 10, 13, 0, 0);
    ev(c4, "followup", "window", "bob", 10, 23, 59, 50);
    ev(c4, "followup", "window", "bob", 11, 0, 0, 5);
    /* a hand-out counts (ours); an assignment and a resident's move do not */
    ev(c6, "handed_out", "window", "carol", 10, 11, 5, 0);
    ev(c6, "assigned", "window", "carol", 10, 11, 0, 0);
    ev(c1, "step", "kiosk", NULL, 10, 9, 5, 0);
    /* a name a spreadsheet would take for a formula */
    ev(c6, "followup", "window", "@evil", 10, 12, 0, 0);

    /* on time: c2 finished on its due day, t2 a day late, t4 has no due */
    casedb_exec(&t, "UPDATE cases SET due = '2026-06-10' WHERE id = '%s'", c2);
    casedb_exec(&t, "UPDATE cases SET due = '2026-06-09' WHERE id = '%s'", t2);
    casedb_exec(&t, "UPDATE cases SET due = '2026-06-30' WHERE id = '%s'", t3);

    /* waiting at close */
    mk(w1, "kiosk"), mk(w2, "kiosk"), mk(w3, "window"), mk(w4, "web"), mk(w5, "kiosk"), mk(w6, "kiosk");
    ev(w1, "submitted", "kiosk", NULL, 10, 17, 0, 0);                /* waits */
    ev(w2, "submitted", "kiosk", NULL, 10, 16, 0, 0);
    ev(w2, "called", "window", "dave", 10, 16, 30, 0);               /* called */
    ev(w3, "submitted", "window", "dave", 10, 10, 0, 0);
    ev(w3, "called", "window", "dave", 10, 10, 10, 0);
    ev(w3, "submitted", "window", "dave", 10, 17, 30, 0);            /* handed in again: waits */
    ev(w4, "submitted", "web", NULL, 10, 12, 0, 0);                  /* pre-review, no queue */
    ev(w5, "submitted", "kiosk", NULL, 10, 23, 0, 0);
    ev(w5, "called", "window", "dave", 11, 0, 10, 0);                /* after midnight: waits */
    ev(w6, "submitted", "kiosk", NULL, 9, 17, 0, 0);                 /* the day before */

    /* overdue at the day's end */
    mk(o1, "kiosk"), mk(o2, "kiosk"), mk(o3, "kiosk"), mk(o4, "kiosk"), mk(o5, "kiosk");
    mk(o6, "kiosk"), mk(o7, "kiosk");
    stage(o1, 0, "2026-06-01", "2026-06-09", 0, 0);                  /* overdue */
    stage(o2, 0, "2026-06-01", "2026-06-10", 0, 0);                  /* due that day: not yet */
    stage(o3, 0, "2026-06-01", "2026-06-05", 5, 10);
    stage(o3, 1, "2026-06-05", "2026-06-08", 10, 20);                /* done by 20:00 */
    stage(o4, 0, "2026-06-01", "2026-06-05", 11, 1);                 /* done after midnight: overdue */
    stage(o5, 0, "2026-06-01", "2026-06-02", 2, 10);
    stage(o5, 1, "2026-06-02", "2026-06-09", 0, 0);
    casedb_exec(&t, "UPDATE cases SET rejected_at = '%s' WHERE id = '%s'",
                "2026-06-10T05:00:00Z", o5);                          /* rejected that day */
    stage(o6, 0, "2026-05-20", "2026-06-01", 0, 0);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-05-25' WHERE id = '%s'", o6);   /* returned */
    stage(o7, 0, "2026-06-08", "2026-06-20", 0, 0);
    stage(o7, 1, NULL, "2026-06-08", 0, 0);                          /* not begun */

    /* ratings: one a second before midnight, one at midnight */
    rating(c1, 5, 10, 12, 0, 0);
    rating(c2, 2, 10, 23, 59, 59);
    rating(c4, 1, 11, 0, 0, 0);
    /* kept out of 满意率: alice's own browser, and a case never handed in */
    rating_apart(w1, 5, "alice", 10, 13, 0, 0);
    rating_apart(w2, 1, NULL, 10, 14, 0, 0);

    /* call-backs owed at the end of the 10th: c1's, due the 9th, open
     * (overdue); c2's complaint due the 30th, done on the 11th (owed on the
     * 10th); c3's done on the 10th (not owed); c4's opened on the 11th */
    followup(c1, "routine", "2026-06-09", 8, NULL);
    followup(c2, "complaint", "2026-06-30", 9, "2026-06-11T01:00:00Z");
    followup(c3, "routine", "2026-06-12", 9, "2026-06-10T03:00:00Z");
    followup(c4, "complaint", "2026-06-30", 11, NULL);
    /* w2's 1, kept apart, opened its complaint as any 1 does: owed on the
     * 10th among the complaints, and said apart (done on the 11th) */
    followup(w2, "complaint", "2026-06-30", 10, "2026-06-11T01:00:00Z");
}

TestSuite(report, .init = setup, .fini = teardown);

/* Today's report lists the cases its overdue figure counts: which, at
 * what stage of which post, due when, and whose. */
Test(report, today_lists_the_overdue_cases_and_their_owners)
{
    char o1[33], o2[33], o3[33], v1[33], v2[33], v3[33];
    struct report_day r;
    char *s;

    /* home visits still owed: one of the day before (missed), one of the
     * day, one of the day after (not owed yet) */
    mk(v1, "kiosk"), mk(v2, "kiosk"), mk(v3, "kiosk");
    casedb_exec(&t, "UPDATE cases SET status = 'visit', visit_date = '2026-06-09' WHERE id = '%s'", v1);
    casedb_exec(&t, "UPDATE cases SET status = 'visit', visit_date = '2026-06-10' WHERE id = '%s'", v2);
    casedb_exec(&t, "UPDATE cases SET status = 'visit', visit_date = '2026-06-11' WHERE id = '%s'", v3);

    mk(o1, "kiosk"), mk(o2, "kiosk"), mk(o3, "kiosk");
    stage(o1, 0, "2026-06-01", "2026-06-09", 0, 0);                  /* stage late */
    stage(o2, 0, "2026-06-01", "2026-06-10", 0, 0);                  /* due today: not yet */
    stage(o3, 0, "2026-06-01", "2026-06-12", 0, 0);
    casedb_exec(&t, "UPDATE cases SET owner = 'bob', ticket = 'A007', due = '2026-06-20' WHERE id = '%s'", o1);
    casedb_exec(&t, "UPDATE cases SET due = '2026-06-08' WHERE id = '%s'", o3);   /* promise late */
    cr_assert_eq(report_collect(t.db, 20260610, 20260610, NULL, &r), 0);
    cr_assert_eq(r.overdue, 2);
    cr_assert(r.late_listed);
    cr_assert_eq(r.n_late, 2);
    /* soonest date first: o3's promise (the 8th), then o1's stage (the 9th) */
    cr_assert_str_eq(r.late[0].id, o3);
    cr_assert_null(r.late[0].owner);
    cr_assert_str_eq(r.late[0].committed, "2026-06-08");
    cr_assert_str_eq(r.late[1].id, o1);
    cr_assert_str_eq(r.late[1].ticket, "A007");
    cr_assert_str_eq(r.late[1].owner, "bob");
    cr_assert_str_eq(r.late[1].due, "2026-06-09");
    cr_assert_str_eq(r.late[1].stage_label, "审核");
    cr_assert_str_eq(r.late[1].post, "window");
    s = report_json(&r);
    cr_assert_not_null(s);
    cr_assert(strstr(s, "\"overdue_cases\":[{\"id\":\"") != NULL, "%s", s);
    cr_assert(strstr(s, "\"ticket\":\"A007\"") != NULL, "%s", s);
    cr_assert(strstr(s, "\"visits_owed\":{\"missed\":1,\"today\":1}") != NULL, "%s", s);
    free(s);
    report_day_free(&r);
    /* another day's report keeps its figure, and lists nothing */
    cr_assert_eq(report_collect(t.db, 20260610, 20260611, NULL, &r), 0);
    cr_assert_not(r.late_listed);
    cr_assert_eq(r.n_late, 0);
    cr_assert_eq(r.visits_missed, 0);
    report_day_free(&r);
}

Test(report, a_scripted_day_counts_exactly)
{
    char *s;

    script_day();
    s = json_of(20260610);
    cr_assert_str_eq(s,
        "{\"date\":\"2026-06-10\",\"day\":\"closed\",\"users\":["
        "{\"user\":\"@evil\",\"display\":\"\",\"called\":0,\"accepted\":0,\"passed\":0,\"completed\":0,\"returned\":0,"
        "\"rejected\":0,\"visits\":0,\"followups\":1,\"handed_out\":0,\"refused\":0,\"reminded\":0},"
        "{\"user\":\"alice\",\"display\":\"\",\"called\":1,\"accepted\":2,\"passed\":1,\"completed\":0,\"returned\":1,"
        "\"rejected\":0,\"visits\":0,\"followups\":0,\"handed_out\":0,\"refused\":0,\"reminded\":0},"
        "{\"user\":\"bob\",\"display\":\"\",\"called\":1,\"accepted\":2,\"passed\":0,\"completed\":3,\"returned\":0,"
        "\"rejected\":1,\"visits\":2,\"followups\":1,\"handed_out\":0,\"refused\":0,\"reminded\":0},"
        "{\"user\":\"carol\",\"display\":\"\",\"called\":0,\"accepted\":0,\"passed\":0,\"completed\":0,"
        "\"returned\":0,\"rejected\":0,\"visits\":0,\"followups\":0,\"handed_out\":1,\"refused\":0,\"reminded\":0},"
        "{\"user\":\"dave\",\"display\":\"\",\"called\":2,\"accepted\":0,\"passed\":0,\"completed\":0,\"returned\":0,"
        "\"rejected\":0,\"visits\":0,\"followups\":0,\"handed_out\":0,\"refused\":0,\"reminded\":0}],"
        "\"channels\":{\"kiosk\":1,\"window\":1,\"web\":0},"
        "\"overdue\":2,\"waiting_at_close\":3,\"on_time_rate\":0.5,\"finished\":2,\"on_time\":1,"
        "\"ratings\":{\"1\":1,\"2\":1,\"3\":0,\"4\":0,\"5\":2},"
        "\"ratings_counted\":{\"1\":0,\"2\":1,\"3\":0,\"4\":0,\"5\":1},"
        "\"overdue_cases\":null,\"visits_owed\":null,\"followups_owed\":{\"open\":3,\"overdue\":1,\"complaints\":2,\"complaints_apart\":1,\"retrying\":0},"
        "\"followups_closed\":{\"done\":1,\"reached_on_retry\":0,\"unreachable\":0},"
        "\"corrections_owed\":null,\"reminders\":{\"calls\":0,\"cases\":0},\"corrections_lost\":{\"given_up\":0,\"no_show\":0},"
        "\"ratings_apart\":{\"staff\":1,\"not_handed_in\":1,\"staff_users\":[{\"user\":\"alice\",\"count\":1}]}}");
    free(s);
}

Test(report, the_csv_has_a_bom_totals_and_safe_cells)
{
    struct report_day r;
    size_t len = 0;
    char *csv;

    script_day();
    cr_assert_eq(report_collect(t.db, 20260610, 20260620, NULL, &r), 0);
    csv = report_csv(&r, &len);
    cr_assert_not_null(csv);
    cr_assert_eq(len, strlen(csv));
    cr_assert_str_eq(csv,
        "\xEF\xBB\xBF工作人员,叫号,受理,流转,办结,退回补正,不予办理,上门服务,回访,发放,不予受理\r\n"
        "\"'@evil\",0,0,0,0,0,0,0,1,0,0\r\n"
        "alice,1,2,1,0,1,0,0,0,0,0\r\n"
        "bob,1,2,0,3,0,1,2,1,0,0\r\n"
        "carol,0,0,0,0,0,0,0,0,1,0\r\n"
        "dave,2,0,0,0,0,0,0,0,0,0\r\n"
        "合计,4,4,1,3,1,1,2,2,1,0\r\n"
        "\r\n"
        "项目,数值\r\n"
        "日期,2026-06-10\r\n"
        "自助机开始办理,1\r\n窗口开始办理,1\r\n网上开始办理,0\r\n"
        "逾期未办结,2\r\n下班时仍在等候,3\r\n当日办结,2\r\n按期办结,1\r\n按期办结率,50.0%\r\n"
        "评价1分,1\r\n评价2分,1\r\n评价3分,0\r\n评价4分,0\r\n评价5分,2\r\n"
        "其中工作人员登录的浏览器评价(不计满意率),1\r\n其中未交到大厅的办件评价(不计满意率),1\r\n"
        "计入满意率的评价1分,0\r\n计入满意率的评价2分,1\r\n计入满意率的评价3分,0\r\n"
        "计入满意率的评价4分,0\r\n计入满意率的评价5分,1\r\n"
        "待回访(当日结束时),3\r\n其中已超期,1\r\n其中差评整改,2\r\n"
        "补正件当日按放弃处理,0\r\n补正件当日过号未到,0\r\n"
        "待回访差评整改中由不计满意率的评价引起,1\r\n"
        "\r\n项目,数值\r\n待回访中联系不上待再打(当日结束时),0\r\n"
        "当日电话提醒补正次数,0\r\n电话提醒补正的办件数,0\r\n"
        "\r\n项目,数值\r\n当日结束的回访,1\r\n其中再打才联系上,0\r\n其中联系不上结束,0\r\n");
    free(csv);
    report_day_free(&r);
}

Test(report, the_day_after_sees_only_its_own)
{
    char *s;

    script_day();
    s = json_of(20260611);
    /* bob's late completion and call-back, dave's call after midnight, c3
     * started on the web; o1 still overdue, o2 (due the 10th) now too, o4
     * done early on the 11th no more; nobody handed in on the 11th */
    cr_assert_str_eq(s,
        "{\"date\":\"2026-06-11\",\"day\":\"closed\",\"users\":["
        "{\"user\":\"bob\",\"display\":\"\",\"called\":0,\"accepted\":0,\"passed\":0,\"completed\":1,\"returned\":0,"
        "\"rejected\":0,\"visits\":0,\"followups\":1,\"handed_out\":0,\"refused\":0,\"reminded\":0},"
        "{\"user\":\"dave\",\"display\":\"\",\"called\":1,\"accepted\":0,\"passed\":0,\"completed\":0,\"returned\":0,"
        "\"rejected\":0,\"visits\":0,\"followups\":0,\"handed_out\":0,\"refused\":0,\"reminded\":0}],"
        "\"channels\":{\"kiosk\":0,\"window\":0,\"web\":1},"
        "\"overdue\":2,\"waiting_at_close\":0,\"on_time_rate\":1,\"finished\":1,\"on_time\":1,"
        "\"ratings\":{\"1\":1,\"2\":0,\"3\":0,\"4\":0,\"5\":0},"
        "\"ratings_counted\":{\"1\":1,\"2\":0,\"3\":0,\"4\":0,\"5\":0},"
        "\"overdue_cases\":null,\"visits_owed\":null,\"followups_owed\":{\"open\":2,\"overdue\":1,\"complaints\":1,\"complaints_apart\":0,\"retrying\":0},"
        "\"followups_closed\":{\"done\":2,\"reached_on_retry\":0,\"unreachable\":0},"
        "\"corrections_owed\":null,\"reminders\":{\"calls\":0,\"cases\":0},\"corrections_lost\":{\"given_up\":0,\"no_show\":0},"
        "\"ratings_apart\":{\"staff\":0,\"not_handed_in\":0,\"staff_users\":[]}}");
    free(s);
}

Test(report, an_empty_day_has_no_rate)
{
    char *s = json_of(20260101);

    cr_assert_str_eq(s,
        "{\"date\":\"2026-01-01\",\"day\":\"closed\",\"users\":[],\"channels\":{\"kiosk\":0,\"window\":0,\"web\":0},"
        "\"overdue\":0,\"waiting_at_close\":0,\"on_time_rate\":1,\"finished\":0,\"on_time\":0,"
        "\"ratings\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0},"
        "\"ratings_counted\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0},"
        "\"overdue_cases\":null,\"visits_owed\":null,\"followups_owed\":{\"open\":0,\"overdue\":0,\"complaints\":0,\"complaints_apart\":0,\"retrying\":0},"
        "\"followups_closed\":{\"done\":0,\"reached_on_retry\":0,\"unreachable\":0},"
        "\"corrections_owed\":null,\"reminders\":{\"calls\":0,\"cases\":0},\"corrections_lost\":{\"given_up\":0,\"no_show\":0},"
        "\"ratings_apart\":{\"staff\":0,\"not_handed_in\":0,\"staff_users\":[]}}");
    free(s);
}

/* Whether the figures are the day's end's: a day before today is closed,
 * today's is open (a sheet printed at ten is not the close), a day after
 * it is ahead (its overdue counted from the stages as they stand). */
Test(report, the_day_says_whether_it_has_ended)
{
    static const struct {
        int today;
        const char *day;
    } cases[] = {{20260611, "\"day\":\"closed\""}, {20260610, "\"day\":\"open\""},
                 {20260609, "\"day\":\"ahead\""}};
    struct report_day r;
    size_t i;
    char *s;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(report_collect(t.db, 20260610, cases[i].today, NULL, &r), 0);
        s = report_json(&r);
        cr_assert_not_null(s);
        cr_assert(strstr(s, cases[i].day), "today %d: %s", cases[i].today, s);
        free(s);
        report_day_free(&r);
    }
}

/* The overdue figure of 2026-06-10 as the report reads it when today is
 * `today`. */
static long overdue_of(int today)
{
    struct report_day r;
    long n;

    cr_assert_eq(report_collect(t.db, 20260610, today, NULL, &r), 0);
    n = r.overdue;
    report_day_free(&r);
    return n;
}

/* A return and a resumption rewrite a stage's begin and due: a past day's
 * report read from the stages as they stand said 2 overdue at closing and
 * 1 after o1 was returned and resumed. Closed at its end, it keeps 2. */
Test(report, a_closed_day_keeps_its_overdue_figure)
{
    int n = -1;

    script_day();
    /* the first close: yesterday alone (the days before were counted from
     * stages a return may have rewritten; counting them scans once each) */
    cr_assert_eq(report_days_close(t.db, 20260611, NULL, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM report_days"), 1);
    cr_assert_eq(casedb_int(&t, "SELECT overdue FROM report_days WHERE day = '2026-06-10'"), 2);

    /* o1 back with the resident on the 12th and resumed: its stage begins
     * anew with a due in the future */
    casedb_exec(&t, "UPDATE case_stages SET begun_on = '2026-06-12', due = '2026-06-19'"
                    " WHERE case_id = (SELECT case_id FROM case_stages WHERE due = '2026-06-09'"
                    " AND idx = 0)");
    cr_assert_eq(overdue_of(20260612), 2, "the closed day's figure");
    /* a day not closed is counted as the stages stand */
    cr_assert_eq(overdue_of(20260610), 1, "today is counted live");

    /* a later close stores the days after the last one, never one again */
    cr_assert_eq(report_days_close(t.db, 20260611, NULL, &n), 0);
    cr_assert_eq(n, 0);
    cr_assert_eq(report_days_close(t.db, 20260615, NULL, &n), 0);
    cr_assert_eq(n, 4);
    cr_assert_eq(casedb_int(&t, "SELECT overdue FROM report_days WHERE day = '2026-06-10'"), 2);
    cr_assert_eq(casedb_int(&t, "SELECT overdue FROM report_days WHERE day = '2026-06-12'"), 1);
}

/* A close after a long stop goes back at most REPORT_CLOSE_BACK_DAYS and
 * commits in turns. */
Test(report, a_long_gap_is_bounded)
{
    int n = -1;

    script_day();
    cr_assert_eq(report_days_close(t.db, 20260611, NULL, &n), 0);
    cr_assert_eq(report_days_close(t.db, 20280101, NULL, &n), 0);
    cr_assert_eq(n, REPORT_CLOSE_BACK_DAYS);
    cr_assert_eq(casedb_int(&t, "SELECT max(day) = '2027-12-31' FROM report_days"), 1);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM report_days WHERE day > '2026-06-10'"),
                 REPORT_CLOSE_BACK_DAYS);
}

/* A machine that started with its clock years ahead (no battery clock,
 * NTP not synced yet) stored a "yesterday" in the future: once the clock
 * is right, that row is dropped and the close goes on from real time. */
Test(report, rows_of_a_clock_ahead_are_dropped)
{
    int n = -1;

    cr_assert_eq(report_days_close(t.db, 20300101, NULL, &n), 0);
    cr_assert_eq(casedb_int(&t, "SELECT day = '2029-12-31' FROM report_days"), 1);
    cr_assert_eq(report_days_close(t.db, 20260301, NULL, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(casedb_int(&t, "SELECT group_concat(day) = '2026-02-28' FROM report_days"), 1);
    cr_assert_eq(report_days_close(t.db, 20260300, NULL, &n), -1, "a bad date");
}

/* A limit runs to the end of its date: a case promised on the day (its
 * stage due then too) is not overdue at its end; one returned that day
 * has its clock stopped by the day's end; one returned the day after
 * still counts. */
Test(report, the_day_promised_or_returned_is_not_overdue)
{
    char promised[CASE_ID_LEN + 1], back[CASE_ID_LEN + 1], later[CASE_ID_LEN + 1];

    mk(promised, "kiosk"), mk(back, "kiosk"), mk(later, "kiosk");
    stage(promised, 0, "2026-06-01", "2026-06-10", 0, 0);
    casedb_exec(&t, "UPDATE cases SET due = '2026-06-10' WHERE id = '%s'", promised);
    stage(back, 0, "2026-06-01", "2026-06-09", 0, 0);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-06-10' WHERE id = '%s'", back);
    stage(later, 0, "2026-06-01", "2026-06-09", 0, 0);
    casedb_exec(&t, "UPDATE cases SET paused_on = '2026-06-11' WHERE id = '%s'", later);
    cr_assert_eq(overdue_of(20260620), 1);
}

/* An instant at local midnight belongs to the day it begins: a move, a
 * start, a hand-in and a finish at 00:00:00 on the 11th count on the
 * 11th and not on the 10th. A call in the same second as the hand-in
 * ends the waiting. */
Test(report, local_midnight_belongs_to_the_day_it_begins)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1];
    char *s;

    mk(a, "kiosk"), created(a, 11, 0, 0, 0);
    mk(b, "kiosk"), created(b, 11, 0, 0, 0);
    ev(a, "submitted", "kiosk", NULL, 11, 0, 0, 0);
    ev(a, "called", "window", "erin", 11, 0, 0, 0);
    ev(a, "completed", "window", "erin", 11, 0, 0, 0);
    casedb_exec(&t, "UPDATE cases SET due = '2026-06-11' WHERE id = '%s'", a);
    ev(b, "submitted", "kiosk", NULL, 11, 0, 0, 0);
    s = json_of(20260610);
    cr_assert_str_eq(s,
        "{\"date\":\"2026-06-10\",\"day\":\"closed\",\"users\":[],\"channels\":{\"kiosk\":0,\"window\":0,\"web\":0},"
        "\"overdue\":0,\"waiting_at_close\":0,\"on_time_rate\":1,\"finished\":0,\"on_time\":0,"
        "\"ratings\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0},"
        "\"ratings_counted\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0},"
        "\"overdue_cases\":null,\"visits_owed\":null,\"followups_owed\":{\"open\":0,\"overdue\":0,\"complaints\":0,\"complaints_apart\":0,\"retrying\":0},"
        "\"followups_closed\":{\"done\":0,\"reached_on_retry\":0,\"unreachable\":0},"
        "\"corrections_owed\":null,\"reminders\":{\"calls\":0,\"cases\":0},\"corrections_lost\":{\"given_up\":0,\"no_show\":0},"
        "\"ratings_apart\":{\"staff\":0,\"not_handed_in\":0,\"staff_users\":[]}}");
    free(s);
    s = json_of(20260611);
    cr_assert_str_eq(s,
        "{\"date\":\"2026-06-11\",\"day\":\"closed\",\"users\":["
        "{\"user\":\"erin\",\"display\":\"\",\"called\":1,\"accepted\":0,\"passed\":0,\"completed\":1,"
        "\"returned\":0,\"rejected\":0,\"visits\":0,\"followups\":0,\"handed_out\":0,\"refused\":0,\"reminded\":0}],"
        "\"channels\":{\"kiosk\":2,\"window\":0,\"web\":0},"
        "\"overdue\":0,\"waiting_at_close\":1,\"on_time_rate\":1,\"finished\":1,\"on_time\":1,"
        "\"ratings\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0},"
        "\"ratings_counted\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0},"
        "\"overdue_cases\":null,\"visits_owed\":null,\"followups_owed\":{\"open\":0,\"overdue\":0,\"complaints\":0,\"complaints_apart\":0,\"retrying\":0},"
        "\"followups_closed\":{\"done\":0,\"reached_on_retry\":0,\"unreachable\":0},"
        "\"corrections_owed\":null,\"reminders\":{\"calls\":0,\"cases\":0},\"corrections_lost\":{\"given_up\":0,\"no_show\":0},"
        "\"ratings_apart\":{\"staff\":0,\"not_handed_in\":0,\"staff_users\":[]}}");
    free(s);
}

/* Overdue at the 10th's end: a stage begun that day, in time, of a case
 * whose promised date passed; a stage done, and a case rejected, only at
 * the first instant of the 11th. Not: a case rejected a second before. */
Test(report, overdue_by_the_promise_and_at_the_days_last_instant)
{
    char promised[CASE_ID_LEN + 1], done[CASE_ID_LEN + 1], rej[CASE_ID_LEN + 1],
        rej_before[CASE_ID_LEN + 1];
    char at[32];

    mk(promised, "kiosk"), mk(done, "kiosk"), mk(rej, "kiosk"), mk(rej_before, "kiosk");
    stage(promised, 0, "2026-06-01", "2026-06-20", 10, 10);
    stage(promised, 1, "2026-06-10", "2026-06-20", 0, 0);
    casedb_exec(&t, "UPDATE cases SET due = '2026-06-09' WHERE id = '%s'", promised);
    cr_assert_eq(overdue_of(20260620), 1, "the promise passed");
    stage(done, 0, "2026-06-01", "2026-06-05", 11, 0);
    cr_assert_eq(overdue_of(20260620), 2, "done at the 11th's first instant");
    stage(rej, 0, "2026-06-01", "2026-06-05", 0, 0);
    casedb_exec(&t, "UPDATE cases SET rejected_at = '%s' WHERE id = '%s'", lt(at, 11, 0, 0, 0), rej);
    stage(rej_before, 0, "2026-06-01", "2026-06-05", 0, 0);
    casedb_exec(&t, "UPDATE cases SET rejected_at = '%s' WHERE id = '%s'", lt(at, 10, 23, 59, 59),
                rej_before);
    cr_assert_eq(overdue_of(20260620), 3, "rejected at the 11th's first instant");
}

/* Each move that ends the waiting, after a hand-in, leaves the case out
 * of waiting_at_close: only the case nothing ended waits. */
Test(report, every_move_that_ends_the_waiting_counts)
{
    static const char *const ends[] = {"accepted", "returned", "rejected", "refused",
                                       "no_show", "abandoned", "completed"};
    char id[CASE_ID_LEN + 1];
    struct report_day r;
    size_t i;

    for (i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        mk(id, "kiosk");
        ev(id, "submitted", "kiosk", NULL, 10, 9, 0, 0);
        ev(id, ends[i], "window", "erin", 10, 9, 30, 0);
    }
    mk(id, "kiosk");
    ev(id, "submitted", "kiosk", NULL, 10, 9, 0, 0);
    cr_assert_eq(report_collect(t.db, 20260610, 20260620, NULL, &r), 0);
    cr_assert_eq(r.waiting_at_close, 1);
    report_day_free(&r);
}

/* A clock one day ahead stored "yesterday" as the real today: that row is
 * of today too, and dropped; the close stores the real yesterday. */
Test(report, a_row_of_today_from_a_clock_a_day_ahead_is_dropped)
{
    int n = -1;

    cr_assert_eq(report_days_close(t.db, 20260611, NULL, &n), 0);
    cr_assert_eq(report_days_close(t.db, 20260610, NULL, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(casedb_int(&t, "SELECT group_concat(day) = '2026-06-09' FROM report_days"), 1);
}
