/* export: the hall's anonymous daily figures for the street office
 * (`spkiosk export`), one row per local date, procedure, channel and chain
 * stage, as NDJSON or CSV (RFC 4180). Only counts are read: status,
 * timestamps, channel, stage keys and due dates, rating scores; never a
 * case id, a value, a name, a note or a comment. docs/deployment.md
 * ("Export") describes every column as a stable format.
 */
#ifndef SPK_EXPORT_H
#define SPK_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "db.h"
#include "strbuf.h"

#define EXPORT_DAYS_MAX 366         /* longest range, since and until included */
#define EXPORT_HALL_MAX 64          /* bytes of --hall */

enum export_format { EXPORT_NDJSON, EXPORT_CSV };

/* Checks since and until ("YYYY-MM-DD", real dates of 2000-2999; until
 * NULL: today) and the range: since <= until, at most EXPORT_DAYS_MAX days
 * with both ends included. today is YYYYMMDD. Sets *from and *to
 * (YYYYMMDD) and returns 0, or returns -1 with a message in err. */
int export_range_parse(const char *since, const char *until, int today, int *from, int *to,
                       char *err, size_t errlen);

/* Whether s may name the hall in every row: 1 to EXPORT_HALL_MAX bytes of
 * valid UTF-8, no control character, not starting with = + - @ (a
 * spreadsheet would take the cell for a formula) nor a space. */
bool export_hall_valid(const char *s);

/* Appends s to sb as one CSV field (RFC 4180): as it is, or between double
 * quotes with each quote doubled when it holds a comma, a quote, CR or LF.
 * Returns 0, or -1 when memory ran out. */
int export_csv_field(struct strbuf *sb, const char *s);

/* Writes the rows of local dates from..to (YYYYMMDD) of db to out, in
 * format, each saying hall; CSV starts with its header line. Reads in one
 * read transaction. Returns 0, or -1 with a message in err (database or
 * write error; what was written may be partial). */
int export_write(struct db *db, int from, int to, const char *hall, enum export_format format,
                 FILE *out, char *err, size_t errlen);

#endif
