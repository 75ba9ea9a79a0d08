#!/bin/sh
# load.sh HALL.csv...: loads halls' `spkiosk export --format csv` files into
# the district database (schema.sql), each file in one transaction through
# load.sql (COPY into a staging table, then INSERT ... ON CONFLICT), so a
# file loaded twice does not count twice and a broken file changes nothing.
# The database is libpq's: PGHOST, PGPORT, PGDATABASE, PGUSER (or
# ~/.pgpass), as for psql. Stops at the first file that fails (exit 1),
# naming it; the files before it stay loaded.
set -eu
if [ $# -eq 0 ]; then
    echo "usage: load.sh HALL.csv..." >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
OLD_HEADER=date,hall,procedure,channel,stage,created,submitted,completed,rejected,abandoned,ratings,rating_sum,rating_avg,stages_done,on_time,late
for f in "$@"; do
    if [ ! -f "$f" ] || [ ! -r "$f" ]; then
        echo "load.sh: $f: not a readable file" >&2
        exit 1
    fi
    # an export made before 2026-12-07 (a hall on an older build) has the
    # first 16 columns only: load.sql copies those, its ratings unsorted
    old=0
    if [ "$(head -n 1 "$f" | tr -d '\r')" = "$OLD_HEADER" ]; then
        old=1
    fi
    # psql reads the commands from load.sql and the rows from standard input
    if ! psql -X -q -v ON_ERROR_STOP=1 -v old_export=$old --single-transaction \
            -f "$here/load.sql" <"$f"; then
        echo "load.sh: $f: not loaded (nothing of it was kept)" >&2
        exit 1
    fi
    echo "load.sh: $f loaded"
done
