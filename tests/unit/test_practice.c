/* Unit tests for practice files (practice.h): item ids in the procedure,
 * the parser (what a scenario holds, every syntax error with its line, the
 * bounds), the proof against the procedure (every error at the line of the
 * offending key) and the judge (right and wrong answers, the notes). */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "practice_proof.h"
#include "procedure.h"
#include "strbuf.h"

#define PATH "demo/demo.practice.md"
#include "expect.h"

static const char HASH[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const int TODAY = 20261202;

static const char PROC[] =
    "# 演示事项\n"
    "\n"
    "演示。\n"
    "\n"
    "## 办理条件\n"
    "- 年满 18 周岁\n"
    "- 本市户籍\n"
    "\n"
    "## 第一步：情况\n"
    "\n"
    "```form\n"
    "proxy | 是否代办 | yesno  | required\n"
    "kind  | 办理类型 | choice | required options=首次/补领\n"
    "```\n"
    "\n"
    "## 第二步：材料\n"
    "- [ ] 本人身份证 {#id_card}\n"
    "- [ ] 委托书 {if proxy=yes} {#letter}\n"
    "- [ ] 旧证 {if kind=补领}\n"
    "\n"
    "> 委托书要有本人签名。 {staff}\n"
    "\n"
    "## 第三步：填表\n"
    "\n"
    "```form\n"
    "name      | 姓名         | text  | required max=10\n"
    "id_number | 公民身份号码 | cn_id | required age>=18\n"
    "agent     | 受托人姓名   | text  | required {if proxy=yes}\n"
    "```\n";

static struct procedure *model;

/* The procedure of text (demo/ID.md) parsed without an error; the caller
 * frees it. */
static struct procedure *model_of(const char *id, const char *path, const char *text)
{
    struct procedure_src src;
    struct procedure *p = NULL;
    struct diag_list d = DIAG_LIST_INIT;

    memset(&src, 0, sizeof src);
    src.path = path;
    src.id = id;
    src.category = "demo";
    src.text = text;
    src.len = strlen(text);
    src.hash = HASH;
    cr_assert_eq(procedure_parse(&src, &p, &d), 0, "%s", dump(&d));
    diag_list_free(&d);
    return p;
}

static void setup(void)
{
    model = model_of("demo", "demo/demo.md", PROC);
}

static struct practice *judged;    /* the scenario the judge tests use */

static void teardown(void)
{
    practice_free(judged);
    judged = NULL;
    procedure_free(model);
    model = NULL;
}

TestSuite(practice, .init = setup, .fini = teardown);

/* Parses text (a private heap copy of exactly its bytes). */
static int parse(const char *text, size_t len, struct practice **out, struct diag_list *d)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    cr_assert_not_null(copy);
    memcpy(copy, text, len);
    rc = practice_parse(PATH, copy, len, out, d);
    free(copy);
    return rc;
}

static struct practice *parse_ok(const char *text)
{
    struct practice *pr = NULL;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(text, strlen(text), &pr, &d), 0, "%s", dump(&d));
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
    return pr;
}

/* One scenario whose case block holds lines: its k-th line is at file
 * line 4 + k. */
static char *one(const char *lines)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n## 场景\n```case\n%s```\n", lines), 0);
    return strbuf_take(&sb);
}

/* The proof of one scenario: exactly one error, at line, containing sub. */
static void prove_error(const char *lines, int line, const char *sub)
{
    char *text = one(lines);
    struct practice *pr = parse_ok(text);
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(practice_proof_check(PATH, pr, model, TODAY, &d), 1, "proved:\n%s", text);
    expect_diag(&d, line, DIAG_ERROR, sub);
    expect_counts(&d, 1, 0);
    diag_list_free(&d);
    practice_free(pr);
    free(text);
}

/* The parse of one scenario: exactly one error, at line, containing sub. */
static void parse_error(const char *text, int line, const char *sub)
{
    struct practice *pr = (struct practice *)1;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(text, strlen(text), &pr, &d), 1, "parsed:\n%s", text);
    cr_assert_null(pr);
    expect_diag(&d, line, DIAG_ERROR, sub);
    expect_counts(&d, 1, 0);
    diag_list_free(&d);
}

/* parse_error of one scenario whose case block holds lines. */
static void parse_error_one(const char *lines, int line, const char *sub)
{
    char *text = one(lines);

    parse_error(text, line, sub);
    free(text);
}

#define GOOD_LINES                                                                                 \
    "conditions = 是 是\nproxy = 否\nkind = 首次\nbrought = id_card\nname = 王某\n"                \
    "id_number = 370602199003150021\n"

/* A `---` under the told text, meant as a line, makes that text a second
 * scenario (which then holds the case block, the real one having none):
 * a warning at the `---`. Front matter copied from the procedure is one
 * error at line 1 instead of a scenario named "version: 1". */
Test(practice, a_dash_line_under_text_is_named)
{
    const char *sep = "# 练习\n\n## 场景\n说明文字。\n---\n```case\nconditions = 是\nexpect = accept\n```\n";
    const char *fm = "---\nversion: 1\n---\n# 练习\n\n## 场景\n```case\nconditions = 是\nexpect = accept\n```\n";
    struct practice *pr = NULL;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(parse(sep, strlen(sep), &pr, &d), 1);
    expect_diag(&d, 5, DIAG_WARNING, "--- 紧接在上一行文字下面");
    expect_diag(&d, 3, DIAG_ERROR, "缺少 ```case 块");
    diag_list_free(&d);
    cr_assert_eq(parse(fm, strlen(fm), &pr, &d), 1);
    expect_diag(&d, 1, DIAG_ERROR, "练习文件开头不写 --- 信息块");
    cr_assert(!strstr(dump(&d), "紧接在上一行文字下面"), "%s", dump(&d));
    diag_list_free(&d);
}

Test(practice, item_ids)
{
    const struct proc_step *st = &model->steps[1];

    cr_assert_str_eq(st->items[0].id, "id_card");
    cr_assert(st->items[0].named);
    cr_assert_str_eq(st->items[1].id, "letter");
    cr_assert(st->items[1].has_cond, "the {if} beside the id is kept");
    cr_assert_str_eq(st->items[2].id, "s1-2", "an item without {#id} keeps sS-I");
    cr_assert(!st->items[2].named);
    cr_assert_str_eq(st->items[0].text, "本人身份证", "the marker is not shown");
}

