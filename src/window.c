/* window: the moves of a handed-in case. The cases module keeps the
 * resident's walk and reads a case's row; this one hands the case in
 * (ticket, turn) and moves it through the window, each move naming the
 * staffer in its event. The only writer of the window's columns. */
#include "window.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "accounts.h"
#include "clock.h"
#include "display.h"
#include "notify.h"
#include "rate.h"
#include "relay.h"
#include "text.h"
#include "utf8.h"
#include "validate.h"
#include "visit.h"

/* the staffer columns a move writes hold any account name */
_Static_assert(CASE_USER_MAX == ACCOUNTS_NAME_MAX, "case_window names fit an account name");

/* ---- errors ---------------------------------------------------------------- */

static const struct refusal err_unknown = {REFUSAL_NOT_FOUND, "unknown_case", "没有找到这件办件，请核对排队号或重新扫码"};
static const struct refusal err_not_waiting = {
    REFUSAL_CONFLICT, "not_waiting", "这件办件不在等候中（可能已被其他窗口受理、退回或办结），请刷新后再看"};
static const struct refusal err_not_returnable = {
    REFUSAL_CONFLICT, "not_returnable", "这件办件现在不能退回补正：只有等候中、等候上门、已受理或网上预审中的办件可以退回，请刷新后再看"};
static const struct refusal err_not_prereview = {
    REFUSAL_CONFLICT, "not_prereview", "只有网上预审中的办件才能通知居民来大厅，请刷新后再看"};
static const struct refusal err_date_bad = {
    REFUSAL_INVALID, "bad_date", "请选择请居民来大厅的日期，写成 年-月-日，如 2026-12-08"};
static const struct refusal err_date_past = {REFUSAL_INVALID, "date_past",
                                              "来大厅的日期不能早于今天，请重新选择"};
static const struct refusal err_date_far = {
    REFUSAL_INVALID, "date_too_far", "来大厅的日期最多约在 90 天以内，请重新选择"};
static const struct refusal err_note_long = {REFUSAL_INVALID, "note_too_long",
                                              "给居民的说明最多 500 个字，请精简一些"};
static const struct refusal err_ticket_old = {
    REFUSAL_CONFLICT, "ticket_expired",
    "这是往日的排队号，不能再叫号（今天可能有人拿着同一个号）。居民在窗口的话可以直接受理；"
    "也可以请居民扫办件码重新取号"};
static const struct refusal err_not_called = {REFUSAL_CONFLICT, "not_called",
                                               "还没有叫过这个号，请先叫号，再标记未到"};
static const struct refusal err_queue_empty = {REFUSAL_CONFLICT, "queue_empty", "没有等待叫号的办件"};
static const struct refusal err_reason_required = {REFUSAL_INVALID, "reason_required",
                                                    "请写明退回的原因，居民会看到它"};
static const struct refusal err_reason_long = {REFUSAL_INVALID, "reason_too_long",
                                                "退回原因最多 500 个字，请精简一些"};
static const struct refusal err_erased = {
    REFUSAL_CONFLICT, "erased", "这件办件的填写内容已按保存期限删除，请居民重新办理"};
static const struct refusal err_bad_text = {REFUSAL_INVALID, "bad_text",
                                             "文字里有无法显示的字符，请重新输入"};
static const struct refusal err_bad_flag = {
    REFUSAL_INVALID, "bad_flag", "标出的材料或填写项不属于这个事项，请刷新办件后重新选择"};
static const struct refusal err_flag_na = {
    REFUSAL_INVALID, "bad_flag", "标出的材料或填写项对这件办件不适用，居民不需要补正它；请刷新办件后重新选择"};

/* ---- finding a case ------------------------------------------------------ */

static const char sql_by_ticket[] = "SELECT id FROM cases WHERE ticket_day = ?1 AND ticket = ?2";

static bool window_is_hex_id(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return i == CASE_ID_LEN;
}

/* key, a case id in either case (a scanner may send upper case), in
 * lower case as stored. */
static void window_id_lower(const char *key, char id_out[CASE_ID_LEN + 1])
{
    size_t i;

    for (i = 0; i < CASE_ID_LEN; i++)
        id_out[i] = (char)(key[i] >= 'A' && key[i] <= 'F' ? key[i] - 'A' + 'a' : key[i]);
    id_out[CASE_ID_LEN] = '\0';
}

/* Whether key is a ticket as window_ticket_next makes them: a letter and
 * WINDOW_TICKET_DIGITS_MIN..MAX digits (`A017`, `A0001` once A001..Z999
 * are used up). */
static bool window_is_ticket(const char *key)
{
    size_t i, n = strlen(key);

    if (n < 1 + WINDOW_TICKET_DIGITS_MIN || n > 1 + WINDOW_TICKET_DIGITS_MAX ||
        !((key[0] >= 'A' && key[0] <= 'Z') || (key[0] >= 'a' && key[0] <= 'z')))
        return false;
    for (i = 1; i < n; i++)
        if (key[i] < '0' || key[i] > '9')
            return false;
    return true;
}

/* Today's case of ticket key (`A017`, any case): 0 with its id, 1 when
 * key is no ticket or no case of today has it, -1 on error. */
static int window_by_ticket(struct db *db, const char *key, char id_out[CASE_ID_LEN + 1])
{
    sqlite3_stmt *st;
    char ticket[WINDOW_TICKET_BUF], day[11];
    int r, b = SQLITE_OK;

    if (!window_is_ticket(key))
        return 1;
    snprintf(ticket, sizeof ticket, "%s", key);
    if (ticket[0] >= 'a')
        ticket[0] = (char)(ticket[0] - 'a' + 'A');
    /* tickets start again every day: a ticket alone means today's */
    clock_today_text(day);
    if (!(st = db_stmt(db, sql_by_ticket)))
        return -1;
    b |= sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, ticket, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW)
        snprintf(id_out, CASE_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (r == SQLITE_DONE)
        return 1;
    return r == SQLITE_ROW ? 0 : -1;
}

int window_resolve(struct db *db, const char *key, char id_out[CASE_ID_LEN + 1],
                   struct refusal *e)
{
    int r;

    if (window_is_hex_id(key)) {
        window_id_lower(key, id_out);
        return 0;
    }
    if ((r = window_by_ticket(db, key, id_out)) > 0)
        *e = err_unknown;
    return r;
}

/* ---- a resident's way back in ---------------------------------------------- */

/* One answer whatever did not match, so that it tells nothing of the ticket. */
static const struct refusal err_lookup = {
    REFUSAL_NOT_FOUND, "not_found",
    "没有找到对应的办件。请核对排队号和后四位；也可以扫描凭条上的二维码，或到综合窗口询问"};
static const struct refusal err_last4 = {
    REFUSAL_INVALID, "bad_last4", "请输入身份证号或手机号的最后四位（数字，身份证号最后一位可能是 X）"};

/* Whether the case holds an ID number or a mobile ending in last4 (upper
 * case X); only the types that identify a person count. */
static bool window_last4_matches(const struct case_state *cs, const char *last4)
{
    const struct procedure *p = cs->model;
    size_t j, i, n;

    for (j = 0; j < p->n_steps; j++) {
        for (i = 0; i < p->steps[j].n_fields; i++) {
            const struct field *f = &p->steps[j].fields[i];
            const char *v;
            /* a phone box (手机或座机) holds the mobile of most who fill it:
             * 高龄津贴's residents were told no match for the number they
             * typed (a resident's review) */
            if (f->type != FIELD_CN_ID && f->type != FIELD_CN_MOBILE && f->type != FIELD_PHONE)
                continue;
            if (!(v = cases_value(cs, f->key)) || (n = strlen(v)) < WINDOW_LAST4_LEN)
                continue;
            if (strncasecmp(v + n - WINDOW_LAST4_LEN, last4, WINDOW_LAST4_LEN) == 0)
                return true;
        }
    }
    return false;
}

int window_lookup(struct db *db, const char *ticket, const char *last4,
                  char id_out[CASE_ID_LEN + 1], struct refusal *e)
{
    struct case_state cs;
    char id[CASE_ID_LEN + 1];
    size_t i;
    int r;

    for (i = 0; i < WINDOW_LAST4_LEN; i++)
        if (!((last4[i] >= '0' && last4[i] <= '9') ||
              (i == WINDOW_LAST4_LEN - 1 && (last4[i] == 'X' || last4[i] == 'x'))))
            break;
    if (i < WINDOW_LAST4_LEN || last4[i]) {
        *e = err_last4;
        return 1;
    }
    if (db_read_begin(db) != 0)
        return -1;
    memset(&cs, 0, sizeof cs);
    r = window_by_ticket(db, ticket, id);
    if (r == 0)
        r = cases_load(db, id, &cs, e);
    if (db_read_end(db) != 0 && r >= 0)
        r = -1;
    if (r == 0 && !window_last4_matches(&cs, last4))
        r = 1;
    if (r == 0)
        memcpy(id_out, id, sizeof id);
    else if (r > 0)
        *e = err_lookup;
    cases_state_free(&cs);
    return r;
}

