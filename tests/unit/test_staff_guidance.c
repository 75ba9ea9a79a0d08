/* Unit tests for staff-only guidance in procedure files: a step's block
 * quote whose first line ends with `{staff}` goes to the step's staff_html
 * and nowhere else (not the step HTML, the search text, the public JSON or
 * the print sheet, which gives the other quotes of a step of papers);
 * `{staff}` anywhere else is an error with its line. */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "marker.h"
#include "procedure.h"
#include "render.h"

#define PATH "employment/labour-handbook.md"
#include "expect.h"
#include "procsrc.h"

static int parse(const char *text, struct procedure **p, struct diag_list *d)
{
    return procsrc_parse("labour-handbook", "employment", text, p, d);
}

static struct procedure *parse_ok(const char *text)
{
    struct procedure *p;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(text, &p, &d), 0, "%s", dump(&d));
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
    return p;
}

static void has(const char *hay, const char *needle)
{
    cr_assert_not_null(hay);
    cr_assert(strstr(hay, needle), "「%s」 not in:\n%s", needle, hay);
}

static void lacks(const char *hay, const char *needle)
{
    cr_assert(!hay || !strstr(hay, needle), "「%s」 unexpectedly in:\n%s", needle, hay);
}

static const char DOC[] =
    "---\n"
    "phone: 0535-0000000\n"
    "---\n"
    "# 劳动手册办理\n"
    "\n"
    "为失业人员办理劳动手册。\n"
    "\n"
    "## 准备材料\n"
    "- [ ] 本人居民身份证原件\n"
    "\n"
    "> 照片须为白底彩色照片。\n"
    "\n"
    "> 核对身份证原件与复印件是否一致 {staff}\n"
    "> 在系统里查询**参保状态**,有在缴记录的不予登记。\n"
    "\n"
    "## 填写登记表\n"
    "```form\n"
    "name | 姓名 | text | required\n"
    "```\n"
    "\n"
    "> {staff}\n"
    "> 姓名须与身份证一致。\n"
    "\n"
    "> 第二段窗口提示 {staff}\n"
    "\n"
    "## 窗口审核\n"
    "工作人员核对原件。\n";

Test(staff_guidance, goes_to_staff_html_only)
{
    struct procedure *p = parse_ok(DOC);
    char *json, *print;

    cr_assert_eq(p->n_steps, 3);
    /* the tip stays public, the staff quote does not */
    has(p->steps[0].html, "白底彩色");
    lacks(p->steps[0].html, "核对身份证原件");
    has(p->steps[0].staff_html, "<blockquote>");
    has(p->steps[0].staff_html, "核对身份证原件与复印件是否一致");
    has(p->steps[0].staff_html, "<strong>参保状态</strong>");
    lacks(p->steps[0].staff_html, "{staff}");
    lacks(p->steps[0].staff_html, "白底彩色");
    /* a marker-only first line leaves no empty line behind; two quotes
     * of one step are kept in file order */
    has(p->steps[1].staff_html, "<blockquote>\n<p>姓名须与身份证一致。</p>");
    cr_assert(strstr(p->steps[1].staff_html, "姓名须与身份证一致") <
              strstr(p->steps[1].staff_html, "第二段窗口提示"));
    cr_assert_null(p->steps[2].staff_html);

    lacks(p->search_text, "核对身份证原件");
    lacks(p->search_text, "参保状态");
    lacks(p->search_text, "第二段窗口提示");
    has(p->search_text, "白底彩色");

    json = render_procedure_detail(p);
    print = render_procedure_print(p);
    lacks(json, "核对身份证原件");
    lacks(json, "参保状态");
    lacks(json, "姓名须与身份证一致");
    lacks(json, "staff");
    has(json, "白底彩色");
    lacks(print, "核对身份证原件");
    lacks(print, "参保状态");
    lacks(print, "姓名须与身份证一致");
    /* the one-page notice gives the tip of the step of papers (the
     * resident who reads only it brings the right photo), never guidance */
    has(p->steps[0].tips_html, "白底彩色");
    lacks(p->steps[0].tips_html, "核对身份证原件");
    cr_assert_null(p->steps[1].tips_html, "a step whose only quote is guidance has no tip");
    has(print, "白底彩色");
    has(print, "办理步骤");
    free(json);
    free(print);
    procedure_free(p);
}

