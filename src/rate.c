/* rate: the evaluator's offers and the rating a token brings (rate.h).
 * Staleness is decided by time, not by a sweep: a read or a spend ignores
 * an offer older than RATE_OFFER_SECONDS, and every new offer deletes the
 * stale ones, so the table holds at most one row per window in use. */
#include "rate.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cases.h"
#include "clock.h"
#include "hold.h"

static struct hold_slot rate_slot;

/* The oldest `at` an offer may have now and still count. */
static void rate_cutoff(char out[CLOCK_UTC_LEN])
{
    clock_utc(time(NULL) - RATE_OFFER_SECONDS, out);
}

static const char sql_offer_trim[] = "DELETE FROM rate_offers WHERE window = ?1 OR at <= ?2";
static const char sql_offer_add[] =
    "INSERT INTO rate_offers (window, token, case_id, ticket, title, at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

int rate_offer_clear(struct db *db, const char *window)
{
    char cutoff[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    int b = SQLITE_OK;

    rate_cutoff(cutoff);
    if (!(st = db_stmt(db, sql_offer_trim)))
        return -1;
    b |= sqlite3_bind_text(st, 1, window, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, cutoff, -1, SQLITE_STATIC);
    return db_run(st, b);
}

int rate_offer_add(struct db *db, const char *window, const char *case_id, const char *ticket,
                   const char *title)
{
    unsigned char raw[RATE_TOKEN_LEN / 2];
    char token[RATE_TOKEN_LEN + 1], now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    int b = SQLITE_OK;

    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, sizeof token, raw, sizeof raw);
    clock_utc_now(now);
    if (rate_offer_clear(db, window) != 0 || !(st = db_stmt(db, sql_offer_add)))
        return -1;
    b = sqlite3_bind_text(st, 1, window, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, token, -1, SQLITE_TRANSIENT);
    b |= sqlite3_bind_text(st, 3, case_id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, ticket, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, title, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    return db_run(st, b);
}

/* an offer made RATE_OFFER_SECONDS - RATE_CALL_GRACE_SECONDS ago ends
 * RATE_CALL_GRACE_SECONDS from now: ?2 is that instant */
static const char sql_offer_shorten[] = "UPDATE rate_offers SET at = ?2 WHERE window = ?1 AND at > ?2";

int rate_offer_shorten(struct db *db, const char *window)
{
    char at[CLOCK_UTC_LEN];
    sqlite3_stmt *st = db_stmt(db, sql_offer_shorten);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    clock_utc(time(NULL) - RATE_OFFER_SECONDS + RATE_CALL_GRACE_SECONDS, at);
    b |= sqlite3_bind_text(st, 1, window, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0)
        return -1;
    return sqlite3_changes(db_handle(db)) > 0;
}

/* the window's fresh offer of a case not yet rated */
static const char sql_offer_read[] =
    "SELECT o.seq, o.token, o.ticket, o.title, o.at FROM rate_offers o"
    " WHERE o.window = ?1 AND o.at > ?2"
    " AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.case_id = o.case_id)";

/* Whole seconds an offer made at (stored UTC) has left, 0 or more. */
static long rate_left(const char *at)
{
    time_t t;
    long left;

    if (clock_utc_parse(at, &t) != 0)
        return 0;
    left = (long)(t + RATE_OFFER_SECONDS - time(NULL));
    return left > 0 ? left : 0;
}

static const char sql_key_read[] = "SELECT key FROM rate_keys WHERE window = ?1";

/* Inside a transaction: 0 when key is window's key, 1 when not, -1. */
static int rate_key_matches(struct db *db, const char *window, const char *key)
{
    sqlite3_stmt *st = db_stmt(db, sql_key_read);
    const unsigned char *k;
    char low[RATE_KEY_LEN];
    int rc = -1, r, b = SQLITE_OK;
    size_t i;

    if (!st)
        return -1;
    /* hex digits mean the same in either case (as a case id's, which the
     * window takes in capitals too): an address typed in by hand from the
     * admin's note, or with caps lock on, is the window's key still */
    if (key && strlen(key) == RATE_KEY_LEN)
        for (i = 0; i < RATE_KEY_LEN; i++)
            low[i] = key[i] >= 'A' && key[i] <= 'Z' ? (char)(key[i] - 'A' + 'a') : key[i];
    b |= sqlite3_bind_text(st, 1, window, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_DONE) {
        rc = 1;
    } else if (r == SQLITE_ROW) {
        k = sqlite3_column_text(st, 0);
        /* a stored key is RATE_KEY_LEN long; the length is no secret */
        rc = k && key && strlen(key) == RATE_KEY_LEN && sqlite3_column_bytes(st, 0) == RATE_KEY_LEN &&
                     sodium_memcmp(k, low, RATE_KEY_LEN) == 0
                 ? 0
                 : 1;
    }
    sqlite3_reset(st);
    return rc;
}

int rate_read(struct db *db, const char *window, const char *key, struct rate_view *v)
{
    char cutoff[CLOCK_UTC_LEN];
    cJSON *doc = cJSON_CreateObject(), *o;
    sqlite3_stmt *st = NULL;
    int rc = -1, r, b = SQLITE_OK;

    memset(v, 0, sizeof *v);
    if (!doc || db_read_begin(db) != 0) {
        cJSON_Delete(doc);
        return -1;
    }
    if ((r = rate_key_matches(db, window, key)) != 0) {
        rc = r;
        goto end;
    }
    rate_cutoff(cutoff);
    if (!(st = db_stmt(db, sql_offer_read)))
        goto end;
    b |= sqlite3_bind_text(st, 1, window, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, cutoff, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW) {
        v->seq = sqlite3_column_int64(st, 0);
        if (cJSON_AddNumberToObject(doc, "seq", (double)v->seq) &&
            (o = cJSON_AddObjectToObject(doc, "offer")) &&
            cJSON_AddStringToObject(o, "token", (const char *)sqlite3_column_text(st, 1)) &&
            cJSON_AddStringToObject(o, "ticket", (const char *)sqlite3_column_text(st, 2)) &&
            cJSON_AddStringToObject(o, "title", (const char *)sqlite3_column_text(st, 3)) &&
            cJSON_AddStringToObject(o, "at", (const char *)sqlite3_column_text(st, 4)) &&
            cJSON_AddNumberToObject(o, "expires_in",
                                    (double)rate_left((const char *)sqlite3_column_text(st, 4))))
            rc = 0;
    } else if (r == SQLITE_DONE) {
        if (cJSON_AddNumberToObject(doc, "seq", 0) && cJSON_AddNullToObject(doc, "offer"))
            rc = 0;
    }
    sqlite3_reset(st);
end:
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc == 0 && !(v->json = cJSON_PrintUnformatted(doc)))
        rc = -1;
    cJSON_Delete(doc);
    return rc;
}

