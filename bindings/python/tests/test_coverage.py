"""Every public C function (ARMOEDE_API in include/*.h) is callable from
Python: in armoede.core under its C name, and every function that takes an
options struct also in the pythonic layer."""
import inspect
import os
import re

import armoede
from armoede import core

HERE = os.path.dirname(os.path.abspath(__file__))


def api():
    """(name, implemented) from the list the build wrote beside the package."""
    path = os.path.join(os.path.dirname(armoede.__file__), "armoede_api.txt")
    out = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            name, impl = line.split()
            out.append((name, impl == "1"))
    return out


def headers():
    """The ARMOEDE_API functions of the headers the tests run against."""
    src = os.environ.get("ARMOEDE_SOURCE_DIR") or os.path.join(HERE, "..", "..", "..")
    inc = os.path.join(src, "include")
    names = set()
    for h in os.listdir(inc):
        if h.startswith("armoede") and h.endswith(".h"):
            text = re.sub(r"/\*.*?\*/", " ", open(os.path.join(inc, h)).read(), flags=re.S)
            names |= set(re.findall(r"ARMOEDE_API\s+[^;{]*?\b(armoede_\w+)\s*\(", text))
    return names


def test_every_public_function_is_callable():
    fns = api()
    assert len(fns) > 80
    missing = [n for n, impl in fns if impl and not callable(getattr(core, n, None))]
    assert not missing, "not wrapped: %s" % missing
    undocumented = [n for n, impl in fns if impl and not getattr(core, n).__doc__]
    assert not undocumented, undocumented
    unimplemented = [n for n, impl in fns if not impl]
    assert not unimplemented, "declared but not in libarmoede: %s" % unimplemented


def test_the_list_is_the_headers():
    assert {n for n, _ in api()} == headers()


def test_every_options_function_has_a_pythonic_wrapper():
    for n, impl in api():
        if not impl or n.endswith("_init"):
            continue
        params = inspect.signature(getattr(core, n)).parameters
        if "opts" in params and n not in ("armoede_table_read_csv", "armoede_result_write_csv",
                                          "armoede_result_write_json", "armoede_sdc_apply",
                                          "armoede_registrations_read_csv"):
            short = n[len("armoede_"):]
            assert short in armoede.INDICATORS and callable(getattr(armoede, short)), n
            assert getattr(armoede, short).__doc__


def test_docstrings_on_every_public_function():
    for name in armoede.__all__:
        obj = getattr(armoede, name)
        if name == "core" or isinstance(obj, type) and issubclass(obj, Exception):
            continue
        assert obj.__doc__ and len(obj.__doc__) > 20, name
        if isinstance(obj, type):
            for m, f in vars(obj).items():
                if not m.startswith("_") and callable(f):
                    assert f.__doc__, "%s.%s" % (name, m)
