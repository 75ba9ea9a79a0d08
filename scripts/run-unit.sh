#!/bin/sh
# Runs Criterion test binaries from tests/unit/ (where fixtures are relative
# to). Criterion runs each test in a child process and still exits 0 when
# LeakSanitizer reports a leak there, so any sanitizer report in the output
# fails the run too. UNIT_WRAP, if set, prefixes each run (make
# check-valgrind: valgrind, whose reports are lines "==PID== ..."; with
# --quiet it prints nothing else, so any such line fails the run).
set -u
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
    echo "== $t"
    # shellcheck disable=SC2086 # UNIT_WRAP is a command and its options
    (cd tests/unit && ${UNIT_WRAP:-} "../../$t" --jobs 1) >"$log" 2>&1
    rc=$?
    cat "$log"
    if [ "$rc" -ne 0 ]; then
        status=1
    elif grep -qE 'ERROR: (Leak|Address)Sanitizer|runtime error:|^==[0-9]+== ' "$log"; then
        echo "$t: sanitizer or valgrind report above" >&2
        status=1
    fi
done
exit "$status"
