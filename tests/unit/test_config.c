/* Unit tests of serve's configuration (src/config.c): the table's defaults
 * are server_options_default's; every kind of option read from a file; the
 * file's problems with their lines (unknown key with a suggestion, bad
 * value, a key twice, no '=', bounds); SPKIOSK_* variables; flags; the
 * precedence flag > environment > file > default; the example file
 * dist/spkiosk.conf is the table's. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "hall.h"

/* The environment the tests hand config_load: NAME=VALUE strings. */
static const char *fake_env[8];

static const char *fake_getenv(const char *name)
{
    size_t i, n = strlen(name);

    for (i = 0; i < sizeof fake_env / sizeof fake_env[0] && fake_env[i]; i++)
        if (strncmp(fake_env[i], name, n) == 0 && fake_env[i][n] == '=')
            return fake_env[i] + n + 1;
    return NULL;
}

static void env_set(const char *a, const char *b, const char *c)
{
    memset(fake_env, 0, sizeof fake_env);
    fake_env[0] = a;
    fake_env[1] = b;
    fake_env[2] = c;
}

/* Parses text as a file and applies it. */
static void from_text(struct config *c, const char *text)
{
    cr_assert_eq(config_init(c), 0);
    cr_assert_eq(config_parse_text(c, "t.conf", text, strlen(text)), 0);
    cr_assert_eq(config_apply(c), 0);
}

/* A temporary file holding text; its path in path (caller unlinks). */
static void temp_file(char path[64], const char *text, size_t len)
{
    FILE *f;
    int fd;

    strcpy(path, "/tmp/spk-config-XXXXXX");
    fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    f = fdopen(fd, "w");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* SPKIOSK_CONFIG naming an empty temporary file, so that config_load does
 * not read this machine's CONFIG_DEFAULT_FILE (caller unlinks path). */
static char empty_config_var[96];

static void env_empty_file(char path[64])
{
    temp_file(path, "", 0);
    snprintf(empty_config_var, sizeof empty_config_var, "SPKIOSK_CONFIG=%s", path);
    env_set(empty_config_var, NULL, NULL);
}

static bool has_problem(const struct config *c, const char *text)
{
    size_t i;

    for (i = 0; i < c->n_problems; i++)
        if (strcmp(c->problems[i].text, text) == 0)
            return true;
    return false;
}

static void dump_problems(const struct config *c)
{
    size_t i;

    for (i = 0; i < c->n_problems; i++)
        fprintf(stderr, "problem: %s\n", c->problems[i].text);
}

static void assert_options_equal(const struct server_options *a, const struct server_options *b)
{
#define SAME_STR(m) cr_assert((!a->m && !b->m) || (a->m && b->m && !strcmp(a->m, b->m)), #m)
    SAME_STR(listen);
    SAME_STR(db_path);
    SAME_STR(procedures);
    SAME_STR(web_dir);
    SAME_STR(public_url);
    SAME_STR(notify_command);
    SAME_STR(tls_cert);
    SAME_STR(tls_key);
    SAME_STR(redirect_http);
#undef SAME_STR
    cr_assert_eq(a->threads, b->threads);
    cr_assert_eq(a->session_idle, b->session_idle);
    cr_assert_eq(a->retention_days, b->retention_days);
    cr_assert_eq(a->secure_cookies, b->secure_cookies);
    cr_assert_eq(a->quota.addr_burst, b->quota.addr_burst);
    cr_assert_eq(a->quota.addr_per_hour, b->quota.addr_per_hour);
    cr_assert_eq(a->quota.all_burst, b->quota.all_burst);
    cr_assert_eq(a->quota.all_per_hour, b->quota.all_per_hour);
    cr_assert_eq(a->quota.open_max, b->quota.open_max);
    cr_assert_eq(a->limits.max_total, b->limits.max_total);
    cr_assert_eq(a->limits.max_per_address, b->limits.max_per_address);
    cr_assert_eq(a->limits.header_s, b->limits.header_s);
    cr_assert_eq(a->limits.idle_s, b->limits.idle_s);
    cr_assert_eq(a->limits.body_rate, b->limits.body_rate);
    cr_assert_eq(a->limits.body_memory, b->limits.body_memory);
    cr_assert_eq(a->n_hosts, b->n_hosts);
}

Test(config, the_tables_defaults_are_server_options_default)
{
    struct server_options def;
    struct config c;
    char text[8192] = "";
    size_t i;

    for (i = 0; i < config_options_n; i++)
        if (config_options[i].def) {
            strcat(text, config_options[i].name);
            strcat(text, " = ");
            strcat(text, config_options[i].def);
            strcat(text, "\n");
        }
    from_text(&c, text);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 0);
    server_options_default(&def);
    assert_options_equal(&c.o, &def);
    config_free(&c);
}

