/* Unit tests for the review chain: `_posts.md` read into posts, the
 * `chain` block and pickup/visit/followup read into the procedure model,
 * the implicit stage, and every error and warning at its line. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "posts.h"
#include "procedure.h"

#define PATH "social-assistance/dibao.md"
#include "expect.h"
#include "procsrc.h"

static int parse(const char *text, struct procedure **p, struct diag_list *l)
{
    memset(l, 0, sizeof *l);
    return procsrc_parse("dibao", "social-assistance", text, p, l);
}

static const char chained[] =
    "---\n"                                           /* 1 */
    "time_limit: 26个工作日\n"                        /* 2 */
    "pickup: yes\n"                                   /* 3 */
    "visit: yes\n"                                    /* 4 */
    "followup: 3\n"                                   /* 5 */
    "---\n"                                           /* 6 */
    "# 最低生活保障申请\n\n"                          /* 7, 8 */
    "## 办理流程\n"                                   /* 9 */
    "社区受理后报街道审核。\n\n"                      /* 10, 11 */
    "```chain\n"                                      /* 12 */
    "accept  | 社区受理初审 | window | 1\n"           /* 13 */
    "# 街道入户调查在这一环节里\n"                    /* 14 */
    "street  | 街道审核     | civil  | 10\n"          /* 15 */
    "\n"                                              /* 16 */
    "approve | 区民政局审批 | civil  | 15\n"          /* 17 */
    "```\n\n"                                         /* 18, 19 */
    "## 第一步:准备材料\n"                            /* 20 */
    "- [ ] 身份证\n";                                 /* 21 */

Test(chain, stages_and_front_matter)
{
    struct procedure *p;
    struct diag_list l;
    int r = parse(chained, &p, &l);

    cr_assert_eq(r, 0, "%s", dump(&l));
    expect_counts(&l, 0, 0);
    cr_assert(p->chain_written);
    cr_assert_eq(p->n_stages, 3);
    cr_assert_str_eq(p->stages[0].key, "accept");
    cr_assert_str_eq(p->stages[0].label, "社区受理初审");
    cr_assert_str_eq(p->stages[0].post, "window");
    cr_assert_eq(p->stages[0].days, 1);
    cr_assert_eq(p->stages[0].line, 13);
    cr_assert_str_eq(p->stages[1].key, "street");
    cr_assert_eq(p->stages[1].line, 15);
    cr_assert_eq(p->stages[2].days, 15);
    cr_assert_eq(p->stages[2].line, 17);
    cr_assert_eq(procedure_chain_days(p), 26);
    cr_assert(p->pickup);
    cr_assert(p->visit);
    cr_assert_eq(p->followup, 3);
    cr_assert_str_eq(frontmatter_get(&p->meta, "pickup")->value, "yes");
    /* the section is an information section; the block is not shown as code */
    cr_assert_eq(p->n_sections, 1);
    cr_assert_eq(p->sections[0].kind, SECTION_CHAIN);
    cr_assert_str_eq(procedure_section_kind_name(SECTION_CHAIN), "chain");
    cr_assert_null(strstr(p->sections[0].html, "accept"), "%s", p->sections[0].html);
    cr_assert_not_null(strstr(p->sections[0].html, "社区受理后报街道审核"));
    cr_assert_eq(p->n_steps, 1);
    procedure_free(p);
    diag_list_free(&l);
}

