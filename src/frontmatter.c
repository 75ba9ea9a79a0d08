/* frontmatter: reads the `---` key/value block that opens a file. Values are
 * single-line text; anything cleverer (lists, quoting) is deliberately absent
 * so that an admin's editor cannot produce a surprise. */
#include "frontmatter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* A `---` line, allowing trailing spaces and a CR. */
static bool fm_is_fence(const char *s, size_t n)
{
    size_t i;

    if (n < 3 || memcmp(s, "---", 3) != 0)
        return false;
    for (i = 3; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

static bool fm_key_valid(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 32)
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return false;
    return true;
}

static const char *const fm_known_keys[] = {
    "id", "kind", "version", "review_by", "effective", "time_limit", "fee", "responsible",
    "basis", "location", "hours", "phone", "audience", "keywords", "order", "pickup", "visit",
    "followup", "review_body", "court",
};

bool frontmatter_key_known(const char *key)
{
    size_t i;

    for (i = 0; i < sizeof fm_known_keys / sizeof fm_known_keys[0]; i++)
        if (strcmp(key, fm_known_keys[i]) == 0)
            return true;
    return false;
}

/* The warning for a key no known key can be, with the known key it most
 * likely meant: lower case, '-' and ' ' as '_'. */
static void fm_warn_key(struct diag_list *diags, const char *path, int line, const char *k,
                        size_t kn)
{
    char guess[33];
    size_t i;

    for (i = 0; i < kn && i < sizeof guess - 1; i++) {
        char ch = k[i];
        guess[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch == '-' || ch == ' ' ? '_' : ch;
    }
    guess[i] = '\0';
    if (i == kn && frontmatter_key_known(guess))
        diag_warn(diags, path, line,
                  "不认识的名称「%.*s」，会被忽略：名称只用小写英文字母和下划线，是不是想写「%s」？",
                  (int)kn, k, guess);
    else
        diag_warn(diags, path, line,
                  "不认识的名称「%.*s」，会被忽略：名称只用小写英文字母和下划线，请按说明里的表写",
                  (int)kn, k);
}

static bool fm_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool frontmatter_date_parse(const char *s, int *y, int *m, int *d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int i, yy, mm, dd, max;

    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return false;
        } else if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    if (s[10] != '\0')
        return false;
    yy = atoi(s);
    mm = (s[5] - '0') * 10 + (s[6] - '0');
    dd = (s[8] - '0') * 10 + (s[9] - '0');
    if (yy < 1900 || mm < 1 || mm > 12 || dd < 1)
        return false;
    max = mdays[mm - 1] + (mm == 2 && fm_is_leap(yy));
    if (dd > max)
        return false;
    *y = yy;
    *m = mm;
    *d = dd;
    return true;
}

bool frontmatter_date_loose(const char *s, int *y, int *m, int *d, size_t *used)
{
    static const char nian[] = "年", yue[] = "月", ri[] = "日";
    const char *p = s;
    char text[16];
    int v[3] = {0, 0, 0}, i, k;
    char sep = 0;

    for (i = 0; i < 3; i++) {
        for (k = 0; *p >= '0' && *p <= '9' && k < (i ? 2 : 4); k++, p++)
            v[i] = v[i] * 10 + (*p - '0');
        if (i == 0 ? k != 4 : k == 0)
            return false;
        if (i == 2)
            break;
        if (i == 0 && (*p == '-' || *p == '/' || *p == '.')) {
            sep = *p++;
        } else if (i == 0 && strncmp(p, nian, sizeof nian - 1) == 0) {
            p += sizeof nian - 1;
        } else if (i == 1 && sep && *p == sep) {
            p++;
        } else if (i == 1 && !sep && strncmp(p, yue, sizeof yue - 1) == 0) {
            p += sizeof yue - 1;
        } else {
            return false;
        }
    }
    if (!sep && strncmp(p, ri, sizeof ri - 1) == 0)
        p += sizeof ri - 1;
    snprintf(text, sizeof text, "%04d-%02d-%02d", v[0], v[1], v[2]);
    if (!frontmatter_date_parse(text, y, m, d))
        return false;
    *used = (size_t)(p - s);
    return true;
}

/* Where the line starting at pos ends: its '\n', or a '\r' on its own (a
 * line ending CommonMark knows too, which the body's line numbers count);
 * a CRLF line keeps its '\r', which trimming removes. The next line starts
 * one byte after it. */
static size_t fm_eol(const char *text, size_t len, size_t pos)
{
    while (pos < len && text[pos] != '\n' &&
           !(text[pos] == '\r' && (pos + 1 >= len || text[pos + 1] != '\n')))
        pos++;
    return pos;
}

/* True when a closing `---` line follows pos. */
static bool fm_find_close(const char *text, size_t len, size_t pos)
{
    size_t eol;

    while (pos < len) {
        eol = fm_eol(text, len, pos);
        if (fm_is_fence(text + pos, eol - pos))
            return true;
        pos = eol + 1;
    }
    return false;
}

const struct fm_entry *frontmatter_get(const struct frontmatter *fm, const char *key)
{
    size_t i;

    for (i = 0; i < fm->n; i++)
        if (strcmp(fm->items[i].key, key) == 0)
            return &fm->items[i];
    return NULL;
}

static int fm_add(struct frontmatter *fm, const char *k, size_t kn, const char *v, size_t vn,
                  int line)
{
    struct fm_entry *e;

    e = realloc(fm->items, (fm->n + 1) * sizeof *e);
    if (!e)
        return -1;
    fm->items = e;
    e = &fm->items[fm->n];
    e->key = strndup(k, kn);
    e->value = strndup(v, vn);
    e->line = line;
    e->hall = false;
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return -1;
    }
    fm->n++;
    return 0;
}

