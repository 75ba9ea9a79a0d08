/* bodies: the JSON bodies of the routes, with the inputs fuzz_bodies found
 * (issue #12, item 12). */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "bodies.h"

static cJSON *parse(const char *json)
{
    char *copy = strdup(json);
    cJSON *o = bodies_parse(copy, strlen(copy));

    free(copy);
    return o;
}

/* Found by fuzz_bodies (tests/fuzz/corpus/bodies/regress-practice-condition-huge):
 * a condition beyond int's range was cast to int, which is undefined
 * (UBSan: "1e+205 is outside the range of representable values"). */
Test(bodies, practice_condition_out_of_int_range_is_refused)
{
    const char *bad[] = {"{\"decision\":\"refuse\",\"condition\":1e205}",
                         "{\"decision\":\"refuse\",\"condition\":-4294967297}",
                         "{\"decision\":\"refuse\",\"condition\":1e999}",
                         "{\"decision\":\"refuse\",\"condition\":2147483648}",
                         "{\"decision\":\"refuse\",\"condition\":1.5}"};
    struct practice_answer a;
    const char **flags;
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *o = parse(bad[i]);
        cr_assert(o, "%s parses", bad[i]);
        cr_assert_eq(bodies_practice_answer(o, &a, &flags), 3, "%s: bad_condition", bad[i]);
        free(flags);
        cJSON_Delete(o);
    }
    {
        cJSON *o = parse("{\"decision\":\"refuse\",\"condition\":2}");
        cr_assert_eq(bodies_practice_answer(o, &a, &flags), 0);
        cr_assert_eq(a.condition, 2);
        free(flags);
        cJSON_Delete(o);
    }
}

Test(bodies, parse_refuses_what_is_not_an_object)
{
    char nul[] = "{\"a\":\"b\0\"}";
    cJSON *o;

    cr_assert_null(parse("[1]"));
    cr_assert_null(parse(""));
    cr_assert_null(bodies_parse(NULL, 0));
    cr_assert_null(bodies_parse(nul, sizeof nul - 1), "a raw NUL byte");
    o = parse("{\"a\":\"x\\u0000y\"}");
    cr_assert(o);
    cr_assert_str_eq(bodies_text(o, "a"), "x\001y", "\\u0000 is defused, not a string's end");
    cJSON_Delete(o);
}

/* Member names are matched as sent, as everywhere else in the bodies: a
 * "Hash" or "Result" is not the member the route reads. */
Test(bodies, text_member_names_are_case_sensitive)
{
    cJSON *o = parse("{\"Hash\":\"x\"}");

    cr_assert(o);
    cr_assert_null(bodies_text(o, "hash"));
    cJSON_Delete(o);
}

Test(bodies, prereview)
{
    static const struct {
        const char *json;
        bool ok, on;
    } cases[] = {
        {"{}", true, false},           {"{\"prereview\":null}", true, false},
        {"{\"prereview\":false}", true, false}, {"{\"prereview\":true}", true, true},
        {"{\"prereview\":\"yes\"}", false, false}, {"{\"prereview\":1}", false, false},
        {"{\"prereview\":[true]}", false, false},
    };
    size_t i;
    bool on;

    cr_assert(bodies_prereview(NULL, &on) && !on, "no body: a ticket");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *o = parse(cases[i].json);
        cr_assert(o);
        cr_assert_eq(bodies_prereview(o, &on), cases[i].ok, "%s", cases[i].json);
        cr_assert_eq(on, cases[i].on, "%s", cases[i].json);
        cJSON_Delete(o);
    }
}

