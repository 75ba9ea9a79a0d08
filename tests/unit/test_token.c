/* token (src/token.c): the shape of a browser-held token, and its stored
 * hash, which must never change between versions: every session and known
 * device in a hall's database is found by it. */
#include <criterion/criterion.h>

#include <string.h>

#include "token.h"

Test(token, valid_is_exactly_token_len_base64url)
{
    char t[TOKEN_LEN + 2];

    memset(t, 'A', sizeof t);
    t[TOKEN_LEN] = '\0';
    cr_assert(token_valid(t));
    t[TOKEN_LEN - 1] = '\0';
    cr_assert_not(token_valid(t), "one short");
    t[TOKEN_LEN - 1] = 'A';
    t[TOKEN_LEN] = 'A';
    t[TOKEN_LEN + 1] = '\0';
    cr_assert_not(token_valid(t), "one long");
    t[TOKEN_LEN] = '\0';
    t[3] = '+';
    cr_assert_not(token_valid(t), "base64url has no +");
    t[3] = '_';
    cr_assert(token_valid(t));
    cr_assert_not(token_valid(""));
    cr_assert_not(token_valid(NULL));
}

Test(token, new_tokens_are_valid_and_differ)
{
    char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];

    token_new(a);
    token_new(b);
    cr_assert_eq(strlen(a), TOKEN_LEN);
    cr_assert(token_valid(a));
    cr_assert(token_valid(b));
    cr_assert_str_neq(a, b);
}

/* BLAKE2b-256 as hex, as Python's hashlib.blake2b(digest_size=32) says */
Test(token, hash_is_blake2b_256_hex)
{
    char h[TOKEN_HASH_HEX], t[TOKEN_LEN + 1];

    token_hash("abc", h);
    cr_assert_str_eq(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    memset(t, 'A', TOKEN_LEN);
    t[TOKEN_LEN] = '\0';
    token_hash(t, h);
    cr_assert_str_eq(h, "6342b384e5d6294c5df1110132b93b97b395a2ff4cca498af637b3e06b3095dd");
}
