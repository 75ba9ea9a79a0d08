/* httpin: the request's bytes as the HTTP layer reads them (issue #12,
 * item 12), with the inputs fuzz_http found. */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpin.h"

/* Found by fuzz_http (tests/fuzz/corpus/http/regress-etag-empty): an
 * empty tag matched at the terminator and the search read past it. */
Test(httpin, empty_etag_matches_nothing)
{
    char *inm = strdup("\"abc\"");

    cr_assert_not(httpin_etag_matches(inm, ""));
    cr_assert_not(httpin_etag_matches("", ""));
    cr_assert(httpin_etag_matches(inm, "\"abc\""));
    cr_assert(httpin_etag_matches("W/\"x\", \"abc\"", "\"abc\""));
    cr_assert_not(httpin_etag_matches("\"abcd\"", "\"abc\""));
    cr_assert(httpin_etag_matches("*", "\"abc\""));
    cr_assert_not(httpin_etag_matches(NULL, "\"abc\""));
    free(inm);
}

Test(httpin, route_segments)
{
    const char *params[4];
    char seg[64];
    size_t n;

    cr_assert(httpin_route_match("/api/v1/cases/{}/steps/{}", "/api/v1/cases/ab/steps/3", seg,
                                 params, 4, &n));
    cr_assert_eq(n, 2);
    cr_assert_str_eq(params[0], "ab");
    cr_assert_str_eq(params[1], "3");
    cr_assert_not(httpin_route_match("/api/v1/cases/{}", "/api/v1/cases/", seg, params, 4, &n),
                  "an empty segment is no id");
    cr_assert_not(httpin_route_match("/a/{}/{}", "/a/x/y", seg, params, 1, &n),
                  "more segments than room");
    cr_assert(httpin_route_match("/assets/*", "/assets/a/b.js", seg, params, 4, &n));
}

Test(httpin, headers)
{
    bool csv;

    cr_assert_eq(httpin_content_length(NULL), 0);
    cr_assert_eq(httpin_content_length("12"), 12);
    cr_assert_eq(httpin_content_length("010"), 10, "decimal, whatever the leading zero");
    cr_assert_eq(httpin_content_length("0x10"), 0, "no hex");
    cr_assert_not(httpin_expect_continue(NULL));
    cr_assert_gt(httpin_content_length("-1"), 1u << 20, "a negative is refused as too large");
    cr_assert(httpin_expect_continue("100-Continue"));
    cr_assert_not(httpin_expect_continue("100-continue-x"));
    cr_assert_eq(httpin_redirect_host("kiosk.lan:80"), 9);
    cr_assert_eq(httpin_redirect_host("[::1]:8443"), 5);
    cr_assert_eq(httpin_redirect_host("evil/x"), 0);
    cr_assert_eq(httpin_redirect_host("[::1"), 0);
    cr_assert(httpin_cross_site("cross-site", NULL, "a"));
    cr_assert_not(httpin_cross_site("same-origin", "http://evil", "a"));
    cr_assert(httpin_cross_site(NULL, "null", "a"));
    cr_assert_not(httpin_cross_site(NULL, "http://A:1", "a:1"));
    cr_assert_eq(httpin_wants_csv("xml", NULL, &csv), 1);
    cr_assert_eq(httpin_wants_csv(NULL, "text/csv", &csv), 0);
    cr_assert(csv);
    cr_assert_eq(httpin_number("0123", 1, 200), 123);
    cr_assert_eq(httpin_number("1234567890123456789", 1, 9), -1);
    cr_assert_eq(httpin_number("", 0, 9), -1);
}

Test(httpin, log_path_hides_ids)
{
    char buf[64];

    cr_assert_str_eq(httpin_log_path("/api/v1/cases/secret/steps/0", buf, sizeof buf),
                     "/api/v1/cases/{id}/steps/0");
    cr_assert_str_eq(httpin_log_path("/api/v1/cases/", buf, sizeof buf), "/api/v1/cases/");
    cr_assert_str_eq(httpin_log_path(NULL, buf, sizeof buf), "?");
}

/* A case id outside the routes' own segment: a doubled slash, a mistyped
 * route, any case of the letters. Shorter hex runs (an asset's hash) stay. */
Test(httpin, log_path_hides_a_case_id_anywhere)
{
    static const char *const id = "0123456789abcdef0123456789abcdef";
    static const char *const pairs[][2] = {
        {"//api/v1/cases/ID/steps/0", "//api/v1/cases/{id}/steps/0"},
        {"/api/v1/cases//ID", "/api/v1/cases/{id}/{id}"},
        {"/case/ID", "/case/{id}"},
        {"/x/ID.json", "/x/{id}.json"},
        {"/assets/app.3f2a9c1e.js", "/assets/app.3f2a9c1e.js"},
    };
    char path[128], want[128], buf[128], *at;
    size_t i;

    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        snprintf(path, sizeof path, "%s", pairs[i][0]);
        if ((at = strstr(path, "ID")))
            snprintf(at, sizeof path - (size_t)(at - path), "%s%s", id, strstr(pairs[i][0], "ID") + 2);
        snprintf(want, sizeof want, "%s", pairs[i][1]);
        cr_expect_str_eq(httpin_log_path(path, buf, sizeof buf), want, "%s", path);
    }
    snprintf(path, sizeof path, "/api/v1/CASES/%s", "0123456789ABCDEF0123456789ABCDEF");
    cr_expect_str_eq(httpin_log_path(path, buf, sizeof buf), "/api/v1/CASES/{id}");
}

/* A path longer than its route is another route: without this, a handler
 * of /api/v1/cases would answer /api/v1/casesX and /api/v1/cases/ab. */
