/* Unit tests for snapshots built from the previous one (issue #13, item 3):
 * an unchanged procedure's bytes are shared by reference, never copied nor
 * changed in place, and outlive the snapshot they came from; a composite
 * document whose bytes did not change keeps the ETag hashing would give. */
#include <criterion/criterion.h>

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"

/* A finished snapshot of category "hall" holding a and b. */
static struct catalog *two(const char *b_item, const struct catalog *prev)
{
    struct catalog *c = catalog_new();

    cr_assert_not_null(c);
    cr_assert_eq(catalog_add_category(c, "hall", "大厅", ""), 0);
    if (prev) {
        const struct catalog_proc *a = catalog_find(prev, "a");
        cr_assert_not_null(a);
        cr_assert_eq(catalog_add_proc_shared(c, a), 0);
    } else {
        cr_assert_eq(catalog_add_proc(c, "a", "hall", "aaa", "{\"id\":\"a\"}", "{\"d\":1}", "<p>a"), 0);
    }
    cr_assert_eq(catalog_add_proc(c, "b", "hall", "bbb", b_item, "{\"d\":2}", "<p>b"), 0);
    cr_assert_eq(catalog_finish_after(c, prev), 0);
    return c;
}

Test(catalog_share, shared_bytes_outlive_their_first_snapshot)
{
    struct catalog *old = two("{\"id\":\"b\"}", NULL), *now = two("{\"id\":\"b2\"}", old);
    const struct catalog_proc *a0 = catalog_find(old, "a"), *a1 = catalog_find(now, "a");
    const char *bytes = catalog_proc_doc(a0)->detail_json;

    cr_assert_eq(catalog_proc_doc(a1)->detail_json, bytes, "shared, not copied");
    cr_assert_eq(a1->item_json, a0->item_json);
    cr_assert_eq(catalog_proc_doc(a1)->print_html, catalog_proc_doc(a0)->print_html);
    cr_assert_str_eq(a1->etag, a0->etag);
    cr_assert_str_eq(a1->hash, "aaa");
    cr_assert_neq(catalog_find(now, "b")->item_json, catalog_find(old, "b")->item_json);
    /* a reader done with the old snapshot frees it: the new one still
     * serves a's bytes (ASan, in check-asan, would see a use after free) */
    catalog_release(old);
    a1 = catalog_find(now, "a");
    cr_assert_str_eq(catalog_proc_doc(a1)->detail_json, "{\"d\":1}");
    cr_assert_str_eq(a1->item_json, "{\"id\":\"a\"}");
    cr_assert_str_eq(catalog_proc_doc(a1)->print_html, "<p>a");
    cr_assert_eq(catalog_proc_doc(a1)->detail_len, strlen("{\"d\":1}"));
    catalog_release(now);
}

Test(catalog_share, a_shared_entry_is_never_changed_in_place)
{
    struct catalog *old = two("{\"id\":\"b\"}", NULL), *now = catalog_new();
    const struct catalog_proc *a0 = catalog_find(old, "a");

    cr_assert_eq(catalog_add_proc_shared(now, a0), 0);
    cr_assert_eq(catalog_set_updated(now, 20260105), -1, "the old snapshot's bytes too");
    cr_assert_str_eq(a0->item_json, "{\"id\":\"a\"}");
    cr_assert_null(strstr(a0->etag, "-u"));
    catalog_release(now);
    catalog_release(old);
}

