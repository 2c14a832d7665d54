"""Model page: the model card in words and plots, with held-out metrics and global explanations."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.figures import model as charts
from app.views import drift as drift_views
from app.views import model as model_views
from app.views import time_to_dropout as time_views
from core.model import card_words

bundle = state.get_bundle()
card = bundle.card
test = card["metrics"]["test"]
data = card["training_data"]

st.title("How good is the model?")
st.markdown(
    f"Model `{bundle.version}`, trained on **{card_words.origin_words(card)}**. All figures below were measured on "
    f"**{test['n']:,} {'patient-days' if card_words.is_cross_validated(card) else 'patients'}** the model did not "
    f"learn from: {card_words.measured_on(card)}. The ranges in brackets are 95% intervals from resampling "
    "whole patients."
)
if bundle.synthetic:
    st.warning(
        "The bundled model was trained and tested on **synthetic** patients (see the data README). "
        "On a real trial, these figures must be measured again before anyone relies on them.",
        icon=":material/science:",
    )

st.subheader("Results on patients the model did not learn from")
st.table(model_views.metrics_table(card).set_index("Measure"))  # a table wraps its headers: none is cut off
st.markdown(model_views.metrics_in_words(card))
by_day = model_views.landmark_table(card)
if by_day is not None:
    st.markdown(
        "**By landmark day.** Each column is the trial's patients as they stood on that study day, ranked by each "
        "model (ROC AUC, 95% interval). A week's list is one such day."
    )
    st.table(by_day.set_index("Model"))
time_views.horizon_section(card, "model")  # a time-to-dropout version: how well it predicts when

holdout = model_views.holdout(bundle.sha256, bundle)
roc, pr = st.columns(2)
roc.plotly_chart(charts.roc_figure(holdout.roc, test["roc_auc"]["value"]), key="roc")
pr.plotly_chart(charts.precision_recall_figure(holdout.pr, test["prevalence"]), key="pr")

st.subheader("Calibration: can the percentages be taken at face value?")
cal, text = st.columns([3, 2])
cal.plotly_chart(charts.calibration_figure(card["metrics"]["calibration_test"]), key="calibration")
text.markdown(
    "Patients are sorted by their estimated chance and split into ten equal groups. For each group the dot shows "
    "the average estimate (across) against the share who actually dropped out (up). On the dotted line, "
    f"an estimate of 30% means 3 in 10 such patients drop out. Expected calibration error: **{test['ece']['value']:.3f}** "
    f"(the average gap, {test['ece']['value']:.1%} points)."
)

st.subheader("What drives the estimates")
st.markdown(
    "Effects are measured with SHAP: how much each fact moves a patient's estimate away from the average patient's."
)
imp, swarm = st.columns(2)
imp.plotly_chart(charts.importance_figure(holdout.importance), key="importance")
swarm.plotly_chart(
    charts.beeswarm_figure(holdout.contributions, holdout.features, list(holdout.importance["feature"])), key="beeswarm"
)
feature = st.selectbox(
    "Show how one feature moves risk",
    list(holdout.importance["feature"]),
    format_func=charts.feature_label,
    key="dependence_feature",
)
st.plotly_chart(
    charts.dependence_figure(feature, holdout.feature_display[feature], holdout.contributions[feature]),
    key="dependence",
)

st.subheader("Is your cohort like the training patients?")
drift_views.table(state.cohort())

st.subheader("About the model")
st.markdown(model_views.about_in_words(card))
if "size_trade_off" in card:
    with st.expander("Model size trade-off (explanation speed against accuracy)"):
        st.dataframe(pd.DataFrame(card["size_trade_off"]), hide_index=True)
