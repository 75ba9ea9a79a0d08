/* api_staff: staff requests in, window operations, JSON out. The session
 * and its CSRF token are checked first of all (the route's guard); the shape of
 * a body is checked here, what it means in window.c. A move answers with
 * the whole case view so the page redraws from what the server holds. */
#include "api_staff.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "bodies.h"
#include "assets.h"
#include "api_auth.h"
#include "case_view.h"
#include "catalog.h"
#include "clock.h"
#include "corrections.h"
#include "db.h"
#include "display.h"
#include "notify.h"
#include "posts.h"
#include "print.h"
#include "reply.h"
#include "relay.h"
#include "sweep.h"
#include "utf8.h"
#include "validate.h"
#include "window.h"
#include "window_view.h"

/* Every answer here holds case data, ID numbers in full in the case
 * view: REPLY_PRIVATE (no-store) throughout. */

/* How a move answers once it is done: the case view, or the queue entry. */
typedef int (*api_staff_view_fn)(struct db *db, const char *id, char **out, struct refusal *e);

/* Answers r of a window call: 500, the refusal, or view(id). */
static enum MHD_Result api_staff_answer(struct http_request *req, struct db *db, int r,
                                    const struct refusal *e, const char *id, api_staff_view_fn view)
{
    struct refusal e2;
    char *json;

    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, e);
    r = view(db, id, &json, &e2);
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e2);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

static enum MHD_Result api_staff_case_answer(struct http_request *req, struct db *db, int r,
                                         const struct refusal *e, const char *id)
{
    return api_staff_answer(req, db, r, e, id, window_view_case_json);
}

/* First thing in every handler: the thread's connection. The guard has
 * admitted the staffer (admins pass too) before the handler runs, and
 * req->user names them in the events. False when *res holds the answer
 * already given. */
static bool api_staff_begin(struct http_request *req, enum MHD_Result *res, struct db **db)
{
    if (!(*db = db_thread())) {
        *res = reply_internal(req);
        return false;
    }
    return true;
}

/* The case of a move's path: its id (either case: a scanner may send upper
 * case) or today's ticket, as the case view takes them; false, with the
 * answer (404, 500) given in *res, otherwise. */
static bool api_staff_id(struct http_request *req, struct db *db, char id[CASE_ID_LEN + 1],
                     enum MHD_Result *res)
{
    struct refusal e;
    int r = window_resolve(db, req->params[0], id, &e);

    if (r == 0)
        return true;
    *res = r < 0 ? reply_internal(req) : reply_refusal(req, &e);
    return false;
}

/* A list of cases (the queue, 网上预审) as list writes it. */
static enum MHD_Result api_staff_list(struct http_request *req, int (*list)(struct db *, char **))
{
    enum MHD_Result res;
    struct db *db;
    char *json;

    if (!api_staff_begin(req, &res, &db))
        return res;
    if (list(db, &json) != 0)
        return reply_internal(req);
    return reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
}

enum MHD_Result api_staff_queue(struct http_request *req)
{
    return api_staff_list(req, window_view_queue_json);
}

/* The longest name 待领取 looks up, in bytes as sent: a text field of a
 * procedure holds a few dozen characters at most. */
#define API_STAFF_NAME_MAX 256

/* 待领取 by the resident's name (ours): {"name"}, trimmed as answers are.
 * A POST, as the lost link's search: a resident's name in an address
 * stays in a proxy's access log and the browser's history, and the page
 * asks again at each refresh while the name is in its box. */
enum MHD_Result api_staff_ready_named(struct http_request *req)
{
    const char *q, *s = NULL;
    char name[API_STAFF_NAME_MAX + 1];
    enum MHD_Result res;
    struct db *db;
    cJSON *body;
    size_t n = 0;
    char *json;

    if (!api_staff_begin(req, &res, &db))
        return res;
    if (!(body = reply_json_body(req, &res)))
        return res;
    q = bodies_text(body, "name");
    if (q && (n = strnlen(q, API_STAFF_NAME_MAX + 1)) <= API_STAFF_NAME_MAX && utf8_valid(q, n))
        s = utf8_trim(q, &n);
    if (!s || n == 0) {
        res = http_reply_error(req, 422, "bad_name", "请输入居民的姓名（写全名，最多 80 个字）");
    } else {
        memcpy(name, s, n);
        name[n] = '\0';
        res = window_view_ready_named_json(db, name, &json) != 0
                  ? reply_internal(req)
                  : reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
    }
    cJSON_Delete(body);
    return res;
}

