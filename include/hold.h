/* hold: a bounded list of requests held open until something changes
 * (long polling), with a generation counter and a timer thread of its own.
 *
 * It knows nothing of HTTP: an entry is an opaque item, and the owner
 * gives the two functions that suspend and resume one (http.c passes
 * MHD_suspend_connection / MHD_resume_connection of the request's
 * connection). Every suspend and resume is called with the list's lock
 * held, so an item is never resumed before it was suspended, and is
 * resumed exactly once: by hold_wake, by its timeout, or by hold_close.
 *
 * The race between "nothing new, I will wait" and "something new" is
 * closed by the generation: a caller reads hold_generation() before it
 * looks at the data, and hold_park refuses (HOLD_CHANGED) when a wake came
 * in between.
 *
 * The timer thread sleeps until the earliest deadline (a condition
 * variable on CLOCK_MONOTONIC, woken when an entry comes in) and resumes
 * what is due; it does nothing else, so it needs no database.
 */
#ifndef SPK_HOLD_H
#define SPK_HOLD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct hold;

typedef void (*hold_fn)(void *item);

enum hold_result {
    HOLD_HELD,      /* suspended; resumed later by a wake, its timeout or close */
    HOLD_CHANGED,   /* a wake came after `seen`: answer now, nothing suspended */
    HOLD_FULL,      /* the list is at its cap: answer now */
    HOLD_CLOSED,    /* shutting down: answer now */
};

/* A list of at most cap entries (1..4096) and its timer thread. NULL when
 * memory or the thread cannot be had. */
struct hold *hold_new(size_t cap, hold_fn suspend, hold_fn resume);

/* The number of wakes so far. */
uint64_t hold_generation(struct hold *h);

/* Holds item for at most timeout_ms (1..3,600,000) unless a wake comes
 * first: calls suspend(item) and returns HOLD_HELD; or, without calling
 * it, one of the other results. */
enum hold_result hold_park(struct hold *h, void *item, uint64_t seen, long timeout_ms);

/* Something changed: the generation goes up, every held item is resumed
 * and the list emptied. Any thread. */
void hold_wake(struct hold *h);

/* Items held now. */
size_t hold_count(struct hold *h);

/* Resumes every held item and refuses all later parks (HOLD_CLOSED).
 * Idempotent. */
void hold_close(struct hold *h);

/* hold_close, then stops the timer thread and frees. NULL is allowed. */
void hold_free(struct hold *h);

/* Where a module that changes data (display, rate) finds the list to wake
 * without knowing who holds requests on it: the long poll's handler
 * module points the slot at its list before the workers start, and at
 * none (NULL) after they stopped. A zeroed slot points at none. */
struct hold_slot {
    _Atomic(struct hold *) h;
};

/* Points s at h (NULL: none). */
void hold_slot_set(struct hold_slot *s, struct hold *h);

/* hold_wake on the list s points at; nothing when none. Any thread. */
void hold_slot_wake(struct hold_slot *s);

#endif