Test(practice, parse_a_scenario)
{
    struct practice *pr;
    const struct practice_scenario *s;
    static const char good[] =
        "# 演示 · 练习\n"
        "\n"
        "给编辑看的说明，不属于任何场景。\n"
        "\n"
        "## 代办没带委托书\n"
        "王某的儿子**替他**来办。\n"
        "\n"
        "- 带了身份证\n"
        "\n"
        "```case\n"
        "# a comment\n"
        "conditions = 是　否\n"
        "brought = id_card\n"
        "proxy = 是\n"
        "name =   王某  \n"
        "expect = return letter agent\n"
        "explain = 代办要有委托书\n"
        "```\n";

    pr = parse_ok(good);
    cr_assert_str_eq(pr->title, "演示 · 练习");
    cr_assert_eq(pr->n_scenarios, 1);
    s = &pr->scenarios[0];
    cr_assert_str_eq(s->title, "代办没带委托书");
    cr_assert_eq(s->line, 5);
    cr_assert_str_eq(s->text, "王某的儿子替他来办。\n\n带了身份证");
    cr_assert(strstr(s->html, "<strong>替他</strong>"), "%s", s->html);
    cr_assert(strstr(s->html, "<li>带了身份证</li>"), "%s", s->html);
    cr_assert_eq(s->case_line, 10);
    cr_assert_eq(s->n_conditions, 2, "an ideographic space separates too");
    cr_assert(s->conditions[0] && !s->conditions[1]);
    cr_assert_eq(s->conditions_line, 12);
    cr_assert_eq(s->n_brought, 1);
    cr_assert_str_eq(s->brought[0], "id_card");
    cr_assert_eq(s->n_values, 2);
    cr_assert_str_eq(s->values[0].key, "proxy");
    cr_assert_eq(s->values[0].line, 14);
    cr_assert_str_eq(s->values[1].value, "王某", "values are trimmed");
    cr_assert(s->has_expect);
    cr_assert_eq(s->expect.decision, PRACTICE_RETURN);
    cr_assert_eq(s->expect.n_flags, 2);
    cr_assert_str_eq(s->expect.flags[1], "agent");
    cr_assert_eq(s->expect_line, 16);
    cr_assert_str_eq(s->explain, "代办要有委托书");
    practice_free(pr);
}

/* A scenario answers up to PRACTICE_MAX_IDS conditions, so `refuse 100`
 * names one it can answer (the proof, not the reader, says whether the
 * procedure has it). */
Test(practice, a_refusal_may_name_any_condition_a_scenario_answers)
{
    char *text = one("expect = refuse 100\n");
    struct practice *pr = parse_ok(text);

    cr_assert_eq(pr->scenarios[0].expect.decision, PRACTICE_REFUSE);
    cr_assert_eq(pr->scenarios[0].expect.condition, PRACTICE_MAX_IDS);
    practice_free(pr);
    free(text);
}

/* An item without {#id} is named s<step>-<index>, kept like any id in a
 * practice_key of MARKER_KEY_MAX bytes: one of that length is read, one a
 * byte longer is refused at its line (kept, it would not fit). */
Test(practice, an_implicit_item_id_is_at_most_marker_key_max)
{
    char id[MARKER_KEY_MAX + 2], line[MARKER_KEY_MAX + 64], *text;
    struct practice *pr;

    memset(id, '1', sizeof id);
    id[0] = 's';
    memcpy(id + MARKER_KEY_MAX - 2, "-0", 3);
    snprintf(line, sizeof line, "brought = %s\nexpect = accept\n", id);
    text = one(line);
    pr = parse_ok(text);
    cr_assert_eq(pr->scenarios[0].n_brought, 1);
    cr_assert_str_eq(pr->scenarios[0].brought[0], id);
    practice_free(pr);
    free(text);
    memcpy(id + MARKER_KEY_MAX - 2, "1-0", 4);
    cr_assert_eq(strlen(id), MARKER_KEY_MAX + 1);
    snprintf(line, sizeof line, "brought = %s\nexpect = accept\n", id);
    parse_error_one(line, 5, "不是有效的编号");
}

/* A paper written by its name (brought = 身份证), as the scenario's text
 * says it: told that an id is asked for and where an item's id is written,
 * not that 「身份证」 breaks the rules of an id it never meant to be. */
Test(practice, a_paper_by_its_name_is_told_where_ids_are)
{
    parse_error_one("brought = 身份证\nexpect = accept\n", 5,
                    "brought 里要写编号（小写英文字母、数字和 _），不是名称或中文：「身份证」不是编号。"
                    "清单项的编号写在事项文件里那一项的末尾，如「- [ ] 本人居民身份证 {#id_card}」的编号是 id_card");
    parse_error_one("expect = return 姓名\n", 5, "expect = return 里要写编号");
}

/* `explain =` written empty is no explanation: the trainee is not shown an
 * empty line under 为什么. */
Test(practice, an_empty_explain_is_none)
{
    char *text = one("expect = accept\nexplain =\n");
    struct practice *pr = parse_ok(text);

    cr_assert_eq(pr->scenarios[0].explain_line, 6);
    cr_assert_null(pr->scenarios[0].explain);
    practice_free(pr);
    free(text);
}

/* practice_warn_untold: a scenario with no story (nothing to read before
 * deciding) or no explain (written empty is none) is warned at its H2; a
 * scenario with both, or with no case block (an error already), is not
 * warned of its explain. */
Test(practice, a_scenario_without_its_story_or_explain_is_warned)
{
    static const char text[] =
        "# 练习\n\n## 甲\n```case\nexpect = accept\nexplain = 齐了\n```\n"  /* 3: no story */
        "\n## 乙\n王某来办。\n\n```case\nexpect = accept\n```\n"            /* 9: no explain */
        "\n## 丙\n李某来办。\n\n```case\nexpect = accept\nexplain =\n```\n" /* 16: empty */
        "\n## 丁\n赵某来办。\n\n```case\nexpect = accept\nexplain = 齐了\n```\n";
    struct practice *pr = parse_ok(text);
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(practice_warn_untold(PATH, pr, &d), 0);
    expect_diag(&d, 3, DIAG_WARNING, "场景「甲」下面没有情况说明");
    expect_diag(&d, 9, DIAG_WARNING, "场景「乙」没有写 explain");
    expect_diag(&d, 16, DIAG_WARNING, "场景「丙」的 explain 是空的");
    expect_counts(&d, 0, 3);
    diag_list_free(&d);
    practice_free(pr);
}

Test(practice, told_text_is_never_raw_html)
{
    parse_error("# 练习\n\n## 场景\n他说：<b>很急</b>\n\n```case\nexpect = accept\n```\n", 4, "HTML");
    parse_error("# 练习\n\n## 场景\n<div>\n很急\n</div>\n\n```case\nexpect = accept\n```\n", 4, "HTML");
    /* at the line the markup is on, not the paragraph's first */
    parse_error("# 练习\n\n## 场景\n他说：\n很急<b>x</b>\n\n```case\nexpect = accept\n```\n", 5, "HTML");
}

Test(practice, javascript_links_are_not_rendered)
{
    struct practice *pr = parse_ok("# 练习\n\n## 场景\n[看](javascript:alert(1))\n\n```case\nexpect = accept\n```\n");

    cr_assert_null(strstr(pr->scenarios[0].html, "javascript:"), "%s", pr->scenarios[0].html);
    practice_free(pr);
}

