/* Unit tests for triage: the `_triage.md` question flow. Questions and their
 * ids, the three kinds of answers, every broken-flow error with its line,
 * and the JSON that GET /api/v1/triage serves. */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "diag.h"
#include "triage.h"

#define PATH "_triage.md"
#include "expect.h"

/* ---- diagnostics helpers ---- */

/* ---- the resolver: a few known files ---- */

#define MAX_ASKED 16

struct resolver {
    char asked[MAX_ASKED][128];     /* every path it was asked about */
    size_t n;
};

static const char *resolve(void *ctx, const char *relpath, int line, bool *broken)
{
    (void)line;
    static const struct {
        const char *path, *id;
        bool broken;
    } files[] = {
        {"employment/labour-handbook.md", "labour-handbook", false},
        {"residence/residence-permit.md", "residence-permit", false},
        /* the front matter id may differ from the stem */
        {"civil/marriage.md", "marriage-registration", false},
        /* a file with errors now */
        {"civil/broken.md", "broken", true},
    };
    struct resolver *r = ctx;
    size_t i;

    cr_assert_not_null(relpath);
    if (r->n < MAX_ASKED)
        snprintf(r->asked[r->n++], sizeof r->asked[0], "%s", relpath);
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (strcmp(files[i].path, relpath) == 0) {
            *broken = files[i].broken;
            return files[i].id;
        }
    }
    return NULL;
}

static bool was_asked(const struct resolver *r, const char *relpath)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        if (strcmp(r->asked[i], relpath) == 0)
            return true;
    return false;
}

/* Parses a private heap copy of exactly strlen(s) bytes. */
static int parse_r(const char *s, struct resolver *r, struct triage **t, struct diag_list *d)
{
    size_t len = strlen(s);
    char *copy = malloc(len ? len : 1);
    int rc;

    cr_assert_not_null(copy);
    memcpy(copy, s, len);
    *t = (struct triage *)copy; /* must be reset by the parser */
    rc = triage_parse(PATH, copy, len, resolve, r, t, d);
    free(copy);
    return rc;
}

static struct triage *parse_ok(const char *s)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;
    struct triage *t;

    cr_assert_eq(parse_r(s, &r, &t, &d), 0, "%s", dump(&d));
    expect_counts(&d, 0, 0);
    cr_assert_not_null(t);
    diag_list_free(&d);
    return t;
}

static void parse_fail(const char *s, struct resolver *r, struct diag_list *d)
{
    struct triage *t;

    cr_assert_eq(parse_r(s, r, &t, d), 1, "%s", dump(d));
    cr_assert_null(t);
}

static void expect_answer(const struct triage_question *q, size_t i, enum triage_target kind,
                          const char *text, const char *target, int line)
{
    const struct triage_answer *a;

    cr_assert_lt(i, q->n_answers, "answer %zu missing (only %zu)", i, q->n_answers);
    a = &q->answers[i];
    cr_assert_eq(a->kind, kind, "answer %zu", i);
    cr_assert_str_eq(a->text, text);
    if (target) {
        cr_assert_not_null(a->target, "answer %zu", i);
        cr_assert_str_eq(a->target, target);
    } else {
        cr_assert_null(a->target, "answer %zu", i);
    }
    cr_assert_eq(a->line, line, "answer %zu line %d", i, a->line);
}

/* ---- the example of the contract ---- */

static const char EXAMPLE[] =
    "# 不知道办什么?\n"                                           /* 1 */
    "\n"                                                           /* 2 */
    "## 您想办理哪方面的事情? {#start}\n"                         /* 3 */
    "- [我失业了,想登记找工作](#unemployed)\n"                    /* 4 */
    "- 其他事情请到综合窗口咨询\n"                                 /* 5 */
    "- [我要办劳动手册](employment/labour-handbook.md)\n"          /* 6 */
    "\n"                                                           /* 7 */
    "## 您是本市户籍吗? {#unemployed}\n"                          /* 8 */
    "- [是](employment/labour-handbook.md)\n"                      /* 9 */
    "- [不是,我是外来务工人员](residence/residence-permit.md)\n";  /* 10 */

