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
/* A browser that logged in before (devices.h): Path=/api/v1/login, so it
 * travels with nothing else. */
#define API_AUTH_DEVICE_COOKIE "spk_device"
/* Sent by a page's timers (the staff queue's refresh): such a request is
 * not a person acting, so it does not keep the session from going idle. */
#define API_AUTH_POLL_HEADER "X-Spk-Poll"

/* Sets whether session cookies carry `Secure` (when serving over TLS).
 * Call before the HTTP workers start. */
void api_auth_set_secure(bool secure);

/* The guard of every route that is not public (http_guard_fn, given to
 * http_start; the dispatcher calls it before the handler). On a staff or
 * admin route it checks the session cookie (401 not_logged_in when
 * missing, unknown or expired), the role (403 forbidden when a staff user
 * calls an HTTP_ADMIN route) and, when route->csrf, the X-CSRF-Token
 * header (403 csrf_failed); a database failure is a 500. On a shared route
 * (a resident's route a staffer also uses, filling a case in at the
 * window) it refuses nothing: req->user names the staffer when a live
 * session and, unless GET/HEAD, its CSRF token come with the request, and
 * is "" otherwise. Touches the session's idle clock unless the request
 * says it is a page's timer (API_AUTH_POLL_HEADER: 1). Returns true with
 * req->user set; otherwise it has queued the answer and stored its MHD
 * result in *res. */
bool api_auth_guard(struct http_request *req, const struct http_route *route,
                    enum MHD_Result *res);

/* The name of the live staff or admin session whose cookie req carries
 * into out (size bytes), "" when none: the cookie alone, no CSRF token (it
 * marks a public request, e.g. a rating, done on no one's behalf), and the
 * session's idle clock is not touched. A database error is "": a
 * resident's request must not fail for a staffer's. */
void api_auth_session_name(struct http_request *req, char *out, size_t size);

/* The handlers of POST /api/v1/login, POST /api/v1/logout and
 * GET /api/v1/session (who is logged in, with the CSRF token, for pages
 * reloaded while a session is live). */
enum MHD_Result api_auth_login(struct http_request *req);
enum MHD_Result api_auth_logout(struct http_request *req);
enum MHD_Result api_auth_session(struct http_request *req);

#endif
