/* server: start-up, the signal loop and shutdown of the daemon.
 *
 * Threads: the main thread loads procedures, waits for signals and for
 * file changes (inotify, see watch.c) and loads again after them; the
 * HTTP worker threads (libmicrohttpd's pool) answer requests, each with its
 * own SQLite connection (and load after an admin's save: loads take turns,
 * see loader.c). Signals are blocked in every thread and read from
 * a signalfd here, so no handler runs in the middle of a request.
 * Under systemd (Type=notify) the main thread also says READY=1 once it
 * listens, WATCHDOG=1 from this loop (so a loop stuck in a load or a sweep
 * is restarted) and STOPPING=1 when it stops (sdnotify.c).
 */
#include "server.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "api_admin.h"
#include "api_display.h"
#include "api_rate.h"
#include "assets.h"
#include "accounts.h"
#include "api_auth.h"
#include "print.h"
#include "relay.h"
#include "report.h"
#include "catalog.h"
#include "sdnotify.h"
#include "clock.h"
#include "db.h"
#include "gauges.h"
#include "http.h"
#include "hall.h"
#include "hosts.h"
#include "loader.h"
#include "logline.h"
#include "metrics.h"
#include "api_metrics.h"
#include "models.h"
#include "sessions.h"
#include "notify.h"
#include "sweep.h"
#include "watch.h"

/* How long file events must be quiet before a load, and the longest a
 * stream of them may put it off. */
#define SERVER_SETTLE_MS 200
#define SERVER_SETTLE_MAX_MS 2000
/* The wake after local midnight: a second late, so that the load surely
 * reads the new date. */
#define SERVER_MIDNIGHT_SLACK_MS 1000
/* How soon a load that could not store the files (a full disk) is tried
 * again: once space is back the edits go live by themselves, as /healthz
 * promises. Each failed try doubles the wait up to the most, so that a
 * disk full all night does not fill the journal with the tries. */
#define SERVER_RETRY_LOAD_MS 10000
#define SERVER_RETRY_LOAD_MAX_MS 300000

/* Whether the first admin's password goes to standard error as well as to
 * standard output: a test harness or a supervisor that reads only the
 * daemon's standard error (where the port line is) never saw it (three
 * reviews writing tests from the contract alone). Only to a pipe, a socket
 * or a terminal that is not standard output's: never into --log-file or a
 * file stderr was redirected to (a password kept on disk), never twice
 * into one terminal, nor twice into the journal (systemd names its stream
 * in JOURNAL_STREAM, "DEVICE:INODE"). */
static bool server_password_on_stderr(const struct server_options *o)
{
    struct stat e, out;

    if (o->log_file || fstat(STDERR_FILENO, &e) != 0 ||
        (!S_ISFIFO(e.st_mode) && !S_ISSOCK(e.st_mode) && !S_ISCHR(e.st_mode)))
        return false;
    if (sdnotify_is_journal(STDERR_FILENO))
        return false;
    return fstat(STDOUT_FILENO, &out) != 0 || out.st_dev != e.st_dev || out.st_ino != e.st_ino;
}

static long server_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void server_options_default(struct server_options *o)
{
    o->listen = "127.0.0.1:8080";
    o->db_path = "./var/spkiosk.db";
    o->procedures = "./procedures";
    o->web_dir = NULL;
    o->threads = 4;
    o->session_idle = SESSIONS_IDLE_SECONDS;
    o->retention_days = SWEEP_RETENTION_DEFAULT;
    o->secure_cookies = 0;
    o->public_url = NULL;
    o->notify_command = NULL;
    o->notify_completed = 0;
    o->hall_name = NULL;
    o->hall_contact[0] = o->hall_contact[1] = o->hall_contact[2] = NULL;
    o->tls_cert = NULL;
    o->tls_key = NULL;
    o->redirect_http = NULL;
    quota_limits_default(&o->quota);
    conns_limits_default(&o->limits);
    o->n_hosts = 0;
    /* config_apply starts from here each time: the set is added to */
    memset(&o->trusted, 0, sizeof o->trusted);
    o->log_file = NULL;
    o->n_metrics_allow = 0;
}

