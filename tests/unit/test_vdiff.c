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
