/* text: which characters a typed text may hold (see text.h for why each
 * is refused). One policy, so that what a resident may type and what a
 * staffer may type cannot drift apart. */
#include "text.h"

#include "utf8.h"

bool text_char_refused(uint32_t c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f) ||
           c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

int text_check(const char *s, size_t n)
{
    size_t i, len;
    uint32_t c;

    for (i = 0; i < n; i += len)
        if (!(len = utf8_decode(s + i, n - i, &c)) || text_char_refused(c))
            return -1;
    return 0;
}
