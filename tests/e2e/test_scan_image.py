"""`vigil scan image` and `vigil sbom image` against real peers: images built with umoci (layers, whiteouts, an
opaque directory, a secret deleted in a later layer), written as oci-archive/docker-archive by skopeo, pushed with
skopeo to a docker-registry started here (anonymous, htpasswd Basic auth, token auth). The four forms must give
the same packages, vulnerabilities, secrets and layer attribution, and the same packages as the unpacked rootfs."""
import concurrent.futures
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))

import oci_images  # noqa: E402
import oci_registry  # noqa: E402
from vigil_e2e import (SHARED_OSV, cyclonedx_validator, errors_text, run, run_json, sarif_validator,  # noqa: E402
                       spdx_validator)

FIXTURE = None
DB = None
_tmp = None


def setUpModule():
    global FIXTURE, DB, _tmp
    _tmp = tempfile.mkdtemp(prefix="vigil-e2e-image-")
    FIXTURE = os.path.join(_tmp, "fixture")
    oci_images.build(FIXTURE)
    oci_images.export_forms(FIXTURE)
    DB = os.path.join(_tmp, "vuln.db")
    run("db", "import", "--db", DB, "-q", os.path.join(SHARED_OSV, "PyPI.zip"), os.path.join(SHARED_OSV, "Go.zip"))


def tearDownModule():
    shutil.rmtree(_tmp, ignore_errors=True)


def expected():
    with open(os.path.join(FIXTURE, "expected.json"), encoding="utf-8") as f:
        return json.load(f)


def scan(ref, *extra, check=True, env=None):
    """JSON report of `scan image REF` with a fresh, private layer cache unless extra names one."""
    args = ["scan", "image", ref, "--db", DB, "-f", "json", *extra]
    if "--cache-dir" not in extra:
        args.append("--no-cache")
    proc = run(*args, check=check, env=env)
    return proc, (json.loads(proc.stdout) if proc.returncode in (0, 1) else None)


def summary(report):
    """What must not depend on the form an image was read from."""
    def layer(obj):
        return (obj["layer"]["index"], obj["layer"]["diff_id"]) if "layer" in obj else None

    return {
        "os": report["os"]["family"] + " " + report["os"]["version"],
        "packages": sorted((p["ecosystem"], p["name"], p["version"], p["location"], layer(p)) for p in report["packages"]),
        "vulnerabilities": sorted((v["id"], v["package"]["name"], layer(v["package"])) for v in report["vulnerabilities"]),
        "secrets": sorted((s["rule"], s["path"], s["line"], layer(s), s.get("deleted_in_layer")) for s in report["secrets"]),
        "misconfigurations": sorted((m["check"], m["path"], m["line"]) for m in report["misconfigurations"]),
        "diff_ids": [l["diff_id"] for l in report["image"]["layers"]],
        "config_digest": report["image"]["config_digest"],
    }


