#!/usr/bin/env bash
# Times secret scanning of one corpus by `vigil scan fs --scanners secret` and `trivy fs --scanners secret`
# (offline) with hyperfine (page cache warm, medians), measures Trivy's start-up (`trivy --version`), peak RSS,
# and scores both outputs against the corpus ground truth with compare.py.
# Prerequisites: bash bench/get-trivy.sh; a release build (cmake --preset release) for the Vigil half.
# Usage: bench/secrets/run.sh [CORPUS]      (default bench/work/secrets-corpus, made with seed 1 if missing)
#   RUNS=5 (hyperfine runs after one warm-up)  TOOLS="vigil trivy" (or just one)  VIGIL=path/to/vigil
# Results: bench/work/secrets-results/{summary.md,compare.md,hyperfine.json,trivy-version.json,*.json}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/bench/work
corpus=$(realpath -m "${1:-$work/secrets-corpus}")
runs=${RUNS:-5}
tools=${TOOLS:-vigil trivy}
vigil=${VIGIL:-$root/build/release/src/vigil}
trivy=$work/trivy
cache=$work/trivy-cache
out=$work/secrets-results
mkdir -p "$out"

has() { [[ " $tools " == *" $1 "* ]]; }
if [[ ! -f $corpus/.truth.jsonl ]]; then
  python3 "$here/make-corpus.py" --seed 1 --files 5000 --out "$corpus"
fi
if has vigil && [[ ! -x $vigil ]]; then
  echo "build vigil first: cmake --preset release && cmake --build --preset release --target vigil" >&2; exit 2
fi
if has trivy && [[ ! -x $trivy ]]; then echo "get Trivy first: bash bench/get-trivy.sh" >&2; exit 2; fi

# Trivy reads ./trivy-secret.yaml when present: run both tools from the results dir, which has none.
cd "$out"
trivy_cmd() {  # OUTPUT
  echo "$trivy fs --cache-dir $cache --skip-db-update --skip-java-db-update --offline-scan --quiet" \
       "--format json --scanners secret --output $1 $corpus"
}
vigil_cmd() {  # OUTPUT
  echo "$vigil scan fs $corpus --scanners secret -f json -q -o $1"
}

files=$(find "$corpus" -type f ! -name .truth.jsonl ! -name .corpus.json | wc -l)
bytes=$(find "$corpus" -type f ! -name .truth.jsonl ! -name .corpus.json -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "== corpus $corpus: $files files, $bytes bytes; warming the page cache" >&2
find "$corpus" -type f -print0 | xargs -0 cat >/dev/null

startup=0
if has trivy; then
  echo "== trivy --version (UPX self-unpacking start-up)" >&2
  hyperfine --style basic --runs "$runs" --export-json "$out/trivy-version.json" "$trivy --version" >&2
  startup=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$out/trivy-version.json")
fi

cmds=()
for t in $tools; do
  cmds+=(-n "$t" "$("${t}_cmd" "$out/bench.$t.json")")
done
echo "== hyperfine: $tools" >&2
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/hyperfine.json" "${cmds[@]}" >&2

# One more run of each under /usr/bin/time: peak RSS, and the output that is scored.
declare -A rss
score_args=()
for t in $tools; do
  rss[$t]=$( { /usr/bin/time -f %M bash -c "$("${t}_cmd" "$out/$t.json")" >/dev/null; } 2>&1 | tail -n 1)
  score_args+=("--$t" "$out/$t.json")
done
python3 "$here/compare.py" --truth "$corpus/.truth.jsonl" "${score_args[@]}" --out "$out/compare.md" \
  --summary-json "$out/compare.json"

python3 - "$out" "$corpus" "$files" "$bytes" "$startup" "$runs" "$(for t in $tools; do echo "$t=${rss[$t]}"; done)" \
  >"$out/summary.md" <<'PY'
import json, sys, datetime, os
out, corpus, files, nbytes, startup, runs, rss = sys.argv[1:]
files, nbytes, startup = int(files), int(nbytes), float(startup)
rss = dict(x.split("=") for x in rss.split())
hf = {r["command"]: r for r in json.load(open(f"{out}/hyperfine.json"))["results"]}
cmp = json.load(open(f"{out}/compare.json"))
meta = json.load(open(os.path.join(corpus, ".corpus.json")))
print(f"# Secret scanning: vigil vs trivy ({datetime.date.today()}, {os.cpu_count()} cores, {runs} runs)\n")
print(f"Corpus {corpus}: seed {meta['seed']}, {files} files, {nbytes / 2**20:.1f} MiB, {meta['planted']} planted "
      f"secrets ({len(meta['kinds'])} kinds), {meta['decoys']} decoys.")
if "trivy" in hf:
    print(f"Trivy start-up (median of `trivy --version`): {startup:.3f} s; 'corrected' = median minus that.\n")
startup_cpu = 0.0
if "trivy" in hf:
    v = json.load(open(f"{out}/trivy-version.json"))["results"][0]
    startup_cpu = v["user"] + v["system"]
    print(f"Trivy start-up CPU (mean user+sys of `trivy --version`): {startup_cpu:.3f} s.\n")
print("| tool | median s | σ s | MiB/s | corrected s | corrected MiB/s | CPU s (user+sys, mean) | corrected CPU s | peak RSS MiB | recall | precision | found / planted | false alarms |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
mib = nbytes / 2**20
fmt = lambda x, f: f.format(x) if x > 0 else "n/a"
for t, r in hf.items():
    med, cpu = r["median"], r["user"] + r["system"]
    corr, ccpu = (med - startup, cpu - startup_cpu) if t == "trivy" else (med, cpu)
    c = cmp[t]
    prec = c["found"] / max(c["found"] + c["false_alarms"], 1)
    print(f"| {t} | {med:.3f} | {r['stddev']:.3f} | {mib / med:.1f} | {fmt(corr, '{:.3f}')} | "
          f"{fmt(mib / corr if corr > 0 else 0, '{:.1f}')} | {cpu:.2f} | {fmt(ccpu, '{:.2f}')} | {int(rss[t]) / 1024:.0f} | "
          f"{c['found'] / c['planted']:.3f} | {prec:.3f} | {c['found']} / {c['planted']} | {c['false_alarms']} |")
if "vigil" in hf and "trivy" in hf:
    v, t = hf["vigil"]["median"], hf["trivy"]["median"]
    print(f"\nSpeed-up (wall): {t / v:.1f}x measured, {fmt((t - startup) / v, '{:.1f}x')} against Trivy's corrected time.")
print("\nDetails (per kind, per file type, per decoy kind, misses, false alarms): compare.md")
PY
cat "$out/summary.md"
