#!/usr/bin/env bash
# Install the Debian packages aiineq needs to build and test, when missing.
#
# Runs only as root and only when NO_INSTALL is unset or 0: distribution
# builds set NO_INSTALL=1 and must never fetch anything.  Otherwise it lists
# what is missing and fails, so the build stops with a clear message.
set -euo pipefail

# Build: compiler, pkg-config, LAPACK/OpenBLAS, NLopt, MINPACK (cminpack),
# Random123 (header only), SLEEF (vector exp/log).
# Tests: Check, valgrind, Debian's python3 with NumPy/SciPy/statsmodels (the
# independent implementation the tests compare against).
PKGS=(build-essential pkg-config liblapack-dev libopenblas-dev libnlopt-dev libcminpack-dev
      librandom123-dev libsleef-dev check valgrind python3 python3-numpy python3-scipy
      python3-statsmodels)
# Optional tools ask for their own packages: `install-deps.sh clang gcovr ...`
# (make fuzz, make coverage) checks and installs those instead.
[ $# -gt 0 ] && PKGS=("$@")

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "${NO_INSTALL:-0}" != "0" ] && [ -n "${NO_INSTALL:-}" ]; then
  echo "install-deps: NO_INSTALL is set; missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: continuing; the build fails if any of them is really needed" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
