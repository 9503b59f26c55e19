#!/usr/bin/python3
"""Generates pep440.tsv: "A<TAB>B<TAB>R" lines, R one of <, =, >.

Reference: Debian's python3-packaging (packaging.version.Version ordering), run with /usr/bin/python3.
Pairs: seed versions come from the *.dist-info / *.egg-info names in /usr/lib/python3/dist-packages
plus a fixed list of real PyPI versions with every PEP 440 feature; each pair is a seed and a mutation
of it (or two mutations of the same seed), so most pairs are close: bumped or dropped release parts,
trailing zeros, leading zeros, pre/post/dev/local added, removed or respelled (alpha/a, c/rc, rev/r,
separators, case, implicit numbers), epochs, "v" prefix, surrounding whitespace. Only versions the
reference accepts are written (invalid ones are covered by unit tests). Seeded: output is stable
for a given seed list.  Usage: generate_pep440.py > pep440.tsv
"""
import glob
import os
import random
import re

from packaging.version import InvalidVersion, Version

SEED = 440
PAIRS = 3600

FIXED = [
    "0.1", "1.0", "1.0.0", "1.0.post1", "1.0.dev0", "1.0a1", "1.0b2", "1.0rc1", "1.0c1", "2.0.0.dev3",
    "1!1.0", "2!0.1", "1.0+local.1", "1.0+ubuntu1", "1.0+abc.5.def", "1.0.post1.dev2", "1.0a1.post2.dev3",
    "3.11.0b4", "22.3.1", "2023.10.3", "0.0.1a0", "4.0.0rc2", "1.26.18", "2.31.0", "42.0.5", "1.24.4",
    "0.13.0.post1", "3.2.post20230101", "1.0.0+cu118", "2.1.0+cpu", "7.0.0a5.dev20240101", "1.2.3.4.5",
    "v1.0", "1.0-1", "1.0_rc_1", "1.0-alpha-3", "1.0.preview.2", "1.0-r4", "1.0rev5", "01.002.0003",
]

LETTER_SPELLINGS = {"a": ["a", "alpha", "A", "Alpha"], "b": ["b", "beta", "B"], "rc": ["rc", "c", "pre", "preview", "RC"]}


def seeds():
    out = list(FIXED)
    for path in sorted(glob.glob("/usr/lib/python3/dist-packages/*-info")):
        m = re.match(r"^[^-]+-(.+?)(?:\.dist-info|\.egg-info)$", os.path.basename(path))
        if m:
            v = m.group(1).split("-py")[0]
            try:
                Version(v)
                out.append(v)
            except InvalidVersion:
                pass
    return out


def sep(rng):
    return rng.choice(["", "", ".", "-", "_"])


def mutate(rng, v):
    m = re.match(r"^(\d+!)?([\d.]+)(.*)$", v)
    if not m:
        return v
    epoch, release, rest = m.group(1) or "", m.group(2).strip("."), m.group(3)
    parts = release.split(".")
    op = rng.randrange(14)
    if op == 0:
        i = rng.randrange(len(parts))
        parts[i] = str(max(0, int(parts[i]) + rng.choice([-1, 1, 1, 10])))
    elif op == 1:
        parts.append("0" * rng.randint(1, 2))
    elif op == 2 and len(parts) > 1:
        parts.pop()
    elif op == 3:
        i = rng.randrange(len(parts))
        parts[i] = "0" + parts[i]
    elif op == 4:
        letter = rng.choice(list(LETTER_SPELLINGS))
        rest = sep(rng) + rng.choice(LETTER_SPELLINGS[letter]) + sep(rng) + rng.choice(["", "0", "1", "2", "10"])
    elif op == 5:
        rest += rng.choice([".post", "-post", "post", ".rev", "-r", "-"]) + str(rng.randint(0, 3))
        if rest.endswith("-"):
            rest += "1"
    elif op == 6:
        rest += sep(rng) + rng.choice(["dev", "DEV"]) + rng.choice(["", "0", "1", "20240101"])
    elif op == 7:
        rest = ""
    elif op == 8:
        epoch = rng.choice(["", "0!", "1!", "2!"])
    elif op == 9:
        rest = rest.split("+")[0] + "+" + rng.choice(["local", "1", "abc.1", "ubuntu1", "cu118", "1.2", "a.b-c_d", "2"])
    elif op == 10:
        return rng.choice(["v", "V", " ", ""]) + v + rng.choice(["", " ", "  "])
    elif op == 11:
        rest = re.sub(r"\d+", lambda x: str(int(x.group(0)) + rng.choice([-1, 1])) if int(x.group(0)) > 0 else "1", rest, count=1)
    elif op == 12:
        rest = rest.upper() if rng.random() < 0.5 else rest.lower()
    else:
        rest = rest.split("+")[0]
    return epoch + ".".join(parts) + rest


def valid(v):
    try:
        Version(v)
        return True
    except InvalidVersion:
        return False


def main():
    rng = random.Random(SEED)
    base = seeds()
    lines = []
    while len(lines) < PAIRS:
        s = rng.choice(base)
        a = mutate(rng, s) if rng.random() < 0.7 else s
        b = mutate(rng, s)
        if rng.random() < 0.4:
            b = mutate(rng, b)
        if not (valid(a) and valid(b)) or (a == b and rng.random() < 0.9):
            continue
        va, vb = Version(a), Version(b)
        r = "<" if va < vb else (">" if va > vb else "=")
        lines.append(f"{a}\t{b}\t{r}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
