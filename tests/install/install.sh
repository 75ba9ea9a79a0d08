#!/bin/sh
# The install test (make check-install): `make install DESTDIR=$tmp
# PREFIX=/usr` writes exactly the expected files with their modes; both man
# pages render without a warning and spkiosk(1) names every option the
# binary's --help lists; the unit passes `systemd-analyze verify` and scores
# OK or better in `systemd-analyze security`; the installed binary runs and
# checks the installed sample library; `make uninstall` leaves only empty
# folders. Then the same for the default PREFIX (/usr/local), more briefly.
# Usage: tests/install/install.sh BUILD_DIR
set -u
BUILD=${1:-build}
tmp=$(mktemp -d /tmp/spk-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
ok() { echo "ok     $1"; }
fail() { echo "FAILED $1"; failed=$((failed + 1)); }
mk() { make --no-print-directory -s BUILD="$BUILD" "$@" >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; return 1; }; }

root=$tmp/root
# a fresh Debian 12 server has none of the build's libraries: make install,
# the first command of docs/deployment.md's Install, installs them first
# (scripts/deps.sh, a no-op when they are there)
if make --no-print-directory -n BUILD="$BUILD" install DESTDIR="$root" PREFIX=/usr 2>/dev/null |
    grep -q '^sh scripts/deps.sh build$'; then
    ok "make install installs the missing build dependencies first"
else
    fail "make install does not run scripts/deps.sh build first"
fi
if mk install DESTDIR="$root" PREFIX=/usr; then ok "make install DESTDIR PREFIX=/usr"; else fail "make install"; fi

# every file, exactly: the fixed ones and the sample library as git knows it
{
    printf '%s\n' ./lib/systemd/system/spkiosk.service ./usr/bin/spkiosk \
        ./lib/systemd/system/spkiosk-backup.service ./lib/systemd/system/spkiosk-backup.timer \
        ./lib/systemd/system/spkiosk-pull.service ./lib/systemd/system/spkiosk-pull.timer \
        ./etc/spkiosk/spkiosk.conf ./etc/spkiosk/sandbox.conf \
        ./lib/systemd/system/spkiosk.service.d/spkiosk-sandbox.conf \
        ./lib/systemd/system/spkiosk-backup.service.d/spkiosk-sandbox.conf \
        ./usr/lib/sysusers.d/spkiosk.conf ./usr/share/man/man1/spkiosk.1 \
        ./usr/share/man/man5/spkiosk-procedures.5
    if git rev-parse --git-dir >/dev/null 2>&1; then
        git ls-files procedures
    else
        find procedures -type f
    fi | sed 's|^|./usr/share/spkiosk/|'
} | LC_ALL=C sort >"$tmp/expected"
(cd "$root" && find . ! -type d | LC_ALL=C sort) >"$tmp/got"
if cmp -s "$tmp/expected" "$tmp/got"; then
    ok "exactly the $(wc -l <"$tmp/expected") expected files installed"
else
    fail "installed files differ from the expected list:"; diff "$tmp/expected" "$tmp/got"
fi
bad_modes=$(cd "$root" && find . -type f ! -path ./usr/bin/spkiosk ! -perm 0644)
[ -z "$bad_modes" ] && [ "$(stat -c %a "$root/usr/bin/spkiosk")" = 755 ] &&
    ok "modes: the binary 0755, the rest 0644" || fail "modes: $bad_modes"
cmp -s "$root/usr/share/spkiosk/procedures/_triage.md" procedures/_triage.md &&
    ok "the sample library copied as it is" || fail "the installed _triage.md differs"

# the man pages: no warning from groff (-ww, through preconv as man does)
# nor from man itself
for page in usr/share/man/man1/spkiosk.1 usr/share/man/man5/spkiosk-procedures.5; do
    w=$(groff -k -Tutf8 -man -ww -z "$root/$page" 2>&1)
    [ -z "$w" ] && ok "groff -man -ww: $page" || fail "groff warns on $page: $w"
    w=$(MANWIDTH=80 man -l "$root/$page" 2>&1 >/dev/null)
    [ -z "$w" ] && ok "man -l: $page" || fail "man -l warns on $page: $w"
