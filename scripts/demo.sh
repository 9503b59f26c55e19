#!/usr/bin/env bash
# README command 1: install, build (release) and run Vigil's main job on its embedded default: the bundled
# sample project, a sample container image (built here with umoci) and this machine's own root filesystem, matched against the OSV records the repository ships
# (examples/osv; `vigil db update` fetches the full feeds).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --demo
cmake --preset release >/dev/null
cmake --build --preset release --target vigil
vigil=build/release/src/vigil
db=build/demo-vuln.db

echo "== vigil db import examples/osv --db $db"
rm -f "$db"
"$vigil" db import examples/osv --db "$db"
echo
echo "== vigil scan fs examples/sample-project --db $db"
"$vigil" scan fs examples/sample-project --db "$db"
echo
echo "== the same as a CI gate: --fail-on high (exit 1 = a high or critical finding)"
status=0
"$vigil" scan fs examples/sample-project --db "$db" --fail-on high -q -o build/sample-project.txt || status=$?
echo "exit code $status"
echo
echo "== vigil scan fs examples/sample-project -f sarif -o build/sample-project.sarif"
"$vigil" scan fs examples/sample-project --db "$db" -q -f sarif -o build/sample-project.sarif
echo "wrote build/sample-project.sarif"
echo
echo "== vigil sbom examples/sample-project --format cyclonedx -o build/sample-project.cdx.json"
"$vigil" sbom examples/sample-project --format cyclonedx -o build/sample-project.cdx.json
echo "wrote build/sample-project.cdx.json"
echo
echo "== vigil scan rootfs / (this machine)"
"$vigil" scan rootfs / --db "$db" -o build/this-machine.txt
head -n 40 build/this-machine.txt
echo "... (the whole report: build/this-machine.txt)"
"$vigil" sbom / --format cyclonedx -o build/this-machine.cdx.json
echo "wrote build/this-machine.cdx.json"
echo
echo "== vigil scan image oci:build/demo-image/layout:layered (a 5-layer sample image built with umoci)"
python3 tests/support/oci_images.py build build/demo-image >/dev/null
"$vigil" scan image oci:build/demo-image/layout:layered --db "$db" --cache-dir build/demo-cache
echo "(run it again: every layer now comes from the layer cache)"
"$vigil" scan image oci:build/demo-image/layout:layered --db "$db" --cache-dir build/demo-cache -q -o /dev/null
