/* Unit tests for directory: the offices of `_directory.md`, their lines and
 * keywords, every error with its line, the links that point at an office,
 * and the JSON that GET /api/v1/directory serves. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "directory.h"
#include "triage.h"

#define PATH "_directory.md"
#include "expect.h"

static int parse(const char *text, struct directory **d, struct diag_list *l)
{
    memset(l, 0, sizeof *l);
    return directory_parse(PATH, text, strlen(text), d, l);
}

Test(directory, offices_lines_and_keywords)
{
    struct directory *d;
    struct diag_list l;
    const struct office *o;
    int r = parse("# 其他办事地点\n\n说明文字。\n\n## 派出所 {#paichusuo}\n- 地址:幸福路 12 号\n"
                  "- 电话:0535-0000110\n- 关键词:身份证、户口迁移, 户口本\n\n"
                  "## 医保中心 {#yibao}\n- 时间:周一至周五\n", &d, &l);

    cr_assert_eq(r, 0, "%s", dump(&l));
    expect_counts(&l, 0, 0);
    cr_assert_eq(d->n, 2);
    o = directory_find(d, "paichusuo");
    cr_assert_not_null(o);
    cr_assert_str_eq(o->name, "派出所");
    cr_assert_eq(o->line, 5);
    cr_assert_eq(o->n_lines, 2);
    cr_assert_str_eq(o->lines[1], "电话:0535-0000110");
    cr_assert_eq(o->n_keywords, 3);
    cr_assert_str_eq(o->keywords[0], "身份证");
    cr_assert_str_eq(o->keywords[1], "户口迁移");
    cr_assert_str_eq(o->keywords[2], "户口本");
    cr_assert_null(directory_find(d, "budongchan"));
    directory_free(d);
    diag_list_free(&l);
}

Test(directory, errors_have_their_lines)
{
    struct directory *d;
    struct diag_list l;
    int r = parse("# x\n\n## 派出所 {#paichusuo}\n- 地址:1\n\n## 医保中心\n- 地址:2\n\n"
                  "## 派出所二 {#paichusuo}\n- 地址:3\n\n## 公证处 {#gongzheng}\n\n"
                  "## 坏编号 {#Bad_Id}\n- 地址:4\n", &d, &l);

    cr_assert_eq(r, 1);
    expect_diag(&l, 6, DIAG_ERROR, "没有编号");
    expect_diag(&l, 9, DIAG_ERROR, "编号 paichusuo 重复了（第 3 行已经用过）");
    expect_diag(&l, 12, DIAG_ERROR, "下面没有内容");
    expect_diag(&l, 14, DIAG_ERROR, "无效");
    expect_counts(&l, 4, 0);
    /* what was read is kept so that links can be checked against it */
    cr_assert_not_null(d);
    cr_assert_not_null(directory_find(d, "gongzheng"));
    directory_free(d);
    diag_list_free(&l);
}

/* An id typed full-width ({＃minzheng}) is one error, the full-width
 * one: 「没有编号」 as well sent the admin to add a second id. An id in
 * capitals is given back in small letters. */
Test(directory, a_mistyped_id_is_told_once_and_rightly)
{
    struct directory *d;
    struct diag_list l;
    int r = parse("# x\n\n## 民政局 {\xef\xbc\x83minzheng}\n- 电话：1\n\n"
                  "## 社保局 {#Shebao}\n- 电话：2\n\n## 医保 {#Yi Bao}\n- 电话：3\n", &d, &l);

    cr_assert_eq(r, 1);
    expect_diag(&l, 3, DIAG_ERROR, "是全角的，要用英文的 #，应写成 {#minzheng}");
    expect_diag(&l, 6, DIAG_ERROR, "编号「Shebao」无效：只能用小写英文字母，应写成 {#shebao}");
    expect_diag(&l, 9, DIAG_ERROR, "不能有空格");
    expect_counts(&l, 3, 0);
    directory_free(d);
    diag_list_free(&l);
}

