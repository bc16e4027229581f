#!/usr/bin/env bash
# Installs the Debian 12 packages libarmoede needs to build, test and run its demo.
# Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail
# build: compiler, meson, GSL, zlib, cmocka; the bindings: SWIG, Python (numpy, pandas, pytest,
# meson-python) and R (testthat); the agreement tests: R's laeken and survey packages.
pkgs=(gcc pkg-config meson ninja-build libgsl-dev zlib1g-dev libcmocka-dev python3
      swig python3-dev python3-numpy python3-pandas python3-pytest python3-mesonpy
      r-base-core r-base-dev r-cran-testthat r-cran-laeken r-cran-survey)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