Test(chain, implicit_stage_from_time_limit)
{
    struct procedure *p;
    struct diag_list l;

    cr_assert_eq(parse("---\ntime_limit: 5 个工作日\n---\n# 事项\n## 第一步\n正文。\n", &p, &l), 0,
                 "%s", dump(&l));
    cr_assert(!p->chain_written);
    cr_assert_eq(p->n_stages, 1);
    cr_assert_str_eq(p->stages[0].key, "handle");
    cr_assert_str_eq(p->stages[0].label, "窗口办理");
    cr_assert_str_eq(p->stages[0].post, "window");
    cr_assert_eq(p->stages[0].days, 5);
    cr_assert_eq(p->stages[0].line, 0);
    cr_assert(!p->pickup && !p->visit);
    cr_assert_eq(p->followup, -1);
    procedure_free(p);
    diag_list_free(&l);

    cr_assert_eq(parse("---\ntime_limit: 即来即办\n---\n# 事项\n## 第一步\n正文。\n", &p, &l), 0);
    cr_assert_eq(p->stages[0].days, 0);
    procedure_free(p);
    diag_list_free(&l);
}

Test(chain, time_limit_forms)
{
    cr_assert_eq(procedure_time_limit_days("20个工作日"), 20);
    cr_assert_eq(procedure_time_limit_days("20 个工作日"), 20);
    cr_assert_eq(procedure_time_limit_days("社区受理后20个工作日内办结"), -1);
    cr_assert_eq(procedure_time_limit_days("即来即办"), -1);
    cr_assert_eq(procedure_time_limit_days("20个工作日内"), -1);
    cr_assert_eq(procedure_time_limit_days(NULL), -1);
}

Test(chain, time_limit_mismatch_warns)
{
    struct procedure *p;
    struct diag_list l;
    char *text = strdup(chained);

    cr_assert_not_null(text);
    memcpy(strstr(text, "26"), "20", 2);
    cr_assert_eq(parse(text, &p, &l), 0, "%s", dump(&l));
    expect_diag(&l, 2, DIAG_WARNING, "加起来是 26 个工作日");
    expect_counts(&l, 0, 1);
    procedure_free(p);
    diag_list_free(&l);
    free(text);
}

Test(chain, errors_at_their_lines)
{
    struct procedure *p;
    struct diag_list l;
    int r = parse("---\n"                              /* 1 */
                  "pickup: no\n"                       /* 2 */
                  "visit: 是\n"                        /* 3 */
                  "followup: 三天\n"                   /* 4 */
                  "---\n"                              /* 5 */
                  "# 事项\n"                           /* 6 */
                  "## 审核流程\n"                      /* 7 */
                  "```chain\n"                         /* 8 */
                  "accept | 受理 | window\n"           /* 9: three parts */
                  "accept | 受理 | window | 1\n"       /* 10 */
                  "accept | 复核 | window | 1\n"       /* 11: duplicate */
                  "street | 街道 | civil | 366\n"      /* 12: out of range */
                  "Bad | 街道 | civil | 1\n"           /* 13: bad key */
                  "two | 街道 | Civil | 1\n"           /* 14: bad post */
                  "three | | civil | 1\n"              /* 15: no label */
                  "four | 街道 | civil | -1\n"         /* 16 */
                  "```\n"                              /* 17 */
                  "## 第一步\n"                        /* 18 */
                  "```chain\n"                         /* 19: in a step */
                  "x | y | window | 1\n"
                  "```\n",
                  &p, &l);

    cr_assert_eq(r, 1);
    cr_assert_null(p);
    expect_diag(&l, 2, DIAG_ERROR, "pickup 只能写 yes");
    expect_diag(&l, 3, DIAG_ERROR, "visit 只能写 yes");
    expect_diag(&l, 4, DIAG_ERROR, "followup 应是");
    expect_diag(&l, 9, DIAG_ERROR, "四部分");
    expect_diag(&l, 11, DIAG_ERROR, "环节编号 accept 重复了（第 10 行已经用过）");
    expect_diag(&l, 12, DIAG_ERROR, "0 到 365");
    expect_diag(&l, 13, DIAG_ERROR, "环节编号「Bad」无效");
    expect_diag(&l, 14, DIAG_ERROR, "岗位编号「Civil」无效");
    expect_diag(&l, 15, DIAG_ERROR, "缺少名称");
    expect_diag(&l, 16, DIAG_ERROR, "0 到 365");
    expect_diag(&l, 19, DIAG_ERROR, "不能写在步骤里");
    expect_counts(&l, 11, 0);
    diag_list_free(&l);
}

