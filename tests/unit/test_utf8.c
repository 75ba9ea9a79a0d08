/* Unit tests for utf8: the strict decoder every length, trim and text check
 * rests on, the encoder the full-width folding uses, and the advice given
 * for a file that is not valid UTF-8. Pinned by a mutation review of
 * src/utf8.c: each case is the edge of one range. */
#include <criterion/criterion.h>
#include <string.h>

#include "utf8.h"

static bool valid(const char *s)
{
    return utf8_valid(s, strlen(s));
}

/* The smallest code point of each length is allowed; the largest value one
 * byte shorter would have written (an overlong form) is not. */
Test(utf8, shortest_forms_only)
{
    cr_assert(valid("\xc2\x80"), "U+0080");
    cr_assert(valid("\xe0\xa0\x80"), "U+0800");
    cr_assert(valid("\xf0\x90\x80\x80"), "U+10000");
    cr_assert_not(valid("\xc1\xbf"), "U+007F in two bytes");
    cr_assert_not(valid("\xe0\x9f\xbf"), "U+07FF in three bytes");
    cr_assert_not(valid("\xf0\x8f\xbf\xbf"), "U+FFFF in four bytes");
}

/* Surrogates, U+D800 to U+DFFF, are no characters; both ends of the range
 * are refused and their neighbours accepted. */
Test(utf8, surrogates_to_the_last_one)
{
    cr_assert(valid("\xed\x9f\xbf"), "U+D7FF");
    cr_assert_not(valid("\xed\xa0\x80"), "U+D800");
    cr_assert_not(valid("\xed\xbf\xbf"), "U+DFFF");
    cr_assert(valid("\xee\x80\x80"), "U+E000");
}

/* A byte after a lead byte must be a continuation byte (10xxxxxx), not
 * another lead byte; and nothing past n is read. */
Test(utf8, continuation_bytes_within_the_length)
{
    uint32_t cp;

    cr_assert_not(valid("\xc3\xc3"));
    cr_assert_not(valid("\xe4\xb8\xe4"));
    cr_assert_not(utf8_valid("中", 2), "the third byte is past n");
    cr_assert_eq(utf8_decode("中", 2, &cp), 0);
    cr_assert_eq(utf8_decode("中", 3, &cp), 3);
    cr_assert_eq(cp, 0x4E2D);
}

/* Encoding picks the length by the code point, at each boundary, and
 * refuses what is no Unicode scalar. */
Test(utf8, encode_at_each_boundary)
{
    char out[4];

    cr_assert_eq(utf8_encode(0x7FF, out), 2);
    cr_assert_eq(memcmp(out, "\xdf\xbf", 2), 0);
    cr_assert_eq(utf8_encode(0x800, out), 3);
    cr_assert_eq(memcmp(out, "\xe0\xa0\x80", 3), 0);
    cr_assert_eq(utf8_encode(0xFFFF, out), 3);
    cr_assert_eq(memcmp(out, "\xef\xbf\xbf", 3), 0);
    cr_assert_eq(utf8_encode(0x10000, out), 4);
    cr_assert_eq(memcmp(out, "\xf0\x90\x80\x80", 4), 0);
    cr_assert_eq(utf8_encode(0x10FFFF, out), 4);
    cr_assert_eq(memcmp(out, "\xf4\x8f\xbf\xbf", 4), 0);
    cr_assert_eq(utf8_encode(0x110000, out), 0);
    cr_assert_eq(utf8_encode(0xD800, out), 0);
    cr_assert_eq(utf8_encode(0xDFFF, out), 0);
}

/* One line for a name or a value: no C0 control (to U+001F) and no DEL. */
Test(utf8, line_valid_refuses_every_control)
{
    cr_assert(utf8_line_valid("张三 a~", 64));
    cr_assert_not(utf8_line_valid("a\x1f", 64));
    cr_assert_not(utf8_line_valid("a\x7f", 64));
    cr_assert_not(utf8_line_valid("a\tb", 64));
    cr_assert(utf8_line_valid("abcd", 4), "max is inclusive");
    cr_assert_not(utf8_line_valid("abcde", 4));
    cr_assert_not(utf8_line_valid(NULL, 4));
}

/* A file cut short ends inside a character whose lead byte is real and
 * whose bytes so far are all continuation bytes. Anything else, at the
 * end too, is another encoding: a C0/C1 or F5-F7 lead (which start no
 * character), a lead followed by an ASCII byte, a complete but invalid
 * sequence (a surrogate). */
Test(utf8, cut_at_end_only_for_a_real_character_cut_short)
{
    int line = -1;

    cr_assert(utf8_cut_at_end("a\xe4\xb8", 3));
    cr_assert(utf8_cut_at_end("a\xf0\x9f\x98", 4));
    cr_assert_not(utf8_cut_at_end("a\xc0", 2), "C0 starts no character");
    cr_assert_not(utf8_cut_at_end("a\xf5\x80", 3), "F5 starts no character");
    cr_assert_not(utf8_cut_at_end("a\xe4" "A", 3), "a lead byte before ASCII");
    cr_assert_not(utf8_cut_at_end("a\xe4\xe4", 3), "a lead byte before a lead byte");
    cr_assert_not(utf8_cut_at_end("a\xed\xa0\x80", 4), "a whole surrogate");
    cr_assert_not_null(strstr(utf8_file_error("x\ny\xe4\xb8", 5, &line), "断了"));
    cr_assert_eq(line, 2);
    cr_assert_not_null(strstr(utf8_file_error("x\ny\xe4" "A", 5, &line), "UTF-8 编码"));
    cr_assert_eq(line, 2);
    cr_assert_null(utf8_file_error("x\ny", 3, &line));
    cr_assert_eq(line, 0);
    /* a NUL is valid UTF-8 but no text: every file is told, not only a
     * procedure (a README's was shown to residents as 「�」) */
    cr_assert_not_null(strstr(utf8_file_error("x\ny\nz\0", 6, &line), "NUL"));
    cr_assert_eq(line, 3);
    /* an encoding error before it is the one said */
    cr_assert_not_null(strstr(utf8_file_error("\xff\n\0", 3, &line), "UTF-8 编码"));
    cr_assert_eq(line, 1);
}
