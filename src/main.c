/* main: the spkiosk command line — `serve`, `check`, `user`, `backup`,
 * `restore`, `export`, `--version`, `--help`.
 * Parses arguments and hands over; nothing below main exits the process. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <sodium.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "backup.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "diag.h"
#include "export.h"
#include "library.h"
#include "sdnotify.h"
#include "server.h"
#include "build_rev.h"
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
    "  backup   copy the database while the daemon serves it\n"
    "  restore  put a backup in place of a stopped daemon's database\n"
    "  export   the hall's anonymous daily figures as NDJSON or CSV\n"
    "\n"
    "  spkiosk --version     print the version\n"
    "  spkiosk COMMAND --help\n";

static const char usage_check[] =
    "usage: spkiosk check [PATH...]\n"
    "\n"
    "Checks procedure files or folders (default ./procedures). Prints every problem as\n"
    "FILE:LINE: message (warnings as FILE:LINE: warning: message). Exits 1 if there is\n"
    "any error, 0 otherwise.\n";

static const char usage_user[] =
    "usage: spkiosk user add NAME --role staff|admin [--posts ID,ID] [--display TEXT] [--db FILE]\n"
    "       spkiosk user passwd NAME [--db FILE]\n"
    "       spkiosk user posts NAME ID,ID|- [--db FILE]\n"
    "       spkiosk user display NAME TEXT|- [--db FILE]\n"
    "       spkiosk user disable NAME [--db FILE]\n"
    "       spkiosk user enable NAME [--db FILE]\n"
    "       spkiosk user list [--db FILE]\n"
    "\n"
    "Manages the accounts of the window (staff) and the admin console (admin).\n"
    "add and passwd read the password from standard input (8 to 256 bytes of\n"
    "UTF-8 text, no control characters; one line, its newline dropped; asked\n"
    "twice without echo on a terminal).\n"
    "disable ends the user's sessions and refuses their logins; their name stays\n"
    "in case histories; never the last active admin. enable lets them in again.\n"
    "--posts (add) and posts set the posts (岗位) of _posts.md\n"
    "the user holds: ids of a-z, 0-9, '_' and '-' (a letter first, at most 32),\n"
    "at most 16, separated by ','; '-' for none (an empty list is refused). A\n"
    "staff user added without --posts holds window. display sets the name\n"
    "residents read on printed notices (王芳; 1 to 20 characters, '-' for\n"
    "none: the login name is printed).\n"
    "list shows the posts, then the display name ('-' for none). Without --db, the\n"
    "database serve's configuration names (SPKIOSK_CONFIG or\n"
    "/etc/spkiosk/spkiosk.conf, then SPKIOSK_DB), else ./var/spkiosk.db; only add\n"
    "makes one where none is.\n";

static const char usage_backup[] =
    "usage: spkiosk backup [--db FILE] FILE\n"
    "       spkiosk backup [--db FILE] --keep N DIR\n"
    "\n"
    "Copies the database (default: serve's, as for user) while the daemon may be serving\n"
    "it, with SQLite's online backup API, into FILE.tmp; checks the copy with\n"
    "PRAGMA integrity_check, syncs it and renames it to FILE, so FILE is whole or\n"
    "absent. With --keep, the copy goes into DIR (created if missing) as\n"
    "spkiosk-YYYYMMDDTHHMMSSZ.db (UTC), and only the newest N such files in DIR are\n"
    "kept (N 1 to 1000), the copy just made always among them. Prints the copy's path.\n"
    "Refuses to write over the database or its -wal, -shm or .lock (exit 2, as for\n"
    "any wrong command line, and nothing recorded). Exits 1 on any failure, with the\n"
    "reason. Records the outcome (when, good or failed, the copy's size or the\n"
    "reason) in the database, for GET /metrics, once the copy is on the disk; a copy\n"
    "that cannot be recorded is said and still exits 0.\n";

static const char usage_restore[] =
    "usage: spkiosk restore [--db FILE] BACKUP\n"
    "\n"
    "Puts BACKUP in place of the database (default: serve's, as for user). Refuses while\n"
    "a daemon serves that database (it holds FILE.lock), and holds that lock itself\n"
    "meanwhile. BACKUP must pass PRAGMA integrity_check and be a spkiosk database no\n"
    "newer than this binary's schema (an older one is migrated when the daemon\n"
    "starts). The database it replaces is kept as FILE.pre-restore (with its -wal\n"
    "and -shm), or FILE.pre-restore.2, .3 … when an earlier restore's is still there.\n"
    "Exits 1 on any failure, with the reason, and the database untouched.\n";

static const char usage_export[] =
    "usage: spkiosk export --since DATE [--until DATE] --format ndjson|csv --hall NAME\n"
    "                      [--db FILE]\n"
    "\n"
    "Writes the hall's anonymous daily figures to standard output: one row per local\n"
    "date, procedure, channel (kiosk, window, web) and review-chain stage, with\n"
    "counts only (docs/deployment.md, \"Export\", names every column). No case id,\n"
    "name, phone, ID number or typed text. DATEs are YYYY-MM-DD, both included;\n"
    "--until defaults to today; at most 366 days. --hall names this hall in every\n"
    "row (1 to 64 bytes, no control characters, not starting with = + - @ or a\n"
    "space). CSV has a header line, CRLF line ends and RFC 4180 quoting; NDJSON is\n"
    "one JSON object per line. --db defaults to serve's database, as for user.\n";

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
    /* run with no path from another folder (an admin's home on the
     * server): 「procedures:1: 找不到这个文件或文件夹」 named no way on */
    bool no_default = !argc && access("procedures", F_OK) != 0 && errno == ENOENT;

    if (no_default) {
        diag_error(&diags, "procedures", 1,
                   "当前文件夹里没有 procedures 文件夹：不写路径时检查的是它。"
                   "请写出事项文件夹的路径，如 spkiosk check /var/lib/spkiosk/procedures");
        failed = 1;
    }
    for (i = 0; !no_default && i < (argc ? argc : 1); i++) {
        /* each argument's report sorted by file and line, in argument order */
        struct diag_list one = DIAG_LIST_INIT;
        if (library_check_path(argc ? argv[i] : "procedures", today, &one) != 0)
            failed = 1;
        diag_list_sort(&one);
        /* paths that overlap (a file and its practice file, as the shell
         * expands labour-handbook*, or a folder and a file inside it) report
         * a line once: printed again it reads as a second mistake */
        diag_list_drop_seen(&one, &diags);
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

static const char *main_getenv(const char *name)
{
    return getenv(name);
}

/* Where the path main_db_exists checks came from, for its advice: --db (no
 * main_db_default ran), `db` of the configuration file, SPKIOSK_DB, or the
 * default ./var/spkiosk.db. */
enum main_db_origin { MAIN_DB_FLAG, MAIN_DB_FILE, MAIN_DB_ENV, MAIN_DB_DEFAULT };
static enum main_db_origin main_db_from = MAIN_DB_FLAG;

/* The configuration file main_db_default read ("" when none was: not
 * there, or --db was given): main_db_advice names it. A file looked for
 * and not found is not named as the place of `db`: on a machine without
 * one, "see `db` in the configuration" sent the reader to a file that
 * does not exist. */
static char main_db_conf[4096];

/* What to change when the database cannot be had (its configuration has
 * problems, or no file is where it says), for whoever reads it, by where
 * the path came from. On a command line: --db, or what named the path.
 * In the journal the reader is the IT officer reading a unit's failure:
 * spkiosk-backup.service runs `spkiosk backup` without --db, taking `db`
 * from the file spkiosk.service reads. "give --db FILE" there meant
 * editing the unit, after which the nightly copy would no longer follow
 * the database the service serves; the file is what they edit. Under
 * systemd the stream is told by $JOURNAL_STREAM (sdnotify_is_journal), as
 * the daemon tells it for the first password. */
static void main_db_advice(const char *cmd, const char *path, int err)
{
    const char *f = main_db_conf;
    const char *why = path ? strerror(err) : "";

    if (!sdnotify_is_journal(STDERR_FILENO)) {
        if (!path)
            fprintf(stderr, "spkiosk %s: fix the configuration (spkiosk serve --check-config), or "
                            "give --db FILE\n", cmd);
        else if (main_db_from == MAIN_DB_FLAG)
            fprintf(stderr, "spkiosk %s: there is no database at %s (%s): check the FILE given "
                    "to --db\n", cmd, path, why);
        else if (main_db_from == MAIN_DB_FILE)
            fprintf(stderr, "spkiosk %s: there is no database at %s (%s): `db` in %s names it; "
                    "correct it there (spkiosk serve --config %s --check-config), or give --db "
                    "FILE\n", cmd, path, why, f, f);
        else if (main_db_from == MAIN_DB_ENV)
            fprintf(stderr, "spkiosk %s: there is no database at %s (%s): SPKIOSK_DB names it; "
                    "correct SPKIOSK_DB, or give --db FILE\n", cmd, path, why);
        else if (f[0])
            fprintf(stderr, "spkiosk %s: there is no database at %s (%s), the default, in the "
                    "folder this runs in: %s does not set `db`; set it there, or give --db "
                    "FILE\n", cmd, path, why, f);
        else
            fprintf(stderr, "spkiosk %s: there is no database at %s (%s), the default, in the "
                    "folder this runs in: no configuration names one (there is no %s); give "
                    "--db FILE, or SPKIOSK_CONFIG=FILE for a configuration whose `db` names "
                    "it\n", cmd, path, why, CONFIG_DEFAULT_FILE);
    } else if (!path) {
        if (f[0])
            fprintf(stderr, "spkiosk %s: fix %s as the lines above say (spkiosk serve --config "
                    "%s --check-config); this unit reads it, as spkiosk.service does, at its "
                    "next run\n", cmd, f, f);
        else /* no file to name (not there, or out of memory while reading it) */
            fprintf(stderr, "spkiosk %s: fix the configuration as the lines above say (spkiosk "
                            "serve --check-config)\n", cmd);
    } else if (main_db_from == MAIN_DB_FLAG) {
        /* --db on the unit's own command line (an edited ExecStart=) */
        fprintf(stderr, "spkiosk %s: there is no database at %s (%s): this unit's command names "
                "it with --db; correct it with systemctl edit (systemctl cat shows the unit), or "
                "take --db out to follow `db` of the service's configuration\n", cmd, path, why);
    } else if (main_db_from == MAIN_DB_FILE) {
        fprintf(stderr, "spkiosk %s: there is no database at %s (%s): `db` in %s names it, which "
                "this unit reads as spkiosk.service does. Correct `db` there if it is wrong "
                "(spkiosk serve --config %s --check-config); if the service has never started, "
                "its first start makes the database\n", cmd, path, why, f, f);
    } else if (main_db_from == MAIN_DB_ENV) {
        /* Environment=SPKIOSK_DB= in an edited unit */
        fprintf(stderr, "spkiosk %s: there is no database at %s (%s): SPKIOSK_DB in this unit's "
                "environment names it; correct it with systemctl edit (systemctl cat shows the "
                "unit), or take it out to follow `db` of the service's configuration\n", cmd,
                path, why);
    } else {
        /* the unit's SPKIOSK_CONFIG taken out: the default file, or none */
        if (f[0])
            fprintf(stderr, "spkiosk %s: there is no database at %s (%s), the default: %s does "
                    "not set `db`; set it there to the database spkiosk.service serves\n", cmd,
                    path, why, f);
        else
            fprintf(stderr, "spkiosk %s: there is no database at %s (%s), the default: no "
                    "configuration names one (there is no %s); put back the file "
                    "spkiosk.service reads (systemctl cat spkiosk shows it)\n", cmd, path, why,
                    CONFIG_DEFAULT_FILE);
    }
}

/* The database the other commands use without --db: serve's, as its
 * configuration names it (--config is serve's; SPKIOSK_CONFIG or
 * /etc/spkiosk/spkiosk.conf, then SPKIOSK_DB), else ./var/spkiosk.db. On
 * the hall's server `spkiosk user list` then reads the hall's database (an
 * IT officer's review: it made an empty ./var/spkiosk.db and listed
 * nobody, and restore put a backup there and exited 0). Copies into buf
 * (n bytes) and returns buf; NULL when the configuration has problems
 * (said: a guess could write the wrong database), and the command stops. */
static const char *main_db_default(const char *cmd, char *buf, size_t n)
{
    static char *none[] = {NULL};
    const char *rc = buf;
    struct config c;
    size_t i;
    int loaded;

    snprintf(buf, n, "%s", "var/spkiosk.db");
    loaded = config_load(&c, 0, none, main_getenv);
    snprintf(main_db_conf, sizeof main_db_conf, "%s", c.file && c.file_found ? c.file : "");
    main_db_from = MAIN_DB_DEFAULT;
    for (i = 0; loaded == 0 && i < config_options_n; i++)
        if (strcmp(config_options[i].name, "db") == 0)
            main_db_from = c.slots[i].src == CONFIG_FROM_FILE  ? MAIN_DB_FILE
                         : c.slots[i].src == CONFIG_FROM_ENV   ? MAIN_DB_ENV
                         : c.slots[i].src == CONFIG_FROM_FLAG  ? MAIN_DB_FLAG
                                                               : MAIN_DB_DEFAULT;
    if (loaded != 0 || c.n_problems || c.more_problems) {
        config_problems_print(&c, stderr, "spkiosk: configuration: ");
        main_db_advice(cmd, NULL, 0);
        rc = NULL;
    } else if (c.o.db_path && *c.o.db_path) {
        snprintf(buf, n, "%s", c.o.db_path);
    }
    config_free(&c);
    return rc;
}

/* 0 when path names an existing file; else says so for cmd, 1. */
static int main_db_exists(const char *cmd, const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0)
        return 0;
    main_db_advice(cmd, path, errno);
    return 1;
}

