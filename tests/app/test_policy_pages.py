"""One policy on every page: capacity on the Patient page, the two plans, example costs, settings kept
in the address, and user text always shown as text."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app import state
from core.decisions.bands import FACTORY_BANDS
from core.decisions.policy import Policy
from core.paths import DEMO_COHORT_PATH
from core.scoring.cohort import score_upload
from tests.app.conftest import ENTRY, PAGE_FILES, form_widget, open_page, shown
from tests.app.test_cohort_page import _csv, _demo, _upload


@pytest.fixture(scope="module")
def demo(bundle):
    return score_upload(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, bundle, FACTORY_BANDS)


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _open_row(demo, position: int, **session) -> AppTest:
    values = {k: (v.item() if hasattr(v, "item") else v) for k, v in demo.result.valid.loc[position].items()}
    return open_page("patient", **{state.COHORT: demo, state.PATIENT_PREFILL: values, **session})


def test_the_patient_page_flags_a_cohort_patient_exactly_as_the_export_under_a_capacity(demo):
    threshold, capacity = 0.1, 10
    flagged = Policy.at(threshold, capacity).flagged(demo.curves)
    order = np.argsort(-demo.probability, kind="stable")
    inside, outside = int(order[0]), int(order[capacity])  # the riskiest, and the first left out
    assert demo.probability[outside] >= threshold and flagged[inside] and not flagged[outside]
    settings = {state.THRESHOLD: threshold, state.CAPACITY: capacity}
    yes = _open_row(demo, inside, **settings)
    assert _metric(yes, "Flagged for the retention team") == "Yes"
    no = _open_row(demo, outside, **settings)
    assert _metric(no, "Flagged for the retention team") == "No"
    assert any("taken by 10 patients" in c.value for c in no.caption)


def test_a_cohort_patient_edited_by_hand_is_ranked_against_the_others(demo):
    threshold, capacity = 0.1, 10
    order = np.argsort(-demo.probability, kind="stable")
    outside = int(order[capacity])
    values = {k: (v.item() if hasattr(v, "item") else v) for k, v in demo.result.valid.loc[outside].items()}
    at = open_page("patient", **{state.COHORT: demo, state.THRESHOLD: threshold, state.CAPACITY: capacity})
    for name in (
        "patient_id",
        "age",
        "gender",
        "treatment_group",
        "trial_phase",
        "days_in_trial",
        "visits_completed",
        "adverse_events",
    ):
        form_widget(at, "patient", name).set_value(values[name])
    form_widget(at, "patient", "last_visit_day").set_value(0)  # no visit since enrolment: a riskier patient
    at.button(key="assess").click().run()
    assert _metric(at, "Flagged for the retention team") == "Yes"


def test_a_patient_entered_by_hand_is_told_the_capacity_needs_a_cohort(demo):
    at = open_page("patient", **{state.THRESHOLD: 0.05, state.CAPACITY: 3})
    at.button(key="assess").click().run()
    assert _metric(at, "Flagged for the retention team") == "Yes"
    assert any("no cohort is loaded" in c.value for c in at.caption)


@pytest.mark.parametrize("plan,contact", [("single", "Retention contact"), ("tiered", None)])
def test_the_thresholds_page_prices_contacts_by_the_plan_chosen(plan, contact):
    at = open_page("thresholds", **{state.PLAN: plan})
    table = next(t.value for t in at.table if "contact if flagged" in t.value.columns)
    if contact:
        assert set(table["contact if flagged"]) == {contact}
    else:
        assert table["contact if flagged"].tolist() == [b.action for b in FACTORY_BANDS]
    assert not at.exception


def test_switching_the_plan_re_prices_the_cost_table():
    at = open_page("thresholds", **{state.THRESHOLD: 0.3})
    single = at.table[0].value.iloc[4, 1]  # contact dollars at the chosen threshold
    at.radio(key="thresholds_settings_plan").set_value("tiered").run()
    assert at.session_state[state.PLAN] == "tiered"
    assert at.table[0].value.iloc[4, 1] != single


@pytest.mark.parametrize("page", ["overview", "cohort", "patient", "thresholds"])
def test_example_costs_are_called_example_figures_until_someone_sets_them(page):
    at = open_page(page)
    if page == "patient":
        at.button(key="assess").click().run()  # the notice stands beside the patient's flag
    notes = [shown(i.value) for i in at.info if "example figures" in shown(i.value)]
    assert notes and "$500" in notes[0]
    at.button(key=f"{page}_confirm_costs").click().run()
    assert not any("example figures" in shown(i.value) for i in at.info)


def test_costs_set_by_the_deployment_are_not_called_examples(monkeypatch):
    monkeypatch.setenv("RRADAR_INTERVENTION_COST", "250")
    at = open_page("overview")
    assert not any("example figures" in shown(i.value) for i in at.info)


def test_editing_a_cost_makes_the_figures_the_users_own():
    at = open_page("thresholds")
    assert any("example figures" in shown(i.value) for i in at.info)
    at.number_input(key="thresholds_settings_dropout_cost").set_value(9000.0).run()
    assert not any("example figures" in shown(i.value) for i in at.info)
    assert at.query_params["costs_set"] == "1" and at.query_params["dropout_cost"] == "9000"


def test_settings_come_back_from_the_address_after_a_refresh_and_bad_values_are_ignored():
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.query_params.update(
        {"threshold": "0.37", "capacity": "25", "plan": "tiered", "contact_cost": "-3", "effectiveness": "lots"}
    )
    at.run()
    assert not at.exception
    assert at.session_state[state.THRESHOLD] == pytest.approx(0.37)
    assert at.session_state[state.CAPACITY] == 25 and at.session_state[state.PLAN] == "tiered"
    assert at.session_state[state.INTERVENTION_COST] == 500.0  # out of range: the default stays
    assert at.session_state[state.EFFECTIVENESS] == 1.0
    assert at.query_params["threshold"] == "0.37" and at.query_params["contact_cost"] == "500"


HOSTILE_ID = "![x](http://example.invalid/track.png)"


def test_markdown_and_html_from_a_file_are_shown_as_text():
    frame = _demo(12)
    frame.loc[0, "patient_id"] = HOSTILE_ID
    frame["<img src=x onerror=alert(1)>"] = "**bold** [link](http://example.invalid)"
    at = open_page("cohort")
    _upload(at, "[week](http://example.invalid).csv", _csv(frame))
    texts = [
        e.value
        for kind in ("subheader", "caption", "markdown", "error", "warning", "info", "success")
        for e in getattr(at, kind)
    ]
    assert any("week" in shown(t) for t in texts)
    for text in texts:
        assert "](http" not in text, text  # every link or image from the file arrives escaped
    at.session_state[state.PATIENT_PREFILL] = {"patient_id": HOSTILE_ID}
    at.switch_page(PAGE_FILES["patient"]).run()
    assert form_widget(at, "patient", "patient_id").value == HOSTILE_ID
    assert any(shown(s.value) == f"Patient {HOSTILE_ID}" and "](http" not in s.value for s in at.subheader)