Test(triage, contract_example)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;
    struct triage *t;
    const struct triage_question *q;

    cr_assert_eq(parse_r(EXAMPLE, &r, &t, &d), 0, "%s", dump(&d));
    expect_counts(&d, 0, 0);
    cr_assert_str_eq(t->title, "不知道办什么?");
    cr_assert_eq(t->n, 2);

    q = &t->questions[0];
    cr_assert_str_eq(q->id, "start");
    cr_assert_str_eq(q->text, "您想办理哪方面的事情?");
    cr_assert_eq(q->line, 3);
    cr_assert_eq(q->n_answers, 3);
    expect_answer(q, 0, TRIAGE_GOTO, "我失业了,想登记找工作", "unemployed", 4);
    expect_answer(q, 1, TRIAGE_END, "其他事情请到综合窗口咨询", NULL, 5);
    expect_answer(q, 2, TRIAGE_PROCEDURE, "我要办劳动手册", "labour-handbook", 6);

    q = &t->questions[1];
    cr_assert_str_eq(q->id, "unemployed");
    cr_assert_str_eq(q->text, "您是本市户籍吗?");
    cr_assert_eq(q->line, 8);
    cr_assert_eq(q->n_answers, 2);
    expect_answer(q, 0, TRIAGE_PROCEDURE, "是", "labour-handbook", 9);
    expect_answer(q, 1, TRIAGE_PROCEDURE, "不是,我是外来务工人员", "residence-permit", 10);

    cr_assert(was_asked(&r, "employment/labour-handbook.md"));
    cr_assert(was_asked(&r, "residence/residence-permit.md"));
    triage_free(t);
    diag_list_free(&d);
}

/* ---- ids and answers ---- */

Test(triage, slug_ids)
{
    const char *s = "## 您想办理哪方面的事情?\n"                         /* 1 */
                    "- [英文问题](#are-you-a-local-resident)\n"           /* 2 */
                    "- [带标点](#社区办事指南第-2-版)\n"                  /* 3 */
                    "## Are you a  Local Resident?\n"                     /* 4 */
                    "- 是\n"                                              /* 5 */
                    "## 《社区》办事指南,第 2 版!\n"                    /* 6 */
                    "- 否\n";                                             /* 7 */
    struct triage *t = parse_ok(s);

    cr_assert_eq(t->n, 3);
    cr_assert_str_eq(t->title, "");
    cr_assert_str_eq(t->questions[0].id, "您想办理哪方面的事情");
    cr_assert_str_eq(t->questions[0].text, "您想办理哪方面的事情?");
    cr_assert_str_eq(t->questions[1].id, "are-you-a-local-resident");
    cr_assert_str_eq(t->questions[1].text, "Are you a  Local Resident?");
    cr_assert_eq(t->questions[1].line, 4);
    cr_assert_str_eq(t->questions[2].id, "社区办事指南第-2-版");
    triage_free(t);
}

Test(triage, links_back_to_earlier_questions_are_fine)
{
    const char *s = "## 第一个问题 {#start}\n"     /* 1 */
                    "- [下一步](#second)\n"        /* 2 */
                    "## 第二个问题 {#second}\n"    /* 3 */
                    "- [重新开始](#start)\n"       /* 4 */
                    "- [留在这里](#second)\n"      /* 5 */
                    "- [第三个](#third)\n"         /* 6 */
                    "## 第三个问题 {#third}\n"     /* 7 */
                    "- [回到第二个](#second)\n";   /* 8 */
    struct triage *t = parse_ok(s);

    cr_assert_eq(t->n, 3);
    expect_answer(&t->questions[1], 0, TRIAGE_GOTO, "重新开始", "start", 4);
    expect_answer(&t->questions[1], 1, TRIAGE_GOTO, "留在这里", "second", 5);
    expect_answer(&t->questions[2], 0, TRIAGE_GOTO, "回到第二个", "second", 8);
    triage_free(t);
}

Test(triage, procedure_links)
{
    const char *s = "## 问题 {#start}\n"                                  /* 1 */
                    "- [结婚登记](civil/marriage.md)\n"                   /* 2 */
                    "- [当前目录写法](./employment/labour-handbook.md)\n" /* 3 */
                    "- 先看 [说明](residence/residence-permit.md) 再来\n"; /* 4 */
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;
    struct triage *t;

    cr_assert_eq(parse_r(s, &r, &t, &d), 0, "%s", dump(&d));
    expect_counts(&d, 0, 0);
    /* the target is the resolved id, not the path */
    expect_answer(&t->questions[0], 0, TRIAGE_PROCEDURE, "结婚登记", "marriage-registration", 2);
    expect_answer(&t->questions[0], 1, TRIAGE_PROCEDURE, "当前目录写法", "labour-handbook", 3);
    /* the text of the whole item, link text included */
    expect_answer(&t->questions[0], 2, TRIAGE_PROCEDURE, "先看 说明 再来", "residence-permit", 4);
    /* "./" is taken off before the resolver sees the path */
    cr_assert(was_asked(&r, "employment/labour-handbook.md"));
    cr_assert_not(was_asked(&r, "./employment/labour-handbook.md"));
    triage_free(t);
    diag_list_free(&d);
}

