/* clock: UTC instants as stored text and the hall's local date. Kept in
 * one place so that every table compares times written the same way. */
#include "clock.h"

#include <stdio.h>

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

void clock_today_text(char out[CLOCK_DAY_LEN])
{
    time_t now = time(NULL);
    struct tm tm;

    if (!localtime_r(&now, &tm) || strftime(out, CLOCK_DAY_LEN, "%Y-%m-%d", &tm) == 0)
        snprintf(out, CLOCK_DAY_LEN, "1970-01-01");
}
