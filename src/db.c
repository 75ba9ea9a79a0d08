/* db: SQLite connections, migrations and the per-connection statement
 * cache. Schema changes live only in schema/NNN-*.sql, embedded at build
 * time and applied in order; PRAGMA user_version records the last one. */
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cjktok.h"
#include "pinyin.h"
#include "embed.h"

#define DB_BUSY_MS 5000

/* The WAL is copied back into the database once it holds this many pages
 * (SQLite's default autocheckpoint, which our WAL hook replaces), and cut
 * back to DB_WAL_KEEP bytes after a checkpoint empties it, so that a burst
 * of writes does not leave a large file behind. */
#define DB_CHECKPOINT_PAGES 1000
#define DB_WAL_KEEP "PRAGMA journal_size_limit = 4194304;"

/* What every connection of this process to one database file shares: the
 * writer lock and the WAL's durability barrier (see db_begin and
 * db_commit). Found by the file's device and inode, counted by refs. */
struct db_shared {
    dev_t dev;
    ino_t ino;
    unsigned refs;
    struct db_shared *next;
    pthread_mutex_t mu;
    /* the writer lock (db_writer_lock) */
    pthread_mutex_t writer;
    /* the barrier: fsyncs of the WAL started and finished (a count each,
     * the same numbers), whether one runs now, and whether one failed */
    pthread_cond_t synced;
    unsigned long started, done, commits;
    int syncing, poisoned;
    int gone;   /* the file was deleted or replaced under us (db_file_gone) */
};

struct db_cached {
    const char *sql;        /* the caller's static string: compared by address */
    sqlite3_stmt *stmt;
};

struct db {
    sqlite3 *h;
    struct db_cached *cache;    /* grows: one entry per distinct statement */
    size_t n_cache, cap_cache;
    struct db_shared *sh;       /* NULL for a database without a file */
    int locked;                 /* this connection holds sh's writer lock */
    int wal_dirty;              /* a commit reached the WAL since the last barrier */
};

/* Settings that hold per connection; journal_mode is persistent and set by
 * db_migrate. synchronous=NORMAL: in WAL mode a commit appends to the WAL
 * without an fsync; db_commit then waits for one fsync of the WAL shared by
 * every commit that finished before it started (group commit), so that an
 * acknowledged write survives a power cut as with FULL, which fsyncs the
 * WAL inside each commit (docs/reliability.md section 14).
 * secure_delete: what a resident typed and was then replaced or erased
 * (retention, sweep.c) is overwritten, not left in free space of the file. */
static const char db_pragmas[] =
    "PRAGMA foreign_keys = ON;"
    "PRAGMA synchronous = NORMAL;"
    DB_WAL_KEEP
    "PRAGMA secure_delete = ON;"
    "PRAGMA temp_store = MEMORY;";

/* Set on this thread when SQLite reported that storage failed (a full
 * disk, a file size limit, an I/O error), read by the answer to the request
 * that met it: without it every write failure is the same silent 500. */
static _Thread_local int db_storage_fault;
/* every storage fault a request met, for the metrics: a full disk showed
 * only as more 503s (an IT officer's review) */
static atomic_ulong db_storage_faults;
/* The order of the last full-disk or I/O fault and of the last commit that
 * went through, from one counter: a fault after the last commit means the
 * disk refuses writes now, which /healthz says (db_health). */
static atomic_ullong db_event_seq;
static atomic_ullong db_fault_seq;
static atomic_ullong db_commit_seq;
static atomic_llong db_probe_at_ms;     /* db_health's last probe, CLOCK_MONOTONIC */

/* Notes fault kind (1, or DB_FAULT_GONE) for this thread's answer;
 * counted once per request (SQLite's log and the caller both report one
 * failure; a request's begin clears the note). */
static void db_fault_note(int kind)
{
    if (!db_storage_fault)
        atomic_fetch_add(&db_storage_faults, 1);
    db_storage_fault = kind;
}

unsigned long db_storage_fault_count(void)
{
    return atomic_load(&db_storage_faults);
}

/* A storage failure, logged with SQLite's code and text (file names and
 * SQL with ? parameters, never a bound value) and noted for the answer.
 * A statement's failure may be logged twice, by SQLite's log and by its
 * caller's result: better than a failure missed. */
static void db_fault(int code, const char *msg)
{
    int primary = code & 0xff;

    /* read-only: the file's rights or its mount changed under the daemon */
    if (primary != SQLITE_FULL && primary != SQLITE_IOERR && primary != SQLITE_READONLY)
        return;
    db_fault_note(1);
    atomic_store(&db_fault_seq, atomic_fetch_add(&db_event_seq, 1) + 1);
    fprintf(stderr, "spkiosk: db: storage error %d (%s): %s\n", code, sqlite3_errstr(code),
            msg ? msg : "");
}

/* SQLite's error log sees the code of a statement that fails while it runs
 * (a page spilled to a full disk), whichever module ran it; a COMMIT's
 * failure is not logged there, and db_exec_one and db_run note it. Other
 * codes (busy, constraint) are the callers' business and stay quiet. */
static void db_log(void *arg, int code, const char *msg)
{
    (void)arg;
    db_fault(code, msg);
}

static pthread_once_t db_log_once = PTHREAD_ONCE_INIT;

static void db_log_setup(void)
{
    /* only before SQLite initialises: the first db_open of the process */
    if (sqlite3_config(SQLITE_CONFIG_LOG, db_log, NULL) != SQLITE_OK)
        fprintf(stderr, "spkiosk: db: storage errors will not be logged (SQLite started before)\n");
}

static void db_log_none(void)
{
}

void db_log_skip(void)
{
    (void)pthread_once(&db_log_once, db_log_none);
}

int db_storage_failed(void)
{
    int f = db_storage_fault;

    db_storage_fault = 0;
    return f;
}

static pthread_mutex_t db_shared_mu = PTHREAD_MUTEX_INITIALIZER;
static struct db_shared *db_shared_list;

static void db_shared_free(struct db_shared *sh)
{
    pthread_mutex_destroy(&sh->mu);
    pthread_mutex_destroy(&sh->writer);
    pthread_cond_destroy(&sh->synced);
    free(sh);
}

/* The shared state of the database file h has open, made on first use.
 * Returns 0 with *out NULL for a database without a file (:memory:, a
 * temporary one), -1 when memory runs out or the file cannot be looked at. */
