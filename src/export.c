/* export: `spkiosk export`, the anonymous daily figures of this hall per
 * local date, procedure, channel and review-chain stage, for the street
 * office to load into PostgreSQL (issue #14 items 4 and 5). One SQL query
 * over the range, grouped by the local date SQLite works out with the same
 * time zone as the daemon's (date(x, 'localtime') and mktime agree), then
 * rows written one by one. Only anonymous columns are read, so the figures
 * are the same before and after retention erases a case's personal data.
 */
#include "export.h"

#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "stats.h"
#include "utf8.h"

/* The columns in the order of every row; the first five name the row, the
 * rest are counts (or an average of two counts). Columns are only ever
 * added at the end (docs/deployment.md, "Export"): the district loads them
 * by name and position. */
static const char *const export_columns[] = {
    "date", "hall", "procedure", "channel", "stage",
    "created", "submitted", "completed", "rejected", "abandoned",
    "ratings", "rating_sum", "rating_avg", "stages_done", "on_time", "late",
    /* 2026-12-07: the satisfaction figures (schema/043), as the statistics
     * page counts them, beside every rating above */
    "ratings_counted", "rating_counted_sum", "rating_counted_avg", "ratings_counted_good",
    "ratings_staff", "ratings_not_handed_in",
};

/* Where each column after the first five comes from: the query's count
 * `n` (index among its counts), or with `avg_of` >= 0 the average
 * n[avg_of] / n[n] (2 places; empty without any). */
static const struct {
    int n, avg_of;
} export_source[] = {
    {0, -1}, {1, -1}, {2, -1}, {3, -1}, {4, -1},
    {5, -1}, {6, -1}, {5, 6}, {7, -1}, {8, -1}, {9, -1},
    {10, -1}, {11, -1}, {10, 11}, {12, -1}, {13, -1}, {14, -1},
};
#define EXPORT_NCOUNTS 15
_Static_assert(sizeof export_source / sizeof export_source[0] + 5 ==
                   sizeof export_columns / sizeof export_columns[0],
               "a source for every count column");

/* ?1 the range's start, ?2 its end (UTC as stored, end excluded). Case rows
 * (stage NULL) count what happened to cases that day by the case's
 * procedure and channel; stage rows count the chain stages passed that day,
 * on time when the local date passed is no later than the stage's due date.
 * Hand-ins and abandonments are read from the events, which keep their
 * day (CROSS JOIN: driven by the range through case_events_at, never by
 * every abandoned case ever): a hand-in (submitted, or a home visit asked
 * for) counts on each day it was made (again after 补正, or for a new
 * day's ticket: the case's submitted_at holds only the last), and an abandoned case on the
 * day of its last abandoned or no_show event (the sweep dates it at the
 * last activity plus the idle time), not its updated_at, which a later
 * rating moves (a month-end review: past days changed under the district).
 * rejected counts both 不予受理 and 不予办理 (rejected_at). */
#define EXPORT_COUNTED "(r.staff IS NULL AND r.handed_in = 1)"
static const char sql_export[] =
    "WITH ev(day, p, ch, cr, su, co, re, ab, ra, sc, rc, rcs, rcg, rst, rnh) AS ("
    " SELECT date(created_at, 'localtime'), procedure_id, channel, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0"
    "  FROM cases WHERE created_at >= ?1 AND created_at < ?2"
    " UNION ALL SELECT date(e.at, 'localtime'), c.procedure_id, c.channel, 0, 1, 0, 0, 0, 0, 0,"
    "  0, 0, 0, 0, 0"
    "  FROM case_events e CROSS JOIN cases c ON c.id = e.case_id"
    "  WHERE e.what IN ('submitted', 'visit_requested') AND e.at >= ?1 AND e.at < ?2"
    " UNION ALL SELECT date(completed_at, 'localtime'), procedure_id, channel, 0, 0, 1, 0, 0, 0, 0,"
    "  0, 0, 0, 0, 0"
    "  FROM cases WHERE completed_at >= ?1 AND completed_at < ?2"
    " UNION ALL SELECT date(rejected_at, 'localtime'), procedure_id, channel, 0, 0, 0, 1, 0, 0, 0,"
    "  0, 0, 0, 0, 0"
    "  FROM cases WHERE rejected_at >= ?1 AND rejected_at < ?2"
    " UNION ALL SELECT date(e.at, 'localtime'), c.procedure_id, c.channel, 0, 0, 0, 0, 1, 0, 0,"
    "  0, 0, 0, 0, 0"
    "  FROM case_events e CROSS JOIN cases c ON c.id = e.case_id"
    "  WHERE e.what IN ('abandoned', 'no_show') AND e.at >= ?1 AND e.at < ?2"
    "  AND c.status = 'abandoned' AND NOT EXISTS (SELECT 1 FROM case_events l"
    "   WHERE l.case_id = e.case_id AND l.what IN ('abandoned', 'no_show') AND l.id > e.id)"
    /* a rating counted by 满意率 (a resident's on a case handed in), else
     * kept apart as a staff session's or, failing that, as one of a case
     * never handed in: the statistics' and the report's split (schema/043) */
    " UNION ALL SELECT date(r.at, 'localtime'), c.procedure_id, c.channel, 0, 0, 0, 0, 0, 1, r.score,"
    "  " EXPORT_COUNTED ", " EXPORT_COUNTED " * r.score, " EXPORT_COUNTED " * (r.score >= 3),"
    "  r.staff IS NOT NULL, r.staff IS NULL AND r.handed_in = 0"
    "  FROM ratings r JOIN cases c ON c.id = r.case_id WHERE r.at >= ?1 AND r.at < ?2)"
    " SELECT day, p, ch, NULL, sum(cr), sum(su), sum(co), sum(re), sum(ab), sum(ra), sum(sc),"
    "        0, 0, 0, sum(rc), sum(rcs), sum(rcg), sum(rst), sum(rnh)"
    "  FROM ev GROUP BY day, p, ch"
    " UNION ALL"
    " SELECT date(s.done_at, 'localtime'), c.procedure_id, c.channel, s.key,"
    "        0, 0, 0, 0, 0, 0, 0, count(*),"
    "        sum(s.due >= date(s.done_at, 'localtime')), sum(s.due < date(s.done_at, 'localtime')),"
    "        0, 0, 0, 0, 0"
    "  FROM case_stages s JOIN cases c ON c.id = s.case_id"
    "  WHERE s.done_at >= ?1 AND s.done_at < ?2"
    "  GROUP BY 1, 2, 3, 4"
    " ORDER BY 1, 2, 3, 4 NULLS FIRST";