Test(config, every_kind_is_read_from_a_file)
{
    struct config c;

    from_text(&c, "\xEF\xBB\xBF# a comment\n"
                  "\n"
                  "   # an indented comment\n"
                  "listen = 0.0.0.0:80\r\n"           /* CONFIG_STR, CRLF */
                  "public-url=https://hall.example/\n" /* CONFIG_STR with valid() */
                  "host = kiosk.hall\n"                /* CONFIG_STRS */
                  "\thost\t=\tdisplay.hall  \n"
                  "secure-cookies = yes\n"             /* CONFIG_FLAG */
                  "threads = 8\n"                      /* CONFIG_UINT */
                  "session-idle = 600\n"               /* CONFIG_LONG */
                  "retention-days = 0\n"               /* CONFIG_INT */
                  "body-memory = 2\n"                  /* CONFIG_MIB */
                  "case-quota = 5/60,10/120\n"         /* CONFIG_CUSTOM */
                  "notify-command = /usr/bin/sms --to x#y\n");
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_str_eq(c.o.listen, "0.0.0.0:80");
    cr_assert_str_eq(c.o.public_url, "https://hall.example/");
    cr_assert_eq(c.o.n_hosts, 2);
    cr_assert_str_eq(c.o.hosts[0], "kiosk.hall");
    cr_assert_str_eq(c.o.hosts[1], "display.hall");
    cr_assert_eq(c.o.secure_cookies, 1);
    cr_assert_eq(c.o.threads, 8);
    cr_assert_eq(c.o.session_idle, 600);
    cr_assert_eq(c.o.retention_days, 0);
    cr_assert_eq(c.o.limits.body_memory, (size_t)2 << 20);
    cr_assert_eq(c.o.quota.addr_burst, 5);
    cr_assert_eq(c.o.quota.all_per_hour, 120);
    cr_assert_str_eq(c.o.notify_command, "/usr/bin/sms --to x#y", "# inside a value is the value");
    cr_assert_eq(c.slots[0].src, CONFIG_FROM_FILE);
    cr_assert_eq(c.slots[0].v[0].line, 4, "the BOM and comments counted as lines");
    config_free(&c);

    from_text(&c, "secure-cookies = no\n");
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(c.o.secure_cookies, 0);
    config_free(&c);
}

Test(config, a_files_problems_carry_their_lines)
{
    struct config c;

    from_text(&c, "max-per-adress = 64\n"       /* 1 */
                  "threads = 65\n"              /* 2 */
                  "listen = 127.0.0.1:1\n"      /* 3 */
                  "listen = 127.0.0.1:2\n"      /* 4 */
                  "secure-cookies = maybe\n"    /* 5 */
                  "just words\n"                /* 6 */
                  "= 5\n"                       /* 7 */
                  "public-url = ftp://x\n"      /* 8 */
                  "retention-days = -1\n"       /* 9 */
                  "zzzzzzzzzzzz = 1\n"          /* 10 */
                  "config = /etc/other.conf\n"  /* 11 */
                  "db =\n"                      /* 12 */
                  "body-memory = 1 # MiB\n"     /* 13 */
                  "hall-phone = 0535-2222222  # 2027 起改号\n" /* 14 */
                  "hall-name = 东片#1\n");       /* 15: no blank before #: a value */
    dump_problems(&c);
    cr_assert(has_problem(&c, "t.conf:1: unknown key max-per-adress (did you mean max-per-address?)"));
    cr_assert(has_problem(&c, "t.conf:2: threads takes 1 to 64, not \"65\""));
    cr_assert(has_problem(&c, "t.conf:4: listen is set again (already on line 3); only a "
                              "repeatable key may be"));
    cr_assert(has_problem(&c, "t.conf:5: secure-cookies takes true, false, yes, no, 1 or 0"));
    cr_assert(has_problem(&c, "t.conf:6: expected KEY = VALUE"));
    cr_assert(has_problem(&c, "t.conf:7: expected KEY = VALUE"));
    cr_assert(has_problem(&c, "t.conf:8: public-url takes an http:// or https:// address of at "
                              "most 200 characters, without ? or #"));
    cr_assert(has_problem(&c, "t.conf:9: retention-days takes 0 to 3650, not \"-1\""));
    cr_assert(has_problem(&c, "t.conf:10: unknown key zzzzzzzzzzzz"));
    cr_assert(has_problem(&c, "t.conf:11: the file is named by --config or SPKIOSK_CONFIG, not in "
                              "a file"));
    cr_assert(has_problem(&c, "t.conf:12: db needs a value"));
    cr_assert(has_problem(&c, "t.conf:13: body-memory takes 1 to 4096, not \"1 # MiB\" (a # starts a comment only at the start of a line: put the comment on a line of its own)"));
    /* a text would have been shown to residents with its note: it is
     * taken off, and said (refused, it stopped a hall at an upgrade: an IT
     * officer's review) */
    cr_assert_str_eq(c.o.hall_contact[2], "0535-2222222");
    cr_assert_eq(c.n_notes, 1);
    cr_assert_str_eq(c.notes[0].text, "t.conf:14: hall-phone: the comment after the value is not part of it: read as \"0535-2222222\" (a # starts a comment only at the start of a line: put the comment on a line of its own)");
    cr_assert_str_eq(c.o.hall_name, "东片#1");
    cr_assert_eq(c.n_problems, 12);
    for (size_t i = 1; i < c.n_problems; i++)
        cr_assert_leq(c.problems[i - 1].line, c.problems[i].line, "told in line order");
    cr_assert_eq(c.o.threads, 4, "a bad value leaves the default");
    cr_assert_str_eq(c.o.listen, "127.0.0.1:2", "the later of a key twice");
    config_free(&c);
}

