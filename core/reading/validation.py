"""Validate every row of a table against the contract: valid rows come back typed, the rest as problems.

Every row is accounted for: rows read = valid rows + rows with problems. Each problem names the row
(as a spreadsheet numbers it: title and blank rows count, so with the header on row 1 the first patient
is row 2), the patient, the column by the user's own header, the contract field, the value as written
and the reason. A row with more cells than the header is one problem (its cells may be shifted, so its
other cells are not judged) and keeps all its cells in the rejected-rows table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN, Contract
from core.reading.dated import Derived, derive_days
from core.reading.errors import SchemaError
from core.reading.headers import HeaderConflict, apply_mapping, beyond_header_position, is_beyond_header, match_columns
from core.reading.numbers import DECIMAL_POINT
from core.reading.rules import PROBLEM_COLUMNS, Column, check_at_most, check_field, per_unique
from core.reading.tables import DECIMAL_MARK, DELIMITER, ROW_NUMBER, read_table
from core.reading.xlsx import UNSAVED_FORMULA_REASON, UNSAVED_FORMULAS

SOURCE_ROW = "source_row"


@dataclass
class ValidationResult:
    """Valid rows (typed, with extra columns kept) and a table of the rows that failed."""

    valid: pd.DataFrame
    problems: pd.DataFrame
    mapping: dict[str, str]  # contract field -> header found in the file
    n_read: int
    extra_columns: list[str] = field(default_factory=list)
    rejected: pd.DataFrame | None = None  # the rows with problems as read (original headers) + row + problems
    conflicts: list[HeaderConflict] = field(default_factory=list)  # fields several columns could hold
    as_of: pd.Timestamp | None = None  # the date day counts were computed to, when the file gave dates

    @property
    def n_invalid_rows(self) -> int:
        return int(self.problems["row"].nunique()) if len(self.problems) else 0

    @property
    def has_outcome(self) -> bool:
        return OUTCOME_COLUMN in self.valid.columns and bool(self.valid[OUTCOME_COLUMN].notna().any())


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows with nothing in any cell (a blank line, or ",,,," from Excel): they are not patients."""
    filled = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        filled |= per_unique(frame[column], lambda u: u.str.strip().ne("")).to_numpy(dtype=bool)
    return ~filled


def _no_patients(filename: str) -> SchemaError:
    return SchemaError(f"{filename} has a header row but no patients. Export the patient list again with its rows.")


def _row_numbers(frame: pd.DataFrame) -> np.ndarray:
    """The file's own row numbers when the reader recorded them, else a header on row 1 and rows below it."""
    if frame.index.name == ROW_NUMBER:
        return frame.index.to_numpy(dtype="int64")
    return np.arange(2, len(frame) + 2, dtype="int64")


def _long_rows(frame: pd.DataFrame, beyond: list[str], delimiter: str) -> pd.DataFrame:
    """One problem per row with cells beyond the header: how many cells it has against the header's columns."""
    cells = frame[beyond].to_numpy(dtype=str)
    filled = np.char.str_len(np.char.strip(cells)) > 0
    rows = np.flatnonzero(filled.any(axis=1))
    width = beyond_header_position(beyond[0])
    last = filled.shape[1] - np.argmax(filled[rows, ::-1], axis=1)  # cells beyond the header, up to the last filled
    shown = "tab" if delimiter == "\t" else f'"{delimiter}"'
    return pd.DataFrame(
        {
            "row": frame.index.to_numpy()[rows],
            ID_COLUMN: frame[ID_COLUMN].to_numpy()[rows] if ID_COLUMN in frame else "",
            "column": beyond[0],
            "field": "",
            "value": [delimiter.join(cells[r, :n]) for r, n in zip(rows, last, strict=True)],
            "reason": [
                f"row {frame.index[r]} has {width + n} cells but the header has {width} columns "
                f"(is there a {shown} inside a cell that is not in quotes?)"
                for r, n in zip(rows, last, strict=True)
            ],
        }
    )


def _unsaved_formula_rows(frame: pd.DataFrame, cells: list[tuple[int, str]], mapping: dict[str, str]) -> pd.DataFrame:
    """One problem per formula cell without a saved value (read as blank, it would be scored as blank)."""
    field_of = {header: name for name, header in mapping.items()}
    kept = [(row, header) for row, header in cells if row in frame.index]
    return pd.DataFrame(
        {
            "row": [row for row, _ in kept],
            ID_COLUMN: [frame.at[row, ID_COLUMN] if ID_COLUMN in frame else "" for row, _ in kept],
            "column": [header for _, header in kept],
            "field": [field_of.get(header, "") for _, header in kept],
            "value": "",
            "reason": UNSAVED_FORMULA_REASON,
        },
        columns=PROBLEM_COLUMNS,
    )


