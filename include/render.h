/* render: the JSON the read API serves, rendered once per procedure version
 * when it is loaded, never per request.
 */
#ifndef SPK_RENDER_H
#define SPK_RENDER_H

#include "procedure.h"

/* Bump when the JSON shape changes: stored renderings of another version
 * are rendered again from their source at the next start. */
#define RENDER_VERSION 1

/* The whole procedure, as GET /api/v1/procedures/{id} answers it. Returns a
 * new string (caller frees) or NULL when memory runs out. */
char *render_procedure_detail(const struct procedure *p);

/* One entry of GET /api/v1/procedures: {"id","title","category","kind",
 * "summary"}. Returns a new string (caller frees) or NULL. */
char *render_procedure_item(const struct procedure *p);

#endif
