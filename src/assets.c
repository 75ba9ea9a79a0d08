/* assets: static files of the UI. The embedded copy is immutable, so its
 * hashed names, rewritten references and ETags are made once at start, and
 * each gzip copy once, by the first request that takes it (issue #13: a
 * kiosk then asks for each file once a year, and gets it compressed); a
 * file of a --web folder or of the
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
#include "gzip.h"
#include "library.h"
#include "strbuf.h"
#include "utf8.h"

static char *assets_dir;
static char *assets_media_root;   /* the procedures folder: media are its _assets/ */

/* An embedded file as served: its references to other files rewritten to
 * their hashed names, an ETag of those bytes, and for text a gzip copy
 * made at the first request that accepts it (issue #13). */
struct assets_file {
    const char *name;           /* "app.js", as in web/ */
    char *hashed;               /* "app.3f2a9c1e.js"; NULL for a page (HTML) */
    const unsigned char *data;  /* what is served: the embedded bytes or own */
    size_t size;
    unsigned char *own;         /* the rewritten copy, NULL when unchanged */
    char etag[20];
    struct gzip_lazy gz;        /* empty: never compressed */
    bool compress;
};

static struct assets_file *assets_files;
static size_t assets_n;

#define ASSETS_IMMUTABLE "public, max-age=31536000, immutable"

static void assets_etag(const void *data, size_t len, char out[20])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[17];

    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, sizeof hex, h, 8);
    snprintf(out, 20, "\"%s\"", hex);
}

static bool assets_is_page(const char *name)
{
    size_t n = strlen(name);

    return n > 5 && strcmp(name + n - 5, ".html") == 0;
}

static bool assets_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_' || c == '/';
}

/* The embedded file named data[0..len), or embed_assets_count. */
static size_t assets_find(const unsigned char *data, size_t len)
{
    size_t j;

    for (j = 0; j < embed_assets_count; j++)
        if (strlen(embed_assets[j].name) == len && memcmp(embed_assets[j].name, data, len) == 0)
            return j;
    return embed_assets_count;
}

/* The next reference in data[from..len) to another embedded file that is
 * not a page: "/assets/NAME" (a page, a stylesheet) or "./NAME" (a
 * module's import; not "../NAME"), NAME being the whole run of name
 * characters there. Returns the offset of NAME, *which the file's index;
 * len when there is none. One pass over the bytes: a start-up used to
 * search each file once for every other file's name, a fifth of the HTTP
 * tests' CPU (~450 daemon starts; docs/performance.md, item 27). */
static size_t assets_ref_next(const unsigned char *data, size_t len, size_t from, size_t self,
                              size_t *which)
{
    size_t i, at, end, j;

    for (i = from; i < len; i++) {
        if (data[i] == '/' && len - i >= 8 && memcmp(data + i, "/assets/", 8) == 0)
            at = i + 8;
        else if (data[i] == '.' && i + 1 < len && data[i + 1] == '/' && (i == 0 || data[i - 1] != '.'))
            at = i + 2;
        else
            continue;
        for (end = at; end < len && assets_name_char(data[end]); end++)
            ;
        j = assets_find(data + at, end - at);
        if (j < embed_assets_count && j != self && !assets_is_page(embed_assets[j].name)) {
            *which = j;
            return at;
        }
    }
    return len;
}

/* Which files each file refers to: refs[i * n + j]. */
static bool *assets_refs(size_t n)
{
    bool *refs = calloc(n ? n * n : 1, sizeof *refs);
    size_t i, at, j;

    for (i = 0; refs && i < n; i++)
        for (at = 0; (at = assets_ref_next(embed_assets[i].data, embed_assets[i].size, at, i, &j)) <
                     embed_assets[i].size;
             at++)
            refs[i * n + j] = true;
    return refs;
}

/* File i's name hash: over the names and the digests (own + j * 32: the
 * SHA-256 of file j's bytes alone) of itself and of every file it reaches through its references, so
 * that the name changes whenever the rewritten bytes could (a cycle of
 * imports is fine: it is a set). Each file's bytes are hashed once, not
 * once for every file that reaches it. */