Test(triage, front_matter_is_ignored_with_a_warning_and_shifts_lines)
{
    const char *s = "---\n"                        /* 1 */
                    "version: 2026-03-01\n"        /* 2 */
                    "---\n"                        /* 3 */
                    "# 分诊\n"                     /* 4 */
                    "## 问题 {#start}\n"           /* 5 */
                    "- [去别处](#missing)\n";      /* 6 */
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail(s, &r, &d);
    expect_counts(&d, 1, 1);
    expect_diag(&d, 2, DIAG_WARNING, "version");
    expect_diag(&d, 6, DIAG_ERROR, "#missing");
    diag_list_free(&d);
}

/* ---- errors ---- */

/* A `---` right under the introduction, meant as a line, makes it a
 * question with no answers (an error) that everything else is then
 * unreachable from: a warning at the `---` says why. */
Test(triage, a_dash_line_under_text_is_named)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("# 不知道办什么？\n\n说明文字。\n---\n\n## 问题？ {#start}\n- 请到综合窗口咨询\n", &r, &d);
    expect_diag(&d, 4, DIAG_WARNING, "--- 紧接在上一行文字下面");
    expect_diag(&d, 3, DIAG_ERROR, "下面没有答案");
    diag_list_free(&d);
}

Test(triage, link_to_a_missing_question)
{
    const char *s = "# 分诊\n"                     /* 1 */
                    "## 问题 {#start}\n"           /* 2 */
                    "- [有](#second)\n"            /* 3 */
                    "- [没有](#nowhere)\n"         /* 4 */
                    "## 第二个 {#second}\n"        /* 5 */
                    "- 结束\n";                    /* 6 */
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail(s, &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 4, DIAG_ERROR, "#nowhere");
    expect_diag(&d, 4, DIAG_ERROR, "不存在");
    diag_list_free(&d);
}

Test(triage, link_to_a_missing_file)
{
    const char *s = "## 问题 {#start}\n"                        /* 1 */
                    "- [好的](employment/labour-handbook.md)\n" /* 2 */
                    "- [坏的](employment/no-such-thing.md)\n"   /* 3 */
                    "- [大小写](Employment/labour-handbook.md)\n"; /* 4 */
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail(s, &r, &d);
    expect_counts(&d, 2, 0);
    expect_diag(&d, 3, DIAG_ERROR, "employment/no-such-thing.md");
    expect_diag(&d, 3, DIAG_ERROR, "不存在");
    expect_diag(&d, 4, DIAG_ERROR, "Employment/labour-handbook.md");
    cr_assert(was_asked(&r, "employment/no-such-thing.md"));
    diag_list_free(&d);
}

Test(triage, links_leaving_the_procedures_folder)
{
    const char *s = "## 问题 {#start}\n"                              /* 1 */
                    "- [上级](../secret.md)\n"                        /* 2 */
                    "- [中间](employment/../../etc/passwd.md)\n"      /* 3 */
                    "- [绝对](/etc/passwd.md)\n"                      /* 4 */
                    "- [网址](https://evil.example/x.md)\n"           /* 5 */
                    "- [反斜杠](employment\\\\..\\\\x.md)\n"          /* 6 */
                    "- [不是 md](employment/labour-handbook.html)\n"  /* 7 */
                    "- [好的](employment/labour-handbook.md)\n";      /* 8 */
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;
    size_t i;

    parse_fail(s, &r, &d);
    expect_counts(&d, 6, 0);
    expect_diag(&d, 2, DIAG_ERROR, "../secret.md");
    expect_diag(&d, 3, DIAG_ERROR, "employment/../../etc/passwd.md");
    expect_diag(&d, 4, DIAG_ERROR, "/etc/passwd.md");
    expect_diag(&d, 5, DIAG_ERROR, "https://evil.example/x.md");
    expect_diag(&d, 6, DIAG_ERROR, "procedures");
    expect_diag(&d, 7, DIAG_ERROR, "procedures");
    /* and what to change in each */
    expect_diag(&d, 2, DIAG_ERROR, "不能有 ../");
    expect_diag(&d, 4, DIAG_ERROR, "不能以 / 开头");
    expect_diag(&d, 5, DIAG_ERROR, "是网址");
    expect_diag(&d, 7, DIAG_ERROR, "末尾少了 .md");
    /* such a path never reaches the resolver */
    cr_assert_eq(r.n, 1, "resolver asked %zu times", r.n);
    for (i = 0; i < r.n; i++)
        cr_assert_null(strstr(r.asked[i], ".."), "%s", r.asked[i]);
    diag_list_free(&d);
}

