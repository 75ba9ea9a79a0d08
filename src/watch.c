/* watch: one inotify descriptor over the procedures root and its first
 * level of folders, which is all the layout has. Events only say "look
 * again": the loader finds out what changed by hashing, so a burst of
 * events (an editor's write-rename dance, a git checkout) costs one load.
 *
 * When the folder is a git checkout (a hall pulling the street's library,
 * issue #14), the git directory's HEAD, packed-refs and refs/heads are
 * watched too, by name only: a pull moves the branch's ref after writing
 * the files, and the load that follows is the one that reads the new
 * commit for the admin console. A fetch that brings nothing writes only
 * FETCH_HEAD and refs/remotes, which are not watched, so a timer's idle
 * pull costs no load. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitref.h"
#include "strbuf.h"

/* IN_CLOSE_WRITE, not IN_MODIFY: a file written in place in several
 * writes (an editor that truncates, writes, then writes the rest) is read
 * once it is closed, never half-written (a review had a two-step version of
 * a three-step procedure go live, and a case pinned to it) */
#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM | \
                    IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

#define WATCH_GIT_MASK (IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)

struct watch {
    int fd;
    char *root;
    char *parent, *base;  /* the root's folder and its name there */
    int wd[WATCH_MAX_DIRS];
    size_t n;
    /* The root's own watch, and its parent's (for the root's name only):
     * a library replaced whole (rm -rf and a copy, a restore, mv of a new
     * one into place) left nothing watched, and no later edit loaded, not
     * even after SIGHUP (an admin's review). -1 while none. */
    int root_wd, parent_wd;
    int git_wd, heads_wd; /* the git (and common) directories, refs/heads; -1 */
    int common_wd;
};

/* Adding a watch on a folder already watched returns the same descriptor,
 * so this is idempotent; watches of removed folders go by themselves.
 * Returns the watch descriptor, or -1 when the folder is not watched. */
static int watch_add(struct watch *w, const char *path)
{
    size_t i;
    int wd;

    wd = inotify_add_watch(w->fd, path, WATCH_MASK | IN_ONLYDIR);
    if (wd < 0)
        return -1;
    for (i = 0; i < w->n; i++)
        if (w->wd[i] == wd)
            return wd;
    if (w->n < WATCH_MAX_DIRS) {
        w->wd[w->n++] = wd;
        return wd;
    }
    inotify_rm_watch(w->fd, wd);
    return -1;
}

/* The root moved away (mv procedures procedures.old): its watches follow
 * the folder, not the name. All are removed (each IN_IGNORED then drops its
 * descriptor) and the name is watched again by watch_rescan. */
static void watch_forget_all(struct watch *w)
{
    size_t i;

    for (i = 0; i < w->n; i++)
        (void)inotify_rm_watch(w->fd, w->wd[i]);
    w->root_wd = -1;
    /* the old checkout's git directories went with it: watched anew from
     * the new one (a pull into the new library was not seen: a review) */
    if (w->git_wd >= 0)
        (void)inotify_rm_watch(w->fd, w->git_wd);
    if (w->common_wd >= 0 && w->common_wd != w->git_wd)
        (void)inotify_rm_watch(w->fd, w->common_wd);
    if (w->heads_wd >= 0)
        (void)inotify_rm_watch(w->fd, w->heads_wd);
    w->git_wd = w->common_wd = w->heads_wd = -1;
}

/* The git directories of a checkout at root, when it is one. Their events
 * are told apart by name in watch_drain, so they are not in w->wd. */
static void watch_git(struct watch *w)
{
    char gitdir[GITREF_PATH_MAX], common[GITREF_PATH_MAX];
    struct strbuf p = STRBUF_INIT;

    /* again at each rescan until refs/heads is watched too: a checkout
     * made in place after start has .git before its refs */
    if (w->heads_wd >= 0 || gitref_dirs(w->root, gitdir, common) != 0)
        return;
    w->git_wd = inotify_add_watch(w->fd, gitdir, WATCH_GIT_MASK | IN_ONLYDIR);
    w->common_wd = inotify_add_watch(w->fd, common, WATCH_GIT_MASK | IN_ONLYDIR);
    if (strbuf_printf(&p, "%s/refs/heads", common) == 0)
        w->heads_wd = inotify_add_watch(w->fd, p.data, WATCH_GIT_MASK | IN_ONLYDIR);
    strbuf_free(&p);
}

/* Whether an event on a git directory moved the commit checked out: HEAD
 * or packed-refs rewritten, or a branch's loose ref renamed into place
 * (its .lock is not the change yet). Branches with a / in their name live
 * deeper and are not seen: the library's branch is main. */
static bool watch_git_event(const struct watch *w, const struct inotify_event *ev)
{
    size_t n;

    if (!ev->len || ev->wd < 0)
        return false;
    if (ev->wd == w->heads_wd) {
        n = strlen(ev->name);
        return ev->name[0] != '.' && !(n >= 5 && strcmp(ev->name + n - 5, ".lock") == 0);
    }
    return strcmp(ev->name, "HEAD") == 0 || strcmp(ev->name, "packed-refs") == 0;
}

