/* Unit tests of notify.c's pure parts: the text of a notification is made
 * of the item's title, the ticket and the kind only (never a typed value:
 * a case holding an ID number gives a text without it); the number is the
 * first cn_mobile or phone field with a value, in step and form order; the
 * retry schedule; on a real database, whom the staff list shows and what
 * settling marks. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "casedb.h"
#include "field.h"
#include "notify.h"
#include "procedure.h"

#define ID_NUMBER "11010519850315102X"

/* A case of an item whose first step asks an ID number, a landline and a
 * mobile, in that order, with ID number and mobile typed. */
struct fake {
    struct field fields[3];
    struct proc_step step;
    struct procedure p;
    struct case_value values[3];
    struct case_state cs;
};

static void fake_make(struct fake *f, bool landline)
{
    memset(f, 0, sizeof *f);
    snprintf(f->fields[0].key, sizeof f->fields[0].key, "id_number");
    f->fields[0].type = FIELD_CN_ID;
    snprintf(f->fields[1].key, sizeof f->fields[1].key, "landline");
    f->fields[1].type = FIELD_PHONE;
    snprintf(f->fields[2].key, sizeof f->fields[2].key, "mobile");
    f->fields[2].type = FIELD_CN_MOBILE;
    f->step.fields = f->fields;
    f->step.n_fields = 3;
    f->p.title = "最低生活保障";
    f->p.steps = &f->step;
    f->p.n_steps = 1;
    snprintf(f->values[0].key, sizeof f->values[0].key, "id_number");
    f->values[0].value = ID_NUMBER;
    snprintf(f->values[1].key, sizeof f->values[1].key, "mobile");
    f->values[1].value = "13800138000";
    snprintf(f->values[2].key, sizeof f->values[2].key, "landline");
    f->values[2].value = landline ? "010-62345678" : "";
    f->cs.values = f->values;
    f->cs.n_values = 3;
    f->cs.model = &f->p;
    f->cs.ticket = "A017";
}

Test(notify, text_is_title_ticket_and_kind_only)
{
    static const enum notify_kind kinds[] = {NOTIFY_READY, NOTIFY_RETURNED, NOTIFY_REJECTED};
    static const char *const what[] = {"领取", "补正", "不予办理"};
    struct fake f;
    size_t i;

    fake_make(&f, false);
    for (i = 0; i < 3; i++) {
        char *t = notify_text(kinds[i], f.cs.model->title, f.cs.ticket);
        cr_assert_not_null(t);
        cr_expect_not_null(strstr(t, "「最低生活保障」"), "%s", t);
        cr_expect_not_null(strstr(t, "（A017）"), "%s", t);
        cr_expect_not_null(strstr(t, what[i]), "%s", t);
        cr_expect_null(strstr(t, ID_NUMBER), "%s", t);
        cr_expect_null(strstr(t, "1380013"), "%s", t);
        free(t);
    }
    cr_expect_str_eq(notify_kind_name(NOTIFY_RETURNED), "returned");
}

/* A refusal at the window is handed over in person: the message must not
 * send a resident who holds the notice back to the hall for it. */
Test(notify, rejected_text_does_not_send_for_a_notice_already_given)
{
    char *t = notify_text(NOTIFY_REJECTED, "居住证", "A017");

    cr_assert_not_null(t);
    cr_expect_str_eq(t, "您在社区便民服务中心办理的「居住证」（A017）不予办理。原因和申请复议、提起诉讼的途径"
                        "写在不予办理告知书上；还没有拿到告知书的，请到综合窗口领取。");
    free(t);
}

/* Refused at intake: its own words and notice, the table's kind still
 * "rejected" (the contract's three kinds). */
Test(notify, refused_at_intake_says_so)
{
    char *t = notify_text(NOTIFY_REFUSED, "居住证", "A017");

    cr_assert_not_null(t);
    cr_expect_not_null(strstr(t, "不予受理。"), "%s", t);
    cr_expect_not_null(strstr(t, "不予受理告知书"), "%s", t);
    cr_expect_null(strstr(t, "不予办理"), "%s", t);
    cr_expect_str_eq(notify_kind_name(NOTIFY_REFUSED), "rejected");
    free(t);
}

