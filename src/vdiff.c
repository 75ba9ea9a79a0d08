/* vdiff: two versions of a procedure compared part by part as plain-text
 * lines, for the staff's 「本事项已更新」 notice (include/vdiff.h has the
 * rules and bounds). */
#include "vdiff.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "strbuf.h"

/* One side of a part: its lines, owned, at most max of them. The lines
 * past max are not kept, only counted and hashed, so that a difference
 * there still makes the part changed. */
struct vdiff_text {
    char **lines;
    size_t n, max;
    bool more;              /* lines past max were dropped */
    size_t n_rest;          /* how many */
    uint64_t rest;          /* FNV-1a of them, each with its NUL */
};

#define VDIFF_TEXT_INIT {NULL, 0, VDIFF_PART_LINES, false, 0, 14695981039346656037u}

static const char *const vdiff_kinds[] = {
    [VDIFF_CONDITIONS] = "conditions", [VDIFF_SECTION] = "section", [VDIFF_STEP] = "step",
    [VDIFF_FACTS] = "facts"};
static const char *const vdiff_changes[] = {
    [VDIFF_SAME] = "same", [VDIFF_CHANGED] = "changed", [VDIFF_ADDED] = "added",
    [VDIFF_REMOVED] = "removed"};

const char *vdiff_kind_name(enum vdiff_kind k)
{
    return (unsigned)k < sizeof vdiff_kinds / sizeof vdiff_kinds[0] ? vdiff_kinds[k] : "";
}

const char *vdiff_change_name(enum vdiff_change c)
{
    return (unsigned)c < sizeof vdiff_changes / sizeof vdiff_changes[0] ? vdiff_changes[c] : "";
}

static void vdiff_text_free(struct vdiff_text *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->lines[i]);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

/* Adds s[0..n) as a line, cut to VDIFF_LINE_MAX bytes on a character's
 * start; a line past t->max is only counted and hashed. 0 or -1. */
