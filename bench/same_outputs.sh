#!/usr/bin/env bash
# bench/same_outputs.sh — writes every kind of output the command makes on the demo (check in both
# modes and formats, site with both solvers and modes, isochrones, the report) with one build
# into one directory, so that a refactoring can be shown to change no byte: run it with the build
# before and after, then `diff -r` the two directories (issue 18). Not run by CI (a minute or two).
# Usage: bench/same_outputs.sh LIFECIRCLE_BINARY OUT_DIR [STUDY]
set -euo pipefail
lc=$(realpath "$1"); out=$2; study=$(realpath "${3:-$(dirname "$0")/../data/demo/porto.yml}")
rm -rf "$out"; mkdir -p "$out"; cd "$out"
# Relative output names, so the console's "Results" lines match; the run time is left out.
run() {
    local name=$1; shift
    "$lc" "$@" -o "$name" >"$name.stdout" 2>"$name.stderr.raw" || echo "exit $?" >>"$name.stdout"
    grep -v ' done in ' "$name.stderr.raw" >"$name.stderr" || true
    rm -f "$name.stderr.raw"
}
run check-straight check "$study"
run check-straight-gpkg check "$study" --format gpkg --report report-straight
run check-network check "$study" --mode network --format gpkg
run site-greedy site "$study" -k 3
run site-exact site "$study" -k 3 --solver exact --format gpkg
run site-lscp site "$study" --objective lscp --target 0.9
run site-units site "$study" --objective units --category canteen
run site-network site "$study" --mode network -k 3 --format gpkg
run isochrones isochrones "$study" --category centre
echo "outputs in $out"
