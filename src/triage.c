/* triage: reads `_triage.md` through cmark's AST and checks that the flow
 * is whole: every link lands, every question can be reached and can be
 * answered. A broken flow would strand a resident mid-way, so any of these
 * is an error and the previous good flow stays live. */
#include "triage.h"

#include <cjson/cJSON.h>
#include <cmark.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory.h"
#include "frontmatter.h"
#include "marker.h"
#include "mdlimit.h"
#include "mdtext.h"
#include "practice.h"
#include "procedure.h"
#include "strbuf.h"
#include "utf8.h"

struct tctx {
    const char *path;
    struct diag_list *diags;
    int line_off;
    triage_resolve_fn resolve;
    void *rctx;
    struct triage *t;
    int oom;
    int over; /* a question past the cap was dropped: told once, its list ignored */
};

static int tctx_line(const struct tctx *c, cmark_node *n)
{
    return cmark_node_get_start_line(n) + c->line_off;
}

/* A slug of a heading: ASCII lower-cased, letters and digits of any script
 * kept, white space to '-', other ASCII punctuation dropped. */
static char *triage_slug(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = strlen(s), i = 0, k;
    uint32_t cp;
    int rc = 0;

    while (i < n) {
        k = utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            break;
        if (cp < 0x80) {
            if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-' || cp == '_')
                rc |= strbuf_putc(&sb, (char)cp);
            else if (cp >= 'A' && cp <= 'Z')
                rc |= strbuf_putc(&sb, (char)(cp - 'A' + 'a'));
            else if (cp == ' ' && sb.len && sb.data[sb.len - 1] != '-')
                rc |= strbuf_putc(&sb, '-');
        } else if (cp >= 0x3000 && cp <= 0x303F) {
            /* CJK punctuation such as 、。「」 is dropped like ASCII's */
        } else if (cp >= 0xFF01 && cp <= 0xFF0F) {
            /* full-width ! " # ... / as well */
        } else if (cp == 0xFF1F || cp == 0xFF1A || cp == 0xFF1B || cp == 0xFF0C) {
            /* ? : ; , */
        } else {
            rc |= strbuf_append(&sb, s + i, k);
        }
        i += k;
    }
    while (rc == 0 && sb.len && sb.data[sb.len - 1] == '-')
        sb.data[--sb.len] = '\0';
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

/* Whether an answer's plain text is a link gone wrong: a path to a
 * Markdown file, or brackets written as a link's with a full-width one or
 * a space between. */
static bool triage_looks_like_link(const char *text)
{
    static const char *const marks[] = {
        ".md", "](", "] (", "]\xEF\xBC\x88", "\xE3\x80\x91(", "\xE3\x80\x91\xEF\xBC\x88", /* ]（ 】( 】（ */
    };
    size_t i;

    for (i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strstr(text, marks[i]))
            return true;
    return false;
}

static struct triage_question *triage_find(struct triage *t, const char *id)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (strcmp(t->questions[i].id, id) == 0)
            return &t->questions[i];
    return NULL;
}

static void tctx_question(struct tctx *c, cmark_node *h)
{
    struct triage *t = c->t;
    struct triage_question *q;
    char *raw, *anchor;
    size_t n;
    int line = tctx_line(c, h);

    if (t->n >= TRIAGE_MAX_QUESTIONS) {
        if (!c->over)
            diag_error(c->diags, c->path, line, "问题太多，最多 %d 个", TRIAGE_MAX_QUESTIONS);
        c->over = 1;
        return;
    }
    if (mdtext_heading(c->path, line, h, &raw, &n, &anchor, c->diags) != 0) {
        c->oom = 1;
        return;
    }
    if (!(q = realloc(t->questions, (t->n + 1) * sizeof *q))) {
        free(raw);
        free(anchor);
        c->oom = 1;
        return;
    }
    t->questions = q;
    q = &t->questions[t->n++];
    memset(q, 0, sizeof *q);
    q->text = raw;
    q->line = line;
    q->id = anchor ? anchor : triage_slug(raw);
    if (!q->id) {
        c->oom = 1;
        return;
    }
    if (!*raw)
        diag_error(c->diags, c->path, line, "问题标题不能是空的");
    if (!*q->id)
        diag_error(c->diags, c->path, line, "这个问题没有编号：请在标题末尾加上 {#编号}，如 {#start}");
    else if (triage_find(t, q->id) != q)
        diag_error(c->diags, c->path, line,
                   "问题编号 %s 重复了（第 %d 行已经用过）：每个问题的 {#编号} 要不一样", q->id,
                   triage_find(t, q->id)->line);
}

/* NULL for a link inside procedures/ (relative, no "..", ends in ".md"),
 * else what is wrong with it, in the admin's words: 「应指向…事项文件」
 * alone left the admin comparing `employment/a` with the example for the
 * missing .md. */