static const char sql_key_others[] = "SELECT count(*) FROM rate_keys WHERE window <> ?1";
static const char sql_key_put[] =
    "INSERT INTO rate_keys (window, key, made_at, made_by) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (window) DO UPDATE SET key = excluded.key, made_at = excluded.made_at,"
    " made_by = excluded.made_by";

int rate_key_make(struct db *db, const char *window, const char *user,
                  char key[RATE_KEY_LEN + 1], char at[CLOCK_UTC_LEN], struct refusal *e)
{
    static const struct refusal too_many = {
        REFUSAL_INVALID, "too_many_windows",
        "评价器的地址已经有 256 个窗口了：请先停用不再使用的窗口的地址"};
    unsigned char raw[RATE_KEY_LEN / 2];
    sqlite3_stmt *st;
    int rc = -1, r, b = SQLITE_OK;
    long long others = 0;

    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(key, RATE_KEY_LEN + 1, raw, sizeof raw);
    clock_utc_now(at);
    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_key_others)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, window, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW)
        others = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (r != SQLITE_ROW)
        goto rollback;
    if (others >= RATE_KEYS_MAX) {
        *e = too_many;
        rc = 1;
        goto rollback;
    }
    if (!(st = db_stmt(db, sql_key_put)))
        goto rollback;
    b = sqlite3_bind_text(st, 1, window, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, user, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0 || db_commit(db) != 0)
        goto rollback;
    db_after_durable(rate_changed);
    return 0;
rollback:
    db_rollback(db);
    return rc;
}

static const char sql_key_remove[] = "DELETE FROM rate_keys WHERE window = ?1";

