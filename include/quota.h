/* quota: how many cases the public may create and hand in, per client
 * address and overall, so that no one without a login can bury the hall's
 * queue, use up its tickets or fill its disk (issue #12, item 1).
 *
 * Each kind (creating a case, handing one in) has a token bucket per client
 * address (an IPv6 client by its /64, as the login throttle counts) and one
 * for everyone together. A bucket holds up to `burst` tokens, refills at
 * `per_hour`, and each action takes one; an action that finds either bucket
 * empty is refused with the seconds until a token is back. In memory, a
 * fixed table: a restart forgets it, and a flood of addresses cannot grow
 * it (with every slot busy, a new address counts against the overall bucket
 * only, which bounds it anyway). Thread-safe.
 *
 * The overall buckets, and the cap on open cases, are kept twice: for the
 * hall's own network (`--hall-network`, by default the private, loopback
 * and link-local ranges: the kiosks, the hall's Wi-Fi, a proxy on the same
 * machine) and for everyone outside it (phones at home over the internet).
 * With one overall bucket two addresses anywhere on the internet, each
 * within its own rate, took every token of it and the kiosks in the hall
 * could start no case (a review); now a flood from outside empties only the
 * outside's buckets, and one from inside only the hall's.
 *
 * A staffer's actions (logged in: the window's own cases, 窗口代填) are not
 * counted: the callers pass them by. The sizes and why: docs/reliability.md
 * section 1 and `spkiosk serve --help`.
 */
#ifndef SPK_QUOTA_H
#define SPK_QUOTA_H

#include <stdbool.h>

#include "xff.h"

/* A busy hall hands in a few hundred cases a day, a kiosk at most one every
 * minute or two; behind one NAT ten kiosks share an address: ten a minute at
 * the very most. The limits sit far above that (a real hall, a training day
 * at the window or a conformance suite run against one daemon never meets
 * them) and still turn a flood of thousands a minute into a trickle whose
 * tickets, queue and disk stay bounded: docs/reliability.md section 1. */
#define QUOTA_ADDR_BURST 200        /* actions in a row from one address */
#define QUOTA_ADDR_PER_HOUR 3600    /* then one a second from one address */
#define QUOTA_ALL_BURST 300         /* actions in a row from everyone */
#define QUOTA_ALL_PER_HOUR 3600     /* then one a second from everyone */
#define QUOTA_VALUE_MAX 1000000     /* the largest burst or rate `serve` takes */

/* Open cases (being filled in, not handed in) at once, from the public: an
 * open kiosk case is given up after an hour idle, a web one after a day
 * (sweep.h), so a real hall holds tens to a few hundred; each is ~3 KB. */
#define QUOTA_OPEN_MAX_DEFAULT 5000
#define QUOTA_OPEN_RETRY 60         /* Retry-After when the open cases are full */

enum quota_kind {
    QUOTA_CREATE,       /* POST /api/v1/cases */
    QUOTA_SUBMIT,       /* a hand-in: a ticket, or a web case to pre-review */
};

/* Where a client is, for the overall buckets and the open cases' cap. */
enum quota_side {
    QUOTA_HALL,         /* in --hall-network */
    QUOTA_OUTSIDE,      /* anywhere else, or an address that cannot be read */
};

struct quota_limits {
    long addr_burst, addr_per_hour;     /* per client address, 1..QUOTA_VALUE_MAX */
    long all_burst, all_per_hour;       /* everyone together, 1..QUOTA_VALUE_MAX (each side) */
    long open_max;                      /* open public cases at once, 1..QUOTA_VALUE_MAX (each side) */
    struct xff_set hall;                /* --hall-network; empty: QUOTA_HALL_NETS */
};

/* The hall's network when --hall-network is not given: IPv4 loopback,
 * 10/8, 172.16/12, 192.168/16 and link-local; IPv6 loopback, unique local
 * (fc00::/7) and link-local. */
#define QUOTA_HALL_NETS {"127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", \
                         "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10"}

/* The documented defaults above (the hall's network empty: the ranges of
 * QUOTA_HALL_NETS). */
void quota_limits_default(struct quota_limits *l);

/* Reads `serve --case-quota` "ADDR_BURST/ADDR_PER_HOUR,ALL_BURST/ALL_PER_HOUR"
 * (e.g. "200/3600,300/3600") into l's rates, leaving open_max and hall. Returns 0, or
 * -1 when s is not of that shape or a number is out of 1..QUOTA_VALUE_MAX
 * (l unchanged). */
int quota_limits_parse(const char *s, struct quota_limits *l);

/* Sets the limits every later quota_take uses and empties the buckets
 * (every bucket starts full). Call before serving. */
void quota_configure(const struct quota_limits *l);

/* The configured cap on open public cases, for each side. */
long quota_open_max(void);

/* Which side addr (an address as text, as http_client_addr gives it; read
 * with xff_addr_parse, so a bracketed one or one with a port is read too)
 * is on: QUOTA_HALL when it lies in the configured hall network, else (an
 * unreadable one too) QUOTA_OUTSIDE. */
enum quota_side quota_side_of(const char *addr);

/* Takes one action of kind from addr (an address as text) at now_ms (a
 * monotonic clock in ms). Returns 0 when it may go on (one token taken from
 * the address's bucket and its side's overall one), else the seconds (>= 1)
 * until it may, taking nothing. */
long quota_take(enum quota_kind kind, const char *addr, long long now_ms);

/* Gives back the token quota_take took for an action that then did not
 * happen (a case that does not exist, a refusal, a body at fault), to both
 * buckets, never above their burst: a token is spent only on a case made
 * or handed in, so junk requests from a few addresses cannot use up
 * everyone's hand-ins (a review: 300 requests at a made-up case id, and a
 * real resident's hand-in got 429). */
void quota_give_back(enum quota_kind kind, const char *addr, long long now_ms);

/* Whether the cap on open cases of side, reached at now_ms, should be
 * logged now: true at most once a minute for each side, so that a flood
 * cannot fill the log. */
bool quota_open_full_log(enum quota_side side, long long now_ms);

#endif
