#!/usr/bin/env python3
"""tests/check_layout.py — the layout rule of ARCHITECTURE.md, checked on every build (issue 18).

Data flows one way: geo (foundation) → layers (reading) → network (the walking network) → queries
(computing) → outputs (writing) → run (the commands as library calls) → cli (the command). A file
may include headers of its own level or lower only, whether internal (`folder/x_int.h`) or public
(`lifecircle/x.h`, each public header belonging to one level below); public headers follow the
same rule among themselves; cli/ includes no internal header of the library and no GDAL, OGR, GEOS
or PROJ header (it parses options and prints). A new public header or folder must be given its
level here, so the rule cannot be skipped by accident.

Usage: tests/check_layout.py SOURCE_ROOT   (exit 1 listing every violation)
       tests/check_layout.py --selftest   (proves each kind of violation is caught)
"""
import os
import re
import sys

LEVELS = ["geo", "layers", "network", "queries", "outputs", "run", "cli"]
PUBLIC = {
    "context.h": "geo", "geometry.h": "geo", "crs.h": "geo",
    "quality.h": "layers", "profile.h": "layers", "study.h": "layers", "layer.h": "layers",
    "roads.h": "layers",
    "network.h": "network",
    "coverage.h": "queries", "indicators.h": "queries", "siting.h": "queries",
    "isochrones.h": "queries", "trend.h": "queries", "access.h": "queries", "levels.h": "queries",
    "output.h": "outputs", "results.h": "outputs", "map.h": "outputs", "report.h": "outputs",
    "run.h": "run", "lifecircle.h": "run",
}
FORBIDDEN_IN_CLI = re.compile(r"#\s*include\s*<(gdal|ogr_|cpl_|geos|proj\.h|proj/)")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def level(folder):
    return LEVELS.index(folder)


def check(root):
    problems = []
    inc = os.path.join(root, "include", "lifecircle")
    for name in sorted(os.listdir(inc)):
        if not name.endswith(".h"):
            continue
        if name not in PUBLIC:
            problems.append("include/lifecircle/%s: a public header without a level: add it to PUBLIC in "
                            "tests/check_layout.py (and say where it belongs in ARCHITECTURE.md)" % name)
            continue
        text = open(os.path.join(inc, name), encoding="utf-8").read()
        for target in INCLUDE.findall(text):
            if not target.startswith("lifecircle/"):
                problems.append("include/lifecircle/%s includes \"%s\": public headers include public headers only"
                                % (name, target))
                continue
            t = target.split("/", 1)[1]
            if t in PUBLIC and level(PUBLIC[t]) > level(PUBLIC[name]):
                problems.append("include/lifecircle/%s (%s) includes %s (%s): against the flow"
                                % (name, PUBLIC[name], target, PUBLIC[t]))
    for folder in LEVELS:
        path = os.path.join(root, folder)
        if not os.path.isdir(path):
            problems.append("%s/: a folder of the layout is missing" % folder)
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith((".c", ".h")):
                continue
            rel = "%s/%s" % (folder, name)
            text = open(os.path.join(path, name), encoding="utf-8").read()
            if folder == "cli":
                m = FORBIDDEN_IN_CLI.search(text)
                if m:
                    problems.append("%s includes <%s...>: cli/ only parses options and prints; the library does "
                                    "the work" % (rel, m.group(1)))
            for target in INCLUDE.findall(text):
                head, _, tail = target.partition("/")
                if head == "lifecircle":
                    if tail not in PUBLIC:
                        problems.append("%s includes %s, a public header without a level" % (rel, target))
                    elif level(PUBLIC[tail]) > level(folder):
                        problems.append("%s (%s) includes %s (%s): against the flow"
                                        % (rel, folder, target, PUBLIC[tail]))
                elif head in LEVELS:
                    if folder == "cli" and head != "cli":
                        problems.append("%s includes %s: cli/ uses the public headers only" % (rel, target))
                    elif level(head) > level(folder):
                        problems.append("%s (%s) includes %s: against the flow" % (rel, folder, target))
                elif "/" in target:
                    problems.append("%s includes %s: a folder outside the layout" % (rel, target))
    for entry in sorted(os.listdir(root)):
        p = os.path.join(root, entry)
        if (os.path.isdir(p) and entry not in LEVELS and not entry.startswith(".") and
                any(f.endswith(".c") for f in os.listdir(p)) and
                entry not in ("tests", "bench", "examples", "fuzz") and not entry.startswith("build")):
            problems.append("%s/: C sources in a folder without a level in tests/check_layout.py" % entry)
    return problems


def selftest():
    """Builds a small tree with one violation of each kind and checks that each is reported."""
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        files = {
            "include/lifecircle/context.h": "",
            "include/lifecircle/coverage.h": '#include "lifecircle/output.h"\n',  # query header → outputs
            "include/lifecircle/output.h": "",
            "include/lifecircle/newthing.h": "",                                # no level
            "geo/a.c": '#include "network/network_int.h"\n',                      # foundation → network
            "layers/b.c": '#include "lifecircle/coverage.h"\n',                   # reading → queries
            "network/c.c": '#include "geo/context_int.h"\n',                      # fine
            "queries/d.c": '#include "outputs/output_int.h"\n',                   # queries → outputs
            "outputs/e.c": '#include "lifecircle/coverage.h"\n',                  # fine
            "run/f.c": "",
            "cli/g.c": '#include <geos_c.h>\n#include "run/run_int.h"\n',          # two in cli
            "stray/h.c": "",                                                       # no level
        }
        for rel, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
            open(os.path.join(root, rel), "w").write(text)
        got = check(root)
        expect = ["coverage.h (queries) includes lifecircle/output.h", "newthing.h: a public header without a level",
                  "geo/a.c (geo) includes network/network_int.h", "layers/b.c (layers) includes lifecircle/coverage.h",
                  "queries/d.c (queries) includes outputs/output_int.h", "cli/g.c includes <geos",
                  "cli/g.c includes run/run_int.h", "stray/: C sources"]
        missing = [e for e in expect if not any(e in g for g in got)]
        extra = len(got) - len(expect)
        for m in missing:
            print("layout selftest: not reported: " + m)
        if extra:
            print("layout selftest: %d report(s) too many: %s" % (extra, got))
        return 1 if missing or extra else 0


def main():
    if sys.argv[1:2] == ["--selftest"]:
        rc = selftest()
        print("layout selftest: %s" % ("every violation reported" if rc == 0 else "FAILED"))
        return rc
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    problems = check(root)
    for p in problems:
        print("layout: " + p)
    if problems:
        print("layout: %d violation(s) of the one-way flow (ARCHITECTURE.md)" % len(problems))
        return 1
    print("layout: every include follows geo → layers → network → queries → outputs → run → cli")
    return 0


if __name__ == "__main__":
    sys.exit(main())