Test(config, a_files_size_lines_and_keys_are_bounded)
{
    char *text = malloc(CONFIG_FILE_MAX + 100), path[64], *argv[2];
    struct config c;
    size_t i, n = 0;

    cr_assert_not_null(text);
    /* a long line is refused, the next line still read */
    memset(text, 'x', CONFIG_LINE_MAX + 1);
    n = CONFIG_LINE_MAX + 1;
    memcpy(text + n, "\nthreads = 2\nhost = a\0b\n", 24);
    n += 24;
    cr_assert_eq(config_init(&c), 0);
    cr_assert_eq(config_parse_text(&c, "t.conf", text, n), 0);
    cr_assert_eq(config_apply(&c), 0);
    cr_assert(has_problem(&c, "t.conf:1: the line is longer than 4096 bytes"));
    cr_assert(has_problem(&c, "t.conf:3: the line holds a NUL byte"));
    cr_assert_eq(c.o.threads, 2);
    config_free(&c);

    /* more keys than CONFIG_KEYS_MAX: the rest is not read */
    for (n = 0, i = 0; i < CONFIG_KEYS_MAX + 5; i++)
        n += (size_t)sprintf(text + n, "host = h%zu\n", i);
    from_text(&c, text);
    cr_assert(has_problem(&c, "t.conf:257: more than 256 keys; the rest is not read"));
    /* told once: the lines past it are not read, so not told either */
    cr_assert_eq(c.n_problems, 2);
    cr_assert(has_problem(&c, "t.conf:17: host takes a name (letters, digits, '-' and '.'), up "
                              "to 16 times"), "the 17th host");
    cr_assert_eq(c.o.n_hosts, SERVER_HOSTS_MAX);
    config_free(&c);

    /* a file over CONFIG_FILE_MAX is not read at all */
    memset(text, '#', CONFIG_FILE_MAX + 1);
    temp_file(path, text, CONFIG_FILE_MAX + 1);
    argv[0] = "--config";
    argv[1] = path;
    env_set(NULL, NULL, NULL);
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert_eq(c.n_problems, 1);
    cr_assert(strstr(c.problems[0].text, ": larger than 64 KiB"));
    config_free(&c);
    unlink(path);
    free(text);
}

Test(config, precedence_is_flag_then_environment_then_file_then_default)
{
    static const char file[] = "threads = 3\nidle-timeout = 40\nhost = a.file\nhost = b.file\n"
                               "secure-cookies = true\n";
    char path[64], *argv[8];
    struct config c;

    temp_file(path, file, sizeof file - 1);

    /* the file alone */
    env_set(NULL, NULL, NULL);
    argv[0] = "--config";
    argv[1] = path;
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(c.o.threads, 3);
    cr_assert_eq(c.o.n_hosts, 2);
    cr_assert_eq(c.o.limits.header_s, 10, "default");
    config_free(&c);

    /* the environment over the file (SPKIOSK_CONFIG names the file) */
    {
        char cfg[80], threads[] = "SPKIOSK_THREADS=5", hosts[] = "SPKIOSK_HOST=x.env,y.env,z.env";
        snprintf(cfg, sizeof cfg, "SPKIOSK_CONFIG=%s", path);
        env_set(cfg, threads, hosts);
        cr_assert_eq(config_load(&c, 0, argv, fake_getenv), 0);
        dump_problems(&c);
        cr_assert_eq(c.n_problems, 0);
        cr_assert_eq(c.o.threads, 5);
        cr_assert_eq(c.o.limits.idle_s, 40, "the file's, no variable");
        cr_assert_eq(c.o.n_hosts, 3, "the variable's list replaces the file's");
        cr_assert_str_eq(c.o.hosts[2], "z.env");
        cr_assert_eq(c.slots[0].src, CONFIG_FROM_DEFAULT);
        config_free(&c);

        /* flags over both; a flag repeats, a later flag wins */
        argv[0] = "--threads";
        argv[1] = "7";
        argv[2] = "--host";
        argv[3] = "f.flag";
        argv[4] = "--threads=9";
        argv[5] = "--secure-cookies=false";
        cr_assert_eq(config_load(&c, 6, argv, fake_getenv), 0);
        cr_assert_eq(c.n_problems, 0);
        cr_assert_eq(c.o.threads, 9);
        cr_assert_eq(c.o.n_hosts, 1);
        cr_assert_str_eq(c.o.hosts[0], "f.flag");
        cr_assert_eq(c.o.secure_cookies, 0, "a flag may turn off what the file turned on");
        config_free(&c);
    }

    /* --config wins over SPKIOSK_CONFIG; a named file that is missing is a problem */
    env_set("SPKIOSK_CONFIG=/nonexistent/a.conf", NULL, NULL);
    cr_assert_eq(config_load(&c, 0, argv, fake_getenv), 0);
    cr_assert(has_problem(&c, "/nonexistent/a.conf: No such file or directory"));
    config_free(&c);
    argv[0] = "--config";
    argv[1] = path;
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_str_eq(c.file, path);
    config_free(&c);
    unlink(path);
}

Test(config, variables_and_flags_are_told_as_written)
{
    char *argv[6];
    struct config c;

    env_set("SPKIOSK_RETENTION_DAYS=x", "SPKIOSK_HOST=ok.name,bad name", "SPKIOSK_CONFIG=/nonexistent/b");
    argv[0] = "--max-conections";
    argv[1] = "5";
    argv[2] = "serve";
    argv[3] = "--listen";
    cr_assert_eq(config_load(&c, 4, argv, fake_getenv), 0);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 7);
    cr_assert_str_eq(c.problems[0].text, "/nonexistent/b: No such file or directory");
    /* the variables in the table's order, then the flags in argv's */
    cr_assert_str_eq(c.problems[1].text, "SPKIOSK_RETENTION_DAYS takes 0 to 3650, not \"x\"");
    cr_assert_str_eq(c.problems[2].text,
                     "SPKIOSK_HOST takes a name (letters, digits, '-' and '.'), up to 16 times");
    cr_assert_str_eq(c.problems[3].text,
                     "unknown option --max-conections (did you mean --max-connections?)");
    cr_assert_str_eq(c.problems[4].text, "5 is not an option");
    cr_assert_str_eq(c.problems[5].text, "serve is not an option");
    cr_assert_str_eq(c.problems[6].text, "--listen needs a value");
    config_free(&c);

    argv[0] = "--help";
    argv[1] = "--bogus";
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert(c.help);
    cr_assert_eq(c.n_problems, 0, "--help reads no file, variable or flag");
    config_free(&c);
}

