#!/usr/bin/env bash
# ABI guard: compare the library just built with the stored baseline of the
# current SONAME (docs/abi.md).
#   abi-check.sh BASELINE.abi CURRENT.abi VERSION-SCRIPT CURRENT-VERSION
# Fails when, ignoring added functions, abidiff finds any change that is not
# harmless (a removed function, a changed parameter or return type, a changed
# struct or enum reachable from the public headers: abidiff status bits 4 or
# 8), when a numeric constant of the headers (AIINEQ_* macro or enum member,
# abi/constants.txt) changed value or disappeared, or when functions added
# after a release sit in that release's version node.  While include/aiineq.h still has the baseline's version
# (abi/BASELINE_VERSION: the release is being assembled) additions to its node
# are allowed.
set -uo pipefail
here=$(dirname "$0")

# The numeric constants of the public headers (macros and enum members), one
# "NAME VALUE" a line: a program compiles them in, so they are ABI too.
constants() {
  cat "$here"/../include/*.h |
    sed -n -E 's/^#define (AIINEQ_[A-Z0-9_]+)[ \t]+\(?(-?[0-9]+)u?\)?([ \t].*)?$/\1 \2/p
               s/^[ \t]*(AIINEQ_[A-Z0-9_]+)[ \t]*=[ \t]*(-?[0-9]+).*/\1 \2/p' |
    grep -v '^AIINEQ_VERSION_' | LC_ALL=C sort -u
}
if [ "${1:-}" = --constants ]; then constants; exit 0; fi

base=$1 cur=$2 map=$3 version=${4:-}
base_version=$(cat "$(dirname "$base")/BASELINE_VERSION" 2>/dev/null || echo unknown)
if [ ! -f "$base" ]; then
  echo "abi-check: FAILED: no baseline $base (make abi-baseline at a release)" >&2
  exit 1
fi
hd=$here/../include
report=$(abidiff --no-added-syms --hd1 "$hd" --hd2 "$hd" "$base" "$cur" 2>&1)
rc=$?
if [ $((rc & 3)) -ne 0 ]; then
  echo "abi-check: FAILED: abidiff could not compare (status $rc)" >&2
  echo "$report" >&2
  exit 1
fi
if [ $((rc & 12)) -ne 0 ]; then
  echo "abi-check: FAILED: ABI change against the $base_version baseline $base:" >&2
  echo "$report" >&2
  echo "abi-check: existing functions and types must not change within SONAME" \
       "libaiineq.so.0; see docs/abi.md" >&2
  exit 1
fi
consts=$(dirname "$base")/constants.txt
if [ -f "$consts" ]; then
  changed=$(LC_ALL=C comm -23 "$consts" <(constants))
  if [ -n "$changed" ]; then
    echo "abi-check: FAILED: constants of the $base_version baseline changed or removed" \
         "(NAME baseline-value):" >&2
    echo "$changed" >&2
    exit 1
  fi
fi
full=$(abidiff --hd1 "$hd" --hd2 "$hd" "$base" "$cur" 2>&1)
base_node=AIINEQ_${base_version%.*}
added=$(sed -n "s/^ *\[A\] 'function .*{\(aiineq_[a-z0-9_]*\)@*\([A-Z0-9_.]*\)}.*/\1 \2/p" <<<"$full")
bad=""
while read -r fn node; do
  [ -n "$fn" ] || continue
  if [ -z "$node" ] || [ "$node" = "$base_node" ]; then bad+=" $fn"; fi
done <<<"$added"
if [ -n "$bad" ]; then
  if [ "$version" = "$base_version" ]; then
    echo "abi-check: note: release $version is being assembled; added to $base_node:$bad"
  else
    echo "abi-check: FAILED: functions added after release $base_version are in its node" \
         "$base_node:$bad; add a node for $version to $map (docs/abi.md)" >&2
    exit 1
  fi
fi
# Every version node of the script has its (symver) line in the Debian symbols file.
symfile=$here/../debian/libaiineq0.symbols
for node in $(sed -n 's/^\(AIINEQ_[0-9.]*\) *{.*/\1/p' "$map"); do
  if [ -f "$symfile" ] && ! grep -q "(symver)$node " "$symfile"; then
    echo "abi-check: FAILED: $map has node $node but $symfile has no '(symver)$node' line" >&2
    exit 1
  fi
done
n_added=$(grep -c . <<<"$added" || true)
echo "abi-check: ok (no incompatible change against the $base_version baseline;" \
     "$n_added function(s) added)"
