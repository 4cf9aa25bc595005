#!/usr/bin/env bash
# Fetch the SQLite amalgamation (sqlite3.c, sqlite3.h: one C file of about 270,000 lines, public
# domain) that bench/programs/sqlite.c is built from, and print the directory holding it.
#
#   bench/fetch-sqlite.sh     -> bench/build/sqlite-3.53.2 (downloaded once, then reused)
#
# The amalgamation comes from the crates.io package libsqlite3-sys, which bundles it: crates.io is
# a registry every machine we build on reaches, sqlite.org is not. Both the package and the two
# files are checked against the SHA-256 sums below before anything uses them.
set -euo pipefail

crate=libsqlite3-sys
crate_version=0.38.2
sqlite_version=3.53.2
crate_sha256=f1d20bef17f513b9b3004532233187769cd072d790971f4e4da0e346eb6401e8
c_sha256=0a409f1633283fa31a9126b11fbfd64a1991c5d30defad07e5745d4667f5e23d
h_sha256=9e69a1353a4288450b0d5239ede11fc7f1f4c8e5eb07491fc8317eacb5b7de7e

here=$(cd "$(dirname "$0")" && pwd)
dest=$here/build/sqlite-$sqlite_version

check() { # file sha256
    echo "$2  $1" | sha256sum --check --status
}

if [ -f "$dest/sqlite3.c" ] && check "$dest/sqlite3.c" "$c_sha256" && check "$dest/sqlite3.h" "$h_sha256"; then
    echo "$dest"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
url=https://static.crates.io/crates/$crate/$crate-$crate_version.crate
echo "fetching SQLite $sqlite_version from $url" >&2
curl --fail --silent --show-error --location --retry 3 -o "$tmp/pkg.crate" "$url"
if ! check "$tmp/pkg.crate" "$crate_sha256"; then
    echo "fetch-sqlite: $url does not have the expected SHA-256 $crate_sha256" >&2
    exit 1
fi
tar -xzf "$tmp/pkg.crate" -C "$tmp" "$crate-$crate_version/sqlite3/sqlite3.c" "$crate-$crate_version/sqlite3/sqlite3.h"
for f in sqlite3.c sqlite3.h; do
    want=$c_sha256
    [ $f = sqlite3.h ] && want=$h_sha256
    if ! check "$tmp/$crate-$crate_version/sqlite3/$f" "$want"; then
        echo "fetch-sqlite: $f in $crate $crate_version does not have the expected SHA-256 $want" >&2
        exit 1
    fi
done
mkdir -p "$dest"
mv "$tmp/$crate-$crate_version/sqlite3/sqlite3.c" "$tmp/$crate-$crate_version/sqlite3/sqlite3.h" "$dest/"
echo "$dest"
