/* backup: a consistent copy of the live database while the daemon serves
 * it (`spkiosk backup`), the pruning of dated copies (`--keep`), and the
 * restore of a copy in place of a stopped daemon's database (`spkiosk
 * restore`). docs/deployment.md ("Backup and restore") is the procedure.
 */
#ifndef SPK_BACKUP_H
#define SPK_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define BACKUP_KEEP_MAX 1000            /* --keep: 1 to this */
#define BACKUP_STEP_PAGES 256           /* pages copied per sqlite3_backup_step */
#define BACKUP_TIMEOUT_S 600            /* a whole copy, busy retries included */
#define BACKUP_STALE_S (2 * BACKUP_TIMEOUT_S) /* a backup's file this old is a killed one's */
#define BACKUP_NAME_LEN 40              /* "spkiosk-YYYYMMDDTHHMMSSZ.db" and its NUL */
#define BACKUP_PATH_MAX 4096            /* a path the backup and restore make, NUL included */
#define BACKUP_REASON_MAX 240           /* bytes of a failure's reason recorded */
#define BACKUP_OUTCOMES_SCHEMA 39       /* schema/039-backup-outcomes.sql */

/* Copies the database at db_path into file: SQLite's online backup API
 * into "FILE.tmp" from one read snapshot of the source (in WAL mode the
 * daemon's writers go on meanwhile), BACKUP_STEP_PAGES at a time; a busy
 * or locked step is tried again after a short sleep, for at most
 * BACKUP_TIMEOUT_S in all. The copy is then a self-contained rollback-
 * journal file whose PRAGMA integrity_check answers exactly "ok"; it is
 * fsynced, renamed to file and the folder fsynced. Returns 0; 1 with a
 * message in err, nothing read or written, when file (or "FILE.tmp") is
 * the database itself or its -wal, -shm, -journal or .lock (a wrong
 * command line, not a failed backup); or -1 with a message in err and no
 * file left under either name by this call. */
int backup_run(const char *db_path, const char *file, char *err, size_t errlen);

/* Records the outcome of one `spkiosk backup` in the database at db_path
 * (which must exist; schema/039-backup-outcomes.sql), for /metrics: ok, the
 * time at (unix seconds) it finished, bytes (the copy's size; 0 when it
 * failed), target (the copy's path, or the FILE or DIR it failed on) and
 * reason (the failure's message, cut to BACKUP_REASON_MAX bytes on a
 * character's boundary; NULL when ok). One row per outcome, the last of
 * each, its count added to. Written through a connection of its own in
 * one BEGIN IMMEDIATE transaction (SQLite's busy timeout waits for the
 * daemon's writers) and on the disk when it returns 0. A database at an
 * older schema is not migrated here (a daemon of the older binary may
 * still serve it), and a copy (not in WAL mode: no daemon has served it
 * since backup_run made it) is left as it was made: 1 with err saying
 * why. -1 with err when it cannot be opened for writing or the write
 * fails. The caller records ok only once the copy is published: a copy
 * never holds its own success. */
int backup_record(const char *db_path, bool ok, time_t at, long long bytes, const char *target,
                  const char *reason, char *err, size_t errlen);

/* The dated name of a copy made at t, "spkiosk-YYYYMMDDTHHMMSSZ.db" (UTC,
 * so that names sort by time), in out. */
void backup_name(time_t t, char out[BACKUP_NAME_LEN]);

/* Deletes from dir every file with a name backup_name makes but the keep
 * newest by name, and what a killed backup left: an empty claimed name, or
 * its "NAME.tmp" (and that copy's -journal, -wal, -shm), once older than
 * BACKUP_STALE_S (younger ones may be a backup running now: neither
 * counted nor touched). Other files are left alone. made (may be NULL) is
 * the name of the copy just written: it is always one of the keep, even
 * when a clock set back named it before the others, and newer (may be
 * NULL, BACKUP_NAME_LEN bytes) then gets the newest name it sorts below
 * ("" when none). *leftovers (may be NULL) gets the number of leftovers
 * deleted. Returns the number of copies deleted, or -1 with a message in
 * err (what was deleted stays deleted). */
int backup_prune(const char *dir, unsigned keep, const char *made, char *newer,
                 unsigned *leftovers, char *err, size_t errlen);

/* Puts the copy file in place of the database at db_path. Refuses while a
 * daemon holds the database's lock (db_lock_take), and holds that lock
 * throughout so none starts meanwhile. The copy must pass integrity_check
 * and have a schema (PRAGMA user_version) from 1 to this build's; an older
 * one is migrated when the daemon starts. The database, -wal and -shm in
 * place are renamed to "DB.pre-restore" (with -wal, -shm: SQLite opens
 * them together), or "DB.pre-restore.N" when earlier restores' are still
 * there (never deleted: the only copy of the cases since the backup), the
 * name in aside ("" before it is chosen); the copy is written to
 * "DB.restore-tmp" with the backup API, fsynced and renamed to db_path,
 * then the folder fsynced. Today's ticket counter and the backups'
 * outcomes (backup_record) of the database replaced are carried into the
 * copy where they are newer than its own, and its evaluators' keys
 * (rate.h) replace the copy's. Returns 0, or -1 with a message in err. */
int backup_restore(const char *db_path, const char *file, char aside[BACKUP_PATH_MAX], char *err,
                   size_t errlen);

#endif
