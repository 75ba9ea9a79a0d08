/* api_practice: the practice mode's routes (网页模拟, docs/http-api.md
 * "Practice"): a staffer's list, a scenario started, its answer; the
 * admins' readiness; the pages /staff/practice and /admin/readiness.
 * Shapes of bodies are checked here, their meaning in practice_play.c. */
#ifndef SPK_API_PRACTICE_H
#define SPK_API_PRACTICE_H

#include "http.h"

/* GET /api/v1/staff/practice: the session user's items and progress. */
enum MHD_Result api_practice_list(struct http_request *req);

/* POST /api/v1/staff/practice/{procedure}: 201 with the scenario and its
 * case; 404 no_practice for an item without a good practice file. */
enum MHD_Result api_practice_start(struct http_request *req);

/* POST /api/v1/staff/practice/{id}/answer {"decision","flags","condition"}:
 * the verdict; 404 for an unknown id or another user's, 409
 * already_answered, 409 practice_changed, 422 bad_decision, bad_flags,
 * bad_condition. */
enum MHD_Result api_practice_answer(struct http_request *req);

/* GET /api/v1/admin/readiness: who can handle what. */
enum MHD_Result api_admin_readiness(struct http_request *req);

/* GET /staff/practice and GET /admin/readiness: the pages, which log in
 * by themselves through /api/v1/login. */
enum MHD_Result page_staff_practice(struct http_request *req);
enum MHD_Result page_admin_readiness(struct http_request *req);

#endif
