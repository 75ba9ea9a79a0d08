/* Unit tests for changes on a real database with the casedb procedures:
 * the first look records the baseline; a confirmed version that is not the
 * live one is changed; an old version whose source no longer parses is
 * compared as empty (every part added) instead of failing, and can still
 * be confirmed; a confirmation of another version is stale; the list
 * records a new staffer's baselines for every live procedure at once. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "casedb.h"
#include "changes.h"
#include "tzday.h"

#define OLD "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void add_user(struct casedb *t, const char *name)
{
    casedb_exec(t, "INSERT INTO users (name, role, pwhash, created_at, updated_at)"
                   " VALUES ('%s', 'staff', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')", name);
}

/* changes_view_json of test for user, parsed. */
static cJSON *view(struct casedb *t, const char *user)
{
    struct refusal e;
    char *json = NULL;
    cJSON *doc;

    cr_assert_eq(changes_view_json(t->db, "test", user, &json, &e), 0);
    cr_assert_not_null(doc = cJSON_Parse(json));
    free(json);
    return doc;
}

static bool changed(const cJSON *doc)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "changed"));
}

/* A database with staffer wang, whose first look at test recorded its
 * live version, hash into live. */
static void wang_saw_live(struct casedb *t, char live[256])
{
    casedb_open(t);
    add_user(t, "wang");
    cJSON_Delete(view(t, "wang"));
    casedb_text(t, live, "SELECT hash FROM procedures WHERE id = 'test'");
}

Test(changes, baseline_unreadable_old_version_and_confirm)
{
    struct casedb t;
    struct refusal e;
    char live[256], *json = NULL;
    const cJSON *parts, *p;
    cJSON *doc;

    casedb_open(&t);
    add_user(&t, "wang");
    doc = view(&t, "wang");
    cr_assert_not(changed(doc));
    cJSON_Delete(doc);
    casedb_text(&t, live, "SELECT hash FROM procedures WHERE id = 'test'");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedure_reads WHERE user_id = 'wang'"
                                " AND hash = '%s'", live), 1);

    /* an old version the parser no longer takes, confirmed by wang */
    casedb_exec(&t, "INSERT INTO procedure_versions SELECT procedure_id, '" OLD "',"
                    " CAST('no heading, no steps' AS BLOB), category, kind, title, ord, review_by,"
                    " detail_json, item_json, print_html, render_version, first_loaded, practice_key, render_contact, NULL"
                    " FROM procedure_versions WHERE procedure_id = 'test'");
    casedb_exec(&t, "UPDATE procedure_reads SET hash = '" OLD "' WHERE user_id = 'wang'");
    doc = view(&t, "wang");
    cr_assert(changed(doc));
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(doc, "seen")->valuestring, OLD);
    parts = cJSON_GetObjectItemCaseSensitive(doc, "parts");
    /* the facts, conditions and four steps, all added */
    cr_assert_eq(cJSON_GetArraySize(parts), 6);
    cJSON_ArrayForEach(p, parts)
        cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(p, "change")->valuestring, "added");
    cJSON_Delete(doc);

    /* only the live version can be confirmed */
    cr_assert_eq(changes_read(t.db, "test", "wang", OLD, &e), 1);
    cr_assert_str_eq(e.code, "stale_version");
    cr_assert_eq(e.kind, REFUSAL_CONFLICT);
    cr_assert_eq(changes_read(t.db, "nope", "wang", live, &e), 1);
    cr_assert_str_eq(e.code, "unknown_procedure");
    cr_assert_eq(changes_read(t.db, "test", "wang", live, &e), 0);
    doc = view(&t, "wang");
    cr_assert_not(changed(doc));
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "parts")), 0);
    cJSON_Delete(doc);
    cr_assert_eq(changes_view_json(t.db, "nope", "wang", &json, &e), 1);
    cr_assert_str_eq(e.code, "unknown_procedure");
    cr_assert_null(json);
    casedb_close(&t);
}

