/* watch: inotify on the procedures folder, so that a file saved by an
 * editor, a `git pull` or a copy is loaded within a second.
 */
#ifndef SPK_WATCH_H
#define SPK_WATCH_H

/* Folders watched at most (the root, its category folders, _assets). */
#define WATCH_MAX_DIRS 256

struct watch;

/* Starts watching root and the folders directly below it, and root's
 * name in its parent folder, so that a library replaced whole (deleted
 * and copied again, restored, a new one moved into place) is watched
 * again and loaded. Returns a new
 * watch, or NULL (logged) when inotify is not available; the daemon then
 * reloads on SIGHUP only. Free with watch_close(). */
struct watch *watch_open(const char *root);

/* The descriptor to poll for readability. */
int watch_fd(const struct watch *w);

/* Reads the pending events. Returns 1 when something under the root
 * changed (a reload is due; folders are watched anew, so a new category
 * folder is seen too), 0 when nothing relevant did, -1 on error. */
int watch_drain(struct watch *w);

/* Watches root and its folders again, whatever events were missed (SIGHUP:
 * the admin's way to say "look again"). w may be NULL. */
void watch_rearm(struct watch *w);

void watch_close(struct watch *w);

#endif
