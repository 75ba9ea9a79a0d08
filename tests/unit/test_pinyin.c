/* Unit tests for pinyin: readings from the generated Unihan table (usual
 * reading first, polyphones, ü), spelling with passthrough of what is not an
 * ideograph, the query builder's cuts and bounds, and the "spkpy" tokenizer
 * in a real FTS5 table. */
#include <criterion/criterion.h>

#include <string.h>

#include <sqlite3.h>

#include "cjktok.h"
#include "pinyin.h"
#include "strbuf.h"

static int has(const char **r, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(r[i], s) == 0)
            return 1;
    return 0;
}

Test(pinyin, usual_reading_first)
{
    const char *r[PINYIN_MAX_READINGS];

    cr_assert_eq(pinyin_readings(0x4F4E, r), 1); /* 低 */
    cr_assert_str_eq(r[0], "di");
    cr_assert_geq(pinyin_readings(0x4FDD, r), 1); /* 保 */
    cr_assert_str_eq(r[0], "bao");
}

Test(pinyin, polyphones_keep_every_modern_reading)
{
    const char *r[PINYIN_MAX_READINGS];
    size_t n;

    n = pinyin_readings(0x957F, r); /* 长: zhǎng in kMandarin, cháng too */
    cr_assert_str_eq(r[0], "zhang");
    cr_assert(has(r, n, "chang"));
    n = pinyin_readings(0x884C, r); /* 行 */
    cr_assert_str_eq(r[0], "xing");
    cr_assert(has(r, n, "hang"));
    n = pinyin_readings(0x91CD, r); /* 重 */
    cr_assert(has(r, n, "zhong") && has(r, n, "chong"));
    /* 还: hái, huán; the archaic fú of the Hanyu Da Zidian is left out */
    n = pinyin_readings(0x8FD8, r);
    cr_assert(has(r, n, "hai") && has(r, n, "huan") && !has(r, n, "fu"));
}

Test(pinyin, u_umlaut_is_v_and_u)
{
    const char *r[PINYIN_MAX_READINGS];
    size_t n = pinyin_readings(0x5973, r); /* 女 nǚ */

    cr_assert_str_eq(r[0], "nv");
    cr_assert(has(r, n, "nu"));
}

Test(pinyin, bounds_and_non_cjk)
{
    const char *r[PINYIN_MAX_READINGS];
    uint32_t cp;

    cr_assert_eq(pinyin_readings('a', r), 0);
    cr_assert_eq(pinyin_readings(0x3042, r), 0); /* あ */
    cr_assert_eq(pinyin_readings(0xFF0C, r), 0); /* , */
    cr_assert_eq(pinyin_readings(0x10FFFF, r), 0);
    cr_assert_eq(pinyin_readings(0, r), 0);
    for (cp = 0x4E00; cp <= 0x9FFF; cp++) {
        size_t n = pinyin_readings(cp, r), i;
        cr_assert_leq(n, PINYIN_MAX_READINGS);
        for (i = 0; i < n; i++) {
            size_t len = strlen(r[i]), k;
            cr_assert(len >= 1 && len <= 6, "U+%04X reading %s", cp, r[i]);
            for (k = 0; k < len; k++)
                cr_assert(r[i][k] >= 'a' && r[i][k] <= 'z', "U+%04X reading %s", cp, r[i]);
        }
    }
}

Test(pinyin, spell_passes_latin_through)
{
    struct strbuf full = STRBUF_INIT, ini = STRBUF_INIT;
    const char *s = "低保 ABC、证2";

    cr_assert_eq(pinyin_spell(s, strlen(s), &full, &ini), 0);
    cr_assert_str_eq(full.data, "dibaoabczheng2");
    cr_assert_str_eq(ini.data, "dbabcz2");
    strbuf_free(&full);
    strbuf_free(&ini);
    cr_assert_eq(pinyin_spell(NULL, 0, NULL, NULL), 0);
}

