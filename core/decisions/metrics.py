"""Metrics for probabilities against observed outcomes, with bootstrap 95% intervals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, precision_recall_curve, roc_auc_score, roc_curve

MetricFn = Callable[[np.ndarray, np.ndarray], float]


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """ECE over equal-frequency bins: the size-weighted mean |observed rate - mean probability|."""
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, bins)
    total = len(p)
    return float(sum(len(g) / total * abs(y[g].mean() - p[g].mean()) for g in groups if len(g)))


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Equal-frequency bins: mean predicted probability, observed dropout rate and count per bin."""
    order = np.argsort(p, kind="stable")
    return [
        {"mean_predicted": float(p[g].mean()), "observed_rate": float(y[g].mean()), "n": int(len(g))}
        for g in np.array_split(order, bins)
        if len(g)
    ]


METRICS: dict[str, MetricFn] = {
    "roc_auc": lambda y, p: float(roc_auc_score(y, p)),
    "pr_auc": lambda y, p: float(average_precision_score(y, p)),
    "brier": lambda y, p: float(brier_score_loss(y, p)),
    "ece": expected_calibration_error,
}


def _cluster_sampler(clusters: np.ndarray, rng: np.random.Generator):
    """Draws whole clusters (all rows of a patient) with replacement; returns their rows."""
    codes, _ = pd.factorize(clusters)
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(codes))))
    n_clusters = len(bounds) - 1

    def draw() -> np.ndarray:
        chosen = rng.integers(0, n_clusters, n_clusters)
        return np.concatenate([order[bounds[c] : bounds[c + 1]] for c in chosen])

    return draw


def bootstrap_interval(
    y: np.ndarray,
    p: np.ndarray,
    metric: MetricFn,
    n_boot: int = 300,
    seed: int = 0,
    max_resample: int | None = None,
    clusters: np.ndarray | None = None,
) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of ``metric`` over resampled patients.

    With ``clusters`` (a patient id per row, when a patient has several rows, one per landmark) whole
    patients are resampled, so the interval is not made narrow by rows that are not independent.
    With ``max_resample`` m < n, each resample draws m patients and the spread around the full-data
    value is shrunk by sqrt(m / n) (the m-out-of-n bootstrap): the same interval at a fraction of the cost.
    """
    rng = np.random.default_rng(seed)
    n = len(y)
    m = n if max_resample is None else min(n, max_resample)
    cluster_draw = _cluster_sampler(np.asarray(clusters), rng) if clusters is not None else None
    values = []
    for _ in range(n_boot):
        idx = cluster_draw() if cluster_draw is not None else rng.integers(0, n, m)
        if y[idx].min() == y[idx].max():
            continue  # a resample with one class has no AUC
        values.append(metric(y[idx], p[idx]))
    low, high = np.percentile(values, [2.5, 97.5])
    if m < n and cluster_draw is None:
        centre, shrink = metric(y, p), np.sqrt(m / n)
        low, high = centre + (low - np.mean(values)) * shrink, centre + (high - np.mean(values)) * shrink
    return float(low), float(high)


def metric_summary(
    y: np.ndarray,
    p: np.ndarray,
    n_boot: int = 300,
    seed: int = 0,
    max_resample: int | None = None,
    clusters: np.ndarray | None = None,
) -> dict[str, Any]:
    """Every metric in METRICS with its interval, plus prevalence and n (patients resampled by ``clusters``)."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    summary: dict[str, Any] = {}
    for name, fn in METRICS.items():
        low, high = bootstrap_interval(y, p, fn, n_boot, seed, max_resample, clusters)
        summary[name] = {"value": round(fn(y, p), 4), "ci95": [round(low, 4), round(high, 4)]}
    summary["prevalence"] = round(float(y.mean()), 4)
    summary["n"] = int(len(y))
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