/* One line on stdout for a change that took: what, to whom, in which
 * database. */
static void user_say_done(const char *verb, const char *name, enum accounts_role role,
                          const char *posts, const char *display, const char *db_path)
{
    const char *none = "-", *held;

    held = !posts ? (role == ACCOUNTS_ROLE_STAFF ? ACCOUNTS_POST_DEFAULT : "none")
                  : strcmp(posts, none) == 0 ? "none" : posts;
    if (strcmp(verb, "add") == 0)
        printf("added %s user %s (posts: %s) to %s\n",
               role == ACCOUNTS_ROLE_ADMIN ? "admin" : "staff", name, held, db_path);
    else if (strcmp(verb, "passwd") == 0)
        printf("changed the password of %s in %s; their open sessions are ended\n", name,
               db_path);
    else if (strcmp(verb, "disable") == 0)
        printf("disabled %s in %s; their open sessions are ended\n", name, db_path);
    else if (strcmp(verb, "enable") == 0)
        printf("enabled %s in %s\n", name, db_path);
    else if (strcmp(verb, "posts") == 0)
        printf("%s now holds posts: %s (in %s)\n", name, held, db_path);
    else if (strcmp(verb, "display") == 0)
        printf("%s is now shown to residents as: %s (in %s)\n", name,
               strcmp(display, none) == 0 ? "(their user name)" : display, db_path);
}