Test(staff_guidance, cjk_lines_joined_and_links_rewritten)
{
    struct procedure *p = parse_ok("# 标题\n\n## 步骤\n办理。\n\n"
                                   "> 看[样表](../_assets/form.png)核对 {staff}\n"
                                   "> 第二行\n");

    has(p->steps[0].staff_html, "/media/form.png");
    /* the editor's line break between Chinese characters is dropped, as in
     * public text, once the marker is off the first line */
    has(p->steps[0].staff_html, "核对第二行");
    procedure_free(p);
}

/* A diagnostic at line with the staff message. */
static void staff_error_at(const char *text, int line)
{
    struct procedure *p;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(text, &p, &d), 1, "%s", dump(&d));
    cr_assert_null(p);
    expect_diag(&d, line, DIAG_ERROR, "{staff} 只能写在步骤里引用块");
    diag_list_free(&d);
}

Test(staff_guidance, misuse_is_an_error_with_its_line)
{
    /* a paragraph of a step */
    staff_error_at("# 标题\n\n## 步骤\n窗口核对 {staff}\n", 4);
    /* a later line of a step's paragraph */
    staff_error_at("# 标题\n\n## 步骤\n第一行\n窗口核对 {staff}\n第三行\n", 5);
    /* the second line of a step's block quote, not its first */
    staff_error_at("# 标题\n\n## 步骤\n> 提示\n> 窗口核对 {staff}\n> 第三行\n", 5);
    /* the last line of a two-line quote: the quote is public */
    staff_error_at("# 标题\n\n## 步骤\n> 提示\n> 窗口核对 {staff}\n", 5);
    /* a block quote in the summary and in an information section */
    staff_error_at("# 标题\n\n> 窗口核对 {staff}\n\n## 步骤\n办理。\n", 3);
    staff_error_at("# 标题\n\n## 注意事项\n> 窗口核对 {staff}\n\n## 步骤\n办理。\n", 4);
    /* a heading, the title, a checklist item, a form line, a list item */
    staff_error_at("# 标题\n\n## 步骤 {staff}\n办理。\n", 3);
    staff_error_at("# 标题 {staff}\n\n## 步骤\n办理。\n", 1);
    staff_error_at("# 标题\n\n## 步骤\n- [ ] 身份证 {staff}\n", 4);
    staff_error_at("# 标题\n\n## 步骤\n```form\nname | 姓名 | text | required {staff}\n```\n", 5);
    staff_error_at("# 标题\n\n## 步骤\n- 窗口核对 {staff}\n", 4);
    /* a quote nested in a list of a step */
    staff_error_at("# 标题\n\n## 步骤\n- 一项\n\n  > 窗口核对 {staff}\n", 6);
    /* twice on one line */
    {
        struct procedure *p;
        struct diag_list d = DIAG_LIST_INIT;
        cr_assert_eq(parse("# 标题\n\n## 步骤\n> 核对 {staff} {staff}\n", &p, &d), 1);
        expect_diag(&d, 4, DIAG_ERROR, "{staff} 重复写了两次");
        diag_list_free(&d);
    }
    /* other markers on the staff line are errors as anywhere else */
    {
        struct procedure *p;
        struct diag_list d = DIAG_LIST_INIT;
        cr_assert_eq(parse("# 标题\n\n## 步骤\n> 核对 {optional} {staff}\n", &p, &d), 1);
        expect_diag(&d, 4, DIAG_ERROR, "{optional}");
        cr_assert_eq(d.errors, 1, "%s", dump(&d));
        diag_list_free(&d);
    }
}

