"""The discrete-time hazard model: person-period rows, no look-ahead, survival curves, a known hazard recovered,
leave-one-trial-out folds, and the honest figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.history.endings import ANY_DISCONTINUATION
from core.history.landmarks import followed_to
from core.history.simulated import HistoryPlan, simulate_history
from core.history.trial_history import TrialHistory
from core.model.features import TRIAL_FEATURES
from core.model.time_model import horizon_column, leave_before
from core.training.candidates import LIGHTGBM
from core.training.hazard_cv import fit_chosen, informative, nested
from core.training.hazard_evaluation import evaluate
from core.training.person_period import next_snapshot, person_periods, pooled_periods, snapshot_days

RUNNING = HistoryPlan(n_patients=500, n_sites=6, planned_days=168, cutoff_day=330, list_missed=False)
EVERY_ENDING = ANY_DISCONTINUATION  # the simulated trial gives no reasons: every withdrawal counts


@pytest.fixture(scope="module")
def running_trial() -> TrialHistory:
    return simulate_history(RUNNING, seed=5)


@pytest.fixture(scope="module")
def running_periods(running_trial: TrialHistory):
    return person_periods(running_trial, "A", EVERY_ENDING)


def _expected_weeks(history: TrialHistory) -> pd.Series:
    """Rows each patient should have, counted here the slow way: snapshot days on which they are at risk."""
    followed = followed_to(history)
    ended = history.subjects["status"].isin(["completed", "withdrawn"]).to_numpy()
    days = snapshot_days(history)
    counts = [
        sum(1 for d in days if (f > d if e else f >= next_snapshot(d))) for f, e in zip(followed, ended, strict=True)
    ]
    return pd.Series(counts, index="A/" + history.subjects["patient_id"].astype(str))


def test_rows_are_the_weeks_each_patient_was_at_risk(running_trial: TrialHistory, running_periods) -> None:
    periods = running_periods
    subjects = running_trial.subjects
    assert (subjects["status"] == "ongoing").any()  # the cut-off leaves some patients followed part-way
    rows = pd.Series(periods.patient).value_counts()
    expected = _expected_weeks(running_trial)
    assert rows.reindex(expected.index, fill_value=0).to_numpy().tolist() == expected.to_numpy().tolist()
    # each patient's weeks are 0, 1, ... with at most one dropout, in their last week
    frame = pd.DataFrame({"p": periods.patient, "w": periods.week, "left": periods.left})
    assert (frame.groupby("p")["w"].apply(lambda w: list(w) == list(range(len(w))))).all()
    withdrawn = set("A/" + subjects.loc[subjects["status"] == "withdrawn", "patient_id"].astype(str))
    left = frame[frame["left"] == 1]
    assert left["p"].is_unique and set(left["p"]) <= withdrawn
    assert len(left) >= 0.95 * len(withdrawn)  # only a withdrawal on the enrolment day itself has no week at risk
    last = frame.groupby("p")["w"].max()
    assert (left.set_index("p")["w"] == last.loc[left["p"]]).all()


def test_other_endings_are_censored_not_counted(running_trial: TrialHistory) -> None:
    """Under the default outcome (retention dropouts) a withdrawal for another reason ends the rows without an event."""
    subjects = running_trial.subjects.copy()
    withdrawn = subjects.index[subjects["status"] == "withdrawn"]
    subjects["reason"] = ""
    subjects.loc[withdrawn[::2], "reason"] = "Adverse event"
    subjects.loc[withdrawn[1::2], "reason"] = "Withdrawal by subject"
    history = TrialHistory(
        subjects, running_trial.visits, running_trial.adverse_events, cutoff=running_trial.data_cutoff()
    )
    periods = person_periods(history, "A")
    counted = set("A/" + subjects.loc[withdrawn[1::2], "patient_id"].astype(str))
    other = set("A/" + subjects.loc[withdrawn[::2], "patient_id"].astype(str))
    events = set(periods.patient[periods.left == 1])
    assert events <= counted and not events & other
    assert other <= set(periods.patient)  # still at risk until they ended, then censored


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
    """Rows whose day ended on or before ``date`` (a row describes the patient at the end of its study day)."""
    enrolment = history.subjects.set_index("A/" + history.subjects["patient_id"].astype(str))["enrolment_date"]
    row_date = enrolment.reindex(periods.patient).to_numpy() + pd.to_timedelta(periods.day - 1, unit="D")
    return np.flatnonzero(row_date <= date)


def test_nothing_dated_after_a_week_changes_that_weeks_row_or_prediction(
    running_trial: TrialHistory, running_periods
) -> None:
    before = running_periods
    names = informative(before)
    model = fit_chosen(before, np.arange(len(before)), names, seed=0, families=(LIGHTGBM,))[LIGHTGBM].model
    for days in range(0, 40, 4):  # many dates, so rows right at each date (where a slip would show) are many
        date = pd.Timestamp("2024-06-01") + pd.Timedelta(days=days)
        changed = person_periods(_changed_after(running_trial, date), "A", EVERY_ENDING)
        early = before
        known = _rows_known_by(running_trial, early, date)
        assert 1000 < len(known) < len(early)
        keys = pd.MultiIndex.from_arrays([early.patient, early.day])
        at = pd.MultiIndex.from_arrays([changed.patient, changed.day]).get_indexer(keys[known])
        assert (at >= 0).all()
        pd.testing.assert_frame_equal(
            early.features.iloc[known].reset_index(drop=True), changed.features.iloc[at].reset_index(drop=True)
        )
        X_early = early.features.iloc[known][names].to_numpy(dtype=float)
        X_changed = changed.features.iloc[at][names].to_numpy(dtype=float)
        assert np.array_equal(model.probability(X_early), model.probability(X_changed))
        # the rows after the date do see the change (the check above could not pass by seeing nothing)
        later = np.setdiff1d(np.arange(len(changed)), at)
        assert len(later) and not changed.features.iloc[later].equals(early.features.iloc[: len(later)])


def _known_hazard_trial(n: int, hazard: np.ndarray, seed: int) -> TrialHistory:
    """Patients who leave in week w with probability hazard[w] (nothing else matters), visited every 14 days."""
    rng = np.random.default_rng(seed)
    leave = rng.random((n, len(hazard))) < hazard
    week_left = np.where(leave.any(axis=1), leave.argmax(axis=1), -1)
    # a week's rows cover days 7w+1..7w+7 (week 0: days 2..7, after the enrolment day's own snapshot)
    end_day = np.where(week_left >= 0, week_left * 7 + rng.integers(2, 8, n), len(hazard) * 7)
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
    periods = person_periods(_known_hazard_trial(4000, truth, seed=11), "K", EVERY_ENDING)
    names = informative(periods)
    fit = fit_chosen(periods, np.arange(len(periods)), names, seed=0, families=(LIGHTGBM,))[LIGHTGBM]
    weekly = fit.model.hazard.probability(periods.features[names].to_numpy(dtype=float))
    fitted = pd.Series(weekly).groupby(periods.week).mean()
    at_risk = pd.Series(periods.week).value_counts().sort_index()
    margin = 3 * np.sqrt(truth * (1 - truth) / at_risk.to_numpy())
    assert fitted.idxmax() in (0, 1, 2)
    assert np.all(np.abs(fitted.to_numpy()[:4] - truth[:4]) <= margin[:4])
    assert abs(fitted.to_numpy()[4:].mean() - truth[4:].mean()) <= 0.006


def test_survival_never_increases_and_horizons_follow_it(running_periods) -> None:
    periods = running_periods
    models = fit_chosen(periods, np.arange(len(periods)), informative(periods), seed=0)
    for fit in models.values():
        model = fit.model
        X = periods.features.iloc[:300][model.feature_names].to_numpy(dtype=float)
        curve = model.survival(X, 20)
        assert curve.shape == (300, 20)
        assert np.all(np.diff(curve, axis=1) <= 0) and np.all((curve > 0) & (curve <= 1))
        four, twelve = model.chance_within(X, 4), model.chance_within(X, 12)
        left = model.weeks_left(X)
        assert np.allclose(four, 1 - curve[np.arange(300), np.minimum(left, 4) - 1])
        assert np.all(four <= twelve + 1e-12) and np.all(twelve <= model.probability(X) + 1e-12)
        values, base = model.contributions(X)  # reasons add up to the chance before the end, as for every model
        assert np.allclose(base + values.sum(axis=1), model.log_odds(X))
    assert horizon_column(8) == "chance_within_8_weeks"
    assert np.allclose(leave_before(np.array([[0.9, 0.8]]), np.array([0])), 0.0)


def test_leave_one_trial_out_never_trains_on_the_trial_it_scores(running_trial: TrialHistory) -> None:
    other = simulate_history(HistoryPlan(n_patients=300, n_sites=5, planned_days=112, id_prefix="OTH"), seed=9)
    shared = [n for n in TRIAL_FEATURES if n != "treatment_group"]  # arms are named per trial
    parts = [person_periods(h, name, EVERY_ENDING, shared) for name, h in (("A", running_trial), ("B", other))]
    pooled = pooled_periods(parts)
    folds, _ = nested(pooled, leave_one_trial_out=True)
    assert len(folds) == 2
    for fold in folds:
        assert len(set(pooled.trial[fold.test])) == 1
        assert not set(pooled.trial[fold.test]) & set(pooled.trial[fold.train])
        assert not set(pooled.patient[fold.test]) & set(pooled.patient[fold.train])


def test_figures_per_landmark_and_per_horizon_come_from_held_out_patients(running_periods) -> None:
    periods = running_periods
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
