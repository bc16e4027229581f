"""100,000 calls of every kind of conversion (test_lifetime.one_round), for
a run under AddressSanitizer's leak checker (bindings/run_tests.sh with an
ASan build): exits 0; LeakSanitizer then reports any block still allocated
at exit, and run_tests.sh fails when a report names libarmoede or its
bindings (armoede_*, amb_*, _core)."""
import gc
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

from test_lifetime import one_round  # noqa: E402

x = np.array([90.0, 100.0, 120.0, 150.0, 80.0])
labels = ["A", "B", None, "A", "B"]
for i in range(100000 // 17 + 1):
    one_round(i, x, labels)
gc.collect()
print("leak_check: %d calls done" % ((100000 // 17 + 1) * 17))
