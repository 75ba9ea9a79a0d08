/* throttle: per-key failure records in fixed tables of slots (see
 * include/throttle.h): rings of failure times for the lookup, counts and
 * delays for the login. The tables are fixed so that a flood of made-up
 * names cannot grow memory; when every slot still counts, a new key is
 * refused rather than a remembered key's failures pushed out.
 */
#include "throttle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "accounts.h"

#define THROTTLE_SLOTS 8192     /* tickets and addresses remembered at once */
#define THROTTLE_LOGIN_SLOTS 8192   /* login keys remembered at once */
/* Pairs of a name and a device it logged in from: a table of their own,
 * which only holders of such a device can take slots in, so that a flood
 * of made-up names and addresses filling the other cannot make a staffer
 * at their own PC wait. */
#define THROTTLE_DEVICE_SLOTS 1024

struct throttle_slot {
    char key[THROTTLE_KEY_MAX];             /* "t:SIDE:TICKET" or "l:ADDRESS"; "" = free */
    long long fails[THROTTLE_FAIL_LIMIT];   /* times of the latest failures, a ring; 0 = none */
    unsigned next;                          /* where the next failure goes */
    unsigned inflight;                      /* attempts being checked now */
    long long locked_until;
};

static pthread_mutex_t throttle_mu = PTHREAD_MUTEX_INITIALIZER;
static struct throttle_slot throttle_slots[THROTTLE_SLOTS];

void throttle_addr(const char *addr, char out[INET6_ADDRSTRLEN])
{
    unsigned char a6[16];

    snprintf(out, INET6_ADDRSTRLEN, "%s", addr);
    if (inet_pton(AF_INET6, out, a6) == 1) {
        memset(a6 + 8, 0, 8);
        if (!inet_ntop(AF_INET6, a6, out, INET6_ADDRSTRLEN))
            snprintf(out, INET6_ADDRSTRLEN, "?");
    }
}

void throttle_keys_lookup(struct throttle_keys *k, const char *ticket, const char *addr,
                          bool outside)
{
    char a[INET6_ADDRSTRLEN];
    size_t i;

    throttle_addr(addr, a);
    /* a ticket guessed at from outside is locked for outside only: the
     * call screen shows tickets, and five misses from the internet shut
     * the resident's own kiosk lookup out */
    snprintf(k->name, sizeof k->name, "t:%c:%.8s", outside ? 'o' : 'h', ticket);
    for (i = 4; k->name[i]; i++)
        if (k->name[i] >= 'a' && k->name[i] <= 'z')
            k->name[i] = (char)(k->name[i] - 'a' + 'A');
    snprintf(k->addr, sizeof k->addr, "l:%s", a);
}

/* Failures of s within the window before now. */
static unsigned throttle_slot_recent(const struct throttle_slot *s, long long now)
{
    unsigned i, n = 0;

    for (i = 0; i < THROTTLE_FAIL_LIMIT; i++)
        if (s->fails[i] && now - s->fails[i] < THROTTLE_FAIL_WINDOW)
            n++;
    return n;
}

/* A slot may be reused when it holds nothing that still counts. */
static bool throttle_slot_idle(const struct throttle_slot *s, long long now)
{
    return !s->key[0] ||
           (s->inflight == 0 && s->locked_until <= now && throttle_slot_recent(s, now) == 0);
}

/* The slot of key, or with create a new one; NULL when key has none and
 * every slot still counts. Caller holds the mutex. */
static struct throttle_slot *throttle_slot_get(const char *key, long long now, bool create)
{
    struct throttle_slot *free_slot = NULL;
    size_t i;

    for (i = 0; i < THROTTLE_SLOTS; i++) {
        struct throttle_slot *c = &throttle_slots[i];
        if (c->key[0] && strcmp(c->key, key) == 0)
            return c;
        if (!free_slot && throttle_slot_idle(c, now))
            free_slot = c;
    }
    if (!create || !free_slot)
        return NULL;
    memset(free_slot, 0, sizeof *free_slot);
    snprintf(free_slot->key, sizeof free_slot->key, "%s", key);
    return free_slot;
}

/* Whether s may start an attempt now. Caller holds the mutex. */
static bool throttle_slot_allows(const struct throttle_slot *s, long long now)
{
    return s->locked_until <= now &&
           throttle_slot_recent(s, now) + s->inflight < THROTTLE_FAIL_LIMIT;
}

