/* A temporary database with two procedures loaded, and helpers to drive
 * cases through cases.c and then set their timestamps, for the sweep and
 * statistics tests. Tests own the clock: they rewrite created_at,
 * updated_at, case_steps.at and event times with plain SQL, then pass
 * their own "now". */
#ifndef SPK_TEST_CASEDB_H
#define SPK_TEST_CASEDB_H

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cases.h"
#include "catalog.h"
#include "clock.h"
#include "db.h"
#include "dbtemplate.h"
#include "loader.h"
#include "models.h"
#include "sweep.h"
#include "window.h"

/* steps: 0 准备材料 (a required item), 1 填写信息 (name, proxy), 2 代办材料
 * (only when proxy=yes), 3 确认 */
static const char casedb_test_md[] =
    "---\nversion: 2026-01-01\norder: 1\n---\n"
    "# 测试事项\n\n测试用。\n\n"
    "## 办理条件\n- 具有本市户籍\n\n"
    "## 第一步:准备材料\n- [ ] 本人居民身份证原件\n\n"
    "## 第二步:填写信息\n```form\n"
    "name  | 姓名     | text  | required max=20\n"
    "proxy | 是否代办 | yesno | required\n"
    "```\n\n"
    "## 第三步:代办材料 {if proxy=yes}\n- [ ] 授权委托书\n\n"
    "## 第四步:确认\n- [ ] 我已核对以上信息无误\n";

/* no conditions, one step */
static const char casedb_simple_md[] =
    "---\nversion: 2026-01-01\norder: 2\n---\n"
    "# 简易事项\n\n没有办理条件。\n\n"
    "## 第一步:准备材料\n- [ ] 本人居民身份证原件\n";

static const char casedb_readme_md[] = "---\norder: 1\n---\n# 测试分类\n\n测试用的分类。\n";

struct casedb {
    char dir[64];
    struct db *db;
};

static inline void casedb_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

