/* Unit tests of the statistics: counts by status over a range of local
 * dates, abandonment by idleness, medians of the minutes per step, the step
 * where residents give up, ratings; the same figures after erasure; date
 * parsing; the CSV's quoting. The test sets every timestamp. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "casedb.h"
#include "stats.h"
#include "strbuf.h"
#include "sweep.h"
#include "window.h"

#define MIN 60
#define HOUR 3600

static struct casedb t;

static void setup(void)
{
    /* the hall's time zone, so that local dates are known: UTC+8 */
    setenv("TZ", "CST-8", 1);
    tzset();
    casedb_open(&t);
}

static void teardown(void)
{
    casedb_close(&t);
}

/* A UTC time. */
static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = s};

    return timegm(&tm);
}

static void stamp(const char *id, time_t created, time_t updated)
{
    char b[32];

    casedb_at(&t, id, created);
    casedb_exec(&t, "UPDATE cases SET updated_at = '%s' WHERE id = '%s'", casedb_iso(updated, b), id);
}

static void step_at(const char *id, int n, time_t at)
{
    char iso[32];

    casedb_exec(&t, "UPDATE case_steps SET at = '%s' WHERE case_id = '%s' AND step = %d",
                casedb_iso(at, iso), id, n);
}

static void conditions_at(const char *id, time_t at)
{
    char iso[32];

    casedb_exec(&t, "UPDATE case_events SET at = '%s' WHERE case_id = '%s' AND what = 'conditions'",
                casedb_iso(at, iso), id);
}

static void submit(const char *id)
{
    struct refusal e;
    char *ticket = NULL;

    cr_assert_eq(window_submit(t.db, id, NULL, false, &ticket, &e), 0);
    free(ticket);
}

static void rate(const char *id, int score)
{
    struct refusal e;

    cr_assert_eq(cases_rate(t.db, id, score, "很好", 0, &e), 0);
}

static const struct stats_proc *find(const struct stats_report *r, const char *id)
{
    size_t i;

    for (i = 0; i < r->n_procs; i++)
        if (strcmp(r->procs[i].id, id) == 0)
            return &r->procs[i];
    return NULL;
}

/* 2026-03-10 09:00 in the hall (01:00 UTC). */
#define T0 utc(2026, 3, 10, 1, 0, 0)
#define NOW (T0 + 5 * HOUR)

/* The scenario of the figures tests, on procedure "test" (steps 0, 1, 3
 * for proxy=no) and "simple":
 *   A submitted; steps took 2, 5 and 1 minutes; rated 5
 *   B submitted and completed; 4, 1, 7 minutes; rated 4
 *   C open, idle since T0+30m (abandoned by idleness, not yet swept) at
 *     step 3; 1 and 2 minutes; rated 4
 *   D, D2 abandoned by the sweep at step 1; step 0 took 6 and 10 minutes
 *   E abandoned by the sweep at the conditions
 *   G open and active, at step 0
 *   W started at the window, idle for hours (a window case gets a day) 
 *   F started the day before the range, rated 1, idle: not counted
 *   H on "simple", the last second of the range; I the first second after */
static void scenario(void)
{
    char a[33], b[33], c[33], d[33], d2[33], e[33], f[33], g[33], h[33], i[33], w[33];
    struct sweep_result res;

    casedb_case(&t, "test", d);
    casedb_walk(&t, d, 1);
    stamp(d, T0, T0 + 6 * MIN);
    step_at(d, 0, T0 + 6 * MIN);
    casedb_case(&t, "test", d2);
    casedb_walk(&t, d2, 1);
    stamp(d2, T0, T0 + 10 * MIN);
    step_at(d2, 0, T0 + 10 * MIN);
    casedb_case(&t, "test", e);
    stamp(e, T0, T0);
    cr_assert_eq(sweep_run(t.db, NOW, 30, &res), 0);
    cr_assert_eq(res.abandoned, 3);

    casedb_case(&t, "test", a);
    casedb_walk(&t, a, 4);
    submit(a);
    rate(a, 5);
    stamp(a, T0, T0 + 20 * MIN);
    conditions_at(a, T0 + 1 * MIN);
    step_at(a, 0, T0 + 3 * MIN);
    step_at(a, 1, T0 + 8 * MIN);
    step_at(a, 3, T0 + 9 * MIN);

    casedb_case(&t, "test", b);
    casedb_walk(&t, b, 4);
    submit(b);
    rate(b, 4);
    casedb_exec(&t, "UPDATE cases SET status = 'completed', outcome = '已办结' WHERE id = '%s'", b);
    stamp(b, T0, T0 + 20 * MIN);
    step_at(b, 0, T0 + 4 * MIN);
    step_at(b, 1, T0 + 5 * MIN);
    step_at(b, 3, T0 + 12 * MIN);

    casedb_case(&t, "test", c);
    casedb_walk(&t, c, 2);
    rate(c, 4);
    stamp(c, T0, T0 + 30 * MIN);
    step_at(c, 0, T0 + 1 * MIN);
    step_at(c, 1, T0 + 3 * MIN);

    casedb_case(&t, "test", g);
    casedb_confirm(&t, g);
    stamp(g, T0 + 4 * HOUR, NOW - 10 * MIN);

    casedb_case_at(&t, "test", "window", w);
    stamp(w, T0, T0);

    casedb_case(&t, "test", f);
    rate(f, 1);
    stamp(f, utc(2026, 3, 9, 15, 59, 59), utc(2026, 3, 9, 15, 59, 59));

    casedb_case(&t, "simple", h);
    stamp(h, utc(2026, 3, 11, 15, 59, 59), NOW);
    casedb_case(&t, "simple", i);
    stamp(i, utc(2026, 3, 11, 16, 0, 0), NOW);
}

static void collect(struct stats_report *r, const char *procedure)
{
    struct stats_query q = {.from = 20260310, .to = 20260311, .procedure = procedure, .now = NOW};

    cr_assert_eq(stats_collect(t.db, &q, r), 0);
}

