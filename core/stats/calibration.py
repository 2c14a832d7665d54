"""Calibration: do the percentages come true? Equal-count bins of patients sorted by their estimate."""

from __future__ import annotations

import numpy as np


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