Test(chain, at_most_twenty_stages_and_one_block)
{
    struct procedure *p;
    struct diag_list l;
    char text[4096];
    size_t off = 0;
    int i;

    off += (size_t)snprintf(text + off, sizeof text - off, "# 事项\n## 办理流程\n```chain\n");
    for (i = 0; i < PROCEDURE_MAX_STAGES + 1; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "s%d | 环节 | window | 1\n", i);
    off += (size_t)snprintf(text + off, sizeof text - off,
                            "```\n```chain\nx | y | window | 1\n```\n## 第一步\n正文。\n");
    cr_assert_eq(parse(text, &p, &l), 1);
    expect_diag(&l, 3 + PROCEDURE_MAX_STAGES + 1, DIAG_ERROR, "审核环节太多，最多 20 个");
    expect_diag(&l, 3 + PROCEDURE_MAX_STAGES + 3, DIAG_ERROR, "只能有一个 chain 审核链（第 3 行已经有了）");
    expect_counts(&l, 2, 0);
    diag_list_free(&l);
}

static int posts(const char *text, struct posts **ps, struct diag_list *l)
{
    memset(l, 0, sizeof *l);
    return posts_parse(PATH, text, strlen(text), ps, l);
}

Test(posts, ids_and_names)
{
    struct posts *ps;
    struct diag_list l;

    cr_assert_eq(posts("# 岗位\n\n说明。\n\n- window 综合窗口（A岗）\n- visit 上门服务（B岗）\n"
                       "- civil  民政专干\n", &ps, &l), 0, "%s", dump(&l));
    expect_counts(&l, 0, 0);
    cr_assert_eq(ps->n, 3);
    cr_assert_str_eq(ps->v[0].id, "window");
    cr_assert_str_eq(ps->v[0].name, "综合窗口（A岗）");
    cr_assert_eq(ps->v[0].line, 5);
    cr_assert_str_eq(posts_find(ps, "civil")->name, "民政专干");
    cr_assert_null(posts_find(ps, "social"));
    cr_assert_null(posts_find(NULL, "civil"));
    posts_free(ps);
    diag_list_free(&l);
}

Test(posts, errors_at_their_lines)
{
    struct posts *ps;
    struct diag_list l;

    cr_assert_eq(posts("- window 综合窗口\n- Window 大写\n- civil\n- window 又一个\n- 民政专干\n", &ps, &l), 1);
    /* what reads well is kept, so chains are checked against it */
    cr_assert_not_null(ps);
    cr_assert_eq(ps->n, 1);
    expect_diag(&l, 2, DIAG_ERROR, "岗位编号只用小写英文字母：这一行应写成「- window 大写」");
    expect_diag(&l, 3, DIAG_ERROR, "缺少名称");
    expect_diag(&l, 4, DIAG_ERROR, "岗位编号 window 重复了（第 1 行已经用过）");
    expect_diag(&l, 5, DIAG_ERROR, "岗位编号要用英文：小写英文字母开头，可用数字、_ 和 -，如 civil；「民政专干」不能作编号");
    expect_counts(&l, 4, 0);
    posts_free(ps);
    diag_list_free(&l);

    cr_assert_eq(posts("# 只有标题\n", &ps, &l), 1);
    expect_diag(&l, 1, DIAG_ERROR, "没有岗位");
    posts_free(ps);
    diag_list_free(&l);
}

/* A line of the wrong shape is told what it should be, from its own words:
 * each was 「这一行应写成「- window 综合窗口（A岗）」…」, a sample that left
 * the admin to find what differed (a colon, a capital, a Chinese id). */
