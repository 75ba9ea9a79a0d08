/* catalog: the reference-counted snapshot the read API answers from. Every
 * response body of the read path is a byte range of a snapshot, so serving
 * a procedure costs a lookup and no rendering. */
#include "catalog.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall.h"
#include "library.h"
#include "render.h"
#include "strbuf.h"
#include "version.h"

static pthread_mutex_t catalog_lock = PTHREAD_MUTEX_INITIALIZER;
static struct catalog *catalog_live;

struct catalog *catalog_new(void)
{
    struct catalog *c = calloc(1, sizeof *c);

    if (c)
        atomic_init(&c->refs, 1);
    return c;
}

int catalog_add_category(struct catalog *c, const char *id, const char *title,
                         const char *description)
{
    struct catalog_cat *k;

    if (c->n_cats == c->cap_cats) {
        size_t cap = c->cap_cats ? c->cap_cats * 2 : 16;
        if (!(k = realloc(c->cats, cap * sizeof *k)))
            return -1;
        c->cats = k;
        c->cap_cats = cap;
    }
    k = &c->cats[c->n_cats];
    memset(k, 0, sizeof *k);
    k->id = strdup(id);
    k->title = strdup(title);
    k->description = strdup(description);
    c->n_cats++;
    return k->id && k->title && k->description ? 0 : -1;
}

void catalog_proc_etag(const char *hash, int updated, char out[CATALOG_PROC_ETAG_MAX])
{
    /* the bytes served depend on the source, on how this build renders it
     * and on the hall's contact details filled in (hall.h): after an
     * upgrade or a new hall phone a client's cached copy must not be
     * confirmed */
    const char *tag = hall_contact_tag();
    char u[16] = "", h[4 + HALL_TAG_LEN] = "";

    if (updated > 0)
        snprintf(u, sizeof u, "-u%08d", updated % 100000000);
    if (*tag)
        snprintf(h, sizeof h, "-c%s", tag);
    snprintf(out, CATALOG_PROC_ETAG_MAX, "\"%.64s-r%d%s%s\"", hash, RENDER_VERSION, u, h);
}

/* A new entry at the end of c's procs, zeroed; NULL when memory runs out. */
static struct catalog_proc *catalog_proc_new(struct catalog *c)
{
    struct catalog_proc *p;

    if (c->n_procs == c->cap_procs) {
        size_t cap = c->cap_procs ? c->cap_procs * 2 : 64;
        if (!(p = realloc(c->procs, cap * sizeof *p)))
            return NULL;
        c->procs = p;
        c->cap_procs = cap;
    }
    p = &c->procs[c->n_procs];
    memset(p, 0, sizeof *p);
    return p;
}

static void catalog_doc_free(struct catalog_doc *d)
{
    if (!d)
        return;
    free(d->detail_json);
    free(d->print_html);
    free(d);
}

static void catalog_body_release(struct catalog_body *b)
{
    if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
        return;
    free(b->item_json);
    catalog_doc_free(atomic_load(&b->doc));
    free(b);
}

int catalog_add_proc(struct catalog *c, const char *id, const char *category, const char *hash,
                     const char *item_json, const char *detail_json, const char *print_html)
{
    struct catalog_proc *p = catalog_proc_new(c);
    struct catalog_body *b;

    if (!p)
        return -1;
    catalog_proc_etag(hash, 0, p->etag);
    snprintf(p->hash, sizeof p->hash, "%.64s", hash);
    p->id = strdup(id);
    p->category = strdup(category);
    c->n_procs++;
    if (!(b = p->body = calloc(1, sizeof *b)))
        return -1;
    atomic_init(&b->refs, 1);
    atomic_init(&b->doc, NULL);
    b->item_json = p->item_json = strdup(item_json);
    if (!p->id || !p->category || !p->item_json)
        return -1;
    p->item_len = strlen(p->item_json);
    if (detail_json && print_html) {
        char *d = strdup(detail_json), *h = strdup(print_html);
        if (!d || !h) {
            free(d);
            free(h);
            return -1;
        }
        if (!catalog_proc_doc_put(p, d, h))
            return -1;
    }
    return 0;
}

const struct catalog_doc *catalog_proc_doc(const struct catalog_proc *p)
{
    return p->body ? atomic_load(&p->body->doc) : NULL;
}

