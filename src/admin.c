/* admin: what the admin console knows about procedure files and how an
 * edit reaches the disk. The list reads what the last load stored (it is
 * what the kiosk serves); a check runs the loader's own scan with the
 * edited text standing in for the file, so the console can never call
 * good what a load would refuse; a save writes atomically and loads
 * before it answers. */
#include "admin.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "clock.h"
#include "library.h"
#include "loader.h"
#include "practice_play.h"
#include "render.h"
#include "store.h"
#include "strbuf.h"
#include "triage.h"
#include "utf8.h"

/* One save at a time: the hash comparison, the write and the load belong
 * together, or two admins saving the same version would both succeed. */
static pthread_mutex_t admin_save_lock = PTHREAD_MUTEX_INITIALIZER;

bool admin_rel_valid(const char *rel)
{
    const char *slash = strchr(rel, '/'), *name;
    size_t nn;

    if (!slash || !utf8_line_valid(rel, ADMIN_REL_MAX))
        return false;
    name = slash + 1;
    nn = strlen(name);
    if (!procedure_id_valid(rel, (size_t)(slash - rel)) || strchr(name, '/') || nn <= 3 ||
        strcmp(name + nn - 3, ".md") != 0 || name[0] == '_' || name[0] == '.' ||
        strcmp(name, "README.md") == 0 || practice_name_is(name))
        return false;
    return true;
}

/* "CATEGORY/STEM.practice.md" with a valid category and STEM an id. */
static bool admin_rel_practice(const char *rel)
{
    const char *slash = strchr(rel, '/'), *name;
    size_t nn;

    if (!slash || !procedure_id_valid(rel, (size_t)(slash - rel)))
        return false;
    name = slash + 1;
    nn = strlen(name);
    return practice_name_is(name) &&
           procedure_id_valid(name, nn - (sizeof PRACTICE_SUFFIX - 1));
}

/* root/rel as the library builds it (trailing slashes of root dropped), so
 * that it compares equal to the paths in diagnostics. */
static char *admin_path(const char *root, const char *rel)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = strlen(root);

    while (n > 1 && root[n - 1] == '/')
        n--;
    if (strbuf_append(&sb, root, n) != 0 || (rel && (strbuf_putc(&sb, '/') != 0 ||
                                                      strbuf_puts(&sb, rel) != 0))) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

/* ---- the list ---------------------------------------------------------- */

struct admin_entry {
    char *rel;
    cJSON *obj;                 /* owned until added to the answer */
    cJSON *errors, *warnings;   /* owned until added to obj */
    bool live;
    bool waits;                 /* the file as last checked is the scheduled version */
    bool paused;                /* a practice file's good text no longer fits the procedure */
};

struct admin_list {
    struct admin_entry *v;
    size_t n, cap;
    int oom;
};

static int admin_entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct admin_entry *)a)->rel, ((const struct admin_entry *)b)->rel);
}

static void admin_list_free(struct admin_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        free(l->v[i].rel);
        cJSON_Delete(l->v[i].obj);
        cJSON_Delete(l->v[i].errors);
        cJSON_Delete(l->v[i].warnings);
    }
    free(l->v);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* Adds a string member, or null when s is NULL; sets *oom on failure. */
static void json_str(cJSON *o, const char *key, const char *s, int *oom)
{
    if (!(s ? cJSON_AddStringToObject(o, key, s) : cJSON_AddNullToObject(o, key)))
        *oom = 1;
}

/* YYYYMMDD as "YYYY-MM-DD", or null for 0. */
static void json_date(cJSON *o, const char *key, int date, int *oom)
{
    char buf[16];

    if (date <= 0) {
        json_str(o, key, NULL, oom);
        return;
    }
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
    json_str(o, key, buf, oom);
}

/* A new entry for rel with its object and diagnostic arrays; NULL when
 * memory ran out (l->oom set). */
static struct admin_entry *admin_entry_new(struct admin_list *l, const char *rel)
{
    struct admin_entry *e;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct admin_entry *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = 1;
            return NULL;
        }
        l->v = v;
        l->cap = cap;
    }
    e = &l->v[l->n];
    memset(e, 0, sizeof *e);
    if (!(e->rel = strdup(rel)) || !(e->obj = cJSON_CreateObject())) {
        free(e->rel);
        l->oom = 1;
        return NULL;
    }
    l->n++;
    e->errors = cJSON_CreateArray();
    e->warnings = cJSON_CreateArray();
    if (!e->errors || !e->warnings)
        l->oom = 1;
    return e;
}

/* The file's stem: "employment/x.md" gives "x". */
static char *admin_stem(const char *rel)
{
    const char *name = strrchr(rel, '/');
    size_t n;

    name = name ? name + 1 : rel;
    n = strlen(name);
    return strndup(name, n > 3 && strcmp(name + n - 3, ".md") == 0 ? n - 3 : n);
}

static char *admin_category_of(const char *rel)
{
    const char *slash = strchr(rel, '/');

    return slash ? strndup(rel, (size_t)(slash - rel)) : strdup("");
}

/* The version of the file that waits for its `effective` date (columns
 * 12.. of sql_list_files): {"hash","version","title","effective"} or null. */
static void admin_entry_schedule(struct admin_entry *e, sqlite3_stmt *row, int *oom)
{
    cJSON *o;

    if (!row || sqlite3_column_type(row, 12) == SQLITE_NULL) {
        if (!cJSON_AddNullToObject(e->obj, "scheduled"))
            *oom = 1;
        return;
    }
    if (!(o = cJSON_AddObjectToObject(e->obj, "scheduled"))) {
        *oom = 1;
        return;
    }
    json_str(o, "hash", col_text(row, 13), oom);
    json_str(o, "version", col_text(row, 14), oom);
    json_str(o, "title", col_text(row, 15), oom);
    json_date(o, "effective", sqlite3_column_int(row, 12), oom);
    /* ours: the top-level review_by is the live version's (what residents
     * read until the date); the waiting text's own date takes over then,
     * and one copied unchanged from the old text is already past */
    json_date(o, "review_by", sqlite3_column_int(row, 16), oom);
    e->waits = col_text(row, 2) && strcmp(col_text(row, 2), col_text(row, 13)) == 0;
}

/* Fills an entry of a file (not a retired procedure) from the row of
 * sql_list_files, or from nothing (a file only diagnostics mention). */
static void admin_entry_fill(struct admin_entry *e, sqlite3_stmt *row, int today, int *oom)
{
    const char *live_id = row ? col_text(row, 3) : NULL;
    const char *file_id = row ? col_text(row, 1) : NULL;
    char *stem = admin_stem(e->rel), *cat = admin_category_of(e->rel);
    cJSON *live;
    int review = 0;

    if (!stem || !cat) {
        *oom = 1;
        goto out;
    }
    e->live = live_id != NULL;
    json_str(e->obj, "id", live_id ? live_id : file_id ? file_id : stem, oom);
    json_str(e->obj, "file", e->rel, oom);
    json_str(e->obj, "category", e->live ? col_text(row, 6) : cat, oom);
    json_str(e->obj, "title", e->live ? col_text(row, 8) : NULL, oom);
    json_str(e->obj, "kind", e->live ? col_text(row, 7) : NULL, oom);
    json_str(e->obj, "file_hash", row ? col_text(row, 2) : NULL, oom);
    if (e->live) {
        review = sqlite3_column_int(row, 9);
        if (!(live = cJSON_AddObjectToObject(e->obj, "live"))) {
            *oom = 1;
            goto out;
        }
        json_str(live, "hash", col_text(row, 4), oom);
        json_str(live, "version", col_text(row, 10), oom);
        json_str(live, "loaded_at", col_text(row, 5), oom);
    } else if (!cJSON_AddNullToObject(e->obj, "live")) {
        *oom = 1;
    }
    /* the contract's "loaded version", flat, for clients that want just it */
    json_str(e->obj, "version", e->live ? col_text(row, 10) : NULL, oom);
    json_date(e->obj, "review_by", review, oom);
    if (!cJSON_AddBoolToObject(e->obj, "review_overdue", review > 0 && today > 0 && review < today) ||
        !cJSON_AddNumberToObject(e->obj, "reports_open", row ? sqlite3_column_int(row, 11) : 0))
        *oom = 1;
    admin_entry_schedule(e, row, oom);
out:
    free(stem);
    free(cat);
}

/* Every file the last load looked at: its result, and the live procedure
 * it provides (a file with errors may still provide its last good one). */
static const char sql_list_files[] =
    "WITH f(rel) AS (SELECT path FROM source_files"
    " UNION SELECT path FROM procedures WHERE status = 'live' UNION SELECT path FROM schedule)"
    " SELECT f.rel, s.procedure_id, s.hash, p.id, p.hash, p.updated_at, v.category, v.kind,"
    " v.title, v.review_by, json_extract(v.detail_json, '$.version'),"
    " (SELECT count(*) FROM sp_reports r WHERE r.procedure_id = coalesce(p.id, s.procedure_id)"
    "  AND r.dealt_at IS NULL),"
    " sc.effective, sc.hash, json_extract(sv.detail_json, '$.version'), sv.title, sv.review_by"
    " FROM f LEFT JOIN source_files s ON s.path = f.rel"
    " LEFT JOIN procedures p ON p.path = f.rel AND p.status = 'live'"
    " LEFT JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " LEFT JOIN schedule sc ON sc.path = f.rel"
    " LEFT JOIN procedure_versions sv ON sv.procedure_id = sc.procedure_id AND sv.hash = sc.hash"
    " ORDER BY f.rel";
static const char sql_list_retired[] =
    "SELECT p.id, p.path, p.hash, p.updated_at, v.category, v.kind, v.title,"
    " json_extract(v.detail_json, '$.version'),"
    " (SELECT count(*) FROM sp_reports r WHERE r.procedure_id = p.id AND r.dealt_at IS NULL)"
    " FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " WHERE p.status = 'retired' ORDER BY p.path, p.id";
static const char sql_list_diags[] =
    "SELECT file, line, severity, message FROM diagnostics ORDER BY file, line, rowid";

static int admin_read_files(struct db *db, struct admin_list *l, int today)
{
    sqlite3_stmt *st = db_stmt(db, sql_list_files);
    int r = SQLITE_ERROR;

    if (!st)
        return -1;
    while (!l->oom && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct admin_entry *e;
        /* two live procedures never share a file; skip a repeat anyway */
        if (l->n && strcmp(l->v[l->n - 1].rel, col_text(st, 0)) == 0)
            continue;
        if ((e = admin_entry_new(l, col_text(st, 0))))
            admin_entry_fill(e, st, today, &l->oom);
    }
    sqlite3_reset(st);
    return l->oom || r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -1;
}

/* Practice files (practice.h): one entry each, named "ID.practice" by the
 * procedure it trains, the name the files route edits it by; live is the
 * last good text the practice mode uses. Column 7: whether it can (as
 * practice_play offers it): proved on the live version of the procedure or
 * on the one scheduled to replace it. A good text proved on a version
 * since replaced is kept but not played, and the list said 仍用上一版 while
 * the staff page had no practice for the item (an admin's review). */
static const char sql_list_practice[] =
    "SELECT pf.path, pf.procedure_id, pf.hash, pf.good_hash, pf.good_at, pf.good_procedure_hash,"
    " pf.good_scenarios, EXISTS (SELECT 1 FROM procedures p LEFT JOIN schedule s"
    "  ON s.procedure_id = p.id WHERE p.id = pf.procedure_id AND p.status = 'live'"
    "  AND (pf.good_procedure_hash = p.hash OR pf.good_procedure_hash = s.hash))"
    " FROM practice_files pf ORDER BY pf.path";

