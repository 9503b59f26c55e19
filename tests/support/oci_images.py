#!/usr/bin/python3
"""The standard test images for image scanning, built with umoci (as root) into an OCI layout.

    oci_images.py build OUTDIR [--export]

OUTDIR/layout   OCI image layout with two images:
                  "layered": 5 layers (base, app, secret, cleanup, opaque) and a config with a secret-looking Env
                  "onbase":  layers 0-1 of "layered" plus one different top layer (for layer-cache tests)
OUTDIR/rootfs   the final unpacked view of "layered" (umoci unpack)
OUTDIR/expected.json  what was built, from the build steps (not computed by Vigil): per layer created_by, the
                paths it adds and deletes, whiteouts, final packages and the secrets planted.
--export (or export_forms(OUTDIR)) also writes OUTDIR/image.oci.tar (skopeo oci-archive:) and
OUTDIR/image.docker.tar (skopeo docker-archive:, named 127.0.0.1:5000/vigil/layered:1).

A build is skipped when OUTDIR/expected.json carries the hash of this script. Tools run by argv, never a shell.
umoci 0.4.7 `insert` writes truncated layer tars (no padding, no end blocks), so layers are made with
`umoci repack` (removed files become .wh. whiteouts) and the opaque layer with `umoci raw add-layer` from a tar
written here, the way image builders write opaque directories.
"""

import hashlib
import zlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

SCRIPT_HASH = hashlib.sha256(open(__file__, "rb").read()).hexdigest()
DOCKER_NAME = "127.0.0.1:5000/vigil/layered:1"

OS_RELEASE = """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"""

BASE_PACKAGES = ["base-files", "libc6", "zlib1g", "libssl3", "tzdata", "bash"]

REQUIREMENTS = "jinja2==2.10\nrequests==2.19.1\nflask==0.12\n"
REQUIREMENTS_AFTER = REQUIREMENTS + "urllib3==1.24.1\n"

PACKAGE_LOCK = {
    "name": "tool", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
    "packages": {
        "": {"name": "tool", "version": "1.0.0", "dependencies": {"lodash": "^4.17.15", "minimist": "^1.2.0"}},
        "node_modules/lodash": {
            "version": "4.17.15", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz",
            "integrity": "sha512-8xOcRHvCjnocdS5cpwXQXVzmmh5e5+saE2QGoeQmbKmRS6J3VQppPOIt0MnmE+4xlZoumy0GPG0D0MVIQbNA1A=="},
        "node_modules/minimist": {
            "version": "1.2.0", "resolved": "https://registry.npmjs.org/minimist/-/minimist-1.2.0.tgz",
            "integrity": "sha1-o1AIsg9BOD7sH7kU9M1d95omQoQ="},
    },
}

GO_MOD = "module example.com/app\n\ngo 1.19\n\nrequire golang.org/x/text v0.3.0\n"
GO_SUM = ("golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=\n"
          "golang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n")

TOOL_README = "# tool\n\nRebuilt from source in the final stage; no npm dependencies any more.\n"

HISTORY = [
    "/bin/sh -c #(nop) ADD file:5d6b639e8b6bcc01104d7e1d5b33b3fd6f4a0a5d0f73fb0c7f5e7d0d2a4b3f10 in / ",
    "COPY app/ /app/ # buildkit",
    "COPY config/.env /app/config/.env # buildkit",
    "RUN /bin/sh -c rm -f /app/config/.env && apt-get install -y --no-install-recommends curl "
    "&& pip install urllib3==1.24.1 # buildkit",
    "COPY tool/ /opt/tool/ # buildkit",
]
ONBASE_TOP = "RUN /bin/sh -c echo 'onbase' > /etc/image-variant # buildkit"
INSTALL_SCRIPT_LINE = "RUN /bin/sh -c curl -fsSL https://example.com/install.sh | sh # buildkit"


def token(seed, alphabet, length):
    """Deterministic secret-looking text (kept out of this file so secret scanners of the repo stay quiet)."""
    out, counter = "", 0
    while len(out) < length:
        for byte in hashlib.sha256(f"{seed}/{counter}".encode()).digest():
            if len(out) < length:
                out += alphabet[byte % len(alphabet)]
        counter += 1
    return out


UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
BASE64ISH = ALNUM + "+/"


BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def crc_token(prefix, seed):
    """A GitHub/npm-format token: 30 random base62 characters, then the CRC32 of those in 6 base62 digits (the
    checksum real tokens carry and Vigil's rules check)."""
    body = token(seed, ALNUM, 30)
    crc = zlib.crc32(body.encode()) & 0xFFFFFFFF
    tail = ""
    for _ in range(6):
        tail = BASE62[crc % 62] + tail
        crc //= 62
    return prefix + body + tail


def secrets():
    return {
        "aws_access_key_id": "AKIA" + token("vigil-aws-id", UPPER_DIGITS, 16),
        "aws_secret_access_key": token("vigil-aws-secret", BASE64ISH, 40),
        "github_token": crc_token("ghp_", "vigil-github"),
        "npm_token": crc_token("npm_", "vigil-npm"),
    }


