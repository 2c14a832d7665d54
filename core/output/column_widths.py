"""How wide a sheet column should be to show its header and typical content, from a sample.

Widths are in Excel's units (about one digit of the default font). A column is sized to the longest
of its header (plus room for the filter button) and up to ``SAMPLE`` evenly spread values, as they
will look in their number format; East Asian wide characters and emoji count double. Capped so one
long sentence does not push the rest of the table off screen (the cell still holds all of it).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata

import numpy as np
import pandas as pd

from core.output.excel_values import DATETIME, INTEGER, MONEY, PERCENT

SAMPLE = 1_000
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0
FILTER_BUTTON = 3  # the autofilter arrow covers the end of the header
PADDING = 2
GENERAL_DIGITS = 11  # Excel's General shows at most about 11 characters of a number


def column_width(header: str, values: pd.Series, number_format: str | None) -> float:
    """Width for a column with this header, values (as written) and number format."""
    rows = np.unique(np.linspace(0, len(values) - 1, num=min(len(values), SAMPLE)).astype(np.int64))
    sample = values.iloc[rows]
    longest = max((_shown_width(v, number_format) for v in sample), default=0)
    width = max(display_width(header) + FILTER_BUTTON, longest) + PADDING
    return float(min(max(width, MIN_WIDTH), MAX_WIDTH))


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen: its longest line, wide characters counting two."""
    return max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in text.split("\n"))


def _shown_width(value: object, number_format: str | None) -> int:
    if value is None or value is pd.NA or value is pd.NaT:
        return 0
    if isinstance(value, str):
        return display_width(value)
    if isinstance(value, bool | np.bool_):
        return 5  # FALSE
    if isinstance(value, dt.datetime | dt.date | np.datetime64):
        return len(DATETIME) if number_format == DATETIME else 10
    if isinstance(value, int | float | np.number):
        return _number_width(float(value), number_format)
    return display_width(str(value))


def _number_width(number: float, number_format: str | None) -> int:
    if math.isnan(number):
        return 0
    if number_format == PERCENT:
        return len(f"{number:.1%}")
    if number_format == MONEY:
        return len(f"${number:,.2f}")
    if number_format == INTEGER:
        return len(f"{number:.0f}")
    return min(len(repr(number).removesuffix(".0")), GENERAL_DIGITS)
