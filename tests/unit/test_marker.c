/* Unit tests for marker: the trailing {optional}, {if KEY=VALUE} and {#id}
 * markers, several on one line in any order, padding, markers a context does
 * not allow, repeats, malformed conditions, and text that merely contains
 * braces. */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "marker.h"

#define PATH "employment/labour-handbook.md"
#include "expect.h"
#define LINE 7
#define ALL (MARK_OPTIONAL | MARK_IF | MARK_ANCHOR)

/* ---- diagnostics helpers ---- */

/* Strips the markers of a private heap copy of s (exactly strlen(s) bytes,
 * so ASan catches a read past either end); the remaining text goes to
 * out (at least strlen(s) + 1 bytes). */
static int strip(const char *s, unsigned allowed, struct markers *m, struct diag_list *d,
                 char *out)
{
    size_t len = strlen(s), n = len;
    char *copy = malloc(len ? len : 1);
    int rc;

    cr_assert_not_null(copy);
    memcpy(copy, s, len);
    rc = marker_strip(PATH, LINE, copy, &n, allowed, m, d);
    cr_assert_leq(n, len);
    memcpy(out, copy, n);
    out[n] = '\0';
    free(copy);
    return rc;
}

/* ---- no markers ---- */

Test(marker, plain_text_is_untouched)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("本人居民身份证原件", ALL, &m, &d, out), 0);
    cr_assert_str_eq(out, "本人居民身份证原件");
    cr_assert_not(m.optional);
    cr_assert_not(m.has_cond);
    cr_assert_null(m.anchor);
    expect_counts(&d, 0, 0);
    marker_free(&m);

    cr_assert_eq(strip("", ALL, &m, &d, out), 0);
    cr_assert_str_eq(out, "");
    marker_free(&m);
    diag_list_free(&d);
}

Test(marker, trailing_white_space_is_stripped)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("照片 2 张 \t　 ", ALL, &m, &d, out), 0);
    cr_assert_str_eq(out, "照片 2 张");
    expect_counts(&d, 0, 0);
    marker_free(&m);
    diag_list_free(&d);
}

/* ---- {optional} ---- */

Test(marker, optional)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("退役证(退役军人提供) {optional}", MARK_OPTIONAL, &m, &d, out), 0);
    cr_assert_str_eq(out, "退役证(退役军人提供)");
    cr_assert(m.optional);
    cr_assert_not(m.has_cond);
    cr_assert_null(m.anchor);
    marker_free(&m);

    /* no space before it, padding inside and after it */
    cr_assert_eq(strip("退役证{optional}", MARK_OPTIONAL, &m, &d, out), 0);
    cr_assert_str_eq(out, "退役证");
    cr_assert(m.optional);
    marker_free(&m);
    cr_assert_eq(strip("退役证 {  optional\t} \t", MARK_OPTIONAL, &m, &d, out), 0);
    cr_assert_str_eq(out, "退役证");
    cr_assert(m.optional);
    marker_free(&m);

    /* a line that is only the marker */
    cr_assert_eq(strip("{optional}", MARK_OPTIONAL, &m, &d, out), 0);
    cr_assert_str_eq(out, "");
    cr_assert(m.optional);
    marker_free(&m);
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
}

/* ---- {if} ---- */

Test(marker, if_equal)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("受托人身份证 {if proxy=yes}", MARK_IF, &m, &d, out), 0);
    cr_assert_str_eq(out, "受托人身份证");
    cr_assert(m.has_cond);
    cr_assert_str_eq(m.cond.key, "proxy");
    cr_assert_str_eq(m.cond.value, "yes");
    cr_assert_not(m.cond.negate);
    cr_assert_not(m.optional);
    expect_counts(&d, 0, 0);
    marker_free(&m);
    cr_assert_not(m.has_cond);
    diag_list_free(&d);
}

