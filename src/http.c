/* http: the access handler and router over libmicrohttpd 0.9.75.
 *
 * libmicrohttpd calls the access handler several times per request: first
 * with headers only, then with each piece of the body, then once more with
 * no data. Answering on the first call makes it close the connection, so a
 * request is answered on the last call. A body over HTTP_BODY_MAX is read
 * and dropped up to HTTP_BODY_DRAIN_MAX before the 413, since a client that
 * writes its whole body before reading would otherwise see a reset; only a
 * Content-Length past the drain cap is answered on the first call (and the
 * connection closed), and so is one over HTTP_BODY_MAX that waits for
 * `100 Continue` (nothing is in flight yet, and no 100 must go out).
 *
 * A body is kept under a shared budget (conns.h): one that would take the
 * bodies in flight past it is drained like a body too large and answered
 * 503. The connection's phases (headers, body, answering, idle) are told to
 * conns.c, which closes connections that are too slow.
 *
 * A handler may instead hold its request (http_hold, long polling): the
 * connection is suspended and the handler returns MHD_YES with nothing
 * queued. Once the hold list resumes it, libmicrohttpd calls the access
 * handler again (a last call once more), and the route's handler runs a
 * second time with req->resumed set, and answers.
 */
#include "http.h"

#include <cjson/cJSON.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "db.h"
#include "hosts.h"
#include "httpin.h"
#include "logline.h"
#include "metrics.h"

struct http_ctx {
    const struct http_route *routes;
    size_t n_routes;
    http_guard_fn guard;
    struct hold *const *holds;
    size_t n_holds;
};

static struct http_ctx http_ctx;
/* Requests between their first handler call and completion; idle
 * keep-alive connections are not counted, so shutdown need not wait on them. */
static atomic_int http_inflight;

/* Request ids: a random half drawn at start (ids of two runs differ) and
 * a counter (no two requests of a run share one), 16 hex digits. */
static uint32_t http_id_run;
static atomic_uint http_id_next;

int http_inflight_count(void)
{
    return atomic_load(&http_inflight);
}

static uint64_t http_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Served over TLS (http_start with a certificate): every answer then
 * tells the browser to come back only over HTTPS. */
static bool http_tls;

/* Headers every response carries: the UI must never pull in outside
 * content (the hall may be offline), nor be framed or sniffed. False when
 * one could not be added (out of memory). */
static bool http_common_headers(struct MHD_Response *r)
{
    return MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
           MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES &&
           MHD_add_response_header(r, "X-Frame-Options", "DENY") == MHD_YES &&
           (!http_tls ||
            MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000") == MHD_YES);
}

/* How long a client waits before trying a write again after the disk
 * failed it: an admin needs minutes. */
#define HTTP_DURABLE_RETRY_S 60

/* The answer in place of one whose write could not be made durable: the
 * handler had succeeded, but the fsync of its commit failed (db.h). */
static enum MHD_Result http_reply_not_durable(struct http_request *req)
{
    return http_reply_error_retry(req, MHD_HTTP_SERVICE_UNAVAILABLE, "storage_full",
                                  "存储出了问题，刚才的内容没有保存。请稍后再试，"
                                  "或请工作人员联系管理员", HTTP_DURABLE_RETRY_S);
}

/* A commit with nothing left to answer for it, or the syncer not there:
 * this thread waits for the disk itself. 0, or -1 when the fsync failed. */
static int http_durable_here(const struct db_durable *t)
{
    struct db *db = db_thread();
    int r = db ? db_durable_wait(db, t) : -1;

    if (r == 0)
        db_durable_after(t);
    return r;
}

enum MHD_Result http_reply_response(struct http_request *req, unsigned status,
                                    struct MHD_Response *r)
{
    struct db_durable t;
    enum MHD_Result ret;

    if (!r)
        return MHD_NO;
    /* what a resident can read out to the hall's IT officer: the line of
     * the log about this answer (X-Request-Id). Out of memory for a header:
     * no answer (the connection closed) rather than one without it; a
     * write the handler committed is still made durable (http_run) */
    if (!http_common_headers(r) ||
        (req->id[0] && MHD_add_response_header(r, "X-Request-Id", req->id) != MHD_YES) ||
        (req->vary && MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, req->vary) != MHD_YES)) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    req->status = status;
    /* the handler committed: the answer waits, off this thread, for the
     * fsync that makes the write durable (durable.h) */
    if (db_defer_take(&t)) {
        req->durable.need = t;
        req->parked = r;
        req->parked_status = status;
        if (durable_park(&req->durable) == 0)
            return MHD_YES;
        req->parked = NULL;
        if (http_durable_here(&t) != 0) {
            MHD_destroy_response(r);
            return http_reply_not_durable(req);
        }
    }
    ret = MHD_queue_response(req->conn, status, r);
    MHD_destroy_response(r);
    if (ret == MHD_YES)
        conns_request_sending(req->slot);
    return ret;
}

/* http_reply with the Cache-Control of a JSON answer given: no-cache, or
 * no-store for one that holds personal data. */
static enum MHD_Result http_reply_cc(struct http_request *req, unsigned status, const char *type,
                                     const void *body, size_t len, const char *json_cc)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);

    if (!r)
        return MHD_NO;
    if ((type && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES) ||
        (type && strncmp(type, "application/json", 16) == 0 &&
         MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, json_cc) != MHD_YES)) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    req->bytes = len;
    return http_reply_response(req, status, r);
}

enum MHD_Result http_reply(struct http_request *req, unsigned status, const char *type,
                           const void *body, size_t len)
{
    return http_reply_cc(req, status, type, body, len, "no-cache");
}

enum MHD_Result http_reply_private(struct http_request *req, unsigned status, const char *json,
                                   size_t len)
{
    return http_reply_cc(req, status, "application/json", json, len, "no-store");
}

bool http_page_headers(struct MHD_Response *r)
{
    return MHD_add_response_header(r, "Content-Security-Policy",
                                   "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                   "base-uri 'none'; frame-ancestors 'none'; "
                                   "form-action 'self'") == MHD_YES;
}

enum MHD_Result http_reply_ref(struct http_request *req, unsigned status, const char *type,
                               const char *body, size_t len, const char *etag,
                               void (*release)(void *cls), void *cls)
{
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback_cls(
        len, (void *)body, release, cls);

    if (!r) {
        release(cls);
        return MHD_NO;
    }
    if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES ||
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") != MHD_YES ||
        (strncmp(type, "text/html", 9) == 0 && !http_page_headers(r)) ||
        (etag && MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES)) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    req->bytes = len;
    return http_reply_response(req, status, r);
}

