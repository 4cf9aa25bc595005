#!/bin/sh
# Rebuilds the test programs' .wasm from their C sources (clang-16 with wasi-libc; on Debian:
# apt-get install clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32). The .wasm files are
# committed, so running the tests needs no C toolchain.
set -eu
cd "$(dirname "$0")"
for src in *.c; do
    clang-16 --target=wasm32-wasi --sysroot=/usr -O2 -g0 -Wl,--strip-debug -o "${src%.c}.wasm" "$src"
done
