"""Evaluation curves on observed outcomes, each with a 95% band from resampling whole patients.

ROC, precision-recall, capture by list length (the share of dropouts a list of k patients holds) and
net benefit by threshold all read cumulative counts of the patients sorted by risk, highest first. The
rows are sorted once; a resample is a vector of weights (``core.stats.resampling``), so each of the
few hundred resamples costs a few cumulative sums. The curve itself is exact (the same points as
scikit-learn's); the band is the 2.5th and 97.5th percentile of the resampled curves on a fixed grid.
Reliability: equal-count bins of the whole cohort, the observed rate per bin with its band, and the
calibration slope and intercept (logistic recalibration on the log-odds of the estimates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.stats.calibration import calibration_table
from core.stats.resampling import weight_draws

GRID = np.linspace(0.0, 1.0, 101)  # false-positive rates and recalls the bands are drawn at
NET_BENEFIT_THRESHOLDS = np.round(np.arange(0.01, 1.0, 0.01), 2)
_EPS = 1e-6
FINE_GROUPS = 2000  # a resample's calibration fit reads this many risk groups, not every patient


@dataclass(frozen=True)
class Band:
    """A curve's points (x, y) and its 95% band (low, high) at ``band_x``."""

    x: np.ndarray
    y: np.ndarray
    band_x: np.ndarray
    low: np.ndarray
    high: np.ndarray