int export_range_parse(const char *since, const char *until, int today, int *from, int *to,
                       char *err, size_t errlen)
{
    long days;

    if (!since || stats_date_parse(since, from) != 0) {
        snprintf(err, errlen, "--since takes a date YYYY-MM-DD (years %d to %d)", STATS_YEAR_MIN,
                 STATS_YEAR_MAX);
        return -1;
    }
    if (until) {
        if (stats_date_parse(until, to) != 0) {
            snprintf(err, errlen, "--until takes a date YYYY-MM-DD (years %d to %d)",
                     STATS_YEAR_MIN, STATS_YEAR_MAX);
            return -1;
        }
    } else {
        *to = today;
    }
    days = stats_range_days(*from, *to);
    if (days < 1) {
        snprintf(err, errlen, "--since %s is after %s", since, until ? "--until" : "today");
        return -1;
    }
    if (days > EXPORT_DAYS_MAX) {
        snprintf(err, errlen, "the range is %ld days; at most %d at once", days, EXPORT_DAYS_MAX);
        return -1;
    }
    return 0;
}

bool export_hall_valid(const char *s)
{
    /* a spreadsheet reads a cell starting = + - @ as a formula */
    return utf8_line_valid(s, EXPORT_HALL_MAX) && !strchr("=+-@ ", s[0]);
}

int export_csv_field(struct strbuf *sb, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    int rc = 0;

    if (quote)
        rc |= strbuf_putc(sb, '"');
    for (; *s; s++)
        rc |= *s == '"' ? strbuf_puts(sb, "\"\"") : strbuf_putc(sb, *s);
    if (quote)
        rc |= strbuf_putc(sb, '"');
    return rc ? -1 : 0;
}

#define EXPORT_NCOLS (sizeof export_columns / sizeof export_columns[0])

/* An average column's value into *avg: false when its count is 0 (an empty
 * field, or null). */
static bool export_avg(const long long n[EXPORT_NCOUNTS], size_t i, double *avg)
{
    long long count = n[export_source[i - 5].n];

    if (!count)
        return false;
    *avg = (double)n[export_source[i - 5].avg_of] / (double)count;
    return true;
}

/* One row as NDJSON: text columns as strings (stage null on a case row),
 * counts as numbers, an average rounded to 2 places or null. */
