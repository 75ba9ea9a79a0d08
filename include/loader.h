/* loader: one load of the procedures folder — scan, store, publish — as the
 * daemon does it at start and on every change.
 */
#ifndef SPK_LOADER_H
#define SPK_LOADER_H

#include <stdbool.h>

#include "db.h"

/* Reads root (skipping unchanged files), writes the result to db in one
 * transaction (scheduling versions whose `effective` date is to come and
 * making live those whose date has come, by the hall's local date now),
 * and publishes a new catalog snapshot built from db. Run it when the
 * local date changes, too (server.c does). Logs one
 * line and every diagnostic to stderr. A file with errors keeps its last
 * good version live. Returns 0 when a snapshot was published (even if files
 * had errors), 1 when one was published from what the database held
 * because the files read could not be stored in it (a full disk: edits on
 * disk are not live), -1 when nothing could be published; the previous
 * snapshot then stays live.
 *
 * Thread-safe: loads are serialised by a lock inside, so any thread may
 * call it with its own connection (an HTTP worker passes db_thread()); a
 * caller waits while another thread's load finishes. */
int loader_run(struct db *db, const char *root);

/* What runs after each published load, under the load's lock and on its
 * connection, with the new snapshot (held until fn returns) and the load's
 * local date: server.c sets relay_recount's pass here, which the content
 * layer cannot name. NULL (the default): nothing. Set it before the first
 * load; not thread-safe against a load in progress. */
struct catalog;
/* Whether the last load read the folder but could not store it (loader_run
 * returned 1): the daemon's loop loads again until one does, since nothing
 * on disk changes to start a load once space is back. */
bool loader_behind(void);

typedef void (*loader_after_fn)(struct db *db, const struct catalog *snap, int today);
void loader_after_set(loader_after_fn fn);

#endif