static void expect_query(const char *q, int want_rc, const char *want)
{
    struct strbuf out = STRBUF_INIT;
    int rc = pinyin_query_build(q, strlen(q), &out);

    cr_assert_eq(rc, want_rc, "query %s: rc %d", q, rc);
    if (want)
        cr_assert_str_eq(out.data, want, "query %s", q);
    else
        cr_assert(out.len == 0, "query %s gave %s", q, out.data);
    strbuf_free(&out);
}

Test(pinyin, query_cuts_syllables_and_initials)
{
    expect_query("dibao", 0, "(\"di bao\" *) OR (\"d i b a o\")");
    expect_query("DiBao", 0, "(\"di bao\" *) OR (\"d i b a o\")");
    expect_query("ＤＩＢＡＯ", 0, "(\"di bao\" *) OR (\"d i b a o\")");
    expect_query(" di bao ", 0, "(\"di bao\" *) OR (\"d i b a o\")");
    expect_query("dib", 0, "(\"di b\" *) OR (\"d i b\")");
    /* d is no syllable: only initials */
    expect_query("db", 0, "(\"d b\")");
    /* longest first, but a typed separator decides */
    expect_query("xian", 0, "(\"xian\" *) OR (\"x i a n\")");
    expect_query("xi'an", 0, "(\"xi an\" *) OR (\"x i a n\")");
    /* backtracking: "zhangan" cannot end on "g" + "an" as a full syllable
     * "zhanga"; it is zhang an */
    expect_query("zhangan", 0, "(\"zhang an\" *) OR (\"z h a n g a n\")");
}

Test(pinyin, query_refuses_what_is_not_pinyin)
{
    expect_query("d", 1, NULL);
    expect_query("  ", 1, NULL);
    expect_query("低保", 1, NULL);
    expect_query("di低", 1, NULL);
    expect_query("a1", 1, NULL);
    expect_query("d\"b", 1, NULL);
    char longq[CJKTOK_QUERY_MAX + 2];
    memset(longq, 'a', sizeof longq - 1);
    longq[sizeof longq - 1] = '\0';
    expect_query(longq, -1, NULL);
    memset(longq, 'a', CJKTOK_QUERY_MAX);
    longq[CJKTOK_QUERY_MAX] = '\0';
    struct strbuf out = STRBUF_INIT;
    cr_assert_eq(pinyin_query_build(longq, CJKTOK_QUERY_MAX, &out), 0);
    strbuf_free(&out);
}

/* The tokenizer in a real table: a phrase of syllables or initials finds
 * consecutive characters whatever reading each one has there. */
Test(pinyin, fts_table_matches_readings_and_initials)
{
    static const struct { const char *q; int hits; } cases[] = {
        {"dibao", 1}, {"db", 1}, {"di bao", 1}, {"zhangqi", 1}, {"changqi", 1},
        {"cq", 1}, {"zq", 1}, {"baodi", 0}, {"shenfen", 0}, {"dib", 1},
        /* a Latin word is found by the main table, not as initials */
        {"abc", 0},
    };
    sqlite3 *db;
    sqlite3_stmt *st;
    size_t i;

    cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    cr_assert_eq(cjktok_register(db), SQLITE_OK);
    cr_assert_eq(pinyin_register(db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='spkpy');"
                              "INSERT INTO t VALUES ('低保 ABC'), ('长期护理');",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct strbuf q = STRBUF_INIT;
        int n = 0;

        cr_assert_eq(pinyin_query_build(cases[i].q, strlen(cases[i].q), &q), 0);
        cr_assert_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &st,
                                        NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, q.data, -1, SQLITE_STATIC);
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: %s", q.data, sqlite3_errmsg(db));
        n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        cr_assert_eq(n, cases[i].hits, "%s (%s): %d hits", cases[i].q, q.data, n);
        strbuf_free(&q);
    }
    sqlite3_close(db);
}
