/* print: the printed pages of a case, as whole HTML documents (the page's
 * CSP forbids inline script and style; print.css lays them out for an
 * 80 mm slip printer or A4). Only the procedure's labels and texts appear
 * on them, never a value the resident typed.
 */
#ifndef SPK_PRINT_H
#define SPK_PRINT_H

#include <stdbool.h>

#include "cases.h"
#include "posts.h"
#include "db.h"
#include "qrsvg.h"

struct workdays;

/* Longest --public-url: with "/#/case/" and an id it fits a QR. */
#define PRINT_PUBLIC_URL_MAX 200
#define PRINT_QR_PAYLOAD_MAX (PRINT_PUBLIC_URL_MAX + 8 + CASE_ID_LEN + 1)
_Static_assert(PRINT_QR_PAYLOAD_MAX <= QRSVG_TEXT_MAX + 1, "a case's address fits a QR");

/* Whether url may be `serve --public-url`: http:// or https://, a host,
 * at most PRINT_PUBLIC_URL_MAX characters of an address without query,
 * fragment, quotes or spaces. */
bool print_public_url_valid(const char *url);

/* Sets the address the case QRs lead to (trailing slashes dropped), or
 * with NULL the bare id. Call before serving. Returns 0, or -1 (nothing
 * changed) when url is not valid. */
int print_set_public_url(const char *url);

/* The address that opens case id at home, "URL/#/case/ID" (web/online.js
 * caseLink), into out (PRINT_QR_PAYLOAD_MAX bytes). Returns true, or
 * false (out "") when the hall set no --public-url: the daemon does not
 * know the address residents reach it at. */
bool print_case_link(const char *id, char out[PRINT_QR_PAYLOAD_MAX]);

/* The slip (排队凭条) of GET /print/cases/{id}: ticket, procedure, when it
 * was handed in (local time), how many wait before it (ahead >= 0; left
 * out when ahead < 0: the case is not waiting any more), the materials to
 * bring, the case's QR code (print_set_public_url says what it holds; the
 * code printed under it is the bare id). cs must hold a ticket. NULL on
 * error (memory). Caller frees. */
char *print_slip_html(const struct case_state *cs, long ahead);

/* The correction notice (补正告知单) of a returned case: ticket, procedure,
 * date and staffer of the return, the reason, and everything flagged or
 * missing at once by label, with the procedure's contact details and the
 * case's QR code. Reads the case in one read transaction. Returns 0 and
 * *out (caller frees), 1 with e (unknown case, not_returned), -1. */
int print_correction_html(struct db *db, const char *id, char **out, struct refusal *e);

/* The acceptance receipt (受理回执, A4) of GET /print/staff/cases/{id}/
 * receipt: the item, ticket, when and by whom it was accepted, the
 * committed due date, the materials ticked, every stage with its post
 * (named from posts, the hall's _posts.md, or NULL: the ids), working days
 * and due date, a note when cal (the hall's calendar, NULL for none) has
 * a file but no date of the committed date's year, the contact details
 * and the case's QR. An acceptance made at the resident's home (an
 * `accepted` event of channel "visit": 已上门办理) says 上门受理，在居民家中
 * with its visitor, 无（上门办理，不取号） for the ticket it never had, and
 * the page is also laid out for the visitor's phone (a viewport, body
 * class screen-page, a screen-only note on keeping it without paper).
 * 0 with *out (caller frees), 1 with e (unknown case; not_accepted before
 * the first acceptance), -1. */
int print_receipt_html(struct db *db, const char *id, const struct posts *posts,
                       const struct workdays *cal, char **out,
                       struct refusal *e);

/* The rejection notice (不予办理告知书, A4) of GET /print/staff/cases/{id}/
 * rejection: the item, ticket, when and by whom, the reason as written,
 * the resident's right to object, contacts and QR. 0 with *out (caller
 * frees), 1 with e (unknown case; not_rejected), -1. */
int print_rejection_html(struct db *db, const char *id, char **out, struct refusal *e);

/* Longest ?items= of the list of missing papers: 200 ids of 23 bytes. */
#define PRINT_MISSING_QUERY_MAX 4800

/* The list of missing papers (所缺材料清单, one-time notice, A4) of
 * GET /print/cases/{id}/missing: the procedure, the ticket while the case
 * waits, exactly the items asked for with their texts from the pinned
 * version, what to do once they are found, the procedure's contact
 * details and the case's QR (the kiosk opens the case again by it).
 * items: ids separated by commas (?items=, before the resident takes a
 * number: the step's 422 listed them), each an item of the case's version
 * that applies to it; NULL: the list recorded when the case was handed in
 * without them (window_submit_missing). Reads the case in one read
 * transaction. Returns 0 and *out (caller frees), 1 with e (unknown case,
 * bad_items, not_incomplete), -1. */
int print_missing_html(struct db *db, const char *id, const char *items, char **out,
                       struct refusal *e);

#endif
