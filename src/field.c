/* field: parses the `key | label | type | rules` lines of a form block.
 * Each rule is checked against its type here, at load time, so that a
 * resident never meets a form whose rules contradict each other. */
#include "field.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "utf8.h"

#define FIELD_TYPE_ROW(id, name, bounds, rules, cond, json, mask, check)                          \
    [id] = {name, bounds, rules, cond, json, mask},
static const struct field_type_info field_types[] = {FIELD_TYPES(FIELD_TYPE_ROW)};
#undef FIELD_TYPE_ROW

/* "text、number、…": the types as the message for an unknown one lists them,
 * built from the table so that a new type is never left out. */
#define FIELD_TYPE_LISTED(id, name, bounds, rules, cond, json, mask, check) "、" name
static const char field_type_list[] = FIELD_TYPES(FIELD_TYPE_LISTED);
#undef FIELD_TYPE_LISTED

const struct field_type_info *field_type_get(enum field_type t)
{
    return (size_t)t < FIELD_TYPE_COUNT ? &field_types[t] : NULL;
}

const char *field_type_name(enum field_type t)
{
    const struct field_type_info *ti = field_type_get(t);

    return ti ? ti->name : NULL;
}

bool field_has_option(const struct field *f, const char *v)
{
    size_t i;

    for (i = 0; i < f->n_options; i++)
        if (strcmp(f->options[i], v) == 0)
            return true;
    return false;
}

/* A plain decimal number, the whole string: [+-]digits[.digits]. Hex,
 * exponents, "inf" and "nan" (all of which strtod takes) are refused. */
static bool field_number_parse(const char *s, double *out)
{
    const char *p = s;
    bool digits = false;

    if (*p == '+' || *p == '-')
        p++;
    while (*p >= '0' && *p <= '9') {
        p++;
        digits = true;
    }
    if (digits && *p == '.') {
        p++;
        digits = false;
        while (*p >= '0' && *p <= '9') {
            p++;
            digits = true;
        }
    }
    if (!digits || *p != '\0' || p - s > 32)
        return false;
    *out = strtod(s, NULL);
    return true;
}

/* A whole number 0..max. */
static bool field_int_parse(const char *s, long max, long *out)
{
    long v = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

static int field_parse_options(const char *path, int line, struct field *f, const char *v,
                               struct diag_list *diags)
{
    const char *p = v, *slash;
    size_t n, i;
    char *opt;

    for (;;) {
        slash = strchr(p, '/');
        n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0) {
            diag_error(diags, path, line, "options= 里有空的选项：选项之间用一个 / 隔开，如 options=是/否");
            return 1;
        }
        if (f->n_options >= FIELD_MAX_OPTIONS) {
            diag_error(diags, path, line, "选项太多，最多 %d 个", FIELD_MAX_OPTIONS);
            return 1;
        }
        if (!(opt = strndup(p, n)))
            return -1;
        for (i = 0; i < f->n_options; i++) {
            if (strcmp(f->options[i], opt) == 0) {
                diag_error(diags, path, line, "选项「%s」重复了", opt);
                free(opt);
                return 1;
            }
        }
        {
            char **o = realloc(f->options, (f->n_options + 1) * sizeof *o);
            if (!o) {
                free(opt);
                return -1;
            }
            f->options = o;
        }
        f->options[f->n_options++] = opt;
        if (!slash)
            break;
        p = slash + 1;
    }
    /* options=重残／重病、服刑在押/失联: an option holding a full-width
     * slash (a Chinese input method's /) is one odd option on the kiosk
     * when several were meant; it may also be one option on purpose
     * (残疾人证／诊断证明), so it is a warning, once */
    for (i = 0; f->n_options > 1 && i < f->n_options; i++) {
        if (strstr(f->options[i], "\xEF\xBC\x8F")) {
            diag_warn(diags, path, line,
                      "选项「%s」里有全角斜杠「／」，居民看到的是一个选项：如果是想分成几个选项，请改用"
                      "半角的 /（切换到英文输入法再打）；如果它本来就是一个选项，可以不改",
                      f->options[i]);
            break;
        }
    }
    /* one option written with another separator: only that whole text
     * would be accepted, so nobody could answer */
    if (f->n_options == 1 && (strstr(v, "\xEF\xBC\x8F") || strstr(v, "\xE3\x80\x81") ||
                              strstr(v, "\xEF\xBC\x8C") || strchr(v, ',') || strchr(v, '|'))) {
        diag_error(diags, path, line,
                   "options= 只有一个选项「%s」：选项之间要用半角斜杠 / 隔开（不是 ／、|、顿号或逗号），"
                   "如 options=是/否", v);
        return 1;
    }
    return 0;
}

