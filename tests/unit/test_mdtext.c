/* Unit tests of src/mdtext.c: the plain text of inline Markdown (the
 * triage's and the directory's data) and the list-of-entries reader of
 * _posts.md and _calendar.md, with the contract of include/mdtext.h. */
#include <criterion/criterion.h>

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "mdlimit.h"
#include "mdtext.h"

#define PATH "_posts.md"
#include "expect.h"

/* A line break inside a paragraph is a space; a code span's inner spaces
 * are trimmed with the rest; the first link's destination is given. */
Test(mdtext, inline_text_breaks_code_and_first_link)
{
    static const char md[] = "`  a  ` **b**\nc [one](/u1) [two](/u2)\n";
    cmark_node *doc = cmark_parse_document(md, sizeof md - 1, CMARK_OPT_DEFAULT);
    const char *url;
    char *t;

    cr_assert_not_null(doc);
    t = mdtext_inline(cmark_node_first_child(doc), &url);
    cr_assert_str_eq(t, "a  b c one two");
    cr_assert_str_eq(url, "/u1", "the first link, not the last");
    free(t);
    cmark_node_free(doc);
}

struct seen {
    int n, lines[4], stop_at;
    char text[4][32];
};

static int collect(void *ctx, const char *text, int line)
{
    struct seen *s = ctx;

    if (s->n < 4) {
        snprintf(s->text[s->n], sizeof s->text[s->n], "%s", text);
        s->lines[s->n] = line;
    }
    return ++s->n == s->stop_at ? -1 : 0;
}

/* File lines count the front matter; an unused key is a warning at its
 * line; a file of exactly max bytes is read. */
Test(mdtext, list_items_lines_and_front_matter)
{
    static const char md[] = "---\nowner: x\n---\n# 岗位\n\n- window 窗口\n- civil 民政\n";
    struct diag_list d = DIAG_LIST_INIT;
    struct seen s = {0};

    cr_assert_eq(mdtext_list_items(PATH, "岗位文件", md, sizeof md - 1, sizeof md - 1, collect, NULL, &s,
                                   &d), 0, "%s", dump(&d));
    cr_assert_eq(s.n, 2);
    cr_assert_str_eq(s.text[0], "window 窗口");
    cr_assert_eq(s.lines[0], 6);
    cr_assert_eq(s.lines[1], 7);
    expect_counts(&d, 0, 1);
    cr_assert(has_diag(&d, 2, DIAG_WARNING, "owner"), "%s", dump(&d));
    diag_list_free(&d);
}

/* One byte over max, or past cmark's bounds: 1 with an error, no item. A
 * callback's -1 stops the reading and is passed on. */
