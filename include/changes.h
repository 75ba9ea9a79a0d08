/* changes: what changed in a procedure since a staffer last read it
 * (issue #11 point 6). Each staffer has, per procedure, the version they
 * last confirmed with 我已阅读 (schema/021-procedure-reads.sql); when the
 * live version is another, they are shown the differences (vdiff.h) from
 * theirs to the live one until they confirm the live one.
 *
 * The first sight is the baseline: a staffer with no row for a procedure
 * has nothing to compare, so reading its changes (or the list of changes,
 * for every live procedure at once) records the live version as theirs.
 * A new staffer therefore starts with nothing to read, and a procedure
 * added later is new, not changed. A renamed id is not added: the load
 * that makes it live from the file an old id was live from carries each
 * staffer's read of the old id to it (store.c, store_carry), so the read
 * row may name a version of another id (its seen_id).
 *
 * Nothing here is personal data of a resident; the rows name staffers.
 */
#ifndef SPK_CHANGES_H
#define SPK_CHANGES_H

#include "db.h"
#include "refusal.h"

#define CHANGES_LIST_MAX 500        /* procedures in one answer of the list */

/* The changes of live procedure id for user as JSON text (caller frees):
 * {"id","title","hash","seen","changed","from":{"id","hash","version",
 * "first_loaded"},"to":{…},"parts":[{"kind","title","change","truncated",
 * "lines":[{"op","text"}]}]}. hash is the live version, seen the one user
 * confirmed (recorded as the live one first, in one BEGIN IMMEDIATE with
 * the reads); changed is seen ≠ hash (or seen is of another id, read
 * before a rename), and then from is seen's version and
 * parts vdiff_build's from it to the live one; otherwise from is to and
 * parts is empty (seen's model unreadable: compared as empty, every part
 * added). Returns 0; 1 with e set: unknown_procedure (404: no live
 * procedure id); -1 on a database error or when the live model cannot be
 * read. */
int changes_view_json(struct db *db, const char *id, const char *user, char **out,
                      struct refusal *e);

/* user confirms having read version hash of live procedure id, in one
 * BEGIN IMMEDIATE transaction. Returns 0 (their row now names hash); 1
 * with e set: unknown_procedure (404), stale_version (409: hash is not the
 * live version, which moved meanwhile or never was hash: read the newer
 * changes first); -1 on a database error. */
int changes_read(struct db *db, const char *id, const char *user, const char *hash,
                 struct refusal *e);

/* The live procedures whose live version user has not confirmed, as JSON
 * text (caller frees): {"procedures":[{"id","title","hash","seen",
 * "since"}]}, since being when the live version was first loaded, newest
 * first, at most CHANGES_LIST_MAX. First records the live version as the
 * baseline of every live procedure user has no row for, in the same
 * BEGIN IMMEDIATE transaction. Returns 0 or -1. */
int changes_list_json(struct db *db, const char *user, char **out);

#endif
