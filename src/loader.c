/* loader: glues library (files), store (SQLite) and catalog (memory). The
 * snapshot is always rebuilt from the database, so what is served after a
 * load is exactly what a restart would serve.
 *
 * Loads run one at a time: the main thread loads after SIGHUP and file
 * changes, an HTTP worker after an admin's save. Serialising them keeps the
 * snapshots published in the order of the database states they were built
 * from, and makes the watcher's load after a save a cheap one (every file
 * unchanged since). */
#include "loader.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "clock.h"
#include "gitref.h"
#include "library.h"
#include "metrics.h"
#include "store.h"

static pthread_mutex_t loader_lock = PTHREAD_MUTEX_INITIALIZER;

static double loader_ms(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static int loader_run_locked(struct db *db, const char *root)
{
    struct library lib;
    struct store_load_stats st = {0};
    struct catalog *snap = NULL;
    struct store_reuse_set *reuse;
    struct timespec t0, t1, t_scan, t_sync;
    int scanned, synced = -1, git;
    char commit[GITREF_HEX + 1] = "";
    /* one date for the whole load: a load across midnight then schedules,
     * promotes and marks updates by the same day */
    int today = clock_today();

    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* HEAD before the files: git writes a pull's files before it moves the
     * ref, so a commit read first is never newer than the files scanned
     * after it; a pull landing mid-scan is loaded again by the watcher */
    git = gitref_head(root, commit);
    /* what can be reused, read in one query rather than one per file */
    if (store_reuse_load(db, &reuse) != 0) {
        metrics_load(false, 0);
        return -1;
    }
    scanned = library_scan(root, today, store_reuse_cached, reuse, &lib);
    store_reuse_free(reuse);
    clock_gettime(CLOCK_MONOTONIC, &t_scan);
    diag_list_print(&lib.diags, stderr);
    if (scanned == 0)
        synced = store_sync(db, &lib, today, &st);
    else
        fprintf(stderr, "spkiosk: cannot read %s; serving what was loaded before\n", root);
    library_free(&lib);
    clock_gettime(CLOCK_MONOTONIC, &t_sync);
    if (store_catalog_build(db, today, &snap) != 0) {
        fprintf(stderr, "spkiosk: load failed; the previous catalog stays live\n");
        metrics_load(false, st.failed);
        return -1;
    }
    snap->git = git;
    if (git == 0)
        memcpy(snap->commit, commit, sizeof commit);
    snap->loaded_at = time(NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr,
            "spkiosk: loaded %s%s%.*s: %zu live (%zu parsed, %zu unchanged, %zu with errors, "
            "%zu retired) in %.1f ms (files %.1f, database %.1f, snapshot %.1f);"
            " %zu practice files, %zu with errors;"
            " %zu versions scheduled, %zu went live on their date%s\n",
            root, git == 0 ? " at commit " : git < 0 ? " (git HEAD unreadable)" : "",
            git == 0 ? 12 : 0, commit, snap->n_procs, st.parsed, st.reused, st.failed, st.retired,
            loader_ms(&t0, &t1), loader_ms(&t0, &t_scan), loader_ms(&t_scan, &t_sync),
            loader_ms(&t_sync, &t1), st.practice, st.practice_failed, st.scheduled, st.promoted,
            synced == 0 ? "" : " (files not stored)");
    catalog_publish(snap);
    /* a folder that could not be read served the last load again: failed */
    metrics_load(scanned == 0, st.failed);
    /* a load frees far more than it keeps (parsed models, rendered pages,
     * SQLite's scratch); give it back, or the steady RSS stays at the
     * load's peak (issue #13: 158 MB at 10,000 procedures) */
    malloc_trim(0);
    return 0;
}

int loader_run(struct db *db, const char *root)
{
    int rc;

    pthread_mutex_lock(&loader_lock);
    rc = loader_run_locked(db, root);
    pthread_mutex_unlock(&loader_lock);
    return rc;
}