static int cmd_user(int argc, char **argv)
{
    const char *verb = argc > 0 ? argv[0] : NULL, *name = NULL, *role_s = NULL, *posts = NULL;
    const char *display = NULL;
    char shown[ACCOUNTS_DISPLAY_BUF], dbbuf[4096];
    const char *db_path = NULL;
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
                  strcmp(verb, "enable") != 0 &&
                  strcmp(verb, "posts") != 0 && strcmp(verb, "display") != 0)) {
        fputs(usage_user, stderr);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL, *eq;
        char opt[16];
        int step = 1;

        /* --role=staff as serve takes --db=FILE: an officer who types it
         * for one command types it for the other */
        if (strncmp(a, "--", 2) == 0 && (eq = strchr(a, '=')) && (size_t)(eq - a) < sizeof opt) {
            memcpy(opt, a, (size_t)(eq - a));
            opt[eq - a] = '\0';
            a = opt;
            v = eq + 1;
            step = 0;
        }
        if (strcmp(a, "--db") == 0 && v) {
            db_path = v;
            i += step;
        } else if (strcmp(a, "--role") == 0 && v && strcmp(verb, "add") == 0) {
            role_s = v;
            i += step;
        } else if (strcmp(a, "--posts") == 0 && v && strcmp(verb, "add") == 0) {
            posts = v;
            i += step;
        } else if (strcmp(a, "--display") == 0 && v && strcmp(verb, "add") == 0) {
            display = v;
            i += step;
        } else if (a[0] != '-' && !name && strcmp(verb, "list") != 0) {
            name = a;
        } else if ((a[0] != '-' || strcmp(a, "-") == 0) && name && !posts &&
                   strcmp(verb, "posts") == 0) {
            posts = a;
        } else if ((a[0] != '-' || strcmp(a, "-") == 0) && name && !display &&
                   strcmp(verb, "display") == 0) {
            display = a;
        } else {
            fprintf(stderr, "spkiosk user: unexpected %s\n%s", argv[i], usage_user);
            return 2;
        }
    }
    /* an empty shell variable ('$POSTS' unset) took every post away, or
     * made a staffer who holds none, with nothing said: none is `-` */
    if (posts && !*posts) {
        fprintf(stderr, "spkiosk user %s: the list of posts is empty (an empty shell variable?); "
                        "give ID,ID, or - for none\n%s",
                verb, usage_user);
        return 2;
    }
    if (strcmp(verb, "list") != 0 && !name) {
        fprintf(stderr, "spkiosk user %s: which user?\n%s", verb, usage_user);
        return 2;
    }
    if (!db_path && !(db_path = main_db_default("user", dbbuf, sizeof dbbuf)))
        return 1;
    /* only add makes a database (the first user of a new hall) */
    if (strcmp(verb, "add") != 0 && main_db_exists("user", db_path) != 0)
        return 1;
    if (strcmp(verb, "posts") == 0 && !posts) {
        fprintf(stderr, "spkiosk user posts: which posts? (ID,ID or - for none)\n%s", usage_user);
        return 2;
    }
    if (strcmp(verb, "display") == 0 && !display) {
        fprintf(stderr, "spkiosk user display: which name? (as residents read it, or - for none)\n%s",
                usage_user);
        return 2;
    }
    if (display && accounts_display_check(display, shown) != 0) {
        fprintf(stderr, "spkiosk user %s: a display name is 1 to %d characters on one line, "
                        "or - for none\n", verb, ACCOUNTS_DISPLAY_MAX);
        return strcmp(verb, "add") == 0 ? 2 : 1;
    }
    if (strcmp(verb, "add") == 0 && accounts_role_parse(role_s, &role) != 0) {
        fprintf(stderr, "spkiosk user add: --role staff or --role admin is needed\n");
        return 2;
    }
    if (db_dir_ensure(db_path) != 0)
        return 1;
    if (db_open(db_path, &db, err, sizeof err) != 0 || db_migrate_cli(db, err, sizeof err) != 0) {
        fprintf(stderr, "spkiosk user: database: %s\n", err);
        goto out;
    }
    if (strcmp(verb, "list") == 0) {
        rc = accounts_user_list(db, stdout) == 0 ? 0 : 1;
        goto out;
    }
    if (strcmp(verb, "disable") == 0) {
        r = accounts_user_disable(db, name, err, sizeof err);
    } else if (strcmp(verb, "enable") == 0) {
        r = accounts_user_enable(db, name, err, sizeof err);
    } else if (strcmp(verb, "posts") == 0) {
        r = accounts_user_set_posts(db, name, posts, err, sizeof err);
    } else if (strcmp(verb, "display") == 0) {
        r = accounts_user_set_display(db, name, display, err, sizeof err);
    } else {
        if (user_read_password(pw, &pwlen) != 0)
            goto out;
        r = strcmp(verb, "add") == 0
                ? accounts_user_add(db, name, role, posts, pw, pwlen, err, sizeof err)
                : accounts_user_passwd(db, name, pw, pwlen, err, sizeof err);
        /* added: its display name (checked above, so only the database
         * can refuse it now) */
        if (r == 0 && display &&
            (r = accounts_user_set_display(db, name, display, err, sizeof err)) != 0) {
            fprintf(stderr, "spkiosk user add: %s added without a display name: %s\n", name, err);
            goto out;
        }
    }
    if (r != 0) {
        fprintf(stderr, "spkiosk user %s: %s\n", verb, err);
        goto out;
    }
    /* an officer at a terminal sees that it took, and where: a silent
     * success left them running `user list` to be sure */
    user_say_done(verb, name, role, posts, display, db_path);
    /* posts the library does not know: said, not refused (exit 0) */
    if (posts && strcmp(posts, "-") != 0 && accounts_posts_unknown(db, posts, stderr) != 0)
        fprintf(stderr, "spkiosk user %s: cannot read the library's posts to check them\n", verb);
    rc = 0;
