/* throttle: the in-memory throttles of guessing — a resident's case
 * lookup by ticket (api_cases.c) and the staff login (api_auth.c), in
 * tables of their own so that neither can lock the other.
 *
 * The lookup counts an attempt against two keys, the ticket and the client
 * address; a key with THROTTLE_FAIL_LIMIT failures within
 * THROTTLE_FAIL_WINDOW seconds is locked for THROTTLE_LOCK_SECONDS.
 *
 * A login never locks (issue #12, item 5: a stranger must not be able to
 * lock a staffer out): it slows down. Failures count per pair of name and
 * address (or name and known device): THROTTLE_LOGIN_FREE of them cost
 * nothing, each further one makes the pair wait, THROTTLE_LOGIN_DELAY
 * seconds doubling up to THROTTLE_LOGIN_DELAY_MAX. Across pairs, past
 * THROTTLE_LOGIN_HOURLY failures within about an hour at a name, or from
 * an address, attempts at that name (from that address) are spaced
 * THROTTLE_LOGIN_SPACING seconds apart — this bounds guessing spread over
 * many addresses, or over many names — except from a device the name has
 * logged in from before (devices.h), so the staffer keeps working while
 * someone guesses. A known device's pair lives in a table of its own, so
 * that a flood of made-up keys filling the shared one cannot hold it up.
 *
 * An attempt counts from its begin, before the password is hashed, so
 * that parallel requests cannot get more guesses in between. Nothing is
 * stored: a restart forgets the throttle, which costs an attacker a
 * restart they cannot cause. Thread-safe.
 */
#ifndef SPK_THROTTLE_H
#define SPK_THROTTLE_H

#include <netinet/in.h>

#include <stdbool.h>

#define THROTTLE_FAIL_LIMIT 5           /* lookup failures per ticket or address ... */
#define THROTTLE_FAIL_WINDOW (15 * 60)  /* ... within this many seconds ... */
#define THROTTLE_LOCK_SECONDS (15 * 60) /* ... lock logins for this long */
#define THROTTLE_KEY_MAX 48

/* The two keys of a lookup, as throttle_keys_lookup builds them. */
struct throttle_keys {
    char name[THROTTLE_KEY_MAX];    /* "t:SIDE:TICKET" */
    char addr[THROTTLE_KEY_MAX];    /* "l:ADDRESS" */
};

enum throttle_outcome {
    THROTTLE_NONE,      /* not checked (busy, database error): only released */
    THROTTLE_FAILED,    /* a wrong name or password (ticket): counted on every key */
    THROTTLE_OK,        /* the pair's (the ticket's) failures are forgotten */
};

/* The keys of a resident's case lookup (window_lookup) by ticket from
 * addr (an address as text; an IPv6 client counts by its /64, since one
 * host may hold a whole /64): "t:SIDE:TICKET" (upper case) and
 * "l:ADDRESS". Counting per ticket bounds the guesses at one ticket from
 * however many addresses; SIDE (outside: addr is not in the hall's
 * network, quota_side_of) keeps the misses from outside from locking the
 * ticket at the hall's kiosks. */
void throttle_keys_lookup(struct throttle_keys *k, const char *ticket, const char *addr,
                          bool outside);

/* Starts an attempt at time now (seconds). Returns 0 when it may go on —
 * it then counts against both keys until throttle_attempt_end, which the
 * caller must call; otherwise the seconds to wait, when either key is
 * locked, has as many failures and attempts in flight as it may, or
 * cannot be remembered (every slot busy: a minute). */
long long throttle_attempt_begin(const struct throttle_keys *k, long long now);

/* Ends an attempt begun by throttle_attempt_begin with its outcome. A
 * failure locks a key at its THROTTLE_FAIL_LIMIT-th within the window. */
void throttle_attempt_end(const struct throttle_keys *k, long long now,
                          enum throttle_outcome out);

