/* render: model -> JSON with cJSON. Key order follows the HTTP API spec so
 * that the documents read well when a person looks at them. */
#include "render.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "hall.h"
#include "strbuf.h"

static const char *render_kind(enum proc_kind k)
{
    return k == PROC_POLICY ? "policy" : "procedure";
}

/* Adds "if":{"key","op","value"}. Returns 0 or -1. */
static int render_cond(cJSON *obj, const struct cond *c)
{
    cJSON *o = cJSON_AddObjectToObject(obj, "if");

    if (!o || !cJSON_AddStringToObject(o, "key", c->key) ||
        !cJSON_AddStringToObject(o, "op", c->negate ? "!=" : "=") ||
        !cJSON_AddStringToObject(o, "value", c->value))
        return -1;
    return 0;
}

static int render_date_bound(cJSON *rules, const char *name, const struct date_bound *b)
{
    char buf[16];

    if (b->kind == DATE_BOUND_NONE)
        return 0;
    if (b->kind == DATE_BOUND_TODAY)
        return cJSON_AddStringToObject(rules, name, "today") ? 0 : -1;
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", b->y % 10000, b->m % 100, b->d % 100);
    return cJSON_AddStringToObject(rules, name, buf) ? 0 : -1;
}

static int render_field(cJSON *arr, const struct field *f)
{
    cJSON *o = cJSON_CreateObject(), *rules, *opts;
    size_t i;

    if (!o || !cJSON_AddItemToArray(arr, o))
        return (cJSON_Delete(o), -1);
    if (!cJSON_AddStringToObject(o, "key", f->key) ||
        !cJSON_AddStringToObject(o, "label", f->label) ||
        !cJSON_AddStringToObject(o, "type", field_type_name(f->type)) ||
        !cJSON_AddBoolToObject(o, "required", f->required) ||
        !(rules = cJSON_AddObjectToObject(o, "rules")))
        return -1;
    if ((f->has_min && !cJSON_AddNumberToObject(rules, "min", f->min)) ||
        (f->has_max && !cJSON_AddNumberToObject(rules, "max", f->max)) ||
        (f->pattern && !cJSON_AddStringToObject(rules, "pattern", f->pattern)) ||
        render_date_bound(rules, "not_before", &f->not_before) != 0 ||
        render_date_bound(rules, "not_after", &f->not_after) != 0 ||
        (f->has_age_min && !cJSON_AddNumberToObject(rules, "age>=", f->age_min)) ||
        (f->has_age_max && !cJSON_AddNumberToObject(rules, "age<=", f->age_max)) ||
        (f->same_as && !cJSON_AddStringToObject(rules, "same_as", f->same_as)))
        return -1;
    if (!(opts = cJSON_AddArrayToObject(o, "options")))
        return -1;
    for (i = 0; i < f->n_options; i++) {
        cJSON *s = cJSON_CreateString(f->options[i]);
        if (!s || !cJSON_AddItemToArray(opts, s))
            return (cJSON_Delete(s), -1);
    }
    if (f->has_cond && render_cond(o, &f->cond) != 0)
        return -1;
    return 0;
}

/* One step of the detail JSON; without prose (the practice key) no title
 * and no html. */
static int render_step(cJSON *arr, const struct proc_step *st, bool prose)
{
    cJSON *o = cJSON_CreateObject(), *items, *fields;
    size_t i;

    if (!o || !cJSON_AddItemToArray(arr, o))
        return (cJSON_Delete(o), -1);
    if ((prose && (!cJSON_AddStringToObject(o, "title", st->title) ||
                   !cJSON_AddStringToObject(o, "html", st->html ? st->html : ""))) ||
        (st->has_cond && render_cond(o, &st->cond) != 0) ||
        !(items = cJSON_AddArrayToObject(o, "checklist")))
        return -1;
    for (i = 0; i < st->n_items; i++) {
        const struct proc_item *it = &st->items[i];
        cJSON *io = cJSON_CreateObject();
        if (!io || !cJSON_AddItemToArray(items, io))
            return (cJSON_Delete(io), -1);
        if (!cJSON_AddStringToObject(io, "id", it->id) ||
            !cJSON_AddStringToObject(io, "text", it->text) ||
            !cJSON_AddBoolToObject(io, "required", it->required) ||
            (it->has_cond && render_cond(io, &it->cond) != 0))
            return -1;
    }
    if (!(fields = cJSON_AddArrayToObject(o, "fields")))
        return -1;
    for (i = 0; i < st->n_fields; i++)
        if (render_field(fields, &st->fields[i]) != 0)
            return -1;
    return 0;
}