/* How long until slot s would let an attempt start. */
static long long throttle_slot_wait(const struct throttle_slot *s, long long now)
{
    if (s->locked_until > now)
        return s->locked_until - now;
    /* failures and attempts in flight at the limit: an attempt ends soon */
    return 1;
}

long long throttle_attempt_begin(const struct throttle_keys *k, long long now)
{
    struct throttle_slot *s0, *s1;
    long long wait = 60;

    pthread_mutex_lock(&throttle_mu);
    s0 = throttle_slot_get(k->name, now, true);
    if (s0 && !throttle_slot_allows(s0, now)) {
        wait = throttle_slot_wait(s0, now);
    } else if (s0) {
        /* in flight first, so that taking the second slot cannot reuse it */
        s0->inflight++;
        s1 = throttle_slot_get(k->addr, now, true);
        if (s1 && throttle_slot_allows(s1, now)) {
            s1->inflight++;
            wait = 0;
        } else {
            s0->inflight--;
            if (s1)
                wait = throttle_slot_wait(s1, now);
        }
    }
    pthread_mutex_unlock(&throttle_mu);
    return wait;
}

void throttle_attempt_end(const struct throttle_keys *k, long long now,
                          enum throttle_outcome out)
{
    const char *keys[2] = {k->name, k->addr};
    size_t i;

    pthread_mutex_lock(&throttle_mu);
    for (i = 0; i < 2; i++) {
        /* never evicted while in flight, so it is found */
        struct throttle_slot *s = throttle_slot_get(keys[i], now, false);
        if (!s)
            continue;
        if (s->inflight)
            s->inflight--;
        if (out == THROTTLE_FAILED) {
            s->fails[s->next] = now;
            s->next = (s->next + 1) % THROTTLE_FAIL_LIMIT;
            if (throttle_slot_recent(s, now) >= THROTTLE_FAIL_LIMIT)
                s->locked_until = now + THROTTLE_LOCK_SECONDS;
        } else if (out == THROTTLE_OK && i == 0) {
            /* a success proves the name, not the address */
            memset(s->fails, 0, sizeof s->fails);
        }
    }
    pthread_mutex_unlock(&throttle_mu);
}

/* ---- the overall count of lookups ---------------------------------------- */

/* Kept twice, for the hall's network [0] and outside it [1], as the case
 * quota's overall buckets: with one count, a hundred misses from the
 * internet closed the lookup at every kiosk in the hall. Each side has its
 * own window and bound (throttle.h says why outside's is a day). */
static long long throttle_overall_start[2];   /* start of the current window */
static unsigned throttle_overall_fails[2];
static const long long throttle_overall_window[2] = { THROTTLE_FAIL_WINDOW, THROTTLE_OUTSIDE_WINDOW };
static const unsigned throttle_overall_limit[2] = { THROTTLE_OVERALL_LIMIT, THROTTLE_OUTSIDE_LIMIT };

/* Caller holds the mutex. */
static void throttle_overall_roll(int side, long long now)
{
    if (now - throttle_overall_start[side] >= throttle_overall_window[side] ||
        now < throttle_overall_start[side]) {
        throttle_overall_start[side] = now;
        throttle_overall_fails[side] = 0;
    }
}

long long throttle_overall_wait(bool outside, long long now)
{
    int side = outside ? 1 : 0;
    long long wait = 0;

    pthread_mutex_lock(&throttle_mu);
    throttle_overall_roll(side, now);
    if (throttle_overall_fails[side] >= throttle_overall_limit[side])
        wait = throttle_overall_start[side] + throttle_overall_window[side] - now;
    pthread_mutex_unlock(&throttle_mu);
    return wait > 0 ? wait : 0;
}

void throttle_overall_fail(bool outside, long long now)
{
    int side = outside ? 1 : 0;

    pthread_mutex_lock(&throttle_mu);
    throttle_overall_roll(side, now);
    throttle_overall_fails[side]++;
    pthread_mutex_unlock(&throttle_mu);
}

/* ---- the login ------------------------------------------------------------ */

/* A login key: a pair ("p:") counts failures since it was last quiet for
 * THROTTLE_LOGIN_FORGET; a bound ("n:", "a:") counts failures in the
 * current hour and the one before, weighing the latter by how much of it
 * the last hour still covers. */
struct throttle_login_slot {
    char key[THROTTLE_LOGIN_KEY_MAX];   /* "" = free */
    unsigned fails;         /* pair: failures; bound: this hour's */
    unsigned prev;          /* bound: the hour before's */
    long long since;        /* pair: last failure; bound: start of this hour */
    long long next_at;      /* no attempt starts before this */
    unsigned inflight;      /* attempts being checked now */
};

