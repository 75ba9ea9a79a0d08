/* Unit tests of accounts.c: accounts_posts_parse (post ids
 * [a-z][a-z0-9_-]{0,31}, at most ACCOUNTS_POSTS_MAX, separated by ',', a
 * repeat kept once in order, "" or "-" for none), the name and password
 * bounds, the rehash at login, the last admin and who is active. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "sessions.h"

Test(accounts, posts_parse)
{
    struct accounts_posts ps;
    char err[160], many[1024] = "", id[40];
    int i;

    cr_assert_eq(accounts_posts_parse("mz_zhuanggan,b-post,mz_zhuanggan", &ps, err, sizeof err), 0);
    cr_expect_eq(ps.n, 2);
    cr_expect_str_eq(ps.id[0], "mz_zhuanggan");
    cr_expect_str_eq(ps.id[1], "b-post");
    cr_assert_eq(accounts_posts_parse("-", &ps, err, sizeof err), 0);
    cr_expect_eq(ps.n, 0);
    cr_assert_eq(accounts_posts_parse(NULL, &ps, err, sizeof err), 0);
    cr_expect_eq(ps.n, 0);
    cr_assert_eq(accounts_posts_parse("a234567890123456789012345678901b", &ps, err, sizeof err), 0,
                 "32 characters");
    cr_expect_eq(accounts_posts_parse("a2345678901234567890123456789012b", &ps, err, sizeof err), 1,
                 "33 characters");
    cr_expect_eq(accounts_posts_parse("A", &ps, err, sizeof err), 1);
    cr_expect_eq(accounts_posts_parse("1a", &ps, err, sizeof err), 1);
    cr_expect_eq(accounts_posts_parse("a,,b", &ps, err, sizeof err), 1);
    cr_expect_eq(accounts_posts_parse("a,", &ps, err, sizeof err), 1);
    cr_expect_eq(accounts_posts_parse("a b", &ps, err, sizeof err), 1);
    cr_expect_eq(accounts_posts_parse("民政", &ps, err, sizeof err), 1);
    for (i = 0; i < ACCOUNTS_POSTS_MAX; i++) {
        snprintf(id, sizeof id, "%sp%d", i ? "," : "", i);
        strcat(many, id);
    }
    cr_expect_eq(accounts_posts_parse(many, &ps, err, sizeof err), 0);
    cr_expect_eq(ps.n, ACCOUNTS_POSTS_MAX);
    strcat(many, ",p99");
    cr_expect_eq(accounts_posts_parse(many, &ps, err, sizeof err), 1, "17 posts");
    cr_expect_not_null(strstr(err, "16"), "%s", err);
}

/* The dummy hash unknown names are checked against is composed at start-up
 * with the limits of real hashes (no 64 MiB Argon2id run at start, #13),
 * and an unknown name still runs one Argon2id verification, as a wrong
 * password does: counted, not timed. */
#include <sodium.h>

#include "casedb.h"

Test(accounts, unknown_name_costs_a_hash)
{
    struct casedb t;
    struct accounts_user u;
    unsigned long before;
    FILE *out = tmpfile();

    cr_assert_geq(sodium_init(), 0);
    cr_assert_not_null(out);
    casedb_open(&t);
    cr_assert_eq(accounts_bootstrap(t.db, out, NULL), 0);
    fclose(out);
    /* the interactive limits of real hashes: a cheaper dummy would make
     * unknown names faster than known ones */
    cr_assert_eq(crypto_pwhash_str_needs_rehash(accounts_dummy_hash(),
                                                crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                crypto_pwhash_MEMLIMIT_INTERACTIVE), 0,
                 "%s", accounts_dummy_hash());
    before = accounts_verify_count();
    cr_assert_eq(accounts_password_check(t.db, "nobody", "secret-password", 15, false, &u), 1);
    cr_assert_eq(accounts_verify_count(), before + 1, "an unknown name runs one verification");
    cr_assert_eq(accounts_password_check(t.db, "admin", "wrong-password", 14, false, &u), 1);
    cr_assert_eq(accounts_verify_count(), before + 2, "as a wrong password does");
    /* and an invalid name (never looked up) too */
    cr_assert_eq(accounts_password_check(t.db, "NO SUCH NAME!", "secret-password", 15, false, &u), 1);
    cr_assert_eq(accounts_verify_count(), before + 3);
    casedb_close(&t);
}

