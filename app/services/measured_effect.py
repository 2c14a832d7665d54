"""The measured effect of outreach for the Thresholds page: worked out from the store, once per new week or contact.

Working it out reads every stored score and contact and runs a bootstrap (a few seconds on a large trial),
so the estimate is kept for the session and made again only when an upload or a contact was added. The page's
section (app.views.measured_effect) draws it; the figure goes into the cost model only when the person presses
its button, never on its own.
"""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from app import state
from core.outreach.effectiveness import EffectEstimate, estimate_effectiveness
from core.outreach.opportunities import opportunities_from_store
from core.store import Store, schema

INSTEAD = "Whether outreach works cannot be measured without the database; the cost model keeps your figure."


def _data_key(store: Store) -> tuple[object, ...]:
    """What the estimate depends on: the uploads and contacts stored (their number and latest id), and where."""
    uploads, outreach = schema.uploads, schema.outreach
    with store.database.reading() as connection:
        scored = connection.execute(sa.select(sa.func.count(), sa.func.max(uploads.c.id))).one()
        contacted = connection.execute(sa.select(sa.func.count(), sa.func.max(outreach.c.id))).one()
    return (store.address, *scored, *contacted)


def estimate(store: Store) -> EffectEstimate:
    """The measured effect of outreach in ``store``, kept for the session until an upload or a contact is added."""
    key = _data_key(store)
    kept = state.effect_estimate(key)
    if kept is not None:
        return kept
    with st.spinner("Measuring whether outreach works…"):
        measured = estimate_effectiveness(opportunities_from_store(store))
    state.set_effect_estimate(key, measured)
    return measured
