/* store: catalog persistence. Every write of a load happens in one
 * transaction so that readers see the old catalog or the new one, never a
 * half. SQL is kept beside the code that binds it; all of it is prepared. */
#include "store.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cjktok.h"
#include "clock.h"
#include "hall.h"
#include "models.h"
#include "pinyin.h"
#include "render.h"
#include "strbuf.h"
#include "vdiff.h"

static const char sql_reuse[] =
    "SELECT f.procedure_id FROM source_files f"
    " JOIN procedure_versions v ON v.procedure_id = f.procedure_id AND v.hash = f.hash"
    " WHERE f.path = ?1 AND f.hash = ?2 AND f.ok = 1 AND v.render_version = ?3"
    " AND v.render_contact = ?5"
    " AND (v.review_by = 0 OR v.review_by > ?4)"
    " AND (EXISTS (SELECT 1 FROM procedures p WHERE p.id = f.procedure_id AND p.hash = f.hash"
    "  AND p.status = 'live')"
    " OR EXISTS (SELECT 1 FROM schedule s WHERE s.procedure_id = f.procedure_id"
    "  AND s.hash = f.hash))";

int store_reuse(void *ctx, const char *rel, const char *hash, char **id)
{
    /* library_date_add runs mktime, which reads the time zone file each
     * time: once per day and thread, not once per file (issue #13) */
    static _Thread_local int day, remind;
    struct db *db = ctx;
    sqlite3_stmt *st = db_stmt(db, sql_reuse);
    int rc = -1, r, today = clock_today();
    int b = SQLITE_OK;

    if (!st)
        return -1;
    if (today != day) {
        remind = library_date_add(today, LIBRARY_REMIND_DAYS);
        day = today;
    }
    b |= sqlite3_bind_text(st, 1, rel, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 3, RENDER_VERSION);
    /* files near or past their review date are parsed again so that their
     * reminder is current: a handful at most */
    b |= sqlite3_bind_int(st, 4, remind);
    b |= sqlite3_bind_text(st, 5, hall_contact_tag(), -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW) {
        *id = strdup((const char *)sqlite3_column_text(st, 0));
        rc = *id ? 1 : -1;
    } else if (r == SQLITE_DONE) {
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

static const char sql_reuse_all[] =
    "SELECT f.path, f.hash, f.procedure_id, f.stamp, f.chain FROM source_files f"
    " JOIN procedure_versions v ON v.procedure_id = f.procedure_id AND v.hash = f.hash"
    " WHERE f.ok = 1 AND v.render_version = ?1 AND v.render_contact = ?3"
    " AND (v.review_by = 0 OR v.review_by > ?2)"
    " AND (EXISTS (SELECT 1 FROM procedures p WHERE p.id = f.procedure_id AND p.hash = f.hash"
    "  AND p.status = 'live')"
    " OR EXISTS (SELECT 1 FROM schedule s WHERE s.procedure_id = f.procedure_id"
    "  AND s.hash = f.hash))"
    " ORDER BY f.path";

struct store_reuse_row {
    char *path;
    char *id;
    char *stamp;    /* as stored: "" when unknown */
    bool chain;
    char hash[65];
};

struct store_reuse_set {
    struct store_reuse_row *rows; /* by path, in strcmp order */
    size_t n;
    char posts_hash[65];        /* chain_check's, when known_posts */
    bool known_posts;
    char directory_hash[65];    /* the live _directory.md's, "" when none */
    char **offices;             /* its offices' ids */
    size_t n_offices;
    char *posts_live;           /* the live _posts.md's text, NULL when none */
};

static const char sql_directory_live[] = "SELECT hash, json FROM directory WHERE one = 1";
static const char sql_posts_live[] = "SELECT text FROM posts WHERE one = 1";

static const char sql_chain_check_get[] = "SELECT posts_hash FROM chain_check WHERE one = 1";
static const char sql_chain_check_put[] =
    "INSERT INTO chain_check (one, posts_hash) VALUES (1, ?1)"
    " ON CONFLICT (one) DO UPDATE SET posts_hash = excluded.posts_hash"
    " WHERE chain_check.posts_hash <> excluded.posts_hash";

void store_reuse_free(struct store_reuse_set *set)
{
    if (!set)
        return;
    while (set->n--) {
        free(set->rows[set->n].path);
        free(set->rows[set->n].id);
        free(set->rows[set->n].stamp);
    }
    free(set->rows);
    while (set->n_offices--)
        free(set->offices[set->n_offices]);
    free(set->offices);
    free(set->posts_live);
    free(set);
}

/* The live directory's hash and office ids into set, from its stored JSON
 * ({"offices":[{"id",...}]}, as directory_render wrote it). 0, or -1 on a
 * database error or when memory ran out. */
static int store_reuse_offices(struct db *db, struct store_reuse_set *set)
{
    sqlite3_stmt *st = db_stmt(db, sql_directory_live);
    cJSON *doc = NULL, *o;
    int r, rc = -1, n;

    if (!st)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        rc = 0;
        goto out;
    }
    if (r != SQLITE_ROW)
        goto out;
    snprintf(set->directory_hash, sizeof set->directory_hash, "%s",
             (const char *)sqlite3_column_text(st, 0));
    if (!(doc = cJSON_Parse((const char *)sqlite3_column_text(st, 1))))
        goto out;
    n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "offices"));
    if (n && !(set->offices = calloc((size_t)n, sizeof *set->offices)))
        goto out;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(doc, "offices")) {
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "id"));
        if (id && set->n_offices < (size_t)n &&
            !(set->offices[set->n_offices++] = strdup(id)))
            goto out;
    }
    rc = 0;
out:
    cJSON_Delete(doc);
    sqlite3_reset(st);
    return rc;
}

static int store_reuse_row_cmp(const void *a, const void *b)
{
    return strcmp(((const struct store_reuse_row *)a)->path,
                  ((const struct store_reuse_row *)b)->path);
}

int store_reuse_load(struct db *db, struct store_reuse_set **out)
{
    struct store_reuse_set *set = calloc(1, sizeof *set);
    sqlite3_stmt *st = db_stmt(db, sql_reuse_all);
    size_t cap = 0;
    int r = SQLITE_ERROR, b = SQLITE_OK;

    *out = NULL;
    if (!set || !st)
        goto fail;
    b |= sqlite3_bind_int(st, 1, RENDER_VERSION);
    b |= sqlite3_bind_int(st, 2, library_date_add(clock_today(), LIBRARY_REMIND_DAYS));
    b |= sqlite3_bind_text(st, 3, hall_contact_tag(), -1, SQLITE_STATIC);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_reuse_row *row;
        const char *hash = (const char *)sqlite3_column_text(st, 1);
        if (set->n == cap) {
            size_t ncap = cap ? 2 * cap : 256;
            if (!(row = realloc(set->rows, ncap * sizeof *row)))
                break;
            set->rows = row;
            cap = ncap;
        }
        row = &set->rows[set->n];
        snprintf(row->hash, sizeof row->hash, "%s", hash ? hash : "");
        row->path = strdup((const char *)sqlite3_column_text(st, 0));
        row->id = strdup((const char *)sqlite3_column_text(st, 2));
        row->stamp = strdup((const char *)sqlite3_column_text(st, 3));
        row->chain = sqlite3_column_int(st, 4) != 0;
        set->n++;
        if (!row->path || !row->id || !row->stamp)
            break;
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        goto fail;
    /* SQLite's order is its collation's (BINARY, as strcmp); sorted again
     * all the same, since the lookup depends on it */
    if (set->n)
        qsort(set->rows, set->n, sizeof *set->rows, store_reuse_row_cmp);
    if (!(st = db_stmt(db, sql_chain_check_get)))
        goto fail;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);
        snprintf(set->posts_hash, sizeof set->posts_hash, "%s", h ? h : "");
        set->known_posts = true;
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        goto fail;
    if (store_reuse_offices(db, set) != 0 || !(st = db_stmt(db, sql_posts_live)))
        goto fail;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
        !(set->posts_live = db_column_text_dup(st, 0, NULL)))
        r = SQLITE_NOMEM;
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        goto fail;
    *out = set;
    return 0;
fail:
    fprintf(stderr, "spkiosk: store: reading what can be reused: %s\n",
            b != SQLITE_OK ? "cannot bind a parameter" : sqlite3_errmsg(db_handle(db)));
    store_reuse_free(set);
    return -1;
}

struct library_reuse store_reuse_of(struct store_reuse_set *set)
{
    struct library_reuse ru = {store_reuse_cached, store_reuse_stamped, set,
                               set->known_posts ? set->posts_hash : NULL, set->directory_hash,
                               set->offices, set->n_offices, set->posts_live};
    return ru;
}

int store_reuse_stamped(void *ctx, const char *rel, const char *stamp, char hash[65], char **id,
                        bool *chain)
{
    const struct store_reuse_set *set = ctx;
    struct store_reuse_row key, *hit;

    if (!set->n || !stamp[0])
        return 0;
    key.path = (char *)rel;
    hit = bsearch(&key, set->rows, set->n, sizeof *set->rows, store_reuse_row_cmp);
    if (!hit || strcmp(hit->stamp, stamp) != 0)
        return 0;
    if (!(*id = strdup(hit->id)))
        return -1;
    memcpy(hash, hit->hash, 65);
    *chain = hit->chain;
    return 1;
}

int store_reuse_cached(void *ctx, const char *rel, const char *hash, char **id)
{
    const struct store_reuse_set *set = ctx;
    struct store_reuse_row key, *hit;

    if (!set->n) /* rows is NULL then, which bsearch may not be given */
        return 0;
    key.path = (char *)rel;
    hit = bsearch(&key, set->rows, set->n, sizeof *set->rows, store_reuse_row_cmp);
    if (!hit || strcmp(hit->hash, hash) != 0)
        return 0;
    *id = strdup(hit->id);
    return *id ? 1 : -1;
}

/* Runs a bound statement that returns no rows. *b holds the OR of the
 * bind results since the last step (binding with SQLITE_STATIC cannot run
 * out of memory, so a failure means a wrong index: a bug to report); it is
 * reset for the next statement. */
static int store_step_done(struct db *db, sqlite3_stmt *st, int *b)
{
    int bind = *b;

    /* the load's statements share one bind result: start the next clean */
    *b = SQLITE_OK;
    if (db_run(st, bind) == 0)
        return 0;
    fprintf(stderr, "spkiosk: store: %s\n",
            bind != SQLITE_OK ? "cannot bind a parameter" : sqlite3_errmsg(db_handle(db)));
    return -1;
}

static const char sql_cat_clear[] = "DELETE FROM categories";
static const char sql_cat_insert[] =
    "INSERT INTO categories (id, title, description, ord) VALUES (?1, ?2, ?3, ?4)";

static const char sql_cat_old[] = "SELECT title, description, ord FROM categories WHERE id = ?1";

struct store_cat_old {
    char *title, *description;
    int ord;
};

/* A category's row as the last load stored it, for a README.md that now
 * has an error (its title, description and order stay as they were, as a
 * procedure's last good version does: a bad `order` moved the category to
 * the end, a GBK file showed the folder name). 1 with *out filled (caller
 * frees the strings), 0 when there is none, -1 on error. */
