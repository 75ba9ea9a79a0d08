/* server: `spkiosk serve` — opens the database, loads the procedures,
 * serves HTTP, and waits for signals.
 */
#ifndef SPK_SERVER_H
#define SPK_SERVER_H

#include <stddef.h>

#include "conns.h"
#include "metrics.h"
#include "quota.h"
#include "xff.h"

#define SERVER_HOSTS_MAX 16     /* `serve --host` given at most */

struct server_options {
    const char *listen;         /* HOST:PORT */
    const char *db_path;
    const char *procedures;
    const char *web_dir;        /* NULL: the UI built into the binary */
    unsigned threads;           /* HTTP worker threads */
    long session_idle;          /* seconds without a request that end a staff session */
    int retention_days;         /* personal data of closed cases kept this long (sweep.h) */
    int secure_cookies;         /* served over TLS (a proxy in front): cookies get Secure */
    const char *public_url;     /* where phones reach the kiosk (print.h), or NULL */
    const char *notify_command; /* run for each notification (notify.h), or NULL */
    int notify_completed;       /* 办结告知: complete queues a `completed` notice (notify.h) */
    const char *hall_name;      /* the hall's name in texts and on screens (notify.h), or NULL */
    const char *hall_contact[3]; /* the hall's location, hours, phone for procedures
                                    without theirs (hall.h, in its key order), or NULLs */
    const char *tls_cert;       /* PEM files: served over HTTPS (both or neither) */
    const char *tls_key;
    const char *redirect_http;  /* HOST:PORT of a plain listener sending to HTTPS, or NULL */
    struct quota_limits quota;  /* the public's cases per address and overall (quota.h) */
    struct conns_limits limits; /* what slow and idle clients may hold (conns.h) */
    const char *hosts[SERVER_HOSTS_MAX];    /* `--host NAME`s the daemon also answers to (hosts.h) */
    size_t n_hosts;
    struct xff_set trusted;     /* `--trusted-proxy`s: their X-Forwarded-For names the client (xff.h) */
    /* monitoring (issue #14 item 3) */
    const char *log_file;       /* append the log here instead of stderr, reopened on SIGHUP; or NULL */
    const char *metrics_allow[METRICS_ALLOW_MAX];  /* who may scrape /metrics; none: loopback */
    size_t n_metrics_allow;
    /* the build, "VERSION (COMMIT)", for the start's first log line (main.c
     * sets it: only it includes build_rev.h); NULL: no such line */
    const char *build;
};

/* Fills in the documented defaults. */
void server_options_default(struct server_options *o);

/* Runs until SIGTERM or SIGINT; a change under the procedures folder (seen
 * by inotify, settled for 200 ms) or SIGHUP reloads it (SIGHUP also
 * reopens the log file first, after logrotate renamed it). Returns 0
 * after a clean stop, -1 when start-up failed (message on stderr). */
int server_run(const struct server_options *o);

#endif
