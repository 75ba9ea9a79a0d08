/* Parses a unit test's procedure text as the library hands a file to the
 * parser: a private heap copy of exactly its bytes, so that AddressSanitizer
 * sees a read past the end (the parser gets a length, not a string), under
 * PATH (defined before this header, as for expect.h) with a fixed hash.
 * Shared so that each parser test does not carry its own copy. */
#ifndef SPK_TEST_PROCSRC_H
#define SPK_TEST_PROCSRC_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "procedure.h"

/* procedure_parse's result for text as ID in CATEGORY; the caller frees *p
 * (on success) and d. */
static inline int procsrc_parse(const char *id, const char *category, const char *text,
                                struct procedure **p, struct diag_list *d)
{
    static const char hash[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct procedure_src src;
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);
    int rc;

    cr_assert_not_null(copy);
    memcpy(copy, text, len);
    memset(&src, 0, sizeof src);
    src.path = PATH;
    src.id = id;
    src.category = category;
    src.text = copy;
    src.len = len;
    src.hash = hash;
    rc = procedure_parse(&src, p, d);
    free(copy);
    return rc;
}

#endif
