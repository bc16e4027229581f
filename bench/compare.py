#!/usr/bin/python3
# libarmoede benchmark: compare a peer's result CSV with armoede-bench's, cell by cell.
# Copyright (C) 2026 the libarmoede authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: compare.py REFERENCE.csv OTHER.csv
# A cell is keyed by (indicator, unit, threshold rounded to 1e-9, duration, year, wijk);
# its counts are numerator_n/denominator_n when the file has them (libarmoede's tidy CSV),
# else numerator/denominator. Both must hold the same cells with the same counts; a cell
# whose denominator is 0 may be absent from one side (an empty group is reported by some
# tools and not by others). Prints one line "equal=yes|no cells=N ..." and up to 10
# differences; exit status 0 when equal, 1 when not, 2 on a bad file.
import sys

import pandas as pd

KEYS = ["indicator", "unit", "threshold", "duration", "year", "wijk"]


def load(path):
    df = pd.read_csv(path, dtype={"wijk": str, "indicator": str, "unit": str},
                     keep_default_na=True)
    missing = [k for k in KEYS if k not in df.columns]
    if missing:
        raise ValueError(f"{path}: no column(s) {', '.join(missing)}")
    num = "numerator_n" if "numerator_n" in df.columns else "numerator"
    den = "denominator_n" if "denominator_n" in df.columns else "denominator"
    out = pd.DataFrame({
        "indicator": df["indicator"].astype(str),
        "unit": df["unit"].astype(str),
        "threshold": pd.to_numeric(df["threshold"]).round(9),
        "duration": pd.to_numeric(df["duration"]).fillna(-1).astype("int64"),
        "year": pd.to_numeric(df["year"]).astype("int64"),
        "wijk": df["wijk"].astype(str),
        "num": pd.to_numeric(df[num]),
        "den": pd.to_numeric(df[den]),
    })
    dup = out.duplicated(KEYS)
    if dup.any():
        raise ValueError(f"{path}: {int(dup.sum())} duplicate cell(s), e.g. "
                         f"{out[dup].iloc[0][KEYS].to_dict()}")
    return out


def main():
    if len(sys.argv) != 3:
        print("usage: compare.py REFERENCE.csv OTHER.csv", file=sys.stderr)
        return 2
    try:
        a = load(sys.argv[1])
        b = load(sys.argv[2])
    except Exception as e:  # noqa: BLE001 - report any unreadable file plainly
        print(f"equal=no error={e!r}")
        return 2
    m = a.merge(b, on=KEYS, how="outer", suffixes=("_ref", "_other"), indicator=True)
    only_ref = m["_merge"] == "left_only"
    only_other = m["_merge"] == "right_only"
    # Empty groups (denominator 0) may be missing on one side.
    ignorable = (only_ref & (m["den_ref"] == 0)) | (only_other & (m["den_other"] == 0))
    both = m["_merge"] == "both"
    differ = both & ((m["num_ref"] != m["num_other"]) | (m["den_ref"] != m["den_other"]))
    bad = (only_ref | only_other) & ~ignorable | differ
    n_bad = int(bad.sum())
    print(f"equal={'yes' if n_bad == 0 else 'no'} cells={int(both.sum())} "
          f"mismatches={int(differ.sum())} only_reference={int((only_ref & ~ignorable).sum())} "
          f"only_other={int((only_other & ~ignorable).sum())} "
          f"empty_groups_ignored={int(ignorable.sum())}")
    if n_bad:
        cols = KEYS + ["num_ref", "den_ref", "num_other", "den_other", "_merge"]
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(m.loc[bad, cols].head(10).to_string(index=False))
    return 0 if n_bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