Test(changes, the_list_sets_every_baseline)
{
    struct casedb t;
    char *json = NULL;
    cJSON *doc;

    casedb_open(&t);
    add_user(&t, "li");
    cr_assert_eq(changes_list_json(t.db, "li", &json), 0);
    cr_assert_not_null(doc = cJSON_Parse(json));
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "procedures")), 0);
    cJSON_Delete(doc);
    free(json);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedure_reads WHERE user_id = 'li'"), 2);
    /* li confirmed an older version of simple: it is listed */
    casedb_exec(&t, "INSERT INTO procedure_versions SELECT procedure_id, '" OLD "', source,"
                    " category, kind, title, ord, review_by, detail_json, item_json, print_html,"
                    " render_version, '2020-01-01T00:00:00Z', practice_key, render_contact, NULL"
                    " FROM procedure_versions WHERE procedure_id = 'simple'");
    casedb_exec(&t, "UPDATE procedure_reads SET hash = '" OLD "' WHERE procedure_id = 'simple'");
    cr_assert_eq(changes_list_json(t.db, "li", &json), 0);
    cr_assert_not_null(doc = cJSON_Parse(json));
    free(json);
    json = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(doc, "procedures"));
    cr_assert(strstr(json, "\"id\":\"simple\"") && strstr(json, "\"seen\":\"" OLD "\""), "%s", json);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "procedures")), 1);
    free(json);
    cJSON_Delete(doc);
    casedb_close(&t);
}

#include <sqlite3.h>

#include "models.h"

/* Denies reading procedure_versions.source: a version's text that cannot
 * be read (a database error, not a parse failure). */
static int deny_source(void *cls, int action, const char *table, const char *column,
                       const char *db, const char *trigger)
{
    (void)cls;
    (void)db;
    (void)trigger;
    if (action == SQLITE_READ && table && column && strcmp(table, "procedure_versions") == 0 &&
        strcmp(column, "source") == 0)
        return SQLITE_DENY;
    return SQLITE_OK;
}

/* An old version that cannot be read is an error, not an empty version:
 * before, models_get said NULL for both, and the staffer was shown the
 * whole live procedure as added. */
Test(changes, an_old_version_that_cannot_be_read_is_an_error)
{
    struct casedb t;
    struct refusal e;
    struct model_ref *ref;
    const struct procedure *m;
    char live[256], none[65], *json = NULL;
    const cJSON *parts, *p;
    cJSON *doc;

    wang_saw_live(&t, live);
    casedb_exec(&t, "INSERT INTO procedure_versions SELECT procedure_id, '" OLD "', source,"
                    " category, kind, title, ord, review_by, detail_json, item_json, print_html,"
                    " render_version, '2020-01-01T00:00:00Z', practice_key, render_contact, NULL"
                    " FROM procedure_versions WHERE procedure_id = 'test'");
    casedb_exec(&t, "UPDATE procedure_reads SET hash = '" OLD "' WHERE user_id = 'wang'");
    /* the live version is in the cache; the old one is not */
    cr_assert_eq(models_get(t.db, "test", live, &m, &ref), 0);
    models_release(ref);
    memset(none, 'b', 64);
    none[64] = '\0';
    cr_assert_eq(models_get(t.db, "test", none, &m, &ref), 1, "an unknown version");
    cr_assert_null(m);
    cr_assert_null(ref);

    cr_assert_eq(sqlite3_set_authorizer(db_handle(t.db), deny_source, NULL), SQLITE_OK);
    cr_expect_eq(models_get(t.db, "test", OLD, &m, &ref), -1);
    cr_expect_null(m);
    cr_expect_eq(changes_view_json(t.db, "test", "wang", &json, &e), -1, "%s", json ? json : "");
    cr_expect_null(json);
    cr_assert_eq(sqlite3_set_authorizer(db_handle(t.db), NULL, NULL), SQLITE_OK);

    /* once it can be read: the same text, every part the same */
    doc = view(&t, "wang");
    cr_expect(changed(doc));
    parts = cJSON_GetObjectItemCaseSensitive(doc, "parts");
    cr_expect_eq(cJSON_GetArraySize(parts), 6);
    cJSON_ArrayForEach(p, parts)
        cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(p, "change")->valuestring, "same");
    cJSON_Delete(doc);
    casedb_close(&t);
}

/* A version stored before notice keys (schema 033: NULL) that the staffer
 * has confirmed is no update: the same hash is read, whatever the key. */
