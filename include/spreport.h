/* spreport: "this step is wrong" (SP有误, issue #11 part 5). A staffer
 * reports one step of one stored procedure version as wrong or unclear,
 * with a note; the admin console lists the reports per procedure and marks
 * them dealt with, with an optional reply (schema/017-sp-reports.sql).
 *
 * A report names only the procedure, its version hash and the step index,
 * never a case: it is about the SP, not a resident, so the staff case view
 * and practice report the same way and nothing here is personal data.
 *
 * Bounds: a note of 1..SPREPORT_NOTE_MAX characters of the text policy
 * (window_text_check); at most SPREPORT_DAY_MAX open reports per staffer
 * per procedure per local day, and never the same open report twice, so
 * a double click or a flood stays out of the admin's list.
 */
#ifndef SPK_SPREPORT_H
#define SPK_SPREPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "refusal.h"

#define SPREPORT_NOTE_MAX 500       /* characters of a note or a reply */
#define SPREPORT_DAY_MAX 5          /* open reports per staffer, procedure and day */
#define SPREPORT_LIST_MAX 500       /* reports in one answer of the list */

enum spreport_kind {
    SPREPORT_WRONG,                 /* 有误 */
    SPREPORT_UNCLEAR,               /* 不清楚 */
};

/* "wrong", "unclear" → its value; -1 for anything else (NULL too). Pure. */
int spreport_kind_parse(const char *s);

/* Checks a report's note: trimmed into buf (cap bytes), 1..SPREPORT_NOTE_MAX
 * characters of the text policy. Returns buf's text, or NULL with e set:
 * note_required, note_too_long, bad_text (all REFUSAL_INVALID). Pure. */
const char *spreport_note_check(const char *note, char *buf, size_t cap, struct refusal *e);

/* Checks an admin's optional reply the same way, except that NULL or blank
 * is none: 0 with *out NULL. Returns 0 (*out buf's text or NULL), or 1
 * with e set: reply_too_long, bad_text. Pure. */
int spreport_reply_check(const char *reply, char *buf, size_t cap, const char **out,
                         struct refusal *e);

/* Adds a report by user of step (index) of procedure id at version hash,
 * of kind (spreport_kind_parse's text) with note, on local date today
 * (YYYYMMDD), in one BEGIN IMMEDIATE transaction. *id_out gets the new
 * report's id. Returns 0; 1 with e set: unknown_procedure (404: no stored
 * version of id), bad_kind / note_required / note_too_long / bad_text /
 * unknown_version (hash is not a version of id) / unknown_step (no such
 * step in that version) (422), already_reported (the same open report by
 * user exists) / too_many_reports (SPREPORT_DAY_MAX open ones today)
 * (409); -1 on a database error. */
int spreport_add(struct db *db, const char *id, const char *hash, long long step,
                 const char *kind, const char *note, const char *user, int today,
                 long long *id_out, struct refusal *e);

/* The admin's list as JSON text (caller frees): {"reports":[{"id",
 * "procedure","title","hash","version","live","step","step_title","kind",
 * "note","by","at","dealt_at","dealt_by","reply"}],"counts":{"open",
 * "dealt"}}. procedure NULL: every procedure; open_only: the open ones.
 * Open first, newest first; at most SPREPORT_LIST_MAX; counts are over
 * procedure's reports whatever open_only says. title and version are
 * those of the reported version, live whether it is the live one. One
 * read transaction. Returns 0 or -1. */
int spreport_list_json(struct db *db, const char *procedure, bool open_only, char **out);

/* One report as the list shows it, as JSON text (caller frees). Returns 0,
 * 1 when there is no such report, -1 on error. */
int spreport_get_json(struct db *db, long long id, char **out);

/* Marks report id dealt with by user, with reply (spreport_reply_check's
 * rules), in one BEGIN IMMEDIATE transaction. Returns 0; 1 with e set:
 * not_found (404), already_dealt (409, checked before the reply),
 * reply_too_long / bad_text (422); -1 on a database error. */
int spreport_deal(struct db *db, long long id, const char *user, const char *reply,
                  struct refusal *e);

#endif
