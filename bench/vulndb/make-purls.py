#!/usr/bin/env python3
"""Writes purl lists (`vigil scan purl` input) that look like a real inventory matched against given OSV zips:
a share of the packages are names the advisories cover, half of them at a version inside an affected range
(an `introduced` bound, a `last_affected`, an entry of a `versions` list) and half at a `fixed` version of one
of their advisories (outside that range, perhaps inside another); the rest are names no advisory covers.
Popular names are picked more often, as real inventories hold them more often: by default half of the
present names come from the 2% of names with the most advisories per ecosystem (--popular), so a list holds
e.g. Debian's linux or PyPI's tensorflow at several versions, each matching hundreds of advisories. Malicious
-package (MAL-) names are left out: an inventory that holds them is not the common case.

Usage: make-purls.py --count N [--count N...] [--present 0.3] [--seed S] --out-prefix PREFIX ZIP...
       writes PREFIX-<N/1000>k.txt for each N, each list drawn independently (seeded by seed and N).
"""
import argparse
import collections
import importlib.util
import json
import os
import random
import re
import sys
import urllib.parse
import zipfile

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("synth", os.path.join(here, "make-synthetic.py"))
synth = importlib.util.module_from_spec(spec)
spec.loader.exec_module(synth)

# Inventory mix by ecosystem (what a mixed estate of images and repositories holds). Debian packages are
# Debian 12 (one OS per inventory: `scan purl` takes the OS from the purls' distro qualifier).
MIX = {"npm": 35, "PyPI": 15, "Maven": 15, "Go": 10, "Debian:12": 10, "crates.io": 5, "Packagist": 4,
       "RubyGems": 3, "NuGet": 3}
PURL_TYPE = dict(synth.PURL_TYPES, **{"Debian:12": "deb"})


def quote(s):
    return urllib.parse.quote(s, safe=".-_~+")


def purl(eco, name, version):
    t = PURL_TYPE[eco]
    if eco == "Go":
        version = "v" + version if not version.startswith("v") else version
        return f"pkg:golang/{'/'.join(quote(p) for p in name.split('/'))}@{quote(version)}"
    if eco == "Maven":
        group, _, artifact = name.partition(":")
        return f"pkg:maven/{quote(group)}/{quote(artifact)}@{quote(version)}"
    if eco in ("npm", "Packagist") and "/" in name:
        ns, _, n = name.rpartition("/")
        return f"pkg:{t}/{quote(ns)}/{quote(n)}@{quote(version)}"
    if eco == "Debian:12":
        return f"pkg:deb/debian/{quote(name)}@{quote(version)}?arch=amd64&distro=debian-12"
    return f"pkg:{t}/{quote(name)}@{quote(version)}"


class Catalog:
    """Per (ecosystem, name): advisory count, versions inside some range, fixed versions."""

    def __init__(self):
        self.count = collections.Counter()
        self.inside = collections.defaultdict(set)
        self.fixed = collections.defaultdict(set)

    def add(self, rec):
        if rec.get("withdrawn") or rec.get("id", "").startswith("MAL-"):
            return
        for a in rec.get("affected", []):
            pkg = a.get("package", {})
            eco, name = pkg.get("ecosystem", ""), pkg.get("name", "")
            if eco not in MIX or not name:
                continue
            key = (eco, name)
            self.count[key] += 1
            inside, fixed = self.inside[key], self.fixed[key]
            inside.update(a.get("versions", [])[:50])
            for r in a.get("ranges", []):
                if r.get("type") == "GIT":
                    continue
                for e in r.get("events", []):
                    for kind, v in e.items():
                        if kind == "introduced" and v != "0" or kind == "last_affected":
                            inside.add(v)
                        elif kind == "fixed":
                            fixed.add(v)
                            # Debian/Ubuntu stable updates: X+deb12uN fixes, X itself is affected.
                            m = re.match(r"(.*)(\+deb\d+u\d+|ubuntu0\.[\d.]+)$", v)
                            if m:
                                inside.add(m.group(1))


def load(zips):
    cat = Catalog()
    for path in zips:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.endswith(".json"):
                    cat.add(json.loads(zf.read(name)))
    return cat


def absent_version(rng, eco):
    v = f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"
    return f"{v}-{rng.randint(1, 5)}" if eco == "Debian:12" else v


def make_list(cat, count, present_share, popular_share, seed):
    rng = random.Random(f"{seed}/{count}")
    by_eco = collections.defaultdict(list)
    for key in cat.count:
        by_eco[key[0]].append(key)
    popular = {}
    for eco, keys in by_eco.items():
        keys.sort(key=lambda k: (-cat.count[k], k))
        popular[eco] = keys[:max(1, len(keys) // 50)]
    present_ecos = [e for e in MIX if by_eco.get(e)]
    known = {k[1] for k in cat.count}
    out, seen, stats = [], set(), collections.Counter()
    while len(out) < count:
        if present_ecos and rng.random() < present_share:
            eco = rng.choices(present_ecos, [MIX[e] for e in present_ecos])[0]
            key = rng.choice(popular[eco]) if rng.random() < popular_share else rng.choice(by_eco[eco])
            inside = sorted(cat.inside[key])
            fixed = sorted(cat.fixed[key])
            if inside and (rng.random() < 0.5 or not fixed):
                version, what = rng.choice(inside), "present-inside"
            elif fixed:
                version, what = rng.choice(fixed), "present-fixed"
            else:
                version, what = absent_version(rng, eco), "present-other"
            name = key[1]
        else:
            eco = rng.choices(list(MIX), list(MIX.values()))[0]
            kind = "Debian" if eco == "Debian:12" else eco
            name = synth.make_name(rng, kind) + f"-{rng.randint(0, 999)}"
            if name in known:
                continue
            version, what = absent_version(rng, eco), "absent"
        p = purl(eco, name, version)
        if p in seen:
            continue
        seen.add(p)
        stats[what] += 1
        out.append(p)
    return out, stats


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, action="append", required=True)
    ap.add_argument("--present", type=float, default=0.3)
    ap.add_argument("--popular", type=float, default=0.5,
                    help="share of the present names drawn from the 2%% with the most advisories (default 0.5)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out-prefix", required=True)
    ap.add_argument("zips", nargs="+")
    args = ap.parse_args()
    cat = load(args.zips)
    print(f"{len(cat.count)} (ecosystem, name) keys from {len(args.zips)} zip(s)", file=sys.stderr)
    for count in args.count:
        lines, stats = make_list(cat, count, args.present, args.popular, args.seed)
        path = f"{args.out_prefix}-{count // 1000}k.txt"
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{path}: {count} purls {dict(sorted(stats.items()))}", file=sys.stderr)


if __name__ == "__main__":
    main()
