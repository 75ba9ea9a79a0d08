/* followup: call-backs (回访, issue #10 part 5). A completed case of an
 * item with `followup: N` is called back within N working days (routine);
 * every rating of 1 or 2 opens a complaint call-back due in
 * FOLLOWUP_COMPLAINT_DAYS working days, which is closed only with a note of
 * what was done (GB/T 39734-2020 差评整改). At most one of each kind per
 * case (schema/016-followup.sql).
 *
 * Opening happens inside the transaction of the move that calls for it
 * (the completion that makes a case `completed`, the rating), so a
 * call-back exists exactly when the move committed. The number to call is
 * notify_phone's (the case's first mobile, else phone field, else its
 * visit's phone); a case without one still gets its call-back, with no
 * number. Recording a result is one BEGIN IMMEDIATE transaction with a
 * `followup` event whose detail is the result only. Retention: sweep.c
 * empties phone and note with the case's values; kind, dates, score and
 * result stay for the statistics.
 *
 * Dates are local YYYYMMDD ints as workdays.h counts them; "today" and the
 * calendar (NULL: weekends rest) come from the caller.
 */
#ifndef SPK_FOLLOWUP_H
#define SPK_FOLLOWUP_H

#include <stdbool.h>

#include "cases.h"
#include "db.h"
#include "refusal.h"
#include "workdays.h"

/* The detail of a try that did not reach the resident (联系不上, not the
 * last): "unreachable_try routine" or "unreachable_try complaint", so that
 * a case's two call-backs count their own tries (UNIQUE (case_id, kind)).
 * The events are the record of the tries: no column holds them, and
 * retention keeps these details when it erases a case's (sweep.c). */
#define FOLLOWUP_TRY_DETAIL "unreachable_try "
/* SQL: the event e is a try of the call-back f (aliases of case_events and
 * followups), as the list, the day's report and the statistics ask it;
 * schema/048 indexes it. */
#define FOLLOWUP_TRY_MATCH "e.case_id = f.case_id AND e.what = 'followup'" \
    " AND e.detail = '" FOLLOWUP_TRY_DETAIL "' || f.kind"

#define FOLLOWUP_COMPLAINT_DAYS 15  /* working days to put a bad rating right */
#define FOLLOWUP_COMPLAINT_SCORE 2  /* a rating at or below this is a complaint */
#define FOLLOWUP_NOTE_MAX 500       /* characters of a note */
#define FOLLOWUP_LIST_MAX 500       /* call-backs in one answer of the list */
/* Calls before a call-back is closed as 联系不上: a first failed call
 * (out, phone off) left the resident never asked. Each try is on another
 * working day (followup_retry_day). */
#define FOLLOWUP_TRIES 3

enum followup_result {
    FOLLOWUP_SATISFIED,
    FOLLOWUP_UNSATISFIED,
    FOLLOWUP_UNREACHABLE,
};

/* How near a call-back's due date is. */
enum followup_urgency {
    FOLLOWUP_LATER,
    FOLLOWUP_SOON,              /* due today or on the next working day */
    FOLLOWUP_OVERDUE,           /* due before today */
};

/* "satisfied", "unsatisfied", "unreachable" → its value; -1 for anything
 * else (NULL too). */
int followup_result_parse(const char *s);

/* The result's name; "unreachable" for an unknown value. */
const char *followup_result_name(enum followup_result r);

/* How near due is, on today, with cal (NULL: weekends rest). Pure. */
enum followup_urgency followup_urgency(const struct workdays *cal, int today, int due);

/* The day (YYYYMMDD) from which a call-back last tried, without reaching
 * the resident, at tried_at (a stored UTC instant; NULL: never) may be
 * tried again: the next working day of cal (NULL: weekends rest) after the
 * try's local day. 0 when never tried, or out of the calendar's bounds. */
int followup_retry_day(const struct workdays *cal, const char *tried_at);