static void assert_figures(const struct stats_report *r)
{
    const struct stats_proc *p = find(r, "test"), *s = find(r, "simple");

    cr_assert_eq(r->n_procs, 2);
    cr_assert_str_eq(r->procs[0].id, "test", "catalog order: test has order 1");
    cr_assert_not_null(p);
    cr_assert_str_eq(p->title, "测试事项");
    cr_assert(p->live);
    cr_assert_eq(p->started, 8);
    cr_assert_eq(p->submitted, 2);
    cr_assert_eq(p->completed, 1);
    cr_assert_eq(p->abandoned, 4);

    cr_assert_eq(p->n_steps, 4);
    cr_assert_str_eq(p->steps[0].title, "准备材料");
    cr_assert_str_eq(p->steps[1].title, "填写信息");
    /* step 0: 1 2 4 6 10; step 1: 1 2 5; step 2 never applied; step 3: 1 7
     * (entered when step 1 was accepted, step 2 being skipped) */
    cr_assert_float_eq(p->steps[0].median, 4.0, 1e-9);
    cr_assert_eq(p->steps[0].samples, 5);
    cr_assert_float_eq(p->steps[1].median, 2.0, 1e-9);
    cr_assert_eq(p->steps[1].samples, 3);
    cr_assert_lt(p->steps[2].median, 0);
    cr_assert_eq(p->steps[2].samples, 0);
    cr_assert_float_eq(p->steps[3].median, 4.0, 1e-9);
    cr_assert_eq(p->steps[3].samples, 2);

    cr_assert_eq(p->n_give_up, 3);
    cr_assert_eq(p->give_up[0].stage, SWEEP_STAGE_STEP);
    cr_assert_eq(p->give_up[0].step, 1);
    cr_assert_str_eq(p->give_up[0].title, "填写信息");
    cr_assert_eq(p->give_up[0].count, 2);
    cr_assert_eq(p->give_up[1].stage, SWEEP_STAGE_CONDITIONS);
    cr_assert_eq(p->give_up[1].step, -1);
    cr_assert_str_eq(p->give_up[1].title, "办理条件");
    cr_assert_eq(p->give_up[1].count, 1);
    cr_assert_eq(p->give_up[2].stage, SWEEP_STAGE_STEP);
    cr_assert_eq(p->give_up[2].step, 3);
    cr_assert_str_eq(p->give_up[2].title, "确认");

    cr_assert_eq(p->ratings, 3);
    cr_assert_eq(p->rating_sum, 13);
    cr_assert_eq(p->scores[0], 0);
    cr_assert_eq(p->scores[3], 2);
    cr_assert_eq(p->scores[4], 1);

    cr_assert_not_null(s);
    cr_assert_eq(s->started, 1, "the range ends at local midnight");
    cr_assert_eq(s->abandoned, 0);
    cr_assert_eq(s->n_steps, 1);
    cr_assert_lt(s->steps[0].median, 0);
    cr_assert_eq(s->n_give_up, 0);
    cr_assert_eq(s->ratings, 0);
}

Test(stats, figures_per_procedure, .init = setup, .fini = teardown)
{
    struct stats_report r;

    scenario();
    collect(&r, NULL);
    assert_figures(&r);
    stats_report_free(&r);
}

Test(stats, erasure_keeps_the_figures, .init = setup, .fini = teardown)
{
    struct stats_report r;
    struct sweep_result res;

    scenario();
    /* the scenario's complaint call-back is due by the real clock (its
     * rating was made now), after NOW: an open one holds its case (sweep.c) */
    casedb_exec(&t, "UPDATE followups SET done_at = '2026-03-10T02:00:00Z', done_on = '2026-03-10',"
                    " done_by = 'wang', result = 'satisfied', note = '已整改'");
    cr_assert_eq(sweep_run(t.db, NOW, 0, &res), 0);
    cr_assert_eq(res.abandoned, 2, "C and F");
    cr_assert_eq(res.erased, 6, "B C D D2 E F");
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM cases WHERE erased_at IS NOT NULL"), 6);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values v JOIN cases c ON c.id = v.case_id"
                                " WHERE c.erased_at IS NOT NULL"), 0);
    collect(&r, NULL);
    assert_figures(&r);
    stats_report_free(&r);
}

Test(stats, one_procedure_or_an_unknown_one, .init = setup, .fini = teardown)
{
    struct stats_query q = {.from = 20260310, .to = 20260311, .procedure = "nope", .now = NOW};
    struct stats_report r;

    scenario();
    collect(&r, "simple");
    cr_assert_eq(r.n_procs, 1);
    cr_assert_str_eq(r.procs[0].id, "simple");
    cr_assert_eq(r.procs[0].started, 1);
    stats_report_free(&r);
    cr_assert_eq(stats_collect(t.db, &q, &r), 1);
    stats_report_free(&r);
}

Test(stats, a_range_without_cases_lists_live_procedures_with_zeros, .init = setup,
     .fini = teardown)
{
    struct stats_query q = {.from = 20250101, .to = 20250131, .now = NOW};
    struct stats_report r;

    scenario();
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    cr_assert_eq(r.n_procs, 2);
    cr_assert_eq(r.procs[0].started + r.procs[1].started, 0);
    cr_assert_eq(r.procs[0].ratings + r.procs[0].n_give_up, 0);
    stats_report_free(&r);
}

Test(stats, json_shape, .init = setup, .fini = teardown)
{
    struct stats_report r;
    cJSON *root, *p, *x;
    char *json;

    scenario();
    collect(&r, NULL);
    json = stats_json(&r);
    stats_report_free(&r);
    cr_assert_not_null(json);
    root = cJSON_Parse(json);
    free(json);
    cr_assert_not_null(root);
    cr_assert_str_eq(cJSON_GetObjectItem(root, "from")->valuestring, "2026-03-10");
    cr_assert_str_eq(cJSON_GetObjectItem(root, "to")->valuestring, "2026-03-11");
    p = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "procedures"), 0);
    cr_assert_str_eq(cJSON_GetObjectItem(p, "id")->valuestring, "test");
    cr_assert_eq(cJSON_GetObjectItem(p, "abandoned")->valueint, 4);
    x = cJSON_GetObjectItem(p, "median_minutes_per_step");
    cr_assert_eq(cJSON_GetArraySize(x), 4);
    cr_assert_float_eq(cJSON_GetArrayItem(x, 0)->valuedouble, 4.0, 1e-9);
    cr_assert(cJSON_IsNull(cJSON_GetArrayItem(x, 2)));
    x = cJSON_GetObjectItem(p, "give_up_step");
    cr_assert_str_eq(cJSON_GetObjectItem(x, "stage")->valuestring, "step");
    cr_assert_eq(cJSON_GetObjectItem(x, "step")->valueint, 1);
    cr_assert_str_eq(cJSON_GetObjectItem(x, "title")->valuestring, "填写信息");
    x = cJSON_GetObjectItem(p, "ratings");
    cr_assert_float_eq(cJSON_GetObjectItem(x, "average")->valuedouble, 4.33, 1e-9);
    cr_assert_float_eq(cJSON_GetObjectItem(p, "average_rating")->valuedouble, 4.33, 1e-9);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(x, "scores")), 5);
    p = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "procedures"), 1);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(p, "give_up_step")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "ratings"), "average")));
    cJSON_Delete(root);
}

