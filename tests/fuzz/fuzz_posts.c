/* libFuzzer harness: a _posts.md through posts_parse (which hands back
 * the posts that read well even with errors), then a lookup of each. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "posts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct posts *ps = NULL;
    char *text = malloc(size ? size : 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    /* ids are unique only in a file without errors */
    if (posts_parse("_posts.md", text, size, &ps, &d) == 0 && ps) {
        for (size_t i = 0; i < ps->n; i++)
            if (posts_find(ps, ps->v[i].id) != &ps->v[i])
                abort();
    }
    posts_free(ps);
    diag_list_free(&d);
    free(text);
    return 0;
}
