#!/usr/bin/env python3
"""Writes a seeded, synthetic OSV all.zip (one <ID>.json record per entry, as osv.dev publishes) for benchmarking
`vigil db import` and matching at osv.dev scale. The mix is modelled on osv.dev's public data: npm dominated by
MAL- malicious-package records (one unique name each), OS distros (Debian/Ubuntu/Alpine, one affected entry per
release), language advisories with GHSA twins of ecosystem-native ids (PYSEC/GO/RUSTSEC) that alias each other,
several ranges and affected entries per record, CVSS v3/v4 vectors, enumerated `versions` lists for PyPI, and
Zipf-distributed package names so that popular packages carry hundreds of advisories.

Usage: make-synthetic.py [--records N] [--seed S] [--out FILE]   (default 500000 records, seed 1,
       bench/work/vulndb/osv-synth-<N/1000>k.zip). The same N and seed always give the same bytes.
"""
import argparse
import bisect
import hashlib
import itertools
import json
import os
import random
import sys
import zipfile

# (ecosystem kind, share of records). Approximates osv.dev's ecosystem counts; exact shares change weekly.
MIX = [
    ("npm-mal", 0.34), ("npm", 0.06), ("Debian", 0.13), ("Ubuntu", 0.12), ("Alpine", 0.07), ("PyPI", 0.07),
    ("Maven", 0.05), ("Go", 0.04), ("Packagist", 0.04), ("crates.io", 0.02), ("RubyGems", 0.03), ("NuGet", 0.03),
]
RELEASES = {
    "Debian": ["Debian:11", "Debian:12", "Debian:13"],
    "Ubuntu": ["Ubuntu:20.04:LTS", "Ubuntu:22.04:LTS", "Ubuntu:24.04:LTS"],
    "Alpine": ["Alpine:v3.18", "Alpine:v3.19", "Alpine:v3.20"],
}
# Pool size (distinct package names) and Zipf exponent: OS distros are dominated by a few sources (linux,
# chromium, firefox-esr, imagemagick); language ecosystems less so.
POOLS = {
    "npm": (6000, 0.8), "Debian": (3000, 1.0), "Ubuntu": (3000, 1.0), "Alpine": (1500, 1.0), "PyPI": (5000, 0.8),
    "Maven": (4000, 0.8), "Go": (2500, 0.8), "Packagist": (2000, 0.8), "crates.io": (1500, 0.8),
    "RubyGems": (1200, 0.8), "NuGet": (1000, 0.8),
}
# Real names first, so the popular end of each pool looks like osv.dev's.
SEEDS = {
    "npm": ["lodash", "next", "axios", "electron", "jsonwebtoken", "express", "minimist", "node-fetch", "moment",
            "@angular/core", "webpack", "ws", "tar", "semver", "undici", "vite", "handlebars", "marked"],
    "Debian": ["linux", "chromium", "firefox-esr", "thunderbird", "imagemagick", "openjdk-17", "tiff", "qemu",
               "php8.2", "openssl", "curl", "glibc", "python3.11", "vim", "binutils", "ffmpeg", "gnutls28"],
    "Ubuntu": ["linux", "linux-aws", "linux-azure", "firefox", "thunderbird", "imagemagick", "openjdk-17", "tiff",
               "qemu", "php8.1", "openssl", "curl", "glibc", "python3.10", "vim", "binutils", "ffmpeg"],
    "Alpine": ["chromium", "xen", "qemu", "imagemagick", "openssl", "curl", "php82", "python3", "busybox",
               "musl", "nodejs", "git", "vim", "libxml2", "tiff"],
    "PyPI": ["tensorflow", "tensorflow-gpu", "tensorflow-cpu", "django", "pillow", "plone", "ansible", "mlflow",
             "jupyterlab", "urllib3", "requests", "jinja2", "cryptography", "pyyaml", "aiohttp", "numpy"],
    "Maven": ["org.jenkins-ci.main:jenkins-core", "com.fasterxml.jackson.core:jackson-databind",
              "org.springframework:spring-web", "org.apache.tomcat.embed:tomcat-embed-core",
              "io.netty:netty-codec-http", "org.apache.logging.log4j:log4j-core", "com.google.guava:guava",
              "org.keycloak:keycloak-services", "org.apache.struts:struts2-core"],
    "Go": ["stdlib", "github.com/mattermost/mattermost-server", "github.com/hashicorp/vault", "golang.org/x/net",
           "github.com/argoproj/argo-cd/v2", "github.com/gogs/gogs", "k8s.io/kubernetes", "golang.org/x/crypto",
           "github.com/containerd/containerd", "github.com/opencontainers/runc"],
    "Packagist": ["pimcore/pimcore", "microweber/microweber", "shopware/platform", "typo3/cms-core",
                  "drupal/core", "silverstripe/framework", "magento/community-edition", "symfony/http-kernel"],
    "crates.io": ["wasmtime", "openssl-src", "openssl", "diesel", "tokio", "hyper", "regex", "smallvec", "time"],
    "RubyGems": ["rails", "actionpack", "activerecord", "nokogiri", "rack", "activesupport", "actionview"],
    "NuGet": ["Microsoft.AspNetCore.App.Runtime.linux-x64", "System.Text.Json", "Newtonsoft.Json",
              "Microsoft.Data.SqlClient", "System.Net.Http", "Umbraco.Cms.Web.Common"],
}
SYLLABLES = ["ab", "ac", "al", "an", "ar", "ba", "be", "bo", "ca", "ce", "co", "da", "de", "di", "do", "el", "en",
             "er", "fa", "fi", "fo", "ga", "ge", "go", "ha", "he", "hi", "io", "ja", "ka", "ki", "la", "le", "li",
             "lo", "ma", "me", "mi", "mo", "na", "ne", "no", "on", "or", "pa", "pe", "pi", "po", "ra", "re", "ri",
             "ro", "sa", "se", "si", "so", "ta", "te", "ti", "to", "ul", "un", "va", "ve", "vi", "xa", "za", "zo"]
