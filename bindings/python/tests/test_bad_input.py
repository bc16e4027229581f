"""Bad input raises a clear exception naming the column or option; never a
crash, never a silently wrong figure."""
import numpy as np
import pandas as pd
import pytest

import armoede

DF = pd.DataFrame({"hid": [1, 2, 3, 4], "year": [2022] * 4, "ratio": [90.0, 100.0, 120.0, 150.0],
                   "wijk": ["A", "A", "B", "B"]})
ROLES = dict(household_id="hid", year="year", ratio_pct="ratio")


def table(df=DF, **roles):
    return armoede.Table.from_dataframe(df, **(roles or ROLES))


def test_wrong_column_name():
    with pytest.raises(armoede.ArmoedeError) as e:
        armoede.minima(table(), by=["district"])
    assert e.value.status == armoede.core.ARMOEDE_ENOTFOUND
    assert "district" in str(e.value)
    with pytest.raises(armoede.ArmoedeError) as e:
        table(household_id="hid", year="jaar")
    assert "jaar" in str(e.value)
    with pytest.raises(KeyError, match="nope"):
        armoede.Table.from_dataframe(DF, columns=["hid", "nope"])
    with pytest.raises(armoede.ArmoedeError, match="nope"):
        table().coltype("nope")


def test_wrong_type():
    # a role that needs an INT column mapped to a text column
    with pytest.raises(armoede.ArmoedeError) as e:
        table(household_id="hid", year="wijk")
    assert e.value.status == armoede.core.ARMOEDE_ETYPE and "wijk" in str(e.value)
    # a column holding mixed Python objects
    bad = DF.assign(wijk=["A", 3, "B", "B"])
    with pytest.raises(TypeError, match="column 'wijk'"):
        table(bad)
    # options of the wrong type or unknown
    with pytest.raises(TypeError, match="thresholds"):
        armoede.minima(table(), thresholds="high")
    with pytest.raises(TypeError, match="treshold"):
        armoede.minima(table(), treshold=[1.1])
    with pytest.raises(ValueError, match="units"):
        armoede.minima(table(), units=["people"])
    with pytest.raises(TypeError, match="Table or a pandas DataFrame"):
        armoede.minima([1, 2, 3])
    with pytest.raises(TypeError, match="unsupported dtype"):
        armoede.Table.from_arrays({"z": np.array([1j, 2j])})


def test_nan_or_na_in_a_key_column():
    # NaN makes a float column: the year role needs INT
    f = DF.assign(year=[2022.0, np.nan, 2022.0, 2022.0])
    with pytest.raises(armoede.ArmoedeError) as e:
        table(f)
    assert "year" in str(e.value)
    # pandas' nullable integers keep the type; NA in a key column is an error naming it
    na = DF.assign(hid=pd.array([1, None, 3, 4], dtype="Int64"))
    with pytest.raises(ValueError, match="column 'hid' has 1 missing value"):
        armoede.minima(table(na))
    # ... unless asked to follow the library's rules (a missing id: a unit of its own)
    r = armoede.minima(table(na), na_keys="library", units="households", thresholds=[1.0])
    assert r.denominator_n.iloc[0] == 4
    # a missing label in a by-column likewise
    cat = DF.assign(wijk=pd.Categorical(["A", None, "B", "B"]))
    with pytest.raises(ValueError, match="column 'wijk'"):
        armoede.minima(table(cat), by=["wijk"])


def test_zero_rows():
    with pytest.raises(ValueError, match="zero rows"):
        table(DF.iloc[:0])
    with pytest.raises(ValueError, match="no columns"):
        armoede.Table.from_arrays({})


def test_factor_with_unused_levels():
    used = armoede.minima(table(DF.assign(wijk=DF.wijk.astype("category"))), by=["wijk"], margins=["wijk"])
    unused = DF.assign(wijk=pd.Categorical(DF.wijk, categories=["Z", "B", "A", "C"]))
    t = table(unused)
    assert t.levels("wijk") == ["B", "A"]  # unused levels dropped: no empty groups, no shifted codes
    r = armoede.minima(t, by=["wijk"], margins=["wijk"])
    key = ["indicator", "unit", "threshold", "wijk"]
    pd.testing.assert_frame_equal(used.sort_values(key).reset_index(drop=True),
                                  r.sort_values(key).reset_index(drop=True), check_like=True)
    assert set(r.wijk) == {"A", "B", "Total"}


def test_errors_carry_status_and_message():
    with pytest.raises(armoede.ArmoedeError) as e:
        armoede.read_csv("/nonexistent/file.csv")
    assert e.value.status == armoede.core.ARMOEDE_EIO
    assert "/nonexistent/file.csv" in e.value.message
    assert e.value.name == armoede.core.armoede_strerror(armoede.core.ARMOEDE_EIO)
    # the core raises the same class
    with pytest.raises(armoede.ArmoedeError):
        armoede.core.armoede_norms_annual(armoede.core.armoede_norms_new(), 2024, "single", "*")


def test_freed_objects_are_errors_not_crashes():
    t = table()
    t.close()
    with pytest.raises(ValueError, match="freed"):
        armoede.minima(t)
    t.close()  # twice: a no-op
    c = armoede.core
    r = c.armoede_table_new(2)
    c.armoede_table_free(r)
    c.armoede_table_free(r)
    with pytest.raises(ValueError, match="freed"):
        c.armoede_table_nrows(r)
    with pytest.raises(TypeError):
        c.armoede_table_nrows(c.armoede_norms_new())  # the wrong kind of object
