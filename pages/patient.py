"""Patient page: assess one patient, see why, and try what-if changes."""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import state
from app.figures.patient import waterfall_figure
from app.services import audit_trail
from app.services.patient_cache import cached_assessment, cached_score
from app.text import plain
from app.views import time_to_dropout as time_views
from app.views import weekly as weekly_views
from app.views import whatif as whatif_views
from app.views.components import band_badge_html, example_costs_notice
from app.views.patient_form import current_values, draw_fields, set_values, show_problems
from core.formatting import dollars, percent
from core.model.explain import probability_from_log_odds
from core.model.whatif import validate_patient
from core.reading.blanks import missing_inputs
from core.reading.contract import ID_COLUMN
from core.scoring.assess import NOT_JUDGED_WHY

bundle = state.get_bundle()
contract = bundle.contract
st.title("Assess one patient")
st.markdown(
    "Enter what you know about the patient **as of today** and press **Assess risk**. The model estimates the "
    "chance that the patient withdraws from the trial before completing it, and shows what drives that estimate. "
    "To ask *what if*, edit the same form and press **Try these changes**: the assessment stays, the change beside it."
)

prefill = state.pop_patient_prefill()
if prefill:
    set_values("patient", prefill, contract)

# The form is drawn last but shown first: the result's message then leaves the server before the form's.
form_area = st.container()
values = current_values("patient", contract)
submitted = state.assess_clicked()
problems: list[dict] = []
can_try = False  # a patient assessed with a chance on screen: the form's edits can be tried beside it
if submitted or prefill:
    checked = validate_patient(values, contract)
    if len(checked.problems):
        problems = checked.problems.to_dict("records")
        state.set_patient_result(None)
        st.warning("Some fields need attention (marked in red above). No risk is shown until they are fixed.")
    else:
        state.set_patient_result(checked.valid)  # recorded in the audit trail once, when it is shown

patient = state.patient_result()
policy = state.policy()
scored = None if patient is None else cached_score(patient, policy.threshold)
if patient is None or scored is None:
    if not (submitted or prefill):
        st.info("Fill in the form and press **Assess risk**. From the Cohort page you can open any patient here.")
elif np.isnan(float(scored["probability"])):  # outside the days the model learned from: no risk to act on
    st.subheader(f"Patient {plain(scored[ID_COLUMN])}")
    left, right = st.columns(2)
    left.metric("Chance of dropping out", scored["risk_band"], help="The model in use does not judge this patient.")
    right.metric("Flagged for the retention team", "No")
    st.info(plain(scored[NOT_JUDGED_WHY]) + ". Not flagged, not costed, and listed after every judged patient.")
else:
    probability = float(scored["probability"])
    cohort = state.cohort()
    position = cohort.position_of(scored[ID_COLUMN]) if cohort is not None else None
    flag = policy.flag_one(probability, cohort.curves if cohort is not None else None, position)
    if state.pop_patient_audit_pending():
        audit_trail.record(
            "patient_assessed",
            patient_ids=[scored[ID_COLUMN]],
            n_patients=1,
            n_flagged=int(flag.flagged),
            mean_probability=round(probability, 4),
        )
    st.subheader(f"Patient {plain(scored[ID_COLUMN])}")
    left, middle, right = st.columns(3)
    left.metric(
        "Chance of dropping out",
        f"{probability:.1%}",
        help="The model's estimated probability (0–100%), to one decimal so that it reads right next to the threshold.",
    )
    with middle:
        st.markdown("**Risk band**")
        st.markdown(band_badge_html(scored["risk_band"]), unsafe_allow_html=True)
        action = policy.contact_actions(np.array([probability]))[0]
        price = policy.contact_prices(np.array([probability]))[0]
        st.caption(f"Contact under your plan if flagged: {action} ({dollars(price)})")
    right.metric("Flagged for the retention team", "Yes" if flag.flagged else "No")
    right.caption(flag.why)
    time_views.patient_chances(scored, bundle)  # a time-to-dropout model: the chance within 4, 8, 12 weeks
    can_try = True
    if not submitted:  # the form edited and tried: the assessment above stays, the changes beside it
        problems = whatif_views.comparison(bundle, patient, values, contract, probability)
    time_views.patient_curve(bundle, patient, None if submitted else values)
    gaps = missing_inputs(patient, contract).iloc[0]
    if gaps:
        st.caption(f"Not recorded: {gaps}. The model scored this patient without them; the reasons say so.")
    example_costs_notice("patient")

    result = cached_assessment(patient)  # after the headline, so the probability shows first
    chart, words = st.columns([3, 2])
    chart.plotly_chart(waterfall_figure(result.contributions, result.base_value, result.value_labels), key="waterfall")
    with words:
        st.markdown("**Main reasons**")
        st.markdown("\n".join(f"- {plain(reason)}" for reason in result.reasons))
        st.caption(
            "Each bar shows how many percentage points one fact moves the chance of dropping out, taken in turn "
            "from the largest effect; together they lead from the average patient's chance "
            f"({percent(probability_from_log_odds(result.base_value))}) to this patient's. Red raises it, blue lowers it."
        )
    weekly_views.patient_weeks(scored[ID_COLUMN], policy.threshold)

    st.markdown("**Changes that would lower this patient's risk most** (each computed by the model in use)")
    if result.changes:
        st.markdown(
            "\n".join(
                f"- {c.description}: {percent(c.baseline)} → **{percent(c.probability)}** ({c.delta * 100:+.1f} points)"
                for c in result.changes
            )
        )
    else:
        st.caption("None of the visit-related changes would lower this patient's estimated risk.")

with form_area, st.form("patient_form", border=True):
    _, slots = draw_fields("patient", contract)
    assess, try_changes = st.columns([1, 3])
    assess.form_submit_button("Assess risk", type="primary", key=state.ASSESS_BUTTON)
    if can_try:
        try_changes.form_submit_button(
            "Try these changes",
            key=whatif_views.TRY_BUTTON,
            help="Keeps the assessment below as it is and shows the edited fields beside it",
        )
    show_problems(problems, slots, contract)
