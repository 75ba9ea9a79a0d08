/* httpin: the request's bytes as the HTTP layer reads them, apart from
 * libmicrohttpd so that a fuzzer reaches them (see include/httpin.h).
 */
#include "httpin.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool httpin_route_match(const char *pattern, const char *path, char *segbuf,
                        const char **params, size_t max, size_t *n)
{
    const char *p = pattern, *s = path;
    char *out = segbuf;

    *n = 0;
    while (*p && *s) {
        if (p[0] == '*' && p[1] == '\0')
            return true;
        if (p[0] == '{' && p[1] == '}') {
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (len == 0 || *n == max)
                return false;
            memcpy(out, s, len);
            out[len] = '\0';
            params[(*n)++] = out;
            out += len + 1;
            s += len;
            p += 2;
            continue;
        }
        if (*p != *s)
            return false;
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

long long httpin_number(const char *s, long long min, long long max)
{
    long long v = 0;
    size_t i;

    for (i = 0; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 18)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return i > 0 && v >= min && v <= max ? v : -1;
}

bool httpin_etag_matches(const char *inm, const char *etag)
{
    size_t n = strlen(etag);
    const char *p;

    /* an empty tag is found at every offset, the terminator's too, and the
     * search would step past it */
    if (!inm || n == 0)
        return false;
    if (strcmp(inm, "*") == 0)
        return true;
    /* a list of tags, possibly weak (W/"..."): look for ours as a whole */
    for (p = strstr(inm, etag); p; p = strstr(p + 1, etag))
        if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
            (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
            return true;
    return false;
}

unsigned long long httpin_content_length(const char *cl)
{
    return cl ? strtoull(cl, NULL, 10) : 0;
}

bool httpin_expect_continue(const char *expect)
{
    return expect && strcasecmp(expect, "100-continue") == 0;
}

size_t httpin_redirect_host(const char *host)
{
    size_t n;

    if (!host || !*host)
        return 0;
    if (host[0] == '[') {
        const char *end = strchr(host, ']');
        if (!end)
            return 0;
        for (n = 1; host + n < end; n++)
            if (!isxdigit((unsigned char)host[n]) && host[n] != ':' && host[n] != '.')
                return 0;
        return n + 1;
    }
    for (n = 0; host[n] && host[n] != ':'; n++)
        if (!isalnum((unsigned char)host[n]) && host[n] != '.' && host[n] != '-')
            return 0;
    return n;
}

bool httpin_cross_site(const char *site, const char *origin, const char *host)
{
    const char *o;

    /* the browser's own verdict first: it holds behind a proxy that
     * rewrites Host, where comparing Origin with Host would not */
    if (site)
        return strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
    if (!origin)
        return false;
    /* "null" (a sandboxed frame, a file) or a scheme we do not serve */
    if (!(o = strstr(origin, "://")))
        return true;
    return !host || strcasecmp(o + 3, host) != 0;
}

/* The q-value of one Accept element's parameters (after its media range), in
 * thousandths: 1000 without one. A malformed q counts as 1000: a client that
 * names a type means it more than it means a typo. */
static int httpin_accept_q(const char *p, const char *end)
{
    int q = 1000, scale = 100;

    while (p < end) {
        while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
            p++;
        if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            p += 2;
            if (p < end && (*p == '0' || *p == '1')) {
                q = (*p++ - '0') * 1000;
                if (p < end && *p == '.')
                    for (p++; p < end && isdigit((unsigned char)*p) && scale > 0; p++, scale /= 10)
                        q += (*p - '0') * scale;
                return q > 1000 ? 1000 : q;
            }
            return 1000;
        }
        while (p < end && *p != ';')
            p++;
    }
    return q;
}

int httpin_wants_csv(const char *format, const char *accept, bool *csv)
{
    const char *p, *end, *type_end;
    int csv_q = -1, json_q = -1, q;
    size_t n;

    *csv = false;
    if (format && *format) {
        if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
            return 1;
        *csv = strcmp(format, "csv") == 0;
        return 0;
    }
    /* Media types are case-insensitive and weighed by q (RFC 9110 8.3.1,
     * 12.5.1): "Text/CSV" asks for CSV, "text/csv;q=0" refuses it, and JSON
     * weighed above it keeps JSON; a tie goes to the type the client bothered
     * to name. Wildcards keep JSON (a browser's any-type Accept). */
    for (p = accept; p && *p; p = *end ? end + 1 : end) {
        end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        for (type_end = p; type_end < end && *type_end != ';' && *type_end != ' ' && *type_end != '\t';)
            type_end++;
        n = (size_t)(type_end - p);
        q = httpin_accept_q(type_end, end);
        if (n == 8 && strncasecmp(p, "text/csv", 8) == 0)
            csv_q = q > csv_q ? q : csv_q;
        else if (n == 16 && strncasecmp(p, "application/json", 16) == 0)
            json_q = q > json_q ? q : json_q;
    }
    *csv = csv_q > 0 && csv_q >= json_q;
    return 0;
}

/* Appends n bytes of s to buf (cap bytes, *o used), cutting at the end. */
static void httpin_put(char *buf, size_t cap, size_t *o, const char *s, size_t n)
{
    if (n > cap - 1 - *o)
        n = cap - 1 - *o;
    memcpy(buf + *o, s, n);
    *o += n;
}

const char *httpin_log_path(const char *path, char *buf, size_t cap)
{
    static const char *const secret[] = {"/api/v1/cases/", "/print/cases/", "/api/v1/staff/cases/",
                                         "/print/staff/cases/", "/api/v1/staff/notifications/",
                                         "/api/v1/staff/followups/", "/api/v1/staff/procedures/",
                                         "/api/v1/staff/practice/",
                                         "/api/v1/rate/"};
    const char *from = NULL, *to = NULL, *s;
    size_t i, n, o = 0, k;
    bool changed = false;

    if (!path)
        return "?";
    if (cap == 0)
        return path;
    for (i = 0; i < sizeof secret / sizeof secret[0]; i++) {
        n = strlen(secret[i]);
        if (strncmp(path, secret[i], n) != 0 || !path[n])
            continue;
        from = path + n;
        to = strchr(from, '/');
        to = to ? to : from + strlen(from);
        break;
    }
    /* besides the routes' own segment, any run of 32 hex digits or more is
     * taken for a case id (or a token like it) wherever it stands: a
     * client's doubled slash (//api/v1/cases/ID, a base URL ending in /),
     * a mistyped route or a page's address would otherwise log the key
     * that opens a resident's case */
    for (s = path; *s && o < cap - 1;) {
        if (s == from) {
            httpin_put(buf, cap, &o, "{id}", 4);
            s = to;
            from = NULL; /* an empty segment: to is from */
            changed = true;
            continue;
        }
        for (k = 0; isxdigit((unsigned char)s[k]); k++)
            ;
        if (k >= 32) {
            httpin_put(buf, cap, &o, "{id}", 4);
            changed = true;
        } else {
            httpin_put(buf, cap, &o, s, k ? k : 1);
        }
        s += k ? k : 1;
    }
    buf[o] = '\0';
    return changed ? buf : path;
}
