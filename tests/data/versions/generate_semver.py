#!/usr/bin/python3
"""Generates semver.tsv: "A<TAB>B<TAB>R" lines, R one of <, =, >.

Reference: node-semver from npm (`semver.compare(a, b)`, strict mode), run through node. Setup:
    mkdir /tmp/semver-ref && cd /tmp/semver-ref && npm init -y && npm install semver
    SEMVER_DIR=/tmp/semver-ref/node_modules/semver ./generate_semver.py > semver.tsv
Pairs: seed versions are the package.json versions of npm's own dependencies
(/usr/lib/node_modules/npm/node_modules/*/package.json) plus a fixed list of real prerelease/build
versions; each pair is a seed and a mutation of it (or two mutations), so most pairs are close:
bumped components, prerelease identifiers added/removed/changed (numeric vs alphanumeric, longer
lists, numbers beyond 2^53), build metadata added or changed (ignored by precedence), "v" prefix,
surrounding spaces. Only pairs node-semver accepts are written (compare throws on invalid versions;
those are covered by unit tests). Seeded with SEED.
"""
import glob
import json
import os
import random
import subprocess

SEED = 2020
PAIRS = 3600
NODE_SCRIPT = r"""
const semver = require(process.env.SEMVER_DIR || 'semver');
const pairs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = pairs.map(([a, b]) => {
  try { const r = semver.compare(a, b); return r < 0 ? '<' : r > 0 ? '>' : '='; } catch (e) { return '!'; }
});
process.stdout.write(JSON.stringify(out));
"""

FIXED = [
    "1.0.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
    "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85",
    "1.0.0+21AF26D3----117B344092BD", "18.3.0-canary-a8a4742f1-20240205", "5.0.0-next.3",
    "0.0.0-development", "4.0.0-rc.0", "2.0.0-0", "3.1.4-pre.1+build.7", "14.2.1-canary.37",
    "0.0.0-20240101120000-abcdef123456", "1.2.3-x-y-z.--", "1.0.0-0A.is.legal", "10.20.30",
]


def seeds():
    out = list(FIXED)
    for path in sorted(glob.glob("/usr/lib/node_modules/npm/node_modules/*/package.json")):
        try:
            with open(path) as f:
                v = json.load(f).get("version")
            if isinstance(v, str):
                out.append(v)
        except (OSError, ValueError):
            pass
    return out


IDENTS = ["alpha", "beta", "rc", "0", "1", "2", "10", "11", "pre", "next", "canary", "a1", "1a", "-", "x-y",
          "Alpha", "BETA", "9007199254740991", "9007199254740992", "9007199254740993", "123456789012345678"]


def mutate(rng, v):
    v = v.strip().lstrip("v")
    core, _, build = v.partition("+")
    main, _, pre = core.partition("-")
    nums = main.split(".")
    op = rng.randrange(10)
    if op == 0 and all(n.isdigit() for n in nums[:3]) and len(nums) >= 3:
        i = rng.randrange(3)
        nums[i] = str(max(0, int(nums[i]) + rng.choice([-1, 1, 1, 9])))
    elif op == 1:
        pre = ".".join(rng.choice(IDENTS) for _ in range(rng.randint(1, 3)))
    elif op == 2:
        pre = (pre + "." if pre else "") + rng.choice(IDENTS)
    elif op == 3 and pre:
        ids = pre.split(".")
        i = rng.randrange(len(ids))
        ids[i] = str(int(ids[i]) + rng.choice([-1, 1])) if ids[i].isdigit() and int(ids[i]) > 0 else rng.choice(IDENTS)
        pre = ".".join(ids)
    elif op == 4:
        pre = ""
    elif op == 5:
        build = rng.choice(["", "build.1", "001", "sha.5114f85", "exp-1"])
    elif op == 6:
        return rng.choice(["v", " ", "", " v"]) + v + rng.choice(["", " "])
    elif op == 7 and pre:
        pre = ".".join(pre.split(".")[:-1])
    elif len(nums) >= 3:
        i = rng.randrange(3)
        nums[i] = rng.choice(["0", "1", "2", "10", "100"])
    out = ".".join(nums) + ("-" + pre if pre else "") + ("+" + build if build else "")
    return out


def main():
    rng = random.Random(SEED)
    base = seeds()
    candidates = []
    while len(candidates) < PAIRS * 2:
        s = rng.choice(base)
        a = mutate(rng, s) if rng.random() < 0.7 else s
        b = mutate(rng, s)
        if rng.random() < 0.4:
            b = mutate(rng, b)
        if a == b and rng.random() < 0.9:
            continue
        candidates.append([a, b])
    res = subprocess.run(["node", "-e", NODE_SCRIPT], input=json.dumps(candidates), capture_output=True,
                         text=True, check=True, env=dict(os.environ))
    results = json.loads(res.stdout)
    lines = [f"{a}\t{b}\t{r}" for (a, b), r in zip(candidates, results) if r != "!"]
    print("\n".join(lines[:PAIRS]))


if __name__ == "__main__":
    main()
