/* api_auth: login, logout and session over HTTP, and the session check of
 * staff and admin requests (see include/api_auth.h). Here are the cookie,
 * the headers and the answers; what a session or a password is, and how
 * logins are throttled, is sessions.c's, accounts.c's and throttle.c's.
 */
#include "api_auth.h"
#include "bodies.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db.h"
#include "devices.h"
#include "quota.h"
#include "reply.h"
#include "sessions.h"
#include "throttle.h"

static bool api_auth_secure;

void api_auth_set_secure(bool secure)
{
    api_auth_secure = secure;
}

static enum MHD_Result api_auth_unauthorized(struct http_request *req)
{
    return http_reply_error(req, MHD_HTTP_UNAUTHORIZED, "not_logged_in",
                            "请先登录；如果刚才已登录，可能因长时间未操作已自动退出");
}

/* Whether req may change state: a shared route wants the CSRF token then. */
static bool api_auth_changes(const struct http_request *req)
{
    return strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0;
}

/* Whether a person sent req, rather than a page's timer (which says so in
 * API_AUTH_POLL_HEADER): only a person's request keeps a session alive. */
static bool api_auth_person(struct http_request *req)
{
    const char *poll = http_header(req, API_AUTH_POLL_HEADER);

    return !poll || strcmp(poll, "1") != 0;
}

/* The user name fits the request's copy: the guard fills req->user. */
_Static_assert(HTTP_USER_MAX >= ACCOUNTS_NAME_MAX, "a user name fits http_request.user");

/* A shared route's staffer: req->user set when the request carries a live
 * session and, on a state change, its CSRF token; otherwise it goes on as
 * a resident's, answered nothing (a database error included: the
 * resident's request must not fail for a staffer's session). */
static void api_auth_peek(struct http_request *req, struct db *db)
{
    struct sessions_live s;

    req->user[0] = '\0';
    if (sessions_find(db, http_cookie(req, API_AUTH_COOKIE), api_auth_person(req), &s) != 0)
        return;
    /* a state change counts as the staffer's only with the page's token */
    if (api_auth_changes(req) && !sessions_csrf_ok(&s, http_header(req, API_AUTH_CSRF_HEADER)))
        return;
    snprintf(req->user, sizeof req->user, "%s", s.user.name);
}

void api_auth_session_name(struct http_request *req, char *out, size_t size)
{
    struct db *db = db_thread();
    struct sessions_live s;

    if (size == 0)
        return;
    out[0] = '\0';
    if (db && sessions_find(db, http_cookie(req, API_AUTH_COOKIE), false, &s) == 0)
        snprintf(out, size, "%s", s.user.name);
}

bool api_auth_guard(struct http_request *req, const struct http_route *route,
                    enum MHD_Result *res)
{
    struct db *db = db_thread();
    struct sessions_live s;
    int r;

    if (route->access == HTTP_SHARED) {
        /* never a refusal: without a connection the handler answers as it
         * would for a resident (its 400s and 404s first) */
        req->user[0] = '\0';
        if (db)
            api_auth_peek(req, db);
        return true;
    }
    if (!db) {
        *res = reply_internal_staff(req);
        return false;
    }
    r = sessions_find(db, http_cookie(req, API_AUTH_COOKIE), api_auth_person(req), &s);
    if (r < 0) {
        *res = reply_internal_staff(req);
        return false;
    }
    if (r > 0) {
        *res = api_auth_unauthorized(req);
        return false;
    }
    if (route->access == HTTP_ADMIN && s.user.role != ACCOUNTS_ROLE_ADMIN) {
        *res = http_reply_error(req, MHD_HTTP_FORBIDDEN, "forbidden",
                                "这项操作需要管理员权限");
        return false;
    }
    if (route->csrf && !sessions_csrf_ok(&s, http_header(req, API_AUTH_CSRF_HEADER))) {
        *res = http_reply_error(req, MHD_HTTP_FORBIDDEN, "csrf_failed",
                                "页面已过期，请刷新页面后再试");
        return false;
    }
    snprintf(req->user, sizeof req->user, "%s", s.user.name);
    req->admin = s.user.role == ACCOUNTS_ROLE_ADMIN;
    return true;
}

