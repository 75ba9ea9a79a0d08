/* relay: a case's life after the window accepts it (一窗受理 … 一窗取件): its
 * walk along the pinned procedure's review chain, one stage at a time, each
 * with a due date in working days (workdays.h), passed by the staff of the
 * stage's post (前后台接力), owned by whoever answers for it (首问负责),
 * ending as completed, as ready to be handed out (待领取) or rejected
 * (不予办理). The only writer of the chain's columns of a case and of
 * case_stages (schema/014-relay.sql).
 *
 * Moves (each one BEGIN IMMEDIATE transaction with an event, re-reading
 * the case; a status that does not allow it is REFUSAL_CONFLICT and
 * changes nothing):
 *   waiting | invited | visit --accept--> accepted (stage 0, or the stage
 *     a return left, resumed with the days it had left)
 *   accepted --pass--> accepted (the next stage)       409 at the last
 *   accepted --complete--> ready (pickup: yes) | completed   409 before the last
 *   ready --handout--> completed
 *   accepted --reject--> rejected
 *   accepted | ready | returned (with a stage) --assign--> (owner)
 *   accepted --return (window.h)--> returned: the clock stops (paused_on)
 *
 * Dates are local YYYYMMDD ints as workdays.h counts them; "today" and the
 * calendar (NULL: weekends rest) come from the caller, so the moves are
 * testable at any date.
 */
#ifndef SPK_RELAY_H
#define SPK_RELAY_H

#include <stdbool.h>

#include "cases.h"
#include "db.h"
#include "refusal.h"
#include "workdays.h"

#define RELAY_NOTE_MAX 500      /* characters of a pass note */
#define RELAY_WORK_MAX 500      /* cases in one answer of the work list */

/* Inside the caller's open transaction, with cs read by cases_begin and
 * its status already checked by the caller: the case becomes accepted
 * (accepted_at/by now, user), its chain begun at the first acceptance
 * (every stage's row, stage 0 due from today, the chain's due, owner
 * user) or resumed (the stage a return left, due after the working days it
 * had left when returned; later stages projected again; the chain's due
 * moved on by the working days spent returned; the owner stays unless
 * take_over, which makes user the owner: a home visit), and an `accepted`
 * event with channel and detail (NULL or "visit"). Does not commit.
 * Returns 0 or -1 (the caller rolls back). */
int relay_accept_locked(struct db *db, const struct case_state *cs, const char *user,
                        const char *channel, const char *detail, bool take_over,
                        const struct workdays *cal, int today);

/* Dates counted into a year the hall's calendar had no dates of (every
 * stage's due, the committed date, an open call-back's due keep the day
 * after which they were counted by weekends alone: workdays_gap_from) are
 * counted again once cal lists that year, never earlier: a stage from its
 * gap (workdays_recount), the stages after the current one projected again
 * from it, the committed date from the case's events as relay_accept_locked
 * counted it (the chain's days from the first acceptance, then the working
 * days spent returned at each resumption). A case still in hand (accepted,
 * returned, ready) whose committed date moved gets a `due_moved` event
 * ("OLD → NEW", channel "calendar") that does not restart its retention;
 * a closed case's dates are counted again for the figures only. Once per
 * database (calendar_backfill, schema 034), dates an earlier build stored
 * without their gap are marked first: those in a year cal lacks now.
 * Batches of 256 rows, each its own BEGIN IMMEDIATE transaction. Nothing to
 * do without a calendar (cal NULL). *moved: the cases whose committed date
 * moved. Returns 0, or -1 (what was committed stays; the next call goes
 * on). */
int relay_recount(struct db *db, const struct workdays *cal, int today, int *moved);

/* The dates a case back from the resident (paused_on, its committed
 * due, its current stage) would run to if accepted again on day: its
 * stage's due (*stage_due) and the committed date (*committed), moved on
 * by the working days it spent returned up to its hand-in
 * (relay_accept_locked's resumption). For a corrected case waiting for the
 * hall: from its hand-in the clock is the hall's again, so it can be
 * overdue before it is taken up (the day's report). Both 0 when the
 * dates are unknown. 0, or -1 on a database error. */
int relay_resume_dates(struct db *db, const char *id, int stage, const char *paused_on,
                       const char *due, const struct workdays *cal, int day, int *stage_due,
                       int *committed);

/* The dates a corrected case waiting for the hall resumes to. */
struct relay_resumed {
    int stage_due;  /* its current stage's (YYYYMMDD) */
    int committed;  /* the committed date, moved on by the days spent returned */
    int from, days; /* its stage counts days working days from from (its return) */
};

/* Whether cs is a corrected case waiting for the hall (waiting, prereview,
 * invited or visit; returned while accepted, paused_on, and handed in
 * again since its last return): then 1 with *out the dates it would
 * resume to if accepted on today, as relay_resume_dates counts them (the
 * day's report counts it overdue by them), under cal (NULL: weekends
 * alone). 0 (*out zeroed) for any other case, for unknown dates and for
 * today 0; -1 on a database error. */
int relay_resumed_get(struct db *db, const struct case_state *cs, const struct workdays *cal,
                      int today, struct relay_resumed *out);

/* Adds "resume" to the object out: null, or for a corrected case waiting
 * for the hall (relay_resumed_get) {"stage_due","committed","overdue",
 * "late"}: the dates it resumes to, overdue when either is before today
 * (as the day's report counts it), late when the committed date is. 0 or
 * -1. */
int relay_resume_json(struct db *db, const struct case_state *cs, const struct workdays *cal,
                      int today, void *out /* cJSON * */);

/* Whether stage (the key of the stage the staffer saw; NULL: not said) is
 * no longer the case's current stage: a colleague passed it meanwhile. A
 * case with no current stage has not moved. */
