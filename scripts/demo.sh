#!/usr/bin/env bash
# README command 1: install, build (release) and run Vigil's main job on its embedded default:
# the bundled sample project and this machine's own root filesystem.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target vigil
vigil=build/release/src/vigil

echo "== vigil scan fs examples/sample-project"
"$vigil" scan fs examples/sample-project
echo
echo "== vigil sbom examples/sample-project --format cyclonedx -o sample-project.cdx.json"
"$vigil" sbom examples/sample-project --format cyclonedx -o build/sample-project.cdx.json
echo "wrote build/sample-project.cdx.json"
echo
echo "== vigil scan rootfs / (this machine)"
"$vigil" scan rootfs / -o build/this-machine.txt
head -n 40 build/this-machine.txt
echo "... (the whole table: build/this-machine.txt)"
"$vigil" sbom / --format cyclonedx -o build/this-machine.cdx.json
echo "wrote build/this-machine.cdx.json"
