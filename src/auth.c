/* auth: accounts, sessions, the login throttle and the check in front of
 * every staff and admin route (see include/auth.h for the rules).
 *
 * Password hashing is deliberately slow and large (Argon2id, 64 MiB), so a
 * counting gate lets at most AUTH_HASH_CONCURRENCY run at once. A login
 * never waits at the gate (it answers 503 instead), so a burst of logins
 * cannot tie up the worker threads the kiosk needs. The throttle is in
 * memory: a restart forgets it, which costs an attacker a restart they
 * cannot cause.
 */
#include "auth.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <sodium.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "store.h"

#define AUTH_TOKEN_BYTES 32
#define AUTH_TOKEN_LEN 43           /* base64url, no padding */
#define AUTH_HASH_HEX (2 * crypto_generichash_BYTES + 1)
#define AUTH_THROTTLE_SLOTS 8192    /* names and addresses remembered at once */
#define AUTH_THROTTLE_KEY 48
#define AUTH_TOUCH_SECONDS 60       /* idle clock granularity: at most a write a minute */
#define AUTH_BOOT_PASSWORD_LEN 16

static bool auth_secure;
static long long auth_idle = AUTH_IDLE_SECONDS;

void auth_set_secure(bool secure)
{
    auth_secure = secure;
}

void auth_set_idle(long seconds)
{
    if (seconds >= 1 && seconds <= AUTH_IDLE_MAX)
        auth_idle = seconds;
}

/* How stale the stored idle clock may get: a minute, or less for short idle
 * limits so that the limit still holds within a quarter. */
static long long auth_touch_every(void)
{
    return auth_idle / 4 < AUTH_TOUCH_SECONDS ? auth_idle / 4 : AUTH_TOUCH_SECONDS;
}

const char *auth_role_name(enum auth_role role)
{
    return role == AUTH_ROLE_ADMIN ? "admin" : "staff";
}

int auth_role_parse(const char *s, enum auth_role *role)
{
    if (s && strcmp(s, "staff") == 0)
        *role = AUTH_ROLE_STAFF;
    else if (s && strcmp(s, "admin") == 0)
        *role = AUTH_ROLE_ADMIN;
    else
        return -1;
    return 0;
}

