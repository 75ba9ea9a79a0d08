/* quota: token buckets for the public's case creation and hand-ins, one
 * per kind and client address in a fixed table, and one per kind for
 * everyone on each side of the hall's network (see include/quota.h). A slot
 * whose bucket has filled up again holds nothing a fresh one would not, so
 * it is the one reused. */
#include "quota.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"

#define QUOTA_SLOTS 4096    /* addresses remembered at once, both kinds together */
#define QUOTA_KINDS 2
#define QUOTA_SIDES 2

struct quota_bucket {
    double tokens;
    long long at_ms;        /* when tokens was last brought up to date */
};

struct quota_slot {
    char addr[INET6_ADDRSTRLEN];    /* "" = free */
    enum quota_kind kind;
    struct quota_bucket b;
};

static pthread_mutex_t quota_mu = PTHREAD_MUTEX_INITIALIZER;
static struct quota_limits quota_lim = {QUOTA_ADDR_BURST, QUOTA_ADDR_PER_HOUR, QUOTA_ALL_BURST,
                                        QUOTA_ALL_PER_HOUR, QUOTA_OPEN_MAX_DEFAULT, {{{{0}, 0}}, 0}};
static struct quota_slot quota_slots[QUOTA_SLOTS];
static struct quota_bucket quota_all[QUOTA_KINDS][QUOTA_SIDES];
static bool quota_all_set[QUOTA_KINDS][QUOTA_SIDES];
static long long quota_logged_ms[QUOTA_SIDES] = {-1, -1};
/* the hall's network quota_side_of reads: --hall-network, else the
 * defaults (filled on first use when quota_configure was not called) */
static struct xff_set quota_hall;
static bool quota_hall_set;

/* Fills set with QUOTA_HALL_NETS. Returns 0, -1 if one does not parse (a
 * mistake in the list, caught by the unit tests). */
static int quota_hall_default(struct xff_set *set)
{
    static const char *const nets[] = QUOTA_HALL_NETS;
    struct xff_net n;
    size_t i;

    memset(set, 0, sizeof *set);
    for (i = 0; i < sizeof nets / sizeof nets[0]; i++)
        if (xff_net_parse(nets[i], &n) != 0 || xff_set_add(set, &n) != 0)
            return -1;
    return 0;
}

void quota_limits_default(struct quota_limits *l)
{
    l->addr_burst = QUOTA_ADDR_BURST;
    l->addr_per_hour = QUOTA_ADDR_PER_HOUR;
    l->all_burst = QUOTA_ALL_BURST;
    l->all_per_hour = QUOTA_ALL_PER_HOUR;
    l->open_max = QUOTA_OPEN_MAX_DEFAULT;
    memset(&l->hall, 0, sizeof l->hall);
}

/* One number of 1..QUOTA_VALUE_MAX at *s, ending at stop; advances *s past
 * stop. -1 when there is none. */
static long quota_number(const char **s, char stop)
{
    const char *p = *s;
    long v = 0;

    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > QUOTA_VALUE_MAX)
            return -1;
    }
    if (*p != stop || v < 1)
        return -1;
    *s = stop ? p + 1 : p;
    return v;
}

int quota_limits_parse(const char *s, struct quota_limits *l)
{
    long v[4];

    if ((v[0] = quota_number(&s, '/')) < 0 || (v[1] = quota_number(&s, ',')) < 0 ||
        (v[2] = quota_number(&s, '/')) < 0 || (v[3] = quota_number(&s, '\0')) < 0)
        return -1;
    l->addr_burst = v[0];
    l->addr_per_hour = v[1];
    l->all_burst = v[2];
    l->all_per_hour = v[3];
    return 0;
}

void quota_configure(const struct quota_limits *l)
{
    pthread_mutex_lock(&quota_mu);
    quota_lim = *l;
    /* without --hall-network, quota_side_locked fills the defaults */
    quota_hall = l->hall;
    quota_hall_set = l->hall.n > 0;
    memset(quota_slots, 0, sizeof quota_slots);
    memset(quota_all_set, 0, sizeof quota_all_set);
    quota_logged_ms[QUOTA_HALL] = quota_logged_ms[QUOTA_OUTSIDE] = -1;
    pthread_mutex_unlock(&quota_mu);
}

long quota_open_max(void)
{
    long n;

    pthread_mutex_lock(&quota_mu);
    n = quota_lim.open_max;
    pthread_mutex_unlock(&quota_mu);
    return n;
}

/* Brings b up to now_ms. Caller holds the mutex. */
static void quota_refill(struct quota_bucket *b, long burst, long per_hour, long long now_ms)
{
    if (now_ms > b->at_ms)
        b->tokens += (double)(now_ms - b->at_ms) * (double)per_hour / 3600000.0;
    if (b->tokens > (double)burst)
        b->tokens = (double)burst;
    b->at_ms = now_ms;
}

/* Seconds until b holds a whole token (b is up to date): at least 1. */
static long quota_wait(const struct quota_bucket *b, long per_hour)
{
    double s = (1.0 - b->tokens) * 3600.0 / (double)per_hour;
    long w = (long)s;

    if ((double)w < s)
        w++;
    return w < 1 ? 1 : w;
}

