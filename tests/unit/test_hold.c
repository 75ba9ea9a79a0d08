/* Unit tests of the hold list (src/hold.c), the call screen's long polls
 * without HTTP: items are counters, suspend and resume count on them. A
 * held item is resumed exactly once — by a wake, by its timeout (the
 * list's own timer thread) or by close — and never before it was
 * suspended; a wake between reading the generation and parking is seen
 * (HOLD_CHANGED); the cap answers at once (HOLD_FULL); a closed list holds
 * nothing (HOLD_CLOSED). */
#include <criterion/criterion.h>

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "hold.h"

struct item {
    atomic_int suspended;
    atomic_int resumed;
    atomic_bool bad;        /* resumed while not suspended */
};

static void suspend(void *p)
{
    struct item *it = p;

    atomic_fetch_add(&it->suspended, 1);
}

static void resume(void *p)
{
    struct item *it = p;

    if (atomic_load(&it->suspended) <= atomic_load(&it->resumed))
        atomic_store(&it->bad, true);
    atomic_fetch_add(&it->resumed, 1);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Waits up to ms for it to be resumed n times. */
static bool resumed_within(struct item *it, int n, long ms)
{
    long waited;

    for (waited = 0; waited <= ms; waited += 5) {
        if (atomic_load(&it->resumed) >= n)
            return true;
        sleep_ms(5);
    }
    return false;
}

Test(hold, park_then_wake_resumes_every_item_once)
{
    struct hold *h = hold_new(8, suspend, resume);
    struct item a = {0}, b = {0};
    uint64_t g;

    cr_assert_not_null(h);
    g = hold_generation(h);
    cr_assert_eq(hold_park(h, &a, g, 10000), HOLD_HELD);
    cr_assert_eq(hold_park(h, &b, g, 10000), HOLD_HELD);
    cr_assert_eq(atomic_load(&a.suspended), 1);
    cr_assert_eq(atomic_load(&a.resumed), 0);
    cr_assert_eq(hold_count(h), 2);
    hold_wake(h);
    cr_assert_eq(hold_generation(h), g + 1);
    cr_assert_eq(hold_count(h), 0);
    cr_assert_eq(atomic_load(&a.resumed), 1);
    cr_assert_eq(atomic_load(&b.resumed), 1);
    /* a second wake has nothing to resume */
    hold_wake(h);
    cr_assert_eq(atomic_load(&a.resumed), 1);
    hold_free(h);
    cr_assert_eq(atomic_load(&a.resumed), 1, "free does not resume an item twice");
    cr_assert(!atomic_load(&a.bad) && !atomic_load(&b.bad));
}

Test(hold, a_wake_after_the_generation_was_read_is_seen)
{
    struct hold *h = hold_new(8, suspend, resume);
    struct item a = {0};
    uint64_t g = hold_generation(h);

    hold_wake(h); /* a call committed while the handler read the data */
    cr_assert_eq(hold_park(h, &a, g, 10000), HOLD_CHANGED);
    cr_assert_eq(atomic_load(&a.suspended), 0, "nothing suspended: the caller answers");
    cr_assert_eq(hold_count(h), 0);
    cr_assert_eq(hold_park(h, &a, hold_generation(h), 10000), HOLD_HELD);
    hold_free(h);
    cr_assert_eq(atomic_load(&a.resumed), 1, "free resumes what is held");
}

Test(hold, past_the_cap_a_park_is_refused)
{
    struct hold *h = hold_new(2, suspend, resume);
    struct item it[3] = {{0}};
    uint64_t g = hold_generation(h);

    cr_assert_eq(hold_park(h, &it[0], g, 10000), HOLD_HELD);
    cr_assert_eq(hold_park(h, &it[1], g, 10000), HOLD_HELD);
    cr_assert_eq(hold_park(h, &it[2], g, 10000), HOLD_FULL);
    cr_assert_eq(atomic_load(&it[2].suspended), 0);
    hold_wake(h);
    /* room again */
    cr_assert_eq(hold_park(h, &it[2], hold_generation(h), 10000), HOLD_HELD);
    hold_free(h);
    cr_assert_eq(atomic_load(&it[2].resumed), 1);
}

Test(hold, the_timer_resumes_each_item_at_its_own_timeout)
{
    struct hold *h = hold_new(8, suspend, resume);
    struct item slow = {0}, fast = {0}, faster = {0};
    uint64_t g = hold_generation(h);

    cr_assert_eq(hold_park(h, &slow, g, 60000), HOLD_HELD);
    cr_assert_eq(hold_park(h, &fast, g, 1500), HOLD_HELD);
    /* parked later with an earlier deadline: the timer wakes for it */
    cr_assert_eq(hold_park(h, &faster, g, 50), HOLD_HELD);
    cr_assert(resumed_within(&faster, 1, 700), "the 50 ms item was not resumed in time");
    cr_assert_eq(atomic_load(&fast.resumed), 0, "the 1.5 s item resumed early");
    cr_assert(resumed_within(&fast, 1, 3000), "the 1.5 s item was not resumed");
    cr_assert_eq(atomic_load(&slow.resumed), 0);
    cr_assert_eq(hold_count(h), 1);
    cr_assert_eq(hold_generation(h), g, "a timeout is not a change");
    hold_free(h);
    cr_assert_eq(atomic_load(&slow.resumed), 1);
    cr_assert(!atomic_load(&fast.bad) && !atomic_load(&faster.bad) && !atomic_load(&slow.bad));
}

Test(hold, close_resumes_everything_and_holds_nothing_more)
{
    struct hold *h = hold_new(8, suspend, resume);
    struct item a = {0}, b = {0};

    cr_assert_eq(hold_park(h, &a, hold_generation(h), 10000), HOLD_HELD);
    hold_close(h);
    cr_assert_eq(atomic_load(&a.resumed), 1);
    cr_assert_eq(hold_park(h, &b, hold_generation(h), 10000), HOLD_CLOSED);
    cr_assert_eq(atomic_load(&b.suspended), 0);
    hold_close(h); /* idempotent */
    hold_free(h);
    cr_assert_eq(atomic_load(&a.resumed), 1);
}

Test(hold, new_refuses_a_cap_out_of_range)
{
    cr_assert_null(hold_new(0, suspend, resume));
    cr_assert_null(hold_new(5000, suspend, resume));
    cr_assert_null(hold_new(4, NULL, resume));
    cr_assert_null(hold_new(4, suspend, NULL), "a list whose items could never be resumed");
    hold_free(NULL);
}

/* Threads park and re-park while others wake and the timer expires short
 * holds: every suspension is matched by exactly one resume. */
#define RACE_ITEMS 64
#define RACE_ROUNDS 300

static struct hold *race_h;
static struct item race_items[RACE_ITEMS];

static void *race_parker(void *arg)
{
    size_t base = (size_t)arg, i, r;

    for (r = 0; r < RACE_ROUNDS; r++) {
        for (i = base; i < base + RACE_ITEMS / 4; i++) {
            struct item *it = &race_items[i];
            /* only an item not held now may be parked again */
            if (atomic_load(&it->suspended) != atomic_load(&it->resumed))
                continue;
            (void)hold_park(race_h, it, hold_generation(race_h), (long)(1 + r % 3));
        }
    }
    return NULL;
}

static void *race_waker(void *arg)
{
    size_t r;

    (void)arg;
    for (r = 0; r < RACE_ROUNDS; r++) {
        hold_wake(race_h);
        sleep_ms(r % 2);
    }
    return NULL;
}

Test(hold, parks_wakes_and_timeouts_in_many_threads_pair_up)
{
    pthread_t t[6];
    size_t i;

    cr_assert_not_null(race_h = hold_new(32, suspend, resume));
    for (i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, race_parker, (void *)(i * (RACE_ITEMS / 4))), 0);
    for (i = 4; i < 6; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, race_waker, NULL), 0);
    for (i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    hold_free(race_h);
    for (i = 0; i < RACE_ITEMS; i++) {
        cr_assert_eq(atomic_load(&race_items[i].suspended), atomic_load(&race_items[i].resumed),
                     "item %zu: suspended %d times, resumed %d", i,
                     atomic_load(&race_items[i].suspended), atomic_load(&race_items[i].resumed));
        cr_assert(!atomic_load(&race_items[i].bad), "item %zu resumed while not held", i);
    }
}

