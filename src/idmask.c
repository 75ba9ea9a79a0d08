/* idmask: ID numbers inside a resident's free text, masked to their last
 * four for the resident's side (a 备注, 残疾人证号: the holder's ID number
 * and two digits typed into a `text` field), and put back when the text
 * comes back edited around them. Text in, text out: no case, no database,
 * so that tests/fuzz/fuzz_idmask.c reaches it whole. */
#include "idmask.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"
#include "validate.h"

/* The ASCII character of an ID number's character at s (a digit or X, in
 * ASCII or full width, as a Chinese input method types them), or 0 for
 * anything else; *len gets the bytes it takes (1 for a byte that is not
 * UTF-8). */
static char idmask_id_char(const char *s, size_t n, size_t *len)
{
    uint32_t cp;

    *len = utf8_decode(s, n, &cp);
    if (*len == 0) {
        *len = 1;
        return 0;
    }
    if ((cp >= '0' && cp <= '9') || cp == 'X' || cp == 'x')
        return (char)cp;
    if (cp >= 0xFF10 && cp <= 0xFF19) /* ０…９ */
        return (char)('0' + (cp - 0xFF10));
    return cp == 0xFF38 || cp == 0xFF58 ? 'X' : 0; /* Ｘ ｘ */
}

/* Whether s starts with a separator allowed inside a copied number: a
 * space or hyphen, ASCII or full width; *len as above. */
static bool idmask_id_gap(const char *s, size_t n, size_t *len)
{
    uint32_t cp;

    *len = utf8_decode(s, n, &cp);
    if (*len == 0) {
        *len = 1;
        return false;
    }
    return cp == ' ' || cp == '-' || cp == 0x3000 || cp == 0xFF0D;
}

char *idmask_text_hide(const char *v)
{
    size_t n = strlen(v), i = 0, o = 0, run, start, k, len, len2;
    size_t *at = malloc((n + 1) * sizeof *at);
    /* hide[b]: the character starting at byte b is shown as '*' */
    unsigned char *hide = calloc(n + 1, 1);
    char *asc = malloc(n + 1), *out = malloc(n + 1), win[19], id[19], a;
    const char *code;
    int birth;

    if (!at || !hide || !asc || !out) {
        free(out);
        out = NULL;
        goto done;
    }
    while (i < n) {
        /* a run of ID number characters, a single separator allowed
         * between two of them; at[] holds where each one starts */
        for (run = 0; i < n;) {
            if ((a = idmask_id_char(v + i, n - i, &len)) != 0) {
                at[run] = i;
                asc[run++] = a;
                i += len;
            } else if (run && idmask_id_gap(v + i, n - i, &len) && i + len < n &&
                       idmask_id_char(v + i + len, n - i - len, &len2) != 0) {
                i += len;
            } else {
                break;
            }
        }
        /* every window that is a number is masked, not only the first:
         * digits before a number (a mobile typed in front of it) may make a
         * window that passes by chance and overlaps the real one */
        for (start = 0; start + 18 <= run; start++) {
            memcpy(win, asc + start, 18);
            if (validate_cn_id(win, 18, 99991231, id, &birth, &code) == 0)
                for (k = 0; k < 14; k++)
                    hide[at[start + k]] = 1;
        }
        if (run == 0) {
            (void)idmask_id_char(v + i, n - i, &len);
            i += len;
        }
    }
    for (i = 0; i < n;) {
        if (hide[i]) {
            (void)idmask_id_char(v + i, n - i, &len);
            out[o++] = '*';
            i += len;
        } else {
            out[o++] = v[i++];
        }
    }
    out[o] = '\0';
done:
    free(at);
    free(hide);
    free(asc);
    return out;
}

/* The masks left in s: runs of 14 or more '*', a single separator allowed
 * between two (a number copied with spaces is masked "****** ********"),
 * as idmask_text_hide writes one number's. */
