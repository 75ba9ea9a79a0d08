/* api_display: the hall's call screen — GET /api/v1/display (answered at
 * once, or held as a long poll with ?after=SEQ) and the page /display;
 * api.c routes to them. Public: tickets and window names only. */
#ifndef SPK_API_DISPLAY_H
#define SPK_API_DISPLAY_H

#include "hold.h"
#include "http.h"

#define API_DISPLAY_HOLD_MAX 64     /* long polls held at once; more are answered at once */
#define API_DISPLAY_WAIT_MAX 25     /* seconds a long poll is held at most (the default) */

/* Uses h (made with http_hold_new, API_DISPLAY_HOLD_MAX entries) for the
 * long polls and makes display_changed wake it; NULL undoes both. Call
 * before the HTTP workers start, and with NULL after they stopped. */
void api_display_setup(struct hold *h);

/* GET /api/v1/display[?after=SEQ[&wait=S]]: display.h's view, with an ETag
 * (If-None-Match: 304 when nothing changed). With after (the seq of the
 * last answer), an answer whose seq is still SEQ is held until a change
 * (display_changed) or for wait seconds (1..API_DISPLAY_WAIT_MAX, default
 * the max), then given as it is then; beyond API_DISPLAY_HOLD_MAX held
 * requests, it is given at once. 400 for an after or wait that is not a
 * number in range. */
enum MHD_Result api_display(struct http_request *req);

/* GET /display: the call screen (web/display.html). */
enum MHD_Result page_display(struct http_request *req);

#endif