bool auth_name_valid(const char *s)
{
    size_t i;

    if (!s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return false;
    for (i = 1; s[i]; i++) {
        char c = s[i];
        if (i >= AUTH_NAME_MAX)
            return false;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

/* --- hashing, at most AUTH_HASH_CONCURRENCY at once ---------------------- */

static pthread_mutex_t auth_gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t auth_gate_cv = PTHREAD_COND_INITIALIZER;
static unsigned auth_gate_busy;

/* Waits for a hashing slot: for the command line and rare upgrades. */
static void auth_gate_enter(void)
{
    pthread_mutex_lock(&auth_gate_mu);
    while (auth_gate_busy >= AUTH_HASH_CONCURRENCY)
        pthread_cond_wait(&auth_gate_cv, &auth_gate_mu);
    auth_gate_busy++;
    pthread_mutex_unlock(&auth_gate_mu);
}

/* Takes a hashing slot if one is free at once; true when taken. */
static bool auth_gate_try(void)
{
    bool taken = false;

    pthread_mutex_lock(&auth_gate_mu);
    if (auth_gate_busy < AUTH_HASH_CONCURRENCY) {
        auth_gate_busy++;
        taken = true;
    }
    pthread_mutex_unlock(&auth_gate_mu);
    return taken;
}

static void auth_gate_leave(void)
{
    pthread_mutex_lock(&auth_gate_mu);
    auth_gate_busy--;
    pthread_cond_signal(&auth_gate_cv);
    pthread_mutex_unlock(&auth_gate_mu);
}

/* out receives the crypto_pwhash_str string. Waits for a slot. Returns 0 or
 * -1 (memory). */
static int auth_hash(char out[crypto_pwhash_STRBYTES], const char *pw, size_t len)
{
    int r;

    auth_gate_enter();
    r = crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE);
    auth_gate_leave();
    return r == 0 ? 0 : -1;
}

/* A hash nobody's password matches, verified for unknown names so that they
 * cost as much time as a wrong password. Made at start-up (auth_bootstrap)
 * so that the first unknown name does not take twice as long. */
static char auth_dummy[crypto_pwhash_STRBYTES];

static int auth_dummy_make(void)
{
    unsigned char raw[AUTH_TOKEN_BYTES];
    int rc;

    randombytes_buf(raw, sizeof raw);
    rc = auth_hash(auth_dummy, (const char *)raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    return rc;
}

/* --- tokens ---------------------------------------------------------------- */

static void auth_token_new(char out[AUTH_TOKEN_LEN + 1])
{
    unsigned char raw[AUTH_TOKEN_BYTES];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, AUTH_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

static bool auth_token_shape(const char *t)
{
    size_t i;

    if (!t)
        return false;
    for (i = 0; t[i]; i++) {
        char c = t[i];
        if (i >= AUTH_TOKEN_LEN || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                     (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return i == AUTH_TOKEN_LEN;
}

static void auth_token_hash(const char *token, char out[AUTH_HASH_HEX])
{
    unsigned char h[crypto_generichash_BYTES];

    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, AUTH_HASH_HEX, h, sizeof h);
}

static long long auth_now(void)
{
    return (long long)time(NULL);
}

/* --- the login throttle ---------------------------------------------------- */

/* Each name and each address has a slot. An attempt in flight counts
 * against its keys from before the password is hashed, so that parallel
 * requests cannot get more than AUTH_FAIL_LIMIT guesses in between. */
struct auth_slot {
    char key[AUTH_THROTTLE_KEY];    /* "n:NAME" or "a:ADDRESS"; "" = free */
    long long fails[AUTH_FAIL_LIMIT];   /* times of the latest failures, a ring; 0 = none */
    unsigned next;                  /* where the next failure goes */
    unsigned inflight;              /* attempts being checked now */
    long long locked_until;
};

static pthread_mutex_t auth_throttle_mu = PTHREAD_MUTEX_INITIALIZER;
static struct auth_slot auth_slots[AUTH_THROTTLE_SLOTS];

/* Failures of s within the window before now. */
static unsigned auth_slot_recent(const struct auth_slot *s, long long now)
{
    unsigned i, n = 0;

    for (i = 0; i < AUTH_FAIL_LIMIT; i++)
        if (s->fails[i] && now - s->fails[i] < AUTH_FAIL_WINDOW)
            n++;
    return n;
}

/* A slot may be reused when it holds nothing that still counts. */
static bool auth_slot_idle(const struct auth_slot *s, long long now)
{
    return !s->key[0] ||
           (s->inflight == 0 && s->locked_until <= now && auth_slot_recent(s, now) == 0);
}

/* The slot of key, or with create a new one; NULL when key has none and
 * every slot still counts (the caller then refuses: a flood of names must
 * not push a name's failures out). Caller holds the mutex. */
static struct auth_slot *auth_slot_get(const char *key, long long now, bool create)
{
    struct auth_slot *free_slot = NULL;
    size_t i;

    for (i = 0; i < AUTH_THROTTLE_SLOTS; i++) {
        struct auth_slot *c = &auth_slots[i];
        if (c->key[0] && strcmp(c->key, key) == 0)
            return c;
        if (!free_slot && auth_slot_idle(c, now))
            free_slot = c;
    }
    if (!create || !free_slot)
        return NULL;
    memset(free_slot, 0, sizeof *free_slot);
    snprintf(free_slot->key, sizeof free_slot->key, "%s", key);
    return free_slot;
}

/* Whether key may start an attempt now. Caller holds the mutex. */
static bool auth_slot_allows(const struct auth_slot *s, long long now)
{
    return s->locked_until <= now && auth_slot_recent(s, now) + s->inflight < AUTH_FAIL_LIMIT;
}

/* How long until key slot s would let an attempt start. */
static long long auth_slot_wait(const struct auth_slot *s, long long now)
{
    if (s->locked_until > now)
        return s->locked_until - now;
    /* failures and attempts in flight at the limit: an attempt ends soon */
    return 1;
}

/* Starts an attempt for both keys. Returns 0 when it may go on (each key's
 * in-flight count then holds it until auth_attempt_end); otherwise the
 * seconds to wait, when either key is locked, has as many failures and
 * attempts in flight as it may, or cannot be remembered (every slot busy:
 * a minute). */
static long long auth_attempt_begin(const char *keys[2], long long now)
{
    struct auth_slot *s0, *s1;
    long long wait = 60;

    pthread_mutex_lock(&auth_throttle_mu);
    s0 = auth_slot_get(keys[0], now, true);
    if (s0 && !auth_slot_allows(s0, now)) {
        wait = auth_slot_wait(s0, now);
    } else if (s0) {
        /* in flight first, so that taking the second slot cannot reuse it */
        s0->inflight++;
        s1 = auth_slot_get(keys[1], now, true);
        if (s1 && auth_slot_allows(s1, now)) {
            s1->inflight++;
            wait = 0;
        } else {
            s0->inflight--;
            if (s1)
                wait = auth_slot_wait(s1, now);
        }
    }
    pthread_mutex_unlock(&auth_throttle_mu);
    return wait;
}

enum auth_outcome { AUTH_OUT_NONE, AUTH_OUT_FAILED, AUTH_OUT_OK };

/* Ends an attempt begun by auth_attempt_begin: a failure is recorded on both
 * keys and locks a key at its AUTH_FAIL_LIMIT-th within the window; a
 * success clears the name's (keys[0]) failures; NONE (not checked: busy,
 * database error) only releases the attempt. */
static void auth_attempt_end(const char *keys[2], long long now, enum auth_outcome out)
{
    size_t k;

    pthread_mutex_lock(&auth_throttle_mu);
    for (k = 0; k < 2; k++) {
        /* never evicted while in flight, so it is found */
        struct auth_slot *s = auth_slot_get(keys[k], now, false);
        if (!s)
            continue;
        if (s->inflight)
            s->inflight--;
        if (out == AUTH_OUT_FAILED) {
            s->fails[s->next] = now;
            s->next = (s->next + 1) % AUTH_FAIL_LIMIT;
            if (auth_slot_recent(s, now) >= AUTH_FAIL_LIMIT)
                s->locked_until = now + AUTH_LOCK_SECONDS;
        } else if (out == AUTH_OUT_OK && k == 0) {
            memset(s->fails, 0, sizeof s->fails);
        }
    }
    pthread_mutex_unlock(&auth_throttle_mu);
}

/* --- accounts ---------------------------------------------------------------- */

static const char sql_user_insert[] =
    "INSERT INTO users (name, role, pwhash, disabled, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, 0, ?4, ?4) ON CONFLICT (name) DO NOTHING";
static const char sql_user_get[] = "SELECT role, pwhash, disabled FROM users WHERE name = ?1";
static const char sql_user_passwd[] =
    "UPDATE users SET pwhash = ?2, updated_at = ?3 WHERE name = ?1";
static const char sql_user_disable[] =
    "UPDATE users SET disabled = 1, updated_at = ?2 WHERE name = ?1";
static const char sql_user_count[] = "SELECT count(*) FROM users";
static const char sql_user_list[] =
    "SELECT name, role, disabled, created_at FROM users ORDER BY name";
static const char sql_sessions_end[] = "DELETE FROM sessions WHERE user = ?1";

static int auth_password_ok(size_t len, char *err, size_t errlen)
{
    if (len < AUTH_PASSWORD_MIN || len > AUTH_PASSWORD_MAX) {
        snprintf(err, errlen, "a password has %d to %d bytes", AUTH_PASSWORD_MIN,
                 AUTH_PASSWORD_MAX);
        return 1;
    }
    return 0;
}

/* Runs one prepared write to completion. Returns 0, or -1 (message in err). */
static int auth_step_done(struct db *db, sqlite3_stmt *st, char *err, size_t errlen)
{
    if (sqlite3_step(st) != SQLITE_DONE) {
        snprintf(err, errlen, "database: %s", sqlite3_errmsg(db_handle(db)));
        return -1;
    }
    return 0;
}

int auth_user_add(struct db *db, const char *name, enum auth_role role, const char *password,
                  size_t password_len, char *err, size_t errlen)
{
    char hash[crypto_pwhash_STRBYTES], now[32];
    sqlite3_stmt *st;
    int rc;

    if (!auth_name_valid(name)) {
        snprintf(err, errlen,
                 "a user name is 1 to %d of a-z, 0-9, '.', '_' and '-', starting with a letter "
                 "or digit", AUTH_NAME_MAX);
        return 1;
    }
    if ((rc = auth_password_ok(password_len, err, errlen)) != 0)
        return rc;
    if (auth_hash(hash, password, password_len) != 0) {
        snprintf(err, errlen, "out of memory while hashing the password");
        return -1;
    }
    clock_utc_now(now);
    rc = -1;
    if (db_begin(db) != 0) {
        snprintf(err, errlen, "database: cannot begin");
        goto out;
    }
    if (!(st = db_stmt(db, sql_user_insert)) ||
        (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) |
         sqlite3_bind_text(st, 2, auth_role_name(role), -1, SQLITE_STATIC) |
         sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC) |
         sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC)) != SQLITE_OK) {
        snprintf(err, errlen, "database: %s", sqlite3_errmsg(db_handle(db)));
        goto fail;
    }
    if (auth_step_done(db, st, err, errlen) != 0)
        goto fail;
    if (sqlite3_changes(db_handle(db)) == 0) {
        snprintf(err, errlen, "user %s already exists", name);
        db_rollback(db);
        rc = 1;
        goto out;
    }
    if (db_commit(db) != 0) {
        snprintf(err, errlen, "database: cannot commit");
        goto fail;
    }
    rc = 0;
    goto out;
fail:
    db_rollback(db);
out:
    sodium_memzero(hash, sizeof hash);
    return rc;
}

/* Runs sql (binding ?1 name, ?2 a, ?3 b when given) then ends the user's
 * sessions, in one transaction. Returns 0, 1 for an unknown user, -1. */
static int auth_user_change(struct db *db, const char *sql, const char *name, const char *a,
                            const char *b, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    int rc = -1;

    if (db_begin(db) != 0) {
        snprintf(err, errlen, "database: cannot begin");
        return -1;
    }
    if (!(st = db_stmt(db, sql)) ||
        (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) |
         (a ? sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC) : SQLITE_OK) |
         (b ? sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC) : SQLITE_OK)) != SQLITE_OK) {
        snprintf(err, errlen, "database: %s", sqlite3_errmsg(db_handle(db)));
        goto fail;
    }
    if (auth_step_done(db, st, err, errlen) != 0)
        goto fail;
    if (sqlite3_changes(db_handle(db)) == 0) {
        snprintf(err, errlen, "no user %s", name);
        rc = 1;
        goto fail;
    }
    if (!(st = db_stmt(db, sql_sessions_end)) ||
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
        auth_step_done(db, st, err, errlen) != 0)
        goto fail;
    if (db_commit(db) != 0) {
        snprintf(err, errlen, "database: cannot commit");
        goto fail;
    }
    return 0;
fail:
    db_rollback(db);
    return rc;
}

