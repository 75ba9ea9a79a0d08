/* Unit tests of src/logline.c: a line is formatted whole (prefix, text,
 * one newline; cut when too long), and the limiter lets one line a period
 * through with the count of what it stands for, the end of a flood told
 * by a flush. Time is passed in: no clock, no sleeping. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logline.h"
#include "utf8.h"

static size_t fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, f);
    n = logline_format(out, cap, f, ap);
    va_end(ap);
    return n;
}

Test(logline, a_line_has_the_prefix_and_one_newline)
{
    char buf[LOGLINE_MAX];

    cr_expect_eq(fmt(buf, sizeof buf, "GET %s %u", "/", 200u), strlen("spkiosk: GET / 200\n"));
    cr_expect_str_eq(buf, "spkiosk: GET / 200\n");
    fmt(buf, sizeof buf, "http: %s\n", "from libmicrohttpd");
    cr_expect_str_eq(buf, "spkiosk: http: from libmicrohttpd\n");
}

Test(logline, a_long_line_is_cut_and_still_ends_the_line)
{
    char buf[32];
    size_t n = fmt(buf, sizeof buf, "%s", "0123456789012345678901234567890123456789");

    cr_expect_eq(n, sizeof buf - 1);
    cr_expect_eq(strlen(buf), n);
    cr_expect_eq(buf[n - 1], '\n');
    cr_expect(strstr(buf, "...\n") != NULL, "%s", buf);
}

/* The edge of the cut: a text that leaves room for its newline is whole,
 * one byte more and it is cut, never a line with its NUL inside or one
 * written past cap. */
Test(logline, a_line_at_the_edge_is_whole_and_one_more_is_cut)
{
    char buf[32];
    /* "spkiosk: " is 9 bytes: 21 more and the newline make 31 */
    static const char t21[] = "012345678901234567890", t22[] = "0123456789012345678901";

    cr_expect_eq(fmt(buf, sizeof buf, "%s", t21), sizeof buf - 1);
    cr_expect_str_eq(buf, "spkiosk: 012345678901234567890\n");
    cr_expect_eq(fmt(buf, sizeof buf, "%s", t22), sizeof buf - 1);
    cr_expect_str_eq(buf, "spkiosk: 012345678901234567...\n");
}

#define SEC 1000000000ull

Test(logline, one_line_a_period_with_the_count)
{
    struct logline_every e = LOGLINE_EVERY_INIT(SEC);
    unsigned long n = 0, lines = 0, told = 0;
    uint64_t span = 99, t;

    /* the first event is told at once, as itself */
    cr_assert(logline_every_note(&e, 10 * SEC, &n, &span));
    cr_expect_eq(n, 1);
    cr_expect_eq(span, 0);
    /* 8,123 more within the same second: counted, not told */
    for (t = 0; t < 8123; t++)
        cr_expect_not(logline_every_note(&e, 10 * SEC + t * 100000, &n, &span));
    /* the first after the second is told with all of them */
    cr_assert(logline_every_note(&e, 11 * SEC, &n, &span));
    cr_expect_eq(n, 8124);
    cr_expect_eq(span, SEC);
    /* a steady flood, one event a millisecond for 5 s: a line each full
     * second, and with the flush every event counted exactly once */
    for (t = 0; t < 5000; t++) {
        if (logline_every_note(&e, 11 * SEC + 1 + t * (SEC / 1000), &n, &span)) {
            lines++;
            told += n;
        }
    }
    cr_expect_eq(lines, 4, "got %lu lines", lines);
    cr_expect_eq(told, 4001);
    cr_assert(logline_every_flush(&e, 20 * SEC, false, &n, &span));
    cr_expect_eq(told + n, 5000);
}

