/* hosts: which Host headers the daemon serves (issue #12, item 9). */
#include <criterion/criterion.h>

#include <string.h>

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