int auth_user_passwd(struct db *db, const char *name, const char *password, size_t password_len,
                     char *err, size_t errlen)
{
    char hash[crypto_pwhash_STRBYTES], now[32];
    int rc;

    if ((rc = auth_password_ok(password_len, err, errlen)) != 0)
        return rc;
    if (auth_hash(hash, password, password_len) != 0) {
        snprintf(err, errlen, "out of memory while hashing the password");
        return -1;
    }
    clock_utc_now(now);
    rc = auth_user_change(db, sql_user_passwd, name, hash, now, err, errlen);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int auth_user_disable(struct db *db, const char *name, char *err, size_t errlen)
{
    char now[32];

    clock_utc_now(now);
    return auth_user_change(db, sql_user_disable, name, now, NULL, err, errlen);
}

int auth_user_list(struct db *db, void *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_user_list);
    int r;

    if (!st)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        fprintf(out, "%s %s %s %s\n", (const char *)sqlite3_column_text(st, 0),
                (const char *)sqlite3_column_text(st, 1),
                sqlite3_column_int(st, 2) ? "disabled" : "active",
                (const char *)sqlite3_column_text(st, 3));
    return r == SQLITE_DONE ? 0 : -1;
}

int auth_bootstrap(struct db *db, void *out)
{
    /* no look-alikes (0/O, 1/l/I): the password is read off a terminal */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    char pw[AUTH_BOOT_PASSWORD_LEN + 1], err[160];
    sqlite3_stmt *st = db_stmt(db, sql_user_count);
    sqlite3_int64 users;
    int i, rc;

    if (auth_dummy_make() != 0) {
        fprintf(stderr, "spkiosk: out of memory while preparing logins\n");
        return -1;
    }
    if (!st || sqlite3_step(st) != SQLITE_ROW)
        return -1;
    users = sqlite3_column_int64(st, 0);
    /* an open read would pin this connection to an old snapshot */
    sqlite3_reset(st);
    if (users > 0)
        return 0;
    for (i = 0; i < AUTH_BOOT_PASSWORD_LEN; i++)
        pw[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    pw[AUTH_BOOT_PASSWORD_LEN] = '\0';
    rc = auth_user_add(db, "admin", AUTH_ROLE_ADMIN, pw, AUTH_BOOT_PASSWORD_LEN, err, sizeof err);
    if (rc == 0) {
        fprintf(out, "spkiosk: created user admin with password %s\n"
                     "spkiosk: it is shown only now; change it with "
                     "`spkiosk user passwd admin`\n", pw);
        fflush(out);
    } else {
        fprintf(stderr, "spkiosk: cannot create the first admin: %s\n", err);
    }
    sodium_memzero(pw, sizeof pw);
    return rc == 0 ? 0 : -1;
}

/* --- sessions ---------------------------------------------------------------- */

static const char sql_session_insert[] =
    "INSERT INTO sessions (token_hash, user, csrf, created_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?4)";
static const char sql_session_get[] =
    "SELECT s.user, s.csrf, s.seen_at, u.role, u.disabled FROM sessions s"
    " JOIN users u ON u.name = s.user WHERE s.token_hash = ?1";
static const char sql_session_touch[] =
    "UPDATE sessions SET seen_at = ?2 WHERE token_hash = ?1";
static const char sql_session_delete[] = "DELETE FROM sessions WHERE token_hash = ?1";
static const char sql_sessions_expire[] = "DELETE FROM sessions WHERE seen_at < ?1";

struct auth_session {
    struct auth_user user;
    char csrf[AUTH_CSRF_LEN + 1];
    char token_hash[AUTH_HASH_HEX];
};

/* One write statement in its own BEGIN IMMEDIATE. Returns 0 or -1. */
static int auth_write(struct db *db, const char *sql, const char *text, long long num,
                      bool has_num)
{
    sqlite3_stmt *st;

    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql)) ||
        (sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC) |
         (has_num ? sqlite3_bind_int64(st, 2, num) : SQLITE_OK)) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db);
}

