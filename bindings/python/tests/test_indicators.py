"""The hand-computed cases of tests/test_indicators.c through the Python
bindings, with the same values (the comments there derive them)."""
import math

import numpy as np
import pandas as pd
import pytest

import armoede


def cell(df, ind, unit, p, k=None, **keys):
    """The unique row of (indicator, unit, threshold, duration, keys)."""
    m = (df.indicator == ind) & (df.unit == unit) & np.isclose(df.threshold, p)
    m &= df.duration.isna() if k is None else np.isclose(df.duration, k)
    for name, v in keys.items():
        m &= df[name] == v
    rows = df[m]
    assert len(rows) == 1, "cell %s/%s p=%s k=%s %s: %d rows" % (ind, unit, p, k, keys, len(rows))
    return rows.iloc[0]


def checkn(df, ind, unit, p, k, num, den, **keys):
    """CHECKN of the C tests: unweighted numerator/denominator and estimate."""
    r = cell(df, ind, unit, p, k, **keys)
    assert r.numerator == pytest.approx(num, abs=1e-9)
    assert r.denominator == pytest.approx(den, abs=1e-9)
    assert r.numerator_n == num and r.denominator_n == den
    assert r.estimate == pytest.approx(num / den, rel=1e-12)
    assert r.status == "ok"


MINIMA_REC = pd.DataFrame({
    "pid": range(1, 17),
    "hid": [1, 1, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9, 9, 10],
    "year": [2022] * 16,
    "income": [1000.00, 1000.00, 1100.00, 1100.01, 1100.01, 1100.01, 17109.05, 17109.06, 17109.06,
               17109.04, 1201.68, 1201.68, 1303.64, 5000.00, 5000.00, 0.00],
    "norm": [1000.00, 1000.00, 1000.00, 1000.00, 1000.00, 1000.00, 15553.68, 15553.68, 15553.68,
             15553.68, 1001.40, 1001.40, 1002.80, 1000.00, 1000.00, 1000.00],
    "age": [40, 10, 30, 35, 5, 17, 50, 50, 18, 60, 30, 0, 30, 40, 12, 22],
})
ROLES = dict(person_id="pid", household_id="hid", year="year", income="income", norm="norm")


def test_minima_per_record_norm(tmp_path):
    t = armoede.Table.from_dataframe(MINIMA_REC, age="age", **ROLES)
    r = armoede.minima(t)  # C defaults: thresholds 1.0..1.3, every unit the table can tell
    for p, hh, pers, mi in ((1.0, 2, 3, 1), (1.1, 5, 6, 1), (1.2, 8, 13, 4), (1.3, 9, 14, 4)):
        checkn(r, "minima", "households", p, None, hh, 10)
        checkn(r, "minima", "persons", p, None, pers, 16)
        checkn(r, "minima", "minors", p, None, mi, 5)
    assert len(r) == 12
    assert r.se.isna().all()
    assert r.attrs["protected"] is False
    # explicit thresholds in another order, households only
    r = armoede.minima(t, thresholds=[1.3, 1.1], units="households")
    assert len(r) == 2
    checkn(r, "minima", "households", 1.1, None, 5, 10)
    checkn(r, "minima", "households", 1.3, None, 9, 10)
    # tidy columns in the order of the CSV writer
    path = tmp_path / "r.csv"
    armoede.write_csv(r, path, unprotected=True)
    assert list(r.columns) == path.read_text().splitlines()[0].split(",")
    assert list(r.columns)[:6] == ["indicator", "unit", "threshold", "duration", "estimate", "numerator"]


def test_minima_on_the_line():
    rs = pd.DataFrame({"hid": [1, 2, 3, 4, 5], "year": [2022] * 5,
                       "income": [1100.00, 1100.01, 17109.05, 17109.06, 17109.04],
                       "norm": [1000.00, 1000.00, 15553.68, 15553.68, 15553.68]})
    roles = dict(household_id="hid", year="year", income="income", norm="norm")
    r = armoede.minima(armoede.Table.from_dataframe(rs, **roles), thresholds=[1.1], units=["households"])
    checkn(r, "minima", "households", 1.1, None, 3, 5)
    for i, inside in enumerate([1, 0, 1, 0, 1]):
        t = armoede.Table.from_dataframe(rs.iloc[i:i + 1].reset_index(drop=True), **roles)
        r = armoede.minima(t, thresholds=[1.1], units=armoede.core.ARMOEDE_UNIT_HOUSEHOLDS)
        checkn(r, "minima", "households", 1.1, None, inside, 1)


def make_norms():
    n = armoede.Norms()
    n.add("2021-01-01", "single", "*", 12000.0)
    n.add((2022, 7, 1), "single", "*", 13200.0)
    n.add("2021-01-01", "couple", "21_aow", 18000.0)
    n.add("2021-01-01", "couple", "u21", 9000.0)
    n.map_type("single_parent", "single")
    return n