int catalog_add_proc_shared(struct catalog *c, const struct catalog_proc *from)
{
    struct catalog_proc *p = catalog_proc_new(c);

    if (!p)
        return -1;
    memcpy(p->etag, from->etag, sizeof p->etag);
    memcpy(p->hash, from->hash, sizeof p->hash);
    p->id = strdup(from->id);
    p->category = strdup(from->category);
    c->n_procs++;
    if (!p->id || !p->category)
        return -1;
    /* the earlier snapshot holds its reference until it is freed, so the
     * count cannot reach 0 under us */
    atomic_fetch_add(&from->body->refs, 1);
    p->body = from->body;
    p->item_json = from->item_json;
    p->item_len = from->item_len;
    return 0;
}

bool catalog_updated_shown(int updated_on, int today)
{
    int until;

    if (updated_on <= 0 || today <= 0 || updated_on > today)
        return false;
    until = library_date_add(updated_on, CATALOG_UPDATED_DAYS);
    return until > 0 && today < until;
}

/* json (an object, as rendered) with member put in first: a new string of
 * *len bytes, or NULL. */
static char *catalog_json_prepend(const char *json, size_t *len, const char *member)
{
    size_t n = strlen(member), rest;
    char *s;

    if (*len < 2 || json[0] != '{')
        return NULL;
    rest = *len - 1;
    /* "{}" takes the member without a comma */
    if (!(s = malloc(1 + n + 1 + rest + 1)))
        return NULL;
    s[0] = '{';
    memcpy(s + 1, member, n);
    if (json[1] == '}') {
        memcpy(s + 1 + n, json + 1, rest + 1);
        *len = 1 + n + rest;
    } else {
        s[1 + n] = ',';
        memcpy(s + 2 + n, json + 1, rest + 1);
        *len = 2 + n + rest;
    }
    return s;
}

/* "updated":"YYYY-MM-DD", the member catalog_set_updated puts first. */
static void catalog_updated_member(int date, char out[40])
{
    snprintf(out, 40, "\"updated\":\"%04d-%02d-%02d\"", date / 10000 % 10000, date / 100 % 100,
             date % 100);
}

int catalog_set_updated(struct catalog *c, int date)
{
    struct catalog_proc *p;
    struct catalog_doc *d;
    char member[40], *item, *detail;
    size_t il, dl = 0;

    if (!c->n_procs || date <= 0)
        return -1;
    p = &c->procs[c->n_procs - 1];
    /* a shared body is another snapshot's too: never changed in place */
    if (!p->body || atomic_load(&p->body->refs) != 1)
        return -1;
    catalog_updated_member(date, member);
    il = p->item_len;
    item = catalog_json_prepend(p->item_json, &il, member);
    /* a page read already (given to catalog_add_proc) is marked now, one
     * read later when it is put in (catalog_proc_doc_put) */
    d = atomic_load(&p->body->doc);
    if (d)
        dl = d->detail_len;
    detail = d ? catalog_json_prepend(d->detail_json, &dl, member) : NULL;
    if (!item || (d && !detail)) {
        free(item);
        free(detail);
        return -1;
    }
    free(p->item_json);
    p->body->item_json = item;
    p->item_json = item;
    p->item_len = il;
    p->body->updated = date;
    if (d) {
        free(d->detail_json);
        d->detail_json = detail;
        d->detail_len = dl;
    }
    catalog_proc_etag(p->hash, date, p->etag);
    return 0;
}

const struct catalog_doc *catalog_proc_doc_put(const struct catalog_proc *p, char *detail_json,
                                               char *print_html)
{
    struct catalog_doc *d = NULL, *expected = NULL;
    char member[40];
    size_t dl;

    if (!p->body || !detail_json || !print_html)
        goto fail;
    dl = strlen(detail_json);
    if (p->body->updated > 0) {
        char *marked;
        catalog_updated_member(p->body->updated, member);
        if (!(marked = catalog_json_prepend(detail_json, &dl, member)))
            goto fail;
        free(detail_json);
        detail_json = marked;
    }
    if (!(d = malloc(sizeof *d)))
        goto fail;
    d->detail_json = detail_json;
    d->detail_len = dl;
    d->print_html = print_html;
    d->print_len = strlen(print_html);
    /* the first one put stays: a reader may hold it already */
    if (atomic_compare_exchange_strong(&p->body->doc, &expected, d))
        return d;
    catalog_doc_free(d);
    return expected;
fail:
    free(detail_json);
    free(print_html);
    return NULL;
}

int catalog_set_triage(struct catalog *c, const char *json)
{
    free(c->triage_json);
    if (!(c->triage_json = strdup(json)))
        return -1;
    c->triage_len = strlen(json);
    return 0;
}