enum MHD_Result api_staff_case(struct http_request *req)
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    int r;

    if (!api_staff_begin(req, &res, &db))
        return res;
    r = window_resolve(db, req->params[0], id, &e);
    return api_staff_case_answer(req, db, r, &e, id);
}

enum MHD_Result api_staff_start(struct http_request *req)
{
    const char *proc, *window;
    const struct catalog_proc *p;
    struct catalog *c = NULL;
    char id[CASE_ID_LEN + 1], num[24], *json = NULL;
    struct case_state cs;
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    cJSON *body;
    int r;

    if (!api_staff_begin(req, &res, &db))
        return res;
    if (!(body = reply_json_body(req, &res)))
        return res;
    if (!(proc = bodies_text(body, "procedure"))) {
        res = http_reply_error(req, 422, "procedure_required",
                               "请选择要办理的事项");
        goto out;
    }
    if (!bodies_window(body, &window, num)) {
        res = reply_refusal(req, &display_err_window);
        goto out;
    }
    if (!(c = catalog_acquire())) {
        res = reply_internal(req);
        goto out;
    }
    if (!(p = catalog_find(c, proc))) {
        res = http_reply_error(req, MHD_HTTP_NOT_FOUND, "unknown_procedure",
                               "没有找到这个事项，可能已经停办或改名");
        goto out;
    }
    /* the resident sits at the staffer's window (optional "window", as a
     * call's) while it is filled in: its evaluator stops showing the
     * resident before, who may have left without rating */
    if ((r = window_seat(db, window, &e)) != 0) {
        res = r < 0 ? reply_internal(req) : reply_refusal(req, &e);
        goto out;
    }
    /* the same case as a resident's, started by the staffer at the window */
    r = cases_create(db, p->id, p->hash, "window", req->user, 0, false, id, &e);
    if (r < 0) {
        res = reply_internal(req);
    } else if (r > 0) {
        res = reply_refusal(req, &e);
    } else {
        r = cases_load(db, id, &cs, &e);
        if (r == 0)
            json = case_view_json(&cs);
        cases_state_free(&cs);
        res = r < 0 ? reply_internal(req) : r > 0 ? reply_refusal(req, &e)
                                              : reply_json_take(req, MHD_HTTP_CREATED, json, REPLY_PRIVATE);
    }
out:
    catalog_release(c);
    cJSON_Delete(body);
    return res;
}

/* A move that takes nothing but the case of the path, answered by view. */
typedef int (*api_staff_move_fn)(struct db *db, const char *id, const char *user,
                                 struct refusal *e);

static enum MHD_Result api_staff_move(struct http_request *req, api_staff_move_fn move,
                                      api_staff_view_fn view)
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;
    enum MHD_Result res;
    struct db *db;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res) ||
        !reply_body_unused(req, &res))
        return res;
    return api_staff_answer(req, db, move(db, id, req->user, &e), &e, id, view);
}

/* A text member (note, stage, outcome, reason, user) given as a number,
 * an array or an object. */
static const struct refusal api_staff_err_not_text = {
    REFUSAL_INVALID, "bad_text", "填写的内容应是文字，请刷新页面后重新填写"};

/* A move along the review chain (relay.h) that takes the case of the
 * path, the staffer and what the body holds, with the hall's calendar
 * held for the move's duration. */
struct api_staff_chain {
    const char *text;           /* the body's text member (note, outcome, reason, user) */
    const char *window;         /* the staffer's window, or NULL */
    const char *stage;          /* the stage the staffer saw (pass, reject), or NULL */
    const char *owner;          /* the owner the staffer saw (assign), or NULL */
    bool walk_in;               /* accept: a web case in pre-review, its resident here */
};

typedef int (*api_staff_chain_fn)(struct db *db, const char *id, const char *user,
                                  const struct api_staff_chain *in, const struct workdays *cal,
                                  int today, struct refusal *e);

/* The optional members a chain move reads besides its text. */
enum { API_STAFF_WINDOW = 1, API_STAFF_WALK_IN = 2 };

/* Runs move on the case of the path with the body's member text (NULL:
 * none read) and the members reads names (API_STAFF_WINDOW: "window";
 * API_STAFF_WALK_IN: "walk_in", accept's alone); a request without a
 * body is read as {}. Answers the case view. */

