"""The price of a retention program: one formula, one capacity rule, used by every page, export and command.

Program cost when the flagged patients are contacted, ``caught`` of them would have dropped out and
``missed`` dropouts were not contacted:

    contact dollars + (missed + (1 - e) * caught) * C_d

Contact dollars are flagged * C_i under the single-contact plan, or the sum of each flagged patient's
band price under the tiered plan (``core.decisions.policy``). "No program" flags nobody and loses every
dropout: dropouts * C_d.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NO_LIMIT = 10**12  # a budget with free interventions contacts everybody


@dataclass(frozen=True)
class CostSettings:
    """Dollar costs of the retention program and the assumed intervention effect."""

    intervention_cost: float  # C_i, dollars per contacted patient
    dropout_cost: float  # C_d, dollars per lost patient (replacement)
    effectiveness: float  # e, share of would-be dropouts an intervention retains (0-1)


FACTORY_COSTS = CostSettings(intervention_cost=500.0, dropout_cost=5000.0, effectiveness=1.0)


def flat_contact_dollars(flagged, costs: CostSettings):
    """Contact dollars when every flagged patient gets one contact at C_i (scalars or arrays alike)."""
    return np.multiply(flagged, costs.intervention_cost)


def dropout_dollars(caught, missed, costs: CostSettings):
    """Dollars lost to dropouts: the missed ones, and the caught ones the contact does not keep."""
    return np.add(missed, np.multiply(1 - costs.effectiveness, caught)) * costs.dropout_cost


def capped(count, capacity: int | None):
    """The number contacted: ``count`` at most ``capacity`` (None = no limit; negative counts as 0)."""
    if capacity is None:
        return count
    return np.minimum(count, max(int(capacity), 0))


def break_even_risk(costs: CostSettings) -> float:
    """Probability above which an intervention pays for itself: C_i / (e * C_d)."""
    if costs.effectiveness <= 0 or costs.dropout_cost <= 0:
        return float("inf")
    return costs.intervention_cost / (costs.effectiveness * costs.dropout_cost)


def capacity_from_budget(budget: float, costs: CostSettings) -> int:
    """How many patients a dollar budget can contact at C_i each."""
    if costs.intervention_cost <= 0:
        return NO_LIMIT
    return int(np.floor(budget / costs.intervention_cost))