static struct throttle_login_slot throttle_login_slots[THROTTLE_LOGIN_SLOTS];
static struct throttle_login_slot throttle_device_slots[THROTTLE_DEVICE_SLOTS];

struct throttle_table {
    struct throttle_login_slot *v;
    size_t n;
};

static const struct throttle_table throttle_login_table = {throttle_login_slots,
                                                           THROTTLE_LOGIN_SLOTS};
static const struct throttle_table throttle_device_table = {throttle_device_slots,
                                                            THROTTLE_DEVICE_SLOTS};

/* The table of a login's pair: a known device's, or the shared one. */
static const struct throttle_table *throttle_pair_table(const struct throttle_login *k)
{
    return k->known ? &throttle_device_table : &throttle_login_table;
}

void throttle_login_keys(struct throttle_login *k, const char *name, const char *addr,
                         const char *device, bool outside)
{
    char a[INET6_ADDRSTRLEN];

    throttle_addr(addr, a);
    k->known = device != NULL;
    if (device)
        snprintf(k->pair, sizeof k->pair, "p:%.*s@d:%.16s", ACCOUNTS_NAME_MAX, name, device);
    else
        snprintf(k->pair, sizeof k->pair, "p:%.*s@%s", ACCOUNTS_NAME_MAX, name, a);
    /* guesses at a name from the internet must not space the logins of
     * the staffer at a new PC in the hall: each side has its own bound */
    snprintf(k->name, sizeof k->name, "n:%c:%.*s", outside ? 'o' : 'h', ACCOUNTS_NAME_MAX, name);
    snprintf(k->addr, sizeof k->addr, "a:%s", a);
}

/* Rolls a bound's hours forward to now, by whole hours: the hour before
 * is weighed by how much of it the last hour still covers, so it must
 * keep its own start. Set to now, failures nearly two hours old counted
 * in full at the roll (a review). */
static void throttle_login_roll(struct throttle_login_slot *s, long long now)
{
    long long hours;

    if (now < s->since) {
        s->since = now;     /* the clock went back: keep the counts */
        return;
    }
    hours = (now - s->since) / THROTTLE_LOGIN_FORGET;
    if (hours == 0)
        return;
    s->prev = hours == 1 ? s->fails : 0;
    s->fails = 0;
    s->since += hours * THROTTLE_LOGIN_FORGET;
}

/* A bound's failures within about the last hour. */
static unsigned throttle_login_hourly(const struct throttle_login_slot *s, long long now)
{
    long long left = THROTTLE_LOGIN_FORGET - (now - s->since);

    if (left < 0)
        left = 0;
    return s->fails + (unsigned)((long long)s->prev * left / THROTTLE_LOGIN_FORGET);
}

/* Whether s still counts at now: else its slot may be reused. */
static bool throttle_login_live(const struct throttle_login_slot *s, long long now)
{
    if (!s->key[0])
        return false;
    if (s->inflight || s->next_at > now)
        return true;
    if (s->key[0] == 'p')
        return s->fails && now - s->since < THROTTLE_LOGIN_FORGET;
    return throttle_login_hourly(s, now) > 0 && now - s->since < 2 * THROTTLE_LOGIN_FORGET;
}

/* The slot of key in table t, made when missing; NULL when every slot
 * still counts. Caller holds the mutex. */
static struct throttle_login_slot *throttle_login_slot(const struct throttle_table *t,
                                                       const char *key, long long now)
{
    struct throttle_login_slot *free_slot = NULL;
    size_t i;

    for (i = 0; i < t->n; i++) {
        struct throttle_login_slot *c = &t->v[i];
        if (c->key[0] && strcmp(c->key, key) == 0)
            return c;
        if (!free_slot && !throttle_login_live(c, now))
            free_slot = c;
    }
    if (!free_slot)
        return NULL;
    memset(free_slot, 0, sizeof *free_slot);
    snprintf(free_slot->key, sizeof free_slot->key, "%s", key);
    free_slot->since = now;
    return free_slot;
}

/* The wait a pair owes after n failures. */
static long long throttle_login_delay(unsigned n)
{
    long long d = THROTTLE_LOGIN_DELAY;
    unsigned i;

    if (n < THROTTLE_LOGIN_FREE)
        return 0;
    for (i = THROTTLE_LOGIN_FREE; i < n && d < THROTTLE_LOGIN_DELAY_MAX; i++)
        d *= 2;
    return d < THROTTLE_LOGIN_DELAY_MAX ? d : THROTTLE_LOGIN_DELAY_MAX;
}

