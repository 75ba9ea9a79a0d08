/* Unit tests for idmask: ID numbers in a resident's free text masked for
 * the resident's side and put back when the text comes back edited. The
 * numbers are the national standard's example and two of Nanjing's made
 * to end alike (002X). */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "idmask.h"

#define GB_EXAMPLE "11010519491231002X"
#define NJ_A "32010219800102002X"
#define NJ_B "32010219800110002X"

/* Asserts that text, sent back for v, gives want (NULL: v shows no mask,
 * the text is taken as typed) with 0. */
static void expect_restored(const char *v, const char *text, const char *want)
{
    char *out = (char *)1;
    int rc = idmask_text_restore(v, text, &out);

    cr_assert_eq(rc, 0, "「%s」 for 「%s」: %d", text, v, rc);
    if (!want) {
        cr_assert_null(out);
        return;
    }
    cr_assert_not_null(out);
    cr_assert_str_eq(out, want);
    free(out);
}

/* Asserts that text, sent back for v, must be typed in full (1). */
static void expect_typed_in_full(const char *v, const char *text)
{
    char *out = (char *)1;

    cr_assert_eq(idmask_text_restore(v, text, &out), 1, "「%s」 for 「%s」", text, v);
    cr_assert_null(out);
}

/* Asserts that v is shown as want. */
static void expect_shown(const char *v, const char *want)
{
    char *shown = idmask_text_hide(v);

    cr_assert_not_null(shown);
    cr_assert_str_eq(shown, want);
    free(shown);
}

Test(idmask, hides_a_number_to_its_last_four)
{
    expect_shown(GB_EXAMPLE "01", "**************002X01");
    expect_shown("持证人 110105 19491231 002X", "持证人 ****** ******** 002X");
    expect_shown("电话 13812345678", "电话 13812345678");
    /* a check character that does not match is no ID number */
    expect_shown("110105194912310021", "110105194912310021");
}

Test(idmask, the_text_as_shown_is_the_value)
{
    expect_restored("证号 " GB_EXAMPLE "01", "证号 **************002X01", "证号 " GB_EXAMPLE "01");
    expect_restored("电话 13812345678", "电话 13812345679", NULL);
}

Test(idmask, an_edit_around_a_mask_keeps_the_number)
{
    expect_restored("证号 " GB_EXAMPLE, "证号 **************002X，电话 13812345678",
                    "证号 " GB_EXAMPLE "，电话 13812345678");
}

Test(idmask, a_mask_edited_itself_is_typed_in_full)
{
    expect_typed_in_full("证号 " GB_EXAMPLE, "证号 **************0021");
}

/* Two people's numbers with the same last four were masked alike, and
 * every copy of that mask was put back as the first: an edit around them
 * stored the holder's number in place of the guardian's. */
Test(idmask, two_numbers_masked_alike_come_back_in_order)
{
    const char *v = "本人 " NJ_A "，监护人 " NJ_B;

    expect_shown(v, "本人 **************002X，监护人 **************002X");
    expect_restored(v, "本人 **************002X，监护人 **************002X（父亲）",
                    "本人 " NJ_A "，监护人 " NJ_B "（父亲）");
}

Test(idmask, two_numbers_masked_alike_one_deleted_is_typed_in_full)
{
    const char *v = "本人 " NJ_A "，监护人 " NJ_B;

    expect_typed_in_full(v, "监护人 **************002X");
    expect_typed_in_full(v, "**************002X **************002X **************002X");
}

Test(idmask, one_number_twice_comes_back_wherever_its_mask_is)
{
    const char *v = NJ_A " 同 " NJ_A;

    expect_restored(v, "**************002X", NJ_A);
    expect_restored(v, "**************002X 与 **************002X 一致",
                    NJ_A " 与 " NJ_A " 一致");
}

/* Masks alike with another between them (A, the example, B): sorted by
 * length and place alone, the other parted the two, and the first put back
 * every copy of its mask as its own number (found by fuzz_idmask). */
Test(idmask, masks_alike_parted_by_another_come_back_in_order)
{
    const char *v = NJ_A "、" GB_EXAMPLE "0、" NJ_B;

    expect_restored(v, "**************002X、**************002X0、**************002X。",
                    NJ_A "、" GB_EXAMPLE "0、" NJ_B "。");
}
