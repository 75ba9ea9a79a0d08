/* cases: a resident's walk through one procedure version — conditions,
 * steps with their answers, submission with a ticket, a rating — kept in
 * SQLite (schema/002-cases.sql).
 *
 * Every operation that changes a case runs in one BEGIN IMMEDIATE
 * transaction on the calling thread's connection and re-reads the case
 * inside it, so two requests on one case cannot interleave. A rejected step
 * stores nothing but an event.
 */
#ifndef SPK_CASES_H
#define SPK_CASES_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "models.h"
#include "procedure.h"
#include "refusal.h"

#define CASE_ID_LEN 32
#define CASE_COMMENT_MAX 500    /* characters of a rating's comment */

struct case_value {
    char key[MARKER_KEY_MAX + 1];
    int step;
    char *value;                /* owned, normalised */
};

struct case_tick {
    char item[24];
    int step;
};

/* A case as read from the database, with its pinned model and what applies. */
struct case_state {
    char id[CASE_ID_LEN + 1];
    char procedure[PROCEDURE_ID_MAX + 1];
    char hash[65];
    char channel[8];
    char status[12];
    bool conditions_confirmed;
    char *ticket;               /* owned or NULL */
    char *returned_reason;      /* owned or NULL */
    char *returned_items;       /* owned JSON {"fields":[…],"checklist":[…]} or NULL */
    char ticket_day[11];        /* local YYYY-MM-DD of the ticket, "" before one */
    char created_at[32];
    int rating;                 /* 1..5, 0 when not rated */
    struct case_value *values;  /* owned */
    size_t n_values;
    struct case_tick *ticks;    /* owned */
    size_t n_ticks;
    bool *done;                 /* owned, one per step */
    bool *applicable;           /* owned, one per step */
    size_t step;                /* first applicable step not done, or n_steps */
    const struct procedure *model;
    struct model_ref *ref;
};

/* Starts a case on the live version (id, hash) of a procedure for channel
 * ("kiosk", "window", "web"); user is the staffer who started it at the
 * window, or NULL for a resident. Returns 0 with the new id in id_out, 1
 * with e set (policy document, bad channel), -1 on a database error. */
int cases_create(struct db *db, const char *procedure, const char *hash, const char *channel,
                 const char *user, char id_out[CASE_ID_LEN + 1], struct refusal *e);

/* Reads case id into cs (which the caller frees with cases_state_free in
 * every case). Returns 0, 1 with e set (unknown case), -1 on error. */
int cases_load(struct db *db, const char *id, struct case_state *cs, struct refusal *e);

/* Opens a BEGIN IMMEDIATE transaction and reads the case inside it, so
 * that what the caller decides from cs cannot be raced. On 0 the caller
 * ends with db_commit or db_rollback; on 1 or -1 the transaction is
 * already rolled back. cs is freed by the caller in every case. */
int cases_begin(struct db *db, const char *id, struct case_state *cs, struct refusal *e);

/* Adds a row to case_events, now: what happened, by which channel, by
 * which staffer (user, NULL for a resident), at which step (< 0 for none),
 * with detail (NULL, or text that is never a field value). Also touches
 * the case's updated_at and marks it as needing erasure (new activity may
 * bring new personal data, so retention applies again: sweep.h). Call
 * inside the change's transaction. 0 or -1. */
int cases_event_add(struct db *db, const char *id, const char *what, const char *channel,
                    const char *user, int step, const char *detail);

/* Confirms the eligibility conditions; confirmed[i] for condition i.
 * Returns 0 when all are confirmed; 1 with e set, and *unmet (caller frees)
 * listing the indexes not confirmed, otherwise; -1 on error. */
int cases_confirm(struct db *db, const char *id, const bool *confirmed, size_t n, const char *user,
                  size_t **unmet, size_t *n_unmet, struct refusal *e);

/* Validation failures of a step, as the API reports them. */
struct case_rejection {
    cJSON *fields;              /* key -> message */
    cJSON *codes;               /* key -> code */
    cJSON *checklist;           /* [item ids] */
    size_t count;
};

/* Submits step n: body is {"checklist":{...},"fields":{...}} (either part
 * may be absent). Returns 0 when accepted; 1 with e set and, when the
 * answers failed validation, rej filled (caller frees with
 * cases_rejection_free); -1 on error. today is YYYYMMDD. user (here and in
 * cases_confirm and cases_submit) is the staffer filling the case in at
 * the window, recorded in the event, or NULL for a resident. */
int cases_step(struct db *db, const char *id, size_t n, const cJSON *body, int today,
               const char *user, struct case_rejection *rej, struct refusal *e);

/* Hands the case to the window: status waiting and a ticket, a new turn
 * in the queue (not called). A returned case submitted again keeps its
 * ticket on the day it was drawn and draws a new one on a later day.
 * Returns 0 and *ticket (caller frees), 1 with e set, -1 on error. */
int cases_submit(struct db *db, const char *id, const char *user, char **ticket,
                 struct refusal *e);

/* Records the resident's rating (score 1..5, comment may be NULL), once per
 * case, whatever its status. Returns 0, 1 with e set, -1 on error. */
int cases_rate(struct db *db, const char *id, int score, const char *comment,
               struct refusal *e);

#define CASES_ID_MASKED_MAX 32

/* v with all but its last 4 characters replaced by '*' (a value of 4 or
 * fewer characters is left as it is), in out. Returns out. */
const char *cases_mask_id(const char *v, char out[CASES_ID_MASKED_MAX]);

/* The case as GET /api/v1/cases/{id} answers it, ID numbers (cn_id) masked
 * to their last 4 characters; NULL when memory runs out. Caller frees. */
char *cases_json(const struct case_state *cs);

/* Adds "returned_items" (the object a return stored, or null) to root.
 * 0 or -1 when memory runs out. */
int cases_add_returned_items(cJSON *root, const struct case_state *cs);

/* {"step","applicable","done"}: what a step submission answers. NULL when
 * memory runs out. Caller frees. */
char *cases_progress_json(const struct case_state *cs);

/* Adds "values" {KEY: value} (the effective accepted answers) and
 * "checklist" {ITEM_ID: true} (ticked items that apply) to root, in the
 * shape of GET /api/v1/cases/{id}; cn_id values masked to their last 4
 * when mask_ids. Returns 0 or -1 (memory). */
int cases_add_answers(cJSON *root, const struct case_state *cs, bool mask_ids);

/* The printable slip of GET /print/cases/{id}; NULL on error. Caller frees. */
char *cases_slip_html(const struct case_state *cs);

/* The effective (applicable, accepted) value of key, or NULL. */
const char *cases_value(const struct case_state *cs, const char *key);

/* Whether item it of step applies to the case (its step applies and its
 * own condition holds). */
bool cases_item_applies(const struct case_state *cs, size_t step, const struct proc_item *it);

/* Whether the case's accepted answers tick item. */
bool cases_ticked(const struct case_state *cs, const char *item);

/* Whether an item's or field's own condition holds for the case. */
bool cases_cond_holds(const struct case_state *cs, const struct cond *c);

void cases_rejection_free(struct case_rejection *rej);
void cases_state_free(struct case_state *cs);

#endif