Test(practice, syntax_errors_with_their_lines)
{
    parse_error("# 练习\n\n只有说明。\n", 1, "没有场景");
    parse_error("# 练习\n\n## 场景\n说明。\n", 3, "缺少 ```case 块");
    /* the fence's word is case, whole: ```cases is a code block told to the trainee */
    parse_error("# 练习\n\n## 场景\n```cases\nexpect = accept\n```\n", 3, "缺少 ```case 块");
    parse_error("# 练习\n\n## 场景\n```case\nbrought = id_card\n```\n", 4, "缺少 expect");
    parse_error("# 练习\n\n```case\nexpect = accept\n```\n\n## 场景\n```case\nexpect = accept\n```\n", 3,
                "要写在某个 ## 场景标题下面");
    parse_error("# 练习\n\n## 场景\n```case\nexpect = accept\n```\n```case\nexpect = accept\n```\n", 7,
                "只能有一个 ```case 块");
    parse_error_one("brought id_card\nexpect = accept\n", 5, "名称 = 内容");
    /* a Chinese input method's ＝: said as such */
    parse_error_one("brought ＝ id_card\nexpect = accept\n", 5, "全角的「＝」");
    parse_error_one("Name = 王某\nexpect = accept\n", 5, "不是有效的名称");
    parse_error_one("expect = accept\nexpect = accept\n", 6, "重复写了（第 5 行");
    parse_error_one("name = a\nname = b\nexpect = accept\n", 6, "重复写了（第 5 行");
    parse_error_one("conditions = 是\nconditions = 否\nexpect = accept\n", 6, "conditions 重复写了（第 5 行");
    parse_error_one("brought = id_card\nbrought = letter\nexpect = accept\n", 6, "brought 重复写了（第 5 行");
    parse_error_one("expect = accept\nexplain = 甲\nexplain = 乙\n", 7, "explain 重复写了（第 6 行");
    parse_error_one("conditions = 是 对\nexpect = accept\n", 5, "「对」");
    parse_error_one("brought = id-card\nexpect = accept\n", 5, "「id-card」");
    parse_error_one("brought = s1-\nexpect = accept\n", 5, "「s1-」");
    parse_error_one("expect = maybe\n", 5, "expect 只能是");
    parse_error_one("expect =\n", 5, "expect 后面要写");
    parse_error_one("expect = accept now\n", 5, "accept 后面不再写");
    parse_error_one("expect = return\n", 5, "return 后面要写");
    parse_error_one("expect = refuse\n", 5, "refuse 后面要写");
    parse_error_one("expect = refuse 0\n", 5, "从 1 数起");
    parse_error_one("expect = refuse 2 3\n", 5, "只写一个条件序号");
    parse_error("# 练习\n\n## \n```case\nexpect = accept\n```\n", 3, "不能是空的");
    parse_error("# 练习\n\n## 场景\n```case\nexpect = accept\n```\n\n# 又一个\n", 8, "只能有一个一级标题");
}

/* A case block's lines in sb (emptied first): key and n items (" x0 x1 …"
 * when numbered, else " 是" each), then expect = accept. */
static void list_line(struct strbuf *sb, const char *key, int n, bool numbered)
{
    int i;

    strbuf_free(sb);
    cr_assert_eq(strbuf_puts(sb, key), 0);
    for (i = 0; i < n; i++)
        cr_assert_eq(numbered ? strbuf_printf(sb, " x%d", i) : strbuf_puts(sb, " 是"), 0);
    cr_assert_eq(strbuf_puts(sb, "\nexpect = accept\n"), 0);
}

/* The one-scenario file of lines, parsed without a problem; the caller
 * frees it. */
static struct practice *parse_one_ok(const char *lines)
{
    char *text = one(lines);
    struct practice *pr = parse_ok(text);

    free(text);
    return pr;
}

Test(practice, bounds)
{
    struct strbuf sb = STRBUF_INIT;
    struct practice *pr;
    struct diag_list d = DIAG_LIST_INIT;
    char *big;
    int i;

    /* scenarios: the 51st H2 is refused at its line, nothing after it read */
    cr_assert_eq(strbuf_puts(&sb, "# 练习\n"), 0);
    for (i = 0; i <= PRACTICE_MAX_SCENARIOS; i++)
        cr_assert_eq(strbuf_printf(&sb, "## 场景%d\n```case\nexpect = accept\n```\n", i), 0);
    parse_error(sb.data, 2 + 4 * PRACTICE_MAX_SCENARIOS, "最多 50 个场景");
    strbuf_free(&sb);
    /* lines of a case block */
    cr_assert_eq(strbuf_puts(&sb, "# 练习\n\n## 场景\n```case\nexpect = accept\n"), 0);
    for (i = 1; i < PRACTICE_MAX_LINES; i++)
        cr_assert_eq(strbuf_printf(&sb, "f%d = x\n", i), 0);
    cr_assert_eq(strbuf_puts(&sb, "g = x\n```\n"), 0);
    parse_error(sb.data, 5 + PRACTICE_MAX_LINES, "最多 100 行");
    strbuf_free(&sb);
    /* a value */
    big = calloc(PRACTICE_VALUE_MAX + 2, 1);
    cr_assert_not_null(big);
    memset(big, 'a', PRACTICE_VALUE_MAX + 1);
    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n## 场景\n```case\nexpect = accept\nexplain =%s\n```\n", big), 0);
    parse_error(sb.data, 6, "太长");
    strbuf_free(&sb);
    free(big);
    /* a title: its bytes beyond PRACTICE_TITLE_MAX are refused at its line */
    big = calloc(PRACTICE_TEXT_MAX + 2, 1);
    cr_assert_not_null(big);
    memset(big, 'a', PRACTICE_TITLE_MAX + 1);
    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n## %s\n```case\nexpect = accept\n```\n", big), 0);
    parse_error(sb.data, 3, "场景标题太长");
    strbuf_free(&sb);
    /* the told text: one beyond PRACTICE_TEXT_MAX is reported at the H2
     * (rendering stops only at twice that, so the bound is its own check) */
    memset(big, 'a', PRACTICE_TEXT_MAX + 1);
    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n## 场景\n%s\n\n```case\nexpect = accept\n```\n", big), 0);
    parse_error(sb.data, 3, "说明太长");
    strbuf_free(&sb);
    free(big);
    /* ids of brought (and of a return, the same reader) and conditions:
     * PRACTICE_MAX_IDS read, the next one refused */
    list_line(&sb, "brought =", PRACTICE_MAX_IDS, true);
    pr = parse_one_ok(sb.data);
    cr_assert_eq(pr->scenarios[0].n_brought, PRACTICE_MAX_IDS);
    practice_free(pr);
    list_line(&sb, "brought =", PRACTICE_MAX_IDS + 1, true);
    parse_error_one(sb.data, 5, "最多写 100 个编号");
    list_line(&sb, "conditions =", PRACTICE_MAX_IDS, false);
    pr = parse_one_ok(sb.data);
    cr_assert_eq(pr->scenarios[0].n_conditions, PRACTICE_MAX_IDS);
    practice_free(pr);
    list_line(&sb, "conditions =", PRACTICE_MAX_IDS + 1, false);
    parse_error_one(sb.data, 5, "conditions 最多写 100 个");
    strbuf_free(&sb);
    /* the file: refused before parsing, at line 1 */
    big = malloc(PRACTICE_FILE_MAX + 1);
    cr_assert_not_null(big);
    memset(big, '\n', PRACTICE_FILE_MAX + 1);
    cr_assert_eq(parse(big, PRACTICE_FILE_MAX + 1, &pr, &d), 1);
    expect_diag(&d, 1, DIAG_ERROR, "太大");
    diag_list_free(&d);
    free(big);
    /* not UTF-8 */
    cr_assert_eq(parse("# \xff\n", 4, &pr, &d), 1);
    expect_diag(&d, 1, DIAG_ERROR, "UTF-8");
    diag_list_free(&d);
}

/* The bounds hold what is kept, not the white space around it: a told text
 * of PRACTICE_TEXT_MAX bytes (the blank line after its last paragraph is
 * not told) and a value of PRACTICE_VALUE_MAX bytes written as every value
 * is, `key = value` (the space after = is not the value), were refused as
 * too long. */
