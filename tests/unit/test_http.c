/* Unit tests of who may call a route: the route table check that keeps a
 * state-changing staff or admin route without its CSRF check (or any
 * guarded route without a guard) from being served — on the real table of
 * src/api.c and on faulty ones — and the dispatcher's order on a real
 * daemon with a stand-in guard: the guard runs once the route matched,
 * after the 404, 405 and 413 answers, never for a public route, and the
 * handler only when it lets the request in, with req->user set; and a
 * request held on a real daemon (http_hold: suspended, resumed at its
 * timeout, by a wake or by the stop, then answered by its handler run
 * again) while the one worker serves others. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "http.h"
#include "httptest.h"

/* --- the table check ------------------------------------------------------ */

static enum MHD_Result test_handler(struct http_request *req)
{
    char body[64];

    snprintf(body, sizeof body, "user=[%s]", req->user);
    return http_reply(req, MHD_HTTP_OK, "text/plain", body, strlen(body));
}

Test(http_routes, the_daemons_table_passes)
{
    char err[256] = "";

    cr_assert_eq(http_routes_check(api_routes, api_routes_count, true, err, sizeof err), 0,
                 "%s", err);
}

Test(http_routes, the_daemons_table_needs_a_guard)
{
    char err[256] = "";

    cr_assert_eq(http_routes_check(api_routes, api_routes_count, false, err, sizeof err), -1);
    cr_assert(strstr(err, "no guard"), "%s", err);
}

Test(http_routes, a_state_change_without_csrf_is_refused)
{
    static const struct http_route staff[] = {
        {"GET", "/s/queue", test_handler, HTTP_STAFF, false},
        {"POST", "/s/move", test_handler, HTTP_STAFF, false},
    };
    static const struct http_route admin[] = {
        {"PUT", "/a/file", test_handler, HTTP_ADMIN, false},
    };
    char err[256] = "";

    cr_assert_eq(http_routes_check(staff, 2, true, err, sizeof err), -1);
    cr_assert(strstr(err, "POST /s/move"), "the route is named: %s", err);
    cr_assert_eq(http_routes_check(admin, 1, true, err, sizeof err), -1);
    cr_assert(strstr(err, "PUT /a/file"), "%s", err);
}

Test(http_routes, csrf_on_a_public_or_shared_route_is_refused)
{
    static const struct http_route t[] = {
        {"POST", "/p", test_handler, HTTP_PUBLIC, true},
        {"POST", "/c/step", test_handler, HTTP_SHARED, true},
    };
    char err[256] = "";

    cr_assert_eq(http_routes_check(t, 1, true, err, sizeof err), -1);
    cr_assert(strstr(err, "POST /p: a CSRF check on a route residents use"), "%s", err);
    cr_assert_eq(http_routes_check(t + 1, 1, true, err, sizeof err), -1);
    cr_assert(strstr(err, "POST /c/step"), "%s", err);
}

Test(http_routes, a_shared_route_needs_the_guard_but_no_csrf)
{
    static const struct http_route t[] = {
        {"POST", "/c/step", test_handler, HTTP_SHARED, false},
    };
    char err[256] = "";

    cr_assert_eq(http_routes_check(t, 1, true, err, sizeof err), 0, "%s", err);
    cr_assert_eq(http_routes_check(t, 1, false, err, sizeof err), -1);
    cr_assert(strstr(err, "no guard"), "%s", err);
}

Test(http_routes, reads_and_public_routes_need_no_csrf)
{
    static const struct http_route t[] = {
        {"GET", "/s/queue", test_handler, HTTP_STAFF, false},
        {"GET", "/a/stats", test_handler, HTTP_ADMIN, false},
        {"POST", "/s/move", test_handler, HTTP_STAFF, true},
        {"POST", "/login", test_handler, HTTP_PUBLIC, false},
    };
    char err[256] = "";

    cr_assert_eq(http_routes_check(t, 4, true, err, sizeof err), 0, "%s", err);
    /* public routes alone need no guard */
    cr_assert_eq(http_routes_check(t + 3, 1, false, err, sizeof err), 0, "%s", err);
}