Test(marker, if_not_equal)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("户口簿 {if relation!=本人}", MARK_IF, &m, &d, out), 0);
    cr_assert_str_eq(out, "户口簿");
    cr_assert(m.has_cond);
    cr_assert_str_eq(m.cond.key, "relation");
    cr_assert_str_eq(m.cond.value, "本人");
    cr_assert(m.cond.negate);
    marker_free(&m);

    /* padded with spaces around the key, the operator and the value */
    cr_assert_eq(strip("户口簿 { if  relation != 配偶 } ", MARK_IF, &m, &d, out), 0);
    cr_assert_str_eq(out, "户口簿");
    cr_assert(m.has_cond);
    cr_assert_str_eq(m.cond.key, "relation");
    cr_assert_str_eq(m.cond.value, "配偶");
    cr_assert(m.cond.negate);
    marker_free(&m);
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
}

Test(marker, if_with_tab_and_ideographic_padding)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("材料　{if\tproxy　=　no　}　", MARK_IF, &m, &d, out), 0);
    cr_assert_str_eq(out, "材料");
    cr_assert(m.has_cond);
    cr_assert_str_eq(m.cond.key, "proxy");
    cr_assert_str_eq(m.cond.value, "no");
    cr_assert_not(m.cond.negate);
    marker_free(&m);
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
}

/* {if relation！=本人}, the ！ of a Chinese input method: it was told that
 * 「relation！」 is no valid field name; it is told the ！ is full-width. */
Test(marker, if_not_equal_with_a_full_width_bang)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("户口簿 {if relation\xEF\xBC\x81=本人}", MARK_IF, &m, &d, out), 1);
    expect_diag(&d, LINE, DIAG_ERROR, "条件里的「！」是全角的");
    expect_diag(&d, LINE, DIAG_ERROR, "{if relation!=值}");
    expect_counts(&d, 1, 0);
    marker_free(&m);
    diag_list_free(&d);
}

/* A full-width ＃ where an id is meant: a triage question's or an office's
 * heading lost its id (and every link to it broke, with nothing naming the
 * ＃), a checklist item showed {＃photo} to residents. An error naming it,
 * and the markers before it still read. */
Test(marker, full_width_hash_of_an_anchor)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("家里是哪一种困难？ {\xEF\xBC\x83hardship}", MARK_ANCHOR, &m, &d, out), 1);
    expect_diag(&d, LINE, DIAG_ERROR, "「＃」是全角的");
    expect_diag(&d, LINE, DIAG_ERROR, "{#hardship}");
    expect_counts(&d, 1, 0);
    cr_assert_null(m.anchor);
    marker_free(&m);
    diag_list_free(&d);

    cr_assert_eq(strip("照片 {optional} {\xEF\xBC\x83photo}", MARK_OPTIONAL | MARK_ITEM_ID, &m, &d, out), 1);
    expect_diag(&d, LINE, DIAG_ERROR, "{#photo}");
    expect_counts(&d, 1, 0); /* not {optional} 要写在这一行的最后 */
    cr_assert(m.optional);
    cr_assert_str_eq(out, "照片");
    marker_free(&m);
    diag_list_free(&d);
}

/* {if proxy＝yes}: the ＝ looks like = in the console's editor. */
Test(marker, if_with_a_full_width_equals)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("受托人身份证 {if proxy\xEF\xBC\x9Dyes}", MARK_IF, &m, &d, out), 1);
    expect_diag(&d, LINE, DIAG_ERROR, "条件里的「＝」是全角的");
    expect_diag(&d, LINE, DIAG_ERROR, "{if proxy=yes}");
    expect_counts(&d, 1, 0);
    cr_assert(!m.has_cond);
    marker_free(&m);
    diag_list_free(&d);
}

/* Text copied from a web page ends with an invisible zero-width space
 * (U+200B) or word joiner (U+2060): the admin saw {optional} at the end of
 * the line and was told text came after it. */
