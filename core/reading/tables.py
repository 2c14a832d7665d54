"""Bytes of an uploaded file -> a frame of strings: CSV in any common encoding and delimiter, or .xlsx.

Every cell stays text here; ``core.reading.validation`` types it. Limits (``core.reading.limits``)
are checked before parsing, so a hostile file is refused before it can exhaust memory.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from core.reading import limits
from core.reading.errors import SchemaError


def _is_xlsx(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows writes cp1252; Latin-1 decodes any byte, so it is the last resort.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_xlsx(data: bytes, filename: str) -> pd.DataFrame:
    limits.check_xlsx(data, filename)
    try:
        return pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SchemaError(
            f"{filename} looks like an Excel file but could not be opened ({type(exc).__name__}). "
            "Save it again from Excel as .xlsx or as CSV."
        ) from None


def _read_csv(data: bytes, filename: str) -> pd.DataFrame:
    if b"\x00" in data[:4096]:
        raise SchemaError(
            f"{filename} is not a text or Excel file (it holds binary data). Upload a CSV or .xlsx export."
        )
    text = _decode(data).lstrip("\r\n")
    header = text[: text.find("\n")] if "\n" in text else text
    delimiter = _sniff_delimiter(header)
    limits.check_columns(header.count(delimiter) + 1, filename)
    limits.check_text(data, filename)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            index_col=False,  # a delimiter at the end of data rows must not shift columns
            skip_blank_lines=False,  # blank lines keep their row number; validation skips them
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SchemaError(f"{filename} could not be read as a table: {exc}".strip()) from None


def read_table(data: bytes, filename: str, *, max_upload_mb: float | None = None) -> pd.DataFrame:
    """Read CSV (any common encoding and delimiter) or XLSX bytes into a frame of strings.

    ``max_upload_mb`` is the deployment's upload limit (None: only the row, column and cell limits).
    Raises SchemaError when the file is empty, binary, unreadable or beyond the limits.
    """
    if not data.removeprefix(b"\xef\xbb\xbf").strip():  # Excel saves an empty sheet as a bare BOM
        raise SchemaError(f"{filename} is empty. Export the patient list again and upload that file.")
    try:
        if max_upload_mb is not None:
            limits.check_size(data, filename, max_upload_mb)
        frame = _read_xlsx(data, filename) if _is_xlsx(data, filename) else _read_csv(data, filename)
        limits.check_columns(len(frame.columns), filename)
        longest = {str(c): int(frame[c].astype(str).str.len().max() or 0) for c in frame.columns} if len(frame) else {}
        limits.check_cells(longest, filename)
    except limits.FileLimitError as exc:
        raise SchemaError(str(exc)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame
