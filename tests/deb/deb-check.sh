#!/bin/sh
# make deb-check: the package's install-start-request-remove-upgrade-purge round in a
# throw-away Debian 12 root (docs/deployment.md, "The Debian package").
#   tests/deb/deb-check.sh DEB
# A minbase bookworm root is made once with mmdebstrap (network) and kept as
# a tarball in $SPKIOSK_DEB_CACHE (default /var/cache/spkiosk-deb), with the
# .debs apt fetched into it, so a rerun needs no network. Each run unpacks a
# fresh root under build/, chroots into it and deletes it at the end.
# Root is needed (chroot). No systemd runs in the root (nor, here, as PID 1):
# policy-rc.d blocks service starts, so the daemon is started by hand the way
# the installed unit says: its ExecStartPre and ExecStart, as its User, with
# its UMask, after making its StateDirectory; only --listen is changed, to
# 127.0.0.1:0 (the host's port 8080 may be taken; the root shares its network).
# shellcheck disable=SC2016 # dpkg-query's ${Field} formats are meant literally
set -eu
deb=$1
cache=${SPKIOSK_DEB_CACHE:-/var/cache/spkiosk-deb}
tarball=$cache/bookworm-minbase.tar
mirror=${SPKIOSK_DEB_MIRROR:-http://deb.debian.org/debian}

fail() { echo "deb-check: FAIL: $*" >&2; exit 1; }
ok() { echo "deb-check: ok: $*"; }

[ "$(id -u)" -eq 0 ] || fail "needs root (chroot)"
[ -f "$deb" ] || fail "no package $deb (make deb)"
mkdir -p "$cache/archives"
if [ ! -f "$tarball" ]; then
    echo "deb-check: making the bookworm root once into $tarball (network)"
    mmdebstrap --variant=minbase --include=curl,ca-certificates \
        --skip=cleanup/apt/lists bookworm "$tarball.tmp.tar" "$mirror"
    mv "$tarball.tmp.tar" "$tarball"
fi

mkdir -p build
root=$(mktemp -d "$PWD/build/deb-check.XXXXXX")
pid=""
boot=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    # the booted systemd: unshare --kill-child takes it, and the namespace
    # its mounts, along when it is killed
    if [ -n "$boot" ]; then kill -9 "$boot" 2>/dev/null || true; wait "$boot" 2>/dev/null || true; fi
    if [ -d "$root/var/cache/apt/archives" ]; then
        cp -n "$root"/var/cache/apt/archives/*.deb "$cache/archives/" 2>/dev/null || true
    fi
    # the boot's mounts live in its own namespace; were one seen here, a
    # removal would go through the host's /dev
    if grep -q " $root/" /proc/mounts; then
        echo "deb-check: $root still has mounts; left in place" >&2
        return
    fi
    rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

tar -xf "$tarball" -C "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$cache"/archives/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/tmp/spkiosk.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

# --- install: apt resolves the dependencies from the root's lists (fetched
# once more if they went stale) ------------------------------------------------
log=$root/tmp/install.log
if ! in_root apt-get install -y --no-install-recommends /tmp/spkiosk.deb >"$log" 2>&1; then
    in_root apt-get update -qq
    in_root apt-get install -y --no-install-recommends /tmp/spkiosk.deb >"$log" 2>&1 ||
        { cat "$log"; fail "apt-get install"; }
fi
in_root dpkg-query -W -f='${Status}\n' spkiosk | grep -q '^install ok installed$' ||
    fail "spkiosk is not installed"
ok "apt-get install ./spkiosk.deb (with $(sed -n 's/^Setting up \(systemd[^ ]*\) .*/\1/p' "$log" | tr '\n' ' ')for the user)"
# a hall's server without internet installs the package with the libraries
# docs/deployment.md ("A server without internet") has the officer fetch by
# name: every Depends is on that list or on every server the Debian
# installer makes, and the list names nothing the package no longer needs
offline=$(sed -n 's/^ *apt-get download //p' docs/deployment.md)
[ -n "$offline" ] || fail "docs/deployment.md has no apt-get download line (A server without internet)"
needs=$(dpkg-deb -f "$deb" Depends | sed 's/[,|]/\n/g' | sed 's/(.*//; s/[[:space:]]//g' | sed '/^$/d' | tr '\n' ' ')
for p in $needs; do
    case " $offline libc6 zlib1g procps systemd systemd-standalone-sysusers systemd-sysusers " in
    *" $p "*) ;;
    *) fail "Depends: $p is neither in docs/deployment.md's offline list (apt-get download …) nor on every Debian 12 server" ;;
    esac
done
for p in $offline; do
    case " $needs " in *" $p "*) ;; *) fail "docs/deployment.md's offline list names $p, which the package does not depend on" ;; esac
done
ok "the offline install's list in docs/deployment.md covers the package's Depends: $offline"

