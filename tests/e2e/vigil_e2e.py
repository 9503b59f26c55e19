"""Shared helpers for the end-to-end tests: run the built vigil binary and parse what it prints.

Every run gets VIGIL_DB pointing at a vulnerability DB built once per test process from examples/osv (what the
README demo uses), so `vigil scan` works without the user's DB; tests that need another DB pass --db."""
import atexit
import json
import os
import shutil
import subprocess
import tempfile

VIGIL = os.environ.get("VIGIL_BINARY", "vigil")
DATA = os.environ.get("VIGIL_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
SOURCE = os.environ.get("VIGIL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED_OSV = os.path.join(SOURCE, "..", "shared", "data", "osv")

_db_dir = None


def example_db():
    """Path of a DB holding examples/osv, built on first use and removed when the process exits."""
    global _db_dir
    if _db_dir is None:
        _db_dir = tempfile.mkdtemp(prefix="vigil-e2e-db-")
        atexit.register(shutil.rmtree, _db_dir, True)
        path = os.path.join(_db_dir, "vuln.db")
        proc = subprocess.run([VIGIL, "db", "import", "--db", path, "-q", os.path.join(SOURCE, "examples", "osv")],
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise AssertionError(f"building the example DB failed: {proc.stderr}")
    return os.path.join(_db_dir, "vuln.db")


def run(*args, check=True, input=None, env=None):
    """Runs vigil with args; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.setdefault("VIGIL_DB", example_db())
    full_env.update(env or {})
    proc = subprocess.run([VIGIL, *args], capture_output=True, text=True, timeout=600, input=input, env=full_env)
    if check and proc.returncode != 0:
        raise AssertionError(f"vigil {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


def run_json(*args, **kwargs):
    return json.loads(run(*args, **kwargs).stdout)
