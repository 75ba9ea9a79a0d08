#!/bin/sh
# Issue #12 item 4: a second `spkiosk serve` on the address, or on the
# database, of a running one. For each binary given (default build/spkiosk):
# whether the second daemon starts, and how many of 40 requests to the
# address it answered (SO_REUSEPORT split them).
#   bench/attack/two-daemons.sh [BIN...]     e.g. OLD_BIN build/spkiosk
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- "$root/build/spkiosk"
tree=$root/tests/fixtures/tree
wait_port() { # file -> port
    i=0
    while [ $i -lt 50 ]; do
        p=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$1" 2>/dev/null | grep -o '[0-9]*$')
        [ -n "$p" ] && { echo "$p"; return 0; }
        sleep 0.2; i=$((i + 1))
    done
    return 1
}
settle() { # pid errfile: state=started once listening, exited once gone (10 s at most)
    i=0; state=started
    while [ $i -lt 50 ]; do
        grep -q 'listening on' "$2" && return
        # a zombie still answers kill -0: ps says whether it is gone
        st=$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)
        if [ -z "$st" ] || [ "$st" = Z ]; then state=exited; return; fi
        sleep 0.2; i=$((i + 1))
    done
}
printf '%-40s %-34s %-22s %s\n' binary "2nd on same address" "requests it answered" "2nd on same database"
for bin in "$@"; do
    t=$(mktemp -d)
    "$bin" serve --listen 127.0.0.1:0 --db "$t/a.db" --procedures "$tree" >/dev/null 2>"$t/a.err" &
    a=$!
    port=$(wait_port "$t/a.err") || { echo "$bin: first daemon did not start"; kill $a; continue; }
    "$bin" serve --listen "127.0.0.1:$port" --db "$t/b.db" --procedures "$tree" >/dev/null 2>"$t/b.err" &
    b=$!
    settle $b "$t/b.err"; if [ $state = started ]; then same_addr="started (serving)"; else wait $b; same_addr="exit $?: $(grep -o 'Address already in use' "$t/b.err" | head -1)"; fi
    i=0
    while [ $i -lt 40 ]; do curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; i=$((i + 1)); done
    sleep 0.3
    answered=$(grep -c 'GET /healthz' "$t/b.err")
    kill $b 2>/dev/null; wait $b 2>/dev/null
    "$bin" serve --listen 127.0.0.1:0 --db "$t/a.db" --procedures "$tree" >/dev/null 2>"$t/c.err" &
    c=$!
    settle $c "$t/c.err"; if [ $state = started ]; then same_db="started (two daemons, one database)"; kill $c; wait $c 2>/dev/null
    else wait $c; same_db="exit $?: $(grep -o 'another spkiosk serve is using the database' "$t/c.err" | head -1)"; fi
    kill $a; wait $a 2>/dev/null
    printf '%-40s %-34s %-22s %s\n' "$bin" "$same_addr" "$answered of 40" "$same_db"
    rm -rf "$t"
done