Test(staff_guidance, public_quotes_and_code_are_left_alone)
{
    /* {staff} inside code is text; a quote without the marker is a tip */
    struct procedure *p = parse_ok("# 标题\n\n## 步骤\n> 提示\n\n```\n核对 {staff}\n```\n");

    has(p->steps[0].html, "提示");
    has(p->steps[0].html, "{staff}");
    cr_assert_null(p->steps[0].staff_html);
    procedure_free(p);
}

Test(staff_guidance, marker_strip_flag)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct markers m;
    const char *s = "核对原件 {staff}";
    size_t n = strlen(s);

    cr_assert_eq(marker_strip(PATH, 1, s, &n, MARK_STAFF, &m, &d), 0, "%s", dump(&d));
    cr_assert(m.staff);
    cr_assert_eq(n, strlen("核对原件"));
    marker_free(&m);
    n = strlen(s);
    cr_assert_eq(marker_strip(PATH, 1, s, &n, MARK_OPTIONAL | MARK_IF, &m, &d), 1);
    expect_diag(&d, 1, DIAG_ERROR, "{staff} 只能写在步骤里引用块");
    marker_free(&m);
    diag_list_free(&d);
}

/* ---- render_practice_key: what a practice pass is held to ---------------- */

static const char KEYED[] = "---\nversion: 2026-01-01\n---\n# 劳动手册\n\n说明。\n\n"
                            "## 办理条件\n- 本市户籍\n\n"
                            "## 第一步：材料\n- [ ] 身份证 {#id_card}\n\n> 核对原件。 {staff}\n\n"
                            "```form\nname | 姓名 | text | required max=20\n```\n";

static void key_of(const char *text, char out[RENDER_PRACTICE_KEY_LEN + 1])
{
    struct procedure *p = parse_ok(text);

    cr_assert_eq(render_practice_key(p, out), 0);
    cr_assert_eq(strlen(out), RENDER_PRACTICE_KEY_LEN);
    procedure_free(p);
}

static char *swap(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);

    cr_assert_not_null(at, "%s", from);
    cr_assert_not_null(s);
    snprintf(s, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return s;
}

Test(practice_key, prose_keeps_it_rules_change_it)
{
    static const char *const same[][2] = {
        {"说明。", "说明，改了。"},                 /* the summary */
        {"## 第一步：材料", "## 第一步：准备材料"}, /* a step's title */
        {"核对原件。", "核对原件和有效期。"},       /* a {staff} tip */
        {"version: 2026-01-01", "version: 2026-02-01"},
    };
    static const char *const differ[][2] = {
        {"- 本市户籍", "- 本省户籍"},                          /* a condition */
        {"- [ ] 身份证 {#id_card}", "- [ ] 身份证原件 {#id_card}"}, /* a paper's text */
        {"- [ ] 身份证 {#id_card}", "- [ ] 身份证 {optional} {#id_card}"},
        {"required max=20", "required max=30"},                /* a rule */
        {"| 姓名 |", "| 申请人姓名 |"},                          /* a field's label */
    };
    char base[RENDER_PRACTICE_KEY_LEN + 1], k[RENDER_PRACTICE_KEY_LEN + 1];
    size_t i;

    key_of(KEYED, base);
    for (i = 0; i < sizeof same / sizeof same[0]; i++) {
        char *t = swap(KEYED, same[i][0], same[i][1]);
        key_of(t, k);
        cr_assert_str_eq(k, base, "changed by %s", same[i][1]);
        free(t);
    }
    for (i = 0; i < sizeof differ / sizeof differ[0]; i++) {
        char *t = swap(KEYED, differ[i][0], differ[i][1]);
        key_of(t, k);
        cr_assert_str_neq(k, base, "not changed by %s", differ[i][1]);
        free(t);
    }
}