SUFFIXES = ["", "", "", "-core", "-utils", "-js", "-parser", "-client", "-server", "-cli", "-plugin", "-sdk"]
GHSA_ALPHABET = "23456789cfghjmpqrvwx"
CVSS3 = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
         "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
         "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"]
CVSS4 = ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
         "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N",
         "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"]
RATINGS = ["LOW", "MODERATE", "MODERATE", "HIGH", "HIGH", "CRITICAL"]


def word(rng, parts):
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def make_name(rng, kind):
    """A plausible package name for an ecosystem (unique-ish; collisions are harmless)."""
    w = word(rng, rng.randint(2, 4))
    if kind == "npm":
        return (f"@{word(rng, 2)}/" if rng.random() < 0.25 else "") + w + rng.choice(SUFFIXES)
    if kind == "Maven":
        return f"{rng.choice(['org', 'com', 'io'])}.{word(rng, 2)}.{word(rng, 2)}:{w}{rng.choice(SUFFIXES)}"
    if kind == "Go":
        return f"github.com/{word(rng, 2)}/{w}" + ("/v2" if rng.random() < 0.1 else "")
    if kind == "Packagist":
        return f"{word(rng, 2)}/{w}"
    if kind == "NuGet":
        return f"{w.capitalize()}.{word(rng, 2).capitalize()}"
    if kind in ("Debian", "Ubuntu", "Alpine"):
        return ("lib" if rng.random() < 0.3 else "") + w + rng.choice(["", "", "2", "-tools", "3"])
    return w + rng.choice(SUFFIXES).replace("-js", "")  # PyPI, crates.io, RubyGems


