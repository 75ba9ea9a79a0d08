/* libFuzzer harness: a resident's free text through idmask (src/idmask.c),
 * as the resident's case view masks it and a step puts the numbers back.
 * The input is v, or v NUL text: v masked must never grow, masking it
 * again changes nothing the first pass left, and the masked text sent
 * back whole must give v again (the step would otherwise store stars or
 * another number in place of the resident's), and so must it with a 。
 * added (an edit around the masks). Any text against any v
 * must answer 0 or 1 and a string, never crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf, *shown = NULL, *out = NULL;
    const char *v, *text = NULL;
    size_t vlen;
    int r;

    /* answers are bounded long before this where they enter (field max) */
    if (size > 4096 || !(buf = malloc(size + 1)))
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    v = buf;
    vlen = strlen(v);
    if (vlen < size)
        text = buf + vlen + 1;
    if (!(shown = idmask_text_hide(v)))
        goto out;
    if (strlen(shown) > vlen)
        abort();
    r = idmask_text_restore(v, shown, &out);
    if (r != 0 || (out ? strcmp(out, v) != 0 : strcmp(shown, v) != 0))
        abort(); /* the text as shown stands for v */
    free(out);
    out = NULL;
    /* an edit around the masks (a 。 added) keeps every number where it
     * was, the same last four of two numbers too; a v with stars of its
     * own may have a run of them taken for a mask, so only one without */
    if (strcmp(shown, v) != 0 && !strchr(v, '*')) {
        char *edit = malloc(strlen(shown) + sizeof "。");
        int bad;

        if (!edit)
            goto out;
        strcpy(edit, shown);
        strcat(edit, "。");
        r = idmask_text_restore(v, edit, &out);
        bad = r != 0 || !out || strncmp(out, v, vlen) != 0 || strcmp(out + vlen, "。") != 0;
        free(edit);
        if (bad)
            abort();
        free(out);
        out = NULL;
    }
    if (text) {
        r = idmask_text_restore(v, text, &out);
        if (r < 0 || r > 1 || (r == 1 && out))
            abort();
    }
out:
    free(out);
    free(shown);
    free(buf);
    return 0;
}
