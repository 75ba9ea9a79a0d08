/* http: the libmicrohttpd front end — one access handler for every request,
 * request bodies gathered under a cap, a small router (404 vs 405), and the
 * helpers that queue JSON, error and byte responses.
 *
 * Handlers run on the daemon's worker threads and must not block for long.
 * A handler queues exactly one response through the http_reply* helpers and
 * returns their result.
 */
#ifndef SPK_HTTP_H
#define SPK_HTTP_H

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conns.h"
#include "durable.h"
#include "gzip.h"
#include "hold.h"
#include "strbuf.h"
#include "xff.h"

/* Request bodies over this are refused with 413. */
#define HTTP_BODY_MAX ((size_t)1 << 20)
/* A body over HTTP_BODY_MAX is read to its end and dropped before the 413
 * (a client that writes its whole body before reading would otherwise see
 * a reset), but one announced or still arriving past this is cut off. */
#define HTTP_BODY_DRAIN_MAX (4 * HTTP_BODY_MAX)
#define HTTP_MAX_PARAMS 4
#define HTTP_USER_MAX 32        /* a user name's longest (accounts.h) */
#define HTTP_REQUEST_ID_LEN 17  /* 16 hex digits and the NUL */

#define HTTP_ADDR_MAX 46    /* INET6_ADDRSTRLEN */

struct http_request {
    struct MHD_Connection *conn;
    const char *method;         /* as sent; HEAD is routed as GET */
    char *path;                 /* owned copy of the decoded path, no query */
    const char *params[HTTP_MAX_PARAMS];    /* `{}` segments, pointing into segbuf */
    size_t n_params;
    char *segbuf;               /* owned */
    struct strbuf body;
    size_t received;            /* body bytes seen, kept or not */
    bool body_too_large;
    bool body_oom;              /* memory ran out while gathering the body */
    bool body_busy;             /* the bodies in flight hold all they may: 503 */
    size_t body_taken;          /* bytes of the shared body budget held (conns.h) */
    struct conns_slot *slot;    /* the connection's deadlines (conns.h), or NULL */
    bool dispatched;
    bool held;                  /* suspended by http_hold, its handler to run again */
    bool resumed;               /* this run of the handler comes after a hold: answer now */
    char user[HTTP_USER_MAX + 1];   /* the staffer or admin the guard admitted; "" on public routes */
    bool admin;                 /* user is an admin (set with user by the guard) */
    unsigned status;            /* of the queued response, for the log */
    size_t bytes;
    uint64_t start_ns;
    char client[HTTP_ADDR_MAX];  /* http_client_addr's answer, once worked out; "" before */
    const struct http_route *route; /* the route that answered; NULL: none (404, 405, ...) */
    char id[HTTP_REQUEST_ID_LEN];   /* the log line's id, also sent as X-Request-Id */
    /* request headers the handler chose its answer's form by (e.g.
     * "Accept"), sent as Vary on whatever it answers; NULL: none. A static
     * string. Accept-Encoding is the cached answers' own (http_reply_cached). */
    const char *vary;
    long qlen;                  /* bytes of the `q` argument (a search), -1 without one */
    /* parked until its commits are on the disk (durable.h): the answer
     * the handler made, queued once the syncer resumes the connection */
    struct durable_wait durable;
    struct MHD_Response *parked;
    unsigned parked_status;
};

typedef enum MHD_Result (*http_handler)(struct http_request *req);

/* Who may call a route. Every route but a public one passes the guard
 * (below) before its handler runs; an admin may call every staff route. */
enum http_access {
    HTTP_PUBLIC,    /* anyone; req->user stays "" */
    HTTP_SHARED,    /* a resident's route a staffer also uses (filling a case
                     * in at the window): anyone, and req->user names the
                     * staffer when a live session (with its CSRF token on a
                     * state change) comes with it; never refused */
    HTTP_STAFF,     /* a staff or admin session */
    HTTP_ADMIN,     /* an admin session */
    HTTP_MONITOR,   /* only from the addresses metrics_allowed admits
                     * (`serve --metrics-allow`); to anyone else the route
                     * does not exist (404 whatever the method, never 405),
                     * so that a scan cannot tell it is there */
};

struct http_route {
    const char *method;     /* "GET", "POST", ... */
    const char *pattern;    /* "/api/v1/procedures/{}"; a final "*" takes the rest */
    http_handler handler;
    enum http_access access;    /* who may call it, checked before the handler */
    bool csrf;                  /* X-CSRF-Token of the session required */
};

