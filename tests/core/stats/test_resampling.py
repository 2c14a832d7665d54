"""Resamples as weights give exactly the figures of the resample itself; whole patients widen intervals."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from core.stats.calibration import expected_calibration_error
from core.stats.metrics import difference_interval, metric_summary
from core.stats.resampling import SortedScores, resampled_metrics, weight_draws


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(20, 300), st.sampled_from([2, 10, 1000]))
def test_weighted_metrics_equal_the_metrics_of_the_resample(seed, n, levels):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    p = rng.integers(0, levels, n) / levels  # few levels: many ties
    scores = SortedScores(y, p)
    w = weight_draws(n, rng)()
    rows = np.repeat(np.arange(n), w.astype(int))
    if y[rows].min() == y[rows].max():
        assert resampled_metrics(scores, w) is None
        return
    figures = resampled_metrics(scores, w)
    assert figures is not None
    assert np.isclose(figures["roc_auc"], roc_auc_score(y[rows], p[rows]))
    assert np.isclose(figures["pr_auc"], average_precision_score(y[rows], p[rows]))
    assert np.isclose(figures["brier"], brier_score_loss(y[rows], p[rows]))
    assert np.isclose(figures["ece"], expected_calibration_error(y[rows], p[rows]))


def test_cluster_draws_take_every_row_of_a_patient_together():
    clusters = np.array(["a", "a", "b", "c", "c", "c"])
    draw = weight_draws(6, np.random.default_rng(1), clusters=clusters)
    for _ in range(20):
        w = draw()
        assert w[0] == w[1] and w[3] == w[4] == w[5]
        assert w[[0, 2, 3]].sum() == 3  # three patients drawn


def test_rows_repeated_per_patient_do_not_narrow_the_interval():
    """Five copies of each patient's row hold no more information than one row each."""
    rng = np.random.default_rng(4)
    n = 400
    y = rng.integers(0, 2, n)
    p = np.clip(0.5 + 0.2 * (y - 0.5) + rng.normal(0, 0.25, n), 0.01, 0.99)
    one = metric_summary(y, p, n_boot=300)["roc_auc"]["ci95"]
    copies, patient = np.tile(y, 5), np.tile(np.arange(n), 5)
    naive = metric_summary(copies, np.tile(p, 5), n_boot=300)["roc_auc"]["ci95"]
    clustered = metric_summary(copies, np.tile(p, 5), n_boot=300, clusters=patient)["roc_auc"]["ci95"]
    width = lambda ci: ci[1] - ci[0]  # noqa: E731
    assert width(naive) < 0.6 * width(one)  # treating copies as patients fakes precision
    assert 0.8 * width(one) < width(clustered) < 1.25 * width(one)


def test_a_better_score_shows_a_positive_paired_difference():
    rng = np.random.default_rng(2)
    n = 800
    y = rng.integers(0, 2, n)
    good = y + rng.normal(0, 0.6, n)
    poor = y + rng.normal(0, 2.0, n)
    difference = difference_interval(y, good, poor, n_boot=300)
    assert difference["value"] == round(roc_auc_score(y, good) - roc_auc_score(y, poor), 4)
    assert difference["ci95"][0] > 0
    same = difference_interval(y, good, good + 1e-9 * rng.normal(size=n), n_boot=100)
    assert same["ci95"][0] <= 0 <= same["ci95"][1]
