/* Unit tests of the sweep: when an open case counts as abandoned and where
 * its event says the resident stopped; what retention erases, what it keeps,
 * and when; batches beyond one transaction. The test drives the clock. */
#include <criterion/criterion.h>

#include "casedb.h"
#include "sweep.h"

#define HOUR 3600
#define DAY 86400

static struct casedb t;

static void setup(void)
{
    casedb_open(&t);
}

static void teardown(void)
{
    casedb_close(&t);
}

TestSuite(sweep, .init = setup, .fini = teardown);

static struct sweep_result run(time_t now, int days)
{
    struct sweep_result r;

    cr_assert_eq(sweep_run(t.db, now, days, &r), 0);
    return r;
}

Test(sweep, open_case_is_abandoned_after_an_idle_hour_not_before)
{
    char id[CASE_ID_LEN + 1], b[256], iso[32];
    time_t t0 = time(NULL) - 10 * DAY;
    struct sweep_result r;

    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 1);
    casedb_at(&t, id, t0);
    r = run(t0 + HOUR - 1, 30);
    cr_assert_eq(r.abandoned, 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status FROM cases WHERE id = '%s'", id), "open");
    r = run(t0 + HOUR + 1, 30);
    cr_assert_eq(r.abandoned, 1);
    cr_assert_eq(r.erased, 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status FROM cases WHERE id = '%s'", id),
                     "abandoned");
    /* given up when the hour ran out, whenever the sweep saw it */
    cr_assert_str_eq(casedb_text(&t, b, "SELECT updated_at FROM cases WHERE id = '%s'", id),
                     casedb_iso(t0 + HOUR, iso));
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_events WHERE case_id = '%s'"
                                " AND what = 'abandoned' AND at = '%s' AND user IS NULL"
                                " AND detail IS NULL", id, iso), 1);
    /* nothing more to do: a second run changes nothing */
    r = run(t0 + 2 * HOUR, 30);
    cr_assert_eq(r.abandoned, 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_events WHERE what = 'abandoned'"), 1);
}

Test(sweep, activity_keeps_a_case_open)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 10 * DAY;

    casedb_case(&t, "test", id);
    casedb_at(&t, id, t0);
    /* a later step is activity: the hour counts from it */
    casedb_exec(&t, "UPDATE cases SET updated_at = '%s' WHERE id = '%s'",
                casedb_iso(t0 + 50 * 60, b), id);
    cr_assert_eq(run(t0 + HOUR + 60, 30).abandoned, 0);
    cr_assert_eq(run(t0 + 50 * 60 + HOUR + 1, 30).abandoned, 1);
}

/* The window lists cases a staffer is filling in for a day, so that one can
 * be taken up again: those get a day, not an hour. */
Test(sweep, a_case_started_at_the_window_gets_a_day)
{
    char id[CASE_ID_LEN + 1], b[256], iso[32], want[64];
    time_t t0 = time(NULL) - 10 * DAY;

    casedb_case_at(&t, "test", "window", id);
    casedb_walk(&t, id, 1);
    casedb_at(&t, id, t0);
    cr_assert_eq(run(t0 + 2 * HOUR, 30).abandoned, 0);
    cr_assert_eq(run(t0 + DAY - 1, 30).abandoned, 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status FROM cases WHERE id = '%s'", id), "open");
    cr_assert_eq(run(t0 + DAY + 1, 30).abandoned, 1);
    snprintf(want, sizeof want, "abandoned %s", casedb_iso(t0 + DAY, iso));
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status || ' ' || updated_at FROM cases"
                                        " WHERE id = '%s'", id), want);
}

Test(sweep, only_open_cases_are_abandoned)
{
    static const char *const statuses[] = {"waiting", "accepted", "returned", "completed"};
    char id[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 10 * DAY;
    size_t i;

    for (i = 0; i < 4; i++) {
        casedb_case(&t, "simple", id);
        casedb_at(&t, id, t0);
        casedb_exec(&t, "UPDATE cases SET status = '%s' WHERE id = '%s'", statuses[i], id);
    }
    cr_assert_eq(run(t0 + 5 * DAY, 30).abandoned, 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM cases WHERE status = 'abandoned'"), 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT COUNT(*) FROM case_events WHERE what = 'abandoned'"),
                     "0");
}

/* The event's step: NULL at the conditions, the index of the step the
 * resident was on (skipping steps that do not apply), the number of steps
 * when all were done but never handed in. */
