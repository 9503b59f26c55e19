#!/usr/bin/python3
"""A throwaway reference registry (`docker-registry serve`, distribution 2.8) on 127.0.0.1 for the image tests.

As a script: starts the registry in one auth mode, prints one JSON line
  {"port": P, "token_port": T or null, "token_log": PATH or null, "user": "user", "password": "pass", "dir": TMP}
and serves until SIGTERM/SIGINT (or until its parent dies), then stops everything it started by PID.
    oci_registry.py --mode none|basic|token [--user U --password P]

As a module (tests in Python):
    with Registry("token") as reg:
        push(layout_dir, "1.0", "team/app", reg.port, creds=("user", "pass"))
        reg.token_requests()  # how many token requests the token server answered

Modes: none (anonymous), basic (htpasswd file made with `htpasswd -Bbn`), token (auth.token with its realm on a
token server in this script: Basic-checked, issues RS256 JWTs signed by a throwaway key whose self-signed
certificate is the registry's rootcertbundle; anonymous requests get a token without access). The token server
appends one JSON line per request to token_log: {"account", "scope", "service", "authorized", "status"}.
Python stdlib plus python3-cryptography (for RS256); the key and certificate come from the openssl CLI.
"""

import argparse
import base64
import hashlib
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

SERVICE = "vigil-test-registry"
ISSUER = "vigil-test-token-issuer"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def libtrust_key_id(der_public_key):
    """The key id distribution 2.8 (libtrust) uses to find a JWT's signing key among its root certificates."""
    digest = hashlib.sha256(der_public_key).digest()[:30]
    encoded = base64.b32encode(digest).decode().rstrip("=")
    return ":".join(encoded[i:i + 4] for i in range(0, len(encoded), 4))


class TokenIssuer:
    def __init__(self, workdir):
        from cryptography.hazmat.primitives import serialization
        self.key_path = os.path.join(workdir, "token.key")
        self.cert_path = os.path.join(workdir, "token.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key_path,
                        "-out", self.cert_path, "-days", "2", "-subj", "/CN=vigil-test-token-issuer"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(self.key_path, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), password=None)
        der = self.key.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
        self.kid = libtrust_key_id(der)

    def issue(self, account, scopes, lifetime=300):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        now = int(time.time())
        access = []
        for scope in scopes:
            parts = scope.split(":")
            if len(parts) >= 3:
                access.append({"type": parts[0], "name": ":".join(parts[1:-1]), "actions": parts[-1].split(",")})
        header = {"typ": "JWT", "alg": "RS256", "kid": self.kid}
        claims = {"iss": ISSUER, "sub": account, "aud": SERVICE, "exp": now + lifetime, "nbf": now - 10,
                  "iat": now, "jti": b64url(os.urandom(12)), "access": access}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        signature = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return signing_input.decode() + "." + b64url(signature), lifetime


class TokenHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass

    def do_GET(self):
        srv = self.server
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        scopes = query.get("scope", [])
        account = query.get("account", [""])[0]
        auth = self.headers.get("Authorization", "")
        authorized = False
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                user, password = "", None
            if user != srv.user or password != srv.password:
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]},
                                  account, scopes, False)
            authorized = True
            account = user
        token, lifetime = srv.issuer.issue(account, scopes if authorized else [])
        self.reply(200, {"token": token, "access_token": token, "expires_in": lifetime,
                         "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, account, scopes,
                   authorized)

    def reply(self, status, body, account, scopes, authorized):
        srv = self.server
        with srv.lock:
            srv.count += 1
            with open(srv.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"account": account, "scope": scopes, "authorized": authorized,
                                    "service": SERVICE, "status": status}) + "\n")
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="vigil-test-token"')
        self.end_headers()
        self.wfile.write(data)