pw=$(in_root getent passwd spkiosk) || fail "no user spkiosk"
uid=$(echo "$pw" | cut -d: -f3)
gid=$(echo "$pw" | cut -d: -f4)
home=$(echo "$pw" | cut -d: -f6)
shell=$(echo "$pw" | cut -d: -f7)
[ "$uid" -lt 1000 ] || fail "spkiosk's uid $uid is not a system uid"
[ "$home" = /var/lib/spkiosk ] || fail "spkiosk's home is $home"
case $shell in */nologin|/bin/false) ;; *) fail "spkiosk's shell is $shell" ;; esac
in_root getent group spkiosk >/dev/null || fail "no group spkiosk"
ok "system user spkiosk ($uid:$gid, home $home, shell $shell)"

grep -q "journalctl -u spkiosk | grep 'created user admin'" "$log" ||
    { cat "$log"; fail "postinst did not say where the first password is"; }
# the command it gives for the change, run below as it says (runuser -u spkiosk)
passwd_cmd=$(sed -n 's/^ *runuser -u spkiosk -- \(spkiosk user passwd admin .*\)$/\1/p' "$log")
[ -n "$passwd_cmd" ] || fail "postinst gives no 'spkiosk user passwd admin' command"
ok "postinst names where the first admin password is:"
sed -n '/^spkiosk: the service serves/,/spkiosk user passwd admin/p' "$log" | sed 's/^/    | /'

[ -L "$root/etc/systemd/system/multi-user.target.wants/spkiosk.service" ] ||
    fail "spkiosk.service is not enabled"
units=$root/lib/systemd/system
if [ -e "$units/spkiosk-backup.timer" ]; then
    [ -L "$root/etc/systemd/system/timers.target.wants/spkiosk-backup.timer" ] ||
        fail "spkiosk-backup.timer is not enabled"
    ok "spkiosk-backup.timer enabled"
fi
if [ -e "$units/spkiosk-pull.timer" ]; then
    [ ! -e "$root/etc/systemd/system/timers.target.wants/spkiosk-pull.timer" ] ||
        fail "spkiosk-pull.timer is enabled (a hall that shares a library enables it)"
    ok "spkiosk-pull.timer installed, not enabled"
fi
ok "spkiosk.service enabled"

# the upgrade steps (docs/deployment.md, "Upgrading") send the IT officer to
# the package's NEWS: it is there under the name they give (it was
# NEWS.md.gz, compressed by dh_compress, while they said NEWS.md)
named=$(grep -o '/usr/share/doc/spkiosk/[A-Za-z.]*[A-Za-z]' docs/deployment.md | sort -u)
[ -n "$named" ] || fail "docs/deployment.md names no file of /usr/share/doc/spkiosk"
for f in $named; do
    [ -e "$root$f" ] || fail "docs/deployment.md names $f, which the package does not install"
done
ok "the package has what docs/deployment.md names:" $named

# every file under /etc is a conffile (dh_installdeb marks them)
conffiles=$(in_root dpkg-query -W -f='${Conffiles}\n' spkiosk | awk 'NF {print $1}')
for f in $(in_root dpkg -L spkiosk | grep '^/etc/'); do
    [ -d "$root$f" ] && continue
    echo "$conffiles" | grep -qx "$f" || fail "$f is not a conffile"
    ok "conffile $f"
done

# the folders both the daemon and the backup may write (a `db` moved out of
# /var/lib/spkiosk, docs/deployment.md "A database elsewhere"): one conffile,
# a drop-in of each unit through a link, resolved inside the root
for u in spkiosk spkiosk-backup; do
    l=/lib/systemd/system/$u.service.d/spkiosk-sandbox.conf
    in_root test -f "$l" || fail "$l does not lead to a file"
    [ "$(readlink "$root$l")" = /etc/spkiosk/sandbox.conf ] || fail "$l does not link /etc/spkiosk/sandbox.conf"
done
echo "$conffiles" | grep -qx /etc/spkiosk/sandbox.conf || fail "/etc/spkiosk/sandbox.conf is not a conffile"
ok "/etc/spkiosk/sandbox.conf: a conffile, a drop-in of spkiosk.service and spkiosk-backup.service"

# the installed units as systemd reads them, inside the root (this host's
# systemd-analyze, 252 as the root's): no man (not in a minbase root), and
# the pull's git is only suggested, so its one complaint is that git is missing
if command -v systemd-analyze >/dev/null 2>&1; then
    for u in spkiosk.service spkiosk-backup.service spkiosk-backup.timer spkiosk-pull.service spkiosk-pull.timer; do
        out=$(cd / && systemd-analyze verify --root="$root" --man=no "$u" 2>&1 |
            grep -v '^spkiosk-pull\.service: Command /usr/bin/git is not executable' || true)
        [ -z "$out" ] || fail "systemd-analyze verify --root $u: $out"
    done
    ok "systemd-analyze verify --root: the three services and two timers as installed"
fi

# --- start as the unit would ---------------------------------------------------
unit=$units/spkiosk.service
unit_get() { sed -n "s/^$1=//p" "$unit"; }
[ "$(unit_get User)" = spkiosk ] || fail "the unit's User is not spkiosk"
umask_=$(unit_get UMask)
for d in $(unit_get StateDirectory); do
    install -d -o "$uid" -g "$gid" -m "$(unit_get StateDirectoryMode)" "$root/var/lib/$d"
