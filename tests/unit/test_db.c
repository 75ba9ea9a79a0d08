/* db.c's writer queue and group commit: every path out of a write
 * transaction ends the connection's turn (a leaked turn would stop every
 * writer of the process), and db_commit returns only after an fsync of the
 * WAL that started after the commit, shared by commits that came together. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* A commit alone is covered by exactly one fsync of the WAL: the barrier
 * waits for the one that started after the commit, not for one more. The
 * group test above only bounds the fsyncs from above by the commits, which
 * two fsyncs a commit still meet when threads group. */
Test(db, a_lone_commit_costs_one_fsync)
{
    struct db *db = open_db();
    unsigned long c0, s0, c1, s1;

    make_table(db);
    db_sync_stats(db, &c0, &s0);
    cr_assert_eq(db_begin(db), 0);
    exec(db, "INSERT INTO p DEFAULT VALUES");
    cr_assert_eq(db_commit(db), 0);
    db_sync_stats(db, &c1, &s1);
    cr_assert_eq(c1, c0 + 1);
    cr_assert_eq(s1, s0 + 1, "%lu fsyncs for one commit", s1 - s0);
    db_close(db);
}

/* A transaction begun before the file was deleted must not be acknowledged
 * once any connection of the process has seen it gone (here /healthz's):
 * the write went into a file nobody will open again. db_begin refuses new
 * ones; the one in flight fails at its barrier. */
Test(db, a_commit_in_flight_fails_once_the_file_is_seen_gone)
{
    struct db *a = open_db(), *b = open_db();

    make_table(a);
    exec(b, "CREATE TABLE health_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
    cr_assert_eq(db_begin(a), 0);
    exec(a, "INSERT INTO p DEFAULT VALUES");
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(db_health(b), DB_HEALTH_FAILED);
    cr_assert_eq(db_commit(a), -1, "acknowledged into a deleted file");
    cr_assert(db_storage_failed(), "the answer is not told why");
    cr_assert_not(db_write_held(a));
    db_close(a);
    db_close(b);
}

/* db_stmt hands a cached statement back with its bindings cleared: a
 * caller that binds a parameter only when it has a value must not get the
 * previous caller's. */
Test(db, a_cached_statement_comes_back_without_its_bindings)
{
    static const char sql[] = "SELECT ?1";
    struct db *db = open_db();
    sqlite3_stmt *st;

    cr_assert_not_null(st = db_stmt(db, sql));
    cr_assert_eq(sqlite3_bind_int(st, 1, 7), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 7);
    cr_assert_eq(db_stmt(db, sql), st, "not the cached statement");
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_type(st, 0), SQLITE_NULL, "the last caller's value came back");
    sqlite3_reset(st);
    db_close(db);
}

/* An empty write transaction (the sweep's, each minute, with nothing to
 * do) wrote nothing to the WAL, and costs no fsync. */
Test(db, an_empty_commit_costs_no_fsync)
{
    struct db *db = open_db();
    unsigned long c0, s0, c1, s1;

    make_table(db);
    db_sync_stats(db, &c0, &s0);
    cr_assert_eq(db_begin(db), 0);
    cr_assert_eq(db_commit(db), 0);
    db_sync_stats(db, &c1, &s1);
    cr_assert_eq(s1, s0, "an fsync for an empty commit");
    cr_assert_eq(c1, c0);
    db_close(db);
}

/* db.c's WAL hook replaces SQLite's automatic checkpoint: without its
 * checkpoint every commit would append to the WAL for ever. 16 MiB
 * committed in 1 MiB steps, with no reader in the way, leave a WAL of
 * about DB_CHECKPOINT_PAGES pages (4 MiB), far under what was written. */
Test(db, a_run_of_commits_is_checkpointed_and_the_wal_kept_small)
{
    struct db *db = open_db();
    char wal[160];
    struct stat st;
    int i;

    make_table(db);
    exec(db, "CREATE TABLE big(b BLOB)");
    for (i = 0; i < 16; i++) {
        cr_assert_eq(db_begin(db), 0);
        exec(db, "INSERT INTO big VALUES (zeroblob(1048576))");
        cr_assert_eq(db_commit(db), 0);
    }
    snprintf(wal, sizeof wal, "%s-wal", path);
    cr_assert_eq(stat(wal, &st), 0);
    cr_assert_lt(st.st_size, 8 << 20, "the WAL holds %lld bytes", (long long)st.st_size);
    db_close(db);
}

