/* notify: telling a resident that their case is ready, returned or
 * rejected (issue #10, part 3).
 *
 * A move that calls for it (window_return today; the ready and reject
 * moves of the relay later) queues a notification inside its own BEGIN
 * IMMEDIATE transaction with notify_queue, so a notice exists exactly when
 * the move committed. The number is the case's first cn_mobile or phone
 * field with a value, in step and form order; a case without one queues
 * nothing (there is nobody to tell). The text is built from the item's
 * title, the ticket and the kind only — never from what the resident
 * typed, so no ID number or other personal detail can get into it.
 *
 * Delivery: with `serve --notify-command CMD` a worker thread (its own
 * SQLite connection) runs CMD once per due notification (notify_start);
 * exit 0 marks it done by "notify-command", anything else is retried after
 * notify_backoff_seconds and gives up after NOTIFY_ATTEMPTS_MAX runs.
 * Without it the staff page lists whom to phone and the staffer marks each
 * done (notify_done). Retention: sweep.c empties phone and text with the
 * case's values (schema/012-notify.sql).
 */
#ifndef SPK_NOTIFY_H
#define SPK_NOTIFY_H

#include <stdbool.h>

#include "cases.h"
#include "db.h"
#include "refusal.h"

enum notify_kind {
    NOTIFY_READY,       /* done, to be picked up (待领取) */
    NOTIFY_RETURNED,    /* returned for correction (补正) */
    NOTIFY_REJECTED,    /* refused after acceptance (不予办理) */
    NOTIFY_REFUSED,     /* refused at intake, never accepted (不予受理):
                           kind "rejected" in the table and the JSON */
    NOTIFY_LINK,        /* a web case's link sent again at the resident's
                           call (ours, notify_link_send): kind "link" */
    NOTIFY_COMPLETED,   /* finished, nothing to collect (办结告知, ours):
                           only with notify_completed_set(true) */
};

#define NOTIFY_ATTEMPTS_MAX 12      /* 4 quick retries, then every 6 h: about two days */
#define NOTIFY_RUN_SECONDS 30       /* a run of CMD longer than this is killed */
#define NOTIFY_COMMAND_MAX 1024     /* bytes of CMD */
#define NOTIFY_ARGS_MAX 32          /* words of CMD */
#define NOTIFY_LIST_MAX 200         /* notifications in one answer of the list */
#define NOTIFY_DONE_SHOWN 86400     /* a done notification stays listed this long (seconds) */

/* "ready", "returned", "rejected", "link", "completed". */
const char *notify_kind_name(enum notify_kind kind);

/* The message for kind about the item titled title, with ticket (NULL or
 * "" for a case without one): only these go into it. Returns a malloc'ed
 * string (caller frees), NULL when memory ran out or for NOTIFY_LINK (its
 * text holds the link: notify_link_send builds it). */
char *notify_text(enum notify_kind kind, const char *title, const char *ticket);

/* The message for kind about case cs (its title and ticket, as above): a
 * case handed in from home (channel web) that is returned is told to open
 * its link and hand it in again, and, if the link is lost, what this hall
 * can do: with notify_link_possible and a mobile on the case, to phone
 * the hall (hall_contact_get(HALL_PHONE), else the item's phone) for a
 * text of it; otherwise to bring the ID card to the window. Any other is
 * sent to the window for its correction notice. Returns a malloc'ed
 * string (caller frees), NULL when memory ran out. */
char *notify_text_for(enum notify_kind kind, const struct case_state *cs);

#define NOTIFY_HALL_MAX 90      /* bytes of `serve --hall-name`: 30 Chinese characters */

/* Whether name may be the hall's name: 1 to NOTIFY_HALL_MAX bytes of UTF-8
 * with no control character. */
bool notify_hall_valid(const char *name);

/* The hall's name the texts say (您在NAME办理的…), for halls that share a
 * library and a gateway; NULL or "" for the default 社区便民服务中心. Set
 * once at start, before any notify_text. Returns 0, or -1 (kept as it
 * was) when name is not notify_hall_valid. */
int notify_hall_set(const char *name);

/* The hall's name as set (社区便民服务中心 by default); static storage. */
const char *notify_hall_name(void);

/* 办结告知 (`serve --notify-completed`, ours): whether POST …/complete of
 * an item without pickup queues a `completed` notice. Off by default: the
 * contract's list is of the ready, returned and rejected, and a hall
 * without an SMS gateway would have a call to make per finished case. Set
 * once at start, before the first request. */
void notify_completed_set(bool on);
bool notify_completed_on(void);

/* Queues the `completed` notice of cs (relay_complete, inside its
 * transaction) when notify_completed_on, unless the resident is at the
 * window (at_window: the case was finished at a window the day it was
 * accepted, told there) or cs has no number (nothing to collect: nobody is
 * asked to tell it in person). 0 (queued or nothing to queue) or -1. */
int notify_queue_completed(struct db *db, const struct case_state *cs, bool at_window);

/* The number to tell about cs: the value of its first cn_mobile field
 * (steps and forms in order) that has one, else of its first phone field,
 * else the phone its home visit was asked with, pointing into cs; NULL
 * when there is none. */
const char *notify_phone(const struct case_state *cs);

/* The mobile to text about cs: the first value that is a mainland mobile
 * (11 digits, 1[3-9]…) of its cn_mobile fields, then of its phone fields
 * (a landline cannot take a text), then its home visit's phone; pointing
 * into cs, NULL when there is none. */
const char *notify_mobile(const struct case_state *cs);

