/* Unit tests of the sweep: when an open case counts as abandoned and where
 * its event says the resident stopped; what retention erases, what it keeps,
 * and when; batches beyond one transaction. The test drives the clock. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <unistd.h>

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
    /* idle means more than the hour: at the hour to the second the case
     * is still open (the next sweep, minutes on, gives it up at the hour) */
    cr_assert_eq(run(t0 + HOUR, 30).abandoned, 0);
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

/* A case started from home keeps its link for the resident to go on
 * later: a day, as the window's, not the kiosk's hour. */
Test(sweep, a_case_started_from_home_gets_a_day)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 10 * DAY;

    casedb_case_at(&t, "test", "web", id);
    casedb_at(&t, id, t0);
    cr_assert_eq(run(t0 + 2 * HOUR, 30).abandoned, 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status FROM cases WHERE id = '%s'", id), "open");
    cr_assert_eq(run(t0 + DAY + 1, 30).abandoned, 1);
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
    struct refusal e;

    casedb_handed_in(&t, id, NULL);
    cr_assert_eq(cases_rate(t.db, id, 4, "窗口的张阿姨很耐心", 0, &e), 0);
    casedb_exec(&t, "UPDATE cases SET status = 'completed', outcome = '已发放给张晓梅',"
                    " returned_reason = '缺少户口簿' WHERE id = '%s'", id);
    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, user, detail)"
                    " VALUES ('%s', '2026-01-01T00:00:00Z', 'returned', 'wang', '缺少户口簿')", id);
    /* a web case's invitation: the staffer's note may be personal */
    casedb_exec(&t, "UPDATE cases SET invite_date = '2026-01-05', invite_note = '请带王大爷的户口簿'"
                    " WHERE id = '%s'", id);
    casedb_at(&t, id, at);
}

static void assert_erased(const char *id)
{
    char b[256];

    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values WHERE case_id = '%s'", id), 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_checklist WHERE case_id = '%s'", id), 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT comment FROM ratings WHERE case_id = '%s'", id), "");
    cr_assert_str_eq(casedb_text(&t, b, "SELECT COALESCE(outcome, returned_reason, ticket, invite_note,"
                                        " 'none') FROM cases WHERE id = '%s'", id), "none");
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_events WHERE case_id = '%s'"
                                " AND detail IS NOT NULL", id), 0);
    cr_assert_str_neq(casedb_text(&t, b, "SELECT erased_at FROM cases WHERE id = '%s'", id), "NULL");
    cr_assert_eq(casedb_int(&t, "SELECT needs_erase FROM cases WHERE id = '%s'", id), 0);
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

/* A home visit's address and phone (visit.h) are personal: erased with
 * the case, whether the visit was done (then completed) or never happened
 * (the request goes stale, is abandoned, and is erased in its turn). The
 * day and half-day, not personal, stay for the figures. */