static int field_parse_date_bound(const char *path, int line, const char *rule, const char *v,
                                  struct date_bound *b, struct diag_list *diags)
{
    if (strcmp(v, "today") == 0) {
        b->kind = DATE_BOUND_TODAY;
        return 0;
    }
    if (frontmatter_date_parse(v, &b->y, &b->m, &b->d)) {
        b->kind = DATE_BOUND_DATE;
        return 0;
    }
    diag_error(diags, path, line, "%s= 后面应是 YYYY-MM-DD 格式的真实日期或 today,「%s」不是", rule, v);
    return 1;
}

#define FIELD_PATTERN_MAX_REPEAT 64
#define FIELD_PATTERN_MAX_DEPTH 8

/* glibc compiles counted repeats by copying, and back-references make
 * matching exponential: a short pattern such as ((a{0,255}){0,255}){0,255}
 * takes gigabytes. Patterns describe formats (postcodes, card numbers), so
 * these limits cost nothing real: no back-references, repeat counts up to
 * 64, no repeat of a repeat (a++ or a repeated group that itself contains
 * a repeat), nesting up to 8.
 * Returns NULL when the pattern is acceptable, else the reason. */
static const char *field_pattern_risk(const char *pattern)
{
    const char *p = pattern;
    bool inner[FIELD_PATTERN_MAX_DEPTH + 1] = {false};
    int depth = 0;
    bool last_group_repeats = false, in_class = false, after_repeat = false;

    for (; *p; p++) {
        bool group_closed = false, repeat = false;
        if (in_class) {
            if (*p == ']')
                in_class = false;
            continue;
        }
        switch (*p) {
        case '\\':
            if (p[1] >= '1' && p[1] <= '9')
                return "不支持 \\1 这样的反向引用";
            if (p[1])
                p++;
            break;
        case '[':
            in_class = true;
            if (p[1] == '^')
                p++;
            if (p[1] == ']')
                p++;
            break;
        case '(':
            if (++depth > FIELD_PATTERN_MAX_DEPTH)
                return "括号嵌套太深";
            inner[depth] = false;
            break;
        case ')':
            if (depth > 0) {
                last_group_repeats = inner[depth];
                depth--;
                group_closed = true;
            }
            break;
        case '*': case '+': case '?': case '{': {
            if (*p == '{') {
                /* {m,n}, {m,}, glibc's {,n} (0 to n). glibc also reads an
                 * escaped comma as the comma, so {\,32767} once passed a
                 * check that parsed numbers with strtol: any count above
                 * the cap stops the scan, and a brace holding anything but
                 * digits and one comma is refused (regcomp refuses all of
                 * those but \, anyway). An unclosed brace is regcomp's. */
                const char *q;
                int commas = 0;
                long count = 0;
                for (q = p + 1; *q && *q != '}'; q++) {
                    if (*q == ',') {
                        if (++commas > 1)
                            return "花括号 {m,n} 里只能写数字和一个逗号";
                        count = 0;
                    } else if (*q >= '0' && *q <= '9') {
                        count = count * 10 + (*q - '0');
                        if (count > FIELD_PATTERN_MAX_REPEAT)
                            return "重复次数 {m,n} 最多 64";
                    } else {
                        return "花括号 {m,n} 里只能写数字和一个逗号";
                    }
                }
            }
            if (p > pattern && p[-1] == ')' && last_group_repeats)
                return "括号里已经有重复（* + ? {}），括号外不能再重复";
            /* a+++ nests repeats just as (a+)+ does */
            if (after_repeat)
                return "重复符号（* + ? {}）不能连着写";
            repeat = true;
            if (*p == '{') {
                while (p[1] && p[1] != '}')
                    p++;
                if (p[1])
                    p++; /* onto the '}', which ends this repeat */
            }
            if (depth > 0)
                inner[depth] = true;
            break;
        }
        default:
            break;
        }
        if (group_closed && depth > 0 && last_group_repeats)
            inner[depth] = true;
        after_repeat = repeat;
    }
    return NULL;
}

