/* libFuzzer harness: our code between libmicrohttpd and the handlers, with
 * a request's attacker bytes (src/httpin.c, src/hosts.c, token_valid).
 * The input is lines: the path, then the values of Host, If-None-Match,
 * Content-Length, Expect, Sec-Fetch-Site, Origin, ?format=, Accept, the
 * session cookie, a query number, X-Forwarded-For and a --trusted-proxy
 * (src/xff.c); a missing line is an absent header.
 * The path is matched against every route of src/api.c (the patterns are
 * pulled from it at build time into routes.inc), as the dispatcher does,
 * and each {} segment goes through the checks handlers make of it first
 * (an id's shape, UTF-8, a number).
 * libmicrohttpd's own parsing (request line, header folding, percent
 * decoding) is not ours and is not fuzzed here. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hosts.h"
#include "http.h"
#include "httpin.h"
#include "procedure.h"
#include "token.h"
#include "utf8.h"
#include "xff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const patterns[] = {
#include "routes.inc"
};

enum { L_PATH, L_HOST, L_INM, L_CL, L_EXPECT, L_SITE, L_ORIGIN, L_FORMAT, L_ACCEPT, L_COOKIE,
       L_NUMBER, L_XFF, L_TRUSTED, L_N };

static volatile size_t sink;
static int ready;

static void check(int ok)
{
    if (!ok)
        abort();
}

/* X-Forwarded-For read against the trusted proxies line names (or a
 * default set): an answer is an address that prints and reads back. */
static void forwarded(const char *xff, const char *trusted)
{
    struct xff_set set;
    struct xff_net net;
    unsigned char a[16], b[16];
    char text[64];

    memset(&set, 0, sizeof set);
    if (trusted && xff_net_parse(trusted, &net) == 0) {
        check(net.prefix <= 128);
        check(xff_set_add(&set, &net) == 0);
        check(xff_set_contains(&set, net.addr));
    }
    if (xff_net_parse("127.0.0.1", &net) != 0 || xff_set_add(&set, &net) != 0 ||
        xff_net_parse("10.0.0.0/8", &net) != 0 || xff_set_add(&set, &net) != 0)
        abort();
    if (!xff || xff_client(xff, strlen(xff), &set, a) != 0)
        return;
    check(xff_addr_format(a, text, sizeof text) == 0);
    check(xff_addr_parse(text, strlen(text), b) == 0 && memcmp(a, b, 16) == 0);
}

static void routes(const char *path)
{
    const char *params[HTTP_MAX_PARAMS];
    size_t len = strlen(path), i, k, n, total;
    char *seg = malloc(len + 1);

    if (!seg)
        return;
    for (i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        if (!httpin_route_match(patterns[i], path, seg, params, HTTP_MAX_PARAMS, &n))
            continue;
        check(n <= HTTP_MAX_PARAMS);
        /* the segments fit segbuf, are not empty and hold no '/' */
        for (k = 0, total = 0; k < n; k++) {
            size_t sl = strlen(params[k]);
            check(sl > 0 && !strchr(params[k], '/'));
            total += sl + 1;
            /* what the handlers ask of a segment first */
            sink += procedure_id_valid(params[k], sl) + utf8_valid(params[k], sl);
            sink += (size_t)httpin_number(params[k], 1, 999999999999999999LL);
        }
        check(total <= len + 1);
    }
    free(seg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line[L_N] = {NULL};
    char *text, *p, logbuf[256];
    size_t i, hl;
    bool csv;

    if (size > 16384)
        return 0;
    if (!ready) {
        static const char *const extra[] = {"hall.local"};
        char err[128];
        if (hosts_setup("127.0.0.1:8080", "https://kiosk.example.org:8443/", extra, 1, err,
                        sizeof err) != 0)
            abort();
        ready = 1;
    }
    if (!(text = malloc(size + 1)))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* a header value from libmicrohttpd is a C string: lines end at NUL too */
    for (i = 0, p = text; i < L_N && p; i++) {
        line[i] = p;
        if ((p = strchr(p, '\n')))
            *p++ = '\0';
    }
    if (line[L_PATH]) {
        routes(line[L_PATH]);
        sink += strlen(httpin_log_path(line[L_PATH], logbuf, sizeof logbuf));
        sink += httpin_etag_matches(line[L_INM], line[L_PATH]);
    }
    sink += hosts_allowed(line[L_HOST]);
    hl = httpin_redirect_host(line[L_HOST]);
    check(!line[L_HOST] || hl <= strlen(line[L_HOST]));
    if (line[L_INM])
        sink += httpin_etag_matches(line[L_INM], "\"abc\"");
    sink += (size_t)httpin_content_length(line[L_CL]);
    sink += httpin_expect_continue(line[L_EXPECT]);
    sink += httpin_cross_site(line[L_SITE], line[L_ORIGIN], line[L_HOST]);
    if (httpin_wants_csv(line[L_FORMAT], line[L_ACCEPT], &csv) == 0)
        sink += csv;
    if (token_valid(line[L_COOKIE])) {
        char h[TOKEN_HASH_HEX];
        token_hash(line[L_COOKIE], h);
        check(strlen(h) == TOKEN_HASH_HEX - 1);
    }
    if (line[L_NUMBER]) {
        long long v = httpin_number(line[L_NUMBER], 1, 999999999999999999LL);
        check(v == -1 || (v >= 1 && v <= 999999999999999999LL));
    }
    forwarded(line[L_XFF], line[L_TRUSTED]);
    free(text);
    return 0;
}