cJSON *http_error_doc(const char *code, const char *message)
{
    cJSON *doc = cJSON_CreateObject(), *e = doc ? cJSON_AddObjectToObject(doc, "error") : NULL;

    if (!e || !cJSON_AddStringToObject(e, "code", code) ||
        !cJSON_AddStringToObject(e, "message", message)) {
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

/* Whether an error should be a page: a printed page (/print/...) opened by a
 * browser, which asks for text/html. The resident who scans a slip's code
 * or opens an old link should read the message, not a JSON envelope;
 * programs (Accept: * / * or application/json) keep the envelope the
 * contract gives every error. */
static bool http_wants_page(struct http_request *req)
{
    const char *accept = http_header(req, MHD_HTTP_HEADER_ACCEPT);

    return req->path && strncmp(req->path, "/print/", 7) == 0 && accept &&
           strstr(accept, "text/html") != NULL;
}

/* The error of http_wants_page as a whole HTML page: the message and a way
 * back (the staff page for the staff's printouts, the kiosk otherwise). */
static struct MHD_Response *http_error_page(struct http_request *req, const char *message)
{
    bool staff = strncmp(req->path, "/print/staff/", 13) == 0;
    struct strbuf sb = STRBUF_INIT;
    struct MHD_Response *r = NULL;
    int rc;

    rc = strbuf_puts(&sb, "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<title>这一页打不开</title>\n"
                          "<link rel=\"stylesheet\" href=\"/assets/print.css\">\n</head>\n"
                          "<body class=\"error-page\">\n<main>\n<h1>这一页打不开</h1>\n<p class=\"message\">") |
         strbuf_put_html(&sb, message, strlen(message)) |
         strbuf_puts(&sb, staff ? "</p>\n<p><a href=\"/staff\">返回工作台</a></p>\n</main>\n</body>\n</html>\n"
                                : "</p>\n<p><a href=\"/\">返回首页</a></p>\n</main>\n</body>\n</html>\n");
    if (rc == 0)
        r = MHD_create_response_from_buffer(sb.len, sb.data, MHD_RESPMEM_MUST_COPY);
    if (r && (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8") != MHD_YES ||
              !http_page_headers(r))) {
        MHD_destroy_response(r);
        r = NULL;
    }
    req->bytes = r ? sb.len : 0;
    strbuf_free(&sb);
    return r;
}

/* The error envelope as a response, with Cache-Control: no-cache when
 * revalidate (every API answer, the 405 too: a 405 may be cached by
 * default, and an upgrade that adds a method must not meet a stale one),
 * and an extra header when name is not NULL (Allow on 405, Retry-After on
 * 429 and 503). */
static enum MHD_Result http_reply_error_with(struct http_request *req, unsigned status,
                                            const char *code, const char *message,
                                            bool revalidate, const char *name,
                                            const char *value)
{
    if (http_wants_page(req)) {
        struct MHD_Response *page = http_error_page(req, message);

        if (!page)
            return MHD_NO;
        if (MHD_add_response_header(page, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") != MHD_YES ||
            (name && MHD_add_response_header(page, name, value) != MHD_YES)) {
            MHD_destroy_response(page);
            return MHD_NO;
        }
        return http_reply_response(req, status, page);
    }
    cJSON *doc = http_error_doc(code, message);
    char *body = doc ? cJSON_PrintUnformatted(doc) : NULL;
    struct MHD_Response *r = NULL;

    cJSON_Delete(doc);
    if (body)
        r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    req->bytes = body ? strlen(body) : 0;
    cJSON_free(body);
    if (!r)
        return MHD_NO;
    if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") != MHD_YES ||
        (revalidate &&
         MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") != MHD_YES) ||
        (name && MHD_add_response_header(r, name, value) != MHD_YES)) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    return http_reply_response(req, status, r);
}

enum MHD_Result http_reply_error(struct http_request *req, unsigned status, const char *code,
                                 const char *message)
{
    return http_reply_error_with(req, status, code, message, true, NULL, NULL);
}

enum MHD_Result http_reply_error_retry(struct http_request *req, unsigned status, const char *code,
                                       const char *message, long retry_after)
{
    char secs[24];

    snprintf(secs, sizeof secs, "%ld", retry_after > 0 ? retry_after : 1);
    return http_reply_error_with(req, status, code, message, true, MHD_HTTP_HEADER_RETRY_AFTER,
                                 secs);
}

const char *http_query(struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

long long http_query_number(const char *s, long long min, long long max)
{
    return httpin_number(s, min, max);
}

const char *http_header(struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

/* The reverse proxies whose X-Forwarded-For is believed (http_start). */
static struct xff_set http_trusted;

/* The X-Forwarded-For lines of a request joined by commas, in order,
 * keeping only their tail: xff_client reads at most XFF_ENTRIES_MAX
 * entries of at most XFF_ENTRY_MAX bytes from the right, well within it. */
#define HTTP_XFF_TAIL 2048

struct http_xff {
    char buf[HTTP_XFF_TAIL];
    size_t len;
    bool cut;       /* the head was dropped: the first entry may be partial */
};

/* n bytes at the end of x, its oldest bytes dropped past its size */
static void http_xff_put(struct http_xff *x, const char *p, size_t n)
{
    size_t keep;

    if (n >= sizeof x->buf) {
        if (n > sizeof x->buf || x->len)
            x->cut = true;
        p += n - sizeof x->buf;
        n = sizeof x->buf;
        x->len = 0;
    } else if (x->len + n > sizeof x->buf) {
        keep = sizeof x->buf - n;
        memmove(x->buf, x->buf + x->len - keep, keep);
        x->len = keep;
        x->cut = true;
    }
    memcpy(x->buf + x->len, p, n);
    x->len += n;
}

static enum MHD_Result http_xff_line(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    struct http_xff *x = cls;

    (void)kind;
    if (!key || !value || strcasecmp(key, "X-Forwarded-For") != 0)
        return MHD_YES;
    if (x->len || x->cut)
        http_xff_put(x, ",", 1);
    http_xff_put(x, value, strlen(value));
    return MHD_YES;
}

/* The client behind a trusted proxy, into key; -1 to use the proxy's. */
static int http_forwarded_client(struct MHD_Connection *conn, unsigned char key[16])
{
    struct http_xff x;
    const char *s;
    size_t n;

    x.len = 0;
    x.cut = false;
    if (MHD_get_connection_values(conn, MHD_HEADER_KIND, http_xff_line, &x) < 0 || x.len == 0)
        return -1;
    s = x.buf;
    n = x.len;
    if (x.cut) {
        const char *comma = memchr(s, ',', n);
        if (!comma)
            return -1;
        n -= (size_t)(comma + 1 - s);
        s = comma + 1;
    }
    return xff_client(s, n, &http_trusted, key);
}

void http_client_addr(struct http_request *req, char out[HTTP_ADDR_MAX])
{
    const union MHD_ConnectionInfo *ci;
    const struct sockaddr *sa;
    unsigned char key[16], client[16];

    if (req->client[0]) {
        memcpy(out, req->client, HTTP_ADDR_MAX);
        return;
    }
    ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sa = ci ? ci->client_addr : NULL;
    memset(key, 0, sizeof key);
    if (sa && sa->sa_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    } else if (sa && sa->sa_family == AF_INET6) {
        memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
    } else {
        snprintf(out, HTTP_ADDR_MAX, "?");
        return;
    }
    /* a missing or unreadable header from the proxy: the proxy's own
     * address, so such requests share one bucket rather than go uncounted */
    if (http_trusted.n && xff_set_contains(&http_trusted, key) &&
        http_forwarded_client(req->conn, client) == 0)
        memcpy(key, client, sizeof key);
    if (xff_addr_format(key, out, HTTP_ADDR_MAX) != 0)
        snprintf(out, HTTP_ADDR_MAX, "?");
    memcpy(req->client, out, HTTP_ADDR_MAX);
}

/* Whether the client may scrape /metrics: the address every per-address
 * rule uses, so behind a trusted proxy (often on loopback, which the
 * default allows) the forwarded client is judged, not the proxy. */
static bool http_monitor_allowed(struct http_request *req)
{
    char addr[HTTP_ADDR_MAX];
    struct sockaddr_in s4;
    struct sockaddr_in6 s6;

    http_client_addr(req, addr);
    memset(&s4, 0, sizeof s4);
    memset(&s6, 0, sizeof s6);
    if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1) {
        s4.sin_family = AF_INET;
        return metrics_allowed((const struct sockaddr *)&s4);
    }
    if (inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1) {
        s6.sin6_family = AF_INET6;
        return metrics_allowed((const struct sockaddr *)&s6);
    }
    return false;
}

bool http_etag_matches(struct http_request *req, const char *etag)
{
    return httpin_etag_matches(http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH), etag);
}

void http_etag_gz(const char *etag, char out[HTTP_ETAG_MAX])
{
    size_t n = strnlen(etag, HTTP_ETAG_MAX - 4);

    if (n >= 2 && etag[n - 1] == '"')
        snprintf(out, HTTP_ETAG_MAX, "%.*s-gz\"", (int)(n - 1), etag);
    else
        snprintf(out, HTTP_ETAG_MAX, "%.*s-gz", (int)n, etag);
}

bool http_accepts_gzip(struct http_request *req)
{
    return gzip_accepted(http_header(req, MHD_HTTP_HEADER_ACCEPT_ENCODING));
}

/* The headers a cacheable answer carries, 200 and 304 alike. False when
 * one could not be added (out of memory). */
static bool http_cached_headers(struct MHD_Response *r, const char *etag, const char *cc,
                                bool vary)
{
    return MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) == MHD_YES &&
           MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cc ? cc : "no-cache") ==
               MHD_YES &&
           (!vary || MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
                                             MHD_HTTP_HEADER_ACCEPT_ENCODING) == MHD_YES);
}

