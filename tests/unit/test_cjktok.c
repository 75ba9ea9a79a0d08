/* Unit tests for cjktok: token boundaries and byte offsets, the query
 * builder, and the tokenizer running inside a real in-memory FTS5 table the
 * way the search page will use it. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cjktok.h"
#include "strbuf.h"

#define MAX_TOKS 64

struct tok {
    char text[CJKTOK_WORD_MAX + 1];
    size_t start, end;
};

struct toks {
    struct tok t[MAX_TOKS];
    size_t n;
    size_t stop_at;  /* stop after this many tokens (0: never) */
    int stop_rc;
};

static int collect(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    struct toks *ts = ctx;

    cr_assert_lt(ts->n, MAX_TOKS);
    cr_assert_leq(len, CJKTOK_WORD_MAX);
    cr_assert_lt(start, end);
    memcpy(ts->t[ts->n].text, tok, len);
    ts->t[ts->n].text[len] = '\0';
    ts->t[ts->n].start = start;
    ts->t[ts->n].end = end;
    ts->n++;
    if (ts->stop_at && ts->n == ts->stop_at)
        return ts->stop_rc;
    return 0;
}

/* Tokenizes a private heap copy of exactly len bytes, so ASan catches any
 * read past the end. */
static int run(const char *s, size_t len, struct toks *ts)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    cr_assert_not_null(copy);
    memcpy(copy, s, len);
    rc = cjktok_tokenize(copy, len, collect, ts);
    free(copy);
    return rc;
}

static void expect(const struct toks *ts, size_t i, const char *text, size_t start, size_t end)
{
    cr_assert_lt(i, ts->n, "token %zu missing (only %zu)", i, ts->n);
    cr_assert_str_eq(ts->t[i].text, text, "token %zu", i);
    cr_assert_eq(ts->t[i].start, start, "token %zu start %zu", i, ts->t[i].start);
    cr_assert_eq(ts->t[i].end, end, "token %zu end %zu", i, ts->t[i].end);
}

Test(cjktok_tokenize, mixed_text_and_offsets)
{
    const char *s = "劳动手册 Labour-Handbook 2026年";
    struct toks ts = {.n = 0};

    cr_assert_eq(run(s, strlen(s), &ts), 0);
    cr_assert_eq(ts.n, 8);
    expect(&ts, 0, "劳", 0, 3);
    expect(&ts, 1, "动", 3, 6);
    expect(&ts, 2, "手", 6, 9);
    expect(&ts, 3, "册", 9, 12);
    expect(&ts, 4, "labour", 13, 19);
    expect(&ts, 5, "handbook", 20, 28);
    expect(&ts, 6, "2026", 29, 33);
    expect(&ts, 7, "年", 33, 36);
}

Test(cjktok_tokenize, kana_hangul_and_extension_b)
{
    /* 𠀀 is U+20000, a 4-byte character */
    const char *s = "ひらカナ한국\xF0\xA0\x80\x80〇";
    struct toks ts = {.n = 0};

    cr_assert_eq(run(s, strlen(s), &ts), 0);
    cr_assert_eq(ts.n, 8);
    expect(&ts, 0, "ひ", 0, 3);
    expect(&ts, 3, "ナ", 9, 12);
    expect(&ts, 5, "국", 15, 18);
    expect(&ts, 6, "\xF0\xA0\x80\x80", 18, 22);
    expect(&ts, 7, "〇", 22, 25);
}

Test(cjktok_tokenize, fullwidth_folds_to_ascii)
{
    const char *s = "ＡＢＣ１２ ABC12 ａｂｃ！１２";
    struct toks ts = {.n = 0};

    cr_assert_eq(run(s, strlen(s), &ts), 0);
    cr_assert_eq(ts.n, 4);
    /* offsets stay those of the full-width original */
    expect(&ts, 0, "abc12", 0, 15);
    expect(&ts, 1, "abc12", 16, 21);
    expect(&ts, 2, "abc", 22, 31);
    expect(&ts, 3, "12", 34, 40);
}