class Pool:
    """Zipf-weighted package names of one ecosystem: rank r is drawn with weight 1/r^s."""

    def __init__(self, rng, kind, size, s):
        names = list(dict.fromkeys(SEEDS.get(kind, [])))
        seen = set(names)
        while len(names) < size:
            n = make_name(rng, kind)
            if n not in seen:
                seen.add(n)
                names.append(n)
        self.names = names
        self.cum = list(itertools.accumulate(1.0 / (r ** s) for r in range(1, size + 1)))

    def pick(self, rng):
        return self.names[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]


def history(kind, name, seed):
    """The package's release history, ascending in its ecosystem's order; derived from the name alone."""
    rng = random.Random(hashlib.sha1(f"{seed}/{kind}/{name}".encode()).digest())
    count = rng.randint(8, 120) if kind in ("PyPI", "npm", "Maven") else rng.randint(5, 60)
    out = []
    major, minor, patch = rng.randint(0, 3), rng.randint(0, 9), 0
    for _ in range(count):
        r = rng.random()
        if r < 0.08:
            major, minor, patch = major + 1, 0, 0
        elif r < 0.35:
            minor, patch = minor + 1, 0
        else:
            patch += 1
        v = f"{major}.{minor}.{patch}"
        if kind == "PyPI" and rng.random() < 0.12:
            out.append(f"{v}rc1")  # pre-release before its final: ascending under PEP 440
        if kind == "Maven" and rng.random() < 0.2:
            v += ".Final"
        if kind in ("Debian", "Ubuntu"):
            v = f"{v}-{rng.randint(1, 3)}"
            if rng.random() < 0.05:
                v = "1:" + v  # epochs appear mid-history in real packages; keep it monotone from here on
        if kind == "Alpine":
            v = f"{v}-r{rng.randint(0, 3)}"
        if out and out[-1].startswith("1:") and not v.startswith("1:"):
            v = "1:" + v
        out.append(v)
    return out


def details(rng, summary):
    """A few hundred bytes of advisory prose, as real `details` fields run."""
    words = [word(rng, rng.randint(1, 3)) for _ in range(rng.randint(40, 160))]
    return summary + ". " + " ".join(words) + ".\n\nUpgrade to a fixed version."


def ghsa_id(rng):
    return "GHSA-" + "-".join("".join(rng.choice(GHSA_ALPHABET) for _ in range(4)) for _ in range(3))


def stamp(rng):
    y = rng.randint(2017, 2025)
    return f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:" \
           f"{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d}Z", y


def severity(rng):
    out = []
    if rng.random() < 0.7:
        out.append({"type": "CVSS_V3", "score": rng.choice(CVSS3)})
    if rng.random() < 0.15:
        out.append({"type": "CVSS_V4", "score": rng.choice(CVSS4)})
    return out


def ranges_for(rng, hist, kind):
    """1-3 (introduced, fixed|last_affected) windows over the history, sometimes open-ended; returns
    (ranges, indices covered) so PyPI can enumerate `versions`."""
    n = len(hist)
    windows = rng.choices([1, 2, 3], [0.7, 0.2, 0.1])[0]
    cuts = sorted(rng.sample(range(n), min(n, windows * 2)))
    events, covered = [], []
    for i in range(0, len(cuts) - 1, 2):
        lo, hi = cuts[i], cuts[i + 1]
        events.append({"introduced": "0" if lo == 0 else hist[lo]})
        r = rng.random()
        if r < 0.85:
            events.append({"fixed": hist[hi]})
            covered.extend(range(lo, hi))
        elif r < 0.95:
            events.append({"last_affected": hist[hi]})
            covered.extend(range(lo, hi + 1))
        else:
            covered.extend(range(lo, n))
            break  # unfixed: nothing after it
    if not events:
        events = [{"introduced": "0"}]
        covered = list(range(n))
    rtype = "SEMVER" if kind in ("npm", "Go", "crates.io") else "ECOSYSTEM"
    out = [{"type": rtype, "events": events}]
    if kind == "PyPI" and rng.random() < 0.3:
        out.insert(0, {"type": "GIT", "repo": f"https://github.com/{word(rng, 2)}/{word(rng, 3)}",
                       "events": [{"introduced": "0"}, {"fixed": hashlib.sha1(str(rng.random()).encode()).hexdigest()}]})
    return out, covered