Test(practice, bounds_count_what_is_kept)
{
    struct strbuf sb = STRBUF_INIT;
    struct practice *pr;
    char *big = calloc(PRACTICE_TEXT_MAX + 1, 1);

    cr_assert_not_null(big);
    memset(big, 'a', PRACTICE_TEXT_MAX);
    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n## 场景\n%s\n\n```case\nexpect = accept\n```\n", big), 0);
    pr = parse_ok(sb.data);
    cr_assert_eq(strlen(pr->scenarios[0].text), PRACTICE_TEXT_MAX);
    practice_free(pr);
    strbuf_free(&sb);
    big[PRACTICE_VALUE_MAX] = '\0';
    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n## 场景\n```case\nexpect = accept\nexplain = %s\n```\n", big), 0);
    pr = parse_ok(sb.data);
    cr_assert_eq(strlen(pr->scenarios[0].explain), PRACTICE_VALUE_MAX);
    practice_free(pr);
    strbuf_free(&sb);
    free(big);
}

Test(practice, a_good_scenario_is_proved)
{
    char *text = one(GOOD_LINES "expect = accept\n");
    struct practice *pr = parse_ok(text);
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(practice_proof_check(PATH, pr, model, TODAY, &d), 0, "%s", dump(&d));
    expect_counts(&d, 0, 0);
    practice_free(pr);
    free(text);
}

Test(practice, proof_errors_at_the_offending_key)
{
    prove_error(GOOD_LINES "phone = 1\nexpect = accept\n", 11, "「phone」不是这个事项的字段");
    prove_error("conditions = 是 是\nproxy = 否\nkind = 换领\nbrought = id_card\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = accept\n",
                7, "「换领」不是字段 kind");
    prove_error("conditions = 是 是\nproxy = 也许\nkind = 首次\nbrought = id_card\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = return proxy\n",
                6, "只能写 是 或 否");
    prove_error("conditions = 是 是\nproxy = 否\nkind = 首次\nbrought = id_card passport\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = accept\n",
                8, "passport 不是这个事项的清单项编号；这个事项的清单项有：id_card（本人身份证）、letter（委托书）、s1-2（旧证）");
    /* the letter is asked for only with proxy=yes; an implicit id works too */
    prove_error("conditions = 是 是\nproxy = 否\nkind = 首次\nbrought = id_card letter\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = accept\n",
                8, "letter（委托书）在这个场景里不需要：它只在 proxy=yes 时需要");
    prove_error("conditions = 是 是\nproxy = 否\nkind = 首次\nbrought = id_card s1-2\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = accept\n",
                8, "s1-2（旧证）在这个场景里不需要");
    /* accept with a field that fails its check: the validator's own words */
    prove_error("conditions = 是 是\nproxy = 否\nkind = 首次\nbrought = id_card\nname = 王某\n"
                "id_number = 370602199003150022\nexpect = accept\n",
                11, "校验码");
    /* a year too young: age>=18 */
    prove_error("conditions = 是 是\nproxy = 否\nkind = 首次\nbrought = id_card\nname = 王某\n"
                "id_number = 370602200901010018\nexpect = accept\n",
                11, "id_number 过不了检查");
    prove_error("conditions = 是 是\nproxy = 否\nkind = 首次\nbrought =\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = accept\n",
                11, "没有带必需的材料 id_card");
    /* a required field left out */
    prove_error("conditions = 是 是\nproxy = 否\nkind = 首次\nbrought = id_card\n"
                "id_number = 370602199003150021\nexpect = accept\n",
                10, "字段 name 过不了检查");
    prove_error("conditions = 否 是\nproxy = 否\nkind = 首次\nbrought = id_card\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = accept\n",
                11, "第 1 条办理条件答的是「否」");
    prove_error(GOOD_LINES "expect = return passport\n", 11, "既不是这个事项的字段名，也不是清单项编号");
    prove_error(GOOD_LINES "expect = return agent\n", 11, "agent（受托人姓名）在这个场景里不需要填写");
    prove_error(GOOD_LINES "expect = return letter\n", 11, "letter（委托书）在这个场景里不需要");
    prove_error("conditions = 是 否\nexpect = refuse 3\n", 6, "超出范围：这个事项只有 2 条");
    prove_error("conditions = 是 否\nexpect = refuse 1\n", 6, "第 1 条办理条件答的是「是」");
    /* the last condition too (its number is the count of answers) */
    prove_error("conditions = 否 是\nexpect = refuse 2\n", 6, "第 2 条办理条件答的是「是」");
    prove_error("conditions = 否\nexpect = refuse 1\n", 5, "conditions 写了 1 个回答，这个事项有 2 条");
    /* too many answers as much as too few */
    prove_error("conditions = 否 是 是\nexpect = refuse 1\n", 5, "conditions 写了 3 个回答，这个事项有 2 条");
    prove_error("expect = refuse 1\n", 4, "缺少 conditions");
}

Test(practice, a_policy_has_no_scenarios)
{
    static const char pol[] = "---\nkind: policy\n---\n# 政策\n\n说明。\n\n## 要点\n说明。\n";
    struct procedure_src src;
    struct procedure *p;
    char *text = one("expect = accept\n");
    struct practice *pr = parse_ok(text);
    struct diag_list d = DIAG_LIST_INIT;

    free(text);

    memset(&src, 0, sizeof src);
    src.path = "demo/pol.md";
    src.id = "pol";
    src.category = "demo";
    src.text = pol;
    src.len = strlen(pol);
    src.hash = HASH;
    cr_assert_eq(procedure_parse(&src, &p, &d), 0, "%s", dump(&d));
    cr_assert_eq(practice_proof_check(PATH, pr, p, TODAY, &d), 1);
    expect_diag(&d, 1, DIAG_ERROR, "政策文件");
    diag_list_free(&d);
    procedure_free(p);
    practice_free(pr);
}

/* ---- the judge ------------------------------------------------------------ */

/* The one scenario of lines, proved without an error; with warned, the
 * proof must warn (and without, it may). */
static const struct practice_scenario *scenario_proved(const char *lines, bool warned)
{
    char *text = one(lines);
    struct diag_list d = DIAG_LIST_INIT;

    practice_free(judged);
    judged = parse_ok(text);
    free(text);
    cr_assert_eq(practice_proof_check(PATH, judged, model, TODAY, &d), 0, "%s", dump(&d));
    if (warned)
        cr_assert_gt(d.n, 0, "no warning");
    diag_list_free(&d);
    return &judged->scenarios[0];
}

static const struct practice_scenario *scenario(const char *lines)
{
    return scenario_proved(lines, false);
}

static void judge(const struct practice_scenario *s, enum practice_decision dec,
                  const char *const *flags, size_t n, int cond, struct practice_verdict *v)
{
    struct practice_answer a = {dec, flags, n, cond};

    cr_assert_eq(practice_proof_judge(s, model, TODAY, &a, v), 0);
    cr_assert_eq(v->expected, &s->expect);
}

static const struct practice_note *note(const struct practice_verdict *v, enum practice_note_kind k,
                                        size_t nth)
{
    size_t i;

    for (i = 0; i < v->n_notes; i++)
        if (v->notes[i].kind == k && nth-- == 0)
            return &v->notes[i];
    return NULL;
}

static size_t notes_of(const struct practice_verdict *v, enum practice_note_kind k)
{
    size_t i, n = 0;

    for (i = 0; i < v->n_notes; i++)
        n += v->notes[i].kind == k;
    return n;
}

