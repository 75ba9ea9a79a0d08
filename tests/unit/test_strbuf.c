/* strbuf (src/strbuf.c): the growable string every page, JSON piece and
 * message is built in. Its bound (STRBUF_MAX), its growth keeping room for
 * the NUL, and the HTML escape of all five special characters. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

Test(strbuf, html_escapes_all_five)
{
    struct strbuf sb = STRBUF_INIT;
    const char *s = "a&b<c>d\"e'f";

    cr_assert_eq(strbuf_put_html(&sb, s, strlen(s)), 0);
    cr_assert_str_eq(sb.data, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    cr_assert_eq(sb.len, strlen(sb.data));
    strbuf_free(&sb);
}

Test(strbuf, growth_keeps_room_for_the_nul)
{
    static const size_t sizes[] = {1, 62, 63, 64, 65, 127, 128, 129, 1000};
    char chunk[1000];
    size_t i;

    memset(chunk, 'x', sizeof chunk);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct strbuf sb = STRBUF_INIT;
        cr_assert_eq(strbuf_append(&sb, chunk, sizes[i]), 0);
        cr_assert_eq(sb.len, sizes[i]);
        cr_assert_gt(sb.cap, sb.len, "%zu bytes need a byte more for the NUL", sizes[i]);
        cr_assert_eq(sb.data[sb.len], '\0');
        /* and once more, from a buffer already holding them */
        cr_assert_eq(strbuf_append(&sb, chunk, sizes[i]), 0);
        cr_assert_gt(sb.cap, sb.len);
        cr_assert_eq(sb.data[sb.len], '\0');
        strbuf_free(&sb);
    }
}

/* A string of STRBUF_MAX - 1 bytes (its NUL makes STRBUF_MAX) is the
 * longest; a byte more is refused and leaves the contents as they were. */
Test(strbuf, bounded_at_strbuf_max)
{
    struct strbuf sb = STRBUF_INIT;
    char *big = malloc(STRBUF_MAX);

    cr_assert_not_null(big);
    memset(big, 'y', STRBUF_MAX);
    cr_assert_eq(strbuf_append(&sb, big, STRBUF_MAX), -1);
    cr_assert_eq(sb.len, 0);
    cr_assert_eq(strbuf_append(&sb, big, STRBUF_MAX - 2), 0);
    cr_assert_eq(strbuf_putc(&sb, 'z'), 0);
    cr_assert_eq(sb.len, STRBUF_MAX - 1);
    cr_assert_eq(strbuf_putc(&sb, 'z'), -1);
    cr_assert_eq(strbuf_printf(&sb, "%d", 7), -1);
    cr_assert_eq(sb.len, STRBUF_MAX - 1);
    cr_assert_eq(sb.data[sb.len - 1], 'z');
    cr_assert_eq(sb.data[sb.len], '\0');
    strbuf_free(&sb);
    free(big);
}