PURL_TYPES = {"npm": "npm", "PyPI": "pypi", "Maven": "maven", "Go": "golang", "Packagist": "composer",
              "crates.io": "cargo", "RubyGems": "gem", "NuGet": "nuget"}


def lang_affected(rng, kind, name, seed):
    hist = history(kind, name, seed)
    ranges, covered = ranges_for(rng, hist, kind)
    a = {"package": {"ecosystem": kind, "name": name,
                     "purl": f"pkg:{PURL_TYPES[kind]}/{name.replace(':', '/')}"}, "ranges": ranges}
    if kind == "PyPI":
        a["versions"] = [hist[i] for i in sorted(set(covered))]
    a["database_specific"] = {"source": f"https://github.com/github/advisory-database/blob/main/advisories/{name}.json"}
    return a


def os_affected(rng, kind, name, seed):
    """One entry per release of the distro, fixed per release (Debian +debNNuK, Ubuntu ubuntu0.YY.MM.K)."""
    hist = history(kind, name, seed)
    k = rng.randrange(len(hist))
    out = []
    for release in rng.sample(RELEASES[kind], rng.randint(1, 3)):
        events = [{"introduced": "0"}]
        if rng.random() < 0.8:
            if kind == "Debian":
                events.append({"fixed": f"{hist[k]}+deb{release.split(':')[1]}u{rng.randint(1, 4)}"})
            elif kind == "Ubuntu":
                events.append({"fixed": f"{hist[k]}ubuntu0.{release.split(':')[1]}.{rng.randint(1, 4)}"})
            else:
                events.append({"fixed": hist[k]})
        out.append({"package": {"ecosystem": release, "name": name}, "ranges": [{"type": "ECOSYSTEM", "events": events}],
                    "ecosystem_specific": {"urgency": rng.choice(["low", "medium", "high", "unimportant"])}})
    return out