bool http_reply_unchanged(struct http_request *req, const char *etag, const char *cache_control,
                          bool vary, enum MHD_Result *res)
{
    char gz[HTTP_ETAG_MAX];
    const char *hit = NULL;
    struct MHD_Response *r;

    if (!http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH))
        return false;
    if (http_etag_matches(req, etag)) {
        hit = etag;
    } else if (vary && http_accepts_gzip(req)) {
        http_etag_gz(etag, gz);
        if (http_etag_matches(req, gz))
            hit = gz;
    }
    if (!hit)
        return false;
    r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (r && !http_cached_headers(r, hit, cache_control, vary)) {
        MHD_destroy_response(r);
        r = NULL;
    }
    req->bytes = 0;
    *res = http_reply_response(req, MHD_HTTP_NOT_MODIFIED, r);
    return true;
}

enum MHD_Result http_reply_cached(struct http_request *req, const struct http_cached *c,
                                  void (*release)(void *cls), void *cls)
{
    const struct gzip_blob *b = NULL;
    struct MHD_Response *r;
    enum MHD_Result res;
    char gz[HTTP_ETAG_MAX];

    if (http_reply_unchanged(req, c->etag, c->cache_control, c->gz != NULL, &res)) {
        if (release)
            release(cls);
        return res;
    }
    if (c->gz && http_accepts_gzip(req))
        b = gzip_lazy_get(c->gz, c->body, c->len);
    if (release)
        r = MHD_create_response_from_buffer_with_free_callback_cls(
            b ? b->len : c->len, b ? (void *)b->data : (void *)c->body, release, cls);
    else
        r = MHD_create_response_from_buffer(b ? b->len : c->len,
                                            b ? (void *)b->data : (void *)c->body,
                                            MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (release)
            release(cls);
        return MHD_NO;
    }
    if (b)
        http_etag_gz(c->etag, gz);
    /* the release runs as the response goes, however it goes */
    if ((b && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip") != MHD_YES) ||
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, c->type) != MHD_YES ||
        !http_cached_headers(r, b ? gz : c->etag, c->cache_control, c->gz != NULL) ||
        (strncmp(c->type, "text/html", 9) == 0 && !http_page_headers(r))) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    req->bytes = b ? b->len : c->len;
    return http_reply_response(req, MHD_HTTP_OK, r);
}

/* Whether the browser says this request comes from another site
 * (httpin_cross_site). A browser that sends no Sec-Fetch-Site (Chromium
 * over plain HTTP to a LAN address; older Safari) is judged by its Origin
 * against Host, which a proxy may have rewritten to the daemon's address:
 * an Origin naming one of the hall's own names (--public-url, --host, the
 * machine's) is then this site too (a review found every resident's
 * write refused behind nginx's default proxy_pass). */
static bool http_cross_site(struct http_request *req)
{
    const char *site = http_header(req, "Sec-Fetch-Site"), *origin = http_header(req, "Origin"), *o;

    if (!httpin_cross_site(site, origin, http_header(req, MHD_HTTP_HEADER_HOST)))
        return false;
    return site || !origin || !(o = strstr(origin, "://")) || !hosts_named(o + 3);
}

/* Matches path against pattern, filling req->params. */
static bool http_route_match(const char *pattern, struct http_request *req)
{
    return httpin_route_match(pattern, req->path, req->segbuf, req->params, HTTP_MAX_PARAMS,
                              &req->n_params);
}

static enum MHD_Result http_dispatch(struct http_request *req)
{
    const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
    const char *q = http_query(req, "q");
    char allow[64] = "";
    size_t i;
    int monitor = -1;   /* whether the client may see HTTP_MONITOR routes; -1 not asked yet */

    /* a search's text is what a resident typed: its length is logged,
     * never the text */
    req->qlen = q ? (long)strlen(q) : -1;