/* The conditions' texts into conds and the steps into steps (with their
 * prose or without: render_step). 0 or -1. */
static int render_rules(cJSON *conds, cJSON *steps, const struct procedure *p, bool prose)
{
    size_t i;

    for (i = 0; i < p->n_conditions; i++) {
        cJSON *s = cJSON_CreateString(p->conditions[i]);
        if (!s || !cJSON_AddItemToArray(conds, s)) {
            cJSON_Delete(s);
            return -1;
        }
    }
    for (i = 0; i < p->n_steps; i++)
        if (render_step(steps, &p->steps[i], prose) != 0)
            return -1;
    return 0;
}

static char *render_finish(cJSON *root, int rc)
{
    char *s = rc == 0 ? cJSON_PrintUnformatted(root) : NULL;

    cJSON_Delete(root);
    return s;
}

/* "chain":[{"key","label","post","days"}]: the stages, the implicit one
 * included, so a page never has to know the format's default. */
static int render_chain(cJSON *root, const struct procedure *p)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "chain");
    size_t i;

    if (!arr)
        return -1;
    for (i = 0; i < p->n_stages; i++) {
        const struct proc_stage *st = &p->stages[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            return -1;
        }
        if (!cJSON_AddStringToObject(o, "key", st->key) ||
            !cJSON_AddStringToObject(o, "label", st->label) ||
            !cJSON_AddStringToObject(o, "post", st->post) ||
            !cJSON_AddNumberToObject(o, "days", st->days))
            return -1;
    }
    return 0;
}

static int render_meta_order(const void *a, const void *b)
{
    const struct fm_entry *const *x = a, *const *y = b;

    return strcmp((*x)->key, (*y)->key);
}

/* The front matter into meta, its keys in byte order: two texts a resident
 * reads the same (lines moved, a phone left to the hall's value, which is
 * filled in last) give the same JSON, which is what tells a version that
 * changed nothing from an update (store.c, STORE_PROC_SEEN). */
static int render_meta(cJSON *meta, const struct frontmatter *fm)
{
    const struct fm_entry *order[FM_MAX_ENTRIES + HALL_CONTACT_N];
    size_t i, n = fm->n < sizeof order / sizeof order[0] ? fm->n : sizeof order / sizeof order[0];

    for (i = 0; i < n; i++)
        order[i] = &fm->items[i];
    qsort(order, n, sizeof order[0], render_meta_order);
    for (i = 0; i < n; i++)
        if (!cJSON_AddStringToObject(meta, order[i]->key, order[i]->value))
            return -1;
    return 0;
}

