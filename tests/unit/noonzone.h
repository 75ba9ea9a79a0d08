/* A local zone in which it is now about noon, for the tests that write
 * "today" with SQLite's date('now', 'localtime') and compare it with the
 * day the code under test reads again from time(NULL): two reads of the
 * clock, which fell on two days when a test ran across local midnight
 * (forced with faketime from 23:58-23:59 at 300 times speed: 16 runs of
 * test_gauges in 120 failed, 73 of test_backup). In this zone the next midnight is
 * at least eleven hours away. Set once in a test's .init, never again
 * within it (set again past 00:00 UTC it would name another day); Criterion
 * runs each test in a process of its own, so the zone is that test's. */
#ifndef SPK_TEST_NOONZONE_H
#define SPK_TEST_NOONZONE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline void noon_zone(void)
{
    time_t now = time(NULL);
    struct tm tm;
    char tz[16];
    int ahead;

    cr_assert_not_null(gmtime_r(&now, &tm));
    /* hours east of UTC, -11 to +12: 12:00 to 12:59 there now */
    ahead = 12 - tm.tm_hour;
    /* POSIX counts the other way: "NOON-8" is eight hours east */
    snprintf(tz, sizeof tz, "NOON%+d", -ahead);
    cr_assert_eq(setenv("TZ", tz, 1), 0);
    tzset();
}

#endif