/* {"user","display","role","csrf","posts":[…],"idle"} with optional
 * Set-Cookies (the session's, the device's); no-store, since it holds the
 * CSRF token. display: the name residents read, "" while none is set. */
static enum MHD_Result api_auth_reply_session(struct http_request *req,
                                              const struct accounts_user *u, const char *csrf,
                                              const char *cookie, const char *device_cookie)
{
    cJSON *o = cJSON_CreateObject(), *posts;
    char *body = NULL;
    struct MHD_Response *r = NULL;
    size_t i;
    bool ok = o && cJSON_AddStringToObject(o, "user", u->name) &&
         cJSON_AddStringToObject(o, "display", u->display) &&
         cJSON_AddStringToObject(o, "role", accounts_role_name(u->role)) &&
         cJSON_AddStringToObject(o, "csrf", csrf) &&
         cJSON_AddNumberToObject(o, "idle", (double)sessions_idle_seconds()) &&
         (posts = cJSON_AddArrayToObject(o, "posts"));

    for (i = 0; ok && i < u->posts.n; i++)
        ok = cJSON_AddItemToArray(posts, cJSON_CreateString(u->posts.id[i]));
    if (!ok || !(body = cJSON_PrintUnformatted(o))) {
        cJSON_Delete(o);
        return reply_internal_staff(req);
    }
    cJSON_Delete(o);
    r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        cJSON_free(body);
        return MHD_NO;
    }
    /* a signed-in answer without its cookie would leave the staffer
     * signed out: none at all then */
    if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") != MHD_YES ||
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES ||
        (cookie && MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie) != MHD_YES) ||
        (device_cookie &&
         MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, device_cookie) != MHD_YES)) {
        MHD_destroy_response(r);
        return reply_internal_staff(req);
    }
    req->bytes = strlen(body);
    return http_reply_response(req, MHD_HTTP_OK, r);
}

/* The 429 of a login that must wait: how long, in words a staffer reads. */
static enum MHD_Result api_auth_reply_wait(struct http_request *req, long long wait)
{
    char msg[128];

    if (wait < 60)
        snprintf(msg, sizeof msg, "登录尝试太频繁，请 %lld 秒后再试", wait);
    else
        snprintf(msg, sizeof msg, "登录尝试太频繁，请 %lld 分钟后再试", (wait + 59) / 60);
    return http_reply_error_retry(req, MHD_HTTP_TOO_MANY_REQUESTS, "too_many_attempts", msg,
                                  (long)wait);
}

enum MHD_Result api_auth_login(struct http_request *req)
{
    static const char bad_body[] = "请输入用户名和密码后再登录";
    struct db *db = db_thread();
    cJSON *body = NULL;
    const cJSON *jn, *jp;
    const char *device = http_cookie(req, API_AUTH_DEVICE_COOKIE);
    char addr[HTTP_ADDR_MAX], token[SESSIONS_TOKEN_LEN + 1] = "", csrf[SESSIONS_CSRF_LEN + 1];
    char dev_token[DEVICES_TOKEN_LEN + 1] = "", dev_id[DEVICES_ID_LEN + 1];
    char cookie[160] = "", dev_cookie[192] = "";
    struct throttle_login keys;
    enum throttle_outcome outcome = THROTTLE_NONE;
    bool started = false, known;
    struct accounts_user u;
    long long now = (long long)time(NULL), wait;
    enum MHD_Result ret;
    int r;

