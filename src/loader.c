/* loader: glues library (files), store (SQLite) and catalog (memory). The
 * snapshot is always rebuilt from the database, so what is served after a
 * load is exactly what a restart would serve; the bytes of procedures whose
 * live version did not change are shared with the previous snapshot rather
 * than read again, and files whose stat stamp did not change are not read
 * (issue #13: a reload at 10,000 procedures costs what changed).
 *
 * Loads run one at a time: the main thread loads after SIGHUP and file
 * changes, an HTTP worker after an admin's save. Serialising them keeps the
 * snapshots published in the order of the database states they were built
 * from, and makes the watcher's load after a save a cheap one (every file
 * unchanged since). */
#include "loader.h"

#include <malloc.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts.h"
#include "catalog.h"
#include "clock.h"
#include "gitref.h"
#include "library.h"
#include "metrics.h"
#include "store.h"

static pthread_mutex_t loader_lock = PTHREAD_MUTEX_INITIALIZER;
static loader_after_fn loader_after;
/* whether the live snapshot was built by the last load that wrote: only
 * then do the ids parsed since name every version row written since it */
static bool loader_prev_current;

static int loader_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void loader_fresh_free(char **v, size_t n)
{
    while (n)
        free(v[--n]);
    free(v);
}

/* The ids of the files this load parsed, copied and sorted: their version
 * rows may have been written again (store_catalog_build). Copied so that
 * the library (every text and model of a cold load) is freed before the
 * snapshot is built: the two at once raised a cold load's peak RSS at
 * 10,000 from 154 to 224 MB. 0, or -1. */
static int loader_fresh(const struct library *lib, char ***out, size_t *n)
{
    char **v = malloc((lib->n_files ? lib->n_files : 1) * sizeof *v);
    size_t i;

    *out = v;
    *n = 0;
    if (!v)
        return -1;
    for (i = 0; i < lib->n_files; i++)
        if (lib->files[i].status == LIB_PARSED && !(v[(*n)++] = strdup(lib->files[i].id)))
            return -1;
    qsort(v, *n, sizeof *v, loader_str_cmp);
    return 0;
}

