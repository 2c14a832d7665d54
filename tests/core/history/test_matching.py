"""History column matching and values as systems write them: headers of CTMS/EDC exports, the user's own
matching, statuses, attendance, any phase, partial tables."""

from __future__ import annotations

import io
import textwrap

import pandas as pd
import pytest

from core.history.contracts import ADVERSE_EVENTS_CONTRACT, HISTORY, SUBJECTS_CONTRACT, VISITS_CONTRACT, read_phase
from core.history.matching import match_table
from core.history.reader import read_history
from core.history.statuses import read_status
from core.reading.contract import normalise_header
from core.reading.errors import SchemaError


def csv(text: str) -> bytes:
    return textwrap.dedent(text).strip().encode() + b"\n"


def xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


EXPORT_SUBJECTS = csv(
    """
    record_id,Centre Number,Age at Consent,Sex,Treatment Arm,enrol_date,Subject Status,Ended on,Notes
    P1,S1,54,F,Drug,07-Mar-2016,Completed Study,2016-06-01,
    P2,S1,61,M,Placebo,2016-03-08,Lost to Follow-Up,2016-04-01,moved
    P3,S2,47,M,Drug,2016-03-09,On Study,,
    P4,S2,39,F,Placebo,2016-03-10,Screen Failed,,
    """
)
EXPORT_VISITS = csv(
    """
    Subject Number,Visit,Visit Date,Visit Status
    P1,Week 1,2016-03-14,Completed
    P2,Week 1,2016-03-15,Missed
    P3,Week 1,2016-03-16,completed
    """
)


@pytest.mark.parametrize(
    ("contract", "header", "field"),
    [
        (SUBJECTS_CONTRACT, "Subject Number", "patient_id"),
        (SUBJECTS_CONTRACT, "Participant ID", "patient_id"),
        (SUBJECTS_CONTRACT, "record_id", "patient_id"),
        (SUBJECTS_CONTRACT, "Age at Consent", "age"),
        (SUBJECTS_CONTRACT, "Age (years)", "age"),
        (SUBJECTS_CONTRACT, "Sex", "gender"),
        (SUBJECTS_CONTRACT, "Treatment Arm", "arm"),
        (SUBJECTS_CONTRACT, "Randomization Date", "enrolment_date"),
        (SUBJECTS_CONTRACT, "enrol_date", "enrolment_date"),
        (SUBJECTS_CONTRACT, "Inclusion date", "enrolment_date"),
        (SUBJECTS_CONTRACT, "Subject Status", "status"),
        (SUBJECTS_CONTRACT, "Disposition", "status"),
        (SUBJECTS_CONTRACT, "Date of Discontinuation", "end_date"),
        (SUBJECTS_CONTRACT, "Ended on", "end_date"),
        (SUBJECTS_CONTRACT, "End of Study Date", "end_date"),
        (SUBJECTS_CONTRACT, "Last contact date", "end_date"),
        (SUBJECTS_CONTRACT, "Centre Number", "site_id"),
        (VISITS_CONTRACT, "Visit Date", "visit_date"),
        (VISITS_CONTRACT, "Visit Date (dd/mm/yyyy)", "visit_date"),
        (VISITS_CONTRACT, "Visit Status", "attended"),
        (ADVERSE_EVENTS_CONTRACT, "AE Start Date", "onset_date"),
        (ADVERSE_EVENTS_CONTRACT, "Onset", "onset_date"),
        (ADVERSE_EVENTS_CONTRACT, "Serious (Y/N)", "serious"),
        (ADVERSE_EVENTS_CONTRACT, "Severity/Grade", "severity"),
    ],
)
def test_headers_as_exports_write_them_are_matched(contract, header, field):
    assert match_table(["Other", header], contract).mapping.get(field) == header


