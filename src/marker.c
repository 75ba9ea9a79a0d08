/* marker: parses the trailing `{...}` markers of the procedure format. They
 * sit at the end of a line so that the line still reads naturally in any
 * Markdown viewer, and so that a `{` inside ordinary text is left alone. */
#include "marker.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

bool marker_key_valid(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > MARKER_KEY_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* A question id: anything but white space (ids may be Chinese, like the
 * slugs made from headings), at most 64 bytes. */
static bool marker_anchor_valid(const char *s, size_t n)
{
    size_t i = 0, k;
    uint32_t cp;

    if (n == 0 || n > 64)
        return false;
    while (i < n) {
        k = utf8_decode(s + i, n - i, &cp);
        if (k == 0 || utf8_is_space(cp) || cp == '#')
            return false;
        i += k;
    }
    return true;
}

static bool marker_is_word(const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
            return false;
    return true;
}

/* Whether s[0..n) is a short run of Chinese (no ASCII at all): a marker
 * written in Chinese, such as {可选} or {如有}, meant as {optional}. */
static bool marker_is_cjk_word(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 24)
        return false;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x80)
            return false;
    return true;
}

/* Length of s[0..n) without trailing white space (ideographic space too). */
static size_t marker_rtrim(const char *s, size_t n)
{
    size_t len = n;
    const char *t = utf8_trim(s, &len);

    return len == 0 ? 0 : (size_t)(t - s) + len;
}

/* Length of "if" plus the white space after it when inner starts a
 * condition: "if" then any space (an input method types U+3000), or a bare
 * "if". 0 otherwise. */
static size_t marker_if_prefix(const char *inner, size_t n)
{
    uint32_t cp;
    size_t k;

    if (n < 2 || memcmp(inner, "if", 2) != 0)
        return 0;
    if (n == 2)
        return 2;
    k = utf8_decode(inner + 2, n - 2, &cp);
    return k && utf8_is_space(cp) ? 2 + k : 0;
}

/* Parses the inside of `{if ...}` (after "if"). */
static int marker_parse_if(const char *path, int line, const char *s, size_t n, struct cond *c,
                           struct diag_list *diags)
{
    const char *eq = memchr(s, '=', n), *k, *v, *wide, *bang = NULL;
    size_t kn, vn;
    bool negate = false;

    if (!eq && (wide = memmem(s, n, "\xEF\xBC\x9D", 3))) { /* ＝ */
        /* a Chinese input method's ＝ looks like = in a monospace font: an
         * admin told only that = is missing sees one there */
        kn = (size_t)(wide - s);
        if (kn >= 3 && memcmp(s + kn - 3, "\xEF\xBC\x81", 3) == 0) { /* ！＝ */
            bang = "！";
            kn -= 3;
        } else if (kn >= 1 && s[kn - 1] == '!') {
            bang = "!";
            kn--;
        }
        k = utf8_trim(s, &kn);
        vn = n - (size_t)(wide + 3 - s);
        v = utf8_trim(wide + 3, &vn);
        if (bang)
            diag_error(diags, path, line,
                       "条件里的「%s＝」是全角的，「不等于」要用英文的 !=,应写成 {if %.*s!=%.*s}；请切换到英文输入法再打",
                       bang, (int)kn, k, (int)vn, v);
        else
            diag_error(diags, path, line,
                       "条件里的「＝」是全角的，要用英文的 =,应写成 {if %.*s=%.*s}；请切换到英文输入法再打",
                       (int)kn, k, (int)vn, v);
        return 1;
    }
    if (!eq) {
        diag_error(diags, path, line, "条件应写成 {if 字段=值} 或 {if 字段!=值},这里缺少 =");
        return 1;
    }
    kn = (size_t)(eq - s);
    if (kn > 0 && s[kn - 1] == '!') {
        negate = true;
        kn--;
    }
    if (kn >= 3 && memcmp(s + kn - 3, "\xEF\xBC\x81", 3) == 0) { /* ！ */
        diag_error(diags, path, line,
                   "条件里的「！」是全角的：「不等于」要用英文写成 !=,如 {if %.*s!=值}；请切换到英文输入法再打",
                   (int)(kn - 3), s);
        return 1;
    }
    k = utf8_trim(s, &kn);
    v = eq + 1;
    vn = n - (size_t)(eq + 1 - s);
    v = utf8_trim(v, &vn);
    if (vn && v[0] == '=') {
        diag_error(diags, path, line, "条件里只写一个 =,如 {if %.*s=值}", (int)kn, k);
        return 1;
    }
    if (!marker_key_valid(k, kn)) {
        diag_error(diags, path, line,
                   "条件里的「%.*s」不是有效的字段名：应以小写字母开头，只含小写字母、数字和下划线",
                   (int)kn, k);
        return 1;
    }
    if (vn == 0) {
        diag_error(diags, path, line, "条件 {if %.*s=…} 缺少要比较的值", (int)kn, k);
        return 1;
    }
    memcpy(c->key, k, kn);
    c->key[kn] = '\0';
    c->negate = negate;
    c->value = strndup(v, vn);
    return c->value ? 0 : -1;
}