Test(changes, the_version_read_without_a_notice_key_is_not_changed)
{
    struct casedb t;
    cJSON *doc;

    casedb_open(&t);
    add_user(&t, "wang");
    cJSON_Delete(view(&t, "wang"));
    casedb_exec(&t, "UPDATE procedure_versions SET notice_key = NULL WHERE procedure_id = 'test'");
    doc = view(&t, "wang");
    cr_assert_not(changed(doc));
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "parts")), 0);
    cJSON_Delete(doc);
    casedb_close(&t);
}

/* The list is newest first by when the live version went live, not by id. */
Test(changes, the_list_is_newest_first)
{
    struct casedb t;
    char *json = NULL;
    const char *a, *b;

    casedb_open(&t);
    add_user(&t, "li");
    casedb_exec(&t, "INSERT INTO procedure_versions SELECT procedure_id, '" OLD "', source,"
                    " category, kind, title, ord, review_by, detail_json, item_json, print_html,"
                    " render_version, '2020-01-01T00:00:00Z', practice_key, render_contact, NULL"
                    " FROM procedure_versions WHERE procedure_id IN ('simple', 'test')");
    casedb_exec(&t, "INSERT INTO procedure_reads (user_id, procedure_id, hash, read_at, seen_id)"
                    " SELECT 'li', id, '" OLD "', '2020-01-01T00:00:00Z', id FROM procedures"
                    " WHERE id IN ('simple', 'test')");
    casedb_exec(&t, "UPDATE procedures SET updated_at = '2026-03-01T00:00:00Z' WHERE id = 'simple'");
    casedb_exec(&t, "UPDATE procedures SET updated_at = '2026-03-02T00:00:00Z' WHERE id = 'test'");
    cr_assert_eq(changes_list_json(t.db, "li", &json), 0);
    cr_assert_not_null(a = strstr(json, "\"id\":\"test\""), "%s", json);
    cr_assert_not_null(b = strstr(json, "\"id\":\"simple\""), "%s", json);
    cr_assert_lt(a, b, "test went live later: listed first: %s", json);
    free(json);
    casedb_close(&t);
}

/* A copy of test's live version stored as OLD, titled 旧标题, with notice
 * key key (SQL: a quoted string or NULL); wang's read set to it. */
static void wang_read_old(struct casedb *t, const char *key)
{
    casedb_exec(t, "INSERT INTO procedure_versions SELECT procedure_id, '" OLD "', source,"
                   " category, kind, '旧标题', ord, review_by, detail_json, item_json, print_html,"
                   " render_version, '2020-01-01T00:00:00Z', practice_key, render_contact, %s"
                   " FROM procedure_versions WHERE procedure_id = 'test'", key);
    casedb_exec(t, "UPDATE procedure_reads SET hash = '" OLD "', read_at = '2020-01-01T00:00:00Z'"
                   " WHERE user_id = 'wang' AND procedure_id = 'test'");
}

/* changes_list_json for user: whether id is listed, and how many are. */
static int listed(struct casedb *t, const char *user, const char *id, int *n)
{
    char *json = NULL, want[64];
    cJSON *doc;
    int found;

    cr_assert_eq(changes_list_json(t->db, user, &json), 0);
    cr_assert_not_null(doc = cJSON_Parse(json));
    *n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "procedures"));
    snprintf(want, sizeof want, "\"id\":\"%s\"", id);
    found = strstr(json, want) != NULL;
    cJSON_Delete(doc);
    free(json);
    return found;
}

/* The answer's title is the live version's (the one to read), not the one
 * the staffer last confirmed; only the live hash, whole, is confirmed, and
 * confirming records when. */
