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

    throttle_login_keys(&k, "p1", "10.0.0.1", NULL, false);
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
    cr_assert_eq(throttle_login_begin(&k, t + THROTTLE_LOGIN_DELAY_MAX - 1), 1,
                 "not a second before the delay is over");
    /* the same name from another address is not held up */
    {
        struct throttle_login o;
        throttle_login_keys(&o, "p1", "10.0.0.2", NULL, false);
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

    throttle_login_keys(&k, "p2", "10.0.0.3", NULL, false);
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
        throttle_login_keys(&k, "p3", addr, NULL, false);
        cr_assert_eq(fail_at(&k, t), 0, "guess %d from its own address", i + 1);
    }
    throttle_login_keys(&k, "p3", "10.2.0.1", NULL, false);
    cr_assert_eq(fail_at(&k, t), 0, "the first past the bound runs ...");
    throttle_login_keys(&stranger, "p3", "10.2.0.2", NULL, false);
    cr_assert_eq(throttle_login_begin(&stranger, t + 1), THROTTLE_LOGIN_SPACING - 1,
                 "... and the next waits its spacing, whatever its address");
    throttle_login_keys(&known, "p3", "10.2.0.2", "0123456789abcdef", false);
    cr_assert_eq(throttle_login_begin(&known, t + 1), 0, "a known device is not spaced");
    throttle_login_end(&known, t + 1, THROTTLE_OK);
    cr_assert_eq(throttle_login_begin(&stranger, t + THROTTLE_LOGIN_SPACING), 0, "its turn comes");
    throttle_login_end(&stranger, t + THROTTLE_LOGIN_SPACING, THROTTLE_OK);
    /* two hours later the bound has passed */
    throttle_login_keys(&k, "p3", "10.3.0.1", NULL, false);
    cr_assert_eq(throttle_login_begin(&k, t + 2 * THROTTLE_LOGIN_FORGET), 0);
    throttle_login_end(&k, t + 2 * THROTTLE_LOGIN_FORGET, THROTTLE_OK);
    cr_assert_eq(throttle_login_begin(&stranger, t + 2 * THROTTLE_LOGIN_FORGET), 0);
    throttle_login_end(&stranger, t + 2 * THROTTLE_LOGIN_FORGET, THROTTLE_OK);
}

/* Fifty guesses at a name from the internet spaced the logins of the
 * staffer at a new PC in the hall (a review): each side of the hall's
 * network has its own bound on a name. */
Test(throttle, a_name_guessed_from_outside_is_spaced_outside_only)
{
    struct throttle_login k;
    char addr[32];
    long long t = T0 + 150000;
    int i;

    for (i = 0; i <= THROTTLE_LOGIN_HOURLY; i++) {
        snprintf(addr, sizeof addr, "203.0.%d.%d", i / 200, i % 200 + 1);
        throttle_login_keys(&k, "p4", addr, NULL, true);
        cr_assert_eq(fail_at(&k, t), 0, "guess %d from outside", i + 1);
    }
    throttle_login_keys(&k, "p4", "198.51.100.1", NULL, true);
    cr_assert_eq(throttle_login_begin(&k, t + 1), THROTTLE_LOGIN_SPACING - 1, "outside is spaced");
    throttle_login_keys(&k, "p4", "10.4.0.1", NULL, false);
    cr_assert_eq(throttle_login_begin(&k, t + 1), 0, "the hall is not");
    throttle_login_end(&k, t + 1, THROTTLE_OK);
}

