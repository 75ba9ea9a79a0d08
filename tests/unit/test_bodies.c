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
