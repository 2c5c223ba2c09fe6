#!/usr/bin/env python3
"""tests/test_print.py — the HTML report printed the way a planner prints it (issue 17): the demo's
report from `lifecircle check --report`, printed to PDF by headless Chromium, read back with
poppler-utils. It asserts what the print rule in outputs/report.c promises:

- every page is A4 portrait (595 × 842 pt, within 1.5 pt);
- a table that runs over several pages (the demo's 居村 table does; the test fails if none does,
  since it would then prove nothing) has its header row on every page holding its rows, above them;
- no section heading (h2) ends a page;
- each map is one image on a page of its own with its caption, never cut (an image drawn on two
  pages would be listed twice), and as wide as the text (A4 less the 12 mm margins, within 2 %);
- the map shows streets (pixels of the street grey of outputs/style_int.h in the printed image).

Expected values come from the page geometry (A4, the @page margins) and from the report's own
HTML (its tables, headings and figures), not from a previous PDF. Skipped (exit 77), saying why,
where chromium or poppler-utils is not installed (scripts/install-deps.sh installs both).
Environment (tests/meson.build): LC_CLI, LC_SOURCE_DIR.
"""
import html as htmllib
import os
import re
import shutil
import subprocess
import sys
import tempfile

A4 = (595.28, 841.89)           # points
TEXT_WIDTH = A4[0] - 2 * 12 / 25.4 * 72  # @page margin 14mm 12mm 16mm: 12 mm left and right


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)


