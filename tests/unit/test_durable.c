/* durable.c and db.c's deferred durability: a deferring thread's commit
 * returns before its fsync and is not counted as acknowledged; the syncer
 * resumes a parked item only once the fsync its commits need has finished,
 * covers many parked items with one fsync, and refuses parks when it is
 * not running, so that the caller waits itself. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "db.h"
#include "durable.h"

#define THREADS 8
#define PER_THREAD 40

static char dir[64], path[128];

/* The test binary's own fsync and fdatasync stand in for libc's (SQLite
 * calls them through the PLT), so that a test can make the disk fail, or
 * hold an fsync until it lets it go (disk_held says one is held). */
static atomic_bool disk_fails, disk_holds, disk_held;

static int disk_sync(long nr, int fd)
{
    if (atomic_load(&disk_holds)) {
        atomic_store(&disk_held, true);
        while (atomic_load(&disk_holds))
            usleep(1000);
    }
    if (atomic_load(&disk_fails)) {
        errno = EIO;
        return -1;
    }
    return (int)syscall(nr, fd);
}

int fsync(int fd)
{
    return disk_sync(SYS_fsync, fd);
}

int fdatasync(int fd)
{
    return disk_sync(SYS_fdatasync, fd);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/spk-dur-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
    /* the daemon makes its database before the workers: db_thread never
     * makes one, and db_thread_setup names an existing file */
    {
        struct db *db = NULL;
        char err[256];
        cr_assert_eq(db_open(path, &db, err, sizeof err), 0, "%s", err);
        db_close(db);
    }
    cr_assert_eq(db_thread_setup(path), 0);
}