Test(bodies, shapes)
{
    struct bodies_spreport sp;
    struct window_flags f;
    const char **names, *w;
    char num[24];
    size_t used = 0;
    cJSON *o = parse("{\"window\":12,\"hash\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
                     "\"step\":1e300,\"fields\":[\"a\",1,\"b\"]}");

    cr_assert(bodies_window(o, &w, num));
    cr_assert_str_eq(w, "12");
    cr_assert_str_eq(bodies_hash(o), "", "longer than any hash");
    cr_assert_eq(bodies_spreport(o, &sp), 0);
    cr_assert_eq(sp.step, -1);
    cr_assert_eq(bodies_flags(cJSON_GetObjectItemCaseSensitive(o, "fields"), &f, &names, &used), 0);
    cr_assert_eq(f.n, 1);
    cr_assert(f.bad_tail);
    free(names);
    cJSON_Delete(o);
}

/* A body of a million tiny values was parsed whole before being refused:
 * sixteen of 1 MiB held 140 MB (a review). Past BODIES_TOKENS_MAX brackets
 * and commas it is refused before cJSON builds anything (an object in an
 * array is two); those inside strings do not count. */
Test(bodies, a_body_of_too_many_values_is_refused_before_parsing)
{
    size_t n = BODIES_TOKENS_MAX / 2 + 10, i, len = 0;
    char *big = malloc(3 * n + 16), *text;
    cJSON *j;

    cr_assert_not_null(big);
    len += (size_t)sprintf(big, "{\"a\":[");
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(big + len, "%s{}", i ? "," : "");
    len += (size_t)sprintf(big + len, "]}");
    cr_assert_null(bodies_parse(big, len), "%zu values", n);
    /* the same count under the cap parses */
    len = (size_t)sprintf(big, "{\"a\":[");
    for (i = 0; i + 10 < BODIES_TOKENS_MAX / 2; i++)
        len += (size_t)sprintf(big + len, "%s{}", i ? "," : "");
    len += (size_t)sprintf(big + len, "]}");
    cr_assert_not_null(j = bodies_parse(big, len));
    cJSON_Delete(j);
    free(big);
    /* a long text full of commas is one value */
    cr_assert_not_null(text = malloc(3 * n + 16));
    len = (size_t)sprintf(text, "{\"comment\":\"");
    for (i = 0; i < n; i++)
        text[len++] = i % 2 ? ',' : '[';
    len += (size_t)sprintf(text + len, "\\\",\"}");
    cr_assert_not_null(j = bodies_parse(text, len));
    cr_assert_eq(strlen(cJSON_GetStringValue(cJSON_GetObjectItem(j, "comment"))), n + 2);
    cJSON_Delete(j);
    free(text);
}

/* {"key":[item,item,...]} with n items (a caller frees). */
static char *array_body(const char *key, size_t n, const char *item)
{
    size_t cap = strlen(key) + n * (strlen(item) + 1) + 16, len, i;
    char *s = malloc(cap);

    cr_assert_not_null(s);
    len = (size_t)sprintf(s, "{\"%s\":[", key);
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(s + len, "%s%s", i ? "," : "", item);
    sprintf(s + len, "]}");
    return s;
}

/* The cap is BODIES_TOKENS_MAX itself (include/bodies.h: "more than"):
 * {"a":[0,…]} of k values has k + 1 brackets and commas. Commas after an
 * escaped quote are still inside the string. */
Test(bodies, the_token_cap_at_its_edge)
{
    char *s = array_body("a", BODIES_TOKENS_MAX - 1, "0"), *t;
    cJSON *j;
    size_t i, len;

    cr_assert_not_null(j = parse(s), "exactly BODIES_TOKENS_MAX");
    cJSON_Delete(j);
    free(s);
    s = array_body("a", BODIES_TOKENS_MAX, "0");
    cr_assert_null(parse(s), "one more");
    free(s);
    cr_assert_not_null(t = malloc(BODIES_TOKENS_MAX + 32));
    len = (size_t)sprintf(t, "{\"a\":\"\\\"");
    for (i = 0; i < BODIES_TOKENS_MAX + 1; i++)
        t[len++] = ',';
    strcpy(t + len, "\"}");
    cr_assert_not_null(j = parse(t), "an escaped quote does not end the string");
    cJSON_Delete(j);
    free(t);
}

