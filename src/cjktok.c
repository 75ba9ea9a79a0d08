/* cjktok: the "spk" FTS5 tokenizer (one token per CJK character, lower-cased
 * words for Latin text) and the builder that turns a search-box query into
 * FTS5 phrases. Documents and queries go through the same code, which is what
 * makes a query phrase match the document tokens it was typed from. */
#include "cjktok.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

enum cjktok_class {
    CJKTOK_SEP,   /* separates tokens, never indexed */
    CJKTOK_CHAR,  /* a token on its own */
    CJKTOK_WORD,  /* part of a letter/digit run */
};

static int cjktok_is_char(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF) ||
           /* 〇 and 々 stand for characters in dates and names (二〇二六年) */
           cp == 0x3005 || cp == 0x3007 ||
           (cp >= 0x3041 && cp <= 0x309F) ||          /* Hiragana */
           /* Katakana without U+30A0 and the ・ separator U+30FB */
           (cp >= 0x30A1 && cp <= 0x30FF && cp != 0x30FB) ||
           (cp >= 0xAC00 && cp <= 0xD7A3);            /* Hangul syllables */
}

/* Classifies cp; for a word character *folded is the form to index, so that
 * "ＡＢＣ", "ABC" and "abc" all become the same token. */
static enum cjktok_class cjktok_classify(uint32_t cp, uint32_t *folded)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0;
    if (cp >= 'A' && cp <= 'Z') {
        *folded = cp + ('a' - 'A');
        return CJKTOK_WORD;
    }
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
        *folded = cp;
        return CJKTOK_WORD;
    }
    /* Latin-1 capitals sit exactly 0x20 below their small letters, so "CAFÉ"
     * and "café" fold cheaply; Latin Extended case pairs are irregular and are
     * left as typed. */
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) {
        *folded = cp + 0x20;
        return CJKTOK_WORD;
    }
    if ((cp >= 0xDF && cp <= 0x24F && cp != 0xF7) || (cp >= 0x1E00 && cp <= 0x1EFF)) {
        *folded = cp;
        return CJKTOK_WORD;
    }
    if (cjktok_is_char(cp))
        return CJKTOK_CHAR;
    return CJKTOK_SEP;
}

/* The word being collected; it holds folded bytes, while start/end point
 * into the original text. */
struct cjktok_word {
    char buf[CJKTOK_WORD_MAX];
    size_t len, start, end;
};

static int cjktok_word_flush(struct cjktok_word *w, cjktok_fn fn, void *ctx)
{
    int rc = SQLITE_OK;

    if (w->len == 0)
        return 0;
    rc = fn(ctx, w->buf, w->len, w->start, w->end);
    w->len = 0;
    return rc;
}

int cjktok_tokenize(const char *text, size_t len, cjktok_fn fn, void *ctx)
{
    struct cjktok_word w = {.len = 0};
    char enc[4];
    size_t i = 0, k, n;
    uint32_t cp, folded = 0;
    int rc = SQLITE_OK;

    if (!text)
        len = 0;
    while (i < len) {
        k = utf8_decode(text + i, len - i, &cp);
        if (k == 0) {
            /* resynchronise on the next byte: a damaged byte costs one gap
             * between tokens, not the rest of the text */
            rc = cjktok_word_flush(&w, fn, ctx);
            if (rc != 0)
                return rc;
            i++;
            continue;
        }
        switch (cjktok_classify(cp, &folded)) {
        case CJKTOK_WORD:
            n = utf8_encode(folded, enc);
            if (n == 0)
                break;
            if (w.len + n > sizeof w.buf) {
                rc = cjktok_word_flush(&w, fn, ctx);
                if (rc != 0)
                    return rc;
            }
            if (w.len == 0)
                w.start = i;
            memcpy(w.buf + w.len, enc, n);
            w.len += n;
            w.end = i + k;
            break;
        case CJKTOK_CHAR:
            rc = cjktok_word_flush(&w, fn, ctx);
            if (rc != 0)
                return rc;
            /* the character is already in its indexed form */
            rc = fn(ctx, text + i, k, i, i + k);
            if (rc != 0)
                return rc;
            break;
        case CJKTOK_SEP:
            rc = cjktok_word_flush(&w, fn, ctx);
            if (rc != 0)
                return rc;
            break;
        }
        i += k;
    }
    return cjktok_word_flush(&w, fn, ctx);
}

/* ---- FTS5 glue ---- */

/* SQLite leaves Fts5Tokenizer opaque for each tokenizer to define. Ours has
 * no state, so one shared instance serves every table and thread. */
struct Fts5Tokenizer {
    int unused;
};

static struct Fts5Tokenizer cjktok_fts_instance;

struct cjktok_fts_call {
    void *pctx;
    int (*xtoken)(void *, int, const char *, int, int, int);
};