/* 办结告知 (serve --notify-completed): kind "completed", words that send
 * nobody to the window for anything. */
Test(notify, completed_says_finished_and_nothing_to_collect)
{
    char *t = notify_text(NOTIFY_COMPLETED, "低保", "A017");

    cr_assert_not_null(t);
    cr_expect_str_eq(t, "您在社区便民服务中心办理的「低保」（A017）已办结，不用再来窗口。"
                        "办理结果如有疑问，请到综合窗口咨询。");
    cr_expect_str_eq(notify_kind_name(NOTIFY_COMPLETED), "completed");
    free(t);
}

Test(notify, text_without_a_ticket)
{
    char *t = notify_text(NOTIFY_RETURNED, "居住证", NULL);

    cr_assert_not_null(t);
    cr_expect_str_eq(t, "您在社区便民服务中心办理的「居住证」需要补正。要补正的内容写在补正告知单上；还没有拿到告知单的，请到综合窗口领取或咨询。");
    free(t);
}

/* From home (channel web) a returned case was returned from online
 * pre-review: no notice was printed, the reason is on the case's link. A
 * lost link is the window's here: without a sender (and --public-url) the
 * hall cannot text it, so the item's phone is no answer to it (until
 * 2026-12-07 the text said 请打电话 in every hall). The texted link's words
 * are tested over HTTP (tests/api/send-link.test.mjs), with a sender. */
Test(notify, returned_from_home_says_the_link_and_the_window)
{
    struct fm_entry phone = {.key = "phone", .value = "0535-7654321"};
    struct fake f;
    char *t, *k;

    fake_make(&f, false);
    f.cs.ticket = NULL;
    snprintf(f.cs.channel, sizeof f.cs.channel, "web");
    f.p.meta.items = &phone;
    f.p.meta.n = 1;
    t = notify_text_for(NOTIFY_RETURNED, &f.cs);
    cr_assert_not_null(t);
    cr_expect_str_eq(t, "您在社区便民服务中心办理的「最低生活保障」需要补正。请打开您提交时保存的办件链接，"
                        "查看要补正的内容，改好后在网上重新提交；找不到链接的，请带上身份证件到综合窗口，"
                        "工作人员核对后会帮您找到这件办件。");
    free(t);
    /* no phone anywhere (neither the file's nor the hall's): the same */
    f.p.meta.n = 0;
    t = notify_text_for(NOTIFY_RETURNED, &f.cs);
    cr_assert_not_null(t);
    cr_expect_not_null(strstr(t, "找不到链接的，请带上身份证件到综合窗口"), "%s", t);
    cr_expect_null(strstr(t, "打电话"), "%s", t);
    cr_expect_null(strstr(t, "补正告知单"), "%s", t);
    free(t);
    /* ready and rejected are collected at the window whatever the channel */
    t = notify_text_for(NOTIFY_READY, &f.cs);
    k = notify_text(NOTIFY_READY, f.cs.model->title, NULL);
    cr_assert(t && k);
    cr_expect_str_eq(t, k);
    free(t);
    free(k);
    /* a kiosk case keeps the notice's words */
    f.p.meta.n = 1;
    snprintf(f.cs.channel, sizeof f.cs.channel, "kiosk");
    t = notify_text_for(NOTIFY_RETURNED, &f.cs);
    k = notify_text(NOTIFY_RETURNED, f.cs.model->title, NULL);
    cr_assert(t && k);
    cr_expect_str_eq(t, k);
    free(t);
    free(k);
}

Test(notify, phone_is_the_first_mobile_else_the_first_phone)
{
    struct fake f;

    fake_make(&f, false);
    /* the ID number comes first in the form, but is never a number to call */
    cr_expect_str_eq(notify_phone(&f.cs), "13800138000");
    fake_make(&f, true);
    cr_expect_str_eq(notify_phone(&f.cs), "13800138000",
                     "the landline comes first in the form, but cannot take a text");
    f.values[1].value = "";
    cr_expect_str_eq(notify_phone(&f.cs), "010-62345678", "no mobile: the landline");
    f.cs.n_values = 1;
    cr_expect_null(notify_phone(&f.cs), "only the ID number typed: nobody to tell");
}