static int db_shared_get(sqlite3 *h, struct db_shared **out)
{
    const char *file = sqlite3_db_filename(h, "main");
    struct db_shared *sh;
    pthread_condattr_t ca;
    struct stat st;
    int rc = -1;

    *out = NULL;
    if (!file || !*file)
        return 0;
    if (stat(file, &st) != 0)
        return -1;
    pthread_mutex_lock(&db_shared_mu);
    for (sh = db_shared_list; sh; sh = sh->next)
        if (sh->dev == st.st_dev && sh->ino == st.st_ino)
            break;
    if (!sh) {
        if (!(sh = calloc(1, sizeof *sh)))
            goto done;
        if (pthread_condattr_init(&ca) != 0) {
            free(sh);
            goto done;
        }
        if (pthread_mutex_init(&sh->mu, NULL) != 0) {
            pthread_condattr_destroy(&ca);
            free(sh);
            goto done;
        }
        if (pthread_mutex_init(&sh->writer, NULL) != 0) {
            pthread_condattr_destroy(&ca);
            pthread_mutex_destroy(&sh->mu);
            free(sh);
            goto done;
        }
        if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
            pthread_cond_init(&sh->synced, &ca) != 0) {
            pthread_condattr_destroy(&ca);
            pthread_mutex_destroy(&sh->writer);
            pthread_mutex_destroy(&sh->mu);
            free(sh);
            goto done;
        }
        pthread_condattr_destroy(&ca);
        sh->dev = st.st_dev;
        sh->ino = st.st_ino;
        sh->next = db_shared_list;
        db_shared_list = sh;
    }
    sh->refs++;
    *out = sh;
    rc = 0;
done:
    pthread_mutex_unlock(&db_shared_mu);
    return rc;
}

static void db_shared_put(struct db_shared *sh)
{
    struct db_shared **p;

    if (!sh)
        return;
    pthread_mutex_lock(&db_shared_mu);
    if (--sh->refs == 0) {
        for (p = &db_shared_list; *p; p = &(*p)->next)
            if (*p == sh) {
                *p = sh->next;
                break;
            }
        db_shared_free(sh);
    }
    pthread_mutex_unlock(&db_shared_mu);
}

/* The writer lock: this process's writers wait here, on a mutex, instead
 * of each spinning in SQLite's busy handler, which sleeps (up to 100 ms a
 * turn) however soon the lock is free. A plain mutex, not a queue that
 * hands the lock to the next waiter: a hand-off makes every commit wait for
 * the waiter to be scheduled, and with more workers than cores that was
 * the step commits' p99 (docs/performance.md). The wait is bounded by
 * DB_BUSY_MS like SQLite's own: a transaction a thread left open keeps the
 * others out no longer than it did before. Returns 0, or -1 on timeout. */
static int db_writer_lock(struct db *db)
{
    struct db_shared *sh = db->sh;
    struct timespec until;
    int r;

    if (!sh || db->locked)
        return 0;
#ifdef __SANITIZE_THREAD__
    /* gcc 12's ThreadSanitizer does not intercept pthread_mutex_clocklock:
     * it would see every unlock as of an unlocked mutex, and no ordering
     * through this lock (make check-tsan). The wall clock is good enough
     * for a bound in that build. */
    if (clock_gettime(CLOCK_REALTIME, &until) != 0)
        return -1;
    until.tv_sec += DB_BUSY_MS / 1000;
    r = pthread_mutex_timedlock(&sh->writer, &until);
#else
    if (clock_gettime(CLOCK_MONOTONIC, &until) != 0)
        return -1;
    until.tv_sec += DB_BUSY_MS / 1000;
    r = pthread_mutex_clocklock(&sh->writer, CLOCK_MONOTONIC, &until);
#endif
    if (r != 0) {
        if (r == ETIMEDOUT)
            fprintf(stderr, "spkiosk: db: no write turn in %d ms (a transaction left open?)\n",
                    DB_BUSY_MS);
        return -1;
    }
    db->locked = 1;
    return 0;
}

/* Ends this connection's turn. */
static void db_writer_unlock(struct db *db)
{
    struct db_shared *sh = db->sh;

    if (!sh || !db->locked)
        return;
    db->locked = 0;
    pthread_mutex_unlock(&sh->writer);
}

/* fsyncs the WAL through this connection's own handle on it: the same
 * file object (and so the same fsync or fdatasync, and the same inode, even
 * if the WAL was made again since) that synchronous=FULL would sync. */
static int db_wal_sync(struct db *db)
{
    sqlite3_file *f = NULL;
    int r;

    r = sqlite3_file_control(db->h, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f);
    if (r != SQLITE_OK || !f || !f->pMethods)
        return -1;
    r = f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
    if (r != SQLITE_OK) {
        db_fault(r, "fsync of the WAL");
        return -1;
    }
    return 0;
}

/* The durability barrier, after a commit reached the WAL: returns once an
 * fsync of the WAL that started after that commit has finished. One thread
 * (the first to come while none runs) syncs; the others wait for it, or
 * for the next one if it started before their commit. So each commit is
 * acknowledged only once it is on the disk, and commits that finish
 * together share one fsync. After a failed fsync the kernel may have
 * dropped the unsynced pages and a later fsync succeed without them: every
 * barrier fails from then on, until the process starts again. Returns 0,
 * or -1 (logged). */
static int db_barrier_upto(struct db *db, unsigned long need, unsigned long commits);

/* This thread's deferred durability (db_defer_begin): whether it is on, and
 * the fsync its commits since the last db_defer_take need. */
static _Thread_local int db_deferring;
static _Thread_local struct db_durable db_deferred;

/* A commit that reached the WAL, not yet known to be on the disk: waits for
 * the barrier, or, on a deferring thread, notes what it needs and returns. */
static int db_barrier(struct db *db)
{
    struct db_shared *sh = db->sh;
    unsigned long need;

    pthread_mutex_lock(&sh->mu);
    need = sh->started + 1;
    if (db_deferring && (!db_deferred.sh || db_deferred.sh == sh)) {
        int poisoned = sh->poisoned;

        pthread_mutex_unlock(&sh->mu);
        if (poisoned) {
            db_fault_note(1);
            return -1;
        }
        db_deferred.sh = sh;
        if (need > db_deferred.need)
            db_deferred.need = need;
        db_deferred.commits++;
        return 0;
    }
    pthread_mutex_unlock(&sh->mu);
    return db_barrier_upto(db, need, 1);
}

/* Waits until fsync number need of the WAL has finished (starting it, or
 * the ones before it, when none runs), then counts commits as passed. */
