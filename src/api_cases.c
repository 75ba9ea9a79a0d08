/* api_cases: request bodies in, case operations, JSON out. Everything a
 * resident sends is parsed with cJSON under the 1 MiB body cap and checked
 * for shape here; what it means is cases.c's business. */
#include "api_cases.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bodies.h"
#include "case_view.h"
#include "cases.h"
#include "catalog.h"
#include "clock.h"
#include "db.h"
#include "library.h"
#include "print.h"
#include "quota.h"
#include "relay.h"
#include "render.h"
#include "reply.h"
#include "throttle.h"
#include "utf8.h"
#include "validate.h"
#include "visit.h"
#include "window.h"
#include "window_view.h"

/* bytes of a ticket or last four folded to ASCII at most: a ticket is a
 * letter and 6 digits at most, in full-width 3 bytes each */
#define API_LOOKUP_FOLD_MAX 32

/* The staffer filling a case in at the window through these same routes
 * (HTTP_SHARED: the guard found their session), for the events; NULL for
 * a resident. */
static const char *api_cases_actor(const struct http_request *req)
{
    return req->user[0] ? req->user : NULL;
}

/* Past the public's quota (quota.h): whoever is in front of the kiosk
 * learns to wait a little, or that the window can help at once. */
static const char api_cases_busy[] =
    "现在办理的人太多了，请稍等一两分钟再试；着急的话，请到综合窗口办理";
static const char api_cases_full[] =
    "系统现在太忙了，请过几分钟再试；着急的话，请到综合窗口办理";

static long long api_cases_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Counts an action of kind against the client's quota: true when it may
 * go on; otherwise answers 429 with Retry-After into *ret. A logged-in
 * staffer (the window filling a case in) is not counted. */
static bool api_cases_quota(struct http_request *req, enum quota_kind kind, enum MHD_Result *ret)
{
    char addr[HTTP_ADDR_MAX];
    long wait;

    if (req->user[0])
        return true;
    http_client_addr(req, addr);
    if ((wait = quota_take(kind, addr, api_cases_now_ms())) == 0)
        return true;
    *ret = http_reply_error_retry(req, MHD_HTTP_TOO_MANY_REQUESTS, "too_many_cases",
                                  api_cases_busy, wait);
    return false;
}

/* Gives back the token api_cases_quota took, for an action that then
 * did not happen (no such case, a refusal, a failure): only a case made
 * or handed in spends one (quota_give_back). */
static void api_cases_quota_back(struct http_request *req, enum quota_kind kind)
{
    char addr[HTTP_ADDR_MAX];

    if (req->user[0])
        return;
    http_client_addr(req, addr);
    quota_give_back(kind, addr, api_cases_now_ms());
}

/* Which side of the hall's network the client is on (quota.h). */
static enum quota_side api_cases_side(struct http_request *req)
{
    char addr[HTTP_ADDR_MAX];

    http_client_addr(req, addr);
    return quota_side_of(addr);
}

/* The 503 of a full house (the public's open cases of one side at
 * --open-cases-max), logged at most once a minute for each side. */
static enum MHD_Result api_cases_full_reply(struct http_request *req, enum quota_side side,
                                            long long n)
{
    if (quota_open_full_log(side, api_cases_now_ms()))
        fprintf(stderr, "spkiosk: %lld open cases from %s, the cap of --open-cases-max: "
                        "new cases from there refused (503) until some are handed in or "
                        "given up\n", n,
                side == QUOTA_HALL ? "the hall's network" : "outside the hall's network");
    return http_reply_error_retry(req, MHD_HTTP_SERVICE_UNAVAILABLE, "too_many_open_cases",
                                  api_cases_full, QUOTA_OPEN_RETRY);
}

/* Whether the public's open cases of side are under the cap (quota.h);
 * past it, answers 503 into *ret. A read before the write: a full house
 * costs no write turn (cases_create counts again inside its transaction). */
static bool api_cases_room(struct http_request *req, struct db *db, enum quota_side side,
                           enum MHD_Result *ret)
{
    long long n;