static bool watch_is_git(const struct watch *w, int wd)
{
    return wd >= 0 && (wd == w->git_wd || wd == w->common_wd || wd == w->heads_wd);
}

/* Watches the root and every folder in it, new ones included. Watches are
 * never removed here: removing one makes the kernel queue IN_IGNORED,
 * which would look like another change. */
static void watch_rescan(struct watch *w)
{
    struct dirent *e;
    DIR *d;

    w->root_wd = watch_add(w, w->root);
    /* a name of its own only ("/" or an unresolved "." has none: adding
     * the watch would replace the root's own mask, the same inode) */
    if (w->parent_wd < 0 && w->parent && *w->base && strcmp(w->base, ".") != 0 &&
        strcmp(w->base, "..") != 0)
        w->parent_wd = inotify_add_watch(w->fd, w->parent, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
    watch_git(w);
    if (!(d = opendir(w->root)))
        return;
    while ((e = readdir(d))) {
        struct strbuf p = STRBUF_INIT;
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if (strbuf_printf(&p, "%s/%s", w->root, e->d_name) == 0 && stat(p.data, &st) == 0 &&
            S_ISDIR(st.st_mode))
            watch_add(w, p.data);
        strbuf_free(&p);
    }
    closedir(d);
}

/* root's folder and name in w->parent and w->base ("." for a bare name).
 * The real path when root exists: "." or "lib/." has no name of its own,
 * and its "parent" would be itself (a watch on the root with the parent's
 * mask, and no top-level file seen again: a review). 0, or -1 when memory
 * ran out. */
static int watch_split(struct watch *w, const char *given)
{
    char *real = realpath(given, NULL);
    const char *root = real ? real : given;
    size_t n = strlen(root), b;
    int rc = -1;

    while (n > 1 && root[n - 1] == '/')
        n--;
    for (b = n; b > 0 && root[b - 1] != '/'; b--)
        ;
    if (!(w->base = strndup(root + b, n - b)))
        goto out;
    /* "/x" has "/" as its folder, "x" has "." */
    if (!(w->parent = b == 0 ? strdup(".") : strndup(root, b > 1 ? b - 1 : 1)))
        goto out;
    rc = 0;
out:
    free(real);
    return rc;
}

struct watch *watch_open(const char *root)
{
    struct watch *w = calloc(1, sizeof *w);

    if (!w)
        return NULL;
    w->git_wd = w->common_wd = w->heads_wd = -1;
    w->root_wd = w->parent_wd = -1;
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0 || !(w->root = strdup(root)) || watch_split(w, root) != 0) {
        fprintf(stderr, "spkiosk: cannot watch %s (%s); reload with SIGHUP\n", root,
                strerror(errno));
        watch_close(w);
        return NULL;
    }
    watch_rescan(w);
    return w;
}

int watch_fd(const struct watch *w)
{
    return w->fd;
}

int watch_drain(struct watch *w)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int changed = 0, dirs = 0;
    ssize_t n;

    for (;;) {
        char *p;
        n = read(w->fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                break;
            return -1;
        }
        if (n == 0)
            break;
        for (p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            size_t i;
            p += sizeof *ev + ev->len;
            if (ev->wd == w->parent_wd) {
                /* the root's name made again: a copy, a restore, a mv */
                if (ev->mask & IN_IGNORED)
                    w->parent_wd = -1;
                else if (ev->len && strcmp(ev->name, w->base) == 0)
                    changed = dirs = 1;
                continue;
            }
            if (ev->wd == w->root_wd && (ev->mask & IN_MOVE_SELF)) {
                watch_forget_all(w);
                changed = dirs = 1;
                continue;
            }
            if (watch_is_git(w, ev->wd)) {
                if (ev->mask & IN_IGNORED) {
                    /* the checkout went away: watched again if it comes back */
                    w->git_wd = w->common_wd = w->heads_wd = -1;
                    dirs = 1;
                } else if (watch_git_event(w, ev)) {
                    changed = 1;
                }
                continue;
            }
            if (ev->mask & IN_IGNORED) {
                /* a watched folder is gone: forget its descriptor */
                for (i = 0; i < w->n; i++)
                    if (w->wd[i] == ev->wd)
                        w->wd[i] = w->wd[--w->n];
                /* the root itself: its name is watched from its parent */
                if (ev->wd == w->root_wd) {
                    w->root_wd = -1;
                    changed = dirs = 1;
                }
                continue;
            }
            /* editors' swap and backup files are not content */
            if (!(ev->len && (ev->name[0] == '.' || ev->name[strlen(ev->name) - 1] == '~')))
                changed = 1;
            if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)))
                dirs = 1;
        }
    }
    if (dirs)
        watch_rescan(w);
    return changed;
}

void watch_rearm(struct watch *w)
{
    if (w)
        watch_rescan(w);
}

void watch_close(struct watch *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    free(w->root);
    free(w->parent);
    free(w->base);
    free(w);
}
