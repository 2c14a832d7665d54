"""core.schema: reading files (encodings, delimiters, Excel, layout quirks) and refusing unusable ones.

Every file here is built in memory as bytes, the way an upload reaches load_cohort.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from core.reading.contract import CONTRACT, OUTCOME_COLUMN
from core.reading.errors import SchemaError
from core.reading.rules import PROBLEM_COLUMNS
from core.reading.tables import read_table
from core.reading.validation import SOURCE_ROW, load_cohort
from tests.core.reading.files import CLEAN, FRIENDLY, HEADER, accounted, make_csv, make_row, make_xlsx, problem_keys

# ---------------------------------------------------------------- clean files


def test_clean_csv_gives_typed_valid_rows_with_spreadsheet_row_numbers():
    result = accounted(load_cohort(make_csv(CLEAN), "cohort.csv", CONTRACT))

    assert result.n_read == 3
    assert len(result.valid) == 3
    assert result.n_invalid_rows == 0
    assert result.problems.empty
    assert result.valid[SOURCE_ROW].tolist() == [2, 3, 4]  # header is row 1
    assert result.valid["patient_id"].tolist() == ["007", "P-002", "P-003"]  # ids stay text: leading zeros kept
    for column in [f.name for f in CONTRACT.of_kind("integer") if f.required]:
        assert result.valid[column].dtype == np.int64, column
    assert result.valid["age"].tolist() == [18, 100, 45]
    assert result.valid["days_in_trial"].tolist() == [1, 2000, 100]
    assert result.valid["last_visit_day"].tolist() == [0, 2000, 90]
    for column, levels in CONTRACT.category_levels().items():
        assert isinstance(result.valid[column].dtype, pd.CategoricalDtype), column
        assert list(result.valid[column].cat.categories) == list(levels)
    assert result.valid["gender"].tolist() == ["Female", "Other", "Male"]
    assert result.valid["treatment_group"].tolist() == ["Placebo", "Control", "Active"]
    assert result.valid["trial_phase"].tolist() == ["Phase I", "Phase III", "Phase II"]
    assert result.mapping == {c: c for c in HEADER}
    assert result.extra_columns == []
    assert result.has_outcome is False


def test_problems_table_is_empty_but_well_formed_when_every_row_is_valid():
    result = load_cohort(make_csv(CLEAN), "upload.csv", CONTRACT)
    assert list(result.problems.columns) == PROBLEM_COLUMNS
    assert len(result.problems) == 0
    assert result.n_invalid_rows == 0


def test_whitespace_around_cells_is_ignored():
    rows = [
        make_row(" P1 ", age=" 45 ", gender=" m ", treatment_group=" active", trial_phase="ii ", adverse_events=" 2")
    ]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert len(result.valid) == 1
    record = result.valid.iloc[0]
    assert record["patient_id"] == "P1"
    assert (record["age"], record["adverse_events"]) == (45, 2)
    assert (record["gender"], record["treatment_group"], record["trial_phase"]) == ("Male", "Active", "Phase II")


# ---------------------------------------------------------------- encodings, delimiters, Excel


def test_excel_csv_with_bom_semicolons_and_crlf_reads_like_a_plain_csv():
    plain = load_cohort(make_csv(CLEAN), "upload.csv", CONTRACT)
    data = b"\xef\xbb\xbf" + make_csv(CLEAN, sep=";", newline="\r\n")
    result = accounted(load_cohort(data, "export.csv", CONTRACT))

    assert list(result.valid.columns) == list(plain.valid.columns)  # BOM not glued to "patient_id"
    assert result.mapping["patient_id"] == "patient_id"
    pd.testing.assert_frame_equal(result.valid, plain.valid)


def test_tab_delimited_file_is_read():
    rows = [{FRIENDLY[k]: v for k, v in row.items()} for row in CLEAN]
    result = accounted(load_cohort(make_csv(rows, sep="\t"), "export.txt", CONTRACT))
    assert len(result.valid) == 3
    assert result.valid["age"].tolist() == [18, 100, 45]
    assert result.mapping["patient_id"] == "Patient ID"


def test_pipe_delimited_file_is_read():
    result = accounted(load_cohort(make_csv(CLEAN, sep="|"), "upload.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["007", "P-002", "P-003"]


@pytest.mark.parametrize(
    ("encoding", "pid", "note"),
    [
        ("latin-1", "PAT-é01", "Hôpital Montréal"),
        ("cp1252", "PAT-é01", "Coût 12 € – visite"),  # "€" and "–" exist only in cp1252, not Latin-1
    ],
)
def test_latin1_and_cp1252_text_is_decoded(encoding, pid, note):
    rows = [{**make_row(pid), "note": note}, {**make_row("PAT-2"), "note": "ok"}]
    data = make_csv(rows, encoding=encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really is not UTF-8
    result = accounted(load_cohort(data, "export.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == [pid, "PAT-2"]
    assert result.valid["note"].tolist() == [note, "ok"]


def test_utf8_accents_are_kept():
    result = load_cohort(make_csv([{**make_row("PAT-ñ1"), "note": "Zürich ✓"}]), "upload.csv", CONTRACT)
    assert result.valid.loc[0, "patient_id"] == "PAT-ñ1"
    assert result.valid.loc[0, "note"] == "Zürich ✓"


def test_xlsx_with_numbers_stored_as_numbers():
    data = make_xlsx(
        [
            [FRIENDLY[c] for c in HEADER] + ["dropout"],
            ["P1", 45, "m", "placebo", 2, 100, 4, 90, 0, 1],
            ["P2", 45.0, "F", "ACTIVE", "III", 100.0, 4.0, 90.0, 0.0, 0.0],
            ["P3", 3.5, "F", "Control", "Phase I", 100, 4, 90, 0, None],
            [1004, 60, "female", "Active", 3, 10, 1, 5, 2, True],
        ]
    )
    result = accounted(load_cohort(data, "cohort.xlsx", CONTRACT))

    assert result.valid["patient_id"].tolist() == ["P1", "P2", "1004"]
    assert result.valid["age"].tolist() == [45, 45, 60]
    assert result.valid["age"].dtype == np.int64
    assert result.valid["days_in_trial"].tolist() == [100, 100, 10]
    assert result.valid["trial_phase"].tolist() == ["Phase II", "Phase III", "Phase III"]
    assert result.valid["gender"].tolist() == ["Male", "Female", "Female"]
    assert result.valid["treatment_group"].tolist() == ["Placebo", "Active", "Active"]
    assert result.valid[OUTCOME_COLUMN].tolist() == [1, 0, 1]
    assert problem_keys(result) == {(4, "P3", "age")}
    assert result.problems.loc[0, "value"] == "3.5"
    assert result.problems.loc[0, "column"] == "Age"  # the user's own header
    assert "Age must be a whole number" in result.problems.loc[0, "reason"]


def test_xlsx_written_by_pandas_is_read():
    frame = pd.DataFrame(
        [{**make_row("P1"), "age": 45}, {**make_row("P2"), "age": 45.0}, {**make_row("P3"), "age": 101}]
    )
    frame["age"] = frame["age"].astype(float)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    result = accounted(load_cohort(buffer.getvalue(), "cohort.xlsx", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["P1", "P2"]
    assert result.valid["age"].tolist() == [45, 45]
    assert problem_keys(result) == {(4, "P3", "age")}


def test_xlsx_is_recognised_by_its_content_whatever_the_file_name():
    data = make_xlsx([HEADER, list(make_row("P1").values())])
    result = accounted(load_cohort(data, "upload.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["P1"]


def test_xlsx_empty_cells_are_empty_not_nan():
    data = make_xlsx(
        [
            HEADER + ["dropout", "note"],
            ["P1", 45, "M", "Active", "II", 100, 4, 90, 0, None, None],
            ["P2", 45, "M", "Active", "II", 100, None, 90, 0, 1, "x"],
        ]
    )
    result = accounted(load_cohort(data, "cohort.xlsx", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["P1"]
    assert result.valid[OUTCOME_COLUMN].isna().tolist() == [True]
    assert result.valid["note"].tolist() == [""]
    assert problem_keys(result) == {(3, "P2", "visits_completed")}
    assert result.problems.loc[0, "reason"] == "visits_completed is empty"
    assert result.problems.loc[0, "field"] == "visits_completed"


# ---------------------------------------------------------------- layout quirks and row numbers


def test_blank_lines_are_skipped_but_later_rows_keep_their_spreadsheet_numbers():
    lines = [",".join(HEADER), ",".join(make_row("P1").values()), "", ",".join(make_row("P2", age=17).values()), "", ""]
    result = accounted(load_cohort("\n".join(lines).encode(), "upload.csv", CONTRACT))
    assert result.n_read == 2
    assert result.valid[SOURCE_ROW].tolist() == [2]
    assert problem_keys(result) == {(4, "P2", "age")}  # a spreadsheet shows P2 on row 4


def test_rows_of_empty_cells_are_skipped_not_reported():
    lines = [
        ",".join(HEADER),
        ",,,,,,,,",
        ",".join(make_row("P1").values()),
        " , ,,,,,,,",
        ",".join(make_row("P2", age=101).values()),
        ",,,,,,,,",
    ]
    result = accounted(load_cohort(("\r\n".join(lines) + "\r\n").encode(), "upload.csv", CONTRACT))
    assert result.n_read == 2
    assert result.valid[SOURCE_ROW].tolist() == [3]
    assert problem_keys(result) == {(5, "P2", "age")}


def test_xlsx_blank_rows_are_skipped_but_later_rows_keep_their_numbers():
    data = make_xlsx([HEADER, list(make_row("P1").values()), [None] * 9, list(make_row("P2", age=17).values())])
    result = accounted(load_cohort(data, "cohort.xlsx", CONTRACT))
    assert result.n_read == 2
    assert result.valid[SOURCE_ROW].tolist() == [2]
    assert problem_keys(result) == {(4, "P2", "age")}


def test_a_row_with_only_an_extra_cell_filled_is_still_reported():
    rows = [{**make_row("P1"), "note": ""}, {**{c: "" for c in HEADER}, "note": "left the study?"}]
    result = accounted(load_cohort(make_csv(rows), "upload.csv", CONTRACT))
    assert result.n_read == 2
    assert result.n_invalid_rows == 1
    assert set(result.problems["row"]) == {3}
    # Every required cell is empty, but age, gender, adverse events and the phase may be blank.
    assert set(result.problems["field"]) == set(HEADER) - {"age", "gender", "adverse_events", "trial_phase"}


def test_blank_lines_before_the_header_are_ignored():
    data = b"\r\n\r\n" + make_csv(CLEAN, sep=";", newline="\r\n")
    result = accounted(load_cohort(data, "upload.csv", CONTRACT))
    assert result.valid["patient_id"].tolist() == ["007", "P-002", "P-003"]


def test_quoted_cell_with_a_line_break_is_one_row():
    text = ",".join(HEADER + ["note"]) + "\n"
    text += ",".join(make_row("P1").values()) + ',"first line\nsecond line"\n'
    text += ",".join(make_row("P2", age=17).values()) + ",x\n"
    result = accounted(load_cohort(text.encode(), "upload.csv", CONTRACT))
    assert result.valid["note"].tolist() == ["first line\nsecond line"]
    assert problem_keys(result) == {(3, "P2", "age")}  # a spreadsheet shows one row per record


@pytest.mark.filterwarnings("ignore:Length of header")  # pandas notes it drops the empty last cell
def test_trailing_delimiter_on_data_rows_does_not_shift_columns():
    text = ",".join(HEADER) + "\n" + "".join(",".join(make_row(p).values()) + ",\n" for p in ("P1", "P2"))
    result = accounted(load_cohort(text.encode(), "upload.csv", CONTRACT))
    assert result.problems.empty
    assert result.valid["patient_id"].tolist() == ["P1", "P2"]
    assert result.valid["age"].tolist() == [45, 45]


def test_trailing_delimiter_on_every_line_adds_no_column():
    data = make_csv(CLEAN, sep=";", newline=";\r\n")
    result = accounted(load_cohort(data, "upload.csv", CONTRACT))
    assert len(result.valid) == 3
    assert result.extra_columns == []  # a column with neither a header nor a value holds nothing to keep


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
        load_cohort(data, "cohort.csv", CONTRACT)
    assert "cohort.csv" in str(caught.value)


def test_header_only_xlsx_raises_schema_error():
    with pytest.raises(SchemaError, match="header row but no patients"):
        load_cohort(make_xlsx([HEADER]), "cohort.xlsx", CONTRACT)


@pytest.mark.parametrize("missing", ["patient_id", "age", "trial_phase", "last_visit_day", "adverse_events"])
def test_missing_required_column_is_named(missing):
    header = [c for c in HEADER if c != missing]
    spec = CONTRACT[missing]
    with pytest.raises(SchemaError) as caught:
        load_cohort(make_csv([make_row("P1")], header=header), "cohort.csv", CONTRACT)
    message = str(caught.value)
    assert f"missing required column(s): {missing} – {spec.label}." in message  # by its name and its label
    assert "Columns found: " + ", ".join(f'"{c}"' for c in header) in message  # the file's own headers
    assert "cohort.csv" in message and "upload again" in message


def test_several_missing_columns_are_all_named():
    with pytest.raises(SchemaError) as caught:
        load_cohort(b"Name,Age\nAnn,45\n", "upload.csv", CONTRACT)
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
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "cohort.xls"),  # old binary Excel
    ],
)
def test_binary_file_raises_schema_error(data, name):
    with pytest.raises(SchemaError, match="not a text or Excel file") as caught:
        load_cohort(data, name, CONTRACT)
    assert name in str(caught.value)


def test_random_bytes_without_nuls_still_raise_schema_error():
    rng = np.random.default_rng(1)
    data = bytes(b for b in rng.bytes(3000) if b)
    with pytest.raises(SchemaError):
        load_cohort(data, "cohort.csv", CONTRACT)


@pytest.mark.parametrize("name", ["cohort.xlsx", "cohort.csv", "upload"])
def test_corrupt_xlsx_raises_schema_error(name):
    data = b"PK\x03\x04" + np.random.default_rng(2).bytes(2000)
    with pytest.raises(SchemaError, match="looks like an Excel file but could not be opened") as caught:
        load_cohort(data, name, CONTRACT)
    assert name in str(caught.value)


def test_truncated_xlsx_raises_schema_error():
    data = make_xlsx([HEADER, list(make_row("P1").values())])
    with pytest.raises(SchemaError, match="could not be opened"):
        load_cohort(data[: len(data) // 2], "cohort.xlsx", CONTRACT)


def test_csv_named_xlsx_raises_schema_error():
    with pytest.raises(SchemaError, match="could not be opened"):
        load_cohort(make_csv(CLEAN), "cohort.xlsx", CONTRACT)