static int vdiff_text_push(struct vdiff_text *t, const char *s, size_t n)
{
    char **grown, *copy;
    size_t i;

    if (t->n >= t->max) {
        t->more = true;
        t->n_rest++;
        for (i = 0; i <= n; i++)
            t->rest = (t->rest ^ (i < n ? (unsigned char)s[i] : 0u)) * 1099511628211u;
        return 0;
    }
    if (n > VDIFF_LINE_MAX) {
        /* cut on a character, and ended by a digest of the whole line, so
         * that a change past the cut is still a different line (the end of
         * a long paragraph edited: a code review) */
        uint64_t h = 14695981039346656037u;
        size_t cut = VDIFF_LINE_MAX;
        for (i = 0; i < n; i++)
            h = (h ^ (unsigned char)s[i]) * 1099511628211u;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        if (!(copy = malloc(cut + 32)))
            return -1;
        memcpy(copy, s, cut);
        snprintf(copy + cut, 32, "…〔%08x〕", (unsigned)(h ^ (h >> 32)));
    } else {
        if (!(copy = malloc(n + 1)))
            return -1;
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    if (!(grown = realloc(t->lines, (t->n + 1) * sizeof *grown))) {
        free(copy);
        return -1;
    }
    t->lines = grown;
    grown[t->n++] = copy;
    return 0;
}

static int vdiff_text_add(struct vdiff_text *t, const char *s)
{
    return vdiff_text_push(t, s, strlen(s));
}

/* Blocks that end a line in the model's HTML. */
static bool vdiff_block_tag(const char *name, size_t n)
{
    static const char *const blocks[] = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                                         "br", "div", "blockquote", "pre", "ul", "ol", "table",
                                         "dt", "dd", "hr", "details", "summary"};
    size_t i;

    for (i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (strlen(blocks[i]) == n && memcmp(blocks[i], name, n) == 0)
            return true;
    return false;
}

/* Decodes the entity at s (just after '&') into sb; returns the bytes of
 * s it took (after the '&'), 0 when it is not one we know (the '&' is
 * then kept as it is). The renderer writes only these. */
static size_t vdiff_entity(const char *s, struct strbuf *sb, int *rc)
{
    static const struct { const char *name; const char *text; } named[] = {
        {"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""}, {"#39;", "'"}, {"nbsp;", " "}};
    size_t i;

    for (i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strncmp(s, named[i].name, strlen(named[i].name)) == 0) {
            *rc |= strbuf_puts(sb, named[i].text);
            return strlen(named[i].name);
        }
    return 0;
}

/* Ends the line in sb: trailing space dropped, an empty one skipped. */
static int vdiff_html_flush(struct strbuf *sb, const char *prefix, bool *bullet,
                            struct vdiff_text *t)
{
    struct strbuf line = STRBUF_INIT;
    size_t len = sb->len;
    int rc = 0;

    while (len > 0 && sb->data[len - 1] == ' ')
        len--;
    if (len == 0)
        goto out;
    rc |= strbuf_puts(&line, prefix);
    if (*bullet)
        rc |= strbuf_puts(&line, "• ");
    rc |= strbuf_append(&line, sb->data, len);
    if (rc == 0)
        rc = vdiff_text_push(t, line.data, line.len);
    *bullet = false;
out:
    strbuf_free(&line);
    strbuf_free(sb);
    return rc;
}

/* The lines of html, each begun with prefix, added to t. 0 or -1. */
static int vdiff_text_html(struct vdiff_text *t, const char *html, const char *prefix)
{
    struct strbuf sb = STRBUF_INIT;
    bool bullet = false;
    const char *s = html ? html : "";
    int rc = 0;

    while (*s && rc == 0) {
        if (*s == '<') {
            const char *end = strchr(s, '>'), *name = s + 1 + (s[1] == '/');
            size_t len = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");

            if (!end)
                break;
            if (vdiff_block_tag(name, len)) {
                rc = vdiff_html_flush(&sb, prefix, &bullet, t);
                if (s[1] != '/' && len == 2 && memcmp(name, "li", 2) == 0)
                    bullet = true;
            } else if (s[1] != '/' && len == 2 && (memcmp(name, "td", 2) == 0 || memcmp(name, "th", 2) == 0) &&
                       sb.len > 0) {
                rc = strbuf_putc(&sb, ' ');
            }
            s = end + 1;
        } else if (*s == '\n') {
            rc = vdiff_html_flush(&sb, prefix, &bullet, t);
            s++;
        } else if (*s == ' ' || *s == '\t' || *s == '\r') {
            if (sb.len > 0 && sb.data[sb.len - 1] != ' ')
                rc = strbuf_putc(&sb, ' ');
            s++;
        } else if (*s == '&') {
            size_t took = vdiff_entity(s + 1, &sb, &rc);
            if (!took)
                rc |= strbuf_putc(&sb, '&');
            s += 1 + took;
        } else {
            rc = strbuf_putc(&sb, *s++);
        }
    }
    if (rc == 0)
        rc = vdiff_html_flush(&sb, prefix, &bullet, t);
    strbuf_free(&sb);
    return rc ? -1 : 0;
}

int vdiff_html_lines(const char *html, const char *prefix, char ***lines, size_t *n, size_t max,
                     bool *more)
{
    struct vdiff_text t = VDIFF_TEXT_INIT;
    int rc;

    t.lines = *lines;
    t.n = *n;
    t.max = max;
    rc = vdiff_text_html(&t, html, prefix);
    *lines = t.lines;
    *n = t.n;
    *more = *more || t.more;
    return rc;
}

/* Adds "（条件：key=value）" to sb for c. */
static int vdiff_put_cond(struct strbuf *sb, const char *lead, const struct cond *c)
{
    return strbuf_printf(sb, "%s%s%s%s）", lead, c->key, c->negate ? "≠" : "=", c->value);
}

static int vdiff_put_date(struct strbuf *sb, const char *name, const struct date_bound *b)
{
    if (b->kind == DATE_BOUND_NONE)
        return 0;
    if (b->kind == DATE_BOUND_TODAY)
        return strbuf_printf(sb, "，%s=today", name);
    return strbuf_printf(sb, "，%s=%04d-%02d-%02d", name, b->y % 10000, b->m % 100, b->d % 100);
}

/* A field as one line: what a staffer checks at the window. */
static int vdiff_field_line(struct vdiff_text *t, const struct field *f)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;
    int rc = 0;

    rc |= strbuf_printf(&sb, "填写：%s〔%s，%s，%s", f->label, f->key, field_type_name(f->type),
                        f->required ? "必填" : "选填");
    if (f->has_min)
        rc |= strbuf_printf(&sb, "，min=%g", f->min);
    if (f->has_max)
        rc |= strbuf_printf(&sb, "，max=%g", f->max);
    if (f->pattern)
        rc |= strbuf_printf(&sb, "，pattern=%s", f->pattern);
    rc |= vdiff_put_date(&sb, "not_before", &f->not_before);
    rc |= vdiff_put_date(&sb, "not_after", &f->not_after);
    if (f->has_age_min)
        rc |= strbuf_printf(&sb, "，age>=%d", f->age_min);
    if (f->has_age_max)
        rc |= strbuf_printf(&sb, "，age<=%d", f->age_max);
    if (f->same_as)
        rc |= strbuf_printf(&sb, "，same_as=%s", f->same_as);
    for (i = 0; i < f->n_options; i++)
        rc |= strbuf_printf(&sb, "%s%s", i ? "/" : "，选项：", f->options[i]);
    rc |= strbuf_puts(&sb, "〕");
    if (f->has_cond)
        rc |= vdiff_put_cond(&sb, "（条件：", &f->cond);
    if (rc == 0)
        rc = vdiff_text_add(t, sb.data);
    strbuf_free(&sb);
    return rc ? -1 : 0;
}

static int vdiff_item_line(struct vdiff_text *t, const struct proc_item *it)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = strbuf_printf(&sb, "材料：%s（%s）", it->text, it->required ? "必需" : "可选");

    if (it->has_cond)
        rc |= vdiff_put_cond(&sb, "（条件：", &it->cond);
    if (rc == 0)
        rc = vdiff_text_add(t, sb.data);
    strbuf_free(&sb);
    return rc ? -1 : 0;
}

/* A step's lines, in the order the staff case view shows them. */
static int vdiff_step_text(const struct proc_step *st, struct vdiff_text *t)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;
    int rc = strbuf_printf(&sb, "步骤：%s", procedure_step_label(st->title));

    if (st->has_cond)
        rc |= vdiff_put_cond(&sb, "（本步条件：", &st->cond);
    if (rc == 0)
        rc = vdiff_text_add(t, sb.data);
    strbuf_free(&sb);
    if (rc == 0)
        rc = vdiff_text_html(t, st->html, "");
    for (i = 0; rc == 0 && i < st->n_items; i++)
        rc = vdiff_item_line(t, &st->items[i]);
    for (i = 0; rc == 0 && i < st->n_fields; i++)
        rc = vdiff_field_line(t, &st->fields[i]);
    if (rc == 0 && st->staff_html)
        rc = vdiff_text_html(t, st->staff_html, "窗口提示：");
    return rc ? -1 : 0;
}

