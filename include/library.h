/* library: a procedures folder read as a whole — categories, procedure and
 * policy files, the triage flow — with the checks that span files
 * (duplicate ids, triage links). Used by `spkiosk check` and by the loader.
 *
 * Layout: ROOT/CATEGORY/README.md, ROOT/CATEGORY/ID.md, ROOT/_triage.md,
 * ROOT/_directory.md (offices that triage answers and procedure text may
 * link to; a link to a missing office is an error in the linking file),
 * ROOT/_posts.md (the posts a review chain's stages name; a stage naming a
 * post missing from it is an error in the procedure file, when it exists)
 * and ROOT/_calendar.md (the working-day calendar).
 * CATEGORY/ID.practice.md holds the training scenarios of CATEGORY/ID.md
 * (practice.h); a procedure change that breaks one is an error in it.
 * Names starting with `_` or `.` are not procedures; ROOT/README.md is the
 * library's own documentation and is skipped.
 */
#ifndef SPK_LIBRARY_H
#define SPK_LIBRARY_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "directory.h"
#include "posts.h"
#include "practice.h"
#include "procedure.h"
#include "triage.h"
#include "workdays.h"

/* Entries read from one folder, and files (procedures and practice files)
 * in the whole library: 10,000 procedures and their category files load. */
#define LIBRARY_MAX_FILES 10000
#define LIBRARY_MAX_TOTAL 20000
#define LIBRARY_MAX_CATEGORIES 200

struct lib_category {
    char *id;           /* folder name */
    char *title;        /* README H1, or the id */
    char *description;  /* README first paragraph, or "" */
    int order;          /* README `order`, default 1000 */
    bool failed;        /* README.md has an error: the last good values stay
                           (store.c), as every other file's do */
    bool unlisted;      /* the folder could not be listed, or only up to
                           the cap: files this load did not see are not
                           gone, so what the last load had of them stays
                           (store.c), as a file that cannot be read keeps
                           its last good version */
};

enum lib_status {
    LIB_PARSED,         /* parsed without error: model is set */
    LIB_REUSED,         /* unchanged since a good load: not parsed again */
    LIB_FAILED,         /* has errors (or could not be read): not loaded */
};

/* A file's stat stamp, "SIZE:MTIME_NS:CTIME_NS:INODE:DEVICE". A file whose
 * stamp is the one stored with its hash at the last load is not read,
 * hashed or parsed. This is git's and SQLite's heuristic, with ctime: an
 * edit that restores size and mtime (touch -d) still moves ctime, which no
 * user can set, and a rename moves the inode. What it cannot see is a
 * write within the same clock tick as the read that stamped the file; so a
 * file changed less than LIBRARY_STAMP_RACY_NS before the scan began gets
 * no stamp and is read again next time. The cost of a false "changed"
 * (chmod, a copy with the same text) is one read and hash. */
#define LIBRARY_STAMP_MAX 96
#define LIBRARY_STAMP_RACY_NS 1000000000LL

struct lib_file {
    char *rel;          /* path relative to the root: "employment/x.md" */
    char *path;         /* path as shown in diagnostics */
    char *category;
    char *id;           /* procedure id: the model's, the reused one, or the stem */
    char hash[65];      /* sha256 hex of the content; "" if unread */
    char *text;         /* the content (NUL-terminated), NULL if unread */
    size_t len;
    enum lib_status status;
    struct procedure *model;    /* LIB_PARSED only */
    int clash;          /* index in files of the earlier file whose id this
                           one also claims (it was refused for that), or -1 */
    bool has_practice;  /* a practice file is beside it: parsed, never
                           reused, so that the practice file is proved */
    char stamp[LIBRARY_STAMP_MAX];  /* the stamp taken when the folder was listed; "" when
                                       racy, unknown or edited */
    bool unread;        /* LIB_REUSED by its stamp: text is NULL, hash and
                           chain are what was stored with the stamp */
    bool chain;         /* the text has a ```chain block (kept with the
                           stamp: such a file is read while _posts.md exists) */
    bool held;          /* unchanged since the load that made it live (or
                           scheduled): of two files claiming one id, the one
                           that holds it keeps it */
};

/* A practice file, CATEGORY/STEM.practice.md, beside CATEGORY/STEM.md:
 * parsed on every scan (they are small) and proved against the procedure
 * as this scan parsed it. */
enum lib_practice_status {
    LIB_PRACTICE_GOOD,      /* parsed and proved: set is set */
    LIB_PRACTICE_FAILED,    /* has errors (or could not be read) */
    LIB_PRACTICE_UNCHECKED, /* the procedure has errors: not proved (a warning says so) */
};

struct lib_practice {
    char *rel;          /* "employment/x.practice.md" */
    char *path;         /* as shown in diagnostics */
    char hash[65];      /* "" if unread */
    char *text;         /* NUL-terminated, NULL if unread */
    size_t len;
    int file;           /* index in files of STEM.md, -1 when there is none */
    enum lib_practice_status status;
    struct practice *set;   /* GOOD only */
};

