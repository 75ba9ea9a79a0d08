/* libFuzzer harness: a _calendar.md through workdays_parse, and when it
 * reads well, the working-day arithmetic (due dates, days between) over
 * the calendar with dates and counts taken from the input's first bytes,
 * as the relay and the statistics use it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "workdays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list d = DIAG_LIST_INIT;
    struct workdays *cal = NULL;
    char *text = malloc(size ? size : 1);
    int start = 20260101, n = 0, b;

    if (!text)
        return 0;
    memcpy(text, data, size);
    if (size >= 4) {
        start = (1990 + data[0] % 80) * 10000 + (data[1] % 12 + 1) * 100 + data[1] / 12 % 28 + 1;
        n = (int)(int8_t)data[2] * 4 + (data[3] & 3);
    }
    if (workdays_parse("_calendar.md", text, size, &cal, &d) == 0) {
        int due = workdays_due(cal, start, n);
        /* due is a working day, n of them after start, whenever it exists */
        if (due && n >= 0 && (!workdays_is_working(cal, due) ||
                              (n > 0 && workdays_between(cal, start, due) != n)))
            abort();
        b = workdays_next_day(start);
        (void)workdays_between(cal, b, start);
        (void)workdays_weekday(start);
    }
    workdays_free(cal);
    diag_list_free(&d);
    free(text);
    return 0;
}
