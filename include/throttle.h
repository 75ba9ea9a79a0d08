/* throttle: the in-memory login throttle. A login attempt counts against
 * two keys, its user name and its client address; a key with
 * THROTTLE_FAIL_LIMIT failures within THROTTLE_FAIL_WINDOW seconds is
 * locked for THROTTLE_LOCK_SECONDS.
 *
 * An attempt counts against its keys from throttle_attempt_begin, before
 * the password is hashed, so that parallel requests cannot get more
 * guesses in between. Nothing is stored: a restart forgets the throttle,
 * which costs an attacker a restart they cannot cause. Thread-safe. The
 * same table throttles a resident's case lookup by ticket (api_cases.c),
 * under keys of its own.
 */
#ifndef SPK_THROTTLE_H
#define SPK_THROTTLE_H

#define THROTTLE_FAIL_LIMIT 5           /* failures per name or address ... */
#define THROTTLE_FAIL_WINDOW (15 * 60)  /* ... within this many seconds ... */
#define THROTTLE_LOCK_SECONDS (15 * 60) /* ... lock logins for this long */
#define THROTTLE_KEY_MAX 48

/* The two keys of an attempt, as throttle_keys_make builds them. */
struct throttle_keys {
    char name[THROTTLE_KEY_MAX];    /* "n:NAME" */
    char addr[THROTTLE_KEY_MAX];    /* "a:ADDRESS" */
};

enum throttle_outcome {
    THROTTLE_NONE,      /* not checked (busy, database error): only released */
    THROTTLE_FAILED,    /* a wrong name or password: counted on both keys */
    THROTTLE_OK,        /* the name's failures are forgotten */
};

/* The keys of an attempt at name from addr (an address as text; an IPv6
 * client counts by its /64, since one host may hold a whole /64). */
void throttle_keys_make(struct throttle_keys *k, const char *name, const char *addr);

/* The keys of a resident's case lookup (window_lookup) by ticket from
 * addr: "t:TICKET" (upper case) and "l:ADDRESS", apart from the login's
 * keys so that failures of one never lock the other. Counting per ticket
 * bounds the guesses at one ticket from however many addresses. */
void throttle_keys_lookup(struct throttle_keys *k, const char *ticket, const char *addr);

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
 * address: at THROTTLE_OVERALL_LIMIT within the current window of
 * THROTTLE_FAIL_WINDOW seconds, lookups wait for the next window. This
 * bounds guesses spread over many tickets and many addresses; scanning a
 * slip's code never counts. */
#define THROTTLE_OVERALL_LIMIT 100

/* 0 when a lookup may go on at time now, else the seconds to wait. */
long long throttle_overall_wait(long long now);

/* Counts a failed lookup at time now. */
void throttle_overall_fail(long long now);

#endif