Test(sweep, retention_erases_the_address_and_phone_of_a_visit)
{
    char done[CASE_ID_LEN + 1], asked[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 100 * DAY;
    struct sweep_result r;

    completed_case(done, t0);
    casedb_exec(&t, "UPDATE cases SET visit_date = '2026-01-05', visit_slot = '上午',"
                    " visit_address = '幸福小区 3 栋 501', visit_phone = '13800138000' WHERE id = '%s'",
                done);
    casedb_case(&t, "test", asked);
    casedb_walk(&t, asked, 4);
    casedb_exec(&t, "UPDATE cases SET status = 'visit', submitted_at = created_at,"
                    " visit_date = '2026-01-06', visit_slot = '下午',"
                    " visit_address = '和平里 2 号', visit_phone = '0535-6221234' WHERE id = '%s'", asked);
    casedb_at(&t, asked, t0);
    r = run(t0 + 30 * DAY + 1, 30);
    cr_assert_eq(r.abandoned, 1);
    cr_assert_eq(r.erased, 1);
    assert_erased(done);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT COALESCE(visit_address, visit_phone, 'none') FROM cases"
                                        " WHERE id = '%s'", done), "none");
    cr_assert_str_eq(casedb_text(&t, b, "SELECT visit_date || ' ' || visit_slot FROM cases"
                                        " WHERE id = '%s'", done), "2026-01-05 上午");
    /* abandoned when the retention period passed untouched, erased a period later */
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status FROM cases WHERE id = '%s'", asked), "abandoned");
    cr_assert_str_eq(casedb_text(&t, b, "SELECT visit_address FROM cases WHERE id = '%s'", asked),
                     "和平里 2 号");
    cr_assert_eq(run(t0 + 60 * DAY + 2, 30).erased, 1);
    assert_erased(asked);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT COALESCE(visit_address, visit_phone, 'none') FROM cases"
                                        " WHERE id = '%s'", asked), "none");
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
    struct refusal e;

    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 2);
    casedb_at(&t, id, now - 10 * DAY);
    cr_assert_eq(run(now, 1).erased, 1);
    /* the resident rates the case late (real clock: now or a second after);
     * its complaint call-back has no number to hold the case for */
    cr_assert_eq(cases_rate(t.db, id, 2, "等了很久,没人理我", 0, &e), 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT coalesce(phone, 'none') FROM followups WHERE case_id = '%s'", id), "none");
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
    struct sweep_timer tm = SWEEP_TIMER_INIT;
    int left;

    casedb_case(&t, "simple", id);
    casedb_at(&t, id, time(NULL) - 2 * HOUR);
    left = sweep_poll(t.db, 30, 1000, &tm);
    cr_assert_eq(left, SWEEP_INTERVAL_MS);
    cr_assert_eq(tm.due_ms, 1000 + SWEEP_INTERVAL_MS);
    cr_assert_not(tm.ckpt_pending, "no reader: the WAL is emptied at once");
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status FROM cases WHERE id = '%s'", id),
                     "abandoned");
    cr_assert_eq(sweep_poll(t.db, 30, 1000 + SWEEP_INTERVAL_MS - 5, &tm), 5);
    cr_assert_eq(tm.due_ms, 1000 + SWEEP_INTERVAL_MS);
}

/* ---- the WAL after an erasure (review finding 1) ---------------------------- */

/* Whether the file holds the bytes of s (a missing file holds nothing). */
static bool file_holds(const char *path, const char *s)
{
    FILE *f = fopen(path, "rb");
    size_t n = strlen(s), len = 0, cap = 0, r;
    char *buf = NULL, *grown;
    bool found;

    if (!f)
        return false;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            grown = realloc(buf, cap);
            cr_assert_not_null(grown);
            buf = grown;
        }
        r = fread(buf + len, 1, cap - len, f);
        len += r;
    } while (r > 0);
    fclose(f);
    found = len >= n && memmem(buf, len, s, n) != NULL;
    free(buf);
    return found;
}

static bool files_hold(const char *s)
{
    char path[160];
    bool db, wal;

    snprintf(path, sizeof path, "%s/x.db", t.dir);
    db = file_holds(path, s);
    snprintf(path, sizeof path, "%s/x.db-wal", t.dir);
    wal = file_holds(path, s);
    return db || wal;
}

/* A second connection in the middle of a read, as an HTTP worker may be. */
static sqlite3 *reader_open(void)
{
    char path[160];
    sqlite3 *h = NULL;

    snprintf(path, sizeof path, "%s/x.db", t.dir);
    cr_assert_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "BEGIN; SELECT COUNT(*) FROM case_values;", NULL, NULL, NULL),
                 SQLITE_OK);
    return h;
}

