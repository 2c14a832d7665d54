"""core.metrics: calibration error and bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pytest

from core.stats.metrics import bootstrap_interval, calibration_table, expected_calibration_error, metric_summary


def test_ece_of_a_hand_worked_example():
    p = np.array([0.1, 0.1, 0.9, 0.9])
    y = np.array([0, 1, 1, 1])
    # two equal-frequency bins: |0.5 - 0.1| and |1.0 - 0.9|, each half the patients
    assert expected_calibration_error(y, p, bins=2) == pytest.approx(0.5 * 0.4 + 0.5 * 0.1)


def test_perfectly_calibrated_probabilities_have_small_ece():
    rng = np.random.default_rng(0)
    p = rng.random(200_000)
    y = (rng.random(len(p)) < p).astype(int)
    assert expected_calibration_error(y, p) < 0.005
    assert expected_calibration_error(y, np.clip(p + 0.1, 0, 1)) > 0.08


def test_calibration_table_bins_hold_every_patient():
    rng = np.random.default_rng(1)
    p = rng.random(1003)
    table = calibration_table((rng.random(1003) < p).astype(int), p)
    assert sum(row["n"] for row in table) == 1003 and len(table) == 10
    assert [row["mean_predicted"] for row in table] == sorted(row["mean_predicted"] for row in table)


def test_bootstrap_interval_is_narrower_with_more_patients():
    rng = np.random.default_rng(2)
    auc = lambda y, p: float((p[y == 1][:, None] > p[y == 0][None, :]).mean())  # noqa: E731
    widths = []
    for n in (200, 2000):
        p = rng.random(n)
        y = (rng.random(n) < p).astype(int)
        low, high = bootstrap_interval(y, p, auc, n_boot=100)
        widths.append(high - low)
    assert widths[1] < widths[0] / 2


def test_summary_reports_prevalence_and_n():
    y = np.array([0, 0, 1, 1, 0, 1, 0, 0])
    p = np.array([0.1, 0.2, 0.8, 0.7, 0.3, 0.6, 0.2, 0.4])
    summary = metric_summary(y, p, n_boot=50)
    assert summary["n"] == 8 and summary["prevalence"] == pytest.approx(0.375)
    assert summary["roc_auc"]["value"] == 1.0


def test_m_out_of_n_interval_matches_the_full_bootstrap():
    rng = np.random.default_rng(4)
    p = rng.random(40_000)
    y = (rng.random(len(p)) < p).astype(int)
    brier = lambda y, p: float(np.mean((p - y) ** 2))  # noqa: E731
    full = bootstrap_interval(y, p, brier, n_boot=200)
    fast = bootstrap_interval(y, p, brier, n_boot=200, max_resample=5_000)
    assert fast[0] < brier(y, p) < fast[1]
    assert (fast[1] - fast[0]) == pytest.approx(full[1] - full[0], rel=0.25)
