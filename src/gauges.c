/* gauges: counts for /metrics, read at scrape time through prepared
 * statements in one read transaction, so that they agree with each other.
 * Every query is an aggregate over indexed or small tables; none reads a
 * value a resident typed. */
#include "gauges.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"

const char *const gauges_status_names[GAUGES_STATUSES] = {
    "open", "waiting", "accepted", "returned", "completed", "abandoned",
    "prereview", "invited", "visit", "ready", "rejected"};

static const char sql_by_status[] = "SELECT status, count(*) FROM cases GROUP BY status";
/* as the call screen counts it (display.c): today's tickets not called */
static const char sql_waiting[] =
    "SELECT count(*) FROM cases WHERE status = 'waiting' AND calls = 0 AND ticket_day = ?1"
    " AND handed_in_by IS NULL";
/* as the work list marks it (relay.c): the current stage due, or the
 * date promised to the resident, before today */
static const char sql_overdue[] =
    "SELECT count(*) FROM cases c JOIN case_stages s ON s.case_id = c.id AND s.idx = c.stage"
    " WHERE c.status = 'accepted' AND (s.due < ?1 OR c.due < ?1)";
/* those the sender has to send: one without a number waits for staff to
 * tell the resident in person, and is no sign of a gateway down (the
 * documented alert on this gauge) */
static const char sql_notifications[] =
    "SELECT count(*) FROM notifications WHERE done_at IS NULL AND erased_at IS NULL"
    " AND phone <> ''";
/* the newest thing a resident or staffer did, by the index case_events_at:
 * the clock that wrote it was ahead of this one */
static const char sql_newest_event[] = "SELECT max(at) FROM case_events";
/* the last load's problems (schema/001-catalog.sql): distinct files, not lines */
static const char sql_files_with_errors[] =
    "SELECT count(DISTINCT file) FROM diagnostics WHERE severity = 'error'";
/* what `spkiosk backup` recorded, one row per outcome at most */
static const char sql_backups[] = "SELECT outcome, at, bytes, count, reason FROM backup_outcomes";

/* The one number of a count query (with ?1 bound to day when day is not
 * NULL) in *out. 0 or -1. */
static int gauges_count(struct db *db, const char *sql, const char *day, long *out)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc = -1;

    if (!st)
        return -1;
    if ((!day || sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC) == SQLITE_OK) &&
        sqlite3_step(st) == SQLITE_ROW) {
        *out = (long)sqlite3_column_int64(st, 0);
        rc = 0;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int gauges_by_status(struct db *db, struct gauges *g)
{
    sqlite3_stmt *st = db_stmt(db, sql_by_status);
    int r = SQLITE_ERROR;
    size_t i;

    if (!st)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        for (i = 0; s && i < GAUGES_STATUSES; i++)
            if (strcmp(s, gauges_status_names[i]) == 0)
                g->by_status[i] = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

/* g->newest_event and g->clock_behind as of now. 0 or -1. */
static int gauges_clock(struct db *db, time_t now, struct gauges *g)
{
    sqlite3_stmt *st = db_stmt(db, sql_newest_event);
    const char *at;
    time_t t;
    int rc = -1;

    if (!st)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        rc = 0;
        /* an event's time is clock_utc's text; anything else is no witness */
        if ((at = (const char *)sqlite3_column_text(st, 0)) && clock_utc_parse(at, &t) == 0) {
            snprintf(g->newest_event, sizeof g->newest_event, "%s", at);
            g->clock_behind = t > now ? (long)(t - now) : 0;
        }
    }
    sqlite3_reset(st);
    return rc;
}

/* reason (reason_len bytes, NULL: not wanted): the last failure's */
static int gauges_backups(struct db *db, struct gauges *g, char *reason, size_t reason_len)
{
    sqlite3_stmt *st = db_stmt(db, sql_backups);
    const char *o, *why;
    int r;

    if (!st)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (!(o = (const char *)sqlite3_column_text(st, 0)))
            continue;
        if (strcmp(o, "ok") == 0) {
            g->backup_ok_at = sqlite3_column_int64(st, 1);
            g->backup_ok_bytes = sqlite3_column_int64(st, 2);
        } else if (strcmp(o, "failed") == 0) {
            g->backup_failed_at = sqlite3_column_int64(st, 1);
            g->backup_failures = (long)sqlite3_column_int64(st, 3);
            /* `spkiosk backup` cuts it to BACKUP_REASON_MAX on a character;
             * anything longer is not ours to cut */
            if (reason && (why = (const char *)sqlite3_column_text(st, 4)) && strlen(why) < reason_len)
                memcpy(reason, why, strlen(why) + 1);
        }
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

int gauges_read(struct db *db, time_t now, struct gauges *g)
{
    char day[CLOCK_DAY_LEN];
    int rc = -1;

    memset(g, 0, sizeof *g);
    clock_today_text(day);
    if (db_read_begin(db) != 0)
        return -1;
    if (gauges_by_status(db, g) == 0 && gauges_count(db, sql_waiting, day, &g->waiting) == 0 &&
        gauges_count(db, sql_overdue, day, &g->overdue) == 0 &&
        gauges_count(db, sql_notifications, NULL, &g->notifications) == 0 &&
        gauges_count(db, sql_files_with_errors, NULL, &g->files_with_errors) == 0 &&
        gauges_clock(db, now, g) == 0 && gauges_backups(db, g, NULL, 0) == 0)
        rc = 0;
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc != 0)
        memset(g, 0, sizeof *g);
    return rc;
}

int gauges_read_clock(struct db *db, time_t now, struct gauges *g)
{
    int rc;

    memset(g, 0, sizeof *g);
    if (db_read_begin(db) != 0)
        return -1;
    rc = gauges_clock(db, now, g);
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc != 0)
        memset(g, 0, sizeof *g);
    return rc;
}

int gauges_read_backups(struct db *db, struct gauges *g, char *reason, size_t reason_len)
{
    int rc;

    memset(g, 0, sizeof *g);
    if (reason_len)
        reason[0] = '\0';
    if (db_read_begin(db) != 0)
        return -1;
    rc = gauges_backups(db, g, reason, reason_len);
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc != 0) {
        memset(g, 0, sizeof *g);
        if (reason_len)
            reason[0] = '\0';
    }
    return rc;
}