Test(sweep, erased_values_leave_the_files_once_a_reader_lets_go)
{
    static const char *const typed[] = {"张晓梅", "张阿姨很耐心", "缺少户口簿"};
    char id[CASE_ID_LEN + 1];
    struct sweep_timer tm = SWEEP_TIMER_INIT;
    sqlite3 *reader;
    int left;
    size_t i;

    completed_case(id, time(NULL) - 100 * DAY);
    reader = reader_open();
    left = sweep_poll(t.db, 30, 1000, &tm);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values"), 0, "erased");
    /* the reader's snapshot needs the old pages: they cannot go yet, and
     * the sweep says it will try again soon instead of waiting for it */
    cr_assert(tm.ckpt_pending);
    cr_assert_leq(left, SWEEP_CKPT_RETRY_MS);
    cr_assert(files_hold(typed[0]), "the test must see the copies a reader keeps");
    cr_assert_eq(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    /* a poll between two sweeps (not due) retries the checkpoint */
    left = sweep_poll(t.db, 30, 1000 + left, &tm);
    cr_assert_not(tm.ckpt_pending);
    cr_assert_gt(left, SWEEP_CKPT_RETRY_MS, "back to the sweep's own interval");
    for (i = 0; i < sizeof typed / sizeof *typed; i++)
        cr_assert_not(files_hold(typed[i]), "%s still in the files", typed[i]);
    sqlite3_close(reader);
}

/* Counts the calls of the busy handler, and gives up at once. */
static int busy_calls;

static int busy_count(void *arg, int n)
{
    (void)arg;
    (void)n;
    busy_calls++;
    return 0;
}

/* Waiting would hold the write lock for the busy timeout (5 s) while HTTP
 * writers and the main loop wait: the checkpoint must not call the busy
 * handler at all. */
Test(sweep, a_checkpoint_never_waits_for_a_reader)
{
    sqlite3 *reader;

    cr_assert_eq(sweep_checkpoint(t.db), 0);
    reader = reader_open();
    casedb_exec(&t, "INSERT INTO ticket_counters (day, last) VALUES ('2026-01-01', 1)");
    busy_calls = 0;
    cr_assert_eq(sqlite3_busy_handler(db_handle(t.db), busy_count, NULL), SQLITE_OK);
    cr_assert_eq(sweep_checkpoint(t.db), 1);
    cr_assert_eq(busy_calls, 0, "the checkpoint waited for the reader");
    cr_assert_eq(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(sweep_checkpoint(t.db), 0);
    sqlite3_close(reader);
}

/* ---- what the retention pass reads (finding 2) ----------------------------- */

/* n completed cases on "simple" last active at `at`, erased (at erased_at)
 * or not. */
static void bulk_closed(long n, long from, time_t at, const char *erased_at)
{
    char iso[32], hash[256], erased[40];

    casedb_text(&t, hash, "SELECT hash FROM procedures WHERE id = 'simple'");
    casedb_iso(at, iso);
    if (erased_at)
        snprintf(erased, sizeof erased, "'%s'", erased_at);
    else
        snprintf(erased, sizeof erased, "NULL");
    casedb_exec(&t, "WITH RECURSIVE k(i) AS (SELECT %ld UNION ALL SELECT i + 1 FROM k WHERE i < %ld)"
                    " INSERT INTO cases (id, procedure_id, hash, channel, status,"
                    " conditions_confirmed, created_at, updated_at, erased_at, needs_erase)"
                    " SELECT printf('%%032x', i), 'simple', '%s', 'kiosk', 'completed', 1,"
                    " '%s', '%s', %s, %d FROM k", from, from + n - 1, hash, iso, iso, erased,
                erased_at ? 0 : 1);
}

/* The connection's cached statement whose text holds `part`. */
static sqlite3_stmt *cached(const char *part)
{
    sqlite3_stmt *st = NULL;

    while ((st = sqlite3_next_stmt(db_handle(t.db), st)))
        if (strstr(sqlite3_sql(st), part))
            return st;
    cr_assert_fail("no statement with %s", part);
    return NULL;
}

Test(sweep, erased_cases_are_never_read_again)
{
    time_t t0 = time(NULL) - 100 * DAY;
    sqlite3_stmt *due;
    char iso[32];

    bulk_closed(3000, 1, t0, casedb_iso(t0 + 31 * DAY, iso));
    bulk_closed(1, 5000, t0 + 10 * DAY, NULL);
    cr_assert_eq(run(t0 + 50 * DAY, 30).erased, 1);
    due = cached("needs_erase = 1");
    /* 3,000 erased cases older than the cut-off: none walked, none sorted */
    cr_assert_eq(sqlite3_stmt_status(due, SQLITE_STMTSTATUS_SORT, 0), 0);
    cr_assert_eq(sqlite3_stmt_status(due, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0), 0);
    cr_assert_lt(sqlite3_stmt_status(due, SQLITE_STMTSTATUS_VM_STEP, 0), 1000);
}

/* Activity marks the case again; no comparison of clocks is needed, and
 * erased_at stays: what was typed before is gone (the window relies on
 * it). */
Test(sweep, a_late_rating_is_erased_in_its_turn_even_after_the_clock_went_back)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t now = time(NULL);
    struct refusal e;

    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 2);
    casedb_at(&t, id, now - 10 * DAY);
    /* erased while the clock ran five days ahead */
    cr_assert_eq(run(now + 5 * DAY, 1).erased, 1);
    cr_assert_eq(cases_rate(t.db, id, 2, "等了很久,没人理我", 0, &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT needs_erase FROM cases WHERE id = '%s'", id), 1);
    cr_assert_str_neq(casedb_text(&t, b, "SELECT erased_at FROM cases WHERE id = '%s'", id), "NULL");
    cr_assert_eq(run(now + 1 * DAY - 10, 1).erased, 0);
    cr_assert_eq(run(now + 1 * DAY + 10, 1).erased, 1);
    assert_erased(id);
}

/* ---- the cap per run -------------------------------------------------------- */

Test(sweep, at_most_the_cap_per_run_the_rest_a_run_later)
{
    const long cap = (long)SWEEP_BATCH * SWEEP_BATCHES_MAX;
    time_t t0 = time(NULL) - 100 * DAY;

    bulk_closed(cap + 7, 1, t0, NULL);
    cr_assert_eq(run(t0 + 50 * DAY, 30).erased, (size_t)cap);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM cases WHERE erased_at IS NULL"), 7);
    cr_assert_eq(run(t0 + 50 * DAY + 60, 30).erased, 7);
}

/* ---- a case that fails, a batch that fails (finding 6) ---------------------- */

Test(sweep, a_case_that_always_fails_is_passed_over)
{
    char bad[CASE_ID_LEN + 1], good[3][CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 100 * DAY;
    struct sweep_result r;
    size_t i;

    completed_case(bad, t0);
    for (i = 0; i < 3; i++)
        completed_case(good[i], t0 + DAY);
    /* the oldest, so the first of every batch */
    casedb_exec(&t, "CREATE TEMP TRIGGER refuse BEFORE DELETE ON case_values"
                    " WHEN OLD.case_id = '%s' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                bad);
    cr_assert_eq(sweep_run(t.db, t0 + 50 * DAY, 30, &r), 0);
    cr_assert_eq(r.erased, 3);
    cr_assert_eq(r.skipped, 1);
    for (i = 0; i < 3; i++)
        assert_erased(good[i]);
    /* undone as a whole: not half erased */
    cr_assert_str_eq(casedb_text(&t, b, "SELECT erased_at || comment FROM cases c"
                                        " JOIN ratings r ON r.case_id = c.id WHERE c.id = '%s'", bad),
                     "NULL");
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values WHERE case_id = '%s'", bad), 2);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_checklist WHERE case_id = '%s'", bad), 2);
}

Test(sweep, more_failing_cases_than_a_batch_do_not_stop_the_others)
{
    const long n_bad = SWEEP_BATCH + 3;
    time_t t0 = time(NULL) - 100 * DAY;
    struct sweep_result r;

    bulk_closed(n_bad, 1, t0, NULL);
    bulk_closed(20, 1000, t0 + DAY, NULL);
    casedb_exec(&t, "CREATE TEMP TRIGGER refuse BEFORE UPDATE OF erased_at ON cases"
                    " WHEN OLD.id < printf('%%032x', 1000)"
                    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    cr_assert_eq(sweep_run(t.db, t0 + 50 * DAY, 30, &r), 0);
    cr_assert_eq(r.skipped, (size_t)n_bad);
    cr_assert_eq(r.erased, 20);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM cases WHERE erased_at IS NULL"), n_bad);
}

/* A test function that reports a full disk from its nth call on. */
static int fail_from;
static int fail_calls;

static void disk_full(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    if (++fail_calls >= fail_from) {
        sqlite3_result_error(ctx, "disk full (test)", -1);
        sqlite3_result_error_code(ctx, SQLITE_FULL);
        return;
    }
    sqlite3_result_null(ctx);
}

/* Runs sweep_poll with stderr going to a file; returns what it wrote. */
static void poll_logged(struct sweep_timer *tm, char *out, size_t cap)
{
    char path[160];
    int saved, fd;
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "%s/stderr.txt", t.dir);
    fflush(stderr);
    saved = dup(2);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(saved >= 0 && fd >= 0);
    cr_assert_eq(dup2(fd, 2), 2);
    close(fd);
    (void)sweep_poll(t.db, 0, 1000, tm);
    fflush(stderr);
    cr_assert_eq(dup2(saved, 2), 2);
    close(saved);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
}

Test(sweep, a_later_batch_that_fails_keeps_and_logs_the_earlier_ones)
{
    struct sweep_timer tm = SWEEP_TIMER_INIT;
    time_t t0 = time(NULL) - 10 * DAY;
    struct sweep_result r;
    char log[4096], want[128];

    bulk_closed(2 * SWEEP_BATCH + 10, 1, t0, NULL);
    cr_assert_eq(sqlite3_create_function(db_handle(t.db), "test_disk", 0, SQLITE_UTF8, NULL,
                                         disk_full, NULL, NULL), SQLITE_OK);
    casedb_exec(&t, "CREATE TEMP TRIGGER full BEFORE UPDATE OF erased_at ON cases"
                    " BEGIN SELECT test_disk(); END");
    fail_from = SWEEP_BATCH + 5;
    fail_calls = 0;
    cr_assert_eq(sweep_run(t.db, time(NULL), 0, &r), -1);
    cr_assert_eq(r.erased, SWEEP_BATCH, "only what was committed");
    cr_assert_eq(r.skipped, 0, "a full disk is not one case's fault");
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM cases WHERE erased_at IS NOT NULL"),
                 SWEEP_BATCH);
    /* the next minute: the same failure, and the log still says what was done */
    fail_from = SWEEP_BATCH + 5;
    fail_calls = 0;
    poll_logged(&tm, log, sizeof log);
    snprintf(want, sizeof want, "spkiosk: sweep: 0 case(s) abandoned, %d erased\n", SWEEP_BATCH);
    cr_assert(strstr(log, want), "log: %s", log);
    cr_assert(strstr(log, "erasing failed"), "log: %s", log);
}

/* ---- an unparseable version (finding 5) ------------------------------------- */

/* Pins the case to a copy of its version whose source no longer parses. */
static void pin_broken_version(const char *id)
{
    casedb_exec(&t, "INSERT INTO procedure_versions (procedure_id, hash, source, category, kind,"
                    " title, ord, review_by, detail_json, item_json, print_html, render_version,"
                    " first_loaded) SELECT v.procedure_id, 'broken', CAST('no longer a procedure' AS BLOB),"
                    " v.category, v.kind, v.title, v.ord, v.review_by, v.detail_json, v.item_json,"
                    " v.print_html, v.render_version, v.first_loaded FROM procedure_versions v JOIN cases c"
                    " ON c.procedure_id = v.procedure_id AND c.hash = v.hash WHERE c.id = '%s'", id);
    casedb_exec(&t, "UPDATE cases SET hash = 'broken' WHERE id = '%s'", id);
}

Test(sweep, where_an_unparseable_version_stopped_is_recorded_as_unknown)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 10 * DAY;

    casedb_case(&t, "test", id);
    casedb_walk(&t, id, 1);
    pin_broken_version(id);
    casedb_at(&t, id, t0);
    cr_assert_eq(run(t0 + 2 * HOUR, 30).abandoned, 1);
    /* not NULL, which means "at the conditions" */
    cr_assert_str_eq(casedb_text(&t, b, "SELECT step FROM case_events WHERE case_id = '%s'"
                                        " AND what = 'abandoned'", id), "-1");
    cr_assert_eq(SWEEP_STEP_UNKNOWN, -1);
}