Test(changes, the_title_is_the_live_ones_and_the_confirmation_is_dated)
{
    struct casedb t;
    struct refusal e;
    char live[256], title[256], last;
    cJSON *doc;

    wang_saw_live(&t, live);
    casedb_text(&t, title, "SELECT title FROM procedure_versions WHERE hash = '%s'", live);
    wang_read_old(&t, "'old key'");
    doc = view(&t, "wang");
    cr_assert(changed(doc));
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(doc, "title")->valuestring, title);
    cJSON_Delete(doc);
    /* the whole hash is compared: one digit off is another version */
    last = live[63];
    live[63] = last == '0' ? '1' : '0';
    cr_assert_eq(changes_read(t.db, "test", "wang", live, &e), 1);
    cr_assert_str_eq(e.code, "stale_version");
    live[63] = last;
    cr_assert_eq(changes_read(t.db, "test", "wang", live, &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedure_reads WHERE user_id = 'wang'"
                                " AND procedure_id = 'test' AND hash = '%s'"
                                " AND read_at > '2026-01-01'", live), 1);
    casedb_close(&t);
}

/* A retired procedure has no changes to read: its row stays (its versions
 * keep the cases' history), but it leaves the list, a staffer's old link
 * to it is 404, and a confirmation of its last version records nothing. */
Test(changes, a_retired_procedure_is_unknown)
{
    struct casedb t;
    struct refusal e;
    char live[256], *json = NULL;
    int n;

    wang_saw_live(&t, live);
    wang_read_old(&t, "'old key'");
    cr_assert(listed(&t, "wang", "test", &n));
    casedb_exec(&t, "UPDATE procedures SET status = 'retired' WHERE id = 'test'");
    cr_assert_not(listed(&t, "wang", "test", &n));
    cr_assert_eq(changes_view_json(t.db, "test", "wang", &json, &e), 1);
    cr_assert_str_eq(e.code, "unknown_procedure");
    cr_assert_null(json);
    cr_assert_eq(changes_read(t.db, "test", "wang", live, &e), 1);
    cr_assert_str_eq(e.code, "unknown_procedure");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedure_reads WHERE hash = '" OLD "'"), 1);
    casedb_close(&t);
}

/* Versions stored before notice keys (NULL) cannot be told the same: two
 * such are an update, listed until the live one is confirmed; the live one
 * confirmed is not listed, whatever its key. */
Test(changes, versions_without_notice_keys)
{
    struct casedb t;
    struct refusal e;
    char live[256];
    cJSON *doc;
    int n;

    wang_saw_live(&t, live);
    casedb_exec(&t, "UPDATE procedure_versions SET notice_key = NULL");
    cr_assert_not(listed(&t, "wang", "test", &n));
    cr_assert_eq(n, 0);
    wang_read_old(&t, "NULL");
    doc = view(&t, "wang");
    cr_assert(changed(doc));
    cJSON_Delete(doc);
    cr_assert(listed(&t, "wang", "test", &n));
    cr_assert_eq(changes_read(t.db, "test", "wang", live, &e), 0);
    cr_assert_not(listed(&t, "wang", "test", &n));
    casedb_close(&t);
}

/* At most CHANGES_LIST_MAX in the list, and that many when there are more;
 * two gone live at the same instant in id order. */
Test(changes, the_list_holds_changes_list_max)
{
    struct casedb t;
    char *json = NULL;
    const char *a, *b;
    int n;

    casedb_open(&t);
    add_user(&t, "li");
    casedb_exec(&t, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d)"
                    " INSERT INTO procedure_versions SELECT 'p' || k.i, v.hash, source, category,"
                    " kind, title, ord, review_by, detail_json, item_json, print_html,"
                    " render_version, first_loaded, practice_key, render_contact, notice_key"
                    " FROM k, procedure_versions v WHERE v.procedure_id = 'test'",
                CHANGES_LIST_MAX + 1);
    casedb_exec(&t, "INSERT INTO procedure_versions SELECT procedure_id, '" OLD "', source,"
                    " category, kind, title, ord, review_by, detail_json, item_json, print_html,"
                    " render_version, first_loaded, practice_key, render_contact, 'old key'"
                    " FROM procedure_versions WHERE procedure_id LIKE 'p%%'");
    casedb_exec(&t, "INSERT INTO procedures (id, path, hash, status, updated_at)"
                    " SELECT v.procedure_id, v.procedure_id || '.md', v.hash,"
                    " 'live', '2026-03-01T00:00:00Z' FROM procedure_versions v"
                    " WHERE v.procedure_id LIKE 'p%%' AND v.hash <> '" OLD "'");
    casedb_exec(&t, "INSERT INTO procedure_reads SELECT 'li', id, '" OLD "', '2020-01-01T00:00:00Z',"
                    " id FROM procedures WHERE id LIKE 'p%%'");
    cr_assert(listed(&t, "li", "p1", &n));
    cr_assert_eq(n, CHANGES_LIST_MAX);
    cr_assert_eq(changes_list_json(t.db, "li", &json), 0);
    cr_assert_not_null(a = strstr(json, "\"id\":\"p1\""), "%s", json);
    cr_assert_not_null(b = strstr(json, "\"id\":\"p10\""), "%s", json);
    cr_assert_lt(a, b, "the same instant: in id order");
    free(json);
    casedb_close(&t);
}