Test(mdtext, list_items_refusals_and_stop)
{
    static const char md[] = "- a\n- b\n- c\n";
    struct diag_list d = DIAG_LIST_INIT;
    struct seen s = {0};
    char deep[MDLIMIT_MAX_DEPTH + 8];

    cr_assert_eq(mdtext_list_items(PATH, "岗位文件", md, sizeof md - 1, sizeof md - 2, collect, NULL, &s,
                                   &d), 1);
    cr_assert_eq(s.n, 0);
    expect_counts(&d, 1, 0);
    diag_list_free(&d);

    memset(deep, '>', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    cr_assert_eq(mdtext_list_items(PATH, "岗位文件", deep, strlen(deep), 4096, collect, NULL, &s, &d), 1);
    expect_counts(&d, 1, 0);
    diag_list_free(&d);

    s.stop_at = 1;
    cr_assert_eq(mdtext_list_items(PATH, "岗位文件", md, sizeof md - 1, 4096, collect, NULL, &s, &d), -1);
    cr_assert_eq(s.n, 1, "no item after the callback said stop");
    diag_list_free(&d);
}

/* A hard line break (two spaces at a line's end) is a space like a soft
 * one; an image's destination is not a link's; with no link *url is NULL
 * whatever it held. */
Test(mdtext, inline_text_hard_break_image_and_no_link)
{
    static const char md[] = "a  \nb ![图](/img.png) [办事](/u)\n\nc\n";
    cmark_node *doc = cmark_parse_document(md, sizeof md - 1, CMARK_OPT_DEFAULT);
    const char *url = "stale";
    char *t;

    cr_assert_not_null(doc);
    t = mdtext_inline(cmark_node_first_child(doc), &url);
    cr_assert_str_eq(t, "a b 图 办事");
    cr_assert_str_eq(url, "/u", "the link, not the image before it");
    free(t);
    url = "stale";
    t = mdtext_inline(cmark_node_next(cmark_node_first_child(doc)), &url);
    cr_assert_str_eq(t, "c");
    cr_assert_null(url);
    free(t);
    cmark_node_free(doc);
}

/* A file that is not UTF-8 is refused whole (1, one error, no item); a
 * mistake in its front matter is an error like any other, not the -1 of
 * memory run out, and the list is still read. */
Test(mdtext, list_items_bad_utf8_and_bad_front_matter)
{
    static const char bad[] = "- a\n- \xff\n";
    static const char fm[] = "---\nno colon here\n---\n- a\n";
    struct diag_list d = DIAG_LIST_INIT;
    struct seen s = {0};

    cr_assert_eq(mdtext_list_items(PATH, "岗位文件", bad, sizeof bad - 1, 4096, collect, NULL, &s, &d), 1);
    cr_assert_eq(s.n, 0);
    expect_counts(&d, 1, 0);
    diag_list_free(&d);

    cr_assert_eq(mdtext_list_items(PATH, "岗位文件", fm, sizeof fm - 1, 4096, collect, NULL, &s, &d), 0, "%s",
                 dump(&d));
    cr_assert_eq(s.n, 1);
    expect_diag(&d, 2, DIAG_ERROR, "冒号");
    diag_list_free(&d);
}

/* stray sees, in file order with the items, the first text of each line
 * outside the top-level lists: a paragraph's lines, a quote's list, an
 * indented block's lines and a fenced block's (below its fence), at their
 * file lines past the front matter; not an HTML block nor a heading. Its
 * -1 stops the reading and is passed on. */
Test(mdtext, list_items_stray_lines_in_file_order)
{
    static const char md[] = "---\n---\n# t\n\n- a\n\nb\n*c*\n\n> - d\n\n<!-- x -->\n\n"
                             "    e\n    f\n\n```\ng\n```\n";
    static const int lines[] = {5, 7, 8, 10};
    static const char *const texts[] = {"a", "b", "c", "d"};
    struct diag_list d = DIAG_LIST_INIT;
    struct seen s = {0};
    int i;

    cr_assert_eq(mdtext_list_items(PATH, "岗位文件", md, sizeof md - 1, 4096, collect, collect, &s, &d),
                 0, "%s", dump(&d));
    cr_assert_eq(s.n, 7, "a, b, c, d, e, f, g: %d", s.n);
    for (i = 0; i < 4; i++) {
        cr_assert_str_eq(s.text[i], texts[i]);
        cr_assert_eq(s.lines[i], lines[i], "%s at %d", texts[i], s.lines[i]);
    }
    diag_list_free(&d);

    memset(&s, 0, sizeof s);
    s.stop_at = 2;
    cr_assert_eq(mdtext_list_items(PATH, "岗位文件", md, sizeof md - 1, 4096, collect, collect, &s, &d),
                 -1);
    cr_assert_eq(s.n, 2, "nothing after the stray's -1");
    diag_list_free(&d);
}

/* The lines of code blocks: an indented one's from its first line (cmark
 * counts the blank line after it into its end), a fenced one's from the
 * line below its fence. */
static int code_lines(void *ctx, const char *text, int line)
{
    if (text[0] == 'e' || text[0] == 'f' || text[0] == 'g')
        return collect(ctx, text, line);
    return 0;
}

Test(mdtext, list_items_stray_code_block_lines)
{
    static const char md[] = "---\n---\n# t\n\n    e\n    f\n\n```\ng\n```\n";
    struct diag_list d = DIAG_LIST_INIT;
    struct seen s = {0};

    cr_assert_eq(mdtext_list_items(PATH, "岗位文件", md, sizeof md - 1, 4096, collect, code_lines, &s,
                                   &d), 0, "%s", dump(&d));
    cr_assert_eq(s.n, 3);
    cr_assert_eq(s.lines[0], 5);
    cr_assert_eq(s.lines[1], 6);
    cr_assert_eq(s.lines[2], 9, "below the fence: %d", s.lines[2]);
    diag_list_free(&d);
}
