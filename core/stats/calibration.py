"""Calibration: do the percentages come true? Equal-count bins of patients sorted by their estimate."""

from __future__ import annotations

import numpy as np


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """ECE over equal-frequency bins: the size-weighted mean |observed rate - mean probability|."""
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, bins)
    total = len(p)
    return float(sum(len(g) / total * abs(y[g].mean() - p[g].mean()) for g in groups if len(g)))


def calibration_table(
    y: np.ndarray, p: np.ndarray, bins: int = 10, weights: np.ndarray | None = None
) -> list[dict[str, float]]:
    """Equal-frequency bins: mean predicted probability, observed dropout rate and count per bin (with
    ``weights``, censoring weights, the means and rates are weighted)."""
    order = np.argsort(p, kind="stable")
    if weights is not None:
        return [
            {
                "mean_predicted": float(np.average(p[g], weights=weights[g])),
                "observed_rate": float(np.average(y[g], weights=weights[g])),
                "n": int(len(g)),
            }
            for g in np.array_split(order, bins)
            if len(g)
        ]
    return [
        {"mean_predicted": float(p[g].mean()), "observed_rate": float(y[g].mean()), "n": int(len(g))}
        for g in np.array_split(order, bins)
        if len(g)
    ]
