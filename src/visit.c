/* visit: the B post at the door. A request for a home visit is a hand-in
 * without a ticket (the case waits in status visit, in no queue); the
 * visitor's result either accepts the case at the home through relay.h or
 * moves the visit to another day. Address and phone are personal: they
 * go only into the visit columns (erased with the case by sweep.c), never
 * into an event. */
#include "visit.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "clock.h"
#include "corrections.h"
#include "notify.h"
#include "relay.h"
#include "sweep.h"
#include "text.h"
#include "utf8.h"
#include "validate.h"

static const struct refusal err_already = {REFUSAL_CONFLICT, "already_submitted",
                                           "这件事已经提交过了，不需要再提交"};
static const struct refusal err_not_finished = {REFUSAL_CONFLICT, "not_finished",
                                                "还有步骤没有完成，请先完成所有步骤"};
static const struct refusal err_not_offered = {
    REFUSAL_INVALID, "visit_not_offered", "这个事项不提供上门办理，请到大厅取号办理"};
static const struct refusal err_invalid = {REFUSAL_INVALID, "validation_failed",
                                           "上门办理的信息有误，请按提示修改"};
static const struct refusal err_not_visit = {
    REFUSAL_CONFLICT, "not_visit", "这件办件不在等待上门中（可能已被同事办理），请刷新后再看"};
static const struct refusal err_not_returned = {
    REFUSAL_CONFLICT, "not_returned",
    "这件办件现在不是退回补正（可能居民已经重新提交，或同事已经办理），请刷新后再看"};
static const struct refusal err_erased = {
    REFUSAL_CONFLICT, "erased", "这件办件的填写内容已按保存期限删除，请居民重新办理"};

static const char slot_am[] = "上午";
static const char slot_pm[] = "下午";

/* ---- checks (pure) ----------------------------------------------------------- */

static int visit_problem_set(struct visit_problem *p, const char *member, const char *code,
                             const char *message)
{
    p->member = member;
    p->code = code;
    p->message = message;
    return 1;
}

int visit_check_date(const char *date, int today, char out[11], struct visit_problem *p)
{
    size_t n = date ? strlen(date) : 0;
    const char *t = date && utf8_valid(date, n) ? utf8_trim(date, &n) : NULL;
    int ymd, last = today, i;

    if (!t || n == 0)
        return visit_problem_set(p, "date", "visit_date_required", "请选择上门的日期");
    if (validate_date(t, n, &ymd) != 0)
        return visit_problem_set(p, "date", "visit_bad_date",
                                 "上门日期请写成 年-月-日，如 2026-12-08，并且是真实的日期");
    if (ymd < today)
        return visit_problem_set(p, "date", "visit_date_past", "上门日期不能早于今天，请重新选择");
    for (i = 0; i < VISIT_DAYS_MAX && last; i++)
        last = workdays_next_day(last);
    if (!last || ymd > last)
        return visit_problem_set(p, "date", "visit_date_too_far",
                                 "上门日期最多约在 30 天以内，请重新选择");
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)ymd / 10000 % 10000, (unsigned)ymd / 100 % 100,
             (unsigned)ymd % 100);
    return 0;
}

_Static_assert(VISIT_DAYS_MAX == 30, "the date's message says 30 天");
_Static_assert(VISIT_ADDRESS_MAX == 200, "the address's message says 200 个字");

/* The address: trimmed, of the text policy, 1..VISIT_ADDRESS_MAX
 * characters, into out. 0, or 1 with *p. */
static int visit_check_address(const char *s, char out[VISIT_ADDRESS_MAX * 4 + 1],
                               struct visit_problem *p)
{
    size_t n = s ? strlen(s) : 0;
    const char *t;