/* The check in front of every route that is not public: called by the
 * dispatcher once the route matched (after the 413 of a body too large,
 * the 404 and the 405). Returns true, with req->user filled (or "" on a
 * shared route without a staffer), when the handler may run; otherwise it
 * has queued the answer (401, 403, 500) and stored its result in *res. */
typedef bool (*http_guard_fn)(struct http_request *req, const struct http_route *route,
                              enum MHD_Result *res);

struct http_server_config {
    const struct http_route *routes;
    size_t n_routes;
    const char *listen;     /* HOST:PORT */
    unsigned threads;
    http_guard_fn guard;    /* required when any route is not public */
    struct hold *const *holds;  /* made with http_hold_new: closed by http_stop */
    size_t n_holds;
    const char *tls_cert;   /* PEM text of the certificate (chain) and of its */
    const char *tls_key;    /* key, kept by the caller until http_stop; both
                               NULL: plain HTTP. With them every answer says
                               Strict-Transport-Security. */
    struct conns_limits limits; /* connection caps, deadlines, body memory (conns.h) */
    const struct xff_set *trusted;  /* reverse proxies whose X-Forwarded-For names the
                                     * client (serve --trusted-proxy); NULL or empty: none.
                                     * Copied by http_start. */
};

/* Whether a route table can be served as it is. Returns 0, or -1 with a
 * message naming the first faulty route in err: an access that is not one
 * of enum http_access; a route other than public while there is no guard
 * (has_guard false); a staff or admin route whose method is not GET (so it
 * may change state) without csrf — a forgotten CSRF check cannot reach a
 * running server; and a public or shared route with csrf, which would
 * refuse residents (they have no session: login is guarded by its own
 * cross-site check, a shared route attributes a change to a staffer only
 * with the token). http_start refuses a table this refuses. */
int http_routes_check(const struct http_route *routes, size_t n, bool has_guard, char *err,
                      size_t errlen);

/* Starts listening and serving on worker threads. Returns the daemon, or
 * NULL with a message on stderr (also when http_routes_check refuses the
 * table). *port receives the bound port. */
struct MHD_Daemon *http_start(const struct http_server_config *cfg, unsigned *port);

/* A second listener on listen (HOST:PORT) for plain HTTP beside a TLS one
 * on https_port: every request, whatever its method and path, is answered
 * 308 to https://HOST[:https_port]PATH?QUERY, HOST from the request's Host
 * header without its port (400 without a usable one), its body read and
 * dropped. Sets *port (the bound one, for port 0). NULL with a message on
 * stderr when it cannot listen. Stop it with http_redirect_stop. */
struct MHD_Daemon *http_redirect_start(const char *listen, unsigned https_port, unsigned *port);

void http_redirect_stop(struct MHD_Daemon *d);

/* Requests between their first handler call and completion (held ones
 * included), for /metrics. */
int http_inflight_count(void);

/* Stops accepting, answers every held request (closing the config's
 * holds), lets requests in flight finish (up to grace_ms), stops. */
void http_stop(struct MHD_Daemon *d, unsigned grace_ms);

/* Queues body[0..len) with the given status and content type. The bytes are
 * copied. Returns the MHD result to hand back to libmicrohttpd. */
enum MHD_Result http_reply(struct http_request *req, unsigned status, const char *type,
                           const void *body, size_t len);

/* Like http_reply for a JSON answer holding a resident's personal data
 * (a case's answers): Cache-Control: no-store instead of no-cache, so that
 * the browser of a shared PC keeps no copy of it on disk. */
enum MHD_Result http_reply_private(struct http_request *req, unsigned status, const char *json,
                                   size_t len);

/* Like http_reply, without copying: release(cls) is called once the bytes
 * are no longer needed (also on failure). etag may be NULL. */
enum MHD_Result http_reply_ref(struct http_request *req, unsigned status, const char *type,
                               const char *body, size_t len, const char *etag,
                               void (*release)(void *cls), void *cls);

/* Adds the headers every HTML page gets (a Content-Security-Policy that
 * allows nothing from outside the daemon). False when one could not be
 * added (out of memory): the caller destroys r rather than send it. */
bool http_page_headers(struct MHD_Response *r);

/* {"error":{"code","message"}} as a cJSON object: the one place the error
 * envelope is built. NULL when memory ran out. Caller deletes. */
cJSON *http_error_doc(const char *code, const char *message);

/* Queues http_error_doc's envelope as JSON. */
enum MHD_Result http_reply_error(struct http_request *req, unsigned status, const char *code,
                                 const char *message);

/* Like http_reply_error, with Retry-After: retry_after seconds (at least
 * 1), for 429 and 503. */
