/* print: the printed pages of a case — the resident's slip (排队凭条) and
 * the correction notice (补正告知单) of a returned case — as whole HTML
 * documents styled by /assets/print.css, each with the case's QR code.
 * Labels and texts of the procedure only: never a value the resident
 * typed. */
#include "print.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts.h"
#include "case_view.h"
#include "catalog.h"
#include "clock.h"
#include "corrections.h"
#include "notify.h"
#include "posts.h"
#include "qrsvg.h"
#include "relay.h"
#include "strbuf.h"
#include "sweep.h"
#include "workdays.h"

/* What a case's QR holds: the kiosk's address of the case when the hall
 * set one (a phone opens it; the kiosk's own input takes it too), else
 * the bare id. */
static char print_public_url[PRINT_PUBLIC_URL_MAX + 1];

bool print_public_url_valid(const char *url)
{
    size_t n = strlen(url), i, start;

    if (strncmp(url, "https://", 8) == 0)
        start = 8;
    else if (strncmp(url, "http://", 7) == 0)
        start = 7;
    else
        return false;
    if (n > PRINT_PUBLIC_URL_MAX || n == start || url[start] == '/')
        return false;
    /* what an address may hold, without the query and fragment the
     * kiosk's route follows, nor quotes, spaces or controls */
    for (i = start; i < n; i++)
        if (!((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
              (url[i] >= '0' && url[i] <= '9') || strchr("-._~:/[]@!$&()*+,;=%", url[i])))
            return false;
    return true;
}

int print_set_public_url(const char *url)
{
    size_t n;

    if (!url) {
        print_public_url[0] = '\0';
        return 0;
    }
    if (!print_public_url_valid(url))
        return -1;
    n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    snprintf(print_public_url, sizeof print_public_url, "%.*s", (int)n, url);
    return 0;
}

bool print_case_link(const char *id, char out[PRINT_QR_PAYLOAD_MAX])
{
    out[0] = '\0';
    if (!print_public_url[0])
        return false;
    snprintf(out, PRINT_QR_PAYLOAD_MAX, "%s/#/case/%s", print_public_url, id);
    return true;
}

/* The QR's payload for case id: "URL/#/case/ID" (web/app.js's route of a
 * case opened by its code) or the id. */
static void print_qr_payload(const char *id, char out[PRINT_QR_PAYLOAD_MAX])
{
    if (print_public_url[0])
        snprintf(out, PRINT_QR_PAYLOAD_MAX, "%s/#/case/%s", print_public_url, id);
    else
        snprintf(out, PRINT_QR_PAYLOAD_MAX, "%s", id);
}

/* The QR of case id, labelled by label, in its <div class="qr">; the
 * payload in data-payload too, for the tests and anyone checking a print.
 * 0 or non-zero (memory). */
static int print_qr(struct strbuf *sb, const char *id, const char *label)
{
    char payload[PRINT_QR_PAYLOAD_MAX];
    char *qr;
    int rc = 0;

    print_qr_payload(id, payload);
    if (!(qr = qrsvg_render(payload, label)))
        return -1;
    rc |= strbuf_puts(sb, "<div class=\"qr\" data-payload=\"");
    rc |= strbuf_put_html(sb, payload, strlen(payload));
    rc |= strbuf_puts(sb, "\">");
    rc |= strbuf_puts(sb, qr);
    rc |= strbuf_puts(sb, "</div>\n");
    free(qr);
    return rc;
}

/* The case's QR (print_qr) and its id under it, to type when no scanner
 * reads the QR: named, since a line of 32 letters and digits told the
 * resident nothing; the id alone in its own element. */
static int print_qr_code(struct strbuf *sb, const char *id, const char *label)
{
    return print_qr(sb, id, label) ||
           strbuf_puts(sb, "<p class=\"code\"><span class=\"code-label\">办件编号 </span>"
                           "<span class=\"code-id\">") ||
           strbuf_put_html(sb, id, strlen(id)) || strbuf_puts(sb, "</span></p>\n");
}

/* The hall that issues a print (`serve --hall-name`, else
 * 社区便民服务中心): a receipt or a notice names who gave it, and halls
 * sharing one library each print their own. */
static int print_hall(struct strbuf *sb)
{
    const char *name = notify_hall_name();

    return strbuf_put_html(sb, name, strlen(name));
}

/* "2026年11月21日 16:05" in local time from an ISO UTC stamp; the stamp's
 * date as written when it cannot be read. */
static void print_local_time(const char *iso, char *out, size_t cap)
{
    struct tm lt;
    time_t t;

    if (clock_utc_parse(iso, &t) != 0 || !localtime_r(&t, &lt) ||
        strftime(out, cap, "%Y年%m月%d日 %H:%M", &lt) == 0)
        snprintf(out, cap, "%.10s", iso);
}

/* The line of a slip whose ticket was called: where to go now, the
 * window as the call screen writes it ("3 号窗口", a Chinese name as it
 * is, none: 窗口). */
static int print_slip_called(struct strbuf *sb, const char *window)
{
    bool ascii = true;
    size_t i;

    for (i = 0; window[i]; i++)
        if ((unsigned char)window[i] >= 0x80)
            ascii = false;
    return strbuf_puts(sb, "<p class=\"stands\">这个号已经叫过了，请马上到") ||
           (window[0] ? strbuf_put_html(sb, window, strlen(window)) ||
                            (ascii && strbuf_puts(sb, " 号窗口"))
                      : strbuf_puts(sb, "窗口")) ||
           strbuf_puts(sb, "办理。</p>\n");
}

/* The day words of a returned case's booked home visit (visit_book):
 * 2026年12月8日（星期二）上午, into out; false when none is booked, or its
 * day is past. */
static bool print_booked_words(const struct case_state *cs, char *out, size_t cap);

/* A no-show whose answers are kept: the window takes it on as it is. */
static bool print_slip_passed(const struct case_state *cs)
{
    return strcmp(cs->status, "abandoned") == 0 && cs->w.no_show_at[0] && !cs->erased;
}

/* What a slip printed again after the window took the case says instead
 * of the queue: NULL while the case may still be called (waiting, or
 * returned to come back with its ticket). A case that left the queue
 * (abandoned) said 请留意叫号 and listed the papers: a passed resident
 * (叫号未到) is taken on at the window as the case stands while what was
 * typed is kept, and one given up after closing starts again. */
static const char *print_slip_past(const struct case_state *cs)
{
    const char *status = cs->status;

    static const struct {
        const char *status, *text;
    } past[] = {
        {"accepted", "窗口已经受理了这件事，不用再排队。办理进度请在办事页面查看。"},
        {"ready", "这件事已经办好，请带本凭条到综合窗口领取，不用再排队。"},
        {"completed", "这件事已经办结，不用再排队。"},
        {"rejected", "这件事不予办理，原因请在办事页面查看；有疑问请到综合窗口咨询。"},
    };
    size_t i;

    for (i = 0; i < sizeof past / sizeof past[0]; i++)
        if (strcmp(status, past[i].status) == 0)
            return past[i].text;
    if (strcmp(status, "abandoned") == 0)
        return print_slip_passed(cs) ? "叫到这个号时您不在（已过号）。请带本凭条到综合窗口，告诉工作人员您过号了，"
                                       "工作人员会接着为您办理；已经填好的内容都还在，不用重新填写。"
                                     : "这次办理已经结束。如果还要办理，请在自助机重新开始，或到综合窗口咨询。";
    return NULL;
}

char *print_slip_html(const struct case_state *cs, long ahead)
{
    const struct procedure *p = cs->model;
    struct strbuf sb = STRBUF_INIT;
    const char *past = print_slip_past(cs);
    /* passed: the papers are still to be brought to the window */
    bool passed = print_slip_passed(cs);
    /* an earlier day's ticket still waiting (the slip printed or opened
     * again the next morning): today's numbers start again, so that one is
     * never called (409 ticket_expired) and someone else may hold it; the
     * resident's page offers 重新取号 for the same case */
    bool old = !past && strcmp(cs->status, "waiting") == 0 && !cases_ticket_of_today(cs);
    /* called already (the resident who missed the call prints the slip
     * again at the kiosk, whose screen says where to go): not 前面还有 N
     * 人，请留意叫号 for a call that was made */
    bool called = !past && !old && strcmp(cs->status, "waiting") == 0 && cs->w.calls > 0;
    /* returned and booked for the B post: the staff agreed a day with the
     * elder, and the slip printed again said to come and queue */
    char booked[96];
    bool visit = print_booked_words(cs, booked, sizeof booked);
    char when[64];
    size_t j, i, items = 0;
    int rc = 0;

    /* handed in: the latest submission (a returned case keeps its ticket) */
    print_local_time(cs->w.submitted_at[0] ? cs->w.submitted_at : cs->created_at, when, sizeof when);

    rc |= strbuf_puts(&sb, "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<title>排队凭条 ");
    rc |= strbuf_put_html(&sb, cs->ticket ? cs->ticket : "", cs->ticket ? strlen(cs->ticket) : 0);
    rc |= strbuf_puts(&sb, "</title>\n<link rel=\"stylesheet\" href=\"/assets/print.css\">\n</head>\n"
                           "<body class=\"slip-page\">\n<main class=\"slip\">\n<p class=\"kind\">");
    rc |= print_hall(&sb);
    rc |= strbuf_puts(&sb, " · 排队凭条</p>\n<p class=\"ticket-label\">您的排队号</p>\n<p class=\"ticket\">");
    rc |= strbuf_put_html(&sb, cs->ticket ? cs->ticket : "", cs->ticket ? strlen(cs->ticket) : 0);
    rc |= strbuf_puts(&sb, "</p>\n<h1>");
    rc |= strbuf_put_html(&sb, p->title, strlen(p->title));
    rc |= strbuf_puts(&sb, "</h1>\n<p class=\"when\">");
    rc |= strbuf_put_html(&sb, when, strlen(when));
    rc |= strbuf_puts(&sb, " 取号</p>\n");
    /* a slip printed again (a resident's link, a scanned code) after the
     * window took the case told them to wait for a call that never comes,
     * and to bring papers already handed over */
    if (past)
        rc |= strbuf_puts(&sb, "<p class=\"stands\">") || strbuf_puts(&sb, past) ||
              strbuf_puts(&sb, "</p>\n");
    else if (visit)
        rc |= strbuf_puts(&sb, "<p class=\"stands\" id=\"visit-booked\">已为您预约上门补正：") ||
              strbuf_put_html(&sb, booked, strlen(booked)) ||
              strbuf_puts(&sb, "。工作人员会到您家里帮您补正，您不用来大厅排队。</p>\n");
    else if (old)
        rc |= strbuf_puts(&sb, "<p class=\"stands\">这是以前取的号，今天不会再叫到。请在自助机点“我有凭条”"
                               "扫描本凭条，或打开办事页面，点“重新取号”拿今天的新号；已经填好的内容都还在，"
                               "不用重填。</p>\n");
    else if (called)
        rc |= print_slip_called(&sb, cs->w.called_window);
    else if (ahead == 0)
        rc |= strbuf_puts(&sb, "<p class=\"ahead\">前面没有人在等，请留意叫号</p>\n");
    else if (ahead > 0)
        rc |= strbuf_printf(&sb, "<p class=\"ahead\">您前面还有 <strong>%ld</strong> 人</p>\n", ahead);
    for (j = 0; (!past || passed) && j < p->n_steps; j++)
        for (i = 0; i < p->steps[j].n_items; i++)
            items += cases_item_applies(cs, j, &p->steps[j].items[i]);
    if (items) {
        rc |= strbuf_puts(&sb, visit ? "<section class=\"materials\"><h2>上门时请准备好以下材料</h2>\n<ul>\n"
                                     : "<section class=\"materials\"><h2>请带上以下材料到综合窗口</h2>\n<ul>\n");
        for (j = 0; j < p->n_steps; j++) {
            for (i = 0; i < p->steps[j].n_items; i++) {
                const struct proc_item *it = &p->steps[j].items[i];
                if (!cases_item_applies(cs, j, it))
                    continue;
                rc |= strbuf_puts(&sb, "<li>");
                rc |= strbuf_put_html(&sb, it->text, strlen(it->text));
                if (!it->required)
                    rc |= strbuf_puts(&sb, "<span class=\"note\">（如有）</span>");
                rc |= strbuf_puts(&sb, "</li>\n");
            }
        }
        rc |= strbuf_puts(&sb, "</ul></section>\n");
    }
    rc |= print_qr_code(&sb, cs->id, "办事记录二维码，请在窗口扫描");
    rc |= strbuf_puts(&sb, visit ? "<footer><p>那天不方便的，请打电话告诉综合窗口改约；自己来大厅时，"
                                   "请带本凭条和上面的材料到综合窗口。</p></footer>\n"
                           : passed ? "<footer><p>请带本凭条和上面的材料到综合窗口，不用重新取号。</p></footer>\n"
                           : past ? "<footer><p>办理进度请在办事页面查看，或带本凭条到综合窗口询问。</p></footer>\n"
                           : old ? "<footer><p>取了新号后请留意叫号，到综合窗口出示本凭条。</p></footer>\n"
                           : called ? "<footer><p>到窗口出示本凭条。</p></footer>\n"
                                 : "<footer><p>请留意叫号，到综合窗口出示本凭条。</p></footer>\n");
    rc |= strbuf_puts(&sb, "</main>\n</body>\n</html>\n");
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

/* ---- the correction notice ------------------------------------------------ */

/* Beside each 到窗口 of a paper made at the home (a receipt taken on, a
 * notice of a return or a refusal there): its resident is one who cannot
 * come (上门服务), told to come to the window all the same. The way is a
 * call to the item's 咨询电话 (the hall's own, serve --hall-phone, where
 * the library leaves it out), named here, not a promise of a visit, which
 * is the hall's to make; an item with no number at all sends them to the
 * staffer the paper names, who came to the home. It said 请打下面的咨询电话
 * of a paper that lists none. */
static int print_home_call(struct strbuf *sb, const struct procedure *p)
{
    const struct fm_entry *ph = frontmatter_get(&p->meta, "phone");

    if (!ph || !*ph->value)
        return strbuf_puts(sb, "（不方便来的，请联系上门为您办理的工作人员）");
    return strbuf_puts(sb, "（不方便来的，请打电话 ") || strbuf_put_html(sb, ph->value, strlen(ph->value)) ||
           strbuf_puts(sb, " 联系我们）");
}

/* The 排队号 of a paper of a case taken on or told at the home, which
 * never was in the hall's queue ("—" read as a number left out). */
#define HOME_NO_TICKET "无（上门办理，不取号）"

/* The viewport of a paper also shown on the visitor's phone (its width;
 * print.css's .screen-page sets the type). */
#define SCREEN_VIEWPORT "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"


static int print_li(struct strbuf *sb, const char *kind, const char *text)
{
    return strbuf_puts(sb, "<li><span class=\"what\">") || strbuf_puts(sb, kind) ||
           strbuf_puts(sb, "</span>") || strbuf_put_html(sb, text, strlen(text)) ||
           strbuf_puts(sb, "</li>\n");
}

static const struct {
    const char *key, *label;
} print_contact[] = {
    {"location", "办理地点"}, {"hours", "办理时间"}, {"phone", "咨询电话"},
    {"responsible", "责任岗位"},
};

/* The procedure's contact details as <dt>/<dd> pairs (those it has). */
static int print_contacts(struct strbuf *sb, const struct procedure *p)
{
    const struct fm_entry *e;
    size_t i;
    int rc = 0;

    for (i = 0; i < sizeof print_contact / sizeof print_contact[0]; i++) {
        if (!(e = frontmatter_get(&p->meta, print_contact[i].key)) || !*e->value)
            continue;
        rc |= strbuf_puts(sb, "<dt>") || strbuf_puts(sb, print_contact[i].label) ||
              strbuf_puts(sb, "</dt><dd>") || strbuf_put_html(sb, e->value, strlen(e->value)) ||
              strbuf_puts(sb, "</dd>\n");
    }
    return rc;
}

/* "2026年12月2日（星期三）" for the day ymd (YYYYMMDD): an elder reads the
 * weekday before the date. */
static void print_day_words(int ymd, char *out, size_t cap)
{
    static const char *const wd[] = {"一", "二", "三", "四", "五", "六", "日"};
    int w = workdays_weekday(ymd);

    snprintf(out, cap, "%d年%d月%d日%s%s%s", ymd / 10000, ymd / 100 % 100, ymd % 100,
             w >= 0 ? "（星期" : "", w >= 0 ? wd[w] : "", w >= 0 ? "）" : "");
}

static bool print_booked_words(const struct case_state *cs, char *out, size_t cap)
{
    const char *d = cs->r.visit_date;
    char today[CLOCK_DAY_LEN];
    size_t n;

    /* a day gone by (nobody went, or nobody recorded it): not a promise
     * to print; the paper says what it said before the booking */
    clock_today_text(today);
    if (!cs->r.visit_booked || strlen(d) != 10 || strcmp(d, today) < 0)
        return false;
    print_day_words(atoi(d) * 10000 + atoi(d + 5) * 100 + atoi(d + 8), out, cap);
    n = strlen(out);
    snprintf(out + n, cap - n, "%s", cs->r.visit_slot);
    return true;
}

/* The notice's paragraph of a booked home visit (print_booked_words),
 * before how to correct it oneself: the elder keeps the paper, and it
 * said only to come to the hall by a day. *said: whether it was written.
 * 0 or -1. */
static int print_notice_booked(struct strbuf *sb, const struct case_state *cs, bool *said)
{
    char booked[96];

    if (!(*said = print_booked_words(cs, booked, sizeof booked)))
        return 0;
    return strbuf_puts(sb, "<p class=\"until\" id=\"visit-booked\"><strong>已为您预约上门补正：") ||
           strbuf_put_html(sb, booked, strlen(booked)) ||
           strbuf_puts(sb, "。</strong>工作人员会到您家里帮您补正，您不用来大厅；请提前准备好上面列出的材料"
                           "和身份证件原件。那天不方便的，请打电话告诉综合窗口改约。</p>\n");
}

/* The notice's line of until when the hall keeps the return
 * (corrections_returned_ends): the day the staff's 等居民补正 list gives,
 * the last working day the resident can come, and what happens after it,
 * in words a resident keeps the paper for. 最晚 and 过了这一天 say the day
 * is theirs whole: 以前 left it unsaid whether the day itself counted. */
static int print_notice_until(struct strbuf *sb, const struct case_state *cs)
{
    struct catalog *c = catalog_acquire();
    int ends = corrections_returned_ends(cs, c ? catalog_calendar(c) : NULL, sweep_retention_get());
    char day[64];

    if (c)
        catalog_release(c);
    if (!ends)
        return 0;
    print_day_words(ends, day, sizeof day);
    return strbuf_puts(sb, "<p class=\"until\" id=\"correct-by\"><strong>请最晚在") ||
           strbuf_put_html(sb, day, strlen(day)) ||
           strbuf_puts(sb, "交回。</strong>过了这一天还没有交回的，这次办理按放弃处理，"
                           "不能再接着补正；以后要办，请重新办理（可以在自助机上从头开始，"
                           "或到综合窗口）。</p>\n");
}

/* who: the staffer as residents read them (accounts_display_of). home:
 * returned at the resident's home (the case waited for the B post: its
 * returned event's channel is visit), where the visitor has a phone and no
 * printer: the notice says so, and is laid out for the phone too (as a
 * receipt taken on there, .screen-page). */
static char *print_notice(const struct case_state *cs, const char *who, bool home)
{
    const struct procedure *p = cs->model;
    cJSON *flags = cs->returned_items ? cJSON_Parse(cs->returned_items) : NULL;
    struct strbuf sb = STRBUF_INIT;
    bool booked_now = false;
    char when[64];
    size_t j, i, n = 0;
    int rc = 0;

    print_local_time(cs->w.returned_at, when, sizeof when);
    rc |= strbuf_puts(&sb, "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    rc |= strbuf_puts(&sb, home ? SCREEN_VIEWPORT : "");
    rc |= strbuf_puts(&sb, "<title>补正告知单 ");
    rc |= strbuf_put_html(&sb, cs->ticket ? cs->ticket : "", cs->ticket ? strlen(cs->ticket) : 0);
    rc |= strbuf_puts(&sb, "</title>\n<link rel=\"stylesheet\" href=\"/assets/print.css\">\n</head>\n"
                           "<body class=\"correction-page");
    rc |= strbuf_puts(&sb, home ? " screen-page" : "");
    rc |= strbuf_puts(&sb, "\">\n<main class=\"correction\">\n<header><p class=\"issuer\">");
    rc |= print_hall(&sb);
    rc |= strbuf_puts(&sb, "</p>\n<p class=\"kind\">补正告知单（一次性告知）</p>\n<h1>");
    rc |= strbuf_put_html(&sb, p->title, strlen(p->title));
    rc |= strbuf_puts(&sb, "</h1>\n</header>\n<dl class=\"facts\">\n<dt>排队号</dt><dd class=\"ticket\">");
    {
        const char *t = cs->ticket ? cs->ticket : home ? HOME_NO_TICKET : "—";
        rc |= strbuf_put_html(&sb, t, strlen(t));
    }
    rc |= strbuf_puts(&sb, home ? "</dd>\n<dt>退回方式</dt><dd>上门时退回，在居民家中" : "");
    rc |= strbuf_puts(&sb, "</dd>\n<dt>退回时间</dt><dd>");
    rc |= strbuf_put_html(&sb, when, strlen(when));
    rc |= strbuf_puts(&sb, "</dd>\n<dt>经办人</dt><dd>");
    rc |= strbuf_put_html(&sb, who, strlen(who));
    rc |= strbuf_puts(&sb, "</dd>\n</dl>\n<section class=\"reason\"><h2>退回原因</h2>\n<p>");
    rc |= strbuf_put_html(&sb, cs->returned_reason ? cs->returned_reason : "",
                          cs->returned_reason ? strlen(cs->returned_reason) : 0);
    rc |= strbuf_puts(&sb, "</p></section>\n<section class=\"materials\"><h2>需要补正的内容</h2>\n"
                           "<p class=\"intro\">以下是本次需要补正的全部内容，请一次补齐：</p>\n<ul>\n");
    /* what the staffer flagged, then anything required that is missing;
     * labels and texts only, never what the resident wrote */
    for (j = 0; j < p->n_steps; j++) {
        const struct proc_step *st = &p->steps[j];
        for (i = 0; i < st->n_items; i++) {
            const struct proc_item *it = &st->items[i];
            bool applies = cases_item_applies(cs, j, it);
            if (case_view_flagged(flags, "checklist", it->id) ||
                (applies && it->required && !cases_ticked(cs, it->id))) {
                rc |= print_li(&sb, "材料：", it->text);
                n++;
            }
        }
        for (i = 0; i < st->n_fields; i++) {
            const struct field *f = &st->fields[i];
            bool applies = cases_field_applies(cs, j, f);
            if (case_view_flagged(flags, "fields", f->key)) {
                rc |= print_li(&sb, "请核对、更正：", f->label);
                n++;
            } else if (applies && f->required && !cases_value(cs, f->key)) {
                rc |= print_li(&sb, "请填写：", f->label);
                n++;
            }
        }
    }
    if (!n)
        rc |= strbuf_puts(&sb, "<li>见上面的退回原因。</li>\n");
    /* the number stays only for a ticket of today: an earlier day's (a case
     * returned from the back office) or none (a home visit, pre-review)
     * draws a new one when handed in again */
    rc |= strbuf_puts(&sb, "</ul></section>\n<section class=\"next\"><h2>补正后怎么办</h2>\n");
    rc |= print_notice_booked(&sb, cs, &booked_now);
    rc |= strbuf_puts(&sb, booked_now ? "<p>也可以自己补正：补齐后，" : "<p>补齐后，");
    /* a case started from home is corrected there, through its link (the QR
     * below is that link only with --public-url); the hall stays open to it */
    if (strcmp(cs->channel, "web") == 0)
        rc |= strbuf_puts(&sb, print_public_url[0]
                                   ? "请用手机或电脑打开您的办件链接（或扫描下面的二维码），修改并重新提交；"
                                     "也可以到大厅自助机上修改并重新提交"
                                   : "请用手机或电脑打开您的办件链接，修改并重新提交；"
                                     "也可以到大厅自助机上修改并重新提交");
    else
        rc |= strbuf_puts(&sb, "请在自助机上修改并重新提交");
    rc |= strbuf_puts(&sb, cases_ticket_of_today(cs) ? "（当天排队号不变）"
                           : cs->ticket              ? "（重新提交时会取新的排队号）"
                                                     : "");
    rc |= strbuf_puts(&sb, "，或直接带本告知单和材料到综合窗口办理");
    rc |= (home && print_home_call(&sb, p)) || strbuf_puts(&sb, "。</p>\n");
    rc |= print_notice_until(&sb, cs);
    rc |= strbuf_puts(&sb, "<dl class=\"facts\">\n");
    rc |= print_contacts(&sb, p);
    rc |= strbuf_puts(&sb, "</dl></section>\n");
    /* on the visitor's phone only (print.css): how the resident keeps
     * what to correct without the paper */
    if (home)
        rc |= strbuf_puts(&sb, "<p class=\"screen-note\" id=\"screen-note\">这份告知单是工作人员在您家中给您看的，"
                               "请把这一页拍照保存，照着准备要补正的材料。需要纸质告知单的，"
                               "可以到服务中心综合窗口打印。</p>\n");
    rc |= print_qr_code(&sb, cs->id, "办件二维码，到窗口时请出示");
    rc |= strbuf_puts(&sb, "<footer><p>本告知单一次性列明需要补正的全部内容。"
                           "如有疑问，请向经办人或综合窗口咨询。</p></footer>\n"
                           "</main>\n</body>\n</html>\n");
    cJSON_Delete(flags);
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

/* Reads case id into cs (freed by the caller in every case) in one read
 * transaction. 0, 1 with e (unknown case), -1. */
static int print_case_read(struct db *db, const char *id, struct case_state *cs,
                           struct refusal *e)
{
    int r;

    memset(cs, 0, sizeof *cs);
    if (db_read_begin(db) != 0)
        return -1;
    r = cases_load(db, id, cs, e);
    if (db_read_end(db) != 0 && r == 0)
        r = -1;
    return r;
}

/* Whether the last event of case id that is what or or_what was made at
 * the resident's home (its channel visit: relay's refusal, window's
 * return of a case waiting for the B post), into *home (false without
 * one: an event of an earlier build said window). Inside a read. 0 or -1. */
static const char sql_last_at_home[] =
    "SELECT channel = 'visit' FROM case_events WHERE case_id = ?1 AND what IN (?2, ?3)"
    " ORDER BY id DESC LIMIT 1";

static int print_last_at_home(struct db *db, const char *id, const char *what, const char *or_what,
                              bool *home)
{
    sqlite3_stmt *st = db_stmt(db, sql_last_at_home);
    int r, b = SQLITE_OK;

    *home = false;
    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, what, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, or_what, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW)
        *home = sqlite3_column_int(st, 0) == 1;
    sqlite3_reset(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -1;
}

/* print_case_read, and in the same read whether the last event what (or
 * or_what) was made at the home (print_last_at_home). */
static int print_case_read_home(struct db *db, const char *id, const char *what, const char *or_what,
                                struct case_state *cs, bool *home, struct refusal *e)
{
    int r;

    memset(cs, 0, sizeof *cs);
    *home = false;
    if (db_read_begin(db) != 0)
        return -1;
    r = cases_load(db, id, cs, e);
    if (r == 0 && print_last_at_home(db, id, what, or_what, home) != 0)
        r = -1;
    if (db_read_end(db) != 0 && r == 0)
        r = -1;
    return r;
}

int print_correction_html(struct db *db, const char *id, char **out, struct refusal *e)
{
    static const struct refusal not_returned = {REFUSAL_CONFLICT, "not_returned",
                                                "这件办件没有被退回，没有补正告知单"};
    char who[ACCOUNTS_DISPLAY_BUF];
    struct case_state cs;
    bool home;
    int r;

    *out = NULL;
    if ((r = print_case_read_home(db, id, "returned", "returned", &cs, &home, e)) == 0 &&
        strcmp(cs.status, "returned") != 0) {
        *e = not_returned;
        r = 1;
    }
    if (r == 0)
        accounts_display_of(db, cs.w.returned_by, who, sizeof who);
    if (r == 0 && !(*out = print_notice(&cs, who, home)))
        r = -1;
    cases_state_free(&cs);
    return r;
}

/* ---- the list of missing papers ------------------------------------------ */

static const struct refusal print_err_no_missing = {
    REFUSAL_CONFLICT, "not_incomplete", "这件办件没有登记缺少的材料，没有所缺材料清单"};
static const struct refusal print_err_all_received = {
    REFUSAL_CONFLICT, "not_incomplete", "居民取号时没带的材料都已补交，不用再打印所缺材料清单"};
static const struct refusal print_err_bad_items = {
    REFUSAL_INVALID, "bad_items", "清单里的材料不属于这件办件，请返回上一页再试"};

/* Marks in want (one per item of the pinned version, in file order) the
 * items named by list, ids separated by commas; every one must be an item
 * that applies to the case. Returns 0, 1 (a name of no such item, an empty
 * or too long list), or -1. */
static int print_want_list(const struct case_state *cs, const char *list, bool *want)
{
    const struct procedure *p = cs->model;
    size_t j, i, k, len, n = 0, named = 0;
    const char *q = list, *c;

    if (strlen(list) > PRINT_MISSING_QUERY_MAX)
        return 1;
    for (; *q; q = *c ? c + 1 : c) {
        bool found = false;
        c = strchr(q, ',');
        if (!c)
            c = q + strlen(q);
        len = (size_t)(c - q);
        for (j = 0, k = 0; j < p->n_steps; j++)
            for (i = 0; i < p->steps[j].n_items; i++, k++)
                if (!found && strlen(p->steps[j].items[i].id) == len &&
                    memcmp(p->steps[j].items[i].id, q, len) == 0) {
                    if (!cases_item_applies(cs, j, &p->steps[j].items[i]))
                        return 1;
                    found = true;
                    named += !want[k];
                    want[k] = true;
                }
        if (!found)
            return 1;
        n++;
    }
    return n && named ? 0 : 1;
}

/* Marks in want the items cs->missing_items lists (ids of the pinned
 * version, so their texts are those the resident saw) that are still
 * owed: one brought since (已补交, window_receive) is ticked, and a sheet
 * printed after it listed it as missing all the same. 0, or 1 when the
 * case holds no list or owes none of it now. */
static int print_want_recorded(const struct case_state *cs, bool *want)
{
    const struct procedure *p = cs->model;
    cJSON *ids = cs->missing_items ? cJSON_Parse(cs->missing_items) : NULL;
    const cJSON *x;
    size_t j, i, k, n = 0;

    cJSON_ArrayForEach(x, ids)
        for (j = 0, k = 0; j < p->n_steps; j++)
            for (i = 0; i < p->steps[j].n_items; i++, k++)
                if (cJSON_IsString(x) && strcmp(p->steps[j].items[i].id, x->valuestring) == 0 &&
                    !cases_ticked(cs, x->valuestring)) {
                    n += !want[k];
                    want[k] = true;
                }
    cJSON_Delete(ids);
    return n ? 0 : 1;
}

static char *print_missing_page(const struct case_state *cs, const bool *want)
{
    const struct procedure *p = cs->model;
    struct strbuf sb = STRBUF_INIT;
    size_t j, i, k, n = 0, m;
    int rc = 0;

    for (j = 0, k = 0; j < p->n_steps; j++)
        for (i = 0; i < p->steps[j].n_items; i++, k++)
            n += want[k];
    rc |= strbuf_puts(&sb, "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<title>所缺材料清单 ");
    rc |= strbuf_put_html(&sb, p->title, strlen(p->title));
    rc |= strbuf_puts(&sb, "</title>\n<link rel=\"stylesheet\" href=\"/assets/print.css\">\n</head>\n"
                           "<body class=\"correction-page missing-page\">\n<main class=\"correction missing\">\n"
                           "<header><p class=\"issuer\">");
    rc |= print_hall(&sb);
    rc |= strbuf_puts(&sb, "</p>\n<p class=\"kind\">所缺材料清单（一次性告知）</p>\n<h1>");
    rc |= strbuf_put_html(&sb, p->title, strlen(p->title));
    rc |= strbuf_puts(&sb, "</h1>\n</header>\n");
    if (cs->ticket && strcmp(cs->status, "waiting") == 0) {
        rc |= strbuf_puts(&sb, "<dl class=\"facts\">\n<dt>排队号</dt><dd class=\"ticket\">");
        rc |= strbuf_put_html(&sb, cs->ticket, strlen(cs->ticket));
        rc |= strbuf_puts(&sb, "</dd>\n</dl>\n");
    }
    rc |= strbuf_printf(&sb, "<section class=\"materials\"><h2>还缺这 %zu 样材料</h2>\n"
                             "<p class=\"intro\">办理这件事还需要下面的材料，请一次带齐：</p>\n<ul>\n", n);
    for (j = 0, k = 0; j < p->n_steps; j++)
        for (i = 0; i < p->steps[j].n_items; i++, k++)
            if (want[k])
                rc |= strbuf_puts(&sb, "<li>") ||
                      strbuf_put_html(&sb, p->steps[j].items[i].text, strlen(p->steps[j].items[i].text)) ||
                      strbuf_puts(&sb, "</li>\n");
    rc |= strbuf_puts(&sb, "</ul></section>\n");
    /* the papers the resident has: to bring again with the missing ones (a
     * list of only the missing ones sent people back without their ID) */
    for (j = 0, k = 0, m = 0; j < p->n_steps; j++)
        for (i = 0; i < p->steps[j].n_items; i++, k++)
            m += !want[k] && p->steps[j].items[i].required &&
                 cases_item_applies(cs, j, &p->steps[j].items[i]);
    if (m) {
        rc |= strbuf_puts(&sb, "<section class=\"materials also\"><h2>另外还要带上</h2>\n"
                               "<p class=\"intro\">下面这些材料您已经有了，来办理时也要一起带上：</p>\n<ul>\n");
        for (j = 0, k = 0; j < p->n_steps; j++)
            for (i = 0; i < p->steps[j].n_items; i++, k++)
                if (!want[k] && p->steps[j].items[i].required &&
                    cases_item_applies(cs, j, &p->steps[j].items[i]))
                    rc |= strbuf_puts(&sb, "<li>") ||
                          strbuf_put_html(&sb, p->steps[j].items[i].text,
                                          strlen(p->steps[j].items[i].text)) ||
                          strbuf_puts(&sb, "</li>\n");
        rc |= strbuf_puts(&sb, "</ul></section>\n");
    }
    /* accepted without them (容缺受理): the kiosk has nothing left to go
     * on with, the papers are handed in at the window */
    if (strcmp(cs->status, "accepted") == 0 || strcmp(cs->status, "ready") == 0)
        rc |= strbuf_puts(&sb, "<section class=\"next\"><h2>带齐后怎么办</h2>\n"
                               "<p>窗口已先受理（容缺受理）。请带上本清单和材料，尽快到综合窗口补交；"
                               "补交前审核可能无法完成。</p>\n<dl class=\"facts\">\n");
    else
        rc |= strbuf_puts(&sb, "<section class=\"next\"><h2>带齐后怎么办</h2>\n"
                               "<p>带齐后，在自助机上扫描下面的二维码，接着办理（已填写的内容会保留）；"
                               "也可以带上本清单和材料直接到综合窗口办理。</p>\n<dl class=\"facts\">\n");
    rc |= print_contacts(&sb, p);
    rc |= strbuf_puts(&sb, "</dl></section>\n");
    rc |= print_qr_code(&sb, cs->id, "办件二维码，在自助机上扫描或到窗口出示");
    rc |= strbuf_puts(&sb, "<footer><p>本清单一次性列明所缺的全部材料。"
                           "如有疑问，请到综合窗口咨询。</p></footer>\n</main>\n</body>\n</html>\n");
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

int print_missing_html(struct db *db, const char *id, const char *items, char **out,
                       struct refusal *e)
{
    struct case_state cs;
    bool *want = NULL;
    size_t j, total = 0;
    int r;

    *out = NULL;
    if ((r = print_case_read(db, id, &cs, e)) == 0) {
        for (j = 0; j < cs.model->n_steps; j++)
            total += cs.model->steps[j].n_items;
        if (!(want = calloc(total + 1, sizeof *want)))
            r = -1;
    }
    if (r == 0 && items && (r = print_want_list(&cs, items, want)) > 0)
        *e = print_err_bad_items;
    else if (r == 0 && !items && (r = print_want_recorded(&cs, want)) > 0)
        *e = cs.missing_items ? print_err_all_received : print_err_no_missing;
    if (r == 0 && !(*out = print_missing_page(&cs, want)))
        r = -1;
    free(want);
    cases_state_free(&cs);
    return r;
}

/* ---- the acceptance receipt and the rejection notice ------------------------ */

/* The head of an A4 notice of case cs: title, kind, the ticket and the
 * facts after it are the caller's. screen: also read on a phone's screen
 * (the receipt of a case accepted at the home, shown there: the visitor
 * has no printer), so laid out at the phone's width, in large type
 * (print.css, .screen-page). no_ticket: what the 排队号 row says of a case
 * without a ticket (NULL: "—"). */
static int print_notice_head(struct strbuf *sb, const struct case_state *cs, const char *kind,
                             bool screen, const char *no_ticket)
{
    const struct procedure *p = cs->model;
    const char *none = no_ticket ? no_ticket : "—";

    return strbuf_puts(sb, "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n") ||
           (screen && strbuf_puts(sb, SCREEN_VIEWPORT)) ||
           strbuf_puts(sb, "<title>") || strbuf_puts(sb, kind) || strbuf_puts(sb, " ") ||
           strbuf_put_html(sb, p->title, strlen(p->title)) ||
           strbuf_puts(sb, "</title>\n<link rel=\"stylesheet\" href=\"/assets/print.css\">\n</head>\n"
                           "<body class=\"correction-page") ||
           (screen && strbuf_puts(sb, " screen-page")) ||
           strbuf_puts(sb, "\">\n<main class=\"correction\">\n<header><p class=\"issuer\">") ||
           print_hall(sb) || strbuf_puts(sb, "</p>\n<p class=\"kind\">") ||
           strbuf_puts(sb, kind) || strbuf_puts(sb, "</p>\n<h1>") ||
           strbuf_put_html(sb, p->title, strlen(p->title)) ||
           strbuf_puts(sb, "</h1>\n</header>\n<dl class=\"facts\">\n<dt>排队号</dt><dd class=\"ticket\">") ||
           strbuf_put_html(sb, cs->ticket ? cs->ticket : none, strlen(cs->ticket ? cs->ticket : none)) ||
           strbuf_puts(sb, "</dd>\n");
}

static int print_fact(struct strbuf *sb, const char *dt, const char *dd)
{
    return strbuf_puts(sb, "<dt>") || strbuf_puts(sb, dt) || strbuf_puts(sb, "</dt><dd>") ||
           strbuf_put_html(sb, dd, strlen(dd)) || strbuf_puts(sb, "</dd>\n");
}

/* "2026年12月02日" from a stored YYYY-MM-DD; as written when it is not one. */
static void print_local_date(const char *ymd, char *out, size_t cap)
{
    int y, m, d;

    if (ymd && sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) == 3)
        snprintf(out, cap, "%04d年%02d月%02d日", y % 10000, m % 100, d % 100);
    else
        snprintf(out, cap, "%s", ymd ? ymd : "");
}

static int print_tail(struct strbuf *sb, const struct case_state *cs, const char *footer)
{
    return strbuf_puts(sb, "<section class=\"next\"><h2>咨询</h2>\n<dl class=\"facts\">\n") ||
           print_contacts(sb, cs->model) || strbuf_puts(sb, "</dl></section>\n") ||
           print_qr_code(sb, cs->id, "办件二维码，查询进度或到窗口时请出示") ||
           strbuf_puts(sb, "<footer><p>") || strbuf_puts(sb, footer) ||
           strbuf_puts(sb, "</p></footer>\n</main>\n</body>\n</html>\n");
}

/* The case's acceptances, as the receipt tells them: the first, when its
 * chain began (a case returned while accepted and accepted again keeps
 * the date its time limit counts from), and where the first and the last
 * were made: an `accepted` event of channel "visit" is the B post's at the
 * resident's home (visit_result; the channel, not the detail, which
 * retention erases). */
struct print_accepts {
    char first[CLOCK_UTC_LEN];          /* "" without an accepted event */
    char first_user[ACCOUNTS_NAME_MAX + 1];
    int times;                          /* how many acceptances */
    bool first_home, last_home;
};

static const char sql_accepts[] =
    "SELECT at, user, channel = 'visit',"
    " (SELECT count(*) FROM case_events WHERE case_id = ?1 AND what = 'accepted'),"
    " (SELECT channel = 'visit' FROM case_events WHERE case_id = ?1 AND what = 'accepted'"
    "  ORDER BY id DESC LIMIT 1)"
    " FROM case_events WHERE case_id = ?1 AND what = 'accepted' ORDER BY id LIMIT 1";

/* Fills a (all empty and 0 when the case has no accepted event). 0, 1
 * when it has none, -1 on a database error. */
static int print_accepts_read(struct db *db, const char *id, struct print_accepts *a)
{
    sqlite3_stmt *st = db_stmt(db, sql_accepts);
    int r, b = SQLITE_OK;

    memset(a, 0, sizeof *a);
    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW) {
        const char *at = (const char *)sqlite3_column_text(st, 0);
        const char *u = (const char *)sqlite3_column_text(st, 1);
        snprintf(a->first, sizeof a->first, "%s", at ? at : "");
        snprintf(a->first_user, sizeof a->first_user, "%s", u ? u : "");
        a->first_home = sqlite3_column_int(st, 2) == 1;
        a->times = sqlite3_column_int(st, 3);
        a->last_home = sqlite3_column_int(st, 4) == 1;
    }
    sqlite3_reset(st);
    return r == SQLITE_ROW ? 0 : r == SQLITE_DONE ? 1 : -1;
}

/* The papers recorded as brought after acceptance (容缺受理, then 已补交:
 * window_receive's `received` events): item id → when, the latest of each
 * not withdrawn since (window_withdraw_received: a record made by mistake
 * is no date the paper came), added to o. A retention-erased case's events have no detail and add
 * nothing. 0 or -1. */
static const char sql_received[] =
    "SELECT e.detail, max(e.at) FROM case_events e WHERE e.case_id = ?1 AND e.what = 'received'"
    " AND e.detail IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_events w WHERE w.case_id = ?1"
    " AND w.id > e.id AND w.what = 'received_withdrawn'"
    " AND substr(w.detail, 1, length(e.detail) + 1) = e.detail || ' ') GROUP BY e.detail";

static int print_received(struct db *db, const char *id, cJSON *o)
{
    sqlite3_stmt *st = db_stmt(db, sql_received);
    int r = SQLITE_ERROR, b = SQLITE_OK;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *item = (const char *)sqlite3_column_text(st, 0);
        const char *at = (const char *)sqlite3_column_text(st, 1);
        if (item && at && !cJSON_AddStringToObject(o, item, at)) {
            r = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    return b == SQLITE_OK && r == SQLITE_DONE ? 0 : -1;
}

/* ac, first_who: the acceptances (print_accepts_read) and who made the
 * first; when the case was accepted again after a correction (the row's
 * accepted_at is then the later one), both are printed, so that the date
 * promised reads against the date it counts from (a review found only the
 * later one, beside a promise counted from the first). One made at the
 * resident's home says so (上门受理, who: the visitor), and the receipt is
 * then also laid out for the visitor's phone, where the resident reads it
 * (print_notice_head's screen). */
/* received: item id → when it was recorded as brought (print_received). */
static char *print_receipt(const struct case_state *cs, const char *who, const struct print_accepts *ac,
                           const char *first_who, const cJSON *stages,
                           const cJSON *received, const struct posts *posts,
                           const struct workdays *cal)
{
    const struct procedure *p = cs->model;
    struct strbuf sb = STRBUF_INIT;
    char when[64], due[64];
    const cJSON *s;
    size_t j, i, n = 0;
    int rc = 0, year;
    bool again = ac->times > 1 && ac->first[0];
    bool home = ac->last_home || (again && ac->first_home);

    print_local_time(again ? ac->first : cs->w.accepted_at, when, sizeof when);
    print_local_date(cs->r.due, due, sizeof due);
    /* no ticket: taken on at the home, never in the hall's queue ("—"
     * read as a number left out by mistake) */
    rc |= print_notice_head(&sb, cs, "受理回执", home, home ? HOME_NO_TICKET : NULL);
    if (again ? ac->first_home : ac->last_home)
        rc |= print_fact(&sb, "受理方式", "上门受理，在居民家中");
    rc |= print_fact(&sb, "受理时间", when);
    rc |= print_fact(&sb, "受理人", again ? first_who : who);
    if (again) {
        char later[64], fact[200];
        print_local_time(cs->w.accepted_at, later, sizeof later);
        snprintf(fact, sizeof fact, "%s（%s%s）", later, who, ac->last_home ? "，上门受理，在居民家中" : "");
        rc |= print_fact(&sb, "补正后再次受理", fact);
    }
    rc |= strbuf_puts(&sb, "<dt>承诺办结</dt><dd class=\"due\">");
    rc |= strbuf_put_html(&sb, due, strlen(due));
    /* received, not to bring: ticked (print.css), where the slip's list
     * has empty boxes a resident could read as "not received" */
    rc |= strbuf_puts(&sb, "前<span class=\"due-note\">（按工作日计算，退回补正期间不计）</span></dd>\n</dl>\n");
    /* the hall's calendar lacks the year: its holidays counted as working
     * days, so the date is early. The staff screen said so; the paper the
     * resident keeps did not (a staff review: 2027-01-01 promised). */
    if ((year = workdays_gap_year(cal, cs->r.due))) {
        char note[320];
        snprintf(note, sizeof note,
                 "注：本中心的节假日安排还没有 %d 年的，上面的日期把 %d 年的法定节假日也算作了工作日；"
                 "遇节假日，办结日期相应顺延，以窗口通知为准。", year, year);
        rc |= strbuf_puts(&sb, "<p class=\"note calendar-gap\">") || strbuf_put_html(&sb, note, strlen(note)) ||
              strbuf_puts(&sb, "</p>\n");
    }
    rc |= strbuf_puts(&sb, "<section class=\"materials received\"><h2>已收材料</h2>\n<ul>\n");
    /* the materials the window ticked: texts of the pinned version only */
    for (j = 0; j < p->n_steps; j++)
        for (i = 0; i < p->steps[j].n_items; i++) {
            const struct proc_item *it = &p->steps[j].items[i];
            if (cases_item_applies(cs, j, it) && cases_ticked(cs, it->id)) {
                const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(received, it->id));
                rc |= strbuf_puts(&sb, "<li>") || strbuf_put_html(&sb, it->text, strlen(it->text));
                /* brought after 容缺受理: a reprint is the resident's proof
                 * of when, not a claim it was there at acceptance. An
                 * optional paper was never owed: received, not 补交 */
                if (at) {
                    char t[64];
                    print_local_time(at, t, sizeof t);
                    rc |= strbuf_printf(&sb, "<span class=\"later\">（%s %s）</span>", t,
                                        it->required ? "补交" : "收到");
                }
                rc |= strbuf_puts(&sb, "</li>\n");
                n++;
            }
        }
    if (!n)
        rc |= strbuf_puts(&sb, "<li>无需提交材料</li>\n");
    rc |= strbuf_puts(&sb, "</ul>\n");
    /* the ticks the visitor checked at the home, as the window's are at
     * the counter (a paper not there is 退回补正, or 没带 once accepted) */
    if (n && ac->first_home && ac->last_home)
        rc |= strbuf_puts(&sb, "<p class=\"note\">以上材料由工作人员上门时在您家中当面核对。</p>\n");
    rc |= strbuf_puts(&sb, "</section>\n");
    /* 容缺受理: accepted without a required paper. The resident left with a
     * receipt of what was received only, and no word of what they owe */
    for (n = 0, j = 0; j < p->n_steps; j++)
        for (i = 0; i < p->steps[j].n_items; i++) {
            const struct proc_item *it = &p->steps[j].items[i];
            if (!it->required || !cases_item_applies(cs, j, it) || cases_ticked(cs, it->id))
                continue;
            if (n++ == 0)
                rc |= strbuf_puts(&sb, "<section class=\"materials owed\"><h2>待补交材料</h2>\n"
                                       "<p>以下材料受理时还没有收到（容缺受理），请尽快补交到窗口") ||
                      (home && print_home_call(&sb, p)) ||
                      strbuf_puts(&sb, "；补交前审核可能无法完成。</p>\n<ul>\n");
            rc |= strbuf_puts(&sb, "<li>") || strbuf_put_html(&sb, it->text, strlen(it->text)) ||
                  strbuf_puts(&sb, "</li>\n");
        }
    if (n)
        rc |= strbuf_puts(&sb, "</ul></section>\n");
    rc |= strbuf_puts(&sb, "<section class=\"chain\"><h2>办理环节</h2>\n<ol>\n");
    cJSON_ArrayForEach(s, stages) {
        const char *label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "label"));
        const char *post = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "post"));
        const char *sdue = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "due"));
        const struct post *ps = posts && post ? posts_find(posts, post) : NULL;
        const cJSON *days = cJSON_GetObjectItemCaseSensitive(s, "days");
        char d[64];
        print_local_date(sdue, d, sizeof d);
        rc |= strbuf_puts(&sb, "<li>");
        rc |= strbuf_put_html(&sb, label ? label : "", label ? strlen(label) : 0);
        if (ps || post) {
            const char *name = ps ? ps->name : post;
            rc |= strbuf_puts(&sb, "（") || strbuf_put_html(&sb, name, strlen(name)) || strbuf_puts(&sb, "）");
        }
        /* a stage of 0 days is done the same working day: 当天, as the
         * one-time notice and the kiosk say it ("0个工作日" read as nothing) */
        if (cJSON_IsNumber(days) && days->valueint > 0)
            rc |= strbuf_printf(&sb, "，%d个工作日", days->valueint);
        else
            rc |= strbuf_puts(&sb, "，当天");
        if (sdue)
            rc |= strbuf_puts(&sb, "，预计") || strbuf_put_html(&sb, d, strlen(d)) || strbuf_puts(&sb, "前");
        rc |= strbuf_puts(&sb, "</li>\n");
    }
    rc |= strbuf_puts(&sb, "</ol>\n");
    if (p->pickup)
        rc |= strbuf_puts(&sb, "<p>办结后请凭本回执到综合窗口领取结果") ||
              (home && print_home_call(&sb, p)) ||
              strbuf_puts(&sb, "，我们会电话或短信通知您。</p>\n");
    rc |= strbuf_puts(&sb, "</section>\n");
    /* on the visitor's phone (not on paper, print.css): how the resident
     * keeps it without a printer. A phone that scans a bare id (no
     * --public-url) gets a string it cannot open: then a photo, shown at
     * the hall */
    if (home)
        rc |= strbuf_puts(&sb, "<p class=\"screen-note\" id=\"screen-note\">") ||
              strbuf_puts(&sb, print_public_url[0]
                                   ? "请用手机扫描下面的二维码，随时查看办理进度；也可以把这一页拍照保存。"
                                   : "请把这一页拍照保存；到服务中心时出示，工作人员凭下面的二维码或办件编号就能查到您的办件。") ||
              strbuf_puts(&sb, "需要纸质回执的，可以到服务中心综合窗口打印。</p>\n");
    rc |= print_tail(&sb, cs, "本回执证明您的申请已受理。请妥善保管，凭回执上的二维码可查询办理进度。");
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

