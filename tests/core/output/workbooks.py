"""Reading an .xlsx back the way the tests need: openpyxl cells, raw sheet XML, text as Excel shows it."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl

_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def open_book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet_xml(data: bytes) -> list[str]:
    """The XML of every worksheet part in the file."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [archive.read(n).decode("utf-8") for n in sorted(archive.namelist()) if n.startswith("xl/worksheets/")]


def has_formula_element(data: bytes) -> bool:
    return any(re.search(r"<f[ >/]", xml) for xml in sheet_xml(data))


def as_excel_shows(value: object) -> object:
    """OOXML writes a character XML cannot carry as _xHHHH_ (and a literal "_x" as _x005F_x); Excel
    decodes these when it opens the file, openpyxl does not."""
    if not isinstance(value, str):
        return value
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def rows(data: bytes, sheet: int = 0) -> list[list[object]]:
    """Cell values of one sheet, text decoded as Excel shows it."""
    book = open_book(data)
    return [[as_excel_shows(cell.value) for cell in row] for row in book.worksheets[sheet].iter_rows()]
