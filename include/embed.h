/* embed: files compiled into the binary by tools/embed.c at build time.
 *
 * The web UI (web/) and the SQL migrations (schema/) ship inside build/spkiosk
 * so the daemon is one file with nothing to fetch at run time. The arrays are
 * generated into build/gen/{assets,migrations,repairs}.c, sorted by name.
 */
#ifndef SPK_EMBED_H
#define SPK_EMBED_H

#include <stddef.h>

struct embedded_file {
    const char *name;           /* path relative to its folder, '/'-separated */
    const unsigned char *data;  /* the bytes, followed by one NUL not counted */
    size_t size;
};

extern const struct embedded_file embed_assets[];      /* web/ */
extern const size_t embed_assets_count;
extern const struct embedded_file embed_migrations[];  /* schema/ */
extern const size_t embed_migrations_count;
extern const struct embedded_file embed_repairs[];     /* schema/repair/ (db.c) */
extern const size_t embed_repairs_count;

#endif
