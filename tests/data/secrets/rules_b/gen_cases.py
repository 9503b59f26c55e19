#!/usr/bin/env python3
"""Expands cases.tmpl into cases.txt and writes the fake key files of this folder (fixed seed: reproducible).

Every value is random or built from documented formats; none is a real credential. Run from this folder:
    python3 gen_cases.py
"""
import base64
import json
import random
import re
import textwrap

rng = random.Random(20240501)

ALPHABETS = {
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "b62": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "lower": "abcdefghijklmnopqrstuvwxyz0123456789",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "url": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    "b64": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    "digits": "0123456789",
    "flw": "abcdefgh0123456789",
    "bech32": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
    "adyentail": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&*+<>;:{}",
}


def rand(kind, n):
    # url-safe values never start or end with '-' or '_' so that they sit cleanly inside word boundaries.
    alphabet = ALPHABETS[kind]
    out = "".join(rng.choice(alphabet) for _ in range(n))
    if kind == "url" and n > 2:
        out = rng.choice(ALPHABETS["b62"]) + out[1:-1] + rng.choice(ALPHABETS["b62"])
    return out


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64(data):
    return base64.b64encode(data).decode()


def special(kind, arg):
    if kind == "uuid":
        h = rand("hex", 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"
    if kind == "jwt":
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = b64url(json.dumps({"sub": rand("digits", 10), "name": "ci-bot", "iat": 1714557600},
                                    separators=(",", ":")).encode())
        return f"{header}.{payload}.{rand('url', 43)}"
    if kind == "jwtbadheader":
        header = b64url(json.dumps({"typ": "JWT", "kid": rand("hex", 8)}, separators=(",", ":")).encode())
        payload = b64url(json.dumps({"sub": "1234567890"}, separators=(",", ":")).encode())
        return f"{header}.{payload}.{rand('url', 43)}"
    if kind == "basic":
        return b64(arg.encode())
    if kind == "sentryjson":
        return b64(json.dumps({"iat": 1714557600.25, "url": "https://sentry.io", "region_url": "https://us.sentry.io",
                               "org": "acme"}, separators=(",", ":")).encode()).rstrip("=")
    if kind == "grafanajson":
        return b64(json.dumps({"o": rand("digits", 6), "n": "stack-123456-hm-write-ci", "k": rand("b62", 24),
                               "m": {"r": "prod-us-east-0"}}, separators=(",", ":")).encode())
    if kind == "grafanalegacy":
        return b64(json.dumps({"k": rand("b62", 32), "n": "ci-deploy", "id": 1}, separators=(",", ":")).encode())
    if kind == "mapbox":
        payload = b64url(json.dumps({"u": "acme-maps", "a": rand("lower", 25)}, separators=(",", ":")).encode())
        return f"sk.{payload}.{rand('url', 22)}"
    if kind == "opjson":
        doc = {"signInAddress": "my.1password.com", "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256",
               "iterations": 650000, "salt": rand("url", 22)}, "email": f"{rand('lower', 13)}@1passwordserviceaccounts.com",
               "srpX": rand("hex", 64), "muk": {"alg": "A256GCM", "ext": True, "k": rand("url", 43), "kty": "oct",
               "kid": "mp"}, "secretKey": "A3-" + rand("upper", 6), "deviceUuid": rand("lower", 26)}
        return b64(json.dumps(doc, separators=(",", ":")).encode()).rstrip("=")
    raise ValueError(kind)


def expand(line):
    def repl(m):
        kind, _, arg = m.group(1).partition(":")
        if kind in ALPHABETS:
            return rand(kind, int(arg))
        return special(kind, arg)
    return re.sub(r"%\{([^}]+)\}", repl, line)


def pem(label, prefix, nbytes, headers=""):
    body = prefix + rand("b64", (nbytes * 4 // 3) - len(prefix))
    lines = "\n".join(textwrap.wrap(body, 64))
    return f"-----BEGIN {label}-----\n{headers}{lines}\n-----END {label}-----\n"


def write(name, text):
    with open(name, "w", newline="") as f:
        f.write(text)


def key_files():
    write("id_rsa_legacy.pem", pem("RSA PRIVATE KEY", "MIIEowIBAAKCAQEA", 1190))
    write("rsa_encrypted_legacy.pem", pem("RSA PRIVATE KEY", "", 1192,
          f"Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{rand('HEX', 32)}\n\n"))
    write("rsa_public.pem", pem("PUBLIC KEY", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 294))
    write("ec_private.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" +
          pem("EC PRIVATE KEY", "MHcCAQEEI", 121))
    write("dsa_private.pem", pem("DSA PRIVATE KEY", "MIIDVgIBAAKCAQEA", 858))
    write("id_ed25519", pem("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
                            "QyNTUxOQAAACA", 300).replace("-----BEGIN OPENSSH PRIVATE KEY-----\n",
                                                          "-----BEGIN OPENSSH PRIVATE KEY-----\n", 1))
    write("encrypted_pkcs8.pem", pem("ENCRYPTED PRIVATE KEY", "MIIFLTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI", 1329))
    pk = pem("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC", 1218)
    write("service_account.json", json.dumps({
        "type": "service_account", "project_id": "acme-ci-123456", "private_key_id": rand("hex", 40),
        "private_key": pk, "client_email": "deployer@acme-ci-123456.iam.gserviceaccount.com",
        "client_id": rand("digits", 21), "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token"}, indent=2) + "\n")
    write("secret_key.asc", pem("PGP PRIVATE KEY BLOCK", "lQVYBGYx", 1850,
          "Comment: 4B2D 91E0 7C3A 55F1 0E2B  6A9D 3F4C 8812 D0E5 77A1\nComment: CI Signing <ci@example.org>\n\n")
          .replace("\n-----END", f"\n={rand('b64', 4)}\n-----END"))
    write("public_key.asc", pem("PGP PUBLIC KEY BLOCK", "mQINBGYx", 1200, "\n"))
    pub = "\n".join(textwrap.wrap("AAAAC3NzaC1lZDI1NTE5AAAAI" + rand("b64", 43), 64))
    priv = "\n".join(textwrap.wrap("AAAAI" + rand("b64", 43), 64))
    write("putty_v3.ppk", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@build-01\n"
          f"Public-Lines: {pub.count(chr(10)) + 1}\n{pub}\nPrivate-Lines: {priv.count(chr(10)) + 1}\n{priv}\n"
          f"Private-MAC: {rand('hex', 64)}\n")
    ssh2 = pem("X", "P2/56wAAA", 900).splitlines()[1:-1]
    write("ssh2_private.key", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"2048-bit rsa, ops@bastion\"\n" +
          "\n".join(ssh2) + "\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n")


def main():
    key_files()
    out = []
    with open("cases.tmpl") as f:
        for line in f:
            line = line.rstrip("\n")
            out.append(line if line.startswith("#") else expand(line))
    write("cases.txt", "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
