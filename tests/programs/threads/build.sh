#!/bin/sh
# Rebuilds the wasi-threads test programs' .wasm from their C sources (the .wasm files are
# committed, so running the tests needs no C toolchain). bench/build.sh builds the threads
# benchmark (bench/programs/threads-mandelbrot.c) with the sysroot this script sets up.
#
# Toolchain: Debian's clang-16 and wasm-ld-16 (apt-get install clang-16 lld-16 wasi-libc
# libclang-rt-16-dev-wasm32) with a wasm32-wasi-threads sysroot, which Debian does not ship
# (its wasi-libc is built for the single-threaded model only). `build.sh --setup`, or any run
# that finds no sysroot, puts one together in $WASI_THREADS_SYSROOT
# (default target/wasi-threads-sysroot in the repository) from two registries:
#   lib/wasm32-wasi-threads/  crt1-command.o, crt1-reactor.o, libc.a: wasi-libc built with
#       THREAD_MODEL=posix, as Rust ships it in its wasm32-wasip1-threads target
#       (rustup target add wasm32-wasip1-threads; $(rustc --print sysroot)/lib/rustlib/
#       wasm32-wasip1-threads/lib/self-contained/), plus an empty libpthread.a for clang's
#       -lpthread (pthreads are in libc.a);
#   include/wasm32-wasi-threads/  wasi-libc's headers from Debian trixie's wasi-libc package
#       (apt-get download, unpacked with dpkg-deb): the same headers serve every thread model,
#       -pthread defines _REENTRANT, which turns on the pthread API.
# The compiler-rt builtins are Debian's (libclang-rt-16-dev-wasm32).
#
# Threaded programs link with -pthread (clang adds --shared-memory) and
# -Wl,--import-memory,--export-memory,--max-memory=67108864: a shared memory needs a maximum,
# and wasi-threads wants it imported ("env" "memory") so every thread's instance gets the same
# one. A source with the comment "wasm-target: wasm32-wasi" is built single-threaded with
# Debian's sysroot instead; "wasm-cflags: FLAGS" adds flags.
set -eu
cd "$(dirname "$0")"
sysroot=${WASI_THREADS_SYSROOT:-$(pwd)/../../../target/wasi-threads-sysroot}
cc=${CC:-clang-16}

setup() {
    rustup target add wasm32-wasip1-threads
    lib=$(rustc --print sysroot)/lib/rustlib/wasm32-wasip1-threads/lib/self-contained
    work=$(mktemp -d)
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
        >"$work/sources.list"
    cat >"$work/apt.conf" <<EOF
Dir::Etc::sourcelist "$work/sources.list";
Dir::Etc::sourceparts "/nonexistent";
Dir::State::Lists "$work/lists";
Dir::Cache "$work/cache";
EOF
    APT_CONFIG=$work/apt.conf apt-get -q update >/dev/null
    (cd "$work" && APT_CONFIG=$work/apt.conf apt-get -q download wasi-libc 2>/dev/null)
    dpkg-deb -x "$work"/wasi-libc_*.deb "$work/root"
    rm -rf "$sysroot"
    mkdir -p "$sysroot/include" "$sysroot/lib/wasm32-wasi-threads"
    cp -r "$work/root/usr/include/wasm32-wasi" "$sysroot/include/wasm32-wasi-threads"
    cp "$lib"/* "$sysroot/lib/wasm32-wasi-threads/"
    printf '!<arch>\n' >"$sysroot/lib/wasm32-wasi-threads/libpthread.a"
    rm -rf "$work"
    echo "sysroot ready in $sysroot"
}

if [ "${1:-}" = "--setup" ] || [ ! -f "$sysroot/lib/wasm32-wasi-threads/libc.a" ]; then
    setup
fi

threads_flags="--target=wasm32-wasi-threads --sysroot=$sysroot -pthread \
-Wl,--import-memory,--export-memory,--max-memory=67108864"
for src in *.c; do
    extra=$(sed -n 's/.*wasm-cflags: *\([^*]*[^* ]\).*/\1/p' "$src" | head -1)
    if grep -q 'wasm-target: *wasm32-wasi$' "$src"; then
        target="--target=wasm32-wasi --sysroot=/usr"
    else
        target=$threads_flags
    fi
    echo "build ${src%.c}.wasm"
    # shellcheck disable=SC2086 # target and extra are lists of flags
    "$cc" $target -O2 -g0 -Wall -Wextra $extra -Wl,--strip-debug -o "${src%.c}.wasm" "$src"
done
