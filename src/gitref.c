/* gitref: the commit a git checkout has, from .git's files alone. A hall's
 * library is a clone the pull timer fast-forwards; the loader records this
 * at every load so the admin console can name the live commit. Everything
 * read is bounded (file sizes, ref depth, name and path lengths) and a ref
 * name is checked before it becomes a path, so a hostile HEAD cannot make
 * the daemon read outside the git directory. */
#include "gitref.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int gitref_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 40 hex digits at p (len bytes available), copied lower-case. */
static bool gitref_hex_take(const char *p, size_t len, char hex[GITREF_HEX + 1])
{
    size_t i;

    if (len < GITREF_HEX)
        return false;
    for (i = 0; i < GITREF_HEX; i++) {
        int v = gitref_hexval(p[i]);
        if (v < 0)
            return false;
        hex[i] = "0123456789abcdef"[v];
    }
    hex[GITREF_HEX] = '\0';
    return true;
}

/* len without one final "\n" (or "\r\n"). */
static size_t gitref_chomp(const char *buf, size_t len)
{
    if (len && buf[len - 1] == '\n')
        len--;
    if (len && buf[len - 1] == '\r')
        len--;
    return len;
}

bool gitref_name_ok(const char *name)
{
    size_t n = strlen(name), i;

    if (n <= 5 || n > GITREF_NAME_MAX || strncmp(name, "refs/", 5) != 0)
        return false;
    if (strstr(name, "..") || strstr(name, "//") || strstr(name, "/.") || name[n - 1] == '/' ||
        (n >= 5 && strcmp(name + n - 5, ".lock") == 0))
        return false;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= ' ' || c >= 0x7f || c == '\\' || c == ':' || c == '?' || c == '*' ||
            c == '[' || c == '~' || c == '^')
            return false;
    }
    return true;
}

enum gitref_kind gitref_parse_head(const char *buf, size_t len, char hex[GITREF_HEX + 1],
                                   char *ref, size_t cap)
{
    len = gitref_chomp(buf, len);
    if (len == GITREF_HEX)
        return gitref_hex_take(buf, len, hex) ? GITREF_HASH : GITREF_BAD;
    if (len > 5 && memcmp(buf, "ref: ", 5) == 0) {
        size_t n = len - 5;
        if (n >= cap || memchr(buf + 5, '\0', n))
            return GITREF_BAD;
        memcpy(ref, buf + 5, n);
        ref[n] = '\0';
        return gitref_name_ok(ref) ? GITREF_SYMREF : GITREF_BAD;
    }
    return GITREF_BAD;
}

int gitref_parse_gitfile(const char *buf, size_t len, char *dir, size_t cap)
{
    size_t n;

    len = gitref_chomp(buf, len);
    if (len <= 8 || memcmp(buf, "gitdir: ", 8) != 0)
        return -1;
    n = len - 8;
    if (n >= cap || memchr(buf + 8, '\0', n) || memchr(buf + 8, '\n', n))
        return -1;
    memcpy(dir, buf + 8, n);
    dir[n] = '\0';
    return 0;
}

int gitref_parse_packed(const char *buf, size_t len, const char *ref, char hex[GITREF_HEX + 1])
{
    size_t rlen = strlen(ref);
    const char *p = buf, *end = buf + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        size_t n = (size_t)(eol - p);
        if (n && p[n - 1] == '\r')
            n--;
        if (n == 0 || p[0] == '#' || p[0] == '^') {
            /* header, blank line, or the peeled object of the tag above */
        } else {
            char h[GITREF_HEX + 1];
            if (n < GITREF_HEX + 2 || !gitref_hex_take(p, n, h) || p[GITREF_HEX] != ' ')
                return -1;
            if (n - GITREF_HEX - 1 == rlen && memcmp(p + GITREF_HEX + 1, ref, rlen) == 0) {
                memcpy(hex, h, sizeof h);
                return 0;
            }
        }
        p = nl ? nl + 1 : end;
    }
    return 1;
}

/* Reads a regular file of at most max bytes into a new buffer (*len bytes,
 * NUL added). Returns 0, 1 when it does not exist, -1 otherwise (not a
 * regular file — a FIFO is not waited on —, too large, unreadable). */
static int gitref_slurp(const char *path, size_t max, char **out, size_t *len)
{
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    int fd, rc = -1;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? 1 : -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        (unsigned long long)st.st_size > max)
        goto out;
    if (!(buf = malloc((size_t)st.st_size + 1)))
        goto out;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != (size_t)st.st_size)
        goto out; /* changed under us: the next load reads it again */
    buf[got] = '\0';
    *out = buf;
    *len = got;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    close(fd);
    return rc;
}

/* dir joined with rel (rel kept as it is when absolute), into out. */
static int gitref_join(char out[GITREF_PATH_MAX], const char *dir, const char *rel)
{
    int n = rel[0] == '/' ? snprintf(out, GITREF_PATH_MAX, "%s", rel)
                          : snprintf(out, GITREF_PATH_MAX, "%s/%s", dir, rel);

    return n < 0 || n >= GITREF_PATH_MAX ? -1 : 0;
}

