/* diag: collects FILE:LINE diagnostics from every stage of loading. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int diag_add(struct diag_list *l, const char *file, int line, enum diag_severity sev,
             const char *fmt, ...)
{
    struct diag *d;
    va_list ap;
    char *msg = NULL, *f = NULL;
    int n, rc = -1;

    if (sev == DIAG_ERROR)
        l->errors++;
    if (l->n >= DIAG_MAX_PER_LIST)
        goto out;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        d = realloc(l->items, cap * sizeof *d);
        if (!d)
            goto out;
        l->items = d;
        l->cap = cap;
    }
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(msg = malloc((size_t)n + 1)))
        goto out;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (!(f = strdup(file ? file : "")))
        goto out;
    d = &l->items[l->n++];
    d->file = f;
    d->line = line;
    d->severity = sev;
    d->message = msg;
    msg = f = NULL;
    rc = 0;
out:
    if (rc != 0)
        l->oom = 1;
    free(msg);
    free(f);
    return rc;
}

int diag_list_move(struct diag_list *dst, struct diag_list *src)
{
    size_t need = dst->n + src->n;

    if (src->n == 0)
        return 0;
    if (need > dst->cap) {
        struct diag *d = realloc(dst->items, need * sizeof *d);
        if (!d)
            return -1;
        dst->items = d;
        dst->cap = need;
    }
    memcpy(dst->items + dst->n, src->items, src->n * sizeof *src->items);
    dst->n = need;
    dst->errors += src->errors;
    dst->oom |= src->oom;
    free(src->items);
    src->items = NULL;
    src->n = src->cap = src->errors = 0;
    src->oom = 0;
    return 0;
}

static int diag_cmp(const struct diag *a, const struct diag *b)
{
    int c = strcmp(a->file, b->file);

    if (c)
        return c;
    return (a->line > b->line) - (a->line < b->line);
}

void diag_list_sort(struct diag_list *l)
{
    size_t i, j;
    struct diag tmp;

    /* insertion sort: stable, and lists are short and nearly sorted */
    for (i = 1; i < l->n; i++) {
        tmp = l->items[i];
        for (j = i; j > 0 && diag_cmp(&l->items[j - 1], &tmp) > 0; j--)
            l->items[j] = l->items[j - 1];
        l->items[j] = tmp;
    }
}

void diag_list_print(const struct diag_list *l, FILE *out)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        const struct diag *d = &l->items[i];
        fprintf(out, "%s:%d: %s%s\n", d->file, d->line,
                d->severity == DIAG_WARNING ? "warning: " : "", d->message);
    }
}

size_t diag_list_count(const struct diag_list *l, const char *file, enum diag_severity sev)
{
    size_t i, c = 0;

    for (i = 0; i < l->n; i++)
        if (l->items[i].severity == sev && strcmp(l->items[i].file, file) == 0)
            c++;
    return c;
}

void diag_list_free(struct diag_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        free(l->items[i].file);
        free(l->items[i].message);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}
