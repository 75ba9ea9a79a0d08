/* library: walks a procedures folder, parses what changed, and runs the
 * checks that need more than one file. One bad file is reported and skipped;
 * it never stops the others. */
#include "library.h"

#include <cmark.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "frontmatter.h"
#include "mdlimit.h"
#include "practice_proof.h"
#include "strbuf.h"
#include "utf8.h"

int library_date_add(int date, int days)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = date / 10000 - 1900;
    tm.tm_mon = date / 100 % 100 - 1;
    tm.tm_mday = date % 100 + days;
    tm.tm_hour = 12; /* away from midnight, so DST shifts cannot change the day */
    if (mktime(&tm) == (time_t)-1)
        return 0;
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void library_hash(const char *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

int library_open_beneath(const char *dir, const char *rel, int flags)
{
    char part[256];
    const char *p = rel, *slash;
    struct stat st;
    int dfd = -1, fd = -1, saved = ENOENT;
    size_t n;

    if (!*rel || *rel == '/' || (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        saved = *rel && *rel != '/' ? errno : ENOENT;
        goto out;
    }
    for (; (slash = strchr(p, '/')); p = slash + 1) {
        n = (size_t)(slash - p);
        if (n == 0 || n >= sizeof part || (n == 2 && p[0] == '.' && p[1] == '.')) {
            saved = ENOENT;
            goto out;
        }
        memcpy(part, p, n);
        part[n] = '\0';
        fd = openat(dfd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        saved = errno;
        /* a link to a folder fails as "not a folder" here: say ELOOP */
        if (fd < 0 && saved == ENOTDIR && fstatat(dfd, part, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(st.st_mode))
            saved = ELOOP;
        close(dfd);
        dfd = fd;
        fd = -1;
        if (dfd < 0)
            goto out;
    }
    if (!*p || strcmp(p, "..") == 0) {
        saved = ENOENT;
        goto out;
    }
    fd = openat(dfd, p, flags | O_NOFOLLOW | O_CLOEXEC);
    saved = errno;
out:
    if (dfd >= 0)
        close(dfd);
    errno = saved;
    return fd;
}

int library_folder_open(const char *dir, const char *rel, const char **name)
{
    const char *slash = strrchr(rel, '/');
    struct stat st;
    char *folder = NULL;
    int fd = -1, saved = ENOENT;

    *name = slash ? slash + 1 : rel;
    if (!**name || strcmp(*name, "..") == 0 || strcmp(*name, ".") == 0)
        goto out;
    if (!slash) {
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        saved = errno;
        goto out;
    }
    if (!(folder = strndup(rel, (size_t)(slash - rel)))) {
        saved = ENOMEM;
        goto out;
    }
    fd = library_open_beneath(dir, folder, O_RDONLY | O_DIRECTORY);
    saved = errno;
    /* the folder itself a link fails as "not a folder" (O_NOFOLLOW with
     * O_DIRECTORY): say ELOOP, as for a link higher up */
    if (fd < 0 && saved == ENOTDIR) {
        int up = library_open_beneath(dir, folder, O_PATH);
        if (up >= 0 && fstat(up, &st) == 0 && S_ISLNK(st.st_mode))
            saved = ELOOP;
        if (up >= 0)
            close(up);
    }
out:
    free(folder);
    errno = saved;
    return fd;
}

int library_read_file(const char *path, size_t max, char **out, size_t *len)
{
    return library_read_file_at(AT_FDCWD, path, max, out, len);
}

int library_read_file_beneath(const char *dir, const char *rel, size_t max, char **out, size_t *len)
{
    const char *name;
    int dfd, r, saved;

    *out = NULL;
    *len = 0;
    if ((dfd = library_folder_open(dir, rel, &name)) < 0)
        return -1;
    r = library_read_file_at(dfd, name, max, out, len);
    saved = errno;
    close(dfd);
    errno = saved;
    return r;
}

int library_read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len)
{
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    ssize_t r;
    int fd, rc = -1, saved;

    *out = NULL;
    *len = 0;
    /* non-blocking until we know it is a regular file: opening a FIFO
     * named like a procedure would otherwise hang the loader. A symbolic
     * link is not followed (ELOOP): the library is a checkout anyone with
     * a commit can fill, and a link would publish whatever it points at
     * (a key, the database) as a procedure's or a category's text */
    if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)) < 0)
        return -1;
    if (fstat(fd, &st) != 0)
        goto out;
    if (!S_ISREG(st.st_mode)) {
        errno = EISDIR;
        goto out;
    }
    if (fcntl(fd, F_SETFL, 0) != 0)
        goto out;
    if ((size_t)st.st_size > max) {
        rc = 1;
        goto out;
    }
    if (!(buf = malloc((size_t)st.st_size + 1)))
        goto out;
    /* read to EOF but never past max: the file may grow while we read */
    while (got <= max) {
        size_t room = (size_t)st.st_size + 1 - got;
        if (room == 0) {
            char *nb;
            if (!(nb = realloc(buf, max + 2)))
                goto out;
            buf = nb;
            room = max + 2 - got;
        }
        r = read(fd, buf + got, room);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            goto out;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got > max) {
        rc = 1;
        goto out;
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    buf = NULL;
    rc = 0;
out:
    saved = errno;
    free(buf);
    close(fd);
    errno = saved;
    return rc;
}

/* library_read_file, or the edit's text when the edit is for rel: the
 * triage, the directory and a category's README.md can be checked before
 * they are saved, like a procedure file. */
static int lib_read_edit(const struct library_edit *edit, const char *rel, const char *path,
                         size_t max, char **out, size_t *len)
{
    if (!edit || strcmp(edit->rel, rel) != 0)
        return library_read_file(path, max, out, len);
    if (edit->len > max)
        return 1;
    if (!(*out = malloc(edit->len + 1)))
        return -1;
    if (edit->len)
        memcpy(*out, edit->text, edit->len);
    (*out)[edit->len] = '\0';
    *len = edit->len;
    return 0;
}

static const char msg_too_large[] = "文件太大（超过 1 MiB），没有读取；请拆分或删去多余内容";

static char *path_join(const char *a, const char *b)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = strlen(a);

    while (n > 1 && a[n - 1] == '/')
        n--;
    if (strbuf_append(&sb, a, n) != 0 || strbuf_putc(&sb, '/') != 0 || strbuf_puts(&sb, b) != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A max-heap of names by strcmp: the folder's LIBRARY_MAX_FILES first
 * names are kept in bounded memory however many entries it holds. */
static void dir_heap_swap(char **h, size_t a, size_t b)
{
    char *t = h[a];

    h[a] = h[b];
    h[b] = t;
}

static void dir_heap_up(char **h, size_t i)
{
    while (i > 0 && strcmp(h[(i - 1) / 2], h[i]) < 0) {
        dir_heap_swap(h, (i - 1) / 2, i);
        i = (i - 1) / 2;
    }
}

static void dir_heap_down(char **h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && strcmp(h[l], h[m]) > 0)
            m = l;
        if (l + 1 < n && strcmp(h[l + 1], h[m]) > 0)
            m = l + 1;
        if (m == i)
            return;
        dir_heap_swap(h, i, m);
        i = m;
    }
}

/* The sorted entry names of a folder, skipping "." and "..": the first
 * LIBRARY_MAX_FILES by name when it holds more, *left_out saying how many
 * were not kept (a folder over the cap loads what fits instead of
 * nothing). Returns 0 or -1 (errno set). */
static int dir_list(const char *path, char ***names, size_t *n, size_t *left_out)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char **v = NULL, **nv, *s;
    size_t count = 0, cap = 0;
    int rc = -1;

    *names = NULL;
    *n = 0;
    *left_out = 0;
    if (!d)
        return -1;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (count == LIBRARY_MAX_FILES) {
            (*left_out)++;
            if (strcmp(e->d_name, v[0]) >= 0)
                continue;
            if (!(s = strdup(e->d_name)))
                goto out;
            free(v[0]);
            v[0] = s;
            dir_heap_down(v, count, 0);
            continue;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            if (cap > LIBRARY_MAX_FILES)
                cap = LIBRARY_MAX_FILES;
            if (!(nv = realloc(v, cap * sizeof *v)))
                goto out;
            v = nv;
        }
        if (!(v[count] = strdup(e->d_name)))
            goto out;
        dir_heap_up(v, count++);
    }
    if (count)
        qsort(v, count, sizeof *v, name_cmp);
    *names = v;
    *n = count;
    v = NULL;
    count = 0;
    rc = 0;
out:
    while (count)
        free(v[--count]);
    free(v);
    closedir(d);
    return rc;
}

/* errno in words for the admin who reads the report, with its name (EACCES)
 * to search or quote to the IT officer. */
static const char *lib_errno_text(int e)
{
    switch (e) {
    case ENOENT:
        return "找不到它";
    case EACCES:
    case EPERM:
        return "没有读取权限";
    case ENOTDIR:
        return "路径中有一段不是文件夹";
    case EISDIR:
        return "它不是普通文件";
    case ELOOP:
        return "它是符号链接（指向别处的文件），为了安全不读取；请放真正的文件";
    case ENAMETOOLONG:
        return "路径太长";
    case EMFILE:
    case ENFILE:
        return "同时打开的文件太多";
    case ENOMEM:
        return "内存不足";
    case EIO:
        return "磁盘读取出错";
    default:
        return "系统出错";
    }
}

