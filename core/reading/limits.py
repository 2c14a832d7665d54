"""Bounded reading: refuse a file that would exhaust memory or time, before parsing it.

Checks run on the raw bytes (size, row count, longest line, header width) and, for .xlsx, on the
zip directory and the sheet's declared dimensions, so a hostile file is refused in milliseconds.
"""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np

# Bounds on what a file may hold: beyond them it is refused with a message, before it can exhaust memory.
MAX_ROWS = 1_000_000
MAX_COLUMNS = 500
MAX_CELL_CHARS = 10_000
MAX_XLSX_UNCOMPRESSED_MB = 1_000
MAX_XLSX_COMPRESSION_RATIO = 200
MB = 1024 * 1024
MAX_LINE_BYTES = MAX_CELL_CHARS * 4  # a row of a handful of long-but-legal cells; longer is hostile
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')


class FileLimitError(ValueError):
    """The file is beyond what the app reads; the message says which limit and what to do."""


def check_size(data: bytes, filename: str, max_mb: float) -> None:
    if len(data) > max_mb * MB:
        raise FileLimitError(
            f"{filename} is {len(data) / MB:,.0f} MB; the limit is {max_mb:,.0f} MB. "
            "Split the cohort into smaller files, or ask your administrator to raise the limit."
        )


def check_text(data: bytes, filename: str) -> None:
    """Row count and longest line of a delimited text file."""
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    if len(newlines) > MAX_ROWS + 1:
        raise FileLimitError(f"{filename} has {len(newlines) - 1:,} rows; the limit is {MAX_ROWS:,} patients per file.")
    lengths = np.diff(np.concatenate(([-1], newlines, [len(data)]))) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] > MAX_LINE_BYTES:
        raise FileLimitError(
            f"{filename}: line {longest + 1} is {lengths[longest]:,} characters long, far beyond any "
            f"patient record (a cell holds at most {MAX_CELL_CHARS:,}). Check the file's export."
        )


def check_columns(count: int, filename: str) -> None:
    if count > MAX_COLUMNS:
        raise FileLimitError(f"{filename} has {count:,} columns; the limit is {MAX_COLUMNS:,}.")


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.decode():
        number = number * 26 + ord(char) - 64
    return number


def check_xlsx(data: bytes, filename: str) -> None:
    """Zip-bomb and size checks from the zip directory, then the first sheet's declared dimensions."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return  # not a zip: the reader reports the file as unreadable
    with archive:
        entries = archive.infolist()
        total = sum(e.file_size for e in entries)
        if total > MAX_XLSX_UNCOMPRESSED_MB * MB or total > MAX_XLSX_COMPRESSION_RATIO * max(len(data), 1):
            raise FileLimitError(
                f"{filename} expands to {total / MB:,.0f} MB when opened, far more than a cohort "
                "needs; it was not opened. Save it as CSV from Excel and upload that."
            )
        sheets = sorted(e.filename for e in entries if re.match(r"xl/worksheets/sheet\d+\.xml$", e.filename))
        if not sheets:
            return
        with archive.open(sheets[0]) as sheet:
            head = sheet.read(4096)
    found = _DIMENSION.search(head)
    if found:
        columns, rows = _column_number(found.group(1)), int(found.group(2))
        check_columns(columns, filename)
        if rows > MAX_ROWS + 1:
            raise FileLimitError(f"{filename} has {rows - 1:,} rows; the limit is {MAX_ROWS:,} patients per file.")


def check_cells(lengths: dict[str, int], filename: str) -> None:
    """Longest cell per column (characters) after reading."""
    for column, longest in lengths.items():
        if longest > MAX_CELL_CHARS:
            raise FileLimitError(
                f"{filename}: column {column!r} has a cell of {longest:,} characters; the limit is {MAX_CELL_CHARS:,}."
            )
