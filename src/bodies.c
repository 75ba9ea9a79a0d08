/* bodies: the JSON bodies of the routes, from bytes to checked C values,
 * kept apart from the handlers so that a fuzzer reaches every shape check
 * without a connection or a database (see include/bodies.h).
 */
#include "bodies.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cJSON decodes \u0000 into its NUL-terminated strings, which would cut a
 * value short after validation. Each such escape (not a literal backslash
 * before "u0000") becomes \u0001, same length, which the validators refuse
 * as a control character, so the resident hears which field is wrong. */
static void bodies_defuse_nul(char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i++) {
        if (s[i] != '\\')
            continue;
        if (s[i + 1] == 'u' && i + 5 < n && memcmp(s + i + 2, "0000", 4) == 0)
            s[i + 5] = '1';
        i++; /* skip the escaped character: "\\\\u0000" is text */
    }
}

/* Whether data[0..len) holds more than BODIES_TOKENS_MAX opening brackets
 * and commas outside strings: one pass and no allocation, so that a body of a million tiny values is refused before
 * cJSON builds them. */
static bool bodies_too_many(const char *data, size_t len)
{
    size_t i, n = 0;
    bool str = false;

    for (i = 0; i < len; i++) {
        char c = data[i];
        if (str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                str = false;
        } else if (c == '"') {
            str = true;
        } else if ((c == '{' || c == '[' || c == ',') && ++n > BODIES_TOKENS_MAX) {
            return true;
        }
    }
    return false;
}

cJSON *bodies_parse_json(const char *data, size_t len)
{
    const char *end = NULL, *p;
    cJSON *root;

    if (data && bodies_too_many(data, len))
        return NULL;
    root = cJSON_ParseWithLengthOpts(data ? data : "", data ? len : 0, &end, 0);

    /* cJSON stops after the first value: `{"a":1} x` is not a JSON text */
    if (root && end) {
        for (p = end; p < (data ? data : "") + len; p++) {
            if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
                cJSON_Delete(root);
                return NULL;
            }
        }
    }
    return root;
}

cJSON *bodies_parse(char *data, size_t len)
{
    cJSON *root;

    if (data && memchr(data, '\0', len))
        return NULL;
    if (data)
        bodies_defuse_nul(data, len);
    root = bodies_parse_json(data, data ? len : 0);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

const char *bodies_text(const cJSON *body, const char *key)
{
    const cJSON *v = body ? cJSON_GetObjectItemCaseSensitive(body, key) : NULL;

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int bodies_optional_text(const cJSON *body, const char *key, const char **text)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

    *text = NULL;
    if (v && !cJSON_IsNull(v) && !cJSON_IsString(v))
        return 1;
    *text = cJSON_IsString(v) ? v->valuestring : NULL;
    return 0;
}

int bodies_optional_bool(const cJSON *body, const char *key, bool *on)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

    *on = cJSON_IsTrue(v);
    return !v || cJSON_IsNull(v) || cJSON_IsBool(v) ? 0 : 1;
}

int bodies_optional_count(const cJSON *body, const char *key, int *n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

    *n = -1;
    if (!v || cJSON_IsNull(v))
        return 0;
    /* a count the page read: 2.5, -1 or 1e300 is no count it could have shown */
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
        v->valuedouble > INT_MAX || v->valuedouble != floor(v->valuedouble))
        return 1;
    *n = (int)v->valuedouble;
    return 0;
}

int bodies_case_create(const cJSON *body, const char **procedure, const char **channel)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(body, "procedure");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(body, "channel");

    *procedure = *channel = NULL;
    if (!cJSON_IsString(p))
        return 1;
    if (c && !cJSON_IsString(c) && !cJSON_IsNull(c))
        return 2;
    *procedure = p->valuestring;
    *channel = cJSON_IsString(c) ? c->valuestring : NULL;
    return 0;
}

int bodies_case_conditions(const cJSON *body, bool **confirmed, size_t *n)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "confirmed"), *item;

    *confirmed = NULL;
    *n = 0;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > BODIES_CONDITIONS_MAX)
        return 1;
    if (!(*confirmed = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof **confirmed)))
        return -1;
    cJSON_ArrayForEach(item, arr) {
        if (!cJSON_IsBool(item))
            return 2;
        (*confirmed)[(*n)++] = cJSON_IsTrue(item);
    }
    return 0;
}

