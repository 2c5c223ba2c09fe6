#!/usr/bin/env bash
# Benchmarks of the lifecircle command on the generated city and the demo data (not run by CI).
# Usage: bench/run.sh [BUILD_DIR]   (default build). The real-street cities of issue 13 have their own
# script, bench/run_real.py (per-step medians at K = 2, 5, 10, 16). Reports wall time and peak memory
# (/usr/bin/time -v) and, when hyperfine is installed, the mean of repeated runs.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cli="$build/cli/lifecircle"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -sr)"
/usr/bin/python3 bench/gen_city.py "$work/city" --residential 20000 --facilities 5000
run() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "$name: %e s wall, %M KiB peak" "$@" >/dev/null 2>"$work/time.txt" || true
  tail -1 "$work/time.txt"
}
run "validate city (20k residential, 5k facilities, 200 units)" "$cli" validate -q "$work/city/city.yml"
run "check city, straight-line, shapefile" "$cli" check -q "$work/city/city.yml" -o "$work/out-shp" --overwrite
run "check city, straight-line, gpkg" "$cli" check -q "$work/city/city.yml" -o "$work/out-gpkg" --format gpkg --overwrite
run "check demo (Porto)" "$cli" check -q data/demo/porto.yml -o "$work/out-demo" --overwrite
run "check demo (Porto), network mode" "$cli" check -q data/demo/porto.yml -o "$work/out-demo-net" --overwrite --mode network
# Walking network at city scale: a generated grid of >= 1,000,000 edges; per-step times.
/usr/bin/python3 bench/gen_city.py "$work/citynet" --residential 20000 --facilities 5000 --road-edges 1000000
/usr/bin/time -f "bench-network city: %e s wall, %M KiB peak" "$build/bench/bench-network" "$work/citynet/city.yml" || true
run "check city, network mode, gpkg (1M edges, 20k compounds, 5k facilities)" "$cli" check -q "$work/citynet/city.yml" \
  -o "$work/out-net" --format gpkg --overwrite --mode network
# The other real extracts beside porto: data/demo/build_demo.py builds the same layers from them (its
# checks are Porto's and fail there, the layers are still written); CRS auto (UTM 31N/32N).
for n in monaco andorra; do
  pbf=../shared/data/osm/$n.osm.pbf
  [ -f "$pbf" ] || continue
  /usr/bin/python3 data/demo/build_demo.py "$pbf" "$work/$n.gpkg" >/dev/null 2>&1 || true
  [ -f "$work/$n.gpkg" ] || continue
  sed -e "s|porto.gpkg|$work/$n.gpkg|" -e 's/^crs: .*/crs: auto/' data/demo/porto.yml >"$work/$n.yml"
  "$build/bench/bench-network" "$work/$n.yml" 2>&1 | sed "s/^/$n: /" || true
  run "check $n, network mode, gpkg" "$cli" check -q "$work/$n.yml" -o "$work/out-$n" --format gpkg --overwrite --mode network
done
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 3 -i "$cli check -q $work/city/city.yml -o $work/out-h --overwrite"
fi
