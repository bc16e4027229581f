"""Memory and lifetime: borrowed arrays outlive the caller's reference,
objects are freed once, and 100,000 calls do not grow the process."""
import gc
import os
import weakref

import numpy as np
import pandas as pd
import pytest

import armoede
from armoede import core as c


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    pytest.skip("no /proc/self/status")


def test_numpy_array_stays_valid_after_the_caller_drops_it():
    ratio = np.array([90.0, 100.0, 120.0, 150.0])
    hid = np.arange(1, 5, dtype=np.int64)
    t = armoede.Table.from_arrays({"hid": hid, "year": np.full(4, 2022), "ratio": ratio},
                                  household_id="hid", year="year", ratio_pct="ratio")
    # borrowed without a copy: the table reads the caller's memory ...
    assert any(np.shares_memory(a, ratio) for a in t._keep)
    assert any(np.shares_memory(a, hid) for a in t._keep)
    wr = weakref.ref(ratio)
    del ratio, hid
    gc.collect()
    assert wr() is not None  # ... and keeps it alive
    junk = [np.full(4, 1e9) for _ in range(1000)]  # reuse freed memory, if any
    r = armoede.minima(t, thresholds=[1.0], units="households")
    assert (r.numerator_n.iloc[0], r.denominator_n.iloc[0]) == (2, 4)
    del t, junk
    gc.collect()
    assert wr() is None  # released with the table


def test_dataframe_columns_borrowed_and_kept():
    df = pd.DataFrame({"hid": np.arange(1, 5), "year": [2022] * 4, "ratio": [90.0, 100.0, 120.0, 150.0]})
    t = armoede.Table.from_dataframe(df, household_id="hid", year="year", ratio_pct="ratio")
    col = df["ratio"].to_numpy()
    assert any(np.shares_memory(a, col) for a in t._keep)  # no copy of float64 columns
    del df, col
    gc.collect()
    r = armoede.minima(t, thresholds=[1.0], units="households")
    assert r.estimate.iloc[0] == 0.5


def test_raw_handles_freed_once():
    # the GC frees what the library made; an explicit free empties the object
    for _ in range(1000):
        t = c.armoede_table_new(3)
        c.armoede_table_add_real(t, "x", np.array([1.0, 2.0, 3.0]), 1)
        n = c.armoede_norms_new()
        if _ % 2:
            c.armoede_table_free(t)
            c.armoede_norms_free(n)
        del t, n
    gc.collect()
    # a result outlives the table it was computed from
    t = armoede.Table.from_arrays({"hid": np.arange(4), "year": np.full(4, 2022), "r": np.full(4, 90.0)},
                                  household_id="hid", year="year", ratio_pct="r")
    r = c.armoede_minima(t._ptr, {"thresholds": [1.0]})
    del t
    gc.collect()
    assert c.armoede_result_nrows(r) == 1 and c.armoede_result_value(r, 0, c.ARMOEDE_FIELD_NUM_N) == 4


def one_round(i, x, labels):
    """Every kind of conversion: arrays, string lists, options dicts with
    nested lists, handles out, outputs, an error."""
    t = c.armoede_table_new(len(x))
    c.armoede_table_add_real(t, "ratio", x, 1)
    c.armoede_table_add_int(t, "hid", np.arange(len(x), dtype=np.int64), 1)
    c.armoede_table_add_int32(t, "year", np.full(len(x), 2022, dtype=np.int32))
    c.armoede_table_add_text(t, "wijk", labels)
    c.armoede_table_set_role(t, c.ARMOEDE_ROLE_HOUSEHOLD_ID, "hid")
    c.armoede_table_set_role(t, c.ARMOEDE_ROLE_YEAR, "year")
    c.armoede_table_set_role(t, c.ARMOEDE_ROLE_RATIO_PCT, "ratio")
    r = c.armoede_minima(t, {"thresholds": [1.0, 1.2], "by": ["wijk"], "margins": ["wijk"]})
    c.armoede_result_value(r, 0, c.ARMOEDE_FIELD_ESTIMATE)
    c.armoede_result_key(r, 0, 0)
    c.armoede_result_note(r, 0)
    try:
        c.armoede_minima(t, {"by": ["nope"]})
    except armoede.ArmoedeError:
        pass
    try:
        c.armoede_minima(t, {"thresholds": "bad"})
    except TypeError:
        pass
    c.armoede_quantiles(x, None, np.array([0.5]), 0)
    c.armoede_impact_options_init()
    if i % 3 == 0:
        c.armoede_result_free(r)


@pytest.mark.skipif(os.environ.get("ARMOEDE_ASAN") == "1",
                    reason="AddressSanitizer keeps freed memory in quarantine; leak_check.py runs instead")
def test_no_leak_over_100000_calls():
    x = np.array([90.0, 100.0, 120.0, 150.0, 80.0])
    labels = ["A", "B", None, "A", "B"]
    for i in range(500):  # warm up allocator and caches
        one_round(i, x, labels)
    gc.collect()
    before = rss_kib()
    calls_per_round = 17
    rounds = 100000 // calls_per_round + 1
    for i in range(rounds):
        one_round(i, x, labels)
    gc.collect()
    grown = rss_kib() - before
    # a leak of even 16 bytes per call would be 1.6 MB
    assert grown < 1024, "RSS grew by %d KiB over %d calls" % (grown, rounds * calls_per_round)


def test_threads_share_a_table():
    """The GIL is released during the computation; one table read by four
    threads at once gives four identical results."""
    import threading
    rng = np.random.default_rng(1)
    n = 200000
    t = armoede.Table.from_arrays({"hid": np.arange(n), "year": rng.integers(2016, 2025, n),
                                   "ratio": rng.uniform(50, 300, n), "wijk": rng.choice(list("ABCDEFGH"), n)},
                                  household_id="hid", year="year", ratio_pct="ratio")
    out = [None] * 4

    def run(i):
        out[i] = armoede.minima(t, by=["year", "wijk"], margins=["wijk"], nthreads=1)

    ths = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    for r in out[1:]:
        pd.testing.assert_frame_equal(out[0], r)
    assert len(out[0]) > 100