Test(cjktok_tokenize, latin1_words)
{
    const char *s = "CAFÉ naïve×2";
    struct toks ts = {.n = 0};

    cr_assert_eq(run(s, strlen(s), &ts), 0);
    cr_assert_eq(ts.n, 3);
    expect(&ts, 0, "café", 0, 5);
    expect(&ts, 1, "naïve", 6, 12);
    expect(&ts, 2, "2", 14, 15);
}

Test(cjktok_tokenize, punctuation_separates)
{
    const char *s = "《劳动法》，第一条。(a)b!c?d:e;f、g“证”「号」…—@#%";
    static const char *want[] = {"劳", "动", "法", "第", "一", "条", "a", "b", "c",
                                 "d", "e", "f", "g", "证", "号"};
    struct toks ts = {.n = 0};
    size_t i;

    cr_assert_eq(run(s, strlen(s), &ts), 0);
    cr_assert_eq(ts.n, sizeof want / sizeof want[0]);
    for (i = 0; i < ts.n; i++)
        cr_assert_str_eq(ts.t[i].text, want[i], "token %zu", i);
}

Test(cjktok_tokenize, only_separators)
{
    const char *s = " \t\n，。　！？ -- ";
    struct toks ts = {.n = 0};

    cr_assert_eq(run(s, strlen(s), &ts), 0);
    cr_assert_eq(ts.n, 0);
}

Test(cjktok_tokenize, invalid_utf8_is_skipped)
{
    /* stray continuation, 0xFF, overlong '/', a surrogate, then a 劳 cut off
     * by the end of the input */
    const char s[] = "ab\x80" "cd\xFF" "证\xC0\xAF" "x\xED\xA0\x80" "y\xE5\x8A";
    struct toks ts = {.n = 0};

    cr_assert_eq(run(s, sizeof s - 1, &ts), 0);
    cr_assert_eq(ts.n, 5);
    expect(&ts, 0, "ab", 0, 2);
    expect(&ts, 1, "cd", 3, 5);
    expect(&ts, 2, "证", 6, 9);
    expect(&ts, 3, "x", 11, 12);
    expect(&ts, 4, "y", 15, 16);
}

Test(cjktok_tokenize, empty_input)
{
    struct toks ts = {.n = 0};

    cr_assert_eq(run("", 0, &ts), 0);
    cr_assert_eq(cjktok_tokenize(NULL, 0, collect, &ts), 0);
    cr_assert_eq(ts.n, 0);
}

Test(cjktok_tokenize, long_words_are_split)
{
    char s[160];
    struct toks ts = {.n = 0};
    size_t i, n = 0;

    memset(s, 'a', 150);
    cr_assert_eq(run(s, 150, &ts), 0);
    cr_assert_eq(ts.n, 3);
    cr_assert_eq(strlen(ts.t[0].text), 64);
    expect(&ts, 1, ts.t[1].text, 64, 128);
    expect(&ts, 2, ts.t[2].text, 128, 150);
    cr_assert_eq(strlen(ts.t[2].text), 22);

    /* "a" + 40 × "é": a 2-byte é must not be cut at byte 64 */
    s[n++] = 'a';
    for (i = 0; i < 40; i++) {
        s[n++] = '\xC3';
        s[n++] = '\xA9';
    }
    ts.n = 0;
    cr_assert_eq(run(s, n, &ts), 0);
    cr_assert_eq(ts.n, 2);
    cr_assert_eq(ts.t[0].end, 63);
    cr_assert_eq(strlen(ts.t[0].text), 63);
    expect(&ts, 1, ts.t[1].text, 63, 81);
}

Test(cjktok_tokenize, callback_stops)
{
    const char *s = "劳动 手册 abc";
    struct toks ts = {.n = 0, .stop_at = 2, .stop_rc = 7};

    cr_assert_eq(run(s, strlen(s), &ts), 7);
    cr_assert_eq(ts.n, 2);

    /* a stop raised on the last, still pending word is returned as well */
    ts = (struct toks){.n = 0, .stop_at = 5, .stop_rc = -3};
    cr_assert_eq(run(s, strlen(s), &ts), -3);
    cr_assert_eq(ts.n, 5);
}

/* ---- query building ---- */

static int build(const char *q, struct strbuf *sb)
{
    return cjktok_query_build(q, strlen(q), sb);
}