/* ---- moves ----------------------------------------------------------------- */

const char *window_text_check(const char *s, size_t max, char *buf, size_t cap,
                              const struct refusal *empty, const struct refusal *toolong,
                              struct refusal *e)
{
    size_t n = s ? strlen(s) : 0, count;
    const char *t;

    if (!s || !utf8_valid(s, n)) {
        *e = s ? err_bad_text : *empty;
        return NULL;
    }
    t = utf8_trim(s, &n);
    if (n == 0) {
        *e = *empty;
        return NULL;
    }
    count = utf8_count(t, n);
    if (count > max || n >= cap) {
        *e = *toolong;
        return NULL;
    }
    if (text_check(t, n) != 0) {
        *e = err_bad_text;
        return NULL;
    }
    memcpy(buf, t, n);
    buf[n] = '\0';
    return buf;
}

/* A staffer's text as above, of at most WINDOW_TEXT_MAX characters. */
static const char *window_text(const char *s, char *buf, size_t cap, const struct refusal *empty,
                               const struct refusal *toolong, struct refusal *e)
{
    return window_text_check(s, WINDOW_TEXT_MAX, buf, cap, empty, toolong, e);
}

/* Runs an UPDATE of the case (?1 id, ?2 now, and when the statement has
 * them ?3 user, ?4 text), adds the event and commits; rolls back on
 * failure. Returns 0 or -1. */
static int window_apply(struct db *db, const struct case_state *cs, const char *sql, const char *user,
                        const char *text, const char *what, const char *detail)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    char now[CLOCK_UTC_LEN];
    int b = SQLITE_OK;

    clock_utc_now(now);
    if (!st)
        goto fail;
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 3)
        b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 4)
        b |= text ? sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 4);
    if (db_run(st, b) != 0 || cases_event_add(db, cs->id, what, "window", user, -1, detail) != 0 ||
        db_commit(db) != 0)
        goto fail;
    return 0;
fail:
    db_rollback(db);
    return -1;
}

static bool window_status(const struct case_state *cs, const char *s)
{
    return strcmp(cs->status, s) == 0;
}

/* A move refused for why: rolls back the move's transaction. Returns 1. */
static int window_refuse(struct db *db, struct refusal *e, const struct refusal *why)
{
    *e = *why;
    db_rollback(db);
    return 1;
}

int window_accept(struct db *db, const char *id, const char *user, const struct workdays *cal,
                  int today, struct refusal *e)
{
    return window_accept_at(db, id, user, NULL, false, cal, today, e);
}

int window_accept_at(struct db *db, const char *id, const char *user, const char *window,
                     bool walk_in, const struct workdays *cal, int today, struct refusal *e)
{
    char win[DISPLAY_WINDOW_BUF];
    struct case_state cs;
    bool unasked;
    int rc, shortened = 0;

    memset(&cs, 0, sizeof cs);
    if (display_window_check(window, win, e) != 0)
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    /* a resident marked absent who turns up after all is served, unless
     * the retention period has already erased what they filled in; a web
     * case invited to the hall is taken up when the resident comes, and
     * one still in pre-review, or waiting for the B post's visit, when the
     * window says its resident walked in (walk_in: without it the answer
     * stays the 409 it always was) */
    unasked = walk_in && (window_status(&cs, "prereview") || window_status(&cs, "visit"));
    if (!window_status(&cs, "waiting") && !window_status(&cs, "invited") && !unasked &&
        !(window_status(&cs, "abandoned") && cs.w.no_show_at[0])) {
        rc = window_refuse(db, e, &err_not_waiting);
        goto done;
    }
    if (cs.erased) {
        rc = window_refuse(db, e, &err_erased);
        goto done;
    }
    /* the chain begins, or resumes where a return stopped it (relay.h);
     * the evaluator of the window stops asking about the resident before
     * (accepted without a call, the one who sits there now would be asked
     * to rate a stranger's service for up to 15 minutes) */
    /* a visit asked for and its resident here instead: the B post must
     * not go, and the history says the window took it, not the home */
    if ((unasked && window_status(&cs, "visit") && visit_call_off_locked(db, &cs) != 0) ||
        relay_accept_locked(db, &cs, user, "window",
                            !unasked ? NULL : window_status(&cs, "visit") ? "walk_in_visit" : "walk_in", false,
                            cal, today) != 0 ||
        (win[0] && (shortened = rate_offer_shorten(db, win)) < 0) || db_commit(db) != 0) {
        db_rollback(db);
        rc = -1;
        goto done;
    }
    db_after_durable(display_changed); /* one fewer waiting, when it was not called */
    if (shortened)
        db_after_durable(rate_changed);
done:
    cases_state_free(&cs);
    return rc;
}

int window_seat(struct db *db, const char *window, struct refusal *e)
{
    char win[DISPLAY_WINDOW_BUF];
    int shortened;

    if (display_window_check(window, win, e) != 0)
        return 1;
    if (!win[0])
        return 0;
    if (db_begin(db) != 0)
        return -1;
    if ((shortened = rate_offer_shorten(db, win)) < 0 || db_commit(db) != 0) {
        db_rollback(db);
        return -1;
    }
    if (shortened)
        db_after_durable(rate_changed);
    return 0;
}

/* Appends the names of in (NULL: none) that name a part of the case's
 * procedure to out, without repeats; *steps gets each part's step marked.
 * Returns 0, 1 with e (a name of no part, a part that does not apply to
 * the case, a bad tail), -1. A part that does not apply would reopen
 * nothing and let the case go back unchanged. */
static int window_flag_parts(const struct case_state *cs, const struct window_flags *in,
                             bool fields, cJSON *out, bool *steps, struct refusal *e)
{
    const struct procedure *p = cs->model;
    size_t j, i, k;

    for (k = 0; in && k < in->n; k++) {
        const char *name = in->names[k];
        bool found = false, applies = false, seen = false;
        const cJSON *y;
        cJSON *v;
        for (j = 0; j < p->n_steps && !found; j++) {
            if (fields) {
                for (i = 0; i < p->steps[j].n_fields && !found; i++)
                    if ((found = strcmp(p->steps[j].fields[i].key, name) == 0))
                        applies = cases_field_applies(cs, j, &p->steps[j].fields[i]);
            } else {
                for (i = 0; i < p->steps[j].n_items && !found; i++)
                    if ((found = strcmp(p->steps[j].items[i].id, name) == 0))
                        applies = cases_item_applies(cs, j, &p->steps[j].items[i]);
            }
            if (found)
                steps[j] = true;
        }
        if (!found || !applies) {
            *e = found ? err_flag_na : err_bad_flag;
            return 1;
        }
        cJSON_ArrayForEach(y, out)
            seen = seen || strcmp(y->valuestring, name) == 0;
        if (seen)
            continue;
        if (!(v = cJSON_CreateString(name)) || !cJSON_AddItemToArray(out, v)) {
            cJSON_Delete(v);
            return -1;
        }
    }
    if (in && in->bad_tail) {
        *e = err_bad_flag;
        return 1;
    }
    return 0;
}

static const char sql_return[] =
    "UPDATE cases SET status = 'returned', returned_at = ?2, returned_by = ?3,"
    " returned_reason = ?4, returned_items = ?5 WHERE id = ?1";
static const char sql_reopen[] = "DELETE FROM case_steps WHERE case_id = ?1 AND step = ?2";

int window_return(struct db *db, const char *id, const char *user, const char *reason,
                  const struct window_flags *fields, const struct window_flags *checklist,
                  struct refusal *e)
{
    return window_return_seen(db, id, user, reason, fields, checklist, NULL, NULL, NULL, e);
}

