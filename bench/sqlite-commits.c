/* The raw-SQLite baseline of bench/steps.mjs (issue #13): one connection
 * committing single-row INSERTs as fast as it can, WAL and
 * synchronous=FULL (an fsync of the WAL per commit), for SECONDS seconds
 * on a fresh database in DIR. Prints "commits N seconds S rate R".
 *
 *   cc -O2 -o sqlite-commits bench/sqlite-commits.c -lsqlite3
 *   ./sqlite-commits DIR [SECONDS] [FULL|NORMAL]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    char path[4096], setup[256], wal[4200];
    double secs = argc > 2 ? atof(argv[2]) : 5.0, t0, t;
    const char *sync = argc > 3 ? argv[3] : "FULL";
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long n = 0;
    int rc = 1;

    if (argc < 2 || secs <= 0 || (strcmp(sync, "FULL") != 0 && strcmp(sync, "NORMAL") != 0)) {
        fprintf(stderr, "usage: %s DIR [SECONDS] [FULL|NORMAL]\n", argv[0]);
        return 2;
    }
    snprintf(path, sizeof path, "%s/baseline.db", argv[1]);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(path);
    unlink(wal);
    snprintf(setup, sizeof setup,
             "PRAGMA journal_mode = WAL; PRAGMA synchronous = %s;"
             "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);", sync);
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, setup, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO t(v) VALUES ('a step of a case, about this long')",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s\n", db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    t0 = now();
    do {
        /* autocommit: one transaction, one commit, one fsync per row */
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
            goto done;
        }
        sqlite3_reset(st);
        n++;
    } while ((t = now()) - t0 < secs);
    printf("commits %ld seconds %.3f rate %.1f\n", n, t - t0, (double)n / (t - t0));
    rc = 0;
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    unlink(path);
    unlink(wal);
    return rc;
}