Test(practice, judge_a_return)
{
    static const char *const right[] = {"letter"}, *const more[] = {"letter", "name"},
                             *const first[] = {"name", "letter"},
                             *const twice[] = {"letter", "letter"}, *const other[] = {"name"};
    const struct practice_scenario *s =
        scenario("conditions = 是 是\nproxy = 是\nkind = 首次\nbrought = id_card\nname = 王某\n"
                 "id_number = 370602199003150021\nagent = 王小某\nexpect = return letter\n"
                 "explain = 代办要有本人签名的委托书\n");
    struct practice_verdict v;
    const struct practice_note *n;

    judge(s, PRACTICE_RETURN, right, 1, 0, &v);
    cr_assert(v.correct);
    cr_assert_eq(v.n_notes, 3, "explain, the missing item, the step's guidance");
    cr_assert_eq(v.notes[0].kind, PRACTICE_NOTE_EXPLAIN, "the scenario's explain comes first");
    cr_assert_str_eq(v.notes[0].text, "代办要有本人签名的委托书");
    cr_assert_not_null(n = note(&v, PRACTICE_NOTE_ITEM, 0));
    cr_assert_str_eq(n->key, "letter");
    cr_assert_str_eq(n->text, "委托书");
    cr_assert_eq(n->step, 1);
    cr_assert_not_null(n = note(&v, PRACTICE_NOTE_STAFF, 0));
    cr_assert_eq(n->step, 1);
    cr_assert(strstr(n->text, "委托书要有本人签名"), "%s", n->text);
    practice_proof_verdict_free(&v);

    judge(s, PRACTICE_RETURN, twice, 2, 0, &v);
    cr_assert(v.correct, "repeats do not matter");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, more, 2, 0, &v);
    cr_assert(!v.correct, "a flag too many");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, first, 2, 0, &v);
    cr_assert(!v.correct, "a flag too many, named first");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, other, 1, 0, &v);
    cr_assert(!v.correct, "the wrong flag");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, NULL, 0, 0, &v);
    cr_assert(!v.correct, "no flag");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_ACCEPT, NULL, 0, 0, &v);
    cr_assert(!v.correct);
    cr_assert_eq(v.n_notes, 3, "the explanation is the same whatever the answer");
    practice_proof_verdict_free(&v);
}

Test(practice, judge_gives_the_validators_messages)
{
    static const char *const flags[] = {"id_number"};
    const struct practice_scenario *s =
        scenario("conditions = 是 是\nproxy = 否\nkind = 首次\nbrought = id_card\nname = 王某\n"
                 "id_number = 370602199003150022\nexpect = return id_number\n");
    struct practice_verdict v;
    const struct practice_note *n;

    judge(s, PRACTICE_RETURN, flags, 1, 0, &v);
    cr_assert(v.correct);
    cr_assert_not_null(n = note(&v, PRACTICE_NOTE_FIELD, 0));
    cr_assert_str_eq(n->key, "id_number");
    cr_assert_str_eq(n->code, "cn_id_checksum");
    cr_assert_eq(n->step, 2);
    cr_assert(strstr(n->text, "校验码"), "%s", n->text);
    cr_assert_eq(notes_of(&v, PRACTICE_NOTE_STAFF), 0, "step 3 has no guidance");
    cr_assert_eq(notes_of(&v, PRACTICE_NOTE_EXPLAIN), 0, "no explain written");
    practice_proof_verdict_free(&v);
}

Test(practice, judge_a_refusal)
{
    const struct practice_scenario *s = scenario("conditions = 是 否\nexpect = refuse 2\n");
    struct practice_verdict v;
    const struct practice_note *n;

    judge(s, PRACTICE_REFUSE, NULL, 0, 2, &v);
    cr_assert(v.correct);
    cr_assert_eq(v.expected->condition, 2);
    cr_assert_not_null(n = note(&v, PRACTICE_NOTE_CONDITION, 0));
    cr_assert_eq(n->number, 2);
    cr_assert_str_eq(n->text, "本市户籍");
    cr_assert_eq(notes_of(&v, PRACTICE_NOTE_STAFF), 0, "conditions come before the steps");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_REFUSE, NULL, 0, 1, &v);
    cr_assert(!v.correct, "condition 1 is met");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_REFUSE, NULL, 0, 3, &v);
    cr_assert(!v.correct, "there is no condition 3");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, NULL, 0, 0, &v);
    cr_assert(!v.correct);
    practice_proof_verdict_free(&v);
}

Test(practice, judge_a_refusal_on_either_unmet_condition)
{
    const struct practice_scenario *s = scenario("conditions = 否 否\nexpect = refuse 2\n");
    struct practice_verdict v;

    judge(s, PRACTICE_REFUSE, NULL, 0, 1, &v);
    cr_assert(v.correct, "condition 1 is not met either");
    cr_assert_eq(notes_of(&v, PRACTICE_NOTE_CONDITION), 2);
    practice_proof_verdict_free(&v);
}

Test(practice, judge_an_acceptance)
{
    const struct practice_scenario *s =
        scenario("conditions = 是 是\nproxy = 是\nkind = 补领\nbrought = id_card letter s1-2\nname = 王某\n"
                 "id_number = 370602199003150021\nagent = 王小某\nexpect = accept\n");
    struct practice_verdict v;

    judge(s, PRACTICE_ACCEPT, NULL, 0, 0, &v);
    cr_assert(v.correct);
    cr_assert_eq(notes_of(&v, PRACTICE_NOTE_FIELD) + notes_of(&v, PRACTICE_NOTE_ITEM), 0);
    cr_assert_eq(notes_of(&v, PRACTICE_NOTE_STAFF), 1, "the guidance of the steps that apply");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_REFUSE, NULL, 0, 1, &v);
    cr_assert(!v.correct);
    practice_proof_verdict_free(&v);
}

Test(practice, names)
{
    cr_assert(practice_name_is("labour-handbook.practice.md"));
    cr_assert(!practice_name_is(".practice.md"));
    cr_assert(!practice_name_is("labour-handbook.md"));
    cr_assert_str_eq(practice_decision_name(PRACTICE_RETURN), "return");
}

/* A scenario's key (schema/029-scenario-key.sql): what a pass is held to.
 * It follows what is judged, not the words around it. */
static char *keyed(const char *title, const char *story, const char *lines)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n## %s\n%s\n\n```case\n%s```\n", title, story, lines), 0);
    return strbuf_take(&sb);
}

static void key_of(const char *title, const char *story, const char *lines,
                   char out[PRACTICE_KEY_LEN + 1])
{
    char *text = keyed(title, story, lines);
    struct practice *pr = parse_ok(text);

    cr_assert_eq(strlen(pr->scenarios[0].key), PRACTICE_KEY_LEN);
    memcpy(out, pr->scenarios[0].key, PRACTICE_KEY_LEN + 1);
    practice_free(pr);
    free(text);
}

