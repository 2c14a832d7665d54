"""A finished trial's history as it stood on an earlier date: the data cut-off an interim export would have.

Used to check what training at an interim cut-off does (``bench/bench_outcomes.py``, the censoring tests):
patients enrolled after the date are not there yet; a patient who ended after it is still ongoing, with
no end date and no reason; visits and adverse events after it have not happened yet.
"""

from __future__ import annotations

import pandas as pd

from core.history.trial_history import ONGOING, TrialHistory


def history_cut_at(history: TrialHistory, date: object) -> TrialHistory:
    """``history`` as an export on ``date`` would hold it (its data cut-off is that date)."""
    cut = pd.Timestamp(date)
    subjects = history.subjects[history.subjects["enrolment_date"] <= cut].copy()
    later = subjects["end_date"].isna() | (subjects["end_date"] > cut)
    subjects.loc[later, "status"] = ONGOING
    subjects.loc[later, "end_date"] = pd.NaT
    if "reason" in subjects:
        subjects.loc[later, "reason"] = ""
    kept = set(subjects["patient_id"])
    visits = history.visits[history.visits["patient_id"].isin(kept) & (history.visits["visit_date"] <= cut)]
    events = history.adverse_events
    events = events[events["patient_id"].isin(kept) & (events["onset_date"] <= cut)]
    return TrialHistory(
        subjects,
        visits,
        events,
        schedule=history.schedule,
        missed_visits_listed=history.missed_visits_listed,
        cutoff=cut,
        contract=history.contract,
    )
