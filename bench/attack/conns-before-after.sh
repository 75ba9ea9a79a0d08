#!/bin/sh
# Issue #12 items 2, 3 and 10 (Expect): every attack of bench/attack/ on two
# binaries, side by side. BEFORE defaults to a build of the commit before the
# fix (5083a3f) made in /tmp/conn-before:
#   git archive 5083a3f | (mkdir -p /tmp/conn-before && tar -x -C /tmp/conn-before)
#   make -C /tmp/conn-before -j2 build/spkiosk
# usage: bench/attack/conns-before-after.sh [BEFORE_BIN [AFTER_BIN]]
set -eu
here=$(dirname "$0")
before=${1:-/tmp/conn-before/build/spkiosk}
after=${2:-$(cd "$here/../.." && pwd)/build/spkiosk}
for run in "slow-conns.mjs slow 10 128 20" "slow-conns.mjs idle 80 125 10" \
           "memory.mjs bodies 8 128" "memory.mjs media 240" "expect.mjs 2000000"; do
    for which in before after; do
        if [ "$which" = before ]; then bin=$before; else bin=$after; fi
        # shellcheck disable=SC2086
        printf '%-6s %s\n' "$which" "$(SPKIOSK_BIN=$bin node "$here"/$run)"
    done
done
