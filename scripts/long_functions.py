#!/usr/bin/env python3
"""scripts/long_functions.py — lists the library's C functions longer than a limit (issue 18: functions
under ~80 lines), longest first, so the count is reproducible. A function's length is its lines from the
line its name is defined on to its closing brace, both included, as Universal Ctags reports them
(`--fields=+ne`: line: and end:). Library code only: geo/ layers/ network/ queries/ outputs/ run/ cli/
(not tests/, bench/, fuzz/, examples/).
Usage: scripts/long_functions.py [--limit N] [--all] [DIR...]   (run from the top of the tree)
Prints `LINES file:line function`, then `N functions over LIMIT lines`. Exits 0."""
import argparse
import glob
import os
import subprocess
import sys

LIBRARY = ["geo", "layers", "network", "queries", "outputs", "run", "cli"]


def functions(paths):
    out = subprocess.run(["ctags", "--c-kinds=f", "--fields=+ne", "-o", "-"] + paths,
                         check=True, capture_output=True, text=True).stdout
    for row in out.splitlines():
        cols = row.split("\t")
        name, path = cols[0], cols[1]
        fields = dict(c.split(":", 1) for c in cols[3:] if ":" in c)
        if "line" in fields and "end" in fields:
            start, end = int(fields["line"]), int(fields["end"])
            yield end - start + 1, path, start, name


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=80, help="list functions longer than this (80)")
    ap.add_argument("--all", action="store_true", help="every function, whatever its length")
    ap.add_argument("dirs", nargs="*", default=LIBRARY)
    a = ap.parse_args()
    paths = sorted(p for d in a.dirs for p in glob.glob(os.path.join(d, "**", "*.c"), recursive=True))
    if not paths:
        sys.exit("no .c files under " + " ".join(a.dirs) + " (run from the top of the tree)")
    rows = sorted(functions(paths), key=lambda r: (-r[0], r[1], r[2]))
    over = [r for r in rows if r[0] > a.limit]
    for n, path, line, name in (rows if a.all else over):
        print(f"{n:4d} {path}:{line} {name}")
    print(f"{len(over)} functions over {a.limit} lines")


if __name__ == "__main__":
    main()