static int admin_read_practice(struct db *db, struct admin_list *l)
{
    sqlite3_stmt *st = db_stmt(db, sql_list_practice);
    struct strbuf name = STRBUF_INIT;
    int r = SQLITE_ERROR;

    if (!st)
        return -1;
    while (!l->oom && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *rel = col_text(st, 0), *pid = col_text(st, 1);
        struct admin_entry *e = admin_entry_new(l, rel);
        char *stem = admin_stem(rel), *cat = admin_category_of(rel);
        cJSON *live;
        if (!e || !stem || !cat) {
            l->oom = 1;
        } else {
            /* an orphan names the procedure its stem would be */
            if (!*pid)
                stem[strlen(stem) - strlen(".practice")] = '\0';
            name.len = 0;
            if (strbuf_printf(&name, "%s.practice", *pid ? pid : stem) != 0)
                l->oom = 1;
            e->live = sqlite3_column_type(st, 3) != SQLITE_NULL;
            e->paused = e->live && !sqlite3_column_int(st, 7);
            json_str(e->obj, "id", name.data, &l->oom);
            json_str(e->obj, "file", rel, &l->oom);
            json_str(e->obj, "category", cat, &l->oom);
            json_str(e->obj, "title", NULL, &l->oom);
            json_str(e->obj, "kind", "practice", &l->oom);
            json_str(e->obj, "procedure", *pid ? pid : NULL, &l->oom);
            json_str(e->obj, "special", name.data, &l->oom);
            json_str(e->obj, "file_hash", col_text(st, 2), &l->oom);
            if (!e->live) {
                json_str(e->obj, "live", NULL, &l->oom);
            } else if (!(live = cJSON_AddObjectToObject(e->obj, "live"))) {
                l->oom = 1;
            } else {
                json_str(live, "hash", col_text(st, 3), &l->oom);
                json_str(live, "version", NULL, &l->oom);
                json_str(live, "loaded_at", col_text(st, 4), &l->oom);
                json_str(live, "procedure_hash", col_text(st, 5), &l->oom);
                if (!cJSON_AddNumberToObject(live, "scenarios", sqlite3_column_int(st, 6)))
                    l->oom = 1;
            }
            json_str(e->obj, "version", NULL, &l->oom);
            json_str(e->obj, "review_by", NULL, &l->oom);
            if (!cJSON_AddFalseToObject(e->obj, "review_overdue"))
                l->oom = 1;
        }
        free(stem);
        free(cat);
    }
    sqlite3_reset(st);
    strbuf_free(&name);
    return l->oom || r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -1;
}

static int admin_read_retired(struct db *db, cJSON *arr, int *oom)
{
    sqlite3_stmt *st = db_stmt(db, sql_list_retired);
    int r = SQLITE_ERROR;

    if (!st)
        return -1;
    while (!*oom && (r = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject(), *last;
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            *oom = 1;
            break;
        }
        json_str(o, "id", col_text(st, 0), oom);
        json_str(o, "file", col_text(st, 1), oom);
        json_str(o, "category", col_text(st, 4), oom);
        json_str(o, "title", col_text(st, 6), oom);
        json_str(o, "kind", col_text(st, 5), oom);
        json_str(o, "state", "retired", oom);
        json_str(o, "file_hash", NULL, oom);
        json_str(o, "live", NULL, oom);
        if (!(last = cJSON_AddObjectToObject(o, "retired"))) {
            *oom = 1;
            break;
        }
        json_str(last, "hash", col_text(st, 2), oom);
        json_str(last, "version", col_text(st, 7), oom);
        json_str(last, "retired_at", col_text(st, 3), oom);
        json_str(o, "review_by", NULL, oom);
        json_str(o, "scheduled", NULL, oom);
        if (!cJSON_AddFalseToObject(o, "review_overdue") ||
            !cJSON_AddNumberToObject(o, "reports_open", sqlite3_column_int(st, 8)) ||
            !cJSON_AddArrayToObject(o, "errors") ||
            !cJSON_AddArrayToObject(o, "warnings") || !cJSON_AddNullToObject(o, "modified_at"))
            *oom = 1;
    }
    sqlite3_reset(st);
    return *oom || r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -1;
}

/* True when a path relative to the root names a file the loader reads as a
 * procedure: "CATEGORY/NAME.md" (a file it could not read has no result
 * row, only its diagnostic). */
static bool admin_looks_like_procedure(const char *rel)
{
    const char *slash = strchr(rel, '/');
    size_t n = strlen(rel);

    return slash && slash > rel && !strchr(slash + 1, '/') && n > 3 &&
           strcmp(rel + n - 3, ".md") == 0 && slash[1] != '_' && slash[1] != '.' &&
           strcmp(slash + 1, "README.md") != 0;
}

/* A problem of the list's own (not a stored diagnostic) appended to arr. */
static void admin_problem_add(cJSON *arr, const char *rel, int line, const char *severity,
                              const char *message, int *oom)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        *oom = 1;
        return;
    }
    json_str(o, "file", rel, oom);
    if (!cJSON_AddNumberToObject(o, "line", line))
        *oom = 1;
    json_str(o, "severity", severity, oom);
    json_str(o, "message", message, oom);
}

static void admin_diag_add(cJSON *arr, const char *rel, sqlite3_stmt *st, bool severity, int *oom)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        *oom = 1;
        return;
    }
    json_str(o, "file", rel, oom);
    if (!cJSON_AddNumberToObject(o, "line", sqlite3_column_int(st, 1)))
        *oom = 1;
    if (severity)
        json_str(o, "severity", col_text(st, 2), oom);
    json_str(o, "message", col_text(st, 3), oom);
}

/* Hands each diagnostic to its file's entry, or to problems (category
 * READMEs, _triage.md, folders). A procedure file that only diagnostics
 * mention (it could not be read) gets an entry of its own. */
static int admin_read_diags(struct db *db, const char *prefix, struct admin_list *l,
                            cJSON *problems, int today)
{
    sqlite3_stmt *st = db_stmt(db, sql_list_diags);
    size_t pn = strlen(prefix), sorted = l->n, last = (size_t)-1;
    int r = SQLITE_ERROR;

    if (!st)
        return -1;
    while (!l->oom && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *file = col_text(st, 0), *rel = file;
        bool error = strcmp(col_text(st, 2), "error") == 0;
        struct admin_entry key, *e = NULL;

        if (strncmp(file, prefix, pn) == 0)
            rel = file + pn;
        else if (strlen(file) + 1 == pn && strncmp(file, prefix, pn - 1) == 0)
            rel = ".";
        key.rel = (char *)rel;
        /* indexes, not pointers: adding an entry may move the array */
        if (last != (size_t)-1 && strcmp(l->v[last].rel, rel) == 0)
            e = &l->v[last];
        else if (sorted)
            e = bsearch(&key, l->v, sorted, sizeof *l->v, admin_entry_cmp);
        if (!e && rel != file && admin_looks_like_procedure(rel)) {
            if (!(e = admin_entry_new(l, rel)))
                break;
            admin_entry_fill(e, NULL, today, &l->oom);
        }
        if (e) {
            last = (size_t)(e - l->v);
            admin_diag_add(error ? e->errors : e->warnings, rel, st, false, &l->oom);
        } else {
            admin_diag_add(problems, rel, st, true, &l->oom);
        }
    }
    sqlite3_reset(st);
    return l->oom || r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -1;
}

/* The posts staff hold that the live _posts.md lacks: worked out at each
 * listing rather than by the load, since `spkiosk user posts` changes the
 * accounts without one. Each goes among the problems in their order (file,
 * then line). 0, or -1. */
static int admin_read_held(struct db *db, cJSON *problems, int *oom)
{
    struct diag_list held = DIAG_LIST_INIT;
    size_t i;
    int k, n, rc = -1;

    if (accounts_posts_held_live(db, POSTS_FILE, &held) != 0)
        goto out;
    for (i = 0; i < held.n && !*oom; i++) {
        const struct diag *d = &held.items[i];
        cJSON *item;
        n = cJSON_GetArraySize(problems);
        for (k = 0; k < n; k++) {
            cJSON *o = cJSON_GetArrayItem(problems, k);
            const char *f = cJSON_GetStringValue(cJSON_GetObjectItem(o, "file"));
            int c = f ? strcmp(f, d->file) : -1;
            if (c > 0 || (c == 0 && cJSON_GetObjectItem(o, "line")->valueint > d->line))
                break;
        }
        admin_problem_add(problems, d->file, d->line, "warning", d->message, oom);
        /* the ones after it go behind it again, one by one: Debian 12's
         * cJSON (1.7.15-1+deb12u4) fails cJSON_InsertItemInArray anywhere
         * but at either end, which made the whole list a 500 */
        for (; k < n && !*oom; n--) {
            if (!(item = cJSON_DetachItemFromArray(problems, k)) || !cJSON_AddItemToArray(problems, item)) {
                cJSON_Delete(item);
                *oom = 1;
            }
        }
    }
    rc = 0;
out:
    diag_list_free(&held);
    return rc;
}

/* The state and the file's modification time, once its diagnostics are in. */
static void admin_entry_finish(struct admin_entry *e, const char *root, int *oom)
{
    const char *state;
    char *path = admin_path(root, e->rel), when[32];
    struct stat st;

    if (cJSON_GetArraySize(e->errors) > 0)
        state = e->paused ? "error_paused" : e->live ? "error_old_live" : "error_not_live";
    else if (e->waits)
        state = "scheduled";
    else
        state = e->live ? "ok" : "pending";
    json_str(e->obj, "state", state, oom);
    if (cJSON_AddItemToObject(e->obj, "errors", e->errors))
        e->errors = NULL;
    else
        *oom = 1;
    if (cJSON_AddItemToObject(e->obj, "warnings", e->warnings))
        e->warnings = NULL;
    else
        *oom = 1;
    if (path && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        clock_utc(st.st_mtime, when);
        json_str(e->obj, "modified_at", when, oom);
    } else {
        json_str(e->obj, "modified_at", NULL, oom);
    }
    if (!path)
        *oom = 1;
    free(path);
}

int admin_list_json(struct db *db, const char *root, int today, bool behind, char **out)
{
    struct admin_list l = {0};
    cJSON *doc = cJSON_CreateObject(), *procs, *retired = cJSON_CreateArray(), *problems;
    char *prefix = admin_path(root, ""), *s;
    int rc = -1, reading = 0;
    size_t i;

    *out = NULL;
    if (!doc || !retired || !prefix)
        goto out;
    json_date(doc, "today", today, &l.oom);
    if (!(procs = cJSON_AddArrayToObject(doc, "procedures")) ||
        !(problems = cJSON_AddArrayToObject(doc, "problems")))
        goto out;
    /* the states below are the last stored load's: an edit saved while the
     * database could not be written shows nowhere else, and an admin who
     * sees no change would save it again or call for help */
    if (behind)
        admin_problem_add(problems, ".", 0, "error",
                          "磁盘上的改动还没有上线：上次载入没能写进数据库（磁盘可能满了），下面的状态和自助机上的内容都还是之前的。"
                          "腾出空间后会自动上线，不必重新保存。",
                          &l.oom);
    /* one read transaction: all three queries see the same load */
    if (db_read_begin(db) != 0)
        goto out;
    reading = 1;
    if (admin_read_files(db, &l, today) != 0 || admin_read_practice(db, &l) != 0 ||
        admin_read_retired(db, retired, &l.oom) != 0 || l.oom)
        goto out;
    /* the diagnostics find their file's entry by bsearch */
    qsort(l.v, l.n, sizeof *l.v, admin_entry_cmp);
    if (admin_read_diags(db, prefix, &l, problems, today) != 0 || l.oom ||
        admin_read_held(db, problems, &l.oom) != 0 || l.oom)
        goto out;
    reading = 0;
    if (db_read_end(db) != 0)
        goto out;
    qsort(l.v, l.n, sizeof *l.v, admin_entry_cmp);
    for (i = 0; i < l.n; i++) {
        admin_entry_finish(&l.v[i], root, &l.oom);
        if (!cJSON_AddItemToArray(procs, l.v[i].obj)) {
            l.oom = 1;
            break;
        }
        l.v[i].obj = NULL;
    }
    /* retired procedures after the files, by their old path */
    while (!l.oom && cJSON_GetArraySize(retired) > 0)
        if (!cJSON_AddItemToArray(procs, cJSON_DetachItemFromArray(retired, 0)))
            l.oom = 1;
    if (l.oom || !(s = cJSON_PrintUnformatted(doc)))
        goto out;
    *out = s;
    rc = 0;
out:
    /* on the way out of a failure: nothing was written, and a read left
     * open would pin this connection to an old snapshot */
    if (reading)
        db_rollback(db);
    if (rc != 0)
        fprintf(stderr, "spkiosk: admin: cannot list the procedure files%s\n",
                l.oom ? " (out of memory)" : "");
    admin_list_free(&l);
    cJSON_Delete(doc);
    cJSON_Delete(retired);
    free(prefix);
    return rc;
}

