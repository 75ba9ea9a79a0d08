/* api: the public read API and the pages. Reads answer from the published
 * catalog snapshot, holding a reference until the bytes are sent; only
 * search touches SQLite (the calling thread's own connection). */
#include "api.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_admin.h"
#include "api_cases.h"
#include "api_changes.h"
#include "api_display.h"
#include "api_metrics.h"
#include "api_notify.h"
#include "api_practice.h"
#include "api_rate.h"
#include "api_report.h"
#include "api_spreport.h"
#include "api_stats.h"
#include "api_staff.h"
#include "api_visit.h"
#include "assets.h"
#include "api_auth.h"
#include "catalog.h"
#include "cjktok.h"
#include "db.h"
#include "hall.h"
#include "notify.h"
#include "reply.h"
#include "store.h"
#include "strbuf.h"
#include "utf8.h"

static void api_release(void *cls)
{
    catalog_release(cls);
}

/* 503 when the database cannot be written (deleted or replaced under the
 * daemon, its WAL could not be synced, or the disk is full): a monitor must
 * not see green while every case is refused. */
static enum MHD_Result api_healthz(struct http_request *req)
{
    static const char ok[] = "{\"ok\":true}";
    struct db *db = db_thread();
    enum db_health h = db ? db_health(db) : DB_HEALTH_FAILED;

    /* no connection: the file gone before this worker opened one */
    if (h == DB_HEALTH_FAILED)
        return http_reply_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "storage_failed",
                                "数据库文件不可写（被删除、被替换或无法写入磁盘），请 IT 人员查看日志并重启服务");
    if (h == DB_HEALTH_FULL)
        return http_reply_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "storage_full",
                                "磁盘已满或写入出错，数据库写不进去：请 IT 人员腾出空间（df -h）并查看日志；"
                                "腾出后不用重启，会自动恢复");
    return http_reply(req, MHD_HTTP_OK, "application/json", ok, sizeof ok - 1);
}

/* A document of snapshot c (held until it is sent): ETag, 304, gzip. */
static enum MHD_Result api_doc(struct http_request *req, struct catalog *c, const char *json,
                               size_t len, const char *etag, struct gzip_lazy *gz)
{
    const struct http_cached doc = {"application/json", NULL, json, len, etag, gz};

    return http_reply_cached(req, &doc, api_release, c);
}

static enum MHD_Result api_categories(struct http_request *req)
{
    struct catalog *c = catalog_acquire();

    if (!c)
        return reply_internal(req);
    return api_doc(req, c, c->categories_json, c->categories_len, c->categories_etag,
                   &c->categories_gz);
}

/* A search's answer, built per request: compressed (once) only when the
 * request accepts it, freed with its copy once sent. */
struct api_found {
    char *json;
    struct gzip_lazy gz;
};

static void api_found_release(void *cls)
{
    struct api_found *f = cls;

    gzip_lazy_clear(&f->gz);
    free(f->json);
    free(f);
}

/* A search's ETag: the same query on the same snapshot finds the same
 * procedures (the index is rebuilt with each snapshot). */
static void api_search_etag(const struct catalog *c, const char *category, const char *q,
                            size_t qn, char out[HTTP_ETAG_MAX])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[33];

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)c->id, sizeof c->id);
    crypto_hash_sha256_update(&st, (const unsigned char *)(category ? category : ""),
                              (category ? strlen(category) : 0) + 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)q, qn);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(hex, sizeof hex, h, 16);
    snprintf(out, HTTP_ETAG_MAX, "\"s%s\"", hex);
}

struct api_search {
    struct catalog *c;
    const char *category;
    struct strbuf out;
    bool first;
    int oom;
};

static int api_search_hit(void *ctx, const char *id)
{
    struct api_search *s = ctx;
    const struct catalog_proc *p = catalog_find(s->c, id);

    /* the index and the snapshot come from the same load; a hit missing
     * from the snapshot is from a load still being published */
    if (!p || (s->category && strcmp(p->category, s->category) != 0))
        return 0;
    if ((!s->first && strbuf_putc(&s->out, ',') != 0) ||
        strbuf_append(&s->out, p->item_json, p->item_len) != 0) {
        s->oom = 1;
        return 1;
    }
    s->first = false;
    return 0;
}