static int db_barrier_upto(struct db *db, unsigned long need, unsigned long commits)
{
    struct db_shared *sh = db->sh;
    unsigned long gen;
    int rc = 0, r;

    pthread_mutex_lock(&sh->mu);
    while (!sh->poisoned && sh->done < need) {
        if (sh->syncing) {
            pthread_cond_wait(&sh->synced, &sh->mu);
            continue;
        }
        sh->syncing = 1;
        gen = ++sh->started;
        pthread_mutex_unlock(&sh->mu);
        r = db_wal_sync(db);
        pthread_mutex_lock(&sh->mu);
        sh->syncing = 0;
        if (r != 0) {
            sh->poisoned = 1;
            fprintf(stderr, "spkiosk: db: the WAL could not be synced: writes fail until "
                    "spkiosk restarts\n");
        } else {
            sh->done = gen;
        }
        pthread_cond_broadcast(&sh->synced);
    }
    if (sh->poisoned) {
        db_fault_note(1);
        rc = -1;
    } else {
        sh->commits += commits;
    }
    pthread_mutex_unlock(&sh->mu);
    return rc;
}

void db_defer_begin(void)
{
    db_deferring = 1;
    memset(&db_deferred, 0, sizeof db_deferred);
}

bool db_defer_take(struct db_durable *t)
{
    bool pending = db_deferred.sh != NULL;

    *t = db_deferred;
    memset(&db_deferred, 0, sizeof db_deferred);
    return pending;
}

bool db_defer_end(struct db_durable *t)
{
    bool pending = db_defer_take(t);

    db_deferring = 0;
    return pending;
}

/* Adds fn to t's functions to run after, once; false when t is full. */
static bool db_after_add(struct db_durable *t, void (*fn)(void))
{
    unsigned i;

    for (i = 0; i < t->n_after; i++)
        if (t->after[i] == fn)
            return true;
    if (t->n_after >= DB_AFTER_MAX)
        return false;
    t->after[t->n_after++] = fn;
    return true;
}

void db_after_durable(void (*fn)(void))
{
    /* nothing pending (not deferring: db_commit waited; or no commit yet),
     * or no room: now, as before */
    if (!db_deferring || !db_deferred.sh || !db_after_add(&db_deferred, fn))
        fn();
}

void db_durable_after(const struct db_durable *t)
{
    unsigned i;

    for (i = 0; i < t->n_after; i++)
        t->after[i]();
}

void db_durable_merge(struct db_durable *into, const struct db_durable *t)
{
    unsigned i;

    if (!t->sh)
        return;
    if (!into->sh)
        into->sh = t->sh;
    if (t->need > into->need)
        into->need = t->need;
    into->commits += t->commits;
    /* the group's functions, each once: there are three such, so all fit */
    for (i = 0; i < t->n_after; i++)
        if (!db_after_add(into, t->after[i]))
            t->after[i]();
}

int db_durable_wait(struct db *db, const struct db_durable *t)
{
    sqlite3_stmt *st;
    int r;

    if (!t->sh)
        return 0;
    if (db->sh != t->sh) {
        fprintf(stderr, "spkiosk: db: a commit's fsync asked of another file's connection\n");
        return -1;
    }
    /* the fsync goes through this connection's handle on the WAL, which
     * SQLite opens with the connection's first read */
    if (!(st = db_stmt(db, "SELECT 1 FROM sqlite_schema LIMIT 1")))
        return -1;
    r = sqlite3_step(st);
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return -1;
    return db_barrier_upto(db, t->need, t->commits);
}

/* SQLite calls this after every commit to the WAL, ours (db_commit) or a
 * statement's own outside db_begin, with the WAL's size in pages. It takes
 * over the automatic checkpoint, which uses the same hook. The checkpoint
 * runs here, still in the writer's turn: run after the turn, alongside new
 * writers, it never found the WAL wholly copied, so the WAL never started
 * over and grew (30 MB in 4 s of bench/steps.mjs, against 4 MB). A commit
 * outside db_begin gets its barrier here: SQLite has released its locks. */
static int db_wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
    struct db *db = arg;

    if (pages >= DB_CHECKPOINT_PAGES)
        (void)sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (!db->sh)
        return SQLITE_OK;
    if (db->locked) {
        db->wal_dirty = 1;
        return SQLITE_OK;
    }
    return db_barrier(db) == 0 ? SQLITE_OK : SQLITE_IOERR_FSYNC;
}

void db_sync_stats(struct db *db, unsigned long *commits, unsigned long *syncs)
{
    *commits = *syncs = 0;
    if (!db->sh)
        return;
    pthread_mutex_lock(&db->sh->mu);
    *commits = db->sh->commits;
    *syncs = db->sh->done;
    pthread_mutex_unlock(&db->sh->mu);
}

int db_write_held(struct db *db)
{
    return db->locked;
}

/* A restore by hand with cp as root leaves the database root's, and the
 * service then answered 500 to every case with /healthz green (an IT
 * officer's review): the owner, the uid and the chown that fixes it. A
 * folder read-only to the process is most often the units' sandbox
 * (ProtectSystem=strict) around a `db` moved out of /var/lib/spkiosk: the
 * backup said only "unable to open database file", then to chown a file
 * whose owner was right. One file names the folder for both units (a
 * `systemctl edit` of each was two edits to keep in step). */
void db_rights_hint(const char *path, int e, char *out, size_t cap)
{
    struct stat st;
    const char *slash = strrchr(path, '/'), *folder = slash ? path : ".";
    int n = !slash || slash == path ? 1 : (int)(slash - path);

    out[0] = '\0';
    if (e != EACCES && e != EPERM && e != EROFS)
        return;
    if (e == EROFS) {
        snprintf(out, cap, " (its folder is read-only to this process: a read-only mount, or, "
                 "under systemd, outside the units' sandbox: add ReadWritePaths=%.*s to "
                 "/etc/spkiosk/sandbox.conf, which spkiosk.service and spkiosk-backup.service "
                 "both read, then systemctl daemon-reload; docs/deployment.md, \"A database "
                 "elsewhere\")", n, folder);
        return;
    }
    if (stat(path, &st) == 0)
        snprintf(out, cap,
                 " (the file belongs to uid %u, mode %03o, and this process runs as uid %u: give "
                 "it and its folder to the service's user, e.g. chown spkiosk:spkiosk %s*)",
                 (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777), (unsigned)geteuid(), path);
    else
        snprintf(out, cap, " (this process, uid %u, may not write its folder: give the folder to "
                           "the service's user, e.g. chown spkiosk:spkiosk FOLDER)",
                 (unsigned)geteuid());
}

/* db_open, making the file only when create (a worker's connection never
 * does: the daemon made and migrated it before the workers started). */