out:
    sodium_memzero(pw, sizeof pw);
    db_close(db);
    return rc;
}

/* Whether args holds --help or -h. */
static int has_help(int argc, char **argv)
{
    int i;

    for (i = 0; i < argc; i++)
        if (is_help(argv[i]))
            return 1;
    return 0;
}

/* The number in v, from min to max; -1 for anything else. */
static long main_number(const char *v, long min, long max)
{
    char *end;
    long n;

    if (!v || !*v || *v == '-')
        return -1;
    n = strtol(v, &end, 10);
    return *end || n < min || n > max ? -1 : n;
}

/* Records a backup's outcome in the database it copied from, for /metrics
 * (backup_record): ok once the copy is on the disk, else with the reason.
 * Not recording is said, and never changes the command's exit status: the
 * copy is there, or the failure already said. */
static void backup_note(const char *db_path, bool ok, const char *target, const char *reason)
{
    char err[512];
    struct stat st;
    long long bytes = ok && stat(target, &st) == 0 ? (long long)st.st_size : 0;

    if (backup_record(db_path, ok, time(NULL), bytes, target, reason, err, sizeof err) != 0)
        fprintf(stderr, "spkiosk backup: %s not recorded for /metrics: %s\n",
                ok ? "the copy is made, but it is" : "this failure is", err);
}