    /* DNS rebinding: another site's page, its name pointed at this machine */
    if (!hosts_allowed(http_header(req, MHD_HTTP_HEADER_HOST)))
        return http_reply_error(req, MHD_HTTP_MISDIRECTED_REQUEST, "misdirected",
                                "这个地址不是本系统的地址，请使用大厅告知的地址访问");
    if (req->body_too_large)
        return http_reply_error(req, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
                                "提交的内容太多（超过 1 兆字节），没有保存；请删减后再试，或到综合窗口办理");
    if (req->body_busy)
        return http_reply_error_retry(req, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
                                      "服务器正忙，请稍后再试", 5);
    if (req->body_oom)
        return http_reply_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal_error",
                                "服务暂时出了问题，请稍后再试或到窗口办理");
    for (i = 0; i < http_ctx.n_routes; i++) {
        const struct http_route *r = &http_ctx.routes[i];
        if (!http_route_match(r->pattern, req))
            continue;
        if (r->access == HTTP_MONITOR) {
            if (monitor < 0)
                monitor = http_monitor_allowed(req);
            if (!monitor)
                continue;   /* not there at all: 404, not 405 */
        }
        if (strcmp(r->method, method) == 0) {
            enum MHD_Result res;
            req->route = r;
            /* the route, not its handler, says who may call it: a handler
             * cannot forget the check */
            if (r->access != HTTP_PUBLIC && r->access != HTTP_MONITOR &&
                !http_ctx.guard(req, r, &res))
                return res;
            /* a resident's write has no session to carry a CSRF token: another
             * site's page, open on a phone on the hall's Wi-Fi, could make
             * its browser create and hand in cases or lock a ticket's
             * lookup (a review). The browser says where it comes from. */
            if ((r->access == HTTP_PUBLIC || r->access == HTTP_SHARED) && strcmp(method, "GET") != 0 &&
                strcmp(method, "HEAD") != 0 && http_cross_site(req))
                return http_reply_error(req, MHD_HTTP_FORBIDDEN, "cross_site",
                                        "这个操作来自别的网站，没有办理；请直接打开本系统的页面再操作");
            return r->handler(req);
        }
        if (!strstr(allow, r->method) && strlen(allow) + strlen(r->method) + 8 < sizeof allow) {
            if (*allow)
                strcat(allow, ", ");
            strcat(allow, r->method);
            if (strcmp(r->method, "GET") == 0)
                strcat(allow, ", HEAD");
        }
    }
    if (*allow)
        return http_reply_error_with(req, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                                     "这个操作没有完成，请返回首页重试，或到综合窗口咨询", true, MHD_HTTP_HEADER_ALLOW,
                                     allow);
    return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有找到这个页面，请返回首页重新查找");
}

/* Makes sure the body budget covers a body of n bytes, from its
 * Content-Length or, for a chunked body, as it grows. False when it cannot. */
static bool http_body_budget(struct http_request *req, size_t n)
{
    size_t need = conns_body_footprint(n);

    /* small bodies (every resident's) are bounded by the connection cap
     * already, and a flood of big ones must not refuse them */
    if (need <= CONNS_BODY_SMALL || need <= req->body_taken)
        return true;
    if (!conns_body_take(need - req->body_taken))
        return false;
    req->body_taken = need;
    return true;
}

/* Runs a handler with this thread's commits deferred (db.h): its answer
 * is parked until they are durable (http_reply_response). A commit that
 * no answer followed (the handler gave up, or held the request) is waited
 * for here, before anything else is served on this thread. */
static enum MHD_Result http_run(struct http_request *req,
                                enum MHD_Result (*fn)(struct http_request *req))
{
    struct db_durable t;
    enum MHD_Result ret;

    db_defer_begin();
    ret = fn(req);
    if (db_defer_end(&t) && http_durable_here(&t) != 0)
        fprintf(stderr, "spkiosk: a write with no answer could not be made durable\n");
    return ret;
}

