"""core.schema: reading messy exports, mapping headers, and accounting for every row.

Every file here is built in memory as bytes, the way an upload reaches load_cohort.
"""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from core.config import CATEGORY_LEVELS, INTEGER_COLUMNS, OUTCOME_COLUMN, REQUIRED_COLUMNS
from core.schema import (
    PROBLEM_COLUMNS,
    SOURCE_ROW,
    SchemaError,
    ValidationResult,
    load_cohort,
    map_columns,
    read_table,
)

HEADER = list(REQUIRED_COLUMNS)
FRIENDLY = {
    "patient_id": "Patient ID",
    "age": "Age",
    "gender": "Sex",
    "treatment_group": "Arm",
    "trial_phase": "Phase",
    "days_in_trial": "Days in study",
    "visits_completed": "Visits",
    "last_visit_day": "Last visit",
    "adverse_events": "AE count",
}


def _row(pid: str, **overrides: object) -> dict[str, str]:
    """One patient as cells of text; a valid row unless overridden."""
    row = {
        "patient_id": pid,
        "age": "45",
        "gender": "Male",
        "treatment_group": "Active",
        "trial_phase": "Phase II",
        "days_in_trial": "100",
        "visits_completed": "4",
        "last_visit_day": "90",
        "adverse_events": "0",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def _csv(
    rows: list[dict[str, str]],
    header: list[str] | None = None,
    sep: str = ",",
    newline: str = "\n",
    encoding: str = "utf-8",
) -> bytes:
    """CSV bytes; ``header`` lists the keys of each row in order (renamed via FRIENDLY-style dicts elsewhere)."""
    header = header or list(rows[0])
    lines = [sep.join(header)] + [sep.join(row.get(c, "") for c in header) for row in rows]
    return (newline.join(lines) + newline).encode(encoding)


def _xlsx(rows: list[list[object]]) -> bytes:
    """An .xlsx workbook holding ``rows`` (first row = header); Python numbers are stored as numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _accounted(result: ValidationResult) -> ValidationResult:
    """Every row read is either valid or has problems, never both."""
    valid_rows = set(result.valid[SOURCE_ROW])
    bad_rows = set(result.problems["row"])
    assert result.n_read == len(result.valid) + result.n_invalid_rows
    assert not valid_rows & bad_rows
    assert len(valid_rows) == len(result.valid)  # source rows are unique
    assert list(result.problems.columns) == PROBLEM_COLUMNS
    return result


def _problems(result: ValidationResult) -> set[tuple[int, str, str]]:
    return {(int(r), str(p), str(c)) for r, p, c in result.problems[["row", "patient_id", "column"]].itertuples(index=False)}


CLEAN = [
    _row("007", age=18, gender="Female", treatment_group="Placebo", trial_phase="Phase I", days_in_trial=1, visits_completed=0, last_visit_day=0),
    _row("P-002", age=100, gender="Other", treatment_group="Control", trial_phase="Phase III", days_in_trial=2000, last_visit_day=2000, adverse_events=7),
    _row("P-003"),
]


# ---------------------------------------------------------------- clean files


def test_clean_csv_gives_typed_valid_rows_with_spreadsheet_row_numbers():
    result = _accounted(load_cohort(_csv(CLEAN), "cohort.csv"))

    assert result.n_read == 3
    assert len(result.valid) == 3
    assert result.n_invalid_rows == 0
    assert result.problems.empty
    assert result.valid[SOURCE_ROW].tolist() == [2, 3, 4]  # header is row 1
    assert result.valid["patient_id"].tolist() == ["007", "P-002", "P-003"]  # ids stay text: leading zeros kept
    for column in INTEGER_COLUMNS:
        assert result.valid[column].dtype == np.int64, column
    assert result.valid["age"].tolist() == [18, 100, 45]
    assert result.valid["days_in_trial"].tolist() == [1, 2000, 100]
    assert result.valid["last_visit_day"].tolist() == [0, 2000, 90]
    for column, levels in CATEGORY_LEVELS.items():
        assert isinstance(result.valid[column].dtype, pd.CategoricalDtype), column
        assert list(result.valid[column].cat.categories) == list(levels)
    assert result.valid["gender"].tolist() == ["Female", "Other", "Male"]
    assert result.valid["treatment_group"].tolist() == ["Placebo", "Control", "Active"]
    assert result.valid["trial_phase"].tolist() == ["Phase I", "Phase III", "Phase II"]
    assert result.mapping == {c: c for c in HEADER}
    assert result.extra_columns == []
    assert result.has_outcome is False


def test_problems_table_is_empty_but_well_formed_when_every_row_is_valid():
    result = load_cohort(_csv(CLEAN))
    assert list(result.problems.columns) == PROBLEM_COLUMNS
    assert len(result.problems) == 0
    assert result.n_invalid_rows == 0


def test_whitespace_around_cells_is_ignored():
    rows = [_row(" P1 ", age=" 45 ", gender=" m ", treatment_group=" active", trial_phase="ii ", adverse_events=" 2")]
    result = _accounted(load_cohort(_csv(rows)))
    assert len(result.valid) == 1
    record = result.valid.iloc[0]
    assert record["patient_id"] == "P1"
    assert (record["age"], record["adverse_events"]) == (45, 2)
    assert (record["gender"], record["treatment_group"], record["trial_phase"]) == ("Male", "Active", "Phase II")


# ---------------------------------------------------------------- encodings, delimiters, Excel


def test_excel_csv_with_bom_semicolons_and_crlf_reads_like_a_plain_csv():
    plain = load_cohort(_csv(CLEAN))
    data = b"\xef\xbb\xbf" + _csv(CLEAN, sep=";", newline="\r\n")
    result = _accounted(load_cohort(data, "export.csv"))

    assert list(result.valid.columns) == list(plain.valid.columns)  # BOM not glued to "patient_id"
    assert result.mapping["patient_id"] == "patient_id"
    pd.testing.assert_frame_equal(result.valid, plain.valid)


def test_tab_delimited_file_is_read():
    rows = [{FRIENDLY[k]: v for k, v in row.items()} for row in CLEAN]
    result = _accounted(load_cohort(_csv(rows, sep="\t"), "export.txt"))
    assert len(result.valid) == 3
    assert result.valid["age"].tolist() == [18, 100, 45]
    assert result.mapping["patient_id"] == "Patient ID"


def test_pipe_delimited_file_is_read():
    result = _accounted(load_cohort(_csv(CLEAN, sep="|")))
    assert result.valid["patient_id"].tolist() == ["007", "P-002", "P-003"]


@pytest.mark.parametrize(
    ("encoding", "pid", "note"),
    [
        ("latin-1", "PAT-é01", "Hôpital Montréal"),
        ("cp1252", "PAT-é01", "Coût 12 € – visite"),  # "€" and "–" exist only in cp1252, not Latin-1
    ],
)
def test_latin1_and_cp1252_text_is_decoded(encoding, pid, note):
    rows = [{**_row(pid), "note": note}, {**_row("PAT-2"), "note": "ok"}]
    data = _csv(rows, encoding=encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really is not UTF-8
    result = _accounted(load_cohort(data, "export.csv"))
    assert result.valid["patient_id"].tolist() == [pid, "PAT-2"]
    assert result.valid["note"].tolist() == [note, "ok"]


def test_utf8_accents_are_kept():
    result = load_cohort(_csv([{**_row("PAT-ñ1"), "note": "Zürich ✓"}]))
    assert result.valid.loc[0, "patient_id"] == "PAT-ñ1"
    assert result.valid.loc[0, "note"] == "Zürich ✓"


def test_xlsx_with_numbers_stored_as_numbers():
    data = _xlsx(
        [
            [FRIENDLY[c] for c in HEADER] + ["dropout"],
            ["P1", 45, "m", "placebo", 2, 100, 4, 90, 0, 1],
            ["P2", 45.0, "F", "ACTIVE", "III", 100.0, 4.0, 90.0, 0.0, 0.0],
            ["P3", 3.5, "F", "Control", "Phase I", 100, 4, 90, 0, None],
            [1004, 60, "female", "Active", 3, 10, 1, 5, 2, True],
        ]
    )
    result = _accounted(load_cohort(data, "cohort.xlsx"))

    assert result.valid["patient_id"].tolist() == ["P1", "P2", "1004"]
    assert result.valid["age"].tolist() == [45, 45, 60]
    assert result.valid["age"].dtype == np.int64
    assert result.valid["days_in_trial"].tolist() == [100, 100, 10]
    assert result.valid["trial_phase"].tolist() == ["Phase II", "Phase III", "Phase III"]
    assert result.valid["gender"].tolist() == ["Male", "Female", "Female"]
    assert result.valid["treatment_group"].tolist() == ["Placebo", "Active", "Active"]
    assert result.valid[OUTCOME_COLUMN].tolist() == [1, 0, 1]
    assert _problems(result) == {(4, "P3", "age")}
    assert result.problems.loc[0, "value"] == "3.5"
    assert "age must be a whole number" in result.problems.loc[0, "reason"]


def test_xlsx_written_by_pandas_is_read():
    frame = pd.DataFrame([{**_row("P1"), "age": 45}, {**_row("P2"), "age": 45.0}, {**_row("P3"), "age": 101}])
    frame["age"] = frame["age"].astype(float)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    result = _accounted(load_cohort(buffer.getvalue(), "cohort.xlsx"))
    assert result.valid["patient_id"].tolist() == ["P1", "P2"]
    assert result.valid["age"].tolist() == [45, 45]
    assert _problems(result) == {(4, "P3", "age")}


def test_xlsx_is_recognised_by_its_content_whatever_the_file_name():
    data = _xlsx([HEADER, list(_row("P1").values())])
    result = _accounted(load_cohort(data, "upload.csv"))
    assert result.valid["patient_id"].tolist() == ["P1"]


def test_xlsx_empty_cells_are_empty_not_nan():
    data = _xlsx(
        [
            HEADER + ["dropout", "note"],
            ["P1", 45, "M", "Active", "II", 100, 4, 90, 0, None, None],
            ["P2", 45, "M", "Active", "II", 100, None, 90, 0, 1, "x"],
        ]
    )
    result = _accounted(load_cohort(data, "cohort.xlsx"))
    assert result.valid["patient_id"].tolist() == ["P1"]
    assert result.valid[OUTCOME_COLUMN].isna().tolist() == [True]
    assert result.valid["note"].tolist() == [""]
    assert _problems(result) == {(3, "P2", "visits_completed")}
    assert result.problems.loc[0, "reason"] == "visits_completed is empty"


# ---------------------------------------------------------------- headers


def test_friendly_headers_are_mapped_and_the_mapping_is_reported():
    rows = [{FRIENDLY[k]: v for k, v in row.items()} for row in CLEAN]
    result = _accounted(load_cohort(_csv(rows)))
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
    assert map_columns(["something else", header]) == {column: header}


def test_subject_header_is_used_as_patient_id():
    rows = [{("Subject" if k == "patient_id" else k): v for k, v in _row("S-01").items()}]
    result = _accounted(load_cohort(_csv(rows)))
    assert result.mapping["patient_id"] == "Subject"
    assert result.valid["patient_id"].tolist() == ["S-01"]


def test_first_matching_header_wins_and_a_later_synonym_is_kept_as_extra():
    rows = [{**_row("P1"), "Subject": "other"}]
    result = _accounted(load_cohort(_csv(rows)))
    assert result.mapping["patient_id"] == "patient_id"
    assert result.extra_columns == ["Subject"]
    assert result.valid.loc[0, "patient_id"] == "P1"
    assert result.valid.loc[0, "Subject"] == "other"


def test_explicit_mapping_overrides_guessing():
    rows = [{("Client ref" if k == "patient_id" else k): v for k, v in _row("C-9").items()}]
    data = _csv(rows)
    with pytest.raises(SchemaError, match="patient_id"):
        load_cohort(data)
    mapping = {c: c for c in HEADER} | {"patient_id": "Client ref"}
    result = _accounted(load_cohort(data, mapping=mapping))
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
    result = _accounted(load_cohort(_csv([_row("P1", trial_phase=raw)])))
    assert result.valid["trial_phase"].tolist() == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("m", "Male"), ("M", "Male"), ("male", "Male"), ("F", "Female"), ("female", "Female"), ("FEMALE", "Female"), ("other", "Other")],
)
def test_gender_spellings_are_normalised(raw, expected):
    result = _accounted(load_cohort(_csv([_row("P1", gender=raw)])))
    assert result.valid["gender"].tolist() == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("placebo", "Placebo"), ("ACTIVE", "Active"), ("Control", "Control"), ("pbo", "Placebo"), ("standard of care", "Control")],
)
def test_treatment_group_spellings_are_normalised(raw, expected):
    result = _accounted(load_cohort(_csv([_row("P1", treatment_group=raw)])))
    assert result.valid["treatment_group"].tolist() == [expected]


@pytest.mark.parametrize(
    ("column", "raw"),
    [("trial_phase", "Phase 4"), ("trial_phase", "IV"), ("gender", "x"), ("treatment_group", "Open label"), ("gender", "")],
)
def test_unknown_category_is_a_problem_naming_the_column_and_levels(column, raw):
    result = _accounted(load_cohort(_csv([_row("P1"), _row("P2", **{column: raw})])))
    assert result.valid["patient_id"].tolist() == ["P1"]
    assert _problems(result) == {(3, "P2", column)}
    problem = result.problems.iloc[0]
    assert problem["value"] == raw
    assert problem["reason"] == f"{column} must be one of {', '.join(CATEGORY_LEVELS[column])}"


# ---------------------------------------------------------------- bad rows among good ones


def test_bad_rows_are_reported_with_row_patient_column_and_reason():
    rows = [
        _row("G1"),  # row 2
        _row("DUP"),  # row 3
        _row(""),  # row 4: empty id
        _row("A17", age=17),  # row 5
        _row("G2", age=18),  # row 6
        _row("A101", age=101),  # row 7
        _row("DUP"),  # row 8
        _row("TXT", visits_completed="abc"),  # row 9
        _row("DEC", adverse_events="3.5"),  # row 10
        _row("CAT", treatment_group="Vitamins"),  # row 11
        _row("LATE", days_in_trial=50, last_visit_day=51),  # row 12
        _row("EMPTY", days_in_trial=""),  # row 13
        _row("G3", age="60.0", days_in_trial=50, last_visit_day=50),  # row 14: 60.0 is a whole number
    ]
    result = _accounted(load_cohort(_csv(rows)))

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
    assert _problems(result) == set(expected)
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
    rows = [_row("P1"), _row("X"), _row("P2"), _row(" X "), _row("X"), _row("x")]
    result = _accounted(load_cohort(_csv(rows)))
    duplicates = result.problems[result.problems["column"] == "patient_id"]
    assert duplicates["row"].tolist() == [3, 5, 6]  # " X " is X once trimmed; "x" is a different id
    assert result.valid["patient_id"].tolist() == ["P1", "P2", "x"]


def test_several_empty_ids_are_not_reported_as_duplicates():
    result = _accounted(load_cohort(_csv([_row(""), _row("P1"), _row("  ")])))
    assert result.problems["reason"].tolist() == ["patient_id is empty", "patient_id is empty"]
    assert result.problems["row"].tolist() == [2, 4]


@pytest.mark.parametrize(("age", "ok"), [(17, False), (18, True), (100, True), (101, False), (0, False), (-45, False)])
def test_age_must_be_between_18_and_100(age, ok):
    result = _accounted(load_cohort(_csv([_row("P1", age=age)])))
    assert len(result.valid) == int(ok)
    assert _problems(result) == (set() if ok else {(2, "P1", "age")})


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
    result = _accounted(load_cohort(_csv([_row("OK"), _row("BAD", **{column: raw})])))
    assert result.valid["patient_id"].tolist() == ["OK"]
    problem = result.problems[result.problems["column"] == column]
    assert problem["row"].tolist() == [3]
    assert problem["patient_id"].tolist() == ["BAD"]
    assert problem["reason"].tolist() == [reason]
    assert problem["value"].tolist() == [raw]


@pytest.mark.parametrize("raw", ["12", " 12 ", "12.0", "+12", "1.2e1"])
def test_whole_numbers_written_differently_are_accepted(raw):
    result = _accounted(load_cohort(_csv([_row("P1", visits_completed=raw)])))
    assert result.valid["visits_completed"].tolist() == [12]
    assert result.valid["visits_completed"].dtype == np.int64


@pytest.mark.parametrize(("days", "last", "ok"), [(50, 50, True), (50, 0, True), (50, 51, False), (1, 2, False)])
def test_last_visit_day_cannot_be_after_days_in_trial(days, last, ok):
    result = _accounted(load_cohort(_csv([_row("P1", days_in_trial=days, last_visit_day=last)])))
    assert len(result.valid) == int(ok)
    assert _problems(result) == (set() if ok else {(2, "P1", "last_visit_day")})


def test_last_visit_check_is_skipped_when_days_in_trial_is_unreadable():
    result = _accounted(load_cohort(_csv([_row("P1", days_in_trial="soon", last_visit_day=5)])))
    assert _problems(result) == {(2, "P1", "days_in_trial")}


def test_row_with_two_problems_gets_two_lines_but_counts_once():
    rows = [_row("P1"), _row("P2", age=17, gender="?"), _row("P3")]
    result = _accounted(load_cohort(_csv(rows)))
    assert len(result.problems) == 2
    assert result.problems["row"].tolist() == [3, 3]
    assert sorted(result.problems["column"]) == ["age", "gender"]
    assert result.n_invalid_rows == 1
    assert result.n_read == 3
    assert result.valid["patient_id"].tolist() == ["P1", "P3"]


def test_a_row_can_fail_range_and_last_visit_checks_on_the_same_column():
    result = _accounted(load_cohort(_csv([_row("P1", days_in_trial=100, last_visit_day=2001)])))
    reasons = result.problems[result.problems["column"] == "last_visit_day"]["reason"].tolist()
    assert len(reasons) == 2
    assert any("between 0 and 2000" in r for r in reasons)
    assert any("after days_in_trial" in r for r in reasons)
    assert result.n_invalid_rows == 1


# ---------------------------------------------------------------- extra and optional columns


def test_extra_columns_are_kept_untouched_and_listed():
    rows = [
        {"Notes": "called, no answer", **_row("P1"), "Zip": "01234", "Score": "3.50"},
        {"Notes": "", **_row("P2", age=17), "Zip": "99999", "Score": "x"},
        {"Notes": "  spaced  ", **_row("P3"), "Zip": "00000", "Score": "1e3"},
    ]
    data = _csv([{k: (f'"{v}"' if "," in v else v) for k, v in row.items()} for row in rows])
    result = _accounted(load_cohort(data))
    assert result.extra_columns == ["Notes", "Zip", "Score"]
    assert result.valid["patient_id"].tolist() == ["P1", "P3"]
    assert result.valid["Notes"].tolist() == ["called, no answer", "  spaced  "]
    assert result.valid["Zip"].tolist() == ["01234", "00000"]
    assert result.valid["Score"].tolist() == ["3.50", "1e3"]
    assert not set(result.extra_columns) & set(result.mapping)


def test_site_id_is_mapped_not_extra_and_empty_site_becomes_unknown():
    rows = [{**_row("P1"), "Site": "S01"}, {**_row("P2"), "Site": ""}]
    result = _accounted(load_cohort(_csv(rows)))
    assert result.mapping["site_id"] == "Site"
    assert result.extra_columns == []
    assert result.valid["site_id"].tolist() == ["S01", "Unknown"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("0", 0), ("yes", 1), ("No", 0), ("Y", 1), ("n", 0), ("TRUE", 1), ("false", 0), ("1.0", 1), (" 0 ", 0)],
)
def test_dropout_values_are_read_as_0_or_1(raw, expected):
    result = _accounted(load_cohort(_csv([{**_row("P1"), "dropout": raw}])))
    assert result.has_outcome is True
    assert result.valid[OUTCOME_COLUMN].tolist() == [expected]
    assert str(result.valid[OUTCOME_COLUMN].dtype) == "Int64"


def test_empty_dropout_is_missing_and_the_row_stays_valid():
    rows = [{**_row("P1"), "dropout": "1"}, {**_row("P2"), "dropout": ""}, {**_row("P3"), "dropout": "0"}]
    result = _accounted(load_cohort(_csv(rows)))
    assert result.has_outcome is True
    assert result.problems.empty
    assert result.valid[OUTCOME_COLUMN].isna().tolist() == [False, True, False]
    assert result.valid[OUTCOME_COLUMN].sum() == 1


def test_dropout_missing_from_the_end_of_a_short_row_is_missing_not_a_problem():
    header = HEADER + ["dropout"]
    text = ",".join(header) + "\n" + ",".join(_row("P1").values()) + ",1\n" + ",".join(_row("P2").values()) + "\n"
    result = _accounted(load_cohort(text.encode()))
    assert result.problems.empty
    assert result.valid[OUTCOME_COLUMN].isna().tolist() == [False, True]


@pytest.mark.parametrize("raw", ["maybe", "2", "-1", "0.5"])
def test_invalid_dropout_value_is_a_problem(raw):
    rows = [{**_row("P1"), "dropout": "0"}, {**_row("P2"), "dropout": raw}]
    result = _accounted(load_cohort(_csv(rows)))
    assert _problems(result) == {(3, "P2", "dropout")}
    assert result.problems.loc[0, "value"] == raw
    assert "dropout must be 0/1 or yes/no" in result.problems.loc[0, "reason"]
    assert result.valid["patient_id"].tolist() == ["P1"]


def test_dropout_header_synonym_is_mapped():
    rows = [{**_row("P1"), "Withdrawn": "yes"}]
    result = _accounted(load_cohort(_csv(rows)))
    assert result.mapping[OUTCOME_COLUMN] == "Withdrawn"
    assert result.valid[OUTCOME_COLUMN].tolist() == [1]


def test_has_outcome_is_false_without_a_dropout_column():
    result = load_cohort(_csv(CLEAN))
    assert result.has_outcome is False
    assert OUTCOME_COLUMN not in result.valid.columns


# ---------------------------------------------------------------- layout quirks and row numbers


def test_blank_lines_are_skipped_but_later_rows_keep_their_spreadsheet_numbers():
    lines = [",".join(HEADER), ",".join(_row("P1").values()), "", ",".join(_row("P2", age=17).values()), "", ""]
    result = _accounted(load_cohort("\n".join(lines).encode()))
    assert result.n_read == 2
    assert result.valid[SOURCE_ROW].tolist() == [2]
    assert _problems(result) == {(4, "P2", "age")}  # a spreadsheet shows P2 on row 4


def test_rows_of_empty_cells_are_skipped_not_reported():
    lines = [",".join(HEADER), ",,,,,,,,", ",".join(_row("P1").values()), " , ,,,,,,,", ",".join(_row("P2", age=101).values()), ",,,,,,,,"]
    result = _accounted(load_cohort(("\r\n".join(lines) + "\r\n").encode()))
    assert result.n_read == 2
    assert result.valid[SOURCE_ROW].tolist() == [3]
    assert _problems(result) == {(5, "P2", "age")}


def test_xlsx_blank_rows_are_skipped_but_later_rows_keep_their_numbers():
    data = _xlsx([HEADER, list(_row("P1").values()), [None] * 9, list(_row("P2", age=17).values())])
    result = _accounted(load_cohort(data, "cohort.xlsx"))
    assert result.n_read == 2
    assert result.valid[SOURCE_ROW].tolist() == [2]
    assert _problems(result) == {(4, "P2", "age")}


def test_a_row_with_only_an_extra_cell_filled_is_still_reported():
    rows = [{**_row("P1"), "note": ""}, {**{c: "" for c in HEADER}, "note": "left the study?"}]
    result = _accounted(load_cohort(_csv(rows)))
    assert result.n_read == 2
    assert result.n_invalid_rows == 1
    assert set(result.problems["row"]) == {3}
    assert len(result.problems) == 9  # every required cell is empty or unknown


def test_blank_lines_before_the_header_are_ignored():
    data = b"\r\n\r\n" + _csv(CLEAN, sep=";", newline="\r\n")
    result = _accounted(load_cohort(data))
    assert result.valid["patient_id"].tolist() == ["007", "P-002", "P-003"]


def test_quoted_cell_with_a_line_break_is_one_row():
    text = ",".join(HEADER + ["note"]) + "\n"
    text += ",".join(_row("P1").values()) + ',"first line\nsecond line"\n'
    text += ",".join(_row("P2", age=17).values()) + ",x\n"
    result = _accounted(load_cohort(text.encode()))
    assert result.valid["note"].tolist() == ["first line\nsecond line"]
    assert _problems(result) == {(3, "P2", "age")}  # a spreadsheet shows one row per record


@pytest.mark.filterwarnings("ignore:Length of header")  # pandas notes it drops the empty last cell
def test_trailing_delimiter_on_data_rows_does_not_shift_columns():
    text = ",".join(HEADER) + "\n" + "".join(",".join(_row(p).values()) + ",\n" for p in ("P1", "P2"))
    result = _accounted(load_cohort(text.encode()))
    assert result.problems.empty
    assert result.valid["patient_id"].tolist() == ["P1", "P2"]
    assert result.valid["age"].tolist() == [45, 45]


def test_trailing_delimiter_on_every_line_gives_an_unnamed_extra_column():
    data = _csv(CLEAN, sep=";", newline=";\r\n")
    result = _accounted(load_cohort(data))
    assert len(result.valid) == 3
    assert len(result.extra_columns) == 1


def test_read_table_returns_strings_with_stripped_headers():
    frame = read_table(b" patient_id , Age \nP1,045\n", "x.csv")
    assert list(frame.columns) == ["patient_id", "Age"]
    assert frame["Age"].tolist() == ["045"]


# ---------------------------------------------------------------- unusable files


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"   \r\n\t\n  ", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),  # Excel "CSV UTF-8" of an empty sheet
        (b"\xef\xbb\xbf\r\n", "is empty"),
        ((",".join(HEADER) + "\n").encode(), "header row but no patients"),
        ((";".join(HEADER) + "\r\n\r\n").encode(), "header row but no patients"),
        ((",".join(HEADER) + "\n,,,,,,,,\n\n").encode(), "header row but no patients"),
    ],
)
def test_empty_files_raise_schema_error(data, message):
    with pytest.raises(SchemaError, match=message) as caught:
        load_cohort(data, "cohort.csv")
    assert "cohort.csv" in str(caught.value)


def test_header_only_xlsx_raises_schema_error():
    with pytest.raises(SchemaError, match="header row but no patients"):
        load_cohort(_xlsx([HEADER]), "cohort.xlsx")


@pytest.mark.parametrize("missing", ["patient_id", "age", "trial_phase", "last_visit_day", "adverse_events"])
def test_missing_required_column_is_named(missing):
    header = [c for c in HEADER if c != missing]
    with pytest.raises(SchemaError, match=f"missing required column\\(s\\): {missing}\\.") as caught:
        load_cohort(_csv([_row("P1")], header=header), "cohort.csv")
    message = str(caught.value)
    assert '"age"' in message or missing == "age"  # it lists the columns it did find
    assert "cohort.csv" in message


def test_several_missing_columns_are_all_named():
    with pytest.raises(SchemaError) as caught:
        load_cohort(b"Name,Age\nAnn,45\n")
    message = str(caught.value)
    for column in ("patient_id", "gender", "treatment_group", "trial_phase", "days_in_trial", "adverse_events"):
        assert column in message
    assert '"Name", "Age"' in message


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91h6"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PNG, "photo.png"),
        (PNG, "cohort.csv"),
        (b"patient_id,age\x00\x00\x00\x01\x02", "cohort.csv"),
        (np.random.default_rng(0).bytes(4096), "cohort.csv"),
        ("patient_id,age\n".encode("utf-16"), "cohort.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "cohort.xls"),  # old binary Excel
    ],
)
def test_binary_file_raises_schema_error(data, name):
    with pytest.raises(SchemaError, match="not a text or Excel file") as caught:
        load_cohort(data, name)
    assert name in str(caught.value)


def test_random_bytes_without_nuls_still_raise_schema_error():
    rng = np.random.default_rng(1)
    data = bytes(b for b in rng.bytes(3000) if b)
    with pytest.raises(SchemaError):
        load_cohort(data, "cohort.csv")


@pytest.mark.parametrize("name", ["cohort.xlsx", "cohort.csv", "upload"])
def test_corrupt_xlsx_raises_schema_error(name):
    data = b"PK\x03\x04" + np.random.default_rng(2).bytes(2000)
    with pytest.raises(SchemaError, match="looks like an Excel file but could not be opened") as caught:
        load_cohort(data, name)
    assert name in str(caught.value)


def test_truncated_xlsx_raises_schema_error():
    data = _xlsx([HEADER, list(_row("P1").values())])
    with pytest.raises(SchemaError, match="could not be opened"):
        load_cohort(data[: len(data) // 2], "cohort.xlsx")


def test_csv_named_xlsx_raises_schema_error():
    with pytest.raises(SchemaError, match="could not be opened"):
        load_cohort(_csv(CLEAN), "cohort.xlsx")


def test_row_with_too_many_cells_raises_schema_error_naming_the_line():
    text = ",".join(HEADER) + "\n" + ",".join(_row("P1").values()) + "\n" + ",".join(_row("P2").values()) + ",x,y\n"
    with pytest.raises(SchemaError, match="could not be read as a table") as caught:
        load_cohort(text.encode(), "cohort.csv")
    assert "line 3" in str(caught.value)


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
    result = _accounted(load_cohort(buffer.getvalue().encode("utf-8-sig"), "big.csv"))

    assert result.n_read == n
    assert result.n_invalid_rows == len(bad_positions)
    assert len(result.valid) == n - len(bad_positions)
    assert set(result.problems["row"]) == {p + 2 for p in bad_positions}
    assert len(result.problems) == len(too_young) + len(not_number) + 3 + 3
    assert (result.problems["column"] == "patient_id").sum() == 3
    assert result.valid[SOURCE_ROW].is_monotonic_increasing
    assert result.valid["age"].between(18, 100).all()
    assert result.valid["trial_phase"].notna().all()
    assert result.valid["gender"].notna().all()
    assert (result.valid["last_visit_day"] <= result.valid["days_in_trial"]).all()
    kept = frame.drop(index=sorted(bad_positions)).reset_index(drop=True)
    assert result.valid["patient_id"].tolist() == kept["Subject"].tolist()
    assert result.valid["note"].tolist() == kept["note"].tolist()
    assert int(result.valid[OUTCOME_COLUMN].isna().sum()) == int((kept["dropout"] == "").sum())
