/* Unit tests of src/diag.c: the caps that keep one broken file from
 * flooding the admin's list (per file, per list, each at its exact
 * limit, errors still counted), the order the list is shown in, and the
 * FILE:LINE lines as `spkiosk check` prints them. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static const char cut_off[] = "这个文件的问题太多，后面的没有列出；请先改正上面这些";

Test(diag, a_file_may_have_exactly_the_cap)
{
    struct diag_list l = DIAG_LIST_INIT;
    int i;

    for (i = 1; i <= DIAG_MAX_PER_FILE; i++)
        cr_assert_eq(diag_error(&l, "a.md", i, "e%d", i), 0);
    cr_expect_eq(l.n, DIAG_MAX_PER_FILE);
    cr_expect_str_eq(l.items[l.n - 1].message, "e100");
    cr_expect_eq(l.errors, DIAG_MAX_PER_FILE);
    diag_list_free(&l);
}

/* Past the cap one last error says the rest are not listed; the errors
 * not listed still count (the cut-off line is an error of its own), and
 * the next file is listed again. */
Test(diag, a_file_past_the_cap_is_cut_off_with_one_error)
{
    struct diag_list l = DIAG_LIST_INIT;
    int i;

    for (i = 1; i <= DIAG_MAX_PER_FILE + 50; i++)
        cr_assert_eq(diag_warn(&l, "a.md", i, "w%d", i), 0);
    cr_expect_eq(l.n, DIAG_MAX_PER_FILE + 1);
    cr_expect_str_eq(l.items[DIAG_MAX_PER_FILE].message, cut_off);
    cr_expect_eq(l.items[DIAG_MAX_PER_FILE].severity, DIAG_ERROR);
    cr_expect_eq(l.errors, 1, "warnings are not errors; the cut-off is");
    cr_assert_eq(diag_error(&l, "b.md", 1, "next"), 0);
    cr_expect_eq(l.n, DIAG_MAX_PER_FILE + 2);
    cr_expect_str_eq(l.items[l.n - 1].message, "next");
    cr_expect_eq(l.errors, 2);
    diag_list_free(&l);
}

/* A file's run goes on across a move: the loader gathers a file's
 * problems in a list of its own and moves them into the whole list, and
 * more of the same file after that are still past its cap. */
Test(diag, a_run_continues_after_a_move)
{
    struct diag_list l = DIAG_LIST_INIT, one = DIAG_LIST_INIT;
    int i;

    for (i = 1; i <= DIAG_MAX_PER_FILE; i++)
        cr_assert_eq(diag_error(&one, "a.md", i, "e%d", i), 0);
    cr_assert_eq(diag_list_move(&l, &one), 0);
    cr_assert_eq(diag_error(&l, "a.md", 101, "e101"), 0);
    cr_expect_eq(l.n, DIAG_MAX_PER_FILE + 1);
    cr_expect_str_eq(l.items[DIAG_MAX_PER_FILE].message, cut_off);
    diag_list_free(&l);
}

/* The whole list stops at DIAG_MAX_PER_LIST entries, says so when
 * printed, and counts what it did not keep. */
Test(diag, a_list_stops_at_its_cap_and_says_so)
{
    struct diag_list l = DIAG_LIST_INIT, all = DIAG_LIST_INIT;
    char file[32], *text = NULL;
    size_t size = 0;
    FILE *out;
    int i;

    for (i = 0; i < DIAG_MAX_PER_LIST; i++) {
        snprintf(file, sizeof file, "f%d.md", i / 50);
        cr_assert_eq(diag_error(&l, file, i % 50 + 1, "e"), 0);
    }
    cr_expect_eq(l.n, DIAG_MAX_PER_LIST);
    cr_expect_not(l.truncated, "full, not past it");
    cr_assert_eq(diag_error(&l, "z.md", 1, "one more"), 0);
    cr_expect_eq(l.n, DIAG_MAX_PER_LIST);
    cr_expect(l.truncated);
    cr_expect_eq(l.errors, DIAG_MAX_PER_LIST + 1);
    /* `spkiosk check` moves each file's list into the one it prints */
    cr_assert_eq(diag_list_move(&all, &l), 0);
    cr_expect(all.truncated);
    cr_assert(out = open_memstream(&text, &size));
    diag_list_print(&all, out);
    fclose(out);
    cr_expect(strstr(text, "（问题太多，只列出了前 10000 条）\n") != NULL);
    free(text);
    diag_list_free(&all);
}

/* By file, then line, equal ones in the order they came; a warning says
 * so and an error does not. */
Test(diag, sorted_by_file_and_line_and_printed_as_file_line)
{
    struct diag_list l = DIAG_LIST_INIT, m = DIAG_LIST_INIT;
    char *text = NULL;
    size_t size = 0;
    FILE *out;

    diag_error(&l, "b.md", 2, "b2");
    diag_warn(&l, "a.md", 9, "a9");
    diag_error(&m, "a.md", 3, "a3 first");
    diag_error(&m, "a.md", 3, "a3 second");
    cr_assert_eq(diag_list_move(&l, &m), 0);
    cr_expect_eq(m.n, 0);
    cr_expect_eq(l.errors, 3);
    diag_list_sort(&l);
    cr_assert(out = open_memstream(&text, &size));
    diag_list_print(&l, out);
    fclose(out);
    cr_expect_str_eq(text, "a.md:3: a3 first\na.md:3: a3 second\na.md:9: warning: a9\nb.md:2: b2\n");
    cr_expect_eq(diag_list_count(&l, "a.md", DIAG_ERROR), 2);
    cr_expect_eq(diag_list_count(&l, "a.md", DIAG_WARNING), 1);
    free(text);
    diag_list_free(&l);
}