/* A literal backslash before u0000 is text, not an escape to defuse; and a
 * value with anything but white space after it is no JSON text. */
Test(bodies, parse_reads_what_follows_exactly)
{
    cJSON *o = parse("{\"a\":\"\\\\u0000\"}");

    cr_assert(o);
    cr_assert_str_eq(bodies_text(o, "a"), "\\u0000");
    cJSON_Delete(o);
    /* only \u0000 is defused: another escape before 0000, or \u0001..,
     * is left as sent */
    o = parse("{\"a\":\"\\t0000\",\"b\":\"\\u0009\"}");
    cr_assert(o);
    cr_assert_str_eq(bodies_text(o, "a"), "\t0000");
    cr_assert_str_eq(bodies_text(o, "b"), "\t");
    cJSON_Delete(o);
    cr_assert_null(parse("{\"a\":1} x"));
    cr_assert_not_null(o = parse("{\"a\":1} \r\n\t"));
    cJSON_Delete(o);
}

Test(bodies, conditions_at_the_cap)
{
    char *s = array_body("confirmed", BODIES_CONDITIONS_MAX, "true");
    cJSON *o = parse(s);
    bool *c;
    size_t n;

    cr_assert(o);
    cr_assert_eq(bodies_case_conditions(o, &c, &n), 0);
    cr_assert_eq(n, BODIES_CONDITIONS_MAX);
    free(c);
    cJSON_Delete(o);
    free(s);
    s = array_body("confirmed", BODIES_CONDITIONS_MAX + 1, "true");
    cr_assert(o = parse(s));
    cr_assert_eq(bodies_case_conditions(o, &c, &n), 1);
    free(c);
    cJSON_Delete(o);
    free(s);
}

/* include/bodies.h: a whole number in [0, 1e6) is a window's digits. */
Test(bodies, window_numbers)
{
    static const struct {
        const char *json, *w;
        bool ok;
    } cases[] = {
        {"{\"window\":0}", "0", true},      {"{\"window\":999999}", "999999", true},
        {"{\"window\":1e6}", NULL, false},  {"{\"window\":-1}", NULL, false},
        {"{\"window\":1.5}", NULL, false},  {"{\"window\":null}", NULL, true},
    };
    const char *w;
    char num[24];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *o = parse(cases[i].json);
        cr_assert(o);
        cr_assert_eq(bodies_window(o, &w, num), cases[i].ok, "%s", cases[i].json);
        if (cases[i].w)
            cr_assert_str_eq(w, cases[i].w, "%s", cases[i].json);
        else
            cr_assert_null(w, "%s", cases[i].json);
        cJSON_Delete(o);
    }
}

/* WINDOW_FLAGS_MAX counts both lists of a return together. */
Test(bodies, flags_cap_spans_both_lists)
{
    char *s = array_body("fields", WINDOW_FLAGS_MAX, "\"k\"");
    cJSON *o = parse(s), *more = parse("{\"checklist\":[\"i\"]}");
    struct window_flags f, c;
    const char **names, **names2;
    size_t used = 0;

    cr_assert(o && more);
    cr_assert_eq(bodies_flags(cJSON_GetObjectItem(o, "fields"), &f, &names, &used), 0);
    cr_assert_eq(f.n, WINDOW_FLAGS_MAX);
    cr_assert_not(f.bad_tail, "exactly WINDOW_FLAGS_MAX");
    cr_assert_eq(bodies_flags(cJSON_GetObjectItem(more, "checklist"), &c, &names2, &used), 0);
    cr_assert(c.bad_tail, "one more in the other list");
    cr_assert_eq(c.n, 0);
    free(names);
    free(names2);
    cJSON_Delete(o);
    cJSON_Delete(more);
    free(s);
}

/* A return's lists are optional (docs/http-api.md, POST …/return): null
 * is no list, as absent is, not a bad one the move would refuse. */