static int db_open_as(const char *path, bool create, struct db **out, char *err, size_t errlen)
{
    struct db *db = NULL;
    int rc;

    *out = NULL;
    (void)pthread_once(&db_log_once, db_log_setup);
    db = calloc(1, sizeof *db);
    if (!db) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* a new database is the owner's alone whatever the umask: it will hold
     * ID numbers (SQLite gives its -wal and -shm the same mode); made 0644
     * when the daemon was run by hand (an IT officer's review) */
    if (create) {
        /* no O_EXCL: an existing file is left as it is, and a symlink to a
         * file not made yet is followed (O_EXCL refused it, and SQLite made
         * the target 0644) */
        int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            int e = errno;
            char hint[DB_HINT_MAX];
            db_rights_hint(path, e, hint, sizeof hint);
            /* "cannot create" sent the officer looking for a missing file */
            snprintf(err, errlen, "cannot %s %s: %s%s", access(path, F_OK) == 0 ? "open" : "create",
                     path, strerror(e), hint);
            goto fail;
        }
        close(fd);
    }
    rc = sqlite3_open_v2(path, &db->h,
                         SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX,
                         NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(db->h, 1);
    /* SQLite opens a file it may not write read-only, silently: every
     * write would fail later, one 500 at a time */
    if (sqlite3_db_readonly(db->h, "main") == 1) {
        char hint[DB_HINT_MAX];
        /* the file's rights, or a read-only folder (EROFS) */
        int e = access(path, W_OK) != 0 && errno == EROFS ? EROFS : EACCES;
        db_rights_hint(path, e, hint, sizeof hint);
        snprintf(err, errlen, "cannot write %s%s", path, hint);
        goto fail;
    }
    if (sqlite3_busy_timeout(db->h, DB_BUSY_MS) != SQLITE_OK ||
        sqlite3_exec(db->h, db_pragmas, NULL, NULL, NULL) != SQLITE_OK) {
        int code = sqlite3_errcode(db->h) & 0xff, e = sqlite3_system_errno(db->h);
        char hint[DB_HINT_MAX];
        db_rights_hint(path, e, hint, sizeof hint);
        /* an IT officer's review found no word on what to do */
        snprintf(err, errlen, "cannot configure %s: %s%s", path, sqlite3_errmsg(db->h),
                 code == SQLITE_NOTADB || code == SQLITE_CORRUPT
                     ? " (the file is damaged or not a spkiosk database: with the service "
                       "stopped, restore a backup with spkiosk restore --db FILE BACKUP)"
                 : code == SQLITE_FULL || e == ENOSPC || e == EDQUOT || e == EFBIG
                     ? " (no room to write: the disk is full, see df -h, or a file size limit is "
                       "set; free space and start again)"
                     : hint);
        goto fail;
    }
    if (cjktok_register(db->h) != SQLITE_OK || pinyin_register(db->h) != SQLITE_OK) {
        snprintf(err, errlen, "cannot register the search tokenizer: %s", sqlite3_errmsg(db->h));
        goto fail;
    }
    if (db_shared_get(db->h, &db->sh) != 0) {
        snprintf(err, errlen, "cannot set up writing to %s: %s", path, strerror(errno));
        goto fail;
    }
    sqlite3_wal_hook(db->h, db_wal_hook, db);
    *out = db;
    return 0;
fail:
    db_close(db);
    return -1;
}

int db_open(const char *path, struct db **out, char *err, size_t errlen)
{
    return db_open_as(path, true, out, err, errlen);
}

int db_open_existing(const char *path, struct db **out, char *err, size_t errlen)
{
    return db_open_as(path, false, out, err, errlen);
}

static int db_user_version(struct db *db, int *v)
{
    sqlite3_stmt *st = db_stmt(db, "PRAGMA user_version");
    int rc = -1;

    if (st && sqlite3_step(st) == SQLITE_ROW) {
        *v = sqlite3_column_int(st, 0);
        rc = 0;
    }
    if (st)
        sqlite3_reset(st);
    return rc;
}

int db_schema_version(struct db *db, int *v)
{
    return db_user_version(db, v);
}

/* "007-foo.sql" -> 7; 0 for a name that does not start with digits. */
static int db_migration_number(const char *name)
{
    int n = 0;

    for (; *name >= '0' && *name <= '9'; name++)
        n = n * 10 + (*name - '0');
    return *name == '-' ? n : 0;
}

/* The one sqlite3_exec callback of a migration's check: a row of PRAGMA
 * foreign_key_check is a reference the migration broke. */
static int db_fk_row(void *found, int ncol, char **vals, char **names)
{
    (void)ncol;
    (void)vals;
    (void)names;
    *(int *)found = 1;
    return 0;
}

/* What an IT officer who rolled back should do (an IT officer's review:
 * the message said what, not how to go on). */
#define DB_NEWER_HINT                                                                              \
    ": a newer spkiosk migrated it. Run that one again, or go back to this version with the "     \
    "backup taken before the upgrade, restored by the newer spkiosk first (docs/deployment.md, "  \
    "Upgrading)"

/* Runs the next migration in one transaction and records it in
 * user_version. The version is read inside the transaction, under the write
 * lock: another process (a second `spkiosk user add` on a fresh database,
 * a daemon starting) may have migrated since the caller looked, and the
 * migration it ran must not run twice. Foreign keys are off (db_migrate),
 * so every reference is checked before the commit. Returns 0 after one
 * migration, 1 when the schema is already current, or -1 with err set and
 * nothing of it kept. */
static int db_migrate_next(struct db *db, char *err, size_t errlen)
{
    char *msg = NULL, pragma[48];
    int broken = 0, v;
    size_t i;

    if (db_begin(db) != 0) {
        snprintf(err, errlen, "cannot begin migration: %s", sqlite3_errmsg(db->h));
        return -1;
    }
    if (db_user_version(db, &v) != 0 || v < 0) {
        snprintf(err, errlen, "cannot read user_version: %s", sqlite3_errmsg(db->h));
        db_rollback(db);
        return -1;
    }
    if ((size_t)v >= embed_migrations_count) {
        db_rollback(db);
        if ((size_t)v == embed_migrations_count)
            return 1;
        snprintf(err, errlen, "the database is at schema %d, newer than this spkiosk (%zu)" DB_NEWER_HINT,
                 v, embed_migrations_count);
        return -1;
    }
    i = (size_t)v;
    /* migration text and the version number are ours, never input */
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %zu", i + 1);
    if (sqlite3_exec(db->h, (const char *)embed_migrations[i].data, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db->h, "PRAGMA foreign_key_check", db_fk_row, &broken, &msg) != SQLITE_OK ||
        sqlite3_exec(db->h, pragma, NULL, NULL, &msg) != SQLITE_OK || broken) {
        snprintf(err, errlen, "migration %s failed: %s", embed_migrations[i].name,
                 broken ? "it leaves rows referring to missing rows" : msg ? msg : sqlite3_errmsg(db->h));
        sqlite3_free(msg);
        db_rollback(db);
        return -1;
    }
    if (db_commit(db) != 0) {
        snprintf(err, errlen, "cannot commit migration %s: %s", embed_migrations[i].name,
                 sqlite3_errmsg(db->h));
        db_rollback(db);
        return -1;
    }
    return 0;
}

/* Repairs (schema/repair/): a database that a migration's first text,
 * since replaced, left in a shape its final text does not make. Each runs
 * once, in one transaction, when the database is at schema `after` or
 * later and its probe (a prepared statement, ours) finds that shape. */
static const struct {
    const char *file;           /* in schema/repair/ */
    int after;
    const char *probe;          /* a row when the repair is needed */
} db_repairs[] = {
    {"027-practice-key.sql", 27,
     "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pragma_table_info('procedure_versions')"
     " WHERE name = 'practice_key')"},
};

/* Whether repair k is needed now: 1 yes, 0 no, -1 on error. */
static int db_repair_needed(struct db *db, size_t k)
{
    sqlite3_stmt *st = db_stmt(db, db_repairs[k].probe);
    int r, v;

    if (db_user_version(db, &v) != 0 || !st)
        return -1;
    if (v < db_repairs[k].after) {
        sqlite3_reset(st);
        return 0;
    }
    r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/* Runs each repair the database needs. 0, or -1 with err set and the
 * repair not kept. */
static int db_repair(struct db *db, char *err, size_t errlen)
{
    char *msg = NULL;
    size_t k, j;
    int need;

    /* a read-only copy (export by another user) is read as it is: a
     * repair only adds what the writers need */
    if (sqlite3_db_readonly(db->h, "main") == 1)
        return 0;
    for (k = 0; k < sizeof db_repairs / sizeof db_repairs[0]; k++) {
        const struct embedded_file *f = NULL;
        /* a cheap look first, then again under the write lock */
        if ((need = db_repair_needed(db, k)) <= 0) {
            if (need == 0)
                continue;
            snprintf(err, errlen, "cannot check repair %s: %s", db_repairs[k].file, sqlite3_errmsg(db->h));
            return -1;
        }
        for (j = 0; j < embed_repairs_count; j++)
            if (strcmp(embed_repairs[j].name, db_repairs[k].file) == 0)
                f = &embed_repairs[j];
        if (!f) {
            snprintf(err, errlen, "repair %s is not built in", db_repairs[k].file);
            return -1;
        }
        if (db_begin(db) != 0) {
            snprintf(err, errlen, "cannot begin repair %s: %s", f->name, sqlite3_errmsg(db->h));
            return -1;
        }
        if ((need = db_repair_needed(db, k)) == 1 &&
            sqlite3_exec(db->h, (const char *)f->data, NULL, NULL, &msg) != SQLITE_OK)
            need = -1;
        if (need < 0 || db_commit(db) != 0) {
            snprintf(err, errlen, "repair %s failed: %s", f->name, msg ? msg : sqlite3_errmsg(db->h));
            sqlite3_free(msg);
            db_rollback(db);
            return -1;
        }
        if (need == 1)
            fprintf(stderr, "spkiosk: database repaired (schema/repair/%s)\n", f->name);
    }
    return 0;
}

int db_migrate_cli(struct db *db, char *err, size_t errlen)
{
    const char *path = sqlite3_db_filename(db->h, "main");
    char lerr[512];
    int current, fd, waited;

    if (db_user_version(db, &current) != 0) {
        snprintf(err, errlen, "cannot read user_version: %s", sqlite3_errmsg(db->h));
        return -1;
    }
    if (current <= 0 || current >= (int)embed_migrations_count)
        return db_migrate(db, err, errlen);
    /* no daemon serves it: nothing to move past, migrate as the daemon
     * would (processes migrating at once are safe, db_migrate) */
    if (path && path[0] && (fd = db_lock_take(path, lerr, sizeof lerr)) >= 0) {
        db_lock_release(fd);
        return db_migrate(db, err, errlen);
    }
    /* one does: a daemon of this build starting on a new database is
     * between two of its migrations (each is its own transaction), and is
     * done within moments; an older one stays where it is */
    for (waited = 0; waited < DB_BUSY_MS; waited += 50) {
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
        if (db_user_version(db, &current) != 0) {
            snprintf(err, errlen, "cannot read user_version: %s", sqlite3_errmsg(db->h));
            return -1;
        }
        if (current >= (int)embed_migrations_count)
            return db_migrate(db, err, errlen);
    }
    snprintf(err, errlen,
             "the database is at schema %d and this spkiosk at %zu, and a daemon that does not "
             "migrate it serves it (an older spkiosk still running after the binary was "
             "replaced?): restart the service (systemctl restart spkiosk), whose start migrates "
             "it, then run this again",
             current, embed_migrations_count);
    return -1;
}

int db_migrate(struct db *db, char *err, size_t errlen)
{
    char *msg = NULL;
    int current, target = 0, n, rc = 0, tries;
    size_t i;

    /* WAL lets the HTTP workers read while the loader writes. Processes
     * opening a fresh file at once (`spkiosk user add` beside a starting
     * daemon) race to switch it; SQLite may answer the loser SQLITE_BUSY
     * without calling the busy handler (waiting could deadlock), so it
     * tries again, 10 ms apart, for as long as the busy timeout */
    for (tries = 0;; tries++) {
        int r = sqlite3_exec(db->h, "PRAGMA journal_mode = WAL", NULL, NULL, &msg);
        if (r == SQLITE_OK)
            break;
        if ((r & 0xff) != SQLITE_BUSY || tries >= DB_BUSY_MS / 10) {
            snprintf(err, errlen, "cannot switch to WAL: %s", msg ? msg : "?");
            sqlite3_free(msg);
            return -1;
        }
        sqlite3_free(msg);
        msg = NULL;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    for (i = 0; i < embed_migrations_count; i++) {
        n = db_migration_number(embed_migrations[i].name);
        if (n != (int)i + 1) {
            snprintf(err, errlen, "migration %s is out of sequence (expected %03zu-*.sql)",
                     embed_migrations[i].name, i + 1);
            return -1;
        }
        target = n;
    }
    /* only a hint that spares a current database the write lock:
     * db_migrate_next reads it again under that lock */
    if (db_user_version(db, &current) != 0) {
        snprintf(err, errlen, "cannot read user_version: %s", sqlite3_errmsg(db->h));
        return -1;
    }
    if (current > target) {
        snprintf(err, errlen, "the database is at schema %d, newer than this spkiosk (%d)" DB_NEWER_HINT,
                 current, target);
        return -1;
    }
    if (current == target)
        return db_repair(db, err, errlen);
    /* A migration may rebuild a table others refer to (SQLite cannot alter
     * a CHECK in place, schema/011-prereview.sql): with foreign keys on, dropping the old
     * table would delete the rows that refer to it. So migrations run with
     * them off (a no-op inside a transaction, hence here), and each one's
     * references are checked before it commits. */
    if (sqlite3_exec(db->h, "PRAGMA foreign_keys = OFF", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot turn foreign keys off: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    /* bounded: each turn applies one migration or stops */
    for (i = 0; i <= embed_migrations_count && rc == 0; i++)
        rc = db_migrate_next(db, err, errlen);
    if (rc == 1)
        rc = 0;
    else if (rc == 0) {
        snprintf(err, errlen, "the schema did not become current");
        rc = -1;
    }
    if (sqlite3_exec(db->h, "PRAGMA foreign_keys = ON", NULL, NULL, &msg) != SQLITE_OK && rc == 0) {
        snprintf(err, errlen, "cannot turn foreign keys on: %s", msg ? msg : "?");
        rc = -1;
    }
    sqlite3_free(msg);
    return rc == 0 ? db_repair(db, err, errlen) : rc;
}

char *db_column_text_dup(sqlite3_stmt *st, int col, size_t *len)
{
    /* text first, then its length: the order SQLite documents */
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    char *s = t ? malloc(n + 1) : NULL;

    if (s)
        memcpy(s, t, n + 1);
    if (len)
        *len = s ? n : 0;
    return s;
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    size_t i;

    for (i = 0; i < db->n_cache; i++) {
        if (db->cache[i].sql == sql) {
            st = db->cache[i].stmt;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return st;
        }
    }
    if (db->n_cache == db->cap_cache) {
        size_t cap = db->cap_cache ? db->cap_cache * 2 : 32;
        struct db_cached *c = realloc(db->cache, cap * sizeof *c);
        if (!c) {
            fprintf(stderr, "spkiosk: out of memory for a statement\n");
            return NULL;
        }
        db->cache = c;
        db->cap_cache = cap;
    }
    if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "spkiosk: cannot prepare statement: %s\n", sqlite3_errmsg(db->h));
        sqlite3_finalize(st);
        return NULL;
    }
    db->cache[db->n_cache].sql = sql;
    db->cache[db->n_cache].stmt = st;
    db->n_cache++;
    return st;
}

static int db_exec_one(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (!st)
        return -1;
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        db_fault(rc, sqlite3_errmsg(db->h));
    return rc == SQLITE_DONE ? 0 : -1;
}

/* A statement left stepping outside a transaction keeps its read open, and
 * with it a snapshot: this connection would then never see other threads'
 * writes nor let the WAL be checkpointed. Cheap to look for (a handful of
 * cached statements), so every transaction start checks and says so. */
static void db_check_idle(struct db *db)
{
    sqlite3_stmt *st = NULL;

    while ((st = sqlite3_next_stmt(db_handle(db), st)))
        if (sqlite3_stmt_busy(st))
            fprintf(stderr, "spkiosk: db: statement left open: %.80s\n", sqlite3_sql(st));
}

int db_run(sqlite3_stmt *st, int bind_rc)
{
    int r = bind_rc == SQLITE_OK ? sqlite3_step(st) : bind_rc;

    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        db_fault(r, sqlite3_errmsg(sqlite3_db_handle(st)));
    return r == SQLITE_DONE ? 0 : -1;
}

int db_count(struct db *db, const char *sql, long long *n)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int r;

    *n = 0;
    if (!st)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return r == SQLITE_ROW ? 0 : -1;
}

int db_column_json(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
    const char *v = (const char *)sqlite3_column_text(st, col);

    return (v ? cJSON_AddStringToObject(o, name, v) : cJSON_AddNullToObject(o, name)) ? 0 : -1;
}

/* Whether db's file is still the one it opened: a database deleted or
 * replaced under a running daemon (rm, a restore while it runs) would take
 * every later write into a file nobody will ever open again, acknowledged
 * and lost at the next start. The first to see it poisons the file's
 * barrier (writes fail, logged once) until a restart opens the new one. */
static int db_file_gone(struct db *db)
{
    const char *file = sqlite3_db_filename(db->h, "main");
    struct db_shared *sh = db->sh;
    struct stat st;
    int gone;

    if (!sh || !file || !*file)
        return 0;
    gone = stat(file, &st) != 0 || st.st_dev != sh->dev || st.st_ino != sh->ino;
    pthread_mutex_lock(&sh->mu);
    if (gone && !sh->gone) {
        sh->gone = 1;
        sh->poisoned = 1;
        fprintf(stderr, "spkiosk: db: %s was deleted or replaced while spkiosk ran: writes fail "
                "until spkiosk restarts (restore a backup with the service stopped)\n", file);
    }
    gone = sh->gone;
    pthread_mutex_unlock(&sh->mu);
    return gone;
}

static long long db_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether a write commits now: the probe row rewritten, at most once a
 * second for the whole process (a monitor polling fast must not turn a
 * full disk into a write storm). 0 when it committed. */
static int db_probe(struct db *db)
{
    long long now = db_now_ms(), last = atomic_load(&db_probe_at_ms);
    sqlite3_stmt *st;
    int rc = -1;

    if (now - last < DB_PROBE_INTERVAL_MS ||
        !atomic_compare_exchange_strong(&db_probe_at_ms, &last, now))
        return -1;
    if (db_begin(db) != 0)
        return -1;
    st = db_stmt(db, "INSERT INTO health_probe (id, at) VALUES (1, ?1)"
                     " ON CONFLICT (id) DO UPDATE SET at = excluded.at");
    if (!st || db_run(st, sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL))) != 0) {
        db_rollback(db);
        goto out;
    }
    rc = db_commit(db);
out:
    /* the fault is this answer's: not left for the thread's next request */
    (void)db_storage_failed();
    return rc;
}