Test(throttle, login_keys_count_by_pair_name_and_address)
{
    struct throttle_login k;

    throttle_login_keys(&k, "wang", "2001:db8::7", NULL, true);
    cr_assert_str_eq(k.pair, "p:wang@2001:db8::");
    cr_assert_str_eq(k.name, "n:o:wang");
    cr_assert_str_eq(k.addr, "a:2001:db8::");
    cr_assert_not(k.known);
    throttle_login_keys(&k, "wang", "2001:db8:1:2:3:4:5:6", NULL, false);
    cr_assert_str_eq(k.addr, "a:2001:db8:1:2::", "the whole /64 counts, its last 64 bits none");
    throttle_login_keys(&k, "wang", "10.0.0.1", "00112233445566778899", false);
    cr_assert_str_eq(k.pair, "p:wang@d:0011223344556677");
    cr_assert(k.known);
}

Test(throttle, a_table_full_of_strangers_keys_does_not_stop_a_known_device)
{
    struct throttle_login k, known, stranger;
    char name[32], addr[32];
    long long t = T0 + 200000;
    int i, flooded;

    /* a flood of made-up names from made-up addresses, each failure still
     * counting, until no shared slot is left */
    for (i = 0;; i++) {
        cr_assert_lt(i, 10000, "the shared table never filled");
        snprintf(name, sizeof name, "flood%d", i);
        snprintf(addr, sizeof addr, "10.%d.%d.%d", 50 + i / 65536, i / 256 % 256, i % 256);
        throttle_login_keys(&k, name, addr, NULL, false);
        if (fail_at(&k, t) != 0)
            break;
    }
    flooded = i;
    throttle_login_keys(&stranger, "p5", "10.99.0.1", NULL, false);
    cr_assert_eq(throttle_login_begin(&stranger, t), 60, "a new stranger waits a minute");
    throttle_login_keys(&known, "p5", "10.99.0.1", "fedcba9876543210", false);
    cr_assert_eq(throttle_login_begin(&known, t), 0, "the staffer at their own PC does not");
    throttle_login_end(&known, t, THROTTLE_OK);
    /* and its own failures still slow it down */
    for (i = 0; i < THROTTLE_LOGIN_FREE; i++)
        cr_assert_eq(fail_at(&known, t + 1), 0);
    cr_assert_eq(throttle_login_begin(&known, t + 1), THROTTLE_LOGIN_DELAY);
    /* two hours on, none of the flood's keys counts any more: a second
     * flood finds about as many slots as the first (mutation review: the
     * names' and addresses' slots were kept for good) */
    {
        int j;
        for (j = 0;; j++) {
            cr_assert_lt(j, 10000, "the shared table never filled again");
            snprintf(name, sizeof name, "again%d", j);
            snprintf(addr, sizeof addr, "10.%d.%d.%d", 60 + j / 65536, j / 256 % 256, j % 256);
            throttle_login_keys(&k, name, addr, NULL, false);
            if (fail_at(&k, t + 2 * THROTTLE_LOGIN_FORGET) != 0)
                break;
        }
        cr_assert_gt(j, flooded / 2, "%d keys the second time, %d the first", j, flooded);
    }
}

/* A review's additions: the bound of an address, a known device's failures
 * at the name, the hour before, a success, and the lookup's keys. */

Test(throttle, an_address_guessing_many_names_is_spaced)
{
    struct throttle_login k;
    char name[32];
    long long t = T0 + 300000;
    int i;

    for (i = 0; i < THROTTLE_LOGIN_HOURLY; i++) {
        snprintf(name, sizeof name, "q%d", i);
        throttle_login_keys(&k, name, "10.4.0.1", NULL, false);
        cr_assert_eq(fail_at(&k, t), 0, "guess %d at a name of its own", i + 1);
    }
    throttle_login_keys(&k, "qfirst", "10.4.0.1", NULL, false);
    cr_assert_eq(fail_at(&k, t), 0, "the first past the bound runs ...");
    throttle_login_keys(&k, "qnext", "10.4.0.1", NULL, false);
    cr_assert_eq(throttle_login_begin(&k, t + 1), THROTTLE_LOGIN_SPACING - 1,
                 "... and the next from that address waits its spacing, whatever the name");
    throttle_login_keys(&k, "qnext", "10.4.0.2", NULL, false);
    cr_assert_eq(throttle_login_begin(&k, t + 1), 0, "that name from another address does not");
    throttle_login_end(&k, t + 1, THROTTLE_OK);
}