done
for d in $(unit_get ConfigurationDirectory); do install -d -m 0755 "$root/etc/$d"; done
as_unit() { chroot --userspec="$uid:$gid" --groups="$gid" "$root" /usr/bin/env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" LC_ALL=C.UTF-8 \
    /bin/sh -c "umask ${umask_:-0022}; $1"; }
# The same run in the background: the job's subshell becomes chroot (exec),
# which becomes the daemon, so that $! is the daemon the cleanup kills.
# Started as `as_unit ... &`, $! was the subshell: killing it left the
# daemon running, orphaned in the deleted root, after every deb-check.
as_unit_bg() { exec chroot --userspec="$uid:$gid" --groups="$gid" "$root" /usr/bin/env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" LC_ALL=C.UTF-8 \
    /bin/sh -c "umask ${umask_:-0022}; $1"; }
unit_get ExecStartPre | while IFS= read -r pre; do
    case $pre in [-+@!]*) fail "ExecStartPre prefix in $pre: teach deb-check.sh" ;; esac
    as_unit "$pre" || fail "ExecStartPre: $pre"
done
start=$(unit_get ExecStart | sed 's/ --listen [^ ]*//')
# the installed configuration, as the service would read it, has no problem
as_unit "$start --check-config" >"$root/tmp/check-config.log" 2>&1 ||
    { cat "$root/tmp/check-config.log"; fail "serve --check-config with the installed files"; }
ok "serve --check-config: the installed configuration has no problem"
dlog=$root/tmp/daemon.log
as_unit_bg "exec $start --listen 127.0.0.1:0" >"$dlog" 2>&1 &
pid=$!
port=""
i=0
while [ $i -lt 300 ]; do
    port=$(sed -n 's|^spkiosk: listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$dlog")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$dlog"; fail "the daemon exited"; }
    sleep 0.1; i=$((i + 1))
done
[ -n "$port" ] || { cat "$dlog"; fail "the daemon did not say it listens"; }
ok "started as the unit's ExecStart (user spkiosk), port $port"
grep -q '^spkiosk: created user admin with password [A-Za-z0-9]\{8,\}$' "$dlog" ||
    { cat "$dlog"; fail "the first start did not print the admin's password on stdout"; }
ok "first start printed the admin's password (stdout: the journal under systemd)"
# the command postinst gives for changing it, while the daemon runs
echo 'a-new-admin-password' | as_unit "$passwd_cmd" >/dev/null 2>&1 ||
    fail "postinst's 'spkiosk user passwd admin' failed"
ok "the admin's password changed with postinst's command"

# --- requests: the kiosk page and a procedure's JSON --------------------------
base=http://127.0.0.1:$port
in_root curl -fsS -o /tmp/kiosk.html "$base/?kiosk=1" || fail "GET /?kiosk=1"
grep -qi '<html' "$root/tmp/kiosk.html" || fail "/?kiosk=1 is not a page"
ok "GET /?kiosk=1"
in_root curl -fsS -o /tmp/list.json "$base/api/v1/procedures" || fail "GET /api/v1/procedures"
id=$(sed -n 's/^{"procedures":\[{"id":"\([^"]*\)".*/\1/p' "$root/tmp/list.json")
[ -n "$id" ] || fail "no procedure in the list: $(head -c 200 "$root/tmp/list.json")"
in_root curl -fsS -o /tmp/proc.json "$base/api/v1/procedures/$id" || fail "GET /api/v1/procedures/$id"
grep -q "\"id\":\"$id\"" "$root/tmp/proc.json" || fail "procedure $id's JSON"
grep -q '"steps":\[' "$root/tmp/proc.json" || fail "procedure $id's JSON has no steps"
ok "GET /api/v1/procedures/$id"

[ "$(stat -c %u:%a "$root/var/lib/spkiosk/spkiosk.db")" = "$uid:600" ] ||
    fail "the database is not spkiosk's, mode 0600"
[ "$(stat -c %u "$root/var/lib/spkiosk/procedures")" = "$uid" ] ||
    fail "the library was not copied as spkiosk"
ok "database and library in /var/lib/spkiosk, spkiosk's, database 0600"
# the daily backup as its unit runs it, while the daemon serves: the
# root-run (+) ExecStartPre, then ExecStart as the user with Environment=
bunit=$units/spkiosk-backup.service
if [ -e "$bunit" ]; then
    sed -n 's/^ExecStartPre=+//p' "$bunit" | while IFS= read -r pre; do
        in_root /bin/sh -c "$pre" || fail "backup ExecStartPre: $pre"
    done
    envs=$(sed -n 's/^Environment=//p' "$bunit" | tr '\n' ' ')
    bcmd=$(sed -n 's/^ExecStart=//p' "$bunit")
    as_unit "export $envs; $bcmd" >"$root/tmp/backup.log" 2>&1 ||
        { cat "$root/tmp/backup.log"; fail "the backup unit's ExecStart"; }
    n=$(find "$root/var/backups/spkiosk" -type f -user "$uid" | wc -l)
    [ "$n" -ge 1 ] || fail "the backup unit wrote no file owned by spkiosk"
    ok "spkiosk-backup.service's command while serving: $n file(s) in /var/backups/spkiosk"
fi
kill "$pid"; wait "$pid" 2>/dev/null || true
# nothing may go on running in the root (the daemon once did, orphaned)
for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] || continue
    sleep 1
    if [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ]; then
        fail "still running in the root after the kill: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
    fi
done
pid=""

# --- remove keeps the data; purge removes it and the user, not the backups ----
# The maintainer scripts act on units only under a running systemd: for the
# remove, /run/systemd/system is made and deb-systemd-invoke replaced by a
# stub that writes down what it is asked, so the stops are seen. Every unit
# that may run is stopped, the pull timer a hall enabled itself included
# (debhelper stops only the units it starts).
mkdir -p "$root/run/systemd/system"
dsi=$root/usr/bin/deb-systemd-invoke
mv "$dsi" "$dsi.real"
printf '#!/bin/sh\necho "$*" >>/tmp/deb-systemd-invoke.log\n' >"$dsi"
chmod 0755 "$dsi"
in_root apt-get remove -y spkiosk >/dev/null 2>&1 || fail "apt-get remove"
mv "$dsi.real" "$dsi"
rm -rf "$root/run/systemd"
for u in spkiosk.service spkiosk-backup.timer spkiosk-pull.timer; do
    grep -q "^stop .*$u" "$root/tmp/deb-systemd-invoke.log" ||
        { cat "$root/tmp/deb-systemd-invoke.log"; fail "remove does not stop $u"; }
done
ok "apt-get remove stops spkiosk.service, spkiosk-backup.timer and spkiosk-pull.timer"
[ -e "$root/var/lib/spkiosk/spkiosk.db" ] || fail "remove deleted the database"
in_root getent passwd spkiosk >/dev/null || fail "remove deleted the user"
[ ! -e "$root/usr/bin/spkiosk" ] || fail "remove left /usr/bin/spkiosk"
if [ -n "$conffiles" ]; then
    for f in $conffiles; do [ -e "$root$f" ] || fail "remove deleted the conffile $f"; done
fi
ok "apt-get remove: program gone, database, user and configuration kept"

# installed again over the kept database: no new admin, so no message
in_root apt-get install -y --no-install-recommends /tmp/spkiosk.deb >"$log" 2>&1 ||
    { cat "$log"; fail "apt-get install after remove"; }
! grep -q "created user admin" "$log" ||
    fail "postinst spoke of a first password over a kept database"
[ "$(in_root getent passwd spkiosk | cut -d: -f3)" = "$uid" ] || fail "the uid changed"
ok "installed again after remove: same user, no first-password message"

# --- an upgrade (the same package again: dpkg runs preinst upgrade and
# postinst configure OLD as for a newer one) under a running systemd, the
# stub writing down what is asked. A hall that enabled the pull timer
# (docs/deployment.md, "Many halls") must find it running after the
# upgrade: debhelper's --no-start alone had preinst stop it and postinst
# never start it again, so the hall silently stopped taking the street
# office's library until the next reboot.
mkdir -p "$root/run/systemd/system"
mv "$dsi" "$dsi.real"
printf '#!/bin/sh\necho "$*" >>/tmp/deb-systemd-invoke.log\n' >"$dsi"
chmod 0755 "$dsi"
dsilog=$root/tmp/deb-systemd-invoke.log
# a hall without a shared library: the disabled timer is not started
: >"$dsilog"
in_root dpkg -i /tmp/spkiosk.deb >"$log" 2>&1 || { cat "$log"; fail "the upgrade (dpkg -i)"; }
grep -q '^restart .*spkiosk\.service' "$dsilog" ||
    { cat "$dsilog"; fail "an upgrade does not restart spkiosk.service"; }
! grep -q '^\(start\|restart\) .*spkiosk-pull\.timer' "$dsilog" ||
    { cat "$dsilog"; fail "an upgrade starts the pull timer the hall did not enable"; }
# a hall that enabled it: never stopped without being started again
in_root systemctl --root=/ enable spkiosk-pull.timer >/dev/null 2>&1 || fail "systemctl enable spkiosk-pull.timer"
: >"$dsilog"
in_root dpkg -i /tmp/spkiosk.deb >"$log" 2>&1 || { cat "$log"; fail "the upgrade (dpkg -i)"; }
last=$(grep 'spkiosk-pull\.timer' "$dsilog" | tail -n 1 | cut -d' ' -f1)
case $last in start|restart|try-restart) ;; *)
    cat "$dsilog"; fail "an upgrade leaves the enabled spkiosk-pull.timer stopped" ;;