/* --- the dispatcher's order -------------------------------------------------- */

static atomic_int test_guard_calls;

/* Admits X-Test-User as the user; "boss" is the only admin. */
static bool test_guard(struct http_request *req, const struct http_route *route,
                       enum MHD_Result *res)
{
    const char *u = http_header(req, "X-Test-User");

    atomic_fetch_add(&test_guard_calls, 1);
    if (!u) {
        *res = http_reply_error(req, MHD_HTTP_UNAUTHORIZED, "not_logged_in", "no user");
        return false;
    }
    if (route->access == HTTP_ADMIN && strcmp(u, "boss") != 0) {
        *res = http_reply_error(req, MHD_HTTP_FORBIDDEN, "forbidden", "not an admin");
        return false;
    }
    snprintf(req->user, sizeof req->user, "%s", u);
    return true;
}

Test(http_routes, http_start_refuses_a_faulty_table)
{
    static const struct http_route t[] = {
        {"POST", "/s/move", test_handler, HTTP_STAFF, false},
    };
    struct http_server_config cfg = {.routes = t, .n_routes = 1, .listen = "127.0.0.1:0",
                                     .threads = 2, .guard = test_guard,
                                     .limits = CONNS_LIMITS_DEFAULT};
    unsigned port = 0;

    cr_assert_null(http_start(&cfg, &port));
}

static const struct http_route test_routes[] = {
    {"GET", "/pub", test_handler, HTTP_PUBLIC, false},
    {"POST", "/staff/move", test_handler, HTTP_STAFF, true},
    {"GET", "/admin/x", test_handler, HTTP_ADMIN, false},
};

static struct MHD_Daemon *test_daemon;
static unsigned test_port;

static void test_start(void)
{
    struct http_server_config cfg = {.routes = test_routes, .n_routes = 3, .listen = "127.0.0.1:0",
                                     .threads = 2, .guard = test_guard,
                                     .limits = CONNS_LIMITS_DEFAULT};

    atomic_store(&test_guard_calls, 0);
    test_daemon = http_start(&cfg, &test_port);
    cr_assert_not_null(test_daemon);
}

static void test_stop(void)
{
    http_stop(test_daemon, 1000);
}

/* Sends head (request line and headers, without the blank line) and reads
 * the answer to its end; returns the status, the body in body. */
static int test_request(const char *head, char *body, size_t cap)
{
    char buf[4096];
    int status = 0;
    const char *b;

    httptest_exchange(test_port, head, buf, sizeof buf);
    cr_assert_eq(sscanf(buf, "HTTP/1.%*c %d", &status), 1, "an answer: %s", buf);
    b = strstr(buf, "\r\n\r\n");
    snprintf(body, cap, "%s", b ? b + 4 : "");
    return status;
}

TestSuite(http_dispatch, .init = test_start, .fini = test_stop);

Test(http_dispatch, a_public_route_never_meets_the_guard)
{
    char body[256];

    cr_assert_eq(test_request("GET /pub HTTP/1.1", body, sizeof body), 200);
    cr_assert_str_eq(body, "user=[]");
    cr_assert_eq(atomic_load(&test_guard_calls), 0);
}

Test(http_dispatch, the_guard_runs_before_the_handler)
{
    char body[256];

    cr_assert_eq(test_request("POST /staff/move HTTP/1.1\r\nContent-Length: 0", body,
                              sizeof body), 401);
    cr_assert(strstr(body, "not_logged_in"), "the guard's answer, not the handler's: %s", body);
    cr_assert_eq(atomic_load(&test_guard_calls), 1);
    cr_assert_eq(test_request("GET /admin/x HTTP/1.1\r\nX-Test-User: clerk", body, sizeof body),
                 403);
    cr_assert(strstr(body, "forbidden"), "%s", body);
    cr_assert_eq(atomic_load(&test_guard_calls), 2);
}

