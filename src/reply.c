/* reply: the project's answer shapes over http's byte-queueing helpers,
 * shared by every api_ module so that none of them includes another. */
#include "reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bodies.h"
#include "db.h"

/* How long a client waits before trying a write again after the storage
 * filled up: an admin needs minutes to free space. */
#define REPLY_STORAGE_RETRY_S 60

/* The words of a failed request, by who reads them: a resident is sent to
 * the window, a staffer to the administrator. */
struct reply_fault_words {
    const char *gone, *full, *other;
};

/* 503 storage_failed (the database deleted or replaced under the daemon),
 * 503 storage_full with Retry-After (the disk), else 500 internal_error. */
static enum MHD_Result reply_fault(struct http_request *req, const struct reply_fault_words *w)
{
    int fault = db_storage_failed();

    if (fault == DB_FAULT_GONE)
        return http_reply_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "storage_failed", w->gone);
    if (fault)
        return http_reply_error_retry(req, MHD_HTTP_SERVICE_UNAVAILABLE, "storage_full", w->full,
                                      REPLY_STORAGE_RETRY_S);
    return http_reply_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal_error", w->other);
}

enum MHD_Result reply_internal(struct http_request *req)
{
    static const struct reply_fault_words resident = {
        "系统的数据出了问题，刚才的内容没有保存。请到窗口办理，并请工作人员联系管理员",
        "存储空间已满，刚才的内容没有保存。请到窗口办理，并请工作人员联系管理员",
        "服务暂时出了问题，请稍后再试或到窗口办理",
    };

    return reply_fault(req, &resident);
}

enum MHD_Result reply_internal_staff(struct http_request *req)
{
    static const struct reply_fault_words staff = {
        "数据库文件在系统运行时被删除或替换，刚才的操作没有保存。请联系管理员查看日志并重启服务",
        "存储空间已满，刚才的操作没有保存。请联系管理员清理磁盘，之后再试",
        "服务暂时出了问题，请稍后再试",
    };

    return reply_fault(req, &staff);
}

enum MHD_Result reply_bad_request(struct http_request *req, const char *message)
{
    return http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_request", message);
}

enum MHD_Result reply_invalid_body(struct http_request *req, const char *message)
{
    return http_reply_error(req, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid_body", message);
}

unsigned reply_refusal_status(const struct refusal *r)
{
    switch (r->kind) {
    case REFUSAL_NOT_FOUND:
        return MHD_HTTP_NOT_FOUND;
    case REFUSAL_CONFLICT:
        return MHD_HTTP_CONFLICT;
    case REFUSAL_INVALID:
        return MHD_HTTP_UNPROCESSABLE_CONTENT;
    case REFUSAL_FORBIDDEN:
        return MHD_HTTP_FORBIDDEN;
    }
    return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

enum MHD_Result reply_refusal(struct http_request *req, const struct refusal *r)
{
    return http_reply_error(req, reply_refusal_status(r), r->code, r->message);
}

enum MHD_Result reply_json_take(struct http_request *req, unsigned status, char *json,
                                enum reply_cache cache)
{
    enum MHD_Result ret;

    if (!json)
        return reply_internal(req);
    if (cache == REPLY_PRIVATE)
        ret = http_reply_private(req, status, json, strlen(json));
    else
        ret = http_reply(req, status, "application/json", json, strlen(json));
    free(json);
    return ret;
}

enum MHD_Result reply_doc_take(struct http_request *req, unsigned status, cJSON *doc,
                               enum reply_cache cache)
{
    char *json = doc ? cJSON_PrintUnformatted(doc) : NULL;

    cJSON_Delete(doc);
    return reply_json_take(req, status, json, cache);
}

enum MHD_Result reply_csv_take(struct http_request *req, char *csv, size_t len, const char *filename,
                               enum reply_cache cache)
{
    struct MHD_Response *resp;
    char disp[160];

    if (!csv)
        return reply_internal(req);
    if (!(resp = MHD_create_response_from_buffer(len, csv, MHD_RESPMEM_MUST_FREE))) {
        free(csv);
        return MHD_NO;
    }
    req->bytes = len;   /* the access log's bytes=, as every other answer has it */
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/csv; charset=utf-8") != MHD_YES ||
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp) != MHD_YES ||
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                cache == REPLY_PRIVATE ? "no-store" : "no-cache") != MHD_YES) {
        MHD_destroy_response(resp);
        return reply_internal(req);
    }
    return http_reply_response(req, MHD_HTTP_OK, resp);
}

enum MHD_Result reply_page_take(struct http_request *req, char *html)
{
    struct MHD_Response *resp;
    size_t len;

    if (!html)
        return reply_internal(req);
    len = strlen(html);
    if (!(resp = MHD_create_response_from_buffer(len, html, MHD_RESPMEM_MUST_FREE))) {
        free(html);
        return MHD_NO;
    }
    req->bytes = len;
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8") !=
            MHD_YES ||
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES ||
        !http_page_headers(resp)) {
        MHD_destroy_response(resp);
        return reply_internal(req);
    }
    return http_reply_response(req, MHD_HTTP_OK, resp);
}

cJSON *reply_error_doc(const char *code, const char *message)
{
    return http_error_doc(code, message);
}

bool reply_body_unused(struct http_request *req, enum MHD_Result *ret)
{
    cJSON *root;

    if (req->body.len == 0)
        return true;
    if (!(root = reply_json_body(req, ret)))
        return false;
    cJSON_Delete(root);
    return true;
}

cJSON *reply_json_body(struct http_request *req, enum MHD_Result *ret)
{
    static const char not_object[] = "页面出了问题，刚才的内容没有收到；请返回上一页再试，一直这样的话请到综合窗口办理";
    cJSON *root;

    if (!(root = bodies_parse(req->body.data, req->body.len)))
        *ret = reply_bad_request(req, not_object);
    return root;
}
