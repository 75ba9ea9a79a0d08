/* assets: the web UI's files — the copy built into the binary (web/), or a
 * folder given with --web for UI work — served with ETags.
 */
#ifndef SPK_ASSETS_H
#define SPK_ASSETS_H

#include "http.h"

/* Largest file served from a --web folder. */
#define ASSETS_FILE_MAX ((size_t)8 << 20)

/* Prepares serving from web_dir, or from the embedded copy when NULL
 * (computing each file's ETag once). Returns 0 or -1 (message on stderr). */
int assets_init(const char *web_dir);

/* Answers a request for the file `name` ("index.html", "kiosk/app.js"):
 * 200 with its content type and ETag, 304 when If-None-Match matches, 404
 * for an unknown or unsafe name. */
enum MHD_Result assets_serve(struct http_request *req, const char *name);

/* Serves procedure media from dir (the procedures folder's _assets/) under
 * /media/. Returns 0 or -1 when memory runs out. */
int assets_media_init(const char *dir);

/* Answers a request for the media file `name`, like assets_serve. */
enum MHD_Result assets_media_serve(struct http_request *req, const char *name);

void assets_shutdown(void);

#endif