static int store_category_old(struct db *db, const char *id, struct store_cat_old *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_cat_old);
    int r, rc = -1;

    memset(out, 0, sizeof *out);
    if (!st || sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        rc = 0;
    } else if (r == SQLITE_ROW) {
        out->title = strdup((const char *)sqlite3_column_text(st, 0));
        out->description = strdup((const char *)sqlite3_column_text(st, 1));
        out->ord = sqlite3_column_int(st, 2);
        rc = out->title && out->description ? 1 : -1;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int store_categories(struct db *db, const struct library *lib)
{
    struct store_cat_old *old = calloc(lib->n_cats ? lib->n_cats : 1, sizeof *old);
    sqlite3_stmt *st;
    size_t i;
    int b = SQLITE_OK, rc = -1;

    if (!old)
        return -1;
    for (i = 0; i < lib->n_cats; i++)
        if (lib->cats[i].failed && store_category_old(db, lib->cats[i].id, &old[i]) < 0)
            goto out;
    if (!(st = db_stmt(db, sql_cat_clear)) || store_step_done(db, st, &b) != 0)
        goto out;
    for (i = 0; i < lib->n_cats; i++) {
        const struct lib_category *c = &lib->cats[i];
        bool kept = old[i].title != NULL;
        if (!(st = db_stmt(db, sql_cat_insert)))
            goto out;
        b |= sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, kept ? old[i].title : c->title, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 3, kept ? old[i].description : c->description, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 4, kept ? old[i].ord : c->order);
        if (store_step_done(db, st, &b) != 0)
            goto out;
    }
    rc = 0;
out:
    for (i = 0; i < lib->n_cats; i++) {
        free(old[i].title);
        free(old[i].description);
    }
    free(old);
    return rc;
}

static const char sql_version_upsert[] =
    "INSERT INTO procedure_versions (procedure_id, hash, source, category, kind, title, ord,"
    " review_by, detail_json, item_json, print_html, render_version, first_loaded, practice_key,"
    " render_contact, notice_key)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?13, ?11, ?12, ?14, ?15, ?16)"
    " ON CONFLICT (procedure_id, hash) DO UPDATE SET category = excluded.category,"
    " kind = excluded.kind, title = excluded.title, ord = excluded.ord,"
    " review_by = excluded.review_by, detail_json = excluded.detail_json,"
    " item_json = excluded.item_json, print_html = excluded.print_html,"
    " render_version = excluded.render_version, practice_key = excluded.practice_key,"
    " render_contact = excluded.render_contact, notice_key = excluded.notice_key";
/* updated_on is computed before hash is overwritten: SQLite's SET reads
 * the row as it was. A first version ever (an INSERT) is no update, and
 * neither is a new text that a resident would read the same: the two
 * versions' JSON differs only in its hash and the review date (a blank
 * line or a final newline added, a review_by moved on after checking the
 * policy). Residents would otherwise be told 本事项于 X月X日 更新 for 30
 * days about nothing. A JSON rendered by an older build and not the same
 * counts as updated: the notice errs towards being shown. */
#define STORE_PROC_SEEN(h)                                                                     \
    "(SELECT json_remove(v.detail_json, '$.hash', '$.meta.review_by') FROM procedure_versions v" \
    " WHERE v.procedure_id = excluded.id AND v.hash = " h ")"
/* keep: an SQL expression true when the admin saved this text as an
 * editorial fix (store_editorial_set): the notice keeps its date too. A
 * retired item coming back is never editorial: it was gone. */
#define STORE_PROC_CONFLICT_KEEP(keep)                                                        \
    " ON CONFLICT (id) DO UPDATE SET path = excluded.path, hash = excluded.hash,"              \
    " status = 'live',"                                                                        \
    " updated_at = CASE WHEN procedures.hash <> excluded.hash OR procedures.status <> 'live'"  \
    " THEN excluded.updated_at ELSE procedures.updated_at END,"                                \
    " updated_on = CASE WHEN procedures.hash <> excluded.hash AND"                             \
    " " STORE_PROC_SEEN("procedures.hash") " IS NOT " STORE_PROC_SEEN("excluded.hash")         \
    " AND NOT (" keep " AND procedures.status = 'live')"                                       \
    " THEN ?5 ELSE procedures.updated_on END"
#define STORE_PROC_CONFLICT STORE_PROC_CONFLICT_KEEP("0")
static const char sql_proc_upsert[] =
    "INSERT INTO procedures (id, path, hash, status, updated_at) VALUES (?1, ?2, ?3, 'live', ?4)"
    STORE_PROC_CONFLICT_KEEP("?6 = 1");
static const char sql_schedule_upsert[] =
    "INSERT INTO schedule (procedure_id, hash, path, effective, category, title, keywords, body)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (procedure_id) DO UPDATE SET"
    " hash = excluded.hash, path = excluded.path, effective = excluded.effective,"
    " category = excluded.category, title = excluded.title, keywords = excluded.keywords,"
    " body = excluded.body";
static const char sql_schedule_drop[] = "DELETE FROM schedule WHERE procedure_id = ?1";
/* the waiting version of ?1 is ?2, and its date ?3 has come */
static const char sql_schedule_due[] =
    "SELECT 1 FROM schedule WHERE procedure_id = ?1 AND hash = ?2 AND effective <= ?3";
/* Search rows have the procedure's doc number as rowid (023): a delete by
 * rowid touches one row where a delete by the unindexed id scanned them all.
 *
 * They are written in batches, after everything else of a load: once an
 * FTS5 table is written in a transaction, every later statement that may
 * abort opens a savepoint, and FTS5 flushes its pending rows into a new
 * segment at each one. Row by row, among the other writes of each file,
 * that was a segment per file and most of a cold load (issue #13). A batch
 * is one JSON array bound to one prepared statement. */
#define STORE_SEARCH_BATCH 256
#define STORE_SEARCH_GONE                                                               \
    " (SELECT d.doc FROM json_each(?1) j JOIN search_docs d ON d.id = j.value)"
static const char sql_search_delete[] = "DELETE FROM search WHERE rowid IN" STORE_SEARCH_GONE;
static const char sql_pinyin_delete[] =
    "DELETE FROM search_pinyin WHERE rowid IN" STORE_SEARCH_GONE;
static const char sql_doc_upsert[] =
    "INSERT INTO search_docs (id, category) VALUES (?1, ?2)"
    " ON CONFLICT (id) DO UPDATE SET category = excluded.category RETURNING doc";
/* rows: [doc, id, category, title, keywords, body] */
static const char sql_search_insert[] =
    "INSERT INTO search (rowid, id, category, title, keywords, body)"
    " SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4,"
    " j.value ->> 5 FROM json_each(?1) j";
static const char sql_pinyin_insert[] =
    "INSERT INTO search_pinyin (rowid, id, category, title, keywords)"
    " SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4"
    " FROM json_each(?1) j";

/* The search rows a load drops (gone: ids) and writes (rows), not yet
 * written. A procedure in rows is in gone too: its old rows go first. */
struct store_search_batch {
    cJSON *gone;
    cJSON *rows;
    size_t n;
};

/* Runs sql with the batch's array json bound as ?1. 0, or -1. */
static int store_search_run(struct db *db, const char *sql, const cJSON *json)
{
    sqlite3_stmt *st;
    char *text;
    int rc, b;

    if (!(text = cJSON_PrintUnformatted(json)))
        return -1;
    if (!(st = db_stmt(db, sql))) {
        free(text);
        return -1;
    }
    b = sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    rc = store_step_done(db, st, &b);
    free(text);
    return rc;
}

/* Writes and empties the batch. 0, or -1. */
static int store_search_flush(struct db *db, struct store_search_batch *sb)
{
    cJSON *gone = sb->gone, *rows = sb->rows;
    int rc = -1;

    if (!gone || !rows)
        return 0;
    sb->gone = sb->rows = NULL;
    sb->n = 0;
    if (cJSON_GetArraySize(gone) > 0 &&
        (store_search_run(db, sql_search_delete, gone) != 0 ||
         store_search_run(db, sql_pinyin_delete, gone) != 0))
        goto out;
    if (cJSON_GetArraySize(rows) > 0 &&
        (store_search_run(db, sql_search_insert, rows) != 0 ||
         store_search_run(db, sql_pinyin_insert, rows) != 0))
        goto out;
    rc = 0;
out:
    cJSON_Delete(gone);
    cJSON_Delete(rows);
    return rc;
}

static void store_search_batch_free(struct store_search_batch *sb)
{
    cJSON_Delete(sb->gone);
    cJSON_Delete(sb->rows);
    sb->gone = sb->rows = NULL;
    sb->n = 0;
}

/* Makes the batch's arrays when empty. 0, or -1. */
static int store_search_batch_open(struct store_search_batch *sb)
{
    if (!sb->gone)
        sb->gone = cJSON_CreateArray();
    if (!sb->rows)
        sb->rows = cJSON_CreateArray();
    return sb->gone && sb->rows ? 0 : -1;
}

/* Drops a procedure's rows from both search tables (with the batch). */
static int store_search_delete(struct db *db, struct store_search_batch *sb, const char *id)
{
    cJSON *s;

    if (store_search_batch_open(sb) != 0 || !(s = cJSON_CreateString(id)))
        return -1;
    if (!cJSON_AddItemToArray(sb->gone, s)) {
        cJSON_Delete(s);
        return -1;
    }
    return ++sb->n >= STORE_SEARCH_BATCH ? store_search_flush(db, sb) : 0;
}

/* The doc number of procedure id (made on its first search row), with its
 * category brought up to date. 0, or -1. */
static int store_search_doc(struct db *db, const char *id, const char *category,
                            sqlite3_int64 *doc)
{
    sqlite3_stmt *st = db_stmt(db, sql_doc_upsert);
    int b = SQLITE_OK, r, rc = -1;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, category, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW) {
        *doc = sqlite3_column_int64(st, 0);
        /* RETURNING finishes its write on the step that reports done */
        r = sqlite3_step(st);
        rc = r == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_reset(st);
    if (rc != 0)
        fprintf(stderr, "spkiosk: store: search doc: %s\n",
                b != SQLITE_OK ? "cannot bind a parameter" : sqlite3_errmsg(db_handle(db)));
    return rc;
}

/* Replaces a procedure's search rows (with the batch). 0, or -1. */
static int store_search_put(struct db *db, struct store_search_batch *sb,
                            const struct procedure *p, const char *kw)
{
    sqlite3_int64 doc;
    cJSON *row, *s;
    const char *texts[5];
    size_t i;

    texts[0] = p->id;
    texts[1] = p->category;
    texts[2] = p->title;
    texts[3] = kw;
    texts[4] = p->search_text ? p->search_text : "";
    if (store_search_doc(db, p->id, p->category, &doc) != 0 || store_search_batch_open(sb) != 0)
        return -1;
    if (!(row = cJSON_CreateArray()))
        return -1;
    if (!cJSON_AddItemToArray(sb->rows, row)) {
        cJSON_Delete(row);
        return -1;
    }
    if (!(s = cJSON_CreateNumber((double)doc)) || !cJSON_AddItemToArray(row, s)) {
        cJSON_Delete(s);
        return -1;
    }
    for (i = 0; i < 5; i++)
        if (!(s = cJSON_CreateString(texts[i])) || !cJSON_AddItemToArray(row, s)) {
            cJSON_Delete(s);
            return -1;
        }
    return store_search_delete(db, sb, p->id);
}

