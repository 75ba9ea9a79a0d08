/* procedure: builds the model of one procedure file from libcmark's AST.
 *
 * The document's top-level blocks are walked in order: the H1 is the title,
 * blocks before the first H2 the summary, and each H2 opens an information
 * section (reserved names) or a step. Inside a step, `[ ] ` list items and
 * `form` code blocks become structured data and are taken out of the HTML,
 * and a block quote whose first line ends with `{staff}` goes to the step's
 * staff_html, which only the window sees (never the public JSON, the print
 * sheet or the search text); everything else is rendered by cmark with raw
 * HTML suppressed. Line
 * numbers come from block start lines, shifted by the front matter.
 */
#include "procedure.h"

#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "directory.h"
#include "hall.h"
#include "posts.h"
#include "mdlimit.h"
#include "mdtext.h"
#include "strbuf.h"
#include "utf8.h"

static const struct {
    const char *name;
    enum section_kind kind;
} reserved_sections[] = {
    {"办理条件", SECTION_ELIGIBILITY}, {"受理条件", SECTION_ELIGIBILITY},
    {"申请条件", SECTION_ELIGIBILITY}, {"Eligibility", SECTION_ELIGIBILITY},
    {"设定依据", SECTION_BASIS},       {"办理依据", SECTION_BASIS},
    {"政策依据", SECTION_BASIS},       {"Legal basis", SECTION_BASIS},
    {"收费标准", SECTION_FEES},        {"Fees", SECTION_FEES},
    {"办理结果", SECTION_RESULT},      {"Result", SECTION_RESULT},
    {"注意事项", SECTION_NOTES},       {"Notes", SECTION_NOTES},
    {"常见问题", SECTION_FAQ},         {"FAQ", SECTION_FAQ},
    {"办理流程", SECTION_CHAIN},       {"审核流程", SECTION_CHAIN},
    {"Review chain", SECTION_CHAIN},
};

const char *procedure_section_kind_name(enum section_kind k)
{
    static const char *const names[] = {
        [SECTION_ELIGIBILITY] = "eligibility", [SECTION_BASIS] = "basis",
        [SECTION_FEES] = "fees",               [SECTION_RESULT] = "result",
        [SECTION_NOTES] = "notes",             [SECTION_FAQ] = "faq",
        [SECTION_INFO] = "info",               [SECTION_CHAIN] = "chain",
    };
    return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "info";
}

bool procedure_id_valid(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > PROCEDURE_ID_MAX)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0)))
            return false;
    }
    return true;
}

/* Where the walk is: which part of the model a block belongs to. */
enum pstate { PS_BEFORE_TITLE, PS_SUMMARY, PS_SECTION, PS_STEP };

#define PCTX_EXPLAINED_MAX 32
/* Bytes of a run-on condition quoted back in its warning: enough for the
 * admin to recognise it, a line of the report at most. */
#define PCTX_CONDITION_SHOWN 120

struct pctx {
    const struct procedure_src *src;
    struct procedure *p;
    struct diag_list *diags;
    int line_off;               /* add to a cmark line to get the file line */
    enum pstate state;
    struct strbuf html;         /* HTML of the part being read */
    struct strbuf staff;        /* the step's staff guidance HTML */
    struct strbuf tips;         /* the step's tips (its other block quotes) HTML */
    struct strbuf text;         /* plain text for search */
    bool eligibility_seen;      /* conditions come from the first one only */
    bool in_first_eligibility;  /* the section being read is that first one */
    bool conditions_taken;
    struct strbuf bad_keys;     /* "\nkey\n" of fields dropped for an error */
    int chain_line;             /* line of the chain block read, 0 if none yet */
    bool chain_bad;             /* a line of it was refused */
    cmark_node *first_h3;       /* the first ### (or smaller) heading, for the no-step error */
    /* paragraphs of mistyped checklist items whose markers were already
     * explained with the item (pctx_step_list): not told again as stray */
    cmark_node *explained[PCTX_EXPLAINED_MAX];
    size_t n_explained;
    int oom;
};

static int pctx_line(const struct pctx *c, cmark_node *n)
{
    return cmark_node_get_start_line(n) + c->line_off;
}

/* Said after 「…是信息部分」 in a policy, whose every H2 is one: the
 * admin saw ## 第一步 and was told it is no step, with no reason. */
static const char *pctx_policy_why(const struct pctx *c)
{
    return c->p->kind == PROC_POLICY
               ? "：这是政策文件（开头写了 kind: policy），每个 ## 都是信息部分；要办理的事项请删去 kind: policy"
               : "";
}

/* The line of inline node n (a link in the third line of a paragraph is
 * on that line, not the paragraph's first), as cmark 0.30 records it;
 * block's when it records none. */
static int pctx_inline_line(const struct pctx *c, cmark_node *n, cmark_node *block)
{
    return cmark_node_get_start_line(n) > 0 ? pctx_line(c, n) : pctx_line(c, block);
}

/* Resolves a relative link of a procedure file (one folder below the
 * procedures root) against that root; when it lands in _assets/, stores the name under it in
 * out (NUL-terminated) and returns true. "../_assets/a.png" from a category
 * file is "_assets/a.png" at the root. */
static bool asset_resolve(const char *url, char *out, size_t outlen)
{
    const char *p = url;
    size_t n;
    int depth = 1; /* a procedure file sits one folder below the root */

    if (!url || !*url || strchr(url, ':') || url[0] == '/' || url[0] == '#' || strchr(url, '?') ||
        strchr(url, '\\'))
        return false;
    for (;;) {
        if (strncmp(p, "./", 2) == 0) {
            p += 2;
        } else if (strncmp(p, "../", 3) == 0) {
            if (--depth < 0)
                return false;
            p += 3;
        } else {
            break;
        }
    }
    if (depth != 0 || strncmp(p, "_assets/", 8) != 0)
        return false;
    p += 8;
    /* an editor may have percent-encoded a Chinese file name */
    for (n = 0; *p; n++) {
        if (n + 1 >= outlen)
            return false;
        if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            char hex[3] = {p[1], p[2], 0};
            out[n] = (char)strtol(hex, NULL, 16);
            p += 3;
        } else {
            out[n] = *p++;
        }
    }
    out[n] = '\0';
    if (n == 0 || !utf8_valid(out, n) || strstr(out, "..") || strstr(out, "/.") || out[0] == '.' ||
        strlen(out) != n) /* a %00 */
        return false;
    return true;
}

static bool cjk_cp(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

/* The last (or first) character of a text node, 0 if none. */
static uint32_t text_edge(cmark_node *n, bool last)
{
    const char *s = n && cmark_node_get_type(n) == CMARK_NODE_TEXT ? cmark_node_get_literal(n) : NULL;
    size_t len, i;
    uint32_t cp = 0;

    if (!s || !(len = strlen(s)))
        return 0;
    i = 0;
    if (last)
        for (i = len - 1; i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80; i--)
            ;
    return utf8_decode(s + i, len - i, &cp) ? cp : 0;
}

/* Plain text of a node's subtree: text and code, breaks as spaces but
 * for a wrap between Chinese characters. */
static int node_plain(cmark_node *node, struct strbuf *out)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    int rc = 0;

    if (!it)
        return -1;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        const char *lit;

        if (ev == CMARK_EVENT_ENTER &&
            (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK)) {
            lit = cmark_node_get_literal(n);
            if (lit && strbuf_puts(out, lit) != 0)
                rc = -1;
        } else if (ev == CMARK_EVENT_ENTER && t == CMARK_NODE_SOFTBREAK &&
                   cjk_cp(text_edge(cmark_node_previous(n), true)) &&
                   cjk_cp(text_edge(cmark_node_next(n), false))) {
            /* an editor's wrap inside Chinese text, as pctx_join_cjk_lines
             * drops it from the HTML: a condition or checklist item pasted
             * from a wrapped notice must not read 「身份证 原件」 */
        } else if ((ev == CMARK_EVENT_ENTER &&
                    (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)) ||
                   (ev == CMARK_EVENT_EXIT &&
                    (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
                     t == CMARK_NODE_ITEM))) {
            if (out->len && out->data[out->len - 1] != ' ' && strbuf_putc(out, ' ') != 0)
                rc = -1;
        }
    }
    cmark_iter_free(it);
    return rc;
}

