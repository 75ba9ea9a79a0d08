/* Unit tests of the window's queue over a real database: a case whose
 * pinned version no longer parses is left out of the queue (and logged by
 * procedure and version, never by case id) instead of failing all of it,
 * and call-next passes over it, and same_id still marks the right
 * entries past it;
 * migration 004 gives the cases already waiting when it runs their
 * turn in the order they were submitted; a ticket's lookup by the last
 * four; a number taken without every paper (window_submit_missing) keeps
 * the step's answers and the missing ids in one transaction, and a refused
 * one changes nothing. Each test has its own database in a temporary
 * folder. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "embed.h"
#include "models.h"
#include "window.h"
#include "window_view.h"
#include "clock.h"
#include "throttle.h"
#include "visit.h"

#define GOOD "# 简易事项\n\n简介。\n\n## 第一步:准备材料\n- [ ] 本人居民身份证原件\n"
/* no title, no step: no model at all (a text that gives one with errors,
 * a stricter build's, is read as this build reads it: models.c) */
#define BROKEN "no longer a procedure\n"
#define HASH_GOOD "1111111111111111111111111111111111111111111111111111111111111111"
#define HASH_BAD "2222222222222222222222222222222222222222222222222222222222222222"
#define ID_BAD "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID_GOOD "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static char dir[64];
static char path[96];
static struct db *db;

static void setup(void)
{
    char err[256];

    snprintf(dir, sizeof dir, "/tmp/spk-window-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/x.db", dir);
    cr_assert_eq(db_open(path, &db, err, sizeof err), 0, "%s", err);
}

static void teardown(void)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char p[128];
    size_t i;

    db_close(db);
    db = NULL;
    models_shutdown();
    for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
}

static void exec(const char *sql)
{
    char *msg = NULL;

    cr_assert_eq(sqlite3_exec(db_handle(db), sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql,
                 msg ? msg : "");
}

/* A stored version of procedure `p` with source text. */
static void version(const char *hash, const char *text)
{
    sqlite3_stmt *st;

    cr_assert_eq(sqlite3_prepare_v2(db_handle(db),
                                    /* by column: it runs at older schemas too */
                                    "INSERT INTO procedure_versions (procedure_id, hash, source,"
                                    " category, kind, title, ord, review_by, detail_json,"
                                    " item_json, print_html, render_version, first_loaded)"
                                    " VALUES ('p', ?1, ?2, 'hall', 'procedure', 't', 1000, 0,"
                                    " '{}', '{}', '', 1, '2026-01-01T00:00:00Z')",
                                    -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, text, (int)strlen(text), SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db_handle(db)));
    sqlite3_finalize(st);
}

/* A waiting case of `p` at hash, submitted at `at`, its ticket today's
 * (an earlier day's is out of the queue). */
static void waiting(const char *id, const char *hash, const char *ticket, const char *at)
{
    char day[CLOCK_DAY_LEN];
    sqlite3_stmt *st;

    clock_today_text(day);
    cr_assert_eq(sqlite3_prepare_v2(db_handle(db),
                                    "INSERT INTO cases (id, procedure_id, hash, channel, status,"
                                    " conditions_confirmed, ticket_day, ticket, created_at,"
                                    " updated_at, submitted_at) VALUES (?1, 'p', ?2, 'kiosk',"
                                    " 'waiting', 1, ?5, ?3, ?4, ?4, ?4)",
                                    -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ticket, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, day, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db_handle(db)));
    sqlite3_finalize(st);
}

TestSuite(window, .init = setup, .fini = teardown);

Test(window, queue_leaves_out_a_case_whose_version_no_longer_parses)
{
    char err[256], *out = NULL;
    cJSON *q, *w;

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    version(HASH_GOOD, GOOD);
    version(HASH_BAD, BROKEN);
    /* the broken one first: the queue must go on past it */
    waiting(ID_BAD, HASH_BAD, "A001", "2026-01-01T08:00:00Z");
    waiting(ID_GOOD, HASH_GOOD, "A002", "2026-01-01T08:01:00Z");
    exec("UPDATE cases SET queue_seq = 1 WHERE id = '" ID_BAD "';"
         "UPDATE cases SET queue_seq = 2 WHERE id = '" ID_GOOD "';");

    cr_assert_eq(window_view_queue_json(db, &out), 0, "the whole queue failed");
    cr_assert_not_null(q = cJSON_Parse(out));
    w = cJSON_GetObjectItemCaseSensitive(q, "queue");
    cr_assert_eq(cJSON_GetArraySize(w), 1);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(w, 0), "id")->valuestring,
                     ID_GOOD);
    /* still counted: it is waiting, a staffer may open it by its ticket */
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(q, "total")->valuedouble, 2);
    cJSON_Delete(q);
    free(out);
}

