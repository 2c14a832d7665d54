"""Patient page: the form's result equals core.cli.score, what-if follows the model, bad input shows no result."""

from __future__ import annotations

import pandas as pd
import pytest

from app import state
from core.decisions.bands import FACTORY_BANDS
from core.model.whatif import validate_patient
from core.reading.contract import CONTRACT
from core.scoring.scores import score_frame
from tests.app.conftest import form_widget, open_page, shown

PATIENT = {
    "patient_id": "P-7",
    "age": 67,
    "gender": "Male",
    "treatment_group": "Placebo",
    "trial_phase": "Phase III",
    "days_in_trial": 200,
    "visits_completed": 4,
    "last_visit_day": 150,
    "adverse_events": 3,
}


def _fill_and_assess(at, values: dict) -> None:
    for name, value in values.items():
        form_widget(at, "patient", name).set_value(value)
    at.button(key="assess").click().run()
    assert not at.exception


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _edits_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Change alone (points)" in d.value.columns)


def _expected(bundle, values: dict) -> pd.Series:
    valid = validate_patient(values, CONTRACT).valid
    return score_frame(valid, bundle, FACTORY_BANDS, bundle.default_threshold, with_reasons=True).iloc[0]


def test_form_result_equals_core_score(bundle):
    at = open_page("patient")
    _fill_and_assess(at, PATIENT)
    expected = _expected(bundle, PATIENT)
    assert _metric(at, "Chance of dropping out") == f"{expected['probability']:.1%}"
    assert _metric(at, "Flagged for the retention team") == ("Yes" if expected["flagged"] else "No")
    text = " ".join(shown(m.value) for m in at.markdown)
    assert expected["risk_band"] in text and expected["reason_1"] in text
    assert len(at.get("plotly_chart")) == 1  # the waterfall


@pytest.mark.parametrize("field,value", [("visits_completed", 9), ("adverse_events", 0), ("last_visit_day", 198)])
def test_what_if_change_moves_probability_as_the_model_says(bundle, field, value):
    at = open_page("patient")
    _fill_and_assess(at, PATIENT)
    form_widget(at, "patient", field).set_value(value)
    at.button(key="try_changes").click().run()
    assert not at.exception
    original = _expected(bundle, PATIENT)["probability"]
    changed = _expected(bundle, {**PATIENT, field: value})["probability"]
    metric = next(m for m in at.metric if m.label == "With your changes")
    assert metric.value == f"{changed:.1%}"
    assert metric.delta == f"{(changed - original) * 100:+.1f} percentage points"
    assert changed != original
    assert _metric(at, "Chance of dropping out") == f"{original:.1%}"  # the assessment stays as it was
    assert _metric(at, "As assessed") == f"{original:.1%}"
    edits = _edits_table(at)
    assert list(edits["Change alone (points)"]) == [f"{(changed - original) * 100:+.1f}"]  # one edit: its own effect


def test_one_patient_form_on_the_page():
    at = open_page("patient")
    _fill_and_assess(at, PATIENT)
    assert len(at.get("form")) == 1
    assert {w.key.split("_", 1)[0] for w in at.main.number_input} == {"patient0"}  # no second copy of the fields


def test_what_if_with_two_edits_shows_each_edit_alone(bundle):
    at = open_page("patient")
    _fill_and_assess(at, PATIENT)
    form_widget(at, "patient", "adverse_events").set_value(0)
    form_widget(at, "patient", "age").set_value(40)
    at.button(key="try_changes").click().run()
    edits = _edits_table(at)
    assert list(edits["Field"]) == ["Age (years)", "Adverse events"]
    original = _expected(bundle, PATIENT)["probability"]
    for field, value, shown_change in zip(
        ("age", "adverse_events"), (40, 0), edits["Change alone (points)"], strict=True
    ):
        alone = _expected(bundle, {**PATIENT, field: value})["probability"]
        assert shown_change == f"{(alone - original) * 100:+.1f}"


def test_suggestions_are_distinct_actions_with_distinct_effects(bundle):
    from core.model.whatif import actionable_changes

    for patient in (
        PATIENT,
        {**PATIENT, "last_visit_day": 190},
        {**PATIENT, "days_in_trial": 60, "last_visit_day": 10},
    ):
        changes = actionable_changes(bundle, validate_patient(patient, CONTRACT).valid)
        points = [round(c.delta * 100, 1) for c in changes]
        assert len(set(points)) == len(points), [(c.description, p) for c, p in zip(changes, points, strict=True)]


@pytest.mark.parametrize(
    "field,value,fragment",
    [
        ("last_visit_day", 400, "is after"),
        ("age", 15, "between 18 and 100"),
        ("patient_id", "  ", "is empty"),
    ],
)
def test_invalid_input_shows_a_message_and_no_result(field, value, fragment):
    at = open_page("patient")
    _fill_and_assess(at, {**PATIENT, field: value})
    assert any(fragment in e.value for e in at.error)
    assert not any(m.label == "Chance of dropping out" for m in at.metric)
    assert at.warning


def test_actionable_changes_are_model_computed_and_lower_risk(bundle):
    from core.model.whatif import actionable_changes

    at = open_page("patient")
    _fill_and_assess(at, PATIENT)
    changes = actionable_changes(bundle, validate_patient(PATIENT, CONTRACT).valid)
    assert changes and all(c.probability < c.baseline for c in changes)
    text = " ".join(shown(m.value) for m in at.markdown)
    assert changes[0].description in text


def test_patient_picked_from_a_cohort_opens_prefilled_and_assessed(bundle, demo_result):
    row = demo_result.valid.iloc[3]
    prefill = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items() if k in PATIENT}
    at = open_page("patient", **{state.PATIENT_PREFILL: prefill})
    assert form_widget(at, "patient", "patient_id").value == row["patient_id"]
    assert form_widget(at, "patient", "age").value == row["age"]
    expected = score_frame(demo_result.valid.iloc[[3]], bundle, FACTORY_BANDS, bundle.default_threshold).iloc[0]
    assert _metric(at, "Chance of dropping out") == f"{expected['probability']:.1%}"


def test_a_patient_with_a_blank_age_is_scored_and_the_gap_is_shown(bundle):
    at = open_page("patient", **{state.PATIENT_PREFILL: {**PATIENT, "age": None}})
    assert any(m.label == "Chance of dropping out" for m in at.metric)
    assert any("Not recorded: Age (years)" in c.value for c in at.caption)
    # averaged over the training ages, a blank age moves little, so it rarely is a top reason; never "Age 0"
    assert not any("Age 0" in m.value or "Age 18:" in m.value for m in at.markdown)
    valid = validate_patient({**PATIENT, "age": None}, CONTRACT).valid
    expected = score_frame(valid, bundle, FACTORY_BANDS, bundle.default_threshold).iloc[0]["probability"]
    assert _metric(at, "Chance of dropping out") == f"{expected:.1%}"


def test_a_larger_action_with_the_same_effect_as_a_smaller_one_is_dropped():
    from core.model.whatif import Change, distinct

    today = Change("Attends a visit today", {"visits_completed": 7, "last_visit_day": 90}, 0.150, 0.21)
    make_up = Change("Attends a visit today and one make-up visit", {"visits_completed": 8}, 0.1502, 0.21)
    sooner = Change("Had been seen 7 days ago instead of 6", {"visits_completed": 7}, 0.12, 0.21)
    assert [c.description for c in distinct([today, make_up, sooner])] == [sooner.description, today.description]
    assert distinct([make_up, today]) == [today]  # whichever was tried first
