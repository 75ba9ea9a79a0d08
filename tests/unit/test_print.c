/* Unit tests of `serve --public-url`'s check (print_public_url_valid), the
 * edges docs/http-api.md fixes: http:// or https://, a host, at most 200
 * characters, no ?, #, quotes or spaces; an address's own characters
 * (percent escapes among them) pass. */
#include <criterion/criterion.h>
#include <string.h>

#include "print.h"

/* "https://" and a host of a's, n characters in all */
static void url_of(char *buf, size_t n)
{
    memcpy(buf, "https://", 8);
    memset(buf + 8, 'a', n - 8);
    buf[n] = '\0';
}

Test(print, public_url_length_cap_includes_200)
{
    char buf[PRINT_PUBLIC_URL_MAX + 2];

    url_of(buf, PRINT_PUBLIC_URL_MAX);
    cr_expect(print_public_url_valid(buf), "200 characters is the most, and allowed");
    url_of(buf, PRINT_PUBLIC_URL_MAX + 1);
    cr_expect(!print_public_url_valid(buf), "201 is too long");
}

Test(print, public_url_needs_a_host)
{
    /* a path with no host before it leads a phone nowhere */
    cr_expect(!print_public_url_valid("https:///kiosk"));
    cr_expect(!print_public_url_valid("http:///"));
    cr_expect(print_public_url_valid("http://k/"));
}

Test(print, public_url_takes_percent_escapes)
{
    /* not ?, #, a quote or a space: an address's characters, escapes too */
    cr_expect(print_public_url_valid("https://hall.example/%E5%8A%9E"));
    cr_expect(!print_public_url_valid("https://hall.example/a b"));
    cr_expect(!print_public_url_valid("https://hall.example/a'b"));
}