Test(marker, an_invisible_space_after_a_marker_is_white_space)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("身份证 {optional}\xE2\x80\x8B", MARK_OPTIONAL, &m, &d, out), 0, "%s", dump(&d));
    cr_assert_str_eq(out, "身份证");
    cr_assert(m.optional);
    marker_free(&m);
    cr_assert_eq(strip("户口簿\xE2\x81\xA0 {optional} \xE2\x81\xA0", MARK_OPTIONAL, &m, &d, out), 0, "%s", dump(&d));
    cr_assert_str_eq(out, "户口簿");
    cr_assert(m.optional);
    marker_free(&m);
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
}

Test(marker, key_of_32_characters)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("x {if abcdefghij_abcdefghij_abcdefghij=1}", MARK_IF, &m, &d, out), 0);
    cr_assert_str_eq(m.cond.key, "abcdefghij_abcdefghij_abcdefghij");
    cr_assert_str_eq(m.cond.value, "1");
    marker_free(&m);
    expect_counts(&d, 0, 0);

    cr_assert_eq(strip("x {if abcdefghij_abcdefghij_abcdefghij_=1}", MARK_IF, &m, &d, out), 1);
    cr_assert_not(m.has_cond);
    expect_counts(&d, 1, 0);
    expect_diag(&d, LINE, DIAG_ERROR, "不是有效的字段名");
    marker_free(&m);
    diag_list_free(&d);
}

/* ---- several markers ---- */

Test(marker, optional_then_if)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("受托人身份证 {optional} {if proxy=yes}", MARK_OPTIONAL | MARK_IF, &m, &d,
                       out),
                 0);
    cr_assert_str_eq(out, "受托人身份证");
    cr_assert(m.optional);
    cr_assert(m.has_cond);
    cr_assert_str_eq(m.cond.key, "proxy");
    cr_assert_str_eq(m.cond.value, "yes");
    marker_free(&m);
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
}

Test(marker, if_then_optional)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("受托人身份证{if proxy!=no}{optional}", MARK_OPTIONAL | MARK_IF, &m, &d,
                       out),
                 0);
    cr_assert_str_eq(out, "受托人身份证");
    cr_assert(m.optional);
    cr_assert(m.has_cond);
    cr_assert_str_eq(m.cond.key, "proxy");
    cr_assert_str_eq(m.cond.value, "no");
    cr_assert(m.cond.negate);
    marker_free(&m);
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
}

Test(marker, several_with_ideographic_spaces)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("受托人身份证　{optional}　{if proxy=yes}　", MARK_OPTIONAL | MARK_IF, &m,
                       &d, out),
                 0);
    cr_assert_str_eq(out, "受托人身份证");
    cr_assert(m.optional);
    cr_assert(m.has_cond);
    cr_assert_str_eq(m.cond.key, "proxy");
    marker_free(&m);
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
}

/* ---- {#id} ---- */

Test(marker, anchor)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("您是本市户籍吗? {#unemployed}", MARK_ANCHOR, &m, &d, out), 0);
    cr_assert_str_eq(out, "您是本市户籍吗?");
    cr_assert_not_null(m.anchor);
    cr_assert_str_eq(m.anchor, "unemployed");
    cr_assert_not(m.optional);
    cr_assert_not(m.has_cond);
    marker_free(&m);
    cr_assert_null(m.anchor);
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
}

/* ---- markers a context does not allow ---- */

Test(marker, optional_not_allowed)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("第二步:填写登记表 {optional}", MARK_IF, &m, &d, out), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, LINE, DIAG_ERROR, "{optional}");
    /* the marker is still taken off the text: it is never shown */
    cr_assert_str_eq(out, "第二步:填写登记表");
    marker_free(&m);
    diag_list_free(&d);
}

Test(marker, if_not_allowed)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("您想办理什么? {if proxy=yes}", MARK_ANCHOR, &m, &d, out), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, LINE, DIAG_ERROR, "{if");
    cr_assert_not(m.has_cond);
    cr_assert_str_eq(out, "您想办理什么?");
    marker_free(&m);
    diag_list_free(&d);
}

