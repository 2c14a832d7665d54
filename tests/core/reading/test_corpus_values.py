"""Cohort files as coordinators have them: values. Phase spellings (combined phases are refused, sub-phases
are their phase), numbers with decimal commas and thousands separators in the file's own convention,
malformed numbers reported rather than guessed.

Every file is built in memory as bytes, the way an upload reaches load_cohort.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.reading import numbers
from core.reading.contract import CONTRACT, Field
from core.reading.validation import load_cohort
from tests.core.reading.files import HEADER, accounted, make_csv, make_row, make_xlsx, problem_keys

PHASE_LEVELS = "Phase I, Phase II, Phase III"


def _phase(raw: str):
    return accounted(load_cohort(make_csv([make_row("OK"), make_row("P", trial_phase=raw)]), "phase.csv", CONTRACT))


# ---------------------------------------------------------------- phases


@pytest.mark.parametrize("raw", ["Phase I/II", "Phase 2/3", "I-II", "Phase II/III", "1/2", "Phase 1b/2", "Phase I II"])
def test_a_combined_phase_is_not_recorded_and_never_another_phase(raw):
    result = _phase(raw)
    assert result.valid["patient_id"].tolist() == ["OK", "P"] and result.problems.empty
    assert result.valid["trial_phase"].isna().tolist() == [False, True]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Phase 2", "Phase II"),
        ("II", "Phase II"),
        ("phase ii", "Phase II"),
        ("P2", "Phase II"),
        ("Phase II ", "Phase II"),
        ("PHASE-2", "Phase II"),
        # Sub-phases belong to their phase (see core.reading.contract): IIa/IIb are Phase II trials.
        ("Phase IIb", "Phase II"),
        ("2a", "Phase II"),
        ("Phase IIa", "Phase II"),
        ("Phase Ib", "Phase I"),
        ("IIIb", "Phase III"),
        ("III", "Phase III"),
    ],
)
def test_phase_spellings_that_mean_one_phase(raw, expected):
    result = _phase(raw)
    assert result.problems.empty
    assert result.valid["trial_phase"].tolist() == ["Phase II", expected]


@pytest.mark.parametrize("raw", ["Phase IV", "Phase 0", "IIc", "pilot", "Phase 2/3", "II/III", "N/A"])
def test_other_phases_are_not_recorded_never_problems(raw):
    result = _phase(raw)
    assert result.problems.empty
    assert result.valid["trial_phase"].isna().tolist() == [False, True]


def test_combined_arms_are_combined_values():
    result = accounted(load_cohort(make_csv([make_row("P", treatment_group="Active/Placebo")]), "arm.csv", CONTRACT))
    assert result.problems.loc[0, "reason"] == (
        'treatment_group "Active/Placebo" is a combined value; use one of Active, Control, Placebo'
    )


# ---------------------------------------------------------------- numbers in the file's convention

BMI = Field("bmi", "number", "Body mass index", "kg/m².", required=False, low=10, high=80)
WITH_BMI = CONTRACT.adding(BMI)


def _eu(**cells: str):
    rows = [make_row("P1", **cells)]
    return accounted(load_cohort(make_csv(rows, sep=";"), "eu.csv", WITH_BMI))


@pytest.mark.parametrize(
    ("raw", "days"),
    [("1.000", 1000), ("1 000", 1000), ("1\u00a0000", 1000), ("1\u202f000", 1000), ("1.500", 1500), ("999", 999)],
)
def test_a_semicolon_file_reads_points_and_spaces_as_thousands(raw, days):
    result = _eu(days_in_trial=raw, last_visit_day="90")
    assert result.problems.empty
    assert result.valid["days_in_trial"].tolist() == [days]


@pytest.mark.parametrize(("raw", "bmi"), [("18,4", 18.4), ("22", 22.0), ("1.0,5", None), (" 24,75 ", 24.75)])
def test_a_semicolon_file_reads_commas_as_decimal_marks(raw, bmi):
    result = _eu(bmi=raw)
    if bmi is None:
        assert problem_keys(result) == {(2, "P1", "bmi")}
    else:
        assert result.valid["bmi"].tolist() == [pytest.approx(bmi)]


@pytest.mark.parametrize("sep", [",", "\t"])
@pytest.mark.parametrize(("raw", "days"), [("1,000", 1000), ("1 000", 1000), ("1,500.0", 1500), ("120", 120)])
def test_comma_and_tab_files_read_commas_and_spaces_as_thousands(sep, raw, days):
    cell = f'"{raw}"' if sep in raw else raw  # a comma file quotes a cell holding a comma
    rows = [make_row("P1", days_in_trial=cell, last_visit_day="90")]
    result = accounted(load_cohort(make_csv(rows, sep=sep), "us.csv", CONTRACT))
    assert result.problems.empty
    assert result.valid["days_in_trial"].tolist() == [days]


@pytest.mark.parametrize(
    ("sep", "raw"),
    [
        (",", "1.2.3"),
        (",", '"12,34,5"'),
        (",", '"18,4"'),
        (";", "1.2.3"),
        (";", "12,34,5"),
        (";", "100.5"),
        ("\t", "1,00"),
    ],
)
def test_malformed_numbers_are_problems_that_explain_the_convention(sep, raw):
    rows = [make_row("OK"), make_row("BAD", days_in_trial=raw)]
    result = accounted(load_cohort(make_csv(rows, sep=sep), "bad.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["OK"]
    assert problem_keys(result) == {(3, "BAD", "days_in_trial")}
    reason = result.problems.loc[0, "reason"]
    assert reason.startswith("days_in_trial is not a number as written: this file writes decimals with a")
    assert ("comma" if sep == ";" else "point") in reason.split("decimals with a")[1][:7]


@pytest.mark.parametrize(("sep", "raw"), [(",", "3.5"), (";", "3,5"), (",", '"1,000.5"')])
def test_whole_number_fields_still_reject_real_decimals(sep, raw):
    result = accounted(load_cohort(make_csv([make_row("P", visits_completed=raw)], sep=sep), "dec.csv", CONTRACT))
    assert result.problems["reason"].tolist() == ["visits_completed must be a whole number"]


def test_xlsx_text_cells_use_the_decimal_point_convention():
    data = make_xlsx(
        [
            HEADER,
            ["P1", 45, "F", "Active", "II", "1,000", 4, "1 000", 0],
            ["P2", 45, "F", "Active", "II", "1.2.3", 4, 9, 0],
        ]
    )
    result = accounted(load_cohort(data, "us.xlsx", CONTRACT))
    assert result.valid["days_in_trial"].tolist() == [1000]
    assert result.valid["last_visit_day"].tolist() == [1000]
    assert problem_keys(result) == {(3, "P2", "days_in_trial")}


def test_numbers_are_parsed_once_per_distinct_cell(monkeypatch):
    seen: list[int] = []
    original = numbers._parse_distinct
    monkeypatch.setattr(
        numbers, "_parse_distinct", lambda cells, decimal: seen.append(len(cells)) or original(cells, decimal)
    )
    rows = [make_row(f"P{i}", days_in_trial=("1.000" if i % 2 else "2.000"), last_visit_day="90") for i in range(500)]
    result = accounted(load_cohort(make_csv(rows, sep=";"), "many.csv", CONTRACT))
    assert result.valid["days_in_trial"].value_counts().to_dict() == {1000: 250, 2000: 250}
    assert max(seen) <= 2  # each numeric column holds one or two distinct values here
    assert result.valid["days_in_trial"].dtype == np.int64
