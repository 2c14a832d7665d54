"""Replay the trial from the Train page: the week-by-week replay (``core.replay``) with a progress bar.

The heavy work is in core; here only the progress bar, the model used before the trial could train (the
registry's) and the costs and bands in force."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import state
from core.history.endings import OutcomeDefinition
from core.history.trial_history import TrialHistory
from core.replay.run import ReplayOptions, ReplayRefused, replay_trial
from core.replay.scorers import fallback_model, time_trainer


def run(history: TrialHistory, share: float, outcome: OutcomeDefinition, time: bool = True) -> dict[str, Any] | str:
    """The replay's result at ``share`` of the ongoing patients called a week (dropout as ``outcome`` defines
    it, as the training did; ``time``: retraining the time-to-dropout model, else the landmark models), or why
    it could not run."""
    bar = st.progress(0.0, text="Starting the replay…")
    options = ReplayOptions(capacity_share=share, costs=state.costs(), bands=state.settings().bands, outcome=outcome)

    def progress(fraction: float, words: str) -> None:
        bar.progress(fraction, words)

    try:
        trainer = time_trainer(options.costs, outcome) if time else None
        result = replay_trial(history, fallback_model(state.registry()), options, trainer, progress=progress)
        result["settings"]["model"] = "time" if time else "landmark"
        return result
    except (ReplayRefused, ValueError) as exc:
        return f"The trial could not be replayed: {exc}"
    finally:
        bar.empty()
