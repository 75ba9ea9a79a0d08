/* api_admin: the admin console's routes (docs/http-api.md, Admin) — the
 * procedure files with their state, a file's source, saving it, a preview
 * that renders without saving — and the /admin page. Every route needs an
 * admin session (HTTP_ADMIN, the guard's); the work is admin.c's.
 */
#ifndef SPK_API_ADMIN_H
#define SPK_API_ADMIN_H

#include "http.h"

/* Tells the admin routes where the procedures folder is: the same string
 * the loader is given, which must outlive the HTTP server. Call before the
 * workers start. */
void api_admin_setup(const char *procedures_root);

/* GET /api/v1/admin/procedures */
enum MHD_Result api_admin_procedures(struct http_request *req);
/* GET /api/v1/admin/library: the live load's git commit (docs/http-api.md,
 * "Admin: the library's commit"), read from the snapshot, never from disk */
enum MHD_Result api_admin_library(struct http_request *req);

/* A day and a half: the nightly timer's run, missed once, is seen the
 * next afternoon (the alert of docs/deployment.md says the same). */
#define API_ADMIN_BACKUP_STALE_SECONDS (36 * 3600)

/* GET /api/v1/admin/backups: what `spkiosk backup` last recorded, for the
 * console's warning: {"last_success":{"at","bytes"}|null,"last_failure":
 * {"at","reason"}|null,"failures":N,"attention":"failed"|"never"|"old"|null},
 * no-store; 500 when the database cannot be read. */
enum MHD_Result api_admin_backups(struct http_request *req);
/* GET /api/v1/admin/procedures/{id}/source */
enum MHD_Result api_admin_source_get(struct http_request *req);
/* PUT /api/v1/admin/procedures/{id}/source */
enum MHD_Result api_admin_source_put(struct http_request *req);
/* GET /api/v1/admin/files/{name}/source: {name} is _triage, _directory or a
 * category id (its README.md); 404 unknown_file for anything else */
enum MHD_Result api_admin_file_get(struct http_request *req);
/* PUT /api/v1/admin/files/{name}/source: as the procedure PUT */
enum MHD_Result api_admin_file_put(struct http_request *req);
/* POST /api/v1/admin/preview */
enum MHD_Result api_admin_preview(struct http_request *req);
/* GET /admin */
enum MHD_Result page_admin(struct http_request *req);

/* Retiring an item from the console (ours, docs/http-api.md "Retiring an
 * item"): GET …/retire what it would do, POST …/retire (If-Match) deletes
 * its file, POST …/restore writes the retired version's text back. */
enum MHD_Result api_admin_retire_get(struct http_request *req);
enum MHD_Result api_admin_retire(struct http_request *req);
enum MHD_Result api_admin_restore(struct http_request *req);
/* PUT …/live-source (ours): the live version fixed while a text waits
 * for its date (admin_fix_live), docs/http-api.md. */
enum MHD_Result api_admin_live_put(struct http_request *req);
#endif