static int cjktok_fts_create(void *user, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)user;
    (void)argv;
    /* an option we do not know is more likely a typo than something to
     * ignore silently */
    if (argc != 0)
        return SQLITE_ERROR;
    *out = &cjktok_fts_instance;
    return SQLITE_OK;
}

static void cjktok_fts_delete(Fts5Tokenizer *tok)
{
    (void)tok;
}

static int cjktok_fts_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    struct cjktok_fts_call *call = ctx;

    /* tflags must stay 0: FTS5_TOKEN_COLOCATED would mark the token as a
     * synonym of the previous one. Every value fits in int because FTS5
     * handed us an int length. */
    return call->xtoken(call->pctx, 0, tok, (int)len, (int)start, (int)end);
}

static int cjktok_fts_tokenize(Fts5Tokenizer *tok, void *pctx, int flags, const char *text,
                               int ntext,
                               int (*xtoken)(void *, int, const char *, int, int, int))
{
    struct cjktok_fts_call call = {pctx, xtoken};

    (void)tok;
    /* Documents, query phrases (with or without a trailing *) and auxiliary
     * calls must all split identically, or a phrase could never line up with
     * the indexed tokens; flags therefore changes nothing. */
    (void)flags;
    if (ntext < 0)
        return SQLITE_MISUSE;
    /* A non-zero value is xToken's own code (SQLITE_NOMEM, SQLITE_DONE...),
     * which FTS5 expects back unchanged. */
    return cjktok_tokenize(text, (size_t)ntext, cjktok_fts_token, &call);
}

static fts5_tokenizer cjktok_fts_methods = {
    cjktok_fts_create,
    cjktok_fts_delete,
    cjktok_fts_tokenize,
};

int cjktok_fts5_api(sqlite3 *db, fts5_api **out)
{
    sqlite3_stmt *st = NULL;
    fts5_api *api = NULL;
    int rc, frc;

    *out = NULL;
    /* FTS5 hands out its API only through this pointer-passing query. */
    rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc != SQLITE_OK)
        goto out;
    rc = sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
    if (rc != SQLITE_OK)
        goto out;
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE)
            rc = SQLITE_ERROR;
        goto out;
    }
    rc = SQLITE_OK;
out:
    frc = sqlite3_finalize(st);
    if (rc == SQLITE_OK && frc != SQLITE_OK)
        rc = frc;
    if (rc != SQLITE_OK)
        return rc;
    /* the layout in our header is version 2; an older FTS5 cannot be
     * trusted to have the same one */
    if (!api || api->iVersion < 2)
        return SQLITE_ERROR;
    *out = api;
    return SQLITE_OK;
}

/* spk_tier(table, all, col...): the search tiers of one MATCH, so that a
 * query is one pass over the index instead of one per tier (issue #13).
 * Returns the position k of the first listed column that the row's hits
 * satisfy: with all = 1, every phrase of the query has a hit in it (what
 * `{col} : (p1 AND p2)` matches, the form cjktok_query_build makes); with
 * all = 0, some phrase has (`{col} : (p1 OR p2)`, pinyin_query_build's
 * form). The number of listed columns when none does. */
