"""Files of a trial history -> named tables of text: CSV, every sheet of an .xlsx workbook, SAS transport (.xpt).

CSV and single tables go through ``core.reading.tables.read_table`` (encodings, delimiters, limits);
a workbook's sheets and .xpt files are read here within the same limits. Every cell is text, as the
row checks expect; numbers from an .xpt file are written without a trailing ".0".
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd

from core.reading import limits
from core.reading.errors import SchemaError
from core.reading.tables import read_table


@dataclass(frozen=True)
class Source:
    """One table as read: where it came from, its name for recognition, its cells as text."""

    label: str  # "visits.csv", "history.xlsx, sheet Visits": how messages name it
    name: str  # the file's stem or the sheet's name, which may say what the table is
    frame: pd.DataFrame
    first_row: int  # the number the file gives its first data row (2 under a header, 1 for .xpt records)


def _xpt_text(frame: pd.DataFrame) -> pd.DataFrame:
    """SAS numbers as people write them (63, not 63.0), missing values as empty cells."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            numbers = values.to_numpy(dtype="float64")
            whole = np.isfinite(numbers) & (numbers == np.round(numbers))
            text = np.where(
                whole, np.round(np.where(whole, numbers, 0)).astype(np.int64).astype(str), values.astype(str)
            )
            out[column] = np.where(np.isnan(numbers), "", text)
        else:
            out[column] = values.astype("string").fillna("").astype(str).str.strip()
    out.columns = [str(c).strip() for c in frame.columns]
    return out


def _read_xpt(data: bytes, filename: str) -> pd.DataFrame:
    try:
        frame = pd.read_sas(io.BytesIO(data), format="xport", encoding="latin-1")
    except Exception as exc:  # the SAS reader raises many types for a broken file
        raise SchemaError(
            f"{filename} could not be read as a SAS transport (.xpt) file ({type(exc).__name__}). "
            "Export the domain again as .xpt (version 5) or as CSV."
        ) from None
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"{filename} could not be read as one table.")
    if len(frame) > limits.MAX_ROWS:
        raise SchemaError(f"{filename} has {len(frame):,} records; the limit is {limits.MAX_ROWS:,} per file.")
    try:
        limits.check_columns(len(frame.columns), filename)
    except limits.FileLimitError as exc:
        raise SchemaError(str(exc)) from None
    return _xpt_text(frame)


def _read_sheets(data: bytes, filename: str) -> dict[str, pd.DataFrame]:
    try:
        limits.check_xlsx(data, filename)
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl")
    except limits.FileLimitError as exc:
        raise SchemaError(str(exc)) from None
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SchemaError(
            f"{filename} looks like an Excel file but could not be opened ({type(exc).__name__}). "
            "Save it again from Excel as .xlsx, or save each table as CSV."
        ) from None
    for sheet, frame in sheets.items():
        label = f"{filename}, sheet {sheet}"
        try:
            limits.check_columns(len(frame.columns), label)
            # A header-only sheet has no cells: its longest is 0, not NaN.
            limits.check_cells(
                {str(c): int(frame[c].astype(str).str.len().max()) if len(frame) else 0 for c in frame.columns}, label
            )
        except limits.FileLimitError as exc:
            raise SchemaError(str(exc)) from None
        frame.columns = [str(c).strip() for c in frame.columns]
    return {str(sheet): frame for sheet, frame in sheets.items()}


def _is_xlsx(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def _is_xpt(data: bytes, filename: str) -> bool:
    return filename.lower().endswith(".xpt") or data[:30].startswith(b"HEADER RECORD*******LIBRARY")


def read_sources(files: Mapping[str, bytes], *, max_upload_mb: float | None = None) -> list[Source]:
    """Every table in ``files`` (file name -> bytes); an empty file is a table with no columns and no rows."""
    sources = []
    for filename, data in files.items():
        stem = PurePath(filename).stem
        if max_upload_mb is not None:
            try:
                limits.check_size(data, filename, max_upload_mb)
            except limits.FileLimitError as exc:
                raise SchemaError(str(exc)) from None
        if not data.removeprefix(b"\xef\xbb\xbf").strip():
            sources.append(Source(filename, stem, pd.DataFrame(), 2))
        elif _is_xpt(data, filename):
            sources.append(Source(filename, stem, _read_xpt(data, filename), 1))
        elif _is_xlsx(data, filename):
            sheets = _read_sheets(data, filename)
            if len(sheets) == 1:
                sources.append(Source(filename, stem, next(iter(sheets.values())), 2))
            else:
                sources += [Source(f"{filename}, sheet {name}", name, frame, 2) for name, frame in sheets.items()]
        else:
            sources.append(Source(filename, stem, read_table(data, filename), 2))
    return sources


def name_words(name: str) -> set[str]:
    """The words of a file or sheet name, lower case: "AE_listing-2024" -> {"ae", "listing", "2024"}."""
    return set(re.split(r"[^a-z0-9]+", name.lower())) - {""}
