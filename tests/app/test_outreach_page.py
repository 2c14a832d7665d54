"""The outreach log in the app: record contacts on the Cohort page, see them summarised on the Activity page.

Every expected number comes from the page's own call list, the demo cohort or contacts written to the
test's database here; what was recorded is read back from the store, never from the page.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest

from core.store import Store
from core.store.outreach import NewContact
from core.trust.audit import LOG_NAME, read_events
from tests.app.conftest import PAGE_FILES, TEAM, open_page, shown, sign_in

UNREACHABLE = "postgresql+psycopg://u:p@127.0.0.1:1/x"
CSV = "text/csv"


def _demo_page():
    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error], [e.value for e in at.error]
    return at


def _successes(at) -> list[str]:
    return [shown(s.value) for s in at.success]


def _button(at, starting: str):
    [button] = [b for b in at.button if b.label.startswith(starting)]
    return button


def _top_patients(at, n: int) -> list[str]:
    return at.dataframe(key="patient_table").value["patient_id"].astype(str).head(n).tolist()


def _contacts(url: str) -> pd.DataFrame:
    with Store.open(url) as store:
        return store.outreach.between()


def _record_one(at, patient: str, outcome: str, note: str = ""):
    at.selectbox(key="outreach_patient").set_value(patient)
    at.radio(key="outreach_outcome").set_value(outcome)
    at.text_area(key="outreach_note").set_value(note)
    return _button(at, "Save the contact").click().run()


@pytest.fixture
def at():
    return _demo_page()


def test_the_section_follows_the_patient_table_with_its_three_ways(at):
    headers = [s.value for s in at.subheader]
    assert headers.index("Record contacts") == headers.index("Patients") + 1
    assert [t.label for t in at.tabs] == ["One patient", "The whole call list", "A returned call list"]


def test_one_contact_is_recorded_through_the_form(at, own_database):
    patient = _top_patients(at, 1)[0]
    at = _ok(_record_one(at, patient, "no answer", "left a **message**"))
    assert _successes(at) == [f"The contact with {patient} was recorded (no answer)."]
    [contact] = _contacts(own_database).itertuples()
    assert (contact.patient_id, contact.outcome, contact.note) == (patient, "no answer", "left a **message**")
    assert (contact.contact_date, contact.action, contact.contacted_by) == (date.today(), "Phone call", "local user")
    assert contact.site_id  # the demo gives every patient a site; the contact keeps it


def test_saving_without_an_outcome_records_nothing_and_says_why(at, own_database):
    at.selectbox(key="outreach_patient").set_value(_top_patients(at, 1)[0])
    at = _button(at, "Save the contact").click().run()
    assert any("Choose the patient and the outcome" in e.value for e in at.error)
    assert _contacts(own_database).empty


def _listed(at) -> int:
    """How many patients the page's call list download holds."""
    words = " ".join(shown(m.value) for m in at.markdown)
    return int(re.search(r"The download holds the \*\*([\d,]+) flagged patients", words).group(1).replace(",", ""))


def test_the_whole_list_is_recorded_once_with_its_count_in_the_button(at, own_database):
    count = _listed(at)
    assert count > 0
    button = _button(at, "Mark the whole list as contacted")
    assert button.label == f"Mark the whole list as contacted ({count:,} patients)"
    at.radio(key="outreach_list_outcome").set_value("reached")
    at = _ok(button.click().run())
    assert _successes(at) == [f"{count:,} contacts were recorded."]
    stored = _contacts(own_database)
    assert len(stored) == count and stored["patient_id"].is_unique and set(stored["outcome"]) == {"reached"}
    at.radio(key="outreach_list_outcome").set_value("reached")
    at = _ok(_button(at, "Mark the whole list as contacted").click().run())  # a second click by mistake
    assert _successes(at) == [
        f"0 contacts were recorded. {count:,} were already in the log and were not recorded again."
    ]
    assert len(_contacts(own_database)) == count


