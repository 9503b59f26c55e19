#!/usr/bin/python3
"""A throw-away PostgreSQL cluster on 127.0.0.1 for the Python e2e tests (the same as
tests/support/postgres_cluster.hpp for the C++ ones). Python 3 stdlib only.

    with postgres_database() as url:          # postgres://postgres@127.0.0.1:PORT/t_1
        run vigil incidents serve --db url ...

    with PostgresCluster() as cluster:        # one cluster, several databases
        url = cluster.create_database()
        cluster.restart()

    class FloodPostgresTest(OnPostgres, FloodTest):   # FloodTest's tests again, on PostgreSQL

initdb into a fresh temp dir (owned by the `postgres` user when running as root, since initdb refuses root; run
through `runuser -u postgres --`), pg_ctl start on an ephemeral port with listen_addresses=127.0.0.1 and the socket
in that dir, stopped with `pg_ctl -m fast stop` (and SIGQUIT to the postmaster by PID if that fails) and removed on
exit. Without the server binaries (apt-get install postgresql) or a postgres user when root, start() raises
RuntimeError with a message saying so: callers should let the test fail, not skip.

As a script: starts a cluster, prints {"url": ..., "port": ..., "dir": ...} as one JSON line and serves until
SIGTERM/SIGINT, then stops it.
"""

import contextlib
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_bindir():
    env = os.environ.get("VIGIL_PG_BINDIR")
    if env:
        return env
    for version in ("17", "16", "15", "14", "13"):
        d = f"/usr/lib/postgresql/{version}/bin"
        if os.access(os.path.join(d, "pg_ctl"), os.X_OK) and os.access(os.path.join(d, "initdb"), os.X_OK):
            return d
    raise RuntimeError("PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin; set "
                       "VIGIL_PG_BINDIR): these tests need them (apt-get install postgresql) and root or a "
                       "non-root user to run the server")


class PostgresCluster:
    def __init__(self):
        self.bindir = None
        self.dir = None
        self.port = 0
        self.as_postgres = os.geteuid() == 0
        self._databases = 0

    # -- lifecycle --
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        self.bindir = find_bindir()
        self.dir = tempfile.mkdtemp(prefix="vigil-pg-")
        try:
            if self.as_postgres:
                try:
                    pw = pwd.getpwnam("postgres")
                except KeyError:
                    raise RuntimeError("running as root but there is no `postgres` user to run the test server as")
                os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self._run([os.path.join(self.bindir, "initdb"), "-D", self._data(), "-U", "postgres", "-A", "trust",
                       "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], as_postgres=self.as_postgres)
            last = None
            for _ in range(3):  # another process may take the probed port first
                self.port = free_port()
                try:
                    self._pg_ctl("start")
                    return self
                except RuntimeError as e:
                    last = e
            self.port = 0
            raise last
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.dir is None:
            return
        if self.port:
            try:
                self._pg_ctl("-m", "fast", "stop")
            except RuntimeError:
                pid_file = os.path.join(self._data(), "postmaster.pid")
                with contextlib.suppress(OSError, ValueError):
                    with open(pid_file) as f:
                        os.kill(int(f.readline()), signal.SIGQUIT)  # PostgreSQL's immediate shutdown
            self.port = 0
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def restart(self):
        """pg_ctl restart -m fast: every client connection is dropped."""
        self._pg_ctl("-m", "fast", "restart")

    # -- databases --
    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self):
        """A new empty database (t_1, t_2, ...) and its URL."""
        self._databases += 1
        name = f"t_{self._databases}"
        self._run([os.path.join(self.bindir, "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                   name], as_postgres=False)
        return self.url(name)

    def psql(self, database, sql):
        """Runs SQL text (test-controlled, constant) with psql and returns its unaligned output."""
        out = subprocess.run([os.path.join(self.bindir, "psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                              "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-c", sql],
                             check=True, capture_output=True, text=True, timeout=60)
        return out.stdout

    # -- internals --
    def _data(self):
        return os.path.join(self.dir, "data")

    def _pg_ctl(self, *action):
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self._data(), "-l", os.path.join(self.dir, "server.log"),
                   "-w", "-t", "60", "-o", options, *action], as_postgres=self.as_postgres)

    def _run(self, argv, as_postgres):
        if as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        # Output to a file, not a pipe: the postmaster pg_ctl starts inherits it and would keep a pipe open.
        log_path = os.path.join(self.dir, "commands.log")
        with open(log_path, "ab") as log:
            rc = subprocess.run(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL, cwd=self.dir,
                                timeout=120).returncode
        if rc != 0:
            raise RuntimeError(f"{os.path.basename(argv[4 if as_postgres else 0])} failed ({rc}):{self._logs()}")

    def _logs(self):
        out = ""
        for name in ("commands.log", "server.log"):
            with contextlib.suppress(OSError):
                with open(os.path.join(self.dir, name), errors="replace") as f:
                    text = f.read()
                out += f"\n--- {name} ---\n{text[-2000:]}"
        return out


@contextlib.contextmanager
def postgres_database():
    """A fresh cluster with one empty database; yields its URL and stops the cluster on exit."""
    with PostgresCluster() as cluster:
        yield cluster.create_database()


class OnPostgres:
    """Mixin for a unittest.TestCase whose tests take their database URL from `cls.database()`: put it first in
    the bases (`class XPostgresTest(OnPostgres, XTest)`) and the same tests run on one PostgreSQL cluster per
    class, a fresh database per call."""

    backend = "postgres"

    @classmethod
    def setUpClass(cls):
        cls.postgres = PostgresCluster().start()
        try:
            super().setUpClass()
        except BaseException:
            cls.postgres.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.postgres.stop()

    @classmethod
    def database(cls):
        return cls.postgres.create_database()


def main():
    with PostgresCluster() as cluster:
        url = cluster.create_database()
        print(json.dumps({"url": url, "port": cluster.port, "dir": cluster.dir}), flush=True)
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        signal.signal(signal.SIGINT, lambda *_: stop.append(1))
        while not stop:
            signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
