/* api_changes: HTTP for what changed in a procedure since a staffer last
 * read it (changes.h holds the rules): the changes of one procedure, the
 * confirmation 我已阅读, and the list of procedures with unread changes.
 * The routes are in api.c's table, all HTTP_STAFF; the confirmation needs
 * the CSRF token. Every answer is no-store: it is a staffer's own state. */
#ifndef SPK_API_CHANGES_H
#define SPK_API_CHANGES_H

#include "http.h"

/* GET /api/v1/staff/procedures/{id}/changes: changes_view_json for
 * req->user (the first one records the baseline); 404 unknown_procedure. */
enum MHD_Result api_changes_view(struct http_request *req);

/* POST /api/v1/staff/procedures/{id}/changes/read {"hash"}: 200 with the
 * changes as GET answers them now (changed false); 400 when hash is not
 * text, 404 unknown_procedure, 409 stale_version. */
enum MHD_Result api_changes_read(struct http_request *req);

/* GET /api/v1/staff/changes: changes_list_json for req->user (which also
 * records the baseline of every procedure they have none for). */
enum MHD_Result api_changes_list(struct http_request *req);

#endif