static const char *lib_errno_name(int e)
{
    const char *name = strerrorname_np(e);

    return name ? name : "?";
}

/* dir_list with its failures in the report: what could not be read (what:
 * "这个文件夹", "事项文件夹") and a folder over the cap, whose first names
 * are still listed (*partial then true; partial may be NULL). Returns 0,
 * or -1 when nothing was listed. */
static int dir_list_report(const char *path, const char *what, struct diag_list *diags,
                           char ***names, size_t *n, bool *partial)
{
    size_t left = 0;
    int e;

    if (partial)
        *partial = false;
    if (dir_list(path, names, n, &left) != 0) {
        e = errno;
        diag_error(diags, path, 1, "无法读取%s：%s（%s）", what, lib_errno_text(e), lib_errno_name(e));
        return -1;
    }
    if (partial)
        *partial = left > 0;
    if (left)
        diag_error(diags, path, 1,
                   "文件夹里的文件超过 %d 个的上限：按文件名读取了前 %d 个，其余 %zu 个没有读取",
                   LIBRARY_MAX_FILES, LIBRARY_MAX_FILES, left);
    return 0;
}

static void dir_list_free(char **names, size_t n)
{
    while (n)
        free(names[--n]);
    free(names);
}

static bool lib_is_link(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static bool is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool ends_with_md(const char *name)
{
    size_t n = strlen(name);

    return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

/* ".MD", ".Md", ".mD": a Markdown file some editor or system named so. */
static bool lib_ends_with_md_any_case(const char *name)
{
    size_t n = strlen(name);

    return n > 3 && name[n - 3] == '.' && (name[n - 2] == 'm' || name[n - 2] == 'M') &&
           (name[n - 1] == 'd' || name[n - 1] == 'D');
}

/* A Markdown file named .MD is meant as a procedure and never read: not
 * skipped in silence (the contract: a bad name is an error). Returns
 * diag_error's result. */
static int lib_report_upper_md(struct diag_list *diags, const char *path, const char *name)
{
    return diag_error(diags, path, 1, "文件名「%s」的扩展名要写成小写的 .md,否则不会被读取；请改名",
                      name);
}

/* Reads a category's README.md: front matter `order`, H1 title, first
 * paragraph as the description. */
static int category_read(const char *dir, const char *id, struct lib_category *cat,
                         struct diag_list *diags, const struct library_edit *edit)
{
    struct frontmatter fm;
    cmark_node *doc = NULL, *n;
    char *path = path_join(dir, "README.md"), *text = NULL, *rel = NULL;
    size_t len, i, errors = diags->errors;
    const char *bad;
    int rc = -1, r, bad_line;

    memset(&fm, 0, sizeof fm);
    cat->order = 1000;
    if (!path || !(cat->id = strdup(id)) || !(rel = path_join(id, "README.md")))
        goto out;
    r = lib_read_edit(edit, rel, path, PROCEDURE_FILE_MAX, &text, &len);
    if (r != 0) {
        if (r < 0 && errno == ENOENT)
            diag_warn(diags, dir, 1, "分类文件夹没有 README.md,将用文件夹名「%s」作为分类名称", id);
        else if (r > 0)
            diag_error(diags, path, 1, "%s", msg_too_large);
        else
            diag_error(diags, path, 1, "无法读取这个文件：%s（%s）", lib_errno_text(errno),
                       lib_errno_name(errno));
        cat->failed = diags->errors > errors;
        cat->title = strdup(id);
        cat->description = strdup("");
        rc = cat->title && cat->description ? 0 : -1;
        goto out;
    }
    if ((bad = utf8_file_error(text, len, &bad_line))) {
        diag_error(diags, path, bad_line, "%s", bad);
        len = 0;
    }
    if (frontmatter_parse(path, text, len, &fm, diags) < 0)
        goto out;
    for (i = 0; i < fm.n; i++) {
        if (strcmp(fm.items[i].key, "order") == 0) {
            char *end;
            long v = strtol(fm.items[i].value, &end, 10);
            if (!*fm.items[i].value || *end || v < -1000000 || v > 1000000)
                diag_error(diags, path, fm.items[i].line, "order 应是一个整数，「%s」不是",
                           fm.items[i].value);
            else
                cat->order = (int)v;
        } else {
            diag_warn(diags, path, fm.items[i].line, "分类说明只使用 order,「%s」会被忽略",
                      fm.items[i].key);
        }
    }
    /* a refused body (its error added) leaves the folder's name as title */
    if (!(doc = mdlimit_parse(text + fm.body_offset, len - fm.body_offset, path, fm.body_line,
                              diags, &r)) && r < 0)
        goto out;
    for (n = doc ? cmark_node_first_child(doc) : NULL; n; n = cmark_node_next(n)) {
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1 && !cat->title) {
            cmark_node *c = cmark_node_first_child(n);
            struct strbuf sb = STRBUF_INIT;
            for (r = 0; c && r == 0; c = cmark_node_next(c))
                if (cmark_node_get_literal(c))
                    r = strbuf_puts(&sb, cmark_node_get_literal(c));
            if (r != 0 || !(cat->title = strbuf_take(&sb))) {
                strbuf_free(&sb);
                goto out;
            }
        } else if (t == CMARK_NODE_PARAGRAPH && !cat->description) {
            cmark_iter *it = cmark_iter_new(n);
            struct strbuf sb = STRBUF_INIT;
            cmark_event_type ev;
            if (!it)
                goto out;
            r = 0;
            while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
                cmark_node *x = cmark_iter_get_node(it);
                const char *lit = cmark_node_get_literal(x);
                if (ev != CMARK_EVENT_ENTER)
                    continue;
                if ((cmark_node_get_type(x) == CMARK_NODE_TEXT ||
                     cmark_node_get_type(x) == CMARK_NODE_CODE) && lit)
                    r = strbuf_puts(&sb, lit);
                else if (cmark_node_get_type(x) == CMARK_NODE_SOFTBREAK)
                    r = strbuf_putc(&sb, ' ');
                else
                    r = 0;
                if (r != 0)
                    break;
            }
            cmark_iter_free(it);
            if (r != 0 || !(cat->description = strbuf_take(&sb))) {
                strbuf_free(&sb);
                goto out;
            }
        }
    }
    if (!cat->title || !*cat->title) {
        if (doc)
            diag_warn(diags, path, fm.body_line + 1, "缺少分类名称（# 开头的一行），将用文件夹名「%s」", id);
        free(cat->title);
        if (!(cat->title = strdup(id)))
            goto out;
    }
    if (!cat->description && !(cat->description = strdup("")))
        goto out;
    cat->failed = diags->errors > errors;
    rc = 0;
out:
    if (doc)
        cmark_node_free(doc);
    frontmatter_free(&fm);
    free(text);
    free(path);
    free(rel);
    return rc;
}

/* Room for element n of an array that holds n: the capacity doubles at
 * each power of two, so adding 10,000 files copies the array ~14 times, not
 * 10,000. Returns the (maybe moved) array, or NULL (v is left as it was). */
static void *lib_grow(void *v, size_t n, size_t size)
{
    size_t want;

    if (n >= 16 && (n & (n - 1)) != 0)
        return v;
    want = n < 16 ? 16 : 2 * n;
    if (n >= 16 || n == 0)
        return realloc(v, want * size);
    return v;
}

/* A file's stamp (library.h) from what stat gave (ok: it succeeded) into
 * out, or "" when it is not a regular file or changed within
 * LIBRARY_STAMP_RACY_NS of start_ns (the scan's start, CLOCK_REALTIME). */
