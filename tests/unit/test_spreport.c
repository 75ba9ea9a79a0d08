/* Unit tests for spreport: the pure checks (a kind's name, a note's and a
 * reply's text rules at their limits) and, on a real database with the
 * casedb procedures, the checks of spreport_add in their order (kind and
 * note before any read, the procedure, its version, the step), the title
 * kept as it was, the day's bound counting only open reports of that
 * staffer, procedure and day, and dealing with a report once. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "casedb.h"
#include "spreport.h"

Test(spreport, kinds_by_name)
{
    cr_assert_eq(spreport_kind_parse("wrong"), SPREPORT_WRONG);
    cr_assert_eq(spreport_kind_parse("unclear"), SPREPORT_UNCLEAR);
    cr_assert_eq(spreport_kind_parse("Wrong"), -1);
    cr_assert_eq(spreport_kind_parse(""), -1);
    cr_assert_eq(spreport_kind_parse(NULL), -1);
}

Test(spreport, notes_and_replies)
{
    char buf[SPREPORT_NOTE_MAX * 4 + 1], big[SPREPORT_NOTE_MAX * 3 + 8];
    const char *out = "x";
    struct refusal e;
    size_t i;

    cr_assert_null(spreport_note_check(NULL, buf, sizeof buf, &e));
    cr_assert_str_eq(e.code, "note_required");
    cr_assert_null(spreport_note_check(" \u3000\t", buf, sizeof buf, &e));
    cr_assert_str_eq(e.code, "note_required");
    cr_assert_eq(e.kind, REFUSAL_INVALID);
    cr_assert_str_eq(spreport_note_check(" 材料少一项 ", buf, sizeof buf, &e), "材料少一项");
    cr_assert_null(spreport_note_check("a\x01" "b", buf, sizeof buf, &e));
    cr_assert_str_eq(e.code, "bad_text");
    for (i = 0; i < SPREPORT_NOTE_MAX; i++)
        memcpy(big + 3 * i, "长", 3);
    big[3 * i] = '\0';
    cr_assert_not_null(spreport_note_check(big, buf, sizeof buf, &e));
    memcpy(big + 3 * i, "长", 4);
    cr_assert_null(spreport_note_check(big, buf, sizeof buf, &e));
    cr_assert_str_eq(e.code, "note_too_long");

    /* a reply: blank is none, the rest as a note */
    cr_assert_eq(spreport_reply_check(NULL, buf, sizeof buf, &out, &e), 0);
    cr_assert_null(out);
    out = "x";
    cr_assert_eq(spreport_reply_check("  ", buf, sizeof buf, &out, &e), 0);
    cr_assert_null(out);
    cr_assert_eq(spreport_reply_check(" 已改 ", buf, sizeof buf, &out, &e), 0);
    cr_assert_str_eq(out, "已改");
    cr_assert_eq(spreport_reply_check(big, buf, sizeof buf, &out, &e), 1);
    cr_assert_str_eq(e.code, "reply_too_long");
    cr_assert_eq(spreport_reply_check("\xff", buf, sizeof buf, &out, &e), 1);
    cr_assert_str_eq(e.code, "bad_text");
}

static struct casedb t;

static void setup(void)
{
    casedb_open(&t);
}

static void teardown(void)
{
    casedb_close(&t);
}

/* spreport_add, checking that a report added has an id; its result. */
static int add(const char *id, const char *hash, long long step, const char *kind, const char *note,
               const char *user, int today, struct refusal *e)
{
    long long n = 0;
    int r = spreport_add(t.db, id, hash, step, kind, note, user, today, &n, e);

    if (r == 0)
        cr_assert_gt(n, 0);
    return r;
}

