/* Unit tests for scheduled versions and the residents' 「更新」 notice: a
 * file whose `effective` date is after today waits, unchanged files are
 * promoted by a later load once the date has come, and the snapshot marks
 * a replaced version "updated" for CATALOG_UPDATED_DAYS.
 *
 * The hall's date is moved with TZ alone: UTC-12 and UTC+12 are always one
 * calendar day apart, so a load under the first is "the day before" one
 * under the second. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "casedb.h"
#include "catalog.h"
#include "library.h"
#include "store.h"
#include "tzday.h"

static void reload(struct casedb *t)
{
    char path[160];

    snprintf(path, sizeof path, "%s/tree", t->dir);
    cr_assert_eq(loader_run(t->db, path), 0);
}

/* The live detail JSON of id (a copy), NULL when not live: read from the
 * database the first time, as GET /api/v1/procedures/{id} does. */
static char *detail_of(struct casedb *t, const char *id)
{
    struct catalog *c = catalog_acquire();
    const struct catalog_proc *p = catalog_find(c, id);
    const struct catalog_doc *d = p ? catalog_proc_doc(p) : NULL;
    char *detail, *html, *s;

    if (p && !d) {
        cr_assert_eq(store_proc_doc(t->db, p->id, p->hash, &detail, &html), 0);
        cr_assert_not_null(d = catalog_proc_doc_put(p, detail, html));
    }
    s = d ? strdup(d->detail_json) : NULL;
    catalog_release(c);
    return s;
}

static void write_simple(struct casedb *t, const char *title, int effective)
{
    char path[160], text[512];

    snprintf(path, sizeof path, "%s/tree/hall/simple.md", t->dir);
    snprintf(text, sizeof text,
             "---\nversion: 2026-02-01\neffective: %04d-%02d-%02d\n---\n# %s\n\n新版。\n\n"
             "## 第一步:准备材料\n- [ ] 本人居民身份证原件\n",
             effective / 10000, effective / 100 % 100, effective % 100, title);
    casedb_write(path, text);
}

Test(schedule, waits_for_its_date_then_goes_live_without_the_file_changing)
{
    struct casedb t;
    char *d, want[64];
    int before, day;

    casedb_open(&t);
    before = tz_today(TZ_DAY_BEHIND);
    day = tz_today(TZ_DAY_AHEAD);
    cr_assert_eq(library_date_add(before, 1), day);
    d = detail_of(&t, "simple");
    cr_assert_null(strstr(d, "\"updated\""), "a first version is no update");
    free(d);

    tz_today(TZ_DAY_BEHIND);
    write_simple(&t, "简易事项新版", day);
    reload(&t);
    d = detail_of(&t, "simple");
    cr_assert_null(strstr(d, "简易事项新版"), "not live before its date");
    free(d);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM schedule WHERE procedure_id = 'simple'"
                                " AND effective = %d", day), 1);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedure_versions WHERE procedure_id = 'simple'"), 2,
                 "the waiting version is stored");
    /* a second load the same day: still waiting (and the file reused) */
    reload(&t);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM schedule"), 1);
    cr_assert_eq(casedb_int(&t, "SELECT updated_on FROM procedures WHERE id = 'simple'"), 0);

    /* the next day, the file untouched */
    tz_today(TZ_DAY_AHEAD);
    reload(&t);
    d = detail_of(&t, "simple");
    cr_assert_not_null(strstr(d, "简易事项新版"));
    snprintf(want, sizeof want, "{\"updated\":\"%04d-%02d-%02d\",", day / 10000, day / 100 % 100,
             day % 100);
    cr_assert_eq(strncmp(d, want, strlen(want)), 0, "%s", d);
    free(d);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM schedule"), 0);
    cr_assert_eq(casedb_int(&t, "SELECT updated_on FROM procedures WHERE id = 'simple'"), day);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM search WHERE id = 'simple'"
                                " AND title = '简易事项新版'"), 1, "found by its new title");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM search WHERE id = 'simple'"), 1);
    /* the other procedure was not touched */
    d = detail_of(&t, "test");
    cr_assert_null(strstr(d, "\"updated\""));
    free(d);

    /* the notice ends after CATALOG_UPDATED_DAYS: day 29 still, day 30 not */
    casedb_exec(&t, "UPDATE procedures SET updated_on = %d WHERE id = 'simple'",
                library_date_add(day, -(CATALOG_UPDATED_DAYS - 1)));
    reload(&t);
    d = detail_of(&t, "simple");
    cr_assert_not_null(strstr(d, "\"updated\""));
    free(d);
    casedb_exec(&t, "UPDATE procedures SET updated_on = %d WHERE id = 'simple'",
                library_date_add(day, -CATALOG_UPDATED_DAYS));
    reload(&t);
    d = detail_of(&t, "simple");
    cr_assert_null(strstr(d, "\"updated\""), "%s", d);
    free(d);
    casedb_close(&t);
}