static int assets_name_hash(size_t i, const bool *refs, size_t n, const unsigned char *own,
                            char hex[9])
{
    bool *seen = calloc(n, sizeof *seen);
    size_t *stack = malloc(n * sizeof *stack), top = 0, j, k;
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    int rc = -1;

    if (!seen || !stack)
        goto out;
    seen[i] = true;
    stack[top++] = i;
    while (top) {
        k = stack[--top];
        for (j = 0; j < n; j++)
            if (refs[k * n + j] && !seen[j]) {
                seen[j] = true;
                stack[top++] = j;
            }
    }
    crypto_hash_sha256_init(&st);
    for (j = 0; j < n; j++)
        if (seen[j]) {
            crypto_hash_sha256_update(&st, (const unsigned char *)embed_assets[j].name,
                                      strlen(embed_assets[j].name) + 1);
            crypto_hash_sha256_update(&st, own + j * crypto_hash_sha256_BYTES,
                                      crypto_hash_sha256_BYTES);
        }
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(hex, 9, h, 4);
    rc = 0;
out:
    free(seen);
    free(stack);
    return rc;
}

/* "app.js" + "3f2a9c1e" -> "app.3f2a9c1e.js". */
static char *assets_hashed_name(const char *name, const char *hex)
{
    const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
    struct strbuf sb = STRBUF_INIT;

    if (!dot || (slash && dot < slash))
        dot = name + strlen(name);
    if (strbuf_printf(&sb, "%.*s.%s%s", (int)(dot - name), name, hex, dot) != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

/* File i with its references rewritten to hashed names, into f->own;
 * f->own stays NULL when there is none. */
static int assets_rewrite(size_t i, const bool *refs, size_t n, struct assets_file *f)
{
    const unsigned char *data = embed_assets[i].data;
    size_t len = embed_assets[i].size, pos = 0, j, at;
    struct strbuf sb = STRBUF_INIT;
    bool any = false;

    for (j = 0; j < n; j++)
        any |= refs[i * n + j];
    if (!any)
        return 0;
    for (;;) {
        at = assets_ref_next(data, len, pos, i, &j);
        if (strbuf_append(&sb, (const char *)data + pos, at - pos) != 0)
            goto oom;
        if (at == len)
            break;
        if (strbuf_puts(&sb, assets_files[j].hashed) != 0)
            goto oom;
        pos = at + strlen(embed_assets[j].name);
    }
    f->size = sb.len;
    f->own = (unsigned char *)strbuf_take(&sb);
    f->data = f->own;
    return f->own ? 0 : -1;
oom:
    strbuf_free(&sb);
    return -1;
}

static const char *assets_type(const char *name);

static bool assets_compressible(const char *type)
{
    return strncmp(type, "text/", 5) == 0 || strcmp(type, "image/svg+xml") == 0 ||
           strcmp(type, "application/json") == 0;
}

int assets_init(const char *web_dir)
{
    size_t i, n = embed_assets_count;
    bool *refs = NULL;
    unsigned char *own = NULL;
    char hex[9];
    int rc = -1;

    if (web_dir)
        return (assets_dir = strdup(web_dir)) ? 0 : -1;
    if (!(assets_files = calloc(n ? n : 1, sizeof *assets_files)) || !(refs = assets_refs(n)) ||
        !(own = malloc((n ? n : 1) * crypto_hash_sha256_BYTES)))
        goto out;
    assets_n = n;
    for (i = 0; i < n; i++)
        crypto_hash_sha256(own + i * crypto_hash_sha256_BYTES, embed_assets[i].data,
                           embed_assets[i].size);
    for (i = 0; i < n; i++) {
        assets_files[i].name = embed_assets[i].name;
        assets_files[i].data = embed_assets[i].data;
        assets_files[i].size = embed_assets[i].size;
        if (!assets_is_page(embed_assets[i].name) &&
            (assets_name_hash(i, refs, n, own, hex) != 0 ||
             !(assets_files[i].hashed = assets_hashed_name(embed_assets[i].name, hex))))
            goto out;
    }
    for (i = 0; i < n; i++) {
        struct assets_file *f = &assets_files[i];
        if (assets_rewrite(i, refs, n, f) != 0)
            goto out;
        assets_etag(f->data, f->size, f->etag);
        /* once, at the best level, by the first request that accepts it:
         * the bytes never change while we run, and compressing all of them
         * at start cost every start ~30 ms of a core for files a kiosk
         * asks for once a year */
        f->compress = assets_compressible(assets_type(f->name)) && f->size >= GZIP_MIN;
        f->gz.level = 9;
    }
    rc = 0;
out:
    free(own);
    free(refs);
    if (rc != 0)
        fprintf(stderr, "spkiosk: out of memory preparing the web UI\n");
    return rc;
}

const char *assets_hashed(const char *name)
{
    size_t i;

    for (i = 0; i < assets_n; i++)
        if (strcmp(assets_files[i].name, name) == 0)
            return assets_files[i].hashed ? assets_files[i].hashed : assets_files[i].name;
    return name;
}

int assets_media_init(const char *root)
{
    free(assets_media_root);
    return (assets_media_root = strdup(root)) ? 0 : -1;
}

void assets_shutdown(void)
{
    size_t i;

    free(assets_media_root);
    assets_media_root = NULL;
    free(assets_dir);
    assets_dir = NULL;
    for (i = 0; i < assets_n; i++) {
        free(assets_files[i].hashed);
        free(assets_files[i].own);
        gzip_lazy_clear(&assets_files[i].gz);
    }
    free(assets_files);
    assets_files = NULL;
    assets_n = 0;
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
    bool ok;

    /* revalidate each time: after an upgrade the kiosk must not run old JS;
     * an admin's file (an SVG may hold script) never runs as our page */
    ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) == MHD_YES &&
         MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) == MHD_YES &&
         MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") == MHD_YES;
    if (ok && media)
        ok = MHD_add_response_header(r, "Content-Security-Policy",
                                     "default-src 'none'; style-src 'unsafe-inline'; sandbox") ==
             MHD_YES;
    else if (ok && strncmp(type, "text/html", 9) == 0)
        ok = http_page_headers(r);
    if (!ok) {
        /* out of memory: no answer rather than one without its policy */
        MHD_destroy_response(r);
        return MHD_NO;
    }
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
        if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES) {
            MHD_destroy_response(r);
            r = NULL;
        }
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
    char *rel, key[96], etag[20];
    int fd;

    if (strbuf_printf(&sb, "%s%s", media ? "_assets/" : "", name) != 0 || !(rel = strbuf_take(&sb))) {
        strbuf_free(&sb);
        return MHD_NO;
    }
    /* non-blocking until we know it is a regular file (a FIFO would hang);
     * no symbolic link on the way: a link committed into the library
     * (_assets -> /) would serve any file the daemon can read */
    fd = library_open_beneath(dir, rel, O_RDONLY | O_NONBLOCK);
    free(rel);
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

