/* workdays: the hall's working-day calendar — `_calendar.md`'s 休 and 班
 * dates over the rule that Saturdays and Sundays are rest days — and the
 * date arithmetic that time limits (承诺时限) are counted in.
 *
 * Dates are ints YYYYMMDD in the daemon's local time zone; which day "today"
 * is comes from the caller, so every function here is pure. A NULL calendar
 * is the bare rule (weekends rest, every weekday works), so code that counts
 * days works the same whether or not the hall wrote a calendar.
 *
 * How case code is meant to use it (the clock that stops while a case is
 * back with the resident):
 *   due  = workdays_due(cal, begun, days);          the stage's deadline
 *   used = workdays_between(cal, begun, returned);  days spent before return
 *   due  = workdays_due(cal, resumed, days - used); days left after return
 * workdays_between(cal, d, workdays_due(cal, d, n)) == n for every n > 0,
 * so the two agree on what "a working day spent" is.
 */
#ifndef SPK_WORKDAYS_H
#define SPK_WORKDAYS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#define WORKDAYS_FILE "_calendar.md"
#define WORKDAYS_FILE_MAX (256 * 1024)
#define WORKDAYS_MAX_ENTRIES 2000   /* about 60 years of holiday notices */
/* Counting stops this far from the start: a bound on every loop here,
 * well beyond 365 working days. */
#define WORKDAYS_MAX_SPAN 3660

enum workdays_mark {
    WORKDAYS_REST = 1,      /* 休: a weekday off */
    WORKDAYS_WORK = 2,      /* 班: a weekend day worked (调休) */
};

struct workdays_entry {
    int ymd;
    enum workdays_mark mark;
    int line;
};

struct workdays {
    struct workdays_entry *v;   /* sorted by ymd, no date twice */
    size_t n;
};

/* Parses the calendar file text[0..len) shown as path: one list item per
 * date, `YYYY-MM-DD 休` or `YYYY-MM-DD 班`; headings and paragraphs are
 * notes. Every bad line (malformed or impossible date, another word, a
 * date listed twice, too many entries) is an error at its line. Returns 0
 * and sets *out when there is no error, 1 when errors were reported (*out
 * NULL), -1 when memory ran out. Free with workdays_free(). */
int workdays_parse(const char *path, const char *text, size_t len, struct workdays **out,
                   struct diag_list *diags);

/* Whether cal lists any date of year (a 休 or 班): the State Council's
 * notice for that year was entered. False for a NULL calendar. */
bool workdays_has_year(const struct workdays *cal, int year);

/* How many dates of year cal lists (0 for a NULL cal). */
size_t workdays_year_count(const struct workdays *cal, int year);

/* The year of due (a committed date, "YYYY-MM-DD", or NULL) when cal is a
 * calendar that lists no date of it: its holidays were counted as working
 * days, so the date may be early (`calendar_gap` of the case views, the
 * receipt's note). 0 otherwise, and for a NULL cal (no _calendar.md). */
int workdays_gap_year(const struct workdays *cal, const char *due);

/* Where a count from `from` to `due` stopped using the calendar: the day
 * before 1 January of the first year, among those of the days after from
 * up to due, that cal lists no date of, or from itself when that is later. Every working day after
 * it up to due was counted by the bare rule (weekends rest), so the holidays
 * of that year, once entered, move due on (workdays_recount). 0 when cal
 * has every year of the span, for a NULL cal (no _calendar.md: nothing is
 * missing) and for bad dates. */
int workdays_gap_from(const struct workdays *cal, int from, int due);

/* Whether a date counted by weekends alone after gap (workdays_gap_from's
 * answer, 0 for none) can be counted again: cal now lists the year that
 * follows gap. False for 0 or a bad date. */
bool workdays_gap_filled(const struct workdays *cal, int gap);

/* due counted again under cal, for a date counted by the bare rule after
 * gap (workdays_gap_from's answer when it was counted) in the year that
 * follows gap, and as cal has them in the others: the same number of
 * working days after gap. Never earlier than due: a date promised is only
 * moved on (顺延), so a 班 weekend entered later leaves it (or moves it to
 * the next working day, when the same notice made due a holiday). 0 for bad dates
 * or a span past WORKDAYS_MAX_SPAN. */
int workdays_recount(const struct workdays *cal, int gap, int due);

/* True when ymd is a valid date (1900..9999). */
bool workdays_date_valid(int ymd);

/* The day after / before ymd; 0 for an invalid date. */
int workdays_next_day(int ymd);

/* 0 Monday .. 6 Sunday; -1 for an invalid date. */
int workdays_weekday(int ymd);

/* Whether ymd is a working day. cal may be NULL. False for a bad date. */
bool workdays_is_working(const struct workdays *cal, int ymd);

/* When a time limit of n working days begun on start ends: the n-th
 * working day after start (the limit runs to the end of that day); for
 * n = 0, start itself, or the next working day when start is a rest day.
 * cal may be NULL. Returns 0 for a bad date, n < 0, or no such day within
 * WORKDAYS_MAX_SPAN days. */
int workdays_due(const struct workdays *cal, int start, int n);

/* Working days after a up to and including b: how many of a stage's days
 * were spent when it began on a and stopped on b (0 when b == a: the day a
 * stage begins costs nothing). -workdays_between(b, a) when b < a. Returns
 * 0 for a bad date; a span longer than WORKDAYS_MAX_SPAN days counts only
 * that far. */
int workdays_between(const struct workdays *cal, int a, int b);

void workdays_free(struct workdays *cal);

#endif
