#!/bin/sh
# Rebuilds the committed test programs, so that tests need no C toolchain:
#   *.c   -> *.wasm    with clang-16 and wasi-libc (Debian/Ubuntu packages clang-16, wasi-libc)
#   fileops.expected   fileops.c built natively and run on a fresh temporary directory with
#                      GREETING=hello and stdin = fileops.stdin; a Silo run of fileops.wasm
#                      with the same setup must print exactly this.
# The .wat programs stay text: Silo loads .wat directly.
# Run from anywhere: sh sandbox/tests/programs/build.sh
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang-16}
WASI_FLAGS="--target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -Wl,--strip-all"

for src in *.c; do
    $CC $WASI_FLAGS "$src" -o "${src%.c}.wasm"
    echo "built ${src%.c}.wasm"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$CC -O2 -Wall -Wextra -Werror fileops.c -o "$tmp/fileops"
mkdir "$tmp/dir"
env -i GREETING=hello "$tmp/fileops" "$tmp/dir" < fileops.stdin > fileops.expected
echo "wrote fileops.expected"
