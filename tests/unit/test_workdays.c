/* Unit tests for workdays: `_calendar.md` read into 休/班 dates with every
 * error at its line, and the working-day arithmetic due dates and the
 * stopped clock are counted with — a holiday week, a 调休 Saturday, N = 0
 * on a rest day, month, leap-year and year boundaries. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "workdays.h"

#define PATH "_calendar.md"
#include "expect.h"

static int parse(const char *text, struct workdays **cal, struct diag_list *l)
{
    memset(l, 0, sizeof *l);
    return workdays_parse(PATH, text, strlen(text), cal, l);
}

/* National Day 2026 as the calendar of a hall would say it: Oct 1-7 off,
 * Sunday Sep 20 and Saturday Oct 10 worked. */
static const char national_day[] = "# 2026 年\n\n国庆节。\n\n"
                                   "- 2026-09-20 班\n"
                                   "- 2026-10-01 休\n- 2026-10-02 休\n- 2026-10-05 休\n"
                                   "- 2026-10-06 休\n- 2026-10-07 休\n"
                                   "- 2026-10-10 班\n";

static struct workdays *national(void)
{
    struct workdays *cal;
    struct diag_list l;
    int r = parse(national_day, &cal, &l);

    cr_assert_eq(r, 0, "%s", dump(&l));
    expect_counts(&l, 0, 0);
    diag_list_free(&l);
    return cal;
}

Test(workdays, weekday_and_next_day)
{
    cr_assert_eq(workdays_weekday(20261001), 3); /* a Thursday */
    cr_assert_eq(workdays_weekday(20260103), 5);
    cr_assert_eq(workdays_weekday(20240229), 3);
    cr_assert_eq(workdays_weekday(20230229), -1);
    cr_assert_eq(workdays_next_day(20261231), 20270101);
    cr_assert_eq(workdays_next_day(20240228), 20240229);
    cr_assert_eq(workdays_next_day(20250228), 20250301);
    cr_assert_eq(workdays_next_day(20261130), 20261201);
    cr_assert_eq(workdays_next_day(20261332), 0);
}

Test(workdays, bare_rule_without_a_calendar)
{
    cr_assert(workdays_is_working(NULL, 20261202));   /* Wednesday */
    cr_assert(!workdays_is_working(NULL, 20261205));  /* Saturday */
    cr_assert(!workdays_is_working(NULL, 20261206));  /* Sunday */
    cr_assert(!workdays_is_working(NULL, 0));
    /* Friday + 1 is Monday */
    cr_assert_eq(workdays_due(NULL, 20261204, 1), 20261207);
    cr_assert_eq(workdays_due(NULL, 20261202, 5), 20261209);
}

Test(workdays, parse_sorts_and_marks)
{
    struct workdays *cal = national();

    cr_assert_eq(cal->n, 7);
    cr_assert_eq(cal->v[0].ymd, 20260920);
    cr_assert_eq(cal->v[0].mark, WORKDAYS_WORK);
    cr_assert_eq(cal->v[0].line, 5);
    cr_assert_eq(cal->v[6].ymd, 20261010);
    cr_assert(workdays_is_working(cal, 20260920));   /* a Sunday worked */
    cr_assert(!workdays_is_working(cal, 20261001));  /* a Thursday off */
    cr_assert(!workdays_is_working(cal, 20261003));  /* a Saturday in the week off */
    cr_assert(workdays_is_working(cal, 20261010));   /* 调休 Saturday */
    cr_assert(!workdays_is_working(cal, 20261011));
    workdays_free(cal);
}

Test(workdays, due_across_a_holiday_and_a_makeup_saturday)
{
    struct workdays *cal = national();

    /* begun Wednesday Sep 30: the next working day is Thursday Oct 8 */
    cr_assert_eq(workdays_due(cal, 20260930, 1), 20261008);
    cr_assert_eq(workdays_due(cal, 20260930, 2), 20261009);
    /* the third is the 调休 Saturday Oct 10, then Monday Oct 12 */
    cr_assert_eq(workdays_due(cal, 20260930, 3), 20261010);
    cr_assert_eq(workdays_due(cal, 20260930, 4), 20261012);
    /* without the calendar the same start would be due Oct 1 */
    cr_assert_eq(workdays_due(NULL, 20260930, 1), 20261001);
    /* the 班 Sunday counts: begun Friday Sep 18, due Sunday Sep 20 */
    cr_assert_eq(workdays_due(cal, 20260918, 1), 20260920);
    workdays_free(cal);
}