Test(sweep, event_records_where_the_resident_stopped)
{
    char at_conditions[CASE_ID_LEN + 1], at_step1[CASE_ID_LEN + 1], at_step3[CASE_ID_LEN + 1];
    char all_done[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 10 * DAY;

    casedb_case(&t, "test", at_conditions);
    casedb_case(&t, "test", at_step1);
    casedb_walk(&t, at_step1, 1);
    casedb_case(&t, "test", at_step3);
    casedb_walk(&t, at_step3, 2);   /* proxy=no: step 2 does not apply */
    casedb_case(&t, "test", all_done);
    casedb_walk(&t, all_done, 4);
    casedb_at(&t, at_conditions, t0);
    casedb_at(&t, at_step1, t0);
    casedb_at(&t, at_step3, t0);
    casedb_at(&t, all_done, t0);
    cr_assert_eq(run(t0 + 2 * HOUR, 30).abandoned, 4);
#define EVENT_STEP(id) \
    casedb_text(&t, b, "SELECT step FROM case_events WHERE case_id = '%s' AND what = 'abandoned'", id)
    cr_assert_str_eq(EVENT_STEP(at_conditions), "NULL");
    cr_assert_str_eq(EVENT_STEP(at_step1), "1");
    cr_assert_str_eq(EVENT_STEP(at_step3), "3");
    cr_assert_str_eq(EVENT_STEP(all_done), "4");
#undef EVENT_STEP
}

Test(sweep, stage_of_a_case)
{
    char id[CASE_ID_LEN + 1];
    enum sweep_stage stage;
    int step;

    casedb_case(&t, "test", id);
    cr_assert_eq(sweep_case_stage(t.db, id, &stage, &step), 0);
    cr_assert_eq(stage, SWEEP_STAGE_CONDITIONS);
    cr_assert_eq(step, -1);
    casedb_walk(&t, id, 1);
    cr_assert_eq(sweep_case_stage(t.db, id, &stage, &step), 0);
    cr_assert_eq(stage, SWEEP_STAGE_STEP);
    cr_assert_eq(step, 1);
    casedb_walk(&t, id, 4);
    cr_assert_eq(sweep_case_stage(t.db, id, &stage, &step), 0);
    cr_assert_eq(stage, SWEEP_STAGE_SUBMIT);
    cr_assert_eq(step, 4);
    cr_assert_eq(sweep_case_stage(t.db, "0123456789abcdef0123456789abcdef", &stage, &step), 1);
    cr_assert_str_eq(sweep_stage_name(SWEEP_STAGE_WINDOW), "window");
}

/* A completed case with everything a person may have typed. */
static void completed_case(char id[CASE_ID_LEN + 1], time_t at)
{
    struct case_err e;
    char *ticket = NULL;

    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 4);
    cr_assert_eq(cases_submit(t.db, id, NULL, &ticket, &e), 0);
    free(ticket);
    cr_assert_eq(cases_rate(t.db, id, 4, "窗口的张阿姨很耐心", &e), 0);
    casedb_exec(&t, "UPDATE cases SET status = 'completed', outcome = '已发放给张晓梅',"
                    " returned_reason = '缺少户口簿' WHERE id = '%s'", id);
    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, user, detail)"
                    " VALUES ('%s', '2026-01-01T00:00:00Z', 'returned', 'wang', '缺少户口簿')", id);
    casedb_at(&t, id, at);
}

static void assert_erased(const char *id)
{
    char b[256];

    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values WHERE case_id = '%s'", id), 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_checklist WHERE case_id = '%s'", id), 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT comment FROM ratings WHERE case_id = '%s'", id), "");
    cr_assert_str_eq(casedb_text(&t, b, "SELECT COALESCE(outcome, returned_reason, ticket, 'none')"
                                        " FROM cases WHERE id = '%s'", id), "none");
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_events WHERE case_id = '%s'"
                                " AND detail IS NOT NULL", id), 0);
    cr_assert_str_neq(casedb_text(&t, b, "SELECT erased_at FROM cases WHERE id = '%s'", id), "NULL");
}

Test(sweep, retention_erases_what_people_typed_and_keeps_the_figures)
{
    char id[CASE_ID_LEN + 1], b[256], iso[32];
    time_t t0 = time(NULL) - 100 * DAY;
    struct sweep_result r;

    completed_case(id, t0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values WHERE case_id = '%s'", id), 2);
    r = run(t0 + 30 * DAY - 1, 30);
    cr_assert_eq(r.erased, 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values WHERE case_id = '%s'", id), 2);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT erased_at FROM cases WHERE id = '%s'", id), "NULL");
    r = run(t0 + 30 * DAY + 1, 30);
    cr_assert_eq(r.erased, 1);
    assert_erased(id);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT erased_at FROM cases WHERE id = '%s'", id),
                     casedb_iso(t0 + 30 * DAY + 1, iso));
    /* kept: status, procedure, version, times, steps done, events, score */
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status || ' ' || procedure_id || ' ' ||"
                                        " length(hash) || ' ' || (submitted_at IS NOT NULL)"
                                        " FROM cases WHERE id = '%s'", id),
                     "completed test 64 1");
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_steps WHERE case_id = '%s'", id), 3);
    cr_assert_eq(casedb_int(&t, "SELECT score FROM ratings WHERE case_id = '%s'", id), 4);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_events WHERE case_id = '%s'"
                                " AND what IN ('created', 'step', 'submitted', 'rated', 'returned')",
                            id), 7);
    /* once is enough */
    cr_assert_eq(run(t0 + 40 * DAY, 30).erased, 0);
}