    if (cases_open_count(db, side == QUOTA_OUTSIDE, &n) != 0) {
        *ret = reply_internal(req);
        return false;
    }
    if (n < quota_open_max())
        return true;
    *ret = api_cases_full_reply(req, side, n);
    return false;
}

/* A view of a loaded case as JSON (caller frees; NULL when memory ran out). */
typedef char *(*api_case_view_fn)(const struct case_state *cs);

/* A corrected case waiting for the hall: its due and its stage's are
 * the dates it resumes to (relay_resumed_get), moved on by the working
 * days spent returned as the contract's due is, and as the staff view and
 * the day's report count them; the stored ones are those before the
 * return until the hall takes it up. 0, or -1 on a database error. */
static int api_case_resumed(struct db *db, struct case_state *cs)
{
    struct relay_resumed rs;
    struct catalog *c;
    int r;

    if (!cs->r.paused_on[0])
        return 0;
    c = catalog_acquire();
    r = relay_resumed_get(db, cs, c ? catalog_calendar(c) : NULL, clock_today(), &rs);
    if (c)
        catalog_release(c);
    if (r <= 0)
        return r;
    clock_day_text(rs.committed, cs->r.due);
    clock_day_text(rs.stage_due, cs->r.stage_due);
    return 0;
}

/* Answers with view of case id as it now is: 404 for no such case, 500
 * on a failure (no connection included), else status with the JSON. */
static enum MHD_Result api_case_answer(struct http_request *req, struct db *db, const char *id,
                                       unsigned status, api_case_view_fn view,
                                       enum reply_cache cache)
{
    struct case_state cs;
    struct refusal e;
    enum MHD_Result ret;
    int r;

    if (!db)
        return reply_internal(req);
    r = cases_load(db, id, &cs, &e);
    if (r == 0 && view == case_view_json)
        r = api_case_resumed(db, &cs);
    if (r < 0)
        ret = reply_internal(req);
    else if (r > 0)
        ret = reply_refusal(req, &e);
    else
        ret = reply_json_take(req, status, view(&cs), cache);
    cases_state_free(&cs);
    return ret;
}

/* Answers with the case's current state: the resident's answers, so
 * no-store (a staffer's browser opens it too, see web/staff.js). */
static enum MHD_Result api_case_state(struct http_request *req, struct db *db, const char *id,
                                      unsigned status)
{
    return api_case_answer(req, db, id, status, case_view_json, REPLY_PRIVATE);
}

/* The steps of the version the case pinned, as the procedure route gives
 * the live one's. */
static char *api_case_pinned(const struct case_state *cs)
{
    return render_procedure_detail(cs->model);
}

enum MHD_Result api_case_procedure(struct http_request *req)
{
    return api_case_answer(req, db_thread(), req->params[0], MHD_HTTP_OK, api_case_pinned,
                           REPLY_PUBLIC);
}

enum MHD_Result api_case_create(struct http_request *req)
{
    const char *proc, *channel;
    struct catalog *c = NULL;
    const struct catalog_proc *p;
    char id[CASE_ID_LEN + 1];
    struct refusal e;
    enum MHD_Result ret;
    struct db *db = db_thread();
    cJSON *body = reply_json_body(req, &ret);
    enum quota_side side;
    int r;

    if (!body)
        return ret;
    if ((r = bodies_case_create(body, &proc, &channel)) != 0) {
        /* the procedure was named when only the channel is at fault: say
         * what is wrong, as a bad channel's 422 does */
        ret = reply_invalid_body(req, r == 2 ? "页面出了问题，办理方式不对；请返回首页重新开始"
                                            : "页面出了问题，没有说明要办哪个事项；请返回首页重新选择");
        goto out;
    }
    if (!db || !(c = catalog_acquire())) {
        ret = reply_internal(req);
        goto out;
    }
    if (!(p = catalog_find(c, proc))) {
        ret = http_reply_error(req, MHD_HTTP_NOT_FOUND, "unknown_procedure",
                               "没有找到这个事项，可能已经停办或改名");
        goto out;
    }
    side = api_cases_side(req);
    if (!api_cases_room(req, db, side, &ret) || !api_cases_quota(req, QUOTA_CREATE, &ret))
        goto out;
    r = cases_create(db, p->id, p->hash, channel ? channel : "kiosk", NULL, quota_open_max(),
                     side == QUOTA_OUTSIDE, id, &e);
    if (r != 0) /* a bad channel, a policy, a full house: nothing made */
        api_cases_quota_back(req, QUOTA_CREATE);
    if (r < 0)
        ret = reply_internal(req);
    else if (r == 2)
        ret = api_cases_full_reply(req, side, quota_open_max());
    else if (r > 0)
        ret = reply_refusal(req, &e);
    else
        ret = api_case_state(req, db, id, MHD_HTTP_CREATED);
out:
    catalog_release(c);
    cJSON_Delete(body);
    return ret;
}

