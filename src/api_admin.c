/* api_admin: the admin console over HTTP. Requests are checked for shape
 * and preconditions here (ids, If-Match); what a file's state is
 * and how an edit is checked and saved is admin.c's. The Markdown travels
 * as the raw body (text/markdown), bounded by the HTTP cap; the parser
 * bounds the rest. */
#include "api_admin.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "assets.h"
#include "backup.h"
#include "catalog.h"
#include "clock.h"
#include "db.h"
#include "gauges.h"
#include "gitref.h"
#include "library.h"
#include "loader.h"
#include "render.h"
#include "reply.h"
#include "store.h"
#include "strbuf.h"
#include "utf8.h"

static const char *api_admin_root = "./procedures";

void api_admin_setup(const char *procedures_root)
{
    api_admin_root = procedures_root;
}

static enum MHD_Result api_admin_unknown(struct http_request *req)
{
    return http_reply_error(req, MHD_HTTP_NOT_FOUND, "unknown_procedure",
                            "没有找到这个事项的文件，请刷新事项列表");
}

/* The diagnostics of a check as [{"line","message"[,"severity"]}], the
 * errors only, the warnings only, or both (sev < 0). NULL when memory ran
 * out. */
static cJSON *api_admin_diags(const struct diag_list *l, int sev, bool with_severity)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; arr && i < l->n; i++) {
        const struct diag *d = &l->items[i];
        cJSON *o;
        if (sev >= 0 && (int)d->severity != sev)
            continue;
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            goto fail;
        }
        if (!cJSON_AddNumberToObject(o, "line", d->line) ||
            !cJSON_AddStringToObject(o, "message", d->message) ||
            (with_severity &&
             !cJSON_AddStringToObject(o, "severity", d->severity == DIAG_ERROR ? "error" : "warning")))
            goto fail;
    }
    return arr;
fail:
    cJSON_Delete(arr);
    return NULL;
}

/* The id in the path, bounded before it reaches a query. */
static bool api_admin_id_ok(const char *id)
{
    size_t n = strlen(id);

    return n > 0 && n <= ADMIN_REL_MAX && utf8_valid(id, n);
}

/* A practice file by the id the file list gives it, "ID.practice": the
 * list names every file among the procedures, so a client that opens each
 * entry's source by its id must find this one too (before, 404 here and
 * only the files route had it). With ?file= that must be the same file.
 * Returns 0 with *rel, 1 when it is none, -1. */
static int api_admin_practice_target(struct db *db, const char *id, const char *file, char **rel)
{
    int r = admin_practice_rel(db, id, rel);

    if (r == 0 && file && strcmp(file, *rel) != 0) {
        free(*rel);
        *rel = NULL;
        r = 1;
    }
    return r;
}

/* The file an admin route means for procedure id: the one admin_locate
 * finds (with ?file= when given: a new file there must have id as its
 * stem), else, when a new file is allowed, ?category= gives
 * "CATEGORY/ID.md". Returns 0 with *rel, 1 when there is none, -1. */
static int api_admin_target(struct http_request *req, struct db *db, const char *id,
                            bool allow_new, char **rel)
{
    const char *file = http_query(req, "file"), *cat = http_query(req, "category");
    struct strbuf sb = STRBUF_INIT;
    int r;

    *rel = NULL;
    if (file && !*file)
        file = NULL;
    if (!api_admin_id_ok(id))
        return 1;
    r = admin_locate(db, id, file, rel);
    if (r == 1 && (r = api_admin_practice_target(db, id, file, rel)) != 1)
        return r;
    if (r != 1 || !allow_new || file || !procedure_id_valid(id, strlen(id)))
        return r;
    if (!cat || !procedure_id_valid(cat, strlen(cat)))
        return 1;
    if (strbuf_printf(&sb, "%s/%s.md", cat, id) != 0)
        return -1;
    if (!admin_rel_valid(sb.data)) {
        strbuf_free(&sb);
        return 1;
    }
    *rel = strbuf_take(&sb);
    return *rel ? 0 : -1;
}

enum MHD_Result api_admin_procedures(struct http_request *req)
{
    struct db *db;
    char *json = NULL;

    if (!(db = db_thread()) || admin_list_json(db, api_admin_root, clock_today(), loader_behind(), &json) != 0)
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PUBLIC);
}

/* The commit state's name in the answer: what gitref_head said. */
static const char *api_admin_git_state(int git)
{
    return git == 0 ? "commit" : git > 0 ? "not_git" : "unreadable";
}

enum MHD_Result api_admin_library(struct http_request *req)
{
    struct catalog *c = catalog_acquire();
    char at[CLOCK_UTC_LEN], up[GITREF_HEX + 1];
    cJSON *doc = cJSON_CreateObject();
    bool has_up;

    if (!c || !doc)
        goto fail;
    clock_utc(c->loaded_at, at);
    /* read now, not at the load: a refused pull fetches without moving
     * anything watched, and that refusal is what the admin must be told */
    has_up = c->git == 0 && gitref_upstream(api_admin_root, up) == 0;
    if (!cJSON_AddStringToObject(doc, "git", api_admin_git_state(c->git)) ||
        !(c->git == 0 ? cJSON_AddStringToObject(doc, "commit", c->commit)
                      : cJSON_AddNullToObject(doc, "commit")) ||
        !cJSON_AddStringToObject(doc, "loaded_at", at) ||
        !(has_up ? cJSON_AddStringToObject(doc, "upstream", up) : cJSON_AddNullToObject(doc, "upstream")))
        goto fail;
    catalog_release(c);
    return reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PUBLIC);
