/* marker: the `{optional}`, `{if KEY=VALUE}`, `{#id}` and `{staff}` markers
 * that end a heading, a checklist item, a form line or the first line of a
 * step's block quote, and the conditions they carry.
 *
 * Markers are read from the end of a line's plain text and never shown.
 */
#ifndef SPK_MARKER_H
#define SPK_MARKER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#define MARKER_KEY_MAX 32

/* A situation: the part it is attached to exists only when the case's
 * answer for key equals (or, negated, differs from) value. */
struct cond {
    char key[MARKER_KEY_MAX + 1];
    bool negate;        /* `!=` */
    char *value;        /* owned, trimmed, non-empty */
};

/* Which markers a caller accepts; a known marker used elsewhere is an error. */
enum {
    MARK_OPTIONAL = 1 << 0,
    MARK_IF = 1 << 1,
    MARK_ANCHOR = 1 << 2,
    MARK_STAFF = 1 << 3,    /* a step's block quote is guidance for the window only */
    MARK_ITEM_ID = 1 << 4,  /* a checklist item's `{#id}`: [a-z][a-z0-9_]{0,31} */
};

struct markers {
    bool optional;
    bool has_cond;
    struct cond cond;
    char *anchor;       /* owned `{#id}` value (MARK_ANCHOR or MARK_ITEM_ID), or NULL */
    bool staff;         /* `{staff}` */
};

/* Strips the markers that end text[0..*len) and trailing white space. On
 * return *len is the length of the remaining text. Errors (a malformed or
 * repeated marker, one not in `allowed`, and, where some are allowed, a
 * known marker left inside the text: `{optional}。` would be shown and do
 * nothing, or written with full-width braces, ｛optional｝) go to diags at
 * path:line; an unknown `{word}` of ASCII letters
 * gets a warning and is left in the text. Returns 0
 * when no error was reported, 1 when one was, -1 when memory ran out. The
 * caller frees m with marker_free() in every case. */
int marker_strip(const char *path, int line, const char *text, size_t *len, unsigned allowed,
                 struct markers *m, struct diag_list *diags);

void marker_free(struct markers *m);
void cond_free(struct cond *c);
/* Deep copy; returns 0 or -1 when memory runs out (dst then untouched). */
int cond_copy(struct cond *dst, const struct cond *src);

/* True when s[0..n) is a key: [a-z][a-z0-9_]{0,31}. */
bool marker_key_valid(const char *s, size_t n);

#endif