Test(posts, a_malformed_line_is_told_its_right_shape)
{
    struct posts *ps;
    struct diag_list l;

    cr_assert_eq(posts("- street：街道审核岗\n- street2: 街道\n- Social 社保专干\n- 民政 民政专干\n"
                       "- window\xe3\x80\x80综合窗口\n- 1st 一号\n", &ps, &l), 1);
    expect_diag(&l, 1, DIAG_ERROR, "编号和名称之间用一个空格隔开，不用冒号：这一行应写成「- street 街道审核岗」");
    expect_diag(&l, 2, DIAG_ERROR, "不用冒号：这一行应写成「- street2 街道」");
    expect_diag(&l, 3, DIAG_ERROR, "岗位编号只用小写英文字母：这一行应写成「- social 社保专干」");
    expect_diag(&l, 4, DIAG_ERROR, "「民政」不能作编号。中文名称写在编号后面，如「- civil 民政专干」");
    expect_diag(&l, 5, DIAG_ERROR, "编号后面的空格是全角的（　）");
    expect_diag(&l, 6, DIAG_ERROR, "这一行应写成「- window 综合窗口（A岗）」");
    expect_counts(&l, 6, 0);
    posts_free(ps);
    diag_list_free(&l);
}

/* A no-break space after the id (a line copied from a web page or Word)
 * reads as the space it shows as; the line was refused as malformed. */
Test(posts, a_no_break_space_after_the_id)
{
    struct posts *ps;
    struct diag_list l;

    cr_assert_eq(posts("- window\xc2\xa0综合窗口（A岗）\n- civil\xc2\xa0\xc2\xa0民政专干\xc2\xa0\n", &ps, &l), 0,
                 "%s", dump(&l));
    expect_counts(&l, 0, 0);
    cr_assert_eq(ps->n, 2);
    cr_assert_str_eq(posts_find(ps, "window")->name, "综合窗口（A岗）");
    cr_assert_str_eq(posts_find(ps, "civil")->name, "民政专干");
    posts_free(ps);
    diag_list_free(&l);
}

/* ---- pinned by a mutation review of posts.c ---- */

/* Docs: ≤ 100 posts, ids [a-z][a-z0-9_-]{0,31}, names ≤ 120 bytes; the
 * limits themselves are allowed and one more is an error at its line,
 * said once however many more there are. */
Test(posts, bounds_are_inclusive)
{
    struct posts *ps;
    struct diag_list l;
    char text[8192], name[POSTS_NAME_MAX + 2];
    const char *id32 = "a2345678901234567890123456789_-z";
    size_t i;

    cr_assert_eq(strlen(id32), POSTS_ID_MAX);
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(text, sizeof text, "- %s %.*s\n- %sz 多一个字符\n- long %s\n- w9-x_y\t制表符分隔\n", id32,
             POSTS_NAME_MAX, name, id32, name);
    cr_assert_eq(posts(text, &ps, &l), 1);
    expect_diag(&l, 2, DIAG_ERROR, "岗位编号（小写英文字母开头");
    expect_diag(&l, 3, DIAG_ERROR, "岗位名称太长，最多 120 字节");
    expect_counts(&l, 2, 0);
    cr_assert_eq(ps->n, 2);
    cr_assert_eq(strlen(posts_find(ps, id32)->name), POSTS_NAME_MAX);
    cr_assert_str_eq(posts_find(ps, "w9-x_y")->name, "制表符分隔");
    posts_free(ps);
    diag_list_free(&l);

    text[0] = '\0';
    for (i = 0; i < POSTS_MAX; i++)
        sprintf(text + strlen(text), "- p%zu 岗位\n", i);
    cr_assert_eq(posts(text, &ps, &l), 0, "%s", dump(&l));
    cr_assert_eq(ps->n, POSTS_MAX);
    posts_free(ps);
    diag_list_free(&l);
    strcat(text, "- over1 多的\n- over2 多的\n");
    cr_assert_eq(posts(text, &ps, &l), 1);
    expect_diag(&l, POSTS_MAX + 1, DIAG_ERROR, "岗位太多，最多 100 个");
    expect_counts(&l, 1, 0);
    posts_free(ps);
    diag_list_free(&l);
}