Test(bodies, flags_null_is_no_list)
{
    cJSON *o = parse("{\"fields\":null}");
    struct window_flags f;
    const char **names;
    size_t used = 0;

    cr_assert(o);
    cr_assert_eq(bodies_flags(cJSON_GetObjectItem(o, "fields"), &f, &names, &used), 0);
    cr_assert_not(f.bad_tail);
    cr_assert_eq(f.n, 0);
    free(names);
    cJSON_Delete(o);
}

/* A step is a whole number from 0; a hash of BODIES_HASH_MAX bytes is
 * one (a sha256 in hex), one byte more is none. */
Test(bodies, spreport_step_and_hash_edges)
{
    char h64[BODIES_HASH_MAX + 1], json[256];
    struct bodies_spreport sp;
    cJSON *o;

    memset(h64, 'a', BODIES_HASH_MAX);
    h64[BODIES_HASH_MAX] = '\0';
    snprintf(json, sizeof json, "{\"hash\":\"%s\",\"step\":0}", h64);
    cr_assert(o = parse(json));
    cr_assert_eq(bodies_spreport(o, &sp), 0);
    cr_assert_eq(sp.step, 0);
    cr_assert_str_eq(sp.hash, h64);
    cr_assert_str_eq(bodies_hash(o), h64);
    cJSON_Delete(o);
    cr_assert(o = parse("{\"hash\":\"x\",\"step\":1.5,\"note\":null}"));
    cr_assert_eq(bodies_spreport(o, &sp), 0);
    cr_assert_eq(sp.step, -1, "a fraction is no step");
    cr_assert_null(sp.note);
    cJSON_Delete(o);
    cr_assert(o = parse("{\"hash\":\"x\",\"step\":1,\"note\":5}"));
    cr_assert_eq(bodies_spreport(o, &sp), 1, "a note that is no text");
    cJSON_Delete(o);
}

/* include/bodies.h: flags count only for return, the condition only for
 * refuse; at most PRACTICE_MAX_IDS flags. */
Test(bodies, practice_answer_keeps_only_what_the_decision_uses)
{
    struct practice_answer a;
    const char **flags;
    char *s;
    cJSON *o;

    cr_assert(o = parse("{\"decision\":\"accept\",\"flags\":[\"f\"],\"condition\":2}"));
    cr_assert_eq(bodies_practice_answer(o, &a, &flags), 0);
    cr_assert_eq(a.n_flags, 0);
    cr_assert_null(a.flags);
    cr_assert_eq(a.condition, 0);
    free(flags);
    cJSON_Delete(o);
    cr_assert(o = parse("{\"decision\":\"return\",\"flags\":[\"f\"],\"condition\":2}"));
    cr_assert_eq(bodies_practice_answer(o, &a, &flags), 0);
    cr_assert_eq(a.n_flags, 1);
    cr_assert_str_eq(a.flags[0], "f");
    cr_assert_eq(a.condition, 0);
    free(flags);
    cJSON_Delete(o);
    cr_assert(o = parse("{\"decision\":\"refuse\",\"flags\":[\"f\"],\"condition\":2}"));
    cr_assert_eq(bodies_practice_answer(o, &a, &flags), 0);
    cr_assert_eq(a.n_flags, 0, "a refusal flags nothing");
    cr_assert_null(a.flags);
    cr_assert_eq(a.condition, 2);
    free(flags);
    cJSON_Delete(o);
    s = array_body("flags", PRACTICE_MAX_IDS, "\"f\"");
    cr_assert(o = parse(s));
    cJSON_AddStringToObject(o, "decision", "return");
    cr_assert_eq(bodies_practice_answer(o, &a, &flags), 0, "exactly PRACTICE_MAX_IDS");
    free(flags);
    cJSON_Delete(o);
    free(s);
    s = array_body("flags", PRACTICE_MAX_IDS + 1, "\"f\"");
    cr_assert(o = parse(s));
    cJSON_AddStringToObject(o, "decision", "return");
    cr_assert_eq(bodies_practice_answer(o, &a, &flags), 2, "one more");
    free(flags);
    cJSON_Delete(o);
    free(s);
}