/* Plain text of a node, trimmed, as a new string (NULL on OOM). */
static char *node_plain_dup(cmark_node *node)
{
    struct strbuf sb = STRBUF_INIT;
    const char *s;
    size_t n;
    char *r;

    if (node_plain(node, &sb) != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    n = sb.len;
    s = utf8_trim(sb.data ? sb.data : "", &n);
    r = strndup(s, n);
    strbuf_free(&sb);
    return r;
}

/* Records what a link points at so that the library can say when it is
 * missing; past PROCEDURE_MAX_ASSETS links are not checked. */
static void pctx_link_note(struct pctx *c, struct proc_asset **v, size_t *n, const char *name,
                           int line)
{
    struct proc_asset *a;

    if (*n >= PROCEDURE_MAX_ASSETS)
        return;
    if (!(a = realloc(*v, (*n + 1) * sizeof *a))) {
        c->oom = 1;
        return;
    }
    *v = a;
    if (!(a[*n].name = strdup(name))) {
        c->oom = 1;
        return;
    }
    a[(*n)++].line = line;
}

/* Whether url means the library's _assets/ folder but does not reach it
 * from a category folder: `_assets/a.png` (as triage links are written,
 * from procedures/) or `/_assets/a.png`. It is left as it is, a broken
 * image on the kiosk, so the writer is told. */
static bool asset_misplaced(const char *url)
{
    if (!url)
        return false;
    while (strncmp(url, "./", 2) == 0)
        url += 2;
    if (url[0] == '/')
        url++;
    return strncmp(url, "_assets/", 8) == 0;
}

/* Whether a browser would fetch a URL from another host: a scheme
 * other than data: (https:, http:, ftp:...), or a network path "//host"
 * (a backslash reaches the page as %5C, a path of this host). */
static bool pctx_url_external(const char *u)
{
    size_t i;

    if (u[0] == '/' && u[1] == '/')
        return true;
    if (!isalpha((unsigned char)u[0]))
        return false;
    for (i = 1; isalnum((unsigned char)u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.'; i++)
        ;
    return u[i] == ':' && !(i == 4 && strncasecmp(u, "data", 4) == 0);
}

/* Points a link or image into _assets/ at the daemon's /media/ route, and a
 * link to an office of _directory.md at the kiosk's card for it. */
static void pctx_asset_link(struct pctx *c, cmark_node *n, int line)
{
    char name[256], url[sizeof name + sizeof PROCEDURE_MEDIA_PREFIX + sizeof PROCEDURE_OFFICE_PREFIX];
    struct procedure *p = c->p;
    int bad = 0; /* an image is never an office link */

    if (cmark_node_get_type(n) == CMARK_NODE_LINK &&
        directory_link(cmark_node_get_url(n), 1, name, sizeof name, &bad)) {
        snprintf(url, sizeof url, "%s%s", PROCEDURE_OFFICE_PREFIX, name);
        if (!cmark_node_set_url(n, url))
            c->oom = 1;
        else
            pctx_link_note(c, &p->offices, &p->n_offices, name, line);
        return;
    }
    if (bad) {
        diag_error(c->diags, c->src->path, line,
                   "链接「%s」里的办事地点编号无效：应写成 ../_directory.md#编号", cmark_node_get_url(n));
        return;
    }
    if (!asset_resolve(cmark_node_get_url(n), name, sizeof name)) {
        const char *u = cmark_node_get_url(n) ? cmark_node_get_url(n) : "";
        if (asset_misplaced(u))
            diag_warn(c->diags, c->src->path, line,
                      "链接「%s」找不到 _assets 文件夹里的文件，页面上会显示不出来：事项文件在分类文件夹里，"
                      "要从上一层出发，写成 ../_assets/…",
                      u);
        /* the pages keep only a link to an office or a file of _assets
         * (web/core.js contentHtml): any other path of this server, such as
         * another procedure's file, would open a bare 404 on a kiosk with
         * no address bar, so it shows as plain text, which the admin who
         * wrote it should know */
        else if (cmark_node_get_type(n) == CMARK_NODE_LINK && u[0] && u[0] != '#' &&
                 !pctx_url_external(u))
            diag_warn(c->diags, c->src->path, line,
                      "链接「%s」在页面上点不开，只显示文字：页面里的链接只能指向 ../_assets/ 里的文件"
                      "或 ../_directory.md#编号 的办事地点。要请居民去办另一个事项，写出它的名称就好，居民可以搜索到",
                      u);
        /* an image beside the file (ok.png) or anywhere but _assets is
         * asked of the server as a page path: a broken picture, and the
         * admin was not told (a data: picture is inline and shows) */
        else if (cmark_node_get_type(n) == CMARK_NODE_IMAGE && u[0] && !pctx_url_external(u) &&
                 strncmp(u, "data:", 5) != 0)
            diag_warn(c->diags, c->src->path, line,
                      "图片「%s」不在 _assets 文件夹里，页面上显示不出来：请把图片存进 procedures/_assets/，"
                      "写成 ![说明](../_assets/文件名)",
                      u);
        return;
    }
    snprintf(url, sizeof url, "%s%s", PROCEDURE_MEDIA_PREFIX, name);
    if (!cmark_node_set_url(n, url)) {
        c->oom = 1;
        return;
    }
    pctx_link_note(c, &p->assets, &p->n_assets, name, line);
}

/* Markers are never shown: one at the end of ordinary text (a paragraph,
 * a plain list item, a minor heading) is an error, not silently printed. */
static void pctx_stray_markers(struct pctx *c, cmark_node *n)
{
    struct markers m;
    char *text;
    size_t len, i;
    int line = pctx_line(c, n);
    cmark_node *k;

    for (i = 0; i < c->n_explained; i++)
        if (c->explained[i] == n)
            return;
    text = node_plain_dup(n);

    /* a marker ends the paragraph's last line: report that line */
    for (k = cmark_node_first_child(n); k; k = cmark_node_next(k))
        if (cmark_node_get_type(k) == CMARK_NODE_SOFTBREAK ||
            cmark_node_get_type(k) == CMARK_NODE_LINEBREAK)
            line++;

    if (!text) {
        c->oom = 1;
        return;
    }
    len = strlen(text);
    if (marker_strip(c->src->path, line, text, &len, 0, &m, c->diags) < 0)
        c->oom = 1;
    marker_free(&m);
    free(text);
}

/* A line break inside a Chinese paragraph is only where the author's
 * editor wrapped; HTML would show it as a space between characters
 * ("登记情况。 申请"). A soft break between two CJK characters is removed;
 * next to Latin text it stays a space. The breaks are freed after each
 * walk (the iterator must not meet a freed node), at most a batch at a
 * time, and a full batch walks again: a pasted policy text can wrap more
 * lines than one batch holds. */
static void pctx_join_cjk_lines(struct pctx *c, cmark_node *block)
{
    cmark_node *drop[256];
    cmark_event_type ev;
    size_t n, i;

    do {
        cmark_iter *it = cmark_iter_new(block);

        if (!it) {
            c->oom = 1;
            return;
        }
        n = 0;
        while (n < sizeof drop / sizeof drop[0] && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
            cmark_node *x = cmark_iter_get_node(it);
            if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(x) == CMARK_NODE_SOFTBREAK &&
                cjk_cp(text_edge(cmark_node_previous(x), true)) &&
                cjk_cp(text_edge(cmark_node_next(x), false)))
                drop[n++] = x;
        }
        cmark_iter_free(it);
        for (i = 0; i < n; i++)
            cmark_node_free(drop[i]);
    } while (n == sizeof drop / sizeof drop[0]);
}

/* `{staff}` at the end of a line inside a paragraph (not its last line,
 * which pctx_stray_markers sees): only a step's block quote may carry it,
 * on its first line, and that one is taken off before the quote is
 * inspected. Anything else would show the marker, or worse, show window
 * guidance to residents. */
static void pctx_staff_midline(struct pctx *c, cmark_node *para)
{
    cmark_node *n, *next;
    int line = pctx_line(c, para);

    for (n = cmark_node_first_child(para); n; n = next) {
        cmark_node_type t;
        next = cmark_node_next(n);
        t = next ? cmark_node_get_type(next) : CMARK_NODE_NONE;
        if (t != CMARK_NODE_SOFTBREAK && t != CMARK_NODE_LINEBREAK)
            continue;
        if (cmark_node_get_type(n) == CMARK_NODE_TEXT) {
            const char *lit = cmark_node_get_literal(n);
            size_t len = lit ? strlen(lit) : 0;
            const char *s = utf8_trim(lit ? lit : "", &len);
            if (len >= 7 && memcmp(s + len - 7, "{staff}", 7) == 0)
                diag_error(c->diags, c->src->path, line,
                           "{staff} 只能写在步骤里引用块（> 开头）第一行的末尾，"
                           "标出只给窗口工作人员看的提示");
        }
        line++;
    }
}

/* Replaces each image by its description (its children, the alt text):
 * what a browser shows of an image it cannot load, without the request. */
static void pctx_unlink_images(struct pctx *c, cmark_node **imgs, size_t n)
{
    size_t i;
    cmark_node *k;

    for (i = 0; i < n && !c->oom; i++) {
        while ((k = cmark_node_first_child(imgs[i])) != NULL)
            if (!cmark_node_insert_before(imgs[i], k)) {
                c->oom = 1;
                return;
            }
        cmark_node_free(imgs[i]);
    }
}

/* One pass over a block before it is rendered: raw HTML is never shown
 * (warned once), stray markers are errors, links into _assets/ are
 * pointed at /media/, and an image on another host is shown as its
 * description (warned): no page loads anything from outside the daemon,
 * whose hall may have no internet, so the page would show a broken image
 * and the admin would not know why. */
static void pctx_inspect(struct pctx *c, cmark_node *block)
{
    cmark_iter *it = cmark_iter_new(block);
    cmark_event_type ev;
    bool html_warned = false;
    cmark_node **ext = NULL, **grown;
    size_t n_ext = 0, cap_ext = 0;

    if (!it) {
        c->oom = 1;
        return;
    }
    while (!c->oom && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_HTML_BLOCK:
        case CMARK_NODE_HTML_INLINE:
            if (!html_warned)
                diag_warn(c->diags, c->src->path, pctx_inline_line(c, n, block),
                          "文件里的 HTML 代码不会显示，请改用 Markdown 写法");
            html_warned = true;
            break;
        case CMARK_NODE_PARAGRAPH:
            pctx_staff_midline(c, n);
            pctx_stray_markers(c, n);
            break;
        case CMARK_NODE_HEADING:
            pctx_stray_markers(c, n);
            break;
        case CMARK_NODE_IMAGE:
            if (pctx_url_external(cmark_node_get_url(n) ? cmark_node_get_url(n) : "")) {
                diag_warn(c->diags, c->src->path, pctx_inline_line(c, n, block),
                          "图片「%s」在互联网上：大厅的网络可能上不了网，页面上不显示它，只显示图片的说明文字；"
                          "请把图片存进 procedures/_assets/，写成 ![说明](../_assets/文件名)",
                          cmark_node_get_url(n));
                /* doubled: a block of a 1 MiB file may hold tens of thousands */
                if (n_ext == cap_ext) {
                    cap_ext = cap_ext ? cap_ext * 2 : 4;
                    if (!(grown = realloc(ext, cap_ext * sizeof *ext))) {
                        c->oom = 1;
                        break;
                    }
                    ext = grown;
                }
                ext[n_ext++] = n;
                break;
            }
            pctx_asset_link(c, n, pctx_inline_line(c, n, block));
            break;
        case CMARK_NODE_LINK:
            pctx_asset_link(c, n, pctx_inline_line(c, n, block));
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
    /* after the walk: the iterator must not see the tree change under it */
    pctx_unlink_images(c, ext, n_ext);
    free(ext);
}

/* Renders a block into the current part's HTML and search text, or, for
 * staff guidance, into the step's staff HTML and nowhere else. */
static void pctx_render_to(struct pctx *c, cmark_node *block, bool staff)
{
    char *html;

    pctx_inspect(c, block);
    pctx_join_cjk_lines(c, block);
    html = cmark_render_html(block, CMARK_OPT_DEFAULT);
    if (!html || strbuf_puts(staff ? &c->staff : &c->html, html) != 0 ||
        (!staff && node_plain(block, &c->text) != 0))
        c->oom = 1;
    free(html);
}

static void pctx_render(struct pctx *c, cmark_node *block)
{
    pctx_render_to(c, block, false);
}

static char *pctx_take_html(struct pctx *c)
{
    char *s = strbuf_take(&c->html);

    if (!s)
        c->oom = 1;
    return s;
}

/* Stores the HTML gathered so far into the part it belongs to. */
static void pctx_flush(struct pctx *c)
{
    struct procedure *p = c->p;

    switch (c->state) {
    case PS_BEFORE_TITLE:
        strbuf_free(&c->html);
        break;
    case PS_SUMMARY:
        p->summary_html = pctx_take_html(c);
        break;
    case PS_SECTION:
        p->sections[p->n_sections - 1].html = pctx_take_html(c);
        break;
    case PS_STEP:
        p->steps[p->n_steps - 1].html = pctx_take_html(c);
        if (c->staff.len && !(p->steps[p->n_steps - 1].staff_html = strbuf_take(&c->staff)))
            c->oom = 1;
        if (c->tips.len && !(p->steps[p->n_steps - 1].tips_html = strbuf_take(&c->tips)))
            c->oom = 1;
        break;
    }
    strbuf_free(&c->staff);
    strbuf_free(&c->tips);
}

static bool section_kind_of(const char *title, enum section_kind *k)
{
    size_t i;

    for (i = 0; i < sizeof reserved_sections / sizeof reserved_sections[0]; i++) {
        if (strcasecmp(title, reserved_sections[i].name) == 0) {
            *k = reserved_sections[i].kind;
            return true;
        }
    }
    return false;
}

/* A reserved name with a colon after it (`## 办理条件：`) is a step, as the
 * format says; an admin meant the section, and its conditions vanished
 * with nothing said (an admin's review). The name without the colon in
 * buf (64 bytes) when it is one. */
static bool section_kind_with_colon(const char *title, char buf[64])
{
    size_t n = strlen(title);
    enum section_kind k;

    if (n >= 3 && strcmp(title + n - 3, "\xEF\xBC\x9A") == 0) /* ： */
        n -= 3;
    else if (n >= 1 && title[n - 1] == ':')
        n -= 1;
    else
        return false;
    if (n == 0 || n >= 64)
        return false;
    memcpy(buf, title, n);
    buf[n] = '\0';
    return section_kind_of(buf, &k);
}

/* Whether title is a reserved name with a bracketed note after it
 * (「办理条件（必读）」, 「Fees (2026)」): a step then, whose list is no
 * longer asked as conditions. *bare gets the name, *note the note. */
static bool section_kind_with_note(const char *title, char bare[64], char note[64])
{
    const char *open = strstr(title, "（"), *ascii = strchr(title, '(');
    size_t n = strlen(title), k;
    enum section_kind kind;

    if (!open || (ascii && ascii < open))
        open = ascii;
    if (!open || open == title)
        return false;
    if (!((n >= 3 && strcmp(title + n - 3, "）") == 0) || title[n - 1] == ')'))
        return false;
    k = (size_t)(open - title);
    if (n - k >= 64)
        return false;
    memcpy(note, open, n - k);
    note[n - k] = '\0';
    title = utf8_trim(title, &k);
    if (k == 0 || k >= 64)
        return false;
    memcpy(bare, title, k);
    bare[k] = '\0';
    return section_kind_of(bare, &kind);
}

/* Past a number written in ASCII digits or Chinese numerals (一二…十百零〇两)
 * at p: how authors number steps (第三步) and outline parts (一、 2. （三）).
 * Returns the first byte after it; *digits counts its characters. */
static const char *pctx_numeral_skip(const char *p, size_t *digits)
{
    static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七",
                                           "八", "九", "十", "百", "零", "〇", "两"};
    size_t i;

    *digits = 0;
    for (;;) {
        if (*p >= '0' && *p <= '9') {
            p++;
            ++*digits;
            continue;
        }
        for (i = 0; i < sizeof numerals / sizeof numerals[0]; i++)
            if (strncmp(p, numerals[i], strlen(numerals[i])) == 0)
                break;
        if (i == sizeof numerals / sizeof numerals[0])
            return p;
        p += strlen(numerals[i]);
        ++*digits;
    }
}

/* A reserved name with an outline number before it (`## 一、办理条件`,
 * `## 2. 设定依据`, `## （三）注意事项`: how official documents number their
 * parts) is a step too, and its conditions are never asked. The number in
 * num (up to 32 bytes) and the name in buf (64 bytes) when it is one. */
static bool section_kind_numbered(const char *title, char num[32], char buf[64])
{
    static const char *const seps[] = {"、", "．", ".", "）", ")"};
    const char *p = title, *rest;
    bool paren = false;
    size_t i, n, digits = 0;
    enum section_kind k;

    if (strncmp(p, "（", strlen("（")) == 0) {
        p += strlen("（");
        paren = true;
    } else if (*p == '(') {
        p++;
        paren = true;
    }
    p = pctx_numeral_skip(p, &digits);
    if (!digits || digits > 4)
        return false;
    for (i = 0; i < sizeof seps / sizeof seps[0]; i++)
        if (strncmp(p, seps[i], strlen(seps[i])) == 0)
            break;
    /* 一、 1. 1、 1） (1) （一）: an opening bracket needs its closing one */
    if (i == sizeof seps / sizeof seps[0] || (paren && i < 3))
        return false;
    p += strlen(seps[i]);
    if ((size_t)(p - title) >= 32)
        return false;
    memcpy(num, title, (size_t)(p - title));
    num[p - title] = '\0';
    n = strlen(p);
    rest = utf8_trim(p, &n);
    if (n == 0 || n >= 64)
        return false;
    memcpy(buf, rest, n);
    buf[n] = '\0';
    return section_kind_of(buf, &k);
}

/* An H2: opens a section or a step. */
static void pctx_open_h2(struct pctx *c, cmark_node *h)
{
    struct procedure *p = c->p;
    const char *path = c->src->path;
    int line = pctx_line(c, h);
    struct markers m;
    enum section_kind kind;
    char *raw, *title;
    size_t n;
    int r;

    pctx_flush(c);
    if (!(raw = node_plain_dup(h))) {
        c->oom = 1;
        return;
    }
    n = strlen(raw);
    r = marker_strip(path, line, raw, &n, MARK_IF, &m, c->diags);
    if (r < 0 || !(title = strndup(raw, n))) {
        c->oom = 1;
        free(raw);
        marker_free(&m);
        return;
    }
    free(raw);
    if (!*title)
        diag_error(c->diags, path, line, "二级标题 ## 后面不能是空的");
    if (node_plain(h, &c->text) != 0)
        c->oom = 1;
    if (p->kind == PROC_POLICY || section_kind_of(title, &kind)) {
        struct proc_section *s;
        if (p->kind == PROC_POLICY && !section_kind_of(title, &kind))
            kind = SECTION_INFO;
        if (m.has_cond)
            diag_error(c->diags, path, line, "「%s」是信息部分，不是步骤，不能带 {if …} 条件%s", title,
                       pctx_policy_why(c));
        if (p->n_sections >= PROCEDURE_MAX_SECTIONS) {
            diag_error(c->diags, path, line, "信息部分太多，最多 %d 个", PROCEDURE_MAX_SECTIONS);
            free(title);
            marker_free(&m);
            c->state = PS_BEFORE_TITLE; /* drop what follows */
            return;
        }
        s = realloc(p->sections, (p->n_sections + 1) * sizeof *s);
        if (!s) {
            c->oom = 1;
            free(title);
            marker_free(&m);
            return;
        }
        p->sections = s;
        s = &p->sections[p->n_sections++];
        memset(s, 0, sizeof *s);
        s->kind = kind;
        s->title = title;
        s->line = line;
        if (kind == SECTION_ELIGIBILITY) {
            if (c->eligibility_seen)
                diag_warn(c->diags, path, line,
                          "已经有一个办理条件部分，这里的条件不会逐条询问居民；请合并成一个");
            c->in_first_eligibility = !c->eligibility_seen;
            c->eligibility_seen = true;
        } else {
            c->in_first_eligibility = false;
        }
        c->state = PS_SECTION;
    } else {
        struct proc_step *st;
        char bare[64], num[32], note[64];
        if (section_kind_with_colon(title, bare))
            diag_warn(c->diags, path, line,
                      "标题「%s」后面多了冒号，所以被当成了一个步骤；如果这是「%s」部分，请去掉冒号",
                      title, bare);
        else if (section_kind_numbered(title, num, bare))
            diag_warn(c->diags, path, line,
                      "标题「%s」前面有编号「%s」，所以被当成了一个步骤；如果这是「%s」部分，请去掉编号",
                      title, num, bare);
        else if (section_kind_with_note(title, bare, note))
            diag_warn(c->diags, path, line,
                      "标题「%s」后面多了「%s」，所以被当成了一个步骤；如果这是「%s」部分，"
                      "标题只写「%s」，说明写在下面",
                      title, note, bare, bare);
        if (p->n_steps >= PROCEDURE_MAX_STEPS) {
            diag_error(c->diags, path, line, "步骤太多，最多 %d 步", PROCEDURE_MAX_STEPS);
            free(title);
            marker_free(&m);
            c->state = PS_BEFORE_TITLE;
            return;
        }
        st = realloc(p->steps, (p->n_steps + 1) * sizeof *st);
        if (!st) {
            c->oom = 1;
            free(title);
            marker_free(&m);
            return;
        }
        p->steps = st;
        st = &p->steps[p->n_steps++];
        memset(st, 0, sizeof *st);
        st->title = title;
        st->line = line;
        if (m.has_cond) {
            st->cond = m.cond;
            st->has_cond = true;
            m.has_cond = false;
        }
        c->state = PS_STEP;
    }
    marker_free(&m);
}

static bool raw_is_checkbox(const char *raw);
static bool raw_is_checkbox_typo(const char *raw);
static const char *raw_checkbox_typo_reason(const char *raw);

static void pctx_info_boxes(struct pctx *c, cmark_node *list, const char *where);

static bool pctx_item_is_checkbox(struct pctx *c, cmark_node *item);

/* Whether every item of list is a `[ ]` box, which pctx_info_boxes warns
 * of at its own line already. */
static bool pctx_list_all_boxes(struct pctx *c, cmark_node *list)
{
    cmark_node *x;

    for (x = cmark_node_first_child(list); x; x = cmark_node_next(x))
        if (!pctx_item_is_checkbox(c, x))
            return false;
    return true;
}

/* Sub-points indented under a condition (a list, a second paragraph) are
 * run into its text and asked as one sentence, 「本市户籍 含集体户 含寄住」:
 * the admin wrote points and the resident gets a run-on line (a review
 * found it silent). Said once, at the first indented line, with the words
 * the resident reads, so the admin can choose: separate conditions, or a
 * note under the list. */
static void pctx_condition_nested(struct pctx *c, cmark_node *item, const char *text)
{
    cmark_node *sub = cmark_node_first_child(item);
    size_t n = strlen(text), cut = utf8_prefix_len(text, PCTX_CONDITION_SHOWN);

    if (sub && cmark_node_get_type(sub) == CMARK_NODE_PARAGRAPH)
        sub = cmark_node_next(sub);
    while (sub && cmark_node_get_type(sub) == CMARK_NODE_LIST && pctx_list_all_boxes(c, sub))
        sub = cmark_node_next(sub);
    if (!sub || c->oom)
        return;
    diag_warn(c->diags, c->src->path, pctx_line(c, sub),
              "办理条件下面缩进的内容会接在这一条后面，连成一句请居民确认（居民看到的是「%.*s%s」）。"
              "要分开确认的，请各写成一条不缩进的「- 条件」；满足一种就行的，请写在同一行里，"
              "如「- 具有本市户籍，或持有本市居住证」；只是说明的，请在列表下面空一行、顶格写",
              (int)cut, text, cut < n ? "…" : "");
}

/* Takes the eligibility conditions from the first list of that section. */
static void pctx_take_conditions(struct pctx *c, cmark_node *list)
{
    struct procedure *p = c->p;
    cmark_node *item, *sub;
    char where[160];
    size_t n = 0;

    c->conditions_taken = true;
    for (item = cmark_node_first_child(list); item; item = cmark_node_next(item))
        n++;
    if (!(p->conditions = calloc(n ? n : 1, sizeof *p->conditions))) {
        c->oom = 1;
        return;
    }
    for (item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
        char *t = node_plain_dup(item);
        if (!t) {
            c->oom = 1;
            return;
        }
        if (!*t) {
            diag_error(c->diags, c->src->path, pctx_line(c, item), "办理条件不能是空的一条");
            free(t);
            continue;
        }
        /* `- [ ] 年满16周岁`: the walkthrough asks the resident to confirm
         * each condition anyway; the box is shown as the text 「[ ]」 */
        if (raw_is_checkbox(t) || raw_is_checkbox_typo(t))
            diag_warn(c->diags, c->src->path, pctx_line(c, item),
                      "办理条件不用写成清单项「- [ ]」：自助机本来就会逐条请居民确认，"
                      "方括号会原样显示给居民。请写成「- 条件」");
        p->conditions[p->n_conditions++] = t;
        /* a box indented under a condition is run into its text (「具有本市户籍
         * [ ] 户口簿」), asked as part of it: outside a step, as the
         * section's other lists are warned (pctx_info_boxes) */
        snprintf(where, sizeof where, "「%s」部分",
                 p->n_sections ? p->sections[p->n_sections - 1].title : "办理条件");
        for (sub = cmark_node_first_child(item); sub && !c->oom; sub = cmark_node_next(sub))
            if (cmark_node_get_type(sub) == CMARK_NODE_LIST)
                pctx_info_boxes(c, sub, where);
        if (!c->oom)
            pctx_condition_nested(c, item, t);
    }
}

/* Whether an item's plain text makes it a checklist item: `[ ]` and a
 * space, or nothing more. */
static bool raw_is_checkbox(const char *raw)
{
    return strncmp(raw, "[ ]", 3) == 0 && (raw[3] == ' ' || raw[3] == '\0');
}

/* Whether an item's plain text is a checklist item mistyped: `[]`, `[x]`,
 * `[ ]` with no space after it, full-width brackets, or brackets holding
 * two spaces or a full-width one (`[　]`, which a Chinese input method
 * types). Silently an ordinary item, it would drop out of the materials (a
 * review found it). */
static bool raw_is_checkbox_typo(const char *raw)
{
    size_t i = 1;

    if (strncmp(raw, "[]", 2) == 0 || strncmp(raw, "[x]", 3) == 0 || strncmp(raw, "[X]", 3) == 0 ||
        strncmp(raw, "[ ]", 3) == 0 || strncmp(raw, "［", 3) == 0 || strncmp(raw, "【", 3) == 0)
        return true;
    if (raw[0] != '[')
        return false;
    while (raw[i] == ' ' || raw[i] == '\t' || strncmp(raw + i, "\xE3\x80\x80", 3) == 0)
        i += raw[i] == '\xE3' ? 3 : 1;
    return i > 1 && raw[i] == ']';
}

/* What is wrong with a mistyped checklist item (raw_is_checkbox_typo):
 * the generic form alone left an admin with `[　]` sure that the space
 * was there. */
static const char *raw_checkbox_typo_reason(const char *raw)
{
    size_t i = 1;

    if (strncmp(raw, "［", 3) == 0 || strncmp(raw, "【", 3) == 0)
        return "方括号是全角的（中文输入法打出的），要用英文的 [ ]";
    if (strncmp(raw, "[]", 2) == 0)
        return "方括号里少了一个空格";
    if (strncmp(raw, "[x]", 3) == 0 || strncmp(raw, "[X]", 3) == 0)
        return "方括号里要写一个空格，不是 x";
    if (strncmp(raw, "[ ]", 3) == 0)
        return "方括号后面少了一个空格";
    while (raw[i] == ' ' || raw[i] == '\t' || strncmp(raw + i, "\xE3\x80\x80", 3) == 0) {
        if (raw[i] != ' ')
            return "方括号里的空格是全角的（　）或制表符，要用英文输入法打一个空格";
        i++;
    }
    return "方括号里只能有一个空格";
}

/* Whether item's first paragraph is a checklist item's. */
static bool pctx_item_is_checkbox(struct pctx *c, cmark_node *item)
{
    cmark_node *para = cmark_node_first_child(item);
    char *raw;
    bool yes;

    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
        return false;
    if (!(raw = node_plain_dup(para))) {
        c->oom = 1;
        return false;
    }
    yes = raw_is_checkbox(raw);
    free(raw);
    return yes;
}

static bool is_fenced(cmark_node *n, const char *name);

/* A `[ ] ` item below root (nested in another item, or in a tip) is not a
 * checklist item: only the step's own lists are. Shown as it is, it would
 * be a box residents cannot tick, so it is an error at its line. So is a
 * `form` or `chain` block indented there: it would be shown as code, and
 * no field asked (a review found it silent). */
static void pctx_nested_misplaced(struct pctx *c, cmark_node *root)
{
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;

    if (!it) {
        c->oom = 1;
        return;
    }
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *x = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && x != root && cmark_node_get_type(x) == CMARK_NODE_ITEM &&
            pctx_item_is_checkbox(c, x))
            diag_error(c->diags, c->src->path, pctx_line(c, x),
                       "清单项 - [ ] 要顶格写在步骤里，不能缩进在别的列表项或提示（>）下面："
                       "那样居民看到的是「[ ]」文字，没有可勾的框。几样任选一种的，"
                       "请各写一项并加 {optional}，或用 {if …} 分情形");
        else if (ev == CMARK_EVENT_ENTER && x != root && is_fenced(x, "form"))
            diag_error(c->diags, c->src->path, pctx_line(c, x),
                       "form 表单要顶格写在步骤里，不能缩进在列表项或提示（>）下面：那样居民看到的是"
                       "一段代码，表单不会出现");
        else if (ev == CMARK_EVENT_ENTER && x != root && is_fenced(x, "chain"))
            diag_error(c->diags, c->src->path, pctx_line(c, x),
                       "chain 审核链只能顶格写在「## 办理流程」部分里，不能写在步骤的列表项或提示（>）"
                       "下面：那样居民看到的是一段代码，审核环节不会出现");
    }
    cmark_iter_free(it);
}

