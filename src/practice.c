/* practice: reads `ID.practice.md` through libcmark's AST into scenarios
 * (syntax only, every problem with its line). Proving them against the
 * procedure and judging answers is practice_proof's job, reading the
 * stored file back practice_play's, so this reader links on its own (the
 * fuzz harness).
 */
#include "practice.h"

#include <cmark.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdlimit.h"
#include "mdtext.h"
#include "strbuf.h"
#include "utf8.h"

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
    size_t errors_at;               /* diags->errors when cur was opened */
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
            /* one blank line after a block: an item's paragraph (or a code
             * block's last line) has ended it in part or whole already */
            size_t nl = 0;
            while (nl < 2 && nl < sb->len && sb->data[sb->len - 1 - nl] == '\n')
                nl++;
            rc = strbuf_append(sb, "\n\n", 2 - nl);
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
    if (!(s->text = practice_trim_dup(c->text.data ? c->text.data : "", n)) ||
        !(s->html = strdup(c->html.data ? c->html.data : "")))
        c->oom = 1;
    /* the text as told: not the blank line practice_plain ends a block with */
    else if (strlen(s->text) > PRACTICE_TEXT_MAX)
        diag_error(c->diags, c->path, s->line, "场景「%s」的说明太长（超过 %d 字节），请精简", s->title,
                   PRACTICE_TEXT_MAX);
    strbuf_free(&c->text);
    strbuf_free(&c->html);
    if (!s->case_line)
        diag_error(c->diags, c->path, s->line,
                   "场景「%s」缺少 ```case 块：写明居民的回答、带来的材料、填写的内容和 expect", s->title);
    else if (!s->expect_line)
        diag_error(c->diags, c->path, s->case_line,
                   "case 块缺少 expect：写 expect = accept（受理）、expect = return 字段或材料编号（退回补正）"
                   "或 expect = refuse 条件序号（不予受理）");
    s->bad = c->diags->errors > c->errors_at;
}

static void practice_open(struct practice_pctx *c, cmark_node *h)
{
    struct practice *pr = c->pr;
    struct practice_scenario *s;
    int line = cmark_node_get_start_line(h);

    practice_close(c);
    c->errors_at = c->diags->errors;
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

/* Whether tok[0..n) holds a byte outside ASCII (Chinese, a full-width
 * letter). */
static bool practice_has_non_ascii(const char *tok, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)tok[i] >= 0x80)
            return true;
    return false;
}

