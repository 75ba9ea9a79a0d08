/* render: the JSON the read API serves, rendered once per procedure version
 * when it is loaded, never per request.
 */
#ifndef SPK_RENDER_H
#define SPK_RENDER_H

#include "procedure.h"

/* Bump when the JSON shape or the HTML in it changes (6: links to
 * _directory.md offices became #/office/ID; 8: the print sheet says which
 * answer an item depends on; 9: the practice key is stored beside the
 * JSON; 10: review_body and court are known front matter, kept in meta;
 * 11: meta's keys in byte order, whatever their order in the file or the
 * hall's values filled in after them; 12: the staff's notice key,
 * vdiff_key, stored beside the JSON; 13: every line break between Chinese
 * characters joined, not the first 256 of a block; 14: the print sheet
 * gives 适用对象 once when a section of that name says it; 15: an image on
 * another host is shown as its description, never fetched; 16: a line
 * break between Chinese characters joined in conditions, checklist items
 * and titles too; 17: the receipt lists the required papers not received,
 * 待补交材料; 18: a paper brought after acceptance says when, （… 补交）;
 * 19: the print sheet gives the tips of the steps that ask for papers):
 * stored renderings of another version are rendered again from
 * their source at the next start. */
#define RENDER_VERSION 19

#define RENDER_PRACTICE_KEY_LEN 64  /* hex digits of render_practice_key */

/* The practice key of p (schema/027-practice-key.sql): the hex BLAKE2b-256
 * digest of its conditions and, per step, its {if}, checklist and fields as
 * the detail JSON writes them, with no title, prose or front matter; two
 * versions with the same key are the same exercise. Returns 0 with out
 * filled (NUL-terminated), -1 when memory runs out. */
int render_practice_key(const struct procedure *p, char out[RENDER_PRACTICE_KEY_LEN + 1]);

/* The shape of a version's practice key, from its detail JSON (as
 * render_procedure_detail writes it): the digest of what the practice key
 * holds less its words (the conditions' texts, the checklist items' texts,
 * the fields' labels). Two versions of one shape differ at most in wording:
 * an admin's save marked as only a wording fix then keeps the staff's
 * practice passes (store.c, schema/046-practice-key-held.sql). Returns 0
 * with out filled (NUL-terminated), -1 when detail does not parse as such
 * or memory runs out. */
int render_practice_shape(const char *detail, char out[RENDER_PRACTICE_KEY_LEN + 1]);

/* The whole procedure, as GET /api/v1/procedures/{id} answers it. Returns a
 * new string (caller frees) or NULL when memory runs out. */
char *render_procedure_detail(const struct procedure *p);

/* One entry of GET /api/v1/procedures: {"id","title","category","kind",
 * "summary"}. Returns a new string (caller frees) or NULL. */
char *render_procedure_item(const struct procedure *p);

/* The printable one-time notice (一次性告知单) of GET /print/procedures/{id}:
 * a whole HTML page with everything to bring and know. Returns a new string
 * (caller frees) or NULL when memory runs out. */
char *render_procedure_print(const struct procedure *p);

#endif
