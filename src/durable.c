/* durable: one syncer thread for the HTTP workers' commits (durable.h).
 * A worker that parked a request is free at once; the syncer takes every
 * request parked so far as one group, waits for the one fsync of the WAL
 * that covers them all (db_durable_wait: made here, or by a thread outside
 * HTTP that happens to be syncing), then resumes them. Requests parked
 * while that fsync runs form the next group. So the group grows with the
 * load instead of stopping at the number of workers, and no worker thread
 * sleeps on the disk while its other clients wait. */
#include "durable.h"

#include <pthread.h>
#include <stdio.h>

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    durable_fn suspend, resume;
    struct durable_wait *head, *tail;
    unsigned long parked, groups, requests;
    int running, stopping;
} durable = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *durable_main(void *arg)
{
    struct db *db = NULL;
    struct durable_wait *batch, *w, *next;
    struct db_durable t;
    unsigned long n;
    int r;

    (void)arg;
    pthread_mutex_lock(&durable.mu);
    for (;;) {
        while (!durable.head && !durable.stopping)
            pthread_cond_wait(&durable.cv, &durable.mu);
        if (!durable.head)
            break;
        batch = durable.head;
        durable.head = durable.tail = NULL;
        pthread_mutex_unlock(&durable.mu);

        t = (struct db_durable){0};
        n = 0;
        for (w = batch; w; w = w->next, n++)
            db_durable_merge(&t, &w->need);
        /* opened with the first group: a daemon that never writes needs
         * no connection here */
        if (!db && !(db = db_thread()))
            fprintf(stderr, "spkiosk: durable: no database connection: the writes fail\n");
        r = db ? db_durable_wait(db, &t) : -1;
        /* the call screen, the tablet, the notify sender: told only now */
        if (r == 0)
            db_durable_after(&t);
        /* counted before any is resumed: an owner that has its answer
         * finds its request in durable_stats (a test read them short) */
        pthread_mutex_lock(&durable.mu);
        durable.parked -= n;
        durable.groups++;
        durable.requests += n;
        pthread_mutex_unlock(&durable.mu);
        /* resume last: once resumed, an item belongs to its owner again
         * (a worker may free it), so nothing here touches it after */
        for (w = batch; w; w = next) {
            next = w->next;
            w->failed = r != 0;
            durable.resume(w);
        }
        pthread_mutex_lock(&durable.mu);
    }
    pthread_mutex_unlock(&durable.mu);
    return NULL;
}

int durable_start(durable_fn suspend, durable_fn resume)
{
    int rc = 0;

    pthread_mutex_lock(&durable.mu);
    if (durable.running) {
        rc = -1;
        goto out;
    }
    durable.suspend = suspend;
    durable.resume = resume;
    durable.stopping = 0;
    durable.parked = durable.groups = durable.requests = 0;
    if (pthread_create(&durable.thread, NULL, durable_main, NULL) != 0) {
        rc = -1;
        goto out;
    }
    durable.running = 1;
out:
    pthread_mutex_unlock(&durable.mu);
    return rc;
}

int durable_park(struct durable_wait *w)
{
    int rc = 0;

    pthread_mutex_lock(&durable.mu);
    if (!durable.running || durable.stopping) {
        rc = -1;
        goto out;
    }
    w->next = NULL;
    w->failed = 0;
    durable.suspend(w);
    if (durable.tail)
        durable.tail->next = w;
    else
        durable.head = w;
    durable.tail = w;
    durable.parked++;
    pthread_cond_signal(&durable.cv);
out:
    pthread_mutex_unlock(&durable.mu);
    return rc;
}

unsigned long durable_parked(void)
{
    unsigned long n;

    pthread_mutex_lock(&durable.mu);
    n = durable.parked;
    pthread_mutex_unlock(&durable.mu);
    return n;
}

void durable_stats(unsigned long *groups, unsigned long *requests)
{
    pthread_mutex_lock(&durable.mu);
    *groups = durable.groups;
    *requests = durable.requests;
    pthread_mutex_unlock(&durable.mu);
}

void durable_stop(void)
{
    pthread_mutex_lock(&durable.mu);
    if (!durable.running || durable.stopping) {
        pthread_mutex_unlock(&durable.mu);
        return;
    }
    durable.stopping = 1;
    pthread_cond_signal(&durable.cv);
    pthread_mutex_unlock(&durable.mu);
    (void)pthread_join(durable.thread, NULL);
    pthread_mutex_lock(&durable.mu);
    durable.running = 0;
    durable.stopping = 0;
    pthread_mutex_unlock(&durable.mu);
}
