/* libFuzzer harness: a _directory.md through directory_parse and
 * directory_render, and the text as an office link. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "directory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct directory *dir = NULL;
    char *text = malloc(size + 1), id[65];
    int bad;

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (directory_parse("_directory.md", text, size, &dir, &d) == 0)
        free(directory_render(dir));
    directory_free(dir);
    diag_list_free(&d);
    (void)directory_link(text, 1, id, sizeof id, &bad);
    free(text);
    return 0;
}
