#!/bin/sh
# Read-path benchmark with wrk (Debian package `wrk`) against the sample
# library: health, a procedure's detail, a one-character search.
# Usage: bench/read.sh [SECONDS]   (needs build/spkiosk; loopback only)
set -eu
secs=${1:-5}
dir=$(mktemp -d)
here=$(cd "$(dirname "$0")" && pwd)
"$here/../build/spkiosk" serve --listen 127.0.0.1:0 --db "$dir/db" --procedures "$here/../procedures" 2>"$dir/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
i=0
until grep -q listening "$dir/log" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -lt 600 ] || { echo "daemon did not start" >&2; exit 1; }
    sleep 0.05
done
url=$(grep -o 'http://[0-9.:]*' "$dir/log" | head -1)
for p in /healthz /api/v1/procedures/labour-handbook "/api/v1/procedures?q=%E8%AF%81"; do
    printf '%s: ' "$p"
    wrk -t2 -c32 -d"${secs}s" "$url$p" | awk '/Requests\/sec/ {r = $2} /Latency/ {l = $2} END {printf "%s req/s, mean latency %s\n", r, l}'
done