Test(http_dispatch, the_handler_sees_whom_the_guard_admitted)
{
    char body[256];

    cr_assert_eq(test_request("POST /staff/move HTTP/1.1\r\nContent-Length: 0\r\n"
                              "X-Test-User: clerk", body, sizeof body), 200);
    cr_assert_str_eq(body, "user=[clerk]");
    cr_assert_eq(test_request("GET /admin/x HTTP/1.1\r\nX-Test-User: boss", body, sizeof body),
                 200);
    cr_assert_str_eq(body, "user=[boss]");
    cr_assert_eq(atomic_load(&test_guard_calls), 2);
}

Test(http_dispatch, unknown_paths_wrong_methods_and_big_bodies_are_answered_first)
{
    char body[256];

    cr_assert_eq(test_request("GET /staff/nope HTTP/1.1", body, sizeof body), 404);
    cr_assert_eq(test_request("GET /staff/move HTTP/1.1", body, sizeof body), 405);
    cr_assert_eq(test_request("POST /staff/move HTTP/1.1\r\nContent-Length: 5000000", body,
                              sizeof body), 413);
    cr_assert_eq(atomic_load(&test_guard_calls), 0);
}

Test(http_dispatch, a_foreign_host_is_misdirected_before_routing_and_the_guard)
{
    char body[256];

    cr_assert_eq(test_request("POST /staff/move HTTP/1.1\r\nHost: evil.example\r\n"
                              "Content-Length: 0\r\nX-Test-User: clerk", body, sizeof body), 421);
    cr_assert(strstr(body, "misdirected"), "%s", body);
    cr_assert_eq(test_request("GET /pub HTTP/1.1\r\nHost: evil.example:80", body, sizeof body), 421);
    cr_assert_eq(test_request("GET /nope HTTP/1.1\r\nHost: evil.example", body, sizeof body), 421);
    cr_assert_eq(atomic_load(&test_guard_calls), 0, "the guard never ran");
    cr_assert_eq(test_request("GET /pub HTTP/1.1\r\nHost: localhost:80", body, sizeof body), 200);
}

/* --- holding a request (long polling) --------------------------------------
 * A daemon with one worker and a hold list: /held holds its request for
 * ?ms= milliseconds (or until a wake), then answers how many times its
 * handler ran and whether the last run came after the hold. */

static struct hold *held_list;
static atomic_int held_runs;

static enum MHD_Result held_handler(struct http_request *req)
{
    const char *ms = http_query(req, "ms");
    char body[64];
    int runs = atomic_fetch_add(&held_runs, 1) + 1;

    if (http_hold(req, held_list, hold_generation(held_list), ms ? atol(ms) : 10000) ==
        HOLD_HELD)
        return MHD_YES;
    snprintf(body, sizeof body, "runs=%d resumed=%d", runs, req->resumed ? 1 : 0);
    return http_reply(req, MHD_HTTP_OK, "text/plain", body, strlen(body));
}

static const struct http_route held_routes[] = {
    {"GET", "/held", held_handler, HTTP_PUBLIC, false},
    {"GET", "/pub", test_handler, HTTP_PUBLIC, false},
};

static void held_start(void)
{
    struct http_server_config cfg = {.routes = held_routes, .n_routes = 2, .listen = "127.0.0.1:0",
                                     .threads = 1, .holds = &held_list, .n_holds = 1,
                                     .limits = CONNS_LIMITS_DEFAULT};

    atomic_store(&held_runs, 0);
    cr_assert_not_null(held_list = http_hold_new(4));
    cr_assert_not_null(test_daemon = http_start(&cfg, &test_port));
}

static void held_stop(void)
{
    http_stop(test_daemon, 1000);
    test_daemon = NULL;
    hold_free(held_list);
    held_list = NULL;
}

static long held_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct held_call {
    pthread_t th;
    const char *head;
    char body[256];
    int status;
    long done_ms;
};