Test(logline, the_end_of_a_flood_is_flushed)
{
    struct logline_every e = LOGLINE_EVERY_INIT(SEC);
    unsigned long n = 0;
    uint64_t span = 0;
    int i;

    cr_expect_not(logline_every_flush(&e, 5 * SEC, false, &n, &span), "nothing counted yet");
    cr_assert(logline_every_note(&e, 5 * SEC, &n, &span));
    for (i = 0; i < 7; i++)
        cr_expect_not(logline_every_note(&e, 5 * SEC + 10, &n, &span));
    cr_expect_not(logline_every_flush(&e, 5 * SEC + SEC / 2, false, &n, &span),
                  "within the period: wait");
    cr_assert(logline_every_flush(&e, 6 * SEC, false, &n, &span));
    cr_expect_eq(n, 7);
    cr_expect_not(logline_every_flush(&e, 9 * SEC, false, &n, &span), "told already");
    cr_expect_not(logline_every_note(&e, 6 * SEC + 1, &n, &span));
    cr_assert(logline_every_flush(&e, 6 * SEC + 2, true, &n, &span), "force: at stop");
    cr_expect_eq(n, 1);
}

/* The watch thread flushes with a time read before a worker noted a later
 * refusal: the span is never a difference that wrapped (it printed
 * "18446744073.7 s"), and the period still holds. */
Test(logline, an_older_time_than_the_last_line_is_not_a_wrapped_span)
{
    struct logline_every e = LOGLINE_EVERY_INIT(SEC);
    unsigned long n = 0;
    uint64_t span = 0;

    cr_assert(logline_every_note(&e, 10 * SEC, &n, &span));
    cr_expect_not(logline_every_note(&e, 10 * SEC - 5, &n, &span), "within the period");
    cr_expect_not(logline_every_flush(&e, 10 * SEC - 9, false, &n, &span), "an older time: within it too");
    cr_assert(logline_every_flush(&e, 10 * SEC - 9, true, &n, &span));
    cr_expect_eq(n, 1);
    cr_expect_eq(span, 0, "no wrapped span: %llu", (unsigned long long)span);
}

/* A request's line is built in LOGLINE_MAX bytes, so it may be
 * LOGLINE_MAX - 1 long: written whole with its newline; a longer one is
 * cut there. Through --log-file, as the daemon writes it. */
Test(logline, a_raw_line_of_the_longest_length_is_written_whole)
{
    char path[] = "/tmp/spk-logline-XXXXXX", line[LOGLINE_MAX + 8], back[2 * LOGLINE_MAX + 8];
    int fd = mkstemp(path);
    ssize_t n;

    cr_assert_geq(fd, 0);
    cr_assert_eq(logline_file_open(path), 0);
    memset(line, 'a', sizeof line);
    logline_raw(line, LOGLINE_MAX - 1);
    logline_raw(line, LOGLINE_MAX + 8);
    n = read(fd, back, sizeof back);
    close(fd);
    unlink(path);
    cr_assert_eq(n, 2 * LOGLINE_MAX, "%zd", n);
    cr_expect_eq(back[LOGLINE_MAX - 2], 'a');
    cr_expect_eq(back[LOGLINE_MAX - 1], '\n');
    cr_expect_eq(back[2 * LOGLINE_MAX - 1], '\n');
}

/* ---- key=value ---- */

static const char *kv(const char *key, const char *value)
{
    static char line[LOGLINE_MAX];
    size_t n = 0;

    line[0] = '\0';
    cr_assert_eq(logline_kv(line, sizeof line, &n, key, value), 0);
    cr_assert_eq(n, strlen(line));
    return line;
}

Test(logline_kv, plain_values_go_bare_and_pairs_one_space_apart)
{
    char line[64] = "";
    size_t n = 0;

    cr_assert_eq(logline_kv(line, sizeof line, &n, "status", "200"), 0);
    cr_assert_eq(logline_kv(line, sizeof line, &n, "route", "/api/v1/procedures/{}"), 0);
    cr_expect_str_eq(line, "status=200 route=/api/v1/procedures/{}");
    /* UTF-8 is not a control byte: bare */
    cr_expect_str_eq(kv("path", "/media/图.png"), "path=/media/图.png");
}