/* A `[ ] ` item outside a step (the summary, an information section, any
 * part of a policy) is no checklist item: residents saw 「[ ] 身份证」 as
 * text, with no box and nothing asked, and check said nothing. Warned at
 * each such item's line; where names the part for the message. */
static void pctx_info_boxes(struct pctx *c, cmark_node *list, const char *where)
{
    cmark_iter *it = cmark_iter_new(list);
    cmark_event_type ev;

    if (!it) {
        c->oom = 1;
        return;
    }
    while (!c->oom && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *x = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(x) != CMARK_NODE_ITEM ||
            !pctx_item_is_checkbox(c, x))
            continue;
        /* a policy has no steps: 「请写在步骤（## 第一步…）里」 was said of
         * a box that sat under ## 第一步 already */
        if (c->p->kind == PROC_POLICY)
            diag_warn(c->diags, c->src->path, pctx_line(c, x),
                      "政策文件（开头写了 kind: policy）没有步骤，%s里的「- [ ]」不是清单项：居民看到的是"
                      "「[ ]」文字，不能勾选。要请居民准备材料、逐项勾选的是办事事项，请删去开头的 "
                      "kind: policy；只是列出要点的，请写成「- 文字」",
                      where);
        else
            diag_warn(c->diags, c->src->path, pctx_line(c, x),
                      "%s里的「- [ ]」不是清单项：居民看到的是「[ ]」文字，不能勾选，也不算要带的材料。"
                      "要带的材料请写在步骤（## 第一步…）里；这里请写成「- 文字」",
                      where);
    }
    cmark_iter_free(it);
}

