#!/bin/sh
# Rebuilds the test programs' .wasm from their C sources (clang-16 with wasi-libc; on Debian:
# apt-get install clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32). The .wasm files are
# committed, so running the tests needs no C toolchain. A source may ask for extra flags with a
# comment "wasm-cflags: FLAGS" (simd.c: -msimd128).
set -eu
cd "$(dirname "$0")"
for src in *.c; do
    extra=$(sed -n 's/.*wasm-cflags: *\([^*]*[^* ]\).*/\1/p' "$src" | head -1)
    # shellcheck disable=SC2086 # extra is a list of flags
    clang-16 --target=wasm32-wasi --sysroot=/usr -O2 -g0 $extra -Wl,--strip-debug -o "${src%.c}.wasm" "$src"
done
