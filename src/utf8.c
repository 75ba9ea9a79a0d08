/* utf8: strict decoding (no overlongs, no surrogates) for everything that
 * counts characters or splits text: field lengths, the search tokenizer. */
#include "utf8.h"

#include <string.h>

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    uint32_t c, min;
    size_t len, i;

    if (n == 0)
        return 0;
    c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2; c &= 0x1F; min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3; c &= 0x0F; min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4; c &= 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

size_t utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

size_t utf8_count(const char *s, size_t n)
{
    size_t i = 0, count = 0, k;
    uint32_t cp;

    while (i < n) {
        k = utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return (size_t)-1;
        i += k;
        count++;
    }
    return count;
}

bool utf8_valid(const char *s, size_t n)
{
    return utf8_count(s, n) != (size_t)-1;
}

bool utf8_line_valid(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0, i;

    if (n == 0 || n > max || !utf8_valid(s, n))
        return false;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

/* The offset of the first byte that does not start a valid character of
 * s[0..n), n when none, with its line (from 1) in *line. */
static size_t utf8_first_bad(const char *s, size_t n, int *line)
{
    size_t i = 0, k;
    uint32_t cp;

    *line = 1;
    while (i < n && (k = utf8_decode(s + i, n - i, &cp)) != 0) {
        *line += cp == '\n';
        i += k;
    }
    return i;
}

bool utf8_cut_at_end(const char *s, size_t n)
{
    size_t i, k, lead;
    int line;
    unsigned char b;

    if ((i = utf8_first_bad(s, n, &line)) == n)
        return false;
    /* a lead byte whose continuation bytes run into the end, all of them
     * continuation bytes: the rest of the character is missing */
    b = (unsigned char)s[i];
    lead = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    if (b < 0xC2 || b > 0xF4 || n - i >= lead)
        return false;
    for (k = i + 1; k < n && ((unsigned char)s[k] & 0xC0) == 0x80; k++)
        ;
    return k == n;
}

const char *utf8_file_error(const char *s, size_t n, int *line)
{
    const char *nul;
    size_t i;

    if (utf8_first_bad(s, n, line) == n) {
        /* valid UTF-8, but no text file holds a NUL: cmark shows it as
         * U+FFFD, so a category README, _posts.md or _triage.md with one
         * went live with a 「�」 in a name residents read */
        if ((nul = memchr(s, '\0', n))) {
            for (*line = 1, i = 0; i < (size_t)(nul - s); i++)
                *line += s[i] == '\n';
            return "这一行有无效的字符（NUL）：文件可能已损坏，请用文本编辑器打开检查";
        }
        *line = 0;
        return NULL;
    }
    if (utf8_cut_at_end(s, n))
        return "文件在这一行的最后一个字中间断了：文件可能没有保存完整（编辑器中途崩溃或复制时中断），"
               "请打开文件把最后一行补全后再保存";
    return "这一行有不是 UTF-8 编码的字符（文件可能是用 GBK 等其他编码保存的）：请在编辑器的「另存为」里选 UTF-8 编码保存";
}

bool utf8_is_space(uint32_t cp)
{
    /* the zero-width space and word joiner come with text copied from web
     * pages and office documents: invisible, so an admin who sees a marker
     * at the end of its line, or a resident who pastes a number, must not
     * be told of something after it */
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x3000 ||
           cp == 0xFEFF || cp == 0x200B || cp == 0x2060;
}

const char *utf8_trim(const char *s, size_t *n)
{
    size_t len = *n, k, i;
    uint32_t cp;

    while (len > 0) {
        k = utf8_decode(s, len, &cp);
        if (k == 0 || !utf8_is_space(cp))
            break;
        s += k;
        len -= k;
    }
    while (len > 0) {
        /* step back over continuation bytes to the start of the last char */
        i = len - 1;
        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
            i--;
        k = utf8_decode(s + i, len - i, &cp);
        if (k == 0 || !utf8_is_space(cp))
            break;
        len = i;
    }
    *n = len;
    return s;
}

size_t utf8_prefix_len(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}
