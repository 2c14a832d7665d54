"""Figures at one moment: each metric computed within each stratum (a landmark day), then averaged.

A weekly call list ranks the patients in front of the team on one day. A ROC AUC pooled over several
days also rewards knowing the day (early days have more dropouts), so it flatters a model. Here every
metric is computed within each stratum and the headline is the plain mean over strata. Its 95%
interval resamples whole clusters (patients, or whatever the folds held out) across every stratum at
once and recomputes the mean of the per-stratum figures, so a patient's rows stay together.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.stats.metrics import METRICS
from core.stats.resampling import SortedScores, resampled_metrics, weight_draws


def _strata(y: np.ndarray, strata: np.ndarray) -> list[tuple[Any, np.ndarray]]:
    """Each stratum that holds both outcomes, with its rows (a stratum with one outcome has no AUC)."""
    out = []
    for value in np.unique(strata):
        rows = np.flatnonzero(strata == value)
        if y[rows].min() != y[rows].max():
            out.append((value, rows))
    return out


def _percentiles(values: list[float]) -> list[float]:
    if not values:
        return [float("nan"), float("nan")]
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def _weighted_centre(scores: list[SortedScores], parts: list, weights: np.ndarray) -> dict[str, float]:
    """The mean over strata of each metric on rows weighted by ``weights`` (censoring weights)."""
    found = [resampled_metrics(s, weights[rows]) for s, (_, rows) in zip(scores, parts, strict=True)]
    return {name: float(np.mean([f[name] for f in found if f is not None])) for name in METRICS}


def stratum_mean_summary(
    y: np.ndarray,
    p: np.ndarray,
    strata: np.ndarray,
    clusters: np.ndarray,
    n_boot: int = 200,
    seed: int = 0,
    weights: np.ndarray | None = None,
) -> dict[str, Any]:
    """Every metric in METRICS as the mean over strata of its within-stratum value, with a cluster bootstrap
    95% interval of that mean; plus how many strata and rows it covers. Empty when no stratum holds both
    outcomes. ``weights`` (censoring weights) weight the rows in the figure and in every resample."""
    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    parts = _strata(y, np.asarray(strata))
    if not parts:
        return {}
    scores = [SortedScores(y[rows], p[rows]) for _, rows in parts]
    draw = weight_draws(len(y), np.random.default_rng(seed), clusters=np.asarray(clusters))
    base = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    resampled: dict[str, list[float]] = {name: [] for name in METRICS}
    for _ in range(n_boot):
        w = draw() * base
        found = [resampled_metrics(s, w[rows]) for s, (_, rows) in zip(scores, parts, strict=True)]
        if any(f is None for f in found):
            continue
        for name in METRICS:
            resampled[name].append(float(np.mean([f[name] for f in found if f is not None])))
    summary: dict[str, Any] = {}
    weighted = _weighted_centre(scores, parts, base) if weights is not None else {}
    for name, fn in METRICS.items():
        centre = weighted.get(name, float(np.mean([fn(y[rows], p[rows]) for _, rows in parts])))
        summary[name] = {"value": round(centre, 4), "ci95": _percentiles(resampled[name])}
    rates = [np.average(y[rows], weights=base[rows]) for _, rows in parts]
    summary["prevalence"] = round(float(np.mean(rates)), 4)
    summary["n"] = int(sum(len(rows) for _, rows in parts))
    summary["strata"] = [str(int(v)) if np.issubdtype(type(v), np.number) else str(v) for v, _ in parts]
    return summary


def stratum_mean_difference(
    y: np.ndarray,
    p_first: np.ndarray,
    p_second: np.ndarray,
    strata: np.ndarray,
    clusters: np.ndarray,
    n_boot: int = 200,
    seed: int = 0,
    weights: np.ndarray | None = None,
) -> dict[str, Any]:
    """ROC AUC of ``p_first`` minus ``p_second`` within each stratum and as the mean over strata, on the same
    rows, each with a paired 95% interval (both scores resampled together, whole clusters; rows weighted by
    ``weights`` when given)."""
    y = np.asarray(y, dtype=int)
    parts = _strata(y, np.asarray(strata))
    if not parts:
        return {}
    first = [SortedScores(y[rows], np.asarray(p_first)[rows]) for _, rows in parts]
    second = [SortedScores(y[rows], np.asarray(p_second)[rows]) for _, rows in parts]
    draw = weight_draws(len(y), np.random.default_rng(seed), clusters=np.asarray(clusters))
    base = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    per_stratum: list[list[float]] = [[] for _ in parts]
    means: list[float] = []
    for _ in range(n_boot):
        w = draw() * base
        values = []
        for k, (_, rows) in enumerate(parts):
            weights = w[rows]
            positives = (weights * y[rows]).sum()
            if not 0 < positives < weights.sum():
                values.append(np.nan)
                continue
            values.append(first[k].roc_auc(weights) - second[k].roc_auc(weights))
            per_stratum[k].append(values[-1])
        if np.isfinite(values).all():
            means.append(float(np.mean(values)))
    ones = [base[rows] for _, rows in parts]
    centres = [a.roc_auc(w) - b.roc_auc(w) for a, b, w in zip(first, second, ones, strict=True)]
    by_stratum = {
        str(int(value)): {"value": round(float(c), 4), "ci95": _percentiles(per_stratum[k])}
        for k, ((value, _), c) in enumerate(zip(parts, centres, strict=True))
    }
    return {"value": round(float(np.mean(centres)), 4), "ci95": _percentiles(means), "by_stratum": by_stratum}
