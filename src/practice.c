/* practice: reads `ID.practice.md` through libcmark's AST, proves its
 * scenarios against the procedure with the validation a real case gets
 * (cases_step_validate on a case state built in memory, never a copy of
 * the rules), judges a trainee's answer, and reads back the last good file
 * the loader stored.
 *
 * A scenario is proved by walking it through the procedure as the walk
 * of a case does: steps in order, each step's answers checked against the
 * answers before it, so that situations ({if …}) apply exactly as they
 * would at the window.
 */
#include "practice.h"

#include <cmark.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "mdlimit.h"
#include "mdtext.h"
#include "strbuf.h"
#include "utf8.h"
#include "validate.h"

bool practice_name_is(const char *name)
{
    size_t n = strlen(name), k = sizeof PRACTICE_SUFFIX - 1;

    return n > k && strcmp(name + n - k, PRACTICE_SUFFIX) == 0;
}

const char *practice_decision_name(enum practice_decision d)
{
    switch (d) {
    case PRACTICE_ACCEPT:
        return "accept";
    case PRACTICE_RETURN:
        return "return";
    case PRACTICE_REFUSE:
        return "refuse";
    }
    return "accept";
}

static void practice_scenario_free(struct practice_scenario *s)
{
    size_t i;

    free(s->title);
    free(s->text);
    free(s->html);
    free(s->conditions);
    free(s->brought);
    for (i = 0; i < s->n_values; i++)
        free(s->values[i].value);
    free(s->values);
    free(s->expect.flags);
    free(s->explain);
}

void practice_free(struct practice *pr)
{
    size_t i;

    if (!pr)
        return;
    for (i = 0; i < pr->n_scenarios; i++)
        practice_scenario_free(&pr->scenarios[i]);
    free(pr->scenarios);
    free(pr->title);
    free(pr);
}

/* ---- parsing ------------------------------------------------------------- */

struct practice_pctx {
    const char *path;
    struct diag_list *diags;
    struct practice *pr;
    struct practice_scenario *cur;  /* the scenario being read, or NULL */
    struct strbuf text, html;       /* cur's told text */
    bool full;                      /* PRACTICE_MAX_SCENARIOS read: the rest is not */
    int oom;
};

/* Plain text of the told blocks: their text and code, a line break for a
 * soft or hard break and a blank line between blocks, since a story is
 * shown as paragraphs (mdtext_inline, for headings, makes one line). */
static int practice_plain(cmark_node *n, struct strbuf *sb)
{
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    int rc = 0;

    if (!it)
        return -1;
    while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *x = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(x);
        const char *lit;

        if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE ||
                                        t == CMARK_NODE_CODE_BLOCK)) {
            lit = cmark_node_get_literal(x);
            rc = lit ? strbuf_puts(sb, lit) : 0;
        } else if (ev == CMARK_EVENT_ENTER &&
                   (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)) {
            rc = strbuf_putc(sb, '\n');
        } else if (ev == CMARK_EVENT_EXIT && (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
                                              t == CMARK_NODE_ITEM)) {
            rc = strbuf_puts(sb, "\n\n");
        }
    }
    cmark_iter_free(it);
    return rc;
}

/* A new string of s without surrounding white space (the ideographic
 * space too). */
static char *practice_trim_dup(const char *s, size_t n)
{
    const char *t = utf8_trim(s, &n);

    return strndup(t, n);
}

/* Raw HTML is an error, as in a procedure file: the told text is shown to
 * staff and must not carry markup of its own. */
static void practice_check_html(struct practice_pctx *c, cmark_node *n)
{
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;

    if (!it) {
        c->oom = 1;
        return;
    }
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *x = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(x);
        if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE)) {
            diag_error(c->diags, c->path, cmark_node_get_start_line(x) ? cmark_node_get_start_line(x)
                                                                        : cmark_node_get_start_line(n),
                       "练习文件里不能写 HTML 代码，请改用 Markdown 写法");
            break;
        }
    }
    cmark_iter_free(it);
}

/* Ends the scenario being read: its told text, and what a scenario must
 * have. */
static void practice_close(struct practice_pctx *c)
{
    struct practice_scenario *s = c->cur;
    size_t n;

    if (!s)
        return;
    c->cur = NULL;
    n = c->text.len;
    if (n > PRACTICE_TEXT_MAX)
        diag_error(c->diags, c->path, s->line, "场景「%s」的说明太长（超过 %d 字节），请精简", s->title,
                   PRACTICE_TEXT_MAX);
    if (!(s->text = practice_trim_dup(c->text.data ? c->text.data : "", n)) ||
        !(s->html = strdup(c->html.data ? c->html.data : "")))
        c->oom = 1;
    strbuf_free(&c->text);
    strbuf_free(&c->html);
    if (!s->case_line)
        diag_error(c->diags, c->path, s->line,
                   "场景「%s」缺少 ```case 块：写明居民的回答、带来的材料、填写的内容和 expect", s->title);
    else if (!s->expect_line)
        diag_error(c->diags, c->path, s->case_line,
                   "case 块缺少 expect:写 expect = accept(受理）、expect = return 字段或材料编号（退回补正）"
                   "或 expect = refuse 条件序号（不予受理）");
}