static int vdiff_section_text(const struct proc_section *s, struct vdiff_text *t)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = strbuf_printf(&sb, "标题：%s", s->title);

    if (rc == 0)
        rc = vdiff_text_add(t, sb.data);
    strbuf_free(&sb);
    return rc == 0 ? vdiff_text_html(t, s->html, "") : -1;
}

/* How the parts are made: for the staff (shown), the chain's stages are
 * lines of the section that holds the ```chain block, where the resident
 * sees them (its part read 未改动 beside a changed stage, the last
 * session's note); for vdiff_key they stay lines of the facts, as every
 * stored notice_key was made (schema 033). The same lines either way, so
 * two keys are still equal exactly when the diff shows nothing. */
struct vdiff_view {
    const struct posts *ps;     /* the posts' names, or NULL */
    bool key;
};

/* The chain block's stages, one line each (not the implicit stage, which
 * is time_limit's, a fact of its own). A stage of 0 days reads 当天, as
 * everywhere else staff and residents read it; the key (ps NULL, key
 * true) keeps 0个工作日, the text every stored notice_key was made with. */
static int vdiff_stage_text(const struct procedure *p, const struct posts *ps, bool key,
                            struct vdiff_text *t)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < p->n_stages; i++) {
        const struct proc_stage *st = &p->stages[i];
        const struct post *po = ps ? posts_find(ps, st->post) : NULL;
        /* the implicit stage is time_limit's, a line of its own */
        if (st->line == 0)
            continue;
        strbuf_free(&sb);
        if (st->days == 0 && !key)
            rc = strbuf_printf(&sb, "办理环节：%s（%s，当天）", st->label ? st->label : st->key,
                               po ? po->name : st->post);
        else
            rc = strbuf_printf(&sb, "办理环节：%s（%s，%d个工作日）",
                               st->label ? st->label : st->key, po ? po->name : st->post, st->days);
        if (rc == 0)
            rc = vdiff_text_add(t, sb.data);
    }
    strbuf_free(&sb);
    return rc;
}

