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
from core.outreach.holdout_effect import RandomisedEstimate, estimate_randomised
from core.outreach.opportunities import opportunities_from_store
from core.store import Store, schema

INSTEAD = "Whether outreach works cannot be measured without the database; the cost model keeps your figure."


def _data_key(store: Store) -> tuple[object, ...]:
    """What the estimate depends on: the uploads and contacts stored (their number and latest id), and where."""
    uploads, outreach = schema.uploads, schema.outreach
    with store.database.reading() as connection:
        scored = connection.execute(sa.select(sa.func.count(), sa.func.max(uploads.c.id))).one()
        contacted = connection.execute(sa.select(sa.func.count(), sa.func.max(outreach.c.id))).one()
        drawn = connection.execute(sa.select(sa.func.count()).select_from(schema.holdout_draws)).scalar()
    return (store.address, *scored, *contacted, drawn)


def estimate(store: Store) -> EffectEstimate:
    """The measured effect of outreach in ``store``, kept for the session until an upload or a contact is added."""
    key = _data_key(store)
    kept = state.effect_estimate(key)
    if kept is not None:
        return kept
    with st.spinner("Measuring whether outreach works…"):
        opportunities = opportunities_from_store(store)
        measured = estimate_effectiveness(opportunities)
        randomised = estimate_randomised(opportunities, store.holdouts.held_out(), store.holdouts.drawn_uploads())
    state.set_effect_estimate(key, measured)
    state.set_randomised_estimate(key, randomised)
    return measured


def fair_test(store: Store) -> RandomisedEstimate:
    """The fair test's estimate in ``store`` (worked out with the observational one, kept alike)."""
    key = _data_key(store)
    kept = state.randomised_estimate(key)
    if kept is None:
        with st.spinner("Measuring whether outreach works…"):
            held = store.holdouts.held_out()
            kept = estimate_randomised(opportunities_from_store(store), held, store.holdouts.drawn_uploads())
        state.set_randomised_estimate(key, kept)
    return kept
