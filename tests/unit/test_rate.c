/* Unit tests of the window's evaluator (src/rate.c) and of the offer the
 * window's completion writes for it (src/window.c): an offer written with
 * the completion at a named window only, replaced by the window's next one,
 * stale after RATE_OFFER_SECONDS for reading and for rating; a token that
 * rates its case once with its reasons stored as codes; the rating's
 * checks (cases_rate_check); the hold list woken after the commits that
 * change what an evaluator shows. */
#include <criterion/criterion.h>

#include "casedb.h"
#include "clock.h"
#include "rate.h"
#include "relay.h"
#include "hold.h"

static struct casedb t;
/* the list rate_changed wakes: its generation counts the wakes since base */
static struct hold *wakes;
static uint64_t base;

static void nothing_held(void *item)
{
    (void)item;
}

static int changes(void)
{
    return (int)(hold_generation(wakes) - base);
}

static void setup(void)
{
    casedb_open(&t);
    cr_assert_not_null(wakes = hold_new(4, nothing_held, nothing_held));
    base = 0;
    rate_set_hold(wakes);
}

static void teardown(void)
{
    rate_set_hold(NULL);
    hold_free(wakes);
    casedb_close(&t);
}

TestSuite(rate, .init = setup, .fini = teardown);

/* A case handed in and accepted: its id in id. */
static void accepted(char id[CASE_ID_LEN + 1])
{
    struct refusal e;

    casedb_handed_in(&t, id, NULL);
    cr_assert_eq(window_accept(t.db, id, "wang", NULL, clock_today(), &e), 0);
}

/* The window's view, parsed; its token copied into token (or ""). */
static cJSON *offer(const char *window, char token[RATE_TOKEN_LEN + 1])
{
    struct rate_view v;
    const cJSON *o, *tk;
    cJSON *doc;

    cr_assert_eq(rate_read(t.db, window, &v), 0);
    cr_assert_not_null(doc = cJSON_Parse(v.json));
    free(v.json);
    o = cJSON_GetObjectItem(doc, "offer");
    tk = cJSON_GetObjectItem(o, "token");
    snprintf(token, RATE_TOKEN_LEN + 1, "%s", cJSON_IsString(tk) ? tk->valuestring : "");
    return doc;
}

Test(rate, completion_at_a_window_offers_and_the_token_rates_once)
{
    char id[CASE_ID_LEN + 1], token[RATE_TOKEN_LEN + 1], buf[256];
    struct refusal e;
    cJSON *doc;

    accepted(id);
    cr_assert_eq(relay_complete(t.db, id, "wang", "已办结", "3", NULL, clock_today(), &e), 0);
    cr_assert_eq(changes(), 1);
    doc = offer("3", token);
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "offer"), "title")->valuestring, "测试事项");
    {
        char *text = cJSON_PrintUnformatted(doc);
        cr_assert_null(strstr(text, id), "the case id is never shown");
        free(text);
    }
    cJSON_Delete(doc);
    cr_assert_eq(strlen(token), RATE_TOKEN_LEN);
    cJSON_Delete(offer("4", buf));
    cr_assert_str_eq(buf, "", "another window sees nothing");

    cr_assert_eq(rate_spend(t.db, token, 4, NULL, 1u, &e), 1);
    cr_assert_str_eq(e.code, "reasons_not_asked");
    cr_assert_eq(rate_spend(t.db, token, 2, "太慢", (1u << 0) | (1u << 4), &e), 0);
    cr_assert_eq(changes(), 2);
    cr_assert_str_eq(casedb_text(&t, buf, "SELECT reasons FROM ratings WHERE case_id = '%s'", id), "wait,other");
    cr_assert_eq(rate_spend(t.db, token, 5, NULL, 0, &e), 1);
    cr_assert_str_eq(e.code, "already_rated");
    cJSON_Delete(offer("3", buf));
    cr_assert_str_eq(buf, "", "a rated case is no longer offered");
}

Test(rate, no_window_no_offer_and_a_bad_window_changes_nothing)
{
    char id[CASE_ID_LEN + 1];
    struct refusal e;

    accepted(id);
    cr_assert_eq(relay_complete(t.db, id, "wang", "已办结", "3 号", NULL, clock_today(), &e), 1);
    cr_assert_str_eq(e.code, "bad_window");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM cases WHERE id = '%s' AND status = 'accepted'", id), 1);
    cr_assert_eq(relay_complete(t.db, id, "wang", "已办结", NULL, NULL, clock_today(), &e), 0);
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM rate_offers"), 0);
    cr_assert_eq(changes(), 0);
}

