/* Unit tests of the backup: a copy of a database of many backup steps
 * taken while another process commits is one consistent snapshot (each
 * writer transaction adds a row and bumps a counter: the copy's rows and
 * counter agree) and passes integrity_check; the dated names; a failed or
 * misdirected backup leaves nothing and touches nothing; a restore carries
 * the higher of today's ticket counters and clears an old aside copy's
 * journals; the outcome of a backup is recorded as the last of its kind,
 * never in a database of an older schema or one that is not there. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "backup.h"
#include "db.h"
#include "embed.h"
#include "noonzone.h"

#define BASE_ROWS 1500      /* 2 KiB each: several BACKUP_STEP_PAGES steps */

/* today's counter, written and read back with date('now', 'localtime'), is
 * the one restore reads from the clock in between */
TestSuite(backup, .init = noon_zone);

static sqlite3 *open_db(const char *path)
{
    sqlite3 *h = NULL;

    cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    return h;
}

static long long one(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st;
    long long v;

    cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Removes a test's folder and all it holds. */
static void tdir_remove(const char *dir)
{
    char cmd[64];

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* The writer: one row and the counter per transaction until killed. */
static void writer(const char *path)
{
    sqlite3 *h = NULL;

    if (sqlite3_open(path, &h) != SQLITE_OK)
        _exit(1);
    sqlite3_busy_timeout(h, 5000);
    for (;;)
        if (sqlite3_exec(h, "BEGIN IMMEDIATE; INSERT INTO t (pad) VALUES (randomblob(2048));"
                            "UPDATE c SET n = n + 1; COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
            (void)sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
}

Test(backup, a_copy_under_a_writer_is_one_snapshot)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], err[512] = "";
    sqlite3 *h;
    long long rows, n, live;
    pid_t pid;
    int status;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    h = open_db(db);
    cr_assert_eq(sqlite3_exec(h, "PRAGMA journal_mode = WAL;"
                                 "CREATE TABLE t (id INTEGER PRIMARY KEY, pad BLOB);"
                                 "CREATE TABLE c (n INTEGER); INSERT INTO c VALUES (0);"
                                 "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
                                 " WHERE i < 1500) INSERT INTO t (pad) SELECT randomblob(2048) FROM k;",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    cr_assert_gt(one(h, "PRAGMA page_count"), 3 * BACKUP_STEP_PAGES, "the copy takes several steps");
    pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0)
        writer(db);
    /* the writer under way before the copy starts */
    while (one(h, "SELECT n FROM c") < 20)
        usleep(1000);
    cr_assert_eq(backup_run(db, copy, err, sizeof err), 0, "%s", err);
    /* and on after it, so the live file moves past the copy's snapshot */
    live = one(h, "SELECT n FROM c");
    while (one(h, "SELECT n FROM c") < live + 20)
        usleep(1000);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    live = one(h, "SELECT n FROM c");
    sqlite3_close(h);

    h = open_db(copy);
    cr_expect_eq(sqlite3_exec(h, "PRAGMA quick_check", NULL, NULL, NULL), SQLITE_OK);
    rows = one(h, "SELECT count(*) FROM t");
    n = one(h, "SELECT n FROM c");
    cr_expect_eq(rows, BASE_ROWS + n, "rows %lld, counter %lld: one snapshot", rows, n);
    cr_expect_geq(n, 20, "what was committed before the copy began is in it");
    cr_expect_lt(n, live, "a snapshot, not the end state");
    {
        sqlite3_stmt *st;
        cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
        cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "delete",
                         "a self-contained rollback-journal file");
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    cr_expect_neq(access(copy, F_OK), -1);
    snprintf(err, sizeof err, "%s.tmp", copy);
    cr_expect_eq(access(err, F_OK), -1, "no temporary file left");
    tdir_remove(dir);
}

Test(backup, names_sort_by_time)
{
    char a[BACKUP_NAME_LEN], b[BACKUP_NAME_LEN];

    backup_name(0, a);
    cr_expect_str_eq(a, "spkiosk-19700101T000000Z.db");
    backup_name(1796219434, b);
    cr_expect_str_eq(b, "spkiosk-20261202T135034Z.db");
    cr_expect_lt(strcmp(a, b), 0);
}

/* ---- what a failed backup leaves, restore's ticket counter and aside files -- */

/* A database restore_check takes for spkiosk's: schema 1, a cases table,
 * today's ticket counter at `last` (none when 0; no table when -1). */
static void small_db(const char *path, long long last)
{
    char sql[256];
    sqlite3 *h = open_db(path);

    cr_assert_eq(sqlite3_exec(h, "PRAGMA user_version = 1; CREATE TABLE cases (id TEXT PRIMARY KEY);",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    if (last >= 0)
        cr_assert_eq(sqlite3_exec(h, "CREATE TABLE ticket_counters (day TEXT PRIMARY KEY,"
                                     " last INTEGER NOT NULL);", NULL, NULL, NULL), SQLITE_OK);
    if (last > 0) {
        snprintf(sql, sizeof sql, "INSERT INTO ticket_counters VALUES (date('now', 'localtime'), %lld)",
                 last);
        cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    }
    sqlite3_close(h);
}

static long long todays_last(const char *path)
{
    sqlite3 *h = open_db(path);
    long long v = one(h, "SELECT coalesce((SELECT last FROM ticket_counters"
                         " WHERE day = date('now', 'localtime')), 0)");

    sqlite3_close(h);
    return v;
}

/* The copy's counter is the higher one (the database in place was started
 * anew this morning, A001-A003, after the backup had reached A010): the
 * restored daemon goes on after A010, whose slips residents hold; the lower
 * number would hand out A004-A010 a second time. */
Test(backup, a_restore_keeps_the_higher_of_todays_two_counters)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], aside[BACKUP_PATH_MAX], err[512] = "";

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    small_db(db, 3);
    small_db(copy, 10);
    cr_assert_eq(backup_restore(db, copy, aside, err, sizeof err), 0, "%s", err);
    cr_expect_eq(todays_last(db), 10);
    tdir_remove(dir);
}

/* No ticket handed out today in the database in place: nothing to carry,
 * so a copy from before the counters (schema 1, no ticket_counters table;
 * the daemon migrates it) is restored all the same. */
Test(backup, a_restore_with_no_ticket_today_restores_a_copy_without_counters)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], aside[BACKUP_PATH_MAX], err[512] = "";

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    small_db(db, 0);
    small_db(copy, -1);
    cr_assert_eq(backup_restore(db, copy, aside, err, sizeof err), 0, "%s", err);
    {
        sqlite3 *h = open_db(db);
        cr_expect_eq(one(h, "SELECT count(*) FROM sqlite_schema WHERE name = 'ticket_counters'"), 0,
                     "the copy as it was");
        sqlite3_close(h);
    }
    tdir_remove(dir);
}

/* A copy that cannot take its name (here a folder is in the way of the
 * rename) fails, and leaves no FILE.tmp behind: half a copy, or a whole
 * one with ID numbers in it, is never left lying about. */
Test(backup, a_backup_that_fails_leaves_no_temporary_copy)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], p[300], err[512] = "";

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    small_db(db, 1);
    cr_assert_eq(mkdir(copy, 0700), 0);
    snprintf(p, sizeof p, "%s/in-the-way", copy);
    cr_assert_eq(mkdir(p, 0700), 0);
    cr_assert_eq(backup_run(db, copy, err, sizeof err), -1);
    snprintf(p, sizeof p, "%s.tmp", copy);
    cr_expect_eq(access(p, F_OK), -1, "%s left behind", p);
    tdir_remove(dir);
}