static enum MHD_Result api_staff_chain_move(struct http_request *req, api_staff_chain_fn move,
                                            const char *text, unsigned reads)
{
    char id[CASE_ID_LEN + 1], num[24];
    struct api_staff_chain in = {NULL, NULL, NULL, NULL, false};
    struct catalog *c = NULL;
    cJSON *body = NULL;
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res))
        return res;
    /* no body at all is an empty one: the contract writes pass and handout
     * without one, and a move that needs its member (reject's reason)
     * refuses its absence by name, 422 */
    if (req->body.len == 0) {
        if ((text || reads) && !(body = cJSON_CreateObject()))
            return reply_internal(req);
    } else if (!(body = reply_json_body(req, &res))) {
        return res;
    }
    if ((reads & API_STAFF_WINDOW) && !bodies_window(body, &in.window, num)) {
        res = reply_refusal(req, &display_err_window);
        goto out;
    }
    /* a member of the wrong type is not an absent one: {"note":5} must not
     * pass a stage with no note, nor {"stage":5} pass whatever stage the
     * case is at. Valid JSON failing validation: 422, as the contract has it */
    if (text && bodies_optional_text(body, text, &in.text) != 0) {
        res = reply_refusal(req, &api_staff_err_not_text);
        goto out;
    }
    if (body && (bodies_optional_text(body, "stage", &in.stage) != 0 ||
                 bodies_optional_text(body, "owner", &in.owner) != 0)) {
        res = reply_refusal(req, &api_staff_err_not_text);
        goto out;
    }
    /* {"walk_in":"yes"} is no ask, and must not pass for one */
    if ((reads & API_STAFF_WALK_IN) && bodies_optional_bool(body, "walk_in", &in.walk_in) != 0) {
        res = reply_invalid_body(req, "页面出了问题，没有办理成功；请刷新页面后重试");
        goto out;
    }
    if (!(c = catalog_acquire())) {
        res = reply_internal(req);
        goto out;
    }
    r = move(db, id, req->user, &in, catalog_calendar(c), clock_today(), &e);
    res = api_staff_case_answer(req, db, r, &e, id);
out:
    catalog_release(c);
    cJSON_Delete(body);
    return res;
}

static int api_staff_do_accept(struct db *db, const char *id, const char *user,
                               const struct api_staff_chain *in, const struct workdays *cal,
                               int today, struct refusal *e)
{
    return window_accept_at(db, id, user, in->window, in->walk_in, cal, today, e);
}

static int api_staff_do_pass(struct db *db, const char *id, const char *user,
                             const struct api_staff_chain *in, const struct workdays *cal,
                             int today, struct refusal *e)
{
    return relay_pass(db, id, user, in->text, in->stage, cal, today, e);
}

static int api_staff_do_complete(struct db *db, const char *id, const char *user,
                                 const struct api_staff_chain *in, const struct workdays *cal,
                                 int today, struct refusal *e)
{
    return relay_complete(db, id, user, in->text, in->window, cal, today, e);
}

static int api_staff_do_handout(struct db *db, const char *id, const char *user,
                                const struct api_staff_chain *in, const struct workdays *cal,
                                int today, struct refusal *e)
{
    return relay_handout(db, id, user, in->window, cal, today, e);
}

static int api_staff_do_reject(struct db *db, const char *id, const char *user,
                               const struct api_staff_chain *in, const struct workdays *cal,
                               int today, struct refusal *e)
{
    (void)cal;
    (void)today;
    return relay_reject(db, id, user, in->text, in->window, in->stage, e);
}

static int api_staff_do_refuse(struct db *db, const char *id, const char *user,
                               const struct api_staff_chain *in, const struct workdays *cal,
                               int today, struct refusal *e)
{
    (void)cal;
    (void)today;
    return relay_intake_refuse(db, id, user, in->text, in->window, e);
}

static int api_staff_do_assign(struct db *db, const char *id, const char *user,
                               const struct api_staff_chain *in, const struct workdays *cal,
                               int today, struct refusal *e)
{
    (void)cal;
    (void)today;
    return relay_assign(db, id, user, in->text, in->owner, e);
}

enum MHD_Result api_staff_accept(struct http_request *req)
{
    /* the window where the resident is taken on without a call: its
     * evaluator stops showing the resident before */
    return api_staff_chain_move(req, api_staff_do_accept, NULL, API_STAFF_WINDOW | API_STAFF_WALK_IN);
}

