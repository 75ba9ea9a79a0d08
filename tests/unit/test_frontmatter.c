/* Unit tests for frontmatter: the optional `key: value` block, where the
 * body starts after it (byte offset and line shift), every syntax error with
 * its line, and the calendar check of frontmatter_date_parse. */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "frontmatter.h"

#define PATH "employment/labour-handbook.md"
#include "expect.h"

/* ---- diagnostics helpers ---- */

/* Parses a private heap copy of exactly strlen(s) bytes, so ASan catches any
 * read past the end. */
static int parse_n(const char *s, size_t len, struct frontmatter *fm, struct diag_list *d)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    cr_assert_not_null(copy);
    memcpy(copy, s, len);
    rc = frontmatter_parse(PATH, copy, len, fm, d);
    free(copy);
    return rc;
}

static int parse(const char *s, struct frontmatter *fm, struct diag_list *d)
{
    return parse_n(s, strlen(s), fm, d);
}

/* Byte offset of the first occurrence of needle in s. */
static size_t offset_of(const char *s, const char *needle)
{
    const char *p = strstr(s, needle);

    cr_assert_not_null(p, "「%s」 not in input", needle);
    return (size_t)(p - s);
}

static void expect_entry(const struct frontmatter *fm, size_t i, const char *key,
                         const char *value, int line)
{
    cr_assert_lt(i, fm->n, "entry %zu missing (only %zu)", i, fm->n);
    cr_assert_str_eq(fm->items[i].key, key, "entry %zu", i);
    cr_assert_str_eq(fm->items[i].value, value, "entry %zu", i);
    cr_assert_eq(fm->items[i].line, line, "entry %zu line %d", i, fm->items[i].line);
}

/* ---- no block ---- */

Test(frontmatter, no_block)
{
    const char *s = "# 劳动手册办理\n\n正文 key: value\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    cr_assert_eq(fm.n, 0);
    cr_assert_eq(fm.body_offset, 0);
    cr_assert_eq(fm.body_line, 0);
    cr_assert_null(frontmatter_get(&fm, "key"));
    expect_counts(&d, 0, 0);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, dashes_not_on_first_line_are_no_block)
{
    const char *s = "\n---\nfee: 免费\n---\n# T\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    cr_assert_eq(fm.n, 0);
    cr_assert_eq(fm.body_offset, 0);
    cr_assert_eq(fm.body_line, 0);
    expect_counts(&d, 0, 0);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, four_dashes_is_a_thematic_break_not_a_block)
{
    const char *s = "----\nfee: 免费\n----\n# T\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    cr_assert_eq(fm.n, 0);
    cr_assert_eq(fm.body_offset, 0);
    expect_counts(&d, 0, 0);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, empty_input)
{
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse("", &fm, &d), 0);
    cr_assert_eq(fm.n, 0);
    cr_assert_eq(fm.body_offset, 0);
    cr_assert_eq(fm.body_line, 0);
    expect_counts(&d, 0, 0);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

/* ---- a block ---- */

Test(frontmatter, block_entries_lines_and_body)
{
    const char *s = "---\n"
                    "version: 2026-03-01\n"
                    "fee:   免费  \n"
                    "hours: 周一至周五 9:00-17:00\n"
                    "basis:\n"
                    "keywords: 劳动手册, 就业创业证,失业登记\n"
                    "---\n"
                    "# 劳动手册办理\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;
    const struct fm_entry *e;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 5);
    expect_entry(&fm, 0, "version", "2026-03-01", 2);
    expect_entry(&fm, 1, "fee", "免费", 3);
    /* only the first ':' separates; the value keeps the others */
    expect_entry(&fm, 2, "hours", "周一至周五 9:00-17:00", 4);
    expect_entry(&fm, 3, "basis", "", 5);
    expect_entry(&fm, 4, "keywords", "劳动手册, 就业创业证,失业登记", 6);
    cr_assert_eq(fm.body_offset, offset_of(s, "# 劳动手册办理"));
    cr_assert_eq(fm.body_line, 7);
    e = frontmatter_get(&fm, "hours");
    cr_assert_not_null(e);
    cr_assert_eq(e->line, 4);
    cr_assert_null(frontmatter_get(&fm, "phone"));
    frontmatter_free(&fm);
    cr_assert_eq(fm.n, 0);
    cr_assert_null(fm.items);
    diag_list_free(&d);
}