enum MHD_Result api_case_get(struct http_request *req)
{
    struct db *db = db_thread();

    return db ? api_case_state(req, db, req->params[0], MHD_HTTP_OK) : reply_internal(req);
}

enum MHD_Result api_case_conditions(struct http_request *req)
{
    bool *confirmed = NULL;
    size_t n = 0, *unmet = NULL, n_unmet = 0, i;
    struct refusal e;
    enum MHD_Result ret;
    struct db *db = db_thread();
    cJSON *body = reply_json_body(req, &ret), *out = NULL, *list;
    int r;

    if (!body)
        return ret;
    r = bodies_case_conditions(body, &confirmed, &n);
    if (r != 0 || !db) {
        ret = r == 1             ? reply_invalid_body(req, "页面出了问题，办理条件的回答没有收到；请返回上一页重新确认")
              : r < 0 || !db     ? reply_internal(req)
                                 : reply_invalid_body(req, "页面出了问题，办理条件的回答没有收到；请返回上一页重新确认");
        goto done;
    }
    r = cases_confirm(db, req->params[0], confirmed, n, api_cases_actor(req), &unmet,
                      &n_unmet, &e);
    if (r < 0) {
        ret = reply_internal(req);
    } else if (r > 0 && !unmet) {
        ret = reply_refusal(req, &e);
    } else if (r > 0) {
        /* the standard error body, plus which conditions are unmet */
        if (!(out = cJSON_CreateObject()) || !(list = cJSON_AddObjectToObject(out, "error")) ||
            !cJSON_AddStringToObject(list, "code", e.code) ||
            !cJSON_AddStringToObject(list, "message", e.message) ||
            !(list = cJSON_AddArrayToObject(out, "unmet"))) {
            ret = reply_internal(req);
            goto done;
        }
        for (i = 0; i < n_unmet; i++) {
            cJSON *num = cJSON_CreateNumber((double)unmet[i]);
            if (!num || !cJSON_AddItemToArray(list, num)) {
                cJSON_Delete(num);
                ret = reply_internal(req);
                goto done;
            }
        }
        ret = reply_json_take(req, reply_refusal_status(&e), cJSON_PrintUnformatted(out), REPLY_PUBLIC);
    } else {
        struct case_state cs;
        char buf[64];
        r = cases_load(db, req->params[0], &cs, &e);
        if (r == 0) {
            snprintf(buf, sizeof buf, "{\"conditions_confirmed\":true,\"step\":%zu}", cs.step);
            ret = reply_json_take(req, MHD_HTTP_OK, strdup(buf), REPLY_PUBLIC);
        } else {
            ret = r > 0 ? reply_refusal(req, &e) : reply_internal(req);
        }
        cases_state_free(&cs);
    }
done:
    cJSON_Delete(out);
    cJSON_Delete(body);
    free(confirmed);
    free(unmet);
    return ret;
}

