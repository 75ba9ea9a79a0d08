/* mdtext: plain text out of cmark's inline nodes, for the files whose
 * headings and list items are data rather than prose (_triage.md's
 * questions and answers, _directory.md's offices and their lines).
 */
#ifndef SPK_MDTEXT_H
#define SPK_MDTEXT_H

#include <stddef.h>

#include "diag.h"

struct cmark_node;

/* Plain text of node's inline content (text and code; breaks as spaces),
 * trimmed, as a new string (caller frees; NULL when memory ran out). Sets
 * *url, when url is not NULL, to the first link's destination (owned by
 * the node) or NULL. */
char *mdtext_inline(struct cmark_node *node, const char **url);

/* mdtext_inline of a list item less the lists nested in it: the item's own
 * words (and first link), not its children's run on after them
 * (「电话: 1分机 2」). */
char *mdtext_item_text(struct cmark_node *item, const char **url);

/* A heading that names a thing with a trailing `{#id}`, found at
 * path:line: its text with the markers taken off in *text (caller frees;
 * *len its length) and the id in *anchor (caller frees; NULL when it has
 * none). Markers other than {#id} are reported to diags. Returns 0, or -1
 * when memory ran out (nothing to free then). */
int mdtext_heading(const char *path, int line, struct cmark_node *h, char **text, size_t *len,
                   char **anchor, struct diag_list *diags);

/* Called for each item of the top-level lists of a list-of-entries file
 * (_posts.md, _calendar.md): its plain text (trimmed, markers left in) and
 * its file line. Return 0 to go on, -1 to stop (memory ran out). */
typedef int (*mdtext_item_fn)(void *ctx, const char *text, int line);

/* Reads text[0..len) shown as path as a list-of-entries file: at most max
 * bytes, UTF-8, no front matter keys used (each is warned about), cmark's
 * bounds; then calls fn for every item of every top-level list and of the
 * lists nested in those (each with its own words only), in file order.
 * Headings and paragraphs are notes for the reader and are skipped;
 * when stray is not NULL it is called, in file order with the items, for
 * each line of text the lists leave out but a reader may take for an entry:
 * a paragraph's lines, a block quote's (its lists included), a code
 * block's (a list indented four spaces is one), with the same ctx. what
 * names the file in messages ("岗位文件"). Returns 0 when read, 1 when it
 * could not be read (an error says why), -1 when memory ran out or fn or
 * stray returned -1. */
int mdtext_list_items(const char *path, const char *what, const char *text, size_t len,
                      size_t max, mdtext_item_fn fn, mdtext_item_fn stray, void *ctx,
                      struct diag_list *diags);

/* The file line of the `---` under a setext `##` heading whose text
 * begins at file line first of text[0..len) (the whole file), cmark's end
 * line of the heading being last; 0 for an ATX heading (`## …`, one line).
 * An admin who writes `---` right under a line of text means a separating
 * line, and gets that text as a heading: a step, a question, an office. */
int mdtext_setext_line(const char *text, size_t len, int first, int last);

#endif
