/* Unit tests for vdiff, the part-by-part differences between two versions
 * of a procedure: the same file gives only same parts; a changed line in a
 * step is one removed and one added line among the same ones; an added and
 * a removed step; a moved step found by its title and a renamed one by its
 * position; items' and fields' lines (必需/可选, rules, {if}) and {staff}
 * guidance; the conditions as one part; the facts of the front matter
 * and the notice key (the same for a review date moved on); the bounds (lines per part, the
 * LCS table) and the HTML's plain-text lines. */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "hall.h"
#include "procedure.h"
#include "strbuf.h"
#include "utf8.h"
#include "vdiff.h"

#define PATH "elderly/vdiff-test.md"
#include "expect.h"
#include "procsrc.h"

static struct procedure *parse_ok(const char *text)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct procedure *p = NULL;

    cr_assert_eq(procsrc_parse("vdiff-test", "elderly", text, &p, &d), 0, "%s", dump(&d));
    diag_list_free(&d);
    return p;
}

/* The parts of from → to. */
static void build(const char *from, const char *to, struct vdiff *d)
{
    struct procedure *a = parse_ok(from), *b = parse_ok(to);

    cr_assert_eq(vdiff_build(a, b, NULL, d), 0);
    procedure_free(a);
    procedure_free(b);
}

/* The part titled title of kind, or fails. */
static const struct vdiff_part *part(const struct vdiff *d, enum vdiff_kind kind, const char *title)
{
    size_t i;

    for (i = 0; i < d->n_parts; i++)
        if (d->parts[i].kind == kind && strcmp(d->parts[i].title, title) == 0)
            return &d->parts[i];
    cr_assert_fail("no part 「%s」", title);
    return NULL;
}

/* True when part p has a line op text. */
static bool has_line(const struct vdiff_part *p, char op, const char *text)
{
    size_t i;

    for (i = 0; i < p->n_lines; i++)
        if (p->lines[i].op == op && strcmp(p->lines[i].text, text) == 0)
            return true;
    return false;
}

static size_t count_op(const struct vdiff_part *p, char op)
{
    size_t i, n = 0;

    for (i = 0; i < p->n_lines; i++)
        n += p->lines[i].op == op;
    return n;
}

#define HEAD                                                                                     \
    "# 测试事项\n\n说明。\n\n"                                                                    \
    "## 办理条件\n- 本市户籍\n- 年满60周岁\n\n"                                                    \
    "## 注意事项\n材料要带原件。\n\n"

#define STEP1                                                                                    \
    "## 第一步：准备材料\n先准备材料。\n\n"                                                        \
    "- [ ] 身份证原件\n- [ ] 户口簿 {optional}\n\n"                                                \
    "> 核对原件 {staff}\n\n"
#define STEP2                                                                                    \
    "## 第二步：填写申请\n"                                                                        \
    "```form\nname | 姓名 | text | required max=20\nkind | 类别 | choice | required options=甲/乙\n```\n\n"
#define STEP3 "## 第三步：窗口审核\n工作人员核对。\n\n"

Test(vdiff, same_file_is_all_same)
{
    struct vdiff d;

    build(HEAD STEP1 STEP2 STEP3, HEAD STEP1 STEP2 STEP3, &d);
    cr_assert_not(vdiff_any(&d));
    /* the facts, conditions, one section, three steps: each named, none
     * with lines */
    cr_assert_eq(d.n_parts, 6);
    cr_assert_eq(d.parts[0].kind, VDIFF_FACTS);
    cr_assert_eq(d.parts[1].kind, VDIFF_CONDITIONS);
    cr_assert_eq(d.parts[2].kind, VDIFF_SECTION);
    cr_assert_str_eq(d.parts[2].title, "注意事项");
    cr_assert_str_eq(d.parts[3].title, "第一步：准备材料");
    for (size_t i = 0; i < d.n_parts; i++) {
        cr_assert_eq(d.parts[i].change, VDIFF_SAME);
        cr_assert_eq(d.parts[i].n_lines, 0);
    }
    vdiff_free(&d);
}

Test(vdiff, changed_line_in_a_step)
{
    struct vdiff d;
    const struct vdiff_part *p;

    build(HEAD STEP1 STEP2 STEP3,
          HEAD STEP1
          "## 第二步：填写申请\n"
          "```form\nname | 姓名 | text | required max=30\nkind | 类别 | choice | required options=甲/乙\n```\n\n"
          STEP3, &d);
    cr_assert(vdiff_any(&d));
    p = part(&d, VDIFF_STEP, "第二步：填写申请");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(has_line(p, '-', "填写：姓名〔name，text，必填，max=20〕"));
    cr_assert(has_line(p, '+', "填写：姓名〔name，text，必填，max=30〕"));
    cr_assert(has_line(p, '=', "填写：类别〔kind，choice，必填，选项：甲/乙〕"));
    cr_assert(has_line(p, '=', "步骤：填写申请"));
    cr_assert_eq(count_op(p, '-'), 1);
    cr_assert_eq(count_op(p, '+'), 1);
    /* the removed line comes before the added one, in place */
    cr_assert_eq(p->lines[1].op, '-');
    cr_assert_eq(p->lines[2].op, '+');
    cr_assert_eq(part(&d, VDIFF_STEP, "第一步：准备材料")->change, VDIFF_SAME);
    cr_assert_eq(part(&d, VDIFF_CONDITIONS, "办理条件")->change, VDIFF_SAME);
    vdiff_free(&d);
}

