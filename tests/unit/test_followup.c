/* Unit tests for followup: the pure parts (a result's name, how near a due
 * date is on a calendar with a holiday and a 调休 Saturday, a note's
 * checks) and, on a real database, the complaint a rating of 1 or 2 opens
 * through cases_rate (the one place the public route and the evaluator's
 * token both go through), once per case, due in 15 working days; the
 * list's order and what counts as done today. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "casedb.h"
#include "diag.h"
#include "followup.h"
#include "workdays.h"

static struct workdays *calendar(void)
{
    /* Friday Oct 2 off, Saturday Oct 10 worked */
    static const char text[] = "- 2026-10-02 休\n- 2026-10-10 班\n";
    struct workdays *cal = NULL;
    struct diag_list l;

    memset(&l, 0, sizeof l);
    cr_assert_eq(workdays_parse("_calendar.md", text, strlen(text), &cal, &l), 0);
    diag_list_free(&l);
    return cal;
}

Test(followup, results_by_name)
{
    cr_assert_eq(followup_result_parse("satisfied"), FOLLOWUP_SATISFIED);
    cr_assert_eq(followup_result_parse("unsatisfied"), FOLLOWUP_UNSATISFIED);
    cr_assert_eq(followup_result_parse("unreachable"), FOLLOWUP_UNREACHABLE);
    cr_assert_eq(followup_result_parse("Satisfied"), -1);
    cr_assert_eq(followup_result_parse(""), -1);
    cr_assert_eq(followup_result_parse(NULL), -1);
    cr_assert_str_eq(followup_result_name(FOLLOWUP_UNSATISFIED), "unsatisfied");
}

Test(followup, urgency_counts_working_days)
{
    struct workdays *cal = calendar();

    /* Thursday Oct 1: the next working day is Monday Oct 5 (Friday off) */
    cr_assert_eq(followup_urgency(cal, 20261001, 20260930), FOLLOWUP_OVERDUE);
    cr_assert_eq(followup_urgency(cal, 20261001, 20261001), FOLLOWUP_SOON);
    cr_assert_eq(followup_urgency(cal, 20261001, 20261005), FOLLOWUP_SOON);
    cr_assert_eq(followup_urgency(cal, 20261001, 20261006), FOLLOWUP_LATER);
    /* without the calendar Friday works: Monday is not the next working day */
    cr_assert_eq(followup_urgency(NULL, 20261001, 20261005), FOLLOWUP_LATER);
    /* Friday Oct 9: Saturday Oct 10 is worked */
    cr_assert_eq(followup_urgency(cal, 20261009, 20261010), FOLLOWUP_SOON);
    cr_assert_eq(followup_urgency(cal, 20261009, 20261012), FOLLOWUP_LATER);
    workdays_free(cal);
}

/* 联系不上 before the last try: the next try is the next working day of
 * the calendar after the try's local day (midday UTC: that day in every
 * zone a hall is in) */
Test(followup, retry_day_is_the_next_working_day)
{
    struct workdays *cal = calendar();

    /* Thursday Oct 1: Friday off, so Monday */
    cr_assert_eq(followup_retry_day(cal, "2026-10-01T12:00:00Z"), 20261005);
    cr_assert_eq(followup_retry_day(NULL, "2026-10-01T12:00:00Z"), 20261002);
    /* Friday Oct 9: the 调休 Saturday is worked */
    cr_assert_eq(followup_retry_day(cal, "2026-10-09T12:00:00Z"), 20261010);
    /* tried on a rest day (Sunday Oct 4): Monday */
    cr_assert_eq(followup_retry_day(cal, "2026-10-04T12:00:00Z"), 20261005);
    /* never tried */
    cr_assert_eq(followup_retry_day(cal, NULL), 0);
    workdays_free(cal);
}

