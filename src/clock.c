/* clock: UTC instants as stored text and the hall's local date. Kept in
 * one place so that every table compares times written the same way. */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void clock_utc(time_t t, char out[CLOCK_UTC_LEN])
{
    struct tm tm;

    if (!gmtime_r(&t, &tm) || strftime(out, CLOCK_UTC_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, CLOCK_UTC_LEN, "1970-01-01T00:00:00Z");
}

void clock_utc_now(char out[CLOCK_UTC_LEN])
{
    clock_utc(time(NULL), out);
}

int clock_today(void)
{
    time_t now = time(NULL);
    struct tm tm;

    if (!localtime_r(&now, &tm))
        return 0;
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int clock_utc_parse(const char *utc, time_t *t)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    if (!utc || !strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm) || (*t = timegm(&tm)) == (time_t)-1)
        return -1;
    return 0;
}

int clock_local_day_of(const char *utc)
{
    struct tm lt;
    time_t t;

    if (clock_utc_parse(utc, &t) != 0 || !localtime_r(&t, &lt))
        return 0;
    return (lt.tm_year + 1900) * 10000 + (lt.tm_mon + 1) * 100 + lt.tm_mday;
}

void clock_day_text(int ymd, char out[CLOCK_DAY_LEN])
{
    unsigned u = (unsigned)ymd;

    snprintf(out, CLOCK_DAY_LEN, "%04u-%02u-%02u", u / 10000 % 10000, u / 100 % 100, u % 100);
}

void clock_today_text(char out[CLOCK_DAY_LEN])
{
    time_t now = time(NULL);
    struct tm tm;

    if (!localtime_r(&now, &tm) || strftime(out, CLOCK_DAY_LEN, "%Y-%m-%d", &tm) == 0)
        snprintf(out, CLOCK_DAY_LEN, "1970-01-01");
}

long clock_ms_to_midnight(void)
{
    struct timespec ts;
    struct tm tm;
    time_t next;
    long ms;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || !localtime_r(&ts.tv_sec, &tm))
        return 60000;
    /* mktime normalises day + 1 and finds that midnight's offset itself
     * (a day around a clock change is not 86400 s) */
    tm.tm_mday++;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    if ((next = mktime(&tm)) == (time_t)-1)
        return 60000;
    ms = (long)(next - ts.tv_sec) * 1000 - ts.tv_nsec / 1000000;
    if (ms < 1)
        return 1;
    return ms > 25L * 3600 * 1000 ? 25L * 3600 * 1000 : ms;
}

int clock_local_when_text(time_t at, time_t now, char out[CLOCK_WHEN_LEN])
{
    struct tm a, n, next;
    time_t t = at + 59;

    t -= ((t % 60) + 60) % 60;
    if (!localtime_r(&t, &a) || !localtime_r(&now, &n)) {
        out[0] = '\0';
        return -1;
    }
    /* the day after now's, by mktime's normalising (a day is not always
     * 86400 s where clocks change) */
    next = n;
    next.tm_mday++;
    next.tm_hour = 12;
    next.tm_isdst = -1;
    if (mktime(&next) == (time_t)-1)
        next.tm_year = -1;
    if (a.tm_year == n.tm_year && a.tm_yday == n.tm_yday)
        snprintf(out, CLOCK_WHEN_LEN, "今天 %02d:%02d", a.tm_hour, a.tm_min);
    else if (a.tm_year == next.tm_year && a.tm_yday == next.tm_yday)
        snprintf(out, CLOCK_WHEN_LEN, "明天 %02d:%02d", a.tm_hour, a.tm_min);
    else
        snprintf(out, CLOCK_WHEN_LEN, "%d月%d日 %02d:%02d", a.tm_mon + 1, a.tm_mday, a.tm_hour,
                 a.tm_min);
    return 0;
}

int clock_local_is_default_utc(void)
{
    time_t now = time(NULL);
    struct tm tm;

    return !getenv("TZ") && localtime_r(&now, &tm) && tm.tm_gmtoff == 0;
}