Test(notify, backoff_schedule)
{
    cr_expect_eq(notify_backoff_seconds(1), 60);
    cr_expect_eq(notify_backoff_seconds(2), 300);
    cr_expect_eq(notify_backoff_seconds(3), 900);
    cr_expect_eq(notify_backoff_seconds(4), 3600);
    cr_expect_eq(notify_backoff_seconds(5), 21600);
    cr_expect_eq(notify_backoff_seconds(NOTIFY_ATTEMPTS_MAX), 21600);
    cr_expect_eq(notify_backoff_seconds(0), 21600, "out of range: the longest wait, never 0");
}

/* Halls sharing one library and one SMS gateway: the text named no hall,
 * so a resident of two halls could not tell which to go back to (an IT
 * officer's review). serve --hall-name names it; a bad name is refused
 * and the one before kept. */
Test(notify, the_hall_by_name)
{
    char *t;

    cr_assert_eq(notify_hall_set("幸福路社区便民服务中心"), 0);
    t = notify_text(NOTIFY_READY, "居住证", "A017");
    cr_assert_not_null(t);
    cr_expect_str_eq(t, "您在幸福路社区便民服务中心办理的「居住证」（A017）已办好，请带上身份证件到综合窗口领取。");
    free(t);
    cr_expect_str_eq(notify_hall_name(), "幸福路社区便民服务中心");
    cr_expect_eq(notify_hall_set("甲\n乙"), -1, "a line break");
    cr_expect_eq(notify_hall_set("\xff\xfe"), -1, "not UTF-8");
    {
        char long_name[NOTIFY_HALL_MAX + 2];
        memset(long_name, 'a', sizeof long_name - 1);
        long_name[sizeof long_name - 1] = '\0';
        cr_expect_eq(notify_hall_set(long_name), -1, "over the cap");
    }
    cr_expect_str_eq(notify_hall_name(), "幸福路社区便民服务中心", "the name before is kept");
    cr_assert_eq(notify_hall_set(NULL), 0);
    cr_expect_str_eq(notify_hall_name(), "社区便民服务中心");
}

static struct casedb tdb;

static void setup(void)
{
    casedb_open(&tdb);
}

static void teardown(void)
{
    casedb_close(&tdb);
}

/* notify.h: NULL or "" for a case without a ticket; an empty pair of
 * brackets would read as a ticket lost. */
Test(notify, an_empty_ticket_is_no_ticket)
{
    char *txt = notify_text(NOTIFY_READY, "居住证", "");

    cr_assert_not_null(txt);
    cr_expect_str_eq(txt, "您在社区便民服务中心办理的「居住证」已办好，请带上身份证件到综合窗口领取。");
    free(txt);
}

/* An item that asks no number: the one its home visit was asked with. */
Test(notify, no_field_with_a_number_the_visit_phone)
{
    struct proc_step step;
    struct procedure p;
    struct case_state cs;

    memset(&step, 0, sizeof step);
    memset(&p, 0, sizeof p);
    memset(&cs, 0, sizeof cs);
    p.steps = &step;
    p.n_steps = 1;
    cs.model = &p;
    cs.r.visit_phone = "0535-6221234";
    cr_expect_str_eq(notify_phone(&cs), "0535-6221234");
    cs.r.visit_phone = "";
    cr_expect_null(notify_phone(&cs));
}

/* Whom the staff page lists: not done first, oldest first; a done one for a
 * day, then no more; the sender's give-up is failed, a delivery or a case
 * without a number is not. */