/* A version that waits for its date: its row in schedule, with the search
 * text it will be found by once live. */
static int store_schedule(struct db *db, const struct lib_file *f, const char *kw)
{
    const struct procedure *p = f->model;
    sqlite3_stmt *st = db_stmt(db, sql_schedule_upsert);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, p->hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, f->rel, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 4, p->effective);
    b |= sqlite3_bind_text(st, 5, p->category, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 6, p->title, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 7, kw, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 8, p->search_text, -1, SQLITE_STATIC);
    return store_step_done(db, st, &b);
}

/* What a version is stored with besides its text: its JSON, list entry,
 * print sheet, practice key and staff notice key, each made from the model
 * (store_procedure for a parsed file, store_rerender for a stored one). */
struct store_rendering {
    char *detail, *item, *print;
    char key[RENDER_PRACTICE_KEY_LEN + 1];
    char notice[VDIFF_KEY_LEN + 1];
};

static void store_rendering_free(struct store_rendering *r)
{
    free(r->detail);
    free(r->item);
    free(r->print);
    r->detail = r->item = r->print = NULL;
}

/* The text an admin is saving as an editorial fix, by its hash: one
 * save at a time (admin_save's lock), but the watcher's load of the same
 * rename may run on another thread, hence the lock. */
static pthread_mutex_t store_editorial_lock = PTHREAD_MUTEX_INITIALIZER;
static char store_editorial_hash[65];

void store_editorial_set(const char *hash)
{
    pthread_mutex_lock(&store_editorial_lock);
    snprintf(store_editorial_hash, sizeof store_editorial_hash, "%s", hash ? hash : "");
    pthread_mutex_unlock(&store_editorial_lock);
}

static int store_editorial_is(const char *hash)
{
    int yes;

    pthread_mutex_lock(&store_editorial_lock);
    yes = store_editorial_hash[0] && strcmp(store_editorial_hash, hash) == 0;
    pthread_mutex_unlock(&store_editorial_lock);
    return yes;
}

/* The live version of ?1 when it is not ?2: its detail, the practice key
 * its passes are held to (schema/046-practice-key-held.sql) and whether
 * its own key is ?3. */
static const char sql_hold_from[] =
    "SELECT v.detail_json, coalesce((SELECT h.practice_key FROM practice_key_held h"
    " WHERE h.procedure_id = v.procedure_id AND h.hash = v.hash), v.practice_key, v.hash),"
    " v.practice_key IS ?3"
    " FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " WHERE p.id = ?1 AND p.status = 'live' AND p.hash <> ?2";
static const char sql_hold_put[] =
    "INSERT INTO practice_key_held (procedure_id, hash, practice_key) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (procedure_id, hash) DO UPDATE SET practice_key = excluded.practice_key";

/* p, going live or stored to go live on its date (then never editorial),
 * keeps the staff's practice passes of the live version it replaces when,
 * as an admin's wording fix (editorial: store_editorial_is), the two
 * differ in words only (render_practice_shape): a typo fixed in a
 * paper's name asked everyone to practise again, and the AB岗 grid went
 * short. A text that changes what is checked (an id, a rule, a {if}) is
 * an update for practice whatever the mark. And, marked or not, when p's
 * own key is the live version's own (prose alone changed): the live one's
 * passes may be held over a wording fix, to a key p's own is not, and a
 * summary edited after a typo fix lapsed every pass. 0 or -1. */
static int store_practice_hold(struct db *db, const struct procedure *p, const struct store_rendering *r,
                               bool editorial)
{
    sqlite3_stmt *st = db_stmt(db, sql_hold_from);
    char was[RENDER_PRACTICE_KEY_LEN + 1], now[RENDER_PRACTICE_KEY_LEN + 1], key[65] = "";
    int q, rc = -1, b = SQLITE_OK;
    bool same = false;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, p->hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, r->key, -1, SQLITE_STATIC);
    q = b == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (q == SQLITE_ROW && sqlite3_column_type(st, 1) == SQLITE_TEXT) {
        snprintf(key, sizeof key, "%s", (const char *)sqlite3_column_text(st, 1));
        /* an old detail that no longer reads as one is no match */
        same = sqlite3_column_int(st, 2) != 0 ||
               (editorial && render_practice_shape((const char *)sqlite3_column_text(st, 0), was) == 0 &&
                render_practice_shape(r->detail, now) == 0 && strcmp(was, now) == 0);
    }
    sqlite3_reset(st);
    if (q != SQLITE_ROW && q != SQLITE_DONE) {
        fprintf(stderr, "spkiosk: store: cannot read the live version of %s: %s\n", p->id,
                sqlite3_errmsg(db_handle(db)));
        return -1;
    }
    if (!same || strcmp(key, r->key) == 0)
        return 0;
    if (!(st = db_stmt(db, sql_hold_put)))
        return -1;
    b |= sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, p->hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    rc = store_step_done(db, st, &b);
    return rc;
}

/* 0, or -1 when memory ran out (r freed then; free it after a 0). */
static int store_render(const struct procedure *p, struct store_rendering *r)
{
    r->detail = render_procedure_detail(p);
    r->item = render_procedure_item(p);
    r->print = render_procedure_print(p);
    if (r->detail && r->item && r->print && render_practice_key(p, r->key) == 0 &&
        vdiff_key(p, r->notice) == 0)
        return 0;
    store_rendering_free(r);
    return -1;
}

/* The rendered columns, at the parameter numbers sql_version_upsert and
 * sql_rerender both give them; the bind result, as sqlite3_bind_* ORed. */
static int store_bind_rendering(sqlite3_stmt *st, const struct store_rendering *r)
{
    int b = SQLITE_OK;

    b |= sqlite3_bind_text(st, 9, r->detail, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 10, r->item, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 11, RENDER_VERSION);
    b |= sqlite3_bind_text(st, 13, r->print, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 14, r->key, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 15, hall_contact_tag(), -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 16, r->notice, -1, SQLITE_STATIC);
    return b;
}

/* A parsed file: its version, then its live pointer and search row, or,
 * when its `effective` date is after today, its place in the schedule (the
 * earlier live version, if any, stays). A text that goes live at once
 * replaces whatever of the procedure was scheduled; *promoted is 1 when
 * that was this very text, its date come (a file parsed again at a start
 * after the daemon was stopped over the date: store_promote never sees
 * it, and the load line said 0 went live), else 0. */
static int store_procedure(struct db *db, struct store_search_batch *sb, const struct lib_file *f,
                           const char *now, int today, size_t *promoted)
{
    const struct procedure *p = f->model;
    const struct fm_entry *kw = frontmatter_get(&p->meta, "keywords");
    struct store_rendering r = {0};
    sqlite3_stmt *st;
    int rc = -1, q;
    int b = SQLITE_OK;

    *promoted = 0;
    if (store_render(p, &r) != 0 || !(st = db_stmt(db, sql_version_upsert)))
        goto out;
    b |= sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, p->hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_blob(st, 3, f->text, (int)f->len, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, p->category, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, p->kind == PROC_POLICY ? "policy" : "procedure", -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 6, p->title, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 7, p->order);
    b |= sqlite3_bind_int(st, 8, p->review_by);
    b |= sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
    b |= store_bind_rendering(st, &r);
    if (store_step_done(db, st, &b) != 0)
        goto out;
    if (store_scheduled(p->effective, today)) {
        /* held now, as a save would hold it, not on its date: practice
         * moves to it at once, and a prose-only version after a wording
         * fix showed every pass as one of the old rules (不足两人) while
         * it waited (never editorial: its going live is news) */
        if (store_practice_hold(db, p, &r, false) == 0)
            rc = store_schedule(db, f, kw ? kw->value : "");
        goto out;
    }
    if (!(st = db_stmt(db, sql_schedule_due)))
        goto out;
    b |= sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, p->hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 3, today);
    q = b == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_reset(st);
    b = SQLITE_OK;
    if (q != SQLITE_ROW && q != SQLITE_DONE) {
        fprintf(stderr, "spkiosk: store: cannot read the schedule: %s\n", sqlite3_errmsg(db_handle(db)));
        goto out;
    }
    *promoted = q == SQLITE_ROW;
    if (!(st = db_stmt(db, sql_schedule_drop)))
        goto out;
    b |= sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    if (store_step_done(db, st, &b) != 0 ||
        store_practice_hold(db, p, &r, store_editorial_is(p->hash)) != 0 ||
        !(st = db_stmt(db, sql_proc_upsert)))
        goto out;
    b |= sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, f->rel, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, p->hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 5, today);
    b |= sqlite3_bind_int(st, 6, store_editorial_is(p->hash));
    if (store_step_done(db, st, &b) != 0)
        goto out;
    if (store_search_put(db, sb, p, kw ? kw->value : "") != 0)
        goto out;
    rc = 0;
out:
    store_rendering_free(&r);
    return rc;
}

/* The diagnostics of one file as JSON [{"line","severity","message"}]. */
static char *store_file_diags(const struct library *lib, const char *path)
{
    cJSON *arr = cJSON_CreateArray();
    char *s = NULL;
    size_t i;

    if (!arr)
        return NULL;
    for (i = 0; i < lib->diags.n; i++) {
        const struct diag *d = &lib->diags.items[i];
        cJSON *o;
        if (strcmp(d->file, path) != 0)
            continue;
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            goto out;
        }
        if (!cJSON_AddNumberToObject(o, "line", d->line) ||
            !cJSON_AddStringToObject(o, "severity", d->severity == DIAG_ERROR ? "error" : "warning") ||
            !cJSON_AddStringToObject(o, "message", d->message))
            goto out;
    }
    s = cJSON_PrintUnformatted(arr);
out:
    cJSON_Delete(arr);
    return s;
}

static const char sql_file_upsert[] =
    "INSERT INTO source_files (path, hash, procedure_id, ok, diagnostics, checked_at, stamp, chain)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (path) DO UPDATE SET hash = excluded.hash,"
    " procedure_id = excluded.procedure_id, ok = excluded.ok,"
    " diagnostics = excluded.diagnostics, checked_at = excluded.checked_at,"
    " stamp = excluded.stamp, chain = excluded.chain";
/* a file read again with the same text: only its stamp is new */
static const char sql_file_stamp[] =
    "UPDATE source_files SET stamp = ?2, chain = ?3 WHERE path = ?1 AND stamp <> ?2";

