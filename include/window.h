/* window: the moves of a case once the resident hands it in — submission
 * with a ticket and a turn in the queue, calling tickets (叫号), accepting,
 * completing, returning with a reason and flags, marking a no-show — and
 * finding a case by what a staffer typed or scanned. Only this module
 * writes the window's columns of a case (schema/004-window.sql).
 *
 * Every move is one BEGIN IMMEDIATE transaction that re-reads the case,
 * checks its status, changes it and adds a case_events row naming the
 * staffer, so two windows acting on one case cannot both win. A move the
 * current status does not allow is a REFUSAL_CONFLICT; nothing is changed
 * then. What staff see is window_view.h; the notice is print.h.
 *
 * Moves:  open | returned --submit--> waiting (a ticket; a new turn)
 *           a web case instead --submit--> prereview (网上预审: no ticket)
 *         open | returned --submit without every paper (材料不全)--> waiting
 *           (the same, with the missing items recorded; a web case prereview)
 *         prereview | invited --invite (a date)--> invited
 *         waiting | invited --accept--> accepted (the review chain, relay.h)
 *         waiting | accepted | prereview | invited --return--> returned (the
 *           resident corrects and submits again: waiting, a new turn in the
 *           queue; a web case prereview again)
 *         waiting --transfer (to another window: a call there, 转窗)--> waiting
 *         waiting --no-show (after a call)--> abandoned (no_show_at set);
 *           accept still works on it when the resident turns up late
 *
 * A call (叫号) names the staffer's window and is also a row of the hall's
 * call screen (display.h), written in the call's transaction; a call, a
 * submission, an acceptance and a return tell the screen after their
 * commit (display_changed).
 */
#ifndef SPK_WINDOW_H
#define SPK_WINDOW_H

#include <stdbool.h>
#include <stddef.h>

#include "cases.h"
#include "db.h"
#include "workdays.h"

#define WINDOW_TEXT_MAX 500     /* characters of an outcome or a return reason */

/* A ticket is a letter and 3 digits (A001 … Z999, 25,974 a day), then 4
 * (A0001 … Z9999), up to 6: never used up in a day (window_submit). */
#define WINDOW_TICKET_DIGITS_MIN 3
#define WINDOW_TICKET_DIGITS_MAX 6
#define WINDOW_TICKET_BUF (1 + WINDOW_TICKET_DIGITS_MAX + 1)
#define WINDOW_FLAGS_MAX 400    /* fields + checklist items a return may flag */

/* Hands the case to the window: status waiting and a ticket, a new turn
 * in the queue (not called, not accepted, what an earlier return said
 * cleared). A returned case submitted again keeps its ticket on the day it
 * was drawn and draws a new one on a later day. With prereview, a case of
 * channel web goes to the online pre-review list instead (status
 * prereview, no ticket: *ticket stays NULL); the contract's submit, with
 * no such ask, gives every channel a ticket. user is the staffer who
 * filled it in at the window, or NULL for the resident; it is kept as the
 * case's handed_in_by, and window_call_next passes such a case over (its
 * resident is at that staffer's desk already). A returned case with a
 * home visit booked since its return (visit_book) handed in either way
 * calls the visit off in the same commit (visit_call_off_locked): the
 * resident corrected it themselves, and the B post must not go.
 * Returns 0 and
 * *ticket (caller frees; NULL after pre-review), 1 with e set (not
 * finished, already submitted, unknown case, tickets_used_up past the
 * last six-digit ticket, prereview_web_only), -1 on error. */
int window_submit(struct db *db, const char *id, const char *user, bool prereview,
                  char **ticket, struct refusal *e);

/* Hands the case in without every required paper (材料不全): step n's
 * answers are taken by cases_step_missing (its fields all valid, at least
 * one required item not ticked; stored, the step left not done), the ids
 * of the items not ticked are kept on the case (missing_items), and the
 * case gets a ticket and a turn as by window_submit (or, with prereview,
 * goes to pre-review as there), whatever steps are left: the window
 * advises, then accepts it or returns it. A later complete submission
 * clears the list. Returns 0 with *ticket (caller frees; NULL after
 * pre-review); 1 with e set (already_submitted when it was handed in
 * already; else as cases_step_missing, with rej filled for fields that
 * failed, or as window_submit); -1. Caller frees rej with
 * cases_rejection_free in every case. */
