/* utf8: decoding and measuring UTF-8 text.
 *
 * Procedure files, form values and search queries are UTF-8. These helpers
 * never read past the length they are given and treat any invalid sequence
 * as an error instead of guessing.
 */
#ifndef SPK_UTF8_H
#define SPK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s[0..n). Returns its length in bytes (1-4) and
 * stores the code point in *cp; returns 0 for an invalid, overlong,
 * surrogate or truncated sequence (and for n == 0). */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encodes cp into out (at least 4 bytes). Returns the byte count, or 0 for a
 * value that is not a Unicode scalar. */
size_t utf8_encode(uint32_t cp, char *out);

/* True when s[0..n) is entirely valid UTF-8. */
bool utf8_valid(const char *s, size_t n);

/* True when s (NUL-terminated) is one line of text for a name or a value
 * given on the command line or in a file: 1 to max bytes of valid UTF-8
 * with no control character (C0 or DEL), so no newline to split a log or
 * an SMS. False for NULL. */
bool utf8_line_valid(const char *s, size_t max);

/* What an admin is told about a file s[0..n) that is not valid UTF-8, or
 * holds a NUL byte, in Chinese, with the line of its first bad byte (from
 * 1) in *line; NULL (and *line 0) when it is valid. A file valid but for a character cut at its
 * very end was cut short (an editor's crash, a copy stopped), not saved in
 * another encoding: "save it as UTF-8" would be the wrong advice. The
 * string is static. */
const char *utf8_file_error(const char *s, size_t n, int *line);

/* Whether s[0..n) is valid UTF-8 but for a character cut short at its end. */
bool utf8_cut_at_end(const char *s, size_t n);

/* The length of s's first max bytes at most, never cutting a character
 * (a path or a message may hold Chinese): strlen(s) when it fits. */
size_t utf8_prefix_len(const char *s, size_t max);

/* Number of code points in s[0..n), or (size_t)-1 if it is not valid UTF-8. */
size_t utf8_count(const char *s, size_t n);

/* True for Unicode white space that a form value or a marker may be padded
 * with: ASCII space and controls, NBSP, the ideographic space U+3000, and
 * the invisible U+FEFF, U+200B (zero-width space) and U+2060 (word joiner)
 * that copied text carries. */
bool utf8_is_space(uint32_t cp);

/* Trims white space (as utf8_is_space) from both ends of s[0..*n); returns the
 * new start and updates *n. Never allocates. */
const char *utf8_trim(const char *s, size_t *n);

#endif
