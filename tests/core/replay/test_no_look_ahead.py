"""No look-ahead: every record after week w changed (outcomes, end dates, visits, adverse events, new patients),
and every week up to w is scored and flagged exactly as before, retraining included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.decisions.policy import Policy
from core.history.simulated import HistoryPlan, simulate_history
from core.history.trial_history import COMPLETED, WITHDRAWN, TrialHistory
from core.replay.calls import CallSettings, model_calls
from core.replay.cut import history_as_of
from core.replay.scorers import fallback_model, trial_trainer
from core.replay.weeks import first_trainable_day, replay_weeks


def _rewritten_after(history: TrialHistory, day: pd.Timestamp) -> TrialHistory:
    """Every record dated after ``day`` changed: outcomes swapped, end dates moved, visits dropped and added,
    adverse events added, patients enrolled."""
    subjects = history.subjects.copy()
    later = subjects["end_date"] > day
    swapped = subjects.loc[later, "status"].map({WITHDRAWN: COMPLETED, COMPLETED: WITHDRAWN})
    subjects.loc[later, "status"] = swapped
    subjects.loc[later, "end_date"] = subjects.loc[later, "end_date"] + pd.Timedelta(days=9)
    newcomers = subjects.head(30).assign(
        patient_id=[f"NEW-{i}" for i in range(30)], enrolment_date=day + pd.Timedelta(days=2), status=WITHDRAWN
    )
    newcomers["end_date"] = day + pd.Timedelta(days=40)
    visits = history.visits[(history.visits["visit_date"] <= day) | (np.arange(len(history.visits)) % 2 == 0)].copy()
    visits.loc[visits["visit_date"] > day, "visit_date"] += pd.Timedelta(days=3)
    burst = subjects.head(50)[["patient_id"]].assign(
        onset_date=day + pd.Timedelta(days=1), serious=True, severity="severe"
    )
    events = pd.concat([history.adverse_events, burst], ignore_index=True)
    return TrialHistory(pd.concat([subjects, newcomers], ignore_index=True), visits, events, contract=history.contract)


@pytest.fixture(scope="module")
def history() -> TrialHistory:
    return simulate_history(HistoryPlan(400, n_sites=5, planned_days=112, enrolment_days=150), seed=11)


def test_the_cut_holds_nothing_after_its_day(history):
    day = history.subjects["enrolment_date"].min() + pd.Timedelta(days=90)
    cut = history_as_of(history, day)
    assert cut.subjects["enrolment_date"].max() <= day and cut.visits["visit_date"].max() <= day
    assert (cut.subjects["end_date"].dropna() <= day).all()
    assert set(cut.subjects.loc[cut.subjects["end_date"].isna(), "status"]) == {"ongoing"}
    assert cut.data_cutoff() == day


def test_changing_every_record_after_week_w_moves_no_flag_of_week_w_or_before(history):
    start = first_trainable_day(history)
    assert start is not None
    w = start + pd.Timedelta(weeks=5)
    changed = _rewritten_after(history, w)
    assert first_trainable_day(changed) == start
    fallback, trainer = fallback_model(), trial_trainer()
    first, end = start - pd.Timedelta(weeks=2), w + pd.Timedelta(weeks=1)
    before = replay_weeks(history, trainer, fallback, first, retrain_weeks=2, end=end)
    after = replay_weeks(changed, trainer, fallback, first, retrain_weeks=2, end=end)
    kept = [i for i, week in enumerate(before) if week.day <= w]
    assert len(kept) == 8 and len(before) == len(after) == 9
    assert before[0].model == fallback.version and before[-1].model != fallback.version  # handed over to training
    for i in kept:
        assert before[i].model == after[i].model
        pd.testing.assert_frame_equal(before[i].patients, after[i].patients)
    settings = CallSettings(Policy.at(0.0), capacity_share=0.1, called_weeks=2)
    calls_before, _ = model_calls(before[: len(kept)], settings)
    calls_after, _ = model_calls(after[: len(kept)], settings)
    pd.testing.assert_frame_equal(calls_before, calls_after)
    # ...and the change did reach the weeks after w, so the test could have failed.
    assert not before[len(kept)].patients.equals(after[len(kept)].patients)