/* An id of brought or of a return's flags into *list. */
static int practice_tok_key(struct practice_line *l, const char *tok, size_t n, practice_key **list,
                            size_t *count, const char *what)
{
    practice_key *v;

    if (!practice_id_valid(tok, n) && practice_has_non_ascii(tok, n))
        /* the paper's name as the resident would say it (身份证): the id is
         * the {#…} at the end of its line in the procedure file */
        return diag_error(l->c->diags, l->c->path, l->line,
                          "%s里要写编号（小写英文字母、数字和 _），不是名称或中文：「%.*s」不是编号。清单项的编号写在"
                          "事项文件里那一项的末尾，如「- [ ] 本人居民身份证 {#id_card}」的编号是 id_card；"
                          "字段的编号是 form 里那一行的第一栏",
                          what, (int)n, tok) < 0 ? -1 : 1;
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
    size_t kn, vn, tn;
    int r = 0;

    if (!eq) {
        diag_error(c->diags, c->path, line,
                   memmem(ln, n, "\xEF\xBC\x9D", 3) /* ＝ */
                       ? "这一行用了全角的「＝」：请切换到英文输入法再打 =，如 expect = accept"
                   /* a colon, as in the procedure's front matter */
                   : memmem(ln, n, "\xEF\xBC\x9A", 3) || memchr(ln, ':', n)
                       ? "这一行用了冒号：练习题 case 块里名称和内容之间要用英文等号 =（不是冒号），如 expect = accept"
                       : "这一行应写成「名称 = 内容」，如 expect = accept");
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
    tn = vn;
    utf8_trim(eq + 1, &tn); /* the value as kept: not the space after = */
    if (tn > PRACTICE_VALUE_MAX) {
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

/* Feeds one length-prefixed string to h: no two different sequences of
 * strings feed the same bytes. 0, or non-zero on a libsodium failure. */
static int practice_key_put(crypto_generichash_state *h, const char *s)
{
    char len[24];

    snprintf(len, sizeof len, "%zu:", strlen(s));
    /* in this order: the operands of | are evaluated in no set order, and
     * the digest is stored with every pass */
    if (crypto_generichash_update(h, (const unsigned char *)len, strlen(len)) != 0)
        return -1;
    return crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

/* The digest of what scenario s is judged on, in hex. 0 or -1. */
static int practice_key_base(const struct practice_scenario *s, char out[PRACTICE_KEY_LEN + 1])
{
    const struct practice_expect *x = &s->expect;
    unsigned char d[PRACTICE_KEY_LEN / 2];
    crypto_generichash_state h;
    char num[24];
    size_t j;
    int r = 0;

    if (crypto_generichash_init(&h, NULL, 0, sizeof d) != 0)
        return -1;
    r |= practice_key_put(&h, s->has_conditions ? "conditions" : "");
    for (j = 0; j < s->n_conditions; j++)
        r |= practice_key_put(&h, s->conditions[j] ? "1" : "0");
    r |= practice_key_put(&h, "brought");
    for (j = 0; j < s->n_brought; j++)
        r |= practice_key_put(&h, s->brought[j]);
    r |= practice_key_put(&h, "values");
    for (j = 0; j < s->n_values; j++)
        r |= practice_key_put(&h, s->values[j].key) || practice_key_put(&h, s->values[j].value);
    r |= practice_key_put(&h, s->has_expect ? practice_decision_name(x->decision) : "");
    for (j = 0; j < x->n_flags; j++)
        r |= practice_key_put(&h, x->flags[j]);
    snprintf(num, sizeof num, "%d", x->condition);
    r |= practice_key_put(&h, num);
    if (r != 0 || crypto_generichash_final(&h, d, sizeof d) != 0)
        return -1;
    sodium_bin2hex(out, PRACTICE_KEY_LEN + 1, d, sizeof d);
    return 0;
}

/* Sets each scenario's key (practice.h): a trainee's pass is held to it,
 * so only a change of the judged case asks for that scenario again. The
 * n-th twin of an earlier scenario (judged the same) hashes its base with
 * n, so that every key of a file is its own. 0 or -1. */
static int practice_keys_set(struct practice *pr)
{
    unsigned char d[PRACTICE_KEY_LEN / 2];
    char num[32];
    size_t i, j, twin;

    for (i = 0; i < pr->n_scenarios; i++)
        if (practice_key_base(&pr->scenarios[i], pr->scenarios[i].key) != 0)
            return -1;
    /* from the last, so that the earlier bases are still there to count */
    for (i = pr->n_scenarios; i-- > 1;) {
        struct practice_scenario *s = &pr->scenarios[i];
        crypto_generichash_state h;
        for (j = 0, twin = 0; j < i; j++)
            twin += strcmp(pr->scenarios[j].key, s->key) == 0;
        if (twin == 0)
            continue;
        snprintf(num, sizeof num, "twin %zu", twin);
        if (crypto_generichash_init(&h, NULL, 0, sizeof d) != 0 ||
            (practice_key_put(&h, s->key) | practice_key_put(&h, num)) != 0 ||
            crypto_generichash_final(&h, d, sizeof d) != 0)
            return -1;
        sodium_bin2hex(s->key, sizeof s->key, d, sizeof d);
    }
    return 0;
}

static int practice_parse_in(const char *path, const char *text, size_t len, bool keep,
                             struct practice **out, struct diag_list *diags)
{
    struct practice_pctx c;
    cmark_node *doc = NULL, *n;
    size_t errors = diags->errors;
    const char *bad;
    int rc = -1, r, bad_line;

    *out = NULL;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.diags = diags;
    if (len > PRACTICE_FILE_MAX)
        return diag_error(diags, path, 1, "练习文件太大（超过 %zu KiB），没有读取；请拆成几个场景少一些的文件",
                          PRACTICE_FILE_MAX >> 10) < 0 ? -1 : 1;
    if ((bad = utf8_file_error(text, len, &bad_line)))
        return diag_error(diags, path, bad_line, "%s", bad) < 0 ? -1 : 1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (!(c.pr = calloc(1, sizeof *c.pr)))
        goto out;
    if (!(doc = mdlimit_parse(text, len, path, 0, diags, &r))) {
        rc = r;
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
            int under = mdtext_setext_line(text, len, cmark_node_get_start_line(n),
                                           cmark_node_get_end_line(n));
            if (under && cmark_node_get_start_line(n) == 2 && len >= 3 && memcmp(text, "---", 3) == 0)
                /* `---` / `version: …` / `---` copied from the procedure:
                 * a rule and a heading here, the scenario named after it */
                diag_error(diags, path, 1,
                           "练习文件开头不写 --- 信息块（version 等只写在事项文件里）："
                           "请删掉开头两行 --- 和它们之间的内容");
            else if (under)
                diag_warn(diags, path, under,
                          "这一行的 --- 紧接在上一行文字下面，Markdown 会把上面的文字当成 ## 标题，"
                          "它成了一个新的场景：想画分隔线，请在 --- 上面空一行");
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
    rc = diags->errors > errors ? 1 : 0;
    if ((rc == 0 || keep) && practice_keys_set(c.pr) != 0) {
        rc = -1;
        goto out;
    }
    if (rc == 0 || keep) {
        *out = c.pr;
        c.pr = NULL;
    }
out:
    strbuf_free(&c.text);
    strbuf_free(&c.html);
    practice_free(c.pr);
    if (doc)
        cmark_node_free(doc);
    return rc;
}

int practice_warn_untold(const char *path, const struct practice *pr, struct diag_list *diags)
{
    size_t i;

    for (i = 0; i < pr->n_scenarios; i++) {
        const struct practice_scenario *s = &pr->scenarios[i];
        /* the text is what the trainee reads before deciding: the resident,
         * what they say, what the originals show */
        if (s->text && !*s->text &&
            diag_warn(diags, path, s->line,
                      "场景「%s」下面没有情况说明：练习时学员只看到标题和办件内容，不知道来的是谁、"
                      "说了什么、原件上写的是什么。请在 ## 标题和 ```case 块之间写一两段情况说明",
                      s->title ? s->title : "") != 0)
            return -1;
        /* without a case block the scenario is an error already */
        if (s->case_line && !s->explain &&
            diag_warn(diags, path, s->line,
                      "场景「%s」%s：学员答完以后只看到正确的处理和系统的检查结果，"
                      "看不到为什么这样处理。请在 case 块里%s explain = 为什么这样处理",
                      s->title ? s->title : "", s->explain_line ? "的 explain 是空的" : "没有写 explain",
                      s->explain_line ? "写上" : "加一行") != 0)
            return -1;
    }
    return 0;
}

char *practice_keys_join(const struct practice *pr)
{
    char *s = malloc(pr->n_scenarios * (PRACTICE_KEY_LEN + 1) + 1);
    size_t i;

    if (!s)
        return NULL;
    s[0] = '\0';
    for (i = 0; i < pr->n_scenarios; i++) {
        char *at = s + i * (PRACTICE_KEY_LEN + 1);
        memcpy(at, pr->scenarios[i].key, PRACTICE_KEY_LEN);
        at[PRACTICE_KEY_LEN] = i + 1 < pr->n_scenarios ? ' ' : '\0';
    }
    return s;
}

int practice_parse(const char *path, const char *text, size_t len, struct practice **out,
                   struct diag_list *diags)
{
    return practice_parse_in(path, text, len, false, out, diags);
}

int practice_parse_partial(const char *path, const char *text, size_t len, struct practice **out,
                           struct diag_list *diags)
{
    return practice_parse_in(path, text, len, true, out, diags);
}
