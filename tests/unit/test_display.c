/* Unit tests of the call screen's data (src/display.c) and of the calls the
 * window writes for it (src/window.c): the window name's checks and
 * normalisation; a call's row written with the move (ticket, window, no
 * case id or staffer) and a refused window calling nothing; the view
 * (newest first, today's only, at most DISPLAY_CALLS, the number waiting);
 * the table kept to today's newest DISPLAY_KEEP rows; and the hold list woken
 * after the commits that change the screen. */
#include <criterion/criterion.h>

#include "casedb.h"
#include "clock.h"
#include "display.h"
#include "hold.h"

static struct casedb t;
/* the list display_changed wakes: its generation counts the wakes since base */
static struct hold *wakes;
static uint64_t base;

static void nothing_held(void *item)
{
    (void)item;
}

static int changes(void)
{
    return (int)(hold_generation(wakes) - base);
}

static void setup(void)
{
    casedb_open(&t);
    cr_assert_not_null(wakes = hold_new(4, nothing_held, nothing_held));
    base = 0;
    display_set_hold(wakes);
}

static void teardown(void)
{
    display_set_hold(NULL);
    hold_free(wakes);
    casedb_close(&t);
}

TestSuite(display, .init = setup, .fini = teardown);

/* A case handed in: its ticket in ticket (8 bytes), its id in id. */
static void handed_in(char id[CASE_ID_LEN + 1], char ticket[8])
{
    casedb_handed_in(&t, id, ticket);
}

static cJSON *view(struct display_view *v)
{
    cJSON *doc;

    cr_assert_eq(display_read(t.db, v), 0);
    cr_assert_not_null(doc = cJSON_Parse(v->json));
    return doc;
}

Test(display, window_names_are_checked_and_normalised)
{
    static const char *const ok[][2] = {
        {"3", "3"}, {"03", "3"}, {" 12 ", "12"}, {"999", "999"}, {"a2", "A2"}, {"B12", "B12"},
        {"综合窗口", "综合窗口"}, {"老年人优先窗口", "老年人优先窗口"}, {"A01", "A01"},
        {"", ""}, {"   ", ""}, {"z9", "Z9"}, {"Zz", "ZZ"},
    };
    static const char *const bad[] = {
        "0", "000", "1000", "0123", "A 2", "3号!", "窗口窗口窗口窗口窗", "<b>", "3\x01", "3\t4", "\xe2\x80\xae" "3",
        "ＡＢ", "\xff", "a-b", "一二三四五六七八九",
        "@", "[", "`", "{", "/", ":", /* the ASCII either side of A-Z, a-z and 0-9 */
    };
    char out[DISPLAY_WINDOW_BUF];
    struct refusal e;
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        cr_assert_eq(display_window_check(ok[i][0], out, &e), 0, "%s refused", ok[i][0]);
        cr_assert_str_eq(out, ok[i][1], "%s", ok[i][0]);
    }
    cr_assert_eq(display_window_check(NULL, out, &e), 0);
    cr_assert_str_eq(out, "");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        cr_assert_eq(display_window_check(bad[i], out, &e), 1, "%s accepted as %s", bad[i], out);
        cr_assert_str_eq(e.code, "bad_window");
        cr_assert_eq(e.kind, REFUSAL_INVALID);
        /* the docs' words (its punctuation aside): what a name may be */
        cr_assert_not_null(strstr(e.message, "窗口号请填 1 到 3 位数字"));
        cr_assert_not_null(strstr(e.message, "不超过 8 个字的窗口名称"));
        cr_assert_not_null(strstr(e.message, "不要带空格或符号"));
        cr_assert_str_eq(out, "");
    }
}

/* A name is ASCII letters, digits and CJK ideographs, the ranges web/calls.js
 * checks the same name against (U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF): the
 * first and last of each taken, the code points either side refused, so the
 * page and the server never disagree on a name. And at most 8 characters:
 * the 8th is taken, the 9th is refused. */
