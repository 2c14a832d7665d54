"""Train page: "Replay this trial": whom the weekly call list would have reached before they left, how early,
for how many calls, beside what coordinators do today at the same number of calls."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.access.identity import require
from app.services import trial_replay
from app.text import plain
from core.history.endings import OutcomeDefinition
from core.replay.calls import RULES
from core.replay.words import CALL_LIST, comparison_rows, headline, how_it_was_done
from core.trust.roles import TRAIN

MODELS = {"time": "Time to dropout (from day 1)", "landmark": "Landmark models (from day 28)"}


def _curve(result: dict) -> pd.DataFrame:
    names = {"reached_before_leaving": CALL_LIST, **RULES}
    frame = pd.DataFrame(result.get("capacity_curve", []))
    if frame.empty:
        return frame
    return frame.set_index("calls_per_week")[list(names)].rename(columns=names)


def _show(result: dict) -> None:
    st.markdown(plain(headline(result)))
    st.table(pd.DataFrame(comparison_rows(result)).set_index("Who is called"))
    curve = _curve(result)
    if not curve.empty:
        st.markdown(
            "**More calls a week**: withdrawals reached before they left, by calls a week. Where the line "
            "flattens, extra staff stops paying."
        )
        st.line_chart(curve, x_label="Calls a week (on average)", y_label="Withdrawals reached before they left")
    st.markdown("\n".join(f"- {plain(line)}" for line in how_it_was_done(result)))


def replay_section(history, label: str, outcome: OutcomeDefinition) -> None:
    """The replay's button, its calls-a-week choice, and the last replay's figures in plain words."""
    st.subheader("Replay this trial")
    st.markdown(
        "Had the team used the weekly call list during this trial, whom would it have reached before they left, "
        "and how early? Week by week, the trial is replayed with only what was known that week: the model is "
        "retrained every four weeks on the history as it then stood, and the patients in the study that week "
        "are ranked. The same number of calls is then given to today's rules of thumb and to random calls."
    )
    percent = st.select_slider(
        "Calls a week, as a share of the patients in the study that week",
        options=[1, 2, 5, 10, 15, 20, 30],
        value=5,
        format_func=lambda v: f"{v}%",
        key="replay_share",
    )
    model = st.radio(
        "The model retrained each time",
        options=list(MODELS),
        format_func=MODELS.get,
        horizontal=True,
        key="replay_model",
        help="The time-to-dropout model ranks every patient from their first day; the landmark models only from "
        "day 28, so patients who leave in their first weeks are never on their list.",
    )
    if require(TRAIN) and st.button("Replay this trial", key="replay_start"):
        state.set_replay(label, percent / 100, trial_replay.run(history, percent / 100, outcome, model == "time"))
    last = state.replay()
    if last is None or last[0] != label:
        return
    trial, share, result = last
    if isinstance(result, str):
        st.warning(plain(result), icon=":material/block:")
        return
    model = MODELS.get(str(result.get("settings", {}).get("model", "landmark")), "")
    st.caption(f"Replay of {plain(trial)} at {share:.0%} of the patients a week, retraining: {model.lower()}.")
    _show(result)