/* ---- locating a file --------------------------------------------------- */

static const char sql_locate_live[] =
    "SELECT path FROM procedures WHERE id = ?1 AND status = 'live'";
static const char sql_locate_loaded[] =
    "SELECT path FROM source_files WHERE procedure_id = ?1 ORDER BY path LIMIT 1";
static const char sql_file_has_id[] =
    "SELECT 1 FROM source_files WHERE path = ?1 AND procedure_id = ?2"
    " UNION ALL SELECT 1 FROM procedures WHERE path = ?1 AND id = ?2 AND status = 'live'";

/* Runs a one-column query bound to a and b (b may be NULL); *out gets a
 * copy of the first row's column (NULL without a row). 0 or -1. */
static int admin_query_one(struct db *db, const char *sql, const char *a, const char *b,
                           char **out)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int r, rc = -1, bind = SQLITE_OK;

    *out = NULL;
    if (!st)
        return -1;
    bind |= sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
        bind |= sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    r = bind == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (r == SQLITE_ROW)
        rc = (*out = strdup(col_text(st, 0) ? col_text(st, 0) : "")) ? 0 : -1;
    else if (r == SQLITE_DONE)
        rc = 0;
    sqlite3_reset(st);
    return rc;
}

static const char sql_live_source[] =
    "SELECT v.source, p.hash FROM procedures p"
    " JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " WHERE p.id = ?1 AND p.status = 'live'";

int admin_live_source(struct db *db, const char *id, char **text, size_t *len, char hash[65])
{
    sqlite3_stmt *st = db_stmt(db, sql_live_source);
    int r, n, rc = -1;

    *text = NULL;
    *len = 0;
    if (!st)
        return -1;
    r = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (r == SQLITE_DONE) {
        rc = 1;
    } else if (r == SQLITE_ROW && (n = sqlite3_column_bytes(st, 0)) >= 0 &&
               sqlite3_column_bytes(st, 1) == 64 && (*text = malloc((size_t)n + 1))) {
        if (n)
            memcpy(*text, sqlite3_column_blob(st, 0), (size_t)n);
        (*text)[n] = '\0';
        *len = (size_t)n;
        memcpy(hash, sqlite3_column_text(st, 1), 65);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

int admin_locate(struct db *db, const char *id, const char *file, char **rel)
{
    char *found = NULL, *stem;
    bool match;

    *rel = NULL;
    if (file) {
        if (!admin_rel_valid(file))
            return 1;
        if (!(stem = admin_stem(file)))
            return -1;
        match = strcmp(stem, id) == 0;
        free(stem);
        if (!match) {
            if (admin_query_one(db, sql_file_has_id, file, id, &found) != 0)
                return -1;
            match = found != NULL;
            free(found);
        }
        if (!match)
            return 1;
        return (*rel = strdup(file)) ? 0 : -1;
    }
    if (admin_query_one(db, sql_locate_live, id, NULL, &found) != 0)
        return -1;
    if (!found && admin_query_one(db, sql_locate_loaded, id, NULL, &found) != 0)
        return -1;
    if (!found)
        return 1;
    *rel = found;
    return 0;
}

/* An orphan (no procedure beside it: the list names it by its stem) by
 * its file name; paths are CATEGORY/NAME, so the name is what follows the
 * one slash. The first by path if two categories hold the same name. */
static const char sql_practice_orphan[] =
    "SELECT path FROM practice_files WHERE procedure_id = ''"
    " AND substr(path, instr(path, '/') + 1) = ?1 ORDER BY path LIMIT 1";

int admin_practice_rel(struct db *db, const char *name, char **rel)
{
    size_t n = strlen(name), k = strlen(".practice");
    char *id, *prel = NULL, *file = NULL;
    int r;

    *rel = NULL;
    if (n <= k || strcmp(name + n - k, ".practice") != 0 || !procedure_id_valid(name, n - k))
        return 1;
    if (!(id = strndup(name, n - k)))
        return -1;
    r = admin_locate(db, id, NULL, &prel);
    if (r == 1) {
        /* no such procedure: an orphan practice file still opens, so that
         * the admin sees its error and can fix or empty it */
        r = -1;
        if ((file = malloc(n - k + sizeof PRACTICE_SUFFIX)) != NULL) {
            sprintf(file, "%s%s", id, PRACTICE_SUFFIX);
            if (admin_query_one(db, sql_practice_orphan, file, NULL, rel) == 0)
                r = *rel ? 0 : 1;
        }
        free(file);
        free(id);
        return r;
    }
    free(id);
    if (r != 0)
        return r;
    n = strlen(prel);
    if (n > 3 && strcmp(prel + n - 3, ".md") == 0 && (*rel = malloc(n + k + 1)))
        sprintf(*rel, "%.*s%s", (int)(n - 3), prel, PRACTICE_SUFFIX);
    r = *rel ? 0 : n > 3 ? -1 : 1;
    free(prel);
    return r;
}


/* ---- checking an edit -------------------------------------------------- */

static const char sql_live_path[] =
    "SELECT path FROM procedures WHERE id = ?1 AND status = 'live'";
static const char sql_live_id_at[] =
    "SELECT id FROM procedures WHERE path = ?1 AND status = 'live'";

/* The file of the library with this rel, or NULL. */
static struct lib_file *admin_lib_file(struct library *lib, const char *rel)
{
    size_t i;

    for (i = 0; i < lib->n_files; i++)
        if (strcmp(lib->files[i].rel, rel) == 0)
            return &lib->files[i];
    return NULL;
}

/* Another file that claims f's id, or whose live procedure has it: the
 * loader would refuse only the later file by path, which could be the
 * other one, and its live procedure would then move to f. */
static const struct lib_file *admin_clash(struct db *db, struct library *lib,
                                          const struct lib_file *f, int *err)
{
    char *live_path = NULL;
    const struct lib_file *other = NULL;
    size_t i, fi = (size_t)(f - lib->files);

    if (admin_query_one(db, sql_live_path, f->id, NULL, &live_path) != 0) {
        *err = 1;
        return NULL;
    }
    for (i = 0; i < lib->n_files && !other; i++) {
        const struct lib_file *g = &lib->files[i];
        if (g == f)
            continue;
        if ((g->clash >= 0 && (size_t)g->clash == fi) ||
            (g->status != LIB_FAILED && strcmp(g->id, f->id) == 0) ||
            (live_path && strcmp(live_path, g->rel) == 0))
            other = g;
    }
    free(live_path);
    return other;
}

/* When a saved text takes over, as the warnings say it: 保存后 (at once),
 * or on its `effective` date, until which the old version, its id and its
 * practice stay (a policy-change review: 保存后 X 停办 was said of a save
 * that stopped nothing until the date). */
static void admin_when(const struct lib_file *f, int today, char out[48])
{
    int e = f->model ? f->model->effective : 0;

    if (store_scheduled(e, today))
        snprintf(out, 48, "到 %04d-%02d-%02d 新版本生效时", e / 10000 % 10000, e / 100 % 100, e % 100);
    else
        snprintf(out, 48, "保存后");
}

static int admin_check_cross(struct db *db, const char *rel, struct library *lib,
                             struct lib_file *f, int today, struct admin_check *out)
{
    char when[48];
    const struct lib_file *other;
    char *old_id = NULL;
    int err = 0;
    if (f->status != LIB_PARSED)
        return 0;
    other = admin_clash(db, lib, f, &err);
    if (err)
        return -1;
    if (other) {
        if (diag_error(&out->diags, rel, library_id_line(f),
                       "编号 %s 已被 %s 使用；两个文件不能用同一个编号，请改开头信息里的 id 或文件名",
                       f->id, other->rel) != 0)
            return -1;
        return 0;
    }
    if (admin_query_one(db, sql_live_id_at, rel, NULL, &old_id) != 0)
        return -1;
    admin_when(f, today, when);
    /* at the `id:` line that changed it, where the admin undoes it; line 1
     * (the `---`) when the id is the file name's again */
    if (old_id && strcmp(old_id, f->id) != 0 &&
        diag_warn(&out->diags, rel, library_id_line(f),
                  "编号从 %s 改为 %s：%s %s 停办（已开始的办件不受影响），链接到 %s 的地方要一并修改",
                  old_id, f->id, when, old_id, old_id) != 0) {
        free(old_id);
        return -1;
    }
    free(old_id);
    return 0;
}

int admin_file_rel(const char *name, char **rel)
{
    struct strbuf sb = STRBUF_INIT;

    *rel = NULL;
    if (strcmp(name, "_triage") == 0 || strcmp(name, "_directory") == 0 ||
        strcmp(name, "_posts") == 0 || strcmp(name, "_calendar") == 0)
        return (*rel = malloc(strlen(name) + 4)) ? (sprintf(*rel, "%s.md", name), 0) : -1;
    if (!procedure_id_valid(name, strlen(name)))
        return 1;
    if (strbuf_printf(&sb, "%s/README.md", name) != 0)
        return -1;
    *rel = strbuf_take(&sb);
    return *rel ? 0 : -1;
}

bool admin_rel_special(const char *rel)
{
    const char *slash = strchr(rel, '/');

    if (strcmp(rel, "_triage.md") == 0 || strcmp(rel, "_directory.md") == 0 ||
        strcmp(rel, POSTS_FILE) == 0 || strcmp(rel, WORKDAYS_FILE) == 0 || admin_rel_practice(rel))
        return true;
    return slash && strcmp(slash + 1, "README.md") == 0 &&
           procedure_id_valid(rel, (size_t)(slash - rel));
}

static bool admin_diag_in(const struct diag_list *l, const struct diag *d)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->items[i].line == d->line && l->items[i].severity == d->severity &&
            strcmp(l->items[i].file, d->file) == 0 && strcmp(l->items[i].message, d->message) == 0)
            return true;
    return false;
}

/* library_scan_edit as a load scans: the reusable files read from the
 * database in one query, and unchanged files (same stat stamp) not read at
 * all, instead of one query per file (issue #13, item 3). */
static int admin_scan(struct db *db, const char *root, int today, const struct library_edit *edit,
                      struct library *lib)
{
    struct store_reuse_set *set;
    struct library_reuse ru;
    int rc;

    if (store_reuse_load(db, &set) != 0) {
        memset(lib, 0, sizeof *lib);
        return -1;
    }
    ru = store_reuse_of(set);
    rc = library_scan_edit(root, today, &ru, edit, lib);
    store_reuse_free(set);
    return rc;
}

static const char sql_waiting_new[] =
    "SELECT s.effective, s.title FROM schedule s WHERE s.procedure_id = ?1 AND NOT EXISTS"
    " (SELECT 1 FROM procedures p WHERE p.id = ?1 AND p.status = 'live')";

