/* sweep: marks idle open cases abandoned and erases the personal data of
 * cases past the retention period, in bounded batches on the main thread.
 * Times are ISO 8601 UTC text throughout, which compares as it sorts. */
#include "sweep.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"

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

void sweep_time_iso(time_t t, char out[32])
{
    struct tm tm;

    if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

int sweep_case_stage(struct db *db, const char *id, enum sweep_stage *stage, int *step)
{
    struct case_state cs;
    struct case_err e;
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

static const char sql_idle[] =
    "SELECT id FROM cases WHERE status = 'open'"
    " AND updated_at < CASE channel WHEN 'window' THEN ?3 ELSE ?1 END"
    " ORDER BY updated_at LIMIT ?2";
/* the case was given up when its hour ran out, not when the sweep noticed:
 * figures and retention then do not depend on when the daemon ran */
static const char sql_abandon[] =
    "UPDATE cases SET status = 'abandoned',"
    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(updated_at)"
    "  + CASE channel WHEN 'window' THEN ?3 ELSE ?2 END, 'unixepoch')"
    " WHERE id = ?1 AND status = 'open' RETURNING updated_at";
/* step: the index the resident was at; NULL at the conditions; the number
 * of steps when all were done but the case was never handed in */
static const char sql_abandon_event[] =
    "INSERT INTO case_events (case_id, at, what, channel, user, step, detail)"
    " VALUES (?1, ?2, 'abandoned', NULL, NULL, ?3, NULL)";

static const char sql_due[] =
    "SELECT id FROM cases WHERE status IN ('completed', 'abandoned') AND updated_at < ?1"
    " AND (erased_at IS NULL OR erased_at <= updated_at) ORDER BY updated_at LIMIT ?2";
static const char sql_erase_values[] = "DELETE FROM case_values WHERE case_id = ?1";
static const char sql_erase_ticks[] = "DELETE FROM case_checklist WHERE case_id = ?1";
static const char sql_erase_comment[] =
    "UPDATE ratings SET comment = '' WHERE case_id = ?1 AND comment <> ''";
static const char sql_erase_details[] =
    "UPDATE case_events SET detail = NULL WHERE case_id = ?1 AND detail IS NOT NULL";
static const char sql_erase_case[] =
    "UPDATE cases SET returned_reason = NULL, outcome = NULL, ticket = NULL, erased_at = ?2"
    " WHERE id = ?1";

/* Runs st (bindings made, b their combined result) to its end. */
static int sweep_exec(sqlite3_stmt *st, int b)
{
    int r = b == SQLITE_OK ? sqlite3_step(st) : b;

    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

static int sweep_exec_id(struct db *db, const char *sql, const char *id)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    if (!st)
        return -1;
    return sweep_exec(st, sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC));
}

/* The times before which a case is due: ?1 (and ?3, for window cases, in
 * the abandonment pass). */
struct sweep_cutoff {
    char at[32], window[32];
};

/* Up to SWEEP_BATCH ids selected by sql with (?1 cutoff, ?2 limit, ?3 the
 * window's cutoff when it has one). The ids are read before anything
 * changes, so no row is updated under a running SELECT. Returns the count,
 * or -1. */
static int sweep_select(struct db *db, const char *sql, const struct sweep_cutoff *cut,
                        char ids[][CASE_ID_LEN + 1])
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int b = SQLITE_OK, r, n = 0;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, cut->at, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, SWEEP_BATCH);
    if (sqlite3_bind_parameter_count(st) >= 3)
        b |= sqlite3_bind_text(st, 3, cut->window, -1, SQLITE_STATIC);
    while (b == SQLITE_OK && n < SWEEP_BATCH && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(ids[n++], CASE_ID_LEN + 1, "%s", t ? (const char *)t : "");
    }
    sqlite3_reset(st);
    return b == SQLITE_OK && (n == SWEEP_BATCH || r == SQLITE_DONE) ? n : -1;
}