int window_submit_missing(struct db *db, const char *id, size_t n, const struct case_answers *in,
                          int today, const char *user, bool prereview, char **ticket,
                          struct case_rejection *rej, struct refusal *e);

/* 放弃: deletes a case a staffer started at the window (created_by set)
 * and never handed in (status open): an item picked by mistake, which
 * would otherwise sit in the window's list for a day and count in the
 * statistics as started and given up. Its answers and events go with it.
 * Only its starter (created_by) or an admin may: the resident may be at
 * the starter's desk typing. The procedure's id is written to procedure
 * for the log ("" unless 0). Returns 0, 1 with e set (unknown_case;
 * not_discardable for a resident's case or one in any other status;
 * not_your_fill, forbidden, for a colleague's), -1 on error. */
int window_discard(struct db *db, const char *id, const char *user, bool admin,
                   char procedure[PROCEDURE_ID_MAX + 1],
                   struct refusal *e);

/* 窗口接办 (ours): whether cs is a case started from home (channel web)
 * that the window may take up with the resident there: still open, or
 * given up by the sweep's idle day without ever being handed in (not a
 * no-show), and not erased by retention. */
bool window_take_up_possible(const struct case_state *cs);

/* Takes up case id at the window (window_take_up_possible): the resident
 * of a web case, without its link, is at the desk, and the staffer goes
 * on with them through the resident's own routes (the same case, its
 * answers kept). An abandoned one is open again; either gets a `taken_up`
 * event by user (detail "abandoned" for one revived), which also starts
 * its idle day again and lists it in the window's 办理中. window (NULL
 * or blank: none; else checked as a call's, bad_window before anything
 * is read) is the staffer's: its evaluator's offer of the resident before
 * ends within RATE_CALL_GRACE_SECONDS, in the same commit, as at
 * window_accept_at. Returns 0, 1 with e set (bad_window; unknown_case;
 * not_web; erased; not_open for one handed in or closed), -1 on error. */
int window_take_up(struct db *db, const char *id, const char *user, const char *window,
                   struct refusal *e);

/* Resolves what a staffer typed or scanned: a case id (32 hex digits,
 * either case) or a ticket of today (`A017`, `A0001`, any case). Returns 0 with
 * the id in id_out, 1 with e set (unknown_case), -1 on error. */
int window_resolve(struct db *db, const char *key, char id_out[CASE_ID_LEN + 1],
                   struct refusal *e);

#define WINDOW_LAST4_LEN 4

/* The resident's way back in by ticket (never a key alone): today's case
 * of ticket (`A017`, any case) when an ID number (cn_id), mobile
 * (cn_mobile) or phone number (phone) typed on it ends in last4 (four
 * digits, the last may be X in
 * either case). Returns 0 with the id in id_out; 1 with e set: bad_last4
 * (invalid) when last4 is not of that shape, else one not_found whatever
 * did not match (no ticket, no such case today, other last four), so the
 * answer tells nothing of the ticket; -1 on error. Counting the attempts
 * is the caller's (throttle.h). */
int window_lookup(struct db *db, const char *ticket, const char *last4,
                  char id_out[CASE_ID_LEN + 1], struct refusal *e);

/* Checks a staffer's text s: trimmed into buf (returned), valid UTF-8 of
 * the text policy (text.h), 1..max characters and shorter than cap bytes.
 * Returns NULL with e set otherwise: empty when NULL or blank, toolong,
 * or bad_text. For the moves here and in relay.h. */
const char *window_text_check(const char *s, size_t max, char *buf, size_t cap,
                              const struct refusal *empty, const struct refusal *toolong,
                              struct refusal *e);

