"""Metrics for probabilities against observed outcomes, with bootstrap 95% intervals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, precision_recall_curve, roc_auc_score, roc_curve

from core.stats.calibration import calibration_table as calibration_table  # re-exported: callers import it here
from core.stats.calibration import expected_calibration_error
from core.stats.resampling import SortedScores, resampled_metrics, weight_draws

MetricFn = Callable[[np.ndarray, np.ndarray], float]


METRICS: dict[str, MetricFn] = {
    "roc_auc": lambda y, p: float(roc_auc_score(y, p)),
    "pr_auc": lambda y, p: float(average_precision_score(y, p)),
    "brier": lambda y, p: float(brier_score_loss(y, p)),
    "ece": expected_calibration_error,
}


def bootstrap_interval(
    y: np.ndarray, p: np.ndarray, metric: MetricFn, n_boot: int = 300, seed: int = 0, max_resample: int | None = None
) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of any ``metric`` over resampled patients (see ``metric_summary``)."""
    rng = np.random.default_rng(seed)
    n = len(y)
    m = n if max_resample is None else min(n, max_resample)
    values = []
    for _ in range(n_boot):
        idx = rng.integers(0, n, m)
        if y[idx].min() == y[idx].max():
            continue  # a resample with one class has no AUC
        values.append(metric(y[idx], p[idx]))
    return _shrunk(np.asarray(values), metric(y, p), m, n)


def _shrunk(values: np.ndarray, centre: float, m: int, n: int) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles; for an m-out-of-n bootstrap, the spread shrunk by sqrt(m / n)."""
    low, high = np.percentile(values, [2.5, 97.5])
    if m < n:
        shrink = np.sqrt(m / n)
        low, high = centre + (low - values.mean()) * shrink, centre + (high - values.mean()) * shrink
    return float(low), float(high)


def metric_summary(
    y: np.ndarray,
    p: np.ndarray,
    n_boot: int = 300,
    seed: int = 0,
    max_resample: int | None = None,
    clusters: np.ndarray | None = None,
) -> dict[str, Any]:
    """Every metric in METRICS with its percentile bootstrap 95% interval, plus prevalence and n.

    With ``clusters`` (a patient id per row, when a patient has several rows, one per landmark) whole
    patients are resampled, so the interval is not made narrow by rows that are not independent.
    With ``max_resample`` m < n, each resample draws m patients and the spread around the full-data
    value is shrunk by sqrt(m / n) (the m-out-of-n bootstrap): the same interval at a fraction of the cost.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    n = len(y)
    m = n if max_resample is None or clusters is not None else min(n, max_resample)
    draw = weight_draws(n, np.random.default_rng(seed), m, clusters)
    scores = SortedScores(y, p)
    resampled = [r for r in (resampled_metrics(scores, draw()) for _ in range(n_boot)) if r is not None]
    summary: dict[str, Any] = {}
    for name, fn in METRICS.items():
        centre = fn(y, p)
        low, high = _shrunk(np.array([r[name] for r in resampled]), centre, m, n)
        summary[name] = {"value": round(centre, 4), "ci95": [round(low, 4), round(high, 4)]}
    summary["prevalence"] = round(float(y.mean()), 4)
    summary["n"] = int(n)
    return summary


def cohort_summary(y: np.ndarray, p: np.ndarray) -> dict | None:
    """metric_summary for a user's labelled cohort, with fewer resamples for large ones; None if one class only."""
    y = np.asarray(y, dtype=int)
    if len(y) < 2 or y.min() == y.max():
        return None
    return metric_summary(y, p, n_boot=200, max_resample=10_000)  # large cohorts: m-out-of-n bootstrap


def roc_points(y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
    """False-positive rate, true-positive rate and thresholds of the ROC curve."""
    fpr, tpr, thresholds = roc_curve(y, p)
    return {"false_positive_rate": fpr, "true_positive_rate": tpr, "threshold": thresholds}


def precision_recall_points(y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
    """Recall, precision (and thresholds, one fewer) of the precision-recall curve."""
    precision, recall, thresholds = precision_recall_curve(y, p)
    return {"recall": recall, "precision": precision, "threshold": thresholds}


def difference_interval(
    y: np.ndarray,
    p_first: np.ndarray,
    p_second: np.ndarray,
    clusters: np.ndarray | None = None,
    n_boot: int = 300,
    seed: int = 0,
) -> dict[str, Any]:
    """ROC AUC of ``p_first`` minus that of ``p_second`` on the same rows, with a paired bootstrap 95% interval.

    Both scores are resampled together, so the interval is about the difference itself: two models whose
    own intervals overlap can still differ clearly, and the reverse.
    """
    y = np.asarray(y, dtype=int)
    first, second = SortedScores(y, p_first), SortedScores(y, p_second)
    draw = weight_draws(len(y), np.random.default_rng(seed), clusters=clusters)
    values = []
    for _ in range(n_boot):
        w = draw()
        positives = (w * y).sum()
        if 0 < positives < w.sum():
            values.append(first.roc_auc(w) - second.roc_auc(w))
    low, high = np.percentile(values, [2.5, 97.5])
    value = roc_auc_score(y, p_first) - roc_auc_score(y, p_second)
    return {"value": round(float(value), 4), "ci95": [round(float(low), 4), round(float(high), 4)]}