fail:
    catalog_release(c);
    cJSON_Delete(doc);
    return reply_internal(req);
}

/* Why the console should warn of the backups, or NULL: the last one failed
 * (a failure in the same second as the success is a copy whose pruning
 * failed: the disk fills), none ever succeeded, or the last good copy is
 * older than the nightly timer's day and a half. */
static const char *api_admin_backup_attention(const struct gauges *g, time_t now)
{
    if (g->backup_failed_at && g->backup_failed_at >= g->backup_ok_at)
        return "failed";
    if (!g->backup_ok_at)
        return "never";
    if (now - (time_t)g->backup_ok_at > API_ADMIN_BACKUP_STALE_SECONDS)
        return "old";
    return NULL;
}

enum MHD_Result api_admin_backups(struct http_request *req)
{
    char reason[BACKUP_REASON_MAX + 1], at[CLOCK_UTC_LEN];
    struct db *db = db_thread();
    const char *attention;
    struct gauges g;
    cJSON *doc = NULL, *o;
    bool ok;

    if (!db || gauges_read_backups(db, &g, reason, sizeof reason) != 0 || !(doc = cJSON_CreateObject()))
        goto fail;
    attention = api_admin_backup_attention(&g, time(NULL));
    if (g.backup_ok_at) {
        clock_utc((time_t)g.backup_ok_at, at);
        ok = (o = cJSON_AddObjectToObject(doc, "last_success")) && cJSON_AddStringToObject(o, "at", at) &&
             cJSON_AddNumberToObject(o, "bytes", (double)g.backup_ok_bytes);
    } else {
        ok = cJSON_AddNullToObject(doc, "last_success");
    }
    if (ok && g.backup_failed_at) {
        clock_utc((time_t)g.backup_failed_at, at);
        ok = (o = cJSON_AddObjectToObject(doc, "last_failure")) && cJSON_AddStringToObject(o, "at", at) &&
             cJSON_AddStringToObject(o, "reason", reason);
    } else if (ok) {
        ok = cJSON_AddNullToObject(doc, "last_failure");
    }
    if (!ok || !cJSON_AddNumberToObject(doc, "failures", (double)g.backup_failures) ||
        !(attention ? cJSON_AddStringToObject(doc, "attention", attention)
                    : cJSON_AddNullToObject(doc, "attention")))
        goto fail;
    return reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PRIVATE);
fail:
    cJSON_Delete(doc);
    return reply_internal(req);
}

static void api_admin_free(void *p)
{
    free(p);
}

/* The text of rel (taken over, freed here) with its hash as ETag. */
static enum MHD_Result api_admin_send_source(struct http_request *req, char *rel)
{
    enum MHD_Result ret;
    char *text = NULL, hash[65], etag[70];
    size_t len;
    int r;

    /* in its category folder opened without following a link, as a save
     * writes it: a folder that is a link is not the library's (its target
     * may be anywhere), and its files' text is no one's to read here */
    r = library_read_file_beneath(api_admin_root, rel, PROCEDURE_FILE_MAX, &text, &len);
    if (r < 0 && errno == ENOMEM) {
        ret = reply_internal(req);
        goto out;
    }
    if (r < 0 && errno == ENOENT) {
        ret = http_reply_error(req, MHD_HTTP_NOT_FOUND, "file_not_found",
                               "这个文件已经不在了（可能刚被删除或改名），请刷新事项列表");
        goto out;
    }
    if (r < 0 && errno == ELOOP) {
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_unreadable",
                               "这个文件或它所在的分类文件夹是符号链接（指向别处），为了安全不在这里打开；"
                               "请在服务器上换成真正的文件或文件夹");
        goto out;
    }
    if (r != 0) {
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_unreadable",
                               r > 0 ? "文件超过 1 兆字节，不能在这里编辑；请在服务器上拆分它"
                                     : "这个文件读不出来（不是普通文件或没有权限），请在服务器上检查");
        goto out;
    }
    /* a browser shows a GBK file as U+FFFD, and a save then writes them
     * over the text for good (an admin's review). A file only cut inside
     * its last character opens: that character was lost already. */
    if (!utf8_valid(text, len) && !utf8_cut_at_end(text, len)) {
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_not_utf8",
                               "这个文件不是 UTF-8 编码（可能是用 GBK 保存的）：在这里打开，中文会变成乱码，"
                               "保存后原文就找不回来了，所以不能在这里编辑。请在电脑上用记事本等编辑器打开它，"
                               "「另存为」时编码选 UTF-8，再放回原处");
        goto out;
    }
    library_hash(text, len, hash);
    snprintf(etag, sizeof etag, "\"%s\"", hash);
    /* an editor reopening a file it holds: the hash says it is the same */
    if (http_reply_unchanged(req, etag, NULL, false, &ret))
        goto out;
    ret = http_reply_ref(req, MHD_HTTP_OK, "text/markdown; charset=utf-8", text, len, etag,
                         api_admin_free, text);
    text = NULL;
out:
    free(text);
    free(rel);
    return ret;
}