/* The live session of the request's cookie. Returns 0 and fills s; 1 when
 * there is none (no cookie, unknown, expired, user disabled); -1 on a
 * database error. An expired session is deleted. */
static int auth_session_find(struct db *db, struct http_request *req, struct auth_session *s)
{
    const char *token = http_cookie(req, AUTH_COOKIE);
    long long now = auth_now(), seen;
    sqlite3_stmt *st;
    int r;

    if (!auth_token_shape(token))
        return 1;
    auth_token_hash(token, s->token_hash);
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
    if (auth_role_parse((const char *)sqlite3_column_text(st, 3), &s->user.role) != 0 ||
        sqlite3_column_int(st, 4)) {
        sqlite3_reset(st);
        return 1;
    }
    sqlite3_reset(st);
    /* seen_at lags the last request by up to auth_touch_every(): never end
     * a session early because of that */
    if (now - seen > auth_idle + auth_touch_every()) {
        (void)auth_write(db, sql_session_delete, s->token_hash, 0, false);
        return 1;
    }
    if (now - seen >= auth_touch_every() &&
        auth_write(db, sql_session_touch, s->token_hash, now, true) != 0)
        return -1;
    return 0;
}

static enum MHD_Result auth_internal(struct http_request *req)
{
    return http_reply_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal_error",
                            "服务暂时出了问题,请稍后再试");
}

