/* api_stats: the statistics route. Query arguments are checked and bounded
 * here (dates, range length, procedure id, format); stats.c reads and
 * renders. Only anonymous figures leave through it. */
#include "api_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "catalog.h"
#include "db.h"
#include "library.h"
#include "procedure.h"
#include "reply.h"
#include "stats.h"

static enum MHD_Result api_stats_bad(struct http_request *req, const char *code,
                                     const char *message)
{
    return http_reply_error(req, MHD_HTTP_BAD_REQUEST, code, message);
}

/* The range from ?from= and ?to=: both default to the last
 * STATS_DAYS_DEFAULT days; one alone is completed from the other. Returns
 * 0, or answers 400 and returns 1 (*ret set). */
static int api_stats_range(struct http_request *req, struct stats_query *q, enum MHD_Result *ret)
{
    const char *from = http_query(req, "from"), *to = http_query(req, "to");
    long days;

    if (from && !*from)
        from = NULL;
    if (to && !*to)
        to = NULL;
    stats_range_default(q->now, &q->from, &q->to);
    if ((from && stats_date_parse(from, &q->from) != 0) ||
        (to && stats_date_parse(to, &q->to) != 0)) {
        *ret = api_stats_bad(req, "bad_date", "日期应为 2000 到 2999 年之间的真实日期，格式是 年-月-日，例如 2026-03-01");
        return 1;
    }
    if (to && !from)
        q->from = library_date_add(q->to, -(STATS_DAYS_DEFAULT - 1));
    days = stats_range_days(q->from, q->to);
    if (days < 1) {
        *ret = api_stats_bad(req, "bad_range", "开始日期不能晚于结束日期");
        return 1;
    }
    if (days > STATS_DAYS_MAX) {
        *ret = api_stats_bad(req, "range_too_long", "一次最多统计 366 天，请缩短日期范围");
        return 1;
    }
    return 0;
}

static enum MHD_Result api_stats_csv(struct http_request *req, const struct stats_report *r)
{
    char name[64];
    size_t len = 0;
    char *csv = stats_csv(r, &len);

    snprintf(name, sizeof name, "spkiosk-stats-%04d-%02d-%02d-%04d-%02d-%02d.csv", r->from / 10000,
             r->from / 100 % 100, r->from % 100, r->to / 10000, r->to / 100 % 100, r->to % 100);
    return reply_csv_take(req, csv, len, name, REPLY_PUBLIC);
}

enum MHD_Result api_admin_stats(struct http_request *req)
{
    const char *procedure = http_query(req, "procedure"), *format = http_query(req, "format");
    struct stats_report r;
    struct stats_query q;
    struct catalog *cat;
    enum MHD_Result res;
    struct db *db;
    bool csv;
    int rc;

    memset(&q, 0, sizeof q);
    q.now = time(NULL);
    if (api_stats_range(req, &q, &res) != 0)
        return res;
    if (procedure && !*procedure)
        procedure = NULL;
    if (procedure && !procedure_id_valid(procedure, strlen(procedure)))
        return api_stats_bad(req, "bad_request", "事项编号的格式不对，请从列表中选择事项");
    q.procedure = procedure;
    if (format && *format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return api_stats_bad(req, "bad_request", "导出格式不对，请用页面上的下载按钮");
    csv = format && strcmp(format, "csv") == 0;
    if (!(db = db_thread()))
        return reply_internal(req);
    /* working days per stage are counted with the hall's calendar */
    if (!(cat = catalog_acquire()))
        return reply_internal(req);
    q.cal = catalog_calendar(cat);
    rc = stats_collect(db, &q, &r);
    catalog_release(cat);
    if (rc < 0)
        res = reply_internal(req);
    else if (rc > 0)
        res = http_reply_error(req, MHD_HTTP_NOT_FOUND, "unknown_procedure", "没有这个事项，请刷新页面后重新选择");
    else if (csv)
        res = api_stats_csv(req, &r);
    else
        res = reply_json_take(req, MHD_HTTP_OK, stats_json(&r), REPLY_PUBLIC);
    stats_report_free(&r);
    return res;
}

enum MHD_Result page_admin_stats(struct http_request *req)
{
    return assets_serve(req, "stats.html");
}
