/* config: serve's options from flags, SPKIOSK_* variables and a file, by
 * one table (config_options). Each layer records what it gives per option
 * in a slot (the layer above replaces a slot's values, a repeatable key
 * repeats within a layer); config_apply then parses the winners over the
 * defaults, so a problem is told where the value was written. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hall.h"
#include "hosts.h"
#include "metrics.h"
#include "notify.h"
#include "print.h"
#include "quota.h"
#include "sessions.h"
#include "sweep.h"
#include "xff.h"

static int config_set_case_quota(const char *v, struct server_options *o)
{
    return quota_limits_parse(v, &o->quota);
}

/* one more reverse proxy whose X-Forwarded-For names the client (xff.h) */
static int config_add_trusted_proxy(const char *v, struct server_options *o)
{
    struct xff_net net;

    if (xff_net_parse(v, &net) != 0)
        return -1;
    return xff_set_add(&o->trusted, &net);
}

/* one more network of the hall's own (quota.h: its own overall buckets and
 * cap on open cases); the first one given replaces the defaults */
static int config_add_hall_network(const char *v, struct server_options *o)
{
    struct xff_net net;

    if (xff_net_parse(v, &net) != 0)
        return -1;
    return xff_set_add(&o->quota.hall, &net);
}

#define OPT(m) offsetof(struct server_options, m)
#define CONFIG_LISTEN_BAD                                                                    \
    "HOST:PORT, such as 127.0.0.1:8080, 0.0.0.0:80 or [::]:8080 (a port from 0 to 65535, "  \
    "nothing after it: a comment goes on a line of its own)"

/* serve's options, in --help's order. A default here must be what
 * server_options_default sets: tests/unit/test_config.c compares them. */
