"""A file's headers: what each column is called, and which contract field it holds.

Matching is forgiving ("Patient ID", "Subject", "Sex", "AE count") and ranked: a specific spelling (the
field's own name, its label or a specific synonym) beats a generic one ("ID", "Group", "Days"), whatever
the column order. Two columns matching one field equally well are a conflict: the leftmost is used, the
other is kept as an extra column, and the conflict is reported so the user can check the choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from core.reading.contract import Contract, Field, normalise_header
from core.reading.errors import MissingColumnsError

# Columns without a header of their own are named by their spreadsheet letter; a header written twice
# keeps its text, with its letter, on the later copies ("Age", then "Age (column G)").
_LETTER_SUFFIX = re.compile(r" \(column [A-Z]+\)$")
NO_HEADER = "(no header, column {})"
BEYOND_HEADER = "(beyond the header, column {})"  # cells of a row longer than the header row
_BEYOND = re.compile(r"^\(beyond the header, column ([A-Z]+)\)$")


def column_letter(position: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": the column's name in a spreadsheet."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_names(header_cells: Sequence[object]) -> list[str]:
    """Unique column names from a header row: trimmed text, letters for empty cells and repeated headers."""
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(header_cells):
        text = str(cell).strip()
        if not text:
            name = NO_HEADER.format(column_letter(position))
        elif text in seen:
            name = f"{text} (column {column_letter(position)})"
        else:
            name = text
        seen.add(name)
        names.append(name)
    return names


def is_beyond_header(name: object) -> bool:
    return bool(_BEYOND.match(str(name)))


def beyond_header_position(name: str) -> int:
    """The 0-based column of a "(beyond the header, column J)" name: 9, so the header has 9 columns."""
    found = _BEYOND.match(name)
    if not found:
        raise ValueError(f"{name!r} is not a column beyond the header")
    position = 0
    for char in found.group(1):
        position = position * 26 + ord(char) - 64
    return position - 1


def header_key(header: object) -> str:
    """The text a header is matched on: without the letter added to a repeated header, normalised."""
    return normalise_header(_LETTER_SUFFIX.sub("", str(header)))


@dataclass(frozen=True)
class HeaderConflict:
    """Several columns match one field equally well; ``chosen`` (the leftmost) is used, ``others`` kept as extras."""

    field: str
    chosen: str
    others: tuple[str, ...]


@dataclass(frozen=True)
class HeaderMatch:
    mapping: dict[str, str]  # contract field -> header
    conflicts: tuple[HeaderConflict, ...]


def match_columns(columns: Iterable[object], contract: Contract) -> HeaderMatch:
    """Contract field -> header, the most specific spelling winning; equal matches are reported as conflicts."""
    spellings = contract.header_spellings()
    candidates: dict[str, list[tuple[bool, str]]] = {}
    for header in columns:
        found = spellings.get(header_key(header))
        if found:
            name, specific = found
            candidates.setdefault(name, []).append((specific, str(header)))
    mapping: dict[str, str] = {}
    conflicts = []
    for name in contract.names:  # contract order: conflicts are listed as the contract lists fields
        if name not in candidates:
            continue
        best = any(specific for specific, _ in candidates[name])
        tied = [header for specific, header in candidates[name] if specific == best]
        mapping[name] = tied[0]  # the leftmost of the best: deterministic
        if len(tied) > 1:
            conflicts.append(HeaderConflict(name, tied[0], tuple(tied[1:])))
    return HeaderMatch(mapping, tuple(conflicts))


def map_columns(columns: list[str], contract: Contract) -> dict[str, str]:
    """Return contract field -> original header (see ``match_columns`` for how ties are broken)."""
    return match_columns(columns, contract).mapping


def known_headers(contract: Contract, mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised header -> field: every spelling the contract accepts, plus the headers of a chosen mapping."""
    known = contract.header_synonyms()
    for name, header in (mapping or {}).items():
        known[header_key(header)] = name
    return known


def _spellings(spec: Field) -> list[str]:
    """The field's header spellings, one per normalised form, specific ones first."""
    distinct: dict[str, str] = {}
    for spelling in (*spec.specific_spellings(), *spec.generic_synonyms):
        distinct.setdefault(normalise_header(spelling), spelling)
    return list(distinct.values())


def _missing_message(missing: list[str], frame: pd.DataFrame, contract: Contract, filename: str) -> str:
    fields = [contract[name] for name in missing]
    named = "; ".join(f"{spec.name} – {spec.label}" for spec in fields)
    found = ", ".join(f'"{c}"' for c in frame.columns if not is_beyond_header(c)) or "no columns"
    accepted = "; ".join(f"{spec.label}: " + ", ".join(f'"{s}"' for s in _spellings(spec)[:3]) for spec in fields)
    return (
        f"{filename} is missing required column(s): {named}. Columns found: {found}. "
        f"Add the missing column(s), or rename the column that holds each one to a header the app "
        f"recognises ({accepted}), then upload again."
    )


def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str], contract: Contract, filename: str) -> pd.DataFrame:
    """Rename mapped headers to field names; raise SchemaError naming missing required fields.

    A column that is not mapped but carries a field's name (an "age" column when "Years" was chosen for
    age) keeps its cells under its name and letter, so neither column is lost.
    """
    mapped = {name for name, header in mapping.items() if header in frame.columns}
    missing = [
        name
        for name in contract.required
        if name not in mapped and not (contract[name].or_from and set(contract[name].or_from) <= mapped)
    ]
    if missing:
        raise MissingColumnsError(_missing_message(missing, frame, contract, filename), missing)
    renames = {original: name for name, original in mapping.items() if original in frame.columns}
    taken = set(renames.values())
    for position, column in enumerate(frame.columns):
        if column not in renames and column in taken:
            renames[column] = f"{column} (column {column_letter(position)})"
    return frame.rename(columns=renames)