/* A checklist item is plain text, so a link in it is not shown; one to an
 * office of _directory.md is still the contract's office link: noted for
 * the check that the office exists, with a warning that the resident will
 * not get its card there. */
static void pctx_item_office_links(struct pctx *c, cmark_node *para, int line)
{
    cmark_iter *it = cmark_iter_new(para);
    cmark_event_type ev;
    char name[256];
    int bad;

    if (!it) {
        c->oom = 1;
        return;
    }
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *x = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(x) == CMARK_NODE_IMAGE) {
            /* the same for a picture or a form to download: said, as
             * for an office, since the admin put it there to be seen */
            diag_warn(c->diags, c->src->path, line,
                      "清单项只显示文字，里面的图片（%s）不会显示，只剩它的说明文字；请把图片写在清单下面的说明或提示里",
                      cmark_node_get_url(x));
            continue;
        }
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(x) != CMARK_NODE_LINK)
            continue;
        bad = 0;
        if (!directory_link(cmark_node_get_url(x), 1, name, sizeof name, &bad) && !bad) {
            diag_warn(c->diags, c->src->path, line,
                      "清单项只显示文字，里面的链接（%s）居民点不开；"
                      "请把链接写在清单下面的说明或提示里", cmark_node_get_url(x));
            continue;
        }
        bad = 0;
        if (directory_link(cmark_node_get_url(x), 1, name, sizeof name, &bad)) {
            pctx_link_note(c, &c->p->offices, &c->p->n_offices, name, line);
            diag_warn(c->diags, c->src->path, line,
                      "清单项只显示文字，里面的链接不会显示，居民看不到办事地点 %s 的卡片；"
                      "请把链接写在清单下面的说明或提示里", name);
        } else if (bad) {
            diag_error(c->diags, c->src->path, line,
                       "链接「%s」里的办事地点编号无效：应写成 ../_directory.md#编号",
                       cmark_node_get_url(x));
        }
    }
    cmark_iter_free(it);
}

/* The bytes of para's plain text (node_plain's) before its first line
 * break, 0 when it has none or memory ran out. */
static size_t para_first_line_len(cmark_node *para)
{
    cmark_iter *it = cmark_iter_new(para);
    cmark_event_type ev;
    size_t n = 0;
    bool broke = false;

    if (!it)
        return 0;
    while (!broke && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *x = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(x);
        const char *lit;

        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            broke = true;
        else if ((t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) && (lit = cmark_node_get_literal(x)))
            n += strlen(lit);
    }
    cmark_iter_free(it);
    return broke ? n : 0;
}

/* A checklist item's first line ends with its markers, and a line of text
 * follows with no blank line between (`- [ ] 户口簿 {optional}` then
 * `以上材料请带原件。`): CommonMark makes that line part of the item, so
 * the markers no longer end its text. Said at the line that joined, where
 * the fix is, rather than as a marker with text after it, which the admin
 * cannot see on the item's line. t[0..*n) is the item's text after `[ ] `,
 * cut to its first line when so. */
static int pctx_item_joined(struct pctx *c, cmark_node *para, const char *raw, const char *t,
                            size_t *n)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    struct markers m;
    size_t first = para_first_line_len(para), k, k0;
    int r;

    if (first <= (size_t)(t - raw) || first - (size_t)(t - raw) >= *n)
        return 0;
    k = first - (size_t)(t - raw);
    while (k && (t[k - 1] == ' ' || t[k - 1] == '\t'))
        k--;
    if (!k || t[k - 1] != '}')
        return 0;
    k0 = k;
    memset(&m, 0, sizeof m);
    r = marker_strip(c->src->path, pctx_line(c, para), t, &k, MARK_OPTIONAL | MARK_IF | MARK_ITEM_ID,
                     &m, &quiet);
    marker_free(&m);
    diag_list_free(&quiet);
    if (r < 0)
        return -1;
    if (r != 0 || k == k0)
        return 0; /* no marker there, or one wrong of its own: said as usual */
    if (diag_error(c->diags, c->src->path, pctx_line(c, para) + 1,
                   "这一行紧接在上一行的清单项后面，中间没有空行，会被当成那一项的一部分，"
                   "上一行末尾的标记也就不起作用了：请在这一行前面空一行") != 0)
        return -1;
    *n = first - (size_t)(t - raw);
    return 0;
}

/* Whether a mistyped checklist item (raw_is_checkbox_typo) ends with the
 * markers of a checklist item, read without a word; if so its paragraph is
 * noted so that they are not also reported as stray markers, one error each
 * for the one missing space. */
static bool pctx_typo_markers(struct pctx *c, cmark_node *para, const char *raw)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    struct markers m;
    size_t n = strlen(raw);
    bool any;
    int r;

    memset(&m, 0, sizeof m);
    r = marker_strip(c->src->path, pctx_line(c, para), raw, &n, MARK_OPTIONAL | MARK_IF | MARK_ITEM_ID,
                     &m, &quiet);
    any = r == 0 && (m.has_cond || m.optional || m.anchor);
    marker_free(&m);
    diag_list_free(&quiet);
    if (r < 0) {
        c->oom = 1;
        return false;
    }
    if (!any || c->n_explained >= PCTX_EXPLAINED_MAX)
        return false;
    c->explained[c->n_explained++] = para;
    return true;
}

/* In a step: turns `[ ] ` items into checklist items, renders the rest. */
static void pctx_step_list(struct pctx *c, cmark_node *list)
{
    struct proc_step *st = &c->p->steps[c->p->n_steps - 1];
    size_t step_index = c->p->n_steps - 1;
    cmark_node *item, *next;
    const char *path = c->src->path;

    for (item = cmark_node_first_child(list); item; item = next) {
        cmark_node *para = cmark_node_first_child(item);
        int line = pctx_line(c, item);
        struct proc_item *it;
        struct markers m;
        char *raw;
        const char *t;
        size_t n;
        int r;

        next = cmark_node_next(item);
        if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH) {
            pctx_nested_misplaced(c, item);
            continue;
        }
        if (!(raw = node_plain_dup(para))) {
            c->oom = 1;
            return;
        }
        if (!raw_is_checkbox(raw)) {
            if (raw_is_checkbox_typo(raw) && pctx_typo_markers(c, para, raw))
                /* its {if}, {#id} or {optional} would each be a stray
                 * marker of its own: one error that says why instead */
                diag_error(c->diags, path, line,
                           "这一项像是清单项，但写法不对（%s），所以不是清单项：行末的 {if …}、{#…}、{optional} "
                           "只能写在清单项末尾，在这里不起作用，还会原样显示给居民。"
                           "清单项要写成「- [ ] 材料名称」（方括号里一个空格，方括号后面再一个空格）",
                           raw_checkbox_typo_reason(raw));
            else if (raw_is_checkbox_typo(raw))
                diag_warn(c->diags, path, line,
                          "这一项像是清单项，但写法不对（%s），现在只是一行普通文字：居民不能勾选，也不算要带的"
                          "材料。清单项要写成「- [ ] 材料名称」（方括号里一个空格，方括号后面再一个空格）",
                          raw_checkbox_typo_reason(raw));
            free(raw);
            /* an ordinary item, rendered: nothing below it may be a box */
            pctx_nested_misplaced(c, item);
            continue;
        }
        if (cmark_node_next(para)) {
            diag_warn(c->diags, path, line, "清单项只显示第一段文字，后面缩进的内容会被忽略");
            /* a box or a form indented under a box is dropped with the
             * rest: 「复印件」 under 「身份证」 was never asked for, and only
             * the line above was warned */
            pctx_nested_misplaced(c, item);
        }
        t = raw + 3;
        n = strlen(t);
        t = utf8_trim(t, &n);
        if (pctx_item_joined(c, para, raw, t, &n) != 0) {
            free(raw);
            c->oom = 1;
            return;
        }
        r = marker_strip(path, line, t, &n, MARK_OPTIONAL | MARK_IF | MARK_ITEM_ID, &m, c->diags);
        if (r < 0) {
            free(raw);
            marker_free(&m);
            c->oom = 1;
            return;
        }
        if (n == 0) {
            diag_error(c->diags, path, line, "清单项 [ ] 后面要写上要准备或要做的事");
        } else if (st->n_items >= PROCEDURE_MAX_ITEMS) {
            diag_error(c->diags, path, line, "一个步骤最多 %d 个清单项", PROCEDURE_MAX_ITEMS);
        } else {
            it = realloc(st->items, (st->n_items + 1) * sizeof *it);
            if (!it) {
                free(raw);
                marker_free(&m);
                c->oom = 1;
                return;
            }
            st->items = it;
            it = &st->items[st->n_items];
            memset(it, 0, sizeof *it);
            if (m.anchor) {
                snprintf(it->id, sizeof it->id, "%s", m.anchor);
                it->named = true;
            } else {
                snprintf(it->id, sizeof it->id, "s%zu-%zu", step_index, st->n_items);
            }
            it->required = !m.optional;
            it->line = line;
            if (m.has_cond) {
                it->cond = m.cond;
                it->has_cond = true;
                m.has_cond = false;
            }
            if (!(it->text = strndup(t, n))) {
                if (it->has_cond)
                    cond_free(&it->cond);
                c->oom = 1;
            } else {
                st->n_items++;
                if (strbuf_append(&c->text, t, n) != 0 || strbuf_putc(&c->text, ' ') != 0)
                    c->oom = 1;
            }
        }
        free(raw);
        marker_free(&m);
        pctx_item_office_links(c, para, line);
        cmark_node_free(item); /* unlinks it: only the other items are rendered */
    }
    if (cmark_node_first_child(list))
        pctx_render(c, list);
}

/* bad_keys is searched for every form line: past this many bytes (about a
 * hundred dropped keys, far more than a file worth fixing has) no more are
 * kept, so that a file of thousands of bad lines still checks in linear
 * time; only the hints for those keys are lost. */
#define PCTX_BAD_KEYS_MAX 4096

/* The line of the first form line that was dropped for an error and had
 * key, 0 when none: bad_keys holds "\nKEY\tLINE\n" per such line. */
static int pctx_key_line(const struct pctx *c, const char *key)
{
    char pat[MARKER_KEY_MAX + 3];
    const char *at;

    if (!c->bad_keys.data)
        return 0;
    snprintf(pat, sizeof pat, "\n%s\t", key);
    at = strstr(c->bad_keys.data, pat);
    return at ? atoi(at + strlen(pat)) : 0;
}

/* A ```form block: one field per non-blank line; `#` starts a comment. */
static void pctx_step_form(struct pctx *c, cmark_node *code)
{
    struct proc_step *st = &c->p->steps[c->p->n_steps - 1];
    const char *lit = cmark_node_get_literal(code), *s, *eol;
    int line = pctx_line(c, code) + 1; /* the fence is the block's first line */
    size_t total = 0, i;

    for (i = 0; i < c->p->n_steps; i++)
        total += c->p->steps[i].n_fields;
    for (s = lit ? lit : ""; *s; s = *eol ? eol + 1 : eol, line++) {
        struct field f;
        const char *t;
        size_t n;
        int r;

        eol = strchr(s, '\n');
        if (!eol)
            eol = s + strlen(s);
        n = (size_t)(eol - s);
        t = utf8_trim(s, &n);
        if (n == 0 || t[0] == '#')
            continue;
        if (total >= PROCEDURE_MAX_FIELDS) {
            diag_error(c->diags, c->src->path, line, "一个事项最多 %d 个字段", PROCEDURE_MAX_FIELDS);
            return;
        }
        memset(&f, 0, sizeof f);
        r = field_parse_line(c->src->path, line, t, n, &f, c->diags);
        if (r < 0) {
            field_free(&f);
            c->oom = 1;
            return;
        }
        /* a key used twice is reported also when one of its lines was
         * dropped for another error (two kept lines: pctx_check_model) */
        if (f.key[0]) {
            size_t at;
            const struct field *same = r > 0 ? procedure_field_find(c->p, f.key, &at) : NULL;
            int first = same ? same->line : pctx_key_line(c, f.key);
            if (first)
                diag_error(c->diags, c->src->path, line,
                           "字段名 %s 重复了（第 %d 行已经用过），同一事项里字段名不能相同", f.key,
                           first);
        }
        if (r > 0) {
            /* remembered so that {if} and same_as naming it do not add a
             * second, misleading "no such field" error */
            if (f.key[0] && c->bad_keys.len < PCTX_BAD_KEYS_MAX && !pctx_key_line(c, f.key) &&
                strbuf_printf(&c->bad_keys, "\n%s\t%d\n", f.key, line) != 0)
                c->oom = 1;
            field_free(&f);
            continue;
        }
        {
            struct field *fs = realloc(st->fields, (st->n_fields + 1) * sizeof *fs);
            if (!fs) {
                field_free(&f);
                c->oom = 1;
                return;
            }
            st->fields = fs;
        }
        st->fields[st->n_fields++] = f;
        total++;
        if (strbuf_puts(&c->text, f.label) != 0 || strbuf_putc(&c->text, ' ') != 0)
            c->oom = 1;
    }
}