/* A file too big to read is said so, and only so: not also "no posts". */
Test(posts, a_file_too_big_is_one_error)
{
    struct posts *ps;
    struct diag_list l;
    char *big = malloc(POSTS_FILE_MAX + 2);

    cr_assert_not_null(big);
    memset(big, '\n', POSTS_FILE_MAX + 1);
    big[POSTS_FILE_MAX + 1] = '\0';
    cr_assert_eq(posts(big, &ps, &l), 1);
    expect_diag(&l, 1, DIAG_ERROR, "太大");
    expect_counts(&l, 1, 0);
    posts_free(ps);
    diag_list_free(&l);
    free(big);
}

/* A time_limit that names working days inside longer text counts as 0
 * (the contract's "of the form"), so the receipt would promise the day of
 * acceptance: the checker says so at its line. The exact form, a chain or
 * a text naming no days stays quiet. */
Test(chain, time_limit_in_longer_text_warns)
{
    struct procedure *p;
    struct diag_list l;

    cr_assert_eq(parse("---\ntime_limit: 社区受理后20个工作日内办结\n---\n# 事项\n## 第一步\n正文。\n",
                       &p, &l), 0, "%s", dump(&l));
    cr_assert_eq(p->stages[0].days, 0);
    expect_diag(&l, 2, DIAG_WARNING, "写了 20 个工作日");
    expect_counts(&l, 0, 1);
    procedure_free(p);
    diag_list_free(&l);
    for (const char **t = (const char *[]){"20个工作日", "20 个工作日", "即来即办", "15日内制作发放",
                                           "个工作日", NULL}; *t; t++) {
        char text[256];

        snprintf(text, sizeof text, "---\ntime_limit: %s\n---\n# 事项\n## 第一步\n正文。\n", *t);
        cr_assert_eq(parse(text, &p, &l), 0, "%s: %s", *t, dump(&l));
        expect_counts(&l, 0, 0);
        procedure_free(p);
        diag_list_free(&l);
    }
}

/* 「15 工作日」 (no 个) and 「十五个工作日」 (a Chinese numeral) mean working
 * days too and count as 0 alike: the receipt promised the day of
 * acceptance and the case was overdue the next morning, with no message. */
Test(chain, time_limit_with_days_not_in_the_form_warns)
{
    struct procedure *p;
    struct diag_list l;

    for (const char **t = (const char *[]){"15 工作日", "十五个工作日", "两个工作日",
                                           "\xEF\xBC\x91\xEF\xBC\x95个工作日", NULL}; *t; t++) {
        char text[256];

        snprintf(text, sizeof text, "---\ntime_limit: %s\n---\n# 事项\n## 第一步\n正文。\n", *t);
        cr_assert_eq(parse(text, &p, &l), 0, "%s: %s", *t, dump(&l));
        cr_assert_eq(p->stages[0].days, 0);
        expect_diag(&l, 2, DIAG_WARNING, "只有写成「N个工作日」");
        expect_counts(&l, 0, 1);
        procedure_free(p);
        diag_list_free(&l);
    }
}

/* A stage's days in full-width digits (１０, from a Chinese input method)
 * look like 10: the error says they are full-width; 10天 is told as before. */
Test(chain, full_width_days_are_named)
{
    struct procedure *p;
    struct diag_list l;
    int r = parse("# 事项\n## 审核流程\n```chain\n"              /* 1-3 */
                  "accept | 受理 | window | \xEF\xBC\x91\xEF\xBC\x90\n" /* 4 */
                  "street | 街道 | window | 10天\n"                /* 5 */
                  "approve | 审批 | window | 10\n"                 /* 6 */
                  "```\n## 第一步\n正文。\n", &p, &l);

    cr_assert_eq(r, 1);
    expect_diag(&l, 4, DIAG_ERROR, "用了全角数字");
    expect_diag(&l, 5, DIAG_ERROR, "时限「10天」不对：");
    expect_counts(&l, 2, 0);
    diag_list_free(&l);
}

