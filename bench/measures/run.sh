#!/usr/bin/env bash
# Benchmark of the poverty and inequality measures against R laeken
# (bench/measures/README.md): N weighted persons over 10 regions, laeken's
# arpr and gini by region (best of the repeats) and the five measures once,
# against armoede_measures on the same data; times, ratios and the largest
# relative difference between the two sets of figures.
# Copyright (C) 2026 the libarmoede authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Environment (all optional):
#   BENCH_SIZES       persons, space separated            [1000000 10000000]
#   BENCH_SEED        generator seed                      [1]
#   BENCH_REPEATS     armoede repeats (best taken)        [5]
#   BENCH_R_REPEATS   laeken repeats (best taken)         [3 below 5M persons, else 1]
#   BENCH_DATA_DIR    data, objects and outputs           [<repo>/bench/measures/data]
#   CC, CFLAGS        compiler and flags for the library  [cc, -O3 (as meson's release)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
SIZES=${BENCH_SIZES:-1000000 10000000}
SEED=${BENCH_SEED:-1}
REPEATS=${BENCH_REPEATS:-5}
data=${BENCH_DATA_DIR:-$here/data}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O3}
mkdir -p "$data/obj"
command -v Rscript >/dev/null || { echo "run.sh: Rscript not found" >&2; exit 1; }

# The driver, linked with the library sources it needs (built here, so no
# build directory is touched).
objs=()
for f in error util parse table csv norms result sdc quantile measures; do
  o="$data/obj/$f.o"
  $CC $CFLAGS -std=c11 -D_POSIX_C_SOURCE=200809L -DARMOEDE_BUILDING -pthread \
    -I"$root/include" -I"$root/lib" -c "$root/lib/$f.c" -o "$o"
  objs+=("$o")
done
$CC $CFLAGS -std=c11 -Wall -Wextra -Wpedantic -I"$root/include" "$here/bench_measures.c" "${objs[@]}" \
  -lgsl -lgslcblas -lz -lm -lpthread -o "$data/bench-measures"

printf '%-10s %-6s %12s %12s %9s %12s %12s\n' persons task armoede_s laeken_s ratio armoede_cpu laeken_cpu
for n in $SIZES; do
  d="$data/n$n"
  mkdir -p "$d"
  # fresh data: written out to disk first, so that the write-back does not run beside the timings
  [[ -s "$d/inc.bin" ]] || { "$data/bench-measures" gen "$n" "$SEED" "$d" && sync; }
  rr=${BENCH_R_REPEATS:-$([[ $n -lt 5000000 ]] && echo 3 || echo 1)}
  "$data/bench-measures" run "$d" "$REPEATS" > "$d/armoede.out"
  Rscript "$here/laeken_peer.R" "$d" "$rr" > "$d/laeken.out"
  python3 - "$n" "$d/armoede.out" "$d/laeken.out" <<'EOF'
import sys
n, a, l = sys.argv[1], sys.argv[2], sys.argv[3]
def load(p):
    t, c, v = {}, {}, {}
    for line in open(p):
        f = line.strip().split(',')
        if f[0] == 'time': t[f[1]] = float(f[2])
        elif f[0] == 'cpu': c[f[1]] = float(f[2])
        elif f[0] == 'value': v[(f[1], f[2])] = float(f[3])
    return t, c, v
ta, ca, va = load(a)
tl, cl, vl = load(l)
for task in ('arpr', 'gini', 'all5'):
    print('%-10s %-6s %12.4f %12.3f %9.1f %12.4f %12.3f' % (n, task, ta[task], tl[task], tl[task] / ta[task],
          ca[task], cl.get(task, float('nan'))))
worst, nb = 0.0, 0
for k, x in vl.items():
    if k not in va: print('missing in armoede:', k); sys.exit(1)
    y = va[k]
    r = abs(x - y) / abs(x) if x else abs(y)
    worst = max(worst, r); nb += 1
print('%-10s figures compared: %d, largest relative difference %.3g' % (n, nb, worst))
EOF
done
