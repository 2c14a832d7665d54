"""core.outreach.contacts_file: a returned call list -> contacts to record and refused rows, never a surprise.

Files are built in memory as an upload arrives; expected values come from the rows written into them.
"""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pandas as pd
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.decisions.policy import SINGLE, Policy
from core.output.csv_file import csv_bytes
from core.outreach.call_list import call_list, call_list_workbook
from core.outreach.contacts_file import ACCEPTED_WORDS, DEFAULT_ACTION, NOTE_LIMIT, outcome_of, read_contacts
from core.reading.errors import SchemaError
from core.reading.xlsx import read_xlsx_cells
from core.store.schema import OUTCOMES
from tests.core.reading.files import make_xlsx

TODAY = date(2026, 3, 12)
ME = "cleo"


def _csv(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def _read(data: bytes, name: str = "calls.csv", **options):
    return read_contacts(data, name, recorded_by=ME, today=TODAY, **options)


def _refused(result) -> list[tuple[int, str, str]]:
    return [(int(r.row), r.column, r.reason) for r in result.refused.itertuples()]


# ---------------------------------------------------------------- the plain file


def test_each_outcome_becomes_a_contact_with_defaults_for_what_the_file_leaves_out():
    result = _read(_csv(["Patient ID,Outcome", "P1,Reached", "P2,no answer", "P3,DECLINED", "P4,Rescheduled"]))
    assert [(c.patient_id, c.outcome) for c in result.contacts] == list(
        zip(["P1", "P2", "P3", "P4"], OUTCOMES, strict=True)
    )
    assert {(c.contact_date, c.action, c.contacted_by, c.note, c.site_id) for c in result.contacts} == {
        (TODAY, DEFAULT_ACTION, ME, "", None)
    }
    assert result.refused.empty and result.rows_read == 4 and result.not_called == 0 and result.duplicates == 0


def test_optional_columns_are_read_under_the_users_own_headers():
    data = _csv(
        [
            "Subject,Call outcome,Date contacted,Action,Called by,Notes",
            "S-1,spoke,2026-03-10,Home visit,Dora,Will come Monday",
            "S-2,voicemail,25/02/2026,,,",
        ]
    )
    first, second = _read(data).contacts
    assert (first.patient_id, first.outcome, first.contact_date) == ("S-1", "reached", date(2026, 3, 10))
    assert (first.action, first.contacted_by, first.note) == ("Home visit", "Dora", "Will come Monday")
    assert (second.outcome, second.contact_date, second.action, second.contacted_by) == (
        "no answer",
        date(2026, 2, 25),
        DEFAULT_ACTION,
        ME,
    )


@pytest.mark.parametrize(
    ("written", "outcome"),
    [
        ("Voicemail", "no answer"),
        ("no reply", "no answer"),
        ("Not reachable", "no answer"),
        ("no-answer", "no answer"),
        ("refused", "declined"),
        ("Call back", "rescheduled"),
        ("callback", "rescheduled"),
        ("Contacted", "reached"),
        ("SPOKE", "reached"),
        ("maybe", None),
        ("", None),
    ],
)
def test_outcomes_are_read_in_any_case_and_in_the_words_coordinators_write(written, outcome):
    assert outcome_of(written) == outcome


def test_a_blank_outcome_is_no_contact_and_is_counted_not_refused():
    result = _read(_csv(["Patient ID,Outcome,Note", "P1,reached,", "P2,,not called yet", "P3,,", ",,"]))
    assert [c.patient_id for c in result.contacts] == ["P1"]
    assert (result.not_called, result.rows_read, result.refused_rows) == (2, 3, 0)  # the empty line is no row


def test_known_patients_limit_the_names_and_give_each_contact_its_site():
    data = _csv(["Patient ID,Outcome", "P1,reached", "P9,reached"])
    result = _read(data, known_patients={"P1": "Site A", "P2": "Site B"})
    assert [(c.patient_id, c.site_id) for c in result.contacts] == [("P1", "Site A")]
    assert _refused(result) == [
        (3, "Patient ID", "this patient is not in the patient list on screen (check the identifier)")
    ]


# ---------------------------------------------------------------- the round trip


@pytest.fixture
def exported(loaded, bundle) -> pd.DataFrame:
    policy = Policy(0.3, None, FACTORY_COSTS, FACTORY_BANDS, SINGLE)
    flagged = Policy.at(policy.threshold, policy.capacity).flagged(loaded.curves)
    table = call_list(loaded, flagged, flagged, policy, bundle)
    assert len(table) >= 3
    return table


def _filled(table: pd.DataFrame) -> pd.DataFrame:
    """The coordinator's work: an Outcome for the first three patients, the rest left blank."""
    outcomes = ["reached", "No answer", "declined"] + [""] * (len(table) - 3)
    return table.assign(Outcome=outcomes)


def test_the_exported_csv_reads_back_once_an_outcome_column_is_filled(exported):
    result = _read(csv_bytes(_filled(exported)), "flagged_patients.csv")
    assert [c.patient_id for c in result.contacts] == exported["Patient ID"].astype(str).head(3).tolist()
    assert [c.outcome for c in result.contacts] == ["reached", "no answer", "declined"]
    assert result.not_called == len(exported) - 3 and result.refused.empty
    assert result.mapping["patient_id"] == "Patient ID"
    assert [c.action for c in result.contacts] == exported["Contact"].head(3).tolist()  # the plan's contact


def test_the_exported_workbook_reads_back_too(exported):
    workbook = call_list_workbook(_filled(exported), [("model", "test")])
    result = _read(workbook, "flagged_patients.xlsx")
    assert [c.patient_id for c in result.contacts] == exported["Patient ID"].astype(str).head(3).tolist()
    assert result.not_called == len(exported) - 3 and result.refused.empty


def test_an_identifier_the_export_guarded_with_an_apostrophe_reads_back_as_it_was():
    table = pd.DataFrame({"Patient ID": ["-12", "+7"], "Outcome": ["reached", "declined"]})
    assert b"'-12" in csv_bytes(table)  # the export's formula guard is there…
    assert [c.patient_id for c in _read(csv_bytes(table)).contacts] == ["-12", "+7"]  # …and taken off again


# ---------------------------------------------------------------- the hostile corpus


def test_a_formula_in_the_identifier_is_refused_and_one_in_the_note_kept_as_text():
    data = _csv(
        [
            "Patient ID,Outcome,Note",
            '"=HYPERLINK(""http://x.example"",""P1"")",reached,',
            'P2,reached,"=HYPERLINK(""http://x.example"",""click"")"',
        ]
    )
    result = _read(data)
    assert _refused(result) == [(2, "Patient ID", "Patient ID holds a formula, not a patient identifier")]
    assert [c.note for c in result.contacts] == ['=HYPERLINK("http://x.example","click")']


def test_a_formula_cell_of_a_workbook_is_read_as_its_value_and_refused_when_it_has_none():
    data = make_xlsx([["Patient ID", "Outcome"], ['=HYPERLINK("http://x.example","P1")', "reached"], ["P2", "reached"]])
    assert read_xlsx_cells(data, "calls.xlsx").iloc[1, 0] == ""  # a sheet keeps a formula's last value: none yet
    result = _read(data, "calls.xlsx")
    assert [c.patient_id for c in result.contacts] == ["P2"]
    assert _refused(result) == [(2, "Patient ID", "Patient ID is empty: whom was this contact with?")]


def test_an_xlsx_with_a_title_row_numbers_rows_as_the_sheet_does():
    data = make_xlsx([["Calls of week 11"], [], ["Patient", "Outcome", "Contact date"], ["P1", "maybe", "2026-03-02"]])
    result = _read(data, "calls.xlsx")
    assert _refused(result) == [(4, "Outcome", f"Outcome must be {ACCEPTED_WORDS}")]
    assert not result.contacts


def test_an_unknown_outcome_names_the_row_the_users_column_and_the_value():
    result = _read(_csv(["Subject,Result", "S1,reached", "S2,went well", "S3,declined"]))
    [refusal] = result.refused.itertuples()
    assert (refusal.row, refusal.patient, refusal.column, refusal.value) == (3, "S2", "Result", "went well")
    assert "reached, no answer, declined or rescheduled" in refusal.reason
    assert [c.patient_id for c in result.contacts] == ["S1", "S3"]


def test_a_file_without_an_identifier_column_is_refused_with_what_to_add():
    with pytest.raises(SchemaError, match="missing required column.*Patient ID"):
        _read(_csv(["Name,Outcome", "Ann,reached"]))


def test_a_file_without_an_outcome_column_says_so():
    with pytest.raises(SchemaError, match="missing required column.*Outcome"):
        _read(_csv(["Patient ID,Site", "P1,A"]))


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \n\n", b"Patient ID,Outcome\n", b"Patient ID,Outcome\n,\n"])
def test_an_empty_file_is_refused_with_a_message(data):
    with pytest.raises(SchemaError, match="empty|no patients"):
        _read(data)


def test_a_patient_listed_twice_with_the_same_date_and_outcome_counts_once():
    data = _csv(
        [
            "Patient ID,Outcome,Contact date",
            "P1,reached,2026-03-10",
            "P1,Reached,10 Mar 2026",  # the same contact written another way
            "P1,no answer,2026-03-10",  # another call that day, another outcome
            "P1,reached,2026-03-11",
        ]
    )
    result = _read(data)
    assert [(c.outcome, c.contact_date.day) for c in result.contacts] == [
        ("reached", 10),
        ("no answer", 10),
        ("reached", 11),
    ]
    assert result.duplicates == 1


def test_a_future_date_and_an_impossible_date_are_refused_with_their_reason():
    data = _csv(["Patient ID,Outcome,Call date", "P1,reached,2026-03-13", "P2,reached,2026-02-30", "P3,reached,"])
    result = _read(data)
    rows = dict((row, reason) for row, _, reason in _refused(result))
    assert set(rows) == {2, 3} and {column for _, column, _ in _refused(result)} == {"Call date"}
    assert "after today (2026-03-12)" in rows[2] and rows[3].startswith("Call date: ")
    assert [(c.patient_id, c.contact_date) for c in result.contacts] == [("P3", TODAY)]  # a blank date is today


def test_dates_whose_order_cannot_be_told_are_refused_until_the_order_is_given():
    data = _csv(["Patient ID,Outcome,Contact date", "P1,reached,02/03/2026", "P2,reached,03/02/2026"])
    unclear = _read(data)
    assert unclear.ambiguous_dates and unclear.refused_rows == 2 and not unclear.contacts
    assert [c.contact_date for c in _read(data, day_first=True).contacts] == [date(2026, 3, 2), date(2026, 2, 3)]


def test_a_very_long_note_is_refused_not_cut():
    data = _csv(["Patient ID,Outcome,Note", f"P1,reached,{'x' * (NOTE_LIMIT + 1)}", f"P2,reached,{'y' * NOTE_LIMIT}"])
    result = _read(data)
    assert _refused(result) == [(2, "Note", f"the note is longer than {NOTE_LIMIT:,} characters")]
    assert [len(c.note) for c in result.contacts] == [NOTE_LIMIT]


def test_a_note_beyond_the_cell_limit_refuses_the_whole_file():
    with pytest.raises(SchemaError):
        _read(_csv(["Patient ID,Outcome,Note", f"P1,reached,{'x' * 20_000}"]))


def test_a_windows_1252_file_reads_its_accents():
    data = _csv(["Patient ID;Outcome;Note", "P1;reached;rappel demandé à 15h", "P2;refusé;"], encoding="cp1252")
    result = _read(data)
    assert [c.note for c in result.contacts] == ["rappel demandé à 15h"]
    assert _refused(result)[0][:2] == (3, "Outcome")  # "refusé" is not an outcome word: said, not guessed


def test_a_utf16_file_with_tabs_reads():
    data = "Patient ID\tOutcome\nP1\treached\n".encode("utf-16")
    assert [c.patient_id for c in _read(data).contacts] == ["P1"]


def test_a_row_with_several_problems_lists_each_and_counts_once():
    result = _read(_csv(["Patient ID,Outcome,Contact date", ",maybe,2030-01-01"]))
    assert [column for _, column, _ in _refused(result)] == ["Contact date", "Outcome", "Patient ID"]
    assert result.refused_rows == 1 and not result.contacts


def test_a_large_list_reads_every_row():
    ids = [f"P{i:05d}" for i in range(20_000)]
    frame = pd.DataFrame({"Patient ID": ids, "Outcome": np.resize(list(OUTCOMES), len(ids))})
    result = _read(frame.to_csv(index=False).encode())
    assert len(result.contacts) == len(ids) and [c.outcome for c in result.contacts[:4]] == list(OUTCOMES)


def test_the_refused_rows_export_safely(tmp_path):
    result = _read(_csv(["Patient ID,Outcome", '"=1+1",reached', "P2,=cmd|' /C calc'!A0"]))
    exported = pd.read_csv(io.BytesIO(csv_bytes(result.refused)), dtype=str)
    assert not exported.apply(lambda column: column.str.startswith("=")).any().any()
    assert exported["row"].tolist() == ["2", "3"]