enum MHD_Result api_staff_pass(struct http_request *req)
{
    return api_staff_chain_move(req, api_staff_do_pass, "note", 0);
}

enum MHD_Result api_staff_handout(struct http_request *req)
{
    return api_staff_chain_move(req, api_staff_do_handout, NULL, API_STAFF_WINDOW);
}

enum MHD_Result api_staff_reject(struct http_request *req)
{
    return api_staff_chain_move(req, api_staff_do_reject, "reason", API_STAFF_WINDOW);
}

enum MHD_Result api_staff_refuse(struct http_request *req)
{
    return api_staff_chain_move(req, api_staff_do_refuse, "reason", API_STAFF_WINDOW);
}

enum MHD_Result api_staff_assign(struct http_request *req)
{
    return api_staff_chain_move(req, api_staff_do_assign, "user", 0);
}

enum MHD_Result api_staff_complete(struct http_request *req)
{
    /* the window where the service ended: its evaluator offers the rating */
    return api_staff_chain_move(req, api_staff_do_complete, "outcome", API_STAFF_WINDOW);
}

enum MHD_Result api_staff_return(struct http_request *req)
{
    char id[CASE_ID_LEN + 1];
    const char **fnames = NULL, **cnames = NULL;
    struct window_flags fields, checklist;
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    const char *reason, *seen, *stage, *window;
    char num[24];
    cJSON *body;
    size_t used = 0;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res))
        return res;
    if (!(body = reply_json_body(req, &res)))
        return res;
    /* as the chain's moves: a reason of another type is not a missing one */
    if (bodies_optional_text(body, "reason", &reason) != 0 ||
        bodies_optional_text(body, "status", &seen) != 0 ||
        bodies_optional_text(body, "stage", &stage) != 0) {
        res = reply_refusal(req, &api_staff_err_not_text);
        goto out;
    }
    /* the desk's window (ours, as a call's): a case waiting for the B post
     * returned without one is returned at the home (window_return_seen) */
    if (!bodies_window(body, &window, num)) {
        res = reply_refusal(req, &display_err_window);
        goto out;
    }
    if (bodies_flags(cJSON_GetObjectItemCaseSensitive(body, "fields"), &fields, &fnames, &used) != 0 ||
        bodies_flags(cJSON_GetObjectItemCaseSensitive(body, "checklist"), &checklist, &cnames,
                    &used) != 0) {
        res = reply_internal(req);
        goto out;
    }
    r = window_return_seen(db, id, req->user, reason, &fields, &checklist, seen, stage, window, &e);
    res = api_staff_case_answer(req, db, r, &e, id);
out:
    free(fnames);
    free(cnames);
    cJSON_Delete(body);
    return res;
}

/* {"items":["ITEM_ID"…]}: papers of the case recorded by move
 * (window_receive, window_not_brought). */
static enum MHD_Result api_staff_papers(struct http_request *req,
                                        int (*move)(struct db *db, const char *id, const char *user,
                                                    const struct window_flags *items, struct refusal *e))
{
    char id[CASE_ID_LEN + 1];
    const char **names = NULL;
    struct window_flags items;
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    cJSON *body, *list;
    size_t used = 0;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res))
        return res;
    if (!(body = reply_json_body(req, &res)))
        return res;
    list = cJSON_GetObjectItemCaseSensitive(body, "items");
    /* no list at all (absent, a lone name) is none chosen, not a name the
     * item lacks */
    if (bodies_flags(cJSON_IsArray(list) ? list : NULL, &items, &names, &used) != 0) {
        res = reply_internal(req);
        goto out;
    }
    r = move(db, id, req->user, &items, &e);
    res = api_staff_case_answer(req, db, r, &e, id);
out:
    free(names);
    cJSON_Delete(body);
    return res;
}

/* {"item":"ITEM_ID","reason":"…"}: a record of a paper taken back by
 * withdraw (window_withdraw_received, window_not_brought_withdraw). */
static enum MHD_Result api_staff_paper_withdraw(struct http_request *req,
                                                int (*withdraw)(struct db *db, const char *id, const char *user,
                                                                bool admin, const char *item,
                                                                const char *reason, struct refusal *e))
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    const char *item, *reason;
    cJSON *body;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res))
        return res;
    if (!(body = reply_json_body(req, &res)))
        return res;
    /* an item of another type is none chosen; a reason of another type is
     * not a missing one (as the chain's moves say it) */
    item = bodies_text(body, "item");
    if (bodies_optional_text(body, "reason", &reason) != 0) {
        res = reply_refusal(req, &api_staff_err_not_text);
        goto out;
    }
    r = withdraw(db, id, req->user, req->admin, item, reason, &e);
    res = api_staff_case_answer(req, db, r, &e, id);
