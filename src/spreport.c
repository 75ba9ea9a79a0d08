/* spreport: staff reports that a step of a procedure is wrong or unclear
 * (SP有误), the admin's list of them and their being dealt with
 * (include/spreport.h has the rules). */
#include "spreport.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "models.h"
#include "window.h"

static const struct refusal err_unknown_procedure = {
    REFUSAL_NOT_FOUND, "unknown_procedure", "没有这个事项，请刷新后再试"};
static const struct refusal err_unknown_version = {
    REFUSAL_INVALID, "unknown_version", "这个事项没有这一版，请刷新后再报告"};
static const struct refusal err_unknown_step = {
    REFUSAL_INVALID, "unknown_step", "这一版事项没有这一步，请刷新后再报告"};
static const struct refusal err_bad_kind = {
    REFUSAL_INVALID, "bad_kind", "请选择问题类型：有误或不清楚"};
static const struct refusal err_note_required = {
    REFUSAL_INVALID, "note_required", "请写明这一步哪里有误或不清楚"};
static const struct refusal err_note_long = {
    REFUSAL_INVALID, "note_too_long", "说明最多 500 个字，请删减一些"};
static const struct refusal err_reply_long = {
    REFUSAL_INVALID, "reply_too_long", "答复最多 500 个字，请删减一些"};
static const struct refusal err_already = {
    REFUSAL_CONFLICT, "already_reported", "您已经报告过这一步的这个问题，管理员处理前不必再报"};
static const struct refusal err_too_many = {
    REFUSAL_CONFLICT, "too_many_reports", "您今天对这个事项报告的问题已经有 5 条未处理，请等管理员处理后再报"};
static const struct refusal err_not_found = {
    REFUSAL_NOT_FOUND, "not_found", "没有这条报告，请刷新后再看"};
static const struct refusal err_dealt = {
    REFUSAL_CONFLICT, "already_dealt", "这条报告已经处理过了，请刷新后再看"};

static const char sql_version[] =
    "SELECT 1 FROM procedure_versions WHERE procedure_id = ?1 AND hash = ?2";
static const char sql_any_version[] =
    "SELECT 1 FROM procedure_versions WHERE procedure_id = ?1 LIMIT 1";
/* ?1 user, ?2 procedure, ?3 day; then ?4 hash, ?5 step, ?6 kind, ?7 note */
static const char sql_open_today[] =
    "SELECT count(*), count(*) FILTER (WHERE hash = ?4 AND step = ?5 AND kind = ?6 AND note = ?7)"
    " FROM sp_reports WHERE created_by = ?1 AND procedure_id = ?2 AND created_on = ?3"
    " AND dealt_at IS NULL";
static const char sql_insert[] =
    "INSERT INTO sp_reports (procedure_id, hash, step, step_title, kind, note, created_by,"
    " created_at, created_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
#define SPREPORT_SELECT                                                                          \
    "SELECT r.id, r.procedure_id, v.title, r.hash, json_extract(v.detail_json, '$.version'),"   \
    " p.hash IS NOT NULL, r.step, r.step_title, r.kind, r.note, r.created_by, r.created_at,"    \
    " r.dealt_at, r.dealt_by, r.reply"                                                          \
    " FROM sp_reports r JOIN procedure_versions v"                                              \
    " ON v.procedure_id = r.procedure_id AND v.hash = r.hash"                                   \
    " LEFT JOIN procedures p ON p.id = r.procedure_id AND p.hash = r.hash AND p.status = 'live'"
static const char sql_list[] =
    SPREPORT_SELECT " WHERE (?1 IS NULL OR r.procedure_id = ?1) AND (?2 = 0 OR r.dealt_at IS NULL)"
    " ORDER BY r.dealt_at IS NOT NULL, r.id DESC LIMIT ?3";
static const char sql_get[] = SPREPORT_SELECT " WHERE r.id = ?1";
static const char sql_counts[] =
    "SELECT count(*) - count(dealt_at), count(dealt_at) FROM sp_reports"
    " WHERE ?1 IS NULL OR procedure_id = ?1";
static const char sql_state[] = "SELECT dealt_at IS NOT NULL FROM sp_reports WHERE id = ?1";
static const char sql_deal[] =
    "UPDATE sp_reports SET dealt_at = ?2, dealt_by = ?3, reply = ?4 WHERE id = ?1";

static const char *const spreport_kinds[] = {
    [SPREPORT_WRONG] = "wrong",
    [SPREPORT_UNCLEAR] = "unclear",
};

int spreport_kind_parse(const char *s)
{
    size_t i;

    for (i = 0; s && i < sizeof spreport_kinds / sizeof spreport_kinds[0]; i++)
        if (strcmp(s, spreport_kinds[i]) == 0)
            return (int)i;
    return -1;
}