Test(triage, question_with_no_answers)
{
    const char *s = "# 分诊\n"                     /* 1 */
                    "## 问题 {#start}\n"           /* 2 */
                    "- [下一步](#empty)\n"         /* 3 */
                    "## 没有答案的问题 {#empty}\n" /* 4 */
                    "只有一段说明,没有列表。\n";  /* 5 */
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail(s, &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 4, DIAG_ERROR, "「没有答案的问题」");
    expect_diag(&d, 4, DIAG_ERROR, "没有答案");
    diag_list_free(&d);

    /* the first question too */
    parse_fail("## 唯一的问题\n", &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 1, DIAG_ERROR, "「唯一的问题」");
    diag_list_free(&d);
}

Test(triage, unreachable_question)
{
    const char *s = "## 问题 {#start}\n"           /* 1 */
                    "- [下一步](#second)\n"        /* 2 */
                    "## 第二个 {#second}\n"        /* 3 */
                    "- [回去](#start)\n"           /* 4 */
                    "## 孤立的问题 {#orphan}\n"    /* 5 */
                    "- [去第二个](#second)\n"      /* 6 */
                    "## 孤立的第二个 {#orphan2}\n" /* 7 */
                    "- [互相链接](#orphan)\n";     /* 8 */
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    /* links between unreachable questions do not make them reachable: the
     * one no answer leads to is the contract's error; the one only it leads
     * to is unreachable too, said as a warning (its text is not at fault) */
    parse_fail(s, &r, &d);
    expect_counts(&d, 1, 1);
    expect_diag(&d, 7, DIAG_ERROR, "#orphan2");
    expect_diag(&d, 7, DIAG_ERROR, "没有答案链接到");
    expect_diag(&d, 5, DIAG_WARNING, "#orphan");
    expect_diag(&d, 5, DIAG_WARNING, "本身也走不到");
    diag_list_free(&d);
}

Test(triage, duplicate_id)
{
    const char *s = "## 问题 {#start}\n"           /* 1 */
                    "- [甲](#a)\n"                 /* 2 */
                    "- [乙](#是吗)\n"              /* 3 */
                    "## 甲 {#a}\n"                 /* 4 */
                    "- 结束\n"                     /* 5 */
                    "## 另一个甲 {#a}\n"           /* 6 */
                    "- 结束\n"                     /* 7 */
                    "## 是吗?\n"                  /* 8 */
                    "- 结束\n"                     /* 9 */
                    "## 是吗?\n"                  /* 10 */
                    "- 结束\n";                    /* 11 */
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail(s, &r, &d);
    expect_diag(&d, 6, DIAG_ERROR, "a 重复");
    expect_diag(&d, 10, DIAG_ERROR, "是吗 重复");
    /* with the line of the first, as a repeated field or stage is told */
    expect_diag(&d, 6, DIAG_ERROR, "第 4 行已经用过");
    expect_diag(&d, 10, DIAG_ERROR, "第 8 行已经用过");
    /* every link to an id lands on its first question, so the repeats are
     * also unreachable */
    expect_diag(&d, 6, DIAG_ERROR, "走不到");
    expect_diag(&d, 10, DIAG_ERROR, "走不到");
    expect_counts(&d, 4, 0);
    diag_list_free(&d);
}

Test(triage, empty_file)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("", &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 1, DIAG_ERROR, "没有问题");
    diag_list_free(&d);

    /* a title and text but no question */
    parse_fail("# 不知道办什么?\n\n请到窗口咨询。\n- 列表\n", &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 1, DIAG_ERROR, "没有问题");
    diag_list_free(&d);
}