/* A backslash that POSIX ERE does not define. Every other regex dialect
 * reads \d as a digit; glibc reads it as the letter d, so pattern=\d{6}
 * refused every postcode and let "dddddd" through, and check said
 * nothing. Inside a bracket a backslash is itself: [\d] is a backslash or
 * a d. glibc's \w \W \s \S \b \B do what they say and stay; \1..\9 are
 * the risk check's. Writes the reason into out (a message naming the two
 * characters and what to write instead); false when there is none. */
static bool field_pattern_escape(const char *pattern, char *out, size_t outsz)
{
    const char *p = pattern;
    bool in_class = false;
    char c;

    for (; *p; p++) {
        if (in_class) {
            if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
                /* [:digit:], [=a=], [.-.]: up to their own closing pair */
                const char *end = strchr(p + 2, p[1]);
                while (end && end[1] != ']')
                    end = strchr(end + 1, p[1]);
                if (end) {
                    p = end + 1;
                    continue;
                }
            }
            if (*p == ']') {
                in_class = false;
            } else if (*p == '\\' && ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z'))) {
                snprintf(out, outsz,
                         "pattern= 方括号里的 \\%c 不是转义，表示反斜杠和字母 %c（POSIX ERE 的方括号里没有转义）："
                         "数字写 0-9，字母写 a-zA-Z，如 [0-9a-zA-Z]",
                         p[1], p[1]);
                return true;
            }
            continue;
        }
        if (*p == '[') {
            in_class = true;
            if (p[1] == '^')
                p++;
            if (p[1] == ']')
                p++;
            continue;
        }
        if (*p != '\\' || !p[1])
            continue;
        c = *++p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) || strchr("wWsSbB", c))
            continue;
        if (c == 'd' || c == 'D')
            snprintf(out, outsz,
                     "pattern= 里的 \\%c 不表示%s数字：这里是 POSIX ERE，\\%c 只匹配字母 %c；%s数字请写 %s，如 %s",
                     c, c == 'd' ? "" : "非", c, c, c == 'd' ? "" : "非", c == 'd' ? "[0-9]" : "[^0-9]",
                     c == 'd' ? "[0-9]{6}" : "[^0-9]+");
        else
            snprintf(out, outsz,
                     "pattern= 里的 \\%c 在 POSIX ERE 里没有意义，只匹配字母 %c：请用方括号写出允许的字符，如 [0-9]、[a-zA-Z]",
                     c, c);
        return true;
    }
    return false;
}

/* What regcomp's error means, for an admin who writes no regular
 * expressions otherwise; regerror's English text follows it. */
static const char *field_regerror_zh(int r)
{
    switch (r) {
    case REG_EBRACK:
        return "方括号 [ ] 没有配对";
    case REG_EPAREN:
        return "圆括号 ( ) 没有配对";
    case REG_EBRACE:
        return "花括号 { } 没有配对";
    case REG_BADBR:
        return "花括号 {m,n} 里的次数不对";
    case REG_ERANGE:
        return "方括号里的范围不对，如 [a-] 或 [9-0]";
    case REG_BADRPT:
        return "重复符号 * + ? {} 前面缺少要重复的内容";
    case REG_ECTYPE:
        return "字符类名不对，如 [[:digit:]] 才对";
    case REG_EESCAPE:
        return "末尾多了一个反斜杠 \\：要匹配反斜杠本身请写两个 \\\\，否则删去它";
    case REG_ESUBREG:
        return "引用了不存在的分组";
    case REG_ESPACE:
        return "表达式太复杂";
    default:
        return "写法不对";
    }
}

/* Into out (2 * strlen(v) + 5 bytes at least): "^(" v ")$", with every
 * ")" of v that closes no "(" before it written "\\)". POSIX ERE reads
 * such a ")" as the character itself, and so does regcomp of v alone; put
 * in the wrapper as it was, it closed the wrapper's "(" instead, so that
 * a)|(b) was ^(a)|(b))$, which lets through any value that starts with a,
 * and )12 matched 12). A ")" in brackets or escaped is left as it is.
 * Returns the first such ")" of v, or NULL when there is none. */
