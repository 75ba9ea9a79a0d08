/* api_rate: rating after the service (好差评) over HTTP — the window's
 * evaluator (GET /api/v1/rate?window=W, answered at once or held as a long
 * poll with &after=SEQ; POST /api/v1/rate/{token}; the page /rate) and the
 * resident's own rating by case id (POST /api/v1/cases/{id}/rating); api.c
 * routes to them. Public: the evaluator's answers hold a token, a ticket,
 * an item's title and a time, nothing that opens a case. */
#ifndef SPK_API_RATE_H
#define SPK_API_RATE_H

#include "hold.h"
#include "http.h"

#define API_RATE_HOLD_MAX 64        /* long polls held at once; more are answered at once */
#define API_RATE_WAIT_MAX 25        /* seconds a long poll is held at most (the default) */
#define API_RATE_REASONS_MAX 16     /* entries of "reasons" looked at; more: 422 */

/* Uses h (made with http_hold_new, API_RATE_HOLD_MAX entries) for the long
 * polls and makes rate_changed wake it; NULL undoes both. Call before the
 * HTTP workers start, and with NULL after they stopped. */
void api_rate_setup(struct hold *h);

/* GET /api/v1/rate?window=W&key=K[&after=SEQ[&wait=S]]: rate.h's view of
 * window W (400 without one, 422 bad_window for a name display_window_check
 * refuses, 403 rate_key unless K is the window's key), no-store. With after (the seq of the last answer), an answer
 * whose seq is still SEQ is held until a change or for wait seconds
 * (1..API_RATE_WAIT_MAX, default the max). */
enum MHD_Result api_rate(struct http_request *req);

/* POST /api/v1/rate/{token} {"score":1..5,"comment","reasons":[code...]}:
 * 204; 404 unknown_offer, 409 already_rated, 422 as below. */
enum MHD_Result api_rate_token(struct http_request *req);

/* POST /api/v1/cases/{id}/rating, the same body: 204; 404, 409, 422. A
 * body's "reasons" (absent or null: none) is a list of the codes of
 * CASES_RATE_REASONS (cases.h), only with a score of 1 or 2. */
enum MHD_Result api_case_rating(struct http_request *req);

/* GET /rate: the evaluator's page (web/rate.html). */
enum MHD_Result page_rate(struct http_request *req);

/* The admin's routes for the evaluators' keys (rate.h), behind the admin
 * guard. GET /api/v1/admin/rate-keys: rate_key_list, no-store. */
enum MHD_Result api_rate_keys(struct http_request *req);

/* POST /api/v1/admin/rate-keys {"window":"3"}: a new key for the window
 * (the old one ends): 200 {"window","key","made_at","made_by"}; 422
 * invalid_body without a window, bad_window, too_many_windows. */
enum MHD_Result api_rate_key_make(struct http_request *req);

/* POST /api/v1/admin/rate-keys/remove {"window":"3"}: 204; 404
 * unknown_window; 422 as above. */
enum MHD_Result api_rate_key_remove(struct http_request *req);

/* GET /admin/evaluators: the admin's page of them (web/evaluators.html). */
enum MHD_Result page_admin_rate(struct http_request *req);

#endif