static void cjktok_tier(const Fts5ExtensionApi *x, Fts5Context *fc, sqlite3_context *ctx,
                        int nval, sqlite3_value **val)
{
    uint32_t masks[CJKTOK_TIER_PHRASES], want = 0;
    int nphrase = x->xPhraseCount(fc), i, k, all, ph, col;
    int rc = SQLITE_OK;

    if (nval < 1 || nphrase < 0 || nphrase > CJKTOK_TIER_PHRASES) {
        sqlite3_result_error(ctx, "spk_tier: bad arguments or too many phrases", -1);
        return;
    }
    all = sqlite3_value_int(val[0]) != 0;
    memset(masks, 0, sizeof masks);
    /* the columns each phrase is in, phrase by phrase: xInst would first
     * merge every phrase's hits into one sorted list, and a one-character
     * query at 10,000 procedures has dozens per row in the text */
    for (ph = 0; ph < nphrase; ph++) {
        Fts5PhraseIter it;
        for (rc = x->xPhraseFirstColumn(fc, ph, &it, &col); rc == SQLITE_OK && col >= 0;
             x->xPhraseNextColumn(fc, &it, &col))
            if (col < 32)
                masks[ph] |= (uint32_t)1 << col;
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    for (k = 1; k < nval; k++) {
        int c = sqlite3_value_int(val[k]), hit = all;
        if (c < 0 || c >= 32)
            continue;
        want = (uint32_t)1 << c;
        for (i = 0; i < nphrase; i++) {
            if (all && !(masks[i] & want)) {
                hit = 0;
                break;
            }
            if (!all && (masks[i] & want)) {
                hit = 1;
                break;
            }
        }
        if (hit && nphrase > 0) {
            sqlite3_result_int(ctx, k - 1);
            return;
        }
    }
    sqlite3_result_int(ctx, nval - 1);
}

/* spk_score(table, w0, w1, ...): the rank within a tier, lower first like
 * bm25's: minus the sum over phrases and columns of w[col] * tf/(tf + 1.2),
 * tf the phrase's hits in that column (bm25's saturation, without its
 * length normalisation and IDF). bm25 reads each row's column sizes from
 * the docsize table, a lookup per matching row: three quarters of a
 * one-character query at 10,000 procedures (issue #13). Within a tier,
 * rows with hits in weightier columns and more hits come first. */
#define CJKTOK_SCORE_K1 1.2
static void cjktok_score(const Fts5ExtensionApi *x, Fts5Context *fc, sqlite3_context *ctx,
                         int nval, sqlite3_value **val)
{
    int tf[CJKTOK_TIER_PHRASES][CJKTOK_SCORE_COLS];
    int nphrase = x->xPhraseCount(fc), i, c, ph, col, off, rc = SQLITE_OK;
    double score = 0.0;

    if (nphrase < 0 || nphrase > CJKTOK_TIER_PHRASES || nval > CJKTOK_SCORE_COLS) {
        sqlite3_result_error(ctx, "spk_score: bad arguments or too many phrases", -1);
        return;
    }
    memset(tf, 0, sizeof tf[0] * (size_t)nphrase);
    /* each phrase's hits walked on their own (see spk_tier) */
    for (ph = 0; ph < nphrase; ph++) {
        Fts5PhraseIter it;
        for (rc = x->xPhraseFirst(fc, ph, &it, &col, &off); rc == SQLITE_OK && col >= 0;
             x->xPhraseNext(fc, &it, &col, &off))
            if (col < nval)
                tf[ph][col]++;
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    for (i = 0; i < nphrase; i++)
        for (c = 0; c < nval; c++)
            if (tf[i][c])
                score += sqlite3_value_double(val[c]) * tf[i][c] / (tf[i][c] + CJKTOK_SCORE_K1);
    sqlite3_result_double(ctx, -score);
}

int cjktok_register(sqlite3 *db)
{
    fts5_api *api;
    int rc = cjktok_fts5_api(db, &api);

    if (rc != SQLITE_OK)
        return rc;
    rc = api->xCreateTokenizer(api, CJKTOK_NAME, NULL, &cjktok_fts_methods, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = api->xCreateFunction(api, CJKTOK_TIER_FN, NULL, cjktok_tier, NULL);
    if (rc != SQLITE_OK)
        return rc;
    return api->xCreateFunction(api, CJKTOK_SCORE_FN, NULL, cjktok_score, NULL);
}

/* ---- query building ---- */

/* Appends s[0..n) as an FTS5 string, the only quoting FTS5 has. */
static int cjktok_phrase_put(struct strbuf *out, const char *s, size_t n)
{
    size_t i, from = 0;

    if (strbuf_putc(out, '"') != 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (s[i] != '"')
            continue;
        if (strbuf_append(out, s + from, i + 1 - from) != 0 || strbuf_putc(out, '"') != 0)
            return -1;
        from = i + 1;
    }
    if (strbuf_append(out, s + from, n - from) != 0)
        return -1;
    return strbuf_putc(out, '"');
}

int cjktok_query_build(const char *q, size_t len, struct strbuf *out)
{
    size_t orig = out->len, i = 0, k, term = 0, nterms = 0;
    int in_term = 0, rc;
    uint32_t cp, folded;

    if (len > CJKTOK_QUERY_MAX)
        return -1;
    if (!q)
        len = 0;
    if (!utf8_valid(q, len))
        return -1;
    /* One step past the end acts as a final separator that closes the last
     * term. Terms are cut wherever the tokenizer would not index anything,
     * so every phrase holds at least one token; an empty phrase would make
     * the whole AND match nothing. */
    while (i <= len) {
        int sep = 1;

        k = 1;
        if (i < len) {
            k = utf8_decode(q + i, len - i, &cp);
            if (k == 0) {
                rc = -1;
                goto fail;
            }
            sep = cjktok_classify(cp, &folded) == CJKTOK_SEP;
        }
        if (!sep && !in_term) {
            term = i;
            in_term = 1;
        } else if (sep && in_term) {
            if ((nterms > 0 && strbuf_puts(out, " AND ") != 0) ||
                cjktok_phrase_put(out, q + term, i - term) != 0) {
                rc = -1;
                goto fail;
            }
            nterms++;
            in_term = 0;
        }
        i += k;
    }
    return nterms > 0 ? 0 : 1;

fail:
    out->len = orig;
    if (out->data)
        out->data[orig] = '\0';
    return rc;
}