static void practice_open(struct practice_pctx *c, cmark_node *h)
{
    struct practice *pr = c->pr;
    struct practice_scenario *s;
    int line = cmark_node_get_start_line(h);

    practice_close(c);
    if (pr->n_scenarios >= PRACTICE_MAX_SCENARIOS) {
        diag_error(c->diags, c->path, line, "一个练习文件最多 %d 个场景，从这里起没有读取",
                   PRACTICE_MAX_SCENARIOS);
        c->full = true;
        return;
    }
    if (!(s = realloc(pr->scenarios, (pr->n_scenarios + 1) * sizeof *s))) {
        c->oom = 1;
        return;
    }
    pr->scenarios = s;
    s = &s[pr->n_scenarios++];
    memset(s, 0, sizeof *s);
    s->line = line;
    if (!(s->title = mdtext_inline(h, NULL))) {
        c->oom = 1;
    } else if (!*s->title) {
        diag_error(c->diags, c->path, line, "场景标题 ## 后面不能是空的");
    } else if (strlen(s->title) > PRACTICE_TITLE_MAX) {
        diag_error(c->diags, c->path, line, "场景标题太长（超过 %d 字节）", PRACTICE_TITLE_MAX);
    }
    c->cur = s;
}

/* Splits v into tokens at white space (the ideographic space too); calls
 * fn for each. Returns fn's first non-zero result, or 0. */
static int practice_tokens(const char *v, int (*fn)(void *ctx, const char *tok, size_t n), void *ctx)
{
    size_t i = 0, n = strlen(v), start = 0, k;
    uint32_t cp;
    int r;

    while (i <= n) {
        k = i < n ? utf8_decode(v + i, n - i, &cp) : 0;
        if (i == n || (k && utf8_is_space(cp))) {
            if (i > start && (r = fn(ctx, v + start, i - start)) != 0)
                return r;
            if (i == n)
                break;
            start = i + k;
        }
        i += k ? k : 1;
    }
    return 0;
}

struct practice_line {
    struct practice_pctx *c;
    struct practice_scenario *s;
    int line;
    const char *key;
    size_t count;
};

static int practice_tok_condition(void *ctx, const char *tok, size_t n)
{
    struct practice_line *l = ctx;
    struct practice_scenario *s = l->s;
    bool *v;
    bool yes;

    if (n == 3 && memcmp(tok, "是", 3) == 0)
        yes = true;
    else if (n == 3 && memcmp(tok, "否", 3) == 0)
        yes = false;
    else
        return diag_error(l->c->diags, l->c->path, l->line,
                          "conditions 只能写「是」或「否」，每条办理条件一个，用空格隔开；这里有「%.*s」",
                          (int)n, tok) < 0 ? -1 : 1;
    if (s->n_conditions >= PRACTICE_MAX_IDS)
        return diag_error(l->c->diags, l->c->path, l->line, "conditions 最多写 %d 个",
                          PRACTICE_MAX_IDS) < 0 ? -1 : 1;
    if (!(v = realloc(s->conditions, (s->n_conditions + 1) * sizeof *v)))
        return -1;
    s->conditions = v;
    v[s->n_conditions++] = yes;
    return 0;
}

/* A field key, a written item id, or an implicit one "sS-I" (an item
 * without {#id}). */
