/* api_cases: the HTTP handlers of the case endpoints (the kiosk
 * walkthrough) and the case slip; api.c routes to them. */
#ifndef SPK_API_CASES_H
#define SPK_API_CASES_H

#include <cjson/cJSON.h>

#include "http.h"

/* Largest step index accepted in a path; a procedure has at most 100. */
#define API_CASES_STEP_DIGITS 3

struct refusal;
struct visit_problems;

/* The 422 of a visit request at fault (e validation_failed): every
 * member's problem at once, in the shape of a step's (fields,
 * field_codes), so the page puts each message next to its input; also
 * the booking's (api_visit.c). NULL when memory runs out. */
cJSON *api_cases_visit_doc(const struct refusal *e, const struct visit_problems *p);

enum MHD_Result api_case_create(struct http_request *req);
enum MHD_Result api_case_get(struct http_request *req);
/* GET /api/v1/cases/{id}/procedure: the procedure JSON of the version the
 * case pinned (the live one may have changed since the case started). */
enum MHD_Result api_case_procedure(struct http_request *req);
enum MHD_Result api_case_conditions(struct http_request *req);
enum MHD_Result api_case_step(struct http_request *req);
enum MHD_Result api_case_submit(struct http_request *req);
/* POST /api/v1/cases/{id}/steps/{n}/incomplete: the step's answers handed
 * in without the required papers not ticked (window_submit_missing); 200
 * {"status":"waiting","ticket","missing":[item id…]}, the step's 422 body
 * when a field fails, 422 nothing_missing, 409 once handed in. */
enum MHD_Result api_case_incomplete(struct http_request *req);
/* POST /api/v1/cases/lookup {"ticket","last4"}: the resident's way back
 * in by ticket (window_lookup), throttled per ticket, per address and
 * overall (throttle.h); 200 {"id"}, one 404 for every miss, 422 for a
 * last four of the wrong shape, 429 with Retry-After. */
enum MHD_Result api_case_lookup(struct http_request *req);
enum MHD_Result print_case(struct http_request *req);
/* GET /print/cases/{id}/missing[?items=a,b]: the list of missing papers
 * (print_missing_html). */
enum MHD_Result print_case_missing(struct http_request *req);

#endif
