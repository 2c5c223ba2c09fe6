#!/usr/bin/env bash
# Builds the QGIS plugin zip for QGIS's plugin manager (Plugins > Manage and Install Plugins >
# Install from ZIP): qgis/lifecircle_processing/ as lifecircle_processing/ inside
# dist/lifecircle_processing-<version>.zip, the version the toolkit's (meson.build), which
# metadata.txt must state too. Entries sorted, dated 2000-01-01: the same sources give the same bytes.
# Usage: scripts/build-qgis-plugin.sh [OUTPUT_DIR]   (default dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
version=$(sed -n "s/^ *version : '\([^']*\)'.*/\1/p" meson.build | head -1)
plugin_version=$(sed -n 's/^version=//p' qgis/lifecircle_processing/metadata.txt)
if [ "$version" != "$plugin_version" ]; then
  echo "build-qgis-plugin: qgis/lifecircle_processing/metadata.txt says version $plugin_version," \
       "meson.build $version: make them agree" >&2
  exit 2
fi
mkdir -p "$out"
zip="$out/lifecircle_processing-$version.zip"
python3 - "$zip" <<'PY'
import os, sys, zipfile
zip_path = sys.argv[1]
src = os.path.join('qgis', 'lifecircle_processing')
names = sorted(n for n in os.listdir(src)
               if not n.startswith('.') and n != '__pycache__' and not n.endswith(('.pyc', '~')))
tmp = zip_path + '.tmp'
with zipfile.ZipFile(tmp, 'w', zipfile.ZIP_DEFLATED) as z:
    for n in names:
        info = zipfile.ZipInfo('lifecircle_processing/' + n, date_time=(2000, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(os.path.join(src, n), 'rb') as f:
            z.writestr(info, f.read())
os.replace(tmp, zip_path)  # a failed build leaves no half-written zip
PY
echo "$zip"
