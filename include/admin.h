/* admin: the admin console's work on procedure files, without HTTP — the
 * state of every file as the last load left it, an edit checked exactly as
 * a load would check it, and an edit saved (atomic write, then a load).
 * api_admin.c is the HTTP side.
 *
 * Files are named by rel, their path relative to the procedures root:
 * "CATEGORY/NAME.md".
 */
#ifndef SPK_ADMIN_H
#define SPK_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "diag.h"
#include "procedure.h"

/* Longest rel accepted. */
#define ADMIN_REL_MAX 255

/* True when rel can name a procedure file: "CATEGORY/NAME.md" with a valid
 * category id, NAME not starting with `_` or `.`, not README.md nor
 * NAME.practice.md (a practice file, practice.h), valid
 * UTF-8 without control characters, at most ADMIN_REL_MAX bytes. */
bool admin_rel_valid(const char *rel);

/* The files that are not procedures, by the name the console uses for
 * them: "_triage" → "_triage.md", "_directory", "_posts", "_calendar" likewise, a valid
 * category id → "ID/README.md". Returns 0 with *rel (caller frees), 1 for
 * any other name, -1 when memory runs out. */
int admin_file_rel(const char *name, char **rel);

/* A practice file by its console name "ID.practice": the file
 * STEM.practice.md beside the file of procedure ID (admin_locate), or
 * without such a procedure an orphan ID.practice.md the last load found.
 * Returns 0 with *rel (caller frees), 1 when name is not of that form or
 * names neither, -1 on a database error or when memory runs out. */
int admin_practice_rel(struct db *db, const char *name, char **rel);

/* True when rel is one of those files, or a practice file
 * "CATEGORY/STEM.practice.md". admin_check, admin_save and their
 * phases take them too: checked with the tree (errors their text would
 * cause in other files are reported as theirs, at line 1), no model, saved
 * only without errors. */
bool admin_rel_special(const char *rel);

/* Every procedure file with its state, as GET /api/v1/admin/procedures
 * answers it (docs/http-api.md, Admin): {"today","procedures":[...],
 * "problems":[...]}. root is the procedures folder exactly as the loader
 * was given it (diagnostics are stored under paths that start with it);
 * today is YYYYMMDD for review_overdue. behind: the last load could not
 * store what it read (loader_behind), so the list is older than the files:
 * problems then opens with an error that says so. Reads db in one read
 * transaction and stats each file for its modification time. Returns 0
 * with *out (a new string the caller frees), or -1. */
int admin_list_json(struct db *db, const char *root, int today, bool behind, char **out);

/* Finds the file of procedure `id`. With file (a rel) given, that file is
 * meant and id must be the id the list shows for it (its live procedure's,
 * its last load's, or its name's stem); without, the live procedure's file,
 * else a file whose last load named that id (the first by path). The file
 * need not exist any more. Returns 0 with *rel (caller frees), 1 when no
 * file matches (or file is not a valid rel), -1 on a database error. */
int admin_locate(struct db *db, const char *id, const char *file, char **rel);

/* The stored text of procedure id's live version, for an editor whose file
 * holds a version waiting for its date (saving it back withdraws that
 * version). Returns 0 with *text (len bytes and a NUL; caller frees) and
 * hash, 1 when id has no live version, -1 on a database error or when
 * memory runs out. */
int admin_live_source(struct db *db, const char *id, char **text, size_t *len, char hash[65]);

/* An edit's check: what a load would say about the file with this text. */
struct admin_check {
    struct diag_list diags;     /* the file's errors and warnings; file = rel */
    struct procedure *model;    /* set when diags holds no error */
    char hash[65];              /* sha256 hex of the text */
    /* set with a warning at line 1 when the text would hold its practice
     * passes to another key than the live version's (render_practice_key,
     * schema/027, 046) and active staff hold passes there: what the save
     * does to them (practice_play_lapse_read) */
    struct admin_lapse {
        bool said;
        int passes, partial;    /* whole passes that lapse; some of one only */
        int left;               /* whole passes on the text's key: who can
                                 * still handle the item after it */
        bool wording_only;      /* the two differ in words only
                                 * (render_practice_shape): ?editorial=1
                                 * keeps them, unless effective waits */
        int effective;          /* YYYYMMDD: they lapse on that day; 0: at
                                 * the save */
        bool mark_applies;      /* ?editorial=1 would be honoured: the text
                                 * goes live now over the text residents
                                 * read, which the file holds (or a live
                                 * fix); admin_save_as ignores it else */
        int waiting;            /* YYYYMMDD: the file holds a text waiting
                                 * for that date, which this save would
                                 * replace (not a live fix); else 0 */
        char *said_text;        /* owned: the warning's message when said */
    } lapse;
};

