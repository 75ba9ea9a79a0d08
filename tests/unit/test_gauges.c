/* Unit tests of src/gauges.c: the figures /metrics reads from the database,
 * from cases put in each state directly: by status (every status, others
 * zero), the queue not yet called, overdue chains (the current stage only,
 * due before today), notifications neither done nor erased; how far the
 * clock is behind the newest event; the last backups' outcomes. */
#include <criterion/criterion.h>

#include "casedb.h"
#include "gauges.h"
#include "noonzone.h"

static struct casedb t;

static void setup(void)
{
    /* the day these tests write with date('now', 'localtime') is the one
     * gauges_read reads from the clock again */
    noon_zone();
    casedb_open(&t);
}

static void teardown(void)
{
    casedb_close(&t);
}

static long by(const struct gauges *g, const char *status)
{
    size_t i;

    for (i = 0; i < GAUGES_STATUSES; i++)
        if (strcmp(gauges_status_names[i], status) == 0)
            return g->by_status[i];
    cr_assert_fail("no status %s", status);
    return -1;
}

/* A stage row of id: index idx, due `days` from today (local). */
static void stage(const char *id, int idx, int days)
{
    casedb_exec(&t, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due)"
                    " VALUES ('%s', %d, 's%d', '审核', 'window', 5, date('now', 'localtime'),"
                    " date('now', 'localtime', '%+d days'))", id, idx, idx, days);
}

static void notification(const char *id, const char *done, const char *erased)
{
    casedb_exec(&t, "INSERT INTO notifications (case_id, title, kind, phone, text, created_at,"
                    " done_at, erased_at) VALUES ('%s', 't', 'ready', '13800000000', 'x',"
                    " '2026-01-01T00:00:00Z', %s, %s)", id, done, erased);
}

Test(gauges, an_empty_database_is_all_zero, .init = setup, .fini = teardown)
{
    struct gauges g;
    size_t i;

    cr_assert_eq(gauges_read(t.db, time(NULL), &g), 0);
    for (i = 0; i < GAUGES_STATUSES; i++)
        cr_expect_eq(g.by_status[i], 0, "%s", gauges_status_names[i]);
    cr_expect_eq(g.waiting + g.overdue + g.notifications, 0);
    cr_expect_eq(g.clock_behind, 0, "no event, no witness");
    cr_expect_str_eq(g.newest_event, "");
    cr_expect_eq(g.backup_ok_at + g.backup_ok_bytes + g.backup_failed_at + g.backup_failures, 0,
                 "no backup recorded");
}

/* What `spkiosk backup` recorded (schema/039-backup-outcomes.sql): the
 * last good copy's time and size, the last failure's time and how many. */
Test(gauges, the_last_backups_outcomes, .init = setup, .fini = teardown)
{
    struct gauges g;

    casedb_exec(&t, "INSERT INTO backup_outcomes (outcome, at, bytes, target) VALUES"
                    " ('ok', 1796580000, 1089536, '/b/spkiosk-20261206T023000Z.db')");
    cr_assert_eq(gauges_read(t.db, time(NULL), &g), 0);
    cr_expect_eq(g.backup_ok_at, 1796580000);
    cr_expect_eq(g.backup_ok_bytes, 1089536);
    cr_expect_eq(g.backup_failed_at + g.backup_failures, 0, "no failure recorded");
    casedb_exec(&t, "INSERT INTO backup_outcomes (outcome, at, target, reason, count) VALUES"
                    " ('failed', 1796666400, '/b', 'cannot create /b: No space left on device', 3)");
    cr_assert_eq(gauges_read(t.db, time(NULL), &g), 0);
    cr_expect_eq(g.backup_ok_at, 1796580000, "the good copy is still the last good one");
    cr_expect_eq(g.backup_failed_at, 1796666400);
    cr_expect_eq(g.backup_failures, 3);
}

Test(gauges, the_figures_of_cases_in_each_state, .init = setup, .fini = teardown)
{
    char id[8][CASE_ID_LEN + 1];
    struct gauges g;
    int i;

    for (i = 0; i < 8; i++)
        casedb_case(&t, "simple", id[i]);
    /* 0, 1: open. 2, 3: waiting, 3 called once. 4, 5, 6: accepted, 4 overdue
     * on its current stage, 5 overdue only on a stage already behind it, 6
     * due today. 7: completed. */
    /* today's tickets: an earlier day's is out of the queue */
    for (i = 2; i <= 3; i++)
        casedb_exec(&t, "UPDATE cases SET status = 'waiting', ticket = 'A00%d',"
                    " ticket_day = strftime('%%Y-%%m-%%d', 'now', 'localtime') WHERE id = '%s'",
                    i, id[i]);
    casedb_exec(&t, "UPDATE cases SET calls = 1 WHERE id = '%s'", id[3]);
    casedb_exec(&t, "UPDATE cases SET status = 'accepted', stage = 0 WHERE id IN ('%s', '%s', '%s')",
                id[4], id[5], id[6]);
    casedb_exec(&t, "UPDATE cases SET stage = 1 WHERE id = '%s'", id[5]);
    stage(id[4], 0, -1);
    stage(id[5], 0, -3);
    stage(id[5], 1, 2);
    stage(id[6], 0, 0);
    casedb_exec(&t, "UPDATE cases SET status = 'completed' WHERE id = '%s'", id[7]);
    stage(id[7], 0, -5);
    /* pending: two; done or erased: not */
    notification(id[4], "NULL", "NULL");
    notification(id[7], "NULL", "NULL");
    notification(id[7], "'2026-01-02T00:00:00Z'", "NULL");
    notification(id[6], "NULL", "'2026-01-03T00:00:00Z'");

    cr_assert_eq(gauges_read(t.db, time(NULL), &g), 0);
    cr_expect_eq(by(&g, "open"), 2);
    cr_expect_eq(by(&g, "waiting"), 2);
    cr_expect_eq(by(&g, "accepted"), 3);
    cr_expect_eq(by(&g, "completed"), 1);
    cr_expect_eq(by(&g, "rejected"), 0);
    cr_expect_eq(g.waiting, 1, "the called one is not waiting any more");
    cr_expect_eq(g.overdue, 1, "only the current stage counts, and due today is not late");
    cr_expect_eq(g.notifications, 2);
}