Test(window, call_next_passes_over_a_case_whose_version_no_longer_parses)
{
    char err[256], id[CASE_ID_LEN + 1] = "";
    struct refusal e;

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    version(HASH_GOOD, GOOD);
    version(HASH_BAD, BROKEN);
    waiting(ID_BAD, HASH_BAD, "A001", "2026-01-01T08:00:00Z");
    waiting(ID_GOOD, HASH_GOOD, "A002", "2026-01-01T08:01:00Z");
    exec("UPDATE cases SET queue_seq = 1 WHERE id = '" ID_BAD "';"
         "UPDATE cases SET queue_seq = 2 WHERE id = '" ID_GOOD "';");

    cr_assert_eq(window_call_next(db, "wang", NULL, id, &e), 0, "call-next failed");
    cr_assert_str_eq(id, ID_GOOD, "the next readable case is called");
    /* the good one is called now; only the unreadable one is left */
    cr_assert_eq(window_call_next(db, "wang", NULL, id, &e), 1);
    cr_assert_str_eq(e.code, "queue_empty");
}

Test(window, migration_004_numbers_waiting_cases_by_submission)
{
    char err[256];
    sqlite3_stmt *st;
    size_t i;
    int n = 0;
    static const char *const order[] = {"cccccccccccccccccccccccccccccccc", ID_GOOD, ID_BAD};

    /* a database as it was before 004: the three first migrations */
    cr_assert_geq(embed_migrations_count, 4);
    for (i = 0; i < 3; i++)
        exec((const char *)embed_migrations[i].data);
    exec("PRAGMA user_version = 3");
    version(HASH_GOOD, GOOD);
    /* inserted in another order than submitted, one with a tie broken by id */
    waiting(ID_BAD, HASH_GOOD, "A003", "2026-01-01T08:05:00Z");
    waiting(ID_GOOD, HASH_GOOD, "A002", "2026-01-01T08:05:00Z");
    waiting(order[0], HASH_GOOD, "A001", "2026-01-01T08:00:00Z");
    exec("INSERT INTO cases (id, procedure_id, hash, channel, status, created_at, updated_at)"
         " VALUES ('dddddddddddddddddddddddddddddddd', 'p', '" HASH_GOOD "', 'kiosk', 'open',"
         " '2026-01-01T07:00:00Z', '2026-01-01T07:00:00Z')");

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sqlite3_prepare_v2(db_handle(db),
                                    "SELECT id, queue_seq FROM cases WHERE status = 'waiting'"
                                    " ORDER BY queue_seq",
                                    -1, &st, NULL),
                 SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        cr_assert_lt(n, 3);
        cr_assert_eq(sqlite3_column_type(st, 1), SQLITE_INTEGER, "a waiting case without a turn");
        cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), order[n]);
        cr_assert_eq(sqlite3_column_int(st, 1), n + 1);
        n++;
    }
    sqlite3_finalize(st);
    cr_assert_eq(n, 3);
    cr_assert_eq(sqlite3_prepare_v2(db_handle(db),
                                    "SELECT 1 FROM cases WHERE queue_seq IS NULL AND status = 'open'",
                                    -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "an open case got a turn");
    sqlite3_finalize(st);
}

