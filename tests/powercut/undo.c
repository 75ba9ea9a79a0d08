/* powercut-undo DIR: after a process run under powercut.so was killed,
 * undoes every write it had not synced, as a power cut would have lost
 * them: for each DIR/FILE.undo, its records from last to first (the file
 * truncated back to its old size, the old bytes written back), then the
 * undo log removed. A torn last record (the process killed while writing
 * it, before the write it covers) is ignored. Prints how many records and
 * bytes were undone. Exit 0, or 1 on an error. Test-only (powercut.c). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "powercut.h"

struct undo_rec {
    struct powercut_rec r;
    long at;                /* offset of the old bytes in the log */
};

static int undo_file(const char *dir, const char *name, long *records, long *bytes)
{
    char log[4096], data[4096];
    struct undo_rec *v = NULL;
    size_t n = 0, cap = 0;
    FILE *f;
    int fd = -1, rc = 1;

    snprintf(log, sizeof log, "%s/%s", dir, name);
    snprintf(data, sizeof data, "%s/%.*s", dir, (int)(strlen(name) - 5), name);
    if (!(f = fopen(log, "rb")))
        return 1;
    for (;;) {
        struct powercut_rec r;
        unsigned long long magic;
        long at;
        if (fread(&r, sizeof r, 1, f) != 1 || r.magic != POWERCUT_MAGIC)
            break;
        at = ftell(f);
        if (fseek(f, (long)r.pre_len, SEEK_CUR) != 0 || fread(&magic, sizeof magic, 1, f) != 1 ||
            magic != POWERCUT_MAGIC)
            break;      /* torn: its write never happened */
        if (n == cap) {
            struct undo_rec *nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof *v);
            if (!nv)
                goto out;
            v = nv;
        }
        v[n].r = r;
        v[n++].at = at;
    }
    if ((fd = open(data, O_WRONLY)) < 0) {
        rc = n == 0 ? 0 : 1;    /* nothing to undo in a file that is gone */
        goto out;
    }
    while (n > 0) {
        const struct undo_rec *u = &v[--n];
        char *pre = u->r.pre_len ? malloc(u->r.pre_len) : NULL;
        if ((u->r.pre_len && !pre) || ftruncate(fd, (off_t)u->r.old_size) != 0 ||
            (u->r.pre_len && (fseek(f, u->at, SEEK_SET) != 0 || fread(pre, u->r.pre_len, 1, f) != 1 ||
                              pwrite(fd, pre, u->r.pre_len, (off_t)u->r.offset) != (ssize_t)u->r.pre_len))) {
            free(pre);
            goto out;
        }
        free(pre);
        ++*records;
        *bytes += (long)u->r.pre_len;
    }
    rc = fsync(fd) == 0 ? 0 : 1;
out:
    if (fd >= 0)
        close(fd);
    fclose(f);
    free(v);
    if (rc == 0 && unlink(log) != 0)
        rc = 1;
    if (rc != 0)
        fprintf(stderr, "powercut-undo: cannot undo %s\n", data);
    return rc;
}

int main(int argc, char **argv)
{
    long records = 0, bytes = 0;
    struct dirent *e;
    DIR *d;
    int rc = 0;

    if (argc != 2 || !(d = opendir(argv[1]))) {
        fprintf(stderr, "usage: powercut-undo DIR\n");
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        size_t k = strlen(e->d_name);
        if (k > 5 && strcmp(e->d_name + k - 5, ".undo") == 0 &&
            undo_file(argv[1], e->d_name, &records, &bytes) != 0)
            rc = 1;
    }
    closedir(d);
    printf("undone %ld writes, %ld bytes\n", records, bytes);
    return rc;
}
