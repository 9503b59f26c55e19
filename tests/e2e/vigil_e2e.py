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


# --- Official JSON schemas (tests/data/schemas), validated offline -------------------------------------------

SCHEMAS = os.path.join(DATA, "schemas")


def load_schema(name):
    with open(os.path.join(SCHEMAS, name), encoding="utf-8") as f:
        return json.load(f)


def validator_for(schema, extra_schemas=()):
    """A validator of the draft the schema declares, resolving $refs to extra_schemas only (never the network)."""
    import jsonschema  # python3-jsonschema; only the schema tests need it

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    try:
        from referencing import Registry, Resource

        registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in extra_schemas)
        return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
    except ImportError:  # jsonschema < 4.18
        store = {s["$id"]: s for s in extra_schemas}
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return cls(schema, resolver=resolver, format_checker=cls.FORMAT_CHECKER)


def errors_text(validator, document):
    """The first 20 schema violations, one per line ("" when the document is valid)."""
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:20])


def sarif_validator():
    return validator_for(load_schema("sarif-schema-2.1.0.json"))


def cyclonedx_validator():
    return validator_for(load_schema("bom-1.5.schema.json"),
                         [load_schema("spdx.schema.json"), load_schema("jsf-0.82.schema.json")])


def spdx_validator():
    return validator_for(load_schema("spdx-schema.json"))


_watch_validators = None


def watch_schema_errors(detections=(), events=()):
    """Violations of docs/schemas/{detection,event}.schema.json by detections and event records ("" when none)."""
    global _watch_validators
    if _watch_validators is None:
        docs = os.path.join(SOURCE, "docs", "schemas")
        with open(os.path.join(docs, "detection.schema.json"), encoding="utf-8") as f:
            detection = json.load(f)
        with open(os.path.join(docs, "event.schema.json"), encoding="utf-8") as f:
            event = json.load(f)
        _watch_validators = (validator_for(detection, [event]), validator_for(event))
    problems = [errors_text(_watch_validators[0], d) for d in detections]
    problems += [errors_text(_watch_validators[1], e) for e in events]
    return "\n".join(p for p in problems if p)
