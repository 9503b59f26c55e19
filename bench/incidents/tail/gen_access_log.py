#!/usr/bin/env python3
"""Writes a large realistic access log for bench/incidents/tail/run.sh: nginx "combined" (or JSON lines), clients
drawn from a Zipf-like distribution over CLIENTS addresses (IPv4 and some IPv6), realistic paths, statuses, sizes,
referers and user agents, about RPS requests/s of log time, and one flood (FLOOD_RPS from one address for 20 s of
log time) in the middle, so the detector does real work. Deterministic (seeded)."""
import argparse
import json
import random
import time
import zlib

AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
    "Mobile/15E148 Safari/604.1",
    "curl/8.5.0", "Go-http-client/1.1", "python-requests/2.31.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]
PATHS = ["/", "/index.html", "/products", "/products/{n}", "/api/v1/cart", "/api/v1/items/{n}", "/static/app.{n}.js",
         "/static/style.{n}.css", "/images/{n}.webp", "/login", "/search?q=shoes+size+{n}", "/health"]
METHODS = ["GET"] * 17 + ["POST"] * 2 + ["PUT", "HEAD"]
STATUSES = [200] * 80 + [304] * 8 + [301, 302] + [404] * 5 + [401, 403, 500, 502]


def client(rng, k):
    if k % 11 == 0:
        return f"2001:db8:{k % 65536:x}::{(k * 7) % 65536:x}"
    return f"{10 + k % 200}.{(k >> 3) % 256}.{(k * 13) % 256}.{(k * 7) % 250 + 1}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--clients", type=int, default=5000)
    ap.add_argument("--rps", type=float, default=2000)
    ap.add_argument("--flood-rps", type=float, default=800)
    ap.add_argument("--format", choices=["nginx", "json"], default="nginx")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(8)
    weights = [1 / (k + 1) ** 1.1 for k in range(a.clients)]
    picks = rng.choices(range(a.clients), weights, k=100_000)
    t = 1_795_791_845.0  # 2026-11-27T15:04:05Z
    flood_start, flood_end = t + a.lines / a.rps / 2, t + a.lines / a.rps / 2 + 20
    flood_gap, next_flood = 1 / a.flood_rps, flood_start
    out = []
    with open(a.out, "w", encoding="utf-8") as f:
        for i in range(a.lines):
            if flood_start <= t < flood_end and t >= next_flood:
                src, path, method, status, size = "198.51.100.66", "/login", "POST", 401, 98
                next_flood += flood_gap
            else:
                src = client(rng, picks[i % len(picks)])
                path = rng.choice(PATHS).replace("{n}", str(rng.randrange(1000)))
                method, status, size = rng.choice(METHODS), rng.choice(STATUSES), rng.randrange(0, 60000)
                t += rng.expovariate(a.rps)
            agent = AGENTS[zlib.crc32(src.encode()) % len(AGENTS)]
            if a.format == "nginx":
                stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t))
                out.append(f'{src} - - [{stamp}] "{method} {path} HTTP/1.1" {status} {size} '
                           f'"https://shop.example/" "{agent}"\n')
            else:
                out.append(json.dumps({"time": round(t, 3), "remote_addr": src, "method": method, "uri": path,
                                       "status": status, "body_bytes_sent": size, "http_user_agent": agent},
                                      separators=(",", ":")) + "\n")
            if len(out) >= 10000:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))


if __name__ == "__main__":
    main()
