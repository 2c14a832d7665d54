"""Cohort files as coordinators have them: headers. Specific spellings beat generic ones, ties are conflicts
(reported, the other column kept), repeated header names survive, and messages use the user's own headers.

Every file is built in memory as bytes, the way an upload reaches load_cohort.
"""

from __future__ import annotations

import pandas as pd
import pytest

from core.reading.contract import CONTRACT
from core.reading.errors import SchemaError
from core.reading.headers import HeaderConflict, map_columns, match_columns
from core.reading.validation import load_cohort
from tests.core.reading.files import HEADER, accounted, make_csv, make_row, problem_keys


def _renamed(rows: list[dict[str, str]], names: dict[str, str]) -> list[dict[str, str]]:
    return [{names.get(k, k): v for k, v in row.items()} for row in rows]


# ---------------------------------------------------------------- specific beats generic


@pytest.mark.parametrize("id_first", [True, False])
def test_a_row_number_column_headed_id_does_not_take_the_patient_ids(id_first):
    rows = []
    for i, pid in enumerate(["S-101", "S-102", "S-103"]):
        row = make_row(pid)
        rows.append({"ID": str(i + 1), **row} if id_first else {**row, "ID": str(i + 1)})
    result = accounted(load_cohort(make_csv(rows), "numbered.csv", CONTRACT))
    assert result.mapping["patient_id"] == "patient_id"
    assert result.valid["patient_id"].tolist() == ["S-101", "S-102", "S-103"]
    assert result.valid["ID"].tolist() == ["1", "2", "3"]  # kept as an extra column, never lost
    assert result.extra_columns == ["ID"]
    assert result.conflicts == []  # not a tie: the generic spelling simply loses


@pytest.mark.parametrize(
    ("field", "generic", "specific"),
    [
        ("patient_id", "ID", "Patient ID"),
        ("patient_id", "Subject", "Subject ID"),
        ("treatment_group", "Group", "Arm"),
        ("trial_phase", "Phase", "Trial phase"),
        ("days_in_trial", "Days", "Days in study"),
        ("visits_completed", "Visits", "Visits attended"),
        ("site_id", "Site", "Site number"),
        ("dropout", "Outcome", "Withdrawn"),
    ],
)
@pytest.mark.parametrize("generic_first", [True, False])
def test_the_more_specific_header_wins_whatever_the_order(field, generic, specific, generic_first):
    headers = ["other", generic, specific] if generic_first else ["other", specific, generic]
    match = match_columns(headers, CONTRACT)
    assert match.mapping == {field: specific}
    assert match.conflicts == ()


@pytest.mark.parametrize(
    ("generic", "field"), [("ID", "patient_id"), ("Days", "days_in_trial"), ("Group", "treatment_group")]
)
def test_a_generic_header_alone_is_still_used(generic, field):
    assert map_columns(["note", generic], CONTRACT) == {field: generic}


# ---------------------------------------------------------------- conflicts and repeated headers


@pytest.mark.parametrize(("first", "second"), [("Sex", "Gender"), ("Gender", "Sex")])
def test_sex_and_gender_are_a_reported_conflict_and_the_other_column_is_kept(first, second):
    rows = [{**_renamed([make_row("P1", gender="M")], {"gender": first})[0], second: "Female"}]
    result = accounted(load_cohort(make_csv(rows), "both.csv", CONTRACT))
    assert result.mapping["gender"] == first  # the leftmost of the equally good matches: deterministic
    assert result.conflicts == [HeaderConflict("gender", first, (second,))]
    assert result.valid["gender"].tolist() == ["Male"]
    assert result.valid[second].tolist() == ["Female"]  # the other column stays, as an extra
    assert second in result.extra_columns


def test_pandas_would_rename_a_repeated_header_and_the_reader_names_it_by_its_column_letter():
    text = ",".join([*HEADER, "age"]) + "\n" + ",".join(make_row("P1").values()) + ",46\n"
    import io

    assert pd.read_csv(io.StringIO(text)).columns[-1] == "age.1"  # what pandas itself does: the header is lost
    result = accounted(load_cohort(text.encode(), "twice.csv", CONTRACT))
    assert result.conflicts == [HeaderConflict("age", "age", ("age (column J)",))]
    assert result.valid["age"].tolist() == [45]  # the first age column is used
    assert result.valid["age (column J)"].tolist() == ["46"]
    assert result.extra_columns == ["age (column J)"]


