/* The login throttle's arithmetic at chosen times (issue #12, item 5): a
 * pair's free failures, its growing and capped delay, the parallel
 * attempts held, forgetting after a quiet hour, a success, the name's
 * spacing past the hourly bound and a known device's exemption from it.
 * Each test uses names of its own: the table is the process's. */
#include <criterion/criterion.h>

#include <stdio.h>

#include "throttle.h"

static const long long T0 = 5000000000LL;

/* One failed attempt of k at now; returns what begin said (0 when it ran). */
static long long fail_at(const struct throttle_login *k, long long now)
{
    long long w = throttle_login_begin(k, now);

    if (w == 0)
        throttle_login_end(k, now, THROTTLE_FAILED);
    return w;
}

Test(throttle, a_pair_slows_after_its_free_failures_and_never_locks)
{
    struct throttle_login k;
    long long t = T0, d = THROTTLE_LOGIN_DELAY;
    int i;

    throttle_login_keys(&k, "p1", "10.0.0.1", NULL);
    for (i = 0; i < THROTTLE_LOGIN_FREE; i++)
        cr_assert_eq(fail_at(&k, t), 0, "free failure %d", i + 1);
    /* the delay doubles with each failure, up to its cap */
    for (i = 0; i < 8; i++) {
        cr_assert_eq(throttle_login_begin(&k, t), d, "delay after %d failures", THROTTLE_LOGIN_FREE + i);
        t += d;
        cr_assert_eq(fail_at(&k, t), 0, "let through once the delay is over");
        d = d * 2 < THROTTLE_LOGIN_DELAY_MAX ? d * 2 : THROTTLE_LOGIN_DELAY_MAX;
    }
    cr_assert_eq(throttle_login_begin(&k, t), THROTTLE_LOGIN_DELAY_MAX);
    /* the same name from another address is not held up */
    {
        struct throttle_login o;
        throttle_login_keys(&o, "p1", "10.0.0.2", NULL);
        cr_assert_eq(throttle_login_begin(&o, t), 0);
        throttle_login_end(&o, t, THROTTLE_OK);
    }
    /* a quiet hour: it starts over */
    t += THROTTLE_LOGIN_FORGET;
    for (i = 0; i < THROTTLE_LOGIN_FREE; i++)
        cr_assert_eq(fail_at(&k, t), 0, "free again %d", i + 1);
    cr_assert_gt(throttle_login_begin(&k, t), 0);
}

Test(throttle, parallel_attempts_get_no_more_than_the_free_failures)
{
    struct throttle_login k;
    int i, ran = 0;

    throttle_login_keys(&k, "p2", "10.0.0.3", NULL);
    for (i = 0; i < 20; i++)
        if (throttle_login_begin(&k, T0) == 0)
            ran++;
    cr_assert_eq(ran, THROTTLE_LOGIN_FREE);
    for (i = 0; i < ran; i++)
        throttle_login_end(&k, T0, THROTTLE_FAILED);
    /* past them, one at a time: a second waits for the first */
    cr_assert_eq(throttle_login_begin(&k, T0 + THROTTLE_LOGIN_DELAY), 0);
    cr_assert_gt(throttle_login_begin(&k, T0 + THROTTLE_LOGIN_DELAY), 0);
    throttle_login_end(&k, T0 + THROTTLE_LOGIN_DELAY, THROTTLE_NONE);
    cr_assert_eq(throttle_login_begin(&k, T0 + THROTTLE_LOGIN_DELAY), 0, "nothing checked, nothing owed");
    throttle_login_end(&k, T0 + THROTTLE_LOGIN_DELAY, THROTTLE_OK);
    cr_assert_eq(throttle_login_begin(&k, T0 + THROTTLE_LOGIN_DELAY), 0, "a success clears the pair");
    throttle_login_end(&k, T0 + THROTTLE_LOGIN_DELAY, THROTTLE_OK);
}

