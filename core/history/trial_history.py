"""The internal model of a trial history: who was enrolled and how they left, their visits, their adverse events.

Both input forms (three tables, CDISC SDTM) and the simulator produce a ``TrialHistory``; the landmark
snapshots read only this. Dates are calendar dates (datetime64); study days are derived from them the
SDTM way (``study_days``): day 1 is the enrolment (reference start) date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.history.read_report import HistoryReport

COMPLETED, WITHDRAWN, ONGOING = "completed", "withdrawn", "ongoing"
STATUSES = (COMPLETED, WITHDRAWN, ONGOING)
SEVERITIES = ("mild", "moderate", "severe")  # "" when the export gives none

SUBJECT_COLUMNS = (
    "patient_id",
    "site_id",
    "age",
    "gender",
    "arm",  # the trial's own arm name
    "phase",  # Phase I / II / III
    "enrolment_date",  # reference start: study day 1
    "status",  # completed / withdrawn / ongoing
    "end_date",  # the disposition date; NaT while ongoing
    "planned_days",  # planned length of the trial in days; <NA> when not known
)
VISIT_COLUMNS = ("patient_id", "visit_date", "attended")
ADVERSE_EVENT_COLUMNS = ("patient_id", "onset_date", "serious", "severity")
DATE_DTYPE = "datetime64[s]"


def _frame(frame: pd.DataFrame, columns: tuple[str, ...], kinds: dict[str, str], name: str) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame]
    if missing:
        raise ValueError(f"the {name} frame lacks column(s) {', '.join(missing)}")
    out = frame.loc[:, list(columns)].reset_index(drop=True).copy()
    for column, kind in kinds.items():
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
    """Three frames (columns as above) and what reading them found.

    ``schedule``: the planned study days of the visits (from SDTM TV), empty when not known.
    ``missed_visits_listed``: the visits table lists missed visits too (attended = False), so missed
    visits are counted from it rather than estimated. ``cutoff``: the data cut-off date (how far an
    ongoing patient is followed); None means the latest date anywhere in the history.
    """

    subjects: pd.DataFrame
    visits: pd.DataFrame
    adverse_events: pd.DataFrame
    report: HistoryReport = field(default_factory=HistoryReport)
    schedule: tuple[int, ...] = ()
    missed_visits_listed: bool = False
    cutoff: pd.Timestamp | None = None

    def __post_init__(self) -> None:
        self.subjects = _frame(
            self.subjects,
            SUBJECT_COLUMNS,
            {
                "patient_id": "text",
                "site_id": "text",
                "age": "int64",
                "gender": "text",
                "arm": "text",
                "phase": "text",
                "enrolment_date": "date",
                "status": "text",
                "end_date": "date",
                "planned_days": "Int64",
            },
            "subjects",
        )
        self.visits = _frame(
            self.visits, VISIT_COLUMNS, {"patient_id": "text", "visit_date": "date", "attended": "bool"}, "visits"
        )
        self.adverse_events = _frame(
            self.adverse_events,
            ADVERSE_EVENT_COLUMNS,
            {"patient_id": "text", "onset_date": "date", "serious": "bool", "severity": "text"},
            "adverse events",
        )

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
