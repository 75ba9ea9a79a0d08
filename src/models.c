/* models: a small LRU cache of parsed procedure versions. Parsing costs
 * well under a millisecond, but a walkthrough validates every step against
 * the model, so the common versions stay parsed. */
#include "models.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct model_ref {
    char id[PROCEDURE_ID_MAX + 1];
    char hash[65];
    struct procedure *model;
    unsigned refs;              /* held references, under models_lock */
    unsigned long long used;    /* LRU clock */
    bool uncached;              /* the cache was full of held entries */
};

static pthread_mutex_t models_lock = PTHREAD_MUTEX_INITIALIZER;
static struct model_ref *models[MODELS_CACHE_MAX];
static size_t models_n;
static unsigned long long models_clock;

static const char sql_source[] =
    "SELECT source, category FROM procedure_versions WHERE procedure_id = ?1 AND hash = ?2";

int models_parse(struct db *db, const char *id, const char *hash, struct procedure **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_source);
    struct diag_list d = DIAG_LIST_INIT;
    struct procedure_src src;
    char *text = NULL, *category = NULL;
    int b = SQLITE_OK, r, rc = -1;

    *out = NULL;
    if (!st)
        return -1;
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    r = b == SQLITE_OK ? sqlite3_step(st) : b;
    if (r == SQLITE_DONE) {
        rc = 1;
    } else if (r == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        text = malloc((size_t)n + 1);
        category = strdup((const char *)sqlite3_column_text(st, 1));
        if (text && category) {
            memcpy(text, sqlite3_column_blob(st, 0), (size_t)n);
            text[n] = '\0';
            memset(&src, 0, sizeof src);
            src.path = id;
            src.id = id;
            src.category = category;
            src.text = text;
            src.len = (size_t)n;
            src.hash = hash;
            /* a version a case pinned was accepted by the build that stored
             * it; a stricter build's new errors (0.1.0's `{optional}。`)
             * must not turn every view and step of its cases into a 500,
             * nor hide them from the queue: they go on with what this build
             * makes of the text, as the check of the file shows it */
            src.keep_on_error = true;
            rc = procedure_parse(&src, out, &d);
            /* a model without a title or a step is no procedure to walk */
            if (rc == 1 && *out && (!(*out)->title || (*out)->n_steps == 0)) {
                procedure_free(*out);
                *out = NULL;
            }
            if (rc == 1 && *out) {
                fprintf(stderr, "spkiosk: stored version %s of %.12s has errors under this build's "
                                "checks; its cases go on with it as this build reads it\n", id, hash);
                rc = 0;
            } else if (rc == 1) {
                fprintf(stderr, "spkiosk: stored version %s of %.12s no longer parses\n", id, hash);
            }
        }
    }
    sqlite3_reset(st);
    diag_list_free(&d);
    free(text);
    free(category);
    return rc;
}

/* Makes room for one more entry; false when every entry is referenced. */
static bool models_evict(void)
{
    size_t i, victim = models_n;

    for (i = 0; i < models_n; i++)
        if (models[i]->refs == 0 && (victim == models_n || models[i]->used < models[victim]->used))
            victim = i;
    if (victim == models_n)
        return false;
    procedure_free(models[victim]->model);
    free(models[victim]);
    models[victim] = models[--models_n];
    return true;
}

int models_get(struct db *db, const char *id, const char *hash, const struct procedure **out,
               struct model_ref **ref)
{
    struct model_ref *m = NULL;
    struct procedure *p;
    size_t i;
    int rc;

    *ref = NULL;
    *out = NULL;
    if (strlen(id) > PROCEDURE_ID_MAX || strlen(hash) != 64)
        return 1;
    pthread_mutex_lock(&models_lock);
    for (i = 0; i < models_n; i++) {
        if (strcmp(models[i]->hash, hash) == 0 && strcmp(models[i]->id, id) == 0) {
            m = models[i];
            m->refs++;
            m->used = ++models_clock;
            break;
        }
    }
    pthread_mutex_unlock(&models_lock);
    if (m) {
        *ref = m;
        *out = m->model;
        return 0;
    }
    /* parse outside the lock; two threads may both parse, one result wins */
    if ((rc = models_parse(db, id, hash, &p)) != 0)
        return rc;
    pthread_mutex_lock(&models_lock);
    for (i = 0; i < models_n; i++) {
        if (strcmp(models[i]->hash, hash) == 0 && strcmp(models[i]->id, id) == 0) {
            m = models[i];
            break;
        }
    }
    if (!m && (m = calloc(1, sizeof *m))) {
        snprintf(m->id, sizeof m->id, "%s", id);
        snprintf(m->hash, sizeof m->hash, "%s", hash);
        m->model = p;
        p = NULL;
        if (models_n < MODELS_CACHE_MAX || models_evict())
            models[models_n++] = m;
        else
            m->uncached = true; /* served once, freed on release */
    }
    if (m) {
        m->refs++;
        m->used = ++models_clock;
    }
    pthread_mutex_unlock(&models_lock);
    procedure_free(p); /* the loser of a race, or memory ran out */
    if (!m)
        return -1;
    *ref = m;
    *out = m->model;
    return 0;
}

void models_release(struct model_ref *ref)
{
    bool drop;

    if (!ref)
        return;
    pthread_mutex_lock(&models_lock);
    drop = --ref->refs == 0 && ref->uncached;
    pthread_mutex_unlock(&models_lock);
    if (drop) {
        procedure_free(ref->model);
        free(ref);
    }
}

void models_shutdown(void)
{
    pthread_mutex_lock(&models_lock);
    while (models_n) {
        struct model_ref *m = models[--models_n];
        procedure_free(m->model);
        free(m);
    }
    pthread_mutex_unlock(&models_lock);
}