static enum MHD_Result api_procedures(struct http_request *req)
{
    const char *category = http_query(req, "category"), *q = http_query(req, "q");
    const struct catalog_cat *cat = NULL;
    struct api_search s;
    struct strbuf key = STRBUF_INIT;
    const char *cached;
    size_t cached_len;
    struct catalog *c;
    enum MHD_Result ret;
    char etag[HTTP_ETAG_MAX];
    struct http_cached found = {"application/json", NULL, NULL, 0, etag, NULL};
    struct api_found *f;
    size_t qn = q ? strlen(q) : 0;
    struct db *db;
    int r;

    if (qn > CJKTOK_QUERY_MAX)
        return http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_request",
                                "搜索内容太长了，请少输入几个字");
    if (q && !utf8_valid(q, qn))
        return http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_request", "搜索内容里有无法识别的字符，请删掉后重新输入");
    if (q)
        q = utf8_trim(q, &qn);
    if (!(c = catalog_acquire()))
        return reply_internal(req);
    if (category && *category && !(cat = catalog_category(c, category))) {
        catalog_release(c);
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "unknown_category", "没有找到这个分类，可能已经调整，请返回首页重新选择");
    }
    if (qn == 0) {
        /* the category's list is a document of its own in the snapshot */
        if (cat)
            return api_doc(req, c, cat->list_json, cat->list_len, cat->list_etag,
                           (struct gzip_lazy *)&cat->list_gz);
        return api_doc(req, c, c->list_json, c->list_len, c->list_etag, &c->list_gz);
    }
    api_search_etag(c, cat ? cat->id : NULL, q, qn, etag);
    if (http_reply_unchanged(req, etag, NULL, true, &ret)) {
        catalog_release(c);
        return ret;
    }
    /* the snapshot's cache: category, a NUL, then the trimmed query */
    if (strbuf_puts(&key, cat ? cat->id : "") != 0 || strbuf_putc(&key, '\0') != 0 ||
        strbuf_append(&key, q, qn) != 0) {
        strbuf_free(&key);
        catalog_release(c);
        return reply_internal(req);
    }
    if (catalog_search_get(c, key.data, key.len, &cached, &cached_len, &found.gz)) {
        strbuf_free(&key);
        found.body = cached;
        found.len = cached_len;
        return http_reply_cached(req, &found, api_release, c);
    }
    memset(&s, 0, sizeof s);
    s.c = c;
    s.category = cat ? cat->id : NULL;
    s.first = true;
    r = (db = db_thread()) ? 0 : -1;
    if (r == 0 && strbuf_puts(&s.out, "{\"procedures\":[") != 0)
        r = -1;
    if (r == 0)
        r = store_search(db, q, qn, s.category, api_search_hit, &s);
    if (r < 0 || s.oom || strbuf_puts(&s.out, "]}") != 0) {
        strbuf_free(&key);
        strbuf_free(&s.out);
        catalog_release(c);
        return reply_internal(req);
    }
    /* kept with the snapshot, then answered from there like a repeat */
    catalog_search_put(c, key.data, key.len, s.out.data, s.out.len);
    if (catalog_search_get(c, key.data, key.len, &cached, &cached_len, &found.gz)) {
        strbuf_free(&key);
        strbuf_free(&s.out);
        found.body = cached;
        found.len = cached_len;
        return http_reply_cached(req, &found, api_release, c);
    }
    /* the cache is full: this answer is the request's own */
    strbuf_free(&key);
    catalog_release(c);
    if (!(f = calloc(1, sizeof *f))) {
        strbuf_free(&s.out);
        return reply_internal(req);
    }
    found.len = s.out.len;
    f->json = strbuf_take(&s.out);
    found.body = f->json;
    found.gz = &f->gz;
    return http_reply_cached(req, &found, api_found_release, f);
}

/* A procedure's detail (JSON) or its print sheet (HTML); both carry the
 * version's hash as ETag. */
static enum MHD_Result api_procedure_send(struct http_request *req, bool print)
{
    struct catalog *c = catalog_acquire();
    struct catalog_proc *p;
    const struct catalog_doc *d;
    enum MHD_Result ret;
    char *detail, *html;
    struct db *db;