Test(frontmatter, block_at_end_of_file)
{
    const char *s = "---\nfee: 免费\n---";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 1);
    expect_entry(&fm, 0, "fee", "免费", 2);
    cr_assert_eq(fm.body_offset, strlen(s));
    cr_assert_eq(fm.body_line, 3);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, empty_block)
{
    const char *s = "---\n---\n# T\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 0);
    cr_assert_eq(fm.body_offset, 8);
    cr_assert_eq(fm.body_line, 2);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, fences_with_trailing_white_space)
{
    const char *s = "--- \t\nfee: 免费\n---  \n# T\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 1);
    expect_entry(&fm, 0, "fee", "免费", 2);
    cr_assert_eq(fm.body_offset, offset_of(s, "# T"));
    cr_assert_eq(fm.body_line, 3);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, byte_order_mark)
{
    const char *s = "\xEF\xBB\xBF---\nfee: 免费\nphone: 0535-0000000\n---\n# T\n";
    const char *nb = "\xEF\xBB\xBF# T\n正文\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 2);
    expect_entry(&fm, 0, "fee", "免费", 2);
    expect_entry(&fm, 1, "phone", "0535-0000000", 3);
    cr_assert_eq(fm.body_offset, offset_of(s, "# T"));
    cr_assert_eq(fm.body_line, 4);
    frontmatter_free(&fm);

    /* without a block the BOM is still skipped, and no line is shifted */
    cr_assert_eq(parse(nb, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 0);
    cr_assert_eq(fm.body_offset, 3);
    cr_assert_eq(fm.body_line, 0);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, crlf_line_ends)
{
    const char *s = "---\r\nversion: 2026-03-01\r\nfee: 免费\r\n---\r\n# T\r\n正文\r\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 2);
    /* no CR left in the values */
    expect_entry(&fm, 0, "version", "2026-03-01", 2);
    expect_entry(&fm, 1, "fee", "免费", 3);
    cr_assert_eq(fm.body_offset, offset_of(s, "# T"));
    cr_assert_eq(fm.body_line, 4);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, blank_and_comment_lines_are_skipped_but_counted)
{
    const char *s = "---\n"
                    "\n"
                    "# 这是注释: 不是名称\n"
                    "fee: 免费\n"
                    "   \t\n"
                    "  # 缩进的注释\n"
                    "phone: 0535-0000000\n"
                    "---\n"
                    "# T\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 2);
    expect_entry(&fm, 0, "fee", "免费", 4);
    expect_entry(&fm, 1, "phone", "0535-0000000", 7);
    cr_assert_eq(fm.body_offset, offset_of(s, "# T\n"));
    cr_assert_eq(fm.body_line, 8);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, ideographic_space_around_key_and_value_is_trimmed)
{
    const char *s = "---\n　fee　:　免费　\n---\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 1);
    expect_entry(&fm, 0, "fee", "免费", 2);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

/* ---- errors ---- */

Test(frontmatter, unclosed_block_is_an_error_at_line_1)
{
    const char *s = "---\nfee: 免费\n\nphone: 0535-0000000\n# 劳动手册办理\n\n## 第一步\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 1, DIAG_ERROR, "---");
    expect_diag(&d, 1, DIAG_ERROR, "没有结束");
    /* the entries that parsed are kept */
    cr_assert_eq(fm.n, 2);
    expect_entry(&fm, 0, "fee", "免费", 2);
    expect_entry(&fm, 1, "phone", "0535-0000000", 4);
    /* the block ends at its first line that is not an entry, so the body
     * is still read for what it is */
    cr_assert_eq(fm.body_offset, offset_of(s, "# 劳动手册办理"));
    cr_assert_eq(fm.body_line, 4);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, unclosed_block_ends_at_a_line_without_colon)
{
    const char *s = "---\nfee: 免费\n本事项为失业人员办理。\nphone: 1\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    /* only the real error: no second one for the missing ':' */
    cr_assert_eq(parse(s, &fm, &d), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 1, DIAG_ERROR, "没有结束");
    cr_assert_eq(fm.n, 1);
    expect_entry(&fm, 0, "fee", "免费", 2);
    cr_assert_eq(fm.body_offset, offset_of(s, "本事项"));
    cr_assert_eq(fm.body_line, 2);
    frontmatter_free(&fm);

    /* and at a line whose key is not one */
    cr_assert_eq(parse("---\nfee: 1\nNote: 说明\n", &fm, &d), 1);
    cr_assert_eq(d.errors, 2);
    cr_assert_eq(fm.n, 1);
    cr_assert_eq(fm.body_offset, 11);
    cr_assert_eq(fm.body_line, 2);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, unclosed_block_of_entries_only)
{
    const char *s = "---\nfee: 免费\nphone: 1";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 1, DIAG_ERROR, "没有结束");
    cr_assert_eq(fm.n, 2);
    expect_entry(&fm, 1, "phone", "1", 3);
    cr_assert_eq(fm.body_offset, strlen(s));
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, lone_opening_fence_is_unclosed)
{
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse("---", &fm, &d), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 1, DIAG_ERROR, "没有结束");
    cr_assert_eq(fm.n, 0);
    cr_assert_eq(fm.body_offset, 3);
    frontmatter_free(&fm);

    cr_assert_eq(parse("---\n", &fm, &d), 1);
    cr_assert_eq(d.errors, 2);
    cr_assert_eq(fm.body_offset, 4);
    cr_assert_eq(fm.body_line, 1);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, line_without_colon)
{
    const char *s = "---\nfee: 免费\n费用 免费\nfee2\xef\xbc\x9ax\nphone: 1\n---\n# T\n"; /* 4: a full-width colon */
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 1);
    expect_counts(&d, 2, 0);
    expect_diag(&d, 3, DIAG_ERROR, "冒号");
    expect_diag(&d, 4, DIAG_ERROR, "冒号");
    cr_assert_eq(fm.n, 2);
    expect_entry(&fm, 0, "fee", "免费", 2);
    expect_entry(&fm, 1, "phone", "1", 5);
    /* the block was closed: the body still starts after it */
    cr_assert_eq(fm.body_offset, offset_of(s, "# T"));
    cr_assert_eq(fm.body_line, 6);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