enum db_health db_health(struct db *db)
{
    int poisoned;

    if (db_file_gone(db))
        return DB_HEALTH_FAILED;
    if (db->sh) {
        pthread_mutex_lock(&db->sh->mu);
        poisoned = db->sh->poisoned;
        pthread_mutex_unlock(&db->sh->mu);
        if (poisoned)
            return DB_HEALTH_FAILED;
    }
    if (atomic_load(&db_fault_seq) > atomic_load(&db_commit_seq) && db_probe(db) != 0)
        return DB_HEALTH_FULL;
    return DB_HEALTH_OK;
}

int db_begin(struct db *db)
{
    db_check_idle(db);
    /* a fault belongs to the request that met it, not to a later one */
    db_storage_fault = 0;
    /* A caller that failed and forgot its rollback would leave every
     * later write on this thread failing "cannot start a transaction
     * within a transaction": said once here, then repaired. */
    if (!sqlite3_get_autocommit(db->h)) {
        fprintf(stderr, "spkiosk: db: a transaction was left open; rolled back\n");
        db_rollback(db);
    }
    /* our lock first, so that SQLite's lock is free when our turn comes
     * (its busy handler still waits for other processes: `spkiosk user`) */
    if (db_writer_lock(db) != 0)
        return -1;
    if (db_file_gone(db)) {
        db_writer_unlock(db);
        db_fault_note(DB_FAULT_GONE);
        return -1;
    }
    if (db_exec_one(db, "BEGIN IMMEDIATE") != 0) {
        db_writer_unlock(db);
        return -1;
    }
    return 0;
}