    if (s && !utf8_valid(s, n))
        return visit_problem_set(p, "address", "visit_bad_text", "地址里有无法显示的字符，请重新输入");
    t = s ? utf8_trim(s, &n) : NULL;
    if (!t || n == 0)
        return visit_problem_set(p, "address", "visit_address_required",
                                 "请写上门的地址，如 某某小区 3 栋 2 单元 501");
    if (utf8_count(t, n) > VISIT_ADDRESS_MAX || n > VISIT_ADDRESS_MAX * 4)
        return visit_problem_set(p, "address", "visit_address_too_long",
                                 "地址最多 200 个字，请精简一些");
    if (text_check(t, n) != 0)
        return visit_problem_set(p, "address", "visit_bad_text", "地址里有无法显示的字符，请重新输入");
    memcpy(out, t, n);
    out[n] = '\0';
    return 0;
}

int visit_check(const struct visit_ask *ask, int today, struct visit_checked *out,
                struct visit_problems *probs)
{
    probs->n = 0;
    memset(out, 0, sizeof *out);
    probs->n += (size_t)visit_check_date(ask->date, today, out->date, &probs->v[probs->n]);
    if (ask->slot && strcmp(ask->slot, slot_am) == 0)
        out->slot = slot_am;
    else if (ask->slot && strcmp(ask->slot, slot_pm) == 0)
        out->slot = slot_pm;
    else
        probs->n += (size_t)visit_problem_set(&probs->v[probs->n], "slot", "visit_bad_slot",
                                              "请选择上午或下午");
    probs->n += (size_t)visit_check_address(ask->address, out->address, &probs->v[probs->n]);
    /* the same judgment as a phone field of a form (validate.h) */
    if (!ask->phone || validate_phone(ask->phone, strlen(ask->phone), out->phone) != 0)
        probs->n += (size_t)visit_problem_set(
            &probs->v[probs->n], "phone", "visit_bad_phone",
            "请填写能联系到的手机号（11 位）或固定电话（区号-号码，如 0535-1234567）");
    return probs->n ? 1 : 0;
}

int visit_last_day(void)
{
    char now[CLOCK_UTC_LEN];
    struct catalog *c;
    int ends;

    clock_utc_now(now);
    c = catalog_acquire();
    ends = corrections_keep_until(c ? catalog_calendar(c) : NULL, now, sweep_retention_get());
    if (c)
        catalog_release(c);
    return ends;
}

/* Whether date ("YYYY-MM-DD", checked) is after visit_last_day; if so the
 * message into buf (cap bytes): lead, the last day with its weekday, why,
 * then tail. 1 when after, else 0. */
static int visit_past_keep(const char *date, const char *lead, const char *tail, char *buf, size_t cap)
{
    static const char *const wd[] = {"一", "二", "三", "四", "五", "六", "日"};
    int ymd = atoi(date) * 10000 + atoi(date + 5) * 100 + atoi(date + 8), ends = visit_last_day(), w;

    if (!ends || ymd <= ends)
        return 0;
    w = workdays_weekday(ends);
    snprintf(buf, cap, "%s%d月%d日%s%s%s：再晚，这件办件在上门以前就会按保存期限自动结束。%s", lead,
             ends / 100 % 100, ends % 100, w >= 0 ? "（星期" : "", w >= 0 ? wd[w] : "", w >= 0 ? "）" : "",
             tail);
    return 1;
}

/* A day the case does not live to see: the sweep gives a returned or
 * visit case up sweep_stale_days after its last activity, the booking or
 * request itself, and a visit is asked up to VISIT_DAYS_MAX days ahead.
 * With --retention-days under 30, or on the 30th day, the hall promised
 * the elder a day, and by then the case was gone from the B post's list,
 * 已结束 on its slip. The day must be on or before visit_last_day, the
 * correct_by the move leaves (the day the resident's page and notice
 * name: a visit after it would contradict them), and the message names
 * it, so that the resident picks again without guessing. v is
 * visit_check's, its date "" when at fault already. 0, or 1 with a
 * problem of date added. */
static int visit_kept_check(const struct visit_checked *v, struct visit_problems *probs)
{
    if (!v->date[0] || probs->n >= VISIT_PROBLEMS_MAX)
        return 0;
    if (!visit_past_keep(v->date, "上门日期最晚只能选", "请选这一天或更早的日期", probs->keep_text,
                         sizeof probs->keep_text))
        return 0;
    return visit_problem_set(&probs->v[probs->n++], "date", "visit_date_after_keep", probs->keep_text);
}