/* Checks text as the content of rel: library_scan_edit over the whole tree
 * at root with text standing in for rel's file (so the parser, the asset
 * links and the id checks run as in a load), plus the checks a load cannot
 * make about an edit that is not saved yet: another file (or the live
 * procedure of another file) with the same id is an error here whichever
 * file comes first by path, and a changed id is a warning (the old one
 * would be retired), and what the save would do to the staff's practice
 * passes (out->lapse). Returns 0 (out filled, errors or not) or -1 when the
 * tree or the database cannot be read or memory ran out. The caller frees out with
 * admin_check_free(), also after -1. */
int admin_check(struct db *db, const char *root, int today, const char *rel, const char *text,
                size_t len, struct admin_check *out);

/* admin_check, and live_fix: the text is checked as a fix of the live
 * version (admin_fix_live, the editor's 只改在用版本) rather than a save of
 * rel's file, so that the notice on practice passes says what that route
 * does with the mark (it applies though the file holds a waiting text). */
int admin_check_as(struct db *db, const char *root, int today, const char *rel, const char *text,
                   size_t len, bool live_fix, struct admin_check *out);

void admin_check_free(struct admin_check *c);

/* True when an If-Match header value matches hash: `*` (when exists), or a
 * list of entity tags one of which is "HASH" (a bare HASH is accepted too;
 * weak tags never match). */
bool admin_if_match(const char *if_match, const char *hash, bool exists);

enum admin_outcome {
    ADMIN_SAVED,        /* written and loaded */
    ADMIN_INVALID,      /* check->diags holds errors: nothing written */
    ADMIN_CHANGED,      /* the file does not match if_match: nothing written */
    ADMIN_MISSING,      /* editing, but the file is not on disk */
    ADMIN_EXISTS,       /* creating, but the file is there */
};

struct admin_saved {
    enum admin_outcome outcome;
    bool live;          /* SAVED: the loaded catalog serves this hash */
    bool stored;        /* SAVED: the load stored the files (false: a full
                         * disk; live is false, the daemon loads again) */
    char current[65];   /* CHANGED: the file's hash on disk ("" if unreadable) */
    bool folder_moved;  /* CHANGED or MISSING because rel's folder is a link
                         * now, gone or another folder than at prepare
                         * (admin_save_commit): not the file itself */
    bool editorial;     /* SAVED by admin_save_as with editorial, and live: the
                         * procedure's 本事项于…更新 date was left as it was;
                         * with check->lapse.wording_only the passes were
                         * kept, and the notice that they would lapse is
                         * taken out of check->diags (lapse.said false) */
};

/* Saves text as rel's content. if_match is the request's If-Match value, or
 * NULL to create a file that must not exist yet. One save at a time, under
 * a lock: admin_save_prepare (the file compared with if_match, the text
 * checked into *check, written to a temporary file beside the file and
 * fsync'd), then admin_save_commit (the file compared again, the temporary
 * file renamed over it, the folder fsync'd, the tree loaded with
 * loader_run on db so that the read API serves the new version on return).
 * Returns 0 with res->outcome (check filled for SAVED and INVALID), or -1
 * when the check, the write or the rename failed: then nothing was
 * renamed and the file is as it was (logged). Once the rename is done the
 * save is SAVED, even when the folder's fsync or the query for res->live
 * fails (logged), or when the load could not store the files (res->stored
 * false: the daemon's loop loads again until it can). The caller frees check with admin_check_free() in every
 * case. */
int admin_save(struct db *db, const char *root, const char *rel, const char *text, size_t len,
               const char *if_match, struct admin_check *check, struct admin_saved *res);

/* admin_save, and with editorial (a procedure file only) the text is a
 * typo or wording fix the admin does not want residents told about: the
 * load that makes it live keeps the procedure's updated_on
 * (store_editorial_set). A text that waits for its `effective` date is
 * saved as by admin_save (res->editorial false): its going live is news. */
