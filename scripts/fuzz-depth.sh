#!/bin/sh
# make fuzz-depth: each harness (FUZZERS) to FUZZ_RUNS executions from its
# seed corpus with its dictionary, one after another at nice FUZZ_NICE
# (10 unless set: the machine is shared), and a row per harness appended to build/fuzz/depth.md:
# the figures the issue asks to be recorded (#12, item 12). The rows are
# what libFuzzer reports at the end (its final stats and DONE line).
#   scripts/fuzz-depth.sh RUNS NAME...
set -u
runs=$1
shift
out=build/fuzz/depth.md
failed=0
if [ ! -f "$out" ]; then
    {
        echo "| harness | executions | seconds | exec/s | cov | ft | corpus | dict entries | crashes | date |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
    } >"$out"
fi
for f in "$@"; do
    start=$(date +%s)
    nice -n "${FUZZ_NICE:-10}" sh scripts/fuzz-one.sh "$f" runs "$runs"
    rc=$?
    secs=$(( $(date +%s) - start ))
    log=build/fuzz/$f.log
    done_line=$(grep -E '^#[0-9]+' "$log" | tail -1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$done_line" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    dict=$(sed -n 's/^Dictionary: \([0-9]*\) entries.*/\1/p' "$log" | head -1)
    crashes=$(ls build/fuzz/crash-"$f"-* 2>/dev/null | tr '\n' ' ')
    [ $rc -eq 0 ] || failed=1
    echo "| $f | ${execs:-?} | $secs | ${eps:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | ${dict:-0} | ${crashes:-0} | $(date -u +%F) |" >>"$out"
done
echo "rows appended to $out"
exit $failed
