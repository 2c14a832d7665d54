"""The Thresholds page's "Does outreach work?" section: the measured effect (app.services.measured_effect), drawn
by app.views.effectiveness, and the button's action that puts the figure in the cost model.
"""

from __future__ import annotations

from app import state
from app.access.identity import allowed
from app.services import measured_effect, store_access
from app.views import fair_test
from app.views.effectiveness import effectiveness_section
from core.trust.roles import SAVE_SETTINGS


def use_in_cost_model(effectiveness: float) -> None:
    """The button's action: the measured figure becomes the effectiveness in force (the person's own choice)."""
    if not allowed(SAVE_SETTINGS):  # the button is disabled for them; a forged click changes nothing either
        return
    state.set_setting_value(state.EFFECTIVENESS, effectiveness)
    state.confirm_costs()


def section() -> None:
    """Draw "Does outreach work?" (nothing more than the database warning when the store cannot be read)."""
    estimate = store_access.attempt(measured_effect.estimate, measured_effect.INSTEAD)
    if estimate is None:
        return
    effectiveness_section(estimate, state.costs().effectiveness, use_in_cost_model, allowed(SAVE_SETTINGS))
    fair_test.estimate_section()  # the like-for-like figure from the random hold-out, beside it
