/* notify: the notifications a move queues, their list for the staff page,
 * and the sender thread of `serve --notify-command` (see include/notify.h
 * for the rules).
 *
 * The sender is one thread with its own SQLite connection (db_thread). It
 * takes the due notification that has waited longest, runs the command
 * with posix_spawn (never a shell: the text came from a procedure file and
 * goes into the environment, not into a command line), waits at most
 * NOTIFY_RUN_SECONDS, and records the result in a transaction of its own.
 * One notification at a time: a hall sends a few dozen a day, and one slow
 * gateway must not start a crowd of processes. It sleeps on a condition
 * variable until the next retry is due or a move wakes it.
 */
#include "notify.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "field.h"
#include "frontmatter.h"
#include "hall.h"
#include "print.h"
#include "procedure.h"
#include "utf8.h"

#define NOTIFY_ENV_MAX 256          /* variables of the daemon passed on */
#define NOTIFY_POLL_NS 20000000L    /* how often a running command is looked at */
#define NOTIFY_IDLE_SECONDS 60      /* the sender looks again at least this often */
#define NOTIFY_ERROR_SECONDS 5      /* ... and this soon after a database error */
#define NOTIFY_ERR_MAX 120

static const struct refusal err_not_found = {
    REFUSAL_NOT_FOUND, "not_found", "没有这条通知，请刷新后再看"};
static const struct refusal err_done = {
    REFUSAL_CONFLICT, "already_done", "这条通知已经标记为已通知，请刷新后再看"};

static const char sql_insert[] =
    "INSERT INTO notifications (case_id, ticket, kind, phone, text, created_at, next_try, title)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_list[] =
    "SELECT id, case_id, ticket, kind, phone, text, created_at, done_at, done_by, attempts,"
    " last_error, next_try, title FROM notifications"
    " WHERE erased_at IS NULL AND (done_at IS NULL OR done_at >= ?1)"
    " ORDER BY done_at IS NOT NULL, created_at, id LIMIT ?2";
static const char sql_state[] =
    "SELECT done_at IS NOT NULL FROM notifications WHERE id = ?1 AND erased_at IS NULL";
static const char sql_done[] =
    "UPDATE notifications SET done_at = ?2, done_by = ?3, next_try = NULL WHERE id = ?1";
/* the resident collected it: telling them it is ready is done (and the
 * sender must not phone them after they have it) */
static const char sql_settle[] =
    "UPDATE notifications SET done_at = ?2, done_by = ?3, next_try = NULL"
    " WHERE case_id = ?1 AND kind = ?4 AND done_at IS NULL";
static const char sql_due[] =
    "SELECT id, phone, text, kind, ticket, attempts FROM notifications"
    " WHERE done_at IS NULL AND erased_at IS NULL AND next_try <= ?1"
    " ORDER BY next_try, id LIMIT 1";
static const char sql_next_due[] =
    "SELECT min(next_try) FROM notifications"
    " WHERE done_at IS NULL AND erased_at IS NULL AND next_try IS NOT NULL";
static const char sql_sent[] =
    "UPDATE notifications SET done_at = ?2, done_by = 'notify-command', attempts = attempts + 1,"
    " next_try = NULL, last_error = NULL WHERE id = ?1 AND done_at IS NULL";
static const char sql_failed[] =
    "UPDATE notifications SET attempts = ?2, next_try = ?3, last_error = ?4"
    " WHERE id = ?1 AND done_at IS NULL";

const char *notify_kind_name(enum notify_kind kind)
{
    switch (kind) {
    case NOTIFY_READY:
        return "ready";
    case NOTIFY_RETURNED:
        return "returned";
    case NOTIFY_REJECTED:
    case NOTIFY_REFUSED:
        return "rejected";
    case NOTIFY_LINK:
        return "link";
    case NOTIFY_COMPLETED:
        return "completed";
    }
    return "returned";
}

/* set once at start (notify_hall_set), read by every text after */
static char notify_hall[NOTIFY_HALL_MAX + 1] = "社区便民服务中心";

bool notify_hall_valid(const char *name)
{
    return utf8_line_valid(name, NOTIFY_HALL_MAX);
}

int notify_hall_set(const char *name)
{
    if (!name || !*name) {
        snprintf(notify_hall, sizeof notify_hall, "%s", "社区便民服务中心");
        return 0;
    }
    if (!notify_hall_valid(name))
        return -1;
    snprintf(notify_hall, sizeof notify_hall, "%s", name);
    return 0;
}

const char *notify_hall_name(void)
{
    return notify_hall;
}

/* set once at start (notify_completed_set), read by every move after */
static bool notify_completed;

void notify_completed_set(bool on)
{
    notify_completed = on;
}

bool notify_completed_on(void)
{
    return notify_completed;
}

