/* workdays: `_calendar.md` read into a sorted table of 休/班 dates, and the
 * working-day arithmetic over it. Days are counted one by one: limits are
 * at most 365 working days, so a bounded walk is simpler to trust than
 * skipping whole weeks around holidays. */
#include "workdays.h"

#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "mdtext.h"
#include "utf8.h"

static bool workdays_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int workdays_month_len(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && workdays_leap(y) ? 29 : len[m - 1];
}

bool workdays_has_year(const struct workdays *cal, int year)
{
    size_t i;

    for (i = 0; cal && i < cal->n; i++)
        if (cal->v[i].ymd / 10000 == year)
            return true;
    return false;
}

size_t workdays_year_count(const struct workdays *cal, int year)
{
    size_t i, n = 0;

    for (i = 0; cal && i < cal->n; i++)
        n += cal->v[i].ymd / 10000 == year;
    return n;
}

int workdays_gap_year(const struct workdays *cal, const char *due)
{
    int year = due ? atoi(due) : 0;

    return cal && year > 1900 && !workdays_has_year(cal, year) ? year : 0;
}

int workdays_gap_from(const struct workdays *cal, int from, int due)
{
    int y, after = workdays_next_day(from);

    if (!cal || !after || !workdays_date_valid(due) || due < from)
        return 0;
    /* the days counted are those after from: from 31 December, the next
     * year's (a review: a stage begun on 12-31 with 2027 listed and 2026
     * not was marked, and moved on a day at every pass) */
    for (y = after / 10000; y <= due / 10000; y++)
        if (!workdays_has_year(cal, y)) {
            int eve = (y - 1) * 10000 + 1231;
            return eve > from ? eve : from;
        }
    return 0;
}

bool workdays_gap_filled(const struct workdays *cal, int gap)
{
    int next = workdays_next_day(gap);

    return next && workdays_has_year(cal, next / 10000);
}

/* Working days after a up to b as they were counted with the year skip
 * missing from cal (weekends alone in it, cal's dates elsewhere). */
static int workdays_between_without(const struct workdays *cal, int skip, int a, int b)
{
    int d = a, k = 0, span;

    for (span = 0; span < WORKDAYS_MAX_SPAN && d && d < b; span++) {
        d = workdays_next_day(d);
        if (d && (d / 10000 == skip ? workdays_weekday(d) < 5 : workdays_is_working(cal, d)))
            k++;
    }
    return k;
}

int workdays_recount(const struct workdays *cal, int gap, int due)
{
    int d, next = workdays_next_day(gap);

    if (!next || !workdays_date_valid(due) || due < gap)
        return 0;
    /* as it was counted: the gap's year by weekends alone, any other year
     * as cal has it (a later year missing then is missing now too, and the
     * next pass takes it; an earlier one listed later must not be counted
     * twice) */
    d = workdays_due(cal, gap, workdays_between_without(cal, next / 10000, gap, due));
    /* earlier (a 班 weekend entered): the promise stands, but not on a day
     * the calendar now rests */
    return d && d < due ? workdays_due(cal, due, 0) : d;
}

bool workdays_date_valid(int ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;

    return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
           d <= workdays_month_len(y, m);
}

int workdays_next_day(int ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;

    if (!workdays_date_valid(ymd))
        return 0;
    if (d < workdays_month_len(y, m))
        return ymd + 1;
    if (m < 12)
        return y * 10000 + (m + 1) * 100 + 1;
    return y < 9999 ? (y + 1) * 10000 + 101 : 0;
}

int workdays_weekday(int ymd)
{
    /* Sakamoto's method: 0 Sunday; shifted to 0 Monday */
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100, w;

    if (!workdays_date_valid(ymd))
        return -1;
    if (m < 3)
        y--;
    w = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
    return (w + 6) % 7;
}

static const struct workdays_entry *workdays_find(const struct workdays *cal, int ymd)
{
    size_t lo = 0, hi = cal ? cal->n : 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->v[mid].ymd == ymd)
            return &cal->v[mid];
        if (cal->v[mid].ymd < ymd)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool workdays_is_working(const struct workdays *cal, int ymd)
{
    const struct workdays_entry *e;
    int w = workdays_weekday(ymd);

    if (w < 0)
        return false;
    if ((e = workdays_find(cal, ymd)))
        return e->mark == WORKDAYS_WORK;
    return w < 5;
}

