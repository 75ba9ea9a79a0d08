/* catalog: the immutable, in-memory snapshot of what the kiosk reads —
 * categories, the live procedures' pre-rendered JSON, the triage flow —
 * built from the database after each load and swapped in whole.
 *
 * Readers take a reference (catalog_acquire) and may keep pointers into the
 * snapshot until they release it, e.g. until a response built from its
 * bytes has been sent; a reload never changes a published snapshot.
 */
#ifndef SPK_CATALOG_H
#define SPK_CATALOG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "gitref.h"
#include "gzip.h"
#include "posts.h"
#include "workdays.h"

/* A live version's page: its whole procedure as JSON and its printable
 * one-time notice. Read from the database when first asked for, not when
 * the snapshot is built: at 10,000 procedures these are most of the bytes
 * (tens of MB), and a start-up or reload that read them all was most of
 * its time (issue #13); most pages are never opened between two loads. */
struct catalog_doc {
    char *detail_json;
    size_t detail_len;
    char *print_html;
    size_t print_len;
};

/* The rendered bytes of one live version, shared by every snapshot that
 * serves that version unchanged: a load takes them from the previous
 * snapshot by reference instead of reading them from the database again
 * (issue #13). Immutable once its snapshot is finished, but for doc, set
 * once (catalog_proc_doc_put) and then immutable too. */
struct catalog_body {
    atomic_long refs;
    char *item_json;
    int updated;            /* YYYYMMDD the doc's detail is marked with, or 0 */
    _Atomic(struct catalog_doc *) doc;  /* NULL until first asked for */
};

struct catalog_proc {
    char *id, *category;
    struct catalog_body *body;  /* owns item_json and the doc */
    char hash[65];          /* the live version */
    char etag[112];         /* "\"<hash>-r<RENDER_VERSION>[-uYYYYMMDD][-c<hall tag>]\"" */
    char *item_json;        /* list entry */
    size_t item_len;
    struct gzip_lazy detail_gz, print_gz;   /* compressed copies, made on first use */
};

/* A document's strong ETag: "\"<32 hex of its SHA-256>\"". */
#define CATALOG_ETAG_MAX 40

struct catalog_cat {
    char *id, *title, *description;
    size_t count;           /* live procedures in it */
    char *list_json;        /* {"procedures":[...]} filtered to it */
    size_t list_len;
    char list_etag[CATALOG_ETAG_MAX];
    struct gzip_lazy list_gz;
};

struct catalog_index {
    const char *id;         /* borrowed from procs[index] */
    size_t index;
};

/* The search answers given from a snapshot (catalog_search_get/put):
 * the snapshot is immutable, so an answer stays right for its lifetime and
 * the cache never needs invalidating; a load publishes a new snapshot with
 * an empty one. Bounded: past CATALOG_QCACHE_ENTRIES answers or
 * CATALOG_QCACHE_BYTES of them, further answers are not kept (entries are
 * never evicted, so a reader may serve one in place while it holds the
 * snapshot). */
#define CATALOG_QCACHE_ENTRIES 2048
#define CATALOG_QCACHE_BYTES (8u << 20)
#define CATALOG_QCACHE_BUCKETS 1024
struct catalog_qentry;
struct catalog_qcache {
    pthread_mutex_t lock;
    struct catalog_qentry *buckets[CATALOG_QCACHE_BUCKETS];
    size_t n, bytes;
};

struct catalog {
    atomic_long refs;
    struct catalog_qcache *qcache;  /* made lazily by the first put */
    struct catalog_proc *procs;     /* in list order */
    size_t n_procs, cap_procs;
    struct catalog_index *by_id;    /* sorted by id, for lookups */
    struct catalog_cat *cats;       /* in display order */
    size_t n_cats, cap_cats;
    char *categories_json;          /* {"categories":[...]} */
    size_t categories_len;
    char *list_json;                /* {"procedures":[...]} */
    size_t list_len;
    char *triage_json;              /* NULL when there is no valid triage */
    size_t triage_len;
    char *directory_json;           /* {"offices":[...]}, never NULL once finished */
    size_t directory_len;
    /* set by catalog_finish: each document's ETag and compressed copy
     * (issue #13), and the snapshot's id — a hash of everything a reader
     * can get from it, this build's version included — that a search's
     * ETag is made from */
    char categories_etag[CATALOG_ETAG_MAX], list_etag[CATALOG_ETAG_MAX];
    char triage_etag[CATALOG_ETAG_MAX], directory_etag[CATALOG_ETAG_MAX];
    struct gzip_lazy categories_gz, list_gz, triage_gz, directory_gz;
    char id[33];
    struct posts *posts;            /* _posts.md, NULL without one */
    struct workdays *calendar;      /* _calendar.md, NULL without one */
    /* set by the loader before it publishes: which commit of a pulled
     * library this load read (issue #14), for the admin console; not part
     * of id, since a reader gets nothing different from it */
    int git;                        /* gitref_head's answer: 0 commit, 1 not git, -1 unreadable */
    char commit[GITREF_HEX + 1];    /* "" unless git == 0 */
    time_t loaded_at;
};

/* The cached answer to a search: key[0..klen) (what identifies the query,
 * made by the caller) into *body and *len, and *gz its compressed copy
 * (gzip_lazy_get makes it on first use; it is freed with the snapshot, so
 * at most doubling the cache's bytes), valid while the caller holds its
 * reference to c. Returns true when found. Thread-safe. */
