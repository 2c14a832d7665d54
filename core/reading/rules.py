"""Row rules per kind of contract field: each takes the text column and returns typed values and problems.

A cohort column holds few distinct values (ages, phases), so every text transform runs once per
distinct value (``per_unique``) and is spread back: a million cells cost a few thousand transforms.
Row numbers are the spreadsheet's: the frame's index + 2 (the header is row 1).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from core.reading.contract import ID_COLUMN, Field, normalise_level

PROBLEM_COLUMNS = ["row", ID_COLUMN, "column", "value", "reason"]
YES_NO_VALUES = {"1": 1, "0": 0, "yes": 1, "no": 0, "y": 1, "n": 0, "true": 1, "false": 0, "1.0": 1, "0.0": 0}


def per_unique(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised string ``transform`` to each distinct value once, then spread it back."""
    if len(values) <= 64:  # a form or a tiny file: factorizing costs more than it saves
        return pd.Series(transform(values).to_numpy(), index=values.index)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    result = transform(pd.Series(uniques, dtype=values.dtype)).to_numpy()[codes]
    return pd.Series(result, index=values.index)


def problem_frame(mask: pd.Series, frame: pd.DataFrame, column: str, reason: str | np.ndarray) -> pd.DataFrame:
    """One problem per row where ``mask`` holds: row number, patient, column, the cell as written, reason."""
    rows = frame.index[mask.to_numpy()].to_numpy()
    return pd.DataFrame(
        {
            "row": rows + 2,
            ID_COLUMN: frame[ID_COLUMN].loc[rows].to_numpy() if ID_COLUMN in frame else "",
            "column": column,
            "value": frame[column].loc[rows].to_numpy() if column in frame else "",
            "reason": reason,
        }
    )


Checked = tuple[pd.Series, list[pd.DataFrame], pd.Series]  # typed values, problems, rows that could not be read


def check_number(spec: Field, frame: pd.DataFrame) -> Checked:
    """Numbers (whole numbers for integer fields: "12", " 12 ", "12.0"), then the field's range."""
    text = frame[spec.name]
    numbers = per_unique(text, lambda u: pd.to_numeric(u.str.strip(), errors="coerce")).astype("float64")
    finite = np.isfinite(numbers)
    if spec.kind == "integer":
        # NaN, "inf" and numbers too large for int64 fail here too, so the cast below cannot overflow.
        bad = ~(finite & (numbers == np.floor(numbers)) & (numbers.abs() < 2**63))
        values = numbers.where(~bad, 0).astype("int64")
        wrong = f"{spec.name} must be a whole number"
    else:
        bad = ~finite
        values = numbers
        wrong = f"{spec.name} must be a number"
    problems = []
    if bad.any():
        blank = text.str.strip().eq("").to_numpy()
        problems.append(problem_frame(bad, frame, spec.name, np.where(blank[bad], f"{spec.name} is empty", wrong)))
    below = (values < spec.low) if spec.low is not None else pd.Series(False, index=values.index)
    above = (values > spec.high) if spec.high is not None else pd.Series(False, index=values.index)
    out = ~bad & (below | above)
    if out.any():
        problems.append(problem_frame(out, frame, spec.name, f"{spec.name} must be {_range_words(spec)}"))
    return values, problems, bad  # range failures still compare with at_most


def _range_words(spec: Field) -> str:
    if spec.low is not None and spec.high is not None:
        return f"between {spec.low:g} and {spec.high:g}"
    return f"{spec.low:g} or more" if spec.low is not None else f"{spec.high:g} or less"


def check_at_most(spec: Field, typed: pd.DataFrame, frame: pd.DataFrame, failed: dict[str, pd.Series]) -> list:
    """``spec`` may not exceed the field it names in ``at_most`` (both parsed)."""
    other = spec.at_most
    if other is None or other not in typed:
        return []
    both = ~(failed[spec.name] | failed[other])
    after = both & (typed[spec.name] > typed[other])
    if not after.any():
        return []
    return [problem_frame(after, frame, spec.name, f"{spec.name} is after {other} (a visit cannot be in the future)")]


def _level_key(values: pd.Series, spec: Field) -> pd.Series:
    key = values.str.lower().str.replace(r"[^a-z0-9.]", "", regex=True)
    if spec.level_prefixes:
        prefixes = "|".join(normalise_level(p) for p in sorted(spec.level_prefixes, key=len, reverse=True))
        key = key.str.replace(rf"^({prefixes})", "", regex=True)
    return key


def check_category(spec: Field, frame: pd.DataFrame) -> Checked:
    """One of the field's levels, in any spelling the contract lists (any case)."""
    lookup = spec.level_lookup()
    if spec.level_prefixes:  # "Phase II" is looked up as "ii": the levels' own names lose the prefix too
        lookup.update({_level_key(pd.Series([level]), spec).iloc[0]: level for level in spec.levels})
    mapped = per_unique(frame[spec.name], lambda u: _level_key(u, spec).map(lookup))
    values = pd.Series(pd.Categorical(mapped, categories=list(spec.levels)), index=frame.index)
    bad = mapped.isna()
    problems = []
    if bad.any():
        problems.append(problem_frame(bad, frame, spec.name, f"{spec.name} must be one of {', '.join(spec.levels)}"))
    return values, problems, bad


def check_yes_no(spec: Field, frame: pd.DataFrame) -> Checked:
    """1/0, yes/no, true/false; an empty cell means not known."""
    key = frame[spec.name].str.strip().str.lower()
    values = key.map(YES_NO_VALUES).astype("Int64")
    bad = values.isna() & (key != "")
    problems = []
    if bad.any():
        reason = f"{spec.name} must be 0/1 or yes/no (or left empty if unknown)"
        problems.append(problem_frame(bad, frame, spec.name, reason))
    return values, problems, bad


def check_text(spec: Field, frame: pd.DataFrame) -> Checked:
    """Trimmed text; empty cells take the field's blank value, or are a problem when the field is unique."""
    values = frame[spec.name].str.strip()
    problems = []
    bad = pd.Series(False, index=frame.index)
    if spec.unique:
        empty = values == ""
        duplicated = values.duplicated(keep=False) & ~empty
        if empty.any():
            problems.append(problem_frame(empty, frame, spec.name, f"{spec.name} is empty"))
        if duplicated.any():
            problems.append(
                problem_frame(duplicated, frame, spec.name, f"{spec.name} appears more than once in the file")
            )
        bad = empty | duplicated
    elif spec.blank_value is not None:
        values = values.replace("", spec.blank_value)
    return values, problems, bad


def check_field(spec: Field, frame: pd.DataFrame) -> Checked:
    """The rule of this field's kind."""
    if spec.numeric:
        return check_number(spec, frame)
    if spec.kind == "category":
        return check_category(spec, frame)
    if spec.kind == "yes/no":
        return check_yes_no(spec, frame)
    return check_text(spec, frame)