/* The first admin's password is shown once: when it cannot be written
 * (a full disk under the log, a closed stdout) the account is not made,
 * and the next start makes one and shows it. Before, the account was
 * committed first and the password lost with the failed write. */
Test(accounts, first_admin_only_when_its_password_is_shown)
{
    struct casedb t;
    struct accounts_user u;
    FILE *full = fopen("/dev/full", "w"), *out = tmpfile(), *list = tmpfile();
    char shown[256] = "", pw[64] = "";
    const char *p;

    cr_assert_geq(sodium_init(), 0);
    cr_assert(full && out && list);
    casedb_open(&t);
    cr_assert_eq(accounts_bootstrap(t.db, full, NULL), -1);
    fclose(full);
    cr_assert_eq(accounts_user_list(t.db, list), 0);
    cr_assert_eq(ftell(list), 0, "no user was created");
    cr_assert_eq(accounts_bootstrap(t.db, out, NULL), 0);
    rewind(out);
    cr_assert_not_null(fgets(shown, sizeof shown, out));
    cr_assert_not_null(p = strstr(shown, "password "), "%s", shown);
    cr_assert_eq(sscanf(p + 9, "%63s", pw), 1);
    cr_assert_eq(accounts_password_check(t.db, "admin", pw, strlen(pw), false, &u), 0,
                 "the password shown is the admin's");
    fclose(out);
    fclose(list);
    casedb_close(&t);
}

/* The documented bounds (docs/http-api.md): names [a-z0-9][a-z0-9._-]{0,31},
 * passwords 8 to 256 bytes, longer refused and never cut. A 33-character
 * name would not fit accounts_user.name: its login would be cut to the
 * 32-character name of somebody else. */
Test(accounts, name_and_password_bounds)
{
    struct casedb t;
    struct accounts_user u;
    char err[160], pw[ACCOUNTS_PASSWORD_MAX + 2];
    unsigned long before;

    cr_assert_geq(sodium_init(), 0);
    cr_expect(accounts_name_valid("a2345678901234567890123456789012"), "32 characters");
    cr_expect(!accounts_name_valid("a23456789012345678901234567890123"), "33 characters");
    cr_expect(!accounts_name_valid(".a"), "a name starts with a letter or digit");
    cr_expect(!accounts_name_valid("Admin"));
    casedb_open(&t);
    cr_expect_eq(accounts_user_add(t.db, "a23456789012345678901234567890123", ACCOUNTS_ROLE_STAFF,
                                   NULL, "password", 8, err, sizeof err), 1, "33 characters");
    cr_expect_eq(accounts_user_add(t.db, "short", ACCOUNTS_ROLE_STAFF, NULL, "passwor", 7, err,
                                   sizeof err), 1, "7 bytes");
    cr_expect_eq(accounts_user_add(t.db, "short", ACCOUNTS_ROLE_STAFF, NULL, "password", 8, err,
                                   sizeof err), 0, "8 bytes: %s", err);
    memset(pw, 'p', sizeof pw);
    cr_expect_eq(accounts_user_add(t.db, "long", ACCOUNTS_ROLE_STAFF, NULL, pw,
                                   ACCOUNTS_PASSWORD_MAX + 1, err, sizeof err), 1, "257 bytes");
    cr_assert_eq(accounts_user_add(t.db, "long", ACCOUNTS_ROLE_STAFF, NULL, pw,
                                   ACCOUNTS_PASSWORD_MAX, err, sizeof err), 0, "256 bytes: %s", err);
    cr_expect_eq(accounts_password_check(t.db, "long", pw, ACCOUNTS_PASSWORD_MAX, false, &u), 0,
                 "a 256-byte password logs in");
    /* a longer one is refused before any hash, not cut to its first 256 */
    before = accounts_verify_count();
    cr_expect_eq(accounts_password_check(t.db, "long", pw, ACCOUNTS_PASSWORD_MAX + 1, false, &u),
                 1);
    /* nor is an empty one hashed: a failure without the cost */
    cr_expect_eq(accounts_password_check(t.db, "long", "", 0, false, &u), 1);
    cr_expect_eq(accounts_verify_count(), before, "no verification for either");
    casedb_close(&t);
}