static void teardown(void)
{
    char p[160];
    static const char *const sfx[] = {"", "-wal", "-shm"};

    durable_stop();
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
    cr_assert_eq(sqlite3_exec(db_handle(db),
                              "PRAGMA journal_mode = WAL;"
                              "CREATE TABLE IF NOT EXISTS t(who INTEGER, n INTEGER)",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    return db;
}

static int insert(struct db *db, int who, int n)
{
    sqlite3_stmt *st;

    if (db_begin(db) != 0)
        return -1;
    st = db_stmt(db, "INSERT INTO t(who, n) VALUES (?, ?)");
    if (!st || db_run(st, sqlite3_bind_int(st, 1, who) | sqlite3_bind_int(st, 2, n)) != 0) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db);
}

TestSuite(durable, .init = setup, .fini = teardown, .timeout = 120);

Test(durable, a_deferred_commit_is_acknowledged_only_after_its_fsync)
{
    struct db *db = open_db();
    struct db_durable t;
    unsigned long c0, s0, c1, s1;

    db_sync_stats(db, &c0, &s0);
    db_defer_begin();
    cr_assert_eq(insert(db, 0, 1), 0);
    cr_assert_eq(insert(db, 0, 2), 0);
    db_sync_stats(db, &c1, &s1);
    /* nothing synced for them, and nothing counted as passed */
    cr_assert_eq(c1, c0);
    cr_assert_eq(s1, s0);
    cr_assert(db_defer_end(&t));
    cr_assert_eq(t.commits, 2);
    cr_assert_gt(t.need, s0);
    /* handed over once */
    cr_assert_not(db_defer_end(&t));
    db_defer_begin();
    cr_assert_not(db_defer_end(&(struct db_durable){0}), "no commit, nothing pending");

    db_defer_begin();
    cr_assert_eq(insert(db, 0, 3), 0);
    cr_assert(db_defer_end(&t));
    cr_assert_eq(db_durable_wait(db, &t), 0);
    db_sync_stats(db, &c1, &s1);
    cr_assert_eq(c1, c0 + 1);
    cr_assert_geq(s1, t.need);
    db_close(db);
}

/* What tells other people of a write (the call screen, the SMS sender)
 * runs only once the write is on the disk: a review saw the hall's screen
 * show a call 3 s before its fsync finished. */
static atomic_int told;
static atomic_ulong synced_when_told;
static struct db *probe;   /* a connection whose counters any thread may read */

static void tell(void)
{
    unsigned long c, s;

    db_sync_stats(probe, &c, &s);
    atomic_store(&synced_when_told, s);
    atomic_fetch_add(&told, 1);
}

Test(durable, what_tells_of_a_write_runs_after_its_fsync_once)
{
    struct db *db = open_db();
    struct db_durable t;

    probe = db;
    atomic_store(&told, 0);
    /* not deferring: db_commit waited, so at once */
    cr_assert_eq(insert(db, 2, 1), 0);
    db_after_durable(tell);
    cr_assert_eq(atomic_load(&told), 1);
    /* deferring, nothing committed yet: at once too */
    db_defer_begin();
    db_after_durable(tell);
    cr_assert_eq(atomic_load(&told), 2);
    /* deferring with a commit pending: noted, once however often asked */
    cr_assert_eq(insert(db, 2, 2), 0);
    db_after_durable(tell);
    db_after_durable(tell);
    cr_assert_eq(atomic_load(&told), 2, "told before the fsync");
    cr_assert(db_defer_end(&t));
    cr_assert_eq(t.n_after, 1);
    cr_assert_eq(db_durable_wait(db, &t), 0);
    db_durable_after(&t);
    cr_assert_eq(atomic_load(&told), 3);
    cr_assert_geq(atomic_load(&synced_when_told), t.need, "told after the fsync that covers it");
    db_close(db);
}

/* A parked item as http.c's request embeds it, with a flag its thread
 * waits on. */
struct item {
    struct durable_wait w;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int suspended, resumed;
    unsigned long synced_at_resume;
};

static void item_suspend(struct durable_wait *w)
{
    struct item *it = (struct item *)w;

    it->suspended++;
}

static void item_resume(struct durable_wait *w)
{
    struct item *it = (struct item *)w;
    unsigned long c, s;

    db_sync_stats(probe, &c, &s);
    pthread_mutex_lock(&it->mu);
    it->synced_at_resume = s;
    it->resumed++;
    pthread_cond_signal(&it->cv);
    pthread_mutex_unlock(&it->mu);
}

static void item_init(struct item *it)
{
    memset(it, 0, sizeof *it);
    pthread_mutex_init(&it->mu, NULL);
    pthread_cond_init(&it->cv, NULL);
}

/* Waits until the syncer has resumed the item (it was parked). */
static void item_wait_resumed(struct item *it)
{
    pthread_mutex_lock(&it->mu);
    while (!it->resumed)
        pthread_cond_wait(&it->cv, &it->mu);
    pthread_mutex_unlock(&it->mu);
}

static void item_destroy(struct item *it)
{
    pthread_cond_destroy(&it->cv);
    pthread_mutex_destroy(&it->mu);
}

struct worker {
    int who, errors, early;
};

static void *work(void *arg)
{
    struct worker *k = arg;
    struct db *db = open_db();
    struct item it;
    int n;

    item_init(&it);
    for (n = 0; n < PER_THREAD; n++) {
        db_defer_begin();
        if (insert(db, k->who, n) != 0 || (db_after_durable(tell), !db_defer_end(&it.w.need))) {
            k->errors++;
            continue;
        }
        it.resumed = 0;
        if (durable_park(&it.w) != 0) {
            k->errors++;
            continue;
        }
        item_wait_resumed(&it);
        if (it.w.failed || it.synced_at_resume < it.w.need.need)
            k->early++;
    }
    cr_assert_eq(it.suspended, PER_THREAD - k->errors);
    item_destroy(&it);
    db_close(db);
    return NULL;
}

Test(durable, the_syncer_resumes_after_the_fsync_and_groups_the_parked)
{
    struct worker k[THREADS];
    pthread_t th[THREADS];
    unsigned long groups, requests, c0, s0, c1, s1;
    int i;

    probe = open_db();
    atomic_store(&told, 0);
    db_sync_stats(probe, &c0, &s0);
    cr_assert_eq(durable_start(item_suspend, item_resume), 0);
    cr_assert_neq(durable_start(item_suspend, item_resume), 0, "started twice");
    for (i = 0; i < THREADS; i++) {
        k[i] = (struct worker){.who = i};
        cr_assert_eq(pthread_create(&th[i], NULL, work, &k[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        cr_assert_eq(pthread_join(th[i], NULL), 0);
        cr_assert_eq(k[i].errors, 0, "worker %d: %d writes failed", i, k[i].errors);
        cr_assert_eq(k[i].early, 0, "worker %d: %d resumed before their fsync", i, k[i].early);
    }
    durable_stats(&groups, &requests);
    db_sync_stats(probe, &c1, &s1);
    cr_assert_eq(requests, THREADS * PER_THREAD);
    cr_assert_eq(c1 - c0, THREADS * PER_THREAD, "every commit counted once it passed");
    cr_assert_lt(groups, requests, "no grouping: %lu fsyncs for %lu parked", groups, requests);
    cr_assert_eq(durable_parked(), 0);
    /* the syncer ran each group's once: at least one, at most one a request */
    cr_assert(atomic_load(&told) >= 1 && (unsigned long)atomic_load(&told) <= groups,
              "told %d times for %lu groups", atomic_load(&told), groups);
    cr_log_info("%lu parked requests in %lu groups\n", requests, groups);
    db_close(probe);
}

Test(durable, a_park_is_refused_when_the_syncer_is_not_running)
{
    struct db *db = open_db();
    struct item it;

    memset(&it, 0, sizeof it);
    db_defer_begin();
    cr_assert_eq(insert(db, 1, 1), 0);
    cr_assert(db_defer_end(&it.w.need));
    cr_assert_eq(durable_park(&it.w), -1, "not started");
    cr_assert_eq(it.suspended, 0, "refused without a suspend");
    probe = db;
    cr_assert_eq(durable_start(item_suspend, item_resume), 0);
    durable_stop();
    cr_assert_eq(durable_park(&it.w), -1, "stopped");
    /* the caller then waits itself */
    cr_assert_eq(db_durable_wait(db, &it.w.need), 0);
    db_close(db);
}

static void *stop_syncer(void *arg)
{
    (void)arg;
    durable_stop();
    return NULL;
}

#define LATE_MAX 2000

/* A stop while an fsync runs: what was parked behind it, before the stop
 * began, is still made durable and resumed before the syncer ends, and
 * parks from then on are refused (the caller waits itself), so that no
 * connection is left suspended at shutdown. A start after it counts
 * afresh. */
Test(durable, a_stop_finishes_what_was_parked_behind_a_running_fsync)
{
    struct db *db = open_db();
    struct item a, b, *late = calloc(LATE_MAX, sizeof *late);
    unsigned long groups, requests;
    pthread_t stopper;
    size_t i, n = 0;

    cr_assert_not_null(late);
    item_init(&a);
    item_init(&b);
    probe = db;
    cr_assert_eq(durable_start(item_suspend, item_resume), 0);
    db_defer_begin();
    cr_assert_eq(insert(db, 1, 1), 0);
    cr_assert(db_defer_end(&a.w.need));
    atomic_store(&disk_held, false);
    atomic_store(&disk_holds, true);
    cr_assert_eq(durable_park(&a.w), 0);
    while (!atomic_load(&disk_held))
        usleep(1000);
    /* the syncer is in a's fsync: b waits behind it */
    db_defer_begin();
    cr_assert_eq(insert(db, 1, 2), 0);
    cr_assert(db_defer_end(&b.w.need));
    cr_assert_eq(durable_park(&b.w), 0);
    cr_assert_eq(pthread_create(&stopper, NULL, stop_syncer, NULL), 0);
    /* parked until the stop begins, refused from then on */
    for (;;) {
        cr_assert_lt(n, LATE_MAX, "a park was never refused after the stop began");
        item_init(&late[n]);
        if (durable_park(&late[n].w) != 0)
            break;
        n++;
        usleep(1000);
    }
    cr_assert_eq(late[n].suspended, 0);
    atomic_store(&disk_holds, false);
    cr_assert_eq(pthread_join(stopper, NULL), 0);
    cr_assert_eq(a.resumed, 1);
    cr_assert_eq(b.resumed, 1, "parked before the stop, never resumed");
    cr_assert_not(b.w.failed);
    cr_assert_gt(b.synced_at_resume, a.synced_at_resume, "b's commit came after a's fsync began");
    for (i = 0; i < n; i++)
        cr_assert_eq(late[i].resumed, 1, "late item %zu of %zu", i, n);
    cr_assert_eq(durable_parked(), 0);

    cr_assert_eq(durable_start(item_suspend, item_resume), 0);
    durable_stats(&groups, &requests);
    cr_assert_eq(groups + requests, 0, "a new start counts afresh");
    durable_stop();
    for (i = 0; i <= n; i++)
        item_destroy(&late[i]);
    free(late);
    item_destroy(&a);
    item_destroy(&b);
    db_close(db);
}

/* An fsync that fails fails the parked answer (the owner sends an error,
 * not its success), and every later commit too: after a failed fsync the
 * kernel may have dropped the pages, and a later fsync succeed without
 * them. */
Test(durable, a_failed_fsync_fails_the_parked_and_every_later_write)
{
    struct db *db = open_db();
    struct item it;

    item_init(&it);
    probe = db;
    cr_assert_eq(durable_start(item_suspend, item_resume), 0);
    db_defer_begin();
    cr_assert_eq(insert(db, 1, 1), 0);
    cr_assert(db_defer_end(&it.w.need));
    atomic_store(&disk_fails, true);
    cr_assert_eq(durable_park(&it.w), 0);
    item_wait_resumed(&it);
    cr_assert(it.w.failed, "resumed as if durable");
    atomic_store(&disk_fails, false);

    /* the disk works again: the barrier stays failed */
    db_defer_begin();
    cr_assert_eq(insert(db, 1, 2), -1, "a deferred commit after the failure");
    cr_assert(db_storage_failed());
    db_defer_end(&it.w.need);
    cr_assert_eq(insert(db, 1, 3), -1, "a waited-for commit after the failure");
    item_destroy(&it);
    db_close(db);
}

/* What tells of a write (the call screen, the SMS sender) does not run
 * when the fsync that was to cover the write failed: the answer is an
 * error, and a power cut could still take the write away. */
Test(durable, what_tells_of_a_write_never_runs_when_its_fsync_failed)
{
    struct db *db = open_db();
    struct item it;

    item_init(&it);
    probe = db;
    atomic_store(&told, 0);
    cr_assert_eq(durable_start(item_suspend, item_resume), 0);
    db_defer_begin();
    cr_assert_eq(insert(db, 1, 1), 0);
    db_after_durable(tell);
    cr_assert(db_defer_end(&it.w.need));
    cr_assert_eq(it.w.need.n_after, 1);
    atomic_store(&disk_fails, true);
    cr_assert_eq(durable_park(&it.w), 0);
    item_wait_resumed(&it);
    atomic_store(&disk_fails, false);
    cr_assert(it.w.failed);
    cr_assert_eq(atomic_load(&told), 0, "told of a write that is not on the disk");
    item_destroy(&it);
    db_close(db);
}

/* A connection to a second file in the test's folder, in WAL mode with a
 * WAL of its own; remove_other deletes it before teardown's rmdir. */
static struct db *open_other(void)
{
    struct db *db = NULL;
    char p[160], err[256];

    snprintf(p, sizeof p, "%s/other.db", dir);
    cr_assert_eq(db_open(p, &db, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sqlite3_exec(db_handle(db),
                              "PRAGMA journal_mode = WAL; CREATE TABLE o(x); INSERT INTO o VALUES (1)",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    return db;
}

static void remove_other(void)
{
    static const char *const sfx[] = {"", "-wal", "-shm"};
    char p[160];

    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/other.db%s", dir, sfx[i]);
        unlink(p);
    }
}

/* The commits' fsync is asked of a connection to their own file only:
 * another file's fsync says nothing of them. */
Test(durable, a_commit_is_waited_for_only_on_a_connection_to_its_file)
{
    struct db *db = open_db(), *other = open_other();
    struct db_durable t;

    db_defer_begin();
    cr_assert_eq(insert(db, 3, 1), 0);
    cr_assert(db_defer_end(&t));
    cr_assert_eq(db_durable_wait(other, &t), -1, "another file's fsync passed for it");
    cr_assert_eq(db_durable_wait(db, &t), 0);
    db_close(other);
    db_close(db);
    remove_other();
}

/* One pending db_durable names one file: a deferring thread's commit to a
 * second file waits for that file's own fsync instead of joining the
 * first file's. */
Test(durable, a_deferring_thread_waits_itself_for_a_second_file)
{
    struct db *db = open_db(), *other = open_other();
    struct db_durable t;
    unsigned long c0, s0, c1, s1;

    db_sync_stats(other, &c0, &s0);
    db_defer_begin();
    cr_assert_eq(insert(db, 5, 1), 0);
    cr_assert_eq(sqlite3_exec(db_handle(other), "INSERT INTO o VALUES (2)", NULL, NULL, NULL),
                 SQLITE_OK);
    db_sync_stats(other, &c1, &s1);
    cr_assert(db_defer_end(&t));
    cr_assert_eq(t.commits, 1, "the second file's commit was deferred with the first's");
    cr_assert_eq(c1, c0 + 1);
    cr_assert_gt(s1, s0, "the second file's commit passed without its fsync");
    cr_assert_eq(db_durable_wait(db, &t), 0);
    db_close(other);
    db_close(db);
    remove_other();
}

/* Room for DB_AFTER_MAX functions to run after: one more runs at once, as
 * when nothing is pending, instead of being written past the array. */
static atomic_int ran[DB_AFTER_MAX + 1];
static void after0(void) { atomic_fetch_add(&ran[0], 1); }
static void after1(void) { atomic_fetch_add(&ran[1], 1); }
static void after2(void) { atomic_fetch_add(&ran[2], 1); }
static void after3(void) { atomic_fetch_add(&ran[3], 1); }
static void after4(void) { atomic_fetch_add(&ran[4], 1); }

Test(durable, past_the_room_for_what_runs_after_one_runs_at_once)
{
    void (*const fns[DB_AFTER_MAX + 1])(void) = {after0, after1, after2, after3, after4};
    struct db *db = open_db();
    struct db_durable t;
    int i;

    db_defer_begin();
    cr_assert_eq(insert(db, 4, 1), 0);
    for (i = 0; i <= DB_AFTER_MAX; i++)
        db_after_durable(fns[i]);
    for (i = 0; i < DB_AFTER_MAX; i++)
        cr_assert_eq(atomic_load(&ran[i]), 0, "function %d ran before the fsync", i);
    cr_assert_eq(atomic_load(&ran[DB_AFTER_MAX]), 1, "the one without room did not run at once");
    cr_assert(db_defer_end(&t));
    cr_assert_eq(t.n_after, DB_AFTER_MAX);
    cr_assert_eq(db_durable_wait(db, &t), 0);
    db_durable_after(&t);
    for (i = 0; i <= DB_AFTER_MAX; i++)
        cr_assert_eq(atomic_load(&ran[i]), 1, "function %d ran %d times", i, atomic_load(&ran[i]));
    db_close(db);
}

/* A group waits for the latest fsync any of its requests needs, whatever
 * the order they were parked in. */
Test(durable, a_group_needs_the_latest_fsync_of_its_requests)
{
    static int file;
    struct db_durable into = {0}, late = {.sh = &file, .need = 5, .commits = 1},
                      early = {.sh = &file, .need = 3, .commits = 2};

    db_durable_merge(&into, &late);
    db_durable_merge(&into, &early);
    cr_assert_eq(into.sh, &file);
    cr_assert_eq(into.need, 5);
    cr_assert_eq(into.commits, 3);
}

/* After a failed fsync of the WAL every write fails until a restart, and
 * /healthz says so (failed), also once the disk answers again: not "full",
 * which a probe that commits would clear. */
Test(durable, health_says_failed_after_a_failed_fsync)
{
    struct db *db = open_db();

    cr_assert_eq(db_health(db), DB_HEALTH_OK);
    atomic_store(&disk_fails, true);
    cr_assert_eq(insert(db, 7, 1), -1);
    atomic_store(&disk_fails, false);
    cr_assert_eq(db_health(db), DB_HEALTH_FAILED);
    db_close(db);
}

/* After db_defer_end the thread waits in db_commit again: a later commit
 * has passed its fsync when db_commit returns, nothing left pending. */
Test(durable, after_defer_end_a_commit_waits_for_its_fsync)
{
    struct db *db = open_db();
    struct db_durable t;
    unsigned long c0, s0, c1, s1;

    db_defer_begin();
    cr_assert_not(db_defer_end(&t));
    db_sync_stats(db, &c0, &s0);
    cr_assert_eq(insert(db, 8, 1), 0);
    db_sync_stats(db, &c1, &s1);
    cr_assert_eq(c1, c0 + 1, "the commit was deferred after db_defer_end");
    cr_assert_gt(s1, s0);
    cr_assert_not(db_defer_take(&t), "a commit left pending");
    db_close(db);
}

/* A worker's first connection is to the file the daemon opened and
 * migrated: one moved into its place since is not opened (each worker
 * would be an empty database answering 500, /healthz 200), and the answer
 * says gone (503). */
Test(durable, a_worker_does_not_open_a_file_moved_into_the_place)
{
    char other[160];
    FILE *f;

    snprintf(other, sizeof other, "%s.new", path);
    cr_assert_not_null(f = fopen(other, "w"));
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(other, path), 0);
    (void)db_storage_failed();
    cr_assert_null(db_thread(), "opened the file put in the place");
    cr_assert_eq(db_storage_failed(), DB_FAULT_GONE);
}