/* Abandons one case; *done is set when it was still open. */
static int sweep_abandon_one(struct db *db, const char *id, bool *done)
{
    enum sweep_stage stage;
    sqlite3_stmt *st;
    char at[32];
    int step = -1, b = SQLITE_OK, r;
    bool changed = false;

    *done = false;
    /* the stage is read before the status changes. A version whose source
     * no longer parses must not stop the sweep (and erasure after it), so
     * such a case is recorded without a step. */
    if (sweep_case_stage(db, id, &stage, &step) != 0)
        step = -1;
    if (!(st = db_stmt(db, sql_abandon)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, SWEEP_IDLE_SECONDS);
    b |= sqlite3_bind_int(st, 3, SWEEP_IDLE_WINDOW_SECONDS);
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
    b |= step >= 0 ? sqlite3_bind_int(st, 3, step) : sqlite3_bind_null(st, 3);
    if (sweep_exec(st, b) != 0)
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
        sweep_exec_id(db, sql_erase_details, id) != 0 || !(st = db_stmt(db, sql_erase_case)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    return sweep_exec(st, b);
}

/* One transaction over at most SWEEP_BATCH cases. erase selects the
 * retention pass, otherwise abandonment. Returns the number of cases
 * selected (SWEEP_BATCH means "there may be more"), or -1. */
static int sweep_batch(struct db *db, bool erase, const struct sweep_cutoff *cut,
                       const char *now, size_t *count)
{
    char ids[SWEEP_BATCH][CASE_ID_LEN + 1];
    int n, i;
    bool done;

    if (db_begin(db) != 0)
        return -1;
    if ((n = sweep_select(db, erase ? sql_due : sql_idle, cut, ids)) < 0)
        goto fail;
    for (i = 0; i < n; i++) {
        if (erase) {
            if (sweep_erase_one(db, ids[i], now) != 0)
                goto fail;
            ++*count;
        } else {
            if (sweep_abandon_one(db, ids[i], &done) != 0)
                goto fail;
            *count += done;
        }
    }
    if (db_commit(db) != 0)
        goto fail;
    return n;
fail:
    db_rollback(db);
    return -1;
}

static int sweep_pass(struct db *db, bool erase, const struct sweep_cutoff *cut,
                      const char *now, size_t *count)
{
    int i, n;

    for (i = 0; i < SWEEP_BATCHES_MAX; i++) {
        if ((n = sweep_batch(db, erase, cut, now, count)) < 0) {
            fprintf(stderr, "spkiosk: sweep: %s failed: %s\n", erase ? "erasing" : "abandoning",
                    sqlite3_errmsg(db_handle(db)));
            return -1;
        }
        if (n < SWEEP_BATCH)
            break;
    }
    return 0;
}

int sweep_run(struct db *db, time_t now, int retention_days, struct sweep_result *res)
{
    struct sweep_cutoff idle, keep;
    char now_iso[32];
    int rc = 0;

    memset(res, 0, sizeof *res);
    if (retention_days < 0 || retention_days > SWEEP_RETENTION_MAX)
        return -1;
    sweep_time_iso(now, now_iso);
    sweep_time_iso(now - SWEEP_IDLE_SECONDS, idle.at);
    sweep_time_iso(now - SWEEP_IDLE_WINDOW_SECONDS, idle.window);
    sweep_time_iso(now - (time_t)retention_days * 86400, keep.at);
    keep.window[0] = '\0';
    /* abandonment first, so that a case idle for long enough is erased in
     * the same run; erasure runs even when abandonment failed */
    if (sweep_pass(db, false, &idle, now_iso, &res->abandoned) != 0)
        rc = -1;
    if (sweep_pass(db, true, &keep, now_iso, &res->erased) != 0)
        rc = -1;
    /* the erased values are zeroed in the file (secure_delete, db.c); older
     * copies of their pages may still sit in the WAL, which a truncating
     * checkpoint empties. Best effort: a busy reader only delays it. */
    if (res->erased)
        (void)sqlite3_wal_checkpoint_v2(db_handle(db), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    return rc;
}

int sweep_poll(struct db *db, int retention_days, long now_ms, long *due_ms)
{
    struct sweep_result res;

    if (*due_ms == 0 || now_ms >= *due_ms) {
        /* counts only: a case id is the key to a resident's case */
        if (sweep_run(db, time(NULL), retention_days, &res) == 0 && (res.abandoned || res.erased))
            fprintf(stderr, "spkiosk: sweep: %zu case(s) abandoned, %zu erased\n", res.abandoned,
                    res.erased);
        *due_ms = now_ms + SWEEP_INTERVAL_MS;
    }
    return (int)(*due_ms - now_ms);
}