/* A `---` right under the introduction, meant as a line: Markdown makes
 * the introduction an office (no id, no lines). Its errors now come with
 * a warning at the `---` that says why; a `---` after a blank line is a
 * line and says nothing. */
Test(directory, a_dash_line_under_text_is_named)
{
    struct directory *d;
    struct diag_list l;
    int r = parse("---\nfoo: 1\n---\n# x\n\n说明文字。\n---\n\n"   /* 1-8 */
                  "## 派出所 {#paichusuo}\n- 地址:1\n\n---\n", &d, &l); /* 9-12 */

    cr_assert_eq(r, 1);
    expect_diag(&l, 7, DIAG_WARNING, "--- 紧接在上一行文字下面");
    expect_diag(&l, 6, DIAG_ERROR, "没有编号");
    expect_counts(&l, 2, 2); /* and the front matter's foo */
    directory_free(d);
    diag_list_free(&l);
}

Test(directory, empty_file_and_stray_list)
{
    struct directory *d;
    struct diag_list l;

    cr_assert_eq(parse("# 只有标题\n\n- 一行\n", &d, &l), 1);
    expect_diag(&l, 3, DIAG_ERROR, "不属于任何办事地点");
    expect_diag(&l, 1, DIAG_ERROR, "没有办事地点");
    directory_free(d);
    diag_list_free(&l);
}

Test(directory, bounds)
{
    struct directory *d;
    struct diag_list l;
    char *big = malloc(DIRECTORY_FILE_MAX + 2), line[DIRECTORY_MAX_LINE + 32];
    size_t i;

    cr_assert_not_null(big);
    memset(big, 'a', DIRECTORY_FILE_MAX + 1);
    big[DIRECTORY_FILE_MAX + 1] = '\0';
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 1, DIAG_ERROR, "太大");
    cr_assert_null(d);
    diag_list_free(&l);

    strcpy(big, "## 甲 {#a}\n");
    for (i = 0; i < DIRECTORY_MAX_LINES + 1; i++)
        strcat(big, "- 一行\n");
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 2 + DIRECTORY_MAX_LINES, DIAG_ERROR, "最多");
    directory_free(d);
    diag_list_free(&l);

    memset(line, 'x', sizeof line);
    line[sizeof line - 1] = '\0';
    snprintf(big, DIRECTORY_FILE_MAX, "## 甲 {#a}\n- 地址:1\n- %s\n", line);
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 3, DIAG_ERROR, "太长");
    directory_free(d);
    diag_list_free(&l);

    big[0] = '\0';
    for (i = 0; i < DIRECTORY_MAX_OFFICES + 1; i++)
        sprintf(big + strlen(big), "## 第%zu {#o%zu}\n- 地址:1\n\n", i, i);
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 1 + 3 * DIRECTORY_MAX_OFFICES, DIAG_ERROR, "太多");
    expect_counts(&l, 1, 0);
    directory_free(d);
    diag_list_free(&l);
    free(big);
}

Test(directory, links_to_offices)
{
    char id[65];
    int bad;

    cr_assert_eq(directory_link("_directory.md#paichusuo", 0, id, sizeof id, &bad), 1);
    cr_assert_str_eq(id, "paichusuo");
    cr_assert_eq(directory_link("./_directory.md#yibao", 0, id, sizeof id, &bad), 1);
    cr_assert_str_eq(id, "yibao");
    cr_assert_eq(directory_link("../_directory.md#yibao", 1, id, sizeof id, &bad), 1);
    /* the triage file sits at the root: no ../ */
    cr_assert_eq(directory_link("../_directory.md#yibao", 0, id, sizeof id, &bad), 0);
    cr_assert_eq(bad, 0);
    cr_assert_eq(directory_link("../_directory.md#Bad", 1, id, sizeof id, &bad), 0);
    cr_assert_eq(bad, 1);
    cr_assert_eq(directory_link("_directory.md", 0, id, sizeof id, &bad), 0);
    cr_assert_eq(directory_link("employment/x.md", 0, id, sizeof id, &bad), 0);
    cr_assert_eq(bad, 0);
    /* '_' as item ids have it: {#civil_affairs} is an office id */
    cr_assert_eq(directory_link("_directory.md#civil_affairs", 0, id, sizeof id, &bad), 1);
    cr_assert_str_eq(id, "civil_affairs");
    cr_assert_eq(directory_link("_directory.md#_x", 0, id, sizeof id, &bad), 0);
    cr_assert_eq(bad, 1, "a letter or digit first");
    cr_assert(directory_id_valid("civil_affairs", 13));
    cr_assert(directory_id_valid("110-center", 10));
    cr_assert_not(directory_id_valid("派出所", strlen("派出所")));
    cr_assert_not(directory_id_valid("a.b", 3));
}

