#!/bin/sh
# Load benchmark: start the daemon on a generated tree of N procedures, read
# its load time from the log and its peak memory from /proc, twice: a cold
# load (everything parsed) and a warm restart (nothing changed, nothing
# parsed). Usage: bench/load.sh [N]   (needs build/spkiosk)
set -eu
n=${1:-1000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
here=$(dirname "$0")
"$here/gen-tree.sh" "$dir/tree" "$n"
run() {
    "$here/../build/spkiosk" serve --listen 127.0.0.1:0 --db "$dir/db" --procedures "$dir/tree" 2>"$dir/log" &
    pid=$!
    i=0
    until grep -q listening "$dir/log" 2>/dev/null; do
        i=$((i + 1)); [ "$i" -lt 600 ] || { echo "daemon did not start" >&2; exit 1; }
        sleep 0.05
    done
    printf '%s: %s, peak RSS %s\n' "$1" "$(grep -o 'loaded.*ms' "$dir/log")" "$(grep VmHWM /proc/$pid/status | tr -s ' \t' ' ' | cut -d' ' -f2-)"
    kill "$pid"; wait "$pid"
}
run cold
run warm
