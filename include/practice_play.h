/* practice_play: the staff practice mode (网页模拟) over the scenarios the
 * loader keeps (practice.h): a staffer's list of items with their progress,
 * a scenario played as a practice case (schema/019-practice-cases.sql),
 * its one answer judged by practice_proof_judge, and who is ready for what
 * (readiness, AB岗). A practice case is never a real case: no ticket, no
 * queue, no case events, so statistics, the report and the sweep never
 * see one. docs/http-api.md "Practice" fixes the JSON.
 *
 * "The current version" of an item is the pair its practice file was last
 * proved on: the live procedure version and the practice file's good text.
 * An item whose practice file does not hold for the live version is not
 * offered. A staffer has passed an item when they answered every scenario
 * of the current file right, each under its scenario key (practice.h) on
 * the current version's practice key, within the last PRACTICE_PLAY_DAYS
 * days; a full pass on an earlier pair shows as passed_before. One on the
 * current practice key of a file the current one only added scenarios to
 * is held until it lapses (the hall stays covered), and so is one of the
 * live version's rules while practice is on a version scheduled for later,
 * up to the day before it applies; a pass whose days are over shows as
 * lapsed (已过期).
 */
#ifndef SPK_PRACTICE_PLAY_H
#define SPK_PRACTICE_PLAY_H

#include "db.h"
#include "models.h"
#include "practice.h"
#include "practice_proof.h"
#include "refusal.h"

#define PRACTICE_PLAY_DAYS 365      /* a pass counts this long */
#define PRACTICE_PLAY_ID_LEN 32     /* hex of 128 random bits */
#define PRACTICE_PLAY_ITEMS_MAX 500 /* items listed */

/* The last good practice file of procedure id as the loader stored it,
 * with the procedure version it was proved against: *out (free with
 * practice_free), *model and *ref (from models_get; release ref with
 * models_release). Returns 0, 1 when the procedure has no good practice
 * file (outputs NULL), -1 on a database error or when memory ran out
 * (logged). */
int practice_play_file_load(struct db *db, const char *id, struct practice **out,
                            const struct procedure **model, struct model_ref **ref);

/* GET /api/v1/staff/practice for user: {"procedures":[{"id","title",
 * "scenarios","passed_scenarios","passed","expires","passed_before",
 * "attempts","held","lapsed","upcoming"}]}.
 * Returns 0 and *out (caller frees), -1 on a database error or memory. */
int practice_play_list_json(struct db *db, const char *user, char **out);

/* Starts a practice case of procedure for user: the first scenario of the
 * current version user has not passed, else the one after the last played.
 * Returns 0 and *out, the 201 body (caller frees); 1 with e (no such item
 * with a good practice file: not found; its file changed under the start:
 * conflict); -1 on error. */
int practice_play_start(struct db *db, const char *user, const char *procedure, char **out,
                        struct refusal *e);

/* Checks answer a against the procedure's model before it is judged: a
 * known decision, for return 1..PRACTICE_MAX_IDS flags each a field key or
 * item id of p, for refuse a condition 1..n. 0, or 1 with e (invalid). */
int practice_play_answer_check(const struct procedure *p, const struct practice_answer *a,
                               struct refusal *e);

/* Answers practice case id of user, once: judged (practice_proof_judge) against
 * the version it was played on and recorded. Returns 0 and *out ({"correct",
 * "expected","explain","notes"}, caller frees); 1 with e: unknown id or
 * another user's (not found), already answered or what it is judged on
 * changed since (conflict: the version's practice key or the scenario's
 * key; a load that changed neither keeps the case, judged as the current
 * file has the scenario), a bad answer (invalid); -1 on error. */
int practice_play_answer(struct db *db, const char *user, const char *id,
                         const struct practice_answer *a, char **out, struct refusal *e);

/* GET /api/v1/admin/readiness: {"days","staff":[name…],"procedures":[{"id",
 * "title","scenarios","qualified":[{"user","passed","expires"}],"passed_before":
 * [{"user","passed"}],"held":[…],"lapsed":[…],"practising":[{"user",
 * "passed_scenarios","last"}],"short","covered","playable"}],
 * "names","without_practice"}. 0 and *out (caller frees), or -1. */
int practice_play_readiness_json(struct db *db, char **out);

/* What a text of procedure id would do to the passes of its live version
 * (the admin's check before a save, admin.c): the text's hash and its
 * practice key (render_practice_key) against the key the live version's
 * passes are held to. */
struct practice_play_lapse {
    bool live;          /* id has a live version, not of this very hash */
    char live_hash[65]; /* that version's hash, "" when !live */
    bool changes;       /* the text's passes would be held to another key */
    int passes;         /* active staff with a whole pass on the live key
                         * (every scenario of the practice file in use,
                         * within the window), as readiness counts them */
    int partial;        /* active staff with some of its scenarios only */
    int left;           /* active staff with a whole pass on the text's key
                         * (a text saved before, whose passes come back) */
    char *live_detail;  /* the live version's detail JSON, for
                         * render_practice_shape (owned; NULL when !live) */
};

/* Fills *out for a text of id with hash and practice key (hex of
 * render_practice_key): one query, a read of the database only. The key a
 * text is held to is as store.c holds it: the one stored for its hash over
 * a wording fix (schema/046) if any, else the live version's when key is
 * the live version's own (prose alone changed), else key. Returns 0 (free out with
 * practice_play_lapse_free, also after -1), -1 on a database error or
 * when memory runs out. */
int practice_play_lapse_read(struct db *db, const char *id, const char *hash, const char *key,
                             struct practice_play_lapse *out);

void practice_play_lapse_free(struct practice_play_lapse *l);

#endif