Test(marker, anchor_not_allowed)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("第一步 {#first}", MARK_OPTIONAL | MARK_IF, &m, &d, out), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, LINE, DIAG_ERROR, "{#");
    cr_assert_null(m.anchor);
    cr_assert_str_eq(out, "第一步");
    marker_free(&m);
    diag_list_free(&d);

    /* nothing allowed at all: every known marker is an error */
    cr_assert_eq(strip("x {optional} {if a=b} {#c}", 0, &m, &d, out), 1);
    expect_counts(&d, 3, 0);
    cr_assert_not(m.has_cond);
    cr_assert_null(m.anchor);
    cr_assert_str_eq(out, "x");
    marker_free(&m);
    diag_list_free(&d);
}

/* ---- repeats ---- */

Test(marker, repeated_optional)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("照片 {optional} {optional}", MARK_OPTIONAL, &m, &d, out), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, LINE, DIAG_ERROR, "重复");
    cr_assert(m.optional);
    marker_free(&m);
    diag_list_free(&d);
}

Test(marker, repeated_if_keeps_the_last_written)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("照片 {if a=1} {if b=2}", MARK_IF, &m, &d, out), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, LINE, DIAG_ERROR, "只能有一个 {if");
    cr_assert(m.has_cond);
    cr_assert_str_eq(m.cond.key, "b");
    cr_assert_str_eq(m.cond.value, "2");
    cr_assert_str_eq(out, "照片");
    marker_free(&m);
    diag_list_free(&d);
}

Test(marker, repeated_anchor)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("问题 {#a} {#b}", MARK_ANCHOR, &m, &d, out), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, LINE, DIAG_ERROR, "重复");
    cr_assert_not_null(m.anchor);
    cr_assert_str_eq(m.anchor, "b");
    marker_free(&m);
    diag_list_free(&d);
}

/* ---- malformed {if} ---- */

static void expect_bad_if(const char *s, const char *msg)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip(s, MARK_IF | MARK_OPTIONAL, &m, &d, out), 1, "%s", s);
    expect_counts(&d, 1, 0);
    expect_diag(&d, LINE, DIAG_ERROR, msg);
    cr_assert_not(m.has_cond, "%s", s);
    marker_free(&m);
    diag_list_free(&d);
}

Test(marker, malformed_if)
{
    expect_bad_if("材料 {if proxy}", "缺少 =");
    expect_bad_if("材料 {if proxy yes}", "缺少 =");
    expect_bad_if("材料 {if =yes}", "不是有效的字段名");
    expect_bad_if("材料 {if Proxy=yes}", "「Proxy」");
    expect_bad_if("材料 {if 1proxy=yes}", "「1proxy」");
    expect_bad_if("材料 {if pro-xy=yes}", "「pro-xy」");
    expect_bad_if("材料 {if 代办=是}", "「代办」");
    expect_bad_if("材料 {if proxy=}", "缺少要比较的值");
    expect_bad_if("材料 {if proxy!=   }", "缺少要比较的值");
    /* a bad condition does not hide the other markers of the line */
    expect_bad_if("材料 {optional} {if proxy}", "缺少 =");
}

/* BUG: `{if}` with nothing inside is a malformed {if}, which marker.h says is
 * an error; marker_strip treats "if" as an unknown {word}: only a warning,
 * and the marker stays in the text shown to residents. */
Test(marker, bare_if_is_an_error)
{
    expect_bad_if("材料 {if}", "{if");
}

/* BUG: an ideographic space (U+3000, what a Chinese IME types) right after
 * `if` makes the marker unrecognised: no condition, no diagnostic at all,
 * and "{if　proxy=yes}" is shown to residents while the part is shown
 * unconditionally. utf8_is_space() is documented as the padding a marker
 * may use; a tab in the same place works. */
