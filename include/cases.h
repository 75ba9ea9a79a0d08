/* cases: a resident's walk through one procedure version — conditions,
 * steps with their answers, a rating — kept in SQLite
 * (schema/002-cases.sql), and the one reader of a case's row. Handing the
 * case in (a ticket, a turn in the queue) and everything after it are the
 * window's moves (window.h); how a case is shown is case_view.h.
 *
 * Every operation that changes a case runs in one BEGIN IMMEDIATE
 * transaction on the calling thread's connection and re-reads the case
 * inside it, so two requests on one case cannot interleave. A rejected step
 * stores nothing but an event.
 */
#ifndef SPK_CASES_H
#define SPK_CASES_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "models.h"
#include "procedure.h"
#include "refusal.h"

#define CASE_ID_LEN 32
#define CASE_COMMENT_MAX 500    /* characters of a rating's comment */
#define CASE_USER_MAX 32        /* a staffer's name (accounts: [a-z0-9._-], 32 at most) */
#define CASE_TIME_LEN 32        /* a stored UTC time, as clock.h writes it */

struct case_value {
    char key[MARKER_KEY_MAX + 1];
    int step;
    char *value;                /* owned, normalised */
};

struct case_tick {
    char item[MARKER_KEY_MAX + 1];
    int step;
};

/* The window's columns of the case (schema 004), "" when unset. Only the
 * window's moves (window.c) write them; cases_load reads them with the
 * rest of the row. */
struct case_window {
    char submitted_at[CASE_TIME_LEN];
    char created_by[CASE_USER_MAX + 1];
    char called_at[CASE_TIME_LEN];
    char called_by[CASE_USER_MAX + 1];
    int calls;
    char accepted_at[CASE_TIME_LEN];
    char accepted_by[CASE_USER_MAX + 1];
    char completed_at[CASE_TIME_LEN];
    char completed_by[CASE_USER_MAX + 1];
    char returned_at[CASE_TIME_LEN];
    char returned_by[CASE_USER_MAX + 1];
    char no_show_at[CASE_TIME_LEN];
    char *outcome;              /* owned or NULL */
    /* a web case's invitation to the hall (网上预审, schema/011-prereview.sql) */
    char invite_date[11];       /* local YYYY-MM-DD, "" when none */
    char *invite_note;          /* owned or NULL */
    char invited_at[CASE_TIME_LEN];
    char invited_by[CASE_USER_MAX + 1];
    /* the window of the ticket's last call as the call screen keeps it
     * (schema/006-calls.sql: today's newest 50): "" for no call, a call
     * without a window, or one no longer kept */
    char called_window[32];
    /* the staffer who handed the waiting case in at their own desk
     * (schema/040-handed-in-by.sql): call-next passes it over */
    char handed_in_by[CASE_USER_MAX + 1];
    /* the ticket's last call was a transfer (…/transfer, 转窗): called_by
     * sent the resident to called_window and is not the one who waits
     * for them there */
    bool transferred;
};

/* The case after the window (schema/014-relay.sql), "" / -1 when unset.
 * Only relay.c writes them (the visit columns: the visit module). */