static enum MHD_Result http_access(void *cls, struct MHD_Connection *conn, const char *url,
                                   const char *method, const char *version,
                                   const char *upload_data, size_t *upload_data_size,
                                   void **con_cls)
{
    struct http_request *req = *con_cls;
    const char *cl, *expect;
    unsigned long long n;

    (void)cls;
    (void)version;
    if (!req) {
        size_t len = strlen(url);
        if (!(req = calloc(1, sizeof *req)))
            return MHD_NO;
        *con_cls = req;
        atomic_fetch_add(&http_inflight, 1);
        req->conn = conn;
        req->method = method;
        req->start_ns = http_now_ns();
        req->qlen = -1;
        snprintf(req->id, sizeof req->id, "%08x%08x", http_id_run,
                 atomic_fetch_add_explicit(&http_id_next, 1, memory_order_relaxed));
        req->path = strdup(url);
        req->segbuf = malloc(len + 1);
        if (!req->path || !req->segbuf)
            return MHD_NO;
        req->slot = conns_slot_of(conn);
        conns_request_began(req->slot);
        cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
        n = httpin_content_length(cl);
        if (n > HTTP_BODY_MAX)
            req->body_too_large = true;
        else if (n > 0 && !http_body_budget(req, n))
            req->body_busy = true;
        /* A client that sends its whole body before reading (most do)
         * would see a reset instead of the 413 or 503 if we answered and
         * closed now: read and drop a body up to the drain cap, then
         * answer. Beyond the cap, or when the client waits for `100
         * Continue` before it sends anything, answer at once and close. */
        if ((req->body_too_large || req->body_busy) &&
            (n > HTTP_BODY_DRAIN_MAX || httpin_expect_continue(expect))) {
            req->dispatched = true;
            conns_request_handling(req->slot);
            return http_run(req, http_dispatch);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        req->received += *upload_data_size;
        if (req->received > HTTP_BODY_DRAIN_MAX)
            return MHD_NO; /* still streaming: close rather than keep reading */
        conns_request_body(req->slot, req->received);
        if (req->body_too_large || req->body_oom || req->body_busy)
            ; /* drained, not kept */
        else if (req->body.len + *upload_data_size > HTTP_BODY_MAX)
            req->body_too_large = true;
        else if (!http_body_budget(req, req->body.len + *upload_data_size))
            req->body_busy = true;
        else if (strbuf_append(&req->body, upload_data, *upload_data_size) != 0)
            req->body_oom = true;
        if (req->body_too_large || req->body_busy) {
            /* what was gathered will not be used: give its memory back now */
            strbuf_free(&req->body);
            conns_body_give(req->body_taken);
            req->body_taken = 0;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->parked) {
        /* its commits are on the disk now (or could not be put there) */
        struct MHD_Response *r = req->parked;
        enum MHD_Result ret;

        req->parked = NULL;
        if (req->durable.failed) {
            MHD_destroy_response(r);
            return http_run(req, http_reply_not_durable);
        }
        ret = MHD_queue_response(conn, req->parked_status, r);
        MHD_destroy_response(r);
        if (ret == MHD_YES)
            conns_request_sending(req->slot);
        return ret;
    }
    if (req->dispatched) {
        /* a held request, resumed: its handler runs again and answers */
        if (!req->held)
            return MHD_YES;
        req->held = false;
        req->resumed = true;
        return http_run(req, http_dispatch);
    }
    req->dispatched = true;
    conns_request_handling(req->slot);
    return http_run(req, http_dispatch);
}

static void http_durable_suspend(struct durable_wait *w)
{
    struct http_request *req =
        (struct http_request *)(void *)((char *)w - offsetof(struct http_request, durable));

    MHD_suspend_connection(req->conn);
}

static void http_durable_resume(struct durable_wait *w)
{
    struct http_request *req =
        (struct http_request *)(void *)((char *)w - offsetof(struct http_request, durable));

    MHD_resume_connection(req->conn);
}

static void http_suspend(void *item)
{
    MHD_suspend_connection(((struct http_request *)item)->conn);
}

static void http_resume(void *item)
{
    MHD_resume_connection(((struct http_request *)item)->conn);
}

struct hold *http_hold_new(size_t cap)
{
    return hold_new(cap, http_suspend, http_resume);
}

enum hold_result http_hold(struct http_request *req, struct hold *h, uint64_t seen,
                           long timeout_ms)
{
    enum hold_result r;

    /* not a second time: a resumed request answers */
    if (req->resumed)
        return HOLD_CHANGED;
    r = hold_park(h, req, seen, timeout_ms);
    /* set after the park: the resumed call of the access handler comes on
     * this thread, after the handler has returned */
    if (r == HOLD_HELD)
        req->held = true;
    return r;
}

/* The longest method logged whole: the methods served are at most 6 bytes. */
#define HTTP_LOG_METHOD_MAX 32

/* The request's log line (docs/deployment.md, "Monitoring"): key=value
 * pairs in a fixed order. The path only, with the ids of cases and the
 * like masked (httpin_log_path): query strings may carry what a resident
 * typed, and a search's text is told by its length alone (qlen). */
static void http_log_request(struct http_request *req, uint64_t ns, bool aborted)
{
    char line[LOGLINE_MAX], buf[256], ts[LOGLINE_TS_LEN + 1], num[32], addr[HTTP_ADDR_MAX];
    char method[HTTP_LOG_METHOD_MAX + 4];
    struct timespec now;
    size_t n = 0, mlen;
    /* tenths of a millisecond, rounded as %.1f would */
    uint64_t tenths = (ns + 50000) / 100000;

    clock_gettime(CLOCK_REALTIME, &now);
    (void)logline_ts(ts, sizeof ts, &now);
    http_client_addr(req, addr);
    line[0] = '\0';
    /* every pair fits: short values, a method cut at HTTP_LOG_METHOD_MAX
     * (4 bytes each escaped) and a path cut at LOGLINE_VALUE_MAX stay under
     * LOGLINE_MAX, so logline_kv's refusal is not looked at */
    (void)logline_kv(line, sizeof line, &n, "ts", ts);
    (void)logline_kv(line, sizeof line, &n, "level",
                     req->status >= 500 || req->status == 0 ? "error" : aborted ? "warn" : "info");
    (void)logline_kv(line, sizeof line, &n, "id", req->id);
    /* a method is any token the client sends: cut, so that with the path
     * (cut by logline_kv) every pair still fits in the line */
    mlen = strnlen(req->method, HTTP_LOG_METHOD_MAX + 1);
    if (mlen > HTTP_LOG_METHOD_MAX) {
        memcpy(method, req->method, HTTP_LOG_METHOD_MAX);
        memcpy(method + HTTP_LOG_METHOD_MAX, "...", 4);
    } else {
        memcpy(method, req->method, mlen + 1);
    }
    (void)logline_kv(line, sizeof line, &n, "method", method);
    (void)logline_kv(line, sizeof line, &n, "route",
                     req->route ? req->route->pattern : METRICS_ROUTE_NONE);
    (void)logline_kv(line, sizeof line, &n, "path", httpin_log_path(req->path, buf, sizeof buf));
    (void)logline_uint(num, req->status);
    (void)logline_kv(line, sizeof line, &n, "status", num);
    (void)logline_uint(num, req->bytes);
    (void)logline_kv(line, sizeof line, &n, "bytes", num);
    mlen = logline_uint(num, tenths / 10);
    num[mlen] = '.';
    (void)logline_uint(num + mlen + 1, tenths % 10);
    (void)logline_kv(line, sizeof line, &n, "ms", num);
    (void)logline_kv(line, sizeof line, &n, "addr", addr);
    if (req->qlen >= 0) {
        (void)logline_uint(num, (uintmax_t)req->qlen);
        (void)logline_kv(line, sizeof line, &n, "qlen", num);
    }
    if (aborted)
        (void)logline_kv(line, sizeof line, &n, "aborted", "true");
    logline_raw(line, n);
}

static void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                           enum MHD_RequestTerminationCode toe)
{
    struct http_request *req = *con_cls;
    uint64_t ns;

    (void)cls;
    (void)conn;
    if (!req)
        return;
    if (req->parked)
        MHD_destroy_response(req->parked);
    ns = http_now_ns() - req->start_ns;
    metrics_request(req->route, req->status, ns);
    /* a flood of 429s is told as a count (conns.h), not line by line */
    if (req->status == MHD_HTTP_TOO_MANY_REQUESTS)
        conns_refused(CONNS_REFUSED_429);
    else
        http_log_request(req, ns, toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
    atomic_fetch_sub(&http_inflight, 1);
    conns_body_give(req->body_taken);
    conns_request_done(req->slot);
    strbuf_free(&req->body);
    free(req->path);
    free(req->segbuf);
    free(req);
    *con_cls = NULL;
}

/* libmicrohttpd's messages, each one line in one write. The connection
 * caps' refusal comes once per refused connection (86,873 lines in 4 s
 * under a flood, issue #13): it is counted instead (conns.h). The rest
 * at most HTTP_LOG_PER_S a second, the others counted and their number
 * said with the next one shown: under a flood of connections it writes a
 * line for every one closed (a client gone, or one conns.c shut down to
 * make room), thousands a second that slowed every answer and buried the
 * log. */
#define HTTP_LOG_PER_S 10

static pthread_mutex_t http_log_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t http_log_second;
static unsigned http_log_shown;
static unsigned long http_log_dropped;

/* connections libmicrohttpd has closed (MHD_CONNECTION_NOTIFY_CLOSED) or
 * dropped before a worker took them: with the acceptor's count of those
 * handed over, the connections open or on their way (see the acceptor) */
static atomic_ulong http_acc_closed;

static void http_log(void *cls, const char *fmt, va_list ap)
{
    char msg[LOGLINE_MAX];
    time_t now = time(NULL);
    unsigned long dropped = 0;

    (void)cls;
    /* a connection handed over by the acceptor that its worker could not
     * take (no memory for its pool): libmicrohttpd says only this, and no
     * CLOSED will come for it (0.9.75, new_connections_list_process_).
     * True of the poll loop in a thread pool, which http_start asks for:
     * with epoll or a thread per connection 0.9.75 notifies CLOSED before
     * this line for the same connection, and counting both would let the
     * acceptor hand over past the cap (and a worker hang, see there). */
    if (strncmp(fmt, "Failed to start serving new connection", 38) == 0)
        atomic_fetch_add(&http_acc_closed, 1);
    /* the second: conns_accept's refusal, counted there */
    if (strncmp(fmt, "Server reached connection limit", 31) == 0 ||
        strncmp(fmt, "Connection rejected by application", 34) == 0) {
        if (fmt[0] == 'C')
            return;
        conns_refused(CONNS_REFUSED_CONNECTION);
        return;
    }
    pthread_mutex_lock(&http_log_lock);
    if (now != http_log_second) {
        http_log_second = now;
        http_log_shown = 0;
    }
    if (http_log_shown >= HTTP_LOG_PER_S) {
        http_log_dropped++;
        pthread_mutex_unlock(&http_log_lock);
        return;
    }
    http_log_shown++;
    dropped = http_log_dropped;
    http_log_dropped = 0;
    pthread_mutex_unlock(&http_log_lock);
    if (dropped)
        logline_printf("http: %lu more message(s) of libmicrohttpd not shown", dropped);
    vsnprintf(msg, sizeof msg, fmt, ap);
    logline_printf("http: %s", msg);
}

/* HOST:PORT or [V6]:PORT to a socket address. */
static int http_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[256];
    const char *colon = strrchr(listen, ':'), *h = listen;
    size_t hn;
    struct addrinfo hints, *res = NULL;
    int r;

    if (!colon || !colon[1])
        return -1;
    hn = (size_t)(colon - listen);
    if (hn >= 2 && listen[0] == '[' && listen[hn - 1] == ']') {
        h++;
        hn -= 2;
    }
    if (hn == 0 || hn >= sizeof host)
        return -1;
    memcpy(host, h, hn);
    host[hn] = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    r = getaddrinfo(host, colon + 1, &hints, &res);
    if (r != 0 || !res) {
        fprintf(stderr, "spkiosk: cannot use --listen %s: %s\n", listen, gai_strerror(r));
        return -1;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

int http_routes_check(const struct http_route *routes, size_t n, bool has_guard, char *err,
                      size_t errlen)
{
    const char *why = NULL;
    size_t i;

    for (i = 0; i < n && !why; i++) {
        const struct http_route *r = &routes[i];
        bool session = r->access == HTTP_STAFF || r->access == HTTP_ADMIN;
        if (!session && r->access != HTTP_PUBLIC && r->access != HTTP_SHARED &&
            r->access != HTTP_MONITOR)
            why = "an unknown access";
        else if (r->access == HTTP_MONITOR && strcmp(r->method, "GET") != 0)
            why = "a monitoring route that is not GET (it has no session to check)";
        else if (r->access != HTTP_PUBLIC && r->access != HTTP_MONITOR && !has_guard)
            why = "a route for staff, and no guard";
        else if (session && !r->csrf && strcmp(r->method, "GET") != 0)
            why = "a staff or admin route that may change state without the CSRF check";
        else if (!session && r->csrf)
            why = "a CSRF check on a route residents use without a session";
    }
    if (!why)
        return 0;
    snprintf(err, errlen, "route %s %s: %s", routes[i - 1].method, routes[i - 1].pattern, why);
    return -1;
}

/* ---- the acceptor ----
 *
 * The listening socket is ours, not libmicrohttpd's. Its workers each took
 * connections from one shared socket as they happened to wake, so under a
 * burst of connections one of four workers held 14 of 32 and their clients
 * waited behind it (the reads' p99, docs/performance.md). One thread
 * accepts and hands each connection to libmicrohttpd (MHD_add_connection),
 * which gives it to the worker its descriptor number names, round the
 * workers, and applies the same caps per address and accept policy as on
 * its own accepts.
 *
 * --max-connections is kept here: at the cap the acceptor stops accepting,
 * as libmicrohttpd's workers did, and a client waits in the kernel's queue
 * until conns.c makes room rather than being refused. libmicrohttpd's own
 * limit is set so that no worker can reach it (each may hold the whole
 * cap): 0.9.75 checks it again on the worker for a connection handed over
 * and, when it is reached there, returns without unlocking the worker's
 * mutex, and the worker hangs (new_connection_process_, "Firm check"). */
struct http_acceptor {
    int fd;                 /* listening; -1 when not running */
    int stop[2];            /* a byte on stop[1] ends the thread */
    pthread_t thread;
    struct MHD_Daemon *d;
    unsigned max;           /* --max-connections */
    unsigned long added;    /* handed over so far (this thread's) */
};
static struct http_acceptor http_acc = {-1, {-1, -1}, 0, NULL, 0, 0};

/* How long the acceptor waits before accepting again when the process is
 * out of descriptors (EMFILE), and between looks for room at the cap: a
 * busy loop would take a core. */
#define HTTP_ACCEPT_BACKOFF_MS 100
#define HTTP_ACCEPT_FULL_MS 10

/* Out of descriptors (or of kernel memory for a socket), clients wait in
 * the queue with no word: a line a minute says so, with how many times,
 * and for descriptors where their limit is set. */
static struct logline_every http_acc_nofd = LOGLINE_EVERY_INIT(60 * 1000000000ull);

static void http_acceptor_nofd(int err)
{
    unsigned long n;
    uint64_t span;

    if (logline_every_note(&http_acc_nofd, http_now_ns(), &n, &span))
        logline_printf("http: accepting: %s (%lu time(s) in %llu s): new clients wait%s",
                       strerror(err), n, (unsigned long long)(span / 1000000000u),
                       err == EMFILE || err == ENFILE
                           ? "; the limit is LimitNOFILE= (docs/deployment.md)"
                           : "");
}

static void http_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                        enum MHD_ConnectionNotificationCode code)
{
    conns_notify(cls, conn, socket_context, code);
    if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        atomic_fetch_add(&http_acc_closed, 1);
}

/* Room for more connections: the cap less those handed over and not yet
 * closed (or dropped, http_log). */
static unsigned http_acceptor_room(const struct http_acceptor *a)
{
    unsigned long live = a->added - atomic_load(&http_acc_closed);

    return live < a->max ? (unsigned)(a->max - live) : 0;
}

static void *http_acceptor_run(void *arg)
{
    struct http_acceptor *a = arg;
    int wait = -1;

    /* cancelled (http_acceptor_stop's last resort) only in poll: inside
     * MHD_add_connection it would leak the descriptor, or leave a mutex of
     * libmicrohttpd's locked */
    (void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    for (;;) {
        struct pollfd pfd[2] = {{a->stop[0], POLLIN, 0}, {a->fd, POLLIN, 0}};
        unsigned room = http_acceptor_room(a);
        int r;
        /* at the cap, or out of descriptors: the stop pipe only, a while */
        if (!room && wait < 0)
            wait = HTTP_ACCEPT_FULL_MS;
        (void)pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
        r = poll(pfd, wait < 0 ? 2 : 1, wait);
        (void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
        if (r < 0 && errno != EINTR && wait < 0) {
            /* never seen; a thread that ended here would leave clients
             * queued with no word: said, and tried again */
            logline_printf("http: accepting: poll: %s; trying again", strerror(errno));
            wait = HTTP_ACCEPT_BACKOFF_MS;
            continue;
        }
        if (r > 0 && (pfd[0].revents & POLLIN))
            break;
        if (wait >= 0) {
            wait = -1;
            continue;
        }
        /* every connection waiting while there is room, then poll again */
        while (room) {
            struct sockaddr_storage ss;
            socklen_t len = sizeof ss;
            bool added;
            int c = accept4(a->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c < 0) {
                if (errno == EINTR || errno == ECONNABORTED)
                    continue;
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                    wait = HTTP_ACCEPT_BACKOFF_MS;
                    http_acceptor_nofd(errno);
                }
                break;
            }
            /* refused (over the cap per address, by the policy):
             * libmicrohttpd has closed it, and http_log counts it */
            conns_handing(c);
            added = MHD_add_connection(a->d, c, (const struct sockaddr *)&ss, len) == MHD_YES;
            conns_handing(-1);
            if (!added)
                continue;
            a->added++;
            room--;
        }
    }
    return NULL;
}

/* Binds and listens on ss. The descriptor, or -1 with errno set. */
static int http_listen_socket(const struct sockaddr_storage *ss, socklen_t slen)
{
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1, e;

    if (fd < 0)
        return -1;
    /* a restart must not wait out the last run's TIME_WAIT; an IPv6
     * address is that address only, as libmicrohttpd's own socket was */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        (ss->ss_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) ||
        bind(fd, (const struct sockaddr *)ss, slen) != 0 || listen(fd, SOMAXCONN) != 0) {
        e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Starts the acceptor on fd (which it then owns) for d, with a cap of max
 * connections. 0, or -1 with errno set (fd closed). */
static int http_acceptor_start(int fd, struct MHD_Daemon *d, unsigned max)
{
    int e = 0;

    http_acc.fd = fd;
    http_acc.d = d;
    http_acc.max = max;
    http_acc.added = atomic_load(&http_acc_closed);
    if (pipe2(http_acc.stop, O_CLOEXEC) != 0) {
        http_acc.stop[0] = http_acc.stop[1] = -1;
        goto fail;
    }
    if ((e = pthread_create(&http_acc.thread, NULL, http_acceptor_run, &http_acc)) != 0)
        goto fail;
    return 0;
fail:
    if (!e)
        e = errno;
    close(fd);
    if (http_acc.stop[0] >= 0) {
        close(http_acc.stop[0]);
        close(http_acc.stop[1]);
    }
    http_acc = (struct http_acceptor){-1, {-1, -1}, 0, NULL, 0, 0};
    errno = e;
    return -1;
}

/* Stops accepting: the thread ends and the socket is closed, so that new
 * clients are refused by the kernel while the workers finish. */
static void http_acceptor_stop(void)
{
    ssize_t w;

    if (http_acc.fd < 0)
        return;
    do
        w = write(http_acc.stop[1], "x", 1);
    while (w < 0 && errno == EINTR);
    /* the pipe is new and empty: a write that fails is beyond belief,
     * but the thread must end either way (poll is a cancellation point) */
    if (w != 1)
        pthread_cancel(http_acc.thread);
    pthread_join(http_acc.thread, NULL);
    close(http_acc.fd);
    close(http_acc.stop[0]);
    close(http_acc.stop[1]);
    http_acc = (struct http_acceptor){-1, {-1, -1}, 0, NULL, 0, 0};
}

/* libmicrohttpd's memory per connection: the request line and headers, the
 * answer's headers, and the buffer a body is read through. It zeroes the
 * whole of it after every request (memorypool.c, MHD_pool_reset): its 32 KiB
 * default was 6 % of the CPU of a read at 512 connections, 16 KiB reads
 * 6-10 % more per second (docs/performance.md). A request line or header
 * block near this size is refused (414/431, docs/http-api.md); a browser's
 * are about 1 KiB. */
#define HTTP_CONN_MEMORY (16 * 1024)

/* libmicrohttpd's connection limit: a worker's share of it (the limit over
 * the workers) is --max-connections and one, so that no worker ever reaches
 * its share (see the acceptor). The one: libmicrohttpd tells a connection
 * closed before it takes it off its count, and the acceptor, seeing room,
 * may hand over the next in between; at exactly the limit it would be
 * refused (with one worker, which has no other to try). */
static unsigned http_mhd_limit(const struct http_server_config *cfg)
{
    unsigned threads = cfg->threads > 1 ? cfg->threads : 1, share = cfg->limits.max_total + 1;

    return share > UINT_MAX / threads ? UINT_MAX : share * threads;
}

/* Descriptors beside the connections: three for each thread's database
 * connection, libmicrohttpd's one per worker, the log, the watcher, the
 * signals, pipes; about 40 with the default four threads. */
#define HTTP_FD_SPARE 128

/* Raises the soft limit on descriptors towards what --max-connections
 * needs (systemd starts services at 1024, below the default cap of 1000
 * and the rest; its hard limit is far higher), as far as the hard limit
 * allows, and says so when that is not enough: the cap is then never
 * reached, and new clients wait in the queue (the acceptor's line). */
static void http_fd_limit(unsigned max_total)
{
    struct rlimit rl, want;
    rlim_t need = (rlim_t)max_total + HTTP_FD_SPARE;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
        return;
    want = rl;
    want.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need ? rl.rlim_max : need;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0)
        rl = want;
    if (rl.rlim_cur < need)
        fprintf(stderr,
                "spkiosk: --max-connections %u needs about %llu file descriptors and the limit is "
                "%llu: raise LimitNOFILE= or lower --max-connections\n",
                max_total, (unsigned long long)need, (unsigned long long)rl.rlim_cur);
}

struct MHD_Daemon *http_start(const struct http_server_config *cfg, unsigned *port)
{
    struct sockaddr_storage ss;
    socklen_t slen;
    struct MHD_Daemon *d;
    /* suspend/resume: long polls wait without a worker (http_hold).
     * poll(2), not the epoll AUTO picks: libmicrohttpd's epoll loop (0.9.75,
     * still in 1.0.1) takes at most 128 events a call and, when it gets
     * 128, calls epoll_wait again with the full timeout before serving any;
     * a thread with 128 or more keep-alive clients then waits for an event
     * that none of them will send until they have their answers (with
     * --threads 1, 128 connections served ~100 req/s instead of 60,000;
     * docs/performance.md, Growth). poll has no such batch. */
    unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;
    char err[256];
    int lfd;
    /* the certificate and key, as PEM text in memory (libmicrohttpd with
     * GnuTLS); none: plain HTTP */
    struct MHD_OptionItem tls[3] = {{MHD_OPTION_END, 0, NULL}, {MHD_OPTION_END, 0, NULL},
                                    {MHD_OPTION_END, 0, NULL}};

    if (http_routes_check(cfg->routes, cfg->n_routes, cfg->guard != NULL, err, sizeof err) != 0) {
        fprintf(stderr, "spkiosk: %s\n", err);
        return NULL;
    }
    if (metrics_routes_set(cfg->routes, cfg->n_routes) != 0) {
        fprintf(stderr, "spkiosk: more than %d routes to count\n", METRICS_ROUTES_MAX);
        return NULL;
    }
    http_id_run = randombytes_random();
    http_ctx.routes = cfg->routes;
    http_ctx.n_routes = cfg->n_routes;
    http_ctx.guard = cfg->guard;
    http_ctx.holds = cfg->holds;
    http_ctx.n_holds = cfg->n_holds;
    if (http_parse_listen(cfg->listen, &ss, &slen) != 0) {
        fprintf(stderr, "spkiosk: --listen wants HOST:PORT, got %s\n", cfg->listen);
        return NULL;
    }
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (cfg->tls_cert && cfg->tls_key) {
        flags |= MHD_USE_TLS;
        tls[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert};
        tls[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key};
        http_tls = true;
    }
    memset(&http_trusted, 0, sizeof http_trusted);
    if (cfg->trusted)
        http_trusted = *cfg->trusted;
    /* behind a proxy every client arrives from its address: the cap per
     * address is then conns.c's accept policy, which lets the proxy by */
    conns_trust(&http_trusted);
    http_fd_limit(cfg->limits.max_total);
    if (conns_start(&cfg->limits) != 0)
        return NULL;
    if (durable_start(http_durable_suspend, http_durable_resume) != 0) {
        fprintf(stderr, "spkiosk: cannot start the writes' syncer thread\n");
        conns_stop();
        return NULL;
    }
    if ((lfd = http_listen_socket(&ss, slen)) < 0) {
        fprintf(stderr, "spkiosk: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
        durable_stop();
        conns_stop();
        return NULL;
    }
    /* the logger goes first so that errors in later options reach it;
     * the timeout drops idle clients, conns.c slow ones; connections come
     * from the acceptor (above) */
    d = MHD_start_daemon(flags, 0, http_trusted.n ? conns_accept : NULL, NULL, http_access, NULL,
                         MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL,
                         MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
                         MHD_OPTION_CONNECTION_TIMEOUT, cfg->limits.idle_s,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
                         MHD_OPTION_CONNECTION_LIMIT, http_mhd_limit(cfg),
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                         http_trusted.n ? 0u : cfg->limits.max_per_address,
                         MHD_OPTION_NOTIFY_CONNECTION, http_notify, NULL,
                         MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
                         MHD_OPTION_ARRAY, tls,
                         MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "spkiosk: cannot serve on %s%s\n", cfg->listen,
                http_tls ? " (are the certificate and key a matching PEM pair?)" : "");
        close(lfd);
        durable_stop();
        conns_stop();
        return NULL;
    }
    slen = sizeof ss;
    if (getsockname(lfd, (struct sockaddr *)&ss, &slen) != 0) {
        close(lfd);
        lfd = -1;
    }
    /* http_acceptor_start owns lfd from here, closed when it fails */
    if (lfd < 0 || http_acceptor_start(lfd, d, cfg->limits.max_total) != 0) {
        fprintf(stderr, "spkiosk: cannot start accepting on %s: %s\n", cfg->listen, strerror(errno));
        MHD_stop_daemon(d);
        durable_stop();
        conns_stop();
        return NULL;
    }
    *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)(void *)&ss)->sin_port);
    return d;
}

