"""The Cohort page's trial-history section: how the files were read, the questions to settle, the date.

A trial history is read once; the user answers what the files cannot say (the order of day and month,
the trial's phase, which generic arm each trial arm stands for) and picks the date to score as of.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.records import LoadedHistory
from app.services import history_loading
from app.text import plain
from core.history.as_of import GENERIC_ARMS, default_as_of, guess_arm_mapping, trial_arms
from core.history.trial_history import TrialHistory
from core.output.csv_file import csv_bytes
from core.scoring.trial_as_of import needs_arm_mapping


def _date_order(loaded: LoadedHistory) -> None:
    """Ask which order the dates are written in; the files are read again with the answer."""
    assert loaded.ambiguous is not None
    st.warning(plain(str(loaded.ambiguous)), icon=":material/calendar_month:")
    choice = st.radio(
        "These files write dates",
        ["day first (31/12/2024)", "month first (12/31/2024)"],
        index=None,
        key="history_day_first",
        horizontal=True,
    )
    if choice is not None:
        loaded.day_first = choice.startswith("day")
        st.rerun()


def _arms(loaded: LoadedHistory, history: TrialHistory) -> None:
    """For the generic model: which of its arms each trial arm stands for (a guess the user confirms)."""
    arms = trial_arms(history)
    guess = loaded.arm_mapping or guess_arm_mapping(arms)
    with st.expander(
        "Trial arms for the model in use" + ("" if loaded.arm_mapping else " (please confirm)"),
        expanded=loaded.arm_mapping is None,
    ):
        st.markdown(
            "The model in use knows three arms: Active, Control and Placebo. Say which each of this trial's "
            "arms stands for. A model trained on this trial would use the trial's own arm names."
        )
        chosen = {}
        for i, arm in enumerate(arms):
            chosen[arm] = st.selectbox(
                plain(arm), GENERIC_ARMS, index=GENERIC_ARMS.index(guess.get(arm, "Active")), key=f"history_arm_{i}"
            )
        if st.button("Use these arms", key="history_confirm_arms") or loaded.arm_mapping is not None:
            loaded.arm_mapping = chosen
    if loaded.arm_mapping is None:
        st.caption(
            "Until you confirm them, the arms are guessed from their names: "
            + ", ".join(f"{plain(a)} → {g}" for a, g in guess.items())
            + "."
        )


def _report(loaded: LoadedHistory, history: TrialHistory) -> None:
    report = history.report
    problems = report.problems
    title = f"How {loaded.label} was read" + (f" ({len(problems):,} problems)" if len(problems) else "")
    with st.expander(plain(title), expanded=bool(len(problems))):
        st.markdown("\n".join(f"- {plain(line)}" for line in report.summary()))
        if len(problems):
            st.dataframe(problems, hide_index=True, key="history_problems", height=220)
            st.download_button(
                "Download the history's problems (CSV)",
                data=lambda: csv_bytes(problems),
                file_name="history_problems.csv",
                mime="text/csv",
                on_click="ignore",
                key="download_history_problems",
            )


def section(loaded: LoadedHistory) -> None:
    """Read the history, settle its questions, pick the date, and score its patients as of that date."""
    history = history_loading.read(loaded)
    if history is None:
        if loaded.ambiguous is not None:
            _date_order(loaded)
        return
    st.subheader(f"Trial history: {plain(loaded.label)}")
    _report(loaded, history)
    default, why = default_as_of(history)
    first, last = history.subjects["enrolment_date"].min(), history.data_cutoff()
    picked = st.date_input(
        "Score the patients in the study as of",
        value=(loaded.as_of or default).date(),
        min_value=first.date(),
        max_value=last.date(),
        key="history_as_of",
        help=f"Suggested: {why}.",
    )
    loaded.as_of = pd.Timestamp(picked)
    st.caption(
        f"Every patient enrolled by {loaded.as_of.date()} and not yet finished is scored with what was known "
        "that day. Patients who ended later carry what happened, so the estimates can be checked."
    )
    if needs_arm_mapping(state.get_bundle(), history):
        _arms(loaded, history)
    history_loading.score(loaded, history)
