/* Unit tests for the posts and the working-day calendar in the catalog
 * snapshot: what later code counts due dates with. A load publishes them;
 * a broken file leaves the last good one live; a deleted one is gone. */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casedb.h"
#include "catalog.h"
#include "loader.h"
#include "posts.h"
#include "workdays.h"

static void tree_write(struct casedb *t, const char *name, const char *text)
{
    char path[160];

    snprintf(path, sizeof path, "%s/tree/%s", t->dir, name);
    casedb_write(path, text);
}

static void reload(struct casedb *t)
{
    char path[160];

    snprintf(path, sizeof path, "%s/tree", t->dir);
    cr_assert_eq(loader_run(t->db, path), 0);
}

Test(catalog_lists, published_kept_when_broken_dropped_when_deleted)
{
    struct casedb t;
    struct catalog *c;
    char path[160];

    casedb_open(&t);
    c = catalog_acquire();
    cr_assert_null(catalog_calendar(c));
    cr_assert_null(catalog_posts(c));
    catalog_release(c);

    tree_write(&t, "_calendar.md", "- 2026-10-01 休\n- 2026-10-10 班\n");
    tree_write(&t, "_posts.md", "- window 综合窗口（A岗）\n- civil 民政专干\n");
    reload(&t);
    c = catalog_acquire();
    cr_assert_not_null(catalog_calendar(c));
    cr_assert(!workdays_is_working(catalog_calendar(c), 20261001));
    cr_assert(workdays_is_working(catalog_calendar(c), 20261010));
    cr_assert_eq(workdays_due(catalog_calendar(c), 20260930, 1), 20261002);
    cr_assert_str_eq(posts_find(catalog_posts(c), "civil")->name, "民政专干");
    catalog_release(c);

    /* broken: the last good versions stay */
    tree_write(&t, "_calendar.md", "- 2026-10-01 放假\n");
    tree_write(&t, "_posts.md", "- Civil 民政专干\n");
    reload(&t);
    c = catalog_acquire();
    cr_assert(!workdays_is_working(catalog_calendar(c), 20261001));
    cr_assert_not_null(posts_find(catalog_posts(c), "window"));
    catalog_release(c);

    /* deleted: gone */
    snprintf(path, sizeof path, "%s/tree/_calendar.md", t.dir);
    cr_assert_eq(unlink(path), 0);
    snprintf(path, sizeof path, "%s/tree/_posts.md", t.dir);
    cr_assert_eq(unlink(path), 0);
    reload(&t);
    c = catalog_acquire();
    cr_assert_null(catalog_calendar(c));
    cr_assert_null(catalog_posts(c));
    catalog_release(c);
    casedb_close(&t);
}

/* The per-snapshot search cache (#13): an answer put is got back byte for
 * byte under its own key only; it is bounded in entries and in bytes (what
 * does not fit is simply not kept); it goes with its snapshot. */
Test(catalog, search_cache)
{
    struct catalog *c = catalog_new();
    const char *body;
    struct gzip_lazy *gz;
    size_t len, i;
    char key[32], *big;

    cr_assert_not_null(c);
    cr_assert_not(catalog_search_get(c, "\0证", 4, &body, &len, &gz), "empty before any put");
    catalog_search_put(c, "\0证", 4, "{\"procedures\":[1]}", 18);
    catalog_search_put(c, "hall\0证", 8, "{\"procedures\":[2]}", 18);
    cr_assert(catalog_search_get(c, "\0证", 4, &body, &len, &gz));
    cr_assert_eq(len, 18);
    cr_assert_eq(memcmp(body, "{\"procedures\":[1]}", 18), 0);
    cr_assert(catalog_search_get(c, "hall\0证", 8, &body, &len, &gz), "the category is in the key");
    cr_assert_eq(memcmp(body, "{\"procedures\":[2]}", 18), 0);
    cr_assert_not(catalog_search_get(c, "\0证件", 7, &body, &len, &gz));
    /* a second put of a key keeps the first answer */
    catalog_search_put(c, "\0证", 4, "{\"procedures\":[3]}", 18);
    cr_assert(catalog_search_get(c, "\0证", 4, &body, &len, &gz));
    cr_assert_eq(memcmp(body, "{\"procedures\":[1]}", 18), 0);
    /* entries: the first CATALOG_QCACHE_ENTRIES are kept, no more */
    for (i = 2; i < CATALOG_QCACHE_ENTRIES + 10; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        catalog_search_put(c, key, strlen(key), "{}", 2);
    }
    snprintf(key, sizeof key, "k%d", CATALOG_QCACHE_ENTRIES - 1);
    cr_assert(catalog_search_get(c, key, strlen(key), &body, &len, &gz));
    snprintf(key, sizeof key, "k%d", CATALOG_QCACHE_ENTRIES);
    cr_assert_not(catalog_search_get(c, key, strlen(key), &body, &len, &gz), "over the entry bound");
    catalog_release(c);

    /* bytes: an answer that would pass CATALOG_QCACHE_BYTES is not kept */
    c = catalog_new();
    cr_assert_not_null(c);
    big = malloc(CATALOG_QCACHE_BYTES / 2 + 4096);
    cr_assert_not_null(big);
    memset(big, 'x', CATALOG_QCACHE_BYTES / 2 + 4096);
    catalog_search_put(c, "a", 1, big, CATALOG_QCACHE_BYTES / 2 + 4096);
    catalog_search_put(c, "b", 1, big, CATALOG_QCACHE_BYTES / 2);
    cr_assert(catalog_search_get(c, "a", 1, &body, &len, &gz));
    cr_assert_eq(len, CATALOG_QCACHE_BYTES / 2 + 4096);
    cr_assert_not(catalog_search_get(c, "b", 1, &body, &len, &gz), "over the byte bound");
    free(big);
    catalog_release(c);
}
