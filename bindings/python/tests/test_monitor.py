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


# The hand-computed cases of tests/test_monitor.c.
DATA_CSV = ("pid,hid,jaar,inkomen,norm,wijk\n"
            "1,1,2023,1000,1000,A\n2,2,2023,1100,1000,A\n3,3,2023,1100.01,1000,A\n4,4,2023,900,1000,A\n"
            "5,5,2023,5000,1000,A\n6,6,2023,5000,1000,A\n7,7,2023,5000,1000,A\n8,8,2023,800,1000,A\n"
            "9,9,2023,800,1000,B\n10,10,2023,5000,1000,B\n")
CFG_HEAD = ("[input]\nfile = data.csv\n\n[columns]\nperson_id = pid\nhousehold_id = hid\nyear = jaar\n"
            "income = inkomen\nnorm = norm\n\n")


def monitor_ini(tmp_path, body):
    """data.csv and m.ini (CFG_HEAD + body) in tmp_path; the path of m.ini."""
    (tmp_path / "data.csv").write_text(DATA_CSV)
    (tmp_path / "m.ini").write_text(CFG_HEAD + body)
    return tmp_path / "m.ini"


def test_monitor_runs_and_protects(tmp_path):
    r = armoede.monitor_run(monitor_ini(tmp_path, "[indicator m]\ntype = minima\nthresholds = 110\n"
                                        "units = households\nby = wijk\nmargins = wijk\n\n[disclosure]\nmin_n = 3\n\n"
                                        "[output]\ncsv = out.csv\njson = out.json\n"))
    assert r.attrs["protected"] and len(r) == 3
    assert r.set_index("wijk").status.to_dict() == {"A": "suppressed_secondary", "B": "suppressed_primary",
                                                    "Total": "ok"}
    tot = r[r.wijk == "Total"].iloc[0]
    assert (tot.numerator_n, tot.denominator_n, tot.estimate) == (5, 10, 0.5)
    assert (tmp_path / "out.csv").read_text().startswith("indicator,unit,threshold,duration,wijk,estimate")
    assert (tmp_path / "out.json").exists()


def test_monitor_config_errors(tmp_path):
    ini = monitor_ini(tmp_path, "[indicator m]\ntype = minima\nthreshold = 110\n[output]\ncsv = o.csv\n")
    with pytest.raises(armoede.ArmoedeError) as e:
        armoede.monitor_run(ini)
    assert e.value.status == armoede.core.ARMOEDE_ECONFIG
    assert "m.ini:13" in e.value.message and "unknown key 'threshold'" in e.value.message
    with pytest.raises(armoede.ArmoedeError) as e:
        armoede.monitor_run(tmp_path / "none.ini")
    assert e.value.status == armoede.core.ARMOEDE_EIO


def test_monitor_disclosure_off_is_noted(tmp_path):
    r = armoede.monitor_run(monitor_ini(tmp_path, "[indicator m]   # the minima\ntype = minima # of the city\n"
                                        "thresholds = 110\nby = wijk\n[disclosure]\nenabled = no # not for publication\n"
                                        "[output]\ncsv = o.csv\n"))
    assert r.attrs["protected"] is False
    assert any("not for publication" in n for n in r.attrs["notes"])


def test_cbs_ratio_only(tmp_path):
    (tmp_path / "inhatab.csv").write_text("RINHUISHOUDEN;JAAR;INHARMSOC;GEMEENTE\n000000001;2022;95,5;GM0014\n"
                                          "000000002;2022;110,0;GM0014\n000000003;2022;110,01;GM0014\n"
                                          "000000004;2022;250;GM0014\n000000005;2022;60;GM0014\n")
    (tmp_path / "cbs.ini").write_text(
        "[input]\nfile = inhatab.csv\nseparator = semicolon\ndecimal = comma\n"
        "[columns]\nhousehold_id = RINHUISHOUDEN\nyear = JAAR\nratio_pct = INHARMSOC\n"
        "[indicator m]\ntype = minima\nthresholds = 110\nby = JAAR, GEMEENTE\n[disclosure]\nmin_n = 0\n"
        "[output]\ncsv = new/dir/minima.csv\n")
    r = armoede.monitor_run(tmp_path / "cbs.ini")
    assert len(r) == 1 and r.unit[0] == "households"
    assert (r.JAAR[0], r.GEMEENTE[0], r.numerator_n[0], r.denominator_n[0]) == ("2022", "GM0014", 3, 5)
    assert (tmp_path / "new" / "dir" / "minima.csv").exists()
    # the same file read from Python
    t = armoede.read_csv(tmp_path / "inhatab.csv", separator=";", decimal=",",
                         household_id="RINHUISHOUDEN", year="JAAR", ratio_pct="INHARMSOC")
    assert t.coltype("RINHUISHOUDEN") == "cat"  # leading zeros: a code, not a number
    m = armoede.minima(t, thresholds=[1.1], by=["JAAR", "GEMEENTE"])
    assert (m.numerator_n[0], m.denominator_n[0]) == (3, 5)
