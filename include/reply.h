/* reply: how a handler answers, one home below every api_ module. The
 * http module queues bytes; this one knows the project's shapes: the JSON
 * a handler built (sent, then freed here), the {"error":…} envelope, a
 * domain refusal turned into its status, the standard 500, a request body
 * read as a JSON object, and a printed page.
 *
 * Every function queues exactly one response and returns libmicrohttpd's
 * result for the handler to return; the "take" ones free what they are
 * given in every case.
 */
#ifndef SPK_REPLY_H
#define SPK_REPLY_H

#include <cjson/cJSON.h>

#include "http.h"
#include "refusal.h"

/* Whether a browser may keep a copy: public data is revalidated
 * (no-cache); a resident's answers or a staff view are never written to
 * the disk of a shared PC (no-store). */
enum reply_cache {
    REPLY_PUBLIC,
    REPLY_PRIVATE,
};

/* 500 internal_error with the standard message, which sends a resident
 * to the window; 503 storage_full (Retry-After: 60) instead when the
 * request met a storage failure (db_storage_failed: the disk full), with
 * a message that says so. */
enum MHD_Result reply_internal(struct http_request *req);

/* 500 internal_error for a login or a session check: the same without the
 * window, which a staffer at a window has no use for (503 storage_full
 * likewise, asking them to call the admin). */
enum MHD_Result reply_internal_staff(struct http_request *req);

/* 400 bad_request with message: a body that is not a JSON object, or a
 * query parameter that is malformed (a query is no JSON to fail
 * validation). */
enum MHD_Result reply_bad_request(struct http_request *req, const char *message);

/* 422 invalid_body with message: a JSON object whose members are missing
 * or of the wrong type (the contract's "422 valid JSON that fails
 * validation", as every field rule's refusal is). */
enum MHD_Result reply_invalid_body(struct http_request *req, const char *message);

/* The HTTP status of a refusal: 404, 409 or 422. */
unsigned reply_refusal_status(const struct refusal *r);

/* The refusal as {"error":{code,message}} with its status. */
enum MHD_Result reply_refusal(struct http_request *req, const struct refusal *r);

/* Sends json (a NUL-terminated JSON text the caller allocated with
 * malloc or cJSON) with status, then frees it; NULL (memory ran out while
 * building it) is answered 500. */
enum MHD_Result reply_json_take(struct http_request *req, unsigned status, char *json,
                                enum reply_cache cache);

/* Prints doc, sends it like reply_json_take and deletes it; NULL is 500. */
enum MHD_Result reply_doc_take(struct http_request *req, unsigned status, cJSON *doc,
                               enum reply_cache cache);

/* Sends html (malloc'ed, freed here) as a page holding a resident's data:
 * text/html, no-store, the page headers (CSP). NULL is 500. */
enum MHD_Result reply_page_take(struct http_request *req, char *html);

/* Sends csv[0..len) (malloc'ed, freed here) as a spreadsheet download:
 * text/csv, Content-Disposition attachment with filename (plain ASCII, no
 * quote), and the cache rule (REPLY_PRIVATE: no-store). NULL is 500. */
enum MHD_Result reply_csv_take(struct http_request *req, char *csv, size_t len, const char *filename,
                               enum reply_cache cache);

/* {"error":{"code","message"}} as a cJSON object, for answers that carry
 * more than the envelope (a 422 with the failing fields). NULL when memory
 * ran out. Caller deletes. */
cJSON *reply_error_doc(const char *code, const char *message);

/* The request body as a JSON object (caller deletes), or NULL after
 * answering 400 (not JSON, not an object, a raw NUL byte) with the result
 * in *ret. A \u0000 escape is turned into \u0001 first, so that a
 * validator refuses it instead of cJSON's string ending there. */
cJSON *reply_json_body(struct http_request *req, enum MHD_Result *ret);

/* For a route that reads no body: true when there is none or it is a JSON
 * object (its members unread); false after answering reply_json_body's 400
 * otherwise (result in *ret). A malformed request is one whatever the route
 * reads (the contract's 400), and no move is made on it. */
bool reply_body_unused(struct http_request *req, enum MHD_Result *ret);

#endif
