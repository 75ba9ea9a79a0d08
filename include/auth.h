/* auth: staff and admin accounts, their sessions, and the check every staff
 * or admin route makes before it does anything.
 *
 * Accounts live in SQLite (schema/003-users.sql) with an Argon2id hash
 * (libsodium crypto_pwhash_str, at least the interactive limits); at most
 * AUTH_HASH_CONCURRENCY hashes run at once because each takes 64 MiB.
 * A session is a random 256-bit token sent as an HttpOnly, SameSite=Strict
 * cookie; only its BLAKE2b hash is stored. Every state-changing call also
 * needs the session's CSRF token in X-CSRF-Token. Sessions end after
 * AUTH_IDLE_SECONDS (or what auth_set_idle set) without a request.
 */
#ifndef SPK_AUTH_H
#define SPK_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "http.h"

#define AUTH_NAME_MAX 32            /* user names: [a-z0-9][a-z0-9._-]{0,31} */
#define AUTH_PASSWORD_MIN 8         /* bytes */
#define AUTH_PASSWORD_MAX 256       /* bytes; longer input is refused, not cut */
#define AUTH_IDLE_SECONDS (30 * 60) /* default; `serve --session-idle` */
#define AUTH_IDLE_MAX (24 * 60 * 60)
#define AUTH_HASH_CONCURRENCY 2
#define AUTH_FAIL_LIMIT 5           /* failures per name or address ... */
#define AUTH_FAIL_WINDOW (15 * 60)  /* ... within this many seconds ... */
#define AUTH_LOCK_SECONDS (15 * 60) /* ... lock logins for this long */
#define AUTH_COOKIE "spk_session"
#define AUTH_CSRF_HEADER "X-CSRF-Token"
#define AUTH_CSRF_LEN 43            /* base64url of 32 random bytes */

enum auth_role {
    AUTH_ROLE_STAFF = 1,
    AUTH_ROLE_ADMIN = 2,            /* may do everything staff may */
};

/* Who made a request, as auth_require found it. */
struct auth_user {
    char name[AUTH_NAME_MAX + 1];
    enum auth_role role;
};

/* "staff" or "admin". */
const char *auth_role_name(enum auth_role role);

/* Parses "staff" or "admin". Returns 0 and sets *role, or -1. */
int auth_role_parse(const char *s, enum auth_role *role);

/* True when s is a valid user name. */
bool auth_name_valid(const char *s);

/* For route handlers, first thing. Checks the session cookie (401
 * not_logged_in when missing, unknown or expired), the role (403 forbidden
 * when a staff user calls an admin route), and for any method other than
 * GET and HEAD the X-CSRF-Token header (403 csrf_failed). Touches the
 * session's idle clock. Returns true and fills *who when the request may go
 * on; otherwise queues the error response, stores its MHD result in *res and
 * returns false. A database failure is a 500. */
bool auth_require(struct http_request *req, enum auth_role need, struct auth_user *who,
                  enum MHD_Result *res);

/* For public routes a staffer may also use (filling a case in at the
 * window through the resident's step routes): true and *who filled when
 * the request carries a live session and, unless GET/HEAD, its CSRF
 * token; false otherwise (no session, a bad token, a database error),
 * answering nothing, so the request goes on as a resident's. Touches the
 * session's idle clock like auth_require. */
bool auth_peek(struct http_request *req, struct auth_user *who);

/* Sets whether session cookies carry `Secure` (when serving over TLS).
 * Call before the HTTP workers start. */
void auth_set_secure(bool secure);

/* Sets how many seconds without a request end a session (1..AUTH_IDLE_MAX).
 * Call before the HTTP workers start. */
void auth_set_idle(long seconds);

/* Creates a user. password is password_len bytes (not NUL-terminated
 * necessarily). Returns 0; 1 with a message in err for a bad name, a bad
 * password length or a name already taken; -1 on a database or hashing
 * failure (message in err). */
int auth_user_add(struct db *db, const char *name, enum auth_role role, const char *password,
                  size_t password_len, char *err, size_t errlen);

/* Replaces a user's password and ends their sessions. Returns 0; 1 with a
 * message in err (unknown user, bad password length); -1 on failure. */
int auth_user_passwd(struct db *db, const char *name, const char *password, size_t password_len,
                     char *err, size_t errlen);

/* Disables a user (no login, sessions ended); the account and its name in
 * case histories stay. Returns 0; 1 with a message (unknown user); -1. */
int auth_user_disable(struct db *db, const char *name, char *err, size_t errlen);

/* Prints "NAME ROLE active|disabled CREATED" per user to out. 0 or -1. */
int auth_user_list(struct db *db, void *out /* FILE * */);

/* At start-up: when there is no user at all, creates `admin` with a random
 * password and writes that password to out once. Returns 0 (created or not
 * needed) or -1. */
int auth_bootstrap(struct db *db, void *out /* FILE * */);

/* The handlers of POST /api/v1/login, POST /api/v1/logout and
 * GET /api/v1/session (who is logged in, with the CSRF token, for pages
 * reloaded while a session is live). */
enum MHD_Result api_login(struct http_request *req);
enum MHD_Result api_logout(struct http_request *req);
enum MHD_Result api_session(struct http_request *req);

#endif
