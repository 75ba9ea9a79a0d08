/* sweep: marks idle open cases and forgotten handed-in cases abandoned,
 * erases the personal data of cases past the retention period, in bounded
 * batches on the main thread, then empties the WAL of the erased values'
 * old copies. Times are ISO 8601 UTC text throughout, which compares as it
 * sorts. */
#include "sweep.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "clock.h"
#include "followup.h"

const char *sweep_stage_name(enum sweep_stage s)
{
    switch (s) {
    case SWEEP_STAGE_CONDITIONS:
        return "conditions";
    case SWEEP_STAGE_STEP:
        return "step";
    case SWEEP_STAGE_SUBMIT:
        return "submit";
    case SWEEP_STAGE_WINDOW:
        return "window";
    }
    return "step";
}

int sweep_case_stage(struct db *db, const char *id, enum sweep_stage *stage, int *step)
{
    struct case_state cs;
    struct refusal e;
    int r = cases_load(db, id, &cs, &e);

    *stage = SWEEP_STAGE_CONDITIONS;
    *step = -1;
    if (r == 0) {
        if (cs.ticket ||
            (strcmp(cs.status, "open") != 0 && strcmp(cs.status, "abandoned") != 0)) {
            *stage = SWEEP_STAGE_WINDOW;
        } else if (!cs.conditions_confirmed) {
            *stage = SWEEP_STAGE_CONDITIONS;
        } else if (cs.step < cs.model->n_steps) {
            *stage = SWEEP_STAGE_STEP;
            *step = (int)cs.step;
        } else {
            *stage = SWEEP_STAGE_SUBMIT;
            *step = (int)cs.model->n_steps;
        }
    }
    cases_state_free(&cs);
    return r;
}

/* ---- one batch ------------------------------------------------------------ */

/* The three passes of a run, in the order they run. */
enum sweep_pass {
    SWEEP_PASS_IDLE,    /* open cases: an hour (a day for the window's) */
    SWEEP_PASS_STALE,   /* handed-in cases nobody touched for the retention period */
    SWEEP_PASS_ERASE,   /* closed cases past the retention period */
};

static const char *const sweep_pass_verb[] = {"abandoned", "abandoned", "erased"};

/* Every selection takes ?1 the cut-off, ?2 the limit, ?4 how many to pass
 * over (cases that failed earlier in this run, which sort first: see
 * sweep_batch), and the idle one ?3, the window's cut-off. (updated_at, id)
 * is a total order, so each batch of a run continues where the last one
 * stopped. */
/* An open case whose list of missing papers was printed (cases_keep_open)
 * waits like a handed-in one: its resident went to fetch the papers. */
#define SWEEP_KEPT "EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = cases.id AND e.what = 'kept_open')"
static const char sql_idle[] =
    "SELECT id FROM cases WHERE status = 'open'"
    " AND updated_at < CASE WHEN channel IN ('window', 'web') THEN ?3 ELSE ?1 END"
    " AND NOT " SWEEP_KEPT " ORDER BY updated_at, id LIMIT ?2 OFFSET ?4";
static const char sql_stale[] =
    "SELECT id FROM cases WHERE (status IN ('waiting', 'returned', 'prereview', 'invited', 'visit')"
    "  OR (status = 'accepted' AND stage IS NULL) OR (status = 'open' AND " SWEEP_KEPT "))"
    " AND updated_at < ?1 ORDER BY updated_at, id LIMIT ?2 OFFSET ?4";
/* through the partial index cases_due (schema/005), whose terms these
 * are: erased cases are not in it, so this reads only what is due, already
 * in order. Without INDEXED BY the planner, knowing nothing of the data,
 * takes (status, updated_at) and sorts every erased case it walks. */
/* A case whose call-back is still open keeps the number it is to be made
 * on (one with none holds nothing: a late 差评 on an erased case) until
 * the call-back's due date is itself past the retention period:
 * a complaint's 15 working days run close to 30 days across 春节, and an
 * erased case left a complaint listed with no number to call (a year-end
 * review). */