Test(notify, the_list_keeps_done_ones_a_day_and_flags_a_give_up, .init = setup, .fini = teardown)
{
    char a[CASE_ID_LEN + 1], *out = NULL;
    cJSON *doc, *arr, *x;
    static const struct {
        const char *ticket;
        bool failed;
    } want[] = {{"A3", false}, {"A4", true}, {"A5", false}, {"A2", false}};
    size_t i;

    casedb_case(&tdb, "simple", a);
    /* done 2 days ago; done an hour ago (by the command); retrying; given
     * up after 12 runs; no number, nothing for the sender */
#define AGO(s) "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-" s "')"
    casedb_exec(&tdb, "INSERT INTO notifications (case_id, ticket, title, kind, phone, text,"
                      " created_at, done_at, done_by, attempts, next_try) VALUES"
                      " ('%1$s', 'A1', 't', 'ready', '13800138000', 'x',"
                      "  " AGO("3 days") ", " AGO("2 days") ", 'wang', 0, NULL),"
                      " ('%1$s', 'A2', 't', 'ready', '13800138000', 'x',"
                      "  " AGO("2 days") ", " AGO("1 hours") ", 'notify-command', 1, NULL),"
                      " ('%1$s', 'A3', 't', 'returned', '13800138000', 'x',"
                      "  " AGO("5 hours") ", NULL, NULL, 2, 1),"
                      " ('%1$s', 'A4', 't', 'returned', '13800138000', 'x',"
                      "  " AGO("4 hours") ", NULL, NULL, 12, NULL),"
                      " ('%1$s', 'A5', 't', 'returned', '', 'x', " AGO("3 hours") ", NULL, NULL, 0, NULL)",
                a);
    /* and one retention erased, not yet told: nobody is left to tell */
    casedb_exec(&tdb, "INSERT INTO notifications (case_id, ticket, title, kind, phone, text,"
                      " created_at, attempts, erased_at) VALUES"
                      " ('%s', NULL, 't', 'ready', '', '', " AGO("1 hours") ", 0, " AGO("1 hours") ")", a);
#undef AGO
    cr_assert_eq(notify_list_json(tdb.db, &out), 0);
    cr_assert_not_null(doc = cJSON_Parse(out));
    arr = cJSON_GetObjectItem(doc, "notifications");
    cr_assert_eq(cJSON_GetArraySize(arr), 4, "%s", out);
    for (i = 0; i < 4; i++) {
        x = cJSON_GetArrayItem(arr, (int)i);
        cr_expect_str_eq(cJSON_GetObjectItem(x, "ticket")->valuestring, want[i].ticket, "%s", out);
        cr_expect_eq(cJSON_IsTrue(cJSON_GetObjectItem(x, "failed")), want[i].failed, "%s", out);
    }
    cJSON_Delete(doc);
    free(out);
}

/* Settling touches the kind asked for, and never one a staffer marked. */
#define BY_ID                                                                                 \
    "SELECT group_concat(id || ':' || coalesce(done_by, '-'), ',')"                           \
    " FROM (SELECT * FROM notifications ORDER BY id)"

Test(notify, settling_marks_only_its_kind_not_yet_done, .init = setup, .fini = teardown)
{
    char a[CASE_ID_LEN + 1], buf[256];
    struct refusal e;

    casedb_case(&tdb, "simple", a);
    /* a return a staffer phoned about, one not yet told, and the ready one */
    casedb_exec(&tdb, "INSERT INTO notifications (id, case_id, title, kind, phone, text,"
                      " created_at, done_at, done_by) VALUES"
                      " (1, '%1$s', 't', 'returned', '1', 'x', '2026-01-01T00:00:00Z',"
                      "  '2026-01-01T01:00:00Z', 'wang'),"
                      " (2, '%1$s', 't', 'returned', '1', 'x', '2026-01-02T00:00:00Z', NULL, NULL),"
                      " (3, '%1$s', 't', 'ready', '1', 'x', '2026-01-03T00:00:00Z', NULL, NULL)", a);
    cr_assert_eq(db_begin(tdb.db), 0);
    cr_assert_eq(notify_settle_ready(tdb.db, a, "li"), 0);
    cr_assert_eq(db_commit(tdb.db), 0);
    cr_expect_str_eq(casedb_text(&tdb, buf, BY_ID), "1:wang,2:-,3:li");
    cr_assert_eq(db_begin(tdb.db), 0);
    cr_assert_eq(notify_settle(tdb.db, a, NOTIFY_RETURNED), 0);
    cr_assert_eq(db_commit(tdb.db), 0);
    cr_expect_str_eq(casedb_text(&tdb, buf, BY_ID), "1:wang,2:~resident,3:li");
    /* erased by retention: no longer one to mark */
    casedb_exec(&tdb, "UPDATE notifications SET done_at = NULL, erased_at = '2026-02-01T00:00:00Z'"
                      " WHERE id = 2");
    cr_expect_eq(notify_done(tdb.db, 2, "wang", &e), 1);
    cr_expect_str_eq(e.code, "not_found");
}
#undef BY_ID