/* Whether id is a new item that only waits for its date: *effective set
 * (YYYYMMDD) and *title its title (caller frees), else *effective 0 and
 * *title NULL. 0, or -1 on a database error or when memory ran out. */
static int admin_waiting_new(struct db *db, const char *id, int *effective, char **title)
{
    sqlite3_stmt *st = db_stmt(db, sql_waiting_new);
    int r, rc = -1;

    *effective = 0;
    *title = NULL;
    if (!st)
        return -1;
    r = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (r == SQLITE_ROW) {
        *effective = sqlite3_column_int(st, 0);
        rc = (*title = strdup(col_text(st, 1) ? col_text(st, 1) : id)) ? 0 : -1;
    } else if (r == SQLITE_DONE) {
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

/* A triage answer to a new item that waits for its `effective` date is
 * left out of the served flow until then (catalog_triage_prune): the admin
 * who links it is told so at the answer, and at the question when no
 * answer of it is left to show (it then ends at the window). 0, or -1. */
static int admin_triage_waiting(struct db *db, const struct triage *t, const char *rel,
                                struct admin_check *out)
{
    size_t i, j, hidden;
    char *title;
    int e, r;

    for (i = 0; i < t->n; i++) {
        const struct triage_question *q = &t->questions[i];
        for (j = hidden = 0; j < q->n_answers; j++) {
            const struct triage_answer *a = &q->answers[j];
            if (a->kind != TRIAGE_PROCEDURE)
                continue;
            if (admin_waiting_new(db, a->target, &e, &title) != 0)
                return -1;
            if (!title)
                continue;
            hidden++;
            r = diag_warn(&out->diags, rel, a->line,
                          "这一项指向的「%s」到 %04d-%02d-%02d 才生效：在那之前居民在分诊里看不到这一项，"
                          "到那天自动出现，不用再改这个文件",
                          title, e / 10000 % 10000, e / 100 % 100, e % 100);
            free(title);
            if (r != 0)
                return -1;
        }
        if (hidden && hidden == q->n_answers &&
            diag_warn(&out->diags, rel, q->line,
                      "这个问题的答案都要到生效那天才显示：在那之前居民在这里只看到「请到综合窗口咨询」") != 0)
            return -1;
    }
    return 0;
}

/* What is at rel's category folder, looked at as a save opens it
 * (library_folder_open): 0 a folder, ELOOP a link (the loader does not
 * read it, and nothing is written through it), ENOENT none or no folder;
 * -1 when memory ran out. */
static int admin_folder_state(const char *root, const char *rel)
{
    const char *name;
    int dfd = library_folder_open(root, rel, &name), err = errno;

    if (dfd >= 0) {
        close(dfd);
        return 0;
    }
    return err == ENOMEM ? -1 : err == ELOOP ? ELOOP : ENOENT;
}

static const char admin_folder_link[] =
    "分类文件夹 %s 是符号链接（指向别处），不会读取，也不能在这里保存；请在服务器上把它换成真正的文件夹";

/* The triage, the directory or a category's README.md: its own problems,
 * and, as errors of its own, the errors its text would cause in other files
 * (a link to an office or a question it no longer has) that the tree on
 * disk does not have. */
static int admin_check_special(struct db *db, const char *root, int today, const char *rel,
                               const char *text, size_t len, struct admin_check *out)
{
    struct library_edit edit = {rel, text, len, false};
    struct library lib, before;
    char *path = admin_path(root, rel), *base = admin_path(root, NULL), *cat = NULL;
    size_t i, bn;
    int rc = -1;

    memset(&lib, 0, sizeof lib);
    memset(&before, 0, sizeof before);
    if (!path || !base)
        goto out;
    bn = strlen(base);
    if (strchr(rel, '/')) {
        int folder;
        if (!(cat = admin_category_of(rel)) || (folder = admin_folder_state(root, rel)) < 0)
            goto out;
        if (folder != 0) {
            rc = diag_error(&out->diags, rel, 1,
                            folder == ELOOP ? admin_folder_link : "分类文件夹 %s 不存在；请先在服务器上建立它",
                            cat) ? -1 : 0;
            goto out;
        }
    }
    if (admin_scan(db, root, today, &edit, &lib) != 0 ||
        admin_scan(db, root, today, NULL, &before) != 0) {
        fprintf(stderr, "spkiosk: admin: cannot read %s to check an edit\n", root);
        goto out;
    }
    /* the calendar's note on its years as the list would give it after
     * the save, said while it can still be acted on; unknown (a calendar
     * on disk that does not parse) is taken as nothing to compare with */
    if (strcmp(rel, WORKDAYS_FILE) == 0 &&
        (before.has_calendar && !before.calendar
             ? library_calendar_note(root, &lib, today)
             : library_calendar_note_edit(root, &lib, today, before.calendar)) != 0)
        goto out;
    for (i = 0; i < lib.diags.n; i++) {
        const struct diag *d = &lib.diags.items[i];
        const char *other = d->file;
        if (strcmp(d->file, path) == 0) {
            if (diag_add(&out->diags, rel, d->line, d->severity, "%s", d->message) != 0)
                goto out;
            continue;
        }
        if (d->severity != DIAG_ERROR || admin_diag_in(&before.diags, d))
            continue;
        if (strncmp(other, base, bn) == 0 && other[bn] == '/')
            other += bn + 1;
        if (diag_error(&out->diags, rel, 1, "这样保存后，%s 第 %d 行会出错：%s", other, d->line,
                       d->message) != 0)
            goto out;
    }
    if (strcmp(rel, TRIAGE_FILE) == 0 && lib.triage && admin_triage_waiting(db, lib.triage, rel, out) != 0)
        goto out;
    /* staff who hold a post the text takes away: said, never refused (the
     * accounts are the IT officer's to move); a text with errors is not
     * saved, so it takes nothing away */
    if (strcmp(rel, POSTS_FILE) == 0 && lib.posts_ok &&
        accounts_posts_held(db, lib.posts, rel, &out->diags) != 0)
        goto out;
    diag_list_sort(&out->diags);
    rc = 0;
out:
    library_free(&lib);
    library_free(&before);
    free(path);
    free(base);
    free(cat);
    return rc;
}

/* A procedure's edit against its practice file: what the scenarios would
 * say, as warnings of the procedure (a broken scenario never stops a
 * procedure; it is an error of the practice file once saved). */
static int admin_check_practice(const struct library *lib, const struct lib_file *f, int today,
                                struct admin_check *out)
{
    const char *base;
    char when[48];
    size_t i, j;

    admin_when(f, today, when);
    for (i = 0; i < lib->n_practices; i++) {
        const struct lib_practice *x = &lib->practices[i];
        if (x->file < 0 || &lib->files[x->file] != f || x->status != LIB_PRACTICE_FAILED)
            continue;
        base = strrchr(x->rel, '/') ? strrchr(x->rel, '/') + 1 : x->rel;
        for (j = 0; j < lib->diags.n; j++) {
            const struct diag *d = &lib->diags.items[j];
            if (d->severity == DIAG_ERROR && strcmp(d->file, x->path) == 0 &&
                diag_warn(&out->diags, f->rel, 1,
                          "练习文件 %s 第 %d 行会出错：%s（%s，这个事项的练习会暂停，直到练习文件改好）",
                          base, d->line, d->message, when) != 0)
                return -1;
        }
    }
    return 0;
}

/* The words of the notice on passes: who holds them (n whole, p in part). */
static int admin_lapse_who(struct strbuf *sb, int n, int p)
{
    return n > 0 ? strbuf_printf(sb, "%d 名工作人员的练习通过", n)
                 : strbuf_printf(sb, "%d 名工作人员已做对的部分练习题", p);
}

/* the waiting text the file at ?1 holds, by its hash ?2: its date */
static const char sql_waiting_date[] = "SELECT effective FROM schedule WHERE path = ?1 AND hash = ?2";

/* Whether the mark 只改了错别字或措辞 would be honoured for a text going
 * live now (a->mark_applies), as admin_save_as decides it: the file at
 * path must hold the live version's text; and when it holds a text
 * waiting for its date instead, that date (a->waiting). A live fix
 * (admin_fix_live) writes over the waiting text by design: it applies.
 * The notice said 勾上……保留 where the save then ignored the box (the
 * admin had removed the waiting text's date, or 撤回排期 and edited). 0 or
 * -1 (memory, the database). */
static int admin_lapse_mark(struct db *db, const char *rel, const char *path, bool live_fix,
                            const struct practice_play_lapse *l, struct admin_lapse *a)
{
    char *text = NULL, *day = NULL, hash[65];
    size_t len = 0;
    int r;

    a->mark_applies = live_fix;
    a->waiting = 0;
    if (live_fix)
        return 0;
    /* unreadable or too large: no live text there, as the save finds it */
    if ((r = library_read_file(path, PROCEDURE_FILE_MAX, &text, &len)) != 0)
        return r < 0 && errno == ENOMEM ? -1 : 0;
    library_hash(text, len, hash);
    free(text);
    a->mark_applies = l->live_hash[0] && strcmp(hash, l->live_hash) == 0;
    if (a->mark_applies)
        return 0;
    if (admin_query_one(db, sql_waiting_date, rel, hash, &day) != 0)
        return -1;
    a->waiting = day ? atoi(day) : 0;
    free(day);
    return 0;
}

/* What saving the text would do to the staff's practice passes (网页模拟,
 * the AB岗 grid), said before the save as a warning at line 1: an admin
 * who fixed a condition found the hall short the next morning, told
 * nothing. Only when the text would hold its passes to another practice
 * key than the live version's and active staff hold passes there (one
 * query, practice_play_lapse_read); never an error. 0, or -1 (nothing
 * said then, out->lapse.said false). */
static int admin_check_lapse(struct db *db, int today, const char *rel, const char *path, bool live_fix,
                             struct admin_check *out)
{
    const struct procedure *p = out->model;
    struct practice_play_lapse l;
    struct strbuf sb = STRBUF_INIT;
    char key[RENDER_PRACTICE_KEY_LEN + 1], was[RENDER_PRACTICE_KEY_LEN + 1],
        now[RENDER_PRACTICE_KEY_LEN + 1];
    char *detail = NULL, *msg = NULL;
    struct admin_lapse *a = &out->lapse;
    int rc = -1, e;

    memset(&l, 0, sizeof l);
    if (render_practice_key(p, key) != 0 || practice_play_lapse_read(db, p->id, out->hash, key, &l) != 0)
        goto out;
    if (!l.live || !l.changes || (l.passes == 0 && l.partial == 0)) {
        rc = 0;
        goto out;
    }
    /* a live detail that no longer reads as one is no match, as the save
     * has it (store_practice_hold) */
    if (!(detail = render_procedure_detail(p)))
        goto out;
    a->wording_only = render_practice_shape(l.live_detail, was) == 0 &&
                      render_practice_shape(detail, now) == 0 && strcmp(was, now) == 0;
    a->passes = l.passes;
    a->partial = l.partial;
    a->left = l.left;
    a->effective = store_scheduled(p->effective, today) ? p->effective : 0;
    e = a->effective;
    if (!e && admin_lapse_mark(db, rel, path, live_fix, &l, a) != 0)
        goto out;
    if (strbuf_puts(&sb, "练习：") != 0)
        goto out;
    if (!e && a->wording_only && !a->mark_applies) {
        /* the box would be ignored: the file holds another text than the
         * one residents read (admin_save_as) */
        if ((a->waiting ? strbuf_printf(&sb, "这次只改了办理条件、材料或字段的文字，但文件里现在是 %04d-%02d-%02d "
                                             "生效的新版本（排期）：这样保存，这段文字马上上线、不再排期，",
                                        a->waiting / 10000 % 10000, a->waiting / 100 % 100, a->waiting % 100)
                        : strbuf_puts(&sb, "这次只改了办理条件、材料或字段的文字，但文件里现在的内容不是在用的版本，")) != 0 ||
            strbuf_puts(&sb, "勾上「只改了错别字或措辞」也按更新算，保存后，") != 0 ||
            admin_lapse_who(&sb, l.passes, l.partial) != 0)
            goto out;
    } else if (!e && a->wording_only) {
        /* the one case the box decides */
        if (strbuf_puts(&sb, "这次只改了办理条件、材料或字段的文字。勾上「只改了错别字或措辞」再保存，") != 0 ||
            admin_lapse_who(&sb, l.passes, l.partial) != 0 ||
            strbuf_puts(&sb, "保留；不勾的话，保存后就") != 0)
            goto out;
    } else if (!e) {
        if (strbuf_puts(&sb, "这次改了窗口要核对的内容（办理条件、材料、字段、规则或 {if}），保存后，") != 0 ||
            admin_lapse_who(&sb, l.passes, l.partial) != 0)
            goto out;
    } else {
        /* a text that waits for its date: its going live is an update
         * whatever the box says (admin_save_as), and until then the live
         * version's passes still count (practice_play.h) */
        if (strbuf_printf(&sb, "这个新版本%s，到 %04d-%02d-%02d 新版本生效时，",
                          a->wording_only ? "只改了办理条件、材料或字段的文字，但排期的新版本勾「只改了错别字或措辞」也按更新算"
                                          : "改了窗口要核对的内容（办理条件、材料、字段、规则或 {if}）",
                          e / 10000 % 10000, e / 100 % 100, e % 100) != 0 ||
            admin_lapse_who(&sb, l.passes, l.partial) != 0)
            goto out;
    }
    if (strbuf_puts(&sb, "作废，要重新练习") != 0 ||
        (l.passes > 0 && l.partial > 0 &&
         strbuf_printf(&sb, "（另有 %d 人做对了一部分练习题，也要从头做）", l.partial) != 0))
        goto out;
    if (e && strbuf_puts(&sb, "；在那之前仍算数，保存后练习马上按新版本出题") != 0)
        goto out;
    if (e) {
        /* staff may pass the new version before its day: who has is said */
        if (strbuf_printf(&sb, "。按新版本的内容，现在通过的有 %d 人", l.left) != 0 ||
            (l.left < 2 && strbuf_puts(&sb, "，不足两人：请安排大家在生效前按新版本练习，否则到那天练习通过页（AB岗）"
                                            "会把这个事项标成「不足两人」") != 0))
            goto out;
    } else if ((l.left == 0 ? strbuf_puts(&sb, "。之后没有人能办理这个事项")
                            : strbuf_printf(&sb, "。之后能办理这个事项的%s %d 人（以前按这样的内容通过、还没过期的）",
                                            l.left < 2 ? "只有" : "还有", l.left)) != 0 ||
               (l.left < 2 && strbuf_puts(&sb, "，不足两人：练习通过页（AB岗）会把它标成「不足两人」") != 0)) {
        goto out;
    }
    if (strbuf_puts(&sb, "。") != 0)
        goto out;
    if (!e && !a->wording_only &&
        strbuf_puts(&sb, "勾上「只改了错别字或措辞」也保留不了：只有只改了文字的修改才能保留练习通过。") != 0)
        goto out;
    if (!e && a->wording_only && a->waiting &&
        strbuf_puts(&sb, "只改在用版本的错字、保留排期的新版本的话，请点「重新载入文件」，再点排期说明旁的"
                         "「只改在用版本（排期的新版本不变）」，改好后勾上再保存，练习通过保留。") != 0)
        goto out;
    if (!(msg = strbuf_take(&sb)) || diag_warn(&out->diags, rel, 1, "%s", msg) != 0)
        goto out;
    a->said = true;
    a->said_text = msg;
    msg = NULL;
    rc = 0;
out:
    strbuf_free(&sb);
    free(msg);
    free(detail);
    practice_play_lapse_free(&l);
    return rc;
}

int admin_check(struct db *db, const char *root, int today, const char *rel, const char *text,
                size_t len, struct admin_check *out)
{
    return admin_check_as(db, root, today, rel, text, len, false, out);
}

int admin_check_as(struct db *db, const char *root, int today, const char *rel, const char *text,
                   size_t len, bool live_fix, struct admin_check *out)
{
    struct library_edit edit = {rel, text, len, false};
    struct library lib;
    struct lib_file *f;
    char *path = admin_path(root, rel), *cat = admin_category_of(rel);
    size_t i;
    int rc = -1;

    memset(out, 0, sizeof *out);
    memset(&lib, 0, sizeof lib);
    library_hash(text ? text : "", text ? len : 0, out->hash);
    if (admin_rel_special(rel)) {
        rc = admin_check_special(db, root, today, rel, text, len, out);
        goto out;
    }
    if (!path || !cat)
        goto out;
    if (admin_scan(db, root, today, &edit, &lib) != 0) {
        fprintf(stderr, "spkiosk: admin: cannot read %s to check an edit\n", root);
        goto out;
    }
    if (!(f = admin_lib_file(&lib, rel))) {
        /* its folder was not read: missing, a link, or refused (see the
         * list) */
        int folder = admin_folder_state(root, rel);
        if (folder < 0)
            goto out;
        if (folder == 0)
            diag_error(&out->diags, rel, 1, "分类文件夹 %s 有问题，里面的文件没有读取；请先看事项列表里的问题", cat);
        else if (folder == ELOOP)
            diag_error(&out->diags, rel, 1, admin_folder_link, cat);
        else
            diag_error(&out->diags, rel, 1, "分类文件夹 %s 不存在；请先在服务器上建立它和它的 README.md", cat);
        rc = out->diags.oom ? -1 : 0;
        goto out;
    }
    for (i = 0; i < lib.diags.n; i++) {
        const struct diag *d = &lib.diags.items[i];
        if (strcmp(d->file, path) == 0 &&
            diag_add(&out->diags, rel, d->line, d->severity, "%s", d->message) != 0)
            goto out;
    }
    if (admin_check_cross(db, rel, &lib, f, today, out) != 0 ||
        admin_check_practice(&lib, f, today, out) != 0)
        goto out;
    if (out->diags.errors == 0 && f->status == LIB_PARSED) {
        out->model = f->model;
        f->model = NULL;
        /* a notice, not the check: the save goes on without it */
        if (admin_check_lapse(db, today, rel, path, live_fix, out) != 0)
            fprintf(stderr, "spkiosk: admin: cannot tell what saving %s does to practice passes\n", rel);
    }
    diag_list_sort(&out->diags);
    rc = 0;
out:
    library_free(&lib);
    free(path);
    free(cat);
    return rc;
}

void admin_check_free(struct admin_check *c)
{
    diag_list_free(&c->diags);
    free(c->lapse.said_text);
    c->lapse.said_text = NULL;
    procedure_free(c->model);
    c->model = NULL;
}

/* ---- saving ------------------------------------------------------------ */

bool admin_if_match(const char *if_match, const char *hash, bool exists)
{
    const char *p = if_match;
    size_t hn = strlen(hash);

    if (!if_match)
        return false;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strcmp(p, "*") == 0)
        return exists;
    if (!exists || hn == 0)
        return false;
    /* a comma-separated list of strong tags; a weak W/"…" never matches */
    while (*p) {
        const char *start, *end;
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        start = p;
        while (*p && *p != ',')
            p++;
        end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end - start >= 2 && start[0] == '"' && end[-1] == '"') {
            start++;
            end--;
        }
        if ((size_t)(end - start) == hn && memcmp(start, hash, hn) == 0)
            return true;
    }
    return false;
}