Test(hold, a_slot_wakes_the_list_it_points_at_and_none_before_or_after)
{
    struct hold *h = hold_new(8, suspend, resume);
    struct hold_slot s = {0};

    cr_assert_not_null(h);
    hold_slot_wake(&s); /* points at none: nothing happens */
    cr_assert_eq(hold_generation(h), 0);
    hold_slot_set(&s, h);
    hold_slot_wake(&s);
    cr_assert_eq(hold_generation(h), 1);
    hold_slot_set(&s, NULL);
    hold_slot_wake(&s);
    cr_assert_eq(hold_generation(h), 1);
    hold_free(h);
}

/* The caps at both ends of 1..4096 are lists like any other. */
Test(hold, new_takes_the_caps_at_its_bounds)
{
    struct hold *h;

    cr_assert_not_null(h = hold_new(1, suspend, resume));
    hold_free(h);
    cr_assert_not_null(h = hold_new(4096, suspend, resume), "the largest cap refused");
    hold_free(h);
}

/* A timeout past the bound is held for the bound, not wrapped round into a
 * deadline already past. The short item is resumed by a pass of the timer
 * that also looked at the long one, parked before it. */
Test(hold, a_timeout_past_the_bound_is_held_not_resumed_at_once)
{
    struct hold *h = hold_new(8, suspend, resume);
    struct item huge = {0}, now = {0};
    uint64_t g = hold_generation(h);

    cr_assert_eq(hold_park(h, &huge, g, LONG_MAX), HOLD_HELD);
    cr_assert_eq(hold_park(h, &now, g, 1), HOLD_HELD);
    cr_assert(resumed_within(&now, 1, 5000), "the 1 ms item was not resumed");
    cr_assert_eq(atomic_load(&huge.resumed), 0, "resumed before its timeout");
    cr_assert_eq(hold_count(h), 1);
    hold_free(h);
    cr_assert_eq(atomic_load(&huge.resumed), 1);
}