/* Seconds before pair p may start an attempt; 0 now. */
static long long throttle_login_pair_wait(const struct throttle_login_slot *p, long long now)
{
    if (p->fails && now - p->since >= THROTTLE_LOGIN_FORGET && !p->inflight)
        return 0;   /* quiet long enough: starts over (in begin) */
    if (p->next_at > now)
        return p->next_at - now;
    if (p->fails + p->inflight < THROTTLE_LOGIN_FREE)
        return 0;
    /* past the free failures one at a time; one in flight ends soon */
    return p->inflight ? 1 : 0;
}

/* Seconds before bound b lets an attempt start; 0 now. */
static long long throttle_login_bound_wait(struct throttle_login_slot *b, long long now)
{
    throttle_login_roll(b, now);
    if (throttle_login_hourly(b, now) < THROTTLE_LOGIN_HOURLY)
        return 0;
    return b->next_at > now ? b->next_at - now : 0;
}

long long throttle_login_begin(const struct throttle_login *k, long long now)
{
    struct throttle_login_slot *p, *n = NULL, *a = NULL;
    long long wait = 60, w;

    pthread_mutex_lock(&throttle_mu);
    /* the pair first, so that taking the bounds' slots cannot reuse it */
    if (!(p = throttle_login_slot(throttle_pair_table(k), k->pair, now)))
        goto out;
    p->inflight++;
    if (!k->known && (!(n = throttle_login_slot(&throttle_login_table, k->name, now)) ||
                      !(a = throttle_login_slot(&throttle_login_table, k->addr, now)))) {
        p->inflight--;
        goto out;
    }
    p->inflight--;
    wait = throttle_login_pair_wait(p, now);
    if (n && (w = throttle_login_bound_wait(n, now)) > wait)
        wait = w;
    if (a && (w = throttle_login_bound_wait(a, now)) > wait)
        wait = w;
    if (wait > 0)
        goto out;
    if (p->fails && now - p->since >= THROTTLE_LOGIN_FORGET)
        p->fails = 0;
    p->inflight++;
    /* past the free failures, hold the pair (and the bounds past theirs)
     * until this attempt ends, so that parallel guesses get no more */
    if (p->fails >= THROTTLE_LOGIN_FREE)
        p->next_at = now + throttle_login_delay(p->fails);
    if (n && throttle_login_hourly(n, now) >= THROTTLE_LOGIN_HOURLY)
        n->next_at = now + THROTTLE_LOGIN_SPACING;
    if (a && throttle_login_hourly(a, now) >= THROTTLE_LOGIN_HOURLY)
        a->next_at = now + THROTTLE_LOGIN_SPACING;
out:
    pthread_mutex_unlock(&throttle_mu);
    return wait;
}

/* The slot of key in table t when it is remembered. Caller holds the
 * mutex. */
static struct throttle_login_slot *throttle_login_find(const struct throttle_table *t,
                                                       const char *key)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (strcmp(t->v[i].key, key) == 0)
            return &t->v[i];
    return NULL;
}

void throttle_login_end(const struct throttle_login *k, long long now,
                        enum throttle_outcome out)
{
    const char *bounds[2] = {k->name, k->addr};
    struct throttle_login_slot *p, *b;
    size_t i;

    pthread_mutex_lock(&throttle_mu);
    /* never reused while in flight, so it is found */
    if ((p = throttle_login_find(throttle_pair_table(k), k->pair))) {
        if (p->inflight)
            p->inflight--;
        if (out == THROTTLE_FAILED) {
            p->fails++;
            p->since = now;
            p->next_at = now + throttle_login_delay(p->fails);
        } else if (out == THROTTLE_OK) {
            p->fails = 0;
            p->next_at = 0;
        } else if (p->next_at > now) {
            p->next_at = now;   /* nothing was checked: nothing owed */
        }
    }
    /* a known device's own failures still count at the name: they are
     * guesses all the same when the cookie was stolen */
    for (i = 0; out == THROTTLE_FAILED && i < 2; i++) {
        if (!(b = throttle_login_find(&throttle_login_table, bounds[i])) &&
            !(b = throttle_login_slot(&throttle_login_table, bounds[i], now)))
            continue;
        throttle_login_roll(b, now);
        b->fails++;
    }
    pthread_mutex_unlock(&throttle_mu);
}