/* ---- pinned by a mutation review of procedure.c ---- */

/* The bounds themselves are allowed: a 32-character key, a 120-byte label,
 * 365 days; one more of each is an error at its line. */
Test(chain, bounds_are_inclusive)
{
    struct procedure *p;
    struct diag_list l;
    char text[2048], label[PROCEDURE_STAGE_LABEL_MAX + 2];
    const char *key32 = "k234567890123456789012345678901"; /* 31 */

    memset(label, 'a', sizeof label - 1);
    label[PROCEDURE_STAGE_LABEL_MAX] = '\0';
    snprintf(text, sizeof text,
             "# 事项\n## 办理流程\n```chain\n"   /* 1-3 */
             "%s2 | 环节 | window | 365\n"        /* 4 */
             "b | %s | civil | 0\n"               /* 5 */
             "```\n## 第一步\n正文。\n",
             key32, label);
    cr_assert_eq(parse(text, &p, &l), 0, "%s", dump(&l));
    expect_counts(&l, 0, 0);
    cr_assert_eq(p->n_stages, 2);
    cr_assert_str_eq(p->stages[0].key, "k2345678901234567890123456789012");
    cr_assert_eq(p->stages[0].days, 365);
    cr_assert_eq(strlen(p->stages[1].label), PROCEDURE_STAGE_LABEL_MAX);
    procedure_free(p);
    diag_list_free(&l);

    label[PROCEDURE_STAGE_LABEL_MAX] = 'a';
    label[PROCEDURE_STAGE_LABEL_MAX + 1] = '\0';
    snprintf(text, sizeof text,
             "# 事项\n## 办理流程\n```chain\n"   /* 1-3 */
             "%s23 | 环节 | window | 1\n"         /* 4: 33 characters */
             "b | %s | civil | 0\n"               /* 5: 121 bytes */
             "c | 环节 | civil | 366\n"           /* 6 */
             "d | 环节 | civil | 1 | 多余\n"      /* 7: five parts */
             "e | 环节 | civil | 1\n"             /* 8: so that the chain is not empty */
             "```\n## 第一步\n正文。\n",
             key32, label);
    cr_assert_eq(parse(text, &p, &l), 1);
    expect_diag(&l, 4, DIAG_ERROR, "无效");
    expect_diag(&l, 5, DIAG_ERROR, "太长");
    expect_diag(&l, 6, DIAG_ERROR, "0 到 365");
    expect_diag(&l, 7, DIAG_ERROR, "四部分");
    expect_counts(&l, 4, 0);
    diag_list_free(&l);
}

Test(chain, empty_block_is_an_error_at_its_fence)
{
    struct procedure *p;
    struct diag_list l;

    cr_assert_eq(parse("# 事项\n## 办理流程\n说明。\n\n```chain\n# 只有注释\n```\n## 第一步\n正文。\n", &p,
                       &l), 1);
    cr_assert_null(p);
    expect_diag(&l, 5, DIAG_ERROR, "chain 审核链是空的");
    expect_counts(&l, 1, 0);
    diag_list_free(&l);
}

/* One line, refused: its own error says what is wrong; 「审核链是空的」 at
 * the fence as well sent the admin looking for a missing line. */
Test(chain, block_of_refused_lines_is_not_called_empty)
{
    struct procedure *p;
    struct diag_list l;

    cr_assert_eq(parse("# 事项\n## 办理流程\n```chain\naccept | 受理 | window\n```\n## 第一步\n正文。\n", &p,
                       &l), 1);
    cr_assert_null(p);
    expect_diag(&l, 4, DIAG_ERROR, "四部分");
    expect_counts(&l, 1, 0);
    diag_list_free(&l);
}