Test(practice, scenario_key_follows_what_is_judged)
{
    static const char base[] = "conditions = 是 是\nbrought = id_card\nname = 王某\nexpect = accept\n"
                               "explain = 齐全\n";
    char k0[PRACTICE_KEY_LEN + 1], k[PRACTICE_KEY_LEN + 1];

    key_of("场景", "王某来办。", base, k0);
    /* the title, the story and the explanation: the same key */
    key_of("另一个标题", "王某带着材料来办理。", base, k);
    cr_assert_str_eq(k, k0);
    key_of("场景", "王某来办。",
           "conditions = 是 是\nbrought = id_card\nname = 王某\nexpect = accept\nexplain = 材料齐全\n", k);
    cr_assert_str_eq(k, k0);
    /* a value, an item brought, an answer, the decision: another key */
    static const char *const changed[] = {
        "conditions = 是 是\nbrought = id_card\nname = 李某\nexpect = accept\n",
        "conditions = 是 是\nname = 王某\nexpect = accept\n",
        "conditions = 是 否\nbrought = id_card\nname = 王某\nexpect = refuse 2\n",
        "conditions = 是 是\nbrought = id_card\nname = 王某\nexpect = return name\n",
        "conditions = 是 是\nbrought = id_card\nname = 王某\nexpect = return id_card\n",
        "conditions = 是 是\nbrought = id_card\nname = 王\nexpect = accept\n",
        /* a condition's answer alone: 否 is judged (any 否 may be refused) */
        "conditions = 是 否\nbrought = id_card\nname = 王某\nexpect = accept\n",
    };
    for (size_t i = 0; i < sizeof changed / sizeof *changed; i++) {
        key_of("场景", "王某来办。", changed[i], k);
        cr_assert_str_neq(k, k0, "%s", changed[i]);
    }
    /* a value's bytes cannot pass for the next key's (length-prefixed) */
    char a[PRACTICE_KEY_LEN + 1], b[PRACTICE_KEY_LEN + 1];
    key_of("场景", "", "name = 王某\nid_number = 1\nexpect = accept\n", a);
    key_of("场景", "", "name = 王某id_number\nexpect = accept\n", b);
    cr_assert_str_neq(a, b);
}

Test(practice, scenario_keys_of_twins_differ_and_keep_their_place)
{
    static const char twin[] = "## 甲\n```case\nname = 王某\nexpect = accept\n```\n";
    struct strbuf sb = STRBUF_INIT;
    struct practice *pr;
    char *joined;
    size_t i, j;

    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n%s%s## 乙\n```case\nname = 李某\nexpect = accept\n```\n%s",
                               twin, twin, twin), 0);
    pr = parse_ok(sb.data);
    cr_assert_eq(pr->n_scenarios, 4);
    for (i = 0; i < pr->n_scenarios; i++)
        for (j = 0; j < i; j++)
            cr_assert_str_neq(pr->scenarios[i].key, pr->scenarios[j].key, "%zu and %zu", i, j);
    /* as stored: scenario k's key at k * (PRACTICE_KEY_LEN + 1) */
    cr_assert_not_null(joined = practice_keys_join(pr));
    cr_assert_eq(strlen(joined), 4 * (PRACTICE_KEY_LEN + 1) - 1);
    for (i = 0; i < pr->n_scenarios; i++)
        cr_assert_eq(memcmp(joined + i * (PRACTICE_KEY_LEN + 1), pr->scenarios[i].key, PRACTICE_KEY_LEN), 0);
    /* the first of the twins keys as a lone scenario would */
    char lone[PRACTICE_KEY_LEN + 1];
    key_of("甲", "", "name = 王某\nexpect = accept\n", lone);
    cr_assert_str_eq(pr->scenarios[0].key, lone);
    free(joined);
    practice_free(pr);
    strbuf_free(&sb);
}

/* Another problem of the case left off a return's list is a warning, not
 * an error: the contract's example returns one paper while the fields it
 * does not give are empty, and its list of errors has no such rule, so a
 * file written by it failed check. The trainee who flags the other
 * problem too is judged right (judge_a_return_that_also_flags_an_unlisted_
 * problem). A field that applies only by a flagged answer may be left out
 * without a word: fixing that answer takes it away. */
Test(practice, a_return_that_leaves_out_another_problem_is_warned)
{
    static const struct {
        const char *lines, *sub;
    } warned[] = {
        /* bad check digit, no id_card brought: the return names only the card */
        {"conditions = 是 是\nproxy = 否\nkind = 首次\nbrought =\nname = 王某\n"
         "id_number = 370602199003150022\nexpect = return id_card\n", "没有列出字段 id_number"},
        {"conditions = 是 是\nproxy = 否\nkind = 首次\nbrought =\nname = 王某\n"
         "id_number = 370602199003150022\nexpect = return id_number\n", "没有列出材料 id_card"},
    };
    size_t i;

    for (i = 0; i < sizeof warned / sizeof warned[0]; i++) {
        char *text = one(warned[i].lines);
        struct practice *pr = parse_ok(text);
        struct diag_list d = DIAG_LIST_INIT;
        cr_assert_eq(practice_proof_check(PATH, pr, model, TODAY, &d), 0, "%s\n%s", text, dump(&d));
        expect_diag(&d, 11, DIAG_WARNING, warned[i].sub);
        expect_diag(&d, 11, DIAG_WARNING, "同样算对");
        expect_counts(&d, 0, 1);
        diag_list_free(&d);
        practice_free(pr);
        free(text);
    }
    {
        /* both named: proved; the agent's name missing, under proxy=yes, which is flagged: fine */
        static const char *const ok[] = {
            "conditions = 是 是\nproxy = 否\nkind = 首次\nbrought =\nname = 王某\n"
            "id_number = 370602199003150022\nexpect = return id_card id_number\n",
            "conditions = 是 是\nproxy = 是\nkind = 首次\nbrought = id_card letter\nname = 王某\n"
            "id_number = 370602199003150021\nexpect = return proxy\n",
            /* the letter not brought, asked for only with proxy=yes ({if} on the item) */
            "conditions = 是 是\nproxy = 是\nkind = 首次\nbrought = id_card\nname = 王某\n"
            "id_number = 370602199003150021\nagent = 王小某\nexpect = return proxy\n",
            /* a choice written empty is left out, as one not written: a required
             * field to return, not a value outside its options */
            "conditions = 是 是\nproxy = 否\nkind =\nbrought = id_card\nname = 王某\n"
            "id_number = 370602199003150021\nexpect = return kind\n",
            /* and so is a yes/no written empty: not one that is neither 是 nor 否 */
            "conditions = 是 是\nproxy =\nkind = 首次\nbrought = id_card\nname = 王某\n"
            "id_number = 370602199003150021\nexpect = return proxy\n",
        };
        for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
            char *text = one(ok[i]);
            struct practice *pr = parse_ok(text);
            struct diag_list d = DIAG_LIST_INIT;
            cr_assert_eq(practice_proof_check(PATH, pr, model, TODAY, &d), 0, "%s\n%s", text, dump(&d));
            diag_list_free(&d);
            practice_free(pr);
            free(text);
        }
    }
}

/* The proof lets a return leave out what fails only by a flagged answer
 * (the agent's name, asked for only with proxy = 是); the trainee who
 * flags it too saw a real problem and was marked wrong (a review). One
 * that does not fail, or that no flagged answer brings, is still a flag
 * too many. */
Test(practice, judge_a_return_that_also_flags_what_follows_from_it)
{
    static const char *const both[] = {"proxy", "agent"}, *const alone[] = {"proxy"},
                             *const plus_name[] = {"proxy", "name"},
                             *const plus_letter[] = {"proxy", "letter"};
    const struct practice_scenario *s =
        scenario("conditions = 是 是\nproxy = 是\nkind = 首次\nbrought = id_card letter\nname = 王某\n"
                 "id_number = 370602199003150021\nexpect = return proxy\n");
    struct practice_verdict v;

    judge(s, PRACTICE_RETURN, alone, 1, 0, &v);
    cr_assert(v.correct);
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, both, 2, 0, &v);
    cr_assert(v.correct, "the agent's name fails, and only because of proxy");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, plus_name, 2, 0, &v);
    cr_assert(!v.correct, "the name is fine: a flag too many");
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, plus_letter, 2, 0, &v);
    cr_assert(!v.correct, "the letter follows proxy but was brought: a flag too many");
    practice_proof_verdict_free(&v);
}