Test(workdays, zero_days)
{
    struct workdays *cal = national();

    cr_assert_eq(workdays_due(cal, 20260929, 0), 20260929);  /* a working day: itself */
    cr_assert_eq(workdays_due(cal, 20261001, 0), 20261008);  /* a holiday: the next working day */
    cr_assert_eq(workdays_due(cal, 20261010, 0), 20261010);  /* the 调休 Saturday works */
    cr_assert_eq(workdays_due(NULL, 20261205, 0), 20261207); /* a Saturday: Monday */
    workdays_free(cal);
}

Test(workdays, year_boundary)
{
    struct workdays *cal;
    struct diag_list l;

    cr_assert_eq(parse("- 2027-01-01 休\n", &cal, &l), 0, "%s", dump(&l));
    /* Thursday Dec 31 2026: Friday Jan 1 is off, the weekend too: Monday */
    cr_assert_eq(workdays_due(cal, 20261231, 1), 20270104);
    cr_assert_eq(workdays_between(cal, 20261231, 20270104), 1);
    cr_assert_eq(workdays_due(NULL, 20261231, 1), 20270101);
    workdays_free(cal);
    diag_list_free(&l);
}

Test(workdays, between_is_the_clock)
{
    struct workdays *cal = national();
    int n, d;

    cr_assert_eq(workdays_between(cal, 20260930, 20260930), 0);
    cr_assert_eq(workdays_between(cal, 20260930, 20261007), 0);  /* all holiday */
    cr_assert_eq(workdays_between(cal, 20260930, 20261010), 3);
    cr_assert_eq(workdays_between(cal, 20261010, 20260930), -3);
    cr_assert_eq(workdays_between(cal, 20260930, 0), 0);
    /* due and between agree on every limit */
    for (n = 1; n <= 30; n++) {
        d = workdays_due(cal, 20260925, n);
        cr_assert_eq(workdays_between(cal, 20260925, d), n, "n=%d", n);
        cr_assert(workdays_is_working(cal, d));
    }
    /* a 10-day stage returned after 3 days and resumed on Oct 12 has 7 left */
    n = 10 - workdays_between(cal, 20260930, 20261010);
    cr_assert_eq(workdays_due(cal, 20261012, n), 20261021);
    workdays_free(cal);
}

Test(workdays, bounds)
{
    cr_assert_eq(workdays_due(NULL, 20261202, -1), 0);
    cr_assert_eq(workdays_due(NULL, 20261232, 1), 0);
    cr_assert_eq(workdays_due(NULL, 20261202, 365), 20280426); /* 73 weeks on */
    cr_assert_eq(workdays_due(NULL, 99991231, 1), 0);
    /* spans longer than WORKDAYS_MAX_SPAN days count only that far */
    cr_assert(workdays_between(NULL, 19000101, 99991231) < WORKDAYS_MAX_SPAN);
}

Test(workdays, errors_at_their_lines)
{
    struct workdays *cal = (struct workdays *)1;
    struct diag_list l;
    int r = parse("# 2026\n\n- 2026-10-01 休\n- 2026-13-01 休\n- 2026-10-02 放假\n"
                  "- 2026/10/03 休\n- 2026-10-01 班\n- 2026-02-29 休\n- 2026-10-04\n",
                  &cal, &l);

    cr_assert_eq(r, 1);
    cr_assert_null(cal);
    expect_diag(&l, 4, DIAG_ERROR, "不是 YYYY-MM-DD 格式的真实日期");
    expect_diag(&l, 5, DIAG_ERROR, "只能写「休」");
    expect_diag(&l, 6, DIAG_ERROR, "日期要写成 YYYY-MM-DD（年份四位，月和日都是两位，用 - 隔开）：这一行应写成「- 2026-10-03 休」");
    expect_diag(&l, 7, DIAG_ERROR, "重复了（第 3 行已经写过）");
    expect_diag(&l, 8, DIAG_ERROR, "真实日期");
    expect_diag(&l, 9, DIAG_ERROR, "日期后面要写「休」（工作日放假）或「班」（周末上班），如「- 2026-10-04 休」");
    /* and a 班 on a Thursday, which changes nothing: a warning */
    expect_diag(&l, 7, DIAG_WARNING, "2026-10-01 是星期四，本来就上班");
    expect_counts(&l, 6, 1);
    diag_list_free(&l);
}

