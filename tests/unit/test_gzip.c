/* Unit tests of src/gzip.c: which Accept-Encoding values let us answer
 * gzip (q=0 refuses it, "*" stands in for it, a bad q-value counts as 0),
 * that a compressed body inflates back to the same bytes, that a body not
 * worth compressing is said so, and that the lazy copy is made once. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gzip.h"

Test(gzip, accept_encoding_values)
{
    static const struct {
        const char *v;
        bool ok;
    } cases[] = {
        {"gzip", true},
        {"gzip, deflate, br", true},
        {"deflate, gzip;q=0.5", true},
        {"GZIP", true},
        {"x-gzip", true},
        {"br;q=1.0, gzip;q=0.001", true},
        {"*", true},
        {"identity;q=1, *;q=0.1", true},
        {"gzip;q=0", false},
        {"gzip;q=0.0", false},
        {"gzip;q=0.000", false},
        {"gzip; q=0", false},
        {"br, gzip;q=0, *", false},         /* gzip named: "*" does not override it */
        {"*;q=0", false},
        {"deflate, br", false},
        {"identity", false},
        {"", false},
        {"gzipx", false},
        {"xgzip", false},
        {"gzip;q=2", false},                /* out of range: counts as 0 */
        {"gzip;q=abc", false},
        {"gzip;level=1", true},             /* another parameter is ignored */
        {"gzip;q=0, gzip;q=0.5", true},     /* the best of the two */
        {"gzip;q=0.5, gzip;q=0", true},     /* whichever comes first */
        {"gzip;q=1", true},                 /* the top of the range is in it */
        {"gzip;q=1.0", true},
        {"gzip;q=1.000", true},
        {"gzip;q=1.5", false},              /* past 1: counts as 0 */
        {"gzip;q=0.5x", false},             /* junk after the number */
        {"gzip;q=0.5 , br", true},          /* white space before the comma */
        {"gzip;Q=0", false},                /* the parameter's name has no case */
        {"gzip;q=abc, *", false},           /* a bad q is 0, not absent: "*" does not override it */
        {"gzip ;q=0, *", false},            /* white space before the parameters */
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(gzip_accepted(cases[i].v), cases[i].ok, "Accept-Encoding: %s", cases[i].v);
    cr_expect_not(gzip_accepted(NULL));
}

Test(gzip, a_long_header_is_read_only_so_far)
{
    char *v = malloc(4096);

    cr_assert(v);
    memset(v, ' ', 4095);
    memcpy(v + 4000, "gzip", 4);
    v[4095] = '\0';
    cr_expect_not(gzip_accepted(v), "past the first 1024 bytes nothing counts");
    free(v);
}

