#!/usr/bin/env python3
"""Sizes of docker-archive images for the benchmark tables: per image the archive size, the uncompressed bytes
of its layers, and the entries / regular files / regular-file bytes its layers hold. Streams every layer."""
import json
import os
import sys
import tarfile


def layer_stats(outer, member):
    """(entries, regular files, regular-file bytes) of one layer tar inside the outer archive."""
    entries = files = nbytes = 0
    with tarfile.open(fileobj=outer.extractfile(member), mode="r|*") as layer:
        for m in layer:
            entries += 1
            if m.isreg():
                files += 1
                nbytes += m.size
    return entries, files, nbytes


def image_stats(path):
    with tarfile.open(path, "r:") as outer:
        members = {m.name: m for m in outer.getmembers()}
        manifest = json.load(outer.extractfile(members["manifest.json"]))[0]
        layers = []
        for name in manifest["Layers"]:
            m = members[name]
            layers.append((m.size,) + layer_stats(outer, m))
    return {
        "name": manifest.get("RepoTags", ["?"])[0],
        "archive": os.path.getsize(path),
        "layers": layers,
    }


def main():
    mib = lambda n: f"{n / 2**20:,.1f}"
    print("| image | reference | layers | archive MiB | layer tars MiB (uncompressed) | entries | regular files | file bytes MiB |")
    print("|---|---|---|---|---|---|---|---|")
    details = []
    for path in sys.argv[1:]:
        s = image_stats(path)
        lay = s["layers"]
        print(f"| {os.path.basename(path)} | {s['name']} | {len(lay)} | {mib(s['archive'])} | "
              f"{mib(sum(l[0] for l in lay))} | {sum(l[1] for l in lay):,} | {sum(l[2] for l in lay):,} | "
              f"{mib(sum(l[3] for l in lay))} |")
        details.append((os.path.basename(path), lay))
    print("\nPer layer (tar MiB / entries / regular files):\n")
    for name, lay in details:
        print(f"- {name}: " + "; ".join(f"{mib(l[0])} / {l[1]:,} / {l[2]:,}" for l in lay))


if __name__ == "__main__":
    main()