const struct config_option config_options[] = {
    {"listen", CONFIG_STR, "HOST:PORT", 0, 0, OPT(listen), 0, hosts_listen_valid, NULL,
     "127.0.0.1:8080", CONFIG_LISTEN_BAD,
     "address to listen on (port 0 picks a free port, printed on\nstandard error)"},
    {"db", CONFIG_STR, "FILE", 0, 0, OPT(db_path), 0, NULL, NULL, "./var/spkiosk.db", NULL,
     "SQLite database (its folder is created)"},
    {"procedures", CONFIG_STR, "DIR", 0, 0, OPT(procedures), 0, NULL, NULL, "./procedures", NULL,
     "procedure files"},
    {"web", CONFIG_STR, "DIR", 0, 0, OPT(web_dir), 0, NULL, NULL, NULL, NULL,
     "serve the web UI from DIR instead of the built-in copy"},
    {"threads", CONFIG_UINT, "N", 1, 64, OPT(threads), 0, NULL, NULL, "4", NULL,
     "worker threads"},
    {"session-idle", CONFIG_LONG, "S", 1, SESSIONS_IDLE_MAX, OPT(session_idle), 0, NULL, NULL,
     "1800", " seconds", "seconds without a request that end a staff or admin session"},
    {"retention-days", CONFIG_INT, "N", 0, SWEEP_RETENTION_MAX, OPT(retention_days), 0, NULL,
     NULL, "30", NULL,
     "days a completed or abandoned case keeps what residents and\nstaff typed before it is "
     "erased; its anonymous figures stay\nfor statistics (0 erases within a minute); an open "
     "call-back\nholds its case until its due date is that many days past"},
    {"case-quota", CONFIG_CUSTOM, "AB/AH,OB/OH", 0, 0, 0, 0, NULL, config_set_case_quota,
     "200/3600,300/3600",
     "AB/AH,OB/OH, four numbers of 1 to 1000000, e.g. 200/3600,300/3600",
     "cases the public may start, and hand in, without a login:\nAB in a row then AH an hour "
     "from one address (an IPv6 /64),\nOB in a row then OH an hour from everyone together "
     "on each\nside of hall-network; past it 429 with Retry-After (staff\nat the window are not "
     "counted)"},
    {"open-cases-max", CONFIG_LONG, "N", 1, QUOTA_VALUE_MAX, OPT(quota.open_max), 0, NULL, NULL,
     "5000", NULL,
     "cases the public may have open (being filled in) at once,\non each side of "
     "hall-network; past it that side's new cases\nget 503"},
    {"host", CONFIG_STRS, "NAME", 0, SERVER_HOSTS_MAX, OPT(hosts), OPT(n_hosts), hosts_name_valid,
     NULL, NULL, "a name (letters, digits, '-' and '.'), up to 16 times",
     "a name the daemon answers to besides localhost, this machine's\nname, the listen and "
     "public-url hosts and IP addresses\n(repeatable, up to 16); another Host gets 421 (DNS "
     "rebinding)"},
    {"secure-cookies", CONFIG_FLAG, NULL, 0, 0, OPT(secure_cookies), 0, NULL, NULL, "false",
     NULL, "mark session cookies Secure (when a TLS proxy serves the daemon)"},
    {"tls-cert", CONFIG_STR, "FILE", 0, 0, OPT(tls_cert), 0, NULL, NULL, NULL, NULL,
     "serve HTTPS with this PEM certificate (chain) and the key of\ntls-key (both or neither): "
     "cookies Secure, every answer with\nStrict-Transport-Security (docs/deployment.md: a LAN "
     "certificate)"},
    {"tls-key", CONFIG_STR, "FILE", 0, 0, OPT(tls_key), 0, NULL, NULL, NULL, NULL,
     "the PEM private key of tls-cert"},
    {"redirect-http", CONFIG_STR, "HOST:PORT", 0, 0, OPT(redirect_http), 0, hosts_listen_valid,
     NULL, NULL, CONFIG_LISTEN_BAD, "with tls-cert, also listen for plain HTTP there and answer\nevery request 308 to the "
     "same page over HTTPS"},
    {"public-url", CONFIG_STR, "URL", 0, 0, OPT(public_url), 0, print_public_url_valid, NULL, NULL,
     "an http:// or https:// address of at most 200 characters, without ? or #",
     "the kiosk's address as phones reach it (http:// or https://, at\nmost 200 characters): the "
     "QR codes of slips and correction\nnotices then hold URL/#/case/ID; without it, the bare "
     "case id"},
    {"hall-name", CONFIG_STR, "NAME", 0, 0, OPT(hall_name), 0, notify_hall_valid, NULL, NULL,
     "1 to 90 bytes of text on one line",
     "the hall's name (幸福路社区便民服务中心, at most 90 bytes): the\ntexts residents are sent say where "
     "they applied (您在NAME办理的…),\nand the call screen shows it; several halls may share one\n"
     "library and one SMS gateway. Without it, 社区便民服务中心"},
    {"hall-location", CONFIG_STR, "TEXT", 0, 0, OPT(hall_contact[HALL_LOCATION]), 0,
     hall_contact_valid, NULL, NULL, "1 to 200 bytes of text on one line",
     "the hall's 办理地点 (幸福路88号 一楼综合窗口, at most 200\nbytes) for every procedure "
     "that does not give its own\n`location`: halls sharing one library each give theirs"},
    {"hall-hours", CONFIG_STR, "TEXT", 0, 0, OPT(hall_contact[HALL_HOURS]), 0,
     hall_contact_valid, NULL, NULL, "1 to 200 bytes of text on one line",
     "the hall's 办理时间 (周一至周五 9:00-17:00) for every\nprocedure without its own `hours`"},
    {"hall-phone", CONFIG_STR, "TEXT", 0, 0, OPT(hall_contact[HALL_PHONE]), 0,
     hall_contact_valid, NULL, NULL, "1 to 200 bytes of text on one line",
     "the hall's 咨询电话 (0535-1234567) for every procedure\nwithout its own `phone`"},
    {"notify-command", CONFIG_STR, "CMD", 0, 0, OPT(notify_command), 0, NULL, NULL, NULL, NULL,
     "run CMD for each resident to tell that a case is ready,\nreturned or rejected: CMD is split "
     "on spaces only (no shell,\nno quotes); the number and text are in its environment\n"
     "(SPKIOSK_PHONE, SPKIOSK_TEXT, SPKIOSK_KIND, SPKIOSK_TICKET);\nexit 0 is sent, anything else "
     "is retried later (after 1, 5,\n15, 60 minutes, then every 6 hours, 12 runs in all); a run "
     "is\nkilled after 30 s. Without it the staff page lists whom to phone"},
    {"notify-completed", CONFIG_FLAG, NULL, 0, 0, OPT(notify_completed), 0, NULL, NULL, "false",
     NULL,
     "also tell a resident that a case of an item without pickup\nis finished (办结告知, kind "
     "completed): sent by\nnotify-command, else listed for the staff to phone; not when\nit "
     "was finished at a window in the sitting that accepted it\n(the resident is there), nor "
     "for a case without a phone number"},
    {"max-connections", CONFIG_UINT, "N", CONNS_TOTAL_MIN, CONNS_TOTAL_MAX, OPT(limits.max_total),
     0, NULL, NULL, "1000", NULL,
     "open connections; once 1/8 of it or one address's share is\nall that is free, idle ones "
     "(and answers going out for over a\nsecond) of the address holding the most are closed "
     "first"},
    {"max-per-address", CONFIG_UINT, "N", 1, CONNS_TOTAL_MAX / 2, OPT(limits.max_per_address), 0,
     NULL, NULL, "128", NULL, "connections from one address (at most half of max-connections)"},
    {"header-timeout", CONFIG_UINT, "S", 1, CONNS_SECONDS_MAX, OPT(limits.header_s), 0, NULL, NULL,
     "10", NULL,
     "a request's headers must arrive within S seconds (a kept-alive\nconnection has "
     "idle-timeout more), and a body at 2 KiB/s\nafter that"},
    {"idle-timeout", CONFIG_UINT, "S", 1, CONNS_SECONDS_MAX, OPT(limits.idle_s), 0, NULL, NULL,
     "30", NULL, "close a connection silent for S seconds"},
    {"body-memory", CONFIG_MIB, "MIB", 1, CONNS_BODY_MEMORY_MAX_MIB, OPT(limits.body_memory), 0,
     NULL, NULL, "64", NULL,
     "memory all request bodies in flight may take together;\npast it a request is answered 503"},
    {"trusted-proxy", CONFIG_STRS, "ADDR", 0, XFF_NETS_MAX, 0, 0, NULL, config_add_trusted_proxy,
     NULL, "an IPv4 or IPv6 address or CIDR (10.0.0.0/8, fd00::/8), up to 32 times",
     "a reverse proxy in front (an IPv4 or IPv6 address or CIDR;\nrepeatable, up to 32): a "
     "request from it counts against the\nclient its X-Forwarded-For names (the right-most "
     "entry that is\nnot a trusted proxy; a missing or unreadable header: the proxy\nitself) in "
     "every per-address rule, and the proxy is exempt from\nmax-per-address (not from "
     "max-connections)"},
    {"hall-network", CONFIG_STRS, "ADDR", 0, XFF_NETS_MAX, 0, 0, NULL, config_add_hall_network,
     NULL, "an IPv4 or IPv6 address or CIDR (192.168.1.0/24, fd00::/8), up to 32 times",
     "the hall's own network (an address or CIDR; repeatable, up\nto 32; when unset, the "
     "private, loopback and link-local\nranges; the first given replaces them all): its "
     "clients (the\nkiosks, the hall's Wi-Fi) and everyone else each have their\nown overall "
     "case-quota and open-cases-max, their own count\nof failed ticket lookups and their "
     "own bound on failed\nlogins at a name, so that a flood from the internet cannot\nstop "
     "the kiosks or a staffer's login in the hall"},
    {"log-file", CONFIG_STR, "FILE", 0, 0, OPT(log_file), 0, NULL, NULL, NULL, NULL,
     "append the log to FILE instead of standard error; SIGHUP\nreopens it (after logrotate "
     "renamed it) and reloads"},
    {"metrics-allow", CONFIG_STRS, "ADDR[/BITS]", 0, METRICS_ALLOW_MAX, OPT(metrics_allow),
     OPT(n_metrics_allow), metrics_allow_valid, NULL, NULL,
     "an IPv4 or IPv6 address or network (ADDR/BITS), up to 16 times",
     "an address or network that may read GET /metrics\n(repeatable, up to 16; when unset, "
     "127.0.0.0/8 and ::1); to\nany other address /metrics does not exist (404)"},
};
const size_t config_options_n = sizeof config_options / sizeof config_options[0];

