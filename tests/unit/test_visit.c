/* Unit tests for visit's checks of a request (pure: today is passed in):
 * the date's bounds across a month and a year end, the two half-days, the
 * address's length in characters and text policy, and the phone judged as
 * a form's phone field judges it; every problem reported at once, in the
 * members' order. */
#include <criterion/criterion.h>

#include <string.h>

#include "visit.h"

static int check(const char *date, const char *slot, const char *address, const char *phone,
                 int today, struct visit_checked *out, struct visit_problems *p)
{
    struct visit_ask a = {date, slot, address, phone};

    return visit_check(&a, today, out, p);
}

Test(visit, a_good_request_is_normalised)
{
    struct visit_checked out;
    struct visit_problems p;

    cr_assert_eq(check(" 2026-12-08 ", "下午", "  幸福小区 3 栋 501 ", "+86 138-0013-8000", 20261202,
                       &out, &p), 0);
    cr_assert_eq(p.n, 0);
    cr_assert_str_eq(out.date, "2026-12-08");
    cr_assert_str_eq(out.slot, "下午");
    cr_assert_str_eq(out.address, "幸福小区 3 栋 501");
    cr_assert_str_eq(out.phone, "13800138000");
    cr_assert_eq(check("2026/12/02", "上午", "地", "0535 6221234", 20261202, &out, &p), 0);
    cr_assert_str_eq(out.date, "2026-12-02");
    cr_assert_str_eq(out.slot, "上午");
    cr_assert_str_eq(out.phone, "0535-6221234");
}

Test(visit, the_date_runs_from_today_to_thirty_days_ahead)
{
    struct visit_problem p;
    char out[11];

    cr_assert_eq(visit_check_date("2026-12-31", 20261231, out, &p), 0);
    /* across the year's end: Dec 31 + 30 days is Jan 30 */
    cr_assert_eq(visit_check_date("2027-01-30", 20261231, out, &p), 0);
    cr_assert_eq(visit_check_date("2027-01-31", 20261231, out, &p), 1);
    cr_assert_str_eq(p.code, "visit_date_too_far");
    cr_assert_str_eq(p.member, "date");
    /* February of a leap year: Feb 1 + 30 is Mar 2 */
    cr_assert_eq(visit_check_date("2028-03-02", 20280201, out, &p), 0);
    cr_assert_eq(visit_check_date("2028-03-03", 20280201, out, &p), 1);
    cr_assert_eq(visit_check_date("2026-12-30", 20261231, out, &p), 1);
    cr_assert_str_eq(p.code, "visit_date_past");
    cr_assert_eq(visit_check_date("2027-02-29", 20270201, out, &p), 1);
    cr_assert_str_eq(p.code, "visit_bad_date");
    cr_assert_eq(visit_check_date("明天", 20270201, out, &p), 1);
    cr_assert_str_eq(p.code, "visit_bad_date");
    cr_assert_eq(visit_check_date(NULL, 20270201, out, &p), 1);
    cr_assert_str_eq(p.code, "visit_date_required");
    cr_assert_eq(visit_check_date("  ", 20270201, out, &p), 1);
    cr_assert_str_eq(p.code, "visit_date_required");
}

Test(visit, every_problem_at_once_in_order)
{
    struct visit_checked out;
    struct visit_problems p;

    cr_assert_eq(check("2026-11-30", "晚上", "", "110", 20261202, &out, &p), 1);
    cr_assert_eq(p.n, 4);
    cr_assert_str_eq(p.v[0].code, "visit_date_past");
    cr_assert_str_eq(p.v[1].code, "visit_bad_slot");
    cr_assert_str_eq(p.v[2].code, "visit_address_required");
    cr_assert_str_eq(p.v[3].code, "visit_bad_phone");
    cr_assert_str_eq(p.v[3].member, "phone");
    cr_assert_eq(check("2026-12-03", NULL, NULL, NULL, 20261202, &out, &p), 1);
    cr_assert_eq(p.n, 3);
    cr_assert_str_eq(p.v[0].member, "slot");
    /* the slot is one of two words exactly */
    cr_assert_eq(check("2026-12-03", " 上午", "地", "13800138000", 20261202, &out, &p), 1);
    cr_assert_str_eq(p.v[0].code, "visit_bad_slot");
}

Test(visit, the_address_counts_characters_and_keeps_the_text_policy)
{
    char addr[VISIT_ADDRESS_MAX * 3 + 8];
    struct visit_checked out;
    struct visit_problems p;
    size_t i;

    for (i = 0; i < VISIT_ADDRESS_MAX; i++)
        memcpy(addr + i * 3, "地", 3);
    addr[VISIT_ADDRESS_MAX * 3] = '\0';
    cr_assert_eq(check("2026-12-03", "上午", addr, "13800138000", 20261202, &out, &p), 0);
    strcat(addr, "地");
    cr_assert_eq(check("2026-12-03", "上午", addr, "13800138000", 20261202, &out, &p), 1);
    cr_assert_str_eq(p.v[0].code, "visit_address_too_long");
    cr_assert_eq(check("2026-12-03", "上午", "幸福\xe2\x80\xae小区", "13800138000", 20261202, &out, &p), 1);
    cr_assert_str_eq(p.v[0].code, "visit_bad_text");
    cr_assert_eq(check("2026-12-03", "上午", "幸福\xff", "13800138000", 20261202, &out, &p), 1);
    cr_assert_str_eq(p.v[0].code, "visit_bad_text");
}
