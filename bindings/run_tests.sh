#!/usr/bin/env bash
# Build and test the Python and R bindings against a meson build directory.
#   bindings/run_tests.sh BUILD_DIR [ASAN_BUILD_DIR]
# Builds BUILD_DIR (libarmoede, the tools, the Python extension), installs the
# R package into BUILD_DIR/bindings/r/library, runs the pytest suite
# (bindings/python/tests) and the testthat suite (bindings/r/armoede/tests),
# prints one line per suite and a last line "N passed, N failed" (test cases
# of both suites), and exits non-zero on any failure. With ASAN_BUILD_DIR (a
# build with -Db_sanitize=address,undefined -Db_lundef=false) both suites also
# run under AddressSanitizer + UBSan (the R package compiled with them), and
# 100,000 calls from each language under the leak checker must leave no leak
# allocated by libarmoede or the bindings.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run_tests.sh BUILD_DIR}" && pwd) || exit 1
src=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
      "$build/meson-info/meson-info.json") || { echo "FAIL bindings: $build is not a meson build dir"; echo "0 passed, 1 failed"; exit 1; }
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0
failed=0
export ARMOEDE_BUILD_DIR=$build ARMOEDE_SOURCE_DIR=$src

if ! ninja -C "$build" -j2 >"$log/ninja.txt" 2>&1; then
  tail -30 "$log/ninja.txt"; echo "FAIL bindings: the build failed"; echo "0 passed, 1 failed"; exit 1
fi

# ---- Python: pytest ----
# run_pytest LABEL BUILD_DIR TIMEOUT [env assignments...]: runs the suite
# against BUILD_DIR's extension, counts test cases; 0 when it passed
run_pytest() {
  local label=$1 dir=$2 secs=$3 out=$log/pytest$1.txt rc p f e
  shift 3
  env "$@" PYTHONPATH="$dir/bindings/python" PYTHONDONTWRITEBYTECODE=1 timeout "$secs" /usr/bin/python3 -m pytest -q \
      -p no:cacheprovider "$here/python/tests" >"$out" 2>&1
  rc=$?
  summary=$(tail -1 "$out")
  p=$(grep -o '[0-9]* passed' <<<"$summary" | grep -o '[0-9]*' || true); p=${p:-0}
  f=$(grep -o '[0-9]* failed' <<<"$summary" | grep -o '[0-9]*' || true); f=${f:-0}
  e=$(grep -o '[0-9]* error' <<<"$summary" | grep -o '[0-9]*' || true); f=$((f + ${e:-0}))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if grep -q "ERROR: AddressSanitizer\|runtime error:" "$out"; then f=$((f + 1)); fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -gt 0 ]; then echo "FAIL python pytest$label: $p passed, $f failed"; tail -40 "$out"; return 1; fi
  echo "ok   python pytest$label: $p passed"
}
pyok=0
if ls "$build"/bindings/python/armoede/_core*.so >/dev/null 2>&1; then
  run_pytest "" "$build" 1200 && pyok=1
else
  echo "FAIL python: the extension was not built (swig, /usr/bin/python3 with numpy needed)"; failed=$((failed + 1))
fi

# ---- R: testthat ----
# run_testthat LABEL R_LIBRARY [env assignments...]: runs the suite, counts test blocks
run_testthat() {
  local label=$1 lib=$2 out=$log/testthat-$1.txt rc p f
  shift 2
  (cd "$here/r/armoede/tests" && env "$@" R_LIBS="$lib" timeout 1800 Rscript -e '
    suppressMessages({library(testthat); library(armoede)})
    res <- as.data.frame(test_dir("testthat", reporter = "silent", stop_on_failure = FALSE))
    bad <- res$failed > 0 | res$error
    cat(sprintf("TESTTHAT %d %d\n", sum(!bad & !res$skipped), sum(bad)))
    for (i in which(bad)) cat(sprintf("not ok %s: %s\n", res$file[i], res$test[i]))
  ') >"$out" 2>&1
  rc=$?
  read -r p f < <(grep '^TESTTHAT' "$out" | awk '{print $2, $3}') || true
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if grep -q "ERROR: AddressSanitizer\|runtime error:" "$out"; then f=$((f + 1)); fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -gt 0 ]; then echo "FAIL r testthat$label: $p passed, $f failed"; tail -40 "$out"
  else echo "ok   r testthat$label: $p passed"; fi
}
rlib=$build/bindings/r/library
if "$here/r/install.sh" "$build" "$rlib" >"$log/rinstall.txt" 2>&1; then
  run_testthat "" "$rlib"
else
  tail -30 "$log/rinstall.txt"; echo "FAIL r: R CMD INSTALL failed"; failed=$((failed + 1))
fi