Test(catalog_share, etags_taken_from_the_previous_snapshot_are_those_of_the_bytes)
{
    struct catalog *old = two("{\"id\":\"b\"}", NULL);
    struct catalog *same = two("{\"id\":\"b\"}", old);   /* list bytes unchanged */
    struct catalog *fresh = two("{\"id\":\"b\"}", NULL); /* every ETag hashed */
    struct catalog *other = two("{\"id\":\"b2\"}", old); /* the lists changed */

    cr_assert_str_eq(same->list_etag, fresh->list_etag);
    cr_assert_str_eq(same->cats[0].list_etag, fresh->cats[0].list_etag);
    cr_assert_str_eq(same->categories_etag, fresh->categories_etag);
    cr_assert_str_eq(same->directory_etag, fresh->directory_etag);
    cr_assert_str_eq(same->id, fresh->id);
    cr_assert_str_neq(other->list_etag, old->list_etag);
    cr_assert_str_neq(other->cats[0].list_etag, old->cats[0].list_etag);
    cr_assert_str_neq(other->id, old->id);
    catalog_release(other);
    catalog_release(fresh);
    catalog_release(same);
    catalog_release(old);
}

Test(catalog_proc_etag, as_catalog_add_proc_and_set_updated_give_it)
{
    struct catalog *c = catalog_new();
    char e[CATALOG_PROC_ETAG_MAX];

    cr_assert_eq(catalog_add_proc(c, "a", "hall", "abc", "{}", "{}", ""), 0);
    catalog_proc_etag("abc", 0, e);
    cr_assert_str_eq(c->procs[0].etag, e);
    cr_assert_eq(catalog_set_updated(c, 20260105), 0);
    catalog_proc_etag("abc", 20260105, e);
    cr_assert_str_eq(c->procs[0].etag, e);
    catalog_release(c);
}

/* A page read after the snapshot was built (catalog_proc_doc_put): the
 * first one put stays, whoever else read it at the same moment, and the
 * snapshots sharing the body share the page too. */
static const struct catalog_proc *racer_proc;
static const struct catalog_doc *racer_got[8];

static void *racer(void *arg)
{
    size_t i = (size_t)(uintptr_t)arg;

    racer_got[i] = catalog_proc_doc_put(racer_proc, strdup("{\"d\":9}"), strdup("<p>9"));
    return NULL;
}

Test(catalog_share, a_page_read_later_is_put_once_and_shared)
{
    struct catalog *old = catalog_new(), *now;
    pthread_t th[8];
    size_t i;

    cr_assert_eq(catalog_add_proc(old, "a", "hall", "aaa", "{\"id\":\"a\"}", NULL, NULL), 0);
    cr_assert_eq(catalog_finish_after(old, NULL), 0);
    racer_proc = catalog_find(old, "a");
    cr_assert_null(catalog_proc_doc(racer_proc));
    for (i = 0; i < 8; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, racer, (void *)(uintptr_t)i), 0);
    for (i = 0; i < 8; i++)
        cr_assert_eq(pthread_join(th[i], NULL), 0);
    for (i = 0; i < 8; i++)
        cr_assert_eq(racer_got[i], catalog_proc_doc(racer_proc), "racer %zu kept its own", i);
    cr_assert_str_eq(racer_got[0]->detail_json, "{\"d\":9}");

    now = catalog_new();
    cr_assert_eq(catalog_add_proc_shared(now, racer_proc), 0);
    cr_assert_eq(catalog_finish_after(now, old), 0);
    catalog_release(old);
    cr_assert_eq(catalog_proc_doc(catalog_find(now, "a")), racer_got[0], "shared with the body");
    catalog_release(now);
}

/* catalog_set_updated puts "updated" first: alone in an empty object,
 * before the members of another, the lengths counted; a date of 0 is no
 * date and changes nothing. */
Test(catalog_updated, the_member_goes_first_in_an_empty_or_a_full_object)
{
    struct catalog *c = catalog_new();
    const struct catalog_doc *d;

    cr_assert_eq(catalog_add_proc(c, "a", "hall", "abc", "{}", "{\"d\":1}", ""), 0);
    cr_assert_eq(catalog_set_updated(c, 0), -1);
    cr_assert_str_eq(c->procs[0].item_json, "{}");
    cr_assert_eq(catalog_set_updated(c, 20260105), 0);
    cr_assert_str_eq(c->procs[0].item_json, "{\"updated\":\"2026-01-05\"}");
    cr_assert_eq(c->procs[0].item_len, strlen(c->procs[0].item_json));
    cr_assert_not_null(d = catalog_proc_doc(&c->procs[0]));
    cr_assert_str_eq(d->detail_json, "{\"updated\":\"2026-01-05\",\"d\":1}");
    cr_assert_eq(d->detail_len, strlen(d->detail_json));
    catalog_release(c);
}

