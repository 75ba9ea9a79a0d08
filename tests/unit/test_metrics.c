/* Unit tests of src/metrics.c: who may scrape (addresses, networks,
 * IPv4-mapped IPv6, the loopback default), the text format's escaping, and
 * the counters as rendered: requests by route pattern, the histogram
 * cumulative up to +Inf equal to _count. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "http.h"
#include "metrics.h"

static bool allowed(const char *addr)
{
    struct sockaddr_storage ss;

    memset(&ss, 0, sizeof ss);
    if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        ss.ss_family = AF_INET;
    } else {
        cr_assert_eq(inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr), 1, "%s", addr);
        ss.ss_family = AF_INET6;
    }
    return metrics_allowed((struct sockaddr *)&ss);
}

Test(metrics_allow, loopback_by_default)
{
    cr_assert_eq(metrics_allow_set(NULL, 0), 0);
    cr_expect(allowed("127.0.0.1"));
    cr_expect(allowed("127.200.3.4"));
    cr_expect(allowed("::1"));
    cr_expect(allowed("::ffff:127.0.0.1"), "IPv4-mapped loopback");
    cr_expect_not(allowed("10.0.0.1"));
    cr_expect_not(allowed("::2"));
    cr_expect_not(metrics_allowed(NULL));
}

Test(metrics_allow, networks_and_addresses)
{
    const char *specs[] = {"10.9.0.0/16", "192.168.1.7", "fd00::/8", "172.16.0.0/12"};

    cr_assert_eq(metrics_allow_set(specs, 4), 0);
    cr_expect(allowed("10.9.255.1"));
    cr_expect_not(allowed("10.10.0.1"));
    cr_expect(allowed("192.168.1.7"));
    cr_expect_not(allowed("192.168.1.8"));
    cr_expect(allowed("fd12::1"));
    cr_expect_not(allowed("fe80::1"));
    cr_expect(allowed("172.31.255.255"));
    cr_expect_not(allowed("172.32.0.0"));
    cr_expect(allowed("::ffff:10.9.1.1"));
    cr_expect_not(allowed("127.0.0.1"), "the default is replaced, not added to");
}

Test(metrics_allow, bad_specs_are_refused_and_change_nothing)
{
    const char *good[] = {"10.0.0.0/8"}, *bad[] = {"10.0.0.0/8", "10.0.0.0/33"};

    for (const char *const *s = (const char *const[]){"", "/8", "10.0.0.1/", "10.0.0.1/x",
                                                      "::1/129", "localhost", "10.0.0.0/8/8",
                                                      "10.0.0.1/0008", NULL};
         *s; s++)
        cr_expect_not(metrics_allow_valid(*s), "%s", *s);
    cr_expect(metrics_allow_valid("0.0.0.0/0"));
    cr_expect(metrics_allow_valid("::/0"));
    cr_assert_eq(metrics_allow_set(good, 1), 0);
    cr_expect_eq(metrics_allow_set(bad, 2), -1);
    cr_expect(allowed("10.1.2.3"), "the list before the refused one stays");
}

Test(metrics_text, label_values_are_escaped)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(metrics_label_escape(&sb, "a\\b\"c\nd"), 0);
    cr_expect_str_eq(sb.data, "a\\\\b\\\"c\\nd");
    strbuf_free(&sb);
}

static enum MHD_Result handler(struct http_request *req)
{
    (void)req;
    return MHD_YES;
}

/* The value of the line starting with prefix in text, or -1. */
static double line_value(const char *text, const char *prefix)
{
    const char *p = text;
    size_t n = strlen(prefix);

    while (p && *p) {
        if (strncmp(p, prefix, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return -1;
}

Test(metrics_text, requests_by_pattern_and_a_cumulative_histogram)
{
    static const struct http_route routes[] = {
        {"GET", "/api/v1/procedures/{}", handler, HTTP_PUBLIC, false},
        {"GET", "/metrics", handler, HTTP_MONITOR, false},
    };
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(metrics_routes_set(routes, 2), 0);
    metrics_request(&routes[0], 200, 500000);          /* 0.5 ms */
    metrics_request(&routes[0], 200, 3000000);         /* 3 ms */
    metrics_request(&routes[0], 404, 40000000000ull);  /* 40 s: past the last bound */
    metrics_request(NULL, 405, 1000);
    metrics_request(&routes[1], 299, 1000);            /* a code not on the list */
    cr_assert_eq(metrics_render(&sb), 0);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_requests_total{method=\"GET\",route=\"/api/v1/procedures/{}\",code=\"200\"}"), 2);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_requests_total{method=\"GET\",route=\"/api/v1/procedures/{}\",code=\"404\"}"), 1);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_requests_total{method=\"\",route=\"none\",code=\"405\"}"), 1);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_requests_total{method=\"GET\",route=\"/metrics\",code=\"other\"}"), 1);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_request_duration_seconds_bucket{le=\"0.001\"}"), 3);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_request_duration_seconds_bucket{le=\"0.005\"}"), 4);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_request_duration_seconds_bucket{le=\"30\"}"), 4);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_request_duration_seconds_bucket{le=\"+Inf\"}"), 5);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_request_duration_seconds_count"), 5);
    cr_expect(strstr(sb.data, "# TYPE spkiosk_http_request_duration_seconds histogram\n") != NULL);
    cr_expect(strstr(sb.data, "spkiosk_build_info{version=\"") != NULL);
    strbuf_free(&sb);
}

