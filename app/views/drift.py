"""The drift banner (Cohort page) and drift table (Model page)."""

from __future__ import annotations

import streamlit as st

from app.text import plain
from core.model.drift import MAJOR_OUT_OF_RANGE, MAJOR_PSI, MIN_PATIENTS, MODERATE_PSI, drift_summary
from core.scoring.cohort import ScoredCohort

LEVEL_WORDS = {
    "none": "like training",
    "moderate": "moderate drift",
    "major": "major drift",
    "too few patients": "too few patients to judge",
    "beyond the training range": "values beyond the training range (too few patients to judge drift)",
}


def banner(cohort: ScoredCohort) -> None:
    if cohort.drift is None:
        return
    message = drift_summary(cohort.drift)
    if message:
        major = (cohort.drift["level"] == "major").any()
        (st.error if major else st.warning)(message, icon=":material/compare_arrows:")


def rules_in_words() -> str:
    return (
        f"Each input of the cohort is compared with the patients the model was trained on, within the same trial "
        f"phase, by the population stability index (PSI). PSI below {MODERATE_PSI} = like training; "
        f"{MODERATE_PSI} to {MAJOR_PSI} = **moderate** drift; {MAJOR_PSI} or more = **major** drift. Any patient "
        f"beyond the training range makes the input at least moderate; {MAJOR_OUT_OF_RANGE:.1%} or more makes it "
        f"major. With fewer than {MIN_PATIENTS} patients the PSI is mostly noise and is not judged."
    )


def table(cohort: ScoredCohort | None) -> None:
    st.markdown(rules_in_words())
    if cohort is None:
        st.info("Load a cohort on the Cohort page to compare it with the training patients.")
        return
    if cohort.drift is None:  # a cohort is loaded, but the model in use keeps no summary of its training inputs
        st.info(
            f"The model in use keeps no summary of its training patients' inputs, so {plain(cohort.filename)} "
            "cannot be compared with them here."
        )
        return
    shown = cohort.drift.assign(level=cohort.drift["level"].map(LEVEL_WORDS))
    st.caption(f"Cohort: {plain(cohort.filename)}, {len(cohort.scored):,} patients.")
    st.dataframe(
        shown,
        hide_index=True,
        key="drift_table",
        column_config={
            "psi": st.column_config.NumberColumn("PSI", format="%.3f"),
            "outside_training_range": st.column_config.NumberColumn("beyond training range", format="percent"),
        },
    )
