/* strbuf: a growable, always NUL-terminated byte string.
 *
 * Every function that can grow the buffer returns 0 on success and -1 when
 * memory runs out or the buffer would pass its cap; on -1 the contents are
 * unchanged. The buffer owns its memory: strbuf_free() releases it, and
 * strbuf_take() hands it to the caller (who then frees it with free()).
 */
#ifndef SPK_STRBUF_H
#define SPK_STRBUF_H

#include <stddef.h>

struct strbuf {
    char  *data;  /* NUL-terminated; NULL until the first append */
    size_t len;   /* bytes in use, not counting the NUL */
    size_t cap;   /* bytes allocated */
};

#define STRBUF_INIT {NULL, 0, 0}
/* No single string built by the daemon is allowed past this size. */
#define STRBUF_MAX ((size_t)64 << 20)

int strbuf_append(struct strbuf *sb, const char *s, size_t n);
int strbuf_puts(struct strbuf *sb, const char *s);
int strbuf_putc(struct strbuf *sb, char c);
/* printf-style append. */
int strbuf_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s with HTML's five special characters escaped. */
int strbuf_put_html(struct strbuf *sb, const char *s, size_t n);
/* Returns the string (never NULL: "" for an empty buffer, or NULL only when
 * that allocation fails) and leaves sb empty. Caller frees. */
char *strbuf_take(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);

#endif