int workdays_due(const struct workdays *cal, int start, int n)
{
    int d = start, k = 0, span;

    if (n < 0 || !workdays_date_valid(start))
        return 0;
    if (n == 0) {
        for (span = 0; span < WORKDAYS_MAX_SPAN && d; span++, d = workdays_next_day(d))
            if (workdays_is_working(cal, d))
                return d;
        return 0;
    }
    for (span = 0; span < WORKDAYS_MAX_SPAN && d; span++) {
        d = workdays_next_day(d);
        if (d && workdays_is_working(cal, d) && ++k == n)
            return d;
    }
    return 0;
}

int workdays_between(const struct workdays *cal, int a, int b)
{
    int d = a, k = 0, span;

    if (!workdays_date_valid(a) || !workdays_date_valid(b))
        return 0;
    if (b < a)
        return -workdays_between(cal, b, a);
    for (span = 0; span < WORKDAYS_MAX_SPAN && d && d < b; span++) {
        d = workdays_next_day(d);
        if (d && workdays_is_working(cal, d))
            k++;
    }
    return k;
}

/* Whether text holds a full-width digit or hyphen (U+FF10 to U+FF19,
 * U+FF0D: ２０２６－０１, typed with a Chinese input method). */
static bool workdays_has_fullwidth_digit(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;

    for (; *s; s++)
        if (s[0] == 0xEF && s[1] == 0xBC && ((s[2] >= 0x90 && s[2] <= 0x99) || s[2] == 0x8D))
            return true;
    return false;
}

/* A malformed entry: what it should have been, with its own date and word
 * when they can be read, rather than a sample of another year that leaves
 * the admin to find what differs (2027-1-1, 2027/01/01, 2027年1月1日, a
 * word run into the date). */
static void workdays_shape_error(struct diag_list *diags, const char *path, int line,
                                 const char *text)
{
    static const char rest[] = "休", work[] = "班";
    const char *after, *word = NULL;
    size_t used;
    int y, m, d;
    bool strict;

    if (workdays_has_fullwidth_digit(text) || !frontmatter_date_loose(text, &y, &m, &d, &used)) {
        diag_error(diags, path, line,
                   "%s这一行应写成「- 2026-10-01 休」或「- 2026-10-10 班」：日期、空格、休或班",
                   strstr(text, "\xE3\x80\x80") ? "日期后面的空格是全角的（　），请切换到英文输入法再打一个空格。"
                   : workdays_has_fullwidth_digit(text) ? "日期里有全角的数字或 －，请切换到英文输入法再打。"
                   : "");
        return;
    }
    strict = used == 10 && text[4] == '-' && text[7] == '-';
    after = text + used;
    if (strncmp(after, "\xE3\x80\x80", 3) == 0) {
        for (after += 3; *after == ' ' || *after == '\t' || strncmp(after, "\xE3\x80\x80", 3) == 0;
             after += *after == ' ' || *after == '\t' ? 1 : 3)
            ;
        word = strncmp(after, work, sizeof work - 1) == 0 ? work : rest;
        diag_error(diags, path, line,
                   "日期后面的空格是全角的（　），请切换到英文输入法再打一个空格：这一行应写成「- %04d-%02d-%02d %s」",
                   y, m, d, word);
        return;
    }
    for (; *after == ' ' || *after == '\t'; after++)
        ;
    if (strncmp(after, rest, sizeof rest - 1) == 0)
        word = rest;
    else if (strncmp(after, work, sizeof work - 1) == 0)
        word = work;
    if (strict && word)
        diag_error(diags, path, line, "日期和「%s」之间要空一格（英文空格）：这一行应写成「- %04d-%02d-%02d %s」",
                   word, y, m, d, word);
    else if (word)
        diag_error(diags, path, line,
                   "日期要写成 YYYY-MM-DD（年份四位，月和日都是两位，用 - 隔开）：这一行应写成「- %04d-%02d-%02d %s」",
                   y, m, d, word);
    else
        diag_error(diags, path, line,
                   "这一行应写成「- %04d-%02d-%02d 休」（工作日放假）或「- %04d-%02d-%02d 班」（周末上班）："
                   "日期写成 YYYY-MM-DD，后面一个空格，再写休或班",
                   y, m, d, y, m, d);
}

/* The word after an entry's date that is not 休 or 班 alone: when it is
 * one of them followed by more, what the more is. The next line of the
 * file run into this one (its "- " left out: Markdown joins it to the
 * item) reads as "休 2027-06-10 休", and neither date is read; a note
 * after the word ("休 端午") belongs in a heading. */
