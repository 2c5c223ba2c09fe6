#!/usr/bin/python3
"""Runs the malformed-input corpus (tests/corpus/make_corpus.py) through the command and judges every case.

Usage: run_corpus.py SOURCE_DIR LIFECIRCLE [WORK_DIR]   (a meson test: exit 0 when every case behaves)

Each case runs `lifecircle validate` (or `check`, where the case says so) with a time limit. Outcomes:
  crash   killed by a signal (ASan/UBSan abort with abort_on_error=1) or an exit code other than 0, 1, 2
  hang    still running after the time limit (LC_CORPUS_TIMEOUT seconds, 120 by default)
  silent  exit 0 or 1 where the case's fault must stop the run (a result computed from bad data)
  vague   exit 2 without naming the file/feature/field the case names
  quiet   exit 0 or 1 where a warning was expected, and none naming the layer was printed
  wrong   a check whose total residents differ from the base's (the fault lost or invented residents)
  error / warned / ok   as expected.
The counts by outcome are printed; any crash, hang, silent, vague, quiet or wrong fails the test, except
in a case marked known (make_corpus.py says why), which is printed as KNOWN and counted apart.
"""
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile

SRC, CLI = sys.argv[1], os.path.abspath(sys.argv[2])
WORK = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="lc-corpus-")
TIMEOUT = float(os.environ.get("LC_CORPUS_TIMEOUT", "120"))
HERE = os.path.dirname(os.path.abspath(__file__))
BAD = ("crash", "hang", "silent", "vague", "quiet", "wrong")


def run_case(c, total):
    d = os.path.join(WORK, c["name"])
    cmd = [CLI, c["cmd"], "study.yml", *c["args"]]
    out = os.path.join(d, "_out")
    if c["cmd"] == "check":
        cmd += ["-o", out, "--overwrite"]
    try:
        p = subprocess.run(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "hang", ""
    # validate prints its data-quality list on stdout, errors of the run on stderr: both are read.
    err = p.stderr.decode("utf-8", "replace") + p.stdout.decode("utf-8", "replace")
    rc = p.returncode
    if rc < 0 or rc not in (0, 1, 2) or "Sanitizer" in err or "runtime error:" in err:
        return "crash", "exit %d: %s" % (rc, err[-1500:])
    named = all(m.lower() in err.lower() for m in c["match"])
    warned = any("warning" in line.lower() and all(m.lower() in line.lower() for m in c["match"])
                 for line in err.splitlines())
    expect = c["expect"]
    if rc == 2:
        if expect in ("warn", "ok"):
            return "vague", "exit 2 where the data is usable: " + err[-800:]
        return ("error", "") if named else ("vague", "exit 2 without naming %s: %s" % (c["match"], err[-800:]))
    # exit 0 or 1: a result was computed
    if expect == "error":
        return "silent", "exit %d: %s" % (rc, err[-800:])
    if expect in ("warn",) and not warned:
        return "quiet", "exit %d, no warning naming %s: %s" % (rc, c["match"], err[-800:])
    if expect in ("error_or_warn", "warn_or_error") and not warned:
        return "silent", "exit %d without an error or a warning naming %s: %s" % (rc, c["match"], err[-800:])
    if c["cmd"] == "check" and c.get("total") is not None:
        try:
            with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
                rows = json.load(f)["rows"]
            got = next(r["population"] for r in rows if r["id"] == "total")
        except (OSError, ValueError, StopIteration, KeyError) as e:
            return "wrong", "no total in summary.json (%s)" % e
        if abs(got - total) > 0.5:
            return "wrong", "total residents %s, the base has %s" % (got, total)
    return ("warned" if warned else "ok"), ""


def main():
    subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), SRC, WORK], check=True)
    with open(os.path.join(WORK, "cases.json"), encoding="utf-8") as f:
        spec = json.load(f)
    cases, total = spec["cases"], spec["base_total_residents"]
    counts, bad = {}, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=int(os.environ.get("LC_CORPUS_JOBS", "2"))) as ex:
        futures = {ex.submit(run_case, c, total): c for c in cases}
        results = {futures[f]["name"]: f.result() for f in concurrent.futures.as_completed(futures)}
    for c in cases:
        outcome, why = results[c["name"]]
        if outcome in BAD and c.get("known"):
            print("KNOWN %s: %s — %s" % (c["name"], outcome, c["known"]))
            outcome = "known " + outcome
        elif c.get("known"):
            print("NOW PASSES %s (drop its known mark): %s" % (c["name"], outcome))
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome in BAD:
            bad.append((c["name"], outcome, why))
    print("corpus: %d cases: %s" % (len(cases), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    for name, outcome, why in bad:
        print("FAIL %s: %s — %s" % (name, outcome, why.strip().replace("\n", "\n    ")))
    if not bad and len(sys.argv) <= 3:
        shutil.rmtree(WORK, ignore_errors=True)
    return 1 if bad else 0


sys.exit(main())