static void lib_stamp_of(const struct stat *st, bool ok, long long start_ns,
                         char out[LIBRARY_STAMP_MAX])
{
    long long m, c;

    out[0] = '\0';
    if (!ok || !S_ISREG(st->st_mode))
        return;
    m = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    c = (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
    /* racy: a write in the same tick as our read would keep this stamp */
    if (m > start_ns - LIBRARY_STAMP_RACY_NS || c > start_ns - LIBRARY_STAMP_RACY_NS)
        return;
    snprintf(out, LIBRARY_STAMP_MAX, "%lld:%lld:%lld:%llu:%llu", (long long)st->st_size, m, c,
             (unsigned long long)st->st_ino, (unsigned long long)st->st_dev);
}

/* st (ok: stat succeeded) is the file's, taken while the folder was
 * listed: its stamp, before the file is read. */
static int lib_file_add(struct library *lib, const char *root, const char *cat, const char *name,
                        const struct stat *st, bool ok)
{
    struct lib_file *f;
    size_t n = strlen(name);

    if (lib->n_files + lib->n_practices >= LIBRARY_MAX_TOTAL)
        return diag_error(&lib->diags, root, 1, "文件太多，最多读取 %d 个", LIBRARY_MAX_TOTAL), 0;
    if (!(f = lib_grow(lib->files, lib->n_files, sizeof *f)))
        return -1;
    lib->files = f;
    f = &lib->files[lib->n_files];
    memset(f, 0, sizeof *f);
    f->status = LIB_FAILED;
    f->clash = -1;
    f->category = strdup(cat);
    f->id = strndup(name, n - 3);
    f->rel = path_join(cat, name);
    f->path = f->rel ? path_join(root, f->rel) : NULL;
    lib_stamp_of(st, ok, lib->started_ns, f->stamp);
    lib->n_files++;
    return f->category && f->id && f->rel && f->path ? 0 : -1;
}

/* Warns about links into _assets/ whose file is not there: the page would
 * show a broken image. */
static bool lib_office_live(const struct library *lib, const char *id)
{
    size_t i;

    for (i = 0; i < lib->n_live_offices; i++)
        if (strcmp(lib->live_offices[i], id) == 0)
            return true;
    return false;
}

/* Whether a link to office id lands in the directory this load leaves
 * live: this text's, unless pinned to the live one. An id this text takes
 * away that the live directory still has is let through and noted in
 * lib->dropped (file and line of the link): if any is, the scan runs again
 * pinned and the text is refused (library_scan_edit). */
static bool lib_office_known(struct library *lib, const char *id, const char *file, int line)
{
    bool live = lib_office_live(lib, id);

    if (lib->offices_pinned)
        return live;
    if (directory_find(lib->directory, id))
        return true;
    if (!live || !lib->dropped)
        return false;
    (void)diag_error(lib->dropped, file, line, "%s", id);
    return true;
}

static const char msg_office_missing[] = "链接的办事地点 %s 在 %s 里找不到";
static const char msg_office_not_live[] =
    "链接的办事地点 %s 不在居民现在看到的 %s 里（那个文件这次的修改有错误，没有生效）";

/* A procedure's links to offices, checked against the directory this load
 * leaves live. Returns true when every one lands. */
static bool lib_check_offices(struct library *lib, const struct procedure *p,
                              struct diag_list *diags)
{
    bool ok = true;
    size_t i;

    for (i = 0; i < p->n_offices; i++) {
        if (!lib_office_known(lib, p->offices[i].name, p->path, p->offices[i].line)) {
            diag_error(diags, p->path, p->offices[i].line,
                       lib->offices_pinned ? msg_office_not_live : msg_office_missing,
                       p->offices[i].name, DIRECTORY_FILE);
            ok = false;
        }
    }
    return ok;
}

/* Whether text may hold a link to an office, read cheaply: a file that may
 * is parsed again when _directory.md changed. A link's destination can
 * spell "directory" with an entity (&#100;) or a backslash escape only
 * around its punctuation, so "directory" or '&' anywhere is enough. */
static bool lib_may_link_office(const char *text)
{
    return strstr(text, "directory") || strchr(text, '&');
}

/* Reads and parses ROOT/_directory.md into lib (has_directory, hash,
 * directory). diags gets its problems. Returns 0, or -1 when memory ran out. */
static int lib_directory_load(const char *root, struct library *lib, struct diag_list *diags,
                              const struct library_edit *edit)
{
    char *path = path_join(root, DIRECTORY_FILE), *text = NULL;
    size_t len;
    int rc = -1, r;

    if (!path)
        return -1;
    r = lib_read_edit(edit, DIRECTORY_FILE, path, DIRECTORY_FILE_MAX, &text, &len);
    if (r == 0) {
        lib->has_directory = true;
        library_hash(text, len, lib->directory_hash);
        if ((r = directory_parse(path, text, len, &lib->directory, diags)) < 0)
            goto out;
        lib->directory_ok = r == 0;
    } else if (r > 0 || errno != ENOENT) {
        lib->has_directory = true;
        diag_error(diags, path, 1, r > 0 ? "办事地点文件太大（超过 256 KiB），没有读取" : "无法读取办事地点文件");
    }
    rc = diags->oom ? -1 : 0;
out:
    free(path);
    free(text);
    return rc;
}

/* Reads ROOT/name (or the edit's text for it) into *text: NULL when the
 * file is absent. *has is set when it exists, hash to its content's hash;
 * a file that cannot be read is an error at its line 1 (what names it).
 * Returns 0, or -1 when memory ran out. */
static int lib_list_read(const char *root, const char *name, const char *what, size_t max,
                         const struct library_edit *edit, struct diag_list *diags, bool *has,
                         char hash[65], char **text, size_t *len)
{
    char *path = path_join(root, name);
    int r;

    *text = NULL;
    if (!path)
        return -1;
    r = lib_read_edit(edit, name, path, max, text, len);
    if (r == 0) {
        *has = true;
        library_hash(*text, *len, hash);
    } else if (r > 0 || errno != ENOENT) {
        *has = true;
        diag_error(diags, path, 1, r > 0 ? "%s太大（超过 %zu KiB），没有读取" : "无法读取%s", what,
                   max / 1024);
    }
    free(path);
    return diags->oom ? -1 : 0;
}

/* ROOT/_posts.md and ROOT/_calendar.md into lib. Returns 0, or -1 when
 * memory ran out. */
static int lib_lists_load(const char *root, struct library *lib, struct diag_list *diags,
                          const struct library_edit *edit)
{
    char *text = NULL, *path = NULL;
    size_t len;
    int rc = -1, r;

    if (lib_list_read(root, POSTS_FILE, "岗位文件", POSTS_FILE_MAX, edit, diags, &lib->has_posts,
                      lib->posts_hash, &text, &len) != 0 ||
        !(path = path_join(root, POSTS_FILE)))
        goto out;
    if (text) {
        if ((r = posts_parse(path, text, len, &lib->posts, diags)) < 0)
            goto out;
        lib->posts_ok = r == 0;
        if (r == 0) {
            lib->posts_text = text;
            text = NULL;
        }
    }
    free(text);
    free(path);
    text = NULL;
    path = NULL; /* a failed read of the calendar goes to out, which frees it */
    if (lib_list_read(root, WORKDAYS_FILE, "日历文件", WORKDAYS_FILE_MAX, edit, diags,
                      &lib->has_calendar, lib->calendar_hash, &text, &len) != 0 ||
        !(path = path_join(root, WORKDAYS_FILE)))
        goto out;
    if (text) {
        if ((r = workdays_parse(path, text, len, &lib->calendar, diags)) < 0)
            goto out;
        if (r == 0) {
            lib->calendar_text = text;
            text = NULL;
        }
    }
    rc = 0;
out:
    free(text);
    free(path);
    return rc;
}

/* While _posts.md has errors its last good text stays live: chains are
 * checked against that, not against what of the broken text parsed. 0, or
 * -1 when memory ran out. */
static int lib_posts_pin(const char *root, struct library *lib, const struct library_reuse *reuse)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    struct posts *live = NULL;
    char *path;
    int r;

    if (!lib->has_posts || lib->posts_ok || !reuse || !reuse->posts_live)
        return 0;
    if (!(path = path_join(root, POSTS_FILE)))
        return -1;
    r = posts_parse(path, reuse->posts_live, strlen(reuse->posts_live), &live, &quiet);
    free(path);
    diag_list_free(&quiet);
    if (r < 0)
        return -1;
    if (r == 0) {
        posts_free(lib->posts);
        lib->posts = live;
        lib->posts_pinned = true;
    } else {
        posts_free(live);
    }
    return 0;
}

/* A chain's stages against the posts as _posts.md reads now (when it
 * exists). The implicit stage (line 0) names `window` by the format's
 * rule, not the author's choice, so it is not held against the file.
 * Returns true when every post is there. */
static bool lib_check_posts(const struct posts *ps, bool pinned, const struct procedure *p,
                            struct diag_list *diags)
{
    bool ok = true;
    size_t i;

    for (i = 0; ps && i < p->n_stages; i++) {
        if (p->stages[i].line && !posts_find(ps, p->stages[i].post)) {
            /* pinned: the post may well be in the text on disk, whose
             * errors keep it from going live; said, as for an office */
            if (pinned)
                diag_error(diags, p->path, p->stages[i].line,
                           "环节 %s 的岗位 %s 不在现在生效的 %s 里（那个文件这次的修改有错误，没有生效）："
                           "请先改好岗位文件",
                           p->stages[i].key, p->stages[i].post, POSTS_FILE);
            else
                diag_error(diags, p->path, p->stages[i].line,
                           "环节 %s 的岗位 %s 在 %s 里找不到：请先在岗位文件里加上这个岗位，或改用已有的岗位编号",
                           p->stages[i].key, p->stages[i].post, POSTS_FILE);
            ok = false;
        }
    }
    return ok;
}

/* Each media link of p, opened as /media/ would (library_open_beneath:
 * no symbolic link on the way), so that check warns of what the kiosk
 * cannot show. */
static void lib_check_assets(const char *root, const struct procedure *p, struct diag_list *diags)
{
    struct stat st;
    size_t i;
    char *rel;
    int fd;

    for (i = 0; i < p->n_assets; i++) {
        if (!(rel = path_join("_assets", p->assets[i].name)))
            return;
        fd = library_open_beneath(root, rel, O_RDONLY | O_NONBLOCK);
        if (fd < 0 && errno == ELOOP)
            diag_warn(diags, p->path, p->assets[i].line,
                      "链接的文件 _assets/%s 是符号链接（指向别处的文件），为了安全不会显示；请放真正的文件",
                      p->assets[i].name);
        else if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
            diag_warn(diags, p->path, p->assets[i].line,
                      "链接的文件 _assets/%s 不存在，页面上会显示不出来", p->assets[i].name);
        if (fd >= 0)
            close(fd);
        free(rel);
    }
}