/* ---- window_lookup: a ticket and the last four of an ID or mobile ---------- */

#define FORM "# 登记\n\n简介。\n\n## 第一步:填写\n```form\n" \
             "id_number | 公民身份号码 | cn_id     | required\n" \
             "phone     | 联系电话     | cn_mobile | required\n" \
             "note      | 备注         | text      |\n```\n"
#define HASH_FORM "3333333333333333333333333333333333333333333333333333333333333333"
#define ID_FORM "cccccccccccccccccccccccccccccccc"

/* A case of FORM with ticket A017 on day, the answers typed on it. */
static void lookup_case(const char *day)
{
    char sql[1024];
    char err[256];

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    version(HASH_FORM, FORM);
    waiting(ID_FORM, HASH_FORM, "A017", "2026-01-01T08:00:00Z");
    snprintf(sql, sizeof sql,
             "UPDATE cases SET ticket_day = '%s' WHERE id = '" ID_FORM "';"
             "INSERT INTO case_steps VALUES ('" ID_FORM "', 0, '2026-01-01T08:00:00Z');"
             "INSERT INTO case_values VALUES ('" ID_FORM "', 'id_number', 0, '11010519491231002X'),"
             " ('" ID_FORM "', 'phone', 0, '13800138000'), ('" ID_FORM "', 'note', 0, '备注5678');",
             day);
    exec(sql);
}

static int lookup(const char *ticket, const char *last4, char id[CASE_ID_LEN + 1],
                  struct refusal *e)
{
    memset(id, 0, CASE_ID_LEN + 1);
    return window_lookup(db, ticket, last4, id, e);
}

Test(window, lookup_finds_todays_case_by_the_last_four_of_an_id_or_mobile)
{
    char day[CLOCK_DAY_LEN], id[CASE_ID_LEN + 1];
    struct refusal e;

    clock_today_text(day);
    lookup_case(day);
    cr_assert_eq(lookup("A017", "002X", id, &e), 0);
    cr_assert_str_eq(id, ID_FORM);
    cr_assert_eq(lookup("a017", "002x", id, &e), 0, "ticket and X in any case");
    cr_assert_str_eq(id, ID_FORM);
    cr_assert_eq(lookup("A017", "8000", id, &e), 0, "the mobile's last four");
    cr_assert_str_eq(id, ID_FORM);
}

Test(window, lookup_gives_one_answer_for_every_miss)
{
    static const char *const misses[][2] = {
        {"A017", "1234"},   /* wrong last four */
        {"A017", "5678"},   /* of a field that identifies nobody */
        {"A018", "002X"},   /* no such ticket today */
        {"017", "002X"},    /* no ticket at all */
        {ID_FORM, "002X"},  /* a case id is not a ticket here */
    };
    char day[CLOCK_DAY_LEN], id[CASE_ID_LEN + 1];
    struct refusal e;
    size_t i;

    clock_today_text(day);
    lookup_case(day);
    for (i = 0; i < sizeof misses / sizeof misses[0]; i++) {
        memset(&e, 0, sizeof e);
        cr_assert_eq(lookup(misses[i][0], misses[i][1], id, &e), 1, "%s %s", misses[i][0],
                     misses[i][1]);
        cr_assert_eq(e.kind, REFUSAL_NOT_FOUND);
        cr_assert_str_eq(e.code, "not_found");
        cr_assert_str_eq(id, "", "no id out on a miss");
    }
}

Test(window, lookup_refuses_a_last_four_of_the_wrong_shape)
{
    static const char *const bad[] = {"123", "12345", "X123", "12a4", "", "1 34"};
    char day[CLOCK_DAY_LEN], id[CASE_ID_LEN + 1];
    struct refusal e;
    size_t i;

    clock_today_text(day);
    lookup_case(day);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(lookup("A017", bad[i], id, &e), 1, "'%s'", bad[i]);
        cr_assert_eq(e.kind, REFUSAL_INVALID, "'%s'", bad[i]);
        cr_assert_str_eq(e.code, "bad_last4");
    }
}

