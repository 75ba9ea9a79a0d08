/* pinyin_data: the tables that tools/pinyin_gen.c generates from Unihan at
 * build time ($(BUILD)/gen/pinyin.c); only src/pinyin.c reads them.
 *
 * pinyin_syllables: every toneless reading, sorted (strcmp order).
 * pinyin_cps: the ideographs that have a reading, ascending.
 * The readings of pinyin_cps[i] are pinyin_ids[pinyin_at[i] .. pinyin_at[i+1])
 * as indices into pinyin_syllables, the usual reading first. */
#ifndef SPK_PINYIN_DATA_H
#define SPK_PINYIN_DATA_H

#include <stddef.h>
#include <stdint.h>

extern const char *const pinyin_syllables[];
extern const size_t pinyin_n_syllables;
extern const uint32_t pinyin_cps[];
extern const size_t pinyin_n_cps;
extern const uint32_t pinyin_at[];
extern const uint16_t pinyin_ids[];

#endif