/* ---- handed in, then forgotten (finding 7) ---------------------------------- */

/* A case of "test" handed in at t0, in status (waiting, accepted, returned,
 * and a web case's prereview, invited). */
static void handed_in(char id[CASE_ID_LEN + 1], const char *status, time_t at)
{
    casedb_handed_in(&t, id, NULL);
    casedb_exec(&t, "UPDATE cases SET status = '%s' WHERE id = '%s'", status, id);
    casedb_at(&t, id, at);
}

Test(sweep, handed_in_cases_nobody_touches_are_abandoned_after_the_retention_period)
{
    static const char *const statuses[] = {"waiting", "accepted", "returned", "prereview", "invited"};
    char ids[5][CASE_ID_LEN + 1], b[256], iso[32], want[80];
    time_t t0 = time(NULL) - 100 * DAY;
    struct sweep_result r;
    size_t i;

    for (i = 0; i < 5; i++)
        handed_in(ids[i], statuses[i], t0);
    r = run(t0 + 7 * DAY - 60, 7);
    cr_assert_eq(r.abandoned, 0);
    r = run(t0 + 7 * DAY + 60, 7);
    cr_assert_eq(r.abandoned, 5);
    cr_assert_eq(r.stale, 5);
    cr_assert_eq(r.erased, 0, "retention counts from when they were given up");
    for (i = 0; i < 5; i++) {
        /* given up when the period ran out; the step: every one was done */
        snprintf(want, sizeof want, "abandoned %s", casedb_iso(t0 + 7 * DAY, iso));
        cr_assert_str_eq(casedb_text(&t, b, "SELECT status || ' ' || updated_at FROM cases"
                                            " WHERE id = '%s'", ids[i]), want);
        cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_events WHERE case_id = '%s'"
                                    " AND what = 'abandoned' AND at = '%s' AND step = 4",
                                ids[i], iso), 1);
    }
    cr_assert_eq(run(t0 + 14 * DAY - 60, 7).erased, 0);
    cr_assert_eq(run(t0 + 14 * DAY + 60, 7).erased, 5);
    for (i = 0; i < 5; i++)
        assert_erased(ids[i]);
}