/* ---- the plain-HTTP listener that sends browsers to HTTPS --------------- */

#define HTTP_REDIRECT_MAX 4096  /* bytes of a Location: longer is 414 */

static const char http_redirect_page[] = "Moved to HTTPS\n";

/* s appended to the Location being built, percent-encoded but for the
 * unreserved characters and keep (a path's '/'): libmicrohttpd gives the
 * path and the arguments decoded. Returns 0 or -1. */
static int http_redirect_put(struct strbuf *sb, const char *s, char keep)
{
    const unsigned char *p;

    for (p = (const unsigned char *)s; *p; p++)
        if ((isalnum(*p) || strchr("-._~", *p) || (keep && *p == keep))
                ? strbuf_putc(sb, (char)*p) != 0
                : strbuf_printf(sb, "%%%02X", *p) != 0)
            return -1;
    return 0;
}

/* One query argument appended to the Location being built, re-encoded. */
static enum MHD_Result http_redirect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                         const char *value)
{
    struct strbuf *sb = cls;
    const char *parts[2] = {key, value};
    int i;

    (void)kind;
    /* after the path, which holds no '?' once encoded */
    if (strbuf_putc(sb, strchr(sb->data, '?') ? '&' : '?') != 0)
        return MHD_NO;
    for (i = 0; i < 2 && parts[i]; i++) {
        if (i == 1 && strbuf_putc(sb, '=') != 0)
            return MHD_NO;
        if (http_redirect_put(sb, parts[i], '\0') != 0)
            return MHD_NO;
    }
    return sb->len > HTTP_REDIRECT_MAX ? MHD_NO : MHD_YES;
}

