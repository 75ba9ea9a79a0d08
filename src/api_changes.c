/* api_changes: the routes of 「本事项已更新」: the path's id and the body's
 * shape checked here, the rest is changes.c's. */
#include "api_changes.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "bodies.h"
#include "changes.h"
#include "db.h"
#include "procedure.h"
#include "reply.h"

static const struct refusal api_changes_no_procedure = {
    REFUSAL_NOT_FOUND, "unknown_procedure", "没有这个事项，请刷新后再试"};

/* Answers with the changes of id for req->user. */
static enum MHD_Result api_changes_answer(struct http_request *req, struct db *db, const char *id)
{
    struct refusal e;
    char *json;
    int r = changes_view_json(db, id, req->user, &json, &e);

    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

enum MHD_Result api_changes_view(struct http_request *req)
{
    const char *id = req->params[0];
    struct db *db = db_thread();

    if (!db)
        return reply_internal(req);
    if (!procedure_id_valid(id, strlen(id)))
        return reply_refusal(req, &api_changes_no_procedure);
    return api_changes_answer(req, db, id);
}

enum MHD_Result api_changes_read(struct http_request *req)
{
    const char *id = req->params[0];
    struct db *db = db_thread();
    enum MHD_Result ret;
    const char *hash;
    struct refusal e;
    cJSON *body;
    int r;

    if (!db)
        return reply_internal(req);
    if (!procedure_id_valid(id, strlen(id)))
        return reply_refusal(req, &api_changes_no_procedure);
    if (!(body = reply_json_body(req, &ret)))
        return ret;
    if (!(hash = bodies_hash(body))) {
        cJSON_Delete(body);
        return reply_invalid_body(req, "页面出了问题，没有记下您读过哪个版本，请刷新页面后重试");
    }
    /* longer than any hash: "", never the live version */
    r = changes_read(db, id, req->user, hash, &e);
    cJSON_Delete(body);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    return api_changes_answer(req, db, id);
}

enum MHD_Result api_changes_list(struct http_request *req)
{
    struct db *db = db_thread();
    char *json;

    if (!db || changes_list_json(db, req->user, &json) != 0)
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}