static int lib_practice_add(struct library *lib, const char *root, const char *cat,
                            const char *name)
{
    struct lib_practice *x;

    if (lib->n_files + lib->n_practices >= LIBRARY_MAX_TOTAL)
        return diag_error(&lib->diags, root, 1, "文件太多，最多读取 %d 个", LIBRARY_MAX_TOTAL), 0;
    if (!(x = lib_grow(lib->practices, lib->n_practices, sizeof *x)))
        return -1;
    lib->practices = x;
    x = &x[lib->n_practices++];
    memset(x, 0, sizeof *x);
    x->status = LIB_PRACTICE_FAILED;
    x->file = -1;
    x->rel = path_join(cat, name);
    x->path = x->rel ? path_join(root, x->rel) : NULL;
    return x->rel && x->path ? 0 : -1;
}

/* "CAT/STEM.md" of the practice file "CAT/STEM.practice.md" (or a path). */
static char *lib_practice_procedure_of(const char *rel)
{
    size_t n = strlen(rel) - (sizeof PRACTICE_SUFFIX - 1);
    char *s = malloc(n + 4);

    if (s) {
        memcpy(s, rel, n);
        memcpy(s + n, ".md", 4);
    }
    return s;
}

/* Parses a practice file's text and proves it against model, the
 * procedure beside it: NULL when there is none (exists false: an error) or
 * when it has errors (a warning: not proved this time). proc names it in
 * messages. Returns the lib_practice_status, *set set for GOOD, or -1. */
static int lib_practice_run(const char *path, const char *text, size_t len, const char *proc,
                            bool exists, const struct procedure *model, int today,
                            struct practice **set, struct diag_list *diags)
{
    int r;

    *set = NULL;
    if (!exists)
        return diag_error(diags, path, 1,
                          "旁边没有事项文件 %s：练习文件要和它练习的事项文件放在同一个文件夹，"
                          "文件名相同（多一个 .practice）；事项停办、删掉了事项文件的，把这个练习文件也删掉",
                          proc) < 0 ? -1 : LIB_PRACTICE_FAILED;
    if ((r = practice_parse_partial(path, text, len, set, diags)) != 0) {
        /* the scenarios that parsed are proved too: one run, every error */
        if (r > 0 && *set && model && practice_proof_check(path, *set, model, today, diags) < 0)
            r = -1;
        practice_free(*set);
        *set = NULL;
        return r < 0 ? -1 : LIB_PRACTICE_FAILED;
    }
    if (!model) {
        practice_free(*set);
        *set = NULL;
        return diag_warn(diags, path, 1,
                         "事项文件 %s 有错误，这些练习题要等它改好后才能检查；练习时继续用上次检查通过的练习题",
                         proc) < 0 ? -1 : LIB_PRACTICE_UNCHECKED;
    }
    if ((r = practice_proof_check(path, *set, model, today, diags)) != 0) {
        practice_free(*set);
        *set = NULL;
        return r < 0 ? -1 : LIB_PRACTICE_FAILED;
    }
    /* authoring slips, not errors: said once the file is otherwise good,
     * not as two more lines under each scenario of a file being fixed */
    if (practice_warn_untold(path, *set, diags) != 0) {
        practice_free(*set);
        *set = NULL;
        return -1;
    }
    return LIB_PRACTICE_GOOD;
}

/* Reads, parses and proves one practice file of the scan. */
static int lib_practice_load(struct library *lib, struct lib_practice *x, int today,
                             const struct library_edit *edit)
{
    const struct lib_file *f = x->file >= 0 ? &lib->files[x->file] : NULL;
    char *proc = lib_practice_procedure_of(x->rel);
    int r;

    if (!proc)
        return -1;
    r = lib_read_edit(edit, x->rel, x->path, PRACTICE_FILE_MAX, &x->text, &x->len);
    if (r != 0) {
        free(proc);
        if (r > 0)
            return diag_error(&lib->diags, x->path, 1, "练习文件太大（超过 %zu KiB），没有读取",
                              PRACTICE_FILE_MAX >> 10) < 0 ? -1 : 0;
        return diag_error(&lib->diags, x->path, 1, "无法读取这个文件：%s（%s）",
                          lib_errno_text(errno), lib_errno_name(errno)) < 0 ? -1 : 0;
    }
    library_hash(x->text, x->len, x->hash);
    r = lib_practice_run(x->path, x->text, x->len, strrchr(proc, '/') ? strrchr(proc, '/') + 1 : proc,
                         f != NULL,
                         f && f->status == LIB_PARSED ? f->model : NULL, today, &x->set, &lib->diags);
    free(proc);
    if (r < 0)
        return -1;
    x->status = (enum lib_practice_status)r;
    return 0;
}

/* Parses one procedure file (or reuses the earlier result). An edited
 * file's text comes from the edit and is always parsed. */
static int lib_file_load(struct library *lib, const char *root, struct lib_file *f, int today,
                         const struct library_reuse *ru, const struct library_edit *edit)
{
    struct procedure_src src;
    library_reuse_fn reuse = ru ? ru->by_hash : NULL, known = reuse;
    void *ctx = ru ? ru->ctx : NULL;
    char *id = NULL;
    bool chain = true;
    int r;

    if (edit && strcmp(f->rel, edit->rel) == 0) {
        f->stamp[0] = '\0';
        if (edit->len > PROCEDURE_FILE_MAX)
            return diag_error(&lib->diags, f->path, 1, "%s", msg_too_large), 0;
        if (!(f->text = malloc(edit->len + 1)))
            return -1;
        if (edit->len)
            memcpy(f->text, edit->text, edit->len);
        f->text[edit->len] = '\0';
        f->len = edit->len;
        reuse = NULL;
        r = 0;
    } else {
        /* f->stamp was taken when the folder was listed, before this read:
         * a write after it moves the stamp */
        /* its practice file is proved against the model: read and parsed */
        /* after a change of _directory.md, a file is read to see whether
         * it may link an office */
        if (reuse && ru->by_stamp && f->stamp[0] && !f->has_practice && !lib->offices_moved) {
            r = ru->by_stamp(ctx, f->rel, f->stamp, f->hash, &id, &chain);
            if (r < 0)
                return -1;
            /* a chain is checked against _posts.md, which may have changed */
            if (r > 0 && !(lib->posts_moved && chain)) {
                free(f->id);
                f->id = id;
                f->chain = chain;
                f->unread = true;
                f->held = true;
                f->status = LIB_REUSED;
                lib->n_unread++;
                return 0;
            }
            free(id);
            id = NULL;
            f->hash[0] = '\0';
        }
        r = library_read_file(f->path, PROCEDURE_FILE_MAX, &f->text, &f->len);
    }
    if (r > 0)
        return diag_error(&lib->diags, f->path, 1, "%s", msg_too_large), 0;
    if (r < 0)
        return diag_error(&lib->diags, f->path, 1, "无法读取这个文件：%s（%s）",
                          lib_errno_text(errno), lib_errno_name(errno)), 0;
    library_hash(f->text, f->len, f->hash);
    f->chain = strstr(f->text, "```chain") != NULL;
    /* a chain's posts are checked against _posts.md, which may have changed
     * since this text was loaded: such a file is parsed again (it keeps a
     * post taken away from being missed) */
    if (reuse && lib->posts_moved && f->chain)
        reuse = NULL;
    /* the same for a link to an office and _directory.md */
    if (reuse && lib->offices_moved && lib_may_link_office(f->text))
        reuse = NULL;
    /* its practice file is proved against the model, which reuse lacks */
    if (f->has_practice)
        reuse = NULL;
    if (reuse) {
        r = reuse(ctx, f->rel, f->hash, &id);
        if (r < 0)
            return -1;
        if (r > 0) {
            free(f->id);
            f->id = id;
            f->held = true;
            f->status = LIB_REUSED;
            return 0;
        }
    } else if (known) {
        /* parsed anyway (a practice file beside it, a chain, the edit):
         * whether this very text is what is live, for lib_check_ids */
        if ((r = known(ctx, f->rel, f->hash, &id)) < 0)
            return -1;
        f->held = r > 0;
        free(id);
        id = NULL;
    }
    memset(&src, 0, sizeof src);
    src.path = f->path;
    src.id = f->id;
    src.category = f->category;
    src.text = f->text;
    src.len = f->len;
    src.hash = f->hash;
    src.today = today;
    src.remind = today ? library_date_add(today, LIBRARY_REMIND_DAYS) : 0;
    src.keep_on_error = true;
    r = procedure_parse(&src, &f->model, &lib->diags);
    if (r < 0)
        return -1;
    if (r == 1) {
        /* the file is refused anyway; what parsed is checked against the
         * other files too, so that one run reports every error */
        if (f->model) {
            (void)lib_check_offices(lib, f->model, &lib->diags);
            (void)lib_check_posts(lib->posts, lib->posts_pinned, f->model, &lib->diags);
        }
        procedure_free(f->model);
        f->model = NULL;
        return 0;
    }
    if (r == 0 && (!lib_check_offices(lib, f->model, &lib->diags) |
                   !lib_check_posts(lib->posts, lib->posts_pinned, f->model, &lib->diags))) {
        /* a link a resident would follow to nowhere: refused like any error */
        procedure_free(f->model);
        f->model = NULL;
        f->status = LIB_FAILED;
        return 0;
    }
    if (r == 0) {
        lib_check_assets(root, f->model, &lib->diags);
        f->status = LIB_PARSED;
        free(f->id);
        if (!(f->id = strdup(f->model->id)))
            return -1;
    }
    return 0;
}