int rate_key_remove(struct db *db, const char *window, struct refusal *e)
{
    static const struct refusal unknown = {REFUSAL_NOT_FOUND, "unknown_window",
                                           "这个窗口没有评价器地址"};
    sqlite3_stmt *st;
    int rc = -1, b = SQLITE_OK;

    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_key_remove)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, window, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0)
        goto rollback;
    if (sqlite3_changes(db_handle(db)) == 0) {
        *e = unknown;
        rc = 1;
        goto rollback;
    }
    if (db_commit(db) != 0)
        goto rollback;
    db_after_durable(rate_changed);
    return 0;
rollback:
    db_rollback(db);
    return rc;
}

/* numbers first, by value (normalised: no leading zeros), then names */
static const char sql_key_list[] =
    "SELECT window, key, made_at, made_by FROM rate_keys"
    " ORDER BY window GLOB '*[^0-9]*', CASE WHEN window GLOB '*[^0-9]*' THEN 0"
    " ELSE length(window) END, window";

char *rate_key_list(struct db *db)
{
    cJSON *doc = cJSON_CreateObject(), *list, *o;
    sqlite3_stmt *st = NULL;
    char *json = NULL;
    int r = SQLITE_ERROR, i;
    static const char *const names[] = {"window", "key", "made_at", "made_by"};

    if (!doc || db_read_begin(db) != 0) {
        cJSON_Delete(doc);
        return NULL;
    }
    if (!(list = cJSON_AddArrayToObject(doc, "keys")) || !(st = db_stmt(db, sql_key_list)))
        goto end;
    /* a break leaves r at SQLITE_ROW: the list is then not answered */
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (!(o = cJSON_CreateObject()))
            break;
        if (!cJSON_AddItemToArray(list, o)) {
            cJSON_Delete(o);
            break;
        }
        for (i = 0; i < 4; i++)
            if (!cJSON_AddStringToObject(o, names[i], (const char *)sqlite3_column_text(st, i)))
                break;
        if (i < 4)
            break;
    }
    sqlite3_reset(st);
end:
    if (db_read_end(db) != 0)
        r = SQLITE_ERROR;
    if (r == SQLITE_DONE)
        json = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return json;
}

static const char sql_offer_case[] = "SELECT case_id FROM rate_offers WHERE token = ?1 AND at > ?2";

/* Whether s is a token as rate_offer_add writes them: lower-case hex. */
static bool rate_token_valid(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (i >= RATE_TOKEN_LEN || !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return i == RATE_TOKEN_LEN;
}

int rate_spend(struct db *db, const char *token, int score, const char *comment,
               unsigned reasons, struct refusal *e)
{
    static const struct refusal unknown = {
        REFUSAL_NOT_FOUND, "unknown_offer",
        "这次评价已经结束（超过 15 分钟或窗口已接待下一位）；如需评价，请扫描凭条上的二维码"};
    char cutoff[CLOCK_UTC_LEN], id[CASE_ID_LEN + 1];
    sqlite3_stmt *st;
    int rc, r, b = SQLITE_OK;

    if ((rc = cases_rate_check(score, comment, reasons, e)) != 0)
        return rc;
    if (!rate_token_valid(token)) {
        *e = unknown;
        return 1;
    }
    if (db_begin(db) != 0)
        return -1;
    rc = -1;
    rate_cutoff(cutoff);
    if (!(st = db_stmt(db, sql_offer_case)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, cutoff, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW)
        snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (r == SQLITE_DONE) {
        *e = unknown;
        rc = 1;
        goto rollback;
    }
    if (r != SQLITE_ROW)
        goto rollback;
    /* the offer stays: it is spent because its case is rated, and the same
     * token again is then the case's own 409, not an unknown token */
    if ((rc = cases_rate_locked(db, id, score, comment, reasons, NULL, e)) != 0)
        goto rollback;
    if (db_commit(db) != 0) {
        rc = -1;
        goto rollback;
    }
    db_after_durable(rate_changed);
    return 0;
rollback:
    db_rollback(db);
    return rc;
}

void rate_changed(void)
{
    hold_slot_wake(&rate_slot);
}

void rate_set_hold(struct hold *h)
{
    hold_slot_set(&rate_slot, h);
}
