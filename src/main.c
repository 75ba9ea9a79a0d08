/* main: the spkiosk command line — `serve`, `check`, `--version`, `--help`.
 * Parses arguments and hands over; nothing below main exits the process. */
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "accounts.h"
#include "clock.h"
#include "db.h"
#include "diag.h"
#include "library.h"
#include "hosts.h"
#include "print.h"
#include "server.h"
#include "sessions.h"
#include "sweep.h"
#include "version.h"

static const char usage_main[] =
    "usage: spkiosk COMMAND [OPTIONS]\n"
    "\n"
    "Serves a community service hall's standard-process tutorials (Markdown\n"
    "procedure files) as an interactive kiosk and a JSON API.\n"
    "\n"
    "commands:\n"
    "  serve    run the daemon\n"
    "  check    check procedure files and report every error as FILE:LINE: message\n"
    "  user     add, list, change or disable staff and admin accounts\n"
    "\n"
    "  spkiosk --version     print the version\n"
    "  spkiosk COMMAND --help\n";

static const char usage_serve[] =
    "usage: spkiosk serve [--listen HOST:PORT] [--db FILE] [--procedures DIR] [--web DIR]\n"
    "\n"
    "  --listen HOST:PORT  address to listen on (default 127.0.0.1:8080; port 0 picks a\n"
    "                      free port, printed on standard error)\n"
    "  --db FILE           SQLite database (default ./var/spkiosk.db; its folder is created)\n"
    "  --procedures DIR    procedure files (default ./procedures)\n"
    "  --web DIR           serve the web UI from DIR instead of the built-in copy\n"
    "  --threads N         worker threads (default 4)\n"
    "  --session-idle S    seconds without a request that end a staff or admin session\n"
    "                      (default 1800, at most 86400)\n"
    "  --retention-days N  days a completed or abandoned case keeps what residents and\n"
    "                      staff typed before it is erased; its anonymous figures stay\n"
    "                      for statistics (default 30, 0 to 3650; 0 erases within a minute)\n"
    "  --case-quota AB/AH,OB/OH  cases the public may start, and hand in, without a login:\n"
    "                      AB in a row then AH an hour from one address (an IPv6 /64),\n"
    "                      OB in a row then OH an hour from everyone together; past it\n"
    "                      429 with Retry-After (default 200/3600,300/3600; staff at\n"
    "                      the window are not counted)\n"
    "  --open-cases-max N  cases the public may have open (being filled in) at once;\n"
    "                      past it new cases get 503 (default 5000, 1 to 1000000)\n"
    "  --host NAME         a name the daemon answers to besides localhost, this machine's\n"
    "                      name, the --listen and --public-url hosts and IP addresses\n"
    "                      (repeatable, up to 16); another Host gets 421 (DNS rebinding)\n"
    "  --secure-cookies    mark session cookies Secure (when a TLS proxy serves the daemon)\n"
    "  --tls-cert FILE     serve HTTPS with this PEM certificate (chain) and the key of\n"
    "  --tls-key FILE      --tls-key (both or neither): cookies Secure, every answer with\n"
    "                      Strict-Transport-Security (docs/deployment.md: a LAN certificate)\n"
    "  --redirect-http HOST:PORT  with --tls-cert, also listen for plain HTTP there and\n"
    "                      answer every request 308 to the same page over HTTPS\n"
    "  --public-url URL    the kiosk's address as phones reach it (http:// or https://, at\n"
    "                      most 200 characters): the QR codes of slips and correction\n"
    "                      notices then hold URL/#/case/ID; without it, the bare case id\n"
    "  --notify-command CMD  run CMD for each resident to tell that a case is ready,\n"
    "                      returned or rejected: CMD is split on spaces only (no shell,\n"
    "                      no quotes); the number and text are in its environment\n"
    "                      (SPKIOSK_PHONE, SPKIOSK_TEXT, SPKIOSK_KIND, SPKIOSK_TICKET);\n"
    "                      exit 0 is sent, anything else is retried later (after 1, 5,\n"
    "                      15, 60 minutes, then every 6 hours, 12 runs in all); a run is\n"
    "                      killed after 30 s. Without it the staff page lists whom to phone\n"
    "  --max-connections N  open connections (default 1000, 8 to 100000); once 1/8 of it or\n"
    "                      one address's share is all that is free, idle ones (and\n"
    "                      answers going out for over a second) of the address\n"
    "                      holding the most are closed first\n"
    "  --max-per-address N  connections from one address (default 128, at most half of\n"
    "                      --max-connections)\n"
    "  --header-timeout S  a request's headers must arrive within S seconds (default 10;\n"
    "                      a kept-alive connection has --idle-timeout more), and a body at\n"
    "                      2 KiB/s after that\n"
    "  --idle-timeout S    close a connection silent for S seconds (default 30)\n"
    "  --body-memory MIB   memory all request bodies in flight may take together (default\n"
    "                      64, 1 to 4096); past it a request is answered 503\n"
    "  --log-file FILE     append the log to FILE instead of standard error; SIGHUP\n"
    "                      reopens it (after logrotate renamed it) and reloads\n"
    "  --metrics-allow ADDR[/BITS]  an address or network that may read GET /metrics\n"
    "                      (repeatable, up to 16; default 127.0.0.0/8 and ::1); to\n"
    "                      any other address /metrics does not exist (404)\n"
    "\n"
    "Logs one line per request to standard error, key=value pairs with a request id\n"
    "(docs/deployment.md, \"Monitoring\"). SIGHUP reloads the procedures. SIGTERM or\n"
    "SIGINT stops it cleanly.\n";

