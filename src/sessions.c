/* sessions: session tokens, their idle clock and CSRF tokens (see
 * include/sessions.h for the rules).
 *
 * The idle clock is stored lazily — at most once per sessions_touch_every()
 * seconds — so that a busy staffer does not cost a write per request; the
 * expiry check allows for that lag.
 */
#include "sessions.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "token.h"

#define SESSIONS_TOUCH_SECONDS 60   /* idle clock granularity: at most a write a minute */

_Static_assert(SESSIONS_TOKEN_LEN == TOKEN_LEN && SESSIONS_CSRF_LEN == TOKEN_LEN &&
               SESSIONS_HASH_HEX == TOKEN_HASH_HEX, "sessions' secrets are tokens");

static const char sql_session_insert[] =
    "INSERT INTO sessions (token_hash, user, csrf, created_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?4)";
static const char sql_session_get[] =
    "SELECT s.user, s.csrf, s.seen_at, u.role, u.disabled, u.posts, u.display FROM sessions s"
    " JOIN users u ON u.name = s.user WHERE s.token_hash = ?1";
static const char sql_session_touch[] =
    "UPDATE sessions SET seen_at = ?2 WHERE token_hash = ?1";
static const char sql_session_delete[] = "DELETE FROM sessions WHERE token_hash = ?1";
static const char sql_sessions_expire[] = "DELETE FROM sessions WHERE seen_at < ?1";
static const char sql_sessions_of_user[] = "DELETE FROM sessions WHERE user = ?1";

static long long sessions_idle = SESSIONS_IDLE_SECONDS;

void sessions_set_idle(long seconds)
{
    if (seconds >= 1 && seconds <= SESSIONS_IDLE_MAX)
        sessions_idle = seconds;
}

long sessions_idle_seconds(void)
{
    return (long)sessions_idle;
}

/* How stale the stored idle clock may get: a minute, or less for short idle
 * limits so that the limit still holds within a quarter. */
static long long sessions_touch_every(void)
{
    return sessions_idle / 4 < SESSIONS_TOUCH_SECONDS ? sessions_idle / 4 : SESSIONS_TOUCH_SECONDS;
}

/* One write statement (?1 text, ?2 num when has_num) in its own BEGIN
 * IMMEDIATE. Returns 0 or -1. */
static int sessions_write(struct db *db, const char *sql, const char *text, long long num,
                          bool has_num)
{
    sqlite3_stmt *st;

    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql)) ||
        db_run(st, sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC) |
                       (has_num ? sqlite3_bind_int64(st, 2, num) : SQLITE_OK)) != 0) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db);
}

int sessions_create(struct db *db, const char *user, char token[SESSIONS_TOKEN_LEN + 1],
                    char csrf[SESSIONS_CSRF_LEN + 1])
{
    char th[SESSIONS_HASH_HEX];
    long long now = (long long)time(NULL);
    sqlite3_stmt *st;

    token_new(token);
    token_new(csrf);
    token_hash(token, th);
    if (db_begin(db) != 0)
        return -1;
    /* sweep expired sessions while writing anyway: the table stays small */
    if (!(st = db_stmt(db, sql_sessions_expire)) ||
        db_run(st, sqlite3_bind_int64(st, 1, now - sessions_idle - sessions_touch_every())) != 0 ||
        !(st = db_stmt(db, sql_session_insert)) ||
        db_run(st, sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC) |
                       sqlite3_bind_int64(st, 4, now)) != 0 ||
        db_commit(db) != 0) {
        db_rollback(db);
        return -1;
    }
    return 0;
}

int sessions_find(struct db *db, const char *token, bool touch, struct sessions_live *s)
{
    long long now = (long long)time(NULL), seen;
    sqlite3_stmt *st;
    int r;

    if (!token_valid(token))
        return 1;
    token_hash(token, s->token_hash);
    if (!(st = db_stmt(db, sql_session_get)) ||
        sqlite3_bind_text(st, 1, s->token_hash, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE)
        return 1;
    if (r != SQLITE_ROW)
        return -1;
    seen = sqlite3_column_int64(st, 2);
    snprintf(s->user.name, sizeof s->user.name, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(s->csrf, sizeof s->csrf, "%s", (const char *)sqlite3_column_text(st, 1));
    if (accounts_role_parse((const char *)sqlite3_column_text(st, 3), &s->user.role) != 0 ||
        sqlite3_column_int(st, 4)) {
        sqlite3_reset(st);
        return 1;
    }
    {
        char perr[8];
        /* stored by accounts.c, valid by construction; otherwise none */
        if (accounts_posts_parse((const char *)sqlite3_column_text(st, 5), &s->user.posts, perr,
                                 sizeof perr) != 0)
            memset(&s->user.posts, 0, sizeof s->user.posts);
    }
    accounts_display_copy(sqlite3_column_text(st, 6), s->user.display);
    sqlite3_reset(st);
    /* seen_at lags the last request by up to sessions_touch_every(): never
     * end a session early because of that */
    if (now - seen > sessions_idle + sessions_touch_every()) {
        (void)sessions_write(db, sql_session_delete, s->token_hash, 0, false);
        return 1;
    }
    if (touch && now - seen >= sessions_touch_every() &&
        sessions_write(db, sql_session_touch, s->token_hash, now, true) != 0)
        return -1;
    return 0;
}

int sessions_end(struct db *db, const char *token)
{
    char th[SESSIONS_HASH_HEX];

    if (!token_valid(token))
        return 0;
    token_hash(token, th);
    return sessions_write(db, sql_session_delete, th, 0, false);
}

int sessions_end_user(struct db *db, const char *user)
{
    sqlite3_stmt *st = db_stmt(db, sql_sessions_of_user);

    if (!st)
        return -1;
    return db_run(st, sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC));
}

bool sessions_csrf_ok(const struct sessions_live *s, const char *token)
{
    return token && strlen(token) == SESSIONS_CSRF_LEN &&
           sodium_memcmp(token, s->csrf, SESSIONS_CSRF_LEN) == 0;
}
