#!/usr/bin/env bash
# Builds libarmoede twice (release, and debug with AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs every test suite in both builds.
# Ends with one line "N passed, N failed" over all suites; exits non-zero on
# any failure (a test that fails, a test program that crashes, or no tests).
set -uo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh || { echo "test: installing dependencies failed" >&2; exit 1; }

passed=0
failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

build() { # dir, meson options...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"$log/setup-$dir.txt" 2>&1 || { cat "$log/setup-$dir.txt"; return 1; }
  fi
  ninja -C "$dir" >"$log/ninja-$dir.txt" 2>&1 || { cat "$log/ninja-$dir.txt"; return 1; }
}

# Run one cmocka program with TAP output and count its test cases.
run_cmocka() { # label, program
  local label=$1 prog=$2 out rc p f
  out="$log/$(basename "$prog")-$label.tap"
  (cd "$(dirname "$prog")" && CMOCKA_MESSAGE_OUTPUT=TAP \
     ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     timeout 900 "./$(basename "$prog")") >"$out" 2>&1
  rc=$?
  p=$(grep -c '^ok ' "$out")
  f=$(grep -c '^not ok ' "$out")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer report
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi    # ran nothing
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -gt 0 ]; then
    echo "FAIL $label $(basename "$prog"): $p passed, $f failed (exit $rc)"
    grep -v '^ok ' "$out" | tail -40
  else
    echo "ok   $label $(basename "$prog"): $p passed"
  fi
}

suite_c() { # label, build dir
  local label=$1 dir=$2 t
  for t in "$dir"/tests/test_*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    run_cmocka "$label" "$t"
  done
}

if build build --buildtype=release; then
  suite_c release build
else
  echo "FAIL: the release build failed"; failed=$((failed + 1))
fi
if build build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false; then
  suite_c asan+ubsan build-asan
else
  echo "FAIL: the sanitizer build failed"; failed=$((failed + 1))
fi

# The demo's four monitors must run end to end on a small synthetic city (the same configs,
# in a copy of the tree's layout).
if [ -x build/tools/armoede-gencity ] && [ -x build/tools/armoede ]; then
  tmp="$log/demo"; mkdir -p "$tmp/data/synthetic" "$tmp/examples/groningen" "$tmp/out/groningen"
  cp examples/groningen/*.ini "$tmp/examples/groningen/"
  cp data/*.csv "$tmp/data/"
  cp -r data/groningen "$tmp/data/"
  city="$tmp/data/synthetic/groningen_2016_2024.csv.gz"
  if build/tools/armoede-gencity --seed 7 --households 3000 -o "$city" 2>"$log/gencity.txt" \
     && build/tools/armoede-genoutcome --seed 7 --norms data/norms_participatiewet.csv -o "$tmp/data/synthetic" "$city" 2>"$log/genoutcome.txt" \
     && build/tools/armoede-gensurvey --seed 7 --city "$city" -o "$tmp/data/synthetic/survey" 2>"$log/gensurvey.txt"; then
    for m in trendmonitor outcomemonitor surveymonitor processmonitor; do
      if build/tools/armoede --quiet "$tmp/examples/groningen/$m.ini" >"$log/$m.txt" 2>&1 \
         && [ -s "$tmp/out/groningen/$m.csv" ] && [ -s "$tmp/out/groningen/$m.json" ] \
         && [ "$(wc -l <"$tmp/out/groningen/$m.csv")" -gt 10 ]; then
        echo "ok   demo: $m on a small synthetic city"; passed=$((passed + 1))
      else
        echo "FAIL demo: $m on a small synthetic city"; cat "$log/$m.txt"; failed=$((failed + 1))
      fi
    done
    grep -q suppressed "$tmp/out/groningen/trendmonitor.csv" \
      || { echo "FAIL demo: the trend monitor suppresses no cell"; failed=$((failed + 1)); }
  else
    echo "FAIL demo: generating the synthetic city"; cat "$log"/gen*.txt; failed=$((failed + 1))
  fi
fi

# The Python and R bindings: their pytest and testthat suites.
if [ -x bindings/run_tests.sh ]; then
  bindings/run_tests.sh build build-asan >"$log/bindings.txt" 2>&1
  rc=$?
  sed -n '/^ok \|^FAIL\|^not ok\|passed\|failed\|Error/p' "$log/bindings.txt" | tail -40
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log/bindings.txt" | tail -1)
  if [ -n "$summary" ]; then
    bp=${summary%% passed*}; bf=${summary#*passed, }; bf=${bf%% failed*}
    passed=$((passed + bp)); failed=$((failed + bf))
    [ "$rc" -ne 0 ] && [ "$bf" -eq 0 ] && failed=$((failed + 1))
  else
    echo "FAIL bindings: no summary line"; tail -30 "$log/bindings.txt"; failed=$((failed + 1))
  fi
fi

# The C examples compile against the installed pkg-config file and run.
if [ -f build/build.ninja ]; then
  inst="$log/inst"
  if meson install -C build --destdir "$inst" >"$log/install.txt" 2>&1; then
    pc=$(dirname "$(find "$inst" -name armoede.pc | head -1)")
    libdir=$(dirname "$pc")
    ok=1
    for ex in examples/c/minima.c; do
      exe="$log/$(basename "$ex" .c)"
      if ! PKG_CONFIG_SYSROOT_DIR="$inst" PKG_CONFIG_PATH="$pc" \
          sh -c 'cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$1" $(pkg-config --cflags --libs armoede) -o "$2"' _ "$ex" "$exe" \
        || ! LD_LIBRARY_PATH="$libdir" "$exe" "$tmp/data/synthetic/groningen_2016_2024.csv.gz" data/norms_participatiewet.csv | grep -q '^2024 '; then
        ok=0
      fi
    done
    awk '/^#include <armoede.h>/,/^}/' README.md > "$log/readme.c"
    PKG_CONFIG_SYSROOT_DIR="$inst" PKG_CONFIG_PATH="$pc" \
      sh -c 'cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$1" $(pkg-config --cflags --libs armoede) -o "$2"' _ "$log/readme.c" "$log/readme" || ok=0
    if [ $ok -eq 1 ]; then echo "ok   examples: compile against the installed armoede.pc and run"; passed=$((passed + 1))
    else echo "FAIL examples: compile against the installed armoede.pc and run"; failed=$((failed + 1)); fi
  else
    cat "$log/install.txt"; echo "FAIL install"; failed=$((failed + 1))
  fi
fi

echo
if [ $((passed + failed)) -eq 0 ]; then echo "no tests ran"; failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