/* ours, ?version=live: the live version's stored text, when the file
 * holds a text waiting for its date; the editor loads it, and saving it
 * back withdraws the waiting version (a policy-change review: the
 * console had no way to get the text residents are served). */
static enum MHD_Result api_admin_send_live(struct http_request *req, struct db *db, const char *id)
{
    char *text = NULL, hash[65], etag[70];
    size_t len;
    int r = api_admin_id_ok(id) ? admin_live_source(db, id, &text, &len, hash) : 1;

    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "no_live_version",
                                "这个事项现在没有在用的版本（可能还没有上线过，或已经停办）");
    snprintf(etag, sizeof etag, "\"%s\"", hash);
    return http_reply_ref(req, MHD_HTTP_OK, "text/markdown; charset=utf-8", text, len, etag,
                          api_admin_free, text);
}

enum MHD_Result api_admin_source_get(struct http_request *req)
{
    struct db *db;
    char *rel = NULL;
    int r;

    const char *version = http_query(req, "version");

    if (version && strcmp(version, "live") != 0)
        return reply_bad_request(req, "version 只能是 live（在用的版本）；不写就是文件里现在的内容");
    if (!(db = db_thread()))
        return reply_internal(req);
    if (version)
        return api_admin_send_live(req, db, req->params[0]);
    if ((r = api_admin_target(req, db, req->params[0], false, &rel)) < 0)
        return reply_internal(req);
    if (r > 0)
        return api_admin_unknown(req);
    return api_admin_send_source(req, rel);
}

/* The triage, the directory or a category's README.md, by the name
 * admin_file_rel knows, or a practice file by "ID.practice"
 * (admin_practice_rel); 1 (answered 404) for any other. */
static int api_admin_file_target(struct db *db, const char *name, char **rel)
{
    int r;

    if (!api_admin_id_ok(name))
        return 1;
    if ((r = admin_file_rel(name, rel)) != 1)
        return r;
    return admin_practice_rel(db, name, rel);
}

static enum MHD_Result api_admin_file_unknown(struct http_request *req)
{
    return http_reply_error(req, MHD_HTTP_NOT_FOUND, "unknown_file",
                            "没有这个文件：只能编辑分诊（_triage）、办事地点（_directory）、岗位（_posts）、"
                            "日历（_calendar）、分类说明（分类编号）和练习题（事项编号.practice）");
}

enum MHD_Result api_admin_file_get(struct http_request *req)
{
    char *rel = NULL;
    struct db *db = db_thread();
    int r = db ? api_admin_file_target(db, req->params[0], &rel) : -1;

    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return api_admin_file_unknown(req);
    return api_admin_send_source(req, rel);
}

/* 422: every error with its line, and the warnings; nothing was saved. */
static enum MHD_Result api_admin_invalid(struct http_request *req, const struct admin_check *c)
{
    char msg[160];
    cJSON *doc, *errs, *warns;

    snprintf(msg, sizeof msg, "文件里有 %zu 处错误，没有保存；改好后再保存", c->diags.errors);
    doc = reply_error_doc("invalid_procedure", msg);
    errs = api_admin_diags(&c->diags, DIAG_ERROR, false);
    warns = api_admin_diags(&c->diags, DIAG_WARNING, false);
    if (!doc || !errs || !warns || !cJSON_AddItemToObject(doc, "errors", errs)) {
        cJSON_Delete(doc);
        cJSON_Delete(errs);
        cJSON_Delete(warns);
        return reply_internal(req);
    }
    if (!cJSON_AddItemToObject(doc, "warnings", warns)) {
        cJSON_Delete(doc);
        cJSON_Delete(warns);
        return reply_internal(req);
    }
    return reply_doc_take(req, MHD_HTTP_UNPROCESSABLE_CONTENT, doc, REPLY_PUBLIC);
}

static enum MHD_Result api_admin_saved(struct http_request *req, const char *rel,
                                       const struct admin_check *c, const struct admin_saved *res,
                                       bool created, bool editorial)
{
    /* a special file has no model: its id is the name it was saved by */
    const struct fm_entry *v = c->model ? frontmatter_get(&c->model->meta, "version") : NULL;
    const char *id = c->model ? c->model->id : req->params[0];
    cJSON *doc = cJSON_CreateObject(), *warns = api_admin_diags(&c->diags, DIAG_WARNING, false);

    if (!doc || !warns || !cJSON_AddItemToObject(doc, "warnings", warns)) {
        cJSON_Delete(warns);
        cJSON_Delete(doc);
        return reply_internal(req);
    }
    if (!cJSON_AddStringToObject(doc, "id", id) || !cJSON_AddStringToObject(doc, "file", rel) ||
        !(v ? cJSON_AddStringToObject(doc, "version", v->value)
            : cJSON_AddNullToObject(doc, "version")) ||
        !cJSON_AddStringToObject(doc, "hash", c->hash) ||
        !cJSON_AddBoolToObject(doc, "live", res->live) ||
        /* only when it did not: the contract's answer stays as it was */
        (!res->stored && !cJSON_AddBoolToObject(doc, "stored", false)) ||
        /* only when asked: whether residents' 更新 notice kept its date */
        (editorial && !cJSON_AddBoolToObject(doc, "editorial", res->editorial))) {
        cJSON_Delete(doc);
        return reply_internal(req);
    }
    /* a version for a later date was stored, not made live: say when */
    if (!res->live && res->stored && c->model && store_scheduled(c->model->effective, clock_today())) {
        char day[CLOCK_DAY_LEN];
        clock_day_text(c->model->effective, day);
        if (!cJSON_AddStringToObject(doc, "scheduled", day)) {
            cJSON_Delete(doc);
            return reply_internal(req);
        }
    }
    return reply_doc_take(req, created ? MHD_HTTP_CREATED : MHD_HTTP_OK, doc, REPLY_PUBLIC);
}

