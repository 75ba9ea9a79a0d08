/* diag: collects FILE:LINE diagnostics from every stage of loading. */
#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Stores one entry; the caps are the caller's business. */
static int diag_store(struct diag_list *l, const char *file, int line, enum diag_severity sev,
                      char *msg)
{
    struct diag *d;
    char *f;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        if (!(d = realloc(l->items, cap * sizeof *d)))
            return -1;
        l->items = d;
        l->cap = cap;
    }
    if (!(f = strdup(file ? file : "")))
        return -1;
    if (l->n && strcmp(l->items[l->n - 1].file, f) == 0)
        l->run++;
    else
        l->run = 1;
    d = &l->items[l->n++];
    d->file = f;
    d->line = line;
    d->severity = sev;
    d->message = msg;
    return 0;
}

int diag_add(struct diag_list *l, const char *file, int line, enum diag_severity sev,
             const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    int n, rc = -1;
    bool same = l->n && strcmp(l->items[l->n - 1].file, file ? file : "") == 0;

    if (sev == DIAG_ERROR)
        l->errors++;
    if (l->n >= DIAG_MAX_PER_LIST) {
        l->truncated = 1;
        return 0;
    }
    if (same && l->run > DIAG_MAX_PER_FILE)
        return 0;
    if (same && l->run == DIAG_MAX_PER_FILE) {
        if (!(msg = strdup("这个文件的问题太多，后面的没有列出；请先改正上面这些")))
            goto out;
        l->errors++;
        if (diag_store(l, file, line, DIAG_ERROR, msg) != 0)
            goto out;
        return 0;
    }
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(msg = malloc((size_t)n + 1)))
        goto out;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (diag_store(l, file, line, sev, msg) != 0)
        goto out;
    msg = NULL;
    rc = 0;
out:
    if (rc != 0)
        l->oom = 1;
    free(msg);
    return rc;
}

int diag_list_move(struct diag_list *dst, struct diag_list *src)
{
    size_t need = dst->n + src->n;

    if (need > dst->cap) {
        struct diag *d = realloc(dst->items, need * sizeof *d);
        if (!d)
            return -1;
        dst->items = d;
        dst->cap = need;
    }
    if (src->n)
        memcpy(dst->items + dst->n, src->items, src->n * sizeof *src->items);
    dst->n = need;
    dst->errors += src->errors;
    dst->oom |= src->oom;
    dst->truncated |= src->truncated;
    dst->run = src->n ? src->run : dst->run;
    free(src->items);
    memset(src, 0, sizeof *src);
    return 0;
}

void diag_list_drop_seen(struct diag_list *src, const struct diag_list *seen)
{
    size_t i, j, kept = 0;

    for (i = 0; i < src->n; i++) {
        struct diag *d = &src->items[i];
        bool dup = false;
        for (j = 0; j < seen->n && !dup; j++) {
            const struct diag *s = &seen->items[j];
            dup = s->line == d->line && s->severity == d->severity && strcmp(s->file, d->file) == 0 &&
                  strcmp(s->message, d->message) == 0;
        }
        if (!dup) {
            src->items[kept++] = *d;
            continue;
        }
        if (d->severity == DIAG_ERROR && src->errors)
            src->errors--;
        free(d->file);
        free(d->message);
    }
    src->n = kept;
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
    if (l->truncated)
        fprintf(out, "（问题太多，只列出了前 %d 条）\n", DIAG_MAX_PER_LIST);
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
