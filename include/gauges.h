/* gauges: the figures of the database that /metrics shows as they are at
 * the scrape (issue #14 item 3): cases by status, the queue, overdue
 * chains, notifications still to send, the last backups' outcomes. Counts,
 * sizes and times only, no case data.
 */
#ifndef SPK_GAUGES_H
#define SPK_GAUGES_H

#include <time.h>

#include "clock.h"
#include "db.h"

/* The statuses of schema/014-relay.sql's CHECK, in its order. */
#define GAUGES_STATUSES 11
extern const char *const gauges_status_names[GAUGES_STATUSES];

struct gauges {
    long by_status[GAUGES_STATUSES];    /* cases, by gauges_status_names */
    long waiting;           /* handed in to the queue and not called yet (the call
                             * screen's number) */
    long overdue;           /* accepted cases whose current stage was due before today */
    long notifications;     /* notifications neither done nor erased (to send or to phone) */
    long files_with_errors; /* source files the last load found errors in (the admin
                             * console lists them): the load counter only summed them */
    long clock_behind;      /* seconds this machine's clock is behind the newest case
                             * event stored, 0 when not (the clock was set back, or
                             * the server restarted with a dead clock battery) */
    char newest_event[CLOCK_UTC_LEN];   /* that event's time as stored; "" for none */
    /* the outcomes `spkiosk backup` recorded (schema/039-backup-outcomes.sql) */
    long long backup_ok_at;     /* unix seconds the last good copy was made; 0 for none */
    long long backup_ok_bytes;  /* that copy's size */
    long long backup_failed_at; /* unix seconds of the last failed backup; 0 for none */
    long backup_failures;       /* failed backups this database has recorded */
};

/* Reads the figures in one read transaction on db (the caller's thread's
 * connection), clock_behind as of now. Returns 0, or -1 (SQLite failed; *g
 * then zero). */
int gauges_read(struct db *db, time_t now, struct gauges *g);

/* Only clock_behind and newest_event of *g (the rest zero), in a read
 * transaction of their own: the start's clock check needs none of the
 * counts. Returns 0, or -1 (SQLite failed; *g then zero). */
int gauges_read_clock(struct db *db, time_t now, struct gauges *g);

/* Only the backup_* figures of *g (the rest zero), in a read transaction of
 * their own, for the admin console, and the last failure's reason (as
 * `spkiosk backup` printed and stored it, up to BACKUP_REASON_MAX bytes; ""
 * with none, or when it does not fit in reason_len bytes). Returns 0, or -1 (SQLite failed; *g zero, reason
 * ""). */
int gauges_read_backups(struct db *db, struct gauges *g, char *reason, size_t reason_len);

#endif