/* Writes text to a new temporary file ".NAME.XXXXXX" in the folder open as
 * dfd, beside its file name (a leading dot: the loader and the watcher
 * ignore it), and fsyncs it, so that the rename that follows leaves the
 * old file or the new one, never half of one. Made with O_CREAT|O_EXCL in
 * that folder: never a file or a link that is there already. mode is the
 * new file's permission bits. Returns 0 with *tmp (its name in the folder;
 * the caller frees it and removes the file unless renamed), or -1 with
 * errno kept for the log and nothing left behind. */
#define ADMIN_TEMP_TRIES 100
static int admin_write_temp(int dfd, const char *name, const char *text, size_t len, mode_t mode,
                            char **tmp)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    struct strbuf sb = STRBUF_INIT;
    size_t off = 0, i;
    int fd = -1, rc = -1, saved = 0, tries;
    bool made = false;

    *tmp = NULL;
    errno = EEXIST;
    for (tries = 0; fd < 0 && tries < ADMIN_TEMP_TRIES && errno == EEXIST; tries++) {
        sb.len = 0;
        if (strbuf_printf(&sb, ".%s.XXXXXX", name) != 0)
            goto out;
        for (i = sb.len - 6; i < sb.len; i++)
            sb.data[i] = digits[randombytes_uniform(sizeof digits - 1)];
        fd = openat(dfd, sb.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
    if (fd < 0)
        goto out;
    made = true;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            goto out;
        }
        off += (size_t)w;
    }
    if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
        goto out;
    if (close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    *tmp = strbuf_take(&sb);
    made = false;
    rc = 0;
out:
    saved = errno;
    if (fd >= 0)
        close(fd);
    if (made)
        unlinkat(dfd, sb.data, 0);
    strbuf_free(&sb);
    errno = saved;
    return rc;
}

/* Renames tmp to name in the folder dfd when nothing is at name: a file
 * made there since the last look (a pull, an editor) is never replaced.
 * 0, or -1 with errno (EEXIST: something is there). A file system without
 * RENAME_NOREPLACE gets a hard link and the temporary name removed, which
 * refuses an existing name the same way. */
