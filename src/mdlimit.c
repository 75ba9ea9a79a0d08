/* mdlimit: a count of brackets before cmark parses, then one pass over the
 * document counting nodes and depth. */
#include "mdlimit.h"

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
    int depth = 0, line = 1, rc = 0;
    long nodes = 0;

    if (!it)
        return -1;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        int l = cmark_node_get_start_line(n);
        if (ev == CMARK_EVENT_EXIT) {
            depth--;
            continue;
        }
        if (l > 0)
            line = l + line_off; /* inline nodes carry no line: keep the block's */
        nodes++;
        if (!mdlimit_is_leaf(cmark_node_get_type(n)))
            depth++;
        if (depth > MDLIMIT_MAX_DEPTH) {
            diag_error(diags, path, line,
                       "这里的列表或引用嵌套太深（超过 %d 层），请减少缩进层次", MDLIMIT_MAX_DEPTH);
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
    return doc;
}
