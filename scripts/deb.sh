#!/bin/sh
# make deb: builds spkiosk_VERSION_amd64.deb into build/deb/ from a copy of
# this tree (dpkg-buildpackage writes its results beside the source folder,
# so the copy keeps them out of the clone), then runs lintian on the result.
# The copy holds what git tracks plus new files not ignored: what a commit
# would hold, without build/ or node_modules/. Source and binary are built,
# so that lintian sees the source package too.
#   scripts/deb.sh [OUT]     OUT defaults to build/deb
# DEB_NOCHECK=1 skips the unit tests inside the build.
set -eu
out=${1:-build/deb}
version=$(sh scripts/deb-version.sh)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
src="$out/spkiosk-$version"

rm -rf "$out"
mkdir -p "$src"
# shellcheck disable=SC2016 # the inner sh's own "$f"
git ls-files -z --cached --others --exclude-standard |
    xargs -0 sh -c 'for f; do if [ -e "$f" ]; then printf "%s\0" "$f"; fi; done' sh |
    tar --null -T - -cf - | tar -xf - -C "$src"

# a build between releases: an entry of its own at the changelog's head, so
# that the package's version is the one scripts/deb-version.sh names
if [ "$version" != "$(dpkg-parsechangelog -SVersion)" ]; then
    when=$(date -R -d "@$(git log -1 --format=%ct)")
    {
        printf 'spkiosk (%s) unstable; urgency=medium\n\n' "$version"
        printf '  * Built from the commit\n    %s.\n' "$(git rev-parse HEAD)"
        printf '    What changed since %s: /usr/share/doc/spkiosk/NEWS.md.gz.\n\n' \
            "$(dpkg-parsechangelog -SVersion)"
        printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -SMaintainer)" "$when"
        cat debian/changelog
    } >"$src/debian/changelog"
fi

opts=${DEB_NOCHECK:+nocheck}
(cd "$src" && DEB_BUILD_OPTIONS="$opts${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" \
    nice dpkg-buildpackage -us -uc)

deb="$out/spkiosk_${version}_${arch}.deb"
[ -f "$deb" ] || { echo "deb: $deb was not made" >&2; exit 1; }
# lintian on the .changes sees the package and its build record; an error or
# a warning fails; each tag left is explained in debian/spkiosk.lintian-overrides
# (its status, not tee's: a pipe's status is its last command's, and a
# warning passed unnoticed that way)
st=0
lintian --fail-on error,warning --info --display-info --pedantic \
    "$out/spkiosk_${version}_${arch}.changes" >"$out/lintian.txt" 2>&1 || st=$?
cat "$out/lintian.txt"
[ "$st" -eq 0 ] || { echo "deb: lintian found problems (above)" >&2; exit 1; }
echo "deb: $deb"
