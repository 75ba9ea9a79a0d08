/* directory: reads `_directory.md` through cmark's AST into offices, each a
 * name, an id and the lines of its card. Everything a resident would be told
 * goes through the same plain-text path as the triage file's (no raw HTML,
 * markers stripped), and every count and length is bounded here, where the
 * file enters. */
#include "directory.h"

#include <cjson/cJSON.h>
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "marker.h"
#include "mdlimit.h"
#include "mdtext.h"
#include "pinyin.h"
#include "procedure.h"
#include "strbuf.h"
#include "utf8.h"

struct dctx {
    const char *path;
    struct diag_list *diags;
    int line_off;
    struct directory *d;
    int oom;
};

static int dctx_line(const struct dctx *c, cmark_node *n)
{
    return cmark_node_get_start_line(n) + c->line_off;
}

const struct office *directory_find(const struct directory *d, const char *id)
{
    size_t i;

    for (i = 0; d && i < d->n; i++)
        if (strcmp(d->offices[i].id, id) == 0)
            return &d->offices[i];
    return NULL;
}

static void dctx_office(struct dctx *c, cmark_node *h)
{
    struct directory *d = c->d;
    struct office *o;
    char *raw, *anchor;
    size_t n;
    int line = dctx_line(c, h);

    if (d->n >= DIRECTORY_MAX_OFFICES) {
        if (d->n == DIRECTORY_MAX_OFFICES)
            diag_error(c->diags, c->path, line, "办事地点太多，最多 %d 个", DIRECTORY_MAX_OFFICES);
        d->n++; /* counted so that the error is given once; never indexed */
        return;
    }
    size_t errors0 = c->diags->errors;

    if (mdtext_heading(c->path, line, h, &raw, &n, &anchor, c->diags) != 0) {
        c->oom = 1;
        return;
    }
    if (!(o = realloc(d->offices, (d->n + 1) * sizeof *o))) {
        free(raw);
        free(anchor);
        c->oom = 1;
        return;
    }
    d->offices = o;
    o = &d->offices[d->n++];
    memset(o, 0, sizeof *o);
    o->name = raw;
    o->line = line;
    o->id = anchor ? anchor : strdup("");
    if (!o->id) {
        c->oom = 1;
        return;
    }
    if (!*raw)
        diag_error(c->diags, c->path, line, "办事地点的名称不能是空的");
    else if (n > DIRECTORY_MAX_LINE)
        diag_error(c->diags, c->path, line, "办事地点的名称太长，最多 %d 字节", DIRECTORY_MAX_LINE);
    if (!*o->id) {
        /* a {＃id} typed full-width was told as such by mdtext_heading:
         * 「没有编号」 on top of it sent the admin to add a second one */
        if (c->diags->errors == errors0)
            diag_error(c->diags, c->path, line,
                       "办事地点「%s」没有编号：请在标题末尾加上 {#编号}，如 {#paichusuo}", raw);
    } else if (!directory_id_valid(o->id, strlen(o->id))) {
        char low[DIRECTORY_ID_MAX + 1];
        size_t i, k = strlen(o->id);
        bool lower = k <= DIRECTORY_ID_MAX;
        for (i = 0; lower && i < k; i++)
            low[i] = o->id[i] >= 'A' && o->id[i] <= 'Z' ? (char)(o->id[i] - 'A' + 'a') : o->id[i];
        if (lower)
            low[k] = '\0';
        if (lower && directory_id_valid(low, k))
            diag_error(c->diags, c->path, line, "编号「%s」无效：只能用小写英文字母，应写成 {#%s}", o->id, low);
        else
            diag_error(c->diags, c->path, line,
                       "编号「%s」无效：只能用小写英文字母、数字、- 和 _，以字母或数字开头，最长 64 个字符",
                       o->id);
    }
    else if (directory_find(d, o->id) != o)
        /* with the line of the first, as a repeated post or field is told */
        diag_error(c->diags, c->path, line,
                   "办事地点编号 %s 重复了（第 %d 行已经用过）：每个办事地点的编号要不一样，请给这个换一个",
                   o->id, directory_find(d, o->id)->line);
}