/* The ended days' overdue figures for the day's report (report.c), at
 * start and after midnight: a failure is said once and tried again at the
 * loop's next turn (a minute at most, the sweep). */
static void server_days_close(struct db *db, int *closed, bool *logged)
{
    int today = clock_today(), n = 0, r;
    struct catalog *c;

    if (!today || today == *closed)
        return;
    /* the calendar counts a corrected case's resumed dates; none loaded
     * (a start whose load failed): weekends alone, as a case view counts */
    c = catalog_acquire();
    r = report_days_close(db, today, c ? catalog_calendar(c) : NULL, &n);
    if (c)
        catalog_release(c);
    if (r == 0) {
        *closed = today;
        *logged = false;
        return;
    }
    /* the database's own error is logged where it happened (db.c) */
    if (!*logged)
        fprintf(stderr, "spkiosk: cannot fix the overdue figure of the days that ended for the "
                        "day's report (will keep trying)\n");
    *logged = true;
}

/* A certificate's or key's PEM file, whole, NUL-terminated, in *out
 * (caller frees). Bounded: a certificate chain is a few KiB. 0, or -1 with
 * a message on stderr. */
#define SERVER_PEM_MAX (64 << 10)
/* After each load: dates counted into a year the calendar lacked are
 * counted again once it has it (relay_recount), at the process's first load
 * and whenever the years the calendar has around today or the date
 * changed since the last pass. A move racing a load may store a gap under
 * the old calendar; the next day's load passes again. Runs under the
 * loader's lock: the state is its. */
static void server_recount(struct db *db, const struct catalog *snap, int today)
{
    static int last_years = -1, last_day;
    const struct workdays *cal = catalog_calendar(snap);
    int years = 0, k, moved = 0;

    for (k = 0; k < 5; k++)
        years |= workdays_has_year(cal, today / 10000 - 1 + k) << k;
    if (!cal)
        years = -2;     /* none: the pass has nothing to do, but one may come */
    if (years == last_years && today == last_day)
        return;
    if (relay_recount(db, cal, today, &moved) != 0) {
        fprintf(stderr, "spkiosk: cannot count again the due dates the calendar's new year moves; "
                        "the next load tries again\n");
        return;
    }
    if (moved)
        fprintf(stderr, "spkiosk: the calendar now has the holidays of a year due dates were counted "
                        "without: %d cases' committed dates moved on (each case's history says so)\n",
                moved);
    last_years = years;
    last_day = today;
}

/* A clock set back by less than this (an NTP step, a second process's
 * write a moment ago) is no sign of a wrong clock */
#define SERVER_CLOCK_SLACK_S 60

/* Says at start when this machine's clock cannot be right: before
 * CLOCK_FLOOR, or behind the newest case event stored. Tickets, due dates,
 * sessions and backups follow it, and a hall without internet has no time
 * server to put it right. A warning only: the kiosk goes on serving, and
 * /metrics has spkiosk_clock_behind_seconds for an alert. */
static void server_clock_warn(struct db *db)
{
    time_t now = time(NULL);
    char at[CLOCK_UTC_LEN];
    struct gauges g;
    const char *fix = "tickets, due dates, sessions and backups follow this clock; set it right "
                      "(`timedatectl set-ntp true` with the hall's time server, or `timedatectl "
                      "set-time`) and restart (docs/deployment.md, \"The clock\")";

    clock_utc(now, at);
    if (now < CLOCK_FLOOR)
        fprintf(stderr, "spkiosk: warning: this machine's clock says %s, before this version was "
                "made: %s\n", at, fix);
    else if (gauges_read_clock(db, now, &g) == 0 && g.clock_behind > SERVER_CLOCK_SLACK_S)
        /* or the record is the wrong one: a clock that ran ahead, put right
         * since, wrote it; nothing tells the two apart, so both are said */
        fprintf(stderr, "spkiosk: warning: this machine's clock says %s, behind the newest record "
                "in the database (%s): %s; if this clock is right, a clock running ahead wrote "
                "that record, and this warning ends once the clock passes it\n",
                at, g.newest_event, fix);
}