    if (!db) {
        ret = reply_internal_staff(req);
        goto out;
    }
    /* login CSRF (another site's form logging this browser into an
     * account of its choosing) is refused by the dispatcher with every
     * public write's (http.c) */
    body = bodies_parse_json(req->body.data, req->body.len);
    jn = cJSON_GetObjectItemCaseSensitive(body, "name");
    jp = cJSON_GetObjectItemCaseSensitive(body, "password");
    if (!cJSON_IsObject(body) || !cJSON_IsString(jn) || !cJSON_IsString(jp)) {
        /* not JSON: malformed (400); an object without both strings is
         * valid JSON that fails validation (422), as the contract sorts them */
        ret = cJSON_IsObject(body) ? reply_invalid_body(req, bad_body)
                                   : http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_request", bad_body);
        goto out;
    }
    /* nothing to check: not a guess, so it neither costs a hash nor counts */
    if (!jn->valuestring[0] || !jp->valuestring[0]) {
        ret = http_reply_error(req, MHD_HTTP_UNPROCESSABLE_CONTENT, "empty_credentials",
                               !jn->valuestring[0] ? "请输入用户名" : "请输入密码");
        goto out;
    }
    r = devices_known(db, device, jn->valuestring, dev_id);
    if (r < 0) {
        ret = reply_internal_staff(req);
        goto out;
    }
    known = r == 1;
    http_client_addr(req, addr);
    throttle_login_keys(&keys, jn->valuestring, addr, known ? dev_id : NULL,
                        quota_side_of(addr) == QUOTA_OUTSIDE);
    if ((wait = throttle_login_begin(&keys, now)) > 0) {
        ret = api_auth_reply_wait(req, wait);
        goto out;
    }
    started = true;
    r = accounts_password_check(db, jn->valuestring, jp->valuestring, strlen(jp->valuestring),
                                known, &u);
    if (r == 2) {
        ret = http_reply_error_retry(req, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
                                     "正在处理其他登录，请稍等几秒再试", 1);
        goto out;
    }
    if (r < 0) {
        ret = reply_internal_staff(req);
        goto out;
    }
    if (r > 0) {
        outcome = THROTTLE_FAILED;
        ret = http_reply_error(req, MHD_HTTP_UNAUTHORIZED, "login_failed",
                               "用户名或密码不对，请重新输入");
        goto out;
    }
    outcome = THROTTLE_OK;
    if (sessions_create(db, u.name, token, csrf) != 0) {
        ret = reply_internal_staff(req);
        goto out;
    }
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
             API_AUTH_COOKIE, token, api_auth_secure ? "; Secure" : "");
    /* the device only spares later logins a wait: without it (a database
     * error) this login still stands */
    if (devices_remember(db, device, u.name, dev_token) == 0)
        snprintf(dev_cookie, sizeof dev_cookie,
                 "%s=%s; Path=/api/v1/login; Max-Age=%d; HttpOnly; SameSite=Strict%s",
                 API_AUTH_DEVICE_COOKIE, dev_token, DEVICES_KEEP_SECONDS,
                 api_auth_secure ? "; Secure" : "");
    ret = api_auth_reply_session(req, &u, csrf, cookie, dev_cookie[0] ? dev_cookie : NULL);
out:
    if (started)
        throttle_login_end(&keys, now, outcome);
    sodium_memzero(token, sizeof token);
    sodium_memzero(cookie, sizeof cookie);
    sodium_memzero(dev_token, sizeof dev_token);
    sodium_memzero(dev_cookie, sizeof dev_cookie);
    jp = cJSON_GetObjectItemCaseSensitive(body, "password");
    if (cJSON_IsString(jp))
        sodium_memzero(jp->valuestring, strlen(jp->valuestring));
    cJSON_Delete(body);
    return ret;
}

enum MHD_Result api_auth_logout(struct http_request *req)
{
    struct db *db = db_thread();
    char cookie[128];
    struct MHD_Response *r;

    if (!db || sessions_end(db, http_cookie(req, API_AUTH_COOKIE)) != 0)
        return reply_internal_staff(req);
    if (!(r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)))
        return MHD_NO;
    snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             API_AUTH_COOKIE, api_auth_secure ? "; Secure" : "");
    if (MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie) != MHD_YES) {
        MHD_destroy_response(r);
        return reply_internal_staff(req);
    }
    return http_reply_response(req, MHD_HTTP_NO_CONTENT, r);
}

enum MHD_Result api_auth_session(struct http_request *req)
{
    struct db *db = db_thread();
    struct sessions_live s;
    int r;

    if (!db)
        return reply_internal_staff(req);
    r = sessions_find(db, http_cookie(req, API_AUTH_COOKIE), api_auth_person(req), &s);
    if (r < 0)
        return reply_internal_staff(req);
    if (r > 0)
        return api_auth_unauthorized(req);
    return api_auth_reply_session(req, &s.user, s.csrf, NULL, NULL);
}
