/* api_notify: HTTP for the staff page's two lists of residents to phone:
 * the notifications of notify.c (the list and the staffer's 已通知) and the
 * call-backs of followup.c (回访: the list and a result). The answer to a
 * change is the whole list again, so the page redraws from one answer. */
#include "api_notify.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "bodies.h"
#include "catalog.h"
#include "clock.h"
#include "db.h"
#include "followup.h"
#include "notify.h"
#include "reply.h"

#define API_NOTIFY_ID_DIGITS 18

static enum MHD_Result api_notify_list_answer(struct http_request *req, struct db *db)
{
    char *json;

    if (notify_list_json(db, &json) != 0)
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

enum MHD_Result api_notify_list(struct http_request *req)
{
    struct db *db = db_thread();

    return db ? api_notify_list_answer(req, db) : reply_internal(req);
}

/* The id in the path: ids are small positive integers, anything else
 * names no row. Returns it, or 0. */
static long long api_notify_id(const char *s)
{
    long long id = 0;
    size_t i;

    for (i = 0; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= API_NOTIFY_ID_DIGITS)
            return 0;
        id = id * 10 + (s[i] - '0');
    }
    return id;
}

enum MHD_Result api_notify_done(struct http_request *req)
{
    static const struct refusal not_found = {REFUSAL_NOT_FOUND, "not_found",
                                             "没有这条通知，请刷新后再看"};
    struct db *db = db_thread();
    struct refusal e;
    long long id = api_notify_id(req->params[0]);
    enum MHD_Result res;
    int r;

    if (!db)
        return reply_internal(req);
    if (id <= 0)
        return reply_refusal(req, &not_found);
    if (!reply_body_unused(req, &res))
        return res;
    r = notify_done(db, id, req->user, &e);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    return api_notify_list_answer(req, db);
}

/* --- call-backs (回访) ---------------------------------------------------------- */

static enum MHD_Result api_followup_list_answer(struct http_request *req, struct db *db)
{
    struct catalog *c = catalog_acquire();
    const char *done = http_query(req, "done");
    char *json;
    /* ?done=today (ours): the staff page shows the day's work too */
    int r = followup_list_json(db, catalog_calendar(c), clock_today(),
                               done && strcmp(done, "today") == 0, &json);

    catalog_release(c);
    if (r != 0)
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

enum MHD_Result api_followup_list(struct http_request *req)
{
    struct db *db = db_thread();

    return db ? api_followup_list_answer(req, db) : reply_internal(req);
}

enum MHD_Result api_followup_record(struct http_request *req)
{
    static const struct refusal not_found = {REFUSAL_NOT_FOUND, "not_found",
                                             "没有这条回访，请刷新后再看"};
    struct db *db = db_thread();
    long long id = api_notify_id(req->params[0]);
    const char *result, *note;
    enum MHD_Result ret;
    struct refusal e;
    struct catalog *c;
    cJSON *body;
    int r;

    if (!db)
        return reply_internal(req);
    if (id <= 0)
        return reply_refusal(req, &not_found);
    if (!(body = reply_json_body(req, &ret)))
        return ret;
    if (bodies_followup(body, &result, &note) != 0) {
        cJSON_Delete(body);
        return reply_invalid_body(req, "页面出了问题，回访结果没有提交成功，请刷新页面后重试");
    }
    if (!(c = catalog_acquire())) {
        cJSON_Delete(body);
        return reply_internal(req);
    }
    /* the calendar is the catalog's: held until the result is recorded */
    r = followup_record(db, id, req->user, result, note, catalog_calendar(c), clock_today(), &e);
    catalog_release(c);
    cJSON_Delete(body);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    return api_followup_list_answer(req, db);
}
