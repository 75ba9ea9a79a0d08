/* logline: stderr lines in one write each. stdio would do the prefix and
 * the message as separate writes when they are separate calls (issue #13:
 * lines of two threads interleaved), so a line is built in a buffer first. */
#include "logline.h"

#include <errno.h>
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

void logline_vprintf(const char *fmt, va_list ap)
{
    char line[LOGLINE_MAX];
    size_t n = logline_format(line, sizeof line, fmt, ap), off = 0;
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