/* A situation on a whole step ({if} on its heading): what it asks for
 * applies only by that answer. A return that flags the answer may leave
 * the step's fields and items out (fixing it takes the step away), and an
 * acceptance explains only the steps that apply: the {staff} guidance of
 * a step the case skips is not shown. */
static const char STEPPED[] =
    "# 补领事项\n"
    "\n"
    "演示。\n"
    "\n"
    "## 第一步：情况\n"
    "\n"
    "```form\n"
    "kind | 办理类型 | choice | required options=首次/补领\n"
    "```\n"
    "\n"
    "## 第二步：补领 {if kind=补领}\n"
    "- [ ] 遗失声明 {#loss_note}\n"
    "\n"
    "> 补领要核对遗失声明。 {staff}\n"
    "\n"
    "```form\n"
    "reason | 补领原因 | text | required\n"
    "```\n";

Test(practice, a_situation_on_a_step)
{
    struct procedure *p = model_of("stepped", "demo/stepped.md", STEPPED);
    struct diag_list d = DIAG_LIST_INIT;
    struct practice_verdict v;
    struct practice_answer a = {PRACTICE_ACCEPT, NULL, 0, 0};
    struct practice *pr;
    char *text;

    cr_assert(p->steps[1].has_cond);
    /* 补领 chosen by mistake: neither the note nor the reason need be flagged */
    text = one("kind = 补领\nexpect = return kind\n");
    pr = parse_ok(text);
    cr_assert_eq(practice_proof_check(PATH, pr, p, TODAY, &d), 0, "%s", dump(&d));
    practice_free(pr);
    free(text);
    /* 首次: the second step does not apply, nor does its guidance */
    text = one("kind = 首次\nexpect = accept\n");
    pr = parse_ok(text);
    cr_assert_eq(practice_proof_check(PATH, pr, p, TODAY, &d), 0, "%s", dump(&d));
    cr_assert_eq(practice_proof_judge(&pr->scenarios[0], p, TODAY, &a, &v), 0);
    cr_assert(v.correct);
    cr_assert_eq(notes_of(&v, PRACTICE_NOTE_STAFF), 0, "the second step is skipped");
    practice_proof_verdict_free(&v);
    practice_free(pr);
    free(text);
    /* 补领, all there: the second step's guidance is shown */
    text = one("kind = 补领\nbrought = loss_note\nreason = 遗失\nexpect = accept\n");
    pr = parse_ok(text);
    cr_assert_eq(practice_proof_check(PATH, pr, p, TODAY, &d), 0, "%s", dump(&d));
    cr_assert_eq(practice_proof_judge(&pr->scenarios[0], p, TODAY, &a, &v), 0);
    cr_assert_eq(notes_of(&v, PRACTICE_NOTE_STAFF), 1);
    practice_proof_verdict_free(&v);
    practice_free(pr);
    free(text);
    diag_list_free(&d);
    procedure_free(p);
}

/* ---- a mutation review's pins -------------------------------------------- */

/* Each bound takes the size it names: a title of PRACTICE_TITLE_MAX bytes
 * and a file of PRACTICE_FILE_MAX bytes are read, and a told text of
 * PRACTICE_TEXT_MAX bytes is rendered too (rendering stops only at twice
 * that: the page shows the html). */
Test(practice, a_bound_itself_is_read)
{
    static const char head[] = "# 练习\n\n## 场景\n```case\nexpect = accept\n```\n";
    struct strbuf sb = STRBUF_INIT;
    struct practice *pr = NULL;
    struct diag_list d = DIAG_LIST_INIT;
    char *big = calloc(PRACTICE_FILE_MAX + 1, 1);

    cr_assert_not_null(big);
    memset(big, 'a', PRACTICE_TITLE_MAX);
    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n## %s\n```case\nexpect = accept\n```\n", big), 0);
    pr = parse_ok(sb.data);
    cr_assert_eq(strlen(pr->scenarios[0].title), PRACTICE_TITLE_MAX);
    practice_free(pr);
    strbuf_free(&sb);
    memset(big, 'a', PRACTICE_TEXT_MAX);
    cr_assert_eq(strbuf_printf(&sb, "# 练习\n\n## 场景\n%s\n\n```case\nexpect = accept\n```\n", big), 0);
    pr = parse_ok(sb.data);
    cr_assert_eq(strncmp(pr->scenarios[0].html, "<p>", 3), 0, "rendered: %.20s", pr->scenarios[0].html);
    cr_assert_gt(strlen(pr->scenarios[0].html), PRACTICE_TEXT_MAX);
    practice_free(pr);
    strbuf_free(&sb);
    memset(big, '\n', PRACTICE_FILE_MAX);
    memcpy(big, head, strlen(head));
    cr_assert_eq(parse(big, PRACTICE_FILE_MAX, &pr, &d), 0, "%s", dump(&d));
    cr_assert_eq(pr->n_scenarios, 1);
    practice_free(pr);
    diag_list_free(&d);
    free(big);
}

/* An implicit item id is s, a step's number, -, an item's number: each
 * part there. */
Test(practice, an_implicit_item_id_has_every_part)
{
    parse_error_one("brought = s12-\nexpect = accept\n", 5, "「s12-」");
    parse_error_one("brought = s-12\nexpect = accept\n", 5, "「s-12」");
    parse_error_one("brought = x1-2\nexpect = accept\n", 5, "「x1-2」");
    /* no longer than any key: the id is kept in a key's room */
    parse_error_one("brought = s1111111111111111111111111111111-0\nexpect = accept\n", 5,
                    "「s1111111111111111111111111111111-0」");
}

/* What practice_parse_partial keeps for the proof: only a scenario whose
 * own lines have errors is bad; the one after it is proved (every error in
 * one check), also after errors reported before the file. */
Test(practice, only_a_scenario_with_errors_is_bad)
{
    static const char text[] =
        "# 练习\n\n## 甲\n```case\nexpect = maybe\n```\n\n## 乙\n```case\nexpect = accept\n```\n";
    struct practice *pr = NULL;
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(practice_parse_partial(PATH, text, strlen(text), &pr, &d), 1);
    cr_assert_not_null(pr);
    cr_assert_eq(pr->n_scenarios, 2);
    cr_assert(pr->scenarios[0].bad);
    cr_assert(!pr->scenarios[1].bad);
    practice_free(pr);
    /* 乙 alone, d still holding 甲's error */
    cr_assert_eq(practice_parse_partial(PATH, strstr(text, "## 乙"), strlen(strstr(text, "## 乙")), &pr, &d), 0,
                 "%s", dump(&d));
    cr_assert(!pr->scenarios[0].bad, "an earlier file's errors are not this one's");
    practice_free(pr);
    diag_list_free(&d);
}

/* The one H1 is the file's title only before the scenarios: after one it
 * is an error even when the file has no title. */
Test(practice, an_h1_after_a_scenario_is_an_error)
{
    parse_error("## 场景\n```case\nexpect = accept\n```\n\n# 标题\n", 6, "只能有一个一级标题");
}

/* What the trainee is told: a lower heading is part of the story, not a
 * scenario; a line break within a paragraph and a code block's text are
 * kept. */
