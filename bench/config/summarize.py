#!/usr/bin/env python3
"""Summary of bench/config/run.sh: hyperfine medians per corpus and tool, Trivy corrected by the median of
`trivy --version`, ratios, peak RSS, findings per check id (Trivy: failures only), and what each tool reports on
each of the 12 Dockerfiles (one copy). Writes summary.md (stdout) and summary.json."""
import collections
import datetime
import json
import os
import sys

out, cfg, runs, rss_runs = sys.argv[1:5]


def load(name):
    try:
        return json.load(open(os.path.join(out, name)))
    except (OSError, ValueError):
        return None


def timings(name):
    d = load(f"{name}.hyperfine.json")
    res = {}
    for r in (d or {}).get("results") or []:
        res[r["command"]] = {"median": r["median"], "stddev": r["stddev"] or 0.0, "cpu": r["user"] + r["system"],
                             "min": r["min"], "max": r["max"]}
    return res


def findings(tool, report):
    """Counter of check id -> findings, and Counter of (path, id) for the per-file table, or None."""
    d = load(report)
    if d is None:
        return None, None
    ids, per_file = collections.Counter(), collections.Counter()
    if tool == "trivy":
        for r in d.get("Results") or []:
            for m in r.get("Misconfigurations") or []:
                if m.get("Status") == "FAIL":
                    ids[m["ID"]] += 1
                    per_file[(r["Target"], m["ID"])] += 1
    else:
        for m in d.get("misconfigurations") or []:
            ids[m["check"]] += 1
            per_file[(m["path"], m["check"])] += 1
    return ids, per_file


def trivy_targets(report):
    d = load(report)
    return collections.Counter(r.get("Type") for r in (d or {}).get("Results") or [])


rss = {}
if os.path.exists(os.path.join(out, "rss.txt")):
    for line in open(os.path.join(out, "rss.txt")):
        f = line.split()
        if len(f) == 3 and f[2].isdigit():
            rss[(f[0], f[1])] = int(f[2]) / 1024

startup = timings("trivy-version")
startup = next(iter(startup.values())) if startup else None
s0 = startup["median"] if startup else 0.0
corpus_txt = open(os.path.join(cfg, "corpus.txt")).read().strip() if os.path.exists(
    os.path.join(cfg, "corpus.txt")) else ""
load_txt = open(os.path.join(out, "load.txt")).read().strip() if os.path.exists(os.path.join(out, "load.txt")) else ""

print(f"# Config scanning: vigil vs trivy ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
      f"{os.cpu_count()} cores)\n")
print(f"hyperfine: 1 warm-up + {runs} runs, medians; peak RSS: median of {rss_runs} runs of `/usr/bin/time -f %M`.")
print("Load average (1/5/15 min): " + "; ".join(load_txt.splitlines()) + ".")
if startup:
    print(f"Trivy start-up (median of `trivy --version`): {s0:.3f} s (σ {startup['stddev']:.3f}), "
          f"{startup['cpu']:.3f} s CPU; 'corrected' = Trivy's median minus that.")
print("\nCorpora (bench/work/config/corpus.txt):\n\n" + "\n".join(f"- {l}" for l in corpus_txt.splitlines()) + "\n")

fmt = lambda x: f"{x:.3f}" if x is not None else "-"
summary = {"startup": startup, "corpora": {}}
print("| corpus | vigil median s | vigil CPU s | trivy median s | trivy corrected s | trivy CPU s | "
      "ratio trivy corrected / vigil | ratio wall | vigil peak MiB | trivy peak MiB | findings vigil / trivy |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
corpora = [c for c in ("docker", "mixed") if os.path.exists(os.path.join(out, f"{c}.hyperfine.json"))]
for c in corpora:
    t = timings(c)
    v, tr = t.get("vigil"), t.get("trivy")
    corr = tr["median"] - s0 if tr else None
    vf, _ = findings("vigil", f"{c}.vigil.json")
    tf, _ = findings("trivy", f"{c}.trivy.json")
    ratio = f"{corr / v['median']:.0f}x" if v and tr else "-"
    ratio_wall = f"{tr['median'] / v['median']:.0f}x" if v and tr else "-"
    r = lambda tool: f"{rss[(c, tool)]:.1f}" if (c, tool) in rss else "-"
    nv = sum(vf.values()) if vf is not None else "-"
    nt = sum(tf.values()) if tf is not None else "-"
    print(f"| {c} | {fmt(v and v['median'])} | {fmt(v and v['cpu'])} | {fmt(tr and tr['median'])} | {fmt(corr)} | "
          f"{fmt(tr and tr['cpu'])} | {ratio} | {ratio_wall} | {r('vigil')} | {r('trivy')} | {nv} / {nt} |")
    summary["corpora"][c] = {"vigil": v, "trivy": tr, "trivy_corrected": corr,
                             "rss_mib": {tool: rss.get((c, tool)) for tool in ("vigil", "trivy")},
                             "findings": {"vigil": dict(vf or {}), "trivy": dict(tf or {})},
                             "trivy_targets": dict(trivy_targets(f"{c}.trivy.json"))}
print("\nσ (s): " + "; ".join(f"{c} " + ", ".join(f"{k} {v['stddev']:.3f}" for k, v in timings(c).items())
                              for c in corpora))

for c in corpora:
    f = summary["corpora"][c]["findings"]
    print(f"\nFindings per check id, {c} (Trivy: status FAIL only; Trivy result targets by type: "
          f"{summary['corpora'][c]['trivy_targets'] or '-'}):\n")
    for tool in ("vigil", "trivy"):
        print(f"- {tool}: " + (", ".join(f"{k} {n}" for k, n in sorted(f[tool].items(), key=lambda x: (-x[1], x[0])))
                               or "-"))

r1, _ = findings("vigil", "repo-001.vigil.json")
if r1 is not None and "mixed" in summary["corpora"]:
    n_repos = len([d for d in os.listdir(os.path.join(cfg, "corpus-mixed")) if d.startswith("repo-")])
    total = sum(summary["corpora"]["mixed"]["findings"]["vigil"].values())
    print(f"\nVigil on corpus-mixed/repo-001 alone: {sum(r1.values())} findings; on the whole corpus "
          f"{total} = {total / n_repos:.1f} per repository ({n_repos}).")
    summary["vigil_repo_001"] = dict(r1)

# Per file: one copy of the 12 Dockerfiles.
_, vf = findings("vigil", "files.vigil.json")
_, tf = findings("trivy", "files.trivy.json")
if vf is not None or tf is not None:
    names = sorted({p for p, _ in (vf or {})} | {p for p, _ in (tf or {})} |
                   set(os.listdir(os.path.join(cfg, "corpus-docker", "copy-001"))))
    print("\nPer Dockerfile (corpus-docker/copy-001; id xN = N findings):\n")
    print("| file | vigil | trivy |")
    print("|---|---|---|")
    per = {}
    for name in names:
        cell = lambda d: ", ".join(f"{i}" + (f" x{n}" if n > 1 else "") for (p, i), n in sorted((d or {}).items())
                                   if p == name) or "-"
        print(f"| {name} | {cell(vf)} | {cell(tf)} |")
        per[name] = {"vigil": cell(vf), "trivy": cell(tf)}
    summary["files"] = per
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=1)
