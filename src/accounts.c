/* accounts: users, their Argon2id password hashes and the password check
 * of a login (see include/accounts.h for the rules).
 *
 * Password hashing is deliberately slow and large (Argon2id, 64 MiB), so a
 * counting gate lets at most ACCOUNTS_HASH_CONCURRENCY run at once. A login
 * never waits at the gate (it is told "busy" instead), so a burst of logins
 * cannot tie up the worker threads the kiosk needs.
 */
#include "accounts.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "posts.h"
#include "sessions.h"
#include "strbuf.h"
#include "text.h"
#include "utf8.h"

#define ACCOUNTS_BOOT_PASSWORD_LEN 16
#define ACCOUNTS_DUMMY_BYTES 32

static const char sql_user_insert[] =
    "INSERT INTO users (name, role, pwhash, disabled, created_at, updated_at, posts)"
    " VALUES (?1, ?2, ?3, 0, ?4, ?4, ?5) ON CONFLICT (name) DO NOTHING";
static const char sql_user_get[] =
    "SELECT role, pwhash, disabled, posts, display FROM users WHERE name = ?1";
static const char sql_user_posts[] = "SELECT posts FROM users WHERE name = ?1";
static const char sql_user_disabled[] = "SELECT disabled FROM users WHERE name = ?1";
static const char sql_user_set_posts[] =
    "UPDATE users SET posts = ?2, updated_at = ?3 WHERE name = ?1";
static const char sql_user_passwd[] =
    "UPDATE users SET pwhash = ?2, updated_at = ?3 WHERE name = ?1";
/* never the last active admin: nobody could then reach the console to
 * set the hall right (an IT officer's review disabled every admin) */
static const char sql_user_disable[] =
    "UPDATE users SET disabled = 1, updated_at = ?2 WHERE name = ?1"
    " AND NOT (role = 'admin' AND disabled = 0"
    " AND (SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0) = 1)";
static const char sql_user_last_admin[] =
    "SELECT 1 FROM users WHERE name = ?1 AND role = 'admin' AND disabled = 0"
    " AND (SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0) = 1";
static const char sql_user_enable[] =
    "UPDATE users SET disabled = 0, updated_at = ?2 WHERE name = ?1";
static const char sql_user_count[] = "SELECT count(*) FROM users";
static const char sql_user_list[] =
    "SELECT name, role, disabled, created_at, posts, display FROM users ORDER BY name";
static const char sql_user_active_list[] =
    "SELECT name, role, posts, display FROM users WHERE disabled = 0 ORDER BY name LIMIT ?1";
static const char sql_user_set_display[] =
    "UPDATE users SET display = ?2, updated_at = ?3 WHERE name = ?1";
static const char sql_user_display[] = "SELECT display FROM users WHERE name = ?1";

const char *accounts_role_name(enum accounts_role role)
{
    return role == ACCOUNTS_ROLE_ADMIN ? "admin" : "staff";
}

int accounts_role_parse(const char *s, enum accounts_role *role)
{
    if (s && strcmp(s, "staff") == 0)
        *role = ACCOUNTS_ROLE_STAFF;
    else if (s && strcmp(s, "admin") == 0)
        *role = ACCOUNTS_ROLE_ADMIN;
    else
        return -1;
    return 0;
}

