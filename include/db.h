/* db: one SQLite connection and the prepared statements made on it.
 *
 * A connection belongs to one thread (SQLITE_OPEN_NOMUTEX): the loader has
 * its own and each HTTP worker thread gets one from db_thread(). Statements
 * are prepared once per connection and reused; modules keep their SQL text
 * next to the code that uses it and pass that same static string each time.
 */
#ifndef SPK_DB_H
#define SPK_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

struct db;

/* Opens (creating if needed, mode 0600 whatever the umask: it holds ID
 * numbers) the database at path with this project's
 * settings: WAL, synchronous=NORMAL with db_commit's barrier (as durable as
 * FULL), foreign keys, a busy timeout, the `spk` search tokenizer, the WAL
 * checkpointed at 1000 pages and cut back to 4 MiB. Connections of one
 * process to one file share a writer lock and the barrier. Does not
 * migrate. Returns 0 and sets *out, or -1 with a
 * message in err. The caller closes it with db_close(). */
int db_open(const char *path, struct db **out, char *err, size_t errlen);

#define DB_HINT_MAX 400             /* bytes of db_rights_hint's text, NUL included */

/* What to do about a database at path that this process may not write or
 * read, for a message about errno e, in out (cap bytes, DB_HINT_MAX
 * enough): "" unless e is EACCES, EPERM or EROFS; for the first two, who
 * owns the file, who runs this process and the chown that fixes it; for
 * EROFS, that its folder is read-only here (a read-only mount, or under
 * systemd a folder outside the units' ReadWritePaths=) and the drop-in
 * that lets it be written. Begins with a space, in parentheses. */
void db_rights_hint(const char *path, int e, char *out, size_t cap);

/* db_open of a file that must exist: never makes one. For a command that
 * writes a line into the database it was given (`spkiosk backup` records
 * its outcome): a database deleted meanwhile must not come back empty
 * under its name, for the daemon's next start to serve. */
int db_open_existing(const char *path, struct db **out, char *err, size_t errlen);

/* Creates the folder that will hold the database at path, if missing (one
 * level, mode 0750). Returns 0, or -1 with a message on stderr. */
int db_dir_ensure(const char *path);

/* Applies the embedded migrations (schema/NNN-*.sql) that are newer than
 * PRAGMA user_version, each in its own BEGIN IMMEDIATE transaction (the
 * version read again under that lock, so that processes migrating one
 * database at once apply each migration once and all succeed), with
 * foreign keys off while they run (so that a migration may rebuild a table
 * others refer to) and PRAGMA foreign_key_check passing before each
 * commit; they are on again afterwards, whatever happened. Then the
 * repairs of schema/repair/ whose probe finds their shape, each once in its
 * own transaction (none on a database opened read-only). Returns 0, or -1
 * with a message in err (the failing migration or repair is rolled back; a
 * database newer than this binary is refused). */
int db_migrate(struct db *db, char *err, size_t errlen);

/* The schema the database is at (PRAGMA user_version) in *v: what a start
 * logs before and after db_migrate. 0, or -1 when it cannot be read. */
int db_schema_version(struct db *db, int *v);

/* db_migrate for a command beside the daemon (`spkiosk user`, `export`): a
 * new, empty database (user_version 0) or one of this build's schema goes
 * to db_migrate; so does an older one no daemon serves (its lock free). An
 * older one a daemon serves is waited for up to DB_BUSY_MS (a daemon of
 * this build starting on a new database passes through every version, one
 * transaction each), then refused with -1 and err saying to restart the
 * service: a command run after the binary was replaced, under the older
 * daemon still serving, moved the database past that daemon, which then
 * would not start again (an IT officer's review). */
int db_migrate_cli(struct db *db, char *err, size_t errlen);

/* The statement for sql on this connection, reset and with its bindings
 * cleared. sql must be a string with static storage: it is the cache key.
 * Returns NULL when it cannot be prepared or memory runs out (logged). Not
 * to be finalized by the caller. */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

/* A copy of column col of st's current row as text, NUL-terminated, its
 * length in bytes in *len (len may be NULL). Returns NULL for a NULL
 * column (*len 0) or when memory ran out; the caller frees the copy. */
char *db_column_text_dup(sqlite3_stmt *st, int col, size_t *len);