/* PUT of a procedure's source, or with special of the triage, the
 * directory or a category's README.md: the same preconditions, check and
 * atomic save. */
static enum MHD_Result api_admin_put(struct http_request *req, bool special)
{
    const char *if_match = http_header(req, MHD_HTTP_HEADER_IF_MATCH);
    const char *inm = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
    struct admin_check check;
    struct admin_saved res;
    enum MHD_Result ret;
    struct db *db;
    char *rel = NULL;
    bool create;
    int r;
    /* ours: a typo or wording fix, no 本事项于…更新 for residents; a
     * special file has no such notice */
    const char *ed = special ? NULL : http_query(req, "editorial");
    bool editorial = ed && strcmp(ed, "1") == 0;

    memset(&check, 0, sizeof check);
    while (inm && (*inm == ' ' || *inm == '\t'))
        inm++;
    create = !if_match && inm && strcmp(inm, "*") == 0;
    if (!if_match && !create)
        return http_reply_error(req, MHD_HTTP_PRECONDITION_REQUIRED, "precondition_required",
                                "保存没有成功：页面没有带上打开文件时的版本，请重新载入文件后再保存，以免覆盖别人刚做的修改");
    if (!(db = db_thread()))
        return reply_internal(req);
    if (special)
        r = api_admin_file_target(db, req->params[0], &rel);
    else
        r = api_admin_target(req, db, req->params[0], create, &rel);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return special ? api_admin_file_unknown(req) : api_admin_unknown(req);
    r = admin_save_as(db, api_admin_root, rel, req->body.data, req->body.len,
                      create ? NULL : if_match, editorial, &check, &res);
    if (r != 0) {
        /* admin_save fails only before its rename: the file is as it was */
        ret = http_reply_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "save_failed",
                               "保存没有成功（服务器写不了文件），原来的文件没有改动；请联系技术人员");
        goto out;
    }
    {
        static const char *const what[] = {
            [ADMIN_SAVED] = "saved", [ADMIN_INVALID] = "not saved: errors",
            [ADMIN_CHANGED] = "not saved: changed on disk",
            [ADMIN_MISSING] = "not saved: gone from disk", [ADMIN_EXISTS] = "not created: exists",
        };
        fprintf(stderr, "spkiosk: admin: %s: %s %s%s\n", req->user, rel, what[res.outcome],
                res.editorial ? " (editorial: no update notice)" : "");
    }
    switch (res.outcome) {
    case ADMIN_SAVED:
        ret = api_admin_saved(req, rel, &check, &res, create, editorial);
        break;
    case ADMIN_INVALID:
        ret = api_admin_invalid(req, &check);
        break;
    case ADMIN_CHANGED:
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_changed",
                               "文件在您打开之后被改过了，没有保存；请重新载入文件，再把修改做一遍");
        break;
    case ADMIN_MISSING:
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_changed",
                               "文件在您打开之后被删除或改名了，没有保存；请刷新事项列表");
        break;
    case ADMIN_EXISTS:
    default: {
        /* the id may be another category's file: name it, or the admin
         * looks for a file that is not where they were creating one */
        char msg[512];
        snprintf(msg, sizeof msg, "编号 %s 已经有文件了（%s），没有保存；请换一个编号，"
                 "或从事项列表打开那个文件修改", req->params[0], rel);
        ret = http_reply_error(req, MHD_HTTP_PRECONDITION_FAILED, "file_exists", msg);
        break;
    }
    }
out:
    admin_check_free(&check);
    free(rel);
    return ret;
}

enum MHD_Result api_admin_source_put(struct http_request *req)
{
    return api_admin_put(req, false);
}

enum MHD_Result api_admin_file_put(struct http_request *req)
{
    return api_admin_put(req, true);
}

/* "staff_guidance": one entry per step, the step's `{staff}` block quotes
 * (HTML) or null; the public procedure JSON never carries them, but the
 * admin writing them wants to see them. Null when there is no model.
 * Returns 0 or -1 (memory). */
static int api_admin_staff_guidance(cJSON *doc, const struct procedure *model)
{
    cJSON *arr;
    size_t i;

    if (!model)
        return cJSON_AddNullToObject(doc, "staff_guidance") ? 0 : -1;
    if (!(arr = cJSON_AddArrayToObject(doc, "staff_guidance")))
        return -1;
    for (i = 0; i < model->n_steps; i++) {
        const char *h = model->steps[i].staff_html;
        cJSON *v = h ? cJSON_CreateString(h) : cJSON_CreateNull();
        if (!v || !cJSON_AddItemToArray(arr, v)) {
            cJSON_Delete(v);
            return -1;
        }
    }
    return 0;
}

