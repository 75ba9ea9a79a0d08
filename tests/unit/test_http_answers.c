/* Unit tests of what every answer of the HTTP layer carries, on a real
 * daemon in this process: the security headers and the request id
 * (docs/http-api.md, docs/deployment.md "Monitoring"), no HSTS over plain
 * HTTP (docs/reliability.md), the Cache-Control of JSON (no-cache, or
 * no-store for personal data), Retry-After never 0, a 304 with the route's
 * own Cache-Control and no Vary for a body never compressed, the 405's
 * Allow, a page by reference, the error page of a printout, the log line's level, its cut method
 * and the 429s it leaves out, and the -gz ETag of a compressed copy. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "httptest.h"
#include "logline.h"

static enum MHD_Result ans_plain(struct http_request *req)
{
    static const char body[] = "hello";

    return http_reply(req, MHD_HTTP_OK, "text/plain", body, strlen(body));
}

static enum MHD_Result ans_json(struct http_request *req)
{
    static const char body[] = "{\"a\":1}";

    return http_reply(req, MHD_HTTP_OK, "application/json", body, strlen(body));
}

static enum MHD_Result ans_private(struct http_request *req)
{
    static const char body[] = "{\"case\":1}";

    return http_reply_private(req, MHD_HTTP_OK, body, strlen(body));
}

static enum MHD_Result ans_fail(struct http_request *req)
{
    return http_reply_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal_error", "x");
}

static enum MHD_Result ans_retry0(struct http_request *req)
{
    return http_reply_error_retry(req, MHD_HTTP_SERVICE_UNAVAILABLE, "busy", "x", 0);
}

static enum MHD_Result ans_many(struct http_request *req)
{
    return http_reply_error_retry(req, MHD_HTTP_TOO_MANY_REQUESTS, "too_many", "x", 3);
}

/* an asset cached for a year, never compressed (no gzip copy) */
static enum MHD_Result ans_asset(struct http_request *req)
{
    static const char body[] = "body{}";
    const struct http_cached c = {"text/css", "public, max-age=31536000, immutable", body,
                                  sizeof body - 1, "\"a1\"", NULL};

    return http_reply_cached(req, &c, NULL, NULL);
}

static void ans_release(void *cls)
{
    (void)cls;
}

/* a page by reference (http_reply_ref): the pages' policy, its ETag */
static enum MHD_Result ans_ref(struct http_request *req)
{
    static const char body[] = "<!doctype html><p>x</p>";

    return http_reply_ref(req, MHD_HTTP_OK, "text/html; charset=utf-8", body, sizeof body - 1,
                          "\"r1\"", ans_release, NULL);
}

static enum MHD_Result ans_gone(struct http_request *req)
{
    return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这张单子");
}

static const struct http_route ans_routes[] = {
    {"GET", "/plain", ans_plain, HTTP_PUBLIC, false},
    {"GET", "/json", ans_json, HTTP_PUBLIC, false},
    {"GET", "/private", ans_private, HTTP_PUBLIC, false},
    {"GET", "/fail", ans_fail, HTTP_PUBLIC, false},
    {"GET", "/retry0", ans_retry0, HTTP_PUBLIC, false},
    {"GET", "/many", ans_many, HTTP_PUBLIC, false},
    {"GET", "/asset", ans_asset, HTTP_PUBLIC, false},
    {"GET", "/ref", ans_ref, HTTP_PUBLIC, false},
    {"GET", "/print/staff/gone", ans_gone, HTTP_PUBLIC, false},
    {"GET", "/elsewhere/gone", ans_gone, HTTP_PUBLIC, false},
};

static struct MHD_Daemon *ans_daemon;
static unsigned ans_port;
static char ans_log[64];

static void ans_start(void)
{
    struct http_server_config cfg = {.routes = ans_routes,
                                     .n_routes = sizeof ans_routes / sizeof ans_routes[0],
                                     .listen = "127.0.0.1:0", .threads = 1,
                                     .limits = CONNS_LIMITS_DEFAULT};
    int fd;

    /* the request log goes to fd 2: a file of the test's own to read */
    snprintf(ans_log, sizeof ans_log, "/tmp/spk-ans-log-XXXXXX");
    fd = mkstemp(ans_log);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert_eq(logline_file_open(ans_log), 0);
    ans_daemon = http_start(&cfg, &ans_port);
    cr_assert_not_null(ans_daemon);
}

