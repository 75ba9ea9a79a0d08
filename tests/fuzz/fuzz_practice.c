/* libFuzzer harness: an ID.practice.md through practice_parse_partial, as the
 * loader and the admin's editor read one. The bytes are copied without a
 * terminating NUL: the parse takes text[0..len), and an overread
 * past len is a bug ASan should see. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "practice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct practice *pr = NULL;
    char *text = malloc(size ? size : 1);
    int r;

    if (!text)
        return 0;
    memcpy(text, data, size);
    /* the partial parse is the whole parse, and keeps what parsed on
     * errors: freeing a half-made set is covered too */
    r = practice_parse_partial("a/x.practice.md", text, size, &pr, &d);
    if (r == 0 && (!pr || pr->n_scenarios == 0))
        abort();    /* a parsed file has at least one scenario */
    if (r != 0 && r != 1 && pr)
        abort();    /* memory ran out: nothing is handed back */
    practice_free(pr);
    diag_list_free(&d);
    free(text);
    return 0;
}