int window_return_seen(struct db *db, const char *id, const char *user, const char *reason,
                       const struct window_flags *fields, const struct window_flags *checklist,
                       const char *seen, const char *stage, const char *window, struct refusal *e)
{
    static const struct refusal moved = {
        REFUSAL_CONFLICT, "case_moved",
        "这件办件刚刚已被其他窗口处理，状态变了，没有退回；请看上面办件现在的状态再决定"};
    static const struct refusal moved_stage = {
        REFUSAL_CONFLICT, "stage_moved",
        "这件办件的这个环节刚刚已被同事处理过了，没有退回；请看上面办件现在的环节再决定"};
    char buf[WINDOW_TEXT_MAX * 4 + 1], now[CLOCK_UTC_LEN], win[DISPLAY_WINDOW_BUF];
    struct case_state cs;
    cJSON *items = NULL, *f_out, *c_out;
    char *items_json = NULL;
    bool *steps = NULL;
    size_t j;
    sqlite3_stmt *st;
    const char *text;
    int rc, r, b = SQLITE_OK;

    memset(&cs, 0, sizeof cs);
    if (!(text = window_text(reason, buf, sizeof buf, &err_reason_required, &err_reason_long, e)))
        return 1;
    if (display_window_check(window, win, e) != 0)
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    rc = -1;
    if (!window_status(&cs, "waiting") && !window_status(&cs, "accepted") &&
        !window_status(&cs, "prereview") && !window_status(&cs, "invited") &&
        !window_status(&cs, "visit")) {
        *e = err_not_returnable;
        rc = 1;
        goto rollback;
    }
    /* a colleague accepted (or otherwise moved) the case while this
     * staffer wrote the reason: returning it now would undo what the
     * colleague did with the resident at their window */
    if (seen && !window_status(&cs, seen)) {
        *e = moved;
        rc = 1;
        goto rollback;
    }
    /* a colleague passed the stage whose papers this staffer found short:
     * the review went on with them, so the return answers a stage that is
     * no longer the case's (as a reject over a pass) */
    if (window_status(&cs, "accepted") && relay_stage_moved(&cs, stage)) {
        *e = moved_stage;
        rc = 1;
        goto rollback;
    }
    if (!(steps = calloc(cs.model->n_steps + 1, sizeof *steps)) || !(items = cJSON_CreateObject()) ||
        !(f_out = cJSON_AddArrayToObject(items, "fields")) ||
        !(c_out = cJSON_AddArrayToObject(items, "checklist")))
        goto rollback;
    if ((r = window_flag_parts(&cs, fields, true, f_out, steps, e)) != 0 ||
        (r = window_flag_parts(&cs, checklist, false, c_out, steps, e)) != 0) {
        rc = r;
        goto rollback;
    }
    if (!(items_json = cJSON_PrintUnformatted(items)))
        goto rollback;
    /* a step holding a flagged part is done again by the resident, so the
     * kiosk leads to it and the case cannot go back unchanged by mistake */
    for (j = 0; j < cs.model->n_steps; j++) {
        if (!steps[j])
            continue;
        if (!(st = db_stmt(db, sql_reopen)))
            goto rollback;
        b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, (int)j);
        if (db_run(st, b) != 0)
            goto rollback;
    }
    if (!(st = db_stmt(db, sql_return)))
        goto rollback;
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, items_json, -1, SQLITE_STATIC);
    /* the resident is told in the same commit as the return (notify.h);
     * an accepted case's clock stops until it is accepted again. One
     * waiting for the B post is returned at the resident's home: its
     * event's channel says so (visit), for the notice shown there
     * (print_correction_html) */
    if (db_run(st, b) != 0 || relay_pause_locked(db, &cs, clock_today()) != 0 ||
        cases_event_add(db, id, "returned", window_status(&cs, "visit") && !win[0] ? "visit" : "window", user,
                        -1, text) != 0 ||
        notify_queue(db, &cs, NOTIFY_RETURNED) != 0 || db_commit(db) != 0)
        goto rollback;
    db_after_durable(display_changed); /* one fewer waiting, when it was not called */
    db_after_durable(notify_wake);
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    cJSON_Delete(items);
    free(items_json);
    free(steps);
    cases_state_free(&cs);
    return rc;
}

static const char sql_call[] =
    "UPDATE cases SET called_at = ?2, called_by = ?3, calls = calls + 1 WHERE id = ?1";
/* the first few in line: one whose pinned version cannot be read is passed over */
#define WINDOW_NEXT_TRIES 16
/* today's tickets only: an earlier day's number may be today's too (A001
 * every morning), and its holder went home at closing */
static const char sql_next[] =
    "SELECT id FROM cases WHERE status = 'waiting' AND calls = 0 AND ticket_day = ?2"
    " AND handed_in_by IS NULL ORDER BY queue_seq LIMIT ?1";

/* Calls the case read into cs, inside the open transaction: the case's
 * columns, the event, and the call screen's row (display.h) in the same
 * commit, so the hall never shows a call that did not happen. window is
 * checked already ("": none). */
static int window_call_locked(struct db *db, const struct case_state *cs, const char *user,
                              const char *window, bool transfer)
{
    sqlite3_stmt *st = db_stmt(db, sql_call);
    char now[CLOCK_UTC_LEN], detail[sizeof cs->w.called_window + DISPLAY_WINDOW_BUF + 1];
    int b = SQLITE_OK, shortened = 0;

    /* a call's detail is which call this is: 1 the first, 2 a call
     * again …; a transfer's is where from and where to ("3 5", "- 5"
     * when the last call named no window: names hold no space), so the
     * history says who sent the resident where */
    if (transfer)
        snprintf(detail, sizeof detail, "%s %s",
                 cs->w.calls > 0 && cs->w.called_window[0] ? cs->w.called_window : "-", window);
    else
        snprintf(detail, sizeof detail, "%d", cs->w.calls + 1);
    clock_utc_now(now);
    if (!st)
        goto fail;
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0 ||
        cases_event_add(db, cs->id, transfer ? "transferred" : "called", "window", user, -1, detail) != 0 ||
        !cs->ticket || display_call_add(db, cs->ticket, window) != 0 ||
        (window[0] && (shortened = rate_offer_shorten(db, window)) < 0) || db_commit(db) != 0)
        goto fail;
    db_after_durable(display_changed);
    /* the window's evaluator learns its offer's shorter life at once; a
     * call at a window with no offer wakes no tablet */
    if (shortened)
        db_after_durable(rate_changed);
    return 0;
fail:
    db_rollback(db);
    return -1;
}

int window_call_next(struct db *db, const char *user, const char *window,
                     char id_out[CASE_ID_LEN + 1], struct refusal *e)
{
    char ids[WINDOW_NEXT_TRIES][CASE_ID_LEN + 1], win[DISPLAY_WINDOW_BUF], day[CLOCK_DAY_LEN];
    struct case_state cs;
    sqlite3_stmt *st;
    size_t n = 0, i;
    int r;

    if (display_window_check(window, win, e) != 0)
        return 1;
    if (db_begin(db) != 0)
        return -1;
    clock_today_text(day);
    if (!(st = db_stmt(db, sql_next)) || sqlite3_bind_int(st, 1, WINDOW_NEXT_TRIES) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC) != SQLITE_OK) {
        db_rollback(db);
        return -1;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW && n < WINDOW_NEXT_TRIES)
        snprintf(ids[n++], CASE_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (r != SQLITE_DONE && r != SQLITE_ROW) {
        db_rollback(db);
        return -1;
    }
    /* read inside the same transaction: no other window can take it between */
    for (i = 0; i < n; i++) {
        r = cases_load(db, ids[i], &cs, e);
        if (r == 0) {
            memcpy(id_out, ids[i], CASE_ID_LEN + 1);
            r = window_call_locked(db, &cs, user, win, false);
            cases_state_free(&cs);
            return r;
        }
        if (r < 0 && cs.procedure[0] && !cs.model) {
            /* as in the queue: log the version, never the case */
            fprintf(stderr, "spkiosk: call-next: a case of %s version %.12s cannot be read, "
                            "passed over\n", cs.procedure, cs.hash);
            cases_state_free(&cs);
            continue;
        }
        cases_state_free(&cs);
        db_rollback(db);
        return -1;
    }
    db_rollback(db);
    *e = err_queue_empty;
    return 1;
}

int window_call(struct db *db, const char *id, const char *user, const char *window,
                struct refusal *e)
{
    return window_call_seen(db, id, user, window, -1, e);
}

/* A call (transfer false) or a transfer (true) of case id to window: the
 * checks both make on the case before window_call_locked, one copy.
 * Returns as window_call_seen and window_transfer do. */