    if (!c)
        return reply_internal(req);
    /* the snapshot is immutable but for the compressed copies and the
     * pages it holds */
    p = (struct catalog_proc *)catalog_find(c, req->params[0]);
    if (!p) {
        catalog_release(c);
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "unknown_procedure",
                                "没有找到这个事项，可能已经停办或改名");
    }
    /* a cached copy is confirmed from the ETag alone: no page read */
    if (http_reply_unchanged(req, p->etag, NULL, true, &ret)) {
        catalog_release(c);
        return ret;
    }
    /* the page is read from the database the first time it is asked for
     * (versions are never deleted: an earlier snapshot finds its own) */
    if (!(d = catalog_proc_doc(p))) {
        if (!(db = db_thread()) || store_proc_doc(db, p->id, p->hash, &detail, &html) != 0 ||
            !(d = catalog_proc_doc_put(p, detail, html))) {
            catalog_release(c);
            return reply_internal(req);
        }
    }
    if (print) {
        const struct http_cached page = {"text/html; charset=utf-8", NULL, d->print_html,
                                         d->print_len, p->etag, &p->print_gz};
        return http_reply_cached(req, &page, api_release, c);
    }
    return api_doc(req, c, d->detail_json, d->detail_len, p->etag, &p->detail_gz);
}

static enum MHD_Result api_procedure(struct http_request *req)
{
    return api_procedure_send(req, false);
}

static enum MHD_Result print_procedure(struct http_request *req)
{
    return api_procedure_send(req, true);
}

static enum MHD_Result api_triage(struct http_request *req)
{
    struct catalog *c = catalog_acquire();

    if (!c)
        return reply_internal(req);
    if (!c->triage_json) {
        catalog_release(c);
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "triage_not_found",
                                "还没有“不知道办什么”的问答，请到综合窗口咨询");
    }
    return api_doc(req, c, c->triage_json, c->triage_len, c->triage_etag, &c->triage_gz);
}

/* Always 200: without _directory.md the list is empty, not missing, so the
 * kiosk's search can ask for it unconditionally. */
static enum MHD_Result api_directory(struct http_request *req)
{
    struct catalog *c = catalog_acquire();

    if (!c)
        return reply_internal(req);
    return api_doc(req, c, c->directory_json, c->directory_len, c->directory_etag,
                   &c->directory_gz);
}

/* What the resident's pages may promise of this hall (ours): whether it
 * can text a lost web link (notify_link_possible), and its own phone
 * (serve --hall-phone) for a page that shows no item, whose 咨询电话 it
 * would otherwise point to. Both are fixed while the daemon runs; no-cache
 * all the same, so that a restart with other options is seen at once. */
static enum MHD_Result api_hall(struct http_request *req)
{
    const char *phone = hall_contact_get(HALL_PHONE);
    cJSON *doc = cJSON_CreateObject();

    if (!doc || !cJSON_AddBoolToObject(doc, "link_sms", notify_link_possible()) ||
        !(phone ? cJSON_AddStringToObject(doc, "phone", phone) : cJSON_AddNullToObject(doc, "phone"))) {
        cJSON_Delete(doc);
        return reply_internal(req);
    }
    return reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PUBLIC);
}

static enum MHD_Result page_kiosk(struct http_request *req)
{
    return assets_serve(req, "index.html");
}

static enum MHD_Result page_asset(struct http_request *req)
{
    return assets_serve(req, req->path + strlen("/assets/"));
}

static enum MHD_Result page_media(struct http_request *req)
{
    return assets_media_serve(req, req->path + strlen("/media/"));
}

/* The one list of routes. access and csrf are checked by the dispatcher
 * (api_auth_guard) before a handler runs; http_start refuses a staff or
 * admin route that may change state without csrf. */
