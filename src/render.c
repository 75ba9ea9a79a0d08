/* render: model -> JSON with cJSON. Key order follows the HTTP API spec so
 * that the documents read well when a person looks at them. */
#include "render.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

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

static int render_step(cJSON *arr, const struct proc_step *st)
{
    cJSON *o = cJSON_CreateObject(), *items, *fields;
    size_t i;

    if (!o || !cJSON_AddItemToArray(arr, o))
        return (cJSON_Delete(o), -1);
    if (!cJSON_AddStringToObject(o, "title", st->title) ||
        !cJSON_AddStringToObject(o, "html", st->html ? st->html : "") ||
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

static char *render_finish(cJSON *root, int rc)
{
    char *s = rc == 0 ? cJSON_PrintUnformatted(root) : NULL;

    cJSON_Delete(root);
    return s;
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
    for (i = 0; i < p->meta.n; i++)
        if (!cJSON_AddStringToObject(meta, p->meta.items[i].key, p->meta.items[i].value))
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
    if (!(conds = cJSON_AddArrayToObject(root, "conditions")))
        goto out;
    for (i = 0; i < p->n_conditions; i++) {
        cJSON *s = cJSON_CreateString(p->conditions[i]);
        if (!s || !cJSON_AddItemToArray(conds, s)) {
            cJSON_Delete(s);
            goto out;
        }
    }
    if (!(steps = cJSON_AddArrayToObject(root, "steps")))
        goto out;
    for (i = 0; i < p->n_steps; i++)
        if (render_step(steps, &p->steps[i]) != 0)
            goto out;
    rc = 0;
out:
    return render_finish(root, rc);
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
