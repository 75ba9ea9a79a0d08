/* libFuzzer harness: a whole procedure file through procedure_parse and
 * every renderer, as the loader does with an admin's file. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "procedure.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char hash[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct diag_list d = DIAG_LIST_INIT;
    struct procedure_src src;
    struct procedure *p = NULL;
    char *text = malloc(size + 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    memset(&src, 0, sizeof src);
    src.path = "fuzz/x.md";
    src.id = "x";
    src.category = "fuzz";
    src.text = text;
    src.len = size;
    src.hash = hash;
    src.today = 20261121;
    src.remind = 20261221;
    if (procedure_parse(&src, &p, &d) == 0) {
        free(render_procedure_detail(p));
        free(render_procedure_item(p));
        free(render_procedure_print(p));
        for (size_t i = 0; i < p->n_steps; i++)
            (void)procedure_step_label(p->steps[i].title);
    }
    procedure_free(p);
    diag_list_free(&d);
    free(text);
    return 0;
}