enum { LAYER_FILE, LAYER_ENV, LAYER_FLAG, LAYER_WHOLE };

static int config_layer(enum config_source s)
{
    return s == CONFIG_FROM_FILE ? LAYER_FILE : s == CONFIG_FROM_ENV ? LAYER_ENV : LAYER_FLAG;
}

static void config_problem(struct config *c, int layer, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records one note (config.h); past CONFIG_PROBLEMS_MAX they are dropped:
 * a note never stops the daemon, the first ones say what to fix. */
static void config_note(struct config *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void config_note(struct config *c, int line, const char *fmt, ...)
{
    struct config_problem *p;
    char buf[1024];
    va_list ap;

    if (c->n_notes == CONFIG_PROBLEMS_MAX)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!(p = realloc(c->notes, (c->n_notes + 1) * sizeof *p))) {
        c->oom = true;
        return;
    }
    c->notes = p;
    p[c->n_notes] = (struct config_problem){0, line, c->n_notes, strdup(buf)};
    if (!p[c->n_notes].text) {
        c->oom = true;
        return;
    }
    c->n_notes++;
}

/* Records one problem; past CONFIG_PROBLEMS_MAX only counts it. */
static void config_problem(struct config *c, int layer, int line, const char *fmt, ...)
{
    struct config_problem *p;
    char buf[1024];
    va_list ap;

    if (c->n_problems == CONFIG_PROBLEMS_MAX) {
        c->more_problems++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    p = realloc(c->problems, (c->n_problems + 1) * sizeof *p);
    if (!p) {
        c->oom = true;
        return;
    }
    c->problems = p;
    p[c->n_problems].layer = layer;
    p[c->n_problems].line = line;
    p[c->n_problems].seq = c->n_problems;
    p[c->n_problems].text = strdup(buf);
    if (!p[c->n_problems].text) {
        c->oom = true;
        return;
    }
    c->n_problems++;
}

static void config_slot_clear(struct config_slot *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        free(s->v[i].text);
    free(s->v);
    s->v = NULL;
    s->n = 0;
    s->src = CONFIG_FROM_DEFAULT;
}

/* Gives option i the value text (len bytes) from src: a layer above the
 * slot's replaces it, the same layer adds (append) or replaces. Values past
 * a repeatable option's max + 1 are dropped: the count is refused anyway. */
static int config_slot_set(struct config *c, size_t i, enum config_source src, const char *text,
                           size_t len, int line, bool append)
{
    struct config_slot *s = &c->slots[i];
    struct config_value *v;

    if (s->src != src || !append)
        config_slot_clear(s);
    s->src = src;
    if (config_options[i].kind == CONFIG_STRS && s->n > config_options[i].max)
        return 0;
    v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v)
        goto oom;
    s->v = v;
    v[s->n].text = strndup(text, len);
    if (!v[s->n].text)
        goto oom;
    v[s->n].line = line;
    s->n++;
    return 0;
oom:
    c->oom = true;
    return -1;
}

static const struct config_option *config_find(const char *name, size_t len, size_t *idx)
{
    size_t i;

    for (i = 0; i < config_options_n; i++)
        if (strlen(config_options[i].name) == len && memcmp(config_options[i].name, name, len) == 0) {
            *idx = i;
            return &config_options[i];
        }
    return NULL;
}

/* Edit distance of a (alen) and b, both at most 63 bytes (else a large number). */
static size_t config_distance(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b), row[64], i, j;

    if (alen > 63 || blen > 63)
        return SIZE_MAX;
    for (j = 0; j <= blen; j++)
        row[j] = j;
    for (i = 1; i <= alen; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= blen; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[blen];
}

/* The option nearest to an unknown name, if near enough to suggest. */
static const char *config_suggest(const char *name, size_t len)
{
    const char *best = NULL;
    size_t i, d, bestd = 3;

    for (i = 0; i < config_options_n; i++) {
        d = config_distance(name, len, config_options[i].name);
        if (d < bestd) {
            bestd = d;
            best = config_options[i].name;
        }
    }
    return best;
}

/* An unknown name as told: at most 64 bytes of it, controls as '?'. */
static void config_shown(const char *s, size_t len, char out[68])
{
    size_t i, n = len > 64 ? 64 : len;

    for (i = 0; i < n; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    strcpy(out + n, len > 64 ? "..." : "");
}

static void config_unknown(struct config *c, int layer, int line, const char *where,
                           const char *dashes, const char *name, size_t len)
{
    const char *near = config_suggest(name, len);
    char shown[68];

    config_shown(name, len, shown);
    if (near)
        config_problem(c, layer, line, "%sunknown %s%s%s (did you mean %s%s?)", where,
                       *dashes ? "option " : "key ", dashes, shown, dashes, near);
    else
        config_problem(c, layer, line, "%sunknown %s%s%s", where, *dashes ? "option " : "key ",
                       dashes, shown);
}

int config_init(struct config *c)
{
    memset(c, 0, sizeof *c);
    server_options_default(&c->o);
    c->slots = calloc(config_options_n, sizeof *c->slots);
    if (!c->slots) {
        c->oom = true;
        return -1;
    }
    return 0;
}

void config_free(struct config *c)
{
    size_t i;

    if (c->slots)
        for (i = 0; i < config_options_n; i++)
            config_slot_clear(&c->slots[i]);
    free(c->slots);
    for (i = 0; i < c->n_problems; i++)
        free(c->problems[i].text);
    free(c->problems);
    for (i = 0; i < c->n_notes; i++)
        free(c->notes[i].text);
    free(c->notes);
    free(c->file);
    memset(c, 0, sizeof *c);
}

static bool config_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

int config_parse_text(struct config *c, const char *name, const char *text, size_t len)
{
    size_t pos = 0, keys = 0, idx;
    int line = 0;

    if (!c->file && !(c->file = strdup(name)))
        goto oom;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos), *eq, *k, *ke, *v, *ve;
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        const struct config_option *opt;

        pos += n + (nl ? 1 : 0);
        line++;
        if (n > CONFIG_LINE_MAX) {
            config_problem(c, LAYER_FILE, line, "%s:%d: the line is longer than %d bytes", name,
                           line, CONFIG_LINE_MAX);
            continue;
        }
        if (memchr(s, '\0', n)) {
            config_problem(c, LAYER_FILE, line, "%s:%d: the line holds a NUL byte", name, line);
            continue;
        }
        k = s;
        ve = s + n;
        while (k < ve && config_blank(*k))
            k++;
        while (ve > k && (config_blank(ve[-1]) || ve[-1] == '\r'))
            ve--;
        if (k == ve || *k == '#')
            continue;
        if (++keys > CONFIG_KEYS_MAX) {
            config_problem(c, LAYER_FILE, line, "%s:%d: more than %d keys; the rest is not read",
                           name, line, CONFIG_KEYS_MAX);
            break;
        }
        eq = memchr(k, '=', (size_t)(ve - k));
        if (!eq) {
            config_problem(c, LAYER_FILE, line, "%s:%d: expected KEY = VALUE", name, line);
            continue;
        }
        ke = eq;
        while (ke > k && config_blank(ke[-1]))
            ke--;
        v = eq + 1;
        while (v < ve && config_blank(*v))
            v++;
        if (ke == k) {
            config_problem(c, LAYER_FILE, line, "%s:%d: expected KEY = VALUE", name, line);
            continue;
        }
        if (!(opt = config_find(k, (size_t)(ke - k), &idx))) {
            char where[CONFIG_LINE_MAX];
            snprintf(where, sizeof where, "%s:%d: ", name, line);
            if ((size_t)(ke - k) == 6 && memcmp(k, "config", 6) == 0)
                config_problem(c, LAYER_FILE, line, "%sthe file is named by --config or "
                               "SPKIOSK_CONFIG, not in a file", where);
            else
                config_unknown(c, LAYER_FILE, line, where, "", k, (size_t)(ke - k));
            continue;
        }
        if (c->slots[idx].src == CONFIG_FROM_FILE && opt->kind != CONFIG_STRS)
            config_problem(c, LAYER_FILE, line, "%s:%d: %s is set again (already on line %d); "
                           "only a repeatable key may be", name, line, opt->name,
                           c->slots[idx].v[0].line);
        if (config_slot_set(c, idx, CONFIG_FROM_FILE, v, (size_t)(ve - v), line,
                            opt->kind == CONFIG_STRS) != 0)
            goto oom;
    }
    return 0;
oom:
    c->oom = true;
    return -1;
}

