"""Bootstrap resamples as weights: each row counted as often as it was drawn.

A resample that draws a row three times is the same data as that row with weight three, so metrics
over weights give exactly the resampled figure without building the resample. Rows are sorted by
score once; each resample then costs a few vectorised sums, which makes intervals over thousands
of patients and several landmark days cheap enough to give for every figure.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from core.stats.calibration import expected_calibration_error


def weight_draws(
    n: int, rng: np.random.Generator, size: int | None = None, clusters: np.ndarray | None = None
) -> Callable[[], np.ndarray]:
    """A function giving each row's count in one resample: ``size`` rows drawn with replacement, or, with
    ``clusters``, whole clusters (every row of a patient) drawn as many times as there are clusters."""
    if clusters is not None:
        codes, uniques = pd.factorize(np.asarray(clusters))
        k = len(uniques)
        return lambda: np.bincount(rng.integers(0, k, k), minlength=k)[codes].astype(float)
    m = n if size is None else size
    return lambda: np.bincount(rng.integers(0, n, m), minlength=n).astype(float)


class SortedScores:
    """Scores sorted once, ties grouped, so weighted ranking metrics need no sort per resample."""

    def __init__(self, y: np.ndarray, p: np.ndarray) -> None:
        self.y = np.asarray(y, dtype=int)
        self.p = np.asarray(p, dtype=float)
        self.order = np.argsort(self.p, kind="stable")
        _, self.group = np.unique(self.p[self.order], return_inverse=True)  # tie group, ascending score
        self.groups = int(self.group.max()) + 1 if len(self.group) else 0

    def _by_group(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ws, ys = w[self.order], self.y[self.order]
        positive = np.bincount(self.group, weights=ws * ys, minlength=self.groups)
        negative = np.bincount(self.group, weights=ws * (1 - ys), minlength=self.groups)
        return positive, negative

    def roc_auc(self, w: np.ndarray) -> float:
        """P(a positive scores above a negative), ties counting half: ROC AUC of the weighted rows."""
        positive, negative = self._by_group(w)
        below = np.cumsum(negative) - negative
        return float((positive * (below + 0.5 * negative)).sum() / (positive.sum() * negative.sum()))

    def average_precision(self, w: np.ndarray) -> float:
        """Precision at each distinct score (highest first), weighted by the recall gained there."""
        positive, negative = self._by_group(w)
        true_pos, false_pos = np.cumsum(positive[::-1]), np.cumsum(negative[::-1])
        precision = true_pos / np.maximum(true_pos + false_pos, 1e-300)
        return float((precision * positive[::-1]).sum() / positive.sum())


def brier(y: np.ndarray, p: np.ndarray, w: np.ndarray) -> float:
    return float((w * (p - y) ** 2).sum() / w.sum())


def calibration_error(y: np.ndarray, p: np.ndarray, w: np.ndarray) -> float:
    """ECE of the resample itself (its equal-count bins depend on the repeated rows, so they are built).
    Weights that are not whole counts (censoring weights) make bins of equal total weight instead."""
    if np.array_equal(w, np.round(w)):
        rows = np.repeat(np.arange(len(y)), w.astype(int))
        return expected_calibration_error(y[rows], p[rows])
    return weighted_calibration_error(y, p, w)


def weighted_calibration_error(y: np.ndarray, p: np.ndarray, w: np.ndarray, bins: int = 10) -> float:
    """ECE over bins of equal total weight: the weight-share-weighted mean |observed rate - mean probability|."""
    order = np.argsort(p, kind="stable")
    ws = w[order]
    total = ws.sum()
    which = np.minimum(((np.cumsum(ws) - ws / 2) / total * bins).astype(int), bins - 1)
    weight = np.bincount(which, weights=ws, minlength=bins)
    observed = np.bincount(which, weights=ws * y[order], minlength=bins)
    predicted = np.bincount(which, weights=ws * p[order], minlength=bins)
    used = weight > 0
    return float((np.abs(observed[used] - predicted[used])).sum() / total)


def resampled_metrics(scores: SortedScores, w: np.ndarray) -> dict[str, float] | None:
    """Every reported metric on one weighted resample (None when it holds one outcome only)."""
    positives = (w * scores.y).sum()
    if positives == 0 or positives == w.sum():
        return None
    return {
        "roc_auc": scores.roc_auc(w),
        "pr_auc": scores.average_precision(w),
        "brier": brier(scores.y, scores.p, w),
        "ece": calibration_error(scores.y, scores.p, w),
    }


def percentile_interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """The percentile interval of resampled values (non-finite draws left out; NaN, NaN when none is finite)."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return (float("nan"), float("nan"))
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)