def clean(fragment):
    """The text of an HTML fragment: tags dropped, entities decoded, white space folded."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def main():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        skip("chromium is not installed (Debian: apt-get install chromium; scripts/install-deps.sh)")
    for tool in ("pdfinfo", "pdftotext", "pdfimages"):
        if not shutil.which(tool):
            skip(tool + " is not installed (Debian: apt-get install poppler-utils; scripts/install-deps.sh)")
    lc, src = os.environ["LC_CLI"], os.environ["LC_SOURCE_DIR"]
    tmp = tempfile.mkdtemp(prefix="lifecircle-print-")
    try:
        check(lc, src, chromium, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check(lc, src, chromium, tmp):
    out, rep = os.path.join(tmp, "out"), os.path.join(tmp, "report")
    r = run([lc, "check", os.path.join(src, "data", "demo", "porto.yml"), "-o", out, "--report", rep])
    assert r.returncode in (0, 1), "check failed (exit %d): %s" % (r.returncode, r.stderr)
    page = os.path.join(rep, "report.html")
    pdf = os.path.join(tmp, "report.pdf")
    r = run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--user-data-dir=" + os.path.join(tmp, "chromium"), "--print-to-pdf=" + pdf,
             "--no-pdf-header-footer", "file://" + page])
    assert os.path.exists(pdf) and os.path.getsize(pdf) > 0, "chromium printed nothing: %s" % r.stderr[-2000:]
    text = open(page, encoding="utf-8").read()

    # A4 portrait, every page.
    info = run(["pdfinfo", "-f", "1", "-l", "9999", pdf]).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    npages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert len(sizes) == npages and npages > 1, info
    for w, h in sizes:
        assert abs(float(w) - A4[0]) < 1.5 and abs(float(h) - A4[1]) < 1.5, "a page is %s x %s pt, not A4" % (w, h)
    pages = [run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), pdf, "-"]).stdout.splitlines()
             for i in range(1, npages + 1)]
    pages = [[line for line in p if line.strip()] for p in pages]

    # Tables over several pages: the header row on each of them, above the rows.
    spanning = 0
    for table in re.findall(r"<table>\n(.*?)</table>", text, re.S):
        first = re.search(r"<tr>(.*?)</tr>", table, re.S)  # the header row (with or without a thead)
        if not first or "<th" not in first.group(1):
            continue
        head, body = first.group(1), table[first.end():]
        ths = [clean(t) for t in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
        # Rows of units (a 街镇, district or committee): name, then its id in English, and residents.
        rows = re.findall(r'<tr data-[a-z]+="[^"]*"><td>([^<]*)<span class="en">[^<]*</span></td>.*?'
                          r'<td class="num">([^<]*)</td>', body)
        if len(ths) < 2 or not rows:
            continue
        header = re.compile(re.escape(ths[0].split()[0]) + r"\s.*" + re.escape(ths[1].split()[0]))
        where, lost = {}, 0
        for name, pop in rows:
            row = re.compile(re.escape(name.strip()) + r"\s.*\s" + re.escape(pop) + r"(\s|$)")
            hits = [(i, k) for i, p in enumerate(pages) for k, line in enumerate(p) if row.search(line)]
            if hits:
                where.setdefault(hits[0][0], []).append(hits[0][1])
            lost += not hits
        if lost:  # a narrow first column wraps the names (the 街镇 table's): its rows cannot be told apart
            print("print: table headed %s not checked (%d of %d rows wrapped)" % (ths[:2], lost, len(rows)))
            continue
        if len(where) > 1:
            spanning += 1
        for i, lines in where.items():
            heads = [k for k, line in enumerate(pages[i]) if header.search(line)]
            assert heads and heads[0] < min(lines), \
                "page %d holds rows of the table headed %s without its header row above them" % (i + 1, ths[:2])
    assert spanning, "no table of the demo's report runs over two pages: the header check proved nothing"

    # No section heading at the foot of a page.
    for h2 in re.findall(r"<h2>(.*?)</h2>", text, re.S):
        first = clean(h2).split()[0]
        for i, p in enumerate(pages):
            if p and first in p[-1] and not any(first in line for line in p[:-1]):
                raise AssertionError("the heading %r ends page %d" % (clean(h2), i + 1))

    # Maps: one image a page, on the page of its caption, whole, as wide as the text.
    captions = [clean(c) for c in re.findall(r"<figcaption>(.*?)</figcaption>", text, re.S)]
    images = [line.split() for line in run(["pdfimages", "-list", pdf]).stdout.splitlines()[2:] if line.strip()]
    assert len(images) == len(captions) > 0, "%d maps in the report, %d images in the PDF" % (len(captions), len(images))
    on = [int(im[0]) for im in images]
    assert len(set(on)) == len(on), "two maps share a page, or one is drawn on two: pages %s" % on
    for (cap, im) in zip(captions, images):
        pg = int(im[0])
        assert any(cap.split(" · ")[0] in line for line in pages[pg - 1]), "map %r is not on the page of its caption" % cap
        width_pt = int(im[3]) / float(im[12]) * 72  # pixels / x-ppi
        assert abs(width_pt - TEXT_WIDTH) < 0.02 * TEXT_WIDTH, "map %r is %.0f pt wide, not the text's %.0f" % (
            cap, width_pt, TEXT_WIDTH)

    # The map shows streets: the demo's roads layer drawn under the compounds in the street grey
    # (lc_style_street, outputs/style_int.h: 178, 178, 178), a colour nothing else on a map uses. The
    # first map as printed, read back raw (pdfimages -ppm: P6, maxval 255), must hold many such pixels.
    first = int(images[0][0])
    run(["pdfimages", "-f", str(first), "-l", str(first), pdf, os.path.join(tmp, "map")])
    ppm = open(os.path.join(tmp, "map-000.ppm"), "rb").read()
    magic, dims, maxval, raster = ppm.split(b"\n", 3)
    assert magic == b"P6" and maxval == b"255", "pdfimages wrote %r %r" % (magic, maxval)
    grey = sum(1 for i in range(0, len(raster) - 2, 3) if raster[i:i + 3] == b"\xb2\xb2\xb2")
    assert grey > 1000, "the printed map shows no streets: %d street-grey pixels" % grey
    print("print: %d A4 pages, %d table(s) over several pages with their header on each, %d maps whole, "
          "%d street pixels on the first map" % (npages, spanning, len(captions), grey))


if __name__ == "__main__":
    main()
