#!/bin/sh
# Issue #12 item 8: N `spkiosk user add` at once on a fresh database, R
# rounds. For each binary given (default build/spkiosk): how many of the
# N×R commands failed, and the first failure's message.
#   bench/attack/migrate-race.sh [BIN...]    (N=8 R=10 by default: N=.. R=.. to change)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- "$root/build/spkiosk"
N=${N:-8}; R=${R:-10}
printf '%-34s %-18s %s\n' binary "failed of $((N * R))" "first failure"
for bin in "$@"; do
    t=$(mktemp -d); fails=0; first=
    r=0
    while [ $r -lt $R ]; do
        i=0
        while [ $i -lt "$N" ]; do
            (echo 'correct horse battery' | "$bin" user add "u${r}x$i" --role staff --db "$t/r$r.db" \
                >/dev/null 2>"$t/e$r.$i"; echo $? >"$t/s$r.$i") &
            i=$((i + 1))
        done
        wait
        i=0
        while [ $i -lt "$N" ]; do
            if [ "$(cat "$t/s$r.$i")" != 0 ]; then
                fails=$((fails + 1)); [ -n "$first" ] || first=$(head -c 100 "$t/e$r.$i")
            fi
            i=$((i + 1))
        done
        r=$((r + 1))
    done
    printf '%-34s %-18s %s\n' "$bin" "$fails" "${first:--}"
    rm -rf "$t"
done