bool relay_stage_moved(const struct case_state *cs, const char *stage);

/* Inside the caller's open transaction: an accepted case goes back to the
 * resident, so its clock stops from today (paused_on) until it is
 * accepted again. A case with no chain yet is left alone. 0 or -1. */
int relay_pause_locked(struct db *db, const struct case_state *cs, int today);

/* The current stage is done by user today, with note (NULL or blank:
 * none; else 1..RELAY_NOTE_MAX characters of the text policy, refused
 * note_too_long / bad_text); the next begins with its own due date. stage:
 * the key of the stage the staffer saw (NULL: whichever is current), so
 * two staffers passing one stage cannot both move the case on (refused
 * stage_moved). Refusals: unknown_case, not_accepted, last_stage (use
 * complete), no_chain (accepted before chains existed). 0, 1 with e, -1. */
int relay_pass(struct db *db, const char *id, const char *user, const char *note,
               const char *stage, const struct workdays *cal, int today, struct refusal *e);

/* At the last stage (or a case with no chain rows): the stage is done;
 * an item with pickup → ready (待领取) with a NOTIFY_READY notice queued,
 * else → completed. outcome as window_complete's (required). window: the
 * staffer's window (display_window_check; NULL or "": none); on completed
 * with one, that window's evaluator is offered the rating; on completed
 * the item's call-back is opened (followup_open_locked). Refusals:
 * outcome_required, outcome_too_long, bad_text, bad_window, unknown_case,
 * not_accepted, not_last_stage. 0, 1 with e, -1. */
int relay_complete(struct db *db, const char *id, const char *user, const char *outcome,
                   const char *window, const struct workdays *cal, int today,
                   struct refusal *e);

/* ready → completed (已领取), handed_at/by; the evaluator of window (as
 * above) is offered the rating, and the item's call-back opened. Refusals: bad_window, unknown_case,
 * not_ready. 0, 1 with e, -1. */
int relay_handout(struct db *db, const char *id, const char *user, const char *window,
                  const struct workdays *cal, int today, struct refusal *e);

/* accepted → rejected (不予办理) with reason (as a return's: required,
 * 1..500 characters), a NOTIFY_REJECTED notice queued; with a window (as
 * complete's), that window's evaluator is offered the rating: a refused
 * resident, the likeliest to complain, is at the window too. stage (NULL:
 * not said) is the key of the stage the staffer saw, as relay_pass's: when
 * the case has moved on since, stage_moved. Refusals: reason_required,
 * reason_too_long, bad_text, bad_window, unknown_case, not_accepted,
 * stage_moved. 0, 1 with e, -1. */
int relay_reject(struct db *db, const char *id, const char *user, const char *reason,
                 const char *window, const char *stage, struct refusal *e);

/* 不予受理 at intake: a case waiting for the window (waiting, prereview,
 * invited, or abandoned as a no-show who came after all) → rejected with
 * reason, as relay_reject (reason and window checked the same, the
 * resident told: NOTIFY_REFUSED, or NOTIFY_REJECTED for a case accepted
 * once before), a `refused` event whose detail is the reason; a resident
 * at the window (not pre-review) is offered the rating there, and the call
 * screen is woken. Refusals: reason_required, reason_too_long, bad_text,
 * bad_window, unknown_case, not_at_intake. 0, 1 with e, -1. */
int relay_intake_refuse(struct db *db, const char *id, const char *user, const char *reason,
                        const char *window, struct refusal *e);

/* Whether cs was refused without ever being accepted (不予受理): rejected
 * with no stage begun. A case accepted once keeps its stage through a
 * return, so its refusal is 不予办理. */
bool relay_refused(const struct case_state *cs);

/* The case's owner becomes to, an enabled staff or admin user (refused
 * unknown_user, 422; user_required when to is NULL or empty). Only a case with a chain that is still the hall's:
 * accepted, ready or returned (not_assignable otherwise). An `assigned`
 * event whose detail is to. 0, 1 with e, -1. */
/* seen, when not NULL, is the owner the staffer's page showed: when the
 * case has another owner now (a colleague handed it on meanwhile), 1 with
 * owner_moved (409) and nothing changes, so that of two hand-overs made
 * from one view only the first is kept and the second is told. */
int relay_assign(struct db *db, const char *id, const char *user, const char *to, const char *seen,
                 struct refusal *e);

/* Adds what staff see of the chain to the case object o: "stage" (index
 * or null), "owner" (or null), "due" (the chain's, or null), "overdue",
 * "late", "resume" (relay_resume_json) and "stages":[{"key","label",
 * "post","days","due","done_at","by","note","begun_on"}] — the case's rows
 * once accepted, else the pinned version's stages with null dates. A
 * corrected case waiting for the hall shows the dates it resumes to
 * (relay_resumed_get, under cal): "due", its stage's and the later ones',
 * with overdue and late by them. today 0: the stored dates alone (a
 * receipt), nothing overdue. 0 or -1. */
int relay_staff_json(struct db *db, const struct case_state *cs, const struct workdays *cal, int today,
                     void *o /* cJSON * */);

/* The work list: accepted cases at a stage of one of posts (n_posts ids)
 * or, when owner is not NULL, owned by owner; only those overdue
 * (stage due before today) when overdue_only; soonest stage due first, at
 * most RELAY_WORK_MAX. Answers {"cases":[{"id","ticket","procedure",
 * "title","stage":{"key","label","post"},"due","overdue","soon","owner"}],
 * "counts":{"total","overdue","soon"}}; soon: due today or on the next
 * working day. *out: caller frees with cJSON_Delete. 0 or -1. */
int relay_work_json(struct db *db, const char *const *posts, size_t n_posts, const char *owner,
                    bool overdue_only, const struct workdays *cal, int today,
                    void **out /* cJSON ** */);

#endif
