/* db.c's writer queue and group commit: every path out of a write
 * transaction ends the connection's turn (a leaked turn would stop every
 * writer of the process), and db_commit returns only after an fsync of the
 * WAL that started after the commit, shared by commits that came together. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"

#define THREADS 8
#define PER_THREAD 60

static char dir[64], path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/spk-db-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
}

static void teardown(void)
{
    char p[160];
    static const char *const sfx[] = { "", "-wal", "-shm" };

    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        unlink(p);
    }
    rmdir(dir);
}

static struct db *open_db(void)
{
    struct db *db = NULL;
    char err[256];

    cr_assert_eq(db_open(path, &db, err, sizeof err), 0, "%s", err);
    return db;
}

static void exec(struct db *db, const char *sql)
{
    char *msg = NULL;

    cr_assert_eq(sqlite3_exec(db_handle(db), sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql,
                 msg ? msg : "?");
}

static void make_table(struct db *db)
{
    exec(db, "PRAGMA journal_mode = WAL;"
             "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, who INTEGER, n INTEGER,"
             " UNIQUE(who, n));"
             "CREATE TABLE IF NOT EXISTS p(id INTEGER PRIMARY KEY);"
             "CREATE TABLE IF NOT EXISTS c(p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED);");
}

static int count(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int n = -1;

    cr_assert_eq(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The other connection gets its turn at once: with a leaked turn its
 * db_begin would wait the whole busy timeout and fail. */
static void other_can_write(struct db *other)
{
    cr_assert_eq(db_begin(other), 0, "the turn was not given back");
    cr_assert(db_write_held(other));
    exec(other, "INSERT INTO p DEFAULT VALUES");
    cr_assert_eq(db_commit(other), 0);
    cr_assert_not(db_write_held(other));
}

TestSuite(db, .init = setup, .fini = teardown, .timeout = 120);

Test(db, every_way_out_of_a_transaction_ends_the_turn)
{
    struct db *a = open_db(), *b = open_db();
    sqlite3 *raw = NULL;

    make_table(a);

    /* commit */
    cr_assert_eq(db_begin(a), 0);
    cr_assert(db_write_held(a));
    exec(a, "INSERT INTO p DEFAULT VALUES");
    cr_assert_eq(db_commit(a), 0);
    cr_assert_not(db_write_held(a));
    other_can_write(b);

    /* rollback, and a rollback after a commit (callers do both) */
    cr_assert_eq(db_begin(a), 0);
    db_rollback(a);
    cr_assert_not(db_write_held(a));
    db_rollback(a);
    other_can_write(b);

    /* a COMMIT that fails: a deferred foreign key still broken */
    cr_assert_eq(db_begin(a), 0);
    exec(a, "INSERT INTO c VALUES (999)");
    cr_assert_eq(db_commit(a), -1);
    cr_assert_not(db_write_held(a));
    cr_assert_eq(count(a, "SELECT count(*) FROM c"), 0, "the failed commit was kept");
    other_can_write(b);

    /* a transaction left open is rolled back by the next db_begin, which
     * ends its turn and takes a new one */
    cr_assert_eq(db_begin(a), 0);
    exec(a, "INSERT INTO p VALUES (424242)");
    cr_assert_eq(db_begin(a), 0);
    cr_assert(db_write_held(a));
    cr_assert_eq(db_commit(a), 0);
    cr_assert_eq(count(b, "SELECT count(*) FROM p WHERE id = 424242"), 0);
    other_can_write(b);

    /* a BEGIN IMMEDIATE that fails (another process holds SQLite's lock:
     * here a connection outside db.c) gives the turn back */
    cr_assert_eq(sqlite3_open(path, &raw), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_busy_timeout(db_handle(a), 10), SQLITE_OK);
    cr_assert_eq(db_begin(a), -1);
    cr_assert_not(db_write_held(a));
    cr_assert_eq(sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_close(raw), SQLITE_OK);
    other_can_write(b);

    /* closing a connection in a transaction */
    cr_assert_eq(db_begin(a), 0);
    db_close(a);
    other_can_write(b);
    db_close(b);
}

/* A second thread's db_begin waits while the first holds the turn, and
 * gets it when the first commits. */
struct waiter {
    int began;
    int rc;
};

static void *wait_turn(void *arg)
{
    struct waiter *w = arg;
    struct db *db = open_db();

    w->rc = db_begin(db);
    __atomic_store_n(&w->began, 1, __ATOMIC_SEQ_CST);
    if (w->rc == 0) {
        exec(db, "INSERT INTO p DEFAULT VALUES");
        w->rc = db_commit(db);
    }
    db_close(db);
    return NULL;
}

Test(db, a_writer_waits_for_the_turn)
{
    struct db *a = open_db();
    struct waiter w = { 0, -1 };
    pthread_t th;
    int before;

    make_table(a);
    before = count(a, "SELECT count(*) FROM p");
    cr_assert_eq(db_begin(a), 0);
    cr_assert_eq(pthread_create(&th, NULL, wait_turn, &w), 0);
    usleep(100 * 1000);
    cr_assert_eq(__atomic_load_n(&w.began, __ATOMIC_SEQ_CST), 0, "two writers at once");
    cr_assert_eq(db_commit(a), 0);
    cr_assert_eq(pthread_join(th, NULL), 0);
    cr_assert_eq(w.rc, 0);
    cr_assert_eq(count(a, "SELECT count(*) FROM p"), before + 1);
    db_close(a);
}

