/* validate: checks what a resident typed into one form field, as they type
 * it, and gives back the value to store. The per-type checks are pure
 * functions of the text (and today's date), so that the HTTP layer, the
 * tests and any later caller agree on exactly one reading of each type. */
#include "validate.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "utf8.h"

/* A label longer than this (bytes) is shortened in messages, so that the
 * part saying how to fix the value always fits in the message. */
#define VALIDATE_LABEL_CLIP 90

/* ---- text helpers ---- */

/* Residents' input methods often type full-width digits and letters (and
 * the ideographic space); they mean the ASCII ones. */
static uint32_t validate_fold_cp(uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        return cp - 0xFEE0;
    if (cp == 0x3000)
        return ' ';
    return cp;
}

size_t validate_fold_width(const char *s, size_t n, char *out)
{
    size_t i = 0, o = 0, k;
    uint32_t cp;

    while (i < n) {
        k = utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return (size_t)-1;
        /* a folded character is never longer than the original one, so
         * out (n + 1 bytes) always has room */
        o += utf8_encode(validate_fold_cp(cp), out + o);
        i += k;
    }
    out[o] = '\0';
    return o;
}

/* Trims s[0..n) and folds it into buf (cap bytes with the NUL). Returns 0,
 * or 1 when s is not valid UTF-8 or does not fit: every short type (a
 * date, a number, a phone number) is invalid when it is that long anyway. */
static int validate_fold_small(const char *s, size_t n, char *buf, size_t cap, size_t *len)
{
    size_t i = 0, o = 0, k, w;
    uint32_t cp;
    char enc[4];

    s = utf8_trim(s, &n);
    while (i < n) {
        k = utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return 1;
        w = utf8_encode(validate_fold_cp(cp), enc);
        if (w == 0 || o + w >= cap)
            return 1;
        memcpy(buf + o, enc, w);
        o += w;
        i += k;
    }
    buf[o] = '\0';
    *len = o;
    return 0;
}

static bool validate_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool validate_all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!validate_is_digit(s[i]))
            return false;
    return true;
}

static char validate_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ---- dates and ages ---- */

bool validate_date_real(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

int validate_date(const char *s, size_t n, int *yyyymmdd)
{
    char buf[16];
    size_t len, i;
    int y, m, d;

    if (validate_fold_small(s, n, buf, sizeof buf, &len) != 0 || len != 10)
        return 1;
    /* one separator, used twice: 2024-03-01 or 2024/03/01 */
    if ((buf[4] != '-' && buf[4] != '/') || buf[7] != buf[4])
        return 1;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !validate_is_digit(buf[i]))
            return 1;
    y = atoi(buf);
    m = (buf[5] - '0') * 10 + (buf[6] - '0');
    d = (buf[8] - '0') * 10 + (buf[9] - '0');
    /* a year before 1900 is a slip of the finger on this kiosk, not a date
     * anyone means; procedure files use the same floor */
    if (y < 1900 || !validate_date_real(y, m, d))
        return 1;
    *yyyymmdd = y * 10000 + m * 100 + d;
    return 0;
}

int validate_age(int birth, int today)
{
    int age = today / 10000 - birth / 10000;

    /* comparing month-day numbers makes a 29 February birthday count on
     * 1 March in other years: 0228 < 0229 <= 0301 */
    if (today % 10000 < birth % 10000)
        age--;
    return age;
}

/* ---- numbers and yes/no ---- */

int validate_number(const char *s, size_t n, double *v)
{
    char buf[40];
    size_t len;
    const char *p;
    bool digits = false;

    if (validate_fold_small(s, n, buf, sizeof buf, &len) != 0 || len > 32)
        return 1;
    /* the grammar of field.c's min=/max=: strtod alone would also take hex,
     * exponents, "inf" and "nan" */
    p = buf;
    if (*p == '+' || *p == '-')
        p++;
    while (validate_is_digit(*p)) {
        p++;
        digits = true;
    }
    if (digits && *p == '.') {
        p++;
        digits = false;
        while (validate_is_digit(*p)) {
            p++;
            digits = true;
        }
    }
    if (!digits || *p != '\0')
        return 1;
    *v = strtod(buf, NULL);
    return 0;
}

