/* posts: `_posts.md` read into (id, name) pairs through the list-of-entries
 * reader the calendar also uses. */
#include "posts.h"

#include <stdlib.h>
#include <string.h>

#include "mdtext.h"
#include "utf8.h"

bool posts_id_valid(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > POSTS_ID_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
              s[i] == '-'))
            return false;
    return true;
}

const struct post *posts_find(const struct posts *ps, const char *id)
{
    size_t i;

    for (i = 0; ps && i < ps->n; i++)
        if (strcmp(ps->v[i].id, id) == 0)
            return &ps->v[i];
    return NULL;
}

struct postctx {
    const char *path;
    struct diag_list *diags;
    struct posts *ps;
    size_t seen;
};

/* A line whose id is not one: what it should be, from the line itself
 * when it can be read (「- street：街道审核岗」, 「- Street 街道」, 「- 民政
 * 民政专干」), rather than the sample of window that left the admin to find
 * what differs. idn: the length of the first word. */
static void posts_shape_error(struct postctx *c, int line, const char *text, size_t idn)
{
    static const char colon[] = "：";
    char low[POSTS_ID_MAX + 1];
    const char *cut = memchr(text, ':', idn), *wide = NULL, *rest;
    size_t k, n, i;
    bool ascii = true;

    for (k = 0; k + sizeof colon - 1 <= idn && !wide; k++)
        if (memcmp(text + k, colon, sizeof colon - 1) == 0)
            wide = text + k;
    if (wide && (!cut || wide < cut))
        cut = wide;
    if (cut && posts_id_valid(text, (size_t)(cut - text))) {
        /* 编号：名称, the front matter's habit */
        rest = cut + (cut == wide ? sizeof colon - 1 : 1);
        n = strlen(rest);
        rest = utf8_trim(rest, &n);
        diag_error(c->diags, c->path, line,
                   "编号和名称之间用一个空格隔开，不用冒号：这一行应写成「- %.*s %.*s」",
                   (int)(cut - text), text, (int)n, n ? rest : "岗位名称");
        return;
    }
    for (i = 0; i < idn; i++)
        ascii &= (unsigned char)text[i] < 0x80;
    if (ascii && idn <= POSTS_ID_MAX) {
        for (i = 0; i < idn; i++)
            low[i] = text[i] >= 'A' && text[i] <= 'Z' ? (char)(text[i] - 'A' + 'a') : text[i];
        if (posts_id_valid(low, idn)) {
            n = strlen(text) - idn;
            rest = utf8_trim(text + idn, &n);
            diag_error(c->diags, c->path, line,
                       "岗位编号只用小写英文字母：这一行应写成「- %.*s %.*s」", (int)idn, low, (int)n,
                       n ? rest : "岗位名称");
            return;
        }
    }
    if (!ascii && !memmem(text, idn, "\xE3\x80\x80", 3)) {
        n = strlen(text) - idn;
        rest = utf8_trim(text + idn, &n);
        diag_error(c->diags, c->path, line,
                   "岗位编号要用英文：小写英文字母开头，可用数字、_ 和 -，如 civil；「%.*s」不能作编号。"
                   "中文名称写在编号后面，如「- civil %.*s」",
                   (int)idn, text, (int)(n ? n : idn), n ? rest : text);
        return;
    }
    /* a Chinese input method's full-width space looks like the space
     * the message asks for: say which one it is */
    diag_error(c->diags, c->path, line,
               "%s这一行应写成「- window 综合窗口（A岗）」：岗位编号（小写英文字母开头，可用数字、_ 和 -，最长 %d 个字符）、空格、岗位名称",
               memmem(text, idn, "\xE3\x80\x80", 3) ? "编号后面的空格是全角的（　），请切换到英文输入法再打一个空格。" : "",
               POSTS_ID_MAX);
}

static int posts_item(void *ctx, const char *text, int line)
{
    struct postctx *c = ctx;
    const struct post *first;
    struct post *p;
    const char *name;
    size_t idn = strcspn(text, " \t"), n;
    const char *nbsp = strstr(text, "\xC2\xA0");

    /* a no-break space (a line copied from a web page or Word) shows as
     * the space the format asks for, and is read as one */
    if (nbsp && (size_t)(nbsp - text) < idn)
        idn = (size_t)(nbsp - text);

    if (++c->seen > POSTS_MAX) {
        if (c->seen == POSTS_MAX + 1)
            diag_error(c->diags, c->path, line, "岗位太多，最多 %d 个", POSTS_MAX);
        return c->diags->oom ? -1 : 0;
    }
    n = strlen(text) - idn;
    name = utf8_trim(text + idn, &n);
    if (!posts_id_valid(text, idn)) {
        posts_shape_error(c, line, text, idn);
        return c->diags->oom ? -1 : 0;
    }
    if (n == 0 || n > POSTS_NAME_MAX) {
        diag_error(c->diags, c->path, line, n ? "岗位名称太长，最多 %d 字节" : "岗位 %.*s 缺少名称：编号后面空一格写岗位名称",
                   n ? POSTS_NAME_MAX : (int)idn, text);
        return c->diags->oom ? -1 : 0;
    }
    if (!(p = realloc(c->ps->v, (c->ps->n + 1) * sizeof *p)))
        return -1;
    c->ps->v = p;
    p = &c->ps->v[c->ps->n];
    memset(p, 0, sizeof *p);
    memcpy(p->id, text, idn);
    p->line = line;
    if ((first = posts_find(c->ps, p->id))) {
        diag_error(c->diags, c->path, line, "岗位编号 %s 重复了（第 %d 行已经用过）", p->id, first->line);
        return c->diags->oom ? -1 : 0;
    }
    if (!(p->name = strndup(name, n)))
        return -1;
    c->ps->n++;
    return 0;
}

int posts_parse(const char *path, const char *text, size_t len, struct posts **out,
                struct diag_list *diags)
{
    struct postctx c;
    size_t errors0 = diags->errors;
    int r;

    *out = NULL;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.diags = diags;
    if (!(c.ps = calloc(1, sizeof *c.ps)))
        return -1;
    r = mdtext_list_items(path, "岗位文件", text, len, POSTS_FILE_MAX, posts_item, NULL, &c, diags);
    if (r < 0 || diags->oom) {
        posts_free(c.ps);
        return -1;
    }
    if (r == 0 && c.seen == 0)
        diag_error(diags, path, 1, "岗位文件里没有岗位：每个岗位写一行「- 编号 名称」，如「- window 综合窗口（A岗）」");
    *out = c.ps;
    return diags->oom ? -1 : diags->errors > errors0 ? 1 : 0;
}

void posts_free(struct posts *ps)
{
    size_t i;

    if (!ps)
        return;
    for (i = 0; i < ps->n; i++)
        free(ps->v[i].name);
    free(ps->v);
    free(ps);
}
