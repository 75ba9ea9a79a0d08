#!/bin/sh
# CPU per read: one daemon on the sample library, one wrk run, and the
# daemon's user and system CPU time over it (/proc/PID/stat fields 14, 15)
# divided by the requests wrk made. The figures of docs/performance.md's
# "What changed" items 11-13 (the log line, the connection memory, the
# acceptor) came from runs of this, alternating two binaries.
# Usage: bench/read-cpu.sh [BIN] [THREADS] [CONNS] [SECONDS]
#   defaults: build/spkiosk 4 32 3; URL_PATH picks the request (default a
#   procedure's JSON); TMPDIR places the database and the log.
# Prints: threads=N conns=N rps=R p99=P user_us=U sys_us=S
# wrk's connections are spread over 50 source addresses (127.0.0.10-59),
# as bench/read-conns.sh does, so --max-per-address is not what is measured.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/spkiosk}
threads=${2:-4}
conns=${3:-32}
secs=${4:-3}
path=${URL_PATH:-/api/v1/procedures/labour-handbook}
[ -x "$bin" ] || { echo "no binary at $bin (make build/spkiosk)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing (scripts/deps.sh bench)" >&2; exit 1; }
dir=$(mktemp -d)
pid=
cleanup() {
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT
cc -shared -fPIC -O2 -o "$dir/srcaddr.so" "$here/attack/srcaddr.c" -ldl
"$bin" serve --listen 127.0.0.1:0 --db "$dir/db" --procedures "$here/../procedures" \
    --threads "$threads" >"$dir/log" 2>&1 &
pid=$!
i=0
until grep -q listening "$dir/log" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -lt 600 ] || { echo "daemon did not start" >&2; exit 1; }
    sleep 0.05
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/log" | head -1)$path
curl -sf "$url" -o /dev/null
set -- $(awk '{print $14, $15}' "/proc/$pid/stat")
u0=$1 s0=$2
out=$(LD_PRELOAD="$dir/srcaddr.so" SPK_SRC_FIRST=127.0.0.10 SPK_SRC_COUNT=50 \
    wrk -t2 -c"$conns" -d"${secs}s" --latency "$url")
set -- $(awk '{print $14, $15}' "/proc/$pid/stat")
u1=$1 s1=$2
echo "$out" | awk -v t="$threads" -v c="$conns" -v u="$((u1 - u0))" -v s="$((s1 - s0))" \
    -v hz="$(getconf CLK_TCK)" '
    / requests in / { n = $1 }
    /Requests\/sec/ { r = $2 }
    $1 == "99%" { p = $2 }
    END { printf "threads=%s conns=%s rps=%s p99=%s user_us=%.2f sys_us=%.2f\n",
                  t, c, r, p, u * 1e6 / hz / n, s * 1e6 / hz / n }'