/* ---- moves ----------------------------------------------------------------- */

static int visit_refuse(struct db *db, struct refusal *e, const struct refusal *why)
{
    *e = *why;
    db_rollback(db);
    return 1;
}

/* The refusals a request and a booking share once the case's status is
 * right: an item without visits, then a date, slot or address at fault
 * (bad, visit_check's and visit_kept_check's: what the case is comes
 * before what the ask says). 1 after visit_refuse, or 0. */
static int visit_ask_refuse(struct db *db, const struct case_state *cs, int bad, struct refusal *e)
{
    if (!cs->model->visit)
        return visit_refuse(db, e, &err_not_offered);
    return bad ? visit_refuse(db, e, &err_invalid) : 0;
}

/* A request starts a new hand-in: what a return said is history (the
 * events keep it), no ticket (a visit is in no queue), nothing of an
 * earlier acceptance or a hand-in at a desk shown while it waits; a turn (queue_seq, as a web
 * case's in pre-review) orders the day's list by when it was asked for,
 * which submitted_at, to the second, cannot. */
static const char sql_request[] =
    "UPDATE cases SET status = 'visit', submitted_at = ?2, visit_date = ?3, visit_slot = ?4,"
    " visit_address = ?5, visit_phone = ?6, ticket = NULL, ticket_day = NULL,"
    " returned_reason = NULL, returned_items = NULL, returned_at = NULL, returned_by = NULL,"
    " calls = 0, called_at = NULL, called_by = NULL, accepted_at = NULL, accepted_by = NULL,"
    " no_show_at = NULL, missing_items = NULL, handed_in_by = NULL,"
    " queue_seq = (SELECT coalesce(max(queue_seq), 0) + 1 FROM cases) WHERE id = ?1";

