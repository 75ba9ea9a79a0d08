/* gzip: Content-Encoding: gzip for the bytes the daemon serves — whether
 * a request accepts it, compressing a body once, and a slot that holds a
 * body's compressed copy beside it (made on first use, kept as long as the
 * body), so that the same bytes are never compressed twice.
 */
#ifndef SPK_GZIP_H
#define SPK_GZIP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Bodies under this go as they are: the gzip header and the extra response
 * header would eat most of the saving. */
#define GZIP_MIN 1024

/* Whether an Accept-Encoding header value lets us answer gzip: a "gzip" or
 * "x-gzip" coding with a q-value above 0, or, without either, a "*" above
 * 0. NULL (no header), an empty value and "gzip;q=0" are false. A q-value
 * that does not parse counts as 0. Bounded: looks at 1024 bytes at most. */
bool gzip_accepted(const char *accept_encoding);

/* A compressed copy of a body. */
struct gzip_blob {
    size_t len;                 /* 0: not worth sending compressed (send the body) */
    unsigned char data[];
};

/* Compresses in[0..len) at the given zlib level (1..9) into a new blob,
 * whose len is 0 when the result would not be smaller by at least an
 * eighth. NULL when memory runs out. Caller frees. */
struct gzip_blob *gzip_compress(const void *in, size_t len, int level);

/* A body's compressed copy, made by the first reader that asks. Zero-filled
 * (calloc, or GZIP_LAZY_INIT) is empty, to be made at level 6; level, set
 * before any reader can ask, picks another (1-9). */
struct gzip_lazy {
    _Atomic(struct gzip_blob *) blob;
    int level;
};
#define GZIP_LAZY_INIT {NULL, 0}

/* The compressed copy of raw[0..len) held by z, compressing it now (at
 * z->level, 6 when 0) if no reader did yet; two threads may both compress,
 * one copy is kept.
 * NULL when the body is under GZIP_MIN, compressing does not pay (blob len
 * 0) or memory ran out: then the body goes as it is. The blob lives until
 * gzip_lazy_clear; raw must be the same bytes on every call. */
const struct gzip_blob *gzip_lazy_get(struct gzip_lazy *z, const void *raw, size_t len);

/* Stores a blob made in advance (taking it over; one already there is
 * freed). */
void gzip_lazy_set(struct gzip_lazy *z, struct gzip_blob *b);

/* Frees the copy; z is empty again. */
void gzip_lazy_clear(struct gzip_lazy *z);

#endif
