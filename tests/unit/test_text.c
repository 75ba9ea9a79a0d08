/* The one text policy (text.h) that resident values, staff texts and
 * rating comments share. */
#include <criterion/criterion.h>
#include <string.h>

#include "text.h"

static int check(const char *s)
{
    return text_check(s, strlen(s));
}

Test(text, what_people_type_passes)
{
    cr_assert_eq(check(""), 0);
    cr_assert_eq(check("户口簿缺少本人页"), 0);
    cr_assert_eq(check("第一行\n第二行\r\n\t缩进"), 0, "tab and line breaks are typed");
    cr_assert_eq(check("Ｘ 全角 and ASCII 123"), 0);
    cr_assert_eq(check("😀 emoji"), 0);
}

Test(text, controls_and_invisible_marks_are_refused)
{
    static const char *const bad[] = {
        "a\x01", "a\x07", "a\x1b[31m", "a\x7f", "a\xc2\x80", "a\xc2\x85", "a\xc2\x9f",
        "a\xe2\x80\x8e", "a\xe2\x80\x8f",                       /* LRM, RLM */
        "a\xe2\x80\xa8", "a\xe2\x80\xa9",                       /* line, paragraph separator */
        "a\xe2\x80\xaa", "a\xe2\x80\xae",                       /* LRE, RLO */
        "a\xe2\x81\xa6", "a\xe2\x81\xa9",                       /* LRI, PDI */
    };
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(check(bad[i]), -1, "entry %zu is refused", i);
    cr_assert_eq(text_check("a\0b", 3), -1, "a NUL cannot cut a value short");
}

Test(text, invalid_utf8_is_refused)
{
    cr_assert_eq(check("\xff"), -1);
    cr_assert_eq(check("\xc0\xaf"), -1, "overlong");
    cr_assert_eq(check("\xe4\xb8"), -1, "truncated");
    cr_assert_eq(check("\xed\xa0\x80"), -1, "surrogate");
}

Test(text, the_edges_of_each_range)
{
    cr_assert(!text_char_refused('\t'));
    cr_assert(!text_char_refused('\n'));
    cr_assert(!text_char_refused('\r'));
    cr_assert(!text_char_refused(' '));
    cr_assert(!text_char_refused(0x7e));
    cr_assert(text_char_refused(0x7f));
    cr_assert(text_char_refused(0x9f));
    cr_assert(!text_char_refused(0xa0));
    cr_assert(!text_char_refused(0x200d), "ZWJ joins emoji");
    cr_assert(text_char_refused(0x2028));
    cr_assert(!text_char_refused(0x202f));
    cr_assert(!text_char_refused(0x2065));
    cr_assert(text_char_refused(0x2066));
    cr_assert(!text_char_refused(0x206a));
}

/* Every C0 control but tab, LF and CR, to the last (U+001F). */
Test(text, every_c0_control_but_tab_and_line_breaks)
{
    uint32_t c;

    for (c = 0; c < 0x20; c++)
        cr_assert_eq(text_char_refused(c), c != '\t' && c != '\n' && c != '\r', "U+%04X", c);
    cr_assert_eq(check("a\x1f"), -1);
}

/* Four bytes can spell a value past U+10FFFF; no such character exists. */
Test(text, beyond_the_last_code_point_is_refused)
{
    cr_assert_eq(check("\xf4\x90\x80\x80"), -1, "U+110000");
    cr_assert_eq(check("\xf7\xbf\xbf\xbf"), -1, "U+1FFFFF");
    cr_assert_eq(check("\xf4\x8f\xbf\xbf"), 0, "U+10FFFF is the last one");
}

/* F8-FF never start a character, whatever follows them. */
Test(text, bytes_f8_to_ff_start_no_character)
{
    cr_assert_eq(check("\xf9\x80\x80\x80"), -1);
    cr_assert_eq(check("\xfc\x80\x80\x80"), -1);
    cr_assert_eq(check("\xfc\x8f\xbf\xbf"), -1);
}
