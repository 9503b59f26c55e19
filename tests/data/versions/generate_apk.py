#!/usr/bin/env python3
"""Generates apk.tsv: "A<TAB>B<TAB>R" lines (R is <, = or >) for tests/unit/versions/apk_test.cpp.

Reference: NOT the real apk binary (apk-tools is not packaged in Debian 12). It is apk_compare() below,
a line-by-line Python port of apk-tools' src/version.c (2.14/3.x: token_first/token_next/token_cmp,
suffixes alpha<beta<pre<rc<(none)<cvs<svn<git<hg<p, ~commit-hash, -rN, leading-zero string sort,
uint64 wrap-around of numbers). Before writing, the port is checked against every line of apk-tools'
own test/version.data that is quoted in VERSION_DATA below; the script aborts on any mismatch.

Pairs: Alpine package versions as aports ship them, each paired with a mutation of itself (bump a digit,
add/remove _suffix, letters, -rN, ~hash, leading zeros, invalid characters) or with another version,
so most pairs are close. Seeded: reruns give the same file. Usage: python3 generate_apk.py > apk.tsv
"""
import random
import sys

SEED = 20240611
COUNT = 3200

INITIAL, DIGIT, LETTER, SUFFIX, SUFFIX_NO, COMMIT_HASH, REVISION_NO, END, INVALID = range(9)
SUFFIXES = {"alpha": 1, "beta": 2, "pre": 3, "rc": 4, "cvs": 6, "svn": 7, "git": 8, "hg": 9, "p": 10}
NONE = 5


class Tok:
    def __init__(self):
        self.token, self.suffix, self.number, self.value = INITIAL, 0, 0, ""


def parse_digits(t, s, i):
    j = i
    while j < len(s) and "0" <= s[j] <= "9":
        j += 1
    t.value = s[i:j]
    t.number = int(t.value) % (1 << 64) if t.value else 0
    if not t.value:
        t.token = INVALID
    return j


def span(s, i, chars):
    j = i
    while j < len(s) and s[j] in chars:
        j += 1
    return j


def token_next(t, s, i):
    if i >= len(s):
        t.token = END
        return i
    c = s[i]
    if "a" <= c <= "z":
        if t.token > DIGIT:
            t.token = INVALID
            return i
        t.value, t.token = c, LETTER
        return i + 1
    if c == "." or "0" <= c <= "9":
        if c == ".":
            if t.token > DIGIT:
                t.token = INVALID
                return i
            i += 1
        if t.token in (INITIAL, DIGIT):
            t.token = DIGIT
        elif t.token == SUFFIX:
            t.token = SUFFIX_NO
        else:
            t.token = INVALID
            return i
        return parse_digits(t, s, i)
    if c == "_":
        if t.token > SUFFIX_NO:
            t.token = INVALID
            return i
        j = span(s, i + 1, "abcdefghijklmnopqrstuvwxyz")
        t.value = s[i + 1:j]
        t.suffix = SUFFIXES.get(t.value, 0)
        t.token = SUFFIX if t.suffix else INVALID
        return j
    if c == "~":
        j = span(s, i + 1, "0123456789abcdef")
        if t.token >= COMMIT_HASH or j == i + 1:
            t.token = INVALID
            return i
        t.value, t.token = s[i + 1:j], COMMIT_HASH
        return j
    if c == "-":
        if t.token >= REVISION_NO or s[i:i + 2] != "-r":
            t.token = INVALID
            return i
        t.token = REVISION_NO
        return parse_digits(t, s, i + 2)
    t.token = INVALID
    return i


def cmp(x, y):
    return (x > y) - (x < y)


def token_cmp(a, b):
    if a.token == DIGIT and (a.value[0] == "0" or b.value[0] == "0"):
        return cmp(a.value.encode(), b.value.encode())
    if a.token in (INITIAL, DIGIT, SUFFIX_NO, REVISION_NO):
        return cmp(a.number, b.number)
    if a.token == LETTER:
        return cmp(a.value, b.value)
    if a.token == SUFFIX:
        return cmp(a.suffix, b.suffix)
    return cmp(a.value.encode(), b.value.encode())


def apk_compare(a, b):
    ta, tb = Tok(), Tok()
    i, j = parse_digits(ta, a, 0), parse_digits(tb, b, 0)
    while ta.token == tb.token and ta.token < END:
        r = token_cmp(ta, tb)
        if r:
            return r
        i, j = token_next(ta, a, i), token_next(tb, b, j)
    if ta.token == tb.token:
        return 0
    if ta.token == SUFFIX and ta.suffix < NONE:
        return -1
    if tb.token == SUFFIX and tb.suffix < NONE:
        return 1
    return -1 if ta.token > tb.token else 1