static const char *triage_path_bad(const char *u)
{
    size_t n = strlen(u);

    if (strstr(u, "://"))
        return "是网址：分诊的答案只能链接到事项文件、#问题编号或 _directory.md#办事地点";
    if (u[0] == '/')
        return "不能以 / 开头：路径从 procedures 文件夹算起";
    if (strncmp(u, "../", 3) == 0 || strstr(u, "/../"))
        return "不能有 ../：路径从 procedures 文件夹算起";
    if (strchr(u, '\\'))
        return "里的分隔符要用 /，不用 \\";
    if (strchr(u, '?') || strchr(u, '#'))
        return "里不能有 ? 或 #：事项文件只写路径";
    if (n < 3 || strcmp(u + n - 3, ".md") != 0)
        return "末尾少了 .md：文件名要写全";
    if (n == 3 || u[n - 4] == '/')
        return "没有文件名";
    return NULL;
}

/* Why path, which is no procedure of the library, is not one: the files
 * beside procedures are named so that the admin is told which it is. */
static const char *triage_not_procedure(const char *path)
{
    const char *name = strrchr(path, '/');

    name = name ? name + 1 : path;
    if (strcmp(name, "README.md") == 0)
        return "是分类的说明文件，不是事项；答案要链接到分类里的某个事项文件";
    if (practice_name_is(name))
        return "是练习题文件，不是事项；请链接到它旁边同名的事项文件";
    if (name[0] == '_')
        return "是共用的说明文件（岗位、日历、办事地点等），不是事项；请链接到事项文件";
    return "不存在";
}

/* An answer that sends the resident to an office of _directory.md: the
 * resolver is asked for the link itself, as for a procedure file. */
static void tctx_office(struct tctx *c, struct triage_answer *a, const char *id, int line)
{
    char link[sizeof DIRECTORY_FILE + PROCEDURE_ID_MAX + 2];
    bool broken = false;

    a->kind = TRIAGE_OFFICE;
    snprintf(link, sizeof link, "%s#%s", DIRECTORY_FILE, id);
    if (!c->resolve(c->rctx, link, line, &broken))
        diag_error(c->diags, c->path, line,
                   broken ? "链接的办事地点 %s 不在居民现在看到的 %s 里（那个文件这次的修改有错误，没有生效）"
                          : "链接的办事地点 %s 在 %s 里找不到",
                   id, DIRECTORY_FILE);
    if (!(a->target = strdup(id)))
        c->oom = 1;
}

static void tctx_answers(struct tctx *c, cmark_node *list)
{
    struct triage_question *q = &c->t->questions[c->t->n - 1];
    cmark_node *item;

    if (q->n_answers) {
        diag_error(c->diags, c->path, tctx_line(c, list),
                   "一个问题只能有一组答案；请把这些答案并入上面的列表");
        return;
    }
    for (item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
        struct triage_answer *a;
        const char *url;
        char office[PROCEDURE_ID_MAX + 1];
        int line = tctx_line(c, item), bad;
        char *text = mdtext_item_text(item, &url);
        cmark_node *sub, *under;

        if (!text) {
            c->oom = 1;
            return;
        }
        if (q->n_answers >= TRIAGE_MAX_ANSWERS) {
            diag_error(c->diags, c->path, line, "一个问题最多 %d 个答案", TRIAGE_MAX_ANSWERS);
            free(text);
            return;
        }
        a = realloc(q->answers, (q->n_answers + 1) * sizeof *a);
        if (!a) {
            free(text);
            c->oom = 1;
            return;
        }
        q->answers = a;
        a = &q->answers[q->n_answers++];
        memset(a, 0, sizeof *a);
        a->text = text;
        a->line = line;
        if (!*text)
            diag_error(c->diags, c->path, line, "答案不能是空的");
        /* an indented answer was run on into the one above (「甲乙」, the
         * link of the first) and its own link was lost: the screen shows
         * one list of answers, so say which line to unindent */
        for (sub = cmark_node_first_child(item); sub; sub = cmark_node_next(sub))
            for (under = cmark_node_get_type(sub) == CMARK_NODE_LIST ? cmark_node_first_child(sub) : NULL;
                 under; under = cmark_node_next(under))
                diag_error(c->diags, c->path, tctx_line(c, under),
                           "答案不能缩进在另一个答案下面：自助机上一个问题只有一列答案，这一行不会显示。"
                           "是另一个答案的，请顶格写「- 」；是上面答案的说明的，请写进上面那个答案里");
        if (!url) {
            a->kind = TRIAGE_END;
            /* [答案]（file.md） with a Chinese input method's brackets, or a
             * space before the (: no link, so the resident saw the path as
             * the flow's last words */
            if (triage_looks_like_link(text))
                diag_error(c->diags, c->path, line,
                           "这个答案像是链接，但没有写成链接：居民会看到这一整行文字，点了也不会去任何地方。"
                           "链接要写成 [答案文字](文件路径)，方括号和圆括号都用半角（英文）的，中间不空格；"
                           "请切换到英文输入法再打");
        } else if (url[0] == '#') {
            a->kind = TRIAGE_GOTO;
            if (!(a->target = strdup(url + 1)))
                c->oom = 1;
        } else if (directory_link(url, 0, office, sizeof office, &bad)) {
            tctx_office(c, a, office, line);
        } else if (bad) {
            diag_error(c->diags, c->path, line,
                       "链接「%s」里的办事地点编号无效：应写成 _directory.md#编号", url);
            a->kind = TRIAGE_END;
        } else {
            const char *u = strncmp(url, "./", 2) == 0 ? url + 2 : url;
            const char *id = NULL, *why;
            bool broken = false;
            a->kind = TRIAGE_PROCEDURE;
            if ((why = triage_path_bad(u)))
                diag_error(c->diags, c->path, line,
                           "链接「%s」%s；应指向 procedures 文件夹里的事项文件，如 employment/labour-handbook.md",
                           url, why);
            else if (!(id = c->resolve(c->rctx, u, line, &broken)))
                diag_error(c->diags, c->path, line, "链接的文件 %s %s", u, triage_not_procedure(u));
            else if (broken)
                diag_warn(c->diags, c->path, line,
                          "链接的事项文件 %s 现在有错误；改好之前，居民选这个答案看到的是它上一个正确的版本"
                          "（从没加载成功过的话会找不到）", u);
            if (!(a->target = strdup(id ? id : u)))
                c->oom = 1;
        }
    }
}