/* The moves. user is the staffer. Each returns 0, 1 with e set (unknown
 * case, a status that does not allow it, a refused text), or -1. */

/* waiting | invited (| abandoned after a no-show) → accepted: the review
 * chain begins at its first stage, or resumes at the stage a return left
 * (relay_accept_locked), with due dates counted from today (local
 * YYYYMMDD) in the calendar cal (NULL: weekends rest). Completing, and the
 * other moves after acceptance, are relay.h's. */
int window_accept(struct db *db, const char *id, const char *user, const struct workdays *cal,
                  int today, struct refusal *e);

/* window_accept at a window (NULL or blank: none, as window_accept; else
 * checked as a call's, display_window_check: 1 bad_window before anything
 * is read): a resident taken on there without a call (过号后到场, a
 * hand-in at the desk, an invited web case) sits before its evaluator, so
 * the window's offer of the resident before ends within
 * RATE_CALL_GRACE_SECONDS, in the same commit, as a call's does.
 * walk_in: a web case still in prereview is taken too (its resident came
 * uninvited), its `accepted` event's detail "walk_in"; and a case in visit
 * (a home visit asked for, its resident at the window after all), detail
 * "walk_in_visit", the visit called off in the same commit
 * (visit_call_off_locked). Without it such a case is not_waiting, as
 * ever. Other statuses ignore it. */
int window_accept_at(struct db *db, const char *id, const char *user, const char *window,
                     bool walk_in, const struct workdays *cal, int today, struct refusal *e);

/* The staffer at window (checked as above; NULL or blank: none, nothing
 * done) has taken up a resident without a call (a case started at the
 * window): the window's offer ends within RATE_CALL_GRACE_SECONDS, in a
 * transaction of its own. Returns 0, 1 with e (bad_window), -1. */
int window_seat(struct db *db, const char *window, struct refusal *e);

#define WINDOW_INVITE_DAYS_MAX 90   /* how far ahead an invitation to the hall may be */

/* 网上预审: asks the resident of a web case in prereview (or invited: the
 * date moves) to come to the hall with the originals on date (YYYY-MM-DD,
 * local, today .. WINDOW_INVITE_DAYS_MAX days ahead; refused bad_date,
 * date_past, date_too_far), with an optional note (NULL or blank: none;
 * else as outcome above, note_too_long). Status invited; the event's
 * detail is the date. Returns 0, 1 with e set (also not_prereview), -1. */
int window_invite(struct db *db, const char *id, const char *user, const char *date,
                  const char *note, struct refusal *e);

/* window_invite from a page that showed the case in status (NULL: not
 * said) and, invited, for date_seen (NULL: not said): when a colleague
 * invited the case or moved its date meanwhile, 1 with invite_moved (409)
 * and nothing changes, so that the resident is not told two dates. */
int window_invite_seen(struct db *db, const char *id, const char *user, const char *date,
                       const char *note, const char *status, const char *date_seen,
                       struct refusal *e);

/* Names of parts of the procedure, as a return request listed them.
 * bad_tail: the list as sent went on with something that is not a name
 * (it was not a list, an entry was not text, or there were more than
 * WINDOW_FLAGS_MAX in all); the names before it are checked first, in
 * order, so the refusal is the first problem the list holds. */
struct window_flags {
    const char *const *names;
    size_t n;
    bool bad_tail;
};

/* Returns a case to the resident with reason (required, as outcome above)
 * and, optionally, exactly what is missing or wrong: fields, keys of
 * fields, and checklist, ids of items, of the pinned version that apply to
 * the case's answers (others are refused bad_flag). The steps holding a
 * flagged part are reopened, so the kiosk walks the resident back to them
 * before the case can be submitted again. */
int window_return(struct db *db, const char *id, const char *user, const char *reason,
                  const struct window_flags *fields, const struct window_flags *checklist,
                  struct refusal *e);

