/* api_report: the day's report route. The date and format are checked
 * here; report.c reads and renders. Only anonymous figures and staff
 * names leave through it, but they are the hall's own: never cached. */
#include "api_report.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "catalog.h"
#include "clock.h"
#include "db.h"
#include "httpin.h"
#include "reply.h"
#include "report.h"
#include "stats.h"

/* Whether the client asked for CSV: ?format=csv, or an Accept header
 * naming text/csv (a browser's any-type Accept keeps JSON). Returns 0, or answers
 * 400 (a query is no JSON to fail validation: the contract's 400, malformed
 * request, as for the statistics' dates) and returns 1 (*ret set). */
static int api_report_format(struct http_request *req, bool *csv, enum MHD_Result *ret)
{
    const char *format = http_query(req, "format"), *accept = http_header(req, "Accept");

    /* without ?format= the Accept header picks JSON or CSV at one address:
     * a cache between (a proxy, the browser's) must key on it (RFC 9110
     * 12.5.5), or a spreadsheet's download is handed to the report page */
    if (!format || !*format)
        req->vary = "Accept";
    if (httpin_wants_csv(format, accept, csv) != 0) {
        *ret = http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_format",
                                "导出格式不对，请用页面上的下载按钮");
        return 1;
    }
    return 0;
}

static enum MHD_Result api_report_csv(struct http_request *req, const struct report_day *r)
{
    char name[64];
    size_t len = 0;
    char *csv = report_csv(r, &len);

    snprintf(name, sizeof name, "spkiosk-report-%04d-%02d-%02d.csv", r->date / 10000,
             r->date / 100 % 100, r->date % 100);
    return reply_csv_take(req, csv, len, name, REPLY_PRIVATE);
}

enum MHD_Result api_admin_report(struct http_request *req)
{
    const char *date = http_query(req, "date");
    struct report_day r;
    enum MHD_Result res;
    struct catalog *c;
    struct db *db;
    bool csv;
    int ymd, rc;

    if (date && *date) {
        if (stats_date_parse(date, &ymd) != 0)
            return http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_date",
                                    "日期应为 2000 到 2999 年之间的真实日期，格式是 年-月-日，例如 2026-03-01");
    } else if ((ymd = clock_today()) == 0) {
        return reply_internal(req);
    }
    if (api_report_format(req, &csv, &res) != 0)
        return res;
    if (!(db = db_thread()))
        return reply_internal(req);
    if (!(c = catalog_acquire()))
        return reply_internal(req);
    rc = report_collect(db, ymd, clock_today(), catalog_calendar(c), &r);
    catalog_release(c);
    if (rc != 0)
        res = reply_internal(req);
    else if (csv)
        res = api_report_csv(req, &r);
    else
        res = reply_json_take(req, MHD_HTTP_OK, report_json(&r), REPLY_PRIVATE);
    report_day_free(&r);
    return res;
}

enum MHD_Result page_admin_report(struct http_request *req)
{
    return assets_serve(req, "report.html");
}