/* A database whose name ends in .tmp: `backup DB` with FILE the name
 * without it would write its temporary copy over the live database. */
Test(backup, a_backup_whose_temporary_name_is_the_database_is_refused)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], err[512] = "";

    cr_assert_not_null(mkdtemp(dir));
    snprintf(copy, sizeof copy, "%s/x.db", dir);
    snprintf(db, sizeof db, "%s/x.db.tmp", dir);
    small_db(db, 7);
    /* 1, not -1: a wrong command line, which the caller does not record */
    cr_assert_eq(backup_run(db, copy, err, sizeof err), 1);
    cr_expect(strstr(err, "live database") != NULL, "%s", err);
    cr_expect_eq(todays_last(db), 7, "the live database untouched");
    tdir_remove(dir);
}

/* The -wal (or -journal) of an earlier aside copy whose main file was
 * deleted must not stay beside the new aside copy: SQLite would read it
 * with it. */
Test(backup, a_restore_clears_an_old_aside_copys_journals)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], p[300], aside[BACKUP_PATH_MAX];
    char err[512] = "";
    FILE *f;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    small_db(db, 0);
    small_db(copy, 0);
    snprintf(p, sizeof p, "%s.pre-restore-journal", db);
    cr_assert_not_null(f = fopen(p, "w"));
    fputs("an earlier aside copy's journal", f);
    fclose(f);
    cr_assert_eq(backup_restore(db, copy, aside, err, sizeof err), 0, "%s", err);
    snprintf(err, sizeof err, "%s.pre-restore", db);
    cr_expect_str_eq(aside, err);
    cr_expect_eq(access(p, F_OK), -1, "%s kept beside the new aside copy", p);
    tdir_remove(dir);
}