static const char *field_pattern_wrap(const char *v, char *out)
{
    const char *p = v, *lone = NULL;
    size_t o = 0;
    int depth = 0;

    out[o++] = '^';
    out[o++] = '(';
    while (*p) {
        if (*p == '\\' && p[1]) {
            out[o++] = *p++;
            out[o++] = *p++;
            continue;
        }
        if (*p == '[') {
            /* up to the "]" that ends it: one first (or after ^) is
             * itself, and [:digit:], [=a=], [.-.] end at their own pair */
            out[o++] = *p++;
            if (*p == '^')
                out[o++] = *p++;
            if (*p == ']')
                out[o++] = *p++;
            while (*p && *p != ']') {
                if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
                    const char *end = strchr(p + 2, p[1]);
                    while (end && end[1] != ']')
                        end = strchr(end + 1, p[1]);
                    if (end) {
                        while (p < end + 2)
                            out[o++] = *p++;
                        continue;
                    }
                }
                out[o++] = *p++;
            }
            if (*p)
                out[o++] = *p++;
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        else if (*p == ')') {
            if (!lone)
                lone = p;
            out[o++] = '\\';
        }
        out[o++] = *p++;
    }
    out[o++] = ')';
    out[o++] = '$';
    out[o] = '\0';
    return lone;
}

static int field_compile_pattern(const char *path, int line, struct field *f, const char *v,
                                 struct diag_list *diags)
{
    char buf[2 * FIELD_PATTERN_MAX + 8], err[128], err2[400];
    const char *risk, *lone = NULL;
    int r;

    if (strlen(v) > FIELD_PATTERN_MAX) {
        diag_error(diags, path, line, "pattern= 太长，最多 %d 个字节", FIELD_PATTERN_MAX);
        return 1;
    }
    /* before the risk: \p{L} is a wrong escape, not a wrong count */
    if (field_pattern_escape(v, err2, sizeof err2)) {
        diag_error(diags, path, line, "%s", err2);
        return 1;
    }
    if ((risk = field_pattern_risk(v))) {
        diag_error(diags, path, line, "pattern= 太复杂，可能让系统变慢：%s", risk);
        return 1;
    }
    /* the pattern alone first: wrapped, its own mistakes change meaning.
     * A trailing \ escaped the wrapper's ")" (「圆括号没有配对」 of a
     * pattern with none), and `a)|(b` closed it early, passing as
     * `^(a)|(b)$`, which lets through any value that starts with a */
    r = regcomp(&f->re, v, REG_EXTENDED | REG_NOSUB);
    if (r == 0) {
        regfree(&f->re);
        lone = field_pattern_wrap(v, buf);
        r = regcomp(&f->re, buf, REG_EXTENDED | REG_NOSUB);
    }
    if (r != 0) {
        regerror(r, &f->re, err, sizeof err);
        diag_error(diags, path, line, "pattern= 不是有效的正则表达式（POSIX ERE）：%s（%s）",
                   field_regerror_zh(r), err);
        return 1;
    }
    /* kept as the character (the wrapper escapes it), but almost never
     * meant: `a)|(b` is a group opened one "(" short, `12)` a stray key.
     * Said, so that the admin finds out before a resident's value does. */
    if (lone && diag_warn(diags, path, line,
                          "pattern= 里「%.*s」的最后一个「)」前面没有配对的「(」，会被当成普通字符「)」："
                          "填写的内容里要有这个括号才算对。要匹配括号本身，请写成 \\)；"
                          "想写「几种写法之一」的，请把每一种都用一对圆括号括起来，如 (a)|(b)，"
                          "或者不用括号写成 a|b；多打的「)」请删掉",
                          (int)(lone - v + 1), v) != 0) {
        regfree(&f->re);
        return -1;
    }
    if (!(f->pattern = strdup(v))) {
        regfree(&f->re);
        return -1;
    }
    return 0;
}