static const char sql_due[] =
    "SELECT id FROM cases INDEXED BY cases_due"
    " WHERE status IN ('completed', 'abandoned', 'rejected') AND needs_erase = 1"
    " AND updated_at < ?1 AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.case_id = cases.id"
    "  AND f.done_at IS NULL AND f.phone IS NOT NULL AND f.due >= date(?1, 'localtime'))"
    " ORDER BY updated_at, id LIMIT ?2 OFFSET ?4";

/* the case was given up when its time ran out (?2 seconds after its last
 * activity, ?3 for a case started at the window or from home), not when the sweep
 * noticed: figures and retention then do not depend on when the daemon ran */
static const char sql_abandon[] =
    "UPDATE cases SET status = 'abandoned',"
    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(updated_at)"
    "  + CASE WHEN channel IN ('window', 'web') THEN ?3 ELSE ?2 END, 'unixepoch')"
    " WHERE id = ?1 AND status = 'open' AND NOT " SWEEP_KEPT " RETURNING updated_at";
static const char sql_abandon_stale[] =
    "UPDATE cases SET status = 'abandoned',"
    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(updated_at) + ?2, 'unixepoch')"
    " WHERE id = ?1 AND (status IN ('waiting', 'returned', 'prereview', 'invited', 'visit')"
    "  OR (status = 'accepted' AND stage IS NULL) OR (status = 'open' AND " SWEEP_KEPT "))"
    " RETURNING updated_at";
/* step: see sweep_stop_step */
static const char sql_abandon_event[] =
    "INSERT INTO case_events (case_id, at, what, channel, user, step, detail)"
    " VALUES (?1, ?2, 'abandoned', NULL, NULL, ?3, NULL)";

static const char sql_erase_values[] = "DELETE FROM case_values WHERE case_id = ?1";
static const char sql_erase_ticks[] = "DELETE FROM case_checklist WHERE case_id = ?1";
static const char sql_erase_comment[] =
    "UPDATE ratings SET comment = '' WHERE case_id = ?1 AND comment <> ''";
/* but a call-back's tries (followup.h's FOLLOWUP_TRY_DETAIL KIND, a fixed
 * word and the call-back's kind, nothing anyone typed): they are the only
 * record of the tries, and an open complaint on a case without a number
 * does not keep the case from this sweep; erased, it came back as never
 * tried, due again the same day, with three more tries to close it */
static const char sql_erase_details[] =
    "UPDATE case_events SET detail = NULL WHERE case_id = ?1 AND detail IS NOT NULL"
    " AND NOT (what = 'followup' AND detail IN ('" FOLLOWUP_TRY_DETAIL "routine', '"
    FOLLOWUP_TRY_DETAIL "complaint'))";
/* the number and the message, and the ticket the message names (notify.h) */
static const char sql_erase_notifications[] =
    "UPDATE notifications SET phone = '', text = '', ticket = NULL, erased_at = ?2"
    " WHERE case_id = ?1 AND erased_at IS NULL";
/* a call-back's number and what the staffer wrote of the call (followup.h);
 * kind, due, result and score stay for the figures. Also a call-back
 * erased before and written on since: one still open on an erased case is
 * listed and recorded (a complaint's with its note, of what was put right),
 * and its case, touched by the result's event, comes back to this sweep;
 * the first erasure's time stays */
static const char sql_erase_followups[] =
    "UPDATE followups SET phone = NULL, note = NULL, erased_at = coalesce(erased_at, ?2)"
    " WHERE case_id = ?1 AND (erased_at IS NULL OR phone IS NOT NULL OR note IS NOT NULL)";
static const char sql_erase_case[] =
    "UPDATE cases SET returned_reason = NULL, outcome = NULL, ticket = NULL, invite_note = NULL,"
    " rejected_reason = NULL, visit_address = NULL, visit_phone = NULL,"
    " erased_at = ?2, needs_erase = 0 WHERE id = ?1";
/* what a staffer wrote passing a stage may name the resident's affairs */
static const char sql_erase_stage_notes[] =
    "UPDATE case_stages SET note = NULL WHERE case_id = ?1 AND note IS NOT NULL";

/* one case inside its batch, so that a case that fails is undone alone */
static const char sql_savepoint[] = "SAVEPOINT sweep_case";
static const char sql_release[] = "RELEASE sweep_case";
static const char sql_undo[] = "ROLLBACK TO sweep_case";

