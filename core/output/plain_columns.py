"""A frame's column as plain values a file writer understands, whatever pandas type it came in.

Every column becomes one of six kinds, so a writer never meets a type it would silently drop (a
categorical or timedelta column otherwise comes out empty) or a string it would have to check:

number    float64; missing values and infinities (which no spreadsheet holds) as NaN; float32 read
          at its own shortest decimal (0.1, not 0.10000000149011612)
integer   nullable Int64
boolean   nullable boolean
datetime  datetime64 without a time zone (an aware column keeps its own wall-clock time)
text      Arrow-backed str, every value made safe by ``core.output.safe_text``
mixed     object: None, bool, int, float, datetime.datetime or safe str, value by value

Anything else (timedelta, period, interval, complex, ...) is written as its text.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd

from core.output.safe_text import safe_text, safe_text_series

Kind = Literal["number", "integer", "boolean", "datetime", "text", "mixed"]
PlainValue = None | bool | int | float | dt.datetime | str

_NUMBER_KINDS = {"floating", "mixed-integer-float", "decimal"}
_DATE_KINDS = {"datetime", "datetime64", "date"}


@dataclass(frozen=True)
class PlainColumn:
    kind: Kind
    values: pd.Series


def plain_column(series: pd.Series) -> PlainColumn:
    """``series`` as one of the six kinds above (same index and length)."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return plain_column(series.astype(dtype.categories.dtype))
    if pd.api.types.is_bool_dtype(dtype):
        return PlainColumn("boolean", series.astype("boolean"))
    if pd.api.types.is_integer_dtype(dtype):
        return _integers(series)
    if pd.api.types.is_float_dtype(dtype):
        return PlainColumn("number", _finite_floats(series))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return PlainColumn("datetime", _naive(series))
    if pd.api.types.is_object_dtype(dtype):
        return _infer(series)
    if pd.api.types.is_string_dtype(dtype):
        return PlainColumn("text", safe_text_series(series))
    return PlainColumn("mixed", series.map(_as_text, na_action="ignore").astype(object).where(series.notna(), None))


def plain_value(value: object) -> PlainValue:
    """One value of a mixed column: missing as None, numbers and dates kept, anything else as safe text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value) if abs(int(value)) < 2**63 else float(value)
    if isinstance(value, float | np.floating | Decimal):
        number = float(str(value)) if isinstance(value, np.floating) else float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, dt.datetime | dt.date | np.datetime64):
        return _naive_datetime(value)
    if isinstance(value, str):
        return safe_text(value)
    return _as_text(value)


def _as_text(value: object) -> str:
    return safe_text(str(value))


def _integers(series: pd.Series) -> PlainColumn:
    try:
        return PlainColumn("integer", series.astype("Int64"))
    except (OverflowError, TypeError, ValueError):  # uint64 past int64's range
        return PlainColumn("number", _finite_floats(series))


def _finite_floats(series: pd.Series) -> pd.Series:
    if series.dtype in (np.float32, np.float16, "Float32"):
        # Each float32's own shortest decimal (numpy prints it so), not the float64 it widens to.
        narrow = series.to_numpy(dtype=np.float32, na_value=np.nan)
        return pd.Series(np.where(np.isinf(narrow), np.nan, narrow.astype(str).astype(np.float64)), index=series.index)
    values = pd.to_numeric(series).to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.Series(np.where(np.isinf(values), np.nan, values), index=series.index)


def _naive(series: pd.Series) -> pd.Series:
    return series.dt.tz_localize(None) if series.dt.tz is not None else series


def _naive_datetime(value: dt.date | np.datetime64) -> dt.datetime | None:
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return None
    return stamp.tz_localize(None).to_pydatetime() if stamp.tzinfo else stamp.to_pydatetime()


def _infer(series: pd.Series) -> PlainColumn:
    """An object column by what it holds; anything not uniform goes value by value."""
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    try:
        if inferred in ("string", "empty"):
            return PlainColumn("text", safe_text_series(series))
        if inferred == "boolean":
            return PlainColumn("boolean", series.astype("boolean"))
        if inferred == "integer":
            return _integers(series)
        if inferred in _NUMBER_KINDS:
            return PlainColumn("number", _finite_floats(series))
        if inferred in _DATE_KINDS:
            return PlainColumn("datetime", _naive(pd.to_datetime(series)))
    except (TypeError, ValueError, OverflowError):
        pass  # mixed time zones, out-of-range dates, ...: value by value below
    return PlainColumn("mixed", pd.Series([plain_value(v) for v in series], index=series.index, dtype=object))
