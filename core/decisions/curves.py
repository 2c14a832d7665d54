"""The cost of a retention program at every threshold, from one sort and cumulative sums.

The counts and costs at any threshold are a binary search and a few array reads. Costs follow
``core.decisions.costs`` (one formula) and a staff capacity caps the flagged count the same way
everywhere (``costs.capped``): the ``capacity`` highest-risk patients at most.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.decisions.costs import CostSettings, capped, dropout_dollars, flat_contact_dollars

THRESHOLD_GRID = np.round(np.arange(0.0, 1.0001, 0.01), 2)  # the slider's steps


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
    contact_prices : optional array of shape (n,), dollars to contact each patient (the tiered plan's
        band prices). Without it every contact costs the cost per intervention in force.
    """

    def __init__(
        self, probability: np.ndarray, outcome: np.ndarray | None = None, contact_prices: np.ndarray | None = None
    ) -> None:
        p = np.asarray(probability, dtype=float)
        self.probability = p
        # A blank probability is a patient the model may not judge (too early): never flagged, counted nowhere
        # but in n, ranked after every judged patient.
        ranked = np.where(np.isnan(p), -np.inf, p)
        order = np.argsort(-ranked, kind="stable")  # highest risk first; ties keep input order
        self.order = order
        self.sorted_desc = ranked[order]
        self._ascending = self.sorted_desc[::-1]
        self.labelled = outcome is not None
        expected = np.where(np.isinf(self.sorted_desc), 0.0, self.sorted_desc)
        positives = np.asarray(outcome, dtype=float)[order] if outcome is not None else expected
        self._cum_positive = np.concatenate(([0.0], np.cumsum(positives)))
        self.n = len(p)
        self.total_positive = float(self._cum_positive[-1])
        self._cum_price = (
            None
            if contact_prices is None
            else np.concatenate(([0.0], np.cumsum(np.asarray(contact_prices, dtype=float)[order])))
        )

    def contact_dollars(self, k: np.ndarray | int, costs: CostSettings) -> np.ndarray:
        """What contacting the k highest-risk patients costs (their own prices, or C_i each)."""
        if self._cum_price is None:
            return np.asarray(flat_contact_dollars(k, costs), dtype=float)
        return np.asarray(self._cum_price[k], dtype=float)

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

    def at(self, threshold: float, costs: CostSettings, capacity: int | None) -> Outcome:
        """Counts and costs when flagging p >= threshold, at most ``capacity`` highest-risk patients."""
        k_threshold = int(self.flagged_count(threshold))
        k = int(capped(k_threshold, capacity))
        caught, missed, false_alarms, true_negatives = (float(v) for v in self._counts(np.array(k)))
        return Outcome(
            threshold=float(threshold),
            flagged=float(k),
            caught=caught,
            missed=missed,
            false_alarms=false_alarms,
            true_negatives=true_negatives,
            intervention_cost=float(self.contact_dollars(k, costs)),
            dropout_cost=float(dropout_dollars(caught, missed, costs)),
            capacity_binds=k < k_threshold,
        )

    def no_program(self, costs: CostSettings) -> Outcome:
        """Flag nobody: every dropout is lost."""
        return Outcome(
            threshold=float("inf"),
            flagged=0.0,
            caught=0.0,
            missed=self.total_positive,
            false_alarms=0.0,
            true_negatives=self.n - self.total_positive,
            intervention_cost=0.0,
            dropout_cost=float(dropout_dollars(0.0, self.total_positive, costs)),
        )

    def flagged_counts(self, thresholds: np.ndarray, capacity: int | None) -> np.ndarray:
        """Patients flagged at each threshold under the capacity."""
        return capped(self.flagged_count(thresholds), capacity)

    def counts_curve(self, capacity: int | None, thresholds: np.ndarray = THRESHOLD_GRID) -> dict[str, np.ndarray]:
        """Flagged, caught, missed, false alarms and true negatives at each threshold."""
        k = self.flagged_counts(thresholds, capacity)
        caught, missed, false_alarms, true_negatives = self._counts(k)
        return {
            "threshold": np.asarray(thresholds, dtype=float),
            "flagged": k.astype(float),
            "caught": caught,
            "missed": missed,
            "false_alarms": false_alarms,
            "true_negatives": true_negatives,
        }

    def cost_curve(
        self, costs: CostSettings, capacity: int | None, thresholds: np.ndarray = THRESHOLD_GRID
    ) -> dict[str, np.ndarray]:
        """The counts and the total program cost at each threshold (arrays of len(thresholds))."""
        curve = self.counts_curve(capacity, thresholds)
        contacts = self.contact_dollars(curve["flagged"].astype(int), costs)
        return {**curve, "total_cost": contacts + dropout_dollars(curve["caught"], curve["missed"], costs)}

    def optimal_threshold(
        self, costs: CostSettings, capacity: int | None, thresholds: np.ndarray = THRESHOLD_GRID
    ) -> float:
        """The threshold on the grid with the lowest total cost (the highest such one on ties)."""
        total = self.cost_curve(costs, capacity, thresholds)["total_cost"]
        best = np.flatnonzero(total <= total.min() + 1e-9)
        return float(np.asarray(thresholds)[best[-1]])

    def top_k_mask(self, threshold: float, capacity: int | None) -> np.ndarray:
        """Boolean mask (input order) of the flagged patients, capped at the ``capacity`` highest."""
        k = int(self.flagged_counts(np.asarray(threshold), capacity))
        mask = np.zeros(self.n, dtype=bool)
        mask[self.order[:k]] = True
        return mask
