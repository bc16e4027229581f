#!/usr/bin/env bash
# libarmoede benchmark: build, generate national-size data, time libarmoede and its peers
# (zcat, R data.table, DuckDB) on the same files, compare their results cell by cell and
# print a table with the targets. See bench/README.md.
# Copyright (C) 2026 the libarmoede authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Environment (all optional):
#   BENCH_HOUSEHOLDS        households of the national file (one year)   [8000000]
#   BENCH_PANEL_HOUSEHOLDS  households of the panel file                 [1500000]
#   BENCH_PANEL_YEARS       years of the panel                           [10]
#   BENCH_SEED              generator seed                               [1]
#   BENCH_THREADS           threads for every tool                       [2]
#   BENCH_REPEATS           repeats of the in-memory steps (best taken)  [5 armoede, 3 peers]
#   BENCH_PEER_REPEATS      repeats of the peers' in-memory steps        [3]
#   BENCH_THRESHOLDS        thresholds (fractions of the norm)           [1.1,1.2]
#   BENCH_DURATIONS         spell lengths k for the panel                [1,4]
#   BENCH_DATASETS          which of "national panel" to run             [national panel]
#   BENCH_PEERS             which of "datatable duckdb" to run           [datatable duckdb]
#   BENCH_BUILD_DIR         meson build directory                        [<repo>/build-bench]
#   BENCH_DATA_DIR          cache of generated files and runs            [<repo>/bench/data]
#   BENCH_NO_BUILD=1        use the programs already built in BENCH_BUILD_DIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
H=${BENCH_HOUSEHOLDS:-8000000}
PH=${BENCH_PANEL_HOUSEHOLDS:-1500000}
PY=${BENCH_PANEL_YEARS:-10}
SEED=${BENCH_SEED:-1}
THREADS=${BENCH_THREADS:-2}
REPEATS=${BENCH_REPEATS:-5}
PEER_REPEATS=${BENCH_PEER_REPEATS:-3}
THRESHOLDS=${BENCH_THRESHOLDS:-1.1,1.2}
DURATIONS=${BENCH_DURATIONS:-1,4}
DATASETS=${BENCH_DATASETS:-national panel}
PEERS=${BENCH_PEERS:-datatable duckdb}
build=${BENCH_BUILD_DIR:-$root/build-bench}
data=${BENCH_DATA_DIR:-$here/data}
norms_csv=$root/data/norms_participatiewet.csv
PYTHON=/usr/bin/python3

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
note() { say "NOTE: $*"; printf '%s\n' "$*" >>"$run/notes.txt"; }

for v in H PH PY SEED THREADS REPEATS PEER_REPEATS; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ $THRESHOLDS =~ ^[0-9.]+(,[0-9.]+)*$ ]] || die "BENCH_THRESHOLDS: a list like 1.1,1.2"
[[ $DURATIONS =~ ^[0-9]+(,[0-9]+)*$ ]] || die "BENCH_DURATIONS: a list like 1,4"
[[ -f $norms_csv ]] || die "no norms file $norms_csv"
have meson || die "meson is not installed (apt-get install meson ninja-build)"
have zcat || die "zcat is not installed (apt-get install gzip)"
[[ -x $PYTHON ]] || die "$PYTHON is needed for the comparison and the table"
$PYTHON -c 'import pandas' 2>/dev/null || die "python3-pandas is needed (apt-get install python3-pandas)"

# --- build ----------------------------------------------------------------------------
if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  say "== build ($build)"
  if [[ ! -f $build/build.ninja ]]; then
    meson setup "$build" "$root" --buildtype=release >/dev/null || die "meson setup failed"
  else
    meson configure "$build" -Dbuildtype=release >/dev/null || die "meson configure failed"
  fi
  meson compile -C "$build" armoede-bench armoede-gencity >"$build/bench-compile.log" 2>&1 \
    || { tail -n 30 "$build/bench-compile.log" >&2; die "building armoede-bench and armoede-gencity failed (meson compile -C $build)"; }
fi
bench_bin=$build/bench/armoede-bench
gencity=$build/tools/armoede-gencity
[[ -x $bench_bin && -x $gencity ]] || die "built programs not found in $build"

run=$data/runs/$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
metrics=$run/metrics.txt
: >"$metrics"
: >"$run/notes.txt"
say "== run directory: $run"

# --- timing helpers --------------------------------------------------------------------
timer=()
if [[ -x /usr/bin/time ]]; then
  timer=(/usr/bin/time -v -o)
else
  note "/usr/bin/time is not installed (apt-get install time): peak memory from the tools' own reports"
