#!/usr/bin/env python3
"""Generates dpkg.tsv: "A<TAB>B<TAB>R" lines (R is <, = or >) for tests/unit/versions/dpkg_test.cpp.

Reference: the real `dpkg --compare-versions A lt|gt B` of the machine running this script (Debian 12:
dpkg 1.21). Pairs dpkg rejects as fatal syntax errors (exit 2) are dropped; pairs it accepts with a
"bad syntax" warning are kept. apt_pkg.version_compare (python3-apt) is checked to agree.

Pairs: versions of the packages installed here (dpkg-query) plus a few hand-picked tricky ones, each
paired with a mutation of itself (bump/drop a number, add ~/+/letters, epoch, revision, leading zeros)
or with another version of similar shape, so most pairs are close. Seeded: reruns give the same file.
Usage: python3 generate_dpkg.py > dpkg.tsv   (takes ~20 s)
"""
import random
import subprocess
import sys

SEED = 20240611
COUNT = 3200

EXTRA = ["1:2.30.2-1+deb11u1", "2:8.2.2434-3+deb11u1", "1.0~rc1-1", "1.0~~a", "1.0+really0.9-1", "0.0~git20230101.abcdef-2",
         "7.88.1-10+deb12u5", "1:9.18.19-1~deb12u1", "3.0.11-1~deb12u2", "2.36-9+deb12u4", "1.2.3-0ubuntu1~22.04.1",
         "5.10.0-28", "10.2.1-6", "1.0-1", "1.0", "1.0a", "1.0.a", "1.0-1.1", "1.0-0", "0:1.0", "00:1.0", "1.0+b1",
         "2.0~beta2+dfsg-3", "4.19.0-0.bpo.1", "1.18.0+ds-1~bpo12+1", "20230101", "1:0", "1.0-a-b", "1.0:2-3"]


def installed_versions():
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}\n"], capture_output=True, text=True, check=True).stdout
    return sorted({v for v in out.splitlines() if v})


def mutate(v, rnd):
    ops = [
        lambda s: s + rnd.choice(["~rc1", "~", "+b1", "a", ".1", ".0", "-1", "+deb12u1", "~bpo12+1", "+really1"]),
        lambda s: s[:-1] if len(s) > 1 else s,
        lambda s: bump(s, rnd),
        lambda s: bump(s, rnd),
        lambda s: rnd.choice(["1:", "2:", "0:", "10:"]) + s if ":" not in s else s.split(":", 1)[1],
        lambda s: s.replace(".", rnd.choice(["~", "+", ".0", "."]), 1),
        lambda s: s.replace("-", "-0", 1) if "-" in s else s + "-0",
        lambda s: s.rsplit("-", 1)[0] if "-" in s else s + "-" + str(rnd.randint(0, 3)),
        lambda s: s.upper() if rnd.random() < 0.3 else s.replace("~", "", 1),
    ]
    for _ in range(rnd.choice([1, 1, 2])):
        v = rnd.choice(ops)(v)
    return v


def bump(s, rnd):
    digits = [i for i, c in enumerate(s) if c.isdigit()]
    if not digits:
        return s + "1"
    i = rnd.choice(digits)
    d = int(s[i])
    return s[:i] + str(max(0, min(9, d + rnd.choice([-1, 1])))) + s[i + 1:]


def dpkg_relation(a, b):
    lt = subprocess.run(["dpkg", "--compare-versions", a, "lt", b], capture_output=True)
    if lt.returncode not in (0, 1):
        return None
    if lt.returncode == 0:
        return "<"
    gt = subprocess.run(["dpkg", "--compare-versions", a, "gt", b], capture_output=True)
    if gt.returncode not in (0, 1):
        return None
    return ">" if gt.returncode == 0 else "="


def main():
    rnd = random.Random(SEED)
    base = installed_versions() + EXTRA
    try:
        import apt_pkg
        apt_pkg.init_system()
    except ImportError:
        apt_pkg = None
    rows, seen, disagreements = [], set(), 0
    while len(rows) < COUNT:
        a = rnd.choice(base)
        r = rnd.random()
        if r < 0.65:
            b = mutate(a, rnd)
        elif r < 0.8:
            b = a if rnd.random() < 0.3 else mutate(mutate(a, rnd), rnd)
        else:
            b = rnd.choice(base)
        if (a, b) in seen or "\t" in a + b or "\n" in a + b or not a or not b:
            continue
        seen.add((a, b))
        rel = dpkg_relation(a, b)
        if rel is None:
            continue
        if apt_pkg is not None:
            c = apt_pkg.version_compare(a, b)
            if (c < 0, c == 0, c > 0) != (rel == "<", rel == "=", rel == ">"):
                disagreements += 1
        rows.append(f"{a}\t{b}\t{rel}")
    sys.stdout.write("\n".join(rows) + "\n")
    print(f"{len(rows)} pairs; apt_pkg disagreed with dpkg on {disagreements}", file=sys.stderr)


if __name__ == "__main__":
    main()
