/* api_metrics: the scrape. Counters come from metrics.c (atomics), the
 * database's figures from gauges.c on the worker's own connection, file
 * sizes from stat(2): nothing here is cached, and nothing waits on a
 * writer (a read transaction in WAL mode). */
#include "api_metrics.h"

#include <stdio.h>
#include <sys/stat.h>

#include "conns.h"
#include "db.h"
#include "gauges.h"
#include "metrics.h"
#include "reply.h"
#include "strbuf.h"

static const char *api_metrics_db;

void api_metrics_setup(const char *db_path)
{
    api_metrics_db = db_path;
}

/* The size of path in bytes; 0 when it does not exist (no WAL yet). */
static double api_metrics_file_size(const char *path, const char *suffix)
{
    char p[4096];
    struct stat st;
    int n = snprintf(p, sizeof p, "%s%s", path ? path : "", suffix);

    if (!path || n < 0 || (size_t)n >= sizeof p || stat(p, &st) != 0)
        return 0;
    return (double)st.st_size;
}

static int api_metrics_gauges(struct strbuf *sb)
{
    struct db *db = db_thread();
    struct gauges g;
    char labels[64];
    size_t i;
    bool up = db && gauges_read(db, time(NULL), &g) == 0;

    if (metrics_family(sb, "spkiosk_database_up", "gauge",
                       "1 when the database could be read for this scrape") != 0 ||
        metrics_sample(sb, "spkiosk_database_up", NULL, up ? 1 : 0) != 0)
        return -1;
    if (up) {
        if (metrics_family(sb, "spkiosk_cases", "gauge", "Cases by status, now") != 0)
            return -1;
        for (i = 0; i < GAUGES_STATUSES; i++) {
            /* the names are the schema's lower-case words: nothing to escape */
            snprintf(labels, sizeof labels, "status=\"%s\"", gauges_status_names[i]);
            if (metrics_sample(sb, "spkiosk_cases", labels, (double)g.by_status[i]) != 0)
                return -1;
        }
        /* one sample each, in this order: a name written once, not twice */
        const struct {
            const char *name, *type, *help;
            double value;
        } one[] = {
            {"spkiosk_queue_waiting", "gauge", "Cases handed in to the queue and not called yet, now",
             (double)g.waiting},
            {"spkiosk_cases_overdue", "gauge",
             "Accepted cases whose current stage was due before today, now", (double)g.overdue},
            {"spkiosk_notifications_pending", "gauge",
             "Notifications to residents neither sent nor marked done, now", (double)g.notifications},
            {"spkiosk_files_with_errors", "gauge",
             "Procedure library files the last load found errors in, now", (double)g.files_with_errors},
            {"spkiosk_clock_behind_seconds", "gauge",
             "How far this machine's clock is behind the newest case event stored, 0 when not",
             (double)g.clock_behind},
            {"spkiosk_backup_last_success_timestamp_seconds", "gauge",
             "When spkiosk backup last made a good copy of this database, in seconds since the epoch; "
             "0 when none is recorded",
             (double)g.backup_ok_at},
            {"spkiosk_backup_last_success_bytes", "gauge", "Size of that copy; 0 when none is recorded",
             (double)g.backup_ok_bytes},
            {"spkiosk_backup_last_failure_timestamp_seconds", "gauge",
             "When spkiosk backup last failed on this database, in seconds since the epoch; 0 when no "
             "failure is recorded",
             (double)g.backup_failed_at},
            {"spkiosk_backup_failures_total", "counter",
             "Failed runs of spkiosk backup recorded in this database", (double)g.backup_failures},
        };

        for (i = 0; i < sizeof one / sizeof one[0]; i++)
            if (metrics_family(sb, one[i].name, one[i].type, one[i].help) != 0 ||
                metrics_sample(sb, one[i].name, NULL, one[i].value) != 0)
                return -1;
    }
    if (metrics_family(sb, "spkiosk_database_bytes", "gauge", "Size of the SQLite database file") != 0 ||
        metrics_sample(sb, "spkiosk_database_bytes", NULL,
                       api_metrics_file_size(api_metrics_db, "")) != 0 ||
        metrics_family(sb, "spkiosk_database_wal_bytes", "gauge", "Size of its WAL file") != 0 ||
        metrics_sample(sb, "spkiosk_database_wal_bytes", NULL,
                       api_metrics_file_size(api_metrics_db, "-wal")) != 0)
        return -1;
    return 0;
}

enum MHD_Result api_metrics(struct http_request *req)
{
    struct strbuf sb = STRBUF_INIT;
    enum MHD_Result res;

    if (metrics_render(&sb) != 0 || api_metrics_gauges(&sb) != 0 ||
        metrics_family(&sb, "spkiosk_http_connections_open", "gauge",
                       "Open HTTP connections (idle kept-alive ones included)") != 0 ||
        metrics_sample(&sb, "spkiosk_http_connections_open", NULL, (double)conns_open_count()) != 0 ||
        metrics_family(&sb, "spkiosk_http_requests_in_flight", "gauge",
                       "Requests being answered or held (long polls), this one included") != 0 ||
        metrics_sample(&sb, "spkiosk_http_requests_in_flight", NULL,
                       (double)http_inflight_count()) != 0) {
        strbuf_free(&sb);
        return reply_internal(req);
    }
    res = http_reply(req, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", sb.data, sb.len);
    strbuf_free(&sb);
    return res;
}