/* The first known marker ({optional}, {staff}, {if …}, {#key}) inside
 * text[0..n), which is what is left once the trailing ones are stripped:
 * its offset and length, or false. Text after it (a full stop is enough)
 * would show it to residents and drop its meaning. */
static bool marker_find_inner(const char *text, size_t n, size_t *at, size_t *mlen)
{
    const char *open = text, *close, *inner;
    size_t inner_n;

    /* each '}' once, with the last '{' before it (a marker holds none):
     * linear however many braces a line has */
    while ((open = memchr(open, '{', n - (size_t)(open - text)))) {
        if (!(close = memchr(open, '}', n - (size_t)(open - text))))
            return false;
        open = memrchr(open, '{', (size_t)(close - open));
        inner = open + 1;
        inner_n = (size_t)(close - inner);
        inner = utf8_trim(inner, &inner_n);
        if ((inner_n == 8 && memcmp(inner, "optional", 8) == 0) ||
            (inner_n == 5 && memcmp(inner, "staff", 5) == 0) ||
            marker_if_prefix(inner, inner_n) > 0 ||
            (inner_n > 1 && inner[0] == '#' && marker_key_valid(inner + 1, inner_n - 1))) {
            *at = (size_t)(open - text);
            *mlen = (size_t)(close - open) + 1;
            return true;
        }
        open = close + 1;
    }
    return false;
}

int marker_strip(const char *path, int line, const char *text, size_t *len, unsigned allowed,
                 struct markers *m, struct diag_list *diags)
{
    size_t at, mlen;
    size_t n = *len, open, inner_n, if_len;
    const char *inner;
    int rc = 0, r;