int frontmatter_parse(const char *path, const char *text, size_t len, struct frontmatter *fm,
                      struct diag_list *diags)
{
    size_t pos = 0, eol, n, kn, vn;
    size_t errors0 = diags->errors;
    const char *s, *colon, *k, *v, *wide;
    bool closed;
    int line = 1;
    char key[33];

    memset(fm, 0, sizeof *fm);
    /* a UTF-8 byte order mark some Windows editors write is not content */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    eol = fm_eol(text, len, pos);
    if (!fm_is_fence(text + pos, eol - pos)) {
        fm->body_offset = pos;
        return 0;
    }
    pos = eol < len ? eol + 1 : len;
    closed = fm_find_close(text, len, pos);
    if (!closed)
        diag_error(diags, path, 1, "开头的 --- 信息块没有结束：请在最后一项后面另起一行写 ---");
    /* line is the number of the line starting at pos */
    for (line = 2; pos < len; line++) {
        s = text + pos;
        eol = fm_eol(text, len, pos);
        n = eol - pos;
        if (closed && fm_is_fence(s, n)) {
            pos = eol < len ? eol + 1 : len;
            line++;
            break;
        }
        k = utf8_trim(s, &n);
        colon = n ? memchr(k, ':', n) : NULL;
        if (!closed && n && (k[0] == '#' || !colon || !fm_key_valid(k, (size_t)(colon - k))))
            break; /* an unclosed block ends at its first non-entry line, so
                      that the body is still checked for what it is */
        pos = eol < len ? eol + 1 : len;
        if (n == 0 || k[0] == '#')
            continue; /* blank lines and comments are tolerated */
        if (!colon && (wide = memmem(k, n, "\xEF\xBC\x9A", 3))) { /* ： */
            /* the Chinese colon reads as a colon: saying only that one is
             * missing sends the admin looking for what is there */
            size_t wk = (size_t)(wide - k), wv = n - wk - 3;
            const char *wkey = k, *wval = utf8_trim(wide + 3, &wv);

            wkey = utf8_trim(wkey, &wk);
            diag_error(diags, path, line,
                       "这一行用了中文冒号「：」，开头信息要用英文冒号 :,应写成「%.*s: %.*s」；请切换到英文输入法再打",
                       (int)wk, wkey, (int)wv, wval);
            continue;
        }
        if (!colon) {
            diag_error(diags, path, line, "这一行应写成「名称: 内容」，缺少英文冒号 :");
            continue;
        }
        kn = (size_t)(colon - k);
        v = colon + 1;
        vn = n - kn - 1;
        k = utf8_trim(k, &kn);
        v = utf8_trim(v, &vn);
        if (kn == 0) {
            diag_error(diags, path, line, "冒号 : 前面缺少名称，应写成「名称: 内容」");
            continue;
        }
        if (!fm_key_valid(k, kn)) {
            /* no known key is spelt so: an unknown key, which the contract
             * makes a warning; the hint catches `Fee` and `time-limit` */
            fm_warn_key(diags, path, line, k, kn);
            continue;
        }
        if (!utf8_valid(v, vn)) {
            diag_error(diags, path, line, "内容不是有效的 UTF-8 文本，请用 UTF-8 编码保存文件");
            continue;
        }
        if (fm->n >= FM_MAX_ENTRIES) {
            diag_error(diags, path, line, "开头的信息块最多 %d 项", FM_MAX_ENTRIES);
            continue;
        }
        memcpy(key, k, kn);
        key[kn] = '\0';
        if (frontmatter_get(fm, key)) {
            diag_error(diags, path, line, "「%s」重复出现，每项只能写一次", key);
            continue;
        }
        if (fm_add(fm, k, kn, v, vn, line) != 0)
            return -1;
    }
    fm->body_offset = pos;
    fm->body_line = line - 1;
    if (diags->oom)
        return -1;
    return diags->errors > errors0 ? 1 : 0;
}

void frontmatter_free(struct frontmatter *fm)
{
    size_t i;

    for (i = 0; i < fm->n; i++) {
        free(fm->items[i].key);
        free(fm->items[i].value);
    }
    free(fm->items);
    memset(fm, 0, sizeof *fm);
}
