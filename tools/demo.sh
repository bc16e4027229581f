#!/usr/bin/env bash
# The demo: installs what is needed, builds libarmoede, generates the synthetic city
# (deterministic, seed 20240101) with its scheme registrations, debt cases and surveys, and runs
# the four Groningen monitors on it: trend (impact), outcome, survey and process.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
syn=data/synthetic
city=$syn/groningen_2016_2024.csv.gz
mkdir -p "$syn"
if [ ! -f "$city" ]; then
  echo "demo: generating the synthetic city into $city" >&2
  build/tools/armoede-gencity --seed 20240101 -o "$city"
fi
if [ ! -f "$syn/registrations.csv.gz" ] || [ ! -f "$syn/debt_cases.csv.gz" ]; then
  echo "demo: generating scheme registrations and debt-assistance cases into $syn" >&2
  build/tools/armoede-genoutcome --seed 20240101 -o "$syn" "$city"
fi
if [ ! -f "$syn/survey/klantervaring.csv" ] || [ ! -f "$syn/survey/wijkenquete.csv" ]; then
  echo "demo: generating the district and client-experience surveys into $syn/survey" >&2
  build/tools/armoede-gensurvey --seed 1 --city "$city" -o "$syn/survey"
fi
# The process records (cases, participation, spending, ...) ship in data/groningen/synthetic
# (made by build/tools/armoede-genprocess -o data/groningen/synthetic).
mkdir -p out/groningen
for m in trendmonitor outcomemonitor surveymonitor processmonitor; do
  echo "demo: $m" >&2
  build/tools/armoede --quiet "examples/groningen/$m.ini"
  echo "demo: out/groningen/$m.csv (tidy CSV) and out/groningen/$m.json"
done