int validate_yesno(const char *s, size_t n, bool *yes)
{
    char buf[8];
    size_t len, i;

    if (validate_fold_small(s, n, buf, sizeof buf, &len) != 0)
        return 1;
    if (strcmp(buf, "是") == 0 || strcmp(buf, "否") == 0) {
        *yes = strcmp(buf, "是") == 0;
        return 0;
    }
    for (i = 0; i < len; i++)
        buf[i] = validate_lower(buf[i]);
    if (strcmp(buf, "yes") == 0 || strcmp(buf, "true") == 0) {
        *yes = true;
        return 0;
    }
    if (strcmp(buf, "no") == 0 || strcmp(buf, "false") == 0) {
        *yes = false;
        return 0;
    }
    return 1;
}

/* ---- identity numbers ---- */

char validate_cn_id_check_char(const char digits17[17])
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int sum = 0, i;

    for (i = 0; i < 17; i++)
        sum += (digits17[i] - '0') * weights[i];
    return map[sum % 11];
}

/* First two digits: a province-level division of GB/T 2260, or 83: the
 * 港澳台居民居住证 (2018) carry GB 11643 numbers with the address codes
 * 810000, 820000 and 830000, and the Taiwan residents' 830000 is in no
 * GB/T 2260 table, so a holder could not give their number at all. */
static bool validate_cn_region(int r)
{
    return (r >= 11 && r <= 15) || (r >= 21 && r <= 23) || (r >= 31 && r <= 37) ||
           (r >= 41 && r <= 46) || (r >= 50 && r <= 54) || (r >= 61 && r <= 65) ||
           r == 71 || r == 81 || r == 82 || r == 83;
}

int validate_cn_id(const char *s, size_t n, int today, char out[19], int *birth_yyyymmdd,
                   const char **code)
{
    size_t i = 0, k, count = 0;
    uint32_t cp;
    char buf[18];
    int y, m, d, j;

    /* residents copy the number in groups ("110105 19491231 002X"): spaces
     * anywhere are ignored; the rest is counted in characters */
    while (i < n) {
        k = utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            *code = "cn_id_chars";
            return 1;
        }
        i += k;
        cp = validate_fold_cp(cp);
        if (utf8_is_space(cp))
            continue;
        if (count < sizeof buf)
            buf[count] = cp < 0x80 ? (char)cp : '?';
        count++;
    }
    if (count != 18) {
        *code = "cn_id_length";
        return 1;
    }
    if (buf[17] == 'x')
        buf[17] = 'X';
    if (!validate_all_digits(buf, 17) || (!validate_is_digit(buf[17]) && buf[17] != 'X')) {
        *code = "cn_id_chars";
        return 1;
    }
    if (!validate_cn_region((buf[0] - '0') * 10 + (buf[1] - '0'))) {
        *code = "cn_id_region";
        return 1;
    }
    y = m = d = 0;
    for (j = 6; j < 10; j++)
        y = y * 10 + (buf[j] - '0');
    m = (buf[10] - '0') * 10 + (buf[11] - '0');
    d = (buf[12] - '0') * 10 + (buf[13] - '0');
    if (y < 1900 || !validate_date_real(y, m, d)) {
        *code = "cn_id_birth";
        return 1;
    }
    if (y * 10000 + m * 100 + d > today) {
        *code = "cn_id_future";
        return 1;
    }
    if (validate_cn_id_check_char(buf) != buf[17]) {
        *code = "cn_id_checksum";
        return 1;
    }
    memcpy(out, buf, 18);
    out[18] = '\0';
    *birth_yyyymmdd = y * 10000 + m * 100 + d;
    return 0;
}

/* ---- phone numbers ---- */

