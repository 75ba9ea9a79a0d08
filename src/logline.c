/* logline: stderr lines in one write each. stdio would do the prefix and
 * the message as separate writes when they are separate calls (issue #13:
 * lines of two threads interleaved), so a line is built in a buffer first. */
#include "logline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
    return strlen(value) > LOGLINE_VALUE_MAX;
}

int logline_kv(char *out, size_t cap, size_t *len, const char *key, const char *value)
{
    char v[LOGLINE_VALUE_MAX + 8];
    const unsigned char *p;
    size_t n = 0;
    bool quote = logline_kv_quoted(value);
    int r;

    if (quote)
        v[n++] = '"';
    for (p = (const unsigned char *)value; *p; p++) {
        char esc[5];
        size_t e = 0;
        if (!quote || (*p > 0x1f && *p != 0x7f && *p != '"' && *p != '\\'))
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
            e = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
        if (n + e > LOGLINE_VALUE_MAX) {
            memcpy(v + n, "...", 3);
            n += 3;
            break;
        }
        memcpy(v + n, esc, e);
        n += e;
    }
    if (quote)
        v[n++] = '"';
    v[n] = '\0';
    r = snprintf(out + *len, cap - *len, "%s%s=%s", *len ? " " : "", key, v);
    if (r < 0 || (size_t)r >= cap - *len) {
        out[*len] = '\0';
        return -1;
    }
    *len += (size_t)r;
    return 0;
}

/* the --log-file path, kept for the reopen after a rotation */
static char logline_path[4096];

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
    if (logline_file_onto_stderr(path) != 0)
        return -1;
    snprintf(logline_path, sizeof logline_path, "%s", path);
    return 0;
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
    due = e->pending > 0 && (force || !e->logged || now_ns - e->last_ns >= e->period_ns);
    if (due)
        logline_every_take(e, now_ns, count, span_ns);
    pthread_mutex_unlock(&e->mu);
    return due;
}
