"""core.history.three_tables: recognising the tables, forgiving headers and spellings, and every row accounted for."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from core.history.three_tables import read_three_tables, table_by_headers, table_by_name
from core.history.validation import AmbiguousDatesError
from core.reading.errors import SchemaError
from tests.core.history.conftest import csv

SUBJECTS = csv(
    """
    Subject ID,Site,Age,Sex,Arm,Phase,Enrollment date,Status,End date
    P1,S1,50,F,Placebo,Phase 3,2024-01-01,completed,2024-06-01
    P2,S1,61,M,Active,Phase 3,2024-01-10,Lost to follow-up,2024-03-01
    P3,S2,70,F,Active,Phase 3,2024-02-01,,
    """
)
VISITS = csv(
    """
    Subject ID,Visit date
    P1,2024-01-01
    P1,2024-01-15
    P2,2024-01-10
    P3,2024-02-01
    """
)
EVENTS = csv(
    """
    Subject ID,Onset date,Serious,Severity
    P1,2024-01-05,N,Mild
    P2,2024-01-20,Y,Grade 3
    """
)


def _accounted(history):
    for table in history.report.tables:
        assert table.accounted, table.summary()
    return history


def test_three_files_named_by_their_tables_are_read_whole():
    history = _accounted(read_three_tables({"subjects.csv": SUBJECTS, "visits.csv": VISITS, "ae.csv": EVENTS}))
    subjects = history.subjects.set_index("patient_id")
    assert subjects["status"].to_dict() == {"P1": "completed", "P2": "withdrawn", "P3": "ongoing"}
    assert subjects["phase"].unique().tolist() == ["Phase III"]
    assert subjects["gender"].tolist() == ["Female", "Male", "Female"]
    assert subjects.loc["P2", "end_date"] == pd.Timestamp("2024-03-01")
    assert pd.isna(subjects.loc["P3", "end_date"])
    assert len(history.visits) == 4 and history.visits["attended"].all()
    assert history.adverse_events[["serious", "severity"]].values.tolist() == [[False, "mild"], [True, "severe"]]
    assert history.report.problems.empty
    assert not history.missed_visits_listed


def _workbook(sheets: dict[str, bytes]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, data in sheets.items():
        sheet = book.create_sheet(name)
        for line in data.decode().strip().splitlines():
            sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_one_workbook_with_three_sheets_reads_like_three_files():
    workbook = _workbook({"Patients": SUBJECTS, "Visit log": VISITS, "Adverse events": EVENTS})
    from_book = _accounted(read_three_tables({"trial.xlsx": workbook}))
    from_files = read_three_tables({"subjects.csv": SUBJECTS, "visits.csv": VISITS, "ae.csv": EVENTS})
    pd.testing.assert_frame_equal(from_book.subjects, from_files.subjects)
    pd.testing.assert_frame_equal(from_book.visits, from_files.visits)
    assert from_book.report.tables[0].source == "trial.xlsx, sheet Patients"


def test_tables_with_neutral_names_are_recognised_by_their_headers():
    history = read_three_tables({"export1.csv": EVENTS, "export2.csv": VISITS, "export3.csv": SUBJECTS})
    assert [t.table for t in history.report.tables] == ["subjects", "visits", "adverse_events"]
    assert table_by_headers(["Patient", "Date", "Attended"]) == "visits"
    assert table_by_headers(["Patient", "Colour"]) is None


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("subjects", "subjects"),
        ("Patient list 2024", "subjects"),
        ("enrolment", "subjects"),
        ("DM", "subjects"),
        ("visits", "visits"),
        ("visit_log", "visits"),
        ("AE", "adverse_events"),
        ("patient adverse events", "adverse_events"),
        ("notes", None),
    ],
)
def test_file_and_sheet_names_say_which_table(name, table):
    assert table_by_name(name) == table


@pytest.mark.parametrize(
    ("spelling", "status"),
    [
        ("completed", "completed"),
        ("Complete", "completed"),
        ("FINISHED", "completed"),
        ("withdrawn", "withdrawn"),
        ("Withdrew", "withdrawn"),
        ("discontinued", "withdrawn"),
        ("Dropped out", "withdrawn"),
        ("lost to follow-up", "withdrawn"),
        ("Early termination", "withdrawn"),
        ("ADVERSE EVENT", "withdrawn"),
        ("Withdrawal by subject", "withdrawn"),
        ("physician decision", "withdrawn"),
        ("Death", "withdrawn"),
        ("ongoing", "ongoing"),
        ("Active", "ongoing"),
        ("on study", "ongoing"),
        ("Enrolled", "ongoing"),
        ("", "ongoing"),
    ],
)
def test_status_spellings(spelling, status):
    end = "" if status == "ongoing" else "2024-03-01"
    subjects = csv(
        f"patient,age,sex,arm,phase,enrolment date,status,end date\nP1,50,F,A,II,2024-01-01,{spelling},{end}"
    )
    history = read_three_tables({"subjects.csv": subjects, "visits.csv": csv("patient,date\nP1,2024-01-01")})
    assert history.subjects["status"].tolist() == [status]


def test_missed_visits_are_read_from_the_attended_column():
    visits = csv(
        """
        patient,date,attended
        P1,2024-01-01,yes
        P1,2024-01-15,missed
        P1,2024-01-29,
        P1,2024-02-12,No
        P1,2024-02-26,0
        """
    )
    subjects = csv("patient,age,sex,arm,phase,enrolment date\nP1,50,F,A,II,2024-01-01")
    history = read_three_tables({"subjects.csv": subjects, "visits.csv": visits})
    assert history.visits["attended"].tolist() == [True, False, True, False, False]
    assert history.missed_visits_listed


@pytest.mark.parametrize(
    "events", [None, b"", csv("patient,onset date,serious,severity")], ids=["absent", "empty file", "header only"]
)
def test_the_adverse_events_table_may_be_absent_or_empty(events):
    files = {"subjects.csv": SUBJECTS, "visits.csv": VISITS} | (
        {"adverse_events.csv": events} if events is not None else {}
    )
    history = _accounted(read_three_tables(files))
    assert history.adverse_events.empty and len(history.subjects) == 3


def test_bad_rows_are_reported_with_table_row_patient_header_value_and_reason_and_good_rows_kept():
    subjects = csv(
        """
        Subject ID,Age,Sex,Arm,Phase,Enrollment date,Status
        P1,50,F,Placebo,II,2024-01-01,
        P2,abc,F,Placebo,II,2024-01-01,
        P3,50,F,Placebo,II,2024-02-30,
        P4,50,F,Placebo,II,2024-01-01,on holiday
        P1,50,F,Placebo,II,2024-01-01,
        """
    )
    history = read_three_tables({"subjects.csv": subjects, "visits.csv": csv("Subject ID,Visit date")})
    report = history.report.table("subjects")
    assert (report.n_read, report.n_used, report.n_problem_rows) == (5, 0, 5)
    problems = {(p.row, p.patient_id, p.column): (p.value, p.reason) for p in report.problems.itertuples()}
    assert problems[(3, "P2", "Age")] == ("abc", "Age must be a whole number")
    assert problems[(4, "P3", "Enrollment date")][1].startswith("Enrollment date: there is no 30 February 2024")
    assert problems[(5, "P4", "Status")][1].startswith('Status "on holiday" is not a value I know')
    assert problems[(2, "P1", "Subject ID")][1] == "Subject ID appears more than once in the file"
    assert set(report.problems["table"]) == {"subjects"}


def test_ambiguous_dates_are_asked_about_and_the_answer_is_used():
    subjects = csv("patient,age,sex,arm,phase,enrolment date\nP1,50,F,A,II,02/01/2024\nP2,50,F,A,II,03/01/2024")
    visits = csv("patient,date\nP1,02/01/2024\nP2,04/01/2024")
    files = {"subjects.csv": subjects, "visits.csv": visits}
    with pytest.raises(AmbiguousDatesError) as raised:
        read_three_tables(files)
    assert [(source, header) for source, header, _ in raised.value.columns] == [
        ("subjects.csv", "enrolment date"),
        ("visits.csv", "date"),
    ]
    assert "02/01/2024" in str(raised.value)
    assert read_three_tables(files, day_first=True).subjects["enrolment_date"].iloc[1] == pd.Timestamp("2024-01-03")
    assert read_three_tables(files, day_first=False).subjects["enrolment_date"].iloc[1] == pd.Timestamp("2024-03-01")


def test_the_phase_is_optional_and_any_phase_is_read_one_the_models_do_not_know_as_not_recorded():
    subjects = csv("patient,age,sex,arm,enrolment date\nP1,50,F,A,2024-01-01")
    files = {"subjects.csv": subjects, "visits.csv": csv("patient,date")}
    assert read_three_tables(files).subjects["phase"].tolist() == [""]
    assert read_three_tables(files, phase="Phase II Trial").subjects["phase"].tolist() == ["Phase II"]
    assert read_three_tables(files, phase="Phase IV").subjects["phase"].tolist() == [""]


def test_missing_tables_and_columns_are_schema_errors_that_say_what_to_do():
    with pytest.raises(SchemaError, match="No visits table"):
        read_three_tables({"subjects.csv": SUBJECTS})
    with pytest.raises(SchemaError, match="look like the visits table"):
        read_three_tables({"subjects.csv": SUBJECTS, "visits.csv": VISITS, "visit log.csv": VISITS})
    with pytest.raises(SchemaError, match=r"no column for: Enrolment date \(enrolment_date\)"):
        read_three_tables({"subjects.csv": csv("patient,age,sex,arm,phase\nP1,50,F,A,II"), "visits.csv": VISITS})


def test_a_screen_failure_is_set_aside_with_their_rows_and_counted():
    subjects = SUBJECTS + b"P9,S1,55,F,Active,Phase 3,2024-01-01,Screen failure,\n"
    visits = VISITS + b"P9,2024-01-01\n"
    history = _accounted(read_three_tables({"subjects.csv": subjects, "visits.csv": visits}))
    assert "P9" not in set(history.subjects["patient_id"])
    assert history.report.screen_failures == 1
    assert history.report.table("visits").n_set_aside == 1
    assert history.report.problems.empty


def test_blank_lines_are_skipped_but_a_row_with_anything_in_it_is_accounted_for():
    visits = csv("patient,date,comment\nP1,2024-01-01,\n,,\n,,called twice\nP1,2024-01-15,")
    subjects = csv("patient,age,sex,arm,phase,enrolment date\nP1,50,F,A,II,2024-01-01")
    report = read_three_tables({"subjects.csv": subjects, "visits.csv": visits}).report.table("visits")
    assert (report.n_read, report.n_used, report.n_problem_rows) == (3, 2, 1)
    assert set(report.problems["row"]) == {4}  # row 3 is blank; row 4 has only a comment
