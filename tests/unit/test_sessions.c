/* Unit tests of sessions.c and devices.c on a real database: what the
 * HTTP tests cannot reach (a row made stale or a user disabled behind a
 * live session), with the clock moved by rewriting the stored times far
 * past their limits (never by waiting, never by timing). */
#include <criterion/criterion.h>

#include <sodium.h>
#include <string.h>

#include "accounts.h"
#include "casedb.h"
#include "devices.h"
#include "sessions.h"

/* A user made with a password nobody uses; the tests need the row. */
static void sessions_test_user(struct casedb *t, const char *name)
{
    char err[160];

    cr_assert_eq(accounts_user_add(t->db, name, ACCOUNTS_ROLE_STAFF, NULL, "test-password", 13,
                                   err, sizeof err), 0, "%s", err);
}

/* A session is found only while its user is active: a disabled user's
 * session is none even when it was left behind (accounts_user_disable
 * ends them in its transaction; this is the check behind that). */
Test(sessions, none_for_a_disabled_user)
{
    struct casedb t;
    struct sessions_live s;
    char token[SESSIONS_TOKEN_LEN + 1], csrf[SESSIONS_CSRF_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(sessions_create(t.db, "amy", token, csrf), 0);
    cr_assert_eq(sessions_find(t.db, token, false, &s), 0);
    cr_expect_str_eq(s.user.name, "amy");
    casedb_exec(&t, "UPDATE users SET disabled = 1 WHERE name = 'amy'");
    cr_expect_eq(sessions_find(t.db, token, false, &s), 1);
    casedb_close(&t);
}

/* An idle session is deleted when found (sessions.h), not only refused:
 * the table keeps no session nobody can use. An hour past the limit: no
 * slow run reaches the boundary. */
Test(sessions, an_idle_session_found_is_deleted)
{
    struct casedb t;
    struct sessions_live s;
    char token[SESSIONS_TOKEN_LEN + 1], csrf[SESSIONS_CSRF_LEN + 1], buf[256];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(sessions_create(t.db, "amy", token, csrf), 0);
    casedb_exec(&t, "UPDATE sessions SET seen_at = seen_at - %ld", sessions_idle_seconds() + 3600);
    cr_expect_eq(sessions_find(t.db, token, true, &s), 1);
    cr_expect_str_eq(casedb_text(&t, buf, "SELECT count(*) FROM sessions"), "0");
    casedb_close(&t);
}

/* A device is known for the users who logged in on it, not for any name
 * typed on it: otherwise a guesser's own login would give their browser a
 * known device's pass at every colleague's name. */
Test(devices, known_only_for_the_users_who_logged_in_on_it)
{
    struct casedb t;
    char tok[DEVICES_TOKEN_LEN + 1], id[DEVICES_ID_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    sessions_test_user(&t, "bob");
    sessions_test_user(&t, "admin");
    cr_assert_eq(devices_remember(t.db, NULL, "amy", tok), 0);
    cr_expect_eq(devices_known(t.db, tok, "amy", id), 1);
    cr_expect_eq(devices_known(t.db, tok, "bob", id), 0, "bob never logged in on it");
    cr_expect_eq(devices_known(t.db, tok, "admin", id), 0, "nor did the first admin");
    cr_expect_eq(devices_known(t.db, NULL, "amy", id), 0);
    cr_expect_eq(devices_known(t.db, "not-a-token", "amy", id), 0);
    casedb_close(&t);
}

/* A browser keeps one token for every user who logs in on it (a shared
 * window PC): a second user's login keeps the token, and does not make
 * the device forget the first, a day later or ever within 90 days. */
Test(devices, one_token_for_every_user_of_a_browser)
{
    struct casedb t;
    char tok[DEVICES_TOKEN_LEN + 1], again[DEVICES_TOKEN_LEN + 1], id[DEVICES_ID_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    sessions_test_user(&t, "bob");
    cr_assert_eq(devices_remember(t.db, NULL, "amy", tok), 0);
    casedb_exec(&t, "UPDATE login_devices SET seen_at = seen_at - 86400");
    cr_assert_eq(devices_remember(t.db, tok, "bob", again), 0);
    cr_expect_str_eq(again, tok, "the browser's token is kept");
    cr_expect_eq(devices_known(t.db, tok, "amy", id), 1, "amy's login a day ago still counts");
    cr_expect_eq(devices_known(t.db, tok, "bob", id), 1);
    casedb_close(&t);
}

/* A device unused for DEVICES_KEEP_SECONDS is forgotten (an hour past it). */
Test(devices, forgotten_after_90_days)
{
    struct casedb t;
    char tok[DEVICES_TOKEN_LEN + 1], id[DEVICES_ID_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(devices_remember(t.db, NULL, "amy", tok), 0);
    casedb_exec(&t, "UPDATE login_devices SET seen_at = seen_at - %d", DEVICES_KEEP_SECONDS + 3600);
    cr_expect_eq(devices_known(t.db, tok, "amy", id), 0);
    casedb_close(&t);
}

/* "90 days unused": each login from the device starts them again. A login
 * an hour before the end keeps it known two hours after the end. */
Test(devices, each_login_starts_the_90_days_again)
{
    struct casedb t;
    char tok[DEVICES_TOKEN_LEN + 1], again[DEVICES_TOKEN_LEN + 1], id[DEVICES_ID_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(devices_remember(t.db, NULL, "amy", tok), 0);
    casedb_exec(&t, "UPDATE login_devices SET seen_at = seen_at - %d", DEVICES_KEEP_SECONDS - 3600);
    cr_assert_eq(devices_remember(t.db, tok, "amy", again), 0);
    casedb_exec(&t, "UPDATE login_devices SET seen_at = seen_at - 7200");
    cr_expect_eq(devices_known(t.db, tok, "amy", id), 1);
    casedb_close(&t);
}

/* `serve --session-idle` takes 1 to 86,400 seconds (config.c checks the
 * option); sessions_set_idle must keep both ends, not fall back to the
 * default at one of them, and ignore what is outside. */
Test(sessions, the_idle_limit_takes_1_to_86400)
{
    cr_expect_eq(sessions_idle_seconds(), SESSIONS_IDLE_SECONDS, "the default");
    sessions_set_idle(SESSIONS_IDLE_MAX);
    cr_expect_eq(sessions_idle_seconds(), 86400);
    sessions_set_idle(1);
    cr_expect_eq(sessions_idle_seconds(), 1);
    sessions_set_idle(0);
    cr_expect_eq(sessions_idle_seconds(), 1, "0 is ignored");
    sessions_set_idle(SESSIONS_IDLE_MAX + 1);
    cr_expect_eq(sessions_idle_seconds(), 1, "86401 is ignored");
}

/* A person's request whose idle-clock write fails is a database error
 * (-1, a 500), not a live session whose clock silently stays behind. The
 * write is made to fail by making the connection read-only. */
Test(sessions, a_failed_touch_is_an_error)
{
    struct casedb t;
    struct sessions_live s;
    char token[SESSIONS_TOKEN_LEN + 1], csrf[SESSIONS_CSRF_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(sessions_create(t.db, "amy", token, csrf), 0);
    casedb_exec(&t, "UPDATE sessions SET seen_at = seen_at - 600");
    casedb_exec(&t, "PRAGMA query_only = 1");
    cr_expect_eq(sessions_find(t.db, token, false, &s), 0, "a timer's request writes nothing");
    cr_expect_eq(sessions_find(t.db, token, true, &s), -1);
    casedb_exec(&t, "PRAGMA query_only = 0");
    casedb_close(&t);
}