const char *spreport_note_check(const char *note, char *buf, size_t cap, struct refusal *e)
{
    return window_text_check(note, SPREPORT_NOTE_MAX, buf, cap, &err_note_required, &err_note_long, e);
}

int spreport_reply_check(const char *reply, char *buf, size_t cap, const char **out,
                         struct refusal *e)
{
    static const struct refusal none = {REFUSAL_INVALID, "none", ""};

    /* blank is "no reply"; anything else follows the note's rules */
    *out = window_text_check(reply, SPREPORT_NOTE_MAX, buf, cap, &none, &err_reply_long, e);
    return *out || e->code == none.code ? 0 : 1;
}

/* Runs a query of one row bound to text a, b (b may be NULL). Returns 1
 * when it has a row, 0 when not, -1 on error. */
static int spreport_exists(struct db *db, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int r;

    if (!st || sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC) != SQLITE_OK ||
        (b && sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC) != SQLITE_OK))
        return -1;
    r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/* The title of step of id at hash, checked against the stored version
 * inside the caller's transaction; it stays valid until *ref is released
 * (models_release; NULL is fine). Returns 0; 1 with e set
 * (unknown_procedure, unknown_version, unknown_step); -1 on error. */
static int spreport_step_title(struct db *db, const char *id, const char *hash, long long step,
                               const char **title, struct model_ref **ref, struct refusal *e)
{
    const struct procedure *p;
    int r = spreport_exists(db, sql_version, id, hash);

    *ref = NULL;
    if (r == 0) {
        r = spreport_exists(db, sql_any_version, id, NULL);
        if (r < 0)
            return -1;
        *e = r ? err_unknown_version : err_unknown_procedure;
        return 1;
    }
    if (r < 0 || models_get(db, id, hash, &p, ref) != 0)
        return -1;
    if (step < 0 || (unsigned long long)step >= p->n_steps) {
        *e = err_unknown_step;
        return 1;
    }
    *title = p->steps[step].title;
    return 0;
}

/* YYYYMMDD → "YYYY-MM-DD" in out. */
static void spreport_day_text(int ymd, char out[CLOCK_DAY_LEN])
{
    unsigned u = (unsigned)ymd;

    snprintf(out, CLOCK_DAY_LEN, "%04u-%02u-%02u", u / 10000 % 10000, u / 100 % 100, u % 100);
}

/* The bound and the double click: 1 with e set when user may not add
 * this report today, 0 when they may, -1 on error. */
static int spreport_bound(struct db *db, const char *id, const char *hash, long long step,
                          const char *kind, const char *note, const char *user, const char *day,
                          struct refusal *e)
{
    sqlite3_stmt *st = db_stmt(db, sql_open_today);
    int b = SQLITE_OK, r, rc = -1;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int64(st, 5, step);
    b |= sqlite3_bind_text(st, 6, kind, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 7, note, -1, SQLITE_STATIC);
    if (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        rc = 0;
        if (sqlite3_column_int(st, 1) > 0) {
            *e = err_already;
            rc = 1;
        } else if (sqlite3_column_int(st, 0) >= SPREPORT_DAY_MAX) {
            *e = err_too_many;
            rc = 1;
        }
    }
    sqlite3_reset(st);
    return rc;
}

