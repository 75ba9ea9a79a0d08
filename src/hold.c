/* hold: requests held open until a change or their timeout (hold.h). */
#include "hold.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define HOLD_CAP_MAX 4096
#define HOLD_TIMEOUT_MAX 3600000L

struct hold_entry {
    void *item;
    int64_t deadline_ms;    /* CLOCK_MONOTONIC */
};

struct hold {
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* the timer thread waits on it */
    pthread_t timer;
    hold_fn suspend, resume;
    uint64_t gen;
    bool closed, stop;
    size_t cap, n;
    struct hold_entry *e;   /* unordered; n is small */
};

static int64_t hold_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Resumes and removes entry i (the last one takes its place). Lock held. */
static void hold_release(struct hold *h, size_t i)
{
    void *item = h->e[i].item;

    h->e[i] = h->e[--h->n];
    h->resume(item);
}

static void hold_release_all(struct hold *h)
{
    while (h->n > 0)
        hold_release(h, h->n - 1);
}

static void *hold_timer(void *arg)
{
    struct hold *h = arg;
    struct timespec ts;
    int64_t now, next;
    size_t i;

    pthread_mutex_lock(&h->mu);
    while (!h->stop) {
        now = hold_now_ms();
        next = INT64_MAX;
        for (i = 0; i < h->n;) {
            if (h->e[i].deadline_ms <= now) {
                hold_release(h, i);
                continue;
            }
            if (h->e[i].deadline_ms < next)
                next = h->e[i].deadline_ms;
            i++;
        }
        if (next == INT64_MAX) {
            pthread_cond_wait(&h->cv, &h->mu);
            continue;
        }
        ts.tv_sec = (time_t)(next / 1000);
        ts.tv_nsec = (long)(next % 1000) * 1000000;
        (void)pthread_cond_timedwait(&h->cv, &h->mu, &ts);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

struct hold *hold_new(size_t cap, hold_fn suspend, hold_fn resume)
{
    struct hold *h;
    pthread_condattr_t ca;
    bool cond_ok = false;

    if (cap < 1 || cap > HOLD_CAP_MAX || !suspend || !resume || !(h = calloc(1, sizeof *h)))
        return NULL;
    h->cap = cap;
    h->suspend = suspend;
    h->resume = resume;
    if (!(h->e = calloc(cap, sizeof *h->e)) || pthread_mutex_init(&h->mu, NULL) != 0) {
        free(h->e);
        free(h);
        return NULL;
    }
    if (pthread_condattr_init(&ca) == 0) {
        cond_ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
                  pthread_cond_init(&h->cv, &ca) == 0;
        pthread_condattr_destroy(&ca);
    }
    if (!cond_ok || pthread_create(&h->timer, NULL, hold_timer, h) != 0) {
        if (cond_ok)
            pthread_cond_destroy(&h->cv);
        pthread_mutex_destroy(&h->mu);
        free(h->e);
        free(h);
        return NULL;
    }
    return h;
}

uint64_t hold_generation(struct hold *h)
{
    uint64_t g;

    pthread_mutex_lock(&h->mu);
    g = h->gen;
    pthread_mutex_unlock(&h->mu);
    return g;
}

enum hold_result hold_park(struct hold *h, void *item, uint64_t seen, long timeout_ms)
{
    enum hold_result r = HOLD_HELD;

    if (timeout_ms < 1)
        timeout_ms = 1;
    if (timeout_ms > HOLD_TIMEOUT_MAX)
        timeout_ms = HOLD_TIMEOUT_MAX;
    pthread_mutex_lock(&h->mu);
    if (h->closed)
        r = HOLD_CLOSED;
    else if (h->gen != seen)
        r = HOLD_CHANGED;
    else if (h->n == h->cap)
        r = HOLD_FULL;
    else {
        /* suspended before it can be seen in the list: whoever resumes it
         * takes the lock first */
        h->suspend(item);
        h->e[h->n].item = item;
        h->e[h->n].deadline_ms = hold_now_ms() + timeout_ms;
        h->n++;
        pthread_cond_signal(&h->cv);
    }
    pthread_mutex_unlock(&h->mu);
    return r;
}

void hold_wake(struct hold *h)
{
    pthread_mutex_lock(&h->mu);
    h->gen++;
    hold_release_all(h);
    pthread_mutex_unlock(&h->mu);
}

size_t hold_count(struct hold *h)
{
    size_t n;

    pthread_mutex_lock(&h->mu);
    n = h->n;
    pthread_mutex_unlock(&h->mu);
    return n;
}

void hold_close(struct hold *h)
{
    pthread_mutex_lock(&h->mu);
    h->closed = true;
    hold_release_all(h);
    pthread_mutex_unlock(&h->mu);
}

void hold_free(struct hold *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->mu);
    h->closed = true;
    h->stop = true;
    hold_release_all(h);
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->timer, NULL);
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    free(h->e);
    free(h);
}

void hold_slot_set(struct hold_slot *s, struct hold *h)
{
    atomic_store(&s->h, h);
}

void hold_slot_wake(struct hold_slot *s)
{
    struct hold *h = atomic_load(&s->h);

    if (h)
        hold_wake(h);
}
