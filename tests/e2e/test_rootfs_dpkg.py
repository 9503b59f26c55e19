"""`vigil sbom /` lists exactly the packages `dpkg-query -W` lists, with correct purls (this Debian machine)."""
import subprocess
import unittest
from urllib.parse import unquote

from vigil_e2e import run_json


def dpkg_query():
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\t${Architecture}\n"],
                         capture_output=True, text=True, check=True).stdout
    return {tuple(line.split("\t")) for line in out.splitlines() if line}


class RootfsDpkgTest(unittest.TestCase):
    def test_cyclonedx_of_root_matches_dpkg_query(self):
        expected = dpkg_query()
        bom = run_json("sbom", "/", "--format", "cyclonedx", "--quiet")
        found = set()
        for comp in bom.get("components", []):
            purl = comp.get("purl", "")
            if not purl.startswith("pkg:deb/"):
                continue
            qualifiers = dict(q.split("=", 1) for q in purl.split("?", 1)[1].split("&"))
            self.assertEqual(qualifiers.get("distro"), "debian-12", purl)
            name_version = purl[len("pkg:deb/debian/"):].split("?", 1)[0]
            name, version = name_version.split("@", 1)
            self.assertEqual(unquote(name), comp["name"])
            self.assertEqual(unquote(version), comp["version"])
            found.add((comp["name"], comp["version"], qualifiers.get("arch", "")))
        self.assertEqual(found - expected, set(), "listed by vigil but not by dpkg-query")
        self.assertEqual(expected - found, set(), "listed by dpkg-query but not by vigil")


if __name__ == "__main__":
    unittest.main()
