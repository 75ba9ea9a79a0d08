#!/bin/sh
# Bytes on the wire (issue #13), side by side in one run: for each binary
# given (e.g. the build before the change, then build/spkiosk), the kiosk's
# first paint on the sample library (tools/measure-bytes.mjs: the page, its
# stylesheets, its module graph, the home screen's API call; headers
# included) and the body of the list of a generated library of N
# procedures, as is and with Accept-Encoding: gzip. Bytes only: they do not
# depend on the machine's load.
#   bench/bytes.sh N BINARY...     e.g. bench/bytes.sh 10000 /tmp/old/spkiosk build/spkiosk
set -eu
n=$1
shift
dir=$(mktemp -d)
here=$(cd "$(dirname "$0")" && pwd)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
"$here/gen-tree.sh" "$dir/tree" "$n" >/dev/null
start() { # binary tree db -> sets pid, url
    rm -f "$dir/log"   # not the last daemon's line
    "$1" serve --listen 127.0.0.1:0 --db "$3" --procedures "$2" >/dev/null 2>"$dir/log" &
    pid=$!
    i=0
    until grep -q listening "$dir/log" 2>/dev/null; do
        i=$((i + 1)); [ "$i" -lt 12000 ] || { echo "daemon did not start" >&2; exit 1; }
        sleep 0.05
    done
    url=$(grep -o 'http://[0-9.:]*' "$dir/log" | head -1)
}
stop() { kill "$pid"; wait "$pid" || true; pid=; }
echo "| binary | first paint as is | first paint, gzip | list of $n as is | list, gzip |"
echo "|---|--:|--:|--:|--:|"
k=0
for bin in "$@"; do
    k=$((k + 1))
    start "$bin" "$here/../procedures" "$dir/s$k.db"
    paint=$(node "$here/../tools/measure-bytes.mjs" "$url" | tail -1 | tr -d '*' | awk -F'|' '{gsub(/ /,""); print $3 " | " $4}')
    stop
    start "$bin" "$dir/tree" "$dir/g$k.db"
    plain=$(curl -s -o /dev/null -w '%{size_download}' "$url/api/v1/procedures")
    gz=$(curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_download}' "$url/api/v1/procedures")
    stop
    echo "| $bin | $paint | $plain | $gz |"
done
