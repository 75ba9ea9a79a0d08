/* Unit tests of the public's quota (src/quota.c) on a clock of their own:
 * an address's burst, then its refill; the overall bucket over many
 * addresses; an IPv6 client counted by its /64; the kinds apart; a refused
 * action takes nothing; a full table falls back on the overall bucket; the
 * open-cases log at most once a minute; `--case-quota` parsed strictly. */
#include <criterion/criterion.h>

#include <stdio.h>

#include "quota.h"

static void setup(long ab, long ah, long ob, long oh)
{
    struct quota_limits l;

    quota_limits_default(&l);
    l.addr_burst = ab;
    l.addr_per_hour = ah;
    l.all_burst = ob;
    l.all_per_hour = oh;
    quota_configure(&l);
}

Test(quota, an_address_gets_its_burst_then_one_per_refill)
{
    long long t = 1000;
    int i;

    setup(3, 3600, 100, 3600);  /* one a second once the 3 are used */
    for (i = 0; i < 3; i++)
        cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", t), 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", t), 1);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.2", t), 0, "another address is served");
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", t + 999), 1);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", t + 1000), 0, "a token is back");
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", t + 1000), 1);
}

Test(quota, the_wait_says_when_a_token_is_back)
{
    setup(1, 60, 100, 3600);   /* one a minute */
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 0), 0);
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 0), 60);
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 30000), 30);
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 30500), 30, "29.5 s: rounded up, never early");
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 59500), 1, "never 0 while refused");
}

Test(quota, everyone_together_is_bounded_by_the_overall_bucket)
{
    char addr[32];
    int i, ok = 0;

    setup(3, 1, 10, 1);
    for (i = 0; i < 50; i++) {
        snprintf(addr, sizeof addr, "10.0.1.%d", i);
        ok += quota_take(QUOTA_CREATE, addr, 0) == 0;
    }
    cr_assert_eq(ok, 10);
}

Test(quota, a_refused_action_takes_nothing)
{
    setup(2, 1, 2, 3600);   /* the overall bucket refills one a second */
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 0), 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 0), 0);
    /* the overall bucket is empty: 10.0.0.2 is refused without losing its
     * own tokens, so it has both once the overall bucket has refilled */
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.2", 0), 1);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.2", 0), 1);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.2", 2000), 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.2", 2000), 0);
    cr_assert_neq(quota_take(QUOTA_CREATE, "10.0.0.2", 9000), 0, "its own 2 are used");
}

Test(quota, ipv6_counts_by_its_64_and_kinds_apart)
{
    setup(2, 1, 100, 1);
    cr_assert_eq(quota_take(QUOTA_CREATE, "2001:db8:1:2::1", 0), 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "2001:db8:1:2:ffff::9", 0), 0);
    cr_assert_neq(quota_take(QUOTA_CREATE, "2001:db8:1:2:abcd::1", 0), 0, "the same /64");
    cr_assert_eq(quota_take(QUOTA_CREATE, "2001:db8:1:3::1", 0), 0, "another /64");
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "2001:db8:1:2::1", 0), 0, "hand-ins apart");
}

Test(quota, a_full_table_falls_back_on_the_overall_bucket)
{
    char addr[32];
    int i, ok = 0;

    /* 5000 addresses each take one and refill slowly: the table (4096)
     * is full of buckets still refilling, and what is past it is counted
     * overall only, still bounded */
    setup(2, 1, 6000, 1);
    for (i = 0; i < 5000; i++) {
        snprintf(addr, sizeof addr, "10.%d.%d.1", i / 250, i % 250);
        ok += quota_take(QUOTA_CREATE, addr, 0) == 0;
    }
    cr_assert_eq(ok, 5000);
    for (i = 0; i < 2000; i++)
        ok += quota_take(QUOTA_CREATE, "10.200.0.1", 0) == 0;
    cr_assert_eq(ok, 6000, "the overall bucket bounds what the table cannot hold");
}

Test(quota, the_open_cap_is_logged_at_most_once_a_minute)
{
    setup(1, 1, 1, 1);
    cr_assert(quota_open_full_log(QUOTA_OUTSIDE, 5000));
    cr_assert_not(quota_open_full_log(QUOTA_OUTSIDE, 5001));
    cr_assert(quota_open_full_log(QUOTA_HALL, 5002), "each side its own minute");
    cr_assert_not(quota_open_full_log(QUOTA_OUTSIDE, 64999));
    cr_assert(quota_open_full_log(QUOTA_OUTSIDE, 65000));
}