Test(stats, dates)
{
    int d = 0;

    cr_assert_eq(stats_date_parse("2026-03-10", &d), 0);
    cr_assert_eq(d, 20260310);
    cr_assert_eq(stats_date_parse("2024-02-29", &d), 0);
    cr_assert_eq(stats_date_parse("2026-02-29", &d), -1);
    cr_assert_eq(stats_date_parse("2026-04-31", &d), -1);
    cr_assert_eq(stats_date_parse("2026-13-01", &d), -1);
    cr_assert_eq(stats_date_parse("2026-00-10", &d), -1);
    cr_assert_eq(stats_date_parse("2026-3-10", &d), -1);
    cr_assert_eq(stats_date_parse("2026-03-10x", &d), -1);
    cr_assert_eq(stats_date_parse("2026/03/10", &d), -1);
    cr_assert_eq(stats_date_parse("1999-12-31", &d), -1);
    /* the years' bounds are inclusive; 2000 is a leap year, 2100 is not */
    cr_assert_eq(stats_date_parse("2000-01-01", &d), 0);
    cr_assert_eq(d, 20000101);
    cr_assert_eq(stats_date_parse("2999-12-31", &d), 0);
    cr_assert_eq(d, 29991231);
    cr_assert_eq(stats_date_parse("3000-01-01", &d), -1);
    cr_assert_eq(stats_date_parse("2000-02-29", &d), 0);
    cr_assert_eq(stats_date_parse("2100-02-29", &d), -1);
    cr_assert_eq(stats_date_parse("+026-03-10", &d), -1);
    cr_assert_eq(stats_date_parse("", &d), -1);
    cr_assert_eq(stats_date_parse(NULL, &d), -1);
    cr_assert_eq(stats_range_days(20260310, 20260310), 1);
    cr_assert_eq(stats_range_days(20240101, 20241231), 366);
    cr_assert_eq(stats_range_days(20260228, 20260301), 2);
    cr_assert_eq(stats_range_days(20260311, 20260310), 0);
}

Test(stats, default_range_is_the_last_30_local_days)
{
    int from, to;

    setenv("TZ", "CST-8", 1);
    tzset();
    /* 2026-03-01 20:00 UTC is 03-02 04:00 in the hall */
    stats_range_default(utc(2026, 3, 1, 20, 0, 0), &from, &to);
    cr_assert_eq(to, 20260302);
    cr_assert_eq(from, 20260201);
    cr_assert_eq(stats_range_days(from, to), STATS_DAYS_DEFAULT);
}

Test(stats, csv_quotes_and_defuses_formulas)
{
    struct stats_step steps[2] = {{(char *)"准备", 3.25, 4}, {(char *)"", -1, 0}};
    struct stats_giveup gu = {SWEEP_STAGE_STEP, 1, (char *)"填写, \"信息\"", 2};
    struct stats_proc procs[2];
    struct stats_report r = {.from = 20260301, .to = 20260331, .procs = procs, .n_procs = 2};
    static const char want[] =
        "\xEF\xBB\xBF"
        "事项编号,事项名称,开始,提交,办结,放弃,最多放弃于,在该处放弃,评价数,平均评分,"
        "1分,2分,3分,4分,5分,期内办结,按期办结,按期办结率,"
        "计入满意率的评价数,计入满意率的平均评分,好评率(计入满意率的),"
        "计入满意率的1分,计入满意率的2分,计入满意率的3分,计入满意率的4分,计入满意率的5分,"
        "工作人员登录的浏览器评价(不计满意率),未交到大厅的办件评价(不计满意率),"
        "第1步用时中位数(分钟),第2步用时中位数(分钟)\r\n"
        "a,\"甲, \"\"乙\"\"\",5,3,2,1,\"第2步 填写, \"\"信息\"\"\",2,4,3.50,1,0,0,2,1,3,2,66.7%,"
        "2,2.50,50.0%,1,0,0,1,0,1,1,3.3,\r\n"
        "b,\"'=1+1\",0,0,0,0,,,0,,0,0,0,0,0,0,0,,0,,,0,0,0,0,0,0,0,,\r\n";
    size_t len = 0;
    char *csv;

    memset(procs, 0, sizeof procs);
    snprintf(procs[0].id, sizeof procs[0].id, "a");
    procs[0].title = (char *)"甲, \"乙\"";
    procs[0].started = 5;
    procs[0].submitted = 3;
    procs[0].completed = 2;
    procs[0].abandoned = 1;
    procs[0].steps = steps;
    procs[0].n_steps = 2;
    procs[0].give_up = &gu;
    procs[0].n_give_up = 1;
    procs[0].ratings = 4;
    procs[0].rating_sum = 14;
    procs[0].scores[0] = 1;
    procs[0].scores[3] = 2;
    procs[0].scores[4] = 1;
    /* 满意率's own (schema/043): the 1 and a 4 counted, the 5 a staff
     * session's and a 4 of a case never handed in kept apart */
    procs[0].counted[0] = 1;
    procs[0].counted[3] = 1;
    procs[0].apart_staff = 1;
    procs[0].apart_not_handed_in = 1;
    procs[0].finished = 3;
    procs[0].on_time = 2;
    snprintf(procs[1].id, sizeof procs[1].id, "b");
    procs[1].title = (char *)"=1+1";
    csv = stats_csv(&r, &len);
    cr_assert_not_null(csv);
    cr_assert_eq(len, strlen(csv));
    cr_assert_str_eq(csv, want);
    free(csv);
}