/* ---- a read carried over a renamed id (schema 041, store_carry) ---- */

static void reload(struct casedb *t)
{
    char path[160];

    snprintf(path, sizeof path, "%s/tree", t->dir);
    cr_assert_eq(loader_run(t->db, path), 0);
}

/* hall/simple.md saved under id (front matter) with a new required item;
 * effective: YYYYMMDD or 0 for none */
static void write_simple_as(struct casedb *t, const char *id, int effective)
{
    char path[160], text[512], eff[40] = "";

    if (effective)
        snprintf(eff, sizeof eff, "effective: %04d-%02d-%02d\n", effective / 10000,
                 effective / 100 % 100, effective % 100);
    snprintf(path, sizeof path, "%s/tree/hall/simple.md", t->dir);
    snprintf(text, sizeof text,
             "---\nid: %s\n%s---\n# 简易事项申领\n\n没有办理条件。\n\n"
             "## 第一步:准备材料\n- [ ] 本人居民身份证原件\n- [ ] 户口簿\n", id, eff);
    casedb_write(path, text);
}

static cJSON *view_of(struct casedb *t, const char *id, const char *user)
{
    struct refusal e;
    char *json = NULL;
    cJSON *doc;

    cr_assert_eq(changes_view_json(t->db, id, user, &json, &e), 0, "%s of %s", id, user);
    cr_assert_not_null(doc = cJSON_Parse(json));
    free(json);
    return doc;
}

static const char *from_id(const cJSON *doc)
{
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(doc, "from");

    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(from, "id"));
}

/* A staffer who read simple is shown simple-new, the same file renamed, as
 * an update from what they read (a new id's first look was their baseline,
 * and the new material was never shown); one who never read simple has
 * nothing to carry: a first sight. The carried row names the old id's
 * version, and confirming the new one makes it an ordinary read. */
Test(changes, a_renamed_id_carries_the_read)
{
    struct casedb t;
    struct refusal e;
    char old[256], live[256];
    cJSON *doc;
    int n;

    casedb_open(&t);
    add_user(&t, "wang");
    add_user(&t, "li");
    cJSON_Delete(view_of(&t, "simple", "wang"));
    casedb_text(&t, old, "SELECT hash FROM procedures WHERE id = 'simple'");
    write_simple_as(&t, "simple-new", 0);
    reload(&t);
    casedb_text(&t, live, "SELECT hash FROM procedures WHERE id = 'simple-new'");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedure_reads WHERE user_id = 'wang'"
                                " AND procedure_id = 'simple-new' AND seen_id = 'simple'"
                                " AND hash = '%s'", old), 1);
    cr_assert(listed(&t, "wang", "simple-new", &n));
    doc = view_of(&t, "simple-new", "wang");
    cr_assert(changed(doc));
    cr_assert_str_eq(from_id(doc), "simple");
    cJSON_Delete(doc);
    doc = view_of(&t, "simple-new", "li");
    cr_assert_not(changed(doc));
    cr_assert_str_eq(from_id(doc), "simple-new");
    cJSON_Delete(doc);
    cr_assert_eq(changes_read(t.db, "simple-new", "wang", live, &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedure_reads WHERE user_id = 'wang'"
                                " AND procedure_id = 'simple-new' AND seen_id = 'simple-new'"), 1);
    cr_assert_not(listed(&t, "wang", "simple-new", &n));
    casedb_close(&t);
}

/* A rename whose text waits for its `effective` date: the old id is served
 * until then, and the read is carried on the day the new id goes live (the
 * promotion, a load with the file unchanged), not before. TZ moves the
 * hall's date as in test_schedule.c (tzday.h). */
