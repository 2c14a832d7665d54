"""Risk bands, actions, and the cost of a retention program at every threshold.

The curves sort the probabilities once and keep cumulative sums, so the counts and costs at any
threshold are a binary search and a few array reads (DESIGN.md section 4).

Cost of a program that flags patients with p >= t:
    flagged * C_i + (missed + (1 - e) * caught) * C_d
"No program" flags nobody and loses every dropout: dropouts * C_d.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.config import DEFAULT_COSTS, RISK_BANDS, CostSettings, RiskBand

THRESHOLD_GRID = np.round(np.arange(0.0, 1.0001, 0.01), 2)  # the slider's steps


# ---------------------------------------------------------------- bands

def band_index(probability: np.ndarray, bands: tuple[RiskBand, ...] = RISK_BANDS) -> np.ndarray:
    """Index into ``bands`` (highest first) for each probability."""
    lowers = np.array([b.lower for b in bands])[::-1]  # ascending
    position = np.searchsorted(lowers, np.asarray(probability, dtype=float), side="right") - 1
    return len(bands) - 1 - position


def assign_bands(probability: np.ndarray, bands: tuple[RiskBand, ...] = RISK_BANDS) -> list[RiskBand]:
    """The band of each probability."""
    return [bands[i] for i in band_index(probability, bands)]


def band_plan(probability: np.ndarray, bands: tuple[RiskBand, ...] = RISK_BANDS) -> list[dict[str, float | str | int]]:
    """Patients per band and the cost of giving each its band's action (dollars)."""
    counts = np.bincount(band_index(probability, bands), minlength=len(bands))
    return [
        {"band": b.name, "action": b.action, "patients": int(c), "cost_per_patient": b.action_cost, "cost": float(c * b.action_cost)}
        for b, c in zip(bands, counts, strict=False)
    ]


def break_even_risk(costs: CostSettings = DEFAULT_COSTS) -> float:
    """Probability above which an intervention pays for itself: C_i / (e * C_d)."""
    if costs.effectiveness <= 0 or costs.dropout_cost <= 0:
        return float("inf")
    return costs.intervention_cost / (costs.effectiveness * costs.dropout_cost)


# ---------------------------------------------------------------- curves

@dataclass(frozen=True)
class Outcome:
    """Counts and dollar costs for one threshold (counts are floats when expected)."""

    threshold: float
    flagged: float
    caught: float  # true positives (expected: sum of p over flagged)
    missed: float  # false negatives
    false_alarms: float  # false positives
    true_negatives: float
    intervention_cost: float
    dropout_cost: float
    capacity_binds: bool = False

    @property
    def total_cost(self) -> float:
        return self.intervention_cost + self.dropout_cost


class ThresholdCurves:
    """All-threshold confusion counts for a cohort from one sort and cumulative sums.

    Parameters
    ----------
    probability : array of shape (n,), dropout probabilities.
    outcome : optional array of shape (n,) with 0/1 observed dropouts. Without it the counts are
        expected values from the probabilities (only as good as the calibration).
    """

    def __init__(self, probability: np.ndarray, outcome: np.ndarray | None = None) -> None:
        p = np.asarray(probability, dtype=float)
        self.probability = p
        order = np.argsort(-p, kind="stable")  # highest risk first; ties keep input order
        self.order = order
        self.sorted_desc = p[order]
        self._ascending = self.sorted_desc[::-1]
        self.labelled = outcome is not None
        positives = np.asarray(outcome, dtype=float)[order] if outcome is not None else self.sorted_desc
        self._cum_positive = np.concatenate(([0.0], np.cumsum(positives)))
        self.n = len(p)
        self.total_positive = float(self._cum_positive[-1])

    def flagged_count(self, threshold: float | np.ndarray) -> np.ndarray:
        """Number of patients with p >= threshold (vectorised)."""
        return self.n - np.searchsorted(self._ascending, threshold, side="left")

    def cumulative_positive(self, k: np.ndarray | int) -> np.ndarray:
        """Dropouts (observed or expected) among the k highest-risk patients."""
        return self._cum_positive[k]

    def _counts(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        caught = self._cum_positive[k]
        missed = self.total_positive - caught
        false_alarms = k - caught
        true_negatives = self.n - k - missed
        return caught, missed, false_alarms, true_negatives

    def at(self, threshold: float, costs: CostSettings = DEFAULT_COSTS, capacity: int | None = None) -> Outcome:
        """Counts and costs when flagging p >= threshold, at most ``capacity`` highest-risk patients."""
        k_threshold = int(self.flagged_count(threshold))
        k = k_threshold if capacity is None else min(k_threshold, max(int(capacity), 0))
        caught, missed, false_alarms, true_negatives = (float(v) for v in self._counts(np.array(k)))
        return Outcome(
            threshold=float(threshold),
            flagged=float(k),
            caught=caught,
            missed=missed,
            false_alarms=false_alarms,
            true_negatives=true_negatives,
            intervention_cost=k * costs.intervention_cost,
            dropout_cost=(missed + (1 - costs.effectiveness) * caught) * costs.dropout_cost,
            capacity_binds=k < k_threshold,
        )

    def no_program(self, costs: CostSettings = DEFAULT_COSTS) -> Outcome:
        """Flag nobody: every dropout is lost."""
        return Outcome(
            threshold=float("inf"),
            flagged=0.0,
            caught=0.0,
            missed=self.total_positive,
            false_alarms=0.0,
            true_negatives=self.n - self.total_positive,
            intervention_cost=0.0,
            dropout_cost=self.total_positive * costs.dropout_cost,
        )

    def cost_curve(
        self, costs: CostSettings = DEFAULT_COSTS, thresholds: np.ndarray = THRESHOLD_GRID, capacity: int | None = None
    ) -> dict[str, np.ndarray]:
        """Counts and total cost at each threshold (arrays of len(thresholds))."""
        k = self.flagged_count(thresholds)
        if capacity is not None:
            k = np.minimum(k, max(int(capacity), 0))
        caught, missed, false_alarms, true_negatives = self._counts(k)
        total = k * costs.intervention_cost + (missed + (1 - costs.effectiveness) * caught) * costs.dropout_cost
        return {
            "threshold": np.asarray(thresholds, dtype=float),
            "flagged": k.astype(float),
            "caught": caught,
            "missed": missed,
            "false_alarms": false_alarms,
            "true_negatives": true_negatives,
            "total_cost": total,
        }

    def optimal_threshold(
        self, costs: CostSettings = DEFAULT_COSTS, thresholds: np.ndarray = THRESHOLD_GRID, capacity: int | None = None
    ) -> float:
        """The threshold on the grid with the lowest total cost (the highest such one on ties)."""
        total = self.cost_curve(costs, thresholds, capacity)["total_cost"]
        best = np.flatnonzero(total <= total.min() + 1e-9)
        return float(np.asarray(thresholds)[best[-1]])

    def top_k_mask(self, threshold: float, capacity: int | None = None) -> np.ndarray:
        """Boolean mask (input order) of the flagged patients, capped at the ``capacity`` highest."""
        k = int(self.flagged_count(threshold))
        if capacity is not None:
            k = min(k, max(int(capacity), 0))
        mask = np.zeros(self.n, dtype=bool)
        mask[self.order[:k]] = True
        return mask


def capacity_from_budget(budget: float, costs: CostSettings = DEFAULT_COSTS) -> int:
    """How many patients a dollar budget can contact at C_i each."""
    if costs.intervention_cost <= 0:
        return 10**12
    return int(np.floor(budget / costs.intervention_cost))
