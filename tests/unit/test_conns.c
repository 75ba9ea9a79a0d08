/* Unit tests of conns.c's arithmetic without sockets: the room kept for new
 * addresses (the high-water mark), what a body's buffer will take, and the
 * shared body budget (taken up to its bound, refused past it, given back);
 * the cap per address behind a proxy counts connections on their way. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "conns.h"
#include "xff.h"

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

static struct sockaddr_in conns_test_addr(const char *ip)
{
    struct sockaddr_in sa;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    cr_assert_eq(inet_pton(AF_INET, ip, &sa.sin_addr), 1);
    return sa;
}

/* conns_accept as the acceptor calls it: inside MHD_add_connection, the
 * descriptor named. */
static enum MHD_Result conns_test_hand(int fd, const struct sockaddr_in *sa)
{
    enum MHD_Result r;

    conns_handing(fd);
    r = conns_accept(NULL, (const struct sockaddr *)sa, sizeof *sa);
    conns_handing(-1);
    return r;
}

static void conns_test_trust(const char *ip)
{
    struct xff_set trusted;
    struct xff_net net;

    memset(&trusted, 0, sizeof trusted);
    cr_assert_eq(xff_net_parse(ip, &net), 0);
    cr_assert_eq(xff_set_add(&trusted, &net), 0);
    conns_trust(&trusted);
}

/* conns started with these caps, 127.0.0.1 a trusted proxy. */
static void conns_test_start_trusting(unsigned max_total, unsigned per_address)
{
    struct conns_limits l;

    conns_limits_default(&l);
    l.max_total = max_total;
    l.max_per_address = per_address;
    conns_test_trust("127.0.0.1");
    cr_assert_eq(conns_start(&l), 0);
}

/* The acceptor (http.c) hands a burst of connections to libmicrohttpd
 * before any worker announces one: the policy must count those it let by,
 * or six from one address all get in past a cap of four. */
Test(conns, accept_counts_connections_not_yet_announced)
{
    struct sockaddr_in proxy = conns_test_addr("127.0.0.1"), a = conns_test_addr("127.0.0.2"),
                       b = conns_test_addr("127.0.0.3");
    int i;

    conns_test_start_trusting(16, 4);
    for (i = 0; i < 4; i++)
        cr_expect_eq(conns_test_hand(10 + i, &a), MHD_YES, "connection %d", i + 1);
    cr_expect_eq(conns_test_hand(14, &a), MHD_NO, "the fifth of one address");
    cr_expect_eq(conns_test_hand(14, &b), MHD_YES, "another address has its own share");
    for (i = 0; i < 8; i++)
        cr_expect_eq(conns_test_hand(15 + i, &proxy), MHD_YES,
                     "the trusted proxy is not held to a share");
    conns_stop();
    /* a share larger than any fixed list: every one on its way counted */
    conns_test_start_trusting(256, 100);
    for (i = 0; i < 100; i++)
        cr_expect_eq(conns_test_hand(10 + i, &a), MHD_YES, "connection %d", i + 1);
    cr_expect_eq(conns_test_hand(110, &a), MHD_NO, "the 101st of one address");
    conns_stop();
    conns_trust(NULL);
}

/* A worker inside a handler (a database wait is up to 5 s) announces none
 * of the connections handed to it meanwhile. They were forgotten after a
 * second, and another four of one address got in each second past a cap
 * of four (replayed over HTTP by a stalled worker: eight served). They
 * count until announced; only a descriptor number handed over again says
 * that its connection is gone. */
Test(conns, accept_counts_them_until_announced_however_late)
{
    struct sockaddr_in a = conns_test_addr("127.0.0.2");
    const struct timespec past_the_old_second = {1, 100000000};
    int i;

    conns_test_start_trusting(16, 4);
    for (i = 0; i < 4; i++)
        cr_expect_eq(conns_test_hand(10 + i, &a), MHD_YES, "connection %d", i + 1);
    cr_assert_eq(nanosleep(&past_the_old_second, NULL), 0);
    cr_expect_eq(conns_test_hand(14, &a), MHD_NO, "still four on their way");
    /* 13 handed over again: the connection that had it was dropped
     * before any worker took it */
    cr_expect_eq(conns_test_hand(13, &a), MHD_YES, "a number given out again is a new connection");
    cr_expect_eq(conns_test_hand(14, &a), MHD_NO, "and it takes the old one's place, not another");
    conns_stop();
    conns_trust(NULL);
}