static void workdays_word_error(struct diag_list *diags, const char *path, int line,
                                const char *date, const char *word, size_t n)
{
    static const char rest[] = "休", work[] = "班";
    size_t k = 0, used;
    int y, m, d;
    const char *more;

    if (n > sizeof rest - 1 && (memcmp(word, rest, sizeof rest - 1) == 0 ||
                                memcmp(word, work, sizeof work - 1) == 0) &&
        (word[sizeof rest - 1] == ' ' || word[sizeof rest - 1] == '\t')) {
        k = sizeof rest - 1;
        more = word + k;
        while (k < n && (*more == ' ' || *more == '\t')) {
            more++;
            k++;
        }
        if (frontmatter_date_loose(more, &y, &m, &d, &used) || workdays_has_fullwidth_digit(more)) {
            diag_error(diags, path, line,
                       "下一行「%.*s」接到了这一行后面：那一行行首少了「- 」，Markdown 把它算成这一行的一部分，"
                       "两行的日期都没有读取。请在下一行行首加上「- 」（每个日期单独一行，写成「- YYYY-MM-DD 休」）",
                       (int)(n - k), more);
            return;
        }
        diag_error(diags, path, line,
                   "日期后面只能写「休」（工作日放假）或「班」（周末上班），不能是「%.*s」：说明文字请写在标题里，"
                   "如「### 端午节」，这一行只写「- 日期 %.*s」",
                   (int)n, word, (int)(sizeof rest - 1), word);
        return;
    }
    if (n == 0)
        diag_error(diags, path, line,
                   "日期后面要写「休」（工作日放假）或「班」（周末上班），如「- %s 休」", date);
    else
        diag_error(diags, path, line,
                   "日期后面只能写「休」（工作日放假）或「班」（周末上班），不能是「%.*s」", (int)n, word);
}

struct wctx {
    const char *path;
    struct diag_list *diags;
    struct workdays *cal;
    size_t cap;
};

static const char workdays_rest[] = "休", workdays_work[] = "班";

/* "YYYY-MM-DD 休": the date and the word, white space between. */
static int wctx_item(void *ctx, const char *text, int line)
{
    struct wctx *c = ctx;
    struct workdays_entry *e;
    char date[11];
    const char *word;
    size_t n;
    int y, m, d;
    enum workdays_mark mark;

    if (c->cal->n >= WORKDAYS_MAX_ENTRIES) {
        if (c->cal->n == WORKDAYS_MAX_ENTRIES)
            diag_error(c->diags, c->path, line, "日历里的日期太多，最多 %d 个", WORKDAYS_MAX_ENTRIES);
        c->cal->n++; /* counted so that the error is given once; never indexed */
        return c->diags->oom ? -1 : 0;
    }
    n = strlen(text);
    /* a no-break space (a line copied from a web page or Word) shows as
     * the space the format asks for, and is read as one */
    if (n < 10 || (text[10] != ' ' && text[10] != '\t' && text[10] != '\0' &&
                   strncmp(text + 10, "\xC2\xA0", 2) != 0)) {
        /* full-width characters from a Chinese input method look right:
         * say which, as the procedure checks do */
        workdays_shape_error(c->diags, c->path, line, text);
        return c->diags->oom ? -1 : 0;
    }
    memcpy(date, text, 10);
    date[10] = '\0';
    if (!frontmatter_date_parse(date, &y, &m, &d) || !workdays_date_valid(y * 10000 + m * 100 + d)) {
        size_t used;
        /* 2027/01/01 or 2027.01.01: a real date in another shape */
        if (frontmatter_date_loose(text, &y, &m, &d, &used))
            workdays_shape_error(c->diags, c->path, line, text);
        else
            diag_error(c->diags, c->path, line, "「%s」不是 YYYY-MM-DD 格式的真实日期", date);
        return c->diags->oom ? -1 : 0;
    }
    n -= 10;
    word = utf8_trim(text + 10, &n);
    if (n == sizeof workdays_rest - 1 && memcmp(word, workdays_rest, n) == 0) {
        mark = WORKDAYS_REST;
    } else if (n == sizeof workdays_work - 1 && memcmp(word, workdays_work, n) == 0) {
        mark = WORKDAYS_WORK;
    } else {
        workdays_word_error(c->diags, c->path, line, date, word, n);
        return c->diags->oom ? -1 : 0;
    }
    if (c->cal->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        if (!(e = realloc(c->cal->v, cap * sizeof *e)))
            return -1;
        c->cal->v = e;
        c->cap = cap;
    }
    e = &c->cal->v[c->cal->n++];
    e->ymd = y * 10000 + m * 100 + d;
    e->mark = mark;
    e->line = line;
    /* 班 on a weekday changes nothing: most likely the date was copied
     * wrong from the notice. (休 on a weekend is left alone: a holiday's
     * whole run is often listed, weekend days included.) */
    {
        static const char *const names[] = {"一", "二", "三", "四", "五"};
        int w = workdays_weekday(e->ymd);
        if (mark == WORKDAYS_WORK && w >= 0 && w < 5)
            diag_warn(c->diags, c->path, line,
                      "%s 是星期%s，本来就上班，写「班」不起作用：调休上班的日子是周六或周日，请核对日期",
                      date, names[w]);
    }
    return c->diags->oom ? -1 : 0;
}

