"""The weekly loop on the Cohort and Patient pages: changes since last week, trends, contacts, a database that is down.

Two weekly files are built from the demo cohort: week 2 drops some patients, adds others and makes some
miss their visits. Every expected list comes from core (scoring and core.outreach.changes) on the same bytes.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from app import state
from app.figures.trend import risk_trend_figure
from app.state.keys import THRESHOLD_CHOSEN
from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.decisions.policy import Policy
from core.outreach.call_list import call_list
from core.outreach.changes import weekly_changes
from core.paths import DEMO_COHORT_PATH
from core.scoring.cohort import score_upload
from core.store import NewContact, Store
from tests.app.conftest import open_page, shown

LEFT, RAISED, NEW = range(0, 5), range(5, 12), range(40, 46)


def _demo() -> pd.DataFrame:
    return pd.read_csv(DEMO_COHORT_PATH, dtype=str, keep_default_na=False)


def _weeks() -> tuple[bytes, bytes]:
    demo = _demo()
    week1 = demo.iloc[:40]
    week2 = pd.concat([demo.iloc[5:40], demo.iloc[NEW.start : NEW.stop]]).reset_index(drop=True)
    raised = week2["patient_id"].isin(demo.loc[RAISED, "patient_id"])
    week2.loc[raised, "last_visit_day"] = "0"  # no visit since day 0: far more likely to drop out
    week2.loc[raised, "visits_completed"] = "0"
    return week1.to_csv(index=False).encode(), week2.to_csv(index=False).encode()


def _upload(at, name: str, data: bytes):
    at.file_uploader(key="cohort_upload").set_value([(name, data, "text/csv")])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _expected(week1: bytes, week2: bytes, bundle, threshold: float):
    def scores(data: bytes, name: str) -> pd.DataFrame:
        cohort = score_upload(data, name, bundle, FACTORY_BANDS)
        return cohort.scored.assign(flagged=Policy.at(threshold, None).flagged(cohort.curves))

    return weekly_changes(scores(week1, "week1.csv"), scores(week2, "week2.csv"))


LISTS = {  # the columns of each change list
    "new": ["Patient", "Site", "Chance this week", "Band this week", "Flagged this week"],
    "risk_rose": ["Patient", "Site", "Chance last week", "Chance this week", "Change in points", "Flagged this week"],
    "left": ["Patient", "Site", "Chance last week", "Band last week", "Flagged last week", "Days in study last week"],
}


def _change_list(at, name: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if d.value.columns.tolist() == LISTS[name]]
    assert len(found) == 1, [d.value.columns.tolist() for d in at.dataframe]
    return found[0]


@pytest.fixture
def two_weeks(own_database, store_clock):
    """The Cohort page after scoring week 1 and then, a week later, week 2 in one session."""
    week1, week2 = _weeks()
    at = open_page("cohort")
    _upload(at, "week1.csv", week1)
    assert "This is the first week remembered" in " ".join(c.value for c in at.caption)
    store_clock.advance()
    _upload(at, "week2.csv", week2)
    return at, week1, week2


def test_the_change_list_counts_and_names_who_is_new_rose_was_flagged_and_left(two_weeks, bundle):
    at, week1, week2 = two_weeks
    expected = _expected(week1, week2, bundle, at.session_state[state.THRESHOLD])
    counts = expected.counts()
    assert counts["new"] == len(NEW) and counts["left"] == len(LEFT) and counts["risk_rose"] > 0
    metrics = {m.label: int(m.value.replace(",", "")) for m in at.metric if m.value.replace(",", "").isdigit()}
    assert metrics["New patients"] == counts["new"]
    assert metrics["Risk rose by 10+ points"] == counts["risk_rose"]
    assert metrics["Newly flagged"] == counts["newly_flagged"]
    assert metrics["Left the study since last week"] == counts["left"]
    assert any("Since last week" in m.value and "week1.csv" in shown(m.value) for m in at.markdown)
    assert [t.label for t in at.tabs][:4] == [
        f"New patients ({counts['new']})",
        f"Risk rose by 10+ points ({counts['risk_rose']})",
        f"Newly flagged ({counts['newly_flagged']})",
        f"Left the study since last week ({counts['left']})",
    ]
    new = _change_list(at, "new")
    assert new["Patient"].tolist() == expected.new["patient_id"].tolist()
    rose = _change_list(at, "risk_rose")
    assert set(rose["Patient"]) == set(expected.risk_rose["patient_id"])
    assert set(_demo().loc[RAISED, "patient_id"]) >= set(rose["Patient"])
    np.testing.assert_allclose(rose["Change in points"], expected.risk_rose["change"] * 100)
    assert (rose["Change in points"] >= 10 - 1e-9).all()
    left = _change_list(at, "left")
    assert sorted(left["Patient"]) == sorted(_demo().loc[LEFT, "patient_id"])


def test_the_table_shows_each_patients_trend_across_the_stored_weeks(two_weeks, bundle):
    at, week1, week2 = two_weeks
    table = at.dataframe(key="patient_table").value.set_index("patient_id")
    before = score_upload(week1, "week1.csv", bundle, FACTORY_BANDS).scored.set_index("patient_id")["probability"]
    for patient, row in table.iterrows():
        now = row["probability"]  # the table's 0-100
        if patient in before.index:
            assert row["trend"] == pytest.approx([before[patient] * 100, now], abs=0.06)
            assert row["change_since_last_week"] == pytest.approx(now - before[patient] * 100)
        else:
            assert row["trend"] == pytest.approx([now], abs=0.06)
            assert np.isnan(row["change_since_last_week"])


def test_a_recorded_contact_shows_in_the_table_and_the_not_contacted_filter_hides_it(two_weeks, own_database):
    at, _, _ = two_weeks
    everyone = at.dataframe(key="patient_table").value["patient_id"].tolist()
    recent, old = everyone[0], everyone[1]
    with Store.open(own_database) as store:
        store.outreach.record(NewContact(recent, date.today(), "Phone call", "Ana", "reached", note="=1+1"))
        store.outreach.record(NewContact(old, date.today() - timedelta(days=40), "Phone call", "Ana", "no answer"))
    at.run()
    table = at.dataframe(key="patient_table").value.set_index("patient_id")
    assert table.loc[recent, "last_contact"] == f"{date.today()}, reached"
    assert table.loc[old, "last_contact"] == f"{date.today() - timedelta(days=40)}, no answer"
    assert (table.drop([recent, old])["last_contact"] == "").all()
    at.checkbox(key="filter_not_contacted").check().run()
    assert not at.exception
    narrowed = at.dataframe(key="patient_table").value["patient_id"].tolist()
    assert sorted(narrowed) == sorted(set(everyone) - {recent})
    assert any("not contacted in the last 28 days" in m.value for m in at.markdown)  # the export says so


def test_the_same_file_scored_again_is_not_stored_twice(two_weeks, own_database):
    at, week1, week2 = two_weeks
    _upload(at, "week2 again.csv", week2)  # same bytes, another name
    again = open_page("cohort")
    _upload(again, "week2.csv", week2)
    with Store.open(own_database) as store:
        stored = store.uploads.recent()
    assert [u.source_file for u in stored] == ["week2.csv", "week1.csv"]
    assert [u.patients_scored for u in stored] == [41, 40]
    assert any("Since last week" in m.value for m in again.markdown)  # a new session finds last week again


def test_going_back_to_an_earlier_week_compares_it_with_the_week_before_it(two_weeks, bundle, store_clock):
    at, week1, week2 = two_weeks
    week3 = pd.read_csv(io.BytesIO(week2), dtype=str, keep_default_na=False).iloc[3:].to_csv(index=False).encode()
    store_clock.advance()
    _upload(at, "week3.csv", week3)
    metrics = {m.label: int(m.value.replace(",", "")) for m in at.metric if m.value.replace(",", "").isdigit()}
    assert metrics["Left the study since last week"] == 3 and metrics["New patients"] == 0
    later = open_page("cohort")  # a new session: week 3 first (week 1 read for its trend only), then week 2
    _upload(later, "week3.csv", week3)
    _upload(later, "week2.csv", week2)
    assert not [e.value for e in later.error]
    expected = _expected(week1, week2, bundle, later.session_state[state.THRESHOLD]).counts()
    metrics = {m.label: int(m.value.replace(",", "")) for m in later.metric if m.value.replace(",", "").isdigit()}
    assert metrics["New patients"] == expected["new"] and metrics["Left the study since last week"] == len(LEFT)
    assert any("week1.csv" in shown(m.value) for m in later.markdown if "Since last week" in m.value)


def test_the_call_list_carries_the_last_contact_only_when_given(bundle):
    cohort = score_upload(_weeks()[0], "week1.csv", bundle, FACTORY_BANDS)
    flagged = Policy.at(0.2, None).flagged(cohort.curves)
    everyone = np.ones(len(flagged), dtype=bool)
    policy = Policy(0.2, None, FACTORY_COSTS, FACTORY_BANDS)
    first = cohort.scored["patient_id"].iloc[3]
    site = cohort.scored["site_id"].iloc[3]
    contacts = pd.DataFrame(
        {"patient_id": [first], "site_id": [site], "contact_date": [date(2026, 1, 9)], "outcome": ["declined"]}
    )
    plain_list = call_list(cohort, everyone, flagged, policy, bundle)
    with_contacts = call_list(cohort, everyone, flagged, policy, bundle, contacts)
    assert "Last contact date" not in plain_list
    assert with_contacts.columns.tolist() == [*plain_list.columns, "Last contact date", "Last contact outcome"]
    row = with_contacts.set_index("Patient ID").loc[first]
    assert (row["Last contact date"], row["Last contact outcome"]) == (date(2026, 1, 9), "declined")
    assert with_contacts["Last contact outcome"].notna().sum() == 1


def test_the_patient_page_shows_the_weeks_and_contacts_of_a_stored_patient(two_weeks, own_database):
    at, _, _ = two_weeks
    patient = _demo().loc[RAISED.start, "patient_id"]
    with Store.open(own_database) as store:
        store.outreach.record(NewContact(patient, date.today(), "Phone call", "cleo", "rescheduled", "**call** back"))
    fields = at.session_state[state.COHORT].result.valid.set_index("patient_id").loc[patient]
    values = {"patient_id": patient, **{k: (v.item() if hasattr(v, "item") else v) for k, v in fields.items()}}
    page = open_page("patient", **{state.PATIENT_PREFILL: values})
    assert "Risk over the weeks" in [s.value for s in page.subheader]
    [figure] = [c for c in page.get("plotly_chart") if "Chance of dropping out (%)" in c.proto.spec]
    [contacts] = [d.value for d in page.dataframe if "contacted_by" in d.value]
    assert contacts["note"].tolist() == ["**call** back"] and contacts["outcome"].tolist() == ["rescheduled"]


def test_a_patient_never_uploaded_gets_a_caption_instead_of_a_trend():
    values = _demo().iloc[0].to_dict() | {"patient_id": "NEVER-SEEN"}
    page = open_page("patient", **{state.PATIENT_PREFILL: values})
    assert "Risk over the weeks" in [s.value for s in page.subheader]
    assert any("trend appears once the patient has been in" in c.value for c in page.caption)


def test_an_unreachable_database_still_scores_and_warns(monkeypatch):
    monkeypatch.setenv("RRADAR_DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1:1/x")
    at = open_page("cohort")
    _upload(at, "week1.csv", _weeks()[0])
    assert not at.exception
    assert len(at.dataframe(key="patient_table").value) == 40
    assert any("not remembered" in w.value for w in at.warning)
    assert at.checkbox(key="filter_not_contacted").disabled
    assert "trend" not in at.dataframe(key="patient_table").value
    assert not any("Since last week" in m.value for m in at.markdown)


def test_the_trend_figure_draws_each_week_in_percent_with_the_threshold_and_flagged_weeks_in_red():
    history = pd.DataFrame(
        {
            "scored_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-12 10:00", "2026-01-19 08:30"], utc=True),
            "as_of": [None, date(2026, 1, 10), None],  # a trial history scored as of a chosen day
            "probability": [0.12, 0.31, 0.55],
            "flagged": [False, True, True],
        }
    )
    figure = risk_trend_figure(history, threshold=0.3)
    [line] = figure.data
    np.testing.assert_allclose(line.y, [12.0, 31.0, 55.0])
    assert [pd.Timestamp(x).date() for x in line.x] == [date(2026, 1, 5), date(2026, 1, 10), date(2026, 1, 19)]
    assert line.marker.color[0] != line.marker.color[1] == line.marker.color[2]
    assert [shape.y0 for shape in figure.layout.shapes] == [30.0]
    ticks = [pd.Timestamp(x).date() for x in figure.layout.xaxis.tickvals]  # one tick a week, never a date twice
    assert ticks == [date(2026, 1, 5), date(2026, 1, 10), date(2026, 1, 19)]


def test_newly_flagged_follows_the_threshold_in_force_for_both_weeks(own_database, bundle, store_clock):
    """Week 1 stored at the model's threshold; the slider lowered before week 2: a patient whose risk did not move
    is not "newly flagged" just because the threshold moved."""
    week1, week2 = _weeks()
    at = open_page("cohort")
    _upload(at, "week1.csv", week1)
    stored_at = at.session_state[state.THRESHOLD]
    lower = round(stored_at / 2, 2)
    at.session_state[state.THRESHOLD] = lower
    at.session_state[THRESHOLD_CHOSEN] = True  # as the slider marks it: a new cohort keeps the user's threshold
    store_clock.advance()
    _upload(at, "week2.csv", week2)
    expected = _expected(week1, week2, bundle, lower)

    def flags(data: bytes, threshold: float) -> pd.DataFrame:
        cohort = score_upload(data, "week.csv", bundle, FACTORY_BANDS)
        return cohort.scored.assign(flagged=Policy.at(threshold, None).flagged(cohort.curves))

    stale = weekly_changes(flags(week1, stored_at), flags(week2, lower))  # week 1's flags as they were stored
    assert len(stale.newly_flagged) > len(expected.newly_flagged)  # the slider alone would have added patients
    metrics = {m.label: int(m.value.replace(",", "")) for m in at.metric if m.value.replace(",", "").isdigit()}
    assert metrics["Newly flagged"] == len(expected.newly_flagged)


def test_a_week_is_compared_only_with_the_same_trials_weeks(own_database, store_clock):
    week1, week2 = _weeks()
    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    assert "This is the first week remembered" in " ".join(c.value for c in at.caption)
    at.text_input(key=state.TRIAL_NAME).set_value("Trial B").run()
    _upload(at, "week1.csv", week1)  # the same day as the demo, another trial: its own first week
    assert "This is the first week remembered" in " ".join(c.value for c in at.caption)
    store_clock.advance()
    _upload(at, "week2.csv", week2)
    since = [shown(m.value) for m in at.markdown if "Since last week" in m.value]
    assert since and "week1.csv" in since[0] and "demo" not in since[0].lower()


def test_a_first_week_shows_no_empty_trend_or_change_column(own_database):
    at = open_page("cohort")
    _upload(at, "week1.csv", _weeks()[0])
    assert "This is the first week remembered" in " ".join(c.value for c in at.caption)
    table = at.dataframe(key="patient_table").value
    assert "trend" not in table and "change_since_last_week" not in table  # never a column of "None"
