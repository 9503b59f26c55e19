"""`vigil version compare`: CLI behaviour, and fresh pairs checked against reference implementations
that run here at test time (dpkg for Debian, python3-packaging for PyPI)."""
import random
import subprocess
import unittest

from vigil_e2e import VIGIL, run


def batch(ecosystem, pairs):
    proc = subprocess.run([VIGIL, "version", "compare", ecosystem, "--batch"],
                          input="".join(f"{a} {b}\n" for a, b in pairs), capture_output=True, text=True, check=True)
    return proc.stdout.split()


def mutate(rng, version, alphabet):
    """A version close to `version`: one character changed, inserted or removed."""
    chars = list(version)
    i = rng.randrange(len(chars) + 1)
    op = rng.randrange(3)
    if op == 0 and chars:
        chars[min(i, len(chars) - 1)] = rng.choice(alphabet)
    elif op == 1:
        chars.insert(i, rng.choice(alphabet))
    elif chars:
        del chars[min(i, len(chars) - 1)]
    return "".join(chars) or "0"


class VersionCompareCli(unittest.TestCase):
    def test_single_pair(self):
        self.assertEqual(run("version", "compare", "Debian", "1:2.30-1", "2.31-1").stdout.strip(), ">")
        self.assertEqual(run("version", "compare", "debian:12", "1.0~rc1", "1.0").stdout.strip(), "<")

    def test_unknown_ecosystem_is_exit_2_and_lists_known(self):
        proc = run("version", "compare", "Cobol", "1", "2", check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("PyPI", proc.stderr)

    def test_batch_rejects_a_line_without_two_versions(self):
        proc = subprocess.run([VIGIL, "version", "compare", "npm", "--batch"], input="1.0.0 2.0.0\n1.0.0\n",
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("stdin:2", proc.stderr)
        self.assertEqual(proc.stdout.split(), ["<"])


class AgainstReferences(unittest.TestCase):
    def test_debian_against_dpkg(self):
        rng = random.Random(7)
        seeds = ["1.2.3-1", "1:2.38.1-5+b1", "2.36-9+deb12u4", "1.0~rc1-1", "7.88.1-10+deb12u5", "3.0.11-1~deb12u2",
                 "1.34+dfsg-1.2", "0.0.0", "2:1.02.185-2", "5.2.15-2+b2", "1.2.3a-1", "1.2.3~~-1"]
        alphabet = "0123456789.~+-:ab"
        pairs = []
        while len(pairs) < 300:
            a = rng.choice(seeds)
            b = mutate(rng, a, alphabet)
            ok = all(subprocess.run(["dpkg", "--compare-versions", v, "eq", v], capture_output=True).returncode == 0
                     for v in (b,))
            if ok and not b.startswith(("-", ":", "+")):
                pairs.append((a, b))
        got = batch("Debian", pairs)
        for (a, b), g in zip(pairs, got):
            lt = subprocess.run(["dpkg", "--compare-versions", a, "lt", b], capture_output=True).returncode == 0
            gt = subprocess.run(["dpkg", "--compare-versions", a, "gt", b], capture_output=True).returncode == 0
            want = "<" if lt else ">" if gt else "="
            self.assertEqual(g, want, f"{a} vs {b}")

    def test_pypi_against_packaging(self):
        from packaging.version import InvalidVersion, Version
        rng = random.Random(11)
        seeds = ["1.0", "1.0.post1", "1.0a1", "1.0rc2", "2!1.0", "1.0.dev3", "1.0+local.7", "1.2.3.4", "0.9b2.post1.dev4"]
        alphabet = "0123456789.abcrpostdev!+"
        pairs = []
        while len(pairs) < 2000:
            a = rng.choice(seeds)
            b = mutate(rng, a, alphabet)
            try:
                Version(b)
            except InvalidVersion:
                continue
            pairs.append((a, b))
        got = batch("PyPI", pairs)
        for (a, b), g in zip(pairs, got):
            va, vb = Version(a), Version(b)
            want = "<" if va < vb else ">" if va > vb else "="
            self.assertEqual(g, want, f"{a} vs {b}")


if __name__ == "__main__":
    unittest.main()