Test(triage, answers_must_be_one_list)
{
    const char *s = "## 问题 {#start}\n"   /* 1 */
                    "- 甲\n"               /* 2 */
                    "\n"                   /* 3 */
                    "说明\n"               /* 4 */
                    "\n"                   /* 5 */
                    "- 乙\n";              /* 6 */
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail(s, &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 6, DIAG_ERROR, "一组答案");
    diag_list_free(&d);
}

Test(triage, markers_other_than_anchor)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 问题 {#start}\n- [乙](#第二个)\n## 第二个 {optional}\n- 乙\n", &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 3, DIAG_ERROR, "{optional}");
    diag_list_free(&d);
}

Test(triage, invalid_utf8)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 问题 {#start}\n- 甲\xFF\n", &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 2, DIAG_ERROR, "UTF-8"); /* the bad byte's line, not 1 */
    diag_list_free(&d);
}

/* ---- triage_render ---- */

static const cJSON *get(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    cr_assert_not_null(v, "no key \"%s\"", key);
    return v;
}

static void expect_str(const cJSON *obj, const char *key, const char *want)
{
    const cJSON *v = get(obj, key);

    cr_assert(cJSON_IsString(v), "\"%s\" is not a string", key);
    cr_assert_str_eq(v->valuestring, want, "\"%s\"", key);
}

static void expect_keys(const cJSON *obj, int n)
{
    cr_assert(cJSON_IsObject(obj));
    cr_assert_eq(cJSON_GetArraySize(obj), n);
}

Test(triage_render, json_shape)
{
    struct triage *t = parse_ok(EXAMPLE);
    char *json = triage_render(t);
    cJSON *root;
    const cJSON *qs, *q, *as, *a;

    cr_assert_not_null(json);
    root = cJSON_Parse(json);
    cr_assert_not_null(root, "not JSON: %s", json);
    cr_assert(cJSON_IsObject(root));
    expect_str(root, "start", "start");
    qs = get(root, "questions");
    cr_assert(cJSON_IsArray(qs));
    cr_assert_eq(cJSON_GetArraySize(qs), 2);

    q = cJSON_GetArrayItem(qs, 0);
    expect_keys(q, 3);
    expect_str(q, "id", "start");
    expect_str(q, "text", "您想办理哪方面的事情?");
    as = get(q, "answers");
    cr_assert(cJSON_IsArray(as));
    cr_assert_eq(cJSON_GetArraySize(as), 3);
    a = cJSON_GetArrayItem(as, 0);
    expect_keys(a, 2);
    expect_str(a, "text", "我失业了,想登记找工作");
    expect_str(a, "goto", "unemployed");
    a = cJSON_GetArrayItem(as, 1);
    expect_keys(a, 1);
    expect_str(a, "text", "其他事情请到综合窗口咨询");
    a = cJSON_GetArrayItem(as, 2);
    expect_keys(a, 2);
    expect_str(a, "text", "我要办劳动手册");
    expect_str(a, "procedure", "labour-handbook");

    q = cJSON_GetArrayItem(qs, 1);
    expect_str(q, "id", "unemployed");
    expect_str(q, "text", "您是本市户籍吗?");
    as = get(q, "answers");
    cr_assert_eq(cJSON_GetArraySize(as), 2);
    a = cJSON_GetArrayItem(as, 1);
    expect_keys(a, 2);
    expect_str(a, "procedure", "residence-permit");

    cJSON_Delete(root);
    free(json);
    triage_free(t);
}

Test(triage_render, start_is_the_first_question_and_text_is_escaped)
{
    const char *s = "## 第一个 \"引号\" \\\\ 问题\n"   /* 1 */
                    "- [下一步](#b)\n"                 /* 2 */
                    "## 第二个 {#b}\n"                 /* 3 */
                    "- 结束 `代码`\n";                 /* 4 */
    struct triage *t = parse_ok(s);
    char *json = triage_render(t);
    cJSON *root;
    const cJSON *q0, *a;

    cr_assert_not_null(json);
    root = cJSON_Parse(json);
    cr_assert_not_null(root, "not JSON: %s", json);
    q0 = cJSON_GetArrayItem(get(root, "questions"), 0);
    expect_str(root, "start", t->questions[0].id);
    expect_str(q0, "id", t->questions[0].id);
    expect_str(q0, "text", "第一个 \"引号\" \\ 问题");
    a = cJSON_GetArrayItem(get(cJSON_GetArrayItem(get(root, "questions"), 1), "answers"), 0);
    expect_keys(a, 1);
    expect_str(a, "text", "结束 代码");
    cJSON_Delete(root);
    free(json);
    triage_free(t);
}