int notify_queue_completed(struct db *db, const struct case_state *cs, bool at_window)
{
    if (!notify_completed || at_window || !notify_phone(cs))
        return 0;
    return notify_queue(db, cs, NOTIFY_COMPLETED);
}

/* 您在HALL办理的「TITLE」（TICKET）WHAT, malloc'ed; NULL when memory ran out. */
static char *notify_compose(const char *title, const char *ticket, const char *what)
{
    char tk[64] = "";
    char *out;
    int n;

    if (ticket && *ticket)
        snprintf(tk, sizeof tk, "（%.16s）", ticket);
    /* the hall by name: a resident who has been to two halls sharing one
     * library and one SMS gateway knows which one to go back to */
    n = snprintf(NULL, 0, "您在%s办理的「%s」%s%s", notify_hall, title, tk, what);
    if (n < 0 || !(out = malloc((size_t)n + 1)))
        return NULL;
    snprintf(out, (size_t)n + 1, "您在%s办理的「%s」%s%s", notify_hall, title, tk, what);
    return out;
}

char *notify_text(enum notify_kind kind, const char *title, const char *ticket)
{
    static const char *const what[] = {
        [NOTIFY_READY] = "已办好，请带上身份证件到综合窗口领取。",
        /* a case the back office or the B post returns reached no window:
         * its resident was handed no notice to look at */
        [NOTIFY_RETURNED] = "需要补正。要补正的内容写在补正告知单上；还没有拿到告知单的，请到综合窗口领取或咨询。",
        /* a window that refuses in front of the resident hands the notice
         * over there and then; a later post's refusal is told by this text */
        [NOTIFY_REJECTED] = "不予办理。原因和申请复议、提起诉讼的途径写在不予办理告知书上；"
                            "还没有拿到告知书的，请到综合窗口领取。",
        [NOTIFY_REFUSED] = "不予受理。原因和申请复议、提起诉讼的途径写在不予受理告知书上；"
                           "还没有拿到告知书的，请到综合窗口领取。",
        [NOTIFY_LINK] = NULL,
        /* never the outcome: a staffer's words for the window, which may
         * name what the resident typed */
        [NOTIFY_COMPLETED] = "已办结，不用再来窗口。办理结果如有疑问，请到综合窗口咨询。",
    };

    if (!what[kind])
        return NULL;
    return notify_compose(title, ticket, what[kind]);
}

char *notify_text_for(enum notify_kind kind, const struct case_state *cs)
{
    static const char head[] = "需要补正。请打开您提交时保存的办件链接，查看要补正的内容，改好后在网上重新提交；";
    static const char by_sms[] = "找不到链接的，请打电话 %s 问大厅，工作人员核对后会用短信把办件链接发到您办理时填写的手机上。";
    static const char at_hall[] = "找不到链接的，请带上身份证件到综合窗口，工作人员核对后会帮您找到这件办件。";
    const struct fm_entry *ph;
    const char *phone = NULL;
    char *what = NULL, *out = NULL;
    int n;

    if (kind == NOTIFY_LINK)
        return NULL;
    if (kind != NOTIFY_RETURNED || strcmp(cs->channel, "web") != 0)
        return notify_text(kind, cs->model->title, cs->ticket);
    /* a case handed in from home was returned from online pre-review, with
     * no notice printed: its resident reads what to correct on the case's
     * own page (the link they kept) and hands it in again from home. A
     * lost link is what this hall can do for it, as the pages at home say
     * (GET /api/v1/hall): a text to the case's mobile at a phone call, to
     * the hall's own number (serve --hall-phone) else the item's; or, where
     * none can come (no sender or --public-url, no mobile on the case, no
     * number to call), the window, which finds the case by the ID card.
     * Until 2026-12-07 every hall said 请打电话, and the call got nothing. */
    if (notify_link_possible() && notify_mobile(cs)) {
        ph = frontmatter_get(&cs->model->meta, "phone");
        phone = hall_contact_get(HALL_PHONE);
        if (!phone && ph && ph->value && *ph->value)
            phone = ph->value;
    }
    n = phone ? snprintf(NULL, 0, by_sms, phone) : (int)strlen(at_hall);
    if (n < 0 || !(what = malloc(sizeof head - 1 + (size_t)n + 1)))
        goto out;
    memcpy(what, head, sizeof head - 1);
    if (phone)
        snprintf(what + sizeof head - 1, (size_t)n + 1, by_sms, phone);
    else
        memcpy(what + sizeof head - 1, at_hall, sizeof at_hall);
    out = notify_compose(cs->model->title, cs->ticket, what);
out:
    free(what);
    return out;
}