/* "关键词:" (either colon) at the start of a line: returns what follows,
 * or NULL when the line is an ordinary one. */
static const char *directory_keyword_rest(const char *s)
{
    static const char key[] = "关键词";

    if (strncmp(s, key, sizeof key - 1) != 0)
        return NULL;
    s += sizeof key - 1;
    if (*s == ':')
        return s + 1;
    if (strncmp(s, "\xEF\xBC\x9A", 3) == 0) /* ':' */
        return s + 3;
    return NULL;
}

static int directory_push(char ***v, size_t *n, const char *s, size_t len)
{
    char **nv = realloc(*v, (*n + 1) * sizeof **v);

    if (!nv)
        return -1;
    *v = nv;
    if (!(nv[*n] = strndup(s, len)))
        return -1;
    (*n)++;
    return 0;
}

/* Splits a keyword line on 、,,;; and white space. */
static void dctx_keywords(struct dctx *c, struct office *o, const char *s, int line)
{
    static const char *const seps[] = {"\xE3\x80\x81", "\xEF\xBC\x8C", "\xEF\xBC\x9B", ",", ";",
                                       " ", "\t", "\xE3\x80\x80"};
    size_t n = strlen(s), i = 0, start = 0, k, w;

    while (i <= n && !c->oom) {
        size_t sep = 0;
        for (k = 0; k < sizeof seps / sizeof seps[0] && i < n; k++)
            if (strncmp(s + i, seps[k], strlen(seps[k])) == 0)
                sep = strlen(seps[k]);
        if (i < n && !sep) {
            i++;
            continue;
        }
        w = i - start;
        if (w) {
            if (o->n_keywords >= DIRECTORY_MAX_KEYWORDS) {
                diag_error(c->diags, c->path, line, "一个办事地点最多 %d 个关键词",
                           DIRECTORY_MAX_KEYWORDS);
                return;
            }
            if (directory_push(&o->keywords, &o->n_keywords, s + start, w) != 0)
                c->oom = 1;
        }
        i += sep ? sep : 1;
        start = i;
    }
}

/* Each item of list, and of the lists nested in its items, is one line of
 * the card: an indented `  - 分机 2` under 电话 was run on into it
 * (「电话: 0535-1234567分机 2」). Depth is bounded by mdlimit. */
static bool dctx_lines(struct dctx *c, cmark_node *list)
{
    struct office *o = &c->d->offices[c->d->n - 1];
    cmark_node *item, *sub;

    for (item = cmark_node_first_child(list); item && !c->oom; item = cmark_node_next(item)) {
        int line = dctx_line(c, item);
        char *text = mdtext_item_text(item, NULL);
        const char *kw;

        if (!text) {
            c->oom = 1;
            return false;
        }
        if (o->n_lines + (o->n_keywords ? 1 : 0) >= DIRECTORY_MAX_LINES) {
            diag_error(c->diags, c->path, line, "一个办事地点最多 %d 行", DIRECTORY_MAX_LINES);
            free(text);
            return false;
        }
        if (!*text)
            diag_error(c->diags, c->path, line, "这一行是空的");
        else if (strlen(text) > DIRECTORY_MAX_LINE)
            diag_error(c->diags, c->path, line, "这一行太长，最多 %d 字节", DIRECTORY_MAX_LINE);
        else if ((kw = directory_keyword_rest(text)))
            dctx_keywords(c, o, kw, line);
        else if (directory_push(&o->lines, &o->n_lines, text, strlen(text)) != 0)
            c->oom = 1;
        free(text);
        for (sub = cmark_node_first_child(item); sub && !c->oom; sub = cmark_node_next(sub))
            if (cmark_node_get_type(sub) == CMARK_NODE_LIST && !dctx_lines(c, sub))
                return false;
    }
    return !c->oom;
}

