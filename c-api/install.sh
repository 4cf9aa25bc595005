#!/usr/bin/env bash
# Installs Silo's C API under a prefix, in the layout C build systems expect:
#   PREFIX/include/wasm.h, PREFIX/include/silo.h
#   PREFIX/lib/libsilo.so, PREFIX/lib/libsilo.a
#   PREFIX/lib/pkgconfig/silo.pc            (pkg-config --cflags --libs silo)
#   PREFIX/lib/cmake/Silo/SiloConfig.cmake  (find_package(Silo CONFIG): silo::silo, silo::silo_static)
#
# Usage: c-api/install.sh PREFIX [--debug]
# Builds the library with cargo first (the release profile unless --debug).
set -euo pipefail

usage() { echo "usage: $0 PREFIX [--debug]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
prefix=$1
profile=release
if [[ $# -eq 2 ]]; then
    [[ $2 == --debug ]] || usage
    profile=debug
fi

here=$(cd "$(dirname "$0")" && pwd)
cargo_flags=(-p silo-c-api --manifest-path "$here/Cargo.toml")
[[ $profile == release ]] && cargo_flags+=(--release)
cargo build "${cargo_flags[@]}"
target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$here/Cargo.toml" \
    | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
version=$(cargo pkgid --manifest-path "$here/Cargo.toml" -p silo-c-api | sed 's/.*[#@]//')

mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/Silo"
install -m 644 "$here/include/wasm.h" "$here/include/silo.h" "$prefix/include/"
install -m 755 "$target_dir/$profile/libsilo.so" "$prefix/lib/"
install -m 644 "$target_dir/$profile/libsilo.a" "$prefix/lib/"
fill() {
    sed -e "s|@INCLUDEDIR@|$prefix/include|g" -e "s|@LIBDIR@|$prefix/lib|g" \
        -e "s|@VERSION@|$version|g" "$1" > "$2"
}
fill "$here/pkg/silo.pc.in" "$prefix/lib/pkgconfig/silo.pc"
fill "$here/pkg/SiloConfig.cmake.in" "$prefix/lib/cmake/Silo/SiloConfig.cmake"
echo "installed Silo's C API $version under $prefix"
