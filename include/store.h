/* store: the procedure catalog in SQLite — writing what a load found,
 * reading it back as a catalog snapshot, and full-text search.
 */
#ifndef SPK_STORE_H
#define SPK_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "db.h"
#include "library.h"

struct store_load_stats {
    size_t parsed;      /* files parsed and loaded */
    size_t reused;      /* unchanged files, not parsed again */
    size_t failed;      /* files with errors (an earlier version may stay live) */
    size_t retired;     /* procedures whose file is gone */
    size_t practice;    /* practice files read */
    size_t practice_failed; /* of those, with errors or not proved (their last good text stays) */
    size_t scheduled;   /* of the parsed, versions stored to go live on a later date */
    size_t promoted;    /* scheduled versions whose date came: now live, by
                         * store_promote or parsed again at this load */
    size_t error_files; /* every file of the library with an error (procedures, practice
                           files, the special files, links): what /metrics's
                           spkiosk_files_with_errors shows after the load */
};

/* Whether a version whose front matter `effective` is effective (YYYYMMDD,
 * 0 when absent) waits for its date rather than going live, today being
 * the hall's local date (0 when unknown: nothing waits). */
bool store_scheduled(int effective, int today);

/* Marks the text of hash (sha256 hex) as an editorial fix the admin is
 * saving (a typo, a wording: docs/procedure-format.md): a load that makes
 * it live in place of another live version of its procedure keeps that
 * procedure's updated_on, so residents are not told 本事项于…更新 about it.
 * Only the save's own load and a watcher's load of the same text see it;
 * NULL or "" clears it. A scheduled version going live on its date is
 * never editorial (the mark is gone by then). */
void store_editorial_set(const char *hash);

/* library_reuse_fn for library_scan: ctx is a struct db *. Reuses a file
 * when the same path had the same content at the last load, loaded without
 * error, its rendering is current, it is still live, and its review_by is
 * not within LIBRARY_REMIND_DAYS (so that reminders stay current). */
int store_reuse(void *ctx, const char *rel, const char *hash, char **id);

/* The same answers for a whole scan from one query: every file store_reuse
 * would reuse, read into memory (a path, a hash and an id each), where a
 * query per file made a start-up with 10,000 files run 10,000 of them.
 * store_reuse_load returns 0 with *out (free with store_reuse_free) or -1;
 * store_reuse_cached is the library_reuse_fn, ctx the struct store_reuse_set. */
struct store_reuse_set;
int store_reuse_load(struct db *db, struct store_reuse_set **out);
int store_reuse_cached(void *ctx, const char *rel, const char *hash, char **id);
/* library_stamp_fn over the same set: a file whose stored stamp is the
 * one given is reused as stored without being read. */
int store_reuse_stamped(void *ctx, const char *rel, const char *stamp, char hash[65], char **id,
                        bool *chain);
void store_reuse_free(struct store_reuse_set *set);

/* The library_reuse for a scan over set, which it points into (set must
 * outlive the scan): the two functions above; posts_hash, the hash of the
 * _posts.md text the set's chain files were checked against ("" when there
 * was none; NULL when the database does not know it, no load since
 * migration 025); the live _directory.md's hash and office ids. */
struct library_reuse store_reuse_of(struct store_reuse_set *set);

/* Writes a scanned tree in one BEGIN IMMEDIATE transaction: categories, new
 * versions, live pointers, search rows, retirements, per-file results,
 * diagnostics, the triage flow. Files with errors change nothing that is
 * live. A good file whose `effective` is after today (YYYYMMDD, the hall's
 * local date) is stored and scheduled instead of made live; every
 * scheduled version whose date has come (this load's or an earlier one's,
 * its file unchanged) is made live. A live version that replaces another
 * hash records today as its updated_on. Returns 0, or -1 (rolled back,
 * message on stderr). */
int store_sync(struct db *db, const struct library *lib, int today,
               struct store_load_stats *stats);

/* The page of procedure id's version hash, as stored: its detail JSON
 * and print HTML, malloc'd, the caller's to free (or to hand to
 * catalog_proc_doc_put). Returns 0; 1 when there is no such version (both
 * set to NULL); -1 on a database error or when memory runs out. */
int store_proc_doc(struct db *db, const char *id, const char *hash, char **detail_json,
                   char **print_html);

/* Reads the live catalog into a new snapshot (one reference, caller's).
 * The procedures' pages are left out, to be read when first asked for
 * (catalog_proc_doc).
 * today (YYYYMMDD) decides which procedures carry "updated"
 * (catalog_updated_shown): build a new snapshot when the date changes.
 * prev (may be NULL; the caller keeps its reference) is the snapshot
 * served before: a procedure whose live version, category and ETag are
 * the same in it shares its bytes instead of reading them again, unless
 * its id is in fresh (n_fresh ids in strcmp order, may be NULL): the
 * procedures whose version rows were written since prev was built (a
 * file parsed again renders anew even when its text is the same: its
 * links and offices are resolved against the other files). *reused, when
 * not NULL, is set to how many were shared. Returns 0 or -1. */
int store_catalog_build(struct db *db, int today, const struct catalog *prev,
                        char *const *fresh, size_t n_fresh, struct catalog **out,
                        size_t *reused);

#define STORE_SEARCH_LIMIT 100

/* Searches live procedures (of one category, unless category is NULL) for
 * a resident's query: hits in titles first, then in keywords, then in the
 * text, each by weighted hits (spk_score); at most STORE_SEARCH_LIMIT.
 * Calls fn with each id in rank order (stop by returning non-zero).
 * Returns 0, 1 when the query has nothing to search for, -1 on error
 * (including a query over the tokenizer's limit: check the length first
 * to tell them apart). */
int store_search(struct db *db, const char *q, size_t len, const char *category,
                 int (*fn)(void *ctx, const char *id), void *ctx);

#endif
