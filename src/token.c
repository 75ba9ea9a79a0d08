/* token: random browser-held secrets and their stored hashes (see
 * include/token.h). */
#include "token.h"

#include <sodium.h>
#include <string.h>

#define TOKEN_BYTES 32

_Static_assert(TOKEN_HASH_HEX == 2 * crypto_generichash_BYTES + 1,
               "a token hash is crypto_generichash_BYTES as hex");

void token_new(char out[TOKEN_LEN + 1])
{
    unsigned char raw[TOKEN_BYTES];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

bool token_valid(const char *t)
{
    size_t i;

    if (!t)
        return false;
    for (i = 0; t[i]; i++) {
        char c = t[i];
        if (i >= TOKEN_LEN || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return i == TOKEN_LEN;
}

void token_hash(const char *t, char out[TOKEN_HASH_HEX])
{
    unsigned char h[crypto_generichash_BYTES];

    crypto_generichash(h, sizeof h, (const unsigned char *)t, strlen(t), NULL, 0);
    sodium_bin2hex(out, TOKEN_HASH_HEX, h, sizeof h);
}
