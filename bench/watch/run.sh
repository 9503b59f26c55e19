#!/usr/bin/env bash
# The runtime sensor's cost and capacity, on this machine, in one run (root; nothing else tracing, please):
#   overhead  syscall-heavy loops (bench/watch/loops.c: getpid, open+close, fork+exec) timed by hyperfine
#             (1 warm-up, RUNS runs, medians) with no tracer (before and after the rest, pooled), under
#             `vigil watch` (built-in rules) and under bpftrace counting every system call
#             (tracepoint:raw_syscalls:sys_enter), the usual comparison; and the kernel's floor for any sensor
#             built on syscall tracepoints: bpftrace with an empty program on sys_exit_fchdir (a call no loop
#             makes: what every system call pays once any syscall tracepoint is attached) and on sys_exit_openat
#             (plus what an open pays to enter any BPF program at all);
#   rate      a loop of dup2(fd, 2), every call an event, under `vigil watch --rules rate-rules.yaml` (one rule
#             that wants dup events and never matches): events per second through ring buffer, decoder, process
#             tree and rules, and the drop count the probes report;
#   latency   200 processes each reading /etc/shadow (one detection each) while an open+close loop keeps the
#             sensor busy: p50/p99 from the kernel's event time to the detection written (vigil's stop line);
#   memory    vigil's resident set, sampled every 0.2 s through all of the above (peak and median).
# Prerequisites: apt-get install -y hyperfine bpftrace; a release build (cmake --preset release;
# ninja -C build/release vigil). Usage: bench/watch/run.sh   (RUNS=5 VIGIL=path/to/vigil)
# Results: bench/work/watch/results/{summary.md,summary.json,<loop>.<tracer>.hyperfine.json,*.stop.txt,rss.txt}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/bench/work/watch
out=$work/results
vigil=$(realpath -m "${VIGIL:-$root/build/release/src/vigil}")
runs=${RUNS:-5}
log() { echo "== $*" >&2; }

[[ $(id -u) == 0 ]] || { echo "run as root: the sensor and bpftrace load eBPF programs" >&2; exit 2; }
for tool in hyperfine bpftrace cc; do
  command -v $tool >/dev/null || { echo "$tool missing: apt-get install -y hyperfine bpftrace gcc" >&2; exit 2; }
done
[[ -x $vigil ]] || { echo "no vigil at $vigil: cmake --preset release && ninja -C build/release vigil" >&2; exit 2; }
mkdir -p "$work" "$out"
rm -f "$out"/*
cc -O2 -o "$work/loops" "$here/loops.c"
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

tracer_pid=
rss_pid=
# Starts a tracer in the background and waits until it says it is attached.
start_tracer() {  # name, ready-pattern, command...
  local name=$1 ready=$2
  shift 2
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  tracer_pid=$!
  for _ in $(seq 300); do
    grep -q "$ready" "$work/$name.out" "$work/$name.err" 2>/dev/null && return 0
    kill -0 $tracer_pid 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not start:" >&2
  cat "$work/$name.err" >&2
  exit 1
}
stop_tracer() {
  kill -INT $tracer_pid
  wait $tracer_pid || true
  tracer_pid=
}
sample_rss() {  # vigil's pid; appends "kB" lines to rss.txt until vigil exits
  while [[ -r /proc/$1/status ]]; do
    awk '/^VmRSS:/ {print $2}' /proc/$1/status >>"$out/rss.txt" 2>/dev/null || true
    sleep 0.2
  done
}
start_vigil() {  # name, extra args...
  local name=$1
  shift
  start_tracer "$name" "watching" "$vigil" watch -o "$work/$name.detections.jsonl" "$@"
  sample_rss $tracer_pid &
  rss_pid=$!
}
stop_vigil() {  # name: keeps vigil's stop line
  local name=$1
  stop_tracer
  wait $rss_pid 2>/dev/null || true
  tail -1 "$work/$name.err" >"$out/$name.stop.txt"
  log "$(cat "$out/$name.stop.txt")"
}
cleanup() { [[ -n $tracer_pid ]] && kill $tracer_pid 2>/dev/null; true; }
trap cleanup EXIT

declare -A count=([getpid]=5000000 [openclose]=1000000 [forkexec]=2000)
time_loops() {  # tracer name
  for loop in getpid openclose forkexec; do
    hyperfine --warmup 1 --runs "$runs" -N --export-json "$out/$loop.$1.hyperfine.json" \
      "$work/loops $loop ${count[$loop]}" >/dev/null
  done
}

log "overhead: no tracer"
time_loops none
log "overhead: vigil watch (built-in rules)"
start_vigil overhead
time_loops vigil
stop_vigil overhead
log "overhead: bpftrace counting every system call"
start_tracer bpftrace "Attaching" bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
time_loops bpftrace
stop_tracer
log "overhead floor: an empty program on a syscall tracepoint no loop calls"
start_tracer floor-any "Attaching" bpftrace -e 'tracepoint:syscalls:sys_exit_fchdir { }'
time_loops floor-any
stop_tracer
log "overhead floor: an empty program on openat's exit"
start_tracer floor-open "Attaching" bpftrace -e 'tracepoint:syscalls:sys_exit_openat { }'
time_loops floor-open
stop_tracer
log "overhead: no tracer, again"
time_loops none-after

log "rate: dup2 loop under a rule that wants dup events"
start_vigil rate --rules "$here/rate-rules.yaml"
for i in $(seq "$runs"); do
  /usr/bin/time -f %e -o "$out/rate.$i.seconds" "$work/loops" redirect 3000000
done
stop_vigil rate

log "latency: 200 detections while an open+close loop runs"
start_vigil latency
"$work/loops" openclose 100000000 &
load_pid=$!
"$work/loops" secrets 200
kill $load_pid
wait $load_pid 2>/dev/null || true
stop_vigil latency

python3 "$here/summarize.py" "$out" "$runs"