static int cat_cmp(const void *a, const void *b)
{
    const struct lib_category *x = a, *y = b;

    if (x->order != y->order)
        return (x->order > y->order) - (x->order < y->order);
    return strcmp(x->id, y->id);
}

/* Lookups by path and the id check sort the files instead of comparing
 * each with every other: at 10,000 files the pairwise id check alone was a
 * quarter of a warm start (issue #13). */
static int lib_rel_cmp(const void *a, const void *b, void *ctx)
{
    const struct library *lib = ctx;

    return strcmp(lib->files[*(const size_t *)a].rel, lib->files[*(const size_t *)b].rel);
}

/* By id, then by position: the first of equal ids is the earliest file. */
static int lib_id_cmp(const void *a, const void *b, void *ctx)
{
    const struct library *lib = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(lib->files[x].id, lib->files[y].id);

    return c ? c : (x > y) - (x < y);
}

/* Indices 0..n_files of lib's files sorted by cmp, or NULL (out of memory). */
static size_t *lib_sorted(struct library *lib, int (*cmp)(const void *, const void *, void *))
{
    size_t *v = malloc((lib->n_files ? lib->n_files : 1) * sizeof *v), i;

    if (!v)
        return NULL;
    for (i = 0; i < lib->n_files; i++)
        v[i] = i;
    qsort_r(v, lib->n_files, sizeof *v, cmp, lib);
    return v;
}

