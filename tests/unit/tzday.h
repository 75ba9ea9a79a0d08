/* The hall's date moved by a day for the scheduling tests: TZ set to a zone
 * at one end of the offsets or the other. "<XXX>+12" is a complete POSIX
 * TZ: a quoted zone name (any three or more letters; XXX here) and its
 * offset west of UTC, so "+12" is UTC-12 and "-12" is UTC+12: always a
 * day apart. Criterion runs each test in a process of its own, so the zone
 * is that test's. */
#ifndef SPK_TEST_TZDAY_H
#define SPK_TEST_TZDAY_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"

#define TZ_DAY_BEHIND "<XXX>+12" /* UTC-12: the earlier of the two dates */
#define TZ_DAY_AHEAD "<XXX>-12"  /* UTC+12: the later */

/* Sets TZ to tz and answers the local date under it (clock_today). */
static inline int tz_today(const char *tz)
{
    cr_assert_eq(setenv("TZ", tz, 1), 0);
    tzset();
    return clock_today();
}

#endif