/* Whether name is f's name with some other hash in it ("app.0badc0de.js"
 * for app.js): a page from an earlier build asking. */
static bool assets_stale_name(const struct assets_file *f, const char *name)
{
    size_t hn = strlen(f->hashed), i;

    if (strlen(name) != hn)
        return false;
    for (i = 0; i < hn; i++)
        if (name[i] != f->hashed[i] &&
            !(strchr("0123456789abcdef", name[i]) && strchr("0123456789abcdef", f->hashed[i])))
            return false;
    /* the hex run is where they differ; the rest matched exactly */
    return true;
}

enum MHD_Result assets_serve(struct http_request *req, const char *name)
{
    const struct assets_file *f = NULL;
    const char *cc = "no-cache";
    size_t i;

    if (!assets_name_ok(name))
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
    if (assets_dir)
        return assets_serve_file(req, assets_dir, name, false);
    for (i = 0; i < assets_n && !f; i++) {
        if (assets_files[i].hashed && strcmp(assets_files[i].hashed, name) == 0) {
            /* the name changes with the bytes: cached for a year, never asked again */
            f = &assets_files[i];
            cc = ASSETS_IMMUTABLE;
        } else if (strcmp(assets_files[i].name, name) == 0) {
            /* the plain name (a print sheet's stylesheet, a bookmark): revalidated */
            f = &assets_files[i];
        }
    }
    /* A page loaded before an upgrade asks for the old hashed names: it
     * gets today's file, revalidated, rather than a 404 that leaves the
     * kiosk without its script until the page reloads. */
    for (i = 0; i < assets_n && !f; i++)
        if (assets_files[i].hashed && assets_stale_name(&assets_files[i], name))
            f = &assets_files[i];
    if (!f)
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
    {
        const struct http_cached c = {assets_type(f->name), cc, f->data, f->size, f->etag,
                                      f->compress ? (struct gzip_lazy *)&f->gz : NULL};
        return http_reply_cached(req, &c, NULL, NULL);
    }
}

enum MHD_Result assets_media_serve(struct http_request *req, const char *name)
{
    if (!assets_media_root || !assets_name_ok(name))
        return http_reply_error(req, MHD_HTTP_NOT_FOUND, "not_found", "没有这个文件");
    return assets_serve_file(req, assets_media_root, name, true);
}