/* `restore --db DB DB`: a slip of the hand, refused before anything moves
 * (no DB.pre-restore made of a database that was never replaced). */
Test(backup, a_restore_of_the_database_onto_itself_is_refused)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], p[300], aside[BACKUP_PATH_MAX], err[512] = "";

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    small_db(db, 4);
    cr_assert_eq(backup_restore(db, db, aside, err, sizeof err), -1);
    cr_expect(strstr(err, "the database itself") != NULL, "%s", err);
    snprintf(p, sizeof p, "%s.pre-restore", db);
    cr_expect_eq(access(p, F_OK), -1, "%s made", p);
    cr_expect_eq(todays_last(db), 4);
    tdir_remove(dir);
}

/* A copy one schema newer than this build (the first a newer spkiosk
 * makes) is refused like a much newer one: this build would run on a
 * schema it does not know. Nothing is moved aside. */
Test(backup, a_restore_of_a_copy_one_schema_newer_is_refused)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], p[300], aside[BACKUP_PATH_MAX];
    char err[512] = "", sql[64];
    sqlite3 *h;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    small_db(db, 4);
    small_db(copy, 0);
    h = open_db(copy);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %zu", embed_migrations_count + 1);
    cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    cr_assert_eq(backup_restore(db, copy, aside, err, sizeof err), -1);
    cr_expect(strstr(err, "newer than this spkiosk") != NULL, "%s", err);
    snprintf(p, sizeof p, "%s.pre-restore", db);
    cr_expect_eq(access(p, F_OK), -1, "%s made", p);
    cr_expect_eq(todays_last(db), 4);
    tdir_remove(dir);
}

/* The old database's -shm goes aside with it, like its -wal: nothing of
 * the database replaced stays beside the restored file. */
Test(backup, a_restore_moves_the_old_shm_aside)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], p[BACKUP_PATH_MAX + 8];
    char aside[BACKUP_PATH_MAX];
    char err[512] = "";
    FILE *f;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    small_db(db, 0);
    small_db(copy, 0);
    snprintf(p, sizeof p, "%s-shm", db);
    cr_assert_not_null(f = fopen(p, "w"));
    fputs("the old database's shm", f);
    fclose(f);
    cr_assert_eq(backup_restore(db, copy, aside, err, sizeof err), 0, "%s", err);
    cr_expect_eq(access(p, F_OK), -1, "%s left beside the restored database", p);
    snprintf(p, sizeof p, "%s-shm", aside);
    cr_expect_eq(access(p, F_OK), 0, "%s not moved aside", p);
    tdir_remove(dir);
}

/* With .pre-restore and .pre-restore.2 to .99 all kept from earlier
 * restores, a restore is refused: none of them (each may be the only copy
 * of some cases) is overwritten or deleted, and the database stays. */