/* A hash made with older (cheaper) limits is replaced at the next
 * successful login, and the user's other sessions stay (docs/http-api.md). */
Test(accounts, an_older_hash_is_upgraded_at_login)
{
    struct casedb t;
    struct accounts_user u;
    struct sessions_live s;
    char err[160], old[crypto_pwhash_STRBYTES], buf[256];
    char token[SESSIONS_TOKEN_LEN + 1], csrf[SESSIONS_CSRF_LEN + 1];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    cr_assert_eq(accounts_user_add(t.db, "old", ACCOUNTS_ROLE_STAFF, NULL, "old-password", 12,
                                   err, sizeof err), 0, "%s", err);
    cr_assert_eq(crypto_pwhash_str(old, "old-password", 12, crypto_pwhash_OPSLIMIT_MIN,
                                   crypto_pwhash_MEMLIMIT_MIN), 0);
    casedb_exec(&t, "UPDATE users SET pwhash = '%s' WHERE name = 'old'", old);
    cr_assert_eq(sessions_create(t.db, "old", token, csrf), 0);
    cr_assert_eq(accounts_password_check(t.db, "old", "old-password", 12, false, &u), 0);
    casedb_text(&t, buf, "SELECT pwhash FROM users WHERE name = 'old'");
    cr_expect_str_neq(buf, old, "the old hash was replaced");
    cr_expect_eq(crypto_pwhash_str_needs_rehash(buf, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                crypto_pwhash_MEMLIMIT_INTERACTIVE), 0, "%s", buf);
    cr_expect_eq(accounts_password_check(t.db, "old", "old-password", 12, false, &u), 0,
                 "the same password logs in with the new hash");
    cr_expect_eq(sessions_find(t.db, token, false, &s), 0, "the other session stays");
    casedb_close(&t);
}

/* Never the last active admin, even when two runs disable the last two
 * admins at once: the message's check reads before the write's
 * transaction, so the update itself must hold the rule. The other run is
 * played deterministically: right after the check's SELECT ends (a
 * profile trace of this connection), a second connection disables the
 * other admin. */
struct accounts_race {
    const char *path;
    bool done;
};

