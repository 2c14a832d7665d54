"""Read a cohort file, map its headers to the input contract, and validate every row.

The result keeps every row accounted for: valid rows come back typed, invalid rows come back
as a table of problems (row, patient, column, value, reason). Row numbers are the ones a
spreadsheet shows: the header is row 1, the first patient is row 2.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core import file_limits
from core.config import (
    CATEGORY_LEVELS,
    ID_COLUMN,
    INTEGER_COLUMNS,
    INTEGER_RANGES,
    OUTCOME_COLUMN,
    REQUIRED_COLUMNS,
    SITE_COLUMN,
)

SOURCE_ROW = "source_row"
PROBLEM_COLUMNS = ["row", ID_COLUMN, "column", "value", "reason"]

# Normalised header -> contract column. Normalising lower-cases and strips everything
# that is not a letter or digit, so "Patient ID", "patient_id" and "PATIENT-ID" all meet.
HEADER_SYNONYMS: dict[str, str] = {
    **{k: ID_COLUMN for k in ("patientid", "patient", "subject", "subjectid", "usubjid", "subjid", "id", "participantid", "participant")},
    **{k: "age" for k in ("age", "ageyears", "ageyrs")},
    **{k: "gender" for k in ("gender", "sex")},
    **{k: "treatment_group" for k in ("treatmentgroup", "treatment", "arm", "group", "treatmentarm", "studyarm", "armcd")},
    **{k: "trial_phase" for k in ("trialphase", "phase", "studyphase")},
    **{k: "days_in_trial" for k in ("daysintrial", "daysinstudy", "studyday", "daysenrolled", "daysonstudy", "days")},
    **{k: "visits_completed" for k in ("visitscompleted", "visits", "visitsattended", "completedvisits", "numvisits")},
    **{k: "last_visit_day" for k in ("lastvisitday", "lastvisit", "lastvisitstudyday", "dayoflastvisit")},
    **{k: "adverse_events" for k in ("adverseevents", "aecount", "aes", "ae", "numaes", "adverseeventcount", "nae")},
    **{k: SITE_COLUMN for k in ("siteid", "site", "sitenumber", "siteno", "centre", "center")},
    **{k: OUTCOME_COLUMN for k in ("dropout", "droppedout", "withdrawn", "withdrew", "discontinued", "outcome")},
}

CATEGORY_SYNONYMS: dict[str, dict[str, str]] = {
    "gender": {"male": "Male", "m": "Male", "female": "Female", "f": "Female", "other": "Other", "o": "Other"},
    "treatment_group": {
        "active": "Active", "treatment": "Active", "drug": "Active",
        "control": "Control", "standardofcare": "Control", "soc": "Control",
        "placebo": "Placebo", "pbo": "Placebo",
    },
    "trial_phase": {
        **{k: "Phase I" for k in ("i", "1", "one")},
        **{k: "Phase II" for k in ("ii", "2", "two")},
        **{k: "Phase III" for k in ("iii", "3", "three")},
    },
}
OUTCOME_VALUES = {"1": 1, "0": 0, "yes": 1, "no": 0, "y": 1, "n": 0, "true": 1, "false": 0, "1.0": 1, "0.0": 0}


class SchemaError(ValueError):
    """The file cannot be used at all; the message says what is wrong and what to do."""


@dataclass
class ValidationResult:
    """Valid rows (typed, with extra columns kept) and a table of the rows that failed."""

    valid: pd.DataFrame
    problems: pd.DataFrame
    mapping: dict[str, str]  # contract column -> header found in the file
    n_read: int
    extra_columns: list[str] = field(default_factory=list)
    rejected: pd.DataFrame | None = None  # the rows with problems as read (original headers) + row + problems

    @property
    def n_invalid_rows(self) -> int:
        return int(self.problems["row"].nunique()) if len(self.problems) else 0

    @property
    def has_outcome(self) -> bool:
        return OUTCOME_COLUMN in self.valid.columns and bool(self.valid[OUTCOME_COLUMN].notna().any())


def normalise_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def _category_key(values: pd.Series, column: str) -> pd.Series:
    """Lower-case letters and digits only ("Phase II" -> "ii" for phases, "F" -> "f")."""
    key = values.str.lower().str.replace(r"[^a-z0-9.]", "", regex=True)
    return key.str.replace(r"^(phase|ph|p)", "", regex=True) if column == "trial_phase" else key


# ---------------------------------------------------------------- reading

def _is_xlsx(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows writes cp1252; Latin-1 decodes any byte, so it is the last resort.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _read_xlsx(data: bytes, filename: str) -> pd.DataFrame:
    file_limits.check_xlsx(data, filename)
    try:
        return pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SchemaError(
            f"{filename} looks like an Excel file but could not be opened ({type(exc).__name__}). "
            "Save it again from Excel as .xlsx or as CSV."
        ) from None


def _read_csv(data: bytes, filename: str) -> pd.DataFrame:
    if b"\x00" in data[:4096]:
        raise SchemaError(
            f"{filename} is not a text or Excel file (it holds binary data). Upload a CSV or .xlsx export."
        )
    text = _decode(data).lstrip("\r\n")
    header = text[: text.find("\n")] if "\n" in text else text
    delimiter = _sniff_delimiter(header)
    file_limits.check_columns(header.count(delimiter) + 1, filename)
    file_limits.check_text(data, filename)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            index_col=False,  # a delimiter at the end of data rows must not shift columns
            skip_blank_lines=False,  # blank lines keep their row number; validate_frame skips them
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SchemaError(f"{filename} could not be read as a table: {exc}".strip()) from None


def read_table(data: bytes, filename: str = "upload.csv") -> pd.DataFrame:
    """Read CSV (any common encoding and delimiter) or XLSX bytes into a frame of strings.

    Raises SchemaError when the file is empty, binary, unreadable or beyond the limits in core.config.
    """
    if not data.removeprefix(b"\xef\xbb\xbf").strip():  # Excel saves an empty sheet as a bare BOM
        raise SchemaError(f"{filename} is empty. Export the patient list again and upload that file.")
    try:
        file_limits.check_size(data, filename)
        frame = _read_xlsx(data, filename) if _is_xlsx(data, filename) else _read_csv(data, filename)
        file_limits.check_columns(len(frame.columns), filename)
        file_limits.check_cells({str(c): int(frame[c].astype(str).str.len().max() or 0) for c in frame.columns}
                                if len(frame) else {}, filename)
    except file_limits.FileLimitError as exc:
        raise SchemaError(str(exc)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


# ---------------------------------------------------------------- headers

def map_columns(columns: list[str]) -> dict[str, str]:
    """Return contract column -> original header, taking the first header that matches each."""
    mapping: dict[str, str] = {}
    for header in columns:
        canonical = HEADER_SYNONYMS.get(normalise_header(header))
        if canonical and canonical not in mapping:
            mapping[canonical] = header
    return mapping


def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str], filename: str = "the file") -> pd.DataFrame:
    """Rename mapped headers to contract names; raise SchemaError naming missing required columns."""
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        found = ", ".join(f'"{c}"' for c in frame.columns) or "no columns"
        raise SchemaError(
            f"{filename} is missing required column(s): {', '.join(missing)}. "
            f"Columns found: {found}. Add or rename the column(s) and upload again."
        )
    renamed = frame.rename(columns={original: canonical for canonical, original in mapping.items()})
    return renamed


# ---------------------------------------------------------------- rows

def _per_unique(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised string ``transform`` to each distinct value once, then spread it back.

    A cohort column holds few distinct values (ages, phases), so this is many times faster than
    transforming a million cells.
    """
    if len(values) <= 64:  # a form or a tiny file: factorizing costs more than it saves
        return pd.Series(transform(values).to_numpy(), index=values.index)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    result = transform(pd.Series(uniques, dtype=values.dtype)).to_numpy()[codes]
    return pd.Series(result, index=values.index)


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows with nothing in any cell (a blank line, or ",,,," from Excel): they are not patients."""
    filled = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        filled |= _per_unique(frame[column].astype(str), lambda u: u.str.strip().ne("")).to_numpy(dtype=bool)
    return pd.Series(~filled, index=frame.index)


def _problem_frame(rows: np.ndarray, frame: pd.DataFrame, column: str, reason: str | pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": rows,
            ID_COLUMN: frame[ID_COLUMN].loc[rows - 2].to_numpy(),
            "column": column,
            "value": frame[column].loc[rows - 2].to_numpy() if column in frame else "",
            "reason": reason,
        }
    )


def _parse_integers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse whole numbers (accepting "12", " 12 ", "12.0"); return values and a not-an-integer mask."""
    numbers = _per_unique(text, lambda u: pd.to_numeric(u.str.strip(), errors="coerce")).astype("float64")
    # NaN, "inf" and numbers too large for int64 fail here too, so the cast below cannot overflow.
    bad = ~(np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers.abs() < 2**63))
    return numbers.where(~bad, 0).astype("int64"), bad


