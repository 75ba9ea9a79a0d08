/* Assertions on diagnostics shared by the parser tests. A test file defines
 * PATH (the file name its inputs are reported under) before including this.
 * Functions are static inline so that a file need not use all of them. */
#ifndef SPK_TEST_EXPECT_H
#define SPK_TEST_EXPECT_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

/* Every entry of l, for failure messages. */
static inline const char *dump(const struct diag_list *l)
{
    static char buf[16384];
    size_t i, off = 0;
    int k;

    buf[0] = '\0';
    for (i = 0; i < l->n && off < sizeof buf; i++) {
        k = snprintf(buf + off, sizeof buf - off, "\n  %s:%d: %s%s", l->items[i].file,
                     l->items[i].line, l->items[i].severity == DIAG_ERROR ? "" : "warning: ",
                     l->items[i].message);
        if (k < 0)
            break;
        off += (size_t)k;
    }
    return buf;
}

static inline bool has_diag(const struct diag_list *l, int line, enum diag_severity sev,
                            const char *sub)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->items[i].line == line && l->items[i].severity == sev &&
            strcmp(l->items[i].file, PATH) == 0 && strstr(l->items[i].message, sub))
            return true;
    return false;
}

/* Asserts an entry at line with severity sev whose message contains sub. */
static inline void expect_diag(const struct diag_list *l, int line, enum diag_severity sev,
                               const char *sub)
{
    cr_assert(has_diag(l, line, sev, sub), "no %s at line %d containing 「%s」; got:%s",
              sev == DIAG_ERROR ? "error" : "warning", line, sub, dump(l));
}

static inline size_t count_sev(const struct diag_list *l, enum diag_severity sev)
{
    size_t i, n = 0;

    for (i = 0; i < l->n; i++)
        if (l->items[i].severity == sev)
            n++;
    return n;
}

/* Asserts exact counts, so that a test cannot pass by finding nothing. */
static inline void expect_counts(const struct diag_list *l, size_t errors, size_t warnings)
{
    cr_assert_eq(l->errors, errors, "want %zu errors, got %zu:%s", errors, l->errors, dump(l));
    cr_assert_eq(count_sev(l, DIAG_ERROR), errors, "%s", dump(l));
    cr_assert_eq(count_sev(l, DIAG_WARNING), warnings, "want %zu warnings:%s", warnings, dump(l));
}

#endif