Test(config, the_options_are_checked_together)
{
    struct config c;

    from_text(&c, "tls-cert = a.pem\n");
    cr_assert(has_problem(&c, "--tls-cert and --tls-key go together"));
    config_free(&c);
    from_text(&c, "redirect-http = 0.0.0.0:80\n");
    cr_assert(has_problem(&c, "--redirect-http sends browsers to HTTPS: it needs --tls-cert"));
    config_free(&c);
    from_text(&c, "max-connections = 16\nmax-per-address = 9\n");
    cr_assert(has_problem(&c, "--max-per-address must be at most half of --max-connections (16)"));
    config_free(&c);
    from_text(&c, "max-connections = 16\nmax-per-address = 8\n");
    cr_assert_eq(c.n_problems, 0);
    config_free(&c);
}

Test(config, variables_are_named_from_the_keys)
{
    char buf[64];

    cr_assert_str_eq(config_env_name("max-per-address", buf, sizeof buf), "SPKIOSK_MAX_PER_ADDRESS");
    cr_assert_null(config_env_name("max-per-address", buf, 20));
}

Test(config, the_check_output_says_where_each_value_came_from)
{
    char path[64], *argv[4], *out = NULL;
    struct config c;
    size_t len = 0;
    FILE *f;

    temp_file(path, "\nmax-per-address = 64\nhost = a.hall\nhost = b.hall\n", 50);
    env_set("SPKIOSK_IDLE_TIMEOUT=7", NULL, NULL);
    argv[0] = "--config";
    argv[1] = path;
    argv[2] = "--threads";
    argv[3] = "2";
    cr_assert_eq(config_load(&c, 4, argv, fake_getenv), 0);
    f = open_memstream(&out, &len);
    cr_assert_not_null(f);
    config_print(&c, f);
    fclose(f);
    cr_assert(strstr(out, "\nmax-per-address  = 64                        (file:2)\n"), "%s", out);
    /* a repeatable key: each value on its line */
    cr_assert(strstr(out, "\nhost             = a.hall                    (file:3)\n"
                          "host             = b.hall                    (file:4)\n"), "%s", out);
    cr_assert(strstr(out, "\nidle-timeout     = 7                         (env SPKIOSK_IDLE_TIMEOUT)\n"));
    cr_assert(strstr(out, "\nthreads          = 2                         (flag)\n"));
    cr_assert(strstr(out, "\nlisten           = 127.0.0.1:8080            (default)\n"));
    free(out);
    config_free(&c);
    unlink(path);
}

/* The example file, every key uncommented at its default, parses to the
 * defaults; and it is what the table writes. */
Test(config, the_example_file_is_the_tables)
{
    char *want = NULL, *have = NULL, *p, *line;
    size_t wlen = 0, hlen;
    struct server_options def;
    struct config c;
    FILE *f = open_memstream(&want, &wlen);

    cr_assert_not_null(f);
    config_example(f);
    fclose(f);
    f = fopen("../../dist/spkiosk.conf", "r");
    cr_assert_not_null(f, "dist/spkiosk.conf");
    have = calloc(1, 1 << 16);
    cr_assert_not_null(have);
    hlen = fread(have, 1, (1 << 16) - 1, f);
    fclose(f);
    cr_assert_str_eq(have, want, "dist/spkiosk.conf differs from the table: "
                                 "`build/spkiosk serve --example-config > dist/spkiosk.conf`");
    cr_assert_eq(hlen, wlen);

    /* uncomment the keys that have a default */
    for (line = have; (p = strstr(line, "\n#")); line = p + 1) {
        size_t i;
        for (i = 0; i < config_options_n; i++) {
            size_t n = strlen(config_options[i].name);
            if (config_options[i].def && strncmp(p + 2, config_options[i].name, n) == 0 &&
                strncmp(p + 2 + n, " = ", 3) == 0)
                p[1] = ' ';
        }
    }
    from_text(&c, have);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 0);
    server_options_default(&def);
    assert_options_equal(&c.o, &def);
    for (size_t i = 0; i < config_options_n; i++)
        cr_assert_eq(c.slots[i].src, config_options[i].def ? CONFIG_FROM_FILE : CONFIG_FROM_DEFAULT,
                     "%s", config_options[i].name);
    config_free(&c);
    free(have);
    free(want);
}

/* --trusted-proxy is repeatable and parsed into the proxy set, from a file
 * as from flags; a bad address is told with its line, and the 33rd refused. */
Test(config, trusted_proxies_are_read_into_the_set)
{
    struct config c;
    char many[33 * 32 + 1];
    size_t len = 0;

    from_text(&c, "trusted-proxy = 10.0.0.0/8\n"
                  "trusted-proxy = ::1\n"
                  "trusted-proxy = 300.1.1.1\n");
    dump_problems(&c);
    cr_assert_eq(c.o.trusted.n, 2);
    cr_assert(has_problem(&c, "t.conf:3: trusted-proxy takes an IPv4 or IPv6 address or CIDR "
                              "(10.0.0.0/8, fd00::/8), up to 32 times"));
    cr_assert_eq(c.n_problems, 1);
    config_free(&c);

    for (int i = 0; i < 33; i++)
        len += (size_t)snprintf(many + len, sizeof many - len, "trusted-proxy = 10.0.0.%d\n", i);
    from_text(&c, many);
    cr_assert_eq(c.o.trusted.n, 32);
    cr_assert_geq(c.n_problems, 1, "the 33rd proxy is refused");
    config_free(&c);
}

