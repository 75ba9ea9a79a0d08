/* logline: the daemon's log lines on stderr — each line formatted whole and
 * written with one write(2), so that lines of several threads never
 * interleave — and a limiter for events that may come in floods
 * (refusals): at most a line per period, saying how many it stands for.
 */
#ifndef SPK_LOGLINE_H
#define SPK_LOGLINE_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Longest line written; a longer one is cut and ends in "...". */
#define LOGLINE_MAX 1024

/* Writes "spkiosk: " and the formatted text as one line (a newline is
 * added unless the text ends in one) with a single write(2) to fd 2. A
 * failed write is dropped: there is nowhere else to tell. */
void logline_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void logline_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Formats the line logline_printf writes into out[0..cap) (cap > 4) and
 * returns its length; for tests. */
size_t logline_format(char *out, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* ---- key=value lines (docs/deployment.md, "Monitoring": a stable contract) ----
 *
 * A request's line is `key=value` pairs separated by one space, with no
 * "spkiosk: " prefix. A value is written bare when it is non-empty and has
 * no space, `"`, `=`, `\` or control byte; otherwise in double quotes,
 * with `"` and `\` escaped by a backslash, newline, tab and carriage
 * return as \n \t \r and other control bytes as \xHH. A value past
 * LOGLINE_VALUE_MAX bytes is cut and ends in "..." (quoted). */
#define LOGLINE_VALUE_MAX 512

/* Appends ` key=value` (no space before the first pair, *len == 0) to
 * out[0..cap), *len its length so far; out stays NUL-terminated. A pair
 * that does not fit whole is left out. Returns 0, or -1 when left out. */
int logline_kv(char *out, size_t cap, size_t *len, const char *key, const char *value);

/* Length of logline_ts's text: 2026-12-03T06:54:25.298Z. */
#define LOGLINE_TS_LEN 24

/* Writes now (CLOCK_REALTIME) as UTC with milliseconds, as above, into
 * out[0..cap) and returns LOGLINE_TS_LEN; 0 and out empty when cap is
 * under LOGLINE_TS_LEN + 1. A time gmtime cannot put in four-digit years
 * is written as 0000-00-00T00:00:00 and its milliseconds. Thread-safe:
 * each thread keeps the text of the second it formatted last. */
size_t logline_ts(char *out, size_t cap, const struct timespec *now);

/* Writes v in decimal and a NUL into out (room for 21 bytes); returns the
 * number of digits. */
size_t logline_uint(char *out, uintmax_t v);

/* Writes line[0..n) and a newline with one write(2) to fd 2, as it is (no
 * prefix). */
void logline_raw(const char *line, size_t n);

/* ---- the log file (`serve --log-file`) ----
 *
 * Everything the daemon writes to standard error goes to fd 2; with a log
 * file that descriptor is the file, opened for appending (and created,
 * mode 0640), so that the lines of every module land there. Reopening
 * after logrotate's rename is a dup2(2) of the newly opened file onto fd
 * 2: atomic for the writers, who never see a closed descriptor. The
 * daemon reads SIGHUP from a signalfd on its main thread, so no signal
 * handler runs this: it is called from that thread. */

/* Opens path for appending onto fd 2 and remembers it for
 * logline_file_reopen. 0, or -1 with errno set (fd 2 unchanged). */
int logline_file_open(const char *path);

/* Opens the remembered path again onto fd 2 (after a rotation); 0 when
 * no file was set. 0, or -1 with errno set, the old file kept. */
int logline_file_reopen(void);

/* The --log-file path once logline_file_open took it, else NULL. */
const char *logline_file_path(void);

/* Writes line on standard error as it was before logline_file_open put
 * the file there (the journal, under the unit): a start that fails says
 * so where systemd's tools look, not only in the file. Nothing when no
 * file was opened. */
void logline_first_stderr(const char *line);

/* One kind of event logged at most once per period_ns. Thread-safe. */
struct logline_every {
    pthread_mutex_t mu;
    uint64_t period_ns;
    uint64_t last_ns;           /* when the last line went out */
    bool logged;                /* a line went out at all */
    unsigned long pending;      /* events since that line */
};
#define LOGLINE_EVERY_INIT(period_ns) {PTHREAD_MUTEX_INITIALIZER, (period_ns), 0, false, 0}

/* Counts one event at now_ns (a monotonic clock). Returns true when a line
 * is due now — the first event ever, or one period after the last line —
 * with *count the events it stands for (this one included) and *span_ns
 * the time since the last line (0 for the first), and starts a new period;
 * false when the event is only counted. */
bool logline_every_note(struct logline_every *e, uint64_t now_ns, unsigned long *count,
                        uint64_t *span_ns);

/* For a caller that ticks: true with *count and *span_ns when events were
 * counted and not logged and a period has passed since the last line (or
 * force, at stop), so that the end of a flood is told too. */
bool logline_every_flush(struct logline_every *e, uint64_t now_ns, bool force,
                         unsigned long *count, uint64_t *span_ns);

#endif