Test(vdiff, items_staff_and_conditions)
{
    struct vdiff d;
    const struct vdiff_part *p;

    build(HEAD STEP1 STEP2 STEP3,
          "# 测试事项\n\n说明。\n\n"
          "## 办理条件\n- 本市户籍\n- 年满65周岁\n\n"
          "## 注意事项\n材料要带原件。\n\n"
          "## 第一步：准备材料\n先准备材料。\n\n"
          "- [ ] 身份证原件\n- [ ] 户口簿\n\n"
          "> 核对原件和复印件 {staff}\n\n" STEP2 STEP3, &d);
    p = part(&d, VDIFF_STEP, "第一步：准备材料");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(has_line(p, '-', "材料：户口簿（可选）"));
    cr_assert(has_line(p, '+', "材料：户口簿（必需）"));
    cr_assert(has_line(p, '=', "材料：身份证原件（必需）"));
    cr_assert(has_line(p, '-', "窗口提示：核对原件"));
    cr_assert(has_line(p, '+', "窗口提示：核对原件和复印件"));
    p = part(&d, VDIFF_CONDITIONS, "办理条件");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(has_line(p, '=', "• 本市户籍"));
    cr_assert(has_line(p, '-', "• 年满60周岁"));
    cr_assert(has_line(p, '+', "• 年满65周岁"));
    vdiff_free(&d);
}

Test(vdiff, added_and_removed_steps)
{
    struct vdiff d;
    const struct vdiff_part *p;

    /* step 2 removed, a new step added at the end */
    build(HEAD STEP1 STEP2 STEP3, HEAD STEP1 STEP3 "## 第四步：领取结果\n带回执领取。\n", &d);
    cr_assert_eq(d.n_parts, 7);
    p = part(&d, VDIFF_STEP, "第二步：填写申请");
    cr_assert_eq(p->change, VDIFF_REMOVED);
    cr_assert_eq(count_op(p, '-'), p->n_lines);
    cr_assert(has_line(p, '-', "填写：姓名〔name，text，必填，max=20〕"));
    /* where it stood: after step 1, before step 3 */
    cr_assert_str_eq(d.parts[4].title, "第二步：填写申请");
    cr_assert_str_eq(d.parts[5].title, "第三步：窗口审核");
    cr_assert_eq(d.parts[5].change, VDIFF_SAME);
    p = part(&d, VDIFF_STEP, "第四步：领取结果");
    cr_assert_eq(p->change, VDIFF_ADDED);
    cr_assert(has_line(p, '+', "步骤：领取结果"));
    cr_assert(has_line(p, '+', "带回执领取。"));
    cr_assert_eq(count_op(p, '+'), p->n_lines);
    vdiff_free(&d);
}

Test(vdiff, moved_step_by_title_renamed_by_position)
{
    struct vdiff d;
    const struct vdiff_part *p;

    /* 窗口审核 moves first (renumbered), 填写申请 is renamed in place */
    build(HEAD STEP1 STEP2 STEP3,
          HEAD "## 第一步：窗口审核\n工作人员核对。\n\n"
               "## 第二步：准备材料\n先准备材料。\n\n"
               "- [ ] 身份证原件\n- [ ] 户口簿 {optional}\n\n"
               "> 核对原件 {staff}\n\n"
               "## 第三步：填写申请表\n"
               "```form\nname | 姓名 | text | required max=20\nkind | 类别 | choice | required options=甲/乙\n```\n\n",
          &d);
    /* the author's own numbers do not count: the moved steps are the same */
    cr_assert_eq(part(&d, VDIFF_STEP, "第一步：窗口审核")->change, VDIFF_SAME);
    cr_assert_eq(part(&d, VDIFF_STEP, "第二步：准备材料")->change, VDIFF_SAME);
    p = part(&d, VDIFF_STEP, "第三步：填写申请表");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(has_line(p, '-', "步骤：填写申请"));
    cr_assert(has_line(p, '+', "步骤：填写申请表"));
    cr_assert_eq(count_op(p, '='), 2);
    /* the facts, conditions, a section, three steps: nothing added or removed */
    cr_assert_eq(d.n_parts, 6);
    vdiff_free(&d);
}

/* A procedure whose one step has n text lines: first, "行i", last. Each
 * line ends in a digit: the renderer joins lines broken between two
 * ideographs, as Chinese text wants. */
static char *long_step(size_t n, const char *first, const char *last)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;

    cr_assert_eq(strbuf_printf(&sb, "# 测试事项\n\n说明。\n\n## 长步骤\n%s\n", first), 0);
    for (i = 1; i + 1 < n; i++)
        cr_assert_eq(strbuf_printf(&sb, "行%zu\n", i), 0);
    cr_assert_eq(strbuf_printf(&sb, "%s\n", last), 0);
    return strbuf_take(&sb);
}

Test(vdiff, the_lcs_cap)
{
    struct vdiff d;
    const struct vdiff_part *p;
    char *a, *b;

    /* 150 lines, both ends changed: the middle is under the cap, so the
     * unchanged lines between are found */
    a = long_step(150, "甲1", "乙1");
    b = long_step(150, "丙1", "丁1");
    build(a, b, &d);
    p = part(&d, VDIFF_STEP, "长步骤");
    cr_assert_eq(count_op(p, '-'), 2);
    cr_assert_eq(count_op(p, '+'), 2);
    cr_assert_eq(count_op(p, '='), 149);  /* the title and 行1..行148 */
    vdiff_free(&d);
    free(a);
    free(b);
    /* 250 lines: past VDIFF_LCS_CELLS the middle is all removed then all
     * added — true, only longer */
    a = long_step(250, "甲1", "乙1");
    b = long_step(250, "丙1", "丁1");
    build(a, b, &d);
    p = part(&d, VDIFF_STEP, "长步骤");
    cr_assert_eq(count_op(p, '='), 1);     /* the common head: the title */
    cr_assert_eq(count_op(p, '-'), 250);
    cr_assert_eq(count_op(p, '+'), 250);
    cr_assert_eq(p->lines[1].op, '-');
    cr_assert_eq(p->lines[251].op, '+');
    cr_assert_not(p->truncated);
    vdiff_free(&d);
    free(a);
    free(b);
}

