/* httpin: what the HTTP layer makes of a request's attacker bytes before a
 * handler runs, as pure functions of strings (issue #12, item 12): the
 * route a path matches and its {} segments, a query number, If-None-Match,
 * Content-Length and Expect, the Host of a redirect, the cross-site check
 * of a login, the format a report is asked in, and the path as logged.
 * http.c, api_auth.c and api_report.c call these with what libmicrohttpd
 * gives them; tests/fuzz/fuzz_http.c calls them with anything.
 */
#ifndef SPK_HTTPIN_H
#define SPK_HTTPIN_H

#include <stdbool.h>
#include <stddef.h>

/* Matches path against a route pattern ("/api/v1/cases/{}/steps/{}";
 * "{}" a non-empty segment, a final "*" any rest). The {} segments are
 * copied, NUL-terminated, into segbuf (room for strlen(path) + 1 bytes)
 * and params[0..*n) point at them, at most max. False when path does not
 * match (then params may hold a partial match). */
bool httpin_route_match(const char *pattern, const char *path, char *segbuf,
                        const char **params, size_t max, size_t *n);

/* s, 1..18 ASCII digits, as a number in [min, max]; -1 for anything else. */
long long httpin_number(const char *s, long long min, long long max);

/* Whether an If-None-Match value inm (NULL: none) names etag (a quoted
 * tag), as a whole entry of its list, weak or strong, or is "*". An empty
 * etag matches nothing. */
bool httpin_etag_matches(const char *inm, const char *etag);

/* A Content-Length value (NULL: none, 0) as a byte count; what strtoull
 * makes of junk (a negative is huge, so it is refused as too large). */
unsigned long long httpin_content_length(const char *cl);

/* Whether an Expect value (NULL: none) asks for 100 Continue. */
bool httpin_expect_continue(const char *expect);

/* The length of the host part of a Host value (NULL allowed) without its
 * port, when it is a name or an address (letters, digits, '.', '-', or an
 * IPv6 literal in brackets) that may go into a redirect's Location; else 0. */
size_t httpin_redirect_host(const char *host);

/* True when a browser says a request comes from another site:
 * Sec-Fetch-Site (site) other than same-origin or none, or, without it,
 * an Origin whose host is not the request's Host. NULL for an absent
 * header. */
bool httpin_cross_site(const char *site, const char *origin, const char *host);

/* Whether a report is asked for as CSV: ?format= (format: json or csv)
 * first, else an Accept naming text/csv. Returns 0 with *csv, 1 when
 * format is neither json nor csv. NULL for an absent one. */
int httpin_wants_csv(const char *format, const char *accept, bool *csv);

/* The path as the access log writes it: a case id, a ticket or another
 * secret segment after a known prefix is written {id}. Returns path, "?"
 * for NULL, or buf (cap bytes) holding the rewritten path. */
const char *httpin_log_path(const char *path, char *buf, size_t cap);

#endif