int catalog_set_directory(struct catalog *c, const char *json)
{
    free(c->directory_json);
    if (!(c->directory_json = strdup(json)))
        return -1;
    c->directory_len = strlen(json);
    return 0;
}

int catalog_set_posts(struct catalog *c, const char *text)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    struct posts *ps = NULL;
    int r = posts_parse(POSTS_FILE, text, strlen(text), &ps, &quiet);

    diag_list_free(&quiet);
    if (r != 0) {
        /* stored only when it had no error: a failure here is memory */
        posts_free(ps);
        return -1;
    }
    posts_free(c->posts);
    c->posts = ps;
    return 0;
}

int catalog_set_calendar(struct catalog *c, const char *text)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    struct workdays *cal = NULL;
    int r = workdays_parse(WORKDAYS_FILE, text, strlen(text), &cal, &quiet);

    diag_list_free(&quiet);
    if (r != 0)
        return -1;
    workdays_free(c->calendar);
    c->calendar = cal;
    return 0;
}

const struct workdays *catalog_calendar(const struct catalog *c)
{
    return c ? c->calendar : NULL;
}

const struct posts *catalog_posts(const struct catalog *c)
{
    return c ? c->posts : NULL;
}

/* {"procedures":[item,item,...]}: out, of len bytes (counted by a first
 * pass) and NUL, filled by catalog_list_put calls then catalog_list_end. */
struct catalog_list {
    char *out;
    size_t len, at, n;
};

static const char catalog_list_open[] = "{\"procedures\":[";

static int catalog_list_alloc(struct catalog_list *l)
{
    l->len += sizeof catalog_list_open - 1 + 2;
    if (!(l->out = malloc(l->len + 1)))
        return -1;
    memcpy(l->out, catalog_list_open, sizeof catalog_list_open - 1);
    l->at = sizeof catalog_list_open - 1;
    l->n = 0;
    return 0;
}

static void catalog_list_put(struct catalog_list *l, const struct catalog_proc *p)
{
    if (l->n++)
        l->out[l->at++] = ',';
    memcpy(l->out + l->at, p->item_json, p->item_len);
    l->at += p->item_len;
}

static void catalog_list_end(struct catalog_list *l)
{
    memcpy(l->out + l->at, "]}", 3);
}

/* The list of every procedure and of each category's, and the counts, in
 * one pass over the procedures with each buffer sized first: a pass and a
 * growing buffer per category were a fifth of a reload at 10,000 (issue
 * #13). 0, or -1 (out of memory). */
static int catalog_render_lists(struct catalog *c)
{
    struct catalog_list all = {0}, *per = calloc(c->n_cats ? c->n_cats : 1, sizeof *per);
    size_t *cat_of = malloc((c->n_procs ? c->n_procs : 1) * sizeof *cat_of), i, k;
    int rc = -1;

    if (!per || !cat_of)
        goto out;
    for (i = 0; i < c->n_procs; i++) {
        const struct catalog_proc *p = &c->procs[i];
        /* the list is in category order: the same as the one before, mostly */
        if (i > 0 && strcmp(p->category, c->procs[i - 1].category) == 0) {
            k = cat_of[i - 1];
        } else {
            for (k = 0; k < c->n_cats && strcmp(c->cats[k].id, p->category) != 0; k++)
                ;
        }
        cat_of[i] = k;
        all.len += p->item_len + (i > 0);
        if (k < c->n_cats) {
            per[k].len += p->item_len + (per[k].n > 0);
            per[k].n++;
        }
    }
    if (catalog_list_alloc(&all) != 0)
        goto out;
    for (k = 0; k < c->n_cats; k++) {
        c->cats[k].count = per[k].n;
        if (catalog_list_alloc(&per[k]) != 0)
            goto out;
    }
    for (i = 0; i < c->n_procs; i++) {
        catalog_list_put(&all, &c->procs[i]);
        if (cat_of[i] < c->n_cats)
            catalog_list_put(&per[cat_of[i]], &c->procs[i]);
    }
    catalog_list_end(&all);
    c->list_json = all.out;
    c->list_len = all.len;
    all.out = NULL;
    for (k = 0; k < c->n_cats; k++) {
        catalog_list_end(&per[k]);
        c->cats[k].list_json = per[k].out;
        c->cats[k].list_len = per[k].len;
        per[k].out = NULL;
    }
    rc = 0;
out:
    for (k = 0; per && k < c->n_cats; k++)
        free(per[k].out);
    free(all.out);
    free(per);
    free(cat_of);
    return rc;
}

