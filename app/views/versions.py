"""The model versions on this installation: which is in use, what each was trained on, promote, roll back."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.access.identity import allowed, refusal_for
from app.services import training_run
from app.text import code, plain
from app.views.model import family_words
from core.model import card_words
from core.model.bundle import ModelIntegrityError
from core.model.registry import RegistryError, Version
from core.trust.roles import PROMOTE

MEASURED = "Measured on"


def measured_words(card: dict) -> str:
    """Where a version's ROC AUC comes from, short enough for a table cell: synthetic and real never look alike."""
    origin = "synthetic patients" if card_words.is_synthetic(card) else "real trial"
    return f"{origin}, {'cross-validated' if card_words.is_cross_validated(card) else 'unseen sites'}"


def versions_table(versions: list[Version]) -> pd.DataFrame:
    """One row a version; its ROC AUC beside where it was measured, so no figure is read without its origin."""
    return pd.DataFrame(
        [
            {
                "In use": "yes" if v.in_use else "",
                "ROC AUC": card_words.headline_auc(v.card) if "metrics" in v.card else "–",
                MEASURED: measured_words(v.card),
                "Kind": family_words(str(v.card.get("model_kind", ""))),
                "Trained on": card_words.trained_on(v.card),
                "Created": str(v.card.get("created_at", ""))[:10],
                "Version": v.name,
            }
            for v in versions
        ]
    )


def _recommended(names: list[str]) -> int:
    """Where the last training's recommended version is among ``names`` (the first when there is none)."""
    outcome = state.training()
    if outcome is None or outcome.refused:
        return 0
    name = outcome.versions.get(outcome.recommended or "")
    return names.index(name) if name in names else 0


def section() -> None:
    registry = state.registry()
    versions = registry.versions()
    st.dataframe(
        versions_table(versions),
        hide_index=True,
        key="versions_table",
        column_config={  # the origin beside the figure in full; the long descriptions give way, not it
            "In use": st.column_config.TextColumn(width="small"),
            MEASURED: st.column_config.TextColumn(width="medium"),
            "Kind": st.column_config.TextColumn(width="small"),
            "Trained on": st.column_config.TextColumn(width="medium"),
            "Version": st.column_config.TextColumn(width="small"),
        },
    )
    if not allowed(PROMOTE):
        st.caption(refusal_for(PROMOTE))
        return
    names = [v.name for v in versions if not v.in_use]
    pick, roll = st.columns([3, 2])
    if names:
        chosen = pick.selectbox(
            "Put another version in use", names, index=_recommended(names), key="version_to_promote"
        )
        if pick.button("Use this version", key="promote_version"):
            _act(lambda: training_run.promote(chosen))
    history = registry.history()
    if history:
        last = history[-1]
        roll.markdown(f"Last change: {code(last['version'])} by {plain(str(last['by']))} on {str(last['at'])[:10]}.")
        if roll.button("Roll back to the version before", key="rollback_version"):
            _act(training_run.rollback)
        with st.expander("Every change of the version in use"):
            st.dataframe(pd.DataFrame(history), hide_index=True, key="version_history")


def _act(action) -> None:
    try:
        action()
    except (RegistryError, ModelIntegrityError) as exc:
        st.error(plain(str(exc)))
        return
    st.rerun()


def rollback_offer(refusal: str) -> None:
    """Under a refusal that names the trial model in use, a manager's button to put the previous version back."""
    words = card_words.switch_back_words(state.get_bundle().card)
    if not words or words not in refusal or not state.registry().history() or not allowed(PROMOTE):
        return
    if st.button("Put the previous model back", key="refusal_rollback", help="Then open the file again."):
        _act(training_run.rollback)
