/* changes: each staffer's last confirmed version of each procedure, the
 * differences from it to the live one, and the list of procedures with
 * something unread (include/changes.h has the rules). */
#include "changes.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <string.h>

#include "catalog.h"
#include "clock.h"
#include "models.h"
#include "procedure.h"
#include "vdiff.h"

static const struct refusal err_unknown_procedure = {
    REFUSAL_NOT_FOUND, "unknown_procedure", "没有这个事项，请刷新后再试"};
static const struct refusal err_stale = {
    REFUSAL_CONFLICT, "stale_version", "这个事项刚刚又更新了，请先看最新的变化，再点“我已阅读”"};

/* A version as the answer names it; ?1 procedure, ?2 hash */
static const char sql_version[] =
    "SELECT v.procedure_id, v.hash, json_extract(v.detail_json, '$.version'), v.first_loaded,"
    " v.title"
    " FROM procedure_versions v WHERE v.procedure_id = ?1 AND v.hash = ?2";
static const char sql_live[] =
    "SELECT hash FROM procedures WHERE id = ?1 AND status = 'live'";
/* When the live version went live: a scheduled version's midnight, or a
 * revert's save, which its first_loaded (the day it was first saved) is
 * not; the notice dates the update by it, as the list does */
static const char sql_since[] =
    "SELECT updated_at FROM procedures WHERE id = ?1 AND status = 'live'";
/* seen_id is the procedure's own id but for a read that a rename carried
 * from the file's old id (store.c, store_carry): the version read is one
 * of that id's */
static const char sql_seen[] =
    "SELECT hash, seen_id FROM procedure_reads WHERE user_id = ?1 AND procedure_id = ?2";
/* ?1 user, ?2 procedure, ?3 now: the first sight is the baseline */
static const char sql_baseline[] =
    "INSERT INTO procedure_reads (user_id, procedure_id, hash, read_at, seen_id)"
    " SELECT ?1, id, hash, ?3, id FROM procedures WHERE id = ?2 AND status = 'live'"
    " ON CONFLICT (user_id, procedure_id) DO NOTHING";
static const char sql_baseline_all[] =
    "INSERT INTO procedure_reads (user_id, procedure_id, hash, read_at, seen_id)"
    " SELECT ?1, id, hash, ?2, id FROM procedures WHERE status = 'live'"
    " ON CONFLICT (user_id, procedure_id) DO NOTHING";
/* ?1 user, ?2 procedure, ?3 hash, ?4 now */
static const char sql_confirm[] =
    "INSERT INTO procedure_reads (user_id, procedure_id, hash, read_at, seen_id)"
    " VALUES (?1, ?2, ?3, ?4, ?2)"
    " ON CONFLICT (user_id, procedure_id) DO UPDATE SET hash = excluded.hash,"
    " read_at = excluded.read_at, seen_id = excluded.seen_id";
/* Unread: a live version other than the one read that a staffer would
 * be shown something of (its notice key differs, or either has none).
 * `since` is when it went live (procedures.updated_at), not when it was
 * saved: a version scheduled on the 14th for the 15th is news of the
 * 15th (a policy-change review). */
#define CHANGES_SAME_NOTICE(seen_id, seen, live)                                               \
    " EXISTS (SELECT 1 FROM procedure_versions s WHERE s.procedure_id = " seen_id                \
    " AND s.hash = " seen " AND s.notice_key = " live ".notice_key)"
static const char sql_unread[] =
    "SELECT p.id, v.title, p.hash, r.hash, p.updated_at FROM procedure_reads r"
    " JOIN procedures p ON p.id = r.procedure_id AND p.status = 'live'"
    " AND (p.hash <> r.hash OR r.seen_id <> p.id)"
    " JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " WHERE r.user_id = ?1 AND NOT" CHANGES_SAME_NOTICE("r.seen_id", "r.hash", "v")
    " ORDER BY p.updated_at DESC, p.id LIMIT ?2";
/* ?1 procedure, ?2 seen, ?3 live, ?4 seen's id: the two show a staffer
 * the same */
static const char sql_same_notice[] =
    "SELECT 1 FROM procedure_versions v WHERE v.procedure_id = ?1 AND v.hash = ?3 AND"
    CHANGES_SAME_NOTICE("?4", "?2", "v");

/* The one text column of a query bound to a, b (NULL: a query of one
 * parameter), copied into buf (cap bytes). Returns 1 with buf set, 0 when
 * there is no row, -1 on error. */
static int changes_one(struct db *db, const char *sql, const char *a, const char *b, char *buf,
                       size_t cap)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    const char *v;
    int r, rc = -1;

    if (!st || sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC) != SQLITE_OK ||
        (b && sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC) != SQLITE_OK))
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE)
        rc = 0;
    else if (r == SQLITE_ROW && (v = (const char *)sqlite3_column_text(st, 0)) && strlen(v) < cap) {
        memcpy(buf, v, strlen(v) + 1);
        rc = 1;
    }
    sqlite3_reset(st);
    return rc;
}

