/* backup: `spkiosk backup` and `spkiosk restore` (issue #14 item 4).
 *
 * The copy is taken with SQLite's online backup API from a connection that
 * holds one read transaction for the whole copy: in WAL mode that snapshot
 * never blocks the daemon's writers, and since the source connection never
 * starts a new read, the backup never sees the file change under it and
 * never restarts (a backup stepped without it starts again after every
 * commit of another process, and may never end under load). The copy is
 * made in a temporary name and only renamed to its own once SQLite says
 * it is whole, so a name the caller gave never holds half a database.
 */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cjktok.h"
#include "clock.h"
#include "db.h"
#include "display.h"
#include "embed.h"
#include "pinyin.h"
#include "utf8.h"

#define BACKUP_BUSY_SLEEP_MS 20
#define BACKUP_PRUNE_MAX 100000         /* dated copies looked at in one folder */

static double backup_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void backup_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* base + suffix in out; -1 when it does not fit. */
static int backup_path(char out[BACKUP_PATH_MAX], const char *base, const char *suffix)
{
    int n = snprintf(out, BACKUP_PATH_MAX, "%s%s", base, suffix);

    return n < 0 || n >= BACKUP_PATH_MAX ? -1 : 0;
}

/* Removes a SQLite file and the journals it may have beside it. */
static void backup_unlink_all(const char *path)
{
    static const char *const sfx[] = {"", "-journal", "-wal", "-shm"};
    char p[BACKUP_PATH_MAX];
    size_t i;

    for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
        if (backup_path(p, path, sfx[i]) == 0)
            (void)unlink(p);
}

/* fsync of a file or folder by name. 0 or -1 (errno set). */
static int backup_fsync_path(const char *path, bool dir)
{
    int fd = open(path, (dir ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC), rc, e;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* The folder holding path, in out ("." for a bare name). */
static void backup_dirname(const char *path, char out[BACKUP_PATH_MAX])
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;

    if (!slash)
        snprintf(out, BACKUP_PATH_MAX, ".");
    else if (n == 0)
        snprintf(out, BACKUP_PATH_MAX, "/");
    else
        snprintf(out, BACKUP_PATH_MAX, "%.*s", (int)n, path);
}

/* Whether path names the database at db_path or one of its companions
 * (-wal, -shm, .lock): the same file by device and inode. */
static bool backup_is_live(const char *db_path, const char *path)
{
    static const char *const sfx[] = {"", "-wal", "-shm", ".lock", "-journal"};
    char p[BACKUP_PATH_MAX];
    struct stat a, b;
    size_t i;

    if (stat(path, &b) != 0)
        return false;
    for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
        if (backup_path(p, db_path, sfx[i]) == 0 && stat(p, &a) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino)
            return true;
    return false;
}

/* Copies src's main database into the new file tmp, BACKUP_STEP_PAGES at
 * a time, busy steps tried again until deadline; then makes the copy a
 * self-contained rollback-journal file and checks it. Returns 0, or -1
 * with err set (tmp may remain: the caller removes it). */
static int backup_copy(sqlite3 *src, const char *tmp, double deadline, char *err, size_t errlen)
{
    sqlite3 *dst = NULL;
    sqlite3_backup *b = NULL;
    sqlite3_stmt *st = NULL;
    const char *what = "";
    int rc = -1, r, fd;

    backup_unlink_all(tmp);
    /* made 0600 before a byte of it is written: SQLite creates it with the
     * caller's umask (0644 under runuser), readable by anyone in the
     * folder for as long as a large copy takes, and an open descriptor
     * outlives the chmod at the end; its journal takes the same mode */
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR)) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    close(fd);
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot create %s: %s", tmp,
                 dst ? sqlite3_errmsg(dst) : "out of memory");
        goto out;
    }
    if (!(b = sqlite3_backup_init(dst, "main", src, "main"))) {
        snprintf(err, errlen, "cannot start the copy: %s", sqlite3_errmsg(dst));
        goto out;
    }
    for (;;) {
        r = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
        if (r == SQLITE_DONE)
            break;
        if (r != SQLITE_OK && r != SQLITE_BUSY && r != SQLITE_LOCKED &&
            (r & 0xff) != SQLITE_BUSY && (r & 0xff) != SQLITE_LOCKED) {
            snprintf(err, errlen, "the copy failed: %s", sqlite3_errstr(r));
            goto out;
        }
        if (backup_now() > deadline) {
            snprintf(err, errlen, "the copy did not finish within %d s (%d of %d pages left)",
                     BACKUP_TIMEOUT_S, sqlite3_backup_remaining(b), sqlite3_backup_pagecount(b));
            goto out;
        }
        /* a busy step waits a little; a good one yields the disk for a moment */
        backup_sleep_ms(r == SQLITE_OK ? 1 : BACKUP_BUSY_SLEEP_MS);
    }
    r = sqlite3_backup_finish(b);
    b = NULL;
    if (r != SQLITE_OK) {
        snprintf(err, errlen, "the copy failed: %s", sqlite3_errmsg(dst));
        goto out;
    }
    /* the search tables' tokenizers, should a check touch them */
    if (cjktok_register(dst) != SQLITE_OK || pinyin_register(dst) != SQLITE_OK) {
        snprintf(err, errlen, "cannot register the search tokenizer: %s", sqlite3_errmsg(dst));
        goto out;
    }
    /* one file, no -wal to carry along; the daemon sets WAL again at start */
    if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot make the copy one file: %s", sqlite3_errmsg(dst));
        goto out;
    }
    if (sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errlen, "cannot check the copy: %s", sqlite3_errmsg(dst));
        goto out;
    }
    what = (const char *)sqlite3_column_text(st, 0);
    if (!what || strcmp(what, "ok") != 0 || sqlite3_step(st) != SQLITE_DONE) {
        snprintf(err, errlen, "the copy fails integrity_check: %.200s", what ? what : "?");
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    if (b)
        (void)sqlite3_backup_finish(b);
    if (dst && sqlite3_close(dst) != SQLITE_OK && rc == 0) {
        snprintf(err, errlen, "cannot close the copy %s", tmp);
        rc = -1;
    }
    return rc;
}

