/* Unit tests of src/clock.c, run in halls' zones given as POSIX TZ text (no
 * zone files needed): stored instants are UTC whatever the local zone, and
 * "today", the local day of an instant and the next midnight are the hall's.
 * CST-8 is China (UTC+8); <+14>-14 and <-12>+12 are the two ends of the
 * world, whose dates differ at every instant. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

static void zone(const char *tz)
{
    cr_assert_eq(setenv("TZ", tz, 1), 0);
    tzset();
}

Test(clock, stored_instants_are_utc_whatever_the_local_zone)
{
    char out[CLOCK_UTC_LEN];
    time_t t = 0;

    zone("CST-8");
    clock_utc(CLOCK_FLOOR, out);
    cr_assert_str_eq(out, "2026-12-01T00:00:00Z");
    cr_assert_eq(clock_utc_parse("2026-12-01T00:00:00Z", &t), 0);
    cr_assert_eq(t, CLOCK_FLOOR);
    cr_assert_eq(clock_utc_parse("2026-12-01T07:59:59Z", &t), 0);
    cr_assert_eq(t, CLOCK_FLOOR + 8 * 3600 - 1);
    cr_assert_eq(clock_utc_parse(NULL, &t), -1);
    cr_assert_eq(clock_utc_parse("2026-12-01", &t), -1);
}

/* 16:00Z is midnight in China: the instant before is still the 1st there,
 * the instant itself is the 2nd */
Test(clock, the_local_day_of_an_instant_is_the_halls)
{
    zone("CST-8");
    cr_assert_eq(clock_local_day_of("2026-12-01T15:59:59Z"), 20261201);
    cr_assert_eq(clock_local_day_of("2026-12-01T16:00:00Z"), 20261202);
    cr_assert_eq(clock_local_day_of("2026-12-31T16:00:00Z"), 20270101);
    cr_assert_eq(clock_local_day_of(NULL), 0);
    cr_assert_eq(clock_local_day_of("yesterday"), 0);
}

Test(clock, a_day_is_written_yyyy_mm_dd)
{
    char out[CLOCK_DAY_LEN];

    clock_day_text(20261231, out);
    cr_assert_str_eq(out, "2026-12-31");
    clock_day_text(20270105, out);
    cr_assert_str_eq(out, "2027-01-05");
}

/* At any instant UTC+14 is one or two days ahead of UTC-12, so "today" read
 * in each differs, whatever the time of the run, as text and as a number;
 * and in China clock_today is clock_today_text's day (read again if
 * midnight fell between). */
Test(clock, today_is_the_local_date_not_utcs)
{
    char east[CLOCK_DAY_LEN], west[CLOCK_DAY_LEN], other[CLOCK_DAY_LEN];
    int i, d, d_east;

    zone("<+14>-14");
    clock_today_text(east);
    d_east = clock_today();
    zone("<-12>+12");
    clock_today_text(west);
    cr_assert_str_gt(east, west);
    cr_assert_gt(d_east, clock_today());
    zone("CST-8");
    for (i = 0; i < 3; i++) {
        clock_today_text(east);
        d = clock_today();
        clock_today_text(west);
        if (strcmp(east, west) == 0)
            break;
    }
    clock_day_text(d, other);
    cr_assert_str_eq(other, east);
}

/* The next local midnight: read within one second (tried again when a second
 * turns between), now + ms lands on 00:00:00 of the hall's next day; and ms
 * counts from the very instant, milliseconds included, lying between the
 * distances from the readings just before and just after. */
Test(clock, the_next_midnight_is_the_halls)
{
    static const char *const zones[] = {"CST-8", "UTC0", "<-0930>9:30"};
    size_t z;

    for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        struct timespec pre, post;
        time_t t0, t1, m;
        struct tm before, at;
        long ms = 0;
        int i;

        zone(zones[z]);
        for (i = 0; i < 10; i++) {
            cr_assert_eq(clock_gettime(CLOCK_REALTIME, &pre), 0);
            ms = clock_ms_to_midnight();
            cr_assert_eq(clock_gettime(CLOCK_REALTIME, &post), 0);
            t0 = pre.tv_sec;
            t1 = post.tv_sec;
            if (t0 == t1)
                break;
        }
        cr_assert_eq(t0, t1, "no second stood still ten times");
        cr_assert(ms >= 1 && ms <= 24L * 3600 * 1000, "%s: %ld ms", zones[z], ms);
        m = t0 + (ms + 999) / 1000;
        cr_assert_not_null(localtime_r(&t0, &before));
        cr_assert_not_null(localtime_r(&m, &at));
        cr_assert(at.tm_hour == 0 && at.tm_min == 0 && at.tm_sec == 0, "%s: %02d:%02d:%02d",
                  zones[z], at.tm_hour, at.tm_min, at.tm_sec);
        cr_assert_neq(at.tm_mday, before.tm_mday, "%s", zones[z]);
        cr_assert_leq(ms, (long)(m - t0) * 1000 - pre.tv_nsec / 1000000, "%s", zones[z]);
        cr_assert_geq(ms, (long)(m - t1) * 1000 - post.tv_nsec / 1000000, "%s", zones[z]);
    }
}

/* The end of a resident's wait, as the lookup's 429 names it: the hall's
 * local time, the minute rounded up (so "以后" holds), 今天/明天 by the local
 * day of now, a date beyond. 2026-12-01T15:59:00Z is 23:59 in China. */
Test(clock, when_text_names_the_local_minute_and_day)
{
    char out[CLOCK_WHEN_LEN];
    time_t now = CLOCK_FLOOR + 15 * 3600 + 59 * 60; /* 12-01 23:59 CST */

    zone("CST-8");
    cr_assert_eq(clock_local_when_text(now, now, out), 0);
    cr_assert_str_eq(out, "今天 23:59");
    clock_local_when_text(now + 1, now, out);
    cr_assert_str_eq(out, "明天 00:00", "rounded up past midnight: %s", out);
    clock_local_when_text(now + 60, now, out);
    cr_assert_str_eq(out, "明天 00:00");
    clock_local_when_text(now + 61, now, out);
    cr_assert_str_eq(out, "明天 00:01");
    clock_local_when_text(now + 24 * 3600 + 60, now, out);
    cr_assert_str_eq(out, "12月3日 00:00");
    /* the same instants seen from UTC: it is 15:59 of the 1st there */
    zone("UTC0");
    clock_local_when_text(now + 61, now, out);
    cr_assert_str_eq(out, "今天 16:01");
}