class Generator:
    def __init__(self, seed):
        self.seed = seed
        self.rng = random.Random(seed)
        self.pools = {k: Pool(random.Random(f"{seed}/{k}"), k, *v) for k, v in POOLS.items()}
        self.counters = {}
        self.kinds = [k for k, _ in MIX]
        self.cum = list(itertools.accumulate(w for _, w in MIX))

    def serial(self, prefix, year):
        key = (prefix, year)
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def records(self, total):
        """Yields (id, record dict) until `total` records; GHSA twins count towards the total."""
        made = 0
        while made < total:
            rng = self.rng
            kind = self.kinds[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]
            modified, year = stamp(rng)
            cve = f"CVE-{year}-{self.serial('CVE', year) + 1000}"
            for rec in self.one(kind, modified, year, cve):
                if made < total:
                    made += 1
                    yield rec["id"], rec

    def one(self, kind, modified, year, cve):
        rng = self.rng
        base = {"schema_version": "1.6.0", "id": "", "modified": modified, "published": modified}
        if kind == "npm-mal":
            name = make_name(rng, "npm") + f"-{rng.randint(0, 99999)}"
            rid = f"MAL-{year}-{self.serial('MAL', year)}"
            versions = [f"{rng.randint(0, 9)}.{rng.randint(0, 9)}.{p}" for p in range(rng.randint(1, 3))]
            yield {**base, "id": rid, "summary": f"Malicious code in {name} (npm)",
                   "details": "\n---\n_-= Per source details. Do not edit below this line.=-_\n",
                   "affected": [{"package": {"ecosystem": "npm", "name": name}, "ranges": [
                       {"type": "SEMVER", "events": [{"introduced": "0"}]}], "versions": versions}],
                   "database_specific": {"malicious-packages-origins": [{"source": "ossf-package-analysis"}]}}
            return
        pool = self.pools[kind]
        name = pool.pick(rng)
        if kind in RELEASES:
            prefix = {"Debian": "DEBIAN-", "Ubuntu": "UBUNTU-", "Alpine": "ALPINE-"}[kind]
            rid = prefix + cve if rng.random() < 0.9 else f"DSA-{5000 + self.serial('DSA', 0)}-1"
            sev = severity(rng)
            if kind == "Ubuntu":
                sev.append({"type": "Ubuntu", "score": rng.choice(["low", "medium", "high"])})
            rec = {**base, "id": rid, "upstream": [cve], "summary": f"{name}: {cve}",
                   "details": details(rng, f"A flaw was found in {name}"),
                   "affected": os_affected(rng, kind, name, self.seed), "severity": sev}
            if rng.random() < 0.005:
                rec["withdrawn"] = modified
            yield rec
            return
        # Language advisory: 1 affected entry, or 2-4 sibling packages (tensorflow, -cpu, -gpu...).
        names = [name] + [pool.pick(rng) for _ in range(rng.choice([0] * 17 + [1, 2, 3]))]
        affected = [lang_affected(rng, kind, n, self.seed) for n in dict.fromkeys(names)]
        ghsa = ghsa_id(rng)
        summary = f"{rng.choice(['Cross-site scripting', 'Path traversal', 'Denial of service', 'SQL injection', 'Prototype pollution', 'Improper input validation'])} in {name}"
        common = {"summary": summary, "details": details(rng, summary),
                  "references": [{"type": "ADVISORY", "url": f"https://nvd.nist.gov/vuln/detail/{cve}"},
                                 {"type": "WEB", "url": f"https://github.com/{word(rng, 2)}/{word(rng, 2)}/issues/{rng.randint(1, 9999)}"}],
                  "severity": severity(rng)}
        native = {"PyPI": "PYSEC", "Go": "GO", "crates.io": "RUSTSEC"}.get(kind)
        has_cve = rng.random() < 0.8
        if native is not None:
            nid = f"{native}-{year}-{self.serial(native, year)}" if native != "GO" else f"GO-{year}-{self.serial(native, year):04d}"
            twin = rng.random() < 0.4
            aliases = ([cve] if has_cve else []) + ([ghsa] if twin else [])
            yield {**base, "id": nid, "aliases": aliases, "affected": affected, **common}
            if not twin:
                return
            yield {**base, "id": ghsa, "aliases": [cve] if has_cve else [], "related": [nid], "affected": affected,
                   **common, "database_specific": {"severity": rng.choice(RATINGS), "github_reviewed": True}}
            return
        rec = {**base, "id": ghsa, "aliases": [cve] if has_cve else [], "affected": affected, **common,
               "database_specific": {"severity": rng.choice(RATINGS), "github_reviewed": True,
                                     "cwe_ids": [f"CWE-{rng.choice([20, 22, 79, 89, 400, 502, 787, 1321])}"]}}
        if rng.random() < 0.005:
            rec["withdrawn"] = modified
        yield rec


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=500000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    out = args.out or os.path.join(here, "..", "work", "vulndb", f"osv-synth-{args.records // 1000}k.zip")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".partial"
    gen = Generator(args.seed)
    seen = set()
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for i, (rid, rec) in enumerate(gen.records(args.records)):
            if rid in seen:  # GHSA ids are random: a clash would make one record overwrite another
                rid = rec["id"] = f"{rid}-{i}"
            seen.add(rid)
            info = zipfile.ZipInfo(f"{rid}.json", date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, json.dumps(rec, indent=2))
            if (i + 1) % 50000 == 0:
                print(f"  {i + 1} records", file=sys.stderr)
    os.replace(tmp, out)
    print(out)


if __name__ == "__main__":
    main()