static int store_file_result(struct db *db, const struct library *lib, const struct lib_file *f,
                             const char *now)
{
    sqlite3_stmt *st;
    char *diags = NULL;
    int rc = -1;
    int b = SQLITE_OK;

    /* an unchanged file's row stays as it is: checked_at is when its
     * content was last checked. Touching every row made each load rewrite
     * the whole table (10,000 rows for one changed file, issue #13). */
    if (f->status == LIB_REUSED) {
        /* read because its stamp was new (or racy: then "" stays) */
        if (f->unread || !f->stamp[0])
            return 0;
        if (!(st = db_stmt(db, sql_file_stamp)))
            return -1;
        b |= sqlite3_bind_text(st, 1, f->rel, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, f->stamp, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 3, f->chain);
        return store_step_done(db, st, &b);
    }
    if (!(diags = store_file_diags(lib, f->path)) || !(st = db_stmt(db, sql_file_upsert)))
        goto out;
    b |= sqlite3_bind_text(st, 1, f->rel, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, f->hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, f->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 4, f->status == LIB_PARSED);
    b |= sqlite3_bind_text(st, 5, diags, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 7, f->stamp, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 8, f->chain);
    rc = store_step_done(db, st, &b);
out:
    free(diags);
    return rc;
}

/* The library's files and practice files sorted by path, for the lookups
 * of one sync: a linear search per database row made a warm load of
 * 10,000 files spend 40% of its time in strcmp. */
struct store_lookup {
    const struct library *lib;
    const struct lib_file **files; /* by rel */
    const char **practices;        /* rel, sorted */
};

static int store_file_cmp(const void *a, const void *b)
{
    return strcmp((*(const struct lib_file *const *)a)->rel,
                  (*(const struct lib_file *const *)b)->rel);
}

static int store_str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void store_lookup_free(struct store_lookup *lk)
{
    free(lk->files);
    free(lk->practices);
    lk->files = NULL;
    lk->practices = NULL;
}

/* 0, or -1 (out of memory). Free with store_lookup_free. */
static int store_lookup_build(struct store_lookup *lk, const struct library *lib)
{
    size_t i;

    lk->lib = lib;
    lk->files = malloc((lib->n_files ? lib->n_files : 1) * sizeof *lk->files);
    lk->practices = malloc((lib->n_practices ? lib->n_practices : 1) * sizeof *lk->practices);
    if (!lk->files || !lk->practices) {
        store_lookup_free(lk);
        return -1;
    }
    for (i = 0; i < lib->n_files; i++)
        lk->files[i] = &lib->files[i];
    for (i = 0; i < lib->n_practices; i++)
        lk->practices[i] = lib->practices[i].rel;
    qsort(lk->files, lib->n_files, sizeof *lk->files, store_file_cmp);
    qsort(lk->practices, lib->n_practices, sizeof *lk->practices, store_str_cmp);
    return 0;
}

static const struct lib_file *store_file_by_rel(const struct store_lookup *lk, const char *rel)
{
    struct lib_file key;
    const struct lib_file *k = &key, *const *hit;

    key.rel = (char *)rel;
    hit = bsearch(&k, lk->files, lk->lib->n_files, sizeof *lk->files, store_file_cmp);
    return hit ? *hit : NULL;
}

/* Column 2: the file's text now names another id whose version waits for
 * its date (store_retire drops the stale schedules first, so a schedule
 * row on this path is the file's current text). */
static const char sql_live[] =
    "SELECT p.id, p.path, EXISTS (SELECT 1 FROM schedule s WHERE s.path = p.path"
    " AND s.procedure_id <> p.id) FROM procedures p WHERE p.status = 'live'";
static const char sql_retire[] =
    "UPDATE procedures SET status = 'retired', updated_at = ?2 WHERE id = ?1";
static const char sql_files_all[] = "SELECT path FROM source_files";
static const char sql_schedule_all[] = "SELECT procedure_id, path FROM schedule";
static const char sql_file_delete[] = "DELETE FROM source_files WHERE path = ?1";

static void store_strings_free(char **v, size_t n)
{
    while (n)
        free(v[--n]);
    free(v);
}

/* Runs sql and collects column 0 of the rows that want(lib, row) picks.
 * Collecting first lets the caller change the table the cursor reads.
 * Returns 0 with *out (free with store_strings_free) or -1. */
static int store_collect(struct db *db, const char *sql,
                         bool (*want)(const struct store_lookup *lk, sqlite3_stmt *row),
                         const struct store_lookup *lk, char ***out, size_t *count)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    char **v = NULL, **nv;
    size_t n = 0;
    int r = SQLITE_ERROR;

    *out = NULL;
    *count = 0;
    if (!st)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (!want(lk, st))
            continue;
        if (!(nv = realloc(v, (n + 1) * sizeof *v)))
            break;
        v = nv;
        if (!(v[n] = strdup((const char *)sqlite3_column_text(st, 0))))
            break;
        n++;
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE) {
        store_strings_free(v, n);
        return -1;
    }
    *out = v;
    *count = n;
    return 0;
}

/* Runs sql (one parameter) for each of v[0..n). 0, or -1. */
static int store_run_each(struct db *db, const char *sql, char **v, size_t n)
{
    sqlite3_stmt *st;
    size_t i;
    int b = SQLITE_OK;

    for (i = 0; i < n; i++) {
        if (!(st = db_stmt(db, sql)))
            return -1;
        b |= sqlite3_bind_text(st, 1, v[i], -1, SQLITE_STATIC);
        if (store_step_done(db, st, &b) != 0)
            return -1;
    }
    return 0;
}

/* Whether rel ("CATEGORY/NAME") lies in a category folder this load could
 * not list: its files were not seen, which is not their being gone. */
static bool store_in_unlisted(const struct store_lookup *lk, const char *rel)
{
    const char *slash = rel ? strchr(rel, '/') : NULL;
    size_t i;

    for (i = 0; slash && i < lk->lib->n_cats; i++) {
        const struct lib_category *c = &lk->lib->cats[i];
        if (c->unlisted && strlen(c->id) == (size_t)(slash - rel) &&
            memcmp(c->id, rel, (size_t)(slash - rel)) == 0)
            return true;
    }
    return false;
}

/* A live procedure is retired when its file is gone or now names another
 * id; a file with errors keeps its last good version live. So does a file
 * whose new text (naming another id) waits for its `effective` date: the
 * old id is served until the new one goes live (store_promote retires it
 * then), not 404 in between. The same test drops a schedule whose file is
 * gone or now names another id (sql_schedule_all has no column 2). */
static bool store_want_retire(const struct store_lookup *lk, sqlite3_stmt *row)
{
    const char *id = (const char *)sqlite3_column_text(row, 0);
    const char *rel = (const char *)sqlite3_column_text(row, 1);
    const struct lib_file *f = store_file_by_rel(lk, rel);

    if (!f)
        return !store_in_unlisted(lk, rel);
    if (f->status == LIB_FAILED || strcmp(f->id, id) == 0)
        return false;
    return !(sqlite3_column_count(row) > 2 && sqlite3_column_int(row, 2));
}

static bool store_want_forget(const struct store_lookup *lk, sqlite3_stmt *row)
{
    const char *rel = (const char *)sqlite3_column_text(row, 0);

    return !store_file_by_rel(lk, rel) && !store_in_unlisted(lk, rel);
}