Test(window, lookup_finds_no_ticket_of_another_day)
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;

    lookup_case("2000-01-01");
    cr_assert_eq(lookup("A017", "002X", id, &e), 1);
    cr_assert_str_eq(e.code, "not_found");
}

Test(window, lookup_overall_limit_waits_for_the_next_window)
{
    long long t0 = 4000000000LL;
    int i;

    cr_assert_eq(throttle_overall_wait(false, t0), 0);
    for (i = 0; i < THROTTLE_OVERALL_LIMIT - 1; i++)
        throttle_overall_fail(false, t0 + 1);
    cr_assert_eq(throttle_overall_wait(false, t0 + 2), 0, "one short of the limit");
    throttle_overall_fail(false, t0 + 3);
    cr_assert_eq(throttle_overall_wait(false, t0 + 4), THROTTLE_FAIL_WINDOW - 4);
    cr_assert_eq(throttle_overall_wait(false, t0 + THROTTLE_FAIL_WINDOW), 0, "a new window");
}

Test(window, lookup_keys_count_apart_from_logins)
{
    struct throttle_keys lk;
    struct throttle_login lg;

    throttle_keys_lookup(&lk, "a017", "2001:db8::1", true);
    throttle_login_keys(&lg, "a017", "2001:db8::1", NULL, false);
    cr_assert_str_eq(lk.name, "t:o:A017");
    cr_assert_str_eq(lk.addr, "l:2001:db8::");
    cr_assert_str_neq(lk.addr, lg.addr);
}

/* ---- window_view_ahead: the slip's 前面还有 N 人 ---------------------------- */