Test(backup, a_restore_with_every_aside_name_taken_is_refused)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], p[300], aside[BACKUP_PATH_MAX];
    char err[512] = "";
    FILE *f;
    int n;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    small_db(db, 4);
    small_db(copy, 9);
    for (n = 1; n <= 99; n++) {
        if (n == 1)
            snprintf(p, sizeof p, "%s.pre-restore", db);
        else
            snprintf(p, sizeof p, "%s.pre-restore.%d", db, n);
        cr_assert_not_null(f = fopen(p, "w"));
        fputs("an earlier restore's aside copy", f);
        fclose(f);
    }
    cr_assert_eq(backup_restore(db, copy, aside, err, sizeof err), -1);
    cr_expect(strstr(err, "are all kept from earlier restores") != NULL, "%s", err);
    snprintf(p, sizeof p, "%s.pre-restore.99", db);
    cr_expect_eq(access(p, F_OK), 0, "%s deleted", p);
    snprintf(p, sizeof p, "%s.pre-restore.100", db);
    cr_expect_eq(access(p, F_OK), -1, "%s made", p);
    cr_expect_eq(todays_last(db), 4, "the database in place untouched");
    snprintf(p, sizeof p, "%s.restore-tmp", db);
    cr_expect_eq(access(p, F_OK), -1, "%s left behind", p);
    tdir_remove(dir);
}

/* Rotation knows its copies by their exact dated name, any digit in any
 * place (a copy taken at 19:59 on 2029-09-29 is rotated like the others),
 * and deletes nothing else: not an hour-old "notes.db.tmp" of the
 * operator's, which only looks like a killed backup's leftover. */
Test(backup, prune_rotates_every_dated_copy_and_nothing_else)
{
    static const char *const copies[] = {"spkiosk-20190909T191959Z.db", "spkiosk-20290929T195959Z.db",
                                         "spkiosk-20400101T000000Z.db"};
    char dir[] = "/tmp/spk-backup-XXXXXX", p[300], err[512] = "";
    struct timeval hour_ago[2];
    unsigned leftovers = 9;
    FILE *f;
    size_t i;

    cr_assert_not_null(mkdtemp(dir));
    for (i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, copies[i]);
        cr_assert_not_null(f = fopen(p, "w"));
        fputs("x", f);
        fclose(f);
    }
    snprintf(p, sizeof p, "%s/notes.db.tmp", dir);
    cr_assert_not_null(f = fopen(p, "w"));
    fputs("the operator's", f);
    fclose(f);
    cr_assert_eq(gettimeofday(&hour_ago[0], NULL), 0);
    hour_ago[0].tv_sec -= 3600;
    hour_ago[1] = hour_ago[0];
    cr_assert_eq(utimes(p, hour_ago), 0);
    cr_expect_eq(backup_prune(dir, 1, NULL, NULL, &leftovers, err, sizeof err), 2, "%s", err);
    cr_expect_eq(leftovers, 0);
    cr_expect_eq(access(p, F_OK), 0, "%s deleted", p);
    for (i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, copies[i]);
        cr_expect_eq(access(p, F_OK), i == 2 ? 0 : -1, "%s", copies[i]);
    }
    tdir_remove(dir);
}

/* A database whose integrity_check finds exactly one fault (a NULL in a
 * NOT NULL column, the schema changed under it): one line, not "ok". */
static void one_fault_db(const char *path)
{
    sqlite3 *h;

    small_db(path, 0);
    h = open_db(path);
    cr_assert_eq(sqlite3_exec(h, "CREATE TABLE t (a); INSERT INTO t VALUES (NULL);"
                                 "PRAGMA writable_schema = ON;"
                                 "UPDATE sqlite_schema SET sql = 'CREATE TABLE t (a NOT NULL)' WHERE name = 't';"
                                 "PRAGMA writable_schema = OFF;", NULL, NULL, NULL), SQLITE_OK,
                 "%s", sqlite3_errmsg(h));
    sqlite3_close(h);
}

/* A backup of a database with a fault fails rather than give a dated copy
 * that rotation would then keep in place of a good one. */
Test(backup, a_backup_of_a_faulty_database_fails_its_check)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], err[512] = "";

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    one_fault_db(db);
    cr_assert_eq(backup_run(db, copy, err, sizeof err), -1);
    cr_expect(strstr(err, "integrity_check") != NULL, "%s", err);
    cr_expect_eq(access(copy, F_OK), -1, "%s made", copy);
    tdir_remove(dir);
}

