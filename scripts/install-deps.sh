#!/usr/bin/env bash
# Installs every Debian 12 package lifecircle needs to build, test and regenerate its demo data.
# The one list of dependencies: .ci/run and the README's quick start both call this script.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential pkg-config meson ninja-build \
  libgdal-dev gdal-bin libproj-dev proj-bin proj-data libgeos-dev \
  libyaml-dev libjansson-dev libssl-dev libglpk-dev check libxml2-dev \
  python3 python3-gdal valgrind \
  libcairo2-dev fonts-noto-cjk libmimalloc-dev \
  postgresql-15 postgresql-15-postgis-3 postgis >/dev/null   # the PostGIS tests' own server
echo "install-deps: done"
