#!/usr/bin/env python3
"""Generates rpm.tsv: "A<TAB>B<TAB>R" lines (R is <, = or >) for tests/unit/versions/rpm_test.cpp.

Reference: python3-rpm 4.18 (Debian 12 package python3-rpm), rpm.labelCompare((E,V,R), (E,V,R)), i.e. the
real rpmvercmp() on epoch, version and release. Each "[E:]V[-R]" string is split like rpm's parseEVR():
leading digits followed by ':' are the epoch (missing: None, which labelCompare reads as "0"), the last
'-' after them starts the release (missing: None, which labelCompare sorts before any release).

Pairs: EVRs as Red Hat / Fedora / SUSE ship them (el8/el9 releases, ~rc, ^git snapshots, epochs), each
paired with a mutation of itself (bump a digit, add ~/^/letters, change separators, leading zeros, drop
or add epoch/release) or with another EVR, so most pairs are close. Seeded: reruns give the same file.
Usage: python3 generate_rpm.py > rpm.tsv
"""
import random
import sys

import rpm

SEED = 20240611
COUNT = 3200

BASE = ["2.28-225.el8", "2.34-60.el9_2.7", "1:1.1.1k-12.el8_9", "1:3.0.7-25.el9_3", "4.18.0-553.el8_10",
        "5.14.0-362.8.1.el9_3", "7.61.1-34.el8_10.2", "7.76.1-26.el9_3.3", "2:8.2.2637-20.el9_1", "1:2.11-3.el9",
        "0.9.8^20230101git1234abc-1.fc39", "1.2.3~rc1-1.fc38", "1.2.3-1.fc38", "6.0.0~beta1^1-2", "3.11.4-3.fc39",
        "1.0-0.1.beta2", "2.9.14-6.el9", "32:9.16.23-14.el9_3", "12:4.4.3-17.el8", "1.21.1-1.module+el8.9.0+1234+abcd",
        "10.5.22-1.module_el8.9.0+3725+1b8c2f1c", "4.4.20-4.el9", "1.46.5-3.el9", "2.0.27-4.el9", "0.4.9-1.el8",
        "1:1.36.0-2.el9", "3.6.8-56.el8_9.3", "15.3-1.oe2203sp3", "6.4.0-150600.21.2", "2.37-150500.10.3",
        "1.1.1l-150400.7.60.2", "20230808-2.20240531.1.el9", "1.0", "1.0a", "1.0.a", "a", "0", "1^", "1~", "1.0-1^x",
        "2.2.5", "2.02-150.el8", "1:2.02-150.el8", "0.3.1-0.6.20201204git1c5d3d0.el9", "3.0.0-0.rc2.el9"]


def split_evr(s):
    i = 0
    while i < len(s) and s[i].isdigit() and s[i].isascii():
        i += 1
    hyphen = s.rfind("-")
    epoch, start = None, 0
    if i < len(s) and s[i] == ":":
        epoch, start = (s[:i] or "0"), i + 1
    if hyphen >= i:
        return epoch, s[start:hyphen], s[hyphen + 1:]
    return epoch, s[start:], None


def bump(s, rnd):
    digits = [i for i, c in enumerate(s) if c.isdigit()]
    if not digits:
        return s + "1"
    i = rnd.choice(digits)
    return s[:i] + str(max(0, min(9, int(s[i]) + rnd.choice([-1, 1, 3])))) + s[i + 1:]


def mutate(v, rnd):
    ops = [
        lambda s: s + rnd.choice(["~rc1", "~", "^", "^git1", "a", ".1", ".0", "_1", "-1", "+b", "p1", ".el9"]),
        lambda s: s[:-1] if len(s) > 1 else s,
        lambda s: bump(s, rnd),
        lambda s: bump(s, rnd),
        lambda s: (rnd.choice(["1:", "0:", "2:", ":", "01:"]) + s) if ":" not in s else s.split(":", 1)[1],
        lambda s: s.replace(".", rnd.choice(["_", "+", ".0", "..", "~", "^"]), 1),
        lambda s: s.replace(".", ".0", 1),
        lambda s: s.rsplit("-", 1)[0] if "-" in s else s + "-" + str(rnd.randint(0, 3)),
        lambda s: s.upper() if rnd.random() < 0.3 else s.replace("el8", "el9"),
    ]
    for _ in range(rnd.choice([1, 1, 2])):
        v = rnd.choice(ops)(v)
    return v


def main():
    rnd = random.Random(SEED)
    rows, seen = [], set()
    while len(rows) < COUNT:
        a = rnd.choice(BASE)
        r = rnd.random()
        if r < 0.65:
            b = mutate(a, rnd)
        elif r < 0.8:
            b = a if rnd.random() < 0.3 else mutate(mutate(a, rnd), rnd)
        else:
            b = rnd.choice(BASE)
        if rnd.random() < 0.5:
            a, b = b, a
        if (a, b) in seen or not a or not b:
            continue
        seen.add((a, b))
        c = rpm.labelCompare(split_evr(a), split_evr(b))
        rows.append(f"{a}\t{b}\t{'<' if c < 0 else '>' if c > 0 else '='}")
    sys.stdout.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