char *render_procedure_detail(const struct procedure *p)
{
    cJSON *root = cJSON_CreateObject(), *meta, *secs, *conds, *steps;
    const struct fm_entry *ver = frontmatter_get(&p->meta, "version");
    size_t i;
    int rc = -1;

    if (!root)
        return NULL;
    if (!cJSON_AddStringToObject(root, "id", p->id) ||
        !cJSON_AddStringToObject(root, "title", p->title) ||
        !cJSON_AddStringToObject(root, "category", p->category) ||
        !cJSON_AddStringToObject(root, "kind", render_kind(p->kind)) ||
        !(ver ? cJSON_AddStringToObject(root, "version", ver->value)
              : cJSON_AddNullToObject(root, "version")) ||
        !cJSON_AddStringToObject(root, "hash", p->hash) ||
        !(meta = cJSON_AddObjectToObject(root, "meta")))
        goto out;
    if (render_meta(meta, &p->meta) != 0)
        goto out;
    if (!cJSON_AddStringToObject(root, "summary_html", p->summary_html) ||
        !(secs = cJSON_AddArrayToObject(root, "sections")))
        goto out;
    for (i = 0; i < p->n_sections; i++) {
        const struct proc_section *s = &p->sections[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(secs, o)) {
            cJSON_Delete(o);
            goto out;
        }
        if (!cJSON_AddStringToObject(o, "kind", procedure_section_kind_name(s->kind)) ||
            !cJSON_AddStringToObject(o, "title", s->title) ||
            !cJSON_AddStringToObject(o, "html", s->html ? s->html : ""))
            goto out;
    }
    if (render_chain(root, p) != 0 || !(conds = cJSON_AddArrayToObject(root, "conditions")) ||
        !(steps = cJSON_AddArrayToObject(root, "steps")) ||
        render_rules(conds, steps, p, true) != 0)
        goto out;
    rc = 0;
out:
    return render_finish(root, rc);
}

/* The practice key's digest of root as printed (BLAKE2b, hex): the key and
 * the shape are both this of their own JSON. 0, or -1 when memory ran out. */
static int render_digest(const cJSON *root, char out[RENDER_PRACTICE_KEY_LEN + 1])
{
    unsigned char digest[RENDER_PRACTICE_KEY_LEN / 2];
    char *text = cJSON_PrintUnformatted(root);
    int rc = -1;

    if (text && crypto_generichash(digest, sizeof digest, (const unsigned char *)text, strlen(text), NULL,
                                   0) == 0) {
        sodium_bin2hex(out, RENDER_PRACTICE_KEY_LEN + 1, digest, sizeof digest);
        rc = 0;
    }
    free(text);
    return rc;
}

int render_practice_key(const struct procedure *p, char out[RENDER_PRACTICE_KEY_LEN + 1])
{
    cJSON *root = cJSON_CreateArray(), *conds = cJSON_CreateArray(), *steps = cJSON_CreateArray();
    int rc = -1;

    /* once added, each is root's to free */
    if (!root || !conds || !cJSON_AddItemToArray(root, conds)) {
        cJSON_Delete(conds);
        cJSON_Delete(steps);
        goto out;
    }
    if (!steps || !cJSON_AddItemToArray(root, steps)) {
        cJSON_Delete(steps);
        goto out;
    }
    if (render_rules(conds, steps, p, false) != 0)
        goto out;
    rc = render_digest(root, out);
out:
    cJSON_Delete(root);
    return rc;
}

/* Takes member name out of each object of arr. */
static void render_shape_drop(cJSON *arr, const char *name)
{
    cJSON *o;

    cJSON_ArrayForEach(o, arr)
        cJSON_DeleteItemFromObjectCaseSensitive(o, name);
}

int render_practice_shape(const char *detail, char out[RENDER_PRACTICE_KEY_LEN + 1])
{
    cJSON *d = detail ? cJSON_Parse(detail) : NULL, *root = cJSON_CreateArray(), *steps, *st;
    const cJSON *conds = cJSON_GetObjectItemCaseSensitive(d, "conditions");
    int rc = -1;

    if (!d || !root || !cJSON_IsArray(conds) ||
        !cJSON_IsArray(steps = cJSON_GetObjectItemCaseSensitive(d, "steps")) ||
        !cJSON_AddItemToArray(root, cJSON_CreateNumber(cJSON_GetArraySize(conds))))
        goto out;
    /* the words go (a condition's, a paper's, a field's label, the step's
     * prose); what is checked stays: ids, required, types, rules, options
     * and {if} */
    cJSON_ArrayForEach(st, steps) {
        cJSON_DeleteItemFromObjectCaseSensitive(st, "title");
        cJSON_DeleteItemFromObjectCaseSensitive(st, "html");
        render_shape_drop(cJSON_GetObjectItemCaseSensitive(st, "checklist"), "text");
        render_shape_drop(cJSON_GetObjectItemCaseSensitive(st, "fields"), "label");
    }
    if (!cJSON_AddItemReferenceToArray(root, steps))
        goto out;
    rc = render_digest(root, out);
out:
    cJSON_Delete(root);
    cJSON_Delete(d);
    return rc;
}