Test(vdiff, lines_per_part_bound)
{
    struct vdiff d;
    const struct vdiff_part *p;
    char *a, *b;

    a = long_step(VDIFF_PART_LINES + 50, "甲1", "乙1");
    b = long_step(VDIFF_PART_LINES + 50, "丙1", "乙1");
    build(a, b, &d);
    p = part(&d, VDIFF_STEP, "长步骤");
    cr_assert(p->truncated);
    cr_assert_eq(count_op(p, '-') + count_op(p, '='), VDIFF_PART_LINES);
    cr_assert(has_line(p, '+', "丙1"));
    vdiff_free(&d);
    free(a);
    free(b);
}

/* A procedure whose one step has n lines "行i", line k written x instead. */
static char *long_step_at(size_t n, size_t k, const char *x)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;

    cr_assert_eq(strbuf_puts(&sb, "# 测试事项\n\n说明。\n\n## 长步骤\n"), 0);
    for (i = 0; i < n; i++)
        cr_assert_eq(i == k ? strbuf_printf(&sb, "%s\n", x) : strbuf_printf(&sb, "行%zu\n", i), 0);
    return strbuf_take(&sb);
}

Test(vdiff, a_change_past_the_lines_shown)
{
    struct vdiff d;
    const struct vdiff_part *p;
    char *a = long_step_at(VDIFF_PART_LINES + 50, VDIFF_PART_LINES + 20, "甲1");
    char *b = long_step_at(VDIFF_PART_LINES + 50, VDIFF_PART_LINES + 20, "乙1");
    char *c = long_step_at(VDIFF_PART_LINES + 50, VDIFF_PART_LINES + 20, "甲1");

    /* the lines listed are the same, the difference lies past them */
    build(a, b, &d);
    p = part(&d, VDIFF_STEP, "长步骤");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(p->truncated);
    cr_assert_eq(count_op(p, '='), VDIFF_PART_LINES);
    cr_assert_eq(count_op(p, '+') + count_op(p, '-'), 0);
    vdiff_free(&d);
    /* and the same long step is the same */
    build(a, c, &d);
    cr_assert_eq(part(&d, VDIFF_STEP, "长步骤")->change, VDIFF_SAME);
    vdiff_free(&d);
    free(a);
    free(b);
    free(c);
}

