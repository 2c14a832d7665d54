"""The outreach policy in force: who is flagged, how each flagged patient is contacted, and at what price.

Flagged (the same on every page, in every export and on the command line): probability at or above
the threshold, and, under a staff capacity, among the ``capacity`` highest-risk patients of the cohort.

Two plans, never mixed on a page or in an export:
* single: every flagged patient gets one retention contact at the cost per intervention (C_i);
* tiered: every flagged patient gets their risk band's action at that band's price.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.decisions.bands import FACTORY_BANDS, RiskBand, band_index
from core.decisions.costs import FACTORY_COSTS, CostSettings, break_even_risk
from core.decisions.curves import ThresholdCurves
from core.formatting import dollars

SINGLE = "single"
TIERED = "tiered"
PLANS = (SINGLE, TIERED)
SINGLE_ACTION = "Retention contact"


@dataclass(frozen=True)
class Policy:
    """The decision settings in force."""

    threshold: float  # probability 0-1
    capacity: int | None  # at most this many contacts (None = no limit)
    costs: CostSettings
    bands: tuple[RiskBand, ...]
    plan: str = SINGLE

    def __post_init__(self) -> None:
        if self.plan not in PLANS:
            raise ValueError(f"plan must be one of {PLANS}, got {self.plan!r}")

    @classmethod
    def at(cls, threshold: float, capacity: int | None = None, plan: str = SINGLE) -> Policy:
        """A policy at this threshold and capacity with the factory costs and bands (examples and tests)."""
        return cls(threshold, capacity, FACTORY_COSTS, FACTORY_BANDS, plan)

    def contact_for_band(self, band: RiskBand) -> tuple[str, float]:
        """The contact a flagged patient of this band gets, and its price (dollars)."""
        if self.plan == SINGLE:
            return SINGLE_ACTION, self.costs.intervention_cost
        return band.action, band.action_cost

    def contact_actions(self, probability: np.ndarray) -> np.ndarray:
        """The contact each patient would get if flagged (text)."""
        if self.plan == SINGLE:
            return np.full(len(probability), SINGLE_ACTION, dtype=object)
        return np.array([b.action for b in self.bands], dtype=object)[band_index(probability, self.bands)]

    def contact_prices(self, probability: np.ndarray) -> np.ndarray:
        """What that contact costs (dollars per patient)."""
        if self.plan == SINGLE:
            return np.full(len(probability), self.costs.intervention_cost, dtype=float)
        return np.array([b.action_cost for b in self.bands], dtype=float)[band_index(probability, self.bands)]

    def contacts(self, probability: np.ndarray, flagged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """THE contact of each patient and its price: the plan's for a flagged patient, blank (None, NaN) for the
        others. Every table, export and command lists contacts from here, so none shows one for an unflagged patient.
        """
        flagged = np.asarray(flagged, dtype=bool)
        actions = self.contact_actions(probability).astype(object)
        actions[~flagged] = None
        prices = np.where(flagged, self.contact_prices(probability), np.nan)
        return actions, prices

    def lowest_cost_threshold(self, probability: np.ndarray) -> float:
        """The slider step with the lowest expected program cost for this cohort (expected dropouts: the sum of
        p) under these costs, this plan's prices and within the capacity; the highest such step on ties."""
        return self.curves(np.asarray(probability, dtype=float)).optimal_threshold(self.costs, self.capacity)

    def flagged(self, cohort: np.ndarray | ThresholdCurves) -> np.ndarray:
        """THE flag rule, for every row of a cohort: p >= threshold, capped at the ``capacity`` highest risks.

        Every page, export, command and the store's weekly records decide "flagged" here (or through
        ``flag_one`` for one patient, which applies the same rule).
        """
        curves = cohort if isinstance(cohort, ThresholdCurves) else ThresholdCurves(np.asarray(cohort, dtype=float))
        return curves.top_k_mask(self.threshold, self.capacity)

    def flagged_count(self, cohort: ThresholdCurves) -> int:
        """How many patients of a cohort the rule flags (without building the mask)."""
        return int(cohort.flagged_counts(np.asarray(self.threshold), self.capacity))

    def flag_one(self, probability: float, cohort: ThresholdCurves | None = None, position: int | None = None) -> Flag:
        """One patient's flag under this policy, decided as for a cohort (see ``_flag_one_patient``)."""
        return _flag_one_patient(probability, self, cohort, position)

    def curves(self, probability: np.ndarray, outcome: np.ndarray | None = None) -> ThresholdCurves:
        """All-threshold curves priced by this plan (the single plan reads C_i at each look-up)."""
        prices = None if self.plan == SINGLE else self.contact_prices(probability)
        return ThresholdCurves(probability, outcome, prices)

    def describe(self) -> str:
        """The plan in one plain sentence."""
        if self.plan == SINGLE:
            return f"Each flagged patient gets one retention contact at {dollars(self.costs.intervention_cost)}."
        prices = "; ".join(f"{b.name}: {b.action} ({dollars(b.action_cost)})" for b in self.bands)
        return f"Each flagged patient gets their risk band's action at its price ({prices})."

    def break_even_in_words(self) -> str:
        """When a contact pays for itself under this plan."""
        if self.plan == SINGLE:
            return (
                f"Contacting a patient pays for itself when their chance of dropping out is above "
                f"{break_even_risk(self.costs):.1%}: the cost per contact ÷ (effectiveness × the cost per dropout)."
            )
        return "Under the tiered plan each band's action pays for itself above its own risk: " + "; ".join(
            f"{b.name} {break_even_risk(CostSettings(b.action_cost, self.costs.dropout_cost, self.costs.effectiveness)):.1%}"
            for b in self.bands
        )


