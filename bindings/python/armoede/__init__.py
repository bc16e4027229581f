"""libarmoede for Python: indicators of municipal poverty policy from unit-record data.

    import armoede
    t = armoede.Table.from_dataframe(df, household_id="hh", year="jaar", ratio_pct="INHARMSOC")
    armoede.minima(t, thresholds=[1.1, 1.2], by=["jaar", "wijk"], margins=["wijk"])

Every C function of include/armoede.h is in ``armoede.core`` under its C name
(SWIG-generated; outputs returned, statuses raised). This module is the
pythonic layer over it:

* ``Table``: from a CSV file (``read_csv``), numpy arrays (``from_arrays``) or
  a pandas DataFrame (``from_dataframe``); float64 and int64 columns are
  borrowed without a copy and kept alive by the Table; categorical and
  string columns become the library's dictionary codes; datetime64 columns
  dates. Roles by keyword (``person_id="rinpersoon"``).
* every indicator (``minima``, ``durations``, ``flows``, ``measures``,
  ``survey_share``, ``take_up``, ``lead_times``, ...) with the fields of its C
  options struct as keyword arguments and the C defaults; the result is a
  pandas DataFrame with the tidy columns of the CSV writer, its notes in
  ``df.attrs["notes"]`` and the library's result in ``df.attrs["result"]``.
* ``monitor_run`` for a monitor configuration file.
* errors: ``ArmoedeError`` (``.status``, ``.message``), raised with the
  library's message; bad input from Python (a wrong column name, a column of
  the wrong type, missing keys) raises an error naming the column.

The GIL is released while the library computes.
"""
import datetime as _dt
import inspect as _inspect
import json as _json
import os as _os
import re
import textwrap as _textwrap

import numpy as _np

try:
    import pandas as _pd
except ImportError:  # pragma: no cover - pandas is optional for the core
    _pd = None


class ArmoedeError(Exception):
    """An error reported by libarmoede.

    Attributes: ``status`` (the negative armoede_status, e.g. -5 for
    ARMOEDE_ENOTFOUND), ``name`` (its fixed text, armoede_strerror) and
    ``message`` (armoede_last_error(): what, where: file, line, column, value).
    """

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message

    @property
    def name(self):
        return core.armoede_strerror(self.status)

    def __str__(self):
        return "%s (%s)" % (self.message, core.armoede_strerror(self.status))


from . import core  # noqa: E402  (after ArmoedeError: the extension raises it)

core.amb_set_error_class(ArmoedeError)

__version__ = core.armoede_version()

_HERE = _os.path.dirname(__file__)
try:
    with open(_os.path.join(_HERE, "armoede_docs.json"), encoding="utf-8") as _f:
        _CDOCS = _json.load(_f)
except OSError:  # pragma: no cover
    _CDOCS = {}

# The raw functions of armoede.core carry the header's text as docstring.
for _n in dir(core):
    _f = getattr(core, _n)
    if _n.startswith("armoede_") and callable(_f) and not isinstance(_f, type) and not _f.__doc__:
        try:
            _f.__doc__ = "%s%s: the C function of that name (include/armoede*.h).\n\n%s" % (
                _n, _inspect.signature(_f), _CDOCS.get(_n, "Outputs are returned; a negative status "
                                                           "raises ArmoedeError."))
        except (AttributeError, TypeError, ValueError):  # pragma: no cover
            pass

NA_INT = -(2 ** 63)
_NA_I32 = -(2 ** 31)
_EPOCH = _dt.date(1970, 1, 1)

ROLES = [core.armoede_role_name(i) for i in range(core.ARMOEDE_ROLE_COUNT_)]
_STATUS = {core.ARMOEDE_CELL_OK: "ok", core.ARMOEDE_CELL_SUPPRESSED_PRIMARY: "suppressed_primary",
           core.ARMOEDE_CELL_SUPPRESSED_SECONDARY: "suppressed_secondary",
           core.ARMOEDE_CELL_NO_DATA: "no_data"}
if hasattr(core, "ARMOEDE_CELL_SUPPRESSED_DOMINANCE"):
    _STATUS[core.ARMOEDE_CELL_SUPPRESSED_DOMINANCE] = "suppressed_dominance"
_TYPES = {core.ARMOEDE_TYPE_INT: "int", core.ARMOEDE_TYPE_REAL: "real", core.ARMOEDE_TYPE_CAT: "cat",
          core.ARMOEDE_TYPE_DATE: "date"}
_TYPE_CODES = {"auto": core.ARMOEDE_TYPE_AUTO, "int": core.ARMOEDE_TYPE_INT,
               "real": core.ARMOEDE_TYPE_REAL, "float": core.ARMOEDE_TYPE_REAL,
               "cat": core.ARMOEDE_TYPE_CAT, "str": core.ARMOEDE_TYPE_CAT,
               "date": core.ARMOEDE_TYPE_DATE}