int spreport_add(struct db *db, const char *id, const char *hash, long long step,
                 const char *kind, const char *note, const char *user, int today,
                 long long *id_out, struct refusal *e)
{
    char buf[SPREPORT_NOTE_MAX * 4 + 1], now[CLOCK_UTC_LEN], day[CLOCK_DAY_LEN];
    int k = spreport_kind_parse(kind), b = SQLITE_OK, rc = -1;
    const char *text, *title = NULL;
    struct model_ref *ref = NULL;
    sqlite3_stmt *st;

    if (k < 0) {
        *e = err_bad_kind;
        return 1;
    }
    if (!(text = spreport_note_check(note, buf, sizeof buf, e)))
        return 1;
    spreport_day_text(today, day);
    if (db_begin(db) != 0)
        return -1;
    if ((rc = spreport_step_title(db, id, hash, step, &title, &ref, e)) != 0 ||
        (rc = spreport_bound(db, id, hash, step, spreport_kinds[k], text, user, day, e)) != 0)
        goto rollback;
    rc = -1;
    clock_utc_now(now);
    if (!(st = db_stmt(db, sql_insert)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int64(st, 3, step);
    b |= sqlite3_bind_text(st, 4, title, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, spreport_kinds[k], -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 7, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 9, day, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0)
        goto rollback;
    *id_out = sqlite3_last_insert_rowid(db_handle(db));
    if (db_commit(db) != 0)
        goto rollback;
    models_release(ref);
    return 0;
rollback:
    db_rollback(db);
    models_release(ref);
    return rc;
}

/* A row of SPREPORT_SELECT as an object, or NULL when memory ran out. */
static cJSON *spreport_row(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0)) &&
              db_column_json(o, "procedure", st, 1) == 0 && db_column_json(o, "title", st, 2) == 0 &&
              db_column_json(o, "hash", st, 3) == 0 && db_column_json(o, "version", st, 4) == 0 &&
              cJSON_AddBoolToObject(o, "live", sqlite3_column_int(st, 5)) &&
              cJSON_AddNumberToObject(o, "step", sqlite3_column_int(st, 6)) &&
              db_column_json(o, "step_title", st, 7) == 0 && db_column_json(o, "kind", st, 8) == 0 &&
              db_column_json(o, "note", st, 9) == 0 && db_column_json(o, "by", st, 10) == 0 &&
              db_column_json(o, "at", st, 11) == 0 && db_column_json(o, "dealt_at", st, 12) == 0 &&
              db_column_json(o, "dealt_by", st, 13) == 0 && db_column_json(o, "reply", st, 14) == 0;

    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The list's rows and counts into doc; 0 or -1. */
static int spreport_list_fill(struct db *db, cJSON *doc, const char *procedure, bool open_only)
{
    cJSON *arr = cJSON_AddArrayToObject(doc, "reports"), *counts, *o;
    sqlite3_stmt *st = db_stmt(db, sql_list);
    int b = SQLITE_OK, r = SQLITE_ERROR, rc = -1;

    if (!arr || !st)
        return -1;
    b |= procedure ? sqlite3_bind_text(st, 1, procedure, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
    b |= sqlite3_bind_int(st, 2, open_only);
    b |= sqlite3_bind_int(st, 3, SPREPORT_LIST_MAX);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW)
        if (!(o = spreport_row(st)) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            break;
        }
    sqlite3_reset(st);
    if (r != SQLITE_DONE || !(st = db_stmt(db, sql_counts)))
        return -1;
    b = procedure ? sqlite3_bind_text(st, 1, procedure, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
    if (b == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW && (counts = cJSON_AddObjectToObject(doc, "counts")) &&
        cJSON_AddNumberToObject(counts, "open", sqlite3_column_int(st, 0)) &&
        cJSON_AddNumberToObject(counts, "dealt", sqlite3_column_int(st, 1)))
        rc = 0;
    sqlite3_reset(st);
    return rc;
}

int spreport_list_json(struct db *db, const char *procedure, bool open_only, char **out)
{
    cJSON *doc = cJSON_CreateObject();
    int rc = -1;

    *out = NULL;
    if (!doc || db_read_begin(db) != 0)
        goto out;
    rc = spreport_list_fill(db, doc, procedure, open_only);
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc == 0 && !(*out = cJSON_PrintUnformatted(doc)))
        rc = -1;
out:
    cJSON_Delete(doc);
    return rc;
}

int spreport_get_json(struct db *db, long long id, char **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_get);
    cJSON *o = NULL;
    int r, rc = -1;

    *out = NULL;
    if (!st || sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE)
        rc = 1;
    else if (r == SQLITE_ROW && (o = spreport_row(st)) && (*out = cJSON_PrintUnformatted(o)))
        rc = 0;
    sqlite3_reset(st);
    cJSON_Delete(o);
    return rc;
}

int spreport_deal(struct db *db, long long id, const char *user, const char *reply,
                  struct refusal *e)
{
    char buf[SPREPORT_NOTE_MAX * 4 + 1], now[CLOCK_UTC_LEN];
    const char *text = NULL;
    sqlite3_stmt *st;
    int r, b = SQLITE_OK, rc = -1;

    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_state)) || sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
        goto rollback;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        *e = err_not_found;
        rc = 1;
    } else if (r == SQLITE_ROW && sqlite3_column_int(st, 0)) {
        *e = err_dealt;
        rc = 1;
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW || rc == 1)
        goto rollback;
    /* after the state: a second admin's click says "dealt with", not "too long" */
    if (spreport_reply_check(reply, buf, sizeof buf, &text, e) != 0) {
        rc = 1;
        goto rollback;
    }
    clock_utc_now(now);
    if (!(st = db_stmt(db, sql_deal)))
        goto rollback;
    b |= sqlite3_bind_int64(st, 1, id);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    b |= text ? sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 4);
    if (db_run(st, b) != 0 || db_commit(db) != 0)
        goto rollback;
    return 0;
rollback:
    db_rollback(db);
    return rc;
}