struct committer {
    int who;
    int failures;       /* a commit acknowledged before an fsync covered it */
    int errors;
};

static void *commit_many(void *arg)
{
    struct committer *c = arg;
    struct db *db = open_db();
    unsigned long commits, started, synced;
    sqlite3_stmt *st;
    int n;

    for (n = 0; n < PER_THREAD; n++) {
        if (db_begin(db) != 0) {
            c->errors++;
            continue;
        }
        st = db_stmt(db, "INSERT INTO t(who, n) VALUES (?, ?)");
        if (!st || db_run(st, sqlite3_bind_int(st, 1, c->who) | sqlite3_bind_int(st, 2, n)) != 0) {
            db_rollback(db);
            c->errors++;
            continue;
        }
        /* the fsyncs finished before the commit: the one that covers it
         * must start after it, so finish after this count */
        db_sync_stats(db, &commits, &started);
        if (db_commit(db) != 0) {
            c->errors++;
            continue;
        }
        db_sync_stats(db, &commits, &synced);
        if (synced <= started)
            c->failures++;
    }
    db_close(db);
    return NULL;
}

Test(db, group_commit_covers_every_commit_with_fewer_fsyncs)
{
    struct committer c[THREADS];
    pthread_t th[THREADS];
    unsigned long commits0, syncs0, commits, syncs;
    struct db *db = open_db();
    int i;

    make_table(db);
    db_sync_stats(db, &commits0, &syncs0);
    for (i = 0; i < THREADS; i++) {
        c[i] = (struct committer){ .who = i };
        cr_assert_eq(pthread_create(&th[i], NULL, commit_many, &c[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        cr_assert_eq(pthread_join(th[i], NULL), 0);
        cr_assert_eq(c[i].errors, 0, "thread %d: %d commits failed", i, c[i].errors);
        cr_assert_eq(c[i].failures, 0, "thread %d: %d commits acknowledged before their fsync", i,
                     c[i].failures);
    }
    db_sync_stats(db, &commits, &syncs);
    commits -= commits0;
    syncs -= syncs0;
    cr_assert_eq(commits, THREADS * PER_THREAD);
    cr_assert_gt(syncs, 0);
    cr_assert_lt(syncs, commits, "no grouping: %lu fsyncs for %lu commits", syncs, commits);
    cr_log_info("%lu commits, %lu fsyncs of the WAL\n", commits, syncs);
    db_close(db);

    /* every acknowledged row is in the file a new connection reads */
    db = open_db();
    cr_assert_eq(count(db, "SELECT count(*) FROM t"), THREADS * PER_THREAD);
    db_close(db);
}

/* A write outside db_begin (an autocommit statement) gets its fsync too,
 * from the WAL hook. */
Test(db, an_autocommit_write_is_synced)
{
    struct db *db = open_db();
    unsigned long c0, s0, c1, s1;

    make_table(db);
    db_sync_stats(db, &c0, &s0);
    exec(db, "INSERT INTO p DEFAULT VALUES");
    db_sync_stats(db, &c1, &s1);
    cr_assert_eq(c1, c0 + 1);
    cr_assert_gt(s1, s0);
    db_close(db);
}

/* A full disk: /healthz probes a write until one commits. Only a commit
 * that wrote counts: the sweep's empty transaction each minute commits on a
 * full disk too, and turned /healthz green while every write failed (a
 * review). After the fault and an empty commit, db_health still probes. */
Test(db, an_empty_commit_does_not_prove_the_disk)
{
    struct db *db = open_db();
    sqlite3_stmt *st;

    make_table(db);
    exec(db, "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL)");
    cr_assert_eq(db_health(db), DB_HEALTH_OK);
    /* SQLITE_FULL for real: no page may be added */
    exec(db, "PRAGMA max_page_count = 1");
    cr_assert_eq(db_begin(db), 0);
    cr_assert_not_null(st = db_stmt(db, "INSERT INTO t (who, n) VALUES (1, zeroblob(100000))"));
    cr_assert_neq(db_run(st, SQLITE_OK), 0, "the insert fills the file");
    db_rollback(db);
    exec(db, "PRAGMA max_page_count = 1073741823");
    /* an empty write transaction, as the sweep's with nothing to do */
    cr_assert_eq(db_begin(db), 0);
    cr_assert_eq(db_commit(db), 0);
    cr_assert_eq(count(db, "SELECT count(*) FROM health_probe"), 0);
    cr_assert_eq(db_health(db), DB_HEALTH_OK, "the probe commits now");
    cr_assert_eq(count(db, "SELECT count(*) FROM health_probe"), 1, "a probe was made: the empty commit proved nothing");
    db_close(db);
}
