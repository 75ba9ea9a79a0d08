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
    size_t errors;              /* how many entries are DIAG_ERROR */
    int oom;                    /* set when an entry could not be stored */
};

/* A file producing more entries than this is cut off with one last error,
 * so a pathological file cannot make the loader use unbounded memory. */
#define DIAG_MAX_PER_LIST 10000

#define DIAG_LIST_INIT {NULL, 0, 0, 0, 0}

/* Appends one entry (message formatted printf-style). Returns 0, or -1 when
 * memory runs out or the list is full (then l->oom is set, errors counted). */
int diag_add(struct diag_list *l, const char *file, int line, enum diag_severity sev,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define diag_error(l, f, ln, ...) diag_add((l), (f), (ln), DIAG_ERROR, __VA_ARGS__)
#define diag_warn(l, f, ln, ...) diag_add((l), (f), (ln), DIAG_WARNING, __VA_ARGS__)

/* Moves every entry of src onto the end of dst; src is left empty.
 * Returns 0 or -1 on allocation failure (src then keeps its entries). */
int diag_list_move(struct diag_list *dst, struct diag_list *src);

/* Sorts by file, then line, keeping the order of equal entries. */
void diag_list_sort(struct diag_list *l);

/* Writes `FILE:LINE: message` or `FILE:LINE: warning: message`, one a line. */
void diag_list_print(const struct diag_list *l, FILE *out);

/* Number of entries of the given file; used for per-file counts. */
size_t diag_list_count(const struct diag_list *l, const char *file, enum diag_severity sev);

void diag_list_free(struct diag_list *l);

#endif