/* A copy with a single fault is refused by restore, the database in place
 * left as it is. */
Test(backup, a_restore_of_a_copy_with_one_fault_is_refused)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], aside[BACKUP_PATH_MAX], err[512] = "";

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    small_db(db, 4);
    one_fault_db(copy);
    cr_assert_eq(backup_restore(db, copy, aside, err, sizeof err), -1);
    cr_expect(strstr(err, "fails integrity_check") != NULL, "%s", err);
    cr_expect(strstr(err, copy) != NULL, "the copy checked before it is copied, by name: %s", err);
    cr_expect_eq(todays_last(db), 4);
    tdir_remove(dir);
}

/* A database at this build's schema, as the daemon leaves it. */
static void current_db(const char *path)
{
    struct db *db = NULL;
    char err[512] = "";

    cr_assert_eq(db_open(path, &db, err, sizeof err), 0, "%s", err);
    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    db_close(db);
}

/* /metrics reads the last good copy and the last failure: one row each,
 * rewritten by every backup (a nightly timer must not grow the table for
 * ever), with a count; a failure's reason is cut to BACKUP_REASON_MAX bytes
 * on a character's boundary (a path or a message may be Chinese), and a
 * good copy has none. */
Test(backup, each_outcome_is_recorded_as_the_last_of_its_kind_with_a_count)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], err[512] = "", reason[1024] = "x";
    sqlite3 *h;
    int i;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    current_db(db);
    for (i = 0; i < 150; i++)         /* 900 bytes */
        strcat(reason, "备份");
    cr_assert_eq(backup_record(db, true, 1000, 5000, "/b/one.db", "ignored", err, sizeof err), 0, "%s", err);
    cr_assert_eq(backup_record(db, false, 2000, 99, "/b", "cannot create /b: No space left", err,
                               sizeof err), 0, "%s", err);
    cr_assert_eq(backup_record(db, true, 3000, 7000, "/b/two.db", NULL, err, sizeof err), 0, "%s", err);
    cr_assert_eq(backup_record(db, false, 4000, 0, "/b", reason, err, sizeof err), 0, "%s", err);
    h = open_db(db);
    cr_expect_eq(one(h, "SELECT count(*) FROM backup_outcomes"), 2);
    cr_expect_eq(one(h, "SELECT at FROM backup_outcomes WHERE outcome = 'ok'"), 3000);
    cr_expect_eq(one(h, "SELECT bytes FROM backup_outcomes WHERE outcome = 'ok'"), 7000);
    cr_expect_eq(one(h, "SELECT count FROM backup_outcomes WHERE outcome = 'ok'"), 2);
    cr_expect_eq(one(h, "SELECT reason = '' AND target = '/b/two.db' FROM backup_outcomes"
                        " WHERE outcome = 'ok'"), 1);
    cr_expect_eq(one(h, "SELECT at FROM backup_outcomes WHERE outcome = 'failed'"), 4000);
    cr_expect_eq(one(h, "SELECT bytes FROM backup_outcomes WHERE outcome = 'failed'"), 0,
                 "a failure made no copy");
    cr_expect_eq(one(h, "SELECT count FROM backup_outcomes WHERE outcome = 'failed'"), 2);
    /* "x" and 79 characters of 3 bytes: 238 bytes, the 80th would pass 240 */
    cr_expect_eq(one(h, "SELECT length(CAST(reason AS BLOB)) FROM backup_outcomes WHERE outcome = 'failed'"), 238);
    cr_expect_eq(one(h, "SELECT length(reason) FROM backup_outcomes WHERE outcome = 'failed'"), 80);
    sqlite3_close(h);
    tdir_remove(dir);
}

/* A database at an older schema (a daemon of the older binary still
 * serving it, or a copy no daemon serves) is not migrated by the backup:
 * it is left as it was, and the caller is told why nothing was recorded. */
