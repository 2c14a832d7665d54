"""Bounded reading: refuse a file that would exhaust memory or time, before parsing it.

Checks run on the raw bytes (size), on the decoded text with its line breaks made uniform (row count,
longest line, header width: CR-only, CRLF and UTF-16 files are measured like any other) and, for .xlsx,
on the zip directory, the sheet's declared dimensions and its rows counted from the XML, so a hostile
file is refused before it is parsed.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

import numpy as np

from core.reading.sheet_xml import SheetScan, column_number, first_sheet, scan_sheet

# Bounds on what a file may hold: beyond them it is refused with a message, before it can exhaust memory.
MAX_ROWS = 1_000_000
MAX_COLUMNS = 500
MAX_CELL_CHARS = 10_000
MAX_XLSX_UNCOMPRESSED_MB = 1_000
MAX_XLSX_COMPRESSION_RATIO = 200
MB = 1024 * 1024
MAX_LINE_BYTES = MAX_CELL_CHARS * 4  # a row of a handful of long-but-legal cells; longer is hostile
MAX_MERGED_RANGES = 100_000  # far beyond any hand-made sheet; each range is filled cell by cell
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')


class FileLimitError(ValueError):
    """The file is beyond what the app reads; the message says which limit and what to do."""


def check_size(data: bytes, filename: str, max_mb: float) -> None:
    if len(data) > max_mb * MB:
        raise FileLimitError(
            f"{filename} is {len(data) / MB:,.0f} MB; the limit is {max_mb:,.0f} MB. "
            "Split the cohort into smaller files, or ask your administrator to raise the limit."
        )


def check_rows(rows: int, filename: str, *, counted_all: bool = True) -> None:
    """``rows`` counts every row of the file, the header included (or those counted before stopping)."""
    if rows > MAX_ROWS + 1:
        count = f"{rows - 1:,}" if counted_all else f"more than {MAX_ROWS:,}"
        raise FileLimitError(f"{filename} has {count} rows; the limit is {MAX_ROWS:,} patients per file.")


def check_text(text: str, filename: str) -> None:
    """Row count and longest line of a delimited text file, decoded and with LF line breaks only."""
    check_rows(text.count("\n") + (not text.endswith("\n")), filename)
    if len(text) <= MAX_LINE_BYTES:
        return
    data = text.encode("utf-8", errors="surrogatepass")  # lengths in UTF-8 bytes, whatever the file's encoding
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    lengths = np.diff(np.concatenate(([-1], newlines, [len(data)]))) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] > MAX_LINE_BYTES:
        start = int(newlines[longest - 1]) + 1 if longest else 0
        characters = len(data[start : start + int(lengths[longest])].decode("utf-8", errors="replace"))
        raise FileLimitError(
            f"{filename}: line {longest + 1} is {characters:,} characters long, far beyond any "
            f"patient record (a cell holds at most {MAX_CELL_CHARS:,}). Check the file's export."
        )


def check_columns(count: int, filename: str) -> None:
    if count > MAX_COLUMNS:
        raise FileLimitError(f"{filename} has {count:,} columns; the limit is {MAX_COLUMNS:,}.")


def check_xlsx(data: bytes, filename: str) -> SheetScan:
    """Zip-bomb and size checks from the zip directory, the first sheet's declared dimensions, then its rows
    counted from the XML (stopping past the limit). Returns what the scan found (merged ranges, unsaved formulas)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return SheetScan()  # not a zip: the reader reports the file as unreadable
    with archive:
        entries = archive.infolist()
        total = sum(e.file_size for e in entries)
        if total > MAX_XLSX_UNCOMPRESSED_MB * MB or total > MAX_XLSX_COMPRESSION_RATIO * max(len(data), 1):
            raise FileLimitError(
                f"{filename} expands to {total / MB:,.0f} MB when opened, far more than a cohort "
                "needs; it was not opened. Save it as CSV from Excel and upload that."
            )
        try:
            sheet_path = first_sheet(archive)
            if sheet_path is None:
                return SheetScan()
            with archive.open(sheet_path) as sheet:
                head = sheet.read(4096)
            found = _DIMENSION.search(head)
            if found:  # declared: refused at once, without reading the sheet
                check_columns(column_number(found.group(1)), filename)
                check_rows(int(found.group(2)), filename)
            scan = scan_sheet(archive, sheet_path, MAX_ROWS + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, KeyError):
            return SheetScan()  # a damaged archive: the reader reports the file as unreadable
    check_rows(scan.rows, filename, counted_all=not scan.over_limit)
    if len(scan.merged) > MAX_MERGED_RANGES:
        raise FileLimitError(
            f"{filename} has {len(scan.merged):,} merged cell ranges; the limit is {MAX_MERGED_RANGES:,}. "
            "Unmerge the cells in Excel (select all, then Merge & Center off), save, and upload again."
        )
    return scan


def check_cells(lengths: dict[str, int], filename: str) -> None:
    """Longest cell per column (characters) after reading."""
    for column, longest in lengths.items():
        if longest > MAX_CELL_CHARS:
            raise FileLimitError(
                f"{filename}: column {column!r} has a cell of {longest:,} characters; the limit is {MAX_CELL_CHARS:,}."
            )