Test(quota, the_hall_network_is_the_private_ranges_by_default)
{
    static const char *const hall[] = {"127.0.0.1", "10.1.2.3", "172.16.0.9", "172.31.255.1",
                                       "192.168.1.20", "169.254.3.4", "::1", "fd12:3456::1",
                                       "fe80::1"};
    static const char *const outside[] = {"203.0.113.9", "172.32.0.1", "11.0.0.1",
                                          "192.169.0.1", "2001:db8::1", "?", ""};
    size_t i;

    setup(1, 1, 1, 1);
    for (i = 0; i < sizeof hall / sizeof hall[0]; i++)
        cr_expect_eq(quota_side_of(hall[i]), QUOTA_HALL, "%s", hall[i]);
    for (i = 0; i < sizeof outside / sizeof outside[0]; i++)
        cr_expect_eq(quota_side_of(outside[i]), QUOTA_OUTSIDE, "%s", outside[i]);
}

Test(quota, hall_network_replaces_the_defaults)
{
    struct quota_limits l;
    struct xff_net n;

    quota_limits_default(&l);
    cr_assert_eq(xff_net_parse("59.64.0.0/16", &n), 0);
    cr_assert_eq(xff_set_add(&l.hall, &n), 0);
    quota_configure(&l);
    cr_expect_eq(quota_side_of("59.64.7.8"), QUOTA_HALL, "a hall on public addresses");
    cr_expect_eq(quota_side_of("192.168.1.20"), QUOTA_OUTSIDE, "the defaults are gone");
    quota_limits_default(&l);
    quota_configure(&l);
    cr_expect_eq(quota_side_of("192.168.1.20"), QUOTA_HALL, "and back without it");
}

/* A token given back goes to the side it was taken from: the hall's
 * refusal gives nothing to outside's bucket, nor the other way. */
Test(quota, a_token_given_back_goes_to_its_own_side)
{
    setup(100, 1, 2, 1);
    cr_assert_eq(quota_take(QUOTA_CREATE, "192.168.1.20", 0), 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "192.168.1.20", 0), 0);
    cr_assert_neq(quota_take(QUOTA_CREATE, "192.168.1.21", 0), 0, "the hall's 2 are used");
    cr_assert_eq(quota_take(QUOTA_CREATE, "203.0.113.9", 0), 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "203.0.113.9", 0), 0);
    cr_assert_neq(quota_take(QUOTA_CREATE, "198.51.100.7", 0), 0, "outside's 2 are used");
    quota_give_back(QUOTA_CREATE, "203.0.113.9", 0);
    cr_assert_neq(quota_take(QUOTA_CREATE, "192.168.1.21", 0), 0, "not given to the hall");
    cr_assert_eq(quota_take(QUOTA_CREATE, "198.51.100.7", 0), 0, "but to outside");
    quota_give_back(QUOTA_CREATE, "10.0.0.1", 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "192.168.1.21", 0), 0, "the hall's own, given back");
    cr_assert_neq(quota_take(QUOTA_CREATE, "198.51.100.8", 0), 0);
}

/* The review's replay: two addresses outside, each within its own rate,
 * took every token of the one overall bucket, and the kiosks in the hall
 * could start nothing. Each side now has its own overall bucket. */
Test(quota, a_flood_from_outside_leaves_the_hall_its_own_bucket)
{
    long long t;
    int hall = 0, got = 0, refused = 0, i;

    setup(200, 3600, 300, 3600);
    for (t = 0; t < 600000; t += 250) {    /* ten minutes, 4 a second each */
        got += quota_take(QUOTA_CREATE, "203.0.113.9", t) == 0;
        got += quota_take(QUOTA_CREATE, "198.51.100.7", t) == 0;
        /* an outside resident once a minute, after the burst is gone */
        if (t >= 120000 && t % 60000 == 0)
            refused += quota_take(QUOTA_CREATE, "2001:db8:9::1", t) != 0;
    }
    /* the two took the burst and the refill between them, the resident none */
    cr_expect_geq(got, 300 + 590, "%d", got);
    cr_expect_eq(refused, 8, "the outside's bucket was emptied: %d of 8 refused", refused);
    for (i = 0; i < 10; i++)
        hall += quota_take(QUOTA_CREATE, i % 2 ? "192.168.1.20" : "192.168.1.21", t) == 0;
    cr_expect_eq(hall, 10, "the kiosks start every case: %d of 10", hall);
}

Test(quota, case_quota_is_parsed_strictly)
{
    struct quota_limits l;

    quota_limits_default(&l);
    cr_assert_eq(quota_limits_parse("3/1,5/2", &l), 0);
    cr_assert_eq(l.addr_burst, 3);
    cr_assert_eq(l.addr_per_hour, 1);
    cr_assert_eq(l.all_burst, 5);
    cr_assert_eq(l.all_per_hour, 2);
    cr_assert_eq(l.open_max, QUOTA_OPEN_MAX_DEFAULT);
    cr_assert_neq(quota_limits_parse("0/1,5/2", &l), 0);
    cr_assert_neq(quota_limits_parse("3/1,5", &l), 0);
    cr_assert_neq(quota_limits_parse("3/1,5/2,", &l), 0);
    cr_assert_neq(quota_limits_parse("3/1,5/2000001", &l), 0);
    /* QUOTA_VALUE_MAX itself is taken, one past it is not */
    cr_assert_eq(quota_limits_parse("1000000/1000000,1000000/1000000", &l), 0);
    cr_assert_eq(l.addr_burst, QUOTA_VALUE_MAX);
    cr_assert_neq(quota_limits_parse("1000001/1,5/2", &l), 0);
    cr_assert_eq(quota_limits_parse("3/1,5/2", &l), 0);
    cr_assert_neq(quota_limits_parse("-3/1,5/2", &l), 0);
    cr_assert_neq(quota_limits_parse("", &l), 0);
    cr_assert_eq(l.addr_burst, 3, "unchanged by a refused value");
}