Test(directory, render)
{
    struct directory *d;
    struct diag_list l;
    char *s;

    cr_assert_eq(parse("## 派出所 {#paichusuo}\n- 地址:1\n- 关键词:身份证\n", &d, &l), 0);
    s = directory_render(d);
    cr_assert_str_eq(s, "{\"offices\":[{\"id\":\"paichusuo\",\"name\":\"派出所\",\"lines\":[\"地址:1\"],"
                        "\"keywords\":[\"身份证\"],"
                        "\"pinyin\":[\"paichusuo\",\"pcs\",\"shenfenzheng\",\"sfz\"]}]}");
    free(s);
    s = directory_render(NULL);
    cr_assert_str_eq(s, "{\"offices\":[]}");
    free(s);
    directory_free(d);
    diag_list_free(&l);
}

/* A triage answer that links to an office asks the resolver about the link
 * itself and is served as {"office": ID}. */
static const char *resolve_office(void *ctx, const char *rel, int line, bool *broken)
{
    (void)ctx;
    (void)line;
    *broken = false;
    return strcmp(rel, "_directory.md#paichusuo") == 0 ? rel : NULL;
}

Test(directory, triage_answers_link_to_offices)
{
    static const char text[] = "## 办什么? {#start}\n- [身份证](_directory.md#paichusuo)\n"
                               "- [房产证](_directory.md#budongchan)\n";
    struct triage *t;
    struct diag_list l;
    char *s;

    memset(&l, 0, sizeof l);
    cr_assert_eq(triage_parse("_triage.md", text, strlen(text), resolve_office, NULL, &t, &l), 1);
    cr_assert_eq(l.n, 1, "%s", dump(&l));
    cr_assert_eq(l.items[0].line, 3);
    cr_assert(strstr(l.items[0].message, "办事地点 budongchan") != NULL);
    diag_list_free(&l);

    memset(&l, 0, sizeof l);
    cr_assert_eq(triage_parse("_triage.md", text, sizeof "## 办什么? {#start}\n- [身份证](_directory.md#paichusuo)\n" - 1,
                              resolve_office, NULL, &t, &l), 0, "%s", dump(&l));
    s = triage_render(t);
    cr_assert(strstr(s, "{\"text\":\"身份证\",\"office\":\"paichusuo\"}") != NULL, "%s", s);
    free(s);
    triage_free(t);
    diag_list_free(&l);
}

/* ---- pinned by a mutation review of directory.c ---- */

/* Docs: ≤ 300 bytes a line or name, ≤ 20 lines an office, keywords
 * included, ≤ 30 keywords, ids of at most 64 characters. The limits
 * themselves are allowed; one more is an error at its line. */