out:
    cJSON_Delete(body);
    return res;
}

/* the papers owed since 容缺受理 that the resident brought, or an
 * optional one handed over (window_receive) */
enum MHD_Result api_staff_receive(struct http_request *req)
{
    return api_staff_papers(req, window_receive);
}

/* a 补交 recorded by mistake, withdrawn (window_withdraw_received) */
enum MHD_Result api_staff_receive_withdraw(struct http_request *req)
{
    return api_staff_paper_withdraw(req, window_withdraw_received);
}

/* optional papers ticked at the kiosk and not brought (window_not_brought) */
enum MHD_Result api_staff_not_brought(struct http_request *req)
{
    return api_staff_papers(req, window_not_brought);
}

/* such a record made by mistake, withdrawn (window_not_brought_withdraw) */
enum MHD_Result api_staff_not_brought_withdraw(struct http_request *req)
{
    return api_staff_paper_withdraw(req, window_not_brought_withdraw);
}

/* One colleague: {"user","display","role","posts":[{"id","name"}]}
 * (display "" when none), each post by
 * its name in _posts.md (the id where the file has none). */
struct api_staff_colleagues {
    cJSON *arr;
    const struct posts *ps;
};

static int api_staff_colleague(void *ctx, const char *name, const char *display,
                               enum accounts_role role, const struct accounts_posts *posts)
{
    struct api_staff_colleagues *c = ctx;
    cJSON *o = cJSON_CreateObject(), *list, *po;
    size_t i;

    if (!o || !cJSON_AddItemToArray(c->arr, o)) {
        cJSON_Delete(o);
        return -1;
    }
    if (!cJSON_AddStringToObject(o, "user", name) ||
        !cJSON_AddStringToObject(o, "display", display ? display : "") ||
        !cJSON_AddStringToObject(o, "role", accounts_role_name(role)) ||
        !(list = cJSON_AddArrayToObject(o, "posts")))
        return -1;
    for (i = 0; i < posts->n; i++) {
        const struct post *p = c->ps ? posts_find(c->ps, posts->id[i]) : NULL;
        if (!(po = cJSON_CreateObject()) || !cJSON_AddItemToArray(list, po)) {
            cJSON_Delete(po);
            return -1;
        }
        if (!cJSON_AddStringToObject(po, "id", posts->id[i]) ||
            !cJSON_AddStringToObject(po, "name", p ? p->name : posts->id[i]))
            return -1;
    }
    return 0;
}

/* GET /api/v1/staff/colleagues: who a case may be handed to (转交), so the
 * form offers names with their posts instead of asking for a login name
 * from memory. Accounts not disabled, by name. */
enum MHD_Result api_staff_colleagues(struct http_request *req)
{
    struct api_staff_colleagues c = {NULL, NULL};
    struct catalog *cat = NULL;
    enum MHD_Result res;
    struct db *db;
    cJSON *root;

    if (!api_staff_begin(req, &res, &db))
        return res;
    if (!(root = cJSON_CreateObject()) || !(c.arr = cJSON_AddArrayToObject(root, "colleagues")))
        goto fail;
    cat = catalog_acquire();
    c.ps = cat ? catalog_posts(cat) : NULL;
    if (accounts_active_each(db, api_staff_colleague, &c) != 0)
        goto fail;
    catalog_release(cat);
    return reply_doc_take(req, MHD_HTTP_OK, root, REPLY_PRIVATE);
fail:
    catalog_release(cat);
    cJSON_Delete(root);
    return reply_internal(req);
}

/* 网上预审: the web cases handed in from home, and those invited. */
enum MHD_Result api_staff_prereview(struct http_request *req)
{
    return api_staff_list(req, window_view_prereview_json);
}

/* {"date":"YYYY-MM-DD","note":"…"}: the resident of a web case is asked to
 * come to the hall with the originals; the date's checks are window.c's. */