static int store_retire(struct db *db, struct store_search_batch *sb,
                        const struct store_lookup *lk, const char *now, size_t *retired)
{
    sqlite3_stmt *st;
    char **v = NULL;
    size_t n = 0, i;
    int rc = -1;
    int b = SQLITE_OK;

    /* a schedule goes with its file, as a live version would (a file with
     * errors keeps it, as it keeps its live version); first, so that the
     * schedules left are the files' current texts (sql_live) */
    if (store_collect(db, sql_schedule_all, store_want_retire, lk, &v, &n) != 0)
        return -1;
    if (store_run_each(db, sql_schedule_drop, v, n) != 0)
        goto out;
    store_strings_free(v, n);
    if (store_collect(db, sql_live, store_want_retire, lk, &v, &n) != 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (!(st = db_stmt(db, sql_retire)))
            goto out;
        b |= sqlite3_bind_text(st, 1, v[i], -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        if (store_step_done(db, st, &b) != 0 || store_search_delete(db, sb, v[i]) != 0)
            goto out;
    }
    *retired = n;
    store_strings_free(v, n);
    /* forget the results of files that are gone */
    if (store_collect(db, sql_files_all, store_want_forget, lk, &v, &n) != 0)
        return -1;
    if (store_run_each(db, sql_file_delete, v, n) != 0)
        goto out;
    rc = 0;
out:
    store_strings_free(v, n);
    return rc;
}

/* The files of the last load with an error, as gauges.c counts them: the
 * load line and the load counter said only the procedures' (a broken
 * practice file or a link pulled from the office left them at 0, and the
 * documented alert silent: an IT officer's review). 0 or -1. */
static const char sql_error_files[] =
    "SELECT count(DISTINCT file) FROM diagnostics WHERE severity = 'error'";

static int store_error_files(struct db *db, size_t *n)
{
    long long c;

    if (db_count(db, sql_error_files, &c) != 0)
        return -1;
    *n = (size_t)c;
    return 0;
}

static const char sql_diag_clear[] = "DELETE FROM diagnostics";
static const char sql_diag_insert[] =
    "INSERT INTO diagnostics (file, line, severity, message) VALUES (?1, ?2, ?3, ?4)";
static const char sql_diag_cached[] =
    "INSERT INTO diagnostics (file, line, severity, message)"
    " SELECT ?2, json_extract(d.value, '$.line'), json_extract(d.value, '$.severity'),"
    " json_extract(d.value, '$.message')"
    " FROM source_files f, json_each(f.diagnostics) d WHERE f.path = ?1";

/* The admin console's list: this load's findings plus the remembered ones
 * of files that were not parsed again. */
static const char sql_diag_files[] = "SELECT path FROM source_files WHERE diagnostics <> '[]'";

static bool store_want_any(const struct store_lookup *lk, sqlite3_stmt *row)
{
    (void)lk;
    (void)row;
    return true;
}

static int store_diagnostics(struct db *db, const struct store_lookup *lk)
{
    const struct library *lib = lk->lib;
    char **with = NULL;
    size_t n = 0;
    int rc = -1;
    sqlite3_stmt *st;
    size_t i;
    int b = SQLITE_OK;

    if (!(st = db_stmt(db, sql_diag_clear)) || store_step_done(db, st, &b) != 0)
        return -1;
    for (i = 0; i < lib->diags.n; i++) {
        const struct diag *d = &lib->diags.items[i];
        if (!(st = db_stmt(db, sql_diag_insert)))
            return -1;
        b |= sqlite3_bind_text(st, 1, d->file, -1, SQLITE_STATIC);
        b |= sqlite3_bind_int(st, 2, d->line);
        b |= sqlite3_bind_text(st, 3, d->severity == DIAG_ERROR ? "error" : "warning", -1,
                          SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 4, d->message, -1, SQLITE_STATIC);
        if (store_step_done(db, st, &b) != 0)
            return -1;
    }
    /* only the files that have remembered findings (warnings: a reused
     * file has no error), found in one query, not one per file */
    if (store_collect(db, sql_diag_files, store_want_any, lk, &with, &n) != 0)
        return -1;
    for (i = 0; i < n; i++) {
        const struct lib_file *f = store_file_by_rel(lk, with[i]);
        if (!f || f->status != LIB_REUSED)
            continue;
        if (!(st = db_stmt(db, sql_diag_cached)))
            goto out;
        b |= sqlite3_bind_text(st, 1, f->rel, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, f->path, -1, SQLITE_STATIC);
        if (store_step_done(db, st, &b) != 0)
            goto out;
    }
    rc = 0;
out:
    store_strings_free(with, n);
    return rc;
}

static const char sql_triage_upsert[] =
    "INSERT INTO triage (one, hash, json, loaded_at) VALUES (1, ?1, ?2, ?3)"
    " ON CONFLICT (one) DO UPDATE SET hash = excluded.hash, json = excluded.json,"
    " loaded_at = excluded.loaded_at";
static const char sql_triage_delete[] = "DELETE FROM triage";

/* One "last good" row (the triage flow, the directory): deleted when the
 * file is gone, left as it is when the file has errors (ok false), else
 * replaced by render()'s JSON. */
static int store_last_good(struct db *db, bool present, bool ok, char *(*render)(const void *),
                           const void *model, const char *hash, const char *upsert,
                           const char *del, const char *now)
{
    sqlite3_stmt *st;
    char *json;
    int rc;
    int b = SQLITE_OK;

    if (!present)
        return (st = db_stmt(db, del)) ? store_step_done(db, st, &b) : -1;
    if (!ok)
        return 0; /* broken: the last good version stays */
    if (!(json = render(model)))
        return -1;
    if (!(st = db_stmt(db, upsert))) {
        free(json);
        return -1;
    }
    b |= sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    rc = store_step_done(db, st, &b);
    free(json);
    return rc;
}

static char *store_render_triage(const void *m)
{
    return triage_render(m);
}

static char *store_render_directory(const void *m)
{
    return directory_render(m);
}

static const char sql_directory_upsert[] =
    "INSERT INTO directory (one, hash, json, loaded_at) VALUES (1, ?1, ?2, ?3)"
    " ON CONFLICT (one) DO UPDATE SET hash = excluded.hash, json = excluded.json,"
    " loaded_at = excluded.loaded_at";
static const char sql_directory_delete[] = "DELETE FROM directory";

static char *store_render_text(const void *m)
{
    return strdup(m);
}

static const char sql_posts_upsert[] =
    "INSERT INTO posts (one, hash, text, loaded_at) VALUES (1, ?1, ?2, ?3)"
    " ON CONFLICT (one) DO UPDATE SET hash = excluded.hash, text = excluded.text,"
    " loaded_at = excluded.loaded_at";
static const char sql_posts_delete[] = "DELETE FROM posts";
static const char sql_calendar_upsert[] =
    "INSERT INTO calendar (one, hash, text, loaded_at) VALUES (1, ?1, ?2, ?3)"
    " ON CONFLICT (one) DO UPDATE SET hash = excluded.hash, text = excluded.text,"
    " loaded_at = excluded.loaded_at";
static const char sql_calendar_delete[] = "DELETE FROM calendar";

static int store_lists(struct db *db, const struct library *lib, const char *now)
{
    sqlite3_stmt *st = db_stmt(db, sql_chain_check_put);

    /* the text this load checked the chains against (library_reuse) */
    if (!st || db_run(st, sqlite3_bind_text(st, 1, lib->has_posts ? lib->posts_hash : "", -1,
                                            SQLITE_STATIC)) != 0)
        return -1;
    if (store_last_good(db, lib->has_posts, lib->posts_text != NULL, store_render_text,
                        lib->posts_text, lib->posts_hash, sql_posts_upsert, sql_posts_delete,
                        now) != 0)
        return -1;
    return store_last_good(db, lib->has_calendar, lib->calendar_text != NULL, store_render_text,
                           lib->calendar_text, lib->calendar_hash, sql_calendar_upsert,
                           sql_calendar_delete, now);
}

static int store_triage(struct db *db, const struct library *lib, const char *now)
{
    return store_last_good(db, lib->has_triage, lib->triage != NULL, store_render_triage,
                           lib->triage, lib->triage_hash, sql_triage_upsert, sql_triage_delete,
                           now);
}

static int store_directory(struct db *db, const struct library *lib, const char *now)
{
    return store_last_good(db, lib->has_directory, lib->directory_ok, store_render_directory,
                           lib->directory, lib->directory_hash, sql_directory_upsert,
                           sql_directory_delete, now);
}

/* Practice files: the result of each, its last good text with the
 * procedure version it was proved against (kept while the file has
 * errors), and no row for a file that is gone. */
static const char sql_practice_good[] =
    "INSERT INTO practice_files (path, procedure_id, hash, ok, checked_at, good_hash, good_source,"
    " good_procedure_hash, good_scenarios, good_at, good_keys)"
    " VALUES (?1, ?2, ?3, 1, ?4, ?3, ?5, ?6, ?7, ?4, ?8)"
    " ON CONFLICT (path) DO UPDATE SET procedure_id = excluded.procedure_id, hash = excluded.hash,"
    " ok = 1, checked_at = excluded.checked_at, good_source = excluded.good_source,"
    " good_scenarios = excluded.good_scenarios, good_keys = excluded.good_keys,"
    " good_at = CASE WHEN practice_files.good_hash IS excluded.good_hash"
    " AND practice_files.good_procedure_hash IS excluded.good_procedure_hash"
    " THEN practice_files.good_at ELSE excluded.good_at END,"
    " good_hash = excluded.good_hash, good_procedure_hash = excluded.good_procedure_hash";
static const char sql_practice_bad[] =
    "INSERT INTO practice_files (path, procedure_id, hash, ok, checked_at) VALUES (?1, ?2, ?3, 0, ?4)"
    " ON CONFLICT (path) DO UPDATE SET hash = excluded.hash, ok = 0, checked_at = excluded.checked_at,"
    " procedure_id = CASE WHEN excluded.procedure_id = '' THEN practice_files.procedure_id"
    " ELSE excluded.procedure_id END";
static const char sql_practice_all[] = "SELECT path FROM practice_files";
/* Good texts an older build stored without their scenarios' keys (schema
 * 029): parsed again once, and the cases played on that same text given
 * the key of the scenario they played. */
static const char sql_practice_unkeyed[] =
    "SELECT path FROM practice_files WHERE good_source IS NOT NULL AND good_keys IS NULL";
static const char sql_practice_unkeyed_row[] =
    "SELECT procedure_id, good_hash, good_source FROM practice_files WHERE path = ?1";
static const char sql_practice_set_keys[] = "UPDATE practice_files SET good_keys = ?2 WHERE path = ?1";
static const char sql_practice_cases_keys[] =
    "UPDATE practice_cases SET scenario_key = substr(?3, scenario * 33 + 1, 32)"
    " WHERE procedure_id = ?1 AND practice_hash = ?2 AND scenario_key IS NULL"
    " AND scenario >= 0 AND scenario < ?4 AND scenarios = ?4";
static const char sql_practice_delete[] = "DELETE FROM practice_files WHERE path = ?1";

static bool store_want_forget_practice(const struct store_lookup *lk, sqlite3_stmt *row)
{
    const char *rel = (const char *)sqlite3_column_text(row, 0);

    return !bsearch(&rel, lk->practices, lk->lib->n_practices, sizeof *lk->practices,
                    store_str_cmp) && !store_in_unlisted(lk, rel);
}

static bool store_want_all(const struct store_lookup *lk, sqlite3_stmt *row)
{
    (void)lk;
    (void)row;
    return true;
}

/* Gives the cases of item proc played on practice text hash, before their
 * scenario had a key, the key of the one they played (keys: the text's,
 * practice_keys_join; n: its scenarios). 0 or -1. */
static int store_practice_cases_key(struct db *db, const char *proc, const char *hash,
                                    const char *keys, size_t n)
{
    sqlite3_stmt *st = db_stmt(db, sql_practice_cases_keys);
    int b = SQLITE_OK;

    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, proc, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, keys, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int64(st, 4, (sqlite3_int64)n);
    return store_step_done(db, st, &b);
}

/* Gives the good text at path its scenarios' keys, and the cases played on
 * it theirs (sql_practice_unkeyed). A text that no longer parses gets ''
 * (no key): it is not offered (practice_play_file_load fails the same way).
 * 0, or -1 on a database error or when memory ran out. */
static int store_practice_key_one(struct db *db, const char *path)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    struct practice *pr = NULL;
    sqlite3_stmt *st = db_stmt(db, sql_practice_unkeyed_row);
    char proc[PROCEDURE_ID_MAX + 1] = "", good[65] = "", *text = NULL, *keys = NULL;
    size_t len = 0;
    int b = SQLITE_OK, r, rc = -1;

    bool have = false;

    if (!st)
        goto out;
    r = sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (r == SQLITE_ROW && sqlite3_column_type(st, 2) == SQLITE_TEXT) {
        const char *id = (const char *)sqlite3_column_text(st, 0),
                   *hash = (const char *)sqlite3_column_text(st, 1);
        snprintf(proc, sizeof proc, "%s", id ? id : "");
        snprintf(good, sizeof good, "%s", hash ? hash : "");
        have = true;
        text = db_column_text_dup(st, 2, &len);
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        goto out;
    if (!have) {
        rc = 0; /* gone or forgotten since it was listed */
        goto out;
    }
    if (!text)
        goto out;
    if ((r = practice_parse(path, text, len, &pr, &quiet)) < 0)
        goto out;
    /* a text this build no longer parses: no keys (''), so that it is not
     * parsed again at every load; it is not offered either */
    if (!(keys = r == 0 ? practice_keys_join(pr) : strdup("")) ||
        !(st = db_stmt(db, sql_practice_set_keys)))
        goto out;
    b |= sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, keys, -1, SQLITE_STATIC);
    if (store_step_done(db, st, &b) != 0 ||
        (pr && store_practice_cases_key(db, proc, good, keys, pr->n_scenarios) != 0))
        goto out;
    rc = 0;
out:
    diag_list_free(&quiet);
    practice_free(pr);
    free(text);
    free(keys);
    return rc;
}

static int store_practice(struct db *db, const struct store_lookup *lk, const char *now,
                          struct store_load_stats *stats)
{
    const struct library *lib = lk->lib;
    sqlite3_stmt *st;
    char **gone = NULL, *keys = NULL;
    size_t i, n = 0;
    int b = SQLITE_OK, r, rc = -1;