/* ---- a step the window returned (review finding 4) --------------------------- */

static void event_at(const char *id, const char *what, time_t at)
{
    char iso[32];

    casedb_exec(&t, "UPDATE case_events SET at = '%s' WHERE case_id = '%s' AND what = '%s'",
                casedb_iso(at, iso), id, what);
}

/* Handed in, returned two hours later with the name flagged (step 1 is
 * done again), corrected four minutes after the return, handed in again. */
Test(stats, a_returned_step_counts_from_the_return, .init = setup, .fini = teardown)
{
    static const char *const name[] = {"name"};
    const struct window_flags flags = {name, 1, false};
    const struct stats_proc *p;
    struct stats_report r;
    struct refusal e;
    char id[33];

    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 4);
    submit(id);
    cr_assert_eq(window_return(t.db, id, "wang", "姓名与身份证不一致", &flags, NULL, &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_steps WHERE case_id = '%s'", id), 2,
                 "the window took step 1 out");
    casedb_step(&t, id, 1, "{\"fields\":{\"name\":\"张晓梅\",\"proxy\":false}}");
    submit(id);
    stamp(id, T0, T0 + 3 * HOUR);
    conditions_at(id, T0 + 1 * MIN);
    step_at(id, 0, T0 + 3 * MIN);
    step_at(id, 3, T0 + 9 * MIN);
    event_at(id, "returned", T0 + 2 * HOUR);
    step_at(id, 1, T0 + 2 * HOUR + 4 * MIN);

    collect(&r, "test");
    p = &r.procs[0];
    cr_assert_float_eq(p->steps[0].median, 2.0, 1e-9);
    /* not 2 h 1 min from step 0, queue and all */
    cr_assert_eq(p->steps[1].samples, 1);
    cr_assert_float_eq(p->steps[1].median, 4.0, 1e-9);
    /* step 3 was accepted before step 1's new acceptance: left out */
    cr_assert_eq(p->steps[3].samples, 0);
    stats_report_free(&r);
}

/* ---- where it stopped is unknown (finding 5) ---------------------------------- */

Test(stats, a_case_whose_stop_is_unknown_counts_but_not_in_give_up, .init = setup,
     .fini = teardown)
{
    const struct stats_proc *p;
    struct stats_report r;
    char id[33], broken[33], b[256];

    /* the sweep could not read the version: its event says -1 */
    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 1);
    stamp(id, T0, T0);
    casedb_exec(&t, "UPDATE cases SET status = 'abandoned' WHERE id = '%s'", id);
    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, step)"
                    " VALUES ('%s', '%s', 'abandoned', %d)", id, casedb_iso(T0 + HOUR, b),
                SWEEP_STEP_UNKNOWN);
    /* this cannot read it: step 4 may be a step or "all done" */
    casedb_case(&t, "test", broken);
    casedb_walk(&t, broken, 4);
    stamp(broken, T0, T0);
    casedb_exec(&t, "INSERT INTO procedure_versions (procedure_id, hash, source, category, kind,"
                    " title, ord, review_by, detail_json, item_json, print_html, render_version,"
                    " first_loaded) SELECT procedure_id, 'broken', CAST('not a procedure' AS BLOB),"
                    " category, kind, title, ord, review_by, detail_json, item_json, print_html,"
                    " render_version, first_loaded FROM procedure_versions WHERE procedure_id = 'test'");
    casedb_exec(&t, "UPDATE cases SET hash = 'broken', status = 'abandoned' WHERE id = '%s'", broken);
    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, step)"
                    " VALUES ('%s', '%s', 'abandoned', 4)", broken, casedb_iso(T0 + HOUR, b));

    collect(&r, "test");
    p = &r.procs[0];
    cr_assert_eq(p->abandoned, 2);
    cr_assert_eq(p->n_give_up, 0, "first: %d %d", p->n_give_up ? (int)p->give_up[0].stage : -9,
                 p->n_give_up ? p->give_up[0].step : -9);
    stats_report_free(&r);
}

/* ---- handed in, then forgotten (finding 7) ------------------------------------ */

Test(stats, a_handed_in_case_the_sweep_abandons_gave_up_at_the_window, .init = setup,
     .fini = teardown)
{
    const struct stats_proc *p;
    struct stats_report r;
    struct sweep_result res;
    char id[33];

    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 4);
    submit(id);
    stamp(id, T0, T0);
    cr_assert_eq(sweep_run(t.db, T0 + 31 * 86400, 30, &res), 0);
    cr_assert_eq(res.stale, 1);
    collect(&r, "test");
    p = &r.procs[0];
    cr_assert_eq(p->abandoned, 1);
    cr_assert_eq(p->submitted, 1);
    cr_assert_eq(p->n_give_up, 1);
    cr_assert_eq(p->give_up[0].stage, SWEEP_STAGE_WINDOW);
    cr_assert_str_eq(p->give_up[0].title, "窗口受理");
    stats_report_free(&r);
}

/* ---- 按期办结 and working days per stage (issue #10) ------------------------ */

/* A local time (UTC+8) as stored. */
static const char *local_at(char out[32], int mo, int d, int h, int m, int s)
{
    clock_utc(utc(2026, mo, d, h, m, s) - 8 * HOUR, out);
    return out;
}

/* A stage done at noon local on June done_day (July for done_day > 30). */
static void stage_row(const char *id, int idx, const char *key, int days, const char *begun,
                      const char *due, int done_day)
{
    char at[32];

    if (done_day > 30)
        local_at(at, 7, done_day - 30, 12, 0, 0);
    else
        local_at(at, 6, done_day, 12, 0, 0);
    casedb_exec(&t, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due,"
                    " done_at, done_by) VALUES ('%s', %d, '%s', '%s', 'window', %d, '%s', '%s', %s%s%s,"
                    " 'wang')", id, idx, key, idx ? "审核" : "受理", days, begun, due,
                done_day ? "'" : "", done_day ? at : "NULL", done_day ? "'" : "");
}

static void completed_at(const char *id, const char *due, int mo, int d, int h, int m, int s)
{
    char at[32];

    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, channel, user)"
                    " VALUES ('%s', '%s', 'completed', 'window', 'wang')", id,
                local_at(at, mo, d, h, m, s));
    if (due)
        casedb_exec(&t, "UPDATE cases SET due = '%s' WHERE id = '%s'", due, id);
}

