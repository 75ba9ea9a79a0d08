/* powercut: the record of an undo log (FILE.undo), shared by the LD_PRELOAD
 * library that writes it (powercut.c) and the tool that applies it
 * (undo.c). Native byte order: both run on the machine that wrote it. */
#ifndef SPK_POWERCUT_H
#define SPK_POWERCUT_H

#include <stdint.h>

#define POWERCUT_MAGIC UINT64_C(0x7475637265776f70)    /* "powercut" */

/* Followed by pre_len bytes, then POWERCUT_MAGIC again. */
struct powercut_rec {
    uint64_t magic;
    uint64_t offset;        /* where the write or truncation began */
    uint64_t pre_len;       /* bytes of the old content that follow */
    uint64_t old_size;      /* the file's size before it */
};

#endif