    memset(m, 0, sizeof *m);
    for (;;) {
        n = marker_rtrim(text, n);
        if (n == 0 || text[n - 1] != '}')
            break;
        open = n - 1;
        while (open > 0 && text[open - 1] != '{' && text[open - 1] != '}')
            open--;
        if (open == 0 || text[open - 1] != '{')
            break;
        open--;
        inner = text + open + 1;
        inner_n = n - open - 2;
        inner = utf8_trim(inner, &inner_n);
        if (inner_n == 8 && memcmp(inner, "optional", 8) == 0) {
            if (!(allowed & MARK_OPTIONAL)) {
                diag_error(diags, path, line, "{optional} 只能写在步骤里的清单项 - [ ] 后面");
                rc = 1;
            } else if (m->optional) {
                diag_error(diags, path, line, "{optional} 重复写了两次");
                rc = 1;
            }
            m->optional = true;
        } else if ((if_len = marker_if_prefix(inner, inner_n)) > 0) {
            struct cond c;
            memset(&c, 0, sizeof c);
            r = marker_parse_if(path, line, inner + if_len, inner_n - if_len, &c, diags);
            if (r < 0)
                return -1;
            if (r > 0) {
                rc = 1;
            } else if (!(allowed & MARK_IF)) {
                diag_error(diags, path, line, "{if …} 条件只能写在步骤标题、清单项或 form 字段行的末尾");
                rc = 1;
                cond_free(&c);
            } else if (m->has_cond) {
                diag_error(diags, path, line, "一行只能有一个 {if …} 条件");
                rc = 1;
                cond_free(&c);
            } else {
                /* markers are read right to left; keep the one written last */
                m->cond = c;
                m->has_cond = true;
            }
        } else if (inner_n == 5 && memcmp(inner, "staff", 5) == 0) {
            if (!(allowed & MARK_STAFF)) {
                diag_error(diags, path, line,
                           "{staff} 只能写在步骤里引用块（> 开头）第一行的末尾，"
                           "标出只给窗口工作人员看的提示");
                rc = 1;
            } else if (m->staff) {
                diag_error(diags, path, line, "{staff} 重复写了两次");
                rc = 1;
            }
            m->staff = true;
        } else if (inner_n >= 1 && inner[0] == '#') {
            if (!(allowed & (MARK_ANCHOR | MARK_ITEM_ID))) {
                diag_error(diags, path, line,
                           "{#编号} 只能写在步骤里清单项 - [ ] 的末尾（材料的编号，如 {#id_card}），"
                           "或分诊文件 _triage.md 的问题标题后面");
                rc = 1;
            } else if (m->anchor) {
                diag_error(diags, path, line, "{#编号} 重复写了两次");
                rc = 1;
            } else if ((allowed & MARK_ITEM_ID) && !marker_key_valid(inner + 1, inner_n - 1)) {
                diag_error(diags, path, line,
                           "清单项的编号 {#%.*s} 无效：应以小写英文字母开头，只用小写英文字母、数字和 _,"
                           "最长 32 个字符，如 {#id_card}",
                           (int)(inner_n - 1), inner + 1);
                rc = 1;
            } else if (!(allowed & MARK_ITEM_ID) && !marker_anchor_valid(inner + 1, inner_n - 1)) {
                diag_error(diags, path, line,
                           "{#编号} 里的编号不能有空格，也不能为空，如 {#start}");
                rc = 1;
            } else if (!(m->anchor = strndup(inner + 1, inner_n - 1))) {
                return -1;
            }
        } else if (allowed && inner_n > 3 && memcmp(inner, "\xEF\xBC\x83", 3) == 0) { /* ＃ */
            /* {＃photo} from a Chinese input method: no id, and the text
             * shown to residents; read on past it, so that a marker
             * before it is not also reported as misplaced */
            diag_error(diags, path, line,
                       "编号 {%.*s} 里的「＃」是全角的，要用英文的 #，应写成 {#%.*s}；请切换到英文输入法再打",
                       (int)inner_n, inner, (int)(inner_n - 3), inner + 3);
            rc = 1;
        } else {
            /* {ifhukou=…}, {If hukou=…}: a condition mistyped would show
             * to residents and apply to everyone */
            if (allowed && inner_n > 2 && (inner[0] == 'i' || inner[0] == 'I') &&
                (inner[1] == 'f' || inner[1] == 'F') && memchr(inner, '=', inner_n)) {
                diag_error(diags, path, line,
                           "条件标记 {%.*s} 写错了：if 要小写，后面空一格，应写成 {if 字段=值}",
                           (int)inner_n, inner);
                rc = 1;
                break;
            }
            if (marker_is_word(inner, inner_n))
                diag_warn(diags, path, line,
                          "不认识的标记 {%.*s},它会原样显示；可用的标记有 {optional} 和 {if 字段=值}",
                          (int)inner_n, inner);
            else if (allowed && marker_is_cjk_word(inner, inner_n))
                diag_warn(diags, path, line,
                          "不认识的标记 {%.*s},它会原样显示，也不起作用：标记要用英文写，"
                          "可不带的材料写 {optional}",
                          (int)inner_n, inner);
            break;
        }
        n = open;
    }
    /* full-width braces from a Chinese input method are not markers: where
     * markers mean something the line would show them and do nothing (a
     * ｛staff｝ note shown to residents, a ｛if｝ step shown to everyone),
     * so that is an error, as a full-width field bar is; prose is told,
     * except of ｛staff｝, which a quote's first line may end with */
    n = marker_rtrim(text, n);
    if (n >= 3 && memcmp(text + n - 3, "\xEF\xBD\x9D", 3) == 0 && /* ｝ */
        (memmem(text, n, "\xEF\xBD\x9Bif", 5) || memmem(text, n, "\xEF\xBD\x9Boptional", 11) ||
         memmem(text, n, "\xEF\xBD\x9Bstaff", 8) || memmem(text, n, "\xEF\xBD\x9B#", 4))) {
        if (allowed || memmem(text, n, "\xEF\xBD\x9Bstaff\xEF\xBD\x9D", 11)) {
            diag_error(diags, path, line,
                       "标记要用半角（英文）括号 { },这里写成了全角的 ｛ ｝：它会原样显示给居民，也不起作用。"
                       "请切换到英文输入法再打");
            rc = 1;
        } else {
            diag_warn(diags, path, line, "标记要用半角（英文）括号 { },这里写成了全角的 ｛ ｝，会原样显示");
        }
    }
    /* where markers mean something; prose (allowed 0) keeps its braces */
    if (allowed && marker_find_inner(text, n, &at, &mlen)) {
        diag_error(diags, path, line,
                   "标记 %.*s 要写在这一行的最后，后面不能再有文字或标点；现在它会原样显示，也不起作用",
                   (int)mlen, text + at);
        rc = 1;
    }
    *len = n;
    return diags->oom ? -1 : rc;
}

void cond_free(struct cond *c)
{
    free(c->value);
    c->value = NULL;
}

int cond_copy(struct cond *dst, const struct cond *src)
{
    char *v = strdup(src->value);

    if (!v)
        return -1;
    memcpy(dst->key, src->key, sizeof dst->key);
    dst->negate = src->negate;
    dst->value = v;
    return 0;
}

void marker_free(struct markers *m)
{
    if (m->has_cond)
        cond_free(&m->cond);
    free(m->anchor);
    memset(m, 0, sizeof *m);
}
