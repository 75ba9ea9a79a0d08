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

/* after, as the step left the case, against a fresh read: the same step,
 * applicable and done steps. */
static void assert_as_read(const struct case_state *after, const char *id)
{
    struct case_state cs;
    struct refusal e;
    size_t j;

    cr_assert_eq(cases_load(t.db, id, &cs, &e), 0);
    cr_expect_eq(after->step, cs.step);
    cr_assert_eq(after->model->n_steps, cs.model->n_steps);
    for (j = 0; j < cs.model->n_steps; j++) {
        cr_expect_eq(after->applicable[j], cs.applicable[j], "applicable[%zu]", j);
        cr_expect_eq(after->done[j], cs.done[j], "done[%zu]", j);
    }
    cases_state_free(&cs);
}

/* A step's answer is drawn from the state its transaction read (no third
 * load of the case, issue #13 item 2) only when nothing was dropped; when
 * a changed answer drops a done step, the caller is told to read again. */
Test(cases, a_step_hands_back_the_case_it_left_unless_it_dropped_answers, .init = setup,
     .fini = teardown)
{
    char id[CASE_ID_LEN + 1];
    struct case_state after;

    casedb_case(&t, "test", id);
    casedb_confirm(&t, id);
    casedb_step_after(&t, id, 0, "{\"checklist\":{\"s0-0\":true}}", &after);
    cr_assert_not_null(after.model, "nothing dropped: the state is handed back");
    cr_expect_eq(after.step, 1);
    assert_as_read(&after, id);
    cases_state_free(&after);

    casedb_step_after(&t, id, 1, "{\"fields\":{\"name\":\"张晓梅\",\"proxy\":true}}", &after);
    cr_assert_not_null(after.model);
    cr_expect(after.applicable[2], "proxy=yes: step 2 applies");
    assert_as_read(&after, id);
    cases_state_free(&after);
    casedb_step(&t, id, 2, "{\"checklist\":{\"s2-0\":true}}");

    /* proxy=no: the done step 2 and its tick are dropped */
    casedb_step_after(&t, id, 1, "{\"fields\":{\"name\":\"张晓梅\",\"proxy\":false}}", &after);
    cr_expect_null(after.model, "answers were dropped: read the case again");
    cases_state_free(&after);
    cr_expect_eq(casedb_int(&t, "SELECT count(*) FROM case_steps WHERE case_id = '%s' AND step = 2", id),
                 0);
    cr_expect_eq(casedb_int(&t, "SELECT count(*) FROM case_checklist WHERE case_id = '%s'", id), 1,
                 "s0-0 stays, s2-0 is gone");
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
