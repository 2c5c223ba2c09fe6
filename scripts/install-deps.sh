#!/usr/bin/env bash
# Installs every Debian 12 package lifecircle needs to build, test and regenerate its demo data.
# The one list of dependencies: .ci/run and the README's quick start both call this script.
# clang and its runtime (libclang-rt-14-dev: libFuzzer) build the fuzz targets (fuzz/meson.build).
# --qgis also installs what the QGIS provider's tests need (QGIS 3.22 with PyQGIS and qgis_process)
# and what the print test needs (headless Chromium and poppler-utils: tests/test_print.py); CI passes
# it; a planner's machine installs QGIS its own way.
set -euo pipefail
with_qgis=0
for arg in "$@"; do
  case "$arg" in
    --qgis) with_qgis=1 ;;
    *) echo "install-deps: unknown option '$arg' (--qgis)" >&2; exit 2 ;;
  esac
done
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential pkg-config meson ninja-build \
  libgdal-dev gdal-bin libproj-dev proj-bin proj-data libgeos-dev \
  libyaml-dev libjansson-dev libssl-dev libpq-dev libsqlite3-dev libglpk-dev check libxml2-dev \
  python3 python3-gdal valgrind clang libclang-rt-14-dev \
  libcairo2-dev fonts-noto-cjk libmimalloc-dev \
  postgresql-15 postgresql-15-postgis-3 postgis >/dev/null   # the PostGIS tests' own server
if [ "$with_qgis" = 1 ]; then
  # No recommends: qgis_process and PyQGIS need neither the GRASS plugin nor the rest.
  $SUDO apt-get install -y -qq --no-install-recommends qgis python3-qgis qgis-providers >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends chromium poppler-utils >/dev/null
fi
echo "install-deps: done"