Test(workdays, too_many_entries)
{
    struct workdays *cal;
    struct diag_list l;
    char *text = malloc((WORKDAYS_MAX_ENTRIES + 2) * 20);
    size_t off = 0;
    int i, d = 20000101;

    cr_assert_not_null(text);
    /* two past the bound: the error is given once, at the first */
    for (i = 0; i <= WORKDAYS_MAX_ENTRIES + 1; i++, d = workdays_next_day(d))
        off += (size_t)sprintf(text + off, "- %04d-%02d-%02d 休\n", d / 10000, d / 100 % 100, d % 100);
    cr_assert_eq(parse(text, &cal, &l), 1);
    expect_diag(&l, WORKDAYS_MAX_ENTRIES + 1, DIAG_ERROR, "日期太多");
    expect_counts(&l, 1, 0);
    diag_list_free(&l);
    free(text);
}

/* A date counted into a year the calendar lacked (a hall at the turn of
 * the year: 2027's notice not entered yet) and counted again once the
 * year is in: the same working days after the gap, moved on only. */
Test(workdays, gap_and_recount)
{
    struct workdays *y2026, *both;
    struct diag_list l;
    int due;

    cr_assert_eq(parse("- 2026-10-01 休\n", &y2026, &l), 0, "%s", dump(&l));
    diag_list_free(&l);
    /* the year-end review's repro: 3 days from Wednesday Dec 30 2026 */
    due = workdays_due(y2026, 20261230, 3);
    cr_assert_eq(due, 20270104);
    cr_assert_eq(workdays_gap_from(y2026, 20261230, due), 20261231);
    /* a count begun inside the missing year stops using it at its start */
    cr_assert_eq(workdays_gap_from(y2026, 20270104, 20270108), 20270104);
    /* no gap within 2026, nor without a calendar file */
    cr_assert_eq(workdays_gap_from(y2026, 20261201, 20261230), 0);
    cr_assert_eq(workdays_gap_from(NULL, 20261230, due), 0);
    cr_assert_eq(workdays_gap_from(y2026, 20261230, 20261229), 0);

    cr_assert_eq(parse("- 2026-10-01 休\n- 2027-01-01 休\n- 2027-02-06 班\n- 2027-02-08 休\n", &both, &l), 0,
                 "%s", dump(&l));
    diag_list_free(&l);
    /* New Year's Day entered: the 3rd working day after Dec 30 is Jan 5,
     * what a count with the whole calendar gives */
    cr_assert_eq(workdays_recount(both, 20261231, due), 20270105);
    cr_assert_eq(workdays_recount(both, 20261231, due), workdays_due(both, 20261230, 3));
    /* from inside the year: Mon Jan 4 + 5 = Mon Jan 11 either way */
    cr_assert_eq(workdays_recount(both, 20270104, 20270111), 20270111);
    /* a 班 Saturday would bring Feb 8's count a day earlier: the promise
     * stands (a holiday the same week moves it on again) */
    cr_assert_eq(workdays_due(NULL, 20270205, 1), 20270208);
    cr_assert_eq(workdays_recount(both, 20270205, 20270208), 20270209);
    cr_assert_eq(workdays_recount(both, 20270205, 20270205), 20270205);
    cr_assert_eq(workdays_recount(both, 20270207, 20270208), 20270209);
    cr_assert_eq(workdays_recount(both, 20270205, 20270201), 0);
    workdays_free(y2026);
    workdays_free(both);
}

/* A count from 31 December takes only the next year's days: with that
 * year listed there is no gap, whatever the year of the eve (a review: it
 * was marked, and moved on a day at every pass); and a year listed after
 * the gap's is not counted twice when the gap's year comes. */
Test(workdays, a_count_from_the_eve_and_a_listed_year_after_the_gap)
{
    struct workdays *only2027, *both;
    struct diag_list l;

    cr_assert_eq(parse("- 2027-01-01 休\n", &only2027, &l), 0, "%s", dump(&l));
    diag_list_free(&l);
    cr_assert_eq(workdays_due(only2027, 20261231, 1), 20270104);
    cr_assert_eq(workdays_gap_from(only2027, 20261231, 20270104), 0);
    /* begun in the missing 2026, into the listed 2027: the gap is 2026's */
    cr_assert_eq(workdays_due(only2027, 20261228, 4), 20270104);
    cr_assert_eq(workdays_gap_from(only2027, 20261228, 20270104), 20261228);
    /* 2026 entered (12-31 a holiday): 12-29, 12-30, then 2027's 01-04, 05 */
    cr_assert_eq(parse("- 2026-12-31 休\n- 2027-01-01 休\n", &both, &l), 0, "%s", dump(&l));
    diag_list_free(&l);
    cr_assert_eq(workdays_recount(both, 20261228, 20270104), 20270105);
    cr_assert_eq(workdays_recount(both, 20261228, 20270104), workdays_due(both, 20261228, 4));
    workdays_free(only2027);
    workdays_free(both);
}

