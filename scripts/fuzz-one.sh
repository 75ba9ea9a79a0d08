#!/bin/sh
# Runs one libFuzzer harness (make fuzz, fuzz-ci, fuzz-depth) from a fresh
# copy of its seed corpus, so that what it finds stays out of the tree, with
# its dictionary when tests/fuzz/dict/NAME.dict exists.
#   scripts/fuzz-one.sh NAME seconds N   for N seconds
#   scripts/fuzz-one.sh NAME runs N      to N executions
# libFuzzer's output goes to build/fuzz/NAME.log; prints one summary line.
# Exit status: 0, or 1 when the harness found a crash, a leak or a timeout
# (the input is build/fuzz/crash-NAME-*; a leak and an abort are crashes).
set -u
name=$1 mode=$2 n=$3
bin=build/fuzz/fuzz_$name corpus=build/fuzz/corpus-$name log=build/fuzz/$name.log
dict=tests/fuzz/dict/$name.dict
case $mode in
    seconds) limit="-max_total_time=$n" ;;
    runs)    limit="-runs=$n" ;;
    *)       echo "fuzz-one: mode is seconds or runs" >&2; exit 2 ;;
esac
[ -x "$bin" ] || { echo "fuzz-one: $bin not built" >&2; exit 2; }
rm -rf "$corpus" && mkdir -p "$corpus" && cp tests/fuzz/corpus/"$name"/* "$corpus"/ || exit 2
rm -f build/fuzz/crash-"$name"-*
set -- -max_len=65536 -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 \
       -artifact_prefix=build/fuzz/crash-"$name"- "$limit"
[ -f "$dict" ] && set -- "$@" -dict="$dict"
"$bin" "$@" "$corpus" >"$log" 2>&1
rc=$?
echo "== fuzz_$name: exit $rc; $(grep -E '^#[0-9]+' "$log" | tail -1)"
[ $rc -eq 0 ] || { tail -30 "$log"; exit 1; }
exit 0
