/* Unit tests of src/render.c's one-page notice (render_procedure_print):
 * every text taken from a procedure file, the hall's name included, goes
 * onto the sheet escaped. Markdown can spell a '<' that cmark hands over as
 * text (an entity, a code span), which is where a raw tag would slip in.
 * Then the detail JSON's and the practice key's edges that the HTTP tests
 * leave open. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "hall.h"
#include "procedure.h"
#include "render.h"

#define PATH "employment/escape.md"
#include "expect.h"
#include "procsrc.h"

/* text parsed (procsrc.h); no diagnostic is allowed. */
static struct procedure *parse_ok(const char *text)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct procedure *p;

    cr_assert_eq(procsrc_parse("escape", "employment", text, &p, &d), 0, "%s", dump(&d));
    expect_counts(&d, 0, 0);
    diag_list_free(&d);
    return p;
}

/* Each text carries a tag of its own name, so a failure says which one
 * went through raw. */
static const char DOC[] = "---\n"
                          "version: v<ver>\n"
                          "fee: 10 元 <fee>\n"
                          "---\n"
                          "# 办理 &lt;name&gt;\n"
                          "\n"
                          "摘要。\n"
                          "\n"
                          "## 办理流程\n"
                          "```chain\n"
                          "accept | 受理 <stage> | window | 0\n"
                          "```\n"
                          "\n"
                          "## 第一步:填写 `<step>`\n"
                          "```form\n"
                          "who | 申请人 <label> | choice | required options=本人/<opt>\n"
                          "```\n"
                          "\n"
                          "## 第二步:准备\n"
                          "- [ ] 身份证 &lt;item&gt; {if who=&lt;opt&gt;}\n";

Test(render, the_print_sheet_escapes_every_text_of_the_file)
{
    static const char *const tags[] = {"ver", "fee", "name", "step", "label", "item", "opt", "hall", "stage"};
    struct procedure *p = parse_ok(DOC);
    char *print, raw[16], esc[16];
    size_t i;

    cr_assert_eq(hall_name_set("社区 <hall> 服务站"), 0);
    print = render_procedure_print(p);
    hall_name_set(NULL);
    cr_assert_not_null(print);
    for (i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        snprintf(raw, sizeof raw, "<%s>", tags[i]);
        snprintf(esc, sizeof esc, "&lt;%s&gt;", tags[i]);
        cr_expect(strstr(print, raw) == NULL, "%s raw on the sheet:\n%s", raw, print);
        cr_expect(strstr(print, esc) != NULL, "%s not on the sheet, escaped:\n%s", esc, print);
    }
    free(print);
    procedure_free(p);
}

/* The sheet of DOC-like text head + body, with no hall name. */
static char *sheet_of(const char *text)
{
    struct procedure *p = parse_ok(text);
    char *print = render_procedure_print(p);

    cr_assert_not_null(print);
    procedure_free(p);
    return print;
}

/* Under the title, the summary: the file's Markdown as HTML, put on the
 * sheet as it is (procedure.c rendered it, raw HTML left out), not escaped
 * a second time into tags shown as text. */
Test(render, the_summary_is_html_on_the_sheet)
{
    char *s = sheet_of("# 事项\n\n摘要，**要点**。\n\n## 第一步:准备\n- [ ] 身份证\n");

    cr_expect(strstr(s, "<h1>事项</h1>\n</header>\n"
                        "<section class=\"summary\"><p>摘要，<strong>要点</strong>。</p>"),
              "%s", s);
    free(s);
}

/* The facts say nothing twice: no 收费 or 办理依据 row when a section says
 * it in full; a time_limit is printed when no chain block gives it as the
 * stages' total (the implicit chain takes its days from it, so comparing
 * the two there would always drop it). */
