#!/bin/sh
# Installs what spkiosk needs on Debian 12, and only what is missing.
#   scripts/deps.sh build   libraries to build and run the daemon
#   scripts/deps.sh test    + Criterion, Node.js and the sqlite3 shell (gcc brings the
#                           sanitizer runtimes), git and ssh-keygen, PostgreSQL 15
#   scripts/deps.sh e2e     + Debian's chromium and a CJK font (browser tests)
#   scripts/deps.sh fuzz    + clang and its libFuzzer runtime
#   scripts/deps.sh valgrind  test's needs + valgrind (make check-valgrind)
#   scripts/deps.sh deb     + debhelper, lintian, mmdebstrap (make deb, make deb-check)
#   scripts/deps.sh bench   + Node.js, wrk and nginx-light (make bench)
#   scripts/deps.sh bench-attack  + slowhttptest too (make bench-attack)
# A library counts as present when pkg-config finds it; apt-get runs only when
# something is missing, so on a ready machine this is a no-op and needs no root.
set -eu
want=${1:-build}
missing=""

need_pc() { # pkg-config name, Debian package
    pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"
}
need_cmd() { # command, Debian package
    command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need_file() { # path, Debian package
    [ -e "$1" ] || missing="$missing $2"
}

need_cmd cc gcc
need_cmd make make
need_cmd pkg-config pkg-config
need_pc libmicrohttpd libmicrohttpd-dev
need_pc sqlite3 libsqlite3-dev
need_pc libcjson libcjson-dev
need_pc libcmark libcmark-dev
need_pc libsodium libsodium-dev
need_pc libqrencode libqrencode-dev
need_pc zlib zlib1g-dev                   # Content-Encoding: gzip
need_file /usr/share/unicode/Unihan_Readings.txt.bz2 unicode-data  # pinyin search table
need_cmd bzcat bzip2
need_cmd esbuild esbuild             # minifies the embedded scripts and stylesheets
if [ "$want" = test ] || [ "$want" = e2e ] || [ "$want" = valgrind ] || [ "$want" = deb ]; then
    need_pc criterion libcriterion-dev
    need_cmd node nodejs
    need_cmd sqlite3 sqlite3     # tests move a case's clock back in the database
    need_cmd openssl openssl     # the TLS test makes its certificate
    need_cmd python3 python3     # the power-cut test's model check writes through the shim
    need_cmd groff groff-base    # tests/install: the man pages render without warnings
    need_cmd man man-db
    need_cmd systemd-analyze systemd  # tests/install: the unit's verify and security score
    need_cmd git git             # a library pulled into a watched folder (git-pull.test.mjs)
    need_cmd ssh-keygen openssh-client  # the office's signing key in that test
    need_file /usr/lib/postgresql/15/bin/initdb postgresql  # the district's figures (tests/district)
    need_cmd faketime faketime   # a daemon started on a wrong clock; make check-days
fi
if [ "$want" = fuzz ]; then
    need_cmd clang clang
    need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
fi
if [ "$want" = bench ] || [ "$want" = bench-attack ]; then
    need_cmd node nodejs
    need_cmd wrk wrk
    need_cmd cc gcc                 # bench/sqlite-commits.c, bench/attack/srcaddr.c
    need_pc sqlite3 libsqlite3-dev
    [ -x /usr/sbin/nginx ] || need_cmd nginx nginx-light  # the static baseline of bench/read-conns.sh
fi
if [ "$want" = bench-attack ]; then
    need_cmd slowhttptest slowhttptest  # the slow floods of bench/attack/floods.mjs
fi
if [ "$want" = deb ]; then
    need_cmd dh debhelper                 # debian/rules (compat 13, dh_installsysusers)
    need_cmd dpkg-buildpackage dpkg-dev
    need_cmd fakeroot fakeroot
    need_cmd lintian lintian
    need_cmd mmdebstrap mmdebstrap        # make deb-check's throw-away root
fi
if [ "$want" = valgrind ]; then
    need_cmd valgrind valgrind
fi
if [ "$want" = e2e ]; then
    need_file /usr/bin/chromium chromium
    need_file /usr/share/fonts/truetype/wqy/wqy-microhei.ttc fonts-wqy-microhei
fi

if [ -n "$missing" ]; then
    echo "deps: installing$missing" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps: missing packages and not root; run: sudo apt-get install$missing" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086 # word splitting of the package list is wanted
    apt-get install -y -qq --no-install-recommends $missing >&2
fi