Test(cjktok_query, single_and_multiple_terms)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(build("劳动", &sb), 0);
    cr_assert_str_eq(sb.data, "\"劳动\"");
    strbuf_free(&sb);

    cr_assert_eq(build(" 劳动\t手册　证 ", &sb), 0);
    cr_assert_str_eq(sb.data, "\"劳动\" AND \"手册\" AND \"证\"");
    strbuf_free(&sb);

    /* the tokenizer folds case and width later; the phrase keeps the input */
    cr_assert_eq(build("LABOUR-Ｈａｎｄ 2026年", &sb), 0);
    cr_assert_str_eq(sb.data, "\"LABOUR\" AND \"Ｈａｎｄ\" AND \"2026年\"");
    strbuf_free(&sb);
}

Test(cjktok_query, punctuation_splits_terms)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(build("《劳动法》，低保。证！", &sb), 0);
    cr_assert_str_eq(sb.data, "\"劳动法\" AND \"低保\" AND \"证\"");
    strbuf_free(&sb);
}

Test(cjktok_query, quotes_cannot_escape_the_phrase)
{
    struct strbuf sb = STRBUF_INIT;

    /* '"' is never indexed, so it splits terms and never reaches FTS5 raw */
    cr_assert_eq(build("劳\"动\" OR x\"\"", &sb), 0);
    cr_assert_str_eq(sb.data, "\"劳\" AND \"动\" AND \"OR\" AND \"x\"");
    strbuf_free(&sb);
}

Test(cjktok_query, nothing_searchable)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(build("", &sb), 1);
    cr_assert_eq(build("  \t　", &sb), 1);
    cr_assert_eq(build("，。！？\"\"*()-+", &sb), 1);
    cr_assert_eq(cjktok_query_build(NULL, 0, &sb), 1);
    cr_assert_eq(sb.len, 0);
}

Test(cjktok_query, too_long_or_invalid)
{
    struct strbuf sb = STRBUF_INIT;
    char q[CJKTOK_QUERY_MAX + 2];

    memset(q, 'a', sizeof q);
    cr_assert_eq(cjktok_query_build(q, CJKTOK_QUERY_MAX + 1, &sb), -1);
    cr_assert_eq(sb.len, 0);
    cr_assert_eq(cjktok_query_build(q, CJKTOK_QUERY_MAX, &sb), 0);
    cr_assert_eq(sb.len, CJKTOK_QUERY_MAX + 2);
    strbuf_free(&sb);

    cr_assert_eq(cjktok_query_build("ab\xFF", 3, &sb), -1);
    cr_assert_eq(cjktok_query_build("劳\xE5\x8A", 5, &sb), -1);
    cr_assert_eq(sb.len, 0);
}

Test(cjktok_query, appends_and_keeps_buffer_on_failure)
{
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(strbuf_puts(&sb, "title : "), 0);
    cr_assert_eq(build("，。", &sb), 1);
    cr_assert_eq(cjktok_query_build("\xFF", 1, &sb), -1);
    cr_assert_str_eq(sb.data, "title : ");
    cr_assert_eq(build("证", &sb), 0);
    cr_assert_str_eq(sb.data, "title : \"证\"");
    strbuf_free(&sb);
}

/* ---- end to end with FTS5 ---- */

static sqlite3 *db;

static void db_open(void)
{
    static const char *rows[][2] = {
        {"劳动手册办理", "就业创业证 劳动 手册 申领"},
        {"最低生活保障申请", "低保 低保 申请 条件 低保 家庭"},
        {"居住证申领", "居住登记满半年可申领"},
        {"Labour handbook", "How to get a labour handbook"},
        {"出生医学证明", "新生儿 出生 证明"},
        {"临时救助", "遇到困难的家庭可申请临时救助，已领低保的家庭另行规定，"
                     "申请材料包括身份证件户口簿收入证明和其他材料"},
    };
    sqlite3_stmt *st = NULL;
    size_t i;

    cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    cr_assert_eq(cjktok_register(db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='spk')",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, title, body) VALUES (?1, ?2, ?3)",
                                    -1, &st, NULL),
                 SQLITE_OK);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cr_assert_eq(sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1), SQLITE_OK);
        cr_assert_eq(sqlite3_bind_text(st, 2, rows[i][0], -1, SQLITE_STATIC), SQLITE_OK);
        cr_assert_eq(sqlite3_bind_text(st, 3, rows[i][1], -1, SQLITE_STATIC), SQLITE_OK);
        cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db));
        cr_assert_eq(sqlite3_reset(st), SQLITE_OK);
    }
    cr_assert_eq(sqlite3_finalize(st), SQLITE_OK);
}