Test(marker, ideographic_space_after_if)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("受托人身份证 {if　proxy=yes}", MARK_IF, &m, &d, out), 0);
    cr_assert_str_eq(out, "受托人身份证");
    cr_assert(m.has_cond);
    cr_assert_str_eq(m.cond.key, "proxy");
    cr_assert_str_eq(m.cond.value, "yes");
    expect_counts(&d, 0, 0);
    marker_free(&m);
    diag_list_free(&d);
}

/* ---- unknown words and ordinary braces ---- */

Test(marker, unknown_word_warns_and_stays)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("材料 {draft}", ALL, &m, &d, out), 0);
    cr_assert_str_eq(out, "材料 {draft}");
    expect_counts(&d, 0, 1);
    expect_diag(&d, LINE, DIAG_WARNING, "{draft}");
    marker_free(&m);

    /* a misspelt or capitalised marker is such a word too */
    cr_assert_eq(strip("材料 {Optional}", ALL, &m, &d, out), 0);
    cr_assert_str_eq(out, "材料 {Optional}");
    cr_assert_not(m.optional);
    expect_counts(&d, 0, 2);
    expect_diag(&d, LINE, DIAG_WARNING, "{Optional}");
    marker_free(&m);
    diag_list_free(&d);
}

Test(marker, unknown_word_stops_the_scan)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    /* markers after the unknown word are read, the ones before it would
     * be shown: an error */
    cr_assert_eq(strip("材料 {optional} {draft} {if proxy=yes}", ALL, &m, &d, out), 1);
    cr_assert_str_eq(out, "材料 {optional} {draft}");
    cr_assert(m.has_cond);
    cr_assert_not(m.optional);
    expect_counts(&d, 1, 1);
    expect_diag(&d, LINE, DIAG_WARNING, "{draft}");
    expect_diag(&d, LINE, DIAG_ERROR, "标记 {optional} 要写在这一行的最后");
    marker_free(&m);
    diag_list_free(&d);
}

static void expect_untouched(const char *s)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[256];

    cr_assert_eq(strip(s, ALL, &m, &d, out), 0, "%s", s);
    cr_assert_str_eq(out, s);
    cr_assert_not(m.optional, "%s", s);
    cr_assert_not(m.has_cond, "%s", s);
    cr_assert_null(m.anchor, "%s", s);
    expect_counts(&d, 0, 0);
    marker_free(&m);
    diag_list_free(&d);
}

Test(marker, braces_in_ordinary_text_are_left_alone)
{
    expect_untouched("按 {姓名} 的格式填写,不要漏项");
    expect_untouched("价格 {100}");
    expect_untouched("公式 {a + b}");
    expect_untouched("房间 {#100} 号");
    expect_untouched("没有结束的 {optional");
    expect_untouched("只有右括号 }");
    expect_untouched("}");
    expect_untouched("{");
    expect_untouched("{}");
    expect_untouched("a}b{c");
}

/* A known marker that is not at the end of the line ({optional}。, text
 * after it) would be shown to residents and do nothing: where markers are
 * allowed that is an error naming it; in prose (nothing allowed) braces are
 * text as before. */
Test(marker, known_marker_inside_the_text)
{
    static const char *const lines[] = {
        "照片 {optional}。", "委托书 {if proxy=yes}（代办时）", "{optional} 写在开头",
        "材料 {#id_card} 原件", "提示 {staff} 在中间",
    };
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];
    size_t i;

    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        cr_assert_eq(strip(lines[i], ALL, &m, &d, out), 1, "%s", lines[i]);
        cr_assert_str_eq(out, lines[i], "nothing is stripped");
        expect_counts(&d, 1, 0);
        expect_diag(&d, LINE, DIAG_ERROR, "要写在这一行的最后");
        marker_free(&m);
        diag_list_free(&d);
        cr_assert_eq(strip(lines[i], 0, &m, &d, out), 0, "prose: %s", lines[i]);
        expect_counts(&d, 0, 0);
        marker_free(&m);
        diag_list_free(&d);
    }
    /* the error names the marker, and a trailing one is still read */
    cr_assert_eq(strip("照片 {optional}。 {if proxy=yes}", ALL, &m, &d, out), 1);
    cr_assert(m.has_cond);
    expect_diag(&d, LINE, DIAG_ERROR, "标记 {optional} 要写在这一行的最后");
    marker_free(&m);
    diag_list_free(&d);
}

