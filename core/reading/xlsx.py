"""An .xlsx workbook's first sheet -> every cell as text, as a person sees the sheet.

Row i of the frame is the sheet's row i + 1 and column j its column j + 1 (pandas keeps leading blank
rows and columns), so the header can be found below a title and row numbers stay the sheet's. A merged
range shows its value in every cell it covers, so the value applies to each of them here too (a site
written once down a merged column belongs to every patient beside it). A formula cell without a saved value
is listed in the frame's ``UNSAVED_FORMULAS`` attribute (sheet row, column), so its row becomes a problem.
Control characters are handled as in text files (``decoding.control_replacement``): a vertical tab, Excel's
line break inside a cell, becomes a space, so the words on either side stay apart.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from core.reading import limits
from core.reading.decoding import CONTROL as _CONTROL
from core.reading.decoding import control_replacement
from core.reading.errors import SchemaError

UNSAVED_FORMULAS = "unsaved formulas"  # frame attribute: [(sheet row, sheet column)], 1-based
UNSAVED_FORMULA_REASON = "this cell holds a formula with no saved value: open the file in Excel and save it"


def is_xlsx(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def fill_merged(frame: pd.DataFrame, merged: list[tuple[int, int, int, int]]) -> pd.DataFrame:
    """Each merged range (1-based first row, first column, last row, last column) takes its top-left value."""
    if not merged or frame.empty:
        return frame
    cells = frame.to_numpy(dtype=object, copy=True)
    rows, columns = cells.shape
    for first_row, first_col, last_row, last_col in merged:
        top, left = first_row - 1, first_col - 1
        if top < rows and left < columns:  # a range starting beyond the cells read holds nothing
            cells[top : min(last_row, rows), left : min(last_col, columns)] = cells[top, left]
    return pd.DataFrame(cells, index=frame.index, columns=frame.columns)


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how OOXML writes a character XML cannot hold ("_x000B_")


def _unescaped(found: re.Match[str]) -> str:
    return chr(int(found.group(1), 16))


def _without_controls(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        values = frame[column].astype(str)
        if values.str.contains("_x", regex=False).any():  # the reader leaves inline strings escaped
            values = frame[column] = values.str.replace(_ESCAPED.pattern, _unescaped, regex=True)
        if values.str.contains(_CONTROL.pattern, regex=True).any():
            frame[column] = values.str.replace(_CONTROL.pattern, control_replacement, regex=True)
    return frame


def read_xlsx_cells(data: bytes, filename: str) -> pd.DataFrame:
    """All cells of the first sheet as text ("" when empty), merged ranges filled, control characters removed."""
    scan = limits.check_xlsx(data, filename)
    try:
        frame = pd.read_excel(io.BytesIO(data), header=None, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SchemaError(
            f"{filename} looks like an Excel file but could not be opened ({type(exc).__name__}). "
            "Save it again from Excel as .xlsx or as CSV."
        ) from None
    limits.check_columns(len(frame.columns), filename)
    frame = _without_controls(fill_merged(frame, scan.merged).astype(str))
    frame.columns = np.arange(len(frame.columns))
    frame.attrs[UNSAVED_FORMULAS] = list(scan.unsaved_formulas)
    return frame