static const char usage_check[] =
    "usage: spkiosk check [PATH...]\n"
    "\n"
    "Checks procedure files or folders (default ./procedures). Prints every problem as\n"
    "FILE:LINE: message (warnings as FILE:LINE: warning: message). Exits 1 if there is\n"
    "any error, 0 otherwise.\n";

static const char usage_user[] =
    "usage: spkiosk user add NAME --role staff|admin [--posts ID,ID] [--db FILE]\n"
    "       spkiosk user passwd NAME [--db FILE]\n"
    "       spkiosk user posts NAME ID,ID|- [--db FILE]\n"
    "       spkiosk user disable NAME [--db FILE]\n"
    "       spkiosk user list [--db FILE]\n"
    "\n"
    "Manages the accounts of the window (staff) and the admin console (admin).\n"
    "add and passwd read the password from standard input (8 to 256 bytes; one\n"
    "line, its newline dropped; asked twice without echo on a terminal).\n"
    "disable ends the user's sessions and refuses their logins; their name stays\n"
    "in case histories. --posts (add) and posts set the posts (岗位) of _posts.md\n"
    "the user holds: ids of a-z, 0-9, '_' and '-' (a letter first, at most 32),\n"
    "at most 16, separated by ','; '-' for none. list shows them last ('-' for\n"
    "none). --db defaults to ./var/spkiosk.db.\n";

static int is_help(const char *s)
{
    return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0;
}

static int cmd_check(int argc, char **argv)
{
    struct diag_list diags = DIAG_LIST_INIT;
    int today = clock_today(), i, failed = 0;

    for (i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_check, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "spkiosk check: unknown option %s\n%s", argv[i], usage_check);
            return 2;
        }
    }
    for (i = 0; i < (argc ? argc : 1); i++) {
        /* each argument's report sorted by file and line, in argument order */
        struct diag_list one = DIAG_LIST_INIT;
        if (library_check_path(argc ? argv[i] : "procedures", today, &one) != 0)
            failed = 1;
        diag_list_sort(&one);
        if (diag_list_move(&diags, &one) != 0)
            failed = 1;
        diag_list_free(&one);
    }
    diag_list_print(&diags, stdout);
    if (diags.oom)
        fprintf(stderr, "spkiosk check: out of memory; the report is incomplete\n");
    if (diags.errors || failed || diags.oom)
        failed = 1;
    diag_list_free(&diags);
    return failed;
}

/* Reads one password line from fd 0 into buf: *len bytes, without the line
 * end. Returns 0, or -1 with a message (too long, nothing read). */
