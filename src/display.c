/* display: the calls table and the call screen's state (display.h). */
#include "display.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hold.h"
#include "notify.h"
#include "utf8.h"

const struct refusal display_err_window = {
    REFUSAL_INVALID, "bad_window",
    "窗口号请填 1 到 3 位数字（如 3），或不超过 8 个字的窗口名称（如 A2、综合窗口），不要带空格或符号"};

static struct hold_slot display_slot;

static bool display_is_cjk(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF);
}

int display_window_check(const char *in, char out[DISPLAY_WINDOW_BUF], struct refusal *e)
{
    size_t n = in ? strlen(in) : 0, i, len, count = 0, o = 0;
    bool digits = true;
    const char *s;
    uint32_t c;

    out[0] = '\0';
    if (!in)
        return 0;
    if (!utf8_valid(in, n))
        goto refuse;
    s = utf8_trim(in, &n);
    if (n == 0)
        return 0;
    for (i = 0; i < n; i += len) {
        if (!(len = utf8_decode(s + i, n - i, &c)))
            goto refuse;
        if (++count > DISPLAY_WINDOW_CHARS)
            goto refuse;
        if (c >= '0' && c <= '9') {
            /* a number drops its leading zeros; a name keeps them */
            out[o++] = (char)c;
            continue;
        }
        digits = false;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            out[o++] = (char)(c >= 'a' ? c - 'a' + 'A' : c);
        else if (display_is_cjk(c))
            o += utf8_encode(c, out + o);
        else
            goto refuse;
    }
    out[o] = '\0';
    if (digits) {
        size_t z = 0;
        if (count > DISPLAY_WINDOW_DIGITS)
            goto refuse;
        while (out[z] == '0')
            z++;
        if (!out[z])
            goto refuse; /* window 0 */
        memmove(out, out + z, o - z + 1);
    }
    return 0;
refuse:
    out[0] = '\0';
    *e = display_err_window;
    return 1;
}

static const char sql_call_add[] =
    "INSERT INTO calls (day, ticket, window, at) VALUES (?1, ?2, ?3, ?4)";
/* what nobody needs: earlier days, and past the screen's newest
 * DISPLAY_KEEP (seq only grows: the newest are the highest) a call a later
 * one of the same ticket replaced. A ticket's last call of the day stays:
 * the staff queue and the slip say from it where the resident was sent
 * (cases.c, called_window), hours and hundreds of calls later (schema/045). */
static const char sql_call_trim[] =
    "DELETE FROM calls WHERE day <> ?1 OR (seq <= (SELECT max(seq) FROM calls) - ?2"
    " AND EXISTS (SELECT 1 FROM calls n WHERE n.day = calls.day AND n.ticket = calls.ticket"
    "  AND n.seq > calls.seq))";

int display_call_add(struct db *db, const char *ticket, const char *window)
{
    char now[CLOCK_UTC_LEN], day[CLOCK_DAY_LEN];
    sqlite3_stmt *st;
    int b = SQLITE_OK;

    clock_utc_now(now);
    clock_today_text(day);
    if (!(st = db_stmt(db, sql_call_add)))
        return -1;
    b |= sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, ticket, -1, SQLITE_STATIC);
    b |= window && *window ? sqlite3_bind_text(st, 3, window, -1, SQLITE_STATIC)
                           : sqlite3_bind_null(st, 3);
    b |= sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0 || !(st = db_stmt(db, sql_call_trim)))
        return -1;
    b = sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, DISPLAY_KEEP);
    return db_run(st, b);
}

static const char sql_calls[] =
    "SELECT seq, ticket, window, at FROM calls WHERE day = ?1 ORDER BY seq DESC LIMIT ?2";
static const char sql_seq[] = "SELECT coalesce(max(seq), 0) FROM calls";
/* today's tickets still to be called (the index cases_call finds them): an
 * earlier day's ticket is no longer in the queue (window.h), and one a
 * staffer handed in at their desk has its resident there already */
static const char sql_waiting[] =
    "SELECT count(*) FROM cases WHERE status = 'waiting' AND calls = 0 AND ticket_day = ?1"
    " AND handed_in_by IS NULL";

/* The first column of st's one row as an integer, with ?1 bound to day
 * when st has one; -1 on error. */
static int64_t display_count(struct db *db, const char *sql, const char *day)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int64_t n = -1;

    if (st && (sqlite3_bind_parameter_count(st) == 0 ||
               sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC) == SQLITE_OK) &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    return n;
}

/* calls: today's last DISPLAY_CALLS, newest first. Returns 0 or -1. */
static int display_calls(struct db *db, cJSON *calls)
{
    char day[CLOCK_DAY_LEN];
    sqlite3_stmt *st = db_stmt(db, sql_calls);
    int r = SQLITE_ERROR, b = SQLITE_OK;
    cJSON *o;

    if (!st)
        return -1;
    clock_today_text(day);
    b |= sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, DISPLAY_CALLS);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(st, 2);
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(calls, o) ||
            !cJSON_AddNumberToObject(o, "seq", (double)sqlite3_column_int64(st, 0)) ||
            !cJSON_AddStringToObject(o, "ticket", (const char *)sqlite3_column_text(st, 1)) ||
            !(w ? cJSON_AddStringToObject(o, "window", w) : cJSON_AddNullToObject(o, "window")) ||
            !cJSON_AddStringToObject(o, "at", (const char *)sqlite3_column_text(st, 3))) {
            r = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

int display_read(struct db *db, struct display_view *v)
{
    char day[CLOCK_DAY_LEN];
    cJSON *doc = cJSON_CreateObject(), *calls;
    int rc = -1;

    memset(v, 0, sizeof *v);
    if (!doc || db_read_begin(db) != 0) {
        cJSON_Delete(doc);
        return -1;
    }
    clock_today_text(day);
    memcpy(v->day, day, sizeof v->day);
    v->seq = display_count(db, sql_seq, day);
    v->waiting = (long)display_count(db, sql_waiting, day);
    if (v->seq >= 0 && v->waiting >= 0 && cJSON_AddNumberToObject(doc, "seq", (double)v->seq) &&
        (calls = cJSON_AddArrayToObject(doc, "calls")) && display_calls(db, calls) == 0 &&
        cJSON_AddNumberToObject(doc, "waiting", (double)v->waiting) &&
        cJSON_AddStringToObject(doc, "hall", notify_hall_name()))
        rc = 0;
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc == 0 && !(v->json = cJSON_PrintUnformatted(doc)))
        rc = -1;
    cJSON_Delete(doc);
    return rc;
}

void display_changed(void)
{
    hold_slot_wake(&display_slot);
}

void display_set_hold(struct hold *h)
{
    hold_slot_set(&display_slot, h);
}