/* The section whose ```chain block gave the stages, or NULL. */
static const struct proc_section *vdiff_chain_section(const struct procedure *p)
{
    return p->chain_written && p->chain_section < p->n_sections ? &p->sections[p->chain_section] : NULL;
}

/* The order of the sections and the steps (and for the key the stages):
 * parts are matched by title, so a step moved showed every part 未改动
 * while the version was news (a code review). */
static int vdiff_order_text(const struct procedure *p, const struct vdiff_view *v,
                            struct vdiff_text *t)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;
    int rc = 0;

    if (v->key)
        rc = vdiff_stage_text(p, v->ps, true, t);
    if (rc == 0 && p->n_steps > 1) {
        strbuf_free(&sb);
        rc = strbuf_puts(&sb, "步骤顺序：");
        for (i = 0; rc == 0 && i < p->n_steps; i++)
            rc = strbuf_printf(&sb, "%s%s", i ? " → " : "", procedure_step_label(p->steps[i].title));
        if (rc == 0)
            rc = vdiff_text_add(t, sb.data);
    }
    if (rc == 0 && p->n_sections > 1) {
        strbuf_free(&sb);
        rc = strbuf_puts(&sb, "说明顺序：");
        for (i = 0; rc == 0 && i < p->n_sections; i++)
            rc = strbuf_printf(&sb, "%s%s", i ? " → " : "", p->sections[i].title);
        if (rc == 0)
            rc = vdiff_text_add(t, sb.data);
    }
    strbuf_free(&sb);
    return rc;
}

/* The item's name and summary, then the front matter a staffer tells
 * residents or acts on, one line each (`收费：免费`): a new fee or time limit reached residents while the
 * staff's notice marked every part 未改动 (a street office's review).
 * Not review_by, version or keywords: moving a review date on is no news. */
static const struct {
    const char *key, *label;
} vdiff_facts[] = {
    {"time_limit", "办理时限"},   {"fee", "收费"},         {"location", "办理地点"},
    {"hours", "办理时间"},        {"phone", "咨询电话"},   {"responsible", "责任岗位"},
    {"basis", "办理依据"},        {"audience", "适用对象"}, {"pickup", "结果在窗口领取"},
    {"visit", "可以上门办理"},    {"followup", "办结后回访（工作日）"},
    /* printed on the refusal notice (print.c) */
    {"review_body", "申请复议的机关"}, {"court", "提起诉讼的法院"},
};

static int vdiff_facts_text(const struct procedure *p, const struct vdiff_view *v,
                            struct vdiff_text *t)
{
    const struct fm_entry *e;
    size_t i;
    int rc = 0;

    /* the name and the summary first: a renamed item is news too (none
     * for the empty model an unreadable old version is compared as) */
    if (p->title) {
        struct strbuf sb = STRBUF_INIT;
        rc = strbuf_printf(&sb, "事项名称：%s", p->title);
        if (rc == 0)
            rc = vdiff_text_add(t, sb.data);
        strbuf_free(&sb);
    }
    if (rc == 0 && p->summary_html)
        rc = vdiff_text_html(t, p->summary_html, "简介：");