/* A step's block quote whose first line ends with `{staff}` is guidance
 * for the window: the marker is taken off the AST and the quote rendered
 * into staff_html. Returns true when it was one (and is rendered). The
 * marker must be the last thing of the first line's last text node. */
static bool pctx_step_staff_quote(struct pctx *c, cmark_node *bq)
{
    cmark_node *para = cmark_node_first_child(bq), *last, *n, *brk = NULL;
    struct diag_list scratch = DIAG_LIST_INIT;
    struct markers m;
    const char *lit;
    char *text;
    size_t len;
    int line = pctx_line(c, bq), r;
    bool staff;

    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
        return false;
    for (n = cmark_node_first_child(para); n; n = cmark_node_next(n)) {
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
            brk = n;
            break;
        }
    }
    last = brk ? cmark_node_previous(brk) : cmark_node_last_child(para);
    if (!last || cmark_node_get_type(last) != CMARK_NODE_TEXT ||
        !(lit = cmark_node_get_literal(last)))
        return false;
    /* a dry run first: whether {staff} is there at all, without reporting
     * anything the ordinary inspection will report anyway */
    len = strlen(lit);
    r = marker_strip(c->src->path, line, lit, &len, MARK_OPTIONAL | MARK_IF | MARK_ANCHOR | MARK_STAFF,
                     &m, &scratch);
    staff = m.staff;
    marker_free(&m);
    diag_list_free(&scratch);
    if (r < 0) {
        c->oom = 1;
        return false;
    }
    if (!staff)
        return false;
    len = strlen(lit);
    if (marker_strip(c->src->path, line, lit, &len, MARK_STAFF, &m, c->diags) < 0 ||
        !(text = strndup(lit, len))) {
        marker_free(&m);
        c->oom = 1;
        return false;
    }
    marker_free(&m);
    if (len) {
        if (!cmark_node_set_literal(last, text))
            c->oom = 1;
    } else {
        /* the marker was the whole line: no empty first line in the quote */
        cmark_node_free(last);
        if (brk)
            cmark_node_free(brk);
        if (!cmark_node_first_child(para))
            cmark_node_free(para);
    }
    free(text);
    if (!cmark_node_first_child(bq))
        diag_warn(c->diags, c->src->path, line, "{staff} 引用块里没有内容");
    else
        pctx_render_to(c, bq, true);
    return true;
}

/* A fenced block whose info string is `name` (form, chain). */
static bool is_fenced(cmark_node *n, const char *name)
{
    const char *info = cmark_node_get_fence_info(n);
    size_t len;

    if (cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK || !info)
        return false;
    len = strlen(info);
    info = utf8_trim(info, &len);
    return len == strlen(name) && memcmp(info, name, len) == 0;
}

static bool is_form_block(cmark_node *n)
{
    return is_fenced(n, "form");
}