static void db_close(void)
{
    cr_assert_eq(sqlite3_close(db), SQLITE_OK);
    db = NULL;
}

/* Runs the query the way the search page will: built expression, bound as a
 * parameter, best bm25() first. Fills ids (up to max) and returns the count. */
static size_t search(const char *q, sqlite3_int64 *ids, size_t max)
{
    struct strbuf expr = STRBUF_INIT;
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    double prev = -1e300, score;
    int rc;

    cr_assert_eq(cjktok_query_build(q, strlen(q), &expr), 0, "query %s", q);
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT rowid, bm25(t) FROM t WHERE t MATCH ?1 "
                                    "ORDER BY bm25(t), rowid",
                                    -1, &st, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_bind_text(st, 1, expr.data, (int)expr.len, SQLITE_TRANSIENT), SQLITE_OK);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cr_assert_lt(n, max);
        ids[n++] = sqlite3_column_int64(st, 0);
        score = sqlite3_column_double(st, 1);
        cr_assert_leq(prev, score, "bm25 not ascending");
        prev = score;
    }
    cr_assert_eq(rc, SQLITE_DONE, "%s: %s", expr.data, sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_finalize(st), SQLITE_OK);
    strbuf_free(&expr);
    return n;
}

static int has(const sqlite3_int64 *ids, size_t n, sqlite3_int64 id)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

TestSuite(cjktok_fts, .init = db_open, .fini = db_close);

Test(cjktok_fts, two_character_phrase)
{
    sqlite3_int64 ids[8];
    size_t n = search("劳动", ids, 8);

    cr_assert_eq(n, 1);
    cr_assert_eq(ids[0], 1);
}

Test(cjktok_fts, reversed_characters_do_not_match)
{
    sqlite3_int64 ids[8];

    cr_assert_eq(search("动劳", ids, 8), 0);
    /* 低 and 保 both occur in the title of row 2, but not side by side */
    cr_assert_eq(search("低保", ids, 8), 2);
    cr_assert(has(ids, 2, 2) && has(ids, 2, 6));
}

Test(cjktok_fts, single_character)
{
    sqlite3_int64 ids[8];
    size_t n = search("证", ids, 8);

    /* 就业创业证 (1), 居住证 (3), 证明 (5), 身份证件/证明 (6) */
    cr_assert_eq(n, 4);
    cr_assert(has(ids, n, 1) && has(ids, n, 3) && has(ids, n, 5) && has(ids, n, 6));
    cr_assert(!has(ids, n, 2) && !has(ids, n, 4));
}

Test(cjktok_fts, latin_words_fold_case_and_width)
{
    sqlite3_int64 ids[8];

    cr_assert_eq(search("LABOUR", ids, 8), 1);
    cr_assert_eq(ids[0], 4);
    cr_assert_eq(search("ｌａｂｏｕｒ　Handbook", ids, 8), 1);
    cr_assert_eq(ids[0], 4);
    cr_assert_eq(search("labou", ids, 8), 0);
}

Test(cjktok_fts, terms_are_anded)
{
    sqlite3_int64 ids[8];

    cr_assert_eq(search("申领 证", ids, 8), 2);
    cr_assert(has(ids, 2, 1) && has(ids, 2, 3));
    cr_assert_eq(search("申领，低保", ids, 8), 0);
}

Test(cjktok_fts, bm25_ranks_denser_match_first)
{
    sqlite3_int64 ids[8];

    /* row 2 says 低保 three times in a short body; row 6 once in a long one */
    cr_assert_eq(search("低保", ids, 8), 2);
    cr_assert_eq(ids[0], 2);
    cr_assert_eq(ids[1], 6);
}