/* The bucket of kind and addr, up to date, or a new full one; NULL when
 * every slot is still refilling. Caller holds the mutex. */
static struct quota_bucket *quota_slot_get(enum quota_kind kind, const char *addr,
                                           long long now_ms)
{
    struct quota_slot *free_slot = NULL;
    size_t i;

    for (i = 0; i < QUOTA_SLOTS; i++) {
        struct quota_slot *s = &quota_slots[i];
        if (s->addr[0] && s->kind == kind && strcmp(s->addr, addr) == 0) {
            quota_refill(&s->b, quota_lim.addr_burst, quota_lim.addr_per_hour, now_ms);
            return &s->b;
        }
        if (free_slot)
            continue;
        if (s->addr[0])
            quota_refill(&s->b, quota_lim.addr_burst, quota_lim.addr_per_hour, now_ms);
        if (!s->addr[0] || s->b.tokens >= (double)quota_lim.addr_burst)
            free_slot = s;
    }
    if (!free_slot)
        return NULL;
    snprintf(free_slot->addr, sizeof free_slot->addr, "%s", addr);
    free_slot->kind = kind;
    free_slot->b.tokens = (double)quota_lim.addr_burst;
    free_slot->b.at_ms = now_ms;
    return &free_slot->b;
}

/* Which side addr is on. Caller holds the mutex. */
static enum quota_side quota_side_locked(const char *addr)
{
    unsigned char a[16];

    if (!quota_hall_set) {
        if (quota_hall_default(&quota_hall) != 0)
            memset(&quota_hall, 0, sizeof quota_hall);  /* everyone outside: still bounded */
        quota_hall_set = true;
    }
    if (xff_addr_parse(addr, strlen(addr), a) != 0)
        return QUOTA_OUTSIDE;
    return xff_set_contains(&quota_hall, a) ? QUOTA_HALL : QUOTA_OUTSIDE;
}

enum quota_side quota_side_of(const char *addr)
{
    enum quota_side side;

    pthread_mutex_lock(&quota_mu);
    side = quota_side_locked(addr);
    pthread_mutex_unlock(&quota_mu);
    return side;
}

long quota_take(enum quota_kind kind, const char *addr, long long now_ms)
{
    char a[INET6_ADDRSTRLEN];
    struct quota_bucket *mine, *all;
    enum quota_side side;
    long wait = 0;

    if ((unsigned)kind >= QUOTA_KINDS)
        return 1;
    throttle_addr(addr, a);
    pthread_mutex_lock(&quota_mu);
    side = quota_side_locked(addr);
    all = &quota_all[kind][side];
    if (!quota_all_set[kind][side]) {
        all->tokens = (double)quota_lim.all_burst;
        all->at_ms = now_ms;
        quota_all_set[kind][side] = true;
    }
    quota_refill(all, quota_lim.all_burst, quota_lim.all_per_hour, now_ms);
    mine = quota_slot_get(kind, a, now_ms);
    if (mine && mine->tokens < 1.0)
        wait = quota_wait(mine, quota_lim.addr_per_hour);
    /* both empty: the later of the two, or the retry is refused again */
    if (all->tokens < 1.0) {
        long w = quota_wait(all, quota_lim.all_per_hour);
        if (w > wait)
            wait = w;
    }
    if (wait == 0) {
        all->tokens -= 1.0;
        if (mine)
            mine->tokens -= 1.0;
    }
    pthread_mutex_unlock(&quota_mu);
    return wait;
}

void quota_give_back(enum quota_kind kind, const char *addr, long long now_ms)
{
    char a[INET6_ADDRSTRLEN];
    struct quota_bucket *mine, *all;
    enum quota_side side;

    if ((unsigned)kind >= QUOTA_KINDS)
        return;
    throttle_addr(addr, a);
    pthread_mutex_lock(&quota_mu);
    side = quota_side_locked(addr);
    all = &quota_all[kind][side];
    if (quota_all_set[kind][side]) {
        quota_refill(all, quota_lim.all_burst, quota_lim.all_per_hour, now_ms);
        all->tokens += 1.0;
        quota_refill(all, quota_lim.all_burst, quota_lim.all_per_hour, now_ms);
    }
    /* the address's slot, up to date (a new one is full: nothing to add) */
    if ((mine = quota_slot_get(kind, a, now_ms))) {
        mine->tokens += 1.0;
        quota_refill(mine, quota_lim.addr_burst, quota_lim.addr_per_hour, now_ms);
    }
    pthread_mutex_unlock(&quota_mu);
}

bool quota_open_full_log(enum quota_side side, long long now_ms)
{
    bool log = false;

    if ((unsigned)side >= QUOTA_SIDES)
        return false;
    pthread_mutex_lock(&quota_mu);
    if (quota_logged_ms[side] < 0 || now_ms - quota_logged_ms[side] >= 60000) {
        quota_logged_ms[side] = now_ms;
        log = true;
    }
    pthread_mutex_unlock(&quota_mu);
    return log;
}
