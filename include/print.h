/* print: the printed pages of a case, as whole HTML documents (the page's
 * CSP forbids inline script and style; print.css lays them out for an
 * 80 mm slip printer or A4). Only the procedure's labels and texts appear
 * on them, never a value the resident typed.
 */
#ifndef SPK_PRINT_H
#define SPK_PRINT_H

#include "cases.h"
#include "db.h"

/* The slip (排队凭条) of GET /print/cases/{id}: ticket, procedure, date,
 * the materials to bring, the case's QR code. cs must hold a ticket.
 * NULL on error (memory). Caller frees. */
char *print_slip_html(const struct case_state *cs);

/* The correction notice (补正告知单) of a returned case: ticket, procedure,
 * date and staffer of the return, the reason, and everything flagged or
 * missing at once by label, with the procedure's contact details and the
 * case's QR code. Reads the case in one read transaction. Returns 0 and
 * *out (caller frees), 1 with e (unknown case, not_returned), -1. */
int print_correction_html(struct db *db, const char *id, char **out, struct refusal *e);

#endif
