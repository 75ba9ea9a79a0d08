/* assets: static files of the UI. The embedded copy is immutable, so its
 * ETags are computed once at start; a file of a --web folder or of the
 * media folder is streamed from disk per request, so that an edit shows on
 * reload and a slow reader pins no copy of it. */
#include "assets.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embed.h"
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

/* Adds the headers of a file's 200 to r and queues it. */
static enum MHD_Result assets_send_response(struct http_request *req, const char *name,
                                            struct MHD_Response *r, size_t len, const char *etag,
                                            bool media)
{
    const char *type = assets_type(name);

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

/* An embedded file: 304 when If-None-Match names its ETag, else 200. */
static enum MHD_Result assets_send(struct http_request *req, const char *name, const void *data,
                                   size_t len, const char *etag, bool media)
{
    struct MHD_Response *r;

    if (http_etag_matches(req, etag)) {
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (r)
            MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
        return http_reply_response(req, MHD_HTTP_NOT_MODIFIED, r);
    }
    r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    return assets_send_response(req, name, r, len, etag, media);
}

/* Serves name from folder dir, streamed from the file (never read whole
 * into memory: a client that reads slowly would pin it, issue #12 item 3).
 * The ETag is made of the file's identity, size and modification time. */
static enum MHD_Result assets_serve_file(struct http_request *req, const char *dir,
                                         const char *name, bool media)
{
    struct strbuf sb = STRBUF_INIT;
    struct MHD_Response *r;
    struct stat st;
    char *path, key[96], etag[20];
    int fd;

    if (strbuf_printf(&sb, "%s/%s", dir, name) != 0 || !(path = strbuf_take(&sb))) {
        strbuf_free(&sb);
        return MHD_NO;
    }
    /* non-blocking until we know it is a regular file (a FIFO would hang) */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    free(path);
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
                    (size_t)st.st_size > ASSETS_FILE_MAX || fcntl(fd, F_SETFL, 0) != 0)) {
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
    snprintf(key, sizeof key, "%llu:%llu:%lld:%ld", (unsigned long long)st.st_ino,
             (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    assets_etag(key, strlen(key), etag);
    if (http_etag_matches(req, etag)) {
        close(fd);
        return assets_send(req, name, NULL, 0, etag, media);
    }
    /* libmicrohttpd closes fd with the response */
    if (!(r = MHD_create_response_from_fd((size_t)st.st_size, fd))) {
        close(fd);
        return MHD_NO;
    }
    return assets_send_response(req, name, r, (size_t)st.st_size, etag, media);
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
                               assets_etags[i], false);
    return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
}

enum MHD_Result assets_media_serve(struct http_request *req, const char *name)
{
    if (!assets_media_dir || !assets_name_ok(name))
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
    return assets_serve_file(req, assets_media_dir, name, true);
}
