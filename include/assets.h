/* assets: the web UI's files — the copy built into the binary (web/), or a
 * folder given with --web for UI work — served with ETags.
 */
#ifndef SPK_ASSETS_H
#define SPK_ASSETS_H

#include "http.h"

/* Largest file served from a --web folder. */
#define ASSETS_FILE_MAX ((size_t)8 << 20)

/* Prepares serving from web_dir, or from the embedded copy when NULL:
 * gives each file but the pages a content-hashed name, rewrites the
 * references between files (/assets/NAME, ./NAME) to those names, and
 * computes each file's ETag and gzip copy once. Returns 0 or -1 (message
 * on stderr). */
int assets_init(const char *web_dir);

/* The name under which the embedded file `name` is served for good
 * ("app.js" -> "app.3f2a9c1e.js", its hash over its bytes and those it
 * imports): answered with Cache-Control: public, max-age=31536000,
 * immutable. A page (.html), an unknown name, or a --web folder: name
 * itself. The pages are rewritten at start to ask for these names. */
const char *assets_hashed(const char *name);

/* Answers a request for the file `name` ("index.html", "app.js",
 * "app.3f2a9c1e.js"): 200 with its content type and ETag (gzip when
 * accepted, with Vary), 304 when If-None-Match matches, 404 for an unknown
 * or unsafe name. The hashed name is cached for a year; the plain name, and
 * a hashed name of an earlier build (a page cached before an upgrade), get
 * today's bytes with no-cache. */
enum MHD_Result assets_serve(struct http_request *req, const char *name);

/* Serves procedure media from root's _assets/ (root: the procedures
 * folder) under /media/, never through a symbolic link inside root
 * (library_open_beneath). Returns 0 or -1 when memory runs out. */
int assets_media_init(const char *root);

/* Answers a request for the media file `name`, like assets_serve. */
enum MHD_Result assets_media_serve(struct http_request *req, const char *name);

void assets_shutdown(void);

#endif