static int window_call_move(struct db *db, const char *id, const char *user, const char *window,
                            int seen, bool transfer, struct refusal *e)
{
    static const struct refusal called_meanwhile = {
        REFUSAL_CONFLICT, "called_meanwhile",
        "这个号刚刚已有同事叫过了，没有再叫（免得居民被叫到两个窗口）；请刷新后再看"};
    static const struct refusal moved = {
        REFUSAL_CONFLICT, "called_meanwhile",
        "这个号刚刚已有同事叫过或转过窗口了，没有转（免得居民被叫到两个窗口）；请刷新后再看"};
    static const struct refusal no_window = {
        REFUSAL_INVALID, "window_required", "请填写要把居民转到几号窗口（如 5）"};
    static const struct refusal same = {
        REFUSAL_CONFLICT, "same_window", "这个号已经叫到这个窗口了，不用再转；请刷新后再看"};
    char win[DISPLAY_WINDOW_BUF];
    struct case_state cs;
    int rc;

    memset(&cs, 0, sizeof cs);
    if (display_window_check(window, win, e) != 0)
        return 1;
    if (transfer && !win[0]) {
        *e = no_window;
        return 1;
    }
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (!window_status(&cs, "waiting")) {
        rc = window_refuse(db, e, &err_not_waiting);
        goto done;
    }
    /* the screen would call a number someone may hold today */
    if (!cases_ticket_of_today(&cs)) {
        rc = window_refuse(db, e, &err_ticket_old);
        goto done;
    }
    /* the page showed the case not called (or called n times) and a
     * colleague's call-next took it meanwhile: calling it again would put
     * the number on the screen for this window too, while its resident
     * walks to the colleague's */
    if (seen >= 0 && cs.w.calls != seen) {
        rc = window_refuse(db, e, transfer ? &moved : &called_meanwhile);
        goto done;
    }
    /* a transfer to where the last call sent the resident: the screen
     * would say the same thing again, and the resident is there already */
    if (transfer && cs.w.calls > 0 && strcmp(cs.w.called_window, win) == 0) {
        rc = window_refuse(db, e, &same);
        goto done;
    }
    rc = window_call_locked(db, &cs, user, win, transfer);
done:
    cases_state_free(&cs);
    return rc;
}

int window_call_seen(struct db *db, const char *id, const char *user, const char *window,
                     int seen, struct refusal *e)
{
    return window_call_move(db, id, user, window, seen, false, e);
}

int window_transfer(struct db *db, const char *id, const char *user, const char *window,
                    int seen, struct refusal *e)
{
    return window_call_move(db, id, user, window, seen, true, e);
}

static const char sql_no_show[] =
    "UPDATE cases SET status = 'abandoned', no_show_at = ?2 WHERE id = ?1";

int window_no_show(struct db *db, const char *id, const char *user, struct refusal *e)
{
    struct case_state cs;
    int rc;

    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (!window_status(&cs, "waiting") || cs.w.calls == 0) {
        rc = window_refuse(db, e, window_status(&cs, "waiting") ? &err_not_called : &err_not_waiting);
        goto done;
    }
    rc = window_apply(db, &cs, sql_no_show, user, NULL, "no_show", NULL);
done:
    cases_state_free(&cs);
    return rc;
}

/* ---- a paper brought after 容缺受理 ---------------------------------------- */

static const struct refusal err_recv_not_yet = {
    REFUSAL_CONFLICT, "not_accepted", "这件办件还没有受理：请先受理（可以容缺受理），再登记补交的材料"};
static const struct refusal err_recv_returned = {
    REFUSAL_CONFLICT, "not_accepted",
    "这件办件已退回居民补正：补交的材料由居民（或代为补正时）在办件里重新勾选，请刷新后再看"};
static const struct refusal err_recv_closed = {
    REFUSAL_CONFLICT, "not_accepted",
    "这件办件已经结束（办结、不予办理，或退回补正后超时结束），不能再登记补交的材料，请刷新后再看"};
static const struct refusal err_recv_none = {REFUSAL_INVALID, "items_required",
                                              "请选择居民补交了哪份材料"};
static const struct refusal err_recv_unknown = {
    REFUSAL_INVALID, "unknown_item", "这个事项没有这份材料，请刷新办件后重新选择"};
static const struct refusal err_recv_not_owed = {
    REFUSAL_INVALID, "not_owed", "按居民填写的情况，这份材料不适用于这件办件，不用登记；请刷新办件后再看"};
static const struct refusal err_recv_already = {
    REFUSAL_CONFLICT, "already_received", "这份材料已经登记收到了（可能同事刚刚登记过），请刷新后再看"};

static const char sql_receive[] = "INSERT INTO case_checklist (case_id, item_id, step) VALUES (?1, ?2, ?3)";

/* Whether items->names[k] is named again before k: counted once. */
static bool window_named_before(const struct window_flags *items, size_t k)
{
    size_t i;

    for (i = 0; i < k; i++)
        if (strcmp(items->names[i], items->names[k]) == 0)
            return true;
    return false;
}

/* The refusal of the first name of items that is not a paper of the case
 * still to record, or NULL when every one is. An optional paper (如有) that
 * applies is one: the resident who hands it over at the window without
 * having ticked it (an elder passes 如有 by) had it missing from the
 * receipt's 已收材料 and from what the back office saw, with no way to
 * put it there. */
static const struct refusal *window_receive_check(const struct case_state *cs,
                                                  const struct window_flags *items)
{
    const struct proc_item *it;
    size_t k, step;

    for (k = 0; k < items->n; k++) {
        if (!(it = procedure_item_find(cs->model, items->names[k], &step)))
            return &err_recv_unknown;
        if (!cases_item_applies(cs, step, it))
            return &err_recv_not_owed;
        if (cases_ticked(cs, it->id))
            return &err_recv_already;
    }
    return items->bad_tail ? &err_recv_unknown : items->n ? NULL : &err_recv_none;
}

int window_receive(struct db *db, const char *id, const char *user, const struct window_flags *items,
                   struct refusal *e)
{
    const struct refusal *why;
    const struct proc_item *it;
    struct case_state cs;
    sqlite3_stmt *st;
    size_t k, step;
    int rc, b;

    memset(&cs, 0, sizeof cs);
    if (!items->n && !items->bad_tail) {
        *e = err_recv_none;
        return 1;
    }
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    /* ready too: a pickup item's resident comes back to collect the result,
     * and that is when a paper owed since acceptance is most often brought */
    if (!window_status(&cs, "accepted") && !window_status(&cs, "ready")) {
        /* abandoned too: a case returned after acceptance and never
         * corrected is given up by the sweep; it said 还没有受理 */
        rc = window_refuse(db, e, window_status(&cs, "returned") ? &err_recv_returned
                                  : window_status(&cs, "completed") || window_status(&cs, "rejected") ||
                                          window_status(&cs, "abandoned")
                                      ? &err_recv_closed
                                      : &err_recv_not_yet);
        goto done;
    }
    if ((why = window_receive_check(&cs, items))) {
        rc = window_refuse(db, e, why);
        goto done;
    }
    rc = -1;
    for (k = 0; k < items->n; k++) {
        if (window_named_before(items, k))
            continue;
        it = procedure_item_find(cs.model, items->names[k], &step);
        if (!it || !(st = db_stmt(db, sql_receive)))
            goto rollback;
        b = sqlite3_bind_text(st, 1, cs.id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, it->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 3, (int)step);
        if (db_run(st, b) != 0 ||
            cases_event_add(db, cs.id, "received", "window", user, (int)step, it->id) != 0)
            goto rollback;
    }
    /* the hand-in step of a case handed in 材料不全 is done once its
     * papers are all here: the resident's case stops saying it is not */
    for (k = 0; k < items->n; k++)
        if (!window_named_before(items, k) && procedure_item_find(cs.model, items->names[k], &step) &&
            cases_step_settle(db, cs.id, step) != 0)
            goto rollback;
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

/* ---- a 补交 recorded by mistake, withdrawn ---------------------------------- */

/* The `received` events of this acceptance that still stand: after the
 * case's last `accepted` (a return and a new hand-in replace the step's
 * ticks with what was sent then), with no later `received` of the same
 * paper (the newest counts) nor a `received_withdrawn` after it, whose
 * detail is "ITEM REASON" (ids hold no space). */
static const char sql_received_standing[] =
    "SELECT e.detail, e.at, e.user, e.step FROM case_events e"
    " WHERE e.case_id = ?1 AND e.what = 'received' AND e.detail IS NOT NULL"
    " AND e.id > (SELECT coalesce(max(id), 0) FROM case_events WHERE case_id = ?1 AND what = 'accepted')"
    " AND NOT EXISTS (SELECT 1 FROM case_events n WHERE n.case_id = ?1 AND n.id > e.id"
    " AND ((n.what = 'received' AND n.detail = e.detail) OR (n.what = 'received_withdrawn'"
    " AND substr(n.detail, 1, length(e.detail) + 1) = e.detail || ' ')))"
    " ORDER BY e.id LIMIT 1000";

/* The records of sql (detail: the item's id, at, user) whose paper is
 * of the pinned version and ticked as wanted: each called as
 * window_received_each says. */
static int window_records_each(struct db *db, const struct case_state *cs, const char *sql, bool ticked,
                               int (*each)(void *ctx, const struct proc_item *it, size_t step,
                                           const char *at, const char *user),
                               void *ctx)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    const struct proc_item *it;
    size_t step;
    int r = SQLITE_ERROR, rc = 0;

    if (!st)
        return -1;
    if (sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC) != SQLITE_OK)
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *item = (const char *)sqlite3_column_text(st, 0);
        const char *at = (const char *)sqlite3_column_text(st, 1);
        const char *user = (const char *)sqlite3_column_text(st, 2);
        /* the tick as the record left it: what taking it back undoes */
        if (!item || !(it = procedure_item_find(cs->model, item, &step)) || cases_ticked(cs, it->id) != ticked)
            continue;
        if ((rc = each(ctx, it, step, at ? at : "", user ? user : "")) != 0)
            break;
    }
