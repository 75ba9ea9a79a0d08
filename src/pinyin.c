/* pinyin: lookups in the generated Unihan table, the "spkpy" FTS5 tokenizer
 * of the pinyin search table, and the builder that turns a Latin query
 * (dibao, DiBao, di bao, db) into syllable and initial phrases. The
 * tokenizer reuses cjktok_tokenize, so Latin words and characters without a
 * reading split exactly as in the main search table. */
#include "pinyin.h"

#include <string.h>

#include "cjktok.h"
#include "pinyin_data.h"
#include "utf8.h"

/* Longest toneless syllable ("chuang", "zhuang") */
#define PINYIN_SYL_MAX 6

size_t pinyin_readings(uint32_t cp, const char *out[PINYIN_MAX_READINGS])
{
    size_t lo = 0, hi = pinyin_n_cps, n = 0, i;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pinyin_cps[mid] == cp) {
            for (i = pinyin_at[mid]; i < pinyin_at[mid + 1] && n < PINYIN_MAX_READINGS; i++)
                out[n++] = pinyin_syllables[pinyin_ids[i]];
            return n;
        }
        if (pinyin_cps[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The readings of a token that is one whole character, else 0. */
static size_t pinyin_token_readings(const char *tok, size_t len,
                                    const char *out[PINYIN_MAX_READINGS])
{
    uint32_t cp;
    size_t k = utf8_decode(tok, len, &cp);

    if (k == 0 || k != len || cp < 0x3000)
        return 0;
    return pinyin_readings(cp, out);
}

struct pinyin_spell_ctx {
    struct strbuf *full, *initials;
};

static int pinyin_spell_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    struct pinyin_spell_ctx *c = ctx;
    const char *r[PINYIN_MAX_READINGS];

    (void)start;
    (void)end;
    if (pinyin_token_readings(tok, len, r) > 0) {
        if (c->full && strbuf_puts(c->full, r[0]) != 0)
            return -1;
        if (c->initials && strbuf_putc(c->initials, r[0][0]) != 0)
            return -1;
        return 0;
    }
    if (c->full && strbuf_append(c->full, tok, len) != 0)
        return -1;
    if (c->initials && strbuf_append(c->initials, tok, len) != 0)
        return -1;
    return 0;
}

int pinyin_spell(const char *text, size_t len, struct strbuf *full, struct strbuf *initials)
{
    struct pinyin_spell_ctx c = {full, initials};

    return cjktok_tokenize(text, len, pinyin_spell_token, &c) == 0 ? 0 : -1;
}

/* ---- FTS5 tokenizer ---- */

/* Opaque to SQLite, ours to define; no state, so one instance serves all. */
struct Fts5Tokenizer {
    int unused;
};

static struct Fts5Tokenizer pinyin_fts_instance;

struct pinyin_fts_call {
    void *pctx;
    int (*xtoken)(void *, int, const char *, int, int, int);
};

/* An ideograph becomes its readings and their initials, all at its position
 * (the first plain, the rest FTS5_TOKEN_COLOCATED); anything else is passed
 * on as the main tokenizer made it. */
static int pinyin_fts_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    struct pinyin_fts_call *call = ctx;
    const char *r[PINYIN_MAX_READINGS];
    char initials[PINYIN_MAX_READINGS];
    size_t n = pinyin_token_readings(tok, len, r), i, j, ni = 0;
    int rc;

    if (n == 0)
        return call->xtoken(call->pctx, 0, tok, (int)len, (int)start, (int)end);
    for (i = 0; i < n; i++) {
        rc = call->xtoken(call->pctx, i ? FTS5_TOKEN_COLOCATED : 0, r[i], (int)strlen(r[i]),
                          (int)start, (int)end);
        if (rc != SQLITE_OK)
            return rc;
    }
    for (i = 0; i < n; i++) {
        int dup = 0;
        for (j = 0; j < ni; j++)
            dup |= initials[j] == r[i][0];
        /* a one-letter reading (a, e, o) is its own initial, already there */
        for (j = 0; j < n; j++)
            dup |= r[j][0] == r[i][0] && r[j][1] == '\0';
        if (dup)
            continue;
        initials[ni++] = r[i][0];
        rc = call->xtoken(call->pctx, FTS5_TOKEN_COLOCATED, &initials[ni - 1], 1, (int)start,
                          (int)end);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

static int pinyin_fts_create(void *user, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)user;
    (void)argv;
    if (argc != 0)
        return SQLITE_ERROR;
    *out = &pinyin_fts_instance;
    return SQLITE_OK;
}

static void pinyin_fts_delete(Fts5Tokenizer *tok)
{
    (void)tok;
}

static int pinyin_fts_tokenize(Fts5Tokenizer *tok, void *pctx, int flags, const char *text,
                               int ntext, int (*xtoken)(void *, int, const char *, int, int, int))
{
    struct pinyin_fts_call call = {pctx, xtoken};

    (void)tok;
    /* queries reach this table only as Latin phrases (pinyin_query_build),
     * which split as in documents; flags changes nothing */
    (void)flags;
    if (ntext < 0)
        return SQLITE_MISUSE;
    return cjktok_tokenize(text, (size_t)ntext, pinyin_fts_token, &call);
}

static fts5_tokenizer pinyin_fts_methods = {
    pinyin_fts_create,
    pinyin_fts_delete,
    pinyin_fts_tokenize,
};

/* The "pinyin" collation: by the usual reading, letter by letter, as a
 * Chinese reader looks a title up (临时救助 after 亲属关系 by code point,
 * before it here); equal readings by their bytes, so that the order is
 * total. When memory runs out the one comparison falls back to bytes. */
static int pinyin_collate(void *unused, int na, const void *a, int nb, const void *b)
{
    struct strbuf sa = STRBUF_INIT, sb = STRBUF_INIT;
    size_t n = (size_t)(na < nb ? na : nb);
    int r = 0;

    (void)unused;
    if (pinyin_spell(a, (size_t)na, &sa, NULL) == 0 && pinyin_spell(b, (size_t)nb, &sb, NULL) == 0)
        r = strcmp(sa.data ? sa.data : "", sb.data ? sb.data : "");
    strbuf_free(&sa);
    strbuf_free(&sb);
    if (r == 0 && n)
        r = memcmp(a, b, n);
    if (r == 0)
        r = na < nb ? -1 : na > nb;
    return r;
}

int pinyin_register(sqlite3 *db)
{
    fts5_api *api;
    int rc = cjktok_fts5_api(db, &api);

    if (rc != SQLITE_OK)
        return rc;
    rc = api->xCreateTokenizer(api, PINYIN_TOKENIZER, NULL, &pinyin_fts_methods, NULL);
    if (rc != SQLITE_OK)
        return rc;
    return sqlite3_create_collation_v2(db, PINYIN_COLLATION, SQLITE_UTF8, NULL, pinyin_collate, NULL);
}

/* ---- query building ---- */

/* 1 when s[0..n) is a syllable; with prefix, when some syllable starts
 * with it. */
static int pinyin_is_syllable(const char *s, size_t n, int prefix)
{
    size_t lo = 0, hi = pinyin_n_syllables;

    /* the first syllable not before s: if any starts with s, this one does,
     * and it is s itself when s is a whole syllable (shorter sorts first) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(pinyin_syllables[mid], s, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == pinyin_n_syllables || strncmp(pinyin_syllables[lo], s, n) != 0)
        return 0;
    return prefix || pinyin_syllables[lo][n] == '\0';
}

struct pinyin_seg {
    char letters[CJKTOK_QUERY_MAX + 1];
    unsigned char part_end[CJKTOK_QUERY_MAX + 1]; /* 1 where a typed separator was */
    unsigned char failed[CJKTOK_QUERY_MAX + 1];   /* memo: no cut from here works */
    size_t n;
    size_t cut[CJKTOK_QUERY_MAX + 1];             /* unit ends, in order */
    size_t ncut;
};

/* Cuts letters[pos..n) into syllables, longest first, never across a typed
 * separator; the very last unit may be an unfinished syllable. */
static int pinyin_seg_from(struct pinyin_seg *s, size_t pos)
{
    size_t len, stop = pos;

    if (pos == s->n)
        return 1;
    if (s->failed[pos])
        return 0;
    while (stop < s->n && !s->part_end[stop])
        stop++;
    if (stop < s->n)
        stop++; /* part_end marks the last letter of a part */
    for (len = stop - pos < PINYIN_SYL_MAX ? stop - pos : PINYIN_SYL_MAX; len > 0; len--) {
        int last = pos + len == s->n;
        if (!pinyin_is_syllable(s->letters + pos, len, last))
            continue;
        s->cut[s->ncut++] = pos + len;
        if (pinyin_seg_from(s, pos + len))
            return 1;
        s->ncut--;
    }
    s->failed[pos] = 1;
    return 0;
}

int pinyin_query_build(const char *q, size_t len, struct strbuf *out)
{
    struct pinyin_seg s;
    size_t orig = out->len, i = 0, k, j, from;
    uint32_t cp;

    if (len > CJKTOK_QUERY_MAX)
        return -1;
    memset(&s, 0, sizeof s);
    while (i < len) {
        if (!(k = utf8_decode(q + i, len - i, &cp)))
            return 1;
        i += k;
        if (cp >= 0xFF21 && cp <= 0xFF5A)
            cp -= 0xFEE0;
        if (cp >= 'A' && cp <= 'Z')
            cp += 'a' - 'A';
        if (cp >= 'a' && cp <= 'z') {
            s.letters[s.n++] = (char)cp;
        } else if (cp == ' ' || cp == '\t' || cp == 0x3000 || cp == '\'' || cp == 0xFF07 ||
                   cp == '-') {
            if (s.n > 0)
                s.part_end[s.n - 1] = 1;
        } else {
            return 1;
        }
    }
    if (s.n < PINYIN_QUERY_MIN)
        return 1;
    /* the letters are plain ASCII, so the phrases need no quoting */
    if (pinyin_seg_from(&s, 0)) {
        if (strbuf_puts(out, "(\"") != 0)
            goto oom;
        for (from = 0, j = 0; j < s.ncut; from = s.cut[j], j++)
            if ((j && strbuf_putc(out, ' ') != 0) ||
                strbuf_append(out, s.letters + from, s.cut[j] - from) != 0)
                goto oom;
        if (strbuf_puts(out, "\" *) OR ") != 0)
            goto oom;
    }
    if (strbuf_puts(out, "(\"") != 0)
        goto oom;
    for (j = 0; j < s.n; j++)
        if ((j && strbuf_putc(out, ' ') != 0) || strbuf_putc(out, s.letters[j]) != 0)
            goto oom;
    if (strbuf_puts(out, "\")") != 0)
        goto oom;
    return 0;
oom:
    out->len = orig;
    if (out->data)
        out->data[orig] = '\0';
    return -1;
}