# A selection of apk-tools test/version.data (the lines exercising distinct rules).
VERSION_DATA = """2.34 > 0.1.0_alpha
23_foo > 4_beta
1.0 < 1.0bc
0.1.0_alpha2 > 0.1.0_alpha
1.1 > 1.1_alpha1
1.06-r6 < 006
006 > 1.0.0
2.3.0b-r1 < 2.3.0b-r2
3.1_p16 < 3.1_p17
20060720 > 3.0.20060720
021109-r3 < 20060512
0.9.28.1 < 087-r1
2.12r-r4 < 2.12r-r5
1.2.07.8 < 1.2.12.04
1.07-r1 < 1.07.5
0.1.0_alpha_pre2 < 0.1.0_alpha
1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
6.0_pre1 < 6.0
6.0_p1 > 6.0
8.2.0 < 8.2.001
8.2.0015 < 8.2.002
1.0~1234 < 1.0~2345
1.0~1234-r1 < 1.0~2345-r0
1.0~1234-r1 > 1.0~1234-r0"""

BASE = ["1.36.1-r15", "3.1.4-r5", "2.40_git20230713-r0", "1.2.13_pre1-r0", "0_git20210517-r1", "5.2.21-r0",
        "6.4_p20240113-r2", "1.0.0~a1b2c3-r0", "3.0.12-r4", "8.5.0-r0", "2.4.58-r0", "1.24.0-r14", "9.6_p1-r0",
        "3.18.4-r0", "1.1.1w-r1", "3.3.0_alpha1-r0", "3.3.0_rc2-r0", "0.9.8za-r0", "2.6.32_rc8-r0", "4.19.0a-r1",
        "20240207-r0", "2.1.0_beta3_p1-r0", "1.8.5_p2", "0.10.0", "6.6.32-r0", "1.0", "006", "1.06", "2.0.0-r10",
        "3.12.3-r1", "1.21.6-r0", "14.2.0_git20240818-r0", "0.3.1_svn1234-r2", "7.0.1_cvs-r0", "2.2_hg20110101"]


def bump(s, rnd):
    digits = [i for i, c in enumerate(s) if c.isdigit()]
    if not digits:
        return s + "1"
    i = rnd.choice(digits)
    return s[:i] + str(max(0, min(9, int(s[i]) + rnd.choice([-1, 1, 2])))) + s[i + 1:]


def mutate(v, rnd):
    ops = [
        lambda s: s + rnd.choice(["_rc1", "_alpha", "_p1", "_pre", "_git2024", "a", ".1", ".0", "-r1", "~abc", "_beta2"]),
        lambda s: s[:-1] if len(s) > 1 else s,
        lambda s: bump(s, rnd),
        lambda s: bump(s, rnd),
        lambda s: s.rsplit("-", 1)[0] if "-" in s else s + "-r" + str(rnd.randint(0, 12)),
        lambda s: s.replace(".", rnd.choice([".0", "_", "..", "-", "a"]), 1),
        lambda s: s.replace("_", rnd.choice(["_p", "_", "-", "_foo", "."]), 1) if "_" in s else "0" + s,
        lambda s: s.replace("-r", "~1-r", 1) if "-r" in s else s + rnd.choice(["!", "-", "_", "~", "B", ""]),
    ]
    for _ in range(rnd.choice([1, 1, 2])):
        v = rnd.choice(ops)(v)
    return v


def main():
    sym = {-1: "<", 0: "=", 1: ">"}
    for line in VERSION_DATA.splitlines():
        a, op, b = line.split()
        if sym[apk_compare(a, b)] != op or sym[apk_compare(b, a)] != {"<": ">", ">": "<", "=": "="}[op]:
            sys.exit(f"port disagrees with apk-tools test/version.data: {line}")
    rnd = random.Random(SEED)
    rows, seen = [], set()
    while len(rows) < COUNT:
        a = rnd.choice(BASE)
        r = rnd.random()
        if r < 0.65:
            b = mutate(a, rnd)
        elif r < 0.8:
            b = a if rnd.random() < 0.3 else mutate(mutate(a, rnd), rnd)
        else:
            b = rnd.choice(BASE)
        if rnd.random() < 0.5:
            a, b = b, a
        if (a, b) in seen or not a or not b:
            continue
        seen.add((a, b))
        rows.append(f"{a}\t{b}\t{sym[apk_compare(a, b)]}")
    sys.stdout.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
