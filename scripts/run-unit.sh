#!/bin/sh
# Runs Criterion test binaries from tests/unit/ (where fixtures are relative
# to). Criterion runs each test in a child process and still exits 0 when
# LeakSanitizer reports a leak there, so any sanitizer report in the output
# fails the run too.
set -u
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
    echo "== $t"
    (cd tests/unit && "../../$t" --jobs 1) >"$log" 2>&1
    rc=$?
    cat "$log"
    if [ "$rc" -ne 0 ]; then
        status=1
    elif grep -qE 'ERROR: (Leak|Address)Sanitizer|runtime error:' "$log"; then
        echo "$t: sanitizer report above" >&2
        status=1
    fi
done
exit "$status"