bool catalog_search_get(struct catalog *c, const char *key, size_t klen, const char **body,
                        size_t *len, struct gzip_lazy **gz);

/* Keeps a copy of an answer under key. Does nothing when the key is
 * there already, the cache is full or memory runs out (the answer is then
 * simply not cached). Thread-safe. */
void catalog_search_put(struct catalog *c, const char *key, size_t klen, const char *body,
                        size_t len);

/* A new, empty snapshot with one reference. NULL when memory runs out. */
struct catalog *catalog_new(void);

/* Builders, used by the store while it reads the database; the strings are
 * copied. Categories must be added in display order, procedures in list
 * order. Each returns 0 or -1 when memory runs out. */
int catalog_add_category(struct catalog *c, const char *id, const char *title,
                         const char *description);

/* How long residents are told a procedure was updated. */
#define CATALOG_UPDATED_DAYS 30

/* Whether a procedure whose live version replaced an earlier one on
 * updated_on (YYYYMMDD, 0 for a first version) shows "updated" today: from
 * that day through the CATALOG_UPDATED_DAYS - 1 days after it. false when
 * either date is 0 or updated_on is after today (a clock set back). */
bool catalog_updated_shown(int updated_on, int today);

/* Marks the procedure added last as updated on date (YYYYMMDD): its list
 * entry and detail get "updated":"YYYY-MM-DD" as their first member, and
 * its ETag the date, so that a cached copy is not confirmed once the
 * notice is gone. 0, or -1 when memory runs out or nothing was added. */
int catalog_set_updated(struct catalog *c, int date);

/* A live procedure; detail_json and print_html both NULL leave its page to
 * be read when first asked for (catalog_proc_doc), both given make it now. */
int catalog_add_proc(struct catalog *c, const char *id, const char *category, const char *hash,
                     const char *item_json, const char *detail_json, const char *print_html);

/* p's page when it is in memory; NULL when it was not read yet (the caller
 * reads it, store_proc_doc, and hands it to catalog_proc_doc_put). Any
 * thread; valid while the caller holds the snapshot. */
const struct catalog_doc *catalog_proc_doc(const struct catalog_proc *p);

/* Gives p its page, read from the database: detail_json and print_html
 * (malloc'd) are taken over in every case. The detail gets the "updated"
 * member p's version is marked with. Returns the page now in p (another
 * thread's, when it put one first: ours is freed), or NULL when memory ran
 * out. Any thread; valid while the caller holds the snapshot. */
const struct catalog_doc *catalog_proc_doc_put(const struct catalog_proc *p, char *detail_json,
                                               char *print_html);

/* Adds a procedure served exactly as from (an entry of an earlier
 * snapshot, which may still be served): the same id, category, ETag and
 * bytes, the bytes shared by reference, not copied. Its compressed copies
 * are made again on first use. 0, or -1 when memory runs out. */
int catalog_add_proc_shared(struct catalog *c, const struct catalog_proc *from);

/* The ETag catalog_add_proc (and catalog_set_updated with updated, when
 * it is not 0) gives a version of hash: out holds CATALOG_PROC_ETAG_MAX. */
#define CATALOG_PROC_ETAG_MAX 112
void catalog_proc_etag(const char *hash, int updated, char out[CATALOG_PROC_ETAG_MAX]);

/* The triage as the store keeps it (the JSON of GET /api/v1/triage, copied):
 * catalog_finish prunes the answers that lead to no live procedure. Without
 * it GET /api/v1/triage is 404 triage_not_found. 0, or -1 when memory runs out. */
int catalog_set_triage(struct catalog *c, const char *json);
/* The offices of _directory.md; without it catalog_finish sets an empty
 * list, so that the kiosk never sees a 404 for an optional file. */
int catalog_set_directory(struct catalog *c, const char *json);

/* The last good _posts.md / _calendar.md text (as the store keeps it),
 * parsed into the snapshot. -1 when memory runs out or the text does not
 * parse (it was stored only when it did). */
int catalog_set_posts(struct catalog *c, const char *text);
int catalog_set_calendar(struct catalog *c, const char *text);

/* The working-day calendar that due dates are counted with, for as long as
 * the caller holds c: NULL when the hall has no _calendar.md (then
 * workdays.h counts weekends only, which NULL means there). c may be NULL. */
const struct workdays *catalog_calendar(const struct catalog *c);

/* The posts of _posts.md, for as long as the caller holds c; NULL when
 * there is none. c may be NULL. */
const struct posts *catalog_posts(const struct catalog *c);

/* Renders the composite documents and the id index. 0 or -1. */
int catalog_finish(struct catalog *c);

/* catalog_finish, taking from prev (an earlier snapshot, may be NULL) the
 * ETag of each composite document whose bytes are the same in it: a
 * comparison instead of a hash of every list (issue #13). */
int catalog_finish_after(struct catalog *c, const struct catalog *prev);

/* Lookups; NULL when absent. */
const struct catalog_proc *catalog_find(const struct catalog *c, const char *id);
const struct catalog_cat *catalog_category(const struct catalog *c, const char *id);

/* Makes c the live snapshot (taking over the caller's reference) and drops
 * the previous one. */
void catalog_publish(struct catalog *c);

/* A reference to the live snapshot (never NULL after the first publish). */
struct catalog *catalog_acquire(void);

/* Drops a reference; the last one frees. NULL is allowed. */
void catalog_release(struct catalog *c);

/* Drops the live snapshot at shutdown. */
void catalog_shutdown(void);

#endif
