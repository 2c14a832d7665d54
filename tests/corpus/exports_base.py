"""The two real trials as plain tables, and the ways export systems write tables: headers, dates, words, files.

The corpus (``tests.corpus.history_exports``) rewrites these tables into the layouts real systems produce.
CTN-0030 is cut at ``CTN_CUTOFF``, as an export made that day would be: later patients are not yet
enrolled, patients who ended later are still on study, later visits have not happened.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from core.history.export import to_three_tables
from core.history.reader import history_files, read_history
from core.history.sdtm import CDISC_PILOT_DIR
from core.paths import DATA_DIR

CTN_DIR = DATA_DIR / "ctn0030"
CTN_CUTOFF = pd.Timestamp("2017-01-16")
CTN, CDISC = "ctn0030", "cdiscpilot01"
DATES = {"subjects": ("enrolment_date", "end_date"), "visits": ("visit_date",), "adverse_events": ("onset_date",)}


@dataclass(frozen=True)
class Export:
    """One history export on disk: a folder of files or one workbook, and what the reader must be told."""

    name: str
    trial: str  # CTN or CDISC
    path: Path
    phase: str | None = None  # the trial's phase, when the export has no phase column
    day_first: bool | None = None  # the order of day and month, when the dates leave it open

    def cli_options(self) -> list[str]:
        options = ["--phase", self.phase] if self.phase else []
        if self.day_first is not None:
            options.append("--day-first" if self.day_first else "--month-first")
        return options

    def files(self) -> dict[str, bytes]:
        return history_files(self.path)


@cache
def _ctn_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    subjects = pd.read_csv(CTN_DIR / "subjects.csv", dtype=str, keep_default_na=False)
    visits = pd.read_csv(CTN_DIR / "visits.csv", dtype=str, keep_default_na=False)
    enrolled = pd.to_datetime(subjects["enrolment_date"]) <= CTN_CUTOFF
    subjects = subjects[enrolled].reset_index(drop=True)
    later = pd.to_datetime(subjects["end_date"]) > CTN_CUTOFF
    subjects.loc[later, "status"] = "ongoing"
    subjects.loc[later, "end_date"] = ""
    visits = visits[visits["patient_id"].isin(subjects["patient_id"])]
    visits = visits[pd.to_datetime(visits["visit_date"]) <= CTN_CUTOFF].reset_index(drop=True)
    return subjects, visits


def ctn_tables() -> dict[str, pd.DataFrame]:
    """CTN-0030 as exported on CTN_CUTOFF: subjects and visits (no adverse events), internal headers, ISO dates."""
    subjects, visits = _ctn_tables()
    return {"subjects": subjects.copy(), "visits": visits.copy()}


@cache
def _cdisc_tables() -> dict[str, pd.DataFrame]:
    return to_three_tables(read_history(history_files(CDISC_PILOT_DIR)))


def cdisc_tables() -> dict[str, pd.DataFrame]:
    """CDISC Pilot 01 as the three tables (read from its SDTM domains), internal headers, ISO dates."""
    return {name: frame.copy() for name, frame in _cdisc_tables().items()}


def sdtm_domain(name: str) -> pd.DataFrame:
    """One SDTM domain of CDISC Pilot 01 as published (.xpt read by pandas; AE is CSV), every cell text."""
    if name == "ae":
        return pd.read_csv(CDISC_PILOT_DIR / "ae.csv", dtype=str, keep_default_na=False)
    frame = pd.read_sas(CDISC_PILOT_DIR / f"{name}.xpt", format="xport", encoding="latin-1")
    assert isinstance(frame, pd.DataFrame)
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            out[column] = values.map(lambda v: "" if pd.isna(v) else (f"{v:.0f}" if float(v).is_integer() else str(v)))
        else:
            out[column] = values.fillna("").astype(str)
    return out


# ---------------------------------------------------------------- rewriting cells


def dates(tables: dict[str, pd.DataFrame], write: Callable[[pd.Timestamp], object]) -> dict[str, pd.DataFrame]:
    """Every date cell rewritten by ``write`` (blank stays blank)."""
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for column in DATES[name]:
            if column in frame:
                parsed = pd.to_datetime(frame[column].replace("", None))
                frame[column] = [write(d) if pd.notna(d) else "" for d in parsed]
        out[name] = frame
    return out


def strftime(fmt: str) -> Callable[[pd.Timestamp], object]:
    return lambda d: d.strftime(fmt)


def excel_serial(day: pd.Timestamp) -> int:
    """A date as Excel stores it: days since 1899-12-30."""
    return int((day - pd.Timestamp("1899-12-30")).days)


def status_words(subjects: pd.DataFrame, words: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
    """Each status written with the next of ``words[status]`` in turn (so every spelling appears)."""
    frame = subjects.copy()
    turn: dict[str, int] = {}
    written = []
    for status in frame["status"]:
        spellings = words.get(status, (status,))
        written.append(spellings[turn.get(status, 0) % len(spellings)])
        turn[status] = turn.get(status, 0) + 1
    frame["status"] = written
    return frame


def headers(tables: dict[str, pd.DataFrame], names: Mapping[str, Mapping[str, str]]) -> dict[str, pd.DataFrame]:
    """Columns renamed per table (field -> the export's header); columns named None are dropped."""
    out = {}
    for table, frame in tables.items():
        renames = names.get(table, {})
        dropped = [field for field, header in renames.items() if header is None]
        out[table] = frame.drop(columns=dropped).rename(columns=renames)
    return out


# ---------------------------------------------------------------- writing files


def write_csv(folder: Path, files: Mapping[str, pd.DataFrame], *, sep: str = ",", encoding: str = "utf-8") -> Path:
    """One text file per table (file name -> frame) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for filename, frame in files.items():
        text = frame.to_csv(index=False, sep=sep, lineterminator="\r\n")
        (folder / filename).write_bytes(text.encode(encoding))
    return folder


def write_workbook(path: Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """One .xlsx workbook, a sheet per table; datetime columns become Excel date cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in sheets.items():
            frame.to_excel(writer, sheet_name=sheet, index=False)
    path.write_bytes(buffer.getvalue())
    return path


def as_datetimes(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Date columns as datetimes (Excel date cells when written to a workbook)."""
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for column in DATES[name]:
            if column in frame:
                frame[column] = pd.to_datetime(frame[column].replace("", None))
        out[name] = frame
    return out