/* No number and in the hall (waiting, invited, a no-show come back): told
 * at the window, nothing queued; no number elsewhere: queued, phone ''. */
Test(notify, no_number_in_the_hall_queues_nothing, .init = setup, .fini = teardown)
{
    static const char *const hall[] = {"waiting", "invited", "abandoned"};
    char a[CASE_ID_LEN + 1];
    struct case_state cs;
    struct refusal e;
    size_t i;

    casedb_case(&tdb, "simple", a);
    for (i = 0; i < 3; i++) {
        casedb_exec(&tdb, "UPDATE cases SET status = '%s' WHERE id = '%s'", hall[i], a);
        cr_assert_eq(cases_begin(tdb.db, a, &cs, &e), 0);
        cr_assert_eq(notify_queue(tdb.db, &cs, NOTIFY_RETURNED), 0);
        cr_assert_eq(db_commit(tdb.db), 0);
        cases_state_free(&cs);
        cr_expect_eq(casedb_int(&tdb, "SELECT COUNT(*) FROM notifications"), 0, "%s", hall[i]);
    }
    casedb_exec(&tdb, "UPDATE cases SET status = 'accepted' WHERE id = '%s'", a);
    cr_assert_eq(cases_begin(tdb.db, a, &cs, &e), 0);
    cr_assert_eq(notify_queue(tdb.db, &cs, NOTIFY_RETURNED), 0);
    cr_assert_eq(db_commit(tdb.db), 0);
    cases_state_free(&cs);
    cr_expect_eq(casedb_int(&tdb, "SELECT COUNT(*) FROM notifications"
                                  " WHERE phone = '' AND next_try IS NULL"), 1);
}

/* 办结告知 is queued only when the hall turned it on, not for a resident at
 * the window, and not for a case without a number (nothing to collect). */
Test(notify, completed_only_when_on_with_a_number_and_nobody_at_the_window, .init = setup, .fini = teardown)
{
    char a[CASE_ID_LEN + 1];
    struct case_state cs;
    struct refusal e;

    casedb_case(&tdb, "simple", a);
    casedb_exec(&tdb, "UPDATE cases SET status = 'completed' WHERE id = '%s'", a);
    cr_assert_eq(cases_begin(tdb.db, a, &cs, &e), 0);
    notify_completed_set(false);
    cr_assert_eq(notify_queue_completed(tdb.db, &cs, false), 0);
    notify_completed_set(true);
    /* the fixture's case has no number */
    cr_assert_eq(notify_queue_completed(tdb.db, &cs, false), 0);
    cr_assert_eq(db_commit(tdb.db), 0);
    cases_state_free(&cs);
    cr_expect_eq(casedb_int(&tdb, "SELECT COUNT(*) FROM notifications"), 0);
    /* the kind is one the table takes (schema 044) */
    casedb_exec(&tdb, "INSERT INTO notifications (case_id, title, kind, phone, text, created_at)"
                      " VALUES ('%s', 't', 'completed', '13800138000', 'x', 'now')", a);
    cr_expect_eq(casedb_int(&tdb, "SELECT COUNT(*) FROM notifications WHERE kind = 'completed'"), 1);
    notify_completed_set(false);
}

/* `serve --notify-command`: 1 to NOTIFY_COMMAND_MAX bytes and at most
 * NOTIFY_ARGS_MAX words (the argv array holds that many and the NULL);
 * a command at both bounds starts the sender. No database is set up
 * here, so the sender finds none and ends; notify_stop joins it. */
