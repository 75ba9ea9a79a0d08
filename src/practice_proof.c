/* practice_proof: proves a practice file's scenarios against a procedure
 * and judges a trainee's answer to one of them.
 *
 * A scenario is proved by walking it through the procedure as the walk
 * of a case does: steps in order, each step's answers checked against the
 * answers before it, so that situations ({if …}) apply exactly as they
 * would at the window.
 */
#include "practice_proof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "strbuf.h"
#include "utf8.h"
#include "validate.h"

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

/* The procedure's checklist items as "id（text）、…" in *sb, each text cut
 * to PRACTICE_ITEM_SHOWN bytes and at most PRACTICE_ITEMS_SHOWN of them:
 * what an unknown id in brought can be put right with, without opening the
 * procedure file to find the {#…} at each item's end. 0, or -1. */
#define PRACTICE_ITEMS_SHOWN 30
#define PRACTICE_ITEM_SHOWN 48
static int practice_items_text(const struct procedure *p, struct strbuf *sb)
{
    size_t i, j, shown = 0;
    int rc = 0;

    for (i = 0; i < p->n_steps; i++)
        for (j = 0; j < p->steps[i].n_items; j++) {
            const struct proc_item *it = &p->steps[i].items[j];
            size_t n = utf8_prefix_len(it->text, PRACTICE_ITEM_SHOWN);
            if (shown++ == PRACTICE_ITEMS_SHOWN) {
                rc |= strbuf_puts(sb, "……");
                return rc ? -1 : 0;
            }
            rc |= strbuf_printf(sb, "%s%s（%.*s%s）", shown > 1 ? "、" : "", it->id, (int)n, it->text,
                                it->text[n] ? "…" : "");
        }
    return rc ? -1 : 0;
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
            struct strbuf ids = STRBUF_INIT;
            if (practice_items_text(p, &ids) != 0)
                diags->oom = 1;
            diag_error(diags, path, s->brought_line, "brought 里的 %s 不是这个事项的清单项编号%s%s",
                       s->brought[i], ids.len ? "；这个事项的清单项有：" : "；这个事项没有清单项",
                       ids.len ? ids.data : "");
            strbuf_free(&ids);
        } else if (!cases_item_applies(&w->cs, k, it)) {
            practice_why_not(w, k, it->has_cond ? &it->cond : NULL, why, sizeof why);
            diag_error(diags, path, s->brought_line, "brought 里的 %s（%s）在这个场景里不需要：%s",
                       it->id, it->text, why);
        }
    }
}

/* Whether key is among e's return flags. */
static bool practice_expect_has(const struct practice_expect *e, const char *key)
{
    size_t i;

    for (i = 0; i < e->n_flags; i++)
        if (strcmp(e->flags[i], key) == 0)
            return true;
    return false;
}

/* Whether the field or item key applies only by an answer the return
 * flags ({if} on it or on its step): fixing that answer may take it away,
 * so it need not be flagged itself (a newborn's birth date, when the
 * category 新生儿 was the mistake). */
