/* libFuzzer harness: a _triage.md through triage_parse and triage_render,
 * with a resolver that knows one file and calls another broken. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "triage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_resolve(void *ctx, const char *rel, int line, bool *broken)
{
    (void)ctx;
    (void)line;
    *broken = strcmp(rel, "a/broken.md") == 0;
    if (strcmp(rel, "a/b.md") == 0 || *broken)
        return "b";
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct triage *t = NULL;
    char *text = malloc(size + 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (triage_parse("_triage.md", text, size, fuzz_resolve, NULL, &t, &d) == 0)
        free(triage_render(t));
    triage_free(t);
    diag_list_free(&d);
    free(text);
    return 0;
}