Test(triage, a_link_to_a_file_with_errors_is_a_warning)
{
    struct resolver r = {.n = 0};
    struct triage *t;
    struct diag_list d = DIAG_LIST_INIT;
    const char *s = "## 问? {#q}\n- [坏的](civil/broken.md)\n- [好的](civil/marriage.md)\n";

    cr_assert_eq(parse_r(s, &r, &t, &d), 0, "%s", dump(&d));
    expect_counts(&d, 0, 1);
    expect_diag(&d, 2, DIAG_WARNING, "civil/broken.md");
    cr_assert_str_eq(t->questions[0].answers[0].target, "broken");
    triage_free(t);
    diag_list_free(&d);
}

/* ---- pinned by a mutation review of triage.c ---- */

/* A chain of n questions, each leading to the next, the last ending the
 * flow: reachable and answered, so only the cap can fault it. */
static char *chain_of_questions(size_t n)
{
    size_t cap = n * 64 + 1, off = 0, i;
    char *s = malloc(cap);

    cr_assert_not_null(s);
    for (i = 0; i < n; i++)
        off += (size_t)snprintf(s + off, cap - off, i + 1 < n ? "## 问%zu {#q%zu}\n- [下](#q%zu)\n"
                                                              : "## 问%zu {#q%zu}\n- 结束\n",
                                i, i, i + 1);
    cr_assert_lt(off, cap);
    return s;
}

/* The limits' own values are allowed (docs: triage 200 questions, 50
 * answers per question); one more is an error at the line of the one over. */
Test(triage, question_cap_is_inclusive)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;
    struct triage *t;
    char *s = chain_of_questions(TRIAGE_MAX_QUESTIONS);

    t = parse_ok(s);
    cr_assert_eq(t->n, TRIAGE_MAX_QUESTIONS);
    triage_free(t);
    free(s);

    s = chain_of_questions(TRIAGE_MAX_QUESTIONS + 1);
    parse_fail(s, &r, &d);
    /* question 201 sits on line 401 */
    expect_diag(&d, 2 * TRIAGE_MAX_QUESTIONS + 1, DIAG_ERROR, "问题太多，最多 200 个");
    diag_list_free(&d);
    free(s);
}

static char *question_with_answers(size_t n)
{
    size_t cap = n * 32 + 64, off = 0, i;
    char *s = malloc(cap);

    cr_assert_not_null(s);
    off += (size_t)snprintf(s, cap, "## 问题 {#start}\n");
    for (i = 0; i < n; i++)
        off += (size_t)snprintf(s + off, cap - off, "- 答案%zu\n", i);
    cr_assert_lt(off, cap);
    return s;
}

Test(triage, answer_cap_is_inclusive)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;
    struct triage *t;
    char *s = question_with_answers(TRIAGE_MAX_ANSWERS);

    t = parse_ok(s);
    cr_assert_eq(t->questions[0].n_answers, TRIAGE_MAX_ANSWERS);
    triage_free(t);
    free(s);

    s = question_with_answers(TRIAGE_MAX_ANSWERS + 1);
    parse_fail(s, &r, &d);
    expect_counts(&d, 1, 0);
    /* answer 51 sits on line 52 */
    expect_diag(&d, TRIAGE_MAX_ANSWERS + 2, DIAG_ERROR, "最多 50 个答案");
    diag_list_free(&d);
    free(s);
}

/* A heading with only its {#id} would show the resident a blank question;
 * an item with only a link to nothing visible, a blank button. */
Test(triage, empty_question_and_empty_answer)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 问题 {#start}\n"   /* 1 */
               "- [下一步](#b)\n"     /* 2 */
               "## {#b}\n"            /* 3 */
               "- 结束\n",            /* 4 */
               &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 3, DIAG_ERROR, "问题标题不能是空的");
    diag_list_free(&d);

    parse_fail("## 问题 {#start}\n"   /* 1 */
               "- 结束\n"             /* 2 */
               "- [](#start)\n",      /* 3 */
               &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 3, DIAG_ERROR, "答案不能是空的");
    diag_list_free(&d);
}

/* The contract's "no ? or #" in a path, and a bare ".md" with no name:
 * such a link is refused as outside procedures/ and never reaches the
 * resolver, like "..". */
