/* durable: the writes' syncer. An HTTP worker that committed a write does
 * not wait for the fsync that makes it durable (db.h, deferred
 * durability): it parks the request here, connection suspended, and goes
 * on with its other clients. One thread makes the fsyncs: each one covers
 * every request parked before it began, however many (a group not bounded
 * by the number of workers), and then resumes them, so that each answer
 * still leaves only once its write is on the disk.
 *
 * It knows nothing of HTTP: a parked item is a struct durable_wait the
 * owner embeds, with the two functions that suspend and resume it. Suspend
 * is called under the list's lock, before the item can be seen by the
 * syncer, so an item is never resumed before it was suspended, and is
 * resumed exactly once.
 */
#ifndef SPK_DURABLE_H
#define SPK_DURABLE_H

#include "db.h"

struct durable_wait {
    struct durable_wait *next;  /* the list's; the owner leaves it alone */
    struct db_durable need;     /* what the item's commits need (db_defer_take) */
    int failed;                 /* set before resume: the fsync failed, the
                                 * write is not durable (answer an error) */
};

typedef void (*durable_fn)(struct durable_wait *w);

/* Starts the syncer thread, whose connection to the database comes from
 * db_thread() (db_thread_setup first). Returns 0, or -1 when it is running
 * already or the thread cannot be made. */
int durable_start(durable_fn suspend, durable_fn resume);

/* Parks w (w->need filled, pending): calls suspend(w) and returns 0; the
 * syncer calls resume(w) once w's commits are on the disk, or the fsync
 * failed (w->failed set). Returns -1, without calling suspend, when the
 * syncer is not running (not started, or stopping): the caller then waits
 * itself (db_durable_wait). */
int durable_park(struct durable_wait *w);

/* Requests parked now whose fsync has not finished (for tests). */
unsigned long durable_parked(void);

/* The fsyncs the syncer made and the requests they covered, since start
 * (for tests and the figures). A group is counted once its fsync is done
 * and before its requests are resumed, so a resumed owner's request is
 * always in the count. */
void durable_stats(unsigned long *groups, unsigned long *requests);

/* Refuses later parks, makes a last fsync for what is parked, resumes it
 * all and joins the thread. Idempotent; no-op when not started. */
void durable_stop(void);

#endif