/* "0".."999" without sign, leading zero or junk; anything else is no step. */
static bool api_step_index(const char *s, size_t *n)
{
    size_t i, v = 0;

    /* one spelling per step: "01" is not step 1 (a path is a name) */
    if (s[0] == '0' && s[1])
        return false;
    for (i = 0; s[i]; i++) {
        if (i == API_CASES_STEP_DIGITS || s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    *n = v;
    return i > 0;
}

/* {"step":NEXT,"applicable":[…],"done":[…]} from the case as it now is. */
static enum MHD_Result api_case_progress(struct http_request *req, struct db *db, const char *id)
{
    return api_case_answer(req, db, id, MHD_HTTP_OK, case_view_progress_json, REPLY_PUBLIC);
}

/* The 422 of a rejected step: the refusal's envelope with "count", then
 * "fields" {key: message}, "field_codes" {key: code} and "checklist"
 * [item ids], every failing part at once so the resident fixes all. */
static cJSON *api_cases_rejection_doc(const struct refusal *e, const struct case_rejection *rej)
{
    cJSON *doc = reply_error_doc(e->code, e->message), *fields, *codes, *items, *s;
    size_t i;

    if (!doc ||
        !cJSON_AddNumberToObject(cJSON_GetObjectItemCaseSensitive(doc, "error"), "count",
                                 (double)(rej->n_fields + rej->n_items)) ||
        !(fields = cJSON_AddObjectToObject(doc, "fields")) ||
        !(codes = cJSON_AddObjectToObject(doc, "field_codes")) ||
        !(items = cJSON_AddArrayToObject(doc, "checklist")))
        goto fail;
    for (i = 0; i < rej->n_fields; i++)
        if (!cJSON_AddStringToObject(fields, rej->fields[i].key, rej->fields[i].message) ||
            !cJSON_AddStringToObject(codes, rej->fields[i].key, rej->fields[i].code))
            goto fail;
    for (i = 0; i < rej->n_items; i++) {
        if (!(s = cJSON_CreateString(rej->items[i])) || !cJSON_AddItemToArray(items, s)) {
            cJSON_Delete(s);
            goto fail;
        }
    }
    return doc;
fail:
    cJSON_Delete(doc);
    return NULL;
}

/* {"status":"waiting","ticket":…}, with rej also "missing":[item id…]
 * (a case handed in without the items of rej); a web case sent to
 * pre-review has no ticket (NULL): {"status":"prereview"}, it waits in the
 * online pre-review list. */
static enum MHD_Result api_case_ticket(struct http_request *req, const char *ticket,
                                       const struct case_rejection *rej)
{
    enum MHD_Result ret;
    cJSON *out = cJSON_CreateObject(), *ids, *s;
    size_t i;

    if (!out || !cJSON_AddStringToObject(out, "status", ticket ? "waiting" : "prereview") ||
        (ticket && !cJSON_AddStringToObject(out, "ticket", ticket)))
        goto fail;
    if (rej) {
        if (!(ids = cJSON_AddArrayToObject(out, "missing")))
            goto fail;
        for (i = 0; i < rej->n_items; i++)
            if (!(s = cJSON_CreateString(rej->items[i])) || !cJSON_AddItemToArray(ids, s)) {
                cJSON_Delete(s);
                goto fail;
            }
    }
    ret = reply_json_take(req, MHD_HTTP_OK, cJSON_PrintUnformatted(out), REPLY_PUBLIC);
    cJSON_Delete(out);
    return ret;
fail:
    cJSON_Delete(out);
    return reply_internal(req);
}

/* A step's answers (POST …/steps/{n}), or, with missing, the same
 * answers handed in without the papers not ticked (POST
 * …/steps/{n}/incomplete): one body, one 422 shape. */
static enum MHD_Result api_case_answers(struct http_request *req, bool missing)
{
    struct case_state after;
    struct case_rejection rej;
    struct bodies_answers in;
    bool prereview = false;
    char *ticket = NULL;
    struct refusal e;
    enum MHD_Result ret;
    struct db *db;
    cJSON *body;
    size_t n;
    int r;

    memset(&after, 0, sizeof after);
    memset(&rej, 0, sizeof rej);
    memset(&in, 0, sizeof in);
    if (!api_step_index(req->params[1], &n))
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "unknown_step", "没有找到这一步，请返回首页重新办理，或到综合窗口咨询");
    if (!(body = reply_json_body(req, &ret)))
        return ret;
    r = bodies_case_answers(body, &in);
    /* only a hand-in asks for pre-review; a step's body has no such member */
    if (r == 0 && missing && !bodies_prereview(body, &prereview))
        r = 1;
    if (r > 0) {
        ret = reply_invalid_body(req, "页面出了问题，填写的内容没有收到；请返回上一页再试");
        goto out;
    }
    if (r < 0 || !(db = db_thread())) {
        ret = reply_internal(req);
        goto out;
    }
    /* handed in without some papers: a hand-in like a submit's, its
     * token spent only when it is made */
    if (missing && !api_cases_quota(req, QUOTA_SUBMIT, &ret))
        goto out;
    if (missing) {
        r = window_submit_missing(db, req->params[0], n, &in.in, clock_today(), api_cases_actor(req),
                                  prereview, &ticket, &rej, &e);
        if (r != 0)
            api_cases_quota_back(req, QUOTA_SUBMIT);
    } else
        r = cases_step(db, req->params[0], n, &in.in, clock_today(), api_cases_actor(req), &rej,
                       &e, &after);
    if (r < 0)
        ret = reply_internal(req);
    else if (r > 0 && rej.n_fields + rej.n_items > 0)
        ret = reply_doc_take(req, reply_refusal_status(&e), api_cases_rejection_doc(&e, &rej),
                             REPLY_PUBLIC);
    else if (r > 0)
        ret = reply_refusal(req, &e);
    else if (missing)
        ret = api_case_ticket(req, ticket, &rej);
    else if (after.model)
        ret = reply_json_take(req, MHD_HTTP_OK, case_view_progress_json(&after), REPLY_PUBLIC);
    else
        ret = api_case_progress(req, db, req->params[0]);
out:
    cases_state_free(&after);
    cases_rejection_free(&rej);
    free(ticket);
    bodies_answers_free(&in);
    cJSON_Delete(body);
    return ret;
}

enum MHD_Result api_case_step(struct http_request *req)
{
    return api_case_answers(req, false);
}

enum MHD_Result api_case_incomplete(struct http_request *req)
{
    return api_case_answers(req, true);
}

cJSON *api_cases_visit_doc(const struct refusal *e, const struct visit_problems *p)
{
    cJSON *doc = reply_error_doc(e->code, e->message), *fields, *codes;
    size_t i;

    if (!doc || !(fields = cJSON_AddObjectToObject(doc, "fields")) ||
        !(codes = cJSON_AddObjectToObject(doc, "field_codes")))
        goto fail;
    for (i = 0; i < p->n; i++)
        if (!cJSON_AddStringToObject(fields, p->v[i].member, p->v[i].message) ||
            !cJSON_AddStringToObject(codes, p->v[i].member, p->v[i].code))
            goto fail;
    return doc;
fail:
    cJSON_Delete(doc);
    return NULL;
}

/* A submit whose body asks for a home visit instead of a ticket. */
static enum MHD_Result api_case_submit_visit(struct http_request *req, struct db *db,
                                             const struct visit_ask *ask)
{
    static const char ok[] = "{\"status\":\"visit\"}";
    struct visit_problems probs;
    enum MHD_Result ret;
    struct refusal e;
    char *json;
    int r;

    if (!api_cases_quota(req, QUOTA_SUBMIT, &ret))
        return ret;
    r = visit_request(db, req->params[0], api_cases_actor(req), ask, clock_today(), &probs, &e);
    if (r != 0)
        api_cases_quota_back(req, QUOTA_SUBMIT);
    if (r < 0)
        return reply_internal(req);
    if (r > 0 && probs.n > 0 && strcmp(e.code, "validation_failed") == 0)
        return reply_doc_take(req, reply_refusal_status(&e), api_cases_visit_doc(&e, &probs),
                              REPLY_PUBLIC);
    if (r > 0)
        return reply_refusal(req, &e);
    if (!(json = strdup(ok)))
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

enum MHD_Result api_case_submit(struct http_request *req)
{
    struct refusal e;
    enum MHD_Result ret;
    struct db *db = db_thread();
    struct visit_ask ask;
    cJSON *body = NULL;
    bool prereview = false;
    char *ticket = NULL;
    int r;

    if (!db)
        return reply_internal(req);
    /* no body (or one without "visit" or "prereview"): a ticket, as the
     * contract's submit, whatever the channel */
    if (req->body.len > 0) {
        if (!(body = reply_json_body(req, &ret)))
            return ret;
        r = bodies_case_visit(body, &ask);
        if (r != 0) {
            ret = r == 2 ? reply_invalid_body(req, "页面出了问题，预约上门的信息没有收到；请返回上一页重新填写")
                         : api_case_submit_visit(req, db, &ask);
            cJSON_Delete(body);
            return ret;
        }
        r = bodies_prereview(body, &prereview);
        cJSON_Delete(body);
        if (!r)
            return reply_invalid_body(req, "页面出了问题，提交的方式没有收到；请返回上一页再试");
    }
    if (!api_cases_quota(req, QUOTA_SUBMIT, &ret))
        return ret;
    r = window_submit(db, req->params[0], api_cases_actor(req), prereview, &ticket, &e);
    if (r != 0) /* no such case, already handed in, tickets out: nothing spent */
        api_cases_quota_back(req, QUOTA_SUBMIT);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    ret = api_case_ticket(req, ticket, NULL);
    free(ticket);
    return ret;
}

/* A ticket or last four as a resident's input method types it (ＡＯＯ１,
 * １２３Ｘ, spaces around): trimmed and folded to ASCII into buf, as every
 * form box takes them (they were refused: a resident's review). Returned
 * as is when longer than any ticket or last four, or not UTF-8. */
static const char *api_lookup_fold(const char *s, char buf[API_LOOKUP_FOLD_MAX + 1])
{
    size_t n = strlen(s);
    const char *t = utf8_trim(s, &n);

    if (n > API_LOOKUP_FOLD_MAX || validate_fold_width(t, n, buf) == (size_t)-1)
        return s;
    return buf;
}

enum MHD_Result api_case_lookup(struct http_request *req)
{
    static const char busy[] = "尝试次数过多，请 15 分钟后再试；也可以扫描凭条上的二维码，或到综合窗口询问";
    /* the outside day runs from its first lookup, so the time it ends
     * is named: "请明天再试" was false when it ends later today */
    static const char busy_day[] = "通过网络查找凭条的次数已经用完，请在%s以后再试；也可以用手机扫描凭条上的"
                                   "二维码，或到综合窗口询问";
    char when[CLOCK_WHEN_LEN], busy_text[sizeof busy_day + CLOCK_WHEN_LEN];
    const cJSON *jt, *jl;
    char addr[HTTP_ADDR_MAX], id[CASE_ID_LEN + 1];
    char tbuf[API_LOOKUP_FOLD_MAX + 1], lbuf[API_LOOKUP_FOLD_MAX + 1];
    const char *ticket, *last4;
    struct throttle_keys keys;
    enum throttle_outcome outcome = THROTTLE_NONE;
    bool started = false, outside;
    long long now = (long long)time(NULL), wait;
    struct refusal e;
    enum MHD_Result ret;
    struct db *db = db_thread();
    cJSON *body = reply_json_body(req, &ret), *out = NULL;
    int r;

    if (!body)
        return ret;
    jt = cJSON_GetObjectItemCaseSensitive(body, "ticket");
    jl = cJSON_GetObjectItemCaseSensitive(body, "last4");
    if (!cJSON_IsString(jt) || !cJSON_IsString(jl)) {
        ret = reply_invalid_body(req, "请输入排队号，以及身份证号或手机号的最后四位");
        goto done;
    }
    if (!db) {
        ret = reply_internal(req);
        goto done;
    }
    http_client_addr(req, addr);
    ticket = api_lookup_fold(jt->valuestring, tbuf);
    last4 = api_lookup_fold(jl->valuestring, lbuf);
    outside = quota_side_of(addr) == QUOTA_OUTSIDE;
    throttle_keys_lookup(&keys, ticket, addr, outside);
    if ((wait = throttle_overall_wait(outside, now)) > 0 ||
        (wait = throttle_attempt_begin(&keys, now)) > 0) {
        /* only outside's day-long bound waits past a quarter of an hour */
        if (wait > THROTTLE_FAIL_WINDOW) {
            /* a local time that cannot be read (never, in practice):
             * 请在24小时以后再试, the longest the wait can be */
            if (clock_local_when_text((time_t)(now + wait), (time_t)now, when) != 0)
                snprintf(when, sizeof when, "24小时");
            snprintf(busy_text, sizeof busy_text, busy_day, when);
        }
        ret = http_reply_error_retry(req, MHD_HTTP_TOO_MANY_REQUESTS, "too_many_attempts",
                                     wait > THROTTLE_FAIL_WINDOW ? busy_text : busy, (long)wait);
        goto done;
    }
    started = true;
    r = window_lookup(db, ticket, last4, id, &e);
    if (r < 0) {
        ret = reply_internal(req);
    } else if (r > 0) {
        /* a last four of the wrong shape is no guess at anyone's */
        if (e.kind != REFUSAL_INVALID) {
            outcome = THROTTLE_FAILED;
            throttle_overall_fail(outside, now);
        }
        ret = reply_refusal(req, &e);
    } else if (!(out = cJSON_CreateObject()) || !cJSON_AddStringToObject(out, "id", id)) {
        ret = reply_internal(req);
    } else {
        outcome = THROTTLE_OK;
        ret = reply_json_take(req, MHD_HTTP_OK, cJSON_PrintUnformatted(out), REPLY_PRIVATE);
    }
done:
    if (started)
        throttle_attempt_end(&keys, now, outcome);
    cJSON_Delete(out);
    cJSON_Delete(body);
    return ret;
}

enum MHD_Result print_case(struct http_request *req)
{
    static const struct refusal not_submitted = {REFUSAL_CONFLICT, "not_submitted",
                                                  "还没有提交，提交后才有排队凭条"};
    /* handed in without a hall ticket (a home visit, an online pre-review):
     * telling that resident to hand it in first would send them to do it
     * again, or to worry that it was lost */
    static const struct refusal no_ticket = {REFUSAL_CONFLICT, "no_ticket",
                                              "这件事已经提交，不用到大厅排队，所以没有排队凭条；"
                                              "办理进度请在办事页面查看"};
    struct case_state cs;
    struct refusal e;
    enum MHD_Result ret;
    struct db *db = db_thread();
    long ahead;
    int r;

    /* freed below whatever happened: a worker with no connection (the
     * database gone) never loaded it, and freed the stack's garbage */
    memset(&cs, 0, sizeof cs);
    r = db ? cases_load(db, req->params[0], &cs, &e) : -1;

    if (r < 0)
        ret = reply_internal(req);
    else if (r > 0)
        ret = reply_refusal(req, &e);
    else if (!cs.ticket)
        ret = reply_refusal(req, cs.w.submitted_at[0] ? &no_ticket : &not_submitted);
    else if (window_view_ahead(db, cs.id, &ahead) != 0)
        ret = reply_internal(req);
    else
        ret = reply_page_take(req, print_slip_html(&cs, ahead));
    cases_state_free(&cs);
    return ret;
}

enum MHD_Result print_case_missing(struct http_request *req)
{
    struct refusal e;
    struct db *db = db_thread();
    char *html = NULL;
    const char *items = http_query(req, "items");
    int r = db ? print_missing_html(db, req->params[0], items, &html, &e) : -1;

    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    /* before a number, the sheet promises that a scan brings the case
     * back with its answers: an hour idle must not end it first. The sheet
     * goes out all the same when that cannot be written (a full disk): the
     * resident still learns what to bring */
    if (items && (r = cases_keep_open(db, req->params[0], (quota_open_max() + 1) / 2)) != 0) {
        if (r < 0)
            fprintf(stderr, "spkiosk: cases: a printed list of missing papers could not keep its case "
                            "open past the idle hour (the database refused the write)\n");
        /* once a minute at most, as the cap's own line: a loop of prints
         * must not fill the log either */
        else if (quota_open_full_log(api_cases_side(req), api_cases_now_ms()))
            fprintf(stderr, "spkiosk: cases: half of --open-cases-max are open cases kept by a printed "
                            "list of missing papers: this one gets the idle hour (a loop of prints?)\n");
    }
    return reply_page_take(req, html);
}