Test(render, the_facts_say_nothing_twice)
{
    char *s = sheet_of("---\nfee: 免费\nbasis: 某条例\ntime_limit: 5个工作日\n---\n# 事项\n\n摘要。\n\n"
                       "## 第一步:准备\n- [ ] 身份证\n");

    cr_expect(strstr(s, "<dt>收费</dt>\n<dd>免费</dd>"), "%s", s);
    cr_expect(strstr(s, "<dt>办理依据</dt>\n<dd>某条例</dd>"), "%s", s);
    cr_expect(strstr(s, "<dt>办理时限</dt>\n<dd>5个工作日</dd>"), "no chain block: %s", s);
    free(s);
    s = sheet_of("---\nfee: 免费\nbasis: 某条例\n---\n# 事项\n\n摘要。\n\n"
                 "## 收费标准\n不收费。\n\n## 第一步:准备\n- [ ] 身份证\n");
    cr_expect_null(strstr(s, "<dt>收费</dt>"), "%s", s);
    cr_expect(strstr(s, "<section><h2>收费标准</h2>\n<p>不收费。</p>"), "said in its section: %s", s);
    cr_expect(strstr(s, "<dt>办理依据</dt>"), "%s", s);
    free(s);
    s = sheet_of("---\nfee: 免费\nbasis: 某条例\n---\n# 事项\n\n摘要。\n\n"
                 "## 设定依据\n- 某条例\n\n## 第一步:准备\n- [ ] 身份证\n");
    cr_expect(strstr(s, "<dt>收费</dt>"), "%s", s);
    cr_expect_null(strstr(s, "<dt>办理依据</dt>"), "%s", s);
    free(s);
}

/* The facts are the eight keys of the sheet, each under its label, in the
 * sheet's order whatever the file's; other front matter (review_by, a
 * date for the staff) is no row. */
Test(render, the_facts_in_the_sheets_order_and_no_other)
{
    char *s = sheet_of("---\naudience: 失业人员\nbasis: 某条例\nresponsible: 综合窗口\n"
                       "phone: 12345678\nreview_by: 2099-01-01\nhours: 工作日\nlocation: 一楼\n"
                       "fee: 免费\ntime_limit: 5个工作日\n---\n# 事项\n\n摘要。\n\n"
                       "## 第一步:准备\n- [ ] 身份证\n");

    cr_expect(strstr(s, "<dl class=\"facts\">\n"
                        "<dt>办理时限</dt>\n<dd>5个工作日</dd>\n<dt>收费</dt>\n<dd>免费</dd>\n"
                        "<dt>办理地点</dt>\n<dd>一楼</dd>\n<dt>办理时间</dt>\n<dd>工作日</dd>\n"
                        "<dt>咨询电话</dt>\n<dd>12345678</dd>\n<dt>责任岗位</dt>\n<dd>综合窗口</dd>\n"
                        "<dt>办理依据</dt>\n<dd>某条例</dd>\n<dt>适用对象</dt>\n<dd>失业人员</dd>\n"
                        "</dl>\n"),
              "%s", s);
    free(s);
}

/* A 办理流程 section without a chain block is prose: no stages row is made
 * up for it. That prose is the chain's row of the facts, not a section of
 * its own as well. */
Test(render, stages_only_from_a_written_chain)
{
    char *s = sheet_of("---\ntime_limit: 5个工作日\n---\n# 事项\n\n摘要。\n\n"
                       "## 办理流程\n社区受理后报街道。\n\n## 第一步:准备\n- [ ] 身份证\n");

    cr_expect(strstr(s, "<dt>办理流程</dt>\n<dd><p>社区受理后报街道。</p>"), "%s", s);
    cr_expect_null(strstr(s, "<h2>办理流程</h2>"), "%s", s);
    cr_expect_null(strstr(s, "class=\"stages\""), "%s", s);
    free(s);
}

/* Fields asked in one case or another share a label: named once, and
 * the separator is not doubled where the second was left out. The sheet
 * numbers the steps itself: the file's 第二步 is not printed. */