Test(followup, notes)
{
    char buf[FOLLOWUP_NOTE_MAX * 4 + 1], big[FOLLOWUP_NOTE_MAX * 3 + 8];
    const char *out = "x";
    struct refusal e;
    size_t i;

    cr_assert_eq(followup_note_check(NULL, false, buf, sizeof buf, &out, &e), 0);
    cr_assert_null(out);
    cr_assert_eq(followup_note_check(" \t ", false, buf, sizeof buf, &out, &e), 0);
    cr_assert_null(out);
    cr_assert_eq(followup_note_check(" \u3000", true, buf, sizeof buf, &out, &e), 1);
    cr_assert_str_eq(e.code, "note_required");
    cr_assert_eq(e.kind, REFUSAL_INVALID);
    cr_assert_eq(followup_note_check("  已致歉 ", true, buf, sizeof buf, &out, &e), 0);
    cr_assert_str_eq(out, "已致歉");
    cr_assert_eq(followup_note_check("a\x01" "b", false, buf, sizeof buf, &out, &e), 1);
    cr_assert_str_eq(e.code, "bad_text");
    cr_assert_eq(followup_note_check("\xff", false, buf, sizeof buf, &out, &e), 1);
    cr_assert_str_eq(e.code, "bad_text");
    for (i = 0; i < FOLLOWUP_NOTE_MAX; i++)
        memcpy(big + 3 * i, "长", 3);
    big[3 * i] = '\0';
    cr_assert_eq(followup_note_check(big, true, buf, sizeof buf, &out, &e), 0);
    memcpy(big + 3 * i, "长", 4);
    cr_assert_eq(followup_note_check(big, true, buf, sizeof buf, &out, &e), 1);
    cr_assert_str_eq(e.code, "note_too_long");
}

static struct casedb t;

static void setup(void)
{
    casedb_open(&t);
}

static void teardown(void)
{
    casedb_close(&t);
}

Test(followup, a_bad_rating_opens_one_complaint, .init = setup, .fini = teardown)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], c[CASE_ID_LEN + 1], buf[256], want[256];
    int today = clock_today(), d = workdays_due(NULL, today, FOLLOWUP_COMPLAINT_DAYS);
    struct case_state cs;
    struct refusal e;

    casedb_case(&t, "simple", a);
    casedb_case(&t, "simple", b);
    casedb_case(&t, "simple", c);
    cr_assert_eq(cases_rate(t.db, a, 2, NULL, 0, &e), 0);
    cr_assert_eq(cases_rate(t.db, b, 3, NULL, 0, &e), 0);
    cr_assert_eq(cases_rate(t.db, c, 1, NULL, 0, &e), 0);
    /* no calendar in this tree: weekends rest; no phone field: no number */
    snprintf(want, sizeof want, "%s|complaint|1|%04d-%02d-%02d|-,%s|complaint|2|%04d-%02d-%02d|-", c,
             d / 10000, d / 100 % 100, d % 100, a, d / 10000, d / 100 % 100, d % 100);
    cr_assert_str_eq(casedb_text(&t, buf, "SELECT group_concat(case_id || '|' || kind || '|' || score"
                                          " || '|' || due || '|' || coalesce(phone, '-'), ',')"
                                          " FROM (SELECT * FROM followups ORDER BY score)"),
                     want);
    /* one complaint per case, whatever opens it again; an item without
     * followup opens no routine call-back */
    cr_assert_eq(cases_begin(t.db, a, &cs, &e), 0);
    cr_assert_eq(followup_complaint_locked(t.db, &cs, 1, NULL, today), 0);
    cr_assert_eq(followup_open_locked(t.db, &cs, NULL, today), 0);
    cr_assert_eq(db_commit(t.db), 0);
    cases_state_free(&cs);
    cr_assert_eq(casedb_int(&t, "SELECT COUNT(*) FROM followups WHERE case_id = '%s'", a), 1);
    cr_assert_eq(casedb_int(&t, "SELECT score FROM followups WHERE case_id = '%s'", a), 2);
}

/* The list's flags and counts on Thursday 10-01 (Friday off): one
 * overdue, one due on the next working day (soon), one later, and one
 * done today though it was late: done, neither overdue nor soon. */
