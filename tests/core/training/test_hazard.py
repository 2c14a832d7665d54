"""The discrete-time hazard model: person-period rows, no look-ahead, survival curves, a known hazard recovered,
leave-one-trial-out folds, and the honest figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.history.simulated import HistoryPlan, simulate_history
from core.history.trial_history import TrialHistory
from core.training.candidates import LIGHTGBM
from core.training.hazard_cv import fit_chosen, informative, nested
from core.training.hazard_evaluation import evaluate
from core.training.hazard_model import horizon_column, leave_before
from core.training.hazard_scoring import hazard_scores
from core.training.person_period import person_periods, pooled_periods, weeks_at_risk

RUNNING = HistoryPlan(n_patients=500, n_sites=6, planned_days=168, cutoff_day=330, list_missed=False)


@pytest.fixture(scope="module")
def running_trial() -> TrialHistory:
    return simulate_history(RUNNING, seed=5)


def test_rows_are_the_weeks_each_patient_was_at_risk(running_trial: TrialHistory) -> None:
    periods = person_periods(running_trial, "A")
    subjects = running_trial.subjects
    assert (subjects["status"] == "ongoing").any()  # the cut-off leaves some patients followed part-way
    rows = pd.Series(periods.patient).value_counts()
    expected = pd.Series(weeks_at_risk(running_trial), index="A/" + subjects["patient_id"].astype(str))
    assert rows.reindex(expected.index, fill_value=0).to_numpy().tolist() == expected.to_numpy().tolist()
    # each patient's weeks are 0, 1, ... with at most one dropout, in their last week
    withdrawn = set("A/" + subjects.loc[subjects["status"] == "withdrawn", "patient_id"].astype(str))
    left = pd.Series(periods.left, index=periods.patient)
    assert set(left[left == 1].index) == withdrawn
    last = pd.DataFrame({"p": periods.patient, "w": periods.week, "left": periods.left}).groupby("p").agg("max")
    assert (last.loc[sorted(withdrawn), "left"] == 1).all()


def _changed_after(history: TrialHistory, date: pd.Timestamp) -> TrialHistory:
    """The same trial with every visit and adverse event dated after ``date`` removed or altered."""
    visits = history.visits[history.visits["visit_date"] <= date]
    events = history.adverse_events.copy()
    later = events["onset_date"] > date
    events.loc[later, "serious"] = True
    events.loc[later, "severity"] = "severe"
    extra = events[later].assign(onset_date=events.loc[later, "onset_date"] + pd.Timedelta(days=1))
    return TrialHistory(
        history.subjects,
        visits,
        pd.concat([events, extra], ignore_index=True),
        missed_visits_listed=history.missed_visits_listed,
        cutoff=history.data_cutoff(),
    )


def _rows_known_by(history: TrialHistory, periods, date: pd.Timestamp) -> np.ndarray:
    enrolment = history.subjects.set_index("A/" + history.subjects["patient_id"].astype(str))["enrolment_date"]
    row_date = enrolment.reindex(periods.patient).to_numpy() + pd.to_timedelta(periods.week * 7 - 1, unit="D")
    return np.flatnonzero(row_date <= date)


def test_nothing_dated_after_a_week_changes_that_weeks_row_or_prediction(running_trial: TrialHistory) -> None:
    ids = running_trial.subjects["patient_id"].iloc[:200]
    before = person_periods(running_trial, "A")
    model = fit_chosen(before, np.arange(len(before)), informative(before), seed=0, families=(LIGHTGBM,))[LIGHTGBM]
    for days in range(0, 40, 2):  # many dates, so rows right at each date (where a slip would show) are many
        date = pd.Timestamp("2024-06-01") + pd.Timedelta(days=days)
        contacts = pd.DataFrame({"patient_id": ids, "contact_date": date, "outcome": "reached"})
        later = contacts.assign(contact_date=date + pd.Timedelta(days=1), outcome="declined")
        early = person_periods(running_trial, "A", contacts)
        changed = person_periods(_changed_after(running_trial, date), "A", pd.concat([contacts, later]))
        known = _rows_known_by(running_trial, early, date)
        assert 1000 < len(known) < len(early)
        pd.testing.assert_frame_equal(early.features.iloc[known], changed.features.iloc[known])
        assert np.array_equal(model.hazard(early.features.iloc[known]), model.hazard(changed.features.iloc[known]))
        # the rows after the date do see the change (the check above could not pass by seeing nothing)
        unknown = np.setdiff1d(np.arange(len(early)), known)
        assert not early.features.iloc[unknown].equals(changed.features.iloc[unknown])


def _known_hazard_trial(n: int, hazard: np.ndarray, seed: int) -> TrialHistory:
    """Patients who leave in week w with probability hazard[w] (nothing else matters), visited every 14 days."""
    rng = np.random.default_rng(seed)
    leave = rng.random((n, len(hazard))) < hazard
    week_left = np.where(leave.any(axis=1), leave.argmax(axis=1), -1)
    end_day = np.where(week_left >= 0, week_left * 7 + rng.integers(1, 8, n), len(hazard) * 7)
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    ids = [f"P{i:05d}" for i in range(n)]
    subjects = pd.DataFrame(
        {
            "patient_id": ids,
            "site_id": [f"S{i % 8}" for i in range(n)],
            "age": rng.integers(20, 80, n),
            "gender": rng.choice(["Female", "Male"], n),
            "arm": rng.choice(["A", "B"], n),
            "enrolment_date": start,
            "status": np.where(week_left >= 0, "withdrawn", "completed"),
            "end_date": start + pd.to_timedelta(end_day - 1, unit="D"),
            "planned_days": len(hazard) * 7,
        }
    )
    visit_days = [(i, d) for i in range(n) for d in range(1, int(end_day[i]) + 1, 14)]
    visits = pd.DataFrame(
        {
            "patient_id": [ids[i] for i, _ in visit_days],
            "visit_date": [start[i] + pd.Timedelta(days=d - 1) for i, d in visit_days],
            "attended": True,
        }
    )
    events = pd.DataFrame({"patient_id": [], "onset_date": pd.to_datetime([]), "serious": [], "severity": []})
    return TrialHistory(subjects, visits, events)


def test_recovers_a_known_hazard_with_an_early_peak() -> None:
    truth = np.array([0.06, 0.09, 0.06, 0.03] + [0.012] * 12)
    periods = person_periods(_known_hazard_trial(4000, truth, seed=11), "K")
    model = fit_chosen(periods, np.arange(len(periods)), informative(periods), seed=0, families=(LIGHTGBM,))[LIGHTGBM]
    fitted = pd.Series(model.hazard(periods.features)).groupby(periods.week).mean()
    at_risk = pd.Series(periods.week).value_counts().sort_index()
    margin = 3 * np.sqrt(truth * (1 - truth) / at_risk.to_numpy())
    assert fitted.idxmax() in (0, 1, 2)
    assert np.all(np.abs(fitted.to_numpy()[:4] - truth[:4]) <= margin[:4])
    assert abs(fitted.to_numpy()[4:].mean() - truth[4:].mean()) <= 0.006


def test_survival_never_increases_and_horizons_follow_it(running_trial: TrialHistory) -> None:
    periods = person_periods(running_trial, "A")
    model = fit_chosen(periods, np.arange(len(periods)), informative(periods), seed=0)
    for hazard_model in model.values():
        curve = hazard_model.survival(periods.features.iloc[:300], 20, periods.planned[:300])
        assert curve.shape == (300, 20)
        assert np.all(np.diff(curve, axis=1) <= 0) and np.all((curve > 0) & (curve <= 1))
        chances = hazard_model.chances(periods.features.iloc[:300], (4, 8, 12), periods.planned[:300])
        assert list(chances.columns) == [horizon_column(h) for h in (4, 8, 12)] == ["chance_within_4_weeks",
            "chance_within_8_weeks", "chance_within_12_weeks"]  # fmt: skip
        assert np.allclose(chances["chance_within_8_weeks"], 1 - curve[:, 7])
        assert np.all(chances["chance_within_4_weeks"] <= chances["chance_within_12_weeks"])
    assert np.allclose(leave_before(np.array([[0.9, 0.8]]), np.array([0])), 0.0)


def test_leave_one_trial_out_never_trains_on_the_trial_it_scores(running_trial: TrialHistory) -> None:
    other = simulate_history(HistoryPlan(n_patients=300, n_sites=5, planned_days=112, id_prefix="OTH"), seed=9)
    pooled = pooled_periods([person_periods(running_trial, "A"), person_periods(other, "B")])
    folds, _ = nested(pooled, leave_one_trial_out=True)
    assert len(folds) == 2
    for fold in folds:
        assert len(set(pooled.trial[fold.test])) == 1
        assert not set(pooled.trial[fold.test]) & set(pooled.trial[fold.train])
        assert not set(pooled.patient[fold.test]) & set(pooled.patient[fold.train])


def test_figures_per_landmark_and_per_horizon_come_from_held_out_patients(running_trial: TrialHistory) -> None:
    periods = person_periods(running_trial, "A")
    folds, _ = nested(periods, n_folds=3)
    assert all(not set(periods.group[f.test]) & set(periods.group[f.train]) for f in folds)
    figures = evaluate(periods, folds, LIGHTGBM, horizons=(4,), n_boot=20)
    headline = figures["per_landmark"]["roc_auc"]
    assert figures["per_landmark"]["strata"] == ["28", "56", "84", "112", "140"]
    assert 0.6 < headline["value"] < 1 and headline["ci95"][0] <= headline["value"] <= headline["ci95"][1]
    four = figures["per_horizon"]["4"]
    assert 0.6 < four["time_dependent_auc"]["value"] < 1 and 0 < four["integrated_brier"]["value"] < 0.25
    assert four["look_ahead_weeks"][0] == 0
    assert all(0 <= row["predicted"] <= 1 and 0 <= row["observed"] <= 1 for row in four["calibration"])


def test_a_trial_scored_as_of_a_date_has_every_patient_in_it_ranked_by_the_chosen_horizon(
    running_trial: TrialHistory,
) -> None:
    periods = person_periods(running_trial, "A")
    model = fit_chosen(periods, np.arange(len(periods)), informative(periods), seed=0, families=(LIGHTGBM,))[LIGHTGBM]
    date = pd.Timestamp("2024-05-01")
    scored = hazard_scores(running_trial, model, date, horizons=(4, 12), rank_by=12)
    subjects = running_trial.subjects
    in_trial = (subjects["enrolment_date"] <= date) & (subjects["end_date"].isna() | (subjects["end_date"] > date))
    assert sorted(scored["patient_id"]) == sorted(subjects.loc[in_trial, "patient_id"].astype(str))
    assert list(scored.columns[-2:]) == ["chance_within_4_weeks", "chance_within_12_weeks"]
    assert scored["chance_within_12_weeks"].is_monotonic_decreasing
    assert (scored["chance_within_4_weeks"] <= scored["chance_within_12_weeks"]).all()
    assert (scored["days_in_trial"] >= 1).all() and (scored["days_in_trial"] <= 7).any()  # first-week patients too
