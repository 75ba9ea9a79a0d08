/* Unit tests of an answer whose headers cannot all be added (libmicrohttpd
 * out of memory): the client gets no answer at all, never one without its
 * security headers, ETag or cookie, and the daemon serves the next request
 * whole. This file defines MHD_add_response_header itself, so that every
 * call from the daemon's code comes here first; it fails for one header
 * name chosen by the test and hands the rest to libmicrohttpd's own. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"
#include "httptest.h"

typedef enum MHD_Result (*test_add_fn)(struct MHD_Response *, const char *, const char *);

/* The header whose adding fails; NULL: none. Set only while no request is
 * being answered. */
static const char *volatile test_fail_name;

enum MHD_Result MHD_add_response_header(struct MHD_Response *r, const char *name,
                                        const char *value)
{
    static test_add_fn real;

    if (!real)
        real = (test_add_fn)dlsym(RTLD_NEXT, "MHD_add_response_header");
    cr_assert_not_null(real, "libmicrohttpd's MHD_add_response_header");
    if (test_fail_name && strcmp(name, test_fail_name) == 0)
        return MHD_NO;
    return real(r, name, value);
}

static enum MHD_Result test_plain(struct http_request *req)
{
    static const char body[] = "hello";

    return http_reply(req, MHD_HTTP_OK, "text/plain", body, strlen(body));
}

static enum MHD_Result test_doc(struct http_request *req)
{
    static const char body[] = "{\"a\":1}";
    const struct http_cached c = {"application/json", NULL, body, sizeof body - 1, "\"d1\"", NULL};

    return http_reply_cached(req, &c, NULL, NULL);
}

static enum MHD_Result test_page(struct http_request *req)
{
    static const char body[] = "<!doctype html><p>x</p>";
    const struct http_cached c = {"text/html; charset=utf-8", NULL, body, sizeof body - 1,
                                  "\"p1\"", NULL};

    return http_reply_cached(req, &c, NULL, NULL);
}

static const struct http_route test_routes[] = {
    {"GET", "/plain", test_plain, HTTP_PUBLIC, false},
    {"GET", "/doc", test_doc, HTTP_PUBLIC, false},
    {"GET", "/page", test_page, HTTP_PUBLIC, false},
};

static struct MHD_Daemon *test_daemon;
static unsigned test_port;

static void test_start(void)
{
    struct http_server_config cfg = {.routes = test_routes, .n_routes = 3, .listen = "127.0.0.1:0",
                                     .threads = 1, .limits = CONNS_LIMITS_DEFAULT};

    test_fail_name = NULL;
    test_daemon = http_start(&cfg, &test_port);
    cr_assert_not_null(test_daemon);
}

static void test_stop(void)
{
    test_fail_name = NULL;
    http_stop(test_daemon, 1000);
}

TestSuite(http_headers, .init = test_start, .fini = test_stop);

/* Each failure, then the same request with nothing failing: served whole. */
Test(http_headers, an_answer_short_of_a_header_is_not_sent)
{
    static const struct {
        const char *head, *fail, *whole;
    } cases[] = {
        /* every answer's own (http_reply_response) */
        {"GET /plain HTTP/1.1", "X-Frame-Options", "X-Frame-Options: DENY"},
        {"GET /plain HTTP/1.1", "X-Request-Id", "X-Request-Id: "},
        {"GET /plain HTTP/1.1", "Content-Type", "Content-Type: text/plain"},
        /* a cacheable one's (http_reply_cached), a page's policy, a 304's */
        {"GET /doc HTTP/1.1", "ETag", "ETag: \"d1\""},
        {"GET /page HTTP/1.1", "Content-Security-Policy", "Content-Security-Policy: "},
        {"GET /doc HTTP/1.1\r\nIf-None-Match: \"d1\"", "ETag", "HTTP/1.1 304"},
        /* the error envelope's (http_reply_error_with): an unknown path */
        {"GET /nowhere HTTP/1.1", "Cache-Control", "HTTP/1.1 404"},
    };
    char out[4096];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        test_fail_name = cases[i].fail;
        httptest_exchange(test_port, cases[i].head, out, sizeof out);
        test_fail_name = NULL;
        cr_expect_str_eq(out, "", "%s without %s: no answer at all", cases[i].head,
                         cases[i].fail);
        httptest_exchange(test_port, cases[i].head, out, sizeof out);
        cr_expect(strstr(out, cases[i].whole) != NULL, "%s then: %s", cases[i].head, out);
        cr_expect(strstr(out, "X-Content-Type-Options: nosniff") != NULL, "%s then: %s",
                  cases[i].head, out);
    }
}
