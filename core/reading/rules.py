"""Row rules per kind of contract field: each takes the text column and returns typed values and problems.

A cohort column holds few distinct values (ages, phases), so every text transform runs once per
distinct value (``per_unique``) and is spread back: a million cells cost a few thousand transforms.
The frame's index holds the spreadsheet's row numbers. Each reason names the column by the user's own
header (``column``); ``field`` names the contract field, for programs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.reading.contract import ID_COLUMN, Field
from core.reading.levels import BLANK, COMBINED, LevelReader
from core.reading.numbers import DECIMAL_POINT, convention_words, parse_numbers

PROBLEM_COLUMNS = ["row", ID_COLUMN, "column", "field", "value", "reason"]
YES_NO_VALUES = {"1": 1, "0": 0, "yes": 1, "no": 0, "y": 1, "n": 0, "true": 1, "false": 0, "1.0": 1, "0.0": 0}


def per_unique(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised string ``transform`` to each distinct value once, then spread it back."""
    if len(values) <= 64:  # a form or a tiny file: factorizing costs more than it saves
        return pd.Series(transform(values).to_numpy(), index=values.index)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    result = transform(pd.Series(uniques, dtype=values.dtype)).to_numpy()[codes]
    return pd.Series(result, index=values.index)


@dataclass(frozen=True)
class Column:
    """A contract field as the file heads it."""

    spec: Field
    header: str  # the user's own header, as messages name the column

    @property
    def name(self) -> str:
        return self.spec.name


def problem_frame(
    mask: pd.Series | np.ndarray, frame: pd.DataFrame, column: Column, reason: str | np.ndarray
) -> pd.DataFrame:
    """One problem per row where ``mask`` holds: row number, patient, column, field, the cell as written, reason."""
    chosen = np.asarray(mask, dtype=bool)
    return pd.DataFrame(
        {
            "row": frame.index.to_numpy()[chosen],
            ID_COLUMN: frame[ID_COLUMN].to_numpy()[chosen] if ID_COLUMN in frame else "",
            "column": column.header,
            "field": column.name,
            "value": frame[column.name].to_numpy()[chosen] if column.name in frame else "",
            "reason": reason,
        }
    )


Checked = tuple[pd.Series, list[pd.DataFrame], pd.Series]  # typed values, problems, rows that could not be read


def check_number(column: Column, frame: pd.DataFrame, decimal: str = DECIMAL_POINT) -> Checked:
    """Numbers in the file's convention ("12", " 12 ", "12.0", "1,000"; "18,4" in a semicolon file), then the range.

    Whole-number fields reject real decimals. A blank cell is NaN when the field may be blank, else a problem.
    """
    spec, header = column.spec, column.header
    parsed = parse_numbers(frame[spec.name], decimal)
    numbers = parsed.values
    finite = np.isfinite(numbers)
    allowed_blank = parsed.blank if spec.blank_allowed else np.zeros(len(numbers), dtype=bool)
    if spec.kind == "integer":
        # NaN, "inf" and numbers too large for int64 fail here too, so the cast below cannot overflow.
        whole = finite & (numbers == np.floor(numbers)) & (np.abs(numbers) < 2**63)
        bad = ~whole & ~allowed_blank
        typed = np.where(bad, 0.0, numbers)
        # Blank cells stay NaN, so a column with any is float; a complete one is int64 as before.
        values = pd.Series(typed if allowed_blank.any() else typed.astype("int64"), index=frame.index)
        wrong = f"{header} must be a whole number"
    else:
        bad = ~finite & ~allowed_blank
        values = pd.Series(numbers, index=frame.index)
        wrong = f"{header} must be a number"
    problems = []
    if bad.any():
        unreadable = f"{header} is not a number as written: {convention_words(decimal)}"
        reason = np.where(parsed.blank, f"{header} is empty", np.where(parsed.malformed, unreadable, wrong))
        problems.append(problem_frame(bad, frame, column, reason[bad]))
    with np.errstate(invalid="ignore"):
        below = values.to_numpy() < spec.low if spec.low is not None else np.zeros(len(values), dtype=bool)
        above = values.to_numpy() > spec.high if spec.high is not None else np.zeros(len(values), dtype=bool)
    out = ~bad & (below | above)
    if out.any():
        problems.append(problem_frame(out, frame, column, f"{header} must be {_range_words(spec)}"))
    return values, problems, pd.Series(bad, index=frame.index)  # range failures still compare with at_most