static int cmd_backup(int argc, char **argv)
{
    const char *db_path = NULL, *target = NULL;
    char err[512], file[4096], dbbuf[4096], why[600];
    long keep = 0;
    int i, pruned, rc;
    unsigned leftovers = 0;

    if (has_help(argc, argv)) {
        fputs(usage_backup, stdout);
        return 0;
    }
    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--db") == 0 && v) {
            db_path = v;
            i++;
        } else if (strcmp(a, "--keep") == 0) {
            if ((keep = main_number(v, 1, BACKUP_KEEP_MAX)) < 0) {
                fprintf(stderr, "spkiosk backup: --keep takes 1 to %d\n", BACKUP_KEEP_MAX);
                return 2;
            }
            i++;
        } else if ((a[0] != '-' || !a[1]) && !target) {
            target = a;
        } else {
            fprintf(stderr, "spkiosk backup: unexpected %s\n%s", a, usage_backup);
            return 2;
        }
    }
    if (!target) {
        fprintf(stderr, "spkiosk backup: where to? (FILE, or DIR with --keep)\n%s", usage_backup);
        return 2;
    }
    if (!db_path && !(db_path = main_db_default("backup", dbbuf, sizeof dbbuf)))
        return 1;
    if (main_db_exists("backup", db_path) != 0)
        return 1;
    /* the copy starts SQLite before the outcome's db_open, and says its
     * own failures */
    db_log_skip();
    /* a file size limit (ulimit -f) is then a failure said and recorded,
     * as serve has it, not a command killed with nothing recorded */
    signal(SIGXFSZ, SIG_IGN);
    if (keep) {
        char name[BACKUP_NAME_LEN];
        time_t t = time(NULL);
        int n, fd = -1, tries;
        if (mkdir(target, 0750) != 0 && errno != EEXIST) {
            snprintf(err, sizeof err, "cannot create %s: %s", target, strerror(errno));
            goto failed;
        }
        /* two backups in one second had one name, and the second replaced
         * the first, or both failed on one FILE.tmp (the timer and a run by
         * hand; two reviews): the name of the next second not taken,
         * claimed with O_EXCL, which the copy's rename then replaces */
        for (tries = 0; tries < 60 && fd < 0; tries++) {
            backup_name(t++, name);
            n = snprintf(file, sizeof file, "%s/%s", target, name);
            if (n < 0 || (size_t)n >= sizeof file) {
                snprintf(err, sizeof err, "the path %s is too long", target);
                goto failed;
            }
            if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 && errno != EEXIST) {
                snprintf(err, sizeof err, "cannot create %.400s: %s", file, strerror(errno));
                goto failed;
            }
        }
        if (fd < 0) {
            snprintf(err, sizeof err, "the next 60 seconds' names in %s are all taken", target);
            goto failed;
        }
        close(fd);
    } else {
        struct stat st;
        if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
            fprintf(stderr, "spkiosk backup: %s is a folder: give a file name, or --keep N\n",
                    target);
            return 2;
        }
        snprintf(file, sizeof file, "%s", target);
    }
    if ((rc = backup_run(db_path, file, err, sizeof err)) != 0) {
        /* the name claimed above, still empty: no backup may look like one */
        if (keep)
            unlink(file);
        if (rc < 0)
            goto failed;
        /* refused before anything was read: a wrong command line, as a
         * FILE that is a folder is. Recorded, it was "the last backup
         * failed" on /metrics and the admin console until the next night,
         * while the nightly copies were fine */
        fprintf(stderr, "spkiosk backup: %s\n", err);
        return 2;
    }
    printf("%s\n", file);
    /* after the rename and the folder's fsync: a success recorded is a
     * copy on the disk, and the copy holds the outcomes before it only */
    backup_note(db_path, true, file, NULL);
    if (keep) {
        char newer[BACKUP_NAME_LEN];
        const char *slash = strrchr(file, '/');
        pruned = backup_prune(target, (unsigned)keep, slash ? slash + 1 : file, newer, &leftovers,
                              err, sizeof err);
        if (newer[0])
            fprintf(stderr, "spkiosk backup: %s is named before %s, already there: this machine's "
                    "clock is behind (set it right: docs/deployment.md, \"The clock\"), or was "
                    "ahead when that copy was made (then delete it); the copy just made is kept\n",
                    slash ? slash + 1 : file, newer);
        if (leftovers)
            fprintf(stderr, "spkiosk backup: deleted %u unfinished cop%s of an interrupted backup\n",
                    leftovers, leftovers == 1 ? "y" : "ies");
        if (pruned < 0) {
            fprintf(stderr, "spkiosk backup: the copy is made, but pruning failed: %s\n", err);
            /* the command fails: so does the record, or the disk fills unseen */
            snprintf(why, sizeof why, "the copy is made, but pruning failed: %s", err);
            backup_note(db_path, false, target, why);
            return 1;
        }
        if (pruned)
            fprintf(stderr, "spkiosk backup: deleted %d older cop%s (keeping %ld)\n", pruned,
                    pruned == 1 ? "y" : "ies", keep);
    }
    return fflush(stdout) == 0 ? 0 : 1;
