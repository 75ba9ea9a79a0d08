/* devices: known login devices (see include/devices.h). The token is
 * random rather than signed so that nothing secret but the database row
 * needs keeping; a copy of the database names no token.
 */
#include "devices.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEVICES_TOKEN_BYTES 32
#define DEVICES_HASH_HEX (2 * crypto_generichash_BYTES + 1)

static const char sql_device_get[] =
    "SELECT 1 FROM login_devices WHERE token_hash = ?1 AND user = ?2 AND seen_at >= ?3";
static const char sql_device_put[] =
    "INSERT INTO login_devices (token_hash, user, seen_at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (token_hash, user) DO UPDATE SET seen_at = excluded.seen_at";
static const char sql_devices_expire[] = "DELETE FROM login_devices WHERE seen_at < ?1";

static bool devices_token_shape(const char *t)
{
    size_t i;

    if (!t)
        return false;
    for (i = 0; t[i]; i++) {
        char c = t[i];
        if (i >= DEVICES_TOKEN_LEN || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                        (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return i == DEVICES_TOKEN_LEN;
}

static void devices_hash(const char *token, char out[DEVICES_HASH_HEX])
{
    unsigned char h[crypto_generichash_BYTES];

    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, DEVICES_HASH_HEX, h, sizeof h);
}

int devices_known(struct db *db, const char *token, const char *user,
                  char id[DEVICES_ID_LEN + 1])
{
    char th[DEVICES_HASH_HEX];
    sqlite3_stmt *st;
    int r;

    if (!devices_token_shape(token))
        return 0;
    devices_hash(token, th);
    if (!(st = db_stmt(db, sql_device_get)) ||
        (sqlite3_bind_text(st, 1, th, -1, SQLITE_TRANSIENT) |
         sqlite3_bind_text(st, 2, user, -1, SQLITE_TRANSIENT) |
         sqlite3_bind_int64(st, 3, (long long)time(NULL) - DEVICES_KEEP_SECONDS)) != SQLITE_OK)
        return -1;
    r = sqlite3_step(st);
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return -1;
    snprintf(id, DEVICES_ID_LEN + 1, "%.*s", DEVICES_ID_LEN, th);
    return r == SQLITE_ROW;
}

int devices_remember(struct db *db, const char *token, const char *user,
                     char out[DEVICES_TOKEN_LEN + 1])
{
    unsigned char raw[DEVICES_TOKEN_BYTES];
    char th[DEVICES_HASH_HEX];
    long long now = (long long)time(NULL);
    sqlite3_stmt *st;

    if (devices_token_shape(token)) {
        snprintf(out, DEVICES_TOKEN_LEN + 1, "%s", token);
    } else {
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(out, DEVICES_TOKEN_LEN + 1, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(raw, sizeof raw);
    }
    devices_hash(out, th);
    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_devices_expire)) ||
        db_run(st, sqlite3_bind_int64(st, 1, now - DEVICES_KEEP_SECONDS)) != 0 ||
        !(st = db_stmt(db, sql_device_put)) ||
        db_run(st, sqlite3_bind_text(st, 1, th, -1, SQLITE_TRANSIENT) |
                       sqlite3_bind_text(st, 2, user, -1, SQLITE_TRANSIENT) |
                       sqlite3_bind_int64(st, 3, now)) != 0 ||
        db_commit(db) != 0) {
        db_rollback(db);
        return -1;
    }
    return 0;
}
