"""Row checks of one history table: each cell typed by its field's rule, each failing row kept with its reason.

The cohort's rules (``core.reading.rules``) type numbers, categories and identifiers; dates go through
``core.reading.dates``; status, attendance, seriousness and severity through the word tables in
``core.history.statuses``. Problems name the table, the row as the file numbers it, the patient, the
user's own header, the cell as written and the reason. Blank lines are skipped and not counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.history.contracts import HISTORY, read_phase
from core.history.read_report import PROBLEM_COLUMNS, TableReport, empty_problems
from core.history.statuses import read_attended, read_severity, read_status, read_yes_no
from core.reading.contract import ID_COLUMN, Contract, Field
from core.reading.dates import parse_dates
from core.reading.errors import SchemaError
from core.reading.rules import Column, check_field

_WORDS: dict[str, tuple[Callable[[pd.Series], pd.Series], str]] = {
    "status": (read_status, "write completed, withdrawn (or the reason for leaving) or ongoing"),
    "attended": (read_attended, "write yes (or leave it blank) for an attended visit, no or missed for a missed one"),
    "serious": (read_yes_no, "write Y or N"),
    "severity": (read_severity, "write mild, moderate or severe (or a grade 1 to 5)"),
    "phase": (read_phase, ""),  # any phase: one the models do not know is not recorded, never a problem
}
# A word column's value where the cell is blank or unreadable: the column's default in the history contract.
_DEFAULTS = {c.name: c.fill for t in HISTORY.tables.values() for c in t.columns if c.name in _WORDS}


@dataclass
class CheckedTable:
    """A table after its row checks: cells as written, typed values, and the rows that cannot be used."""

    table: str
    source: str
    raw: pd.DataFrame  # cells as written, columns = field names, index = the file's row numbers
    typed: pd.DataFrame  # typed values, same index
    headers: dict[str, str]  # field -> the user's header
    unmatched: list[str] = field(default_factory=list)  # the file's headers no field took
    problems: list[pd.DataFrame] = field(default_factory=list)
    aside: list[pd.DataFrame] = field(default_factory=list)
    ambiguous: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (header, example cells)

    def _rows(self, mask: pd.Series | np.ndarray, column: str, reason: str | pd.Series | np.ndarray) -> pd.DataFrame:
        """Problem rows where ``mask`` holds; ``reason`` is one text, or one per row of the table."""
        mask = np.asarray(mask, dtype=bool)
        rows = self.raw.index[mask]
        if not isinstance(reason, str):
            reason = np.asarray(reason, dtype=object)[mask]
        return pd.DataFrame(
            {
                "table": self.table,
                "row": rows.to_numpy(),
                ID_COLUMN: self.raw[ID_COLUMN].loc[rows].to_numpy() if ID_COLUMN in self.raw else "",
                "column": self.headers.get(column, column),
                "value": self.raw[column].loc[rows].to_numpy() if column in self.raw else "",
                "reason": reason,
            },
            columns=PROBLEM_COLUMNS,
        )

    def flag(self, mask: pd.Series | np.ndarray, column: str, reason: str | pd.Series | np.ndarray) -> None:
        """Rows where ``mask`` holds have a problem in ``column`` (a field name)."""
        if np.asarray(mask, dtype=bool).any():
            self.problems.append(self._rows(mask, column, reason))

    def set_aside(self, mask: pd.Series | np.ndarray, column: str, reason: str) -> None:
        """Rows where ``mask`` holds are left out by design (and any problem they had no longer counts)."""
        if np.asarray(mask, dtype=bool).any():
            self.aside.append(self._rows(mask, column, reason))

    def _frame(self, parts: list[pd.DataFrame]) -> pd.DataFrame:
        if not parts:
            return empty_problems()
        return pd.concat(parts, ignore_index=True).sort_values(["row", "column"], kind="stable", ignore_index=True)

    @property
    def aside_rows(self) -> pd.Index:
        return pd.Index(self._frame(self.aside)["row"].unique())

    @property
    def problem_rows(self) -> pd.Index:
        rows = pd.Index(self._frame(self.problems)["row"].unique())
        return rows.difference(self.aside_rows)

    @property
    def usable(self) -> pd.DataFrame:
        """Typed rows with no problem that were not set aside."""
        return self.typed.loc[~self.typed.index.isin(self.problem_rows.union(self.aside_rows))]

    def report(self) -> TableReport:
        aside = self._frame(self.aside).drop_duplicates(["row"], keep="first", ignore_index=True)
        problems = self._frame(self.problems)
        problems = problems[~problems["row"].isin(aside["row"])].reset_index(drop=True)
        return TableReport(
            self.table,
            self.source,
            len(self.raw),
            len(self.usable),
            problems,
            aside,
            mapping=dict(self.headers),
            unmatched=list(self.unmatched),
        )


def _own_words(reason: str, spec: Field, header: str) -> str:
    """The cohort rules name the field ("age must be ..."): say it with the user's header instead."""
    return header + reason[len(spec.name) :] if reason.startswith(spec.name) else reason