failed:
    fprintf(stderr, "spkiosk backup: %s\n", err);
    backup_note(db_path, false, target, err);
    return 1;
}

static int cmd_restore(int argc, char **argv)
{
    const char *db_path = NULL, *file = NULL;
    char err[512], dbbuf[4096], aside[BACKUP_PATH_MAX];
    bool replaced;
    int i;

    if (has_help(argc, argv)) {
        fputs(usage_restore, stdout);
        return 0;
    }
    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--db") == 0 && v) {
            db_path = v;
            i++;
        } else if ((a[0] != '-' || !a[1]) && !file) {
            file = a;
        } else {
            fprintf(stderr, "spkiosk restore: unexpected %s\n%s", a, usage_restore);
            return 2;
        }
    }
    if (!file) {
        fprintf(stderr, "spkiosk restore: which backup?\n%s", usage_restore);
        return 2;
    }
    if (!db_path && !(db_path = main_db_default("restore", dbbuf, sizeof dbbuf)))
        return 1;
    if (db_dir_ensure(db_path) != 0)
        return 1;
    replaced = access(db_path, F_OK) == 0;
    if (backup_restore(db_path, file, aside, err, sizeof err) != 0) {
        fprintf(stderr, "spkiosk restore: %s\n", err);
        return 1;
    }
    /* a --db forgotten or mistyped makes a database nobody serves: said */
    if (replaced)
        fprintf(stderr, "spkiosk restore: %s restored as %s; the one it replaced is %s\n", file,
                db_path, aside);
    else
        fprintf(stderr, "spkiosk restore: %s restored as %s, where there was no database before; "
                "if the daemon uses another, give it with --db\n", file, db_path);
    return 0;
}

