/* metrics: the daemon's counters for `GET /metrics` (issue #14) — requests
 * by route and status, one latency histogram, loads — kept in C11 atomics
 * so that a request adds to them without a lock; the addresses that may
 * scrape them (`serve --metrics-allow`); and the Prometheus text format
 * 0.0.4 they are written in (families, samples, label escaping).
 *
 * Series are bounded by construction: a route is its pattern from the
 * route table (never the path), a status one of a fixed list of codes
 * (anything else is "other"), and the histogram is one for all routes.
 */
#ifndef SPK_METRICS_H
#define SPK_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "strbuf.h"

struct http_route;

/* Routes counted apart; a longer table (there are about 80) is refused. */
#define METRICS_ROUTES_MAX 160
/* `--metrics-allow` given at most. */
#define METRICS_ALLOW_MAX 16
/* The route label of a request that matched no route (404, 405) or was
 * answered before routing (413, 421, 503). */
#define METRICS_ROUTE_NONE "none"

/* The route table whose entries metrics_request names (their method and
 * pattern are the labels). Returns 0, or -1 when it has more than
 * METRICS_ROUTES_MAX routes. Call before the first request. */
int metrics_routes_set(const struct http_route *routes, size_t n);

/* Counts one answered request: route (an entry of the table set above, or
 * NULL for METRICS_ROUTE_NONE), its status and how long it took from its
 * headers to the end of sending. Lock-free; any thread. */
void metrics_request(const struct http_route *route, unsigned status, uint64_t ns);

/* Counts one load of the procedures (loader.c): ok false when it failed
 * (the folder unreadable, the files read not stored, or the snapshot not
 * built: the previous one stays live); file_errors the files it found
 * with errors. */
void metrics_load(bool ok, size_t file_errors);

/* Whether spec is an address or a network for --metrics-allow: an IPv4
 * or IPv6 address, optionally /BITS (0-32, 0-128). */
bool metrics_allow_valid(const char *spec);

/* Replaces the addresses allowed to scrape by specs[0..n) (each valid as
 * above; n at most METRICS_ALLOW_MAX); n == 0 sets the default, loopback
 * only (127.0.0.0/8 and ::1). Returns 0, or -1 (nothing changed) when a
 * spec is invalid or there are too many. Call before serving. */
int metrics_allow_set(const char *const *specs, size_t n);

/* Whether a client at sa may scrape. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is judged as the IPv4 address. NULL: false. */
bool metrics_allowed(const struct sockaddr *sa);

/* ---- the text format ---- */

/* Appends `# HELP name help` and `# TYPE name type`. 0, or -1 (memory). */
int metrics_family(struct strbuf *sb, const char *name, const char *type, const char *help);

/* Appends `value` as a label value: \ as \\, " as \", a newline as \n.
 * 0, or -1 (memory). */
int metrics_label_escape(struct strbuf *sb, const char *value);

/* Appends one sample `name{labels} value`; labels is already written
 * (`a="x",b="y"`, escaped) or NULL/"" for none. 0, or -1 (memory). */
int metrics_sample(struct strbuf *sb, const char *name, const char *labels, double value);

/* Appends every family this module counts: requests by route and status,
 * the latency histogram, loads, the start time and the build info. 0, or
 * -1 (memory). */
int metrics_render(struct strbuf *sb);

#endif