int admin_save_as(struct db *db, const char *root, const char *rel, const char *text, size_t len,
                  const char *if_match, bool editorial, struct admin_check *check,
                  struct admin_saved *res);
/* admin_save's two phases, public so that a test can change the file
 * between them as an editor or a `git pull` may while the tree is being
 * checked. Everything else calls admin_save, which holds the save lock
 * across both; these take no lock. */
struct admin_pending;

/* Opens rel's folder (library_folder_open: no symbolic link followed below
 * root), compares the file in it with if_match, checks text (into *check)
 * and writes it to a new temporary file in that folder (O_EXCL), fsync'd.
 * A folder that is a link is CHANGED for an edit, never read through; a
 * new file there is left to the check (INVALID: the folder is a link or
 * not read). Returns 1 with *pending when the save is ready to commit; 0
 * with res->outcome (CHANGED, MISSING, EXISTS, INVALID) when it is
 * refused, nothing written; -1 when the check or the write failed, nothing
 * left behind (logged). The caller frees check with admin_check_free() in
 * every case. */
int admin_save_prepare(struct db *db, const char *root, const char *rel, const char *text,
                       size_t len, const char *if_match, struct admin_check *check,
                       struct admin_saved *res, struct admin_pending **pending);

/* Looks up rel's folder again as prepare did: a link now, gone, or
 * another folder than the one the temporary file is in (swapped during the
 * check) is CHANGED (MISSING for an edit whose folder is gone), the
 * temporary file removed, nothing written. Else reads the file again in
 * prepare's folder. When it is not what prepare compared (changed: CHANGED
 * with res->current its hash now; deleted: MISSING; created meanwhile when
 * creating: EXISTS), removes the temporary file and returns 0 with that
 * outcome. Else renames the temporary file over the file in that folder
 * (a new file: never over one made since, EXISTS), fsyncs the folder,
 * loads the tree and returns 0 with SAVED (see admin_save). -1 only when
 * the rename failed (temporary file removed, logged). check is prepare's.
 * Frees pending in every case. */
int admin_save_commit(struct db *db, const char *root, struct admin_pending *pending,
                      const struct admin_check *check, struct admin_saved *res);

/* Retiring an item from the console (停办): its file is deleted and the
 * load retires the procedure, as when the file is deleted on the server.
 * Cases keep their pinned version; the practice file beside it is moved
 * aside to CAT/.STEM.practice.md.retired (a name the loader passes by), from
 * where admin_restore puts it back;
 * the retired version's text stays in the database, which is what
 * admin_retired_source gives back for 恢复. */
struct admin_retire {
    bool exists;                /* the file is on disk, a regular file the
                                 * library reads (not through a linked folder) */
    char hash[65];              /* its content hash ("" when unreadable) */
    struct diag_list breaks;    /* errors the tree would newly have without
                                 * the file (file: their rel): a triage answer
                                 * or another item linking it */
    char *practice_rel;         /* the practice file beside it, or NULL */
    int cases_open;             /* started by residents, not handed in */
    int cases_queued;           /* waiting for the window or a home visit */
    int cases_in_hand;          /* accepted, returned for correction, ready */
};
void admin_retire_free(struct admin_retire *r);
/* What retiring procedure id (its file rel) would do, nothing changed: the
 * whole tree scanned without rel and compared with it as it is. Returns 0
 * with *out filled (free with admin_retire_free, also after -1), or -1 when
 * the tree or the database cannot be read or memory ran out. */
int admin_retire_check(struct db *db, const char *root, int today, const char *id,
                       const char *rel, struct admin_retire *out);
/* Retires id by deleting rel, under the save lock: if_match (required) is
 * compared with the file (CHANGED, MISSING as admin_save; MISSING too when
 * the library does not read it: impact->exists false), impact is
 * admin_retire_check's (INVALID when impact->breaks has any: nothing
 * deleted), the file is compared again and deleted, then its practice file
 * moved aside (a failure there is logged: the file then stands beside
 * nothing, an error of the library the console shows; an earlier
 * retirement's practice file at the aside name, with or without one of
 * this retirement, is renamed to NAME.1, .2, … first, never over a file),
 * the folder fsync'd
 * and the tree loaded. SAVED: deleted; res->live true when no version of id is
 * live any more, res->stored as admin_save. Returns 0 with res->outcome, or
 * -1 when the check or the delete failed (the file is as it was). The
 * caller frees impact with admin_retire_free in every case. */