esac
in_root systemctl --root=/ disable spkiosk-pull.timer >/dev/null 2>&1 || fail "systemctl disable spkiosk-pull.timer"
mv "$dsi.real" "$dsi"
rm -rf "$root/run/systemd"
ok "upgrade: spkiosk.service restarted; the pull timer started again where enabled, not elsewhere"

if [ ! -e "$bunit" ]; then   # no backup unit: a stand-in for its copies
    install -d -o "$uid" -g "$gid" -m 0750 "$root/var/backups/spkiosk"
    echo backup >"$root/var/backups/spkiosk/spkiosk-test.db"
    chown "$uid:$gid" "$root/var/backups/spkiosk/spkiosk-test.db"
fi
# the hall's TLS key, as deployment.md installs it, and a request log
install -m 0640 -o 0 -g "$gid" /dev/null "$root/etc/spkiosk/spkiosk.key"
install -d -o "$uid" -g "$gid" -m 0750 "$root/var/log/spkiosk"
echo 'ts=x' >"$root/var/log/spkiosk/spkiosk.log"
in_root apt-get purge -y spkiosk >"$root/tmp/purge.log" 2>&1 ||
    { cat "$root/tmp/purge.log"; fail "apt-get purge"; }
in_root dpkg-query -W -f='${db:Status-Status}\n' spkiosk 2>/dev/null | grep -q '^installed' &&
    fail "still installed after purge"