out:
    sqlite3_reset(st);
    if (rc)
        return rc;
    return r == SQLITE_DONE ? 0 : -1;
}

int window_received_each(struct db *db, const struct case_state *cs,
                         int (*each)(void *ctx, const struct proc_item *it, size_t step, const char *at,
                                     const char *user),
                         void *ctx)
{
    return window_records_each(db, cs, sql_received_standing, true, each, ctx);
}

struct window_standing_find {
    const char *item;
    char user[CASE_USER_MAX + 1];
    size_t step;
    bool found;
};

static int window_standing_match(void *ctx, const struct proc_item *it, size_t step, const char *at,
                                 const char *user)
{
    struct window_standing_find *f = ctx;

    (void)at;
    if (strcmp(it->id, f->item) != 0)
        return 0;
    f->found = true;
    f->step = step;
    snprintf(f->user, sizeof f->user, "%s", user);
    return 0;
}

static const struct refusal err_wd_item = {REFUSAL_INVALID, "item_required",
                                            "请选择要撤销哪份材料的补交登记"};
static const struct refusal err_wd_reason = {REFUSAL_INVALID, "reason_required",
                                              "请写明撤销的原因（例如：登记错了办件），会记在办件记录里"};
static const struct refusal err_wd_reason_long = {REFUSAL_INVALID, "reason_too_long",
                                                   "撤销的原因最多 200 个字，请精简一些"};
static const struct refusal err_wd_returned = {
    REFUSAL_CONFLICT, "not_accepted",
    "这件办件已退回居民补正：材料由居民（或代为补正时）在办件里重新勾选，没有可撤销的补交登记，请刷新后再看"};
static const struct refusal err_wd_closed = {
    REFUSAL_CONFLICT, "not_accepted",
    "这件办件已经结束（办结、不予办理，或退回补正后超时结束），补交登记不能再撤销，请刷新后再看"};
static const struct refusal err_wd_not_yet = {
    REFUSAL_CONFLICT, "not_accepted", "这件办件还没有受理，没有补交登记可以撤销，请刷新后再看"};
static const struct refusal err_wd_not_yours = {
    REFUSAL_FORBIDDEN, "not_your_record",
    "这份材料的补交是同事登记的，只有登记的同事或管理员可以撤销；请联系登记的同事或管理员"};
static const struct refusal err_wd_not_received = {
    REFUSAL_CONFLICT, "not_received",
    "这份材料没有窗口登记的补交可以撤销（居民自己勾选的、受理前交的，或登记已经撤销），请刷新后再看"};

/* What one kind of window record's 撤销 says and does: its refusals,
 * checked in this order; the records of it that stand; and the write that
 * puts the tick back as it was before the record (inside the
 * transaction), with the event that says so. */
struct window_withdraw_kind {
    const struct refusal *no_item, *no_reason, *returned, *closed, *not_yet, *not_found, *not_yours;
    int (*each)(struct db *db, const struct case_state *cs,
                int (*fn)(void *ctx, const struct proc_item *it, size_t step, const char *at, const char *user),
                void *ctx);
    int (*undo)(struct db *db, const struct case_state *cs, const char *item, size_t step);
    const char *event;
};

/* A record of kind k taken back: item's standing record (k->each), only
 * by the staffer who made it or an admin, only while the case is accepted
 * or ready; an event k->event whose detail is "ITEM REASON". 0, 1 with e
 * (nothing written), -1. */
static int window_record_withdraw(struct db *db, const char *id, const char *user, bool admin,
                                  const char *item, const char *reason,
                                  const struct window_withdraw_kind *k, struct refusal *e)
{
    struct window_standing_find f;
    struct case_state cs;
    char buf[WINDOW_WITHDRAW_MAX * 4 + 1], *detail = NULL;
    const char *why;
    size_t step, len;
    int rc;

    memset(&cs, 0, sizeof cs);
    memset(&f, 0, sizeof f);
    if (!item || !*item) {
        *e = *k->no_item;
        return 1;
    }
    if (!(why = window_text_check(reason, WINDOW_WITHDRAW_MAX, buf, sizeof buf, k->no_reason,
                                  &err_wd_reason_long, e)))
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (!window_status(&cs, "accepted") && !window_status(&cs, "ready")) {
        rc = window_refuse(db, e, window_status(&cs, "returned") ? k->returned
                                  : window_status(&cs, "completed") || window_status(&cs, "rejected") ||
                                          window_status(&cs, "abandoned")
                                      ? k->closed
                                      : k->not_yet);
        goto done;
    }
    if (!procedure_item_find(cs.model, item, &step)) {
        rc = window_refuse(db, e, &err_recv_unknown);
        goto done;
    }
    f.item = item;
    rc = -1;
    if (k->each(db, &cs, window_standing_match, &f) != 0)
        goto rollback;
    if (!f.found) {
        rc = window_refuse(db, e, k->not_found);
        goto done;
    }
    /* who recorded it knows whether it was a slip; a colleague who thinks
     * so asks them or an admin, so that one staffer's record is not
     * quietly undone by another */
    if (!admin && strcmp(f.user, user) != 0) {
        rc = window_refuse(db, e, k->not_yours);
        goto done;
    }
    len = strlen(item) + 1 + strlen(why) + 1;
    if (!(detail = malloc(len)))
        goto rollback;
    snprintf(detail, len, "%s %s", item, why);
    if (k->undo(db, &cs, item, f.step) != 0 ||
        cases_event_add(db, cs.id, k->event, "window", user, (int)f.step, detail) != 0 || db_commit(db) != 0)
        goto rollback;
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    free(detail);
    cases_state_free(&cs);
    return rc;
}

/* a 补交 or 已收到 taken back: unticked, and its step settled again (a
 * required paper is owed once more) */
static int window_received_undo(struct db *db, const struct case_state *cs, const char *item, size_t step)
{
    static const char sql_untick[] = "DELETE FROM case_checklist WHERE case_id = ?1 AND item_id = ?2";
    sqlite3_stmt *st = db_stmt(db, sql_untick);
    int b;

    if (!st)
        return -1;
    b = sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0 || sqlite3_changes(db_handle(db)) != 1)
        return -1;
    return cases_step_settle(db, cs->id, step);
}

int window_withdraw_received(struct db *db, const char *id, const char *user, bool admin,
                             const char *item, const char *reason, struct refusal *e)
{
    static const struct window_withdraw_kind kind = {
        &err_wd_item, &err_wd_reason, &err_wd_returned, &err_wd_closed, &err_wd_not_yet,
        &err_wd_not_received, &err_wd_not_yours, window_received_each, window_received_undo,
        "received_withdrawn"};

    return window_record_withdraw(db, id, user, admin, item, reason, &kind, e);
}

/* ---- an optional paper ticked at the kiosk, not brought ------------------- */

static const struct refusal err_nb_none = {REFUSAL_INVALID, "items_required",
                                            "请选择居民勾选了却没有带来的是哪份材料"};
static const struct refusal err_nb_not_yet = {
    REFUSAL_CONFLICT, "not_accepted",
    "这件办件还没有受理：请先受理，再登记居民勾选了却没有带来的“如有”材料（受理回执打印前登记）"};
static const struct refusal err_nb_returned = {
    REFUSAL_CONFLICT, "not_accepted",
    "这件办件已退回居民补正：材料由居民（或代为补正时）在办件里重新勾选，请刷新后再看"};
static const struct refusal err_nb_closed = {
    REFUSAL_CONFLICT, "not_accepted",
    "这件办件已经结束（办结、不予办理，或退回补正后超时结束），不能再登记没带的材料，请刷新后再看"};
static const struct refusal err_nb_na = {
    REFUSAL_INVALID, "not_applicable",
    "按居民填写的情况，这份材料不适用于这件办件，不在已收材料里；请刷新办件后再看"};
static const struct refusal err_nb_required = {
    REFUSAL_INVALID, "not_optional",
    "这份材料是必须交的，不能只登记“没带”：居民没有带来的，请退回补正并标出这份材料"};
static const struct refusal err_nb_not_ticked = {
    REFUSAL_CONFLICT, "not_ticked",
    "这份材料没有勾选（可能同事刚刚登记过没带），本来就不在已收材料里，请刷新后再看"};
static const struct refusal err_nb_window = {
    REFUSAL_CONFLICT, "window_record",
    "这份材料是窗口登记收到的；登记错了，请点它旁边的“撤销”并写明原因"};

