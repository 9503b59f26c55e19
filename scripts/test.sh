#!/usr/bin/env bash
# README command 2: install, build and run the whole test suite:
# the dev build (all labels), clang-tidy, the ASan+UBSan build of the same tests, and a libFuzzer smoke run.
# FUZZ_SECONDS (default 3) sets the smoke run per fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test
jobs=$(nproc)

echo "== dev build + tests" >&2
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
ctest --preset dev -j "$jobs"

echo "== clang-tidy (allow-list in .clang-tidy)" >&2
bash scripts/tidy.sh

echo "== ASan+UBSan build + tests" >&2
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan-ubsan -j "$jobs"

echo "== libFuzzer smoke run" >&2
cmake --preset clang >/dev/null
cmake --build --preset clang -j "$jobs"
bash scripts/fuzz-smoke.sh build/clang/fuzz "${FUZZ_SECONDS:-3}"