int print_receipt_html(struct db *db, const char *id, const struct posts *posts,
                       const struct workdays *cal, char **out, struct refusal *e)
{
    static const struct refusal not_accepted = {REFUSAL_CONFLICT, "not_accepted",
                                                "这件办件还没有受理，没有受理回执"};
    char who[ACCOUNTS_DISPLAY_BUF], first_who[ACCOUNTS_DISPLAY_BUF];
    struct print_accepts ac;
    struct case_state cs;
    cJSON *o = NULL, *received = NULL;
    int r;

    *out = NULL;
    first_who[0] = '\0';
    memset(&cs, 0, sizeof cs);
    memset(&ac, 0, sizeof ac);
    if (db_read_begin(db) != 0)
        return -1;
    if ((r = cases_load(db, id, &cs, e)) == 0 && (cs.r.stage < 0 || !cs.w.accepted_at[0])) {
        *e = not_accepted;
        r = 1;
    }
    if (r == 0 && (!(o = cJSON_CreateObject()) || relay_staff_json(db, &cs, cal, 0, o) != 0 ||
                   print_accepts_read(db, id, &ac) < 0 ||
                   !(received = cJSON_CreateObject()) || print_received(db, id, received) != 0))
        r = -1;
    if (db_read_end(db) != 0 && r == 0)
        r = -1;
    if (r == 0) {
        accounts_display_of(db, cs.w.accepted_by, who, sizeof who);
        if (ac.first_user[0])
            accounts_display_of(db, ac.first_user, first_who, sizeof first_who);
    }
    if (r == 0 && !(*out = print_receipt(&cs, who, &ac, first_who,
                                         cJSON_GetObjectItemCaseSensitive(o, "stages"), received,
                                         posts, cal)))
        r = -1;
    cJSON_Delete(received);
    cJSON_Delete(o);
    cases_state_free(&cs);
    return r;
}