Test(cjktok_fts, highlight_uses_original_offsets)
{
    struct strbuf expr = STRBUF_INIT;
    sqlite3_stmt *st = NULL;

    cr_assert_eq(cjktok_query_build("劳动", strlen("劳动"), &expr), 0);
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1",
                                    -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_bind_text(st, 1, expr.data, -1, SQLITE_TRANSIENT), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "[劳动]手册办理");
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    cr_assert_eq(sqlite3_finalize(st), SQLITE_OK);
    strbuf_free(&expr);
}

Test(cjktok_fts, longest_query_runs)
{
    char q[CJKTOK_QUERY_MAX];
    sqlite3_int64 ids[8];
    size_t i;

    /* 128 one-letter terms: the largest AND chain a resident can produce */
    for (i = 0; i < sizeof q; i += 2) {
        q[i] = 'a';
        q[i + 1] = ' ';
    }
    q[sizeof q - 1] = '\0';
    cr_assert_eq(search(q, ids, 8), 1);
    cr_assert_eq(ids[0], 4);
}

Test(cjktok_fts, unknown_tokenizer_option_is_an_error)
{
    cr_assert_neq(sqlite3_exec(db, "CREATE VIRTUAL TABLE u USING fts5(x, tokenize='spk nope')",
                               NULL, NULL, NULL),
                  SQLITE_OK);
    /* registering again on the same connection is harmless */
    cr_assert_eq(cjktok_register(db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "CREATE VIRTUAL TABLE v USING fts5(x, tokenize='spk')", NULL,
                              NULL, NULL),
                 SQLITE_OK);
}

/* Extension A (刘䶮) and 〇 (二〇二六) are characters of their own */
Test(cjktok_tokenize, extension_a_and_ling)
{
    const char *s = "刘䶮二〇";
    struct toks ts = {.n = 0};

    cr_assert_eq(run(s, strlen(s), &ts), 0);
    cr_assert_eq(ts.n, 4);
    expect(&ts, 0, "刘", 0, 3);
    expect(&ts, 1, "䶮", 3, 6);
    expect(&ts, 2, "二", 6, 9);
    expect(&ts, 3, "〇", 9, 12);
}

/* ---- mutation review of src/cjktok.c ---- */

/* The edges of the ranges: U+4DBF (Extension A's last), U+F900
 * (the first compatibility ideograph), U+2B740 (Extension D, past B), 々 and the
 * katakana middle dot ・, which separates. */
Test(cjktok_tokenize, range_edges)
{
    const char *s = "䶿\xEF\xA4\x80\xF0\xAB\x9D\x80人々カ・ナ";
    struct toks ts = {.n = 0};

    cr_assert_eq(run(s, strlen(s), &ts), 0);
    cr_assert_eq(ts.n, 7, "%zu tokens", ts.n);
    expect(&ts, 0, "䶿", 0, 3);
    expect(&ts, 1, "\xEF\xA4\x80", 3, 6);
    expect(&ts, 2, "\xF0\xAB\x9D\x80", 6, 10);
    expect(&ts, 3, "人", 10, 13);
    expect(&ts, 4, "々", 13, 16);
    expect(&ts, 5, "カ", 16, 19);
    expect(&ts, 6, "ナ", 22, 25);
}

/* Þ is the last Latin-1 capital folded; ÷ separates like ×; Latin
 * Extended (Ł, ź) and Vietnamese (ệ) letters belong to the word. */
Test(cjktok_tokenize, latin_edges)
{
    const char *s = "Þorn 6÷3 Łódź Việt";
    struct toks ts = {.n = 0};

    cr_assert_eq(run(s, strlen(s), &ts), 0);
    cr_assert_eq(ts.n, 5, "%zu tokens", ts.n);
    expect(&ts, 0, "þorn", 0, 5);
    expect(&ts, 1, "6", 6, 7);
    expect(&ts, 2, "3", 9, 10);
    expect(&ts, 3, "Łódź", 11, 18);
    expect(&ts, 4, "việt", 19, 25);
}

/* A stop raised while an invalid byte ends a word is returned at once. */
Test(cjktok_tokenize, callback_stops_at_an_invalid_byte)
{
    struct toks ts = {.n = 0, .stop_at = 1, .stop_rc = 9};

    cr_assert_eq(run("ab\xFF" "cd", 5, &ts), 9);
    cr_assert_eq(ts.n, 1);
}

/* ---- spk_tier and spk_score, called as the search does ---- */