Test(window, ahead_counts_the_waiting_cases_handed_in_earlier)
{
    char err[256];
    long n = -2;

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    version(HASH_GOOD, GOOD);
    waiting(ID_GOOD, HASH_GOOD, "A001", "2026-01-01T08:00:00Z");
    waiting(ID_BAD, HASH_GOOD, "A002", "2026-01-01T08:01:00Z");
    waiting(ID_FORM, HASH_GOOD, "A003", "2026-01-01T08:02:00Z");
    exec("UPDATE cases SET queue_seq = 1 WHERE id = '" ID_GOOD "';"
         "UPDATE cases SET queue_seq = 2, calls = 1 WHERE id = '" ID_BAD "';"
         "UPDATE cases SET queue_seq = 3 WHERE id = '" ID_FORM "'");
    cr_assert_eq(window_view_ahead(db, ID_GOOD, &n), 0);
    cr_assert_eq(n, 0, "first in line");
    cr_assert_eq(window_view_ahead(db, ID_FORM, &n), 0);
    cr_assert_eq(n, 2, "a called case still waits before it");
    /* the first is taken at the window: one fewer before the third, and
     * the taken one is not waiting at all */
    exec("UPDATE cases SET status = 'accepted' WHERE id = '" ID_GOOD "'");
    cr_assert_eq(window_view_ahead(db, ID_FORM, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(window_view_ahead(db, ID_GOOD, &n), 0);
    cr_assert_eq(n, -1, "not waiting: no count");
    cr_assert_eq(window_view_ahead(db, "dddddddddddddddddddddddddddddddd", &n), 0);
    cr_assert_eq(n, -1, "no such case: no count");
}

/* ---- window_submit_missing: a number without every paper ------------------ */

#define PAPERS "# 申领\n\n简介。\n\n## 第一步:准备材料\n- [ ] 身份证\n- [ ] 户口簿\n" \
               "- [ ] 照片 {optional}\n\n```form\nphone | 联系电话 | cn_mobile | required\n```\n\n" \
               "## 第二步:填写\n```form\nname | 姓名 | text | required\n```\n"
#define HASH_PAPERS "4444444444444444444444444444444444444444444444444444444444444444"

static int count_rows(const char *sql)
{
    sqlite3_stmt *st;
    int n;

    cr_assert_eq(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* A new case of PAPERS and the answers of its first step: the ID card
 * ticked, the phone as given. */
static void papers_case(char id[CASE_ID_LEN + 1])
{
    char err[256];
    struct refusal e;

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    version(HASH_PAPERS, PAPERS);
    cr_assert_eq(cases_create(db, "p", HASH_PAPERS, "kiosk", NULL, 0, false, id, &e), 0);
}

Test(window, submit_missing_keeps_the_answers_and_records_the_papers)
{
    static const struct case_input ticks[] = {{"s0-0", CASE_INPUT_YES, NULL}, {"s0-1", CASE_INPUT_NO, NULL}};
    static const struct case_input fields[] = {{"phone", CASE_INPUT_TEXT, "13800138000"}};
    const struct case_answers in = {fields, 1, ticks, 2};
    char id[CASE_ID_LEN + 1], *ticket = NULL;
    struct case_rejection rej;
    struct case_state cs;
    struct refusal e;

    papers_case(id);
    cr_assert_eq(window_submit_missing(db, id, 0, &in, 20260101, NULL, false, &ticket, &rej, &e), 0,
                 "%s", e.message);
    cr_assert_str_eq(ticket, "A001");
    cr_assert_eq(rej.n_fields, 0);
    cr_assert_eq(rej.n_items, 1, "the optional photo is not missing");
    cr_assert_str_eq(rej.items[0], "s0-1");
    cases_rejection_free(&rej);
    free(ticket);

    cr_assert_eq(cases_load(db, id, &cs, &e), 0);
    cr_assert_str_eq(cs.status, "waiting");
    cr_assert_str_eq(cs.missing_items, "[\"s0-1\"]");
    cr_assert_eq(cs.step, 0, "the step stays to be done");
    cr_assert_str_eq(cases_value(&cs, "phone"), "13800138000");
    cr_assert(cases_ticked(&cs, "s0-0"));
    cases_state_free(&cs);

    /* not twice */
    cr_assert_eq(window_submit_missing(db, id, 0, &in, 20260101, NULL, false, &ticket, &rej, &e), 1);
    cr_assert_str_eq(e.code, "already_submitted");
    cases_rejection_free(&rej);
}

Test(window, submit_missing_refused_changes_nothing)
{
    static const struct case_input ticks[] = {{"s0-0", CASE_INPUT_YES, NULL}};
    static const struct case_input bad[] = {{"phone", CASE_INPUT_TEXT, "123"}};
    static const struct case_input good[] = {{"phone", CASE_INPUT_TEXT, "13800138000"}};
    static const struct case_input all[] = {{"s0-0", CASE_INPUT_YES, NULL}, {"s0-1", CASE_INPUT_YES, NULL}};
    const struct case_answers bad_field = {bad, 1, ticks, 1}, complete = {good, 1, all, 2};
    char id[CASE_ID_LEN + 1], *ticket = NULL;
    struct case_rejection rej;
    struct refusal e;

    papers_case(id);
    cr_assert_eq(window_submit_missing(db, id, 0, &bad_field, 20260101, NULL, false, &ticket, &rej, &e), 1);
    cr_assert_str_eq(e.code, "validation_failed");
    cr_assert_eq(rej.n_fields, 1);
    cases_rejection_free(&rej);
    cr_assert_eq(window_submit_missing(db, id, 0, &complete, 20260101, NULL, false, &ticket, &rej, &e), 1);
    cr_assert_str_eq(e.code, "nothing_missing");
    cases_rejection_free(&rej);
    cr_assert_eq(window_submit_missing(db, id, 1, &complete, 20260101, NULL, false, &ticket, &rej, &e), 1);
    cr_assert_str_eq(e.code, "step_not_reached");
    cases_rejection_free(&rej);
    cr_assert_null(ticket);
    /* rolled back whole: no answer, no ticket drawn, only the creation */
    cr_assert_eq(count_rows("SELECT count(*) FROM cases WHERE status = 'open' AND missing_items IS NULL"), 1);
    cr_assert_eq(count_rows("SELECT count(*) FROM case_values"), 0);
    cr_assert_eq(count_rows("SELECT count(*) FROM ticket_counters"), 0);
    cr_assert_eq(count_rows("SELECT count(*) FROM case_events WHERE what <> 'created'"), 0);
}

/* Every hand-in takes its turn as max(queue_seq) + 1 over all cases, under
 * the writer lock: migration 026's index makes that one seek, where the
 * status-led index alone made SQLite read all of it (4.4 ms at 100,000
 * cases). The plan, not a timing, is what this checks. */
Test(window, next_turn_is_one_seek_on_the_queue_seq_index)
{
    sqlite3_stmt *st;
    char err[256], plan[512] = "";
    size_t used = 0;

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sqlite3_prepare_v2(db_handle(db),
                                    "EXPLAIN QUERY PLAN SELECT coalesce(max(queue_seq), 0) + 1 FROM cases",
                                    -1, &st, NULL),
                 SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        used += (size_t)snprintf(plan + used, sizeof plan - used, "%s;", d ? d : "");
        cr_assert_lt(used, sizeof plan);
    }
    sqlite3_finalize(st);
    cr_assert_not_null(strstr(plan, "INDEX cases_seq"), "plan: %s", plan);
}

/* abandoned by the sweep (a resident who walked away, or a day-old queue)
 * is not absent from a call: only a no-show may still be accepted */
Test(window, accept_takes_a_no_show_but_not_a_case_the_sweep_gave_up)
{
    struct refusal e;
    char err[256];

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    version(HASH_GOOD, GOOD);
    waiting(ID_GOOD, HASH_GOOD, "A001", "2026-01-01T08:00:00Z");
    exec("UPDATE cases SET status = 'abandoned', no_show_at = NULL WHERE id = '" ID_GOOD "'");
    cr_assert_eq(window_accept(db, ID_GOOD, "wang", NULL, clock_today(), &e), 1);
    cr_assert_str_eq(e.code, "not_waiting");
    exec("UPDATE cases SET no_show_at = '2026-01-01T09:00:00Z', calls = 1 WHERE id = '" ID_GOOD "'");
    cr_assert_eq(window_accept(db, ID_GOOD, "wang", NULL, clock_today(), &e), 0, "%s", e.code);
}

/* same_id numbers the listed entries: a case left out (its version no
 * longer parses) takes no place, so the pair after it is still the pair,
 * not the pair shifted onto its neighbour */
Test(window, same_id_marks_the_right_entries_past_a_case_left_out)
{
    char err[256], *out = NULL;
    const cJSON *w, *x;
    cJSON *q;

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    version(HASH_FORM, FORM);
    version(HASH_GOOD, GOOD);
    version(HASH_BAD, BROKEN);
    waiting(ID_FORM, HASH_FORM, "A001", "2026-01-01T08:00:00Z");
    waiting(ID_BAD, HASH_BAD, "A002", "2026-01-01T08:01:00Z");
    waiting("dddddddddddddddddddddddddddddddd", HASH_FORM, "A003", "2026-01-01T08:02:00Z");
    waiting(ID_GOOD, HASH_GOOD, "A004", "2026-01-01T08:03:00Z");
    exec("UPDATE cases SET queue_seq = 1 WHERE id = '" ID_FORM "';"
         "UPDATE cases SET queue_seq = 2 WHERE id = '" ID_BAD "';"
         "UPDATE cases SET queue_seq = 3 WHERE id = 'dddddddddddddddddddddddddddddddd';"
         "UPDATE cases SET queue_seq = 4 WHERE id = '" ID_GOOD "';"
         "INSERT INTO case_values VALUES ('" ID_FORM "', 'id_number', 0, '11010519491231002X'),"
         " ('dddddddddddddddddddddddddddddddd', 'id_number', 0, '11010519491231002X');");

    cr_assert_eq(window_view_queue_json(db, &out), 0);
    cr_assert_not_null(q = cJSON_Parse(out));
    free(out);
    w = cJSON_GetObjectItemCaseSensitive(q, "queue");
    cr_assert_eq(cJSON_GetArraySize(w), 3);
    x = cJSON_GetArrayItem(w, 1);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "id")), "dddddddddddddddddddddddddddddddd");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(x, "same_id"), "count")), 2);
    x = cJSON_GetArrayItem(w, 2);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "id")), ID_GOOD);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(x, "same_id")), "no ID number at all");
    cJSON_Delete(q);
}

