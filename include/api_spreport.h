/* api_spreport: HTTP for "this step is wrong" (SP有误, spreport.h holds the
 * rules): a staffer's report of a step, the admin's list of reports and
 * their being dealt with. The routes are in api.c's table: the report
 * HTTP_STAFF (admins may report too), the list and the mark HTTP_ADMIN. */
#ifndef SPK_API_SPREPORT_H
#define SPK_API_SPREPORT_H

#include "http.h"

/* POST /api/v1/staff/procedures/{id}/reports {"hash","step","kind","note"}:
 * 201 with the report as the list shows it; 400 for members of the wrong
 * type, 404 unknown_procedure, 409 already_reported / too_many_reports,
 * 422 bad_kind / note_required / note_too_long / bad_text /
 * unknown_version / unknown_step. */
enum MHD_Result api_spreport_add(struct http_request *req);

/* GET /api/v1/admin/reports[?procedure=ID][&open=1]: spreport_list_json,
 * no-store (the notes are staff's words); 400 for a malformed id or open. */
enum MHD_Result api_spreport_list(struct http_request *req);

/* POST /api/v1/admin/reports/{n}/dealt {"reply"}: marks it dealt with by
 * req->user; 200 with the report, 400 for a reply that is not text, 404
 * not_found, 409 already_dealt, 422 reply_too_long / bad_text. */
enum MHD_Result api_spreport_deal(struct http_request *req);

#endif
