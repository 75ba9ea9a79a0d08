#!/bin/sh
# Reads at 32-512 connections, the daemon beside nginx (issue #13 item 4):
# the same bytes (a procedure's detail, 4.7 KB JSON) from
#   spkiosk  the daemon itself;
#   nginx    nginx-light serving them as a static file (sendfile);
#   proxy    nginx as a reverse proxy in front of the daemon (upstream
#            keep-alive), the daemon run with --trusted-proxy 127.0.0.1.
# wrk -t2 at 32, 64, 128, 256 and 512 keep-alive connections, its connections
# spread over 50 source addresses (127.0.0.10-59, the LD_PRELOAD shim
# bench/attack/srcaddr.c) so that --max-per-address (128) is not what is
# measured; three rounds, the sides interleaved in each, medians printed
# with p99 latency and the ratios to nginx.
# Usage: bench/read-conns.sh [SECONDS]   (default 2 s a run; the whole
# script then takes about 100 s; needs build/spkiosk, wrk, cc; loopback only)
# CONNS: the connection counts (default "32 64 128 256 512"; make bench
# uses "32 128 512"); SERVE: more options for the daemon (--threads N);
# SPKIOSK_BIN: another binary (a before/after comparison, as bench/search.sh).
# nginx-light is installed (apt-get) only when nginx is missing, and the
# system service its package starts is stopped; our own nginx runs from a
# temporary folder with its own configuration on free ports.
set -eu
secs=${1:-2}
conns=${CONNS:-32 64 128 256 512}
here=$(cd "$(dirname "$0")" && pwd)
bin=${SPKIOSK_BIN:-"$here/../build/spkiosk"}
[ -x "$bin" ] || { echo "build/spkiosk missing: make build/spkiosk" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing (apt-get install wrk)" >&2; exit 1; }
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    apt-get install -y nginx-light >/dev/null
    # the package starts the system's nginx: not ours, and in the way
    if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
        systemctl stop nginx
    elif [ -s /run/nginx.pid ]; then
        kill "$(cat /run/nginx.pid)" 2>/dev/null || true
    fi
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)
dir=$(mktemp -d)
dpid= npid=
cleanup() {
    [ -z "$npid" ] || kill "$npid" 2>/dev/null || true
    [ -z "$dpid" ] || kill "$dpid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT
free_port() {
    node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
cc -shared -fPIC -O2 -o "$dir/srcaddr.so" "$here/attack/srcaddr.c" -ldl

"$bin" serve --listen 127.0.0.1:0 --db "$dir/db" --procedures "$here/../procedures" \
    --trusted-proxy 127.0.0.1 ${SERVE:-} >>"$dir/daemon.log" 2>&1 &
dpid=$!
i=0
until grep -q listening "$dir/daemon.log" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -lt 600 ] || { echo "daemon did not start" >&2; exit 1; }
    sleep 0.05
done
dport=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/daemon.log" | head -1 | sed 's/.*://')
doc=/api/v1/procedures/labour-handbook
mkdir -p "$dir/www$(dirname $doc)" "$dir/tmp"
curl -sf "http://127.0.0.1:$dport$doc" -o "$dir/www$doc"
# nginx's workers run as another user (www-data) when we are root
chmod -R a+rX "$dir/www"
chmod a+x "$dir"
sport=$(free_port)
pport=$(free_port)
cat >"$dir/nginx.conf" <<CONF
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
daemon off;
events { worker_connections 4096; }
http {
    access_log $dir/nginx-access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    sendfile on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$sport;
        root $dir/www;
        default_type application/json;
    }
    upstream spk {
        server 127.0.0.1:$dport;
        keepalive 128;
    }
    server {
        listen 127.0.0.1:$pport;
        location / {
            proxy_pass http://spk;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
CONF
"$nginx" -c "$dir/nginx.conf" -p "$dir" 2>>"$dir/nginx-error.log" &
npid=$!
i=0
until curl -sf "http://127.0.0.1:$sport$doc" -o /dev/null && curl -sf "http://127.0.0.1:$pport$doc" -o /dev/null; do
    i=$((i + 1)); [ "$i" -lt 200 ] || { echo "nginx did not start" >&2; cat "$dir/nginx-error.log" >&2; exit 1; }
    sleep 0.05
done
for p in "$dport" "$sport" "$pport"; do
    curl -sf "http://127.0.0.1:$p$doc" | cmp -s - "$dir/www$doc" || { echo "not the same bytes on port $p" >&2; exit 1; }
done

# one run: "REQ_PER_S P99_MS ERRORS" (p99 in ms; errors: socket errors + non-2xx)
run() {
    LD_PRELOAD="$dir/srcaddr.so" SPK_SRC_FIRST=127.0.0.10 SPK_SRC_COUNT=50 \
        wrk -t2 -c"$2" -d"${secs}s" --latency "http://127.0.0.1:$1$doc" 2>&1 | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { r = $2 }
        $1 == "99%" { p = ms($2) }
        /Socket errors/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 }
        /Non-2xx/ { e += $NF }
        END { printf "%d %.2f %d\n", r, p, e + 0 }'
    # logs of a run are not kept: a line per request, gigabytes an hour
    : >"$dir/daemon.log"
    : >"$dir/nginx-access.log"
}
med() { sort -n | sed -n 2p; }

printf '| connections | spkiosk req/s | nginx req/s | proxy req/s | spkiosk / nginx | proxy / nginx | p99 spkiosk | p99 nginx | p99 proxy | errors |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for c in $conns; do
    : >"$dir/r"
    for round in 1 2 3; do
        for side in d:$dport s:$sport p:$pport; do
            echo "${side%%:*} $(run "${side#*:}" "$c")" >>"$dir/r"
        done
    done
    get() { awk -v s="$1" -v f="$2" '$1 == s { print $f }' "$dir/r" | med; }
    dr=$(get d 2) sr=$(get s 2) pr=$(get p 2)
    errs=$(awk '{ e += $4 } END { print e + 0 }' "$dir/r")
    printf '| %d | %s | %s | %s | %s | %s | %s ms | %s ms | %s ms | %s |\n' "$c" "$dr" "$sr" "$pr" \
        "$(awk -v a="$dr" -v b="$sr" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="$pr" -v b="$sr" 'BEGIN { printf "%.2f", a / b }')" \
        "$(get d 3)" "$(get s 3)" "$(get p 3)" "$errs"
done