done
# spkiosk(1) stays true to the binary: every --option of every --help
missing=""
for cmd in "" serve check user backup restore export; do
    for opt in $("$root/usr/bin/spkiosk" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
        grep -q -- "$esc" "$root/usr/share/man/man1/spkiosk.1" || missing="$missing $cmd:$opt"
    done
done
[ -z "$missing" ] && ok "spkiosk(1) documents every option of --help" ||
    fail "spkiosk(1) lacks:$missing"

# the unit
unit=$root/lib/systemd/system/spkiosk.service
grep -qx 'ExecStart=/usr/bin/spkiosk serve .*' "$unit" &&
    grep -q 'cp -R /usr/share/spkiosk/procedures' "$unit" && ! grep -q '@[A-Z]*@' "$unit" &&
    ok "the unit names PREFIX's paths" || fail "the unit's paths: $(grep Exec "$unit")"
# the configuration the unit names: every key parses, the three the service
# needs are set; an edited one survives a second install
conf=$root/etc/spkiosk/spkiosk.conf
grep -qx "ExecStart=/usr/bin/spkiosk serve --config /etc/spkiosk/spkiosk.conf" "$unit" &&
    out=$("$root/usr/bin/spkiosk" serve --config "$conf" --check-config 2>&1) &&
    printf '%s\n' "$out" | grep -q '^db  *= /var/lib/spkiosk/spkiosk.db  *(file:' &&
    printf '%s\n' "$out" | grep -q '^procedures  *= /var/lib/spkiosk/procedures  *(file:' &&
    printf '%s\n' "$out" | grep -q '^listen  *= 127.0.0.1:8080  *(file:' &&
    ok "the unit reads /etc/spkiosk/spkiosk.conf, which sets db, procedures and listen" ||
    fail "the configuration: $(grep ExecStart= "$unit") / $out"
cp "$conf" "$tmp/conf.orig"
echo "threads = 2" >>"$conf"
if mk install DESTDIR="$root" PREFIX=/usr && grep -qx "threads = 2" "$conf"; then
    ok "a second install keeps the hall's edited configuration"
else
    fail "a second install overwrote the edited configuration"
fi
cp "$tmp/conf.orig" "$conf"

# the user the unit runs as, as systemd-sysusers makes it from the installed file
if command -v systemd-sysusers >/dev/null 2>&1; then
    mkdir -p "$tmp/sysroot/etc"
    systemd-sysusers --root="$tmp/sysroot" "$root/usr/lib/sysusers.d/spkiosk.conf" 2>/dev/null
    grep -q '^spkiosk:x:[0-9]*:[0-9]*:[^:]*:/var/lib/spkiosk:/usr/sbin/nologin$' "$tmp/sysroot/etc/passwd" &&
        grep -q '^spkiosk:' "$tmp/sysroot/etc/group" &&
        ok "sysusers.d makes the system user spkiosk (no login, home the state folder)" ||
        fail "sysusers.d: $(cat "$tmp/sysroot/etc/passwd" 2>&1)"
else
    echo "skip   systemd-sysusers is not installed: the user's file not tried"
fi

# the first start's copy of the sample library (ExecStartPre), run with
# the state folder moved into $tmp: copies once, then leaves the hall's files
pre=$(sed -n "s|^ExecStartPre=/bin/sh -c '\(.*\)'$|\1|p" "$unit" |
    sed -e "s|/var/lib/spkiosk|$tmp/state|g" -e "s|/usr/share/spkiosk|$root/usr/share/spkiosk|g")
mkdir -p "$tmp/state"
if [ -n "$pre" ] && sh -c "$pre" && "$root/usr/bin/spkiosk" check "$tmp/state/procedures" >/dev/null &&
    [ ! -e "$tmp/state/.procedures.new" ]; then
    echo "# the hall's own text" >"$tmp/state/procedures/README.md"
    sh -c "$pre" && grep -q "hall's own" "$tmp/state/procedures/README.md" &&
        ok "ExecStartPre copies the sample library once, then leaves it" ||
        fail "ExecStartPre's second run overwrote the hall's library"
else
    fail "ExecStartPre did not copy a library that checks clean: $pre"
fi

# the nightly backup copies the database the configuration names, as the
# service serves it: the unit once named /var/lib/spkiosk/spkiosk.db
# itself, and a hall that set `db = …` elsewhere in spkiosk.conf got copies
# of a file nobody served, or a failure every night, with no word why. Its
# command run as written, the configuration's path moved into $tmp, with a
# `db` in a folder of its own; and the folder of the installed
# configuration's db is one the unit may write (ProtectSystem=strict: a WAL
# reader writes the -shm beside the file, the outcome goes into it)
bunit=$root/lib/systemd/system/spkiosk-backup.service
moved=$tmp/srv/hall.db
mkdir -p "$tmp/srv"
printf 'db = %s\n' "$moved" >"$tmp/moved.conf"
to_tmp() {
    sed -e "s|$CONF_AT|$tmp/moved.conf|g" -e "s|/var/lib/spkiosk|$tmp/state|g" \
        -e "s|/var/backups/spkiosk|$tmp/nightly|g" -e "s|/usr/bin/spkiosk|$root/usr/bin/spkiosk|g"
}
CONF_AT=/etc/spkiosk/spkiosk.conf
if printf '%s\n' a-long-enough-password |
    "$root/usr/bin/spkiosk" user add wang --role staff --db "$moved" >/dev/null 2>"$tmp/add.log"; then
    envs=$(sed -n 's/^Environment=//p' "$bunit" | to_tmp | tr '\n' ' ')
    bcmd=$(sed -n 's/^ExecStart=//p' "$bunit" | to_tmp)
    copy=$(cd "$tmp" && env -i PATH=/usr/bin:/bin sh -c "export $envs; $bcmd" 2>"$tmp/nightly.log")
    if [ -n "$copy" ] && [ -f "$copy" ] &&
        [ "$(sqlite3 "$copy" "SELECT name FROM users" 2>&1)" = wang ]; then
        ok "the backup unit copies the database spkiosk.conf names ($CONF_AT's db)"
    else
        fail "the backup unit did not copy the configured database: $bcmd ($envs): $(cat "$tmp/nightly.log")"
    fi
else
    fail "user add for the backup's database: $(cat "$tmp/add.log")"
fi
dbdir=$(sed -n 's/^db *= *//p' "$conf")
dbdir=${dbdir%/*}
for u in spkiosk-backup; do
    covered=no
    for p in $(sed -n 's/^ReadWritePaths=//p' "$root/lib/systemd/system/$u.service"); do
        p=${p#-}
        case "$dbdir/" in "${p%/}/"*) covered=yes ;; esac
    done
    [ $covered = yes ] && ok "$u.service may write $dbdir, the folder of spkiosk.conf's db" ||
        fail "$u.service's ReadWritePaths do not cover $dbdir, the folder of spkiosk.conf's db"
done
# systemd 252 builds the sandbox for the backup's root ExecStartPre (+) as
# well, and a ReadWritePaths= folder missing then fails the unit before
# that ExecStartPre makes /var/backups/spkiosk (226/NAMESPACE on a fresh
# install, every night): each of its folders may be missing ("-")
strict=$(sed -n 's/^ReadWritePaths=//p' "$bunit" | tr ' ' '\n' | grep -v '^-' | grep . || true)
[ -z "$strict" ] && ok "spkiosk-backup.service: each ReadWritePaths= folder may be missing at start (-)" ||
    fail "spkiosk-backup.service: ReadWritePaths= without '-' ($strict): a folder not made yet fails the unit"
grep -qx 'StateDirectory=spkiosk' "$unit" && [ "$dbdir" = /var/lib/spkiosk ] &&
    ok "spkiosk.service may write $dbdir (StateDirectory=)" ||
    fail "spkiosk.service's StateDirectory is not $dbdir, the folder of spkiosk.conf's db"

# every Documentation= of every unit is there (`systemctl help`): a man page
# installed here, or a file (the pull timer named deployment.md under
# /usr/share/doc, which neither make install nor the package installs)
docs_failed=$failed
for u in "$root"/lib/systemd/system/spkiosk*; do
    [ -f "$u" ] || continue     # the drop-in folders
    for d in $(sed -n 's/^Documentation=//p' "$u"); do
        case $d in
        man:*) page=${d#man:}; sec=${page##*\(}; sec=${sec%\)}; page=${page%\(*}
            f=$root/usr/share/man/man$sec/$page.$sec ;;
        file://*) f=$root${d#file://} ;;
        *) f= ;;
        esac
        [ -n "$f" ] && [ -e "$f" ] || fail "$(basename "$u"): Documentation=$d is not installed"
    done
done
[ "$failed" -eq "$docs_failed" ] && ok "every unit's Documentation= is installed"

# systemd's soft limit of 1024 descriptors is below the default cap of 1000
# connections and the daemon's own, and the unit's system call filter keeps
# the daemon from raising it (src/http.c, http_fd_limit)
nofile=$(sed -n 's/^LimitNOFILE=\([0-9]*\)$/\1/p' "$unit")
[ -n "$nofile" ] && [ "$nofile" -ge 1128 ] && ok "LimitNOFILE=$nofile covers 1,000 connections" ||
    fail "the unit's LimitNOFILE ('$nofile') is below 1,000 connections and 128"

# no core file of the daemon or the backup: their memory holds residents'
# ID numbers, and a core (the watchdog's SIGABRT, under systemd-coredump)
# would keep them on disk past the retention period
for u in spkiosk spkiosk-backup; do
    grep -qx 'LimitCORE=0' "$root/lib/systemd/system/$u.service" && ok "$u.service: LimitCORE=0" ||
        fail "$u.service lacks LimitCORE=0: a crash would write residents' data into a core file"
done

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "skip   systemd-analyze is not installed (Debian package systemd): unit not verified"
else
    # verify wants the commands to exist: the installed text with only the
    # binary's path moved into DESTDIR, and man finding the installed pages
    mkdir -p "$tmp/verify"
    sed "s|/usr/bin/spkiosk|$root/usr/bin/spkiosk|" "$unit" >"$tmp/verify/spkiosk.service"
    out=$(cd "$tmp" && MANPATH="$root/usr/share/man" systemd-analyze verify "$tmp/verify/spkiosk.service" 2>&1)
    [ $? -eq 0 ] && [ -z "$out" ] && ok "systemd-analyze verify" || fail "systemd-analyze verify: $out"
    # the backup and pull units with their timers (the pull's git is the system's)
    for u in spkiosk-backup spkiosk-pull; do
        sed "s|/usr/bin/spkiosk|$root/usr/bin/spkiosk|" "$root/lib/systemd/system/$u.service" \
            >"$tmp/verify/$u.service"
        cp "$root/lib/systemd/system/$u.timer" "$tmp/verify/$u.timer"
        out=$(cd "$tmp" && MANPATH="$root/usr/share/man" systemd-analyze verify \
            "$tmp/verify/$u.service" "$tmp/verify/$u.timer" 2>&1)
        [ -z "$out" ] && ok "systemd-analyze verify: $u.service and .timer" || fail "systemd-analyze verify $u: $out"
    done
    # A `db` moved out of /var/lib/spkiosk needs its folder writable by the
    # daemon and the backup alike: one file, /etc/spkiosk/sandbox.conf, that
    # each of the two units links from its drop-in folder. Not a folder
    # spkiosk-.service.d: it reaches spkiosk-backup and spkiosk-pull, never
    # spkiosk.service (no dash in its name). Read as systemd reads them: the
    # units and their drop-in folders in a unit path of their own, each link
    # made to point at the installed file inside DESTDIR; the officer's edit
    # made to the file (the commented line set); then a line systemd warns
    # about added, since an offline verify shows no setting it accepts, to
    # see which units read the file.
    sandbox=$root/etc/spkiosk/sandbox.conf
    links_ok=yes
    for u in spkiosk spkiosk-backup; do
        [ "$(readlink "$root/lib/systemd/system/$u.service.d/spkiosk-sandbox.conf")" = /etc/spkiosk/sandbox.conf ] ||
            links_ok=no
    done
    [ $links_ok = yes ] && ok "spkiosk.service and spkiosk-backup.service link /etc/spkiosk/sandbox.conf as a drop-in" ||
        fail "the sandbox links: $(ls -l "$root"/lib/systemd/system/*.d/ 2>&1)"
    units=$tmp/units
    mkdir -p "$units"
    for u in spkiosk spkiosk-backup spkiosk-pull; do
        sed "s|/usr/bin/spkiosk|$root/usr/bin/spkiosk|" "$root/lib/systemd/system/$u.service" >"$units/$u.service"
        [ -d "$root/lib/systemd/system/$u.service.d" ] || continue
        mkdir -p "$units/$u.service.d"
        for l in "$root/lib/systemd/system/$u.service.d"/*; do
            ln -s "$root$(readlink "$l")" "$units/$u.service.d/${l##*/}"
        done
    done
    cp "$sandbox" "$tmp/sandbox.orig"
    sed -i "s|^#ReadWritePaths=.*|ReadWritePaths=$tmp/srv|" "$sandbox"
    grep -qx "ReadWritePaths=$tmp/srv" "$sandbox" || fail "sandbox.conf has no #ReadWritePaths= line to set"
    read_by() { (cd "$tmp" && SYSTEMD_UNIT_PATH="$units:" MANPATH="$root/usr/share/man" \
        systemd-analyze verify "$1.service" 2>&1); }
    out=$(read_by spkiosk; read_by spkiosk-backup)
    [ -z "$out" ] && ok "sandbox.conf with ReadWritePaths= set: both units verify" ||
        fail "sandbox.conf set: $out"
    echo 'XSpkioskProbe=1' >>"$sandbox"
    for u in spkiosk spkiosk-backup spkiosk-pull; do
        if read_by $u | grep -q "sandbox.conf:[0-9]*: Unknown key 'XSpkioskProbe'"; then
            [ $u != spkiosk-pull ] && ok "systemd reads sandbox.conf for $u.service" ||
                fail "spkiosk-pull.service reads sandbox.conf: the pull never writes the database"
        else
            [ $u = spkiosk-pull ] && ok "systemd does not read sandbox.conf for $u.service" ||
                fail "systemd does not read sandbox.conf for $u.service: $(read_by $u)"
        fi
    done
    cp "$tmp/sandbox.orig" "$sandbox"
    # what a shared spkiosk-.service.d would have done: the daemon, whose
    # name has no dash, never reads it (a simplification to that folder
    # would leave the daemon's start failing on the moved database)
    mkdir -p "$units/spkiosk-.service.d"
    printf '[Service]\nXSpkioskProbe=1\n' >"$units/spkiosk-.service.d/db.conf"
    read_by spkiosk | grep -q XSpkioskProbe && fail "spkiosk-.service.d reaches spkiosk.service: simpler is possible" ||
        ok "spkiosk-.service.d would not reach spkiosk.service (systemd.unit(5): prefixes end at a dash)"
    # OK is an exposure of at most 2.0 (--threshold counts tenths)
    out=$(cd "$tmp" && systemd-analyze security --offline=true --threshold=20 "$unit" 2>&1)
    rc=$?
    level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for spkiosk.service: \([0-9.]* [A-Z]*\).*/\1/p')
    case "$level" in
    *" OK" | *" SAFE" | *" PERFECT") [ $rc -eq 0 ] && ok "systemd-analyze security: $level" ||
        fail "systemd-analyze security exit $rc at $level" ;;
    *) fail "systemd-analyze security: '$level' (want OK or better)"; printf '%s\n' "$out" | grep '✗' ;;
    esac
