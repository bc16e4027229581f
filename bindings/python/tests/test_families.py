"""Hand-computed cases of the other families' C tests (tests/test_measures.c
test_hand, tests/test_survey.c test_whole_sample, tests/test_outcome.c
test_take_up_hand, tests/test_process.c test_lead_times_hand) through the
pythonic layer, with the same values."""
import math

import numpy as np
import pandas as pd
import pytest

import armoede


def est(df, ind, **keys):
    m = df.indicator == ind
    for k, v in keys.items():
        m &= df[k] == v
    assert m.sum() == 1, (ind, keys, m.sum())
    return df[m].iloc[0]


X10 = [5000, 1000, 9000, 3000, 10000, 2000, 7000, 5000, 8000, 6000]


def test_measures_hand():
    t = armoede.Table.from_arrays({"inc": np.array(X10, dtype=float)}, income="inc")
    r = armoede.measures(t, measures=["arpt", "arpr", "rmpg", "qsr", "gini", "median"], p=0.5)
    assert est(r, "median").estimate == 6000
    assert est(r, "arpt").estimate == 3000
    a = est(r, "arpr")
    assert a.estimate == pytest.approx(0.2, abs=1e-15) and (a.numerator_n, a.denominator_n, a.threshold) == (2, 10, 0.5)
    assert est(r, "rmpg").estimate == pytest.approx(1 / 3, abs=1e-15)
    assert est(r, "qsr").estimate == pytest.approx(10000 / 6000, abs=1e-15)
    assert est(r, "gini").estimate == pytest.approx(162000 / (10 * 56000), abs=1e-15)
    assert math.isnan(est(r, "gini").se)
    r = armoede.measures(t, measures=["arpr", "rmpg"], p=0.5, at_or_below=1)
    assert est(r, "arpr").estimate == pytest.approx(0.3, abs=1e-15)
    r = armoede.measures(t, measures=["median", "arpt", "qsr"], p=0.5, rule="eurostat")
    assert (est(r, "median").estimate, est(r, "arpt").estimate) == (5500, 2750)
    assert est(r, "qsr").estimate == pytest.approx(19000 / 3000, abs=1e-15)
    assert armoede.measures(t, measures="median", rule="linear").estimate.iloc[0] == 5500
    r = armoede.measures(t, measures="fgt", fgt_line=armoede.core.ARMOEDE_LINE_FIXED, fgt_value=4000)
    assert len(r) == 3
    assert [est(r, "fgt%d" % a).estimate for a in (0, 1, 2)] == pytest.approx([0.3, 0.15, 0.0875], abs=1e-15)
    r = armoede.measures(t, measures="fgt", p=0.5, fgt_alpha=[0, 1, 0.5])
    assert est(r, "fgt0.5").estimate == pytest.approx((math.sqrt(2 / 3) + math.sqrt(1 / 3)) / 10, abs=1e-15)


TINY = pd.DataFrame({"stratum": ["A", "A", "A", "B", "B", "B", "B", "B", "A"],
                     "cluster": [1, 1, 2, 1, 2, 3, 3, 1, 2],
                     "weight": [2.0, 1, 3, 1, 2, 2, 1, 0, 1],
                     "answer": ["yes", "no", "yes", "no", "yes", "no", "dk", "yes", None],
                     "district": ["N", "S", "N", "N", "S", "N", "S", "N", "S"]})


def test_survey_whole_sample():
    t = armoede.Table.from_dataframe(TINY)
    r = armoede.survey_share(t, item="answer", categories=["yes"], exclude=["dk"], weight="weight",
                             stratum="stratum", cluster="cluster", ci_method="wald")
    assert len(r) == 1
    x = r.iloc[0]
    assert (x.indicator, x.unit) == ("survey_share", "respondents")
    se, tq = math.sqrt(500) / 121, 3.1824463052837078
    assert x.estimate == pytest.approx(7 / 11, abs=1e-15)
    assert (x.numerator, x.denominator, x.numerator_n, x.denominator_n) == pytest.approx((7, 11, 3, 6))
    assert x.se == pytest.approx(se, abs=1e-15)
    assert (x.ci_low, x.ci_high) == pytest.approx((7 / 11 - tq * se, 7 / 11 + tq * se), abs=1e-12)
    assert any("2 strata, 5 PSUs" in n for n in r.attrs["notes"])
    r = armoede.survey_share(t, item="answer", categories=["yes"], exclude=["dk"], weight="weight",
                             stratum="stratum", cluster="cluster", ci_method="wald", df=float("inf"))
    assert r.ci_low.iloc[0] == pytest.approx(7 / 11 - 1.959963984540054 * se, abs=1e-12)