Test(sweep, with_zero_days_yesterdays_queue_goes_after_a_day)
{
    char id[CASE_ID_LEN + 1], fresh[CASE_ID_LEN + 1];
    time_t t0 = time(NULL) - 100 * DAY;
    struct sweep_result r;

    cr_assert_eq(sweep_stale_days(0), 1);
    cr_assert_eq(sweep_stale_days(30), 30);
    handed_in(id, "waiting", t0);
    handed_in(fresh, "waiting", t0 + DAY - 120);
    r = run(t0 + DAY + 60, 0);
    cr_assert_eq(r.stale, 1);
    cr_assert_eq(r.erased, 1, "and erased in the same run");
    assert_erased(id);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values WHERE case_id = '%s'", fresh), 2);
}

/* A returned case the resident takes up again is activity: it waits anew. */
Test(sweep, activity_on_a_handed_in_case_restarts_its_wait)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 100 * DAY;

    handed_in(id, "returned", t0);
    casedb_exec(&t, "UPDATE cases SET updated_at = '%s' WHERE id = '%s'",
                casedb_iso(t0 + 5 * DAY, b), id);
    cr_assert_eq(run(t0 + 7 * DAY + 60, 7).abandoned, 0);
    cr_assert_eq(run(t0 + 12 * DAY + 60, 7).abandoned, 1);
}