/* The `not_brought` events of this acceptance that still stand: after the
 * case's last `accepted` (a return and a new hand-in replace the step's
 * ticks with what was sent then), with no later `not_brought` or
 * `received` of the same paper (brought after all: 已收到) nor a
 * `not_brought_withdrawn` after it, whose detail is "ITEM REASON". */
static const char sql_not_brought_standing[] =
    "SELECT e.detail, e.at, e.user, e.step FROM case_events e"
    " WHERE e.case_id = ?1 AND e.what = 'not_brought' AND e.detail IS NOT NULL"
    " AND e.id > (SELECT coalesce(max(id), 0) FROM case_events WHERE case_id = ?1 AND what = 'accepted')"
    " AND NOT EXISTS (SELECT 1 FROM case_events n WHERE n.case_id = ?1 AND n.id > e.id"
    " AND ((n.what IN ('not_brought', 'received') AND n.detail = e.detail) OR (n.what = 'not_brought_withdrawn'"
    " AND substr(n.detail, 1, length(e.detail) + 1) = e.detail || ' ')))"
    " ORDER BY e.id LIMIT 1000";

int window_not_brought_each(struct db *db, const struct case_state *cs,
                            int (*each)(void *ctx, const struct proc_item *it, size_t step, const char *at,
                                        const char *user),
                            void *ctx)
{
    return window_records_each(db, cs, sql_not_brought_standing, false, each, ctx);
}

/* The refusal of the first name of items that is not an optional paper
 * the resident ticked, or NULL when every one is (*err on a database
 * error). A required paper has its own flow (退回补正, then 材料没带齐 and
 * 容缺受理, then 补交); a window record (已收到) its own 撤销. */
static const struct refusal *window_not_brought_check(struct db *db, const struct case_state *cs,
                                                      const struct window_flags *items, bool *err)
{
    struct window_standing_find f;
    const struct proc_item *it;
    size_t k, step;

    for (k = 0; k < items->n; k++) {
        if (!(it = procedure_item_find(cs->model, items->names[k], &step)))
            return &err_recv_unknown;
        if (!cases_item_applies(cs, step, it))
            return &err_nb_na;
        if (it->required)
            return &err_nb_required;
        if (!cases_ticked(cs, it->id))
            return &err_nb_not_ticked;
        memset(&f, 0, sizeof f);
        f.item = it->id;
        if (window_received_each(db, cs, window_standing_match, &f) != 0) {
            *err = true;
            return NULL;
        }
        if (f.found)
            return &err_nb_window;
    }
    return items->bad_tail ? &err_recv_unknown : items->n ? NULL : &err_nb_none;
}

int window_not_brought(struct db *db, const char *id, const char *user, const struct window_flags *items,
                       struct refusal *e)
{
    static const char sql_untick[] = "DELETE FROM case_checklist WHERE case_id = ?1 AND item_id = ?2";
    const struct refusal *why;
    const struct proc_item *it;
    struct case_state cs;
    sqlite3_stmt *st;
    size_t k, step;
    bool err = false;
    int rc, b;

    memset(&cs, 0, sizeof cs);
    if (!items->n && !items->bad_tail) {
        *e = err_nb_none;
        return 1;
    }
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    /* as a 补交: the receipt is printed once the case is accepted, and a
     * return hands the ticks back to the resident */
    if (!window_status(&cs, "accepted") && !window_status(&cs, "ready")) {
        rc = window_refuse(db, e, window_status(&cs, "returned") ? &err_nb_returned
                                  : window_status(&cs, "completed") || window_status(&cs, "rejected") ||
                                          window_status(&cs, "abandoned")
                                      ? &err_nb_closed
                                      : &err_nb_not_yet);
        goto done;
    }
    rc = -1;
    why = window_not_brought_check(db, &cs, items, &err);
    if (err)
        goto rollback;
    if (why) {
        rc = window_refuse(db, e, why);
        goto done;
    }
    /* unticked, not flagged: the tick was the resident's word, the event
     * keeps it; the step stays done (an optional paper settles nothing) */
    for (k = 0; k < items->n; k++) {
        if (window_named_before(items, k))
            continue;
        it = procedure_item_find(cs.model, items->names[k], &step);
        if (!it || !(st = db_stmt(db, sql_untick)))
            goto rollback;
        b = sqlite3_bind_text(st, 1, cs.id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, it->id, -1, SQLITE_STATIC);
        if (db_run(st, b) != 0 || sqlite3_changes(db_handle(db)) != 1 ||
            cases_event_add(db, cs.id, "not_brought", "window", user, (int)step, it->id) != 0)
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

static const struct refusal err_nbw_item = {REFUSAL_INVALID, "item_required",
                                             "请选择要撤销哪份材料的“没带”登记"};
static const struct refusal err_nbw_reason = {
    REFUSAL_INVALID, "reason_required", "请写明撤销的原因（例如：材料其实收到了，夹在别的材料里），会记在办件记录里"};
static const struct refusal err_nbw_not_yet = {
    REFUSAL_CONFLICT, "not_accepted", "这件办件还没有受理，没有“没带”登记可以撤销，请刷新后再看"};
static const struct refusal err_nbw_closed = {
    REFUSAL_CONFLICT, "not_accepted",
    "这件办件已经结束（办结、不予办理，或退回补正后超时结束），“没带”登记不能再撤销，请刷新后再看"};
static const struct refusal err_nbw_not_yours = {
    REFUSAL_FORBIDDEN, "not_your_record",
    "这份材料的“没带”是同事登记的，只有登记的同事或管理员可以撤销；请联系登记的同事或管理员"};
static const struct refusal err_nbw_not_marked = {
    REFUSAL_CONFLICT, "not_marked",
    "这份材料没有可撤销的“没带”登记（没有登记过、已经撤销，或居民后来交来、已登记收到），请刷新后再看"};

/* a 没带 taken back: ticked again at its step, as the resident had it */
static int window_not_brought_undo(struct db *db, const struct case_state *cs, const char *item, size_t step)
{
    static const char sql_tick[] = "INSERT INTO case_checklist (case_id, item_id, step) VALUES (?1, ?2, ?3)";
    sqlite3_stmt *st = db_stmt(db, sql_tick);
    int b;

    if (!st)
        return -1;
    b = sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 3, (int)step);
    return db_run(st, b);
}

int window_not_brought_withdraw(struct db *db, const char *id, const char *user, bool admin,
                                const char *item, const char *reason, struct refusal *e)
{
    static const struct window_withdraw_kind kind = {
        &err_nbw_item, &err_nbw_reason, &err_nb_returned, &err_nbw_closed, &err_nbw_not_yet,
        &err_nbw_not_marked, &err_nbw_not_yours, window_not_brought_each, window_not_brought_undo,
        "not_brought_withdrawn"};

    return window_record_withdraw(db, id, user, admin, item, reason, &kind, e);
}

/* ---- a window case started by mistake ------------------------------------- */

static const char sql_discard[] = "DELETE FROM cases WHERE id = ?1 AND status = 'open'";

int window_discard(struct db *db, const char *id, const char *user, bool admin,
                   char procedure[PROCEDURE_ID_MAX + 1], struct refusal *e)
{
    static const struct refusal not_discardable = {
        REFUSAL_CONFLICT, "not_discardable",
        "只有在窗口开始填写、还没有提交的办件可以放弃；已经提交的请按退回或不予受理处理"};
    static const struct refusal not_your_fill = {
        REFUSAL_FORBIDDEN, "not_your_fill",
        "这件代填是同事开始填写的，居民可能正在那个窗口填写，不能由您放弃；"
        "请让开始填写的同事放弃，或请管理员处理（没人再填的代填一天后自动放弃）"};
    sqlite3_stmt *st;
    struct case_state cs;
    int rc;

    procedure[0] = '\0';
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    /* a resident's own case (created_by unset) is theirs to finish, and the
     * sweep gives it up; a handed-in one has a ticket someone holds */
    if (!window_status(&cs, "open") || !cs.w.created_by[0]) {
        rc = window_refuse(db, e, &not_discardable);
        goto done;
    }
    /* a colleague's list shows it as 填写中 with no name: deleting it there
     * lost the answers of a resident sitting at the starter's desk */
    if (!admin && strcmp(cs.w.created_by, user) != 0) {
        rc = window_refuse(db, e, &not_your_fill);
        goto done;
    }
    snprintf(procedure, PROCEDURE_ID_MAX + 1, "%s", cs.procedure);
    rc = -1;
    /* its answers, steps, ticks and events go with it (ON DELETE CASCADE) */
    if (!(st = db_stmt(db, sql_discard)) ||
        db_run(st, sqlite3_bind_text(st, 1, cs.id, -1, SQLITE_STATIC)) != 0 ||
        sqlite3_changes(db_handle(db)) != 1 || db_commit(db) != 0) {
        db_rollback(db);
        goto done;
    }
    rc = 0;
done:
    cases_state_free(&cs);
    return rc;
}

/* ---- a web case taken up at the window (窗口接办) --------------------------- */

bool window_take_up_possible(const struct case_state *cs)
{
    if (strcmp(cs->channel, "web") != 0 || cs->erased)
        return false;
    /* given up by the idle day (never handed in, not a no-show): the
     * answers are kept until retention erases them, and the resident who
     * comes to the hall days later has typed them */
    return window_status(cs, "open") ||
           (window_status(cs, "abandoned") && !cs->w.no_show_at[0] && !cs->w.submitted_at[0]);
}

static const char sql_take_up[] = "UPDATE cases SET status = 'open' WHERE id = ?1 AND status = 'abandoned'";

int window_take_up(struct db *db, const char *id, const char *user, const char *window,
                   struct refusal *e)
{
    static const struct refusal not_web = {
        REFUSAL_CONFLICT, "not_web",
        "这件办件不是居民在网上开始的：在自助机或窗口开始的办件凭凭条查看，窗口代填的在“办理中”继续填写"};
    static const struct refusal erased = {
        REFUSAL_CONFLICT, "erased",
        "这件办件放弃太久，填写的内容已按保存期限删除，不能接着办了；请和居民重新开始办理"};
    static const struct refusal not_open = {
        REFUSAL_CONFLICT, "not_open",
        "这件办件已经提交过了（或已办结），不用再接着填写；请按它现在的状态办理，刷新后再看"};
    char win[DISPLAY_WINDOW_BUF];
    struct case_state cs;
    bool revive;
    int rc, shortened = 0;