Test(stats, on_time_rate_and_working_days_per_stage, .init = setup, .fini = teardown)
{
    /* June 2026: the 19th (a Friday) is a holiday, Sunday the 28th worked */
    static const char cal_md[] = "# 2026\n\n- 2026-06-19 休\n- 2026-06-28 班\n";
    char x[33], y[33], z[33], w[33], v[33], u[33];
    struct stats_query q = {.from = 20260601, .to = 20260630, .procedure = "test", .now = NOW};
    struct diag_list dl;
    struct workdays *cal = NULL;
    struct stats_report r;
    const struct stats_proc *p;

    memset(&dl, 0, sizeof dl);
    cr_assert_eq(workdays_parse("_calendar.md", cal_md, strlen(cal_md), &cal, &dl), 0);
    diag_list_free(&dl);
    casedb_case(&t, "test", x);
    casedb_case(&t, "test", y);
    casedb_case(&t, "test", z);
    casedb_case(&t, "test", w);
    casedb_case(&t, "test", v);
    casedb_case(&t, "test", u);
    /* accept (1 day): 1, 0, 0, 2 working days: median 0.5 */
    stage_row(x, 0, "accept", 1, "2026-06-01", "2026-06-02", 2);
    stage_row(y, 0, "accept", 1, "2026-06-15", "2026-06-16", 15);
    stage_row(z, 0, "accept", 1, "2026-06-01", "2026-06-02", 1);
    stage_row(w, 0, "accept", 1, "2026-06-08", "2026-06-09", 10);
    /* review (3 days): X the 3rd..8th = 4; Y the 16th..22nd past the
     * holiday = 4; Z resumed on the 24th with 1 day left (2 used before),
     * the 25th..29th with the worked Sunday = 4 + 2 = 6; W done in July and
     * V not done: not counted. Median 4 (5 without the calendar). */
    stage_row(x, 1, "review", 3, "2026-06-02", "2026-06-05", 8);
    stage_row(y, 1, "review", 3, "2026-06-15", "2026-06-18", 22);
    stage_row(z, 1, "review", 3, "2026-06-24", "2026-06-25", 29);
    stage_row(w, 1, "review", 3, "2026-06-10", "2026-06-15", 32);
    stage_row(v, 0, "accept", 1, "2026-06-29", "2026-06-30", 0);
    /* finished: X on its due day, Y late a second before midnight, Z
     * early; V has no due; U finished a second into July */
    completed_at(x, "2026-06-08", 6, 8, 10, 0, 0);
    completed_at(y, "2026-06-19", 6, 22, 23, 59, 59);
    completed_at(z, "2026-06-30", 6, 29, 12, 0, 0);
    completed_at(v, NULL, 6, 30, 23, 59, 59);
    completed_at(u, "2026-07-01", 7, 1, 0, 0, 1);

    q.cal = cal;
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    cr_assert_eq(r.n_procs, 1);
    p = &r.procs[0];
    cr_assert_eq(p->finished, 3);
    cr_assert_eq(p->on_time, 2);
    cr_assert_eq(p->n_stages, 2);
    cr_assert_str_eq(p->stages[0].key, "accept");
    cr_assert_str_eq(p->stages[0].label, "受理");
    cr_assert_float_eq(p->stages[0].median, 0.5, 1e-9);
    cr_assert_eq(p->stages[0].count, 4);
    cr_assert_str_eq(p->stages[1].key, "review");
    cr_assert_str_eq(p->stages[1].label, "审核");
    cr_assert_float_eq(p->stages[1].median, 4, 1e-9);
    cr_assert_eq(p->stages[1].count, 3);
    {
        char *json = stats_json(&r);
        cr_assert_not_null(json);
        cr_assert_not_null(strstr(json, "\"finished\":3,\"on_time\":2,\"on_time_rate\":0.6667,"
                                        "\"stages\":[{\"key\":\"accept\",\"label\":\"受理\",\"median\":0.5,"
                                        "\"count\":4},{\"key\":\"review\",\"label\":\"审核\",\"median\":4,"
                                        "\"count\":3}]"), "%s", json);
        free(json);
    }
    stats_report_free(&r);

    /* the same without the calendar: the holiday works, the Sunday rests */
    q.cal = NULL;
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    cr_assert_float_eq(r.procs[0].stages[1].median, 5, 1e-9);
    stats_report_free(&r);
    workdays_free(cal);
}

/* Call-backs by their own dates: a complaint closed only after the
 * range's end was still open at it, one closed in the range is done, not
 * open. A retired item whose only figure in the range is a call-back
 * recorded in it is still listed. */
Test(stats, complaints_open_at_the_ranges_end_and_a_retired_items_call_back, .init = setup,
     .fini = teardown)
{
    struct stats_query q = {.from = 20260601, .to = 20260630, .now = NOW};
    char x[33], y[33], z[33], s[33];
    struct stats_report r;
    const struct stats_proc *p;

    casedb_case(&t, "test", x);
    casedb_case(&t, "test", y);
    casedb_case(&t, "test", z);
    casedb_case(&t, "simple", s);
    stamp(s, utc(2026, 5, 1, 2, 0, 0), utc(2026, 5, 1, 2, 0, 0));
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, done_at, done_on, done_by,"
                    " result) VALUES ('%s', 'complaint', '2026-06-20', '2026-06-10T02:00:00Z',"
                    " '2026-06-30T16:00:00Z', '2026-07-01', 'wang', 'satisfied')", x);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, done_at, done_on, done_by,"
                    " result) VALUES ('%s', 'complaint', '2026-06-20', '2026-06-10T02:00:00Z',"
                    " '2026-06-20T02:00:00Z', '2026-06-20', 'wang', 'unsatisfied')", y);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at) VALUES"
                    " ('%s', 'complaint', '2026-06-20', '2026-06-10T02:00:00Z')", z);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, done_at, done_on, done_by,"
                    " result) VALUES ('%s', 'routine', '2026-06-05', '2026-05-20T02:00:00Z',"
                    " '2026-06-05T02:00:00Z', '2026-06-05', 'wang', 'satisfied')", s);
    casedb_exec(&t, "UPDATE procedures SET status = 'retired' WHERE id = 'simple'");
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    p = find(&r, "test");
    cr_assert_not_null(p);
    cr_assert_eq(p->complaints_open, 2, "open at the range's end: x (closed after it) and z");
    cr_assert_eq(p->followups_done, 1);
    cr_assert_eq(p->followups_unsatisfied, 1);
    p = find(&r, "simple");
    cr_assert_not_null(p, "a retired item with a call-back recorded in the range");
    cr_assert(!p->live);
    cr_assert_eq(p->started, 0);
    cr_assert_eq(p->followups_done, 1);
    cr_assert_eq(p->followups_satisfied, 1);
    stats_report_free(&r);
}

