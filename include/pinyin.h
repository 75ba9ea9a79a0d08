/* pinyin: Mandarin readings of CJK ideographs, for finding items by pinyin
 * and initials (dibao, db → 低保).
 *
 * The readings come from Unihan (Debian's unicode-data), turned into a C
 * table at build time by tools/pinyin_gen.c: at most PINYIN_MAX_READINGS per
 * character, without tones, ü written v (and u as a further reading), the
 * usual reading (kMandarin) first. Titles and keywords are indexed in a
 * second FTS5 table, `search_pinyin` (schema/010-pinyin.sql), whose "spkpy"
 * tokenizer replaces each ideograph by all its readings and their initials
 * as colocated tokens at the character's position, so that a phrase of
 * syllables ("di bao") or of initials ("d b") matches consecutive characters
 * whatever reading each polyphone has in context.
 */
#ifndef SPK_PINYIN_H
#define SPK_PINYIN_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "strbuf.h"

#define PINYIN_MAX_READINGS 4
/* Name to use in `CREATE VIRTUAL TABLE ... USING fts5(..., tokenize='spkpy')`. */
#define PINYIN_TOKENIZER "spkpy"
/* Fewest letters a Latin query needs to be searched as pinyin: a single
 * initial would match every fifth character of every title. */
#define PINYIN_QUERY_MIN 2

/* The readings of code point cp into out (pointers to static strings), the
 * usual one first. Returns how many (0 for anything without a Mandarin
 * reading: Latin, kana, punctuation, unassigned code points). */
size_t pinyin_readings(uint32_t cp, const char *out[PINYIN_MAX_READINGS]);

/* Spells text[0..len) with the usual reading of each ideograph: full
 * syllables run together appended to full ("低保" → "dibao"), their first
 * letters to initials ("db"). Latin words and digits are lower-cased (as the
 * search tokenizer folds them) and appended whole to both; other characters
 * and white space are dropped. Either buffer may be NULL. Returns 0, or -1
 * when memory runs out (the buffers then hold a part). */
int pinyin_spell(const char *text, size_t len, struct strbuf *full, struct strbuf *initials);

/* Turns a Latin search query q[0..len) into an FTS5 expression for the
 * pinyin table, appended to out. Only letters (ASCII or full-width, any
 * case) and the separators space, U+3000, ' and - are allowed, with at least
 * PINYIN_QUERY_MIN letters. The letters are cut into syllables (longest
 * first, the last one may be unfinished: "dib" → "di b*"), the space-
 * separated parts each on their own ("xi an" ≠ "xian"); every letter alone
 * is also tried as an initial. "dibao" gives ("di bao" *) OR ("d i b a o").
 * Returns 0 when appended; 1 when q is not such a query (out unchanged);
 * -1 when q is over CJKTOK_QUERY_MAX bytes or memory runs out. */
int pinyin_query_build(const char *q, size_t len, struct strbuf *out);

/* The collation pinyin_register adds: `ORDER BY title COLLATE pinyin`
 * sorts by the usual reading (pinyin_spell's full spelling), then by
 * bytes. */
#define PINYIN_COLLATION "pinyin"

/* Registers the "spkpy" tokenizer and the PINYIN_COLLATION collation on
 * db; needed on every connection, like cjktok_register. Returns SQLITE_OK
 * or an SQLite error code. */
int pinyin_register(sqlite3 *db);

#endif