def test_no_spelling_names_two_fields_of_one_table():
    for table in HISTORY.tables.values():
        owner: dict[str, str] = {}
        for spec in table.contract:
            for spelling in (*spec.specific_spellings(), *spec.generic_synonyms):
                key = normalise_header(spelling)
                assert owner.setdefault(key, spec.name) == spec.name, (table.name, spelling)


def test_the_more_specific_header_wins_whatever_the_order_and_one_header_serves_one_field():
    match = match_table(["ID", "Status", "Subject ID", "Subject Status", "Notes"], SUBJECTS_CONTRACT)
    assert match.mapping["patient_id"] == "Subject ID" and match.mapping["status"] == "Subject Status"
    assert match.unmatched == ["ID", "Status", "Notes"]
    assert len(set(match.mapping.values())) == len(match.mapping)


def test_the_users_matching_wins_and_its_header_is_no_other_fields():
    chosen = {"end_date": "Last contact date", "patient_id": "screening no"}
    match = match_table(["Subject ID", "Screening No", "End date", "Last contact date"], SUBJECTS_CONTRACT, chosen)
    assert match.mapping["end_date"] == "Last contact date" and match.mapping["patient_id"] == "Screening No"
    assert "Subject ID" in match.unmatched and "End date" in match.unmatched


def test_an_empty_choice_switches_an_optional_field_off_and_a_required_one_cannot_be():
    headers = ["Subject ID", "Site", "Age", "Notes"]
    assert match_table(headers, SUBJECTS_CONTRACT).mapping["site_id"] == "Site"
    match = match_table(headers, SUBJECTS_CONTRACT, {"site_id": ""})
    assert "site_id" not in match.mapping and "Site" in match.unmatched
    with pytest.raises(SchemaError, match="without a column, but it is required"):
        match_table(headers, SUBJECTS_CONTRACT, {"patient_id": ""})


@pytest.mark.parametrize(
    ("chosen", "fragment"),
    [({"patient_id": "Nope"}, "no such column"), ({"colour": "ID"}, "not one of its fields")],
)
def test_a_users_matching_that_does_not_fit_is_a_plain_error(chosen, fragment):
    with pytest.raises(SchemaError, match=fragment):
        match_table(["ID", "Age"], SUBJECTS_CONTRACT, chosen)


def test_an_export_with_its_own_headers_and_words_reads_and_its_report_shows_the_matching():
    ae = xlsx({"AE listing": pd.DataFrame(columns=["Participant ID", "AE Start Date", "Serious (Y/N)"])})
    history = read_history({"subject_list.csv": EXPORT_SUBJECTS, "Visit log.csv": EXPORT_VISITS, "ae.xlsx": ae})
    subjects = history.subjects.set_index("patient_id")
    assert list(subjects.index) == ["P1", "P2", "P3"]  # the screen failure set aside, never used
    assert subjects["status"].tolist() == ["completed", "withdrawn", "ongoing"]
    assert subjects.loc["P2", "reason"] == "Lost to Follow-Up"
    assert subjects.loc["P1", "end_date"] == pd.Timestamp("2016-06-01")
    assert subjects.loc["P1", "enrolment_date"] == pd.Timestamp("2016-03-07")
    assert history.visits["attended"].tolist() == [True, False, True]
    report = history.report.table("subjects")
    assert report.mapping["end_date"] == "Ended on" and report.mapping["age"] == "Age at Consent"
    assert report.unmatched == ["Notes"]
    assert history.report.table("visits").unmatched == ["Visit"]
    assert history.report.table("adverse_events").n_read == 0
    assert "end_date <- 'Ended on'" in report.matching()