/* The first value of a field of type t, in step and form order, or NULL. */
static const char *notify_first_of(const struct case_state *cs, enum field_type t)
{
    size_t i, j, k;

    for (i = 0; i < cs->model->n_steps; i++) {
        const struct proc_step *s = &cs->model->steps[i];
        for (j = 0; j < s->n_fields; j++) {
            if (s->fields[j].type != t)
                continue;
            for (k = 0; k < cs->n_values; k++)
                if (strcmp(cs->values[k].key, s->fields[j].key) == 0 && cs->values[k].value &&
                    cs->values[k].value[0])
                    return cs->values[k].value;
        }
    }
    return NULL;
}

const char *notify_phone(const struct case_state *cs)
{
    /* a mobile first: a landline cannot take a text message; then the
     * number a home visit was booked with, which is the resident's too
     * (an item may ask for it there and nowhere in its form) */
    const char *m = notify_first_of(cs, FIELD_CN_MOBILE);

    if (!m)
        m = notify_first_of(cs, FIELD_PHONE);
    return m ? m : cs->r.visit_phone && cs->r.visit_phone[0] ? cs->r.visit_phone : NULL;
}

/* Whether v is a mainland mobile as validate_cn_mobile stores it: 11
 * digits, 1[3-9]… (a phone field's landline is "AREA-NUMBER"). */
static bool notify_is_mobile(const char *v)
{
    size_t i;

    if (!v || strlen(v) != 11 || v[0] != '1' || v[1] < '3' || v[1] > '9')
        return false;
    for (i = 2; i < 11; i++)
        if (v[i] < '0' || v[i] > '9')
            return false;
    return true;
}

/* The first mobile among the values of fields of type t, in step and form
 * order, or NULL. */
static const char *notify_first_mobile(const struct case_state *cs, enum field_type t)
{
    size_t i, j, k;

    for (i = 0; i < cs->model->n_steps; i++) {
        const struct proc_step *s = &cs->model->steps[i];
        for (j = 0; j < s->n_fields; j++) {
            if (s->fields[j].type != t)
                continue;
            for (k = 0; k < cs->n_values; k++)
                if (strcmp(cs->values[k].key, s->fields[j].key) == 0 &&
                    notify_is_mobile(cs->values[k].value))
                    return cs->values[k].value;
        }
    }
    return NULL;
}

const char *notify_form_mobile(const struct case_state *cs)
{
    const char *m = notify_first_mobile(cs, FIELD_CN_MOBILE);

    return m ? m : notify_first_mobile(cs, FIELD_PHONE);
}

const char *notify_mobile(const struct case_state *cs)
{
    const char *m = notify_form_mobile(cs);

    if (!m && notify_is_mobile(cs->r.visit_phone))
        m = cs->r.visit_phone;
    return m;
}

/* 1 normally; 60 with SPKIOSK_NOTIFY_FAST=1, set by notify_start */
static long notify_backoff_div = 1;

long notify_backoff_seconds(int attempts)
{
    static const long schedule[] = {60, 300, 900, 3600};
    long s = attempts >= 1 && attempts <= 4 ? schedule[attempts - 1] : 21600;

    return s / notify_backoff_div > 0 ? s / notify_backoff_div : 1;
}

int notify_queue(struct db *db, const struct case_state *cs, enum notify_kind kind)
{
    const char *phone = notify_phone(cs);
    char now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    char *text;
    int b = SQLITE_OK, rc;

    /* a case with no number is queued all the same, with none ('', the
     * column is NOT NULL) and nothing for the sender: the list is of the
     * residents to tell (the contract's), and staff tell this one when
     * they come or ask (it was left out, so a pickup nobody was told of
     * was on no list: a conformance review). Not one in the hall today
     * (a ticket waiting or a no-show come back), told at the window. */
    if (!phone && (strcmp(cs->status, "waiting") == 0 || strcmp(cs->status, "invited") == 0 ||
                   strcmp(cs->status, "abandoned") == 0))
        return 0;
    if (!(text = notify_text_for(kind, cs)) || !(st = db_stmt(db, sql_insert))) {
        free(text);
        return -1;
    }
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, cs->id, -1, SQLITE_STATIC);
    b |= cs->ticket ? sqlite3_bind_text(st, 2, cs->ticket, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 2);
    b |= sqlite3_bind_text(st, 3, notify_kind_name(kind), -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, phone ? phone : "", -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    b |= phone ? sqlite3_bind_int64(st, 7, (sqlite3_int64)time(NULL)) : sqlite3_bind_null(st, 7);
    b |= sqlite3_bind_text(st, 8, cs->model->title, -1, SQLITE_STATIC);
    rc = db_run(st, b);
    free(text);
    return rc;
}

/* --- a web case's link sent again (ours) ----------------------------------------- */

bool notify_link_possible(void)
{
    char link[PRINT_QR_PAYLOAD_MAX];

    return notify_sending() && print_case_link("0", link);
}

static const struct refusal err_link_no_sms = {
    REFUSAL_CONFLICT, "no_sms",
    "本大厅没有设置短信发送，办件链接发不出去。请不要在电话里念链接：请居民带身份证件到大厅，由窗口帮忙办理"};
