/* diag: the errors and warnings found in procedure files.
 *
 * Every check in the loader reports through a diag_list, so `spkiosk check`,
 * the daemon's log and the admin console all show the same `FILE:LINE:
 * message` lines. Messages are written for hall admins, in Chinese.
 */
#ifndef SPK_DIAG_H
#define SPK_DIAG_H

#include <stdio.h>
#include <stddef.h>

enum diag_severity { DIAG_WARNING = 0, DIAG_ERROR = 1 };

struct diag {
    char *file;                 /* path as shown to the admin; owned */
    int line;                   /* 1-based line in the file */
    enum diag_severity severity;
    char *message;              /* owned, UTF-8, no trailing newline */
};

struct diag_list {
    struct diag *items;         /* owned array of n entries */
    size_t n, cap;
    size_t errors;              /* errors reported, including any not stored */
    size_t run;                 /* entries in a row for items[n-1]'s file */
    int truncated;              /* the list reached DIAG_MAX_PER_LIST */
    int oom;                    /* memory ran out: the list is incomplete */
};

/* A file reporting more than this in a row is cut off with one last error
 * (its errors still count), so that one pathological file neither floods
 * the admin's list nor crowds out the others' problems. */
#define DIAG_MAX_PER_FILE 100
/* A whole list stops growing here; later entries are counted, not kept. */
#define DIAG_MAX_PER_LIST 10000

#define DIAG_LIST_INIT {NULL, 0, 0, 0, 0, 0, 0}

/* Appends one entry (message formatted printf-style). An entry over the
 * per-file or per-list cap is counted (if an error) but not kept; that is
 * not a failure. Returns 0, or -1 when memory runs out (l->oom is set). */
int diag_add(struct diag_list *l, const char *file, int line, enum diag_severity sev,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define diag_error(l, f, ln, ...) diag_add((l), (f), (ln), DIAG_ERROR, __VA_ARGS__)
#define diag_warn(l, f, ln, ...) diag_add((l), (f), (ln), DIAG_WARNING, __VA_ARGS__)

/* Moves every entry of src onto the end of dst; src is left empty.
 * Returns 0 or -1 on allocation failure (src then keeps its entries). */
int diag_list_move(struct diag_list *dst, struct diag_list *src);

/* Drops from src every entry that seen holds already (the same file, line,
 * severity and message), counting a dropped error out of src->errors. */
void diag_list_drop_seen(struct diag_list *src, const struct diag_list *seen);

/* Sorts by file, then line, keeping the order of equal entries. */
void diag_list_sort(struct diag_list *l);

/* Writes `FILE:LINE: message` or `FILE:LINE: warning: message`, one a line. */
void diag_list_print(const struct diag_list *l, FILE *out);

/* Number of entries of the given file; used for per-file counts. */
size_t diag_list_count(const struct diag_list *l, const char *file, enum diag_severity sev);

void diag_list_free(struct diag_list *l);

#endif
