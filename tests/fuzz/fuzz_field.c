/* libFuzzer harness: one form line through field_parse_line (types, rules,
 * the pattern guard and regcomp, markers). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "field.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct field f;
    char *text;

    if (size > 4096)
        return 0; /* a form line; longer inputs only slow the search down */
    if (!(text = malloc(size ? size : 1)))
        return 0;
    memcpy(text, data, size);
    memset(&f, 0, sizeof f);
    (void)field_parse_line("fuzz.md", 1, text, size, &f, &d);
    field_free(&f);
    diag_list_free(&d);
    free(text);
    return 0;
}