Test(httpin, route_matches_the_whole_path)
{
    const char *params[4];
    char seg[64];
    size_t n;

    cr_assert(httpin_route_match("/api/v1/cases", "/api/v1/cases", seg, params, 4, &n));
    cr_assert_not(httpin_route_match("/api/v1/cases", "/api/v1/casesX", seg, params, 4, &n));
    cr_assert_not(httpin_route_match("/api/v1/cases/{}", "/api/v1/cases/ab/steps", seg, params,
                                     4, &n));
}

/* include/httpin.h: 1..18 digits within [min, max], both ends included;
 * a 19th digit is refused before it could overflow a long long. */
Test(httpin, number_bounds_are_inclusive_and_18_digits_at_most)
{
    cr_assert_eq(httpin_number("1", 1, 9), 1);
    cr_assert_eq(httpin_number("9", 1, 9), 9);
    cr_assert_eq(httpin_number("0", 1, 9), -1);
    cr_assert_eq(httpin_number("10", 1, 9), -1);
    cr_assert_eq(httpin_number("123456789012345678", 0, 999999999999999999LL),
                 123456789012345678LL);
    cr_assert_eq(httpin_number("1000000000000000000", 0, 9223372036854775807LL), -1,
                 "19 digits");
}

/* If-None-Match as browsers and proxies send it (RFC 9110 8.8.3): a weak
 * W/"…" entry, a list without spaces, ours first or in the middle of a
 * list; each must give a 304, never a second copy of the file. */
Test(httpin, etag_in_every_list_shape)
{
    cr_assert(httpin_etag_matches("W/\"abc\"", "\"abc\""), "weak");
    cr_assert(httpin_etag_matches("\"x\",\"abc\"", "\"abc\""), "after a comma");
    cr_assert(httpin_etag_matches("\"abc\",\"x\"", "\"abc\""), "before a comma");
    cr_assert(httpin_etag_matches("\"abc\" , \"x\"", "\"abc\""), "before a space");
    cr_assert_not(httpin_etag_matches("x\"abc\"", "\"abc\""), "inside another word");
}

/* A redirect's Location is built from Host: a name with a hyphen is a
 * name; anything but hex digits, ':' and '.' between brackets is not. */
Test(httpin, redirect_host_shapes)
{
    cr_assert_eq(httpin_redirect_host("service-hall.lan:80"), 16);
    cr_assert_eq(httpin_redirect_host("[fe80::1]"), 9);
    cr_assert_eq(httpin_redirect_host("[::1\"><x]"), 0);
    cr_assert_eq(httpin_redirect_host("[g::1]:80"), 0);
}

/* Sec-Fetch-Site: none is a typed address or a bookmark, the user's own
 * act; an Origin with no Host to compare it with is not trusted. */
Test(httpin, cross_site_none_and_no_host)
{
    cr_assert_not(httpin_cross_site("none", NULL, "a"));
    cr_assert(httpin_cross_site("same-site", NULL, "a"));
    cr_assert(httpin_cross_site(NULL, "http://a", NULL));
    cr_assert_not(httpin_cross_site(NULL, NULL, "a"), "no Origin: not a browser's cross-site form");
}

/* ?format= decides before Accept, both ways. */
Test(httpin, format_wins_over_accept)
{
    bool csv = true;

    cr_assert_eq(httpin_wants_csv("json", "text/csv", &csv), 0);
    cr_assert_not(csv);
    cr_assert_eq(httpin_wants_csv("csv", "application/json", &csv), 0);
    cr_assert(csv);
    cr_assert_eq(httpin_wants_csv(NULL, "application/json", &csv), 0);
    cr_assert_not(csv);
}

/* Accept is read as HTTP reads it: any case, q-values, JSON preferred wins. */
Test(httpin, accept_is_case_insensitive_and_weighed)
{
    bool csv = false;

    cr_assert_eq(httpin_wants_csv(NULL, "Text/CSV", &csv), 0);
    cr_assert(csv);
    cr_assert_eq(httpin_wants_csv(NULL, "text/csv;q=0", &csv), 0);
    cr_assert_not(csv);
    cr_assert_eq(httpin_wants_csv(NULL, "text/csv;q=0.5, application/json;q=0.9", &csv), 0);
    cr_assert_not(csv);
    cr_assert_eq(httpin_wants_csv(NULL, "application/json;q=0.1, text/csv", &csv), 0);
    cr_assert(csv);
    cr_assert_eq(httpin_wants_csv(NULL, "text/csvx, text/*", &csv), 0);
    cr_assert_not(csv);
    cr_assert_eq(httpin_wants_csv(NULL, "text/csv;Q=1.000", &csv), 0);
    cr_assert(csv);
}

/* Every route whose path carries a case id, a ticket, a rating token or a
 * staff record's id logs it as {id}, with the rest of the path kept. */
Test(httpin, log_path_hides_every_secret_segment)
{
    static const char *const prefixes[] = {
        "/api/v1/cases/",         "/print/cases/",           "/api/v1/staff/cases/",
        "/print/staff/cases/",    "/api/v1/staff/notifications/", "/api/v1/staff/followups/",
        "/api/v1/staff/procedures/", "/api/v1/staff/practice/", "/api/v1/rate/",
    };
    char path[128], want[128], buf[128];
    size_t i;

    for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        snprintf(path, sizeof path, "%sS3CRET/more", prefixes[i]);
        snprintf(want, sizeof want, "%s{id}/more", prefixes[i]);
        cr_expect_str_eq(httpin_log_path(path, buf, sizeof buf), want);
    }
    cr_expect_str_eq(httpin_log_path("/api/v1/procedures/x", buf, sizeof buf), "/api/v1/procedures/x");
}
