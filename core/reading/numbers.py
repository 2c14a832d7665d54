"""Numbers as a file writes them: one convention per file for the decimal mark and thousands separators.

A semicolon-delimited CSV is European (Excel in most of Europe writes it): "18,4" is 18.4 and "1.000" is
a thousand. Every other file (comma, tab or pipe CSV, .xlsx) writes "18.4" and "1,000". Either way
thousands may also be separated by a space (plain, no-break or narrow no-break). A cell made of digits
and separators that fits neither pattern ("1.2.3", "12,34,5") is *malformed*: reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

DECIMAL_POINT = "."
DECIMAL_COMMA = ","
_SPACES = " \u00a0\u202f\u2009"  # space, no-break, narrow no-break, thin
_EXPONENT = r"(?:[eE][+-]?\d+)?"


def decimal_mark_for(delimiter: str) -> str:
    """The decimal mark a delimited file uses: a comma when its cells are separated by semicolons."""
    return DECIMAL_COMMA if delimiter == ";" else DECIMAL_POINT


def convention_words(decimal: str) -> str:
    """The convention in words, for messages."""
    if decimal == DECIMAL_COMMA:
        return 'this file writes decimals with a comma and thousands with a point or a space ("1.234,5")'
    return 'this file writes decimals with a point and thousands with a comma or a space ("1,234.5")'


@dataclass(frozen=True)
class _Patterns:
    plain: str  # digits with at most one decimal mark, optional exponent: "12", "-3,5", "1.2e1"
    grouped: str  # thousands in groups of three with one separator throughout: "1.000", "12 345,6"
    thousands: str  # the characters to remove before reading a grouped number


def _patterns(decimal: str) -> _Patterns:
    mark = re.escape(decimal)
    thousands = (DECIMAL_POINT if decimal == DECIMAL_COMMA else DECIMAL_COMMA) + _SPACES
    # One alternative per separator (the regex engine behind pandas' string methods has no backreferences).
    grouped = "|".join(rf"[+-]?\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+(?:{mark}\d*)?" for sep in thousands)
    plain = rf"[+-]?(?:\d+(?:{mark}\d*)?|{mark}\d+){_EXPONENT}"
    return _Patterns(plain, grouped, thousands)


_NUMBERISH = r"[+-]?[\d.,'" + _SPACES + r"]*\d[\d.,'" + _SPACES + r"]*"


@dataclass(frozen=True)
class ParsedNumbers:
    values: np.ndarray  # float64; NaN where the cell is blank or not a number
    blank: np.ndarray  # bool: nothing but spaces
    malformed: np.ndarray  # bool: digits and separators that do not form a number in the file's convention


def _parse_distinct(cells: pd.Series, decimal: str) -> pd.DataFrame:
    text = cells.str.strip()
    patterns = _patterns(decimal)
    plain = text.str.fullmatch(patterns.plain).fillna(False).to_numpy(dtype=bool)
    grouped = ~plain & text.str.fullmatch(patterns.grouped).fillna(False).to_numpy(dtype=bool)
    readable = text.where(plain | grouped, "")
    if grouped.any():
        readable = readable.where(~grouped, readable.str.replace(f"[{re.escape(patterns.thousands)}]", "", regex=True))
    if decimal != DECIMAL_POINT:
        readable = readable.str.replace(decimal, DECIMAL_POINT, regex=False)
    values = pd.to_numeric(readable.where(plain | grouped, None), errors="coerce").astype("float64")
    blank = text.eq("").fillna(True).to_numpy(dtype=bool)
    numberish = text.str.fullmatch(_NUMBERISH).fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame(
        {"values": values.to_numpy(), "blank": blank, "malformed": numberish & ~plain & ~grouped},
        index=cells.index,
    )


def parse_numbers(cells: pd.Series, decimal: str = DECIMAL_POINT) -> ParsedNumbers:
    """Read a column of text as numbers, each distinct cell once (a cohort column repeats few values)."""
    cells = cells.astype("str")
    if len(cells) <= 64:  # a form or a tiny file: factorizing costs more than it saves
        parsed = _parse_distinct(cells, decimal)
    else:
        codes, uniques = pd.factorize(cells, use_na_sentinel=False)
        distinct = _parse_distinct(pd.Series(uniques, dtype="str"), decimal)
        parsed = pd.DataFrame({c: distinct[c].to_numpy()[codes] for c in distinct.columns})
    return ParsedNumbers(
        parsed["values"].to_numpy(dtype="float64"),
        parsed["blank"].to_numpy(dtype=bool),
        parsed["malformed"].to_numpy(dtype=bool),
    )
