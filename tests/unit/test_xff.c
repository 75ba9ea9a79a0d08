/* xff: trusted proxies as addresses or CIDRs, and X-Forwarded-For read
 * from the right (serve --trusted-proxy, issue #13 item 4). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "xff.h"

static struct xff_set set_of(const char *const *nets, size_t n)
{
    struct xff_set s;
    struct xff_net net;
    size_t i;

    memset(&s, 0, sizeof s);
    for (i = 0; i < n; i++) {
        cr_assert_eq(xff_net_parse(nets[i], &net), 0, "%s", nets[i]);
        cr_assert_eq(xff_set_add(&s, &net), 0);
    }
    return s;
}

/* the client xff_client finds in s, as text; "-" when it falls back */
static const char *client_of(const char *s, const struct xff_set *t, char *buf, size_t cap)
{
    unsigned char a[16];

    if (xff_client(s, strlen(s), t, a) != 0)
        return "-";
    cr_assert_eq(xff_addr_format(a, buf, cap), 0);
    return buf;
}

static bool in(const struct xff_set *s, const char *addr)
{
    unsigned char a[16];

    cr_assert_eq(xff_addr_parse(addr, strlen(addr), a), 0, "%s", addr);
    return xff_set_contains(s, a);
}

Test(xff, nets_parse_and_match)
{
    static const char *const nets[] = {"10.0.0.0/8", "192.168.1.7", "fd00::/8", "2001:db8::1",
                                       "172.16.0.0/12"};
    struct xff_set s = set_of(nets, 5);
    struct xff_net net;

    cr_assert(in(&s, "10.255.3.4"));
    cr_assert_not(in(&s, "11.0.0.1"));
    cr_assert(in(&s, "192.168.1.7"));
    cr_assert_not(in(&s, "192.168.1.8"));
    cr_assert(in(&s, "172.31.255.255"));
    cr_assert_not(in(&s, "172.32.0.0"));
    cr_assert_not(in(&s, "172.15.255.255"), "a prefix not on a byte: its lower edge too");
    cr_assert(in(&s, "fdab::5"));
    cr_assert_not(in(&s, "fe80::1"));
    cr_assert(in(&s, "2001:db8::1"));
    cr_assert_not(in(&s, "2001:db8::2"));
    /* an IPv4-mapped IPv6 address is the IPv4 one */
    cr_assert(in(&s, "::ffff:10.1.2.3"));
    /* an IPv4 net does not take IPv6 addresses that share its bits */
    cr_assert_not(in(&s, "::a00:1"));

    cr_assert_eq(xff_net_parse("0.0.0.0/0", &net), 0);
    cr_assert_eq(net.prefix, 96);
    cr_assert_eq(xff_net_parse("::/0", &net), 0);
    cr_assert_eq(net.prefix, 0);
    cr_assert_eq(xff_net_parse("10.0.0.0/33", &net), -1);
    cr_assert_eq(xff_net_parse("fd00::/129", &net), -1);
    cr_assert_eq(xff_net_parse("10.0.0.1/8", &net), -1, "host bits past the prefix");
    cr_assert_eq(xff_net_parse("10.0.0.0/", &net), -1);
    cr_assert_eq(xff_net_parse("10.0.0.0/-8", &net), -1);
    cr_assert_eq(xff_net_parse("10.0.0.0/08x", &net), -1);
    cr_assert_eq(xff_net_parse("localhost", &net), -1);
    cr_assert_eq(xff_net_parse("10.0.0", &net), -1);
    cr_assert_eq(xff_net_parse("", &net), -1);
    cr_assert_eq(xff_net_parse(" 10.0.0.1", &net), -1);
    cr_assert_eq(xff_net_parse("10.0.0.0/0008", &net), -1);
}

Test(xff, set_is_bounded)
{
    struct xff_set s;
    struct xff_net net;
    int i;

    memset(&s, 0, sizeof s);
    cr_assert_eq(xff_net_parse("10.0.0.1", &net), 0);
    for (i = 0; i < XFF_NETS_MAX; i++)
        cr_assert_eq(xff_set_add(&s, &net), 0);
    cr_assert_eq(xff_set_add(&s, &net), -1);
    cr_assert_not(xff_set_contains(NULL, net.addr));
}