# --------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------
def to_day(value):
    """A day number (days since 1970-01-01) from a date, datetime, numpy
    datetime64, pandas Timestamp, ISO 'YYYY-MM-DD' string or an int (taken
    as a day number already)."""
    if value is None:
        return None
    if isinstance(value, (int, _np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        y, m, d = (int(x) for x in value.split("-"))
        return core.armoede_date_from_ymd(y, m, d)
    if isinstance(value, _np.datetime64):
        return int(value.astype("datetime64[D]").astype(_np.int64))
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return (value - _EPOCH).days
    raise TypeError("not a date: %r" % (value,))


def from_day(day):
    """The datetime.date of a day number (None for a missing one)."""
    if day is None or day == _NA_I32 or day == NA_INT:
        return None
    y, m, d = core.armoede_date_to_ymd(int(day))
    return _dt.date(y, m, d)


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------
class Table:
    """A table of unit records (the library's column store).

    Make one with ``Table.read_csv``, ``Table.from_arrays`` or
    ``Table.from_dataframe`` (or ``Table(nrows)`` and the ``add_*`` methods).
    Arrays the table borrows are kept alive by it. The C table is freed when
    the Table is garbage collected (or by ``close()``).
    """

    def __init__(self, nrows=None, *, _ptr=None):
        self._keep = []
        self._ptr = _ptr if _ptr is not None else core.armoede_table_new(int(nrows))

    # -- construction ---------------------------------------------------
    @classmethod
    def read_csv(cls, path, *, separator=None, decimal=None, na=None, columns=None, types=None,
                 **roles):
        """Read a CSV or gzip-compressed CSV file (armoede_table_read_csv).

        separator: ',', ';', '\\t' or None (detect); decimal: '.' (default) or
        ','; na: missing-value tokens (None: "", "NA", "-", "."; [] for none);
        columns: the columns to load (None: all); types: their types, a list
        as long as columns or a dict name -> "int", "real", "cat", "date" or
        "auto"; roles by keyword (``year="jaar"``)."""
        opts = {}
        if separator is not None:
            opts["separator"] = separator
        if decimal is not None:
            opts["decimal"] = decimal
        if na is not None:
            opts["na_tokens"] = list(na)
        if isinstance(types, dict):
            if columns is None:
                columns = list(types)
            types = [types.get(c, "auto") for c in columns]
        if columns is not None:
            opts["columns"] = list(columns)
        if types is not None:
            opts["types"] = [_TYPE_CODES[t] if isinstance(t, str) else int(t) for t in types]
        t = cls(_ptr=core.armoede_table_read_csv(_os.fspath(path), opts))
        t.set_roles(**roles)
        return t

    @classmethod
    def from_arrays(cls, columns=None, **roles):
        """A table from a dict of name -> 1-d array (numpy array, list, or
        pandas Series), all of one length. float arrays become REAL columns
        (float64 borrowed without a copy), integer and bool arrays INT
        columns (int64 borrowed), string/object arrays CAT columns (None and
        NaN missing), datetime64 arrays DATE columns. Roles by keyword."""
        if not columns:
            raise ValueError("from_arrays: no columns")
        n = None
        for name, x in columns.items():
            ln = len(x)
            if n is None:
                n = ln
            elif ln != n:
                raise ValueError("from_arrays: column '%s' has %d rows, the others %d" % (name, ln, n))
        t = cls(n)
        for name, x in columns.items():
            t.add(name, x)
        t.set_roles(**roles)
        return t

    @classmethod
    def from_dataframe(cls, df, columns=None, **roles):
        """A table from a pandas DataFrame (all columns, or those named).

        float64 and int64 columns are borrowed without a copy (the Table keeps
        them alive); other numeric columns are converted; nullable Int64 and
        boolean columns become INT with missing values; categorical columns
        become CAT columns with their codes and categories (unused
        categories are dropped: they would make no group anyway); string /
        object columns CAT columns (None, NaN missing); datetime64 columns
        DATE columns. Roles by keyword (``person_id="rinpersoon"``)."""
        if _pd is None:  # pragma: no cover
            raise ImportError("pandas is needed for from_dataframe")
        if not isinstance(df, _pd.DataFrame):
            raise TypeError("from_dataframe: a pandas DataFrame expected, not %s" % type(df).__name__)
        names = list(df.columns) if columns is None else list(columns)
        for c in names:
            if c not in df.columns:
                raise KeyError("from_dataframe: no column '%s' (columns: %s)" % (c, ", ".join(map(str, df.columns))))
        if len(df) == 0:
            raise ValueError("from_dataframe: the data frame has zero rows")
        t = cls(len(df))
        for c in names:
            t.add(str(c), df[c])
        t.set_roles(**roles)
        return t

    def add(self, name, x):
        """Add column `name` from an array, list or pandas Series, choosing
        the column type from the dtype (see from_dataframe)."""
        try:
            self._add(name, x)
        except ArmoedeError:
            raise
        except (TypeError, ValueError, OverflowError) as e:
            raise type(e)("column '%s': %s" % (name, e)) from None
        return self

    def _add(self, name, x):
        if _pd is not None and isinstance(x, _pd.Series):
            dt = x.dtype
            if isinstance(dt, _pd.CategoricalDtype):
                x = x.cat.remove_unused_categories()
                labels = [str(c) for c in x.cat.categories]
                if len(set(labels)) != len(labels):
                    raise ValueError("categories are not distinct as text: %s" % labels)
                codes = _np.ascontiguousarray(x.cat.codes.to_numpy(), dtype=_np.int32)
                return self.add_cat(name, codes, labels)
            if _pd.api.types.is_extension_array_dtype(dt) and dt.kind in "iub":
                v = x.to_numpy(dtype="float64", na_value=_np.nan)
                iv = _np.where(_np.isnan(v), NA_INT, _np.nan_to_num(v)).astype(_np.int64)
                return self.add_int(name, iv, copy=False)
            if _pd.api.types.is_extension_array_dtype(dt) and dt.kind == "f":
                return self.add_real(name, x.to_numpy(dtype="float64", na_value=_np.nan), copy=False)
            if isinstance(dt, _pd.StringDtype):
                return self.add_text(name, [None if v is _pd.NA else v for v in x.tolist()])
            if _pd.api.types.is_datetime64_any_dtype(dt):
                if getattr(dt, "tz", None) is not None:
                    x = x.dt.tz_localize(None)
                return self.add_date(name, x.to_numpy())
            x = x.to_numpy()
        a = x if isinstance(x, _np.ndarray) else _np.asarray(x)
        if a.ndim != 1:
            raise ValueError("a 1-d array expected, not %d-d" % a.ndim)
        k = a.dtype.kind
        if k == "f":
            return self.add_real(name, a, copy=False)
        if k in "iu":
            if k == "u" and a.dtype.itemsize == 8 and a.size and a.max() > 2 ** 63 - 1:
                raise OverflowError("values above 2^63 - 1")
            return self.add_int(name, a, copy=False)
        if k == "b":
            return self.add_int(name, a.astype(_np.int64), copy=False)
        if k == "M":
            return self.add_date(name, a)
        if k in "OUS" and _pd is not None:
            kind = _pd.api.types.infer_dtype(a, skipna=True)
            if kind in ("string", "empty"):
                # dictionary codes in order of first appearance (as add_text), in C
                codes, uniques = _pd.factorize(a, use_na_sentinel=True)
                return self.add_cat(name, codes.astype(_np.int32), list(uniques))
            if kind == "bytes":
                a = _np.array([None if v is None else v.decode("utf-8") for v in a.tolist()], dtype=object)
                return self._add(name, a)
            bad = next(((i, v) for i, v in enumerate(a.tolist()) if not (
                v is None or isinstance(v, str) or (isinstance(v, float) and v != v) or v is _pd.NA)), None)
            if bad is not None:
                raise TypeError("row %d holds a %s (%r), not a string: give the column one type"
                                % (bad[0], type(bad[1]).__name__, bad[1]))
        if k in "OUS":
            vals = []
            for i, v in enumerate(a.tolist()):
                if v is None or (isinstance(v, float) and v != v) or (_pd is not None and v is _pd.NA):
                    vals.append(None)
                elif isinstance(v, bytes):
                    vals.append(v.decode("utf-8"))
                elif isinstance(v, str):
                    vals.append(v)
                else:
                    raise TypeError("row %d holds a %s (%r), not a string: give the column one type"
                                    % (i, type(v).__name__, v))
            return self.add_text(name, vals)
        raise TypeError("unsupported dtype %s" % a.dtype)

    def add_real(self, name, x, copy=False):
        """Add a REAL column (NaN missing). copy=False borrows a float64
        array (kept alive by this Table)."""
        a = _np.ascontiguousarray(x, dtype=_np.float64)
        core.armoede_table_add_real(self._ptr, name, a, 1 if copy else 0)
        if not copy:
            self._keep.append(a)
        return self

    def add_int(self, name, x, copy=False):
        """Add an INT column (armoede.NA_INT missing). copy=False borrows an
        int64 array (kept alive by this Table)."""
        a = _np.ascontiguousarray(x, dtype=_np.int64)
        core.armoede_table_add_int(self._ptr, name, a, 1 if copy else 0)
        if not copy:
            self._keep.append(a)
        return self

    def add_cat(self, name, codes, labels):
        """Add a CAT column from codes 0..len(labels)-1 (-1 missing) and labels."""
        core.armoede_table_add_cat(self._ptr, name, _np.ascontiguousarray(codes, dtype=_np.int32),
                                   [str(l) for l in labels])
        return self

    def add_text(self, name, values):
        """Add a CAT column from strings (None missing)."""
        core.armoede_table_add_text(self._ptr, name, list(values))
        return self

    def add_date(self, name, values):
        """Add a DATE column from datetime64 values (NaT missing), dates or
        ISO strings."""
        a = _np.asarray(values)
        if a.dtype.kind == "M":
            d = a.astype("datetime64[D]")
            days = d.astype(_np.int64)
            days = _np.where(_np.isnat(d), _NA_I32, days)
        else:
            days = _np.array([_NA_I32 if v is None else to_day(v) for v in a.tolist()], dtype=_np.int64)
        if days.size and (days.min() < _NA_I32 or days.max() > 2 ** 31 - 1):
            raise OverflowError("a date out of range")
        core.armoede_table_add_date(self._ptr, name, _np.ascontiguousarray(days, dtype=_np.int32))
        return self

    # -- roles ------------------------------------------------------------
    def set_role(self, role, column):
        """Map a role ("person_id", "year", ... or an ARMOEDE_ROLE_* code) to
        a column; column None unmaps it."""
        r = core.armoede_role_from_name(role) if isinstance(role, str) else int(role)
        core.armoede_table_set_role(self._ptr, r, column)
        return self

    def set_roles(self, **roles):
        """Map roles by keyword: ``t.set_roles(year="jaar", ratio_pct="INHARMSOC")``."""
        for role, col in roles.items():
            if role not in ROLES:
                raise TypeError("unknown role '%s' (roles: %s)" % (role, ", ".join(ROLES)))
            self.set_role(role, col)
        return self

    def role(self, role):
        """The column mapped to role, or None."""
        r = core.armoede_role_from_name(role) if isinstance(role, str) else int(role)
        return core.armoede_table_role(self._ptr, r)

    @property
    def roles(self):
        """dict role -> column of the mapped roles."""
        out = {}
        for i, name in enumerate(ROLES):
            c = core.armoede_table_role(self._ptr, i)
            if c is not None:
                out[name] = c
        return out

    # -- inspection -------------------------------------------------------
    @property
    def nrows(self):
        """Number of rows."""
        return core.armoede_table_nrows(self._ptr)

    def __len__(self):
        return self.nrows

    @property
    def columns(self):
        """The column names."""
        return [core.armoede_table_colname(self._ptr, j) for j in range(core.armoede_table_ncols(self._ptr))]

    def coltype(self, name):
        """The type of a column: "int", "real", "cat" or "date"."""
        return _TYPES[core.armoede_table_coltype(self._ptr, name)]

    def nmissing(self, name):
        """Number of missing values of a column."""
        self.coltype(name)  # raises for a wrong name
        return core.armoede_table_nmissing(self._ptr, name)

    def levels(self, name):
        """The dictionary (labels in code order) of a CAT column."""
        return [core.armoede_table_level(self._ptr, name, i) for i in range(core.armoede_table_nlevels(self._ptr, name))]

    def column(self, name):
        """A column as a numpy array (REAL: float64 with NaN; INT: float64
        with NaN for missing; CAT: object array of labels with None; DATE:
        datetime64[D] with NaT)."""
        ty = self.coltype(name)
        n = self.nrows
        if ty == "cat":
            return _np.array([core.armoede_table_get_label(self._ptr, name, i) for i in range(n)], dtype=object)
        if ty == "date":
            v = [core.armoede_table_get_int(self._ptr, name, i) for i in range(n)]
            return _np.array(["NaT" if x == NA_INT else _np.datetime64(x, "D") for x in v], dtype="datetime64[D]")
        return _np.array([core.armoede_table_get_real(self._ptr, name, i) for i in range(n)])

    def to_dataframe(self):
        """The table as a pandas DataFrame (see column())."""
        return _pd.DataFrame({c: self.column(c) for c in self.columns})

    def close(self):
        """Free the C table now (it is freed by the garbage collector otherwise)."""
        if self._ptr is not None:
            core.armoede_table_free(self._ptr)
        self._keep = []

    def __repr__(self):
        try:
            return "<armoede.Table %d rows x %d columns: %s>" % (self.nrows, len(self.columns),
                                                                 ", ".join(self.columns[:12]))
        except ValueError:
            return "<armoede.Table (freed)>"


def read_csv(path, **kwargs):
    """Read a CSV file into a Table: see Table.read_csv."""
    return Table.read_csv(path, **kwargs)


class Norms:
    """A social-minimum norms table (armoede_norms): ``Norms.read_csv(path)``
    or ``Norms()`` and ``add``; household types of the data are mapped to
    those of the table with ``map_type``."""

    def __init__(self, *, _ptr=None):
        self._ptr = _ptr if _ptr is not None else core.armoede_norms_new()

    @classmethod
    def read_csv(cls, path):
        """Read a norms CSV (valid_from, household_type, age_band, annual_amount)."""
        return cls(_ptr=core.armoede_norms_read_csv(_os.fspath(path)))

    def add(self, valid_from, household_type, age_band, annual_amount):
        """Add a row valid from a date (date, ISO string or (y, m, d))."""
        if isinstance(valid_from, tuple):
            y, m, d = valid_from
        else:
            d0 = from_day(to_day(valid_from))
            y, m, d = d0.year, d0.month, d0.day
        core.armoede_norms_add(self._ptr, y, m, d, household_type, age_band, float(annual_amount))
        return self

    def map_type(self, data_code, norm_type):
        """Map a household type of the data to one of the norms table."""
        core.armoede_norms_map_type(self._ptr, data_code, norm_type)
        return self

    def map_types(self, mapping):
        """map_type for every item of a dict."""
        for k, v in mapping.items():
            self.map_type(k, v)
        return self

    def annual(self, year, household_type, age_band):
        """The annual norm of a year for a household type and age band."""
        return core.armoede_norms_annual(self._ptr, int(year), household_type, age_band)

    def __len__(self):
        return core.armoede_norms_nrows(self._ptr)


# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------
# The number columns of the tidy CSV: every ARMOEDE_FIELD_* in enum order
# (threshold and duration come first), named as the CSV writer names them.
_FIELD_NAMES = {"NUM_W": "numerator", "DEN_W": "denominator", "NUM_N": "numerator_n", "DEN_N": "denominator_n"}
_FIELD_CODES = sorted((getattr(core, k), k[len("ARMOEDE_FIELD_"):]) for k in dir(core)
                      if k.startswith("ARMOEDE_FIELD_") and not k.endswith("_")
                      and k not in ("ARMOEDE_FIELD_THRESHOLD", "ARMOEDE_FIELD_DURATION"))
_FIELDS = [_FIELD_NAMES.get(k, k.lower()) for _, k in _FIELD_CODES]
_FIELD_CODES = [v for v, _ in _FIELD_CODES]


def result_frame(r):
    """A pandas DataFrame of a library result (an armoede.core result
    object), with the columns of the tidy CSV: indicator, unit, threshold,
    duration, the keys, estimate, numerator, denominator, numerator_n,
    denominator_n, se, ci_low, ci_high, reference (and any field added to
    armoede_field since), status, rounded, reason.
    Missing keys and hidden numbers are None / NaN. attrs: notes (list of
    str), protected (bool), result (the library object, for write_csv,
    write_json and protect)."""
    c = core
    n = c.armoede_result_nrows(r)
    nk = c.armoede_result_nkeys(r)
    keys = [c.armoede_result_key_name(r, k) for k in range(nk)]
    data = {"indicator": [c.armoede_result_indicator(r, i) for i in range(n)],
            "unit": [c.armoede_result_unit(r, i) for i in range(n)],
            "threshold": [c.armoede_result_value(r, i, c.ARMOEDE_FIELD_THRESHOLD) for i in range(n)],
            "duration": [c.armoede_result_value(r, i, c.ARMOEDE_FIELD_DURATION) for i in range(n)]}
    for k, name in enumerate(keys):
        col = name if name not in data else "key_" + name
        data[col] = [c.armoede_result_key(r, i, k) for i in range(n)]
    for f, code in zip(_FIELDS, _FIELD_CODES):
        data[f] = _np.array([c.armoede_result_value(r, i, code) for i in range(n)], dtype=float)
    st = [c.armoede_result_status(r, i) for i in range(n)]
    data["status"] = [_STATUS.get(s, str(s)) for s in st]
    data["rounded"] = _np.array([c.armoede_result_rounded(r, i) for i in range(n)], dtype=_np.int64)
    data["reason"] = [c.armoede_result_reason(r, i) for i in range(n)]
    df = _pd.DataFrame(data)
    df.attrs["notes"] = [c.armoede_result_note(r, i) for i in range(c.armoede_result_nnotes(r))]
    df.attrs["protected"] = bool(c.armoede_result_protected(r))
    df.attrs["result"] = r
    return df


def _result_of(x):
    if _pd is not None and isinstance(x, _pd.DataFrame):
        r = x.attrs.get("result")
        if r is None:
            raise TypeError("this data frame was not made by armoede (no attrs['result'])")
        return r
    return x


def write_csv(df, path, *, unprotected=False, separator=None):
    """Write a result as tidy CSV (armoede_result_write_csv; protected with
    the default disclosure control unless unprotected=True)."""
    opts = {"unprotected": int(bool(unprotected))}
    if separator:
        opts["separator"] = separator
    core.armoede_result_write_csv(_result_of(df), _os.fspath(path), opts)


def write_json(df, path, *, unprotected=False):
    """Write a result as JSON (armoede_result_write_json; protected unless
    unprotected=True)."""
    core.armoede_result_write_json(_result_of(df), _os.fspath(path), {"unprotected": int(bool(unprotected))})


def monitor_run(path, out_dir=None):
    """Run a monitor configuration file (docs/config.md) and write its
    outputs (into out_dir instead of the file's output directory when
    given); returns the combined, protected result as a DataFrame."""
    r = core.armoede_monitor_run(_os.fspath(path), None if out_dir is None else _os.fspath(out_dir))
    return result_frame(r)


# --------------------------------------------------------------------------
# indicators: one pythonic function per C function that takes an options
# struct, made from the C signature and the C defaults (so that a function
# added to the C API appears here without editing this file).
# --------------------------------------------------------------------------
_NAMED = {
    "units": {"households": core.ARMOEDE_UNIT_HOUSEHOLDS, "persons": core.ARMOEDE_UNIT_PERSONS,
              "minors": core.ARMOEDE_UNIT_MINORS},
    "level": {"person": core.ARMOEDE_LEVEL_PERSON, "household": core.ARMOEDE_LEVEL_HOUSEHOLD},
    "negative_income": {"exclude": core.ARMOEDE_NEGATIVE_EXCLUDE, "include": core.ARMOEDE_NEGATIVE_INCLUDE},
}
for _name, _prefix in (("rule", "ARMOEDE_QUANTILE_"), ("scale", "ARMOEDE_SCALE_"),
                       ("fgt_line", "ARMOEDE_LINE_"), ("period", "ARMOEDE_PERIOD_"),
                       ("measures", "ARMOEDE_MEASURE_"), ("ci_method", "ARMOEDE_CI_"),
                       ("lonely_psu", "ARMOEDE_LONELY_"), ("unit", "ARMOEDE_TERM_")):
    _NAMED[_name] = {k[len(_prefix):].lower(): getattr(core, k) for k in dir(core)
                     if k.startswith(_prefix) and not k.endswith("_")}
_BITS = {"units", "measures"}


def _named(field, v):
    """Names for enum and bit-set options: units=["households", "persons"],
    rule="eurostat", ci_method="wilson", ..."""
    tab = _NAMED.get(field)
    if tab is None:
        return v
    if isinstance(v, str):
        v = [v] if field in _BITS else v
        if isinstance(v, str):
            if v.lower() not in tab:
                raise ValueError("option '%s': unknown value '%s' (known: %s)" % (field, v, ", ".join(tab)))
            return tab[v.lower()]
    if field in _BITS and isinstance(v, (list, tuple, set)):
        bits = 0
        for x in v:
            if isinstance(x, str):
                if x.lower() not in tab:
                    raise ValueError("option '%s': unknown value '%s' (known: %s)" % (field, x, ", ".join(tab)))
                bits |= tab[x.lower()]
            else:
                bits |= int(x)
        return bits
    return v


_DAY_FIELDS = ("day", "days", "observed_until")


def _conv(field, v, keep):
    """A Python option value as the core wants it."""
    if isinstance(v, Table):
        keep.append(v)
        return v._ptr
    if isinstance(v, Norms):
        keep.append(v)
        return v._ptr
    if _pd is not None and isinstance(v, _pd.DataFrame):
        t = Table.from_dataframe(v)
        keep.append(t)
        return t._ptr
    if isinstance(v, dict):
        return {k: _conv(k, x, keep) for k, x in v.items()}
    if field.endswith(_DAY_FIELDS) and v is not None:
        if isinstance(v, (list, tuple, _np.ndarray)) or (_pd is not None and isinstance(v, _pd.Series)):
            return [to_day(x) for x in v]
        return to_day(v)
    if isinstance(v, _np.ndarray) or (_pd is not None and isinstance(v, _pd.Series)):
        v = list(v.tolist())
    if isinstance(v, (list, tuple)):
        if v and all(isinstance(x, dict) for x in v):
            return [_conv(field, x, keep) for x in v]
        if field not in _BITS:
            return [x for x in v]
    if isinstance(v, tuple):
        v = list(v)
    return _named(field, v)


def _check_keys(tables, opts, na_keys):
    """With na_keys="error": a missing value in a by-column or in the id /
    year column of a table is an error naming the column. na_keys="library"
    leaves them to the library's documented rules (a row with a missing
    by-key is left out of every cell and counted in the notes; a row with a
    missing id is a unit of its own, never merged with another)."""
    if na_keys == "library":
        return
    if na_keys != "error":
        raise ValueError("na_keys: 'error' or 'library', not %r" % (na_keys,))
    by = list(opts.get("by") or [])
    for t in tables:
        cols = set(by) & set(t.columns)
        for role in ("person_id", "household_id", "year"):
            c = t.role(role)
            if c is not None:
                cols.add(c)
        for c in sorted(cols):
            m = t.nmissing(c)
            if m:
                raise ValueError("column '%s' has %d missing value%s: a key column must be complete "
                                 "(na_keys='library' applies the library's rules for missing keys instead)"
                                 % (c, m, "" if m == 1 else "s"))


def _as_table(x, pname):
    if isinstance(x, Table):
        return x
    if _pd is not None and isinstance(x, _pd.DataFrame):
        return Table.from_dataframe(x)
    if x is None:
        return None
    raise TypeError("%s: an armoede.Table or a pandas DataFrame expected, not %s" % (pname, type(x).__name__))


def _doc_of(cname):
    d = _CDOCS.get(cname, "")
    if not d:
        return ""
    first, _, rest = d.partition("\n")
    return first + "\n" + _textwrap.dedent(rest)


def _make(cname, pyname):
    cfun = getattr(core, cname)
    csig = _inspect.signature(cfun)
    params = list(csig.parameters)
    optname = next(p for p in params if p in ("opts", "cols"))
    defaults = _OPTION_DEFAULTS.get(cname, {})
    pos = [p for p in params if p != optname]
    table_params = [p for p in pos if p in _TABLE_PARAMS]
    # table arguments the C documentation allows to be NULL ("opts may be NULL", "t (may be NULL",
    # "reach (a participation table ...; may be NULL")
    optional = set(re.findall(r"\b(\w+)\s+(?:\((?:[^()]*?[;,]\s*)?)?may\s+be\s+NULL",
                              _CDOCS.get(cname, ""))) & set(pos)

    def f(*args, na_keys="error", protect=False, **kwargs):
        if len(args) > len(pos):
            raise TypeError("%s() takes %d positional arguments (%s), %d given"
                            % (pyname, len(pos), ", ".join(pos), len(args)))
        vals = dict(zip(pos, args))
        for p in pos[len(args):]:
            if p in kwargs:
                vals[p] = kwargs.pop(p)
            elif p in optional:
                vals[p] = None
            else:
                raise TypeError("%s() missing argument '%s'" % (pyname, p))
        unknown = [k for k in kwargs if k not in defaults]
        if unknown:
            raise TypeError("%s(): unknown option%s %s (options: %s)" % (
                pyname, "s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(defaults)))
        keep = []
        tables = []
        for p in table_params:
            t = _as_table(vals[p], p)
            if t is not None:
                tables.append(t)
                keep.append(t)
                vals[p] = t._ptr
        opts = {k: _conv(k, v, keep) for k, v in kwargs.items()}
        if tables:
            _check_keys(tables[:1], opts, na_keys)
        cargs = [vals[p] if p != optname else opts for p in params]
        out = cfun(*cargs)
        if isinstance(out, core.armoede_result):
            if protect:
                core.armoede_sdc_apply(out, protect if isinstance(protect, dict) else None)
            return result_frame(out)
        return out

    kw = [_inspect.Parameter(p, _inspect.Parameter.POSITIONAL_OR_KEYWORD,
                             default=None if p in optional else _inspect.Parameter.empty)
          for p in pos]
    kw += [_inspect.Parameter(k, _inspect.Parameter.KEYWORD_ONLY, default=v) for k, v in defaults.items()]
    kw += [_inspect.Parameter("na_keys", _inspect.Parameter.KEYWORD_ONLY, default="error"),
           _inspect.Parameter("protect", _inspect.Parameter.KEYWORD_ONLY, default=False)]
    f.__signature__ = _inspect.Signature(kw)
    f.__name__ = f.__qualname__ = pyname
    opt_lines = "\n".join("    %s = %r" % (k, v) for k, v in defaults.items())
    f.__doc__ = (
        "%s(%s, **options): the C function %s.\n\n%s\n\n"
        "Tables: armoede.Table or pandas DataFrame. Options (keyword arguments; the C defaults;\n"
        "None = the C default/NULL; names allowed for enums and bit sets, e.g. units=[\"persons\"]):\n%s\n\n"
        "na_keys: \"error\" (default) raises naming a by-, id- or year column with missing values;\n"
        "\"library\" applies the library's rules (missing by-key: row left out, counted in the\n"
        "notes; missing id: a unit of its own).\n"
        "protect: False (default: unprotected figures, as the C function), True or a dict of\n"
        "armoede_sdc_options: disclosure control applied.\n"
        "Returns a pandas DataFrame with the tidy columns (see result_frame), or the C outputs.\n"
        "Raises ArmoedeError with the library's message."
        % (pyname, ", ".join(pos), cname, _doc_of(cname), opt_lines))
    return f


_TABLE_PARAMS = {"t", "reg", "cases", "a", "b", "reach", "ratings"}
# the defaults of each options struct: what its *_init function returns.
_OPTION_DEFAULTS = {}
_STRUCTS = {n[len("armoede_"):-len("_init")]: getattr(core, n)() for n in dir(core)
            if n.startswith("armoede_") and n.endswith("_init") and callable(getattr(core, n))}
# the options struct each C function takes (from the headers, by gen_bindings.py)
try:
    with open(_os.path.join(_HERE, "armoede_api_types.json"), encoding="utf-8") as _f:
        _API_TYPES = _json.load(_f)
except OSError:  # pragma: no cover
    _API_TYPES = {}

INDICATORS = []
for _cname, _sname in sorted(_API_TYPES.items()):
    if not hasattr(core, _cname) or _cname.endswith("_init"):
        continue
    _key = _sname[len("armoede_"):]
    if _key not in _STRUCTS:
        continue
    _pyname = _cname[len("armoede_"):]
    if _pyname in ("table_read_csv", "result_write_csv", "result_write_json", "sdc_apply",
                   "registrations_read_csv"):
        continue
    _OPTION_DEFAULTS[_cname] = _STRUCTS[_key]
    globals()[_pyname] = _make(_cname, _pyname)
    INDICATORS.append(_pyname)
del _cname, _sname, _key, _pyname


def read_registrations(path, *, separator=None, decimal=None, na=None, **columns):
    """Read a registrations CSV (armoede_registrations_read_csv): columns by
    keyword as armoede_registration_columns (id="id", level=0, scheme="scheme",
    year="year", start=None, end=None, amount=None)."""
    opts = {}
    if separator is not None:
        opts["separator"] = separator
    if decimal is not None:
        opts["decimal"] = decimal
    if na is not None:
        opts["na_tokens"] = list(na)
    cols = {k: _named(k, v) for k, v in columns.items()}
    return Table(_ptr=core.armoede_registrations_read_csv(_os.fspath(path), cols, opts))


# --------------------------------------------------------------------------
# small functions
# --------------------------------------------------------------------------
def quantiles(x, p, w=None, rule="laeken"):
    """Weighted quantiles (armoede_quantiles): the p[k]-quantiles of x with
    weights w (None: all 1) by rule "laeken" (default), "eurostat", "ge" or
    "linear" (R type 7, unweighted). Returns a float64 array."""
    x = _np.ascontiguousarray(x, dtype=_np.float64)
    if w is not None:
        w = _np.ascontiguousarray(w, dtype=_np.float64)
        if len(w) != len(x):
            raise ValueError("quantiles: w has %d values, x %d" % (len(w), len(x)))
    scalar = _np.ndim(p) == 0
    out = core.armoede_quantiles(x, w, _np.atleast_1d(_np.asarray(p, dtype=_np.float64)), _named("rule", rule))
    return float(out[0]) if scalar else out


def equivalence_factor(scale, year, n_under14, n_14to17, n_adults):
    """The equivalence factor of a household (armoede_equivalence_factor);
    scale "oecd", "sqrt", "cbs", "cbs_2017", "cbs_2018" or "none"."""
    return core.armoede_equivalence_factor(_named("scale", scale), int(year), int(n_under14),
                                           int(n_14to17), int(n_adults))


def easter(year):
    """Easter Sunday of a year as a datetime.date."""
    return from_day(core.armoede_easter(int(year)))


def nl_holiday(day):
    """The name of the Dutch holiday (Algemene termijnenwet) on a day, or None."""
    is_h, name = core.armoede_nl_holiday(to_day(day))
    return name if is_h else None


def nl_working_day(day):
    """True when a day is a Dutch working day."""
    return bool(core.armoede_nl_working_day(to_day(day)))


def nl_working_days(start, end):
    """Working days d with start < d <= end (negative when end < start)."""
    return core.armoede_nl_working_days(to_day(start), to_day(end))


def nl_add_working_days(start, n):
    """The n-th working day after start, as a datetime.date."""
    return from_day(core.armoede_nl_add_working_days(to_day(start), int(n)))


def term_end(start, n, unit="days", atw=True):
    """The last day of a legal term of n units ("days", "weeks", "months",
    "working_days") from start, with the Algemene termijnenwet when atw."""
    return from_day(core.armoede_term_end(to_day(start), int(n), _named("unit", unit), int(bool(atw))))


__all__ = ["ArmoedeError", "Table", "Norms", "read_csv", "read_registrations", "result_frame",
           "write_csv", "write_json", "monitor_run", "quantiles", "equivalence_factor", "easter",
           "nl_holiday", "nl_working_day", "nl_working_days", "nl_add_working_days", "term_end",
           "to_day", "from_day", "core"] + INDICATORS
