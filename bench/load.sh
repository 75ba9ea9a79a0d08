#!/bin/sh
# Load benchmark: start the daemon on a generated tree of N procedures, read
# its load time from the log and its CPU time and memory from /proc, three times: a cold
# load (everything parsed), a warm restart (nothing changed, nothing
# read) and a reload after one file changed (the watcher's load, its CPU time
# the daemon's between before the change and after the load).
# Usage: bench/load.sh [N]   (needs build/spkiosk; SPKIOSK_BIN=PATH runs
# another binary, to set two builds side by side)
set -eu
n=${1:-1000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
here=$(dirname "$0")
"$here/gen-tree.sh" "$dir/tree" "$n"
run() {
    rm -f "$dir/log"
    "${SPKIOSK_BIN:-$here/../build/spkiosk}" serve --listen 127.0.0.1:0 --db "$dir/db" --procedures "$dir/tree" 2>"$dir/log" &
    pid=$!
    i=0
    # the daemon may listen before its first load ends: wait for the load line
    until grep -q ') in [0-9.]* ms' "$dir/log" 2>/dev/null; do
        i=$((i + 1)); [ "$i" -lt 12000 ] || { echo "daemon did not load" >&2; exit 1; }
        sleep 0.05
    done
    if [ "$1" = reload ]; then
        # files are stamped only once a second old (LIBRARY_STAMP_RACY_NS)
        sleep 1.1
        c0=$(awk '{print $14 + $15}' /proc/$pid/stat)
        printf '\n<!-- changed -->\n' >>"$dir/tree/c3/p103.md"
        i=0
        until [ "$(grep -c ') in [0-9.]* ms' "$dir/log")" -ge 2 ]; do
            i=$((i + 1)); [ "$i" -lt 1200 ] || { echo "daemon did not reload" >&2; exit 1; }
            sleep 0.05
        done
        printf 'reload: %s, CPU %s ms\n' "$(grep -o ') in [0-9.]* ms[^;]*' "$dir/log" | tail -1 | sed 's/^) //')" \
            "$(awk '{print ($14 + $15 - '"$c0"') * 1000 / '"$(getconf CLK_TCK)"'}' /proc/$pid/stat)"
        kill "$pid"; wait "$pid"
        return
    fi
    # CPU time (user + system, start-up included): what a busy machine does not inflate
    printf '%s: %s, CPU %s ms, peak RSS %s, RSS %s\n' "$1" \
        "$(grep -o ') in [0-9.]* ms[^;]*' "$dir/log" | sed 's/^) //')" \
        "$(awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' /proc/$pid/stat)" \
        "$(grep VmHWM /proc/$pid/status | tr -s ' \t' ' ' | cut -d' ' -f2-)" \
        "$(grep VmRSS /proc/$pid/status | tr -s ' \t' ' ' | cut -d' ' -f2-)"
    kill "$pid"; wait "$pid"
}
run cold
# the generated files must be a second old to be stamped at the next load
sleep 1.1
run warm
run reload