    /* first the texts stored without keys (an older build's), before a
     * changed file replaces one: the cases played on it keep their passes */
    if (store_collect(db, sql_practice_unkeyed, store_want_all, lk, &gone, &n) != 0)
        return -1;
    for (i = 0; i < n; i++)
        if (store_practice_key_one(db, gone[i]) != 0) {
            store_strings_free(gone, n);
            return -1;
        }
    store_strings_free(gone, n);
    gone = NULL;
    n = 0;
    for (i = 0; i < lib->n_practices; i++) {
        const struct lib_practice *x = &lib->practices[i];
        const struct lib_file *f = x->file >= 0 ? &lib->files[x->file] : NULL;
        bool good = x->status == LIB_PRACTICE_GOOD;
        stats->practice++;
        stats->practice_failed += !good;
        if (!x->hash[0])
            continue; /* unread: its row, if any, stays as it was */
        if (!(st = db_stmt(db, good ? sql_practice_good : sql_practice_bad)))
            return -1;
        b |= sqlite3_bind_text(st, 1, x->rel, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 2, f ? f->id : "", -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 3, x->hash, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        if (good) {
            if (!(keys = practice_keys_join(x->set))) {
                sqlite3_reset(st);
                return -1;
            }
            b |= sqlite3_bind_text(st, 5, x->text, (int)x->len, SQLITE_STATIC);
            b |= sqlite3_bind_text(st, 6, f->model->hash, -1, SQLITE_STATIC);
            b |= sqlite3_bind_int(st, 7, (int)x->set->n_scenarios);
            b |= sqlite3_bind_text(st, 8, keys, -1, SQLITE_STATIC);
        }
        r = store_step_done(db, st, &b);
        if (r == 0 && good)
            r = store_practice_cases_key(db, f->id, x->hash, keys, x->set->n_scenarios);
        free(keys);
        keys = NULL;
        if (r != 0)
            return -1;
    }
    if (store_collect(db, sql_practice_all, store_want_forget_practice, lk, &gone, &n) != 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (!(st = db_stmt(db, sql_practice_delete)))
            goto out;
        b |= sqlite3_bind_text(st, 1, gone[i], -1, SQLITE_STATIC);
        if (store_step_done(db, st, &b) != 0)
            goto out;
    }
    rc = 0;
out:
    store_strings_free(gone, n);
    return rc;
}

bool store_scheduled(int effective, int today)
{
    return today > 0 && effective > today;
}

/* Promotion of what is due, set by set, exactly as a load of the file
 * would make it live: pointer, updated_at/updated_on, search rows. */
static const char sql_due_live[] =
    "INSERT INTO procedures (id, path, hash, status, updated_at)"
    " SELECT procedure_id, path, hash, 'live', ?2 FROM schedule WHERE effective <= ?1"
    STORE_PROC_CONFLICT;
static const char sql_due_docs[] =
    "INSERT INTO search_docs (id, category)"
    " SELECT procedure_id, category FROM schedule WHERE effective <= ?1"
    " ON CONFLICT (id) DO UPDATE SET category = excluded.category";
#define STORE_DUE_DOCS                                                                \
    " FROM schedule s JOIN search_docs d ON d.id = s.procedure_id WHERE s.effective <= ?1"
static const char sql_due_search_delete[] =
    "DELETE FROM search WHERE rowid IN (SELECT d.doc" STORE_DUE_DOCS ")";
static const char sql_due_pinyin_delete[] =
    "DELETE FROM search_pinyin WHERE rowid IN (SELECT d.doc" STORE_DUE_DOCS ")";
static const char sql_due_search[] =
    "INSERT INTO search (rowid, id, category, title, keywords, body)"
    " SELECT d.doc, s.procedure_id, s.category, s.title, s.keywords, s.body" STORE_DUE_DOCS;
static const char sql_due_pinyin[] =
    "INSERT INTO search_pinyin (rowid, id, category, title, keywords)"
    " SELECT d.doc, s.procedure_id, s.category, s.title, s.keywords" STORE_DUE_DOCS;
static const char sql_due_delete[] = "DELETE FROM schedule WHERE effective <= ?1";
/* What store_practice_hold holds for a text saved without the mark, for
 * each due one, before it replaces the live version: held to the key the
 * live one's passes are held to when their own keys are the same (prose
 * alone changed). A scheduled text is held when it is stored; this is for
 * one stored by an older build, or whose live version changed since
 * without the text being loaded again: a prose-only version scheduled
 * after a wording fix lapsed every pass on its date, and the item woke up
 * 不足两人. A changed rule is another own key: nothing held, they lapse. */
static const char sql_due_hold[] =
    "INSERT INTO practice_key_held (procedure_id, hash, practice_key)"
    " SELECT s.procedure_id, s.hash, coalesce(h.practice_key, lv.practice_key, lv.hash)"
    " FROM schedule s"
    " JOIN procedures p ON p.id = s.procedure_id AND p.status = 'live' AND p.hash <> s.hash"
    " JOIN procedure_versions lv ON lv.procedure_id = p.id AND lv.hash = p.hash"
    " JOIN procedure_versions sv ON sv.procedure_id = s.procedure_id AND sv.hash = s.hash"
    " LEFT JOIN practice_key_held h ON h.procedure_id = p.id AND h.hash = p.hash"
    " WHERE s.effective <= ?1 AND sv.practice_key = lv.practice_key"
    " AND coalesce(h.practice_key, lv.practice_key, lv.hash) <> sv.practice_key"
    " ON CONFLICT (procedure_id, hash) DO UPDATE SET practice_key = excluded.practice_key";
/* A file whose due text names another id: its old id, kept live while the
 * text waited (store_want_retire), retires as the new one goes live. */
#define STORE_DUE_REPLACED                                                                 \
    " p.status = 'live' AND p.path IN (SELECT path FROM schedule WHERE effective <= ?1)"  \
    " AND p.id NOT IN (SELECT procedure_id FROM schedule WHERE effective <= ?1)"
#define STORE_DUE_REPLACED_DOCS \
    " (SELECT d.doc FROM procedures p JOIN search_docs d ON d.id = p.id WHERE" STORE_DUE_REPLACED ")"
static const char sql_due_replaced_search[] =
    "DELETE FROM search WHERE rowid IN" STORE_DUE_REPLACED_DOCS;
static const char sql_due_replaced_pinyin[] =
    "DELETE FROM search_pinyin WHERE rowid IN" STORE_DUE_REPLACED_DOCS;
static const char sql_due_replaced[] =
    "UPDATE procedures AS p SET status = 'retired', updated_at = ?2 WHERE" STORE_DUE_REPLACED;

/* Versions still served (live, or waiting in the schedule) whose stored
 * rendering is another build's or was made with other hall contact
 * details (hall.h): their file was not parsed by this load, because its
 * text now has errors, its new text waits for its `effective` date or its
 * folder could not be listed, so store_procedure did not render them
 * again, and the kiosk would serve the old phone under an ETag that claims
 * the new (a code review). Rendered again from their stored source. From
 * the reuse index alone when none is stale: no version's texts are read. */
static const char sql_stale[] =
    "SELECT v.procedure_id, v.hash FROM procedures p"
    " JOIN procedure_versions v INDEXED BY procedure_versions_reuse"
    " ON v.procedure_id = p.id AND v.hash = p.hash"
    " WHERE p.status = 'live' AND (v.render_version <> ?1 OR v.render_contact <> ?2)"
    " UNION SELECT v.procedure_id, v.hash FROM schedule s"
    " JOIN procedure_versions v INDEXED BY procedure_versions_reuse"
    " ON v.procedure_id = s.procedure_id AND v.hash = s.hash"
    " WHERE v.render_version <> ?1 OR v.render_contact <> ?2";
/* the rendered columns at sql_version_upsert's numbers (store_bind_rendering) */
static const char sql_rerender[] =
    "UPDATE procedure_versions SET detail_json = ?9, item_json = ?10, print_html = ?13,"
    " practice_key = ?14, render_version = ?11, render_contact = ?15, notice_key = ?16"
    " WHERE procedure_id = ?1 AND hash = ?2";

/* Renders the stored version (id, hash) again and writes it back. 0, also
 * when its source no longer parses (models_parse logged it; it is served
 * as it was); -1 on a database error or when memory runs out. */
static int store_rerender(struct db *db, const char *id, const char *hash)
{
    struct procedure *p = NULL;
    struct store_rendering rd = {0};
    sqlite3_stmt *st;
    int b = SQLITE_OK, r, rc = -1;

    if ((r = models_parse(db, id, hash, &p)) != 0) {
        rc = r > 0 ? 0 : -1;
        goto out;
    }
    if (store_render(p, &rd) != 0 || !(st = db_stmt(db, sql_rerender)))
        goto out;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    b |= store_bind_rendering(st, &rd);
    rc = store_step_done(db, st, &b);
out:
    procedure_free(p);
    store_rendering_free(&rd);
    return rc;
}

/* Whether this process has run store_refresh in a load that committed:
 * a version it stores carries its own render version and hall tag, so a
 * stale one can only come from an earlier run, and the query (about 6 ms
 * at 10,000 procedures) is not paid by every reload. Loads are serialised
 * (loader.h). */
static bool store_refreshed;

static int store_refresh(struct db *db, size_t *count)
{
    sqlite3_stmt *st = db_stmt(db, sql_stale);
    char (*pairs)[PROCEDURE_ID_MAX + 1 + 65] = NULL, (*grown)[PROCEDURE_ID_MAX + 1 + 65];
    size_t n = 0, cap = 0, i;
    int r = SQLITE_ERROR, b = SQLITE_OK, rc = -1;

    *count = 0;
    if (!st)
        return -1;
    b |= sqlite3_bind_int(st, 1, RENDER_VERSION);
    b |= sqlite3_bind_text(st, 2, hall_contact_tag(), -1, SQLITE_STATIC);
    /* collected first: the versions are written while no read of their
     * table is open */
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *hash = (const char *)sqlite3_column_text(st, 1);
        if (!id || !hash || strlen(id) > PROCEDURE_ID_MAX || strlen(hash) != 64)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            if (!(grown = realloc(pairs, cap * sizeof *pairs)))
                break;
            pairs = grown;
        }
        snprintf(pairs[n], sizeof pairs[n], "%s", id);
        memcpy(pairs[n] + PROCEDURE_ID_MAX + 1, hash, 65);
        n++;
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE) {
        fprintf(stderr, "spkiosk: store: cannot list stale renderings: %s\n",
                b != SQLITE_OK ? "cannot bind a parameter" : sqlite3_errmsg(db_handle(db)));
        goto out;
    }
    for (i = 0; i < n; i++)
        if (store_rerender(db, pairs[i], pairs[i] + PROCEDURE_ID_MAX + 1) != 0)
            goto out;
    *count = n;
    rc = 0;
out:
    free(pairs);
    return rc;
}

/* A staffer's read follows a file whose id is renamed (schema 041). An
 * id that goes live in this load from file P (a parsed text, or a
 * scheduled one whose date came) and was not live from P before continues
 * the id that was live from P before the load, when that id is no longer
 * live from P (retired, or now served by another file): each staffer's
 * read of the old id becomes theirs of the new (replacing a stale one, as
 * for an id renamed back), so the rename is an update they are shown, not
 * a first sight. The link is the path in `procedures`, the one place the
 * store records which file an id was live from (versions have no path; a
 * retired row keeps its last one). Two cases are new items, not updates:
 * an id that comes back from another file than the one it was retired
 * from (an unrelated file reusing it), and an old id now served by
 * another file while its own file went on under a new id (the read went
 * with the file). Their reads are dropped, so the next look is a first
 * sight. A move (same id, file renamed in one load, the old file gone)
 * keeps its reads. An id that was live from another file before counts
 * as going live from P too: in one load a.md `a` → `b` and b.md `b` → `c`
 * (or the two swapping ids) carries the reads of a to b and of b to c, all
 * from the reads as they were before the load (store_carry).
 *
 * The transitions are found before the load changes `procedures`, as
 * [[new id, path, old id live from path, path the new id's row had, 1
 * when that row was live]], for the files going live now and the
 * schedules due; the load then applies them where they came true. */