    for (i = 0; rc == 0 && i < sizeof vdiff_facts / sizeof vdiff_facts[0]; i++) {
        struct strbuf sb = STRBUF_INIT;
        /* a value the hall filled in is not the file's: the same in every
         * version this daemon shows, whatever the hall had set when one
         * was stored (a code review) */
        if (!(e = frontmatter_get(&p->meta, vdiff_facts[i].key)) || !*e->value || e->hall)
            continue;
        rc = strbuf_printf(&sb, "%s：%s", vdiff_facts[i].label, e->value);
        if (rc == 0)
            rc = vdiff_text_add(t, sb.data);
        strbuf_free(&sb);
    }
    return rc ? rc : vdiff_order_text(p, v, t);
}

/* The 办理条件 sections' text, all of them, as one part's lines. */
static int vdiff_conditions_text(const struct procedure *p, struct vdiff_text *t)
{
    size_t i;

    for (i = 0; i < p->n_sections; i++)
        if (p->sections[i].kind == SECTION_ELIGIBILITY &&
            vdiff_text_html(t, p->sections[i].html, "") != 0)
            return -1;
    return 0;
}

static int vdiff_add_line(struct vdiff_part *part, char op, const char *text)
{
    struct vdiff_line *grown = realloc(part->lines, (part->n_lines + 1) * sizeof *grown);
    char *copy = strdup(text);

    if (grown)
        part->lines = grown;
    if (!grown || !copy) {
        free(copy);
        return -1;
    }
    part->lines[part->n_lines].op = op;
    part->lines[part->n_lines++].text = copy;
    return 0;
}

/* The middle of a and b (after the common head, before the common tail)
 * by LCS, or all removed then all added past VDIFF_LCS_CELLS. */
static int vdiff_middle(struct vdiff_part *part, char **a, size_t m, char **b, size_t n)
{
    uint16_t *L = NULL;
    size_t i, j, w = n + 1;
    int rc = 0;

    if (m * n > VDIFF_LCS_CELLS || !(L = calloc((m + 1) * w, sizeof *L))) {
        if (m * n <= VDIFF_LCS_CELLS)
            return -1;
        for (i = 0; rc == 0 && i < m; i++)
            rc = vdiff_add_line(part, '-', a[i]);
        for (j = 0; rc == 0 && j < n; j++)
            rc = vdiff_add_line(part, '+', b[j]);
        return rc;
    }
    /* L[i][j]: the LCS of a[i..] and b[j..] */
    for (i = m; i-- > 0;)
        for (j = n; j-- > 0;)
            L[i * w + j] = strcmp(a[i], b[j]) == 0
                               ? (uint16_t)(L[(i + 1) * w + j + 1] + 1)
                               : (L[(i + 1) * w + j] >= L[i * w + j + 1] ? L[(i + 1) * w + j]
                                                                         : L[i * w + j + 1]);
    i = j = 0;
    while (rc == 0 && (i < m || j < n)) {
        if (i < m && j < n && strcmp(a[i], b[j]) == 0) {
            rc = vdiff_add_line(part, '=', a[i]);
            i++, j++;
        } else if (j >= n || (i < m && L[(i + 1) * w + j] >= L[i * w + j + 1])) {
            rc = vdiff_add_line(part, '-', a[i++]);
        } else {
            rc = vdiff_add_line(part, '+', b[j++]);
        }
    }
    free(L);
    return rc;
}

/* Compares the two sides into part: same (no lines) or changed. */
static int vdiff_compare(struct vdiff_part *part, const struct vdiff_text *a, const struct vdiff_text *b)
{
    size_t head = 0, tail = 0, i;
    int rc = 0;

    while (head < a->n && head < b->n && strcmp(a->lines[head], b->lines[head]) == 0)
        head++;
    while (tail < a->n - head && tail < b->n - head &&
           strcmp(a->lines[a->n - 1 - tail], b->lines[b->n - 1 - tail]) == 0)
        tail++;
    part->truncated = a->more || b->more;
    if (head == a->n && head == b->n && a->n_rest == b->n_rest && a->rest == b->rest) {
        part->change = VDIFF_SAME;
        return 0;
    }
    part->change = VDIFF_CHANGED;
    for (i = 0; rc == 0 && i < head; i++)
        rc = vdiff_add_line(part, '=', a->lines[i]);
    if (rc == 0)
        rc = vdiff_middle(part, a->lines + head, a->n - head - tail, b->lines + head,
                          b->n - head - tail);
    for (i = a->n - tail; rc == 0 && i < a->n; i++)
        rc = vdiff_add_line(part, '=', a->lines[i]);
    return rc;
}

