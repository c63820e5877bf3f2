#!/bin/sh
# SPDX-License-Identifier: MIT
# deps.sh [CC] - make sure CC (default clang) can link a libFuzzer harness. On Debian 12
# the runtime (libclang_rt.fuzzer) comes with libclang-rt-<major>-dev; missing pieces are
# installed when run as root, else the exact apt-get line is printed and this exits 1.
set -eu
cc=${1:-clang}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
  > "$tmp/t.c"
links() { "$cc" -fsanitize=fuzzer,address,undefined "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1; }
links && exit 0
pkgs=""
if ! command -v "$cc" >/dev/null 2>&1; then
  pkgs="clang"
else
  major=$("$cc" -dumpversion 2>/dev/null | cut -d. -f1)
  pkgs="libclang-rt-${major:-14}-dev"
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "fuzz-deps: installing $pkgs" >&2
  apt-get update -qq >/dev/null 2>&1 || true
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
  if [ "$pkgs" = clang ]; then
    major=$("$cc" -dumpversion | cut -d. -f1)
    links || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "libclang-rt-$major-dev" >/dev/null
  fi
  links && exit 0
  echo "fuzz-deps: $cc still cannot link -fsanitize=fuzzer" >&2
  exit 1
fi
echo "fuzz-deps: $cc cannot link -fsanitize=fuzzer; run as root:" >&2
echo "  apt-get install -y $pkgs" >&2
exit 1