int validate_cn_mobile(const char *s, size_t n, char out[12])
{
    char buf[64], c[64];
    size_t len, i, cl = 0;
    const char *rest;

    if (validate_fold_small(s, n, buf, sizeof buf, &len) != 0)
        return 1;
    for (i = 0; i < len; i++) {
        if (buf[i] == ' ' || buf[i] == '-')
            continue;
        if (!validate_is_digit(buf[i]) && !(buf[i] == '+' && cl == 0))
            return 1;
        c[cl++] = buf[i];
    }
    c[cl] = '\0';
    /* "86" alone is a prefix only when a whole number follows it: an
     * 11-digit number may itself start with 86 */
    if (cl >= 3 && memcmp(c, "+86", 3) == 0)
        rest = c + 3;
    else if (cl == 15 && memcmp(c, "0086", 4) == 0)
        rest = c + 4;
    else if (cl == 13 && memcmp(c, "86", 2) == 0)
        rest = c + 2;
    else
        rest = c;
    if (strlen(rest) != 11 || !validate_all_digits(rest, 11) || rest[0] != '1' ||
        rest[1] < '3' || rest[1] > '9')
        return 1;
    memcpy(out, rest, 12);
    return 0;
}

int validate_bank_card(const char *s, size_t n, char out[20])
{
    char buf[64];
    size_t len, i, cl = 0;

    if (validate_fold_small(s, n, buf, sizeof buf, &len) != 0)
        return 1;
    for (i = 0; i < len; i++) {
        if (buf[i] == ' ' || buf[i] == '-')
            continue;
        if (!validate_is_digit(buf[i]) || cl == 19)
            return 1;
        out[cl++] = buf[i];
    }
    out[cl] = '\0';
    return cl >= 12 ? 0 : 1;
}

/* One run of digits in a landline number and whether a hyphen came before
 * it (an extension must be set off by one). */
struct validate_group {
    const char *p;
    size_t n;
    bool after_hyphen;
};

static bool validate_area(const struct validate_group *g)
{
    /* 0 and 2-3 digits; 00 starts an international call, not an area */
    return (g->n == 3 || g->n == 4) && g->p[0] == '0' && g->p[1] != '0';
}

/* Area code and number written together: Beijing (010) and the 02x cities
 * have 3-digit codes, every other area a 4-digit one. */
static bool validate_split_landline(const struct validate_group *g, struct validate_group *area,
                                    struct validate_group *num)
{
    size_t a;

    if (g->n < 10 || g->p[0] != '0')
        return false;
    a = g->p[1] == '1' || g->p[1] == '2' ? 3 : 4;
    area->p = g->p;
    area->n = a;
    num->p = g->p + a;
    num->n = g->n - a;
    return validate_area(area) && (num->n == 7 || num->n == 8);
}

int validate_phone(const char *s, size_t n, char out[VALIDATE_PHONE_SIZE])
{
    char buf[64], *close;
    struct validate_group g[4], area, num, ext = {NULL, 0, false};
    size_t len, i = 0, ng = 0;
    bool hyphen;

    if (validate_cn_mobile(s, n, out) == 0)
        return 0;
    if (validate_fold_small(s, n, buf, sizeof buf, &len) != 0)
        return 1;
    /* (0535)1234567, （0535）1234567: the area code in brackets, as
     * letterheads and the hall's own notices write it; read as 0535-... */
    if (buf[0] == '(' && (close = strchr(buf, ')')) && close - buf >= 4 && close - buf <= 5) {
        *close = '-';
        memmove(buf, buf + 1, len); /* with its NUL */
        len--;
    }
    while (i < len) {
        hyphen = false;
        while (i < len && (buf[i] == ' ' || buf[i] == '-'))
            hyphen |= buf[i++] == '-';
        if (i == len)
            return 1;
        if (!validate_is_digit(buf[i]) || ng == 4)
            return 1;
        g[ng].p = buf + i;
        g[ng].after_hyphen = hyphen;
        while (i < len && validate_is_digit(buf[i]))
            i++;
        g[ng].n = (size_t)(buf + i - g[ng].p);
        ng++;
    }
    if (ng == 0 || g[0].p != buf)
        return 1;
    if (ng == 1) {
        if (!validate_split_landline(&g[0], &area, &num))
            return 1;
    } else if (validate_area(&g[0]) && (g[1].n == 7 || g[1].n == 8)) {
        area = g[0];
        num = g[1];
        if (ng == 3)
            ext = g[2];
        else if (ng > 3)
            return 1;
    } else if (ng == 2 && validate_split_landline(&g[0], &area, &num)) {
        ext = g[1];
    } else {
        return 1;
    }
    if (ext.p && (!ext.after_hyphen || ext.n < 1 || ext.n > 6))
        return 1;
    if (ext.p)
        snprintf(out, VALIDATE_PHONE_SIZE, "%.*s-%.*s-%.*s", (int)area.n, area.p, (int)num.n,
                 num.p, (int)ext.n, ext.p);
    else
        snprintf(out, VALIDATE_PHONE_SIZE, "%.*s-%.*s", (int)area.n, area.p, (int)num.n, num.p);
    return 0;
}