static double loader_ms(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* Staff who hold a post this _posts.md does not have (accounts.h), as a
 * warning of the load with the library's own: the console's list says it
 * to the admin, but the accounts are the IT officer's to move, and the
 * journal is what the IT officer reads. At every load, as the file's own
 * warnings; never a case (the post, how many hold it, who). */
static void loader_print_held(struct db *db, const struct posts *ps, const char *root)
{
    struct diag_list held = DIAG_LIST_INIT;
    char *path = malloc(strlen(root) + sizeof "/" POSTS_FILE);

    if (path)
        sprintf(path, "%s/%s", root, POSTS_FILE);
    if (!path || accounts_posts_held(db, ps, path, &held) != 0 || held.oom)
        fprintf(stderr, "spkiosk: cannot tell which staff hold a post %s lacks (database or "
                        "memory); the admin list's problems say it\n", POSTS_FILE);
    else
        diag_list_print(&held, stderr);
    diag_list_free(&held);
    free(path);
}

/* The last load read the folder but could not write it to the database
 * (a full disk): the edits on disk are not served until a load stores
 * them, and no change on disk may come to start one. */
static atomic_bool loader_unstored;

bool loader_behind(void)
{
    return atomic_load(&loader_unstored);
}

static int loader_run_locked(struct db *db, const char *root)
{
    struct library lib;
    struct store_load_stats st = {0};
    struct catalog *snap = NULL, *prev = NULL;
    struct store_reuse_set *reuse;
    struct library_reuse ru;
    struct timespec t0, t1, t_scan, t_sync, c0, c1;
    char **fresh = NULL;
    size_t n_fresh = 0, shared = 0, unread;
    int scanned, synced = -1, git, rc = -1;
    char commit[GITREF_HEX + 1] = "", upstream[GITREF_HEX + 1];
    /* one date for the whole load: a load across midnight then schedules,
     * promotes and marks updates by the same day */
    int today = clock_today();

    memset(&lib, 0, sizeof lib);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* this thread's CPU time too: on a shared machine the wall time
     * measures the neighbours as much as the load */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    /* HEAD before the files: git writes a pull's files before it moves the
     * ref, so a commit read first is never newer than the files scanned
     * after it; a pull landing mid-scan is loaded again by the watcher */
    git = gitref_head(root, commit);
    /* what can be reused, read in one query rather than one per file */
    if (store_reuse_load(db, &reuse) != 0) {
        fprintf(stderr, "spkiosk: cannot read the stored files' stamps; serving what was loaded "
                        "before\n");
        metrics_load(false, 0);
        return -1;
    }
    ru = store_reuse_of(reuse);
    scanned = library_scan(root, today, &ru, &lib);
    store_reuse_free(reuse);
    if (scanned == 0 && library_calendar_note(root, &lib, today) != 0)
        scanned = -1;
    unread = lib.n_unread;
    clock_gettime(CLOCK_MONOTONIC, &t_scan);
    diag_list_print(&lib.diags, stderr);
    if (scanned == 0 && lib.posts_ok)
        loader_print_held(db, lib.posts, root);
    if (scanned == 0)
        synced = store_sync(db, &lib, today, &st);
    else
        fprintf(stderr, "spkiosk: cannot read %s; serving what was loaded before\n", root);
    if (loader_fresh(&lib, &fresh, &n_fresh) != 0) {
        /* the rows may be newer than the live snapshot now: the next build
         * must not share its bodies for files parsed again */
        loader_prev_current = false;
        fprintf(stderr, "spkiosk: out of memory after reading %s; serving what was loaded "
                        "before\n", root);
        goto out;
    }
    library_free(&lib);
    memset(&lib, 0, sizeof lib);
    clock_gettime(CLOCK_MONOTONIC, &t_sync);
    /* a failed sync wrote nothing; a failed build leaves the live snapshot
     * older than the rows, and the next build then starts afresh */
    if (loader_prev_current)
        prev = catalog_acquire();
    loader_prev_current = false;
    if (store_catalog_build(db, today, prev, fresh, n_fresh, &snap, &shared) != 0) {
        fprintf(stderr, prev ? "spkiosk: load failed; the previous catalog stays live\n"
                             : "spkiosk: load failed, and nothing was loaded before it\n");
        goto out;
    }
    loader_prev_current = true;
    snap->git = git;
    if (git == 0)
        memcpy(snap->commit, commit, sizeof commit);
    snap->loaded_at = time(NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    fprintf(stderr,
            "spkiosk: loaded %s%s%.*s: %zu live (%zu parsed, %zu unchanged, %zu with errors, "
            "%zu retired) in %.1f ms (files %.1f, database %.1f, snapshot %.1f, CPU %.1f);"
            " %zu files unread (same stamp), %zu snapshot entries shared;"
            " %zu practice files, %zu with errors;"
            " %zu versions scheduled, %zu went live on their date;"
            " %zu files with errors in all%s\n",
            root, git == 0 ? " at commit " : git < 0 ? " (git HEAD unreadable)" : "",
            git == 0 ? 12 : 0, commit, snap->n_procs, st.parsed, st.reused, st.failed, st.retired,
            loader_ms(&t0, &t1), loader_ms(&t0, &t_scan), loader_ms(&t_scan, &t_sync),
            loader_ms(&t_sync, &t1), loader_ms(&c0, &c1), unread, shared, st.practice,
            st.practice_failed, st.scheduled, st.promoted, st.error_files,
            synced == 0 ? "" : " (files not stored)");
    /* a refused pull fetched the office's commit but moved nothing: said at
     * each load until the hall is in step, next to the line naming its own */
    if (git == 0 && gitref_upstream(root, upstream) == 0 && strcmp(upstream, commit) != 0)
        fprintf(stderr,
                "spkiosk: warning: the street office's library is at commit %.12s (as the last pull "
                "fetched it), this hall serves %.12s: not in step. A pull git refuses (a console "
                "save in a file the office changed too, a commit of the hall's own) is in "
                "`journalctl -u spkiosk-pull`; docs/deployment.md, \"Many halls\"\n",
                upstream, commit);
    catalog_publish(snap);
    /* published, but what the folder holds now is not in it: the caller
     * must not say an edit went live, and the daemon tries again */
    rc = synced == 0 ? 0 : 1;
out:
    /* a folder that could not be read served the last load again, and
     * files that could not be stored (a full disk, a broken schema) left
     * edits out of it: failed, so that the counter alerts (an IT officer's
     * review saw edits stop going live with the counter at 0) */
    metrics_load(rc == 0 && scanned == 0 && synced == 0, st.error_files);
    atomic_store(&loader_unstored, scanned == 0 && synced != 0);
    catalog_release(prev);
    loader_fresh_free(fresh, n_fresh);
    library_free(&lib);
    /* a load frees far more than it keeps (parsed models, rendered pages,
     * SQLite's scratch); give it back, or the steady RSS stays at the
     * load's peak (issue #13: 158 MB at 10,000 procedures) */
    malloc_trim(0);
    /* after the trim: the hook's commits delayed it, and the load bench's
     * RSS, read as the load line appears, read the peak (155 MB) */
    if (rc >= 0 && loader_after) {
        struct catalog *now = catalog_acquire();
        loader_after(db, now, today);
        catalog_release(now);
    }
    return rc;
}

int loader_run(struct db *db, const char *root)
{
    int rc;

    pthread_mutex_lock(&loader_lock);
    rc = loader_run_locked(db, root);
    pthread_mutex_unlock(&loader_lock);
    return rc;
}

void loader_after_set(loader_after_fn fn)
{
    loader_after = fn;
}
