/* sweep: the daemon's periodic housekeeping of cases, run on the main
 * thread at start-up and about once a minute (server.c's poll loop).
 *
 * 1. Abandonment: a case still `open` (not yet handed to the window) with no
 *    activity for longer than SWEEP_IDLE_SECONDS becomes `abandoned`, with an event
 *    that records where the resident stopped. A case a staffer started at
 *    the window (channel `window`) gets SWEEP_IDLE_WINDOW_SECONDS: the
 *    window lists such cases for a day so that one can be taken up again;
 *    so does one started from home (channel `web`), whose link the
 *    resident keeps to go on later.
 *    A case handed in (`waiting`, `accepted`, `returned`, `prereview`,
 *    `invited`) that nobody
 *    touched for the retention period (at least SWEEP_STALE_MIN_DAYS) is
 *    abandoned too, with the same event: otherwise yesterday's queue and a
 *    return never corrected would keep their ID numbers for ever.
 * 2. Retention: a case `completed` or `abandoned` whose last activity is
 *    more than the retention period old has everything people typed erased
 *    (field values, ticked items, rating comment, return reason, outcome,
 *    event details, the ticket, the number and text of its notifications)
 *    and is marked erased (schema/005). What
 *    statistics need stays: status, procedure, version, timestamps, steps
 *    done, events, the rating's score. Activity after that (a late rating)
 *    marks it again (needs_erase, cases_event_add), and it is due again.
 * 3. The WAL: after an erasure the old copies of the erased pages are still
 *    in the WAL (and in the database file until a checkpoint): sweep_poll
 *    checkpoints and truncates it, and tries again until no reader is in
 *    the way.
 * Each batch of at most SWEEP_BATCH cases is one BEGIN IMMEDIATE
 * transaction, so HTTP workers wait at most one batch. A case that fails on
 * its own (not the database as a whole) is undone alone, logged without its
 * id, and passed over, so that it cannot stop the sweep for every other.
 */
#ifndef SPK_SWEEP_H
#define SPK_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "db.h"

#define SWEEP_IDLE_SECONDS 3600         /* no activity longer than this: abandoned */
#define SWEEP_IDLE_WINDOW_SECONDS 86400 /* the same for a window or web case */
#define SWEEP_RETENTION_DEFAULT 30      /* days */
#define SWEEP_RETENTION_MAX 3650        /* days; 0 erases at the next sweep */
#define SWEEP_INTERVAL_MS 60000
#define SWEEP_BATCH 200                 /* cases per transaction */
#define SWEEP_BATCHES_MAX 50            /* per pass and run; the rest waits a minute */
#define SWEEP_STALE_MIN_DAYS 1          /* a handed-in case waits at least this long */
#define SWEEP_CKPT_RETRY_MS 1000        /* the WAL checkpoint's retry while readers block it */

/* The abandoned event's step when where the resident stopped cannot be
 * worked out (the pinned version no longer parses); NULL is the conditions,
 * 0.. the step index, the number of steps when all were done. */
#define SWEEP_STEP_UNKNOWN (-1)

/* Where a resident stopped in a case. */
enum sweep_stage {
    SWEEP_STAGE_CONDITIONS,     /* the eligibility conditions were never confirmed */
    SWEEP_STAGE_STEP,           /* at a step (its index) */
    SWEEP_STAGE_SUBMIT,         /* every step done, never handed in */
    SWEEP_STAGE_WINDOW,         /* handed in, then dropped (e.g. a no-show) */
};

/* "conditions", "step", "submit", "window". */
const char *sweep_stage_name(enum sweep_stage s);

struct sweep_result {
    size_t abandoned;   /* all cases abandoned, idle or stale */
    size_t stale;       /* of those, cases handed in and forgotten */
    size_t erased;
    size_t skipped;     /* cases that failed on their own and were passed over */
};

/* One sweep as of time now (tests pass their own clock). retention_days is
 * 0..SWEEP_RETENTION_MAX. Returns 0 with *res filled; -1 on a database
 * error (logged; *res counts the batches committed before it, which stay).
 * Does not checkpoint: see sweep_poll. */
int sweep_run(struct db *db, time_t now, int retention_days, struct sweep_result *res);

/* Days without activity after which a handed-in case is abandoned: the
 * retention period, at least SWEEP_STALE_MIN_DAYS. */
int sweep_stale_days(int retention_days);

/* The retention period `serve` runs with (--retention-days), set once at
 * start before any worker runs, for the lists that say when a case will
 * be given up or erased (corrections.h); SWEEP_RETENTION_DEFAULT until
 * set. A value out of 0..SWEEP_RETENTION_MAX is ignored. */
void sweep_retention_set(int retention_days);
int sweep_retention_get(void);

/* Checkpoints the WAL and truncates it without waiting (db_wal_truncate).
 * 0 done; 1 a reader or writer is in the way; -1 on error. */
int sweep_checkpoint(struct db *db);

/* The poll loop's state of the sweep. */
struct sweep_timer {
    long due_ms;        /* next run, CLOCK_MONOTONIC ms; 0: at once */
    bool ckpt_pending;  /* the WAL may still hold erased values */
    bool ckpt_logged;   /* a checkpoint error was logged since the last success */
};

/* At start the WAL may be one a crash left, with erased values in it. */
#define SWEEP_TIMER_INIT {0, true, false}

/* For the daemon's poll loop: when t->due_ms has come, runs sweep_run at
 * the wall-clock time, logs the counts (never a case id or a value) when
 * there were any, also after a failure, and sets t->due_ms
 * SWEEP_INTERVAL_MS later. Then, while the WAL may hold erased values
 * (after an erasure, and at start), tries sweep_checkpoint, never waiting
 * for a reader. Returns the ms until it wants to be called again, for
 * poll: SWEEP_CKPT_RETRY_MS at most while the checkpoint is pending. */
int sweep_poll(struct db *db, int retention_days, long now_ms, struct sweep_timer *t);

/* Where the case id stopped, worked out from its pinned version and its
 * accepted answers: *stage, and *step (the step index for
 * SWEEP_STAGE_STEP, the number of steps for SWEEP_STAGE_SUBMIT, otherwise
 * -1). A case with a ticket was handed in: SWEEP_STAGE_WINDOW. Returns 0; 1 when there is no such case;
 * -1 on error. Reads only; call inside a transaction for a stable answer. */
int sweep_case_stage(struct db *db, const char *id, enum sweep_stage *stage, int *step);


#endif