def _check_integers(frame: pd.DataFrame, typed: pd.DataFrame) -> list[pd.DataFrame]:
    problems = []
    unparsed: dict[str, pd.Series] = {}
    for column in INTEGER_COLUMNS:
        values, bad = _parse_integers(frame[column])
        typed[column] = values
        unparsed[column] = bad
        rows = frame.index[bad].to_numpy() + 2
        if len(rows):
            blank = frame[column].str.strip()[bad].eq("").to_numpy()
            reasons = np.where(blank, f"{column} is empty", f"{column} must be a whole number")
            problems.append(_problem_frame(rows, frame, column, reasons))
        low, high = INTEGER_RANGES[column]
        out = ~bad & ((values < low) | ((values > high) if high is not None else False))
        rows = frame.index[out].to_numpy() + 2
        if len(rows):
            limit = f"between {low} and {high}" if high is not None else f"{low} or more"
            problems.append(_problem_frame(rows, frame, column, f"{column} must be {limit}"))
    both_parsed = ~(unparsed["last_visit_day"] | unparsed["days_in_trial"])
    after = both_parsed & (typed["last_visit_day"] > typed["days_in_trial"])
    rows = frame.index[after].to_numpy() + 2
    if len(rows):
        problems.append(
            _problem_frame(rows, frame, "last_visit_day", "last_visit_day is after days_in_trial (a visit cannot be in the future)")
        )
    return problems


