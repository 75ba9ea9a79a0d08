/* Unit tests of the backup: a copy of a database of many backup steps
 * taken while another process commits is one consistent snapshot (each
 * writer transaction adds a row and bumps a counter: the copy's rows and
 * counter agree) and passes integrity_check; the dated names. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "backup.h"

#define BASE_ROWS 1500      /* 2 KiB each: several BACKUP_STEP_PAGES steps */

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
    snprintf(err, sizeof err, "rm -rf %s", dir);
    cr_expect_eq(system(err), 0);
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
