"""Censoring weights: a trial cut mid-way, trained with them, is calibrated for the patients still in it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.history.interim import history_cut_at
from core.history.reader import history_files, read_history
from core.model.predictors import sigmoid
from core.training.candidates import LOGISTIC
from core.training.censoring_weights import known_until, weighted_rows
from core.training.cross_validation import Design, choose
from core.training.landmark_data import landmark_data

CTN0030 = Path(__file__).parents[3] / "data" / "ctn0030"


@pytest.fixture(scope="module")
def cut_trial():
    """CTN-0030 whole, and as an export half-way through enrolment would have held it."""
    full = read_history(history_files(CTN0030))
    middle = full.subjects["enrolment_date"].sort_values().iloc[len(full.subjects) // 2]
    cut = history_cut_at(full, middle)
    return landmark_data(full), landmark_data(cut), cut


def test_without_censoring_every_weight_is_one(cut_trial):
    full, _, _ = cut_trial
    assert np.all(full.w == 1.0)
    assert np.all(known_until(np.array([30.0, 40.0]), np.array([False, False]), 28) == 1.0)


def test_the_chance_of_being_followed_is_the_kaplan_meier_curve_of_the_cut_offs():
    # Five patients from day 28: cut off on day 30 and 50; endings on days 40, 50 (same day: seen) and 60.
    times = np.array([30.0, 40.0, 50.0, 50.0, 60.0])
    censored = np.array([True, False, True, False, False])
    chance = known_until(times, censored, 28)
    np.testing.assert_allclose(chance[[1, 3, 4]], [4 / 5, 4 / 5, 4 / 5 * (1 - 1 / 3)])  # 3 at risk on day 50


def test_weighted_rows_repeat_rows_by_their_weight():
    p, y = weighted_rows(np.array([0.1, 0.9]), np.array([0, 1]), np.array([1.0, 2.5]))
    assert p.tolist() == [0.1] * 4 + [0.9] * 10 and y.sum() == 10


def test_weights_restore_the_dropout_rate_the_cut_hid(cut_trial):
    full, cut, _ = cut_trial
    assert (cut.w > 1).any()
    later = full.y.mean()
    plain, weighted = cut.y.mean(), np.average(cut.y, weights=cut.w)
    assert abs(weighted - later) < abs(plain - later) / 3


def test_a_model_trained_at_the_cut_is_calibrated_for_the_patients_still_in_the_trial(cut_trial):
    """Trained at the cut with and without the weights, scored on the rows of the patients who were still in the
    trial then, against the outcomes known later: the weighted model's mean estimate is nearer what happened."""
    full, cut, cut_history = cut_trial
    ongoing = set(cut_history.subjects.loc[cut_history.subjects["status"] == "ongoing", "patient_id"])
    later = np.isin(full.patients, list(ongoing))
    names = [name for name in cut.feature_names if name in full.feature_names]
    levels = {n: v for n, v in cut.levels.items() if n in names}
    X = cut.features[names].to_numpy(dtype=float)
    observed = full.y[later].mean()
    gaps = {}
    for weights in ("weighted", "plain"):
        design = Design(X, cut.y, cut.groups, names, levels, cut.w if weights == "weighted" else None)
        rows = np.arange(len(cut.y))
        pick = choose(design, rows, seed=0, families=(LOGISTIC,))[LOGISTIC]
        model = design.fit(pick.candidate, rows)
        estimate = sigmoid(pick.calibration.apply(model.log_odds(full.features[names].to_numpy(dtype=float)[later])))
        gaps[weights] = abs(estimate.mean() - observed)
    assert gaps["weighted"] < gaps["plain"] * 0.75, gaps