Test(display, window_names_take_the_ideograph_ranges_the_page_takes_and_8_characters)
{
    static const char *const ok[] = {
        "\xe3\x90\x80",     /* U+3400, first of extension A */
        "\xe4\xb6\xbf",     /* U+4DBF, its last */
        "\xe4\xb8\x80",     /* U+4E00 一 */
        "\xe9\xbf\xbf",     /* U+9FFF, last of the unified block */
        "\xef\xa4\x80",     /* U+F900, first compatibility ideograph */
        "\xef\xab\xbf",     /* U+FAFF, the last code point of that block */
        "综合窗口综合窗口", /* 8 characters */
        "A1234567",         /* 8 ASCII */
    };
    static const char *const bad[] = {
        "\xe3\x8f\xbf", /* U+33FF */
        "\xe4\xb7\x80", /* U+4DC0, a hexagram */
        "\xea\x80\x80", /* U+A000 */
        "\xef\xa3\xbf", /* U+F8FF, private use */
        "\xef\xac\x80", /* U+FB00 */
        "A12345678",     /* 9 */
    };
    char out[DISPLAY_WINDOW_BUF];
    struct refusal e;
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        cr_assert_eq(display_window_check(ok[i], out, &e), 0, "%s refused", ok[i]);
        cr_assert_str_eq(out, ok[i]);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(display_window_check(bad[i], out, &e), 1, "%s accepted as %s", bad[i], out);
        cr_assert_str_eq(e.code, "bad_window");
    }
}

Test(display, a_call_is_a_row_of_the_screen_written_with_the_move)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], id[CASE_ID_LEN + 1], ta[8], tb[8], buf[256];
    struct display_view v;
    struct refusal e;
    cJSON *doc, *calls, *c0, *c1;

    handed_in(a, ta);
    handed_in(b, tb);
    cr_assert_eq(changes(), 2, "each submission changes the number waiting");
    doc = view(&v);
    cr_assert_eq(v.seq, 0);
    cr_assert_eq(v.waiting, 2);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "calls")), 0);
    cJSON_Delete(doc);
    free(v.json);

    cr_assert_eq(window_call_next(t.db, "wang", "03", id, &e), 0);
    cr_assert_str_eq(id, a);
    cr_assert_eq(changes(), 3);
    cr_assert_eq(window_call(t.db, b, "li", NULL, &e), 0);
    cr_assert_eq(changes(), 4);
    /* the row holds the ticket and the window: no case id, no staffer */
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM calls"), 2);
    cr_assert_str_eq(casedb_text(&t, buf, "SELECT ticket || '/' || window FROM calls ORDER BY seq LIMIT 1"),
                     "A001/3");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM pragma_table_info('calls')"), 5);

    doc = view(&v);
    calls = cJSON_GetObjectItemCaseSensitive(doc, "calls");
    cr_assert_eq(cJSON_GetArraySize(calls), 2);
    c0 = cJSON_GetArrayItem(calls, 0);
    c1 = cJSON_GetArrayItem(calls, 1);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(c0, "ticket")->valuestring, tb, "newest first");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c0, "window")));
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(c1, "ticket")->valuestring, ta);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(c1, "window")->valuestring, "3");
    cr_assert_gt(cJSON_GetObjectItemCaseSensitive(c0, "seq")->valuedouble,
                 cJSON_GetObjectItemCaseSensitive(c1, "seq")->valuedouble);
    cr_assert_eq((double)v.seq, cJSON_GetObjectItemCaseSensitive(c0, "seq")->valuedouble);
    cr_assert_eq(v.waiting, 0, "called tickets no longer wait");
    cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(c0, "at"));
    cJSON_Delete(doc);
    free(v.json);
}

Test(display, a_refused_window_calls_nothing)
{
    char a[CASE_ID_LEN + 1], id[CASE_ID_LEN + 1], ta[8];
    struct refusal e;

    handed_in(a, ta);
    base = hold_generation(wakes);
    cr_assert_eq(window_call_next(t.db, "wang", "A 2", id, &e), 1);
    cr_assert_str_eq(e.code, "bad_window");
    cr_assert_eq(window_call(t.db, a, "wang", "1000", &e), 1);
    cr_assert_str_eq(e.code, "bad_window");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM calls"), 0);
    cr_assert_eq(casedb_int(&t, "SELECT calls FROM cases WHERE id = '%s'", a), 0);
    cr_assert_eq(changes(), 0);
}

/* A ticket called to window 3 and not taken on, then DISPLAY_KEEP other
 * calls in the hall (under an hour on a busy morning): the staff queue's
 * called_window (已叫到本窗口、还没有受理, the slip's 请马上到 3 号窗口) is
 * read from this table, and the trim took the row, so the ticket dropped
 * off its window's list at the lunch hand-over it was made for. Each of
 * today's tickets keeps its last call; a call a later one of the same
 * ticket replaced goes once past the newest DISPLAY_KEEP. */