/* The range ends at the first instant after its last local day: a chain
 * finished, a stage done and a complaint opened at 00:00:00 on July 1st
 * are not in a June range. */
Test(stats, the_first_instant_after_the_range_is_out_of_it, .init = setup, .fini = teardown)
{
    struct stats_query q = {.from = 20260601, .to = 20260630, .procedure = "test", .now = NOW};
    char x[33], at[32];
    struct stats_report r;

    casedb_case(&t, "test", x);
    completed_at(x, "2026-07-10", 7, 1, 0, 0, 0);
    casedb_exec(&t, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due,"
                    " done_at, done_by) VALUES ('%s', 0, 'accept', '受理', 'window', 1, '2026-06-29',"
                    " '2026-06-30', '%s', 'wang')", x, local_at(at, 7, 1, 0, 0, 0));
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at) VALUES"
                    " ('%s', 'complaint', '2026-07-20', '%s')", x, local_at(at, 7, 1, 0, 0, 0));
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    cr_assert_eq(r.n_procs, 1);
    cr_assert_eq(r.procs[0].finished, 0);
    cr_assert_eq(r.procs[0].n_stages, 0);
    cr_assert_eq(r.procs[0].complaints_open, 0);
    stats_report_free(&r);
}

/* ---- second mutation review of src/stats.c ------------------------------------ */

/* A cell starting with @ is a formula too; a line break inside a cell
 * must be quoted or it would start a new row. */
Test(stats, csv_text_defuses_at_and_quotes_line_breaks)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(stats_csv_text(&sb, "@SUM(A1)"), 0);
    cr_assert_eq(strbuf_putc(&sb, ','), 0);
    cr_assert_eq(stats_csv_text(&sb, ""), 0);
    cr_assert_eq(strbuf_putc(&sb, ','), 0);
    cr_assert_eq(stats_csv_text(&sb, "一\n二"), 0);
    cr_assert_str_eq(sb.data, "\"'@SUM(A1)\",,\"一\n二\"", "an empty cell stays empty");
    strbuf_free(&sb);
}

/* A median of 0 minutes (a step done in the second it was entered) is a
 * figure, not "no samples": the CSV writes 0.0 and the JSON 0; the JSON
 * rounds medians to a tenth of a minute. A stop at step 0 has step 0;
 * a single rating has an average. */
Test(stats, a_zero_median_is_written_and_medians_round_to_a_tenth)
{
    struct stats_step steps[2] = {{(char *)"准备", 0, 2}, {(char *)"填写", 3.26, 3}};
    struct stats_giveup gu = {SWEEP_STAGE_STEP, 0, (char *)"准备", 1};
    struct stats_proc proc;
    struct stats_report r = {.from = 20260301, .to = 20260331, .procs = &proc, .n_procs = 1};
    size_t len = 0;
    char *out;

    memset(&proc, 0, sizeof proc);
    snprintf(proc.id, sizeof proc.id, "a");
    proc.title = (char *)"甲";
    proc.steps = steps;
    proc.n_steps = 2;
    proc.give_up = &gu;
    proc.n_give_up = 1;
    proc.ratings = 1;
    proc.rating_sum = 4;
    proc.scores[3] = 1;
    out = stats_csv(&r, &len);
    cr_assert_not_null(out);
    cr_assert_not_null(strstr(out, ",1,4.00,0,0,0,1,0,"), "one rating has an average: %s", out);
    cr_assert(len > 8 && strcmp(out + len - 10, ",0.0,3.3\r\n") == 0, "%s", out);
    free(out);
    out = stats_json(&r);
    cr_assert_not_null(out);
    cr_assert_not_null(strstr(out, "\"median_minutes_per_step\":[0,3.3]"), "%s", out);
    cr_assert_not_null(strstr(out, "\"give_up_step\":{\"stage\":\"step\",\"step\":0,"), "%s", out);
    free(out);
}

/* Abandoned where their last event says: two at step 1 (created earlier)
 * and one at the conditions (created last, so read first): the most
 * frequent stop comes first even with only two kinds of stop. */
static void abandoned_at(const char *id, time_t created, const char *step)
{
    char b[32];

    stamp(id, created, created);
    casedb_exec(&t, "UPDATE cases SET status = 'abandoned' WHERE id = '%s'", id);
    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, step) VALUES ('%s', '%s',"
                    " 'abandoned', %s)", id, casedb_iso(created + HOUR, b), step);
}

Test(stats, two_kinds_of_stop_are_ordered_by_count, .init = setup, .fini = teardown)
{
    char a[33], b[33], c[33];
    struct stats_report r;
    const struct stats_proc *p;

    casedb_case(&t, "test", a);
    casedb_walk(&t, a, 1);
    /* an older abandonment (reopened since) at step 3: the last one counts */
    abandoned_at(a, T0 - HOUR, "3");
    abandoned_at(a, T0, "1");
    casedb_case(&t, "test", b);
    casedb_walk(&t, b, 1);
    abandoned_at(b, T0 + MIN, "1");
    casedb_case(&t, "test", c);
    abandoned_at(c, T0 + 2 * MIN, "NULL");
    collect(&r, "test");
    p = &r.procs[0];
    cr_assert_eq(p->n_give_up, 2);
    cr_assert_eq(p->give_up[0].stage, SWEEP_STAGE_STEP);
    cr_assert_eq(p->give_up[0].step, 1);
    cr_assert_eq(p->give_up[0].count, 2);
    cr_assert_eq(p->give_up[1].stage, SWEEP_STAGE_CONDITIONS);
    stats_report_free(&r);
}

/* The sweep's event at the index one past the last step (4 for "test")
 * means every step was done and the case was not handed in: "提交". A
 * case idle there and not swept yet stopped at the same place: one entry
 * of 2, with no step index. */