    memset(&cs, 0, sizeof cs);
    if (display_window_check(window, win, e) != 0)
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (!window_take_up_possible(&cs)) {
        rc = window_refuse(db, e, strcmp(cs.channel, "web") != 0 ? &not_web
                                  : cs.erased                     ? &erased
                                                                  : &not_open);
        goto done;
    }
    revive = window_status(&cs, "abandoned");
    rc = -1;
    if (revive) {
        sqlite3_stmt *st = db_stmt(db, sql_take_up);
        if (!st || db_run(st, sqlite3_bind_text(st, 1, cs.id, -1, SQLITE_STATIC)) != 0 ||
            sqlite3_changes(db_handle(db)) != 1) {
            db_rollback(db);
            goto done;
        }
    }
    /* the event touches updated_at: the idle day starts again. The
     * resident sits at the desk from now on, as at an accept without a
     * call: the window's evaluator stops showing the one before. Not the
     * end of the sitting (relay.c): one resident may bring a ticket and a
     * case started at home, taken on one after the other */
    if (cases_event_add(db, cs.id, "taken_up", "window", user, -1, revive ? "abandoned" : NULL) != 0 ||
        (win[0] && (shortened = rate_offer_shorten(db, win)) < 0) || db_commit(db) != 0) {
        db_rollback(db);
        goto done;
    }
    if (shortened)
        db_after_durable(rate_changed);
    rc = 0;
done:
    cases_state_free(&cs);
    return rc;
}

/* ---- online pre-review (网上预审) ------------------------------------------- */

/* Checks the date a resident is invited to the hall: YYYY-MM-DD (as
 * validate_date reads it), not before today, at most
 * WINDOW_INVITE_DAYS_MAX days ahead (local dates). Writes it as
 * YYYY-MM-DD in out. Returns 0, or 1 with e set. */
static int window_invite_date(const char *date, char out[11], struct refusal *e)
{
    time_t now = time(NULL);
    struct tm tm;
    int ymd, last;

    if (!date || validate_date(date, strlen(date), &ymd) != 0) {
        *e = err_date_bad;
        return 1;
    }
    if (!localtime_r(&now, &tm)) {
        *e = err_date_bad;
        return 1;
    }
    /* mktime carries the day over into the months and years after */
    tm.tm_mday += WINDOW_INVITE_DAYS_MAX;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    if (mktime(&tm) == (time_t)-1) {
        *e = err_date_bad;
        return 1;
    }
    last = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
    if (ymd < clock_today()) {
        *e = err_date_past;
        return 1;
    }
    if (ymd > last) {
        *e = err_date_far;
        return 1;
    }
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)ymd / 10000 % 10000, (unsigned)ymd / 100 % 100,
             (unsigned)ymd % 100);
    return 0;
}

static const char sql_invite[] =
    "UPDATE cases SET status = 'invited', invited_at = ?2, invited_by = ?3, invite_note = ?4,"
    " invite_date = ?5 WHERE id = ?1";

int window_invite(struct db *db, const char *id, const char *user, const char *date,
                  const char *note, struct refusal *e)
{
    return window_invite_seen(db, id, user, date, note, NULL, NULL, e);
}

int window_invite_seen(struct db *db, const char *id, const char *user, const char *date,
                       const char *note, const char *status, const char *date_seen,
                       struct refusal *e)
{
    static const struct refusal moved = {
        REFUSAL_CONFLICT, "invite_moved",
        "同事刚刚已通知过这位居民来大厅（或改过日期），没有再通知；请刷新后再看，免得告诉居民两个日期"};
    /* a note is optional: this "empty" tells window_text's refusal apart */
    static const struct refusal no_note = {REFUSAL_INVALID, "no_note", ""};
    char buf[WINDOW_TEXT_MAX * 4 + 1], day[11], now[CLOCK_UTC_LEN];
    struct case_state cs;
    const char *text = NULL;
    sqlite3_stmt *st;
    int rc, b = SQLITE_OK;

