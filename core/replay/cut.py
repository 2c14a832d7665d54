"""A trial's history as it stood on one day: nothing recorded after it, no outcome not yet known.

A patient enrolled after the day is not there; a patient whose disposition comes after it is ongoing
(no end date, no status); visits and adverse events after it are dropped; the data cut-off is the day
itself. Training and scoring in a replay read only this cut, so no figure can lean on the future.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from core.history.trial_history import ONGOING, TrialHistory


def history_as_of(history: TrialHistory, day: pd.Timestamp) -> TrialHistory:
    """``history`` as it stood at the end of ``day``."""
    day = pd.Timestamp(day).normalize()
    subjects = history.subjects[history.subjects["enrolment_date"] <= day].copy()
    later = subjects["end_date"].isna() | (subjects["end_date"] > day)
    subjects.loc[later, "status"] = ONGOING
    subjects.loc[later, "end_date"] = pd.NaT
    if "reason" in subjects:  # why a patient left is known only once they have
        subjects.loc[later, "reason"] = ""
    enrolled = set(subjects["patient_id"])
    visits = history.visits[(history.visits["visit_date"] <= day) & history.visits["patient_id"].isin(enrolled)]
    events = history.adverse_events
    events = events[(events["onset_date"] <= day) & events["patient_id"].isin(enrolled)]
    return replace(history, subjects=subjects, visits=visits, adverse_events=events, cutoff=day)