/* Runs sql (rowid, then an integer) with ?1 = match: each row as
 * rowid * 1000 + the integer into out; the count, or -1 on an error. */
static int aux_rows(const char *sql, const char *match, long long *out, int max)
{
    sqlite3_stmt *st = NULL;
    int n = 0, rc;

    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT), SQLITE_OK);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cr_assert_lt(n, max);
        out[n++] = sqlite3_column_int64(st, 0) * 1000 + sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? n : -1;
}

/* spk_tier(t, all, col...): the position of the first listed column every
 * phrase (all = 1) or some phrase (all = 0) has a hit in, the number of
 * listed columns when none. */
Test(cjktok_fts, spk_tier_all_some_and_none)
{
    long long r[8];

    /* 居住证申领 (3) holds both in its title, row 1 only in its text */
    cr_assert_eq(aux_rows("SELECT rowid, spk_tier(t, 1, 0, 1) FROM t WHERE t MATCH ?1 ORDER BY rowid",
                          "\"申领\" AND \"证\"", r, 8), 2);
    cr_assert_eq(r[0], 1001);
    cr_assert_eq(r[1], 3000);
    /* only the title listed: row 1 is in none of them */
    cr_assert_eq(aux_rows("SELECT rowid, spk_tier(t, 1, 0) FROM t WHERE t MATCH ?1 ORDER BY rowid",
                          "\"申领\" AND \"证\"", r, 8), 2);
    cr_assert_eq(r[0], 1001);
    cr_assert_eq(r[1], 3000);
    /* some phrase: 出生 in 出生医学证明's title (5), 身份 only in
     * row 6's text */
    cr_assert_eq(aux_rows("SELECT rowid, spk_tier(t, 0, 0, 1) FROM t WHERE t MATCH ?1 ORDER BY rowid",
                          "\"出生\" OR \"身份\"", r, 8), 2);
    cr_assert_eq(r[0], 5000);
    cr_assert_eq(r[1], 6001);
}

/* spk_score(t, w...): minus the sum of w[col] * tf / (tf + 1.2), every
 * column counted, the last listed one too. */
Test(cjktok_fts, spk_score_counts_every_listed_column)
{
    long long r[8];

    /* 低保 three times in row 2's text, once in row 6's */
    cr_assert_eq(aux_rows("SELECT rowid, CAST(round(-1000 * spk_score(t, 0.0, 1.0)) AS INTEGER) "
                          "FROM t WHERE t MATCH ?1 ORDER BY rowid", "\"低保\"", r, 8), 2);
    cr_assert_eq(r[0], 2000 + 714, "%lld", r[0]);  /* 3 / 4.2 */
    cr_assert_eq(r[1], 6000 + 455, "%lld", r[1]);  /* 1 / 2.2 */
}

/* The documented bounds: CJKTOK_TIER_PHRASES phrases and
 * CJKTOK_SCORE_COLS weights are accepted, one more of either is an error. */
Test(cjktok_fts, aux_function_bounds)
{
    struct strbuf q = STRBUF_INIT;
    long long r[8];
    int i;

    for (i = 0; i < CJKTOK_TIER_PHRASES; i++)
        cr_assert_eq(strbuf_puts(&q, "a "), 0);
    cr_assert_eq(aux_rows("SELECT rowid, spk_tier(t, 1, 0, 1) FROM t WHERE t MATCH ?1", q.data, r, 8), 1);
    cr_assert_eq(r[0], 4001);
    cr_assert_eq(strbuf_puts(&q, "a"), 0);
    cr_assert_eq(aux_rows("SELECT rowid, spk_tier(t, 1, 0, 1) FROM t WHERE t MATCH ?1", q.data, r, 8), -1);
    strbuf_free(&q);
    cr_assert_eq(aux_rows("SELECT rowid, CAST(-spk_score(t, 0, 1, 0, 0, 0, 0, 0, 0) AS INTEGER) "
                          "FROM t WHERE t MATCH ?1", "labour", r, 8), 1);
    cr_assert_eq(aux_rows("SELECT rowid, CAST(-spk_score(t, 0, 1, 0, 0, 0, 0, 0, 0, 0) AS INTEGER) "
                          "FROM t WHERE t MATCH ?1", "labour", r, 8), -1);
}