enum MHD_Result api_staff_invite(struct http_request *req)
{
    char id[CASE_ID_LEN + 1];
    const char *note, *status, *seen;
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    cJSON *body;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res))
        return res;
    if (!(body = reply_json_body(req, &res)))
        return res;
    /* the status and date the page showed: a colleague's invitation
     * meanwhile is 409 (window.h) */
    if (bodies_optional_text(body, "note", &note) != 0 ||
        bodies_optional_text(body, "status", &status) != 0 ||
        bodies_optional_text(body, "invite_date", &seen) != 0) {
        res = reply_invalid_body(req, "页面出了问题，通知说明没有提交成功，请刷新页面后重试");
    } else {
        r = window_invite_seen(db, id, req->user, bodies_text(body, "date"),
                               note, status, seen, &e);
        res = api_staff_case_answer(req, db, r, &e, id);
    }
    cJSON_Delete(body);
    return res;
}

enum MHD_Result api_staff_no_show(struct http_request *req)
{
    return api_staff_move(req, window_no_show, window_view_case_json);
}

static int api_staff_do_take_up(struct db *db, const char *id, const char *user,
                                const struct api_staff_chain *in, const struct workdays *cal,
                                int today, struct refusal *e)
{
    (void)cal;
    (void)today;
    return window_take_up(db, id, user, in->window, e);
}

/* 窗口接办: a web case whose resident is at the window without its link
 * (window.h), {"window":"3"} optional as an accept's: that window's
 * evaluator stops showing the resident before; 200 with the case view. */
enum MHD_Result api_staff_take_up(struct http_request *req)
{
    return api_staff_chain_move(req, api_staff_do_take_up, NULL, API_STAFF_WINDOW);
}

/* 放弃: a case started at the window by mistake, deleted (window.h). The
 * log says who and which item, never the case. */
enum MHD_Result api_staff_discard(struct http_request *req)
{
    char id[CASE_ID_LEN + 1], procedure[PROCEDURE_ID_MAX + 1];
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res) ||
        !reply_body_unused(req, &res))
        return res;
    if ((r = window_discard(db, id, req->user, req->admin, procedure, &e)) < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, &e);
    fprintf(stderr, "spkiosk: %s discarded a case of %s started at the window, never handed in\n",
            req->user, procedure);
    return http_reply(req, MHD_HTTP_NO_CONTENT, NULL, "", 0);
}

/* The window a call is made to, from the call's optional body
 * {"window":"3"}: no body, no member or null is none (*window NULL); a
 * string is checked by the move (display_window_check); a number is taken
 * as its digits. False, with the answer in *res (400 for a body that is
 * not a JSON object, 422 bad_window for another type), otherwise. *body is
 * the parsed body when true (caller deletes; NULL without one), NULL when
 * false. */
static bool api_staff_window(struct http_request *req, cJSON **body, const char **window,
                             char num[24], enum MHD_Result *res)
{
    *body = NULL;
    *window = NULL;
    if (req->body.len == 0)
        return true; /* a call without a body: no window, as before windows were named */
    if (!(*body = reply_json_body(req, res)))
        return false;
    if (bodies_window(*body, window, num))
        return true;
    cJSON_Delete(*body);
    *body = NULL;
    *res = reply_refusal(req, &display_err_window);
    return false;
}

static const struct refusal api_staff_err_bad_calls = {
    REFUSAL_INVALID, "bad_calls", "叫号次数应是 0 或正整数，请刷新页面后再叫号"};

/* A call and a transfer: a window move by id with {"window","calls"}
 * (window_call_seen's shape), answered with the case's queue entry; the
 * calls the page showed, so that a colleague's call meanwhile is 409. */
typedef int (*api_staff_window_fn)(struct db *db, const char *id, const char *user, const char *window,
                                   int seen, struct refusal *e);

static enum MHD_Result api_staff_window_move(struct http_request *req, api_staff_window_fn move)
{
    char id[CASE_ID_LEN + 1], num[24];
    const char *window;
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    cJSON *body;
    int seen;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res) ||
        !api_staff_window(req, &body, &window, num, &res))
        return res;
    if (bodies_optional_count(body, "calls", &seen) != 0) {
        res = reply_refusal(req, &api_staff_err_bad_calls);
        goto out;
    }
    res = api_staff_answer(req, db, move(db, id, req->user, window, seen, &e), &e, id, window_view_entry_json);
out:
    cJSON_Delete(body);
    return res;
}

enum MHD_Result api_staff_call(struct http_request *req)
{
    return api_staff_window_move(req, window_call_seen);
}

