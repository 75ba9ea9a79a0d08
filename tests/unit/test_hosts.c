/* hosts: which Host headers the daemon serves (issue #12, item 9). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hosts.h"

Test(hosts, defaults_addresses_and_configured_names)
{
    const char *extra[] = {"kiosk.hall", "BSFW"};
    char err[128];

    cr_assert(hosts_allowed("localhost"), "before set-up too");
    cr_assert_eq(hosts_setup("hall-pc.lan:8080", "https://user@bsfw.example.org:8443/x", extra, 2,
                             err, sizeof err), 0, "%s", err);
    for (const char *ok[] = {NULL, "localhost", "LocalHost.:80", "127.0.0.1", "127.0.0.1:8080",
                             "10.1.2.3:1", "[::1]", "[::1]:8080", "[fe80::1]", "kiosk.hall",
                             "Kiosk.Hall.:9", "bsfw", "hall-pc.lan", "bsfw.example.org:8443"},
                    **p = ok; p < ok + sizeof ok / sizeof *ok; p++)
        cr_assert(hosts_allowed(*p), "%s allowed", *p ? *p : "(none)");
    for (const char *bad[] = {"evil.example", "evil.example:8080", "kiosk.hall.evil.example",
                              "localhost.evil.example", "", ":8080", "::1", "[::1", "[nope]",
                              "[::1]x", "1.2.3.4.5", "user@kiosk.hall", "kiosk.hall:80:80",
                              "evil.example#kiosk.hall"},
                    **p = bad; p < bad + sizeof bad / sizeof *bad; p++)
        cr_assert_not(hosts_allowed(*p), "%s refused", *p);
}

Test(hosts, names_are_checked)
{
    const char *bad[] = {"a b"};
    char err[128];

    cr_assert(hosts_name_valid("kiosk-1.hall"));
    cr_assert_not(hosts_name_valid(""));
    cr_assert_not(hosts_name_valid("a/b"));
    cr_assert_neq(hosts_setup("127.0.0.1:0", NULL, bad, 1, err, sizeof err), 0);
    cr_assert(strstr(err, "--host") != NULL);
}

/* What an officer types as listen (a review tried each): only HOST:PORT
 * with a port in range and nothing after it. 99999 used to be served on
 * 34463, the socket layer's 16 bits of it. */
Test(hosts, listen_addresses_are_checked)
{
    for (const char *good[] = {"127.0.0.1:8080", "0.0.0.0:0", "[::1]:0", "[::]:65535", "localhost:80",
                               "kiosk.hall:8080"},
                    **p = good; p < good + sizeof good / sizeof *good; p++)
        cr_assert(hosts_listen_valid(*p), "%s taken", *p);
    for (const char *bad[] = {"0.0.0.0:443 # https", "443", "0.0.0.0", "\"0.0.0.0:8080\"",
                              "0.0.0.0:\xef\xbc\x98\xef\xbc\x90\xef\xbc\x98\xef\xbc\x90", "127.0.0.1:99999",
                              "127.0.0.1:65536", "127.0.0.1:008080", ":80", "[::1]", "[::1]:", "::1:80",
                              "[nope]:80", "127.0.0.1:+80", "127.0.0.1:-1", "a b:80"},
                    **p = bad; p < bad + sizeof bad / sizeof *bad; p++)
        cr_assert_not(hosts_listen_valid(*p), "%s refused", *p);
}

/* An Origin's host is the hall's own only when it is one of the names:
 * never an IP address literal, which anyone's page may be served from. */
