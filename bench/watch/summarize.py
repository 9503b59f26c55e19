#!/usr/bin/env python3
"""Summarizes bench/watch/run.sh's results into summary.md and summary.json (see run.sh for what each part is)."""
import json
import os
import re
import statistics
import sys

out, runs = sys.argv[1], int(sys.argv[2])


def times(loop, tracer):
    with open(os.path.join(out, f"{loop}.{tracer}.hyperfine.json"), encoding="utf-8") as f:
        return json.load(f)["results"][0]["times"]


def median_seconds(loop, tracer):
    return statistics.median(times(loop, tracer))


def stop_line(name):
    with open(os.path.join(out, f"{name}.stop.txt"), encoding="utf-8") as f:
        return f.read().strip()


def number(pattern, text, default=None):
    m = re.search(pattern, text)
    return float(m.group(1)) if m else default


summary = {"runs": runs, "overhead": {}, "rate": {}, "latency": {}, "rss_kb": {}}
lines = ["# vigil watch: overhead, rate, latency, memory", "",
         f"Medians of {runs} runs (hyperfine, 1 warm-up). Ratios are against the same loop with no tracer (the "
         f"{2 * runs} runs before and after the others, pooled). Floor: bpftrace with an empty program on "
         "sys_exit_fchdir (any syscall tracepoint) and on sys_exit_openat.", "",
         "| loop | no tracer (s) | vigil watch (s) | ratio | floor: any syscall tracepoint | floor: openat's | "
         "bpftrace all syscalls (s) | ratio |",
         "|---|---|---|---|---|---|---|---|"]
tracers = {"vigil": "vigil", "floor_any": "floor-any", "floor_open": "floor-open", "bpftrace": "bpftrace"}
for loop in ("getpid", "openclose", "forkexec"):
    base = statistics.median(times(loop, "none") + times(loop, "none-after"))
    row = {"none_s": base, "none_before_s": median_seconds(loop, "none"),
           "none_after_s": median_seconds(loop, "none-after")}
    for key, tracer in tracers.items():
        t = median_seconds(loop, tracer)
        row[f"{key}_s"] = t
        row[f"{key}_ratio"] = t / base
    summary["overhead"][loop] = row
    lines.append(f"| {loop} | {base:.3f} | {row['vigil_s']:.3f} | {row['vigil_ratio']:.2f}x | "
                 f"{row['floor_any_ratio']:.2f}x | {row['floor_open_ratio']:.2f}x | "
                 f"{row['bpftrace_s']:.3f} | {row['bpftrace_ratio']:.2f}x |")

rate_stop = stop_line("rate")
seconds = []
for i in range(1, runs + 1):
    with open(os.path.join(out, f"rate.{i}.seconds"), encoding="utf-8") as f:
        seconds.append(float(f.read().split()[-1]))
events = number(r"stopped; (\d+) events", rate_stop, 0)
dropped = number(r"(\d+) dropped", rate_stop, -1)
per_run = 3_000_000
rates = [per_run / s for s in seconds]
summary["rate"] = {"events": events, "dropped": dropped, "seconds_per_run": seconds,
                   "median_events_per_s": statistics.median(rates)}
lines += ["", f"Ring-buffer rate: {statistics.median(rates) / 1e6:.2f} M events/s (median of {runs} runs of 3M "
          f"dup2 events; {int(events)} events read, {int(dropped)} dropped)."]

latency_stop = stop_line("latency")
summary["latency"] = {"p50_ms": number(r"p50 ([\d.]+) ms", latency_stop),
                      "p99_ms": number(r"p99 ([\d.]+) ms", latency_stop),
                      "detections": number(r"(\d+) detections", latency_stop),
                      "dropped": number(r"(\d+) dropped", latency_stop)}
lines += ["", f"Detection latency under an open+close load: p50 {summary['latency']['p50_ms']} ms, "
          f"p99 {summary['latency']['p99_ms']} ms ({summary['latency']['detections']} detections)."]

with open(os.path.join(out, "rss.txt"), encoding="utf-8") as f:
    rss = [int(x) for x in f.read().split()]
summary["rss_kb"] = {"peak": max(rss), "median": statistics.median(rss), "samples": len(rss)}
lines += ["", f"vigil's resident set: median {statistics.median(rss) / 1024:.0f} MiB, peak {max(rss) / 1024:.0f} MiB "
          f"({len(rss)} samples)."]
lines += ["", "Stop lines:", "", f"- overhead: {stop_line('overhead')}", f"- rate: {rate_stop}",
          f"- latency: {latency_stop}"]

with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as f:
    json.dump(summary, f, indent=2)
with open(os.path.join(out, "summary.md"), "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
