/* window_view: what staff see of cases, as JSON (docs/http-api.md
 * "Staff"). Reads only, each answer in one read transaction; the moves are
 * window.h. Queue entries mask ID numbers to their last 4 characters (a
 * list is seen over a staffer's shoulder); the case view shows them in
 * full, the one place it does.
 */
#ifndef SPK_WINDOW_VIEW_H
#define SPK_WINDOW_VIEW_H

#include <cjson/cJSON.h>

#include "cases.h"
#include "db.h"

#define WINDOW_QUEUE_MAX 500    /* cases per list of a queue answer */
#define WINDOW_EVENTS_MAX 1000  /* events shown in the case view (the first ones) */

/* GET /api/v1/staff/queue: {"now","total","ready_total","queue":[entry…],
 * "in_progress":[entry…],"ready":[entry…],"filling":[entry…]}, waiting
 * cases oldest first (by submission), accepted ones by acceptance, those
 * waiting to be collected (待领取) by when they were ready, and open cases a staffer
 * started at the window (created_by set) touched within a day; at most
 * WINDOW_QUEUE_MAX each (the first in line; of `ready`, the ones done
 * last), `total` counting all waiting and `ready_total` all ready. A case whose pinned
 * version no longer parses is left out (logged by procedure and version).
 * An entry is {"id","ticket","procedure","title","status","channel",
 * "submitted_at","waiting_since","called_at","called_by","calls",
 * "accepted_at","accepted_by","invite_date","ready_at","resume",
 * "ids":[{"label","value"}]}; resume as relay_resume_json gives it (a
 * corrected case waiting for the hall: the dates it resumes to).
 * Returns 0 and *out (caller frees) or -1. */
int window_view_queue_json(struct db *db, char **out);

/* POST /api/v1/staff/ready/search {"name"}: {"ready":[entry…]}, the cases
 * waiting to be collected (待领取) of which a text field's answer is
 * exactly name (the resident without the slip gives their name; the
 * queue's entries carry none), first done first; at most WINDOW_QUEUE_MAX,
 * the ones done last. name is bounded by the caller. Returns 0 and *out
 * (caller frees) or -1. */
int window_view_ready_named_json(struct db *db, const char *name, char **out);

/* GET /api/v1/staff/prereview (网上预审): {"now","prereview":[entry…],
 * "invited":[entry…]}, web cases handed in (status prereview) oldest
 * first, and those invited to the hall by their date; at most
 * WINDOW_QUEUE_MAX each, entries as in the queue. Returns 0 and *out
 * (caller frees) or -1. */
int window_view_prereview_json(struct db *db, char **out);

#define WINDOW_FIND_MAX 20      /* cases one search for a lost web link lists */

/* POST /api/v1/staff/web-cases/search (ours): the cases started from home
 * (channel web) that hold number — a mobile as validate_cn_mobile stores
 * it, or an ID number as validate_cn_id does — in a cn_mobile, phone or
 * cn_id field, or as their home visit's phone: {"now","cases":[entry…]},
 * newest first, at most WINDOW_FIND_MAX, entries as in the queue plus
 * "created_at" and "sms_to" (the last four digits of the mobile a link
 * would be texted to, notify_mobile, or null). A staffer on the phone
 * with a resident who lost their link finds the case so. Returns 0 and
 * *out (caller frees) or -1. */
int window_view_web_find_json(struct db *db, const char *number, char **out);

/* The queue entry of one case, for the answers of the call routes.
 * Returns 0 and *out (caller frees), 1 with e (unknown case), -1. */
int window_view_entry_json(struct db *db, const char *id, char **out, struct refusal *e);

/* How many waiting cases come before case id in the queue (handed in
 * earlier, whether called yet or not), for the slip's 前面还有 N 人: 0 and
 * *ahead >= 0 while the case waits, 0 and *ahead = -1 when it does not
 * (not handed in, or already at the window), -1 on error. */
int window_view_ahead(struct db *db, const char *id, long *ahead);

/* GET /api/v1/staff/cases/{id-or-ticket} for a resolved id: the whole
 * case with every value in full, what was ticked and what is missing, the
 * pinned version's steps with their staff guidance, the window columns,
 * the rating and the event history. Returns 0 and *out (caller frees), 1
 * with e, -1. */
int window_view_case_json(struct db *db, const char *id, char **out, struct refusal *e);

/* The part of the case view that comes from the answers and the model
 * alone, no database: "procedure", "title", "hash", "step", "steps",
 * "conditions_confirmed", "meta", "values" (in full), "checklist" (ticked),
 * "pickup", "conditions", "procedure_steps" (applicable, checklist, fields,
 * staff_html; flagged from root's "returned_items" when it has one) and
 * "missing", added to root. cs needs model, procedure, hash, values,
 * ticks, done and applicable (cases_evaluate): the practice mode builds
 * its cases from a scenario and shows them through this (practice_play.h).
 * Returns 0 or -1 (memory). */
int window_view_case_model_add(cJSON *root, const struct case_state *cs);

#endif
