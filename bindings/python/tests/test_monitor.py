"""The Groningen trend monitor (examples/groningen/trendmonitor.ini) on a
small synthetic city, through Python: the same file as the `armoede`
command writes, and the same figures from a pandas DataFrame."""
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import armoede

NORM_TYPES = {"single_parent": "single", "couple_children": "couple", "other": "couple"}


def test_monitor_run_same_file_as_the_command(city, build_dir, tmp_path):
    ini = city / "examples" / "groningen" / "trendmonitor.ini"
    df = armoede.monitor_run(ini, out_dir=tmp_path / "py")
    cli = os.path.join(build_dir, "tools", "armoede")
    subprocess.run([cli, "--quiet", str(ini), "--out", str(tmp_path / "c")], check=True)
    a = (tmp_path / "py" / "trendmonitor.csv").read_bytes()
    b = (tmp_path / "c" / "trendmonitor.csv").read_bytes()
    assert a == b
    ja = (tmp_path / "py" / "trendmonitor.json").read_text()  # its notes name the output paths
    jb = (tmp_path / "c" / "trendmonitor.json").read_text()
    assert ja.replace(str(tmp_path / "py"), str(tmp_path / "c")) == jb
    # the DataFrame is the CSV
    csv = pd.read_csv(tmp_path / "c" / "trendmonitor.csv", dtype={"reason": str, "wijk": str,
                      "household_type": str, "income_source": str, "year": str}, keep_default_na=False,
                      float_precision="round_trip",
                      na_values={c: [""] for c in ["threshold", "duration", "estimate", "numerator",
                                                   "denominator", "numerator_n", "denominator_n", "se",
                                                   "ci_low", "ci_high", "reference"]})
    assert list(df.columns) == list(csv.columns)
    assert len(df) == len(csv) > 1000
    assert df.attrs["protected"] is True
    for col in ["estimate", "numerator", "denominator", "numerator_n", "denominator_n"]:
        np.testing.assert_array_equal(df[col].to_numpy(), csv[col].to_numpy())
    for col in ["indicator", "unit", "status"]:
        assert (df[col] == csv[col]).all()
    assert (df.status == "suppressed_primary").any()
    assert any("rows" in n or "household" in n for n in df.attrs["notes"])


def test_trend_monitor_from_a_dataframe(city, tmp_path):
    """minima_by_district and duration_by_district of the monitor, computed
    from a pandas DataFrame: every published (ok) cell of the monitor has
    the same numerator, denominator and estimate."""
    ini = city / "examples" / "groningen" / "trendmonitor.ini"
    mon = armoede.monitor_run(ini, out_dir=tmp_path)
    df = pd.read_csv(city / "data" / "synthetic" / "groningen_2016_2024.csv.gz", na_values=["", "NA", "-"],
                     keep_default_na=False, dtype={"wijk": "category", "household_type": str,
                                                   "income_source": str, "head_age_band": str})
    norms = armoede.Norms.read_csv(city / "data" / "norms_participatiewet.csv").map_types(NORM_TYPES)
    t = armoede.Table.from_dataframe(
        df, person_id="person_id", household_id="household_id", year="year", birth_year="birth_year",
        income="income", household_type="household_type", age_band="head_age_band",
        whole_year="whole_year", student="student", institutional="institutional", wealth="wealth",
        area="wijk", income_source="income_source")
    mine = armoede.minima(t, thresholds=[1.10, 1.20], units=["households", "persons", "minors"],
                          by=["year", "wijk"], margins=["wijk"], norms=norms)
    dur = armoede.durations(t, thresholds=[1.10, 1.20], durations=[1, 4], units=["persons", "minors"],
                            by=["year", "wijk"], margins=["wijk"], norms=norms)
    ours = pd.concat([mine, dur])
    sel = mon[mon.household_type.isna() & mon.income_source.isna() & (mon.status == "ok")
              & mon.indicator.isin(["minima", "duration", "duration_of_minima"])]
    assert len(sel) > 500
    key = ["indicator", "unit", "threshold", "duration", "year", "wijk"]
    m = sel.merge(ours, on=key, how="left", suffixes=("", "_py"), validate="one_to_one")
    assert m.numerator_py.notna().all()
    np.testing.assert_array_equal(m.numerator.to_numpy(), m.numerator_py.to_numpy())
    np.testing.assert_array_equal(m.denominator.to_numpy(), m.denominator_py.to_numpy())
    np.testing.assert_array_equal(m.estimate.to_numpy(), m.estimate_py.to_numpy())
    # the protected version of our own minima hides small cells as the monitor does
    prot = armoede.minima(t, thresholds=[1.10], units="minors", by=["year", "wijk"], norms=norms,
                          protect=True)
    assert prot.attrs["protected"] and (prot.status != "ok").any()
    assert prot.loc[prot.status != "ok", "estimate"].isna().all()