[ ! -e "$root/var/lib/spkiosk" ] || fail "purge left /var/lib/spkiosk"
[ -e "$root/etc/spkiosk/spkiosk.key" ] || fail "purge deleted the admin's TLS key"
[ -z "$(find "$root/etc/spkiosk" ! -user 0 -o ! -group 0)" ] ||
    fail "a file left in /etc/spkiosk keeps spkiosk's gid, which a later group may get"
[ ! -e "$root/var/log/spkiosk" ] || fail "purge left /var/log/spkiosk"
! in_root getent passwd spkiosk >/dev/null || fail "purge left the user spkiosk"
! in_root getent group spkiosk >/dev/null || fail "purge left the group spkiosk"
[ ! -e "$root/etc/systemd/system/multi-user.target.wants/spkiosk.service" ] ||
    fail "purge left the service enabled"
[ ! -e "$root/lib/systemd/system/spkiosk.service" ] || fail "purge left the unit"
[ ! -e "$root/usr/lib/sysusers.d/spkiosk.conf" ] || fail "purge left the sysusers file"
[ ! -e "$root/usr/share/spkiosk" ] || fail "purge left /usr/share/spkiosk"
[ -n "$(find "$root/var/backups/spkiosk" -type f)" ] || fail "purge deleted the backups"
[ -z "$(find "$root/var/backups/spkiosk" ! -user 0 -o ! -group 0)" ] ||
    fail "the kept backups are not root's after purge"
ok "apt-get purge: data, user, group, unit, log gone; backups and the TLS key kept, root's"