@dataclass(frozen=True)
class Flag:
    """Whether one patient is flagged, and why, in words."""

    flagged: bool
    why: str


def _flag_one_patient(
    probability: float, policy: Policy, cohort: ThresholdCurves | None = None, position: int | None = None
) -> Flag:
    """The flag of one patient, decided as for a cohort.

    ``position`` is the patient's row in ``cohort`` when the patient is one of its rows. With the same
    chance as that row, the patient is that row and gets its flag exactly; with another chance (values
    edited since the upload), it is ranked against the cohort's other patients. A patient not in the
    cohort is ranked after every patient of equal or higher risk. Without a cohort a capacity cannot be
    applied, and the words say so.
    """
    threshold, capacity = policy.threshold, policy.capacity
    at_threshold = f"{probability:.1%} is at or above the threshold ({threshold:.1%})"
    if probability < threshold:
        return Flag(False, f"{probability:.1%} is below the threshold ({threshold:.1%}).")
    if capacity is None:
        return Flag(True, f"{at_threshold}; no staff capacity limit is set.")
    if cohort is None:
        return Flag(
            True,
            f"{at_threshold}. A staff capacity of {capacity:,} is set, but no cohort is loaded to "
            "rank this patient against, so it is not applied.",
        )
    same_row = position is not None and bool(np.isclose(cohort.probability[position], probability, rtol=0, atol=1e-12))
    if same_row:
        flagged = bool(policy.flagged(cohort)[position])
        ahead = int(np.flatnonzero(cohort.order == position)[0])
    else:
        others = np.ones(cohort.n, dtype=bool)
        if position is not None:
            others[position] = False
        ahead = int(np.count_nonzero(cohort.probability[others] >= probability))
        flagged = ahead < capacity
    if flagged:
        return Flag(True, f"{at_threshold} and within the staff capacity ({capacity:,} contacts).")
    return Flag(
        False,
        f"{at_threshold}, but the staff capacity ({capacity:,} contacts) is taken by {ahead:,} "
        "patients of the loaded cohort with a higher or equal risk.",
    )