/* A token given back (the action did not happen) serves the next action,
 * in both buckets, and never lifts a bucket above its burst. */
Test(quota, a_token_given_back_is_there_again_never_above_the_burst)
{
    int i;

    setup(2, 1, 3, 1);
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 0), 0);
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 0), 0);
    cr_assert_neq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 0), 0, "the address's 2 are used");
    quota_give_back(QUOTA_SUBMIT, "10.0.0.1", 0);
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 0), 0, "the token given back");
    cr_assert_neq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 0), 0, "and no more than it");
    /* overall: 3 taken, one given back above, so one more from anyone */
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.2", 0), 0);
    cr_assert_neq(quota_take(QUOTA_SUBMIT, "10.0.0.3", 0), 0, "the overall 3 are used");
    /* given back ten times after one take: still only the bursts, the
     * address's (2) and everyone's (3), both buckets in use */
    setup(2, 1, 3, 1);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.9", 0), 0);
    for (i = 0; i < 10; i++)
        quota_give_back(QUOTA_CREATE, "10.0.0.9", 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.9", 0), 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.9", 0), 0);
    cr_assert_neq(quota_take(QUOTA_CREATE, "10.0.0.9", 0), 0, "no more than its burst of 2");
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.1.1", 0), 0, "everyone's third");
    cr_assert_neq(quota_take(QUOTA_CREATE, "10.0.1.2", 0), 0, "no more than everyone's burst of 3");
}

/* quota_configure empties every bucket, as its header says: an address's,
 * everyone's, and the once-a-minute log of the open cases' cap (a
 * mutation review found none of the three pinned). */
Test(quota, configure_starts_every_bucket_full_again)
{
    setup(1, 1, 100, 1);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 0), 0);
    cr_assert_neq(quota_take(QUOTA_CREATE, "10.0.0.1", 0), 0, "its 1 is used");
    setup(1, 1, 100, 1);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 0), 0, "the address's bucket is full again");
    setup(100, 1, 1, 1);
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.1", 0), 0);
    cr_assert_neq(quota_take(QUOTA_SUBMIT, "10.0.0.2", 0), 0, "everyone's 1 is used");
    setup(100, 1, 1, 1);
    cr_assert_eq(quota_take(QUOTA_SUBMIT, "10.0.0.2", 0), 0, "everyone's bucket is full again");
    cr_assert(quota_open_full_log(QUOTA_HALL, 5000));
    setup(100, 1, 1, 1);
    cr_assert(quota_open_full_log(QUOTA_HALL, 5001), "the log's minute starts again");
}

/* A slot whose bucket has filled up again is reused for a new address,
 * which is then held to its own burst: with the table full of addresses
 * seen a second ago, a newcomer is not left to the overall bucket only
 * (a mutation review: the refill before the reuse test, and its >=, were
 * unpinned). */
Test(quota, a_slot_filled_up_again_is_reused_for_a_new_address)
{
    char addr[32];
    int i, ok = 0;

    setup(2, 3600, 1000000, 3600);  /* an address: 2, then one a second */
    for (i = 0; i < 4096; i++) {
        snprintf(addr, sizeof addr, "10.%d.%d.1", i / 250, i % 250);
        cr_assert_eq(quota_take(QUOTA_CREATE, addr, 0), 0);
    }
    /* a second later each of those buckets is full again (2 of 2) */
    for (i = 0; i < 5; i++)
        ok += quota_take(QUOTA_CREATE, "10.250.0.1", 1000) == 0;
    cr_assert_eq(ok, 2, "the newcomer got a slot and its burst of 2, not %d", ok);
}

/* Both buckets empty: the wait is the longer of the two, not the
 * address's alone. Here the address refills in a second but everyone's in
 * a minute: "1" was early, and the retry a second later was refused again
 * (found by a mutation review of src/quota.c). */
Test(quota, with_both_buckets_empty_the_wait_is_the_longer)
{
    setup(1, 3600, 1, 60);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 0), 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 0), 60, "everyone's token is a minute away");
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 1000), 59);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 60000), 0, "on time");
    /* and the other way round: the address's minute, everyone's second */
    setup(1, 60, 1, 3600);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 0), 0);
    cr_assert_eq(quota_take(QUOTA_CREATE, "10.0.0.1", 0), 60, "the address's token is a minute away");
}