/* Adds name: {"id","hash","version","first_loaded"} of version hash of id, and
 * when title is set puts that version's title in doc's "title" (added
 * first, so that the answer reads in the documented order). 0 or -1. */
static int changes_add_version(struct db *db, cJSON *doc, const char *name, const char *id,
                               const char *hash, bool title)
{
    sqlite3_stmt *st = db_stmt(db, sql_version);
    cJSON *o = cJSON_AddObjectToObject(doc, name), *t = NULL;
    int rc = -1;

    if (!st || !o || sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW && db_column_json(o, "id", st, 0) == 0 &&
        db_column_json(o, "hash", st, 1) == 0 && db_column_json(o, "version", st, 2) == 0 &&
        db_column_json(o, "first_loaded", st, 3) == 0) {
        if (!title)
            rc = 0;
        else if ((t = cJSON_CreateString((const char *)sqlite3_column_text(st, 4))) &&
                 cJSON_ReplaceItemInObjectCaseSensitive(doc, "title", t))
            rc = 0;
        else
            cJSON_Delete(t);    /* a failed replace leaves it unattached */
    }
    sqlite3_reset(st);
    return rc;
}

/* d's parts as the answer's array under doc. Returns 0 or -1. */
static int changes_add_parts(cJSON *doc, const struct vdiff *d)
{
    cJSON *arr = cJSON_AddArrayToObject(doc, "parts"), *o, *lines, *l;
    size_t i, k;

    if (!arr)
        return -1;
    for (i = 0; d && i < d->n_parts; i++) {
        const struct vdiff_part *p = &d->parts[i];
        char op[2] = {0};

        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o))
            return (cJSON_Delete(o), -1);
        if (!cJSON_AddStringToObject(o, "kind", vdiff_kind_name(p->kind)) ||
            !cJSON_AddStringToObject(o, "title", p->title) ||
            !cJSON_AddStringToObject(o, "change", vdiff_change_name(p->change)) ||
            !cJSON_AddBoolToObject(o, "truncated", p->truncated) ||
            !(lines = cJSON_AddArrayToObject(o, "lines")))
            return -1;
        for (k = 0; k < p->n_lines; k++) {
            op[0] = p->lines[k].op;
            if (!(l = cJSON_CreateObject()) || !cJSON_AddItemToArray(lines, l))
                return (cJSON_Delete(l), -1);
            if (!cJSON_AddStringToObject(l, "op", op) ||
                !cJSON_AddStringToObject(l, "text", p->lines[k].text))
                return -1;
        }
    }
    return 0;
}

/* The differences from version seen of seen_id (id but for a read carried
 * over a rename) to live of id into doc. An old
 * version whose source no longer parses (a stricter parser since) is
 * compared as empty: the whole live version is listed as added, and the
 * staffer can still confirm it; one that cannot be read (a database
 * error) is an error, not an empty version. 0 or -1. */
static int changes_diff(struct db *db, cJSON *doc, const char *id, const char *seen_id,
                        const char *seen, const char *live)
{
    static const struct procedure empty;
    struct model_ref *ra = NULL, *rb = NULL;
    const struct procedure *a, *b;
    struct vdiff d = {0};
    struct catalog *cat;
    int rc = -1, r;

    if ((r = models_get(db, seen_id, seen, &a, &ra)) < 0)
        goto out;
    if (r == 1)
        a = &empty;
    /* the stages' posts by their names in the hall's _posts.md */
    cat = catalog_acquire();
    if (models_get(db, id, live, &b, &rb) == 0 &&
        vdiff_build(a, b, cat ? catalog_posts(cat) : NULL, &d) == 0)
        rc = changes_add_parts(doc, &d);
    if (cat)
        catalog_release(cat);
out:
    vdiff_free(&d);
    models_release(ra);
    models_release(rb);
    return rc;
}

/* Whether version seen of seen_id and live of id show a staffer the same
 * (their notice keys are equal). 1 yes, 0 no, -1 on a database error. */