Test(chain, block_only_in_a_chain_section)
{
    struct procedure *p;
    struct diag_list l;

    cr_assert_eq(parse("# 事项\n## 注意事项\n```chain\na | 受理 | window | 1\n```\n## 第一步\n正文。\n", &p,
                       &l), 1);
    cr_assert_null(p);
    expect_diag(&l, 3, DIAG_ERROR, "「注意事项」不是");
    expect_counts(&l, 1, 0);
    diag_list_free(&l);
}

/* chain_section is the index of the section that holds the block. */
Test(chain, section_that_holds_the_block)
{
    struct procedure *p;
    struct diag_list l;

    cr_assert_eq(parse("# 事项\n## 办理条件\n- 本市户籍\n## 办理流程\n```chain\na | 受理 | window | 1\n```\n"
                       "## 注意事项\n无。\n## 第一步\n正文。\n",
                       &p, &l), 0, "%s", dump(&l));
    cr_assert(p->chain_written);
    cr_assert_eq(p->n_sections, 3);
    cr_assert_eq(p->chain_section, 1);
    cr_assert_eq(p->sections[1].kind, SECTION_CHAIN);
    procedure_free(p);
    diag_list_free(&l);
}

/* N of `N个工作日` may have three digits; the implicit stage holds at most
 * 365 days. */
Test(chain, implicit_stage_three_digit_time_limit)
{
    struct procedure *p;
    struct diag_list l;

    cr_assert_eq(procedure_time_limit_days("120个工作日"), 120);
    cr_assert_eq(procedure_time_limit_days("1000个工作日"), -1);
    cr_assert_eq(parse("---\ntime_limit: 400个工作日\n---\n# 事项\n## 第一步\n正文。\n", &p, &l), 0,
                 "%s", dump(&l));
    cr_assert_eq(p->n_stages, 1);
    cr_assert_eq(p->stages[0].days, PROCEDURE_STAGE_DAYS_MAX);
    /* capped, and said: the sheet shows 400 and the receipt promised 365
     * with no word to the admin */
    expect_diag(&l, 2, DIAG_WARNING, "time_limit 写的是 400 个工作日，超过了一个环节最多的 365 个工作日");
    expect_counts(&l, 0, 1);
    procedure_free(p);
    diag_list_free(&l);

    cr_assert_eq(parse("---\ntime_limit: 365个工作日\n---\n# 事项\n## 第一步\n正文。\n", &p, &l), 0,
                 "%s", dump(&l));
    cr_assert_eq(p->stages[0].days, PROCEDURE_STAGE_DAYS_MAX);
    expect_counts(&l, 0, 0);
    procedure_free(p);
    diag_list_free(&l);
}

/* followup is 0 to 365 working days: no sign, no more. */
Test(chain, followup_bounds)
{
    static const char *const bad[] = {"366", "-1", "+3"};
    struct procedure *p;
    struct diag_list l;
    char text[256];
    size_t i;

    cr_assert_eq(parse("---\nfollowup: 365\n---\n# 事项\n## 第一步\n正文。\n", &p, &l), 0, "%s", dump(&l));
    cr_assert_eq(p->followup, 365);
    procedure_free(p);
    diag_list_free(&l);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "---\nfollowup: %s\n---\n# 事项\n## 第一步\n正文。\n", bad[i]);
        cr_assert_eq(parse(text, &p, &l), 1, "%s", bad[i]);
        expect_diag(&l, 2, DIAG_ERROR, "followup 应是");
        expect_counts(&l, 1, 0);
        diag_list_free(&l);
    }
}

/* A duplicate key is reported even after more refused lines than the first
 * check remembers (40): the kept stages are compared too. */