static inline void casedb_open(struct casedb *t)
{
    char path[160], err[256];

    snprintf(t->dir, sizeof t->dir, "/tmp/spk-casedbXXXXXX");
    cr_assert_not_null(mkdtemp(t->dir));
    snprintf(path, sizeof path, "%s/tree", t->dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/tree/hall", t->dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/tree/hall/README.md", t->dir);
    casedb_write(path, casedb_readme_md);
    snprintf(path, sizeof path, "%s/tree/hall/test.md", t->dir);
    casedb_write(path, casedb_test_md);
    snprintf(path, sizeof path, "%s/tree/hall/simple.md", t->dir);
    casedb_write(path, casedb_simple_md);
    snprintf(path, sizeof path, "%s/x.db", t->dir);
    dbtemplate_make(path);
    cr_assert_eq(db_open(path, &t->db, err, sizeof err), 0, "%s", err);
    cr_assert_eq(db_migrate(t->db, err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/tree", t->dir);
    cr_assert_eq(loader_run(t->db, path), 0);
}

static inline void casedb_close(struct casedb *t)
{
    char cmd[128];

    db_close(t->db);
    models_shutdown();
    catalog_shutdown();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    cr_assert_eq(system(cmd), 0);
}

/* Runs SQL made from fmt (tests only: the values are the test's own). */
__attribute__((format(printf, 2, 3)))
static inline void casedb_exec(struct casedb *t, const char *fmt, ...)
{
    char sql[2048], *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    cr_assert_eq(sqlite3_exec(db_handle(t->db), sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql,
                 msg ? msg : "?");
}

static inline const char *casedb_vtext(struct casedb *t, char buf[256], const char *fmt,
                                       va_list ap)
{
    char sql[2048];
    sqlite3_stmt *st;
    int r;

    vsnprintf(sql, sizeof sql, fmt, ap);
    cr_assert_eq(sqlite3_prepare_v2(db_handle(t->db), sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_NULL)
        snprintf(buf, 256, "NULL");
    else if (r == SQLITE_ROW)
        snprintf(buf, 256, "%s", (const char *)sqlite3_column_text(st, 0));
    else
        buf[0] = '\0';
    sqlite3_finalize(st);
    return buf;
}

/* The first column of the first row as text ("" for no row, "NULL" for
 * NULL), in buf. */
__attribute__((format(printf, 3, 4)))
static inline const char *casedb_text(struct casedb *t, char buf[256], const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    casedb_vtext(t, buf, fmt, ap);
    va_end(ap);
    return buf;
}

/* The same as a number. */
__attribute__((format(printf, 2, 3)))
static inline long casedb_int(struct casedb *t, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    casedb_vtext(t, buf, fmt, ap);
    va_end(ap);
    return atol(buf);
}

static inline const char *casedb_iso(time_t t, char out[32])
{
    clock_utc(t, out);
    return out;
}

/* A new case on the live version of procedure, started at channel. */
static inline void casedb_case_at(struct casedb *t, const char *procedure, const char *channel,
                                  char id[CASE_ID_LEN + 1])
{
    struct catalog *c = catalog_acquire();
    const struct catalog_proc *p;
    struct refusal e;

    cr_assert_not_null(c);
    p = catalog_find(c, procedure);
    cr_assert_not_null(p, "no procedure %s", procedure);
    cr_assert_eq(cases_create(t->db, p->id, p->hash, channel, NULL, 0, false, id, &e), 0);
    catalog_release(c);
}

/* A new case started at the kiosk. */
static inline void casedb_case(struct casedb *t, const char *procedure, char id[CASE_ID_LEN + 1])
{
    casedb_case_at(t, procedure, "kiosk", id);
}

static inline void casedb_confirm(struct casedb *t, const char *id)
{
    bool yes[1] = {true};
    size_t *unmet = NULL, n_unmet = 0;
    struct refusal e;

    cr_assert_eq(cases_confirm(t->db, id, yes, 1, NULL, &unmet, &n_unmet, &e), 0);
    free(unmet);
}

/* part's text and boolean members as answers (what the tests send). */
static inline size_t casedb_inputs(const cJSON *part, struct case_input *out, size_t cap)
{
    const cJSON *x;
    size_t k = 0;

    cJSON_ArrayForEach(x, part) {
        cr_assert_lt(k, cap);
        out[k].key = x->string;
        out[k].kind = cJSON_IsString(x) ? CASE_INPUT_TEXT
                      : cJSON_IsTrue(x) ? CASE_INPUT_YES : CASE_INPUT_NO;
        out[k++].text = cJSON_IsString(x) ? x->valuestring : NULL;
    }
    return k;
}

/* Step n with the answers in json; must be accepted. after: as
 * cases_step's (NULL: not asked for). */
static inline void casedb_step_after(struct casedb *t, const char *id, size_t n, const char *json,
                                     struct case_state *after)
{
    struct case_input fields[16], ticks[16];
    struct case_answers in;
    struct case_rejection rej;
    struct refusal e;
    cJSON *body = cJSON_Parse(json);
    int r;

    cr_assert_not_null(body, "bad test JSON %s", json);
    in.fields = fields;
    in.n_fields = casedb_inputs(cJSON_GetObjectItemCaseSensitive(body, "fields"), fields, 16);
    in.checklist = ticks;
    in.n_checklist = casedb_inputs(cJSON_GetObjectItemCaseSensitive(body, "checklist"), ticks, 16);
    r = cases_step(t->db, id, n, &in, 20260601, NULL, &rej, &e, after);
    cJSON_Delete(body);
    cr_assert_eq(r, 0, "step %zu of %s refused: %s", n, id, r > 0 ? e.code : "error");
    cases_rejection_free(&rej);
}

/* Step n with the answers in json; must be accepted. */
static inline void casedb_step(struct casedb *t, const char *id, size_t n, const char *json)
{
    casedb_step_after(t, id, n, json, NULL);
}

/* Walks the test procedure: conditions, then steps up to but excluding
 * `upto` (4 = all; the name step answers proxy=no so step 2 is skipped). */
static inline void casedb_walk(struct casedb *t, const char *id, size_t upto)
{
    static const char *const answers[] = {
        "{\"checklist\":{\"s0-0\":true}}",
        "{\"fields\":{\"name\":\"张晓梅\",\"proxy\":false}}",
        "{\"checklist\":{\"s2-0\":true}}",
        "{\"checklist\":{\"s3-0\":true}}",
    };
    size_t n;

    casedb_confirm(t, id);
    for (n = 0; n < upto; n++)
        if (n != 2)
            casedb_step(t, id, n, answers[n]);
}

/* Sets every timestamp of the case to `at` (created, updated, steps,
 * events), as if all happened then. */
static inline void casedb_at(struct casedb *t, const char *id, time_t at)
{
    char iso[32];

    casedb_iso(at, iso);
    casedb_exec(t, "UPDATE cases SET created_at = '%s', updated_at = '%s' WHERE id = '%s'", iso,
                iso, id);
    casedb_exec(t, "UPDATE case_steps SET at = '%s' WHERE case_id = '%s'", iso, id);
    casedb_exec(t, "UPDATE case_events SET at = '%s' WHERE case_id = '%s'", iso, id);
}

/* A case of the test procedure, walked whole and handed in (status
 * waiting, today's ticket): its id in id, its ticket in ticket (8 bytes)
 * unless ticket is NULL. */
static inline void casedb_handed_in(struct casedb *t, char id[CASE_ID_LEN + 1], char ticket[8])
{
    struct refusal e;
    char *tk = NULL;

    casedb_case(t, "test", id);
    casedb_walk(t, id, 4);
    cr_assert_eq(window_submit(t->db, id, NULL, false, &tk, &e), 0, "%s", e.message);
    if (ticket)
        snprintf(ticket, 8, "%s", tk);
    free(tk);
}

#endif