static void *held_call_run(void *arg)
{
    struct held_call *c = arg;

    c->status = test_request(c->head, c->body, sizeof c->body);
    c->done_ms = held_now_ms();
    return NULL;
}

static void held_call_start(struct held_call *c, const char *head)
{
    memset(c, 0, sizeof *c);
    c->head = head;
    cr_assert_eq(pthread_create(&c->th, NULL, held_call_run, c), 0);
}

/* Waits until n requests are held. */
static void held_wait_for(size_t n)
{
    long end = held_now_ms() + 3000;

    while (hold_count(held_list) < n) {
        cr_assert_lt(held_now_ms(), end, "%zu held, not %zu", hold_count(held_list), n);
        usleep(5000);
    }
}

TestSuite(http_hold, .init = held_start, .fini = held_stop);

Test(http_hold, a_held_request_is_answered_by_its_handler_at_the_timeout)
{
    char body[256];
    long t0 = held_now_ms();

    cr_assert_eq(test_request("GET /held?ms=150 HTTP/1.1", body, sizeof body), 200);
    cr_assert_geq(held_now_ms() - t0, 140);
    cr_assert_str_eq(body, "runs=2 resumed=1", "the handler ran again after the hold: %s", body);
    cr_assert_eq(hold_count(held_list), 0);
}

Test(http_hold, a_wake_answers_at_once_and_the_worker_was_free_meanwhile)
{
    struct held_call a, b;
    char body[256];
    long woke;

    held_call_start(&a, "GET /held?ms=10000 HTTP/1.1");
    held_call_start(&b, "GET /held?ms=10000 HTTP/1.1");
    held_wait_for(2);
    /* one worker, two requests held: it still answers */
    cr_assert_eq(test_request("GET /pub HTTP/1.1", body, sizeof body), 200);
    woke = held_now_ms();
    hold_wake(held_list);
    pthread_join(a.th, NULL);
    pthread_join(b.th, NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_eq(b.status, 200);
    cr_assert(strstr(a.body, "resumed=1") && strstr(b.body, "resumed=1"), "%s / %s", a.body, b.body);
    cr_assert_lt(a.done_ms - woke, 500, "answered %ld ms after the wake", a.done_ms - woke);
    cr_assert_lt(b.done_ms - woke, 500);
}

Test(http_hold, past_the_cap_and_after_a_wake_it_answers_at_once)
{
    struct held_call c[4];
    char body[256];
    size_t i;

    for (i = 0; i < 4; i++)
        held_call_start(&c[i], "GET /held?ms=10000 HTTP/1.1");
    held_wait_for(4);
    cr_assert_eq(test_request("GET /held?ms=10000 HTTP/1.1", body, sizeof body), 200);
    cr_assert_str_eq(body, "runs=5 resumed=0", "the fifth is not held: %s", body);
    hold_wake(held_list);
    for (i = 0; i < 4; i++) {
        pthread_join(c[i].th, NULL);
        cr_assert_eq(c[i].status, 200);
    }
}

Test(http_hold, stopping_answers_what_is_held)
{
    struct held_call a;

    held_call_start(&a, "GET /held?ms=60000 HTTP/1.1");
    held_wait_for(1);
    held_stop();
    pthread_join(a.th, NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_str_eq(a.body, "runs=2 resumed=1");
    /* the suite's fini stops again: nothing left to stop */
    held_list = http_hold_new(1);
}

Test(http_routes, a_monitoring_route_is_get_only_and_needs_no_guard)
{
    static const struct http_route get[] = {
        {"GET", "/metrics", test_handler, HTTP_MONITOR, false},
    };
    static const struct http_route post[] = {
        {"POST", "/metrics", test_handler, HTTP_MONITOR, false},
    };
    char err[256] = "";

    cr_assert_eq(http_routes_check(get, 1, false, err, sizeof err), 0, "%s", err);
    cr_assert_eq(http_routes_check(post, 1, true, err, sizeof err), -1);
    cr_assert(strstr(err, "POST /metrics: a monitoring route"), "%s", err);
}