/* Reads the file at path into the file layer. A missing file is a problem
 * only when it was named (required). */
static int config_read_file(struct config *c, const char *path, bool required)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *buf = NULL;
    size_t n;
    int rc = -1;

    if (!f) {
        if (errno == ENOENT && !required) {
            if (!(c->file = strdup(path))) {
                c->oom = true;
                return -1;
            }
            return 0;
        }
        config_problem(c, LAYER_FILE, 0, "%s: %s", path, strerror(errno));
        /* --check-config's header names the file asked for, not the default */
        if (!c->oom && !c->file && !(c->file = strdup(path)))
            c->oom = true;
        return c->oom ? -1 : 0;
    }
    c->file_found = true;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        config_problem(c, LAYER_FILE, 0, "%s: not a regular file", path);
        rc = 0;
        goto out;
    }
    if (st.st_size > CONFIG_FILE_MAX) {
        config_problem(c, LAYER_FILE, 0, "%s: larger than %d KiB", path, CONFIG_FILE_MAX >> 10);
        rc = 0;
        goto out;
    }
    if (!(buf = malloc(CONFIG_FILE_MAX + 1)))
        goto oom;
    n = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
    if (ferror(f) || n > CONFIG_FILE_MAX) {
        config_problem(c, LAYER_FILE, 0, "%s: %s", path,
                       ferror(f) ? "read error" : "grew past the size cap while read");
        rc = 0;
        goto out;
    }
    rc = config_parse_text(c, path, buf, n);
    goto out;