static void ans_stop(void)
{
    http_stop(ans_daemon, 1000);
    unlink(ans_log);
}

static void ans_get(const char *head, char *out, size_t cap)
{
    httptest_exchange(ans_port, head, out, cap);
    cr_assert(out[0], "an answer to %s", head);
}

/* The value of header name in the answer out ("" when absent), into v. */
static void ans_header(const char *out, const char *name, char *v, size_t cap)
{
    char key[64];
    const char *p, *e;

    snprintf(key, sizeof key, "\r\n%s: ", name);
    v[0] = '\0';
    if (!(p = strcasestr(out, key)))
        return;
    p += strlen(key);
    e = strstr(p, "\r\n");
    snprintf(v, cap, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
}

/* The log's line holding needle ("" when none), after the answer to the
 * request (one worker: every earlier request was logged by then). The
 * daemon logs after it has sent the answer, so a request of a path that
 * is logged marks the end of what was written before. */
static void ans_log_line(const char *needle, char *line, size_t cap)
{
    char out[2048], buf[16384], path[96];
    FILE *f;
    size_t n;
    const char *p, *e;
    int tries;

    snprintf(path, sizeof path, "path=/plain");
    line[0] = '\0';
    /* a marker request, then wait (bounded) for its line */
    ans_get("GET /plain?marker HTTP/1.1", out, sizeof out);
    for (tries = 0; tries < 200; tries++) {
        cr_assert_not_null(f = fopen(ans_log, "r"));
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        if (strstr(buf, path))
            break;
        usleep(10000);
    }
    cr_assert(strstr(buf, path), "the marker's line: %s", buf);
    if (!(p = strstr(buf, needle)))
        return;
    while (p > buf && p[-1] != '\n')
        p--;
    e = strchr(p, '\n');
    snprintf(line, cap, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
}

TestSuite(http_answers, .init = ans_start, .fini = ans_stop);

/* docs/http-api.md, docs/deployment.md: every answer, errors too, carries
 * the headers that keep the UI from being framed, sniffed or leaking its
 * address, and its id (16 hex digits); HSTS only over TLS. */
Test(http_answers, every_answer_carries_the_security_headers_and_its_id)
{
    static const char *const heads[] = {"GET /plain HTTP/1.1", "GET /nowhere HTTP/1.1",
                                        "GET /asset HTTP/1.1\r\nIf-None-Match: \"a1\""};
    char out[4096], v[256];
    size_t i, k;

    for (i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        ans_get(heads[i], out, sizeof out);
        ans_header(out, "X-Frame-Options", v, sizeof v);
        cr_expect_str_eq(v, "DENY", "%s: %s", heads[i], out);
        ans_header(out, "Referrer-Policy", v, sizeof v);
        cr_expect_str_eq(v, "no-referrer", "%s: %s", heads[i], out);
        ans_header(out, "X-Content-Type-Options", v, sizeof v);
        cr_expect_str_eq(v, "nosniff", "%s: %s", heads[i], out);
        ans_header(out, "Strict-Transport-Security", v, sizeof v);
        cr_expect_str_eq(v, "", "no HSTS over plain HTTP: %s", out);
        ans_header(out, "X-Request-Id", v, sizeof v);
        cr_expect_eq(strlen(v), 16, "%s: %s", heads[i], out);
        for (k = 0; k < strlen(v); k++)
            cr_expect(strchr("0123456789abcdef", v[k]), "hex: %s", v);
    }
}

/* docs/http-api.md: JSON is no-cache, personal data no-store. */
Test(http_answers, json_is_revalidated_and_personal_data_never_stored)
{
    char out[4096], v[256];

    ans_get("GET /json HTTP/1.1", out, sizeof out);
    ans_header(out, "Cache-Control", v, sizeof v);
    cr_expect_str_eq(v, "no-cache", "%s", out);
    ans_get("GET /private HTTP/1.1", out, sizeof out);
    ans_header(out, "Cache-Control", v, sizeof v);
    cr_expect_str_eq(v, "no-store", "%s", out);
    /* and so are the errors, JSON too: a 404 and a 500 */
    ans_get("GET /nowhere HTTP/1.1", out, sizeof out);
    ans_header(out, "Cache-Control", v, sizeof v);
    cr_expect_str_eq(v, "no-cache", "%s", out);
    ans_get("GET /fail HTTP/1.1", out, sizeof out);
    ans_header(out, "Cache-Control", v, sizeof v);
    cr_expect_str_eq(v, "no-cache", "%s", out);
    /* a text answer is not JSON: no Cache-Control is claimed for it */
    ans_get("GET /plain HTTP/1.1", out, sizeof out);
    ans_header(out, "Cache-Control", v, sizeof v);
    cr_expect_str_eq(v, "", "%s", out);
}

/* Retry-After: 0 would tell a client to hammer at once: never below 1. */
Test(http_answers, retry_after_is_at_least_a_second)
{
    char out[4096], v[64];

    ans_get("GET /retry0 HTTP/1.1", out, sizeof out);
    cr_expect(strncmp(out, "HTTP/1.1 503", 12) == 0, "%s", out);
    ans_header(out, "Retry-After", v, sizeof v);
    cr_expect_str_eq(v, "1", "%s", out);
}

/* docs/http-api.md: a 304 carries the same Cache-Control as the 200 (an
 * asset's year, not no-cache), and Vary only where a gzip copy exists. */
Test(http_answers, a_304_keeps_the_routes_cache_control_and_no_vary_when_never_compressed)
{
    char out[4096], v[256];

    ans_get("GET /asset HTTP/1.1\r\nAccept-Encoding: gzip", out, sizeof out);
    cr_expect(strncmp(out, "HTTP/1.1 200", 12) == 0, "%s", out);
    ans_header(out, "Vary", v, sizeof v);
    cr_expect_str_eq(v, "", "%s", out);
    ans_get("GET /asset HTTP/1.1\r\nIf-None-Match: \"a1\"", out, sizeof out);
    cr_expect(strncmp(out, "HTTP/1.1 304", 12) == 0, "%s", out);
    ans_header(out, "Cache-Control", v, sizeof v);
    cr_expect_str_eq(v, "public, max-age=31536000, immutable", "%s", out);
    ans_header(out, "ETag", v, sizeof v);
    cr_expect_str_eq(v, "\"a1\"", "%s", out);
    ans_header(out, "Vary", v, sizeof v);
    cr_expect_str_eq(v, "", "%s", out);
    /* no gzip copy, so a -gz tag is no tag of this body */
    ans_get("GET /asset HTTP/1.1\r\nAccept-Encoding: gzip\r\nIf-None-Match: \"a1-gz\"", out,
            sizeof out);
    cr_expect(strncmp(out, "HTTP/1.1 200", 12) == 0, "%s", out);
}

/* A page answered by reference carries the pages' policy, no-cache and
 * its ETag, as one answered by copy does. */
Test(http_answers, a_page_by_reference_has_the_pages_policy_and_its_etag)
{
    char out[4096], v[512];

    ans_get("GET /ref HTTP/1.1", out, sizeof out);
    cr_expect(strncmp(out, "HTTP/1.1 200", 12) == 0, "%s", out);
    ans_header(out, "Content-Security-Policy", v, sizeof v);
    cr_expect(strstr(v, "default-src 'self'"), "%s", out);
    ans_header(out, "ETag", v, sizeof v);
    cr_expect_str_eq(v, "\"r1\"", "%s", out);
    ans_header(out, "Cache-Control", v, sizeof v);
    cr_expect_str_eq(v, "no-cache", "%s", out);
}

/* docs/http-api.md: 405 with Allow, HEAD named beside GET ("HEAD works
 * wherever GET does"), and no-cache as every JSON answer: a 405 is
 * cacheable by default, and a method added by an upgrade must not meet a
 * 405 a browser kept. */
Test(http_answers, a_405_names_head_beside_get)
{
    char out[4096], v[256];

    ans_get("POST /plain HTTP/1.1\r\nContent-Length: 0", out, sizeof out);
    cr_expect(strncmp(out, "HTTP/1.1 405", 12) == 0, "%s", out);
    ans_header(out, "Allow", v, sizeof v);
    cr_expect_str_eq(v, "GET, HEAD", "%s", out);
    ans_header(out, "Cache-Control", v, sizeof v);
    cr_expect_str_eq(v, "no-cache", "%s", out);
}

/* An error of a printout opened by a browser is a page with a way back
 * (the staff's page for the staff's printouts), under the pages' policy,
 * revalidated; elsewhere, or for a program, the JSON envelope. */
Test(http_answers, a_printouts_error_is_a_page_for_a_browser_only)
{
    char out[8192], v[512];

    ans_get("GET /print/staff/gone HTTP/1.1\r\nAccept: text/html,*/*", out, sizeof out);
    cr_expect(strncmp(out, "HTTP/1.1 404", 12) == 0, "%s", out);
    ans_header(out, "Content-Type", v, sizeof v);
    cr_expect_str_eq(v, "text/html; charset=utf-8", "%s", out);
    ans_header(out, "Cache-Control", v, sizeof v);
    cr_expect_str_eq(v, "no-cache", "%s", out);
    ans_header(out, "Content-Security-Policy", v, sizeof v);
    cr_expect(strstr(v, "frame-ancestors 'none'"), "%s", out);
    cr_expect(strstr(out, "没有这张单子") && strstr(out, "href=\"/staff\""), "%s", out);
    ans_get("GET /print/staff/gone HTTP/1.1\r\nAccept: */*", out, sizeof out);
    ans_header(out, "Content-Type", v, sizeof v);
    cr_expect_str_eq(v, "application/json", "%s", out);
    ans_get("GET /elsewhere/gone HTTP/1.1\r\nAccept: text/html", out, sizeof out);
    ans_header(out, "Content-Type", v, sizeof v);
    cr_expect_str_eq(v, "application/json", "%s", out);
}

/* docs/deployment.md, "Monitoring": level error for a 5xx (500 included),
 * info otherwise; a method past 32 bytes cut with "..."; 429s counted,
 * not logged one by one. */
Test(http_answers, the_log_line_says_error_for_500_cuts_a_long_method_and_skips_429)
{
    char out[4096], line[2048];
    static const char m33[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG"; /* 33 bytes */
    char head[128];

    ans_get("GET /fail HTTP/1.1", out, sizeof out);
    ans_log_line("path=/fail ", line, sizeof line);
    cr_expect(strstr(line, " level=error ") && strstr(line, " status=500 "), "%s", line);
    ans_get("GET /json HTTP/1.1", out, sizeof out);
    ans_log_line("path=/json ", line, sizeof line);
    cr_expect(strstr(line, " level=info "), "%s", line);
    snprintf(head, sizeof head, "%s /plain HTTP/1.1", m33);
    ans_get(head, out, sizeof out);
    ans_log_line(" method=ABCDEF", line, sizeof line);
    cr_expect(strstr(line, " method=ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF... "), "%s", line);
    ans_get("GET /many HTTP/1.1", out, sizeof out);
    cr_expect(strncmp(out, "HTTP/1.1 429", 12) == 0, "%s", out);
    ans_log_line("path=/many ", line, sizeof line);
    cr_expect_str_eq(line, "", "a 429 has no line of its own");
}

/* docs/http-api.md: the compressed copy's ETag is the identity one with
 * -gz before the closing quote. */
Test(http_answers, the_gzip_etag_goes_inside_the_quotes)
{
    char out[HTTP_ETAG_MAX];

    http_etag_gz("\"abc-r7\"", out);
    cr_expect_str_eq(out, "\"abc-r7-gz\"");
    http_etag_gz("abc", out);
    cr_expect_str_eq(out, "abc-gz");
}
