/* Unit tests of the window's evaluator (src/rate.c) and of the offer the
 * window's completion writes for it (src/window.c): an offer written with
 * the completion at a named window only, replaced by the window's next one,
 * stale after RATE_OFFER_SECONDS for reading and for rating; a token that
 * rates its case once with its reasons stored as codes; the rating's
 * checks (cases_rate_check); the hold list woken after the commits that
 * change what an evaluator shows; the window's key, without which the
 * evaluator is told nothing, and its renewal and removal. */
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

/* every window the tests read, with its key */
static const char *const windows[] = {"3", "4", "5", "6", "A2"};
static char keys[5][RATE_KEY_LEN + 1];

static const char *key_of(const char *window)
{
    size_t i;

    for (i = 0; i < sizeof windows / sizeof windows[0]; i++)
        if (strcmp(windows[i], window) == 0)
            return keys[i];
    cr_assert_fail("no key made for window %s", window);
    return NULL;
}

static void setup(void)
{
    char at[CLOCK_UTC_LEN];
    struct refusal e;
    size_t i;

    casedb_open(&t);
    cr_assert_not_null(wakes = hold_new(4, nothing_held, nothing_held));
    rate_set_hold(wakes);
    for (i = 0; i < sizeof windows / sizeof windows[0]; i++)
        cr_assert_eq(rate_key_make(t.db, windows[i], "admin", keys[i], at, &e), 0);
    base = hold_generation(wakes);
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

    cr_assert_eq(rate_read(t.db, window, key_of(window), &v), 0);
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

/* The evaluator's answer to key at window: 0 shown, 1 refused. */
static int read_with(const char *window, const char *key)
{
    struct rate_view v;
    int r = rate_read(t.db, window, key, &v);

    cr_assert_neq(r, -1);
    cr_assert((r == 0) == (v.json != NULL));
    free(v.json);
    return r;
}

Test(rate, only_the_windows_own_key_reads_its_offer)
{
    char id[CASE_ID_LEN + 1], bad[RATE_KEY_LEN + 1], at[CLOCK_UTC_LEN], fresh[RATE_KEY_LEN + 1],
        buf[256];
    struct refusal e;

    accepted(id);
    cr_assert_eq(relay_complete(t.db, id, "wang", "已办结", "3", NULL, clock_today(), &e), 0);
    cr_assert_eq(read_with("3", key_of("3")), 0);
    cr_assert_eq(read_with("3", NULL), 1, "no key: nothing");
    cr_assert_eq(read_with("3", ""), 1);
    cr_assert_eq(read_with("3", key_of("4")), 1, "another window's key: nothing");
    snprintf(bad, sizeof bad, "%s", key_of("3"));
    bad[RATE_KEY_LEN - 1] = bad[RATE_KEY_LEN - 1] == '0' ? '1' : '0';
    cr_assert_eq(read_with("3", bad), 1, "one digit off: nothing");
    cr_assert_eq(read_with("9", key_of("3")), 1, "a window with no key: nothing");
    {
        /* hex in capitals (typed by hand, caps lock): the same key */
        char upper[RATE_KEY_LEN + 1];
        size_t i;

        snprintf(upper, sizeof upper, "%s", key_of("3"));
        for (i = 0; i < RATE_KEY_LEN; i++)
            upper[i] = upper[i] >= 'a' && upper[i] <= 'f' ? (char)(upper[i] - 'a' + 'A') : upper[i];
        cr_assert_str_neq(upper, key_of("3"));
        cr_assert_eq(read_with("3", upper), 0, "the key in capitals reads");
        cr_assert_eq(read_with("4", upper), 1, "still not another window's");
    }
    {
        char longer[RATE_KEY_LEN + 2];

        snprintf(longer, sizeof longer, "%s0", key_of("3"));
        cr_assert_eq(read_with("3", longer), 1, "the key and more: nothing");
    }

    /* a new key ends the old one, and the held tablets are woken to hear it */
    cr_assert_eq(rate_key_make(t.db, "3", "admin2", fresh, at, &e), 0);
    cr_assert_eq(changes(), 2, "the completion, then the new key");
    cr_assert_str_neq(fresh, key_of("3"));
    cr_assert_eq(read_with("3", key_of("3")), 1);
    cr_assert_eq(read_with("3", fresh), 0);
    cr_assert_str_eq(casedb_text(&t, buf, "SELECT made_by FROM rate_keys WHERE window = '3'"), "admin2");

    cr_assert_eq(rate_key_remove(t.db, "3", &e), 0);
    cr_assert_eq(changes(), 3);
    cr_assert_eq(read_with("3", fresh), 1, "removed: nothing");
    cr_assert_eq(rate_key_remove(t.db, "3", &e), 1);
    cr_assert_str_eq(e.code, "unknown_window");
    cr_assert_eq(changes(), 3, "nothing removed, nobody woken");
}

Test(rate, keys_are_listed_numbers_first_and_bounded)
{
    char key[RATE_KEY_LEN + 1], at[CLOCK_UTC_LEN], name[16], *json;
    struct refusal e;
    cJSON *doc, *list;
    int i;

    cr_assert_eq(rate_key_make(t.db, "10", "admin", key, at, &e), 0);
    cr_assert_not_null(json = rate_key_list(t.db));
    cr_assert_not_null(doc = cJSON_Parse(json));
    free(json);
    list = cJSON_GetObjectItem(doc, "keys");
    cr_assert_eq(cJSON_GetArraySize(list), 6);
    {
        static const char *const order[] = {"3", "4", "5", "6", "10", "A2"};

        for (i = 0; i < 6; i++)
            cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, i), "window")->valuestring,
                             order[i]);
    }
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 4), "key")->valuestring, key);
    cJSON_Delete(doc);

    /* 6 windows have keys; up to RATE_KEYS_MAX in all */
    for (i = 0; i < RATE_KEYS_MAX - 6; i++) {
        snprintf(name, sizeof name, "%d", 100 + i);
        cr_assert_eq(rate_key_make(t.db, name, "admin", key, at, &e), 0);
    }
    cr_assert_eq(rate_key_make(t.db, "B1", "admin", key, at, &e), 1);
    cr_assert_str_eq(e.code, "too_many_windows");
    cr_assert_eq(rate_key_make(t.db, "3", "admin", key, at, &e), 0, "a renewal at the cap is not one more");
}