/* Runs st, a statement that returns no row, to its end and resets it
 * (bindings stay until the next db_stmt). bind_rc is the OR of the
 * sqlite3_bind_* results: when it is not SQLITE_OK, st is not stepped.
 * Returns 0 when it reached SQLITE_DONE, -1 otherwise (sqlite3_errmsg of
 * the connection says why). */
int db_run(sqlite3_stmt *st, int bind_rc);

/* The one integer that sql (static storage, no parameters, one row: a
 * count) gives, in *n. Returns 0, or -1 (*n 0) when it cannot be prepared
 * or run. */
int db_count(struct db *db, const char *sql, long long *n);

struct cJSON;

/* Adds column col of st's current row to o as name: a string, or null when
 * the column is NULL (the lists staff read: a case's ticket, a call-back's
 * result, a version's name). Returns 0, or -1 when memory ran out. */
int db_column_json(struct cJSON *o, const char *name, sqlite3_stmt *st, int col);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Return 0 or -1. db_begin first
 * rolls back a transaction a caller left open (logged) and clears the
 * thread's storage fault (db_storage_failed); then it waits its turn in
 * the process's writer lock for this file (a mutex, at most 5 s, as long as
 * SQLite's busy timeout; -1 after that) before BEGIN IMMEDIATE. The turn
 * ends at db_commit, db_rollback or db_close, whatever their outcome, and
 * never on a failed db_begin. db_commit returns 0 only once the commit is
 * on the disk: after COMMIT and the end of its turn it waits for an fsync
 * of the WAL that started after the commit, one shared by the commits that
 * came together (group commit); -1 when the COMMIT failed (rolled back,
 * so that nothing stays open on the connection) or the fsync did (the
 * write may be visible but was not made durable: the caller answers an
 * error, and every later commit fails until the process restarts). */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* Deferred durability, for a thread that serves many clients (an HTTP
 * worker): it should not sit idle for each fsync. Between db_defer_begin
 * and db_defer_end on a thread, a commit (db_commit, or a statement's own
 * outside db_begin) returns once its frames are in the WAL, without the
 * barrier, and notes in the thread the fsync it needs: a db_durable, which
 * db_defer_take or db_defer_end hand over (true when a commit is pending)
 * and clear. The caller must not acknowledge the write before
 * db_durable_wait returned 0 for it (on any thread, with any connection to
 * the same file). A commit on a deferring thread after the barrier has
 * failed once fails at once (-1, db_storage_failed set). */
#define DB_AFTER_MAX 4
struct db_durable {
    const void *sh;             /* the file's shared state; NULL: nothing pending */
    unsigned long need;         /* the fsync of the WAL that covers the commits */
    unsigned long commits;      /* how many commits it covers (db_sync_stats) */
    void (*after[DB_AFTER_MAX])(void);  /* db_after_durable's, each once */
    unsigned n_after;
};
void db_defer_begin(void);
bool db_defer_take(struct db_durable *t);
bool db_defer_end(struct db_durable *t);

/* Runs fn once the commits this thread made so far are on the disk: at
 * once when they are (a thread not deferring waited in db_commit), else
 * noted in the pending db_durable and run by whoever waits for it
 * (db_durable_after). For what tells other people of a write: the call
 * screen's and the rating tablet's held requests, the notify sender (an
 * SMS), which must not act on a write a power cut could still take away.
 * Several calls of one fn run it once. */
void db_after_durable(void (*fn)(void));

/* Runs the functions t noted (db_after_durable), each once: after
 * db_durable_wait returned 0 for t. Nothing when it failed: the write is
 * not durable, and its answer is an error. */
void db_durable_after(const struct db_durable *t);

/* Adds t's commits to into (the later fsync of the two) and its
 * functions to run after. */
void db_durable_merge(struct db_durable *into, const struct db_durable *t);

/* Returns 0 once t's commits are on the disk: waits for the fsync they
 * need, and makes it through db's handle on the WAL when none runs (db
 * must be a connection to t's file, and its thread not deferring). -1 when
 * the fsync failed (now or before: the barrier stays failed until the
 * process restarts; logged, db_storage_failed set) or db is another file's.
 * A t with nothing pending returns 0 at once. */
int db_durable_wait(struct db *db, const struct db_durable *t);

/* For tests: the commits that passed db_commit's barrier, and the fsyncs
 * of the WAL that finished, for this connection's file in this process
 * (both 0 for a database without a file). */