int visit_request(struct db *db, const char *id, const char *user, const struct visit_ask *ask,
                  int today, struct visit_problems *probs, struct refusal *e)
{
    struct visit_checked v;
    struct case_state cs;
    char now[CLOCK_UTC_LEN], detail[32];
    sqlite3_stmt *st;
    int rc, bad, b = SQLITE_OK;

    bad = visit_check(ask, today, &v, probs);
    bad |= visit_kept_check(&v, probs);
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    /* what the case is comes before what the request says: a resident
     * asking for an item that has no visits needs no advice on the phone */
    if (strcmp(cs.status, "open") != 0 && strcmp(cs.status, "returned") != 0) {
        rc = visit_refuse(db, e, &err_already);
        goto done;
    }
    if (!cs.conditions_confirmed || cs.step < cs.model->n_steps) {
        rc = visit_refuse(db, e, &err_not_finished);
        goto done;
    }
    if ((rc = visit_ask_refuse(db, &cs, bad, e)) != 0)
        goto done;
    probs->n = 0;
    rc = -1;
    clock_utc_now(now);
    snprintf(detail, sizeof detail, "%s %s", v.date, v.slot);
    if (!(st = db_stmt(db, sql_request)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, cs.id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, v.date, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, v.slot, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, v.address, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 6, v.phone, -1, SQLITE_STATIC);
    /* asked again after 补正: the resident is back, nobody need phone */
    if (db_run(st, b) != 0 ||
        (strcmp(cs.status, "returned") == 0 && notify_settle(db, cs.id, NOTIFY_RETURNED) != 0) ||
        cases_event_add(db, cs.id, "visit_requested", cs.channel, user, -1, detail) != 0 ||
        db_commit(db) != 0)
        goto rollback;
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cases_state_free(&cs);
    return rc;
}

static const char sql_move[] = "UPDATE cases SET visit_date = ?2 WHERE id = ?1";

/* not_home inside the open transaction: the new date and the event. 0 or -1. */
static int visit_move_locked(struct db *db, const struct case_state *cs, const char *user,
                             const char *date)
{
    sqlite3_stmt *st = db_stmt(db, sql_move);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
    /* the detail is the new day: a date is not personal, the address is */
    if (db_run(st, b) != 0 || cases_event_add(db, cs->id, "not_home", "visit", user, -1, date) != 0)
        return -1;
    return 0;
}

int visit_result(struct db *db, const char *id, const char *user, enum visit_result result,
                 const char *date, const struct workdays *cal, int today, struct refusal *e)
{
    /* the refusal's message is static storage (refusal.h): this thread's */
    static _Thread_local char keep_text[192];
    struct visit_problem p;
    struct case_state cs;
    char day[11];
    int rc;

    memset(&cs, 0, sizeof cs);
    if (result == VISIT_NOT_HOME && visit_check_date(date, today, day, &p) != 0) {
        e->kind = REFUSAL_INVALID;
        e->code = p.code;
        e->message = p.message;
        return 1;
    }
    /* a new day the case would not live to see, as a booking is refused
     * it (visit_kept_check); the contract route keeps its codes, so the
     * day too far it is, with the last day named */
    if (result == VISIT_NOT_HOME &&
        visit_past_keep(day, "改期最晚只能改到", "请和居民约这一天或更早的日期", keep_text, sizeof keep_text)) {
        e->kind = REFUSAL_INVALID;
        e->code = "visit_date_too_far";
        e->message = keep_text;
        return 1;
    }
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (strcmp(cs.status, "visit") != 0) {
        rc = visit_refuse(db, e, &err_not_visit);
        goto done;
    }
    if (cs.erased) {
        rc = visit_refuse(db, e, &err_erased);
        goto done;
    }
    rc = -1;
    if (result == VISIT_HANDLED) {
        /* accepted at the home: the chain begins (or resumes after 补正)
         * and the visitor owns it, as the resident now knows them */
        if (relay_accept_locked(db, &cs, user, "visit", "visit", true, cal, today) != 0 ||
            cases_event_add(db, cs.id, "visited", "visit", user, -1, NULL) != 0)
            goto rollback;
    } else if (visit_move_locked(db, &cs, user, day) != 0) {
        goto rollback;
    }
    if (db_commit(db) != 0)
        goto rollback;
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cases_state_free(&cs);
    return rc;
}

/* ---- the B post's list --------------------------------------------------------- */

/* 上午 before 下午, then in the order they were asked for; today's list
 * (?3 1) begins with the visits of earlier days nobody recorded, oldest
 * first: a day the B post missed must not hide an elder's request until
 * retention abandons it */
/* A booking keeps the case returned (its reopened steps are the B post's
 * to correct at the home) and only says where and when: the visit's
 * columns, which the staff view's 代为补正 hands in again with (提交，
 * 在居民家中办理). The ticket stays: the resident may still come. */
static const char sql_book[] =
    "UPDATE cases SET visit_date = ?2, visit_slot = ?3, visit_address = ?4, visit_phone = ?5"
    " WHERE id = ?1";

int visit_book(struct db *db, const char *id, const char *user, const struct visit_ask *ask, int today,
               struct visit_problems *probs, struct refusal *e)
{
    struct visit_checked v;
    struct case_state cs;
    char detail[32];
    sqlite3_stmt *st;
    int rc, bad, b = SQLITE_OK;

    bad = visit_check(ask, today, &v, probs);
    bad |= visit_kept_check(&v, probs);
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (strcmp(cs.status, "returned") != 0) {
        rc = visit_refuse(db, e, &err_not_returned);
        goto done;
    }
    if ((rc = visit_ask_refuse(db, &cs, bad, e)) != 0)
        goto done;
    probs->n = 0;
    rc = -1;
    snprintf(detail, sizeof detail, "%s %s", v.date, v.slot);
    if (!(st = db_stmt(db, sql_book)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, cs.id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, v.date, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, v.slot, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, v.address, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, v.phone, -1, SQLITE_STATIC);
    /* activity: the hall agreed a day with the resident, so the sweep's
     * period (the resident's correct_by) runs from here; and the resident
     * was told of the return then (notify_settle_returned_by) */
    if (db_run(st, b) != 0 || cases_event_add(db, cs.id, "visit_booked", cs.channel, user, -1, detail) != 0 ||
        notify_settle_returned_by(db, cs.id, user) != 0 || db_commit(db) != 0)
        goto rollback;
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cases_state_free(&cs);
    return rc;
}

/* ?2: whether the phone goes too (visit_call_off_locked) */
static const char sql_call_off[] =
    "UPDATE cases SET visit_date = NULL, visit_slot = NULL, visit_address = NULL,"
    " visit_phone = CASE WHEN ?2 THEN NULL ELSE visit_phone END WHERE id = ?1";

int visit_call_off_locked(struct db *db, const struct case_state *cs)
{
    sqlite3_stmt *st = db_stmt(db, sql_call_off);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    /* the phone was given to arrange the visit; once it is off, it is kept
     * only as the number that tells the resident about the case, which a
     * mobile among the answers already is (notify_phone and notify_mobile
     * take that first): then it would only wait for retention, unused,
     * and it may be a relative's */
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, notify_form_mobile(cs) != NULL);
    return db_run(st, b);
}

static const char sql_list[] =
    "SELECT id FROM cases"
    " WHERE status = 'visit' AND (visit_date = ?1 OR (?3 AND visit_date < ?1))"
    " ORDER BY visit_date, visit_slot <> '上午', queue_seq, id LIMIT ?2";

/* c (a returned case) has no visit_booked event since its last return:
 * a visit booked for it is on its day's list (sql_booked), not among the
 * returns the B post has not settled. */
#define VISIT_NOT_BOOKED                                                                     \
    "NOT EXISTS (SELECT 1 FROM case_events k WHERE k.case_id = c.id AND k.what = 'visit_booked'" \
    " AND k.id > (SELECT max(x.id) FROM case_events x WHERE x.case_id = c.id AND x.what = 'returned'))"

/* Cases returned at the resident's home and not handed in again: asked
 * for as a visit (the visit's columns), in no queue (no ticket: a hand-in
 * at the hall takes one, and a return keeps it), never accepted since (a
 * return while accepted keeps accepted_at), returned since ?1 (UTC), the
 * newest return first. The B post corrects them there (代为补正) or goes
 * back; a phone reloaded after the return had no way left to open them.
 * The hand-in the last return answered was the visit's (a case returned
 * at the home, corrected from home and handed in to pre-review, then
 * returned from there, has no ticket either: the B post went back to an
 * elder who had never asked again). Bounded by the case's events. */
static const char sql_returned[] =
    "SELECT id FROM cases c"
    " WHERE status = 'returned' AND visit_date IS NOT NULL AND ticket IS NULL"
    " AND accepted_at IS NULL AND returned_at >= ?1 AND " VISIT_NOT_BOOKED
    " AND (SELECT h.what FROM case_events h WHERE h.case_id = c.id"
    "  AND h.what IN ('submitted', 'visit_requested') ORDER BY h.id DESC LIMIT 1) = 'visit_requested'"
    " ORDER BY returned_at DESC, id LIMIT ?2";

/* Returned cases with a visit booked since their last return (visit_book):
 * on their day, and in today's list those of earlier days still returned
 * (nobody went, or went and could not finish), as sql_list orders visits. */
static const char sql_booked[] =
    "SELECT id FROM cases c"
    " WHERE status = 'returned' AND (visit_date = ?1 OR (?3 AND visit_date < ?1))"
    " AND NOT " VISIT_NOT_BOOKED
    " ORDER BY visit_date, visit_slot <> '上午', returned_at, id LIMIT ?2";

static int visit_add_str(cJSON *o, const char *key, const char *s)
{
    return (s ? cJSON_AddStringToObject(o, key, s) : cJSON_AddNullToObject(o, key)) ? 0 : -1;
}

/* cases_load for a list: a case whose pinned version no longer parses
 * (models.c said so) is left out, 1, as the staff queue leaves it out
 * (window_view.c): one such case answered the B post's whole list 500.
 * Logged by item and version, never by case id. */
static int visit_case_load(struct db *db, const char *id, struct case_state *cs, struct refusal *e)
{
    int r = cases_load(db, id, cs, e);

    if (r < 0 && cs->procedure[0] && !cs->model) {
        fprintf(stderr, "spkiosk: visits: a case of %s version %.12s cannot be read, left out\n",
                cs->procedure, cs->hash);
        r = 1;
    }
    return r;
}

/* Starts a row of either list in arr: loads the case into cs (the
 * caller frees it whatever this returns) and adds what both rows show,
 * the item's title from the version the case pinned. Returns 0 with *row
 * in arr, 1 for a case left out (visit_case_load), -1 on error. */
static int visit_row_start(struct db *db, cJSON *arr, const char *id, struct case_state *cs, cJSON **row)
{
    struct refusal e;
    cJSON *o;
    int r, rc = 0;

    r = visit_case_load(db, id, cs, &e);
    if (r != 0)
        return r;
    if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return -1;
    }
    rc |= visit_add_str(o, "id", cs->id);
    rc |= visit_add_str(o, "procedure", cs->procedure);
    rc |= visit_add_str(o, "title", cs->model->title);
    rc |= visit_add_str(o, "date", cs->r.visit_date);
    rc |= visit_add_str(o, "slot", cs->r.visit_slot);
    rc |= visit_add_str(o, "address", cs->r.visit_address);
    rc |= visit_add_str(o, "phone", cs->r.visit_phone);
    *row = o;
    return rc;
}

