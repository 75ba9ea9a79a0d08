/* hall: the hall's own contact details (where, when, which number), set
 * once at start from `serve --hall-location/--hall-hours/--hall-phone`.
 *
 * Halls of one street office share a procedure library; the library's
 * files then leave location, hours and phone out and each hall's daemon
 * fills in its own when it reads a procedure (procedure_parse), so that
 * every page, print and notice of that hall gives that hall's.
 */
#ifndef SPK_HALL_H
#define SPK_HALL_H

#include <stdbool.h>

#define HALL_CONTACT_MAX 200    /* bytes of each value: about 66 Chinese characters */
#define HALL_TAG_LEN 16         /* hex digits of hall_contact_tag, NUL not included */

enum hall_contact_key { HALL_LOCATION, HALL_HOURS, HALL_PHONE, HALL_CONTACT_N };

/* Whether s may be one of the values: 1 to HALL_CONTACT_MAX bytes of UTF-8
 * with no control character (one line). */
bool hall_contact_valid(const char *s);

/* Sets the hall's value of key (NULL or "" for none). Call before any
 * procedure is read and before threads start: readers take no lock.
 * Returns 0, or -1 (kept as it was) when value is not hall_contact_valid
 * or key is out of range. */
int hall_contact_set(enum hall_contact_key key, const char *value);

/* The front-matter key of key ("location", "hours", "phone"), or NULL. */
const char *hall_contact_name(enum hall_contact_key key);

/* The hall's value of key, or NULL when it has none; static storage. */
const char *hall_contact_get(enum hall_contact_key key);

/* The hall's name (`serve --hall-name`), which the one-time notice
 * (render_procedure_print) names as its issuer: NULL or "" for none, else
 * checked by the caller (notify_hall_valid; at most HALL_NAME_MAX bytes).
 * Call it when hall_contact_set may be called. 0, or -1 when too long. */
#define HALL_NAME_MAX 120
int hall_name_set(const char *name);

/* The hall's name, or NULL when none was set; static storage. */
const char *hall_name_get(void);

/* "" when the hall has set none of them (nor its name), else HALL_TAG_LEN
 * hex digits that change with any of the three or the name (a 64-bit
 * FNV-1a: a cache key, not a secret). Pages rendered with the values carry
 * it, so that a change of them renders the library again and no browser
 * keeps the old page. */
const char *hall_contact_tag(void);

#endif
