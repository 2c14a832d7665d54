"""Cohort page: files that cannot be used get one clear message; files with dates are asked and counted."""

from __future__ import annotations

import datetime

import pytest

from app import state
from tests.app.conftest import open_page, shown
from tests.app.test_cohort_page import CSV, XLSX, _assert_demo_loads, _counts, _csv, _demo, _upload


@pytest.fixture
def at():
    return open_page("cohort")


# ---------------------------------------------------------------- files that cannot be used

UNUSABLE = {
    "missing column": ("no_age.csv", _csv(_demo(10).drop(columns=["age"])), CSV, "missing required column(s): age"),
    "empty file": ("empty.csv", b"", CSV, "is empty"),
    "bare BOM": ("bom.csv", b"\xef\xbb\xbf\r\n", CSV, "is empty"),
    "header only": ("header.csv", _csv(_demo(0)), CSV, "has a header row but no patients"),
    "binary file": ("scan.csv", bytes(range(256)) * 4, CSV, "holds binary data"),
    "broken xlsx": ("broken.xlsx", b"PK\x03\x04" + b"\x01" * 200, XLSX, "could not be opened"),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
def test_unusable_file_gets_one_clear_message_and_the_page_keeps_working(at, case):
    name, data, mime, fragment = UNUSABLE[case]
    _upload(at, name, data, mime)
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1, errors
    assert name in shown(errors[0]) and fragment in shown(errors[0])
    assert not at.metric  # nothing was scored
    assert any("No cohort loaded yet" in i.value for i in at.info)
    at.run()  # a rerun shows the same single message
    assert [shown(e.value) for e in at.error] == errors
    _assert_demo_loads(at)
    assert state.COHORT_ERROR not in at.session_state


def test_demo_button_after_a_refused_file_clears_the_message_when_the_demo_was_already_open(at):
    _assert_demo_loads(at)
    _upload(at, "empty.csv", b"")
    assert len(at.error) == 1 and "empty.csv is empty" in shown(at.error[0].value)
    _assert_demo_loads(at)  # the same demo bytes again: nothing to rescore, but the old message goes


def test_an_unusable_file_after_a_good_one_takes_the_old_list_off_the_screen(at):
    """Last week's patients must never stay on screen under this week's file name."""
    _upload(at, "good.csv", _csv(_demo(14)))
    assert _counts(at) == (14, 14, 0)
    _upload(at, "empty.csv", b"")
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and "empty.csv could not be used, so no patients are shown" in errors[0]
    assert "empty.csv is empty" in errors[0]
    assert not any("good.csv" in shown(s.value) for s in at.subheader)
    assert not at.metric and not [d for d in at.download_button if "call list" in d.label]
    assert state.COHORT not in at.session_state


def test_file_where_every_row_has_a_problem_scores_nobody(at):
    frame = _demo(6)
    frame["age"] = "200"
    _upload(at, "all_bad.csv", _csv(frame))
    assert _counts(at) == (6, 0, 6)
    assert any("No patient in this file could be scored" in w.value for w in at.warning)
    assert not at.error
    _assert_demo_loads(at)


def test_a_file_with_dates_is_asked_its_date_order_then_counted_to_a_date_the_user_can_move(at):
    data = (
        b"Patient ID,Age,Sex,Arm,Phase,Enrolment date,Visits,Last visit date,AE count\n"
        b"A,50,F,Active,II,02/03/2024,4,03/04/2024,1\nB,61,M,Placebo,II,05/03/2024,2,,0\n"
    )
    _upload(at, "dated.csv", data)
    assert any("day-first or month-first" in shown(w.value) for w in at.warning)
    assert state.COHORT not in at.session_state
    at.radio(key="cohort_day_first").set_value("day first (31/12/2024)").run()
    cohort = at.session_state[state.COHORT]
    assert str(cohort.result.as_of.date()) == "2024-04-03"
    assert cohort.result.valid.set_index("patient_id").loc["A", "days_in_trial"] == 33
    at.date_input(key="cohort_as_of").set_value(datetime.date(2024, 4, 30)).run()
    moved = at.session_state[state.COHORT]
    assert moved.result.valid.set_index("patient_id").loc["A", "days_in_trial"] == 60