struct case_relay {
    int stage;                  /* index of the current stage, -1 before acceptance */
    char owner[CASE_USER_MAX + 1];
    char due[11];               /* committed local YYYY-MM-DD of the chain */
    char paused_on[11];         /* local date returned while accepted */
    char *rejected_reason;      /* owned or NULL */
    char rejected_at[CASE_TIME_LEN];
    char rejected_by[CASE_USER_MAX + 1];
    char ready_at[CASE_TIME_LEN];
    char handed_at[CASE_TIME_LEN];
    char handed_by[CASE_USER_MAX + 1];
    char visit_date[11];        /* a home visit asked for (status visit) */
    char visit_slot[16];        /* 上午 or 下午 */
    char *visit_address;        /* owned or NULL */
    char *visit_phone;          /* owned or NULL */
    /* returned, with a home visit booked since its last return
     * (visit_book): the visit columns are that booking's */
    bool visit_booked;
    /* the current stage's row (case_stages), when stage >= 0 and it has one */
    char stage_key[33];
    char *stage_label;          /* owned or NULL */
    char stage_due[11];
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
    char *missing_items;        /* owned JSON [item id…]: handed in without them (材料不全), or NULL */
    char ticket_day[11];        /* local YYYY-MM-DD of the ticket, "" before one */
    char created_at[CASE_TIME_LEN];
    /* the last activity (cases_event_add), from which the sweep counts
     * when it gives a case handed in up (sweep.h) */
    char updated_at[CASE_TIME_LEN];
    int rating;                 /* 1..5, 0 when not rated */
    int walk_events;            /* the public's walkthrough moves counted (schema/035) */
    bool erased;                /* what was typed erased by retention (sweep) */
    struct case_window w;
    struct case_relay r;
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
 * window, or NULL for a resident; outside: the resident is outside the
 * hall's network (quota_side_of), kept with the case. open_max > 0: the
 * public's open cases of the same side (cases_open_count) are counted in
 * the same transaction, so that concurrent starts cannot pass the cap
 * together. Returns 0 with the new id in id_out, 1 with e set (policy
 * document, bad channel), 2 when open_max cases of that side are open
 * already (nothing made), -1 on a database error. */
int cases_create(struct db *db, const char *procedure, const char *hash, const char *channel,
                 const char *user, long long open_max, bool outside,
                 char id_out[CASE_ID_LEN + 1], struct refusal *e);

/* How many cases residents started (no staffer) from the hall's network
 * (outside false) or from outside it are still open, being filled in, into
 * *n (0 on error): what `serve --open-cases-max` caps for each side
 * (quota.h). Returns 0, or -1 on a database error. */
int cases_open_count(struct db *db, bool outside, long long *n);

/* Reads case id into cs (which the caller frees with cases_state_free in
 * every case). Returns 0, 1 with e set (unknown case), -1 on error. */
int cases_load(struct db *db, const char *id, struct case_state *cs, struct refusal *e);

/* Opens a BEGIN IMMEDIATE transaction and reads the case inside it, so
 * that what the caller decides from cs cannot be raced. On 0 the caller
 * ends with db_commit or db_rollback; on 1 or -1 the transaction is
 * already rolled back. cs is freed by the caller in every case. */
int cases_begin(struct db *db, const char *id, struct case_state *cs, struct refusal *e);

/* The public's own moves recorded per case (conditions answered, a step
 * sent, either of them refused; a staffer's are always recorded): a real
 * resident makes tens; past this the answers are still kept and the case
 * still touched, but no row is added (a review repeated a refused step 36,000 times in 10 s, 32 MB
 * of events that nothing deletes). */
#define CASES_WALK_EVENTS_MAX 200

/* Adds a row to case_events, now: what happened, by which channel, by
 * which staffer (user, NULL for a resident), at which step (< 0 for none),
 * with detail (NULL, or text that is never a field value). Also touches
 * the case's updated_at and marks it as needing erasure (new activity may
 * bring new personal data, so retention applies again: sweep.h). Call
 * inside the change's transaction. 0 or -1. */
int cases_event_add(struct db *db, const char *id, const char *what, const char *channel,
                    const char *user, int step, const char *detail);

/* Adds a row to case_events as cases_event_add does, but no activity: the
 * case's updated_at stays, so the sweep's period (a return's correct_by, a
 * no-show's retention) does not start again; marked as needing erasure, as
 * detail may hold what a staffer wrote. For what happened around a case
 * rather than to it (a reminder call: corrections_remind). Call inside the
 * change's transaction. 0 or -1. */
int cases_event_note(struct db *db, const char *id, const char *what, const char *channel,
                     const char *user, const char *detail);

/* The list of missing papers (所缺材料清单) was printed for case id before
 * a number: the sheet tells the resident to come back with the papers and
 * scan it to go on, the answers kept. An open case gets a `kept_open`
 * event once (later prints add nothing), after which the sweep gives it
 * the retention period of a handed-in case instead of the hour of an idle
 * kiosk case (sweep.c). Any other status: nothing. kept_max (0: no limit)
 * bounds the public's open cases of one side (the case's `outside`) that
 * are kept so: kept cases count against the open cases' cap, and sheets
 * printed in a loop must not fill it for a month. Returns 0 (kept, or
 * nothing to keep), 1 when kept_max are kept already (nothing written: the
 * case keeps the idle hour), -1 on error. */
int cases_keep_open(struct db *db, const char *id, long long kept_max);

/* Confirms the eligibility conditions; confirmed[i] for condition i.
 * Returns 0 when all are confirmed; 1 with e set, and *unmet (caller frees)
 * listing the indexes not confirmed, otherwise; -1 on error. */
int cases_confirm(struct db *db, const char *id, const bool *confirmed, size_t n, const char *user,
                  size_t **unmet, size_t *n_unmet, struct refusal *e);

/* One answer to a field or a checklist item of a step, as the request
 * carried it. */
struct case_input {
    const char *key;            /* field key or item id */
    enum {
        CASE_INPUT_NONE,        /* given as empty (JSON null): unanswered */
        CASE_INPUT_TEXT,        /* text: as typed */
        CASE_INPUT_YES,         /* a yes/no answered as a boolean */
        CASE_INPUT_NO,
        CASE_INPUT_NUMBER,      /* a number sent as a number: text holds it written out */
        CASE_INPUT_OTHER,       /* anything else: refused as bad_type */
    } kind;
    const char *text;           /* TEXT and NUMBER */
};

/* A step's answers: the first entry of a key counts, a key not among them
 * is unanswered; an item is ticked when its entry is CASE_INPUT_YES. */
struct case_answers {
    const struct case_input *fields;
    size_t n_fields;
    const struct case_input *checklist;
    size_t n_checklist;
};

/* A field whose answer was refused. */
struct case_field_error {
    char key[MARKER_KEY_MAX + 1];
    const char *code;           /* static */
    char *message;              /* owned */
};

/* Validation failures of a step: every failing field and every required
 * item not ticked, in the procedure's order. */
struct case_rejection {
    struct case_field_error *fields;    /* owned, n_fields */
    size_t n_fields;
    char (*items)[sizeof ((struct proc_item *)0)->id];   /* owned, n_items ids */
    size_t n_items;
};

/* Submits step n's answers. Returns 0 when accepted; 1 with e set and,
 * when the answers failed validation, rej filled (n_fields + n_items > 0;
 * caller frees with cases_rejection_free in every case); -1 on error.
 * today is YYYYMMDD. user (here and in cases_confirm) is the staffer
 * filling the case in at the window, recorded in the event, or NULL for a
 * resident. after, when not NULL: on 0, the case as the step left it when
 * that is known without reading it again (after->model set), else zeroed
 * (the step dropped answers that no longer apply: the caller reads the
 * case, cases_load); zeroed on any other result. The caller frees it with
 * cases_state_free in every case. */
int cases_step(struct db *db, const char *id, size_t n, const struct case_answers *in,
               int today, const char *user, struct case_rejection *rej, struct refusal *e,
               struct case_state *after);

/* Step n's answers when the resident hands the case in without every
 * required paper (window_submit_missing): call inside the transaction
 * cases_begin opened on cs; it neither commits nor rolls back. The step
 * must be one cases_step would take now, its fields all valid and at
 * least one required item that applies not ticked. Then the answers are
 * stored as a good step's are, the step stays not done (the resident
 * comes back to it), a step_incomplete event is added, and 0 is returned
 * with rej->items listing the items not ticked (rej->n_fields 0). Returns
 * 1 with e set: the step cannot be answered now (as cases_step), a field
 * failed (validation_failed, rej filled as by cases_step), no required
 * item missing (nothing_missing, invalid); -1 on error. Caller frees rej
 * with cases_rejection_free in every case. */
int cases_step_missing(struct db *db, struct case_state *cs, size_t n,
                       const struct case_answers *in, int today, const char *user,
                       struct case_rejection *rej, struct refusal *e);

/* A staffer changed the ticks of step j of case id (a paper owed since
 * 容缺受理 recorded as brought, or that record withdrawn: window.h),
 * inside the caller's open transaction: the step is read again and is
 * done exactly when it applies and holds everything it requires, as a
 * step the resident sends is (before, the hand-in step of a case handed
 * in 材料不全 stayed not done for good once its papers came, and the
 * resident's case said so). Neither commits nor rolls back. 0, or -1 (the
 * caller rolls back). */
int cases_step_settle(struct db *db, const char *id, size_t j);

/* The checks cases_step makes of step n's answers, without a database and
 * without asking whether the step may be answered now (the caller knows):
 * every field that applies to cs is validated (fields with same_as last,
 * against the others' normalised values), every required item that
 * applies must be ticked. cs needs only model, values, ticks, done and
 * applicable (cases_evaluate). Returns 0 with *normalised (one entry per
 * field of the step, NULL where no value; free it with
 * cases_normalised_free) and rej holding every failure in the procedure's
 * order (empty when the answers are good; caller frees it with
 * cases_rejection_free), -1 when memory ran out (both still to be
 * freed). The practice mode proves its scenarios with it (practice.h). */
int cases_step_validate(const struct case_state *cs, size_t n, const struct case_answers *in,
                        int today, char ***normalised, struct case_rejection *rej);

/* Frees the n normalised values from cases_step_validate and the array. */
void cases_normalised_free(char **normalised, size_t n);

/* Works out from cs's values which steps of cs->model apply
 * (cs->applicable, one per step) and which is next (cs->step, the first
 * applicable step not done, or n_steps). cs->done must have an entry per
 * step. */
void cases_evaluate(struct case_state *cs);

/* What went wrong, asked of a rating of 1 or 2 ("哪里没做好?"): the codes
 * a request names, in the order they are stored; a set of them is a mask,
 * bit i for CASES_RATE_REASONS[i]. wait 等候时间长, attitude 态度不好,
 * unclear 没有一次说清, materials 材料要求多, other 其他. */
#define CASES_RATE_REASONS_N 5
extern const char *const CASES_RATE_REASONS[CASES_RATE_REASONS_N];

/* The index of code in CASES_RATE_REASONS, or -1. */
int cases_rate_reason(const char *code);

/* Checks a rating before any read: score 1..5, comment (NULL: none) of the
 * text policy and at most CASE_COMMENT_MAX characters, reasons only with a
 * score of 1 or 2. Returns 0, or 1 with e set (invalid). */
int cases_rate_check(int score, const char *comment, unsigned reasons, struct refusal *e);

/* Records a rating checked by cases_rate_check inside the caller's open
 * write transaction (which the caller commits, or rolls back on any
 * result but 0): once per case, whatever its status. staff (NULL or ""
 * for none): the staff or admin session the request carried, stored to
 * keep the rating apart from the satisfaction figures (schema/043), as is
 * whether the case had been handed in. Returns 0, 1 with e set (unknown
 * case, already rated), -1 on error. */
int cases_rate_locked(struct db *db, const char *id, int score, const char *comment,
                      unsigned reasons, const char *staff, struct refusal *e);

/* Records the resident's rating (score 1..5, comment may be NULL, reasons
 * a mask as above), once per case, whatever its status: the check and
 * cases_rate_locked in a transaction of its own. Returns 0, 1 with e set,
 * -1 on error. */
int cases_rate(struct db *db, const char *id, int score, const char *comment, unsigned reasons,
               struct refusal *e);

/* cases_rate for a request that carried the cookie of staff's live session
 * (NULL or "": none): the rating is recorded all the same, marked as the
 * staffer's (cases_rate_locked). */
int cases_rate_by(struct db *db, const char *id, int score, const char *comment,
                  unsigned reasons, const char *staff, struct refusal *e);

/* The effective (applicable, accepted) value of key, or NULL. */
const char *cases_value(const struct case_state *cs, const char *key);

/* Whether item it of step applies to the case (its step applies and its
 * own condition holds). */
bool cases_item_applies(const struct case_state *cs, size_t step, const struct proc_item *it);

/* Whether field f of step applies to the case (its step applies and its
 * own condition holds). */
bool cases_field_applies(const struct case_state *cs, size_t step, const struct field *f);

/* Whether the case's accepted answers tick item. */
bool cases_ticked(const struct case_state *cs, const char *item);

/* Whether an item's or field's own condition holds for the case. */
bool cases_cond_holds(const struct case_state *cs, const struct cond *c);

/* Whether the case holds a ticket drawn today (the hall's local date).
 * Tickets are numbered afresh each day, so an earlier day's ticket is out
 * of the queue: never called, never counted as waiting (window.h). */
bool cases_ticket_of_today(const struct case_state *cs);

void cases_rejection_free(struct case_rejection *rej);
void cases_state_free(struct case_state *cs);

#endif
