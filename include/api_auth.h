/* api_auth: the HTTP side of staff and admin sessions — POST /api/v1/login,
 * POST /api/v1/logout, GET /api/v1/session, the check in front of staff
 * and admin routes, and the "peek" of the public case routes a staffer
 * also uses.
 *
 * The session token travels as an HttpOnly, SameSite=Strict cookie
 * (API_AUTH_COOKIE); every state-changing call also needs the session's
 * CSRF token in API_AUTH_CSRF_HEADER. Accounts, sessions and the login
 * throttle themselves are accounts.c's, sessions.c's and throttle.c's.
 */
#ifndef SPK_API_AUTH_H
#define SPK_API_AUTH_H

#include <stdbool.h>

#include "accounts.h"
#include "http.h"

#define API_AUTH_COOKIE "spk_session"
#define API_AUTH_CSRF_HEADER "X-CSRF-Token"

/* The staffer behind a request, as a handler names them in events: what
 * api_auth_peek fills, and what api_staff's handlers copy req->user into.
 * (The name predates the split of auth.c; it is kept so that those
 * handlers' declarations stay as they are.) */
struct auth_user {
    char name[ACCOUNTS_NAME_MAX + 1];
};

/* Sets whether session cookies carry `Secure` (when serving over TLS).
 * Call before the HTTP workers start. */
void api_auth_set_secure(bool secure);

/* The guard of every staff and admin route (http_guard_fn, given to
 * http_start; the dispatcher calls it before the handler). Checks the
 * session cookie (401 not_logged_in when missing, unknown or expired), the
 * role (403 forbidden when a staff user calls an HTTP_ADMIN route) and,
 * when route->csrf, the X-CSRF-Token header (403 csrf_failed); a database
 * failure is a 500. Touches the session's idle clock. Returns true with
 * req->user set to the user's name; otherwise it has queued the answer and
 * stored its MHD result in *res. */
bool api_auth_guard(struct http_request *req, const struct http_route *route,
                    enum MHD_Result *res);

/* For public routes a staffer may also use (filling a case in at the
 * window through the resident's step routes): true and *who filled when
 * the request carries a live session and, unless GET/HEAD, its CSRF
 * token; false otherwise (no session, a bad token, a database error),
 * answering nothing, so the request goes on as a resident's. Touches the
 * session's idle clock like the guard. */
bool api_auth_peek(struct http_request *req, struct auth_user *who);

/* The handlers of POST /api/v1/login, POST /api/v1/logout and
 * GET /api/v1/session (who is logged in, with the CSRF token, for pages
 * reloaded while a session is live). */
enum MHD_Result api_auth_login(struct http_request *req);
enum MHD_Result api_auth_logout(struct http_request *req);
enum MHD_Result api_auth_session(struct http_request *req);

#endif