def test_a_repeated_extra_header_keeps_both_columns():
    rows = [{**make_row("P1"), "Note": "first"}]
    text = make_csv(rows).decode().splitlines()
    text = [text[0] + ",Note", text[1] + ",second"]
    result = accounted(load_cohort(("\n".join(text) + "\n").encode(), "notes.csv", CONTRACT))
    assert result.extra_columns == ["Note", "Note (column K)"]
    assert result.valid[["Note", "Note (column K)"]].values.tolist() == [["first", "second"]]


def test_a_column_named_like_a_field_but_not_chosen_for_it_is_kept():
    rows = [{**make_row("P1", age=45), "Years": "52"}]
    mapping = {c: c for c in HEADER} | {"age": "Years"}
    result = accounted(load_cohort(make_csv(rows), "years.csv", CONTRACT, mapping))
    assert result.valid["age"].tolist() == [52]
    assert result.valid["age (column B)"].tolist() == ["45"]
    assert "age (column B)" in result.extra_columns


# ---------------------------------------------------------------- messages in the user's own words


USER_HEADERS = {
    "patient_id": "Subject ID",
    "age": "Age (years)",
    "gender": "Sex",
    "treatment_group": "Study arm",
    "trial_phase": "Study phase",
    "days_in_trial": "Days on study",
    "visits_completed": "Visits attended",
    "last_visit_day": "Last visit (study day)",
    "adverse_events": "AE count",
}


@pytest.mark.parametrize(
    ("field", "raw", "reason"),
    [
        ("visits_completed", "-1", "Visits attended must be 0 or more"),
        ("last_visit_day", "-5", "Last visit (study day) must be between 0 and 2000"),
        ("age", "abc", "Age (years) must be a whole number"),
        ("days_in_trial", "", "Days on study is empty"),
        ("treatment_group", "Vitamins", "Study arm must be one of Active, Control, Placebo"),
        ("patient_id", "", "Subject ID is empty"),
    ],
)
def test_problems_name_the_column_as_the_user_headed_it(field, raw, reason):
    rows = _renamed([make_row("OK"), make_row("BAD", **{field: raw})], USER_HEADERS)
    result = accounted(load_cohort(make_csv(rows), "week.csv", CONTRACT))
    problem = result.problems.iloc[0]
    assert len(result.problems) == 1
    assert (problem["column"], problem["field"], problem["reason"]) == (USER_HEADERS[field], field, reason)


def test_the_last_visit_rule_names_both_user_headers():
    rows = _renamed([make_row("P1", days_in_trial=50, last_visit_day=51)], USER_HEADERS)
    result = accounted(load_cohort(make_csv(rows), "week.csv", CONTRACT))
    assert result.problems["reason"].tolist() == [
        "Last visit (study day) is after Days on study (a visit cannot be in the future)"
    ]


def test_the_rejected_rows_keep_the_user_headers_and_cells():
    rows = _renamed([make_row("P1"), make_row("P2", age="17 ")], USER_HEADERS)
    result = accounted(load_cohort(make_csv(rows), "week.csv", CONTRACT))
    rejected = result.rejected
    assert rejected.columns.tolist() == ["row", "problems", *USER_HEADERS.values()]
    assert rejected.loc[0, "Age (years)"] == "17 "  # as written, spaces and all
    assert rejected.loc[0, "problems"] == "Age (years) must be between 18 and 100"


def test_a_missing_column_message_names_label_and_name_lists_headers_and_says_how_to_fix():
    rows = [{k: v for k, v in row.items() if k != "Study phase"} for row in _renamed([make_row("P1")], USER_HEADERS)]
    with pytest.raises(SchemaError) as caught:
        load_cohort(make_csv(rows), "week48.csv", CONTRACT)
    message = str(caught.value)
    assert "week48.csv is missing required column(s): trial_phase – Trial phase." in message
    assert '"Subject ID", "Age (years)", "Sex"' in message  # the file's headers, as written
    assert '"study phase"' in message and "upload again" in message  # what to call it, what to do


def test_a_chosen_header_that_is_not_in_the_file_counts_as_missing():
    mapping = {c: c for c in HEADER} | {"age": "Years"}
    with pytest.raises(SchemaError, match="missing required column\\(s\\): age – Age \\(years\\)"):
        load_cohort(make_csv([make_row("P1")]), "week.csv", CONTRACT, mapping)


def test_problem_keys_use_the_field_so_other_tests_are_independent_of_headers():
    rows = _renamed([make_row("P1", age=17)], USER_HEADERS)
    assert problem_keys(accounted(load_cohort(make_csv(rows), "week.csv", CONTRACT))) == {(2, "P1", "age")}