Test(notify, the_command_bounds_bytes_and_words)
{
    char cmd[NOTIFY_COMMAND_MAX + 2];
    size_t i;

    cr_assert_eq(notify_start(""), -1);
    cr_assert_eq(notify_start("   "), -1, "spaces name no program");
    /* NOTIFY_ARGS_MAX + 1 words */
    for (i = 0; i <= NOTIFY_ARGS_MAX; i++)
        memcpy(cmd + 2 * i, "a ", 2);
    cmd[2 * NOTIFY_ARGS_MAX + 1] = '\0';
    cr_assert_eq(notify_start(cmd), -1);
    cr_assert(!notify_sending());
    /* NOTIFY_COMMAND_MAX + 1 bytes */
    memset(cmd, 'a', NOTIFY_COMMAND_MAX + 1);
    cmd[NOTIFY_COMMAND_MAX + 1] = '\0';
    cr_assert_eq(notify_start(cmd), -1);
    cr_assert(!notify_sending());
    /* exactly NOTIFY_COMMAND_MAX bytes: taken */
    cmd[NOTIFY_COMMAND_MAX] = '\0';
    cr_assert_eq(notify_start(cmd), 0);
    cr_assert(notify_sending());
    notify_stop();
    cr_assert(!notify_sending());
    /* exactly NOTIFY_ARGS_MAX words: taken */
    for (i = 0; i < NOTIFY_ARGS_MAX; i++)
        memcpy(cmd + 2 * i, "a ", 2);
    cmd[2 * NOTIFY_ARGS_MAX - 1] = '\0';
    cr_assert_eq(notify_start(cmd), 0);
    notify_stop();
}

/* A link can only be texted: the first mobile, wherever it is typed, never
 * a landline that comes first (notify_phone's choice for a phone call). */
Test(notify, the_mobile_a_link_is_texted_to)
{
    struct fake f;

    fake_make(&f, true);
    cr_expect_str_eq(notify_mobile(&f.cs), "13800138000");
    f.values[1].value = "";
    cr_expect_null(notify_mobile(&f.cs), "only a landline: no text can reach it");
    /* a phone field holding a mobile is one */
    f.values[2].value = "13912345678";
    cr_expect_str_eq(notify_mobile(&f.cs), "13912345678");
    f.values[2].value = "";
    f.cs.r.visit_phone = "13700000000";
    cr_expect_str_eq(notify_mobile(&f.cs), "13700000000", "the visit's phone, a mobile");
    f.cs.r.visit_phone = "0535-6221234";
    cr_expect_null(notify_mobile(&f.cs));
    cr_expect_null(notify_text(NOTIFY_LINK, "t", NULL), "a link's text holds its link: not made here");
    cr_expect_str_eq(notify_kind_name(NOTIFY_LINK), "link");
}

/* The list's text of a link never holds its case id: a staffer asked to
 * phone about a text that failed must not read it out, nor a resident at
 * the desk read it over a shoulder. */
Test(notify, the_list_hides_the_id_in_a_link_text, .init = setup, .fini = teardown)
{
    char a[CASE_ID_LEN + 1], *out = NULL;
    cJSON *doc, *x;

    casedb_case(&tdb, "simple", a);
    casedb_exec(&tdb, "INSERT INTO notifications (case_id, ticket, title, kind, phone, text,"
                      " created_at, attempts, next_try) VALUES ('%1$s', NULL, 't', 'link', '13800138000',"
                      " '「t」的办件链接是 https://h.example/#/case/%1$s （重新发送）', '2026-12-07T01:00:00Z', 0, 1)",
                a);
    cr_assert_eq(notify_list_json(tdb.db, &out), 0);
    cr_assert_not_null(doc = cJSON_Parse(out));
    x = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "notifications"), 0);
    cr_assert_not_null(x, "%s", out);
    cr_expect_str_eq(cJSON_GetObjectItem(x, "kind")->valuestring, "link");
    cr_expect_str_eq(cJSON_GetObjectItem(x, "text")->valuestring,
                     "「t」的办件链接是 https://h.example/#/case/… （重新发送）");
    /* "case" holds it (the staff page opens the case by it): not the text */
    cr_expect_null(strstr(cJSON_GetObjectItem(x, "text")->valuestring, a), "%s", out);
    cJSON_Delete(doc);
    free(out);
}
