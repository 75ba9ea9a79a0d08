/* token: the random secrets the browser keeps for us (a session, a known
 * device): 32 random bytes as base64url without padding, stored only as
 * their BLAKE2b-256 hash in hex, so that a copy of the database names no
 * token.
 */
#ifndef SPK_TOKEN_H
#define SPK_TOKEN_H

#include <stdbool.h>

#define TOKEN_LEN 43        /* base64url of 32 random bytes */
#define TOKEN_HASH_HEX 65   /* a token's BLAKE2b-256 as hex, NUL included */

/* A new random token in out. */
void token_new(char out[TOKEN_LEN + 1]);

/* True when t (NULL allowed) has a token's shape: TOKEN_LEN base64url
 * characters. */
bool token_valid(const char *t);

/* The hash of token t as stored, in out. */
void token_hash(const char *t, char out[TOKEN_HASH_HEX]);

#endif
