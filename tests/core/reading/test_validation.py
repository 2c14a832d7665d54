"""core.schema: row rules: categories, bad rows among good ones, optional columns, and every row accounted for.

Every file here is built in memory as bytes, the way an upload reaches load_cohort.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from core.reading.contract import CONTRACT, OUTCOME_COLUMN
from core.reading.validation import SOURCE_ROW, load_cohort
from tests.core.reading.files import CLEAN, HEADER, accounted, make_csv, make_row, problem_keys

# ---------------------------------------------------------------- bad rows among good ones


def test_bad_rows_are_reported_with_row_patient_column_and_reason():
    rows = [
        make_row("G1"),  # row 2
        make_row("DUP"),  # row 3
        make_row(""),  # row 4: empty id
        make_row("A17", age=17),  # row 5
        make_row("G2", age=18),  # row 6
        make_row("A101", age=101),  # row 7
        make_row("DUP"),  # row 8
        make_row("TXT", visits_completed="abc"),  # row 9
        make_row("DEC", adverse_events="3.5"),  # row 10
        make_row("CAT", treatment_group="Vitamins"),  # row 11
        make_row("LATE", days_in_trial=50, last_visit_day=51),  # row 12
        make_row("EMPTY", days_in_trial=""),  # row 13
        make_row("G3", age="60.0", days_in_trial=50, last_visit_day=50),  # row 14: 60.0 is a whole number
    ]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))

    expected = {
        (3, "DUP", "patient_id"): "patient_id appears more than once",
        (8, "DUP", "patient_id"): "patient_id appears more than once",
        (4, "", "patient_id"): "patient_id is empty",
        (5, "A17", "age"): "age must be between 18 and 100",
        (7, "A101", "age"): "age must be between 18 and 100",
        (9, "TXT", "visits_completed"): "visits_completed must be a whole number",
        (10, "DEC", "adverse_events"): "adverse_events must be a whole number",
        (11, "CAT", "treatment_group"): "treatment_group must be one of",
        (12, "LATE", "last_visit_day"): "last_visit_day is after days_in_trial",
        (13, "EMPTY", "days_in_trial"): "days_in_trial is empty",
    }
    assert problem_keys(result) == set(expected)
    for (row, pid, column), reason in expected.items():
        line = result.problems[(result.problems["row"] == row) & (result.problems["column"] == column)]
        assert len(line) == 1
        assert line["patient_id"].iloc[0] == pid
        assert reason in line["reason"].iloc[0]
        assert column in line["reason"].iloc[0]  # the reason names the column on its own
    values = {(r, c): v for r, c, v in result.problems[["row", "column", "value"]].itertuples(index=False)}
    assert values[(9, "visits_completed")] == "abc"
    assert values[(10, "adverse_events")] == "3.5"
    assert values[(5, "age")] == "17"
    assert values[(12, "last_visit_day")] == "51"
    assert values[(13, "days_in_trial")] == ""

    assert result.valid["patient_id"].tolist() == ["G1", "G2", "G3"]
    assert result.valid[SOURCE_ROW].tolist() == [2, 6, 14]
    assert result.valid["age"].tolist() == [45, 18, 60]
    assert result.n_read == 13
    assert result.n_invalid_rows == 10
    assert result.problems["row"].is_monotonic_increasing


def test_every_occurrence_of_a_duplicated_id_is_listed():
    rows = [make_row("P1"), make_row("X"), make_row("P2"), make_row(" X "), make_row("X"), make_row("x")]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    duplicates = result.problems[result.problems["column"] == "patient_id"]
    assert duplicates["row"].tolist() == [3, 5, 6]  # " X " is X once trimmed; "x" is a different id
    assert result.valid["patient_id"].tolist() == ["P1", "P2", "x"]


def test_several_empty_ids_are_not_reported_as_duplicates():
    result = accounted(load_cohort(make_csv([make_row(""), make_row("P1"), make_row("  ")]), "upload.csv", CONTRACT))
    assert result.problems["reason"].tolist() == ["patient_id is empty", "patient_id is empty"]
    assert result.problems["row"].tolist() == [2, 4]


@pytest.mark.parametrize(("age", "ok"), [(17, False), (18, True), (100, True), (101, False), (0, False), (-45, False)])
def test_age_must_be_between_18_and_100(age, ok):
    result = accounted(load_cohort(make_csv([make_row("P1", age=age)]), "upload.csv", CONTRACT))
    assert len(result.valid) == int(ok)
    assert problem_keys(result) == (set() if ok else {(2, "P1", "age")})


@pytest.mark.parametrize(
    ("column", "raw", "reason"),
    [
        ("visits_completed", "abc", "visits_completed must be a whole number"),
        ("visits_completed", "3.5", "visits_completed must be a whole number"),
        ("visits_completed", "", "visits_completed is empty"),
        ("visits_completed", "   ", "visits_completed is empty"),
        ("visits_completed", "-1", "visits_completed must be 0 or more"),
        ("adverse_events", "two", "adverse_events must be a whole number"),
        ("days_in_trial", "0", "days_in_trial must be between 1 and 2000"),
        ("days_in_trial", "2001", "days_in_trial must be between 1 and 2000"),
        ("visits_completed", "inf", "visits_completed must be a whole number"),
        ("visits_completed", "-inf", "visits_completed must be a whole number"),
        ("visits_completed", "nan", "visits_completed must be a whole number"),
        ("adverse_events", "99999999999999999999", "adverse_events must be a whole number"),
        ("adverse_events", "1e30", "adverse_events must be a whole number"),
    ],
)
def test_bad_integer_cell_is_a_problem_with_a_clear_reason(column, raw, reason):
    result = accounted(
        load_cohort(make_csv([make_row("OK"), make_row("BAD", **{column: raw})]), "upload.csv", CONTRACT)
    )
    assert result.valid["patient_id"].tolist() == ["OK"]
    problem = result.problems[result.problems["column"] == column]
    assert problem["row"].tolist() == [3]
    assert problem["patient_id"].tolist() == ["BAD"]
    assert problem["reason"].tolist() == [reason]
    assert problem["value"].tolist() == [raw]


@pytest.mark.parametrize("raw", ["12", " 12 ", "12.0", "+12", "1.2e1"])
def test_whole_numbers_written_differently_are_accepted(raw):
    result = accounted(load_cohort(make_csv([make_row("P1", visits_completed=raw)]), "upload.csv", CONTRACT))
    assert result.valid["visits_completed"].tolist() == [12]
    assert result.valid["visits_completed"].dtype == np.int64


@pytest.mark.parametrize(("days", "last", "ok"), [(50, 50, True), (50, 0, True), (50, 51, False), (1, 2, False)])
def test_last_visit_day_cannot_be_after_days_in_trial(days, last, ok):
    result = accounted(
        load_cohort(make_csv([make_row("P1", days_in_trial=days, last_visit_day=last)]), "upload.csv", CONTRACT)
    )
    assert len(result.valid) == int(ok)
    assert problem_keys(result) == (set() if ok else {(2, "P1", "last_visit_day")})


def test_last_visit_check_is_skipped_when_days_in_trial_is_unreadable():
    result = accounted(
        load_cohort(make_csv([make_row("P1", days_in_trial="soon", last_visit_day=5)]), "upload.csv", CONTRACT)
    )
    assert problem_keys(result) == {(2, "P1", "days_in_trial")}


def test_row_with_two_problems_gets_two_lines_but_counts_once():
    rows = [make_row("P1"), make_row("P2", age=17, gender="?"), make_row("P3")]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert len(result.problems) == 2
    assert result.problems["row"].tolist() == [3, 3]
    assert sorted(result.problems["column"]) == ["age", "gender"]
    assert result.n_invalid_rows == 1
    assert result.n_read == 3
    assert result.valid["patient_id"].tolist() == ["P1", "P3"]


def test_a_row_can_fail_range_and_last_visit_checks_on_the_same_column():
    result = accounted(
        load_cohort(make_csv([make_row("P1", days_in_trial=100, last_visit_day=2001)]), "upload.csv", CONTRACT)
    )
    reasons = result.problems[result.problems["column"] == "last_visit_day"]["reason"].tolist()
    assert len(reasons) == 2
    assert any("between 0 and 2000" in r for r in reasons)
    assert any("after days_in_trial" in r for r in reasons)
    assert result.n_invalid_rows == 1


# ---------------------------------------------------------------- extra and optional columns


def test_extra_columns_are_kept_untouched_and_listed():
    rows = [
        {"Notes": "called, no answer", **make_row("P1"), "Zip": "01234", "Score": "3.50"},
        {"Notes": "", **make_row("P2", age=17), "Zip": "99999", "Score": "x"},
        {"Notes": "  spaced  ", **make_row("P3"), "Zip": "00000", "Score": "1e3"},
    ]
    data = make_csv([{k: (f'"{v}"' if "," in v else v) for k, v in row.items()} for row in rows])
    result = accounted(load_cohort(data, "upload.csv", CONTRACT))
    assert result.extra_columns == ["Notes", "Zip", "Score"]
    assert result.valid["patient_id"].tolist() == ["P1", "P3"]
    assert result.valid["Notes"].tolist() == ["called, no answer", "  spaced  "]
    assert result.valid["Zip"].tolist() == ["01234", "00000"]
    assert result.valid["Score"].tolist() == ["3.50", "1e3"]
    assert not set(result.extra_columns) & set(result.mapping)


def test_site_id_is_mapped_not_extra_and_empty_site_becomes_unknown():
    rows = [{**make_row("P1"), "Site": "S01"}, {**make_row("P2"), "Site": ""}]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert result.mapping["site_id"] == "Site"
    assert result.extra_columns == []
    assert result.valid["site_id"].tolist() == ["S01", "Unknown"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("0", 0), ("yes", 1), ("No", 0), ("Y", 1), ("n", 0), ("TRUE", 1), ("false", 0), ("1.0", 1), (" 0 ", 0)],
)
def test_dropout_values_are_read_as_0_or_1(raw, expected):
    result = accounted(load_cohort(make_csv([{**make_row("P1"), "dropout": raw}]), "upload.csv", CONTRACT))
    assert result.has_outcome is True
    assert result.valid[OUTCOME_COLUMN].tolist() == [expected]
    assert str(result.valid[OUTCOME_COLUMN].dtype) == "Int64"


def test_empty_dropout_is_missing_and_the_row_stays_valid():
    rows = [{**make_row("P1"), "dropout": "1"}, {**make_row("P2"), "dropout": ""}, {**make_row("P3"), "dropout": "0"}]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert result.has_outcome is True
    assert result.problems.empty
    assert result.valid[OUTCOME_COLUMN].isna().tolist() == [False, True, False]
    assert result.valid[OUTCOME_COLUMN].sum() == 1


def test_dropout_missing_from_the_end_of_a_short_row_is_missing_not_a_problem():
    header = HEADER + ["dropout"]
    text = (
        ",".join(header) + "\n" + ",".join(make_row("P1").values()) + ",1\n" + ",".join(make_row("P2").values()) + "\n"
    )
    result = accounted(load_cohort(text.encode(), "upload.csv", CONTRACT))
    assert result.problems.empty
    assert result.valid[OUTCOME_COLUMN].isna().tolist() == [False, True]


@pytest.mark.parametrize("raw", ["maybe", "2", "-1", "0.5"])
def test_invalid_dropout_value_is_a_problem(raw):
    rows = [{**make_row("P1"), "dropout": "0"}, {**make_row("P2"), "dropout": raw}]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert problem_keys(result) == {(3, "P2", "dropout")}
    assert result.problems.loc[0, "value"] == raw
    assert "dropout must be 0/1 or yes/no" in result.problems.loc[0, "reason"]
    assert result.valid["patient_id"].tolist() == ["P1"]


def test_dropout_header_synonym_is_mapped():
    rows = [{**make_row("P1"), "Withdrawn": "yes"}]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert result.mapping[OUTCOME_COLUMN] == "Withdrawn"
    assert result.valid[OUTCOME_COLUMN].tolist() == [1]


def test_has_outcome_is_false_without_a_dropout_column():
    result = load_cohort(make_csv(CLEAN), "upload.csv", CONTRACT)
    assert result.has_outcome is False
    assert OUTCOME_COLUMN not in result.valid.columns


# ---------------------------------------------------------------- scale


def test_twenty_thousand_rows_are_all_accounted_for():
    n = 20_000
    rng = np.random.default_rng(42)
    days = rng.integers(1, 2001, n)
    frame = pd.DataFrame(
        {
            "Subject": [f"S{i:06d}" for i in range(n)],
            "Age": rng.integers(18, 101, n),
            "Sex": rng.choice(["M", "F", "female", "Other"], n),
            "Arm": rng.choice(["placebo", "ACTIVE", "Control"], n),
            "Phase": rng.choice(["phase 2", "III", "Phase I", "2"], n),
            "Days in trial": days,
            "Visits": rng.integers(0, 30, n),
            "Last visit": (days * rng.random(n)).astype(int),
            "AE count": rng.poisson(1.0, n),
            "dropout": rng.choice(["0", "1", ""], n),
            "note": rng.choice(["", "ok", "called, twice"], n),
        }
    )
    frame = frame.astype(str)
    # Known bad rows at known positions (position i is spreadsheet row i + 2).
    too_young = np.arange(5, n, 997)
    frame.loc[too_young, "Age"] = "17"
    not_number = np.arange(11, n, 1_499)
    frame.loc[not_number, "AE count"] = "abc"
    frame.loc[not_number[:3], "Age"] = "101"  # three rows with two problems each
    frame.loc[[100, 19_999], "Subject"] = "S000007"  # duplicates row 7 (position 7)
    bad_positions = set(too_young) | set(not_number) | {7, 100, 19_999}

    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, sep=";", lineterminator="\r\n")
    result = accounted(load_cohort(buffer.getvalue().encode("utf-8-sig"), "big.csv", CONTRACT))

    assert result.n_read == n
    assert result.n_invalid_rows == len(bad_positions)
    assert len(result.valid) == n - len(bad_positions)
    assert set(result.problems["row"]) == {p + 2 for p in bad_positions}
    assert len(result.problems) == len(too_young) + len(not_number) + 3 + 3
    assert (result.problems["field"] == "patient_id").sum() == 3
    assert set(result.problems["column"]) == {"Subject", "Age", "AE count"}  # named as the file heads them
    assert result.valid[SOURCE_ROW].is_monotonic_increasing
    assert result.valid["age"].between(18, 100).all()
    assert result.valid["trial_phase"].notna().all()
    assert result.valid["gender"].notna().all()
    assert (result.valid["last_visit_day"] <= result.valid["days_in_trial"]).all()
    kept = frame.drop(index=sorted(bad_positions)).reset_index(drop=True)
    assert result.valid["patient_id"].tolist() == kept["Subject"].tolist()
    assert result.valid["note"].tolist() == kept["note"].tolist()
    assert int(result.valid[OUTCOME_COLUMN].isna().sum()) == int((kept["dropout"] == "").sum())
