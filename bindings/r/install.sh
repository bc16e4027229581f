#!/usr/bin/env bash
# Build and install the R package `armoede` from a meson build of libarmoede.
#   bindings/r/install.sh BUILD_DIR [R_LIBRARY]
# Generates the SWIG R wrapper (armoede_wrap.c, armoede.R) and the options
# tables from the headers, stages the package in BUILD_DIR/bindings/r/pkg and
# runs R CMD INSTALL into R_LIBRARY (default BUILD_DIR/bindings/r/library),
# linking BUILD_DIR/lib/libarmoede.a statically (src/configure).
set -euo pipefail
build=$(cd "${1:?usage: install.sh BUILD_DIR [R_LIBRARY]}" && pwd)
lib=${2:-$build/bindings/r/library}
here=$(cd "$(dirname "$0")" && pwd)
src=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
      "$build/meson-info/meson-info.json")
[ -f "$build/lib/libarmoede.a" ] || ninja -C "$build" lib/libarmoede.a >/dev/null
stage=$build/bindings/r/pkg
rm -rf "$stage"
mkdir -p "$stage" "$lib"
cp -r "$here/armoede/." "$stage/"
cp "$here/../amb_common.h" "$stage/src/"
/usr/bin/python3 "$here/../gen_bindings.py" "$stage/src" "$src/include" "$build/lib/libarmoede.a"
mkdir -p "$stage/inst"
mv "$stage/src/armoede_api.txt" "$stage/src/armoede_docs.json" "$stage/src/armoede_api_types.json" "$stage/inst/"
swig -r -DSWIGWORDSIZE64 -I"$stage/src" -I"$here/.." -I"$src/include" \
     -o "$stage/src/armoede_wrap.c" -outdir "$stage/R" "$here/../armoede.i"
mv "$stage/R/armoede.R" "$stage/R/aaa_swig.R"   # collated before R/layer.R, which uses it
/usr/bin/python3 "$here/gen_rd.py" "$stage" "$src/include"
rm -f "$stage/src/armoede_gen.i"
ARMOEDE_BUILD_DIR=$build ARMOEDE_SOURCE_DIR=$src R CMD INSTALL --no-test-load --library="$lib" "$stage"