    memset(&cs, 0, sizeof cs);
    if (window_invite_date(date, day, e) != 0)
        return 1;
    if (note && !(text = window_text(note, buf, sizeof buf, &no_note, &err_note_long, e)) &&
        e->code != no_note.code)
        return 1;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    /* invited again: the staffer moves the date */
    if (!window_status(&cs, "prereview") && !window_status(&cs, "invited")) {
        rc = window_refuse(db, e, &err_not_prereview);
        goto done;
    }
    /* two staffers on one pre-review list: the second invitation would
     * put another date (and note) over the one the colleague has just
     * phoned the resident with */
    if ((status && !window_status(&cs, status)) ||
        (date_seen && window_status(&cs, "invited") && strcmp(cs.w.invite_date, date_seen) != 0)) {
        rc = window_refuse(db, e, &moved);
        goto done;
    }
    rc = -1;
    clock_utc_now(now);
    if (!(st = db_stmt(db, sql_invite)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    b |= text ? sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 4);
    b |= sqlite3_bind_text(st, 5, day, -1, SQLITE_STATIC);
    /* the event's detail is the date: a day is not personal, the note may be */
    if (db_run(st, b) != 0 || cases_event_add(db, id, "invited", "window", user, -1, day) != 0 ||
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

/* ---- handing in: a ticket and a turn in the queue ------------------------- */

static const char sql_ticket_next[] =
    "INSERT INTO ticket_counters (day, last) VALUES (?1, 1)"
    " ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last";
/* A (re)submission starts a new turn in the queue: not called, not
 * accepted yet (a case accepted, then returned, must not show who accepted
 * it while it waits again), and what an earlier return said is history
 * (the events keep all of it). */
static const char sql_submit[] =
    "UPDATE cases SET status = 'waiting', ticket = ?2, ticket_day = ?3, submitted_at = ?4,"
    " returned_reason = NULL, returned_items = NULL, returned_at = NULL, returned_by = NULL,"
    " calls = 0, called_at = NULL, called_by = NULL,"
    " accepted_at = NULL, accepted_by = NULL, no_show_at = NULL, missing_items = ?5,"
    " handed_in_by = ?6,"
    " queue_seq = (SELECT coalesce(max(queue_seq), 0) + 1 FROM cases) WHERE id = ?1";
static const char sql_resubmit[] =
    "UPDATE cases SET status = 'waiting', submitted_at = ?2, returned_reason = NULL,"
    " returned_items = NULL, returned_at = NULL, returned_by = NULL,"
    " calls = 0, called_at = NULL, called_by = NULL,"
    " accepted_at = NULL, accepted_by = NULL, no_show_at = NULL, missing_items = ?3,"
    " handed_in_by = ?4,"
    " queue_seq = (SELECT coalesce(max(queue_seq), 0) + 1 FROM cases) WHERE id = ?1";

/* A web case handed in from home goes to the online pre-review list, not
 * to today's queue: no ticket, a turn in the list (queue_seq, which orders
 * it as it orders the queue), and what an earlier return or invitation
 * said is history. */
static const char sql_submit_web[] =
    "UPDATE cases SET status = 'prereview', submitted_at = ?2, returned_reason = NULL,"
    " returned_items = NULL, returned_at = NULL, returned_by = NULL,"
    " accepted_at = NULL, accepted_by = NULL,"
    /* a ticket of an earlier hand-in to the queue: not one to be found or
     * called by now */
    " ticket = NULL, ticket_day = NULL, calls = 0, called_at = NULL, called_by = NULL,"
    " no_show_at = NULL,"
    " invite_date = NULL, invite_note = NULL, invited_at = NULL, invited_by = NULL,"
    /* not at anyone's desk: an earlier hand-in at a window said otherwise */
    " missing_items = ?3, handed_in_by = NULL,"
    " queue_seq = (SELECT coalesce(max(queue_seq), 0) + 1 FROM cases) WHERE id = ?1";

/* Today's next ticket: A001 … A999, B001 … Z999, then A0001 … Z9999, and
 * so on up to six digits (some 28 million a day), counted in the database
 * so that numbers stay unique across restarts. A flood bounded by the
 * quota (quota.h) cannot use them up in a day; should the counter be past
 * the last anyway, the hand-in is refused, never failed. Returns 0, 1
 * when today's tickets are used up, or -1. */
static int window_ticket_next(struct db *db, const char *day, char out[WINDOW_TICKET_BUF])
{
    sqlite3_stmt *st = db_stmt(db, sql_ticket_next);
    int b = SQLITE_OK, r, w;
    long long n, span, top = 1000;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    n = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (n < 1)
        return -1;
    for (w = WINDOW_TICKET_DIGITS_MIN; w <= WINDOW_TICKET_DIGITS_MAX; w++, top *= 10) {
        span = 26 * (top - 1);
        if (n <= span) {
            long long num = (n - 1) % (top - 1) + 1;
            int i;
            out[0] = (char)('A' + (n - 1) / (top - 1));
            for (i = w; i >= 1; i--, num /= 10)
                out[i] = (char)('0' + num % 10);
            out[w + 1] = '\0';
            return 0;
        }
        n -= span;
    }
    return 1;
}

static const struct refusal err_tickets_out = {
    REFUSAL_CONFLICT, "tickets_used_up", "今天的排队号已经发完了，请到综合窗口直接办理"};

static const struct refusal err_already = {REFUSAL_CONFLICT, "already_submitted", "这件事已经提交过了"};

static const struct refusal err_prereview_web = {
    REFUSAL_INVALID, "prereview_web_only",
    "网上预审只用于在家里（网上）提交的办件；在大厅请取号，到综合窗口办理"};

/* The detail of a hand-in's `submitted` event: "incomplete" for one
 * without every paper; a web case's hand-in to the hall's queue (with a
 * ticket t) is marked "ticket" ("ticket incomplete"), since before the
 * pre-review ask every web hand-in went to pre-review and its events say
 * nothing (the day's report and the history read them so). */
static const char *window_hand_in_detail(const struct case_state *cs, const char *t,
                                         const char *missing)
{
    if (strcmp(cs->channel, "web") == 0 && t[0])
        return missing ? "ticket incomplete" : "ticket";
    return missing ? "incomplete" : NULL;
}

/* Hands in the case read into cs inside the open transaction: the ticket
 * (kept on the day it was drawn), a new turn, missing (JSON of the items
 * handed in without, or NULL: complete) and the submitted event (detail
 * "incomplete" then); commits. With prereview (asked for by a web case
 * only) it goes to online pre-review instead: no ticket (*ticket stays
 * NULL), nothing for the call screen. Returns 0 and *ticket (caller
 * frees), 1 with e after rolling back (today's tickets used up, pre-review
 * asked for a case not started from home), or -1 after rolling back. */
static int window_hand_in(struct db *db, const struct case_state *cs, const char *user,
                          const char *missing, bool prereview, char **ticket, struct refusal *e)
{
    sqlite3_stmt *st;
    char now[CLOCK_UTC_LEN], day[11], t[WINDOW_TICKET_BUF], *copy = NULL;
    int b = SQLITE_OK, r;

    clock_utc_now(now);
    clock_today_text(day);
    t[0] = '\0';
    if (prereview && strcmp(cs->channel, "web") != 0)
        return window_refuse(db, e, &err_prereview_web);
    if (prereview) {
        if (!(st = db_stmt(db, sql_submit_web)))
            goto fail;
        b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        b |= missing ? sqlite3_bind_text(st, 3, missing, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 3);
    } else if (cs->ticket && strcmp(cs->ticket_day, day) == 0) {
        /* a returned case goes back to the window under the ticket it had;
         * on a later day it draws a new one, since a ticket means today's */
        snprintf(t, sizeof t, "%s", cs->ticket);
        if (!(st = db_stmt(db, sql_resubmit)))
            goto fail;
        b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        b |= missing ? sqlite3_bind_text(st, 3, missing, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 3);
        b |= user ? sqlite3_bind_text(st, 4, user, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 4);
    } else {
        if ((r = window_ticket_next(db, day, t)) > 0)
            return window_refuse(db, e, &err_tickets_out);
        if (r < 0 || !(st = db_stmt(db, sql_submit)))
            goto fail;
        b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        b |= missing ? sqlite3_bind_text(st, 5, missing, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 5);
        b |= user ? sqlite3_bind_text(st, 6, user, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 6);
    }
    /* the copy before the commit: a ticket committed and then answered
     * with a 500 could never be shown (the retry is already_submitted) */
    /* handed in again after 补正: the resident is back, nobody need phone;
     * and a visit booked for the correction is over (the B post must not
     * go to a case corrected at the hall or from home) */
    if (db_run(st, b) != 0 ||
        (window_status(cs, "returned") && cs->r.visit_booked && visit_call_off_locked(db, cs) != 0) ||
        (window_status(cs, "returned") &&
         notify_settle(db, cs->id, NOTIFY_RETURNED) != 0) ||
        cases_event_add(db, cs->id, "submitted", cs->channel, user, -1, window_hand_in_detail(cs, t, missing)) != 0 ||
        (t[0] && !(copy = strdup(t))) || db_commit(db) != 0)
        goto fail;
    if (!copy) /* pre-review: nothing for the hall's screen */
        return 0;
    db_after_durable(display_changed); /* one more waiting */
    *ticket = copy;
    return 0;
fail:
    free(copy);
    db_rollback(db);
    return -1;
}

int window_submit(struct db *db, const char *id, const char *user, bool prereview,
                  char **ticket, struct refusal *e)
{
    static const struct refusal not_finished = {REFUSAL_CONFLICT, "not_finished",
                                                 "还有步骤没有完成，请先完成所有步骤"};
    struct case_state cs;
    int rc;

    *ticket = NULL;
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (window_status(&cs, "waiting") && !cases_ticket_of_today(&cs))
        /* an earlier day's ticket, never served: a new one of today and a
         * turn at the back, with the papers it was handed in without */
        rc = window_hand_in(db, &cs, user, cs.missing_items, prereview, ticket, e);
    else if (strcmp(cs.status, "open") != 0 && strcmp(cs.status, "returned") != 0)
        rc = window_refuse(db, e, &err_already);
    else if (!cs.conditions_confirmed || cs.step < cs.model->n_steps)
        rc = window_refuse(db, e, &not_finished);
    else
        rc = window_hand_in(db, &cs, user, NULL, prereview, ticket, e);
done:
    cases_state_free(&cs);
    return rc;
}

int window_submit_missing(struct db *db, const char *id, size_t n, const struct case_answers *in,
                          int today, const char *user, bool prereview, char **ticket,
                          struct case_rejection *rej, struct refusal *e)
{
    static const struct refusal taken = {REFUSAL_CONFLICT, "already_submitted",
                                         "这件事已经取过号了，请留意叫号，不需要再取"};
    struct case_state cs;
    cJSON *ids = NULL, *v;
    char *json = NULL;
    size_t i;
    int rc;

    *ticket = NULL;
    memset(rej, 0, sizeof *rej);
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    if (strcmp(cs.status, "open") != 0 && strcmp(cs.status, "returned") != 0) {
        rc = window_refuse(db, e, &taken);
        goto done;
    }
    if ((rc = cases_step_missing(db, &cs, n, in, today, user, rej, e)) != 0)
        goto rollback;
    rc = -1;
    if (!(ids = cJSON_CreateArray()))
        goto rollback;
    for (i = 0; i < rej->n_items; i++)
        if (!(v = cJSON_CreateString(rej->items[i])) || !cJSON_AddItemToArray(ids, v)) {
            cJSON_Delete(v);
            goto rollback;
        }
    if (!(json = cJSON_PrintUnformatted(ids)))
        goto rollback;
    if ((rc = window_hand_in(db, &cs, user, json, prereview, ticket, e)) > 0) {
        /* refused as a whole: not a list of papers to bring */
        cases_rejection_free(rej);
    }
    goto done;
rollback:
    db_rollback(db);
done:
    cJSON_Delete(ids);
    free(json);
    cases_state_free(&cs);
    return rc;
}