static bool practice_follows_flag(const struct procedure *p, const struct practice_expect *e,
                                  const char *key)
{
    const struct field *f;
    const struct proc_item *it;
    size_t k;

    if ((f = procedure_field_find(p, key, &k)))
        return (f->has_cond && practice_expect_has(e, f->cond.key)) ||
               (p->steps[k].has_cond && practice_expect_has(e, p->steps[k].cond.key));
    if ((it = procedure_item_find(p, key, &k)))
        return (it->has_cond && practice_expect_has(e, it->cond.key)) ||
               (p->steps[k].has_cond && practice_expect_has(e, p->steps[k].cond.key));
    return false;
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
                           "expect = accept，但第 %zu 条办理条件答的是「否」（应为 expect = refuse %zu）",
                           i + 1, i + 1);
        for (i = 0; i < w->n_fails; i++) {
            const struct practice_fail *f = &w->fails[i];
            const struct proc_item *it;
            /* a value outside a choice's options is reported at its own line */
            if (f->code && (strcmp(f->code, "not_an_option") == 0 || strcmp(f->code, "yesno") == 0))
                continue;
            if (f->code)
                diag_error(diags, path, line, "expect = accept，但字段 %s 过不了检查：%s", f->key,
                           f->message);
            else if ((it = procedure_item_find(p, f->key, &k)))
                diag_error(diags, path, line, "expect = accept，但没有带必需的材料 %s（%s）", it->id,
                           it->text);
        }
        break;
    case PRACTICE_RETURN:
        /* a resident who does not meet a condition is refused, never sent
         * back for papers: the trainee who refused such a case was judged
         * wrong, with that very condition first under 为什么 */
        for (i = 0; i < s->n_conditions; i++)
            if (!s->conditions[i])
                diag_error(diags, path, line,
                           "expect = return，但第 %zu 条办理条件答的是「否」：条件不符合应当不予受理"
                           "（应为 expect = refuse %zu），补正材料改变不了条件",
                           i + 1, i + 1);
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
        /* another problem of the case left off the list is a warning, not
         * an error: the contract's own example returns one paper while
         * fields it does not give are empty ("a field not given is
         * empty"), and its list of errors has no such rule. The trainee
         * who flags it too is judged right (practice_correct), so the
         * file's writer is told only that the scenario tests more than
         * its expect says. */
        for (i = 0; i < w->n_fails; i++) {
            const struct practice_fail *f = &w->fails[i];
            const struct proc_item *it;
            if (f->code && (strcmp(f->code, "not_an_option") == 0 || strcmp(f->code, "yesno") == 0))
                continue;
            if (practice_expect_has(e, f->key) || practice_follows_flag(p, e, f->key))
                continue;
            if (f->code)
                diag_warn(diags, path, line,
                          "expect = return 没有列出字段 %s：它在这个场景里也过不了检查（%s）。"
                          "学员把它也标出来同样算对；退回要一次说清全部问题，最好把 %s 也写进 return，"
                          "或在 case 里给它一个能过检查的值",
                          f->key, f->message, f->key);
            else if ((it = procedure_item_find(p, f->key, &k)))
                diag_warn(diags, path, line,
                          "expect = return 没有列出材料 %s（%s）：这个场景没有带这份必需的材料。"
                          "学员把它也标出来同样算对；退回要一次说清全部问题，最好把 %s 也写进 return，"
                          "或在 brought 里写上它",
                          it->id, it->text, it->id);
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

int practice_proof_check(const char *path, const struct practice *pr, const struct procedure *p,
                         int today, struct diag_list *diags)
{
    size_t errors = diags->errors, i;

    if (p->kind == PROC_POLICY || p->n_steps == 0)
        return diag_error(diags, path, 1, "「%s」是政策文件，没有办理步骤，不能写练习题", p->title) < 0
                   ? -1 : 1;
    for (i = 0; i < pr->n_scenarios; i++) {
        const struct practice_scenario *s = &pr->scenarios[i];
        struct practice_walk w;

        if (s->bad)
            continue;   /* its own errors are reported; a proof would guess */
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

/* Whether the walk found key failing (a field's check, a required item
 * not brought). */
static bool practice_walk_fails(const struct practice_walk *w, const char *key)
{
    size_t i;

    for (i = 0; i < w->n_fails; i++)
        if (strcmp(w->fails[i].key, key) == 0)
            return true;
    return false;
}

/* The trainee's answer against the expected one. A return must flag every
 * key the file lists, and may also flag any other field or item the case
 * really fails on: one that fails only by a flagged answer
 * (practice_follows_flag), or one the file left off its list (a warning of
 * the proof). The trainee who flags it saw a real problem; marking that
 * wrong was a review's finding. A flag on what does not fail is wrong. */
static bool practice_correct(const struct practice_scenario *s, const struct practice_walk *w,
                             const struct practice_answer *a)
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
            if (!practice_expect_has(e, a->flags[i]) && !practice_walk_fails(w, a->flags[i]))
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

int practice_proof_judge(const struct practice_scenario *s, const struct procedure *p, int today,
                         const struct practice_answer *a, struct practice_verdict *v)
{
    struct practice_walk w;
    size_t i, k;
    int rc = -1;

    memset(v, 0, sizeof *v);
    if (practice_walk_run(s, p, today, &w) != 0)
        return -1;
    v->correct = practice_correct(s, &w, a);
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
        practice_proof_verdict_free(v);
    return rc;
}

void practice_proof_verdict_free(struct practice_verdict *v)
{
    size_t i;

    for (i = 0; i < v->n_notes; i++)
        free(v->notes[i].text);
    free(v->notes);
    memset(v, 0, sizeof *v);
}