bool accounts_name_valid(const char *s)
{
    size_t i;

    if (!s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return false;
    for (i = 1; s[i]; i++) {
        char c = s[i];
        if (i >= ACCOUNTS_NAME_MAX)
            return false;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

static int accounts_db_error(struct db *db, char *err, size_t errlen);

/* --- posts ------------------------------------------------------------------- */

static bool accounts_post_valid(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || len > ACCOUNTS_POST_MAX || s[0] < 'a' || s[0] > 'z')
        return false;
    for (i = 1; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
              s[i] == '-'))
            return false;
    return true;
}

int accounts_posts_parse(const char *list, struct accounts_posts *out, char *err, size_t errlen)
{
    const char *p = list ? list : "";
    size_t i;

    memset(out, 0, sizeof *out);
    if (strcmp(p, "-") == 0 || *p == '\0')
        return 0;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        bool seen = false;

        if (!accounts_post_valid(p, len)) {
            snprintf(err, errlen, "a post id is 1 to %d of a-z, 0-9, '_' and '-', starting with "
                                  "a letter; posts are separated by ','", ACCOUNTS_POST_MAX);
            return 1;
        }
        for (i = 0; i < out->n; i++)
            seen |= strlen(out->id[i]) == len && memcmp(out->id[i], p, len) == 0;
        if (!seen) {
            if (out->n == ACCOUNTS_POSTS_MAX) {
                snprintf(err, errlen, "a user holds at most %d posts", ACCOUNTS_POSTS_MAX);
                return 1;
            }
            memcpy(out->id[out->n], p, len);
            out->id[out->n++][len] = '\0';
        }
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* The stored form: ids joined by ','; "" for none. */
static void accounts_posts_join(const struct accounts_posts *ps, char out[ACCOUNTS_POSTS_TEXT])
{
    size_t i, at = 0;

    out[0] = '\0';
    /* fits by construction (the parse's caps); the bound keeps it so */
    for (i = 0; i < ps->n && at < ACCOUNTS_POSTS_TEXT; i++)
        at += (size_t)snprintf(out + at, ACCOUNTS_POSTS_TEXT - at, "%s%s", i ? "," : "",
                               ps->id[i]);
}

/* The stored posts column (valid by construction; anything else reads as
 * none rather than failing a login). */
static void accounts_posts_load(const unsigned char *text, struct accounts_posts *out)
{
    char err[8];

    if (accounts_posts_parse((const char *)text, out, err, sizeof err) != 0)
        memset(out, 0, sizeof *out);
}

/* Runs sql (?1 name, ?2 text, ?3 now: one column of the user, sessions
 * left alone) in its own transaction. Returns 0; 1 with err for an unknown
 * user; -1 with err on a database error. */
static int accounts_user_set_text(struct db *db, const char *sql, const char *name,
                                  const char *text, char *err, size_t errlen)
{
    char now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    int rc = -1;

    clock_utc_now(now);
    if (db_begin(db) != 0) {
        snprintf(err, errlen, "database: cannot begin");
        return -1;
    }
    if (!(st = db_stmt(db, sql)) ||
        db_run(st, sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC)) != 0) {
        accounts_db_error(db, err, errlen);
    } else if (sqlite3_changes(db_handle(db)) == 0) {
        snprintf(err, errlen, "no user %s", name);
        rc = 1;
    } else if (db_commit(db) != 0) {
        snprintf(err, errlen, "database: cannot commit");
    } else {
        return 0;
    }
    db_rollback(db);
    return rc;
}

int accounts_user_set_posts(struct db *db, const char *name, const char *posts, char *err,
                            size_t errlen)
{
    char text[ACCOUNTS_POSTS_TEXT];
    struct accounts_posts ps;

    if (accounts_posts_parse(posts, &ps, err, errlen) != 0)
        return 1;
    accounts_posts_join(&ps, text);
    return accounts_user_set_text(db, sql_user_set_posts, name, text, err, errlen);
}

int accounts_display_check(const char *display, char out[ACCOUNTS_DISPLAY_BUF])
{
    size_t n = display ? strlen(display) : 0;
    const char *d = utf8_trim(display ? display : "", &n);

    if (n == 1 && d[0] == '-') {
        n = 0;
    } else if (n == 0 || text_check(d, n) != 0 || utf8_count(d, n) > ACCOUNTS_DISPLAY_MAX ||
               memchr(d, '\n', n) || memchr(d, '\r', n) || memchr(d, '\t', n)) {
        return 1;
    }
    memcpy(out, d, n); /* at most 20 characters of 4 bytes: fits */
    out[n] = '\0';
    return 0;
}

int accounts_user_set_display(struct db *db, const char *name, const char *display, char *err,
                              size_t errlen)
{
    char text[ACCOUNTS_DISPLAY_BUF];

    if (accounts_display_check(display, text) != 0) {
        snprintf(err, errlen, "a display name is 1 to %d characters on one line, "
                 "or - for none", ACCOUNTS_DISPLAY_MAX);
        return 1;
    }
    return accounts_user_set_text(db, sql_user_set_display, name, text, err, errlen);
}

void accounts_display_copy(const unsigned char *stored, char out[ACCOUNTS_DISPLAY_BUF])
{
    snprintf(out, ACCOUNTS_DISPLAY_BUF, "%s", stored ? (const char *)stored : "");
}

void accounts_display_of(struct db *db, const char *name, char *out, size_t cap)
{
    sqlite3_stmt *st = name ? db_stmt(db, sql_user_display) : NULL;
    const char *d = NULL;

    if (st && sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        d = (const char *)sqlite3_column_text(st, 0);
    snprintf(out, cap, "%s", d && *d ? d : name ? name : "");
    if (st)
        sqlite3_reset(st);
}

int accounts_user_posts(struct db *db, const char *name, struct accounts_posts *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_user_posts);
    int r;

    memset(out, 0, sizeof *out);
    if (!st || sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        accounts_posts_load(sqlite3_column_text(st, 0), out);
    sqlite3_reset(st);
    return r == SQLITE_ROW ? 0 : r == SQLITE_DONE ? 1 : -1;
}

int accounts_user_active(struct db *db, const char *name)
{
    sqlite3_stmt *st = db_stmt(db, sql_user_disabled);
    int r, rc;

    if (!st || sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    r = sqlite3_step(st);
    rc = r == SQLITE_ROW ? (sqlite3_column_int(st, 0) ? 1 : 0) : r == SQLITE_DONE ? 1 : -1;
    sqlite3_reset(st);
    return rc;
}

/* --- hashing, at most ACCOUNTS_HASH_CONCURRENCY at once ------------------- */

static pthread_mutex_t accounts_gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t accounts_gate_cv;
static pthread_once_t accounts_gate_once = PTHREAD_ONCE_INIT;
static bool accounts_gate_mono;         /* the condition's clock is CLOCK_MONOTONIC */
static unsigned accounts_gate_busy;
static unsigned accounts_gate_waiting;  /* known devices' logins waiting for a slot */

/* The condition times its waits on the monotonic clock where it can, so
 * that a clock set back cannot hold a login. */
static void accounts_gate_init(void)
{
    pthread_condattr_t a;

    if (pthread_condattr_init(&a) == 0) {
        accounts_gate_mono = pthread_condattr_setclock(&a, CLOCK_MONOTONIC) == 0 &&
                             pthread_cond_init(&accounts_gate_cv, &a) == 0;
        pthread_condattr_destroy(&a);
    }
    /* cannot fail on Linux; were it to, the zeroed static condition is
     * glibc's PTHREAD_COND_INITIALIZER all the same */
    if (!accounts_gate_mono)
        (void)pthread_cond_init(&accounts_gate_cv, NULL);
}

/* Waits for a hashing slot: for the command line and rare upgrades. */
static void accounts_gate_enter(void)
{
    pthread_once(&accounts_gate_once, accounts_gate_init);
    pthread_mutex_lock(&accounts_gate_mu);
    while (accounts_gate_busy >= ACCOUNTS_HASH_CONCURRENCY)
        pthread_cond_wait(&accounts_gate_cv, &accounts_gate_mu);
    accounts_gate_busy++;
    pthread_mutex_unlock(&accounts_gate_mu);
}

/* Takes a hashing slot if one is free at once and no known device's login
 * waits for it; true when taken. */
static bool accounts_gate_try(void)
{
    bool taken = false;

    pthread_mutex_lock(&accounts_gate_mu);
    if (accounts_gate_busy < ACCOUNTS_HASH_CONCURRENCY && !accounts_gate_waiting) {
        accounts_gate_busy++;
        taken = true;
    }
    pthread_mutex_unlock(&accounts_gate_mu);
    return taken;
}

/* A known device's login: takes a slot, waiting up to
 * ACCOUNTS_GATE_WAIT_MS for one ahead of every other login (at most
 * ACCOUNTS_GATE_WAITERS wait at once, each holding a worker). A flood of
 * guesses keeps both slots busy; the staffer at their own PC still gets
 * the next one. True when taken. */
static bool accounts_gate_wait(void)
{
    struct timespec until;
    bool taken = false;
    int r = 0;

    pthread_once(&accounts_gate_once, accounts_gate_init);
    if (clock_gettime(accounts_gate_mono ? CLOCK_MONOTONIC : CLOCK_REALTIME, &until) != 0)
        return accounts_gate_try();
    until.tv_sec += ACCOUNTS_GATE_WAIT_MS / 1000;
    until.tv_nsec += (ACCOUNTS_GATE_WAIT_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&accounts_gate_mu);
    if (accounts_gate_busy >= ACCOUNTS_HASH_CONCURRENCY &&
        accounts_gate_waiting < ACCOUNTS_GATE_WAITERS) {
        accounts_gate_waiting++;
        /* 0 is a wake-up (maybe spurious: look again); ETIMEDOUT or any
         * error ends the wait */
        while (accounts_gate_busy >= ACCOUNTS_HASH_CONCURRENCY && r == 0)
            r = pthread_cond_timedwait(&accounts_gate_cv, &accounts_gate_mu, &until);
        accounts_gate_waiting--;
    }
    if (accounts_gate_busy < ACCOUNTS_HASH_CONCURRENCY) {
        accounts_gate_busy++;
        taken = true;
    }
    pthread_mutex_unlock(&accounts_gate_mu);
    return taken;
}

static void accounts_gate_leave(void)
{
    pthread_once(&accounts_gate_once, accounts_gate_init);
    pthread_mutex_lock(&accounts_gate_mu);
    accounts_gate_busy--;
    /* every waiter looks again: a command-line wait and a login's */
    pthread_cond_broadcast(&accounts_gate_cv);
    pthread_mutex_unlock(&accounts_gate_mu);
}

unsigned accounts_gate_held(void)
{
    unsigned n;

    pthread_mutex_lock(&accounts_gate_mu);
    n = accounts_gate_busy;
    pthread_mutex_unlock(&accounts_gate_mu);
    return n;
}

/* out receives the crypto_pwhash_str string. Waits for a slot. Returns 0 or
 * -1 (memory). */
static int accounts_hash(char out[crypto_pwhash_STRBYTES], const char *pw, size_t len)
{
    int rc;

    accounts_gate_enter();
    rc = crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                           crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
    accounts_gate_leave();
    return rc;
}

/* A hash nobody's password matches, verified for unknown names so that they
 * cost as much time as a wrong password. It is composed, not computed: a
 * crypto_pwhash_str string with the limits of real hashes, a random salt
 * and a random 32-byte "hash". Verifying it runs Argon2id with exactly
 * those limits, as for a real account; hashing a random password instead
 * made every start-up spend 64 MiB and ~80 ms (issue #13). needs_rehash
 * parses the string without hashing: should this libsodium not accept the
 * composed form, the dummy is hashed the slow way. */
static char accounts_dummy[crypto_pwhash_STRBYTES];
static atomic_ulong accounts_verifies;

static int accounts_dummy_make(void)
{
    unsigned char raw[ACCOUNTS_DUMMY_BYTES], salt[crypto_pwhash_SALTBYTES];
    char b64raw[sodium_base64_ENCODED_LEN(ACCOUNTS_DUMMY_BYTES,
                                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
    char b64salt[sodium_base64_ENCODED_LEN(crypto_pwhash_SALTBYTES,
                                           sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
    int rc = 0, n;

    randombytes_buf(raw, sizeof raw);
    randombytes_buf(salt, sizeof salt);
    sodium_bin2base64(b64raw, sizeof b64raw, raw, sizeof raw,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    sodium_bin2base64(b64salt, sizeof b64salt, salt, sizeof salt,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    n = snprintf(accounts_dummy, sizeof accounts_dummy, "$argon2id$v=19$m=%zu,t=%llu,p=1$%s$%s",
                 (size_t)(crypto_pwhash_MEMLIMIT_INTERACTIVE / 1024),
                 (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE, b64salt, b64raw);
    if (n < 0 || (size_t)n >= sizeof accounts_dummy ||
        crypto_pwhash_str_needs_rehash(accounts_dummy, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        rc = accounts_hash(accounts_dummy, (const char *)raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    return rc;
}

/* Every Argon2id verification of a login goes through here. */
static int accounts_verify(const char *stored, const char *pw, size_t len)
{
    atomic_fetch_add(&accounts_verifies, 1);
    return crypto_pwhash_str_verify(stored, pw, len);
}

unsigned long accounts_verify_count(void)
{
    return atomic_load(&accounts_verifies);
}

const char *accounts_dummy_hash(void)
{
    return accounts_dummy;
}

/* --- users ------------------------------------------------------------------- */

/* Checks a new password's length and hashes it into hash, with now the
 * time of the change. Returns 0; 1 (bad length) or -1 (memory) with a
 * message in err. Waits for a hashing slot. */
static int accounts_password_new(const char *password, size_t len,
                                 char hash[crypto_pwhash_STRBYTES], char now[CLOCK_UTC_LEN],
                                 char *err, size_t errlen)
{
    size_t i;

    if (len < ACCOUNTS_PASSWORD_MIN || len > ACCOUNTS_PASSWORD_MAX) {
        snprintf(err, errlen, "a password has %d to %d bytes", ACCOUNTS_PASSWORD_MIN,
                 ACCOUNTS_PASSWORD_MAX);
        return 1;
    }
    /* a login compares the JSON text typed in a browser (cut at a NUL,
     * UTF-8 only): a password with a NUL, a control byte or invalid UTF-8
     * (raw bytes piped from /dev/urandom) would make an account nobody
     * can ever log in to */
    for (i = 0; i < len; i++)
        if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
            break;
    if (i < len || !utf8_valid(password, len)) {
        snprintf(err, errlen, "a password is text that can be typed at the login: UTF-8, "
                              "without control characters");
        return 1;
    }
    if (accounts_hash(hash, password, len) != 0) {
        snprintf(err, errlen, "out of memory while hashing the password");
        return -1;
    }
    clock_utc_now(now);
    return 0;
}

/* The message of a failed statement, for the command line. Returns -1. */
static int accounts_db_error(struct db *db, char *err, size_t errlen)
{
    snprintf(err, errlen, "database: %s", sqlite3_errmsg(db_handle(db)));
    return -1;
}

/* Shows the first admin's password on out. Returns true once it is
 * written out (flushed), false when it could not be. */
static bool accounts_boot_show(FILE *out, const char *pw)
{
    if (fprintf(out, "spkiosk: created user admin with password %s\n"
                     "spkiosk: it is shown only now; change it with "
                     "`spkiosk user passwd admin`\n", pw) < 0)
        return false;
    return fflush(out) == 0 && !ferror(out);
}

/* accounts_user_add; when show is not NULL the password is written there
 * before the commit, which happens only if it was: a password nobody saw
 * would leave an admin account nobody can use. */
static int accounts_user_create(struct db *db, const char *name, enum accounts_role role,
                                const char *posts, const char *password, size_t password_len,
                                FILE *show, char *err, size_t errlen)
{
    char hash[crypto_pwhash_STRBYTES], now[CLOCK_UTC_LEN], posts_text[ACCOUNTS_POSTS_TEXT];
    struct accounts_posts ps;
    sqlite3_stmt *st;
    int rc;

    if (!accounts_name_valid(name)) {
        snprintf(err, errlen,
                 "a user name is 1 to %d of a-z, 0-9, '.', '_' and '-', starting with a letter "
                 "or digit", ACCOUNTS_NAME_MAX);
        return 1;
    }
    if (accounts_posts_parse(posts, &ps, err, errlen) != 0)
        return 1;
    accounts_posts_join(&ps, posts_text);
    if ((rc = accounts_password_new(password, password_len, hash, now, err, errlen)) != 0)
        return rc;
    rc = -1;
    if (db_begin(db) != 0) {
        snprintf(err, errlen, "database: cannot begin");
        goto out;
    }
    if (!(st = db_stmt(db, sql_user_insert)) ||
        db_run(st, sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 2, accounts_role_name(role), -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 5, posts_text, -1, SQLITE_STATIC)) != 0) {
        rc = accounts_db_error(db, err, errlen);
    } else if (sqlite3_changes(db_handle(db)) == 0) {
        snprintf(err, errlen, "user %s already exists", name);
        rc = 1;
    } else if (show && !accounts_boot_show(show, password)) {
        snprintf(err, errlen, "its password could not be written out (%s), so it was not created",
                 strerror(errno));
    } else if (db_commit(db) != 0) {
        snprintf(err, errlen, "database: cannot commit");
    } else {
        rc = 0;
    }
    if (rc != 0)
        db_rollback(db);
out:
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int accounts_user_add(struct db *db, const char *name, enum accounts_role role,
                      const char *posts, const char *password, size_t password_len, char *err,
                      size_t errlen)
{
    if (!posts && role == ACCOUNTS_ROLE_STAFF)
        posts = ACCOUNTS_POST_DEFAULT;
    return accounts_user_create(db, name, role, posts, password, password_len, NULL, err, errlen);
}

/* Runs sql (binding ?1 name, ?2 a, ?3 b when given) then ends the user's
 * sessions, in one transaction. Returns 0, 1 for an unknown user, -1. */
static int accounts_user_change(struct db *db, const char *sql, const char *name, const char *a,
                                const char *b, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    int rc = -1;

    if (db_begin(db) != 0) {
        snprintf(err, errlen, "database: cannot begin");
        return -1;
    }
    if (!(st = db_stmt(db, sql)) ||
        db_run(st, sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) |
                       (a ? sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC) : SQLITE_OK) |
                       (b ? sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC) : SQLITE_OK)) != 0) {
        accounts_db_error(db, err, errlen);
        goto fail;
    }
    if (sqlite3_changes(db_handle(db)) == 0) {
        snprintf(err, errlen, "no user %s", name);
        rc = 1;
        goto fail;
    }
    /* a new password or a disabled account must not leave a browser in */
    if (sessions_end_user(db, name) != 0) {
        accounts_db_error(db, err, errlen);
        goto fail;
    }
    if (db_commit(db) != 0) {
        snprintf(err, errlen, "database: cannot commit");
        goto fail;
    }
    return 0;
fail:
    db_rollback(db);
    return rc;
}

int accounts_user_passwd(struct db *db, const char *name, const char *password,
                         size_t password_len, char *err, size_t errlen)
{
    char hash[crypto_pwhash_STRBYTES], now[CLOCK_UTC_LEN];
    int rc;

    if ((rc = accounts_password_new(password, password_len, hash, now, err, errlen)) != 0)
        return rc;
    rc = accounts_user_change(db, sql_user_passwd, name, hash, now, err, errlen);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int accounts_user_disable(struct db *db, const char *name, char *err, size_t errlen)
{
    char now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    int r;

    /* for the message; the update holds the rule itself, in its
     * transaction (two runs disabling the two last admins at once: the
     * second then finds no user to change) */
    if (!(st = db_stmt(db, sql_user_last_admin)) ||
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK) {
        if (st)
            sqlite3_reset(st);
        accounts_db_error(db, err, errlen);
        return -1;
    }
    r = sqlite3_step(st);
    sqlite3_reset(st);
    if (r == SQLITE_ROW) {
        snprintf(err, errlen, "%s is the last active admin: add or enable another admin first "
                 "(spkiosk user add NAME --role admin)", name);
        return 1;
    }
    if (r != SQLITE_DONE) {
        accounts_db_error(db, err, errlen);
        return -1;
    }
    clock_utc_now(now);
    return accounts_user_change(db, sql_user_disable, name, now, NULL, err, errlen);
}

/* the live library's _posts.md, as the last load stored it */
static const char sql_posts_text[] = "SELECT text FROM posts WHERE one = 1";

/* The live library's posts into *out: NULL when there is no _posts.md.
 * 0, or -1 on a database error or when memory ran out. */
static int accounts_live_posts(struct db *db, struct posts **out)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    sqlite3_stmt *st = db_stmt(db, sql_posts_text);
    char *text = NULL;
    size_t len = 0;
    int r, rc = -1;

    *out = NULL;
    if (!st)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        text = db_column_text_dup(st, 0, &len);
    sqlite3_reset(st);
    if (r == SQLITE_DONE)
        return 0; /* no _posts.md: every post is the library's to name */
    if (r != SQLITE_ROW || !text)
        goto out;
    /* the stored text is the last good one: it parses */
    if (posts_parse(POSTS_FILE, text, len, out, &quiet) < 0 || !*out)
        goto out;
    rc = 0;
out:
    diag_list_free(&quiet);
    free(text);
    return rc;
}

int accounts_posts_unknown(struct db *db, const char *list, FILE *out)
{
    struct accounts_posts want;
    struct posts *ps = NULL;
    char err[128];
    size_t i;
    int rc = -1;

    if (accounts_posts_parse(list ? list : ACCOUNTS_POST_DEFAULT, &want, err, sizeof err) != 0)
        return 0; /* refused by the move itself */
    if (accounts_live_posts(db, &ps) != 0)
        return -1;
    for (i = 0; ps && i < want.n; i++)
        if (!posts_find(ps, want.id[i]) &&
            fprintf(out, "warning: the post %s is not in the library's %s: no stage names it "
                         "until the file has it\n", want.id[i], POSTS_FILE) < 0)
            goto out;
    rc = 0;
out:
    posts_free(ps);
    return rc;
}

/* A post the accounts hold that the posts file lacks, and who holds it. */
struct accounts_held {
    char id[ACCOUNTS_POST_MAX + 1];
    size_t n;
    struct strbuf names; /* the first ACCOUNTS_HELD_NAMES of them */
};

struct accounts_held_ctx {
    const struct posts *ps;
    struct accounts_held *v;
    size_t n, cap;
};

/* names enough to find the accounts; a hall has a handful per post */
#define ACCOUNTS_HELD_NAMES 10

static int accounts_held_one(void *ctx, const char *name, const char *display,
                             enum accounts_role role, const struct accounts_posts *posts)
{
    struct accounts_held_ctx *c = ctx;
    struct accounts_held *h;
    const char *sep;
    size_t i, j;
    int r;

    (void)role; /* an admin holding a post works its cases too */
    for (i = 0; i < posts->n; i++) {
        if (posts_find(c->ps, posts->id[i]))
            continue;
        for (j = 0; j < c->n && strcmp(c->v[j].id, posts->id[i]) != 0; j++)
            ;
        if (j == c->n) {
            if (c->n == c->cap) {
                size_t cap = c->cap ? c->cap * 2 : 8;
                struct accounts_held *v = realloc(c->v, cap * sizeof *v);
                if (!v)
                    return -1;
                c->v = v;
                c->cap = cap;
            }
            h = &c->v[c->n++];
            memcpy(h->id, posts->id[i], sizeof h->id);
            h->n = 0;
            h->names = (struct strbuf)STRBUF_INIT;
        }
        h = &c->v[j];
        sep = h->n ? "、" : "";
        /* the display name is whom the hall knows, the login name what
         * `spkiosk user posts` takes */
        if (h->n < ACCOUNTS_HELD_NAMES) {
            r = display && *display ? strbuf_printf(&h->names, "%s%s（%s）", sep, display, name)
                                    : strbuf_printf(&h->names, "%s%s", sep, name);
            if (r != 0)
                return -1;
        }
        h->n++;
    }
    return 0;
}

int accounts_posts_held(struct db *db, const struct posts *ps, const char *file,
                        struct diag_list *diags)
{
    struct accounts_held_ctx c = {ps, NULL, 0, 0};
    size_t i;
    int rc = -1;

    if (!ps)
        return 0;
    if (accounts_active_each(db, accounts_held_one, &c) != 0)
        goto out;
    for (i = 0; i < c.n; i++)
        if (diag_warn(diags, file, 1,
                      "岗位文件里没有岗位 %s，但还有 %zu 个账号分配了这个岗位（%s%s）：他们在「我的待办」里"
                      "看不到这个岗位的办件。误删的，把这一行加回来；删掉或改了编号的，请技术人员用 "
                      "spkiosk user posts 改这些账号的岗位",
                      c.v[i].id, c.v[i].n, c.v[i].names.data ? c.v[i].names.data : "",
                      c.v[i].n > ACCOUNTS_HELD_NAMES ? " 等" : "") != 0)
            goto out;
    rc = 0;
out:
    for (i = 0; i < c.n; i++)
        strbuf_free(&c.v[i].names);
    free(c.v);
    return rc;
}

int accounts_posts_held_live(struct db *db, const char *file, struct diag_list *diags)
{
    struct posts *ps = NULL;
    int rc;

    if (accounts_live_posts(db, &ps) != 0)
        return -1;
    rc = accounts_posts_held(db, ps, file, diags);
    posts_free(ps);
    return rc;
}

int accounts_user_enable(struct db *db, const char *name, char *err, size_t errlen)
{
    char now[CLOCK_UTC_LEN];

    clock_utc_now(now);
    return accounts_user_change(db, sql_user_enable, name, now, NULL, err, errlen);
}

int accounts_active_each(struct db *db, accounts_each_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(db, sql_user_active_list);
    struct accounts_posts posts;
    enum accounts_role role;
    int r = SQLITE_ERROR;

    if (!st)
        return -1;
    if (sqlite3_bind_int(st, 1, ACCOUNTS_ACTIVE_MAX) == SQLITE_OK)
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
            if (accounts_role_parse((const char *)sqlite3_column_text(st, 1), &role) != 0)
                continue; /* the CHECK allows none other; never guess a role */
            accounts_posts_load(sqlite3_column_text(st, 2), &posts);
            if (fn(ctx, (const char *)sqlite3_column_text(st, 0),
                   (const char *)sqlite3_column_text(st, 3), role, &posts) != 0) {
                r = SQLITE_ABORT;
                break;
            }
        }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

int accounts_user_list(struct db *db, void *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_user_list);
    int r;

    if (!st)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *posts = (const char *)sqlite3_column_text(st, 4);
        const char *display = (const char *)sqlite3_column_text(st, 5);
        fprintf(out, "%s %s %s %s %s %s\n", (const char *)sqlite3_column_text(st, 0),
                (const char *)sqlite3_column_text(st, 1),
                sqlite3_column_int(st, 2) ? "disabled" : "active",
                (const char *)sqlite3_column_text(st, 3), posts && *posts ? posts : "-",
                display && *display ? display : "-");
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

int accounts_bootstrap(struct db *db, void *out, void *also)
{
    /* no look-alikes (0/O, 1/l/I): the password is read off a terminal */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    char pw[ACCOUNTS_BOOT_PASSWORD_LEN + 1], err[160];
    sqlite3_stmt *st = db_stmt(db, sql_user_count);
    sqlite3_int64 users;
    int i, rc;

    if (accounts_dummy_make() != 0) {
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
    for (i = 0; i < ACCOUNTS_BOOT_PASSWORD_LEN; i++)
        pw[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    pw[ACCOUNTS_BOOT_PASSWORD_LEN] = '\0';
    rc = accounts_user_create(db, "admin", ACCOUNTS_ROLE_ADMIN, NULL, pw,
                              ACCOUNTS_BOOT_PASSWORD_LEN, out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "spkiosk: cannot create the first admin: %s\n", err);
    else if (also)
        (void)accounts_boot_show(also, pw);
    sodium_memzero(pw, sizeof pw);
    return rc == 0 ? 0 : -1;
}

/* --- the check of a login ------------------------------------------------------ */

/* Checks name and password; the caller holds a hashing slot. Returns 0 and
 * fills u (and *rehash when the stored hash uses older limits); 1 when they
 * do not match a usable account; -1 on a database error. */
static int accounts_password_verify(struct db *db, const char *name, const char *pw, size_t len,
                                    struct accounts_user *u, bool *rehash)
{
    char stored[crypto_pwhash_STRBYTES] = "";
    sqlite3_stmt *st;
    bool usable = false;
    int r;

    *rehash = false;
    if (accounts_name_valid(name)) {
        if (!(st = db_stmt(db, sql_user_get)) ||
            sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
            return -1;
        r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            const char *h = (const char *)sqlite3_column_text(st, 1);
            usable = !sqlite3_column_int(st, 2) &&
                     accounts_role_parse((const char *)sqlite3_column_text(st, 0), &u->role) == 0 &&
                     h && strlen(h) < sizeof stored;
            if (usable) {
                memcpy(stored, h, strlen(h) + 1);
                accounts_posts_load(sqlite3_column_text(st, 3), &u->posts);
                accounts_display_copy(sqlite3_column_text(st, 4), u->display);
            }
        }
        sqlite3_reset(st);
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            return -1;
    }
    if (!usable) {
        /* the dummy matches no password: verifying only spends the time */
        r = accounts_verify(accounts_dummy, pw, len);
        (void)r;
        return 1;
    }
    if (accounts_verify(stored, pw, len) != 0)
        return 1;
    snprintf(u->name, sizeof u->name, "%s", name);
    *rehash = crypto_pwhash_str_needs_rehash(stored, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
    return 0;
}

/* Replaces a hash made with older limits, keeping the user's sessions.
 * Failure is harmless: the old hash still works. */
static void accounts_rehash(struct db *db, const char *name, const char *pw, size_t len)
{
    char hash[crypto_pwhash_STRBYTES], now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;

    if (accounts_hash(hash, pw, len) != 0)
        return;
    clock_utc_now(now);
    if (db_begin(db) != 0)
        goto out;
    if (!(st = db_stmt(db, sql_user_passwd)) ||
        db_run(st, sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC) |
                       sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC)) != 0 ||
        db_commit(db) != 0)
        db_rollback(db);
out:
    sodium_memzero(hash, sizeof hash);
}

int accounts_password_check(struct db *db, const char *name, const char *password, size_t len,
                            bool known_device, struct accounts_user *u)
{
    bool rehash = false;
    int rc;

    /* nothing to hash: a failure like a wrong password, without the cost */
    if (len == 0 || len > ACCOUNTS_PASSWORD_MAX)
        return 1;
    /* both hashing slots busy: a worker waits for one only for a known
     * device, and only so long */
    if (!(known_device ? accounts_gate_wait() : accounts_gate_try()))
        return 2;
    rc = accounts_password_verify(db, name, password, len, u, &rehash);
    accounts_gate_leave();
    if (rc == 0 && rehash)
        accounts_rehash(db, u->name, password, len);
    return rc;
}
