/* api_rate: the evaluator's routes and the rating by case id (api_rate.h).
 * The long poll is the call screen's (api_display.c): the hold's
 * generation read before the data, a park when nothing changed, every
 * held request answered again when rate_changed wakes the list. */
#include "api_rate.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_auth.h"
#include "assets.h"
#include "cases.h"
#include "db.h"
#include "display.h"
#include "rate.h"
#include "reply.h"

static struct hold *api_rate_hold;

void api_rate_setup(struct hold *h)
{
    api_rate_hold = h;
    rate_set_hold(h);
}

enum MHD_Result api_rate(struct http_request *req)
{
    const char *window = http_query(req, "window"), *after_s = http_query(req, "after"),
               *wait_s = http_query(req, "wait"), *key = http_query(req, "key");
    long long after = -1, wait = API_RATE_WAIT_MAX;
    char win[DISPLAY_WINDOW_BUF];
    struct hold *h = api_rate_hold;
    struct rate_view v;
    struct refusal e;
    uint64_t gen;
    struct db *db;
    int r;

    if (display_window_check(window, win, &e) != 0)
        return reply_refusal(req, &e);
    if (!win[0])
        return reply_bad_request(req, "请在地址里写明窗口号，如 /rate?window=3");
    if (after_s && (after = http_query_number(after_s, 0, (1LL << 53))) < 0)
        return reply_bad_request(req, "after 应是上次回答里的序号（seq），一个不小于 0 的整数");
    if (wait_s && (wait = http_query_number(wait_s, 1, API_RATE_WAIT_MAX)) < 0)
        return reply_bad_request(req, "wait 应是 1 到 25 之间的秒数");
    if (!(db = db_thread()))
        return reply_internal(req);
    gen = h ? hold_generation(h) : 0;
    if ((r = rate_read(db, win, key, &v)) != 0)
        goto refused;
    if (after >= 0 && v.seq == after && h && !req->resumed) {
        enum hold_result hr = http_hold(req, h, gen, (long)wait * 1000);
        if (hr == HOLD_HELD) {
            free(v.json);
            return MHD_YES;
        }
        if (hr == HOLD_CHANGED) {
            free(v.json);
            if ((r = rate_read(db, win, key, &v)) != 0)
                goto refused;
        }
    }
    /* the token is a bearer of one rating: never kept by a cache */
    return reply_json_take(req, MHD_HTTP_OK, v.json, REPLY_PRIVATE);
refused:
    if (r < 0)
        return reply_internal(req);
    /* read by the hall's staff on the tablet, never by a resident: it says
     * who can mend it */
    return http_reply_error(req, MHD_HTTP_FORBIDDEN, "rate_key",
                            "这台评价器的地址不对或已经换新：请管理员在管理后台的“评价器”页面"
                            "为这个窗口取得地址，在评价器上重新打开");
}

/* The rating in body: score, comment (NULL: none) and reasons (a mask of
 * CASES_RATE_REASONS). False with the answer in *ret (400 for a comment
 * that is not text, 422 for a score that is not a whole number or reasons
 * that are not a list of known codes). What the values mean is checked by
 * cases_rate_check. */
static bool api_rate_body(struct http_request *req, const cJSON *body, int *score,
                          const char **comment, unsigned *reasons, enum MHD_Result *ret)
{
    static const struct refusal bad_score = {REFUSAL_INVALID, "bad_score",
                                              "评价请选择 1 到 5 之间的一项（5 为非常满意）"};
    static const struct refusal bad_reason = {REFUSAL_INVALID, "bad_reason",
                                               "“哪里没做好”请从给出的几项里选择"};
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(body, "score"),
                *c = cJSON_GetObjectItemCaseSensitive(body, "comment"),
                *r = cJSON_GetObjectItemCaseSensitive(body, "reasons"), *x;
    int n = 0, i;

    *reasons = 0;
    *comment = NULL;
    if (c && !cJSON_IsNull(c) && !cJSON_IsString(c)) {
        *ret = reply_invalid_body(req, "comment 应是文字");
        return false;
    }
    if (!cJSON_IsNumber(s) || s->valuedouble < 0 || s->valuedouble > 100 ||
        s->valuedouble != (double)(int)s->valuedouble) {
        *ret = reply_refusal(req, &bad_score);
        return false;
    }
    *score = (int)s->valuedouble;
    *comment = cJSON_IsString(c) ? c->valuestring : NULL;
    if (!r || cJSON_IsNull(r))
        return true;
    if (!cJSON_IsArray(r))
        goto refuse;
    cJSON_ArrayForEach(x, r) {
        if (++n > API_RATE_REASONS_MAX || !cJSON_IsString(x) ||
            (i = cases_rate_reason(x->valuestring)) < 0)
            goto refuse;
        *reasons |= 1u << i;
    }
    return true;
refuse:
    *ret = reply_refusal(req, &bad_reason);
    return false;
}

/* The answer to a change that says nothing back: 204 for r 0, e's refusal
 * for 1, 500 for -1. */
static enum MHD_Result api_rate_done(struct http_request *req, int r, const struct refusal *e)
{
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, e);
    return http_reply(req, MHD_HTTP_NO_CONTENT, NULL, "", 0);
}

