/* Unit tests of library's helpers: date arithmetic for review reminders,
 * the capped file reader, the content hash; and of the scan's rules a
 * mutation review found unpinned (live offices and posts while their file
 * has errors, the folder cap, an edit's category). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "library.h"

Test(library, date_add_crosses_months_years_and_leap_days)
{
    cr_assert_eq(library_date_add(20261121, 30), 20261221);
    cr_assert_eq(library_date_add(20261215, 30), 20270114);
    cr_assert_eq(library_date_add(20240215, 14), 20240229);
    cr_assert_eq(library_date_add(20250215, 14), 20250301);
    cr_assert_eq(library_date_add(20260301, -1), 20260228);
    cr_assert_eq(library_date_add(20261121, 0), 20261121);
}

Test(library, read_file_refuses_what_is_over_the_cap)
{
    char path[] = "/tmp/spk-libXXXXXX", *data = NULL;
    size_t len = 99;
    int fd = mkstemp(path);

    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "0123456789", 10), 10);
    close(fd);
    cr_assert_eq(library_read_file(path, 10, &data, &len), 0);
    cr_assert_eq(len, 10);
    cr_assert_str_eq(data, "0123456789");
    free(data);
    cr_assert_eq(library_read_file(path, 9, &data, &len), 1);
    cr_assert_null(data);
    unlink(path);
    cr_assert_eq(library_read_file(path, 9, &data, &len), -1);
    cr_assert_eq(errno, ENOENT);
}

Test(library, hash_is_sha256_hex)
{
    char h[65];

    library_hash("abc", 3, h);
    cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* A scratch folder for the tests below: made with mkdtemp, removed by
 * rm -rf (the tests only ever make files inside it). */
