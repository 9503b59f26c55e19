#!/usr/bin/env bash
# Builds the three benchmark images of issue 5 with umoci (no Docker) into bench/work/image/: one OCI layout
# (oci/, tags debian, lang, big, wide) and a docker-archive per image (X.docker.tar) written by skopeo.
#   debian: one layer, the debootstrap'd bookworm rootfs in bench/work/rootfs-bookworm (88 dpkg packages).
#   lang:   debian + 3 layers: this machine's /usr/lib/python3/dist-packages; an npm app (node_modules +
#           package-lock.json of `npm install express lodash react ...`); /usr/share/java jars + one copy of
#           bench/work/lockfiles.
#   big:    lang + bulk layers (system libraries, /usr/share, /usr/bin, random data, 3 more npm apps): ~10x lang.
#   wide:   lang + 25 more copies of its language content: ~10x lang with lang's largest file.
# Skips every image (and the npm install) that already exists; FORCE=1 rebuilds all. Writes sizes.md (uncompressed
# layer bytes, file counts) next to the images.
# Needs: umoci, skopeo, npm (registry reachable), GNU tar, python3. Run as root (device nodes in the rootfs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/bench/work
out=$work/image
rootfs=$work/rootfs-bookworm
layout=$out/oci
stage=$out/stage
registry_name=127.0.0.1:5000/bench
npm_packages=(express lodash react react-dom webpack axios moment uuid chalk commander)

