/* mdtext: the plain text of inline Markdown nodes, through cmark's
 * iterator; shared by the triage and the directory, which read their
 * headings and list items as data. */
#include "mdtext.h"

#include <cmark.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "marker.h"
#include "mdlimit.h"
#include "strbuf.h"
#include "utf8.h"

/* mdtext_inline, or with own_only the text of node less its nested lists
 * (a list item's own words). */
static char *mdtext_inline_of(cmark_node *node, const char **url, bool own_only)
{
    cmark_iter *it = cmark_iter_new(node);
    struct strbuf sb = STRBUF_INIT;
    cmark_event_type ev;
    const char *s;
    size_t n;
    char *r = NULL;
    int rc = 0;

    if (url)
        *url = NULL;
    if (!it)
        return NULL;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *x = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(x);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (own_only && t == CMARK_NODE_LIST && x != node) {
            cmark_iter_reset(it, x, CMARK_EVENT_EXIT);
            continue;
        }
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
            rc |= strbuf_puts(&sb, cmark_node_get_literal(x));
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            rc |= strbuf_putc(&sb, ' ');
        else if (t == CMARK_NODE_LINK && url && !*url)
            *url = cmark_node_get_url(x);
    }
    cmark_iter_free(it);
    if (rc == 0) {
        n = sb.len;
        s = utf8_trim(sb.data ? sb.data : "", &n);
        r = strndup(s, n);
    }
    strbuf_free(&sb);
    return r;
}

char *mdtext_inline(cmark_node *node, const char **url)
{
    return mdtext_inline_of(node, url, false);
}

char *mdtext_item_text(cmark_node *item, const char **url)
{
    return mdtext_inline_of(item, url, true);
}

/* Calls fn for each item of list and, after each, for the items of the
 * lists nested in it: every "- " line is an entry, indented or not. An
 * indented `  - civil 民政专干` under a post was read into the post above
 * (「综合窗口civil 民政专干」), silently, and an indented date under a
 * holiday was one error on the wrong line. Depth is bounded by mdlimit. */
static int mdtext_list_walk(cmark_node *list, int line0, mdtext_item_fn fn, void *ctx)
{
    cmark_node *item, *sub;
    int r;

    for (item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
        char *t = mdtext_item_text(item, NULL);
        if (!t)
            return -1;
        r = fn(ctx, t, cmark_node_get_start_line(item) + line0);
        free(t);
        if (r != 0)
            return r;
        for (sub = cmark_node_first_child(item); sub; sub = cmark_node_next(sub))
            if (cmark_node_get_type(sub) == CMARK_NODE_LIST &&
                (r = mdtext_list_walk(sub, line0, fn, ctx)) != 0)
                return r;
    }
    return 0;
}

int mdtext_heading(const char *path, int line, cmark_node *h, char **text, size_t *len,
                   char **anchor, struct diag_list *diags)
{
    struct markers m;
    char *raw = mdtext_inline(h, NULL);
    size_t n;
    int rc = -1;

    *text = NULL;
    *anchor = NULL;
    memset(&m, 0, sizeof m);
    if (!raw)
        return -1;
    n = strlen(raw);
    if (marker_strip(path, line, raw, &n, MARK_ANCHOR, &m, diags) < 0)
        goto out;
    raw[n] = '\0';
    *text = raw;
    *len = n;
    *anchor = m.anchor;
    m.anchor = NULL;
    raw = NULL;
    rc = 0;
out:
    free(raw);
    marker_free(&m);
    return rc;
}

/* Whether the code block starting on line (from 1) of body[0..len) is
 * fenced: its text then starts on the next line. cmark does not say, and
 * an indented block's end line counts the blank lines after it. */