static int changes_same_notice(struct db *db, const char *id, const char *seen_id,
                               const char *seen, const char *live)
{
    sqlite3_stmt *st = db_stmt(db, sql_same_notice);
    int b = SQLITE_OK, r;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, seen, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, live, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, seen_id, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    sqlite3_reset(st);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/* user's read of id: the hash and the id it is a version of. 0 or -1
 * (no row: the caller recorded the baseline first). */
static int changes_seen(struct db *db, const char *user, const char *id, char seen[65],
                        char seen_id[PROCEDURE_ID_MAX + 1])
{
    sqlite3_stmt *st = db_stmt(db, sql_seen);
    const char *h, *s;
    int b = SQLITE_OK, rc = -1;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    if (b == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        (h = (const char *)sqlite3_column_text(st, 0)) && strlen(h) < 65 &&
        (s = (const char *)sqlite3_column_text(st, 1)) && strlen(s) <= PROCEDURE_ID_MAX) {
        memcpy(seen, h, strlen(h) + 1);
        memcpy(seen_id, s, strlen(s) + 1);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

/* Under the caller's transaction: the live hash of id and user's seen
 * one (of seen_id), recording the baseline first. 0, 1 with e set, or -1. */
static int changes_state(struct db *db, const char *id, const char *user, char live[65],
                         char seen[65], char seen_id[PROCEDURE_ID_MAX + 1], struct refusal *e)
{
    char now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    int b = SQLITE_OK, r;

    r = changes_one(db, sql_live, id, NULL, live, 65);
    if (r <= 0) {
        if (r == 0)
            *e = err_unknown_procedure;
        return r < 0 ? -1 : 1;
    }
    clock_utc_now(now);
    if (!(st = db_stmt(db, sql_baseline)))
        return -1;
    b |= sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0)
        return -1;
    return changes_seen(db, user, id, seen, seen_id);
}

int changes_view_json(struct db *db, const char *id, const char *user, char **out,
                      struct refusal *e)
{
    char live[65], seen[65], seen_id[PROCEDURE_ID_MAX + 1], since[CLOCK_UTC_LEN];
    cJSON *doc = NULL;
    bool changed;
    int rc, same;

    *out = NULL;
    if (db_begin(db) != 0)
        return -1;
    if ((rc = changes_state(db, id, user, live, seen, seen_id, e)) != 0 ||
        (rc = changes_one(db, sql_since, id, NULL, since, sizeof since) == 1 ? 0 : -1) != 0 ||
        (rc = db_commit(db)) != 0) {
        db_rollback(db);
        return rc;
    }
    /* versions never change once stored: no transaction needed past here */
    rc = -1;
    /* another version that shows the same (a review date moved on) is no
     * update to read: the staffer keeps the one they read */
    changed = strcmp(seen, live) != 0 || strcmp(seen_id, id) != 0;
    if (changed && (same = changes_same_notice(db, id, seen_id, seen, live)) != 0) {
        if (same < 0)
            return -1;
        changed = false;
    }
    if (!(doc = cJSON_CreateObject()) || !cJSON_AddStringToObject(doc, "id", id) ||
        !cJSON_AddNullToObject(doc, "title") || !cJSON_AddStringToObject(doc, "hash", live) ||
        !cJSON_AddStringToObject(doc, "seen", seen) ||
        !cJSON_AddStringToObject(doc, "since", since) ||
        !cJSON_AddBoolToObject(doc, "changed", changed) ||
        changes_add_version(db, doc, "from", seen_id, seen, false) != 0 ||
        changes_add_version(db, doc, "to", id, live, true) != 0 ||
        (changed ? changes_diff(db, doc, id, seen_id, seen, live) : changes_add_parts(doc, NULL)) != 0)
        goto out;
    if ((*out = cJSON_PrintUnformatted(doc)))
        rc = 0;
out:
    cJSON_Delete(doc);
    return rc;
}

int changes_read(struct db *db, const char *id, const char *user, const char *hash,
                 struct refusal *e)
{
    char live[65], now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    int b = SQLITE_OK, r, rc = -1;

    if (db_begin(db) != 0)
        return -1;
    r = changes_one(db, sql_live, id, NULL, live, sizeof live);
    if (r <= 0) {
        *e = err_unknown_procedure;
        rc = r < 0 ? -1 : 1;
        goto rollback;
    }
    if (strcmp(live, hash) != 0) {
        *e = err_stale;
        rc = 1;
        goto rollback;
    }
    clock_utc_now(now);
    if (!(st = db_stmt(db, sql_confirm)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, live, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0 || db_commit(db) != 0)
        goto rollback;
    return 0;
rollback:
    db_rollback(db);
    return rc;
}

/* The unread procedures' rows into arr; 0 or -1. */
static int changes_unread(struct db *db, const char *user, cJSON *arr)
{
    sqlite3_stmt *st = db_stmt(db, sql_unread);
    int b = SQLITE_OK, r = SQLITE_ERROR;
    cJSON *o;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, CHANGES_LIST_MAX);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            break;
        }
        if (db_column_json(o, "id", st, 0) != 0 || db_column_json(o, "title", st, 1) != 0 ||
            db_column_json(o, "hash", st, 2) != 0 || db_column_json(o, "seen", st, 3) != 0 ||
            db_column_json(o, "since", st, 4) != 0)
            break;
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

int changes_list_json(struct db *db, const char *user, char **out)
{
    cJSON *doc = cJSON_CreateObject(), *arr;
    char now[CLOCK_UTC_LEN];
    sqlite3_stmt *st;
    int b = SQLITE_OK, rc = -1;

    *out = NULL;
    if (!doc || !(arr = cJSON_AddArrayToObject(doc, "procedures")) || db_begin(db) != 0)
        goto out;
    clock_utc_now(now);
    if (!(st = db_stmt(db, sql_baseline_all)))
        goto rollback;
    b |= sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    if (db_run(st, b) != 0 || changes_unread(db, user, arr) != 0 || db_commit(db) != 0)
        goto rollback;
    if ((*out = cJSON_PrintUnformatted(doc)))
        rc = 0;
    goto out;
rollback:
    db_rollback(db);
out:
    cJSON_Delete(doc);
    return rc;
}