static const struct refusal err_link_no_url = {
    REFUSAL_CONFLICT, "no_public_url",
    "本大厅没有设置对外网址，短信里放不了办件链接（请告诉管理员：serve --public-url）。请不要在电话里念链接：请居民带身份证件到大厅，由窗口帮忙办理"};
static const struct refusal err_link_not_web = {
    REFUSAL_CONFLICT, "not_web",
    "这件不是在网上办的，没有办件链接：请居民凭排队凭条或补正告知单上的二维码查看，或带身份证件到综合窗口询问"};
static const struct refusal err_link_erased = {
    REFUSAL_CONFLICT, "erased",
    "这件办件的填写内容已按保存期限删除，没有手机号可以发送；需要的话请居民重新办理"};
static const struct refusal err_link_no_mobile = {
    REFUSAL_CONFLICT, "no_mobile",
    "这件办件里没有手机号（没有留电话，或只留了座机），短信发不出去。请不要在电话里念链接：请居民带身份证件到大厅，由窗口帮忙办理"};
static const struct refusal err_link_pending = {
    REFUSAL_CONFLICT, "link_pending",
    "这件办件的链接短信还在发送中，请居民稍等一两分钟，不用再发"};
static const struct refusal err_link_soon = {
    REFUSAL_CONFLICT, "link_too_soon",
    "10 分钟内已经给这件办件发过链接短信了。请居民先看看短信（有时要等几分钟，也可能被拦截到垃圾短信里）；10 分钟后仍没收到再发"};
static const struct refusal err_link_day = {
    REFUSAL_CONFLICT, "link_limit",
    "这件办件 24 小时内已经发过 3 次链接短信，不能再发了。请核对居民现在用的手机是不是办件里留的那个号码；需要的话请居民带身份证件到大厅办理"};

/* the case's link texts of the last day, newest first; and whether one is
 * still on its way (neither sent nor given up) */
static const char sql_link_recent[] =
    "SELECT created_at, done_at IS NULL AND next_try IS NOT NULL FROM notifications"
    " WHERE case_id = ?1 AND kind = 'link' AND erased_at IS NULL AND created_at >= ?2"
    " ORDER BY created_at DESC, id DESC";
static const char sql_link_pending[] =
    "SELECT 1 FROM notifications WHERE case_id = ?1 AND kind = 'link' AND erased_at IS NULL"
    " AND done_at IS NULL AND next_try IS NOT NULL LIMIT 1";

/* The limits of notify_link_send for case id, inside its transaction:
 * 0 allowed, 1 with e (one on its way), 2 with e and *retry_after, -1. */
static int notify_link_limit(struct db *db, const char *id, long *retry_after, struct refusal *e)
{
    char since[CLOCK_UTC_LEN];
    time_t now = time(NULL), at, latest = 0, oldest = 0;
    sqlite3_stmt *st;
    int r, n = 0;

    if (!(st = db_stmt(db, sql_link_pending)) || sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    r = sqlite3_step(st);
    sqlite3_reset(st);
    if (r == SQLITE_ROW) {
        *e = err_link_pending;
        return 1;
    }
    if (r != SQLITE_DONE)
        return -1;
    clock_utc(now - NOTIFY_LINK_DAY, since);
    if (!(st = db_stmt(db, sql_link_recent)) ||
        (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) | sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC)) !=
            SQLITE_OK)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (clock_utc_parse((const char *)sqlite3_column_text(st, 0), &at) != 0)
            continue;
        if (n == 0)
            latest = at;
        /* the one whose day must pass for another to be allowed */
        if (n == NOTIFY_LINK_DAY_MAX - 1)
            oldest = at;
        n++;
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return -1;
    if (n >= NOTIFY_LINK_DAY_MAX) {
        *e = err_link_day;
        *retry_after = (long)(oldest + NOTIFY_LINK_DAY - now);
    } else if (n > 0 && now - latest < NOTIFY_LINK_GAP) {
        *e = err_link_soon;
        *retry_after = (long)(latest + NOTIFY_LINK_GAP - now);
    } else {
        return 0;
    }
    if (*retry_after < 1)
        *retry_after = 1;
    return 2;
}

