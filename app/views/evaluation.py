"""The curves on a labelled cohort's own outcomes (Thresholds page): ROC, precision-recall, calibration,
capture at the capacity in force, the decision curve and what drives the estimates, each with its 95% band."""

from __future__ import annotations

import streamlit as st

from app.figures.evaluation import evaluation_figures
from app.text import plain
from core.scoring.outcomes import OutcomeEvaluation, evaluation_in_words

CAPTIONS = {
    "capture": "The dashed line is the list length in force (the staff capacity, or everyone flagged).",
    "decision_curve": "Net benefit weighs each false alarm by the threshold's odds. The break-even risk is where "
    "your cost table says a contact pays for itself: a threshold there is the one your costs call for.",
}


def section(evaluation: OutcomeEvaluation | None, model_figure: dict | None) -> None:
    """The section, or a word on why there is none (one outcome only)."""
    st.subheader("How the model did on your outcomes")
    if evaluation is None:
        st.caption("Curves need patients who dropped out and patients who stayed; this cohort has only one of the two.")
        return
    for line in evaluation_in_words(evaluation, model_figure):
        st.markdown(plain(line))
    st.caption("Shaded bands and bars: 95% ranges from resampling whole patients. Markers follow the slider.")
    figures = list(evaluation_figures(evaluation).items())
    for pair in range(0, len(figures), 2):
        for column, (name, figure) in zip(st.columns(2), figures[pair : pair + 2], strict=False):
            column.plotly_chart(figure, key=f"outcome_{name}")
            if name in CAPTIONS:
                column.caption(CAPTIONS[name])
