#!/usr/bin/env bash
# bench/survey: a weighted share over 1,000 domains of 200,000 stratified,
# clustered respondents, R survey's svyby against armoede_survey_share, the
# results compared domain by domain. See bench/survey/README.md.
# Environment (optional): SURVEY_BUILD_DIR (a meson build of libarmoede whose
# lib/libarmoede.a is linked; default <repo>/build), SURVEY_DATA_DIR (default
# a new temporary directory), SURVEY_N, SURVEY_DOMAINS, SURVEY_STRATA,
# SURVEY_PSUS (200000, 1000, 50, 20), SURVEY_REPEATS (10).
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${SURVEY_BUILD_DIR:-$root/build}
data=${SURVEY_DATA_DIR:-$(mktemp -d /tmp/armoede-bench-survey-XXXXXX)}
mkdir -p "$data"
[ -f "$build/lib/libarmoede.a" ] || { echo "no $build/lib/libarmoede.a: build libarmoede first (meson setup $build && ninja -C $build)"; exit 2; }
cc -O2 -std=c11 -Wall -Wextra -Wpedantic -I"$root/include" "$here/bench_survey.c" "$build/lib/libarmoede.a" \
  $(pkg-config --libs gsl zlib) -lm -lpthread -o "$data/bench_survey"
Rscript "$here/svyby.R" "$data" "${SURVEY_N:-200000}" "${SURVEY_DOMAINS:-1000}" "${SURVEY_STRATA:-50}" "${SURVEY_PSUS:-20}"
"$data/bench_survey" "$data" "${SURVEY_REPEATS:-10}"
echo "data and results in $data"