enum MHD_Result http_reply_error_retry(struct http_request *req, unsigned status, const char *code,
                                       const char *message, long retry_after);

/* Queues a response prepared by the caller, adding the common headers;
 * takes over r. Used for special cases such as 304 and assets. */
enum MHD_Result http_reply_response(struct http_request *req, unsigned status,
                                    struct MHD_Response *r);

/* A query-string argument, or NULL. */
const char *http_query(struct http_request *req, const char *name);

/* A query argument s of 1..18 ASCII digits as a number in [min, max]; -1
 * when it is anything else (a long poll's after and wait). */
long long http_query_number(const char *s, long long min, long long max);

/* A request header, or NULL. */
const char *http_header(struct http_request *req, const char *name);

/* A cookie sent with the request, or NULL. */
const char *http_cookie(struct http_request *req, const char *name);

/* ---- long polling ----
 *
 * A handler that has nothing new to say may hold its request instead of
 * answering: http_hold suspends the connection (MHD_suspend_connection, so
 * no worker thread waits on it) and puts it in a hold list (hold.h). When
 * the list resumes it (hold_wake, the timeout, shutdown), libmicrohttpd
 * calls the access handler once more and the route's handler runs again
 * with req->resumed set: it answers then, whatever it finds. */

/* A hold list of at most cap requests whose entries suspend and resume
 * their connection. Pass it in http_server_config.holds so that http_stop
 * answers what it holds; hold_free it after http_stop. NULL on failure. */
struct hold *http_hold_new(size_t cap);

/* Holds req for at most timeout_ms unless the list is woken after seen (a
 * hold_generation read before the handler looked at its data). On
 * HOLD_HELD the handler returns MHD_YES and queues nothing; otherwise it
 * answers now. */
enum hold_result http_hold(struct http_request *req, struct hold *h, uint64_t seen,
                           long timeout_ms);

/* The client's address as text (no port) in out; "?" when unknown. When
 * the peer is a trusted proxy (http_server_config.trusted), the client
 * X-Forwarded-For names (xff_client over all its header lines, in order),
 * or the proxy's own address when the header is missing or the entry
 * reached is not an address. What every per-address rule counts by. */
void http_client_addr(struct http_request *req, char out[HTTP_ADDR_MAX]);

/* True when the request's If-None-Match names etag, or is "*". */
bool http_etag_matches(struct http_request *req, const char *etag);

/* ---- cacheable answers (issue #13) ----
 *
 * A body that is the same bytes for everyone until something changes (a
 * snapshot's JSON, an asset, a search's result for one snapshot) goes with
 * a strong ETag, and gzip-compressed when the request accepts it. The two
 * encodings are two representations, so the compressed one's ETag is the
 * identity ETag with "-gz" before its closing quote; both say
 * Vary: Accept-Encoding. */

#define HTTP_ETAG_MAX 112

/* The compressed variant's ETag of etag ("\"abc\"" -> "\"abc-gz\"") in out. */
void http_etag_gz(const char *etag, char out[HTTP_ETAG_MAX]);

/* Whether the request accepts Content-Encoding: gzip (gzip_accepted on its
 * Accept-Encoding). */
bool http_accepts_gzip(struct http_request *req);

struct http_cached {
    const char *type;           /* Content-Type */
    const char *cache_control;  /* NULL: "no-cache" (revalidate each time) */
    const void *body;           /* identity bytes, alive until release */
    size_t len;
    const char *etag;           /* strong, quoted, at most HTTP_ETAG_MAX - 4 bytes */
    struct gzip_lazy *gz;       /* the body's compressed copy (made on first use,
                                 * alive until release); NULL: never compressed,
                                 * and no Vary */
};

/* When If-None-Match names the identity ETag, or the gzip one and the
 * request accepts gzip: queues 304 with that ETag (and Vary when vary,
 * Cache-Control cache_control or no-cache), stores the result in *res and
 * returns true. Otherwise false, nothing queued. For a handler that can
 * skip its work on a 304 (a search). */
bool http_reply_unchanged(struct http_request *req, const char *etag, const char *cache_control,
                          bool vary, enum MHD_Result *res);

/* Answers c: 304 as http_reply_unchanged; else 200 with the compressed
 * copy (Content-Encoding: gzip) when the request accepts gzip and the body
 * is worth compressing (gzip_lazy_get), else the identity bytes. HTML gets
 * http_page_headers. release(cls) runs once the bytes are sent (or on
 * failure, or at once on a 304); release may be NULL for static bytes. */
enum MHD_Result http_reply_cached(struct http_request *req, const struct http_cached *c,
                                  void (*release)(void *cls), void *cls);

#endif
