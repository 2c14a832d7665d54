"""Patient page: assess one patient, see why, and try what-if changes."""

from __future__ import annotations

import streamlit as st

from app import charts, state
from app.components import band_badge_html, percent
from app.patient_form import FIELD_NAMES, draw_fields, set_values, show_problems
from core.explain import explain, probability_from_log_odds
from core.features import build_features
from core.score import REASON_COLUMNS, score_frame
from core.whatif import actionable_changes, validate_patient

bundle = state.get_bundle()
st.title("Assess one patient")
st.markdown(
    "Enter what you know about the patient **as of today**. The model estimates the chance that the "
    "patient withdraws from the trial before completing it, and shows what drives that estimate."
)

prefill = st.session_state.pop(state.PATIENT_PREFILL, None)
if prefill:
    set_values("patient", prefill)

with st.form("patient_form", border=True):
    values, slots = draw_fields("patient")
    submitted = st.form_submit_button("Assess risk", type="primary", key="assess")

if submitted or prefill:
    checked = validate_patient(values)
    if len(checked.problems):
        show_problems(checked.problems.to_dict("records"), slots)
        st.session_state.pop(state.PATIENT_RESULT, None)
        st.warning("Some fields need attention (marked in red above). No risk is shown until they are fixed.")
    else:
        st.session_state[state.PATIENT_RESULT] = checked.valid
        set_values("whatif", values)

patient = st.session_state.get(state.PATIENT_RESULT)
if patient is None:
    if not (submitted or prefill):
        st.info("Fill in the form and press **Assess risk**. From the Cohort page you can open any patient here.")
else:
    threshold = state.threshold()
    scored = score_frame(patient, bundle, threshold, with_reasons=True).iloc[0]
    probability = float(scored["probability"])
    st.subheader(f"Patient {scored['patient_id']}")
    left, middle, right = st.columns(3)
    left.metric("Chance of dropping out", percent(probability), help="The model's estimated probability (0–100%).")
    with middle:
        st.markdown("**Risk band**")
        st.markdown(band_badge_html(scored["risk_band"]), unsafe_allow_html=True)
        st.caption(f"Recommended: {scored['recommended_action']} (${scored['action_cost']:,.2f})")
    right.metric("Flagged for the retention team", "Yes" if scored["flagged"] else "No",
                 help=f"Flagged when the chance is at or above the decision threshold ({threshold:.0%}).")

    explanation = explain(bundle, patient)
    shown_values = {name: str(patient.iloc[0][name]) for name in FIELD_NAMES if name in patient}
    features = explanation.contributions.iloc[0]
    feature_values = build_features(patient).iloc[0]
    labels = {f: shown_values.get(f, f"{feature_values[f]:.2f}") for f in features.index}
    chart, words = st.columns([3, 2])
    chart.plotly_chart(charts.waterfall_figure(features, explanation.base_value, labels), key="waterfall")
    with words:
        st.markdown("**Main reasons**")
        st.markdown("\n".join(f"- {scored[c]}" for c in REASON_COLUMNS if scored[c]))
        st.caption(
            "Each bar is how much one fact moves this patient's risk away from the average patient's "
            f"({percent(probability_from_log_odds(explanation.base_value))}). Red raises the risk, blue lowers it."
        )

    st.divider()
    st.subheader("What if…")
    st.markdown("Change any field to see how the estimate would move. The original assessment stays as it is.")
    new_values, new_slots = draw_fields("whatif")
    edited = validate_patient(new_values)
    if len(edited.problems):
        show_problems(edited.problems.to_dict("records"), new_slots)
        st.warning("The what-if values need attention (marked in red).")
    else:
        new_probability = float(bundle.predict(edited.valid)[0])
        a, b = st.columns(2)
        a.metric("Original", percent(probability))
        b.metric("With your changes", percent(new_probability),
                 delta=f"{(new_probability - probability) * 100:+.1f} percentage points", delta_color="inverse")

    changes = actionable_changes(bundle, patient)
    st.markdown("**Changes that would lower this patient's risk most** (computed by the model)")
    if changes:
        st.markdown("\n".join(
            f"- {c.description}: {percent(c.baseline)} → **{percent(c.probability)}** ({c.delta * 100:+.1f} points)"
            for c in changes
        ))
    else:
        st.caption("None of the visit-related changes would lower this patient's estimated risk.")
