"""Thresholds & costs: choose the decision threshold with the program's costs in view."""

from __future__ import annotations

import streamlit as st

from app import state
from app.figures import model as charts
from app.services import threshold_data, url_settings
from app.views import controls
from app.views import evaluation as evaluation_views
from app.views import measured_effect as measured_effect_views
from app.views import thresholds as threshold_views
from app.views.components import band_legend, example_costs_notice
from core.model import card_words, coverage
from core.reading.contract import ID_COLUMN
from core.scoring.evaluation import contacts_by_band, evaluate_threshold

bundle = state.get_bundle()

st.title("Thresholds & costs")
st.markdown(
    "Every patient at or above the **decision threshold** is flagged for a retention contact. A low threshold "
    "catches more future dropouts but costs more contacts and more false alarms. Below, each choice is priced: "
    "contacts cost money, and every dropout missed costs the price of replacing the patient."
)

cohort = state.cohort()
sources = threshold_data.available_sources(cohort)
source = st.radio(
    "Evaluate on",
    sources,
    key="threshold_source",
    horizontal=True,
    help="With observed outcomes the counts are real; without them they are the model's expectation.",
)
data = threshold_data.evaluation_data(source, cohort)
if source == threshold_data.TEST_SPLIT:
    st.info(
        f"Showing the patients the model was measured on: {data.n_patients:,} rows with known outcomes "
        f"({card_words.origin_words(bundle.card)}; {card_words.measured_on(bundle.card)}). "
        "Load a cohort on the Cohort page to see your own patients.",
        icon=":material/science:",
    )
elif not data.labelled:
    st.warning(
        "Your cohort has no observed outcomes, so caught and missed dropouts are **expected** values: "
        "sums of the model's probabilities. They are only as good as the model's calibration, shown below.",
        icon=":material/warning:",
    )
else:
    st.success(f"Evaluating on {data.n_patients:,} patients of your cohort with observed outcomes.")
    seen = (
        coverage.patients_in_training(bundle.predictions_path, bundle.card, cohort.scored[ID_COLUMN]) if cohort else 0
    )
    st.markdown(threshold_views.cohort_metrics_in_words(data.metrics, card_words.headline(bundle.card), seen))


example_costs_notice("thresholds", link=False)
controls.plan_input("thresholds")  # outside the fragment: a new plan re-prices the curves


@st.fragment
def explorer() -> None:
    inputs = st.container()  # drawn last, shown first: the cost table's message goes out before the widgets'
    state.set_capacity(controls.capacity_in_force("thresholds"))
    url_settings.keep_in_url()  # a fragment's rerun skips the entry point: the address follows here
    policy = state.policy()
    threshold, costs, capacity = policy.threshold, policy.costs, policy.capacity
    reference = state.settings().reference_threshold
    view = evaluate_threshold(data.curves, data.subgroups, threshold, costs, capacity, reference)
    expected = not data.labelled
    if view.chosen.capacity_binds:
        st.warning(
            f"Staff capacity binds: {view.at_or_above_threshold:,} patients are at or above the threshold, "
            f"but only the {capacity:,} highest-risk are flagged."
        )
    st.subheader("What this threshold costs and saves")
    per_1000 = view.per_thousand if data.n_patients >= threshold_views.PER_THOUSAND_FROM else None
    st.table(threshold_views.cost_table_display(view.table, per_1000, expected).set_index(""))
    st.caption(
        f"{policy.describe()} {policy.break_even_in_words()} The reference column is a plain cut at "
        f"{reference:.2f}."
        + ("" if per_1000 is not None else " Figures per 1,000 patients are shown from 1,000 patients up.")
    )
    for column, (label, value, words) in zip(st.columns(4), threshold_views.rates_in_words(view.rates), strict=True):
        column.metric(label, value, help=words)

    st.markdown(
        f"**Calling the riskiest 20% of patients reaches {view.gains['share_of_dropouts'][20]:.1%} of the "
        f"{'expected ' if expected else ''}dropouts.**"
    )
    # One chart at a time: redrawing five charts on every slider step kept the table from showing promptly.
    plot = (
        st.segmented_control(
            "Plot",
            list(threshold_views.PLOTS),
            default="Total cost",
            key="threshold_plot",
            help="Each plot marks your threshold.",
        )
        or "Total cost"
    )
    st.plotly_chart(threshold_views.figure(plot, view, threshold, expected), key=f"plot_{threshold_views.PLOTS[plot]}")
    if expected:
        st.plotly_chart(charts.calibration_figure(bundle.card["metrics"]["calibration_test"]), key="calibration")

    st.subheader("Who gets which contact")
    by_band = contacts_by_band(data.by_band.at(threshold, capacity), policy)
    st.table(threshold_views.contacts_display(by_band))
    st.caption(f"{policy.describe()} Change the plan above the slider.")

    st.subheader("Is any group missed more than another?")
    st.caption(
        "Recall: share of each group's dropouts that are flagged. A group with much lower recall is missed more."
    )
    groups = list(view.subgroups)
    by = st.segmented_control("Group by", groups, default=groups[0], key="subgroup_by") or groups[0]
    st.dataframe(threshold_views.subgroup_display(view.subgroups[by], expected), key="subgroup_table")
    if source == threshold_data.COHORT_OBSERVED:  # inside the fragment: the curves' markers follow the slider
        evaluation_views.section(threshold_data.outcome_evaluation(cohort), card_words.headline(bundle.card)["roc_auc"])
    measured_effect_views.section()  # the effectiveness the cost table assumes, measured from the outreach log
    with inputs:
        controls.threshold_slider("thresholds")
        controls.cost_inputs("thresholds")
        controls.capacity_input("thresholds")


explorer()

st.subheader("The risk bands")
band_legend()