Test(followup, the_list_counts_overdue_and_soon_apart, .init = setup, .fini = teardown)
{
    struct workdays *cal = calendar();
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], c[CASE_ID_LEN + 1], d[CASE_ID_LEN + 1];
    cJSON *doc, *f;
    const char *id;
    char *out = NULL;
    int i;

    casedb_case(&t, "simple", a);
    casedb_case(&t, "simple", b);
    casedb_case(&t, "simple", c);
    casedb_case(&t, "simple", d);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at) VALUES"
                    " ('%s', 'routine', '2026-09-30', '2026-09-25T02:00:00Z'),"
                    " ('%s', 'routine', '2026-10-05', '2026-09-25T02:00:00Z'),"
                    " ('%s', 'routine', '2026-10-06', '2026-09-25T02:00:00Z')", a, b, c);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, done_at, done_on, done_by, result)"
                    " VALUES ('%s', 'routine', '2026-09-29', '2026-09-25T02:00:00Z',"
                    " '2026-10-01T02:00:00Z', '2026-10-01', 'li', 'satisfied')", d);
    cr_assert_eq(followup_list_json(t.db, cal, 20261001, true, &out), 0);
    cr_assert_not_null(doc = cJSON_Parse(out));
    f = cJSON_GetObjectItem(doc, "counts");
    cr_assert_eq(cJSON_GetObjectItem(f, "open")->valueint, 3);
    cr_assert_eq(cJSON_GetObjectItem(f, "overdue")->valueint, 1);
    cr_assert_eq(cJSON_GetObjectItem(f, "soon")->valueint, 1);
    cr_assert_eq(cJSON_GetObjectItem(f, "done_today")->valueint, 1);
    for (i = 0; i < cJSON_GetArraySize(cJSON_GetObjectItem(doc, "followups")); i++) {
        f = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "followups"), i);
        id = cJSON_GetObjectItem(f, "case")->valuestring;
        cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItem(f, "overdue")), strcmp(id, a) == 0, "%s", id);
        cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItem(f, "soon")), strcmp(id, b) == 0, "%s", id);
    }
    cr_assert_eq(i, 4);
    cJSON_Delete(doc);
    free(out);
    workdays_free(cal);
}

/* Open ones soonest due first, whatever the order they were opened in,
 * then the ones done today; one done on another day is neither listed nor
 * counted in done_today. */
Test(followup, the_list_is_by_due_date_and_counts_today_only, .init = setup, .fini = teardown)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], c[CASE_ID_LEN + 1], d[CASE_ID_LEN + 1];
    char *out = NULL, want[5 * (CASE_ID_LEN + 1)], got[5 * (CASE_ID_LEN + 1)] = "";
    cJSON *doc, *arr;
    int i;

    casedb_case(&t, "simple", a);
    casedb_case(&t, "simple", b);
    casedb_case(&t, "simple", c);
    casedb_case(&t, "simple", d);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at) VALUES"
                    " ('%s', 'routine', '2026-10-09', '2026-09-25T02:00:00Z'),"
                    " ('%s', 'routine', '2026-10-06', '2026-09-26T02:00:00Z')", a, b);
    casedb_exec(&t, "INSERT INTO followups (case_id, kind, due, created_at, done_at, done_on, done_by, result)"
                    " VALUES ('%s', 'routine', '2026-09-29', '2026-09-25T02:00:00Z',"
                    " '2026-10-01T02:00:00Z', '2026-10-01', 'li', 'satisfied'),"
                    " ('%s', 'routine', '2026-09-28', '2026-09-24T02:00:00Z',"
                    " '2026-09-30T02:00:00Z', '2026-09-30', 'li', 'satisfied')", c, d);
    cr_assert_eq(followup_list_json(t.db, NULL, 20261001, true, &out), 0);
    cr_assert_not_null(doc = cJSON_Parse(out));
    arr = cJSON_GetObjectItem(doc, "followups");
    for (i = 0; i < cJSON_GetArraySize(arr) && i < 4; i++) {
        strcat(got, cJSON_GetObjectItem(cJSON_GetArrayItem(arr, i), "case")->valuestring);
        strcat(got, " ");
    }
    snprintf(want, sizeof want, "%s %s %s ", b, a, c);
    cr_expect_str_eq(got, want);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "counts"), "done_today")->valueint, 1);
    cJSON_Delete(doc);
    free(out);
}