/* The index of the file at rel, or -1. */
static long lib_file_find(const struct library *lib, const char *rel)
{
    size_t lo = 0, hi = lib->by_rel ? lib->n_files : 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(lib->files[lib->by_rel[mid]].rel, rel);
        if (c == 0)
            return (long)lib->by_rel[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static const char *lib_resolve(void *ctx, const char *rel, int line, bool *broken)
{
    struct library *lib = ctx;
    long i;

    if (strncmp(rel, DIRECTORY_FILE "#", sizeof DIRECTORY_FILE) == 0) {
        /* pinned: the office may well be in the text on disk, whose
         * errors keep it from the kiosk; the triage says so, as a
         * procedure's link does (msg_office_not_live) */
        *broken = lib->offices_pinned;
        return lib_office_known(lib, rel + sizeof DIRECTORY_FILE, TRIAGE_FILE, line) ? rel : NULL;
    }
    if ((i = lib_file_find(lib, rel)) < 0)
        return NULL;
    *broken = lib->files[i].status == LIB_FAILED;
    return lib->files[i].id;
}

/* Which of two files claiming one id keeps it: 2 holds it live, 1 is
 * named by it (its file name, not a front matter `id:`), 0 neither. */
static int lib_id_rank(const struct lib_file *f)
{
    const char *base = strrchr(f->rel, '/') ? strrchr(f->rel, '/') + 1 : f->rel;
    size_t n = strlen(f->id);

    if (f->held)
        return 2;
    return strncmp(base, f->id, n) == 0 && strcmp(base + n, ".md") == 0;
}

int library_id_line(const struct lib_file *f)
{
    struct diag_list scratch = DIAG_LIST_INIT;
    struct frontmatter fm;
    const struct fm_entry *e;
    int line = 1;

    /* a `---` block that does not parse gives no line, not a wrong one */
    if (f->model) {
        e = frontmatter_get(&f->model->meta, "id");
        return e && !e->hall && strcmp(e->value, f->id) == 0 ? e->line : 1;
    }
    if (!f->text)
        return 1;
    memset(&fm, 0, sizeof fm);
    if (frontmatter_parse(f->path, f->text, f->len, &fm, &scratch) >= 0 &&
        (e = frontmatter_get(&fm, "id")) && strcmp(e->value, f->id) == 0)
        line = e->line;
    frontmatter_free(&fm);
    diag_list_free(&scratch);
    return line;
}

/* Two files may not claim the same id; the later one (by path) is refused.
 * 0, or -1 (out of memory). */
static int lib_check_ids(struct library *lib)
{
    size_t *by_id = lib_sorted(lib, lib_id_cmp), i, j, end, first = 0;
    int *clash;

    if (!by_id)
        return -1;
    if (!(clash = malloc((lib->n_files ? lib->n_files : 1) * sizeof *clash))) {
        free(by_id);
        return -1;
    }
    for (i = 0; i < lib->n_files; i++)
        clash[i] = -1;
    /* in each run of equal ids, every good file but one clashes with it:
     * the one that holds the id live, unchanged (a file edited on disk to
     * claim a live procedure's id must not take it over and get the
     * untouched one blamed), else one named by the id (a copy with `id:`
     * claims another's name; `spkiosk check`, which knows nothing live,
     * blamed the original and told the admin to rename it: an admin's
     * review), else the first good one by path */
    for (i = 0; i < lib->n_files; i = end) {
        const char *id = lib->files[by_id[i]].id;
        first = (size_t)-1;
        for (end = i; end < lib->n_files && strcmp(lib->files[by_id[end]].id, id) == 0; end++) {
            const struct lib_file *f = &lib->files[by_id[end]];
            if (f->status == LIB_FAILED)
                continue;
            if (first == (size_t)-1 || lib_id_rank(f) > lib_id_rank(&lib->files[first]))
                first = by_id[end];
        }
        for (j = i; j < end; j++)
            if (lib->files[by_id[j]].status != LIB_FAILED && by_id[j] != first)
                clash[by_id[j]] = (int)first;
    }
    /* reported in path order, as before */
    for (i = 0; i < lib->n_files; i++) {
        struct lib_file *f = &lib->files[i];
        if (clash[i] < 0)
            continue;
        /* a tie (neither live, both or neither named by the id, as after
         * copying a file into another folder to start a new item): which
         * is the newcomer is not known here, and by path the admin was
         * told to rename the one residents' links and QR codes go by */
        /* at the `id:` line that claims it: line 1 sent the admin to a
         * `---` with nothing to change */
        if (lib_id_rank(f) == lib_id_rank(&lib->files[clash[i]]))
            diag_error(&lib->diags, f->path, library_id_line(f),
                       "编号 %s 已被 %s 使用：两个文件不能用同一个编号。请改新加的那个文件的文件名"
                       "或开头信息里的 id；已经在用的那个不要改，居民的链接和二维码认的是编号",
                       f->id, lib->files[clash[i]].rel);
        else
            diag_error(&lib->diags, f->path, library_id_line(f), "编号 %s 已被 %s 使用；请改文件名或开头信息里的 id",
                       f->id, lib->files[clash[i]].rel);
        f->status = LIB_FAILED;
        f->clash = clash[i];
        procedure_free(f->model);
        f->model = NULL;
    }
    free(clash);
    free(by_id);
    return 0;
}

/* Adds the edited file's name to its category's listing when it is not
 * on disk yet, keeping the listing sorted. Returns 0 or -1. */
static int lib_add_edit_name(const struct library_edit *edit, const char *cat, char ***names,
                             size_t *n)
{
    size_t cn = strlen(cat), i;
    const char *name;
    char **v;

    if (!edit || edit->gone || strncmp(edit->rel, cat, cn) != 0 || edit->rel[cn] != '/')
        return 0;
    name = edit->rel + cn + 1;
    for (i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0)
            return 0;
    if (!(v = realloc(*names, (*n + 1) * sizeof *v)))
        return -1;
    *names = v;
    if (!(v[*n] = strdup(name)))
        return -1;
    (*n)++;
    qsort(v, *n, sizeof *v, name_cmp);
    return 0;
}

static int lib_scan_category(struct library *lib, const char *root, const char *id,
                             const struct library_edit *edit)
{
    char *dir = path_join(root, id), **names = NULL;
    struct lib_category *c;
    size_t n = 0, i;
    int rc = -1;

    if (!dir)
        goto out;
    if (!procedure_id_valid(id, strlen(id))) {
        diag_error(&lib->diags, dir, 1,
                   "分类文件夹名「%s」无效：只能用小写英文字母、数字和 -；这个文件夹里的文件没有读取", id);
        rc = 0;
        goto out;
    }
    if (lib->n_cats >= LIBRARY_MAX_CATEGORIES) {
        diag_error(&lib->diags, dir, 1, "分类太多，最多 %d 个", LIBRARY_MAX_CATEGORIES);
        rc = 0;
        goto out;
    }
    if (!(c = realloc(lib->cats, (lib->n_cats + 1) * sizeof *c)))
        goto out;
    lib->cats = c;
    c = &lib->cats[lib->n_cats++];
    memset(c, 0, sizeof *c);
    if (category_read(dir, id, c, &lib->diags, edit) != 0)
        goto out;
    /* a folder not listed, or over the cap, has files this load did not
     * see: they are not gone (c->unlisted) */
    if (dir_list_report(dir, "这个文件夹", &lib->diags, &names, &n, &c->unlisted) != 0) {
        c->unlisted = true;
        rc = 0;
        goto out;
    }
    if (lib_add_edit_name(edit, id, &names, &n) != 0)
        goto out;
    for (i = 0; i < n; i++) {
        /* a retirement's check: the tree as it would be without the file */
        if (edit && edit->gone && strlen(id) + 1 + strlen(names[i]) == strlen(edit->rel) &&
            strncmp(edit->rel, id, strlen(id)) == 0 && edit->rel[strlen(id)] == '/' &&
            strcmp(edit->rel + strlen(id) + 1, names[i]) == 0)
            continue;
        struct stat st;
        bool ok;
        char *p;
        if (names[i][0] == '_' || names[i][0] == '.' || strcmp(names[i], "README.md") == 0)
            continue;
        if (!(p = path_join(dir, names[i])))
            goto out;
        /* one stat per entry: whether it is a folder, and a file's stamp;
         * not through a symbolic link (library_read_file) */
        ok = lstat(p, &st) == 0;
        if (ok && S_ISLNK(st.st_mode)) {
            if (ends_with_md(names[i]))
                diag_error(&lib->diags, p, 1, "这个文件是符号链接（指向别处的文件），为了安全不读取；请放真正的文件");
        } else if (ok && S_ISDIR(st.st_mode)) {
            diag_warn(&lib->diags, p, 1, "分类里的子文件夹不会被读取；事项文件请直接放在分类文件夹里");
        } else if (strcasecmp(names[i], "README.md") == 0) {
            /* readme.md or Readme.md (an editor, a Windows share) means the
             * category's README.md; read as an item, it was refused as one
             * with no step and the category went untitled without a word */
            diag_error(&lib->diags, p, 1,
                       "分类说明文件的名字要写成 README.md（README 大写，.md 小写）；「%s」没有读取，请改名",
                       names[i]);
        } else if (practice_name_is(names[i])) {
            if (lib_practice_add(lib, root, id, names[i]) != 0) {
                free(p);
                goto out;
            }
        } else if (ends_with_md(names[i])) {
            if (lib_file_add(lib, root, id, names[i], &st, ok) != 0) {
                free(p);
                goto out;
            }
        } else if (lib_ends_with_md_any_case(names[i])) {
            (void)lib_report_upper_md(&lib->diags, p, names[i]);
        }
        free(p);
    }
    rc = 0;
out:
    dir_list_free(names, n);
    free(dir);
    return rc;
}

/* The line of the entry of year that comes first in the file (entries
 * are sorted by date, not by line), 1 when there is none. */
static int lib_calendar_year_line(const struct workdays *cal, int year)
{
    size_t i;
    int line = 0;

    for (i = 0; i < cal->n; i++)
        if (cal->v[i].ymd / 10000 == year && (!line || cal->v[i].line < line))
            line = cal->v[i].line;
    return line ? line : 1;
}

/* An edit that enters year with fewer than LIBRARY_CALENDAR_FEW dates,
 * where the calendar as it stands has none: once saved, the year counts as
 * entered and the due dates counted without it move on (relay_recount), at
 * that load only; what the admin adds after moves nothing already counted.
 * Said at the year's first date, before the save, which is when it can
 * still be entered whole. */
static int lib_calendar_half(const char *path, struct library *lib, const struct workdays *before,
                             int year, size_t k)
{
    if (!before || !k || k >= LIBRARY_CALENDAR_FEW || workdays_year_count(before, year))
        return 0;
    return diag_warn(&lib->diags, path, lib_calendar_year_line(lib->calendar, year),
                     "这样保存后，%d 年就算已经录入了，可这一年只写了 %zu 天（一年的节假日安排通知一般有二三十天："
                     "元旦、春节、清明、劳动节、端午、中秋、国庆）。没有 %d 年的日期时算出的办结日期，"
                     "只在这次保存后按写上的日子顺延一次；以后再补的日子不会再让它们顺延。"
                     "请把通知里 %d 年的日子全部写上再保存",
                     year, k, year, year)
               ? -1 : 1;
}

/* library_calendar_note, and for an edit (before: the calendar as it
 * stands, see library_calendar_note_edit) the half-entered years it adds. */
static int lib_calendar_note(const char *root, struct library *lib, int today,
                             const struct workdays *before)
{
    int years[2], n = 0, i, r, rc = -1, ahead = library_date_add(today, LIBRARY_CALENDAR_AHEAD);
    size_t j;
    char *path;

    if (!lib->has_calendar || !lib->calendar || today <= 0)
        return 0;
    years[n++] = today / 10000;
    if (ahead / 10000 != years[0])
        years[n++] = ahead / 10000;
    if (!(path = path_join(root, WORKDAYS_FILE)))
        return -1;
    for (i = 0; i < n; i++) {
        size_t k = workdays_year_count(lib->calendar, years[i]);
        if ((r = lib_calendar_half(path, lib, before, years[i], k)) < 0)
            goto out;
        if (r > 0)
            continue;
        if (!k)
            diag_warn(&lib->diags, path, 1,
                      "日历文件里还没有 %d 年的日期：%d 年的元旦、春节、国庆等假日会被当作工作日，"
                      "办结期限会算早。请按国务院办公厅 %d 年部分节假日安排的通知，在「## %d 年」下补上",
                      years[i], years[i], years[i], years[i]);
        else if (k < LIBRARY_CALENDAR_FEW)
            /* any one date makes the year entered: due dates counted into
             * it were moved on once, when it came (relay_recount) */
            diag_warn(&lib->diags, path, 1,
                      "日历文件里 %d 年只有 %zu 天：一年的节假日安排通知一般有二三十天（元旦、春节、清明、"
                      "劳动节、端午、中秋、国庆），没写的假日会被当作工作日。请对照通知补全；"
                      "以后补上的日子不会再让已经算好的办结日期顺延",
                      years[i], k);
    }
    /* a later year entered early (the notice comes out in the autumn,
     * before the window above reaches it): the same trap, nothing else */
    for (j = 0; before && j < lib->calendar->n; j++) {
        int y = lib->calendar->v[j].ymd / 10000;
        if (y <= years[n - 1] || (j > 0 && lib->calendar->v[j - 1].ymd / 10000 == y))
            continue;
        if (lib_calendar_half(path, lib, before, y, workdays_year_count(lib->calendar, y)) < 0)
            goto out;
    }
    rc = lib->diags.oom ? -1 : 0;
out:
    free(path);
    return rc;
}

int library_calendar_note(const char *root, struct library *lib, int today)
{
    return lib_calendar_note(root, lib, today, NULL);
}

int library_calendar_note_edit(const char *root, struct library *lib, int today,
                               const struct workdays *before)
{
    static const struct workdays none = {NULL, 0};

    return lib_calendar_note(root, lib, today, before ? before : &none);
}

int library_scan(const char *root, int today, const struct library_reuse *reuse,
                 struct library *lib)
{
    return library_scan_edit(root, today, reuse, NULL, lib);
}

/* library_scan_edit's one pass. pinned: links to offices are checked
 * against the live ones; dropped (may be NULL) gets where a link lands only
 * because the live directory still has the office (lib_office_known). */
static int lib_scan(const char *root, int today, const struct library_reuse *reuse,
                    const struct library_edit *edit, bool pinned, struct diag_list *dropped,
                    struct library *lib)
{
    char **names = NULL, *tpath = NULL, *ttext = NULL;
    struct timespec now;
    size_t n = 0, i, tlen;
    int rc = -1, r;

    memset(lib, 0, sizeof *lib);
    if (clock_gettime(CLOCK_REALTIME, &now) != 0)
        return -1;
    lib->started_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
    if (dir_list_report(root, "事项文件夹", &lib->diags, &names, &n, NULL) != 0)
        return -1;
    for (i = 0; i < n; i++) {
        char *p;
        if (names[i][0] == '_' || names[i][0] == '.' || strcmp(names[i], "README.md") == 0)
            continue;
        if (!(p = path_join(root, names[i])))
            goto out;
        if (lib_is_link(p)) {
            r = diag_error(&lib->diags, p, 1,
                           "这是符号链接（指向别处），为了安全不读取；分类请放真正的文件夹") ? -1 : 0;
        } else if (is_dir(p)) {
            r = lib_scan_category(lib, root, names[i], edit);
        } else {
            r = 0;
            if (ends_with_md(names[i]))
                diag_error(&lib->diags, p, 1,
                           "事项文件要放在分类文件夹里（如 employment/%s），这个文件没有读取", names[i]);
        }
        free(p);
        if (r != 0)
            goto out;
    }
    if (lib->n_cats)
        qsort(lib->cats, lib->n_cats, sizeof *lib->cats, cat_cmp);
    /* before the files and the triage, whose links it answers */
    if (lib_directory_load(root, lib, &lib->diags, edit) != 0 ||
        lib_lists_load(root, lib, &lib->diags, edit) != 0 ||
        lib_posts_pin(root, lib, reuse) != 0)
        goto out;
    if (reuse && reuse->directory_hash) {
        lib->live_offices = reuse->offices;
        lib->n_live_offices = reuse->n_offices;
        lib->dropped = dropped;
        lib->offices_moved = strcmp(lib->directory_hash, reuse->directory_hash) != 0;
        /* a text with errors is not what residents see */
        lib->offices_pinned = pinned || (lib->has_directory && !lib->directory_ok);
    }
    /* a chain's posts are checked against _posts.md: a chain file is parsed
     * again unless _posts.md has the text the stored chains were checked
     * against (schema/025-chain-check.sql) */
    lib->posts_moved = lib->has_posts &&
                       !(reuse && reuse->posts_hash && lib->posts_hash[0] &&
                         strcmp(reuse->posts_hash, lib->posts_hash) == 0);
    if (!(lib->by_rel = lib_sorted(lib, lib_rel_cmp)))
        goto out;
    for (i = 0; i < lib->n_practices; i++) {
        struct lib_practice *x = &lib->practices[i];
        char *proc = lib_practice_procedure_of(x->rel);
        long j;
        if (!proc)
            goto out;
        if ((j = lib_file_find(lib, proc)) >= 0) {
            x->file = (int)j;
            lib->files[j].has_practice = true;
        }
        free(proc);
    }
    for (i = 0; i < lib->n_files; i++)
        if (lib_file_load(lib, root, &lib->files[i], today, reuse, edit) != 0)
            goto out;
    if (lib_check_ids(lib) != 0)
        goto out;
    for (i = 0; i < lib->n_practices; i++)
        if (lib_practice_load(lib, &lib->practices[i], today, edit) != 0)
            goto out;
    if (!(tpath = path_join(root, TRIAGE_FILE)))
        goto out;
    r = lib_read_edit(edit, TRIAGE_FILE, tpath, PROCEDURE_FILE_MAX, &ttext, &tlen);
    if (r == 0) {
        lib->has_triage = true;
        library_hash(ttext, tlen, lib->triage_hash);
        if (triage_parse(tpath, ttext, tlen, lib_resolve, lib, &lib->triage, &lib->diags) < 0)
            goto out;
    } else if (r > 0 || errno != ENOENT) {
        lib->has_triage = true;
        diag_error(&lib->diags, tpath, 1, "无法读取分诊文件");
    }
    rc = lib->diags.oom ? -1 : 0;
out:
    diag_list_sort(&lib->diags);
    dir_list_free(names, n);
    free(tpath);
    free(ttext);
    return rc;
}

/* The directory's refusal: an error at its line 1 for each link still
 * pointing at an office this text takes away (any office, when the file
 * is gone). It then counts as present with errors, so the store keeps the
 * live offices. Returns 0, or -1 when memory ran out. */
static int lib_directory_refuse(const char *root, struct library *lib,
                                const struct diag_list *dropped)
{
    char *path = path_join(root, DIRECTORY_FILE), *prefix = path_join(root, "");
    size_t i, pn;
    int rc = -1;

    if (!path || !prefix)
        goto out;
    pn = strlen(prefix);
    for (i = 0; i < dropped->n; i++) {
        const struct diag *d = &dropped->items[i];
        const char *file = strncmp(d->file, prefix, pn) == 0 ? d->file + pn : d->file;
        if (lib->has_directory)
            diag_error(&lib->diags, path, 1,
                       "删掉了办事地点 %s，但 %s 第 %d 行还链接它：这次修改没有生效，居民看到的还是"
                       "上一版办事地点。请先改掉这个链接，再删除这个地点",
                       d->message, file, d->line);
        else
            diag_error(&lib->diags, path, 1,
                       "%s 不见了，但 %s 第 %d 行还链接办事地点 %s：居民看到的还是上一版办事地点。"
                       "请先改掉这个链接，再删除这个文件",
                       DIRECTORY_FILE, file, d->line, d->message);
    }
    lib->has_directory = true;
    lib->directory_ok = false;
    diag_list_sort(&lib->diags);
    rc = lib->diags.oom ? -1 : 0;
out:
    free(path);
    free(prefix);
    return rc;
}

int library_scan_edit(const char *root, int today, const struct library_reuse *reuse,
                      const struct library_edit *edit, struct library *lib)
{
    struct diag_list dropped;
    int rc;

    memset(&dropped, 0, sizeof dropped);
    rc = lib_scan(root, today, reuse, edit, false, &dropped, lib);
    if (rc == 0 && dropped.oom)
        rc = -1;
    if (rc == 0 && dropped.n) {
        /* checked again against the offices that stay live: a file that
         * links one only this text has is then an error too */
        library_free(lib);
        diag_list_sort(&dropped);
        rc = lib_scan(root, today, reuse, edit, true, NULL, lib);
        if (rc == 0)
            rc = lib_directory_refuse(root, lib, &dropped);
    }
    diag_list_free(&dropped);
    lib->live_offices = NULL;
    lib->n_live_offices = 0;
    lib->dropped = NULL;
    return rc;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');

    return s ? s + 1 : p;
}

/* Reads procedure file path (in folder dir, its category; its stem is its
 * id) and parses it on its own into *model, its problems to diags.
 * Returns 0 (parsed), 1 (errors), 2 (unreadable or too large: an error
 * says so, or, with missing given, nothing when the file does not exist:
 * *missing is then set), -1 when memory ran out. With keep, *model is also
 * set on 1 (procedure_src.keep_on_error). */
static int lib_parse_alone(const char *path, const char *dir, int today, struct procedure **model,
                           bool *missing, bool keep, struct diag_list *diags)
{
    const char *name = base_name(path);
    struct procedure_src src;
    char *text = NULL, *id = NULL, hash[65];
    size_t len;
    int r;

    *model = NULL;
    r = library_read_file(path, PROCEDURE_FILE_MAX, &text, &len);
    if (r < 0 && errno == ENOENT && missing) {
        *missing = true;
        return 2;
    }
    if (r > 0)
        return diag_error(diags, path, 1, "%s", msg_too_large) < 0 ? -1 : 2;
    if (r != 0)
        return diag_error(diags, path, 1, "无法读取这个文件：%s（%s）", lib_errno_text(errno),
                          lib_errno_name(errno)) < 0 ? -1 : 2;
    if (!(id = strndup(name, ends_with_md(name) ? strlen(name) - 3 : strlen(name)))) {
        free(text);
        return -1;
    }
    library_hash(text, len, hash);
    memset(&src, 0, sizeof src);
    src.path = path;
    src.id = id;
    src.category = base_name(dir);
    src.text = text;
    src.len = len;
    src.hash = hash;
    src.today = today;
    src.remind = today ? library_date_add(today, LIBRARY_REMIND_DAYS) : 0;
    src.keep_on_error = keep;
    r = procedure_parse(&src, model, diags);
    free(text);
    free(id);
    return r;
}

/* A procedure file read for its practice file: parsed into *model (NULL
 * when it has errors, which are its own report, not the practice file's).
 * Returns 1 when the file exists, 0 when it does not, -1. */
static int lib_check_procedure_quietly(const char *path, int today, struct procedure **model)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    const char *name = base_name(path);
    size_t dn = (size_t)(name - path);
    bool missing = false;
    char *dir;
    int r;

    while (dn > 1 && path[dn - 1] == '/')
        dn--;
    if (!(dir = dn ? strndup(path, dn) : strdup(".")))
        return -1;
    r = lib_parse_alone(path, dir, today, model, &missing, false, &quiet);
    diag_list_free(&quiet);
    free(dir);
    return r < 0 ? -1 : missing ? 0 : 1;
}

/* `check` of practice file ppath beside procedure file proc; exists says
 * whether proc is there, model is its model (NULL when it has errors). */
static int lib_check_practice(const char *ppath, const char *proc, bool exists,
                              const struct procedure *model, int today, struct diag_list *diags)
{
    struct practice *set = NULL;
    char *text = NULL;
    size_t len;
    int r;

    r = library_read_file(ppath, PRACTICE_FILE_MAX, &text, &len);
    if (r > 0)
        return diag_error(diags, ppath, 1, "%s", "练习文件太大，没有读取") < 0 ? -1 : 0;
    if (r != 0) {
        (void)diag_error(diags, ppath, 1, "无法读取这个文件：%s（%s）", lib_errno_text(errno),
                         lib_errno_name(errno));
        return -1;
    }
    r = lib_practice_run(ppath, text, len, base_name(proc), exists, model, today, &set, diags);
    practice_free(set);
    free(text);
    return r < 0 ? -1 : 0;
}

/* Checked alone, _directory.md or _posts.md: the errors its text causes in
 * the files of its folder that link one of its offices or name one of its
 * posts, as errors of its own at line 1, as the console's check of a save
 * has them. Without them an office or a post renamed passed `spkiosk check
 * _directory.md`, and the daemon then refused the directory (or the chain
 * files) with errors check never showed. The whole tree's check reports
 * them on the linking files instead: it cannot tell which side changed.
 * Returns 0, or -1 when memory ran out or the folder could not be read. */
static int lib_check_linked_by(const char *path, const char *dir, int today,
                               struct diag_list *diags)
{
    char needle[64], *prefix = path_join(dir, "");
    struct library lib;
    size_t i, pn;
    int rc = -1;

    if (!prefix)
        return -1;
    pn = strlen(prefix);
    /* the one message both kinds of link give when they land nowhere */
    snprintf(needle, sizeof needle, " 在 %s 里找不到", base_name(path));
    if (library_scan(dir, today, NULL, &lib) != 0)
        goto out;
    for (i = 0; i < lib.diags.n; i++) {
        const struct diag *d = &lib.diags.items[i];
        const char *other = d->file;
        if (d->severity != DIAG_ERROR || strcmp(base_name(d->file), base_name(path)) == 0 ||
            !strstr(d->message, needle))
            continue;
        if (strncmp(other, prefix, pn) == 0)
            other += pn;
        if (diag_error(diags, path, 1, "按这个文件，%s 第 %d 行会出错：%s", other, d->line,
                       d->message) != 0)
            goto out;
    }
    rc = 0;
out:
    library_free(&lib);
    free(prefix);
    return rc;
}

/* `check FILE`: a file on its own, by its name's role. */
static int library_check_file(const char *path, int today, struct diag_list *diags)
{
    const char *name = base_name(path);
    char *dir = NULL;
    struct procedure *model = NULL;
    size_t dn;
    int rc = -1, r;

    dn = (size_t)(name - path);
    while (dn > 1 && path[dn - 1] == '/')
        dn--;
    if (!(dir = dn ? strndup(path, dn) : strdup(".")))
        goto out;
    if (strcmp(name, "README.md") == 0) {
        struct lib_category cat0;
        memset(&cat0, 0, sizeof cat0);
        rc = category_read(dir, base_name(dir), &cat0, diags, NULL);
        free(cat0.id);
        free(cat0.title);
        free(cat0.description);
        goto out;
    }
    if (strcmp(name, DIRECTORY_FILE) == 0) {
        struct library dl;
        memset(&dl, 0, sizeof dl);
        rc = lib_directory_load(dir, &dl, diags, NULL);
        directory_free(dl.directory);
        if (rc == 0)
            rc = lib_check_linked_by(path, dir, today, diags);
        goto out;
    }
    if (strcmp(name, POSTS_FILE) == 0 || strcmp(name, WORKDAYS_FILE) == 0) {
        /* both are read together: keep this file's lines only */
        struct library dl;
        size_t i;
        memset(&dl, 0, sizeof dl);
        rc = lib_lists_load(dir, &dl, &dl.diags, NULL);
        for (i = 0; i < dl.diags.n; i++) {
            struct diag *d = &dl.diags.items[i];
            if (strcmp(base_name(d->file), name) == 0)
                diag_add(diags, path, d->line, d->severity, "%s", d->message);
        }
        library_free(&dl);
        if (rc == 0 && strcmp(name, POSTS_FILE) == 0)
            rc = lib_check_linked_by(path, dir, today, diags);
        goto out;
    }
    if (practice_name_is(name)) {
        char *proc = lib_practice_procedure_of(path);
        if (proc && (r = lib_check_procedure_quietly(proc, today, &model)) >= 0)
            rc = lib_check_practice(path, proc, r > 0, model, today, diags);
        free(proc);
        goto out;
    }
    if (strcmp(name, TRIAGE_FILE) == 0) {
        /* its links need the whole folder: read it, keep this file's lines */
        struct library lib;
        size_t i;
        r = library_scan(dir, today, NULL, &lib);
        for (i = 0; i < lib.diags.n; i++) {
            struct diag *d = &lib.diags.items[i];
            if (strcmp(d->file, path) == 0)
                diag_add(diags, d->file, d->line, d->severity, "%s", d->message);
        }
        library_free(&lib);
        rc = r < 0 ? -1 : 0;
        goto out;
    }
    r = lib_parse_alone(path, dir, today, &model, NULL, true, diags);
    if (r == 2) {
        rc = 0;
        goto out;
    }
    /* with errors too: one run reports every error, those across files
     * included */
    if (model) {
        /* the root is the category folder's parent, also when dir is "." */
        char *root = path_join(dir, "..");
        struct library dl;
        struct diag_list quiet;
        if (!root)
            goto out;
        lib_check_assets(root, model, diags);
        /* the directory's own problems are its report, not this file's */
        memset(&dl, 0, sizeof dl);
        memset(&quiet, 0, sizeof quiet);
        if (model->n_offices && lib_directory_load(root, &dl, &quiet, NULL) == 0)
            lib_check_offices(&dl, model, diags);
        if (model->chain_written && lib_lists_load(root, &dl, &quiet, NULL) == 0)
            lib_check_posts(dl.posts, false, model, diags);
        library_free(&dl);
        diag_list_free(&quiet);
        free(root);
    }
    if (r == 1) {
        /* scenarios are proved against a model without errors only */
        procedure_free(model);
        model = NULL;
    }
    if (r >= 0) {
        /* a change that breaks a scenario shows on the scenario file */
        char *ppath = malloc(strlen(path) + sizeof PRACTICE_SUFFIX);
        struct stat pst;
        if (!ppath)
            goto out;
        sprintf(ppath, "%.*s%s", (int)(strlen(path) - 3), path, PRACTICE_SUFFIX);
        if (stat(ppath, &pst) == 0 && lib_check_practice(ppath, path, true, model, today, diags) != 0)
            r = -1;
        free(ppath);
    }
    rc = r < 0 ? -1 : 0;
out:
    procedure_free(model);
    free(dir);
    return rc;
}

/* Whether names holds the procedure file of practice file name. */
static bool lib_names_have_procedure(char **names, size_t n, const char *name)
{
    size_t stem = strlen(name) - (sizeof PRACTICE_SUFFIX - 1), i;

    for (i = 0; i < n; i++)
        if (strlen(names[i]) == stem + 3 && strncmp(names[i], name, stem) == 0 &&
            strcmp(names[i] + stem, ".md") == 0)
            return true;
    return false;
}

int library_check_path(const char *path, int today, struct diag_list *diags)
{
    char **names = NULL, *p;
    size_t n = 0, i;
    bool root = false;
    int rc = -1, bad;

    if (!is_dir(path)) {
        struct stat st;
        if (stat(path, &st) != 0) {
            diag_error(diags, path, 1, "找不到这个文件或文件夹");
            return -1;
        }
        return library_check_file(path, today, diags);
    }
    if (dir_list_report(path, "这个文件夹", diags, &names, &n, NULL) != 0)
        return -1;
    for (i = 0; i < n && !root; i++) {
        if (names[i][0] == '.')
            continue;
        if (strcmp(names[i], TRIAGE_FILE) == 0 || strcmp(names[i], DIRECTORY_FILE) == 0 ||
            strcmp(names[i], POSTS_FILE) == 0 || strcmp(names[i], WORKDAYS_FILE) == 0) {
            root = true;
        } else if (names[i][0] != '_') {
            if (!(p = path_join(path, names[i])))
                goto out;
            root = is_dir(p);
            free(p);
        }
    }
    if (root) {
        struct library lib;
        int r = library_scan(path, today, NULL, &lib);
        if (diag_list_move(diags, &lib.diags) != 0)
            r = -1;
        library_free(&lib);
        rc = r;
        goto out;
    }
    for (i = 0; i < n; i++) {
        if (names[i][0] == '.' || names[i][0] == '_')
            continue;
        if (!ends_with_md(names[i])) {
            if (lib_ends_with_md_any_case(names[i])) {
                if (!(p = path_join(path, names[i])))
                    goto out;
                bad = lib_report_upper_md(diags, p, names[i]);
                free(p);
                if (bad < 0)
                    goto out;
            }
            continue;
        }
        if (practice_name_is(names[i]) && lib_names_have_procedure(names, n, names[i]))
            continue; /* checked with its procedure */
        if (!(p = path_join(path, names[i])))
            goto out;
        if (library_check_file(p, today, diags) != 0) {
            free(p);
            goto out;
        }
        free(p);
    }
    rc = 0;
out:
    dir_list_free(names, n);
    return rc;
}

void library_free(struct library *lib)
{
    size_t i;

    for (i = 0; i < lib->n_cats; i++) {
        free(lib->cats[i].id);
        free(lib->cats[i].title);
        free(lib->cats[i].description);
    }
    free(lib->cats);
    for (i = 0; i < lib->n_files; i++) {
        struct lib_file *f = &lib->files[i];
        free(f->rel);
        free(f->path);
        free(f->category);
        free(f->id);
        free(f->text);
        procedure_free(f->model);
    }
    free(lib->files);
    free(lib->by_rel);
    for (i = 0; i < lib->n_practices; i++) {
        free(lib->practices[i].rel);
        free(lib->practices[i].path);
        free(lib->practices[i].text);
        practice_free(lib->practices[i].set);
    }
    free(lib->practices);
    triage_free(lib->triage);
    directory_free(lib->directory);
    posts_free(lib->posts);
    free(lib->posts_text);
    workdays_free(lib->calendar);
    free(lib->calendar_text);
    diag_list_free(&lib->diags);
    memset(lib, 0, sizeof *lib);
}