/* A count from the eve of a missing year in a year missing too keeps the
 * eve as its gap; it is filled once the next year is listed, whether or
 * not the eve's own year ever is. */
Test(workdays, a_gap_on_the_eve_is_filled_by_the_next_year)
{
    struct workdays *y2025, *with2027;
    struct diag_list l;

    cr_assert_eq(parse("- 2025-10-01 休\n", &y2025, &l), 0, "%s", dump(&l));
    diag_list_free(&l);
    cr_assert_eq(workdays_gap_from(y2025, 20261231, 20270104), 20261231);
    cr_assert(!workdays_gap_filled(y2025, 20261231));
    cr_assert_eq(parse("- 2025-10-01 休\n- 2027-01-01 休\n", &with2027, &l), 0, "%s", dump(&l));
    diag_list_free(&l);
    cr_assert(workdays_gap_filled(with2027, 20261231));
    /* 1 day from Thursday 12-31 was Friday 01-01, now a holiday */
    cr_assert_eq(workdays_due(y2025, 20261231, 1), 20270101);
    cr_assert_eq(workdays_recount(with2027, 20261231, 20270101), 20270104);
    workdays_free(y2025);
    workdays_free(with2027);
}

/* calendar_gap (the case views, the receipt, the call-backs): a year the
 * calendar lists no date of; never without a calendar file, where nothing
 * is missing (a hall with no `_calendar.md` would see every date flagged). */
Test(workdays, gap_year_only_with_a_calendar_that_lacks_the_year)
{
    struct workdays *cal = national();

    cr_assert_eq(workdays_gap_year(NULL, "2027-01-04"), 0);
    cr_assert_eq(workdays_gap_year(cal, "2026-12-01"), 0);
    cr_assert_eq(workdays_gap_year(cal, "2027-01-04"), 2027);
    cr_assert_eq(workdays_gap_year(cal, NULL), 0);
    workdays_free(cal);
}

/* A 0-day limit begun on a working day of a missing year is due that day,
 * counted by weekends alone: its gap is the day itself, so the notice
 * entered later (the day a 休) moves it on to the next working day. */
Test(workdays, a_same_day_limit_in_a_missing_year_keeps_its_gap)
{
    struct workdays *y2026, *both;
    struct diag_list l;

    cr_assert_eq(parse("- 2026-10-01 休\n", &y2026, &l), 0, "%s", dump(&l));
    diag_list_free(&l);
    cr_assert_eq(workdays_due(y2026, 20270104, 0), 20270104);
    cr_assert_eq(workdays_gap_from(y2026, 20270104, 20270104), 20270104);
    cr_assert_eq(parse("- 2026-10-01 休\n- 2027-01-04 休\n", &both, &l), 0, "%s", dump(&l));
    diag_list_free(&l);
    cr_assert_eq(workdays_recount(both, 20270104, 20270104), 20270105);
    workdays_free(y2026);
    workdays_free(both);
}

/* 班 on any weekday is warned, Monday to Friday; on a weekend it is the
 * point of the mark. */
Test(workdays, a_worked_mark_on_a_weekday_is_warned_monday_to_friday)
{
    struct workdays *cal;
    struct diag_list l;

    /* Mon 10-12, Fri 10-09, Sat 10-10, Sun 10-11 */
    cr_assert_eq(parse("- 2026-10-12 班\n- 2026-10-09 班\n- 2026-10-10 班\n- 2026-10-11 班\n", &cal, &l), 0,
                 "%s", dump(&l));
    expect_diag(&l, 1, DIAG_WARNING, "2026-10-12 是星期一，本来就上班");
    expect_diag(&l, 2, DIAG_WARNING, "2026-10-09 是星期五，本来就上班");
    expect_counts(&l, 0, 2);
    diag_list_free(&l);
    workdays_free(cal);
}

/* Dates run from 1900-01-01 to 9999-12-31, there is no day 0, and 1900
 * and 2100 are not leap years (2000 is): a limit counted across the end
 * of February 2100 must not find a 29th. */