static bool mdtext_fenced_at(const char *body, size_t len, int line)
{
    const char *s = body, *end = body + len;
    int i;

    for (i = 1; i < line && s < end; i++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    for (i = 0; i < 3 && s < end && *s == ' '; i++)
        s++;
    return end - s >= 3 && (memcmp(s, "```", 3) == 0 || memcmp(s, "~~~", 3) == 0);
}

/* The lines of node, a top-level block outside the lists, for
 * mdtext_list_items's stray: each line of a paragraph (a block quote's
 * included) from its first text, each line of a code block. An HTML block
 * is passed over: that is text the admin hid on purpose. body[0..len) is
 * the text cmark parsed, line0 the file line of its first line, less one. */
static int mdtext_stray_lines(cmark_node *node, const char *body, size_t len, int line0,
                              mdtext_item_fn stray, void *ctx)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    bool at_start = false;
    int rc = 0, line = 0;

    if (!it)
        return -1;
    while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *x = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        switch (cmark_node_get_type(x)) {
        case CMARK_NODE_PARAGRAPH:
            line = cmark_node_get_start_line(x) + line0;
            at_start = true;
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            line++;
            at_start = true;
            break;
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            if (at_start)
                rc = stray(ctx, cmark_node_get_literal(x), line);
            at_start = false;
            break;
        case CMARK_NODE_CODE_BLOCK: {
            const char *s = cmark_node_get_literal(x), *nl;
            int first = cmark_node_get_start_line(x);
            char *one;
            line = first + line0 + mdtext_fenced_at(body, len, first);
            for (; rc == 0 && *s; s = *nl ? nl + 1 : nl, line++) {
                nl = strchr(s, '\n');
                if (!nl)
                    nl = s + strlen(s);
                if (!(one = strndup(s, (size_t)(nl - s))))
                    rc = -1;
                else
                    rc = stray(ctx, one, line);
                free(one);
            }
            break;
        }
        default:
            break;
        }
    }
    cmark_iter_free(it);
    return rc;
}

int mdtext_list_items(const char *path, const char *what, const char *text, size_t len,
                      size_t max, mdtext_item_fn fn, mdtext_item_fn stray, void *ctx,
                      struct diag_list *diags)
{
    struct frontmatter fm;
    cmark_node *doc = NULL, *n;
    const char *bad;
    size_t i;
    int rc = -1, r, bad_line;

    memset(&fm, 0, sizeof fm);
    if (len > max) {
        diag_error(diags, path, 1, "%s太大（超过 %zu KiB），没有读取", what, max / 1024);
        return diags->oom ? -1 : 1;
    }
    if ((bad = utf8_file_error(text, len, &bad_line))) {
        diag_error(diags, path, bad_line, "%s", bad);
        return diags->oom ? -1 : 1;
    }
    if ((r = frontmatter_parse(path, text, len, &fm, diags)) < 0)
        goto out;
    for (i = 0; i < fm.n; i++)
        diag_warn(diags, path, fm.items[i].line, "%s不使用「%s」，会被忽略", what, fm.items[i].key);
    if (!(doc = mdlimit_parse(text + fm.body_offset, len - fm.body_offset, path, fm.body_line,
                              diags, &r))) {
        rc = r;
        goto out;
    }
    for (n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
        cmark_node_type type = cmark_node_get_type(n);
        if (stray && (type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_BLOCK_QUOTE ||
                      type == CMARK_NODE_CODE_BLOCK)) {
            if (mdtext_stray_lines(n, text + fm.body_offset, len - fm.body_offset, fm.body_line,
                                   stray, ctx) != 0)
                goto out;
            continue;
        }
        if (type != CMARK_NODE_LIST)
            continue;
        if (mdtext_list_walk(n, fm.body_line, fn, ctx) != 0)
            goto out;
    }
    rc = diags->oom ? -1 : 0;
out:
    if (doc)
        cmark_node_free(doc);
    frontmatter_free(&fm);
    return rc;
}

int mdtext_setext_line(const char *text, size_t len, int first, int last)
{
    const char *s = text, *end = text + len, *e;
    int line = 1;
    size_t i;

    if (last <= first)
        return 0;
    /* cmark's end line of a setext heading may be the line after its
     * underline: the underline is the first line after the heading's
     * first that holds only '-' (after up to three spaces), which its text
     * lines cannot */
    while (s < end && line < first) {
        if (*s == '\r' || *s == '\n') {
            s += *s == '\r' && s + 1 < end && s[1] == '\n' ? 2 : 1;
            line++;
        } else {
            s++;
        }
    }
    for (; s < end && line <= last; line++) {
        for (e = s; e < end && *e != '\r' && *e != '\n'; e++)
            ;
        for (i = 0; i < 3 && s + i < e && s[i] == ' '; i++)
            ;
        if (line > first && s + i < e && s[i] == '-') {
            while (s + i < e && s[i] == '-')
                i++;
            while (s + i < e && (s[i] == ' ' || s[i] == '\t'))
                i++;
            if (s + i == e)
                return line;
        }
        s = e < end && *e == '\r' && e + 1 < end && e[1] == '\n' ? e + 2 : e + 1;
    }
    return 0;
}