Test(render, a_label_shared_by_fields_is_named_once)
{
    char *s = sheet_of("# 事项\n\n摘要。\n\n## 第一步:选择\n```form\n"
                       "self | 本人申请 | yesno | required\n```\n\n## 第二步:填写\n```form\n"
                       "name | 姓名 | text | required\n"
                       "birth | 出生日期 | date | required {if self=yes}\n"
                       "birth2 | 出生日期 | date | required {if self=no}\n"
                       "phone | 电话 | text | required\n```\n");

    cr_expect(strstr(s, "<li>填写<span class=\"fields\">（需填写：姓名、出生日期、电话）"), "%s", s);
    free(s);
}

/* A stage of 0 days is done the same day: 当天, not 0个工作日. The arrows
 * go between the stages, none before the first. */
Test(render, a_stage_of_no_days_is_the_same_day)
{
    char *s = sheet_of("# 事项\n\n摘要。\n\n## 办理流程\n```chain\n"
                       "accept | 受理 | window | 0\nstreet | 街道审核 | window | 3\n```\n\n"
                       "## 第一步:准备\n- [ ] 身份证\n");

    cr_expect(strstr(s, "<span class=\"stages\">受理（当天） → 街道审核（3个工作日），合计3个工作日。"),
              "%s", s);
    free(s);
}

/* No papers to bring, no 需要准备 heading over an empty list; a fact
 * written empty is no row. */
Test(render, nothing_to_bring_and_empty_facts_print_nothing)
{
    char *s = sheet_of("---\nfee:\n---\n# 事项\n\n摘要。\n\n## 第一步:填写\n```form\n"
                       "name | 姓名 | text | required\n```\n");

    cr_expect_null(strstr(s, "需要准备"), "%s", s);
    cr_expect_null(strstr(s, "<dt>收费</dt>"), "%s", s);
    free(s);
}

/* An {if} on a yes/no question reads as the kiosk asks it: 是 or 否, not
 * the file's yes and no; a step's own {if} is said in the list of steps. */
Test(render, a_yes_no_condition_reads_as_asked)
{
    char *s = sheet_of("# 事项\n\n摘要。\n\n## 第一步:选择\n```form\n"
                       "self | 本人申请 | yesno | required\n```\n\n## 第二步:准备\n"
                       "- [ ] 委托书 {if self=no}\n- [ ] 身份证 {if self=yes}\n\n"
                       "## 第三步:代办 {if self=no}\n代办人到场。\n");

    cr_expect(strstr(s, "委托书<span class=\"note\">（「本人申请」选「否」时需要）</span>"), "%s", s);
    cr_expect(strstr(s, "身份证<span class=\"note\">（「本人申请」选「是」时需要）</span>"), "%s", s);
    cr_expect(strstr(s, "<li>代办<span class=\"note\">（「本人申请」选「否」时需要）</span></li>"), "%s", s);
    free(s);
}

/* A date bound is written as the file wrote it, year-month-day: a day
 * past 12 tells the month from the day. */
Test(render, a_date_bound_keeps_month_and_day_apart)
{
    struct procedure *p = parse_ok("# 事项\n\n摘要。\n\n## 第一步:填写\n```form\n"
                                   "since | 开始日期 | date | not_before=2020-03-15\n```\n");
    char *s = render_procedure_detail(p);

    cr_assert_not_null(s);
    cr_expect(strstr(s, "\"not_before\":\"2020-03-15\""), "%s", s);
    free(s);
    procedure_free(p);
}

/* meta's keys in byte order whatever the file's order (render.h, version
 * 11): two files a resident reads the same render the same JSON. */
Test(render, meta_keys_in_byte_order)
{
    struct procedure *p = parse_ok("---\nversion: v1\nfee: 免费\naudience: 所有人\n---\n# 事项\n\n摘要。\n\n"
                                   "## 第一步:准备\n- [ ] 身份证\n");
    char *s = render_procedure_detail(p);
    cJSON *j = cJSON_Parse(s), *m, *k;
    const char *prev = "";
    int n = 0;

    cr_assert_not_null(j, "%s", s);
    m = cJSON_GetObjectItemCaseSensitive(j, "meta");
    cJSON_ArrayForEach(k, m) {
        cr_expect(strcmp(prev, k->string) < 0, "%s before %s: %s", prev, k->string, s);
        prev = k->string;
        n++;
    }
    cr_expect_eq(n, 3, "%s", s);
    cJSON_Delete(j);
    free(s);
    procedure_free(p);
}