static enum MHD_Result auth_unauthorized(struct http_request *req)
{
    return http_reply_error(req, MHD_HTTP_UNAUTHORIZED, "not_logged_in",
                            "请先登录;如果刚才已登录,可能因长时间未操作已自动退出");
}

bool auth_require(struct http_request *req, enum auth_role need, struct auth_user *who,
                  enum MHD_Result *res)
{
    struct db *db = db_thread();
    struct auth_session s;
    const char *token;
    int r;

    if (!db) {
        *res = auth_internal(req);
        return false;
    }
    r = auth_session_find(db, req, &s);
    if (r < 0) {
        *res = auth_internal(req);
        return false;
    }
    if (r > 0) {
        *res = auth_unauthorized(req);
        return false;
    }
    if (need == AUTH_ROLE_ADMIN && s.user.role != AUTH_ROLE_ADMIN) {
        *res = http_reply_error(req, MHD_HTTP_FORBIDDEN, "forbidden",
                                "这项操作需要管理员权限");
        return false;
    }
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        token = http_header(req, AUTH_CSRF_HEADER);
        if (!token || strlen(token) != AUTH_CSRF_LEN ||
            sodium_memcmp(token, s.csrf, AUTH_CSRF_LEN) != 0) {
            *res = http_reply_error(req, MHD_HTTP_FORBIDDEN, "csrf_failed",
                                    "页面已过期,请刷新页面后再试");
            return false;
        }
    }
    *who = s.user;
    return true;
}