int db_commit(struct db *db)
{
    int rc = 0, wrote;

    db->wal_dirty = 0;
    if (db_exec_one(db, "COMMIT") != 0) {
        /* a COMMIT that failed (the disk full while writing the WAL) leaves
         * the transaction open: nothing of it is kept either way, and the
         * connection is ready for the next one */
        db_rollback(db);
        return -1;
    }
    /* the next writer may append to the WAL while we wait for the disk */
    db_writer_unlock(db);
    wrote = db->wal_dirty;
    if (wrote && db->sh)
        rc = db_barrier(db);
    db->wal_dirty = 0;
    /* only a commit that wrote proves the disk takes writes: the sweep's
     * empty one each minute turned /healthz green on a full disk (a review) */
    if (rc == 0 && wrote)
        atomic_store(&db_commit_seq, atomic_fetch_add(&db_event_seq, 1) + 1);
    return rc;
}

int db_read_begin(struct db *db)
{
    db_check_idle(db);
    return db_exec_one(db, "BEGIN");
}

int db_read_end(struct db *db)
{
    return db_exec_one(db, "COMMIT");
}

void db_rollback(struct db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        (void)db_exec_one(db, "ROLLBACK");
    db_writer_unlock(db);
}

sqlite3 *db_handle(struct db *db)
{
    return db->h;
}