# ---- Python under AddressSanitizer + UBSan, and the leak checker ----
# leak_verdict LANG LOG MODULE_RE: a leak checker run passed when it did its
# calls and no leak report has a frame in MODULE_RE (the extension or the R
# package), libarmoede or a function of ours (amb_*, armoede_*, am_*).
leak_verdict() {
  local ours="($3|libarmoede| in (amb|armoede|am)_)"
  if grep -q "calls done" "$2" && ! grep -Eq "$ours" "$2"; then
    echo "ok   $1 leak check (asan): 100,000 calls, no leak of ours"; passed=$((passed + 1))
  else
    echo "FAIL $1 leak check (asan)"; grep -B2 -A12 -E "$ours" "$2" | head -60
    tail -5 "$2"; failed=$((failed + 1))
  fi
}
if [ -n "${2:-}" ]; then
  asan=$(cd "$2" && pwd)
  preload="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
  if ninja -C "$asan" -j2 >"$log/ninja-asan.txt" 2>&1 && ls "$asan"/bindings/python/armoede/_core*.so >/dev/null 2>&1; then
    run_pytest " (asan+ubsan)" "$asan" 1800 LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ARMOEDE_ASAN=1 ARMOEDE_BUILD_DIR="$asan"
    # Python itself leaves blocks allocated at exit; a leak of ours has a frame in
    # the extension or the library (amb_*, armoede_*, am_*, _core).
    LD_PRELOAD=$preload ASAN_OPTIONS=detect_leaks=1 PYTHONPATH=$asan/bindings/python \
      timeout 1800 /usr/bin/python3 "$here/python/tests/leak_check.py" >"$log/leak.txt" 2>&1
    leak_verdict python "$log/leak.txt" '_core\.cpython'
  else
    tail -30 "$log/ninja-asan.txt"; echo "FAIL python (asan): the build failed"; failed=$((failed + 1))
  fi
  # R: the package compiled with the sanitizers against the ASan libarmoede.a
  arlib=$asan/bindings/r/library
  if ARMOEDE_SANITIZE=address,undefined "$here/r/install.sh" "$asan" "$arlib" >"$log/rinstall-asan.txt" 2>&1; then
    run_testthat " (asan+ubsan)" "$arlib" LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ARMOEDE_ASAN=1 ARMOEDE_BUILD_DIR="$asan"
    (cd "$here/r" && LD_PRELOAD=$preload ASAN_OPTIONS=detect_leaks=1 R_LIBS=$arlib timeout 1800 \
       Rscript leak_check.R armoede/tests/testthat) >"$log/rleak.txt" 2>&1
    leak_verdict r "$log/rleak.txt" 'armoede\.so'
  else
    tail -30 "$log/rinstall-asan.txt"; echo "FAIL r (asan): R CMD INSTALL failed"; failed=$((failed + 1))
  fi
fi

# ---- the examples (examples/python, examples/r) on a small synthetic city ----
ex=$log/ex
mkdir -p "$ex/data/synthetic" "$ex/examples/groningen" "$ex/examples/python" "$ex/examples/r"
cp "$src/examples/groningen/trendmonitor.ini" "$ex/examples/groningen/"
cp "$src/data/norms_participatiewet.csv" "$ex/data/"
cp "$here/../examples/python/trendmonitor.py" "$ex/examples/python/"
cp "$here/../examples/r/trendmonitor.R" "$ex/examples/r/"
if "$build/tools/armoede-gencity" --seed 7 --households 3000 -o "$ex/data/synthetic/groningen_2016_2024.csv.gz" >/dev/null 2>&1 \
   && "$build/tools/armoede-genoutcome" --seed 7 --norms "$src/data/norms_participatiewet.csv" -o "$ex/data/synthetic" \
        "$ex/data/synthetic/groningen_2016_2024.csv.gz" >/dev/null 2>&1; then
  if [ "$pyok" -eq 1 ] && PYTHONPATH=$build/bindings/python /usr/bin/python3 "$ex/examples/python/trendmonitor.py" \
       >"$log/ex-py.txt" 2>&1 && [ -s "$ex/out/python/take_up.csv" ] && [ -s "$ex/out/python/trendmonitor.csv" ]; then
    echo "ok   examples/python/trendmonitor.py"; passed=$((passed + 1))
  else
    echo "FAIL examples/python/trendmonitor.py"; tail -20 "$log/ex-py.txt" 2>/dev/null; failed=$((failed + 1))
  fi
  if R_LIBS=$rlib Rscript "$ex/examples/r/trendmonitor.R" >"$log/ex-r.txt" 2>&1 \
       && [ -s "$ex/out/r/take_up.csv" ] && [ -s "$ex/out/r/trendmonitor.csv" ]; then
    echo "ok   examples/r/trendmonitor.R"; passed=$((passed + 1))
  else
    echo "FAIL examples/r/trendmonitor.R"; tail -20 "$log/ex-r.txt"; failed=$((failed + 1))
  fi
else
  echo "FAIL examples: armoede-gencity or armoede-genoutcome"; failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
