/* api_practice: the practice mode over HTTP. Every answer names the
 * staffer's own record or scenario cases with ID numbers in full (made-up
 * ones, but shaped as the case view): REPLY_PRIVATE throughout. */
#include "api_practice.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "bodies.h"
#include "db.h"
#include "practice_play.h"
#include "reply.h"

enum MHD_Result api_practice_list(struct http_request *req)
{
    struct db *db = db_thread();
    char *json = NULL;

    if (!db || practice_play_list_json(db, req->user, &json) != 0)
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

enum MHD_Result api_practice_start(struct http_request *req)
{
    struct db *db = db_thread();
    struct refusal e;
    enum MHD_Result res;
    char *json = NULL;
    int r;

    if (!db)
        return reply_internal(req);
    if (!reply_body_unused(req, &res))
        return res;
    r = practice_play_start(db, req->user, req->params[0], &json, &e);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    return reply_json_take(req, MHD_HTTP_CREATED, json, REPLY_PRIVATE);
}

/* The body's answer, its flags borrowed from body into *flags (caller
 * frees the array). False after answering 422 in *res. */
static bool api_practice_read(struct http_request *req, const cJSON *body, struct practice_answer *a,
                              const char ***flags, enum MHD_Result *res)
{
    switch (bodies_practice_answer(body, a, flags)) {
    case 0:
        return true;
    case 1:
        *res = http_reply_error(req, 422, "bad_decision", "请选择：受理、退回补正或不予受理");
        return false;
    case 2:
        *res = http_reply_error(req, 422, "bad_flags", "要补正的字段或材料列得不对，请重新勾选");
        return false;
    case 3:
        *res = http_reply_error(req, 422, "bad_condition", "不予受理时，请选出不符合的那一条办理条件");
        return false;
    default:
        *res = reply_internal(req);
        return false;
    }
}

enum MHD_Result api_practice_answer(struct http_request *req)
{
    struct db *db = db_thread();
    struct practice_answer a;
    const char **flags = NULL;
    struct refusal e;
    enum MHD_Result res;
    char *json = NULL;
    cJSON *body;
    int r;

    if (!db)
        return reply_internal(req);
    if (!(body = reply_json_body(req, &res)))
        return res;
    if (!api_practice_read(req, body, &a, &flags, &res))
        goto out;
    r = practice_play_answer(db, req->user, req->params[0], &a, &json, &e);
    if (r < 0)
        res = reply_internal(req);
    else if (r > 0)
        res = reply_refusal(req, &e);
    else
        res = reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
out:
    free(flags);
    cJSON_Delete(body);
    return res;
}

enum MHD_Result api_admin_readiness(struct http_request *req)
{
    struct db *db = db_thread();
    char *json = NULL;

    if (!db || practice_play_readiness_json(db, &json) != 0)
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

enum MHD_Result page_staff_practice(struct http_request *req)
{
    return assets_serve(req, "practice.html");
}

enum MHD_Result page_admin_readiness(struct http_request *req)
{
    return assets_serve(req, "readiness.html");
}