oom:
    c->oom = true;
out:
    if (!c->file && !(c->file = strdup(path))) {
        c->oom = true;
        rc = -1;
    }
    free(buf);
    fclose(f);
    return rc;
}

char *config_env_name(const char *name, char *buf, size_t cap)
{
    size_t i, n = strlen(name);

    if (8 + n + 1 > cap)
        return NULL;
    memcpy(buf, "SPKIOSK_", 8);
    for (i = 0; i < n; i++)
        buf[8 + i] = name[i] == '-' ? '_' : (char)(name[i] >= 'a' && name[i] <= 'z'
                                                       ? name[i] - 'a' + 'A' : name[i]);
    buf[8 + n] = '\0';
    return buf;
}

/* The environment layer: each option's variable, if set and not empty; a
 * repeatable one's values separated by ','. */
static int config_read_env(struct config *c, const char *(*getenv_fn)(const char *))
{
    char var[80];
    size_t i;

    for (i = 0; i < config_options_n; i++) {
        const char *v, *p, *comma;
        if (!config_env_name(config_options[i].name, var, sizeof var) || !(v = getenv_fn(var)) ||
            !*v)
            continue;
        if (strlen(v) > CONFIG_VALUE_MAX) {
            config_problem(c, LAYER_ENV, 0, "%s: longer than %d bytes", var, CONFIG_VALUE_MAX);
            continue;
        }
        if (config_options[i].kind != CONFIG_STRS) {
            if (config_slot_set(c, i, CONFIG_FROM_ENV, v, strlen(v), 0, false) != 0)
                return -1;
            continue;
        }
        for (p = v;; p = comma + 1) {
            comma = strchr(p, ',');
            if (config_slot_set(c, i, CONFIG_FROM_ENV, p, comma ? (size_t)(comma - p) : strlen(p),
                                0, true) != 0)
                return -1;
            if (!comma)
                break;
        }
    }
    return 0;
}

/* The meta options of argv (--config, --check-config, --help,
 * --example-config); *config_path set when --config is given. */
static void config_scan_meta(struct config *c, int argc, char **argv, const char **config_path)
{
    int i;

    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            c->help = true;
        else if (strcmp(a, "--check-config") == 0)
            c->check = true;
        else if (strcmp(a, "--example-config") == 0)
            c->example = true;
        else if (strncmp(a, "--config=", 9) == 0)
            *config_path = a + 9;
        else if (strcmp(a, "--config") == 0 && i + 1 < argc)
            *config_path = argv[++i];
        else if (strncmp(a, "--", 2) == 0 && !strchr(a, '=') && i + 1 < argc) {
            /* skip an option's value, so that a value spelled like a meta
             * option is not taken for one */
            size_t idx;
            const struct config_option *o = config_find(a + 2, strlen(a + 2), &idx);
            if (o && o->kind != CONFIG_FLAG)
                i++;
        }
    }
}

/* The flag layer. Within it a repeatable option repeats and another's last
 * value wins; a flag option takes no value, or =true/false/...: */
static int config_read_flags(struct config *c, int argc, char **argv)
{
    bool seen[sizeof config_options / sizeof config_options[0]] = {false};
    int i;

    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *eq, *v;
        const struct config_option *o;
        size_t idx, nlen;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "--check-config") == 0 ||
            strcmp(a, "--example-config") == 0 || strncmp(a, "--config=", 9) == 0)
            continue;
        if (strcmp(a, "--config") == 0) {
            if (i + 1 == argc)
                config_problem(c, LAYER_FLAG, 0, "--config needs a value");
            i++;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) {
            char shown[68];
            config_shown(a, strlen(a), shown);
            config_problem(c, LAYER_FLAG, 0, "%s is not an option", shown);
            continue;
        }
        eq = strchr(a, '=');
        nlen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (!(o = config_find(a + 2, nlen, &idx))) {
            config_unknown(c, LAYER_FLAG, 0, "", "--", a + 2, nlen);
            continue;
        }
        if (eq)
            v = eq + 1;
        else if (o->kind == CONFIG_FLAG)
            v = "true";
        else if (i + 1 < argc)
            v = argv[++i];
        else {
            config_problem(c, LAYER_FLAG, 0, "--%s needs a value", o->name);
            continue;
        }
        if (strlen(v) > CONFIG_VALUE_MAX) {
            config_problem(c, LAYER_FLAG, 0, "--%s: longer than %d bytes", o->name,
                           CONFIG_VALUE_MAX);
            continue;
        }
        if (config_slot_set(c, idx, CONFIG_FROM_FLAG, v, strlen(v), 0,
                            seen[idx] && o->kind == CONFIG_STRS) != 0)
            return -1;
        seen[idx] = true;
    }
    return 0;
}

