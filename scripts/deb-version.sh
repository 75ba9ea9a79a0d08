#!/bin/sh
# The package's version: the release named in include/version.h, and in a
# git checkout "+git<UTC commit time>.g<hash>" after it, so that every build
# of main sorts after the one before and apt upgrades to it. An IT officer's
# review: two builds were both 0.1.0, and `apt install` of the newer one
# said "0 upgraded" and left the old daemon serving. The commit's time, not
# a count of commits: a shallow clone (CI's) counts one. A commit tagged
# v<release> is that release, plain: bump include/version.h in the commit
# that is tagged, or the builds before it (<release>+git…) sort after it.
#   sh scripts/deb-version.sh      prints the version
set -eu
v=$(sed -n 's/^#define SPK_VERSION "\(.*\)"$/\1/p' include/version.h)
[ -n "$v" ] || { echo "deb-version: no SPK_VERSION in include/version.h" >&2; exit 1; }
if h=$(git rev-parse --short=12 HEAD 2>/dev/null); then
    if [ "$(git describe --exact-match --tags HEAD 2>/dev/null || true)" != "v$v" ]; then
        t=$(TZ=UTC0 git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S HEAD)
        v="$v+git$t.g$h"
    fi
fi
printf '%s\n' "$v"
