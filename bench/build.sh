#!/usr/bin/env bash
# Rebuild Silo's benchmark programs.
#
#   bench/build.sh            every program: .wasm beside its source, native binary in bench/build/
#   bench/build.sh fib sieve  only those
#
# C sources become wasm32-wasi modules (clang + wasi-libc) and native
# executables with the same flags; .wat sources are assembled by Silo's own loader (the
# wat2wasm example, on the `wat` crate).
# Afterwards the native binaries' output at both sizes is recorded in
# programs/expected.txt, the reference the run script checks every engine against.
# A C source may ask for extra wasm flags with a comment "wasm-cflags: FLAGS", and for extra
# native flags with "native-cflags: FLAGS" (the SIMD programs' native ceiling: -march=x86-64-v3).
# A source that says "needs: sqlite" includes the SQLite amalgamation, which fetch-sqlite.sh
# downloads once into build/ (its directory goes on the include path of both builds).
# A source whose wasm-cflags name --target=wasm32-wasi-threads (threads-mandelbrot) links with a
# wasm32-wasi-threads sysroot, which Debian does not ship: tests/programs/threads/build.sh --setup
# puts one together; without it such a module is left as committed (its native binary is built).
# Environment: CC (default clang-16), WASI_SYSROOT (default /usr), WASI_THREADS_SYSROOT (default
# target/wasi-threads-sysroot).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$here/programs
native=$here/build
cc=${CC:-clang-16}
sysroot=${WASI_SYSROOT:-/usr}
threads_sysroot=${WASI_THREADS_SYSROOT:-$here/../target/wasi-threads-sysroot}
cflags=(-O2 -ffp-contract=off -Wall -Wextra -std=c11)

mkdir -p "$native"

if [ $# -gt 0 ]; then
    names=("$@")
else
    names=()
    for f in "$src"/*.c "$src"/*.wat; do
        n=$(basename "$f")
        names+=("${n%.*}")
    done
fi

for name in "${names[@]}"; do
    if [ -f "$src/$name.c" ]; then
        extra=$(sed -n 's/.*wasm-cflags: *\([^*]*[^* ]\).*/\1/p' "$src/$name.c" | head -1)
        native_extra=$(sed -n 's/.*native-cflags: *\([^*]*[^* ]\).*/\1/p' "$src/$name.c" | head -1)
        if grep -q 'needs: sqlite' "$src/$name.c"; then
            sqlite_dir=$("$here/fetch-sqlite.sh")
            extra="$extra -I$sqlite_dir"
            native_extra="$native_extra -I$sqlite_dir"
        fi
        echo "build $name (c${extra:+, $extra}${native_extra:+, native $native_extra})"
        # shellcheck disable=SC2086 # extra is a list of flags, split but not globbed
        set -f
        if [[ $extra != *wasm32-wasi-threads* ]]; then
            "$cc" --target=wasm32-wasi --sysroot="$sysroot" "${cflags[@]}" $extra -Wl,--strip-all \
                -o "$src/$name.wasm" "$src/$name.c"
        elif [ -f "$threads_sysroot/lib/wasm32-wasi-threads/libc.a" ]; then
            "$cc" --sysroot="$threads_sysroot" "${cflags[@]}" $extra -Wl,--strip-all \
                -o "$src/$name.wasm" "$src/$name.c"
        else
            echo "  $name.wasm kept as committed: no wasm32-wasi-threads sysroot in $threads_sysroot" \
                "(tests/programs/threads/build.sh --setup)" >&2
        fi
        # shellcheck disable=SC2086 # as above
        "$cc" "${cflags[@]}" $native_extra -o "$native/$name" "$src/$name.c" -lm
        set +f
    elif [ -f "$src/$name.wat" ]; then
        echo "build $name (wat)"
        cargo run --quiet --release --manifest-path "$here/../Cargo.toml" --example wat2wasm -- \
            "$src/$name.wat" "$src/$name.wasm"
    else
        echo "no source for $name in $src" >&2
        exit 1
    fi
done

# Record the native output as the reference every engine must match.
python3 "$here/run" --record-expected --programs "$(IFS=,; echo "${names[*]}")"