/* A key no known key can be is an unknown key, which the contract makes a
 * warning ("An unknown key is a warning, not an error"), with the known key
 * it most likely meant; only a line with no name at all is an error. */
Test(frontmatter, bad_keys)
{
    const char *s = "---\nFee: 1\nmy-key: 2\nkey2: 3\n: 4\n费用: 5\ngood_key: 6\nTime-Limit: 7\n---\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 1);
    expect_counts(&d, 1, 5);
    expect_diag(&d, 2, DIAG_WARNING, "「Fee」，会被忽略：名称只用小写英文字母和下划线，是不是想写「fee」");
    expect_diag(&d, 3, DIAG_WARNING, "「my-key」，会被忽略：名称只用小写英文字母和下划线，请按说明里的表写");
    expect_diag(&d, 4, DIAG_WARNING, "「key2」");
    expect_diag(&d, 5, DIAG_ERROR, "冒号 : 前面缺少名称");
    expect_diag(&d, 6, DIAG_WARNING, "「费用」");
    expect_diag(&d, 8, DIAG_WARNING, "是不是想写「time_limit」");
    cr_assert_eq(fm.n, 1);
    expect_entry(&fm, 0, "good_key", "6", 7);
    cr_assert_eq(fm.body_line, 9);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, duplicate_key)
{
    const char *s = "---\nfee: 免费\nphone: 1\nfee: 10 元\n---\n# T\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 4, DIAG_ERROR, "「fee」重复");
    /* the first one wins */
    cr_assert_eq(fm.n, 2);
    expect_entry(&fm, 0, "fee", "免费", 2);
    expect_entry(&fm, 1, "phone", "1", 3);
    cr_assert_eq(fm.body_offset, offset_of(s, "# T"));
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, invalid_utf8_value)
{
    const char *s = "---\nfee: \xC3\x28\nphone: 1\n---\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 1);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 2, DIAG_ERROR, "UTF-8");
    cr_assert_eq(fm.n, 1);
    expect_entry(&fm, 0, "phone", "1", 3);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, too_many_entries)
{
    char s[4096];
    size_t off = 0;
    int i;
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    off += (size_t)snprintf(s + off, sizeof s - off, "---\n");
    for (i = 0; i < FM_MAX_ENTRIES + 1; i++) {
        /* keys k_a .. k_zz: letters and '_' only */
        off += (size_t)snprintf(s + off, sizeof s - off, "k_%c%c: %d\n", 'a' + i / 26,
                                'a' + i % 26, i);
    }
    off += (size_t)snprintf(s + off, sizeof s - off, "---\n");
    cr_assert_lt(off, sizeof s);
    cr_assert_eq(parse(s, &fm, &d), 1);
    expect_counts(&d, 1, 0);
    /* entry number 65 sits on line 66 */
    expect_diag(&d, FM_MAX_ENTRIES + 2, DIAG_ERROR, "64");
    cr_assert_eq(fm.n, FM_MAX_ENTRIES);
    cr_assert_eq(fm.body_line, FM_MAX_ENTRIES + 3);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

Test(frontmatter, errors_are_appended_to_an_existing_list)
{
    const char *s = "---\nfee 免费\n---\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(diag_error(&d, "other.md", 9, "earlier"), 0);
    /* errors already in the list do not make a clean block fail */
    cr_assert_eq(parse("---\nfee: 1\n---\n", &fm, &d), 0);
    frontmatter_free(&fm);
    cr_assert_eq(parse(s, &fm, &d), 1);
    cr_assert_eq(d.errors, 2);
    expect_diag(&d, 2, DIAG_ERROR, "冒号");
    frontmatter_free(&fm);
    diag_list_free(&d);
}

/* ---- frontmatter_date_parse ---- */

static void expect_date(const char *s, int y, int m, int d)
{
    int yy = -1, mm = -1, dd = -1;

    cr_assert(frontmatter_date_parse(s, &yy, &mm, &dd), "「%s」 rejected", s);
    cr_assert_eq(yy, y, "%s", s);
    cr_assert_eq(mm, m, "%s", s);
    cr_assert_eq(dd, d, "%s", s);
}

static void expect_no_date(const char *s)
{
    int yy = -7, mm = -7, dd = -7;

    cr_assert_not(frontmatter_date_parse(s, &yy, &mm, &dd), "「%s」 accepted", s);
    /* nothing is stored for a bad date */
    cr_assert_eq(yy, -7, "%s", s);
    cr_assert_eq(mm, -7, "%s", s);
    cr_assert_eq(dd, -7, "%s", s);
}

Test(frontmatter_date, real_dates)
{
    expect_date("2026-03-01", 2026, 3, 1);
    expect_date("2027-12-31", 2027, 12, 31);
    expect_date("2026-01-31", 2026, 1, 31);
    expect_date("2026-04-30", 2026, 4, 30);
    expect_date("2025-02-28", 2025, 2, 28);
}

Test(frontmatter_date, leap_years)
{
    expect_date("2024-02-29", 2024, 2, 29);
    expect_date("2000-02-29", 2000, 2, 29);   /* divisible by 400 */
    expect_date("2028-02-29", 2028, 2, 29);
    expect_no_date("2025-02-29");
    expect_no_date("2026-02-29");
    expect_no_date("2100-02-29");             /* divisible by 100, not 400 */
    expect_no_date("1900-02-29");
    expect_no_date("2024-02-30");
}

Test(frontmatter_date, impossible_days_and_months)
{
    expect_no_date("2026-13-01");
    expect_no_date("2026-00-10");
    expect_no_date("2026-01-00");
    expect_no_date("2026-01-32");
    expect_no_date("2026-04-31");
    expect_no_date("2026-06-31");
    expect_no_date("2026-09-31");
    expect_no_date("2026-11-31");
    expect_no_date("2026-99-99");
}

Test(frontmatter_date, bad_shapes)
{
    expect_no_date("");
    expect_no_date("2026");
    expect_no_date("2026-3-1");
    expect_no_date("2026-03-1");
    expect_no_date("26-03-01");
    expect_no_date("2026/03/01");
    expect_no_date("2026.03.01");
    expect_no_date("20260301");
    expect_no_date("2026-03-01 ");
    expect_no_date(" 2026-03-01");
    expect_no_date("2026-03-01T00:00");
    expect_no_date("2026-03-011");
    expect_no_date("２０２６-03-01");
    expect_no_date("2026年3月1日");
    expect_no_date("abcd-ef-gh");
    expect_no_date("+026-03-01");
    expect_no_date("2026--3-01");
    expect_no_date("today");
}

/* A bare CR ends a line, as CommonMark reads the body: a file saved with
 * CR line endings has its front matter read, with the same line numbers. */
Test(frontmatter, cr_line_endings)
{
    const char *s = "---\rfee: 免费\rphone: 1\r---\r# T\r";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 0);
    cr_assert_eq(fm.n, 2);
    expect_entry(&fm, 0, "fee", "免费", 2);
    expect_entry(&fm, 1, "phone", "1", 3);
    cr_assert_eq(fm.body_offset, offset_of(s, "# T"));
    cr_assert_eq(fm.body_line, 4);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

/* ---- pinned by a mutation review of frontmatter.c ---- */

/* A key is at most 32 characters: one of 32 is an entry, one of 33 an
 * unknown key (a warning), never copied into the 33-byte key buffer. */
Test(frontmatter, key_length_bound)
{
    const char *s = "---\n"
                    "abcdefghijklmnopqrstuvwxyzabcdef: 32\n"
                    "abcdefghijklmnopqrstuvwxyzabcdefg: 33\n"
                    "---\n";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0);
    expect_counts(&d, 0, 1);
    expect_diag(&d, 3, DIAG_WARNING, "abcdefghijklmnopqrstuvwxyzabcdefg");
    cr_assert_eq(fm.n, 1);
    expect_entry(&fm, 0, "abcdefghijklmnopqrstuvwxyzabcdef", "32", 2);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

/* A space in a key is hinted like '-': "time limit" meant time_limit. */
Test(frontmatter, a_space_in_a_key_gets_the_hint)
{
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse("---\ntime limit: 5个工作日\n---\n", &fm, &d), 0);
    expect_counts(&d, 0, 1);
    expect_diag(&d, 2, DIAG_WARNING, "是不是想写「time_limit」");
    frontmatter_free(&fm);
    diag_list_free(&d);
}

