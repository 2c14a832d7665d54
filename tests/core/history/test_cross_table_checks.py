"""core.history.checks: dates and patients that do not fit together across the tables each give their problem."""

from __future__ import annotations

import pytest

from core.history.three_tables import read_three_tables
from tests.core.history.conftest import csv

HEADER = "patient,age,sex,arm,phase,enrolment date,status,end date"
GOOD = "P1,50,F,A,II,2024-01-10,completed,2024-06-01"


def _read(subjects: list[str], visits: list[str] = (), events: list[str] = ()):
    files = {
        "subjects.csv": csv("\n".join([HEADER, GOOD, *subjects])),
        "visits.csv": csv("\n".join(["patient,visit date", "P1,2024-01-10", *visits])),
        "adverse events.csv": csv("\n".join(["patient,onset date", "P1,2024-01-12", *events])),
    }
    history = read_three_tables(files)
    assert all(t.accounted for t in history.report.tables)
    return history


def _only_problem(history, table: str):
    problems = history.report.problems
    assert len(problems) == 1, problems.to_string()
    problem = problems.iloc[0]
    assert problem["table"] == table
    return problem


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (
            "P2,50,F,A,II,2024-01-10,withdrawn,2024-01-09",
            "end date (2024-01-09) is before the enrolment date (2024-01-10)",
        ),
        ("P2,50,F,A,II,2024-01-10,ongoing,2024-03-01", "has an end date but is ongoing"),
        ("P2,50,F,A,II,2024-01-10,,2024-03-01", "has an end date but is ongoing"),
        ("P2,50,F,A,II,2024-01-10,completed,", "is completed but has no end date"),
        ("P2,50,F,A,II,2024-01-10,withdrew,", "is withdrawn but has no end date"),
    ],
)
def test_a_subject_whose_dates_do_not_fit_is_a_problem_and_the_others_are_kept(row, words):
    history = _read([row])
    problem = _only_problem(history, "subjects")
    assert (problem["row"], problem["patient_id"], problem["column"]) == (3, "P2", "end date")
    assert words in problem["reason"]
    assert history.subjects["patient_id"].tolist() == ["P1"]


def test_a_visit_of_an_unknown_patient():
    problem = _only_problem(_read([], visits=["P7,2024-02-01"]), "visits")
    assert (problem["row"], problem["patient_id"], problem["column"]) == (3, "P7", "patient")
    assert "not in the subjects table" in problem["reason"]


def test_an_adverse_event_of_an_unknown_patient():
    problem = _only_problem(_read([], events=["P7,2024-02-01"]), "adverse_events")
    assert "not in the subjects table" in problem["reason"]


def test_a_visit_before_enrolment():
    history = _read([], visits=["P1,2024-01-09"])
    problem = _only_problem(history, "visits")
    assert problem["column"] == "visit date" and problem["value"] == "2024-01-09"
    assert "before this patient's enrolment (2024-01-10)" in problem["reason"]
    assert len(history.visits) == 1


def test_an_adverse_event_before_enrolment():
    problem = _only_problem(_read([], events=["P1,2023-12-31"]), "adverse_events")
    assert problem["column"] == "onset date"
    assert "before this patient's enrolment" in problem["reason"]


def test_the_events_of_a_subject_with_a_problem_say_where_to_look():
    history = _read(["P2,50,F,A,II,2024-01-10,completed,"], visits=["P2,2024-01-10"], events=["P2,2024-01-11"])
    problems = history.report.problems.set_index("table")
    assert set(problems.index) == {"subjects", "visits", "adverse_events"}
    assert "subjects table has a problem" in problems.loc["visits", "reason"]
    assert "subjects table has a problem" in problems.loc["adverse_events", "reason"]


def test_an_event_on_the_enrolment_day_and_after_the_end_is_no_problem():
    history = _read([], visits=["P1,2024-06-02"], events=["P1,2024-01-10"])
    assert history.report.problems.empty