Test(workdays, the_dates_of_the_range_and_century_leap_years)
{
    cr_assert(workdays_date_valid(19000101));
    cr_assert(!workdays_date_valid(18991231));
    cr_assert(workdays_date_valid(99991231));
    cr_assert_eq(workdays_next_day(99991231), 0, "no day after the last");
    cr_assert(!workdays_date_valid(20261000));
    cr_assert(!workdays_date_valid(21000229));
    cr_assert(!workdays_date_valid(19000229));
    cr_assert(workdays_date_valid(20000229));
    cr_assert_eq(workdays_next_day(21000228), 21000301);
    cr_assert_eq(workdays_weekday(21000301), 0); /* a Monday */
}

/* White space between the date and the word is a space or a tab; a line
 * shorter than a date is the malformed line's error, not a bad date. */
Test(workdays, a_tab_after_the_date_and_a_line_too_short)
{
    struct workdays *cal;
    struct diag_list l;

    cr_assert_eq(parse("- 2026-10-01\t休\n", &cal, &l), 0, "%s", dump(&l));
    cr_assert(!workdays_is_working(cal, 20261001));
    diag_list_free(&l);
    workdays_free(cal);
    cr_assert_eq(parse("- 2026-10-1\n", &cal, &l), 1);
    expect_diag(&l, 1, DIAG_ERROR, "这一行应写成");
    expect_counts(&l, 1, 0);
    diag_list_free(&l);
}

/* A line of the wrong shape is told what it should be with its own date
 * and word: 「这一行应写成「- 2026-10-01 休」」 under a line of 2027 left the
 * admin to find what differed (a one-digit month, a slash, 年月日, the word
 * run into the date, a full-width space). The next line run into an entry
 * (its "- " left out: Markdown joins it) is said to be the next line's, and
 * a note after the word belongs in a heading. */
Test(workdays, a_malformed_line_is_told_its_right_shape)
{
    static const char md[] = "# 2027 年\n"              /* 1 */
                             "\n"                       /* 2 */
                             "- 2027-1-1 休\n"          /* 3 */
                             "- 2027/01/31 班\n"        /* 4 */
                             "- 2027.2.20 班\n"         /* 5 */
                             "- 2027年2月9日 休\n"      /* 6 */
                             "- 2027-02-11休\n"         /* 7 */
                             "- 2027-02-10\xe3\x80\x80休\n" /* 8 */
                             "- 2027-2-5\n"             /* 9 */
                             "- 2027-06-09 休\n"        /* 10 */
                             "2027-06-10 休\n"          /* 11: run into 10 */
                             "- 2027-06-11 休 端午\n"   /* 12 */
                             "- 2027-02-30 休\n"        /* 13 */
                             "- 2027-10-08 上班\n";     /* 14 */
    struct workdays *cal = (struct workdays *)1;
    struct diag_list l;

    cr_assert_eq(parse(md, &cal, &l), 1, "%s", dump(&l));
    cr_assert_null(cal);
    expect_diag(&l, 3, DIAG_ERROR, "日期要写成 YYYY-MM-DD（年份四位，月和日都是两位，用 - 隔开）：这一行应写成「- 2027-01-01 休」");
    expect_diag(&l, 4, DIAG_ERROR, "这一行应写成「- 2027-01-31 班」");
    expect_diag(&l, 5, DIAG_ERROR, "这一行应写成「- 2027-02-20 班」");
    expect_diag(&l, 6, DIAG_ERROR, "这一行应写成「- 2027-02-09 休」");
    expect_diag(&l, 7, DIAG_ERROR, "日期和「休」之间要空一格（英文空格）：这一行应写成「- 2027-02-11 休」");
    expect_diag(&l, 8, DIAG_ERROR, "日期后面的空格是全角的（　），请切换到英文输入法再打一个空格：这一行应写成「- 2027-02-10 休」");
    expect_diag(&l, 9, DIAG_ERROR, "这一行应写成「- 2027-02-05 休」（工作日放假）或「- 2027-02-05 班」（周末上班）");
    expect_diag(&l, 10, DIAG_ERROR, "下一行「2027-06-10 休」接到了这一行后面：那一行行首少了「- 」");
    expect_diag(&l, 12, DIAG_ERROR, "不能是「休 端午」：说明文字请写在标题里，如「### 端午节」，这一行只写「- 日期 休」");
    expect_diag(&l, 13, DIAG_ERROR, "「2027-02-30」不是 YYYY-MM-DD 格式的真实日期");
    expect_diag(&l, 14, DIAG_ERROR, "不能是「上班」");
    expect_counts(&l, 11, 0);
    diag_list_free(&l);
}

