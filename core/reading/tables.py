"""Bytes of an uploaded file -> a frame of strings: CSV in any common encoding and delimiter, or .xlsx.

Every cell stays text here; ``core.reading.validation`` types it. Limits (``core.reading.limits``)
are checked before parsing, so a hostile file is refused before it can exhaust memory.

The frame's index is each row's number as a spreadsheet shows it (title and blank rows above the header
count; the header's own row is one less than the first patient's), under the index name ``ROW_NUMBER``.
``frame.attrs`` carries the file's decimal mark and delimiter. A row with more cells than the header has
its extra cells in columns named "(beyond the header, column J)": validation lists that row as a problem.
Well-formed delimited files are parsed by pandas' C parser; only a file with such rows is re-read slowly.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from core.reading import limits
from core.reading.contract import CONTRACT, Contract
from core.reading.decoding import decode_text
from core.reading.errors import SchemaError
from core.reading.header_row import SEARCH_ROWS, find_text_header, header_index
from core.reading.headers import BEYOND_HEADER, NO_HEADER, column_letter, column_names, known_headers
from core.reading.numbers import DECIMAL_POINT, decimal_mark_for
from core.reading.xlsx import UNSAVED_FORMULAS, is_xlsx, read_xlsx_cells

_EXCEL_SEPARATOR_LINE = re.compile(r"sep=.\n")  # "sep=;": Excel's own note of the delimiter
ROW_NUMBER = "row in file"  # the index name that marks the index as the file's own row numbers
DECIMAL_MARK = "decimal_mark"  # frame.attrs keys
DELIMITER = "delimiter"


def _empty(filename: str) -> SchemaError:
    return SchemaError(f"{filename} is empty. Export the patient list again and upload that file.")


def _parse_slowly(body: str, delimiter: str, width: int, filename: str) -> pd.DataFrame:
    """Row by row: trailing empty cells beyond the header are dropped, short rows padded with empty cells."""
    rows = []
    try:
        for cells in csv.reader(io.StringIO(body), delimiter=delimiter):
            if len(cells) > width:
                extra = cells[width:]
                while extra and not extra[-1].strip():
                    extra.pop()
                cells = cells[:width] + extra
            rows.append(cells)
    except csv.Error as exc:
        raise SchemaError(f"{filename} could not be read as a table: {exc}.") from None
    longest = max(width, *map(len, rows)) if rows else width
    return pd.DataFrame([cells + [""] * (longest - len(cells)) for cells in rows], columns=range(longest), dtype=str)


def _parse(body: str, delimiter: str, filename: str) -> tuple[pd.DataFrame, int]:
    """The cells of ``body`` (header first) and the header's width."""
    width = len(next(csv.reader(io.StringIO(body), delimiter=delimiter), []))
    try:  # one spare column: a delimiter at the end of data rows stays on the fast path
        cells = pd.read_csv(
            io.StringIO(body),
            sep=delimiter,
            header=None,
            names=list(range(width + 1)),
            dtype=str,
            keep_default_na=False,
            index_col=False,
            skip_blank_lines=False,  # blank lines keep their row number; validation skips them
            engine="c",
        )
    except pd.errors.ParserError:  # a row with cells beyond the spare column: read row by row
        cells = _parse_slowly(body, delimiter, width, filename)
    return cells, width


def _with_header(cells: pd.DataFrame, header_at: int, width: int, first_row_number: int) -> pd.DataFrame:
    """Rows below the header, named by it; empty columns without a header are dropped (they hold nothing)."""
    names = column_names(cells.iloc[header_at, :width].tolist())
    names += [BEYOND_HEADER.format(column_letter(j)) for j in range(width, cells.shape[1])]
    frame = cells.iloc[header_at + 1 :]
    frame.columns = names
    frame.index = pd.RangeIndex(first_row_number, first_row_number + len(frame), name=ROW_NUMBER)
    headerless = [j for j, name in enumerate(names) if j >= width or name == NO_HEADER.format(column_letter(j))]
    empty = [names[j] for j in headerless if not frame[names[j]].str.strip().ne("").any()]
    return frame.drop(columns=empty) if empty else frame


def _read_text(data: bytes, filename: str, known: dict[str, str]) -> pd.DataFrame:
    text = decode_text(data, filename)
    if _EXCEL_SEPARATOR_LINE.match(text):  # Excel hides this line, so rows are numbered without it
        text = text[text.find("\n") + 1 :]
    if not text.strip():
        raise _empty(filename)
    header = find_text_header(text, known, limits.MAX_LINE_BYTES)
    end = text.find("\n", header.offset)
    limits.check_columns(text.count(header.delimiter, header.offset, end if end >= 0 else len(text)) + 1, filename)
    limits.check_text(text, filename)
    cells, width = _parse(text[header.offset :] if header.offset else text, header.delimiter, filename)
    frame = _with_header(cells, 0, width, header.line + 2)
    frame.attrs.update({DECIMAL_MARK: decimal_mark_for(header.delimiter), DELIMITER: header.delimiter})
    return frame


def _read_xlsx(data: bytes, filename: str, known: dict[str, str]) -> pd.DataFrame:
    cells = read_xlsx_cells(data, filename)
    if cells.empty:
        raise _empty(filename)
    at = header_index(cells.head(SEARCH_ROWS).to_numpy().tolist(), known)
    frame = _with_header(cells, at, cells.shape[1], at + 2)  # the frame's index is then the sheet's row number
    names = column_names(cells.iloc[at].tolist())
    unsaved = [
        (row, names[column - 1])
        for row, column in cells.attrs.get(UNSAVED_FORMULAS, [])
        if row > at + 1 and column <= len(names) and names[column - 1] in frame.columns
    ]
    frame.attrs.update({DECIMAL_MARK: DECIMAL_POINT, DELIMITER: ",", UNSAVED_FORMULAS: unsaved})
    return frame


def read_table(
    data: bytes,
    filename: str,
    *,
    max_upload_mb: float | None = None,
    contract: Contract | None = None,
    mapping: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Read CSV (any common encoding and delimiter) or XLSX bytes into a frame of strings.

    ``max_upload_mb`` is the deployment's upload limit (None: only the row, column and cell limits).
    ``contract`` (default: the app's) and ``mapping`` give the header spellings that locate the header row.
    Raises SchemaError when the file is empty, binary, unreadable or beyond the limits.
    """
    if not data.removeprefix(b"\xef\xbb\xbf").strip():  # Excel saves an empty sheet as a bare BOM
        raise _empty(filename)
    known = known_headers(contract or CONTRACT, mapping)
    try:
        if max_upload_mb is not None:
            limits.check_size(data, filename, max_upload_mb)
        frame = _read_xlsx(data, filename, known) if is_xlsx(data, filename) else _read_text(data, filename, known)
        limits.check_columns(len(frame.columns), filename)
        longest = {str(c): int(frame[c].astype(str).str.len().max() or 0) for c in frame.columns} if len(frame) else {}
        limits.check_cells(longest, filename)
    except limits.FileLimitError as exc:
        raise SchemaError(str(exc)) from None
    return frame