/* window_return, with seen the status the staffer's screen showed (NULL:
 * not said): when the case has another status now (a colleague accepted
 * it meanwhile), nothing changes and e is case_moved (409). stage (NULL:
 * not said), for an accepted case, the key of the stage the screen showed:
 * when a colleague has passed it since, nothing changes and e is
 * stage_moved (409), as for relay_reject. window (NULL or blank: none),
 * the desk's window the return is made at, checked as a call's
 * (display_window_check: bad_window, 422): a case waiting for the B post
 * returned without one is returned at the resident's home (its event's
 * channel visit, for the notice shown there), with one at the desk. */
int window_return_seen(struct db *db, const char *id, const char *user, const char *reason,
                       const struct window_flags *fields, const struct window_flags *checklist,
                       const char *seen, const char *stage, const char *window, struct refusal *e);

/* 容缺受理, later: the papers named in items (ids of checklist items of the
 * pinned version), which the case was accepted without, are recorded as
 * received, ticked as the resident's own ticks are (case_checklist, at the
 * item's step), so the owed lists (missing.checklist, the receipt's
 * 待补交材料) drop them; so can an optional paper (如有) that applies and
 * was not ticked, handed over at the window (it then shows among the
 * receipt's 已收材料); a `received` event per paper, detail its id, names
 * user. Only a case in hand at the hall: accepted, or ready (the resident
 * collecting the result brings it); a returned case is the resident's to
 * tick again (their step's answers replace its ticks), a closed one is
 * done. Every name is checked before anything is written, in order, the
 * first problem refused: unknown_item (no item of the version, or a bad
 * tail, 422), not_owed (an item that does not apply to the case, 422), already_received (ticked already: a colleague recorded it
 * meanwhile, 409); an empty list items_required (422); a repeated name
 * counts once. Status refusals: not_accepted (409), unknown_case (404).
 * 0, 1 with e, -1. */
int window_receive(struct db *db, const char *id, const char *user, const struct window_flags *items,
                   struct refusal *e);

#define WINDOW_WITHDRAW_MAX 200 /* characters of the reason a 补交 record is withdrawn for */

/* The papers recorded as brought (window_receive) since the case's last
 * acceptance whose record still stands: not recorded again since (the
 * newest counts), not withdrawn, still ticked, and items of the pinned
 * version. each(ctx, item, its step, when, who) is called for each, oldest
 * first, inside the caller's read or transaction; a non-zero return stops
 * and is returned. Otherwise 0, or -1 on a database error. */
int window_received_each(struct db *db, const struct case_state *cs,
                         int (*each)(void *ctx, const struct proc_item *it, size_t step, const char *at,
                                     const char *user),
                         void *ctx);

/* A 补交 recorded by mistake (the wrong case, the wrong paper), withdrawn:
 * the paper item is unticked, its step settled again (cases_step_settle),
 * and a `received_withdrawn` event names user, the step and, as detail,
 * "ITEM REASON", so the owed lists, the receipt's 待补交材料 and the pass
 * form's note follow. Only while the case is in the hall's hands
 * (accepted, ready), only a record that stands (window_received_each),
 * and only by the staffer who made it or an admin. Checked in order, nothing written on a refusal:
 * item_required, reason_required, reason_too_long, bad_text (422: reason
 * as a return's, at most WINDOW_WITHDRAW_MAX characters); not_accepted
 * (409); unknown_item (422); not_received (409: ticked by the resident,
 * before this acceptance, or withdrawn already); not_your_record (403).
 * 0, 1 with e, -1. */
int window_withdraw_received(struct db *db, const char *id, const char *user, bool admin,
                             const char *item, const char *reason, struct refusal *e);

/* An optional paper (如有) the resident ticked at the kiosk and did not
 * bring, recorded at the window: each item named (ids of the pinned
 * version) is unticked (case_checklist), so the receipt's 已收材料, the
 * case views and the resident's checklist stop saying the hall has it; a
 * `not_brought` event per paper, detail its id, names user and the
 * item's step. Never owed (missing does not change), the step stays as
 * it was. Only while the case is in the hall's hands (accepted, ready),
 * as window_receive. Every name is checked before anything is written,
 * in order, the first problem refused: unknown_item (422), not_applicable
 * (422: does not apply to the case's answers), not_optional (422: a
 * required paper has its own flow, 退回补正 then 容缺受理 and 补交),
 * not_ticked (409: not ticked, or marked already), window_record (409:
 * ticked by a standing window record, 已收到, which its own withdrawal
 * takes back); an empty list items_required (422); a repeated name counts
 * once. Status refusals: not_accepted (409), unknown_case (404).
 * 0, 1 with e, -1. */
