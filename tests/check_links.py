#!/usr/bin/env python3
"""tests/check_links.py — the documentation's relative links lead somewhere (issue 17).

Every relative Markdown link in README.md, ARCHITECTURE.md and docs/*.md must name a file or folder
that exists (relative to the linking file), and a link with a #anchor — to another Markdown file or
to its own — must name a heading of that file. Anchors follow GitHub's rules (github-slugger): the
heading's text lowercased, every character that is not a letter, digit, '_', '-' or a space removed
(so Chinese stays, punctuation such as `, (, ), →, “ goes), each space made '-', and a repeated
heading given -1, -2, … Links inside code (fenced blocks, `inline`) and absolute URLs (http:,
https:, mailto:) are not checked.

It also checks that the README's quick start still holds the two commands CI and the planners'
guide rely on (scripts/quickstart.sh, and the test command .ci/run runs).

Usage: tests/check_links.py SOURCE_ROOT   (exit 1 listing every broken link)
       tests/check_links.py --selftest   (proves each kind of broken link is caught)
"""
import glob
import os
import re
import sys

LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
QUICKSTART = ["scripts/quickstart.sh", "meson test -C build --print-errorlogs"]


def strip_code(lines):
    """The lines with fenced blocks blanked and inline code spans removed (line numbers kept)."""
    out, fenced = [], False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
            out.append("")
            continue
        out.append("" if fenced else re.sub(r"`[^`]*`", "", line))
    return out


def slug(text):
    """GitHub's anchor of a heading's text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)   # a link in a heading: its text
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)                   # \w is Unicode: 中文 stays
    return text.replace(" ", "-")


def anchors(path):
    """Every heading anchor of a Markdown file, duplicates numbered as GitHub does."""
    seen, result = {}, set()
    fenced = False
    for line in open(path, encoding="utf-8").read().split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(2))
        n = seen.get(base, 0)
        seen[base] = n + 1
        result.add(base if n == 0 else "%s-%d" % (base, n))
    return result


def check_file(root, rel):
    problems = []
    path = os.path.join(root, rel)
    lines = strip_code(open(path, encoding="utf-8").read().split("\n"))
    for no, line in enumerate(lines, 1):
        for m in LINK.finditer(line):
            target = m.group(1)
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                continue                                   # http:, https:, mailto:
            file_part, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            where = "%s:%d: link %s" % (rel, no, target)
            if not os.path.exists(dest):
                problems.append("%s: no file %s" % (where, os.path.relpath(dest, root)))
                continue
            if anchor:
                if not dest.endswith(".md") or os.path.isdir(dest):
                    problems.append("%s: an anchor into a file that is not Markdown" % where)
                elif anchor not in anchors(dest):
                    problems.append("%s: %s has no heading with anchor #%s" % (where, os.path.relpath(dest, root), anchor))
    return problems


def check_quickstart(root):
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    problems = ["README.md: the quick start lost the command `%s`" % c for c in QUICKSTART if c not in readme]
    ci = os.path.join(root, ".ci", "run")
    if os.path.exists(ci) and QUICKSTART[1] not in open(ci, encoding="utf-8").read():
        problems.append(".ci/run: no longer runs the README's test command `%s`" % QUICKSTART[1])
    if not os.path.exists(os.path.join(root, QUICKSTART[0])):
        problems.append("README.md: the quick start's %s does not exist" % QUICKSTART[0])
    return problems


def check(root):
    files = ["README.md", "ARCHITECTURE.md"] + sorted(
        os.path.relpath(p, root) for p in glob.glob(os.path.join(root, "docs", "*.md")))
    problems = []
    for rel in files:
        if os.path.exists(os.path.join(root, rel)):
            problems += check_file(root, rel)
        else:
            problems.append("%s: missing" % rel)
    return problems + check_quickstart(root)


def selftest():
    """A small tree with good links of every kind and one broken link of each kind."""
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        files = {
            "README.md": "# Top\n\nscripts/quickstart.sh\nmeson test -C build --print-errorlogs\n\n"
                         "[ok](docs/ref.md) [ok](docs/ref.md#the-norms-规范指标-and-how-each-is-computed)\n"
                         "[ok](#top) [ok](docs/ref.md#a-study-file-1) [ok](https://example.org/x#y)\n"
                         "[bad file](docs/nothere.md)\n"
                         "[bad anchor](docs/ref.md#the-norms)\n"
                         "```\n[in code, not checked](nowhere.md)\n```\n`[inline](nowhere.md)`\n",
            "ARCHITECTURE.md": "# A\n\n[ok](README.md#top) [ok dir](docs) [bad self](#b)\n",
            "docs/ref.md": "# Ref\n\n## The norms (规范指标) and how each is computed\n\n## A study file\n\n"
                           "## A study file\n\n## What `check` writes\n\n[ok](#what-check-writes) "
                           "[ok](../README.md) [bad up](../docs.md) [bad dup](#a-study-file-2)\n"
                           "[ok](../ARCHITECTURE.md#a) [not md anchor](../scripts/quickstart.sh#x)\n",
            "scripts/quickstart.sh": "",
            ".ci/run": "meson test -C build --print-errorlogs\n",
        }
        for rel, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
            open(os.path.join(root, rel), "w", encoding="utf-8").write(text)
        got = check(root)
        expect = ["README.md:8: link docs/nothere.md: no file", "README.md:9: link docs/ref.md#the-norms: docs/ref.md has no heading",
                  "ARCHITECTURE.md:3: link #b: ARCHITECTURE.md has no heading", "docs/ref.md:11: link ../docs.md: no file",
                  "docs/ref.md:11: link #a-study-file-2: docs/ref.md has no heading",
                  "docs/ref.md:12: link ../scripts/quickstart.sh#x: an anchor into a file that is not Markdown"]
        missing = [e for e in expect if not any(g.startswith(e) for g in got)]
        extra = [g for g in got if not any(g.startswith(e) for e in expect)]
        # the quick start check: drop the test command from the README, and both checks report it
        open(os.path.join(root, "README.md"), "w", encoding="utf-8").write("# Top\nscripts/quickstart.sh\n")
        lost = [g for g in check(root) if "quick start lost" in g]
    if missing or extra or len(lost) != 1:
        print("selftest failed\nmissing: %s\nextra: %s\nquick start: %s" % (missing, extra, lost))
        return 1
    print("selftest: %d broken links of %d kinds caught, good links passed, quick start checked" % (len(got), len(expect)))
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--selftest":
        return selftest()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check(argv[1])
    for p in problems:
        print(p)
    if problems:
        print("%d broken link%s" % (len(problems), "" if len(problems) == 1 else "s"))
        return 1
    print("every relative link of README.md, ARCHITECTURE.md and docs/*.md leads to a file and heading")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