/* A bucket's bound is "le": a request taking exactly 1 ms or 2.5 ms is in
 * that bucket, not the next; _sum is in seconds. */
Test(metrics_text, a_request_on_a_bound_is_in_that_bucket)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(metrics_routes_set(NULL, 0), 0);
    metrics_request(NULL, 200, 1000000);
    metrics_request(NULL, 200, 2500000);
    cr_assert_eq(metrics_render(&sb), 0);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_request_duration_seconds_bucket{le=\"0.001\"}"), 1);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_request_duration_seconds_bucket{le=\"0.0025\"}"), 2);
    cr_expect(strstr(sb.data, "\nspkiosk_http_request_duration_seconds_sum 0.003500000\n") != NULL,
              "%s", sb.data);
    strbuf_free(&sb);
}

/* A counter past a million is still written in full digits (a reader of
 * 1.23457e+06 would see it go backwards), and no labels means no braces. */
Test(metrics_text, a_sample_keeps_every_digit)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(metrics_sample(&sb, "x_total", "", 1234567), 0);
    cr_assert_eq(metrics_sample(&sb, "x_total", "a=\"b\"", 4294967297.0), 0);
    cr_expect_str_eq(sb.data, "x_total 1234567\nx_total{a=\"b\"} 4294967297\n");
    strbuf_free(&sb);
}

/* The documented limits are inclusive: METRICS_ROUTES_MAX routes, and
 * METRICS_ALLOW_MAX networks, are taken; one more is refused. A host
 * address (/32, /128) is a network too. */
Test(metrics_allow, the_limits_are_inclusive)
{
    static struct http_route routes[METRICS_ROUTES_MAX + 1];
    const char *specs[METRICS_ALLOW_MAX + 1];
    size_t i;

    cr_expect_eq(metrics_routes_set(routes, METRICS_ROUTES_MAX), 0);
    cr_expect_eq(metrics_routes_set(routes, METRICS_ROUTES_MAX + 1), -1);
    for (i = 0; i <= METRICS_ALLOW_MAX; i++)
        specs[i] = "10.0.0.1";
    cr_expect_eq(metrics_allow_set(specs, METRICS_ALLOW_MAX), 0);
    cr_expect_eq(metrics_allow_set(specs, METRICS_ALLOW_MAX + 1), -1);
    cr_expect(metrics_allow_valid("10.0.0.1/32"));
    cr_expect(metrics_allow_valid("::1/128"));
    cr_expect_not(metrics_allow_valid("10.0.0.1/33"));
}

/* docs/deployment.md names the refusals answered before routing (413 a
 * body too big, 421 a Host not ours): each is counted by its own code,
 * not lumped into "other", so an alert can tell them apart. */
Test(metrics_text, the_refusals_before_routing_have_their_own_code)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(metrics_routes_set(NULL, 0), 0);
    metrics_request(NULL, 413, 1000);
    metrics_request(NULL, 421, 1000);
    metrics_request(NULL, 421, 1000);
    cr_assert_eq(metrics_render(&sb), 0);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_requests_total{method=\"\",route=\"none\",code=\"413\"}"), 1);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_requests_total{method=\"\",route=\"none\",code=\"421\"}"), 2);
    cr_expect_eq(line_value(sb.data, "spkiosk_http_requests_total{method=\"\",route=\"none\",code=\"other\"}"), -1);
    strbuf_free(&sb);
}

/* A network is of one family: 10.0.0.0/8 does not take the IPv6
 * addresses whose first byte is 10 (a00::/8), nor fd00::/8 the IPv4
 * addresses whose first byte is 0xfd. */
Test(metrics_allow, a_network_takes_only_its_own_family)
{
    const char *specs[] = {"10.0.0.0/8", "fd00::/8"};

    cr_assert_eq(metrics_allow_set(specs, 2), 0);
    cr_expect(allowed("10.1.2.3"));
    cr_expect(allowed("fd00::1"));
    cr_expect_not(allowed("a00::1"));
    cr_expect_not(allowed("253.0.0.1"));
}
