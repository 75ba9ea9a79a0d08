/* devices: known login devices (see include/devices.h). The token is
 * random rather than signed so that nothing secret but the database row
 * needs keeping; a copy of the database names no token.
 */
#include "devices.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "token.h"

_Static_assert(DEVICES_TOKEN_LEN == TOKEN_LEN, "a device's token is a token");

static const char sql_device_get[] =
    "SELECT 1 FROM login_devices WHERE token_hash = ?1 AND user = ?2 AND seen_at >= ?3";
static const char sql_device_put[] =
    "INSERT INTO login_devices (token_hash, user, seen_at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (token_hash, user) DO UPDATE SET seen_at = excluded.seen_at";
static const char sql_devices_expire[] = "DELETE FROM login_devices WHERE seen_at < ?1";

int devices_known(struct db *db, const char *token, const char *user,
                  char id[DEVICES_ID_LEN + 1])
{
    char th[TOKEN_HASH_HEX];
    sqlite3_stmt *st;
    int r;

    if (!token_valid(token))
        return 0;
    token_hash(token, th);
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
    char th[TOKEN_HASH_HEX];
    long long now = (long long)time(NULL);
    sqlite3_stmt *st;

    if (token_valid(token))
        snprintf(out, DEVICES_TOKEN_LEN + 1, "%s", token);
    else
        token_new(out);
    token_hash(out, th);
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
