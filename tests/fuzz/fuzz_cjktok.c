/* libFuzzer harness: the search tokenizer and the query builder, on the
 * exact bytes a resident's query or a document could hold. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cjktok.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    size_t n = *(size_t *)ctx;

    /* offsets must lie inside the input and tokens must not be empty */
    if (len == 0 || start >= end || end > n)
        abort();
    (void)tok;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf out = STRBUF_INIT;
    char *text = malloc(size ? size : 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    (void)cjktok_tokenize(text, size, fuzz_token, &size);
    (void)cjktok_query_build(text, size, &out);
    strbuf_free(&out);
    free(text);
    return 0;
}