/* ---- a staffer on the public case routes ------------------------------- */

bool auth_peek(struct http_request *req, struct auth_user *who)
{
    struct db *db = db_thread();
    struct auth_session s;
    const char *token;

    if (!db || !http_cookie(req, AUTH_COOKIE) || auth_session_find(db, req, &s) != 0)
        return false;
    /* a state change counts as the staffer's only with the page's token */
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        token = http_header(req, AUTH_CSRF_HEADER);
        if (!token || strlen(token) != AUTH_CSRF_LEN ||
            sodium_memcmp(token, s.csrf, AUTH_CSRF_LEN) != 0)
            return false;
    }
    *who = s.user;
    return true;
}

/* {"user","role","csrf"} with an optional Set-Cookie. */
static enum MHD_Result auth_reply_session(struct http_request *req, const struct auth_user *u,
                                          const char *csrf, const char *cookie)
{
    cJSON *o = cJSON_CreateObject();
    char *body = NULL;
    struct MHD_Response *r = NULL;

    if (!o || !cJSON_AddStringToObject(o, "user", u->name) ||
        !cJSON_AddStringToObject(o, "role", auth_role_name(u->role)) ||
        !cJSON_AddStringToObject(o, "csrf", csrf) || !(body = cJSON_PrintUnformatted(o))) {
        cJSON_Delete(o);
        return auth_internal(req);
    }
    cJSON_Delete(o);
    r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        cJSON_free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (cookie)
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    req->bytes = strlen(body);
    return http_reply_response(req, MHD_HTTP_OK, r);
}

/* The two throttle keys of a login attempt: the name, and the address (an
 * IPv6 client by its /64, since one host may hold a whole /64). */
static void auth_keys(struct http_request *req, const char *name, char nk[AUTH_THROTTLE_KEY],
                      char ak[AUTH_THROTTLE_KEY])
{
    char addr[HTTP_ADDR_MAX];
    unsigned char a6[16];

    http_client_addr(req, addr);
    if (inet_pton(AF_INET6, addr, a6) == 1) {
        memset(a6 + 8, 0, 8);
        if (!inet_ntop(AF_INET6, a6, addr, sizeof addr))
            snprintf(addr, sizeof addr, "?");
    }
    snprintf(nk, AUTH_THROTTLE_KEY, "n:%.*s", AUTH_NAME_MAX, name);
    snprintf(ak, AUTH_THROTTLE_KEY, "a:%s", addr);
}

/* Checks name and password; the caller holds a hashing slot. Returns 0 and
 * fills u (and *rehash when the stored hash uses older limits); 1 when they
 * do not match a usable account; -1 on a database error. An unknown name
 * costs the same time as a wrong password. */
static int auth_check_password(struct db *db, const char *name, const char *pw, size_t len,
                               struct auth_user *u, bool *rehash)
{
    char stored[crypto_pwhash_STRBYTES] = "";
    sqlite3_stmt *st;
    bool usable = false;
    int r;