char *render_procedure_item(const struct procedure *p)
{
    cJSON *root = cJSON_CreateObject();
    int rc = -1;

    if (!root)
        return NULL;
    if (cJSON_AddStringToObject(root, "id", p->id) &&
        cJSON_AddStringToObject(root, "title", p->title) &&
        cJSON_AddStringToObject(root, "category", p->category) &&
        cJSON_AddStringToObject(root, "kind", render_kind(p->kind)) &&
        cJSON_AddStringToObject(root, "summary", p->summary_text))
        rc = 0;
    return render_finish(root, rc);
}

/* Appends <tag>escaped text</tag>. */
static int print_text(struct strbuf *sb, const char *tag, const char *text)
{
    return strbuf_printf(sb, "<%s>", tag) || strbuf_put_html(sb, text, strlen(text)) ||
           strbuf_printf(sb, "</%s>\n", tag);
}

static const struct {
    const char *key, *label;
} print_facts[] = {
    {"time_limit", "办理时限"}, {"fee", "收费"},        {"location", "办理地点"},
    {"hours", "办理时间"},      {"phone", "咨询电话"},  {"responsible", "责任岗位"},
    {"basis", "办理依据"},      {"audience", "适用对象"},
};

/* Whether the one-page notice prints the fact of front matter key `key`:
 * not the fee or the basis when a section of the file says it in full
 * (收费标准, 设定依据), nor the audience when a section is headed as its
 * fact is (适用对象: the sample's policy documents have both, two texts under
 * one heading), nor a time_limit of N working days that the chain's row
 * already gives as its total, so the sheet says nothing twice. */
static bool render_print_fact(const struct procedure *p, const char *key)
{
    const struct fm_entry *e;
    enum section_kind k;
    size_t i;

    if (strcmp(key, "time_limit") == 0) {
        e = frontmatter_get(&p->meta, key);
        return !p->chain_written || procedure_time_limit_days(e ? e->value : NULL) != procedure_chain_days(p);
    }
    if (strcmp(key, "audience") == 0) {
        for (i = 0; i < p->n_sections; i++)
            if (p->sections[i].title && strcmp(p->sections[i].title, "适用对象") == 0)
                return false;
        return true;
    }
    if (strcmp(key, "fee") == 0)
        k = SECTION_FEES;
    else if (strcmp(key, "basis") == 0)
        k = SECTION_BASIS;
    else
        return true;
    for (i = 0; i < p->n_sections; i++)
        if (p->sections[i].kind == k)
            return false;
    return true;
}

/* Whether a field before field j of the step has its label. */
static bool render_label_before(const struct proc_step *st, size_t j)
{
    size_t k;

    for (k = 0; k < j; k++)
        if (strcmp(st->fields[k].label, st->fields[j].label) == 0)
            return true;
    return false;
}

/* The chain on one line, each stage with its limit:
 * 社区受理初审（1个工作日）→ 街道审核（10个工作日）. */
static int render_print_stages(struct strbuf *sb, const struct procedure *p)
{
    size_t i;
    int rc = strbuf_puts(sb, "<span class=\"stages\">");

    for (i = 0; i < p->n_stages; i++) {
        const struct proc_stage *st = &p->stages[i];
        if (i)
            rc |= strbuf_puts(sb, " → ");
        rc |= strbuf_put_html(sb, st->label, strlen(st->label));
        rc |= st->days ? strbuf_printf(sb, "（%d个工作日）", st->days) : strbuf_puts(sb, "（当天）");
    }
    return rc | strbuf_printf(sb, "，合计%d个工作日。</span>", procedure_chain_days(p));
}

/* When an {if} holds, as the kiosk's overview says it: the question's label
 * and the answer that brings the item or step in; 部分情况需要 when the key
 * is not a field of p. */
