/* libFuzzer harness: an ID.practice.md through practice_parse, as the
 * loader and the admin's editor read one. The bytes are copied without a
 * terminating NUL: practice_parse takes text[0..len), and an overread
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

    if (!text)
        return 0;
    memcpy(text, data, size);
    if (practice_parse("a/x.practice.md", text, size, &pr, &d) == 0 && (!pr || pr->n_scenarios == 0))
        abort();    /* a parsed file has at least one scenario */
    practice_free(pr);
    diag_list_free(&d);
    free(text);
    return 0;
}
