#!/usr/bin/python3
"""Times `lifecircle check` on the real-street benchmark cities (bench/gen_real_city.py), not run by CI.

For every K given, makes (or reuses) the city of Porto's streets tiled K x K times in WORK/rcK
(--overlapping: 20,000 compounds at K = 10, as issue 13 measured), runs `check --mode network`
(GeoPackage output) RUNS times with -v, and prints one markdown table: the median of each step's
time (the command's own `step` and `writing` debug lines), the wall time and the peak resident
memory (/usr/bin/time). With --straight, the straight-line check too. With --old CLI, the same runs
of another build (e.g. the previous release) for a before/after column.

Usage: bench/run_real.py [--build build] [--work /tmp/lc-real] [--tiles 2 5 10 16] [--runs 3]
                         [--straight] [--old PATH/TO/lifecircle] [--non-overlapping]
The machine is stated from nproc and /proc/meminfo; state the load yourself (other jobs on a VM
move these times by 30 %; take medians of several runs).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# The columns: (label, regular expression on the -v output giving seconds).
STEPS = [
    ("inputs", r"step reading the inputs: ([\d.]+) s"),
    ("roads", r"step reading the roads: ([\d.]+) s"),
    ("network build", r"step building the network: ([\d.]+) s"),
    ("islands", r"step network islands: ([\d.]+) s"),
    ("shortest paths", r"network coverage: shortest paths ([\d.]+) s"),
    ("compounds", r"\d+ compounds ([\d.]+) s \("),
    ("coverage", r"step coverage: ([\d.]+) s"),
    ("indicators", r"step indicators: ([\d.]+) s"),
    ("residential", r"writing residential: ([\d.]+) s"),
    ("gaps", r"writing gaps: ([\d.]+) s"),
    ("catchments", r"writing catchments: ([\d.]+) s"),
    ("waiting for service areas", r"writing \(waiting for the service areas\): ([\d.]+) s"),
    ("service areas", r"writing service_areas: ([\d.]+) s"),
    ("writing", r"step writing the results: ([\d.]+) s"),
]


def ensure_city(work, k, overlapping):
    """The city of K x K tiles in work/rcK[o]; generated when missing. Returns its study file."""
    d = os.path.join(work, "rc%d%s" % (k, "o" if overlapping else ""))
    study = os.path.join(d, "real.yml")
    if not os.path.exists(study):
        cmd = [sys.executable, os.path.join(HERE, "gen_real_city.py"), d, "--tiles", str(k)]
        if overlapping:
            cmd.append("--overlapping")
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return study


def run_once(cli, study, mode):
    """One check; returns (wall s, peak MB, {step: s}, network size text)."""
    with tempfile.TemporaryDirectory() as out:
        timef = os.path.join(out, "time.txt")
        cmd = ["/usr/bin/time", "-o", timef, "-f", "%e %M", cli, "check", study, "--mode", mode, "--format",
               "gpkg", "-o", os.path.join(out, "o"), "-v"]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        if p.returncode not in (0, 1):
            sys.exit("run_real.py: %s failed (exit %d):\n%s" % (" ".join(cmd), p.returncode, p.stdout[-2000:]))
        wall, kb = open(timef).read().split()[-2:]
        steps = {}
        for label, rx in STEPS:
            m = re.search(rx, p.stdout)
            if m:
                steps[label] = float(m.group(1))
        net = re.search(r"(\d+) nodes, (\d+) edges", p.stdout)
        comp = re.search(r"(\d+) compounds", p.stdout)
        size = "%s edges, %s nodes" % (net.group(2), net.group(1)) if net else ""
        return float(wall), int(kb) / 1024.0, steps, size, comp.group(1) if comp else ""


def median_row(cli, study, mode, runs):
    """Medians of runs checks: (wall, walls, peak max, {step: median}, size, compounds)."""
    results = [run_once(cli, study, mode) for _ in range(runs)]
    walls = [r[0] for r in results]
    steps = {}
    for label, _ in STEPS:
        vals = [r[2][label] for r in results if label in r[2]]
        if vals:
            steps[label] = statistics.median(vals)
    return statistics.median(walls), walls, max(r[1] for r in results), steps, results[0][3], results[0][4]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "lc-real"))
    ap.add_argument("--tiles", type=int, nargs="+", default=[2, 5, 10, 16])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--straight", action="store_true", help="also the straight-line check")
    ap.add_argument("--old", help="another build's lifecircle, run the same way for comparison")
    ap.add_argument("--non-overlapping", action="store_true",
                    help="compounds that never overlap (fewer: 18,004 at K = 10) instead of issue 13's 20,000")
    a = ap.parse_args()
    cli = os.path.join(a.build, "cli", "lifecircle")
    os.makedirs(a.work, exist_ok=True)
    mem = int(open("/proc/meminfo").read().split()[1]) // (1024 * 1024)
    print("machine: %d cores, %d GiB, %s; %d runs each, medians" % (os.cpu_count(), mem, os.uname().release, a.runs))
    modes = ["network"] + (["straight"] if a.straight else [])
    builds = [("this build", cli)] + ([("old", a.old)] if a.old else [])
    labels = [label for label, _ in STEPS]
    print("\n| K | mode | build | network | compounds | " + " | ".join(labels) + " | wall (runs) | peak |")
    print("|" + "---|" * (len(labels) + 7))
    for k in a.tiles:
        study = ensure_city(a.work, k, not a.non_overlapping)
        for mode in modes:
            for name, exe in builds:
                wall, walls, peak, steps, size, comp = median_row(exe, study, mode, a.runs)
                cells = ["%.2f" % steps[l] if l in steps else "" for l in labels]
                print("| %d | %s | %s | %s | %s | %s | **%.2f s** (%s) | %.0f MB |" % (
                    k, mode, name, size, comp, " | ".join(cells), wall, " / ".join("%.2f" % w for w in walls), peak),
                    flush=True)


if __name__ == "__main__":
    main()