# the install on a server without internet, as docs/deployment.md ("A server
# without internet") has it: the libraries the installer does not put on a
# server (the offline list above) purged again, systemd and procps kept as an
# installed server has them, no package lists (so apt knows of nothing but
# the files it is given) and, where unshare can, no network; then the
# package alone is refused, and with the listed libraries beside it, installed
# shellcheck disable=SC2086 # one package a word
in_root apt-get purge -y $offline >"$log" 2>&1 || { cat "$log"; fail "apt-get purge $offline"; }
mkdir -p "$root/root/usb"
for p in $offline; do
    [ "$(in_root dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ] ||
        fail "$p is still installed before the offline install"
    f=""
    for f in "$root"/var/cache/apt/archives/"${p}"_*.deb; do break; done
    [ -f "$f" ] || fail "no $p package in the root's apt cache"
    cp "$f" "$root/root/usb/"
done
cp "$deb" "$root/root/usb/"
rm -rf "$root/var/lib/apt/lists"
mkdir -p "$root/var/lib/apt/lists/partial"
off=""
unshare --net true 2>/dev/null && off="unshare --net"
$off chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    LC_ALL=C.UTF-8 sh -c 'cd /root/usb && apt install -y ./spkiosk_*.deb' >"$log" 2>&1 &&
    fail "offline, the package alone installed: the offline list is not needed?"
grep -q "Depends: .* but it is not installable" "$log" || { cat "$log"; fail "offline, the package alone: not the refusal the docs quote"; }
$off chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    LC_ALL=C.UTF-8 sh -c 'cd /root/usb && apt install -y ./*.deb' >"$log" 2>&1 ||
    { cat "$log"; fail "offline: apt install ./*.deb with the listed libraries"; }
in_root dpkg-query -W -f='${db:Status-Status}\n' spkiosk | grep -q '^installed' || fail "offline: spkiosk not installed"
ok "offline install (no package lists${off:+, no network}): the package alone refused; with the listed libraries beside it, installed"

# --- under systemd ----------------------------------------------------------------
# The chroot above runs the unit's commands by hand: the sandbox, Type=notify,
# StateDirectory= and the timers' services are systemd's, and there the
# backup unit failed on every fresh install (226/NAMESPACE) with every check
# above passing. So a fresh root with the package installed is booted:
# Debian 12's systemd 252 as PID 1 of new pid, mount, network, UTS, IPC and
# cgroup namespaces (the root a mount of its own, pivot_root'ed into, proc,
# sysfs, a cgroup2 hierarchy, tmpfs on /run and /tmp, the host's /dev),
# and the units are started and stopped by systemctl in it. Where the host
# cannot (no unshare, no cgroup2 to mount: a container), this part is
# skipped and says so. SPKIOSK_DEB_BOOT=0 skips it too.
if [ "${SPKIOSK_DEB_BOOT:-1}" = 0 ]; then
    echo "deb-check: skip: the round under systemd (SPKIOSK_DEB_BOOT=0)"
    echo "deb-check: PASS"
    exit 0
fi
rm -rf "$root"
mkdir -p "$root"
tar -xf "$tarball" -C "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$cache"/archives/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/root/spkiosk.deb"
in_root apt-get install -y --no-install-recommends /root/spkiosk.deb >"$log" 2>&1 ||
    { cat "$log"; fail "apt-get install (for the boot)"; }
rm "$root/usr/sbin/policy-rc.d"
# a container: no terminals, no udev
for u in getty@tty1.service console-getty.service systemd-udevd.service e2scrub_reap.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$u"
done
unshare --pid --mount --net --uts --ipc --cgroup --fork --kill-child /bin/sh -c '
    set -e
    root=$1
    mount --make-rprivate /
    mount --bind "$root" "$root"
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
    mount -t tmpfs -o mode=0755 tmpfs "$root/run"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    mount --rbind /dev "$root/dev"
    ip link set lo up 2>/dev/null || true
    cd "$root"
    mkdir -p .oldroot
    pivot_root . .oldroot
    umount -l /.oldroot
    rmdir /.oldroot
    exec /usr/bin/env -i container=spkiosk-deb-check /lib/systemd/systemd --system --log-target=journal
' sh "$root" >"$PWD/build/deb-check-boot.log" 2>&1 &
boot=$!
sysd=""
i=0
while [ $i -lt 100 ] && [ -z "$sysd" ]; do
    for c in $(cat /proc/$boot/task/$boot/children 2>/dev/null); do
        [ "$(cat /proc/$c/comm 2>/dev/null)" = systemd ] && sysd=$c
    done
    kill -0 "$boot" 2>/dev/null || break
    sleep 0.1; i=$((i + 1))
done
in_sd() { nsenter -t "$sysd" -a /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LC_ALL=C.UTF-8 SYSTEMD_PAGER= DEBIAN_FRONTEND=noninteractive "$@"; }
state=""
i=0
while [ -n "$sysd" ] && [ $i -lt 600 ]; do
    state=$(in_sd systemctl is-system-running 2>/dev/null || true)
    case $state in running|degraded) break ;; esac
    sleep 0.1; i=$((i + 1))
done
case $state in
running|degraded) ;;
*)
    echo "deb-check: skip: the round under systemd: it did not boot here (state '$state'):"
    sed 's/^/    | /' build/deb-check-boot.log | tail -5
    echo "deb-check: PASS (without the round under systemd)"
    exit 0 ;;
esac
ok "systemd $(in_sd systemctl --version | sed -n 's/^systemd \([0-9]*\).*/\1/p') booted as PID 1 of a namespace over a fresh root with the package ($state)"
active() { # UNIT: waits up to 30 s for it to be active; 0 when it is
    n=0
    while [ $n -lt 300 ]; do
        [ "$(in_sd systemctl is-active "$1" 2>/dev/null)" = active ] && return 0
        sleep 0.1; n=$((n + 1))
    done
    return 1
}
active spkiosk.service || { in_sd systemctl --no-pager status spkiosk.service; in_sd journalctl --no-pager -u spkiosk -n 20; fail "spkiosk.service is not active under systemd"; }
[ "$(in_sd systemctl show -P StatusText spkiosk.service)" = serving ] || fail "spkiosk.service did not say READY=1 with STATUS=serving"
active spkiosk-backup.timer || fail "spkiosk-backup.timer is not active"
[ "$(in_sd systemctl is-active spkiosk-pull.timer)" != active ] || fail "spkiosk-pull.timer runs where the hall did not enable it"
in_sd curl -fsS -o /dev/null 'http://127.0.0.1:8080/?kiosk=1' || fail "GET /?kiosk=1 under systemd"
in_sd sh -c "journalctl -u spkiosk | grep -q 'created user admin'" || fail "postinst's journalctl command finds no password"
ok "spkiosk.service started by systemd (Type=notify: serving, the sandbox as written), GET /?kiosk=1, the password in its journal"
# the folders, their owners and modes as systemd and the unit made them
modes=$(in_sd stat -c '%n %U:%G %a' /var/lib/spkiosk /var/lib/spkiosk/spkiosk.db /var/lib/spkiosk/procedures \
    /var/log/spkiosk /etc/spkiosk /etc/spkiosk/spkiosk.conf /etc/spkiosk/sandbox.conf 2>&1 || true)
