/* search-time: store_search's own time, without HTTP, for the ranking
 * functions' before/after (docs/performance.md, "What changed"): the mean
 * over REPS queries of one text on an existing database. Build and run:
 *   make build/search-time
 *   build/search-time DB QUERY [REPS]   (REPS default 100, at most 100000)
 * Prints "QUERY: N.NNN ms/query, H hits". Not a test: it measures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "store.h"

static int search_time_hit(void *ctx, const char *id)
{
    (void)id;
    (*(int *)ctx)++;
    return 0;
}

int main(int argc, char **argv)
{
    struct timespec a, b;
    struct db *db = NULL;
    char err[256];
    long reps = argc > 3 ? strtol(argv[3], NULL, 10) : 100;
    int hits = 0, rc = 1;

    if (argc < 3 || reps < 1 || reps > 100000) {
        fprintf(stderr, "usage: search-time DB QUERY [REPS 1..100000]\n");
        return 2;
    }
    if (db_open(argv[1], &db, err, sizeof err) != 0) {
        fprintf(stderr, "search-time: %s\n", err);
        return 1;
    }
    if (clock_gettime(CLOCK_MONOTONIC, &a) != 0)
        goto out;
    for (long i = 0; i < reps; i++) {
        hits = 0;
        if (store_search(db, argv[2], strlen(argv[2]), NULL, search_time_hit, &hits) != 0)
            goto out;
    }
    if (clock_gettime(CLOCK_MONOTONIC, &b) != 0)
        goto out;
    printf("%s: %.3f ms/query, %d hits\n", argv[2],
           ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / (double)reps,
           hits);
    rc = 0;
out:
    db_close(db);
    return rc;
}