Test(display, a_tickets_last_call_outlives_the_screens_rows)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], ta[8], tb[8];
    struct case_state cs;
    struct refusal e;
    int i;

    handed_in(a, ta);
    handed_in(b, tb);
    cr_assert_eq(window_call(t.db, a, "wang", "3", &e), 0);
    for (i = 0; i < DISPLAY_KEEP + 10; i++)
        cr_assert_eq(window_call(t.db, b, "li", "7", &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM calls WHERE ticket = '%s'", ta), 1);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM calls WHERE ticket = '%s'", tb), DISPLAY_KEEP);
    cr_assert_eq(cases_load(t.db, a, &cs, &e), 0);
    cr_assert_str_eq(cs.w.called_window, "3");
    cases_state_free(&cs);
}

Test(display, the_table_keeps_only_todays_newest_rows)
{
    char a[CASE_ID_LEN + 1], ta[8];
    struct display_view v;
    struct refusal e;
    cJSON *doc, *calls;
    int i;
    int64_t last;

    handed_in(a, ta);
    /* yesterday's calls: never shown, gone at today's first call */
    casedb_exec(&t, "INSERT INTO calls (day, ticket, window, at) VALUES"
                    " ('2000-01-01', 'A999', '1', '2000-01-01T08:00:00Z'),"
                    " ('2000-01-01', 'A998', '2', '2000-01-01T08:01:00Z')");
    doc = view(&v);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "calls")), 0);
    cr_assert_eq(v.seq, 2, "the change token still counts them");
    cJSON_Delete(doc);
    free(v.json);

    for (i = 0; i < DISPLAY_KEEP + 10; i++)
        cr_assert_eq(window_call(t.db, a, "wang", "7", &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM calls"), DISPLAY_KEEP);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM calls WHERE day = '2000-01-01'"), 0);
    last = casedb_int(&t, "SELECT max(seq) FROM calls");
    cr_assert_eq(last, 2 + DISPLAY_KEEP + 10, "numbers are never used twice");
    cr_assert_eq(casedb_int(&t, "SELECT min(seq) FROM calls"), last - DISPLAY_KEEP + 1);

    doc = view(&v);
    calls = cJSON_GetObjectItemCaseSensitive(doc, "calls");
    cr_assert_eq(cJSON_GetArraySize(calls), DISPLAY_CALLS);
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(calls, 0), "seq")->valuedouble,
                 (double)last);
    cr_assert_eq(v.seq, last);
    cJSON_Delete(doc);
    free(v.json);

    /* every row deleted: the next number is still a new one */
    casedb_exec(&t, "DELETE FROM calls");
    cr_assert_eq(window_call(t.db, a, "wang", NULL, &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT max(seq) FROM calls"), last + 1);
}

/* the docs: "yesterday's are gone at the first call of the day", however
 * few rows there are (not only once the table holds more than 50) */
Test(display, the_first_call_of_the_day_deletes_every_earlier_days_row)
{
    char a[CASE_ID_LEN + 1], ta[8];
    struct refusal e;

    handed_in(a, ta);
    casedb_exec(&t, "INSERT INTO calls (day, ticket, window, at) VALUES"
                    " ('2000-01-01', 'A999', '1', '2000-01-01T08:00:00Z')");
    cr_assert_eq(window_call(t.db, a, "wang", "7", &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM calls WHERE day = '2000-01-01'"), 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM calls"), 1);
}

/* waiting is today's tickets not called yet, status waiting (the docs): an
 * earlier day's ticket still waiting is out of the queue, and out of the
 * number; a case accepted without a call is at a window */
Test(display, waiting_counts_only_todays_tickets_still_waiting)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], c[CASE_ID_LEN + 1], ta[8], tb[8], tc[8];
    struct display_view v;
    struct refusal e;
    cJSON *doc;

    handed_in(a, ta);
    handed_in(b, tb);
    handed_in(c, tc);
    casedb_exec(&t, "UPDATE cases SET ticket_day = '2000-01-01' WHERE id = '%s'", b);
    cr_assert_eq(window_accept(t.db, c, "wang", NULL, clock_today(), &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT calls FROM cases WHERE id = '%s'", c), 0);
    doc = view(&v);
    cr_assert_eq(v.waiting, 1);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "waiting")), 1);
    cJSON_Delete(doc);
    free(v.json);
}

Test(display, accept_and_return_of_a_waiting_case_change_the_screen)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], ta[8], tb[8];
    struct refusal e;

    handed_in(a, ta);
    handed_in(b, tb);
    base = hold_generation(wakes);
    cr_assert_eq(window_accept(t.db, a, "wang", NULL, clock_today(), &e), 0);
    cr_assert_eq(changes(), 1);
    cr_assert_eq(window_return(t.db, b, "wang", "材料不全", NULL, NULL, &e), 0);
    cr_assert_eq(changes(), 2);
    /* a refused move tells no one */
    cr_assert_eq(window_accept(t.db, a, "wang", NULL, clock_today(), &e), 1);
    cr_assert_eq(changes(), 2);
}