int gitref_dirs(const char *root, char gitdir[GITREF_PATH_MAX], char common[GITREF_PATH_MAX])
{
    char dot[GITREF_PATH_MAX], rel[GITREF_PATH_MAX], cpath[GITREF_PATH_MAX];
    struct stat st;
    char *buf = NULL;
    size_t len;
    int rc = -1, r;

    if (gitref_join(dot, root, ".git") != 0)
        return -1;
    if (stat(dot, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? 1 : -1;
    if (S_ISDIR(st.st_mode)) {
        memcpy(gitdir, dot, sizeof dot);
    } else {
        if (gitref_slurp(dot, GITREF_FILE_MAX, &buf, &len) != 0 ||
            gitref_parse_gitfile(buf, len, rel, sizeof rel) != 0 ||
            gitref_join(gitdir, root, rel) != 0)
            goto out;
        free(buf);
        buf = NULL;
    }
    /* a `git worktree`'s directory shares refs with the main one */
    if (gitref_join(cpath, gitdir, "commondir") != 0)
        goto out;
    r = gitref_slurp(cpath, GITREF_FILE_MAX, &buf, &len);
    if (r < 0)
        goto out;
    if (r == 1) {
        memcpy(common, gitdir, GITREF_PATH_MAX);
    } else {
        len = gitref_chomp(buf, len);
        if (len == 0 || len >= sizeof rel || memchr(buf, '\0', len) || memchr(buf, '\n', len))
            goto out;
        memcpy(rel, buf, len);
        rel[len] = '\0';
        if (gitref_join(common, gitdir, rel) != 0)
            goto out;
    }
    rc = 0;
out:
    free(buf);
    return rc;
}

int gitref_head(const char *root, char hex[GITREF_HEX + 1])
{
    char gitdir[GITREF_PATH_MAX], common[GITREF_PATH_MAX], path[GITREF_PATH_MAX];
    char ref[GITREF_NAME_MAX + 1];
    char *buf = NULL;
    size_t len;
    int rc, depth, r;

    rc = gitref_dirs(root, gitdir, common);
    if (rc != 0)
        return rc;
    rc = -1;
    if (gitref_join(path, gitdir, "HEAD") != 0 || gitref_slurp(path, GITREF_FILE_MAX, &buf, &len) != 0)
        goto out;
    r = gitref_parse_head(buf, len, hex, ref, sizeof ref);
    for (depth = 0; r == GITREF_SYMREF && depth < GITREF_DEPTH; depth++) {
        free(buf);
        buf = NULL;
        if (gitref_join(path, common, ref) != 0)
            goto out;
        r = gitref_slurp(path, GITREF_FILE_MAX, &buf, &len);
        if (r < 0)
            goto out;
        if (r == 0) {
            r = gitref_parse_head(buf, len, hex, ref, sizeof ref);
            continue;
        }
        /* no loose file: the ref is packed, or the branch has no commit yet */
        if (gitref_join(path, common, "packed-refs") != 0 ||
            gitref_slurp(path, GITREF_PACKED_MAX, &buf, &len) != 0)
            goto out;
        r = gitref_parse_packed(buf, len, ref, hex) == 0 ? GITREF_HASH : GITREF_BAD;
    }
    if (r == GITREF_HASH)
        rc = 0;
out:
    free(buf);
    return rc;
}

/* ref's commit in the common directory: its loose file, else its line in
 * packed-refs. Returns 0 with hex filled, 1 when neither has it, -1 when
 * unreadable or not a plain commit (a symbolic ref is not followed here). */
static int gitref_read_ref(const char *common, const char *ref, char hex[GITREF_HEX + 1])
{
    char path[GITREF_PATH_MAX], name[GITREF_NAME_MAX + 1];
    char *buf = NULL;
    size_t len;
    int rc = -1, r;

    if (gitref_join(path, common, ref) != 0)
        goto out;
    r = gitref_slurp(path, GITREF_FILE_MAX, &buf, &len);
    if (r < 0)
        goto out;
    if (r == 0) {
        rc = gitref_parse_head(buf, len, hex, name, sizeof name) == GITREF_HASH ? 0 : -1;
        goto out;
    }
    if (gitref_join(path, common, "packed-refs") != 0)
        goto out;
    r = gitref_slurp(path, GITREF_PACKED_MAX, &buf, &len);
    if (r != 0) {
        rc = r;
        goto out;
    }
    rc = gitref_parse_packed(buf, len, ref, hex);
out:
    free(buf);
    return rc;
}

int gitref_upstream(const char *root, char hex[GITREF_HEX + 1])
{
    static const char heads[] = "refs/heads/", remotes[] = "refs/remotes/origin/";
    char gitdir[GITREF_PATH_MAX], common[GITREF_PATH_MAX], path[GITREF_PATH_MAX];
    char ref[GITREF_NAME_MAX + 1], up[GITREF_NAME_MAX + 1], head[GITREF_HEX + 1];
    char *buf = NULL;
    size_t len;
    int rc, n;

    rc = gitref_dirs(root, gitdir, common);
    if (rc != 0)
        return rc;
    rc = -1;
    if (gitref_join(path, gitdir, "HEAD") != 0 || gitref_slurp(path, GITREF_FILE_MAX, &buf, &len) != 0)
        goto out;
    switch (gitref_parse_head(buf, len, head, ref, sizeof ref)) {
    case GITREF_HASH:
        rc = 1; /* detached: no branch, so no upstream to compare with */
        goto out;
    case GITREF_SYMREF:
        break;
    default:
        goto out;
    }
    if (strncmp(ref, heads, sizeof heads - 1) != 0) {
        rc = 1;
        goto out;
    }
    n = snprintf(up, sizeof up, "%s%s", remotes, ref + sizeof heads - 1);
    if (n < 0 || (size_t)n >= sizeof up || !gitref_name_ok(up))
        goto out;
    rc = gitref_read_ref(common, up, hex);
out:
    free(buf);
    return rc;
}