Test(sweep, retention_erases_the_number_and_text_of_notifications)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 100 * DAY;

    completed_case(id, t0);
    casedb_exec(&t, "INSERT INTO notifications (case_id, ticket, title, kind, phone, text, created_at)"
                    " VALUES ('%s', 'A017', '测试事项', 'returned', '13800138000', '「测试事项」（A017）需要补正',"
                    " '2026-01-01T00:00:00Z')", id);
    cr_assert_eq(run(t0 + 30 * DAY - 1, 30).erased, 0);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT phone FROM notifications WHERE case_id = '%s'", id),
                     "13800138000");
    cr_assert_eq(run(t0 + 30 * DAY + 1, 30).erased, 1);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT phone || '|' || text || '|' || (ticket IS NULL) ||"
                                        " '|' || (erased_at IS NOT NULL) || '|' || kind"
                                        " FROM notifications WHERE case_id = '%s'", id),
                     "||1|1|returned");
}

Test(sweep, retention_erases_the_number_and_note_of_call_backs_and_keeps_their_result)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 100 * DAY;

    completed_case(id, t0);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, phone, created_at, done_at, done_on,"
                    " done_by, result, note) VALUES ('%s', 'routine', '2026-01-05', '13800138000',"
                    " '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02', 'wang',"
                    " 'unsatisfied', '张晓梅说材料退回两次')", id);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, phone, score, created_at)"
                    " VALUES ('%s', 'complaint', '2026-01-20', '13800138000', 1,"
                    " '2026-01-01T00:00:00Z')", id);
    cr_assert_eq(run(t0 + 30 * DAY - 1, 30).erased, 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM followups WHERE case_id = '%s'"
                                " AND phone = '13800138000' AND erased_at IS NULL", id), 2);
    cr_assert_eq(run(t0 + 30 * DAY + 1, 30).erased, 1);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT group_concat(kind || '|' || coalesce(phone, '-') || '|' ||"
                                        " coalesce(note, '-') || '|' || coalesce(result, '-') || '|' ||"
                                        " (erased_at IS NOT NULL), ',') FROM"
                                        " (SELECT * FROM followups WHERE case_id = '%s' ORDER BY kind)", id),
                     "complaint|-|-|-|1,routine|-|-|unsatisfied|1");
}