/* ---- window_resolve (mutation review of src/window.c) ---------------------- */

/* A case id is exactly 32 hex digits, in either case: one digit more is no
 * id (and no ticket), not the case of its first 32. */
Test(window, resolve_takes_an_id_of_exactly_32_hex_digits)
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;

    cr_assert_eq(window_resolve(db, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", id, &e), 0);
    cr_assert_str_eq(id, ID_GOOD);
    memset(&e, 0, sizeof e);
    cr_assert_eq(window_resolve(db, ID_GOOD "a", id, &e), 1);
    cr_assert_str_eq(e.code, "unknown_case");
}

/* Tickets run to six digits (A000001 once A0001 … Z99999 are drawn): the
 * longest is still found, in either case. */
Test(window, resolve_finds_a_ticket_of_six_digits)
{
    char id[CASE_ID_LEN + 1], err[256];
    struct refusal e;

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    version(HASH_GOOD, GOOD);
    waiting(ID_GOOD, HASH_GOOD, "A000001", "2026-01-01T08:00:00Z");
    memset(id, 0, sizeof id);
    cr_assert_eq(window_resolve(db, "a000001", id, &e), 0);
    cr_assert_str_eq(id, ID_GOOD);
}

/* The B post's list (visit.c) as the queue: a case asked to be visited, or
 * returned at the home, whose pinned version no longer parses is left
 * out; before, it answered the whole list 500 (a review, 12-07). */
Test(window, visits_leave_out_a_case_whose_version_no_longer_parses)
{
    char err[256], day[CLOCK_DAY_LEN], now[CLOCK_UTC_LEN], sql[1024], *out = NULL;
    cJSON *q, *v;

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    version(HASH_GOOD, GOOD);
    version(HASH_BAD, BROKEN);
    clock_today_text(day);
    clock_utc_now(now);
    waiting(ID_BAD, HASH_BAD, "A001", now);
    waiting(ID_GOOD, HASH_GOOD, "A002", now);
    /* both asked to be visited today; a third, broken, returned at the home */
    snprintf(sql, sizeof sql,
             "UPDATE cases SET status = 'visit', ticket = NULL, ticket_day = NULL,"
             " visit_date = '%s', visit_slot = '上午', visit_address = '幸福路 1 号',"
             " visit_phone = '13800138000';"
             "INSERT INTO cases (id, procedure_id, hash, channel, status, conditions_confirmed,"
             " created_at, updated_at, returned_at, visit_date, visit_slot, visit_address,"
             " visit_phone) VALUES ('cccccccccccccccccccccccccccccccc', 'p', '" HASH_BAD "',"
             " 'kiosk', 'returned', 1, '%s', '%s', '%s', '%s', '上午', '幸福路 2 号', '13800138000');",
             day, now, now, now, day);
    exec(sql);

    cr_assert_eq(visit_list_json(db, day, day, NULL, &out), 0, "the whole list failed");
    cr_assert_not_null(q = cJSON_Parse(out));
    v = cJSON_GetObjectItemCaseSensitive(q, "visits");
    cr_assert_eq(cJSON_GetArraySize(v), 1);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(v, 0), "id")->valuestring,
                     ID_GOOD);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(q, "returned")), 0);
    cJSON_Delete(q);
    free(out);
}