Test(stats, an_event_past_the_last_step_is_the_submit_stage, .init = setup, .fini = teardown)
{
    char a[33], b[33];
    struct stats_report r;
    const struct stats_proc *p;

    casedb_case(&t, "test", a);
    casedb_walk(&t, a, 4);
    abandoned_at(a, T0, "4");
    casedb_case(&t, "test", b);
    casedb_walk(&t, b, 4);
    stamp(b, T0, T0);
    collect(&r, "test");
    p = &r.procs[0];
    cr_assert_eq(p->abandoned, 2);
    cr_assert_eq(p->n_give_up, 1);
    cr_assert_eq(p->give_up[0].count, 2);
    cr_assert_eq(p->give_up[0].stage, SWEEP_STAGE_SUBMIT);
    cr_assert_eq(p->give_up[0].step, -1);
    cr_assert_str_eq(p->give_up[0].title, "提交");
    stats_report_free(&r);
}

/* Conditions confirmed in the same second the first step was accepted:
 * the step took 0 minutes, not the time since the case began. A step row
 * at an index no procedure can have (a stray row) is left out. */
Test(stats, a_step_accepted_in_the_second_of_the_confirmation_took_no_time, .init = setup,
     .fini = teardown)
{
    char a[33], b[32];
    struct stats_report r;
    const struct stats_proc *p;

    casedb_case(&t, "test", a);
    casedb_walk(&t, a, 1);
    stamp(a, T0, T0 + 5 * MIN);
    conditions_at(a, T0 + 5 * MIN);
    step_at(a, 0, T0 + 5 * MIN);
    casedb_exec(&t, "INSERT INTO case_steps (case_id, step, at) VALUES ('%s', 1000, '%s')", a,
                casedb_iso(T0 + 6 * MIN, b));
    collect(&r, "test");
    p = &r.procs[0];
    cr_assert_eq(p->n_steps, 4);
    cr_assert_eq(p->steps[0].samples, 1);
    cr_assert_float_eq(p->steps[0].median, 0, 1e-9);
    stats_report_free(&r);
}

/* Stages are listed in chain order, not by key, even when there are only
 * two; a key found at several indexes (another version) takes its
 * smallest. "review" was at index 0 in an older version, at 2 in the
 * latest; "accept" is at 1: review comes first. */
Test(stats, two_stages_in_chain_order_by_a_keys_smallest_index, .init = setup,
     .fini = teardown)
{
    struct stats_query q = {.from = 20260601, .to = 20260630, .procedure = "test", .now = NOW};
    char x[33], y[33];
    struct stats_report r;
    const struct stats_proc *p;

    casedb_case(&t, "test", x);
    casedb_case(&t, "test", y);
    stage_row(x, 0, "review", 1, "2026-06-01", "2026-06-02", 2);
    stage_row(y, 2, "review", 1, "2026-06-08", "2026-06-09", 9);
    stage_row(y, 1, "accept", 1, "2026-06-01", "2026-06-02", 3);
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    p = &r.procs[0];
    cr_assert_eq(p->n_stages, 2);
    cr_assert_str_eq(p->stages[0].key, "review");
    cr_assert_str_eq(p->stages[0].label, "审核", "the label of the latest done");
    cr_assert_eq(p->stages[0].idx, 0);
    cr_assert_eq(p->stages[0].count, 2);
    cr_assert_str_eq(p->stages[1].key, "accept");
    stats_report_free(&r);
}

/* The range starts at local midnight of its first day, included: a case
 * begun, a chain finished, a call-back recorded and a case given up at
 * 00:00:00 on June 1st are in a June range. A retired item is listed for
 * a stage done at that instant, for a call-back recorded at it, and for a
 * complaint closed only at the first instant after the range. */
Test(stats, the_first_instant_of_the_range_is_in_it, .init = setup, .fini = teardown)
{
    struct stats_query q = {.from = 20260601, .to = 20260630, .now = NOW};
    char x[33], y[33], s[33], at[32], end[32];
    struct stats_report r;
    const struct stats_proc *p;

    local_at(at, 6, 1, 0, 0, 0);
    casedb_case(&t, "test", x);
    casedb_exec(&t, "UPDATE cases SET created_at = '%s', updated_at = '%s', status = 'completed'"
                    " WHERE id = '%s'", at, at, x);
    completed_at(x, "2026-06-10", 6, 1, 0, 0, 0);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, done_at, done_on, done_by,"
                    " result) VALUES ('%s', 'routine', '2026-06-01', '%s', '%s', '2026-06-01', 'wang',"
                    " 'satisfied')", x, at, at);
    casedb_exec(&t, "INSERT INTO ratings (case_id, score, comment, at) VALUES ('%s', 5, '', '%s')",
                x, at);
    casedb_exec(&t, "INSERT INTO case_steps (case_id, step, at) VALUES ('%s', 0, '%s')", x,
                local_at(end, 6, 1, 0, 2, 0));
    casedb_case(&t, "test", y);
    casedb_exec(&t, "UPDATE cases SET created_at = '%s', updated_at = '%s', status = 'abandoned'"
                    " WHERE id = '%s'", at, at, y);
    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, step) VALUES ('%s', '%s',"
                    " 'abandoned', NULL)", y, at);
    casedb_case(&t, "simple", s);
    stamp(s, utc(2026, 5, 1, 2, 0, 0), utc(2026, 5, 1, 2, 0, 0));
    casedb_exec(&t, "UPDATE procedures SET status = 'retired' WHERE id = 'simple'");
    casedb_exec(&t, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due,"
                    " done_at, done_by) VALUES ('%s', 0, 'accept', '受理', 'window', 1, '2026-05-29',"
                    " '2026-06-01', '%s', 'wang')", s, at);

    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    p = find(&r, "test");
    cr_assert_not_null(p);
    cr_assert_eq(p->started, 2);
    cr_assert_eq(p->abandoned, 1);
    cr_assert_eq(p->n_give_up, 1);
    cr_assert_eq(p->finished, 1);
    cr_assert_eq(p->on_time, 1);
    cr_assert_eq(p->followups_done, 1);
    cr_assert_eq(p->ratings, 1);
    cr_assert_eq(p->steps[0].samples, 1);
    cr_assert_float_eq(p->steps[0].median, 2, 1e-9);
    p = find(&r, "simple");
    cr_assert_not_null(p, "a retired item with a stage done at the range's first instant");
    cr_assert_eq(p->n_stages, 1);
    stats_report_free(&r);

    casedb_exec(&t, "DELETE FROM case_stages");
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, done_at, done_on, done_by,"
                    " result) VALUES ('%s', 'routine', '2026-06-01', '2026-05-20T02:00:00Z', '%s',"
                    " '2026-06-01', 'wang', 'satisfied')", s, at);
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    p = find(&r, "simple");
    cr_assert_not_null(p, "a retired item with a call-back recorded at the range's first instant");
    cr_assert_eq(p->followups_done, 1);
    stats_report_free(&r);

    casedb_exec(&t, "DELETE FROM followups WHERE case_id = '%s'", s);
    local_at(end, 7, 1, 0, 0, 0);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, done_at, done_on, done_by,"
                    " result) VALUES ('%s', 'complaint', '2026-06-20', '2026-06-10T02:00:00Z', '%s',"
                    " '2026-07-01', 'wang', 'satisfied')", s, end);
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    p = find(&r, "simple");
    cr_assert_not_null(p, "a retired item with a complaint open at the range's end");
    cr_assert_eq(p->complaints_open, 1);
    stats_report_free(&r);

    casedb_exec(&t, "DELETE FROM followups WHERE case_id = '%s'", s);
    casedb_exec(&t, "UPDATE cases SET created_at = '%s' WHERE id = '%s'", at, s);
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    p = find(&r, "simple");
    cr_assert_not_null(p, "a retired item with a case begun at the range's first instant");
    cr_assert_eq(p->started, 1);
    stats_report_free(&r);

    local_at(end, 7, 1, 0, 0, 0);
    casedb_exec(&t, "UPDATE cases SET created_at = '%s' WHERE id = '%s'", end, s);
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    cr_assert_null(find(&r, "simple"), "a case begun at the first instant after the range");
    stats_report_free(&r);
}

