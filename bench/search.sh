#!/bin/sh
# Search benchmark (issue #13): a generated tree of N procedures, then
# bench/search.mjs (one client uncached and cached per query; 32
# connections: procedure JSON, a repeated and never-repeated searches).
# Usage: bench/search.sh [N]   (needs build/spkiosk and node)
# SPKIOSK_BIN: another binary (a before/after comparison); TREE: an
# existing tree from bench/gen-tree.sh instead of a new one.
set -eu
n=${1:-1000}
dir=$(mktemp -d)
here=$(cd "$(dirname "$0")" && pwd)
bin=${SPKIOSK_BIN:-$here/../build/spkiosk}
tree=${TREE:-$dir/tree}
[ -n "${TREE:-}" ] || "$here/gen-tree.sh" "$tree" "$n"
"$bin" serve --listen 127.0.0.1:0 --db "$dir/db" --procedures "$tree" 2>"$dir/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
i=0
until grep -q ') in [0-9.]* ms' "$dir/log" 2>/dev/null && grep -q listening "$dir/log"; do
    i=$((i + 1)); [ "$i" -lt 12000 ] || { echo "daemon did not load" >&2; exit 1; }
    sleep 0.05
done
url=$(grep -o 'http://[0-9.:]*' "$dir/log" | head -1)
node "$here/search.mjs" "$url" "$pid" "$dir/log"