NORMS_REC = pd.DataFrame({
    "pid": range(1, 15),
    "hid": [1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6],
    "year": [2022] * 12 + [2021] * 2,
    "income": [12600.00, 13860.00, 13860.00, 13860.00, 19800.01, 19800.01, 19800.01, 9900.00, 9900.00,
               40000.00, 40000.00, 40000.00, 12000.00, 12000.00],
    "hh_type": ["single"] + ["single_parent"] * 3 + ["couple"] * 8 + ["single"] * 2,
    "age_band": ["21_aow"] * 7 + ["u21"] * 2 + ["21_aow"] * 5,
    "birth_year": [1980, 1990, 2010, 2004, 1985, 1986, 2020, 2003, 2003, 1970, 1972, 2008, 1980, 2004],
})


def test_minima_norms_table():
    n = make_norms()
    assert n.annual(2022, "single", "21_aow") == pytest.approx(12600.0, abs=1e-9)
    assert n.annual(2021, "single_parent", "u21") == pytest.approx(12000.0, abs=1e-9)
    assert len(n) == 4
    t = armoede.Table.from_dataframe(NORMS_REC, person_id="pid", household_id="hid", year="year",
                                     income="income", household_type="hh_type", age_band="age_band",
                                     birth_year="birth_year")
    r = armoede.minima(t, norms=n, by=["year"])
    for p, hh, pers, mi in ((1.0, 1, 1, 0), (1.1, 3, 6, 1), (1.2, 4, 9, 2), (1.3, 4, 9, 2)):
        checkn(r, "minima", "households", p, None, hh, 5, year="2022")
        checkn(r, "minima", "persons", p, None, pers, 12, year="2022")
        checkn(r, "minima", "minors", p, None, mi, 3, year="2022")
        checkn(r, "minima", "households", p, None, 1, 1, year="2021")
        checkn(r, "minima", "persons", p, None, 2, 2, year="2021")
        checkn(r, "minima", "minors", p, None, 1, 1, year="2021")
    assert len(r) == 24
    # a year missing from the norms table is ENORM with the library's message
    t2 = armoede.Table.from_dataframe(NORMS_REC.assign(year=2019), person_id="pid", household_id="hid",
                                      year="year", income="income", household_type="hh_type",
                                      age_band="age_band")
    with pytest.raises(armoede.ArmoedeError) as e:
        armoede.minima(t2, norms=n)
    assert e.value.status == armoede.core.ARMOEDE_ENORM
    assert "2019" in e.value.message


def test_minima_ratio_pct():
    rs = pd.DataFrame({"pid": range(1, 12), "hid": [1, 1, 2, 3, 4, 4, 5, 6, 6, 7, 8], "year": [2022] * 11,
                       "ratio": [100.0, 100.0, 110.0, 110.000001, 110.0000004, 110.0000004, 129.9, 250.0,
                                 250.0, 0.0, np.nan],
                       "minor": [0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0]})
    t = armoede.Table.from_dataframe(rs, person_id="pid", household_id="hid", year="year",
                                     ratio_pct="ratio", minor="minor")
    r = armoede.minima(t)
    for p, hh, pers, mi in ((1.0, 2, 3, 1), (1.1, 4, 6, 2), (1.2, 5, 7, 2), (1.3, 6, 8, 2)):
        checkn(r, "minima", "households", p, None, hh, 7)
        checkn(r, "minima", "persons", p, None, pers, 10)
        checkn(r, "minima", "minors", p, None, mi, 3)
    assert len(r.attrs["notes"]) > 0  # the NaN ratio was skipped


def from_patterns(pats, y0=2016):
    """from_patterns() of the C tests: L = 900/1000, H = 2000/1000, U =
    unobserved, S = student."""
    rows = []
    for pid, s, birth, hids in pats:
        for y, c in enumerate(s):
            if c == "U":
                continue
            hid = hids[y] if hids and hids[y] else pid * 10
            rows.append(dict(pid=pid, hid=hid, year=y0 + y, income=2000.0 if c == "H" else 900.0,
                             norm=1000.0, birth_year=birth, student=int(c == "S")))
    return pd.DataFrame(rows)


DUR_PAT = [(1, "LLLLLL", 1980, [1] * 6), (2, "LLULLL", 1980, [2] * 6),
           (3, "LLLLHL", 1980, [31, 32, 33, 34, 35, 36]), (4, "LLLLLL", 2001, [4] * 6),
           (5, "LLLLLL", 2010, [4] * 6), (6, "LLHLLL", 1970, [6] * 6), (7, "LLSLLL", 1970, [7] * 6),
           (8, "HHHHHH", 1970, [8] * 6), (9, "HHLLLL", 2008, [9] * 6)]


