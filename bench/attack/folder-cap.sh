#!/bin/sh
# Issue #12 item 10 (the folder half): a category folder of 10005
# procedure files, over the 10000-file cap. For each binary given (default
# build/spkiosk): how many procedures `spkiosk serve` loaded from it and the
# report's line about the folder. (Loading 10000 procedures takes a minute.)
#   bench/attack/folder-cap.sh [BIN...]
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- "$root/build/spkiosk"
t=$(mktemp -d)
mkdir -p "$t/tree/big"
printf '# 大分类\n\n很多文件。\n' >"$t/tree/big/README.md"
python3 - "$t/tree/big" <<'PY'
import sys
for i in range(10005):
    open(f'{sys.argv[1]}/p{i:05d}.md', 'w').write(f'# 事项 {i}\n\n## 第一步\n\n带上身份证。\n')
PY
printf '%-34s %-14s %s\n' binary "live" "the report on the folder"
for bin in "$@"; do
    rm -f "$t"/x.db*
    "$bin" serve --listen 127.0.0.1:0 --db "$t/x.db" --procedures "$t/tree" >/dev/null 2>"$t/err" &
    pid=$!
    i=0
    while [ $i -lt 600 ] && ! grep -q 'listening on' "$t/err" 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
    kill $pid; wait $pid 2>/dev/null
    live=$(grep -o 'loaded [^:]*: [0-9]* live' "$t/err" | grep -o '[0-9]* live')
    said=$(grep -m1 "^$t/tree/big:1:" "$t/err" | sed "s|^$t/||")
    printf '%-34s %-14s %s\n' "$bin" "$live" "$said"
done
rm -rf "$t"
