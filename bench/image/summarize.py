#!/usr/bin/env python3
"""Summary table of bench/image/run.sh: hyperfine medians per image, tool and cache state, Trivy corrected by the
median of `trivy --version`, speed-ups, peak RSS, package and finding counts from the kept reports."""
import datetime
import glob
import json
import os
import sys

out, img, db, runs, rss_runs = sys.argv[1:6]


def hyperfine(name):
    path = os.path.join(out, f"{name}.hyperfine.json")
    if not os.path.exists(path):
        return None
    r = json.load(open(path))["results"][0]
    return {"median": r["median"], "stddev": r["stddev"] or 0.0, "cpu": r["user"] + r["system"],
            "min": r["min"], "max": r["max"]}


def counts(image, tool):
    """(package entries, unique packages, findings) of the kept report, or None."""
    path = os.path.join(out, f"{image}.{tool}.report.json")
    try:
        d = json.load(open(path))
    except (OSError, ValueError):
        return None
    if tool == "trivy":
        pkgs = [(r.get("Type"), p.get("Name"), p.get("Version")) for r in d.get("Results") or []
                for p in r.get("Packages") or []]
        vulns = sum(len(r.get("Vulnerabilities") or []) for r in d.get("Results") or [])
    else:
        pkgs = [(p.get("ecosystem"), p.get("name"), p.get("version")) for p in d.get("packages") or []]
        vulns = len(d.get("vulnerabilities") or d.get("findings") or [])
    return len(pkgs), len(set(pkgs)), vulns


rss = {}
if os.path.exists(os.path.join(out, "rss.txt")):
    for line in open(os.path.join(out, "rss.txt")):
        f = line.split()
        if len(f) == 4 and f[3].isdigit():
            rss[tuple(f[:3])] = int(f[3]) / 1024

startup = hyperfine("trivy-version")
s0 = startup["median"] if startup else 0.0
images = [i for i in ("debian", "lang", "big") if glob.glob(os.path.join(out, f"{i}.*.hyperfine.json"))]
images += sorted({os.path.basename(p).split(".")[0] for p in glob.glob(os.path.join(out, "*.hyperfine.json"))}
                 - set(images) - {"trivy-version"})

load = open("/proc/loadavg").read().split()[:3]
print(f"# Image scanning: vigil vs trivy ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
      f"{os.cpu_count()} cores, load average at the end {' '.join(load)})\n")
print(f"hyperfine: 1 warm-up + {runs} runs, medians; peak RSS: median of {rss_runs} runs of `/usr/bin/time -f %M`. "
      f"Vigil DB: {db}.")
if startup:
    print(f"Trivy start-up (median of `trivy --version`): {s0:.3f} s (σ {startup['stddev']:.3f}), "
          f"{startup['cpu']:.3f} s CPU; 'corrected' = Trivy's median minus that.\n")

fmt = lambda x: f"{x:.3f}" if x is not None else "-"
ms = lambda x: f"{x * 1000:.0f}" if x is not None else "-"
print("| image | vigil cold s | vigil warm ms | trivy cold s | trivy cold corrected s | trivy warm s | "
      "trivy warm corrected s | cold speed-up (corrected) | cold speed-up (wall) | vigil CPU cold / warm s | "
      "trivy CPU cold s | vigil peak MiB cold / warm | trivy peak MiB cold / warm |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
summary = {"startup": startup, "images": {}}
for i in images:
    vc, vw = hyperfine(f"{i}.vigil.cold"), hyperfine(f"{i}.vigil.warm")
    tc, tw = hyperfine(f"{i}.trivy.cold"), hyperfine(f"{i}.trivy.warm")
    corr = lambda r: r["median"] - s0 if r else None
    sp = f"{corr(tc) / vc['median']:.1f}x" if vc and tc else "-"
    spw = f"{tc['median'] / vc['median']:.1f}x" if vc and tc else "-"
    r = lambda t, m: f"{rss[(i, t, m)]:.0f}" if (i, t, m) in rss else "-"
    print(f"| {i} | {fmt(vc and vc['median'])} | {ms(vw and vw['median'])} | {fmt(tc and tc['median'])} | "
          f"{fmt(corr(tc))} | {fmt(tw and tw['median'])} | {fmt(corr(tw))} | {sp} | {spw} | "
          f"{fmt(vc and vc['cpu'])} / {fmt(vw and vw['cpu'])} | {fmt(tc and tc['cpu'])} | "
          f"{r('vigil', 'cold')} / {r('vigil', 'warm')} | {r('trivy', 'cold')} / {r('trivy', 'warm')} |")
    summary["images"][i] = {"vigil_cold": vc, "vigil_warm": vw, "trivy_cold": tc, "trivy_warm": tw,
                            "rss_mib": {f"{t}.{m}": rss.get((i, t, m)) for t in ("vigil", "trivy")
                                        for m in ("cold", "warm")},
                            "counts": {t: counts(i, t) for t in ("vigil", "trivy")}}

print("\nσ (s): " + "; ".join(
    f"{i} " + ", ".join(f"{k} {v['stddev']:.3f}" for k, v in summary["images"][i].items()
                        if k.endswith(("cold", "warm")) and v) for i in images))
print("\n| image | vigil packages (entries / unique) | vigil findings | trivy packages (entries / unique) | trivy findings |")
print("|---|---|---|---|---|")
for i in images:
    c = summary["images"][i]["counts"]
    v, t = c["vigil"], c["trivy"]
    print(f"| {i} | {f'{v[0]} / {v[1]}' if v else '-'} | {v[2] if v else '-'} | "
          f"{f'{t[0]} / {t[1]}' if t else '-'} | {t[2] if t else '-'} |")
sizes = os.path.join(img, "sizes.md")
if os.path.exists(sizes):
    print("\nImages (bench/work/image/sizes.md):\n")
    print(open(sizes).read().rstrip())
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=1)