/* notify_mobile without the home visit's phone: the first mainland mobile
 * the answers of cs hold (cn_mobile fields, then phone fields), pointing
 * into cs, or NULL. With one, notify_phone and notify_mobile never reach
 * the visit's phone (visit_call_off_locked). */
const char *notify_form_mobile(const struct case_state *cs);

/* The limits on sending a web case's link again (notify_link_send): the
 * next no sooner than NOTIFY_LINK_GAP seconds after the last, and at most
 * NOTIFY_LINK_DAY_MAX in NOTIFY_LINK_DAY seconds. */
#define NOTIFY_LINK_GAP 600
#define NOTIFY_LINK_DAY 86400
#define NOTIFY_LINK_DAY_MAX 3

/* Whether this daemon can text a web case's link at all: a sender runs
 * (`serve --notify-command`) and it knows the address residents reach it
 * at (`--public-url`). The staff case view's and GET /api/v1/hall's
 * link_sms: the pages promise a texted link only where it can come. */
bool notify_link_possible(void);

/* Queues an SMS of case id's link (print_case_link) to the mobile the case
 * holds (notify_mobile), for the resident of a web case who lost it and
 * phoned the hall, with a `link_sent` event by user, in one BEGIN
 * IMMEDIATE transaction; wakes the sender after the commit. Refused (1,
 * e set; 404 or 409): no sender (`serve --notify-command`) or no
 * --public-url (nobody must read the link aloud instead), an unknown case,
 * one not started from home, one erased or without a mobile, one whose
 * last link is still being sent. Limited (2, e set and *retry_after the
 * seconds until it is allowed; 429): within NOTIFY_LINK_GAP of the last,
 * or past NOTIFY_LINK_DAY_MAX in a day. On 0, tail holds the mobile's last
 * four digits (what the staffer confirms with the caller). -1 on a
 * database or memory failure. */
int notify_link_send(struct db *db, const char *id, const char *user, char tail[5],
                     long *retry_after, struct refusal *e);

/* Seconds to wait before run attempts + 1 after attempts (>= 1) failed:
 * 60, 300, 900, 3600, then 21600; divided by 60 when the daemon runs with
 * SPKIOSK_NOTIFY_FAST=1 (tests only; see docs/deployment.md). */
long notify_backoff_seconds(int attempts);

/* Queues a notification of kind about cs (read by cases_begin), inside the
 * caller's open transaction; the caller calls notify_wake after its commit.
 * A case without a number (notify_phone NULL) is queued with phone '' (null
 * in the list) and no run planned: staff tell the resident in person; not
 * when it was waiting, invited or a no-show (the resident is in the hall,
 * told at the window).
 * Returns 0, -1 on a database or memory failure (the caller rolls back). */
int notify_queue(struct db *db, const struct case_state *cs, enum notify_kind kind);

/* The staff page's list as JSON text (caller frees):
 * {"command":bool,"notifications":[{"id","case","ticket","title","kind","phone",
 * "text","created","done","done_by","attempts","last_error","failed"}]},
 * the ones not done first (oldest first), then those done in the last
 * NOTIFY_DONE_SHOWN seconds; erased ones never. Returns 0 or -1. */
int notify_list_json(struct db *db, char **out);

/* done_by of a notification made moot by the resident coming back (the
 * case handed in or asked for a visit again after 补正): nobody phoned,
 * whoever handed it in. '~' is in no account name (accounts.h). */
#define NOTIFY_BY_RESIDENT "~resident"

/* Marks the case's ready notifications not yet done as done by user (the
 * staffer who handed the result out: the resident has it), inside the
 * caller's open transaction. 0, or -1 (the caller rolls back). */
int notify_settle_ready(struct db *db, const char *case_id, const char *user);

/* Marks the case's returned notifications not yet done as done by user,
 * inside the caller's open transaction: the staffer who booked the B post
 * for it (visit_book) agreed the day with the resident, who was told of
 * the return then; the text (要补正的内容写在补正告知单上…到综合窗口领取)
 * would send an elder who cannot come to the window, and a colleague
 * would phone again to say bring it back. 0, or -1 (the caller rolls
 * back). */
int notify_settle_returned_by(struct db *db, const char *case_id, const char *user);

/* Marks the case's notifications of kind not yet done as done by
 * NOTIFY_BY_RESIDENT, inside the caller's open transaction: the returned
 * ones when the case comes back (a month-end review found staff still
 * asked to phone residents whose corrected case was long finished).
 * 0, or -1 (the caller rolls back). */
int notify_settle(struct db *db, const char *case_id, enum notify_kind kind);

/* Marks notification id done by user (the staffer who phoned). Returns 0;
 * 1 with e set (not found: 404; done already: 409); -1 on a database
 * error. */
int notify_done(struct db *db, long long id, const char *user, struct refusal *e);

/* Starts the sender thread running command (split on spaces only: no
 * shell, no quoting; at most NOTIFY_ARGS_MAX words and NOTIFY_COMMAND_MAX
 * bytes) for each due notification. Call once, after db_thread_setup.
 * Returns 0, or -1 with a message on stderr (bad command, no thread). */
int notify_start(const char *command);

/* Wakes the sender to look for due notifications (a move committed one).
 * Harmless without a sender. */
void notify_wake(void);

/* Stops the sender (a run in progress is killed and stays due) and waits
 * for it. Harmless without one. */
void notify_stop(void);

/* True while a sender runs (the staff list says so). */
bool notify_sending(void);

#endif
