/* Unit tests of the export's edges: RFC 4180 quoting of a CSV field, the
 * --since/--until range check, the --hall check. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "casedb.h"
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

/* ---- export_write over a scripted day ------------------------------------ */

/* The day is 2026-06-10 in UTC+8: 2026-06-09T16:00Z (included) to
 * 2026-06-10T16:00Z (excluded). Rows are written straight into the tables,
 * with things exactly on the bounds. */
static struct casedb xt;

static void xsetup(void)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    casedb_open(&xt);
}

static void xteardown(void)
{
    casedb_close(&xt);
}

/* A local time (UTC+8) in June 2026 as stored: UTC text. */
static const char *xlt(char out[32], int day, int h, int m)
{
    struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 5, .tm_mday = day, .tm_hour = h, .tm_min = m};

    clock_utc(timegm(&tm) - 8 * 3600, out);
    return out;
}

static void xcase(char id[CASE_ID_LEN + 1], int day, int h)
{
    char at[32];

    casedb_case_at(&xt, "simple", "kiosk", id);
    casedb_exec(&xt, "UPDATE cases SET created_at = '%s' WHERE id = '%s'", xlt(at, day, h, 0), id);
}

static void xev(const char *id, const char *what, int day, int h)
{
    char at[32];

    casedb_exec(&xt, "INSERT INTO case_events (case_id, at, what, channel) VALUES ('%s', '%s', '%s', 'kiosk')",
                id, xlt(at, day, h, 0), what);
}

static void xrating(const char *id, int score, int day, int h)
{
    char at[32];

    casedb_exec(&xt, "INSERT INTO ratings (case_id, score, comment, at) VALUES ('%s', %d, '', '%s')", id,
                score, xlt(at, day, h, 0));
}

/* a rating kept out of 满意率 (schema/043): a staff session's (staff not
 * NULL), else one of a case never handed in */
static void xrating_apart(const char *id, int score, int day, int h, const char *staff)
{
    char at[32];

    if (staff)
        casedb_exec(&xt, "INSERT INTO ratings (case_id, score, comment, at, staff) VALUES ('%s', %d, '', '%s', '%s')",
                    id, score, xlt(at, day, h, 0), staff);
    else
        casedb_exec(&xt, "INSERT INTO ratings (case_id, score, comment, at, handed_in) VALUES ('%s', %d, '', '%s', 0)",
                    id, score, xlt(at, day, h, 0));
}

static char *xexport(enum export_format format)
{
    char *buf = NULL, err[200] = "";
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cr_assert_not_null(f);
    cr_assert_eq(export_write(xt.db, 20260610, 20260610, "H", format, f, err, sizeof err), 0, "%s", err);
    cr_assert_eq(fclose(f), 0);
    return buf;
}

static void xscript(void)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], c[CASE_ID_LEN + 1], d[CASE_ID_LEN + 1],
        e[CASE_ID_LEN + 1], f[CASE_ID_LEN + 1], g[CASE_ID_LEN + 1], at[32], end[32];

    /* a: made and rated at the first second of the day (the start is in),
     * never handed in: kept out of 满意率 */
    xcase(a, 10, 0);
    xrating_apart(a, 1, 10, 0, NULL);
    /* b: a home visit asked for is a hand-in; its stage done on its due
     * date is on time */
    xcase(b, 10, 10);
    xev(b, "visit_requested", 10, 10);
    xrating_apart(b, 1, 10, 11, "alice");       /* from alice's browser: kept out */
    casedb_exec(&xt, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due, done_at,"
                     " done_by) VALUES ('%s', 0, 's0', '审核', 'window', 1, '2026-06-09', '2026-06-10', '%s',"
                     " 'alice')", b, xlt(at, 10, 14, 0));
    /* c: handed in, rated 2: three ratings 1, 1, 2 average 1.33, of which
     * 满意率 counts this 2 alone */
    xcase(c, 10, 11);
    xev(c, "submitted", 10, 11);
    xrating(c, 2, 10, 12);
    /* d: made before the day, completed and rejected at the end's very
     * second, which is the next day's */
    xcase(d, 1, 9);
    xlt(end, 11, 0, 0);
    casedb_exec(&xt, "UPDATE cases SET completed_at = '%s', rejected_at = '%s' WHERE id = '%s'", end, end, d);
    /* e: abandoned the day before, taken up, then a no-show today: counted
     * once, on the day of its last such event */
    xcase(e, 1, 9);
    xev(e, "abandoned", 9, 9);
    xev(e, "no_show", 10, 9);
    casedb_exec(&xt, "UPDATE cases SET status = 'abandoned' WHERE id = '%s'", e);
    /* f: abandoned today but open again since: not abandoned */
    xcase(f, 1, 9);
    xev(f, "abandoned", 10, 9);
    /* g: a stamp inside the range SQLite cannot read: no day, no row */
    xcase(g, 1, 9);
    casedb_exec(&xt, "UPDATE cases SET created_at = '2026-06-10T0x' WHERE id = '%s'", g);
}

/* The CSV of the day xscript makes: what lands just outside its bounds
 * must leave it as it is. */
