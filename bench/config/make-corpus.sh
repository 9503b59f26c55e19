#!/usr/bin/env bash
# Builds the corpora of bench/config/run.sh from the realistic files of tests/data/config/:
#   bench/work/config/corpus-mixed/repo-NNN/   N repositories, each holding every file of
#     tests/data/config/{project,docker,github,github-perm,gitlab,shell} where a repository would hold them:
#       .github/workflows/*.yml          github/*.yml and github-perm/*.yml
#       .github/actions/NAME/action.yml  github/{docker-action,setup-toolchain}, github-perm/composite
#       .gitlab-ci.yml, ci/{build,deploy}.yml   gitlab/ (its local includes name ci/build.yml and /ci/deploy.yml)
#       docker/NAME.Dockerfile           docker/*.Dockerfile (Trivy and Vigil both read *.Dockerfile)
#       scripts/*.sh                     shell/*.sh
#       services/app/                    project/ as it is: Dockerfile, .gitlab-ci.yml, ci/deploy.yml,
#                                        .github/workflows/*.yml, scripts/*.sh
#     No directory is named test/tests/fixtures/examples/spec/vendor (Vigil skips those).
#   bench/work/config/corpus-docker/copy-NNN/  only the 12 Dockerfiles (docker/*.Dockerfile and
#     project/Dockerfile, the latter as Dockerfile), N copies: the like-for-like corpus.
# Usage: bench/config/make-corpus.sh [N]      (default N=300; or N=... in the environment)
# Rebuilds both corpora from scratch every run (a few seconds).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=$root/tests/data/config
dest=$root/bench/work/config
n=${1:-${N:-300}}
[[ $n =~ ^[0-9]+$ && $n -ge 1 ]] || { echo "N must be a positive number, not '$n'" >&2; exit 2; }
[[ -d $data/project ]] || { echo "missing $data" >&2; exit 2; }

# One repository, built once in a template directory and copied N times.
tmpl=$dest/template.partial
rm -rf "$tmpl" "$dest/corpus-mixed.partial" "$dest/corpus-docker.partial"
mkdir -p "$tmpl/repo/.github/workflows" "$tmpl/repo/.github/actions" "$tmpl/repo/ci" "$tmpl/repo/docker" \
  "$tmpl/repo/scripts" "$tmpl/repo/services" "$tmpl/docker"
r=$tmpl/repo
for f in "$data"/github/*.yml "$data"/github-perm/*.yml; do
  cp -p "$f" "$r/.github/workflows/"
done
for a in "$data"/github/docker-action "$data"/github/setup-toolchain "$data"/github-perm/composite; do
  mkdir -p "$r/.github/actions/$(basename "$a")"
  cp -p "$a/action.yml" "$r/.github/actions/$(basename "$a")/action.yml"
done
cp -p "$data/gitlab/gitlab-ci.yml" "$r/.gitlab-ci.yml"
cp -p "$data"/gitlab/ci/*.yml "$r/ci/"
cp -p "$data"/docker/*.Dockerfile "$r/docker/"
cp -p "$data"/shell/*.sh "$r/scripts/"
cp -a "$data/project" "$r/services/app"
# The like-for-like corpus: the same 12 Dockerfiles.
cp -p "$data"/docker/*.Dockerfile "$tmpl/docker/"
cp -p "$data/project/Dockerfile" "$tmpl/docker/Dockerfile"

mkdir -p "$dest/corpus-mixed.partial" "$dest/corpus-docker.partial"
for ((i = 1; i <= n; i++)); do
  id=$(printf '%03d' "$i")
  cp -a "$r" "$dest/corpus-mixed.partial/repo-$id"
  cp -a "$tmpl/docker" "$dest/corpus-docker.partial/copy-$id"
done
rm -rf "$dest/corpus-mixed" "$dest/corpus-docker" "$tmpl"
mv "$dest/corpus-mixed.partial" "$dest/corpus-mixed"
mv "$dest/corpus-docker.partial" "$dest/corpus-docker"

for c in corpus-mixed corpus-docker; do
  files=$(find "$dest/$c" -type f | wc -l)
  kib=$(du -sk --apparent-size "$dest/$c" | cut -f1)
  echo "$c: $n copies, $files files, $((files / n)) per copy, $kib KiB (apparent)"
done | tee "$dest/corpus.txt"
