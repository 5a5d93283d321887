#!/usr/bin/env bash
# Build the Debian packages (libaiineq0, libaiineq-dev, python3-aiineq) with
# `dpkg-buildpackage -us -uc -b`, offline, in a copy of the source tree under
# build/deb/ (so nothing is written beside the tree), then run lintian.
# The .deb files end up in build/deb/.  Used by `make deb`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -n '1s/^aiineq (\([^)]*\)).*/\1/p' debian/changelog)
out=build/deb
src=$out/aiineq-${version%-*}
rm -rf "$out"
mkdir -p "$src"
# The tree as it is (committed or not), without build output or VCS data.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard | tar -C "$root" --null --ignore-failed-read -T - -cf - | tar -C "$src" -xf -
else
  tar -C "$root" --exclude=./build --exclude=./.git -cf - . | tar -C "$src" -xf -
fi
# The tests read ../shared/data: point them at this tree's neighbour.
export AIQ_SHARED_DIR=${AIQ_SHARED_DIR:-$(cd "$root/.." && pwd)/shared}
(cd "$src" && dpkg-buildpackage -us -uc -b)
ls -1 "$out"/*.deb
echo "deb: lintian"
lintian --fail-on error --info --display-level ">=pedantic" \
  "$out"/*.changes 2>&1 | tee "$out/lintian.txt"
echo "deb: ok ($(ls "$out"/*.deb | wc -l) packages in $out; lintian output in $out/lintian.txt)"