class LocalAndRegistryForms(unittest.TestCase):
    def test_four_forms_agree_and_match_the_build(self):
        with oci_registry.Registry("none") as reg:
            oci_registry.push(os.path.join(FIXTURE, "layout"), "layered", "vigil/layered", reg.port, dest_tag="1")
            forms = {
                "oci": f"oci:{FIXTURE}/layout:layered",
                "oci-archive": f"oci-archive:{FIXTURE}/image.oci.tar:layered",
                "docker-archive": f"docker-archive:{FIXTURE}/image.docker.tar",
                "registry": f"127.0.0.1:{reg.port}/vigil/layered:1",
            }
            reports = {}
            for name, ref in forms.items():
                extra = ["--insecure-registry"] if name == "registry" else []
                proc, reports[name] = scan(ref, *extra)
                self.assertEqual(proc.returncode, 0, proc.stderr)
        first = summary(reports["oci"])
        for name, report in reports.items():
            self.assertEqual(summary(report), first, name)

        exp = expected()
        packages = {(p["ecosystem"], p["name"]): (p["version"], p["layer"]["index"]) for p in reports["oci"]["packages"]}
        for name, version in exp["packages"]["deb"].items():
            self.assertEqual(packages[("Debian", name)][0], version)
        for name, version in exp["packages"]["pypi"].items():
            self.assertEqual(packages[("PyPI", name)][0], version)
        for name in exp["removed_packages"]["npm"]:  # its directory went opaque in the last layer
            self.assertNotIn(("npm", name), packages)
        # Attribution: base packages from layer 0; curl and urllib3 arrived with the cleanup layer (3).
        for name in exp["base_deb"]:
            self.assertEqual(packages[("Debian", name)][1], 0, name)
        self.assertEqual(packages[("Debian", "curl")][1], 3)
        self.assertEqual(packages[("PyPI", "urllib3")][1], 3)
        self.assertEqual(packages[("PyPI", "jinja2")][1], 1)
        self.assertEqual(packages[("Go", "golang.org/x/text")][1], 1)
        self.assertEqual(len(packages), sum(len(v) for v in exp["packages"].values()))

        # The secret file was deleted in layer 3 but is still in layer 2's blob: reported, with both layers.
        env_file = [s for s in reports["oci"]["secrets"] if s["path"] == exp["secrets"]["path"]]
        self.assertEqual(sorted(s["rule"] for s in env_file), ["aws-access-key-id", "aws-secret-access-key", "github-pat"])
        for s in env_file:
            self.assertEqual(s["layer"]["index"], exp["secrets"]["layer"])
            self.assertEqual(s["deleted_in_layer"], 3)
            self.assertNotIn(exp["secrets"]["github_token"][8:], json.dumps(reports["oci"]))
        env_secret = [s for s in reports["oci"]["secrets"] if s["path"] == "image-config/env"]
        self.assertEqual([s["rule"] for s in env_secret], ["npm-access-token"])
        checks = {m["check"] for m in reports["oci"]["misconfigurations"]}
        self.assertEqual(checks, {"image-runs-as-root", "image-history-download-execute"})
        self.assertGreater(len(reports["oci"]["vulnerabilities"]), 5)
        layer_of = {(p["name"], p["version"]): p["layer"]["index"] for p in reports["oci"]["packages"]}
        for v in reports["oci"]["vulnerabilities"]:
            self.assertEqual(v["package"]["layer"]["index"], layer_of[(v["package"]["name"], v["package"]["version"])])

        # The unpacked rootfs has the same packages (and no longer the deleted file's secrets).
        rootfs = run_json("scan", "rootfs", os.path.join(FIXTURE, "rootfs"), "--db", DB, "-f", "json")
        self.assertEqual(sorted((p["ecosystem"], p["name"], p["version"], p["location"]) for p in rootfs["packages"]),
                         sorted(p[:4] for p in first["packages"]))
        self.assertEqual(sorted((v["id"], v["package"]["name"]) for v in rootfs["vulnerabilities"]),
                         sorted(v[:2] for v in first["vulnerabilities"]))
        self.assertFalse([s for s in rootfs["secrets"] if s["path"] == exp["secrets"]["path"]])

    def test_digest_reference_and_a_wrong_digest(self):
        with oci_registry.Registry("none") as reg:
            oci_registry.push(os.path.join(FIXTURE, "layout"), "layered", "vigil/layered", reg.port, dest_tag="1")
            _, by_tag = scan(f"127.0.0.1:{reg.port}/vigil/layered:1", "--insecure-registry")
            digest = by_tag["image"]["manifest_digest"]
            _, by_digest = scan(f"127.0.0.1:{reg.port}/vigil/layered@{digest}", "--insecure-registry")
            self.assertEqual(summary(by_digest), summary(by_tag))
            wrong = "sha256:" + "0" * 64
            proc, _ = scan(f"127.0.0.1:{reg.port}/vigil/layered@{wrong}", "--insecure-registry", check=False)
            self.assertEqual(proc.returncode, 2)
            self.assertIn("error:", proc.stderr)

    def test_plain_http_needs_the_flag(self):
        with oci_registry.Registry("none") as reg:
            oci_registry.push(os.path.join(FIXTURE, "layout"), "layered", "vigil/layered", reg.port, dest_tag="1")
            proc, _ = scan(f"127.0.0.1:{reg.port}/vigil/layered:1", check=False)
            self.assertEqual(proc.returncode, 2)  # HTTPS by default: the registry speaks plain HTTP


class RegistryAuth(unittest.TestCase):
    def check_auth(self, mode):
        with oci_registry.Registry(mode) as reg:
            creds = (reg.user, reg.password)
            oci_registry.push(os.path.join(FIXTURE, "layout"), "layered", "team/app", reg.port, creds=creds,
                              dest_tag="1")
            ref = f"127.0.0.1:{reg.port}/team/app:1"
            empty_home = tempfile.mkdtemp(dir=_tmp)
            no_auth_env = {"HOME": empty_home, "REGISTRY_AUTH_FILE": "", "XDG_RUNTIME_DIR": empty_home}
            proc, _ = scan(ref, "--insecure-registry", check=False, env=no_auth_env)
            self.assertEqual(proc.returncode, 2)
            self.assertIn("authentication", proc.stderr)

            proc, _ = scan(ref, "--insecure-registry", "--creds", f"{reg.user}:not-the-password", check=False,
                           env=no_auth_env)
            self.assertEqual(proc.returncode, 2)
            self.assertIn("authentication failed", proc.stderr)
            self.assertNotIn("not-the-password", proc.stderr)

            proc, report = scan(ref, "--insecure-registry", "--creds", f"{reg.user}:{reg.password}", env=no_auth_env)
            self.assertEqual(len(report["packages"]), 12)

            auth_file = os.path.join(empty_home, "auth.json")
            token = __import__("base64").b64encode(f"{reg.user}:{reg.password}".encode()).decode()
            with open(auth_file, "w", encoding="utf-8") as f:
                json.dump({"auths": {f"127.0.0.1:{reg.port}": {"auth": token}}}, f)
            _, from_file = scan(ref, "--insecure-registry", env={**no_auth_env, "REGISTRY_AUTH_FILE": auth_file})
            self.assertEqual(summary(from_file), summary(report))
            return reg.token_requests() if mode == "token" else None

    def test_basic_auth(self):
        self.check_auth("basic")

    def test_token_auth(self):
        requests = self.check_auth("token")
        # One token per successful process (cached for its requests), a few for the failing ones.
        self.assertLessEqual(requests, 8)


