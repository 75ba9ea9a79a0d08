/* watch: one inotify descriptor over the procedures root and its first
 * level of folders, which is all the layout has. Events only say "look
 * again": the loader finds out what changed by hashing, so a burst of
 * events (an editor's write-rename dance, a git checkout) costs one load. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"

#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | \
                    IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

struct watch {
    int fd;
    char *root;
    int wd[WATCH_MAX_DIRS];
    size_t n;
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

/* Watches the root and every folder in it, new ones included. Watches are
 * never removed here: removing one makes the kernel queue IN_IGNORED,
 * which would look like another change. */
static void watch_rescan(struct watch *w)
{
    struct dirent *e;
    DIR *d;

    watch_add(w, w->root);
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