/* The front matter's value of key, escaped, or fallback when it has none. */
static int print_meta_or(struct strbuf *sb, const struct procedure *p, const char *key,
                         const char *fallback)
{
    const struct fm_entry *e = frontmatter_get(&p->meta, key);

    if (!e || !*e->value)
        return strbuf_puts(sb, fallback);
    return strbuf_put_html(sb, e->value, strlen(e->value));
}

/* home: refused while the case waited for the B post, so at the
 * resident's home (its event's channel is visit): the notice says so, and
 * is laid out for the visitor's phone too (print_notice_head's screen). */
static char *print_rejection(const struct case_state *cs, const char *who, bool home)
{
    struct strbuf sb = STRBUF_INIT;
    /* refused at intake, never accepted (relay_intake_refuse): 不予受理 */
    bool intake = relay_refused(cs);
    char when[64];
    int rc = 0;

    print_local_time(cs->r.rejected_at, when, sizeof when);
    rc |= print_notice_head(&sb, cs, intake ? "不予受理告知书" : "不予办理告知书", home,
                            home ? HOME_NO_TICKET : NULL);
    if (home)
        rc |= print_fact(&sb, "告知方式", "上门告知，在居民家中");
    rc |= print_fact(&sb, "告知时间", when);
    rc |= print_fact(&sb, "经办人", who);
    rc |= strbuf_printf(&sb, "</dl>\n<section class=\"reason\"><h2>%s的理由和依据</h2>\n<p>",
                        intake ? "不予受理" : "不予办理");
    rc |= strbuf_put_html(&sb, cs->r.rejected_reason ? cs->r.rejected_reason : "",
                          cs->r.rejected_reason ? strlen(cs->r.rejected_reason) : 0);
    /* the remedies with their statutory time limits (行政复议法 art. 20:
     * 60 days; 行政诉讼法 art. 46: 6 months), before whom the file says
     * (review_body, court), else in the words that hold anywhere */
    rc |= strbuf_puts(&sb, "</p></section>\n<section class=\"rights\"><h2>您的权利</h2>\n"
                           "<p>如对本决定有异议，可向经办人或服务中心负责人反映；"
                           "也可以自收到本告知书之日起六十日内向");
    rc |= print_meta_or(&sb, cs->model, "review_body", "有权的行政复议机关");
    rc |= strbuf_puts(&sb, "申请行政复议，或者自收到本告知书之日起六个月内向");
    rc |= print_meta_or(&sb, cs->model, "court", "有管辖权的人民法院");
    rc |= strbuf_puts(&sb, "提起行政诉讼。</p></section>\n");
    /* one copy stays with the hall: who received it, and the hall's seal */
    rc |= strbuf_puts(&sb, "<section class=\"sign\"><p>申请人（签收）：<span class=\"blank\"></span>"
                           "　日期：<span class=\"blank short\"></span></p>\n"
                           "<p>服务中心（盖章）：<span class=\"blank\"></span></p></section>\n");
    /* on the visitor's phone only (print.css): nothing to sign on a
     * screen, and the resident keeps one copy of the paper */
    if (home)
        rc |= strbuf_puts(&sb, "<p class=\"screen-note\" id=\"screen-note\">这份告知书是工作人员在您家中给您看的，"
                               "请把这一页拍照保存。纸质告知书一式两份，要您签收后各执一份："
                               "可以到服务中心综合窗口领取") ||
              print_home_call(&sb, cs->model) || strbuf_puts(&sb, "。</p>\n");
    rc |= print_tail(&sb, cs, "本告知书一式两份，申请人与服务中心各执一份。");
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

int print_rejection_html(struct db *db, const char *id, char **out, struct refusal *e)
{
    static const struct refusal not_rejected = {REFUSAL_CONFLICT, "not_rejected",
                                                "这件办件没有被决定不予办理，没有告知书"};
    char who[ACCOUNTS_DISPLAY_BUF];
    struct case_state cs;
    bool home;
    int r;

    *out = NULL;
    if ((r = print_case_read_home(db, id, "refused", "rejected", &cs, &home, e)) == 0 &&
        strcmp(cs.status, "rejected") != 0) {
        *e = not_rejected;
        r = 1;
    }
    if (r == 0)
        accounts_display_of(db, cs.r.rejected_by, who, sizeof who);
    if (r == 0 && !(*out = print_rejection(&cs, who, home)))
        r = -1;
    cases_state_free(&cs);
    return r;
}