/* 转窗: as a call, with the window the resident is sent to (required). */
enum MHD_Result api_staff_transfer(struct http_request *req)
{
    return api_staff_window_move(req, window_transfer);
}

enum MHD_Result api_staff_call_next(struct http_request *req)
{
    char id[CASE_ID_LEN + 1] = "", num[24];
    const char *window;
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    cJSON *body;

    if (!api_staff_begin(req, &res, &db) || !api_staff_window(req, &body, &window, num, &res))
        return res;
    res = api_staff_answer(req, db, window_call_next(db, req->user, window, id, &e), &e, id,
                           window_view_entry_json);
    cJSON_Delete(body);
    return res;
}

/* A print's answer: the page (html, freed here), the refusal or 500. */
static enum MHD_Result api_staff_print(struct http_request *req, int r, char *html,
                                       const struct refusal *e)
{
    if (r < 0)
        return reply_internal(req);
    if (r > 0)
        return reply_refusal(req, e);
    return reply_page_take(req, html);
}

enum MHD_Result print_staff_correction(struct http_request *req)
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    char *html = NULL;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res))
        return res;
    r = print_correction_html(db, id, &html, &e);
    return api_staff_print(req, r, html, &e);
}

enum MHD_Result print_staff_receipt(struct http_request *req)
{
    char id[CASE_ID_LEN + 1], *html = NULL;
    struct catalog *c;
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res))
        return res;
    if (!(c = catalog_acquire()))
        return reply_internal(req);
    /* the posts by name, as the hall's _posts.md has them now */
    r = print_receipt_html(db, id, catalog_posts(c), catalog_calendar(c), &html, &e);
    catalog_release(c);
    return api_staff_print(req, r, html, &e);
}

enum MHD_Result print_staff_rejection(struct http_request *req)
{
    char id[CASE_ID_LEN + 1], *html = NULL;
    struct refusal e;
    enum MHD_Result res;
    struct db *db;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res))
        return res;
    r = print_rejection_html(db, id, &html, &e);
    return api_staff_print(req, r, html, &e);
}

enum MHD_Result page_staff(struct http_request *req)
{
    /* the page itself is public: it logs in through /api/v1/login */
    return assets_serve(req, "staff.html");
}

/* 我的待办: ?post=ID, ?owner=NAME (either or both: their union), else the
 * stages of the staffer's own posts; &overdue=1 for the overdue alone. */
enum MHD_Result api_staff_work(struct http_request *req)
{
    const char *post = http_query(req, "post"), *owner = http_query(req, "owner");
    const char *over = http_query(req, "overdue");
    const char *ids[ACCOUNTS_POSTS_MAX];
    struct accounts_posts mine;
    struct catalog *c = NULL;
    enum MHD_Result res;
    struct db *db;
    size_t n = 0, i;
    void *json = NULL;

    if (!api_staff_begin(req, &res, &db))
        return res;
    if ((post && !post[0]) || (owner && !accounts_name_valid(owner)))
        return http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_query", "筛选条件不对（岗位编号或工作人员的用户名），请刷新页面后重试");
    if (post) {
        ids[n++] = post;
    } else if (!owner) {
        if (accounts_user_posts(db, req->user, &mine) < 0)
            return reply_internal(req);
        for (i = 0; i < mine.n && i < ACCOUNTS_POSTS_MAX; i++)
            ids[n++] = mine.id[i];
    }
    if (!(c = catalog_acquire()))
        return reply_internal(req);
    if (relay_work_json(db, ids, n, owner, over && strcmp(over, "1") == 0, catalog_calendar(c),
                        clock_today(), &json) != 0)
        res = reply_internal(req);
    else
        res = reply_doc_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
    catalog_release(c);
    return res;
}

enum MHD_Result api_staff_corrections(struct http_request *req)
{
    const char *owner = http_query(req, "owner"), *all = http_query(req, "all");
    struct catalog *c = NULL;
    enum MHD_Result res;
    struct db *db;
    char *json = NULL;
    bool everyone;

    if (!api_staff_begin(req, &res, &db))
        return res;
    everyone = all && strcmp(all, "1") == 0;
    if ((owner && !accounts_name_valid(owner)) || (all && !everyone) || (owner && everyone))
        return http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_query",
                                "筛选条件不对（工作人员的用户名，或 all=1 看全部），请刷新页面后重试");
    if (!(c = catalog_acquire()))
        return reply_internal(req);
    if (corrections_json(db, everyone ? NULL : owner ? owner : req->user, catalog_calendar(c), clock_today(),
                         sweep_retention_get(), &json) != 0)
        res = reply_internal(req);
    else
        res = reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
    catalog_release(c);
    return res;
}