def test_a_returned_call_list_with_a_bad_row_records_the_others_and_names_the_bad_one(at, own_database):
    first, second, third = _top_patients(at, 3)
    returned = f"Patient ID,Outcome,Note\n{first},Voicemail,\n{second},went well,\n{third},reached,=1+1\n"
    at.file_uploader(key="outreach_upload_0").set_value(("returned.csv", returned.encode(), CSV))
    at = _ok(at.run())
    assert any("2 contacts** will be recorded from 3 rows" in m.value for m in at.markdown)
    [refused] = [d.value for d in at.dataframe if "reason" in d.value.columns]
    assert refused[["row", "patient", "column", "value"]].values.tolist() == [[3, second, "Outcome", "went well"]]
    assert _contacts(own_database).empty  # nothing before the confirmation
    at = _ok(_button(at, "Record the 2 contacts").click().run())
    assert _successes(at) == ["2 contacts were recorded."]
    stored = _contacts(own_database).set_index("patient_id")
    assert stored["outcome"].to_dict() == {first: "no answer", third: "reached"}
    assert stored.loc[third, "note"] == "=1+1"  # kept as text
    assert at.file_uploader(key="outreach_upload_1").value is None  # the uploader starts empty again


def test_a_file_without_an_outcome_column_says_what_to_add(at, own_database):
    at.file_uploader(key="outreach_upload_0").set_value(("list.csv", b"Patient ID,Site\nP1,A\n", CSV))
    at.run()
    assert not at.exception
    assert any("missing required column" in shown(e.value) and "Outcome" in e.value for e in at.error)
    assert _contacts(own_database).empty


def test_the_activity_page_counts_contacts_per_week_and_per_site(own_database):
    monday = date.today() - timedelta(days=date.today().weekday() + 7)
    with Store.open(own_database) as store:
        store.outreach.record_many(
            [
                NewContact("P1", monday, "Phone call", "Ana", "reached", "ok", "Site A"),
                NewContact("P2", monday + timedelta(days=2), "Phone call", "Ana", "no answer", "", "Site A"),
                NewContact("P3", monday + timedelta(days=7), "Home visit", "Ana", "declined", "**not bold**", "Site B"),
            ]
        )
    at = _ok(open_page("activity"))
    frames = [d.value for d in at.dataframe]
    [weeks] = [f for f in frames if "Week starting" in f.columns]
    [sites] = [f for f in frames if "Last contact" in f.columns]
    [latest] = [f for f in frames if "By" in f.columns]
    assert weeks[["Contacts", "Reached", "No answer", "Declined"]].values.tolist() == [[2, 1, 1, 0], [1, 0, 0, 1]]
    assert [str(w)[:10] for w in weeks["Week starting"]] == [str(monday), str(monday + timedelta(days=7))]
    assert sites.set_index("Site")["Contacts"].to_dict() == {"Site A": 2, "Site B": 1}
    assert latest["Patient"].tolist() == ["P3", "P2", "P1"] and latest["Note"].iloc[0] == "**not bold**"


def test_the_activity_page_without_contacts_says_how_to_record_them():
    at = _ok(open_page("activity"))
    assert any("No contacts recorded yet" in i.value and "Cohort page" in i.value for i in at.info)


def test_a_coordinator_may_record_contacts_under_her_own_name_and_the_audit_trail_hashes_the_patient(team, tmp_path):
    at = sign_in("cleo", TEAM["cleo"][1])
    at.switch_page(PAGE_FILES["cohort"]).run()
    at = at.button(key="load_demo").click().run()
    patient = _top_patients(at, 1)[0]
    _ok(_record_one(at, patient, "rescheduled"))
    [contact] = _contacts(team).itertuples()
    assert (contact.patient_id, contact.contacted_by, contact.outcome) == (patient, "cleo", "rescheduled")
    events, _ = read_events(tmp_path / LOG_NAME)
    [recorded] = events[events["event"] == "contacts_recorded"].itertuples()
    assert recorded.n_contacts == 1 and recorded.source == "one patient" and len(recorded.patients) == 1
    assert patient not in (tmp_path / LOG_NAME).read_text()


def test_an_unreachable_database_gives_the_notice_and_no_traceback(monkeypatch):
    monkeypatch.setenv("RRADAR_DATABASE_URL", UNREACHABLE)
    at = _demo_page()
    assert "Record contacts" in [s.value for s in at.subheader]
    assert any("cannot be recorded" in i.value for i in at.info)
    assert "outreach_patient" not in [w.key for w in at.selectbox]
    at.switch_page(PAGE_FILES["activity"]).run()
    assert not at.exception
    assert any("Contacts cannot be shown" in w.value for w in at.warning)