/* The answers of a step body's part (an object, or NULL) as C values, in
 * the order sent: strings point into part, numbers are written out into
 * nums (one slot per answer). Returns 0, or -1 when memory ran out. */
static int bodies_inputs(const cJSON *part, struct case_input **out, size_t *n, char (**nums)[32])
{
    const cJSON *x;
    size_t count = 0, k = 0;

    *out = NULL;
    *nums = NULL;
    *n = 0;
    cJSON_ArrayForEach(x, part)
        count++;
    if (!(*out = calloc(count + 1, sizeof **out)) || !(*nums = calloc(count + 1, sizeof **nums)))
        return -1;
    cJSON_ArrayForEach(x, part) {
        struct case_input *a = &(*out)[k];
        a->key = x->string;
        if (cJSON_IsNull(x)) {
            a->kind = CASE_INPUT_NONE;
        } else if (cJSON_IsString(x)) {
            a->kind = CASE_INPUT_TEXT;
            a->text = x->valuestring;
        } else if (cJSON_IsBool(x)) {
            a->kind = cJSON_IsTrue(x) ? CASE_INPUT_YES : CASE_INPUT_NO;
        } else if (cJSON_IsNumber(x)) {
            a->kind = CASE_INPUT_NUMBER;
            snprintf((*nums)[k], sizeof (*nums)[k], "%.15g", x->valuedouble);
            a->text = (*nums)[k];
        } else {
            a->kind = CASE_INPUT_OTHER;
        }
        k++;
    }
    *n = k;
    return 0;
}

int bodies_case_answers(const cJSON *body, struct bodies_answers *out)
{
    const cJSON *pf = cJSON_GetObjectItemCaseSensitive(body, "fields");
    const cJSON *pc = cJSON_GetObjectItemCaseSensitive(body, "checklist");

    memset(out, 0, sizeof *out);
    if ((pf && !cJSON_IsObject(pf)) || (pc && !cJSON_IsObject(pc)))
        return 1;
    if (bodies_inputs(pf, &out->fields, &out->in.n_fields, &out->nums) != 0 ||
        bodies_inputs(pc, &out->ticks, &out->in.n_checklist, &out->tick_nums) != 0)
        return -1;
    out->in.fields = out->fields;
    out->in.checklist = out->ticks;
    return 0;
}

void bodies_answers_free(struct bodies_answers *a)
{
    free(a->fields);
    free(a->ticks);
    free(a->nums);
    free(a->tick_nums);
    memset(a, 0, sizeof *a);
}

int bodies_case_visit(const cJSON *body, struct visit_ask *ask)
{
    const cJSON *jv = cJSON_GetObjectItemCaseSensitive(body, "visit");

    memset(ask, 0, sizeof *ask);
    if (!jv || cJSON_IsNull(jv))
        return 0;
    if (!cJSON_IsObject(jv))
        return 2;
    ask->date = bodies_text(jv, "date");
    ask->slot = bodies_text(jv, "slot");
    ask->address = bodies_text(jv, "address");
    ask->phone = bodies_text(jv, "phone");
    return 1;
}

bool bodies_prereview(const cJSON *body, bool *on)
{
    const cJSON *p = body ? cJSON_GetObjectItemCaseSensitive(body, "prereview") : NULL;

    *on = cJSON_IsTrue(p);
    return !p || cJSON_IsNull(p) || cJSON_IsBool(p);
}

bool bodies_window(const cJSON *body, const char **window, char num[24])
{
    const cJSON *w = body ? cJSON_GetObjectItemCaseSensitive(body, "window") : NULL;

    *window = NULL;
    if (!w || cJSON_IsNull(w))
        return true;
    if (cJSON_IsString(w)) {
        *window = w->valuestring;
        return true;
    }
    if (cJSON_IsNumber(w) && w->valuedouble >= 0 && w->valuedouble < 1e6 &&
        w->valuedouble == (double)(long)w->valuedouble) {
        snprintf(num, 24, "%ld", (long)w->valuedouble);
        *window = num;
        return true;
    }
    return false;
}

