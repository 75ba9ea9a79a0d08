/* Unit tests of accounts_posts_parse: post ids [a-z][a-z0-9_-]{0,31}, at
 * most ACCOUNTS_POSTS_MAX, separated by ',', a repeat kept once in order,
 * "" or "-" for none. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "accounts.h"

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
    cr_assert_eq(accounts_bootstrap(t.db, out), 0);
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
    cr_assert_eq(accounts_bootstrap(t.db, full), -1);
    fclose(full);
    cr_assert_eq(accounts_user_list(t.db, list), 0);
    cr_assert_eq(ftell(list), 0, "no user was created");
    cr_assert_eq(accounts_bootstrap(t.db, out), 0);
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