/* Opens path (which must exist) and starts a read transaction on it that
 * the copy then reads from. Returns 0 with *out, or -1 with err set. */
static int backup_source_open(const char *path, int flags, double deadline, sqlite3 **out,
                              char *err, size_t errlen)
{
    sqlite3 *h = NULL;
    int r;

    *out = NULL;
    if (sqlite3_open_v2(path, &h, flags, NULL) != SQLITE_OK) {
        struct stat st;
        /* SQLite says "unable to open database file" whatever the cause; a
         * file this user may not read (the backups purge gave to root) is
         * said as such, with what to do */
        if (access(path, R_OK) != 0 && errno == EACCES && stat(path, &st) == 0)
            snprintf(err, errlen, "cannot read %s: %s (the file belongs to uid %u, mode %o, and this "
                     "process runs as uid %u: run it as root, or chown the file to this user)",
                     path, strerror(EACCES), (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
                     (unsigned)geteuid());
        else
            snprintf(err, errlen, "cannot open %s: %s", path, h ? sqlite3_errmsg(h) : "out of memory");
        sqlite3_close(h);
        return -1;
    }
    sqlite3_busy_timeout(h, 1000);
    /* BEGIN alone takes no snapshot: the first read does */
    for (;;) {
        r = sqlite3_exec(h, "BEGIN; SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL);
        if (r == SQLITE_OK)
            break;
        /* said before the ROLLBACK, whose success clears it ("not an error");
         * a WAL reader makes the -shm beside the file, and a folder
         * read-only here (the unit's sandbox around a db moved elsewhere)
         * was only "unable to open database file" */
        if ((r & 0xff) != SQLITE_BUSY && (r & 0xff) != SQLITE_LOCKED) {
            char hint[DB_HINT_MAX], dir[BACKUP_PATH_MAX];
            backup_dirname(path, dir);
            db_rights_hint(path, access(dir, W_OK) != 0 && errno == EROFS ? EROFS : 0, hint,
                           sizeof hint);
            snprintf(err, errlen, "cannot read %s: %s%s", path, sqlite3_errmsg(h), hint);
        }
        (void)sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
        if ((r & 0xff) != SQLITE_BUSY && (r & 0xff) != SQLITE_LOCKED) {
            sqlite3_close(h);
            return -1;
        }
        if (backup_now() > deadline) {
            snprintf(err, errlen, "%s stayed busy for %d s", path, BACKUP_TIMEOUT_S);
            sqlite3_close(h);
            return -1;
        }
        backup_sleep_ms(BACKUP_BUSY_SLEEP_MS);
    }
    *out = h;
    return 0;
}

/* fsync tmp, rename it to final, fsync the folder. The copy holds ID
 * numbers: it is made 0600 whatever the caller's umask (a backup taken
 * through runuser came out 0644). 0 or -1 with err. */
static int backup_publish(const char *tmp, const char *final, char *err, size_t errlen)
{
    char dir[BACKUP_PATH_MAX];

    if (chmod(tmp, S_IRUSR | S_IWUSR) != 0) {
        snprintf(err, errlen, "cannot make %s private: %s", tmp, strerror(errno));
        return -1;
    }
    if (backup_fsync_path(tmp, false) != 0) {
        snprintf(err, errlen, "cannot sync %s: %s", tmp, strerror(errno));
        return -1;
    }
    if (rename(tmp, final) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
        return -1;
    }
    backup_dirname(final, dir);
    if (backup_fsync_path(dir, true) != 0) {
        snprintf(err, errlen, "cannot sync the folder %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

int backup_run(const char *db_path, const char *file, char *err, size_t errlen)
{
    char tmp[BACKUP_PATH_MAX];
    double deadline = backup_now() + BACKUP_TIMEOUT_S;
    sqlite3 *src = NULL;
    struct stat st;
    int rc = -1;

    if (backup_path(tmp, file, ".tmp") != 0) {
        snprintf(err, errlen, "the path %s is too long", file);
        return -1;
    }
    if (stat(db_path, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "there is no database at %s", db_path);
        return -1;
    }
    /* a slip of the command line, not a backup that failed: 1, so that
     * the caller records nothing */
    if (backup_is_live(db_path, file) || backup_is_live(db_path, tmp)) {
        snprintf(err, errlen, "%s is the live database %s or one of its files; give another name",
                 file, db_path);
        return 1;
    }
    if (backup_source_open(db_path, SQLITE_OPEN_READWRITE, deadline, &src, err, errlen) != 0)
        return -1;
    if (backup_copy(src, tmp, deadline, err, errlen) != 0 ||
        backup_publish(tmp, file, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    if (src) {
        (void)sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(src);
    }
    if (rc != 0)
        backup_unlink_all(tmp);
    return rc;
}

static const char sql_record[] =
    "INSERT INTO backup_outcomes (outcome, at, bytes, target, reason) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (outcome) DO UPDATE SET at = excluded.at, bytes = excluded.bytes,"
    " target = excluded.target, reason = excluded.reason, count = count + 1";

int backup_record(const char *db_path, bool ok, time_t at, long long bytes, const char *target,
                  const char *reason, char *err, size_t errlen)
{
    struct db *db = NULL;
    sqlite3_stmt *st;
    const char *why = ok || !reason ? "" : reason, *where = target ? target : "", *mode;
    int rc = -1, v, bind;

    if (db_open_existing(db_path, &db, err, errlen) != 0)
        return -1;
    if (db_schema_version(db, &v) != 0) {
        snprintf(err, errlen, "cannot read the schema of %s: %s", db_path,
                 sqlite3_errmsg(db_handle(db)));
        goto out;
    }
    /* migrating is the daemon's start's business (db_migrate_cli): an
     * older daemon still serving it would then refuse to start again */
    if (v < BACKUP_OUTCOMES_SCHEMA) {
        snprintf(err, errlen, "%s is at schema %d, which has no place for it (this spkiosk's is "
                 "%zu; the daemon's next start migrates it)", db_path, v, embed_migrations_count);
        rc = 1;
        goto out;
    }
    /* every start of the daemon sets WAL; a copy (backup_copy) is a
     * rollback-journal file: copying a copy (onto a USB disk) leaves it
     * as it was made, and records nothing in it */
    if (!(st = db_stmt(db, "PRAGMA journal_mode")) || sqlite3_step(st) != SQLITE_ROW ||
        !(mode = (const char *)sqlite3_column_text(st, 0))) {
        snprintf(err, errlen, "cannot read the journal mode of %s: %s", db_path,
                 sqlite3_errmsg(db_handle(db)));
        goto out;
    }
    if (strcmp(mode, "wal") != 0) {
        snprintf(err, errlen, "%s is a copy, not a database a daemon has served (journal mode "
                 "%.20s, not wal): a copy is left as it was made", db_path, mode);
        sqlite3_reset(st);
        rc = 1;
        goto out;
    }
    sqlite3_reset(st);
    if (db_begin(db) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", db_path, sqlite3_errmsg(db_handle(db)));
        goto out;
    }
    if (!(st = db_stmt(db, sql_record))) {
        snprintf(err, errlen, "cannot write %s: %s", db_path, sqlite3_errmsg(db_handle(db)));
        db_rollback(db);
        goto out;
    }
    bind = sqlite3_bind_text(st, 1, ok ? "ok" : "failed", -1, SQLITE_STATIC) |
           sqlite3_bind_int64(st, 2, (sqlite3_int64)at) |
           sqlite3_bind_int64(st, 3, ok && bytes > 0 ? (sqlite3_int64)bytes : 0) |
           sqlite3_bind_text(st, 4, where, (int)utf8_prefix_len(where, BACKUP_PATH_MAX), SQLITE_STATIC) |
           sqlite3_bind_text(st, 5, why, (int)utf8_prefix_len(why, BACKUP_REASON_MAX), SQLITE_STATIC);
    if (db_run(st, bind) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", db_path, sqlite3_errmsg(db_handle(db)));
        db_rollback(db);
        goto out;
    }
    if (db_commit(db) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", db_path, sqlite3_errmsg(db_handle(db)));
        goto out;
    }
    rc = 0;
out:
    db_close(db);
    return rc;
}

void backup_name(time_t t, char out[BACKUP_NAME_LEN])
{
    struct tm tm;

    if (!gmtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
    if (strftime(out, BACKUP_NAME_LEN, "spkiosk-%Y%m%dT%H%M%SZ.db", &tm) == 0)
        snprintf(out, BACKUP_NAME_LEN, "spkiosk-19700101T000000Z.db");
}

/* Whether the first n bytes of name are a name backup_name makes. */
static bool backup_name_is(const char *name, size_t n)
{
    static const char shape[] = "spkiosk-########T######Z.db";
    size_t i;

    if (n != sizeof shape - 1)
        return false;
    for (i = 0; shape[i]; i++)
        if (shape[i] == '#' ? !(name[i] >= '0' && name[i] <= '9') : name[i] != shape[i])
            return false;
    return true;
}

/* Whether name is what a backup in progress writes beside its copy's
 * name: the copy ("NAME.tmp") or SQLite's files of it. */
static bool backup_name_is_tmp(const char *name)
{
    static const char *const sfx[] = {".tmp", ".tmp-journal", ".tmp-wal", ".tmp-shm"};
    size_t i, n = strlen(name), k;

    for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        k = strlen(sfx[i]);
        if (n > k && strcmp(name + n - k, sfx[i]) == 0 && backup_name_is(name, n - k))
            return true;
    }
    return false;
}

static int backup_name_cmp_desc(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

int backup_prune(const char *dir, unsigned keep, const char *made, char *newer,
                 unsigned *leftovers, char *err, size_t errlen)
{
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    struct dirent *de;
    struct stat st;
    DIR *d = opendir(dir);
    time_t now = time(NULL);
    unsigned stale = 0;
    bool copy;
    int deleted = 0, rc = -1;

    if (leftovers)
        *leftovers = 0;
    if (newer)
        newer[0] = '\0';
    if (!d) {
        snprintf(err, errlen, "cannot read the folder %s: %s", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        copy = backup_name_is(de->d_name, strlen(de->d_name));
        if (!copy && !backup_name_is_tmp(de->d_name))
            continue;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT)        /* another backup's, gone meanwhile */
                continue;
            snprintf(err, errlen, "cannot look at %s/%s: %s", dir, de->d_name, strerror(errno));
            goto out;
        }
        /* a killed backup's claim (still empty) or copy: never a copy to
         * keep; deleted once no backup can still be writing it */
        if (!copy || (S_ISREG(st.st_mode) && st.st_size == 0)) {
            if (!S_ISREG(st.st_mode) || now - st.st_mtime < BACKUP_STALE_S)
                continue;
            if (unlinkat(dirfd(d), de->d_name, 0) != 0 && errno != ENOENT) {
                snprintf(err, errlen, "cannot delete %s/%s: %s", dir, de->d_name, strerror(errno));
                goto out;
            }
            stale++;
            continue;
        }
        /* the copy just made is kept whatever its name: named by a clock
         * set back (a dead clock battery, or put right after running
         * ahead), it sorted below last week's and was deleted at once */
        if (made && strcmp(de->d_name, made) == 0)
            continue;
        if (n == BACKUP_PRUNE_MAX) {
            snprintf(err, errlen, "more than %d copies in %s", BACKUP_PRUNE_MAX, dir);
            goto out;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **more = realloc(names, ncap * sizeof *names);
            if (!more)
                goto oom;
            names = more;
            cap = ncap;
        }
        if (!(names[n] = strdup(de->d_name)))
            goto oom;
        n++;
    }
    if (n)
        qsort(names, n, sizeof *names, backup_name_cmp_desc);
    if (made) {
        if (n && newer && strcmp(names[0], made) > 0)
            snprintf(newer, BACKUP_NAME_LEN, "%s", names[0]);
        if (keep > 0)
            keep--;             /* made is one of them */
    }
    for (i = keep; i < n; i++) {
        if (unlinkat(dirfd(d), names[i], 0) != 0) {
            snprintf(err, errlen, "cannot delete %s/%s: %s", dir, names[i], strerror(errno));
            goto out;
        }
        deleted++;
    }
    rc = deleted;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    if (leftovers)
        *leftovers = stale;
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

/* Checks the copy at file: integrity_check "ok", a spkiosk schema no newer
 * than this build's. src is its connection. 0 or -1 with err. */
static int backup_restore_check(sqlite3 *src, const char *file, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    const char *what;
    int rc = -1, version;

    if (cjktok_register(src) != SQLITE_OK || pinyin_register(src) != SQLITE_OK) {
        snprintf(err, errlen, "cannot register the search tokenizer: %s", sqlite3_errmsg(src));
        goto out;
    }
    if (sqlite3_prepare_v2(src, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errlen, "%s is not a database SQLite can check: %s", file,
                 sqlite3_errmsg(src));
        goto out;
    }
    what = (const char *)sqlite3_column_text(st, 0);
    if (!what || strcmp(what, "ok") != 0 || sqlite3_step(st) != SQLITE_DONE) {
        snprintf(err, errlen, "%s fails integrity_check: %.200s", file, what ? what : "?");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(src, "SELECT (SELECT user_version FROM pragma_user_version),"
                                " EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'cases')",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errlen, "cannot read the schema of %s: %s", file, sqlite3_errmsg(src));
        goto out;
    }
    version = sqlite3_column_int(st, 0);
    if (version < 1 || !sqlite3_column_int(st, 1)) {
        snprintf(err, errlen, "%s is not a spkiosk database", file);
        goto out;
    }
    if ((size_t)version > embed_migrations_count) {
        snprintf(err, errlen, "%s is at schema %d, newer than this spkiosk (%zu): restore it "
                 "with the spkiosk that made it", file, version, embed_migrations_count);
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

/* Moves the database in place aside as DB.pre-restore, or DB.pre-restore.N
 * (the first N from 2 not taken) when an earlier restore's is still there:
 * it may be the only copy of the cases since the backup (a second restore,
 * of the right night after the wrong one, deleted it: an IT officer's
 * review). A hard link of the main file first (the database stays whole
 * under its name until the copy replaces it), then its -wal and -shm
 * renamed, so that no old WAL is ever beside the restored file. The name
 * used goes to old. 0 or -1 with err. */
#define BACKUP_ASIDE_MAX 99
static int backup_set_aside(const char *db_path, char old[BACKUP_PATH_MAX], char *err,
                            size_t errlen)
{
    static const char *const sfx[] = {"-wal", "-shm"};
    char from[BACKUP_PATH_MAX], to[BACKUP_PATH_MAX], sfx_n[32];
    size_t i;
    int n;

    for (n = 1; n <= BACKUP_ASIDE_MAX; n++) {
        snprintf(sfx_n, sizeof sfx_n, n == 1 ? ".pre-restore" : ".pre-restore.%d", n);
        if (backup_path(old, db_path, sfx_n) != 0) {
            snprintf(err, errlen, "the path %s is too long", db_path);
            return -1;
        }
        if (access(old, F_OK) != 0 && errno == ENOENT)
            break;
    }
    if (n > BACKUP_ASIDE_MAX) {
        snprintf(err, errlen, "%s.pre-restore to .pre-restore.%d are all kept from earlier restores: "
                 "delete the ones no longer needed", db_path, BACKUP_ASIDE_MAX);
        return -1;
    }
    /* a -wal or -shm left of an old aside copy without its main file would
     * be read with the new one */
    backup_unlink_all(old);
    if (link(db_path, old) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot keep the old database as %s: %s", old, strerror(errno));
        return -1;
    }
    for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        if (backup_path(from, db_path, sfx[i]) != 0 || backup_path(to, old, sfx[i]) != 0 ||
            (rename(from, to) != 0 && errno != ENOENT)) {
            snprintf(err, errlen, "cannot move %s%s aside: %s", db_path, sfx[i], strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Today's ticket counter of the database being replaced, carried into the
 * copy tmp when it is higher: the tickets handed out since the backup are
 * on residents' slips, and the restored daemon must not hand them out again
 * (a review restored a morning's backup and got 173 tickets already
 * printed). A database without the table (older than 002) has nothing to
 * carry. 0 or -1 with err. */
static int backup_carry_tickets(const char *db_path, const char *tmp, char *err, size_t errlen)
{
    static const char sql_old[] = "SELECT last FROM ticket_counters WHERE day = ?1";
    static const char sql_new[] =
        "INSERT INTO ticket_counters (day, last) VALUES (?1, ?2)"
        " ON CONFLICT (day) DO UPDATE SET last = max(last, excluded.last)";
    char day[CLOCK_DAY_LEN];
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    sqlite3_int64 last = 0;
    int rc = -1, r;

    clock_today_text(day);
    if (access(db_path, F_OK) != 0)
        return 0;
    /* the database being replaced may be why: a broken one is said, not
     * allowed to stop the restore */
    if (sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h, sql_old, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC) != SQLITE_OK ||
        ((r = sqlite3_step(st)) != SQLITE_ROW && r != SQLITE_DONE)) {
        fprintf(stderr, "spkiosk restore: today's last ticket number could not be read from %s "
                "(%s): the restored daemon may hand out numbers already on today's slips; "
                "check the call screen\n", db_path, h ? sqlite3_errmsg(h) : "out of memory");
        r = SQLITE_DONE;
    }
    if (r == SQLITE_ROW)
        last = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    sqlite3_close(h);
    h = NULL;
    if (last <= 0)
        return 0;
    if (sqlite3_open_v2(tmp, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h, sql_new, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, last) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
        snprintf(err, errlen, "cannot carry today's ticket number into the copy: %s",
                 h ? sqlite3_errmsg(h) : "out of memory");
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    if (h && sqlite3_close(h) != SQLITE_OK && rc == 0) {
        snprintf(err, errlen, "cannot close the copy %s", tmp);
        rc = -1;
    }
    return rc;
}

/* Opens file (flags as sqlite3_open_v2) into *h, which the caller closes
 * whatever this returns: 1 when it has the table, 0 when not, -1 when it
 * cannot be read (*h's message says why, when *h is not NULL). */
static int backup_open_with(const char *file, int flags, const char *table, sqlite3 **h)
{
    static const char sql_has[] = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1";
    sqlite3_stmt *st = NULL;
    int r = SQLITE_ERROR;

    if (sqlite3_open_v2(file, h, flags, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(*h, sql_has, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK)
        r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/* Both sides of a restore's carry: the database being replaced (from,
 * read-only, its rows read by rd) and the copy (to, written by wr); which
 * and what name the side and the message of a failure ("" for none). */
struct backup_carry {
    sqlite3 *from, *to;
    sqlite3_stmt *rd, *wr;
    const char *which, *what;
};

/* Opens both sides when both hold table, and prepares sql_old on the one
 * replaced and sql_new on the copy. Returns 1 when ready, 0 when there is
 * nothing to carry (db_path gone, a side without the table), -1 with
 * which and what set. backup_carry_end frees c whatever this returned. */
static int backup_carry_begin(struct backup_carry *c, const char *db_path, const char *tmp,
                              const char *table, const char *sql_old, const char *sql_new)
{
    int r;

    memset(c, 0, sizeof *c);
    c->what = "";
    c->which = db_path;
    if (access(db_path, F_OK) != 0)
        return 0;
    if ((r = backup_open_with(db_path, SQLITE_OPEN_READONLY, table, &c->from)) <= 0) {
        if (r < 0)
            c->what = c->from ? sqlite3_errmsg(c->from) : "out of memory";
        return r;
    }
    c->which = tmp;
    if ((r = backup_open_with(tmp, SQLITE_OPEN_READWRITE, table, &c->to)) <= 0) {
        if (r < 0)
            c->what = c->to ? sqlite3_errmsg(c->to) : "out of memory";
        return r;
    }
    if (sqlite3_prepare_v2(c->to, sql_new, -1, &c->wr, NULL) != SQLITE_OK) {
        c->what = sqlite3_errmsg(c->to);
        return -1;
    }
    c->which = db_path;
    if (sqlite3_prepare_v2(c->from, sql_old, -1, &c->rd, NULL) != SQLITE_OK) {
        c->what = sqlite3_errmsg(c->from);
        return -1;
    }
    return 1;
}

/* Writes every row the replaced side reads (cols columns) into the copy,
 * counting them in *n. Returns 0, or -1 with which and what set. */
static int backup_carry_rows(struct backup_carry *c, const char *db_path, const char *tmp, int cols,
                             int *n)
{
    int r, i, bind;

    while ((r = sqlite3_step(c->rd)) == SQLITE_ROW) {
        bind = SQLITE_OK;
        for (i = 0; i < cols; i++)
            bind |= sqlite3_bind_value(c->wr, i + 1, sqlite3_column_value(c->rd, i));
        if (bind != SQLITE_OK || sqlite3_step(c->wr) != SQLITE_DONE) {
            c->which = tmp;
            c->what = sqlite3_errmsg(c->to);
            return -1;
        }
        sqlite3_reset(c->wr);
        (*n)++;
    }
    if (r == SQLITE_DONE)
        return 0;
    c->which = db_path;
    c->what = sqlite3_errmsg(c->from);
    return -1;
}

static void backup_carry_end(struct backup_carry *c)
{
    sqlite3_finalize(c->rd);
    sqlite3_finalize(c->wr);
    sqlite3_close(c->from);
    sqlite3_close(c->to);
}

/* The outcomes of `spkiosk backup` recorded in the database being
 * replaced, carried into the copy tmp where they are newer than the copy's
 * own: the copies on the backup disk did not change with the restore, and
 * /metrics goes on showing the last good one (the copy being restored, or
 * a later one), not the one before it that the copy holds; else the "no
 * backup in 36 hours" alert fired at the restore of a night-old copy.
 * Nothing to carry when either side is older than schema 039 (the copy's
 * table is then made empty by the daemon's start). As the tickets, the
 * database being replaced may be broken: said, never stopping the restore. */
static void backup_carry_outcomes(const char *db_path, const char *tmp)
{
    static const char sql_old[] =
        "SELECT outcome, at, bytes, target, reason, count FROM backup_outcomes";
    static const char sql_new[] =
        "INSERT INTO backup_outcomes (outcome, at, bytes, target, reason, count)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT (outcome) DO UPDATE SET at = excluded.at, bytes = excluded.bytes,"
        " target = excluded.target, reason = excluded.reason,"
        " count = max(backup_outcomes.count, excluded.count)"
        " WHERE excluded.at > backup_outcomes.at";
    struct backup_carry c;
    int n = 0;

    /* at most one row per outcome: no transaction needed for the copy
     * nobody else has open yet */
    if (backup_carry_begin(&c, db_path, tmp, "backup_outcomes", sql_old, sql_new) > 0)
        (void)backup_carry_rows(&c, db_path, tmp, 6, &n);
    if (*c.what)
        fprintf(stderr, "spkiosk restore: the record of the last backups could not be carried "
                "from %s (%s: %s): /metrics shows the restored copy's until the next backup\n",
                db_path, c.which, c.what);
    backup_carry_end(&c);
}

/* Says which windows' keys a restore left as the copy has them because the
 * database it replaced had none to give (a new disk, or no database): an
 * address removed or renewed on 评价器 after the copy was taken works
 * again, and only whoever restores can know to undo that. Nothing when the
 * copy has no key, nor when it cannot be read here (the daemon's start
 * says what is wrong with it). */
static void backup_note_copy_keys(const char *tmp)
{
    static const char sql_windows[] = "SELECT window FROM rate_keys ORDER BY window";
    enum { SHOWN = 20 };
    char list[SHOWN * (DISPLAY_WINDOW_BUF + 2) + 8];
    size_t len = 0;
    sqlite3_stmt *st = NULL;
    sqlite3 *h = NULL;
    int n = 0, r, k;

    list[0] = '\0';
    if (backup_open_with(tmp, SQLITE_OPEN_READONLY, "rate_keys", &h) != 1 ||
        sqlite3_prepare_v2(h, sql_windows, -1, &st, NULL) != SQLITE_OK)
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(st, 0);
        if (++n > SHOWN || !w)
            continue;
        k = snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", w);
        if (k < 0 || (size_t)k >= sizeof list - len)
            goto out;
        len += (size_t)k;
    }
    if (r != SQLITE_DONE || n == 0)
        goto out;
    fprintf(stderr, "spkiosk restore: the database replaced had no evaluators' keys, so the copy's "
            "stand (%d window%s: %s%s): an address removed or renewed on the admin page 评价器 "
            "after the copy was taken works again; remove or renew it there once more\n",
            n, n == 1 ? "" : "s", list, n > SHOWN ? ", …" : "");
out:
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* The evaluators' keys (schema/038-rate-keys.sql) of the database being
 * replaced, put in the copy tmp in place of its own: the tablets at the
 * windows hold the keys made last, not those of the copy's night. Restored
 * as it was, a key renewed since the copy (a leaked address: 换新地址) was
 * good again while the tablet at the new address stopped, and a key
 * removed since came back. All or nothing, in one transaction on the copy.
 * Nothing to carry when either side is older than schema 038, nor when the
 * replaced database has no key: most often one the daemon made afresh (a
 * new disk) before the copy was restored over it, whose tablets are the
 * copy's. As the tickets, the database being replaced may be broken: said,
 * and the copy's keys stay. */
static void backup_carry_rate_keys(const char *db_path, const char *tmp)
{
    static const char sql_old[] = "SELECT window, key, made_at, made_by FROM rate_keys";
    static const char sql_clear[] = "DELETE FROM rate_keys";
    static const char sql_new[] =
        "INSERT INTO rate_keys (window, key, made_at, made_by) VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *clear = NULL;
    struct backup_carry c;
    int n = 0, r;
    bool began = false, copy_stands = false;

    if ((r = backup_carry_begin(&c, db_path, tmp, "rate_keys", sql_old, sql_new)) <= 0) {
        copy_stands = r == 0;
        goto out;
    }
    c.which = tmp;
    if (sqlite3_exec(c.to, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        c.what = sqlite3_errmsg(c.to);
        goto out;
    }
    began = true;
    if (sqlite3_prepare_v2(c.to, sql_clear, -1, &clear, NULL) != SQLITE_OK ||
        sqlite3_step(clear) != SQLITE_DONE) {
        c.what = sqlite3_errmsg(c.to);
        goto out;
    }
    /* none: the copy's keys stay (rolled back below) */
    if (backup_carry_rows(&c, db_path, tmp, 4, &n) != 0 || n == 0) {
        copy_stands = !*c.what;
        goto out;
    }
    if (sqlite3_exec(c.to, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        c.what = sqlite3_errmsg(c.to);
        goto out;
    }
    began = false;
out:
    if (began)
        (void)sqlite3_exec(c.to, "ROLLBACK", NULL, NULL, NULL);
    if (*c.what)
        fprintf(stderr, "spkiosk restore: the evaluators' keys could not be carried from %s (%s: "
                "%s): the copy's stand; give each window whose address changed since the copy a "
                "new one on the admin page 评价器\n", db_path, c.which, c.what);
    sqlite3_finalize(clear);
    backup_carry_end(&c);
    if (copy_stands)
        backup_note_copy_keys(tmp);
}

/* The restored file belongs to whoever owned the database it replaces (or,
 * with none, the folder it goes in): restore run as root must not leave a
 * database the service user cannot write (the service then failed "attempt
 * to write a readonly database" at every restart). As another user the
 * owner is already right, or chown is refused and said. 0 or -1 with err. */
static int backup_give_owner(const char *db_path, const char *tmp, char *err, size_t errlen)
{
    char dir[BACKUP_PATH_MAX];
    struct stat st, mine;
    int fd = -1, rc = -1;

    if (stat(db_path, &st) != 0) {
        backup_dirname(db_path, dir);
        if (stat(dir, &st) != 0) {
            snprintf(err, errlen, "cannot read the owner of %s: %s", dir, strerror(errno));
            return -1;
        }
    }
    if (st.st_uid == geteuid() && st.st_gid == getegid())
        return 0;
    /* by its descriptor, never through a link: the folder is the service
     * user's, and a link put in the copy's place had root (restore's usual
     * user) give whatever file it names to that user (a review) */
    if ((fd = open(tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(fd, &mine) != 0 ||
        !S_ISREG(mine.st_mode) || mine.st_nlink != 1 || mine.st_uid != geteuid()) {
        snprintf(err, errlen, "the restored copy %s was replaced while it was made (a link, or "
                 "another's file); nothing was restored", tmp);
        goto out;
    }
    if (fchown(fd, st.st_uid, st.st_gid) != 0) {
        snprintf(err, errlen, "cannot give the restored copy to the owner of %s (uid %u): %s; run "
                 "restore as that user (runuser -u USER -- spkiosk restore ...)",
                 db_path, (unsigned)st.st_uid, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

int backup_restore(const char *db_path, const char *file, char aside[BACKUP_PATH_MAX], char *err,
                   size_t errlen)
{
    char tmp[BACKUP_PATH_MAX];
    double deadline = backup_now() + BACKUP_TIMEOUT_S;
    sqlite3 *src = NULL;
    int lock, rc = -1;

    aside[0] = '\0';

    if (backup_path(tmp, db_path, ".restore-tmp") != 0) {
        snprintf(err, errlen, "the path %s is too long", db_path);
        return -1;
    }
    if (backup_is_live(db_path, file)) {
        snprintf(err, errlen, "%s is the database itself", file);
        return -1;
    }
    /* the daemon holds it while it runs; held here, none starts meanwhile */
    if ((lock = db_lock_take(db_path, err, errlen)) < 0)
        return -1;
    if (backup_source_open(file, SQLITE_OPEN_READONLY, deadline, &src, err, errlen) != 0 ||
        backup_restore_check(src, file, err, errlen) != 0 ||
        backup_copy(src, tmp, deadline, err, errlen) != 0 ||
        backup_carry_tickets(db_path, tmp, err, errlen) != 0)
        goto out;
    backup_carry_outcomes(db_path, tmp);
    backup_carry_rate_keys(db_path, tmp);
    if (backup_give_owner(db_path, tmp, err, errlen) != 0 ||
        backup_set_aside(db_path, aside, err, errlen) != 0 ||
        backup_publish(tmp, db_path, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    if (src) {
        (void)sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(src);
    }
    if (rc != 0)
        backup_unlink_all(tmp);
    db_lock_release(lock);
    return rc;
}
