/* clock: the two ways this daemon writes time. Stored instants are UTC
 * text, "YYYY-MM-DDTHH:MM:SSZ" (sorts as text, compares in SQL); "today"
 * is the local calendar date of the hall, by which tickets are numbered,
 * ages counted and review dates judged.
 */
#ifndef SPK_CLOCK_H
#define SPK_CLOCK_H

#include <time.h>

#define CLOCK_UTC_LEN 32        /* buffer for clock_utc's text, NUL included */
/* 2026-12-01T00:00:00Z: no hall ran this program before, so a clock that
 * says earlier is wrong (a server whose battery died starts in 2000 or so,
 * and a hall without internet has no time server to put it right) */
#define CLOCK_FLOOR ((time_t)1796083200)
#define CLOCK_DAY_LEN 11        /* buffer for "YYYY-MM-DD", NUL included */

/* t as "YYYY-MM-DDTHH:MM:SSZ" in out; the epoch's text if t cannot be
 * broken down (never happens for times of this era). */
void clock_utc(time_t t, char out[CLOCK_UTC_LEN]);

/* clock_utc of now. */
void clock_utc_now(char out[CLOCK_UTC_LEN]);

/* Today's local date as YYYYMMDD (20261201), or 0 if the local time cannot
 * be read. */
int clock_today(void);

/* A stored instant, utc as clock_utc writes it, back to *t: 0, or -1 when
 * it is NULL or not one (*t then undefined). */
int clock_utc_parse(const char *utc, time_t *t);

/* The local date (YYYYMMDD) of a stored instant, utc as clock_utc writes
 * it; 0 when it is NULL or not one. */
int clock_local_day_of(const char *utc);

/* Milliseconds from now to the next local midnight (at least 1, at most
 * a day and an hour, for days that a clock change makes longer); a minute
 * if the local time cannot be read. */
long clock_ms_to_midnight(void);

/* Local date ymd (YYYYMMDD, as clock_today gives it) as "YYYY-MM-DD" in
 * out; the digits wrap rather than overflow for a value out of range. */
void clock_day_text(int ymd, char out[CLOCK_DAY_LEN]);

/* Today's local date as "YYYY-MM-DD" in out ("1970-01-01" if the local
 * time cannot be read). */
void clock_today_text(char out[CLOCK_DAY_LEN]);

#define CLOCK_WHEN_LEN 32       /* buffer for clock_local_when_text, NUL included */
/* The local time of `at` as a resident reads it beside `now`: "今天 09:31",
 * "明天 09:31", else "12月9日 09:31"; the minute rounded up, so that "after
 * this time" is true. 0, or -1 when either cannot be broken down (out is
 * then ""). */
int clock_local_when_text(time_t at, time_t now, char out[CLOCK_WHEN_LEN]);

/* Whether the local time is UTC and nobody chose it (TZ unset): a server
 * installed with UTC, eight hours off a hall in China, whose tickets, due
 * dates and receipts would then be of the wrong day at night. */
int clock_local_is_default_utc(void);

#endif