static int export_row_json(struct strbuf *sb, const char *const text[5],
                           const long long n[EXPORT_NCOUNTS])
{
    cJSON *o = cJSON_CreateObject();
    char *s = NULL;
    size_t i;
    int rc = -1;

    if (!o)
        return -1;
    for (i = 0; i < 5; i++)
        if (!(text[i] ? cJSON_AddStringToObject(o, export_columns[i], text[i])
                      : cJSON_AddNullToObject(o, export_columns[i])))
            goto out;
    for (i = 5; i < EXPORT_NCOLS; i++) {
        cJSON *v;
        double avg;
        if (export_source[i - 5].avg_of >= 0) {
            char num[32];
            bool some = export_avg(n, i, &avg);
            snprintf(num, sizeof num, "%.2f", some ? avg : 0.0);
            v = some ? cJSON_CreateRaw(num) : cJSON_CreateNull();
        } else {
            v = cJSON_CreateNumber((double)n[export_source[i - 5].n]);
        }
        if (!v || !cJSON_AddItemToObject(o, export_columns[i], v)) {
            cJSON_Delete(v);
            goto out;
        }
    }
    if (!(s = cJSON_PrintUnformatted(o)) || strbuf_puts(sb, s) != 0 || strbuf_putc(sb, '\n') != 0)
        goto out;
    rc = 0;
out:
    cJSON_free(s);
    cJSON_Delete(o);
    return rc;
}

/* One row as a CSV line: stage empty on a case row (NULL to PostgreSQL's
 * COPY), an average empty without its count. */
static int export_row_csv(struct strbuf *sb, const char *const text[5],
                          const long long n[EXPORT_NCOUNTS])
{
    size_t i;
    int rc = 0;

    for (i = 0; i < 5; i++) {
        if (i)
            rc |= strbuf_putc(sb, ',');
        if (text[i])
            rc |= export_csv_field(sb, text[i]);
    }
    for (i = 5; i < EXPORT_NCOLS; i++) {
        double avg;
        if (export_source[i - 5].avg_of >= 0)
            rc |= export_avg(n, i, &avg) ? strbuf_printf(sb, ",%.2f", avg) : strbuf_putc(sb, ',');
        else
            rc |= strbuf_printf(sb, ",%lld", n[export_source[i - 5].n]);
    }
    rc |= strbuf_puts(sb, "\r\n");
    return rc ? -1 : 0;
}

int export_write(struct db *db, int from, int to, const char *hall, enum export_format format,
                 FILE *out, char *err, size_t errlen)
{
    char start[32], end[32];
    struct strbuf sb = STRBUF_INIT;
    sqlite3_stmt *st;
    size_t i;
    int rc = -1, step, reading = 0;

    if (stats_day_start(from, 0, start) != 0 || stats_day_start(to, 1, end) != 0) {
        snprintf(err, errlen, "cannot work out the range's local midnights");
        return -1;
    }
    if (format == EXPORT_CSV) {
        for (i = 0; i < EXPORT_NCOLS; i++)
            if ((i && strbuf_putc(&sb, ',') != 0) || strbuf_puts(&sb, export_columns[i]) != 0)
                goto oom;
        if (strbuf_puts(&sb, "\r\n") != 0)
            goto oom;
    }
    if (db_read_begin(db) != 0) {
        snprintf(err, errlen, "cannot read the database: %s", sqlite3_errmsg(db_handle(db)));
        goto out;
    }
    reading = 1;
    if (!(st = db_stmt(db, sql_export)) ||
        (sqlite3_bind_text(st, 1, start, -1, SQLITE_STATIC) |
         sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC)) != SQLITE_OK) {
        snprintf(err, errlen, "cannot query the database: %s", sqlite3_errmsg(db_handle(db)));
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text[5];
        long long n[EXPORT_NCOUNTS];

        text[0] = (const char *)sqlite3_column_text(st, 0);
        text[1] = hall;
        for (i = 2; i < 5; i++)
            text[i] = (const char *)sqlite3_column_text(st, (int)i - 1);
        /* created..ratings, rating_sum, stages_done, on_time, late, then
         * the counted ratings, their sum, their 好评, the two kept apart */
        for (i = 0; i < EXPORT_NCOUNTS; i++)
            n[i] = sqlite3_column_int64(st, (int)i + 4);
        if (!text[0] || !text[2] || !text[3])
            continue;   /* a timestamp SQLite cannot read: no day to count it on */
        if ((format == EXPORT_CSV ? export_row_csv(&sb, text, n)
                                  : export_row_json(&sb, text, n)) != 0) {
            sqlite3_reset(st);
            goto oom;
        }
        /* written as it goes: a year of rows need not sit in memory */
        if (sb.len > 65536) {
            if (fwrite(sb.data, 1, sb.len, out) != sb.len) {
                sqlite3_reset(st);
                snprintf(err, errlen, "cannot write the export");
                goto out;
            }
            sb.len = 0;
            sb.data[0] = '\0';
        }
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "cannot read the database: %s", sqlite3_errmsg(db_handle(db)));
        goto out;
    }
    if ((sb.len && fwrite(sb.data, 1, sb.len, out) != sb.len) || fflush(out) != 0) {
        snprintf(err, errlen, "cannot write the export");
        goto out;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    if (reading && db_read_end(db) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot end the read: %s", sqlite3_errmsg(db_handle(db)));
        rc = -1;
    }
    strbuf_free(&sb);
    return rc;
}
