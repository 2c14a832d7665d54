"""core.history.simulated: a seeded, event-level trial history that behaves like one and carries a learnable signal."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from core.history.landmarks import snapshot_as_of, snapshot_at
from core.history.simulated import HistoryPlan, simulate_history
from core.history.trial_history import study_days


@pytest.fixture(scope="module")
def finished():
    return simulate_history(HistoryPlan(3000), seed=7)


@pytest.fixture(scope="module")
def running():
    return simulate_history(HistoryPlan(2000, cutoff_day=500, list_missed=True), seed=8)


def test_the_same_seed_gives_the_same_history_and_another_seed_another():
    first, again = simulate_history(HistoryPlan(300), seed=1), simulate_history(HistoryPlan(300), seed=1)
    for name in ("subjects", "visits", "adverse_events"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))
    assert not first.visits.equals(simulate_history(HistoryPlan(300), seed=2).visits)


def test_a_finished_trial_has_every_patient_completed_or_withdrawn_with_events_inside_their_time(finished):
    subjects = finished.subjects
    assert len(subjects) == 3000 and subjects["patient_id"].is_unique
    assert set(subjects["status"]) == {"completed", "withdrawn"}
    assert 0.2 < (subjects["status"] == "withdrawn").mean() < 0.6
    assert subjects["site_id"].nunique() == 50 and set(subjects["arm"]) == {"Active", "Placebo"}
    spread = subjects["enrolment_date"].max() - subjects["enrolment_date"].min()
    assert spread > pd.Timedelta(days=330)
    assert 12 < len(finished.visits) / len(subjects) < 20
    for frame, column in ((finished.visits, "visit_date"), (finished.adverse_events, "onset_date")):
        merged = frame.merge(subjects, on="patient_id")
        days = study_days(merged[column], merged["enrolment_date"])
        assert (days >= 1).all()
        assert (merged[column] <= merged["end_date"]).all()
    assert finished.adverse_events["severity"].isin(["mild", "moderate", "severe"]).all()


def test_a_running_trial_stops_at_its_cut_off_and_lists_missed_visits(running):
    cutoff = pd.Timestamp("2024-01-01") + pd.Timedelta(days=500)
    assert running.data_cutoff() == cutoff
    assert running.visits["visit_date"].max() <= cutoff and running.adverse_events["onset_date"].max() <= cutoff
    assert (running.subjects["status"] == "ongoing").sum() > 300
    assert running.subjects.loc[running.subjects["status"] == "ongoing", "end_date"].isna().all()
    assert 0.05 < (~running.visits["attended"]).mean() < 0.3
    assert len(snapshot_as_of(running)) == (running.subjects["status"] == "ongoing").sum()


def test_recent_missed_visits_and_adverse_events_go_with_later_dropout(finished):
    snapshot = snapshot_at(finished, 84)
    by_missed = snapshot.groupby(snapshot["visits_missed"] > 0)["dropout"].mean()
    by_events = snapshot.groupby(snapshot["adverse_events_last_30_days"] > 0)["dropout"].mean()
    assert by_missed[True] > by_missed[False] + 0.05
    assert by_events[True] > by_events[False] + 0.05


def test_no_look_ahead_in_a_running_trial_with_listed_missed_visits(running):
    day = 84
    start = running.subjects.set_index("patient_id")["enrolment_date"]

    def keep(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame[study_days(frame[column], frame["patient_id"].map(start)) <= day]

    changed = replace(
        running, visits=keep(running.visits, "visit_date"), adverse_events=keep(running.adverse_events, "onset_date")
    )
    pd.testing.assert_frame_equal(snapshot_at(changed, day), snapshot_at(running, day))
