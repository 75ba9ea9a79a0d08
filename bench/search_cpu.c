/* Search cost per query without HTTP (issue #13): opens a database loaded by
 * the daemon and runs store_search for each query 21 times, printing the
 * median thread CPU time and wall time. CPU time is what a busy shared
 * machine does not inflate. Build and run (docs/performance.md):
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Iinclude -o build/search_cpu bench/search_cpu.c \
 *     build/libspk.a $(pkg-config --libs libmicrohttpd sqlite3 libcjson libcmark \
 *     libsodium libqrencode) -lpthread -lm
 *   build/search_cpu DB 证 低保 ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "db.h"
#include "store.h"
static int hit(void *ctx, const char *id) { (void)id; (*(int *)ctx)++; return 0; }
static double now(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
int main(int argc, char **argv)
{
    struct db *db; char err[256]; int i, k;
    if (db_open(argv[1], &db, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; }
    for (k = 2; k < argc; k++) {
        double cpu[21], wall[21]; int n = 0;
        for (i = 0; i < 21; i++) {
            double c0 = now(CLOCK_THREAD_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
            n = 0;
            if (store_search(db, argv[k], strlen(argv[k]), NULL, hit, &n) < 0) { fprintf(stderr, "search failed\n"); return 1; }
            cpu[i] = now(CLOCK_THREAD_CPUTIME_ID) - c0; wall[i] = now(CLOCK_MONOTONIC) - w0;
        }
        qsort(cpu, 21, sizeof *cpu, cmp); qsort(wall, 21, sizeof *wall, cmp);
        printf("%s: %d hits, cpu median %.2f ms, wall median %.2f ms\n", argv[k], n, cpu[10], wall[10]);
    }
    db_close(db);
    return 0;
}