int window_not_brought(struct db *db, const char *id, const char *user, const struct window_flags *items,
                       struct refusal *e);

/* The not-brought records (window_not_brought) since the case's last
 * acceptance that still stand: not marked again since, not withdrawn,
 * not brought after all (a later `received` of the paper), still
 * unticked, and items of the pinned version; each called as
 * window_received_each calls it. 0, each's non-zero, or -1. */
int window_not_brought_each(struct db *db, const struct case_state *cs,
                            int (*each)(void *ctx, const struct proc_item *it, size_t step, const char *at,
                                        const char *user),
                            void *ctx);

/* A not-brought record made by mistake (the paper was there after all),
 * withdrawn: item is ticked again at its step, as the resident had it
 * (the receipt lists it with no date of a later hand-over), and a
 * `not_brought_withdrawn` event names user, the step and, as detail,
 * "ITEM REASON". Only a record that stands (window_not_brought_each),
 * only by the staffer who made it or an admin, only while the case is
 * accepted or ready. Checked in order, nothing written on a refusal:
 * item_required, reason_required, reason_too_long, bad_text (422, reason
 * as window_withdraw_received's); not_accepted (409); unknown_item (422);
 * not_marked (409); not_your_record (403). 0, 1 with e, -1. */
int window_not_brought_withdraw(struct db *db, const char *id, const char *user, bool admin,
                                const char *item, const char *reason, struct refusal *e);

/* 叫号: calls the oldest waiting case not called yet (passing over one
 * whose pinned version no longer parses, and one a staffer handed in at
 * their own window: window_submit) to window, the staffer's window
 * name as display_window_check takes it (NULL or "": none). The call is
 * also a row of the hall's call screen (display.h), written in the same
 * transaction, and the screen is woken after the commit. Returns 0 with
 * its id in id_out, 1 with e (bad_window, queue_empty), -1. */
int window_call_next(struct db *db, const char *user, const char *window,
                     char id_out[CASE_ID_LEN + 1], struct refusal *e);

/* Calls a waiting case (again) to window (as above): calls + 1, called_at
 * now, a row of the call screen. */
int window_call(struct db *db, const char *id, const char *user, const char *window,
                struct refusal *e);

/* window_call with the calls the staffer's page showed (seen; -1: not
 * said): when the case has been called another number of times since (a
 * colleague's 叫下一个号 or call took it meanwhile), 1 with called_meanwhile
 * and nothing called, so that two windows never call one resident. */
int window_call_seen(struct db *db, const char *id, const char *user, const char *window,
                     int seen, struct refusal *e);

/* 转窗: sends the resident of a waiting case of today's ticket, called
 * or not, to window (required: NULL or blank is 1 with window_required;
 * else checked as a call's, bad_window), without a call of the staffer's
 * own: a call to window in every other way (calls + 1, called_at and
 * called_by the sender, a row of the call screen, the window's evaluator
 * offer shortened as a call's), but a `transferred` event whose detail
 * is "FROM TO" (FROM the window of the last call, "-" for none), not a
 * `called` one, so the day's report does not count a second call. seen
 * as window_call_seen's (called_meanwhile); same_window (409) when the
 * last call named window already. Also not_waiting, ticket_expired,
 * unknown_case. Returns 0, 1 with e, -1. */
int window_transfer(struct db *db, const char *id, const char *user, const char *window,
                    int seen, struct refusal *e);

/* A called waiting case whose resident did not come: abandoned, out of the
 * queue, with a no_show event. not_called before any call. */
int window_no_show(struct db *db, const char *id, const char *user, struct refusal *e);

#endif
