#!/usr/bin/env bash
# The shared library must export the public API (aiineq_*) and nothing else.
set -euo pipefail
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^AIINEQ_[0-9.]*$' || true)
bad=$(grep -v '^aiineq_' <<<"$syms" || true)
count=$(grep -c '^aiineq_' <<<"$syms" || true)
if [ -n "$bad" ]; then
  echo "check-exports: FAILED: symbols outside aiineq_* exported:" >&2
  echo "$bad" >&2
  exit 1
fi
if [ "$count" -lt 10 ]; then
  echo "check-exports: FAILED: only $count aiineq_* symbols exported" >&2
  exit 1
fi
soname=$(objdump -p "$lib" | awk '/SONAME/{print $2}')
[ "$soname" = "libaiineq.so.0" ] || { echo "check-exports: FAILED: SONAME is '$soname'" >&2; exit 1; }
echo "check-exports: ok ($count aiineq_* symbols, SONAME $soname)"