Test(directory, bounds_are_inclusive)
{
    struct directory *d;
    struct diag_list l;
    char big[8192], x301[DIRECTORY_MAX_LINE + 2], id65[66];
    size_t i;

    memset(x301, 'x', sizeof x301 - 1);
    x301[sizeof x301 - 1] = '\0';
    /* a line of 300 bytes */
    snprintf(big, sizeof big, "## 甲 {#a}\n- 地址:%.*s\n", DIRECTORY_MAX_LINE - (int)strlen("地址:"),
             x301);
    cr_assert_eq(parse(big, &d, &l), 0, "%s", dump(&l));
    cr_assert_eq(strlen(d->offices[0].lines[0]), DIRECTORY_MAX_LINE);
    directory_free(d);
    diag_list_free(&l);

    /* a name of 300 bytes, then one of 301 */
    snprintf(big, sizeof big, "## %.*s {#a}\n- 地址:1\n## %s {#b}\n- 地址:2\n", DIRECTORY_MAX_LINE,
             x301, x301);
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 3, DIAG_ERROR, "办事地点的名称太长，最多 300 字节");
    expect_counts(&l, 1, 0);
    directory_free(d);
    diag_list_free(&l);

    /* the 关键词 line takes one of the 20 */
    strcpy(big, "## 甲 {#a}\n- 关键词:身份证\n");
    for (i = 0; i < DIRECTORY_MAX_LINES - 1; i++)
        strcat(big, "- 一行\n");
    cr_assert_eq(parse(big, &d, &l), 0, "%s", dump(&l));
    directory_free(d);
    diag_list_free(&l);
    strcat(big, "- 一行\n");
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 2 + DIRECTORY_MAX_LINES, DIAG_ERROR, "一个办事地点最多 20 行");
    expect_counts(&l, 1, 0);
    directory_free(d);
    diag_list_free(&l);

    /* 30 keywords, then 31 */
    strcpy(big, "## 甲 {#a}\n- 地址:1\n- 关键词:");
    for (i = 0; i < DIRECTORY_MAX_KEYWORDS; i++)
        sprintf(big + strlen(big), "词%zu、", i);
    strcat(big, "\n");
    cr_assert_eq(parse(big, &d, &l), 0, "%s", dump(&l));
    cr_assert_eq(d->offices[0].n_keywords, DIRECTORY_MAX_KEYWORDS);
    directory_free(d);
    diag_list_free(&l);
    big[strlen(big) - 1] = '\0';
    strcat(big, "再一个\n");
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 3, DIAG_ERROR, "一个办事地点最多 30 个关键词");
    directory_free(d);
    diag_list_free(&l);

    memset(id65, 'a', sizeof id65 - 1);
    id65[sizeof id65 - 1] = '\0';
    cr_assert(directory_id_valid(id65, 64));
    cr_assert_not(directory_id_valid(id65, 65));
}

Test(directory, keywords_split_on_every_separator_of_the_docs)
{
    struct directory *d;
    struct diag_list l;
    static const char *const want[] = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬"};
    size_t i;

    /* 、 ， ； , ; space tab ideographic space, after a full-width colon */
    cr_assert_eq(parse("## 甲 {#a}\n- 地址:1\n- 关键词：甲、乙，丙；丁,戊;己 庚\t辛\xE3\x80\x80壬\n", &d, &l),
                 0, "%s", dump(&l));
    cr_assert_eq(d->offices[0].n_lines, 1);
    cr_assert_eq(d->offices[0].n_keywords, 9);
    for (i = 0; i < 9; i++)
        cr_assert_str_eq(d->offices[0].keywords[i], want[i]);
    directory_free(d);
    diag_list_free(&l);
}

/* What the card cannot show is said: a blank name is an error, a paragraph
 * under an office and front matter are warnings. */
Test(directory, blank_name_stray_text_and_front_matter)
{
    struct directory *d;
    struct diag_list l;

    cr_assert_eq(parse("---\n"                    /* 1 */
                       "version: 1\n"             /* 2 */
                       "---\n"                    /* 3 */
                       "## 甲 {#a}\n"             /* 4 */
                       "- 地址:1\n"               /* 5 */
                       "\n"                       /* 6 */
                       "这段话不在卡片上。\n"     /* 7 */
                       "\n"                       /* 8 */
                       "## {#b}\n"                /* 9 */
                       "- 地址:2\n", &d, &l), 1);
    expect_diag(&l, 2, DIAG_WARNING, "办事地点文件不使用「version」");
    expect_diag(&l, 7, DIAG_WARNING, "不会显示在办事地点的卡片上");
    expect_diag(&l, 9, DIAG_ERROR, "办事地点的名称不能是空的");
    expect_counts(&l, 1, 2);
    directory_free(d);
    diag_list_free(&l);
}