/* Every key of the docs' table and of the chain is known. */
Test(frontmatter, known_keys)
{
    static const char *const keys[] = {"id", "kind", "version", "review_by", "effective",
                                       "time_limit", "fee", "responsible", "basis", "location",
                                       "hours", "phone", "audience", "keywords", "order",
                                       "pickup", "visit", "followup", "review_body", "court"};
    size_t i;

    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert(frontmatter_key_known(keys[i]), "%s", keys[i]);
    cr_assert_not(frontmatter_key_known("title"));
}

/* Docs: "dates from year 1900". */
Test(frontmatter_date, from_1900)
{
    expect_date("1900-01-01", 1900, 1, 1);
    expect_no_date("1899-12-31");
    expect_no_date("0999-01-01");
}

/* A block whose closing fence is the last byte's line, ended by a bare CR:
 * the CR is a line end with nothing after it. The parse helper's exact-size
 * copy makes a look at the byte past the end a failure under ASan
 * (make check-asan). */
Test(frontmatter, a_cr_at_the_very_end)
{
    const char *s = "---\rfee: 1\r---\r";
    struct frontmatter fm;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(s, &fm, &d), 0, "%s", dump(&d));
    expect_counts(&d, 0, 0);
    expect_entry(&fm, 0, "fee", "1", 2);
    cr_assert_eq(fm.body_offset, strlen(s));
    cr_assert_eq(fm.body_line, 3);
    frontmatter_free(&fm);
    diag_list_free(&d);
}

