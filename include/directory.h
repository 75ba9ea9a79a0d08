/* directory: the offices of `_directory.md` that residents are sent to for
 * what the hall does not handle (派出所, 医保中心…).
 *
 * Each H2 is an office with `{#id}` at its end; the list under it holds its
 * lines (`地址:`, `电话:`, `时间:` and any other). A `关键词:` line is not
 * shown: its words (split on 、,, and spaces) let the kiosk's search find
 * the office for things the hall does not do (身份证 → 派出所).
 */
#ifndef SPK_DIRECTORY_H
#define SPK_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#define DIRECTORY_FILE_MAX (256 * 1024)
#define DIRECTORY_MAX_OFFICES 100
#define DIRECTORY_MAX_LINES 20      /* per office, keywords included */
#define DIRECTORY_MAX_LINE 300      /* bytes of one line or office name */
#define DIRECTORY_MAX_KEYWORDS 30   /* per office */

/* The file name, and the link prefix that points at an office in it. */
#define DIRECTORY_FILE "_directory.md"

struct office {
    char *id;               /* owned, [a-z0-9][a-z0-9-]{0,63} */
    char *name;             /* owned plain text */
    char **lines;           /* owned plain text, in file order */
    size_t n_lines;
    char **keywords;        /* owned, from 关键词: lines */
    size_t n_keywords;
    int line;
};

struct directory {
    struct office *offices;
    size_t n;
};

/* Parses the directory file text[0..len) shown as path. Every problem goes to
 * diags with its line. Returns 0 when there is no error, 1 when errors were
 * reported, -1 when memory ran out (*out NULL). Unlike the triage, *out is
 * set also when errors were reported (to the offices as read, NULL when the
 * file could not be read at all), so that links to offices are checked
 * against what the file says now; such a directory must not be published.
 * Free with directory_free(). */
int directory_parse(const char *path, const char *text, size_t len, struct directory **out,
                    struct diag_list *diags);

#define DIRECTORY_ID_MAX 64

/* True when s[0..n) is an office id: [a-z0-9][a-z0-9_-]{0,63} (a procedure
 * id's letters, and '_' as item ids have it). */
bool directory_id_valid(const char *s, size_t n);

/* The office with this id, or NULL. d may be NULL. */
const struct office *directory_find(const struct directory *d, const char *id);

/* If url points at an office — "_directory.md#ID", optionally after "./" or,
 * from a category's file (from_category), "../" — copies ID (NUL-terminated)
 * into id and returns 1; returns 0 for any other link, and also for a link
 * to the directory whose ID is not a valid id (then *bad is set to 1, so the
 * caller can report it). */
int directory_link(const char *url, int from_category, char *id, size_t idlen, int *bad);

/* The body of GET /api/v1/directory: {"offices":[{"id","name","lines",
 * "keywords"}]}. Returns a new string (caller frees) or NULL. d may be NULL
 * (no directory): {"offices":[]}. */
char *directory_render(const struct directory *d);

void directory_free(struct directory *d);

#endif