def test_read_history_takes_the_users_columns_per_table():
    subjects = csv("Who,Years,Sex,Arm,Began,Status\nP1,50,F,A,2024-01-01,ongoing")
    visits = csv("Who,When\nP1,2024-01-08")
    columns = {
        "subjects": {"patient_id": "Who", "age": "Years", "enrolment_date": "Began"},
        "visits": {"patient_id": "Who", "visit_date": "When"},
    }
    history = read_history({"subjects.csv": subjects, "visits.csv": visits}, columns=columns)
    assert history.subjects["age"].tolist() == [50] and len(history.visits) == 1
    assert history.report.table("subjects").mapping["enrolment_date"] == "Began"
    with pytest.raises(SchemaError, match="tables are"):
        read_history({"subjects.csv": subjects, "visits.csv": visits}, columns={"patients": {}})


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Active", "ongoing"),
        ("on study", "ongoing"),
        ("In Follow-Up", "ongoing"),
        ("ENROLLED", "ongoing"),
        ("Complete", "completed"),
        ("Completed Study", "completed"),
        ("Early Terminated", "withdrawn"),
        ("Withdrew consent", "withdrawn"),
        ("Lost_to_follow-up", "withdrawn"),
        ("Died", "withdrawn"),
        ("Adverse Event", "withdrawn"),
        ("Screen Failure", "screen failure"),
    ],
)
def test_statuses_as_systems_write_them(written, status):
    assert read_status(pd.Series([written])).iloc[0] == status


def test_an_unknown_status_is_a_problem_that_names_it():
    subjects = csv("patient,age,sex,arm,enrolled,status\nP1,50,F,A,2024-01-01,ongoing\nP2,50,F,A,2024-01-01,on holiday")
    history = read_history({"subjects.csv": subjects, "visits.csv": csv("patient,date")})
    (reason,) = history.report.table("subjects").problems["reason"]
    assert '"on holiday"' in reason and history.subjects["patient_id"].tolist() == ["P1"]


def test_any_phase_reads_one_the_models_do_not_know_as_not_recorded():
    phases = read_phase(pd.Series(["Phase IV", "4", "Phase 2/3", "II/III", "N/A", "", "Phase II", "3"]))
    assert phases.tolist() == ["", "", "", "", "", "", "Phase II", "Phase III"]
    subjects = csv("patient,age,sex,arm,enrolled,phase\nP1,50,F,A,2024-01-01,Phase IV")
    history = read_history({"subjects.csv": subjects, "visits.csv": csv("patient,date")})
    assert history.subjects["phase"].tolist() == [""] and history.report.problems.empty


def test_a_visits_table_without_an_attended_column_means_every_visit_attended():
    subjects = csv("patient,age,sex,arm,enrolled\nP1,50,F,A,2024-01-01")
    history = read_history({"subjects.csv": subjects, "visits.csv": csv("patient,date\nP1,2024-01-08\nP1,2024-01-15")})
    assert history.visits["attended"].tolist() == [True, True]


def test_a_workbook_with_a_header_only_adverse_events_sheet_is_read():
    sheets = {
        "Subjects": pd.DataFrame(
            {"Subject ID": ["P1"], "Age": ["50"], "Sex": ["F"], "Arm": ["A"], "Enrolment date": ["2024-01-01"]}
        ),
        "Visits": pd.DataFrame({"Subject ID": ["P1"], "Visit date": ["2024-01-08"]}),
        "Adverse events": pd.DataFrame(columns=["Subject ID", "Onset date"]),
    }
    history = read_history({"trial.xlsx": xlsx(sheets)})
    assert len(history.subjects) == 1 and history.adverse_events.empty


def test_every_row_refused_is_said_with_the_reason_and_count_never_no_patients():
    subjects = csv("patient,age,sex,arm,enrolled\nP1,abc,F,A,2024-01-01\nP2,abc,F,A,2024-01-01")
    history = read_history({"subjects.csv": subjects, "visits.csv": csv("patient,date")})
    message = history.report.no_patients()
    assert message is not None and "None of the 2 patients" in message and "2 × age must be a whole number" in message
    assert "no patients" not in message
    empty = read_history({"subjects.csv": csv("patient,age,sex,arm,enrolled"), "visits.csv": csv("patient,date")})
    assert "no patients" in (empty.report.no_patients() or "")
