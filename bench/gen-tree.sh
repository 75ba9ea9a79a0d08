#!/bin/sh
# Makes a procedures tree of N procedures (default 1000) from the sample
# library, for load benchmarks: bench/gen-tree.sh OUT [N]
set -eu
out=$1; n=${2:-1000}
src=$(dirname "$0")/../procedures
rm -rf "$out"; mkdir -p "$out"
# the library's shared files that procedures link to (offices, posts, the
# calendar): without them every copy linking an office is a file with
# errors, read and parsed again at every load. Not _triage.md: it names
# the sample's ids.
for f in _directory.md _posts.md _calendar.md; do
    [ -f "$src/$f" ] && cp "$src/$f" "$out/$f"
done
i=0
while [ "$i" -lt "$n" ]; do
    for f in "$src"/*/*.md; do
        [ "$i" -ge "$n" ] && break
        case "$f" in */README.md) continue;; esac
        cat=c$((i % 20))
        mkdir -p "$out/$cat"
        [ -f "$out/$cat/README.md" ] || printf '# 分类 %s\n\n基准测试用的分类。\n' "$cat" > "$out/$cat/README.md"
        # a distinct id and content per copy
        sed "s/^# \(.*\)/# \1 $i/" "$f" > "$out/$cat/p$i.md"
        i=$((i + 1))
    done
done