Test(practice, the_story_keeps_its_lines)
{
    struct practice *pr = parse_ok("# 练习\n\n## 场景\n### 来的是谁\n王某\n来办。\n\n```\n370602199003150021\n```\n\n"
                                   "```case\nexpect = accept\n```\n");

    cr_assert_eq(pr->n_scenarios, 1, "### is not a scenario");
    cr_assert_str_eq(pr->scenarios[0].text, "来的是谁\n\n王某\n来办。\n\n370602199003150021");
    practice_free(pr);
}

/* The story as plain text has one blank line between blocks, a list's
 * items too (each item's paragraph ended a block already: two blank lines
 * were told between them). */
Test(practice, a_list_is_told_as_its_paragraphs)
{
    struct practice *pr = parse_ok("# 练习\n\n## 场景\n王某带了：\n\n- 身份证\n- 户口簿\n\n还缺照片。\n\n"
                                   "```case\nexpect = accept\n```\n");

    cr_assert_str_eq(pr->scenarios[0].text, "王某带了：\n\n身份证\n\n户口簿\n\n还缺照片。");
    practice_free(pr);
}

/* A refusal's condition is judged: refuse 1 and refuse 2 are two keys. */
Test(practice, scenario_key_follows_the_refused_condition)
{
    char a[PRACTICE_KEY_LEN + 1], b[PRACTICE_KEY_LEN + 1];

    key_of("场景", "", "conditions = 否 否\nexpect = refuse 1\n", a);
    key_of("场景", "", "conditions = 否 否\nexpect = refuse 2\n", b);
    cr_assert_str_neq(a, b);
}

/* Why a part is not needed names the situation that asks for it: the
 * step's when the whole step does not apply, and a != one as ≠; a choice
 * outside its options lists them all. */
static const char NEGATED[] =
    "# 换证事项\n"
    "\n"
    "演示。\n"
    "\n"
    "## 第一步：情况\n"
    "\n"
    "```form\n"
    "kind | 办理类型 | choice | required options=首次/补领/换领\n"
    "```\n"
    "\n"
    "## 第二步：材料\n"
    "- [ ] 旧证 {if kind!=首次} {#old_card}\n";

/* an item with its own {if} in a step whose {if} holds */
static const char NESTED[] =
    "# 补领事项\n"
    "\n"
    "演示。\n"
    "\n"
    "## 第一步：情况\n"
    "\n"
    "```form\n"
    "kind  | 办理类型 | choice | required options=首次/补领\n"
    "place | 办理地点 | choice | required options=本地/外地\n"
    "proxy | 是否代办 | yesno  | required\n"
    "```\n"
    "\n"
    "## 第二步：补领 {if kind=补领}\n"
    "- [ ] 遗失声明 {#loss_note}\n"
    "- [ ] 委托书 {if proxy=yes} {#letter}\n";

Test(practice, why_a_part_is_not_needed)
{
    struct procedure *stepped = model_of("stepped", "demo/stepped.md", STEPPED),
                     *negated = model_of("negated", "demo/negated.md", NEGATED),
                     *nested = model_of("nested", "demo/nested.md", NESTED);
    const struct {
        struct procedure **p;
        const char *lines;
        int line;
        const char *sub;
    } cases[] = {
        {&stepped, "kind = 首次\nbrought = loss_note\nexpect = accept\n", 6,
         "loss_note（遗失声明）在这个场景里不需要：它只在 kind=补领 时需要"},
        {&negated, "kind = 首次\nbrought = old_card\nexpect = accept\n", 6, "它只在 kind≠首次 时需要"},
        {&negated, "kind = 新办\nexpect = return kind\n", 5, "可选：首次/补领/换领"},
        /* the step applies: the reason is the item's own condition, not the step's */
        {&nested, "kind = 补领\nplace = 本地\nproxy = 否\nbrought = loss_note letter\nexpect = accept\n", 8,
         "letter（委托书）在这个场景里不需要：它只在 proxy=yes 时需要"},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = one(cases[i].lines);
        struct practice *pr = parse_ok(text);
        struct diag_list d = DIAG_LIST_INIT;
        cr_assert_eq(practice_proof_check(PATH, pr, *cases[i].p, TODAY, &d), 1, "%s", text);
        expect_diag(&d, cases[i].line, DIAG_ERROR, cases[i].sub);
        expect_counts(&d, 1, 0);
        diag_list_free(&d);
        practice_free(pr);
        free(text);
    }
    procedure_free(stepped);
    procedure_free(negated);
    procedure_free(nested);
}

/* each value outside its choice's options lists that field's options alone */
Test(practice, each_bad_choice_lists_its_own_options)
{
    struct procedure *p = model_of("nested", "demo/nested.md", NESTED);
    char *text = one("kind = 新办\nplace = 别处\nproxy = 否\nexpect = accept\n");
    struct practice *pr = parse_ok(text);
    struct diag_list d = DIAG_LIST_INIT;

    cr_assert_eq(practice_proof_check(PATH, pr, p, TODAY, &d), 1, "%s", text);
    expect_diag(&d, 5, DIAG_ERROR, "可选：首次/补领");
    expect_diag(&d, 6, DIAG_ERROR, "可选：本地/外地");
    diag_list_free(&d);
    practice_free(pr);
    free(text);
    procedure_free(p);
}

/* A value that is not one its field takes is reported once, at its own
 * line, whatever the expect: not again as a check the case fails. And a
 * return is never right for a resident who answers a condition 否. */
Test(practice, a_bad_value_is_reported_once)
{
    prove_error("conditions = 是 是\nproxy = 也许\nkind = 首次\nbrought = id_card\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = accept\n",
                6, "只能写 是 或 否");
    prove_error("conditions = 是 是\nproxy = 否\nkind = 换领\nbrought =\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = return id_card\n",
                7, "「换领」不是字段 kind");
    prove_error("conditions = 是 是\nproxy = 也许\nkind = 首次\nbrought =\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = return id_card\n",
                6, "只能写 是 或 否");
    prove_error("conditions = 否 是\nproxy = 否\nkind = 首次\nbrought =\nname = 王某\n"
                "id_number = 370602199003150021\nexpect = return id_card\n",
                11, "expect = return，但第 1 条办理条件答的是「否」");
}

/* The return lists only the card; the wrong check digit of id_number is a
 * real problem too: flagging it as well is right, flagging a field that
 * passes is a flag too many, and leaving out the listed card is wrong. */
Test(practice, judge_a_return_that_also_flags_an_unlisted_problem)
{
    static const char *const card[] = {"id_card"}, *const both[] = {"id_card", "id_number"},
                             *const plus_name[] = {"id_card", "name"}, *const id_only[] = {"id_number"};
    const struct practice_scenario *s =
        scenario_proved("conditions = 是 是\nproxy = 否\nkind = 首次\nbrought =\nname = 王某\n"
                        "id_number = 370602199003150022\nexpect = return id_card\n", true);
    struct practice_verdict v;

    judge(s, PRACTICE_RETURN, card, 1, 0, &v);
    cr_assert(v.correct);
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, both, 2, 0, &v);
    cr_assert(v.correct);
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, plus_name, 2, 0, &v);
    cr_assert_not(v.correct);
    practice_proof_verdict_free(&v);
    judge(s, PRACTICE_RETURN, id_only, 1, 0, &v);
    cr_assert_not(v.correct);
    practice_proof_verdict_free(&v);
}
