/* main: the spkiosk command line — `serve`, `check`, `--version`, `--help`.
 * Parses arguments and hands over; nothing below main exits the process. */
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "library.h"
#include "server.h"
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
    "\n"
    "Logs one line per request to standard error. SIGTERM or SIGINT stops it cleanly.\n";

static const char usage_check[] =
    "usage: spkiosk check [PATH...]\n"
    "\n"
    "Checks procedure files or folders (default ./procedures). Prints every problem as\n"
    "FILE:LINE: message (warnings as FILE:LINE: warning: message). Exits 1 if there is\n"
    "any error, 0 otherwise.\n";

static int is_help(const char *s)
{
    return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0;
}

static int cmd_check(int argc, char **argv)
{
    struct diag_list diags = DIAG_LIST_INIT;
    int today = library_today(), i, failed = 0;

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

static int cmd_serve(int argc, char **argv)
{
    struct server_options o;
    int i;

    server_options_default(&o);
    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (is_help(a)) {
            fputs(usage_serve, stdout);
            return 0;
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
        } else if (strcmp(a, "--web") == 0) {
            o.web_dir = v;
        } else if (strcmp(a, "--threads") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 64) {
                fprintf(stderr, "spkiosk serve: --threads takes 1 to 64\n");
                return 2;
            }
            o.threads = (unsigned)n;
        } else {
            fprintf(stderr, "spkiosk serve: unknown option %s\n%s", a, usage_serve);
            return 2;
        }
        i++;
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
    fprintf(stderr, "spkiosk: unknown command %s\n%s", argv[1], usage_main);
    return 2;
}
