/* api_metrics: `GET /metrics`, the Prometheus text format 0.0.4 (issue #14
 * item 3). The route is HTTP_MONITOR: only the `serve --metrics-allow`
 * addresses (loopback by default) see it; to others it does not exist.
 */
#ifndef SPK_API_METRICS_H
#define SPK_API_METRICS_H

#include "http.h"

/* The database file whose size (and its WAL's) the scrape reports; the
 * string is kept, not copied. Call before serving. */
void api_metrics_setup(const char *db_path);

/* The counters (metrics.h), the database's gauges read now (gauges.h),
 * the file sizes and the process's figures. A database that cannot be
 * read leaves its gauges out and says spkiosk_database_up 0. */
enum MHD_Result api_metrics(struct http_request *req);

#endif