/* flags and condition are optional: null is absent, not bad_flags or
 * bad_condition. */
Test(bodies, practice_answer_null_members_are_absent)
{
    struct practice_answer a;
    const char **flags;
    cJSON *o;

    cr_assert(o = parse("{\"decision\":\"return\",\"flags\":null,\"condition\":null}"));
    cr_assert_eq(bodies_practice_answer(o, &a, &flags), 0);
    cr_assert_eq(a.n_flags, 0);
    free(flags);
    cJSON_Delete(o);
}

/* The type checks of the case and staff bodies: a member of the wrong
 * type is refused (1 or 2), never read as another. */
Test(bodies, members_of_the_wrong_type)
{
    const char *p, *c, *r, *note;
    struct bodies_answers ans;
    struct visit_ask ask;
    bool handled;
    cJSON *o;

    cr_assert(o = parse("{\"procedure\":\"p\",\"channel\":5,\"fields\":[],\"checklist\":{},"
                        "\"visit\":\"x\",\"result\":5,\"note\":null}"));
    cr_assert_eq(bodies_case_create(o, &p, &c), 2, "channel not a string");
    cr_assert_eq(bodies_case_answers(o, &ans), 1, "fields not an object");
    bodies_answers_free(&ans);
    cr_assert_eq(bodies_case_visit(o, &ask), 2, "visit not an object");
    cr_assert_eq(bodies_followup(o, &r, &note), 1, "result not a string");
    cr_assert_eq(bodies_optional_text(o, "note", &note), 0, "null is no note");
    cr_assert_null(note);
    cJSON_Delete(o);
    cr_assert(o = parse("{\"checklist\":[],\"visit\":null,\"result\":\"not_home\"}"));
    cr_assert_eq(bodies_case_answers(o, &ans), 1, "checklist not an object");
    bodies_answers_free(&ans);
    cr_assert_eq(bodies_case_visit(o, &ask), 0, "null: a ticket");
    cr_assert_eq(bodies_visit_result(o, &handled, &r), 0);
    cr_assert_not(handled);
    cr_assert_eq(bodies_followup(o, &r, &note), 0);
    cr_assert_str_eq(r, "not_home");
    cJSON_Delete(o);
    cr_assert(o = parse("{\"procedure\":5,\"channel\":5}"));
    cr_assert_eq(bodies_case_create(o, &p, &c), 1, "no procedure named");
    cJSON_Delete(o);
    cr_assert(o = parse("{\"procedure\":\"p\",\"channel\":null}"));
    cr_assert_eq(bodies_case_create(o, &p, &c), 0, "null: no channel, as an absent one");
    cr_assert_null(c);
    cJSON_Delete(o);
    cr_assert(o = parse("{\"procedure\":\"p\",\"result\":\"gone\"}"));
    cr_assert_eq(bodies_case_create(o, &p, &c), 0);
    cr_assert_str_eq(p, "p");
    cr_assert_null(c);
    cr_assert_eq(bodies_visit_result(o, &handled, &r), 1, "neither handled nor not_home");
    cJSON_Delete(o);
}

/* Each answer's kind as cases_step reads it: null unanswered, booleans
 * yes and no, a number written out in full (a phone number sent as a
 * number keeps its 11 digits), anything else refused later as bad_type. */