def _range_words(spec: Field) -> str:
    if spec.low is not None and spec.high is not None:
        return f"between {spec.low:g} and {spec.high:g}"
    return f"{spec.low:g} or more" if spec.low is not None else f"{spec.high:g} or less"


def check_at_most(
    column: Column, other: Column | None, typed: pd.DataFrame, frame: pd.DataFrame, failed: dict[str, pd.Series]
) -> list[pd.DataFrame]:
    """``column`` may not exceed the field its contract names in ``at_most`` (both parsed)."""
    if other is None or other.name not in typed:
        return []
    both = ~(failed[column.name] | failed[other.name])
    after = both & (typed[column.name] > typed[other.name])
    if not after.any():
        return []
    reason = f"{column.header} is after {other.header} (a visit cannot be in the future)"
    return [problem_frame(after, frame, column, reason)]


def check_category(column: Column, frame: pd.DataFrame) -> Checked:
    """One of the field's levels, in any spelling the contract lists (any case); two levels at once are refused."""
    spec, header = column.spec, column.header
    reader = LevelReader(spec)
    read = per_unique(frame[spec.name], lambda u: pd.Series([reader.read(v) for v in u], dtype=object))
    if spec.unknown_is_blank:  # "Phase IV", "Phase 2/3", "N/A": a value the model does not know is a gap
        read = read.where(read.notna() & (read != COMBINED), BLANK)
    combined, blank = (read == COMBINED).to_numpy(), (read == BLANK).to_numpy()
    values = pd.Series(
        pd.Categorical(read.where(~(combined | blank), None), categories=list(spec.levels)), index=frame.index
    )
    bad = values.isna().to_numpy() & ~(blank & spec.blank_allowed)
    problems = []
    if bad.any():
        levels = ", ".join(spec.levels)
        reason = np.where(blank, f"{header} is empty; use one of {levels}", f"{header} must be one of {levels}")
        reason = reason.astype(object)  # room for the longer reasons written below
        if combined.any():
            cells = frame[spec.name].to_numpy()
            for i in np.flatnonzero(combined):
                reason[i] = f'{header} "{str(cells[i]).strip()}" is a combined {spec.level_noun}; use one of {levels}'
        problems.append(problem_frame(bad, frame, column, reason[bad]))
    return values, problems, pd.Series(bad, index=frame.index)


def check_yes_no(column: Column, frame: pd.DataFrame) -> Checked:
    """1/0, yes/no, true/false; an empty cell means not known."""
    key = frame[column.name].str.strip().str.lower()
    values = key.map(YES_NO_VALUES).astype("Int64")
    bad = values.isna() & (key != "")
    problems = []
    if bad.any():
        reason = f"{column.header} must be 0/1 or yes/no (or left empty if unknown)"
        problems.append(problem_frame(bad, frame, column, reason))
    return values, problems, bad


def check_text(column: Column, frame: pd.DataFrame) -> Checked:
    """Trimmed text; empty cells take the field's blank value, or are a problem when the field is unique."""
    spec, header = column.spec, column.header
    values = frame[spec.name].str.strip()
    problems = []
    bad = pd.Series(False, index=frame.index)
    if spec.unique:
        empty = values == ""
        duplicated = values.duplicated(keep=False) & ~empty
        if empty.any():
            problems.append(problem_frame(empty, frame, column, f"{header} is empty"))
        if duplicated.any():
            problems.append(problem_frame(duplicated, frame, column, f"{header} appears more than once in the file"))
        bad = empty | duplicated
    elif spec.blank_value is not None:
        values = values.replace("", spec.blank_value)
    return values, problems, bad


def check_field(column: Column, frame: pd.DataFrame, decimal: str = DECIMAL_POINT) -> Checked:
    """The rule of this field's kind."""
    if column.spec.numeric:
        return check_number(column, frame, decimal)
    if column.spec.kind == "category":
        return check_category(column, frame)
    if column.spec.kind == "yes/no":
        return check_yes_no(column, frame)
    return check_text(column, frame)