Test(rate, the_next_offer_replaces_and_a_stale_one_is_dead)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], ta[RATE_TOKEN_LEN + 1], tb[RATE_TOKEN_LEN + 1];
    struct refusal e;

    accepted(a);
    accepted(b);
    cr_assert_eq(relay_complete(t.db, a, "wang", "已办结", "A2", NULL, clock_today(), &e), 0);
    cJSON_Delete(offer("A2", ta));
    cr_assert_eq(relay_complete(t.db, b, "wang", "已办结", "a2", NULL, clock_today(), &e), 0);
    cJSON_Delete(offer("A2", tb));
    cr_assert_str_neq(ta, tb);
    cr_assert_eq(rate_spend(t.db, ta, 5, NULL, 0, &e), 1);
    cr_assert_str_eq(e.code, "unknown_offer");
    /* RATE_OFFER_SECONDS later */
    casedb_exec(&t, "UPDATE rate_offers SET at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-%d seconds')",
                RATE_OFFER_SECONDS + 1);
    cJSON_Delete(offer("A2", ta));
    cr_assert_str_eq(ta, "", "a stale offer is not shown");
    cr_assert_eq(rate_spend(t.db, tb, 5, NULL, 0, &e), 1);
    cr_assert_str_eq(e.code, "unknown_offer");
    cr_assert_eq(rate_spend(t.db, "not-a-token", 5, NULL, 0, &e), 1);
    cr_assert_str_eq(e.code, "unknown_offer");
}

Test(rate, checks_of_a_rating)
{
    struct refusal e;

    cr_assert_eq(cases_rate_check(0, NULL, 0, &e), 1);
    cr_assert_str_eq(e.code, "bad_score");
    cr_assert_eq(cases_rate_check(6, NULL, 0, &e), 1);
    cr_assert_eq(cases_rate_check(3, "好", 1u, &e), 1);
    cr_assert_str_eq(e.code, "reasons_not_asked");
    cr_assert_eq(cases_rate_check(1, "等了\x01", 0, &e), 1);
    cr_assert_str_eq(e.code, "bad_text");
    cr_assert_eq(cases_rate_check(1, "等了很久", 0x1f, &e), 0);
    cr_assert_eq(cases_rate_check(5, NULL, 0, &e), 0);
    cr_assert_eq(cases_rate_reason("materials"), 3);
    cr_assert_eq(cases_rate_reason("rude"), -1);
}

/* a call at the window shortens a fresh offer to its grace; it never
 * brings back one already dead (nor lengthens one shorter than that) */
Test(rate, a_call_does_not_revive_a_stale_offer)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], ta[RATE_TOKEN_LEN + 1], buf[RATE_TOKEN_LEN + 1];
    struct refusal e;
    char *tk = NULL;

    accepted(a);
    cr_assert_eq(relay_complete(t.db, a, "wang", "已办结", "5", NULL, clock_today(), &e), 0);
    cJSON_Delete(offer("5", ta));
    cr_assert_str_neq(ta, "");
    casedb_exec(&t, "UPDATE rate_offers SET at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-%d seconds')",
                RATE_OFFER_SECONDS + 1);
    casedb_case(&t, "test", b);
    casedb_walk(&t, b, 4);
    cr_assert_eq(window_submit(t.db, b, NULL, false, &tk, &e), 0);
    free(tk);
    cr_assert_eq(window_call(t.db, b, "wang", "5", &e), 0, "%s", e.code);
    cJSON_Delete(offer("5", buf));
    cr_assert_str_eq(buf, "", "the stale offer stays dead");
    cr_assert_eq(rate_spend(t.db, ta, 5, NULL, 0, &e), 1);
    cr_assert_str_eq(e.code, "unknown_offer");
}

/* A call wakes the window's tablet only when it shortened a fresh offer:
 * not again for the next call, whose offer is short already, and not at a
 * window with no offer, nor with only a stale one (each wake costs every
 * tablet of the window a poll). */
Test(rate, only_a_call_that_shortens_an_offer_wakes_the_tablet)
{
    char a[CASE_ID_LEN + 1], c[3][CASE_ID_LEN + 1], ta[RATE_TOKEN_LEN + 1];
    struct refusal e;
    char *tk = NULL;
    int i, n;

    for (i = 0; i < 3; i++) {
        casedb_case(&t, "test", c[i]);
        casedb_walk(&t, c[i], 4);
        cr_assert_eq(window_submit(t.db, c[i], NULL, false, &tk, &e), 0);
        free(tk);
        tk = NULL;
    }
    cr_assert_eq(window_call(t.db, c[0], "wang", "6", &e), 0, "%s", e.code);
    cr_assert_eq(changes(), 0, "no offer at window 6: no wake");
    accepted(a);
    cr_assert_eq(relay_complete(t.db, a, "wang", "已办结", "6", NULL, clock_today(), &e), 0);
    cJSON_Delete(offer("6", ta));
    cr_assert_str_neq(ta, "");
    n = changes();
    cr_assert_eq(window_call(t.db, c[1], "wang", "6", &e), 0, "%s", e.code);
    cr_assert_eq(changes(), n + 1, "the call shortened the offer: one wake");
    cr_assert_eq(window_call(t.db, c[2], "wang", "6", &e), 0, "%s", e.code);
    cr_assert_eq(changes(), n + 1, "the offer was short already: no wake");
    cJSON_Delete(offer("6", ta));
    cr_assert_str_neq(ta, "", "still offered for its grace");
}