/* A date in another shape (a notice's 2027年1月1日, a habit's 2027/1/1) is
 * read for the message that gives it as it should be written; an
 * impossible date, a two-digit year or a mixed separator is not. */
Test(frontmatter, a_loose_date_is_read_for_the_message)
{
    static const struct {
        const char *s;
        int ymd;
        size_t used;
    } ok[] = {
        {"2027-1-1", 20270101, 8},     {"2027/01/31 班", 20270131, 10}, {"2027.2.20", 20270220, 9},
        {"2027年2月9日 休", 20270209, 15}, {"2027年10月1", 20271001, 13}, {"2027-02-11休", 20270211, 10},
    };
    static const char *const bad[] = {"2027-2-30", "27-1-1", "2027-1/1", "2027年1-1", "2027-", "二〇二七年", "", "2027-001-01"};
    size_t i, used;
    int y, m, d;

    for (i = 0; i < sizeof ok / sizeof *ok; i++) {
        cr_assert(frontmatter_date_loose(ok[i].s, &y, &m, &d, &used), "%s", ok[i].s);
        cr_assert_eq(y * 10000 + m * 100 + d, ok[i].ymd, "%s", ok[i].s);
        cr_assert_eq(used, ok[i].used, "%s: %zu", ok[i].s, used);
    }
    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert(!frontmatter_date_loose(bad[i], &y, &m, &d, &used), "%s", bad[i]);
}