Test(vdiff, html_lines)
{
    char **lines = NULL;
    size_t n = 0, i;
    bool more = false;

    cr_assert_eq(vdiff_html_lines("<p>a &amp; b &lt;c&gt;\nd</p>\n<ul>\n<li>一</li>\n<li><p>二</p>\n</li>\n</ul>\n"
                                  "<table><tr><th>x</th><td>y</td></tr></table><p>  </p>",
                                  "提示：", &lines, &n, 10, &more), 0);
    cr_assert_eq(n, 5);
    cr_assert_str_eq(lines[0], "提示：a & b <c>");
    cr_assert_str_eq(lines[1], "提示：d");
    cr_assert_str_eq(lines[2], "提示：• 一");
    cr_assert_str_eq(lines[3], "提示：• 二");
    cr_assert_str_eq(lines[4], "提示：x y");
    cr_assert_not(more);
    for (i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    /* the bound: the rest is dropped and said so */
    lines = NULL;
    n = 0;
    cr_assert_eq(vdiff_html_lines("<p>1</p><p>2</p><p>3</p>", "", &lines, &n, 2, &more), 0);
    cr_assert_eq(n, 2);
    cr_assert(more);
    for (i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

Test(vdiff, names)
{
    cr_assert_str_eq(vdiff_kind_name(VDIFF_CONDITIONS), "conditions");
    cr_assert_str_eq(vdiff_kind_name(VDIFF_STEP), "step");
    cr_assert_str_eq(vdiff_change_name(VDIFF_REMOVED), "removed");
    cr_assert_str_eq(vdiff_change_name(VDIFF_SAME), "same");
}

/* The front matter a staffer tells residents is a part of its own, first:
 * a new fee or time limit reached residents while every part said 未改动
 * (a street office's review). A review date moved on is not in it. */
Test(vdiff, the_facts_part)
{
    struct vdiff d;
    const struct vdiff_part *p;

    build("---\ntime_limit: 即来即办\nfee: 免费\nreview_by: 2027-01-01\n---\n" HEAD STEP1,
          "---\ntime_limit: 3个工作日\nfee: 免费\nreview_by: 2028-01-01\npickup: yes\n---\n" HEAD STEP1,
          &d);
    cr_assert(vdiff_any(&d));
    cr_assert_eq(d.parts[0].kind, VDIFF_FACTS);
    p = part(&d, VDIFF_FACTS, "基本信息");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(has_line(p, '-', "办理时限：即来即办"));
    cr_assert(has_line(p, '+', "办理时限：3个工作日"));
    cr_assert(has_line(p, '=', "收费：免费"));
    cr_assert(has_line(p, '=', "事项名称：测试事项"));
    cr_assert(has_line(p, '=', "简介：说明。"));
    cr_assert(has_line(p, '+', "结果在窗口领取：yes"));
    cr_assert_eq(count_op(p, '-') + count_op(p, '+'), 3, "no review_by line");
    cr_assert_str_eq(vdiff_kind_name(VDIFF_FACTS), "facts");
    vdiff_free(&d);
    /* a new name is news too */
    build(HEAD STEP1, "# 测试事项（新）\n\n说明。\n\n## 办理条件\n- 本市户籍\n- 年满60周岁\n\n"
                      "## 注意事项\n材料要带原件。\n\n" STEP1, &d);
    p = part(&d, VDIFF_FACTS, "基本信息");
    cr_assert(has_line(p, '+', "事项名称：测试事项（新）"));
    vdiff_free(&d);
}

/* The notice key and the diff agree: two versions have the same key
 * exactly when the diff shows a staffer nothing (a review date, a blank
 * line, the front matter reordered); a fact, a moved step, a stage's days,
 * the end of a long paragraph or the refusal notice's bodies is news (a
 * code review found each of the last four equal in both). */
#define CHAIN(days)                                                                               \
    "## 办理流程\n```chain\nwindow | 社区受理 | window | 1\nstreet | 街道审核 | street | " days  \
    "\n```\n\n"

static void expect_key_agrees(const char *a_text, const char *b_text, bool same)
{
    char a[VDIFF_KEY_LEN + 1], b[VDIFF_KEY_LEN + 1];
    struct procedure *pa = parse_ok(a_text), *pb = parse_ok(b_text);
    struct vdiff d;

    cr_assert_eq(vdiff_key(pa, a), 0);
    cr_assert_eq(vdiff_key(pb, b), 0);
    cr_assert_eq(strlen(a), VDIFF_KEY_LEN);
    cr_assert_eq(vdiff_build(pa, pb, NULL, &d), 0);
    cr_assert_eq(strcmp(a, b) == 0, same, "key equal for:\n%s\n---\n%s", a_text, b_text);
    cr_assert_eq(vdiff_any(&d), !same, "diff for:\n%s\n---\n%s", a_text, b_text);
    vdiff_free(&d);
    procedure_free(pa);
    procedure_free(pb);
}

Test(vdiff, the_notice_key)
{
    static char long_a[4000], long_b[4000];
    const char *base = "---\nfee: 免费\nreview_by: 2027-01-01\n---\n" HEAD STEP1 STEP2;
    static const char *const other[] = {
        "---\nfee: 10元\nreview_by: 2027-01-01\n---\n" HEAD STEP1 STEP2,
        "---\nfee: 免费\n---\n" HEAD STEP1 STEP2 STEP3,
        "---\nfee: 免费\n---\n" HEAD STEP2 STEP1,
        "---\nfee: 免费\n---\n" HEAD STEP1 "## 第二步：填写申请\n```form\nname | 姓名 | text | required max=30\n```\n",
        "---\nfee: 免费\n---\n# 测试事项\n\n新的说明。\n\n## 办理条件\n- 本市户籍\n- 年满60周岁\n\n"
        "## 注意事项\n材料要带原件。\n\n" STEP1 STEP2,
        "---\nfee: 免费\nreview_body: 区人民政府\n---\n" HEAD STEP1 STEP2,
    };
    size_t i, k;

    expect_key_agrees(base, "---\nreview_by: 2028-06-30\nfee: 免费\n---\n" HEAD STEP1 "\n\n" STEP2, true);
    for (i = 0; i < sizeof other / sizeof other[0]; i++)
        expect_key_agrees(base, other[i], false);
    expect_key_agrees(HEAD CHAIN("10") STEP1, HEAD CHAIN("10") STEP1, true);
    expect_key_agrees(HEAD CHAIN("10") STEP1, HEAD CHAIN("20") STEP1, false);
    /* a paragraph past the 1000 bytes a line keeps, its end edited */
    for (k = 0; k < 2; k++) {
        char *t = k ? long_b : long_a;
        int n = snprintf(t, sizeof long_a, "# 测试事项\n\n说明。\n\n## 第一步：准备\n");
        for (i = 0; i < 400; i++)
            n += snprintf(t + n, sizeof long_a - (size_t)n, "字");
        snprintf(t + n, sizeof long_a - (size_t)n, "%s\n", k ? "乙" : "甲");
    }
    expect_key_agrees(long_a, long_b, false);
}

/* A value the hall fills in is not the file's: another hall phone between
 * two stored versions is no news to staff (a code review: the stored key
 * kept the old phone and the diff, parsed with today's, showed none). */
Test(vdiff, the_halls_values_are_not_news)
{
    char a[VDIFF_KEY_LEN + 1], b[VDIFF_KEY_LEN + 1];
    struct procedure *p;

    cr_assert_eq(hall_contact_set(HALL_PHONE, "0535-1111111"), 0);
    p = parse_ok(HEAD STEP1);
    cr_assert_eq(vdiff_key(p, a), 0);
    procedure_free(p);
    cr_assert_eq(hall_contact_set(HALL_PHONE, "0535-2222222"), 0);
    p = parse_ok(HEAD STEP1);
    cr_assert_str_eq(frontmatter_get(&p->meta, "phone")->value, "0535-2222222");
    cr_assert_eq(vdiff_key(p, b), 0);
    procedure_free(p);
    cr_assert_str_eq(a, b);
    /* the file's own phone is the file's */
    p = parse_ok("---\nphone: 0535-2222222\n---\n" HEAD STEP1);
    cr_assert_eq(vdiff_key(p, b), 0);
    procedure_free(p);
    cr_assert_str_neq(a, b);
}

/* A stage's post by its name in the hall's _posts.md, as the chain view
 * says it (a UI review: 办理环节：窗口受理（window，1个工作日）); the key
 * keeps the id, so a post renamed in _posts.md is no news. */
Test(vdiff, the_stages_posts_by_name)
{
    static const char posts_md[] = "# 岗位\n\n- window 综合窗口（A岗）\n- street 街道\n";
    struct diag_list diags = DIAG_LIST_INIT;
    struct posts *ps = NULL;
    const struct vdiff_part *p;
    struct vdiff d;
    struct procedure *a = parse_ok(HEAD CHAIN("10") STEP1), *b = parse_ok(HEAD CHAIN("20") STEP1);

    cr_assert_eq(posts_parse("_posts.md", posts_md, strlen(posts_md), &ps, &diags), 0);
    cr_assert_eq(vdiff_build(a, b, ps, &d), 0);
    p = part(&d, VDIFF_SECTION, "办理流程");
    cr_assert(has_line(p, '=', "办理环节：社区受理（综合窗口（A岗），1个工作日）"));
    cr_assert(has_line(p, '+', "办理环节：街道审核（街道，20个工作日）"));
    cr_assert(has_line(p, '-', "办理环节：街道审核（街道，10个工作日）"));
    /* the section holding the block is where the stages are shown (its
     * part read 未改动 beside a changed stage under 基本信息), once */
    cr_assert_eq(p->change, VDIFF_CHANGED);
    p = part(&d, VDIFF_FACTS, "基本信息");
    cr_assert_eq(p->change, VDIFF_SAME);
    cr_assert_not(has_line(p, '=', "办理环节：社区受理（综合窗口（A岗），1个工作日）"));
    vdiff_free(&d);
    procedure_free(a);
    procedure_free(b);
    posts_free(ps);
    diag_list_free(&diags);
}

/* A stage of 0 days is done the same working day: 当天, as residents'
 * chain, the receipt and the staff page say it (the diff said 0个工作日
 * beside them); the key keeps its old text, so stored keys still compare
 * and a chain moved from 1 day to 0 is still news. */
Test(vdiff, a_stage_of_no_days_is_the_same_day)
{
    char ka[VDIFF_KEY_LEN + 1], kb[VDIFF_KEY_LEN + 1];
    struct procedure *a = parse_ok(HEAD CHAIN("10") STEP1), *b = parse_ok(HEAD CHAIN("0") STEP1);
    const struct vdiff_part *p;
    struct vdiff d;

    cr_assert_eq(vdiff_build(a, b, NULL, &d), 0);
    p = part(&d, VDIFF_SECTION, "办理流程");
    cr_assert(has_line(p, '-', "办理环节：街道审核（street，10个工作日）"));
    cr_assert(has_line(p, '+', "办理环节：街道审核（street，当天）"));
    cr_assert_not(has_line(p, '+', "办理环节：街道审核（street，0个工作日）"));
    cr_assert_eq(vdiff_key(a, ka), 0);
    cr_assert_eq(vdiff_key(b, kb), 0);
    cr_assert_str_neq(ka, kb);
    vdiff_free(&d);
    procedure_free(a);
    procedure_free(b);
}

/* Two chain sections, the block in the second: its stages are listed under
 * that one (the first was taken, a code review). */
Test(vdiff, the_stages_under_the_section_that_holds_the_block)
{
#define TWO(days)                                                                                 \
    "## 审核流程\n由街道审核。\n\n"                                                                 \
    "## 办理流程\n```chain\nwindow | 社区受理 | window | 1\nstreet | 街道审核 | street | " days     \
    "\n```\n\n"
    struct procedure *a = parse_ok(HEAD TWO("10") STEP1), *b = parse_ok(HEAD TWO("20") STEP1);
    const struct vdiff_part *p;
    struct vdiff d;

    cr_assert_eq(vdiff_build(a, b, NULL, &d), 0);
    p = part(&d, VDIFF_SECTION, "办理流程");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(has_line(p, '+', "办理环节：街道审核（street，20个工作日）"));
    cr_assert_eq(part(&d, VDIFF_SECTION, "审核流程")->change, VDIFF_SAME);
    vdiff_free(&d);
    procedure_free(a);
    procedure_free(b);
#undef TWO
}

/* A line of exactly VDIFF_LINE_MAX bytes is kept whole; one byte more is
 * cut, ended by the digest. */
Test(vdiff, a_line_of_line_max_bytes_is_whole)
{
    char html[VDIFF_LINE_MAX + 16], **lines = NULL;
    size_t n = 0, i;
    bool more = false;

    strcpy(html, "<p>");
    memset(html + 3, 'a', VDIFF_LINE_MAX);
    strcpy(html + 3 + VDIFF_LINE_MAX, "</p>");
    cr_assert_eq(vdiff_html_lines(html, "", &lines, &n, 10, &more), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(strlen(lines[0]), VDIFF_LINE_MAX, "not cut");
    for (i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* A long line of Chinese is cut where a character starts, never inside
 * one: the line goes out in JSON, which must be valid UTF-8. */
Test(vdiff, a_long_line_is_cut_on_a_character)
{
    struct strbuf sb = STRBUF_INIT;
    char **lines = NULL;
    size_t n = 0, i;
    bool more = false;

    cr_assert_eq(strbuf_puts(&sb, "<p>"), 0);
    for (i = 0; i < 400; i++)   /* 1200 bytes; VDIFF_LINE_MAX falls inside a character */
        cr_assert_eq(strbuf_puts(&sb, "中"), 0);
    cr_assert_eq(strbuf_puts(&sb, "</p>"), 0);
    cr_assert_eq(vdiff_html_lines(sb.data, "", &lines, &n, 10, &more), 0);
    cr_assert_eq(n, 1);
    cr_assert(utf8_valid(lines[0], strlen(lines[0])), "%s", lines[0]);
    cr_assert_eq(strncmp(lines[0] + 999, "…", strlen("…")), 0, "cut after 333 characters");
    free(lines[0]);
    free(lines);
    strbuf_free(&sb);
}

/* A step that lost a repeated last line: the common head and the common
 * tail must not overlap (the tail once ran into the head's lines). */
Test(vdiff, a_repeated_last_line_removed)
{
    struct vdiff d;
    const struct vdiff_part *p;

    build("# 测试事项\n\n说明。\n\n## 第一步：准备\n甲1\n\n甲1\n", "# 测试事项\n\n说明。\n\n## 第一步：准备\n甲1\n", &d);
    p = part(&d, VDIFF_STEP, "第一步：准备");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert_eq(p->n_lines, 3);
    cr_assert_eq(count_op(p, '='), 2);
    cr_assert(has_line(p, '-', "甲1"));
    vdiff_free(&d);
}

/* An added part longer than VDIFF_PART_LINES says it was cut, as a
 * changed one does. */
Test(vdiff, an_added_long_part_is_truncated)
{
    struct strbuf sb = STRBUF_INIT;
    struct vdiff d;
    const struct vdiff_part *p;
    size_t i;

    cr_assert_eq(strbuf_puts(&sb, HEAD STEP1 "## 长步骤\n"), 0);
    for (i = 0; i < VDIFF_PART_LINES + 10; i++)
        cr_assert_eq(strbuf_printf(&sb, "行%zu\n", i), 0);
    build(HEAD STEP1, sb.data, &d);
    p = part(&d, VDIFF_STEP, "长步骤");
    cr_assert_eq(p->change, VDIFF_ADDED);
    cr_assert(p->truncated);
    cr_assert_eq(p->n_lines, VDIFF_PART_LINES);
    vdiff_free(&d);
    strbuf_free(&sb);
}

/* One step has no order: no 步骤顺序 line (it would also change the
 * notice key every stored version of a one-step procedure has). */
Test(vdiff, one_step_has_no_order_line)
{
    struct vdiff d;
    const struct vdiff_part *p;
    size_t i;

    build("---\nfee: 免费\n---\n" HEAD STEP1, "---\nfee: 10元\n---\n" HEAD STEP1, &d);
    p = part(&d, VDIFF_FACTS, "基本信息");
    for (i = 0; i < p->n_lines; i++)
        cr_assert_null(strstr(p->lines[i].text, "步骤顺序"), "%s", p->lines[i].text);
    vdiff_free(&d);
}

/* A field made optional is news: 必填 and 选填 are told apart. */
Test(vdiff, a_field_made_optional)
{
    struct vdiff d;
    const struct vdiff_part *p;

    build(HEAD STEP2, HEAD "## 第二步：填写申请\n"
          "```form\nname | 姓名 | text | max=20\nkind | 类别 | choice | required options=甲/乙\n```\n\n", &d);
    p = part(&d, VDIFF_STEP, "第二步：填写申请");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(has_line(p, '-', "填写：姓名〔name，text，必填，max=20〕"));
    cr_assert(has_line(p, '+', "填写：姓名〔name，text，选填，max=20〕"));
    vdiff_free(&d);
}

/* The court printed on the refusal notice is a fact, like the review body. */
Test(vdiff, the_court_is_a_fact)
{
    struct vdiff d;

    build(HEAD STEP1, "---\ncourt: 区人民法院\n---\n" HEAD STEP1, &d);
    cr_assert(has_line(part(&d, VDIFF_FACTS, "基本信息"), '+', "提起诉讼的法院：区人民法院"));
    vdiff_free(&d);
}

/* The LCS table may have exactly VDIFF_LCS_CELLS cells: a 200 × 200
 * middle still finds the unchanged lines. */
Test(vdiff, the_lcs_cap_is_inclusive)
{
    struct vdiff d;
    const struct vdiff_part *p;
    char *a = long_step(200, "甲1", "乙1"), *b = long_step(200, "丙1", "丁1");

    cr_assert_eq(200 * 200, VDIFF_LCS_CELLS);
    build(a, b, &d);
    p = part(&d, VDIFF_STEP, "长步骤");
    cr_assert_eq(count_op(p, '='), 199);  /* the title and 行1..行198 */
    vdiff_free(&d);
    free(a);
    free(b);
}

/* The last step taken out is listed as removed, after the steps kept. */
Test(vdiff, the_last_step_removed)
{
    struct vdiff d;

    build(HEAD STEP1 STEP2 STEP3, HEAD STEP1 STEP2, &d);
    cr_assert_eq(part(&d, VDIFF_STEP, "第三步：窗口审核")->change, VDIFF_REMOVED);
    cr_assert_eq(d.parts[d.n_parts - 1].kind, VDIFF_STEP);
    cr_assert_str_eq(d.parts[d.n_parts - 1].title, "第三步：窗口审核");
    vdiff_free(&d);
}

/* ---- mutation review of src/vdiff.c ---- */

/* Against the empty model (an unreadable old version, changes.c) every
 * part is added, the facts too, and each line of a field says every rule,
 * each {if} (= and ≠) its condition: a rule or a condition changed is news
 * to staff even when the label stays. */
Test(vdiff, against_the_empty_model_every_rule_is_a_line)
{
    static const struct procedure empty;
    struct procedure *b = parse_ok(
        "# 测试事项\n\n说明。\n\n"
        "## 第一步：选择类别\n"
        "```form\nkind | 类别 | choice | required options=甲/乙\n```\n\n"
        "## 第二步：填写申请\n"
        "```form\n"
        "code | 编码 | text | required min=2 max=9 pattern=[0-9]+\n"
        "code2 | 再输一遍 | text | same_as=code {if kind!=乙}\n"
        "birth | 出生日期 | date | not_before=1933-01-02 not_after=today age>=18 age<=60 {if kind=甲}\n"
        "```\n\n"
        "## 第三步：补充材料 {if kind=乙}\n"
        "- [ ] 户口簿 {if kind=甲}\n\n");
    const struct vdiff_part *p;
    struct vdiff d;
    size_t i;

    cr_assert_eq(vdiff_build(&empty, b, NULL, &d), 0);
    cr_assert(vdiff_any(&d), "added parts are news");
    for (i = 0; i < d.n_parts; i++)
        cr_assert_eq(d.parts[i].change, VDIFF_ADDED, "part %zu 「%s」", i, d.parts[i].title);
    p = part(&d, VDIFF_FACTS, "基本信息");
    cr_assert(has_line(p, '+', "事项名称：测试事项"));
    p = part(&d, VDIFF_STEP, "第二步：填写申请");
    cr_assert(has_line(p, '+', "填写：编码〔code，text，必填，min=2，max=9，pattern=[0-9]+〕"));
    cr_assert(has_line(p, '+', "填写：再输一遍〔code2，text，选填，same_as=code〕（条件：kind≠乙）"));
    cr_assert(has_line(p, '+', "填写：出生日期〔birth，date，选填，not_before=1933-01-02，"
                               "not_after=today，age>=18，age<=60〕（条件：kind=甲）"));
    p = part(&d, VDIFF_STEP, "第三步：补充材料");
    cr_assert(has_line(p, '+', "步骤：补充材料（本步条件：kind=乙）"));
    cr_assert(has_line(p, '+', "材料：户口簿（必需）（条件：kind=甲）"));
    vdiff_free(&d);
    procedure_free(b);
}

/* 办理条件 added where there were none is an added part (and news), the
 * other parts the same. */
Test(vdiff, conditions_added)
{
    struct vdiff d;

    build("# 测试事项\n\n说明。\n\n" STEP1,
          "# 测试事项\n\n说明。\n\n## 办理条件\n- 本市户籍\n\n" STEP1, &d);
    cr_assert(vdiff_any(&d));
    cr_assert_eq(part(&d, VDIFF_CONDITIONS, "办理条件")->change, VDIFF_ADDED);
    cr_assert(has_line(part(&d, VDIFF_CONDITIONS, "办理条件"), '+', "• 本市户籍"));
    cr_assert_eq(part(&d, VDIFF_FACTS, "基本信息")->change, VDIFF_SAME);
    vdiff_free(&d);
}

/* Two sections swapped: each is the same, the order is news under the
 * facts; a section renamed with the same text is a changed part whose
 * title line says so. */
Test(vdiff, sections_moved_or_renamed)
{
    struct vdiff d;
    const struct vdiff_part *p;

    build(HEAD STEP1, "# 测试事项\n\n说明。\n\n## 注意事项\n材料要带原件。\n\n"
                      "## 办理条件\n- 本市户籍\n- 年满60周岁\n\n" STEP1, &d);
    p = part(&d, VDIFF_FACTS, "基本信息");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(has_line(p, '-', "说明顺序：办理条件 → 注意事项"));
    cr_assert(has_line(p, '+', "说明顺序：注意事项 → 办理条件"));
    cr_assert_eq(part(&d, VDIFF_SECTION, "注意事项")->change, VDIFF_SAME);
    vdiff_free(&d);

    build(HEAD STEP1, "# 测试事项\n\n说明。\n\n## 办理条件\n- 本市户籍\n- 年满60周岁\n\n"
                      "## 常见问题\n材料要带原件。\n\n" STEP1, &d);
    p = part(&d, VDIFF_SECTION, "常见问题");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(has_line(p, '-', "标题：注意事项"));
    cr_assert(has_line(p, '+', "标题：常见问题"));
    cr_assert(has_line(p, '=', "材料要带原件。"));
    vdiff_free(&d);
}

/* Steps renumbered in another style (第一步 → 第1步) are no news: the
 * order line, like the match, reads the title without its number. */
Test(vdiff, steps_renumbered_are_the_same)
{
    expect_key_agrees(HEAD STEP1 STEP2,
                      HEAD "## 第1步：准备材料\n先准备材料。\n\n"
                           "- [ ] 身份证原件\n- [ ] 户口簿 {optional}\n\n"
                           "> 核对原件 {staff}\n\n"
                           "## 第2步：填写申请\n"
                           "```form\nname | 姓名 | text | required max=20\n"
                           "kind | 类别 | choice | required options=甲/乙\n```\n\n",
                      true);
}

/* Two neighbouring steps both renamed: each is one changed part, paired
 * in order within the gap, not removed and added. */
Test(vdiff, two_neighbouring_steps_renamed)
{
    struct vdiff d;

    build(HEAD STEP1 STEP2 STEP3 "## 第四步：领取结果\n带回执领取。\n",
          HEAD STEP1
          "## 第二步：填写申请表\n"
          "```form\nname | 姓名 | text | required max=20\nkind | 类别 | choice | required options=甲/乙\n```\n\n"
          "## 第三步：窗口复核\n工作人员核对。\n\n"
          "## 第四步：领取结果\n带回执领取。\n", &d);
    cr_assert_eq(part(&d, VDIFF_STEP, "第二步：填写申请表")->change, VDIFF_CHANGED);
    cr_assert_eq(part(&d, VDIFF_STEP, "第三步：窗口复核")->change, VDIFF_CHANGED);
    cr_assert_eq(d.n_parts, 7);
    vdiff_free(&d);
}

/* A step that gained a repeated last line: the common tail must not run
 * into the head on the old side either (a_repeated_last_line_removed's
 * mirror). */
Test(vdiff, a_repeated_last_line_added)
{
    struct vdiff d;
    const struct vdiff_part *p;

    build("# 测试事项\n\n说明。\n\n## 第一步：准备\n甲1\n", "# 测试事项\n\n说明。\n\n## 第一步：准备\n甲1\n\n甲1\n", &d);
    p = part(&d, VDIFF_STEP, "第一步：准备");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert_eq(p->n_lines, 3);
    cr_assert_eq(count_op(p, '='), 2);
    cr_assert_eq(count_op(p, '+'), 1);
    vdiff_free(&d);
}

/* Only the new side past VDIFF_PART_LINES: the part still says it was cut. */
Test(vdiff, a_part_grown_long_is_truncated)
{
    struct strbuf sb = STRBUF_INIT;
    struct vdiff d;
    const struct vdiff_part *p;
    size_t i;

    cr_assert_eq(strbuf_puts(&sb, "# 测试事项\n\n说明。\n\n## 长步骤\n"), 0);
    for (i = 0; i < VDIFF_PART_LINES + 10; i++)
        cr_assert_eq(strbuf_printf(&sb, "行%zu\n", i), 0);
    build("# 测试事项\n\n说明。\n\n## 长步骤\n行0\n", sb.data, &d);
    p = part(&d, VDIFF_STEP, "长步骤");
    cr_assert_eq(p->change, VDIFF_CHANGED);
    cr_assert(p->truncated);
    vdiff_free(&d);
    strbuf_free(&sb);
}

/* Past the lines shown, lines are compared by count and a hash of each
 * line with its end: two lines swapped there, or the same text broken
 * into lines elsewhere, is still a change (and a new notice key). */
static char *long_step_tail(const char *tail)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;

    cr_assert_eq(strbuf_puts(&sb, "# 测试事项\n\n说明。\n\n## 长步骤\n"), 0);
    for (i = 0; i < VDIFF_PART_LINES + 10; i++)
        cr_assert_eq(strbuf_printf(&sb, "行%zu\n", i), 0);
    cr_assert_eq(strbuf_printf(&sb, "\n%s\n", tail), 0);
    return strbuf_take(&sb);
}

Test(vdiff, lines_past_the_cap_swapped_or_rebroken)
{
    static const char *const pairs[][2] = {
        {"甲1\n\n乙2", "乙2\n\n甲1"},
        {"甲1\n\n2", "甲\n\n12"},
    };
    struct vdiff d;
    size_t i;

    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char *a = long_step_tail(pairs[i][0]), *b = long_step_tail(pairs[i][1]);
        build(a, b, &d);
        cr_assert_eq(part(&d, VDIFF_STEP, "长步骤")->change, VDIFF_CHANGED, "pair %zu", i);
        vdiff_free(&d);
        expect_key_agrees(a, b, false);
        free(a);
        free(b);
    }
}

/* The key agrees with the diff for the last information section's text,
 * for a line broken in two (each line is hashed with its end) and for a
 * line past the lines a part lists. */
Test(vdiff, the_notice_key_sees_every_part)
{
    char *a = long_step_at(VDIFF_PART_LINES + 50, VDIFF_PART_LINES + 20, "甲1");
    char *b = long_step_at(VDIFF_PART_LINES + 50, VDIFF_PART_LINES + 20, "乙1");

    expect_key_agrees(HEAD STEP1, "# 测试事项\n\n说明。\n\n## 办理条件\n- 本市户籍\n- 年满60周岁\n\n"
                                  "## 注意事项\n材料要带复印件。\n\n" STEP1, false);
    expect_key_agrees(HEAD "## 第一步：准备\n甲1\n\n2\n", HEAD "## 第一步：准备\n甲\n\n12\n", false);
    expect_key_agrees(a, b, false);
    free(a);
    free(b);
}

/* The notice key is stored with each version (schema 033) and compared
 * with the one a staffer read: a change in how it is made would mark
 * every procedure 已更新 for every staffer on the next start. These are
 * the keys of two fixed files, with and without a chain; if they must
 * change, stored keys have to be migrated with them. */
Test(vdiff, the_notice_key_is_stable)
{
    char k[VDIFF_KEY_LEN + 1];
    struct procedure *p = parse_ok("---\nfee: 免费\ntime_limit: 3个工作日\n---\n" HEAD STEP1 STEP2);

    cr_assert_eq(vdiff_key(p, k), 0);
    cr_assert_str_eq(k, "c214ee04ab5465fb6618d7a237841b41981ee542015cb931a3bef1c0ef06beda");
    procedure_free(p);
    p = parse_ok(HEAD CHAIN("10") STEP1);
    cr_assert_eq(vdiff_key(p, k), 0);
    cr_assert_str_eq(k, "c5460d0a78cf93d1e5837540f305c69bf2157644c631780eb15f6d08c1c50327");
    procedure_free(p);
}

/* White space in a line collapses to one space, tabs too, and none is
 * left at either end; an ampersand that begins no entity stays, &quot;
 * is a quote; a line ends where its block ends, even with no newline
 * after, and the text after the last tag is a line too. */
Test(vdiff, html_lines_spaces_entities_and_ends)
{
    char **lines = NULL;
    size_t n = 0, i;
    bool more = false;

    cr_assert_eq(vdiff_html_lines("<p> a \t b  c </p>AT&T &quot;q&quot;", "", &lines, &n, 10, &more), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(lines[0], "a b c");
    cr_assert_str_eq(lines[1], "AT&T \"q\"");
    cr_assert_not(more);
    for (i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* Lines are added to what the caller has, and *more, once set by a call
 * that dropped some, stays set. */
Test(vdiff, html_lines_add_up)
{
    char **lines = NULL;
    size_t n = 0, i;
    bool more = false;

    cr_assert_eq(vdiff_html_lines("<p>1</p><p>2</p>", "", &lines, &n, 1, &more), 0);
    cr_assert(more);
    cr_assert_eq(vdiff_html_lines("<p>3</p>", "", &lines, &n, 5, &more), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(lines[1], "3");
    cr_assert(more, "a later call that dropped nothing keeps *more");
    for (i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* A kind or change out of range has the empty name, not a read past the
 * table. */
Test(vdiff, names_out_of_range)
{
    cr_assert_str_eq(vdiff_kind_name((enum vdiff_kind)(VDIFF_FACTS + 1)), "");
    cr_assert_str_eq(vdiff_change_name((enum vdiff_change)(VDIFF_REMOVED + 1)), "");
}

/* Two steps of one title (allowed): each is matched to its own old step,
 * in order, so only the second, whose text changed, is changed. */
Test(vdiff, two_steps_of_one_title)
{
    struct vdiff d;

    build("# 测试事项\n\n说明。\n\n## 准备材料\n甲1\n\n## 核对\n核对1\n\n## 准备材料\n乙1\n",
          "# 测试事项\n\n说明。\n\n## 准备材料\n甲1\n\n## 核对\n核对1\n\n## 准备材料\n乙2\n", &d);
    cr_assert_eq(d.n_parts, 4);  /* the facts and three steps */
    cr_assert_eq(d.parts[1].change, VDIFF_SAME);
    cr_assert_eq(d.parts[2].change, VDIFF_SAME);
    cr_assert_eq(d.parts[3].change, VDIFF_CHANGED);
    cr_assert(has_line(&d.parts[3], '-', "乙1"));
    cr_assert(has_line(&d.parts[3], '+', "乙2"));
    vdiff_free(&d);
}

/* A fact written empty says nothing to a resident: the same as none. */
Test(vdiff, an_empty_fact_is_none)
{
    expect_key_agrees(HEAD STEP1, "---\nfee:\n---\n" HEAD STEP1, true);
}