/* --hall-network likewise, into the quota's limits (an empty set there is
 * the private ranges); applied twice it holds the same nets. */
Test(config, hall_networks_are_read_into_the_quota_limits)
{
    struct config c;

    from_text(&c, "hall-network = 59.64.12.0/24\n"
                  "hall-network = 2408:8000:1234:5600::/56\n"
                  "hall-network = 59.64.12.1/24\n");
    dump_problems(&c);
    cr_assert_eq(c.o.quota.hall.n, 2);
    cr_assert(has_problem(&c, "t.conf:3: hall-network takes an IPv4 or IPv6 address or CIDR "
                              "(192.168.1.0/24, fd00::/8), up to 32 times"));
    cr_assert_eq(c.n_problems, 1);
    config_free(&c);

    from_text(&c, "hall-network = 10.0.0.0/8\n");
    cr_assert_eq(config_apply(&c), 0);
    cr_assert_eq(c.o.quota.hall.n, 1, "applied again: the same one net");
    config_free(&c);

    from_text(&c, "case-quota = 5/60,10/60\n");
    cr_assert_eq(c.o.quota.hall.n, 0, "unset: the defaults, and --case-quota leaves it");
    config_free(&c);

    /* the 33rd is refused and told, as the 33rd proxy is */
    {
        char many[33 * 40 + 1];
        size_t len = 0;

        for (int i = 0; i < 33; i++)
            len += (size_t)snprintf(many + len, sizeof many - len, "hall-network = 10.0.%d.0/24\n", i);
        from_text(&c, many);
        cr_assert_eq(c.o.quota.hall.n, 32);
        cr_assert(has_problem(&c, "t.conf:33: hall-network takes an IPv4 or IPv6 address or CIDR "
                                  "(192.168.1.0/24, fd00::/8), up to 32 times"));
        config_free(&c);
    }
}

/* config_apply applies the slots over the defaults: applied again it gives
 * the same options. server_options_default left the proxy set as it was,
 * so each apply added the proxies once more (and a second apply of 17 was
 * refused past 32). */
Test(config, applied_twice_the_proxies_are_the_same)
{
    struct config c;

    from_text(&c, "trusted-proxy = 10.0.0.0/8\n"
                  "trusted-proxy = ::1\n");
    cr_assert_eq(c.o.trusted.n, 2);
    cr_assert_eq(config_apply(&c), 0);
    cr_assert_eq(c.o.trusted.n, 2);
    cr_assert_eq(c.n_problems, 0);
    config_free(&c);
}

/* Past CONFIG_PROBLEMS_MAX problems only a count is kept, and told as one
 * "and N more" line; notes past it are dropped. */
Test(config, problems_and_notes_stop_at_the_cap)
{
    char text[8192], *out = NULL;
    struct config c;
    size_t len = 0, n = 0;
    FILE *f;
    int i;

    for (i = 0; i < CONFIG_PROBLEMS_MAX + 1; i++)
        n += (size_t)sprintf(text + n, "just words\n");
    from_text(&c, text);
    cr_assert_eq(c.n_problems, CONFIG_PROBLEMS_MAX);
    cr_assert_eq(c.more_problems, 1);
    f = open_memstream(&out, &len);
    cr_assert_not_null(f);
    config_problems_print(&c, f, "> ");
    fclose(f);
    cr_assert(strstr(out, "\n> and 1 more problems\n"), "%s", out);
    free(out);
    config_free(&c);

    /* 103 values with a trailing comment, each a note */
    n = (size_t)sprintf(text, "tls-cert = c.pem\ntls-key = k.pem\n");
    for (i = 0; i < 16; i++)
        n += (size_t)sprintf(text + n, "host = h%d.hall # c\nmetrics-allow = 10.1.%d.0/24 # c\n",
                             i, i);
    for (i = 0; i < 32; i++)
        n += (size_t)sprintf(text + n, "trusted-proxy = 10.2.%d.0/24 # c\n"
                             "hall-network = 10.3.%d.0/24 # c\n", i, i);
    n += (size_t)sprintf(text + n, "hall-name = a # c\nhall-location = b # c\nhall-hours = c # c\n"
                         "hall-phone = d # c\nlisten = 0.0.0.0:1 # c\nredirect-http = 0.0.0.0:2 # c\n"
                         "public-url = https://k.hall/ # c\n");
    from_text(&c, text);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(c.n_notes, CONFIG_PROBLEMS_MAX);
    config_free(&c);
}

/* Every address and name loses a comment after it (docs/deployment.md,
 * Configuration), hall-network too; a variable's value is taken whole (only
 * a file has comments), and a tab before the # is a blank. */
