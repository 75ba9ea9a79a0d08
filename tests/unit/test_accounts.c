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