def _check_categories(frame: pd.DataFrame, typed: pd.DataFrame) -> list[pd.DataFrame]:
    problems = []
    for column, levels in CATEGORY_LEVELS.items():
        mapped = _per_unique(frame[column], lambda u, c=column: _category_key(u, c).map(CATEGORY_SYNONYMS[c]))
        typed[column] = pd.Categorical(mapped, categories=list(levels))
        rows = frame.index[mapped.isna()].to_numpy() + 2
        if len(rows):
            problems.append(_problem_frame(rows, frame, column, f"{column} must be one of {', '.join(levels)}"))
    return problems


def _check_ids(frame: pd.DataFrame, typed: pd.DataFrame) -> list[pd.DataFrame]:
    ids = frame[ID_COLUMN].str.strip()
    typed[ID_COLUMN] = ids
    problems = []
    rows = frame.index[ids == ""].to_numpy() + 2
    if len(rows):
        problems.append(_problem_frame(rows, frame, ID_COLUMN, "patient_id is empty"))
    duplicated = ids.duplicated(keep=False) & (ids != "")
    rows = frame.index[duplicated].to_numpy() + 2
    if len(rows):
        problems.append(
            _problem_frame(rows, frame, ID_COLUMN, "patient_id appears more than once in the file")
        )
    return problems


def _check_outcome(frame: pd.DataFrame, typed: pd.DataFrame) -> list[pd.DataFrame]:
    if OUTCOME_COLUMN not in frame:
        return []
    key = frame[OUTCOME_COLUMN].str.strip().str.lower()
    outcome = key.map(OUTCOME_VALUES)
    typed[OUTCOME_COLUMN] = outcome.astype("Int64")
    bad = outcome.isna() & (key != "")
    rows = frame.index[bad].to_numpy() + 2
    if not len(rows):
        return []
    return [_problem_frame(rows, frame, OUTCOME_COLUMN, "dropout must be 0/1 or yes/no (or left empty if unknown)")]


def validate_frame(frame: pd.DataFrame, mapping: dict[str, str], filename: str = "the file") -> ValidationResult:
    """Validate a frame of strings whose headers are described by ``mapping``."""
    frame = apply_mapping(frame, mapping, filename).reset_index(drop=True)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    frame = frame.astype(str)
    # Skip blank rows; the index still counts them, so later rows keep their spreadsheet row numbers.
    frame = frame[~_blank_rows(frame)]
    if frame.empty:
        raise SchemaError(f"{filename} has a header row but no patients. Export the patient list again with its rows.")
    typed = frame.copy()
    problems: list[pd.DataFrame] = []
    problems += _check_ids(frame, typed)
    problems += _check_integers(frame, typed)
    problems += _check_categories(frame, typed)
    problems += _check_outcome(frame, typed)
    if SITE_COLUMN in frame:
        typed[SITE_COLUMN] = frame[SITE_COLUMN].str.strip().replace("", "Unknown")
    table = (
        pd.concat(problems, ignore_index=True).sort_values(["row", "column"], kind="stable").reset_index(drop=True)
        if problems
        else pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})
    )
    bad_rows = set(table["row"].tolist())
    typed.insert(0, SOURCE_ROW, typed.index.to_numpy() + 2)
    valid = typed[~typed[SOURCE_ROW].isin(bad_rows)].reset_index(drop=True)
    extra = [c for c in frame.columns if c not in mapping]
    return ValidationResult(valid=valid, problems=table, mapping=dict(mapping), n_read=len(frame), extra_columns=extra,
                            rejected=_rejected_rows(frame, table, mapping))


def _rejected_rows(frame: pd.DataFrame, problems: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The rows with problems as the user wrote them, with their row number and every reason joined."""
    if problems.empty:
        return pd.DataFrame(columns=["row", "problems", *[mapping.get(c, c) for c in frame.columns]])
    reasons = problems.groupby("row", sort=True)["reason"].agg("; ".join)
    rows = frame.loc[reasons.index.to_numpy() - 2].rename(columns={c: o for c, o in mapping.items()})
    rows.insert(0, "problems", reasons.to_numpy())
    rows.insert(0, "row", reasons.index.to_numpy())
    return rows.reset_index(drop=True)


def load_cohort(data: bytes, filename: str = "upload.csv", mapping: dict[str, str] | None = None) -> ValidationResult:
    """Read, map and validate a cohort file in one call (the path every page and the CLI take)."""
    frame = read_table(data, filename)
    if frame.empty:
        raise SchemaError(f"{filename} has a header row but no patients. Export the patient list again with its rows.")
    return validate_frame(frame, mapping or map_columns(list(frame.columns)), filename)