static enum MHD_Result http_redirect_access(void *cls, struct MHD_Connection *c, const char *url,
                                            const char *method, const char *version,
                                            const char *upload_data, size_t *upload_data_size,
                                            void **con_cls)
{
    static int seen;
    unsigned https_port = *(const unsigned *)cls;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    struct strbuf sb = STRBUF_INIT;
    struct MHD_Response *r;
    enum MHD_Result ret;
    unsigned status = MHD_HTTP_PERMANENT_REDIRECT;
    size_t n = httpin_redirect_host(host);

    (void)method;
    (void)version;
    (void)upload_data;
    /* the first call only opens the request (answering now would close a
     * kept-alive connection); a body is read and dropped */
    if (!*con_cls) {
        *con_cls = &seen;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!n) {
        status = MHD_HTTP_BAD_REQUEST;
    } else if (strbuf_printf(&sb, "https://%.*s", (int)n, host) != 0 ||
               (https_port != 443 && strbuf_printf(&sb, ":%u", https_port) != 0) ||
               /* decoded: written back raw, a %3F would become a query */
               http_redirect_put(&sb, url, '/') != 0 ||
               MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, http_redirect_arg, &sb) < 0 ||
               sb.len > HTTP_REDIRECT_MAX) {
        status = MHD_HTTP_URI_TOO_LONG;
    }
    r = MHD_create_response_from_buffer(sizeof http_redirect_page - 1, (void *)http_redirect_page,
                                        MHD_RESPMEM_PERSISTENT);
    if (!r) {
        strbuf_free(&sb);
        return MHD_NO;
    }
    /* not http_common_headers: Strict-Transport-Security is for HTTPS answers */
    if (MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") != MHD_YES ||
        MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8") != MHD_YES ||
        (status == MHD_HTTP_PERMANENT_REDIRECT &&
         MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, sb.data) != MHD_YES))
        ret = MHD_NO;
    else
        ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    strbuf_free(&sb);
    return ret;
}