/* ---- helpers ---- */

Test(marker, key_valid)
{
    cr_assert(marker_key_valid("a", 1));
    cr_assert(marker_key_valid("proxy_2", 7));
    cr_assert(marker_key_valid("abcdefghij_abcdefghij_abcdefghij", 32));
    cr_assert_not(marker_key_valid("abcdefghij_abcdefghij_abcdefghijk", 33));
    cr_assert_not(marker_key_valid("", 0));
    cr_assert_not(marker_key_valid("A", 1));
    cr_assert_not(marker_key_valid("1a", 2));
    cr_assert_not(marker_key_valid("_a", 2));
    cr_assert_not(marker_key_valid("a-b", 3));
    cr_assert_not(marker_key_valid("a b", 3));
    cr_assert_not(marker_key_valid("代办", strlen("代办")));
    /* only n bytes are looked at */
    cr_assert(marker_key_valid("ab-", 2));
}

Test(marker, cond_copy_is_deep)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    struct cond c;
    char out[128];

    cr_assert_eq(strip("x {if relation!=配偶}", MARK_IF, &m, &d, out), 0);
    memset(&c, 0, sizeof c);
    cr_assert_eq(cond_copy(&c, &m.cond), 0);
    cr_assert_str_eq(c.key, "relation");
    cr_assert_str_eq(c.value, "配偶");
    cr_assert(c.negate);
    cr_assert_neq(c.value, m.cond.value);
    marker_free(&m);
    cr_assert_str_eq(c.value, "配偶");
    cond_free(&c);
    cr_assert_null(c.value);
    diag_list_free(&d);
}

Test(marker, full_width_braces_are_an_error_where_markers_work)
{
    static const char *const lines[] = {"受托人身份证 ｛if proxy=yes｝", "窗口核对原件 ｛staff｝",
                                        "退役证 ｛optional｝", "申请人居民身份证原件 ｛#id_card｝"};
    size_t i;

    for (i = 0; i < sizeof lines / sizeof *lines; i++) {
        struct markers m;
        struct diag_list d = DIAG_LIST_INIT;
        size_t n = strlen(lines[i]);
        cr_assert_eq(marker_strip(PATH, LINE, lines[i], &n, ALL, &m, &d), 1, "%s", lines[i]);
        cr_assert_eq(n, strlen(lines[i]), "the text is left as it is");
        cr_assert_not(m.has_cond);
        cr_assert_not(m.staff);
        expect_counts(&d, 1, 0);
        expect_diag(&d, LINE, DIAG_ERROR, "半角");
        marker_free(&m);
        diag_list_free(&d);
    }
}

Test(marker, full_width_braces_in_prose_get_a_warning)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    const char *t = "受托人身份证 ｛if proxy=yes｝";
    size_t n = strlen(t);

    cr_assert_eq(marker_strip(PATH, LINE, t, &n, 0, &m, &d), 0);
    cr_assert_eq(n, strlen(t));
    expect_counts(&d, 0, 1);
    expect_diag(&d, LINE, DIAG_WARNING, "半角");
    marker_free(&m);
    diag_list_free(&d);
    /* but a quote's first line may be staff guidance: shown to residents */
    t = "先在系统里查询 ｛staff｝";
    n = strlen(t);
    cr_assert_eq(marker_strip(PATH, LINE, t, &n, 0, &m, &d), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, LINE, DIAG_ERROR, "半角");
    marker_free(&m);
    diag_list_free(&d);
}

