"""A history table's headers -> its fields: forgiving, ranked, one header per field, the user's choice first.

Each header is compared with the spellings the history contract declares (``core.history.contracts``),
as the cohort reader does (``core.reading.headers``): case, spaces, "_" and punctuation do not matter.
A header also matches with a note in brackets taken away ("Age (years)", "Visit Date (dd/mm/yyyy)",
"Serious (Y/N)"). The better match wins, whatever the column order:

    0  a specific spelling ("Subject ID")          1  a generic one ("ID", "Status", "Date")
    2  a specific spelling once brackets go         3  a generic one once brackets go

A header is one field's at most: the spellings of one table never name two fields, and a header the
user chose for one field is no other field's. ``chosen`` (field -> header) is the user's own matching,
and wins over every automatic one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.reading.contract import Contract, normalise_header
from core.reading.errors import SchemaError
from core.reading.headers import header_key, is_beyond_header

_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")


@dataclass(frozen=True)
class TableMatch:
    """Field -> the user's header, and the headers no field took (in the file's order)."""

    mapping: dict[str, str]
    unmatched: list[str]


def loose_key(header: object) -> str:
    """The header's key without any note in brackets: "Age (years)" -> "age"."""
    return normalise_header(_BRACKETS.sub(" ", re.sub(r" \(column [A-Z]+\)$", "", str(header))))


def _ranks(contract: Contract) -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, int]]]:
    spellings = contract.header_spellings()
    exact = {key: (name, 0 if specific else 1) for key, (name, specific) in spellings.items()}
    loose = {key: (name, 2 if specific else 3) for key, (name, specific) in spellings.items()}
    return exact, loose


def _chosen(
    headers: list[str], contract: Contract, chosen: Mapping[str, str], where: str
) -> tuple[dict[str, str], set[str]]:
    """The user's matching, each header found in the file (exactly, else by its key), and the fields the user
    switched off (an empty choice); SchemaError otherwise."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    out: dict[str, str] = {}
    off: set[str] = set()
    for name, header in chosen.items():
        if name not in contract.names:
            raise SchemaError(
                f'The column matching for {where} names "{name}", which is not one of its fields '
                f"({', '.join(contract.names)})."
            )
        if not str(header).strip():  # an empty choice: this field has no column (an optional one only)
            if name in contract.required:
                raise SchemaError(
                    f"The column matching for {where} leaves {name} without a column, but it is required."
                )
            off.add(name)
            continue
        found = header if header in headers else by_key.get(header_key(header))
        if found is None:
            shown = ", ".join(f'"{h}"' for h in headers if not is_beyond_header(h)) or "no columns"
            raise SchemaError(
                f'The column matching for {where} gives "{header}" for {name}, but it has no such column. '
                f"Columns found: {shown}."
            )
        if found in out.values():
            raise SchemaError(f'The column matching for {where} gives "{found}" to two fields; give each its own.')
        out[name] = found
    return out, off


def match_table(
    headers: Iterable[object], contract: Contract, chosen: Mapping[str, str] | None = None, *, where: str = "the table"
) -> TableMatch:
    """Field -> header for ``headers``: the user's ``chosen`` matching first, then the best automatic match."""
    names = [str(h) for h in headers]
    mapping, off = _chosen(names, contract, chosen or {}, where)
    taken = set(mapping.values())
    exact, loose = _ranks(contract)
    best: dict[str, tuple[int, int, str]] = {}  # field -> (rank, position, header)
    for position, header in enumerate(names):
        if header in taken or is_beyond_header(header):
            continue
        found = exact.get(header_key(header)) or loose.get(loose_key(header))
        if found is None:
            continue
        name, rank = found
        if name in mapping or name in off:
            continue
        if name not in best or (rank, position) < best[name][:2]:
            best[name] = (rank, position, header)
    for name in contract.names:
        if name in best:
            mapping[name] = best[name][2]
    ordered = {name: mapping[name] for name in contract.names if name in mapping}
    used = set(ordered.values())
    unmatched = [h for h in names if h not in used and not is_beyond_header(h)]
    return TableMatch(ordered, unmatched)
