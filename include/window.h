/* window: what staff do with residents' cases at the comprehensive window —
 * the queue, finding a case by its id or today's ticket, calling tickets
 * (叫号), accepting, completing, returning with a reason and the correction
 * notice (补正告知单), marking a no-show — over the cases module's state
 * (schema/002-cases.sql and 004-window.sql).
 *
 * Every move is one BEGIN IMMEDIATE transaction that re-reads the case,
 * checks its status, changes it and adds a case_events row naming the
 * staffer, so two windows acting on one case cannot both win. A move the
 * current status does not allow is 409; nothing is changed then.
 *
 * Moves:  waiting --accept--> accepted --complete--> completed
 *         waiting | accepted --return--> returned (the resident corrects
 *           and submits again: waiting, a new turn in the queue)
 *         waiting --no-show (after a call)--> abandoned (no_show_at set);
 *           accept still works on it when the resident turns up late
 */
#ifndef SPK_WINDOW_H
#define SPK_WINDOW_H

#include <cjson/cJSON.h>

#include "accounts.h"
#include "cases.h"
#include "db.h"

#define WINDOW_TEXT_MAX 500     /* characters of an outcome or a return reason */
#define WINDOW_QUEUE_MAX 500    /* cases per list of a queue answer */
#define WINDOW_EVENTS_MAX 1000  /* events shown in the case view (the first ones) */
#define WINDOW_FLAGS_MAX 400    /* fields + checklist items a return may flag */

/* The window's own columns of a case (schema 004); "" when unset. */
struct window_info {
    char submitted_at[32];
    char created_by[ACCOUNTS_NAME_MAX + 1];
    char called_at[32];
    char called_by[ACCOUNTS_NAME_MAX + 1];
    int calls;
    char accepted_at[32];
    char accepted_by[ACCOUNTS_NAME_MAX + 1];
    char completed_at[32];
    char completed_by[ACCOUNTS_NAME_MAX + 1];
    char returned_at[32];
    char returned_by[ACCOUNTS_NAME_MAX + 1];
    char no_show_at[32];
    char *outcome;              /* owned or NULL */
    bool erased;                /* personal data erased by retention (sweep) */
};

/* Reads case id's window columns into wi (freed with window_info_free in
 * every case). Returns 0, 1 when there is no such case, -1 on error. */
int window_info_load(struct db *db, const char *id, struct window_info *wi);
void window_info_free(struct window_info *wi);

/* GET /api/v1/staff/queue: {"now","total","queue":[entry…],
 * "in_progress":[entry…],"filling":[entry…]}, waiting cases oldest first
 * (by submission), accepted ones by acceptance, and open cases a staffer
 * started at the window (created_by set) touched within a day; at most
 * WINDOW_QUEUE_MAX each, `total` counting all waiting. A case whose pinned
 * version no longer parses is left out (logged by procedure and version). An entry is {"id","ticket","procedure","title",
 * "status","channel","submitted_at","called_at","called_by","calls",
 * "accepted_at","accepted_by","ids":[{"label","value"}]}, ID numbers
 * masked to their last 4 characters. Returns 0 and *out (caller frees) or
 * -1. */
int window_queue_json(struct db *db, char **out);

/* Resolves what a staffer typed or scanned: a case id (32 hex digits) or
 * a ticket of today (`A017`, any case). Returns 0 with the id in id_out,
 * 1 with e set (404 unknown_case), -1 on error. */
int window_resolve(struct db *db, const char *key, char id_out[CASE_ID_LEN + 1],
                   struct refusal *e);

/* A case id (32 hex digits, either case) in lower case, as stored, for
 * the moves' paths. Returns 0 with it in id_out, or 1 with e set (404
 * unknown_case) for anything else; the case itself is not looked up. */
int window_case_id(const char *key, char id_out[CASE_ID_LEN + 1], struct refusal *e);

/* GET /api/v1/staff/cases/{id-or-ticket} for a resolved id: the whole
 * case with every value in full (the one place ID numbers are not masked),
 * what was ticked and what is missing, the pinned version's steps with
 * their staff guidance, the window columns and the event history (see
 * docs/http-api.md). Returns 0 and *out (caller frees), 1 with e, -1. */
int window_case_json(struct db *db, const char *id, char **out, struct refusal *e);

/* The moves. user is the staffer (req->user, whom the guard admitted). Returns
 * 0, 1 with e set (404 unknown case, 409 status, 422 bad text), or -1. */
int window_accept(struct db *db, const char *id, const char *user, struct refusal *e);
int window_complete(struct db *db, const char *id, const char *user, const char *outcome,
                    struct refusal *e);

/* Returns a case to the resident with reason (required, at most
 * WINDOW_TEXT_MAX characters) and, optionally, exactly what is missing or
 * wrong: fields, an array of field keys, and checklist, an array of item
 * ids, of the pinned version that apply to the case's answers (NULL for
 * none; others are 422 bad_flag). The steps holding a flagged part are
 * reopened, so the kiosk walks the resident back to them before the case
 * can be submitted again. */
int window_return(struct db *db, const char *id, const char *user, const char *reason,
                  const cJSON *fields, const cJSON *checklist, struct refusal *e);

/* 叫号: calls the oldest waiting case not called yet. Returns 0 with its id
 * in id_out, 1 with e (409 queue_empty), -1. */
int window_call_next(struct db *db, const char *user, char id_out[CASE_ID_LEN + 1],
                     struct refusal *e);
/* Calls a waiting case (again): calls + 1, called_at now. */
int window_call(struct db *db, const char *id, const char *user, struct refusal *e);
/* A called waiting case whose resident did not come: abandoned, out of the
 * queue, with a no_show event. 409 not_called before any call. */
int window_no_show(struct db *db, const char *id, const char *user, struct refusal *e);

/* The queue entry of one case (see window_queue_json), for the answers of
 * the call routes. Returns 0 and *out (caller frees), 1 with e, -1. */
int window_entry_json(struct db *db, const char *id, char **out, struct refusal *e);

/* The printable correction notice (补正告知单) of a returned case: ticket,
 * procedure, date and staffer of the return, the reason, and everything
 * flagged or missing at once by label (never a value), with the
 * procedure's contact details and the case's QR code. Returns 0 and *out
 * (caller frees), 1 with e (404, 409 not_returned), -1. */
int window_correction_html(struct db *db, const char *id, char **out, struct refusal *e);

#endif