/* "practice_lapse": what saving the text would do to the staff's practice
 * passes (admin_check's lapse, said as a warning too), or null when it
 * does nothing to them. 0 or -1 (memory). */
static int api_admin_lapse(cJSON *doc, const struct admin_check *c)
{
    const struct admin_lapse *l = &c->lapse;
    char day[CLOCK_DAY_LEN], wday[CLOCK_DAY_LEN];
    cJSON *o;

    if (!l->said)
        return cJSON_AddNullToObject(doc, "practice_lapse") ? 0 : -1;
    if (l->effective)
        clock_day_text(l->effective, day);
    if (l->waiting)
        clock_day_text(l->waiting, wday);
    return (o = cJSON_AddObjectToObject(doc, "practice_lapse")) &&
                   cJSON_AddNumberToObject(o, "passes", l->passes) &&
                   cJSON_AddNumberToObject(o, "partial", l->partial) &&
                   cJSON_AddNumberToObject(o, "left", l->left) &&
                   cJSON_AddBoolToObject(o, "short", l->left < 2) &&
                   cJSON_AddBoolToObject(o, "wording_only", l->wording_only) &&
                   (l->effective ? cJSON_AddStringToObject(o, "effective", day)
                                 : cJSON_AddNullToObject(o, "effective")) &&
                   cJSON_AddBoolToObject(o, "mark_applies", l->mark_applies) &&
                   (l->waiting ? cJSON_AddStringToObject(o, "waiting", wday)
                               : cJSON_AddNullToObject(o, "waiting"))
               ? 0
               : -1;
}

/* Whether the check already says that the id belongs to file taken (the
 * library's own error, 「编号 … 已被 FILE 使用」), so it is not said twice. */
static bool api_admin_taken_said(const struct diag_list *diags, const char *taken)
{
    size_t i;

    for (i = 0; i < diags->n; i++)
        if (diags->items[i].severity == DIAG_ERROR && strstr(diags->items[i].message, taken))
            return true;
    return false;
}

enum MHD_Result api_admin_preview(struct http_request *req)
{
    const char *id = http_query(req, "id"), *special = http_query(req, "special"), *cat, *file, *fix;
    struct admin_check check;
    enum MHD_Result ret;
    struct db *db;
    cJSON *doc = NULL, *diags;
    char *rel = NULL, *detail = NULL, *taken = NULL;
    int r;

    memset(&check, 0, sizeof check);
    if (special && *special) {
        /* the triage, the directory, a category's README.md: checked, not rendered */
        id = special;
        if (!(db = db_thread()) || (r = api_admin_file_target(db, special, &rel)) < 0)
            return reply_internal(req);
        if (r > 0)
            return api_admin_file_unknown(req);
    } else {
        if (!id || !*id)
            return http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_request",
                                    "预览没有成功：不知道是哪个事项，请从事项列表重新打开");
        if (!(db = db_thread()) || (r = api_admin_target(req, db, id, true, &rel)) < 0)
            return reply_internal(req);
        if (r > 0)
            return api_admin_unknown(req);
        /* the new-item editor (?category= without ?file=) on an id that
         * has a file: checked as that file, the text passed with that
         * file's practice warnings and then 保存 was refused. Checked
         * where it would be created, and said at once. */
        cat = http_query(req, "category");
        file = http_query(req, "file");
        if (cat && *cat && !(file && *file)) {
            struct strbuf sb = STRBUF_INIT;
            if ((r = admin_locate(db, id, NULL, &taken)) < 0 ||
                (r == 0 && strbuf_printf(&sb, "%s/%s.md", cat, id) != 0)) {
                strbuf_free(&sb);
                ret = reply_internal(req);
                goto out;
            }
            if (r == 0 && admin_rel_valid(sb.data)) {
                free(rel);
                if (!(rel = strbuf_take(&sb))) {
                    ret = reply_internal(req);
                    goto out;
                }
            } else {
                strbuf_free(&sb);
            }
        }
    }
    /* ?live_fix=1: the editor's 只改在用版本, whose save is PUT …/live-source
     * (the mark applies there though the file holds a waiting text) */
    fix = http_query(req, "live_fix");
    if (admin_check_as(db, api_admin_root, clock_today(), rel, req->body.data, req->body.len,
                       !special && fix && strcmp(fix, "1") == 0, &check) != 0) {
        ret = reply_internal(req);
        goto out;
    }
    if (taken && !api_admin_taken_said(&check.diags, taken) &&
        diag_error(&check.diags, rel, 1, "编号 %s 已经有文件了（%s），保存时不会建立新文件；请换一个编号，"
                   "或从事项列表打开那个文件修改", id, taken) != 0) {
        ret = reply_internal(req);
        goto out;
    }
    if (check.model && !(detail = render_procedure_detail(check.model))) {
        ret = reply_internal(req);
        goto out;
    }
    if (!(doc = cJSON_CreateObject()) || !(diags = api_admin_diags(&check.diags, -1, true))) {
        ret = reply_internal(req);
        goto out;
    }
    if (!cJSON_AddItemToObject(doc, "errors", diags)) {
        cJSON_Delete(diags);
        ret = reply_internal(req);
        goto out;
    }
    if (!cJSON_AddBoolToObject(doc, "ok", check.diags.errors == 0 && (check.model || special)) ||
        !cJSON_AddStringToObject(doc, "id", check.model ? check.model->id : id) ||
        !cJSON_AddStringToObject(doc, "file", rel) ||
        !cJSON_AddStringToObject(doc, "hash", check.hash) ||
        !(detail ? cJSON_AddRawToObject(doc, "procedure", detail)
                 : cJSON_AddNullToObject(doc, "procedure")) ||
        api_admin_staff_guidance(doc, check.model) != 0 || api_admin_lapse(doc, &check) != 0) {
        ret = reply_internal(req);
        goto out;
    }
    ret = reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PUBLIC);
    doc = NULL;
