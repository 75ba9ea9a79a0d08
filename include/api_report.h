/* api_report: the day's report (日报) — GET /api/v1/admin/report (JSON, or
 * CSV with Accept: text/csv or ?format=csv) and the printable page
 * /admin/report; api.c routes to them. */
#ifndef SPK_API_REPORT_H
#define SPK_API_REPORT_H

#include "http.h"

/* GET /api/v1/admin/report?date=YYYY-MM-DD&format=json|csv (both optional:
 * today, JSON unless Accept asks for text/csv). Admins only: 401/403 from
 * the guard. 422 bad_date for a date that is not a real YYYY-MM-DD in
 * 2000..2999, 422 bad_format for another format. */
enum MHD_Result api_admin_report(struct http_request *req);

/* GET /admin/report: the printable report page (web/report.html); it logs
 * in by itself through /api/v1/login. */
enum MHD_Result page_admin_report(struct http_request *req);

#endif
