/* mdlimit: bounds on a parsed Markdown document's shape.
 *
 * cmark parses deep nesting without recursion, but rendering and storing a
 * 1 MiB file of `>` (a million nested quotes) costs hundreds of megabytes.
 * No real procedure nests deeply or has tens of thousands of elements, so
 * such a file is refused with its line before anything is rendered.
 */
#ifndef SPK_MDLIMIT_H
#define SPK_MDLIMIT_H

#include <cmark.h>

#include "diag.h"

#define MDLIMIT_MAX_DEPTH 32        /* nodes from the document down */
#define MDLIMIT_MAX_NODES 50000

/* Checks doc; line_off is added to cmark's lines to give file lines.
 * Returns 0 when within bounds, 1 when an error was added to diags, -1 when
 * memory ran out. */
int mdlimit_check(cmark_node *doc, const char *path, int line_off, struct diag_list *diags);

#endif
