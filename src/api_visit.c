/* api_visit: HTTP for visit.c: the B post's list of a day and the result
 * of a visit. A result answers with the whole staff case view, as the
 * window's moves do, so the phone redraws from one answer. */
#include "api_visit.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_cases.h"
#include "bodies.h"
#include "catalog.h"
#include "clock.h"
#include "db.h"
#include "reply.h"
#include "validate.h"
#include "visit.h"
#include "window.h"
#include "window_view.h"
#include "workdays.h"

enum MHD_Result api_visit_list(struct http_request *req)
{
    const char *q = http_query(req, "date");
    char day[CLOCK_DAY_LEN], today[CLOCK_DAY_LEN], *json;
    struct db *db = db_thread();
    struct catalog *c;
    int ymd, r;

    if (!db)
        return reply_internal(req);
    if (q && *q) {
        if (strlen(q) != 10 || validate_date(q, 10, &ymd) != 0)
            /* a query, not JSON: 400, malformed request */
            return http_reply_error(req, MHD_HTTP_BAD_REQUEST, "visit_bad_date",
                                    "日期请写成 年-月-日，如 2026-12-08，并且是真实的日期");
        clock_day_text(ymd, day);
    } else {
        clock_today_text(day);
    }
    clock_today_text(today);
    c = catalog_acquire();
    r = visit_list_json(db, day, today, catalog_calendar(c), &json);
    catalog_release(c);
    if (r != 0)
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

enum MHD_Result api_visit_days(struct http_request *req)
{
    struct catalog *c = catalog_acquire();
    const struct workdays *cal;
    cJSON *doc = NULL, *days;
    char text[CLOCK_DAY_LEN];
    int today = clock_today(), d = today, i, n = 0, gap = 0, last = visit_last_day();

    if (!c)
        return reply_internal(req);
    cal = catalog_calendar(c);
    if (!(doc = cJSON_CreateObject()) || !(days = cJSON_AddArrayToObject(doc, "days")))
        goto fail;
    /* from tomorrow: a visit asked for today could not be planned */
    for (i = 0; i < VISIT_DAYS_MAX && n < VISIT_OFFER_DAYS && d; i++) {
        if (!(d = workdays_next_day(d)) || !workdays_is_working(cal, d))
            continue;
        /* a day the case would not live to see (--retention-days short):
         * the request is refused it, so the form does not offer it */
        if (last && d > last)
            break;
        clock_day_text(d, text);
        if (!cJSON_AddItemToArray(days, cJSON_CreateString(text)))
            goto fail;
        /* a day in a year the calendar has no dates of may be a holiday:
         * the form says so (a year-end review booked 元旦) */
        if (!gap && cal && !workdays_has_year(cal, d / 10000))
            gap = d / 10000;
        n++;
    }
    if (!(gap ? cJSON_AddNumberToObject(doc, "calendar_gap", gap) : cJSON_AddNullToObject(doc, "calendar_gap")))
        goto fail;
    /* ours: the last day a visit asked or moved now may name, the 30 days'
     * or the day the case is kept to, whichever is first, so that the
     * staff's date boxes (不在家（改期）, 预约上门补正) stop there instead of
     * at a day the server refuses */
    for (i = 0, d = today; i < VISIT_DAYS_MAX && d; i++)
        d = workdays_next_day(d);
    if (last && (!d || last < d))
        d = last;
    if (d)
        clock_day_text(d, text);
    if (!(d ? cJSON_AddStringToObject(doc, "last_day", text) : cJSON_AddNullToObject(doc, "last_day")))
        goto fail;
    catalog_release(c);
    return reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PRIVATE);
fail:
    catalog_release(c);
    cJSON_Delete(doc);
    return reply_internal(req);
}

enum MHD_Result api_visit_result(struct http_request *req)
{
    static const struct refusal bad_result = {
        REFUSAL_INVALID, "bad_result", "请选择上门的结果：已上门办理，或不在家、改期"};
    char id[CASE_ID_LEN + 1], *json = NULL;
    const char *date;
    bool handled;
    struct catalog *c = NULL;
    struct refusal e;
    enum MHD_Result ret;
    struct db *db = db_thread();
    cJSON *body = NULL;
    int r;

    if (!db)
        return reply_internal(req);
    if ((r = window_resolve(db, req->params[0], id, &e)) != 0)
        return r < 0 ? reply_internal(req) : reply_refusal(req, &e);
    if (!(body = reply_json_body(req, &ret)))
        return ret;
    if (bodies_visit_result(body, &handled, &date) != 0) {
        ret = reply_refusal(req, &bad_result);
        goto out;
    }
    if (!(c = catalog_acquire())) {
        ret = reply_internal(req);
        goto out;
    }
    /* the calendar is the catalog's: held until the move is done */
    r = visit_result(db, id, req->user,
                     handled ? VISIT_HANDLED : VISIT_NOT_HOME, date, catalog_calendar(c),
                     clock_today(), &e);
    catalog_release(c);
    if (r == 0)
        r = window_view_case_json(db, id, &json, &e);
    if (r < 0)
        ret = reply_internal(req);
    else if (r > 0)
        ret = reply_refusal(req, &e);
    else
        ret = reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
out:
    cJSON_Delete(body);
    return ret;
}

enum MHD_Result api_visit_book(struct http_request *req)
{
    char id[CASE_ID_LEN + 1], *json = NULL;
    struct visit_problems probs;
    struct visit_ask ask;
    struct refusal e;
    enum MHD_Result ret;
    struct db *db = db_thread();
    cJSON *body = NULL;
    int r;

    if (!db)
        return reply_internal(req);
    if ((r = window_resolve(db, req->params[0], id, &e)) != 0)
        return r < 0 ? reply_internal(req) : reply_refusal(req, &e);
    if (!(body = reply_json_body(req, &ret)))
        return ret;
    /* the submit's member, so the page sends what its visit form makes */
    if (bodies_case_visit(body, &ask) != 1) {
        ret = reply_invalid_body(req, "页面出了问题，预约上门的信息没有收到；请返回上一页重新填写");
        goto out;
    }
    probs.n = 0;
    r = visit_book(db, id, req->user, &ask, clock_today(), &probs, &e);
    if (r == 0)
        r = window_view_case_json(db, id, &json, &e);
    if (r < 0)
        ret = reply_internal(req);
    else if (r > 0 && probs.n > 0 && strcmp(e.code, "validation_failed") == 0)
        ret = reply_doc_take(req, reply_refusal_status(&e), api_cases_visit_doc(&e, &probs), REPLY_PRIVATE);
    else if (r > 0)
        ret = reply_refusal(req, &e);
    else
        ret = reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
out:
    cJSON_Delete(body);
    return ret;
}
