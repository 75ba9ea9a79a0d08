#!/bin/sh
# check-days: the unit, HTTP and CLI (tests/api), district and browser
# (tests/e2e) tests with the clock moved, under faketime, to the days that
# have broken tests run on the real clock: a Monday morning in UTC (still Sunday at UTC−12, where several
# tests accept a case), a Tuesday evening in UTC (already Wednesday in
# Beijing, the pages' zone: a test that mixed the two failed from 16:00 to
# 24:00 UTC), a Saturday, a Friday afternoon, 31 December, the
# first working days of next year (no calendar dates yet, export ranges
# across the new year), and seven months on (the sample's review_by dates
# passed). `make check` runs on whatever day CI picks; this runs the days
# it would otherwise meet by chance. About 8 minutes a day, half of it the
# browser's; SUITES="unit api" (any of unit api district e2e) runs fewer.
#
#   [SUITES=...] [DAYS="INSTANT, ..."] scripts/check-days.sh BIN [INSTANT...]
#   INSTANT: anything `date -d` reads; in DAYS (make's way in) separated by
#   commas, since an instant holds spaces ("2027-02-10 02:00Z")
#
# The clock is moved by an offset, so it goes on ticking and means the same
# instant to every process whatever its TZ. The monotonic clock is left
# alone (timeouts and condition waits keep working; FAKETIME_FORCE_MONOTONIC_FIX=0
# stops libfaketime shifting a CLOCK_MONOTONIC condition's deadline), and
# files keep the kernel's real times: tests/api/helpers.mjs's FILE_TIMES_REAL
# skips the three backup tests that age files. Chromium inherits the preload
# from node, so the kiosk's own clock (its date line, the visit days it
# offers) is moved with the daemon's.
set -u
export DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0
bin=${1:?usage: check-days.sh BIN [INSTANT...]}
shift
suites=${SUITES:-unit api district e2e}
for suite in $suites; do
    case $suite in
    unit | api | district | e2e) ;;
    *) echo "check-days: unknown suite '$suite' (unit api district e2e)" >&2; exit 2 ;;
    esac
done
if [ $# -eq 0 ] && [ -n "${DAYS:-}" ]; then
    old_ifs=$IFS
    IFS=,
    # shellcheck disable=SC2086 # split on the commas, on purpose
    set -- $DAYS
    IFS=$old_ifs
fi
if [ $# -eq 0 ]; then
    y=$(date -u +%Y)
    set -- "next monday 01:30Z" "next tuesday 20:00Z" "next saturday 02:00Z" "next friday 08:00Z" \
        "$y-12-31 12:00Z" "$((y + 1))-01-04 02:00Z" "now + 7 months"
fi
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for when in "$@"; do
    at=$(date -u -d "$when" +%s) || { echo "check-days: cannot read the date '$when'" >&2; exit 2; }
    off=$((at - $(date -u +%s)))
    case $off in -*) ;; *) off=+$off ;; esac
    label=$(date -u -d "@$at" '+%Y-%m-%d %H:%M UTC, %A')
    for suite in $suites; do
        echo "== $label: $suite"
        case $suite in
        unit)
            # run-unit.sh runs each from tests/unit by a path relative to here
            # shellcheck disable=SC2046 # one word a binary
            UNIT_WRAP="faketime -f $off" sh scripts/run-unit.sh $(ls -d "$(dirname "${bin#"$PWD"/}")"/tests/test_*) >"$log" 2>&1
            ;;
        api)
            SPKIOSK_BIN=$bin faketime -f "$off" node --test --test-concurrency=2 tests/api/ >"$log" 2>&1
            ;;
        *)
            # one file at a time, as `make district` and `make e2e` run them
            SPKIOSK_BIN=$bin faketime -f "$off" \
                node --test --test-concurrency=1 "tests/$suite/" >"$log" 2>&1
            ;;
        esac
        rc=$?
        if [ "$rc" -ne 0 ]; then
            status=1
            # the whole output is kept: a failure under a moved clock may
            # not come back on the next run, so its message must not be lost
            kept=$(dirname "$bin")/check-days/$(date -u -d "@$at" +%Y%m%dT%H%M)-$suite.log
            mkdir -p "$(dirname "$kept")" && cp "$log" "$kept" || kept="(not kept)"
            grep -E '^ *not ok|^ *error: |FAIL|Failing: [1-9]' "$log" | head -40
            grep -qE '^ *not ok|FAIL|Failing: [1-9]' "$log" || tail -5 "$log"
            echo "check-days: $suite failed at $label (rc $rc); its whole output: $kept"
        elif [ "$suite" = unit ]; then
            echo "$(grep -c '^== ' "$log") unit binaries passed"
        else
            grep -E '^# (pass|skipped)' "$log"
        fi
    done
done
exit "$status"