class LayerCache(unittest.TestCase):
    def test_second_image_on_the_same_base_reuses_its_layers(self):
        cache = tempfile.mkdtemp(dir=_tmp)
        layout = os.path.join(FIXTURE, "layout")
        cold, cold_report = scan(f"oci:{layout}:layered", "--cache-dir", cache)
        self.assertIn("5 layers, 0 from the layer cache, 5 read", cold.stderr)
        warm, warm_report = scan(f"oci:{layout}:layered", "--cache-dir", cache)
        self.assertIn("5 layers, 5 from the layer cache, 0 read", warm.stderr)
        self.assertEqual(summary(warm_report), summary(cold_report))
        onbase, _ = scan(f"oci:{layout}:onbase", "--cache-dir", cache)
        self.assertIn("3 layers, 2 from the layer cache, 1 read", onbase.stderr)
        # The cache is keyed by diff_id, so another form of the same image hits it too.
        docker, docker_report = scan(f"docker-archive:{FIXTURE}/image.docker.tar", "--cache-dir", cache)
        self.assertIn("5 from the layer cache", docker.stderr)
        self.assertEqual(summary(docker_report), summary(cold_report))

    def test_concurrent_processes_share_one_cache(self):
        cache = tempfile.mkdtemp(dir=_tmp)
        refs = [f"oci:{FIXTURE}/layout:layered", f"oci:{FIXTURE}/layout:onbase",
                f"docker-archive:{FIXTURE}/image.docker.tar", f"oci-archive:{FIXTURE}/image.oci.tar:layered"]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda ref: scan(ref, "--cache-dir", cache, check=False), refs))
        for proc, _ in results:
            self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(summary(results[0][1]), summary(results[2][1]))


class CommandLine(unittest.TestCase):
    def test_sbom_image(self):
        bom = run_json("sbom", "image", f"oci:{FIXTURE}/layout:layered", "--no-cache")
        self.assertEqual(bom["bomFormat"], "CycloneDX")
        names = sorted(c["name"] for c in bom["components"] if c.get("type") == "library")
        self.assertIn("curl", names)
        self.assertIn("golang.org/x/text", names)
        self.assertNotIn("lodash", names)

    def test_reports_match_the_official_schemas(self):
        ref = f"oci:{FIXTURE}/layout:layered"
        sarif = run_json("scan", "image", ref, "--db", DB, "--no-cache", "-f", "sarif")
        self.assertEqual(errors_text(sarif_validator(), sarif), "")
        rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
        self.assertTrue({"image-runs-as-root", "github-pat", "aws-access-key-id"} <= rules, rules)
        cdx = run_json("scan", "image", ref, "--db", DB, "--no-cache", "-f", "cyclonedx")
        self.assertEqual(errors_text(cyclonedx_validator(), cdx), "")
        curl = next(c for c in cdx["components"] if c["name"] == "curl")
        self.assertIn({"name": "vigil:layer:index", "value": "3"}, curl["properties"])
        spdx = run_json("sbom", "image", ref, "--no-cache", "-f", "spdx-json")
        self.assertEqual(errors_text(spdx_validator(), spdx), "")

    def test_fail_on_gates_on_image_findings(self):
        proc, _ = scan(f"oci:{FIXTURE}/layout:layered", "--fail-on", "critical", check=False)
        self.assertEqual(proc.returncode, 1)  # the AWS key in the deleted file is critical
        proc, _ = scan(f"oci:{FIXTURE}/layout:layered", "--scanners", "config", "--fail-on", "critical", check=False)
        self.assertEqual(proc.returncode, 0)
        proc, _ = scan(f"oci:{FIXTURE}/layout:layered", "--scanners", "config", "--fail-on", "high", check=False)
        self.assertEqual(proc.returncode, 1)

    def test_table_names_layers(self):
        table = run("scan", "image", f"oci:{FIXTURE}/layout:layered", "--db", DB, "--no-cache").stdout
        self.assertIn("var/lib/dpkg/status (layer 3)", table)  # curl
        self.assertIn("deleted in layer 3", table)
        self.assertIn("image-runs-as-root", table)

    def test_bad_references(self):
        for ref, message in (("oci:/nonexistent/layout:1", "nonexistent"),
                             (f"oci:{FIXTURE}/layout:missing-tag", "layered"),
                             ("docker-archive:/etc/passwd", "passwd"),
                             ("UPPER/Case:tag", "image reference")):
            proc = run("scan", "image", ref, "--no-cache", "--scanners", "none", check=False)
            self.assertEqual(proc.returncode, 2, ref)
            self.assertIn(message, proc.stderr, ref)


if __name__ == "__main__":
    unittest.main()