static int render_print_when(struct strbuf *sb, const struct procedure *p, const struct cond *c)
{
    size_t step;
    const struct field *f = procedure_field_find(p, c->key, &step);
    const char *v = c->value;

    if (!f)
        return strbuf_puts(sb, "<span class=\"note\">（部分情况需要）</span>");
    if (f->type == FIELD_YESNO && strcmp(v, "yes") == 0)
        v = "是";
    else if (f->type == FIELD_YESNO && strcmp(v, "no") == 0)
        v = "否";
    return strbuf_puts(sb, "<span class=\"note\">（「") ||
           strbuf_put_html(sb, f->label, strlen(f->label)) ||
           strbuf_puts(sb, c->negate ? "」不选「" : "」选「") || strbuf_put_html(sb, v, strlen(v)) ||
           strbuf_puts(sb, "」时需要）</span>");
}

/* The tips (block quotes) of the steps that ask for papers, under the
 * list of what to bring: 照片须为白底彩色照片 is what the resident who reads
 * only the sheet needs to bring the right photo. The tips of the other
 * steps are how to type or what happens at the window, read on the screen
 * step by step; `{staff}` guidance is never among them. A tip of a step
 * that applies only in some cases says which, as its items do. */
static int render_print_tips(struct strbuf *sb, const struct procedure *p)
{
    size_t i;
    bool open = false;
    int rc = 0;

    for (i = 0; i < p->n_steps; i++) {
        const struct proc_step *st = &p->steps[i];
        if (!st->n_items || !st->tips_html)
            continue;
        if (!open)
            rc |= strbuf_puts(sb, "\n<div class=\"tips\">\n");
        open = true;
        if (st->has_cond)
            rc |= strbuf_puts(sb, "<p class=\"tip-when\">") || render_print_when(sb, p, &st->cond) ||
                  strbuf_puts(sb, "</p>\n");
        rc |= strbuf_puts(sb, st->tips_html);
    }
    if (open)
        rc |= strbuf_puts(sb, "</div>");
    return rc;
}