int notify_link_send(struct db *db, const char *id, const char *user, char tail[5],
                     long *retry_after, struct refusal *e)
{
    /* the link between spaces, so that a phone's linkifier stops at it; a
     * text received by someone who did not ask is told to ignore it */
    static const char fmt[] = "的办件链接是 %s （工作人员应您的要求重新发送）。"
                              "请只在自己的手机上打开，不要转发给别人；您没有要过的话，请不要理会。";
    char link[PRINT_QR_PAYLOAD_MAX], now[CLOCK_UTC_LEN];
    struct case_state cs;
    const char *mobile = NULL;
    char *what = NULL, *text = NULL;
    sqlite3_stmt *st;
    int rc, n, b = SQLITE_OK;

    tail[0] = '\0';
    *retry_after = 0;
    memset(&cs, 0, sizeof cs);
    /* without a sender the list is one for staff to phone, and a phone
     * call would have a staffer read the case's secret id aloud */
    if (!notify_sending()) {
        *e = err_link_no_sms;
        return 1;
    }
    if (!print_case_link(id, link)) {
        *e = err_link_no_url;
        return 1;
    }
    if ((rc = cases_begin(db, id, &cs, e)) != 0)
        goto done;
    rc = 1;
    if (strcmp(cs.channel, "web") != 0)
        *e = err_link_not_web;
    else if (cs.erased && !notify_mobile(&cs))
        *e = err_link_erased;
    else if (!(mobile = notify_mobile(&cs)))
        *e = err_link_no_mobile;
    else if ((rc = notify_link_limit(db, id, retry_after, e)) == 0)
        goto send;
    db_rollback(db);
    goto done;
send:
    rc = -1;
    n = snprintf(NULL, 0, fmt, link);
    if (n < 0 || !(what = malloc((size_t)n + 1)))
        goto rollback;
    snprintf(what, (size_t)n + 1, fmt, link);
    if (!(text = notify_compose(cs.model->title, cs.ticket, what)) || !(st = db_stmt(db, sql_insert)))
        goto rollback;
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, cs.id, -1, SQLITE_STATIC);
    b |= cs.ticket ? sqlite3_bind_text(st, 2, cs.ticket, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 2);
    b |= sqlite3_bind_text(st, 3, notify_kind_name(NOTIFY_LINK), -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, mobile, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int64(st, 7, (sqlite3_int64)time(NULL));
    b |= sqlite3_bind_text(st, 8, cs.model->title, -1, SQLITE_STATIC);
    /* the event names the staffer, never the number nor the link */
    if (db_run(st, b) != 0 || cases_event_add(db, cs.id, "link_sent", "window", user, -1, NULL) != 0 ||
        db_commit(db) != 0)
        goto rollback;
    snprintf(tail, 5, "%s", mobile + 7);
    notify_wake();
    rc = 0;
    goto done;
rollback:
    db_rollback(db);
done:
    free(what);
    free(text);
    cases_state_free(&cs);
    return rc;
}

/* --- the staff page's list ---------------------------------------------------- */

/* What the list shows of a link text: the case's id in it replaced by
 * "…", so that a screen seen over a shoulder (or a staffer told to phone
 * about a text that failed) never has the secret to read out. Adds
 * "text" to o; 0 or -1. */
static int notify_link_text_add(cJSON *o, const char *text, const char *case_id)
{
    const char *at = case_id && *case_id ? strstr(text, case_id) : NULL;
    size_t idlen = case_id ? strlen(case_id) : 0, pre;
    char *shown;
    int rc;

    if (!at)
        return cJSON_AddStringToObject(o, "text", text) ? 0 : -1;
    pre = (size_t)(at - text);
    if (!(shown = malloc(strlen(text) - idlen + sizeof "…")))
        return -1;
    memcpy(shown, text, pre);
    strcpy(shown + pre, "…");
    strcat(shown, at + idlen);
    rc = cJSON_AddStringToObject(o, "text", shown) ? 0 : -1;
    free(shown);
    return rc;
}

int notify_list_json(struct db *db, char **out)
{
    cJSON *doc = cJSON_CreateObject(), *arr, *o;
    char cutoff[CLOCK_UTC_LEN];
    sqlite3_stmt *st = NULL;
    bool ok;
    int r = SQLITE_DONE, rc = -1;

    *out = NULL;
    clock_utc(time(NULL) - NOTIFY_DONE_SHOWN, cutoff);
    if (!doc || !cJSON_AddBoolToObject(doc, "command", notify_sending()) ||
        !(arr = cJSON_AddArrayToObject(doc, "notifications")) || !(st = db_stmt(db, sql_list)) ||
        (sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC) |
         sqlite3_bind_int(st, 2, NOTIFY_LIST_MAX)) != SQLITE_OK)
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        bool done = sqlite3_column_type(st, 7) != SQLITE_NULL;
        int attempts = sqlite3_column_int(st, 9);
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            break;
        }
        ok = cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0)) &&
             db_column_json(o, "case", st, 1) == 0 && db_column_json(o, "ticket", st, 2) == 0 &&
             db_column_json(o, "title", st, 12) == 0 &&
             db_column_json(o, "kind", st, 3) == 0 &&
             (sqlite3_column_bytes(st, 4) > 0 ? db_column_json(o, "phone", st, 4) == 0
                                              : cJSON_AddNullToObject(o, "phone") != NULL) &&
             (sqlite3_column_text(st, 3) && strcmp((const char *)sqlite3_column_text(st, 3), "link") == 0
                  ? notify_link_text_add(o, (const char *)sqlite3_column_text(st, 5),
                                         (const char *)sqlite3_column_text(st, 1)) == 0
                  : db_column_json(o, "text", st, 5) == 0) &&
             db_column_json(o, "created", st, 6) == 0 &&
             db_column_json(o, "done", st, 7) == 0 && db_column_json(o, "done_by", st, 8) == 0 &&
             cJSON_AddNumberToObject(o, "attempts", attempts) &&
             db_column_json(o, "last_error", st, 10) == 0 &&
             /* the sender gave up: no retry planned, not done */
             cJSON_AddBoolToObject(o, "failed", !done && attempts > 0 &&
                                                     sqlite3_column_type(st, 11) == SQLITE_NULL);
        if (!ok)
            break;
    }
    if (r != SQLITE_DONE)
        goto out;
    if ((*out = cJSON_PrintUnformatted(doc)))
        rc = 0;