/* A no-break space after the date (a line copied from a web page or Word)
 * reads as the space it shows as; it was 「这一行应写成「- 2026-10-01 休」」
 * for a line that looked exactly so. */
Test(workdays, a_no_break_space_after_the_date)
{
    struct workdays *cal;
    struct diag_list l;

    cr_assert_eq(parse("- 2026-10-01\xc2\xa0休\n- 2026-10-10\xc2\xa0\xc2\xa0班\xc2\xa0\n", &cal, &l), 0,
                 "%s", dump(&l));
    expect_counts(&l, 0, 0);
    cr_assert(!workdays_is_working(cal, 20261001));
    cr_assert(workdays_is_working(cal, 20261010));
    diag_list_free(&l);
    workdays_free(cal);
}

/* A date and its 休 or 班 written outside the lists is not read, so a
 * holiday typed without its "- ", kept in a quote of the notice, or in a
 * list indented four spaces (a code block) would move due dates without a
 * word: each is a warning at its own line, with the line to write. A note
 * that begins with a date, a date mid-line, an HTML comment and a heading
 * are left alone, and the calendar still loads with its real entries. */
Test(workdays, an_entry_outside_the_lists_is_warned_at_its_line)
{
    static const char md[] = "---\n---\n# 2026 年\n"   /* 1-3 */
                             "\n"                       /* 4 */
                             "2026-10-06 休\n"          /* 5: a paragraph */
                             "说明：2026-10-07 休\n"    /* 6: its second line, a note */
                             "2026-10-01 起施行\n"      /* 7: a note */
                             "\n"                       /* 8 */
                             "> - 2026-10-01 休\n"      /* 9: a quote's list */
                             "> 2026-10-02 休\n"        /* 10 */
                             "\n"                       /* 11 */
                             "    - 2026-10-05 休\n"    /* 12: indented, a code block */
                             "    2026-10-08 休\n"      /* 13 */
                             "\n"                       /* 14 */
                             "```\n"                    /* 15 */
                             "1. 2026-10-10 班\n"       /* 16 */
                             "```\n"                    /* 17 */
                             "\n"                       /* 18 */
                             "<!-- - 2026-10-11 班 -->\n" /* 19 */
                             "\n"                       /* 20 */
                             "## 2026-10-12 休\n"       /* 21 */
                             "\n"                       /* 22 */
                             "- 2026-09-20 班\n";       /* 23 */
    struct workdays *cal;
    struct diag_list l;

    cr_assert_eq(parse(md, &cal, &l), 0, "%s", dump(&l));
    expect_diag(&l, 5, DIAG_WARNING, "2026-10-06 不在日历的列表里，不会被读取：请单独写成一行「- 2026-10-06 休」");
    expect_diag(&l, 9, DIAG_WARNING, "「- 2026-10-01 休」");
    expect_diag(&l, 10, DIAG_WARNING, "「- 2026-10-02 休」");
    expect_diag(&l, 12, DIAG_WARNING, "「- 2026-10-05 休」");
    expect_diag(&l, 13, DIAG_WARNING, "「- 2026-10-08 休」");
    expect_diag(&l, 16, DIAG_WARNING, "「- 2026-10-10 班」");
    expect_counts(&l, 0, 6);
    cr_assert_eq(cal->n, 1, "only the list's entry is read");
    cr_assert(workdays_is_working(cal, 20260920));
    cr_assert(workdays_is_working(cal, 20261006), "a paragraph's date is not read");
    diag_list_free(&l);
    workdays_free(cal);
}

/* An indented date is a date: `  - 2027-02-11 休` under another was one
 * error at the line above (「不能是「休2027-02-11 休」」), and under a
 * holiday's name (`- 春节`) it was part of that name. */
Test(workdays, an_indented_date_is_a_line_of_its_own)
{
    struct workdays *cal;
    struct diag_list l;

    cr_assert_eq(parse("- 2027-02-10 休\n  - 2027-02-11 休\n", &cal, &l), 0, "%s", dump(&l));
    expect_counts(&l, 0, 0);
    cr_assert_eq(cal->n, 2);
    cr_assert_eq(cal->v[1].ymd, 20270211);
    cr_assert_eq(cal->v[1].line, 2);
    workdays_free(cal);
    diag_list_free(&l);

    cr_assert_eq(parse("- 春节\n  - 2027-02-10 休\n  - 2027-02-12 休\n", &cal, &l), 1);
    expect_diag(&l, 1, DIAG_ERROR, "这一行应写成");
    expect_counts(&l, 1, 0);
    diag_list_free(&l);
}
