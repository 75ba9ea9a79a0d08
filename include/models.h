/* models: the parsed model of any stored procedure version, built once per
 * (id, hash) from the source kept in procedure_versions and shared by the
 * worker threads. Cases pin a version, so a case started before an edit is
 * still validated against the steps and fields it started with.
 */
#ifndef SPK_MODELS_H
#define SPK_MODELS_H

#include "db.h"
#include "procedure.h"

/* Versions kept in memory; the least recently used unreferenced one goes. */
#define MODELS_CACHE_MAX 256

struct model_ref;   /* a held reference; the model stays valid until released */

/* Parses the stored source of procedure id at version hash into a new
 * model *out, not cached (the caller frees it with procedure_free). A
 * source with errors under this build's checks (a stricter build than the
 * one that stored it) still gives the model the parser built (logged).
 * Returns 0; 1 when there is no such version or its source gives no model
 * at all (logged); -1 on a database error or when memory runs out. */
int models_parse(struct db *db, const char *id, const char *hash, struct procedure **out);

/* The model of procedure id at version hash into *out, read with db when
 * not cached. Returns 0 and sets *ref (release with models_release); 1 when
 * the version is unknown or its source no longer parses (logged); -1 on a
 * database error or when memory runs out. *out and *ref are NULL unless 0.
 * The model is immutable and shared: never modify or free it. */
int models_get(struct db *db, const char *id, const char *hash, const struct procedure **out,
               struct model_ref **ref);

/* Drops a reference from models_get. NULL is allowed. */
void models_release(struct model_ref *ref);

/* Frees every cached model; no reference may be held. */
void models_shutdown(void);

#endif
