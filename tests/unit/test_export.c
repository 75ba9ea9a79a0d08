/* Unit tests of the export's edges: RFC 4180 quoting of a CSV field, the
 * --since/--until range check, the --hall check. */
#include <criterion/criterion.h>
#include <string.h>

#include "export.h"

static char *csv(const char *s)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(export_csv_field(&sb, s), 0);
    return strbuf_take(&sb);
}

Test(export, csv_field_quotes_only_when_needed)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\"", "\"\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\r", "\"cr\r\""},
        {"东湖社区", "东湖社区"},
        {" lead space", " lead space"},
        {"=1+1", "=1+1"},   /* data, not a spreadsheet: no ' prefix */
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = csv(cases[i].in);
        cr_expect_str_eq(got, cases[i].out, "%s", cases[i].in);
        free(got);
    }
}

static int range(const char *since, const char *until, int *from, int *to)
{
    char err[200] = "";
    int rc = export_range_parse(since, until, 20261202, from, to, err, sizeof err);

    cr_assert(rc == 0 || err[0], "a refusal says why");
    return rc;
}

Test(export, range_accepts_real_dates_both_ends_included)
{
    int from, to;

    cr_assert_eq(range("2026-12-02", NULL, &from, &to), 0);
    cr_expect_eq(from, 20261202);
    cr_expect_eq(to, 20261202, "until defaults to today");
    cr_assert_eq(range("2024-02-29", "2024-03-01", &from, &to), 0);
    cr_expect_eq(from, 20240229);
    cr_expect_eq(to, 20240301);
    /* 366 days, both ends included, is the most */
    cr_expect_eq(range("2024-01-01", "2024-12-31", &from, &to), 0);
    cr_expect_eq(range("2025-01-01", "2026-01-01", &from, &to), 0);
    cr_expect_eq(range("2025-01-01", "2026-01-02", &from, &to), -1);
    cr_expect_eq(range("2024-01-01", "2025-01-01", &from, &to), -1);
}

Test(export, range_refuses_bad_dates_and_reversed_ranges)
{
    static const char *const bad[] = {
        "2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "20260101", "2026-01-01x",
        " 2026-01-01", "1999-12-31", "3000-01-01", "", "2026/01/01",
    };
    int from, to;
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(range(bad[i], "2026-12-01", &from, &to), -1, "since %s", bad[i]);
        cr_expect_eq(range("2026-01-01", bad[i], &from, &to), -1, "until %s", bad[i]);
    }
    cr_expect_eq(range(NULL, NULL, &from, &to), -1);
    cr_expect_eq(range("2026-01-02", "2026-01-01", &from, &to), -1);
    cr_expect_eq(range("2026-12-03", NULL, &from, &to), -1, "after today without --until");
}

Test(export, hall_names)
{
    char longest[EXPORT_HALL_MAX + 2];

    cr_expect(export_hall_valid("东湖社区服务大厅"));
    cr_expect(export_hall_valid("hall-3.example.org"));
    cr_expect(export_hall_valid("a, \"b\""), "quoting handles these");
    memset(longest, 'a', sizeof longest);
    longest[EXPORT_HALL_MAX] = '\0';
    cr_expect(export_hall_valid(longest));
    longest[EXPORT_HALL_MAX] = 'a';
    longest[EXPORT_HALL_MAX + 1] = '\0';
    cr_expect_not(export_hall_valid(longest));
    cr_expect_not(export_hall_valid(NULL));
    cr_expect_not(export_hall_valid(""));
    cr_expect_not(export_hall_valid("=HYPERLINK()"));
    cr_expect_not(export_hall_valid("+1"));
    cr_expect_not(export_hall_valid("-1"));
    cr_expect_not(export_hall_valid("@x"));
    cr_expect_not(export_hall_valid(" x"));
    cr_expect_not(export_hall_valid("a\tb"));
    cr_expect_not(export_hall_valid("a\x7f"));
    cr_expect_not(export_hall_valid("\xe4\xb8"), "cut UTF-8");
}
