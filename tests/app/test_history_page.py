"""The Cohort page with a trial history: read, settle its questions, score as of a date, as for a cohort file."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from app import state
from core.history.as_of import default_as_of, patients_in_study
from core.history.export import to_csv_files
from core.history.reader import history_files, read_history
from core.history.sdtm import CDISC_PILOT_DIR
from tests.app.conftest import open_page, shown


@pytest.fixture(scope="module")
def pilot():
    return read_history(history_files(CDISC_PILOT_DIR))


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_real_trial_opens_as_a_history_scored_as_of_its_busiest_day(pilot):
    at = open_page("cohort")
    at.button(key="load_real_trial").click().run()
    assert not at.exception and not at.error
    assert "Trial history: CDISC Pilot 01" in [shown(s.value) for s in at.subheader]
    date, _ = default_as_of(pilot)
    assert at.date_input(key="history_as_of").value == date.date()
    assert _metrics(at)["Patients scored"] == f"{patients_in_study(pilot, date):,}"
    assert any("SDTM" in shown(m.value) or "rows read" in shown(m.value) for m in at.markdown)
    assert [d.label for d in at.download_button][-4:] == [
        "Download the call list (CSV)",
        "Download the call list (Excel)",
        "Download the week's report (HTML)",
        "Download the week's report (PDF)",
    ]
    assert at.session_state[state.COHORT].result.has_outcome  # patients who ended later carry what happened


def test_another_date_scores_the_patients_in_the_study_that_day(pilot):
    at = open_page("cohort")
    at.button(key="load_real_trial").click().run()
    day = datetime.date(2013, 2, 1)
    at.date_input(key="history_as_of").set_value(day).run()
    assert not at.exception
    assert _metrics(at)["Patients scored"] == f"{patients_in_study(pilot, pd.Timestamp(day)):,}"
    assert "as of 2013-02-01" in at.session_state[state.COHORT].filename


def test_the_arms_can_be_confirmed_for_the_generic_model_and_change_the_scores():
    at = open_page("cohort")
    at.button(key="load_real_trial").click().run()
    before = at.session_state[state.COHORT]
    assert set(before.scored["treatment_group"].astype(str)) <= {"Active", "Placebo"}
    arms = [s for s in at.selectbox if (s.key or "").startswith("history_arm_")]
    assert len(arms) == 3
    low = next(s for s in arms if "Low" in s.label)
    low.set_value("Control")
    at.button(key="history_confirm_arms").click().run()
    after = at.session_state[state.COHORT]
    assert after.sha256 != before.sha256 and "Control" in set(after.scored["treatment_group"].astype(str))


def test_three_table_files_uploaded_together_are_read_as_a_history(pilot):
    files = to_csv_files(pilot)
    at = open_page("cohort")
    at.file_uploader(key="cohort_upload").set_value([(name, data, "text/csv") for name, data in files.items()]).run()
    assert not at.exception and not at.error
    assert any("Trial history" in shown(s.value) for s in at.subheader)
    date, _ = default_as_of(pilot)
    assert _metrics(at)["Patients scored"] == f"{patients_in_study(pilot, date):,}"


def test_dates_that_read_both_ways_are_asked_about_before_anything_is_scored():
    subjects = (
        "patient_id,site,age,sex,arm,phase,enrolled,status,end date\n"
        "P1,S1,50,F,Drug,II,02/03/2024,ongoing,\nP2,S1,61,M,Placebo,II,03/04/2024,ongoing,\n"
    )
    visits = "patient_id,visit date\nP1,04/05/2024\nP2,05/06/2024\n"
    at = open_page("cohort")
    at.file_uploader(key="cohort_upload").set_value(
        [("subjects.csv", subjects.encode(), "text/csv"), ("visits.csv", visits.encode(), "text/csv")]
    ).run()
    assert any("day-first or month-first" in shown(w.value) for w in at.warning)
    assert state.COHORT not in at.session_state
    at.radio(key="history_day_first").set_value("day first (31/12/2024)").run()
    assert not at.exception
    cohort = at.session_state[state.COHORT]
    assert sorted(cohort.scored["patient_id"]) == ["P1", "P2"]