Test(config, addresses_and_names_lose_a_trailing_comment)
{
    static const char text[] = "tls-cert = c.pem\ntls-key = k.pem\n"
                               "host = kiosk.hall # the kiosk\n"
                               "redirect-http = 0.0.0.0:80 # plain\n"
                               "trusted-proxy = 10.0.0.1 # nginx\n"
                               "hall-network = 192.168.1.0/24 # wifi\n"
                               "metrics-allow = 10.9.0.0/16 # prometheus\n"
                               "hall-phone = 0535-1234567\t# new\n"
                               "hall-name = 东片#1 # the east hall\n";
    char *argv[2] = {"--config", NULL}, path[64];
    struct config c;

    from_text(&c, text);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(c.n_notes, 7);
    cr_assert_str_eq(c.o.hall_name, "东片#1", "the # after a blank starts the comment");
    cr_assert_str_eq(c.o.hosts[0], "kiosk.hall");
    cr_assert_str_eq(c.o.redirect_http, "0.0.0.0:80");
    cr_assert_eq(c.o.trusted.n, 1);
    cr_assert_eq(c.o.quota.hall.n, 1);
    cr_assert_str_eq(c.o.metrics_allow[0], "10.9.0.0/16");
    cr_assert_str_eq(c.o.hall_contact[2], "0535-1234567");
    config_free(&c);

    temp_file(path, "", 0);
    argv[1] = path;
    memset(fake_env, 0, sizeof fake_env);
    fake_env[0] = "SPKIOSK_HALL_PHONE=0535-1234567 # new";
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(c.n_notes, 0);
    cr_assert_str_eq(c.o.hall_contact[2], "0535-1234567 # new");
    config_free(&c);
    unlink(path);
}

/* A key is its whole name (a prefix is unknown); "did you mean" names an
 * option at most two edits away, and none further. */
Test(config, a_key_is_matched_whole_and_suggested_within_two_edits)
{
    struct config c;

    from_text(&c, "thread = 2\n"
                  "thrxxxs = 2\n"
                  "hall-phonex = 1\n");
    dump_problems(&c);
    cr_assert(has_problem(&c, "t.conf:1: unknown key thread (did you mean threads?)"));
    cr_assert(has_problem(&c, "t.conf:2: unknown key thrxxxs"), "three edits: no suggestion");
    cr_assert(has_problem(&c, "t.conf:3: unknown key hall-phonex (did you mean hall-phone?)"));
    cr_assert_eq(c.o.threads, 4);
    config_free(&c);
}

/* An unknown name is told with at most 64 of its bytes, controls (DEL too)
 * as '?'. */
Test(config, an_unknown_name_is_shown_cut_and_without_controls)
{
    char text[128];
    struct config c;

    memset(text, 'q', 65);
    strcpy(text + 65, " = 1\nqq\x1fq\x7fq\x01 = 1\n");
    from_text(&c, text);
    dump_problems(&c);
    memset(text, 'q', 64);
    strcpy(text + 64, "...");
    cr_assert_str_eq(c.problems[0].text + strlen("t.conf:1: unknown key "), text);
    cr_assert_str_eq(c.problems[1].text, "t.conf:2: unknown key qq?q?q?");
    config_free(&c);
}

/* A file that is only a BOM is empty; the last line is read without a line
 * end; a line of exactly CONFIG_LINE_MAX bytes is read; a tab at a line's
 * end is a blank. */
Test(config, a_bom_alone_and_a_line_at_the_cap_are_read)
{
    char *text = malloc(CONFIG_LINE_MAX + 32);
    struct config c;
    size_t n;

    cr_assert_not_null(text);
    cr_assert_eq(config_init(&c), 0);
    cr_assert_eq(config_parse_text(&c, "t.conf", "\xEF\xBB\xBF", 3), 0);
    cr_assert_eq(config_apply(&c), 0);
    cr_assert_eq(c.n_problems, 0);
    config_free(&c);

    /* the last line needs no line end */
    from_text(&c, "threads = 8");
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(c.o.threads, 8);
    config_free(&c);

    n = (size_t)sprintf(text, "notify-command = ");
    memset(text + n, 'x', CONFIG_LINE_MAX - n);
    strcpy(text + CONFIG_LINE_MAX, "\nthreads = 8\t\n");
    from_text(&c, text);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(strlen(c.o.notify_command), CONFIG_LINE_MAX - n);
    cr_assert_eq(c.o.threads, 8);
    config_free(&c);
    free(text);
}

/* A file of exactly 64 KiB is read; a folder is not a file. */
Test(config, the_file_is_a_regular_file_of_at_most_64_kib)
{
    char *text = malloc(CONFIG_FILE_MAX), path[64], *argv[2] = {"--config", NULL};
    struct config c;
    size_t i;

    cr_assert_not_null(text);
    memset(text, '#', CONFIG_FILE_MAX);
    for (i = 63; i < CONFIG_FILE_MAX; i += 64)
        text[i] = '\n';
    temp_file(path, text, CONFIG_FILE_MAX);
    env_set(NULL, NULL, NULL);
    argv[1] = path;
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 0);
    cr_assert(c.file_found);
    config_free(&c);
    unlink(path);
    free(text);

    argv[1] = "/tmp";
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert_eq(c.n_problems, 1);
    cr_assert_str_eq(c.problems[0].text, "/tmp: not a regular file");
    config_free(&c);
}

/* A variable set empty counts as unset (SPKIOSK_CONFIG too: the default
 * file, which may be missing); one of 4,096 bytes is read, 4,097 refused;
 * a custom option's value keeps its commas. */