want="/var/lib/spkiosk spkiosk:spkiosk 750
/var/lib/spkiosk/spkiosk.db spkiosk:spkiosk 600
/var/lib/spkiosk/procedures spkiosk:spkiosk 700
/var/log/spkiosk spkiosk:spkiosk 750
/etc/spkiosk root:root 755
/etc/spkiosk/spkiosk.conf root:root 644
/etc/spkiosk/sandbox.conf root:root 644"
[ "$modes" = "$want" ] || fail "owners and modes under systemd:
$modes
want:
$want"
ok "owners and modes: state 0750, database 0600, library 0700 (spkiosk's); logs 0750; /etc/spkiosk root's"
# serving the hall's LAN exactly as docs/deployment.md has the IT officer do
# it ("Where things live"; "HTTPS on a hall's LAN without internet"): a hall
# authority and the server's certificate made with openssl, installed
# root:spkiosk 0640, the five lines in spkiosk.conf, the three of `systemctl
# edit spkiosk` for ports below 1024; then HTTPS on 443 answers for the
# hall's name with the authority trusted, and HTTP on 80 sends there. Put
# back as installed after (the steps below use 127.0.0.1:8080)
in_sd cp /etc/spkiosk/spkiosk.conf /root/spkiosk.conf.as-installed
in_sd sh -c 'set -e; cd /root
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -utf8 \
      -keyout hall-ca.key -out hall-ca.crt -subj "/CN=XX社区便民服务中心 CA"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout spkiosk.key -out spkiosk.csr -subj "/CN=kiosk.hall"
    printf "subjectAltName=DNS:kiosk.hall,IP:192.168.1.10\nextendedKeyUsage=serverAuth\n" >ext
    openssl x509 -req -in spkiosk.csr -CA hall-ca.crt -CAkey hall-ca.key -CAcreateserial \
      -days 825 -out spkiosk.crt -extfile ext
    install -m 0640 -o root -g spkiosk spkiosk.crt spkiosk.key /etc/spkiosk/' >"$log" 2>&1 ||
    { cat "$log"; fail "the hall's certificate, as docs/deployment.md makes it"; }
in_sd sed -i 's|^listen = .*|listen = 0.0.0.0:443\nredirect-http = 0.0.0.0:80\ntls-cert = /etc/spkiosk/spkiosk.crt\ntls-key = /etc/spkiosk/spkiosk.key\nhost = kiosk.hall|' \
    /etc/spkiosk/spkiosk.conf
in_sd spkiosk serve --config /etc/spkiosk/spkiosk.conf --check-config | grep -q '^# no problems' ||
    fail "the LAN settings of docs/deployment.md: --check-config reports problems"
in_sd mkdir -p /etc/systemd/system/spkiosk.service.d
in_sd sh -c 'printf "[Service]\nAmbientCapabilities=CAP_NET_BIND_SERVICE\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\nPrivateUsers=no\n" >/etc/systemd/system/spkiosk.service.d/override.conf'
in_sd systemctl daemon-reload
in_sd systemctl restart spkiosk.service || { in_sd journalctl --no-pager -u spkiosk -n 10; fail "restart with the LAN settings"; }
active spkiosk.service || { in_sd journalctl --no-pager -u spkiosk -n 10; fail "spkiosk.service on 443 and 80"; }
in_sd curl -fsS --cacert /root/hall-ca.crt --connect-to kiosk.hall:443:127.0.0.1:443 -o /dev/null 'https://kiosk.hall/?kiosk=1' 2>"$log" ||
    { cat "$log"; in_sd journalctl --no-pager -u spkiosk -n 10; fail "HTTPS on 443 for kiosk.hall with the hall's authority"; }
redir=$(in_sd curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: kiosk.hall' 'http://127.0.0.1/?kiosk=1' 2>&1 || true)
case $redir in 30[1278]" https://kiosk.hall/"*) ;; *) fail "HTTP on 80 does not send to https://kiosk.hall/: $redir" ;; esac
in_sd rm /etc/systemd/system/spkiosk.service.d/override.conf /etc/spkiosk/spkiosk.crt /etc/spkiosk/spkiosk.key
in_sd cp /root/spkiosk.conf.as-installed /etc/spkiosk/spkiosk.conf
in_sd systemctl daemon-reload
in_sd systemctl restart spkiosk.service || fail "restart as installed"
active spkiosk.service || fail "spkiosk.service as installed again"
ok "the LAN as docs/deployment.md sets it: HTTPS on 443 (the hall authority's certificate, key root:spkiosk 0640), HTTP on 80 sends to https://kiosk.hall/ ($redir)"
# the nightly backup as its timer starts it, on a fresh install
in_sd systemctl start spkiosk-backup.service ||
    { in_sd journalctl --no-pager -u spkiosk-backup -n 10; fail "spkiosk-backup.service fails on a fresh install"; }
