/* metrics: request and load counters in C11 atomics, the scrape's address
 * list, and the Prometheus text format 0.0.4 (issue #14 item 3).
 *
 * A request adds to two relaxed atomics (its route and status cell, its
 * latency bucket) and the latency sum: no lock on the request path. The
 * histogram's buckets are kept apart and summed at scrape time, so the
 * cumulative +Inf bucket and _count are the same number by construction.
 */
#include "metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "http.h"
#include "build_rev.h"
#include "version.h"

/* The status codes counted by their number; others are "other". */
static const unsigned metrics_codes[] = {200, 201, 204, 206, 301, 302, 303, 304, 307, 308,
                                         400, 401, 403, 404, 405, 406, 409, 410, 411, 412,
                                         413, 414, 415, 416, 417, 421, 422, 428, 429, 431,
                                         500, 501, 502, 503, 504, 505};
#define METRICS_CODES (sizeof metrics_codes / sizeof metrics_codes[0])

/* Upper bounds of the latency buckets, in seconds; +Inf follows. */
static const double metrics_le[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                    0.25, 0.5, 1, 2.5, 5, 10, 30};
#define METRICS_LE (sizeof metrics_le / sizeof metrics_le[0])

static const struct http_route *metrics_routes;
static size_t metrics_n_routes;
static time_t metrics_started;

/* [route][code]: the last route row is METRICS_ROUTE_NONE, the last code
 * column "other" */
static atomic_ulong metrics_requests[METRICS_ROUTES_MAX + 1][METRICS_CODES + 1];
static atomic_ulong metrics_buckets[METRICS_LE + 1];
static atomic_ullong metrics_sum_ns;
static atomic_ulong metrics_loads, metrics_load_failures, metrics_load_file_errors;

struct metrics_net {
    int family;                 /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    unsigned bits;
};

static struct metrics_net metrics_allow[METRICS_ALLOW_MAX + 2];
static size_t metrics_n_allow;

int metrics_routes_set(const struct http_route *routes, size_t n)
{
    if (n > METRICS_ROUTES_MAX)
        return -1;
    metrics_routes = routes;
    metrics_n_routes = n;
    metrics_started = time(NULL);
    if (metrics_n_allow == 0)
        (void)metrics_allow_set(NULL, 0);
    return 0;
}

static size_t metrics_code_index(unsigned status)
{
    size_t i;

    for (i = 0; i < METRICS_CODES; i++)
        if (metrics_codes[i] == status)
            return i;
    return METRICS_CODES;
}

void metrics_request(const struct http_route *route, unsigned status, uint64_t ns)
{
    size_t r = METRICS_ROUTES_MAX, b;

    if (route && metrics_routes && route >= metrics_routes &&
        route < metrics_routes + metrics_n_routes)
        r = (size_t)(route - metrics_routes);
    atomic_fetch_add_explicit(&metrics_requests[r][metrics_code_index(status)], 1,
                              memory_order_relaxed);
    for (b = 0; b < METRICS_LE && (double)ns / 1e9 > metrics_le[b]; b++)
        ;
    atomic_fetch_add_explicit(&metrics_buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&metrics_sum_ns, ns, memory_order_relaxed);
}

void metrics_load(bool ok, size_t file_errors)
{
    atomic_fetch_add_explicit(&metrics_loads, 1, memory_order_relaxed);
    if (!ok)
        atomic_fetch_add_explicit(&metrics_load_failures, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&metrics_load_file_errors, file_errors, memory_order_relaxed);
}

/* ---- who may scrape ---- */

static int metrics_net_parse(const char *spec, struct metrics_net *out)
{
    char host[INET6_ADDRSTRLEN];
    const char *slash = strchr(spec, '/');
    size_t hn = slash ? (size_t)(slash - spec) : strlen(spec);
    unsigned max;
    char *end;
    long bits;

    if (hn == 0 || hn >= sizeof host)
        return -1;
    memcpy(host, spec, hn);
    host[hn] = '\0';
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, host, out->addr) == 1) {
        out->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, host, out->addr) == 1) {
        out->family = AF_INET6;
        max = 128;
    } else {
        return -1;
    }
    out->bits = max;
    if (slash) {
        if (slash[1] < '0' || slash[1] > '9' || strlen(slash + 1) > 3)
            return -1;
        bits = strtol(slash + 1, &end, 10);
        if (*end || bits < 0 || bits > (long)max)
            return -1;
        out->bits = (unsigned)bits;
    }
    return 0;
}