/* The practice key covers the whole of the rules: a choice changed in the
 * last field of the last step (the end of the text the key is taken of)
 * is another exercise. */
Test(render, the_practice_key_sees_the_last_rule)
{
    static const char head[] = "# 事项\n\n摘要。\n\n## 第一步:准备\n- [ ] 身份证\n\n"
                               "## 第二步:填写\n```form\nwho | 申请人 | choice | required options=本人/";
    char a[512], b[512], ka[RENDER_PRACTICE_KEY_LEN + 1], kb[RENDER_PRACTICE_KEY_LEN + 1];
    struct procedure *pa, *pb;

    snprintf(a, sizeof a, "%s代办\n```\n", head);
    snprintf(b, sizeof b, "%s代理\n```\n", head);
    pa = parse_ok(a);
    pb = parse_ok(b);
    cr_assert_eq(render_practice_key(pa, ka), 0);
    cr_assert_eq(render_practice_key(pb, kb), 0);
    cr_expect(strcmp(ka, kb) != 0, "one key for two exercises: %s", ka);
    procedure_free(pa);
    procedure_free(pb);
}

/* Only a yes/no question's yes and no read as 是 and 否: a choice whose
 * option is spelt yes or no is printed as the kiosk offers it. */
Test(render, a_choice_named_yes_or_no_is_printed_as_written)
{
    char *s = sheet_of("# 事项\n\n摘要。\n\n## 第一步:选择\n```form\n"
                       "kind | 类别 | choice | required options=yes/no/其他\n```\n\n## 第二步:准备\n"
                       "- [ ] 证明甲 {if kind=yes}\n- [ ] 证明乙 {if kind=no}\n");

    cr_expect(strstr(s, "证明甲<span class=\"note\">（「类别」选「yes」时需要）</span>"), "%s", s);
    cr_expect(strstr(s, "证明乙<span class=\"note\">（「类别」选「no」时需要）</span>"), "%s", s);
    free(s);
}

/* A policy has no steps: its sheet has no 办理步骤 heading over nothing. */
Test(render, a_policy_sheet_has_no_steps_heading)
{
    char *s = sheet_of("---\nkind: policy\n---\n# 某政策\n\n摘要。\n\n## 政策内容\n说明。\n");

    cr_expect(strstr(s, "说明。"), "%s", s);
    cr_expect_null(strstr(s, "办理步骤"), "%s", s);
    free(s);
}

/* The key is stored beside each version (schema/027-practice-key.sql) and
 * a pass is counted against it: the same rules must give the same key
 * from one build to the next, or every pass is lost at the first prose
 * edit after an upgrade. A change of the key's text needs RENDER_VERSION
 * bumped and this value replaced on purpose. */
Test(render, the_practice_key_of_fixed_rules_is_fixed)
{
    struct procedure *p = parse_ok("# 事项\n\n摘要。\n\n## 办理条件\n- 本市户籍\n\n"
                                   "## 第一步:选择\n```form\nself | 本人申请 | yesno | required\n```\n\n"
                                   "## 第二步:准备\n- [ ] 身份证\n- [ ] 委托书 {if self=no}\n");
    char k[RENDER_PRACTICE_KEY_LEN + 1];

    cr_assert_eq(render_practice_key(p, k), 0);
    cr_expect_str_eq(k, "93a67c1dc9eb5623cafff4c5693ec20193cf4bfd9a07dcc0ebea2dc66902a3eb");
    procedure_free(p);
}

/* The footer says which version of the text the sheet was printed from,
 * in words a resident reads. */
