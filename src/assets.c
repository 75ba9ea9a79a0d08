/* assets: static files of the UI. The embedded copy is immutable, so its
 * ETags are computed once at start; a --web folder is read per request so
 * that an edit shows on reload. */
#include "assets.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "embed.h"
#include "library.h"
#include "strbuf.h"
#include "utf8.h"

static char *assets_dir;
static char *assets_media_dir;
static char (*assets_etags)[20];   /* "\"<16 hex>\"" per embedded file */

static void assets_etag(const void *data, size_t len, char out[20])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[17];

    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, sizeof hex, h, 8);
    snprintf(out, 20, "\"%s\"", hex);
}

int assets_init(const char *web_dir)
{
    size_t i;

    if (web_dir) {
        if (!(assets_dir = strdup(web_dir)))
            return -1;
        return 0;
    }
    if (!(assets_etags = calloc(embed_assets_count ? embed_assets_count : 1, sizeof *assets_etags)))
        return -1;
    for (i = 0; i < embed_assets_count; i++)
        assets_etag(embed_assets[i].data, embed_assets[i].size, assets_etags[i]);
    return 0;
}

int assets_media_init(const char *dir)
{
    free(assets_media_dir);
    return (assets_media_dir = strdup(dir)) ? 0 : -1;
}

void assets_shutdown(void)
{
    free(assets_media_dir);
    assets_media_dir = NULL;
    free(assets_dir);
    free(assets_etags);
    assets_dir = NULL;
    assets_etags = NULL;
}

static const char *assets_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},  {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".svg", "image/svg+xml"},
        {".png", "image/png"},                  {".json", "application/json"},
        {".ico", "image/x-icon"},               {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"}, {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},                {".gif", "image/gif"},
        {".webp", "image/webp"},                {".pdf", "application/pdf"},
    };
    const char *dot = strrchr(name, '.');
    size_t i;

    for (i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* Only plain relative names: no "..", no hidden files, no control
 * characters or shell-ish punctuation. UTF-8 is allowed (media files may
 * have Chinese names); the UI's own files are ASCII anyway. */
static bool assets_name_ok(const char *name)
{
    const unsigned char *p;

    if (!*name || *name == '/' || strlen(name) > 200 || !utf8_valid(name, strlen(name)))
        return false;
    for (p = (const unsigned char *)name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == '_' || *p == '/' || *p >= 0x80))
            return false;
    return !strstr(name, "..") && name[0] != '.' && !strstr(name, "/.");
}

static void assets_free_cb(void *p)
{
    free(p);
}

static enum MHD_Result assets_send(struct http_request *req, const char *name, const void *data,
                                   size_t len, const char *etag, char *owned, bool media)
{
    struct MHD_Response *r;
    const char *type = assets_type(name);

    if (http_etag_matches(req, etag)) {
        free(owned);
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (r)
            MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
        return http_reply_response(req, MHD_HTTP_NOT_MODIFIED, r);
    }
    if (owned)
        r = MHD_create_response_from_buffer_with_free_callback_cls(len, owned, assets_free_cb,
                                                                   owned);
    else
        r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(owned);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
    /* revalidate each time: after an upgrade the kiosk must not run old JS */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    if (media)
        /* an admin's file (an SVG may hold script) never runs as our page */
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    else if (strncmp(type, "text/html", 9) == 0)
        http_page_headers(r);
    req->bytes = len;
    return http_reply_response(req, MHD_HTTP_OK, r);
}

/* Serves name from folder dir, read per request. */
static enum MHD_Result assets_serve_file(struct http_request *req, const char *dir,
                                         const char *name, bool media)
{
    struct strbuf sb = STRBUF_INIT;
    char *path, *data = NULL, etag[20];
    size_t len;
    int r;

    if (strbuf_printf(&sb, "%s/%s", dir, name) != 0 || !(path = strbuf_take(&sb))) {
        strbuf_free(&sb);
        return MHD_NO;
    }
    r = library_read_file(path, ASSETS_FILE_MAX, &data, &len);
    free(path);
    if (r != 0)
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
    assets_etag(data, len, etag);
    return assets_send(req, name, data, len, etag, data, media);
}

enum MHD_Result assets_serve(struct http_request *req, const char *name)
{
    size_t i;

    if (!assets_name_ok(name))
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
    if (assets_dir)
        return assets_serve_file(req, assets_dir, name, false);
    for (i = 0; i < embed_assets_count; i++)
        if (strcmp(embed_assets[i].name, name) == 0)
            return assets_send(req, name, embed_assets[i].data, embed_assets[i].size,
                               assets_etags[i], NULL, false);
    return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
}

enum MHD_Result assets_media_serve(struct http_request *req, const char *name)
{
    if (!assets_media_dir || !assets_name_ok(name))
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
    return assets_serve_file(req, assets_media_dir, name, true);
}