/* A rule mistyped with a Chinese input method: tok with the full-width forms
 * of ASCII (＞ ＝ ｍａｘ) and ≥ ≤ in its name and first = made ASCII, the value
 * left as written (（代办） in options= is meant) but for the ／ between
 * options. False when there are none, or when it does not fit out. */
static bool field_rule_unwide(const char *tok, char *out, size_t outsz)
{
    size_t i = 0, o = 0, n = strlen(tok), k;
    uint32_t cp;
    bool wide = false, opts;

    while (i < n) {
        k = utf8_decode(tok + i, n - i, &cp);
        if (k == 0)
            return false;
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            cp -= 0xFEE0;
            wide = true;
        }
        if (cp == 0x2265 || cp == 0x2264) { /* ≥ ≤, as in 年龄≥18 */
            if (o + 2 >= outsz)
                return false;
            out[o++] = cp == 0x2265 ? '>' : '<';
            cp = '=';
            wide = true;
        }
        if (cp < 0x80) {
            if (o + 1 >= outsz)
                return false;
            out[o++] = (char)cp;
        } else {
            if (o + k >= outsz)
                return false;
            memcpy(out + o, tok + i, k);
            o += k;
        }
        i += k;
        if (cp == '=')
            break;
    }
    /* max≤17: a bound of min=/max= is written with = alone */
    if (o == 5 && (memcmp(out, "max<=", 5) == 0 || memcmp(out, "min>=", 5) == 0)) {
        out[3] = '=';
        o = 4;
    }
    /* options=重残／重病: the full-width slash is the separator meant */
    opts = o == 8 && memcmp(out, "options=", 8) == 0;
    while (i < n) {
        if (opts && n - i >= 3 && memcmp(tok + i, "\xEF\xBC\x8F", 3) == 0) { /* ／ */
            cp = '/';
            k = 3;
        } else {
            cp = 0;
            k = 1;
        }
        if (o + 1 >= outsz)
            return false;
        out[o++] = cp ? (char)cp : tok[i];
        i += k;
    }
    out[o] = '\0';
    return wide;
}

/* Reports an unknown rule: the full-width character named when there is
 * one, since it looks like the right rule in the editor. */
static void field_unknown_rule(const char *path, int line, const char *tok, const char *shown,
                               struct diag_list *diags)
{
    char fixed[256];

    if (field_rule_unwide(tok, fixed, sizeof fixed))
        diag_error(diags, path, line,
                   "规则「%s」里有中文输入法打出的符号或字母（如全角的 ＝ ＞ ／ 或 ≥ ≤），应写成「%s」；请切换到英文输入法再打",
                   tok, fixed);
    else
        diag_error(diags, path, line, "不认识的规则「%s」；可用的规则有 required、min=、max=、options=、"
                   "pattern=、not_before=、not_after=、age>=、age<=、same_as=", shown);
}

/* Applies one rule token; reports its own errors. */
static int field_apply_rule(const char *path, int line, struct field *f, char *tok,
                            struct diag_list *diags)
{
    const struct field_type_info *ti = &field_types[f->type];
    const char *tname = ti->name;
    char *eq, *v;
    long iv;
    double dv;