Test(bodies, answer_kinds)
{
    struct bodies_answers a;
    cJSON *o = parse("{\"fields\":{\"n\":null,\"t\":\"x\",\"y\":true,\"f\":false,"
                     "\"p\":13800138000,\"o\":[1]},\"checklist\":{\"s0-0\":true}}");

    cr_assert(o);
    cr_assert_eq(bodies_case_answers(o, &a), 0);
    cr_assert_eq(a.in.n_fields, 6);
    cr_assert_eq(a.in.fields[0].kind, CASE_INPUT_NONE);
    cr_assert_eq(a.in.fields[1].kind, CASE_INPUT_TEXT);
    cr_assert_str_eq(a.in.fields[1].text, "x");
    cr_assert_eq(a.in.fields[2].kind, CASE_INPUT_YES);
    cr_assert_eq(a.in.fields[3].kind, CASE_INPUT_NO);
    cr_assert_eq(a.in.fields[4].kind, CASE_INPUT_NUMBER);
    cr_assert_str_eq(a.in.fields[4].text, "13800138000");
    cr_assert_eq(a.in.fields[5].kind, CASE_INPUT_OTHER);
    cr_assert_eq(a.in.n_checklist, 1);
    cr_assert_str_eq(a.in.checklist[0].key, "s0-0");
    cr_assert_eq(a.in.checklist[0].kind, CASE_INPUT_YES);
    bodies_answers_free(&a);
    cJSON_Delete(o);
}

/* The calls a staff page showed (…/call {"calls":N}): a whole number from
 * 0, absent or null for none; anything else is refused, not read as none,
 * so that a page's stale count is never taken for "call regardless". */
Test(bodies, optional_count)
{
    static const char *bad[] = {"\"1\"", "-1", "1.5", "true", "[0]", "{}", "1e300", "2147483648"};
    char buf[64];
    size_t i;
    cJSON *o;
    int n;

    cr_assert(o = parse("{\"calls\":3,\"none\":null}"));
    cr_assert_eq(bodies_optional_count(o, "calls", &n), 0);
    cr_assert_eq(n, 3);
    cr_assert_eq(bodies_optional_count(o, "none", &n), 0);
    cr_assert_eq(n, -1);
    cr_assert_eq(bodies_optional_count(o, "absent", &n), 0);
    cr_assert_eq(n, -1);
    cr_assert_eq(bodies_optional_count(NULL, "calls", &n), 0, "no body");
    cr_assert_eq(n, -1);
    cJSON_Delete(o);
    cr_assert(o = parse("{\"calls\":0}"));
    cr_assert_eq(bodies_optional_count(o, "calls", &n), 0);
    cr_assert_eq(n, 0);
    cJSON_Delete(o);
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(buf, sizeof buf, "{\"calls\":%s}", bad[i]);
        cr_assert(o = parse(buf));
        cr_assert_eq(bodies_optional_count(o, "calls", &n), 1, "%s", bad[i]);
        cr_assert_eq(n, -1);
        cJSON_Delete(o);
    }
}

/* accept's {"walk_in":true}: a boolean, absent or null for none; another
 * type is refused, not read as false (nor as true). */
Test(bodies, optional_bool)
{
    static const char *bad[] = {"\"yes\"", "1", "0", "[true]", "{}", "\"true\""};
    char buf[64];
    size_t i;
    cJSON *o;
    bool on;

    cr_assert(o = parse("{\"yes\":true,\"no\":false,\"none\":null}"));
    cr_assert_eq(bodies_optional_bool(o, "yes", &on), 0);
    cr_assert(on);
    cr_assert_eq(bodies_optional_bool(o, "no", &on), 0);
    cr_assert(!on);
    cr_assert_eq(bodies_optional_bool(o, "none", &on), 0);
    cr_assert(!on);
    cr_assert_eq(bodies_optional_bool(o, "absent", &on), 0);
    cr_assert(!on);
    cr_assert_eq(bodies_optional_bool(NULL, "yes", &on), 0, "no body");
    cr_assert(!on);
    cJSON_Delete(o);
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(buf, sizeof buf, "{\"walk_in\":%s}", bad[i]);
        cr_assert(o = parse(buf));
        cr_assert_eq(bodies_optional_bool(o, "walk_in", &on), 1, "%s", bad[i]);
        cr_assert(!on);
        cJSON_Delete(o);
    }
}
