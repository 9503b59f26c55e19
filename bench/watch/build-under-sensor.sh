#!/usr/bin/env bash
# The false-alarm check of issue 7: build Vigil itself (cmake configure + ninja + g++ + the BPF toolchain: clang,
# bpftool) from a fresh build directory (sources: git archive of HEAD), without ccache, while `vigil watch` runs the built-in rules over the
# whole machine. Expected: zero detections. Prints the detections (if any) and the stop line.
# Usage (root): bench/watch/build-under-sensor.sh   (TARGETS="vigil" VIGIL=path/to/vigil JOBS=2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/bench/work/watch
out=$work/results
vigil=$(realpath -m "${VIGIL:-$root/build/release/src/vigil}")
targets=${TARGETS:-vigil}
[[ $(id -u) == 0 ]] || { echo "run as root: the sensor loads eBPF programs" >&2; exit 2; }
[[ -x $vigil ]] || { echo "no vigil at $vigil: cmake --preset release && ninja -C build/release vigil" >&2; exit 2; }
mkdir -p "$work" "$out"
cp "$vigil" "$work/vigil-under-test"  # the build below must not replace the binary that watches it
"$work/vigil-under-test" watch -o "$out/build.detections.jsonl" 2>"$work/build.err" &
watcher=$!
trap 'kill $watcher 2>/dev/null || true' EXIT
for _ in $(seq 300); do grep -q watching "$work/build.err" && break; sleep 0.1; done
grep -q watching "$work/build.err" || { cat "$work/build.err" >&2; exit 1; }
rm -rf "$work/build-tree" "$work/build-src"
mkdir -p "$work/build-src"
git -C "$root" archive HEAD | tar -x -C "$work/build-src"  # a snapshot: edits in the tree do not disturb it
start=$(date +%s)
CCACHE_DISABLE=1 cmake -S "$work/build-src" -B "$work/build-tree" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DVIGIL_BUILD_TESTS=OFF >"$work/build.log" 2>&1
CCACHE_DISABLE=1 ninja -C "$work/build-tree" -j "${JOBS:-2}" $targets >>"$work/build.log" 2>&1
end=$(date +%s)
kill -INT $watcher
wait $watcher || true
trap - EXIT
n=$(wc -l <"$out/build.detections.jsonl")
{
  echo "built $targets from scratch in $((end - start)) s under vigil watch (built-in rules)"
  tail -1 "$work/build.err"
  echo "detections: $n"
  [[ $n == 0 ]] || python3 -c 'import json,sys; [print(" ", d["rule"], "|", d["output"][:160]) for d in map(json.loads, open(sys.argv[1]))]' "$out/build.detections.jsonl"
} | tee "$out/build-under-sensor.txt"