static bool practice_id_valid(const char *s, size_t n)
{
    size_t i = 1, digits;

    if (marker_key_valid(s, n))
        return true;
    if (n < 4 || n > MARKER_KEY_MAX || s[0] != 's')
        return false;
    for (digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (!digits || i >= n || s[i++] != '-')
        return false;
    for (digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    return digits && i == n;
}

/* An id of brought or of a return's flags into *list. */
static int practice_tok_key(struct practice_line *l, const char *tok, size_t n, practice_key **list,
                            size_t *count, const char *what)
{
    practice_key *v;

    if (!practice_id_valid(tok, n))
        return diag_error(l->c->diags, l->c->path, l->line,
                          "%s里的「%.*s」不是有效的编号：字段名或清单项编号以小写英文字母开头，"
                          "只用小写英文字母、数字和 _（没写编号的清单项用 s步骤-序号，如 s1-0）",
                          what, (int)n, tok) < 0 ? -1 : 1;
    if (*count >= PRACTICE_MAX_IDS)
        return diag_error(l->c->diags, l->c->path, l->line, "%s最多写 %d 个编号", what,
                          PRACTICE_MAX_IDS) < 0 ? -1 : 1;
    if (!(v = realloc(*list, (*count + 1) * sizeof *v)))
        return -1;
    *list = v;
    memcpy(v[*count], tok, n);
    v[*count][n] = '\0';
    (*count)++;
    return 0;
}

static int practice_tok_brought(void *ctx, const char *tok, size_t n)
{
    struct practice_line *l = ctx;

    return practice_tok_key(l, tok, n, &l->s->brought, &l->s->n_brought, "brought ");
}

/* expect = accept | return ID... | refuse N, one token at a time. */
static int practice_tok_expect(void *ctx, const char *tok, size_t n)
{
    struct practice_line *l = ctx;
    struct practice_expect *e = &l->s->expect;
    const char *bad = NULL;
    size_t i;
    int v = 0;

    if (l->count++ == 0) {
        if (n == 6 && memcmp(tok, "accept", 6) == 0)
            e->decision = PRACTICE_ACCEPT;
        else if (n == 6 && memcmp(tok, "return", 6) == 0)
            e->decision = PRACTICE_RETURN;
        else if (n == 6 && memcmp(tok, "refuse", 6) == 0)
            e->decision = PRACTICE_REFUSE;
        else
            bad = "expect 只能是 accept(受理）、return 加字段名或材料编号（退回补正）或 refuse 加条件序号（不予受理）";
    } else if (e->decision == PRACTICE_ACCEPT) {
        bad = "expect = accept 后面不再写别的";
    } else if (e->decision == PRACTICE_RETURN) {
        return practice_tok_key(l, tok, n, &e->flags, &e->n_flags, "expect = return ");
    } else if (l->count > 2) {
        bad = "expect = refuse 后面只写一个条件序号，如 expect = refuse 2";
    } else {
        for (i = 0; i < n && i < 3; i++) {
            if (tok[i] < '0' || tok[i] > '9')
                break;
            v = v * 10 + (tok[i] - '0');
        }
        if (i != n || v < 1)
            bad = "expect = refuse 后面写不符合的办理条件的序号（从 1 数起），如 expect = refuse 2";
        else
            e->condition = v;
    }
    if (!bad)
        return 0;
    return diag_error(l->c->diags, l->c->path, l->line, "%s", bad) < 0 ? -1 : 1;
}

/* Whether key was written before in s (an error then, at line). */
static bool practice_key_seen(struct practice_pctx *c, const struct practice_scenario *s,
                              const char *key, int line)
{
    int before = 0;
    size_t i;

    if (strcmp(key, "conditions") == 0)
        before = s->conditions_line;
    else if (strcmp(key, "brought") == 0)
        before = s->brought_line;
    else if (strcmp(key, "expect") == 0)
        before = s->expect_line;
    else if (strcmp(key, "explain") == 0)
        before = s->explain_line;
    for (i = 0; !before && i < s->n_values; i++)
        if (strcmp(s->values[i].key, key) == 0)
            before = s->values[i].line;
    if (before)
        diag_error(c->diags, c->path, line, "%s 重复写了（第 %d 行已经写过）", key, before);
    return before != 0;
}

/* One `key = value` line of a case block. */
static void practice_case_line(struct practice_pctx *c, struct practice_scenario *s, const char *ln,
                               size_t n, int line)
{
    struct practice_line l = {c, s, line, NULL, 0};
    const char *eq = memchr(ln, '=', n), *k;
    char key[MARKER_KEY_MAX + 1], *value;
    size_t kn, vn;
    int r = 0;

    if (!eq) {
        diag_error(c->diags, c->path, line, "这一行应写成「名称 = 内容」，如 expect = accept");
        return;
    }
    kn = (size_t)(eq - ln);
    k = utf8_trim(ln, &kn);
    if (!marker_key_valid(k, kn)) {
        diag_error(c->diags, c->path, line,
                   "「%.*s」不是有效的名称：可写 conditions、brought、expect、explain 和事项 form 里的字段名",
                   (int)kn, k);
        return;
    }
    memcpy(key, k, kn);
    key[kn] = '\0';
    vn = n - (size_t)(eq + 1 - ln);
    if (vn > PRACTICE_VALUE_MAX) {
        diag_error(c->diags, c->path, line, "%s 的内容太长（超过 %d 字节）", key, PRACTICE_VALUE_MAX);
        return;
    }
    if (practice_key_seen(c, s, key, line))
        return;
    if (!(value = practice_trim_dup(eq + 1, vn))) {
        c->oom = 1;
        return;
    }
    l.key = key;
    if (strcmp(key, "conditions") == 0) {
        s->conditions_line = line;
        s->has_conditions = true;
        r = practice_tokens(value, practice_tok_condition, &l);
    } else if (strcmp(key, "brought") == 0) {
        s->brought_line = line;
        r = practice_tokens(value, practice_tok_brought, &l);
    } else if (strcmp(key, "expect") == 0) {
        s->expect_line = line;
        r = practice_tokens(value, practice_tok_expect, &l);
        if (r == 0 && l.count == 0) {
            diag_error(c->diags, c->path, line, "expect 后面要写 accept、return 或 refuse");
        } else if (r == 0 && s->expect.decision == PRACTICE_RETURN && s->expect.n_flags == 0) {
            diag_error(c->diags, c->path, line,
                       "expect = return 后面要写退回补正的字段名或材料编号，如 expect = return id_number");
        } else if (r == 0 && s->expect.decision == PRACTICE_REFUSE && s->expect.condition == 0) {
            diag_error(c->diags, c->path, line,
                       "expect = refuse 后面要写不符合的办理条件的序号（从 1 数起），如 expect = refuse 2");
        } else if (r == 0) {
            s->has_expect = true;
        }
    } else if (strcmp(key, "explain") == 0) {
        s->explain_line = line;
        if (*value) {
            s->explain = value;
            value = NULL;
        }
    } else {
        struct practice_value *v = realloc(s->values, (s->n_values + 1) * sizeof *v);
        if (!v) {
            r = -1;
        } else {
            s->values = v;
            v = &v[s->n_values++];
            memcpy(v->key, key, sizeof key);
            v->value = value;
            v->line = line;
            value = NULL;
        }
    }
    if (r < 0)
        c->oom = 1;
    free(value);
}

/* A ```case block: one `key = value` a line; blank lines and lines
 * starting with `#` are skipped. */
static void practice_case(struct practice_pctx *c, cmark_node *code)
{
    struct practice_scenario *s = c->cur;
    const char *lit = cmark_node_get_literal(code), *p, *eol;
    int line = cmark_node_get_start_line(code);
    size_t lines = 0, n;

    if (!s) {
        diag_error(c->diags, c->path, line, "```case 块要写在某个 ## 场景标题下面");
        return;
    }
    if (s->case_line) {
        diag_error(c->diags, c->path, line, "一个场景只能有一个 ```case 块（第 %d 行已经有了）",
                   s->case_line);
        return;
    }
    s->case_line = line;
    for (p = lit ? lit : ""; *p && !c->oom; p = *eol ? eol + 1 : eol) {
        const char *t;
        line++;
        eol = strchr(p, '\n');
        if (!eol)
            eol = p + strlen(p);
        n = (size_t)(eol - p);
        if (n && p[n - 1] == '\r')
            n--;
        t = utf8_trim(p, &n);
        if (n == 0 || t[0] == '#')
            continue;
        if (++lines > PRACTICE_MAX_LINES) {
            diag_error(c->diags, c->path, line, "一个 case 块最多 %d 行，后面的没有读取", PRACTICE_MAX_LINES);
            break;
        }
        practice_case_line(c, s, t, n, line);
    }
}

/* A block of a scenario other than its case block: told to the trainee. */
static void practice_told(struct practice_pctx *c, cmark_node *n)
{
    char *html;

    practice_check_html(c, n);
    if (!c->cur)
        return; /* before the first scenario: an introduction for whoever edits the file */
    if (practice_plain(n, &c->text) != 0)
        c->oom = 1;
    if (c->text.len > 2 * PRACTICE_TEXT_MAX)
        return; /* reported when the scenario closes; render no more */
    if (!(html = cmark_render_html(n, CMARK_OPT_DEFAULT))) {
        c->oom = 1;
        return;
    }
    if (strbuf_puts(&c->html, html) != 0)
        c->oom = 1;
    free(html);
}

int practice_parse(const char *path, const char *text, size_t len, struct practice **out,
                   struct diag_list *diags)
{
    struct practice_pctx c;
    cmark_node *doc = NULL, *n;
    size_t errors = diags->errors;
    int rc = -1;

    *out = NULL;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.diags = diags;
    if (len > PRACTICE_FILE_MAX)
        return diag_error(diags, path, 1, "练习文件太大（超过 %zu KiB），没有读取；请拆成几个场景少一些的文件",
                          PRACTICE_FILE_MAX >> 10) < 0 ? -1 : 1;
    if (!utf8_valid(text, len))
        return diag_error(diags, path, 1, "文件不是 UTF-8 编码，请用 UTF-8 保存") < 0 ? -1 : 1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (!(c.pr = calloc(1, sizeof *c.pr)) || !(doc = cmark_parse_document(text, len, CMARK_OPT_DEFAULT)))
        goto out;
    if (mdlimit_check(doc, path, 0, diags) != 0) {
        rc = diags->oom ? -1 : 1;
        goto out;
    }
    for (n = cmark_node_first_child(doc); n && !c.oom && !c.full; n = cmark_node_next(n)) {
        cmark_node_type t = cmark_node_get_type(n);
        int level = t == CMARK_NODE_HEADING ? cmark_node_get_heading_level(n) : 0;
        const char *info = t == CMARK_NODE_CODE_BLOCK ? cmark_node_get_fence_info(n) : NULL;

        if (level == 1 && !c.pr->title && !c.pr->n_scenarios) {
            if (!(c.pr->title = mdtext_inline(n, NULL)))
                c.oom = 1;
        } else if (level == 1) {
            diag_error(diags, path, cmark_node_get_start_line(n),
                       "练习文件只能有一个一级标题 #,写在最前面；每个场景用二级标题 ##");
        } else if (level == 2) {
            practice_open(&c, n);
        } else if (info && strcmp(info, "case") == 0) {
            practice_case(&c, n);
        } else {
            practice_told(&c, n);
        }
    }
    practice_close(&c);
    if (!c.oom && c.pr->n_scenarios == 0)
        diag_error(diags, path, 1, "练习文件里没有场景：每个场景以二级标题 ## 开头，下面写情况说明和 ```case 块");
    if (c.oom || diags->oom)
        goto out;
    if (diags->errors > errors) {
        rc = 1;
        goto out;
    }
    *out = c.pr;
    c.pr = NULL;
    rc = 0;
out:
    strbuf_free(&c.text);
    strbuf_free(&c.html);
    practice_free(c.pr);
    if (doc)
        cmark_node_free(doc);
    return rc;
}

/* ---- a scenario walked through the procedure -------------------------- */

struct practice_fail {
    char key[MARKER_KEY_MAX + 1];
    const char *code;           /* NULL for a required item not brought */
    char *message;              /* owned; NULL for an item */
    size_t step;
};

struct practice_walk {
    struct case_state cs;       /* the scenario as a case that went through every step */
    struct practice_fail *fails;
    size_t n_fails;
};

static void practice_walk_free(struct practice_walk *w)
{
    size_t i;

    for (i = 0; i < w->n_fails; i++)
        free(w->fails[i].message);
    free(w->fails);
    cases_state_free(&w->cs);
    memset(w, 0, sizeof *w);
}

static bool practice_brings(const struct practice_scenario *s, const char *id)
{
    size_t i;

    for (i = 0; i < s->n_brought; i++)
        if (strcmp(s->brought[i], id) == 0)
            return true;
    return false;
}

static const struct practice_value *practice_value_of(const struct practice_scenario *s,
                                                      const char *key)
{
    size_t i;

    for (i = 0; i < s->n_values; i++)
        if (strcmp(s->values[i].key, key) == 0)
            return &s->values[i];
    return NULL;
}

static int practice_fail_add(struct practice_walk *w, const char *key, const char *code,
                             const char *message, size_t step)
{
    struct practice_fail *f = realloc(w->fails, (w->n_fails + 1) * sizeof *f);

    if (!f)
        return -1;
    w->fails = f;
    f = &f[w->n_fails];
    memset(f, 0, sizeof *f);
    snprintf(f->key, sizeof f->key, "%s", key);
    f->code = code;
    f->step = step;
    if (message && !(f->message = strdup(message)))
        return -1;
    w->n_fails++;
    return 0;
}

/* One step of the walk: the scenario's answers for it checked as the case
 * would check them, the good values kept for the steps after it. */
static int practice_walk_step(const struct practice_scenario *s, int today, struct practice_walk *w,
                              size_t j)
{
    struct case_state *cs = &w->cs;
    const struct proc_step *st = &cs->model->steps[j];
    struct case_input *fin = calloc(st->n_fields + 1, sizeof *fin);
    struct case_input *tin = calloc(st->n_items + 1, sizeof *tin);
    struct case_answers in = {fin, 0, tin, 0};
    struct case_rejection rej;
    struct case_value *vals;
    char **norm = NULL;
    size_t i;
    int rc = -1;

    memset(&rej, 0, sizeof rej);
    if (!fin || !tin)
        goto out;
    for (i = 0; i < st->n_fields; i++) {
        const struct practice_value *v = practice_value_of(s, st->fields[i].key);
        if (v)
            fin[in.n_fields++] = (struct case_input){st->fields[i].key, CASE_INPUT_TEXT, v->value};
    }
    for (i = 0; i < st->n_items; i++)
        if (practice_brings(s, st->items[i].id))
            tin[in.n_checklist++] = (struct case_input){st->items[i].id, CASE_INPUT_YES, NULL};
    if (cases_step_validate(cs, j, &in, today, &norm, &rej) != 0)
        goto out;
    for (i = 0; i < rej.n_fields; i++)
        if (practice_fail_add(w, rej.fields[i].key, rej.fields[i].code, rej.fields[i].message, j) != 0)
            goto out;
    for (i = 0; i < rej.n_items; i++)
        if (practice_fail_add(w, rej.items[i], NULL, NULL, j) != 0)
            goto out;
    for (i = 0; i < st->n_fields; i++) {
        if (!norm[i])
            continue;
        if (!(vals = realloc(cs->values, (cs->n_values + 1) * sizeof *vals)))
            goto out;
        cs->values = vals;
        vals = &vals[cs->n_values++];
        snprintf(vals->key, sizeof vals->key, "%s", st->fields[i].key);
        vals->step = (int)j;
        vals->value = norm[i];
        norm[i] = NULL;
    }
    cs->done[j] = true;
    rc = 0;
out:
    if (norm)
        cases_normalised_free(norm, st->n_fields);
    cases_rejection_free(&rej);
    free(fin);
    free(tin);
    return rc;
}

/* Walks s through p: every step that applies, in order. Returns 0 with w
 * filled (free with practice_walk_free), -1 when memory ran out. */
static int practice_walk_run(const struct practice_scenario *s, const struct procedure *p, int today,
                             struct practice_walk *w)
{
    struct case_state *cs = &w->cs;
    size_t i, j, k;

    memset(w, 0, sizeof *w);
    cs->model = p;
    cs->conditions_confirmed = true;
    snprintf(cs->status, sizeof cs->status, "open");
    if (!(cs->done = calloc(p->n_steps + 1, sizeof *cs->done)) ||
        !(cs->applicable = calloc(p->n_steps + 1, sizeof *cs->applicable)) ||
        !(cs->ticks = calloc(s->n_brought + 1, sizeof *cs->ticks)))
        goto fail;
    for (i = 0; i < s->n_brought; i++) {
        const struct proc_item *it = procedure_item_find(p, s->brought[i], &k);
        if (!it)
            continue;
        snprintf(cs->ticks[cs->n_ticks].item, sizeof cs->ticks[0].item, "%s", it->id);
        cs->ticks[cs->n_ticks++].step = (int)k;
    }
    for (j = 0; j < p->n_steps; j++) {
        cases_evaluate(cs);
        if (cs->applicable[j] && practice_walk_step(s, today, w, j) != 0)
            goto fail;
    }
    cases_evaluate(cs);
    return 0;
fail:
    practice_walk_free(w);
    return -1;
}

/* ---- proving ------------------------------------------------------------- */

/* "{if key=value}" of a part that does not apply, for messages. */
static void practice_cond_text(const struct cond *c, char *out, size_t n)
{
    snprintf(out, n, "它只在 %s%s%s 时需要", c->key, c->negate ? "≠" : "=", c->value);
}

/* Why part (step j, own condition c or NULL) does not apply to the walk. */
static void practice_why_not(const struct practice_walk *w, size_t j, const struct cond *c, char *out,
                             size_t n)
{
    const struct proc_step *st = &w->cs.model->steps[j];

    if (!w->cs.applicable[j] && st->has_cond)
        practice_cond_text(&st->cond, out, n);
    else if (c)
        practice_cond_text(c, out, n);
    else
        snprintf(out, n, "它所在的步骤不需要办理");
}

static void practice_prove_values(const char *path, const struct practice_scenario *s,
                                  const struct procedure *p, struct diag_list *diags)
{
    struct strbuf opts = STRBUF_INIT;
    size_t i, j, k;
    bool yes;

    for (i = 0; i < s->n_values; i++) {
        const struct practice_value *v = &s->values[i];
        const struct field *f = procedure_field_find(p, v->key, &k);
        if (!f) {
            diag_error(diags, path, v->line,
                       "「%s」不是这个事项的字段；case 块里可写 conditions、brought、expect、explain "
                       "和事项 form 里的字段名",
                       v->key);
        } else if (f->type == FIELD_CHOICE && *v->value && !field_has_option(f, v->value)) {
            opts.len = 0;
            for (j = 0; j < f->n_options; j++)
                if ((j && strbuf_putc(&opts, '/') != 0) || strbuf_puts(&opts, f->options[j]) != 0)
                    diags->oom = 1;
            diag_error(diags, path, v->line, "「%s」不是字段 %s（%s）的选项；可选：%s", v->value, f->key,
                       f->label, opts.data ? opts.data : "");
        } else if (f->type == FIELD_YESNO && *v->value &&
                   validate_yesno(v->value, strlen(v->value), &yes) != 0) {
            diag_error(diags, path, v->line, "字段 %s（%s）只能写 是 或 否", f->key, f->label);
        }
    }
    strbuf_free(&opts);
}

static void practice_prove_brought(const char *path, const struct practice_scenario *s,
                                   const struct practice_walk *w, struct diag_list *diags)
{
    const struct procedure *p = w->cs.model;
    char why[200];
    size_t i, k;

    for (i = 0; i < s->n_brought; i++) {
        const struct proc_item *it = procedure_item_find(p, s->brought[i], &k);
        if (!it) {
            diag_error(diags, path, s->brought_line, "brought 里的 %s 不是这个事项的清单项编号",
                       s->brought[i]);
        } else if (!cases_item_applies(&w->cs, k, it)) {
            practice_why_not(w, k, it->has_cond ? &it->cond : NULL, why, sizeof why);
            diag_error(diags, path, s->brought_line, "brought 里的 %s（%s）在这个场景里不需要：%s",
                       it->id, it->text, why);
        }
    }
}

static void practice_prove_expect(const char *path, const struct practice_scenario *s,
                                  const struct practice_walk *w, struct diag_list *diags)
{
    const struct practice_expect *e = &s->expect;
    const struct procedure *p = w->cs.model;
    int line = s->expect_line;
    char why[200];
    size_t i, k;

    switch (e->decision) {
    case PRACTICE_ACCEPT:
        for (i = 0; i < s->n_conditions; i++)
            if (!s->conditions[i])
                diag_error(diags, path, line,
                           "expect = accept,但第 %zu 条办理条件答的是「否」（应为 expect = refuse %zu）",
                           i + 1, i + 1);
        for (i = 0; i < w->n_fails; i++) {
            const struct practice_fail *f = &w->fails[i];
            const struct proc_item *it;
            /* a value outside a choice's options is reported at its own line */
            if (f->code && (strcmp(f->code, "not_an_option") == 0 || strcmp(f->code, "yesno") == 0))
                continue;
            if (f->code)
                diag_error(diags, path, line, "expect = accept,但字段 %s 过不了检查：%s", f->key,
                           f->message);
            else if ((it = procedure_item_find(p, f->key, &k)))
                diag_error(diags, path, line, "expect = accept,但没有带必需的材料 %s（%s）", it->id,
                           it->text);
        }
        break;
    case PRACTICE_RETURN:
        for (i = 0; i < e->n_flags; i++) {
            const struct field *f = procedure_field_find(p, e->flags[i], &k);
            const struct proc_item *it = f ? NULL : procedure_item_find(p, e->flags[i], &k);
            if (f && !cases_field_applies(&w->cs, k, f)) {
                practice_why_not(w, k, f->has_cond ? &f->cond : NULL, why, sizeof why);
                diag_error(diags, path, line, "退回的字段 %s（%s）在这个场景里不需要填写：%s", f->key,
                           f->label, why);
            } else if (it && !cases_item_applies(&w->cs, k, it)) {
                practice_why_not(w, k, it->has_cond ? &it->cond : NULL, why, sizeof why);
                diag_error(diags, path, line, "退回的材料 %s（%s）在这个场景里不需要：%s", it->id,
                           it->text, why);
            } else if (!f && !it) {
                diag_error(diags, path, line, "退回的 %s 既不是这个事项的字段名，也不是清单项编号",
                           e->flags[i]);
            }
        }
        break;
    case PRACTICE_REFUSE:
        if ((size_t)e->condition > p->n_conditions)
            diag_error(diags, path, line, "expect = refuse %d 超出范围：这个事项只有 %zu 条办理条件",
                       e->condition, p->n_conditions);
        else if ((size_t)e->condition <= s->n_conditions && s->conditions[e->condition - 1])
            diag_error(diags, path, line,
                       "expect = refuse %d,但第 %d 条办理条件答的是「是」；不予受理要指明答「否」的那一条",
                       e->condition, e->condition);
        break;
    }
}

int practice_prove(const char *path, const struct practice *pr, const struct procedure *p,
                   int today, struct diag_list *diags)
{
    size_t errors = diags->errors, i;

    if (p->kind == PROC_POLICY || p->n_steps == 0)
        return diag_error(diags, path, 1, "「%s」是政策文件，没有办理步骤，不能写练习题", p->title) < 0
                   ? -1 : 1;
    for (i = 0; i < pr->n_scenarios; i++) {
        const struct practice_scenario *s = &pr->scenarios[i];
        struct practice_walk w;

        practice_prove_values(path, s, p, diags);
        if (!s->has_conditions && p->n_conditions)
            diag_error(diags, path, s->case_line,
                       "case 块缺少 conditions:这个事项有 %zu 条办理条件，请按顺序写 是 或 否", p->n_conditions);
        else if (s->n_conditions != p->n_conditions)
            diag_error(diags, path, s->conditions_line,
                       "conditions 写了 %zu 个回答，这个事项有 %zu 条办理条件；请每条写一个 是 或 否",
                       s->n_conditions, p->n_conditions);
        if (practice_walk_run(s, p, today, &w) != 0)
            return -1;
        practice_prove_brought(path, s, &w, diags);
        practice_prove_expect(path, s, &w, diags);
        practice_walk_free(&w);
    }
    if (diags->oom)
        return -1;
    return diags->errors > errors ? 1 : 0;
}

/* ---- judging ------------------------------------------------------------- */

static bool practice_has_key(const char *const *v, size_t n, const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(v[i], key) == 0)
            return true;
    return false;
}

static bool practice_expect_has(const struct practice_expect *e, const char *key)
{
    size_t i;

    for (i = 0; i < e->n_flags; i++)
        if (strcmp(e->flags[i], key) == 0)
            return true;
    return false;
}

static bool practice_correct(const struct practice_scenario *s, const struct practice_answer *a)
{
    const struct practice_expect *e = &s->expect;
    size_t i;

    if (a->decision != e->decision)
        return false;
    switch (e->decision) {
    case PRACTICE_ACCEPT:
        return true;
    case PRACTICE_RETURN:
        for (i = 0; i < a->n_flags; i++)
            if (!practice_expect_has(e, a->flags[i]))
                return false;
        for (i = 0; i < e->n_flags; i++)
            if (!practice_has_key(a->flags, a->n_flags, e->flags[i]))
                return false;
        return true;
    case PRACTICE_REFUSE:
        return a->condition >= 1 && (size_t)a->condition <= s->n_conditions &&
               !s->conditions[a->condition - 1];
    }
    return false;
}

static int practice_note_add(struct practice_verdict *v, enum practice_note_kind kind,
                             const char *key, const char *code, int number, int step,
                             const char *text)
{
    struct practice_note *n = realloc(v->notes, (v->n_notes + 1) * sizeof *n);

    if (!n)
        return -1;
    v->notes = n;
    n = &n[v->n_notes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    snprintf(n->key, sizeof n->key, "%s", key ? key : "");
    n->code = code;
    n->number = number;
    n->step = step;
    if (!(n->text = strdup(text)))
        return -1;
    v->n_notes++;
    return 0;
}

/* Whether step j's guidance belongs in the explanation of s. */
static bool practice_step_relevant(const struct practice_scenario *s, const struct practice_walk *w,
                                   size_t j)
{
    const struct procedure *p = w->cs.model;
    size_t i, k;

    switch (s->expect.decision) {
    case PRACTICE_ACCEPT:
        return w->cs.applicable[j];
    case PRACTICE_RETURN:
        for (i = 0; i < s->expect.n_flags; i++)
            if ((procedure_field_find(p, s->expect.flags[i], &k) ||
                 procedure_item_find(p, s->expect.flags[i], &k)) && k == j)
                return true;
        return false;
    case PRACTICE_REFUSE:
        return false;
    }
    return false;
}

int practice_judge(const struct practice_scenario *s, const struct procedure *p, int today,
                   const struct practice_answer *a, struct practice_verdict *v)
{
    struct practice_walk w;
    size_t i, k;
    int rc = -1;

    memset(v, 0, sizeof *v);
    if (practice_walk_run(s, p, today, &w) != 0)
        return -1;
    v->correct = practice_correct(s, a);
    v->expected = &s->expect;
    if (s->explain && practice_note_add(v, PRACTICE_NOTE_EXPLAIN, NULL, NULL, 0, -1, s->explain) != 0)
        goto out;
    for (i = 0; i < s->n_conditions && i < p->n_conditions; i++)
        if (!s->conditions[i] &&
            practice_note_add(v, PRACTICE_NOTE_CONDITION, NULL, NULL, (int)i + 1, -1, p->conditions[i]) != 0)
            goto out;
    for (i = 0; i < w.n_fails; i++)
        if (w.fails[i].code &&
            practice_note_add(v, PRACTICE_NOTE_FIELD, w.fails[i].key, w.fails[i].code, 0,
                              (int)w.fails[i].step, w.fails[i].message) != 0)
            goto out;
    for (i = 0; i < w.n_fails; i++) {
        const struct proc_item *it;
        if (!w.fails[i].code && (it = procedure_item_find(p, w.fails[i].key, &k)) &&
            practice_note_add(v, PRACTICE_NOTE_ITEM, it->id, NULL, 0, (int)k, it->text) != 0)
            goto out;
    }
    for (i = 0; i < p->n_steps; i++)
        if (p->steps[i].staff_html && practice_step_relevant(s, &w, i) &&
            practice_note_add(v, PRACTICE_NOTE_STAFF, NULL, NULL, 0, (int)i, p->steps[i].staff_html) != 0)
            goto out;
    rc = 0;
out:
    practice_walk_free(&w);
    if (rc != 0)
        practice_verdict_free(v);
    return rc;
}

void practice_verdict_free(struct practice_verdict *v)
{
    size_t i;

    for (i = 0; i < v->n_notes; i++)
        free(v->notes[i].text);
    free(v->notes);
    memset(v, 0, sizeof *v);
}

/* ---- the stored file ----------------------------------------------------- */

static const char sql_practice_good[] =
    "SELECT path, good_source, good_procedure_hash, good_hash FROM practice_files"
    " WHERE procedure_id = ?1 AND good_source IS NOT NULL ORDER BY path LIMIT 1";
static const char sql_practice_list[] =
    "SELECT procedure_id, max(good_scenarios) FROM practice_files"
    " WHERE procedure_id <> '' AND good_source IS NOT NULL GROUP BY procedure_id ORDER BY procedure_id";

int practice_list(struct db *db, practice_list_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(db, sql_practice_list);
    int r = SQLITE_ERROR;

    if (!st)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_int(st, 1)) != 0)
            break;
    sqlite3_reset(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -1;
}

int practice_load(struct db *db, const char *id, struct practice **out,
                  const struct procedure **model, struct model_ref **ref)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    sqlite3_stmt *st;
    char *path = NULL, *text = NULL, *hash = NULL, good[65] = "";
    size_t len = 0;
    int r, rc = -1;

    *out = NULL;
    *model = NULL;
    *ref = NULL;
    if (!(st = db_stmt(db, sql_practice_good)))
        return -1;
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_reset(st);
        return -1;
    }
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 1);
        len = (size_t)sqlite3_column_bytes(st, 1);
        path = strdup((const char *)sqlite3_column_text(st, 0));
        text = t ? malloc(len + 1) : NULL;
        if (text)
            memcpy(text, t, len + 1);
        hash = strdup((const char *)sqlite3_column_text(st, 2));
        snprintf(good, sizeof good, "%s", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_reset(st);
    if (r == SQLITE_DONE)
        return 1;
    if (r != SQLITE_ROW || !path || !text || !hash)
        goto out;
    if (!(*model = models_get(db, id, hash, ref)))
        goto out;
    /* stored only after it parsed: a failure here is memory or a newer
     * parser refusing what an older one took */
    if (practice_parse(path, text, len, out, &quiet) != 0) {
        fprintf(stderr, "spkiosk: practice: the stored scenarios of %s no longer parse\n", id);
        goto out;
    }
    memcpy((*out)->hash, good, sizeof good);
    rc = 0;
out:
    if (rc != 0) {
        models_release(*ref);
        *ref = NULL;
        *model = NULL;
    }
    diag_list_free(&quiet);
    free(path);
    free(text);
    free(hash);
    return rc;
}