/* An open call-back keeps its case's number until the call-back's own due
 * date is past the retention period (a year-end review: a complaint due in
 * 15 working days across 春节 was listed with no number to call). */
/* A case completed at t0 with an open complaint call-back due on the local
 * day of d (YYYY-MM-DD in due). */
static void case_with_call_back(char id[CASE_ID_LEN + 1], time_t t0, time_t d, char due[11])
{
    struct tm tm;

    completed_case(id, t0);
    cr_assert_not_null(localtime_r(&d, &tm));
    cr_assert_eq(strftime(due, 11, "%Y-%m-%d", &tm), 10);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, phone, score, created_at)"
                    " VALUES ('%s', 'complaint', '%s', '13800138000', 1, '2026-01-01T00:00:00Z')", id, due);
}

Test(sweep, an_open_call_back_keeps_its_case_until_its_due_date_is_past_retention)
{
    char id[CASE_ID_LEN + 1], due[11];
    time_t t0 = time(NULL) - 200 * DAY, d = t0 + 40 * DAY;

    case_with_call_back(id, t0, d, due);
    /* the case is past retention, its call-back is not: kept */
    cr_assert_eq(run(t0 + 30 * DAY + 1, 30).erased, 0);
    cr_assert_eq(run(d + 30 * DAY - DAY, 30).erased, 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM followups WHERE case_id = '%s' AND phone = '13800138000'", id), 1);
    /* left open past its own due date and retention: erased all the same */
    cr_assert_eq(run(d + 30 * DAY + DAY, 30).erased, 1);
    assert_erased(id);

    /* a call-back done no longer holds its case */
    completed_case(id, t0);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, phone, score, created_at, done_at, done_on,"
                    " done_by, result, note) VALUES ('%s', 'complaint', '%s', '13800138000', 1,"
                    " '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02', 'wang', 'satisfied', '已整改')",
                id, due);
    cr_assert_eq(run(t0 + 30 * DAY + 1, 30).erased, 1);
}

/* ---- boundaries, chains, rejected cases, a later sweep's WAL -------------- */

/* "older than the retention": a case last active exactly the period ago is
 * not yet due; a second later it is. Erasing early is a defect as much as
 * erasing late. */
Test(sweep, a_case_exactly_the_retention_period_old_is_kept_a_second_more)
{
    char id[CASE_ID_LEN + 1];
    time_t t0 = time(NULL) - 100 * DAY;

    completed_case(id, t0);
    cr_assert_eq(run(t0 + 30 * DAY, 30).erased, 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values WHERE case_id = '%s'", id), 2);
    cr_assert_eq(run(t0 + 30 * DAY + 1, 30).erased, 1);
    assert_erased(id);
}

/* A call-back keeps its case's number until its due date is past the
 * retention period: on the day the cut-off reaches the due date, the
 * number is still the one to call. */
Test(sweep, a_call_back_due_on_the_cut_off_day_still_keeps_its_case)
{
    char id[CASE_ID_LEN + 1], due[11];
    time_t t0 = time(NULL) - 200 * DAY, d = t0 + 40 * DAY;

    case_with_call_back(id, t0, d, due);
    /* the cut-off (now - 30 days) is d itself: its local day is the due date */
    cr_assert_eq(run(d + 30 * DAY, 30).erased, 0);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM followups WHERE case_id = '%s'"
                                " AND phone = '13800138000'", id), 1);
    cr_assert_eq(run(d + 31 * DAY, 30).erased, 1);
}

