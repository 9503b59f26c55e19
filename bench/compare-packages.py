#!/usr/bin/env python3
"""Compares the packages Vigil found (its JSON report) with those Trivy found (trivy --format json).

Usage: compare-packages.py VIGIL.json TRIVY.json
Prints counts per ecosystem and every package one side has and the other lacks, keyed by
(ecosystem, normalised name, version, file). Exit 0 always: differences are reported, then explained in the note.
"""
import json
import re
import sys
from collections import Counter

# Trivy result/package types -> Vigil ecosystems (OSV names)
TRIVY_TYPES = {
    "debian": "Debian", "ubuntu": "Debian", "alpine": "Alpine", "redhat": "Red Hat", "rocky": "Red Hat",
    "alma": "Red Hat", "centos": "Red Hat", "fedora": "Red Hat", "amazon": "Red Hat",
    "npm": "npm", "yarn": "npm", "pnpm": "npm", "node-pkg": "npm",
    "pip": "PyPI", "pipenv": "PyPI", "poetry": "PyPI", "uv": "PyPI", "python-pkg": "PyPI",
    "gomod": "Go", "gobinary": "Go", "cargo": "crates.io", "rustbinary": "crates.io",
    "jar": "Maven", "pom": "Maven", "gradle": "Maven", "composer": "Packagist", "bundler": "RubyGems",
    "gemspec": "RubyGems", "nuget": "NuGet", "dotnet-core": "NuGet", "packages-props": "NuGet",
    "conan": "ConanCenter",
}


def norm_name(eco, name):
    if eco == "PyPI":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name


def vigil_keys(path):
    with open(path) as f:
        doc = json.load(f)
    keys = Counter()
    for p in doc["packages"]:
        keys[(p["ecosystem"], norm_name(p["ecosystem"], p["name"]), p["version"])] += 1
    return keys


def trivy_version(pkg, eco):
    version = pkg.get("Version", "")
    if eco == "Go" and version and version[0].isdigit():
        version = "v" + version  # Trivy drops Go's "v" prefix; the module version has it
    if pkg.get("Release"):
        version += "-" + pkg["Release"]
    if pkg.get("Epoch"):
        version = f"{pkg['Epoch']}:{version}"
    return version


def trivy_keys(path):
    with open(path) as f:
        doc = json.load(f)
    keys = Counter()
    for result in doc.get("Results", []) or []:
        eco = TRIVY_TYPES.get(result.get("Type", ""), result.get("Type", ""))
        for p in result.get("Packages", []) or []:
            if not p.get("Name"):
                keys[("(nameless)", p.get("ID", ""), "")] += 1  # Trivy emits these for pnpm v9 importers
                continue
            keys[(eco, norm_name(eco, p["Name"]), trivy_version(p, eco))] += 1
    return keys


def main():
    vigil, trivy = vigil_keys(sys.argv[1]), trivy_keys(sys.argv[2])
    ecosystems = sorted({k[0] for k in vigil} | {k[0] for k in trivy})
    print(f"{'ecosystem':<12} {'vigil':>7} {'trivy':>7} {'only vigil':>11} {'only trivy':>11}")
    for eco in ecosystems:
        v = {k for k in vigil if k[0] == eco}
        t = {k for k in trivy if k[0] == eco}
        print(f"{eco:<12} {len(v):>7} {len(t):>7} {len(v - t):>11} {len(t - v):>11}")
    only_trivy = sorted(set(trivy) - set(vigil))
    only_vigil = sorted(set(vigil) - set(trivy))
    print(f"\nunique (ecosystem, name, version): vigil {len(vigil)}, trivy {len(trivy)}")
    print(f"found by Trivy, not by Vigil: {len(only_trivy)}")
    for k in only_trivy[:200]:
        print("  -", *k)
    print(f"found by Vigil, not by Trivy: {len(only_vigil)}")
    for k in only_vigil[:200]:
        print("  +", *k)


if __name__ == "__main__":
    main()
