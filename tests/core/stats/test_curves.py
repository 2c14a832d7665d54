"""Evaluation curves against scikit-learn on a fixture, and their bands from resampling whole patients."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import auc, precision_recall_curve, roc_curve

from core.stats.curves import NET_BENEFIT_THRESHOLDS, RankedOutcomes, calibration_fit, capture, outcome_curves


@pytest.fixture(scope="module")
def fixture_scores():
    """800 patients, risks on a coarse grid (many ties), outcomes drawn a little off calibration."""
    rng = np.random.default_rng(7)
    p = np.round(rng.uniform(0.02, 0.9, 800), 2)
    y = (rng.uniform(size=800) < p**1.3).astype(int)
    return y, p


def test_roc_and_precision_recall_points_are_scikit_learns(fixture_scores):
    y, p = fixture_scores
    curves = outcome_curves(y, p, n_boot=50)
    fpr, tpr, _ = roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose(curves.roc.x, fpr)
    np.testing.assert_allclose(curves.roc.y, tpr)
    precision, recall, _ = precision_recall_curve(y, p)
    np.testing.assert_allclose(curves.precision_recall.x, recall[::-1][1:])  # sklearn ends at (recall 0, 1)
    np.testing.assert_allclose(curves.precision_recall.y, precision[::-1][1:])
    assert auc(curves.roc.x, curves.roc.y) == pytest.approx(auc(fpr, tpr))


def test_capture_and_net_benefit_count_the_listed_patients(fixture_scores):
    y, p = fixture_scores
    curves = outcome_curves(y, p, n_boot=50)
    ranked, ones = RankedOutcomes(y, p), np.ones(len(y))
    for t in (0.8, 0.5, 0.2):  # lists that end where a tie group ends: everyone at or above t
        k = int((p >= t).sum())
        assert capture(ranked, ones, np.array([k]))[0] == pytest.approx(y[p >= t].sum() / y.sum())
    assert curves.capture.y[0] == 0 and curves.capture.y[-1] == pytest.approx(1)
    n = len(y)
    for t in (0.1, 0.3, 0.5):
        flagged = p >= t
        expected = (y & flagged).sum() / n - ((1 - y) & flagged).sum() / n * t / (1 - t)
        assert curves.net_benefit.y[np.flatnonzero(np.isclose(NET_BENEFIT_THRESHOLDS, t))[0]] == pytest.approx(expected)


def curves_slope(y, p) -> tuple[float, float]:
    reliability = outcome_curves(y, p, n_boot=20).reliability
    return reliability.slope["value"], reliability.intercept["value"]


def test_calibration_slope_and_intercept_match_a_plain_logistic_fit(fixture_scores):
    y, p = fixture_scores
    logit = np.log(p / (1 - p))
    free, fixed = calibration_fit(y, p)
    slope, intercept = free[1], fixed[0]
    assert curves_slope(y, p) == pytest.approx((slope, intercept), abs=1e-4)
    fitted = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(logit[:, None], y)
    assert slope == pytest.approx(fitted.coef_[0, 0], abs=1e-4)

    def loss(a: float) -> float:
        eta = a + logit
        return float(-(y * eta - np.log1p(np.exp(eta))).sum())

    assert intercept == pytest.approx(minimize_scalar(loss).x, abs=1e-4)


def test_bands_hold_the_curve_and_whole_patients_resample_together(fixture_scores):
    y, p = fixture_scores
    curves = outcome_curves(y, p, n_boot=100)
    middle = np.interp(curves.roc.band_x, curves.roc.x, curves.roc.y)
    inside = (curves.roc.low - 0.02 <= middle) & (middle <= curves.roc.high + 0.02)
    assert inside.mean() > 0.95
    assert (curves.roc.high - curves.roc.low)[10:90].min() > 0  # a real spread
    # the same patients twice (two rows each): resampling whole patients gives the one-row band, not a narrower one
    twice = outcome_curves(np.r_[y, y], np.r_[p, p], np.r_[np.arange(800), np.arange(800)], n_boot=100)
    single_width = (curves.roc.high - curves.roc.low)[20:80].mean()
    assert (twice.roc.high - twice.roc.low)[20:80].mean() == pytest.approx(single_width, rel=0.25)
    by_rows = outcome_curves(np.r_[y, y], np.r_[p, p], n_boot=100).roc  # rows as if independent: too narrow
    assert (by_rows.high - by_rows.low)[20:80].mean() < single_width * 0.85
    reliability = curves.reliability
    assert reliability.patients.sum() == 800
    assert np.all(reliability.low <= reliability.observed + 1e-9) and np.all(
        reliability.observed <= reliability.high + 1e-9
    )