class RankedOutcomes:
    """Outcomes sorted by risk (highest first), ties grouped: weighted cumulative counts in one pass."""

    def __init__(self, y: np.ndarray, p: np.ndarray) -> None:
        self.order = np.argsort(-np.asarray(p, dtype=float), kind="stable")
        self.y = np.asarray(y, dtype=float)[self.order]
        self.p = np.asarray(p, dtype=float)[self.order]
        self.ends = np.flatnonzero(np.r_[self.p[1:] != self.p[:-1], True])  # last row of each tie group
        self.n = len(self.y)
        self._last: tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None

    def counts(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At each distinct risk (highest first): listed weight, dropouts and stayers among those at or above.
        The last resample's counts are kept: every curve of one resample reads the same ones."""
        if self._last is not None and self._last[0] is w:
            return self._last[1]
        ws = np.asarray(w, dtype=float)[self.order]
        listed = np.cumsum(ws)[self.ends]
        positive = np.cumsum(ws * self.y)[self.ends]
        self._last = (w, (listed, positive, listed - positive))
        return self._last[1]


def roc(ranked: RankedOutcomes, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False-positive rate and true-positive rate, from (0, 0) to (1, 1)."""
    _, tp, fp = ranked.counts(w)
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]]


def precision_recall(ranked: RankedOutcomes, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recall and precision at each distinct risk, highest risk (lowest recall) first."""
    listed, tp, _ = ranked.counts(w)
    return tp / tp[-1], tp / np.maximum(listed, 1e-300)


def capture(ranked: RankedOutcomes, w: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Share of the dropouts among the ``lengths`` highest-risk patients (ties shared pro rata)."""
    listed, tp, _ = ranked.counts(w)
    return np.interp(lengths, np.r_[0.0, listed], np.r_[0.0, tp / tp[-1]])


def net_benefit(ranked: RankedOutcomes, w: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per patient: dropouts flagged minus false alarms weighted by the odds of the threshold (Vickers, 2006)."""
    listed, tp, fp = ranked.counts(w)
    groups = np.searchsorted(-ranked.p[ranked.ends], -thresholds, side="right")  # groups at or above each threshold
    tp_at = np.where(groups > 0, tp[np.maximum(groups - 1, 0)], 0.0)
    fp_at = np.where(groups > 0, fp[np.maximum(groups - 1, 0)], 0.0)
    total = listed[-1]
    return tp_at / total - fp_at / total * thresholds / (1 - thresholds)


def banded(
    y: np.ndarray,
    curve: Callable[[np.ndarray], np.ndarray],
    n: int,
    clusters: np.ndarray | None,
    n_boot: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """2.5th and 97.5th percentiles of ``curve(weights)`` over resamples of whole clusters (patients); a
    resample holding one outcome only is skipped."""
    draw = weight_draws(n, np.random.default_rng(seed), clusters=clusters if clusters is not None else np.arange(n))
    values = []
    for _ in range(n_boot):
        w = draw()
        positives = float((w * y).sum())
        if 0 < positives < w.sum():
            values.append(curve(w))
    low, high = np.nanpercentile(np.asarray(values), [2.5, 97.5], axis=0)
    return low, high


def _logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, with_slope: bool, start: np.ndarray | None = None
) -> np.ndarray:
    """Weighted logistic regression of y on x by Newton steps: (intercept, slope), or, without a slope, the
    intercept with x as a fixed offset (slope 1). ``start``: where to begin (a resample starts from the whole
    cohort's fit and needs two or three steps)."""
    design = np.column_stack([np.ones_like(x), x]) if with_slope else np.ones((len(x), 1))
    offset = 0.0 if with_slope else x
    beta = np.zeros(design.shape[1]) if start is None else np.array(start, dtype=float)
    for _ in range(50):
        mu = 1.0 / (1.0 + np.exp(-(design @ beta + offset)))
        gradient = design.T @ (w * (y - mu))
        hessian = design.T @ (design * (w * mu * (1 - mu))[:, None])
        step = np.linalg.solve(hessian + 1e-12 * np.eye(len(beta)), gradient)
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    return beta


def _logit(p: np.ndarray) -> np.ndarray:
    clipped = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    return np.log(clipped / (1 - clipped))


def calibration_fit(
    y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None, start: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Calibration slope (1 = right spread) and intercept (0 = right overall level, slope held at 1), as the two
    fits: (intercept, slope) and (intercept with the slope held at 1,). ``y`` may be a share of dropouts per row
    with ``w`` its patients (rows grouped). ``start``: a previous fit to begin from."""
    logit = _logit(p)
    weights = np.ones(len(y)) if w is None else w
    y = np.asarray(y, dtype=float)
    free = _logistic(logit, y, weights, True, None if start is None else start[0])
    fixed = _logistic(logit, y, weights, False, None if start is None else start[1])
    return free, fixed


def _fine_groups(p: np.ndarray, groups: int = FINE_GROUPS) -> np.ndarray:
    """Each row's group among ``groups`` equal-count groups by risk (each row its own group when fewer rows)."""
    order = np.argsort(p, kind="stable")
    code = np.empty(len(p), dtype=int)
    code[order] = np.arange(len(p)) * min(groups, len(p)) // max(len(p), 1)
    return code


@dataclass(frozen=True)
class Reliability:
    """Equal-count bins: mean estimate, observed rate with its band, patients; slope and intercept with bands."""

    predicted: np.ndarray
    observed: np.ndarray
    low: np.ndarray
    high: np.ndarray
    patients: np.ndarray
    slope: dict[str, object]
    intercept: dict[str, object]


def _entry(value: float, low: float, high: float) -> dict[str, object]:
    return {"value": round(value, 4), "ci95": [round(float(low), 4), round(float(high), 4)]}


@dataclass(frozen=True)
class OutcomeCurves:
    """Every evaluation curve of one labelled cohort (aggregated: nothing here names a patient)."""

    n: int
    prevalence: float
    roc: Band
    precision_recall: Band
    capture: Band  # x: list length (patients), y: share of dropouts on the list
    net_benefit: Band  # x: threshold; the band at the same thresholds
    reliability: Reliability


def outcome_curves(
    y: np.ndarray, p: np.ndarray, clusters: np.ndarray | None = None, n_boot: int = 200, seed: int = 0, bins: int = 10
) -> OutcomeCurves:
    """The curves of ``p`` against outcomes ``y`` (both classes present), bands from ``n_boot`` resamples of
    whole ``clusters`` (a patient id per row; each row its own patient when None)."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    n = len(y)
    ranked = RankedOutcomes(y, p)
    ones = np.ones(n)
    lengths = np.unique(np.round(np.linspace(0, n, min(n, 200) + 1)))

    def grid_curves(w: np.ndarray) -> np.ndarray:
        fpr, tpr = roc(ranked, w)
        recall, precision = precision_recall(ranked, w)
        return np.concatenate(
            [
                np.interp(GRID, fpr, tpr),
                np.interp(GRID, recall, precision),
                capture(ranked, w, lengths * w.sum() / n),
                net_benefit(ranked, w, NET_BENEFIT_THRESHOLDS),
            ]
        )

    low, high = banded(y, grid_curves, n, clusters, n_boot, seed)
    cuts = np.cumsum([len(GRID), len(GRID), len(lengths)])
    lows, highs = np.split(low, cuts), np.split(high, cuts)
    fpr, tpr = roc(ranked, ones)
    recall, precision = precision_recall(ranked, ones)
    return OutcomeCurves(
        n=n,
        prevalence=float(y.mean()),
        roc=Band(fpr, tpr, GRID, lows[0], highs[0]),
        precision_recall=Band(recall, precision, GRID, lows[1], highs[1]),
        capture=Band(lengths, capture(ranked, ones, lengths), lengths, lows[2], highs[2]),
        net_benefit=Band(
            NET_BENEFIT_THRESHOLDS,
            net_benefit(ranked, ones, NET_BENEFIT_THRESHOLDS),
            NET_BENEFIT_THRESHOLDS,
            lows[3],
            highs[3],
        ),
        reliability=reliability(y, p, clusters, n_boot, seed, bins),
    )


def reliability(
    y: np.ndarray, p: np.ndarray, clusters: np.ndarray | None, n_boot: int, seed: int, bins: int = 10
) -> Reliability:
    """Observed rate per equal-count bin and the calibration slope and intercept, each with a band."""
    table = calibration_table(y, p, bins)
    members = np.array_split(np.argsort(p, kind="stable"), bins)
    members = [m for m in members if len(m)]
    code = np.empty(len(y), dtype=int)
    for i, m in enumerate(members):
        code[m] = i

    whole = calibration_fit(y, p)
    fine = _fine_groups(p)
    groups = int(fine.max()) + 1
    logit = _logit(p)

    def per_bin(w: np.ndarray) -> np.ndarray:
        weight = np.bincount(code, weights=w, minlength=len(members))
        rate = np.bincount(code, weights=w * y, minlength=len(members)) / np.maximum(weight, 1e-300)
        # the fit on narrow risk groups (their weighted mean risk and share of dropouts): the same fit to a
        # few decimals, at the cost of 2,000 rows instead of every patient
        patients = np.bincount(fine, weights=w, minlength=groups)
        held = patients > 0
        share = np.bincount(fine, weights=w * y, minlength=groups)[held] / patients[held]
        mean_logit = np.bincount(fine, weights=w * logit, minlength=groups)[held] / patients[held]
        free, fixed = calibration_fit(share, 1 / (1 + np.exp(-mean_logit)), patients[held], whole)
        return np.concatenate([np.where(weight > 0, rate, np.nan), [free[1], fixed[0]]])

    low, high = banded(y, per_bin, len(y), clusters, n_boot, seed)
    slope, intercept = float(whole[0][1]), float(whole[1][0])
    k = len(members)
    return Reliability(
        predicted=np.array([row["mean_predicted"] for row in table]),
        observed=np.array([row["observed_rate"] for row in table]),
        low=low[:k],
        high=high[:k],
        patients=np.array([row["n"] for row in table]),
        slope=_entry(slope, low[k], high[k]),
        intercept=_entry(intercept, low[k + 1], high[k + 1]),
    )
