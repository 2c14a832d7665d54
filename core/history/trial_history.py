"""The internal model of a trial history: who was enrolled and how they left, their visits, their adverse events.

Both input forms (three tables, CDISC SDTM) and the simulator produce a ``TrialHistory``; the landmark
snapshots read only this. Dates are calendar dates (datetime64); study days are derived from them the
SDTM way (``study_days``): day 1 is the enrolment (reference start) date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.history.columns import HistoryContract, HistoryTable
from core.history.contracts import HISTORY
from core.history.read_report import HistoryReport

COMPLETED, WITHDRAWN, ONGOING = "completed", "withdrawn", "ongoing"
STATUSES = (COMPLETED, WITHDRAWN, ONGOING)
SEVERITIES = ("mild", "moderate", "severe")  # "" when the export gives none

# Derived from the history contract (core.history.contracts), the one place the columns are declared.
SUBJECT_COLUMNS = HISTORY.subjects.names
VISIT_COLUMNS = HISTORY.visits.names
ADVERSE_EVENT_COLUMNS = HISTORY.adverse_events.names
DATE_DTYPE = "datetime64[s]"


def _frame(frame: pd.DataFrame, table: HistoryTable) -> pd.DataFrame:
    columns = table.names
    # A column added to the contract later (the subjects' reason) is filled with its default in older frames.
    frame = table.complete(frame, f"the {table.name.replace('_', ' ')} frame") if len(frame.columns) else frame
    missing = [c for c in columns if c not in frame]
    if missing:
        raise ValueError(f"the {table.name.replace('_', ' ')} frame lacks column(s) {', '.join(missing)}")
    out = frame.loc[:, list(columns)].reset_index(drop=True).copy()
    for column, kind in table.dtypes.items():
        if kind == "date":
            out[column] = pd.to_datetime(out[column]).astype(DATE_DTYPE)
        elif kind == "text":
            out[column] = out[column].astype(str)
        elif kind == "bool":
            out[column] = out[column].astype(bool)
        else:
            out[column] = out[column].astype(kind)
    return out


@dataclass
class TrialHistory:
    """Three frames (the columns ``contract`` declares) and what reading them found.

    ``schedule``: the planned study days of the visits (from SDTM TV), empty when not known.
    ``missed_visits_listed``: the visits table lists missed visits too (attended = False), so missed
    visits are counted from it rather than estimated. ``cutoff``: the data cut-off date (how far an
    ongoing patient is followed); None means the latest date anywhere in the history. ``contract``: the
    declaration of the three frames' columns and types, and of the cohort their snapshots feed.
    """

    subjects: pd.DataFrame
    visits: pd.DataFrame
    adverse_events: pd.DataFrame
    report: HistoryReport = field(default_factory=HistoryReport)
    schedule: tuple[int, ...] = ()
    missed_visits_listed: bool = False
    cutoff: pd.Timestamp | None = None
    contract: HistoryContract = HISTORY

    def __post_init__(self) -> None:
        self.subjects = _frame(self.subjects, self.contract.subjects)
        self.visits = _frame(self.visits, self.contract.visits)
        self.adverse_events = _frame(self.adverse_events, self.contract.adverse_events)

    def data_cutoff(self) -> pd.Timestamp:
        """The cut-off date: as given, or the latest date in the history (enrolment, end, visit, onset)."""
        if self.cutoff is not None:
            return pd.Timestamp(self.cutoff)
        dates = [
            self.subjects["enrolment_date"].max(),
            self.subjects["end_date"].max(),
            self.visits["visit_date"].max(),
            self.adverse_events["onset_date"].max(),
        ]
        found = [d for d in dates if pd.notna(d)]
        if not found:
            raise ValueError("the history holds no dates at all, so it has no data cut-off")
        return pd.Timestamp(max(found))

    def planned_length(self) -> int | None:
        """The trial's planned length in days (the longest one given), or None when no subject has one."""
        planned = self.subjects["planned_days"].dropna()
        return int(planned.max()) if len(planned) else None


def day_numbers(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Calendar dates as whole days since 1970-01-01 (int64); NaT becomes the smallest int64."""
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int64)


def study_days(dates: pd.Series | np.ndarray, start: pd.Series | np.ndarray) -> np.ndarray:
    """SDTM study day of each date against its start date: day 1 is the start, the day before it -1 (no day 0)."""
    offset = day_numbers(dates) - day_numbers(start)
    return np.where(offset >= 0, offset + 1, offset)
