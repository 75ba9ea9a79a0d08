/* gitref: which commit a git checkout has, read from its files alone (no
 * libgit2, no `git` run), so the admin console can say which version of a
 * pulled library is live. The parsers are pure; gitref_head does the
 * bounded reads.
 */
#ifndef SPK_GITREF_H
#define SPK_GITREF_H

#include <stdbool.h>
#include <stddef.h>

#define GITREF_HEX 40                 /* a SHA-1 object name, lower-case hex */
#define GITREF_FILE_MAX 4096          /* HEAD, a loose ref, a `.git` file, commondir */
#define GITREF_PACKED_MAX (16u << 20) /* packed-refs */
#define GITREF_NAME_MAX 255           /* a ref's name, refs/... */
#define GITREF_PATH_MAX 1024          /* a git directory's path */
#define GITREF_DEPTH 5                /* symbolic refs followed at most */

enum gitref_kind {
    GITREF_BAD = -1,   /* neither: garbage, too long, an unsafe ref name */
    GITREF_HASH = 0,   /* a detached HEAD or a loose ref: hex holds the commit */
    GITREF_SYMREF = 1, /* `ref: refs/...`: ref holds the name */
};

/* Whether name is a ref this reader follows: `refs/` then printable ASCII
 * without spaces, `\`, `..`, `//`, a component starting with `.` or ending
 * in `.lock`; at most GITREF_NAME_MAX bytes. What keeps a HEAD's content
 * from naming a path outside the git directory. */
bool gitref_name_ok(const char *name);

/* Parses the content of HEAD or of a loose ref file, buf[0..len) (not
 * NUL-terminated): 40 hex digits (either case, stored lower-case into hex,
 * NUL-terminated) or `ref: NAME` (into ref[0..cap), NUL-terminated), each
 * with an optional final newline. Returns the kind; GITREF_BAD for
 * anything else, a 64-digit (SHA-256) name included, and a name that does
 * not fit in cap. */
enum gitref_kind gitref_parse_head(const char *buf, size_t len, char hex[GITREF_HEX + 1],
                                   char *ref, size_t cap);

/* Parses a `.git` file (`gitdir: PATH`, one line, optional newline) into
 * dir[0..cap), NUL-terminated. Returns 0, or -1 when it is not one or the
 * path does not fit. */
int gitref_parse_gitfile(const char *buf, size_t len, char *dir, size_t cap);

/* Finds ref in a packed-refs file's content buf[0..len): its
 * `HEX NAME` line (comments and `^` peeled lines skipped). Returns 0 with
 * hex filled, 1 when ref is not there, -1 when a line before it is
 * malformed. */
int gitref_parse_packed(const char *buf, size_t len, const char *ref, char hex[GITREF_HEX + 1]);

/* Where the git directory of the checkout at root is: root/.git when it is
 * a folder, or the folder a root/.git file names (relative to root); and
 * the common directory that holds refs/ and packed-refs (the same, or what
 * its `commondir` file names, for a `git worktree`). Returns 0, 1 when root
 * has no .git (not a git checkout), -1 when .git is there but unreadable,
 * malformed or too long. */
int gitref_dirs(const char *root, char gitdir[GITREF_PATH_MAX], char common[GITREF_PATH_MAX]);

/* The commit checked out at root: HEAD followed through loose refs and
 * packed-refs (at most GITREF_DEPTH symbolic steps, each file bounded).
 * Returns 0 with hex filled; 1 when root is not a git checkout; -1 when it
 * is but its HEAD cannot be resolved (garbage, an unborn branch, a file
 * too large). Logs nothing; never blocks on a FIFO. */
int gitref_head(const char *root, char hex[GITREF_HEX + 1]);

/* The commit the street office's branch had at the checkout's last fetch:
 * `refs/remotes/origin/BRANCH` for the branch HEAD names (loose, then
 * packed; what `git clone` and the pull unit's `git pull` keep). A pull
 * that git refused (a local save in a file the office changed, a local
 * commit) still fetched, so this differing from gitref_head is how the
 * console learns the hall is not in step. Returns 0 with hex filled; 1
 * when there is none (not a checkout, a detached HEAD, no such remote
 * ref); -1 when it cannot be read. Logs nothing. */
int gitref_upstream(const char *root, char hex[GITREF_HEX + 1]);

#endif