static unsigned http_redirect_to;     /* the HTTPS port the listener names */

struct MHD_Daemon *http_redirect_start(const char *listen, unsigned https_port, unsigned *port)
{
    struct sockaddr_storage ss;
    socklen_t slen;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    /* poll, as http_start: up to 200 clients, past epoll's batch of 128 */
    unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;

    if (http_parse_listen(listen, &ss, &slen) != 0) {
        fprintf(stderr, "spkiosk: --redirect-http wants HOST:PORT, got %s\n", listen);
        return NULL;
    }
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    http_redirect_to = https_port;
    d = MHD_start_daemon(flags, 0, NULL, NULL, http_redirect_access, &http_redirect_to,
                         MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned int)200,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)16,
                         MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "spkiosk: cannot listen on %s (in use, or not an address of this machine?)\n",
                listen);
        return NULL;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    return d;
}

void http_redirect_stop(struct MHD_Daemon *d)
{
    if (d)
        MHD_stop_daemon(d);
}

void http_stop(struct MHD_Daemon *d, unsigned grace_ms)
{
    MHD_socket fd;
    unsigned waited = 0;
    struct timespec ts = {0, 10 * 1000000};
    size_t i;

    if (!d)
        return;
    /* no new connections: the kernel refuses them from here on */
    http_acceptor_stop();
    fd = MHD_quiesce_daemon(d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    /* a suspended connection must not outlive the daemon: every held
     * request is answered now, and a new one is not held */
    for (i = 0; i < http_ctx.n_holds; i++)
        hold_close(http_ctx.holds[i]);
    /* and every parked answer resumed, after a last fsync; later writes
     * wait on their own thread */
    durable_stop();
    while (atomic_load(&http_inflight) > 0 && waited < grace_ms) {
        nanosleep(&ts, NULL);
        waited += 10;
    }
    MHD_stop_daemon(d);
    conns_stop();
}