/* Every goto lands, every question has answers and is reachable. */
static void tctx_check(struct tctx *c)
{
    struct triage *t = c->t;
    bool *seen, *linked;
    size_t i, j, *stack, top = 0;

    if (t->n == 0) {
        diag_error(c->diags, c->path, 1, "分诊文件里没有问题：每个问题是一个 ## 标题，下面列出答案");
        return;
    }
    if (c->over) /* with questions dropped the flow cannot be judged fairly */
        return;
    seen = calloc(t->n, sizeof *seen);
    linked = calloc(t->n, sizeof *linked);
    stack = calloc(t->n, sizeof *stack);
    if (!seen || !linked || !stack) {
        c->oom = 1;
        goto out;
    }
    for (i = 0; i < t->n; i++) {
        struct triage_question *q = &t->questions[i];
        if (q->n_answers == 0)
            diag_error(c->diags, c->path, q->line, "问题「%s」下面没有答案：请用 - 列出可选的回答",
                       q->text);
        for (j = 0; j < q->n_answers; j++)
            if (q->answers[j].kind == TRIAGE_GOTO && !triage_find(t, q->answers[j].target))
                diag_error(c->diags, c->path, q->answers[j].line,
                           "链接 #%s 指向的问题不存在", q->answers[j].target);
    }
    seen[0] = true;
    stack[top++] = 0;
    while (top) {
        struct triage_question *q = &t->questions[stack[--top]];
        for (j = 0; j < q->n_answers; j++) {
            struct triage_question *to;
            if (q->answers[j].kind != TRIAGE_GOTO ||
                !(to = triage_find(t, q->answers[j].target)))
                continue;
            if (!seen[to - t->questions]) {
                seen[to - t->questions] = true;
                stack[top++] = (size_t)(to - t->questions);
            }
        }
    }
    /* the contract's error is a question no answer leads to; one led to
     * only from such questions is as unreachable, but its own text is not
     * at fault: a warning, so that fixing the first fixes both */
    for (i = 0; i < t->n; i++)
        for (j = 0; j < t->questions[i].n_answers; j++) {
            struct triage_question *to;
            if (t->questions[i].answers[j].kind == TRIAGE_GOTO &&
                (to = triage_find(t, t->questions[i].answers[j].target)) && to != &t->questions[i])
                linked[to - t->questions] = true;
        }
    for (i = 1; i < t->n; i++) {
        if (seen[i])
            continue;
        if (!linked[i])
            diag_error(c->diags, c->path, t->questions[i].line,
                       "问题「%s」从第一个问题出发走不到：没有答案链接到 #%s",
                       t->questions[i].text, t->questions[i].id);
        else
            diag_warn(c->diags, c->path, t->questions[i].line,
                      "问题「%s」从第一个问题出发走不到：链接到 #%s 的问题本身也走不到",
                      t->questions[i].text, t->questions[i].id);
    }
out:
    free(seen);
    free(linked);
    free(stack);
}