static const char sql_carry_find[] =
    "WITH c (y, p) AS (SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?1) j"
    " UNION SELECT procedure_id, path FROM schedule WHERE ?2 > 0 AND effective <= ?2)"
    " SELECT json_group_array(json_array(c.y, c.p,"
    " (SELECT o.id FROM procedures o WHERE o.path = c.p AND o.status = 'live' AND o.id <> c.y),"
    " (SELECT r.path FROM procedures r WHERE r.id = c.y),"
    " (SELECT r.status = 'live' FROM procedures r WHERE r.id = c.y))) FROM c"
    " WHERE NOT EXISTS (SELECT 1 FROM procedures l WHERE l.id = c.y AND l.status = 'live'"
    " AND l.path = c.p)";
/* The transitions that came true: the new id is live from the path. */
#define STORE_CARRY_T                                                                         \
    " (SELECT j.value ->> 0 AS y, j.value ->> 1 AS p, j.value ->> 2 AS x, j.value ->> 3 AS o" \
    ", j.value ->> 4 AS w"                                                                    \
    " FROM json_each(?1) j JOIN procedures n ON n.id = j.value ->> 0 AND n.status = 'live'"   \
    " AND n.path = j.value ->> 1)"
/* the reads of every old id, before any is dropped or replaced: in a chain
 * or a swap one id is both the source of a carry and its target */
static const char sql_carry_snapshot[] =
    "SELECT json_group_array(json_array(r.user_id, r.procedure_id, r.hash, r.read_at,"
    " r.seen_id)) FROM procedure_reads r WHERE r.procedure_id IN"
    " (SELECT t.x FROM" STORE_CARRY_T " t)";
/* a retired id back from another file (reused), or an id live from
 * another file whose file went on under a new id (taken from it): not
 * the item the staffer read */
static const char sql_carry_reused[] =
    "DELETE FROM procedure_reads WHERE procedure_id IN"
    " (SELECT t.y FROM" STORE_CARRY_T " t WHERE t.o IS NOT NULL AND t.o <> t.p"
    " AND (NOT t.w OR t.o IN (SELECT u.p FROM" STORE_CARRY_T " u)))";
static const char sql_carry_reads[] =
    "INSERT INTO procedure_reads (user_id, procedure_id, hash, read_at, seen_id)"
    " SELECT r.value ->> 0, t.y, r.value ->> 2, r.value ->> 3, r.value ->> 4"
    " FROM" STORE_CARRY_T " t"
    " JOIN procedures x ON x.id = t.x AND NOT (x.status = 'live' AND x.path = t.p)"
    " JOIN json_each(?2) r ON r.value ->> 1 = t.x WHERE true"
    " ON CONFLICT (user_id, procedure_id) DO UPDATE SET hash = excluded.hash,"
    " read_at = excluded.read_at, seen_id = excluded.seen_id";
/* an old id now live from a file this load's transitions do not name
 * (not one found above: its file was not parsed) */
static const char sql_carry_taken[] =
    "DELETE FROM procedure_reads WHERE procedure_id IN (SELECT x.id FROM" STORE_CARRY_T " t"
    " JOIN procedures x ON x.id = t.x AND x.status = 'live' AND x.path <> t.p"
    " WHERE x.id NOT IN (SELECT u.y FROM" STORE_CARRY_T " u))";

/* The transitions of this load (above) into *out (caller frees), before
 * the files are stored; "[]" when there are none. 0 or -1. */
static int store_carry_find(struct db *db, const struct library *lib, int today, char **out)
{
    cJSON *files = cJSON_CreateArray(), *pair;
    sqlite3_stmt *st = NULL;
    const char *v;
    char *text = NULL;
    size_t i;
    int b = SQLITE_OK, rc = -1;

    *out = NULL;
    if (!files)
        return -1;
    for (i = 0; i < lib->n_files; i++) {
        const struct lib_file *f = &lib->files[i];
        if (f->status != LIB_PARSED || store_scheduled(f->model->effective, today))
            continue;
        if (!(pair = cJSON_CreateArray()) || !cJSON_AddItemToArray(files, pair) ||
            !cJSON_AddItemToArray(pair, cJSON_CreateString(f->model->id)) ||
            !cJSON_AddItemToArray(pair, cJSON_CreateString(f->rel)))
            goto out;
    }
    if (!(text = cJSON_PrintUnformatted(files)) || !(st = db_stmt(db, sql_carry_find)))
        goto out;
    b |= sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 2, today);
    if (b == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        (v = (const char *)sqlite3_column_text(st, 0)) && (*out = strdup(v)))
        rc = 0;
    else
        fprintf(stderr, "spkiosk: store: cannot find renamed ids: %s\n",
                sqlite3_errmsg(db_handle(db)));
    sqlite3_reset(st);
out:
    free(text);
    cJSON_Delete(files);
    return rc;
}

/* Applies the transitions found by store_carry_find, after the load: the
 * old ids' reads as they are first, then the stale reads of a reused or
 * taken id go, then the carries from that first copy, then the reads that
 * went with their file. 0 or -1. */
static int store_carry(struct db *db, const char *found)
{
    static const char *const steps[] = {sql_carry_reused, sql_carry_reads, sql_carry_taken};
    sqlite3_stmt *st;
    const char *v;
    char *reads = NULL;
    size_t i;
    int b = SQLITE_OK, r, rc = -1;

    if (strcmp(found, "[]") == 0)
        return 0;
    if (!(st = db_stmt(db, sql_carry_snapshot)))
        return -1;
    b |= sqlite3_bind_text(st, 1, found, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW && (v = (const char *)sqlite3_column_text(st, 0)))
        reads = strdup(v);
    sqlite3_reset(st);
    if (!reads) {
        fprintf(stderr, "spkiosk: store: cannot read the reads to carry: %s\n",
                r == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(db_handle(db)));
        return -1;
    }
    b = SQLITE_OK;
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (!(st = db_stmt(db, steps[i])))
            goto out;
        b |= sqlite3_bind_text(st, 1, found, -1, SQLITE_STATIC);
        if (sqlite3_bind_parameter_count(st) >= 2)
            b |= sqlite3_bind_text(st, 2, reads, -1, SQLITE_STATIC);
        if (store_step_done(db, st, &b) != 0)
            goto out;
    }
    rc = 0;
out:
    free(reads);
    return rc;
}

static int store_promote(struct db *db, const char *now, int today, size_t *promoted)
{
    static const char *const steps[] = {
        sql_due_hold, sql_due_replaced_search, sql_due_replaced_pinyin, sql_due_replaced,
        sql_due_live, sql_due_docs, sql_due_search_delete, sql_due_pinyin_delete, sql_due_search,
        sql_due_pinyin, sql_due_delete,
    };
    sqlite3_stmt *st;
    size_t i;
    int b = SQLITE_OK, np;

    *promoted = 0;
    if (today <= 0)
        return 0;
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (!(st = db_stmt(db, steps[i])))
            return -1;
        /* ?1 today; ?2 now and ?5 today where a statement has them */
        np = sqlite3_bind_parameter_count(st);
        b |= sqlite3_bind_int(st, 1, today);
        if (np >= 2)
            b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        if (np >= 5)
            b |= sqlite3_bind_int(st, 5, today);
        if (store_step_done(db, st, &b) != 0)
            return -1;
        if (steps[i] == sql_due_live)
            *promoted = (size_t)sqlite3_changes(db_handle(db));
    }
    return 0;
}

int store_sync(struct db *db, const struct library *lib, int today,
               struct store_load_stats *stats)
{
    struct store_lookup lk = {0};
    struct store_search_batch sb = {0};
    char now[32], *carry = NULL;
    size_t i, rendered = 0, went_at_parse = 0;

    memset(stats, 0, sizeof *stats);
    clock_utc_now(now);
    if (db_begin(db) != 0) {
        fprintf(stderr, "spkiosk: store: cannot begin: %s\n", sqlite3_errmsg(db_handle(db)));
        return -1;
    }
    if (store_categories(db, lib) != 0 || store_carry_find(db, lib, today, &carry) != 0)
        goto fail;
    for (i = 0; i < lib->n_files; i++) {
        const struct lib_file *f = &lib->files[i];
        if (f->status == LIB_PARSED) {
            size_t went;
            if (store_procedure(db, &sb, f, now, today, &went) != 0)
                goto fail;
            went_at_parse += went;
            stats->parsed++;
            stats->scheduled += store_scheduled(f->model->effective, today);
        } else if (f->status == LIB_REUSED) {
            stats->reused++;
        } else {
            stats->failed++;
        }
        if (f->hash[0] && store_file_result(db, lib, f, now) != 0)
            goto fail;
    }
    if (store_lookup_build(&lk, lib) != 0)
        goto fail;
    if (store_retire(db, &sb, &lk, now, &stats->retired) != 0 || store_diagnostics(db, &lk) != 0 ||
        store_triage(db, lib, now) != 0 || store_directory(db, lib, now) != 0 ||
        store_lists(db, lib, now) != 0 || store_practice(db, &lk, now, stats) != 0 ||
        store_search_flush(db, &sb) != 0 ||
        store_promote(db, now, today, &stats->promoted) != 0 || store_carry(db, carry) != 0 ||
        (!store_refreshed && store_refresh(db, &rendered) != 0) ||
        store_error_files(db, &stats->error_files) != 0)
        goto fail;
    /* the load line's "went live on their date": those parsed again too */
    stats->promoted += went_at_parse;
    if (db_commit(db) != 0) {
        fprintf(stderr, "spkiosk: store: cannot commit: %s\n", sqlite3_errmsg(db_handle(db)));
        goto fail;
    }
    store_refreshed = true;
    free(carry);
    if (rendered)
        fprintf(stderr, "spkiosk: store: %zu served version(s) rendered again from their stored "
                        "text (another build's, or other hall contact details)\n", rendered);
    store_lookup_free(&lk);
    return 0;
fail:
    free(carry);
    store_search_batch_free(&sb);
    store_lookup_free(&lk);
    db_rollback(db);
    return -1;
}

static const char sql_snap_cats[] =
    "SELECT id, title, description FROM categories ORDER BY ord, id";
/* The live set without its rendered bytes, which sit in overflow pages:
 * reading all of them again was most of a reload at 10,000 procedures
 * (issue #13); those of changed versions only are read, by the second.
 * The index holds category and ord, which sit after the source text in the
 * row; without statistics the planner takes the primary key's instead. */
static const char sql_snap_procs[] =
    "SELECT p.id, v.category, p.hash, p.updated_on"
    " FROM procedures p"
    " JOIN procedure_versions v INDEXED BY procedure_versions_snap"
    " ON v.procedure_id = p.id AND v.hash = p.hash"
    " LEFT JOIN categories c ON c.id = v.category"
    " WHERE p.status = 'live'"
    " ORDER BY coalesce(c.ord, 1000000000), v.category, v.ord, p.id";