def _check_words(checked: CheckedTable, spec: Field) -> pd.Series:
    reader, advice = _WORDS[spec.name]
    cells = checked.raw[spec.name]
    values = reader(cells)
    header = checked.headers[spec.name]
    unknown = values.isna().to_numpy()
    if unknown.any():
        reasons = np.full(len(cells), "", dtype=object)
        reasons[unknown] = [f'{header} "{str(c).strip()}" is not a value I know: {advice}' for c in cells[unknown]]
        checked.flag(unknown, spec.name, reasons)
    return values.where(values.notna(), _DEFAULTS[spec.name])


def _check_date(checked: CheckedTable, spec: Field, day_first: bool | None, sas_numbers: bool) -> pd.Series:
    parsed = parse_dates(checked.raw[spec.name], day_first=day_first, sas_numbers=sas_numbers)
    header = checked.headers[spec.name]
    if parsed.ambiguous:
        checked.ambiguous.append((header, parsed.ambiguous))
    checked.flag(parsed.bad, spec.name, header + ": " + parsed.reasons.astype(str))
    if spec.required:
        checked.flag(parsed.blank, spec.name, f"{header} is empty")
    return parsed.dates


def _check_rule(checked: CheckedTable, spec: Field) -> pd.Series:
    cells = checked.raw.reset_index(drop=True)
    header = checked.headers[spec.name]
    values, found, _ = check_field(Column(spec, header), cells)
    for problems in found:  # the rules number rows by the frame's index: here, positions; flag them by position
        positions = problems["row"].to_numpy(dtype=int)
        mask = np.zeros(len(cells), dtype=bool)
        mask[positions] = True
        reasons = pd.Series("", index=range(len(cells)), dtype=object)
        reasons.iloc[positions] = [_own_words(r, spec, header) for r in problems["reason"]]
        checked.flag(mask, spec.name, reasons.to_numpy())
    if spec.kind == "text" and spec.required and not spec.unique:
        checked.flag(cells[spec.name].str.strip().eq("").to_numpy(), spec.name, f"{header} is empty")
    if spec.kind == "category":
        values = values.astype(object)
    return pd.Series(np.asarray(values), index=checked.raw.index)


def missing_columns(mapping: dict[str, str], contract: Contract, source: str, table: str) -> None:
    """Raise SchemaError naming the required columns the file lacks, in plain words."""
    missing = [spec for spec in contract if spec.required and spec.name not in mapping]
    if missing:
        wanted = ", ".join(f"{spec.label} ({spec.name})" for spec in missing)
        raise SchemaError(
            f"{source} (the {table.replace('_', ' ')} table) has no column for: {wanted}. "
            "Add or rename the column(s), or say which column holds each (the column matching), and read the files again."
        )


def validate_table(
    frame: pd.DataFrame,
    contract: Contract,
    mapping: dict[str, str],
    *,
    table: str,
    source: str,
    day_first: bool | None = None,
    sas_numbers: bool = False,
    first_row: int = 2,
    unmatched: list[str] | None = None,
) -> CheckedTable:
    """Check every row of ``frame`` (text cells, the file's headers) against ``contract``.

    ``mapping`` is field -> header; ``first_row`` is the number the file gives its first data row
    (2 below a header row, 1 for the records of a SAS transport file).
    """
    missing_columns(mapping, contract, source, table)
    text = frame.astype("string").fillna("").astype(str)
    text.index = pd.RangeIndex(first_row, first_row + len(text))
    # A row is blank (skipped, not counted) only when every cell of the file's row is empty.
    filled = text.apply(lambda c: c.str.strip().ne("")).any(axis=1) if len(text.columns) else text.index.notna()
    raw = pd.DataFrame({name: text[header] for name, header in mapping.items()}, index=text.index).loc[filled]
    checked = CheckedTable(table, source, raw, pd.DataFrame(index=raw.index), dict(mapping), list(unmatched or []))
    for spec in contract:
        if spec.name not in mapping:
            continue
        if spec.name in _WORDS:
            checked.typed[spec.name] = _check_words(checked, spec)
        elif spec.kind == "date":
            checked.typed[spec.name] = _check_date(checked, spec, day_first, sas_numbers)
        else:
            checked.typed[spec.name] = _check_rule(checked, spec)
    return checked


class AmbiguousDatesError(SchemaError):
    """Numeric dates whose day/month order cannot be told: ask the user, then read again with ``day_first``."""

    def __init__(self, columns: list[tuple[str, str, tuple[str, ...]]]) -> None:
        self.columns = columns  # (file, header, example cells)
        where = "; ".join(f'{source}, column "{header}" (e.g. {", ".join(ex)})' for source, header, ex in columns)
        super().__init__(
            f"Some dates could be read day-first or month-first: {where}. 02/01/2014 is 2 January day-first "
            "and 1 February month-first. Say which order these files use and read them again."
        )


def raise_if_ambiguous(tables: list[CheckedTable]) -> None:
    found = [(t.source, header, examples) for t in tables for header, examples in t.ambiguous]
    if found:
        raise AmbiguousDatesError(found)
