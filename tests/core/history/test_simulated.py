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


def test_early_dropout_makes_attrition_highest_in_the_first_weeks_and_phases_have_their_schedules():
    def monthly_rates(plan):
        subjects = simulate_history(plan, seed=4).subjects
        days = pd.Series(study_days(subjects["end_date"], subjects["enrolment_date"]))
        left = days[(subjects["status"] == "withdrawn").to_numpy()]
        return [((left > 28 * k) & (left <= 28 * (k + 1))).sum() / (days > 28 * k).sum() for k in range(4)]

    plan = HistoryPlan.for_phase("Phase II", 2000, early_dropout=0.05)
    assert (plan.visit_interval, plan.planned_days) == (14, 270)
    early = monthly_rates(plan)
    assert early[0] > 1.5 * max(early[1:])  # the first month loses the most
    flat = monthly_rates(replace(plan, early_dropout=0.0))
    assert flat[0] < max(flat[1:])  # without it, the hazard builds up with missed visits instead
    phase_one = simulate_history(HistoryPlan.for_phase("Phase I", 300), seed=4)
    assert phase_one.subjects["planned_days"].eq(120).all() and phase_one.planned_length() == 120