static bool stage_key_valid(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > PROCEDURE_STAGE_KEY_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* Splits "a | b | c | d" into exactly four trimmed parts; false when the
 * line has another number of parts. */
static bool chain_split(const char *s, size_t n, const char *part[4], size_t len[4])
{
    size_t k = 0, start = 0, i;

    for (i = 0; i <= n; i++) {
        if (i < n && s[i] != '|')
            continue;
        if (k == 4)
            return false;
        len[k] = i - start;
        part[k] = utf8_trim(s + start, &len[k]);
        k++;
        start = i + 1;
    }
    return k == 4;
}

/* Whether s[0..n) is only a unit of days after a stage's number: 个工作日,
 * 工作日, 天, 日, with spaces. */
static bool days_unit_only(const char *s, size_t n)
{
    static const char *const units[] = {"个工作日", "工作日", "天", "日"};
    size_t i, k;
    const char *t = utf8_trim(s, &n);

    for (i = 0; i < sizeof units / sizeof units[0]; i++) {
        k = strlen(units[i]);
        if (n == k && memcmp(t, units[i], k) == 0)
            return true;
    }
    return false;
}

/* One `key | label | post | days` line into st; false (reported) when bad. */
static bool pctx_stage_line(struct pctx *c, const char *t, size_t n, int line,
                            struct proc_stage *st)
{
    const char *path = c->src->path, *part[4];
    size_t len[4], i;
    char *end, num[8];
    long days;

    if (!chain_split(t, n, part, len)) {
        if (memmem(t, n, "\xEF\xBD\x9C", 3)) /* ｜ */
            diag_error(c->diags, path, line,
                       "审核环节的各部分要用半角（英文）竖线 | 隔开，这一行用了全角的「｜」："
                       "请切换到英文输入法再打");
        else
            diag_error(c->diags, path, line,
                       "审核环节应写成「编号 | 名称 | 岗位 | 工作日数」四部分，用 | 隔开，"
                       "如「street | 街道审核 | civil | 10」");
        return false;
    }
    if (!stage_key_valid(part[0], len[0])) {
        diag_error(c->diags, path, line,
                   "环节编号「%.*s」无效：用小写英文字母开头，只能有小写字母、数字和 _，最长 %d 个字符",
                   (int)len[0], part[0], PROCEDURE_STAGE_KEY_MAX);
        return false;
    }
    if (len[1] == 0 || len[1] > PROCEDURE_STAGE_LABEL_MAX) {
        diag_error(c->diags, path, line, len[1] ? "环节名称太长，最多 %d 字节" : "环节 %.*s 缺少名称",
                   len[1] ? PROCEDURE_STAGE_LABEL_MAX : (int)len[0], part[0]);
        return false;
    }
    if (!posts_id_valid(part[2], len[2])) {
        diag_error(c->diags, path, line,
                   "岗位编号「%.*s」无效：应是 _posts.md 里的编号，如 window、civil",
                   (int)len[2], part[2]);
        return false;
    }
    for (i = 0; i < len[3] && part[3][i] >= '0' && part[3][i] <= '9'; i++)
        ;
    days = -1;
    if (len[3] && i == len[3] && len[3] < sizeof num) {
        memcpy(num, part[3], len[3]);
        num[len[3]] = '\0';
        days = strtol(num, &end, 10);
    }
    if (days < 0 || days > PROCEDURE_STAGE_DAYS_MAX) {
        /* ｜１０｜ looks like 10 on the admin's screen: say why it is not */
        bool wide = false;
        for (i = 0; i + 2 < len[3] && !wide; i++)
            wide = (unsigned char)part[3][i] == 0xEF && (unsigned char)part[3][i + 1] == 0xBC &&
                   (unsigned char)part[3][i + 2] >= 0x90 && (unsigned char)part[3][i + 2] <= 0x99;
        /* 10个工作日, 10 天 copied from a guide: the unit is the column's */
        for (i = 0; i < len[3] && part[3][i] >= '0' && part[3][i] <= '9'; i++)
            ;
        if (!wide && i > 0 && i < len[3] && days_unit_only(part[3] + i, len[3] - i))
            diag_error(c->diags, path, line,
                       "时限「%.*s」不对：这一栏只写工作日的数字，不写单位，应写成 %.*s",
                       (int)len[3], part[3], (int)i, part[3]);
        else
            diag_error(c->diags, path, line,
                       "时限「%.*s」不对%s：应是 0 到 %d 之间的工作日数（0 表示当天办结）",
                       (int)len[3], part[3], wide ? "（用了全角数字，请切换到英文输入法再打）" : "",
                       PROCEDURE_STAGE_DAYS_MAX);
        return false;
    }
    memset(st, 0, sizeof *st);
    memcpy(st->key, part[0], len[0]);
    /* posts_id_valid bounds the id by POSTS_ID_MAX; st->post holds that */
    _Static_assert(POSTS_ID_MAX <= PROCEDURE_STAGE_KEY_MAX, "a post id fits a stage's post");
    memcpy(st->post, part[2], len[2]);
    st->days = (int)days;
    st->line = line;
    if (!(st->label = strndup(part[1], len[1])))
        c->oom = 1;
    return !c->oom;
}

/* A ```chain block in a 办理流程 section: one stage per non-blank line;
 * `#` starts a comment. */
static void pctx_chain(struct pctx *c, cmark_node *code)
{
    struct procedure *p = c->p;
    const char *lit = cmark_node_get_literal(code), *s, *eol;
    int line = pctx_line(c, code) + 1; /* the fence is the block's first line */
    /* every line's key, also of lines refused for another part: a key
     * used twice is reported even when its first line was wrong */
    struct {
        char key[PROCEDURE_STAGE_KEY_MAX + 1];
        int line;
    } seen[2 * PROCEDURE_MAX_STAGES];
    size_t i, n_seen = 0;

    if (c->chain_line) {
        diag_error(c->diags, c->src->path, line - 1,
                   "一个事项只能有一个 chain 审核链（第 %d 行已经有了）", c->chain_line);
        return;
    }
    c->chain_line = line - 1;
    p->chain_written = true;
    /* a block is taken only in a section (the one being read) */
    p->chain_section = p->n_sections ? p->n_sections - 1 : 0;
    for (s = lit ? lit : ""; *s && !c->oom; s = *eol ? eol + 1 : eol, line++) {
        struct proc_stage st, *v;
        const char *t, *part[4];
        size_t n, len[4];

        eol = strchr(s, '\n');
        if (!eol)
            eol = s + strlen(s);
        n = (size_t)(eol - s);
        t = utf8_trim(s, &n);
        if (n == 0 || t[0] == '#')
            continue;
        if (p->n_stages >= PROCEDURE_MAX_STAGES) {
            diag_error(c->diags, c->src->path, line, "审核环节太多，最多 %d 个", PROCEDURE_MAX_STAGES);
            return;
        }
        if (chain_split(t, n, part, len) && stage_key_valid(part[0], len[0])) {
            for (i = 0; i < n_seen; i++)
                if (strlen(seen[i].key) == len[0] && memcmp(seen[i].key, part[0], len[0]) == 0)
                    break;
            if (i < n_seen) {
                diag_error(c->diags, c->src->path, line, "环节编号 %.*s 重复了（第 %d 行已经用过）",
                           (int)len[0], part[0], seen[i].line);
                c->chain_bad = true;
                continue;
            }
            if (n_seen < sizeof seen / sizeof seen[0]) {
                memcpy(seen[n_seen].key, part[0], len[0]);
                seen[n_seen].key[len[0]] = '\0';
                seen[n_seen++].line = line;
            }
        }
        if (!pctx_stage_line(c, t, n, line, &st)) {
            c->chain_bad = true;
            continue;
        }
        for (i = 0; i < p->n_stages; i++)
            if (strcmp(p->stages[i].key, st.key) == 0)
                break;
        if (i < p->n_stages) {
            diag_error(c->diags, c->src->path, line, "环节编号 %s 重复了（第 %d 行已经用过）", st.key,
                       p->stages[i].line);
            c->chain_bad = true;
            free(st.label);
            continue;
        }
        if (!(v = realloc(p->stages, (p->n_stages + 1) * sizeof *v))) {
            free(st.label);
            c->oom = 1;
            return;
        }
        p->stages = v;
        p->stages[p->n_stages++] = st;
        if (strbuf_puts(&c->text, st.label) != 0 || strbuf_putc(&c->text, ' ') != 0)
            c->oom = 1;
    }
    /* a chain whose every line was refused is not empty: each line has its
     * error already, and 「是空的」 at the fence sent the admin looking for
     * a missing line */
    if (p->n_stages == 0 && !c->chain_bad && !c->oom)
        diag_error(c->diags, c->src->path, c->chain_line,
                   "chain 审核链是空的：每行写一个环节「编号 | 名称 | 岗位 | 工作日数」");
}

int procedure_time_limit_days(const char *tl)
{
    static const char unit[] = "个工作日";
    size_t i = 0;
    long n;

    if (!tl)
        return -1;
    while (tl[i] >= '0' && tl[i] <= '9')
        i++;
    if (i == 0 || i > 3)
        return -1;
    n = strtol(tl, NULL, 10);
    if (tl[i] == ' ')
        i++;
    return strcmp(tl + i, unit) == 0 ? (int)n : -1;
}

/* N of the first `N个工作日` (or `N 个工作日`) inside longer text
 * ("社区受理后20个工作日内办结"), else -1: what the author meant, though only
 * the exact form counts (procedure-format: "of the form"). */
static int procedure_time_limit_mention(const char *tl)
{
    static const char unit[] = "个工作日";
    const char *u = tl, *d;

    while (u && (u = strstr(u, unit))) {
        d = u;
        if (d > tl && d[-1] == ' ')
            d--;
        while (d > tl && d[-1] >= '0' && d[-1] <= '9' && u - d < 4)
            d--;
        if (*d >= '0' && *d <= '9')
            return (int)strtol(d, NULL, 10);
        u += sizeof unit - 1;
    }
    return -1;
}

/* Whether tl names a number: an ASCII or full-width digit, or a Chinese
 * numeral (十五, 两). */
static bool time_limit_has_number(const char *tl)
{
    static const char *const zh[] = {"一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十",
                                     "\xEF\xBC\x90", "\xEF\xBC\x91", "\xEF\xBC\x92", "\xEF\xBC\x93",
                                     "\xEF\xBC\x94", "\xEF\xBC\x95", "\xEF\xBC\x96", "\xEF\xBC\x97",
                                     "\xEF\xBC\x98", "\xEF\xBC\x99"};
    size_t i;

    if (strpbrk(tl, "0123456789"))
        return true;
    for (i = 0; i < sizeof zh / sizeof zh[0]; i++)
        if (strstr(tl, zh[i]))
            return true;
    return false;
}

int procedure_chain_days(const struct procedure *p)
{
    size_t i;
    int total = 0;

    for (i = 0; i < p->n_stages; i++)
        total += p->stages[i].days;
    return total;
}

/* After the body: the implicit stage when there is no chain, and the
 * time_limit that promises something other than the chain's total. */
static void pctx_chain_finish(struct pctx *c)
{
    struct procedure *p = c->p;
    const struct fm_entry *e = frontmatter_get(&p->meta, "time_limit");
    int n = procedure_time_limit_days(e ? e->value : NULL), m;

    if (p->chain_written) {
        /* with a stage refused its days are missing from the total: the
         * admin is sent to compare numbers that are not the file's */
        if (n >= 0 && p->n_stages && !c->chain_bad && n != procedure_chain_days(p))
            diag_warn(c->diags, c->src->path, e->line,
                      "time_limit 写的是 %d 个工作日，但审核链各环节加起来是 %d 个工作日；请核对",
                      n, procedure_chain_days(p));
        return;
    }
    /* the receipt would promise the day of acceptance: say so */
    if (n < 0 && e && (m = procedure_time_limit_mention(e->value)) >= 0)
        diag_warn(c->diags, c->src->path, e->line,
                  "time_limit 里写了 %d 个工作日，但只有整项写成「%d个工作日」，或加上办理流程"
                  "（```chain）时才算进承诺办结日期；现在受理当天就算到期",
                  m, m);
    else if (n < 0 && e && strstr(e->value, "工作日") && time_limit_has_number(e->value))
        /* 「15 工作日」, 「十五个工作日」: working days meant, none counted */
        diag_warn(c->diags, c->src->path, e->line,
                  "time_limit 写的是「%s」，但只有写成「N个工作日」（N 用阿拉伯数字，如 15个工作日），"
                  "或加上办理流程（```chain）时才算进承诺办结日期；现在受理当天就算到期",
                  e->value);
    /* the cap of a stage holds for the implicit one too; the receipt
     * would promise less than the sheet says, so say it */
    if (n > PROCEDURE_STAGE_DAYS_MAX)
        diag_warn(c->diags, c->src->path, e->line,
                  "time_limit 写的是 %d 个工作日，超过了一个环节最多的 %d 个工作日：承诺办结日期按 %d "
                  "个工作日算；请核对，时限确实更长的，在「## 办理流程」里用 ```chain 分成几个环节",
                  n, PROCEDURE_STAGE_DAYS_MAX, PROCEDURE_STAGE_DAYS_MAX);
    if (!(p->stages = calloc(1, sizeof *p->stages)) || !(p->stages[0].label = strdup("窗口办理"))) {
        c->oom = 1;
        return;
    }
    p->n_stages = 1;
    strcpy(p->stages[0].key, "handle");
    strcpy(p->stages[0].post, "window");
    p->stages[0].days = n > 0 ? (n > PROCEDURE_STAGE_DAYS_MAX ? PROCEDURE_STAGE_DAYS_MAX : n) : 0;
}

/* A paragraph that Markdown read as text but the admin meant as structure:
 * `##第三步` (no space: not a heading, so two steps run together) or
 * `-[ ] 户口簿` (no space: not a list, so no material). Both went live
 * silently; each is a warning at its line. */
static void pctx_typo_check(struct pctx *c, cmark_node *para, int line)
{
    cmark_node *first = cmark_node_first_child(para);
    const char *s = first && cmark_node_get_type(first) == CMARK_NODE_TEXT
                        ? cmark_node_get_literal(first) : NULL;
    size_t hashes = 0;

    if (!s)
        return;
    while (s[hashes] == '#')
        hashes++;
    /* `#劳动手册办理`: before the title, one # is the title meant, and
     * "缺少标题：文件里要有一行以 # 开头" alone names a line the admin
     * sees there */
    if (hashes == 1 && c->state == PS_BEFORE_TITLE && !c->p->title && s[1] && s[1] != ' ')
        diag_warn(c->diags, c->src->path, line,
                  "这一行以 # 开头，但 # 后面没有空格，所以不是标题：事项名称要写成「# %.*s」（# 后面加一个空格）",
                  (int)utf8_prefix_len(s + 1, 90), s + 1);
    else if (hashes >= 2 && hashes <= 6 && s[hashes] && s[hashes] != ' ')
        diag_warn(c->diags, c->src->path, line,
                  "这一行以 %.*s 开头，但后面没有空格，所以不是标题，会和上面的部分连在一起："
                  "标题要写成「%.*s 标题」（# 后面加一个空格）", (int)hashes, s, (int)hashes, s);
    else if ((s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == '[')
        diag_warn(c->diags, c->src->path, line,
                  "这一行不是清单项，只是一行普通文字：清单项的 %c 后面要有一个空格，写成「- [ ] 材料名称」",
                  s[0]);
}

/* Whether a[0..na) is b but for the case, or one letter changed, added,
 * dropped, or two neighbours swapped (ASCII, case ignored). */
static bool near_word(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b), i = 0, j;

    while (i < na && i < nb && tolower((unsigned char)a[i]) == b[i])
        i++;
    if (i == na && i == nb)
        return true;
    if (na == nb) {
        /* one changed, or a swap of i and i + 1 */
        if (strncasecmp(a + i + 1, b + i + 1, na - i - 1) == 0)
            return true;
        return i + 1 < na && tolower((unsigned char)a[i]) == b[i + 1] &&
               tolower((unsigned char)a[i + 1]) == b[i] &&
               strncasecmp(a + i + 2, b + i + 2, na - i - 2) == 0;
    }
    if (na + 1 == nb) { /* one dropped from a */
        for (j = i; j < na && tolower((unsigned char)a[j]) == b[j + 1]; j++)
            ;
        return j == na;
    }
    if (na == nb + 1) { /* one added to a */
        for (j = i; j < nb && tolower((unsigned char)a[j + 1]) == b[j]; j++)
            ;
        return j == nb;
    }
    return false;
}

/* The text of file line `line` of src (without its line break), NULL past
 * the end; *n its length. */
static const char *src_line_at(const struct procedure_src *src, int line, size_t *n)
{
    const char *s = src->text, *end = src->text + src->len, *e;
    int at = 1;

    while (s < end && at < line) {
        if (*s == '\r' || *s == '\n') {
            s += *s == '\r' && s + 1 < end && s[1] == '\n' ? 2 : 1;
            at++;
        } else {
            s++;
        }
    }
    if (at != line || s > end)
        return NULL;
    for (e = s; e < end && *e != '\r' && *e != '\n'; e++)
        ;
    *n = (size_t)(e - s);
    return s;
}

/* ```Form, ```from or ```chian: not a block of fields or stages but code,
 * so residents saw the raw `name | 姓名 | text …` lines and the step asked
 * for nothing, with no message (an admin's review). An error at the block.
 * So is a form, a chain or checklist items indented into a code block. */
static void pctx_fence_typo(struct pctx *c, cmark_node *n, int line)
{
    static const char *const names[] = {"form", "chain"};
    static const char *const what[] = {"要填写的字段", "审核环节"};
    const char *info = cmark_node_get_fence_info(n);
    size_t len, i;

    if (!info)
        return;
    len = strlen(info);
    info = utf8_trim(info, &len);
    if (len == 0) {
        /* indented by four spaces or more: an indented code block whose
         * first line is the fence, shown as code, the form never asked */
        const char *lit = cmark_node_get_literal(n);
        if (lit)
            lit += strspn(lit, " ");
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            size_t k = strlen(names[i]);
            if (lit && (strncmp(lit, "```", 3) == 0 || strncmp(lit, "~~~", 3) == 0) &&
                strncmp(lit + 3, names[i], k) == 0 &&
                (lit[3 + k] == '\n' || lit[3 + k] == ' ' || lit[3 + k] == '\r')) {
                diag_error(c->diags, c->src->path, line,
                           "```%s 这一块前面多了空格（缩进了 4 格或更多），成了普通的代码块：居民会看到原样的文字，"
                           "%s不会出现。请把 ```%s、里面的各行和结尾的 ``` 都顶格写",
                           names[i], what[i], names[i]);
                return;
            }
        }
        /* not a fence (its line starts with white space, not ``` or ~~~):
         * text indented by a tab or four spaces, shown as code; checklist
         * items there, pasted with their indent, are no items at all */
        {
            size_t ln = 0;
            const char *src = src_line_at(c->src, line, &ln);
            if (!src || !ln || (src[0] != ' ' && src[0] != '\t'))
                return;
            src += strspn(src, " \t");
            if (*src == '`' || *src == '~')
                return;
        }
        if (lit && (lit[0] == '-' || lit[0] == '*' || lit[0] == '+') && lit[1] == ' ' && lit[2] == '[')
            diag_error(c->diags, c->src->path, line,
                       "这几行前面多了空格或制表符（缩进了 4 格或更多），成了代码块：居民看到的是原样的「- [ ] …」"
                       "文字，不能勾选，也不算要带的材料。请把清单项顶格写");
        return;
    }
    if (len > 8)
        return;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (len == strlen(names[i]) && memcmp(info, names[i], len) == 0)
            return;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (near_word(info, len, names[i])) {
            diag_error(c->diags, c->src->path, line,
                       "代码块开头写的是 ```%.*s：是不是想写 ```%s？只有写成 ```%s（小写），块里的内容才是%s，"
                       "否则居民会看到原样的文字",
                       (int)len, info, names[i], names[i], what[i]);
            return;
        }
    }
}

/* The line of a front matter block that blank lines push down from the
 * file's first line (a `---` line, then a `key: value` line), or 0. It is
 * not front matter then: the `---` is a horizontal rule and the entries
 * with the closing `---` a `##` heading, which the admin only learnt as a
 * title "after a ## part". */
