/* gzip: compression with zlib, and the Accept-Encoding test. Bodies are
 * compressed once (per snapshot, per asset) and kept, never per request:
 * the 3.6 MB list of a big hall would cost tens of milliseconds each time. */
#include "gzip.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define GZIP_HEADER_MAX 1024

/* The q-value at p (after "q="): 0..1; -1 when it does not parse. RFC 9110
 * allows three decimals; more are read too (q=0.0001 is above 0), since
 * refusing a client's over-precise header would only cost it the gzip. */
static double gzip_qvalue(const char *p, const char *end)
{
    double q = 0, scale = 0.1;

    if (p >= end || (*p != '0' && *p != '1'))
        return -1;
    q = *p++ - '0';
    if (p < end && *p == '.') {
        for (p++; p < end && isdigit((unsigned char)*p); p++, scale /= 10)
            q += (*p - '0') * scale;
    }
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p == end && q <= 1.0 ? q : -1;
}

bool gzip_accepted(const char *ae)
{
    double gzip_q = -1, star_q = -1;
    const char *p, *stop;

    if (!ae)
        return false;
    stop = ae + strnlen(ae, GZIP_HEADER_MAX);
    for (p = ae; p < stop;) {
        const char *end = memchr(p, ',', (size_t)(stop - p)), *tok, *semi;
        size_t n;
        double q = 1.0;

        if (!end)
            end = stop;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        tok = p;
        while (p < end && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        n = (size_t)(p - tok);
        /* parameters: only q counts */
        for (semi = memchr(p, ';', (size_t)(end - p)); semi;
             semi = memchr(semi + 1, ';', (size_t)(end - semi - 1))) {
            const char *v = semi + 1;
            const char *next = memchr(v, ';', (size_t)(end - v));
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            if (end - v >= 2 && (v[0] == 'q' || v[0] == 'Q') && v[1] == '=')
                q = gzip_qvalue(v + 2, next ? next : end);
            if (q < 0)
                q = 0;
        }
        if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
            (n == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
            gzip_q = q > gzip_q ? q : gzip_q;
        else if (n == 1 && *tok == '*')
            star_q = q;
        p = end < stop ? end + 1 : stop;
    }
    if (gzip_q >= 0)
        return gzip_q > 0;
    return star_q > 0;
}

struct gzip_blob *gzip_compress(const void *in, size_t len, int level)
{
    z_stream zs;
    struct gzip_blob *b = NULL;
    uLong cap;
    int zr;

    memset(&zs, 0, sizeof zs);
    /* 15 + 16: a gzip wrapper, not zlib's */
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    cap = deflateBound(&zs, (uLong)len);
    if (!(b = malloc(sizeof *b + cap)))
        goto out;
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = b->data;
    zs.avail_out = (uInt)cap;
    zr = deflate(&zs, Z_FINISH);
    if (zr != Z_STREAM_END) {
        free(b);
        b = NULL;
        goto out;
    }
    b->len = zs.total_out;
    /* a saving under an eighth is not worth a second variant */
    if (b->len > len - len / 8)
        b->len = 0;
out:
    deflateEnd(&zs);
    return b;
}

const struct gzip_blob *gzip_lazy_get(struct gzip_lazy *z, const void *raw, size_t len)
{
    struct gzip_blob *b = atomic_load_explicit(&z->blob, memory_order_acquire), *none = NULL;

    if (len < GZIP_MIN || (uint64_t)len > (uint64_t)UINT32_MAX)
        return NULL;
    if (!b) {
        if (!(b = gzip_compress(raw, len, z->level ? z->level : 6)))
            return NULL;
        if (!atomic_compare_exchange_strong_explicit(&z->blob, &none, b, memory_order_acq_rel,
                                                     memory_order_acquire)) {
            /* another reader was first: use its copy */
            free(b);
            b = none;
        }
    }
    return b->len ? b : NULL;
}

void gzip_lazy_set(struct gzip_lazy *z, struct gzip_blob *b)
{
    free(atomic_exchange(&z->blob, b));
}

void gzip_lazy_clear(struct gzip_lazy *z)
{
    free(atomic_exchange(&z->blob, NULL));
}