Test(schedule, a_newer_text_replaces_the_schedule_and_a_due_one_goes_live_at_once)
{
    struct casedb t;
    char *d;
    int today;

    casedb_open(&t);
    today = tz_today(TZ_DAY_BEHIND);
    write_simple(&t, "第一次排期", library_date_add(today, 10));
    reload(&t);
    write_simple(&t, "第二次排期", library_date_add(today, 20));
    reload(&t);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM schedule"), 1);
    cr_assert_eq(casedb_int(&t, "SELECT effective FROM schedule"), library_date_add(today, 20));
    d = detail_of(&t, "simple");
    cr_assert_not_null(strstr(d, "简易事项"));
    free(d);

    /* an `effective` in the past behaves as today */
    write_simple(&t, "立即生效", library_date_add(today, -3));
    reload(&t);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM schedule"), 0);
    d = detail_of(&t, "simple");
    cr_assert_not_null(strstr(d, "立即生效"));
    free(d);
    cr_assert_eq(casedb_int(&t, "SELECT updated_on FROM procedures WHERE id = 'simple'"), today);
    casedb_close(&t);
}

Test(schedule, a_new_procedure_waits_unlisted)
{
    struct casedb t;
    char path[160];
    struct catalog *c;

    casedb_open(&t);
    snprintf(path, sizeof path, "%s/tree/hall/later.md", t.dir);
    casedb_write(path, "---\neffective: 2099-01-01\n---\n# 以后的事项\n\n以后。\n\n"
                       "## 第一步:准备\n- [ ] 身份证\n");
    reload(&t);
    c = catalog_acquire();
    cr_assert_null(catalog_find(c, "later"));
    cr_assert_eq(c->n_procs, 2);
    catalog_release(c);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedures WHERE id = 'later'"), 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM search WHERE id = 'later'"), 0);
    /* gone before its date: the schedule goes with it */
    cr_assert_eq(unlink(path), 0);
    reload(&t);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM schedule"), 0);
    casedb_close(&t);
}

Test(schedule, scheduled_only_after_today)
{
    cr_assert(store_scheduled(20261203, 20261202));
    cr_assert(!store_scheduled(20261202, 20261202));
    cr_assert(!store_scheduled(20261201, 20261202));
    cr_assert(!store_scheduled(0, 20261202));
    cr_assert(!store_scheduled(20261203, 0), "no date known: nothing waits");
}

Test(schedule, updated_shown_for_thirty_days)
{
    cr_assert(catalog_updated_shown(20261202, 20261202));
    cr_assert(catalog_updated_shown(20261202, 20261231));   /* day 29 */
    cr_assert(!catalog_updated_shown(20261202, 20270101));  /* day 30 */
    cr_assert(catalog_updated_shown(20260220, 20260321));   /* across February */
    cr_assert(!catalog_updated_shown(20260220, 20260322));
    cr_assert(!catalog_updated_shown(0, 20261202), "a first version");
    cr_assert(!catalog_updated_shown(20261203, 20261202), "a clock set back");
    cr_assert(!catalog_updated_shown(20261202, 0));
}

Test(schedule, set_updated_splices_the_date_into_both_texts_and_the_etag)
{
    struct catalog *c = catalog_new();
    const struct catalog_proc *p;

    cr_assert_eq(catalog_set_updated(c, 20261202), -1, "nothing added yet");
    cr_assert_eq(catalog_add_proc(c, "a", "hall", "abc", "{\"id\":\"a\"}", "{}", "<p>"), 0);
    cr_assert_eq(catalog_set_updated(c, 20260105), 0);
    p = &c->procs[0];
    cr_assert_str_eq(p->item_json, "{\"updated\":\"2026-01-05\",\"id\":\"a\"}");
    cr_assert_eq(p->item_len, strlen(p->item_json));
    cr_assert_str_eq(catalog_proc_doc(p)->detail_json, "{\"updated\":\"2026-01-05\"}");
    cr_assert_eq(catalog_proc_doc(p)->detail_len, strlen(catalog_proc_doc(p)->detail_json));
    cr_assert_not_null(strstr(p->etag, "-u20260105\""), "%s", p->etag);
    cr_assert_eq(p->etag[0], '"');
    catalog_release(c);

    /* a page read later (catalog_proc_doc_put) is marked as it comes in */
    c = catalog_new();
    cr_assert_eq(catalog_add_proc(c, "a", "hall", "abc", "{\"id\":\"a\"}", NULL, NULL), 0);
    cr_assert_eq(catalog_set_updated(c, 20260105), 0);
    p = &c->procs[0];
    cr_assert_null(catalog_proc_doc(p), "not read yet");
    cr_assert_not_null(catalog_proc_doc_put(p, strdup("{\"v\":1}"), strdup("<p>")));
    cr_assert_str_eq(catalog_proc_doc(p)->detail_json, "{\"updated\":\"2026-01-05\",\"v\":1}");
    cr_assert_str_eq(catalog_proc_doc(p)->print_html, "<p>");
    catalog_release(c);
}
