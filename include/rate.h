/* rate: rating after the service (好差评) at the window's evaluator — the
 * offers of schema rate_offers. A finishing move at a window (window.c:
 * complete, with the staffer's window) offers the case it just served to
 * that window's evaluator page (/rate?window=3): a random one-time token,
 * the ticket, the item's title and the time. The next offer at the window
 * replaces it; it is unusable RATE_OFFER_SECONDS after it was made, and
 * it is no longer shown once the case is rated (by it or otherwise).
 *
 * The evaluator is public and learns nothing that opens the case: the
 * token rates that one case once and reads nothing; the case id never
 * leaves this table.
 */
#ifndef SPK_RATE_H
#define SPK_RATE_H

#include <stdint.h>

#include "clock.h"
#include "db.h"
#include "refusal.h"

struct hold;

#define RATE_TOKEN_LEN 32               /* hex digits of a token (128 random bits) */
#define RATE_OFFER_SECONDS (15 * 60)    /* an offer's life */

/* Offers case_id (ticket, title: as the evaluator shows them) to window (a
 * name display_window_check returned, not ""), now, replacing the
 * window's offer and deleting every stale one. To be called inside the
 * caller's open write transaction (the move's), which it neither commits
 * nor rolls back. Returns 0 or -1. */
int rate_offer_add(struct db *db, const char *window, const char *case_id, const char *ticket,
                   const char *title);

/* Ends window's offer (as above) without a new one (the case served there
 * is rated already), and deletes every stale one; inside the caller's
 * transaction, as rate_offer_add. Returns 0 or -1. */
int rate_offer_clear(struct db *db, const char *window);

#define RATE_CALL_GRACE_SECONDS 30      /* an offer's life left once the window calls the next */

/* The window called the next resident: its offer, if any, ends
 * RATE_CALL_GRACE_SECONDS from now at the latest, so that the resident
 * just served can still finish a rating while the next one walks up, and
 * the next one is never asked to rate a stranger's case. Inside the
 * caller's transaction, as rate_offer_add. Returns 1 when an offer was
 * shortened (the tablets are then to be woken), 0 when there was none to
 * shorten, -1 on a database error. */
int rate_offer_shorten(struct db *db, const char *window);

#define RATE_KEY_LEN 32                 /* hex digits of an evaluator's key (128 random bits) */
#define RATE_KEYS_MAX 256               /* windows with a key at once; a hall has a few dozen */

/* What the evaluator of window (as above) shows, in one read transaction:
 * {"seq":S,"offer":{"token","ticket","title","at","expires_in"}|null}: the window's
 * offer when it is fresh and its case not rated, with S its number (0
 * with no offer; a new offer, or the end of this one, changes S), and
 * expires_in the whole seconds it has left (the tablet ends it then, not
 * at its next poll). */
struct rate_view {
    char *json;         /* malloc'ed; caller frees */
    int64_t seq;
};

/* Only for the window's key (key: what the tablet sent, NULL when none):
 * returns 0 with v filled, 1 (v empty) when key is not the key rate_key_make
 * last made for window (none made, another, or NULL), or -1. The key is
 * read in the same transaction as the offer, so a key renewed while a long
 * poll was held ends that tablet at its answer. */
int rate_read(struct db *db, const char *window, const char *key, struct rate_view *v);

/* Makes a new key for window (a name display_window_check returned, not
 * ""), made by user (an admin), replacing the window's old key, in its own
 * transaction, and wakes the held polls so that a tablet with the old key
 * is told at once. Returns 0 with key (RATE_KEY_LEN hex digits and NUL)
 * and at (the UTC instant) filled; 1 with e set (invalid, too_many_windows)
 * when RATE_KEYS_MAX other windows have a key; -1 on error. */
int rate_key_make(struct db *db, const char *window, const char *user,
                  char key[RATE_KEY_LEN + 1], char at[CLOCK_UTC_LEN], struct refusal *e);

/* Deletes window's key in its own transaction (its tablet stops at its next
 * ask) and wakes the held polls. Returns 0; 1 with e set (not found,
 * unknown_window) when the window has no key; -1 on error. */
int rate_key_remove(struct db *db, const char *window, struct refusal *e);

/* Every window's key, in one read transaction:
 * {"keys":[{"window","key","made_at","made_by"}]} ordered by window (numbers
 * by value, then names). Returns the malloc'ed JSON (caller frees) or NULL. */
char *rate_key_list(struct db *db);

/* Rates the case of a fresh offer's token (score, comment, reasons as
 * cases_rate takes them), in one transaction. Returns 0; 1 with e set:
 * unknown_offer (not found) for a token of no fresh offer, what
 * cases_rate_check refuses (invalid), already_rated (conflict) for a case
 * rated before; -1 on error. */
int rate_spend(struct db *db, const char *token, int score, const char *comment,
               unsigned reasons, struct refusal *e);

/* After a commit that changes what an evaluator shows (an offer, a
 * rating): wakes the held long polls (none set: nothing happens). Any
 * thread. */
void rate_changed(void);

/* The list rate_changed wakes (NULL: none). Set before the workers start
 * and cleared after they stopped. */
void rate_set_hold(struct hold *h);

#endif