/* A line outside the calendar's lists that starts with a date (after a
 * list marker, as in a code block): an entry written without its "- ", in
 * a quote of the notice, or in a list indented four spaces. It is not
 * read, and a holiday left out moves every due date across it without a
 * word, so the admin is told. A warning, and only for a date followed by
 * 休 or 班: a note may begin with a date. */
static int wctx_stray(void *ctx, const char *text, int line)
{
    struct wctx *c = ctx;
    const char *s = text, *p, *word;
    char date[11];
    int y, m, d;

    while (*s == ' ' || *s == '\t')
        s++;
    /* a list marker: "-", "*", "+", or up to nine digits and "." or ")" */
    for (p = s; *p >= '0' && *p <= '9' && p - s < 9; p++)
        ;
    if (p > s && (*p == '.' || *p == ')'))
        s = p + 1;
    else if (p == s && (*s == '-' || *s == '*' || *s == '+'))
        s++;
    while (*s == ' ' || *s == '\t')
        s++;
    if (strnlen(s, 10) < 10)
        return 0;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!frontmatter_date_parse(date, &y, &m, &d))
        return 0;
    /* only an entry's shape: a note may well begin with a date */
    for (s += 10; *s == ' ' || *s == '\t'; s++)
        ;
    if (strncmp(s, workdays_rest, sizeof workdays_rest - 1) == 0)
        word = workdays_rest;
    else if (strncmp(s, workdays_work, sizeof workdays_work - 1) == 0)
        word = workdays_work;
    else
        return 0;
    diag_warn(c->diags, c->path, line,
              "这一行的日期 %s 不在日历的列表里，不会被读取：请单独写成一行「- %s %s」"
              "（行首是「- 」，不要放在引用「>」里，也不要缩进）",
              date, date, word);
    return c->diags->oom ? -1 : 0;
}

static int workdays_entry_cmp(const void *a, const void *b)
{
    const struct workdays_entry *x = a, *y = b;

    if (x->ymd != y->ymd)
        return (x->ymd > y->ymd) - (x->ymd < y->ymd);
    return (x->line > y->line) - (x->line < y->line);
}

int workdays_parse(const char *path, const char *text, size_t len, struct workdays **out,
                   struct diag_list *diags)
{
    struct wctx c;
    size_t errors0 = diags->errors, i;
    int rc = -1, r;

    *out = NULL;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.diags = diags;
    if (!(c.cal = calloc(1, sizeof *c.cal)))
        return -1;
    r = mdtext_list_items(path, "日历文件", text, len, WORKDAYS_FILE_MAX, wctx_item, wctx_stray, &c,
                          diags);
    if (r < 0)
        goto out;
    if (c.cal->n > WORKDAYS_MAX_ENTRIES)
        c.cal->n = WORKDAYS_MAX_ENTRIES;
    if (c.cal->n)
        qsort(c.cal->v, c.cal->n, sizeof *c.cal->v, workdays_entry_cmp);
    for (i = 1; i < c.cal->n; i++)
        if (c.cal->v[i].ymd == c.cal->v[i - 1].ymd)
            diag_error(diags, path, c.cal->v[i].line, "日期 %04d-%02d-%02d 重复了（第 %d 行已经写过）",
                       c.cal->v[i].ymd / 10000, c.cal->v[i].ymd / 100 % 100, c.cal->v[i].ymd % 100,
                       c.cal->v[i - 1].line);
    if (diags->oom)
        goto out;
    if (r > 0 || diags->errors > errors0) {
        rc = 1;
        goto out;
    }
    *out = c.cal;
    c.cal = NULL;
    rc = 0;
out:
    workdays_free(c.cal);
    return rc;
}

void workdays_free(struct workdays *cal)
{
    if (!cal)
        return;
    free(cal->v);
    free(cal);
}
