"""The first worksheet of an .xlsx archive, read as a stream: its rows, merged cells and unsaved formulas.

The sheet's ``<dimension>`` tag may be missing or wrong, so rows are counted from the XML itself, in
chunks, stopping as soon as the count passes a limit: a sheet of millions of rows is refused without
being held in memory. Merged ranges (``<mergeCell ref="A2:A5"/>``) come after the rows, in the same pass.
A formula cell without a saved value (``<c r="B3"><f>A3*2</f></c>``: a sheet written by a script and never
opened in Excel) reads as blank, so the pass also notes where each one is: its row is a problem, not a blank.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

_CHUNK = 1 << 20
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b[^>]*?\b(?:[\w.-]+:)?id=\"([^\"]+)\"")
_RELATION = re.compile(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb"\b(Id|Target)=\"([^\"]+)\"")
_ROOT = re.compile(rb"<([\w.-]+:)?worksheet[\s>]")
_ROW_NUMBER = re.compile(rb"\sr=\"(\d+)\"")
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_MERGE_TAIL = 1024  # longer than any mergeCell element: a partial one at a chunk's end fits in it
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?<!/)>(.*?)</(?:[\w.-]+:)?c>", re.S)
_CELL_REF = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_SAVED_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>[^<]+<|<(?:[\w.-]+:)?is>")
_CELL_TAIL = 1 << 16  # longer than any cell element a sheet within the cell limit holds


def first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The path of the workbook's first worksheet (the one pandas reads), or None."""
    names = set(archive.namelist())
    try:
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        workbook = relations = b""
    targets = {}
    for element in _RELATION.findall(relations):
        attributes = dict(_ATTRIBUTE.findall(element))
        if b"Id" in attributes and b"Target" in attributes:
            target = attributes[b"Target"].decode()
            targets[attributes[b"Id"]] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    for relation_id in _SHEET.findall(workbook):
        path = targets.get(relation_id, "")
        if "worksheets/" in path and path in names:  # a chart sheet holds no cells: pandas skips it too
            return path
    sheets = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    return sheets[0] if sheets else None


def column_number(letters: bytes | str) -> int:
    """ "A" -> 1, "AA" -> 27."""
    number = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(char) - 64
    return number


@dataclass
class SheetScan:
    rows: int = 0  # rows in the sheet: the count of row elements, or the last row's number if higher
    over_limit: bool = False  # the scan stopped early because rows passed the limit
    merged: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # first row, first col, last row, last col (1-based)
    unsaved_formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, column), 1-based


def _unsaved_formulas(buffer: bytes, found: list[tuple[int, int]]) -> int:
    """Note the formula cells of ``buffer`` that hold no saved value; returns where the last whole cell ends."""
    end = 0
    for cell in _CELL.finditer(buffer):
        end = cell.end()
        attributes, content = cell.groups()
        if _FORMULA.search(content) and not _SAVED_VALUE.search(content):
            ref = _CELL_REF.search(attributes)
            if ref:
                found.append((int(ref.group(2)), column_number(ref.group(1))))
    return end


def _row_tags(prefix: bytes) -> tuple[bytes, ...]:
    return tuple(b"<" + prefix + b"row" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


def _prefixed_chunks(sheet: IO[bytes], chunk_size: int) -> tuple[bytes, Iterator[bytes]]:
    """The namespace prefix of the sheet's tags ("x:" in "<x:row>"), from its root element, and all its chunks."""
    head = b""
    while chunk := sheet.read(chunk_size):
        head += chunk
        if _ROOT.search(head) or len(head) >= _CHUNK:
            break
    root = _ROOT.search(head)

    def chunks() -> Iterator[bytes]:
        if head:
            yield head
        while chunk := sheet.read(chunk_size):
            yield chunk

    return (root.group(1) or b"") if root else b"", chunks()


def scan_sheet(archive: zipfile.ZipFile, path: str, row_limit: int, chunk_size: int = _CHUNK) -> SheetScan:
    """Count the sheet's rows (stopping once past ``row_limit``); collect its merged ranges and unsaved formulas."""
    scan = SheetScan()
    count = last_number = 0
    carry = merge_carry = cell_carry = b""
    with archive.open(path) as sheet:
        prefix, chunks = _prefixed_chunks(sheet, chunk_size)
        tags = _row_tags(prefix)
        for chunk in chunks:
            buffer = carry + chunk
            count += sum(buffer.count(tag) for tag in tags)
            last = max(buffer.rfind(tag) for tag in tags)
            if last >= 0:  # rows may skip numbers: the last row's own number counts too
                end = buffer.find(b">", last)
                number = _ROW_NUMBER.search(buffer, last, end if end >= 0 else len(buffer))
                last_number = max(last_number, int(number.group(1)) if number else 0)
            scan.rows = max(count, last_number)
            if scan.rows > row_limit:
                scan.over_limit = True
                return scan
            carry = buffer[-(len(tags[0]) - 1) :]  # a tag cut by the chunk's end is counted with the next chunk
            merge_buffer = merge_carry + chunk
            end = 0  # where the last complete mergeCell ends
            if b"mergeCell" in merge_buffer:
                for found in _MERGE.finditer(merge_buffer):
                    first_col, first_row, last_col, last_row = found.groups()
                    scan.merged.append(
                        (
                            int(first_row),
                            column_number(first_col),
                            int(last_row or first_row),
                            column_number(last_col or first_col),
                        )
                    )
                    end = found.end()
            merge_carry = merge_buffer[max(end, len(merge_buffer) - _MERGE_TAIL) :]
            cell_buffer = cell_carry + chunk
            end = _unsaved_formulas(cell_buffer, scan.unsaved_formulas) if _FORMULA.search(cell_buffer) else 0
            cell_carry = cell_buffer[max(end, len(cell_buffer) - _CELL_TAIL) :]
    return scan