/* A word with no ideograph spells as itself: it adds nothing to pinyin. */
Test(directory, pinyin_leaves_out_words_without_ideographs)
{
    struct directory *d;
    struct diag_list l;
    char *s;

    cr_assert_eq(parse("## 派出所 {#paichusuo}\n- 地址:1\n- 关键词:110 户口\n", &d, &l), 0, "%s",
                 dump(&l));
    s = directory_render(d);
    cr_assert(strstr(s, "\"pinyin\":[\"paichusuo\",\"pcs\",\"hukou\",\"hk\"]") != NULL, "%s", s);
    free(s);
    directory_free(d);
    diag_list_free(&l);
}

/* The file-size cap is inclusive: a file of exactly 256 KiB is read. */
Test(directory, a_file_at_the_size_cap_is_read)
{
    static const char head[] = "## 甲 {#a}\n- 地址:1\n\n";
    struct directory *d;
    struct diag_list l;
    char *big = malloc(DIRECTORY_FILE_MAX + 2);

    cr_assert_not_null(big);
    memcpy(big, head, sizeof head - 1);
    memset(big + sizeof head - 1, '\n', DIRECTORY_FILE_MAX - (sizeof head - 1));
    big[DIRECTORY_FILE_MAX] = '\0';
    cr_assert_eq(parse(big, &d, &l), 0, "%s", dump(&l));
    directory_free(d);
    diag_list_free(&l);
    big[DIRECTORY_FILE_MAX] = '\n';
    big[DIRECTORY_FILE_MAX + 1] = '\0';
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 1, DIAG_ERROR, "太大");
    cr_assert_null(d);
    diag_list_free(&l);
    free(big);
}

/* A --- between offices is a separator an admin may draw: not text left
 * off the card, so nothing is said. */
Test(directory, a_thematic_break_between_offices_is_quiet)
{
    struct directory *d;
    struct diag_list l;

    cr_assert_eq(parse("## 甲 {#a}\n- 地址:1\n\n---\n\n## 乙 {#b}\n- 地址:2\n", &d, &l), 0, "%s",
                 dump(&l));
    expect_counts(&l, 0, 0);
    directory_free(d);
    diag_list_free(&l);
}

/* A ### under an office looks like part of its card and is left off it, so
 * it is said, as a paragraph there is; a # (the file's title, or a title
 * over a group of offices) is not text of a card and passes quietly. */
Test(directory, a_subheading_under_an_office_is_said_a_title_is_not)
{
    struct directory *d;
    struct diag_list l;

    cr_assert_eq(parse("# 其他办事地点\n"          /* 1 */
                       "## 甲 {#a}\n"              /* 2 */
                       "- 地址:1\n"                /* 3 */
                       "\n"                        /* 4 */
                       "### 注意事项\n"            /* 5 */
                       "\n"                        /* 6 */
                       "# 市级部门\n"              /* 7 */
                       "\n"                        /* 8 */
                       "## 乙 {#b}\n"              /* 9 */
                       "- 地址:2\n"                /* 10 */
                       "#### 备注\n", &d, &l), 0, "%s", dump(&l));
    expect_diag(&l, 5, DIAG_WARNING, "这个小标题不会显示在办事地点的卡片上");
    expect_diag(&l, 11, DIAG_WARNING, "这个小标题不会显示在办事地点的卡片上");
    expect_counts(&l, 0, 2);
    cr_assert_eq(d->n, 2);
    directory_free(d);
    diag_list_free(&l);
}

/* Too many offices is said once, at the first over the cap, however many
 * more follow. */
