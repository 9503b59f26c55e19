#!/usr/bin/env bash
# Compiles bench/vulndb/match_bench.cpp by hand against an existing release build's static libraries (until the
# CMake target exists). Usage: bench/vulndb/build-match-bench.sh [BUILD_DIR]   (default build/release)
# Output: bench/work/vulndb/match_bench
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/release}
[[ $build == /* ]] || build=$root/$build
for lib in scan formats model core; do
  [[ -f $build/src/libvigil_$lib.a ]] || { echo "missing $build/src/libvigil_$lib.a: build vigil first" >&2; exit 2; }
done
mkdir -p "$root/bench/work/vulndb"
g++ -std=c++20 -O3 -DNDEBUG -g -DFMT_SHARED -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1 \
  -I"$root/src" -I"$build/src/generated" "$here/match_bench.cpp" -o "$root/bench/work/vulndb/match_bench" \
  "$build/src/libvigil_scan.a" "$build/src/libvigil_formats.a" "$build/src/libvigil_model.a" \
  "$build/src/libvigil_core.a" -lsimdjson -lyaml -ltomlplusplus -lpugixml -larchive -lsqlite3 -lz -lfmt -lcurl \
  -lcrypto -pthread
echo "$root/bench/work/vulndb/match_bench"