static int cmd_export(int argc, char **argv)
{
    const char *db_path = NULL, *since = NULL, *until = NULL, *format = NULL;
    const char *hall = NULL;
    char dbbuf[4096];
    enum export_format fmt = EXPORT_NDJSON;
    struct db *db = NULL;
    char err[512];
    int i, from, to, rc = 1;

    if (has_help(argc, argv)) {
        fputs(usage_export, stdout);
        return 0;
    }
    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **slot = strcmp(a, "--db") == 0       ? &db_path
                            : strcmp(a, "--since") == 0  ? &since
                            : strcmp(a, "--until") == 0  ? &until
                            : strcmp(a, "--format") == 0 ? &format
                            : strcmp(a, "--hall") == 0   ? &hall
                                                         : NULL;
        if (!slot || !v) {
            fprintf(stderr, "spkiosk export: %s %s\n%s", a, slot ? "needs a value" : "is not an option",
                    usage_export);
            return 2;
        }
        *slot = v;
        i++;
    }
    if (!format || (strcmp(format, "ndjson") != 0 && strcmp(format, "csv") != 0)) {
        fprintf(stderr, "spkiosk export: --format ndjson or --format csv is needed\n");
        return 2;
    }
    fmt = strcmp(format, "csv") == 0 ? EXPORT_CSV : EXPORT_NDJSON;
    if (!export_hall_valid(hall)) {
        fprintf(stderr, "spkiosk export: --hall NAME is needed: 1 to %d bytes of UTF-8, no control "
                        "characters, not starting with = + - @ or a space\n", EXPORT_HALL_MAX);
        return 2;
    }
    if (export_range_parse(since, until, clock_today(), &from, &to, err, sizeof err) != 0) {
        fprintf(stderr, "spkiosk export: %s\n", err);
        return 2;
    }
    if (!db_path && !(db_path = main_db_default("export", dbbuf, sizeof dbbuf)))
        return 1;
    /* db_open would create an empty database where none is */
    if (main_db_exists("export", db_path) != 0)
        return 1;
    if (db_open(db_path, &db, err, sizeof err) != 0 || db_migrate_cli(db, err, sizeof err) != 0) {
        fprintf(stderr, "spkiosk export: database: %s\n", err);
        goto out;
    }
    /* the days are cut at the machine's midnight: run from a shell in UTC,
     * a case begun after midnight in the hall counted on the day before (a
     * year-end review), as serve warns at start */
    if (clock_local_is_default_utc())
        fprintf(stderr, "spkiosk export: warning: this machine's time zone is UTC: the days are cut at "
                        "UTC midnight, eight hours off Beijing time; give the hall's zone, as in `TZ=Asia/"
                        "Shanghai spkiosk export …` (docs/deployment.md, Export)\n");
    if (export_write(db, from, to, hall, fmt, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "spkiosk export: %s\n", err);
        goto out;
    }
    rc = 0;
out:
    db_close(db);
    return rc;
}