    if (strcmp(tok, "required") == 0) {
        if (f->required) {
            diag_error(diags, path, line, "规则 required 重复了");
            return 1;
        }
        f->required = true;
        return 0;
    }
    if (strncmp(tok, "age>=", 5) == 0 || strncmp(tok, "age<=", 5) == 0) {
        bool is_min = tok[3] == '>';
        v = tok + 5;
        if (!(ti->rules & FIELD_RULE_AGE)) {
            diag_error(diags, path, line, "规则 %.5s 只能用于 cn_id 或 date 类型，这个字段是 %s", tok, tname);
            return 1;
        }
        if (!field_int_parse(v, 150, &iv)) {
            diag_error(diags, path, line, "%.5s 后面应是 0 到 150 的整数岁数，「%s」不是", tok, v);
            return 1;
        }
        if (is_min ? f->has_age_min : f->has_age_max) {
            diag_error(diags, path, line, "规则 %.5s 重复了", tok);
            return 1;
        }
        if (is_min) {
            f->has_age_min = true;
            f->age_min = (int)iv;
        } else {
            f->has_age_max = true;
            f->age_max = (int)iv;
        }
        return 0;
    }
    eq = strchr(tok, '=');
    if (!eq) {
        field_unknown_rule(path, line, tok, tok, diags);
        return 1;
    }
    *eq = '\0';
    v = eq + 1;
    if (*v == '\0') {
        diag_error(diags, path, line, "规则 %s= 后面缺少值", tok);
        return 1;
    }
    if (strcmp(tok, "min") == 0 || strcmp(tok, "max") == 0) {
        bool is_min = tok[1] == 'i';
        if (ti->bounds == FIELD_BOUNDS_LENGTH) {
            if (!field_int_parse(v, 100000, &iv)) {
                diag_error(diags, path, line, "文本的 %s= 是字数，应是 0 到 100000 的整数，「%s」不是", tok, v);
                return 1;
            }
            dv = (double)iv;
        } else if (ti->bounds == FIELD_BOUNDS_VALUE) {
            if (!field_number_parse(v, &dv)) {
                diag_error(diags, path, line, "%s= 后面应是一个数，「%s」不是", tok, v);
                return 1;
            }
        } else {
            diag_error(diags, path, line, "规则 %s= 只能用于 text(字数)或 number(数值),这个字段是 %s",
                       tok, tname);
            return 1;
        }
        if (is_min ? f->has_min : f->has_max) {
            diag_error(diags, path, line, "规则 %s= 重复了", tok);
            return 1;
        }
        if (is_min) {
            f->has_min = true;
            f->min = dv;
        } else {
            f->has_max = true;
            f->max = dv;
        }
        return 0;
    }
    if (strcmp(tok, "options") == 0) {
        if (!(ti->rules & FIELD_RULE_OPTIONS)) {
            diag_error(diags, path, line, "规则 options= 只能用于 choice 类型，这个字段是 %s", tname);
            return 1;
        }
        if (f->n_options) {
            diag_error(diags, path, line, "规则 options= 重复了");
            return 1;
        }
        return field_parse_options(path, line, f, v, diags);
    }
    if (strcmp(tok, "pattern") == 0) {
        if (f->pattern) {
            diag_error(diags, path, line, "规则 pattern= 重复了");
            return 1;
        }
        return field_compile_pattern(path, line, f, v, diags);
    }
    if (strcmp(tok, "not_before") == 0 || strcmp(tok, "not_after") == 0) {
        struct date_bound *b = tok[4] == 'b' ? &f->not_before : &f->not_after;
        if (!(ti->rules & FIELD_RULE_DATES)) {
            diag_error(diags, path, line, "规则 %s= 只能用于 date 类型，这个字段是 %s", tok, tname);
            return 1;
        }
        if (b->kind != DATE_BOUND_NONE) {
            diag_error(diags, path, line, "规则 %s= 重复了", tok);
            return 1;
        }
        return field_parse_date_bound(path, line, tok, v, b, diags);
    }
    if (strcmp(tok, "same_as") == 0) {
        if (!marker_key_valid(v, strlen(v))) {
            diag_error(diags, path, line, "same_as= 后面应是另一个字段的名称，「%s」不是有效的字段名", v);
            return 1;
        }
        if (f->same_as) {
            diag_error(diags, path, line, "规则 same_as= 重复了");
            return 1;
        }
        return (f->same_as = strdup(v)) ? 0 : -1;
    }
    {
        char whole[256], shown[128];
        /* tok was cut at its = */
        if (snprintf(whole, sizeof whole, "%s=%s", tok, v) >= (int)sizeof whole)
            whole[0] = '\0';
        if (snprintf(shown, sizeof shown, "%s=", tok) >= (int)sizeof shown)
            shown[0] = '\0';
        field_unknown_rule(path, line, whole[0] ? whole : shown, shown, diags);
    }
    return 1;
}

static int date_bound_cmp(const struct date_bound *a, const struct date_bound *b)
{
    long x = a->y * 10000L + a->m * 100 + a->d, y = b->y * 10000L + b->m * 100 + b->d;

    return (x > y) - (x < y);
}