static int sweep_exec_plain(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    return st ? db_run(st, SQLITE_OK) : -1;
}

static int sweep_exec_id(struct db *db, const char *sql, const char *id)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    if (!st)
        return -1;
    return db_run(st, sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC));
}

/* What one pass of a run selects and does. */
struct sweep_cutoff {
    char at[32];        /* ?1: due when the last activity is before this */
    char window[32];    /* ?3 of the idle pass: the same for a window case */
    long after;         /* the abandonment's time: seconds after the last activity */
    long after_window;  /* the same for a case started at the window */
};

/* Up to SWEEP_BATCH ids selected by sql, passing over the first `skip`.
 * The ids are read before anything changes, so no row is updated under a
 * running SELECT. Returns the count, or -1. */
static int sweep_select(struct db *db, const char *sql, const struct sweep_cutoff *cut,
                        size_t skip, char ids[][CASE_ID_LEN + 1])
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int b = SQLITE_OK, r = SQLITE_ERROR, n = 0;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, cut->at, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, SWEEP_BATCH);
    b |= sqlite3_bind_text(st, 3, cut->window, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int64(st, 4, (sqlite3_int64)skip);
    while (b == SQLITE_OK && n < SWEEP_BATCH && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(ids[n++], CASE_ID_LEN + 1, "%s", t ? (const char *)t : "");
    }
    sqlite3_reset(st);
    return b == SQLITE_OK && (n == SWEEP_BATCH || r == SQLITE_DONE) ? n : -1;
}

/* The abandoned event's step, where the resident stopped: INT_MIN (stored
 * as NULL) at the conditions; the first applicable step not done; the
 * number of steps when every one is done (handed in or not).
 * SWEEP_STEP_UNKNOWN when the case's pinned version no longer parses: that
 * must not stop the sweep (and erasure after it). Read before the status
 * changes. */
static int sweep_stop_step(struct db *db, const char *id)
{
    struct case_state cs;
    struct refusal e;
    int step = SWEEP_STEP_UNKNOWN;

    if (cases_load(db, id, &cs, &e) == 0) {
        if (!cs.conditions_confirmed)
            step = INT_MIN;
        else
            step = (int)(cs.step < cs.model->n_steps ? cs.step : cs.model->n_steps);
    }
    cases_state_free(&cs);
    return step;
}

/* Abandons one case; *done is set when it still had the status the pass
 * looks for. */