[ "$(in_sd stat -c '%U:%G %a' /var/backups/spkiosk)" = "spkiosk:spkiosk 750" ] || fail "/var/backups/spkiosk's owner or mode"
[ -n "$(in_sd find /var/backups/spkiosk -name 'spkiosk-*.db' -user spkiosk -perm 0600)" ] || fail "no backup copy, spkiosk's, 0600"
in_sd curl -fsS http://127.0.0.1:8080/metrics | grep -q '^spkiosk_backup_last_success_timestamp_seconds [1-9]' ||
    fail "/metrics shows no successful backup"
ok "systemctl start spkiosk-backup: a copy in /var/backups/spkiosk (0750, the copy 0600, spkiosk's), seen on /metrics"
# a database elsewhere: refused by the sandbox until sandbox.conf names its
# folder, then served and backed up (docs/deployment.md, "A database elsewhere")
in_sd install -d -m 0750 -o spkiosk -g spkiosk /srv/spkiosk
in_sd sed -i 's|^db = .*|db = /srv/spkiosk/spkiosk.db|' /etc/spkiosk/spkiosk.conf
in_sd systemctl restart spkiosk.service 2>/dev/null && fail "the daemon started on a folder outside its sandbox"
in_sd journalctl -u spkiosk --no-pager | grep -q 'add ReadWritePaths=/srv/spkiosk to /etc/spkiosk/sandbox.conf' ||
    fail "the daemon's refusal does not name sandbox.conf"
in_sd sed -i 's|^#ReadWritePaths=.*|ReadWritePaths=/srv/spkiosk|' /etc/spkiosk/sandbox.conf
in_sd systemctl daemon-reload
in_sd systemctl restart spkiosk.service || { in_sd journalctl --no-pager -u spkiosk -n 10; fail "restart with sandbox.conf set"; }
active spkiosk.service || fail "spkiosk.service with the database in /srv/spkiosk"
in_sd test -f /srv/spkiosk/spkiosk.db || fail "no database in /srv/spkiosk"
in_sd systemctl start spkiosk-backup.service ||
    { in_sd journalctl --no-pager -u spkiosk-backup -n 10; fail "the backup of /srv/spkiosk/spkiosk.db"; }
ok "db = /srv/spkiosk/spkiosk.db: refused, naming sandbox.conf; with ReadWritePaths= there, served and backed up"
# a problem in the file, as the nightly backup's journal says it: the file, not --db
in_sd sh -c 'echo "threads = 4 # cores" >>/etc/spkiosk/spkiosk.conf'
in_sd systemctl start spkiosk-backup.service 2>/dev/null && fail "the backup ran on a configuration with a problem"
said=$(in_sd journalctl -u spkiosk-backup --no-pager -o cat | grep '^spkiosk backup:' | tail -n 1)
case $said in
"spkiosk backup: fix /etc/spkiosk/spkiosk.conf as the lines above say"*) ;;
*) fail "the backup's journal on a configuration problem: $said" ;;
esac
in_sd sed -i '/^threads = 4 # cores$/d' /etc/spkiosk/spkiosk.conf
ok "a configuration problem in the backup's journal: \"$(printf '%s' "$said" | cut -c1-70)…\""
sec=$(in_sd systemd-analyze security --no-pager spkiosk.service | sed -n 's/.*Overall exposure level for spkiosk.service: //p')
ok "systemd-analyze security (online): $sec"
# that failed backup is left failed: remove must clear it. Anything else failed is a fault
failed_units=$(in_sd systemctl list-units --failed --plain --no-legend | awk '{print $1}' | tr '\n' ' ')
[ "$failed_units" = "spkiosk-backup.service " ] ||
    fail "failed units under systemd: '$failed_units' (want only spkiosk-backup.service, failed above)"
# remove and purge with systemd running: every unit stopped, nothing left
# failed. A backup that had failed stayed in `systemctl --failed` after
# remove ("not-found failed") until a reboot or a reset-failed by hand
in_sd systemctl enable --now spkiosk-pull.timer >/dev/null 2>&1 || fail "enable spkiosk-pull.timer"
in_sd apt-get remove -y spkiosk >"$log" 2>&1 || { cat "$log"; fail "apt-get remove under systemd"; }
for u in spkiosk.service spkiosk-backup.timer spkiosk-pull.timer; do
    [ "$(in_sd systemctl is-active "$u" 2>/dev/null)" != active ] || fail "$u still active after remove"
done
failed_units=$(in_sd systemctl list-units --failed --plain --no-legend --all | awk '{print $1}' | tr '\n' ' ')
[ -z "$failed_units" ] || fail "failed units after remove: $failed_units"
in_sd apt-get purge -y spkiosk >"$log" 2>&1 || { cat "$log"; fail "apt-get purge under systemd"; }
failed_units=$(in_sd systemctl list-units --failed --plain --no-legend --all | awk '{print $1}' | tr '\n' ' ')
[ -z "$failed_units" ] || fail "failed units after purge: $failed_units"
ok "apt-get remove and purge under systemd: the service and both timers stopped, the failed backup cleared, no unit failed"
in_sd systemctl poweroff >/dev/null 2>&1 || true
i=0
while kill -0 "$boot" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
echo "deb-check: PASS"
