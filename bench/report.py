#!/usr/bin/python3
# libarmoede benchmark: print the table of a run from its metrics file (written by run.sh).
# Copyright (C) 2026 the libarmoede authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: report.py RUN_DIR/metrics.txt
# Every line of the metrics file is a list of key=value pairs: the step lines the tools
# print (step=... tool=... seconds=... rows=... [peak_rss_kib_after=...]) and the lines
# run.sh adds (kind=proc|zcat|rawbytes|compare ...). Prints the table and the targets.
import sys

TOOLS = ["zcat", "armoede", "datatable", "duckdb"]
DATASETS = [("national", "read_national", "minima"), ("panel", "read_panel", "durations")]
TARGET_READ = 1.3   # armoede read <= 1.3 x zcat
TARGET_DT = 20.0    # in-memory indicator >= 20 x faster than data.table
TARGET_DUCK = 5.0   # ... and >= 5 x faster than DuckDB
TARGET_MEM = 1.5    # peak memory <= 1.5 x raw bytes of the used columns


def parse(path):
    recs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            d = {}
            for tok in line.split():
                if "=" in tok:
                    k, v = tok.split("=", 1)
                    d[k] = v
            if d:
                recs.append(d)
    return recs


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def main():
    if len(sys.argv) != 2:
        print("usage: report.py RUN_DIR/metrics.txt", file=sys.stderr)
        return 2
    recs = parse(sys.argv[1])
    step = {}      # (step, tool) -> record
    proc = {}      # (tool, dataset) -> record
    compare = {}   # (tool, dataset) -> record
    raw = {}       # dataset -> record
    for r in recs:
        kind = r.get("kind")
        if "step" in r and "tool" in r:
            step[(r["step"], r["tool"])] = r
        elif kind in ("proc", "zcat"):
            proc[(r.get("tool", "zcat"), r.get("dataset"))] = r
        elif kind == "compare":
            compare[(r.get("tool"), r.get("dataset"))] = r
        elif kind == "rawbytes":
            raw[r.get("dataset")] = r

    rows = []
    targets = []
    for dataset, read_step, group_step in DATASETS:
        if not any(k[0] in (read_step, group_step) for k in step) and \
                ("zcat", dataset) not in proc:
            continue
        ref_rows = num(step.get((read_step, "armoede"), {}).get("rows"))
        ref_read = num(step.get((read_step, "armoede"), {}).get("seconds"))
        ref_group = num(step.get((group_step, "armoede"), {}).get("seconds"))
        # read
        for tool in TOOLS:
            if tool == "zcat":
                z = proc.get(("zcat", dataset))
                if not z:
                    continue
                secs = num(z.get("seconds"))
                nrows = num(raw.get(dataset, {}).get("rows"))
                peak = num(z.get("peak_kib"))
                equal = "-"
            else:
                s = step.get((read_step, tool))
                if not s:
                    continue
                secs = num(s.get("seconds"))
                nrows = num(s.get("rows"))
                peak = num(s.get("peak_rss_kib_after"))
                if tool == "armoede":
                    equal = "ref"
                else:
                    equal = "yes" if nrows is not None and nrows == ref_rows else "no"
            rows.append((read_step, tool, secs, peak, nrows, secs, ref_read, equal))
        # in-memory indicator
        for tool in TOOLS[1:]:
            s = step.get((group_step, tool))
            if not s:
                continue
            secs = num(s.get("seconds"))
            nrows = num(s.get("rows"))
            peak = num(proc.get((tool, dataset), {}).get("peak_kib"))
            if tool == "armoede":
                equal = "ref"
            else:
                c = compare.get((tool, dataset))
                equal = c.get("equal", "?") if c else "?"
            rows.append((group_step, tool, secs, peak, nrows, secs, ref_group, equal))

        # targets
        z = num(proc.get(("zcat", dataset), {}).get("seconds"))
        if ref_read is not None and z:
            r = ref_read / z
            targets.append((f"{read_step}: armoede <= {TARGET_READ} x zcat",
                            f"{r:.2f} x zcat", r <= TARGET_READ))
        else:
            targets.append((f"{read_step}: armoede <= {TARGET_READ} x zcat", "n/a", None))
        for tool, want in (("datatable", TARGET_DT), ("duckdb", TARGET_DUCK)):
            peer = num(step.get((group_step, tool), {}).get("seconds"))
            name = f"{group_step}: armoede >= {want:g} x faster than {tool}"
            if peer is not None and ref_group:
                r = peer / ref_group
                targets.append((name, f"{r:.1f} x faster", r >= want))
            else:
                targets.append((name, "n/a (peer not run)", None))
        peak = num(proc.get(("armoede", dataset), {}).get("peak_kib"))
        rb = num(raw.get(dataset, {}).get("raw_bytes"))
        name = f"{dataset}: armoede peak memory <= {TARGET_MEM} x raw bytes of the used columns"
        if peak is not None and rb:
            r = peak * 1024.0 / rb
            targets.append((name, f"{peak / 1024:.0f} MiB = {r:.2f} x {rb / 2**20:.1f} MiB", r <= TARGET_MEM))
        else:
            targets.append((name, "n/a", None))

    hdr = ("step", "tool", "seconds", "peak MiB", "rows/s", "ratio vs armoede", "results equal")
    table = []
    for st, tool, secs, peak, nrows, s2, ref, equal in rows:
        rps = nrows / secs if nrows and secs else None
        ratio = "1.00x" if tool == "armoede" else (
            f"{s2 / ref:.2f}x" if s2 is not None and ref else "-")
        table.append((st, tool, fmt(secs, ".3f"), fmt(peak / 1024 if peak else None, ".0f"),
                      fmt(rps, ",.0f"), ratio, equal))
    widths = [max(len(str(x[i])) for x in [hdr] + table) for i in range(len(hdr))]
    line = lambda cells: "  ".join(str(c).rjust(w) if i in (2, 3, 4, 5) else str(c).ljust(w)
                                    for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(hdr))
    print("  ".join("-" * w for w in widths))
    prev = None
    for t in table:
        if prev is not None and t[0] != prev:
            print()
        prev = t[0]
        print(line(t))
    print()
    print("ratio vs armoede = the tool's seconds / armoede's seconds for the same step "
          "(above 1: armoede is faster).")
    print("peak MiB: on read rows the peak after reading, on indicator rows the peak of the "
          "whole process (/usr/bin/time -v).")
    print()
    print("Targets:")
    w = max(len(t[0]) for t in targets) if targets else 0
    for name, value, ok in targets:
        verdict = "n/a" if ok is None else ("MET" if ok else "NOT MET")
        print(f"  {name.ljust(w)}  {value}: {verdict}")
    all_equal = all(t[6] in ("yes", "ref", "-") for t in table)
    print()
    print("All results equal:", "yes" if all_equal else "NO (see the compare lines above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