static unsigned char *inflate_all(const unsigned char *in, size_t len, size_t cap, size_t *out_len)
{
    z_stream zs;
    unsigned char *out = malloc(cap);

    memset(&zs, 0, sizeof zs);
    cr_assert(out);
    cr_assert_eq(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    cr_assert_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_len = zs.total_out;
    inflateEnd(&zs);
    return out;
}

Test(gzip, a_body_inflates_back_to_itself)
{
    struct strbuf_like {
        char *s;
        size_t n;
    } body = {malloc(100000), 0};
    struct gzip_blob *b;
    unsigned char *back;
    size_t n, i;

    cr_assert(body.s);
    for (i = 0; body.n + 40 < 100000; i++)
        body.n += (size_t)sprintf(body.s + body.n, "{\"id\":\"proc-%zu\",\"title\":\"事项\"},", i);
    b = gzip_compress(body.s, body.n, 6);
    cr_assert(b);
    cr_assert_gt(b->len, 0);
    cr_expect_lt(b->len, body.n / 4);
    back = inflate_all(b->data, b->len, body.n + 1, &n);
    cr_expect_eq(n, body.n);
    cr_expect(memcmp(back, body.s, n) == 0);
    free(back);
    free(b);
    free(body.s);
}

Test(gzip, random_bytes_are_not_worth_it)
{
    unsigned char buf[4096];
    struct gzip_blob *b;
    size_t i;
    unsigned x = 12345;

    for (i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    b = gzip_compress(buf, sizeof buf, 9);
    cr_assert(b);
    cr_expect_eq(b->len, 0, "a copy barely smaller is not kept");
    free(b);
}

Test(gzip, the_lazy_copy_is_made_once_and_small_bodies_never)
{
    struct gzip_lazy z = GZIP_LAZY_INIT;
    char body[8192];
    const struct gzip_blob *a, *b;

    memset(body, 'a', sizeof body);
    cr_expect_null(gzip_lazy_get(&z, body, GZIP_MIN - 1));
    cr_expect_null(atomic_load(&z.blob), "nothing made for a small body");
    a = gzip_lazy_get(&z, body, sizeof body);
    b = gzip_lazy_get(&z, body, sizeof body);
    cr_assert(a);
    cr_expect_eq(a, b, "the second reader gets the same copy");
    gzip_lazy_clear(&z);
    cr_expect_null(atomic_load(&z.blob));
}

/* The saving rule at its edge (include/gzip.h: "not smaller by at least an
 * eighth"): 4 KiB of noise and 512 repeated bytes shrink by about a tenth,
 * which is not worth a second variant. */
Test(gzip, a_saving_under_an_eighth_is_not_kept)
{
    unsigned char buf[4096 + 512];
    struct gzip_blob *b;
    size_t i;
    unsigned x = 12345;

    for (i = 0; i < 4096; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    memset(buf + 4096, 'a', 512);
    b = gzip_compress(buf, sizeof buf, 9);
    cr_assert(b);
    cr_expect_eq(b->len, 0, "a tenth smaller is not kept");
    free(b);
}

/* GZIP_MIN itself is compressed ("under GZIP_MIN" go as they are), and a
 * body that does not pay is answered uncompressed: NULL, not an empty blob. */
Test(gzip, the_lazy_copy_at_its_limits)
{
    struct gzip_lazy z = GZIP_LAZY_INIT, noise = GZIP_LAZY_INIT;
    unsigned char body[GZIP_MIN], buf[4096];
    size_t i;
    unsigned x = 12345;

    memset(body, 'a', sizeof body);
    cr_expect_not_null(gzip_lazy_get(&z, body, GZIP_MIN));
    gzip_lazy_clear(&z);
    for (i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    cr_expect_null(gzip_lazy_get(&noise, buf, sizeof buf), "not worth it: sent as it is");
    cr_expect_not_null(atomic_load(&noise.blob), "and that is remembered, not compressed again");
    gzip_lazy_clear(&noise);
}

/* The lazy copy is made at the level asked for (the UI's files at 9, made
 * by the first request since a start no longer compresses them all), and
 * at 6 when none was: the bytes are gzip_compress's at that level. */
Test(gzip, the_lazy_copy_is_made_at_its_level)
{
    struct gzip_lazy dflt = GZIP_LAZY_INIT, best = GZIP_LAZY_INIT;
    static const char *const words[] = {"社区", "办事", "窗口", "材料", "受理", "aaa", "bcd", "x"};
    char body[16384];
    struct gzip_blob *at6, *at9;
    const struct gzip_blob *a, *b;
    size_t i, n = 0;
    unsigned x = 7;

    while (n + 8 < sizeof body) {
        x = x * 1103515245u + 12345u;
        for (i = 0; words[(x >> 16) % 8][i]; i++)
            body[n++] = words[(x >> 16) % 8][i];
        body[n++] = (char)('a' + (x >> 8) % 26);
    }
    best.level = 9;
    a = gzip_lazy_get(&dflt, body, n);
    b = gzip_lazy_get(&best, body, n);
    at6 = gzip_compress(body, n, 6);
    at9 = gzip_compress(body, n, 9);
    cr_assert(a && b && at6 && at9 && at6->len && at9->len);
    cr_expect(a->len == at6->len && memcmp(a->data, at6->data, a->len) == 0, "no level: 6");
    cr_expect(b->len == at9->len && memcmp(b->data, at9->data, b->len) == 0, "level 9");
    cr_expect(at6->len != at9->len || memcmp(at6->data, at9->data, at6->len) != 0,
              "the two levels tell apart on this body");
    free(at6);
    free(at9);
    gzip_lazy_clear(&dflt);
    gzip_lazy_clear(&best);
}
