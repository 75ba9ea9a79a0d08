/* api_visit: the B post's routes (上门服务): the day's visits and the
 * visitor's result. The request for a visit is the submit route's
 * (api_cases.c); visit.h holds the rules. Both routes are HTTP_STAFF in
 * api.c's table. */
#ifndef SPK_API_VISIT_H
#define SPK_API_VISIT_H

#include "http.h"

/* GET /api/v1/staff/visits?date=YYYY-MM-DD (default: today, local):
 * visit_list_json, no-store; 400 visit_bad_date for a date that is not
 * one. */
enum MHD_Result api_visit_list(struct http_request *req);

/* GET /api/v1/visit/days (public): {"days":["YYYY-MM-DD",...]}, the first
 * VISIT_OFFER_DAYS working days of the hall's calendar from tomorrow,
 * within VISIT_DAYS_MAX days: the days the resident's form offers, so that
 * nobody waits at home on a Sunday or a holiday. no-store (it moves with
 * the date and the calendar). */
enum MHD_Result api_visit_days(struct http_request *req);

/* POST /api/v1/staff/cases/{id-or-ticket}/visit {"result":"handled" |
 * "not_home","date"}: visit_result by req->user, with the calendar of the
 * catalog held for the call and today; 200 with the staff case view, 404,
 * 409 not_visit, 422 (bad_result, or the date's problem). */
enum MHD_Result api_visit_result(struct http_request *req);

/* POST /api/v1/staff/cases/{id-or-ticket}/book-visit {"visit":{"date",
 * "slot","address","phone"}} (ours): visit_book by req->user, 200 with the
 * staff case view; 404, 409 not_returned, 422 invalid_body (no "visit"
 * object), visit_not_offered, validation_failed (as the submit's). */
enum MHD_Result api_visit_book(struct http_request *req);

#endif