char *render_procedure_print(const struct procedure *p)
{
    struct strbuf sb = STRBUF_INIT;
    const struct fm_entry *e;
    size_t i, j, items = 0;
    int rc = 0;

    rc |= strbuf_puts(&sb, "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<title>");
    rc |= strbuf_put_html(&sb, p->title, strlen(p->title));
    rc |= strbuf_puts(&sb, " · 一次性告知单</title>\n"
                           "<link rel=\"stylesheet\" href=\"/assets/print.css\">\n</head>\n<body>\n"
                           "<header>");
    /* the hall that gives the sheet, as its receipts say it: a library
     * shared by several halls named none (hall_contact_tag holds the name,
     * so a new one renders the sheets again) */
    if (hall_name_get())
        rc |= strbuf_puts(&sb, "<p class=\"issuer\">") ||
              strbuf_put_html(&sb, hall_name_get(), strlen(hall_name_get())) ||
              strbuf_puts(&sb, "</p>\n");
    rc |= strbuf_puts(&sb, "<p class=\"kind\">一次性告知单</p>\n");
    rc |= print_text(&sb, "h1", p->title);
    rc |= strbuf_puts(&sb, "</header>\n<section class=\"summary\">");
    rc |= strbuf_puts(&sb, p->summary_html);
    rc |= strbuf_puts(&sb, "</section>\n<dl class=\"facts\">\n");
    for (i = 0; i < sizeof print_facts / sizeof print_facts[0]; i++) {
        if (!(e = frontmatter_get(&p->meta, print_facts[i].key)) || !*e->value ||
            !render_print_fact(p, print_facts[i].key))
            continue;
        rc |= print_text(&sb, "dt", print_facts[i].label);
        rc |= print_text(&sb, "dd", e->value);
    }
    /* the chain is a row of the facts, not a section of its own: the
     * sheet has one page, and the stages fit on a line or two */
    for (i = 0; i < p->n_sections; i++) {
        if (p->sections[i].kind != SECTION_CHAIN)
            continue;
        rc |= print_text(&sb, "dt", p->sections[i].title);
        rc |= strbuf_puts(&sb, "<dd>");
        rc |= strbuf_puts(&sb, p->sections[i].html ? p->sections[i].html : "");
        if (p->chain_written)
            rc |= render_print_stages(&sb, p);
        rc |= strbuf_puts(&sb, "</dd>\n");
    }
    rc |= strbuf_puts(&sb, "</dl>\n");
    for (i = 0; i < p->n_steps; i++)
        items += p->steps[i].n_items;
    if (items) {
        /* the point of the sheet: everything to bring, in one list */
        rc |= strbuf_puts(&sb, "<section class=\"materials\"><h2>需要准备</h2>\n<ul>\n");
        for (i = 0; i < p->n_steps; i++) {
            for (j = 0; j < p->steps[i].n_items; j++) {
                const struct proc_item *it = &p->steps[i].items[j];
                rc |= strbuf_puts(&sb, "<li>");
                rc |= strbuf_put_html(&sb, it->text, strlen(it->text));
                if (!it->required)
                    rc |= strbuf_puts(&sb, "<span class=\"note\">（如有）</span>");
                if (it->has_cond || p->steps[i].has_cond)
                    rc |= render_print_when(&sb, p, it->has_cond ? &it->cond : &p->steps[i].cond);
                rc |= strbuf_puts(&sb, "</li>\n");
            }
        }
        rc |= strbuf_puts(&sb, "</ul>");
        rc |= render_print_tips(&sb, p);
        rc |= strbuf_puts(&sb, "</section>\n");
    }
    for (i = 0; i < p->n_sections; i++) {
        if (p->sections[i].kind == SECTION_CHAIN)
            continue; /* a row of the facts above */
        rc |= strbuf_puts(&sb, "<section>");
        rc |= print_text(&sb, "h2", p->sections[i].title);
        rc |= strbuf_puts(&sb, p->sections[i].html ? p->sections[i].html : "");
        rc |= strbuf_puts(&sb, "</section>\n");
    }
    if (p->n_steps) {
        rc |= strbuf_puts(&sb, "<section class=\"steps\"><h2>办理步骤</h2>\n<ol>\n");
        for (i = 0; i < p->n_steps; i++) {
            const struct proc_step *st = &p->steps[i];
            const char *label = procedure_step_label(st->title);
            rc |= strbuf_puts(&sb, "<li>");
            rc |= strbuf_put_html(&sb, label, strlen(label));
            if (st->has_cond)
                rc |= render_print_when(&sb, p, &st->cond);
            /* the step's own text is how to do it on the screen (tips for
             * typing, what the window will check): the sheet names the
             * step and what will be asked, and stays one page */
            if (st->n_fields) {
                rc |= strbuf_puts(&sb, "<span class=\"fields\">（需填写：");
                for (j = 0; j < st->n_fields; j++) {
                    /* fields asked in one case or another share a label
                     * (出生日期 of the applicant or of the child): once */
                    if (render_label_before(st, j))
                        continue;
                    if (j)
                        rc |= strbuf_puts(&sb, "、");
                    rc |= strbuf_put_html(&sb, st->fields[j].label, strlen(st->fields[j].label));
                }
                rc |= strbuf_puts(&sb, "）</span>");
            }
            rc |= strbuf_puts(&sb, "</li>\n");
        }
        rc |= strbuf_puts(&sb, "</ol></section>\n");
    }
    rc |= strbuf_puts(&sb, "<footer><p>");
    if ((e = frontmatter_get(&p->meta, "version")))
        rc |= strbuf_puts(&sb, "版本 ") || strbuf_put_html(&sb, e->value, strlen(e->value)) ||
              strbuf_puts(&sb, "。");
    rc |= strbuf_puts(&sb, "政策如有调整，以窗口工作人员解释为准。</p></footer>\n</body>\n</html>\n");
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}
