#!/bin/sh
# Regenerates tests/data/os/rpmdb.sqlite: a real SQLite rpmdb (as RHEL 9 / Fedora 33+ write it) holding
# a few tiny packages built here with rpmbuild, plus a gpg-pubkey pseudo-package from rpm --import.
# Needs Debian's rpm and gpg packages. Writes what rpm -qa lists to rpmdb.sqlite.expected.
set -eu

out_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
top="$work/rpmbuild"
db="$work/db"
mkdir -p "$top/SPECS" "$db"

# One source package with an epoch and a subpackage, built for x86_64.
cat > "$top/SPECS/vigil-hello.spec" <<'EOF'
Name:       vigil-hello
Epoch:      2
Version:    1.4.2
Release:    3.el9
Summary:    Tiny test package with an epoch
License:    MIT
URL:        https://example.org/vigil-hello
BuildArch:  x86_64

%description
Test fixture for Vigil's rpmdb parser.

%package libs
Summary:    Libraries for vigil-hello
License:    MIT AND BSD-3-Clause

%description libs
Subpackage: its SOURCERPM is vigil-hello-1.4.2-3.el9.src.rpm.

%install
mkdir -p %{buildroot}/usr/share/vigil-hello %{buildroot}/usr/lib64
echo hello > %{buildroot}/usr/share/vigil-hello/hello.txt
echo lib > %{buildroot}/usr/lib64/libvigil-hello.txt

%files
/usr/share/vigil-hello/hello.txt

%files libs
/usr/lib64/libvigil-hello.txt
EOF

# A noarch package with an explicit Epoch: 0, which must not show up in the version.
cat > "$top/SPECS/vigil-data.spec" <<'EOF'
Name:       vigil-data
Epoch:      0
Version:    2023.10
Release:    1.fc39
Summary:    Tiny noarch test package
License:    GPL-2.0-or-later AND BSD-3-Clause
BuildArch:  noarch

%description
Test fixture for Vigil's rpmdb parser.

%install
mkdir -p %{buildroot}/usr/share/vigil-data
echo data > %{buildroot}/usr/share/vigil-data/data.txt

%files
/usr/share/vigil-data/data.txt
EOF

# No epoch at all, a release with a dash-free dist tag and a version with a tilde.
cat > "$top/SPECS/vigil-tools.spec" <<'EOF'
Name:       vigil-tools
Version:    0.9~rc1
Release:    7
Summary:    Tiny test package without an epoch
License:    Apache-2.0
BuildArch:  x86_64

%description
Test fixture for Vigil's rpmdb parser.

%install
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\necho tools\n' > %{buildroot}/usr/bin/vigil-tools
chmod 755 %{buildroot}/usr/bin/vigil-tools

%files
/usr/bin/vigil-tools
EOF

for spec in "$top"/SPECS/*.spec; do
  rpmbuild --quiet --define "_topdir $top" --define '_build_id_links none' -bb "$spec"
done

rpm --dbpath "$db" --define '_db_backend sqlite' --initdb
rpm --dbpath "$db" --define '_db_backend sqlite' -i --nodeps --justdb --ignorearch --ignoreos \
  "$top"/RPMS/*/*.rpm

# A signing key as distributions ship them: rpm records it as a gpg-pubkey package, which inventories skip.
GNUPGHOME="$work/gnupg"
export GNUPGHOME
mkdir -m 700 "$GNUPGHOME"
gpg --quiet --batch --no-default-keyring --keyring /usr/share/keyrings/debian-archive-bookworm-stable.gpg \
  --export --armor > "$work/key.asc"
rpm --dbpath "$db" --define '_db_backend sqlite' --import "$work/key.asc"

# Fold any write-ahead log into the main file, as an image build leaves it.
if command -v sqlite3 >/dev/null 2>&1; then
  sqlite3 "$db/rpmdb.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
fi
cp "$db/rpmdb.sqlite" "$out_dir/rpmdb.sqlite"
rpm --dbpath "$db" -qa --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM} %{LICENSE}\n' |
  LC_ALL=C sort > "$out_dir/rpmdb.sqlite.expected"
cat "$out_dir/rpmdb.sqlite.expected"
