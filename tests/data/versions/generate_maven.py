#!/usr/bin/env python3
"""Generates maven.tsv: "A<TAB>B<TAB>R" lines, R in <,=,> as decided by the REAL Maven ComparableVersion.

Reference: org.apache.maven.artifact.versioning.ComparableVersion from Debian's maven-artifact jar
(/usr/share/maven/lib/maven-artifact-3.x.jar, Maven 3.8.7), driven by a tiny Java program compiled here.
Pairs: realistic versions (real Maven Central version strings, plus those under /usr/share/maven-repo)
mutated so that most pairs are close: numbers +-1, trailing .0 added/dropped, qualifiers swapped among
alpha/beta/milestone/rc/cr/snapshot/ga/final/sp and unknown ones, '.' <-> '-', case changes, leading zeros,
huge numbers. Seeded: rerunning gives the same file.  Usage: python3 generate_maven.py > maven.tsv
"""
import os
import random
import subprocess
import sys
import tempfile

JAR = "/usr/share/maven/lib/maven-artifact-3.x.jar"
JAVA = r"""
import java.io.*;
import org.apache.maven.artifact.versioning.ComparableVersion;
public class Cmp {
  public static void main(String[] a) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, "UTF-8"));
    String line;
    while ((line = in.readLine()) != null) {
      String[] p = line.split("\t", -1);
      int c = new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1]));
      out.println(p[0] + "\t" + p[1] + "\t" + (c < 0 ? "<" : c == 0 ? "=" : ">"));
    }
    out.flush();
  }
}
"""

SEEDS = """1.0 1.0.0 1.2.3 2.11.0 1.7.32 1.5.0 1.2-SNAPSHOT 0.1-SNAPSHOT 31.1-jre 31.1-android 32.0.0-jre
2.15.2 2.13.4.2 2.9.10.8 5.3.27 6.0.9 3.0.0-M1 3.0.0-M9 3.1.0 4.13.2 5.9.3 1.0-alpha-1 1.0-beta-2
2.0.0-RC1 2.0.0.RC2 1.0.0.Final 5.6.15.Final 6.2.5.Final 4.1.94.Final 1.3.0.RELEASE 2.7.14 3.1.2
5.3.27.RELEASE 1.0-rc-1 1.0-cr1 2.0-SP1 1.2.3-sp2 9.4.51.v20230217 11.0.15 1.70 1.1.0-ga 3.12.0 1.21
2.0.9 2.0.0-alpha7 1.4.11 2.17.1 2.20.0 1.2.17 8.0.33 42.6.0 3.42.0.0 1.10.19 4.11.0 0.9.12 1.9.4
2.3.1 3.0.2 1.6.0-m1 1.0a1 1.0b2 1.0m3 1.0.0-20230101.123456-1 r09 1.0-jdk5 7.0.0-beta.3 2.0-beta-1-1
1.0.1-1 1-1 1.0-1 1.0.0-0.1 0.0.1 1.0.0.0.0 1.0-final 1-ga 1.0-xyz 1.0.x 1-alpha.1 1.0.a1 1.0-a1
""".split()

QUALIFIERS = ["alpha", "beta", "milestone", "rc", "cr", "snapshot", "ga", "final", "sp", "SNAPSHOT", "RC",
              "Final", "RELEASE", "a", "b", "m", "jre", "android", "xyz", "", "M", "GA", "pre", "dev"]


def repo_versions():
    root = "/usr/share/maven-repo"
    found = set()
    for dirpath, dirnames, _ in os.walk(root):
        for d in dirnames:
            if d[:1].isdigit():
                found.add(d)
    return sorted(found)


def mutate(v, rnd):
    ops = rnd.randrange(12)
    if ops == 0:  # bump a number
        idx = [i for i, c in enumerate(v) if c.isdigit()]
        if idx:
            i = rnd.choice(idx)
            d = int(v[i]) + rnd.choice([-1, 1])
            if 0 <= d <= 9:
                return v[:i] + str(d) + v[i + 1:]
    if ops == 1:
        return v + rnd.choice([".0", "-0", ".0.0", "-", "."])
    if ops == 2 and v.endswith(".0"):
        return v[:-2]
    if ops == 3:
        q = rnd.choice(QUALIFIERS)
        return v + rnd.choice(["-", ".", ""]) + q + rnd.choice(["", "1", "2", "-1", ".1", "10"])
    if ops == 4:
        return v.replace(".", "-", 1) if rnd.random() < 0.5 else v.replace("-", ".", 1)
    if ops == 5:
        return v.upper() if rnd.random() < 0.5 else v.lower()
    if ops == 6:
        return v.replace(".", ".0", 1)
    if ops == 7:
        return v + "." + rnd.choice(["2147483647", "2147483648", "9223372036854775807",
                                     "9223372036854775808", "123456789012345678901234", "0000000001"])
    if ops == 8:
        for q in QUALIFIERS:
            if q and q in v:
                return v.replace(q, rnd.choice(QUALIFIERS), 1)
    if ops == 9:
        parts = v.split(".")
        if len(parts) > 1:
            return ".".join(parts[:-1])
    if ops == 10:
        return v + rnd.choice(["-1", "-SNAPSHOT", "-sp1", ".1", "a", "-a", "_1", "+build"])
    return v


def main():
    rnd = random.Random(20240611)
    pool = SEEDS + repo_versions()
    pairs = set()
    while len(pairs) < 4000:
        a = rnd.choice(pool)
        r = rnd.random()
        if r < 0.6:
            b = mutate(a, rnd)
            if rnd.random() < 0.4:
                b = mutate(b, rnd)
        elif r < 0.8:
            a, b = mutate(a, rnd), mutate(a, rnd)
        else:
            b = rnd.choice(pool)
        pairs.add((a, b))
    pairs = sorted(pairs)
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "Cmp.java"), "w") as f:
            f.write(JAVA)
        subprocess.run(["javac", "-cp", JAR, "-d", tmp, os.path.join(tmp, "Cmp.java")], check=True)
        data = "".join(f"{a}\t{b}\n" for a, b in pairs)
        out = subprocess.run(["java", "-cp", f"{JAR}:{tmp}", "Cmp"], input=data, capture_output=True,
                             text=True, check=True).stdout
    sys.stdout.write("# generated by generate_maven.py from Maven 3.8.7 ComparableVersion; do not edit\n")
    sys.stdout.write(out)


if __name__ == "__main__":
    main()
