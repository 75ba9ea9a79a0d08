/* api_spreport: the routes of "this step is wrong" (SP有误): the body's
 * shape and the path's id checked here, the rest is spreport.c's. The
 * report route needs only the procedure, its version and the step index,
 * never a case, so the case view and practice share it. */
#include "api_spreport.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <string.h>

#include "bodies.h"
#include "clock.h"
#include "db.h"
#include "procedure.h"
#include "reply.h"
#include "spreport.h"

static const struct refusal api_spreport_no_procedure = {
    REFUSAL_NOT_FOUND, "unknown_procedure", "没有这个事项，请刷新后再试"};
static const struct refusal api_spreport_no_report = {
    REFUSAL_NOT_FOUND, "not_found", "没有这条报告，请刷新后再看"};

/* Answers with report id as the list shows it. */
static enum MHD_Result api_spreport_answer(struct http_request *req, struct db *db, long long id,
                                           unsigned status)
{
    char *json;

    if (spreport_get_json(db, id, &json) != 0)
        return reply_internal(req);
    return reply_json_take(req, status, json, REPLY_PRIVATE);
}

enum MHD_Result api_spreport_add(struct http_request *req)
{
    const char *proc = req->params[0];
    struct bodies_spreport in;
    struct db *db = db_thread();
    enum MHD_Result ret;
    struct refusal e;
    long long id = 0;
    cJSON *body;
    int r;

    if (!db)
        return reply_internal(req);
    if (!procedure_id_valid(proc, strlen(proc)))
        return reply_refusal(req, &api_spreport_no_procedure);
    if (!(body = reply_json_body(req, &ret)))
        return ret;
    if (bodies_spreport(body, &in) != 0) {
        cJSON_Delete(body);
        return reply_invalid_body(req, "页面出了问题，报告没有提交成功，请刷新页面后重试");
    }
    r = spreport_add(db, proc, in.hash, in.step, in.kind, in.note, req->user, clock_today(), &id,
                     &e);
    cJSON_Delete(body);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    return api_spreport_answer(req, db, id, MHD_HTTP_CREATED);
}

enum MHD_Result api_spreport_list(struct http_request *req)
{
    const char *proc = http_query(req, "procedure"), *open = http_query(req, "open");
    struct db *db = db_thread();
    char *json;

    if (proc && !*proc)
        proc = NULL;
    if (proc && !procedure_id_valid(proc, strlen(proc)))
        return reply_bad_request(req, "事项编号的格式不对，请从列表中选择事项");
    if (open && *open && strcmp(open, "0") != 0 && strcmp(open, "1") != 0)
        return reply_bad_request(req, "筛选条件不对，请刷新页面后重试");
    if (!db || spreport_list_json(db, proc, open && strcmp(open, "1") == 0, &json) != 0)
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

enum MHD_Result api_spreport_deal(struct http_request *req)
{
    struct db *db = db_thread();
    /* ids are small positive integers; anything else names no report */
    long long id = http_query_number(req->params[0], 1, LLONG_MAX);
    enum MHD_Result ret;
    const char *reply;
    struct refusal e;
    cJSON *body;
    int r;

    if (!db)
        return reply_internal(req);
    if (id <= 0)
        return reply_refusal(req, &api_spreport_no_report);
    if (!(body = reply_json_body(req, &ret)))
        return ret;
    if (bodies_optional_text(body, "reply", &reply) != 0) {
        cJSON_Delete(body);
        return reply_invalid_body(req, "reply 应是文字");
    }
    r = spreport_deal(db, id, req->user, reply, &e);
    cJSON_Delete(body);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    return api_spreport_answer(req, db, id, MHD_HTTP_OK);
}