/* A new part at the end of d; NULL when memory ran out. */
static struct vdiff_part *vdiff_part_new(struct vdiff *d, enum vdiff_kind kind, const char *title)
{
    struct vdiff_part *grown = realloc(d->parts, (d->n_parts + 1) * sizeof *grown), *part;

    if (!grown)
        return NULL;
    d->parts = grown;
    part = &grown[d->n_parts];
    memset(part, 0, sizeof *part);
    part->kind = kind;
    if (!(part->title = strdup(title)))
        return NULL;
    d->n_parts++;
    return part;
}

/* The part of a pair: either side may be NULL (added / removed). Texts are
 * consumed. */
static int vdiff_pair(struct vdiff *d, enum vdiff_kind kind, const char *title,
                      struct vdiff_text *a, struct vdiff_text *b)
{
    struct vdiff_part *part = vdiff_part_new(d, kind, title);
    size_t i;
    int rc = 0;

    if (!part)
        rc = -1;
    else if (a && b)
        rc = vdiff_compare(part, a, b);
    else {
        const struct vdiff_text *t = a ? a : b;
        part->change = a ? VDIFF_REMOVED : VDIFF_ADDED;
        part->truncated = t->more;
        for (i = 0; rc == 0 && i < t->n; i++)
            rc = vdiff_add_line(part, a ? '-' : '+', t->lines[i]);
    }
    if (a)
        vdiff_text_free(a);
    if (b)
        vdiff_text_free(b);
    return rc;
}

/* What a list of parts is matched on, and how its lines are made. */
struct vdiff_list {
    enum vdiff_kind kind;
    size_t (*count)(const struct procedure *p);
    const char *(*key)(const struct procedure *p, size_t i);     /* matched on */
    const char *(*title)(const struct procedure *p, size_t i);   /* shown */
    int (*text)(const struct procedure *p, const struct vdiff_view *v, size_t i, struct vdiff_text *t);
};

static size_t vdiff_steps_count(const struct procedure *p) { return p->n_steps; }
static const char *vdiff_step_key(const struct procedure *p, size_t i)
{
    return procedure_step_label(p->steps[i].title);
}
static const char *vdiff_step_title(const struct procedure *p, size_t i) { return p->steps[i].title; }
static int vdiff_step_lines(const struct procedure *p, const struct vdiff_view *v, size_t i,
                            struct vdiff_text *t)
{
    (void)v;
    return vdiff_step_text(&p->steps[i], t);
}

/* Sections other than 办理条件 (those are the conditions part): the i-th
 * of them, or NULL. */
static const struct proc_section *vdiff_section_at(const struct procedure *p, size_t i)
{
    size_t k;

    for (k = 0; k < p->n_sections; k++)
        if (p->sections[k].kind != SECTION_ELIGIBILITY && i-- == 0)
            return &p->sections[k];
    return NULL;
}
static size_t vdiff_sections_count(const struct procedure *p)
{
    size_t k, n = 0;

    for (k = 0; k < p->n_sections; k++)
        n += p->sections[k].kind != SECTION_ELIGIBILITY;
    return n;
}
static const char *vdiff_section_title(const struct procedure *p, size_t i)
{
    return vdiff_section_at(p, i)->title;
}
static int vdiff_section_lines(const struct procedure *p, const struct vdiff_view *v, size_t i,
                               struct vdiff_text *t)
{
    const struct proc_section *s = vdiff_section_at(p, i);

    if (vdiff_section_text(s, t) != 0)
        return -1;
    return !v->key && s == vdiff_chain_section(p) ? vdiff_stage_text(p, v->ps, false, t) : 0;
}

static const struct vdiff_list vdiff_sections = {VDIFF_SECTION, vdiff_sections_count,
                                                 vdiff_section_title, vdiff_section_title,
                                                 vdiff_section_lines};
static const struct vdiff_list vdiff_steps = {VDIFF_STEP, vdiff_steps_count, vdiff_step_key,
                                              vdiff_step_title, vdiff_step_lines};