out:
    if (st)
        sqlite3_reset(st);
    cJSON_Delete(doc);
    return rc;
}

/* done_at now, done_by user, for the case's notifications of kind not yet done */
static int notify_settle_as(struct db *db, const char *case_id, enum notify_kind kind, const char *user)
{
    char now[CLOCK_UTC_LEN];
    sqlite3_stmt *st = db_stmt(db, sql_settle);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, notify_kind_name(kind), -1, SQLITE_STATIC);
    return db_run(st, b);
}

int notify_settle_ready(struct db *db, const char *case_id, const char *user)
{
    return notify_settle_as(db, case_id, NOTIFY_READY, user);
}

int notify_settle_returned_by(struct db *db, const char *case_id, const char *user)
{
    return notify_settle_as(db, case_id, NOTIFY_RETURNED, user);
}

int notify_settle(struct db *db, const char *case_id, enum notify_kind kind)
{
    return notify_settle_as(db, case_id, kind, NOTIFY_BY_RESIDENT);
}

int notify_done(struct db *db, long long id, const char *user, struct refusal *e)
{
    char now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    int r, rc = -1;

    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_state)) || sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
        goto rollback;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW && sqlite3_column_int(st, 0)) {
        *e = err_done;
        rc = 1;
    } else if (r == SQLITE_DONE) {
        *e = err_not_found;
        rc = 1;
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW || rc == 1)
        goto rollback;
    clock_utc_now(now);
    if (!(st = db_stmt(db, sql_done)) ||
        db_run(st, sqlite3_bind_int64(st, 1, id) | sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC)) != 0 ||
        db_commit(db) != 0)
        goto rollback;
    return 0;
rollback:
    db_rollback(db);
    return rc;
}

/* --- the sender ----------------------------------------------------------------- */

static pthread_mutex_t notify_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notify_cv;
static pthread_t notify_thread;
static bool notify_running, notify_stopping, notify_woken;
static char notify_cmd[NOTIFY_COMMAND_MAX + 1];
static char *notify_argv[NOTIFY_ARGS_MAX + 1];

static bool notify_stop_asked(void)
{
    bool s;

    pthread_mutex_lock(&notify_mu);
    s = notify_stopping;
    pthread_mutex_unlock(&notify_mu);
    return s;
}

/* The daemon's environment without any SPKIOSK_ variable, then the four of
 * the notification. Returns a malloc'ed array (the strings of vars[] and
 * environ are borrowed), NULL when memory ran out. */
static char **notify_envp(char *vars[4])
{
    char **envp = calloc(NOTIFY_ENV_MAX + 5, sizeof *envp);
    size_t n = 0, i;

    if (!envp)
        return NULL;
    for (i = 0; environ && environ[i] && n < NOTIFY_ENV_MAX; i++)
        if (strncmp(environ[i], "SPKIOSK_", 8) != 0)
            envp[n++] = environ[i];
    for (i = 0; i < 4; i++)
        envp[n++] = vars[i];
    return envp;
}

/* "NAME=value" in a new string, or NULL. */
static char *notify_var(const char *name, const char *value)
{
    size_t a = strlen(name), b = strlen(value);
    char *s = malloc(a + b + 2);

    if (s) {
        memcpy(s, name, a);
        s[a] = '=';
        memcpy(s + a + 1, value, b + 1);
    }
    return s;
}

/* Runs the command for one notification. Returns 0 when it exited 0; 1
 * when it failed (why in err: never its output, which is discarded); 2
 * when the daemon is stopping (the run was killed and does not count). */