/* ---- e-mail ---- */

/* RFC 5322 atext, the characters of a dot-atom local part besides '.' */
static bool validate_atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || validate_is_digit(c) ||
           (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

static bool validate_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || validate_is_digit(c) || c == '-';
}

int validate_email(const char *s, size_t n, char out[VALIDATE_EMAIL_MAX + 1])
{
    char buf[VALIDATE_EMAIL_MAX + 1];
    size_t len, i, at, lab = 0, labels = 0;
    const char *p;

    if (validate_fold_small(s, n, buf, sizeof buf, &len) != 0)
        return 1;
    p = memchr(buf, '@', len);
    if (!p || memchr(p + 1, '@', len - (size_t)(p + 1 - buf)))
        return 1;
    at = (size_t)(p - buf);
    if (at == 0 || at > 64 || buf[0] == '.' || buf[at - 1] == '.')
        return 1;
    for (i = 0; i < at; i++)
        if (!(validate_atext(buf[i]) || (buf[i] == '.' && buf[i + 1] != '.')))
            return 1;
    /* the domain: labels of letters, digits and inner hyphens, at least two */
    for (i = at + 1; i <= len; i++) {
        if (i == len || buf[i] == '.') {
            if (lab == 0 || lab > 63 || buf[i - 1] == '-' || buf[i - lab] == '-')
                return 1;
            labels++;
            lab = 0;
            continue;
        }
        if (!validate_label_char(buf[i]))
            return 1;
        buf[i] = validate_lower(buf[i]);
        lab++;
    }
    if (labels < 2)
        return 1;
    memcpy(out, buf, len + 1);
    return 0;
}

/* ---- messages ---- */

/* Stops a message cut by snprintf at the last whole character. */
static void validate_cut_utf8(char *s)
{
    size_t len = strlen(s), i;
    uint32_t cp;

    if (len == 0)
        return;
    i = len - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    if (utf8_decode(s + i, len - i, &cp) == 0)
        s[i] = '\0';
}