/* The timer sleeps without a deadline while nothing is held: a park must
 * wake it. After the first item's timeout the timer keeps the lock until it
 * sleeps, so the second park comes while it sleeps. */
Test(hold, a_park_wakes_the_timer_sleeping_with_nothing_held)
{
    struct hold *h = hold_new(8, suspend, resume);
    struct item first = {0}, second = {0};

    cr_assert_eq(hold_park(h, &first, hold_generation(h), 1), HOLD_HELD);
    cr_assert(resumed_within(&first, 1, 5000), "the first item was not resumed");
    cr_assert_eq(hold_park(h, &second, hold_generation(h), 1), HOLD_HELD);
    cr_assert(resumed_within(&second, 1, 5000), "the timer slept through the second park");
    hold_free(h);
    cr_assert_eq(atomic_load(&second.resumed), 1);
}

/* The timer sleeps until the earliest deadline of all held, not the one
 * parked last: a short hold parked before a long one is resumed on time. */
Test(hold, the_timer_wakes_for_the_earliest_deadline_not_the_last_parked)
{
    struct hold *h = hold_new(8, suspend, resume);
    struct item soon = {0}, late = {0};
    uint64_t g = hold_generation(h);

    cr_assert_eq(hold_park(h, &soon, g, 1000), HOLD_HELD);
    cr_assert_eq(hold_park(h, &late, g, 600000), HOLD_HELD);
    cr_assert(resumed_within(&soon, 1, 10000), "the 1 s item waited for the 10 min one");
    cr_assert_eq(atomic_load(&late.resumed), 0);
    hold_free(h);
    cr_assert_eq(atomic_load(&late.resumed), 1);
}