/* Checks between rules, once all are read. */
static int field_check_rules(const char *path, int line, struct field *f, struct diag_list *diags)
{
    int rc = 0;

    if ((field_types[f->type].rules & FIELD_RULE_OPTIONS) && f->n_options == 0) {
        diag_error(diags, path, line, "%s 类型必须用 options= 列出选项，如 options=本人/代办",
                   field_types[f->type].name);
        rc = 1;
    }
    if (f->has_min && f->has_max && f->min > f->max) {
        diag_error(diags, path, line, "min= 比 max= 还大，没有值能通过");
        rc = 1;
    }
    if (f->has_age_min && f->has_age_max && f->age_min > f->age_max) {
        diag_error(diags, path, line, "age>= 比 age<= 还大，没有人能通过");
        rc = 1;
    }
    if (f->not_before.kind == DATE_BOUND_DATE && f->not_after.kind == DATE_BOUND_DATE &&
        date_bound_cmp(&f->not_before, &f->not_after) > 0) {
        diag_error(diags, path, line, "not_before= 比 not_after= 还晚，没有日期能通过");
        rc = 1;
    }
    if (f->same_as && strcmp(f->same_as, f->key) == 0) {
        diag_error(diags, path, line, "same_as= 不能指向字段自己");
        rc = 1;
    }
    return rc;
}

/* Whether the options= of rules goes on past a space: its value ends with
 * '/' and another word follows, or the next word begins with '/'. */
static bool field_options_spaced(const char *rules)
{
    const char *p = strstr(rules, "options="), *end;

    if (!p || (p != rules && p[-1] != ' ' && p[-1] != '\t'))
        return false;
    end = p + strcspn(p, " \t");
    p = end + strspn(end, " \t");
    return *p && (end[-1] == '/' || *p == '/');
}

int field_parse_line(const char *path, int line, const char *text, size_t len, struct field *f,
                     struct diag_list *diags)
{
    struct markers m;
    const char *parts[4], *p, *bar, *end;
    size_t plen[4], nparts = 0, n, i;
    char *rules = NULL, *tok, *save = NULL;
    bool fullwidth;
    int rc, r;
    size_t t;

