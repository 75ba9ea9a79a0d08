/* refusal: what a domain module answers when it will not do what it was
 * asked and the caller can act on it — no such thing, not in this state,
 * or input it does not take — with a stable code and a Chinese message for
 * the person in front of the screen.
 *
 * The domain (cases, window, ...) speaks only these; the api_ layer turns
 * a kind into an HTTP status (reply_refusal in reply.h), so no domain
 * module knows about HTTP.
 */
#ifndef SPK_REFUSAL_H
#define SPK_REFUSAL_H

enum refusal_kind {
    REFUSAL_NOT_FOUND = 1,      /* no such case, step, ...: 404 */
    REFUSAL_CONFLICT,           /* the thing's state does not allow it: 409 */
    REFUSAL_INVALID,            /* the input is refused as it is: 422 */
    REFUSAL_FORBIDDEN,          /* this user may not do it to this thing: 403 */
};

struct refusal {
    enum refusal_kind kind;
    const char *code;           /* stable, ASCII, for programs and tests */
    const char *message;        /* Chinese, for people; static storage */
};

#endif
