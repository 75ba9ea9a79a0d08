/* mdlimit: bounds on a parsed Markdown document's shape.
 *
 * cmark parses deep nesting without recursion, but rendering and storing a
 * 1 MiB file of `>` (a million nested quotes) costs hundreds of megabytes.
 * No real procedure nests deeply or has tens of thousands of elements, so
 * such a file is refused with its line before anything is rendered.
 * cmark 0.30.2 (Debian 12) parses runs of brackets such as `![[]()` in
 * quadratic time (CVE-2023-22486, fixed upstream in 0.30.3): 400 KB of
 * them took 19 s, so brackets are counted before parsing.
 */
#ifndef SPK_MDLIMIT_H
#define SPK_MDLIMIT_H

#include <cmark.h>

#include "diag.h"

/* Lists and block quotes inside one another, as the admin counts them:
 * each nested list and each `>` is one level. 16 nested lists were
 * refused before as "over 32" (the bound counted nodes, a list and its
 * item two), and 15 with bold text in the last. */
#define MDLIMIT_MAX_LEVELS 15
/* Nodes from the document down: the levels above (a list and its item
 * two nodes each), a paragraph, and 16 of emphasis, links and images
 * inside one another. Only inline nesting reaches it. */
#define MDLIMIT_MAX_DEPTH 48
#define MDLIMIT_MAX_NODES 50000
/* `[` in one text at most: 8,000 of the worst pattern parse in 60 ms;
 * the sample library's most is 51 (the triage) */
#define MDLIMIT_MAX_BRACKETS 5000

/* Checks doc; line_off is added to cmark's lines to give file lines.
 * Returns 0 when within bounds, 1 when an error was added to diags, -1 when
 * memory ran out. */
int mdlimit_check(cmark_node *doc, const char *path, int line_off, struct diag_list *diags);

/* Parses text[0..len) with CMARK_OPT_DEFAULT after counting its brackets,
 * then mdlimit_check, then looks for fenced blocks never closed. Returns
 * the document (caller frees with cmark_node_free) with *r 0, or with *r 1
 * when a block was never closed (an error at its opening line was added to
 * diags: the rest is still read, so that one check says every error); or
 * NULL with *r 1 (too many brackets, too deep or too many nodes: an error
 * at its line was added) or -1 (memory ran out). */
cmark_node *mdlimit_parse(const char *text, size_t len, const char *path, int line_off,
                          struct diag_list *diags, int *r);

#endif
