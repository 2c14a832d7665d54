"""The measured effect of outreach on the Thresholds page: worked out from the store, once per new week or contact.

Working it out reads every stored score and contact and runs a bootstrap (a few seconds on a large trial),
so the estimate is kept for the session and made again only when an upload or a contact was added. The
figure goes into the cost model only when the person presses the section's button, never on its own.
"""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from app import state
from app.access.identity import allowed
from app.services import store_access
from app.views.effectiveness import effectiveness_section
from core.outreach.effectiveness import EffectEstimate, estimate_effectiveness
from core.outreach.opportunities import opportunities_from_store
from core.store import Store, schema
from core.trust.roles import SAVE_SETTINGS

INSTEAD = "Whether outreach works cannot be measured without the database; the cost model keeps your figure."


def _data_key(store: Store) -> tuple[object, ...]:
    """What the estimate depends on: the uploads and contacts stored (their number and latest id), and where."""
    uploads, outreach = schema.uploads, schema.outreach
    with store.database.reading() as connection:
        scored = connection.execute(sa.select(sa.func.count(), sa.func.max(uploads.c.id))).one()
        contacted = connection.execute(sa.select(sa.func.count(), sa.func.max(outreach.c.id))).one()
    return (store.address, *scored, *contacted)


def _estimate(store: Store) -> EffectEstimate:
    key = _data_key(store)
    found, kept = state.effect_estimate(key)
    if found:
        return kept
    with st.spinner("Measuring whether outreach works…"):
        estimate = estimate_effectiveness(opportunities_from_store(store))
    state.set_effect_estimate(key, estimate)
    return estimate


def use_in_cost_model(effectiveness: float) -> None:
    """The button's action: the measured figure becomes the effectiveness in force (the person's own choice)."""
    if not allowed(SAVE_SETTINGS):  # the button is disabled for them; a forged click changes nothing either
        return
    state.set_setting_value(state.EFFECTIVENESS, effectiveness)
    state.confirm_costs()


def section() -> None:
    """Draw "Does outreach work?" (nothing more than the database warning when the store cannot be read)."""
    estimate = store_access.attempt(_estimate, INSTEAD)
    if estimate is None:
        return
    effectiveness_section(estimate, state.costs().effectiveness, use_in_cost_model, allowed(SAVE_SETTINGS))