/* One row of the list: overdue, a rest day, and the corrected case's
 * resumed dates beside what visit_row_start adds. */
static int visit_list_add(struct db *db, cJSON *arr, const char *id, const char *date,
                          const struct workdays *cal, int today)
{
    struct case_state cs;
    cJSON *o = NULL;
    int r, rc, ymd;

    r = visit_row_start(db, arr, id, &cs, &o);
    if (r != 0) {
        cases_state_free(&cs);
        return r > 0 ? 0 : -1;
    }
    rc = cJSON_AddBoolToObject(o, "overdue", strcmp(cs.r.visit_date, date) < 0) ? 0 : -1;
    /* booked while the calendar lacked its year, on a day it now rests */
    rc |= cJSON_AddBoolToObject(o, "rest_day", validate_date(cs.r.visit_date, strlen(cs.r.visit_date), &ymd) == 0 &&
                                                   !workdays_is_working(cal, ymd)) ? 0 : -1;
    /* a corrected case whose resident asked for the visit: on the hall's
     * clock from then, late by the dates it resumes to (the day's report) */
    rc |= relay_resume_json(db, &cs, cal, today, o);
    cases_state_free(&cs);
    return rc;
}

/* One row of the returned list: as a visit's, with when and by whom. */
static int visit_returned_add(struct db *db, cJSON *arr, const char *id)
{
    struct case_state cs;
    cJSON *o = NULL;
    int r, rc;

    r = visit_row_start(db, arr, id, &cs, &o);
    if (r != 0) {
        cases_state_free(&cs);
        return r > 0 ? 0 : -1;
    }
    rc = visit_add_str(o, "returned_at", cs.w.returned_at[0] ? cs.w.returned_at : NULL);
    rc |= visit_add_str(o, "returned_by", cs.w.returned_by[0] ? cs.w.returned_by : NULL);
    cases_state_free(&cs);
    return rc;
}