def validate_frame(
    frame: pd.DataFrame,
    mapping: dict[str, str],
    contract: Contract,
    filename: str,
    *,
    decimal_mark: str | None = None,
    as_of: pd.Timestamp | None = None,
    day_first: bool | None = None,
) -> ValidationResult:
    """Validate a frame of strings whose headers are described by ``mapping`` (contract field -> header).

    ``decimal_mark`` defaults to the one ``read_table`` found for the file (a point for other frames).
    Day counts a file gives as dates are computed as of ``as_of`` (default: the file's latest date);
    ``day_first`` settles the order of day and month when the file cannot (AmbiguousDateColumns otherwise).
    """
    unsaved = list(frame.attrs.get(UNSAVED_FORMULAS, []))
    decimal = decimal_mark or frame.attrs.get(DECIMAL_MARK, DECIMAL_POINT)
    delimiter = frame.attrs.get(DELIMITER, ",")
    frame = apply_mapping(frame, mapping, contract, filename)
    frame.index = pd.Index(_row_numbers(frame))
    frame = frame.loc[:, ~frame.columns.duplicated()].astype(str)
    frame = frame[~_blank_rows(frame)]  # the index keeps counting them, so row numbers stay the file's
    if frame.empty:
        raise _no_patients(filename)
    beyond = [c for c in frame.columns if is_beyond_header(c)]
    body = frame.drop(columns=beyond) if beyond else frame
    derived = derive_days(body, mapping, contract, as_of, day_first)
    body = body.assign(**derived.cells) if derived.cells else body
    typed = body.copy()
    problems: list[pd.DataFrame] = list(derived.problems)
    failed: dict[str, pd.Series] = {}
    columns = {
        spec.name: Column(spec, mapping.get(spec.name, _derived_header(spec.name, derived)))
        for spec in contract
        if spec.name in body and spec.kind != "date"
    }
    for name, dates in derived.dates.items():
        typed[name] = dates
    for column in columns.values():
        typed[column.name], found, failed[column.name] = check_field(column, body, decimal)
        problems += found
    for column in columns.values():
        problems += check_at_most(column, columns.get(column.spec.at_most or ""), typed, body, failed)
    table = (
        pd.concat(problems, ignore_index=True)
        if problems
        else pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})
    )
    if derived.cells and len(table):  # a bad date already explains the day count it could not give
        dated = set(table.loc[table["field"].isin(list(derived.dates)), "row"])
        table = table[~(table["field"].isin(list(derived.cells)) & table["row"].isin(dated))]
    if beyond:
        long_rows = _long_rows(frame, beyond, delimiter)
        table = pd.concat([table[~table["row"].isin(long_rows["row"])], long_rows], ignore_index=True)
    if unsaved:
        table = pd.concat([table, _unsaved_formula_rows(frame, unsaved, mapping)], ignore_index=True)
    table = table[PROBLEM_COLUMNS].sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    bad_rows = set(table["row"].tolist())
    typed.insert(0, SOURCE_ROW, typed.index.to_numpy())
    valid = typed[~typed[SOURCE_ROW].isin(bad_rows)].reset_index(drop=True)
    extra = [c for c in body.columns if c not in mapping]
    return ValidationResult(
        valid=valid,
        problems=table,
        mapping=dict(mapping),
        n_read=len(frame),
        extra_columns=extra,
        rejected=_rejected_rows(frame, table, mapping),
        as_of=derived.as_of,
    )


def _derived_header(name: str, derived: Derived) -> str:
    """How messages name a field computed from dates (it has no column of its own)."""
    return (
        f"{name} (counted from the dates as of {derived.as_of.date()})"
        if name in derived.cells and derived.as_of
        else name
    )


def _rejected_rows(frame: pd.DataFrame, problems: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The rows with problems as the user wrote them, with their row number and every reason joined."""
    headers = {name: header for name, header in mapping.items() if name in frame.columns}
    if problems.empty:
        return pd.DataFrame(columns=["row", "problems", *[headers.get(c, c) for c in frame.columns]])
    reasons = problems.groupby("row", sort=True)["reason"].agg("; ".join)
    rows = frame.loc[reasons.index.to_numpy()].rename(columns=headers)
    rows.insert(0, "problems", reasons.to_numpy())
    rows.insert(0, "row", reasons.index.to_numpy())
    return rows.reset_index(drop=True)


def load_cohort(
    data: bytes,
    filename: str,
    contract: Contract,
    mapping: dict[str, str] | None = None,
    *,
    max_upload_mb: float | None = None,
    as_of: pd.Timestamp | None = None,
    day_first: bool | None = None,
) -> ValidationResult:
    """Read, map and validate a cohort file in one call (the path every page and the command line take)."""
    frame = read_table(data, filename, max_upload_mb=max_upload_mb, contract=contract, mapping=mapping)
    if frame.empty:
        raise _no_patients(filename)
    conflicts: list[HeaderConflict] = []
    if not mapping:
        match = match_columns(frame.columns, contract)
        mapping, conflicts = match.mapping, list(match.conflicts)
    result = validate_frame(frame, mapping, contract, filename, as_of=as_of, day_first=day_first)
    result.conflicts = conflicts
    return result