class Registry:
    """docker-registry on 127.0.0.1 in one auth mode; a context manager that stops everything by PID."""

    def __init__(self, mode="none", user="user", password="pass"):
        if mode not in ("none", "basic", "token"):
            raise ValueError("mode must be none, basic or token")
        self.mode, self.user, self.password = mode, user, password
        self.dir = tempfile.mkdtemp(prefix="vigil-registry-")
        self.port = free_port()
        self.token_port = None
        self.token_log = None
        self.proc = None
        self.token_server = None

    def _config(self):
        lines = ["version: 0.1", "log:", "  level: warn", "  accesslog:", "    disabled: true", "storage:",
                 "  filesystem:", f"    rootdirectory: {self.dir}/storage", "  delete:", "    enabled: true",
                 "http:", f"  addr: 127.0.0.1:{self.port}", "  secret: vigil-test-secret"]
        if self.mode == "basic":
            htpasswd = subprocess.run(["htpasswd", "-Bbn", self.user, self.password], check=True,
                                      capture_output=True, text=True).stdout
            with open(os.path.join(self.dir, "htpasswd"), "w", encoding="utf-8") as f:
                f.write(htpasswd)
            lines += ["auth:", "  htpasswd:", "    realm: vigil-test", f"    path: {self.dir}/htpasswd"]
        elif self.mode == "token":
            lines += ["auth:", "  token:", f"    realm: http://127.0.0.1:{self.token_port}/token",
                      f"    service: {SERVICE}", f"    issuer: {ISSUER}",
                      f"    rootcertbundle: {self.token_server.issuer.cert_path}"]
        path = os.path.join(self.dir, "config.yml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def _start_token_server(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TokenHandler)
        server.daemon_threads = True
        server.issuer = TokenIssuer(self.dir)
        server.user, server.password = self.user, self.password
        server.lock = threading.Lock()
        server.count = 0
        server.log_path = self.token_log = os.path.join(self.dir, "token-requests.jsonl")
        open(server.log_path, "w", encoding="utf-8").close()
        self.token_server = server
        self.token_port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def start(self):
        if shutil.which("docker-registry") is None:
            raise RuntimeError("docker-registry is not installed (apt-get install -y docker-registry)")
        if self.mode == "token":
            self._start_token_server()
        config = self._config()
        self.stderr = open(os.path.join(self.dir, "registry.log"), "wb")
        self.proc = subprocess.Popen(["docker-registry", "serve", config], stdout=self.stderr, stderr=self.stderr)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("docker-registry exited: " + self.log_tail())
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/v2/", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # 401 in the auth modes: it is up
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("docker-registry did not start within 30 s: " + self.log_tail())

    def log_tail(self):
        try:
            with open(os.path.join(self.dir, "registry.log"), encoding="utf-8", errors="replace") as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def token_requests(self):
        return self.token_server.count if self.token_server else 0

    def info(self):
        return {"port": self.port, "token_port": self.token_port, "token_log": self.token_log, "user": self.user,
                "password": self.password, "dir": self.dir}

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if getattr(self, "stderr", None) is not None:
            self.stderr.close()
            self.stderr = None
        if self.token_server is not None:
            self.token_server.shutdown()
            self.token_server.server_close()
            self.token_server = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def push(layout_dir, tag, repo, port, creds=None, dest_tag=None):
    """skopeo copy oci:LAYOUT:TAG docker://127.0.0.1:PORT/REPO:DEST_TAG (creds: (user, password) or None)."""
    argv = ["skopeo", "copy", "--quiet", "--dest-tls-verify=false"]
    if creds:
        argv += ["--dest-creds", f"{creds[0]}:{creds[1]}"]
    argv += [f"oci:{layout_dir}:{tag}", f"docker://127.0.0.1:{port}/{repo}:{dest_tag or tag}"]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["none", "basic", "token"], default="none")
    parser.add_argument("--user", default="user")
    parser.add_argument("--password", default="pass")
    parser.add_argument("--push", nargs=3, metavar=("LAYOUT", "TAG", "REPO"),
                        help="after starting, push oci:LAYOUT:TAG to REPO:TAG (with the credentials in auth modes)")
    args = parser.parse_args()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    parent = os.getppid()
    reg = Registry(args.mode, args.user, args.password)
    try:
        reg.start()
        if args.push:
            creds = None if args.mode == "none" else (args.user, args.password)
            push(args.push[0], args.push[1], args.push[2], reg.port, creds)
        print(json.dumps(reg.info()), flush=True)
        # A test that crashes never sends SIGTERM: stop once our parent is gone, so nothing is left behind.
        while not stop.wait(0.5):
            if os.getppid() != parent:
                break
    except Exception as e:  # noqa: BLE001 - the one line a caller reads must say what went wrong
        print(json.dumps({"error": str(e)}), flush=True)
        return 1
    finally:
        reg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
