#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: install the dependencies, build, and run the demo
# (`lifecircle validate` and `lifecircle check --report` on the bundled Porto sample data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build
meson compile -C build
echo
build/cli/lifecircle validate data/demo/porto.yml
echo
# check exits 1 when a norm fails (the sample data fails several): that is a result, not an error.
build/cli/lifecircle check data/demo/porto.yml -o out/porto --report out/porto-report --overwrite || [ $? -eq 1 ]
echo "Results in out/porto (open the .shp files in QGIS or ArcGIS; each has a .qml style beside it)."
echo "Report in out/porto-report/report.html (open it in a browser; A3 PDF maps beside it)."
