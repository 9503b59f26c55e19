#!/usr/bin/python3
"""Local HTTP server for download tests (vigil::http client, `vigil db update`): serves a directory the way
Google Cloud Storage serves OSV archives, with injectable faults. Python 3 stdlib only.

Binds 127.0.0.1 on an ephemeral port and prints the port as its first stdout line. Every request is appended
to --log as one JSON object per line: {"method", "path", "query", "count", "status", "headers": {lowercased: value}},
written before the response is sent, so a client that has returned can read its own request there.

Behaviour per path (defaults from the command-line flags, overridden per request by --control, a JSON file re-read
on every request: {"*": {...}, "/ecosystem/all.zip": {...}}; keys are the flag names with '_' for '-'):
  fail_first N       the first N requests of the path answer fail_status (default 503), with Retry-After if set
  truncate_first N   the first N GETs that reach the body send Content-Length but only half the body, then close
  bad_md5            x-goog-hash / Content-MD5 carry the md5 of other bytes
  drip_ms MS         send the body drip_bytes (default 1) at a time with MS milliseconds between writes
  no_etag, no_last_modified, no_goog_hash, split_goog_hash (two header lines as GCS does), content_md5,
  no_content_length (body delimited by closing the connection), redirect URL (302), status CODE (always answer it)
  content_type TYPE  Content-Type of a 200 (default: application/zip for *.zip, else application/octet-stream)
  headers {NAME: VALUE}  extra headers of a 200 (a JSON object; on the command line as JSON text)
  require_authorization VALUE  answer 401 with WWW-Authenticate: Basic realm="vigil-test" unless the request's
                     Authorization header is exactly VALUE (checked before redirect and the other faults)
Counters are per path and count every request (GET and HEAD) since the server started.
--tls-cert/--tls-key serve HTTPS instead (tests use a throwaway self-signed certificate to check verification).
Validators: ETag is a quoted strong tag, the first 16 hex digits of the content's sha256; Last-Modified is the
file's mtime. If-None-Match (when ETag is on) takes precedence over If-Modified-Since, as RFC 9110 says.
"""

import argparse
import base64
import email.utils
import hashlib
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse

DEFAULTS = {
    "fail_first": 0, "fail_status": 503, "retry_after": None, "truncate_first": 0, "bad_md5": False,
    "drip_ms": 0, "drip_bytes": 1, "no_etag": False, "no_last_modified": False, "no_goog_hash": False,
    "split_goog_hash": False, "content_md5": False, "no_content_length": False, "redirect": None, "status": None,
    "content_type": None, "headers": None, "require_authorization": None,
}


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = CRC32C_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