int db_wal_truncate(struct db *db)
{
    int log = -1, copied = -1, r, t;

    /* a truncating checkpoint takes the write lock and then waits for the
     * readers; with the busy timeout it would hold that lock for up to
     * DB_BUSY_MS while every writer (and the caller's thread) waits */
    if (sqlite3_busy_timeout(db->h, 0) != SQLITE_OK)
        return -1;
    /* the bulk of the copy without the write lock */
    r = sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    /* the truncation takes SQLite's write lock: in this process's writer
     * turn, so that it does not fail on our own writers nor send them to
     * SQLite's busy handler while it holds the lock */
    if (r == SQLITE_OK || (r & 0xff) == SQLITE_BUSY || (r & 0xff) == SQLITE_LOCKED) {
        int had = db->locked;

        if (db_writer_lock(db) != 0) {
            r = SQLITE_BUSY;
        } else {
            r = sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &copied);
            if (!had)
                db_writer_unlock(db);
        }
    }
    t = sqlite3_busy_timeout(db->h, DB_BUSY_MS);
    if (t != SQLITE_OK)
        return -1;
    if (r == SQLITE_OK)
        return log == copied ? 0 : 1;
    return (r & 0xff) == SQLITE_BUSY || (r & 0xff) == SQLITE_LOCKED ? 1 : -1;
}

void db_close(struct db *db)
{
    size_t i;

    if (!db)
        return;
    for (i = 0; i < db->n_cache; i++)
        sqlite3_finalize(db->cache[i].stmt);
    free(db->cache);
    if (db->h && sqlite3_close(db->h) != SQLITE_OK)
        fprintf(stderr, "spkiosk: closing the database: %s\n", sqlite3_errmsg(db->h));
    /* closing rolled back a transaction left open: its turn ends too */
    db_writer_unlock(db);
    db_shared_put(db->sh);
    free(db);
}

static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;
static int db_key_ok;
static char *db_thread_path;
/* the file the daemon opened and migrated: a worker's connection must be
 * to it, not to a file made or put in its place since (a database deleted
 * right after the start made each later worker an empty one, answering
 * 500 with /healthz 200: an IT officer's review) */
static dev_t db_thread_dev;
static ino_t db_thread_ino;
static atomic_int db_thread_said;

static void db_thread_destroy(void *p)
{
    db_close(p);
}

static void db_key_create(void)
{
    db_key_ok = pthread_key_create(&db_key, db_thread_destroy) == 0;
}

int db_thread_setup(const char *path)
{
    char *p = strdup(path);
    struct stat st;

    if (!p || pthread_once(&db_key_once, db_key_create) != 0 || !db_key_ok ||
        stat(path, &st) != 0) {
        free(p);
        return -1;
    }
    db_thread_dev = st.st_dev;
    db_thread_ino = st.st_ino;
    free(db_thread_path);
    db_thread_path = p;
    return 0;
}

/* Whether the path db_thread opens is gone, or another file than the one
 * db_thread_setup saw: 1 yes, 0 no (also when stat fails otherwise). */
