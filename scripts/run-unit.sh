#!/bin/sh
# Runs Criterion test binaries from tests/unit/ (where fixtures are relative
# to). Criterion runs each test in a child process and still exits 0 when
# LeakSanitizer reports a leak there, so any sanitizer report in the output
# fails the run too. UNIT_WRAP, if set, prefixes each run (make
# check-valgrind: valgrind, whose reports are lines "==PID== ..."; with
# --quiet it prints nothing else, so any such line fails the run).
#
# UNIT_JOBS binaries run at a time (default 2, the machine's cores): each
# binary runs its own tests one at a time (--jobs 1) and every test works in
# its own mkdtemp folder, so two binaries share nothing. Each binary's output
# is kept whole and printed in the order given once all have run, so two
# never interleave.
set -u
jobs=${UNIT_JOBS:-2}
case $jobs in
    '' | *[!0-9]* | 0) echo "run-unit.sh: UNIT_JOBS must be a positive number" >&2; exit 2 ;;
esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export SPK_UNIT_OUT="$out"

i=0
for t in "$@"; do
    i=$((i + 1))
    printf '%s %s\n' "$i" "$t"
done | xargs -P "$jobs" -n 2 sh -c '
    # shellcheck disable=SC2086 # UNIT_WRAP is a command and its options
    (cd tests/unit && ${UNIT_WRAP:-} "../../$2" --jobs 1) >"$SPK_UNIT_OUT/$1.log" 2>&1
    echo $? >"$SPK_UNIT_OUT/$1.rc"' sh

status=0
i=0
for t in "$@"; do
    i=$((i + 1))
    echo "== $t"
    if [ ! -f "$out/$i.rc" ]; then
        echo "$t: did not run" >&2
        status=1
        continue
    fi
    cat "$out/$i.log"
    if [ "$(cat "$out/$i.rc")" -ne 0 ]; then
        status=1
    elif grep -qE 'ERROR: (Leak|Address)Sanitizer|runtime error:|^==[0-9]+== ' "$out/$i.log"; then
        echo "$t: sanitizer or valgrind report above" >&2
        status=1
    fi
done
exit "$status"
