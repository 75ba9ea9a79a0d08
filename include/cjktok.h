/* cjktok: the "spk" FTS5 tokenizer and the search-box query builder.
 *
 * Residents search Chinese procedure titles with one- or two-character
 * queries (证, 低保), which SQLite's trigram tokenizer cannot match. Here every
 * CJK character is its own token, and a query is run as FTS5 phrases, so
 * "劳动" matches only 劳 directly followed by 动. Latin text is split into
 * lower-cased words as usual.
 */
#ifndef SPK_CJKTOK_H
#define SPK_CJKTOK_H

#include <stddef.h>

#include <sqlite3.h>

#include "strbuf.h"

/* Name to use in `CREATE VIRTUAL TABLE ... USING fts5(..., tokenize='spk')`. */
#define CJKTOK_NAME "spk"
/* Longest word token in bytes; longer letter/digit runs are split into
 * several tokens, never inside a character. */
#define CJKTOK_WORD_MAX 64
/* Longest query, in bytes, that cjktok_query_build accepts. */
#define CJKTOK_QUERY_MAX 256

/* Called once per token, in text order. tok[0..len) is the normalised token
 * (not NUL-terminated, owned by the tokenizer, valid only during the call);
 * [start, end) are the byte offsets of the text it came from in the ORIGINAL
 * input, so a full-width "ＡＢ" gives tok "ab" with end - start == 6.
 * Return 0 to go on, anything else to stop: cjktok_tokenize then returns it. */
typedef int (*cjktok_fn)(void *ctx, const char *tok, size_t len, size_t start, size_t end);

/* Splits text[0..len) into tokens and calls fn for each:
 *  - CJK ideographs (U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+20000-2FFFF,
 *    plus 〇 U+3007 and 々 U+3005), Hiragana, Katakana and Hangul syllables
 *    give one token per character;
 *  - runs of ASCII letters/digits and Latin-1/Latin Extended letters give one
 *    word each (at most CJKTOK_WORD_MAX bytes), after full-width ASCII
 *    U+FF01-FF5E is folded to ASCII and A-Z and Latin-1 capitals are
 *    lower-cased;
 *  - everything else (white space, punctuation, symbols) and every invalid
 *    UTF-8 byte only separates tokens.
 * Never reads past len; text may be NULL when len is 0. Returns 0 once the
 * whole text is done, or the first non-zero value fn returned. */
int cjktok_tokenize(const char *text, size_t len, cjktok_fn fn, void *ctx);

/* The FTS5 auxiliary function cjktok_register also adds: spk_tier(table,
 * all, col...) gives the search tier of a row (see src/cjktok.c). A query of
 * more phrases than CJKTOK_TIER_PHRASES makes it fail with an error. */
#define CJKTOK_TIER_FN "spk_tier"
#define CJKTOK_TIER_PHRASES 256
/* And spk_score(table, w0, w1, ...), the rank within a tier, for at most
 * CJKTOK_SCORE_COLS columns (see src/cjktok.c). */
#define CJKTOK_SCORE_FN "spk_score"
#define CJKTOK_SCORE_COLS 8

/* Registers the tokenizer as CJKTOK_NAME on db, and spk_tier and spk_score. Needed on every connection
 * that creates, writes or queries a table using it; registering again simply
 * replaces it. The tokenizer keeps no state, so nothing has to be freed.
 * Returns 0 (SQLITE_OK), or an SQLite error code, e.g. SQLITE_ERROR when the
 * library was built without FTS5. */
int cjktok_register(sqlite3 *db);

/* The FTS5 API of db into *out, for registering tokenizers (here and in
 * src/pinyin.c). Returns SQLITE_OK, or an SQLite error code (SQLITE_ERROR
 * when FTS5 is missing or older than API version 2); *out is then NULL. */
int cjktok_fts5_api(sqlite3 *db, fts5_api **out);

/* Turns a resident's query q[0..len) into an FTS5 MATCH expression appended
 * to out. The query is split on everything the tokenizer does not index
 * (white space including U+3000, ASCII and CJK punctuation, symbols); each
 * remaining term becomes a quoted phrase (any '"' inside doubled) and the
 * phrases are joined with AND: `劳动 手册` gives `"劳动" AND "手册"`.
 * Returns 0 when something was appended; 1 when the query has no searchable
 * character (empty, only spaces or punctuation); -1 when q is longer than
 * CJKTOK_QUERY_MAX bytes, is not valid UTF-8, or memory runs out. On 1 and
 * -1 out is left as it was. out stays the caller's to free (strbuf_free). */
int cjktok_query_build(const char *q, size_t len, struct strbuf *out);

#endif