static int admin_rename_new(int dfd, const char *tmp, const char *name)
{
    if (renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    if (linkat(dfd, tmp, dfd, name, 0) != 0)
        return -1;
    if (unlinkat(dfd, tmp, 0) != 0)
        fprintf(stderr, "spkiosk: admin: cannot remove the temporary file %s: %s\n", tmp, strerror(errno));
    return 0;
}

/* What is at a file's path, as far as If-Match is concerned. */
struct admin_disk {
    bool exists;
    bool other;             /* something that is not a regular file */
    char hash[65];          /* sha256 of the content; "" when it cannot be read */
    mode_t mode;            /* its permission bits (0644 when not there) */
    /* for a file that cannot be read (over the cap, no permission): the
     * best a comparison can use instead of the hash */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

/* path relative to the folder open as dfd (AT_FDCWD: as it is) */
static void admin_disk_read_at(int dfd, const char *path, struct admin_disk *d)
{
    char *text = NULL;
    size_t len = 0;
    struct stat st;
    int r, err;

    memset(d, 0, sizeof *d);
    d->mode = 0644;
    r = library_read_file_at(dfd, path, PROCEDURE_FILE_MAX, &text, &len);
    err = errno;
    if (r == 0)
        library_hash(text, len, d->hash);
    free(text);
    if (r < 0 && err == ENOENT)
        return;
    if (r < 0) {
        /* there, but not a file we can read: only If-Match: * may replace it */
        if (fstatat(dfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0)
            return;
        d->other = !S_ISREG(st.st_mode);
    }
    d->exists = true;
    if (fstatat(dfd, path, &st, 0) == 0) {
        d->mode = st.st_mode & 07777;
        d->dev = st.st_dev;
        d->ino = st.st_ino;
        d->size = st.st_size;
        d->mtime = st.st_mtim;
    }
}

static void admin_disk_read(const char *path, struct admin_disk *d)
{
    admin_disk_read_at(AT_FDCWD, path, d);
}

/* True when nothing has touched the file between the two reads. The
 * content decides (a checkout that writes the same bytes is no change);
 * an unreadable file has only its identity, size and mtime. */
static bool admin_disk_same(const struct admin_disk *a, const struct admin_disk *b)
{
    if (a->exists != b->exists || a->other != b->other || strcmp(a->hash, b->hash) != 0)
        return false;
    if (!a->exists || a->hash[0])
        return true;
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Why the file is not what the request expects, or ADMIN_SAVED when it is
 * (if_match NULL: a file to create, that must not exist). */
static enum admin_outcome admin_precondition(const struct admin_disk *d, const char *if_match)
{
    if (d->other)
        return ADMIN_CHANGED;
    if (!if_match)
        return d->exists ? ADMIN_EXISTS : ADMIN_SAVED;
    if (!d->exists)
        return ADMIN_MISSING;
    return admin_if_match(if_match, d->hash, true) ? ADMIN_SAVED : ADMIN_CHANGED;
}

struct admin_pending {
    char *path;                 /* root/rel, for the log */
    char *rel;
    const char *name;           /* rel's last component, in rel */
    /* rel's folder, opened once without following a link below the root
     * (library_folder_open): the temporary file is made, compared and
     * renamed in it, never through a link swapped in since; -1 until open */
    int dfd;
    struct stat folder;         /* its identity, for the commit's look */
    char *tmp;                  /* the temporary file in it, until renamed */
    struct admin_disk seen;     /* the file when If-Match was compared */
};

static void admin_pending_free(struct admin_pending *p)
{
    if (!p)
        return;
    if (p->tmp && p->dfd >= 0)
        unlinkat(p->dfd, p->tmp, 0);
    if (p->dfd >= 0)
        close(p->dfd);
    free(p->tmp);
    free(p->path);
    free(p->rel);
    free(p);
}

static const char sql_live_hash[] =
    "SELECT hash FROM procedures WHERE id = ?1 AND status = 'live'";

/* admin_save_prepare, the text checked as a live fix when live_fix
 * (admin_check_as) */
static int admin_save_prepare_as(struct db *db, const char *root, const char *rel, const char *text,
                                 size_t len, const char *if_match, bool live_fix,
                                 struct admin_check *check, struct admin_saved *res,
                                 struct admin_pending **pending)
{
    struct admin_pending *p;
    int rc = -1;

    memset(check, 0, sizeof *check);
    memset(res, 0, sizeof *res);
    *pending = NULL;
    if (!(p = calloc(1, sizeof *p)))
        return -1;
    p->dfd = -1;
    if (!(p->path = admin_path(root, rel)) || !(p->rel = strdup(rel)))
        goto out;
    /* The file is read in its folder opened without following a link: a
     * category folder that is a link is no folder of the library (the
     * loader does not read it, its target may be anywhere), so nothing in
     * it is compared, and an edit there is refused as changed, as for a
     * file that is a link. A new file's check says what is wrong with the
     * folder (422). No folder yet: no file either, as before. */
    if ((p->dfd = library_folder_open(root, p->rel, &p->name)) >= 0) {
        admin_disk_read_at(p->dfd, p->name, &p->seen);
    } else {
        int err = errno;
        if (err == ENOMEM)
            goto out;
        memset(&p->seen, 0, sizeof p->seen);
        p->seen.mode = 0644;
        p->seen.other = err == ELOOP && if_match;
    }
    memcpy(res->current, p->seen.hash, sizeof res->current);
    if ((res->outcome = admin_precondition(&p->seen, if_match)) != ADMIN_SAVED) {
        rc = 0;
        goto out;
    }
    if (admin_check_as(db, root, clock_today(), rel, text, len, live_fix, check) != 0)
        goto out;
    if (check->diags.errors > 0 || (!check->model && !admin_rel_special(rel))) {
        res->outcome = ADMIN_INVALID;
        rc = 0;
        goto out;
    }
    /* not there (or a link) at the first look, and the check passed: the
     * folder must be one now, or nothing is written */
    if (p->dfd < 0 && (p->dfd = library_folder_open(root, p->rel, &p->name)) < 0) {
        if (errno == ENOMEM)
            goto out;
        res->outcome = ADMIN_CHANGED;
        rc = 0;
        goto out;
    }
    if (fstat(p->dfd, &p->folder) != 0 ||
        admin_write_temp(p->dfd, p->name, text ? text : "", text ? len : 0, p->seen.mode, &p->tmp) != 0) {
        fprintf(stderr, "spkiosk: admin: cannot write beside %s: %s\n", p->path, strerror(errno));
        goto out;
    }
    *pending = p;
    p = NULL;
    rc = 1;
out:
    admin_pending_free(p);
    return rc;
}

int admin_save_prepare(struct db *db, const char *root, const char *rel, const char *text,
                       size_t len, const char *if_match, struct admin_check *check,
                       struct admin_saved *res, struct admin_pending **pending)
{
    return admin_save_prepare_as(db, root, rel, text, len, if_match, false, check, res, pending);
}

int admin_save_commit(struct db *db, const char *root, struct admin_pending *p,
                      const struct admin_check *check, struct admin_saved *res)
{
    struct admin_disk now;
    struct stat st;
    const char *name;
    char *live = NULL;
    int dfd, rc = -1;

    /* The check of the whole tree took a while: the folder the temporary
     * file is in must still be rel's folder, looked up again without
     * following a link. Swapped for a link (to a folder outside the
     * library, or to another category), moved away or deleted since, it
     * is not where the admin's file is: nothing is written, rather than
     * the text landing in the link's target or in a folder the library no
     * longer reads. From here on everything goes through p->dfd, so a swap
     * after this look changes nothing either. */
    dfd = library_folder_open(root, p->rel, &name);
    if (dfd < 0 || fstat(dfd, &st) != 0 || st.st_dev != p->folder.st_dev || st.st_ino != p->folder.st_ino) {
        bool gone = dfd < 0 && errno == ENOENT;
        if (dfd < 0 && errno == ENOMEM)
            goto out;
        fprintf(stderr, "spkiosk: admin: %s not saved: its folder is %s since the check\n", p->path,
                gone ? "gone" : dfd < 0 && errno == ELOOP ? "a symbolic link" : "another one");
        res->outcome = gone && p->seen.exists ? ADMIN_MISSING : ADMIN_CHANGED;
        res->folder_moved = true;
        res->current[0] = '\0';
        rc = 0;
        goto out;
    }
    /* an editor or a git pull may have written the file since If-Match
     * was compared */
    admin_disk_read_at(p->dfd, p->name, &now);
    if (!admin_disk_same(&p->seen, &now)) {
        res->outcome = !p->seen.exists ? ADMIN_EXISTS : now.exists ? ADMIN_CHANGED : ADMIN_MISSING;
        memcpy(res->current, now.hash, sizeof res->current);
        rc = 0;
        goto out;
    }
    /* a new file never replaces one made between that read and here */
    if (p->seen.exists ? renameat(p->dfd, p->tmp, p->dfd, p->name) != 0
                       : admin_rename_new(p->dfd, p->tmp, p->name) != 0) {
        if (!p->seen.exists && errno == EEXIST) {
            admin_disk_read_at(p->dfd, p->name, &now);
            res->outcome = ADMIN_EXISTS;
            memcpy(res->current, now.hash, sizeof res->current);
            rc = 0;
            goto out;
        }
        fprintf(stderr, "spkiosk: admin: cannot write %s: %s\n", p->path, strerror(errno));
        goto out;
    }
    free(p->tmp);
    p->tmp = NULL;
    /* From here on the file is the new one: whatever fails, the save is
     * done and the load must run, or the client would be told that
     * nothing changed while the file on disk did. */
    if (fsync(p->dfd) != 0)
        fprintf(stderr, "spkiosk: admin: %s is saved, but its folder could not be synced (%s):"
                        " a power cut now may bring back the old file\n", p->path, strerror(errno));
    /* the watcher will see the rename too; its load then finds nothing new */
    res->stored = true;
    if (loader_run(db, root) != 0) {
        /* the file is saved but the database took nothing of it (a full
         * disk): the kiosk serves the previous text until the daemon's
         * retry stores it, which the admin must be told */
        fprintf(stderr, "spkiosk: admin: %s is saved, but the database could not store it: "
                        "it goes live once the database can be written again\n", p->path);
        res->stored = false;
    } else if (!check->model) {
        /* a special file: refused with any error, so the load took it */
        res->live = true;
    } else if (admin_query_one(db, sql_live_hash, check->model->id, NULL, &live) != 0) {
        fprintf(stderr, "spkiosk: admin: %s is saved, but whether it went live is unknown\n",
                p->path);
    } else {
        res->live = live && strcmp(live, check->hash) == 0;
    }
    res->outcome = ADMIN_SAVED;
    rc = 0;
out:
    if (dfd >= 0)
        close(dfd);
    free(live);
    admin_pending_free(p);
    return rc;
}

/* After a save that kept the practice passes (the box honoured on a
 * words-only change): the check's notice said, before the save, what the
 * box would keep and that without it they lapse and the item goes short,
 * which the save's answer then carried as a warning an API client reads
 * as what happened. Taken out; said false. */
static void admin_lapse_kept(const char *rel, const struct admin_saved *res, struct admin_check *check)
{
    struct diag_list said = DIAG_LIST_INIT;
    struct admin_lapse *a = &check->lapse;

    if (!res->editorial || !a->said || !a->wording_only || a->effective || !a->said_text)
        return;
    /* out of memory: the notice stays, as before */
    if (diag_warn(&said, rel, 1, "%s", a->said_text) == 0) {
        diag_list_drop_seen(&check->diags, &said);
        a->said = false;
    }
    diag_list_free(&said);
}

int admin_save_as(struct db *db, const char *root, const char *rel, const char *text, size_t len,
                  const char *if_match, bool editorial, struct admin_check *check,
                  struct admin_saved *res)
{
    struct admin_pending *p = NULL;
    int rc;

    pthread_mutex_lock(&admin_save_lock);
    rc = admin_save_prepare(db, root, rel, text, len, if_match, check, res, &p);
    if (rc == 1) {
        char *live = NULL;
        /* an edit of the text residents read now, nothing else: a file
         * holding a waiting version (its going live is news, whatever its
         * date now says), a broken one or another id's is no typo fix */
        editorial = editorial && check->model &&
                    admin_query_one(db, sql_live_hash, check->model->id, NULL, &live) == 0 && live &&
                    strcmp(live, res->current) == 0;
        free(live);
        /* marked before the rename: the watcher may load it first */
        if (editorial)
            store_editorial_set(check->hash);
        rc = admin_save_commit(db, root, p, check, res);
        if (editorial)
            store_editorial_set(NULL);
        res->editorial = editorial && rc == 0 && res->outcome == ADMIN_SAVED && res->live;
        admin_lapse_kept(rel, res, check);
    }
    pthread_mutex_unlock(&admin_save_lock);
    return rc;
}

int admin_save(struct db *db, const char *root, const char *rel, const char *text, size_t len,
               const char *if_match, struct admin_check *check, struct admin_saved *res)
{
    return admin_save_as(db, root, rel, text, len, if_match, false, check, res);
}

/* ---- retiring an item (停办) -------------------------------------------- */

/* Cases of the item not finished, by where they stand: a retired item
 * keeps them on their pinned version (cases.h), the confirmation says so */
static const char sql_retire_cases[] =
    "SELECT count(*) FILTER (WHERE status = 'open'),"
    " count(*) FILTER (WHERE status IN ('waiting', 'visit')),"
    " count(*) FILTER (WHERE status IN ('accepted', 'returned', 'ready'))"
    " FROM cases WHERE procedure_id = ?1";

/* The name a retired item's practice file is moved to, beside it:
 * "CAT/.STEM.practice.md.retired" (a leading dot: the loader, the checker
 * and the watcher pass it by). Left where it was, the file was an error of
 * the library (旁边没有事项文件) after every retirement, which /metrics
 * counts; deleted, 恢复 could not give the scenarios back (the database
 * keeps only their last good text). path: root/rel of the practice file.
 * NULL when memory ran out. */
static char *admin_practice_aside(const char *path)
{
    const char *slash = strrchr(path, '/');
    struct strbuf sb = STRBUF_INIT;

    if (!slash || strbuf_printf(&sb, "%.*s/.%s.retired", (int)(slash - path), path, slash + 1) != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

/* The practice file beside the procedure file rel ("CAT/STEM.md"):
 * "CAT/STEM.practice.md", whether it exists or not (caller frees). NULL
 * when memory ran out or rel has no ".md". */
static char *admin_practice_beside(const char *rel)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = strlen(rel);

    if (n < 3 || strcmp(rel + n - 3, ".md") != 0 ||
        strbuf_printf(&sb, "%.*s%s", (int)(n - 3), rel, PRACTICE_SUFFIX) != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

/* The set-aside practice file of the procedure file rel ("CAT/STEM.md"):
 * "CAT/.STEM.practice.md.retired", whether it has a practice file or not.
 * NULL when memory ran out or rel has no ".md". */
static char *admin_retired_practice(const char *rel)
{
    char *prel = admin_practice_beside(rel), *aside = prel ? admin_practice_aside(prel) : NULL;

    free(prel);
    return aside;
}

/* An earlier retirement's practice file still set aside at aside (an item
 * made again under the same name, never restored, then retired again) is
 * no part of this one: renamed to aside.1, .2, … (the first free, never
 * over a file), so that this retirement's own goes there without
 * overwriting it, and 恢复 of this version never brings back another
 * version's scenarios (a review: the first was overwritten, or restored
 * beside the second's text). aside is relative to the folder dfd
 * (AT_FDCWD: a path), shown is its name in the log. 0 when the name is
 * free now, -1 (logged) when it is not. */
#define ADMIN_ASIDE_KEEP_MAX 99
static int admin_aside_free(int dfd, const char *aside, const char *shown)
{
    struct strbuf sb = STRBUF_INIT;
    struct stat st;
    int i, rc = -1;

    if (fstatat(dfd, aside, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
        return 0;
    for (i = 1; i <= ADMIN_ASIDE_KEEP_MAX && rc != 0; i++) {
        sb.len = 0;
        if (strbuf_printf(&sb, "%s.%d", aside, i) != 0)
            break;
        if (renameat2(dfd, aside, dfd, sb.data, RENAME_NOREPLACE) == 0)
            rc = 0;
        else if (errno != EEXIST)
            break;
    }
    if (rc != 0)
        fprintf(stderr, "spkiosk: admin: %s is an earlier retirement's practice file and could not be "
                        "renamed out of the way (%s)\n", shown, errno == EEXIST ? "too many kept" : strerror(errno));
    strbuf_free(&sb);
    return rc;
}

void admin_retire_free(struct admin_retire *r)
{
    diag_list_free(&r->breaks);
    free(r->practice_rel);
    r->practice_rel = NULL;
}

int admin_retire_check(struct db *db, const char *root, int today, const char *id,
                       const char *rel, struct admin_retire *out)
{
    struct library_edit edit = {rel, NULL, 0, true};
    struct library lib, before;
    struct admin_disk disk;
    sqlite3_stmt *st;
    char *path = admin_path(root, rel), *base = admin_path(root, NULL), *prel = NULL, *ppath = NULL;
    struct stat sb;
    size_t i, bn;
    int rc = -1, r;

    memset(out, 0, sizeof *out);
    memset(&lib, 0, sizeof lib);
    memset(&before, 0, sizeof before);
    if (!path || !base || strlen(rel) < 3)
        goto out;
    bn = strlen(base);
    admin_disk_read(path, &disk);
    out->exists = disk.exists && !disk.other;
    memcpy(out->hash, disk.hash, sizeof out->hash);
    /* the practice file beside it stays: the check then says to delete it
     * with the item, and a restored item finds its scenarios again */
    if (!(prel = admin_practice_beside(rel)) || !(ppath = admin_path(root, prel)))
        goto out;
    if (lstat(ppath, &sb) == 0 && S_ISREG(sb.st_mode)) {
        out->practice_rel = prel;
        prel = NULL;
    }
    if (!(st = db_stmt(db, sql_retire_cases)))
        goto out;
    r = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (r == SQLITE_ROW) {
        out->cases_open = sqlite3_column_int(st, 0);
        out->cases_queued = sqlite3_column_int(st, 1);
        out->cases_in_hand = sqlite3_column_int(st, 2);
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW)
        goto out;
    if (admin_scan(db, root, today, &edit, &lib) != 0 ||
        admin_scan(db, root, today, NULL, &before) != 0) {
        fprintf(stderr, "spkiosk: admin: cannot read %s to check a retirement\n", root);
        goto out;
    }
    /* only a file the library reads is an item to retire: a category
     * folder that is a symbolic link is not read (its target may be
     * anywhere, and a commit can make one), and a ?file= through it
     * deleted a file outside the library */
    for (i = 0; i < before.n_files && strcmp(before.files[i].rel, rel) != 0; i++)
        ;
    if (i == before.n_files)
        out->exists = false;
    /* what the tree would newly refuse without the file (a triage answer
     * or another item linking it): that file would stop loading */
    for (i = 0; i < lib.diags.n; i++) {
        const struct diag *d = &lib.diags.items[i];
        const char *other = d->file;
        if (d->severity != DIAG_ERROR || admin_diag_in(&before.diags, d) ||
            (out->practice_rel && strcmp(d->file, ppath) == 0))
            continue;
        if (strncmp(other, base, bn) == 0 && other[bn] == '/')
            other += bn + 1;
        if (diag_error(&out->breaks, other, d->line, "%s", d->message) != 0)
            goto out;
    }
    diag_list_sort(&out->breaks);
    rc = 0;
out:
    library_free(&lib);
    library_free(&before);
    free(path);
    free(base);
    free(prel);
    free(ppath);
    return rc;
}

int admin_retire(struct db *db, const char *root, int today, const char *id, const char *rel,
                 const char *if_match, struct admin_retire *impact, struct admin_saved *res)
{
    struct admin_disk seen, now;
    char *path = admin_path(root, rel), *live = NULL, *aside = NULL, *cat = NULL;
    const char *name, *pname = NULL, *aname = NULL;
    int dfd = -1, rc = -1;

    memset(res, 0, sizeof *res);
    memset(impact, 0, sizeof *impact);
    if (!path)
        return -1;
    pthread_mutex_lock(&admin_save_lock);
    admin_disk_read(path, &seen);
    if ((res->outcome = admin_precondition(&seen, if_match)) != ADMIN_SAVED) {
        memcpy(res->current, seen.hash, sizeof res->current);
        rc = 0;
        goto out;
    }
    if (admin_retire_check(db, root, today, id, rel, impact) != 0)
        goto out;
    if (!impact->exists) {
        res->outcome = ADMIN_MISSING;
        rc = 0;
        goto out;
    }
    if (impact->breaks.n) {
        res->outcome = ADMIN_INVALID;
        rc = 0;
        goto out;
    }
    /* From here on, through the category folder opened once without
     * following a link: the check found it a folder of the library, not a
     * link (never followed: its target may be anywhere), but a folder
     * swapped for a link since would have sent the deletion and the
     * practice file's rename, made by path, to the link's target. A link
     * now is ELOOP: not a file the library reads, as the check says. */
    if ((dfd = library_folder_open(root, rel, &name)) < 0) {
        if (errno == ENOMEM)
            goto out;
        res->outcome = errno == ENOENT ? ADMIN_MISSING : ADMIN_CHANGED;
        rc = 0;
        goto out;
    }
    if (!(cat = admin_category_of(rel)))
        goto out;
    /* the check took a while: an editor or a pull may have written it;
     * read in the folder that is then changed */
    admin_disk_read_at(dfd, name, &now);
    if (!admin_disk_same(&seen, &now)) {
        res->outcome = now.exists ? ADMIN_CHANGED : ADMIN_MISSING;
        memcpy(res->current, now.hash, sizeof res->current);
        rc = 0;
        goto out;
    }
    /* the aside's name is the file's, whether it has a practice file or not */
    if (impact->practice_rel && strncmp(impact->practice_rel, rel, strlen(cat) + 1) != 0)
        goto out;
    if (!(aside = admin_retired_practice(rel)))
        goto out;
    pname = impact->practice_rel ? impact->practice_rel + strlen(cat) + 1 : NULL;
    aname = aside + strlen(cat) + 1;
    if (unlinkat(dfd, name, 0) != 0) {
        fprintf(stderr, "spkiosk: admin: cannot delete %s: %s\n", path, strerror(errno));
        goto out;
    }
    /* The item first, its practice file after: a crash (or a failed
     * rename) between the two leaves the practice file beside nothing,
     * an error the console and /metrics show until it is deleted or the
     * item restored. The other order left the item live with its
     * scenarios silently gone from practice and the AB岗 grid (a review). */
    if (admin_aside_free(dfd, aname, aside) != 0) {
        if (pname)
            fprintf(stderr, "spkiosk: admin: %s is deleted, but its practice file %s was left where it "
                            "is: delete it, or 恢复 the item\n", path, impact->practice_rel);
    } else if (pname && renameat2(dfd, pname, dfd, aname, RENAME_NOREPLACE) != 0) {
        fprintf(stderr, "spkiosk: admin: %s is deleted, but its practice file %s could not be moved "
                        "aside (%s): delete it, or 恢复 the item\n", path, impact->practice_rel, strerror(errno));
    }
    if (fsync(dfd) != 0)
        fprintf(stderr, "spkiosk: admin: %s is deleted, but its folder could not be synced (%s):"
                        " a power cut now may bring it back\n", path, strerror(errno));
    res->stored = true;
    if (loader_run(db, root) != 0) {
        fprintf(stderr, "spkiosk: admin: %s is deleted, but the database could not store it: "
                        "the item is withdrawn once the database can be written again\n", path);
        res->stored = false;
    } else if (admin_query_one(db, sql_live_hash, id, NULL, &live) != 0) {
        fprintf(stderr, "spkiosk: admin: %s is deleted, but whether %s is retired is unknown\n",
                path, id);
    } else {
        /* live here means: nothing of the id is served any more */
        res->live = live == NULL;
    }
    res->outcome = ADMIN_SAVED;
    rc = 0;
out:
    pthread_mutex_unlock(&admin_save_lock);
    if (dfd >= 0)
        close(dfd);
    free(live);
    free(path);
    free(cat);
    free(aside);
    return rc;
}

static const char sql_retired_source[] =
    "SELECT v.source, p.hash, p.path FROM procedures p"
    " JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " WHERE p.id = ?1 AND p.status = 'retired'";

int admin_retired_source(struct db *db, const char *id, char **text, size_t *len, char **rel)
{
    sqlite3_stmt *st = db_stmt(db, sql_retired_source);
    int r, n, rc = -1;

    *text = NULL;
    *rel = NULL;
    *len = 0;
    if (!st)
        return -1;
    r = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (r == SQLITE_DONE) {
        rc = 1;
    } else if (r == SQLITE_ROW && (n = sqlite3_column_bytes(st, 0)) >= 0 && col_text(st, 2) &&
               (*text = malloc((size_t)n + 1)) && (*rel = strdup(col_text(st, 2)))) {
        if (n)
            memcpy(*text, sqlite3_column_blob(st, 0), (size_t)n);
        (*text)[n] = '\0';
        *len = (size_t)n;
        rc = 0;
    }
    if (rc < 0) {
        free(*text);
        free(*rel);
        *text = NULL;
        *rel = NULL;
    }
    sqlite3_reset(st);
    return rc;
}

/* fsyncs the folder dfd after a practice file's move in it (ppath names
 * the file in the log): a failure is logged, the move stands. */
static void admin_restore_sync(int dfd, const char *ppath)
{
    if (fsync(dfd) != 0)
        fprintf(stderr, "spkiosk: admin: the folder of %s could not be synced after a move (%s): "
                        "a power cut now may undo it\n", ppath, strerror(errno));
}

struct admin_restore_pending {
    char *text, *rel, *prel, *ppath, *aside;
    const char *pname, *aname;  /* in prel and aside: the names in dfd */
    size_t len;
    int dfd;                    /* the category folder, or -1 */
    bool moved, waits;
    struct admin_pending *save; /* NULL: the save was refused (res->outcome) */
};

static void admin_restore_pending_free(struct admin_restore_pending *p)
{
    if (!p)
        return;
    if (p->dfd >= 0)
        close(p->dfd);
    free(p->text);
    free(p->rel);
    free(p->prel);
    free(p->ppath);
    free(p->aside);
    free(p);
}

/* The practice file put back by prepare, moved aside again: the save was
 * not made (an orphan practice file is an error of the library). Through
 * the folder prepare opened, whatever stands at its name now. */
static void admin_restore_unmove(struct admin_restore_pending *p)
{
    if (!p->moved)
        return;
    if (renameat2(p->dfd, p->pname, p->dfd, p->aname, RENAME_NOREPLACE) != 0)
        fprintf(stderr, "spkiosk: admin: cannot move %s aside again: %s\n", p->ppath, strerror(errno));
    else
        admin_restore_sync(p->dfd, p->ppath);
    p->moved = false;
}

int admin_restore_prepare(struct db *db, const char *root, const char *id, struct admin_check *check,
                          struct admin_saved *res, struct admin_restore_pending **out)
{
    struct admin_restore_pending *p;
    struct stat sb;
    bool taken = true;
    int r, rc = -1;

    *out = NULL;
    memset(check, 0, sizeof *check);
    memset(res, 0, sizeof *res);
    if (!(p = calloc(1, sizeof *p)))
        return -1;
    p->dfd = -1;
    if ((r = admin_retired_source(db, id, &p->text, &p->len, &p->rel)) != 0) {
        rc = r;
        goto fail;
    }
    if (!admin_rel_valid(p->rel)) {
        rc = 2;
        goto fail;
    }
    /* its scenarios back first, so that the save's load proves them with
     * the item; only into a free place, and out again if the save is not
     * made (an orphan practice file is an error of the library). Through
     * the category folder opened without following a link: a folder that
     * is a link (now, or swapped in since) has nothing moved in it, and
     * the save refuses it. */
    if (!(p->prel = admin_practice_beside(p->rel)) || !(p->ppath = admin_path(root, p->prel)) ||
        !(p->aside = admin_practice_aside(p->prel)))
        goto fail;
    if ((p->dfd = library_folder_open(root, p->prel, &p->pname)) >= 0) {
        p->aname = p->aside + (p->pname - p->prel);
        p->waits = fstatat(p->dfd, p->aname, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode);
        taken = !(fstatat(p->dfd, p->pname, &sb, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT);
    } else if (errno == ENOMEM) {
        goto fail;
    }
    /* never over a file: one put in its place between the look and the
     * move (a pull, an editor) is the item's, as when it was there first */
    if (p->waits && !taken) {
        if (renameat2(p->dfd, p->aname, p->dfd, p->pname, RENAME_NOREPLACE) != 0)
            fprintf(stderr, "spkiosk: admin: cannot put %s back: %s\n", p->ppath, strerror(errno));
        else
            p->moved = true;
    }
    /* the practice file's place was taken: what is aside goes out of the
     * way after a save (admin_restore_commit) */
    p->waits = p->waits && taken;
    if ((r = admin_save_prepare(db, root, p->rel, p->text, p->len, NULL, check, res, &p->save)) < 0) {
        admin_restore_unmove(p);
        goto fail;
    }
    *out = p;
    return 0;
fail:
    admin_restore_pending_free(p);
    return rc;
}

int admin_restore_commit(struct db *db, const char *root, struct admin_restore_pending *p,
                         struct admin_check *check, struct admin_saved *res, char **rel_out,
                         bool *practice)
{
    int r = 0, rc = -1;

    *rel_out = NULL;
    *practice = false;
    /* the save's commit fsyncs this folder after the move back; a move
     * made after it is synced here */
    if (p->save) {
        r = admin_save_commit(db, root, p->save, check, res);
        p->save = NULL;
    }
    if (r != 0 || res->outcome != ADMIN_SAVED)
        admin_restore_unmove(p);
    if (r != 0)
        goto out;
    /* 恢复 takes what 停办 set aside. With a practice file put in its place
     * meanwhile (by hand, a pull), that one is the item's now; the one
     * aside, left under the name, would come back beside another text at a
     * later 恢复 (a review), so it goes out of the way as 停办 moves an
     * earlier one: renamed, never deleted, since it holds an admin's
     * scenarios. */
    if (p->waits && res->outcome == ADMIN_SAVED && admin_aside_free(p->dfd, p->aname, p->aside) == 0) {
        admin_restore_sync(p->dfd, p->ppath);
        fprintf(stderr, "spkiosk: admin: %s is restored with the practice file in its place; %s, set "
                        "aside by 停办, is kept under a numbered name beside it\n", p->rel, p->aside);
    }
    *practice = p->moved;
    *rel_out = p->rel;
    p->rel = NULL;
    rc = 0;
out:
    admin_restore_pending_free(p);
    return rc;
}

int admin_restore(struct db *db, const char *root, const char *id, struct admin_check *check,
                  struct admin_saved *res, char **rel_out, bool *practice)
{
    struct admin_restore_pending *p = NULL;
    int rc;

    *rel_out = NULL;
    *practice = false;
    /* both phases under the save lock, as admin_save_as holds it: the
     * practice file's moves too, so that no other save runs between them */
    pthread_mutex_lock(&admin_save_lock);
    rc = admin_restore_prepare(db, root, id, check, res, &p);
    if (rc == 0)
        rc = admin_restore_commit(db, root, p, check, res, rel_out, practice);
    pthread_mutex_unlock(&admin_save_lock);
    return rc;
}

/* ---- a fix of the live version while another waits ---------------------- */

static const char sql_waiting_file[] =
    "SELECT procedure_id FROM schedule WHERE path = ?1 AND hash = ?2";
/* The item whose live version the file's waiting text will replace: not
 * the waiting text's id, which a new version may change (the old id stays
 * live until the date, docs/procedure-format.md) */
static const char sql_live_at_path[] =
    "SELECT id FROM procedures WHERE path = ?1 AND status = 'live'";

int admin_fix_live(struct db *db, const char *root, const char *rel, const char *if_match,
                   const char *live_hash, const char *text, size_t len, bool editorial,
                   struct admin_check *check, struct admin_saved *res, struct admin_fix *fix)
{
    struct admin_pending *p = NULL;
    struct admin_check again;
    struct admin_saved res2;
    char *waiting = NULL, *id = NULL, *live = NULL;
    char whash[65], tag[70];
    size_t wlen = 0;
    int r, rc = -1;

    memset(check, 0, sizeof *check);
    memset(&again, 0, sizeof again);
    memset(res, 0, sizeof *res);
    memset(fix, 0, sizeof *fix);
    pthread_mutex_lock(&admin_save_lock);
    /* the file must still hold the waiting text the admin saw, and the
     * live version be the one the fix was made on */
    r = library_read_file_beneath(root, rel, PROCEDURE_FILE_MAX, &waiting, &wlen);
    if (r != 0) {
        res->outcome = r < 0 && errno == ENOENT ? ADMIN_MISSING : ADMIN_CHANGED;
        rc = 0;
        goto out;
    }
    library_hash(waiting, wlen, whash);
    memcpy(res->current, whash, sizeof res->current);
    if (!admin_if_match(if_match, whash, true)) {
        res->outcome = ADMIN_CHANGED;
        rc = 0;
        goto out;
    }
    if (admin_query_one(db, sql_waiting_file, rel, whash, &id) != 0)
        goto out;
    if (!id) {
        fix->refused = ADMIN_FIX_NOT_WAITING;
        rc = 0;
        goto out;
    }
    free(id);
    id = NULL;
    if (admin_query_one(db, sql_live_at_path, rel, NULL, &id) != 0 ||
        (id && admin_query_one(db, sql_live_hash, id, NULL, &live) != 0))
        goto out;
    if (!live || !live_hash || strcmp(live, live_hash) != 0) {
        fix->refused = ADMIN_FIX_LIVE_CHANGED;
        rc = 0;
        goto out;
    }
    if ((r = admin_save_prepare_as(db, root, rel, text, len, if_match, true, check, res, &p)) != 1) {
        rc = r;
        goto out;
    }
    /* the fix is the live version: it may neither wait for a date (it
     * would replace the waiting text) nor move the item to another id */
    if (store_scheduled(check->model->effective, clock_today()) || strcmp(check->model->id, id) != 0) {
        if (diag_error(&check->diags, rel, 1, "%s",
                       strcmp(check->model->id, id) != 0
                           ? "改在用版本时不能改编号 id；要改编号，请等新版本生效后再改"
                           : "改在用版本时不能写以后的生效日期 effective：那是排期的新版本的事；"
                             "请保留在用版本原来的 effective（或不写）") != 0)
            goto out;
        procedure_free(check->model);
        check->model = NULL;
        res->outcome = ADMIN_INVALID;
        rc = 0;
        goto out;
    }
    /* Said before the first write: a crash between the two writes leaves
     * the waiting text only in the database (procedure_versions keeps every
     * text stored), where the console never shows it; this line is how the
     * IT officer finds it again (docs/deployment.md, "A live fix cut off"). */
    fprintf(stderr, "spkiosk: admin: %s: fixing the live version; the waiting text %s is written "
                    "back next (kept in procedure_versions under that hash)\n", rel, whash);
    if (editorial)
        store_editorial_set(check->hash);
    r = admin_save_commit(db, root, p, check, res);
    p = NULL;
    if (editorial)
        store_editorial_set(NULL);
    if (r != 0)
        goto out;
    res->editorial = editorial && res->outcome == ADMIN_SAVED && res->live;
    admin_lapse_kept(rel, res, check);
    if (res->outcome != ADMIN_SAVED) {
        rc = 0;
        goto out;
    }
    /* the waiting text back, the same bytes: scheduled again as it was */
    snprintf(tag, sizeof tag, "\"%s\"", check->hash);
    r = admin_save_prepare(db, root, rel, waiting, wlen, tag, &again, &res2, &p);
    if (r == 1) {
        r = admin_save_commit(db, root, p, &again, &res2);
        p = NULL;
    }
    /* the waiting bytes are the file again: scheduled by this load, or by
     * the daemon's next one when the database could not take it (counted
     * as not written back, the admin was told to call for help while the
     * file held them and the retry scheduled them) */
    fix->rescheduled = r == 0 && res2.outcome == ADMIN_SAVED;
    if (!fix->rescheduled)
        fprintf(stderr, "spkiosk: admin: %s: the live version is fixed, but the waiting text "
                        "(%s) could not be written back; it is kept in the database\n", rel, whash);
    memcpy(fix->waiting_hash, whash, sizeof fix->waiting_hash);
    rc = 0;
out:
    pthread_mutex_unlock(&admin_save_lock);
    if (p)
        admin_pending_free(p);
    admin_check_free(&again);
    free(waiting);
    free(id);
    free(live);
    return rc;
}
