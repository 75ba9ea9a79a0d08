/* vdiff: what changed between two versions of a procedure, part by part,
 * for the staff's 「本事项已更新」 notice (issue #11 point 6). Pure: two
 * models in, a list of parts out, no database and no HTTP.
 *
 * The parts, in the new version's order with removed ones where they
 * stood: the facts (the item's name and summary, the front matter a
 * staffer tells residents or acts on: 办理时限, 收费, where, when, phone,
 * pickup, visit, call-back, the refusal notice's bodies; not review_by,
 * version or keywords, nor a value the hall filled in; the order of the
 * steps and of the sections; the chain's stages are lines at the end of
 * the 办理流程 section that holds its block), the conditions (the text of the 办理条件 sections), each other
 * information section (matched by title, else by position) and each step
 * (matched by its title without the author's own number, so a moved step
 * is found; else by position, so a renamed step is one changed part).
 * Each part is same, changed, added or removed. A part is compared as
 * plain-text lines: a step's title, its own {if}, its text, one line per
 * checklist item (必需/可选 and its {if}), one line per field (label, key,
 * type, rules, options, {if}) and its {staff} guidance; a changed part
 * carries a line diff (the longest common subsequence), an added or
 * removed part all its lines, a same part none (the title alone says
 * where the change is not).
 *
 * Bounds: at most VDIFF_PART_LINES lines of each side of a part (the rest
 * not listed, `truncated` set; they are still compared, by count and hash,
 * so a part that differs only there is changed with no +/− line shown),
 * lines cut at VDIFF_LINE_MAX bytes (ended by a digest of the whole line,
 * so that an edit past the cut still shows), and the
 * LCS table at most VDIFF_LCS_CELLS cells after the common head and tail
 * are taken off; past that the middle is shown as all removed then all
 * added, which is still true, only longer.
 */
#ifndef SPK_VDIFF_H
#define SPK_VDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "posts.h"
#include "procedure.h"

#define VDIFF_PART_LINES 400        /* lines of one side of one part */
#define VDIFF_LINE_MAX 1000         /* bytes of one line, cut on a character */
#define VDIFF_LCS_CELLS 40000       /* cells of one part's LCS table */

enum vdiff_kind { VDIFF_CONDITIONS, VDIFF_SECTION, VDIFF_STEP, VDIFF_FACTS };
enum vdiff_change { VDIFF_SAME, VDIFF_CHANGED, VDIFF_ADDED, VDIFF_REMOVED };

struct vdiff_line {
    char op;                /* '+' added, '-' removed, '=' in both */
    char *text;             /* owned */
};

struct vdiff_part {
    enum vdiff_kind kind;
    enum vdiff_change change;
    char *title;            /* owned: the new version's, the old one's when removed */
    struct vdiff_line *lines;
    size_t n_lines;
    bool truncated;         /* a side had more than VDIFF_PART_LINES lines */
};

struct vdiff {
    struct vdiff_part *parts;
    size_t n_parts;
};

/* Compares from (the version a staffer last confirmed) with to (the live
 * one) into *out, which the caller frees with vdiff_free in every case.
 * ps (may be NULL) names the chain stages' posts as the hall's _posts.md
 * does (综合窗口（A岗）, not window); the key keeps the ids.
 * Returns 0, or -1 when memory ran out. */
int vdiff_build(const struct procedure *from, const struct procedure *to, const struct posts *ps,
                struct vdiff *out);

/* True when some part is not the same. */
bool vdiff_any(const struct vdiff *d);

#define VDIFF_KEY_LEN 64    /* hex digits of vdiff_key */

/* A digest of every line vdiff_build compares of p, part by part in the
 * file's order: two versions with the same key show a staffer nothing
 * changed (a review date moved on, a blank line), so they are not an
 * update to read (changes.c). Returns 0, or -1 when memory ran out. */
int vdiff_key(const struct procedure *p, char out[VDIFF_KEY_LEN + 1]);

/* "conditions", "section", "step", "facts"; "same", "changed", "added", "removed". */
const char *vdiff_kind_name(enum vdiff_kind k);
const char *vdiff_change_name(enum vdiff_change c);

/* The plain-text lines of rendered HTML (the model's html members): one
 * per block (paragraph, list item, heading, row) and per line break, tags
 * dropped, entities decoded, white space collapsed, empty lines skipped,
 * list items begun with "• ". Each is added to *lines (caller frees each
 * and the array), at most max in all (*n counts them; *more set when some
 * were dropped). Returns 0 or -1 when memory ran out. */
int vdiff_html_lines(const char *html, const char *prefix, char ***lines, size_t *n, size_t max,
                     bool *more);

void vdiff_free(struct vdiff *d);

#endif