int triage_parse(const char *path, const char *text, size_t len, triage_resolve_fn resolve,
                 void *ctx, struct triage **out, struct diag_list *diags)
{
    struct tctx c;
    struct frontmatter fm;
    cmark_node *doc = NULL, *n;
    size_t errors0 = diags->errors;
    const char *bad;
    int rc = -1, r, bad_line;

    *out = NULL;
    memset(&c, 0, sizeof c);
    memset(&fm, 0, sizeof fm);
    if ((bad = utf8_file_error(text, len, &bad_line))) {
        diag_error(diags, path, bad_line, "%s", bad);
        return diags->oom ? -1 : 1;
    }
    if (frontmatter_parse(path, text, len, &fm, diags) < 0)
        goto out;
    for (size_t i = 0; i < fm.n; i++)
        diag_warn(diags, path, fm.items[i].line, "分诊文件不使用「%s」，会被忽略", fm.items[i].key);
    c.path = path;
    c.diags = diags;
    c.line_off = fm.body_line;
    c.resolve = resolve;
    c.rctx = ctx;
    if (!(c.t = calloc(1, sizeof *c.t)))
        goto out;
    if (!(doc = mdlimit_parse(text + fm.body_offset, len - fm.body_offset, path, c.line_off,
                              diags, &r))) {
        rc = r;
        goto out;
    }
    for (n = cmark_node_first_child(doc); n && !c.oom; n = cmark_node_next(n)) {
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1) {
            if (c.t->title)
                diag_error(diags, path, tctx_line(&c, n), "只能有一个一级标题（# 开头）");
            else if (!(c.t->title = mdtext_inline(n, NULL)))
                c.oom = 1;
        } else if (t == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 2) {
            int under = mdtext_setext_line(text, len, tctx_line(&c, n),
                                           cmark_node_get_end_line(n) + c.line_off);
            if (under)
                diag_warn(diags, path, under,
                          "这一行的 --- 紧接在上一行文字下面，Markdown 会把上面的文字当成 ## 标题，"
                          "它成了一个问题：想画分隔线，请在 --- 上面空一行");
            tctx_question(&c, n);
        } else if (t == CMARK_NODE_LIST && c.t->n && !c.over) {
            tctx_answers(&c, n);
        }
    }
    if (c.oom)
        goto out;
    if (!c.t->title && !(c.t->title = strdup("")))
        goto out;
    tctx_check(&c);
    if (c.oom || diags->oom)
        goto out;
    if (diags->errors > errors0) {
        rc = 1;
        goto out;
    }
    *out = c.t;
    c.t = NULL;
    rc = 0;
out:
    if (doc)
        cmark_node_free(doc);
    frontmatter_free(&fm);
    triage_free(c.t);
    return rc;
}

char *triage_render(const struct triage *t)
{
    cJSON *root = cJSON_CreateObject(), *qs;
    char *s = NULL;
    size_t i, j;

    if (!root)
        return NULL;
    if (!cJSON_AddStringToObject(root, "start", t->n ? t->questions[0].id : "") ||
        !cJSON_AddStringToObject(root, "title", t->title) ||
        !(qs = cJSON_AddArrayToObject(root, "questions")))
        goto out;
    for (i = 0; i < t->n; i++) {
        const struct triage_question *q = &t->questions[i];
        cJSON *qo = cJSON_CreateObject(), *as;
        if (!qo || !cJSON_AddItemToArray(qs, qo)) {
            cJSON_Delete(qo);
            goto out;
        }
        if (!cJSON_AddStringToObject(qo, "id", q->id) ||
            !cJSON_AddStringToObject(qo, "text", q->text) ||
            !(as = cJSON_AddArrayToObject(qo, "answers")))
            goto out;
        for (j = 0; j < q->n_answers; j++) {
            const struct triage_answer *a = &q->answers[j];
            cJSON *ao = cJSON_CreateObject();
            if (!ao || !cJSON_AddItemToArray(as, ao)) {
                cJSON_Delete(ao);
                goto out;
            }
            if (!cJSON_AddStringToObject(ao, "text", a->text))
                goto out;
            if (a->kind == TRIAGE_GOTO && !cJSON_AddStringToObject(ao, "goto", a->target))
                goto out;
            if (a->kind == TRIAGE_OFFICE && !cJSON_AddStringToObject(ao, "office", a->target))
                goto out;
            if (a->kind == TRIAGE_PROCEDURE &&
                !cJSON_AddStringToObject(ao, "procedure", a->target))
                goto out;
        }
    }
    s = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return s;
}

void triage_free(struct triage *t)
{
    size_t i, j;

    if (!t)
        return;
    for (i = 0; i < t->n; i++) {
        for (j = 0; j < t->questions[i].n_answers; j++) {
            free(t->questions[i].answers[j].text);
            free(t->questions[i].answers[j].target);
        }
        free(t->questions[i].answers);
        free(t->questions[i].id);
        free(t->questions[i].text);
    }
    free(t->questions);
    free(t->title);
    free(t);
}
