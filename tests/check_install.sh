#!/usr/bin/env bash
# Install into a staging tree, then build and run a small program against it
# with nothing but pkg-config, as a user of the installed library would.
set -euo pipefail
make_cmd=${1:-make}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/usr/local
$make_cmd --no-print-directory -s install DESTDIR="$stage" PREFIX="$prefix" >/dev/null

# The .pc file holds the final paths; point pkg-config at the staged tree.
export PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$stage"
cat > "$stage/prog.c" <<'C'
#include <aiineq.h>
#include <stdio.h>
#include <string.h>
int main(void) {
  aiineq_model *m = NULL;
  double theta = 0;
  if (aiineq_model_new(&m) != AIINEQ_OK) return 1;
  if (aiineq_model_get_double(m, "theta", &theta) != AIINEQ_OK) return 2;
  aiineq_model_free(m);
  if (strcmp(aiineq_version_string(), AIINEQ_VERSION_STRING) != 0) return 3;
  printf("installed aiineq %s, theta = %.2f\n", aiineq_version_string(), theta);
  return theta == 0.19 ? 0 : 4;
}
C
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror "$stage/prog.c" -o "$stage/prog" $(pkg-config --cflags --libs aiineq)
out=$(LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/prog")
echo "check-install: ok ($out)"
for f in include/aiineq.h lib/libaiineq.a lib/libaiineq.so.0 lib/pkgconfig/aiineq.pc \
         share/man/man3/aiineq.3 share/man/man3/aiineq_model_new.3; do
  [ -e "$stage$prefix/$f" ] || { echo "check-install: FAILED: $f not installed" >&2; exit 1; }
done