/* serve: the options from flags, environment and file (config.h); with
 * --check-config only what they come to. */
static int cmd_serve(int argc, char **argv)
{
    struct config c;
    int rc = 1;

    if (config_load(&c, argc, argv, main_getenv) != 0) {
        config_problems_print(&c, stderr, "spkiosk serve: ");
        goto out;
    }
    if (c.help || c.example) {
        (c.help ? config_usage : config_example)(stdout);
        rc = 0;
        goto out;
    }
    config_env_check(&c, environ);
    if (c.check) {
        config_print(&c, stdout);
        if (c.n_problems || c.more_problems)
            printf("# %zu problem(s):\n", c.n_problems + c.more_problems);
        else
            printf("# no problems\n");
        config_problems_print(&c, stdout, "");
        if (c.n_notes)
            printf("# %zu warning(s), served as read:\n", c.n_notes);
        config_notes_print(&c, stdout, "warning: ");
        rc = c.n_problems || c.more_problems ? 1 : 0;
        goto out;
    }
    if (c.n_problems || c.more_problems) {
        config_problems_print(&c, stderr, "spkiosk serve: ");
        /* under the unit, the file it names is what the officer edits */
        if (sdnotify_is_journal(STDERR_FILENO) && c.file)
            fprintf(stderr, "spkiosk serve: fix %s as the lines above say (spkiosk serve --config "
                    "%s --check-config), then systemctl restart spkiosk\n", c.file, c.file);
        else
            fprintf(stderr, "spkiosk serve: see spkiosk serve --help, or --check-config\n");
        rc = 2;
        goto out;
    }
    config_notes_print(&c, stderr, "spkiosk serve: warning: ");
    c.o.build = SPK_BUILD_REV[0] ? SPK_VERSION " (" SPK_BUILD_REV ")" : SPK_VERSION;
    rc = server_run(&c.o) == 0 ? 0 : 1;
out:
    config_free(&c);
    return rc;
}

/* Opens /dev/null on whichever of descriptors 0, 1 and 2 is closed. A
 * daemon started with one closed would hand that number to the first file
 * it opens: serve's signalfd then sat on 2, where --log-file's dup2 and
 * every log line landed (issue: the daemon spun and ignored SIGTERM).
 * 0, or -1 when one cannot be opened. */
static int main_std_fds(void)
{
    int fd;

    for (;;) {
        if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
            return -1;
        if (fd > 2)
            break;
        /* the standard descriptors are inherited by --notify-command's
         * children too: not close-on-exec */
        if (fcntl(fd, F_SETFD, 0) != 0)
            return -1;
    }
    close(fd);
    return 0;
}

/* The command's own output reached its destination: a listing cut short
 * by a full disk or a closed pipe must not exit 0. Returns 0, or -1 with a
 * message on stderr. */
static int main_stdout_close(void)
{
    int r, e;

    errno = 0;
    r = fflush(stdout);
    e = errno;
    if (r == 0 && !ferror(stdout))
        return 0;
    /* an earlier write failed and stdio dropped its buffer: its errno is
     * long gone (an IT officer's review read "Resource temporarily
     * unavailable" for a full disk) */
    if (r != 0 && e != 0)
        fprintf(stderr, "spkiosk: cannot write the output: %s\n", strerror(e));
    else
        fprintf(stderr, "spkiosk: cannot write the output: a write failed (a full disk, or the "
                        "reader of the pipe went away)\n");
    return -1;
}

static int main_run(int argc, char **argv)
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
        /* the commit too: every build of a release says the same version */
        printf("spkiosk %s%s%s%s\n", SPK_VERSION, SPK_BUILD_REV[0] ? " (" : "", SPK_BUILD_REV,
               SPK_BUILD_REV[0] ? ")" : "");
        return 0;
    }
    if (strcmp(argv[1], "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(argv[1], "serve") == 0)
        return cmd_serve(argc - 2, argv + 2);
    if (strcmp(argv[1], "user") == 0)
        return cmd_user(argc - 2, argv + 2);
    if (strcmp(argv[1], "backup") == 0)
        return cmd_backup(argc - 2, argv + 2);
    if (strcmp(argv[1], "restore") == 0)
        return cmd_restore(argc - 2, argv + 2);
    if (strcmp(argv[1], "export") == 0)
        return cmd_export(argc - 2, argv + 2);
    fprintf(stderr, "spkiosk: unknown command %s\n%s", argv[1], usage_main);
    return 2;
}

int main(int argc, char **argv)
{
    int rc;

    if (main_std_fds() != 0)
        return 1;
    rc = main_run(argc, argv);
    if (main_stdout_close() != 0 && rc == 0)
        rc = 1;
    return rc;
}