out:
    cJSON_Delete(doc);
    admin_check_free(&check);
    free(detail);
    free(taken);
    free(rel);
    return ret;
}

enum MHD_Result page_admin(struct http_request *req)
{
    return assets_serve(req, "admin.html");
}

/* ---- retiring an item (停办, ours) ------------------------------------- */

/* The impact of a retirement as the confirmation shows it:
 * {"id","file","file_hash","practice_file","cases":{"open","queued",
 * "in_hand"},"breaks":[{"file","line","message"}]}. NULL on oom. */
static cJSON *api_admin_retire_doc(const char *id, const char *rel, const struct admin_retire *r)
{
    cJSON *doc = cJSON_CreateObject(), *cases, *breaks;
    size_t i;

    if (!doc || !cJSON_AddStringToObject(doc, "id", id) || !cJSON_AddStringToObject(doc, "file", rel) ||
        !(r->exists && r->hash[0] ? cJSON_AddStringToObject(doc, "file_hash", r->hash)
                                  : cJSON_AddNullToObject(doc, "file_hash")) ||
        !(r->practice_rel ? cJSON_AddStringToObject(doc, "practice_file", r->practice_rel)
                          : cJSON_AddNullToObject(doc, "practice_file")) ||
        !(cases = cJSON_AddObjectToObject(doc, "cases")) ||
        !cJSON_AddNumberToObject(cases, "open", r->cases_open) ||
        !cJSON_AddNumberToObject(cases, "queued", r->cases_queued) ||
        !cJSON_AddNumberToObject(cases, "in_hand", r->cases_in_hand) ||
        !(breaks = cJSON_AddArrayToObject(doc, "breaks")))
        goto fail;
    for (i = 0; i < r->breaks.n; i++) {
        const struct diag *d = &r->breaks.items[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(breaks, o)) {
            cJSON_Delete(o);
            goto fail;
        }
        if (!cJSON_AddStringToObject(o, "file", d->file) || !cJSON_AddNumberToObject(o, "line", d->line) ||
            !cJSON_AddStringToObject(o, "message", d->message))
            goto fail;
    }
    return doc;
fail:
    cJSON_Delete(doc);
    return NULL;
}

/* The procedure file a retirement means: never a practice file (it is
 * not an item) nor a special one. 0 with *rel, 1 (answered 404), -1. */
static int api_admin_retire_target(struct http_request *req, struct db *db, char **rel)
{
    const char *file = http_query(req, "file");

    *rel = NULL;
    if (!api_admin_id_ok(req->params[0]))
        return 1;
    return admin_locate(db, req->params[0], file && *file ? file : NULL, rel);
}

enum MHD_Result api_admin_retire_get(struct http_request *req)
{
    struct admin_retire r;
    enum MHD_Result ret;
    struct db *db;
    char *rel = NULL;
    cJSON *doc;
    int t;

    memset(&r, 0, sizeof r);
    if (!(db = db_thread()) || (t = api_admin_retire_target(req, db, &rel)) < 0)
        return reply_internal(req);
    if (t > 0)
        return api_admin_unknown(req);
    if (admin_retire_check(db, api_admin_root, clock_today(), req->params[0], rel, &r) != 0) {
        ret = reply_internal(req);
    } else if (!r.exists) {
        ret = http_reply_error(req, MHD_HTTP_NOT_FOUND, "file_not_found",
                               "这个事项的文件已经不在了（可能已经停办），请刷新事项列表");
    } else if (!(doc = api_admin_retire_doc(req->params[0], rel, &r))) {
        ret = reply_internal(req);
    } else {
        ret = reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PUBLIC);
    }
    admin_retire_free(&r);
    free(rel);
    return ret;
}

enum MHD_Result api_admin_retire(struct http_request *req)
{
    const char *if_match = http_header(req, MHD_HTTP_HEADER_IF_MATCH);
    struct admin_retire r;
    struct admin_saved res;
    enum MHD_Result ret;
    struct db *db;
    char *rel = NULL;
    cJSON *doc = NULL;
    int t;

