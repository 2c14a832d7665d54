"""Where the header row is, when an export puts a title, a date or blank lines above it.

The header is the first of the first 30 rows that names at least two contract fields (in any accepted
spelling); a file whose headers the contract does not know (the user maps them by hand) takes its first
non-blank row. For a delimited file the same search also settles the delimiter: the one that splits
the header into the most recognised fields.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass

from core.reading.headers import header_key

SEARCH_ROWS = 30
MIN_FIELDS = 2
DELIMITERS = (",", ";", "\t", "|")


def fields_named(cells: Sequence[object], known: dict[str, str]) -> int:
    """How many different fields the cells name."""
    return len({known[key] for key in map(header_key, cells) if key in known})


def header_index(rows: Sequence[Sequence[object]], known: dict[str, str]) -> int:
    """Index of the header among ``rows`` (a sheet's rows of cells), by the rule above; 0 if all are blank."""
    first_filled = None
    for index, cells in enumerate(rows[:SEARCH_ROWS]):
        if not any(str(c).strip() for c in cells):
            continue
        first_filled = index if first_filled is None else first_filled
        if fields_named(cells, known) >= MIN_FIELDS:
            return index
    return first_filled or 0


def _most_frequent_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


@dataclass(frozen=True)
class TextHeader:
    line: int  # 0-based physical line of the header
    offset: int  # where that line starts in the text
    delimiter: str


def find_text_header(text: str, known: dict[str, str], longest_line: int) -> TextHeader:
    """The header line of a delimited text (LF line breaks) and its delimiter.

    Lines longer than ``longest_line`` are not tried as headers (splitting them would be slow); if no line
    names two fields, the first non-blank line is the header, whatever its length.
    """
    offset, first_filled = 0, None
    for line_number in range(SEARCH_ROWS):
        end = text.find("\n", offset)
        line = text[offset : end if end >= 0 else len(text)]
        if line.strip():
            if first_filled is None:
                first_filled = TextHeader(line_number, offset, _most_frequent_delimiter(line))
            if len(line) <= longest_line:
                named = {d: fields_named(next(csv.reader([line], delimiter=d)), known) for d in DELIMITERS if d in line}
                best = max(named, key=lambda d: named[d], default=None)
                if best is not None and named[best] >= MIN_FIELDS:
                    return TextHeader(line_number, offset, best)
        if end < 0:
            break
        offset = end + 1
    return first_filled or TextHeader(0, 0, ",")
