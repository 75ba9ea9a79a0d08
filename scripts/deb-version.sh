#!/bin/sh
# The package's version: the release named in include/version.h, and in a
# git checkout "+git<commits>.g<hash>" after it, so that every build of main
# sorts after the one before and apt upgrades to it. An IT officer's review:
# two builds were both 0.1.0, and `apt install` of the newer one said
# "0 upgraded" and left the old daemon serving.
#   sh scripts/deb-version.sh      prints the version
set -eu
v=$(sed -n 's/^#define SPK_VERSION "\(.*\)"$/\1/p' include/version.h)
[ -n "$v" ] || { echo "deb-version: no SPK_VERSION in include/version.h" >&2; exit 1; }
if n=$(git rev-list --count HEAD 2>/dev/null) && h=$(git rev-parse --short=12 HEAD 2>/dev/null); then
    v="$v+git$n.g$h"
fi
printf '%s\n' "$v"