static void lib_tmp(char dir[32])
{
    strcpy(dir, "/tmp/spk-libdXXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void lib_rm(const char *dir)
{
    char cmd[64];

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void lib_put(const char *dir, const char *rel, const char *text)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof p, "%s/%s", dir, rel);
    cr_assert_not_null(f = fopen(p, "w"), "%s", p);
    fputs(text, f);
    fclose(f);
}

/* /media/ opens through library_open_beneath: a link to a folder on the way
 * fails as ELOOP (the check then says "symbolic link", not "missing"), and
 * ".." never climbs out of the folder. */
Test(library, open_beneath_refuses_links_and_dotdot)
{
    char dir[32], p[96];
    int fd;

    lib_tmp(dir);
    snprintf(p, sizeof p, "%s/sub", dir);
    cr_assert_eq(mkdir(p, 0700), 0);
    lib_put(dir, "sub/x.png", "x");
    lib_put(dir, "top.png", "t");
    snprintf(p, sizeof p, "%s/link", dir);
    cr_assert_eq(symlink("sub", p), 0);

    fd = library_open_beneath(dir, "sub/x.png", O_RDONLY);
    cr_assert_geq(fd, 0);
    close(fd);
    errno = 0;
    cr_assert_lt(library_open_beneath(dir, "link/x.png", O_RDONLY), 0);
    cr_assert_eq(errno, ELOOP);
    errno = 0;
    cr_assert_lt(library_open_beneath(dir, "sub/../top.png", O_RDONLY), 0);
    cr_assert_eq(errno, ENOENT);
    errno = 0;
    cr_assert_lt(library_open_beneath(dir, "sub/..", O_RDONLY), 0);
    cr_assert_eq(errno, ENOENT);
    lib_rm(dir);
}

/* The admin console's saves open the folder of the file they write with
 * library_folder_open: the folder itself a link is ELOOP (not the
 * ENOTDIR that O_NOFOLLOW|O_DIRECTORY gives), a link higher up too; a file
 * directly under the root opens the root, which may itself be a link (the
 * configured library); no last component, or "..", is refused. */
Test(library, folder_open_refuses_a_linked_folder_and_names_the_file)
{
    char dir[32], p[96], lib[128];
    const char *name;
    struct stat st, sub;
    int fd;

    lib_tmp(dir);
    snprintf(p, sizeof p, "%s/sub", dir);
    cr_assert_eq(mkdir(p, 0700), 0);
    cr_assert_eq(stat(p, &sub), 0);
    lib_put(dir, "sub/x.md", "x");
    snprintf(p, sizeof p, "%s/link", dir);
    cr_assert_eq(symlink("sub", p), 0);
    lib_put(dir, "plain", "not a folder");

    cr_assert_geq(fd = library_folder_open(dir, "sub/x.md", &name), 0);
    cr_assert_str_eq(name, "x.md");
    cr_assert_eq(fstat(fd, &st), 0);
    cr_assert(st.st_ino == sub.st_ino && st.st_dev == sub.st_dev, "the folder itself");
    close(fd);
    errno = 0;
    cr_assert_lt(library_folder_open(dir, "link/x.md", &name), 0);
    cr_assert_eq(errno, ELOOP, "%s", strerror(errno));
    errno = 0;
    cr_assert_lt(library_folder_open(dir, "plain/x.md", &name), 0);
    cr_assert_eq(errno, ENOTDIR);
    errno = 0;
    cr_assert_lt(library_folder_open(dir, "gone/x.md", &name), 0);
    cr_assert_eq(errno, ENOENT);
    errno = 0;
    cr_assert_lt(library_folder_open(dir, "sub/..", &name), 0);
    cr_assert_eq(errno, ENOENT);
    cr_assert_lt(library_folder_open(dir, "sub/", &name), 0);
    /* the root may be a link: a top-level file opens it */
    snprintf(lib, sizeof lib, "%s/link", dir);
    cr_assert_geq(fd = library_folder_open(lib, "x.md", &name), 0);
    cr_assert_str_eq(name, "x.md");
    cr_assert_eq(fstat(fd, &st), 0);
    cr_assert_eq(st.st_ino, sub.st_ino);
    close(fd);
    lib_rm(dir);
}

static size_t lib_count(const struct diag_list *d, const char *what)
{
    size_t i, n = 0;

    for (i = 0; i < d->n; i++)
        if (strstr(d->items[i].message, what))
            n++;
    return n;
}

/* An admin's save is checked like the file it replaces: its text is
 * capped at 1 MiB as the file is (docs/procedure-format.md: "Every file
 * ... is capped at 1 MiB"), exactly 1 MiB passing. */
Test(library, an_edit_is_capped_like_a_file)
{
    char dir[32], p[96];
    struct library lib;
    struct library_edit e = {0};
    char *text = malloc(PROCEDURE_FILE_MAX + 1);

    cr_assert_not_null(text);
    lib_tmp(dir);
    snprintf(p, sizeof p, "%s/cat", dir);
    cr_assert_eq(mkdir(p, 0700), 0);
    lib_put(dir, "cat/README.md", "# 分类\n\n说明。\n");
    /* a valid README padded with blank lines to the size wanted */
    memset(text, '\n', PROCEDURE_FILE_MAX + 1);
    memcpy(text, "# T\n\nd\n", 8);
    e.rel = "cat/README.md";
    e.text = text;

    e.len = PROCEDURE_FILE_MAX + 1;
    cr_assert_eq(library_scan_edit(dir, 20260301, NULL, &e, &lib), 0);
    cr_assert_eq(lib_count(&lib.diags, "文件太大"), 1);
    library_free(&lib);

    e.len = PROCEDURE_FILE_MAX;
    cr_assert_eq(library_scan_edit(dir, 20260301, NULL, &e, &lib), 0);
    cr_assert_eq(lib_count(&lib.diags, "文件太大"), 0);
    library_free(&lib);
    free(text);
    lib_rm(dir);
}

/* --- pinned by a mutation review of the scan (library.c) --- */

static const char lib_proc_text[] = "# 事项\n\n说明。\n\n## 第一步：准备\n- [ ] 身份证\n";

/* A chain whose second stage names the post civil (line 9). */
static const char lib_chain_text[] =
    "# 审核\n\n说明。\n\n## 办理流程\n\n```chain\naccept | 社区受理 | window | 1\n"
    "approve | 审批 | civil | 15\n```\n\n## 第一步：准备\n- [ ] 身份证\n";

static void lib_mkdir(const char *dir, const char *rel)
{
    char p[256];

    snprintf(p, sizeof p, "%s/%s", dir, rel);
    cr_assert_eq(mkdir(p, 0700), 0, "%s", p);
}

static long lib_find(const struct library *lib, const char *rel)
{
    size_t i;

    for (i = 0; i < lib->n_files; i++)
        if (strcmp(lib->files[i].rel, rel) == 0)
            return (long)i;
    return -1;
}

/* While _directory.md has an error its last good offices stay live, so a
 * link is checked against those (library.h, library_reuse), not against
 * what of the broken text parsed: an office only the broken text has is
 * an error of the linking file, which then does not go live. */
Test(library, links_are_checked_against_the_live_offices_while_the_directory_has_errors)
{
    char dir[32], *live[] = {"a"};
    struct library lib;
    struct library_reuse ru;
    long f;

    lib_tmp(dir);
    lib_mkdir(dir, "cat");
    /* b parses, but the file has an error (b twice) */
    lib_put(dir, "_directory.md", "# 地点\n\n## 甲 {#a}\n- 地址：1 号\n\n## 乙 {#b}\n- 地址：2 号\n\n"
                                  "## 乙二 {#b}\n- 地址：3 号\n");
    lib_put(dir, "cat/p.md", "# 事项\n\n请到[乙](../_directory.md#b)。\n\n## 第一步：准备\n- [ ] 身份证\n");
    memset(&ru, 0, sizeof ru);
    ru.directory_hash = "the live text's hash";
    ru.offices = live;
    ru.n_offices = 1;
    cr_assert_eq(library_scan(dir, 20260301, &ru, &lib), 0);
    cr_assert(lib.has_directory && !lib.directory_ok);
    cr_assert_eq(lib_count(&lib.diags, "不在居民现在看到的"), 1);
    cr_assert_geq(f = lib_find(&lib, "cat/p.md"), 0);
    cr_assert_eq(lib.files[f].status, LIB_FAILED);
    library_free(&lib);
    lib_rm(dir);
}

/* The triage's link to an office only the broken directory has says so as
 * a procedure's does: "在 _directory.md 里找不到" sent the admin to a file
 * that does have the office. */
Test(library, a_triage_link_to_an_office_not_live_says_the_directory_has_errors)
{
    char dir[32], *live[] = {"a"};
    struct library lib;
    struct library_reuse ru;
    size_t i, n = 0;

    lib_tmp(dir);
    lib_mkdir(dir, "cat");
    lib_put(dir, "_directory.md", "# 地点\n\n## 甲 {#a}\n- 地址：1 号\n\n## 乙 {#b}\n- 地址：2 号\n\n"
                                  "## 乙二 {#b}\n- 地址：3 号\n");
    lib_put(dir, "cat/README.md", "# 类\n\n说明\n");
    lib_put(dir, "cat/p.md", "# 事项\n\n简介。\n\n## 第一步：准备\n- [ ] 身份证\n");
    lib_put(dir, "_triage.md", "# 问\n\n## 办什么？ {#start}\n- [事项](cat/p.md)\n"
                               "- [乙](_directory.md#b)\n");
    memset(&ru, 0, sizeof ru);
    ru.directory_hash = "the live text's hash";
    ru.offices = live;
    ru.n_offices = 1;
    cr_assert_eq(library_scan(dir, 20260301, &ru, &lib), 0);
    for (i = 0; i < lib.diags.n; i++)
        if (strstr(lib.diags.items[i].file, "_triage.md")) {
            cr_assert_eq(lib.diags.items[i].line, 5);
            cr_assert(strstr(lib.diags.items[i].message, "链接的办事地点 b 不在居民现在看到的 _directory.md 里"),
                      "%s", lib.diags.items[i].message);
            n++;
        }
    cr_assert_eq(n, 1);
    library_free(&lib);
    /* with no live directory known, the text on disk is what counts */
    cr_assert_eq(library_scan(dir, 20260301, NULL, &lib), 0);
    for (i = 0; i < lib.diags.n; i++)
        cr_assert_null(strstr(lib.diags.items[i].file, "_triage.md"), "%s", lib.diags.items[i].message);
    library_free(&lib);
    lib_rm(dir);
}

/* While _posts.md has errors its last good text stays live (library.h,
 * library_reuse.posts_live): a chain is checked against that, and the
 * broken text is not offered to the store as the new live one. */
Test(library, chains_are_checked_against_the_live_posts_while_posts_has_errors)
{
    char dir[32];
    struct library lib;
    struct library_reuse ru;

    lib_tmp(dir);
    lib_mkdir(dir, "cat");
    /* civil parses, but the file has an error (civil twice) */
    lib_put(dir, "_posts.md", "# 岗位\n\n- window 综合窗口\n- civil 民政专干\n- civil 又一个\n");
    lib_put(dir, "cat/c.md", lib_chain_text);
    memset(&ru, 0, sizeof ru);
    ru.posts_live = "# 岗位\n\n- window 综合窗口\n";
    cr_assert_eq(library_scan(dir, 20260301, &ru, &lib), 0);
    cr_assert(lib.has_posts && !lib.posts_ok);
    cr_assert_null(lib.posts_text);
    /* civil is in the file on disk: the message says why it does not count */
    cr_assert_eq(lib_count(&lib.diags, "岗位 civil 不在现在生效的 _posts.md 里（那个文件这次的修改有错误"), 1);
    cr_assert_eq(lib_count(&lib.diags, "岗位 civil 在 _posts.md 里找不到"), 0);
    library_free(&lib);
    /* the same tree with no live text known: the broken text's posts */
    cr_assert_eq(library_scan(dir, 20260301, NULL, &lib), 0);
    cr_assert_eq(lib_count(&lib.diags, "岗位 civil 在 _posts.md 里找不到"), 0);
    library_free(&lib);
    lib_rm(dir);
}

/* A good _posts.md's text is what the store keeps as the live one. */
Test(library, a_good_posts_file_is_offered_as_the_live_text)
{
    char dir[32];
    struct library lib;

    lib_tmp(dir);
    lib_put(dir, "_posts.md", "# 岗位\n\n- window 综合窗口\n");
    cr_assert_eq(library_scan(dir, 20260301, NULL, &lib), 0);
    cr_assert(lib.posts_ok);
    cr_assert_str_eq(lib.posts_text, "# 岗位\n\n- window 综合窗口\n");
    library_free(&lib);
    lib_rm(dir);
}

/* A procedure with no chain has the implicit stage `handle ... window`
 * (procedure-format.md, "The review chain"): the format's, not a line the
 * author wrote, so a _posts.md without window is no error of the file. */
Test(library, the_implicit_window_stage_is_not_checked_against_posts)
{
    char dir[32];
    struct library lib;
    long f;

    lib_tmp(dir);
    lib_mkdir(dir, "cat");
    lib_put(dir, "_posts.md", "# 岗位\n\n- civil 民政专干\n");
    lib_put(dir, "cat/p.md", lib_proc_text);
    cr_assert_eq(library_scan(dir, 20260301, NULL, &lib), 0);
    cr_assert_eq(lib.diags.errors, 0);
    cr_assert_geq(f = lib_find(&lib, "cat/p.md"), 0);
    cr_assert_eq(lib.files[f].status, LIB_PARSED);
    library_free(&lib);
    lib_rm(dir);
}

/* A _directory.md that exists but cannot be read is an error, not taken
 * for a missing (optional) file. */
Test(library, an_unreadable_directory_file_is_an_error)
{
    char dir[32];
    struct library lib;

    lib_tmp(dir);
    /* a folder named _directory.md: open succeeds, reading it does not */
    lib_mkdir(dir, "_directory.md");
    cr_assert_eq(library_scan(dir, 20260301, NULL, &lib), 0);
    cr_assert(lib.has_directory);
    cr_assert_eq(lib_count(&lib.diags, "无法读取办事地点文件"), 1);
    library_free(&lib);
    lib_rm(dir);
}

/* An admin's new file in category "ab" is no file of category "a", whose
 * name is a prefix of it. */
Test(library, a_new_file_goes_to_its_own_category_only)
{
    char dir[32];
    struct library lib;
    struct library_edit e;
    long f;

    lib_tmp(dir);
    lib_mkdir(dir, "a");
    lib_mkdir(dir, "ab");
    lib_put(dir, "a/README.md", "# 甲\n\n说明。\n");
    lib_put(dir, "ab/README.md", "# 乙\n\n说明。\n");
    e.rel = "ab/x.md";
    e.text = lib_proc_text;
    e.len = strlen(lib_proc_text);
    e.gone = false;
    cr_assert_eq(library_scan_edit(dir, 20260301, NULL, &e, &lib), 0);
    cr_assert_eq(lib.diags.n, 0);
    cr_assert_eq(lib.n_files, 1);
    cr_assert_geq(f = lib_find(&lib, "ab/x.md"), 0);
    cr_assert_eq(lib.files[f].status, LIB_PARSED);
    library_free(&lib);
    lib_rm(dir);
}

/* A retirement's check (admin_retire_check): the tree scanned as if the
 * file were deleted, the other files of its folder read as ever. */
Test(library, a_file_marked_gone_is_left_out)
{
    char dir[32];
    struct library lib;
    struct library_edit e = {"a/x.md", NULL, 0, true};

    lib_tmp(dir);
    lib_mkdir(dir, "a");
    lib_put(dir, "a/README.md", "# 甲\n\n说明。\n");
    lib_put(dir, "a/x.md", lib_proc_text);
    lib_put(dir, "a/y.md", lib_proc_text);
    cr_assert_eq(library_scan_edit(dir, 20260301, NULL, &e, &lib), 0);
    cr_assert_eq(lib.n_files, 1);
    cr_assert_eq(lib_find(&lib, "a/x.md"), -1);
    cr_assert_geq(lib_find(&lib, "a/y.md"), 0);
    library_free(&lib);
    lib_rm(dir);
}

/* A category folder over the 10000-entry cap loads its first names, and
 * says it was listed in part (lib_category.unlisted): the files past the
 * cap are not gone, so what was live of them stays. */
Test(library, a_folder_over_the_cap_is_marked_listed_in_part)
{
    char dir[32], rel[64];
    struct library lib;
    int i;

    lib_tmp(dir);
    lib_mkdir(dir, "big");
    lib_mkdir(dir, "small");
    lib_put(dir, "small/p.md", lib_proc_text);
    /* non-.md names count against the cap but are never parsed */
    for (i = 0; i <= LIBRARY_MAX_FILES; i++) {
        snprintf(rel, sizeof rel, "big/n%05d.txt", i);
        lib_put(dir, rel, "");
    }
    cr_assert_eq(library_scan(dir, 20260301, NULL, &lib), 0);
    cr_assert_eq(lib.n_cats, 2);
    cr_assert_str_eq(lib.cats[0].id, "big");
    cr_assert(lib.cats[0].unlisted);
    cr_assert_not(lib.cats[1].unlisted);
    cr_assert_eq(lib_count(&lib.diags, "其余 1 个没有读取"), 1);
    library_free(&lib);
    lib_rm(dir);
}
