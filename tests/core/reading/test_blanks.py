"""Blank cells the model can do without (age, gender, adverse events): not problems, carried as missing.

Every file is built in memory as bytes, the way an upload reaches load_cohort.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.reading.blanks import missing_inputs
from core.reading.contract import CONTRACT
from core.reading.errors import SchemaError
from core.reading.validation import load_cohort
from tests.core.reading.files import HEADER, accounted, make_csv, make_row, problem_keys


def test_the_contract_lets_age_gender_and_adverse_events_be_blank():
    assert {spec.name for spec in CONTRACT if spec.may_be_blank} == {"age", "gender", "adverse_events", "trial_phase"}


def test_blank_cells_in_such_fields_are_missing_values_not_problems_or_zeros():
    rows = [
        make_row("FULL"),
        make_row("NO-AGE", age=""),
        make_row("NO-SEX", gender="  "),
        make_row("NO-AE", adverse_events=""),
        make_row("NONE", age="", gender="", adverse_events=" "),
    ]
    result = accounted(load_cohort(make_csv(rows), "blanks.csv", CONTRACT))
    assert result.problems.empty and len(result.valid) == 5
    valid = result.valid.set_index("patient_id")
    assert valid["age"].dtype == np.float64  # NaN needs a float column
    assert valid["age"].isna().tolist() == [False, True, False, False, True]
    assert valid.loc["FULL", "age"] == 45 and valid.loc["NO-SEX", "age"] == 45
    assert valid["gender"].isna().tolist() == [False, False, True, False, True]
    assert isinstance(valid["gender"].dtype, pd.CategoricalDtype)
    assert valid["adverse_events"].isna().tolist() == [False, False, False, True, True]
    assert not (valid.loc[["NO-AE", "NONE"], "adverse_events"] == 0).any()  # missing, never read as zero


def test_a_complete_column_keeps_its_whole_number_type():
    result = load_cohort(make_csv([make_row("P1"), make_row("P2", gender="")]), "some.csv", CONTRACT)
    assert result.valid["age"].dtype == np.int64 and result.valid["adverse_events"].dtype == np.int64


def test_bad_values_in_such_fields_are_still_problems():
    rows = [make_row("P1", age="17"), make_row("P2", gender="x"), make_row("P3", adverse_events="-1")]
    result = accounted(load_cohort(make_csv(rows), "bad.csv", CONTRACT))
    assert problem_keys(result) == {(2, "P1", "age"), (3, "P2", "gender"), (4, "P3", "adverse_events")}


@pytest.mark.parametrize("field", ["days_in_trial", "visits_completed", "last_visit_day", "treatment_group"])
def test_other_required_fields_may_not_be_blank(field):
    result = accounted(load_cohort(make_csv([make_row("P1", **{field: ""})]), "blank.csv", CONTRACT))
    assert problem_keys(result) == {(2, "P1", field)}
    assert result.problems.loc[0, "reason"].startswith(f"{field} is empty")


@pytest.mark.parametrize("field", ["age", "gender", "adverse_events"])
def test_the_column_itself_must_still_be_present(field):
    header = [c for c in HEADER if c != field]
    with pytest.raises(SchemaError, match=f"missing required column\\(s\\): {field}"):
        load_cohort(make_csv([make_row("P1")], header=header), "no_column.csv", CONTRACT)


def test_missing_inputs_names_the_blank_fields_of_each_row_by_label():
    rows = [make_row("A"), make_row("B", age=""), make_row("C", age="", adverse_events=""), make_row("D", gender="")]
    valid = load_cohort(make_csv(rows), "blanks.csv", CONTRACT).valid
    missing = missing_inputs(valid, CONTRACT)
    assert missing.index.equals(valid.index)
    assert missing.tolist() == ["", "Age (years)", "Age (years), Adverse events", "Gender"]


def test_missing_inputs_of_a_complete_cohort_is_all_empty():
    valid = load_cohort(make_csv([make_row("A"), make_row("B")]), "full.csv", CONTRACT).valid
    assert missing_inputs(valid, CONTRACT).tolist() == ["", ""]