Test(spreport, add_checks_in_order, .init = setup, .fini = teardown)
{
    char hash[256], other[256];
    struct refusal e;

    casedb_text(&t, hash, "SELECT hash FROM procedures WHERE id = 'test'");
    casedb_text(&t, other, "SELECT hash FROM procedures WHERE id = 'simple'");
    /* kind and note are refused before anything is read */
    cr_assert_eq(add("nothing", "x", 99, "bad", "n", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "bad_kind");
    cr_assert_eq(add("nothing", "x", 99, "wrong", " ", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "note_required");
    cr_assert_eq(add("nothing", hash, 0, "wrong", "n", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "unknown_procedure");
    cr_assert_eq(e.kind, REFUSAL_NOT_FOUND);
    cr_assert_eq(add("test", other, 0, "wrong", "n", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "unknown_version");
    cr_assert_eq(add("test", hash, 4, "wrong", "n", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "unknown_step");
    cr_assert_eq(add("test", hash, -1, "wrong", "n", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "unknown_step");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM sp_reports"), 0);
    /* step 3, the last, with its title as written (the step that applies
     * only to some cases is a step all the same) */
    cr_assert_eq(add("test", hash, 3, "unclear", " 核对什么？ ", "wang", 20261201, &e), 0);
    cr_assert_str_eq(casedb_text(&t, other, "SELECT step_title || '|' || kind || '|' || note || '|'"
                                            " || created_on FROM sp_reports"),
                     "第四步:确认|unclear|核对什么？|2026-12-01");
}

Test(spreport, the_day_bound_counts_open_reports, .init = setup, .fini = teardown)
{
    char hash[256], note[32];
    struct refusal e;
    int i;

    casedb_text(&t, hash, "SELECT hash FROM procedures WHERE id = 'test'");
    for (i = 0; i < SPREPORT_DAY_MAX; i++) {
        snprintf(note, sizeof note, "问题 %d", i);
        cr_assert_eq(add("test", hash, 0, "wrong", note, "wang", 20261201, &e), 0, "%d", i);
    }
    cr_assert_eq(add("test", hash, 0, "wrong", "问题 5", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "too_many_reports");
    cr_assert_eq(e.kind, REFUSAL_CONFLICT);
    /* the same words as an open one: the double click, said as such */
    cr_assert_eq(add("test", hash, 0, "wrong", "问题 4", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "already_reported");
    /* the same words of another kind are no double click: the bound speaks */
    cr_assert_eq(add("test", hash, 0, "unclear", "问题 4", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "too_many_reports");
    /* another staffer, another day, another procedure: other bounds */
    cr_assert_eq(add("test", hash, 0, "wrong", "问题 5", "li", 20261201, &e), 0);
    cr_assert_eq(add("test", hash, 0, "wrong", "问题 5", "wang", 20261202, &e), 0);
    casedb_text(&t, hash, "SELECT hash FROM procedures WHERE id = 'simple'");
    cr_assert_eq(add("simple", hash, 0, "wrong", "问题 5", "wang", 20261201, &e), 0);
    /* one dealt with frees a place */
    casedb_text(&t, hash, "SELECT hash FROM procedures WHERE id = 'test'");
    cr_assert_eq(spreport_deal(t.db, 1, "admin", NULL, &e), 0);
    cr_assert_eq(add("test", hash, 0, "wrong", "问题 5", "wang", 20261201, &e), 0);
    cr_assert_eq(add("test", hash, 0, "wrong", "问题 6", "wang", 20261201, &e), 1);
    cr_assert_str_eq(e.code, "too_many_reports");
}

Test(spreport, dealt_with_once, .init = setup, .fini = teardown)
{
    char hash[256], buf[256], *json = NULL;
    struct refusal e;

    casedb_text(&t, hash, "SELECT hash FROM procedures WHERE id = 'test'");
    cr_assert_eq(add("test", hash, 1, "wrong", "姓名最多 20 字太少", "wang", 20261201, &e), 0);
    cr_assert_eq(spreport_deal(t.db, 2, "admin", NULL, &e), 1);
    cr_assert_str_eq(e.code, "not_found");
    cr_assert_eq(spreport_deal(t.db, 1, "admin", "\x01", &e), 1);
    cr_assert_str_eq(e.code, "bad_text");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM sp_reports WHERE dealt_at IS NULL"), 1);
    cr_assert_eq(spreport_deal(t.db, 1, "admin", " 改为 40 字 ", &e), 0);
    cr_assert_str_eq(casedb_text(&t, buf, "SELECT dealt_by || '|' || reply FROM sp_reports"),
                     "admin|改为 40 字");
    cr_assert_eq(spreport_deal(t.db, 1, "admin", NULL, &e), 1);
    cr_assert_str_eq(e.code, "already_dealt");
    cr_assert_eq(e.kind, REFUSAL_CONFLICT);
    cr_assert_eq(spreport_get_json(t.db, 1, &json), 0);
    cr_assert_not_null(strstr(json, "\"reply\":\"改为 40 字\""));
    free(json);
    cr_assert_eq(spreport_get_json(t.db, 9, &json), 1);
    cr_assert_eq(spreport_list_json(t.db, "test", true, &json), 0);
    cr_assert_str_eq(json, "{\"reports\":[],\"counts\":{\"open\":0,\"dealt\":1}}");
    free(json);
}

/* The list answers at most SPREPORT_LIST_MAX reports; the counts are of
 * them all (include/spreport.h). */
Test(spreport, list_stops_at_its_cap, .init = setup, .fini = teardown)
{
    char hash[256], *json = NULL;
    cJSON *doc, *open;

    casedb_text(&t, hash, "SELECT hash FROM procedures WHERE id = 'test'");
    casedb_exec(&t, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
                    " INSERT INTO sp_reports (procedure_id, hash, step, step_title, kind, note, created_by,"
                    " created_at, created_on) SELECT 'test', '%s', 1, '填写信息', 'wrong', 'n' || i, 'wang',"
                    " '2026-12-01T01:00:00Z', '2026-12-01' FROM n", SPREPORT_LIST_MAX + 1, hash);
    cr_assert_eq(spreport_list_json(t.db, NULL, false, &json), 0);
    doc = cJSON_Parse(json);
    cr_assert_not_null(doc);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "reports")), SPREPORT_LIST_MAX);
    open = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "counts"), "open");
    cr_expect_eq(cJSON_GetNumberValue(open), SPREPORT_LIST_MAX + 1);
    cJSON_Delete(doc);
    free(json);
}

/* `live` says whether the version a report was made on is still the one
 * served (docs/http-api.md): the procedure's status counts, not only its
 * hash (a review's helper saw `live` stay true here and ran out of time). */
Test(spreport, live_is_the_version_served_now, .init = setup, .fini = teardown)
{
    char hash[256], *json = NULL;
    struct refusal e;

    casedb_text(&t, hash, "SELECT hash FROM procedures WHERE id = 'test'");
    cr_assert_eq(add("test", hash, 1, "wrong", "姓名最多 20 字太少", "wang", 20261201, &e), 0);
    cr_assert_eq(spreport_get_json(t.db, 1, &json), 0);
    cr_assert_not_null(strstr(json, "\"live\":true"), "%s", json);
    free(json);
    casedb_exec(&t, "UPDATE procedures SET status = 'retired' WHERE id = 'test'");
    cr_assert_eq(casedb_int(&t, "SELECT count(*) FROM procedures WHERE status = 'retired'"), 1);
    cr_assert_eq(spreport_get_json(t.db, 1, &json), 0);
    cr_assert_not_null(strstr(json, "\"live\":false"), "%s", json);
    free(json);
}