Test(throttle, a_known_devices_failures_still_count_at_the_name)
{
    struct throttle_login k;
    char dev[32];
    long long t = T0 + 400000;
    int d, i;

    /* ten devices the name logged in from, five free failures each */
    for (d = 0; d < THROTTLE_LOGIN_HOURLY / THROTTLE_LOGIN_FREE; d++) {
        snprintf(dev, sizeof dev, "dev%013d", d);
        throttle_login_keys(&k, "p6", "10.6.0.1", dev, false);
        for (i = 0; i < THROTTLE_LOGIN_FREE; i++)
            cr_assert_eq(fail_at(&k, t), 0, "device %d failure %d", d, i + 1);
    }
    throttle_login_keys(&k, "p6", "10.6.1.1", NULL, false);
    cr_assert_eq(fail_at(&k, t), 0, "a stranger past the bound runs once ...");
    throttle_login_keys(&k, "p6", "10.6.1.2", NULL, false);
    cr_assert_eq(throttle_login_begin(&k, t + 1), THROTTLE_LOGIN_SPACING - 1,
                 "... then the name's attempts are spaced");
}

Test(throttle, failures_of_the_hour_before_still_count)
{
    struct throttle_login k;
    char addr[32];
    long long t = T0 + 500000;
    int i;

    throttle_login_keys(&k, "p7", "10.7.0.1", NULL, false);
    cr_assert_eq(fail_at(&k, t), 0);
    /* 30 more near the end of the name's hour, 20 just after it: the 31
     * of that hour weigh 30 a minute after it (the share of it the last
     * hour covers), the one at its start no longer */
    for (i = 0; i < 50; i++) {
        long long at = i < 30 ? t + THROTTLE_LOGIN_FORGET - 60 : t + THROTTLE_LOGIN_FORGET + 60;
        snprintf(addr, sizeof addr, "10.7.%d.%d", 1 + i / 200, i % 200 + 1);
        throttle_login_keys(&k, "p7", addr, NULL, false);
        cr_assert_eq(fail_at(&k, at), 0, "guess %d", i + 2);
    }
    t += THROTTLE_LOGIN_FORGET + 60;
    throttle_login_keys(&k, "p7", "10.7.9.1", NULL, false);
    cr_assert_eq(fail_at(&k, t), 0, "50 failures within two minutes: the next runs ...");
    throttle_login_keys(&k, "p7", "10.7.9.2", NULL, false);
    cr_assert_eq(throttle_login_begin(&k, t + 1), THROTTLE_LOGIN_SPACING - 1,
                 "... and the one after waits, though the hour turned between them");
}

Test(throttle, a_success_forgets_the_pairs_failures)
{
    struct throttle_login k;
    long long t = T0 + 600000;
    int i;

    throttle_login_keys(&k, "p8", "10.8.0.1", NULL, false);
    for (i = 0; i < THROTTLE_LOGIN_FREE; i++)
        cr_assert_eq(fail_at(&k, t), 0);
    t += THROTTLE_LOGIN_DELAY;
    cr_assert_eq(throttle_login_begin(&k, t), 0);
    throttle_login_end(&k, t, THROTTLE_OK);
    /* a typo after logging in costs nothing: all the free failures again */
    for (i = 0; i < THROTTLE_LOGIN_FREE; i++)
        cr_assert_eq(fail_at(&k, t), 0, "free again after a success, %d", i + 1);
    cr_assert_eq(throttle_login_begin(&k, t), THROTTLE_LOGIN_DELAY);
}

