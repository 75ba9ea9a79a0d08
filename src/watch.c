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
    int wd[WATCH_MAX_DIRS];
    size_t n;
    int git_wd, heads_wd; /* the git (and common) directories, refs/heads; -1 */
    int common_wd;
};

/* Adding a watch on a folder already watched returns the same descriptor,
 * so this is idempotent; watches of removed folders go by themselves. */
static void watch_add(struct watch *w, const char *path)
{
    size_t i;
    int wd;

    wd = inotify_add_watch(w->fd, path, WATCH_MASK | IN_ONLYDIR);
    if (wd < 0)
        return;
    for (i = 0; i < w->n; i++)
        if (w->wd[i] == wd)
            return;
    if (w->n < WATCH_MAX_DIRS)
        w->wd[w->n++] = wd;
    else
        inotify_rm_watch(w->fd, wd);
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

    watch_add(w, w->root);
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

struct watch *watch_open(const char *root)
{
    struct watch *w = calloc(1, sizeof *w);

    if (!w)
        return NULL;
    w->git_wd = w->common_wd = w->heads_wd = -1;
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0 || !(w->root = strdup(root))) {
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

void watch_close(struct watch *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    free(w->root);
    free(w);
}