def test_durations_person():
    t = armoede.Table.from_dataframe(from_patterns(DUR_PAT), birth_year="birth_year", student="student",
                                     **ROLES)
    r = armoede.durations(t, thresholds=[1.0], durations=[1, 4], units=["persons", "minors"], by=["year"])
    years = [str(y) for y in range(2016, 2022)]
    low, pop = [7, 7, 5, 8, 7, 8], [9, 9, 7, 9, 9, 9]
    mlow, mpop = [2, 2, 3, 2, 2, 2], [3, 3, 3, 2, 2, 2]
    k4, mk4 = [0, 0, 0, 4, 3, 4], [0, 0, 0, 1, 1, 2]
    for i, y in enumerate(years):
        checkn(r, "duration", "persons", 1.0, 1, low[i], pop[i], year=y)
        checkn(r, "duration_of_minima", "persons", 1.0, 1, low[i], low[i], year=y)
        checkn(r, "duration", "minors", 1.0, 1, mlow[i], mpop[i], year=y)
        checkn(r, "duration_of_minima", "minors", 1.0, 1, mlow[i], mlow[i], year=y)
        checkn(r, "duration", "persons", 1.0, 4, k4[i], pop[i], year=y)
        checkn(r, "duration_of_minima", "persons", 1.0, 4, k4[i], low[i], year=y)
        checkn(r, "duration", "minors", 1.0, 4, mk4[i], mpop[i], year=y)
        checkn(r, "duration_of_minima", "minors", 1.0, 4, mk4[i], mlow[i], year=y)
    assert len(r) == 48
    r = armoede.durations(t, thresholds=[1.0], durations=[1, 4], units=["persons", "minors"], by=["year"],
                          bridge_gaps=1)
    k4b = [0, 0, 0, 4, 5, 6]
    for i, y in enumerate(years):
        checkn(r, "duration", "persons", 1.0, 4, k4b[i], pop[i], year=y)
        checkn(r, "duration_of_minima", "persons", 1.0, 4, k4b[i], low[i], year=y)


FLOW_PAT = [(1, "LHLLHH", 1980, None), (2, "LHHHLL", 1980, None), (3, "LHULLL", 1980, None),
            (4, "HLHHHH", 1980, None), (5, "HHHHHH", 1980, None), (6, "LLLLLL", 1980, None),
            (7, "LULHLH", 1980, None), (8, "HLUUUU", 1980, None)]


def test_flows():
    t = armoede.Table.from_dataframe(from_patterns(FLOW_PAT).drop(columns=["student"]), **ROLES)
    r = armoede.flows(t, thresholds=[1.0], units="persons", relapse_years=2, by=["year"])
    for y, e, ed, x, xd in ((2017, 2, 3, 3, 4), (2018, 1, 3, 1, 2), (2019, 0, 3, 1, 3),
                            (2020, 2, 4, 1, 3), (2021, 0, 3, 1, 4)):
        checkn(r, "entry", "persons", 1.0, None, e, ed, year=str(y))
        checkn(r, "exit", "persons", 1.0, None, x, xd, year=str(y))
    checkn(r, "relapse", "persons", 1.0, 2, 1, 2, year="2017")
    checkn(r, "relapse", "persons", 1.0, 2, 0, 1, year="2018")
    checkn(r, "relapse", "persons", 1.0, 2, 1, 1, year="2019")
    assert ((r.indicator == "entry") & (r.year == "2016")).sum() == 0
    assert (r.indicator == "relapse").sum() == 3


def test_same_numbers_from_numpy_and_read_csv(tmp_path):
    """One table three ways (DataFrame, numpy arrays, CSV file): one result."""
    t1 = armoede.Table.from_dataframe(MINIMA_REC, age="age", **ROLES)
    t2 = armoede.Table.from_arrays({c: MINIMA_REC[c].to_numpy() for c in MINIMA_REC.columns},
                                   age="age", **ROLES)
    MINIMA_REC.to_csv(tmp_path / "m.csv", index=False)
    t3 = armoede.read_csv(tmp_path / "m.csv", age="age", **ROLES)
    rs = [armoede.minima(t) for t in (t1, t2, t3)]
    for r in rs[1:]:
        pd.testing.assert_frame_equal(rs[0].drop(columns=[]), r)


def test_quantiles_and_calendar():
    # R: quantile(1:4, c(0.5, 0.25), type = 7) = 2.5, 1.75
    assert list(armoede.quantiles([1, 2, 3, 4], [0.5, 0.25], rule="linear")) == [2.5, 1.75]
    assert armoede.quantiles([3, 1, 2], 0.5) == 2.0
    assert armoede.quantiles([1, 2, 3, 4], 0.5, w=[1, 1, 1, 1], rule="eurostat") == 2.5
    assert armoede.easter(2024).isoformat() == "2024-03-31"
    assert armoede.nl_holiday("2024-12-25") == "Christmas Day"
    assert armoede.nl_holiday("2024-12-27") is None
    assert armoede.nl_working_days("2024-01-01", "2024-01-08") == 5
    assert armoede.to_day("1970-01-02") == 1
    assert armoede.from_day(19723).isoformat() == "2024-01-01"
    assert armoede.equivalence_factor("oecd", 2024, 1, 0, 2) == pytest.approx(1.8)