/* Migrations run with foreign keys off (db_migrate): the connection that
 * migrated, the daemon's loader afterwards, has them on again. */
Test(db, a_migrated_connection_enforces_foreign_keys)
{
    struct db *db = open_db();
    char err[512] = "";

    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    cr_assert_eq(count(db, "PRAGMA foreign_keys"), 1, "foreign keys left off");
    db_close(db);
}

/* A write refused as read-only (the file's rights or its mount changed
 * under the daemon; here PRAGMA query_only stands in for them) is a storage
 * fault the answer tells of (503), not a silent 500, and it is counted. */
Test(db, a_read_only_refusal_is_a_storage_fault)
{
    struct db *db = open_db();
    unsigned long before;

    make_table(db);
    exec(db, "PRAGMA query_only = 1");
    before = db_storage_fault_count();
    cr_assert_eq(db_begin(db), -1, "BEGIN IMMEDIATE went through");
    cr_assert_not(db_write_held(db));
    cr_assert_eq(db_storage_failed(), 1, "not noted for the answer");
    cr_assert_eq(db_storage_fault_count(), before + 1);
    db_close(db);
}

/* A fault belongs to the request that met it: one nobody read (a
 * background write's) is not left for the next transaction on the thread,
 * whose answer would be a 503 for a write that went through. */
Test(db, a_fault_is_not_left_for_the_next_transaction)
{
    struct db *db = open_db();

    make_table(db);
    exec(db, "PRAGMA query_only = 1");
    cr_assert_eq(db_begin(db), -1);
    exec(db, "PRAGMA query_only = 0");
    cr_assert_eq(db_begin(db), 0);
    exec(db, "INSERT INTO p DEFAULT VALUES");
    cr_assert_eq(db_commit(db), 0);
    cr_assert_eq(db_storage_failed(), 0, "the earlier fault told as this one's");
    db_close(db);
}

/* db_wal_truncate with a reader in the way says "try later" (1), which the
 * sweep does quietly, not an error (-1), which it logs; once the reader is
 * gone the WAL is emptied (0). */
Test(db, a_reader_in_the_way_of_the_truncation_is_try_later)
{
    struct db *a = open_db(), *b = open_db();
    char wal[160];
    struct stat st;

    make_table(a);
    exec(b, "BEGIN; SELECT count(*) FROM p");
    cr_assert_eq(db_begin(a), 0);
    exec(a, "INSERT INTO p DEFAULT VALUES");
    cr_assert_eq(db_commit(a), 0);
    cr_assert_eq(db_wal_truncate(a), 1);
    exec(b, "COMMIT");
    cr_assert_eq(db_wal_truncate(a), 0);
    snprintf(wal, sizeof wal, "%s-wal", path);
    cr_assert_eq(stat(wal, &st), 0);
    cr_assert_eq(st.st_size, 0);
    db_close(b);
    db_close(a);
}

/* A file put in the database's place (a restore with mv while the daemon
 * runs) is another inode on the same disk: writes into the old one would
 * be acknowledged and lost, so they are refused as for a deleted file. */
Test(db, a_file_moved_into_the_database_place_refuses_writes)
{
    struct db *db = open_db();
    char other[160];
    FILE *f;

    make_table(db);
    snprintf(other, sizeof other, "%s.new", path);
    cr_assert_not_null(f = fopen(other, "w"));
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(other, path), 0);
    cr_assert_eq(db_begin(db), -1, "a write into the file no longer at its path");
    cr_assert_eq(db_storage_failed(), DB_FAULT_GONE);
    cr_assert_eq(db_health(db), DB_HEALTH_FAILED);
    db_close(db);
}

/* The database's folder, made when missing, is not for everyone to list
 * (it will hold the database and its backups): 0750, one level only. */
Test(db, the_database_folder_is_made_0750_one_level_only)
{
    char sub[160], file[200], deep[220];
    struct stat st;
    mode_t old = umask(022);

    snprintf(sub, sizeof sub, "%s/var", dir);
    snprintf(file, sizeof file, "%s/t.db", sub);
    snprintf(deep, sizeof deep, "%s/a/b/t.db", dir);
    cr_assert_eq(db_dir_ensure(file), 0);
    umask(old);
    cr_assert_eq(stat(sub, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0750, "mode %03o", (unsigned)(st.st_mode & 0777));
    cr_assert_eq(db_dir_ensure(file), 0, "an existing folder is fine");
    cr_assert_eq(db_dir_ensure(deep), -1, "two levels made");
    cr_assert_eq(rmdir(sub), 0);
}