/* The same with the bytes, when there is no earlier snapshot to share. */
static const char sql_snap_procs_full[] =
    "SELECT p.id, v.category, p.hash, p.updated_on, v.item_json"
    " FROM procedures p"
    " JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " LEFT JOIN categories c ON c.id = v.category"
    " WHERE p.status = 'live'"
    " ORDER BY coalesce(c.ord, 1000000000), v.category, v.ord, p.id";
static const char sql_snap_body[] =
    "SELECT item_json FROM procedure_versions WHERE procedure_id = ?1 AND hash = ?2";
static const char sql_proc_doc[] =
    "SELECT detail_json, print_html FROM procedure_versions WHERE procedure_id = ?1 AND hash = ?2";
static const char sql_snap_triage[] = "SELECT json FROM triage WHERE one = 1";
static const char sql_snap_directory[] = "SELECT json FROM directory WHERE one = 1";
static const char sql_snap_posts[] = "SELECT text FROM posts WHERE one = 1";
static const char sql_snap_calendar[] = "SELECT text FROM calendar WHERE one = 1";

/* One optional row's text handed to set; 0, or -1. */
static int store_snap_text(struct db *db, const char *sql, struct catalog *c,
                           int (*set)(struct catalog *, const char *))
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int r, rc = -1;

    if (!st)
        return -1;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE || (r == SQLITE_ROW && set(c, (const char *)sqlite3_column_text(st, 0)) == 0))
        rc = 0;
    sqlite3_reset(st);
    return rc;
}

/* Adds one live procedure to c: shared from prev when prev serves the same
 * version in the same category with the same "updated" notice, else read
 * from procedure_versions. 1 when shared, 0 when read, -1 on error. */
static int store_snap_proc(struct db *db, struct catalog *c, const struct catalog *prev,
                           size_t *next, bool fresh, const char *id, const char *category,
                           const char *hash, int updated, sqlite3_stmt *full)
{
    const struct catalog_proc *old = NULL;
    char etag[CATALOG_PROC_ETAG_MAX];

    /* the list comes in the same order as prev's, bar what changed: the
     * entry after the last one found is tried before a search */
    if (prev && !fresh) {
        if (*next < prev->n_procs && strcmp(prev->procs[*next].id, id) == 0)
            old = &prev->procs[*next];
        else
            old = catalog_find(prev, id);
        if (old)
            *next = (size_t)(old - prev->procs) + 1;
    }
    sqlite3_stmt *st;
    int b = SQLITE_OK, r, rc = -1;

    catalog_proc_etag(hash, updated, etag);
    if (old && strcmp(old->etag, etag) == 0 && strcmp(old->category, category) == 0)
        return catalog_add_proc_shared(c, old) == 0 ? 1 : -1;
    if (full)
        return catalog_add_proc(c, id, category, hash, (const char *)sqlite3_column_text(full, 4),
                                NULL, NULL) == 0 &&
                       (updated <= 0 || catalog_set_updated(c, updated) == 0)
                   ? 0
                   : -1;
    if (!(st = db_stmt(db, sql_snap_body)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_ROW &&
        catalog_add_proc(c, id, category, hash, (const char *)sqlite3_column_text(st, 0), NULL,
                         NULL) == 0 &&
        (updated <= 0 || catalog_set_updated(c, updated) == 0))
        rc = 0;
    sqlite3_reset(st);
    return rc;
}

int store_proc_doc(struct db *db, const char *id, const char *hash, char **detail_json,
                   char **print_html)
{
    sqlite3_stmt *st;
    int b = SQLITE_OK, r, rc = -1;

    *detail_json = *print_html = NULL;
    if (!(st = db_stmt(db, sql_proc_doc)))
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_DONE) {
        rc = 1;
    } else if (r == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        const char *h = (const char *)sqlite3_column_text(st, 1);
        *detail_json = d ? strdup(d) : NULL;
        *print_html = h ? strdup(h) : NULL;
        if (*detail_json && *print_html) {
            rc = 0;
        } else {
            free(*detail_json);
            free(*print_html);
            *detail_json = *print_html = NULL;
        }
    } else {
        fprintf(stderr, "spkiosk: reading a procedure's page: %s\n", sqlite3_errmsg(db_handle(db)));
    }
    sqlite3_reset(st);
    return rc;
}

int store_catalog_build(struct db *db, int today, const struct catalog *prev,
                        char *const *fresh, size_t n_fresh, struct catalog **out,
                        size_t *reused)
{
    struct catalog *c = catalog_new();
    sqlite3_stmt *st = NULL;
    int r = SQLITE_ERROR, rc = -1, shared;
    size_t n_shared = 0, next = 0;

    *out = NULL;
    if (reused)
        *reused = 0;
    if (!c)
        return -1;
    /* one read transaction: the queries see the same load */
    if (db_read_begin(db) != 0)
        goto out;
    if (!(st = db_stmt(db, sql_snap_cats)))
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        if (catalog_add_category(c, (const char *)sqlite3_column_text(st, 0),
                                 (const char *)sqlite3_column_text(st, 1),
                                 (const char *)sqlite3_column_text(st, 2)) != 0)
            goto out;
    if (r != SQLITE_DONE || !(st = db_stmt(db, prev ? sql_snap_procs : sql_snap_procs_full)))
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int on = sqlite3_column_int(st, 3);
        const char *id = (const char *)sqlite3_column_text(st, 0);
        bool renewed = n_fresh && bsearch(&id, fresh, n_fresh, sizeof *fresh, store_str_cmp);
        if ((shared = store_snap_proc(db, c, prev, &next, renewed, id,
                                      (const char *)sqlite3_column_text(st, 1),
                                      (const char *)sqlite3_column_text(st, 2),
                                      catalog_updated_shown(on, today) ? on : 0,
                                      prev ? NULL : st)) < 0)
            goto out;
        n_shared += (size_t)shared;
    }
    if (r != SQLITE_DONE || !(st = db_stmt(db, sql_snap_triage)))
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW && catalog_set_triage(c, (const char *)sqlite3_column_text(st, 0)) != 0)
        goto out;
    /* a row left unread would keep the read open */
    sqlite3_reset(st);
    if ((r != SQLITE_ROW && r != SQLITE_DONE) || !(st = db_stmt(db, sql_snap_directory)))
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW &&
        catalog_set_directory(c, (const char *)sqlite3_column_text(st, 0)) != 0)
        goto out;
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        goto out;
    sqlite3_reset(st);
    st = NULL;
    if (store_snap_text(db, sql_snap_posts, c, catalog_set_posts) != 0 ||
        store_snap_text(db, sql_snap_calendar, c, catalog_set_calendar) != 0)
        goto out;
    if (catalog_finish_after(c, prev) != 0)
        goto out;
    if (reused)
        *reused = n_shared;
    *out = c;
    c = NULL;
    rc = 0;
out:
    if (st)
        sqlite3_reset(st);
    if (rc != 0)
        fprintf(stderr, "spkiosk: reading the catalog: %s\n", sqlite3_errmsg(db_handle(db)));
    /* a read left open would make the next load's BEGIN IMMEDIATE fail */
    if (db_read_end(db) != 0 && rc == 0) {
        fprintf(stderr, "spkiosk: ending the catalog read: %s\n", sqlite3_errmsg(db_handle(db)));
        catalog_release(*out);
        *out = NULL;
        rc = -1;
    }
    catalog_release(c);
    return rc;
}

/* Tiers make "title hits first" a rule rather than a tendency: column
 * weights alone let a long text outrank a short title. A Latin query
 * that reads as pinyin also searches search_pinyin: its title hits come
 * right after the typed title hits, its keyword hits after the typed
 * keyword hits, and all before hits in the text. One MATCH per table gives
 * every row's tier (spk_tier) and its rank within the tier (spk_score,
 * src/cjktok.c: bm25's lookup of each row's length was most of the time)
 * at once, and returns rowids: the id and category come from search_docs, so no FTS row
 * (which holds the whole text) is read. Three MATCHes, each reading the id
 * of every hit, took ten times as long at 10,000 procedures (issue #13).
 * CROSS JOIN keeps the FTS table the outer loop. */
#define STORE_SEARCH_ONE                                                                \
    " SELECT search.rowid AS doc, 2 * spk_tier(search, 1, 2, 3) AS tier,"                \
    "  spk_score(search, 0.0, 0.0, 10.0, 5.0, 1.0) AS r FROM search WHERE search MATCH ?1"
static const char sql_search[] =
    "SELECT d.id FROM (" STORE_SEARCH_ONE ") m CROSS JOIN search_docs d ON d.doc = m.doc"
    " WHERE d.category = ?5 ORDER BY m.tier, m.r, m.doc LIMIT ?4";
/* Without a category the limit applies before the join: 100 lookups of an
 * id rather than one per hit. Equal ranks go by doc number, here and in
 * the other forms alike. */
static const char sql_search_all[] =
    "SELECT d.id FROM (" STORE_SEARCH_ONE " ORDER BY tier, r, doc LIMIT ?4) m"
    " CROSS JOIN search_docs d ON d.doc = m.doc ORDER BY m.tier, m.r, m.doc";
/* A row found by both tables takes its best tier, with that tier's score
 * (SQLite gives the bare column r from the row that holds min(tier)). */
static const char sql_search_pinyin[] =
    "SELECT d.id FROM (SELECT doc, min(tier) AS tier, r FROM (" STORE_SEARCH_ONE " UNION ALL"
    " SELECT search_pinyin.rowid, 2 * spk_tier(search_pinyin, 0, 2, 3) + 1,"
    "  spk_score(search_pinyin, 0.0, 0.0, 10.0, 5.0) FROM search_pinyin WHERE search_pinyin MATCH ?6"
    ") GROUP BY doc) m CROSS JOIN search_docs d ON d.doc = m.doc"
    " WHERE (?5 IS NULL OR d.category = ?5) ORDER BY m.tier, m.r, m.doc LIMIT ?4";

int store_search(struct db *db, const char *q, size_t len, const char *category,
                 int (*fn)(void *ctx, const char *id), void *ctx)
{
    struct strbuf expr = STRBUF_INIT, py = STRBUF_INIT;
    sqlite3_stmt *st;
    int rc = -1, r, pinyin;
    int b = SQLITE_OK;

    r = cjktok_query_build(q, len, &expr);
    if (r != 0) {
        rc = r;
        goto out;
    }
    if ((pinyin = pinyin_query_build(q, len, &py)) < 0)
        goto out;
    pinyin = pinyin == 0;
    if (!(st = db_stmt(db, pinyin ? sql_search_pinyin : category ? sql_search : sql_search_all)))
        goto out;
    if (pinyin)
        b |= sqlite3_bind_text(st, 6, py.data, (int)py.len, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 1, expr.data, (int)expr.len, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 4, STORE_SEARCH_LIMIT);
    if (category)
        b |= sqlite3_bind_text(st, 5, category, -1, SQLITE_STATIC);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, (const char *)sqlite3_column_text(st, 0)) != 0)
            break;
    sqlite3_reset(st);
    if (r == SQLITE_ROW || r == SQLITE_DONE)
        rc = 0;
    else
        fprintf(stderr, "spkiosk: search: %s\n", sqlite3_errmsg(db_handle(db)));
out:
    strbuf_free(&expr);
    strbuf_free(&py);
    return rc;
}