/* A document's ETag from its bytes, and the bytes fed to the snapshot's id.
 * When the earlier snapshot served the same bytes (was, of was_len, with
 * was_etag; was may be NULL) its ETag is taken as it was. */
static void catalog_etag(crypto_hash_sha256_state *all, const char *doc, size_t len,
                         const char *was, size_t was_len, const char *was_etag,
                         char out[CATALOG_ETAG_MAX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[33];

    if (doc && was && len == was_len && memcmp(doc, was, len) == 0) {
        memcpy(out, was_etag, CATALOG_ETAG_MAX);
    } else {
        crypto_hash_sha256(h, (const unsigned char *)(doc ? doc : ""), doc ? len : 0);
        sodium_bin2hex(hex, sizeof hex, h, 16);
        snprintf(out, CATALOG_ETAG_MAX, "\"%s\"", hex);
    }
    crypto_hash_sha256_update(all, (const unsigned char *)out, strlen(out));
}

static const struct catalog_cat *catalog_cat_in(const struct catalog *c, const char *id)
{
    size_t i;

    for (i = 0; c && i < c->n_cats; i++)
        if (strcmp(c->cats[i].id, id) == 0)
            return &c->cats[i];
    return NULL;
}

/* The ETags and the snapshot's id. The id covers every procedure's ETag
 * (its source, the render version, its "updated" notice) and the
 * composite documents, so that a search answered from another snapshot
 * is never confirmed. */
static void catalog_hash(struct catalog *c, const struct catalog *p)
{
    crypto_hash_sha256_state all;
    unsigned char h[crypto_hash_sha256_BYTES];
    size_t i;

    crypto_hash_sha256_init(&all);
    crypto_hash_sha256_update(&all, (const unsigned char *)SPK_VERSION, sizeof SPK_VERSION);
    for (i = 0; i < c->n_cats; i++) {
        const struct catalog_cat *k = catalog_cat_in(p, c->cats[i].id);
        catalog_etag(&all, c->cats[i].list_json, c->cats[i].list_len, k ? k->list_json : NULL,
                     k ? k->list_len : 0, k ? k->list_etag : NULL, c->cats[i].list_etag);
    }
    catalog_etag(&all, c->list_json, c->list_len, p ? p->list_json : NULL, p ? p->list_len : 0,
                 p ? p->list_etag : NULL, c->list_etag);
    catalog_etag(&all, c->categories_json, c->categories_len, p ? p->categories_json : NULL,
                 p ? p->categories_len : 0, p ? p->categories_etag : NULL, c->categories_etag);
    catalog_etag(&all, c->triage_json, c->triage_len, p ? p->triage_json : NULL,
                 p ? p->triage_len : 0, p ? p->triage_etag : NULL, c->triage_etag);
    catalog_etag(&all, c->directory_json, c->directory_len, p ? p->directory_json : NULL,
                 p ? p->directory_len : 0, p ? p->directory_etag : NULL, c->directory_etag);
    for (i = 0; i < c->n_procs; i++)
        crypto_hash_sha256_update(&all, (const unsigned char *)c->procs[i].etag,
                                  strlen(c->procs[i].etag) + 1);
    crypto_hash_sha256_final(&all, h);
    sodium_bin2hex(c->id, sizeof c->id, h, 16);
}

static int catalog_id_cmp(const void *a, const void *b)
{
    return strcmp(((const struct catalog_index *)a)->id, ((const struct catalog_index *)b)->id);
}

/* The triage as residents can follow it: an answer leading to a procedure
 * this snapshot does not serve (a new item whose text waits for its
 * `effective` date) is left out until it is served, for it ended in
 * 没有找到这个事项，可能已经停办或改名 (a policy-change review); a question
 * left with no answer ends the flow at the window. The stored triage is
 * untouched: the next snapshot after the date has the answer back. The
 * stand-in answer carries `fallback` so the page can say it at once rather
 * than as a button reading the same words as the advice behind it. 0, or
 * -1 when memory ran out. */
static int catalog_triage_prune(struct catalog *c)
{
    cJSON *root, *q, *answers, *a, *next;
    bool pruned = false;
    char *json;
    int rc = -1;

    if (!c->triage_json)
        return 0;
    /* stored by this build from a parsed triage: unreadable only if memory ran out */
    if (!(root = cJSON_ParseWithLength(c->triage_json, c->triage_len)))
        return -1;
    cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(root, "questions"))
    {
        if (!cJSON_IsArray(answers = cJSON_GetObjectItemCaseSensitive(q, "answers")))
            continue;
        for (a = answers->child; a; a = next) {
            const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "procedure"));
            next = a->next;
            if (id && !catalog_find(c, id)) {
                cJSON_Delete(cJSON_DetachItemViaPointer(answers, a));
                pruned = true;
            }
        }
        if (cJSON_GetArraySize(answers) == 0) {
            cJSON *o = cJSON_CreateObject();
            if (!o || !cJSON_AddItemToArray(answers, o) ||
                !cJSON_AddStringToObject(o, "text", "请到综合窗口咨询") ||
                !cJSON_AddTrueToObject(o, "fallback"))
                goto out;
        }
    }
    if (pruned) {
        if (!(json = cJSON_PrintUnformatted(root)))
            goto out;
        free(c->triage_json);
        c->triage_json = json;
        c->triage_len = strlen(json);
    }
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

