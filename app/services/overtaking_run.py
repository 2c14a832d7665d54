"""Run "Would this trial's own model do better?" from the Train page: ``core.replay.overtaking`` against the model in
use, when that model learned elsewhere (never on this trial's patients)."""

from __future__ import annotations

import streamlit as st

from app import state
from core.history.endings import OutcomeDefinition
from core.history.trial_history import TrialHistory
from core.model.bundle import ModelBundle
from core.reading.contract import ID_COLUMN
from core.replay.overtaking import Moment, overtaking
from core.training.training_patients import seen_in_training


def learned_elsewhere(bundle: ModelBundle, history: TrialHistory) -> str:
    """'' when ``bundle`` never trained on this trial's patients, else why it cannot be the comparison."""
    seen = seen_in_training(bundle.card, history.subjects[ID_COLUMN].astype(str).to_numpy())
    if seen is None:
        return "the model in use does not record which patients it learned from, so it may have learned from these"
    if seen.any():
        return f"the model in use learned from {int(seen.sum()):,} of this trial's patients"
    return ""


def run(history: TrialHistory, outcome: OutcomeDefinition) -> list[Moment] | str:
    """The moments (a quarter, half, three quarters enrolled), or why the comparison cannot be made."""
    bundle = state.get_bundle()
    why = learned_elsewhere(bundle, history)
    if why:
        return (
            f"No fair comparison: {why}. Put a model learned elsewhere in use first (the bundled one, or one "
            "trained on other trials)."
        )
    with st.spinner("Training the trial's own model at three moments and measuring both on later patients…"):
        try:
            return overtaking(history, bundle, state.settings().bands, outcome, n_boot=100)
        except ValueError as exc:
            return f"The comparison could not be made: {exc}"
