/* throttle: per-key failure rings in a fixed table of slots (see
 * include/throttle.h). The table is fixed so that a flood of made-up names
 * cannot grow memory; when every slot still counts, a new key is refused
 * rather than a remembered key's failures pushed out.
 */
#include "throttle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "accounts.h"

#define THROTTLE_SLOTS 8192     /* names and addresses remembered at once */

struct throttle_slot {
    char key[THROTTLE_KEY_MAX];             /* "n:NAME" or "a:ADDRESS"; "" = free */
    long long fails[THROTTLE_FAIL_LIMIT];   /* times of the latest failures, a ring; 0 = none */
    unsigned next;                          /* where the next failure goes */
    unsigned inflight;                      /* attempts being checked now */
    long long locked_until;
};

static pthread_mutex_t throttle_mu = PTHREAD_MUTEX_INITIALIZER;
static struct throttle_slot throttle_slots[THROTTLE_SLOTS];

/* addr as a throttle counts it: an IPv6 client by its /64, since one host
 * may hold a whole /64. */
static void throttle_addr(const char *addr, char out[INET6_ADDRSTRLEN])
{
    unsigned char a6[16];

    snprintf(out, INET6_ADDRSTRLEN, "%s", addr);
    if (inet_pton(AF_INET6, out, a6) == 1) {
        memset(a6 + 8, 0, 8);
        if (!inet_ntop(AF_INET6, a6, out, INET6_ADDRSTRLEN))
            snprintf(out, INET6_ADDRSTRLEN, "?");
    }
}

void throttle_keys_make(struct throttle_keys *k, const char *name, const char *addr)
{
    char a[INET6_ADDRSTRLEN];

    throttle_addr(addr, a);
    snprintf(k->name, sizeof k->name, "n:%.*s", ACCOUNTS_NAME_MAX, name);
    snprintf(k->addr, sizeof k->addr, "a:%s", a);
}

void throttle_keys_lookup(struct throttle_keys *k, const char *ticket, const char *addr)
{
    char a[INET6_ADDRSTRLEN];
    size_t i;

    throttle_addr(addr, a);
    snprintf(k->name, sizeof k->name, "t:%.8s", ticket);
    for (i = 2; k->name[i]; i++)
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

static long long throttle_overall_start;   /* start of the current window */
static unsigned throttle_overall_fails;

/* Caller holds the mutex. */
static void throttle_overall_roll(long long now)
{
    if (now - throttle_overall_start >= THROTTLE_FAIL_WINDOW || now < throttle_overall_start) {
        throttle_overall_start = now;
        throttle_overall_fails = 0;
    }
}

long long throttle_overall_wait(long long now)
{
    long long wait = 0;

    pthread_mutex_lock(&throttle_mu);
    throttle_overall_roll(now);
    if (throttle_overall_fails >= THROTTLE_OVERALL_LIMIT)
        wait = throttle_overall_start + THROTTLE_FAIL_WINDOW - now;
    pthread_mutex_unlock(&throttle_mu);
    return wait > 0 ? wait : 0;
}

void throttle_overall_fail(long long now)
{
    pthread_mutex_lock(&throttle_mu);
    throttle_overall_roll(now);
    throttle_overall_fails++;
    pthread_mutex_unlock(&throttle_mu);
}
