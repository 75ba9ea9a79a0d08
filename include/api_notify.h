/* api_notify: the staff page's 待通知 list — the residents to tell that
 * their case is ready, returned or rejected — and its 已通知 button
 * (notify.h holds the rules). Both routes are HTTP_STAFF in api.c's table. */
#ifndef SPK_API_NOTIFY_H
#define SPK_API_NOTIFY_H

#include "http.h"

/* GET /api/v1/staff/notifications: notify_list_json, no-store. */
enum MHD_Result api_notify_list(struct http_request *req);

/* POST /api/v1/staff/notifications/{id}/done: marks it done by req->user;
 * 200 with the list as GET answers it, 404 unknown id, 409 done already. */
enum MHD_Result api_notify_done(struct http_request *req);

#endif
