#!/usr/bin/env bash
# Install the packages built by `make deb` with dpkg -i, then use them as a
# user would: build and run a C program with pkg-config only, read a man
# page, and import the Python binding with no path set-up.  Removes the
# packages afterwards unless KEEP=1.  Run as root (dpkg).
set -euo pipefail
dir=${1:-build/deb}
debs=("$dir"/libaiineq0_*.deb "$dir"/libaiineq-dev_*.deb "$dir"/python3-aiineq_*.deb)
for d in "${debs[@]}"; do [ -f "$d" ] || { echo "deb-test: missing $d (run make deb)" >&2; exit 1; }; done
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  if [ "${KEEP:-0}" != 1 ]; then dpkg -r python3-aiineq libaiineq-dev libaiineq0 >/dev/null || true; fi
}
trap cleanup EXIT
dpkg -i "${debs[@]}"

cat > "$work/prog.c" <<'C'
#include <aiineq.h>
#include <stdio.h>
int main(void) {
  aiineq_model *m = NULL;
  double eta = 0;
  if (aiineq_model_new(&m) != AIINEQ_OK) return 1;
  if (aiineq_model_set_double(m, "eta", 0.25) != AIINEQ_OK) return 2;
  if (aiineq_model_get_double(m, "eta", &eta) != AIINEQ_OK || eta != 0.25) return 3;
  aiineq_model_free(m);
  printf("aiineq %s from the packages: ok\n", aiineq_version_string());
  return aiineq_version_number() == AIINEQ_VERSION_NUMBER ? 0 : 4;
}
C
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror "$work/prog.c" -o "$work/prog" $(pkg-config --cflags --libs aiineq)
(cd "$work" && env -u LD_LIBRARY_PATH ./prog)
man -w aiineq_model_new >/dev/null && man -w aiineq >/dev/null && echo "man pages: ok"
(cd "$work" && env -u AIINEQ_LIBRARY -u PYTHONPATH /usr/bin/python3 -c "
import aiineq
m = aiineq.Model(theta=0.2)
assert m.theta == 0.2 and aiineq.version() == '0.3.0'
print('python3 -c \"import aiineq\": ok (library %s)' % aiineq.library_path())")
echo "deb-test: ok"