static const char xscript_csv[] =
    "date,hall,procedure,channel,stage,created,submitted,completed,rejected,abandoned,"
    "ratings,rating_sum,rating_avg,stages_done,on_time,late,ratings_counted,rating_counted_sum,"
    "rating_counted_avg,ratings_counted_good,ratings_staff,ratings_not_handed_in\r\n"
    "2026-06-10,H,simple,kiosk,,3,2,0,0,1,3,4,1.33,0,0,0,1,2,2.00,0,1,1\r\n"
    "2026-06-10,H,simple,kiosk,s0,0,0,0,0,0,0,0,,1,1,0,0,0,,0,0,0\r\n";

Test(export, write_counts_the_day_by_its_bounds, .init = xsetup, .fini = xteardown)
{
    char *csv_out, *json_out;

    xscript();
    csv_out = xexport(EXPORT_CSV);
    cr_expect_str_eq(csv_out, xscript_csv);
    json_out = xexport(EXPORT_NDJSON);
    cr_expect_str_eq(json_out,
                     "{\"date\":\"2026-06-10\",\"hall\":\"H\",\"procedure\":\"simple\",\"channel\":\"kiosk\","
                     "\"stage\":null,\"created\":3,\"submitted\":2,\"completed\":0,\"rejected\":0,"
                     "\"abandoned\":1,\"ratings\":3,\"rating_sum\":4,\"rating_avg\":1.33,\"stages_done\":0,"
                     "\"on_time\":0,\"late\":0,\"ratings_counted\":1,\"rating_counted_sum\":2,"
                     "\"rating_counted_avg\":2.00,\"ratings_counted_good\":0,\"ratings_staff\":1,"
                     "\"ratings_not_handed_in\":1}\n"
                     "{\"date\":\"2026-06-10\",\"hall\":\"H\",\"procedure\":\"simple\",\"channel\":\"kiosk\","
                     "\"stage\":\"s0\",\"created\":0,\"submitted\":0,\"completed\":0,\"rejected\":0,"
                     "\"abandoned\":0,\"ratings\":0,\"rating_sum\":0,\"rating_avg\":null,\"stages_done\":1,"
                     "\"on_time\":1,\"late\":0,\"ratings_counted\":0,\"rating_counted_sum\":0,"
                     "\"rating_counted_avg\":null,\"ratings_counted_good\":0,\"ratings_staff\":0,"
                     "\"ratings_not_handed_in\":0}\n");
    free(csv_out);
    free(json_out);
}

/* Whatever happens at the end's very second (the next day's local
 * midnight) is the next day's: a case made, handed in, abandoned, rated
 * and a stage passed then add nothing to the day. */
Test(export, write_leaves_the_ends_second_to_the_next_day, .init = xsetup, .fini = xteardown)
{
    char h[CASE_ID_LEN + 1], at[32], *csv_out;

    xscript();
    xcase(h, 11, 0);
    xev(h, "submitted", 11, 0);
    xev(h, "abandoned", 11, 0);
    casedb_exec(&xt, "UPDATE cases SET status = 'abandoned' WHERE id = '%s'", h);
    xrating(h, 5, 11, 0);
    casedb_exec(&xt, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due, done_at,"
                     " done_by) VALUES ('%s', 0, 's1', '审核', 'window', 1, '2026-06-10', '2026-06-11', '%s',"
                     " 'alice')", h, xlt(at, 11, 0, 0));
    csv_out = xexport(EXPORT_CSV);
    cr_expect_str_eq(csv_out, xscript_csv);
    free(csv_out);
}

/* Whatever happens at the start's very second (the day's local midnight)
 * is the day's: a hand-in, a completion, a rejection, an abandonment and a
 * stage passed then all count. */
Test(export, write_counts_the_starts_second_on_the_day, .init = xsetup, .fini = xteardown)
{
    char i[CASE_ID_LEN + 1], at[32], *csv_out;

    xcase(i, 1, 9);
    xev(i, "submitted", 10, 0);
    xev(i, "abandoned", 10, 0);
    casedb_exec(&xt, "UPDATE cases SET status = 'abandoned', completed_at = '%s', rejected_at = '%s'"
                     " WHERE id = '%s'", xlt(at, 10, 0, 0), at, i);
    casedb_exec(&xt, "INSERT INTO case_stages (case_id, idx, key, label, post, days, begun_on, due, done_at,"
                     " done_by) VALUES ('%s', 0, 's0', '审核', 'window', 1, '2026-06-09', '2026-06-10', '%s',"
                     " 'alice')", i, at);
    csv_out = xexport(EXPORT_CSV);
    cr_expect_str_eq(csv_out,
                     "date,hall,procedure,channel,stage,created,submitted,completed,rejected,abandoned,"
                     "ratings,rating_sum,rating_avg,stages_done,on_time,late,ratings_counted,"
                     "rating_counted_sum,rating_counted_avg,ratings_counted_good,ratings_staff,"
                     "ratings_not_handed_in\r\n"
                     "2026-06-10,H,simple,kiosk,,0,1,1,1,1,0,0,,0,0,0,0,0,,0,0,0\r\n"
                     "2026-06-10,H,simple,kiosk,s0,0,0,0,0,0,0,0,,1,1,0,0,0,,0,0,0\r\n");
    free(csv_out);
}
