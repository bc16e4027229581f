#!/usr/bin/env bash
# The demo: installs what is needed, builds libarmoede, generates the synthetic city
# (deterministic, seed 20240101) and runs the Groningen trend monitor on it.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
data=data/synthetic/groningen_2016_2024.csv.gz
if [ ! -f "$data" ]; then
  mkdir -p data/synthetic
  echo "demo: generating the synthetic city into $data" >&2
  build/tools/armoede-gencity --seed 20240101 -o "$data"
fi
mkdir -p out/groningen
build/tools/armoede examples/groningen/trendmonitor.ini
echo
echo "demo: the trend monitor is in out/groningen/trendmonitor.csv (tidy CSV) and out/groningen/trendmonitor.json"
