"""A ``TrialHistory`` written as the three-table form (frames, or CSV files) that ``read_three_tables`` reads back.

Dates are written as ISO dates (2014-01-02), so reading them back needs no day/month question. The
visits table gets an ``attended`` column only when the history lists missed visits, so a history
that records attended visits only (SDTM SV) keeps estimating missed ones the same way. The planned
visit schedule (SDTM TV) has no place in the three tables and is not written.
"""

from __future__ import annotations

import pandas as pd

from core.history.contracts import ADVERSE_EVENTS, SUBJECTS, VISITS
from core.history.trial_history import TrialHistory


def _iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d").fillna("")


def to_three_tables(history: TrialHistory) -> dict[str, pd.DataFrame]:
    """subjects, visits and adverse_events as frames of text with the internal column names as headers."""
    subjects = history.subjects.copy()
    for column in history.contract.subjects.of_kind("date"):
        subjects[column] = _iso(subjects[column])
    for column, dtype in history.contract.subjects.dtypes.items():
        if dtype == "Int64":  # a whole number, or an empty cell where it is not known
            subjects[column] = subjects[column].astype("string").fillna("")
    visits = history.visits.copy()
    visits["visit_date"] = _iso(visits["visit_date"])
    if history.missed_visits_listed:
        visits["attended"] = visits["attended"].map({True: "yes", False: "missed"})
    else:
        visits = visits.drop(columns="attended")
    events = history.adverse_events.copy()
    events["onset_date"] = _iso(events["onset_date"])
    events["serious"] = events["serious"].map({True: "Y", False: "N"})
    return {SUBJECTS: subjects, VISITS: visits, ADVERSE_EVENTS: events}


def to_csv_files(history: TrialHistory) -> dict[str, bytes]:
    """The three tables as UTF-8 CSV files: subjects.csv, visits.csv, adverse_events.csv."""
    return {
        f"{name}.csv": frame.to_csv(index=False).encode("utf-8") for name, frame in to_three_tables(history).items()
    }