/* Failures of every case lookup together, whatever the ticket or
 * address, counted apart for the hall's network and for outside it
 * (outside): at THROTTLE_OVERALL_LIMIT within the current window of
 * THROTTLE_FAIL_WINDOW seconds, the hall's lookups wait for the next
 * window; at THROTTLE_OUTSIDE_LIMIT within THROTTLE_OUTSIDE_WINDOW,
 * outside ones do. This bounds guesses spread over many tickets and many
 * addresses, while a flood from the internet cannot close the kiosks'
 * lookups; scanning a slip's code never counts.
 *
 * Outside's bound is a day's, not a quarter-hour's: a ticket is on the call
 * screen and a case answers to two or three last fours of 10,000, so 100
 * misses every 15 minutes let a patient outsider open about two of the
 * day's cases (name, phone) a day (a review); 50 a day make it about one
 * a quarter, and a resident at home who mistypes twice is far from them.
 * When an outsider uses them up, home lookups wait for the next day; the
 * slip's code and the text's link still open the case. */
#define THROTTLE_OVERALL_LIMIT 100
#define THROTTLE_OUTSIDE_LIMIT 50
#define THROTTLE_OUTSIDE_WINDOW (24 * 60 * 60)

/* 0 when a lookup from that side may go on at time now, else the seconds
 * to wait (up to THROTTLE_OUTSIDE_WINDOW outside). */
long long throttle_overall_wait(bool outside, long long now);

/* Counts a failed lookup from that side at time now. */
void throttle_overall_fail(bool outside, long long now);

/* ---- the login -------------------------------------------------------- */

#define THROTTLE_LOGIN_FREE 5               /* failures of a pair that cost no wait */
#define THROTTLE_LOGIN_DELAY 30             /* seconds after the first one past them ... */
#define THROTTLE_LOGIN_DELAY_MAX (15 * 60)  /* ... doubling up to this */
#define THROTTLE_LOGIN_FORGET (60 * 60)     /* a pair without a failure for this long starts over */
#define THROTTLE_LOGIN_HOURLY 50            /* failures at a name, or from an address, per hour ... */
#define THROTTLE_LOGIN_SPACING 60           /* ... past which its attempts are this far apart */
#define THROTTLE_LOGIN_KEY_MAX 96

/* The keys of a login attempt, as throttle_login_keys builds them. */
struct throttle_login {
    char pair[THROTTLE_LOGIN_KEY_MAX];  /* "p:NAME@ADDRESS" or "p:NAME@d:DEVICE" */
    char name[THROTTLE_LOGIN_KEY_MAX];  /* "n:SIDE:NAME" */
    char addr[THROTTLE_LOGIN_KEY_MAX];  /* "a:ADDRESS" */
    bool known;                         /* from a known device: no name or address bound */
};

/* The keys of a login at name from addr (as throttle_keys_lookup counts
 * it); device is the id of a device name has logged in from before
 * (devices_known), or NULL. The name's bound is counted apart for the
 * hall's network and for outside it (outside: addr is not in the hall's
 * network, quota_side_of), so that guesses from the internet do not space
 * the logins of a staffer in the hall. */
void throttle_login_keys(struct throttle_login *k, const char *name, const char *addr,
                         const char *device, bool outside);

/* Starts a login attempt at time now (seconds). Returns 0 when it may go
 * on — it then counts until throttle_login_end, which the caller must
 * call; otherwise the seconds to wait (the pair's delay, the name's or the
 * address's spacing, a minute when the table is full of keys that still
 * count). */
long long throttle_login_begin(const struct throttle_login *k, long long now);

/* Ends an attempt begun by throttle_login_begin with its outcome: a
 * failure counts on every key (and sets the pair's delay), a success
 * forgets the pair's failures, THROTTLE_NONE only releases. */
void throttle_login_end(const struct throttle_login *k, long long now,
                        enum throttle_outcome out);

/* addr as a client is counted (here and by quota): an IPv6 client by its
 * /64, since one host may hold a whole /64; other text as it is (cut to
 * fit). out needs INET6_ADDRSTRLEN bytes. */
void throttle_addr(const char *addr, char out[INET6_ADDRSTRLEN]);

#endif