static int notify_run(const char *phone, const char *text, const char *kind, const char *ticket,
                      char *err, size_t errlen)
{
    char *vars[4] = {notify_var("SPKIOSK_PHONE", phone), notify_var("SPKIOSK_TEXT", text),
                     notify_var("SPKIOSK_KIND", kind), notify_var("SPKIOSK_TICKET", ticket)};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    struct timespec start, now, nap = {0, NOTIFY_POLL_NS};
    sigset_t none, dflt;
    char **envp = NULL;
    pid_t pid;
    int st = 0, r, i, rc = 1;
    bool fa_ok = false, at_ok = false;

    snprintf(err, errlen, "out of memory");
    if (!vars[0] || !vars[1] || !vars[2] || !vars[3] || !(envp = notify_envp(vars)))
        goto out;
    sigemptyset(&none);
    sigemptyset(&dflt);
    /* the daemon blocks these for its signalfd and ignores SIGPIPE: the
     * command starts with the defaults */
    sigaddset(&dflt, SIGTERM);
    sigaddset(&dflt, SIGINT);
    sigaddset(&dflt, SIGHUP);
    sigaddset(&dflt, SIGPIPE);
    if (posix_spawn_file_actions_init(&fa) != 0)
        goto out;
    fa_ok = true;
    if (posix_spawnattr_init(&at) != 0)
        goto out;
    at_ok = true;
    if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0 ||
        posix_spawnattr_setsigmask(&at, &none) != 0 || posix_spawnattr_setsigdefault(&at, &dflt) != 0 ||
        /* its own process group: a timeout kills what it started too */
        posix_spawnattr_setpgroup(&at, 0) != 0 ||
        posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                          POSIX_SPAWN_SETPGROUP) != 0)
        goto out;
    if ((r = posix_spawnp(&pid, notify_argv[0], &fa, &at, notify_argv, envp)) != 0) {
        snprintf(err, errlen, "cannot start the command: %s", strerror(r));
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            /* never leave it running beside the retry */
            snprintf(err, errlen, "waitpid: %s", strerror(errno));
            kill(-pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            goto out;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (notify_stop_asked() || now.tv_sec - start.tv_sec >= NOTIFY_RUN_SECONDS) {
            bool stopping = notify_stop_asked();
            kill(-pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            if (stopping) {
                rc = 2;
            } else {
                snprintf(err, errlen, "killed after %d s", NOTIFY_RUN_SECONDS);
            }
            goto out;
        }
        nanosleep(&nap, NULL);
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        rc = 0;
        err[0] = '\0';
    } else if (WIFEXITED(st)) {
        snprintf(err, errlen, "exit status %d", WEXITSTATUS(st));
    } else {
        snprintf(err, errlen, "killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    }
out:
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (at_ok)
        posix_spawnattr_destroy(&at);
    free(envp);
    for (i = 0; i < 4; i++)
        free(vars[i]);
    return rc;
}

/* Records the result of run number attempts of notification id. 0 or -1. */
static int notify_record(struct db *db, long long id, int result, int attempts, const char *err)
{
    char now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    int b = SQLITE_OK;

    if (db_begin(db) != 0)
        return -1;
    clock_utc_now(now);
    if (result == 0) {
        if (!(st = db_stmt(db, sql_sent)))
            goto fail;
        b |= sqlite3_bind_int64(st, 1, id);
        b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    } else {
        if (!(st = db_stmt(db, sql_failed)))
            goto fail;
        b |= sqlite3_bind_int64(st, 1, id);
        b |= sqlite3_bind_int(st, 2, attempts);
        /* after the last attempt no retry is planned: the list shows it failed */
        b |= attempts >= NOTIFY_ATTEMPTS_MAX
                 ? sqlite3_bind_null(st, 3)
                 : sqlite3_bind_int64(st, 3, (sqlite3_int64)(time(NULL) +
                                                             notify_backoff_seconds(attempts)));
        b |= sqlite3_bind_text(st, 4, err, -1, SQLITE_STATIC);
    }
    if (db_run(st, b) != 0 || db_commit(db) != 0)
        goto fail;
    return 0;
fail:
    db_rollback(db);
    return -1;
}

/* Sends the notification due longest, if any. Returns 1 when one was run
 * (look again at once), 0 when none is due (*wait: seconds until the next
 * is, or NOTIFY_IDLE_SECONDS), 2 when stopping, -1 on a database error. */
static int notify_send_due(struct db *db, long long *wait)
{
    char *phone = NULL, *text = NULL, *kind = NULL, *ticket = NULL, err[NOTIFY_ERR_MAX];
    sqlite3_stmt *st = db_stmt(db, sql_due);
    long long now = (long long)time(NULL), id = 0;
    int r, attempts = 0, rc = -1;

    *wait = NOTIFY_IDLE_SECONDS;
    if (!st || sqlite3_bind_int64(st, 1, now) != SQLITE_OK)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 4);
        id = sqlite3_column_int64(st, 0);
        attempts = sqlite3_column_int(st, 5);
        phone = strdup((const char *)sqlite3_column_text(st, 1));
        text = strdup((const char *)sqlite3_column_text(st, 2));
        kind = strdup((const char *)sqlite3_column_text(st, 3));
        ticket = strdup(t ? t : "");
    }
    sqlite3_reset(st);
    if (r == SQLITE_DONE) {
        if (!(st = db_stmt(db, sql_next_due)))
            return -1;
        if ((r = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
            long long next = sqlite3_column_int64(st, 0) - now;
            *wait = next < 1 ? 1 : next < NOTIFY_IDLE_SECONDS ? next : NOTIFY_IDLE_SECONDS;
        }
        sqlite3_reset(st);
        return r == SQLITE_ROW ? 0 : -1;
    }
    if (r != SQLITE_ROW || !phone || !text || !kind || !ticket)
        goto out;
    r = notify_run(phone, text, kind, ticket, err, sizeof err);
    if (r == 2) {
        rc = 2;
        goto out;
    }
    if (r != 0)
        /* the id, never the number: nothing personal in the log */
        fprintf(stderr, "spkiosk: notify: notification %lld: %s (attempt %d of %d)\n", id, err,
                attempts + 1, NOTIFY_ATTEMPTS_MAX);
    rc = notify_record(db, id, r, attempts + 1, err) == 0 ? 1 : -1;
out:
    free(phone);
    free(text);
    free(kind);
    free(ticket);
    return rc;
}

static void *notify_main(void *arg)
{
    struct db *db = db_thread();

    (void)arg;
    if (!db) {
        fprintf(stderr, "spkiosk: notify: no database connection: nothing is sent\n");
        return NULL;
    }
    for (;;) {
        long long wait = NOTIFY_IDLE_SECONDS;
        int r = notify_send_due(db, &wait);
        struct timespec until;

        if (r < 0)
            wait = NOTIFY_ERROR_SECONDS;
        pthread_mutex_lock(&notify_mu);
        if (notify_stopping) {
            pthread_mutex_unlock(&notify_mu);
            break;
        }
        if (r != 1) {
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_sec += (time_t)wait;
            while (!notify_woken && !notify_stopping &&
                   pthread_cond_timedwait(&notify_cv, &notify_mu, &until) == 0)
                ;
        }
        notify_woken = false;
        pthread_mutex_unlock(&notify_mu);
    }
    return NULL;
}

int notify_start(const char *command)
{
    pthread_condattr_t ca;
    const char *fast = getenv("SPKIOSK_NOTIFY_FAST");
    size_t n = 0, len = command ? strlen(command) : 0;
    char *p, *save = NULL;

    if (len == 0 || len > NOTIFY_COMMAND_MAX) {
        fprintf(stderr, "spkiosk: --notify-command takes 1 to %d bytes\n", NOTIFY_COMMAND_MAX);
        return -1;
    }
    memcpy(notify_cmd, command, len + 1);
    /* words split on spaces only: no shell, no quotes, no variables */
    for (p = strtok_r(notify_cmd, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
        if (n == NOTIFY_ARGS_MAX) {
            fprintf(stderr, "spkiosk: --notify-command has more than %d words\n", NOTIFY_ARGS_MAX);
            return -1;
        }
        notify_argv[n++] = p;
    }
    notify_argv[n] = NULL;
    if (n == 0) {
        fprintf(stderr, "spkiosk: --notify-command names no program\n");
        return -1;
    }
    if (fast && strcmp(fast, "1") == 0)
        notify_backoff_div = 60;
    if (pthread_condattr_init(&ca) != 0 || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&notify_cv, &ca) != 0) {
        fprintf(stderr, "spkiosk: notify: cannot set up the sender\n");
        return -1;
    }
    pthread_condattr_destroy(&ca);
    notify_stopping = false;
    if (pthread_create(&notify_thread, NULL, notify_main, NULL) != 0) {
        fprintf(stderr, "spkiosk: notify: cannot start the sender\n");
        pthread_cond_destroy(&notify_cv);
        return -1;
    }
    pthread_mutex_lock(&notify_mu);
    notify_running = true;
    pthread_mutex_unlock(&notify_mu);
    return 0;
}

void notify_wake(void)
{
    pthread_mutex_lock(&notify_mu);
    if (notify_running) {
        notify_woken = true;
        pthread_cond_signal(&notify_cv);
    }
    pthread_mutex_unlock(&notify_mu);
}

void notify_stop(void)
{
    bool running;

    pthread_mutex_lock(&notify_mu);
    running = notify_running;
    if (running) {
        notify_stopping = true;
        pthread_cond_signal(&notify_cv);
    }
    pthread_mutex_unlock(&notify_mu);
    if (!running)
        return;
    pthread_join(notify_thread, NULL);
    pthread_mutex_lock(&notify_mu);
    notify_running = false;
    pthread_mutex_unlock(&notify_mu);
    pthread_cond_destroy(&notify_cv);
}

bool notify_sending(void)
{
    bool r;

    pthread_mutex_lock(&notify_mu);
    r = notify_running;
    pthread_mutex_unlock(&notify_mu);
    return r;
}