/* An old part with no match in the new version, where it stood. */
static int vdiff_removed(struct vdiff *d, const struct vdiff_list *l, const struct vdiff_view *v,
                         const struct procedure *from, size_t i)
{
    struct vdiff_text a = VDIFF_TEXT_INIT;

    if (l->text(from, v, i, &a) != 0) {
        vdiff_text_free(&a);
        return -1;
    }
    return vdiff_pair(d, l->kind, l->title(from, i), &a, NULL);
}

/* The old part before i matched by key, or -1: the anchor of the gap i
 * stands in. keyed[i] says which old parts the key matched. */
static long vdiff_old_anchor(const bool *keyed, size_t i)
{
    while (i-- > 0)
        if (keyed[i])
            return (long)i;
    return -1;
}

/* After the match by key: pairs the parts left over on both sides in
 * order, within the same gap between parts matched by key (so a renamed
 * part is one changed part, while a part removed here and another added
 * elsewhere stay removed and added). Returns 0 or -1. */
static int vdiff_pair_rest(long *match, size_t n, bool *used, size_t m)
{
    bool *keyed = malloc(m ? m : 1);
    long anchor = -1;
    size_t i, j;

    if (!keyed)
        return -1;
    memcpy(keyed, used, m);
    for (j = 0; j < n; j++) {
        if (match[j] >= 0) {
            anchor = match[j];
            continue;
        }
        for (i = 0; i < m; i++)
            if (!used[i] && vdiff_old_anchor(keyed, i) == anchor) {
                match[j] = (long)i;
                used[i] = true;
                break;
            }
    }
    free(keyed);
    return 0;
}

/* Matches from's parts to to's: by key, then the rest in order within a
 * gap (vdiff_pair_rest); emits them in to's order, each removed one before the first
 * part matched to an old part after it. */
static int vdiff_list_add(struct vdiff *d, const struct vdiff_list *l, const struct vdiff_view *v,
                          const struct procedure *from, const struct procedure *to)
{
    size_t m = l->count(from), n = l->count(to), i, j, next = 0;
    long *match = calloc(n ? n : 1, sizeof *match);
    bool *used = calloc(m ? m : 1, sizeof *used);
    int rc = -1;

    if (!match || !used)
        goto out;
    for (j = 0; j < n; j++) {
        match[j] = -1;
        for (i = 0; i < m && match[j] < 0; i++)
            if (!used[i] && strcmp(l->key(from, i), l->key(to, j)) == 0) {
                match[j] = (long)i;
                used[i] = true;
            }
    }
    if (vdiff_pair_rest(match, n, used, m) != 0)
        goto out;
    rc = 0;
    for (j = 0; rc == 0 && j < n; j++) {
        struct vdiff_text a = VDIFF_TEXT_INIT, b = VDIFF_TEXT_INIT;

        for (; rc == 0 && match[j] >= 0 && next < (size_t)match[j]; next++)
            if (!used[next])
                rc = vdiff_removed(d, l, v, from, next);
        if (rc == 0 && match[j] >= 0 && next == (size_t)match[j])
            next++;
        if (rc == 0 && ((match[j] >= 0 && l->text(from, v, (size_t)match[j], &a) != 0) ||
                        l->text(to, v, j, &b) != 0))
            rc = -1;
        if (rc == 0)
            rc = vdiff_pair(d, l->kind, l->title(to, j), match[j] >= 0 ? &a : NULL, &b);
        vdiff_text_free(&a);
        vdiff_text_free(&b);
    }
    for (; rc == 0 && next < m; next++)
        if (!used[next])
            rc = vdiff_removed(d, l, v, from, next);
out:
    free(match);
    free(used);
    return rc;
}