Test(marker, a_condition_without_its_space_or_in_capitals_is_an_error)
{
    static const char *const lines[] = {"医院诊断证明 {ifhardship=突发重大疾病}", "户口簿 {If hukou=本市户籍}",
                                        "户口簿 {IF hukou!=外地}"};
    size_t i;

    for (i = 0; i < sizeof lines / sizeof *lines; i++) {
        struct markers m;
        struct diag_list d = DIAG_LIST_INIT;
        size_t n = strlen(lines[i]);
        cr_assert_eq(marker_strip(PATH, LINE, lines[i], &n, ALL, &m, &d), 1, "%s", lines[i]);
        cr_assert_not(m.has_cond);
        expect_counts(&d, 1, 0);
        expect_diag(&d, LINE, DIAG_ERROR, "后面空一格");
        marker_free(&m);
        diag_list_free(&d);
    }
    /* in prose braces are text */
    {
        struct markers m;
        struct diag_list d = DIAG_LIST_INIT;
        size_t n = strlen(lines[0]);
        cr_assert_eq(marker_strip(PATH, LINE, lines[0], &n, 0, &m, &d), 0);
        expect_counts(&d, 0, 0);
        marker_free(&m);
        diag_list_free(&d);
    }
}

/* ---- pinned by a mutation review of marker.c ---- */

/* A question id is at most 64 bytes and holds no '#' (docs: "≤ 64 bytes,
 * no white space or #"). */
Test(marker, anchor_bounds_and_hash)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char in[128], out[128], id[66];

    memset(id, 'a', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    snprintf(in, sizeof in, "问题 {#%.64s}", id);
    cr_assert_eq(strip(in, MARK_ANCHOR, &m, &d, out), 0, "%s", dump(&d));
    cr_assert_eq(strlen(m.anchor), 64);
    marker_free(&m);
    snprintf(in, sizeof in, "问题 {#%s}", id);
    cr_assert_eq(strip(in, MARK_ANCHOR, &m, &d, out), 1);
    cr_assert_null(m.anchor);
    marker_free(&m);
    cr_assert_eq(strip("问题 {#a#b}", MARK_ANCHOR, &m, &d, out), 1);
    cr_assert_null(m.anchor);
    marker_free(&m);
    expect_counts(&d, 2, 0);
    diag_list_free(&d);
}

/* A Chinese word in braces ({可选}) is taken for a marker only where
 * markers work and only when short (at most 24 bytes): prose keeps its
 * braces unremarked, as does a longer aside. */
Test(marker, chinese_word_warning_only_where_markers_work_and_short)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("材料 {可选}", 0, &m, &d, out), 0);
    marker_free(&m);
    expect_counts(&d, 0, 0);
    cr_assert_eq(strip("材料 {一二三四五六七八}", ALL, &m, &d, out), 0); /* 24 bytes */
    marker_free(&m);
    expect_counts(&d, 0, 1);
    cr_assert_eq(strip("材料 {一二三四五六七\xC3\xA9\xC3\xA9}", ALL, &m, &d, out), 0); /* 25 */
    marker_free(&m);
    expect_counts(&d, 0, 1);
    diag_list_free(&d);
}

/* A marker's braces hold no '}': "{if a=1}x}" is a condition followed by
 * text, said as such, not a condition whose value is "1}x". */
Test(marker, a_closing_brace_ends_the_marker_scan)
{
    struct markers m;
    struct diag_list d = DIAG_LIST_INIT;
    char out[128];

    cr_assert_eq(strip("材料 {if a=1}x}", ALL, &m, &d, out), 1);
    cr_assert_not(m.has_cond);
    cr_assert_str_eq(out, "材料 {if a=1}x}");
    expect_diag(&d, LINE, DIAG_ERROR, "要写在这一行的最后");
    marker_free(&m);
    diag_list_free(&d);
}
