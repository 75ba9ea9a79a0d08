/* frontmatter: the `key: value` block between two `---` lines at the top of a
 * procedure or category file.
 *
 * This module knows the syntax only; which keys mean what is the caller's.
 */
#ifndef SPK_FRONTMATTER_H
#define SPK_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct fm_entry {
    char *key;    /* owned; [a-z_]+ */
    char *value;  /* owned; trimmed, may be "" */
    int line;     /* 1-based line of the entry in the file */
    bool hall;    /* the value is the hall's, filled in where the file had none
                     (procedure.c, hall.h): not the file's text */
};

struct frontmatter {
    struct fm_entry *items;  /* owned array */
    size_t n;
    size_t body_offset;      /* byte offset of the Markdown after the block */
    int body_line;           /* file line number of body_offset, minus one: add it
                                to a body-relative line to get the file line */
};

/* A block with more entries than this is an error. */
#define FM_MAX_ENTRIES 64

/* Whether key is one of a procedure's front-matter keys (procedure-format's
 * table and the chain's pickup, visit, followup). */
bool frontmatter_key_known(const char *key);

/* Reads the optional front matter at the start of text[0..len). A file that
 * does not start with a `---` line has none (body_offset 0). Syntax errors
 * (unclosed block, a line without `:` or without a name, a repeated key)
 * are added to diags under `path` with their line; a key no known key can
 * be (`Fee`, `联系人`) is a warning, with the known key it most likely
 * meant, and is left out. Returns 0 when the block was read
 * without error, 1 when errors were reported (fm then holds the entries that
 * parsed, and body_offset still points past the block when it was closed),
 * -1 when memory ran out. The caller frees fm with frontmatter_free(). */
int frontmatter_parse(const char *path, const char *text, size_t len, struct frontmatter *fm,
                      struct diag_list *diags);

/* The entry for key, or NULL. */
const struct fm_entry *frontmatter_get(const struct frontmatter *fm, const char *key);

/* Parses YYYY-MM-DD into y/m/d; true only for a real calendar date. */
bool frontmatter_date_parse(const char *s, int *y, int *m, int *d);

/* A date written loosely at the start of s, as a notice or a habit has it:
 * four digits of the year, then one or two of the month and of the day,
 * between them "-", "/" or "." (the same one twice), or 年 and 月 with an
 * optional 日 after (2027-1-1, 2027/01/01, 2027.1.1, 2027年1月1日). True
 * only for a real date (as frontmatter_date_parse), with y/m/d set and
 * *used the bytes it took; what follows is the caller's. For a message
 * that gives the date as it should be written. */
bool frontmatter_date_loose(const char *s, int *y, int *m, int *d, size_t *used);

void frontmatter_free(struct frontmatter *fm);

#endif
