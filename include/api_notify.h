/* api_notify: the staff page's lists of residents to phone: 待通知 — the
 * residents to tell that their case is ready, returned or rejected — and
 * its 已通知 button (notify.h holds the rules); 回访 — the call-backs due
 * and a call's result (followup.h). Every route is HTTP_STAFF in api.c's
 * table. */
#ifndef SPK_API_NOTIFY_H
#define SPK_API_NOTIFY_H

#include "http.h"

/* GET /api/v1/staff/notifications: notify_list_json, no-store. */
enum MHD_Result api_notify_list(struct http_request *req);

/* POST /api/v1/staff/notifications/{id}/done: marks it done by req->user;
 * 200 with the list as GET answers it, 404 unknown id, 409 done already. */
enum MHD_Result api_notify_done(struct http_request *req);

/* GET /api/v1/staff/followups: followup_list_json for today, no-store. */
enum MHD_Result api_followup_list(struct http_request *req);

/* POST /api/v1/staff/followups/{id} {"result","note"}: records the call's
 * result by req->user; 200 with the list as GET answers it, 400 for a
 * result or note that is not text, 404 unknown id, 409 recorded already,
 * 422 bad_result / note_required / note_too_long / bad_text. */
enum MHD_Result api_followup_record(struct http_request *req);

#endif
