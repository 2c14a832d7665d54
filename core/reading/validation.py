"""Validate every row of a table against the contract: valid rows come back typed, the rest as problems.

Every row is accounted for: rows read = valid rows + rows with problems. Each problem names the row
(as a spreadsheet numbers it: the header is row 1, the first patient row 2), the patient, the column,
the value as written and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.reading.contract import OUTCOME_COLUMN, Contract
from core.reading.errors import SchemaError
from core.reading.headers import apply_mapping, map_columns
from core.reading.rules import PROBLEM_COLUMNS, check_at_most, check_field, per_unique
from core.reading.tables import read_table

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

    @property
    def n_invalid_rows(self) -> int:
        return int(self.problems["row"].nunique()) if len(self.problems) else 0

    @property
    def has_outcome(self) -> bool:
        return OUTCOME_COLUMN in self.valid.columns and bool(self.valid[OUTCOME_COLUMN].notna().any())


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows with nothing in any cell (a blank line, or ",,,," from Excel): they are not patients."""
    filled = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        filled |= per_unique(frame[column].astype(str), lambda u: u.str.strip().ne("")).to_numpy(dtype=bool)
    return pd.Series(~filled, index=frame.index)


def _no_patients(filename: str) -> SchemaError:
    return SchemaError(f"{filename} has a header row but no patients. Export the patient list again with its rows.")


def validate_frame(frame: pd.DataFrame, mapping: dict[str, str], contract: Contract, filename: str) -> ValidationResult:
    """Validate a frame of strings whose headers are described by ``mapping`` (contract field -> header)."""
    frame = apply_mapping(frame, mapping, contract, filename).reset_index(drop=True)
    frame = frame.loc[:, ~frame.columns.duplicated()].astype(str)
    # Skip blank rows; the index still counts them, so later rows keep their spreadsheet row numbers.
    frame = frame[~_blank_rows(frame)]
    if frame.empty:
        raise _no_patients(filename)
    typed = frame.copy()
    problems: list[pd.DataFrame] = []
    failed: dict[str, pd.Series] = {}
    present = [spec for spec in contract if spec.name in frame]
    for spec in present:
        typed[spec.name], found, failed[spec.name] = check_field(spec, frame)
        problems += found
    for spec in present:
        problems += check_at_most(spec, typed, frame, failed)
    table = (
        pd.concat(problems, ignore_index=True).sort_values(["row", "column"], kind="stable").reset_index(drop=True)
        if problems
        else pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})
    )
    bad_rows = set(table["row"].tolist())
    typed.insert(0, SOURCE_ROW, typed.index.to_numpy() + 2)
    valid = typed[~typed[SOURCE_ROW].isin(bad_rows)].reset_index(drop=True)
    extra = [c for c in frame.columns if c not in mapping]
    return ValidationResult(
        valid=valid,
        problems=table,
        mapping=dict(mapping),
        n_read=len(frame),
        extra_columns=extra,
        rejected=_rejected_rows(frame, table, mapping),
    )


def _rejected_rows(frame: pd.DataFrame, problems: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The rows with problems as the user wrote them, with their row number and every reason joined."""
    if problems.empty:
        return pd.DataFrame(columns=["row", "problems", *[mapping.get(c, c) for c in frame.columns]])
    reasons = problems.groupby("row", sort=True)["reason"].agg("; ".join)
    rows = frame.loc[reasons.index.to_numpy() - 2].rename(columns=dict(mapping.items()))
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
) -> ValidationResult:
    """Read, map and validate a cohort file in one call (the path every page and the command line take)."""
    frame = read_table(data, filename, max_upload_mb=max_upload_mb)
    if frame.empty:
        raise _no_patients(filename)
    return validate_frame(frame, mapping or map_columns(list(frame.columns), contract), contract, filename)
