/* visit: the B post at the door (上门服务, issue #10.4). A resident who
 * cannot come to the hall (or the window, on their behalf) hands in a case
 * of an item with `visit: yes` as a request for a home visit on a day and
 * half-day instead of drawing a ticket; the B post's staffer sees the
 * day's visits in order, walks the same procedure at the home, and either
 * accepts the case there (relay.h: the chain begins, the visitor owns it)
 * or, nobody being at home, moves it to another day. The only writer of
 * the visit columns of a case (schema/014-relay.sql).
 *
 * Moves (each one BEGIN IMMEDIATE transaction with an event that carries
 * no address or phone; a status that does not allow it is a
 * REFUSAL_CONFLICT and changes nothing):
 *   open | returned --request--> visit (no ticket)           visit_requested
 *   visit --not_home (a new date)--> visit                    not_home
 *   visit --handled--> accepted (relay_accept_locked)         visited, accepted
 * and, called from window.c inside its own move, the visit called off
 * when its resident comes to the hall instead (visit_call_off_locked).
 */
#ifndef SPK_VISIT_H
#define SPK_VISIT_H

#include <stddef.h>

#include "cases.h"
#include "db.h"
#include "refusal.h"
#include "workdays.h"

#define VISIT_DAYS_MAX 30        /* how far ahead a visit may be asked for or moved */
#define VISIT_OFFER_DAYS 10      /* working days the resident's form offers */
#define VISIT_ADDRESS_MAX 200    /* characters of an address */
#define VISIT_LIST_MAX 200       /* visits in one answer of the day's list */
#define VISIT_PROBLEMS_MAX 4     /* one per member: date, slot, address, phone */

/* A request as sent (members NULL when missing or not text). */
struct visit_ask {
    const char *date;           /* YYYY-MM-DD, local */
    const char *slot;           /* 上午 or 下午 */
    const char *address;
    const char *phone;          /* a mobile or a landline (validate_phone) */
};

/* The request once checked: normalised, ready to store. */
struct visit_checked {
    char date[11];
    const char *slot;           /* static: "上午" or "下午" */
    char address[VISIT_ADDRESS_MAX * 4 + 1];
    char phone[24];
};

/* What is wrong with a request, one entry per member at fault, in the
 * order date, slot, address, phone. */
struct visit_problem {
    const char *member;         /* "date", "slot", "address", "phone" */
    const char *code;           /* static, stable */
    const char *message;        /* static Chinese */
};

struct visit_problems {
    struct visit_problem v[VISIT_PROBLEMS_MAX];
    size_t n;
    /* the message of visit_date_after_keep, which names the last day: a
     * problem's message points here then */
    char keep_text[192];
};

/* The last day (YYYYMMDD) a visit may be on when the move that sets it is
 * made now: corrections_keep_until from now under the catalog's calendar
 * and `serve --retention-days`. A visit request, a booking (and a move of
 * the visit) is the case's last activity, and the sweep gives a returned
 * or visit case up its stale period after it; a visit after this day
 * would find the case gone (已结束 on the elder's slip, off the B post's
 * list). 0 when it cannot be read. */
int visit_last_day(void);

/* Checks a visit date (pure): date as validate_date reads it, today ..
 * VISIT_DAYS_MAX days after today (YYYYMMDD, local). 0 with out as
 * YYYY-MM-DD, or 1 with *p set: visit_date_required (NULL or blank),
 * visit_bad_date, visit_date_past, visit_date_too_far. */
int visit_check_date(const char *date, int today, char out[11], struct visit_problem *p);

/* Checks every member of ask (pure), collecting each problem into probs
 * (codes as visit_check_date, and visit_bad_slot, visit_address_required,
 * visit_address_too_long, visit_bad_text, visit_bad_phone). Returns 0 with
 * out filled, or 1 with probs->n > 0. */
int visit_check(const struct visit_ask *ask, int today, struct visit_checked *out,
                struct visit_problems *probs);

/* Hands case id in as a request for a home visit: checked as
 * visit_check, and the date on or before visit_last_day
 * (visit_date_after_keep, its message naming that day), then, in one transaction, the case must be open or
 * returned (already_submitted), every step done and the conditions
 * confirmed (not_finished), its pinned item `visit: yes`
 * (visit_not_offered, invalid): status visit, the visit columns, no
 * ticket, submitted_at now, what a return said cleared, and a
 * visit_requested event (channel the case's, user the staffer who asks on
 * the resident's behalf or NULL, detail the date and slot). Returns 0; 1
 * with e set (when the request itself is at fault: e is
 * validation_failed and probs lists every problem); -1 on error. */
