/* export: `spkiosk export`, the anonymous daily figures of this hall per
 * local date, procedure, channel and review-chain stage, for the street
 * office to load into PostgreSQL (issue #14 items 4 and 5). One SQL query
 * over the range, grouped by the local date SQLite works out with the same
 * time zone as the daemon's (date(x, 'localtime') and mktime agree), then
 * rows written one by one. Only anonymous columns are read, so the figures
 * are the same before and after retention erases a case's personal data.
 */
#include "export.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "stats.h"
#include "utf8.h"

/* The columns in the order of every row; the first five name the row. */
static const char *const export_columns[] = {
    "date", "hall", "procedure", "channel", "stage",
    "created", "submitted", "completed", "rejected", "abandoned",
    "ratings", "rating_sum", "rating_avg", "stages_done", "on_time", "late",
};

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
static const char sql_export[] =
    "WITH ev(day, p, ch, cr, su, co, re, ab, ra, sc) AS ("
    " SELECT date(created_at, 'localtime'), procedure_id, channel, 1, 0, 0, 0, 0, 0, 0"
    "  FROM cases WHERE created_at >= ?1 AND created_at < ?2"
    " UNION ALL SELECT date(e.at, 'localtime'), c.procedure_id, c.channel, 0, 1, 0, 0, 0, 0, 0"
    "  FROM case_events e CROSS JOIN cases c ON c.id = e.case_id"
    "  WHERE e.what IN ('submitted', 'visit_requested') AND e.at >= ?1 AND e.at < ?2"
    " UNION ALL SELECT date(completed_at, 'localtime'), procedure_id, channel, 0, 0, 1, 0, 0, 0, 0"
    "  FROM cases WHERE completed_at >= ?1 AND completed_at < ?2"
    " UNION ALL SELECT date(rejected_at, 'localtime'), procedure_id, channel, 0, 0, 0, 1, 0, 0, 0"
    "  FROM cases WHERE rejected_at >= ?1 AND rejected_at < ?2"
    " UNION ALL SELECT date(e.at, 'localtime'), c.procedure_id, c.channel, 0, 0, 0, 0, 1, 0, 0"
    "  FROM case_events e CROSS JOIN cases c ON c.id = e.case_id"
    "  WHERE e.what IN ('abandoned', 'no_show') AND e.at >= ?1 AND e.at < ?2"
    "  AND c.status = 'abandoned' AND NOT EXISTS (SELECT 1 FROM case_events l"
    "   WHERE l.case_id = e.case_id AND l.what IN ('abandoned', 'no_show') AND l.id > e.id)"
    " UNION ALL SELECT date(r.at, 'localtime'), c.procedure_id, c.channel, 0, 0, 0, 0, 0, 1, r.score"
    "  FROM ratings r JOIN cases c ON c.id = r.case_id WHERE r.at >= ?1 AND r.at < ?2)"
    " SELECT day, p, ch, NULL, sum(cr), sum(su), sum(co), sum(re), sum(ab), sum(ra), sum(sc),"
    "        0, 0, 0"
    "  FROM ev GROUP BY day, p, ch"
    " UNION ALL"
    " SELECT date(s.done_at, 'localtime'), c.procedure_id, c.channel, s.key,"
    "        0, 0, 0, 0, 0, 0, 0, count(*),"
    "        sum(s.due >= date(s.done_at, 'localtime')), sum(s.due < date(s.done_at, 'localtime'))"
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
#define EXPORT_COL_AVG 12       /* rating_avg: worked out, not a count of the query */

/* Column i's count among the query's 10 (created .. late, rating_avg not
 * one of them). */
static long long export_count(const long long n[10], size_t i)
{
    return n[i - 5 - (i > EXPORT_COL_AVG)];
}

/* One row as NDJSON: text columns as strings (stage null on a case row),
 * counts as numbers, rating_avg rounded to 2 places or null. */
static int export_row_json(struct strbuf *sb, const char *const text[5], const long long n[10],
                           double avg)
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
        if (i == EXPORT_COL_AVG) {
            char num[32];
            snprintf(num, sizeof num, "%.2f", avg);
            v = n[5] ? cJSON_CreateRaw(num) : cJSON_CreateNull();
        } else {
            v = cJSON_CreateNumber((double)export_count(n, i));
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
 * COPY), rating_avg empty without ratings. */
static int export_row_csv(struct strbuf *sb, const char *const text[5], const long long n[10],
                          double avg)
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
        if (i == EXPORT_COL_AVG)
            rc |= n[5] ? strbuf_printf(sb, ",%.2f", avg) : strbuf_putc(sb, ',');
        else
            rc |= strbuf_printf(sb, ",%lld", export_count(n, i));
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
        long long n[10];
        double avg;

        text[0] = (const char *)sqlite3_column_text(st, 0);
        text[1] = hall;
        for (i = 2; i < 5; i++)
            text[i] = (const char *)sqlite3_column_text(st, (int)i - 1);
        /* created..ratings, rating_sum, stages_done, on_time, late */
        for (i = 0; i < 10; i++)
            n[i] = sqlite3_column_int64(st, (int)i + 4);
        if (!text[0] || !text[2] || !text[3])
            continue;   /* a timestamp SQLite cannot read: no day to count it on */
        avg = n[5] ? (double)n[6] / (double)n[5] : 0;
        if ((format == EXPORT_CSV ? export_row_csv(&sb, text, n, avg)
                                  : export_row_json(&sb, text, n, avg)) != 0) {
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