/* A snapshot document's ETag is the first 32 hex digits of the SHA-256 of
 * its bytes, quoted (docs/http-api.md), for every list and the others. */
static void etag_of(const char *doc, size_t len, char out[CATALOG_ETAG_MAX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];

    crypto_hash_sha256(h, (const unsigned char *)doc, len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(out, CATALOG_ETAG_MAX, "\"%.32s\"", hex);
}

Test(catalog_share, a_documents_etag_is_32_hex_of_the_sha256_of_its_bytes)
{
    struct catalog *c = two("{\"id\":\"b\"}", NULL);
    char want[CATALOG_ETAG_MAX];

    etag_of(c->list_json, c->list_len, want);
    cr_assert_str_eq(c->list_etag, want);
    etag_of(c->cats[0].list_json, c->cats[0].list_len, want);
    cr_assert_str_eq(c->cats[0].list_etag, want);
    etag_of(c->categories_json, c->categories_len, want);
    cr_assert_str_eq(c->categories_etag, want);
    etag_of(c->directory_json, c->directory_len, want);
    cr_assert_str_eq(c->directory_etag, want);
    catalog_release(c);
}

/* A procedure of a category the snapshot was not given is in the whole
 * list and in no category's list nor count (under ASan, an index past the
 * categories would be a heap overflow). */
Test(catalog_lists, a_procedure_of_an_unknown_category_is_only_in_the_whole_list)
{
    struct catalog *c = catalog_new();

    cr_assert_not_null(c);
    cr_assert_eq(catalog_add_category(c, "hall", "大厅", ""), 0);
    cr_assert_eq(catalog_add_proc(c, "a", "hall", "aaa", "{\"id\":\"a\"}", NULL, NULL), 0);
    cr_assert_eq(catalog_add_proc(c, "x", "elsewhere", "xxx", "{\"id\":\"x\"}", NULL, NULL), 0);
    cr_assert_eq(catalog_finish(c), 0);
    cr_assert_str_eq(c->list_json, "{\"procedures\":[{\"id\":\"a\"},{\"id\":\"x\"}]}");
    cr_assert_eq(c->list_len, strlen(c->list_json));
    cr_assert_str_eq(c->cats[0].list_json, "{\"procedures\":[{\"id\":\"a\"}]}");
    cr_assert_eq(c->cats[0].count, 1);
    catalog_release(c);
}

/* A procedure shared into the next snapshot keeps its ETag as it was,
 * "updated" date included: its bytes carry that notice too. */
Test(catalog_share, a_shared_entry_keeps_the_etag_of_its_updated_notice)
{
    struct catalog *old = catalog_new(), *now = catalog_new();
    const struct catalog_proc *a0;

    cr_assert_eq(catalog_add_proc(old, "a", "hall", "aaa", "{\"id\":\"a\"}", NULL, NULL), 0);
    cr_assert_eq(catalog_set_updated(old, 20260105), 0);
    cr_assert_eq(catalog_finish(old), 0);
    cr_assert_not_null(a0 = catalog_find(old, "a"));
    cr_assert_not_null(strstr(a0->etag, "-u20260105"));
    cr_assert_eq(catalog_add_proc_shared(now, a0), 0);
    cr_assert_eq(catalog_finish_after(now, old), 0);
    cr_assert_str_eq(catalog_find(now, "a")->etag, a0->etag);
    catalog_release(old);
    catalog_release(now);
}
