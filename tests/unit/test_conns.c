/* Unit tests of conns.c's arithmetic without sockets: the room kept for new
 * addresses (the high-water mark), what a body's buffer will take, and the
 * shared body budget (taken up to its bound, refused past it, given back). */
#include <criterion/criterion.h>

#include "conns.h"

Test(conns, high_water_keeps_an_eighth_or_a_share_free)
{
    struct conns_limits l;

    conns_limits_default(&l);
    cr_expect_eq(conns_high_water(&l), 872u, "1000 less one address's share of 128");
    l.max_total = 16;
    l.max_per_address = 4;
    cr_expect_eq(conns_high_water(&l), 12u, "the reserve is one address's share");
    l.max_per_address = 8;
    cr_expect_eq(conns_high_water(&l), 8u);
    l.max_per_address = 100;
    cr_expect_eq(conns_high_water(&l), 8u, "never more than half is reserved");
}

Test(conns, footprint_is_what_the_doubling_buffer_allocates)
{
    cr_expect_eq(conns_body_footprint(0), 64u);
    cr_expect_eq(conns_body_footprint(63), 64u);
    cr_expect_eq(conns_body_footprint(64), 128u, "room for the NUL");
    cr_expect_eq(conns_body_footprint((size_t)1 << 20), (size_t)2 << 20);
    cr_expect_eq(conns_body_footprint(600000), (size_t)1 << 20);
}

Test(conns, body_budget_is_taken_refused_and_given_back)
{
    struct conns_limits l;

    conns_limits_default(&l);
    l.max_total = 8;
    l.max_per_address = 4;
    l.body_memory = (size_t)1 << 20;
    cr_assert_eq(conns_start(&l), 0);
    cr_expect(conns_body_take((size_t)768 << 10));
    cr_expect(!conns_body_take((size_t)512 << 10), "past the bound");
    cr_expect(conns_body_take((size_t)256 << 10), "exactly up to the bound");
    cr_expect(!conns_body_take(1));
    cr_expect(!conns_body_take((size_t)-1), "no wrap-around");
    conns_body_give((size_t)768 << 10);
    cr_expect(conns_body_take((size_t)512 << 10));
    conns_body_give((size_t)768 << 10);
    cr_expect(conns_body_take((size_t)1 << 20), "all given back");
    conns_body_give((size_t)1 << 20);
    conns_stop();
}
