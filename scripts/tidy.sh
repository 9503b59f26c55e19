#!/usr/bin/env bash
# clang-tidy (19) over every source file with the allow-list in .clang-tidy; uses the dev build's
# compile_commands.json (run `cmake --preset dev` first). Exit non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
db=build/dev
[[ -f $db/compile_commands.json ]] || cmake --preset dev >/dev/null
tidy=$(command -v clang-tidy-19 || command -v clang-tidy)
find src -name '*.cpp' -print0 | xargs -0 -n 8 -P "$(nproc)" "$tidy" -p "$db" --quiet