Test(triage, query_fragment_or_no_name_in_a_path_is_refused_unasked)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 问题 {#start}\n"                       /* 1 */
               "- [问号](employment/labour?.md)\n"       /* 2 */
               "- [井号](employment/a#b.md)\n"           /* 3 */
               "- [没有名字](.md)\n",                    /* 4 */
               &r, &d);
    expect_counts(&d, 3, 0);
    expect_diag(&d, 2, DIAG_ERROR, "应指向 procedures 文件夹里的事项文件");
    expect_diag(&d, 3, DIAG_ERROR, "应指向 procedures 文件夹里的事项文件");
    expect_diag(&d, 4, DIAG_ERROR, "应指向 procedures 文件夹里的事项文件");
    /* each with what is wrong, not only the example to compare with */
    expect_diag(&d, 2, DIAG_ERROR, "里不能有 ? 或 #");
    expect_diag(&d, 4, DIAG_ERROR, "没有文件名");
    cr_assert_eq(r.n, 0, "resolver asked %zu times", r.n);
    diag_list_free(&d);
}

/* A link to a file beside the procedures that is no procedure tells the
 * admin which kind of file it is, not just that it is missing. */
Test(triage, links_to_files_that_are_not_procedures_say_what_they_are)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 问题 {#start}\n"                                     /* 1 */
               "- [分类说明](employment/README.md)\n"                  /* 2 */
               "- [练习](employment/labour-handbook.practice.md)\n"    /* 3 */
               "- [日历](_calendar.md)\n"                              /* 4 */
               "- [没有](employment/nothing.md)\n",                    /* 5 */
               &r, &d);
    expect_counts(&d, 4, 0);
    expect_diag(&d, 2, DIAG_ERROR, "是分类的说明文件，不是事项");
    expect_diag(&d, 3, DIAG_ERROR, "是练习题文件，不是事项");
    expect_diag(&d, 4, DIAG_ERROR, "是共用的说明文件");
    expect_diag(&d, 5, DIAG_ERROR, "employment/nothing.md 不存在");
    diag_list_free(&d);
}

Test(triage, second_title_is_an_error)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("# 分诊\n## 问题 {#start}\n- 结束\n# 又一个标题\n", &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 4, DIAG_ERROR, "只能有一个一级标题");
    diag_list_free(&d);
}

/* A question whose only link is its own answer ("再问一次") is still one
 * that no answer leads to from the flow: the contract's error, not the
 * warning said of questions led to from other unreachable ones. */
Test(triage, a_link_to_itself_does_not_make_a_question_reachable)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 问题 {#start}\n"      /* 1 */
               "- 结束\n"                /* 2 */
               "## 孤立的 {#alone}\n"    /* 3 */
               "- [再问一次](#alone)\n", /* 4 */
               &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 3, DIAG_ERROR, "没有答案链接到 #alone");
    diag_list_free(&d);
}

/* Full-width ？：；， typed by a Chinese input method are dropped from a
 * slug like their ASCII forms, so a link written without them lands. */
Test(triage, full_width_punctuation_is_dropped_from_slugs)
{
    struct triage *t = parse_ok("## 问题 {#start}\n"
                                "- [下一步](#您是本市户籍吗)\n"
                                "- [再下一步](#甲乙丙丁)\n"
                                "## 您是本市户籍吗？\n"
                                "- 结束\n"
                                "## 甲：乙；丙，丁！\n"
                                "- 结束\n");

    cr_assert_str_eq(t->questions[1].id, "您是本市户籍吗");
    cr_assert_str_eq(t->questions[2].id, "甲乙丙丁");
    triage_free(t);
}

/* "-" and "_" are kept in a slug and a space before dropped punctuation
 * leaves no trailing "-", so "#step-by_step" and "#是吗" land. */
Test(triage, slugs_keep_dash_and_underscore_and_end_clean)
{
    struct triage *t = parse_ok("## 问题 {#start}\n"
                                "- [甲](#step-by_step)\n"
                                "- [乙](#是吗)\n"
                                "## Step-by_step\n"
                                "- 结束\n"
                                "## 是吗 ?\n"
                                "- 结束\n");

    cr_assert_str_eq(t->questions[1].id, "step-by_step");
    cr_assert_str_eq(t->questions[2].id, "是吗");
    triage_free(t);
}

/* A link to the directory with a bad office id is told as such, not as a
 * path outside procedures/. */
Test(triage, a_bad_office_id_is_said_as_one)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 问题 {#start}\n- [派出所](_directory.md#Bad_Id)\n", &r, &d);
    expect_counts(&d, 1, 0);
    expect_diag(&d, 2, DIAG_ERROR, "办事地点编号无效");
    cr_assert_eq(r.n, 0);
    diag_list_free(&d);
}