Test(xff, entries)
{
    unsigned char a[16], b[16];
    char buf[64];

    cr_assert_eq(xff_addr_parse(" 1.2.3.4 ", 9, a), 0);
    cr_assert_eq(xff_addr_parse("1.2.3.4:5678", 12, b), 0);
    cr_assert_eq(memcmp(a, b, 16), 0);
    cr_assert_eq(xff_addr_parse("[2001:db8::7]:443", 17, a), 0);
    cr_assert_eq(xff_addr_format(a, buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "2001:db8::7");
    cr_assert_eq(xff_addr_parse("[2001:db8::7]", 13, b), 0);
    cr_assert_eq(memcmp(a, b, 16), 0);
    cr_assert_eq(xff_addr_parse("2001:db8::7", 11, b), 0);
    cr_assert_eq(memcmp(a, b, 16), 0);
    cr_assert_eq(xff_addr_parse("::ffff:1.2.3.4", 14, a), 0);
    cr_assert_eq(xff_addr_format(a, buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "1.2.3.4");
    static const char *const bad[] = {"", " ", "unknown", "_hidden", "1.2.3", "1.2.3.4.5",
                                      "1.2.3.256", "[1.2.3.4]", "[::1", "[::1]:", "[::1]x",
                                      "1.2.3.4:", "1.2.3.4:123456", "1.2.3.4:8x", "example.org",
                                      "01.2.3.4", "::1::2", "1.2.3.4 5.6.7.8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(xff_addr_parse(bad[i], strlen(bad[i]), a), -1, "%s", bad[i]);
    /* a NUL inside the span is junk, not an end */
    cr_assert_eq(xff_addr_parse("1.2.3.4\0", 8, a), -1);
    /* over XFF_ENTRY_MAX bytes, spaces and all */
    char longer[XFF_ENTRY_MAX + 8];
    memset(longer, ' ', sizeof longer);
    memcpy(longer + sizeof longer - 7, "1.2.3.4", 7);
    cr_assert_eq(xff_addr_parse(longer, sizeof longer, a), -1);
}

Test(xff, client_is_the_rightmost_untrusted)
{
    static const char *const nets[] = {"127.0.0.1", "10.0.0.0/8"};
    struct xff_set t = set_of(nets, 2);
    char buf[64];

    cr_assert_str_eq(client_of("203.0.113.9", &t, buf, sizeof buf), "203.0.113.9");
    /* what the client sent itself is left of what the proxy appended */
    cr_assert_str_eq(client_of("6.6.6.6, 203.0.113.9", &t, buf, sizeof buf), "203.0.113.9");
    cr_assert_str_eq(client_of("junk, <script>, 203.0.113.9", &t, buf, sizeof buf),
                     "203.0.113.9");
    /* a chain of trusted proxies is walked through */
    cr_assert_str_eq(client_of("6.6.6.6,203.0.113.9, 10.1.1.1,127.0.0.1", &t, buf, sizeof buf),
                     "203.0.113.9");
    /* every entry trusted: the left-most */
    cr_assert_str_eq(client_of("10.2.2.2, 127.0.0.1", &t, buf, sizeof buf), "10.2.2.2");
    /* the entry reached is not an address: the caller falls back */
    cr_assert_str_eq(client_of("203.0.113.9, unknown", &t, buf, sizeof buf), "-");
    cr_assert_str_eq(client_of("203.0.113.9, 10.0.0.1, junk", &t, buf, sizeof buf), "-");
    cr_assert_str_eq(client_of("", &t, buf, sizeof buf), "-");
    cr_assert_str_eq(client_of("203.0.113.9,", &t, buf, sizeof buf), "-");
    cr_assert_str_eq(client_of(",", &t, buf, sizeof buf), "-");
    /* an empty set trusts nothing: the right-most entry */
    struct xff_set none;
    memset(&none, 0, sizeof none);
    cr_assert_str_eq(client_of("1.1.1.1, 2.2.2.2", &none, buf, sizeof buf), "2.2.2.2");
}

Test(xff, too_many_entries)
{
    static const char *const nets[] = {"10.0.0.0/8"};
    struct xff_set t = set_of(nets, 1);
    char s[XFF_ENTRIES_MAX * 12 + 32], buf[64];
    size_t len = 0;
    int i;

    /* XFF_ENTRIES_MAX trusted hops are read, no more */
    len += (size_t)snprintf(s + len, sizeof s - len, "203.0.113.9");
    for (i = 0; i < XFF_ENTRIES_MAX - 1; i++)
        len += (size_t)snprintf(s + len, sizeof s - len, ",10.0.0.%d", i);
    cr_assert_str_eq(client_of(s, &t, buf, sizeof buf), "203.0.113.9");
    len += (size_t)snprintf(s + len, sizeof s - len, ",10.0.1.1");
    cr_assert_str_eq(client_of(s, &t, buf, sizeof buf), "-");

    /* a long header of junk on the left costs nothing: never read */
    static char big[1 << 16];
    memset(big, 'x', sizeof big);
    memcpy(big + sizeof big - 13, ",203.0.113.9", 13);
    cr_assert_str_eq(client_of(big, &t, buf, sizeof buf), "203.0.113.9");
}

/* the edges of a CIDR: a full-length prefix is a host, the first host bit
 * counts, and a prefix is digits only (never an empty one read as /0) */
Test(xff, net_bounds)
{
    struct xff_net net;

    cr_assert_eq(xff_net_parse("10.0.0.1/32", &net), 0);
    cr_assert_eq(net.prefix, 128);
    cr_assert_eq(xff_net_parse("::1/128", &net), 0);
    cr_assert_eq(net.prefix, 128);
    cr_assert_eq(xff_net_parse("0.0.0.0/", &net), -1, "an empty prefix is not /0");
    cr_assert_eq(xff_net_parse("10.0.0.0/+8", &net), -1);
    cr_assert_eq(xff_net_parse("10.0.0.0/ 8", &net), -1);
    cr_assert_eq(xff_net_parse("10.128.0.0/8", &net), -1, "the first host bit set");
    cr_assert_eq(xff_net_parse("fd80::/8", &net), -1, "the first host bit set");
}

/* proxies append ephemeral ports (five digits) and may pad with tabs; a
 * port is digits after a colon, nothing else */
Test(xff, entry_ports_and_tabs)
{
    unsigned char a[16], b[16];

    cr_assert_eq(xff_addr_parse("1.2.3.4", 7, a), 0);
    cr_assert_eq(xff_addr_parse("1.2.3.4:65535", 13, b), 0);
    cr_assert_eq(memcmp(a, b, 16), 0);
    cr_assert_eq(xff_addr_parse("\t1.2.3.4\t", 9, b), 0);
    cr_assert_eq(memcmp(a, b, 16), 0);
    cr_assert_eq(xff_addr_parse("[::1]:54321", 11, b), 0);
    static const char *const bad[] = {"1.2.3.4:-1", "1.2.3.4:+80", "1.2.3.4:8/", "[::1]x80",
                                      "[::1]:-80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(xff_addr_parse(bad[i], strlen(bad[i]), a), -1, "%s", bad[i]);
}

/* a trusted hop with junk to its left: the client is unknown, so the
 * caller falls back to the proxy, never to the trusted hop */
Test(xff, junk_left_of_a_trusted_hop)
{
    static const char *const nets[] = {"10.0.0.0/8"};
    struct xff_set t = set_of(nets, 1);
    char buf[64];

    cr_assert_str_eq(client_of("unknown, 10.0.0.1", &t, buf, sizeof buf), "-");
    cr_assert_str_eq(client_of(", 10.0.0.1", &t, buf, sizeof buf), "-");
}

Test(xff, format_too_small)
{
    unsigned char a[16];
    char buf[8];

    cr_assert_eq(xff_addr_parse("203.0.113.9", 11, a), 0);
    cr_assert_eq(xff_addr_format(a, buf, sizeof buf), -1);
    cr_assert_eq(xff_addr_parse("2001:db8::7", 11, a), 0);
    cr_assert_eq(xff_addr_format(a, buf, sizeof buf), -1);
    cr_assert_eq(xff_addr_format(a, buf, 4), -1);
}