struct library {
    struct lib_category *cats;  /* sorted by order, then id */
    size_t n_cats;
    struct lib_file *files;     /* sorted by rel */
    size_t n_files;
    size_t *by_rel;             /* indices of files in strcmp order of rel
                                   (files is in folder order: "a/x" before
                                   "a-b/x"); set once the files are listed */
    struct lib_practice *practices;     /* sorted by rel */
    size_t n_practices;
    bool has_triage;            /* a _triage.md exists */
    char triage_hash[65];
    struct triage *triage;      /* NULL when absent or with errors */
    bool has_directory;         /* a _directory.md exists */
    char directory_hash[65];
    struct directory *directory;    /* as read, even with errors (links are
                                       checked against it); NULL when absent */
    bool directory_ok;          /* directory has no error: it may be published */
    bool offices_moved;         /* its text is not the live one's
                                   (library_reuse.directory_hash): files that
                                   may link an office are read and parsed */
    bool offices_pinned;        /* links were checked against the live
                                   offices (library_reuse.offices), since
                                   this text has errors, is gone or takes
                                   away an office still linked to */
    bool has_posts;             /* a _posts.md exists */
    bool posts_moved;           /* ... and its text is not the one the reused
                                 * chain files were checked against
                                 * (library_reuse.posts_hash): they are parsed */
    char posts_hash[65];
    struct posts *posts;        /* as read, even with errors (chains are
                                   checked against it); NULL when absent */
    bool posts_ok;              /* posts has no error: it may be published */
    bool posts_pinned;          /* posts is the live text's (library_reuse.
                                   posts_live), this one having errors */
    char *posts_text;           /* the file's text when posts_ok, else NULL */
    bool has_calendar;          /* a _calendar.md exists */
    char calendar_hash[65];
    struct workdays *calendar;  /* NULL when absent or with errors */
    char *calendar_text;        /* the file's text when calendar is set */
    struct diag_list diags;     /* everything found, sorted by file and line */
    /* during a scan only, NULL after: the live offices
     * (library_reuse.offices), and where a link lands only because the
     * live directory still has the office this text takes away */
    char *const *live_offices;
    size_t n_live_offices;
    struct diag_list *dropped;
    long long started_ns;       /* CLOCK_REALTIME at the scan's start */
    size_t n_unread;            /* files reused by their stamp, not read */
};

/* Lets the loader skip parsing a file whose content it loaded before. Given
 * the file's rel and hash, return 1 and set *id (a malloc'd string the
 * library then owns) to reuse the earlier result; 0 to parse; -1 on error. */
typedef int (*library_reuse_fn)(void *ctx, const char *rel, const char *hash, char **id);

/* Lets the loader skip reading a file at all: given its rel and stamp
 * (never ""), return 1 when that stamp was stored with a result that
 * library_reuse_fn would reuse, setting hash, *id (malloc'd, the
 * library's then) and *chain as stored; 0 to read; -1 on error. */
typedef int (*library_stamp_fn)(void *ctx, const char *rel, const char *stamp, char hash[65],
                                char **id, bool *chain);

struct library_reuse {
    library_reuse_fn by_hash;
    library_stamp_fn by_stamp;  /* may be NULL: every file is read */
    void *ctx;
    /* the hash of the _posts.md text the reusable chain files were checked
     * against ("" for none), or NULL when unknown: a chain file is reused
     * only while _posts.md has that text, else parsed again */
    const char *posts_hash;
    /* the live _directory.md (the last good one the store keeps): the hash
     * of its text ("" when there is none) and its offices' ids, or NULL
     * when unknown (`spkiosk check`). Every stored file was checked against
     * it, so a file that may link an office is parsed again only when
     * _directory.md's text is another. A new text that takes away an
     * office a file still links to is refused (an error on it, the live
     * offices stay), and so is a deleted _directory.md while any link is
     * left; links are then checked against the live offices, as they are
     * while _directory.md has an error. */
    const char *directory_hash;
    char *const *offices;
    size_t n_offices;
    /* the live _posts.md's text (the last good one the store keeps), or
     * NULL when there is none or it is unknown (`spkiosk check`). While
     * _posts.md has errors its last good text stays live, and chains are
     * checked against it: a chain naming a post only the broken text had
     * went live with a post no staffer can hold (an admin's review). */
    const char *posts_live;
};

/* The daemon's note on a calendar that stops short: a warning in lib's
 * diagnostics (at _calendar.md line 1) for this year, and for the next one
 * from LIBRARY_CALENDAR_AHEAD days before it begins, when the file exists,
 * parses and lists no date of that year (its holidays would count as
 * working days in every due date) or fewer than LIBRARY_CALENDAR_FEW (a
 * notice half entered: a year-end review entered 元旦 alone, which made
 * the year count as entered). Not part of library_scan, so `spkiosk
 * check`'s output does not change with the date. 0, or -1 when memory ran
 * out. */
#define LIBRARY_CALENDAR_AHEAD 60
#define LIBRARY_CALENDAR_FEW 10     /* fewer dates of a year: a notice half entered */
int library_calendar_note(const char *root, struct library *lib, int today);