int catalog_finish(struct catalog *c)
{
    return catalog_finish_after(c, NULL);
}

int catalog_finish_after(struct catalog *c, const struct catalog *prev)
{
    cJSON *root = NULL, *arr;
    size_t i;
    int rc = -1;

    if (!c->directory_json && catalog_set_directory(c, "{\"offices\":[]}") != 0)
        goto out;
    if (catalog_render_lists(c) != 0)
        goto out;
    if (!(root = cJSON_CreateObject()) || !(arr = cJSON_AddArrayToObject(root, "categories")))
        goto out;
    for (i = 0; i < c->n_cats; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            goto out;
        }
        if (!cJSON_AddStringToObject(o, "id", c->cats[i].id) ||
            !cJSON_AddStringToObject(o, "title", c->cats[i].title) ||
            !cJSON_AddStringToObject(o, "description", c->cats[i].description) ||
            !cJSON_AddNumberToObject(o, "procedures", (double)c->cats[i].count))
            goto out;
    }
    if (!(c->categories_json = cJSON_PrintUnformatted(root)))
        goto out;
    c->categories_len = strlen(c->categories_json);
    if (!(c->by_id = malloc((c->n_procs ? c->n_procs : 1) * sizeof *c->by_id)))
        goto out;
    for (i = 0; i < c->n_procs; i++) {
        c->by_id[i].id = c->procs[i].id;
        c->by_id[i].index = i;
    }
    if (c->n_procs)
        qsort(c->by_id, c->n_procs, sizeof *c->by_id, catalog_id_cmp);
    if (catalog_triage_prune(c) != 0)
        goto out;
    catalog_hash(c, prev);
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

const struct catalog_proc *catalog_find(const struct catalog *c, const char *id)
{
    size_t lo = 0, hi = c->n_procs;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(id, c->by_id[mid].id);
        if (r == 0)
            return &c->procs[c->by_id[mid].index];
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const struct catalog_cat *catalog_category(const struct catalog *c, const char *id)
{
    size_t i;

    for (i = 0; i < c->n_cats; i++)
        if (strcmp(c->cats[i].id, id) == 0)
            return &c->cats[i];
    return NULL;
}

static void catalog_qcache_free(struct catalog_qcache *q);

static void catalog_free(struct catalog *c)
{
    size_t i;

    for (i = 0; i < c->n_procs; i++) {
        free(c->procs[i].id);
        free(c->procs[i].category);
        catalog_body_release(c->procs[i].body);
        gzip_lazy_clear(&c->procs[i].detail_gz);
        gzip_lazy_clear(&c->procs[i].print_gz);
    }
    free(c->procs);
    free(c->by_id);
    for (i = 0; i < c->n_cats; i++) {
        free(c->cats[i].id);
        free(c->cats[i].title);
        free(c->cats[i].description);
        free(c->cats[i].list_json);
        gzip_lazy_clear(&c->cats[i].list_gz);
    }
    free(c->cats);
    gzip_lazy_clear(&c->categories_gz);
    gzip_lazy_clear(&c->list_gz);
    gzip_lazy_clear(&c->triage_gz);
    gzip_lazy_clear(&c->directory_gz);
    free(c->categories_json);
    free(c->list_json);
    free(c->triage_json);
    free(c->directory_json);
    posts_free(c->posts);
    workdays_free(c->calendar);
    catalog_qcache_free(c->qcache);
    free(c);
}

/* --- the per-snapshot search cache ------------------------------------------ */

struct catalog_qentry {
    struct catalog_qentry *next;
    size_t klen, len;
    char *body;
    struct gzip_lazy gz;        /* its compressed copy, made by the first reader asking */
    char key[]; /* klen bytes */
};

static size_t catalog_qhash(const char *key, size_t klen)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    size_t i;

    for (i = 0; i < klen; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211u;
    }
    return (size_t)(h % CATALOG_QCACHE_BUCKETS);
}

