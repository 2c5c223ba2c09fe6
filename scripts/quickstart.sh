#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: install the dependencies, build, and run the demo
# (`lifecircle validate` on the bundled Porto sample data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build
meson compile -C build
echo
build/cli/lifecircle validate data/demo/porto.yml
