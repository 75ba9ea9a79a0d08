/* logline: stderr lines in one write each. stdio would do the prefix and
 * the message as separate writes when they are separate calls (issue #13:
 * lines of two threads interleaved), so a line is built in a buffer first. */
#include "logline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "utf8.h"

size_t logline_format(char *out, size_t cap, const char *fmt, va_list ap)
{
    static const char prefix[] = "spkiosk: ";
    size_t n = sizeof prefix - 1;
    int r;

    memcpy(out, prefix, n);
    /* room kept for the newline and the NUL */
    r = vsnprintf(out + n, cap - n - 1, fmt, ap);
    if (r < 0)
        r = 0;
    if ((size_t)r >= cap - n - 1) {
        n = cap - 2;
        memcpy(out + n - 3, "...", 3);
    } else {
        n += (size_t)r;
    }
    if (out[n - 1] != '\n')
        out[n++] = '\n';
    out[n] = '\0';
    return n;
}

/* line[0..n) with one write, or as few as a short write allows. */
static void logline_write(const char *line, size_t n)
{
    size_t off = 0;
    ssize_t w;

    /* a pipe takes up to PIPE_BUF (4 KiB) at once: one write in practice */
    while (off < n) {
        w = write(2, line + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

void logline_vprintf(const char *fmt, va_list ap)
{
    char line[LOGLINE_MAX];

    logline_write(line, logline_format(line, sizeof line, fmt, ap));
}

void logline_raw(const char *line, size_t n)
{
    char buf[LOGLINE_MAX];

    if (n > sizeof buf - 1)
        n = sizeof buf - 1;
    memcpy(buf, line, n);
    buf[n++] = '\n';
    logline_write(buf, n);
}

/* Whether a character of c bytes (0: a byte of no character), code point
 * cp, is one journalctl shows: a C1 control (U+0080 to U+009F) is not. A
 * line holding a byte of no character or a control is shown as
 * "[N blob data]", not its text. */
static bool logline_char_shown(size_t c, uint32_t cp)
{
    return c != 0 && !(cp >= 0x80 && cp <= 0x9f);
}

/* Whether value (its bytes past ASCII) is all characters journalctl shows. */
static bool logline_printable(const char *value)
{
    const unsigned char *p = (const unsigned char *)value;
    uint32_t cp;
    size_t c;

    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        c = utf8_decode((const char *)p, strnlen((const char *)p, 4), &cp);
        if (!logline_char_shown(c, cp))
            return false;
        p += c;
    }
    return true;
}

/* Whether value must go in quotes: empty, or with a byte a reader would
 * split on or could be fooled by. */
static bool logline_kv_quoted(const char *value)
{
    const unsigned char *p;

    if (!*value)
        return true;
    for (p = (const unsigned char *)value; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '=' || *p == '\\')
            return true;
    return strlen(value) > LOGLINE_VALUE_MAX || !logline_printable(value);
}

/* value written as logline_kv quotes it into v (room for
 * LOGLINE_VALUE_MAX + 5 bytes: the cut, the quotes); returns its length. */
static size_t logline_kv_escape(char *v, const char *value)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p;
    size_t n = 0;

    v[n++] = '"';
    for (p = (const unsigned char *)value; *p; p++) {
        char esc[4];
        size_t e = 0, c;
        uint32_t cp;
        /* a character beyond ASCII is copied whole, or not at all at the
         * cut, and a byte of none escaped: a line that is not valid UTF-8
         * is one journalctl shows as "[N blob data]", hiding it */
        if (*p >= 0x80) {
            c = utf8_decode((const char *)p, strnlen((const char *)p, 4), &cp);
            if (!logline_char_shown(c, cp)) {
                esc[e++] = '\\', esc[e++] = 'x', esc[e++] = hex[*p >> 4], esc[e++] = hex[*p & 15];
            } else {
                memcpy(esc, p, c);
                e = c;
                p += c - 1;
            }
        } else if (*p > 0x1f && *p != 0x7f && *p != '"' && *p != '\\')
            esc[e++] = (char)*p;
        else if (*p == '"' || *p == '\\')
            esc[e++] = '\\', esc[e++] = (char)*p;
        else if (*p == '\n')
            esc[e++] = '\\', esc[e++] = 'n';
        else if (*p == '\t')
            esc[e++] = '\\', esc[e++] = 't';
        else if (*p == '\r')
            esc[e++] = '\\', esc[e++] = 'r';
        else
            esc[e++] = '\\', esc[e++] = 'x', esc[e++] = hex[*p >> 4], esc[e++] = hex[*p & 15];
        if (n + e > LOGLINE_VALUE_MAX) {
            memcpy(v + n, "...", 3);
            n += 3;
            break;
        }
        memcpy(v + n, esc, e);
        n += e;
    }
    v[n++] = '"';
    return n;
}

/* Every request writes a line: the pieces are copied, not printf'd
 * (formatting was an eighth of a read's CPU, docs/performance.md). */
int logline_kv(char *out, size_t cap, size_t *len, const char *key, const char *value)
{
    char buf[LOGLINE_VALUE_MAX + 8];
    const char *v = value;
    size_t kn = strlen(key), vn, sep = *len ? 1 : 0, need;
    char *p;

    if (*len >= cap)
        return -1;
    if (logline_kv_quoted(value)) {
        vn = logline_kv_escape(buf, value);
        v = buf;
    } else {
        vn = strlen(value);
    }
    need = sep + kn + 1 + vn;
    if (need >= cap - *len) {
        out[*len] = '\0';
        return -1;
    }
    p = out + *len;
    if (sep)
        *p++ = ' ';
    memcpy(p, key, kn);
    p += kn;
    *p++ = '=';
    memcpy(p, v, vn);
    p[vn] = '\0';
    *len += need;
    return 0;
}

size_t logline_ts(char *out, size_t cap, const struct timespec *now)
{
    /* the second's text, made again only when the second changes: gmtime
     * and strftime per request cost more than the rest of the line */
    static _Thread_local time_t sec;
    static _Thread_local char text[LOGLINE_TS_LEN + 1];
    static _Thread_local size_t n;
    struct tm tm;
    long ms = now->tv_nsec / 1000000;

    if (cap < LOGLINE_TS_LEN + 1) {
        if (cap)
            out[0] = '\0';
        return 0;
    }
    if (!n || sec != now->tv_sec) {
        n = 0;
        if (gmtime_r(&now->tv_sec, &tm))
            n = strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
        if (n != LOGLINE_TS_LEN - 5) {
            /* a year past 9999 or before 1000: not a clock to trust */
            memcpy(text, "0000-00-00T00:00:00", LOGLINE_TS_LEN - 5);
            n = 0;
        } else {
            sec = now->tv_sec;
        }
    }
    memcpy(out, text, LOGLINE_TS_LEN - 5);
    out[LOGLINE_TS_LEN - 5] = '.';
    out[LOGLINE_TS_LEN - 4] = (char)('0' + ms / 100 % 10);
    out[LOGLINE_TS_LEN - 3] = (char)('0' + ms / 10 % 10);
    out[LOGLINE_TS_LEN - 2] = (char)('0' + ms % 10);
    out[LOGLINE_TS_LEN - 1] = 'Z';
    out[LOGLINE_TS_LEN] = '\0';
    return LOGLINE_TS_LEN;
}

size_t logline_uint(char *out, uintmax_t v)
{
    char tmp[24];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return n;
}

/* the --log-file path, kept for the reopen after a rotation */
static char logline_path[4096];
/* standard error as it was before the file took its place (the journal,
 * under the unit), for logline_first_stderr; -1 when none was kept */
static int logline_stderr_was = -1;

static int logline_file_onto_stderr(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640), e;

    if (fd < 0)
        return -1;
    /* 2 was closed (main opens /dev/null there, but be sure): it is ours,
     * kept across exec as a dup2 would leave it */
    if (fd == 2)
        return fcntl(fd, F_SETFD, 0);
    if (dup2(fd, 2) < 0) {
        e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    close(fd);
    return 0;
}

int logline_file_open(const char *path)
{
    if (strlen(path) >= sizeof logline_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (logline_stderr_was < 0)
        logline_stderr_was = fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (logline_file_onto_stderr(path) != 0)
        return -1;
    snprintf(logline_path, sizeof logline_path, "%s", path);
    return 0;
}

void logline_first_stderr(const char *line)
{
    size_t n = strlen(line), off = 0;
    ssize_t w;

    if (logline_stderr_was < 0)
        return;
    while (off < n && ((w = write(logline_stderr_was, line + off, n - off)) > 0 ||
                       (w < 0 && errno == EINTR)))
        if (w > 0)
            off += (size_t)w;
}

const char *logline_file_path(void)
{
    return logline_path[0] ? logline_path : NULL;
}

int logline_file_reopen(void)
{
    return logline_path[0] ? logline_file_onto_stderr(logline_path) : 0;
}

void logline_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    logline_vprintf(fmt, ap);
    va_end(ap);
}

/* A time read before another thread noted a later one (the watch's tick
 * and a refusal on a worker) is taken as that later one: the span and the
 * period are differences of unsigned times. Caller holds mu. */
static uint64_t logline_every_clamp(const struct logline_every *e, uint64_t now_ns)
{
    return e->logged && now_ns < e->last_ns ? e->last_ns : now_ns;
}

/* The events counted so far become one line at now_ns: their number and
 * the time since the last line, and a new period starts. Caller holds mu. */
static void logline_every_take(struct logline_every *e, uint64_t now_ns, unsigned long *count,
                               uint64_t *span_ns)
{
    *count = e->pending;
    *span_ns = e->logged ? now_ns - e->last_ns : 0;
    e->pending = 0;
    e->last_ns = now_ns;
    e->logged = true;
}

bool logline_every_note(struct logline_every *e, uint64_t now_ns, unsigned long *count,
                        uint64_t *span_ns)
{
    bool due;

    pthread_mutex_lock(&e->mu);
    now_ns = logline_every_clamp(e, now_ns);
    e->pending++;
    due = !e->logged || now_ns - e->last_ns >= e->period_ns;
    if (due)
        logline_every_take(e, now_ns, count, span_ns);
    pthread_mutex_unlock(&e->mu);
    return due;
}

bool logline_every_flush(struct logline_every *e, uint64_t now_ns, bool force,
                         unsigned long *count, uint64_t *span_ns)
{
    bool due;

    pthread_mutex_lock(&e->mu);
    now_ns = logline_every_clamp(e, now_ns);
    due = e->pending > 0 && (force || !e->logged || now_ns - e->last_ns >= e->period_ns);
    if (due)
        logline_every_take(e, now_ns, count, span_ns);
    pthread_mutex_unlock(&e->mu);
    return due;
}
