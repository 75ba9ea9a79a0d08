/* text: the one policy for what people type that others will read — a
 * resident's answers (read by staff, printed), a staffer's outcome or
 * return reason (read by the resident on the kiosk and the notice), a
 * rating's comment (read by the hall).
 *
 * Refused: invalid UTF-8, the C0 controls but tab, line feed and carriage
 * return, DEL and the C1 controls (U+0085 breaks lines on some screens),
 * and the invisible marks that change how the text around them reads:
 * LRM/RLM, the bidirectional embeddings and overrides (U+202E turns a line
 * around), the isolates, and the line and paragraph separators. A NUL is
 * a C0 control, so a value that passes cannot be cut short either.
 */
#ifndef SPK_TEXT_H
#define SPK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True for a code point the policy refuses. */
bool text_char_refused(uint32_t c);

/* 0 when s[0..n) is valid UTF-8 holding no refused character, -1
 * otherwise. */
int text_check(const char *s, size_t n);

#endif