Test(render, the_footer_names_the_version)
{
    char *s = sheet_of("---\nversion: 2026-1\n---\n# 事项\n\n摘要。\n\n## 第一步:准备\n- [ ] 身份证\n");

    cr_expect(strstr(s, "<footer><p>版本 2026-1。政策如有调整"), "%s", s);
    free(s);
}

/* The shape of a text's practice key (render_practice_shape, store.c): two
 * texts differing in words only (a condition's, a paper's, a field's
 * label, a step's title and prose) are one shape, so an admin's wording
 * fix keeps the staff's passes; anything the window checks is another. */
static void shape_of(const char *src, char out[RENDER_PRACTICE_KEY_LEN + 1])
{
    struct procedure *p = parse_ok(src);
    char *detail = render_procedure_detail(p);

    cr_assert_not_null(detail);
    cr_assert_eq(render_practice_shape(detail, out), 0, "%s", detail);
    free(detail);
    procedure_free(p);
}

Test(render, the_practice_shape_ignores_words_only)
{
    static const char base[] = "# 事项\n\n摘要。\n\n## 办理条件\n- 本市户籍\n\n"
                               "## 第一步:选择\n说明。\n\n```form\nself | 本人申请 | yesno | required\n```\n\n"
                               "## 第二步:准备\n- [ ] 身分证 {#id_card}\n- [ ] 委托书 {if self=no}\n";
    static const struct {
        const char *from, *to;
        bool same;
    } edits[] = {
        {"本市户籍", "具有本市户籍", true},
        {"身分证 {#id_card}", "身份证 {#id_card}", true},
        {"| 本人申请 |", "| 是否本人申请 |", true},
        {"## 第一步:选择\n说明。", "## 第一步:选一选\n另一段说明。", true},
        {"- 本市户籍\n", "- 本市户籍\n- 年满 18 周岁\n", false},
        {"{#id_card}", "{#idcard}", false},
        {"| yesno | required", "| yesno |", false},
        {"{if self=no}", "{if self=yes}", false},
        {"- [ ] 委托书 {if self=no}\n", "", false},
    };
    char k0[RENDER_PRACTICE_KEY_LEN + 1], k1[RENDER_PRACTICE_KEY_LEN + 1];
    size_t i;

    shape_of(base, k0);
    for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char src[1024];
        const char *at = strstr(base, edits[i].from);
        cr_assert_not_null(at, "%s", edits[i].from);
        snprintf(src, sizeof src, "%.*s%s%s", (int)(at - base), base, edits[i].to, at + strlen(edits[i].from));
        shape_of(src, k1);
        cr_expect_eq(strcmp(k0, k1) == 0, edits[i].same, "%s -> %s", edits[i].from, edits[i].to);
    }
    cr_expect_eq(render_practice_shape("{\"conditions\":[]}", k1), -1, "no steps: no shape");
    cr_expect_eq(render_practice_shape("not json", k1), -1);
}

/* A chain stage moved to another post or given more days is nothing the
 * window checks at acceptance, which is what practice trains: the same
 * practice key, so no staffer practises again for it. */
Test(render, a_chain_change_keeps_the_practice_key)
{
    static const char a[] = "# 事项\n\n摘要。\n\n## 办理流程\n```chain\naccept | 受理 | window | 1\n"
                            "review | 审核 | window | 9\n```\n\n## 第一步:准备\n- [ ] 身份证\n";
    static const char b[] = "# 事项\n\n摘要。\n\n## 办理流程\n```chain\naccept | 受理 | window | 1\n"
                            "review | 街道审核 | visit | 15\n```\n\n## 第一步:准备\n- [ ] 身份证\n";
    char ka[RENDER_PRACTICE_KEY_LEN + 1], kb[RENDER_PRACTICE_KEY_LEN + 1];
    struct procedure *pa = parse_ok(a), *pb = parse_ok(b);

    cr_assert_eq(render_practice_key(pa, ka), 0);
    cr_assert_eq(render_practice_key(pb, kb), 0);
    cr_expect_str_eq(ka, kb);
    procedure_free(pa);
    procedure_free(pb);
}