Test(directory, too_many_offices_is_said_once)
{
    struct directory *d;
    struct diag_list l;
    char *big = malloc(64 * (DIRECTORY_MAX_OFFICES + 3));
    size_t i;

    cr_assert_not_null(big);
    big[0] = '\0';
    for (i = 0; i < DIRECTORY_MAX_OFFICES + 3; i++)
        sprintf(big + strlen(big), "## 第%zu {#o%zu}\n- 地址:1\n\n", i, i);
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 1 + 3 * DIRECTORY_MAX_OFFICES, DIAG_ERROR, "太多");
    expect_counts(&l, 1, 0);
    directory_free(d);
    diag_list_free(&l);
    free(big);
}

/* Past the keyword cap the admin is told once, not once per extra word,
 * and the extra words are not kept. */
Test(directory, too_many_keywords_is_said_once)
{
    struct directory *d;
    struct diag_list l;
    char big[4096];
    size_t i;

    strcpy(big, "## 甲 {#a}\n- 地址:1\n- 关键词:");
    for (i = 0; i < DIRECTORY_MAX_KEYWORDS + 3; i++)
        sprintf(big + strlen(big), "词%zu、", i);
    strcat(big, "\n");
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 3, DIAG_ERROR, "一个办事地点最多 30 个关键词");
    expect_counts(&l, 1, 0);
    cr_assert_eq(d->offices[0].n_keywords, DIRECTORY_MAX_KEYWORDS);
    directory_free(d);
    diag_list_free(&l);
}

/* An empty "-" item is an error with its line, not a blank card line. */
Test(directory, an_empty_line_is_an_error)
{
    struct directory *d;
    struct diag_list l;

    cr_assert_eq(parse("## 甲 {#a}\n- 地址:1\n-\n- 电话:2\n", &d, &l), 1);
    expect_diag(&l, 3, DIAG_ERROR, "这一行是空的");
    expect_counts(&l, 1, 0);
    cr_assert_eq(d->offices[0].n_lines, 2);
    directory_free(d);
    diag_list_free(&l);
}

/* The ends of the allowed ranges: an id may start with "z" or "9". */
Test(directory, ids_may_start_with_z_or_9)
{
    cr_assert(directory_id_valid("zhengwu", 7));
    cr_assert(directory_id_valid("9z", 2));
}

/* An indented line under another is a line of the card of its own: it was
 * run on into the one above (「电话:0535-1234567分机 2」), and the cap on
 * lines is still said once. */
Test(directory, an_indented_line_is_a_line_of_its_own)
{
    struct directory *d;
    struct diag_list l;
    const struct office *o;
    char *big;
    size_t i;

    cr_assert_eq(parse("## 派出所 {#paichusuo}\n- 地址:幸福路 12 号\n- 电话:0535-1234567\n"
                       "  - 分机 2\n    - 值班 3\n- 时间:周一至周五\n", &d, &l), 0, "%s", dump(&l));
    expect_counts(&l, 0, 0);
    o = directory_find(d, "paichusuo");
    cr_assert_eq(o->n_lines, 5);
    cr_assert_str_eq(o->lines[1], "电话:0535-1234567");
    cr_assert_str_eq(o->lines[2], "分机 2");
    cr_assert_str_eq(o->lines[3], "值班 3");
    cr_assert_str_eq(o->lines[4], "时间:周一至周五");
    directory_free(d);
    diag_list_free(&l);

    cr_assert_not_null(big = malloc(64 + 16 * (DIRECTORY_MAX_LINES + 4)));
    strcpy(big, "## 甲 {#a}\n- 一行\n");
    for (i = 0; i < DIRECTORY_MAX_LINES + 2; i++)
        strcat(big, "  - 一行\n");
    strcat(big, "- 一行\n");
    cr_assert_eq(parse(big, &d, &l), 1);
    expect_diag(&l, 2 + DIRECTORY_MAX_LINES, DIAG_ERROR, "最多");
    expect_counts(&l, 1, 0);
    directory_free(d);
    diag_list_free(&l);
    free(big);
}