/* One row of the booked list: as a returned one's, and overdue (an
 * earlier day's, on today's list) as a visit's. */
static int visit_booked_add(struct db *db, cJSON *arr, const char *id, const char *date)
{
    struct case_state cs;
    cJSON *o = NULL;
    int r, rc;

    r = visit_row_start(db, arr, id, &cs, &o);
    if (r != 0) {
        cases_state_free(&cs);
        return r > 0 ? 0 : -1;
    }
    rc = cJSON_AddBoolToObject(o, "overdue", strcmp(cs.r.visit_date, date) < 0) ? 0 : -1;
    rc |= visit_add_str(o, "returned_at", cs.w.returned_at[0] ? cs.w.returned_at : NULL);
    rc |= visit_add_str(o, "returned_by", cs.w.returned_by[0] ? cs.w.returned_by : NULL);
    cases_state_free(&cs);
    return rc;
}

/* The ids of sql_booked for date into ids (at most VISIT_LIST_MAX), inside
 * the open read. Returns how many, or -1. */
static int visit_booked_ids(struct db *db, const char *date, bool is_today, char ids[][CASE_ID_LEN + 1])
{
    sqlite3_stmt *st = db_stmt(db, sql_booked);
    int r = SQLITE_DONE, b = SQLITE_OK, n = 0;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, VISIT_LIST_MAX);
    b |= sqlite3_bind_int(st, 3, is_today);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW && n < VISIT_LIST_MAX)
        snprintf(ids[n++], CASE_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return b != SQLITE_OK || (r != SQLITE_DONE && r != SQLITE_ROW) ? -1 : n;
}

