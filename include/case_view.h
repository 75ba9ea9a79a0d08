/* case_view: how a resident's case is shown as JSON. The public case
 * (GET /api/v1/cases/{id}) masks ID numbers to their last 4 characters;
 * the staff view (window_view.h) reuses the answers and the flags
 * unmasked. Reads a struct case_state only: no database, no HTTP.
 */
#ifndef SPK_CASE_VIEW_H
#define SPK_CASE_VIEW_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "cases.h"

#define CASE_VIEW_MASKED_MAX 32

/* v with all but its last 4 characters replaced by '*' (a value of 4 or
 * fewer characters is left as it is), cut to CASE_VIEW_MASKED_MAX - 1
 * bytes, in out. Returns out. */
const char *case_view_mask_id(const char *v, char out[CASE_VIEW_MASKED_MAX]);

/* How the resident's view shows f's value: its type's mask, or, for a
 * confirmation (same_as, followed along a chain of them), the mask of the
 * field it repeats, since its value is that number whatever type the
 * author gave it (a `text` box 请再输入一遍身份证号 showed the ID number in
 * full on the kiosk). FIELD_MASK_NONE for anything else. */
enum field_mask case_view_field_mask(const struct procedure *p, const struct field *f);

/* How the resident's own case view shows f's stored value v: masked as
 * case_view_field_mask says, else with the ID numbers in it masked
 * (idmask_text_hide). A new string, NULL when memory runs out. */
char *case_view_shown(const struct procedure *p, const struct field *f, const char *v);

/* The case as GET /api/v1/cases/{id} answers it, ID numbers (cn_id) masked
 * to their last 4 characters; NULL when memory runs out. Caller frees. */
char *case_view_json(const struct case_state *cs);

/* {"step","applicable","done"}: what a step submission answers. NULL when
 * memory runs out. Caller frees. */
char *case_view_progress_json(const struct case_state *cs);

/* Adds "returned_items" (the object a return stored, or null) to root.
 * 0 or -1 when memory runs out. */
int case_view_add_returned_items(cJSON *root, const struct case_state *cs);

/* Adds "missing_items" to root: the items the case was handed in without
 * (材料不全, window_submit_missing) as [{"id","text","step","received"}]
 * (received: ticked since, a paper brought after 容缺受理) in the
 * order recorded, texts from the pinned version (ids it does not hold are
 * left out), or null for a case handed in complete. 0 or -1 (memory). */
int case_view_add_missing(cJSON *root, const struct case_state *cs);

/* Adds "invite" to root: null, or once staff asked the resident of a web
 * case to come to the hall (网上预审) {"date","note"} (note null when none),
 * and for staff also "at" and "by". Kept after the case was accepted, as
 * the date it was taken up on; for the resident null otherwise once not
 * invited (returned, refused, handed in to the queue). Returns 0 or -1. */
int case_view_add_invite(cJSON *root, const struct case_state *cs, bool staff);

/* Adds "visit" to root: for the public case, {"date","slot"} while the
 * case waits for a home visit (status visit), else null — never where or
 * whom; for staff, once one was asked for, also "address" and "phone"
 * (kept after the visit as where it was done, until retention). 0 or -1. */
int case_view_add_visit(cJSON *root, const struct case_state *cs, bool staff);

/* Adds "values" {KEY: value} (the effective accepted answers) and
 * "checklist" {ITEM_ID: true} (ticked items that apply) to root, in the
 * shape of GET /api/v1/cases/{id}; cn_id values masked to their last 4
 * when mask_ids. Returns 0 or -1 (memory). */
int case_view_add_answers(cJSON *root, const struct case_state *cs, bool mask_ids);

/* Whether the flags a return stored ({"fields":[…],"checklist":[…]}, as
 * parsed from cs->returned_items; NULL for none) name key in list
 * ("fields" or "checklist"). */
bool case_view_flagged(const cJSON *flags, const char *list, const char *key);

#endif