static size_t idmask_masks_in(const char *s)
{
    size_t n = strlen(s), i = 0, len, stars, masks = 0;

    while (i < n) {
        for (stars = 0; i < n;) {
            if (s[i] == '*') {
                stars++;
                i++;
            } else if (stars && idmask_id_gap(s + i, n - i, &len) && i + len < n &&
                       s[i + len] == '*') {
                i += len;
            } else {
                break;
            }
        }
        if (stars >= 14)
            masks++;
        if (!stars)
            i++;
    }
    return masks;
}

/* One masked number: its bytes in v and in the shown text (mask). */
struct idmask_span {
    size_t os, on, ms, mn;
    const char *mask;
};

/* A mask found in the text sent back, and the number it stands for. */
struct idmask_hit {
    size_t at, len;
    const struct idmask_span *num;
};

/* Finds the masks of the spans sp[0..ns), which share one mask, in text
 * where no longer mask was found (taken[]), and appends them to hits[]
 * (*nh), marking them taken. They are found in the text as sent, never in
 * a number put back: a number put back beside a shorter mask may spell
 * another mask with it (found by fuzz_idmask). When the spans are one
 * number, every copy of the mask is it. Two numbers with the same last
 * four (a holder's and a guardian's) are masked alike: the copies are
 * theirs in order when there are as many as the value had, and otherwise
 * (one deleted or pasted twice) which stands for which cannot be told,
 * so 1, to be typed in full, rather than one person's number stored in
 * place of the other's. 0 or 1. hits[] has room for tn / 14 + 1: a mask
 * is 14 stars or more, and no two found overlap. */
static int idmask_find(const char *text, size_t tn, unsigned char *taken, const char *v,
                       const struct idmask_span *sp, size_t ns, struct idmask_hit *hits, size_t *nh)
{
    const char *p = text, *hit;
    size_t k, b, first = *nh, mn = sp[0].mn;
    bool one = true;

    for (k = 1; k < ns; k++)
        if (sp[k].on != sp[0].on || memcmp(v + sp[k].os, v + sp[0].os, sp[0].on) != 0)
            one = false;
    while ((hit = memmem(p, tn - (size_t)(p - text), sp[0].mask, mn)) != NULL) {
        size_t at = (size_t)(hit - text);

        for (b = 0; b < mn && !taken[at + b]; b++)
            ;
        if (b < mn) {
            p = hit + 1;
            continue;
        }
        hits[*nh].at = at;
        hits[*nh].len = mn;
        hits[*nh].num = sp;
        (*nh)++;
        p = hit + mn;
    }
    if (!one && *nh - first != ns)
        return 1;
    for (k = first; k < *nh; k++) {
        memset(taken + hits[k].at, 1, mn);
        if (!one)
            hits[k].num = sp + (k - first);
    }
    return 0;
}

static int idmask_hit_cmp(const void *a, const void *b)
{
    size_t x = ((const struct idmask_hit *)a)->at, y = ((const struct idmask_hit *)b)->at;

    return x < y ? -1 : x > y;
}

/* Longest mask first: a shorter one (a number's last 14 and four) may be
 * the end of a longer one (numbers written together, masked as one run);
 * masks alike side by side (another between them would part them, and
 * each part put back every copy as its own number: found by fuzz_idmask),
 * in the order they stand in the value, so that they are put back in it. */
static int idmask_span_cmp(const void *a, const void *b)
{
    const struct idmask_span *x = a, *y = b;
    int c;

    if (x->mn != y->mn)
        return x->mn < y->mn ? 1 : -1;
    if ((c = memcmp(x->mask, y->mask, x->mn)) != 0)
        return c;
    return x->ms < y->ms ? -1 : x->ms > y->ms;
}

