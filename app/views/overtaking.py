"""Train page: "Would this trial's own model do better?": the trial's own time-to-dropout model, trained at a quarter,
half and three quarters of enrolment, against the model in use (learned elsewhere), on the patients enrolled later."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.access.identity import require
from app.services import overtaking_run
from app.text import plain
from core.history.endings import OutcomeDefinition
from core.history.trial_history import TrialHistory
from core.replay.overtaking import Moment, in_words
from core.trust.roles import TRAIN


def _figure(entry: dict | None, signed: bool = False) -> str:
    if not entry:
        return "–"
    low, high = entry["ci95"]
    form = "{:+.2f}" if signed else "{:.2f}"
    return f"{form.format(entry['value'])} ({form.format(low)} to {form.format(high)})"


def moments_table(moments: list[Moment]) -> pd.DataFrame:
    """One row per moment, in the words of the page."""
    rows = []
    for m in moments:
        c = m.counts
        rows.append(
            {
                "Enrolled by then": f"{m.share:.0%} ({m.date.date()})",
                "Own model learned from": (
                    f"{c['trained_patients']:,} patients, {c['trained_dropouts']:,} dropouts" if c else "–"
                ),
                "Own model": _figure(m.own) if not m.refused else plain(f"not yet: {m.refused}"),
                "Model in use": _figure(m.reference),
                "Difference": _figure(m.difference, signed=True),
                "Measured on": f"{c['tested_patients']:,} patients enrolled later" if c else "–",
            }
        )
    return pd.DataFrame(rows).set_index("Enrolled by then")


def overtaking_section(history: TrialHistory, label: str, outcome: OutcomeDefinition) -> None:
    """The button, and the last comparison's table and verdict in plain words."""
    st.subheader("Would this trial's own model do better?")
    st.markdown(
        "A new trial starts with a model learned elsewhere (the bundled one, or one trained on your earlier trials). "
        "When does a model trained on this trial's own history become better? At the days a quarter, a half and "
        "three quarters of the patients had enrolled, the trial's own time-to-dropout model is trained on the "
        "history as it stood that day. Both models then rank the patients enrolled **later**, whom neither learned "
        "from, at each landmark day (28, 56 … days in the trial). Figures are ROC AUC (0.5 = chance, 1 = perfect), "
        "with a 95% range; the own model has overtaken when the whole range of the difference is above zero."
    )
    if require(TRAIN) and st.button("Compare with the model in use", key="overtaking_start"):
        state.set_overtaking(label, overtaking_run.run(history, outcome))
    last = state.overtaking()
    if last is None or last[0] != label:
        return
    result = last[1]
    if isinstance(result, str):
        st.warning(plain(result), icon=":material/block:")
        return
    st.table(moments_table(result))
    st.markdown(plain(in_words(result, "the model in use")[-1]))