Test(throttle, a_ticket_guessed_from_many_addresses_is_locked)
{
    struct throttle_keys k;
    char addr[32];
    int i;

    for (i = 0; i < THROTTLE_FAIL_LIMIT; i++) {
        snprintf(addr, sizeof addr, "10.9.0.%d", i + 1);
        throttle_keys_lookup(&k, "A123", addr, false);
        cr_assert_eq(throttle_attempt_begin(&k, T0), 0, "guess %d from its own address", i + 1);
        throttle_attempt_end(&k, T0, THROTTLE_FAILED);
    }
    throttle_keys_lookup(&k, "a123", "10.9.1.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0 + 1), THROTTLE_LOCK_SECONDS - 1,
                 "the ticket is locked, whatever the address or the letter's case");
    throttle_keys_lookup(&k, "A124", "10.9.1.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0 + 1), 0, "another ticket is not");
    throttle_attempt_end(&k, T0 + 1, THROTTLE_OK);
}

Test(throttle, a_lookup_that_succeeds_does_not_forget_the_addresss_failures)
{
    struct throttle_keys k;
    char ticket[8];
    int i;

    for (i = 0; i < THROTTLE_FAIL_LIMIT - 1; i++) {
        snprintf(ticket, sizeof ticket, "B%03d", i);
        throttle_keys_lookup(&k, ticket, "10.10.0.1", false);
        cr_assert_eq(throttle_attempt_begin(&k, T0), 0);
        throttle_attempt_end(&k, T0, THROTTLE_FAILED);
    }
    /* the guesser's own case, found */
    throttle_keys_lookup(&k, "B900", "10.10.0.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0), 0);
    throttle_attempt_end(&k, T0, THROTTLE_OK);
    throttle_keys_lookup(&k, "B010", "10.10.0.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0), 0);
    throttle_attempt_end(&k, T0, THROTTLE_FAILED);
    throttle_keys_lookup(&k, "B011", "10.10.0.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0 + 1), THROTTLE_LOCK_SECONDS - 1,
                 "the fifth failure locks the address, a success in between or not");
}

Test(throttle, lookups_overall_wait_for_the_next_window)
{
    long long t = T0 + 700000;
    int i;

    for (i = 0; i < THROTTLE_OVERALL_LIMIT; i++) {
        cr_assert_eq(throttle_overall_wait(false, t), 0, "failure %d", i + 1);
        throttle_overall_fail(false, t);
    }
    cr_assert_eq(throttle_overall_wait(false, t + 10), THROTTLE_FAIL_WINDOW - 10);
    cr_assert_eq(throttle_overall_wait(false, t + THROTTLE_FAIL_WINDOW), 0, "a new window");
}

/* A hundred misses from the internet closed the lookup at every kiosk in
 * the hall (a review): each side of the hall's network counts its own. */
Test(throttle, misses_from_outside_close_lookups_outside_only)
{
    struct throttle_keys k;
    char addr[32];
    long long t = T0 + 750000;
    int i;

    for (i = 0; i < THROTTLE_OUTSIDE_LIMIT; i++)
        throttle_overall_fail(true, t);
    cr_assert_eq(throttle_overall_wait(true, t + 10), THROTTLE_OUTSIDE_WINDOW - 10, "outside waits");
    cr_assert_eq(throttle_overall_wait(false, t + 10), 0, "the hall does not");
    for (i = 0; i < THROTTLE_FAIL_LIMIT; i++) {
        snprintf(addr, sizeof addr, "203.0.113.%d", i + 1);
        throttle_keys_lookup(&k, "Q123", addr, true);
        cr_assert_eq(throttle_attempt_begin(&k, t), 0, "guess %d from outside", i + 1);
        throttle_attempt_end(&k, t, THROTTLE_FAILED);
    }
    throttle_keys_lookup(&k, "Q123", "203.0.113.99", true);
    cr_assert_eq(throttle_attempt_begin(&k, t + 1), THROTTLE_LOCK_SECONDS - 1,
                 "the ticket is locked outside");
    throttle_keys_lookup(&k, "q123", "10.12.0.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, t + 1), 0, "and open at the hall's kiosk");
    throttle_attempt_end(&k, t + 1, THROTTLE_OK);
}

Test(throttle, past_the_bound_a_second_attempt_at_once_waits_for_the_one_in_flight)
{
    struct throttle_login k, a, b;
    char addr[32];
    long long t = T0 + 800000;
    int i;

    for (i = 0; i < THROTTLE_LOGIN_HOURLY; i++) {
        snprintf(addr, sizeof addr, "10.11.%d.%d", i / 200, i % 200 + 1);
        throttle_login_keys(&k, "p9", addr, NULL, false);
        cr_assert_eq(fail_at(&k, t), 0, "guess %d", i + 1);
    }
    throttle_login_keys(&a, "p9", "10.11.9.1", NULL, false);
    cr_assert_eq(throttle_login_begin(&a, t), 0, "one runs ...");
    throttle_login_keys(&b, "p9", "10.11.9.2", NULL, false);
    cr_assert_eq(throttle_login_begin(&b, t), THROTTLE_LOGIN_SPACING,
                 "... and another at the same moment is not let in beside it");
    throttle_login_end(&a, t, THROTTLE_FAILED);
}

Test(throttle, lookups_in_flight_at_once_get_no_more_than_the_limit)
{
    struct throttle_keys k, other;
    int i;

    for (i = 0; i < THROTTLE_FAIL_LIMIT - 1; i++) {
        throttle_keys_lookup(&k, "C123", i % 2 ? "10.12.0.1" : "10.12.0.2", false);
        cr_assert_eq(throttle_attempt_begin(&k, T0), 0);
        throttle_attempt_end(&k, T0, THROTTLE_FAILED);
    }
    throttle_keys_lookup(&k, "C123", "10.12.0.3", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0), 0, "the fifth runs ...");
    throttle_keys_lookup(&other, "C123", "10.12.0.4", false);
    cr_assert_gt(throttle_attempt_begin(&other, T0), 0, "... and no sixth beside it");
    throttle_attempt_end(&k, T0, THROTTLE_FAILED);
}

Test(throttle, lookup_failures_spread_over_the_window_still_lock)
{
    struct throttle_keys k;
    long long t = T0 + 900000;
    int i;

    /* one every two minutes: five within the quarter hour */
    for (i = 0; i < THROTTLE_FAIL_LIMIT; i++) {
        throttle_keys_lookup(&k, "D123", i % 2 ? "10.13.0.1" : "10.13.0.2", false);
        cr_assert_eq(throttle_attempt_begin(&k, t + 120 * i), 0, "guess %d", i + 1);
        throttle_attempt_end(&k, t + 120 * i, THROTTLE_FAILED);
    }
    throttle_keys_lookup(&k, "D123", "10.13.0.3", false);
    cr_assert_gt(throttle_attempt_begin(&k, t + 120 * THROTTLE_FAIL_LIMIT), 0, "the ticket is locked");
}

/* The hour before counts by how much of it the last hour still covers:
 * fifty failures at a name, then nothing for nearly two hours, are about
 * one failure, and strangers are not spaced for them. (The roll set the
 * hour's start to the moment of the roll, so they counted in full.) */
Test(throttle, failures_nearly_two_hours_old_are_nearly_forgotten)
{
    struct throttle_login k;
    char addr[32];
    long long t = T0 + 1000000, later = t + 2 * THROTTLE_LOGIN_FORGET - 120;
    int i;

    for (i = 0; i < THROTTLE_LOGIN_HOURLY; i++) {
        snprintf(addr, sizeof addr, "10.14.%d.%d", i / 200, i % 200 + 1);
        throttle_login_keys(&k, "p10", addr, NULL, false);
        cr_assert_eq(fail_at(&k, t), 0, "guess %d", i + 1);
    }
    throttle_login_keys(&k, "p10", "10.14.9.1", NULL, false);
    cr_assert_eq(fail_at(&k, later), 0);
    throttle_login_keys(&k, "p10", "10.14.9.2", NULL, false);
    cr_assert_eq(throttle_login_begin(&k, later + 1), 0,
                 "not spaced for failures of almost two hours ago");
    throttle_login_end(&k, later + 1, THROTTLE_FAILED);
}

/* Mutation review of src/throttle.c: the bounds of the lookup's window and
 * lock, a refused attempt's release of the other key, a found ticket,
 * the overall window's turn and a clock set back, whole tickets, and the
 * login's bounds across a clock set back, successes and an old hour. */

/* A lock lasts exactly THROTTLE_LOCK_SECONDS and failures count for
 * exactly THROTTLE_FAIL_WINDOW: one second before, the key still waits a
 * second; at it, it is free. */
Test(throttle, a_lookup_lock_ends_exactly_at_its_end)
{
    struct throttle_keys k;
    char addr[32];
    long long t = T0 + 1100000;
    int i;

    for (i = 0; i < THROTTLE_FAIL_LIMIT; i++) {
        snprintf(addr, sizeof addr, "10.15.0.%d", i + 1);
        throttle_keys_lookup(&k, "E123", addr, false);
        cr_assert_eq(throttle_attempt_begin(&k, t), 0);
        throttle_attempt_end(&k, t, THROTTLE_FAILED);
    }
    throttle_keys_lookup(&k, "E123", "10.15.1.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, t + THROTTLE_LOCK_SECONDS - 1), 1);
    cr_assert_eq(throttle_attempt_begin(&k, t + THROTTLE_LOCK_SECONDS), 0, "the lock is over");
    throttle_attempt_end(&k, t + THROTTLE_LOCK_SECONDS, THROTTLE_OK);
}

/* An attempt refused because its address is locked leaves nothing in
 * flight on its ticket: the ticket's owner, from elsewhere, is let in. */
Test(throttle, a_lookup_refused_at_its_address_holds_nothing_on_the_ticket)
{
    struct throttle_keys k;
    char ticket[8];
    int i;

    for (i = 0; i < THROTTLE_FAIL_LIMIT; i++) {
        snprintf(ticket, sizeof ticket, "F%03d", i);
        throttle_keys_lookup(&k, ticket, "10.16.0.1", false);
        cr_assert_eq(throttle_attempt_begin(&k, T0), 0);
        throttle_attempt_end(&k, T0, THROTTLE_FAILED);
    }
    throttle_keys_lookup(&k, "F900", "10.16.0.1", false);
    for (i = 0; i < THROTTLE_FAIL_LIMIT; i++)
        cr_assert_gt(throttle_attempt_begin(&k, T0), 0, "the address is locked");
    throttle_keys_lookup(&k, "F900", "10.16.0.2", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0), 0, "the ticket is not");
    throttle_attempt_end(&k, T0, THROTTLE_OK);
}

/* A ticket found forgets the ticket's failures (throttle.h): a resident
 * who mistyped four times, then found the case, is not locked by one
 * more typo. */
Test(throttle, a_ticket_found_forgets_its_failures)
{
    struct throttle_keys k;
    char addr[32];
    int i;

    for (i = 0; i < THROTTLE_FAIL_LIMIT - 1; i++) {
        snprintf(addr, sizeof addr, "10.17.0.%d", i + 1);
        throttle_keys_lookup(&k, "G123", addr, false);
        cr_assert_eq(throttle_attempt_begin(&k, T0), 0);
        throttle_attempt_end(&k, T0, THROTTLE_FAILED);
    }
    throttle_keys_lookup(&k, "G123", "10.17.1.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0), 0);
    throttle_attempt_end(&k, T0, THROTTLE_OK);
    throttle_keys_lookup(&k, "G123", "10.17.1.2", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0), 0);
    throttle_attempt_end(&k, T0, THROTTLE_FAILED);
    throttle_keys_lookup(&k, "G123", "10.17.1.3", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0), 0, "one failure since the ticket was found");
    throttle_attempt_end(&k, T0, THROTTLE_OK);
}

/* A ticket has up to 6 digits: tickets differing in the last one are
 * counted apart. */
Test(throttle, tickets_count_by_every_digit)
{
    struct throttle_keys k;
    char addr[32];
    int i;

    for (i = 0; i < THROTTLE_FAIL_LIMIT; i++) {
        snprintf(addr, sizeof addr, "10.18.0.%d", i + 1);
        throttle_keys_lookup(&k, "H123456", addr, false);
        cr_assert_eq(throttle_attempt_begin(&k, T0), 0);
        throttle_attempt_end(&k, T0, THROTTLE_FAILED);
    }
    throttle_keys_lookup(&k, "H123457", "10.18.1.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, T0 + 1), 0, "another ticket");
    throttle_attempt_end(&k, T0 + 1, THROTTLE_OK);
}

/* The overall count's window turns at exactly THROTTLE_FAIL_WINDOW: the
 * failures at that second count in the new window, not the old one; and
 * a clock set back starts a window rather than making lookups wait
 * longer than one. */
Test(throttle, the_overall_window_turns_at_its_end_and_with_the_clock_set_back)
{
    long long t = T0 + 1200000, next = t + THROTTLE_FAIL_WINDOW;
    int i;

    for (i = 0; i < THROTTLE_OVERALL_LIMIT; i++)
        throttle_overall_fail(false, t);
    cr_assert_eq(throttle_overall_wait(false, next), 0, "a new window");
    for (i = 0; i < THROTTLE_OVERALL_LIMIT; i++)
        throttle_overall_fail(false, next);
    cr_assert_eq(throttle_overall_wait(false, next + 1), THROTTLE_FAIL_WINDOW - 1,
                 "the new window's failures count");
    cr_assert_eq(throttle_overall_wait(false, next - 3600), 0, "the clock went back an hour");
}

/* A clock set back keeps a bound's counts: past the name's hourly bound,
 * strangers are still spaced. */
Test(throttle, a_clock_set_back_keeps_the_names_failures)
{
    struct throttle_login k;
    char addr[32];
    long long t = T0 + 1300000, back = t - 2 * THROTTLE_LOGIN_FORGET;
    int i;

    for (i = 0; i < THROTTLE_LOGIN_HOURLY; i++) {
        snprintf(addr, sizeof addr, "10.19.%d.%d", i / 200, i % 200 + 1);
        throttle_login_keys(&k, "p11", addr, NULL, false);
        cr_assert_eq(fail_at(&k, t), 0, "guess %d", i + 1);
    }
    throttle_login_keys(&k, "p11", "10.19.9.1", NULL, false);
    cr_assert_eq(fail_at(&k, back), 0, "the first past the bound runs ...");
    throttle_login_keys(&k, "p11", "10.19.9.2", NULL, false);
    cr_assert_eq(throttle_login_begin(&k, back + 1), THROTTLE_LOGIN_SPACING - 1,
                 "... and the next waits, though the clock went back two hours");
}

/* Only failures count at the bounds: a hall's staff logging in fine from
 * one address (one NAT) are never spaced for it. */
Test(throttle, successes_do_not_count_at_the_bounds)
{
    struct throttle_login k;
    char name[32];
    long long t = T0 + 1400000;
    int i;

    for (i = 0; i < 2 * THROTTLE_LOGIN_HOURLY; i++) {
        snprintf(name, sizeof name, "ok%d", i);
        throttle_login_keys(&k, name, "10.20.0.1", NULL, false);
        cr_assert_eq(throttle_login_begin(&k, t), 0, "login %d", i + 1);
        throttle_login_end(&k, t, THROTTLE_OK);
    }
}

/* A known device's failure counts in the name's current hour, however old
 * the name's last failure: ten known devices' fifty failures, two hours
 * after a stranger's one, space strangers. */
Test(throttle, a_known_devices_failures_count_in_the_current_hour)
{
    struct throttle_login k;
    char dev[32];
    long long t = T0 + 1500000, later = t + 2 * THROTTLE_LOGIN_FORGET + 10;
    int d, i;

    throttle_login_keys(&k, "p12", "10.21.0.1", NULL, false);
    cr_assert_eq(fail_at(&k, t), 0);
    for (d = 0; d < THROTTLE_LOGIN_HOURLY / THROTTLE_LOGIN_FREE; d++) {
        snprintf(dev, sizeof dev, "dev%013d", d);
        throttle_login_keys(&k, "p12", "10.21.0.2", dev, false);
        for (i = 0; i < THROTTLE_LOGIN_FREE; i++)
            cr_assert_eq(fail_at(&k, later), 0, "device %d failure %d", d, i + 1);
    }
    throttle_login_keys(&k, "p12", "10.21.1.1", NULL, false);
    cr_assert_eq(fail_at(&k, later), 0, "a stranger past the bound runs once ...");
    throttle_login_keys(&k, "p12", "10.21.1.2", NULL, false);
    cr_assert_eq(throttle_login_begin(&k, later + 1), THROTTLE_LOGIN_SPACING - 1,
                 "... then the name's attempts are spaced");
}

/* A lookup table full of keys that still count refuses a new key for a
 * minute (throttle.h): it is not let in uncounted. */
Test(throttle, a_full_lookup_table_refuses_a_new_key)
{
    struct throttle_keys k;
    char ticket[16], addr[32];
    long long t = T0 + 1600000;
    int i;

    for (i = 0;; i++) {
        cr_assert_lt(i, 10000, "the lookup table never filled");
        snprintf(ticket, sizeof ticket, "J%06d", i);
        snprintf(addr, sizeof addr, "10.%d.%d.%d", 100 + i / 65536, i / 256 % 256, i % 256);
        throttle_keys_lookup(&k, ticket, addr, false);
        if (throttle_attempt_begin(&k, t) != 0)
            break;
        throttle_attempt_end(&k, t, THROTTLE_FAILED);
    }
    throttle_keys_lookup(&k, "K123", "10.99.0.1", false);
    cr_assert_eq(throttle_attempt_begin(&k, t), 60);
}

/* Outside's bound is a day's (a review: 100 misses a quarter-hour let an
 * outsider open about two of the day's cases a day): its 50th miss closes
 * outside lookups until a day after the window's first miss, one fewer
 * leaves them open past a quarter-hour, and the hall's side never waits. */
Test(throttle, outside_misses_count_over_a_day)
{
    long long t = T0 + 3000000;
    int i;

    for (i = 0; i < THROTTLE_OUTSIDE_LIMIT - 1; i++) {
        cr_assert_eq(throttle_overall_wait(true, t + i * 60), 0, "miss %d", i + 1);
        throttle_overall_fail(true, t + i * 60);
    }
    /* 49 misses over 49 minutes: three quarter-hours have turned */
    cr_assert_eq(throttle_overall_wait(true, t + 3600), 0, "49 over an hour leave it open");
    throttle_overall_fail(true, t + 3600);
    cr_assert_eq(throttle_overall_wait(true, t + 3601), THROTTLE_OUTSIDE_WINDOW - 3601,
                 "the 50th closes it until the day is over");
    cr_assert_eq(throttle_overall_wait(true, t + THROTTLE_OUTSIDE_WINDOW - 1), 1);
    cr_assert_eq(throttle_overall_wait(true, t + THROTTLE_OUTSIDE_WINDOW), 0, "a new day");
    cr_assert_eq(throttle_overall_wait(false, t + 3601), 0, "the hall's side");
}