/* A heading of punctuation only slugs to nothing: the admin is asked for
 * an id rather than the question being published under "". */
Test(triage, a_heading_that_slugs_to_nothing_needs_an_id)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 问题 {#start}\n- [下一步](#)\n## ？！\n- 结束\n", &r, &d);
    expect_diag(&d, 3, DIAG_ERROR, "这个问题没有编号");
    diag_list_free(&d);
}

/* Slugs keep the ends of the ASCII ranges: "Z" lower-cased, "z" and "9". */
Test(triage, slugs_keep_the_ends_of_the_ascii_ranges)
{
    struct triage *t = parse_ok("## 问题 {#start}\n"
                                "- [下一步](#zone-9-z)\n"
                                "## Zone 9 z\n"
                                "- 结束\n");

    cr_assert_str_eq(t->questions[1].id, "zone-9-z");
    triage_free(t);
}

/* A full-width space, comma or slash, common in Chinese headings, is dropped
 * like the other punctuation, and dropped punctuation before a space leaves
 * no leading "-". */
Test(triage, full_width_space_comma_and_slash_are_dropped_from_slugs)
{
    struct triage *t = parse_ok("## 问题 {#start}\n"
                                "- [下一步](#甲乙丙丁)\n"
                                "- [再下一步](#乙)\n"
                                "## 甲\xE3\x80\x80乙，丙／丁\xE3\x80\xBF\n"
                                "- 结束\n"
                                "## ? 乙\n"
                                "- 结束\n");

    cr_assert_str_eq(t->questions[1].id, "甲乙丙丁");
    cr_assert_str_eq(t->questions[2].id, "乙");
    triage_free(t);
}

/* _triage.md sits beside _directory.md: "../_directory.md#..." leaves the
 * procedures folder and is refused, not taken for an office. */
Test(triage, a_directory_link_with_dot_dot_is_refused)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 问题 {#start}\n- [派出所](../_directory.md#paichusuo)\n", &r, &d);
    expect_diag(&d, 2, DIAG_ERROR, "应指向 procedures 文件夹");
    expect_counts(&d, 1, 0);
    cr_assert_eq(r.n, 0);
    diag_list_free(&d);
}

/* Past the question cap the admin is told once, however many are over:
 * the over-cap questions' answer lists are not pinned on question 200
 * ("只能有一组答案") and the links to them are not called missing. */
Test(triage, too_many_questions_is_said_once)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;
    char *s = chain_of_questions(TRIAGE_MAX_QUESTIONS + 2);

    parse_fail(s, &r, &d);
    expect_diag(&d, 2 * TRIAGE_MAX_QUESTIONS + 1, DIAG_ERROR, "问题太多，最多 200 个");
    expect_counts(&d, 1, 0);
    diag_list_free(&d);
    free(s);
}

/* A flow of a single question still starts at it. */
Test(triage_render, a_single_question_is_the_start)
{
    struct triage *t = parse_ok("## 请到综合窗口 {#only}\n- 好的\n");
    char *json = triage_render(t);
    cJSON *root;

    cr_assert_not_null(json);
    root = cJSON_Parse(json);
    cr_assert_not_null(root, "not JSON: %s", json);
    expect_str(root, "start", "only");
    cJSON_Delete(root);
    free(json);
    triage_free(t);
}

/* An answer indented under another was run on into it (「甲乙」, the first
 * one's link) and its own link was lost, with no word from check: each
 * such line is now an error at its line, and the answer above keeps its
 * own words. */
Test(triage, an_indented_answer_is_an_error_at_its_line)
{
    struct resolver r = {.n = 0};
    struct diag_list d = DIAG_LIST_INIT;

    parse_fail("## 一 {#start}\n"                                /* 1 */
               "- [劳动手册](employment/labour-handbook.md)\n"  /* 2 */
               "  - [居住证](residence/residence-permit.md)\n"  /* 3 */
               "- 其他事情\n"                                   /* 4 */
               "  - 请到窗口\n", &r, &d);                       /* 5 */
    expect_diag(&d, 3, DIAG_ERROR, "答案不能缩进在另一个答案下面");
    expect_diag(&d, 5, DIAG_ERROR, "答案不能缩进在另一个答案下面");
    expect_counts(&d, 2, 0);
    diag_list_free(&d);
}