class Digests:
    """sha256/md5/crc32c of a file, cached by (path, size, mtime) because crc32c in Python is slow."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cache = {}

    def get(self, path, data, st):
        key = (path, st.st_size, st.st_mtime_ns)
        with self.lock:
            if key in self.cache:
                return self.cache[key]
        value = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "md5": base64.b64encode(hashlib.md5(data).digest()).decode(),
            "bad_md5": base64.b64encode(hashlib.md5(data + b"corrupted").digest()).decode(),
            "crc32c": base64.b64encode(crc32c(data).to_bytes(4, "big")).decode(),
        }
        with self.lock:
            self.cache[key] = value
        return value


class State:
    def __init__(self, args):
        self.root = os.path.realpath(args.root)
        self.control = args.control
        self.defaults = dict(DEFAULTS)
        for key in DEFAULTS:
            value = getattr(args, key)
            if value is not None:
                self.defaults[key] = value
        self.log_path = args.log
        self.lock = threading.Lock()
        self.counts = {}
        self.digests = Digests()

    def next_count(self, path):
        with self.lock:
            self.counts[path] = self.counts.get(path, 0) + 1
            return self.counts[path]

    def config(self, path):
        cfg = dict(self.defaults)
        if self.control:
            try:
                with open(self.control, encoding="utf-8") as f:
                    control = json.load(f)
                cfg.update(control.get("*", {}))
                cfg.update(control.get(path, {}))
            except (OSError, ValueError):
                pass  # a missing or half-written control file means "no overrides"
        return cfg

    def log(self, entry):
        if not self.log_path:
            return
        line = json.dumps(entry, sort_keys=True) + "\n"
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line)


def matches_etag(header, etag):
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vigil-test-gcs/1.0"

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass  # the JSON request log replaces the default stderr log

    def do_HEAD(self):
        self.handle_request(head=True)

    def do_GET(self):
        self.handle_request(head=False)

    def handle_request(self, head):
        state = self.server.state
        parsed = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parsed.path)
        count = state.next_count(path)
        cfg = state.config(path)
        entry = {"method": self.command, "path": path, "query": parsed.query, "count": count,
                 "headers": {k.lower(): v for k, v in self.headers.items()}}
        try:
            self.respond(state, cfg, path, count, head, entry)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def simple(self, entry, status, headers=(), body=b""):
        entry["status"] = status
        self.server.state.log(entry)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def respond(self, state, cfg, path, count, head, entry):
        wanted = cfg["require_authorization"]
        if wanted is not None and self.headers.get("Authorization") != wanted:
            return self.simple(entry, 401, [("WWW-Authenticate", 'Basic realm="vigil-test"')], b"unauthorized\n")
        if cfg["redirect"]:
            return self.simple(entry, 302, [("Location", cfg["redirect"])])
        if cfg["status"]:
            return self.simple(entry, int(cfg["status"]), body=b"forced status\n")
        if count <= int(cfg["fail_first"]):
            headers = [] if cfg["retry_after"] is None else [("Retry-After", str(cfg["retry_after"]))]
            return self.simple(entry, int(cfg["fail_status"]), headers, b"try again later\n")
        file_path = os.path.realpath(os.path.join(state.root, path.lstrip("/")))
        if not file_path.startswith(state.root + os.sep) or not os.path.isfile(file_path):
            return self.simple(entry, 404, body=b"<Error><Code>NoSuchKey</Code></Error>\n")
        with open(file_path, "rb") as f:
            st = os.fstat(f.fileno())
            data = f.read()
        digests = state.digests.get(file_path, data, st)
        validators = []
        etag = None if cfg["no_etag"] else '"' + digests["sha256"][:16] + '"'
        if etag:
            validators.append(("ETag", etag))
        if not cfg["no_last_modified"]:
            validators.append(("Last-Modified", email.utils.formatdate(int(st.st_mtime), usegmt=True)))
        if self.not_modified(etag, cfg, int(st.st_mtime)):
            return self.simple_304(entry, validators)
        self.send_ok(entry, cfg, count, head, data, digests, validators)

    def not_modified(self, etag, cfg, mtime):
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag is not None and matches_etag(inm, etag)
        ims = self.headers.get("If-Modified-Since")
        if ims is None or cfg["no_last_modified"]:
            return False
        try:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
        return mtime <= since

    def simple_304(self, entry, validators):
        entry["status"] = 304
        self.server.state.log(entry)
        self.send_response(304)
        for name, value in validators:
            self.send_header(name, value)
        self.end_headers()

    def send_ok(self, entry, cfg, count, head, data, digests, validators):
        truncate = not head and count <= int(cfg["fail_first"]) + int(cfg["truncate_first"])
        entry["status"] = 200
        entry["truncated"] = truncate
        self.server.state.log(entry)
        md5 = digests["bad_md5" if cfg["bad_md5"] else "md5"]
        self.send_response(200)
        content_type = cfg["content_type"] or ("application/zip" if entry["path"].endswith(".zip") else
                                               "application/octet-stream")
        self.send_header("Content-Type", content_type)
        extra = cfg["headers"] or {}
        if isinstance(extra, str):
            extra = json.loads(extra)
        for name, value in extra.items():
            self.send_header(name, str(value))
        if cfg["no_content_length"]:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(data)))
        for name, value in validators:
            self.send_header(name, value)
        if not cfg["no_goog_hash"]:
            if cfg["split_goog_hash"]:
                self.send_header("x-goog-hash", "crc32c=" + digests["crc32c"])
                self.send_header("x-goog-hash", "md5=" + md5)
            else:
                self.send_header("x-goog-hash", "crc32c=" + digests["crc32c"] + ",md5=" + md5)
        if cfg["content_md5"]:
            self.send_header("Content-MD5", md5)
        self.end_headers()
        if head:
            return
        body = data[: len(data) // 2] if truncate else data
        self.send_body(body, int(cfg["drip_ms"]), max(1, int(cfg["drip_bytes"])))
        if truncate:
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

    def send_body(self, body, drip_ms, drip_bytes):
        if drip_ms <= 0:
            self.wfile.write(body)
            return
        for start in range(0, len(body), drip_bytes):
            self.wfile.write(body[start: start + drip_bytes])
            self.wfile.flush()
            time.sleep(drip_ms / 1000.0)


def watch_parent(parent):
    # A test that crashes never sends SIGTERM; exit once our parent is gone so no server is left behind.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="directory to serve")
    parser.add_argument("--log", help="append one JSON line per request to this file")
    parser.add_argument("--control", help="JSON file of per-path overrides, re-read on every request")
    parser.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (needs --tls-key)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    for key, default in DEFAULTS.items():
        flag = "--" + key.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(flag, action="store_true", default=None)
        elif isinstance(default, int):
            parser.add_argument(flag, type=int)
        else:
            parser.add_argument(flag)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.state = State(args)
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