Test(logline_kv, spaces_quotes_equals_and_controls_are_quoted_and_escaped)
{
    cr_expect_str_eq(kv("path", "/a b"), "path=\"/a b\"");
    cr_expect_str_eq(kv("path", "/a\"b\\c"), "path=\"/a\\\"b\\\\c\"");
    cr_expect_str_eq(kv("path", "/x=1"), "path=\"/x=1\"");
    cr_expect_str_eq(kv("path", "a\nb\tc\rd\x01" "e\x7f"), "path=\"a\\nb\\tc\\rd\\x01e\\x7f\"");
    cr_expect_str_eq(kv("user", ""), "user=\"\"");
}

/* DEL is a control byte: a value whose only odd byte it is goes in
 * quotes, while '~' just below it is plain text. */
Test(logline_kv, del_alone_is_enough_to_quote)
{
    cr_expect_str_eq(kv("path", "/a\x7f"), "path=\"/a\\x7f\"");
    cr_expect_str_eq(kv("path", "/~a"), "path=/~a");
}

Test(logline_kv, a_long_value_is_cut_inside_its_quotes)
{
    char v[LOGLINE_VALUE_MAX * 2];
    const char *line;
    size_t len;

    memset(v, 'a', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    line = kv("path", v);
    len = strlen(line);
    cr_expect(len <= strlen("path=") + LOGLINE_VALUE_MAX + 5, "%zu", len);
    cr_expect_eq(line[5], '"');
    cr_expect(strcmp(line + len - 4, "...\"") == 0, "%s", line + len - 8);
}

/* journalctl shows a line that is not valid UTF-8 as "[N blob data]", not
 * its text: a request path with a byte of no character (/assets/%ff) must
 * not hide its line, nor a long path cut inside a character. */
Test(logline_kv, a_byte_that_is_no_utf8_is_escaped_and_a_cut_keeps_whole_characters)
{
    char v[LOGLINE_VALUE_MAX * 2];
    const char *line;
    size_t i, len;

    cr_expect_str_eq(kv("path", "/assets/\xff"), "path=\"/assets/\\xff\"");
    cr_expect_str_eq(kv("path", "/\xe4\xb8/\xe4\xb8\xad"), "path=\"/\\xe4\\xb8/\xe4\xb8\xad\"");
    /* an overlong '/' and a lone continuation byte are no characters either */
    cr_expect_str_eq(kv("path", "/\xc0\xaf\x80"), "path=\"/\\xc0\\xaf\\x80\"");
    cr_expect_str_eq(kv("path", "/media/\xe5\x9b\xbe.png"), "path=/media/\xe5\x9b\xbe.png");
    /* U+0085, a C1 control: valid UTF-8, but journalctl hides its line too */
    cr_expect_str_eq(kv("path", "/a\xc2\x85" "b\xc2\xa0"), "path=\"/a\\xc2\\x85b\xc2\xa0\"");
    /* 图 is 3 bytes: no cut of 512 bytes falls between characters for every
     * offset, so try the three */
    for (i = 0; i < 3; i++) {
        size_t k = 0;
        memset(v, 'a', i);
        for (k = i; k + 3 < sizeof v; k += 3)
            memcpy(v + k, "\xe5\x9b\xbe", 3);
        v[k] = '\0';
        line = kv("path", v);
        len = strlen(line);
        cr_expect(strcmp(line + len - 4, "...\"") == 0, "%s", line + len - 8);
        cr_expect(utf8_valid(line, len), "offset %zu: the cut split a character", i);
    }
}

Test(logline_kv, a_pair_that_does_not_fit_is_left_out_whole)
{
    char line[16] = "";
    size_t n = 0;

    cr_assert_eq(logline_kv(line, sizeof line, &n, "a", "1"), 0);
    cr_expect_eq(logline_kv(line, sizeof line, &n, "path", "/much/too/long"), -1);
    cr_expect_str_eq(line, "a=1");
    cr_expect_eq(n, 3);
}

/* ---- the line's time and numbers ---- */

Test(logline_ts, utc_with_milliseconds_and_a_new_second_is_formatted_anew)
{
    char ts[LOGLINE_TS_LEN + 1];
    struct timespec t = {1796280865, 298000000};

    cr_assert_eq(logline_ts(ts, sizeof ts, &t), LOGLINE_TS_LEN);
    cr_expect_str_eq(ts, "2026-12-03T06:54:25.298Z");
    /* the same second: the kept text, the new milliseconds */
    t.tv_nsec = 7999999;
    logline_ts(ts, sizeof ts, &t);
    cr_expect_str_eq(ts, "2026-12-03T06:54:25.007Z");
    t.tv_sec++;
    t.tv_nsec = 999999999;
    logline_ts(ts, sizeof ts, &t);
    cr_expect_str_eq(ts, "2026-12-03T06:54:26.999Z");
    /* back in time (the clock set back): not the kept second either */
    t = (struct timespec){946684799, 0};
    logline_ts(ts, sizeof ts, &t);
    cr_expect_str_eq(ts, "1999-12-31T23:59:59.000Z");
}

Test(logline_ts, too_small_a_buffer_is_left_empty)
{
    char ts[LOGLINE_TS_LEN] = "x";
    struct timespec t = {1796280865, 0};

    cr_expect_eq(logline_ts(ts, sizeof ts, &t), 0);
    cr_expect_str_eq(ts, "");
}

Test(logline_uint, decimal_digits_from_zero_to_the_largest)
{
    char num[24];

    cr_expect_eq(logline_uint(num, 0), 1);
    cr_expect_str_eq(num, "0");
    cr_expect_eq(logline_uint(num, 200), 3);
    cr_expect_str_eq(num, "200");
    cr_expect_eq(logline_uint(num, UINTMAX_MAX), 20);
    cr_expect_str_eq(num, "18446744073709551615");
}

/* LOGLINE_VALUE_MAX is the longest value written as it is: at that length
 * it stays bare, one byte more and it is quoted and cut. */
Test(logline_kv, a_value_of_the_limit_stays_bare)
{
    char v[LOGLINE_VALUE_MAX + 2];
    const char *line;
    size_t len;

    memset(v, 'a', LOGLINE_VALUE_MAX);
    v[LOGLINE_VALUE_MAX] = '\0';
    line = kv("p", v);
    cr_expect_eq(strlen(line), 2 + LOGLINE_VALUE_MAX);
    cr_expect_eq(line[2], 'a', "bare");
    v[LOGLINE_VALUE_MAX] = 'a';
    v[LOGLINE_VALUE_MAX + 1] = '\0';
    line = kv("p", v);
    len = strlen(line);
    cr_expect_eq(line[2], '"');
    cr_expect(strcmp(line + len - 4, "...\"") == 0, "%s", line + len - 8);
}

/* A pair fits when it and the NUL fit: the last byte of out is the NUL's. */
Test(logline_kv, a_pair_may_fill_the_buffer_but_for_the_nul)
{
    char line[8] = "";
    size_t n = 0;

    cr_assert_eq(logline_kv(line, sizeof line, &n, "a", "12345"), 0);
    cr_expect_str_eq(line, "a=12345");
    n = 0;
    line[0] = '\0';
    cr_expect_eq(logline_kv(line, sizeof line, &n, "a", "123456"), -1);
    cr_expect_eq(n, 0);
    cr_expect_str_eq(line, "");
}

/* A clock gone past year 9999 is not trusted, and the second after it
 * (the clock put right) is formatted anew, not taken from the bad one. */
Test(logline_ts, a_year_past_9999_is_written_as_zeros)
{
    char ts[LOGLINE_TS_LEN + 1];
    struct timespec t = {253402300800, 123000000};  /* 10000-01-01T00:00:00Z */

    cr_assert_eq(logline_ts(ts, sizeof ts, &t), LOGLINE_TS_LEN);
    cr_expect_str_eq(ts, "0000-00-00T00:00:00.123Z");
    t = (struct timespec){1796280865, 0};
    logline_ts(ts, sizeof ts, &t);
    cr_expect_str_eq(ts, "2026-12-03T06:54:25.000Z");
}
