#!/usr/bin/env bash
# Renders a lifecircle report in headless Chromium (Debian package `chromium`, not a CI dependency)
# and saves a screenshot, to look at the report as a browser shows it.
# Usage: scripts/report-screenshot.sh REPORT_DIR [OUT.png] [HEIGHT_PX=6000]
set -euo pipefail
dir=${1:?usage: scripts/report-screenshot.sh REPORT_DIR [OUT.png] [HEIGHT_PX]}
out=${2:-$dir/report-screenshot.png}
height=${3:-6000}
html=$(realpath "$dir/report.html")
command -v chromium >/dev/null || { echo "report-screenshot: install Debian's chromium first" >&2; exit 2; }
# --no-sandbox: CI and containers run as root; the page is our own local file. No network is used.
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,"$height" \
  --screenshot="$(realpath -m "$out")" "file://$html" 2>/dev/null
echo "report-screenshot: $out"