/* Checks a note as window_text_check does a staffer's text: NULL or blank
 * is none (*out NULL, 0 returned) unless required (note_required); else
 * trimmed, at most FOLLOWUP_NOTE_MAX characters (note_too_long) of the
 * text policy (bad_text), copied into buf (cap bytes; a longer one is
 * note_too_long) with *out = buf. Returns 0, or 1 with e set (all
 * REFUSAL_INVALID). Pure. */
int followup_note_check(const char *note, bool required, char *buf, size_t cap, const char **out,
                        struct refusal *e);

/* Inside the caller's open transaction (the move that makes cs
 * `completed`): when cs's item has `followup: N`, a routine call-back due
 * workdays_due(cal, today, N). Nothing for an item without followup, or
 * when the case has one already. Returns 0 (opened or nothing to open),
 * -1 on a database error (the caller rolls back). */
int followup_open_locked(struct db *db, const struct case_state *cs, const struct workdays *cal,
                         int today);

/* Inside the caller's open transaction (the rating's, cases_rate_locked):
 * when score <= FOLLOWUP_COMPLAINT_SCORE, a complaint call-back due in
 * FOLLOWUP_COMPLAINT_DAYS working days, holding the score. 0 or -1. */
int followup_complaint_locked(struct db *db, const struct case_state *cs, int score,
                              const struct workdays *cal, int today);

/* One batch (at most 256) of relay_recount's backfill, inside the
 * caller's transaction: each open call-back after id *after, due on or
 * after bound ("YYYY-MM-DD", 1 January of a year the calendar lacks),
 * that an earlier build opened without keeping its gap is marked
 * (workdays_gap_from from the local day it was opened). *after: the last
 * id read. Returns how many were read (fewer than 256: the last batch), or
 * -1. */
int followup_backfill_batch(struct db *db, const struct workdays *cal, const char *bound,
                            long long *after);

/* One batch of relay_recount's, as above: each open call-back whose due
 * date was counted into a year cal now lists, counted again
 * (workdays_recount, later only). Returns how many were read, or -1. */
int followup_recount_batch(struct db *db, const struct workdays *cal, long long *after);

/* The call-backs due as JSON text (caller frees):
 * {"followups":[{"id","case","ticket","procedure","title","kind","due",
 * "overdue","soon","phone","score","done","done_by","result","note",
 * "tries","tried":{"at","by"}|null,"retry_on","waiting",
 * "rating":{"reasons":[code…],"comment"}|null}],
 * "counts":{"open","overdue","soon","done_today","waiting"},"tries_max"}:
 * tries those that did not reach the resident; waiting (open, tried, its
 * retry day after today) is never soon, and listed only with done_today
 * (not due now: the contract's list), counted in counts.waiting, open
 * and overdue either way; open ones soonest due
 * first, then, with done_today (the staff page's ?done=today), those done
 * today (local date today), which counts.done_today counts either way; at
 * most FOLLOWUP_LIST_MAX. One whose case retention erased is still listed
 * while open (a complaint must still be put right), with no number.
 * rating: the case's rating's reasons and comment (null once erased), so
 * a 差评整改 is phoned knowing what was complained of; null without one.
 * Returns 0 or -1. */
int followup_list_json(struct db *db, const struct workdays *cal, int today, bool done_today,
                       char **out);

/* Records result (followup_result_parse's text; bad_result otherwise) and
 * note (followup_note_check's rules; required for a complaint) of
 * call-back id by user, on local date today. "unreachable" before the
 * FOLLOWUP_TRIES-th is a try: the call-back stays open, its note (when
 * given) kept to show, a `followup` event "unreachable_try KIND" recorded;
 * a complaint's try needs its note as every result on one does
 * (note_required). "unreachable" (a try or the last)
 * before the retry day of the last try (followup_retry_day under cal,
 * later than today) is refused already_done (409) with a message naming
 * that day; satisfied and
 * unsatisfied are taken any time (the resident called back). The last
 * try closes it as "unreachable". Returns 0; 1 with e set: not_found
 * (404), already_done (409), bad_result / note_required / note_too_long /
 * bad_text (422); -1 on a database error. */
int followup_record(struct db *db, long long id, const char *user, const char *result,
                    const char *note, const struct workdays *cal, int today, struct refusal *e);

#endif
