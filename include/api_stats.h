/* api_stats: the admin's statistics — GET /api/v1/admin/stats (JSON, or
 * CSV with ?format=csv) and the page /admin/stats; api.c routes to them. */
#ifndef SPK_API_STATS_H
#define SPK_API_STATS_H

#include "http.h"

/* GET /api/v1/admin/stats?from=YYYY-MM-DD&to=YYYY-MM-DD&procedure=ID&format=json|csv
 * (every argument optional). Admins only: 401/403 from the guard. 400
 * for a malformed date, from after to, a range over STATS_DAYS_MAX days, a
 * malformed procedure id or an unknown format; 404 for a procedure never
 * loaded. */
enum MHD_Result api_admin_stats(struct http_request *req);

/* GET /admin/stats: the statistics page (web/stats.html); it logs in by
 * itself through /api/v1/login. */
enum MHD_Result page_admin_stats(struct http_request *req);

#endif