Test(throttle, a_name_guessed_from_many_addresses_is_spaced_but_a_known_device_is_not)
{
    struct throttle_login k, known, stranger;
    char addr[32];
    long long t = T0 + 100000;
    int i;

    for (i = 0; i < THROTTLE_LOGIN_HOURLY; i++) {
        snprintf(addr, sizeof addr, "10.1.%d.%d", i / 200, i % 200 + 1);
        throttle_login_keys(&k, "p3", addr, NULL);
        cr_assert_eq(fail_at(&k, t), 0, "guess %d from its own address", i + 1);
    }
    throttle_login_keys(&k, "p3", "10.2.0.1", NULL);
    cr_assert_eq(fail_at(&k, t), 0, "the first past the bound runs ...");
    throttle_login_keys(&stranger, "p3", "10.2.0.2", NULL);
    cr_assert_eq(throttle_login_begin(&stranger, t + 1), THROTTLE_LOGIN_SPACING - 1,
                 "... and the next waits its spacing, whatever its address");
    throttle_login_keys(&known, "p3", "10.2.0.2", "0123456789abcdef");
    cr_assert_eq(throttle_login_begin(&known, t + 1), 0, "a known device is not spaced");
    throttle_login_end(&known, t + 1, THROTTLE_OK);
    cr_assert_eq(throttle_login_begin(&stranger, t + THROTTLE_LOGIN_SPACING), 0, "its turn comes");
    throttle_login_end(&stranger, t + THROTTLE_LOGIN_SPACING, THROTTLE_OK);
    /* two hours later the bound has passed */
    throttle_login_keys(&k, "p3", "10.3.0.1", NULL);
    cr_assert_eq(throttle_login_begin(&k, t + 2 * THROTTLE_LOGIN_FORGET), 0);
    throttle_login_end(&k, t + 2 * THROTTLE_LOGIN_FORGET, THROTTLE_OK);
    cr_assert_eq(throttle_login_begin(&stranger, t + 2 * THROTTLE_LOGIN_FORGET), 0);
    throttle_login_end(&stranger, t + 2 * THROTTLE_LOGIN_FORGET, THROTTLE_OK);
}

Test(throttle, login_keys_count_by_pair_name_and_address)
{
    struct throttle_login k;

    throttle_login_keys(&k, "wang", "2001:db8::7", NULL);
    cr_assert_str_eq(k.pair, "p:wang@2001:db8::");
    cr_assert_str_eq(k.name, "n:wang");
    cr_assert_str_eq(k.addr, "a:2001:db8::");
    cr_assert_not(k.known);
    throttle_login_keys(&k, "wang", "10.0.0.1", "00112233445566778899");
    cr_assert_str_eq(k.pair, "p:wang@d:0011223344556677");
    cr_assert(k.known);
}

Test(throttle, a_table_full_of_strangers_keys_does_not_stop_a_known_device)
{
    struct throttle_login k, known, stranger;
    char name[32], addr[32];
    long long t = T0 + 200000;
    int i;

    /* a flood of made-up names from made-up addresses, each failure still
     * counting, until no shared slot is left */
    for (i = 0;; i++) {
        cr_assert_lt(i, 10000, "the shared table never filled");
        snprintf(name, sizeof name, "flood%d", i);
        snprintf(addr, sizeof addr, "10.%d.%d.%d", 50 + i / 65536, i / 256 % 256, i % 256);
        throttle_login_keys(&k, name, addr, NULL);
        if (fail_at(&k, t) != 0)
            break;
    }
    throttle_login_keys(&stranger, "p5", "10.99.0.1", NULL);
    cr_assert_eq(throttle_login_begin(&stranger, t), 60, "a new stranger waits a minute");
    throttle_login_keys(&known, "p5", "10.99.0.1", "fedcba9876543210");
    cr_assert_eq(throttle_login_begin(&known, t), 0, "the staffer at their own PC does not");
    throttle_login_end(&known, t, THROTTLE_OK);
    /* and its own failures still slow it down */
    for (i = 0; i < THROTTLE_LOGIN_FREE; i++)
        cr_assert_eq(fail_at(&known, t + 1), 0);
    cr_assert_eq(throttle_login_begin(&known, t + 1), THROTTLE_LOGIN_DELAY);
}