    f->line = line;
    rc = marker_strip(path, line, text, &len, MARK_IF, &m, diags);
    if (rc < 0)
        goto out;
    if (m.has_cond) {
        f->cond = m.cond;
        f->has_cond = true;
        m.has_cond = false;
    }
    p = text;
    end = text + len;
    while (p <= end) {
        /* the rules column takes the rest of the line, so that a pattern=
         * may use | for alternatives */
        bar = nparts == 3 ? NULL : memchr(p, '|', (size_t)(end - p));
        if (!bar)
            bar = end;
        n = (size_t)(bar - p);
        parts[nparts] = utf8_trim(p, &n);
        plen[nparts++] = n;
        p = bar + 1;
    }
    /* a full-width ｜ among ASCII bars shifts every column after it: name
     * it, rather than the wrong name, label or type it makes (the rules
     * column, which takes the rest of the line, is the rules' business) */
    for (i = 0, fullwidth = false; i < nparts && i < 3; i++)
        fullwidth |= memmem(parts[i], plen[i], "\xEF\xBD\x9C", 3) != NULL; /* ｜ */
    if ((nparts < 3 && memmem(text, len, "\xEF\xBD\x9C", 3)) || fullwidth) {
        diag_error(diags, path, line,
                   "字段行的各栏要用半角（英文）竖线 | 隔开，这一行用了全角的「｜」：请切换到英文输入法再打");
        /* the key before the first bar of either kind, when it is one: an
         * {if} naming it is then not also told the field does not exist
         * (the caller remembers the keys of lines it drops) */
        n = plen[0];
        if ((bar = memmem(parts[0], n, "\xEF\xBD\x9C", 3)))
            n = (size_t)(bar - parts[0]);
        p = utf8_trim(parts[0], &n);
        if (marker_key_valid(p, n)) {
            memcpy(f->key, p, n);
            f->key[n] = '\0';
        }
        rc = 1;
        goto out;
    }
    if (nparts < 3) {
        diag_error(diags, path, line, "字段行应写成：名称 | 标签 | 类型 | 规则（规则可省略），这一行只有 %zu 栏",
                   nparts);
        rc = 1;
        goto out;
    }
    if (!marker_key_valid(parts[0], plen[0])) {
        diag_error(diags, path, line,
                   "字段名「%.*s」无效：应以小写英文字母开头，只含小写字母、数字和下划线，最长 32 个字符",
                   (int)plen[0], parts[0]);
        rc = 1;
        goto out;
    }
    memcpy(f->key, parts[0], plen[0]);
    f->key[plen[0]] = '\0';
    if (plen[1] == 0 || plen[1] > FIELD_LABEL_MAX) {
        diag_error(diags, path, line, "字段 %s 的标签（第二栏）%s", f->key,
                   plen[1] == 0 ? "不能为空" : "太长，最多 200 个字节");
        rc = 1;
        goto out;
    }
    if (!(f->label = strndup(parts[1], plen[1]))) {
        rc = -1;
        goto out;
    }
    for (t = 0; t < FIELD_TYPE_COUNT; t++)
        if (strlen(field_types[t].name) == plen[2] &&
            memcmp(field_types[t].name, parts[2], plen[2]) == 0)
            break;
    if (t == FIELD_TYPE_COUNT) {
        diag_error(diags, path, line, "不认识的字段类型「%.*s」；可用的类型有 %s", (int)plen[2], parts[2],
                   field_type_list + strlen("、"));
        rc = 1;
        goto out;
    }
    f->type = (enum field_type)t;
    if (nparts == 4) {
        if (!(rules = strndup(parts[3], plen[3]))) {
            rc = -1;
            goto out;
        }
        /* a Chinese input method's full-width space separates rules too,
         * and so does the no-break space a line copied from Word or a web
         * page carries: shown as a space, it made 「required max=」 one
         * unknown rule (the text is valid UTF-8, so C2 A0 is that space) */
        for (tok = rules; (tok = strstr(tok, "\xE3\x80\x80")); tok += 3)
            memset(tok, ' ', 3);
        for (tok = rules; (tok = strstr(tok, "\xC2\xA0")); tok += 2)
            memset(tok, ' ', 2);
        /* a fifth column (`| required | 备注`) ran into the rules: 「不认识的
         * 规则「|」」 and one more for each word after it. Only pattern=
         * may hold a bar, for alternatives */
        if ((bar = strchr(rules, '|')) && (bar == rules || bar[-1] == ' ' || bar[-1] == '\t') &&
            (!(tok = strstr(rules, "pattern=")) || tok > bar)) {
            n = strlen(bar + 1);
            p = utf8_trim(bar + 1, &n);
            if (n)
                diag_error(diags, path, line,
                           "字段行最多四栏：名称 | 标签 | 类型 | 规则，这一行在规则后面又多了一栏「%.*s」："
                           "规则之间用空格隔开，说明文字请写在表单外面（只有 pattern= 里可以用 | 表示“或者”）",
                           (int)utf8_prefix_len(p, n < 90 ? n : 90), p);
            else
                diag_error(diags, path, line,
                           "字段行最多四栏：名称 | 标签 | 类型 | 规则，这一行末尾多了一个 |，请删去");
            rc = 1;
            goto out;
        }
        /* options=甲 / 乙: the words after a space around / would each be
         * an unknown rule, and 甲/ an empty option; one message instead */
        if (field_options_spaced(rules)) {
            diag_error(diags, path, line,
                       "options= 的各个选项要连在一起写，/ 前后不能有空格，如 options=本市户籍/外地户籍");
            rc = 1;
            goto out;
        }
        for (tok = strtok_r(rules, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
            r = field_apply_rule(path, line, f, tok, diags);
            if (r < 0) {
                rc = -1;
                goto out;
            }
            if (r > 0)
                rc = 1;
        }
    }
    if (rc == 0)
        rc = field_check_rules(path, line, f, diags);
out:
    marker_free(&m);
    free(rules);
    if (rc >= 0 && diags->oom)
        rc = -1;
    return rc;
}

void field_free(struct field *f)
{
    size_t i;

    free(f->label);
    if (f->pattern) {
        regfree(&f->re);
        free(f->pattern);
    }
    free(f->same_as);
    for (i = 0; i < f->n_options; i++)
        free(f->options[i]);
    free(f->options);
    if (f->has_cond)
        cond_free(&f->cond);
    memset(f, 0, sizeof *f);
}