int directory_parse(const char *path, const char *text, size_t len, struct directory **out,
                    struct diag_list *diags)
{
    struct dctx c;
    struct frontmatter fm;
    cmark_node *doc = NULL, *n;
    size_t errors0 = diags->errors, i;
    const char *bad;
    int rc = -1, r, bad_line;

    *out = NULL;
    memset(&c, 0, sizeof c);
    memset(&fm, 0, sizeof fm);
    if (len > DIRECTORY_FILE_MAX) {
        diag_error(diags, path, 1, "办事地点文件太大（超过 %d KiB），没有读取", DIRECTORY_FILE_MAX / 1024);
        return diags->oom ? -1 : 1;
    }
    if ((bad = utf8_file_error(text, len, &bad_line))) {
        diag_error(diags, path, bad_line, "%s", bad);
        return diags->oom ? -1 : 1;
    }
    if (frontmatter_parse(path, text, len, &fm, diags) < 0)
        goto out;
    for (i = 0; i < fm.n; i++)
        diag_warn(diags, path, fm.items[i].line, "办事地点文件不使用「%s」，会被忽略", fm.items[i].key);
    c.path = path;
    c.diags = diags;
    c.line_off = fm.body_line;
    if (!(c.d = calloc(1, sizeof *c.d)))
        goto out;
    if (!(doc = mdlimit_parse(text + fm.body_offset, len - fm.body_offset, path, c.line_off,
                              diags, &r))) {
        rc = r;
        goto out;
    }
    for (n = cmark_node_first_child(doc); n && !c.oom; n = cmark_node_next(n)) {
        cmark_node_type t = cmark_node_get_type(n);
        bool in_office = c.d->n > 0 && c.d->n <= DIRECTORY_MAX_OFFICES;
        if (t == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 2) {
            int under = mdtext_setext_line(text, len, dctx_line(&c, n),
                                           cmark_node_get_end_line(n) + c.line_off);
            if (under)
                diag_warn(diags, path, under,
                          "这一行的 --- 紧接在上一行文字下面，Markdown 会把上面的文字当成 ## 标题，"
                          "它成了一个办事地点：想画分隔线，请在 --- 上面空一行");
            dctx_office(&c, n);
        }
        else if (t == CMARK_NODE_LIST && in_office)
            dctx_lines(&c, n);
        else if (t == CMARK_NODE_LIST && c.d->n == 0)
            diag_error(diags, path, dctx_line(&c, n),
                       "这个列表不属于任何办事地点：请先写 ## 办事地点名称 {#编号}");
        else if (in_office && t == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) > 2)
            /* A ### under an office reads as part of its card, and is not on
             * it; a # is the file's title or a group of offices, not text
             * of the card, so it passes quietly as a --- does. */
            diag_warn(diags, path, dctx_line(&c, n),
                      "这个小标题不会显示在办事地点的卡片上；请写成 - 开头的一行");
        else if (in_office && t != CMARK_NODE_HEADING && t != CMARK_NODE_THEMATIC_BREAK)
            diag_warn(diags, path, dctx_line(&c, n),
                      "这段文字不会显示在办事地点的卡片上；请写成 - 开头的一行");
    }
    if (c.oom)
        goto out;
    if (c.d->n == 0)
        diag_error(diags, path, 1, "办事地点文件里没有办事地点：每个办事地点是一个 ## 标题，末尾加 {#编号}");
    for (i = 0; i < c.d->n && i < DIRECTORY_MAX_OFFICES; i++)
        if (c.d->offices[i].n_lines == 0)
            diag_error(diags, path, c.d->offices[i].line,
                       "办事地点「%s」下面没有内容：请用 - 列出 地址：、电话：、时间: 等",
                       c.d->offices[i].name);
    if (diags->oom)
        goto out;
    *out = c.d;
    c.d = NULL;
    rc = diags->errors > errors0 ? 1 : 0;
out:
    if (doc)
        cmark_node_free(doc);
    frontmatter_free(&fm);
    directory_free(c.d);
    return rc;
}