int bodies_flags(const cJSON *in, struct window_flags *out, const char ***names, size_t *used)
{
    const cJSON *x;
    size_t cap;

    memset(out, 0, sizeof *out);
    *names = NULL;
    if (!in || cJSON_IsNull(in))
        return 0;
    if (!cJSON_IsArray(in)) {
        out->bad_tail = true;
        return 0;
    }
    cap = (size_t)cJSON_GetArraySize(in);
    if (cap > WINDOW_FLAGS_MAX + 1)
        cap = WINDOW_FLAGS_MAX + 1;
    if (!(*names = calloc(cap + 1, sizeof **names)))
        return -1;
    cJSON_ArrayForEach(x, in) {
        if (!cJSON_IsString(x) || ++*used > WINDOW_FLAGS_MAX) {
            out->bad_tail = true;
            break;
        }
        (*names)[out->n++] = x->valuestring;
    }
    out->names = *names;
    return 0;
}

int bodies_spreport(const cJSON *body, struct bodies_spreport *out)
{
    const cJSON *hash = cJSON_GetObjectItemCaseSensitive(body, "hash");
    const cJSON *step = cJSON_GetObjectItemCaseSensitive(body, "step");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(body, "kind");

    memset(out, 0, sizeof *out);
    if (!cJSON_IsString(hash) || !cJSON_IsNumber(step) || (kind && !cJSON_IsString(kind)) ||
        bodies_optional_text(body, "note", &out->note) != 0)
        return 1;
    /* a fraction or a huge number is no step of any version */
    out->step = step->valuedouble >= 0 && step->valuedouble < 1e6 &&
                        floor(step->valuedouble) == step->valuedouble
                    ? (long long)step->valuedouble
                    : -1;
    /* longer than any hash: no version of the procedure */
    out->hash = strlen(hash->valuestring) <= BODIES_HASH_MAX ? hash->valuestring : "";
    out->kind = kind ? kind->valuestring : NULL;
    return 0;
}

int bodies_practice_answer(const cJSON *body, struct practice_answer *a, const char ***flags)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(body, "decision");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(body, "flags");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(body, "condition"), *x;
    size_t n = 0;

    memset(a, 0, sizeof *a);
    *flags = NULL;
    if (!cJSON_IsString(d) || (strcmp(d->valuestring, "accept") != 0 && strcmp(d->valuestring, "return") != 0 &&
                               strcmp(d->valuestring, "refuse") != 0))
        return 1;
    a->decision = strcmp(d->valuestring, "accept") == 0   ? PRACTICE_ACCEPT
                  : strcmp(d->valuestring, "return") == 0 ? PRACTICE_RETURN
                                                          : PRACTICE_REFUSE;
    if (f && !cJSON_IsNull(f)) {
        if (!cJSON_IsArray(f) || cJSON_GetArraySize(f) > PRACTICE_MAX_IDS)
            return 2;
        if (!(*flags = calloc((size_t)cJSON_GetArraySize(f) + 1, sizeof **flags)))
            return -1;
        cJSON_ArrayForEach(x, f) {
            if (!cJSON_IsString(x))
                return 2;
            (*flags)[n++] = x->valuestring;
        }
    }
    if (c && !cJSON_IsNull(c)) {
        /* out of int's range the cast is undefined (found by fuzz_bodies:
         * 1e205); no condition has such a number */
        if (!cJSON_IsNumber(c) || !(c->valuedouble >= INT_MIN && c->valuedouble <= INT_MAX) ||
            c->valuedouble != (double)(int)c->valuedouble)
            return 3;
        a->condition = (int)c->valuedouble;
    }
    /* only what the decision uses counts */
    if (a->decision == PRACTICE_RETURN) {
        a->flags = *flags;
        a->n_flags = n;
    }
    if (a->decision != PRACTICE_REFUSE)
        a->condition = 0;
    return 0;
}

int bodies_visit_result(const cJSON *body, bool *handled, const char **date)
{
    const char *r = bodies_text(body, "result");

    *handled = false;
    *date = bodies_text(body, "date");
    if (!r || (strcmp(r, "handled") != 0 && strcmp(r, "not_home") != 0))
        return 1;
    *handled = strcmp(r, "handled") == 0;
    return 0;
}

int bodies_followup(const cJSON *body, const char **result, const char **note)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(body, "result");

    *result = NULL;
    if ((r && !cJSON_IsString(r)) || bodies_optional_text(body, "note", note) != 0)
        return 1;
    *result = r ? r->valuestring : NULL;
    return 0;
}

const char *bodies_hash(const cJSON *body)
{
    const char *h = bodies_text(body, "hash");

    return h && strlen(h) > BODIES_HASH_MAX ? "" : h;
}
