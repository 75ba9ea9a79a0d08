/* bodies: the JSON bodies of the case, staff and admin routes, parsed and
 * shape-checked without a connection or a database (issue #12, item 12).
 * The route handlers (api_cases.c, api_staff.c, api_spreport.c) call these
 * and answer; tests/fuzz/fuzz_bodies.c calls the same functions with
 * attacker bytes. What the values mean (a procedure that exists, a step's
 * answers against its fields) is checked later, by the module the handler
 * hands them to.
 */
#ifndef SPK_BODIES_H
#define SPK_BODIES_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases.h"
#include "practice_proof.h"
#include "visit.h"
#include "window.h"

#define BODIES_CONDITIONS_MAX 1000  /* entries of "confirmed" at most */
#define BODIES_HASH_MAX 64          /* bytes of a version hash (sha256 hex) */

/* Opening brackets and commas (outside strings) in one body at most,
 * counted before parsing: about two for each object or array in an array,
 * one for each other value. The largest real body, a step of 200 fields
 * and 200 ticks or 1,000 conditions, has about a thousand; 1 MiB of
 * `[{},{},…]` has 700,000 and is 20 MB once parsed, and sixteen of them
 * held 140 MB after they were refused (a review). */
#define BODIES_TOKENS_MAX 8192

/* data[0..len) as one JSON value with nothing after it but white space
 * (caller deletes), or NULL when it is not one, holds more than
 * BODIES_TOKENS_MAX brackets and commas, or memory ran out. data may be NULL when len
 * is 0. */
cJSON *bodies_parse_json(const char *data, size_t len);

/* data[0..len) as a JSON object (caller deletes), or NULL when it is not
 * one (not JSON, not an object, a raw NUL byte) or memory ran out. A
 * \u0000 escape is first rewritten in place into \u0001, so that a
 * validator refuses it instead of cJSON's string ending there. data may be
 * NULL when len is 0. */
cJSON *bodies_parse(char *data, size_t len);

/* The string member key of body (NULL body allowed), or NULL when it is
 * absent or not a string. */
const char *bodies_text(const cJSON *body, const char *key);

/* An optional text member: 0 with *text the string, or NULL when absent or
 * null; 1 when it is of another type (*text NULL). */
int bodies_optional_text(const cJSON *body, const char *key, const char **text);

/* An optional boolean member: 0 with *on its value, false when absent or
 * null; 1 when of another type (*on false). */
int bodies_optional_bool(const cJSON *body, const char *key, bool *on);

/* An optional count member (a whole number 0..INT_MAX): 0 with *n the
 * count, or -1 when absent or null; 1 when of another type or value (*n
 * -1). */
int bodies_optional_count(const cJSON *body, const char *key, int *n);

/* POST /cases {"procedure", "channel"?}: 0 with *procedure and *channel
 * (NULL when absent or null, as an absent note is) pointing into body; 1
 * when procedure is not a string; 2 when channel is neither a string nor
 * null. */
int bodies_case_create(const cJSON *body, const char **procedure, const char **channel);

/* POST /cases/{id}/conditions {"confirmed":[bool...]}: 0 with
 * *confirmed[0..*n) (caller frees; set, maybe NULL, on every return);
 * 1 when confirmed is not an array of at most BODIES_CONDITIONS_MAX;
 * 2 when an entry is not a boolean; -1 when memory ran out. */
int bodies_case_conditions(const cJSON *body, bool **confirmed, size_t *n);

/* The answers of a step body, as cases_step takes them. */
struct bodies_answers {
    struct case_answers in;     /* fields and checklist point into the members below and body */
    struct case_input *fields, *ticks;
    char (*nums)[32], (*tick_nums)[32];
};

/* POST /cases/{id}/steps/{n}[/incomplete] {"fields":{...}?,
 * "checklist":{...}?}: 0 with *out (valid while body lives); 1 when fields
 * or checklist is present and not an object; -1 when memory ran out.
 * bodies_answers_free(out) after every return. */
int bodies_case_answers(const cJSON *body, struct bodies_answers *out);

/* Frees what bodies_case_answers allocated; NULL members allowed. */
void bodies_answers_free(struct bodies_answers *a);

/* The member "visit" of a submit body: 0 when there is none (absent or
 * null: a ticket is asked for), 1 with *ask filled (members that are not
 * strings NULL: visit_check refuses them), 2 when visit is not an object. */
int bodies_case_visit(const cJSON *body, struct visit_ask *ask);

/* The member "prereview" of a submit or incomplete body (NULL body
 * allowed): true asks for online pre-review instead of a ticket (a web
 * case only: window_submit); absent, null or false is a ticket, as the
 * contract's submit. *on set; false when it is anything else. */
bool bodies_prereview(const cJSON *body, bool *on);

/* The member "window" of body (NULL body allowed): absent or null is none
 * (*window NULL); a string is itself (the move checks it:
 * display_window_check); a whole number in [0, 1e6) its digits, written
 * into num. False for anything else. */
bool bodies_window(const cJSON *body, const char **window, char num[24]);

/* The list of a return body ("fields" or "checklist", in): an array of
 * names, at most WINDOW_FLAGS_MAX in both lists together (*used counts
 * them); whatever is not a name ends the list with bad_tail set, so the
 * move refuses it where it stands. Returns 0, or -1 when memory ran out;
 * *names (caller frees; out->names points to it) is set either way. */
int bodies_flags(const cJSON *in, struct window_flags *out, const char ***names, size_t *used);

/* A report that a step is wrong, {"hash","step","kind"?,"note"?}. */
struct bodies_spreport {
    const char *hash;           /* "" when longer than any hash */
    long long step;             /* -1 for a fraction, a negative or a huge number */
    const char *kind;           /* NULL when absent */
    const char *note;           /* NULL when absent or null */
};

/* 0 with *out pointing into body; 1 when hash is not a string, step not a
 * number, kind present and not a string, or note neither null nor a
 * string. */
int bodies_spreport(const cJSON *body, struct bodies_spreport *out);

/* POST /api/v1/staff/practice/{id}/answer {"decision","flags"?,"condition"?}:
 * 0 with *a (flags only for return, condition only for refuse; *flags,
 * caller frees, set on every return); 1 for a decision that is not
 * accept, return or refuse; 2 for flags that are not an array of at most
 * PRACTICE_MAX_IDS strings; 3 for a condition that is not a whole number;
 * -1 when memory ran out. */
int bodies_practice_answer(const cJSON *body, struct practice_answer *a, const char ***flags);

/* POST /api/v1/staff/cases/{id}/visit {"result","date"?}: 0 with *handled
 * (result "handled", else "not_home") and *date (NULL when not a string);
 * 1 for another result. */
int bodies_visit_result(const cJSON *body, bool *handled, const char **date);

/* POST /api/v1/staff/notifications/{n}/done {"result"?,"note"?}: 0 with
 * *result and *note (NULL when absent; note also when null); 1 when result
 * is present and not a string, or note neither null nor a string. */
int bodies_followup(const cJSON *body, const char **result, const char **note);

/* A version hash member (a changes read): the string, "" when longer than
 * any hash (never the live version), NULL when absent or not a string. */
const char *bodies_hash(const cJSON *body);

#endif
