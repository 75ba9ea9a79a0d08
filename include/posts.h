/* posts: the hall's posts (岗位) of `_posts.md` — `- window 综合窗口(A岗)` —
 * whose staff act on the stages of review chains. A stage's post must be
 * one of them when the file exists (the library checks that).
 */
#ifndef SPK_POSTS_H
#define SPK_POSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#define POSTS_FILE "_posts.md"
#define POSTS_FILE_MAX (64 * 1024)
#define POSTS_MAX 100
#define POSTS_ID_MAX 32         /* bytes of an id */
#define POSTS_NAME_MAX 120      /* bytes of a name */

struct post {
    char id[POSTS_ID_MAX + 1];  /* [a-z][a-z0-9_-]{0,31} */
    char *name;                 /* owned plain text */
    int line;
};

struct posts {
    struct post *v;             /* in file order */
    size_t n;
};

/* True when s[0..n) is a post id: [a-z][a-z0-9_-]{0,31}. */
bool posts_id_valid(const char *s, size_t n);

/* Parses the posts file text[0..len) shown as path: one list item per
 * post, `ID 名称`. A malformed line (bad id, no name, name too long), a
 * duplicate id or too many posts is an error at its line. Like the
 * directory, *out is set also when errors were reported (to the posts
 * that read well), so that chains are checked against what the file says
 * now; such a list must not be published. Returns 0 when there is no
 * error, 1 when errors were reported, -1 when memory ran out (*out NULL).
 * Free with posts_free(). */
int posts_parse(const char *path, const char *text, size_t len, struct posts **out,
                struct diag_list *diags);

/* The post with this id, or NULL. ps may be NULL. */
const struct post *posts_find(const struct posts *ps, const char *id);

void posts_free(struct posts *ps);

#endif