for tool in umoci skopeo tar python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y umoci skopeo)" >&2; exit 2; }
done
[[ -d $rootfs/var/lib/dpkg ]] || { echo "missing $rootfs (debootstrap --variant=minbase bookworm)" >&2; exit 2; }
if [[ ${FORCE:-0} == 1 ]]; then rm -rf "$layout" "$out"/*.docker.tar "$out/sizes.md"; fi
mkdir -p "$out"
log() { echo "== $*" >&2; }
have_tag() { [[ -d $layout ]] && umoci ls --layout "$layout" 2>/dev/null | grep -qx "$1"; }

# tar_layer OUT.tar DEST SRC...: one uncompressed layer holding each SRC directory (symlinks kept) under DEST
# (a path inside the image, no leading /), owned by root; parent directories of DEST included.
tar_layer() {
  local tarfile=$1 dest=$2
  shift 2
  rm -rf "$stage" && mkdir -p "$stage/$dest"
  local args=(-C "$stage" --no-recursion)
  local p=$dest
  local parents=()
  while [[ $p == */* ]]; do parents=("$p" "${parents[@]}"); p=${p%/*}; done
  parents=("$p" "${parents[@]}")
  args+=("${parents[@]}" --recursion)
  local src
  for src in "$@"; do
    local base
    base=$(basename "$src")
    # 'S': leave symlink targets alone; only member names move under DEST.
    args+=(-C "$(dirname "$src")" --transform "s,^$base\\(/\\|\$\\),$dest/$base\\1,S" "$base")
  done
  tar -cf "$tarfile" --numeric-owner --owner=0 --group=0 "${args[@]}"
  rm -rf "$stage"
}

# add_layer TAG TAR COMMENT: appends TAR to TAG's image and removes TAR.
add_layer() {
  umoci raw add-layer --image "$layout:$1" --history.created_by "make-images.sh: $3" "$2"
  rm -f "$2"
}

export_archive() {  # TAG NAME
  local tarfile=$out/$1.docker.tar
  [[ -s $tarfile ]] && return 0
  log "skopeo: oci:$layout:$1 -> $tarfile ($registry_name/$2)"
  rm -f "$tarfile.tmp"
  skopeo copy --quiet "oci:$layout:$1" "docker-archive:$tarfile.tmp:$registry_name/$2"
  mv "$tarfile.tmp" "$tarfile"
}

# (a) debian: umoci init/new, unpack, cp -a the rootfs in, repack.
if ! have_tag debian; then
  log "debian: one layer from $rootfs"
  rm -rf "$layout" "$out/bundle"
  umoci init --layout "$layout"
  umoci new --image "$layout:debian"
  umoci unpack --image "$layout:debian" "$out/bundle"
  cp -a "$rootfs/." "$out/bundle/rootfs/"
  umoci repack --image "$layout:debian" --history.created_by "debootstrap --variant=minbase bookworm" "$out/bundle"
  umoci config --image "$layout:debian" --config.cmd /bin/bash \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  rm -rf "$out/bundle"
fi
export_archive debian debian:12

# (b) lang: debian + Python, npm and Java/lockfile layers.
npm_dir=$out/npm/app
if [[ ! -s $npm_dir/package-lock.json || ! -d $npm_dir/node_modules ]]; then
  log "npm install ${npm_packages[*]}"
  rm -rf "$npm_dir" && mkdir -p "$npm_dir"
  echo '{"name": "bench-app", "version": "1.0.0", "private": true}' >"$npm_dir/package.json"
  (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error "${npm_packages[@]}")
fi
if ! have_tag lang; then
  log "lang: debian + python, node, java layers"
  umoci tag --image "$layout:debian" lang
  tar_layer "$out/l.tar" usr/lib/python3 /usr/lib/python3/dist-packages
  add_layer lang "$out/l.tar" "COPY dist-packages /usr/lib/python3/dist-packages"
  tar_layer "$out/l.tar" srv "$npm_dir"
  add_layer lang "$out/l.tar" "COPY app /srv/app (npm install ${npm_packages[*]})"
  if compgen -G "/usr/share/java/*.jar" >/dev/null; then
    tar_layer "$out/l.tar" usr/share /usr/share/java
    tar -rf "$out/l.tar" --numeric-owner --owner=0 --group=0 -C "$work/lockfiles" \
      --transform "s,^copy-01,srv/lockfiles,S" copy-01
    add_layer lang "$out/l.tar" "COPY jars /usr/share/java; COPY lockfiles /srv/lockfiles"
  else
    echo "note: no /usr/share/java/*.jar on this machine: the jar layer holds only the lockfiles" >&2
    tar_layer "$out/l.tar" srv/lockfiles "$work/lockfiles/copy-01"
    add_layer lang "$out/l.tar" "COPY lockfiles /srv/lockfiles"
  fi
fi
export_archive lang lang:1

# (c) big: lang + bulk layers, ~10x lang uncompressed.
if ! have_tag big; then
  log "big: lang + bulk layers"
  umoci tag --image "$layout:lang" big
  tar_layer "$out/l.tar" opt/bulk/lib /usr/lib/x86_64-linux-gnu
  add_layer big "$out/l.tar" "COPY /usr/lib/x86_64-linux-gnu /opt/bulk/lib/x86_64-linux-gnu"
  tar_layer "$out/l.tar" opt/bulk/share /usr/share/doc /usr/share/man /usr/share/locale /usr/share/icons \
    /usr/share/vim /usr/share/fpcsrc
  add_layer big "$out/l.tar" "COPY /usr/share/{doc,man,locale,icons,vim,fpcsrc} /opt/bulk/share"
  tar_layer "$out/l.tar" opt/bulk /usr/bin
  add_layer big "$out/l.tar" "COPY /usr/bin /opt/bulk/bin"
  mkdir -p "$stage/opt/bulk/random"
  for i in $(seq -w 1 64); do head -c $((8 << 20)) /dev/urandom >"$stage/opt/bulk/random/blob-$i.bin"; done
  tar -cf "$out/l.tar" --numeric-owner --owner=0 --group=0 -C "$stage" opt
  rm -rf "$stage"
  add_layer big "$out/l.tar" "random data: 64 x 8 MiB"
  rm -f "$out/l.tar"
  for n in 2 3 4; do  # one tar call per copy: GNU tar applies every --transform to every member
    tar -rf "$out/l.tar" --numeric-owner --owner=0 --group=0 -C "$npm_dir/.." --transform "s,^app,srv/app$n,S" app
  done
  add_layer big "$out/l.tar" "COPY app /srv/app2 /srv/app3 /srv/app4"
fi
export_archive big big:1

# (d) wide: lang + 25 layers, each another copy of lang's language content under /srv/copyN: ~10x lang with the
# same largest file as lang, so its peak memory shows what image size alone costs.
if ! have_tag wide; then
  log "wide: lang + 25 copies of its language layers"
  umoci tag --image "$layout:lang" wide
  for n in $(seq 1 25); do
    srcs=(/usr/lib/python3/dist-packages "$npm_dir")
    compgen -G "/usr/share/java/*.jar" >/dev/null && srcs+=(/usr/share/java)
    tar_layer "$out/l.tar" "srv/copy$n" "${srcs[@]}"
    add_layer wide "$out/l.tar" "COPY . /srv/copy$n"
  done
fi
export_archive wide wide:1

if [[ ! -s $out/sizes.md || $out/sizes.md -ot $out/wide.docker.tar ]]; then
  python3 "$here/image-stats.py" "$out"/{debian,lang,big,wide}.docker.tar >"$out/sizes.md"
fi
cat "$out/sizes.md"