void db_sync_stats(struct db *db, unsigned long *commits, unsigned long *syncs);

enum db_health {
    DB_HEALTH_OK,
    DB_HEALTH_FULL,     /* the last write met a full disk or an I/O error, and so did a probe */
    DB_HEALTH_FAILED,   /* the file deleted or replaced, or a WAL fsync failed: until a restart */
};
#define DB_PROBE_INTERVAL_MS 1000

/* Whether db can write. FAILED once its file is no longer the one it
 * opened (deleted or replaced under the daemon) or an fsync of its WAL
 * failed (logged once; every db_begin fails from then until a restart).
 * FULL when the process's last full-disk or I/O fault (SQLITE_FULL,
 * SQLITE_IOERR) came after its last commit and a probe (one row of
 * health_probe rewritten, a write transaction on db, at most once per
 * DB_PROBE_INTERVAL_MS in the process; skipped probes count as failed)
 * does not commit either: so it is OK again by itself once space returns.
 * Call with no transaction open on db. */
enum db_health db_health(struct db *db);

/* Whether this connection holds its file's writer turn (db_begin). */
int db_write_held(struct db *db);

/* BEGIN (deferred) / COMMIT around reads that must see one state. 0 or -1. */
int db_read_begin(struct db *db);
int db_read_end(struct db *db);

sqlite3 *db_handle(struct db *db);

/* Whether SQLite reported a storage failure (SQLITE_FULL: the disk or a
 * file size limit full; SQLITE_IOERR: an I/O error) on the calling thread
 * since the last db_begin or the last call, which clears it. Each one is
 * logged on stderr with SQLite's code and text when it happens (installed
 * by the first db_open of the process). reply_internal answers 503 instead
 * of 500 when it is set. */
int db_storage_failed(void);

/* That log is for the daemon: SQLite takes it only before it starts, and
 * db_open said it could not when a command had used SQLite directly first.
 * Such a command (`spkiosk backup`, whose own messages say what failed)
 * calls this before, and its db_open then installs none. */
void db_log_skip(void);

/* How many storage faults (a full disk, an I/O error, a failed WAL sync,
 * the file gone) requests met since the start, for the metrics. */
unsigned long db_storage_fault_count(void);
/* db_storage_failed's value when the database file was deleted or
 * replaced under the daemon (db_health); 1 for the others. */
#define DB_FAULT_GONE 2

/* Empties the WAL file: a passive checkpoint, then a truncating one, both
 * without waiting (the busy timeout is 0 for the call, then restored), so
 * the caller never holds the write lock while a reader finishes. Returns 0
 * when every frame was copied into the database and the WAL truncated; 1
 * when a reader or writer was in the way (try again later); -1 on any
 * other error (sqlite3_errmsg has it). Not inside a transaction. The
 * truncation waits for its turn at the writer lock (db_begin). */
int db_wal_truncate(struct db *db);

/* Finalizes every statement and closes. NULL is allowed. */
void db_close(struct db *db);

/* The calling thread's connection to the database set up by
 * db_thread_setup(), opened on first use (never creating the file) and
 * closed when the thread exits. Returns NULL when it cannot be opened, or
 * the path is no longer the file set up (deleted, replaced): logged once,
 * and db_storage_failed() is DB_FAULT_GONE for this request's answer. */
struct db *db_thread(void);

/* Sets the path db_thread() opens, an existing file (the daemon opened and
 * migrated it), and remembers which file it is; call before any worker
 * starts (calling again replaces it for connections opened later).
 * Returns 0 or -1 (memory, or the file cannot be stat'ed). */
int db_thread_setup(const char *path);

/* The daemon's lock on the database at path: an exclusive flock(2) on
 * "PATH.lock" beside it, holding the daemon's pid as text, taken before
 * migrating and kept for the life of the process, so that a second
 * `spkiosk serve` on the same database fails at once instead of sharing
 * the queue and the tickets with the first. Commands that only write
 * (`spkiosk user ...`) do not take it: SQLite's own locking covers them.
 * Returns the lock's descriptor (close-on-exec) for db_lock_release, or -1
 * with a message in err naming the database and, when the file says it,
 * the other daemon's pid. */
int db_lock_take(const char *path, char *err, size_t errlen);

/* Releases the lock taken by db_lock_take; -1 is allowed. The file stays
 * (removing it would race with a daemon starting). */
void db_lock_release(int fd);

#endif