/* the ticket after Z999 is A0001: Z999 itself is drawn, never skipped
 * (the counter set as after 25 973 hand-ins today) */
Test(display, tickets_roll_from_z999_to_a0001)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], day[CLOCK_DAY_LEN];
    struct refusal e;
    char *tk = NULL;

    clock_today_text(day);
    casedb_exec(&t, "INSERT INTO ticket_counters (day, last) VALUES ('%s', %d)", day, 26 * 999 - 1);
    casedb_case(&t, "test", a);
    casedb_walk(&t, a, 4);
    casedb_case(&t, "test", b);
    casedb_walk(&t, b, 4);
    cr_assert_eq(window_submit(t.db, a, NULL, false, &tk, &e), 0);
    cr_assert_str_eq(tk, "Z999");
    free(tk);
    cr_assert_eq(window_submit(t.db, b, NULL, false, &tk, &e), 0);
    cr_assert_str_eq(tk, "A0001");
    free(tk);
}

/* an earlier day's ticket, never served, handed in again: today's ticket,
 * and still the papers it was handed in without */
Test(display, a_day_old_ticket_handed_in_again_keeps_its_missing_papers)
{
    char a[CASE_ID_LEN + 1], buf[256];
    struct refusal e;
    char *tk = NULL;

    casedb_case(&t, "test", a);
    casedb_walk(&t, a, 4);
    cr_assert_eq(window_submit(t.db, a, NULL, false, &tk, &e), 0);
    free(tk);
    casedb_exec(&t, "UPDATE cases SET ticket_day = '2000-01-01', missing_items = '[\"s0-0\"]' WHERE id = '%s'", a);
    cr_assert_eq(window_submit(t.db, a, NULL, false, &tk, &e), 0, "%s", e.code);
    cr_assert_str_eq(tk, "A002");
    free(tk);
    cr_assert_str_eq(casedb_text(&t, buf, "SELECT missing_items FROM cases WHERE id = '%s'", a), "[\"s0-0\"]");
}

/* ---- handing in (mutation review of src/window.c) ---- */

/* Every step done, then a condition answered 否: the case is not handed in
 * until the conditions are confirmed again. */
Test(display, a_case_whose_conditions_were_taken_back_is_not_handed_in)
{
    char a[CASE_ID_LEN + 1];
    bool no[1] = {false};
    size_t *unmet = NULL, n_unmet = 0;
    struct refusal e;
    char *tk = NULL;

    casedb_case(&t, "test", a);
    casedb_walk(&t, a, 4);
    cr_assert_eq(cases_confirm(t.db, a, no, 1, NULL, &unmet, &n_unmet, &e), 1);
    free(unmet);
    cr_assert_eq(window_submit(t.db, a, NULL, false, &tk, &e), 1);
    cr_assert_str_eq(e.code, "not_finished");
    cr_assert_null(tk);
    casedb_confirm(&t, a);
    cr_assert_eq(window_submit(t.db, a, NULL, false, &tk, &e), 0, "%s", e.code);
    free(tk);
}

/* A case accepted, returned, and handed in again on a later day draws a
 * new ticket and waits as a new turn: what the return said and who
 * accepted it before are cleared, as when it comes back on its ticket's
 * day. */
Test(display, a_return_handed_in_on_a_later_day_waits_as_a_new_turn)
{
    char a[CASE_ID_LEN + 1], ta[8], buf[256];
    struct refusal e;
    char *tk = NULL;

    casedb_handed_in(&t, a, ta);
    cr_assert_eq(window_accept(t.db, a, "wang", NULL, clock_today(), &e), 0, "%s", e.code);
    cr_assert_eq(window_return(t.db, a, "wang", "缺收入证明", NULL, NULL, &e), 0, "%s", e.code);
    casedb_exec(&t, "UPDATE cases SET ticket_day = '2000-01-01' WHERE id = '%s'", a);
    cr_assert_eq(window_submit(t.db, a, NULL, false, &tk, &e), 0, "%s", e.code);
    cr_assert_str_neq(tk, ta, "a new ticket of today");
    free(tk);
    cr_assert_str_eq(casedb_text(&t, buf, "SELECT status || '|' || coalesce(returned_reason, '-')"
                                          " || '|' || coalesce(returned_by, '-') || '|'"
                                          " || coalesce(accepted_by, '-') || '|'"
                                          " || coalesce(accepted_at, '-') FROM cases WHERE id = '%s'", a),
                     "waiting|-|-|-|-");
}