/* The ids of sql_returned into ids (at most VISIT_LIST_MAX), inside the
 * open read. Returns how many, or -1. */
static int visit_returned_ids(struct db *db, char ids[][CASE_ID_LEN + 1])
{
    char since[CLOCK_UTC_LEN];
    sqlite3_stmt *st = db_stmt(db, sql_returned);
    int r = SQLITE_DONE, b = SQLITE_OK, n = 0;

    if (!st)
        return -1;
    /* a return older than the days a visit may be booked ahead is not
     * one the B post is still on */
    clock_utc(time(NULL) - (time_t)VISIT_DAYS_MAX * 86400, since);
    b |= sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, VISIT_LIST_MAX);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW && n < VISIT_LIST_MAX)
        snprintf(ids[n++], CASE_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return b != SQLITE_OK || (r != SQLITE_DONE && r != SQLITE_ROW) ? -1 : n;
}

int visit_list_json(struct db *db, const char *date, const char *today, const struct workdays *cal,
                    char **out)
{
    char ids[VISIT_LIST_MAX][CASE_ID_LEN + 1];
    cJSON *root = NULL, *arr, *back, *booked;
    sqlite3_stmt *st;
    size_t n = 0, i;
    int r = SQLITE_DONE, b = SQLITE_OK, rc = -1, day = 0, m;
    bool is_today = strcmp(date, today) == 0;

    *out = NULL;
    if (db_read_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_list)))
        goto end;
    b |= sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, VISIT_LIST_MAX);
    b |= sqlite3_bind_int(st, 3, is_today);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW && n < VISIT_LIST_MAX)
        snprintf(ids[n++], CASE_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (b != SQLITE_OK || (r != SQLITE_DONE && r != SQLITE_ROW))
        goto end;
    if (!(root = cJSON_CreateObject()) || !(arr = cJSON_AddArrayToObject(root, "visits")))
        goto end;
    if (validate_date(today, strlen(today), &day) != 0)
        day = 0;
    for (i = 0; i < n; i++)
        if (visit_list_add(db, arr, ids[i], date, cal, day) != 0)
            goto end;
    /* ours: today's list only, as the overdue ones */
    if (!(back = cJSON_AddArrayToObject(root, "returned")))
        goto end;
    if (is_today) {
        if ((m = visit_returned_ids(db, ids)) < 0)
            goto end;
        for (i = 0; i < (size_t)m; i++)
            if (visit_returned_add(db, back, ids[i]) != 0)
                goto end;
    }
    /* ours: every day's, the returns booked for it */
    if (!(booked = cJSON_AddArrayToObject(root, "booked")) || (m = visit_booked_ids(db, date, is_today, ids)) < 0)
        goto end;
    for (i = 0; i < (size_t)m; i++)
        if (visit_booked_add(db, booked, ids[i], date) != 0)
            goto end;
    if ((*out = cJSON_PrintUnformatted(root)))
        rc = 0;
end:
    cJSON_Delete(root);
    if (db_read_end(db) != 0 && rc == 0) {
        free(*out);
        *out = NULL;
        rc = -1;
    }
    return rc;
}
