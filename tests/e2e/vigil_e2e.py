"""Shared helpers for the end-to-end tests: run the built vigil binary and parse what it prints."""
import json
import os
import subprocess

VIGIL = os.environ.get("VIGIL_BINARY", "vigil")
DATA = os.environ.get("VIGIL_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
SOURCE = os.environ.get("VIGIL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def run(*args, check=True):
    """Runs vigil with args; returns the CompletedProcess (text mode)."""
    proc = subprocess.run([VIGIL, *args], capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"vigil {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


def run_json(*args):
    return json.loads(run(*args).stdout)
