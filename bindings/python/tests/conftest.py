"""Fixtures of the Python binding tests (bindings/run_tests.sh runs them).

Environment: ARMOEDE_BUILD_DIR (the meson build dir: tools/armoede-gencity
and tools/armoede), ARMOEDE_SOURCE_DIR (the repository; default: three
levels up from this file). PYTHONPATH must hold <build>/bindings/python, or
the package must be installed.
"""
import os
import shutil
import subprocess

import pytest

SOURCE = os.environ.get("ARMOEDE_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD = os.environ.get("ARMOEDE_BUILD_DIR", os.path.join(SOURCE, "build"))


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE


@pytest.fixture(scope="session")
def build_dir():
    return BUILD


@pytest.fixture(scope="session")
def city(tmp_path_factory):
    """The Groningen layout with a small synthetic city (seed 7, 3000
    households): returns the directory holding examples/groningen/
    trendmonitor.ini, data/norms_participatiewet.csv and the city file."""
    gencity = os.path.join(BUILD, "tools", "armoede-gencity")
    if not os.access(gencity, os.X_OK):
        pytest.skip("no %s (set ARMOEDE_BUILD_DIR)" % gencity)
    root = tmp_path_factory.mktemp("city")
    os.makedirs(root / "data" / "synthetic")
    os.makedirs(root / "examples" / "groningen")
    shutil.copy(os.path.join(SOURCE, "examples", "groningen", "trendmonitor.ini"),
                root / "examples" / "groningen")
    shutil.copy(os.path.join(SOURCE, "data", "norms_participatiewet.csv"), root / "data")
    subprocess.run([gencity, "--seed", "7", "--households", "3000", "-o",
                    str(root / "data" / "synthetic" / "groningen_2016_2024.csv.gz")],
                   check=True, capture_output=True)
    return root
