#!/bin/sh
# Issue #12 item 7: the disk fills under the daemon. The database lives on
# a 4 MiB tmpfs (needs root for mount) that a file then fills; cases are
# created until the disk is full, the file is removed, and cases are created
# again. For each binary given (default build/spkiosk): the statuses while
# full, what the log said, and the statuses once space returned.
#   bench/attack/disk-full.sh [BIN...]       e.g. OLD_BIN build/spkiosk
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- "$root/build/spkiosk"
tree=$root/tests/fixtures/tree
mnt=$(mktemp -d)
if ! mount -t tmpfs -o size=4m tmpfs "$mnt" 2>/dev/null; then
    echo "cannot mount a tmpfs here (not root?); tests/api/disk-full.test.mjs uses a file size limit instead"
    rmdir "$mnt"; exit 1
fi
trap 'umount "$mnt"; rmdir "$mnt"' EXIT
create() { # port -> status code
    curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d '{"procedure":"labour-handbook"}' "http://127.0.0.1:$1/api/v1/cases"
}
printf '%-34s %-26s %-44s %s\n' binary "while full: 20 creates" "log lines about it" "space back: 20 creates"
for bin in "$@"; do
    rm -rf "${mnt:?}"/*
    log=$(mktemp)
    "$bin" serve --listen 127.0.0.1:0 --db "$mnt/x.db" --procedures "$tree" 2>"$log" >/dev/null &
    pid=$!
    i=0; port=
    while [ $i -lt 50 ] && [ -z "$port" ]; do
        port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$'); sleep 0.2; i=$((i + 1))
    done
    # fill the disk but for a few KiB, then create until writes fail
    dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
    rm -f "$mnt/filler"; avail=$(df -k --output=avail "$mnt" | tail -1)
    dd if=/dev/zero of="$mnt/filler" bs=1k count=$((avail - 8)) 2>/dev/null
    n=0; while [ $n -lt 200 ] && [ "$(create "$port")" = 201 ]; do n=$((n + 1)); done
    full=$(i=0; while [ $i -lt 20 ]; do create "$port"; echo; i=$((i + 1)); done | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')
    said=$(grep -c 'storage error' "$log")
    rm -f "$mnt/filler"
    back=$(i=0; while [ $i -lt 20 ]; do create "$port"; echo; i=$((i + 1)); done | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')
    kill $pid; wait $pid 2>/dev/null
    printf '%-34s %-26s %-44s %s\n' "$bin" "$full" "$said 'storage error' lines" "$back"
    grep -m1 'storage error' "$log" | cut -c1-160
    rm -f "$log"
done
