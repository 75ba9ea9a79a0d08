/* sessions: a logged-in user's sessions and their CSRF tokens, in domain
 * terms (token strings in, a user out); the HTTP side — the cookie, the
 * X-CSRF-Token header, the answers — is api_auth's.
 *
 * A session is a random 256-bit token (base64url) held by the browser;
 * only its BLAKE2b hash is stored (schema/003-users.sql), with the user,
 * a CSRF token of its own and when it was last seen. A session ends after
 * SESSIONS_IDLE_SECONDS (or what sessions_set_idle set) without a request
 * of a person (a page's timer polling does not count: sessions_find's
 * touch), at logout, and when its user's password changes or the user is disabled.
 */
#ifndef SPK_SESSIONS_H
#define SPK_SESSIONS_H

#include <stdbool.h>

#include "accounts.h"
#include "db.h"

#define SESSIONS_TOKEN_LEN 43               /* base64url of 32 random bytes */
#define SESSIONS_CSRF_LEN 43                /* likewise */
#define SESSIONS_HASH_HEX 65                /* a token's BLAKE2b-256 as hex, NUL included */
#define SESSIONS_IDLE_SECONDS (30 * 60)     /* default; `serve --session-idle` */
#define SESSIONS_IDLE_MAX (24 * 60 * 60)

/* A live session as sessions_find found it. */
struct sessions_live {
    struct accounts_user user;
    char csrf[SESSIONS_CSRF_LEN + 1];
    char token_hash[SESSIONS_HASH_HEX];
};

/* Sets how many seconds without a request end a session (1..SESSIONS_IDLE_MAX;
 * other values are ignored). Call before the HTTP workers start. */
void sessions_set_idle(long seconds);

/* The idle limit in seconds, for the pages (they lock themselves after
 * it). */
long sessions_idle_seconds(void);

/* Starts a session for user (an existing, active account's name); expired
 * sessions are swept in the same transaction. token and csrf receive its
 * secrets: the caller hands them to the browser and wipes its copies.
 * Returns 0 or -1 (database). */
int sessions_create(struct db *db, const char *user, char token[SESSIONS_TOKEN_LEN + 1],
                    char csrf[SESSIONS_CSRF_LEN + 1]);

/* The live session of token (NULL allowed). Returns 0 and fills *s; 1 when
 * there is none (no or malformed token, unknown, idle too long, user
 * disabled); -1 on a database error. An idle session found is deleted; a
 * live one has its idle clock touched (stored at most about once a
 * minute) when touch — a person's request, not a page's timer. */
int sessions_find(struct db *db, const char *token, bool touch, struct sessions_live *s);

/* Ends the session of token, if there is one (a NULL or malformed token is
 * nothing to end). Returns 0 or -1 (database). */
int sessions_end(struct db *db, const char *token);

/* Ends every session of user, inside the caller's BEGIN IMMEDIATE (so that
 * it goes with the change that calls for it). Returns 0 or -1. */
int sessions_end_user(struct db *db, const char *user);

/* True when token (NULL allowed) is s's CSRF token; compared in constant
 * time. */
bool sessions_csrf_ok(const struct sessions_live *s, const char *token);

#endif