Test(sweep, abandoned_cases_are_erased_after_retention_too)
{
    char id[CASE_ID_LEN + 1];
    time_t t0 = time(NULL) - 100 * DAY;
    struct sweep_result r;

    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 2);
    casedb_at(&t, id, t0);
    r = run(t0 + 2 * HOUR, 7);
    cr_assert_eq(r.abandoned, 1);
    cr_assert_eq(r.erased, 0);
    cr_assert_eq(run(t0 + HOUR + 7 * DAY - 1, 7).erased, 0);
    cr_assert_eq(run(t0 + HOUR + 7 * DAY + 1, 7).erased, 1);
    assert_erased(id);
}

Test(sweep, zero_days_erases_at_the_next_sweep_and_in_the_run_that_abandons)
{
    char done[CASE_ID_LEN + 1], idle[CASE_ID_LEN + 1], fresh[CASE_ID_LEN + 1];
    time_t t0 = time(NULL) - 100 * DAY;
    struct sweep_result r;

    completed_case(done, t0);
    casedb_case(&t, "test", idle);
    casedb_walk(&t, idle, 2);
    casedb_at(&t, idle, t0);
    casedb_case(&t, "test", fresh);
    casedb_walk(&t, fresh, 2);
    casedb_at(&t, fresh, t0 + 2 * DAY);
    r = run(t0 + 2 * DAY + 60, 0);
    cr_assert_eq(r.abandoned, 1);
    cr_assert_eq(r.erased, 2);
    assert_erased(done);
    assert_erased(idle);
    /* still open, so kept */
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values WHERE case_id = '%s'", fresh), 2);
}

Test(sweep, a_rating_after_erasure_is_erased_in_its_turn)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t now = time(NULL);
    struct case_err e;

    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 2);
    casedb_at(&t, id, now - 10 * DAY);
    cr_assert_eq(run(now, 1).erased, 1);
    /* the resident rates the case late (real clock: now or a second after) */
    cr_assert_eq(cases_rate(t.db, id, 2, "等了很久,没人理我", &e), 0);
    cr_assert_eq(run(now + 1 * DAY - 10, 1).erased, 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT comment FROM ratings WHERE case_id = '%s'", id),
                     "等了很久,没人理我");
    cr_assert_eq(run(now + 1 * DAY + 10, 1).erased, 1);
    assert_erased(id);
    cr_assert_eq(casedb_int(&t, "SELECT score FROM ratings WHERE case_id = '%s'", id), 2);
}

Test(sweep, more_cases_than_a_batch)
{
    time_t t0 = time(NULL) - 100 * DAY;
    char iso[32], hash[256];
    struct sweep_result r;
    const long n = SWEEP_BATCH * 2 + 17;

    casedb_text(&t, hash, "SELECT hash FROM procedures WHERE id = 'simple'");
    casedb_iso(t0, iso);
    casedb_exec(&t, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %ld)"
                    " INSERT INTO cases (id, procedure_id, hash, channel, status,"
                    " conditions_confirmed, created_at, updated_at)"
                    " SELECT printf('%%032x', i), 'simple', '%s', 'kiosk', 'open', 1, '%s', '%s'"
                    " FROM k", n, hash, iso, iso);
    casedb_exec(&t, "INSERT INTO case_values (case_id, key, step, value)"
                    " SELECT id, 'name', 0, '张三' FROM cases");
    r = run(t0 + 2 * DAY, 0);
    cr_assert_eq(r.abandoned, (size_t)n);
    cr_assert_eq(r.erased, (size_t)n);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values"), 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_events WHERE what = 'abandoned'"
                                " AND step = 0"), n);
}

Test(sweep, retention_out_of_bounds_is_refused)
{
    struct sweep_result r;

    cr_assert_eq(sweep_run(t.db, time(NULL), -1, &r), -1);
    cr_assert_eq(sweep_run(t.db, time(NULL), SWEEP_RETENTION_MAX + 1, &r), -1);
    cr_assert_eq(sweep_run(t.db, time(NULL), SWEEP_RETENTION_MAX, &r), 0);
}

Test(sweep, poll_runs_at_start_then_once_an_interval)
{
    char id[CASE_ID_LEN + 1], b[256];
    long due = 0;
    int left;

    casedb_case(&t, "simple", id);
    casedb_at(&t, id, time(NULL) - 2 * HOUR);
    left = sweep_poll(t.db, 30, 1000, &due);
    cr_assert_eq(left, SWEEP_INTERVAL_MS);
    cr_assert_eq(due, 1000 + SWEEP_INTERVAL_MS);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status FROM cases WHERE id = '%s'", id),
                     "abandoned");
    cr_assert_eq(sweep_poll(t.db, 30, 1000 + SWEEP_INTERVAL_MS - 5, &due), 5);
    cr_assert_eq(due, 1000 + SWEEP_INTERVAL_MS);
}
