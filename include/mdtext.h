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

/* A heading that names a thing with a trailing `{#id}`, found at
 * path:line: its text with the markers taken off in *text (caller frees;
 * *len its length) and the id in *anchor (caller frees; NULL when it has
 * none). Markers other than {#id} are reported to diags. Returns 0, or -1
 * when memory ran out (nothing to free then). */
int mdtext_heading(const char *path, int line, struct cmark_node *h, char **text, size_t *len,
                   char **anchor, struct diag_list *diags);

#endif