    *rehash = false;
    if (auth_name_valid(name)) {
        if (!(st = db_stmt(db, sql_user_get)) ||
            sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
            return -1;
        r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            const char *h = (const char *)sqlite3_column_text(st, 1);
            usable = !sqlite3_column_int(st, 2) &&
                     auth_role_parse((const char *)sqlite3_column_text(st, 0), &u->role) == 0 &&
                     h && strlen(h) < sizeof stored;
            if (usable)
                memcpy(stored, h, strlen(h) + 1);
        }
        sqlite3_reset(st);
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            return -1;
    }
    if (!usable) {
        /* the dummy matches no password: verifying only spends the time */
        r = crypto_pwhash_str_verify(auth_dummy, pw, len);
        (void)r;
        return 1;
    }
    if (crypto_pwhash_str_verify(stored, pw, len) != 0)
        return 1;
    snprintf(u->name, sizeof u->name, "%s", name);
    *rehash = crypto_pwhash_str_needs_rehash(stored, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
    return 0;
}

/* Replaces a hash made with older limits, keeping the user's sessions.
 * Failure is harmless: the old hash still works. */
static void auth_rehash(struct db *db, const char *name, const char *pw, size_t len)
{
    char hash[crypto_pwhash_STRBYTES], now[32];
    sqlite3_stmt *st;

    if (auth_hash(hash, pw, len) != 0)
        return;
    clock_utc_now(now);
    if (db_begin(db) != 0)
        goto out;
    if (!(st = db_stmt(db, sql_user_passwd)) ||
        (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) |
         sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC) |
         sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC)) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE || db_commit(db) != 0)
        db_rollback(db);
out:
    sodium_memzero(hash, sizeof hash);
}

/* Stores a new session for u; token and csrf receive its secrets. 0 or -1. */
static int auth_session_new(struct db *db, const struct auth_user *u, long long now,
                            char token[AUTH_TOKEN_LEN + 1], char csrf[AUTH_CSRF_LEN + 1])
{
    char th[AUTH_HASH_HEX];
    sqlite3_stmt *st;

    auth_token_new(token);
    auth_token_new(csrf);
    auth_token_hash(token, th);
    if (db_begin(db) != 0)
        return -1;
    /* sweep expired sessions while writing anyway: the table stays small */
    if (!(st = db_stmt(db, sql_sessions_expire)) ||
        sqlite3_bind_int64(st, 1, now - auth_idle - auth_touch_every()) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE || !(st = db_stmt(db, sql_session_insert)) ||
        (sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC) |
         sqlite3_bind_text(st, 2, u->name, -1, SQLITE_STATIC) |
         sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC) |
         sqlite3_bind_int64(st, 4, now)) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE || db_commit(db) != 0) {
        db_rollback(db);
        return -1;
    }
    return 0;
}

/* True when a browser says the request comes from another site:
 * Sec-Fetch-Site other than same-origin or none, or (older browsers send
 * no Sec-Fetch-Site) an Origin whose host is not the request's Host. */
static bool auth_cross_site(struct http_request *req)
{
    const char *site = http_header(req, "Sec-Fetch-Site");
    const char *origin = http_header(req, "Origin");
    const char *host = http_header(req, MHD_HTTP_HEADER_HOST), *o;

    /* the browser's own verdict first: it holds behind a proxy that
     * rewrites Host, where comparing Origin with Host would not */
    if (site)
        return strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
    if (!origin)
        return false;
    /* "null" (a sandboxed frame, a file) or a scheme we do not serve */
    if (!(o = strstr(origin, "://")))
        return true;
    return !host || strcasecmp(o + 3, host) != 0;
}

enum MHD_Result api_login(struct http_request *req)
{
    static const char bad_body[] = "请求格式不对:需要 {\"name\":\"用户名\",\"password\":\"密码\"}";
    struct db *db = db_thread();
    cJSON *body = NULL;
    const cJSON *jn, *jp;
    char nk[AUTH_THROTTLE_KEY], ak[AUTH_THROTTLE_KEY], token[AUTH_TOKEN_LEN + 1] = "";
    char csrf[AUTH_CSRF_LEN + 1], cookie[160];
    const char *keys[2] = {nk, ak};
    enum auth_outcome outcome = AUTH_OUT_NONE;
    bool started = false, rehash = false;
    struct auth_user u;
    long long now = auth_now(), wait;
    enum MHD_Result ret;
    size_t plen;
    int r;