/* A number of digits only in min..max into *n: 0, or -1. */
static int config_number(const char *v, unsigned long min, unsigned long max, unsigned long *n)
{
    const char *p;
    char *end;

    if (!*v || strlen(v) > 10)
        return -1;
    for (p = v; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    *n = strtoul(v, &end, 10);
    return errno || *end || *n < min || *n > max ? -1 : 0;
}

static int config_bool(const char *v, int *b)
{
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
        *b = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
        *b = 0;
    else
        return -1;
    return 0;
}

/* Parses text as option o's value into c->o: 0, or -1 (c->o unchanged). */
static int config_store(struct config *c, const struct config_option *o, const char *text)
{
    char *field = (char *)&c->o + o->off;
    unsigned long n;
    int b;

    switch (o->kind) {
    case CONFIG_STR:
        if (o->valid ? !o->valid(text) : !*text)
            return -1;
        *(const char **)(void *)field = text;
        return 0;
    case CONFIG_STRS: {
        if (o->set)     /* parsed into its own member, which counts and bounds them */
            return o->set(text, &c->o);
        size_t *count = (size_t *)(void *)((char *)&c->o + o->count_off);
        if (*count >= o->max || (o->valid ? !o->valid(text) : !*text))
            return -1;
        ((const char **)(void *)field)[(*count)++] = text;
        return 0;
    }
    case CONFIG_FLAG:
        if (config_bool(text, &b) != 0)
            return -1;
        *(int *)(void *)field = b;
        return 0;
    case CONFIG_CUSTOM:
        return o->set(text, &c->o);
    default:
        break;
    }
    if (config_number(text, o->min, o->max, &n) != 0)
        return -1;
    if (o->kind == CONFIG_UINT)
        *(unsigned *)(void *)field = (unsigned)n;
    else if (o->kind == CONFIG_LONG)
        *(long *)(void *)field = (long)n;
    else if (o->kind == CONFIG_INT)
        *(int *)(void *)field = (int)n;
    else
        *(size_t *)(void *)field = (size_t)n << 20;
    return 0;
}

/* Where a value was written, as a problem's start, and its option spelled
 * as there. */
static void config_where(const struct config *c, const struct config_option *o,
                         const struct config_slot *s, const struct config_value *v, char *where,
                         size_t wcap, char *spelled, size_t scap)
{
    char var[80];

    if (s->src == CONFIG_FROM_FILE) {
        snprintf(where, wcap, "%s:%d: ", c->file ? c->file : "?", v->line);
        snprintf(spelled, scap, "%s", o->name);
    } else if (s->src == CONFIG_FROM_ENV) {
        where[0] = '\0';
        snprintf(spelled, scap, "%s", config_env_name(o->name, var, sizeof var));
    } else {
        where[0] = '\0';
        snprintf(spelled, scap, "--%s", o->name);
    }
}

static bool config_numeric(const struct config_option *o)
{
    return o->kind == CONFIG_UINT || o->kind == CONFIG_LONG || o->kind == CONFIG_INT ||
           o->kind == CONFIG_MIB;
}

#define CONFIG_COMMENT_HINT                                                                        \
    " (a # starts a comment only at the start of a line: put the comment on a line of its own)"

/* "0535-2222222   # from 2027 …" in a file: a comment after a value,
 * which the file's syntax keeps as part of it (only a line's first # starts
 * one): where the blanks before its # begin, or NULL. A number then fails
 * its own check; a text would be taken as written, note and all, and a
 * hall's phone or name shown to residents with it (a street office's
 * review). Refusing it stopped a hall at an upgrade (an IT officer's
 * review: `notify-command = … # SMS`, which 0.1.0 served, then failed
 * every restart), so config_apply takes it off a text and notes that. */
static char *config_trailing_comment(const struct config_slot *s, char *text)
{
    char *h;

    if (s->src != CONFIG_FROM_FILE || !text)
        return NULL;
    for (h = strchr(text, '#'); h; h = strchr(h + 1, '#'))
        if (h > text && (h[-1] == ' ' || h[-1] == '\t')) {
            while (h > text && (h[-1] == ' ' || h[-1] == '\t'))
                h--;
            return h;
        }
    return NULL;
}

static void config_bad(struct config *c, const struct config_option *o, const struct config_slot *s,
                       const struct config_value *v)
{
    char where[CONFIG_LINE_MAX], spelled[96];

    config_where(c, o, s, v, where, sizeof where, spelled, sizeof spelled);
    if (o->kind == CONFIG_FLAG)
        config_problem(c, config_layer(s->src), v->line, "%s%s takes true, false, yes, no, 1 or 0",
                       where, spelled);
    else if (config_numeric(o))
        /* the value as given: "256  # more" read as 256 left the officer
         * looking at a number in range (an IT officer's review) */
        config_problem(c, config_layer(s->src), v->line, "%s%s takes %lu to %lu%s, not \"%.60s\"%s",
                       where, spelled, o->min, o->max, o->bad ? o->bad : "", v->text ? v->text : "",
                       v->text && strchr(v->text, '#') ? CONFIG_COMMENT_HINT : "");
    else if (o->bad)
        config_problem(c, config_layer(s->src), v->line, "%s%s takes %s", where, spelled, o->bad);
    else
        config_problem(c, config_layer(s->src), v->line, "%s%s needs a value", where, spelled);
}

static int config_compare(const void *a, const void *b)
{
    const struct config_problem *p = a, *q = b;

    if (p->layer != q->layer)
        return p->layer - q->layer;
    if (p->line != q->line)
        return p->line - q->line;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* The options whose value a comment is cut off: the texts residents read
 * (a hall's phone shown with its note) and addresses and names, which can
 * hold no " #". A path or a command can, and is read whole. */
static bool config_comment_cut(const struct config_option *o)
{
    static const char *const cut[] = {"hall-name", "hall-location", "hall-hours", "hall-phone",
                                      "listen", "redirect-http", "host", "public-url",
                                      "trusted-proxy", "hall-network", "metrics-allow"};
    size_t i;

    for (i = 0; i < sizeof cut / sizeof cut[0]; i++)
        if (strcmp(o->name, cut[i]) == 0)
            return true;
    return false;
}

int config_apply(struct config *c)
{
    size_t i, j;

    server_options_default(&c->o);
    for (i = 0; i < config_options_n; i++) {
        const struct config_option *o = &config_options[i];
        const struct config_slot *s = &c->slots[i];
        for (j = 0; j < s->n; j++) {
            char *cut = !config_numeric(o) && o->kind != CONFIG_FLAG
                            ? config_trailing_comment(s, s->v[j].text) : NULL;
            char where[CONFIG_LINE_MAX], spelled[96];
            if (cut)
                config_where(c, o, s, &s->v[j], where, sizeof where, spelled, sizeof spelled);
            if (cut && config_comment_cut(o)) {
                config_note(c, s->v[j].line, "%s%s: the comment after the value is not part of it: "
                            "read as \"%.*s\"%s", where, spelled, (int)(cut - s->v[j].text > 60 ? 60 : cut - s->v[j].text),
                            s->v[j].text, CONFIG_COMMENT_HINT);
                *cut = '\0';
            } else if (cut) {
                /* a path or a command may hold " #" (hall #2/, --tag #ready):
                 * kept as written, as 0.1.0 kept it, and said */
                config_note(c, s->v[j].line, "%s%s: \"%.60s\" is read whole, # and all: a # after a "
                            "blank is part of this value; if it starts a comment, put that on a line "
                            "of its own", where, spelled, s->v[j].text);
            }
            if (config_store(c, o, s->v[j].text) != 0) {
                config_bad(c, o, s, &s->v[j]);
                if (o->kind == CONFIG_STRS && j >= o->max)
                    break;
            }
        }
    }
    if (!c->o.tls_cert != !c->o.tls_key)
        config_problem(c, LAYER_WHOLE, 0, "--tls-cert and --tls-key go together");
    if (c->o.redirect_http && !c->o.tls_cert)
        config_problem(c, LAYER_WHOLE, 0,
                       "--redirect-http sends browsers to HTTPS: it needs --tls-cert");
    if (c->o.limits.max_per_address > c->o.limits.max_total / 2)
        config_problem(c, LAYER_WHOLE, 0, "--max-per-address must be at most half of "
                       "--max-connections (%u)", c->o.limits.max_total);
    /* problems in the order they were written: file lines, then variables,
     * flags, the options together; within a line, in the order found */
    if (c->n_problems > 1)
        qsort(c->problems, c->n_problems, sizeof *c->problems, config_compare);
    if (c->n_notes > 1)
        qsort(c->notes, c->n_notes, sizeof *c->notes, config_compare);
    return c->oom ? -1 : 0;
}

void config_env_check(struct config *c, char *const *envp)
{
    char key[64], var[80];
    const char *name, *eq, *near;
    size_t i, len;
    bool known;

    for (; envp && *envp; envp++) {
        if (strncmp(*envp, "SPKIOSK_", 8) != 0)
            continue;
        name = *envp + 8;
        if (!(eq = strchr(name, '=')) || !eq[1] || (len = (size_t)(eq - name)) == 0 ||
            len >= sizeof key)
            continue;
        for (i = 0; i < len; i++)
            key[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
        key[len] = '\0';
        known = strcmp(key, "config") == 0;
        for (i = 0; !known && i < config_options_n; i++)
            known = strcmp(key, config_options[i].name) == 0;
        if (known || !(near = config_suggest(key, len)))
            continue;
        config_note(c, 0, "SPKIOSK_%.*s is not read: no option is called so (did you mean %s?)",
                    (int)len, name, config_env_name(near, var, sizeof var));
    }
}

int config_load(struct config *c, int argc, char **argv, const char *(*getenv_fn)(const char *))
{
    const char *path = NULL, *env_path;

    if (config_init(c) != 0)
        return -1;
    config_scan_meta(c, argc, argv, &path);
    if (c->help || c->example)
        return 0;
    env_path = getenv_fn("SPKIOSK_CONFIG");
    if (!path && env_path && *env_path)
        path = env_path;
    if (config_read_file(c, path ? path : CONFIG_DEFAULT_FILE, path != NULL) != 0 ||
        config_read_env(c, getenv_fn) != 0 || config_read_flags(c, argc, argv) != 0)
        return -1;
    return config_apply(c);
}

static const char *config_source_text(const struct config *c, const struct config_option *o,
                                      const struct config_slot *s, const struct config_value *v,
                                      char *buf, size_t cap)
{
    char var[80];

    (void)c;
    switch (s->src) {
    case CONFIG_FROM_FILE:
        snprintf(buf, cap, "file:%d", v->line);
        break;
    case CONFIG_FROM_ENV:
        snprintf(buf, cap, "env %s", config_env_name(o->name, var, sizeof var));
        break;
    case CONFIG_FROM_FLAG:
        snprintf(buf, cap, "flag");
        break;
    default:
        snprintf(buf, cap, "default");
    }
    return buf;
}

void config_print(const struct config *c, FILE *f)
{
    char src[128];
    size_t i, j;

    fprintf(f, "# spkiosk serve: effective configuration (flag > environment > file > default)\n");
    fprintf(f, "# file: %s (%s)\n", c->file ? c->file : CONFIG_DEFAULT_FILE,
            c->file_found ? "read" : "not found");
    for (i = 0; i < config_options_n; i++) {
        const struct config_option *o = &config_options[i];
        const struct config_slot *s = &c->slots[i];
        if (s->src == CONFIG_FROM_DEFAULT) {
            fprintf(f, "%-16s = %-24s  (default)\n", o->name, o->def ? o->def : "");
            continue;
        }
        for (j = 0; j < s->n; j++)
            fprintf(f, "%-16s = %-24s  (%s)\n", o->name, s->v[j].text,
                    config_source_text(c, o, s, &s->v[j], src, sizeof src));
    }
}

void config_notes_print(const struct config *c, FILE *f, const char *prefix)
{
    size_t i;

    for (i = 0; i < c->n_notes; i++)
        fprintf(f, "%s%s\n", prefix, c->notes[i].text);
}

void config_problems_print(const struct config *c, FILE *f, const char *prefix)
{
    size_t i;

    for (i = 0; i < c->n_problems; i++)
        fprintf(f, "%s%s\n", prefix, c->problems[i].text);
    if (c->more_problems)
        fprintf(f, "%sand %zu more problems\n", prefix, c->more_problems);
    if (c->oom)
        fprintf(f, "%sout of memory; the report is incomplete\n", prefix);
}

/* Writes help's lines, the first after head, the others indented to col. */
static void config_help_lines(FILE *f, const char *head, const char *help, const char *indent)
{
    const char *p = help, *nl;
    size_t col = strlen(indent), hl = strlen(head);

    fputs(head, f);
    if (hl + 2 > col)
        fputs("  ", f);
    else
        fprintf(f, "%*s", (int)(col - hl), "");
    for (;;) {
        nl = strchr(p, '\n');
        fprintf(f, "%.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
        if (!nl)
            break;
        p = nl + 1;
        fputs(indent, f);
    }
}

void config_usage(FILE *f)
{
    const char *indent = "                      ";
    char head[96];
    size_t i;

    fputs("usage: spkiosk serve [--config FILE] [--check-config] [OPTION...]\n"
          "\n"
          "Every option is also a KEY = VALUE line of the configuration file\n"
          "(" CONFIG_DEFAULT_FILE ") and an environment variable SPKIOSK_KEY\n"
          "(upper case, '_' for '-'; a repeatable one's values separated by ','):\n"
          "a flag wins over the environment, which wins over the file, which wins\n"
          "over the default. docs/deployment.md, Configuration.\n"
          "\n",
          f);
    config_help_lines(f, "  --config FILE", "the configuration file (default " CONFIG_DEFAULT_FILE
                      ",\nwhich may be missing; a named one may not); also SPKIOSK_CONFIG", indent);
    config_help_lines(f, "  --check-config", "print the effective configuration, each key's "
                      "value and\nwhere it came from, and every problem; exit 0 if none, 1 "
                      "if any;\ndo not serve", indent);
    config_help_lines(f, "  --example-config", "print the commented example file "
                      "(dist/spkiosk.conf)", indent);
    for (i = 0; i < config_options_n; i++) {
        const struct config_option *o = &config_options[i];
        snprintf(head, sizeof head, "  --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        config_help_lines(f, head, o->help, indent);
        if (config_numeric(o))
            fprintf(f, "%s(default %s; %lu to %lu%s)\n", indent, o->def, o->min, o->max,
                    o->bad ? o->bad : "");
        else if (o->def && o->kind != CONFIG_FLAG)
            fprintf(f, "%s(default %s)\n", indent, o->def);
    }
    fputs("\nLogs one line per request to standard error. SIGTERM or SIGINT stops it cleanly;\n"
          "SIGHUP reloads the procedures.\n",
          f);
}

void config_example(FILE *f)
{
    size_t i;

    fputs("# spkiosk.conf: the options of `spkiosk serve`, one KEY = VALUE a line.\n"
          "# Each key is the long option without \"--\"; a # starts a comment only at the\n"
          "# start of a line. A flag key takes true/false/yes/no/1/0; a repeatable key\n"
          "# (host) may be written on several lines. Precedence: a command-line flag\n"
          "# wins over SPKIOSK_* environment variables, which win over this file, which\n"
          "# wins over the defaults. `spkiosk serve --check-config` shows the result.\n"
          "# Every key below is commented out at its default.\n"
          "# Generated by `spkiosk serve --example-config` (tests/unit/test_config.c\n"
          "# checks that it matches).\n",
          f);
    for (i = 0; i < config_options_n; i++) {
        const struct config_option *o = &config_options[i];
        const char *p = o->help, *nl;
        fputc('\n', f);
        for (;;) {
            nl = strchr(p, '\n');
            fprintf(f, "# %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
            if (!nl)
                break;
            p = nl + 1;
        }
        if (config_numeric(o))
            fprintf(f, "# (%lu to %lu%s)\n", o->min, o->max, o->bad ? o->bad : "");
        if (o->def) {
            fprintf(f, "#%s = %s\n", o->name, o->def);
        } else {
            fprintf(f, "# (unset by default)\n");
            fprintf(f, "#%s = %s\n", o->name, o->arg ? o->arg : "");
        }
    }
}