static struct catalog_qentry *catalog_qfind(const struct catalog_qcache *q, const char *key,
                                            size_t klen)
{
    struct catalog_qentry *e;

    for (e = q->buckets[catalog_qhash(key, klen)]; e; e = e->next)
        if (e->klen == klen && memcmp(e->key, key, klen) == 0)
            return e;
    return NULL;
}

/* The cache is made by the first put: a snapshot nobody searches costs
 * nothing. */
static pthread_mutex_t catalog_qmake_lock = PTHREAD_MUTEX_INITIALIZER;

static struct catalog_qcache *catalog_qcache_of(struct catalog *c, bool make)
{
    struct catalog_qcache *q;

    pthread_mutex_lock(&catalog_qmake_lock);
    q = c->qcache;
    if (!q && make && (q = calloc(1, sizeof *q))) {
        if (pthread_mutex_init(&q->lock, NULL) != 0) {
            free(q);
            q = NULL;
        } else {
            c->qcache = q;
        }
    }
    pthread_mutex_unlock(&catalog_qmake_lock);
    return q;
}

bool catalog_search_get(struct catalog *c, const char *key, size_t klen, const char **body,
                        size_t *len, struct gzip_lazy **gz)
{
    struct catalog_qcache *q = catalog_qcache_of(c, false);
    struct catalog_qentry *e;

    if (!q)
        return false;
    pthread_mutex_lock(&q->lock);
    e = catalog_qfind(q, key, klen);
    pthread_mutex_unlock(&q->lock);
    if (!e)
        return false;
    /* entries are never removed nor changed while the snapshot lives */
    *body = e->body;
    *len = e->len;
    *gz = &e->gz;
    return true;
}

void catalog_search_put(struct catalog *c, const char *key, size_t klen, const char *body,
                        size_t len)
{
    struct catalog_qcache *q = catalog_qcache_of(c, true);
    struct catalog_qentry *e;
    size_t cost = sizeof *e + klen + len + 1, b;

    if (!q || klen > CATALOG_QCACHE_BYTES || len > CATALOG_QCACHE_BYTES)
        return;
    pthread_mutex_lock(&q->lock);
    if (q->n >= CATALOG_QCACHE_ENTRIES || q->bytes + cost > CATALOG_QCACHE_BYTES ||
        catalog_qfind(q, key, klen))
        goto out;
    if (!(e = malloc(sizeof *e + klen)))
        goto out;
    if (!(e->body = malloc(len + 1))) {
        free(e);
        goto out;
    }
    memcpy(e->key, key, klen);
    memcpy(e->body, body, len);
    e->body[len] = '\0';
    e->klen = klen;
    e->len = len;
    atomic_init(&e->gz.blob, NULL);
    e->gz.level = 0;
    b = catalog_qhash(key, klen);
    e->next = q->buckets[b];
    q->buckets[b] = e;
    q->n++;
    q->bytes += cost;
out:
    pthread_mutex_unlock(&q->lock);
}

static void catalog_qcache_free(struct catalog_qcache *q)
{
    size_t i;

    if (!q)
        return;
    for (i = 0; i < CATALOG_QCACHE_BUCKETS; i++)
        while (q->buckets[i]) {
            struct catalog_qentry *e = q->buckets[i];
            q->buckets[i] = e->next;
            gzip_lazy_clear(&e->gz);
            free(e->body);
            free(e);
        }
    pthread_mutex_destroy(&q->lock);
    free(q);
}

void catalog_release(struct catalog *c)
{
    if (c && atomic_fetch_sub(&c->refs, 1) == 1)
        catalog_free(c);
}

struct catalog *catalog_acquire(void)
{
    struct catalog *c;

    pthread_mutex_lock(&catalog_lock);
    c = catalog_live;
    if (c)
        atomic_fetch_add(&c->refs, 1);
    pthread_mutex_unlock(&catalog_lock);
    return c;
}

void catalog_publish(struct catalog *c)
{
    struct catalog *old;

    pthread_mutex_lock(&catalog_lock);
    old = catalog_live;
    catalog_live = c;
    pthread_mutex_unlock(&catalog_lock);
    catalog_release(old);
}

void catalog_shutdown(void)
{
    catalog_publish(NULL);
}
