/* mdlimit: a count of brackets before cmark parses, then one pass over the
 * document counting nodes and depth. */
#include "mdlimit.h"

#include <stdbool.h>
#include <string.h>

/* cmark's iterator reports leaves once (ENTER) and every other node twice. */
static int mdlimit_is_leaf(cmark_node_type t)
{
    switch (t) {
    case CMARK_NODE_HTML_BLOCK:
    case CMARK_NODE_THEMATIC_BREAK:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_TEXT:
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
    case CMARK_NODE_CODE:
    case CMARK_NODE_HTML_INLINE:
        return 1;
    default:
        return 0;
    }
}

int mdlimit_check(cmark_node *doc, const char *path, int line_off, struct diag_list *diags)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    int depth = 0, levels = 0, line = 1, rc = 0;
    long nodes = 0;

    if (!it)
        return -1;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        int l = cmark_node_get_start_line(n);
        bool level = t == CMARK_NODE_LIST || t == CMARK_NODE_BLOCK_QUOTE;
        if (ev == CMARK_EVENT_EXIT) {
            depth--;
            levels -= level;
            continue;
        }
        if (l > 0)
            line = l + line_off; /* a soft break has no line in cmark 0.30: keep the one before */
        nodes++;
        if (!mdlimit_is_leaf(t))
            depth++;
        /* in the admin's units, the levels of indentation: the bound on
         * nodes said 超过 32 层 of 16 nested lists */
        if (level && ++levels > MDLIMIT_MAX_LEVELS) {
            diag_error(diags, path, line,
                       "这里的列表或引用嵌套太深：列表和引用（>）一层套一层最多 %d 层，这里是第 %d 层；"
                       "请减少缩进层次",
                       MDLIMIT_MAX_LEVELS, levels);
            rc = 1;
            break;
        }
        if (depth > MDLIMIT_MAX_DEPTH) {
            diag_error(diags, path, line,
                       "这里的格式嵌套太深：粗体、斜体、链接一个套一个太多了，请去掉多余的 * _ [ ] 符号");
            rc = 1;
            break;
        }
        if (nodes > MDLIMIT_MAX_NODES) {
            diag_error(diags, path, line, "文件内容太多（超过 %d 个段落、列表项等），请拆分",
                       MDLIMIT_MAX_NODES);
            rc = 1;
            break;
        }
    }
    cmark_iter_free(it);
    return diags->oom ? -1 : rc;
}

/* The line of text[at] (from 1), counting from the body's start. */
static int mdlimit_line_of(const char *text, size_t at)
{
    int line = 1;
    size_t i;

    for (i = 0; i < at; i++)
        line += text[i] == '\n';
    return line;
}

/* Moves *pos (the start of line *cur, from 1) to the start of line want;
 * NULL past the text's end. Lines only grow in document order, so a walk
 * over all blocks scans the text once. */
static const char *mdlimit_seek_line(const char *text, size_t len, size_t *pos, int *cur, int want)
{
    while (*cur < want && *pos < len) {
        const char *nl = memchr(text + *pos, '\n', len - *pos);
        if (!nl) {
            *pos = len;
            break;
        }
        *pos = (size_t)(nl - text) + 1;
        (*cur)++;
    }
    return *cur == want && *pos < len ? text + *pos : NULL;
}

/* After the spaces and tabs of containers, and at most quotes `>` (the
 * block quotes around the block), whether line[0..n) starts with a run of `
 * or ~: its length (0 when it does not), its character in *ch, and in
 * *bare whether only white space follows it (a closing fence). */
static size_t mdlimit_fence_run(const char *line, size_t n, int quotes, char *ch, bool *bare)
{
    size_t i = 0, k, j;

    while (i < n && (line[i] == ' ' || line[i] == '\t' || (line[i] == '>' && quotes-- > 0)))
        i++;
    if (i >= n || (line[i] != '`' && line[i] != '~'))
        return 0;
    *ch = line[i];
    for (k = i; k < n && line[k] == *ch; k++)
        ;
    for (j = k; j < n && (line[j] == ' ' || line[j] == '\t' || line[j] == '\r'); j++)
        ;
    *bare = j == n;
    return k - i;
}

/* The length of the line at line, without its newline. */
static size_t mdlimit_line_len(const char *line, const char *text, size_t len)
{
    const char *nl = memchr(line, '\n', len - (size_t)(line - text));

    return nl ? (size_t)(nl - line) : len - (size_t)(line - text);
}

