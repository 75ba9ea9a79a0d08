/* api_staff: the HTTP handlers of the staff window (/api/v1/staff/…, the
 * correction notice and the /staff page); api.c routes to them. Every
 * route but the page's is HTTP_STAFF in the table: the guard lets staff,
 * and admins too, in before the handler runs. */
#ifndef SPK_API_STAFF_H
#define SPK_API_STAFF_H

#include "http.h"

enum MHD_Result api_staff_queue(struct http_request *req);
enum MHD_Result api_staff_ready_named(struct http_request *req); /* POST …/staff/ready/search, ours */
enum MHD_Result api_staff_case(struct http_request *req);       /* {id-or-ticket} */
enum MHD_Result api_staff_start(struct http_request *req);      /* POST …/staff/cases */
enum MHD_Result api_staff_accept(struct http_request *req);
enum MHD_Result api_staff_complete(struct http_request *req);
/* the case after the window (relay.h) */
enum MHD_Result api_staff_pass(struct http_request *req);
enum MHD_Result api_staff_handout(struct http_request *req);
enum MHD_Result api_staff_receive(struct http_request *req);
enum MHD_Result api_staff_receive_withdraw(struct http_request *req);
enum MHD_Result api_staff_not_brought(struct http_request *req);
enum MHD_Result api_staff_not_brought_withdraw(struct http_request *req);
enum MHD_Result api_staff_reject(struct http_request *req);
enum MHD_Result api_staff_refuse(struct http_request *req); /* 不予受理, ours */
enum MHD_Result api_staff_assign(struct http_request *req);
enum MHD_Result api_staff_work(struct http_request *req);       /* GET …/staff/work */
/* GET …/staff/corrections (?owner=NAME, ?all=1): the cases back with their
 * residents for 补正, and corrected cases given up as no-shows
 * (corrections.h); without either, those the session user answers for. */
enum MHD_Result api_staff_corrections(struct http_request *req);
/* POST …/staff/cases/{id}/remind {"note"?} (ours, csrf): a reminder call to
 * the resident of a case on that list, corrections_remind; 200 with the
 * staff case view. */
enum MHD_Result api_staff_remind(struct http_request *req);
enum MHD_Result print_staff_receipt(struct http_request *req);  /* 受理回执 */
enum MHD_Result print_staff_rejection(struct http_request *req); /* 不予办理告知书 */
enum MHD_Result api_staff_return(struct http_request *req);
enum MHD_Result api_staff_call(struct http_request *req);

/* POST /api/v1/staff/cases/{id}/transfer {"window":"5","calls":N} (ours,
 * 转到其他窗口): window_transfer; 200 with the queue entry. */
enum MHD_Result api_staff_transfer(struct http_request *req);
enum MHD_Result api_staff_no_show(struct http_request *req);
enum MHD_Result api_staff_discard(struct http_request *req);  /* 放弃 a window case, ours */
enum MHD_Result api_staff_take_up(struct http_request *req);  /* 窗口接办 a web case, ours */
enum MHD_Result api_staff_prereview(struct http_request *req);  /* 网上预审 */
enum MHD_Result api_staff_colleagues(struct http_request *req); /* who may be handed a case */
enum MHD_Result api_staff_invite(struct http_request *req);
/* a web case's lost link (ours): found by the caller's mobile or ID
 * number, and texted again to the mobile the case holds (notify.h) */
enum MHD_Result api_staff_web_search(struct http_request *req);
enum MHD_Result api_staff_send_link(struct http_request *req);
enum MHD_Result api_staff_call_next(struct http_request *req);
enum MHD_Result print_staff_correction(struct http_request *req);
enum MHD_Result page_staff(struct http_request *req);

#endif