int visit_request(struct db *db, const char *id, const char *user, const struct visit_ask *ask,
                  int today, struct visit_problems *probs, struct refusal *e);

/* Books a home visit for case id, returned for 补正, whose resident cannot
 * come (ours): the B post collects the corrections at the home. Checked
 * as visit_request; in one transaction the case must be returned
 * (not_returned, conflict) and its item `visit: yes` (visit_not_offered):
 * the visit columns set, the status, the reopened steps and the ticket
 * kept, a visit_booked event (user, detail the date and slot; activity, so
 * the sweep's period starts again). Booking again moves it. The case is
 * then on the day's list's "booked" (visit_list_json); at the home the B
 * post corrects it (代为补正) and hands it in with a visit for that day
 * (visit_request), then handled. Returns 0; 1 with e set (validation_failed
 * with probs as visit_request's); -1 on error. */
int visit_book(struct db *db, const char *id, const char *user, const struct visit_ask *ask, int today,
               struct visit_problems *probs, struct refusal *e);

/* Calls off the visit of case cs inside the caller's open transaction (a
 * BEGIN IMMEDIATE move of window.c): its resident came to the hall after
 * all, so the B post must not go. For a case in visit taken on at the
 * window (window_accept_at with walk_in), or a returned one with a visit
 * booked since its return (cs->r.visit_booked) handed in at the hall or
 * to pre-review. Empties visit_date, visit_slot and visit_address: the
 * staff view's "visit" (then null) said 上门 on a day nobody goes, and a
 * later return offered a hand-in 在居民家中办理. visit_phone stays only
 * while the answers hold no mobile (notify_form_mobile): it is then the
 * number that tells the resident about the case (notify_phone's and
 * notify_mobile's last resort), which retention erases with the case;
 * with one, it goes too. Adds no event (the caller's says what
 * happened). 0, or -1 (the caller rolls back). */
int visit_call_off_locked(struct db *db, const struct case_state *cs);

/* What the visiting staffer reports. */
enum visit_result {
    VISIT_HANDLED,              /* done at the home: the case is accepted */
    VISIT_NOT_HOME,             /* nobody there: moved to date */
};

/* The result of a visit by user (a case in visit, else not_visit, 409):
 * handled → accepted at the home through relay_accept_locked (channel and
 * detail "visit", cal and today as relay.h takes them; the visitor owns
 * the case), with a visited event; not_home → stays in visit on date
 * (required, checked as visit_check_date: problems come back in e, kind
 * invalid; a date after visit_last_day is visit_date_too_far, its message
 * naming the last day, since the contract route keeps its codes), with a
 * not_home event whose detail is the date. A case whose
 * answers retention erased is refused erased. Returns 0, 1 with e set, -1. */
int visit_result(struct db *db, const char *id, const char *user, enum visit_result result,
                 const char *date, const struct workdays *cal, int today, struct refusal *e);

/* The B post's list for date (YYYY-MM-DD, checked by the caller): cases
 * in visit on that date, 上午 before 下午, then by when they were asked
 * for; when date is today (YYYY-MM-DD), first those of earlier days still
 * in visit, oldest first, with "overdue":true. "rest_day": the visit's day
 * is not a working day of cal (NULL: weekends rest): booked before the
 * calendar had its year's holidays. "resume": relay_resume_json's (a
 * corrected case: the dates it resumes to, on today). At most VISIT_LIST_MAX:
 * {"visits":[{"id","procedure","title","date","slot","address","phone",
 * "overdue","rest_day","resume"}],"returned":[…]}. "returned" (empty but for
 * today's list): the cases returned at the home within VISIT_DAYS_MAX days
 * and not handed in again (status returned, a visit asked, no ticket,
 * not accepted since), newest return first, at most VISIT_LIST_MAX, each
 * {"id","procedure","title","date","slot","address","phone",
 * "returned_at","returned_by"}; a case with a visit booked since its
 * return (visit_book) is not among them but in "booked" (every day's
 * list): status returned, booked for date (today's: also earlier days',
 * "overdue":true), 上午 before 下午, each {"id","procedure","title","date",
 * "slot","address","phone","overdue","returned_at","returned_by"}.
 * *out: caller frees. 0 or -1. */
int visit_list_json(struct db *db, const char *date, const char *today, const struct workdays *cal,
                    char **out);

#endif