/* Each procedure's step minutes are its own, when two procedures both
 * have samples at the same step index. */
Test(stats, step_minutes_stay_with_their_procedure, .init = setup, .fini = teardown)
{
    char a[33], s[33], b[32];
    struct stats_report r;

    casedb_case(&t, "test", a);
    stamp(a, T0, T0);
    casedb_exec(&t, "INSERT INTO case_steps (case_id, step, at) VALUES ('%s', 0, '%s')", a,
                casedb_iso(T0 + 3 * MIN, b));
    casedb_case(&t, "simple", s);
    stamp(s, T0, T0);
    casedb_exec(&t, "INSERT INTO case_steps (case_id, step, at) VALUES ('%s', 0, '%s')", s,
                casedb_iso(T0 + 7 * MIN, b));
    collect(&r, NULL);
    cr_assert_eq(find(&r, "test")->steps[0].samples, 1);
    cr_assert_float_eq(find(&r, "test")->steps[0].median, 3, 1e-9);
    cr_assert_eq(find(&r, "simple")->steps[0].samples, 1);
    cr_assert_float_eq(find(&r, "simple")->steps[0].median, 7, 1e-9);
    stats_report_free(&r);
}

/* A case idle for exactly the idle time is not abandoned yet, as the
 * sweep (updated_at < now - SWEEP_IDLE_SECONDS) has it. */
Test(stats, idle_for_exactly_the_idle_time_is_not_abandoned, .init = setup, .fini = teardown)
{
    char a[33];
    struct stats_report r;

    casedb_case(&t, "test", a);
    stamp(a, T0, NOW - SWEEP_IDLE_SECONDS);
    collect(&r, "test");
    cr_assert_eq(r.procs[0].started, 1);
    cr_assert_eq(r.procs[0].abandoned, 0);
    cr_assert_eq(r.procs[0].n_give_up, 0);
    stats_report_free(&r);
}

/* Days are the hall's: a chain finished and a stage done at 00:30 local
 * on June 9th (16:30 UTC on the 8th) were finished on the 9th, a day
 * after the due of the 8th, and the stage begun on the 8th used 1 day. */
Test(stats, local_dates_for_on_time_and_stage_days, .init = setup, .fini = teardown)
{
    struct stats_query q = {.from = 20260601, .to = 20260630, .procedure = "test", .now = NOW};
    char x[33], at[32];
    struct stats_report r;

    casedb_case(&t, "test", x);
    completed_at(x, "2026-06-08", 6, 9, 0, 30, 0);
    casedb_exec(&t, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due,"
                    " done_at, done_by) VALUES ('%s', 0, 'accept', '受理', 'window', 1, '2026-06-08',"
                    " '2026-06-09', '%s', 'wang')", x, local_at(at, 6, 9, 0, 30, 0));
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    cr_assert_eq(r.procs[0].finished, 1);
    cr_assert_eq(r.procs[0].on_time, 0);
    cr_assert_eq(r.procs[0].n_stages, 1);
    cr_assert_float_eq(r.procs[0].stages[0].median, 1, 1e-9);
    stats_report_free(&r);

    /* a stage done on a day before the one it is recorded to have begun
     * used no days, not -1 */
    casedb_exec(&t, "UPDATE case_stages SET begun_on = '2026-06-10', due = '2026-06-11'");
    cr_assert_eq(stats_collect(t.db, &q, &r), 0);
    cr_assert_float_eq(r.procs[0].stages[0].median, 0, 1e-9);
    stats_report_free(&r);
}

/* Stops as frequent as each other, both at steps, come in step order. */
Test(stats, equal_stops_at_steps_come_in_step_order, .init = setup, .fini = teardown)
{
    char a[33], b[33];
    struct stats_report r;
    const struct stats_proc *p;

    casedb_case(&t, "test", a);
    casedb_walk(&t, a, 1);
    abandoned_at(a, T0, "1");
    casedb_case(&t, "test", b);
    casedb_walk(&t, b, 3);
    abandoned_at(b, T0 + MIN, "3");
    collect(&r, "test");
    p = &r.procs[0];
    cr_assert_eq(p->n_give_up, 2);
    cr_assert_eq(p->give_up[0].step, 1);
    cr_assert_eq(p->give_up[1].step, 3);
    stats_report_free(&r);
}
