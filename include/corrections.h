/* corrections: the cases the hall returned for 补正 (退回补正) that the
 * resident has not brought back, and the corrected cases handed in again
 * whose resident was called and did not come (过号): what the staffer who
 * returned a case, or answers for it (首问负责), still has to follow up,
 * and what the day's report counts as owed by residents. 我的待办 lists
 * accepted cases only, the queue waiting ones, the day's report the
 * hall's own delays: without this a return nobody corrected was on no
 * list until the sweep gave it up (sweep.h), a month later by default.
 *
 * Nothing here moves a case or counts as its activity: the list is read
 * only, and a reminder call (corrections_remind) is recorded without
 * starting the sweep's period again.
 */
#ifndef SPK_CORRECTIONS_H
#define SPK_CORRECTIONS_H

#include <stdbool.h>

#include "cases.h"
#include "db.h"
#include "refusal.h"
#include "workdays.h"

#define CORRECTIONS_MAX 500     /* entries in one answer */
#define CORRECTIONS_NOTE_MAX 100 /* characters of a reminder call's note */

/* The list as JSON (caller frees *out with free):
 * {"corrections":[{"id","ticket","ticket_day","procedure","title","status",
 * "channel","returned_at","returned_by","owner","no_show_at","since",
 * "days","ends_on","ending","stage":{"key","label","post"}|null,
 * "committed","phone","home_visit","notice","visit_booked","reminded"}],
 * "counts":{"total","returned","no_show","ending"}}.
 * Cases `returned` and, still takeable (`accept` takes a no-show, its
 * answers not erased yet), corrected cases `abandoned` as a no-show: their
 * last return's instant and staffer, since (the local day of the return,
 * or of the no-show), days (working days from since to today under cal),
 * ends_on (the last working day under cal before the local day the sweep
 * gives a returned case up, or erases a no-show's answers, if nothing
 * happens before: stale_days or retention_days after its last activity,
 * later for a no-show an open call-back holds), ending (ends_on is today or the
 * next working day), phone (the number a notification would use:
 * notify_phone; null when the case has none), home_visit (the item can be
 * done at home by the B post), notice (the `returned` notification:
 * {"done","done_by"} or null when none was queued), visit_booked (a
 * returned case booked for the B post since its return, visit_book:
 * {"date","slot"}, else null), reminded (the reminder calls since the case
 * came on the list, its last return or its no-show after the correction,
 * corrections_remind: {"at","by","note","count"} of the newest, else
 * null). Soonest ends_on first.
 * user non-NULL: only the cases user answers for, the owner, or for a case
 * never accepted (no owner) the staffer of its last return. ticket_day is
 * null for today's ticket, as the work list has it. Returns 0 or -1. */
int corrections_json(struct db *db, const char *user, const struct workdays *cal, int today,
                     int retention_days, char **out);

/* Adds "owed" to the object o (a cJSON *, the staff case view): null, or
 * for a case the list above holds, {"since","days","ends_on","ending",
 * "reminded"} as
 * its entry has them, so the staffer who opens it while phoning the
 * resident reads the same. cs read by cases_load. Returns 0 or -1. */
int corrections_case_json(struct db *db, const struct case_state *cs, const struct workdays *cal,
                          int today, int retention_days, void *o);

/* The last working day under cal (NULL: weekends rest) before the local
 * day on which the sweep gives cs (read by cases_load, status `returned`)
 * up if nothing happens before (its stale period, sweep_stale_days of
 * retention_days, after cs->updated_at): the day a resident can still
 * come, all of it, to a hall that is open; the ends_on of the list and
 * of "owed" above. The resident's case view and correction notice say
 * it, so that the resident and the staffer who phones them read one date.
 * Activity (a correction saved, a move) starts the period again, so the
 * day can only move later. 0 for another status or an instant that cannot
 * be read. Pure: no database. */
int corrections_returned_ends(const struct case_state *cs, const struct workdays *cal, int retention_days);

/* The same day for a returned case whose last activity is the stored
 * instant updated_at (CLOCK_UTC_LEN text): what a move made now would
 * leave as its correct_by, so that a visit booked now (visit_book) falls
 * on or before the day the resident's page then names. 0 for an instant
 * that cannot be read. Pure: no database. */
int corrections_keep_until(const struct workdays *cal, const char *updated_at, int retention_days);

/* Records that user phoned the resident of case id to remind them (电话
 * 提醒补正), with note (NULL or blank: none; else 1..CORRECTIONS_NOTE_MAX
 * characters of the text policy, refused note_too_long or bad_text,
 * REFUSAL_INVALID), in one BEGIN IMMEDIATE transaction: the case must be
 * on the list above now (retention_days as there), else not_owed
 * (REFUSAL_CONFLICT); unknown_case as cases_begin. A `reminded` event
 * (user, detail the note) that is no activity (cases_event_note): the
 * resident's correct_by and the list's ends_on stay the return's, as a
 * call changes nothing the resident did. Returns 0, 1 with e set, -1. */
int corrections_remind(struct db *db, const char *id, const char *user, const char *note, int retention_days,
                       struct refusal *e);

/* What the day's report counts of them (today's: the cases as they stand
 * now): returned, no_show (given up as a no-show, still takeable) and
 * ending (of either, those whose ends_on, as above, is today or the next
 * working day). */
struct corrections_counts {
    long returned, no_show, ending;
};

/* Counts every such case into *out (all users), inside the caller's open
 * read transaction. Returns 0 or -1. */
int corrections_count(struct db *db, const struct workdays *cal, int today, int retention_days,
                      struct corrections_counts *out);

#endif