static int pushed_frontmatter_line(const char *s, size_t len)
{
    const char *end = s + len, *e;
    int line = 1;
    size_t i;

    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    for (;; line++) {
        for (e = s; e < end && *e != '\r' && *e != '\n'; e++)
            ;
        for (i = 0; s + i < e && (s[i] == ' ' || s[i] == '\t'); i++)
            ;
        if (s + i < e || e >= end)
            break;
        s = *e == '\r' && e + 1 < end && e[1] == '\n' ? e + 2 : e + 1;
    }
    if (line == 1 || e - s < 3 || memcmp(s, "---", 3) != 0)
        return 0;
    for (i = 3; s + i < e; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    s = e < end && *e == '\r' && e + 1 < end && e[1] == '\n' ? e + 2 : e + 1;
    for (i = 0; s + i < end && s[i] >= 'a' && s[i] <= 'z'; i++)
        ;
    return i && s + i < end && s[i] == ':' ? line : 0;
}

/* `说明文字` with `---` on the next line: the admin meant a separating
 * line, but Markdown makes the text a `##` heading (setext), so a step (or
 * an information section) titled with that sentence appeared, taking the
 * text after it, with no message. A warning at the `---`. An ATX heading
 * is one line; a setext one ends on its underline. */
static void pctx_setext_check(struct pctx *c, cmark_node *h)
{
    int line = mdtext_setext_line(c->src->text, c->src->len, pctx_line(c, h),
                                  cmark_node_get_end_line(h) + c->line_off);
    char *title;

    if (!line)
        return;
    if (!(title = node_plain_dup(h))) {
        c->oom = 1;
        return;
    }
    diag_warn(c->diags, c->src->path, line,
              "这一行的 --- 紧接在上一行文字下面，Markdown 会把上面的文字当成 ## 标题："
              "「%s」成了单独的一部分（一个新的步骤或信息部分）。想画分隔线，请在 --- 上面空一行；"
              "想要标题，请写成「## %s」",
              title, title);
    free(title);
}

static void pctx_block(struct pctx *c, cmark_node *n)
{
    struct procedure *p = c->p;
    cmark_node_type t = cmark_node_get_type(n);
    const char *path = c->src->path;
    int line = pctx_line(c, n);

    if (t == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1) {
        if (p->title) {
            diag_error(c->diags, path, line, "只能有一个一级标题（# 开头）；请把它改成 ## 或删去");
            return;
        }
        if (c->state != PS_BEFORE_TITLE)
            diag_error(c->diags, path, line, "标题（# 开头）应写在所有 ## 部分之前");
        if (!(p->title = node_plain_dup(n))) {
            c->oom = 1;
            return;
        }
        {
            struct markers m;
            size_t len = strlen(p->title);
            if (marker_strip(path, line, p->title, &len, 0, &m, c->diags) < 0)
                c->oom = 1;
            p->title[len] = '\0';
            marker_free(&m);
        }
        if (!*p->title)
            diag_error(c->diags, path, line, "标题（# 开头）不能是空的");
        if (node_plain(n, &c->text) != 0)
            c->oom = 1;
        strbuf_free(&c->html);
        c->state = PS_SUMMARY;
        return;
    }
    if (t == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 2) {
        pctx_setext_check(c, n);
        pctx_open_h2(c, n);
        return;
    }
    if (t == CMARK_NODE_HEADING && !c->first_h3)
        c->first_h3 = n;
    if (t == CMARK_NODE_PARAGRAPH)
        pctx_typo_check(c, n, line);
    if (t == CMARK_NODE_CODE_BLOCK)
        pctx_fence_typo(c, n, line);
    switch (c->state) {
    case PS_BEFORE_TITLE:
        if (!p->title)
            diag_warn(c->diags, path, line, "标题（# 开头）之前的内容不会显示");
        return;
    case PS_SECTION: {
        struct proc_section *s = &p->sections[p->n_sections - 1];
        if (c->in_first_eligibility && p->kind == PROC_PROCEDURE && !c->conditions_taken &&
            t == CMARK_NODE_LIST)
            pctx_take_conditions(c, n); /* which warns of its own boxes */
        else if (t == CMARK_NODE_LIST) {
            char where[160];
            snprintf(where, sizeof where, "「%s」部分", s->title);
            pctx_info_boxes(c, n, where);
        }
        if (is_form_block(n))
            diag_error(c->diags, path, line, "form 表单只能写在步骤里，「%s」是信息部分%s", s->title,
                       pctx_policy_why(c));
        if (is_fenced(n, "chain")) {
            /* shown as the list of stages (the chain JSON), not as code */
            if (s->kind == SECTION_CHAIN)
                pctx_chain(c, n);
            else
                diag_error(c->diags, path, line,
                           "chain 审核链只能写在「## 办理流程」部分里，「%s」不是", s->title);
            return;
        }
        pctx_render(c, n);
        return;
    }
    case PS_STEP:
        if (is_fenced(n, "chain")) {
            diag_error(c->diags, path, line, "chain 审核链只能写在「## 办理流程」部分里，不能写在步骤里");
        } else if (t == CMARK_NODE_LIST) {
            pctx_step_list(c, n);
        } else if (is_form_block(n)) {
            pctx_step_form(c, n);
        } else {
            size_t from = c->html.len;

            if (t == CMARK_NODE_BLOCK_QUOTE)
                pctx_nested_misplaced(c, n);
            if (t != CMARK_NODE_BLOCK_QUOTE || !pctx_step_staff_quote(c, n)) {
                pctx_render(c, n);
                /* a tip as the step shows it, kept apart too: the printed
                 * sheet lists those of the steps that ask for papers */
                if (t == CMARK_NODE_BLOCK_QUOTE && c->html.len > from &&
                    strbuf_append(&c->tips, c->html.data + from, c->html.len - from) != 0)
                    c->oom = 1;
            }
        }
        return;
    case PS_SUMMARY:
        if (t == CMARK_NODE_LIST)
            pctx_info_boxes(c, n, "简介");
        if (is_form_block(n))
            diag_error(c->diags, path, line, "form 表单只能写在步骤（## 标题）里");
        if (is_fenced(n, "chain"))
            diag_error(c->diags, path, line, "chain 审核链只能写在「## 办理流程」部分里");
        pctx_render(c, n);
        return;
    }
}

static bool pctx_key_dropped(const struct pctx *c, const char *key)
{
    return pctx_key_line(c, key) > 0;
}

/* Fields listed in a message about a condition's field: enough to spot a
 * misspelt key, a line of the report at most. */
#define PCTX_COND_LISTED 6

/* Into sb: the fields of the steps before `step` that a condition may
 * name (「proxy（是否代办）、relation（…）」), or nothing. -1 on OOM. */
static int pctx_cond_candidates(const struct procedure *p, size_t step, struct strbuf *sb)
{
    size_t s, i, n = 0;

    for (s = 0; s < step && s < p->n_steps; s++)
        for (i = 0; i < p->steps[s].n_fields; i++) {
            const struct field *f = &p->steps[s].fields[i];
            if (field_type_get(f->type)->cond == FIELD_COND_NONE)
                continue;
            if (n++ == PCTX_COND_LISTED)
                return strbuf_puts(sb, "等");
            if (strbuf_printf(sb, "%s%s（%s）", n > 1 ? "、" : "", f->key, f->label) != 0)
                return -1;
        }
    return 0;
}

/* Whether `key` names a yesno/choice field of a step before `step`, and
 * whether value is one of its answers; reports why not, with what may be
 * written instead: a misspelt key or option was named with no hint, and
 * the admin had to find the form lines by hand. */
static void pctx_check_cond(struct pctx *c, const struct cond *cd, size_t step, int line)
{
    const struct field *f;
    const struct field_type_info *ti;
    struct strbuf sb = STRBUF_INIT;
    size_t at, i;

    f = procedure_field_find(c->p, cd->key, &at);
    if (!f && pctx_key_dropped(c, cd->key))
        return;
    if (!f) {
        if (pctx_cond_candidates(c->p, step, &sb) != 0)
            c->oom = 1;
        else if (sb.len)
            diag_error(c->diags, c->src->path, line,
                       "条件里的字段 %s 不存在；前面步骤里能用作条件的字段有：%s", cd->key, sb.data);
        else
            diag_error(c->diags, c->src->path, line,
                       "条件里的字段 %s 不存在；前面的步骤里还没有能用作条件的字段：请先在前面的步骤里用 form "
                       "加一个 yesno 或 choice 字段问居民",
                       cd->key);
        strbuf_free(&sb);
        return;
    }
    if (at >= step) {
        diag_error(c->diags, c->src->path, line,
                   "条件里的字段 %s 在%s步骤里；条件只能引用前面步骤的字段", cd->key,
                   at == step ? "同一个" : "后面的");
        return;
    }
    ti = field_type_get(f->type);
    if (ti->cond == FIELD_COND_YESNO) {
        if (strcmp(cd->value, "yes") != 0 && strcmp(cd->value, "no") != 0)
            diag_error(c->diags, c->src->path, line,
                       "字段 %s 是 %s 类型，条件的值只能是 yes 或 no,不能是「%s」", cd->key,
                       ti->name, cd->value);
    } else if (ti->cond == FIELD_COND_OPTIONS) {
        if (!field_has_option(f, cd->value)) {
            for (i = 0; i < f->n_options && !c->oom; i++)
                if (strbuf_printf(&sb, "%s%s", i ? "/" : "", f->options[i]) != 0)
                    c->oom = 1;
            if (!c->oom)
                diag_error(c->diags, c->src->path, line, "「%s」不是字段 %s 的选项之一；可选：%s",
                           cd->value, cd->key, sb.data ? sb.data : "");
            strbuf_free(&sb);
        }
    } else {
        diag_error(c->diags, c->src->path, line,
                   "条件只能引用 yesno 或 choice 类型的字段，%s 是 %s 类型", cd->key, ti->name);
    }
}

/* An item's id is the key a case stores and a practice scenario's
 * `return` names beside field keys: it must name one item only, and no
 * field. (A written id cannot take the form of an implicit "sS-I", which
 * has a '-'; the comparison covers every pair anyway.) */
static void pctx_check_item_id(struct pctx *c, const struct proc_item *it)
{
    const struct procedure *p = c->p;
    const struct proc_item *first;
    const struct field *f;
    size_t s2;

    first = procedure_item_find(p, it->id, &s2);
    if (first != it)
        diag_error(c->diags, c->src->path, it->line,
                   "清单项编号 %s 重复了（第 %d 行已经用过），同一事项里的清单项编号不能相同", it->id,
                   first->line);
    else if ((f = procedure_field_find(p, it->id, &s2)))
        diag_error(c->diags, c->src->path, it->line,
                   "清单项编号 %s 和第 %d 行的字段名相同；退回时靠编号区分材料和字段，请换一个编号",
                   it->id, f->line);
}

/* Checks that need the whole procedure: keys, ids, same_as, conditions. */
static void pctx_check_model(struct pctx *c)
{
    struct procedure *p = c->p;
    size_t s, i, s2;

    for (s = 0; s < p->n_steps; s++) {
        struct proc_step *st = &p->steps[s];
        if (st->has_cond)
            pctx_check_cond(c, &st->cond, s, st->line);
        for (i = 0; i < st->n_items; i++) {
            if (st->items[i].has_cond)
                pctx_check_cond(c, &st->items[i].cond, s, st->items[i].line);
            pctx_check_item_id(c, &st->items[i]);
        }
        for (i = 0; i < st->n_fields; i++) {
            const struct field *f = &st->fields[i], *first;
            first = procedure_field_find(p, f->key, &s2);
            if (first != f)
                diag_error(c->diags, c->src->path, f->line,
                           "字段名 %s 重复了（第 %d 行已经用过），同一事项里字段名不能相同", f->key,
                           first->line);
            if (f->same_as && !(first = procedure_field_find(p, f->same_as, &s2)) &&
                !pctx_key_dropped(c, f->same_as))
                diag_error(c->diags, c->src->path, f->line, "same_as= 指向的字段 %s 不存在",
                           f->same_as);
            /* a step's confirmation is checked against what the case holds:
             * a later step's field is not there yet, so the step could never
             * be passed with the box filled in */
            else if (f->same_as && first && s2 > s)
                diag_error(c->diags, c->src->path, f->line,
                           "same_as= 指向的字段 %s 在后面的步骤里（第 %d 行）：居民先填这一步时还没有它可比，"
                           "这一步永远过不去；请把这个字段放到 %s 所在的步骤或它后面",
                           f->same_as, first->line, f->same_as);
            if (f->has_cond)
                pctx_check_cond(c, &f->cond, s, f->line);
        }
    }
}

/* A procedure that leaves location, hours or phone out (or empty) gets the
 * hall's (hall.h): a library shared by several halls names none of them,
 * and each hall's pages, prints and notices give its own. A policy too:
 * its page ends in 可以到综合窗口或打电话咨询, and the number is the hall's
 * (a street office's review). Line 0: no line of the file. */
static void pctx_meta_hall(struct pctx *c)
{
    struct frontmatter *m = &c->p->meta;
    enum hall_contact_key k;

    for (k = 0; k < HALL_CONTACT_N; k++) {
        const char *v = hall_contact_get(k), *key = hall_contact_name(k);
        struct fm_entry *e = NULL;
        char *copy;
        size_t i;
        for (i = 0; i < m->n && !e; i++)
            if (strcmp(m->items[i].key, key) == 0)
                e = &m->items[i];
        if (!v || (e && *e->value))
            continue;
        if (!(copy = strdup(v))) {
            c->oom = 1;
            return;
        }
        if (e) {
            free(e->value);
            e->value = copy;
            e->hall = true;
            continue;
        }
        if (!(m->items[m->n].key = strdup(key))) {
            free(copy);
            c->oom = 1;
            return;
        }
        m->items[m->n].value = copy;
        m->items[m->n].hall = true;
        m->items[m->n++].line = 0;
    }
}

/* Keeps the known front matter keys, checks their values. */
static void pctx_meta(struct pctx *c, struct frontmatter *fm)
{
    struct procedure *p = c->p;
    const char *path = c->src->path;
    struct frontmatter kept;
    size_t i;
    int y, m, d;

    memset(&kept, 0, sizeof kept);
    kept.body_offset = fm->body_offset;
    kept.body_line = fm->body_line;
    /* room for the hall's contact details too (pctx_meta_hall) */
    kept.items = calloc(fm->n + HALL_CONTACT_N, sizeof *kept.items);
    if (!kept.items) {
        c->oom = 1;
        return;
    }
    for (i = 0; i < fm->n; i++) {
        struct fm_entry *e = &fm->items[i];
        if (!frontmatter_key_known(e->key)) {
            diag_warn(c->diags, path, e->line, "不认识的名称「%s」，会被忽略", e->key);
            continue;
        }
        if (strcmp(e->key, "review_by") == 0 || strcmp(e->key, "effective") == 0) {
            if (!frontmatter_date_parse(e->value, &y, &m, &d)) {
                size_t used;
                /* `review_by:` left blank was told 「「」不是」 */
                if (!e->value[0])
                    diag_error(c->diags, path, e->line,
                               "%s 后面没有写日期：请写成「%s: 2027-03-01」这样的年-月-日，不需要的话删去这一行",
                               e->key, e->key);
                /* a real date in another shape: the line as it should be */
                else if (frontmatter_date_loose(e->value, &y, &m, &d, &used) && !e->value[used])
                    diag_error(c->diags, path, e->line,
                               "%s 应是 YYYY-MM-DD 格式的真实日期（年份四位，月和日都是两位，用 - 隔开），"
                               "「%s」不是：应写成「%s: %04d-%02d-%02d」",
                               e->key, e->value, e->key, y, m, d);
                else
                    diag_error(c->diags, path, e->line, "%s 应是 YYYY-MM-DD 格式的真实日期，「%s」不是",
                               e->key, e->value);
                continue;
            }
            if (e->key[0] == 'e')
                p->effective = y * 10000 + m * 100 + d;
            if (e->key[0] == 'r') {
                p->review_by = y * 10000 + m * 100 + d;
                if (c->src->today && p->review_by < c->src->today)
                    diag_warn(c->diags, path, e->line,
                              "复核日期 review_by 已过（%s）：请核对现行政策，更新内容和日期", e->value);
                else if (c->src->remind && p->review_by <= c->src->remind)
                    diag_warn(c->diags, path, e->line,
                              "复核日期 review_by 快到了（%s）：请提前核对现行政策", e->value);
            }
        } else if (strcmp(e->key, "kind") == 0) {
            if (strcmp(e->value, "procedure") == 0) {
                p->kind = PROC_PROCEDURE;
            } else if (strcmp(e->value, "policy") == 0) {
                p->kind = PROC_POLICY;
            } else {
                diag_error(c->diags, path, e->line, "kind 只能是 procedure(办事)或 policy(政策文件),不能是「%s」",
                           e->value);
                continue;
            }
        } else if (strcmp(e->key, "id") == 0) {
            if (!procedure_id_valid(e->value, strlen(e->value))) {
                diag_error(c->diags, path, e->line,
                           "id「%s」无效：只能用小写英文字母、数字和 -，以字母或数字开头，最长 64 个字符",
                           e->value);
                continue;
            }
        } else if (strcmp(e->key, "pickup") == 0 || strcmp(e->key, "visit") == 0) {
            if (strcmp(e->value, "yes") != 0) {
                diag_error(c->diags, path, e->line,
                           "%s 只能写 yes（%s）；不需要时请删去这一行，不能写「%s」", e->key,
                           e->key[0] == 'p' ? "结果在窗口领取" : "可以上门办理", e->value);
                continue;
            }
            if (e->key[0] == 'p')
                p->pickup = true;
            else
                p->visit = true;
        } else if (strcmp(e->key, "followup") == 0) {
            char *end;
            long v = strtol(e->value, &end, 10);
            if (!*e->value || *end || e->value[0] < '0' || e->value[0] > '9' ||
                v > PROCEDURE_STAGE_DAYS_MAX) {
                diag_error(c->diags, path, e->line,
                           "followup 应是办结后回访的工作日数（0 到 %d 的整数，如 3），不能是「%s」",
                           PROCEDURE_STAGE_DAYS_MAX, e->value);
                continue;
            }
            p->followup = (int)v;
        } else if (strcmp(e->key, "order") == 0) {
            char *end;
            long v = strtol(e->value, &end, 10);
            if (!*e->value || *end || v < -1000000 || v > 1000000) {
                diag_error(c->diags, path, e->line, "order 应是一个整数，「%s」不是", e->value);
                continue;
            }
            p->order = (int)v;
        }
        kept.items[kept.n++] = *e;
        e->key = e->value = NULL;
    }
    p->meta = kept;
    /* a policy is read, never started as a case: nothing is picked up,
     * visited or called back, and the admin who wrote it means a case */
    if (p->kind == PROC_POLICY) {
        static const char *const case_keys[] = {"pickup", "visit", "followup"};
        const struct fm_entry *k;
        size_t j;
        for (j = 0; j < sizeof case_keys / sizeof case_keys[0]; j++)
            if ((k = frontmatter_get(&p->meta, case_keys[j])))
                diag_warn(c->diags, path, k->line,
                          "政策文件（kind: policy）不办件，%s 不起作用：要办理的事项请去掉 kind: policy",
                          case_keys[j]);
    }
    pctx_meta_hall(c);
}

static bool pctx_text_ok(struct pctx *c, const char *text, size_t len)
{
    int bad_line;
    const char *bad = utf8_file_error(text, len, &bad_line);

    if (bad) {
        diag_error(c->diags, c->src->path, bad_line, "%s", bad);
        return false;
    }
    return true;
}

int procedure_parse(const struct procedure_src *src, struct procedure **out,
                    struct diag_list *diags)
{
    struct pctx c;
    struct frontmatter fm;
    struct procedure *p = NULL;
    cmark_node *doc = NULL, *n, *next;
    const struct fm_entry *e;
    size_t errors0 = diags->errors;
    int rc = -1, r;

    *out = NULL;
    memset(&c, 0, sizeof c);
    memset(&fm, 0, sizeof fm);
    if (src->len > PROCEDURE_FILE_MAX) {
        diag_error(diags, src->path, 1, "文件太大（超过 1 MiB），没有读取；请拆分或删去多余内容");
        rc = 1;
        goto out;
    }
    if (!(p = calloc(1, sizeof *p)))
        goto out;
    c.src = src;
    c.p = p;
    c.diags = diags;
    p->order = 1000;
    p->followup = -1;
    if (!pctx_text_ok(&c, src->text, src->len)) {
        rc = 1;
        goto out;
    }
    r = frontmatter_parse(src->path, src->text, src->len, &fm, diags);
    if (r < 0)
        goto out;
    if (!fm.n && (r = pushed_frontmatter_line(src->text, src->len)))
        diag_error(diags, src->path, r,
                   "开头信息的 --- 要写在文件的第一行，前面不能有空行：现在它不算开头信息，"
                   "下面几行成了正文里的标题。请删掉 --- 上面的空行");
    pctx_meta(&c, &fm);
    e = frontmatter_get(&p->meta, "id");
    p->id = strdup(e ? e->value : src->id);
    p->category = strdup(src->category);
    p->path = strdup(src->path);
    if (!p->id || !p->category || !p->path || c.oom)
        goto out;
    memcpy(p->hash, src->hash, 64);
    if (!e && !procedure_id_valid(src->id, strlen(src->id)))
        diag_error(diags, src->path, 1,
                   "文件名「%s」不能作为编号：只能用小写英文字母、数字和 -（如 labour-handbook.md），"
                   "或在开头信息里写 id: …", src->id);

    c.line_off = fm.body_line;
    doc = mdlimit_parse(src->text + fm.body_offset, src->len - fm.body_offset, src->path,
                        c.line_off, diags, &r);
    if (!doc) {
        rc = r;
        goto out;
    }
    for (n = cmark_node_first_child(doc); n && !c.oom; n = next) {
        next = cmark_node_next(n);
        pctx_block(&c, n);
    }
    pctx_flush(&c);
    if (c.oom || diags->oom)
        goto out;
    if (!p->title)
        diag_error(diags, src->path, c.line_off + 1, "缺少标题：文件里要有一行以 # 开头的事项名称");
    /* `### 第一步` is a sub-heading: said at its line, since the admin
     * sees a step heading there and reads 「没有任何步骤」 at line 1 as wrong */
    if (p->kind == PROC_PROCEDURE && p->n_steps == 0 && c.first_h3) {
        char *h = node_plain_dup(c.first_h3);
        if (!h)
            c.oom = 1;
        else
            diag_error(diags, src->path, pctx_line(&c, c.first_h3),
                       "没有任何步骤：除办理条件等信息部分外，至少要有一个 ## 步骤标题；这一行的"
                       "「%.*s」用了 %d 个 #，是正文里的小标题：它是步骤的话，请写成「## %.*s」",
                       (int)utf8_prefix_len(h, 90), h,
                       cmark_node_get_heading_level(c.first_h3), (int)utf8_prefix_len(h, 90), h);
        free(h);
    } else if (p->kind == PROC_PROCEDURE && p->n_steps == 0)
        diag_error(diags, src->path, c.line_off + 1,
                   "没有任何步骤：除办理条件等信息部分外，至少要有一个 ## 步骤标题"
                   "（政策文件请在开头写 kind: policy）");
    pctx_check_model(&c);
    pctx_chain_finish(&c);
    if (c.oom)
        goto out;
    if (!p->summary_html && !(p->summary_html = strdup("")))
        goto out;
    {
        struct strbuf sb = STRBUF_INIT;
        size_t len, chars;
        const char *s;
        int first_line = 0;
        /* the summary's plain text is what lists show under the title */
        for (n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
            if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
                cmark_node_get_heading_level(n) == 1) {
                for (n = cmark_node_next(n); n; n = cmark_node_next(n)) {
                    if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
                        cmark_node_get_heading_level(n) <= 2)
                        break;
                    if (!first_line)
                        first_line = pctx_line(&c, n);
                    if (node_plain(n, &sb) != 0)
                        c.oom = 1;
                }
                break;
            }
        }
        len = sb.len;
        s = utf8_trim(sb.data ? sb.data : "", &len);
        p->summary_text = strndup(s, len);
        strbuf_free(&sb);
        if (!p->summary_text || c.oom)
            goto out;
        /* Lists show the whole summary under each title (cutting it lost
         * what tells two like-named items apart), so one long summary
         * pushes every item after it down a screen for a resident who
         * scrolls by touch. The sample's longest is 111 characters. */
        chars = utf8_count(p->summary_text, len);
        if (chars > PROCEDURE_SUMMARY_WARN_CHARS)
            diag_warn(diags, src->path, first_line,
                      "简介有 %zu 个字（超过 %d 字）：事项列表里简介整段显示在名称下面，"
                      "太长老人要翻好几屏才看到下一个事项。请缩成一两句，说清这是什么、给谁办，"
                      "其余写到下面的小节里",
                      chars, PROCEDURE_SUMMARY_WARN_CHARS);
    }
    if (!p->conditions && !(p->conditions = calloc(1, sizeof *p->conditions)))
        goto out;
    if (!(p->search_text = strbuf_take(&c.text)))
        goto out;
    if (diags->oom)
        goto out;
    rc = diags->errors > errors0 ? 1 : 0;
    if (rc == 0 || src->keep_on_error) {
        *out = p;
        p = NULL;
    }
