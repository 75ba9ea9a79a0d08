#!/bin/sh
# Makes a procedures tree of N procedures (default 1000) from the sample
# library, for load benchmarks: bench/gen-tree.sh OUT [N]
set -eu
out=$1; n=${2:-1000}
src=$(dirname "$0")/../procedures
rm -rf "$out"; mkdir -p "$out"
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