Test(hosts, named_is_a_name_of_ours_never_an_address)
{
    char err[128];

    cr_assert_eq(hosts_setup("0.0.0.0:8080", "https://banshi.street.example/x", NULL, 0, err, sizeof err), 0);
    cr_assert(hosts_named("banshi.street.example"));
    cr_assert(hosts_named("BanShi.Street.Example:443"));
    cr_assert(hosts_named("localhost:8080"));
    cr_assert_not(hosts_named("evil.example"));
    cr_assert_not(hosts_named("banshi.street.example.evil.example"));
    cr_assert_not(hosts_named("192.0.2.2:8080"));
    cr_assert_not(hosts_named("[::1]:8080"));
    cr_assert_not(hosts_named("localhost:80.evil.example"));
    cr_assert_not(hosts_named("localhost:"));
    cr_assert_eq(hosts_setup("127.0.0.1:8080", NULL, NULL, 0, err, sizeof err), 0);
    cr_assert_not(hosts_named("127.0.0.1:8080"), "the listen address is an address, not a name");
    cr_assert_not(hosts_named(NULL));
    cr_assert_not(hosts_named(""));
}

/* HOSTS_NAME_MAX is a DNS name's longest: that many bytes are a name, one
 * more is not. */
Test(hosts, the_longest_name)
{
    char name[HOSTS_NAME_MAX + 2];

    memset(name, 'a', HOSTS_NAME_MAX + 1);
    name[HOSTS_NAME_MAX] = '\0';
    cr_expect(hosts_name_valid(name));
    name[HOSTS_NAME_MAX] = 'a';
    name[HOSTS_NAME_MAX + 1] = '\0';
    cr_expect_not(hosts_name_valid(name));
}

/* A name given twice takes one place of HOSTS_MAX; past HOSTS_MAX names
 * the start is refused rather than some dropped (or the list overrun). */
Test(hosts, at_most_hosts_max_names_and_repeats_count_once)
{
    static char names[HOSTS_MAX + 1][16];
    const char *extra[HOSTS_MAX + 1];
    char err[128] = "";
    size_t i;

    for (i = 0; i <= HOSTS_MAX; i++)
        extra[i] = "kiosk.hall";
    cr_expect_eq(hosts_setup("127.0.0.1:0", NULL, extra, HOSTS_MAX + 1, err, sizeof err), 0, "%s", err);
    for (i = 0; i <= HOSTS_MAX; i++) {
        snprintf(names[i], sizeof names[i], "k%zu.hall", i);
        extra[i] = names[i];
    }
    cr_expect_eq(hosts_setup("127.0.0.1:0", NULL, extra, HOSTS_MAX + 1, err, sizeof err), -1);
    cr_expect(strstr(err, "at most") != NULL, "%s", err);
}

/* A hall's PCs may know the server by its own name (and its first label). */
Test(hosts, the_machines_own_name)
{
    char me[HOSTS_NAME_MAX + 2], err[128];

    cr_assert_eq(gethostname(me, sizeof me), 0);
    me[sizeof me - 1] = '\0';
    cr_assert_eq(hosts_setup("127.0.0.1:0", NULL, NULL, 0, err, sizeof err), 0);
    if (hosts_name_valid(me))
        cr_expect(hosts_allowed(me), "%s", me);
    me[strcspn(me, ".")] = '\0';
    if (hosts_name_valid(me))
        cr_expect(hosts_allowed(me), "%s", me);
}

/* The host of --public-url ends where its path, query or fragment begins,
 * whichever the URL has. */
Test(hosts, the_public_urls_host_ends_at_a_query_or_fragment)
{
    char err[128];

    cr_assert_eq(hosts_setup("127.0.0.1:0", "https://q.example?lang=zh", NULL, 0, err, sizeof err), 0);
    cr_expect(hosts_allowed("q.example"));
    cr_assert_eq(hosts_setup("127.0.0.1:0", "https://f.example#top", NULL, 0, err, sizeof err), 0);
    cr_expect(hosts_allowed("f.example"));
}

/* An Origin's port is at most five digits: a longer one is no port, and
 * the Origin is not ours. */
Test(hosts, named_takes_a_port_of_five_digits_at_most)
{
    char err[128];

    cr_assert_eq(hosts_setup("127.0.0.1:8080", NULL, NULL, 0, err, sizeof err), 0);
    cr_assert(hosts_named("localhost:65535"));
    cr_assert_not(hosts_named("localhost:123456"));
}
