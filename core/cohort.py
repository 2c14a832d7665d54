"""Cohort-level summaries of scored patients: totals, per-site view, filters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.decision import ThresholdCurves


@dataclass(frozen=True)
class CohortSummary:
    patients: int
    expected_dropouts: float  # sum of probabilities
    flagged: int
    capacity_binds: bool


def summarise(probability: np.ndarray, threshold: float, capacity: int | None = None) -> CohortSummary:
    """Patients, expected dropouts (sum of p) and flagged count at ``threshold`` under ``capacity``."""
    outcome = ThresholdCurves(probability).at(threshold, capacity=capacity)
    return CohortSummary(len(probability), float(np.sum(probability)), int(outcome.flagged), outcome.capacity_binds)


def flagged_mask(scored: pd.DataFrame, threshold: float, capacity: int | None = None) -> np.ndarray:
    """Which rows are flagged: p >= threshold, capped at the ``capacity`` highest-risk patients."""
    return ThresholdCurves(scored["probability"].to_numpy()).top_k_mask(threshold, capacity)
