#!/bin/sh
# tests/qgis/run.sh — runs one of the QGIS test scripts (tests/qgis/test_*.py) with the Python QGIS
# uses (Debian's /usr/bin/python3 and python3-qgis), headless, in a throwaway QGIS profile, the
# plugin found through QGIS_PLUGINPATH. Exits 77 (meson: skipped) when QGIS is not installed.
# Usage: run.sh test_provider.py   (LIFECIRCLE and LC_SOURCE_DIR set by meson)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${LC_QGIS_PYTHON:-/usr/bin/python3}
if [ "$1" != test_command.py ]; then
  "$py" -c 'import qgis.core' 2>/dev/null || { echo "QGIS (python3-qgis) not installed: skipped"; exit 77; }
fi
# Debian's qgis_process wrapper passes --noversioncheck, which 3.22's qgis_process refuses: call
# the binary itself.
if [ -x /usr/bin/qgis_process.bin ]; then QGIS_PROCESS=/usr/bin/qgis_process.bin; else QGIS_PROCESS=qgis_process; fi
profile=$(mktemp -d "${TMPDIR:-/tmp}/lc-qgis-profile-XXXXXX")
trap 'rm -rf "$profile"' EXIT
mkdir -m 700 "$profile/run"
export QGIS_PROCESS HOME="$profile" XDG_RUNTIME_DIR="$profile/run" XDG_CONFIG_HOME="$profile/config" \
  XDG_DATA_HOME="$profile/data" QT_QPA_PLATFORM=offscreen QGIS_PLUGINPATH="$LC_SOURCE_DIR/qgis" \
  PYTHONDONTWRITEBYTECODE=1
exec "$py" "$here/$1"