bool directory_id_valid(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > DIRECTORY_ID_MAX || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return false;
    for (i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_'))
            return false;
    return true;
}

int directory_link(const char *url, int from_category, char *id, size_t idlen, int *bad)
{
    static const char file[] = DIRECTORY_FILE "#";
    const char *p = url;
    size_t n;

    *bad = 0;
    if (!url)
        return 0;
    if (strncmp(p, "./", 2) == 0)
        p += 2;
    else if (from_category && strncmp(p, "../", 3) == 0)
        p += 3;
    if (strncmp(p, file, sizeof file - 1) != 0)
        return 0;
    p += sizeof file - 1;
    n = strlen(p);
    if (n >= idlen || !directory_id_valid(p, n)) {
        *bad = 1;
        return 0;
    }
    memcpy(id, p, n + 1);
    return 1;
}

static cJSON *directory_strings(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;

    for (i = 0; a && i < n; i++) {
        cJSON *s = cJSON_CreateString(v[i]);
        if (!s || !cJSON_AddItemToArray(a, s)) {
            cJSON_Delete(s);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

/* The office's name and keywords spelled in pinyin, full and initials
 * ("paichusuo", "pcs"), for the kiosk's search by pinyin. */
static cJSON *directory_pinyin(const struct office *o)
{
    cJSON *a = cJSON_CreateArray();
    struct strbuf full = STRBUF_INIT, ini = STRBUF_INIT;
    size_t i;
    int ok = a != NULL;

    for (i = 0; ok && i <= o->n_keywords; i++) {
        const char *w = i == 0 ? o->name : o->keywords[i - 1];
        strbuf_free(&full);
        strbuf_free(&ini);
        if (pinyin_spell(w, strlen(w), &full, &ini) != 0) {
            ok = 0;
            break;
        }
        /* a word without an ideograph spells as itself: nothing to add */
        if (full.len == 0 || strcmp(full.data, w) == 0)
            continue;
        ok = cJSON_AddItemToArray(a, cJSON_CreateString(full.data)) &&
             cJSON_AddItemToArray(a, cJSON_CreateString(ini.data));
    }
    strbuf_free(&full);
    strbuf_free(&ini);
    if (!ok) {
        cJSON_Delete(a);
        return NULL;
    }
    return a;
}

char *directory_render(const struct directory *d)
{
    cJSON *root = cJSON_CreateObject(), *offs;
    char *s = NULL;
    size_t i;

    if (!root)
        return NULL;
    if (!(offs = cJSON_AddArrayToObject(root, "offices")))
        goto out;
    for (i = 0; d && i < d->n; i++) {
        const struct office *o = &d->offices[i];
        cJSON *oo = cJSON_CreateObject(), *lines, *kws;
        if (!oo || !cJSON_AddItemToArray(offs, oo)) {
            cJSON_Delete(oo);
            goto out;
        }
        if (!cJSON_AddStringToObject(oo, "id", o->id) ||
            !cJSON_AddStringToObject(oo, "name", o->name))
            goto out;
        lines = directory_strings(o->lines, o->n_lines);
        if (!lines || !cJSON_AddItemToObject(oo, "lines", lines)) {
            cJSON_Delete(lines);
            goto out;
        }
        kws = directory_strings(o->keywords, o->n_keywords);
        if (!kws || !cJSON_AddItemToObject(oo, "keywords", kws)) {
            cJSON_Delete(kws);
            goto out;
        }
        kws = directory_pinyin(o);
        if (!kws || !cJSON_AddItemToObject(oo, "pinyin", kws)) {
            cJSON_Delete(kws);
            goto out;
        }
    }
    s = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return s;
}

static void directory_strv_free(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void directory_free(struct directory *d)
{
    size_t i;

    if (!d)
        return;
    for (i = 0; i < d->n && i < DIRECTORY_MAX_OFFICES; i++) {
        free(d->offices[i].id);
        free(d->offices[i].name);
        directory_strv_free(d->offices[i].lines, d->offices[i].n_lines);
        directory_strv_free(d->offices[i].keywords, d->offices[i].n_keywords);
    }
    free(d->offices);
    free(d);
}
