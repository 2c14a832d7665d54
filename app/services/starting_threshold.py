"""A default a coordinator can use: a cohort starts at the cost-optimal threshold of the model in use.

The threshold with the lowest expected program cost for the cohort on screen (expected dropouts: the sum
of the chances), under the costs and plan in force and within the staff capacity when one is set
(``Policy.lowest_cost_threshold``). It is put in force when a cohort first shows, unless the page's
address or the team's saved settings gave the threshold, or the user moved it in this session.
"""

from __future__ import annotations

from app import state
from core.decision_settings import DEFAULT
from core.scoring.cohort import ScoredCohort


def settle(cohort: ScoredCohort) -> float:
    """The cohort's lowest-cost threshold, put in force the first time this cohort shows (see the module)."""
    best = state.policy().lowest_cost_threshold(cohort.probability)
    if state.threshold_start() == cohort.sha256:
        return best
    state.set_threshold_start(cohort.sha256)
    resolution = state.team_resolution()
    source = resolution.sources.get("threshold", DEFAULT) if resolution is not None else DEFAULT
    if source == DEFAULT and not state.threshold_chosen():
        state.set_setting_value(state.THRESHOLD, best)
    return best
