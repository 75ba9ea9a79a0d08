/* Unit tests of library's helpers: date arithmetic for review reminders,
 * the capped file reader, the content hash. */
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
    struct library_edit e;
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