bool metrics_allow_valid(const char *spec)
{
    struct metrics_net n;

    return spec && metrics_net_parse(spec, &n) == 0;
}

int metrics_allow_set(const char *const *specs, size_t n)
{
    static const char *const loopback[] = {"127.0.0.0/8", "::1"};
    struct metrics_net nets[METRICS_ALLOW_MAX];
    size_t i;

    if (n == 0) {
        specs = loopback;
        n = sizeof loopback / sizeof loopback[0];
    }
    if (n > METRICS_ALLOW_MAX)
        return -1;
    for (i = 0; i < n; i++)
        if (metrics_net_parse(specs[i], &nets[i]) != 0)
            return -1;
    memcpy(metrics_allow, nets, n * sizeof nets[0]);
    metrics_n_allow = n;
    return 0;
}

static bool metrics_net_has(const struct metrics_net *net, int family, const unsigned char *a)
{
    unsigned full = net->bits / 8, rest = net->bits % 8;

    if (net->family != family || memcmp(net->addr, a, full) != 0)
        return false;
    return rest == 0 || ((net->addr[full] ^ a[full]) & (0xffu << (8 - rest)) & 0xffu) == 0;
}

bool metrics_allowed(const struct sockaddr *sa)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    unsigned char a[16];
    int family;
    size_t i;

    if (!sa)
        return false;
    if (sa->sa_family == AF_INET) {
        family = AF_INET;
        memcpy(a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        family = AF_INET6;
        memcpy(a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
        if (memcmp(a, mapped, sizeof mapped) == 0) {
            family = AF_INET;
            memmove(a, a + 12, 4);
        }
    } else {
        return false;
    }
    for (i = 0; i < metrics_n_allow; i++)
        if (metrics_net_has(&metrics_allow[i], family, a))
            return true;
    return false;
}

/* ---- the text format ---- */

int metrics_family(struct strbuf *sb, const char *name, const char *type, const char *help)
{
    return strbuf_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int metrics_label_escape(struct strbuf *sb, const char *value)
{
    const char *p;
    int r = 0;

    for (p = value; *p && r == 0; p++) {
        if (*p == '\\')
            r = strbuf_puts(sb, "\\\\");
        else if (*p == '"')
            r = strbuf_puts(sb, "\\\"");
        else if (*p == '\n')
            r = strbuf_puts(sb, "\\n");
        else
            r = strbuf_putc(sb, *p);
    }
    return r;
}

int metrics_sample(struct strbuf *sb, const char *name, const char *labels, double value)
{
    /* %.17g keeps every integer a counter reaches exactly; NaN and the
     * infinities are not produced here */
    if (labels && *labels)
        return strbuf_printf(sb, "%s{%s} %.17g\n", name, labels, value);
    return strbuf_printf(sb, "%s %.17g\n", name, value);
}

/* `method="M",route="R",code="C"` of one cell, into sb (reset first). */
static int metrics_request_labels(struct strbuf *sb, size_t r, size_t c)
{
    char code[16];

    sb->len = 0;
    if (sb->data)
        sb->data[0] = '\0';
    if (c < METRICS_CODES)
        snprintf(code, sizeof code, "%u", metrics_codes[c]);
    else
        snprintf(code, sizeof code, "other");
    if (strbuf_puts(sb, "method=\"") != 0 ||
        metrics_label_escape(sb, r < metrics_n_routes ? metrics_routes[r].method : "") != 0 ||
        strbuf_puts(sb, "\",route=\"") != 0 ||
        metrics_label_escape(sb, r < metrics_n_routes ? metrics_routes[r].pattern
                                                      : METRICS_ROUTE_NONE) != 0)
        return -1;
    return strbuf_printf(sb, "\",code=\"%s\"", code);
}

static int metrics_render_requests(struct strbuf *sb)
{
    struct strbuf labels = STRBUF_INIT;
    size_t r, c;
    unsigned long n;
    int rc = -1;

    if (metrics_family(sb, "spkiosk_http_requests_total", "counter",
                       "HTTP requests answered, by route pattern and status code") != 0)
        goto out;
    for (r = 0; r <= METRICS_ROUTES_MAX; r++) {
        if (r >= metrics_n_routes && r != METRICS_ROUTES_MAX)
            continue;
        for (c = 0; c <= METRICS_CODES; c++) {
            /* a series appears with its first request: the table is about
             * 80 routes by 37 codes, mostly never seen */
            if (!(n = atomic_load_explicit(&metrics_requests[r][c], memory_order_relaxed)))
                continue;
            if (metrics_request_labels(&labels, r, c) != 0 ||
                metrics_sample(sb, "spkiosk_http_requests_total", labels.data, (double)n) != 0)
                goto out;
        }
    }
    rc = 0;
out:
    strbuf_free(&labels);
    return rc;
}

static int metrics_render_latency(struct strbuf *sb)
{
    static const char name[] = "spkiosk_http_request_duration_seconds";
    unsigned long total = 0;
    char le[32];
    size_t b;

    if (metrics_family(sb, name, "histogram",
                       "Time from a request's headers to the end of its answer, all routes") != 0)
        return -1;
    for (b = 0; b <= METRICS_LE; b++) {
        total += atomic_load_explicit(&metrics_buckets[b], memory_order_relaxed);
        if (b < METRICS_LE)
            snprintf(le, sizeof le, "le=\"%g\"", metrics_le[b]);
        else
            snprintf(le, sizeof le, "le=\"+Inf\"");
        if (strbuf_printf(sb, "%s_bucket{%s} %lu\n", name, le, total) != 0)
            return -1;
    }
    if (strbuf_printf(sb, "%s_sum %.9f\n%s_count %lu\n", name,
                      (double)atomic_load_explicit(&metrics_sum_ns, memory_order_relaxed) / 1e9,
                      name, total) != 0)
        return -1;
    return 0;
}

int metrics_render(struct strbuf *sb)
{
    if (metrics_render_requests(sb) != 0 || metrics_render_latency(sb) != 0 ||
        metrics_family(sb, "spkiosk_loads_total", "counter",
                       "Loads of the procedures (start, SIGHUP, file changes, admin saves, midnight)") != 0 ||
        metrics_sample(sb, "spkiosk_loads_total", NULL, (double)atomic_load(&metrics_loads)) != 0 ||
        metrics_family(sb, "spkiosk_load_failures_total", "counter",
                       "Loads that failed; the previous procedures stayed live") != 0 ||
        metrics_sample(sb, "spkiosk_load_failures_total", NULL,
                       (double)atomic_load(&metrics_load_failures)) != 0 ||
        metrics_family(sb, "spkiosk_storage_errors_total", "counter",
                       "Storage faults met by requests and loads: a full disk, an I/O error, a failed "
                       "WAL sync, the database file gone") != 0 ||
        metrics_sample(sb, "spkiosk_storage_errors_total", NULL, (double)db_storage_fault_count()) != 0 ||
        metrics_family(sb, "spkiosk_load_file_errors_total", "counter",
                       "Files with errors found by loads, summed over loads") != 0 ||
        metrics_sample(sb, "spkiosk_load_file_errors_total", NULL,
                       (double)atomic_load(&metrics_load_file_errors)) != 0 ||
        metrics_family(sb, "spkiosk_process_start_time_seconds", "gauge",
                       "When the daemon started, in seconds since the epoch") != 0 ||
        metrics_sample(sb, "spkiosk_process_start_time_seconds", NULL,
                       (double)metrics_started) != 0 ||
        metrics_family(sb, "spkiosk_build_info", "gauge", "The version of this build, as a label") != 0 ||
        strbuf_puts(sb, "spkiosk_build_info{version=\"") != 0 ||
        metrics_label_escape(sb, SPK_VERSION) != 0 || strbuf_puts(sb, "\",commit=\"") != 0 ||
        metrics_label_escape(sb, SPK_BUILD_REV) != 0 || strbuf_puts(sb, "\"} 1\n") != 0)
        return -1;
    return 0;
}