static int user_read_line(char *buf, size_t cap, size_t *len, const char *prompt)
{
    struct termios old, quiet;
    int tty = isatty(0), hidden = 0, rc = -1;
    size_t n = 0;
    int c;

    if (tty) {
        fputs(prompt, stderr);
        if (tcgetattr(0, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            hidden = tcsetattr(0, TCSAFLUSH, &quiet) == 0;
        }
    }
    while ((c = getchar()) != EOF && c != '\n') {
        if (n + 1 >= cap) {
            fprintf(stderr, "spkiosk user: the password is longer than %d bytes\n",
                    ACCOUNTS_PASSWORD_MAX);
            goto out;
        }
        buf[n++] = (char)c;
    }
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    *len = n;
    rc = 0;
out:
    if (hidden) {
        tcsetattr(0, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    return rc;
}

/* The password for add/passwd: from a pipe once, from a terminal twice. */
static int user_read_password(char buf[ACCOUNTS_PASSWORD_MAX + 2], size_t *len)
{
    char again[ACCOUNTS_PASSWORD_MAX + 2];
    size_t n2;
    int rc = -1;

    if (user_read_line(buf, ACCOUNTS_PASSWORD_MAX + 2, len, "Password: ") != 0)
        return -1;
    if (!isatty(0))
        return 0;
    if (user_read_line(again, sizeof again, &n2, "Again: ") != 0)
        goto out;
    if (n2 != *len || memcmp(buf, again, n2) != 0) {
        fprintf(stderr, "spkiosk user: the two passwords differ\n");
        goto out;
    }
    rc = 0;
out:
    sodium_memzero(again, sizeof again);
    return rc;
}

static int cmd_user(int argc, char **argv)
{
    const char *verb = argc > 0 ? argv[0] : NULL, *name = NULL, *role_s = NULL, *posts = NULL;
    const char *db_path = "var/spkiosk.db";
    char pw[ACCOUNTS_PASSWORD_MAX + 2], err[256];
    enum accounts_role role = ACCOUNTS_ROLE_STAFF;
    struct db *db = NULL;
    size_t pwlen = 0;
    int i, r, rc = 1;

    for (i = 0; i < argc; i++)
        if (is_help(argv[i])) {
            fputs(usage_user, stdout);
            return 0;
        }
    if (!verb || (strcmp(verb, "add") != 0 && strcmp(verb, "passwd") != 0 &&
                  strcmp(verb, "disable") != 0 && strcmp(verb, "list") != 0 &&
                  strcmp(verb, "posts") != 0)) {
        fputs(usage_user, stderr);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--db") == 0 && v) {
            db_path = v;
            i++;
        } else if (strcmp(a, "--role") == 0 && v && strcmp(verb, "add") == 0) {
            role_s = v;
            i++;
        } else if (strcmp(a, "--posts") == 0 && v && strcmp(verb, "add") == 0) {
            posts = v;
            i++;
        } else if (a[0] != '-' && !name && strcmp(verb, "list") != 0) {
            name = a;
        } else if ((a[0] != '-' || strcmp(a, "-") == 0) && name && !posts &&
                   strcmp(verb, "posts") == 0) {
            posts = a;
        } else {
            fprintf(stderr, "spkiosk user: unexpected %s\n%s", a, usage_user);
            return 2;
        }
    }
    if (strcmp(verb, "list") != 0 && !name) {
        fprintf(stderr, "spkiosk user %s: which user?\n%s", verb, usage_user);
        return 2;
    }
    if (strcmp(verb, "posts") == 0 && !posts) {
        fprintf(stderr, "spkiosk user posts: which posts? (ID,ID or - for none)\n%s", usage_user);
        return 2;
    }
    if (strcmp(verb, "add") == 0 && accounts_role_parse(role_s, &role) != 0) {
        fprintf(stderr, "spkiosk user add: --role staff or --role admin is needed\n");
        return 2;
    }
    if (db_dir_ensure(db_path) != 0)
        return 1;
    if (db_open(db_path, &db, err, sizeof err) != 0 || db_migrate(db, err, sizeof err) != 0) {
        fprintf(stderr, "spkiosk user: database: %s\n", err);
        goto out;
    }
    if (strcmp(verb, "list") == 0) {
        rc = accounts_user_list(db, stdout) == 0 ? 0 : 1;
        goto out;
    }
    if (strcmp(verb, "disable") == 0) {
        r = accounts_user_disable(db, name, err, sizeof err);
    } else if (strcmp(verb, "posts") == 0) {
        r = accounts_user_set_posts(db, name, posts, err, sizeof err);
    } else {
        if (user_read_password(pw, &pwlen) != 0)
            goto out;
        r = strcmp(verb, "add") == 0
                ? accounts_user_add(db, name, role, posts, pw, pwlen, err, sizeof err)
                : accounts_user_passwd(db, name, pw, pwlen, err, sizeof err);
    }
    if (r != 0) {
        fprintf(stderr, "spkiosk user %s: %s\n", verb, err);
        goto out;
    }
    rc = 0;
out:
    sodium_memzero(pw, sizeof pw);
    db_close(db);
    return rc;
}

/* The options of conns.h's limits: 0 when a is one of them (with *bad set
 * and a message on stderr when v is out of its range), -1 when not. */
static int main_serve_limit(const char *a, const char *v, struct conns_limits *l, bool *bad)
{
    static const struct {
        const char *name;
        unsigned long min, max;
    } opts[] = {
        {"--max-connections", CONNS_TOTAL_MIN, CONNS_TOTAL_MAX},
        {"--max-per-address", 1, CONNS_TOTAL_MAX / 2},
        {"--header-timeout", 1, CONNS_SECONDS_MAX},
        {"--idle-timeout", 1, CONNS_SECONDS_MAX},
        {"--body-memory", 1, CONNS_BODY_MEMORY_MAX_MIB},
    };
    char *end;
    unsigned long n;
    size_t i;

    for (i = 0; i < sizeof opts / sizeof opts[0] && strcmp(a, opts[i].name) != 0; i++)
        ;
    if (i == sizeof opts / sizeof opts[0])
        return -1;
    n = strtoul(v, &end, 10);
    *bad = !*v || *end || *v == '-' || n < opts[i].min || n > opts[i].max;
    if (*bad) {
        fprintf(stderr, "spkiosk serve: %s takes %lu to %lu\n", a, opts[i].min, opts[i].max);
        return 0;
    }
    if (i == 0)
        l->max_total = (unsigned)n;
    else if (i == 1)
        l->max_per_address = (unsigned)n;
    else if (i == 2)
        l->header_s = (unsigned)n;
    else if (i == 3)
        l->idle_s = (unsigned)n;
    else
        l->body_memory = (size_t)n << 20;
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    struct server_options o;
    bool bad = false;
    int i;

    server_options_default(&o);
    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (is_help(a)) {
            fputs(usage_serve, stdout);
            return 0;
        }
        if (strcmp(a, "--secure-cookies") == 0) {
            o.secure_cookies = 1;
            continue;
        }
        if (!v || a[0] != '-') {
            fprintf(stderr, "spkiosk serve: %s %s\n%s", a, v ? "is not an option" : "needs a value",
                    usage_serve);
            return 2;
        }
        if (strcmp(a, "--listen") == 0) {
            o.listen = v;
        } else if (strcmp(a, "--db") == 0) {
            o.db_path = v;
        } else if (strcmp(a, "--procedures") == 0) {
            o.procedures = v;
        } else if (strcmp(a, "--public-url") == 0) {
            if (!print_public_url_valid(v)) {
                fprintf(stderr, "spkiosk serve: --public-url takes an http:// or https:// address "
                                "of at most %d characters, without ? or #\n", PRINT_PUBLIC_URL_MAX);
                return 2;
            }
            o.public_url = v;
        } else if (strcmp(a, "--host") == 0) {
            if (o.n_hosts == SERVER_HOSTS_MAX || !hosts_name_valid(v)) {
                fprintf(stderr, "spkiosk serve: --host takes a name (letters, digits, '-' and '.'), "
                                "up to %d times\n", SERVER_HOSTS_MAX);
                return 2;
            }
            o.hosts[o.n_hosts++] = v;
        /* monitoring (issue #14 item 3) */
        } else if (strcmp(a, "--log-file") == 0) {
            o.log_file = v;
        } else if (strcmp(a, "--metrics-allow") == 0) {
            if (o.n_metrics_allow == METRICS_ALLOW_MAX || !metrics_allow_valid(v)) {
                fprintf(stderr, "spkiosk serve: --metrics-allow takes an IPv4 or IPv6 address, "
                                "optionally /BITS, up to %d times\n", METRICS_ALLOW_MAX);
                return 2;
            }
            o.metrics_allow[o.n_metrics_allow++] = v;
        } else if (strcmp(a, "--web") == 0) {
            o.web_dir = v;
        } else if (strcmp(a, "--notify-command") == 0) {
            o.notify_command = v;
        } else if (strcmp(a, "--tls-cert") == 0) {
            o.tls_cert = v;
        } else if (strcmp(a, "--tls-key") == 0) {
            o.tls_key = v;
        } else if (strcmp(a, "--redirect-http") == 0) {
            o.redirect_http = v;
        } else if (main_serve_limit(a, v, &o.limits, &bad) == 0) {
            if (bad)
                return 2;
        } else if (strcmp(a, "--threads") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 64) {
                fprintf(stderr, "spkiosk serve: --threads takes 1 to 64\n");
                return 2;
            }
            o.threads = (unsigned)n;
        } else if (strcmp(a, "--session-idle") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > SESSIONS_IDLE_MAX) {
                fprintf(stderr, "spkiosk serve: --session-idle takes 1 to %d seconds\n",
                        SESSIONS_IDLE_MAX);
                return 2;
            }
            o.session_idle = n;
        } else if (strcmp(a, "--case-quota") == 0) {
            if (quota_limits_parse(v, &o.quota) != 0) {
                fprintf(stderr, "spkiosk serve: --case-quota takes AB/AH,OB/OH, four numbers of "
                                "1 to %d, e.g. 200/3600,300/3600\n", QUOTA_VALUE_MAX);
                return 2;
            }
        } else if (strcmp(a, "--open-cases-max") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (!*v || *end || n < 1 || n > QUOTA_VALUE_MAX) {
                fprintf(stderr, "spkiosk serve: --open-cases-max takes 1 to %d\n", QUOTA_VALUE_MAX);
                return 2;
            }
            o.quota.open_max = n;
        } else if (strcmp(a, "--retention-days") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (!*v || *end || n < 0 || n > SWEEP_RETENTION_MAX) {
                fprintf(stderr, "spkiosk serve: --retention-days takes 0 to %d\n",
                        SWEEP_RETENTION_MAX);
                return 2;
            }
            o.retention_days = (int)n;
        } else {
            fprintf(stderr, "spkiosk serve: unknown option %s\n%s", a, usage_serve);
            return 2;
        }
        i++;
    }
    if (!o.tls_cert != !o.tls_key) {
        fprintf(stderr, "spkiosk serve: --tls-cert and --tls-key go together\n");
        return 2;
    }
    if (o.redirect_http && !o.tls_cert) {
        fprintf(stderr, "spkiosk serve: --redirect-http sends browsers to HTTPS: it needs --tls-cert\n");
        return 2;
    }
    if (o.limits.max_per_address > o.limits.max_total / 2) {
        fprintf(stderr, "spkiosk serve: --max-per-address must be at most half of "
                        "--max-connections (%u)\n", o.limits.max_total);
        return 2;
    }
    return server_run(&o) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    /* regex character classes and our UTF-8 handling assume a UTF-8 ctype */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "");
    if (sodium_init() < 0) {
        fprintf(stderr, "spkiosk: libsodium failed to initialise\n");
        return 1;
    }
    if (argc < 2 || is_help(argv[1])) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("spkiosk %s\n", SPK_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(argv[1], "serve") == 0)
        return cmd_serve(argc - 2, argv + 2);
    if (strcmp(argv[1], "user") == 0)
        return cmd_user(argc - 2, argv + 2);
    fprintf(stderr, "spkiosk: unknown command %s\n%s", argv[1], usage_main);
    return 2;
}
