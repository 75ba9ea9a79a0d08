/* libFuzzer harness: a whole procedure file through procedure_parse and
 * every renderer, as the loader does with an admin's file; a file with
 * errors as check reads it (keep_on_error). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "procedure.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* where what a partial model holds is read into, so that it is read */
static volatile size_t seen;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char hash[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct diag_list d = DIAG_LIST_INIT;
    struct procedure_src src;
    struct procedure *p = NULL;
    char *text = malloc(size + 1);
    int r;

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
    /* a file with errors hands back what parsed, as check has it: its
     * offices and stages are read by the checks across files */
    src.keep_on_error = true;
    r = procedure_parse(&src, &p, &d);
    if (r == 0) {
        free(render_procedure_detail(p));
        free(render_procedure_item(p));
        free(render_procedure_print(p));
        for (size_t i = 0; i < p->n_steps; i++)
            (void)procedure_step_label(p->steps[i].title);
    } else if (r == 1 && p) {
        for (size_t i = 0; i < p->n_offices; i++)
            seen += strlen(p->offices[i].name) + (size_t)p->offices[i].line;
        for (size_t i = 0; i < p->n_stages; i++)
            seen += strlen(p->stages[i].key) + strlen(p->stages[i].post) + (size_t)p->stages[i].line;
    } else if (p) {
        abort();    /* a model only on 0, or on 1 when asked for */
    }
    procedure_free(p);
    diag_list_free(&d);
    free(text);
    return 0;
}