int vdiff_build(const struct procedure *from, const struct procedure *to, const struct posts *ps,
                struct vdiff *out)
{
    struct vdiff_text a = VDIFF_TEXT_INIT, b = VDIFF_TEXT_INIT;
    const struct vdiff_view v = {ps, false};
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (vdiff_facts_text(from, &v, &a) != 0 || vdiff_facts_text(to, &v, &b) != 0)
        goto out;
    if ((a.n || b.n) &&
        vdiff_pair(out, VDIFF_FACTS, "基本信息", a.n ? &a : NULL, b.n ? &b : NULL) != 0)
        goto out;
    vdiff_text_free(&a);
    vdiff_text_free(&b);
    a = (struct vdiff_text)VDIFF_TEXT_INIT;
    b = (struct vdiff_text)VDIFF_TEXT_INIT;
    if (vdiff_conditions_text(from, &a) != 0 || vdiff_conditions_text(to, &b) != 0)
        goto out;
    /* no 办理条件 on either side: no part at all (a policy, say) */
    if (a.n || b.n || a.more || b.more) {
        if (vdiff_pair(out, VDIFF_CONDITIONS, "办理条件", a.n ? &a : NULL, b.n ? &b : NULL) != 0)
            goto out;
    }
    if (vdiff_list_add(out, &vdiff_sections, &v, from, to) != 0 ||
        vdiff_list_add(out, &vdiff_steps, &v, from, to) != 0)
        goto out;
    rc = 0;
out:
    vdiff_text_free(&a);
    vdiff_text_free(&b);
    return rc;
}

/* One part's lines into the key: a mark of the part, each line with its
 * NUL, then what was only counted past the cap. The text is freed. */
static void vdiff_key_part(crypto_generichash_state *h, char mark, struct vdiff_text *t)
{
    unsigned char rest[16];
    size_t i, k;

    crypto_generichash_update(h, (const unsigned char *)&mark, 1);
    for (i = 0; i < t->n; i++)
        crypto_generichash_update(h, (const unsigned char *)t->lines[i], strlen(t->lines[i]) + 1);
    for (k = 0; k < 8; k++) {
        rest[k] = (unsigned char)(t->n_rest >> (8 * k));
        rest[8 + k] = (unsigned char)(t->rest >> (8 * k));
    }
    crypto_generichash_update(h, rest, sizeof rest);
    vdiff_text_free(t);
}

int vdiff_key(const struct procedure *p, char out[VDIFF_KEY_LEN + 1])
{
    crypto_generichash_state h;
    unsigned char d[VDIFF_KEY_LEN / 2];
    struct vdiff_text t = VDIFF_TEXT_INIT;
    const struct vdiff_view v = {NULL, true};
    size_t i, n = vdiff_sections_count(p);

    if (crypto_generichash_init(&h, NULL, 0, sizeof d) != 0)
        return -1;
    if (vdiff_facts_text(p, &v, &t) != 0)
        goto oom;
    vdiff_key_part(&h, 'f', &t);
    t = (struct vdiff_text)VDIFF_TEXT_INIT;
    if (vdiff_conditions_text(p, &t) != 0)
        goto oom;
    vdiff_key_part(&h, 'c', &t);
    for (i = 0; i < n; i++) {
        t = (struct vdiff_text)VDIFF_TEXT_INIT;
        if (vdiff_section_lines(p, &v, i, &t) != 0)
            goto oom;
        vdiff_key_part(&h, 's', &t);
    }
    for (i = 0; i < p->n_steps; i++) {
        t = (struct vdiff_text)VDIFF_TEXT_INIT;
        if (vdiff_step_lines(p, &v, i, &t) != 0)
            goto oom;
        vdiff_key_part(&h, 'p', &t);
    }
    if (crypto_generichash_final(&h, d, sizeof d) != 0)
        return -1;
    sodium_bin2hex(out, VDIFF_KEY_LEN + 1, d, sizeof d);
    return 0;
oom:
    vdiff_text_free(&t);
    return -1;
}

bool vdiff_any(const struct vdiff *d)
{
    size_t i;

    for (i = 0; i < d->n_parts; i++)
        if (d->parts[i].change != VDIFF_SAME)
            return true;
    return false;
}

void vdiff_free(struct vdiff *d)
{
    size_t i, k;

    for (i = 0; i < d->n_parts; i++) {
        for (k = 0; k < d->parts[i].n_lines; k++)
            free(d->parts[i].lines[k].text);
        free(d->parts[i].lines);
        free(d->parts[i].title);
    }
    free(d->parts);
    memset(d, 0, sizeof *d);
}
