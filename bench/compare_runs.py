#!/usr/bin/python3
"""Compares the residential layers of two `lifecircle check --format gpkg` runs (bench/, not run by CI).

For every category (every field ending in _covered_share, and circle_share) it prints how far the
second run's covered shares are from the first's — the largest difference over all compounds in
percentage points, the mean, how many compounds differ by more than 0.1 and 0.5 pp — and the
relative difference of the covered population, and whether every distance to the nearest facility
is the same (to 1e-6 m). Used to check a change of method against the previous release: issue 13
asks for every share within 0.5 pp and every covered population within 0.5 %.

Usage: bench/compare_runs.py OLD_OUTPUT_DIR NEW_OUTPUT_DIR   (each holding lifecircle.gpkg)
Exit code 1 when a share differs by more than 0.5 pp or a population by more than 0.5 %.
"""
import math
import os
import sys

try:
    from osgeo import ogr
except ImportError:  # a pyenv python3 may shadow Debian's, which has python3-gdal
    if os.path.realpath(sys.executable) != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("compare_runs.py: the GDAL python bindings (osgeo) are required: apt-get install python3-gdal")


def read(run):
    ds = ogr.Open(os.path.join(run, "lifecircle.gpkg"))
    if ds is None:
        sys.exit("compare_runs.py: %s/lifecircle.gpkg cannot be opened" % run)
    lyr = ds.GetLayerByName("residential")
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    rows = {}
    for f in lyr:
        rows[f.GetField("id")] = {n: f.GetField(n) for n in names}
    return names, rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    names_a, a = read(sys.argv[1])
    names_b, b = read(sys.argv[2])
    common = sorted(set(a) & set(b))
    if len(common) != len(a) or len(common) != len(b):
        print("compounds: %d in the first run, %d in the second, %d in both" % (len(a), len(b), len(common)))
    shares = [n for n in names_a if (n.endswith("_covered_share") or n == "circle_share") and n in names_b]
    bad = 0
    print("%-34s %9s %9s %7s %7s %12s" % ("share", "max pp", "mean pp", ">0.1pp", ">0.5pp", "pop rel diff"))
    for s in shares:
        diffs = []
        for k in common:
            x, y = a[k][s], b[k][s]
            if x is None or y is None:
                continue
            diffs.append(abs(x - y) * 100)
        pop = s.replace("_share", "_pop")
        pa = sum(a[k][pop] or 0 for k in common) if pop in names_a else float("nan")
        pb = sum(b[k][pop] or 0 for k in common) if pop in names_b else float("nan")
        rel = (pb - pa) / pa if pa else 0.0
        worst = max(diffs) if diffs else 0.0
        mean = sum(diffs) / len(diffs) if diffs else 0.0
        print("%-34s %9.4f %9.5f %7d %7d %+11.5f%%" % (s, worst, mean, sum(d > 0.1 for d in diffs),
                                                     sum(d > 0.5 for d in diffs), rel * 100))
        bad += worst > 0.5 or abs(rel) > 0.005
    dists = [n for n in names_a if n.endswith("_distance_m") and n in names_b]
    moved = 0
    for d in dists:
        for k in common:
            x, y = a[k][d], b[k][d]
            if (x is None) != (y is None) or (x is not None and not (math.isinf(x) and math.isinf(y)) and abs(x - y) > 1e-6):
                moved += 1
    print("distances to the nearest facility: %d of %d differ by more than 1e-6 m" % (moved, len(dists) * len(common)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
