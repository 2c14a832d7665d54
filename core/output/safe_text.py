"""Text that is safe in a spreadsheet cell: never read as a formula, free of control characters.

One rule for every export (CSV and Excel, cells and headers):

* A control character (Unicode category Cc: C0, DEL and C1) other than tab, line feed and carriage
  return becomes a space. NUL breaks CSV readers, Excel refuses most C0 characters in a workbook,
  and a space keeps the words on either side apart (a vertical tab or form feed often stood for a
  line break).
* A character no file can hold (a lone UTF-16 surrogate, U+FFFE, U+FFFF) becomes U+FFFD, the
  replacement character, so it is visibly marked rather than silently dropped.
* Text that starts with =, +, -, @, tab or carriage return (OWASP "CSV injection"), or with spaces or
  line breaks followed by =, +, - or @ (a spreadsheet may trim them before deciding), gets a leading
  apostrophe. Checked after the control characters are replaced, so "\\x00=cmd" is caught too.

Everything else, accents, CJK and emoji included, is kept as it is.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"

# Python's re and Arrow's RE2 both read \xHH as a code point, so these two patterns mean the same.
_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]"
_HOSTILE = "^(?:[ \\t\\r\\n]*[=+\\-@]|[\\t\\r])"
_CONTROL_RE = re.compile(_CONTROL)
_HOSTILE_RE = re.compile(_HOSTILE)
_UNSTORABLE_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_UNSTORABLE_RE2 = "[\\x{FFFE}\\x{FFFF}]"  # valid UTF-8 (all Arrow holds) has no surrogates
REPLACEMENT = "\ufffd"
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default str: Arrow storage, missing as NaN


def safe_text(text: str) -> str:
    """``text`` with control characters replaced and a leading apostrophe if it could run as a formula."""
    text = _UNSTORABLE_RE.sub(REPLACEMENT, _CONTROL_RE.sub(" ", text))
    return PREFIX + text if _HOSTILE_RE.match(text) else text


def safe_header(name: object) -> str:
    """A column label as safe header text (labels that are not text, such as 0, become their str)."""
    return safe_text(str(name))


def safe_text_series(series: pd.Series) -> pd.Series:
    """Every value of a column of strings made safe, as Arrow-backed text; missing values stay missing.

    Arrow-backed strings are fixed in vectorised Arrow kernels; other storage (which may hold lone
    surrogates Arrow cannot) goes value by value over the distinct values only.
    """
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowException, UnicodeError):
        return _safe_by_value(series)
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        return _safe_by_value(series)
    return pd.Series(_safe_arrow(array), index=series.index, dtype=TEXT)


def _safe_arrow(array: pa.Array) -> pa.Array:
    if pc.any(pc.match_substring_regex(array, _CONTROL)).as_py():
        array = pc.replace_substring_regex(array, _CONTROL, " ")
    if pc.any(pc.match_substring_regex(array, _UNSTORABLE_RE2)).as_py():
        array = pc.replace_substring_regex(array, _UNSTORABLE_RE2, REPLACEMENT)
    hostile = pc.match_substring_regex(array, _HOSTILE)
    if not pc.any(hostile).as_py():
        return array
    prefixed = pc.binary_join_element_wise(pa.scalar(PREFIX, array.type), array, pa.scalar("", array.type))
    return pc.if_else(hostile, prefixed, array)


def _safe_by_value(series: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    fixed = np.array([safe_text(str(value)) for value in uniques] + [None], dtype=object)
    return pd.Series(fixed[codes], index=series.index, dtype=TEXT)  # safe text has no surrogates left