    if (!db) {
        ret = auth_internal(req);
        goto out;
    }
    /* login CSRF: another site's form could log this browser into an
     * account of the attacker's choosing. Browsers say where a request
     * comes from; tools and tests send neither header. */
    if (auth_cross_site(req)) {
        ret = http_reply_error(req, MHD_HTTP_FORBIDDEN, "cross_site",
                               "请在本系统的登录页面登录");
        goto out;
    }
    body = cJSON_ParseWithLength(req->body.data ? req->body.data : "", req->body.len);
    jn = cJSON_GetObjectItemCaseSensitive(body, "name");
    jp = cJSON_GetObjectItemCaseSensitive(body, "password");
    if (!cJSON_IsObject(body) || !cJSON_IsString(jn) || !cJSON_IsString(jp)) {
        ret = http_reply_error(req, MHD_HTTP_BAD_REQUEST, "bad_request", bad_body);
        goto out;
    }
    auth_keys(req, jn->valuestring, nk, ak);
    if ((wait = auth_attempt_begin(keys, now)) > 0) {
        ret = http_reply_error_retry(req, MHD_HTTP_TOO_MANY_REQUESTS, "too_many_attempts",
                                     "登录失败次数过多,请 15 分钟后再试", (long)wait);
        goto out;
    }
    started = true;
    plen = strlen(jp->valuestring);
    if (plen > AUTH_PASSWORD_MAX || plen == 0) {
        r = 1;
    } else if (!auth_gate_try()) {
        /* both hashing slots busy: never make a worker wait for one */
        ret = http_reply_error_retry(req, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
                                     "正在处理其他登录,请稍等几秒再试", 1);
        goto out;
    } else {
        r = auth_check_password(db, jn->valuestring, jp->valuestring, plen, &u, &rehash);
        auth_gate_leave();
    }
    if (r < 0) {
        ret = auth_internal(req);
        goto out;
    }
    if (r > 0) {
        outcome = AUTH_OUT_FAILED;
        ret = http_reply_error(req, MHD_HTTP_UNAUTHORIZED, "login_failed",
                               "用户名或密码不对,请重新输入");
        goto out;
    }
    outcome = AUTH_OUT_OK;
    if (rehash)
        auth_rehash(db, u.name, jp->valuestring, plen);
    if (auth_session_new(db, &u, now, token, csrf) != 0) {
        ret = auth_internal(req);
        goto out;
    }
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", AUTH_COOKIE,
             token, auth_secure ? "; Secure" : "");
    ret = auth_reply_session(req, &u, csrf, cookie);
out:
    if (started)
        auth_attempt_end(keys, now, outcome);
    sodium_memzero(token, sizeof token);
    sodium_memzero(cookie, sizeof cookie);
    jp = cJSON_GetObjectItemCaseSensitive(body, "password");
    if (cJSON_IsString(jp))
        sodium_memzero(jp->valuestring, strlen(jp->valuestring));
    cJSON_Delete(body);
    return ret;
}

enum MHD_Result api_logout(struct http_request *req)
{
    struct db *db = db_thread();
    const char *token = http_cookie(req, AUTH_COOKIE);
    char th[AUTH_HASH_HEX], cookie[128];
    struct MHD_Response *r;

    if (!db)
        return auth_internal(req);
    if (auth_token_shape(token)) {
        auth_token_hash(token, th);
        if (auth_write(db, sql_session_delete, th, 0, false) != 0)
            return auth_internal(req);
    }
    if (!(r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)))
        return MHD_NO;
    snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             AUTH_COOKIE, auth_secure ? "; Secure" : "");
    MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    return http_reply_response(req, MHD_HTTP_NO_CONTENT, r);
}

enum MHD_Result api_session(struct http_request *req)
{
    struct db *db = db_thread();
    struct auth_session s;
    int r;

    if (!db)
        return auth_internal(req);
    r = auth_session_find(db, req, &s);
    if (r < 0)
        return auth_internal(req);
    if (r > 0)
        return auth_unauthorized(req);
    return auth_reply_session(req, &s.user, s.csrf, NULL);
}