static void validate_fail(struct validate_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void validate_fail(struct validate_error *err, const char *code, const char *fmt, ...)
{
    va_list ap;
    int k;

    err->code = code;
    va_start(ap, fmt);
    k = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (k < 0)
        err->message[0] = '\0';
    else if ((size_t)k >= sizeof err->message)
        validate_cut_utf8(err->message);
}

/* Whether a pattern= is only a run of digits, [0-9]{N} or [0-9]{M,N} (a
 * postcode, a house number): its failure can then say what to type
 * (「应是 6 位数字」) rather than send an elder to look for a format the
 * step never states. *lo and *hi are the counts. */
static bool validate_digit_run(const char *p, unsigned *lo, unsigned *hi)
{
    static const char head[] = "[0-9]{";
    char *end;
    unsigned long a, b;

    if (strncmp(p, head, sizeof head - 1) != 0)
        return false;
    p += sizeof head - 1;
    if (!validate_is_digit(*p))
        return false;
    a = strtoul(p, &end, 10);
    b = a;
    if (*end == ',') {
        if (!validate_is_digit(end[1]))
            return false;
        b = strtoul(end + 1, &end, 10);
    }
    if (strcmp(end, "}") != 0 || a == 0 || b < a || b > 64)
        return false;
    *lo = (unsigned)a;
    *hi = (unsigned)b;
    return true;
}

/* The field's label as messages show it: shortened when very long. */
static void validate_label(const struct field *f, char out[VALIDATE_LABEL_CLIP + 4])
{
    const char *l = f->label ? f->label : "这一项";
    size_t n = strlen(l);

    if (n <= VALIDATE_LABEL_CLIP) {
        memcpy(out, l, n + 1);
        return;
    }
    n = VALIDATE_LABEL_CLIP - 3;
    while (n > 0 && ((unsigned char)l[n] & 0xC0) == 0x80)
        n--;
    memcpy(out, l, n);
    memcpy(out + n, "…", sizeof "…");
}

/* A bound as a resident reads it: 18, 2.5 or -3, never 1e+06. */
static void validate_format_number(double v, char *buf, size_t size)
{
    char *p;

    snprintf(buf, size, "%.6f", v);
    if (strchr(buf, '.')) {
        p = buf + strlen(buf) - 1;
        while (*p == '0')
            *p-- = '\0';
        if (*p == '.')
            *p = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, size, "0");
}

/* ---- one check per type, as validate_field uses them ----
 * Each is the CHECK column of its row in FIELD_TYPES (field.h) and has the
 * signature of validate_check_fn: it takes the trimmed, non-empty value
 * s[0..n), the label for its messages and today (YYYYMMDD); returns 0 with
 * *norm a new string, 1 with err filled, -1 out of memory. Rules that fit
 * every type (required, same_as=) are validate_field's. */
typedef int validate_check_fn(const struct field *f, const char *label, const char *s, size_t n,
                              int today, char **norm, struct validate_error *err);

static int validate_age_rules(const struct field *f, const char *label, int birth, int today,
                              struct validate_error *err)
{
    int age = validate_age(birth, today);

    if (f->has_age_min && age < f->age_min) {
        validate_fail(err, "too_young",
                      "%s显示年龄未满 %d 周岁，不符合办理条件；如果填错了请改正，没有填错请到窗口咨询",
                      label, f->age_min);
        return 1;
    }
    if (f->has_age_max && age > f->age_max) {
        validate_fail(err, "too_old",
                      "%s显示年龄已超过 %d 周岁，不符合办理条件；如果填错了请改正，没有填错请到窗口咨询",
                      label, f->age_max);
        return 1;
    }
    return 0;
}

static int validate_check_text(const struct field *f, const char *label, const char *s, size_t n,
                               int today, char **norm, struct validate_error *err)
{
    size_t count = utf8_count(s, n);
    char *v;
    unsigned lo, hi;

    (void)today;
    if (f->has_min && (double)count < f->min) {
        validate_fail(err, "too_short", "%s至少要填 %.0f 个字，现在只有 %zu 个字，请补全", label,
                      f->min, count);
        return 1;
    }
    if (f->has_max && (double)count > f->max) {
        validate_fail(err, "too_long", "%s最多只能填 %.0f 个字，现在有 %zu 个字，请删减", label,
                      f->max, count);
        return 1;
    }
    if (!(v = malloc(n + 1)))
        return -1;
    /* text is kept as typed, except where pattern= allows only digits (a
     * postcode): there ２６４０００ from a Chinese input method means
     * 264000, and was refused as 应是 6 位数字 to an elder who saw six
     * digits on the screen, while the ID and mobile beside it passed */
    if (f->pattern && validate_digit_run(f->pattern, &lo, &hi)) {
        if (validate_fold_width(s, n, v) == (size_t)-1) {
            /* cannot happen: text_check has read s as UTF-8 */
            free(v);
            validate_fail(err, "bad_text", "%s里有无法识别的字符，请删掉后重新填写", label);
            return 1;
        }
    } else {
        memcpy(v, s, n);
        v[n] = '\0';
    }
    *norm = v;
    return 0;
}

static int validate_check_number(const struct field *f, const char *label, const char *s, size_t n,
                                 int today, char **norm, struct validate_error *err)
{
    char bound[64], *v;
    double d;

    (void)today;
    if (validate_number(s, n, &d) != 0) {
        validate_fail(err, "not_a_number", "%s要填一个数，如 25 或 3.5，请只填数字", label);
        return 1;
    }
    if (f->has_min && d < f->min) {
        validate_format_number(f->min, bound, sizeof bound);
        validate_fail(err, "too_small", "%s不能小于 %s，请核对后重新填写", label, bound);
        return 1;
    }
    if (f->has_max && d > f->max) {
        validate_format_number(f->max, bound, sizeof bound);
        validate_fail(err, "too_large", "%s不能大于 %s，请核对后重新填写", label, bound);
        return 1;
    }
    if (!(v = malloc(n + 1)))
        return -1;
    if (validate_fold_width(s, n, v) == (size_t)-1) {
        /* cannot happen: validate_number has just read s as UTF-8 */
        free(v);
        validate_fail(err, "not_a_number", "%s要填一个数，如 25 或 3.5，请只填数字", label);
        return 1;
    }
    *norm = v;
    return 0;
}

static int validate_bound_value(const struct date_bound *b, int today)
{
    return b->kind == DATE_BOUND_TODAY ? today : b->y * 10000 + b->m * 100 + b->d;
}

/* "今天（2025年6月1日）" or "2024年1月1日", for a date bound in a message:
 * the resident typed the date into 年, 月 and 日 boxes (the kiosk's hint
 * reads 如 1950 年 3 月 8 日), and an elder reads 2025-06-01 as a code. */
static void validate_format_bound(const struct date_bound *b, int today, char *buf, size_t size)
{
    int v = validate_bound_value(b, today);

    snprintf(buf, size, "%s%04d年%d月%d日%s", b->kind == DATE_BOUND_TODAY ? "今天（" : "",
             v / 10000, v / 100 % 100, v % 100, b->kind == DATE_BOUND_TODAY ? "）" : "");
}

static int validate_check_date(const struct field *f, const char *label, const char *s, size_t n,
                               int today, char **norm, struct validate_error *err)
{
    char buf[16], bound[40];
    size_t len;
    int ymd;
    bool shaped;

    /* the contract's field date is YYYY-MM-DD only: the YYYY/MM/DD that
     * validate_date also reads is the visit form's, and taking it here made
     * a client's 2024/03/01 pass where the contract refuses it */
    shaped = validate_fold_small(s, n, buf, sizeof buf, &len) == 0 && len == 10 &&
             buf[4] == '-' && buf[7] == '-';
    if (!shaped || validate_date(buf, len, &ymd) != 0) {
        /* a well-formed but impossible date (2025-02-29) gets its own
         * message: the resident typed the right shape */
        if (shaped)
            validate_fail(err, "date_not_real", "%s不是真实的日期，请核对年、月、日", label);
        else
            validate_fail(err, "date", "%s请按「年-月-日」填写，如 2024-03-01", label);
        return 1;
    }
    if (f->not_before.kind != DATE_BOUND_NONE && ymd < validate_bound_value(&f->not_before, today)) {
        validate_format_bound(&f->not_before, today, bound, sizeof bound);
        validate_fail(err, "date_too_early", "%s不能早于%s，请核对后重新填写", label, bound);
        return 1;
    }
    if (f->not_after.kind != DATE_BOUND_NONE && ymd > validate_bound_value(&f->not_after, today)) {
        validate_format_bound(&f->not_after, today, bound, sizeof bound);
        validate_fail(err, "date_too_late", "%s不能晚于%s，请核对后重新填写", label, bound);
        return 1;
    }
    /* an age rule makes the field a date of birth, and no one is born
     * after today: without this an age<= alone passed 2030-01-01 (a
     * negative age is under any maximum), where cn_id refuses it */
    if ((f->has_age_min || f->has_age_max) && ymd > today) {
        static const struct date_bound now = {.kind = DATE_BOUND_TODAY};
        validate_format_bound(&now, today, bound, sizeof bound);
        validate_fail(err, "date_too_late", "%s不能晚于%s，请核对后重新填写", label,
                      bound);
        return 1;
    }
    if (validate_age_rules(f, label, ymd, today, err) != 0)
        return 1;
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
    return (*norm = strdup(buf)) ? 0 : -1;
}

static int validate_check_cn_id(const struct field *f, const char *label, const char *s, size_t n,
                                int today, char **norm, struct validate_error *err)
{
    char id[19];
    const char *code = NULL;
    int birth;
    size_t i, count = 0, k;
    uint32_t cp;

    if (validate_cn_id(s, n, today, id, &birth, &code) != 0) {
        if (strcmp(code, "cn_id_length") == 0) {
            /* how many were typed, never what */
            for (i = 0; i < n; i += k) {
                k = utf8_decode(s + i, n - i, &cp);
                if (k == 0)
                    break;
                count += !utf8_is_space(validate_fold_cp(cp));
            }
            validate_fail(err, code, "%s应是 18 位，现在是 %zu 位，请对照身份证核对", label, count);
        } else if (strcmp(code, "cn_id_chars") == 0) {
            validate_fail(err, code, "%s只能填数字，最后一位可以是数字或字母 X，请对照身份证重新填写",
                          label);
        } else if (strcmp(code, "cn_id_region") == 0) {
            validate_fail(err, code, "%s的前两位（地区代码）不对，请对照身份证核对", label);
        } else if (strcmp(code, "cn_id_birth") == 0) {
            validate_fail(err, code, "%s里的出生日期（第 7 到 14 位）不是真实的日期，请对照身份证核对",
                          label);
        } else if (strcmp(code, "cn_id_future") == 0) {
            validate_fail(err, code, "%s里的出生日期（第 7 到 14 位）晚于今天，请对照身份证核对", label);
        } else {
            validate_fail(err, code, "%s的最后一位校验码不对，请核对身份证", label);
        }
        return 1;
    }
    if (validate_age_rules(f, label, birth, today, err) != 0)
        return 1;
    return (*norm = strdup(id)) ? 0 : -1;
}

static int validate_check_cn_mobile(const struct field *f, const char *label, const char *s,
                                    size_t n, int today, char **norm, struct validate_error *err)
{
    char buf[12];

    (void)f;
    (void)today;
    if (validate_cn_mobile(s, n, buf) != 0) {
        validate_fail(err, "cn_mobile", "%s应是 11 位手机号码，以 1 开头，请核对后重新填写", label);
        return 1;
    }
    return (*norm = strdup(buf)) ? 0 : -1;
}

static int validate_check_bank_card(const struct field *f, const char *label, const char *s,
                                    size_t n, int today, char **norm, struct validate_error *err)
{
    char buf[20];

    (void)f;
    (void)today;
    if (validate_bank_card(s, n, buf) != 0) {
        validate_fail(err, "bank_card", "%s应是 12 到 19 位数字（可以每 4 位空一格），请对照银行卡核对", label);
        return 1;
    }
    return (*norm = strdup(buf)) ? 0 : -1;
}

static int validate_check_phone(const struct field *f, const char *label, const char *s, size_t n,
                                int today, char **norm, struct validate_error *err)
{
    char buf[VALIDATE_PHONE_SIZE];

    (void)f;
    (void)today;
    if (validate_phone(s, n, buf) != 0) {
        validate_fail(err, "phone", "%s请填 11 位手机号码，或带区号的固定电话，如 0535-1234567", label);
        return 1;
    }
    return (*norm = strdup(buf)) ? 0 : -1;
}

static int validate_check_email(const struct field *f, const char *label, const char *s, size_t n,
                                int today, char **norm, struct validate_error *err)
{
    char buf[VALIDATE_EMAIL_MAX + 1];

    (void)f;
    (void)today;
    if (validate_email(s, n, buf) != 0) {
        validate_fail(err, "email", "%s的格式不对，应像 name@example.com 这样，请核对", label);
        return 1;
    }
    return (*norm = strdup(buf)) ? 0 : -1;
}

static int validate_check_yesno(const struct field *f, const char *label, const char *s, size_t n,
                                int today, char **norm, struct validate_error *err)
{
    bool yes;

    (void)f;
    (void)today;
    if (validate_yesno(s, n, &yes) != 0) {
        validate_fail(err, "yesno", "%s请选「是」或「否」", label);
        return 1;
    }
    return (*norm = strdup(yes ? "yes" : "no")) ? 0 : -1;
}

static int validate_check_choice(const struct field *f, const char *label, const char *s, size_t n,
                                 int today, char **norm, struct validate_error *err)
{
    char *v;
    size_t i, used, need;

    (void)today;
    if (!(v = strndup(s, n)))
        return -1;
    if (field_has_option(f, v)) {
        *norm = v;
        return 0;
    }
    free(v);
    validate_fail(err, "not_an_option", "%s请从这几项中选一个：", label);
    /* as many options as fit; "等" says there are more */
    used = strlen(err->message);
    for (i = 0; i < f->n_options; i++) {
        need = strlen(f->options[i]) + (i ? strlen("、") : 0);
        if (used + need + strlen("等") >= sizeof err->message) {
            memcpy(err->message + used, "等", sizeof "等");
            return 1;
        }
        if (i) {
            memcpy(err->message + used, "、", strlen("、"));
            used += strlen("、");
        }
        memcpy(err->message + used, f->options[i], strlen(f->options[i]));
        used += strlen(f->options[i]);
        err->message[used] = '\0';
    }
    return 1;
}

#define VALIDATE_CHECK_ROW(id, name, bounds, rules, cond, json, mask, check) [id] = check,
static validate_check_fn *const validate_checks[] = {FIELD_TYPES(VALIDATE_CHECK_ROW)};
#undef VALIDATE_CHECK_ROW

int validate_field(const struct field *f, const char *value, size_t len, int today,
                   validate_lookup_fn lookup, void *ctx, char **out, struct validate_error *err)
{
    char label[VALIDATE_LABEL_CLIP + 4];
    const char *s = value, *other;
    char *norm = NULL;
    size_t n = len;
    int rc;

    *out = NULL;
    err->code = NULL;
    err->message[0] = '\0';
    validate_label(f, label);
    if (!value)
        n = 0;
    if (n > VALIDATE_INPUT_MAX) {
        validate_fail(err, "too_long_input", "%s填的内容太长了，请删减后再填", label);
        rc = 1;
        goto out;
    }
    /* the project's one text policy (text.h): controls (a NUL would cut
     * the stored string short) and direction marks are never typed by a
     * resident; tab and line breaks are, in text */
    if (text_check(s, n) != 0) {
        validate_fail(err, "bad_text", "%s里有无法识别的字符，请删掉后重新填写", label);
        rc = 1;
        goto out;
    }
    s = n ? utf8_trim(s, &n) : s;
    if (n == 0) {
        if (f->required) {
            /* a label that asks already (请再输入一遍银行卡号, a same_as
             * confirmation) is the message: 请填写 before it read
             * 请填写请再输入一遍银行卡号 to the resident */
            if (strncmp(label, "请", strlen("请")) == 0)
                validate_fail(err, "required", "%s", label);
            /* a choice or yes/no is picked, not typed (GOV.UK: "Select…");
             * those are exactly the types a condition may test */
            else if ((size_t)f->type < FIELD_TYPE_COUNT && field_type_get(f->type)->cond != FIELD_COND_NONE)
                validate_fail(err, "required", "请选择%s", label);
            else
                validate_fail(err, "required", "请填写%s", label);
            rc = 1;
        } else {
            rc = 0; /* absent: no other rule applies */
        }
        goto out;
    }
    if ((size_t)f->type >= FIELD_TYPE_COUNT) {
        /* field_parse_line never yields another type */
        validate_fail(err, "bad_text", "%s暂时无法填写，请到窗口办理", label);
        rc = 1;
        goto out;
    }
    rc = validate_checks[f->type](f, label, s, n, today, &norm, err);
    if (rc != 0)
        goto out;
    /* any type: the value as stored, so a hall can narrow a phone to its
     * area code (0535-.*) or an ID number to its district (370602.*)
     * without writing the spaces and +86 the type already took off */
    if (f->pattern) {
        int r = regexec(&f->re, norm, 0, NULL, 0);
        if (r != 0) {
            if (r != REG_NOMATCH) {
                rc = -1; /* REG_ESPACE: the matcher ran out of memory */
                goto out;
            }
            unsigned lo, hi;

            if (!validate_digit_run(f->pattern, &lo, &hi))
                /* the format gives no hint of its own: say where to look */
                validate_fail(err, "pattern", "%s的格式不对：请对照证件或这一步的说明重新填写", label);
            else if (lo == hi)
                validate_fail(err, "pattern", "%s应是 %u 位数字，请核对后重新填写", label, lo);
            else
                validate_fail(err, "pattern", "%s应是 %u 到 %u 位数字，请核对后重新填写", label, lo, hi);
            rc = 1;
            goto out;
        }
    }
    if (f->same_as && lookup) {
        /* both sides are normalised, so "138 0013 8000" equals "13800138000" */
        other = lookup(ctx, f->same_as);
        if (!other || strcmp(other, norm) != 0) {
            validate_fail(err, "not_same", "「%s」和前面填的不一致，请再核对一遍", label);
            rc = 1;
            goto out;
        }
    }
    *out = norm;
    norm = NULL;
out:
    free(norm);
    return rc;
}