Test(chain, duplicate_key_after_many_refused_lines)
{
    struct procedure *p;
    struct diag_list l;
    char text[4096];
    size_t off = 0;
    int i;

    off += (size_t)snprintf(text + off, sizeof text - off, "# 事项\n## 办理流程\n```chain\n");
    for (i = 0; i < 2 * PROCEDURE_MAX_STAGES; i++) /* lines 4..43: days out of range */
        off += (size_t)snprintf(text + off, sizeof text - off, "r%d | 环节 | window | 999\n", i);
    off += (size_t)snprintf(text + off, sizeof text - off,
                            "a | 受理 | window | 1\n"   /* 44 */
                            "a | 复核 | window | 1\n"   /* 45 */
                            "```\n## 第一步\n正文。\n");
    cr_assert_eq(parse(text, &p, &l), 1);
    expect_diag(&l, 45, DIAG_ERROR, "环节编号 a 重复了（第 44 行已经用过）");
    expect_counts(&l, 2 * PROCEDURE_MAX_STAGES + 1, 0);
    diag_list_free(&l);
}

/* A three-digit N inside longer text is named whole in the warning. */
Test(chain, time_limit_in_longer_text_three_digits)
{
    struct procedure *p;
    struct diag_list l;

    cr_assert_eq(parse("---\ntime_limit: 受理后120个工作日内办结\n---\n# 事项\n## 第一步\n正文。\n", &p,
                       &l), 0, "%s", dump(&l));
    expect_diag(&l, 2, DIAG_WARNING, "写了 120 个工作日");
    expect_counts(&l, 0, 1);
    procedure_free(p);
    diag_list_free(&l);
    cr_assert_eq(parse("---\ntime_limit: 受理后120 个工作日内办结\n---\n# 事项\n## 第一步\n正文。\n", &p,
                       &l), 0, "%s", dump(&l));
    expect_diag(&l, 2, DIAG_WARNING, "写了 120 个工作日");
    expect_counts(&l, 0, 1);
    procedure_free(p);
    diag_list_free(&l);
}

/* Every "- " line is a post, indented or not: `  - civil 民政专干` under
 * window was read into window's name (「综合窗口civil 民政专干」) and
 * civil was missing, with no word; a name indented under a post is a line
 * of the wrong shape at its own line. */
Test(posts, an_indented_line_is_a_line_of_its_own)
{
    struct posts *ps;
    struct diag_list l;

    cr_assert_eq(posts("- window 综合窗口\n  - civil 民政专干\n    - visit 上门服务\n- b 乙\n", &ps, &l),
                 0, "%s", dump(&l));
    expect_counts(&l, 0, 0);
    cr_assert_eq(ps->n, 4);
    cr_assert_str_eq(posts_find(ps, "window")->name, "综合窗口");
    cr_assert_str_eq(posts_find(ps, "civil")->name, "民政专干");
    cr_assert_eq(posts_find(ps, "civil")->line, 2);
    cr_assert_str_eq(posts_find(ps, "visit")->name, "上门服务");
    cr_assert_eq(posts_find(ps, "b")->line, 4);
    posts_free(ps);
    diag_list_free(&l);

    cr_assert_eq(posts("- window 综合窗口\n  - 张三\n", &ps, &l), 1);
    expect_diag(&l, 2, DIAG_ERROR, "「张三」不能作编号");
    expect_counts(&l, 1, 0);
    cr_assert_str_eq(posts_find(ps, "window")->name, "综合窗口");
    posts_free(ps);
    diag_list_free(&l);
}

/* A NUL byte in _posts.md is an error at its line, as in a procedure
 * file: it was read as 「�」 in the post's name. */
Test(posts, a_nul_byte_is_an_error_at_its_line)
{
    static const char text[] = "- window 综合窗口\n- civil 民政\0专干\n";
    struct posts *ps;
    struct diag_list l;

    memset(&l, 0, sizeof l);
    cr_assert_eq(posts_parse(PATH, text, sizeof text - 1, &ps, &l), 1);
    expect_diag(&l, 2, DIAG_ERROR, "无效的字符（NUL）");
    expect_counts(&l, 1, 0);
    posts_free(ps);
    diag_list_free(&l);
}