enum MHD_Result api_staff_remind(struct http_request *req)
{
    char id[CASE_ID_LEN + 1], *json = NULL;
    const char *note = NULL;
    enum MHD_Result res;
    struct refusal e;
    struct db *db;
    cJSON *body = NULL;
    int r;

    if (!api_staff_begin(req, &res, &db))
        return res;
    if ((r = window_resolve(db, req->params[0], id, &e)) != 0)
        return r < 0 ? reply_internal(req) : reply_refusal(req, &e);
    /* no body, or {"note"?}: the call itself is what is recorded */
    if (req->body.len > 0 && !(body = reply_json_body(req, &res)))
        return res;
    if (bodies_optional_text(body, "note", &note) != 0) {
        res = reply_invalid_body(req, "页面出了问题，提醒的内容没有收到；请刷新页面后重试");
        goto out;
    }
    r = corrections_remind(db, id, req->user, note, sweep_retention_get(), &e);
    if (r == 0)
        r = window_view_case_json(db, id, &json, &e);
    if (r < 0)
        res = reply_internal(req);
    else if (r > 0)
        res = reply_refusal(req, &e);
    else
        res = reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
out:
    cJSON_Delete(body);
    return res;
}

/* {"number":"13800138000"} or an ID number: the web cases that hold it
 * (window_view_web_find_json). A POST, so that the number stays out of
 * addresses, the browser's history and any proxy's log. */
enum MHD_Result api_staff_web_search(struct http_request *req)
{
    char folded[256], mobile[12], idno[19], *json;
    const char *number, *code, *key = NULL;
    enum MHD_Result res;
    struct db *db;
    cJSON *body;
    size_t n;
    int birth;

    if (!api_staff_begin(req, &res, &db))
        return res;
    if (!(body = reply_json_body(req, &res)))
        return res;
    number = bodies_text(body, "number");
    /* a Chinese input method types full-width digits */
    if (number && strlen(number) < sizeof folded &&
        (n = validate_fold_width(number, strlen(number), folded)) != (size_t)-1) {
        if (validate_cn_mobile(folded, n, mobile) == 0)
            key = mobile;
        else if (validate_cn_id(folded, n, clock_today(), idno, &birth, &code) == 0)
            key = idno;
    }
    if (!key) {
        res = http_reply_error(req, 422, "bad_number",
                               "请输入居民办理时填写的 11 位手机号，或 18 位身份证号");
    } else if (window_view_web_find_json(db, key, &json) != 0) {
        res = reply_internal(req);
    } else {
        res = reply_json_take(req, MHD_HTTP_OK, json, REPLY_PRIVATE);
    }
    cJSON_Delete(body);
    return res;
}

/* The case's link texted again to the mobile it holds (notify_link_send):
 * 200 with the case view and "link_sent":{"sms_to":"8000"}; 409 or 429
 * (Retry-After) as notify.h says. */
enum MHD_Result api_staff_send_link(struct http_request *req)
{
    char id[CASE_ID_LEN + 1], tail[5], *json = NULL;
    struct refusal e, e2;
    enum MHD_Result res;
    struct db *db;
    cJSON *doc = NULL, *sent;
    long retry = 0;
    int r;

    if (!api_staff_begin(req, &res, &db) || !api_staff_id(req, db, id, &res) ||
        !reply_body_unused(req, &res))
        return res;
    r = notify_link_send(db, id, req->user, tail, &retry, &e);
    if (r < 0)
        return reply_internal(req);
    if (r == 2)
        return http_reply_error_retry(req, 429, e.code, e.message, retry);
    if (r == 1)
        return reply_refusal(req, &e);
    if ((r = window_view_case_json(db, id, &json, &e2)) != 0)
        return r < 0 ? reply_internal(req) : reply_refusal(req, &e2);
    doc = cJSON_Parse(json);
    free(json);
    if (!doc || !(sent = cJSON_AddObjectToObject(doc, "link_sent")) ||
        !cJSON_AddStringToObject(sent, "sms_to", tail)) {
        cJSON_Delete(doc);
        return reply_internal(req);
    }
    return reply_doc_take(req, MHD_HTTP_OK, doc, REPLY_PRIVATE);
}
