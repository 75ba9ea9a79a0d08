/* Unit tests of src/cases.c's start of a case under --open-cases-max: the
 * count is taken inside the start's own write transaction, so starts that
 * raced past the HTTP layer's early read still cannot pass the cap (a
 * review made 9 cases under a cap of 3 with 40 starts on 8 workers). */
#include <criterion/criterion.h>

#include "casedb.h"
#include "diag.h"
#include "procedure.h"

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

/* ---- cases_step_validate without a database ---- */

static const char STEPS_MD[] =
    "# 演示事项\n"
    "\n"
    "演示。\n"
    "\n"
    "## 办理条件\n"
    "- 本市户籍\n"
    "\n"
    "## 第一步：银行卡\n"
    "\n"
    "```form\n"
    "card | 银行卡号 | bank_card | required\n"
    "```\n"
    "\n"
    "## 第二步：确认\n"
    "\n"
    "```form\n"
    "card2 | 再次输入银行卡号 | bank_card | required same_as=card\n"
    "```\n";

#define STORED_CARD "6222021234567890"

/* Step n of a case of STEPS_MD whose step 0 has stored the card, answered
 * with key=text; *code gets the one refusal's code or NULL. Returns the
 * normalised value (caller frees) or NULL. */
static char *steps_answer(size_t n, const char *key, const char *text, const char **code)
{
    static const char hash[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct procedure_src src;
    struct procedure *model = NULL;
    struct diag_list d = DIAG_LIST_INIT;
    struct case_state cs;
    struct case_value v;
    struct case_input fin = {key, CASE_INPUT_TEXT, text};
    struct case_answers in = {&fin, 1, NULL, 0};
    struct case_rejection rej = {0};
    bool done[2] = {true, false}, applicable[2];
    char **norm = NULL, *out;

    memset(&src, 0, sizeof src);
    src.path = "demo/demo.md";
    src.id = "demo";
    src.category = "demo";
    src.text = STEPS_MD;
    src.len = strlen(STEPS_MD);
    src.hash = hash;
    cr_assert_eq(procedure_parse(&src, &model, &d), 0);
    diag_list_free(&d);
    memset(&cs, 0, sizeof cs);
    memset(&v, 0, sizeof v);
    strcpy(v.key, "card");
    v.step = 0;
    v.value = STORED_CARD;
    cs.model = model;
    cs.values = &v;
    cs.n_values = 1;
    cs.done = done;
    cs.applicable = applicable;
    cases_evaluate(&cs);
    cr_assert_eq(cases_step_validate(&cs, n, &in, 20250615, &norm, &rej), 0);
    cr_assert_leq(rej.n_fields, 1);
    *code = rej.n_fields ? rej.fields[0].code : NULL;
    out = norm[0] ? strdup(norm[0]) : NULL;
    cases_normalised_free(norm, model->steps[n].n_fields);
    cases_rejection_free(&rej);
    procedure_free(model);
    return out;
}

/* same_as may name a field of an earlier step: the case's stored value is
 * what the confirmation must equal. */
Test(cases_step_validate, same_as_a_field_of_an_earlier_step)
{
    const char *code;
    char *out;

    out = steps_answer(1, "card2", "6222 0212 3456 7890", &code);
    cr_assert_null(code, "%s", code);
    cr_assert_str_eq(out, STORED_CARD);
    free(out);
    out = steps_answer(1, "card2", "6222 0212 3456 7891", &code);
    cr_assert_null(out);
    cr_assert_str_eq(code, "not_same");
}

/* A bank card comes back to its step masked to its last four, as the
 * resident's case shows it: that echo stands for the stored number; the
 * mask of another number is checked as typed. */
Test(cases_step_validate, a_masked_bank_card_echo_is_the_stored_number)
{
    const char *code;
    char *out;

    out = steps_answer(0, "card", "************7890", &code);
    cr_assert_null(code, "%s", code);
    cr_assert_str_eq(out, STORED_CARD);
    free(out);
    out = steps_answer(0, "card", "************0000", &code);
    cr_assert_null(out);
    cr_assert_str_eq(code, "bank_card");
}
