/* sweep: the daemon's periodic housekeeping of cases, run on the main
 * thread at start-up and about once a minute (server.c's poll loop).
 *
 * 1. Abandonment: a case still `open` (not yet handed to the window) with no
 *    activity for SWEEP_IDLE_SECONDS becomes `abandoned`, with an event
 *    that records where the resident stopped. A case a staffer started at
 *    the window (channel `window`) gets SWEEP_IDLE_WINDOW_SECONDS: the
 *    window lists such cases for a day so that one can be taken up again.
 * 2. Retention: a case `completed` or `abandoned` whose last activity is
 *    more than the retention period old has everything people typed erased
 *    (field values, ticked items, rating comment, return reason, outcome,
 *    event details, the ticket) and is marked erased (schema/005). What
 *    statistics need stays: status, procedure, version, timestamps, steps
 *    done, events, the rating's score.
 * Each batch of at most SWEEP_BATCH cases is one BEGIN IMMEDIATE
 * transaction, so HTTP workers wait at most one batch.
 */
#ifndef SPK_SWEEP_H
#define SPK_SWEEP_H

#include <stddef.h>
#include <time.h>

#include "db.h"

#define SWEEP_IDLE_SECONDS 3600         /* no activity this long: abandoned */
#define SWEEP_IDLE_WINDOW_SECONDS 86400 /* the same for a case started at the window */
#define SWEEP_RETENTION_DEFAULT 30      /* days */
#define SWEEP_RETENTION_MAX 3650        /* days; 0 erases at the next sweep */
#define SWEEP_INTERVAL_MS 60000
#define SWEEP_BATCH 200                 /* cases per transaction */
#define SWEEP_BATCHES_MAX 50            /* per run; the rest waits a minute */

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
    size_t abandoned;
    size_t erased;
};

/* One sweep as of time now (tests pass their own clock). retention_days is
 * 0..SWEEP_RETENTION_MAX. Returns 0 with *res filled; -1 on a database
 * error (logged; batches already committed stay). */
int sweep_run(struct db *db, time_t now, int retention_days, struct sweep_result *res);

/* For the daemon's poll loop: when *due_ms (a CLOCK_MONOTONIC time in ms;
 * 0 at start) has come, runs sweep_run at the wall-clock time, logs the
 * counts (never a case id or a value) when there were any, and sets *due_ms
 * SWEEP_INTERVAL_MS later. Returns the ms left until *due_ms, for poll. */
int sweep_poll(struct db *db, int retention_days, long now_ms, long *due_ms);

/* Where the case id stopped, worked out from its pinned version and its
 * accepted answers: *stage, and *step (the step index for
 * SWEEP_STAGE_STEP, the number of steps for SWEEP_STAGE_SUBMIT, otherwise
 * -1). A case with a ticket was handed in: SWEEP_STAGE_WINDOW. Returns 0; 1 when there is no such case;
 * -1 on error. Reads only; call inside a transaction for a stable answer. */
int sweep_case_stage(struct db *db, const char *id, enum sweep_stage *stage, int *step);

/* t as ISO 8601 UTC ("2026-11-21T08:00:00Z"), the form timestamps are
 * stored in. */
void sweep_time_iso(time_t t, char out[32]);

#endif