Test(config, variables_empty_are_unset_and_are_bounded)
{
    char *big = malloc(CONFIG_VALUE_MAX + 32), path[64];
    struct config c;

    cr_assert_not_null(big);
    env_set("SPKIOSK_CONFIG=", NULL, NULL);
    cr_assert_eq(config_load(&c, 0, NULL, fake_getenv), 0);
    cr_assert_str_eq(c.file, CONFIG_DEFAULT_FILE, "the default file, which may be missing");
    cr_assert(!has_problem(&c, ": No such file or directory"));
    config_free(&c);

    env_empty_file(path);
    fake_env[1] = "SPKIOSK_DB=";
    fake_env[2] = "SPKIOSK_CASE_QUOTA=5/60,10/120";
    strcpy(big, "SPKIOSK_NOTIFY_COMMAND=");
    memset(big + 23, 'x', CONFIG_VALUE_MAX);
    big[23 + CONFIG_VALUE_MAX] = '\0';
    fake_env[3] = big;
    cr_assert_eq(config_load(&c, 0, NULL, fake_getenv), 0);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_str_eq(c.o.db_path, "./var/spkiosk.db");
    cr_assert_eq(c.slots[1].src, CONFIG_FROM_DEFAULT, "db");
    cr_assert_eq(c.o.quota.addr_burst, 5);
    cr_assert_eq(c.o.quota.all_per_hour, 120);
    cr_assert_eq(strlen(c.o.notify_command), CONFIG_VALUE_MAX);
    config_free(&c);

    strcpy(big + 23 + CONFIG_VALUE_MAX, "x");
    cr_assert_eq(config_load(&c, 0, NULL, fake_getenv), 0);
    cr_assert(has_problem(&c, "SPKIOSK_NOTIFY_COMMAND: longer than 4096 bytes"));
    cr_assert_null(c.o.notify_command);
    config_free(&c);
    unlink(path);
    free(big);
}

/* The meta options among the flags: -h, --config=FILE, a value spelled
 * like a meta option, a flag option (no value) before one, --config with
 * nothing after it. */
Test(config, meta_options_are_found_among_the_flags)
{
    char path[64], eqpath[80], *argv[4];
    struct config c;

    env_set("SPKIOSK_CONFIG=/nonexistent/c", NULL, NULL);
    argv[0] = "-h";
    cr_assert_eq(config_load(&c, 1, argv, fake_getenv), 0);
    cr_assert(c.help);
    config_free(&c);

    temp_file(path, "threads = 3\n", 12);
    snprintf(eqpath, sizeof eqpath, "--config=%s", path);
    argv[0] = eqpath;
    cr_assert_eq(config_load(&c, 1, argv, fake_getenv), 0);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(c.o.threads, 3);
    config_free(&c);
    unlink(path);

    env_empty_file(path);
    argv[0] = "--db";
    argv[1] = "--help";
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert(!c.help, "--help is --db's value");
    cr_assert_str_eq(c.o.db_path, "--help");
    config_free(&c);

    argv[0] = "--secure-cookies";
    argv[1] = "--check-config";
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert(c.check, "a flag option takes no value");
    cr_assert_eq(c.o.secure_cookies, 1, "alone, true");
    config_free(&c);

    argv[0] = "--config";
    cr_assert_eq(config_load(&c, 1, argv, fake_getenv), 0);
    cr_assert(has_problem(&c, "--config needs a value"));
    config_free(&c);
    unlink(path);
}

/* A repeated repeatable flag adds a value; a flag's value of 4,096 bytes is
 * read, 4,097 refused. */
Test(config, flags_repeat_and_are_bounded)
{
    char *big = malloc(CONFIG_VALUE_MAX + 2), *argv[4], path[64];
    struct config c;

    cr_assert_not_null(big);
    env_empty_file(path);
    argv[0] = "--host";
    argv[1] = "a.hall";
    argv[2] = "--host=b.hall";
    cr_assert_eq(config_load(&c, 3, argv, fake_getenv), 0);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(c.o.n_hosts, 2);
    cr_assert_str_eq(c.o.hosts[0], "a.hall");
    cr_assert_str_eq(c.o.hosts[1], "b.hall");
    config_free(&c);

    memset(big, 'x', CONFIG_VALUE_MAX);
    big[CONFIG_VALUE_MAX] = '\0';
    argv[0] = "--notify-command";
    argv[1] = big;
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert_eq(c.n_problems, 0);
    cr_assert_eq(strlen(c.o.notify_command), CONFIG_VALUE_MAX);
    config_free(&c);
    strcpy(big + CONFIG_VALUE_MAX, "x");
    cr_assert_eq(config_load(&c, 2, argv, fake_getenv), 0);
    cr_assert(has_problem(&c, "--notify-command: longer than 4096 bytes"));
    config_free(&c);
    unlink(path);
    free(big);
}

/* A number is ASCII digits within its bounds (no sign, not under the
 * minimum); a flag option takes 1 for true. */
Test(config, numbers_are_digits_within_bounds)
{
    struct config c;

    from_text(&c, "header-timeout = 0\nthreads = +8\nsecure-cookies = 1\nretention-days =\n");
    dump_problems(&c);
    cr_assert(has_problem(&c, "t.conf:2: threads takes 1 to 64, not \"+8\""));
    cr_assert(has_problem(&c, "t.conf:4: retention-days takes 0 to 3650, not \"\""), "empty is no 0");
    cr_assert_eq(c.n_problems, 3);
    /* threads comes first in the table, header-timeout in the file */
    cr_assert_eq(c.problems[0].line, 1, "told in line order, not the table's");
    cr_assert_eq(c.o.threads, 4);
    cr_assert_eq(c.o.limits.header_s, 10);
    cr_assert_eq(c.o.secure_cookies, 1);
    cr_assert_eq(c.o.retention_days, 30);
    config_free(&c);

    from_text(&c, "secure-cookies = 0\n");
    cr_assert_eq(c.n_problems, 0, "0 is false");
    cr_assert_eq(c.o.secure_cookies, 0);
    config_free(&c);
}