static int accounts_race_trace(unsigned type, void *ctx, void *p, void *x)
{
    struct accounts_race *r = ctx;
    sqlite3 *other;

    (void)x;
    if (type != SQLITE_TRACE_PROFILE || r->done ||
        !strstr(sqlite3_sql((sqlite3_stmt *)p), "count(*) FROM users") ||
        strncmp(sqlite3_sql((sqlite3_stmt *)p), "SELECT", 6) != 0)
        return 0;
    r->done = true;
    cr_assert_eq(sqlite3_open(r->path, &other), SQLITE_OK);
    sqlite3_busy_timeout(other, 5000);
    cr_assert_eq(sqlite3_exec(other, "UPDATE users SET disabled = 1 WHERE name = 'boss2'", NULL,
                              NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    return 0;
}

Test(accounts, the_last_admin_stays_when_two_are_disabled_at_once)
{
    struct casedb t;
    struct accounts_race race = {0};
    char err[160], path[160], buf[256];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    cr_assert_eq(accounts_user_add(t.db, "boss", ACCOUNTS_ROLE_ADMIN, NULL, "pass-word-9", 11, err,
                                   sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_user_add(t.db, "boss2", ACCOUNTS_ROLE_ADMIN, NULL, "pass-word-8", 11,
                                   err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/x.db", t.dir);
    race.path = path;
    sqlite3_trace_v2(db_handle(t.db), SQLITE_TRACE_PROFILE, accounts_race_trace, &race);
    cr_expect_neq(accounts_user_disable(t.db, "boss", err, sizeof err), 0, "boss2 went meanwhile");
    sqlite3_trace_v2(db_handle(t.db), 0, NULL, NULL);
    cr_assert(race.done, "the other run was played");
    cr_expect_str_eq(casedb_text(&t, buf, "SELECT count(*) FROM users WHERE role = 'admin' AND "
                                          "disabled = 0"), "1");
    casedb_close(&t);
}

/* Work is handed only to an active account (accounts.h): a disabled user
 * is no more a hand-over target than an unknown name. */
Test(accounts, a_disabled_user_is_not_active)
{
    struct casedb t;
    char err[160];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    cr_assert_eq(accounts_user_add(t.db, "amy", ACCOUNTS_ROLE_STAFF, NULL, "amy-password", 12,
                                   err, sizeof err), 0, "%s", err);
    cr_expect_eq(accounts_user_active(t.db, "amy"), 0);
    cr_expect_eq(accounts_user_active(t.db, "nobody"), 1);
    cr_assert_eq(accounts_user_disable(t.db, "amy", err, sizeof err), 0, "%s", err);
    cr_expect_eq(accounts_user_active(t.db, "amy"), 1);
    casedb_close(&t);
}

/* Mutation review of src/accounts.c: the name's characters, who may log
 * in, posts and display names stored and read back, a duplicate, an
 * unknown user, the last admin's message, enabling, the lists and the
 * first admin made once. */

Test(accounts, names_take_digits_dots_underscores_and_dashes)
{
    cr_expect(accounts_name_valid("7eleven"), "a name may start with a digit");
    cr_expect(accounts_name_valid("li.na"));
    cr_expect(accounts_name_valid("wang_fang"));
    cr_expect(accounts_name_valid("wang-fang"));
    cr_expect(!accounts_name_valid("wang fang"));
    cr_expect(!accounts_name_valid("_x"));
    cr_expect_eq(accounts_posts_parse("z", &(struct accounts_posts){0}, (char[160]){0}, 160), 0,
                 "a post id may start with z");
}

/* A disabled account cannot log in, even with its right password; the
 * login fills the user's role, posts and display name. */
Test(accounts, a_disabled_user_cannot_log_in)
{
    struct casedb t;
    struct accounts_user u;
    char err[160];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    cr_assert_eq(accounts_user_add(t.db, "amy", ACCOUNTS_ROLE_STAFF, "window,mz", "amy-password",
                                   12, err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_user_set_display(t.db, "amy", "王芳", err, sizeof err), 0, "%s", err);
    memset(&u, 0, sizeof u);
    cr_assert_eq(accounts_password_check(t.db, "amy", "amy-password", 12, false, &u), 0);
    cr_expect_str_eq(u.name, "amy");
    cr_expect_eq(u.role, ACCOUNTS_ROLE_STAFF);
    cr_expect_eq(u.posts.n, 2);
    cr_expect_str_eq(u.posts.id[1], "mz");
    cr_expect_str_eq(u.display, "王芳");
    cr_assert_eq(accounts_user_disable(t.db, "amy", err, sizeof err), 0, "%s", err);
    cr_expect_eq(accounts_password_check(t.db, "amy", "amy-password", 12, false, &u), 1);
    cr_assert_eq(accounts_user_enable(t.db, "amy", err, sizeof err), 0, "%s", err);
    cr_expect_eq(accounts_user_active(t.db, "amy"), 0, "enabled again");
    cr_expect_eq(accounts_password_check(t.db, "amy", "amy-password", 12, false, &u), 0);
    casedb_close(&t);
}

/* A staffer added without posts holds the window's; an admin none. Posts
 * set are stored joined and read back one by one; an unknown user is 1,
 * for the posts as for the display name. */
Test(accounts, posts_stored_and_read_back)
{
    struct casedb t;
    struct accounts_posts ps;
    char err[160];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    cr_assert_eq(accounts_user_add(t.db, "amy", ACCOUNTS_ROLE_STAFF, NULL, "amy-password", 12,
                                   err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_user_add(t.db, "boss", ACCOUNTS_ROLE_ADMIN, NULL, "boss-password", 13,
                                   err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_user_posts(t.db, "amy", &ps), 0);
    cr_expect_eq(ps.n, 1);
    cr_expect_str_eq(ps.id[0], ACCOUNTS_POST_DEFAULT);
    cr_assert_eq(accounts_user_posts(t.db, "boss", &ps), 0);
    cr_expect_eq(ps.n, 0);
    cr_assert_eq(accounts_user_set_posts(t.db, "amy", "mz,window", err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_user_posts(t.db, "amy", &ps), 0);
    cr_expect_eq(ps.n, 2);
    cr_expect_str_eq(ps.id[0], "mz");
    cr_expect_str_eq(ps.id[1], "window");
    cr_expect_eq(accounts_user_posts(t.db, "nobody", &ps), 1);
    cr_expect_eq(accounts_user_set_posts(t.db, "nobody", "mz", err, sizeof err), 1);
    cr_expect_eq(accounts_user_set_display(t.db, "nobody", "王芳", err, sizeof err), 1);
    cr_expect_eq(accounts_user_add(t.db, "amy", ACCOUNTS_ROLE_STAFF, NULL, "other-password", 14,
                                   err, sizeof err), 1, "amy exists");
    cr_expect_not_null(strstr(err, "already exists"), "%s", err);
    cr_expect_eq(accounts_user_passwd(t.db, "nobody", "new-password", 12, err, sizeof err), 1);
    casedb_close(&t);
}

/* Display names: 1 to 20 characters on one line, trimmed, "-" for none;
 * where none is set the user's name is shown. */
Test(accounts, display_names)
{
    struct casedb t;
    char out[ACCOUNTS_DISPLAY_BUF], err[160], shown[64];

    cr_expect_eq(accounts_display_check("  王芳 ", out), 0);
    cr_expect_str_eq(out, "王芳");
    cr_expect_eq(accounts_display_check("-", out), 0);
    cr_expect_str_eq(out, "", "- is none");
    cr_expect_eq(accounts_display_check("一二三四五六七八九十一二三四五六七八九十", out), 0,
                 "20 characters");
    cr_expect_eq(accounts_display_check("一二三四五六七八九十一二三四五六七八九十一", out), 1,
                 "21 characters");
    cr_expect_eq(accounts_display_check("   ", out), 1, "blank");
    cr_expect_eq(accounts_display_check("", out), 1);
    cr_expect_eq(accounts_display_check("王\n芳", out), 1);
    cr_expect_eq(accounts_display_check("王\t芳", out), 1);
    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    cr_assert_eq(accounts_user_add(t.db, "amy", ACCOUNTS_ROLE_STAFF, NULL, "amy-password", 12,
                                   err, sizeof err), 0, "%s", err);
    accounts_display_of(t.db, "amy", shown, sizeof shown);
    cr_expect_str_eq(shown, "amy", "no display name: the user's name");
    cr_assert_eq(accounts_user_set_display(t.db, "amy", "王芳", err, sizeof err), 0, "%s", err);
    accounts_display_of(t.db, "amy", shown, sizeof shown);
    cr_expect_str_eq(shown, "王芳");
    cr_assert_eq(accounts_user_set_display(t.db, "amy", "-", err, sizeof err), 0, "%s", err);
    accounts_display_of(t.db, "amy", shown, sizeof shown);
    cr_expect_str_eq(shown, "amy", "- removed it");
    casedb_close(&t);
}

/* The last active admin is refused with a message saying why, not "no
 * user". */
Test(accounts, the_last_admin_is_refused_with_its_reason)
{
    struct casedb t;
    char err[160];

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    cr_assert_eq(accounts_user_add(t.db, "boss", ACCOUNTS_ROLE_ADMIN, NULL, "boss-password", 13,
                                   err, sizeof err), 0, "%s", err);
    cr_expect_eq(accounts_user_disable(t.db, "boss", err, sizeof err), 1);
    cr_expect_not_null(strstr(err, "last active admin"), "%s", err);
    cr_expect_eq(accounts_user_disable(t.db, "nobody", err, sizeof err), 1);
    cr_expect_not_null(strstr(err, "no user"), "%s", err);
    casedb_close(&t);
}

/* Colleagues (accounts_active_each) are the active users only; the
 * command line's list says which are disabled. */
static int accounts_collect(void *ctx, const char *name, const char *display,
                            enum accounts_role role, const struct accounts_posts *posts)
{
    (void)display;
    (void)role;
    (void)posts;
    strcat(ctx, name);
    strcat(ctx, " ");
    return 0;
}

Test(accounts, only_active_users_are_colleagues)
{
    struct casedb t;
    FILE *list = tmpfile();
    char err[160], names[256] = "", line[256];

    cr_assert_geq(sodium_init(), 0);
    cr_assert_not_null(list);
    casedb_open(&t);
    cr_assert_eq(accounts_user_add(t.db, "amy", ACCOUNTS_ROLE_STAFF, NULL, "amy-password", 12,
                                   err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_user_add(t.db, "bob", ACCOUNTS_ROLE_STAFF, NULL, "bob-password", 12,
                                   err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_user_disable(t.db, "bob", err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_active_each(t.db, accounts_collect, names), 0);
    cr_expect_str_eq(names, "amy ");
    cr_assert_eq(accounts_user_list(t.db, list), 0);
    rewind(list);
    cr_assert_not_null(fgets(line, sizeof line, list));
    cr_expect_not_null(strstr(line, "amy staff active"), "%s", line);
    cr_assert_not_null(fgets(line, sizeof line, list));
    cr_expect_not_null(strstr(line, "bob staff disabled"), "%s", line);
    fclose(list);
    casedb_close(&t);
}

/* The first admin is made once: a second start on the same database
 * makes none and shows nothing. */
Test(accounts, the_first_admin_is_made_once)
{
    struct casedb t;
    FILE *out = tmpfile();

    cr_assert_geq(sodium_init(), 0);
    cr_assert_not_null(out);
    casedb_open(&t);
    cr_assert_eq(accounts_bootstrap(t.db, out, NULL), 0);
    fflush(out);
    cr_assert_gt(ftell(out), 0);
    rewind(out);
    cr_assert_eq(ftruncate(fileno(out), 0), 0);
    cr_expect_eq(accounts_bootstrap(t.db, out, NULL), 0, "a second start");
    fflush(out);
    cr_expect_eq(ftell(out), 0, "nothing shown again");
    fclose(out);
    casedb_close(&t);
}

/* `user add --posts` warns of each post the library's _posts.md lacks,
 * and of no other; without a _posts.md it warns of none. */
Test(accounts, a_post_missing_from_the_library_is_warned_of)
{
    struct casedb t;
    FILE *out = tmpfile();
    char text[512] = "";

    cr_assert_not_null(out);
    casedb_open(&t);
    cr_assert_eq(accounts_posts_unknown(t.db, "window,ghost", out), 0);
    cr_expect_eq(ftell(out), 0, "no _posts.md: no warning");
    casedb_exec(&t, "INSERT OR REPLACE INTO posts (one, hash, text, loaded_at) VALUES (1, 'x', "
                    "'- window 综合窗口\n- civil 民政专干\n', '2026-01-01T00:00:00Z')");
    cr_assert_eq(accounts_posts_unknown(t.db, "window,ghost,civil", out), 0);
    rewind(out);
    cr_assert_gt(fread(text, 1, sizeof text - 1, out), 0);
    cr_expect_not_null(strstr(text, "post ghost"), "%s", text);
    cr_expect_null(strstr(text, "post window"), "%s", text);
    cr_expect_null(strstr(text, "post civil"), "%s", text);
    fclose(out);
    casedb_close(&t);
}