out:
    if (doc)
        cmark_node_free(doc);
    frontmatter_free(&fm);
    strbuf_free(&c.html);
    strbuf_free(&c.staff);
    strbuf_free(&c.tips);
    strbuf_free(&c.text);
    strbuf_free(&c.bad_keys);
    procedure_free(p);
    return rc;
}

const struct proc_item *procedure_item_find(const struct procedure *p, const char *id,
                                            size_t *step_out)
{
    size_t j, i;

    for (j = 0; j < p->n_steps; j++)
        for (i = 0; i < p->steps[j].n_items; i++)
            if (strcmp(p->steps[j].items[i].id, id) == 0) {
                *step_out = j;
                return &p->steps[j].items[i];
            }
    return NULL;
}

const struct field *procedure_field_find(const struct procedure *p, const char *key,
                                         size_t *step_out)
{
    size_t s, i;

    for (s = 0; s < p->n_steps; s++) {
        for (i = 0; i < p->steps[s].n_fields; i++) {
            if (strcmp(p->steps[s].fields[i].key, key) == 0) {
                *step_out = s;
                return &p->steps[s].fields[i];
            }
        }
    }
    return NULL;
}

const char *procedure_step_label(const char *title)
{
    const char *p = title, *rest;
    size_t n, digits = 0;
    uint32_t cp;

    if (strncmp(p, "第", strlen("第")) != 0)
        return title;
    p += strlen("第");
    p = pctx_numeral_skip(p, &digits);
    if (!digits || strncmp(p, "步", strlen("步")) != 0)
        return title;
    p += strlen("步");
    /* a separator, then white space */
    if ((n = utf8_decode(p, strlen(p), &cp)) &&
        (cp == ':' || cp == 0xFF1A || cp == 0x3001 || cp == '.' || cp == 0x3002 || cp == ',' || cp == 0xFF0C))
        p += n;
    n = strlen(p);
    rest = utf8_trim(p, &n);
    return n ? rest : title;
}

void procedure_free(struct procedure *p)
{
    size_t i, j;

    if (!p)
        return;
    free(p->id);
    free(p->category);
    free(p->path);
    frontmatter_free(&p->meta);
    free(p->title);
    free(p->summary_html);
    free(p->summary_text);
    for (i = 0; i < p->n_sections; i++) {
        free(p->sections[i].title);
        free(p->sections[i].html);
    }
    free(p->sections);
    for (i = 0; i < p->n_conditions; i++)
        free(p->conditions[i]);
    free(p->conditions);
    for (i = 0; i < p->n_steps; i++) {
        struct proc_step *st = &p->steps[i];
        free(st->title);
        free(st->html);
        free(st->staff_html);
        free(st->tips_html);
        for (j = 0; j < st->n_items; j++) {
            free(st->items[j].text);
            if (st->items[j].has_cond)
                cond_free(&st->items[j].cond);
        }
        free(st->items);
        for (j = 0; j < st->n_fields; j++)
            field_free(&st->fields[j]);
        free(st->fields);
        if (st->has_cond)
            cond_free(&st->cond);
    }
    free(p->steps);
    free(p->search_text);
    for (i = 0; i < p->n_assets; i++)
        free(p->assets[i].name);
    free(p->assets);
    for (i = 0; i < p->n_offices; i++)
        free(p->offices[i].name);
    free(p->offices);
    for (i = 0; i < p->n_stages; i++)
        free(p->stages[i].label);
    free(p->stages);
    free(p);
}