/* The options together are told after every flag's problem. */
Test(config, the_options_together_are_told_last)
{
    char *argv[4] = {"--tls-cert", "c.pem", "--threads", "0"};
    struct config c;

    env_set("SPKIOSK_CONFIG=/nonexistent/d", NULL, NULL);
    cr_assert_eq(config_load(&c, 4, argv, fake_getenv), 0);
    dump_problems(&c);
    cr_assert_eq(c.n_problems, 3);
    cr_assert_str_eq(c.problems[0].text, "/nonexistent/d: No such file or directory");
    cr_assert_str_eq(c.problems[1].text, "--threads takes 1 to 64, not \"0\"");
    cr_assert_str_eq(c.problems[2].text, "--tls-cert and --tls-key go together");
    config_free(&c);
}

/* tls-key without tls-cert is refused as tls-cert without tls-key is. */
Test(config, a_key_alone_is_refused)
{
    struct config c;

    from_text(&c, "tls-key = k.pem\n");
    cr_assert(has_problem(&c, "--tls-cert and --tls-key go together"));
    config_free(&c);
}

/* config_env_name writes "SPKIOSK_", the name and a NUL: a buffer of just
 * that is enough, one byte less is not. */
Test(config, a_variables_name_fits_its_buffer_exactly)
{
    char buf[64];

    cr_assert_not_null(config_env_name("max-per-address", buf, 24));
    cr_assert_null(config_env_name("max-per-address", buf, 23));
}

/* --help gives each option's default, and a number's bounds. */
Test(config, help_says_the_defaults_and_bounds)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    cr_assert_not_null(f);
    config_usage(f);
    fclose(f);
    cr_assert(strstr(out, "(default 127.0.0.1:8080)\n"), "%s", out);
    cr_assert(strstr(out, "(default 4; 1 to 64)\n"));
    /* a help's later lines are indented under its first */
    cr_assert(strstr(out, " printed on\n                      standard error)\n"));
    /* an option as long as the help's indent still has two blanks before
     * its text */
    cr_assert(strstr(out, "\n  --max-per-address N  connections from one address"));
    free(out);
}

/* A bound's unit is told with it (session-idle's seconds). */
Test(config, a_bad_number_is_told_with_its_unit)
{
    struct config c;

    from_text(&c, "session-idle = 0\n");
    cr_assert_eq(c.n_problems, 1);
    cr_assert(strstr(c.problems[0].text, "t.conf:1: session-idle takes 1 to ") &&
              strstr(c.problems[0].text, " seconds, not \"0\""), "%s", c.problems[0].text);
    config_free(&c);
}

/* Only a repeatable key may be written twice: a number, a flag and a
 * custom key too (the later line is used). */
Test(config, any_key_but_a_repeatable_one_twice_is_a_problem)
{
    struct config c;

    from_text(&c, "threads = 2\nthreads = 3\nsecure-cookies = yes\nsecure-cookies = no\n"
                  "case-quota = 5/60,10/120\ncase-quota = 6/60,10/120\n");
    dump_problems(&c);
    cr_assert(has_problem(&c, "t.conf:2: threads is set again (already on line 1); only a "
                              "repeatable key may be"));
    cr_assert(has_problem(&c, "t.conf:4: secure-cookies is set again (already on line 3); only a "
                              "repeatable key may be"));
    cr_assert(has_problem(&c, "t.conf:6: case-quota is set again (already on line 5); only a "
                              "repeatable key may be"));
    cr_assert_eq(c.o.threads, 3);
    cr_assert_eq(c.o.quota.addr_burst, 6);
    config_free(&c);
}

/* Each text is checked by its option's own rule and refused with its
 * words; the hall's contact lines land in their own places. */
Test(config, each_text_has_its_check)
{
    char text[2048], a91[92], a201[202];
    struct config c;

    memset(a91, 'a', 91);
    a91[91] = '\0';
    memset(a201, 'a', 201);
    a201[201] = '\0';
    snprintf(text, sizeof text, "tls-cert = c.pem\ntls-key = k.pem\n"
             "hall-name = %s\nhall-location = %s\nhall-hours = %s\nhall-phone = %s\n"
             "redirect-http = 0.0.0.0:65536\nmetrics-allow = 300.0.0.1\n",
             a91, a201, a201, a201);
    from_text(&c, text);
    dump_problems(&c);
    cr_assert(has_problem(&c, "t.conf:3: hall-name takes 1 to 90 bytes of text on one line"));
    cr_assert(has_problem(&c, "t.conf:4: hall-location takes 1 to 200 bytes of text on one line"));
    cr_assert(has_problem(&c, "t.conf:5: hall-hours takes 1 to 200 bytes of text on one line"));
    cr_assert(has_problem(&c, "t.conf:6: hall-phone takes 1 to 200 bytes of text on one line"));
    cr_assert(has_problem(&c, "t.conf:7: redirect-http takes HOST:PORT, such as 127.0.0.1:8080, "
                              "0.0.0.0:80 or [::]:8080 (a port from 0 to 65535, nothing after "
                              "it: a comment goes on a line of its own)"));
    cr_assert(has_problem(&c, "t.conf:8: metrics-allow takes an IPv4 or IPv6 address or network "
                              "(ADDR/BITS), up to 16 times"));
    cr_assert_eq(c.n_problems, 6);
    config_free(&c);

    from_text(&c, "hall-location = L\nhall-hours = H\nhall-phone = P\n");
    cr_assert_eq(c.n_problems, 0);
    cr_assert_str_eq(c.o.hall_contact[HALL_LOCATION], "L");
    cr_assert_str_eq(c.o.hall_contact[HALL_HOURS], "H");
    cr_assert_str_eq(c.o.hall_contact[HALL_PHONE], "P");
    config_free(&c);
}