static int db_thread_gone(void)
{
    struct stat st;

    if (stat(db_thread_path, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR;
    return st.st_dev != db_thread_dev || st.st_ino != db_thread_ino;
}

struct db *db_thread(void)
{
    struct db *db;
    char err[256] = "";

    if (!db_key_ok || !db_thread_path)
        return NULL;
    if ((db = pthread_getspecific(db_key)))
        return db;
    /* before and after the open: gone before, the open fails; replaced
     * between the two, the open is to the other file */
    if (db_thread_gone() || db_open_as(db_thread_path, false, &db, err, sizeof err) != 0 ||
        db_thread_gone()) {
        int gone = db_thread_gone();
        db_close(db);
        if (!gone) {
            /* not the file's fault (no descriptor left, memory): a 500
             * for this request, said at most once a second */
            static atomic_llong last;
            long long now = (long long)time(NULL);
            if (atomic_exchange(&last, now) != now)
                fprintf(stderr, "spkiosk: db: %s\n", err[0] ? err : "cannot open the database");
            return NULL;
        }
        /* the answer says storage_failed (503), as a connection that saw
         * its file go does; the log says it once */
        db_fault_note(DB_FAULT_GONE);
        if (atomic_exchange(&db_thread_said, 1) == 0)
            fprintf(stderr, "spkiosk: db: %s is gone or another file since the start; restart the "
                            "service (docs/reliability.md)\n", db_thread_path);
        return NULL;
    }
    if (pthread_setspecific(db_key, db) != 0) {
        db_close(db);
        return NULL;
    }
    return db;
}

/* One level only, like the default ./var: a deeper missing path is more
 * likely a typo than a wish. */
int db_dir_ensure(const char *db_path)
{
    const char *slash = strrchr(db_path, '/');
    char dir[4096];
    size_t n;

    if (!slash || slash == db_path)
        return 0;
    n = (size_t)(slash - db_path);
    if (n >= sizeof dir)
        return -1;
    memcpy(dir, db_path, n);
    dir[n] = '\0';
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        fprintf(stderr, "spkiosk: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* The file path names, for the lock's name: realpath of it, or, when it
 * is not made yet, of its folder with the last link followed by hand (a
 * first start given the database through a link to a file not made yet
 * locked the link's name, and a second daemon given the file itself
 * another: a code review). Caller frees; NULL when none can be had (the
 * path is then used as given). */
static char *db_lock_target(const char *path)
{
    char cur[4096], buf[4096], tmp[8192], *real = realpath(path, NULL), *dir, *slash;
    ssize_t n;
    int hops, r;

    if (real)
        return real;
    r = snprintf(cur, sizeof cur, "%s", path);
    if (r < 0 || (size_t)r >= sizeof cur)
        return NULL;
    /* a dangling link, or a chain of them, to the name SQLite will create */
    for (hops = 0; hops < 8 && (n = readlink(cur, buf, sizeof buf - 1)) > 0; hops++) {
        buf[n] = '\0';
        if (buf[0] != '/' && (slash = strrchr(cur, '/')))
            r = snprintf(tmp, sizeof tmp, "%.*s/%s", (int)(slash - cur), cur, buf);
        else
            r = snprintf(tmp, sizeof tmp, "%s", buf);
        if (r < 0 || (size_t)r >= sizeof cur)
            return NULL;
        memcpy(cur, tmp, (size_t)r + 1);
    }
    if (!(slash = strrchr(cur, '/'))) {
        dir = realpath(".", NULL);
    } else if (slash == cur) {
        dir = realpath("/", NULL);
    } else {
        *slash = '\0';
        dir = realpath(cur, NULL);
        *slash = '/';
    }
    if (!dir)
        return NULL;
    r = snprintf(tmp, sizeof tmp, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, slash ? slash + 1 : cur);
    free(dir);
    return r > 0 && (size_t)r < sizeof tmp ? strdup(tmp) : NULL;
}

/* Run as root, the lock made (or left by an earlier root run) belongs to
 * root, 0640, and the service's user could not open it: `spkiosk restore`
 * as root on a server whose daemon had not run yet (a hall moved to a new
 * machine) left a daemon that would not start. So root gives the lock to
 * the owner of the database, or of its folder while there is none, as
 * restore gives the restored file. fd is the open lock, name its path. */
static void db_lock_give_owner(int fd, const char *name, const char *path)
{
    struct stat lst, ref;
    char dir[4096];
    const char *slash;

    /* a lock with another name too (a hard link to a file of root's) is
     * not the lock's to give */
    if (geteuid() != 0 || fstat(fd, &lst) != 0 || lst.st_uid != 0 || !S_ISREG(lst.st_mode) ||
        lst.st_nlink != 1)
        return;
    if (stat(path, &ref) != 0) {
        slash = strrchr(name, '/');
        if (!slash)
            snprintf(dir, sizeof dir, ".");
        else
            snprintf(dir, sizeof dir, "%.*s", slash == name ? 1 : (int)(slash - name), name);
        if (stat(dir, &ref) != 0)
            return;
    }
    if (ref.st_uid == 0 || (ref.st_uid == lst.st_uid && ref.st_gid == lst.st_gid))
        return;
    if (fchown(fd, ref.st_uid, ref.st_gid) != 0)
        fprintf(stderr, "spkiosk: cannot give %s to uid %u: %s; the daemon run as that user "
                "cannot open it: chown it as the database is\n", name, (unsigned)ref.st_uid,
                strerror(errno));
}

int db_lock_take(const char *path, char *err, size_t errlen)
{
    char lock[4096], pid[32] = "", *real;
    struct stat st;
    int fd = -1, n;
    ssize_t got;

    /* the lock beside the file itself: a second daemon given the database
     * through a symbolic link took a lock of its own and served the same
     * file (an IT officer's review) */
    real = db_lock_target(path);
    n = snprintf(lock, sizeof lock, "%s.lock", real ? real : path);
    free(real);
    if (n < 0 || (size_t)n >= sizeof lock) {
        snprintf(err, errlen, "the database path is too long: %s", path);
        return -1;
    }
    /* not through a symbolic link: the folder is the service user's, and
     * one put there in the lock's place had root write its pid into (and
     * db_lock_give_owner give away) whatever file it names */
    if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640)) < 0) {
        int e = errno;
        if (e == ELOOP)
            snprintf(err, errlen, "the lock file %s is a symbolic link, and is not followed (a "
                     "process run as root would write where it points): while no daemon runs, "
                     "delete it (rm %s)", lock, lock);
        else if (e == EACCES && stat(lock, &st) == 0 && st.st_uid != geteuid())
            snprintf(err, errlen, "cannot open the lock file %s: %s (the file belongs to uid %u, "
                     "mode %o, and this process runs as uid %u: while no daemon runs, give it to "
                     "the database's owner, chown spkiosk:spkiosk %s, or delete it)",
                     lock, strerror(e), (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
                     (unsigned)geteuid(), lock);
        else {
            char hint[DB_HINT_MAX];
            db_rights_hint(path, e == EROFS ? EROFS : 0, hint, sizeof hint);
            snprintf(err, errlen, "cannot open the lock file %s: %s%s", lock, strerror(e), hint);
        }
        return -1;
    }
    db_lock_give_owner(fd, lock, path);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e != EWOULDBLOCK) {
            snprintf(err, errlen, "cannot lock %s: %s", lock, strerror(e));
            goto fail;
        }
        got = pread(fd, pid, sizeof pid - 1, 0);
        pid[got > 0 ? got : 0] = '\0';
        pid[strspn(pid, "0123456789")] = '\0';
        snprintf(err, errlen, "another spkiosk serve is using the database %s (pid %s, lock %s); "
                 "stop it first (systemctl stop spkiosk); a second daemon needs its own --db",
                 path, *pid ? pid : "unknown", lock);
        goto fail;
    }
    n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    /* the pid only helps the message above; the flock is the lock */
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != (ssize_t)n)
        fprintf(stderr, "spkiosk: cannot write the pid into %s: %s\n", lock, strerror(errno));
    return fd;
fail:
    close(fd);
    return -1;
}

void db_lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