static int server_read_pem(const char *what, const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    int rc = -1;

    *out = NULL;
    if (!f) {
        fprintf(stderr, "spkiosk: cannot read the TLS %s %s: %s\n", what, path, strerror(errno));
        return -1;
    }
    if (!(buf = malloc(SERVER_PEM_MAX + 1)))
        goto out;
    n = fread(buf, 1, SERVER_PEM_MAX + 1, f);
    if (ferror(f) || n == 0 || n > SERVER_PEM_MAX || !memmem(buf, n, "-----BEGIN ", 11)) {
        fprintf(stderr, "spkiosk: the TLS %s %s is not a PEM file of at most %d bytes\n", what, path,
                SERVER_PEM_MAX);
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    fclose(f);
    return rc;
}


int server_run(const struct server_options *o)
{
    struct http_server_config cfg;
    struct MHD_Daemon *d = NULL, *redirect = NULL;
    char *tls_cert = NULL, *tls_key = NULL;
    struct db *db = NULL;
    struct signalfd_siginfo si;
    sigset_t set;
    unsigned port = 0;
    char err[512];
    int schema_was = -1, schema_now = -1;
    int sfd = -1, rc = -1, lockfd = -1;
    struct watch *w = NULL;
    long reload_due = 0, settle_first = 0, retry_due = 0, retry_wait = SERVER_RETRY_LOAD_MS;
    struct sweep_timer sweep = SWEEP_TIMER_INIT;
    struct hold *calls_hold = NULL, *rate_hold = NULL, *holds[2];
    long watchdog_ms = sdnotify_watchdog_ms(), watchdog_due = 0;
    int day, closed = 0;
    bool close_logged = false;
    enum hall_contact_key k;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    /* before any thread starts, so that all of them inherit the mask */
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 || (sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
        fprintf(stderr, "spkiosk: cannot set up signals: %s\n", strerror(errno));
        goto out;
    }
    /* first, so that every line after this one lands in it */
    if (o->log_file && logline_file_open(o->log_file) != 0) {
        fprintf(stderr, "spkiosk: cannot open the log file %s: %s\n", o->log_file, strerror(errno));
        goto out;
    }
    /* which build serves, in the journal of every start (an IT officer's
     * review found no word of it after an upgrade) */
    if (o->build)
        fprintf(stderr, "spkiosk: spkiosk %s starting\n", o->build);
    if (metrics_allow_set(o->metrics_allow, o->n_metrics_allow) != 0) {
        fprintf(stderr, "spkiosk: --metrics-allow takes an address or ADDRESS/BITS, up to %d\n",
                METRICS_ALLOW_MAX);
        goto out;
    }
    api_metrics_setup(o->db_path);
    signal(SIGPIPE, SIG_IGN);
    /* a file size limit (ulimit -f) is then an EFBIG that SQLite reports
     * as a storage error (503, logged), not a daemon killed mid-write */
    signal(SIGXFSZ, SIG_IGN);
    if (db_dir_ensure(o->db_path) != 0)
        goto out;
    /* before migrating: a second daemon on this database stops here */
    if ((lockfd = db_lock_take(o->db_path, err, sizeof err)) < 0) {
        fprintf(stderr, "spkiosk: %s\n", err);
        goto out;
    }
    if (db_open(o->db_path, &db, err, sizeof err) != 0 ||
        (db_schema_version(db, &schema_was) != 0 && snprintf(err, sizeof err, "cannot read its schema") > 0) ||
        db_migrate(db, err, sizeof err) != 0 ||
        (db_schema_version(db, &schema_now) != 0 && snprintf(err, sizeof err, "cannot read its schema") > 0)) {
        fprintf(stderr, "spkiosk: database: %s\n", err);
        goto out;
    }
    /* the journal of an upgrade says what it did (an IT officer's review) */
    if (schema_was == 0)
        fprintf(stderr, "spkiosk: database: %s made at schema %d\n", o->db_path, schema_now);
    else if (schema_now != schema_was)
        fprintf(stderr, "spkiosk: database: %s migrated from schema %d to %d\n", o->db_path,
                schema_was, schema_now);
    if (assets_media_init(o->procedures) != 0 || db_thread_setup(o->db_path) != 0 ||
        assets_init(o->web_dir) != 0) {
        fprintf(stderr, "spkiosk: out of memory\n");
        goto out;
    }
    sessions_set_idle(o->session_idle);
    if (o->tls_cert && (server_read_pem("certificate", o->tls_cert, &tls_cert) != 0 ||
                        server_read_pem("key", o->tls_key, &tls_key) != 0))
        goto out;
    quota_configure(&o->quota);
    /* under TLS the session cookie is Secure without being asked */
    api_auth_set_secure(o->secure_cookies != 0 || tls_cert != NULL);
    if (notify_hall_set(o->hall_name) != 0 || hall_name_set(o->hall_name) != 0) {
        fprintf(stderr, "spkiosk: --hall-name must be 1 to %d bytes of UTF-8 text on one line\n",
                NOTIFY_HALL_MAX);
        goto out;
    }
    for (k = 0; k < HALL_CONTACT_N; k++)
        if (hall_contact_set(k, o->hall_contact[k]) != 0) {
            fprintf(stderr, "spkiosk: --hall-%s must be 1 to %d bytes of UTF-8 text on one line\n",
                    hall_contact_name(k), HALL_CONTACT_MAX);
            goto out;
        }
    if (print_set_public_url(o->public_url) != 0) {
        fprintf(stderr, "spkiosk: --public-url must be an http:// or https:// address of at most %d characters\n",
                PRINT_PUBLIC_URL_MAX);
        goto out;
    }
    if (hosts_setup(o->listen, o->public_url, o->hosts, o->n_hosts, err, sizeof err) != 0) {
        fprintf(stderr, "spkiosk: %s\n", err);
        goto out;
    }
    api_admin_setup(o->procedures);
    if (accounts_bootstrap(db, stdout, server_password_on_stderr(o) ? stderr : NULL) != 0)
        goto out;
    /* watching starts before the first load: a file changed while it runs,
     * or right after the listening line, is then never missed */
    w = watch_open(o->procedures);
    day = clock_today();
    loader_after_set(server_recount);
    if (loader_run(db, o->procedures) < 0) {
        /* under the unit this repeats every few seconds: say what to do */
        fprintf(stderr, "spkiosk: the first load failed, so there is nothing to serve; the lines "
                        "above say why. If they say the database disk image is malformed, the "
                        "database is damaged: stop the service and restore a backup (spkiosk "
                        "restore --db %s BACKUP; docs/deployment.md, Backup and restore)\n",
                o->db_path);
        goto out;
    }
    /* before the first request: a return right after a start over
     * midnight must not rewrite a stage yesterday's figure still reads */
    server_days_close(db, &closed, &close_logged);
    /* the call screen's long polls: held without a worker, woken by a
     * call, answered by the hold's own timer at their timeout */
    if (!(calls_hold = http_hold_new(API_DISPLAY_HOLD_MAX))) {
        fprintf(stderr, "spkiosk: cannot start the call screen's timer\n");
        goto out;
    }
    api_display_setup(calls_hold);
    /* the evaluators' long polls, woken by an offer or a rating */
    if (!(rate_hold = http_hold_new(API_RATE_HOLD_MAX))) {
        fprintf(stderr, "spkiosk: cannot start the evaluators' timer\n");
        goto out;
    }
    api_rate_setup(rate_hold);
    memset(&cfg, 0, sizeof cfg);
    holds[0] = calls_hold;
    holds[1] = rate_hold;
    cfg.holds = holds;
    cfg.n_holds = 2;
    cfg.routes = api_routes;
    cfg.n_routes = api_routes_count;
    cfg.listen = o->listen;
    cfg.threads = o->threads;
    cfg.guard = api_auth_guard;
    cfg.tls_cert = tls_cert;
    cfg.tls_key = tls_key;
    cfg.limits = o->limits;
    cfg.trusted = &o->trusted;
    /* before the listening line: a start-up that cannot send says so
     * instead of serving a staff page that waits for sends in vain */
    notify_completed_set(o->notify_completed != 0);
    sweep_retention_set(o->retention_days);
    if (o->notify_command && notify_start(o->notify_command) != 0)
        goto out;
    if (!(d = http_start(&cfg, &port)))
        goto out;
    /* before the listening line, which scripts wait for: read with it */
    if (clock_local_is_default_utc())
        fprintf(stderr, "spkiosk: warning: this machine's time zone is UTC: tickets, due dates and "
                "receipts follow its date, eight hours off Beijing time; set the hall's zone with "
                "`timedatectl set-timezone Asia/Shanghai` and restart (docs/deployment.md)\n");
    server_clock_warn(db);
    {
        /* tests and scripts wait for this line to learn the port */
        const char *colon = strrchr(o->listen, ':');
        fprintf(stderr, "spkiosk: listening on %s://%.*s:%u\n", tls_cert ? "https" : "http",
                (int)(colon - o->listen), o->listen, port);
    }
    if (o->redirect_http) {
        const char *colon = strrchr(o->redirect_http, ':');
        unsigned rport;
        if (!(redirect = http_redirect_start(o->redirect_http, port, &rport)))
            goto out;
        fprintf(stderr, "spkiosk: redirecting http://%.*s:%u to https\n",
                (int)(colon - o->redirect_http), o->redirect_http, rport);
    }
    /* the library is loaded and every listener is up: systemd may now
     * start what comes after spkiosk.service */
    if (sdnotify_send("READY=1\nSTATUS=serving") < 0)
        fprintf(stderr, "spkiosk: cannot tell systemd we are ready: %s\n", strerror(errno));
    for (;;) {
        struct pollfd pfd[2] = {{sfd, POLLIN, 0}, {w ? watch_fd(w) : -1, POLLIN, 0}};
        int timeout, r;
        long midnight;
        ssize_t n;

        /* first: a worker's return after midnight must not rewrite a
         * stage the day that ended still reads */
        server_days_close(db, &closed, &close_logged);
        /* a new local date: scheduled versions go live (store_sync) and the
         * 「更新」 notices of 30 days ago end (store_catalog_build) */
        if (clock_today() != day) {
            fprintf(stderr, "spkiosk: a new day: reloading %s\n", o->procedures);
            /* a load that failed (the database, memory) is tried again at
             * the loop's next turn, a minute at most (the sweep): the
             * versions due today must not wait for tomorrow */
            if (loader_run(db, o->procedures) == 0)
                day = clock_today();
        }

        /* idle cases abandoned, closed ones past retention erased: at
         * start, then about once a minute */
        timeout = sweep_poll(db, o->retention_days, server_now_ms(), &sweep);
        /* a burst of changes (an editor's save, a git pull) settles for
         * SERVER_SETTLE_MS before one load */
        if (reload_due) {
            long left = reload_due - server_now_ms();
            if (left < timeout)
                timeout = left > 0 ? (int)left : 0;
        }
        /* an admin's save or a file changed while the disk was full: its
         * load published what the database held, and nothing on disk will
         * change again to start the load that stores it */
        if (!loader_behind()) {
            retry_due = 0;
            retry_wait = SERVER_RETRY_LOAD_MS;
        } else if (!retry_due) {
            retry_due = server_now_ms() + retry_wait;
        }
        if (retry_due) {
            long left = retry_due - server_now_ms();
            if (left < timeout)
                timeout = left > 0 ? (int)left : 0;
        }
        midnight = clock_ms_to_midnight() + SERVER_MIDNIGHT_SLACK_MS;
        if (midnight < timeout)
            timeout = (int)midnight;
        /* twice per period, from the loop that loads and sweeps: only a
         * loop that keeps coming round here keeps the service alive */
        if (watchdog_ms) {
            long now = server_now_ms();
            if (now >= watchdog_due) {
                (void)sdnotify_send("WATCHDOG=1");
                watchdog_due = now + watchdog_ms / 2;
            }
            if (watchdog_due - now < timeout)
                timeout = (int)(watchdog_due - now);
        }
        r = poll(pfd, w ? 2 : 1, timeout);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "spkiosk: poll: %s\n", strerror(errno));
            break;
        }
        if (r == 0 && retry_due && server_now_ms() >= retry_due && !reload_due) {
            retry_due = 0;
            retry_wait = retry_wait * 2 > SERVER_RETRY_LOAD_MAX_MS ? SERVER_RETRY_LOAD_MAX_MS
                                                                   : retry_wait * 2;
            fprintf(stderr, "spkiosk: the last load could not store the files: loading %s again\n",
                    o->procedures);
            (void)loader_run(db, o->procedures);
            continue;
        }
        if (r == 0 && reload_due && server_now_ms() >= reload_due) {
            reload_due = 0;
            fprintf(stderr, "spkiosk: files changed: reloading %s\n", o->procedures);
            (void)loader_run(db, o->procedures);
            continue;
        }
        if (w && (pfd[1].revents & POLLIN)) {
            int changed = watch_drain(w);
            /* each event starts the quiet period again (a git pull, an
             * editor's save in several steps), up to SERVER_SETTLE_MAX_MS
             * after the first */
            if (changed > 0) {
                long now = server_now_ms();
                if (!reload_due)
                    settle_first = now;
                reload_due = now + SERVER_SETTLE_MS;
                if (reload_due > settle_first + SERVER_SETTLE_MAX_MS)
                    reload_due = settle_first + SERVER_SETTLE_MAX_MS;
            }
            if (changed < 0) {
                fprintf(stderr, "spkiosk: watching files failed; reload with SIGHUP\n");
                watch_close(w);
                w = NULL;
            }
        }
        if (!(pfd[0].revents & POLLIN))
            continue;
        n = read(sfd, &si, sizeof si);
        if (n != (ssize_t)sizeof si)
            continue;
        if (si.ssi_signo == SIGHUP) {
            /* logrotate's postrotate: the file was renamed, a new one is
             * opened before the reload's lines (read from the signalfd on
             * this thread: no handler runs it) */
            if (logline_file_reopen() != 0)
                fprintf(stderr, "spkiosk: cannot reopen the log file %s: %s; writing on in the old one\n",
                        o->log_file, strerror(errno));
            fprintf(stderr, "spkiosk: SIGHUP: reloading %s\n", o->procedures);
            /* watched again, or anew after watching failed */
            if (w)
                watch_rearm(w);
            else
                w = watch_open(o->procedures);
            (void)loader_run(db, o->procedures);
            continue;
        }
        fprintf(stderr, "spkiosk: %s: stopping\n", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
    }
    (void)sdnotify_send("STOPPING=1");
    rc = 0;
out:
    /* every failure comes before the loop: with --log-file its reason is
     * in the file alone, and the journal showed the unit failing again and
     * again without a word of why */
    if (rc != 0 && logline_file_path()) {
        char line[4200];
        snprintf(line, sizeof line, "spkiosk: the start failed; why is in the log file %s\n",
                 logline_file_path());
        logline_first_stderr(line);
    }
    watch_close(w);
    http_redirect_stop(redirect);
    http_stop(d, 10000);
    notify_stop();
    api_display_setup(NULL);
    api_rate_setup(NULL);
    hold_free(calls_hold);
    hold_free(rate_hold);
    models_shutdown();
    catalog_shutdown();
    assets_shutdown();
    db_close(db);
    db_lock_release(lockfd);
    if (sfd >= 0)
        close(sfd);
    /* libmicrohttpd read them at start; kept until it stopped all the same */
    free(tls_cert);
    free(tls_key);
    return rc;
}