    memset(&r, 0, sizeof r);
    /* a retirement of a file the admin did not see is never meant */
    if (!if_match)
        return http_reply_error(req, MHD_HTTP_PRECONDITION_REQUIRED, "precondition_required",
                                "没有停办：页面没有带上文件的版本，请刷新事项列表后再试");
    if (!(db = db_thread()) || (t = api_admin_retire_target(req, db, &rel)) < 0)
        return reply_internal(req);
    if (t > 0)
        return api_admin_unknown(req);
    if (admin_retire(db, api_admin_root, clock_today(), req->params[0], rel, if_match, &r, &res) != 0) {
        ret = http_reply_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "save_failed",
                               "停办没有成功（服务器删不了文件），文件没有改动；请联系技术人员");
        goto out;
    }
    fprintf(stderr, "spkiosk: admin: %s: %s %s\n", req->user, rel,
            res.outcome == ADMIN_SAVED ? "deleted: item retired"
            : res.outcome == ADMIN_INVALID ? "not retired: other files link it"
                                           : "not retired: changed on disk");
    switch (res.outcome) {
    case ADMIN_SAVED:
        if (!(doc = api_admin_retire_doc(req->params[0], rel, &r)) ||
            !cJSON_AddBoolToObject(doc, "retired", res.live) ||
            (!res.stored && !cJSON_AddBoolToObject(doc, "stored", false))) {
            cJSON_Delete(doc);
            ret = reply_internal(req);
            break;
        }
        ret = reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PUBLIC);
        break;
    case ADMIN_INVALID: {
        cJSON *err = NULL, *e;
        if (!(doc = api_admin_retire_doc(req->params[0], rel, &r)) ||
            !(err = cJSON_AddObjectToObject(doc, "error")) ||
            !cJSON_AddStringToObject(err, "code", "retire_breaks") ||
            !(e = cJSON_AddStringToObject(err, "message",
                                          "没有停办：还有别的文件指向这个事项，删掉它那些文件会出错、自助机上会停在旧内容；"
                                          "请先改好下面列出的文件（比如分诊问答里指向它的答案），再停办"))) {
            cJSON_Delete(doc);
            ret = reply_internal(req);
            break;
        }
        ret = reply_doc_take(req, MHD_HTTP_UNPROCESSABLE_CONTENT, doc, REPLY_PUBLIC);
        break;
    }
    case ADMIN_MISSING:
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_changed",
                               "这个事项的文件已经不在了（可能别人已经停办或改名），请刷新事项列表");
        break;
    default:
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_changed",
                               "文件在您打开事项列表之后被改过了，没有停办；请刷新事项列表，看过最新的内容再决定");
        break;
    }
out:
    admin_retire_free(&r);
    free(rel);
    return ret;
}

/* 恢复: the retired version's stored text written back to the file it
 * had, as a new file is created (If-None-Match: * semantics: 412 when a
 * file is there again; 422 when the text no longer passes the check, e.g.
 * its id taken meanwhile by another file), its practice file with it. */
enum MHD_Result api_admin_restore(struct http_request *req)
{
    struct admin_check check;
    struct admin_saved res;
    enum MHD_Result ret;
    struct db *db;
    char *rel = NULL;
    bool practice = false;
    int r;

    memset(&check, 0, sizeof check);
    if (!(db = db_thread()))
        return reply_internal(req);
    r = api_admin_id_ok(req->params[0])
            ? admin_restore(db, api_admin_root, req->params[0], &check, &res, &rel, &practice) : 1;
    if (r < 0) {
        ret = http_reply_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "save_failed",
                               "恢复没有成功（服务器写不了文件）；请联系技术人员");
    } else if (r == 1) {
        ret = http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_retired",
                               "这个事项没有停办（或从来没有上线过），没有可以恢复的版本；请刷新事项列表");
    } else if (r == 2) {
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_unreadable",
                               "这个事项原来的文件名不能在管理后台里建立，请在服务器上恢复");
    } else {
        fprintf(stderr, "spkiosk: admin: %s: %s %s\n", req->user, rel,
                res.outcome == ADMIN_SAVED ? (practice ? "restored, with its practice file" : "restored")
                : res.folder_moved ? "not restored: its folder was swapped during the save"
                : res.outcome == ADMIN_EXISTS ? "not restored: a file is there" : "not restored: errors");
        if (res.outcome == ADMIN_SAVED) {
            ret = api_admin_saved(req, rel, &check, &res, true, false);
        } else if (res.outcome == ADMIN_INVALID) {
            ret = api_admin_invalid(req, &check);
        } else if (res.folder_moved) {
            /* as the other saves answer a folder swapped between their
             * check and their rename: nothing is there, so not 已经有文件了 */
            char msg[512];
            const char *slash = strchr(rel, '/');
            snprintf(msg, sizeof msg,
                     "分类文件夹 %.*s 在恢复的过程中被换掉了（换成了符号链接、被移走或换成了另一个文件夹），"
                     "没有恢复，也没有写入任何文件；请刷新事项列表，看这个文件夹有什么问题，改好后再恢复",
                     slash ? (int)(slash - rel) : (int)strlen(rel), rel);
            ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_changed", msg);
        } else {
            char msg[512];
            snprintf(msg, sizeof msg, "%s 已经有文件了，没有恢复；请从事项列表打开那个文件", rel);
            ret = http_reply_error(req, MHD_HTTP_PRECONDITION_FAILED, "file_exists", msg);
        }
    }
    admin_check_free(&check);
    free(rel);
    return ret;
}

/* ---- fixing the live version while another waits (ours) ---------------- */

/* PUT …/live-source?file=…&waiting=HASH[&editorial=1], If-Match: the live
 * version's hash (the ETag of GET …/source?version=live): the typo residents
 * read today fixed without withdrawing the text that waits for its date. */