INCOME1 = ("pid,hid,year,age,income,norm,whole_year,source\n1,1,2023,40,10000,10000,1,work\n"
           "2,1,2023,10,10000,10000,1,work\n3,2,2023,50,11000,10000,1,benefit\n"
           "4,3,2023,30,11000.01,10000,1,work\n5,4,2023,30,20000,10000,1,work\n"
           "6,5,2023,30,5000,10000,0,benefit\n")
REG1 = "id,scheme,year\n1,a,2023\n4,a,2023\n6,a,2023\n2,kp,2023\n99,a,2023\n3,zz,2023\n"


def test_take_up_hand(tmp_path):
    (tmp_path / "inc1.csv").write_text(INCOME1)
    (tmp_path / "reg1.csv").write_text(REG1)
    t = armoede.read_csv(tmp_path / "inc1.csv", person_id="pid", household_id="hid", year="year",
                         income="income", norm="norm", age="age", whole_year="whole_year", income_source="source")
    reg = armoede.read_csv(tmp_path / "reg1.csv")
    r = armoede.take_up(t, reg, population={"by": ["year"]}, units=["households", "persons"],
                        schemes=[{"code": "a", "threshold": 1.10},
                                 {"code": "kp", "threshold": 1.30, "needs_minors": 1}])

    def share(ind, unit, scheme, num, den, p=None):
        m = (r.indicator == ind) & (r.unit == unit) & (r.scheme == scheme) & (r.year == "2023")
        if p is not None:
            m &= np.isclose(r.threshold, p) & (r.duration == 1)
        x = r[m]
        assert len(x) == 1, (ind, unit, scheme, p)
        assert (x.numerator_n.iloc[0], x.denominator_n.iloc[0]) == (num, den)

    share("take_up", "households", "a", 1, 2)
    share("non_take_up", "households", "a", 1, 2)
    share("leakage", "households", "a", 1, 2)
    share("take_up", "households", "kp", 1, 1)
    share("leakage", "households", "kp", 0, 1)
    share("take_up", "households", "any", 1, 2)
    share("reach", "households", "a", 2, 3, p=1.3)
    share("reach", "households", "kp", 1, 3, p=1.3)
    share("reach", "households", "a", 1, 2, p=1.1)
    share("take_up", "persons", "a", 1, 3)
    share("take_up", "persons", "kp", 1, 2)
    share("leakage", "persons", "a", 1, 2)
    assert any("reg1.csv line 7, column 'scheme', value 'zz'" in n for n in r.attrs["notes"])


CASES = ("case,crisis,district,registration,first_conversation,closure\n"
         "1,1,A,2024-03-28,2024-04-02,2024-05-01\n2,0,A,2024-05-03,2024-05-13,\n"
         "3,0,B,2024-12-23,2024-12-27,2025-01-10\n4,0,B,2024-12-02,,\n5,1,B,2024-06-10,2024-06-03,\n")


def test_lead_times_hand(tmp_path):
    (tmp_path / "cases.csv").write_text(CASES)
    t = armoede.read_csv(tmp_path / "cases.csv")
    assert t.coltype("registration") == "date"
    r = armoede.lead_times(t, events=["registration", "first_conversation"])
    iv = "registration-first_conversation"

    def e(ind, unit, **k):
        return est(r[r.unit == unit], ind, interval=iv, **k).estimate
    assert e("lead_time_mean", "calendar_days") == pytest.approx(19 / 3, abs=1e-12)
    assert e("lead_time_median", "calendar_days") == 5
    assert e("lead_time_p90", "calendar_days") == pytest.approx(9, abs=1e-12)
    assert e("lead_time_mean", "working_days") == pytest.approx(8 / 3, abs=1e-12)
    assert e("lead_time_p90", "working_days") == pytest.approx(4.4, abs=1e-12)
    assert any("cases.csv line 6" in n for n in r.attrs["notes"])
    # the same cases from a DataFrame with datetime64 columns
    df = pd.read_csv(tmp_path / "cases.csv", parse_dates=["registration", "first_conversation", "closure"])
    r2 = armoede.lead_times(df, events=["registration", "first_conversation", "closure"], by=["district"],
                            margins=["district"])
    assert est(r2[r2.unit == "calendar_days"], "lead_time_mean", interval=iv, district="A").estimate == 7.5
    assert est(r2[r2.unit == "calendar_days"], "lead_time_median", interval="registration-closure",
               district="Total").estimate == 26
    with pytest.raises(armoede.ArmoedeError) as x:
        armoede.lead_times(t, events=["registration", "first_conversation"], strict=1)
    assert x.value.status == armoede.core.ARMOEDE_EDATA and "2024-06-03" in x.value.message