fi
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
peak_of() { # KiB from a /usr/bin/time -v file, else from the tool's own peak_rss_kib line
  local f=$1 out=$2 v=""
  [[ -f $f ]] && v=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$f")
  [[ -z $v && -f $out ]] && v=$(sed -n 's/^peak_rss_kib=\([0-9]*\).*/\1/p' "$out" | tail -n1)
  printf '%s' "${v:-NA}"
}
# run_timed NAME CMD...: stdout to NAME.out, stderr to NAME.err, /usr/bin/time to NAME.time
run_timed() {
  local name=$1; shift
  if ((${#timer[@]})); then
    "${timer[@]}" "$run/$name.time" "$@" >"$run/$name.out" 2>"$run/$name.err"
  else
    "$@" >"$run/$name.out" 2>"$run/$name.err"
  fi
}

# --- data -------------------------------------------------------------------------------
mkdir -p "$data"
generate() { # generate FILE ARGS...: cached by name, written atomically
  local f=$1; shift
  if [[ -s $f ]]; then
    say "   cached: $f"
    return 0
  fi
  say "   generating $f ($*) ..."
  local tmp=$f.tmp.$$.csv.gz t0
  t0=$(now)
  if ! "$gencity" "$@" --seed "$SEED" --output "$tmp" >"$run/gencity.log" 2>&1; then
    rm -f "$tmp"
    cat "$run/gencity.log" >&2
    die "armoede-gencity failed"
  fi
  mv "$tmp" "$f"
  say "   generated in $(elapsed "$t0" "$(now)") s"
}
rawbytes() { # cached raw bytes of the used columns
  local dataset=$1 f=$2 cache=$2.rawbytes
  if [[ ! -s $cache || $cache -ot $f ]]; then
    "$bench_bin" rawbytes --data "$f" >"$cache.tmp" || die "counting raw bytes of $f failed"
    mv "$cache.tmp" "$cache"
  fi
  printf 'kind=rawbytes dataset=%s %s\n' "$dataset" "$(head -n1 "$cache" | sed 's/^step=rawbytes //')" >>"$metrics"
}

# --- peers' availability -----------------------------------------------------------------
use_dt=0 use_duck=0
if [[ " $PEERS " == *" datatable "* ]]; then
  if ! have Rscript; then
    note "data.table peer skipped: Rscript not found (apt-get install r-base-core r-cran-data.table)"
  elif ! Rscript -e 'suppressPackageStartupMessages(library(data.table))' >/dev/null 2>&1; then
    note "data.table peer skipped: the R package data.table is missing (apt-get install r-cran-data.table)"
  else
    use_dt=1
  fi
fi
if [[ " $PEERS " == *" duckdb "* ]]; then
  if ! have node; then
    note "DuckDB peer skipped: node not found (apt-get install nodejs npm)"
  else
    if [[ ! -d $here/node_modules/@duckdb/node-api ]]; then
      if have npm; then
        say "== installing @duckdb/node-api (npm ci --prefix bench)"
        # npm ci wants every platform's optional binding package in the lock file; where
        # the registry lacks some of them, npm install --no-save installs the same
        # versions without touching the lock file.
        npm ci --prefix "$here" --no-audit --no-fund >"$run/npm.log" 2>&1 \
          || npm install --prefix "$here" --no-audit --no-fund --no-save >>"$run/npm.log" 2>&1 \
          || note "npm ci and npm install failed (see $run/npm.log)"
      else
        note "npm not found: cannot install @duckdb/node-api"
      fi
    fi
    if (cd "$here" && node -e "import('@duckdb/node-api').then(() => process.exit(0), () => process.exit(1))") >/dev/null 2>&1; then
      use_duck=1
    else
      note "DuckDB peer skipped: @duckdb/node-api cannot be loaded (run: npm ci --prefix bench)"
    fi
  fi
fi

# --- one dataset --------------------------------------------------------------------------
bench_dataset() { # bench_dataset DATASET FILE MODE
  local dataset=$1 f=$2 mode=$3 t0 t1 rc
  local normsa=$run/norms_annual_$dataset.csv
  say "== $dataset: $f"
  rawbytes "$dataset" "$f"
  cat "$f" >/dev/null # the compressed file in the page cache for every tool alike

  # zcat alone: the floor of reading
  t0=$(now)
  if ((${#timer[@]})); then
    "${timer[@]}" "$run/zcat_$dataset.time" zcat "$f" >/dev/null
  else
    zcat "$f" >/dev/null
  fi
  t1=$(now)
  printf 'kind=zcat tool=zcat dataset=%s seconds=%s peak_kib=%s\n' "$dataset" \
    "$(elapsed "$t0" "$t1")" "$(peak_of "$run/zcat_$dataset.time" /dev/null)" >>"$metrics"
  say "   zcat: $(elapsed "$t0" "$t1") s"

  # libarmoede
  local extra=()
  [[ $mode == durations ]] && extra=(--durations "$DURATIONS")
  rc=0
  run_timed "armoede_$dataset" "$bench_bin" "$mode" --data "$f" --norms "$norms_csv" \
    --out "$run/result_armoede_$dataset.csv" --norms-out "$normsa" --thresholds "$THRESHOLDS" \
    --threads "$THREADS" --repeats "$REPEATS" "${extra[@]}" || rc=$?
  grep '^step=' "$run/armoede_$dataset.out" >>"$metrics" || true
  if ((rc != 0)); then
    cat "$run/armoede_$dataset.err" >&2
    note "armoede-bench $mode failed on $dataset (exit $rc): see $run/armoede_$dataset.err"
    return 0
  fi
  printf 'kind=proc tool=armoede dataset=%s peak_kib=%s\n' "$dataset" \
    "$(peak_of "$run/armoede_$dataset.time" "$run/armoede_$dataset.out")" >>"$metrics"
  sed 's/^/   /' "$run/armoede_$dataset.out" >&2

  # peers
  local peer cmd
  for peer in datatable duckdb; do
    if [[ $peer == datatable ]]; then
      ((use_dt)) || continue
      cmd=(Rscript "$here/peers/datatable.R")
    else
      ((use_duck)) || continue
      cmd=(node "$here/peers/duckdb.mjs")
    fi
    rc=0
    run_timed "${peer}_$dataset" "${cmd[@]}" "$mode" "$f" "$normsa" \
      "$run/result_${peer}_$dataset.csv" "$THRESHOLDS" "$THREADS" "$PEER_REPEATS" \
      "$DURATIONS" || rc=$?
    grep '^step=' "$run/${peer}_$dataset.out" >>"$metrics" || true
    if ((rc != 0)); then
      note "$peer failed on $dataset (exit $rc), skipped: see $run/${peer}_$dataset.err"
      tail -n 5 "$run/${peer}_$dataset.err" >&2 || true
      continue
    fi
    printf 'kind=proc tool=%s dataset=%s peak_kib=%s\n' "$peer" "$dataset" \
      "$(peak_of "$run/${peer}_$dataset.time" "$run/${peer}_$dataset.out")" >>"$metrics"
    sed 's/^/   /' "$run/${peer}_$dataset.out" >&2
    rc=0
    $PYTHON "$here/compare.py" "$run/result_armoede_$dataset.csv" \
      "$run/result_${peer}_$dataset.csv" >"$run/compare_${peer}_$dataset.txt" 2>&1 || rc=$?
    say "   compare armoede vs $peer: $(head -n1 "$run/compare_${peer}_$dataset.txt")"
    ((rc == 0)) || sed -n '2,12p' "$run/compare_${peer}_$dataset.txt" >&2
    printf 'kind=compare tool=%s dataset=%s %s\n' "$peer" "$dataset" \
      "$(head -n1 "$run/compare_${peer}_$dataset.txt" | tr -cd '[:alnum:]=_ .-')" >>"$metrics"
  done
}

say "== data ($data)"
# The cache key: sizes, seed and the generator's source (its output changes with it).
gsrc=$root/tools/gencity/gencity.c
gver=nosrc
if [[ -f $gsrc ]] && have sha1sum; then gver=$(sha1sum "$gsrc" | cut -c1-8); fi
if [[ " $DATASETS " == *" national "* ]]; then
  national=$data/national_h${H}_s${SEED}_g${gver}.csv.gz
  generate "$national" --national --households "$H"
fi
if [[ " $DATASETS " == *" panel "* ]]; then
  panel=$data/panel_h${PH}_y${PY}_s${SEED}_g${gver}.csv.gz
  generate "$panel" --panel --households "$PH" --years "$PY"
fi
if [[ " $DATASETS " == *" national "* ]]; then bench_dataset national "$national" minima; fi
if [[ " $DATASETS " == *" panel "* ]]; then bench_dataset panel "$panel" durations; fi

{
  echo
  echo "libarmoede benchmark: national $H households (seed $SEED), panel $PH households x $PY years;"
  echo "threads $THREADS, thresholds $THRESHOLDS, durations $DURATIONS, best of $REPEATS (armoede) / $PEER_REPEATS (peers)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); run directory: $run"
  echo
  $PYTHON "$here/report.py" "$metrics"
  if [[ -s $run/notes.txt ]]; then
    echo
    echo "Notes:"
    sed 's/^/  /' "$run/notes.txt"
  fi
} | tee "$run/report.txt"
