/* Unit tests of library's helpers: date arithmetic for review reminders,
 * the capped file reader, the content hash. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