int admin_retire(struct db *db, const char *root, int today, const char *id, const char *rel,
                 const char *if_match, struct admin_retire *impact, struct admin_saved *res);
/* The stored text of retired procedure id's last live version and the file
 * it had (rel). Returns 0 with *text (len bytes and a NUL) and *rel (caller
 * frees both), 1 when id is not retired, -1 on error. */
int admin_retired_source(struct db *db, const char *id, char **text, size_t *len, char **rel);
/* 恢复: retired id's last live text written back to the file it had, as
 * admin_save creates a file (If-None-Match: *: EXISTS when a file is there,
 * INVALID when the text no longer passes, CHANGED with res->folder_moved
 * when its folder was swapped during the save, CHANGED without it for a
 * symbolic link at the file's name), with the practice file that admin_retire
 * moved aside put back first when its place is free (moved aside again
 * unless SAVED), looked at and moved in its folder opened by
 * library_folder_open: nothing moves in a folder that is a link. Returns 0 with res->outcome, *rel (caller
 * frees) and *practice (the practice file is back); 1 when id is not
 * retired; 2 when its old path cannot be made from the console; -1 on
 * error (nothing written). check as admin_save's: free it in every case. */
int admin_restore(struct db *db, const char *root, const char *id, struct admin_check *check,
                  struct admin_saved *res, char **rel, bool *practice);
/* admin_restore's two phases, public so that a test can swap the category
 * folder between them as admin_save_prepare's test does; they take no
 * lock (admin_restore holds the save lock across both). prepare: the
 * retired text, the practice file put back, and admin_save_prepare of a
 * new file. Returns 0 with *pending (to be passed to commit in every
 * case: the save may already be refused, res->outcome), or 1, 2, -1 as
 * admin_restore (nothing moved or written, *pending NULL). commit:
 * admin_save_commit when prepare's save was not refused, the practice file
 * moved aside again unless SAVED, then as admin_restore; frees pending. */
struct admin_restore_pending;
int admin_restore_prepare(struct db *db, const char *root, const char *id, struct admin_check *check,
                          struct admin_saved *res, struct admin_restore_pending **pending);
int admin_restore_commit(struct db *db, const char *root, struct admin_restore_pending *pending,
                         struct admin_check *check, struct admin_saved *res, char **rel,
                         bool *practice);
/* Fixing the live version of an item whose file holds a text waiting for
 * its `effective` date (a typo residents read today), without losing the
 * waiting text: under the save lock, the file must be that waiting text
 * (if_match) and live_hash the live version; text is checked as the file
 * (and must keep the id live from the file, which the waiting text may
 * change, and not wait for a date itself), written and
 * loaded (live at once; editorial as admin_save_as), then the waiting
 * bytes are written back and loaded, scheduled again as they were. */
enum admin_fix_refusal {
    ADMIN_FIX_OK,
    ADMIN_FIX_NOT_WAITING,      /* the file is not a text waiting for its date */
    ADMIN_FIX_LIVE_CHANGED,     /* the live version is not live_hash (or none) */
};
struct admin_fix {
    enum admin_fix_refusal refused; /* set: nothing written, res untouched */
    bool rescheduled;           /* the waiting text is back and waits again */
    char waiting_hash[65];      /* its hash (written back: the file's again) */
};
/* Returns 0 with fix->refused, or res->outcome (CHANGED, MISSING, INVALID
 * with check's errors: nothing written; SAVED: the fix is live unless
 * res->stored is false (the database took nothing: the fix is not live and,
 * the waiting text written back, no longer on disk), and fix->rescheduled
 * says whether the waiting text is the file again; when not, it is logged
 * and kept in procedure_versions); -1 on a failure before the first rename
 * (nothing written). check as admin_save's. */
int admin_fix_live(struct db *db, const char *root, const char *rel, const char *if_match,
                   const char *live_hash, const char *text, size_t len, bool editorial,
                   struct admin_check *check, struct admin_saved *res, struct admin_fix *fix);
#endif