def dpkg_stanzas(names, status_path="/var/lib/dpkg/status"):
    """The named packages' stanzas from this machine's dpkg database, in the order asked, plus versions."""
    with open(status_path, encoding="utf-8") as f:
        stanzas = f.read().split("\n\n")
    by_name = {}
    for stanza in stanzas:
        for line in stanza.splitlines():
            if line.startswith("Package: "):
                by_name[line[len("Package: "):].strip()] = stanza.strip("\n")
                break
    out, versions = [], {}
    for name in names:
        if name not in by_name:
            raise SystemExit(f"package {name} is not installed here; it is needed for the test image")
        stanza = by_name[name]
        out.append(stanza + "\n")
        for line in stanza.splitlines():
            if line.startswith("Version: "):
                versions[name] = line[len("Version: "):]
    return "\n".join(out), versions


def run(*argv):
    subprocess.run(list(argv), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def write(root, rel, content, mode=0o644):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w" if isinstance(content, str) else "wb") as f:
        f.write(content)
    os.chmod(path, mode)


def edit_layer(layout, tag, work, created_by, edit):
    """Unpacks tag, lets edit(rootfs) change it, repacks as a new layer on the same tag."""
    bundle = os.path.join(work, "bundle")
    shutil.rmtree(bundle, ignore_errors=True)
    run("umoci", "unpack", "--image", f"{layout}:{tag}", bundle)
    edit(os.path.join(bundle, "rootfs"))
    run("umoci", "repack", "--image", f"{layout}:{tag}", "--history.created_by", created_by, bundle)
    shutil.rmtree(bundle)


def opaque_layer_tar(path):
    """opt/tool replaced as a whole: the opaque marker first, then the new contents."""
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        def add(name, data=None, mode=0o644):
            info = tarfile.TarInfo(name)
            info.mtime = 1700000000
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.size, info.mode = len(data), mode
                tar.addfile(info, io.BytesIO(data))
        add("opt/")
        add("opt/tool/")
        add("opt/tool/.wh..wh..opq", b"", 0o600)
        add("opt/tool/README.md", TOOL_README.encode())


def build_layered(layout, work, planted):
    base_status, base_versions = dpkg_stanzas(BASE_PACKAGES)
    full_status, all_versions = dpkg_stanzas(BASE_PACKAGES + ["curl"])

    def base(root):
        write(root, "etc/os-release", OS_RELEASE)
        write(root, "var/lib/dpkg/status", base_status)
        os.makedirs(os.path.join(root, "usr/bin"), exist_ok=True)
        shutil.copy2("/bin/busybox", os.path.join(root, "usr/bin/busybox"))

    def app(root):
        write(root, "app/requirements.txt", REQUIREMENTS)
        write(root, "opt/tool/package-lock.json", json.dumps(PACKAGE_LOCK, indent=2) + "\n")
        write(root, "app/go.mod", GO_MOD)
        write(root, "app/go.sum", GO_SUM)

    def secret(root):
        write(root, "app/config/.env",
              "# production credentials (should never have been committed)\n"
              f"AWS_ACCESS_KEY_ID={planted['aws_access_key_id']}\n"
              f"AWS_SECRET_ACCESS_KEY={planted['aws_secret_access_key']}\n"
              f"GITHUB_TOKEN={planted['github_token']}\n", 0o600)

    def cleanup(root):
        os.remove(os.path.join(root, "app/config/.env"))
        write(root, "var/lib/dpkg/status", full_status)
        write(root, "app/requirements.txt", REQUIREMENTS_AFTER)

    run("umoci", "new", "--image", f"{layout}:layered")
    run("umoci", "config", "--image", f"{layout}:layered", "--os", "linux", "--architecture", "amd64",
        "--config.env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "--no-history")
    edit_layer(layout, "layered", work, HISTORY[0], base)
    run("umoci", "config", "--image", f"{layout}:layered", "--config.env", f"NPM_TOKEN={planted['npm_token']}",
        "--history.created_by", f"ENV NPM_TOKEN={planted['npm_token']}")
    edit_layer(layout, "layered", work, HISTORY[1], app)
    run("umoci", "tag", "--image", f"{layout}:layered", "stage1")
    edit_layer(layout, "layered", work, HISTORY[2], secret)
    edit_layer(layout, "layered", work, HISTORY[3], cleanup)
    run("umoci", "config", "--image", f"{layout}:layered", "--config.workingdir", "/app",
        "--history.created_by", INSTALL_SCRIPT_LINE)
    tar_path = os.path.join(work, "opaque.tar")
    opaque_layer_tar(tar_path)
    run("umoci", "raw", "add-layer", "--image", f"{layout}:layered", "--history.created_by", HISTORY[4], tar_path)
    run("umoci", "config", "--image", f"{layout}:layered", "--config.cmd", "/usr/bin/busybox",
        "--config.cmd", "sh", "--history.created_by", 'CMD ["/usr/bin/busybox", "sh"]')
    return base_versions, all_versions


def build_onbase(layout, work):
    run("umoci", "tag", "--image", f"{layout}:stage1", "onbase")
    run("umoci", "rm", "--image", f"{layout}:stage1")
    edit_layer(layout, "onbase", work, ONBASE_TOP, lambda root: write(root, "etc/image-variant", "onbase\n"))


def expected_document(planted, base_versions, all_versions):
    layers = [
        {"index": 0, "created_by": HISTORY[0], "adds": ["etc/os-release", "var/lib/dpkg/status", "usr/bin/busybox"],
         "deletes": []},
        {"index": 1, "created_by": HISTORY[1],
         "adds": ["app/requirements.txt", "opt/tool/package-lock.json", "app/go.mod", "app/go.sum"], "deletes": []},
        {"index": 2, "created_by": HISTORY[2], "adds": ["app/config/.env"], "deletes": []},
        {"index": 3, "created_by": HISTORY[3], "adds": ["var/lib/dpkg/status", "app/requirements.txt"],
         "deletes": ["app/config/.env"], "whiteouts": ["app/config/.wh..env"]},
        {"index": 4, "created_by": HISTORY[4], "adds": ["opt/tool/README.md"],
         "deletes": ["opt/tool/package-lock.json"], "opaque": ["opt/tool"], "whiteouts": ["opt/tool/.wh..wh..opq"]},
    ]
    return {
        "script_hash": SCRIPT_HASH,
        "tags": {"layered": 5, "onbase": 3},
        "docker_name": DOCKER_NAME,
        "layers": layers,
        "onbase_top": {"index": 2, "created_by": ONBASE_TOP, "adds": ["etc/image-variant"], "deletes": []},
        "packages": {
            "deb": all_versions,
            "pypi": {"jinja2": "2.10", "requests": "2.19.1", "flask": "0.12", "urllib3": "1.24.1"},
            "golang": {"golang.org/x/text": "v0.3.0"},
            "npm": {},
        },
        "removed_packages": {"npm": {"lodash": "4.17.15", "minimist": "1.2.0"}},
        "base_deb": base_versions,
        "secrets": {"layer": 2, "path": "app/config/.env", **planted},
        "config": {"env_secret": f"NPM_TOKEN={planted['npm_token']}", "user": "", "working_dir": "/app",
                   "history_line": INSTALL_SCRIPT_LINE},
    }


def build(outdir):
    """Builds (or keeps, when current) the fixture in outdir; returns the expected document."""
    outdir = os.path.abspath(outdir)
    expected_path = os.path.join(outdir, "expected.json")
    if os.path.exists(expected_path):
        with open(expected_path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("script_hash") == SCRIPT_HASH and os.path.isdir(os.path.join(outdir, "layout")):
            return doc
    os.makedirs(outdir, exist_ok=True)
    for name in ("layout", "rootfs", "image.oci.tar", "image.docker.tar", "expected.json"):
        path = os.path.join(outdir, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    layout = os.path.join(outdir, "layout")
    planted = secrets()
    with tempfile.TemporaryDirectory(prefix="vigil-oci-build-") as work:
        run("umoci", "init", "--layout", layout)
        base_versions, all_versions = build_layered(layout, work, planted)
        build_onbase(layout, work)
        run("umoci", "gc", "--layout", layout)
        bundle = os.path.join(work, "final")
        run("umoci", "unpack", "--image", f"{layout}:layered", bundle)
        shutil.move(os.path.join(bundle, "rootfs"), os.path.join(outdir, "rootfs"))
    doc = expected_document(planted, base_versions, all_versions)
    with open(expected_path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
    os.replace(expected_path + ".tmp", expected_path)  # written last: its presence means the build completed
    return doc


def export_forms(outdir, force=False):
    """OUTDIR/image.oci.tar and OUTDIR/image.docker.tar of "layered", written by skopeo from the layout.
    Kept when present (build() removes them whenever it rebuilds the layout) unless force."""
    outdir = os.path.abspath(outdir)
    layout = os.path.join(outdir, "layout")
    with tempfile.TemporaryDirectory(prefix="vigil-skopeo-") as tmp:
        policy = os.path.join(tmp, "policy.json")
        with open(policy, "w", encoding="utf-8") as f:
            json.dump({"default": [{"type": "insecureAcceptAnything"}]}, f)
        for dest, name in (("oci-archive", "image.oci.tar"), ("docker-archive", "image.docker.tar")):
            path = os.path.join(outdir, name)
            if os.path.exists(path) and not force:
                continue
            partial = os.path.join(tmp, name)  # renamed into place when complete
            target = f"{dest}:{partial}:" + ("layered" if dest == "oci-archive" else DOCKER_NAME)
            run("skopeo", "--policy", policy, "copy", "--quiet", f"oci:{layout}:layered", target)
            shutil.move(partial, path)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("build", "export"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if argv[1] == "build":
            build(argv[2])
        if argv[1] == "export" or "--export" in argv[3:]:
            export_forms(argv[2], force=argv[1] == "export")
    except subprocess.CalledProcessError as e:
        print(f"{' '.join(e.cmd)} failed: {e.stderr.decode(errors='replace')}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