Test(backup, an_outcome_is_not_recorded_in_a_database_of_an_older_schema)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], err[512] = "";
    sqlite3 *h;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    small_db(db, 0);
    cr_assert_eq(backup_record(db, true, 1000, 5000, "/b/one.db", NULL, err, sizeof err), 1);
    cr_expect(strstr(err, "schema 1") != NULL, "%s", err);
    h = open_db(db);
    cr_expect_eq(one(h, "PRAGMA user_version"), 1);
    cr_expect_eq(one(h, "SELECT count(*) FROM sqlite_schema WHERE name = 'backup_outcomes'"), 0);
    sqlite3_close(h);
    tdir_remove(dir);
}

/* A copy (a rollback-journal file no daemon has served) given as the
 * database, say to copy last night's onto a USB disk, is left as it was
 * made: nothing of the copy of it is written into it. */
Test(backup, a_copy_is_left_as_it_was_made)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], err[512] = "";
    sqlite3 *h;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    current_db(db);
    cr_assert_eq(backup_run(db, copy, err, sizeof err), 0, "%s", err);
    cr_assert_eq(backup_record(copy, true, 1000, 5000, "/usb/x.db", NULL, err, sizeof err), 1);
    cr_expect(strstr(err, "is a copy") != NULL, "%s", err);
    h = open_db(copy);
    cr_expect_eq(one(h, "SELECT count(*) FROM backup_outcomes"), 0);
    sqlite3_close(h);
    tdir_remove(dir);
}

/* The database deleted since the copy: no empty one is made in its place
 * for the next daemon start to serve. */
Test(backup, an_outcome_is_never_recorded_by_making_a_database)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], err[512] = "";

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/gone.db", dir);
    cr_assert_eq(backup_record(db, false, 1000, 0, "/b", "gone", err, sizeof err), -1);
    cr_expect_eq(access(db, F_OK), -1, "%s made", db);
    tdir_remove(dir);
}

/* The copies on the backup disk did not change with a restore: the last
 * good one recorded in the database replaced (here newer than the copy's
 * own) goes on in the restored one, and so does a failure the copy knows
 * and the old one does not; a database from before the table has nothing
 * to carry, and the copy's own stay. */
Test(backup, a_restore_carries_the_newer_backup_outcomes)
{
    char dir[] = "/tmp/spk-backup-XXXXXX", db[256], copy[256], aside[BACKUP_PATH_MAX], err[512] = "";
    sqlite3 *h;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    current_db(db);
    current_db(copy);
    cr_assert_eq(backup_record(copy, true, 1000, 10, "/b/1.db", NULL, err, sizeof err), 0, "%s", err);
    cr_assert_eq(backup_record(copy, false, 500, 0, "/b", "full", err, sizeof err), 0, "%s", err);
    cr_assert_eq(backup_record(db, true, 1000, 10, "/b/1.db", NULL, err, sizeof err), 0, "%s", err);
    cr_assert_eq(backup_record(db, true, 2000, 20, "/b/2.db", NULL, err, sizeof err), 0, "%s", err);
    cr_assert_eq(backup_record(db, false, 400, 0, "/b", "older", err, sizeof err), 0, "%s", err);
    cr_assert_eq(backup_restore(db, copy, aside, err, sizeof err), 0, "%s", err);
    h = open_db(db);
    cr_expect_eq(one(h, "SELECT at FROM backup_outcomes WHERE outcome = 'ok'"), 2000);
    cr_expect_eq(one(h, "SELECT bytes FROM backup_outcomes WHERE outcome = 'ok'"), 20);
    cr_expect_eq(one(h, "SELECT count FROM backup_outcomes WHERE outcome = 'ok'"), 2);
    cr_expect_eq(one(h, "SELECT at FROM backup_outcomes WHERE outcome = 'failed'"), 500,
                 "the copy's own failure is the newer");
    sqlite3_close(h);
    /* in place of a database of schema 1: the copy's own */
    cr_assert_eq(unlink(db), 0);
    small_db(db, 0);
    cr_assert_eq(backup_restore(db, copy, aside, err, sizeof err), 0, "%s", err);
    h = open_db(db);
    cr_expect_eq(one(h, "SELECT at FROM backup_outcomes WHERE outcome = 'ok'"), 1000);
    sqlite3_close(h);
    tdir_remove(dir);
}