int idmask_text_restore(const char *v, const char *text, char **out)
{
    size_t n = strlen(v), i = 0, j = 0, k, g, ns = 0, nh = 0, tn, tail, len, len2;
    char *shown = idmask_text_hide(v), *res = NULL;
    /* a span holds at least one byte of v */
    struct idmask_span *sp = malloc((n + 1) * sizeof *sp);
    struct idmask_hit *hits = NULL;
    struct strbuf sb = STRBUF_INIT;
    unsigned char *taken = NULL;
    int rc = -1;

    *out = NULL;
    if (!shown || !sp)
        goto out;
    if (strcmp(shown, v) == 0) {
        rc = 0;
        goto out;
    }
    /* the whole text as shown: the value itself, as it is. Put back mask
     * by mask, a run of stars v itself held (a resident's own ****, a
     * mask sent back before) that ends in a number's last four took that
     * number too (found by fuzz_idmask) */
    if (strcmp(shown, text) == 0) {
        if (!(*out = strdup(v)))
            goto out;
        rc = 0;
        goto out;
    }
    /* a mask takes at least 14 bytes of text */
    tn = strlen(text);
    taken = calloc(tn + 1, 1);
    hits = malloc((tn / 14 + 1) * sizeof *hits);
    if (!taken || !hits)
        goto out;
    /* v and shown side by side: a byte that differs starts a masked
     * character ('*' in shown, a digit or X of one to three bytes in v);
     * the rest is the same bytes */
    while (i < n) {
        if (v[i] == shown[j]) {
            i++;
            j++;
            continue;
        }
        sp[ns].os = i;
        sp[ns].ms = j;
        /* the masked characters and the separators between them */
        for (;;) {
            if (i < n && v[i] != shown[j]) {
                (void)idmask_id_char(v + i, n - i, &len);
                i += len;
                j++;
            } else if (i < n && idmask_id_gap(v + i, n - i, &len) && i + len < n &&
                       v[i + len] != shown[j + len]) {
                i += len;
                j += len;
            } else {
                break;
            }
        }
        /* and the last four shown, which tell one number's mask from
         * another's; shown, not masked: a number overlapping this one
         * (written together) may begin its mask within them */
        for (tail = 0; tail < 4 && i < n && v[i] == shown[j];) {
            if (idmask_id_char(v + i, n - i, &len) != 0) {
                i += len;
                j += len;
                tail++;
            } else if (idmask_id_gap(v + i, n - i, &len) && i + len < n &&
                       v[i + len] == shown[j + len] &&
                       idmask_id_char(v + i + len, n - i - len, &len2) != 0) {
                i += len;
                j += len;
            } else {
                break;
            }
        }
        sp[ns].on = i - sp[ns].os;
        sp[ns].mn = j - sp[ns].ms;
        sp[ns].mask = shown + sp[ns].ms;
        ns++;
    }
    qsort(sp, ns, sizeof *sp, idmask_span_cmp);
    for (k = 0; k < ns; k = g) {
        for (g = k + 1; g < ns && sp[g].mn == sp[k].mn &&
                        memcmp(sp[g].mask, sp[k].mask, sp[k].mn) == 0;
             g++)
            ;
        if (idmask_find(text, tn, taken, v, sp + k, g - k, hits, &nh) != 0) {
            rc = 1;
            goto out;
        }
    }
    qsort(hits, nh, sizeof *hits, idmask_hit_cmp);
    for (k = 0, i = 0; k < nh; k++) {
        if (strbuf_append(&sb, text + i, hits[k].at - i) != 0 ||
            strbuf_append(&sb, v + hits[k].num->os, hits[k].num->on) != 0)
            goto out;
        i = hits[k].at + hits[k].len;
    }
    if (strbuf_puts(&sb, text + i) != 0 || !(res = strbuf_take(&sb)))
        goto out;
    /* a mask still there is none of v's numbers as shown: the resident
     * changed the mask itself (its last four), and its stars would be
     * stored in place of the number */
    if (idmask_masks_in(res) > idmask_masks_in(v)) {
        rc = 1;
        goto out;
    }
    *out = res;
    res = NULL;
    rc = 0;
out:
    strbuf_free(&sb);
    free(hits);
    free(taken);
    free(sp);
    free(res);
    free(shown);
    return rc;
}
