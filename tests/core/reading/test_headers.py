"""core.schema: matching headers to the contract and normalising category spellings.

Every file here is built in memory as bytes, the way an upload reaches load_cohort.
"""

from __future__ import annotations

import pytest

from core.reading.contract import CONTRACT
from core.reading.errors import SchemaError
from core.reading.headers import map_columns
from core.reading.validation import SOURCE_ROW, load_cohort
from tests.core.reading.files import CLEAN, FRIENDLY, HEADER, accounted, make_csv, make_row, problem_keys

# ---------------------------------------------------------------- headers


def test_friendly_headers_are_mapped_and_the_mapping_is_reported():
    rows = [{FRIENDLY[k]: v for k, v in row.items()} for row in CLEAN]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert result.mapping == FRIENDLY
    assert list(result.valid.columns[:1]) == [SOURCE_ROW]
    assert set(HEADER) <= set(result.valid.columns)
    assert not set(FRIENDLY.values()) & set(result.valid.columns)  # renamed, not duplicated
    assert result.valid["patient_id"].tolist() == ["007", "P-002", "P-003"]
    assert result.extra_columns == []


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Patient ID", "patient_id"),
        ("PATIENT-ID", "patient_id"),
        ("Subject", "patient_id"),
        ("USUBJID", "patient_id"),
        ("Sex", "gender"),
        ("Arm", "treatment_group"),
        ("Treatment Group", "treatment_group"),
        ("AE count", "adverse_events"),
        ("Adverse_Events", "adverse_events"),
        ("Phase", "trial_phase"),
        ("Study phase", "trial_phase"),
        ("Days in trial", "days_in_trial"),
        ("Visits completed", "visits_completed"),
        ("Last Visit Day", "last_visit_day"),
        ("Site", "site_id"),
        ("Withdrawn", "dropout"),
    ],
)
def test_header_synonym_maps_to_contract_column(header, column):
    assert map_columns(["something else", header], CONTRACT) == {column: header}


def test_subject_header_is_used_as_patient_id():
    rows = [{("Subject" if k == "patient_id" else k): v for k, v in make_row("S-01").items()}]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert result.mapping["patient_id"] == "Subject"
    assert result.valid["patient_id"].tolist() == ["S-01"]


def test_first_matching_header_wins_and_a_later_synonym_is_kept_as_extra():
    rows = [{**make_row("P1"), "Subject": "other"}]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert result.mapping["patient_id"] == "patient_id"
    assert result.extra_columns == ["Subject"]
    assert result.valid.loc[0, "patient_id"] == "P1"
    assert result.valid.loc[0, "Subject"] == "other"


def test_explicit_mapping_overrides_guessing():
    rows = [{("Client ref" if k == "patient_id" else k): v for k, v in make_row("C-9").items()}]
    data = make_csv(rows)
    with pytest.raises(SchemaError, match="patient_id"):
        load_cohort(data, "upload.csv", CONTRACT)
    mapping = {c: c for c in HEADER} | {"patient_id": "Client ref"}
    result = accounted(load_cohort(data, "upload.csv", CONTRACT, mapping))
    assert result.valid["patient_id"].tolist() == ["C-9"]
    assert result.mapping["patient_id"] == "Client ref"


# ---------------------------------------------------------------- categories


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Phase II", "Phase II"),
        ("phase 2", "Phase II"),
        ("Phase ii", "Phase II"),
        ("II", "Phase II"),
        ("2", "Phase II"),
        ("PHASE-2", "Phase II"),
        ("P2", "Phase II"),
        ("III", "Phase III"),
        ("phase iii", "Phase III"),
        ("3", "Phase III"),
        ("Phase 1", "Phase I"),
        ("i", "Phase I"),
    ],
)
def test_trial_phase_spellings_are_normalised(raw, expected):
    result = accounted(load_cohort(make_csv([make_row("P1", trial_phase=raw)]), "upload.csv", CONTRACT))
    assert result.valid["trial_phase"].tolist() == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("m", "Male"),
        ("M", "Male"),
        ("male", "Male"),
        ("F", "Female"),
        ("female", "Female"),
        ("FEMALE", "Female"),
        ("other", "Other"),
    ],
)
def test_gender_spellings_are_normalised(raw, expected):
    result = accounted(load_cohort(make_csv([make_row("P1", gender=raw)]), "upload.csv", CONTRACT))
    assert result.valid["gender"].tolist() == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("placebo", "Placebo"),
        ("ACTIVE", "Active"),
        ("Control", "Control"),
        ("pbo", "Placebo"),
        ("standard of care", "Control"),
    ],
)
def test_treatment_group_spellings_are_normalised(raw, expected):
    result = accounted(load_cohort(make_csv([make_row("P1", treatment_group=raw)]), "upload.csv", CONTRACT))
    assert result.valid["treatment_group"].tolist() == [expected]


@pytest.mark.parametrize(
    ("column", "raw"),
    [
        ("gender", "x"),
        ("treatment_group", "Open label"),
    ],
)
def test_unknown_category_is_a_problem_naming_the_column_and_levels(column, raw):
    result = accounted(load_cohort(make_csv([make_row("P1"), make_row("P2", **{column: raw})]), "upload.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["P1"]
    assert problem_keys(result) == {(3, "P2", column)}
    problem = result.problems.iloc[0]
    assert problem["value"] == raw
    assert problem["reason"] == f"{column} must be one of {', '.join(CONTRACT.category_levels()[column])}"
