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

    temp_file(path, "\nmax-per-address = 64\n", 22);
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