static int sweep_abandon_one(struct db *db, const char *sql, const struct sweep_cutoff *cut,
                             const char *id, bool *done)
{
    sqlite3_stmt *st;
    char at[32];
    int step = sweep_stop_step(db, id), b = SQLITE_OK, r;
    bool changed = false;

    *done = false;
    if (!(st = db_stmt(db, sql)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int64(st, 2, cut->after);
    if (sqlite3_bind_parameter_count(st) >= 3)
        b |= sqlite3_bind_int64(st, 3, cut->after_window);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(at, sizeof at, "%s", t ? (const char *)t : "");
        changed = true;
        r = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return -1;
    if (!changed)
        return 0;
    if (!(st = db_stmt(db, sql_abandon_event)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
    b |= step == INT_MIN ? sqlite3_bind_null(st, 3) : sqlite3_bind_int(st, 3, step);
    if (db_run(st, b) != 0)
        return -1;
    *done = true;
    return 0;
}

static int sweep_erase_one(struct db *db, const char *id, const char *now)
{
    sqlite3_stmt *st;
    int b = SQLITE_OK;

    if (sweep_exec_id(db, sql_erase_values, id) != 0 ||
        sweep_exec_id(db, sql_erase_ticks, id) != 0 ||
        sweep_exec_id(db, sql_erase_comment, id) != 0 ||
        sweep_exec_id(db, sql_erase_details, id) != 0 ||
        sweep_exec_id(db, sql_erase_stage_notes, id) != 0 ||
        !(st = db_stmt(db, sql_erase_notifications)) ||
        db_run(st, sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC)) != 0 ||
        !(st = db_stmt(db, sql_erase_followups)) ||
        db_run(st, sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC)) != 0 ||
        !(st = db_stmt(db, sql_erase_case)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    return db_run(st, b);
}

/* Whether an error is about the database as a whole (locked, full, out of
 * memory, an I/O error…) rather than about the one case: then the batch is
 * given up, since every other case would fail the same way. */
static bool sweep_error_global(int code)
{
    switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_READONLY:
    case SQLITE_INTERRUPT:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_NOTADB:
        return true;
    }
    return false;
}

/* What a pass has done so far. */
struct sweep_tally {
    size_t done;        /* cases changed, in committed batches */
    size_t skipped;     /* cases that failed on their own, left as they were */
    char why[160];      /* the last such failure (SQLite's words: no value, no id) */
    char error[160];    /* why the last batch failed */
};

/* One transaction over at most SWEEP_BATCH cases. A case that fails on its
 * own is undone alone and passed over; it then sorts before every case
 * still due in this run (it was selected before them), so the next
 * selection skips it by its OFFSET. Returns the number of cases selected
 * (SWEEP_BATCH means "there may be more"), or -1. */
static int sweep_batch(struct db *db, enum sweep_pass pass, const struct sweep_cutoff *cut,
                       const char *now, struct sweep_tally *tally)
{
    static const char *const sql[] = {sql_idle, sql_stale, sql_due};
    static const char *const change[] = {sql_abandon, sql_abandon_stale, NULL};
    char ids[SWEEP_BATCH][CASE_ID_LEN + 1];
    size_t done = 0, skipped = 0;
    int n, i, r, code;
    bool changed;

    if (db_begin(db) != 0)
        return -1;
    if ((n = sweep_select(db, sql[pass], cut, tally->skipped, ids)) < 0)
        goto fail;
    for (i = 0; i < n; i++) {
        if (sweep_exec_plain(db, sql_savepoint) != 0)
            goto fail;
        changed = true;
        r = pass == SWEEP_PASS_ERASE ? sweep_erase_one(db, ids[i], now)
                                     : sweep_abandon_one(db, change[pass], cut, ids[i], &changed);
        if (r == 0) {
            if (sweep_exec_plain(db, sql_release) != 0)
                goto fail;
            done += changed;
            continue;
        }
        code = sqlite3_extended_errcode(db_handle(db));
        if (sweep_error_global(code))
            goto fail;
        snprintf(tally->why, sizeof tally->why, "%s", sqlite3_errmsg(db_handle(db)));
        if (sweep_exec_plain(db, sql_undo) != 0 || sweep_exec_plain(db, sql_release) != 0)
            goto fail;
        skipped++;
    }
    if (db_commit(db) != 0)
        goto fail;
    /* counted once committed: a batch rolled back changed nothing */
    tally->done += done;
    tally->skipped += skipped;
    return n;
fail:
    /* the message before ROLLBACK replaces it */
    snprintf(tally->error, sizeof tally->error, "%s", sqlite3_errmsg(db_handle(db)));
    db_rollback(db);
    return -1;
}

/* Batches until one comes back short, at most SWEEP_BATCHES_MAX. Adds the
 * cases changed to *count, those passed over to *skipped. 0 or -1. */
static int sweep_pass_run(struct db *db, enum sweep_pass pass, const struct sweep_cutoff *cut,
                          const char *now, size_t *count, size_t *skipped)
{
    struct sweep_tally tally;
    int i, n, rc = 0;

    memset(&tally, 0, sizeof tally);
    for (i = 0; i < SWEEP_BATCHES_MAX; i++) {
        if ((n = sweep_batch(db, pass, cut, now, &tally)) < 0) {
            fprintf(stderr, "spkiosk: sweep: %s failed: %s\n",
                    pass == SWEEP_PASS_ERASE ? "erasing" : "abandoning", tally.error);
            rc = -1;
            break;
        }
        if (n < SWEEP_BATCH)
            break;
    }
    /* counts and SQLite's message only: a case id is the key to a case */
    if (tally.skipped)
        fprintf(stderr, "spkiosk: sweep: %zu case(s) could not be %s and were left as they are"
                        " until the next sweep: %s\n",
                tally.skipped, sweep_pass_verb[pass], tally.why);
    *count += tally.done;
    *skipped += tally.skipped;
    return rc;
}

/* set once at start (sweep_retention_set), read by the workers after */
static int sweep_retention = SWEEP_RETENTION_DEFAULT;

void sweep_retention_set(int retention_days)
{
    if (retention_days >= 0 && retention_days <= SWEEP_RETENTION_MAX)
        sweep_retention = retention_days;
}

int sweep_retention_get(void)
{
    return sweep_retention;
}

int sweep_stale_days(int retention_days)
{
    return retention_days > SWEEP_STALE_MIN_DAYS ? retention_days : SWEEP_STALE_MIN_DAYS;
}

int sweep_run(struct db *db, time_t now, int retention_days, struct sweep_result *res)
{
    struct sweep_cutoff idle, stale, keep;
    char now_iso[32];
    long stale_s;
    int rc = 0;

    memset(res, 0, sizeof *res);
    if (retention_days < 0 || retention_days > SWEEP_RETENTION_MAX)
        return -1;
    memset(&idle, 0, sizeof idle);
    memset(&stale, 0, sizeof stale);
    memset(&keep, 0, sizeof keep);
    clock_utc(now, now_iso);
    idle.after = SWEEP_IDLE_SECONDS;
    idle.after_window = SWEEP_IDLE_WINDOW_SECONDS;
    clock_utc(now - idle.after, idle.at);
    clock_utc(now - idle.after_window, idle.window);
    stale_s = (long)sweep_stale_days(retention_days) * 86400;
    stale.after = stale.after_window = stale_s;
    clock_utc(now - stale_s, stale.at);
    snprintf(stale.window, sizeof stale.window, "%s", stale.at);
    clock_utc(now - (time_t)retention_days * 86400, keep.at);
    snprintf(keep.window, sizeof keep.window, "%s", keep.at);
    /* abandonment first, so that a case given up long enough ago is erased
     * in the same run; each pass runs even when the one before failed */
    if (sweep_pass_run(db, SWEEP_PASS_IDLE, &idle, now_iso, &res->abandoned, &res->skipped) != 0)
        rc = -1;
    if (sweep_pass_run(db, SWEEP_PASS_STALE, &stale, now_iso, &res->stale, &res->skipped) != 0)
        rc = -1;
    res->abandoned += res->stale;
    if (sweep_pass_run(db, SWEEP_PASS_ERASE, &keep, now_iso, &res->erased, &res->skipped) != 0)
        rc = -1;
    return rc;
}

int sweep_checkpoint(struct db *db)
{
    return db_wal_truncate(db);
}

int sweep_poll(struct db *db, int retention_days, long now_ms, struct sweep_timer *t)
{
    struct sweep_result res;
    long left;
    int r;

    if (t->due_ms == 0 || now_ms >= t->due_ms) {
        (void)sweep_run(db, time(NULL), retention_days, &res);
        /* counts only: a case id is the key to a resident's case. Also
         * when a later batch failed: the earlier ones are committed. */
        if (res.abandoned || res.erased)
            fprintf(stderr, "spkiosk: sweep: %zu case(s) abandoned, %zu erased\n", res.abandoned,
                    res.erased);
        if (res.erased)
            t->ckpt_pending = true;
        t->due_ms = now_ms + SWEEP_INTERVAL_MS;
    }
    /* the erased values are zeroed in the database's pages (secure_delete,
     * db.c), but the WAL, and the database file until a checkpoint copies
     * the new pages over, still hold the old copies: until the WAL is
     * checkpointed and truncated, which a reader in the middle of a read
     * prevents, try again at every poll and every SWEEP_CKPT_RETRY_MS */
    if (t->ckpt_pending) {
        r = sweep_checkpoint(db);
        if (r == 0) {
            t->ckpt_pending = false;
            t->ckpt_logged = false;
        } else if (r < 0 && !t->ckpt_logged) {
            fprintf(stderr, "spkiosk: sweep: cannot empty the WAL (will keep trying): %s\n",
                    sqlite3_errmsg(db_handle(db)));
            t->ckpt_logged = true;
        }
    }
    left = t->due_ms - now_ms;
    if (t->ckpt_pending && left > SWEEP_CKPT_RETRY_MS)
        left = SWEEP_CKPT_RETRY_MS;
    return left > 0 ? (int)left : 0;
}