/* library_calendar_note for an edit of _calendar.md (lib: the folder read
 * with the edited text), before the save: before is the calendar as it
 * stands (NULL: the folder has none). A year the edit enters with fewer
 * than LIBRARY_CALENDAR_FEW dates where before has none (this year, the
 * next, or any later one) is a warning at its first date's line instead of
 * the note at line 1: once saved, the year counts as entered and the due
 * dates counted without it move on at that load only, so what is added
 * later moves none of them. 0, or -1 when memory ran out. */
int library_calendar_note_edit(const char *root, struct library *lib, int today,
                               const struct workdays *before);

/* Reads the whole tree at root. today is YYYYMMDD (0 to skip review
 * reminders); reuse may be NULL. Problems in files are diagnostics, not
 * failures: returns 0 when the tree was read (lib filled, even if files have
 * errors), -1 when root cannot be read or memory ran out (lib->diags says
 * why when it can). The caller frees lib with library_free(). */
int library_scan(const char *root, int today, const struct library_reuse *reuse,
                 struct library *lib);

/* One file's text given in place of what is on disk, so that an edit is
 * checked exactly as a load would check it before it is saved (the admin
 * console). rel is "CATEGORY/NAME.md"; when the category folder exists but
 * holds no such file, the text is checked as a new file there. rel may also
 * be "_triage.md", "_directory.md", "_posts.md", "_calendar.md" or "CATEGORY/README.md" (of an existing
 * folder), read in place of those files, present or not. */
struct library_edit {
    const char *rel;
    const char *text;       /* len bytes, not necessarily NUL-terminated */
    size_t len;
    bool gone;              /* rel is left out, as if deleted (text unused):
                             * what a retirement would leave (admin.h) */
};

/* library_scan with edit's text standing in for its file. The edited file
 * is always parsed (never reused), so its model is set when it has no
 * error. edit may be NULL. Same results as library_scan. */
int library_scan_edit(const char *root, int today, const struct library_reuse *reuse,
                      const struct library_edit *edit, struct library *lib);

/* Checks what one `spkiosk check PATH` argument names: a procedures root (a
 * folder holding category folders or a _triage.md), a category folder, or a
 * single file. Diagnostics are appended to diags. Returns 0, or -1 when the
 * path cannot be read or memory ran out (a diagnostic says which). */
int library_check_path(const char *path, int today, struct diag_list *diags);

/* Opens rel (components separated by '/', none empty or "..") under the
 * folder dir without following a symbolic link anywhere in rel (dir itself
 * may be one: it is the configured library). flags as open(2)'s; O_NOFOLLOW
 * and O_CLOEXEC are added. Returns the descriptor (caller closes), or -1
 * with errno (ELOOP: a link on the way). */
int library_open_beneath(const char *dir, const char *rel, int flags);

/* Opens the folder that holds rel ("CAT/NAME.md", or "NAME.md" directly
 * under dir) so that a caller reads and changes it through the descriptor
 * (openat, renameat, unlinkat with *name): dir itself when rel has no '/',
 * else rel's folders beneath dir as library_open_beneath opens them, no
 * symbolic link followed below dir (dir itself may be one: it is the
 * configured library). A folder swapped for a link after a caller's check
 * is then refused here, never written through. *name points into rel at
 * its last component. Returns the descriptor (O_RDONLY|O_DIRECTORY,
 * close-on-exec; the caller closes), or -1 with errno: ELOOP a link where
 * a folder is (the last one too), ENOENT or ENOTDIR no such folder (or
 * rel without a last component, or with ".."), ENOMEM. */
int library_folder_open(const char *dir, const char *rel, const char **name);

/* Reads a file of at most max bytes into a new NUL-terminated buffer.
 * A symbolic link is not followed: -1 with errno ELOOP.
 * Returns 0, 1 when the file is larger than max (nothing read), or -1 with
 * errno set. The caller frees *out. */
int library_read_file(const char *path, size_t max, char **out, size_t *len);

/* library_read_file of path relative to the folder open as dirfd
 * (openat(2); AT_FDCWD: as library_read_file), for a caller that must
 * read the very folder it then changes (admin's 停办). */
int library_read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len);

/* library_read_file of rel under dir read in its folder as
 * library_folder_open opens it: a category folder that is a link is -1
 * with errno ELOOP, never read through (the admin console's source and
 * saves; the loader does not read such a folder either). */
int library_read_file_beneath(const char *dir, const char *rel, size_t max, char **out, size_t *len);

/* sha256 of data as 64 lower-case hex digits plus NUL. */
void library_hash(const char *data, size_t len, char out[65]);

/* The line an error about f's id points at: its front matter's `id:` line
 * when the id comes from there (from the model, else from f's text), else
 * 1 (the id is the file name, or the file was not read: reused by its
 * stamp). Never fails: 1 also when memory runs out. */
int library_id_line(const struct lib_file *f);

/* Days before review_by that a reminder starts. */
#define LIBRARY_REMIND_DAYS 30

/* date (YYYYMMDD) plus days, as YYYYMMDD; 0 for a bad date. */
int library_date_add(int date, int days);

void library_free(struct library *lib);

#endif