enum MHD_Result api_admin_live_put(struct http_request *req)
{
    const char *if_match = http_header(req, MHD_HTTP_HEADER_IF_MATCH);
    const char *waiting = http_query(req, "waiting"), *ed = http_query(req, "editorial");
    struct admin_check check;
    struct admin_saved res;
    struct admin_fix fix;
    enum MHD_Result ret;
    struct db *db;
    char *rel = NULL, live[70], tag[70];
    cJSON *doc = NULL, *warns;
    size_t n;
    int r;

    memset(&check, 0, sizeof check);
    if (!if_match || !waiting)
        return http_reply_error(req, MHD_HTTP_PRECONDITION_REQUIRED, "precondition_required",
                                "没有保存：页面没有带上在用版本和排期版本的版本号，请重新打开文件");
    /* the live hash as a strong tag or bare, as If-Match takes it */
    while (*if_match == ' ')
        if_match++;
    n = strlen(if_match);
    if (n == 66 && if_match[0] == '"' && if_match[65] == '"')
        snprintf(live, sizeof live, "%.64s", if_match + 1);
    else
        snprintf(live, sizeof live, "%s", n == 64 ? if_match : "");
    /* a hash with junk after it was cut to 64 characters and matched: the
     * page sent something else than the hash it was given, so say so */
    if (strlen(waiting) != 64 || strspn(waiting, "0123456789abcdefABCDEF") != 64)
        return reply_bad_request(req, "没有保存：排期版本的版本号应是 64 位十六进制数字，页面带来的不是；请重新打开文件");
    snprintf(tag, sizeof tag, "\"%.64s\"", waiting);
    for (n = 1; n <= 64; n++)
        tag[n] = (char)tolower((unsigned char)tag[n]);
    if (!(db = db_thread()))
        return reply_internal(req);
    if ((r = api_admin_target(req, db, req->params[0], false, &rel)) < 0)
        return reply_internal(req);
    if (r > 0 || !admin_rel_valid(rel)) {
        free(rel);
        return api_admin_unknown(req);
    }
    r = admin_fix_live(db, api_admin_root, rel, tag, live, req->body.data, req->body.len,
                       ed && strcmp(ed, "1") == 0, &check, &res, &fix);
    if (r != 0) {
        ret = http_reply_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "save_failed",
                               "保存没有成功（服务器写不了文件），原来的文件没有改动；请联系技术人员");
        goto out;
    }
    if (fix.refused == ADMIN_FIX_NOT_WAITING) {
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "not_scheduled",
                               "这个文件里现在没有等待生效的新版本，直接在编辑器里修改保存就可以了；请重新打开文件");
        goto out;
    }
    if (fix.refused == ADMIN_FIX_LIVE_CHANGED) {
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "live_changed",
                               "在用的版本在您打开之后变了（可能新版本已经生效），没有保存；请重新打开文件");
        goto out;
    }
    fprintf(stderr, "spkiosk: admin: %s: %s %s\n", req->user, rel,
            res.outcome != ADMIN_SAVED ? "live version not fixed"
            : !res.stored ? (fix.rescheduled ? "live version not fixed (not stored), the waiting text kept"
                                             : "live version not stored, the waiting text NOT written back")
            : fix.rescheduled ? "live version fixed, the waiting text kept"
                              : "live version fixed, the waiting text NOT written back");
    if (res.outcome == ADMIN_INVALID) {
        ret = api_admin_invalid(req, &check);
        goto out;
    }
    if (res.outcome != ADMIN_SAVED) {
        ret = http_reply_error(req, MHD_HTTP_CONFLICT, "file_changed",
                               "文件在您打开之后被改过了，没有保存；请重新载入文件，再把修改做一遍");
        goto out;
    }
    /* the database took nothing of the fix (a full disk): with the waiting
     * text written back it is on disk nowhere, so a 200 (as for a save,
     * which the daemon's retry puts live) told the admin it was live */
    if (!res.stored) {
        ret = http_reply_error_retry(req, MHD_HTTP_SERVICE_UNAVAILABLE, "storage_full",
                                     fix.rescheduled
                                         ? "数据库暂时写不进去（存储空间可能满了），在用的版本没有改成；排期的新版本原样留在文件里。"
                                           "您的修改还在编辑框里：请技术人员腾出空间后再保存一次"
                                         : "数据库暂时写不进去（存储空间可能满了），在用的版本没有改成，要等腾出空间后才上线；"
                                           "排期的新版本没能写回文件（数据库里还有它）。请联系技术人员",
                                     60);
        goto out;
    }
    if (!(doc = cJSON_CreateObject()) ||
        !(warns = api_admin_diags(&check.diags, DIAG_WARNING, false)) ||
        !cJSON_AddItemToObject(doc, "warnings", warns) ||
        !cJSON_AddStringToObject(doc, "id", check.model->id) ||
        !cJSON_AddStringToObject(doc, "file", rel) ||
        !cJSON_AddStringToObject(doc, "hash", check.hash) ||
        !cJSON_AddBoolToObject(doc, "live", res.live) ||
        !cJSON_AddBoolToObject(doc, "editorial", res.editorial) ||
        !cJSON_AddBoolToObject(doc, "rescheduled", fix.rescheduled) ||
        !cJSON_AddStringToObject(doc, "waiting_hash", fix.waiting_hash)) {
        cJSON_Delete(doc);
        ret = reply_internal(req);
        goto out;
    }
    ret = reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PUBLIC);
out:
    admin_check_free(&check);
    free(rel);
    return ret;
}