/* An accepted case whose chain has begun (stage set, relay) is being
 * worked on at a stage, not forgotten: only an accepted case with no chain
 * begun is abandoned by the stale pass (docs/internals.md). */
Test(sweep, an_accepted_case_in_its_chain_is_never_abandoned)
{
    char chain[CASE_ID_LEN + 1], none[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 100 * DAY;
    struct sweep_result r;

    handed_in(chain, "accepted", t0);
    casedb_exec(&t, "UPDATE cases SET stage = 0 WHERE id = '%s'", chain);
    handed_in(none, "accepted", t0);
    r = run(t0 + 7 * DAY + 60, 7);
    cr_assert_eq(r.stale, 1);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status FROM cases WHERE id = '%s'", chain), "accepted");
    cr_assert_str_eq(casedb_text(&t, b, "SELECT status FROM cases WHERE id = '%s'", none), "abandoned");
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values WHERE case_id = '%s'", chain), 2);
}

/* A rejected case is erased like a completed one, the reason given with
 * it too (it may name the resident's affairs). */
Test(sweep, retention_erases_a_rejected_case_and_its_reason)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 100 * DAY;

    completed_case(id, t0);
    casedb_exec(&t, "UPDATE cases SET status = 'rejected', rejected_reason = '张晓梅户籍不在本社区'"
                    " WHERE id = '%s'", id);
    casedb_at(&t, id, t0);
    cr_assert_eq(run(t0 + 30 * DAY - 1, 30).erased, 0);
    cr_assert_eq(run(t0 + 30 * DAY + 1, 30).erased, 1);
    assert_erased(id);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT COALESCE(rejected_reason, 'none') || ' ' || status"
                                        " FROM cases WHERE id = '%s'", id), "none rejected");
}

/* Not only the first sweep (SWEEP_TIMER_INIT) empties the WAL: an erasure
 * at any later sweep leaves the erased values in it, and the checkpoint is
 * then pending, retried while a reader is in the way. */
Test(sweep, an_erasure_at_a_later_sweep_empties_the_wal_too)
{
    char id[CASE_ID_LEN + 1];
    struct sweep_timer tm = SWEEP_TIMER_INIT;
    sqlite3 *reader;
    int left;

    sweep_poll(t.db, 30, 1000, &tm);
    cr_assert_not(tm.ckpt_pending, "nothing to erase, no reader: done at start");
    completed_case(id, time(NULL) - 100 * DAY);
    reader = reader_open();
    left = sweep_poll(t.db, 30, 1000 + SWEEP_INTERVAL_MS, &tm);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM case_values"), 0, "erased");
    cr_assert(tm.ckpt_pending, "the WAL holds the erased values");
    cr_assert_leq(left, SWEEP_CKPT_RETRY_MS);
    cr_assert_eq(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sweep_poll(t.db, 30, 1000 + SWEEP_INTERVAL_MS + left, &tm);
    cr_assert_not(tm.ckpt_pending);
    cr_assert_not(files_hold("张晓梅"), "still in the files");
    sqlite3_close(reader);
}

/* What a staffer wrote passing a stage of the chain may name the
 * resident's affairs: erased with the case; the stage itself (post, days,
 * when it was done) stays for the figures. */
Test(sweep, retention_erases_the_notes_of_a_chains_stages)
{
    char id[CASE_ID_LEN + 1], b[256];
    time_t t0 = time(NULL) - 100 * DAY;

    completed_case(id, t0);
    casedb_exec(&t, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due,"
                    " done_at, done_by, note) VALUES ('%s', 0, 'check', '审核', 'window', 3, '2026-01-01',"
                    " '2026-01-04', '2026-01-02T00:00:00Z', 'wang', '张晓梅的低保证明已核对')", id);
    cr_assert_eq(run(t0 + 30 * DAY + 1, 30).erased, 1);
    cr_assert_str_eq(casedb_text(&t, b, "SELECT COALESCE(note, 'none') || ' ' || post || ' ' || days ||"
                                        " ' ' || done_by FROM case_stages WHERE case_id = '%s'", id),
                     "none window 3 wang");
}
