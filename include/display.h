/* display: the hall's call screen (/display) as data — the calls table
 * (schema/006-calls.sql) and what the screen shows: the last calls of
 * today, newest first, and how many tickets wait to be called. Tickets and
 * window names only: no case id, no staffer, nothing a resident typed.
 *
 * A call is written by the move that makes it (window.c, inside its
 * transaction) through display_call_add; after a commit that changes what
 * the screen shows (a call, a submission, an acceptance or return of a
 * waiting case) the mover calls display_changed, which wakes the hold list
 * the HTTP side set (api_display: the held long polls are answered).
 */
#ifndef SPK_DISPLAY_H
#define SPK_DISPLAY_H

#include <stdint.h>

#include "db.h"
#include "refusal.h"

struct hold;

#define DISPLAY_KEEP 50             /* rows of calls kept: today's newest, and each ticket's last */
#define DISPLAY_CALLS 10            /* calls an answer lists */
#define DISPLAY_WINDOW_DIGITS 3     /* a window number: 1 to 999 */
#define DISPLAY_WINDOW_CHARS 8      /* a window name: at most this many characters */
#define DISPLAY_WINDOW_BUF (DISPLAY_WINDOW_CHARS * 3 + 1)  /* ASCII or CJK: 3 bytes each at most */

/* 422 bad_window: what a window name that is refused gets. */
extern const struct refusal display_err_window;

/* Checks and normalises the window a staffer calls to. NULL or blank: no
 * window (out ""). Otherwise, once trimmed: 1 to 3 digits, a number 1..999
 * (leading zeros dropped: "03" is "3"); or a name of 1 to
 * DISPLAY_WINDOW_CHARS characters, each an ASCII letter or digit (letters
 * made upper-case: "a2" is "A2") or a CJK ideograph ("综合窗口"): no
 * spaces, punctuation or other scripts. Returns 0 with out filled, 1 with
 * e (display_err_window). */
int display_window_check(const char *in, char out[DISPLAY_WINDOW_BUF], struct refusal *e);

/* Adds a call of ticket to window ("" or NULL: none) at now, today, and
 * deletes the rows nobody needs (earlier days, and past the newest
 * DISPLAY_KEEP a call a later one of the same ticket replaced: a ticket's
 * last call of the day stays, for called_window). To be called inside the caller's open write
 * transaction (the move's). Returns 0 or -1. */
int display_call_add(struct db *db, const char *ticket, const char *window);

/* What the screen shows, read in one read transaction:
 * {"seq":S,"calls":[{"seq","ticket","window","at"}],"waiting":N}: S is the
 * newest call's number (0 before any; any later call has another one, so a
 * client waits for S to change), calls the last DISPLAY_CALLS of today,
 * newest first (window null when none was set), waiting the tickets handed
 * in and not called yet. */
struct display_view {
    char *json;         /* malloc'ed; caller frees */
    int64_t seq;
    long waiting;
    char day[11];       /* the local date it was read for (YYYY-MM-DD) */
};

/* Returns 0 with v filled, or -1. */
int display_read(struct db *db, struct display_view *v);

/* After a commit that changes what the screen shows: wakes the held long
 * polls (none set: nothing happens). Any thread. */
void display_changed(void);

/* The list display_changed wakes (NULL: none). Set before the workers
 * start and cleared after they stopped. */
void display_set_hold(struct hold *h);

#endif