fi

# the installed binary
# the release, and the commit it was built from when built in a git checkout
v=$("$root/usr/bin/spkiosk" --version)
want="spkiosk $(sed -n 's/#define SPK_VERSION "\(.*\)"/\1/p' include/version.h)"
case "$v" in
"$want" | "$want ("*")") ok "installed --version: $v" ;;
*) fail "installed --version: $v" ;;
esac
if out=$("$root/usr/bin/spkiosk" check "$root/usr/share/spkiosk/procedures" 2>&1); then
    ok "installed check on the installed sample library"
else
    fail "installed check: $out"
fi

if mk uninstall DESTDIR="$root" PREFIX=/usr; then ok "make uninstall"; else fail "make uninstall"; fi
left=$(cd "$root" && find . ! -type d)
[ -z "$left" ] && ok "uninstall leaves only folders" || fail "left after uninstall: $left"
[ ! -e "$root/usr/share/spkiosk" ] && ok "uninstall removes share/spkiosk" ||
    fail "share/spkiosk is left"

# the default prefix: everything under /usr/local, the unit too
root=$tmp/local
mk install DESTDIR="$root" || fail "make install (default PREFIX)"
[ -x "$root/usr/local/bin/spkiosk" ] && [ -f "$root/usr/local/share/man/man1/spkiosk.1" ] &&
    grep -qx 'ExecStart=/usr/local/bin/spkiosk serve .*' "$root/usr/local/lib/systemd/system/spkiosk.service" &&
    [ -f "$root/usr/local/lib/sysusers.d/spkiosk.conf" ] &&
    [ -f "$root/usr/local/share/spkiosk/procedures/_triage.md" ] &&
    ok "default PREFIX /usr/local: binary, man, unit, sysusers, library" ||
    fail "default PREFIX layout: $(cd "$root" && find . ! -type d | grep -v procedures/)"
mk uninstall DESTDIR="$root" || fail "make uninstall (default PREFIX)"
left=$(cd "$root" && find . ! -type d)
[ -z "$left" ] && ok "uninstall (default PREFIX) leaves only folders" || fail "left: $left"

if [ $failed -eq 0 ]; then echo "install: all passed"; else echo "install: $failed failed"; fi
[ $failed -eq 0 ]
