/* Unit tests of src/cases.c's start of a case under --open-cases-max: the
 * count is taken inside the start's own write transaction, so starts that
 * raced past the HTTP layer's early read still cannot pass the cap (a
 * review made 9 cases under a cap of 3 with 40 starts on 8 workers). */
#include <criterion/criterion.h>

#include "casedb.h"

static struct casedb t;

static void setup(void)
{
    casedb_open(&t);
}

static void teardown(void)
{
    casedb_close(&t);
}

static int start_from(long long open_max, bool outside, char id[CASE_ID_LEN + 1])
{
    struct catalog *c = catalog_acquire();
    const struct catalog_proc *p;
    struct refusal e;
    int r;

    cr_assert_not_null(c);
    p = catalog_find(c, "simple");
    cr_assert_not_null(p);
    r = cases_create(t.db, p->id, p->hash, "kiosk", NULL, open_max, outside, id, &e);
    catalog_release(c);
    return r;
}

static int start(long long open_max, char id[CASE_ID_LEN + 1])
{
    return start_from(open_max, false, id);
}

Test(cases, a_start_at_the_cap_is_refused_and_makes_nothing, .init = setup, .fini = teardown)
{
    char id[CASE_ID_LEN + 1];
    long long n = -1;

    cr_assert_eq(start(2, id), 0);
    cr_assert_eq(start(2, id), 0);
    cr_assert_eq(start(2, id), 2, "the third start under a cap of 2");
    cr_assert_eq(cases_open_count(t.db, false, &n), 0);
    cr_expect_eq(n, 2, "nothing made by the refused start: %lld", n);
    cr_assert_eq(start(0, id), 0, "0 is no cap (a staffer's start at the window)");
    cr_assert_eq(start(3, id), 2, "three open now: a cap of 3 is reached");
}

/* Cases held open from outside the hall's network fill their own cap, not
 * the kiosks' (a review filled the one cap from one address). */
Test(cases, each_side_of_the_hall_network_has_its_own_cap, .init = setup, .fini = teardown)
{
    char id[CASE_ID_LEN + 1];
    long long n = -1;

    cr_assert_eq(start_from(2, true, id), 0);
    cr_assert_eq(start_from(2, true, id), 0);
    cr_assert_eq(start_from(2, true, id), 2, "outside's cap of 2 reached");
    cr_assert_eq(start_from(2, false, id), 0, "the hall's kiosks still start cases");
    cr_assert_eq(start_from(2, false, id), 0);
    cr_assert_eq(start_from(2, false, id), 2, "and the hall's own cap holds");
    cr_assert_eq(cases_open_count(t.db, true, &n), 0);
    cr_expect_eq(n, 2);
    cr_assert_eq(cases_open_count(t.db, false, &n), 0);
    cr_expect_eq(n, 2);
}