/* A server restarted with a dead clock battery, or a clock set back: the
 * newest event stored was written by a clock ahead of this one. */
Test(gauges, a_clock_behind_the_newest_event_says_by_how_much, .init = setup, .fini = teardown)
{
    char id[CASE_ID_LEN + 1];
    struct gauges g;
    time_t t0;

    casedb_case(&t, "simple", id);
    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what) VALUES ('%s', '2030-01-01T00:00:10Z', 'step')", id);
    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what) VALUES ('%s', '2029-12-31T00:00:00Z', 'step')", id);
    cr_assert_eq(clock_utc_parse("2030-01-01T00:00:00Z", &t0), 0);
    cr_assert_eq(gauges_read(t.db, t0, &g), 0);
    cr_expect_eq(g.clock_behind, 10);
    cr_expect_str_eq(g.newest_event, "2030-01-01T00:00:10Z");
    cr_assert_eq(gauges_read(t.db, t0 + 10, &g), 0);
    cr_expect_eq(g.clock_behind, 0, "at the newest event is not behind it");
    cr_assert_eq(gauges_read(t.db, t0 + 3600, &g), 0);
    cr_expect_eq(g.clock_behind, 0, "ahead of every event is not behind");
}

/* What the gauges leave out, each next to one they count: a ticket of an
 * earlier day is out of the queue; a case whose date promised to the
 * resident has passed is overdue even when its stage is not; a
 * notification without a phone number waits for staff, not the sender. */
Test(gauges, what_is_left_out_and_what_is_overdue_by_its_promise, .init = setup, .fini = teardown)
{
    char id[4][CASE_ID_LEN + 1];
    struct gauges g;
    int i;

    for (i = 0; i < 4; i++)
        casedb_case(&t, "simple", id[i]);
    casedb_exec(&t, "UPDATE cases SET status = 'waiting', ticket = 'A001',"
                " ticket_day = date('now', 'localtime', '-1 day') WHERE id = '%s'", id[0]);
    casedb_exec(&t, "UPDATE cases SET status = 'waiting', ticket = 'A001',"
                " ticket_day = date('now', 'localtime') WHERE id = '%s'", id[1]);
    casedb_exec(&t, "UPDATE cases SET status = 'accepted', stage = 0,"
                " due = date('now', 'localtime', '-1 day') WHERE id = '%s'", id[2]);
    stage(id[2], 0, 3);
    casedb_exec(&t, "UPDATE cases SET status = 'accepted', stage = 0,"
                " due = date('now', 'localtime') WHERE id = '%s'", id[3]);
    stage(id[3], 0, 3);
    notification(id[2], "NULL", "NULL");
    casedb_exec(&t, "UPDATE notifications SET phone = ''");
    notification(id[3], "NULL", "NULL");

    cr_assert_eq(gauges_read(t.db, time(NULL), &g), 0);
    cr_expect_eq(g.waiting, 1, "yesterday's ticket is not in today's queue");
    cr_expect_eq(g.overdue, 1, "the promised date before today, not on it");
    cr_expect_eq(g.notifications, 1, "one without a number is not the sender's");
}

/* The admin console's list of broken files: files, not lines, and a file
 * with only warnings is not broken. */
Test(gauges, files_with_errors_counts_files_and_errors_only, .init = setup, .fini = teardown)
{
    struct gauges g;

    casedb_exec(&t, "INSERT INTO diagnostics (file, line, severity, message) VALUES"
                    " ('a.md', 1, 'error', 'x'), ('a.md', 2, 'error', 'y'),"
                    " ('b.md', 1, 'warning', 'z'), ('c.md', 3, 'error', 'w')");
    cr_assert_eq(gauges_read(t.db, time(NULL), &g), 0);
    cr_expect_eq(g.files_with_errors, 2);
}

/* An event time that is not clock_utc's text proves nothing about this
 * clock: no newest event, not behind. */
Test(gauges, an_event_time_that_is_no_time_is_no_witness, .init = setup, .fini = teardown)
{
    char id[CASE_ID_LEN + 1];
    struct gauges g;

    casedb_case(&t, "simple", id);
    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what) VALUES ('%s', '9999-99-99 garbage', 'step')", id);
    cr_assert_eq(gauges_read(t.db, time(NULL), &g), 0);
    cr_expect_str_eq(g.newest_event, "");
    cr_expect_eq(g.clock_behind, 0);
}