const struct http_route api_routes[] = {
    {"GET", "/healthz", api_healthz, HTTP_PUBLIC, false},
    /* monitoring (api_metrics.c): only from --metrics-allow addresses */
    {"GET", "/metrics", api_metrics, HTTP_MONITOR, false},
    {"GET", "/api/v1/categories", api_categories, HTTP_PUBLIC, false},
    {"GET", "/api/v1/procedures", api_procedures, HTTP_PUBLIC, false},
    {"GET", "/api/v1/procedures/{}", api_procedure, HTTP_PUBLIC, false},
    {"GET", "/api/v1/triage", api_triage, HTTP_PUBLIC, false},
    {"GET", "/api/v1/directory", api_directory, HTTP_PUBLIC, false},
    {"GET", "/api/v1/hall", api_hall, HTTP_PUBLIC, false},
    {"POST", "/api/v1/cases", api_case_create, HTTP_PUBLIC, false},
    {"GET", "/api/v1/cases/{}", api_case_get, HTTP_PUBLIC, false},
    {"POST", "/api/v1/cases/lookup", api_case_lookup, HTTP_PUBLIC, false},
    {"GET", "/api/v1/cases/{}/procedure", api_case_procedure, HTTP_PUBLIC, false},
    {"POST", "/api/v1/cases/{}/conditions", api_case_conditions, HTTP_SHARED, false},
    {"POST", "/api/v1/cases/{}/steps/{}", api_case_step, HTTP_SHARED, false},
    {"POST", "/api/v1/cases/{}/steps/{}/incomplete", api_case_incomplete, HTTP_SHARED, false},
    {"POST", "/api/v1/cases/{}/submit", api_case_submit, HTTP_SHARED, false},
    {"POST", "/api/v1/cases/{}/rating", api_case_rating, HTTP_PUBLIC, false},
    {"GET", "/print/cases/{}", print_case, HTTP_PUBLIC, false},
    {"GET", "/print/cases/{}/missing", print_case_missing, HTTP_PUBLIC, false},
    {"GET", "/print/procedures/{}", print_procedure, HTTP_PUBLIC, false},
    {"GET", "/api/v1/visit/days", api_visit_days, HTTP_PUBLIC, false},
    /* the hall's call screen (api_display.c): tickets and windows only */
    {"GET", "/api/v1/display", api_display, HTTP_PUBLIC, false},
    {"GET", "/display", page_display, HTTP_PUBLIC, false},
    /* the window's evaluator (api_rate.c): a token, a ticket, a title */
    {"GET", "/api/v1/rate", api_rate, HTTP_PUBLIC, false},
    {"POST", "/api/v1/rate/{}", api_rate_token, HTTP_PUBLIC, false},
    {"GET", "/rate", page_rate, HTTP_PUBLIC, false},
    /* staff and admin sessions */
    {"POST", "/api/v1/login", api_auth_login, HTTP_PUBLIC, false},
    {"POST", "/api/v1/logout", api_auth_logout, HTTP_PUBLIC, false},
    {"GET", "/api/v1/session", api_auth_session, HTTP_PUBLIC, false},
    /* the staff window (api_staff.c) */
    {"GET", "/api/v1/staff/queue", api_staff_queue, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/ready/search", api_staff_ready_named, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/call-next", api_staff_call_next, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases", api_staff_start, HTTP_STAFF, true},
    {"GET", "/api/v1/staff/cases/{}", api_staff_case, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/cases/{}/accept", api_staff_accept, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/complete", api_staff_complete, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/return", api_staff_return, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/pass", api_staff_pass, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/handout", api_staff_handout, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/received", api_staff_receive, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/received/withdraw", api_staff_receive_withdraw, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/not-brought", api_staff_not_brought, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/not-brought/withdraw", api_staff_not_brought_withdraw, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/reject", api_staff_reject, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/refuse", api_staff_refuse, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/assign", api_staff_assign, HTTP_STAFF, true},
    {"GET", "/api/v1/staff/work", api_staff_work, HTTP_STAFF, false},
    {"GET", "/api/v1/staff/corrections", api_staff_corrections, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/cases/{}/remind", api_staff_remind, HTTP_STAFF, true},
    {"GET", "/print/staff/cases/{}/receipt", print_staff_receipt, HTTP_STAFF, false},
    {"GET", "/print/staff/cases/{}/rejection", print_staff_rejection, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/cases/{}/call", api_staff_call, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/transfer", api_staff_transfer, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/no-show", api_staff_no_show, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/discard", api_staff_discard, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/take-up", api_staff_take_up, HTTP_STAFF, true},
    {"GET", "/api/v1/staff/prereview", api_staff_prereview, HTTP_STAFF, false},
    {"GET", "/api/v1/staff/colleagues", api_staff_colleagues, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/cases/{}/invite", api_staff_invite, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/send-link", api_staff_send_link, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/web-cases/search", api_staff_web_search, HTTP_STAFF, true},
    {"GET", "/print/staff/cases/{}/correction", print_staff_correction, HTTP_STAFF, false},
    {"GET", "/api/v1/staff/notifications", api_notify_list, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/notifications/{}/done", api_notify_done, HTTP_STAFF, true},
    {"GET", "/api/v1/staff/followups", api_followup_list, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/followups/{}", api_followup_record, HTTP_STAFF, true},
    /* the B post at the door (api_visit.c) */
    {"GET", "/api/v1/staff/visits", api_visit_list, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/cases/{}/visit", api_visit_result, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/cases/{}/book-visit", api_visit_book, HTTP_STAFF, true},
    /* this step is wrong (SP有误, api_spreport.c): by procedure, version and step, no case */
    {"POST", "/api/v1/staff/procedures/{}/reports", api_spreport_add, HTTP_STAFF, true},
    /* what changed in a procedure since the staffer read it (api_changes.c) */
    {"GET", "/api/v1/staff/procedures/{}/changes", api_changes_view, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/procedures/{}/changes/read", api_changes_read, HTTP_STAFF, true},
    {"GET", "/api/v1/staff/changes", api_changes_list, HTTP_STAFF, false},
    {"GET", "/staff", page_staff, HTTP_PUBLIC, false},
    /* practice (api_practice.c): never real cases */
    {"GET", "/api/v1/staff/practice", api_practice_list, HTTP_STAFF, false},
    {"POST", "/api/v1/staff/practice/{}", api_practice_start, HTTP_STAFF, true},
    {"POST", "/api/v1/staff/practice/{}/answer", api_practice_answer, HTTP_STAFF, true},
    {"GET", "/staff/practice", page_staff_practice, HTTP_PUBLIC, false},
    {"GET", "/api/v1/admin/readiness", api_admin_readiness, HTTP_ADMIN, false},
    {"GET", "/admin/readiness", page_admin_readiness, HTTP_PUBLIC, false},
    /* the admin console (api_admin.c) */
    {"GET", "/api/v1/admin/procedures", api_admin_procedures, HTTP_ADMIN, false},
    {"GET", "/api/v1/admin/library", api_admin_library, HTTP_ADMIN, false},
    {"GET", "/api/v1/admin/backups", api_admin_backups, HTTP_ADMIN, false},
    {"GET", "/api/v1/admin/procedures/{}/source", api_admin_source_get, HTTP_ADMIN, false},
    {"PUT", "/api/v1/admin/procedures/{}/source", api_admin_source_put, HTTP_ADMIN, true},
    {"GET", "/api/v1/admin/files/{}/source", api_admin_file_get, HTTP_ADMIN, false},
    {"PUT", "/api/v1/admin/files/{}/source", api_admin_file_put, HTTP_ADMIN, true},
    {"POST", "/api/v1/admin/preview", api_admin_preview, HTTP_ADMIN, true},
    {"GET", "/api/v1/admin/procedures/{}/retire", api_admin_retire_get, HTTP_ADMIN, false},
    {"POST", "/api/v1/admin/procedures/{}/retire", api_admin_retire, HTTP_ADMIN, true},
    {"POST", "/api/v1/admin/procedures/{}/restore", api_admin_restore, HTTP_ADMIN, true},
    {"PUT", "/api/v1/admin/procedures/{}/live-source", api_admin_live_put, HTTP_ADMIN, true},
    /* the steps reported wrong (api_spreport.c) */
    {"GET", "/api/v1/admin/reports", api_spreport_list, HTTP_ADMIN, false},
    {"POST", "/api/v1/admin/reports/{}/dealt", api_spreport_deal, HTTP_ADMIN, true},
    {"GET", "/admin", page_admin, HTTP_PUBLIC, false},
    /* statistics (admins) */
    {"GET", "/api/v1/admin/stats", api_admin_stats, HTTP_ADMIN, false},
    {"GET", "/admin/stats", page_admin_stats, HTTP_PUBLIC, false},
    /* the day's report (api_report.c) */
    {"GET", "/api/v1/admin/report", api_admin_report, HTTP_ADMIN, false},
    {"GET", "/admin/report", page_admin_report, HTTP_PUBLIC, false},
    /* the evaluators' keys (api_rate.c) */
    {"GET", "/api/v1/admin/rate-keys", api_rate_keys, HTTP_ADMIN, false},
    {"POST", "/api/v1/admin/rate-keys", api_rate_key_make, HTTP_ADMIN, true},
    {"POST", "/api/v1/admin/rate-keys/remove", api_rate_key_remove, HTTP_ADMIN, true},
    {"GET", "/admin/evaluators", page_admin_rate, HTTP_PUBLIC, false},
    {"GET", "/", page_kiosk, HTTP_PUBLIC, false},
    {"GET", "/assets/*", page_asset, HTTP_PUBLIC, false},
    {"GET", "/media/*", page_media, HTTP_PUBLIC, false},
};
const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];
