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
    char tok[DEVICES_TOKEN_LEN + 1], again[DEVICES_TOKEN_LEN + 1], id[DEVICES_ID_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(devices_remember(t.db, NULL, "amy", tok), 0);
    casedb_exec(&t, "UPDATE login_devices SET seen_at = seen_at - %d", DEVICES_KEEP_SECONDS + 3600);
    cr_expect_eq(devices_known(t.db, tok, "amy", id), 0);
    /* and its row goes at the next login of anyone: the table keeps no
     * device past the time it counts */
    sessions_test_user(&t, "bob");
    cr_assert_eq(devices_remember(t.db, NULL, "bob", again), 0);
    cr_expect_eq(casedb_int(&t, "SELECT count(*) FROM login_devices WHERE user = 'amy'"), 0);
    cr_expect_eq(casedb_int(&t, "SELECT count(*) FROM login_devices WHERE user = 'bob'"), 1);
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

/* Mutation review of src/sessions.c: the idle clock's lag, the sweep at
 * login, the touch, logout, the ends at a password change and the CSRF
 * check. Times are moved half a lag (30 s) or more past a limit: no slow
 * run reaches a boundary. */

/* The stored idle clock lags by up to a minute, so a session is live up
 * to the limit plus that minute: neither its own request nor another
 * user's login (whose sweep runs in the same transaction) ends it early;
 * a session well past it is swept by the next login. */
Test(sessions, the_idle_clocks_lag_never_ends_a_session_early)
{
    struct casedb t;
    struct sessions_live s;
    char a[SESSIONS_TOKEN_LEN + 1], b[SESSIONS_TOKEN_LEN + 1], old[SESSIONS_TOKEN_LEN + 1];
    char csrf[SESSIONS_CSRF_LEN + 1], buf[256];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    sessions_test_user(&t, "bob");
    cr_assert_eq(sessions_create(t.db, "amy", old, csrf), 0);
    casedb_exec(&t, "UPDATE sessions SET seen_at = seen_at - %ld", sessions_idle_seconds() + 3600);
    cr_assert_eq(sessions_create(t.db, "amy", a, csrf), 0);
    cr_expect_str_eq(casedb_text(&t, buf, "SELECT count(*) FROM sessions"), "1",
                     "the session idle for an hour past the limit was swept");
    casedb_exec(&t, "UPDATE sessions SET seen_at = seen_at - %ld", sessions_idle_seconds() + 30);
    cr_assert_eq(sessions_create(t.db, "bob", b, csrf), 0);
    cr_expect_eq(sessions_find(t.db, a, false, &s), 0, "within the lag: not swept, still live");
    cr_expect_str_eq(s.user.name, "amy");
    casedb_close(&t);
}

/* A short idle limit (`serve --session-idle`) holds within a quarter of
 * it, not within the minute of the default's lag. */
Test(sessions, a_short_idle_limit_is_not_stretched_by_a_minute)
{
    struct casedb t;
    struct sessions_live s;
    char token[SESSIONS_TOKEN_LEN + 1], csrf[SESSIONS_CSRF_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    sessions_set_idle(8);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(sessions_create(t.db, "amy", token, csrf), 0);
    casedb_exec(&t, "UPDATE sessions SET seen_at = seen_at - 40");
    cr_expect_eq(sessions_find(t.db, token, true, &s), 1, "40 s idle ends an 8 s session");
    casedb_close(&t);
}

/* A person's request stores the clock as now, and only once it is a lag
 * old: a request right after the login writes nothing. */
Test(sessions, a_touch_stores_now_and_only_when_the_clock_is_stale)
{
    struct casedb t;
    struct sessions_live s;
    char token[SESSIONS_TOKEN_LEN + 1], csrf[SESSIONS_CSRF_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(sessions_create(t.db, "amy", token, csrf), 0);
    casedb_exec(&t, "PRAGMA query_only = 1");
    cr_expect_eq(sessions_find(t.db, token, true, &s), 0, "a fresh clock is not written again");
    casedb_exec(&t, "PRAGMA query_only = 0");
    casedb_exec(&t, "UPDATE sessions SET seen_at = seen_at - 600");
    cr_assert_eq(sessions_find(t.db, token, true, &s), 0);
    cr_expect_eq(casedb_int(&t, "SELECT seen_at >= strftime('%%s', 'now') - 5 FROM sessions"), 1,
                 "the clock was moved to now");
    casedb_close(&t);
}

/* An unknown (well-formed) token is no session, not a database error;
 * logout ends the session; a password change or disabling ends every
 * session of the user, and enabling again brings none back. */
Test(sessions, logout_and_a_password_change_end_sessions)
{
    struct casedb t;
    struct sessions_live s;
    char token[SESSIONS_TOKEN_LEN + 1], csrf[SESSIONS_CSRF_LEN + 1], err[160];
    char unknown[SESSIONS_TOKEN_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(sessions_create(t.db, "amy", unknown, csrf), 0);
    cr_assert_eq(sessions_end(t.db, unknown), 0);
    cr_expect_eq(sessions_find(t.db, unknown, false, &s), 1, "ended at logout");
    cr_expect_eq(sessions_end(t.db, NULL), 0);
    cr_assert_eq(sessions_create(t.db, "amy", token, csrf), 0);
    cr_assert_eq(accounts_user_passwd(t.db, "amy", "new-password", 12, err, sizeof err), 0, "%s",
                 err);
    cr_expect_eq(sessions_find(t.db, token, false, &s), 1, "ended by the new password");
    cr_assert_eq(sessions_create(t.db, "amy", token, csrf), 0);
    cr_assert_eq(accounts_user_disable(t.db, "amy", err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_user_enable(t.db, "amy", err, sizeof err), 0, "%s", err);
    cr_expect_eq(sessions_find(t.db, token, false, &s), 1, "ended by disabling");
    casedb_close(&t);
}

/* The CSRF token must match in full: one character off at its end is
 * refused, as is a prefix or none. */
Test(sessions, the_csrf_token_matches_in_full)
{
    struct casedb t;
    struct sessions_live s;
    char token[SESSIONS_TOKEN_LEN + 1], csrf[SESSIONS_CSRF_LEN + 1], bad[SESSIONS_CSRF_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(sessions_create(t.db, "amy", token, csrf), 0);
    cr_assert_eq(sessions_find(t.db, token, false, &s), 0);
    cr_expect(sessions_csrf_ok(&s, csrf));
    memcpy(bad, csrf, sizeof bad);
    bad[SESSIONS_CSRF_LEN - 1] = bad[SESSIONS_CSRF_LEN - 1] == 'A' ? 'B' : 'A';
    cr_expect_not(sessions_csrf_ok(&s, bad), "the last character differs");
    bad[SESSIONS_CSRF_LEN - 1] = '\0';
    cr_expect_not(sessions_csrf_ok(&s, bad), "a prefix");
    cr_expect_not(sessions_csrf_ok(&s, NULL));
    casedb_close(&t);
}

/* The session carries its user's posts and display name (the pages and
 * the stages' checks read them from it). */
Test(sessions, a_session_carries_the_users_posts_and_display_name)
{
    struct casedb t;
    struct sessions_live s;
    char token[SESSIONS_TOKEN_LEN + 1], csrf[SESSIONS_CSRF_LEN + 1], err[160];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    sessions_test_user(&t, "amy");
    cr_assert_eq(accounts_user_set_posts(t.db, "amy", "window,mz", err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_user_set_display(t.db, "amy", "王芳", err, sizeof err), 0, "%s", err);
    cr_assert_eq(sessions_create(t.db, "amy", token, csrf), 0);
    cr_assert_eq(sessions_find(t.db, token, false, &s), 0);
    cr_expect_eq(s.user.role, ACCOUNTS_ROLE_STAFF);
    cr_expect_eq(s.user.posts.n, 2);
    cr_expect_str_eq(s.user.posts.id[1], "mz");
    cr_expect_str_eq(s.user.display, "王芳");
    casedb_close(&t);
}