/* Runs rate (api_rate_spend or api_rate_case) on the body's rating of
 * key; staff as cases_rate_by's. */
static enum MHD_Result api_rate_send(struct http_request *req, const char *staff,
                                     int (*rate)(struct db *, const char *, int, const char *,
                                                 unsigned, const char *, struct refusal *))
{
    const char *comment;
    unsigned reasons;
    struct refusal e;
    enum MHD_Result ret;
    struct db *db = db_thread();
    cJSON *body = reply_json_body(req, &ret);
    int score, r;

    if (!body)
        return ret;
    if (api_rate_body(req, body, &score, &comment, &reasons, &ret)) {
        r = db ? rate(db, req->params[0], score, comment, reasons, staff, &e) : -1;
        ret = api_rate_done(req, r, &e);
    }
    cJSON_Delete(body);
    return ret;
}

/* The window's evaluator is the resident's by its key, whoever's cookie
 * its browser holds (an admin who opened the tablet's address from the
 * admin page on the tablet itself): nothing to mark. */
static int api_rate_spend(struct db *db, const char *token, int score, const char *comment,
                          unsigned reasons, const char *staff, struct refusal *e)
{
    (void)staff;
    return rate_spend(db, token, score, comment, reasons, e);
}

enum MHD_Result api_rate_token(struct http_request *req)
{
    return api_rate_send(req, NULL, api_rate_spend);
}

/* A case rated by its id: also the end of its offer at the evaluator. */
static int api_rate_case(struct db *db, const char *id, int score, const char *comment,
                         unsigned reasons, const char *staff, struct refusal *e)
{
    int r = cases_rate_by(db, id, score, comment, reasons, staff, e);

    if (r == 0)
        db_after_durable(rate_changed);
    return r;
}

enum MHD_Result api_case_rating(struct http_request *req)
{
    char staff[HTTP_USER_MAX + 1];

    /* the contract's 204 whoever sends it (a refusal of staff sessions was
     * reverted: one cookie jar for a staffer and the kiosk page, a kiosk
     * where a staffer left a session open); a browser logged in as staff
     * is marked instead, and its rating kept out of 满意率 */
    api_auth_session_name(req, staff, sizeof staff);
    return api_rate_send(req, staff, api_rate_case);
}

enum MHD_Result page_rate(struct http_request *req)
{
    return assets_serve(req, "rate.html");
}

enum MHD_Result api_rate_keys(struct http_request *req)
{
    struct db *db = db_thread();

    return reply_json_take(req, MHD_HTTP_OK, db ? rate_key_list(db) : NULL, REPLY_PRIVATE);
}

/* The body's window, normalised into win; false with the answer in *ret. */
static bool api_rate_key_window(struct http_request *req, cJSON **body, char win[DISPLAY_WINDOW_BUF],
                                enum MHD_Result *ret)
{
    const cJSON *w;
    struct refusal e;

    if (!(*body = reply_json_body(req, ret)))
        return false;
    w = cJSON_GetObjectItemCaseSensitive(*body, "window");
    if (!cJSON_IsString(w)) {
        *ret = reply_invalid_body(req, "window 应是窗口号，如 \"3\"");
        return false;
    }
    if (display_window_check(w->valuestring, win, &e) != 0) {
        *ret = reply_refusal(req, &e);
        return false;
    }
    if (!win[0]) {
        *ret = reply_invalid_body(req, "请写明窗口号，如 3");
        return false;
    }
    return true;
}

enum MHD_Result api_rate_key_make(struct http_request *req)
{
    char win[DISPLAY_WINDOW_BUF], key[RATE_KEY_LEN + 1], at[CLOCK_UTC_LEN];
    struct db *db = db_thread();
    enum MHD_Result ret;
    struct refusal e;
    cJSON *body = NULL, *doc;
    int r;

    if (!api_rate_key_window(req, &body, win, &ret))
        goto end;
    r = db ? rate_key_make(db, win, req->user, key, at, &e) : -1;
    if (r != 0) {
        ret = r < 0 ? reply_internal(req) : reply_refusal(req, &e);
        goto end;
    }
    doc = cJSON_CreateObject();
    if (doc && !(cJSON_AddStringToObject(doc, "window", win) && cJSON_AddStringToObject(doc, "key", key) &&
                 cJSON_AddStringToObject(doc, "made_at", at) &&
                 cJSON_AddStringToObject(doc, "made_by", req->user))) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    ret = reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PRIVATE);
end:
    cJSON_Delete(body);
    return ret;
}

enum MHD_Result api_rate_key_remove(struct http_request *req)
{
    char win[DISPLAY_WINDOW_BUF];
    struct db *db = db_thread();
    enum MHD_Result ret;
    struct refusal e;
    cJSON *body = NULL;
    int r;

    if (!api_rate_key_window(req, &body, win, &ret))
        goto end;
    r = db ? rate_key_remove(db, win, &e) : -1;
    ret = api_rate_done(req, r, &e);
end:
    cJSON_Delete(body);
    return ret;
}

enum MHD_Result page_admin_rate(struct http_request *req)
{
    return assets_serve(req, "evaluators.html");
}