/* A fenced block whose closing fence never came runs to the end of the file
 * (CommonMark) or of its list item: a file cut short by an editor's crash
 * or a half-copied save went live with its last steps and fields gone and
 * nothing said (an admin's review). Each is an error at its opening line.
 * Returns 0, 1 when an error was added, -1 when memory ran out. */
static int mdlimit_fences(cmark_node *doc, const char *text, size_t len, const char *path,
                          int line_off, struct diag_list *diags)
{
    static const char ticks[] = "````````````````", tildes[] = "~~~~~~~~~~~~~~~~";
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    size_t pos = 0, open_len, close_len, n, skip;
    const char *line, *info, *fence, *lit;
    cmark_node *up;
    int cur = 1, rc = 0, start, end, col, shown, quotes;
    char open_ch, close_ch;
    bool bare, closed;

    if (!it)
        return -1;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(c) != CMARK_NODE_CODE_BLOCK)
            continue;
        start = cmark_node_get_start_line(c);
        end = cmark_node_get_end_line(c);
        col = cmark_node_get_start_column(c);
        if (start < 1 || col < 1 || !(line = mdlimit_seek_line(text, len, &pos, &cur, start)))
            continue;
        n = mdlimit_line_len(line, text, len);
        /* the opening line from the block's column (past a list marker on
         * the same line): a fence, or an indented block with none */
        skip = (size_t)col - 1 < n ? (size_t)col - 1 : n;
        if ((open_len = mdlimit_fence_run(line + skip, n - skip, 0, &open_ch, &bare)) < 3)
            continue;
        /* an indented block whose first line is a run of backticks (after
         * the spaces past the four of its indent): a fenced block's text
         * never holds its own opening run */
        lit = cmark_node_get_literal(c);
        if (lit)
            lit += strspn(lit, " ");
        if (lit && strlen(lit) >= open_len && strspn(lit, open_ch == '`' ? "`" : "~") >= open_len)
            continue;
        for (quotes = 0, up = cmark_node_parent(c); up; up = cmark_node_parent(up))
            quotes += cmark_node_get_type(up) == CMARK_NODE_BLOCK_QUOTE;
        line = end > start ? mdlimit_seek_line(text, len, &pos, &cur, end) : NULL;
        close_len = line ? mdlimit_fence_run(line, mdlimit_line_len(line, text, len), quotes, &close_ch, &bare)
                         : 0;
        closed = close_len >= open_len && close_ch == open_ch && bare;
        if (closed)
            continue;
        info = cmark_node_get_fence_info(c);
        fence = open_ch == '`' ? ticks : tildes;
        shown = open_len < sizeof ticks - 1 ? (int)open_len : (int)sizeof ticks - 1;
        diag_error(diags, path, start + line_off,
                   "从这一行开始的 %.*s%s 块没有结束（后面没有单独一行 %.*s），它后面的内容都被当成了这个块。"
                   "文件可能没有保存完整：请在块的最后一行后面补上一行 %.*s",
                   shown, fence, info ? info : "", shown, fence, shown, fence);
        rc = 1;
    }
    cmark_iter_free(it);
    return diags->oom ? -1 : rc;
}

cmark_node *mdlimit_parse(const char *text, size_t len, const char *path, int line_off,
                          struct diag_list *diags, int *r)
{
    cmark_node *doc;
    size_t i, brackets = 0;

    *r = 0;
    for (i = 0; i < len; i++) {
        if (text[i] == '[' && ++brackets > MDLIMIT_MAX_BRACKETS) {
            diag_error(diags, path, line_off + mdlimit_line_of(text, i),
                       "方括号 [ 太多（超过 %d 个）：这样的文件读起来太慢，请删掉多余的方括号或拆分文件",
                       MDLIMIT_MAX_BRACKETS);
            *r = diags->oom ? -1 : 1;
            return NULL;
        }
    }
    if (!(doc = cmark_parse_document(text, len, CMARK_OPT_DEFAULT))) {
        *r = -1;
        return NULL;
    }
    if ((*r = mdlimit_check(doc, path, line_off, diags)) != 0) {
        cmark_node_free(doc);
        return NULL;
    }
    /* an unclosed block is an error, but the rest is still read: its other
     * errors are said in the same check */
    if ((*r = mdlimit_fences(doc, text, len, path, line_off, diags)) < 0) {
        cmark_node_free(doc);
        return NULL;
    }
    return doc;
}
