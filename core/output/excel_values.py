"""One column's values as an Excel sheet should hold them, and the number format that shows them.

The caller says what a column means (a probability, money, a date, a count); the values stay what
they are (a probability stays 0.1234, shown as 12.3%). Text that reads as a number or an ISO date in
such a column becomes one; text that does not is kept as text, never dropped. Excel cannot hold a
date before 1900 or after 9999, nor more than 32,767 characters in a cell: such a date is written as
ISO text, such a text is cut to the limit and ends with an ellipsis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from core.output.plain_columns import PlainColumn, plain_column

Role = Literal["percent", "money", "date", "integer"] | None

PERCENT = "0.0%"
MONEY = "$#,##0.00"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm:ss"
INTEGER = "0"
MAX_CELL_UNITS = 32_767  # Excel's limit, in UTF-16 units
ELLIPSIS = "\u2026"
FIRST_DAY, LAST_DAY = pd.Timestamp("1900-01-01"), pd.Timestamp("9999-12-31 23:59:59")
_FORMATS: dict[Role, str | None] = {"percent": PERCENT, "money": MONEY, "date": DATE, "integer": INTEGER, None: None}


@dataclass(frozen=True)
class ExcelColumn:
    values: pd.Series  # what the writer gets: float64, Int64, boolean, datetime64, str or object
    number_format: str | None  # None: Excel's General
    kind: str  # the plain kind (core.output.plain_columns), for sizing the column


def excel_column(series: pd.Series, role: Role) -> ExcelColumn:
    """``series`` ready for Excel, read in the light of its ``role``."""
    if role in ("percent", "money", "integer"):
        series = _numbers_if_all(series)
    elif role == "date":
        series = _dates_where_possible(series)
    column = plain_column(series)
    number_format = _FORMATS[role]
    if role == "integer" and column.kind == "number":
        column, number_format = _whole_numbers(column)
    if column.kind == "datetime":
        if role is None:
            number_format = DATE if _all_midnight(column.values) else DATETIME
        return ExcelColumn(_excel_dates(column.values), number_format, "datetime")
    if column.kind == "text":
        return ExcelColumn(_excel_text(column.values), number_format, "text")
    if column.kind == "mixed":
        return ExcelColumn(column.values.map(_excel_value), number_format, "mixed")
    return ExcelColumn(column.values, number_format, column.kind)


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def _numbers_if_all(series: pd.Series) -> pd.Series:
    """Text such as "0.25" as numbers when every present value reads as one; otherwise unchanged."""
    if not _is_text(series):
        return series
    numbers = pd.to_numeric(series, errors="coerce")
    return numbers if numbers.notna().sum() == series.notna().sum() else series


def _dates_where_possible(series: pd.Series) -> pd.Series:
    """ISO text and date objects as date-times; a value that is not a date stays as it was."""
    if not _is_text(series):
        return series
    try:
        parsed = pd.to_datetime(series, format="ISO8601", errors="coerce")
    except (TypeError, ValueError, OverflowError):  # mixed time zones: plain_column reads them one by one
        return series
    unread = parsed.isna() & series.notna()
    return series.astype(object).where(unread, parsed.astype(object)) if unread.any() else parsed


def _whole_numbers(column: PlainColumn) -> tuple[PlainColumn, str | None]:
    """Integers when every present value is whole; otherwise the numbers in General, nothing hidden."""
    values = column.values.to_numpy()
    present = values[~np.isnan(values)]
    if (present == np.round(present)).all() and (np.abs(present) < 2**53).all():
        return PlainColumn("integer", column.values.astype("Int64")), INTEGER
    return column, None


def _all_midnight(values: pd.Series) -> bool:
    present = values.dropna()
    return bool((present == present.dt.normalize()).all())


def _excel_dates(values: pd.Series) -> pd.Series:
    outside = (values < FIRST_DAY) | (values > LAST_DAY)
    if not outside.any():
        return values
    return values.astype(object).where(~outside, values.map(_iso, na_action="ignore")).where(values.notna(), None)


def _iso(stamp: pd.Timestamp) -> str:
    return stamp.isoformat(sep=" ").removesuffix(" 00:00:00")


def _excel_text(values: pd.Series) -> pd.Series:
    # Fewer than half the limit in code points cannot pass it in UTF-16 units.
    long = values.str.len() > MAX_CELL_UNITS // 2
    if not long.any():
        return values
    return values.where(~long, values[long].map(_fit_cell))


def _excel_value(value: object) -> object:
    if isinstance(value, str):
        return _fit_cell(value)
    if isinstance(value, dt.datetime) and not FIRST_DAY <= pd.Timestamp(value) <= LAST_DAY:
        return _iso(pd.Timestamp(value))
    return value


def _fit_cell(text: str) -> str:
    if len(text.encode("utf-16-le", "surrogatepass")) // 2 <= MAX_CELL_UNITS:
        return text
    units = 0
    for position, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > MAX_CELL_UNITS - 1:  # one unit left for the ellipsis
            return text[:position] + ELLIPSIS
    return text
