/* Unit tests for the practice files the loader keeps (schema/017):
 * practice_play_file_load gives the last good scenarios with the procedure version
 * they were proved against, keeps them while the file has errors or the
 * procedure changes under them, and forgets them when the file is gone. */
#include <criterion/criterion.h>
#include <unistd.h>

#include "casedb.h"
#include "practice_play.h"

static struct casedb t;
static char tree[160], file[200];

static const char GOOD[] =
    "# 练习\n\n## 本人办理\n王某本人来办。\n\n```case\nconditions = 是\nbrought = s0-0 s3-0\n"
    "name = 王某\nproxy = 否\nexpect = accept\n```\n";

static void setup(void)
{
    casedb_open(&t);
    snprintf(tree, sizeof tree, "%s/tree", t.dir);
    snprintf(file, sizeof file, "%s/hall/test.practice.md", tree);
}

static void teardown(void)
{
    casedb_close(&t);
}

TestSuite(practice_load, .init = setup, .fini = teardown);

/* practice_play_file_load of "test": 0 with n scenarios and the proved version in
 * hash_out, or 1. */
static int load(size_t *n, char hash_out[65])
{
    struct practice *pr;
    const struct procedure *p;
    struct model_ref *ref;
    int r = practice_play_file_load(t.db, "test", &pr, &p, &ref);

    cr_assert(r == 0 || r == 1, "practice_play_file_load: %d", r);
    if (r == 1) {
        cr_assert(!pr && !p && !ref);
        return 1;
    }
    cr_assert(pr && p && ref);
    cr_assert_eq(strlen(pr->hash), 64, "the file's hash, for a trainee's record");
    *n = pr->n_scenarios;
    snprintf(hash_out, 65, "%s", p->hash);
    practice_free(pr);
    models_release(ref);
    return 0;
}

Test(practice_load, none_without_a_file)
{
    size_t n;
    char h[65];

    cr_assert_eq(load(&n, h), 1);
}

Test(practice_load, the_last_good_file_and_its_version)
{
    char live[256], h[65], before[65];
    size_t n;

    casedb_write(file, GOOD);
    cr_assert_eq(loader_run(t.db, tree), 0);
    cr_assert_eq(load(&n, h), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(h, casedb_text(&t, live, "SELECT hash FROM procedures WHERE id = 'test'"));
    snprintf(before, sizeof before, "%s", h);

    /* a broken file: its errors are stored, the last good scenarios stay */
    casedb_write(file, "# 练习\n\n## 坏的\n```case\nexpect = maybe\n```\n");
    cr_assert_eq(loader_run(t.db, tree), 0);
    cr_assert_eq(load(&n, h), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(casedb_text(&t, live, "SELECT ok FROM practice_files"), "0");
    cr_assert_str_eq(casedb_text(&t, live, "SELECT count(*) FROM diagnostics WHERE file = '%s'", file), "1");

    /* good again, then the procedure changes under it: the item it brings
     * is renamed, so it no longer proves; it stays on the old version */
    casedb_write(file, GOOD);
    cr_assert_eq(loader_run(t.db, tree), 0);
    {
        char path[200];
        snprintf(path, sizeof path, "%s/hall/test.md", tree);
        casedb_write(path, "---\nversion: 2026-02-01\norder: 1\n---\n"
                           "# 测试事项\n\n测试用。\n\n## 办理条件\n- 具有本市户籍\n\n"
                           "## 第一步:准备材料\n- [ ] 本人居民身份证原件 {#id_card}\n\n"
                           "## 第二步:填写信息\n```form\nname  | 姓名     | text  | required max=20\n"
                           "proxy | 是否代办 | yesno | required\n```\n\n"
                           "## 第三步:代办材料 {if proxy=yes}\n- [ ] 授权委托书\n\n"
                           "## 第四步:确认\n- [ ] 我已核对以上信息无误\n");
    }
    cr_assert_eq(loader_run(t.db, tree), 0);
    cr_assert_neq(strcmp(casedb_text(&t, live, "SELECT hash FROM procedures WHERE id = 'test'"), before), 0,
                  "the new version is live");
    cr_assert_eq(load(&n, h), 0);
    cr_assert_str_eq(h, before, "proved against the version before the change");
    cr_assert_str_eq(casedb_text(&t, live, "SELECT ok FROM practice_files"), "0");

    /* the file is gone: so are its scenarios */
    cr_assert_eq(unlink(file), 0);
    cr_assert_eq(loader_run(t.db, tree), 0);
    cr_assert_eq(load(&n, h), 1);
    cr_assert_str_eq(casedb_text(&t, live, "SELECT count(*) FROM practice_files"), "0");
}

/* what practice_play offers reads these columns: the procedure and its
 * number of good scenarios */
Test(practice_load, the_count_of_good_scenarios_is_kept)
{
    static const char q[] = "SELECT coalesce(group_concat(procedure_id || ':' || good_scenarios, ';'), '')"
                            " FROM practice_files WHERE good_source IS NOT NULL";
    char got[256];

    cr_assert_str_eq(casedb_text(&t, got, "%s", q), "");
    casedb_write(file, GOOD);
    cr_assert_eq(loader_run(t.db, tree), 0);
    cr_assert_str_eq(casedb_text(&t, got, "%s", q), "test:1");
}

Test(practice_load, a_practice_file_is_never_a_procedure)
{
    char buf[256];

    casedb_write(file, GOOD);
    cr_assert_eq(loader_run(t.db, tree), 0);
    cr_assert_str_eq(casedb_text(&t, buf, "SELECT count(*) FROM procedures"), "2");
    cr_assert_str_eq(casedb_text(&t, buf, "SELECT count(*) FROM source_files WHERE path LIKE '%%practice%%'"), "0");
}

/* a procedure's id may be as long as PROCEDURE_ID_MAX: its practice is
 * played like any other, not refused as an item without practice */
Test(practice_load, an_id_of_the_longest_length_is_played)
{
    char id[PROCEDURE_ID_MAX + 1], path[400], *json = NULL;
    struct refusal e;

    memset(id, 'a', PROCEDURE_ID_MAX);
    id[PROCEDURE_ID_MAX] = '\0';
    snprintf(path, sizeof path, "%s/hall/%s.md", tree, id);
    casedb_write(path, casedb_test_md);
    snprintf(path, sizeof path, "%s/hall/%s.practice.md", tree, id);
    casedb_write(path, GOOD);
    cr_assert_eq(loader_run(t.db, tree), 0);
    cr_assert_eq(practice_play_start(t.db, "clerk", id, &json, &e), 0, "%s", e.code);
    cr_assert_not_null(json);
    free(json);
}
