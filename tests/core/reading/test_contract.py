"""core.reading.contract: one table of fields drives header matching, validation, the form and drift.

A new field added in a fixture (no other code change) is matched from a synonym, validated, shown in
the patient form and profiled for drift.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.model.drift import drift_report, reference_profile
from core.reading import contract as contract_module
from core.reading.contract import CONTRACT, Field, normalise_header
from core.reading.headers import map_columns
from core.reading.validation import load_cohort
from core.training.synthetic_world import TRAINING_TRIALS, simulate
from tests.conftest import csv_bytes
from tests.core.reading.files import accounted, make_csv, make_row

BMI = Field(
    "bmi",
    "number",
    "Body mass index",
    "Weight in kg divided by the square of height in metres.",
    unit="kg/m²",
    required=False,
    low=10,
    high=80,
    synonyms=("body mass index", "BMI (kg/m2)"),
    example=24.5,
)


@pytest.fixture
def extended():
    return CONTRACT.adding(BMI)


def test_each_spelling_names_one_field_only():
    seen: dict[str, str] = {}
    for spec in CONTRACT:
        for spelling in (*spec.specific_spellings(), *spec.generic_synonyms):
            key = normalise_header(spelling)
            assert seen.setdefault(key, spec.name) == spec.name, f"{spelling!r} names {seen[key]} and {spec.name}"


def test_every_example_is_valid_under_its_own_rules():
    row = {spec.name: str(spec.example) for spec in CONTRACT if spec.example is not None}
    result = load_cohort(make_csv([row]), "examples.csv", CONTRACT)
    assert result.problems.empty and len(result.valid) == 1


def test_a_new_field_is_matched_from_a_synonym(extended):
    mapping = map_columns(["Patient ID", "Age", "BMI (kg/m2)"], extended)
    assert mapping["bmi"] == "BMI (kg/m2)"
    assert map_columns(["Body-Mass-Index"], extended) == {"bmi": "Body-Mass-Index"}
    assert "bmi" not in map_columns(["BMI (kg/m2)"], CONTRACT)  # the standard contract does not know it


def test_a_new_field_is_validated_with_its_range_and_kind(extended):
    rows = [
        {**make_row("B1"), "Body mass index": "22,5"},  # a semicolon file writes decimals with a comma
        {**make_row("B2"), "Body mass index": "95"},
        {**make_row("B3"), "Body mass index": "heavy"},
        {**make_row("B4"), "Body mass index": "18.4"},  # a point there separates thousands: not a number
    ]
    result = accounted(load_cohort(make_csv(rows, sep=";"), "bmi.csv", extended))
    assert result.valid["bmi"].tolist() == [22.5]
    reasons = dict(zip(result.problems["patient_id"], result.problems["reason"], strict=True))
    assert reasons["B2"] == "Body mass index must be between 10 and 80"
    assert reasons["B3"] == "Body mass index must be a number"
    assert reasons["B4"].startswith("Body mass index is not a number as written")
    assert set(reasons) == {"B2", "B3", "B4"}


def test_a_new_field_is_profiled_for_drift(extended):
    world = simulate(TRAINING_TRIALS, seed=3, id_prefix="R").head(3000)
    rng = np.random.default_rng(0)
    world["bmi"] = rng.normal(26, 4, len(world)).round(1)
    valid = load_cohort(csv_bytes(world), "world.csv", extended).valid
    profile = reference_profile(valid, extended)
    assert "bmi" in profile["numeric"]
    heavier = valid.assign(bmi=valid["bmi"] + 8)
    report = drift_report(profile, heavier).set_index("input")
    assert report.loc["bmi", "level"] == "major"
    assert report.loc["age", "level"] == "none"


def test_a_new_field_is_shown_and_checked_in_the_patient_form(monkeypatch, extended):
    from tests.app.conftest import form_widget, open_page

    monkeypatch.setattr(contract_module, "CONTRACT", extended)
    at = open_page("patient")
    field = form_widget(at, "patient", "bmi")
    assert field.label == "Body mass index" and field.value == pytest.approx(24.5)
    field.set_value(95.0)
    at.button(key="assess").click().run()
    assert any("between 10 and 80" in e.value and "Body mass index" in e.value for e in at.error)
    assert not any(m.label == "Chance of dropping out" for m in at.metric)


def test_open_levels_come_from_the_model(extended):
    trial = CONTRACT.with_levels({"treatment_group": ("Pbo", "Xan_Lo", "Xan_Hi")})
    assert trial["treatment_group"].levels == ("Pbo", "Xan_Lo", "Xan_Hi")
    assert trial["gender"].levels == CONTRACT["gender"].levels  # not open: unchanged
    rows = [make_row("T1", treatment_group="xan_hi"), make_row("T2", treatment_group="Active")]
    result = load_cohort(make_csv(rows), "trial.csv", trial)
    # an arm the model never learned is a gap the model averages over, not a refusal
    assert result.valid["treatment_group"].tolist()[0] == "Xan_Hi" and pd.isna(result.valid["treatment_group"][1])
    assert result.problems.empty


def test_the_readme_table_is_rendered_from_the_contract():
    from core.output.readme import CONTRACT_END, CONTRACT_START, readme_with_contract
    from core.paths import README_PATH

    readme = README_PATH.read_text()
    assert CONTRACT_START in readme and CONTRACT_END in readme
    assert readme == readme_with_contract(readme, CONTRACT), (
        "run `python -m core.cli.report` after changing the contract"
    )
    block = readme.split(CONTRACT_START)[1].split(CONTRACT_END)[0]
    for spec in CONTRACT:
        assert f"| {spec.name} |" in block and spec.valid_values() in block


def test_the_readme_check_can_fail():
    from core.output.readme import readme_with_contract
    from core.paths import README_PATH

    readme = README_PATH.read_text()
    assert readme != readme_with_contract(readme, CONTRACT.adding(BMI))


def test_a_frame_of_the_wrong_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        Field("x", "colour", "X", "")
