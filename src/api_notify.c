/* api_notify: HTTP for the notifications of notify.c: the list the staff
 * page shows and the staffer's 已通知. The answer to a done is the whole
 * list again, so the page redraws from one answer. */
#include "api_notify.h"

#include <stdlib.h>

#include "db.h"
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

enum MHD_Result api_notify_done(struct http_request *req)
{
    static const struct refusal not_found = {REFUSAL_NOT_FOUND, "not_found",
                                             "没有这条通知，请刷新后再看"};
    const char *s = req->params[0];
    struct db *db = db_thread();
    struct refusal e;
    long long id = 0;
    size_t i;
    int r;

    if (!db)
        return reply_internal(req);
    /* ids are small positive integers: anything else names no notification */
    for (i = 0; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= API_NOTIFY_ID_DIGITS)
            return reply_refusal(req, &not_found);
        id = id * 10 + (s[i] - '0');
    }
    if (i == 0)
        return reply_refusal(req, &not_found);
    r = notify_done(db, id, req->user, &e);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    return api_notify_list_answer(req, db);
}