Test(changes, a_scheduled_rename_carries_the_read_when_it_goes_live)
{
    struct casedb t;
    cJSON *doc;
    int day, n;

    casedb_open(&t);
    add_user(&t, "wang");
    tz_today(TZ_DAY_BEHIND);
    cJSON_Delete(view_of(&t, "simple", "wang"));
    day = tz_today(TZ_DAY_AHEAD);
    tz_today(TZ_DAY_BEHIND);
    write_simple_as(&t, "simple-new", day);
    reload(&t);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedures WHERE id = 'simple'"
                                " AND status = 'live'"), 1, "served until its date");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedure_reads"
                                " WHERE procedure_id = 'simple-new'"), 0);
    tz_today(TZ_DAY_AHEAD);
    reload(&t);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedures WHERE id = 'simple'"
                                " AND status = 'retired'"), 1);
    cr_assert(listed(&t, "wang", "simple-new", &n));
    doc = view_of(&t, "simple-new", "wang");
    cr_assert(changed(doc));
    cr_assert_str_eq(from_id(doc), "simple");
    cJSON_Delete(doc);
    cr_assert_eq(unsetenv("TZ"), 0);
    tzset();
    casedb_close(&t);
}

/* ---- pinned by a mutation review of models.c ---- */

/* The same file under two stems (a copy not yet edited, no front-matter id)
 * is one hash of two procedures: the cache is keyed by both, so a case of
 * the copy is validated against the copy, not the procedure parsed first. */
Test(models, one_text_under_two_ids_is_two_models)
{
    struct casedb t;
    struct model_ref *a, *b;
    const struct procedure *ma, *mb;
    char live[256];

    casedb_open(&t);
    casedb_text(&t, live, "SELECT hash FROM procedures WHERE id = 'test'");
    casedb_exec(&t, "INSERT INTO procedure_versions SELECT 'test-copy', hash, source, 'copies',"
                    " kind, title, ord, review_by, detail_json, item_json, print_html,"
                    " render_version, first_loaded, practice_key, render_contact, NULL"
                    " FROM procedure_versions WHERE procedure_id = 'test'");
    cr_assert_eq(models_get(t.db, "test", live, &ma, &a), 0);
    cr_assert_eq(models_get(t.db, "test-copy", live, &mb, &b), 0);
    cr_assert_str_eq(ma->id, "test");
    cr_assert_str_eq(mb->id, "test-copy");
    cr_assert_str_eq(mb->category, "copies");
    models_release(a);
    models_release(b);
    casedb_close(&t);
}

/* A model someone holds stays when the cache is full: the eviction takes an
 * unreferenced one, and the cache never grows past MODELS_CACHE_MAX. A
 * held model evicted is freed under its holder (a crash, or under SAN=1 a
 * use after free below); a cache grown past its array writes beyond it. */
Test(models, a_held_model_is_never_evicted)
{
    struct casedb t;
    struct model_ref *held, *ref;
    const struct procedure *mh, *m;
    char live[256], hash[65];
    int i;

    casedb_open(&t);
    casedb_text(&t, live, "SELECT hash FROM procedures WHERE id = 'test'");
    cr_assert_eq(models_get(t.db, "test", live, &mh, &held), 0);
    /* as many other versions as the cache holds, each got and released */
    casedb_exec(&t, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
                    " INSERT INTO procedure_versions SELECT procedure_id, printf('%%064x', i), source,"
                    " category, kind, title, ord, review_by, detail_json, item_json, print_html,"
                    " render_version, first_loaded, practice_key, render_contact, NULL"
                    " FROM procedure_versions, n WHERE procedure_id = 'test'", MODELS_CACHE_MAX);
    for (i = 1; i <= MODELS_CACHE_MAX; i++) {
        snprintf(hash, sizeof hash, "%064x", i);
        cr_assert_eq(models_get(t.db, "test", hash, &m, &ref), 0, "%d", i);
        models_release(ref);
    }
    cr_assert_str_eq(mh->id, "test");
    cr_assert_str_eq(mh->hash, live);
    models_release(held);
    casedb_close(&t);
}
