"""End to end, the weekly loop: upload week 1, record a contact, reload the page, upload week 2, and see the
change list, the patient's trend and the contact (the app's own database, a fresh SQLite file)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pandas as pd
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.policy import Policy
from core.outreach.changes import weekly_changes
from core.paths import DEMO_COHORT_PATH
from core.reading.contract import CONTRACT
from core.reading.validation import load_cohort
from core.scoring.scores import score_frame
from tests.e2e.conftest import running_app, upload_patient_list, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def weekly_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app server of its own whose database starts empty, so "last week" is the week this test uploaded."""
    folder = tmp_path_factory.mktemp("weekly")
    with running_app(folder / "streamlit.log") as address:  # a database of its own, empty
        yield address


WEEK_1 = pd.Timestamp("2026-11-02")  # each list stands for its own day: a week belongs to the day it gives


def _dated(frame: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The list as a trial system exports it: enrolment and last-visit dates instead of day counts."""
    days, last = frame["days_in_trial"].astype(int), frame["last_visit_day"].astype(int)
    enrolled = as_of - pd.to_timedelta(days - 1, unit="D")
    visited = (enrolled + pd.to_timedelta(last - 1, unit="D")).dt.strftime("%Y-%m-%d").where(last > 0, "")
    dated = frame.drop(columns=["days_in_trial", "last_visit_day"])
    return dated.assign(enrolment_date=enrolled.dt.strftime("%Y-%m-%d"), last_visit_date=visited)


def _weeks(tmp_path) -> dict[str, bytes]:
    """Week 1: 80 demo patients. Week 2, a week later: five of them gone, five new ones, ten with more missed time."""
    demo = pd.read_csv(DEMO_COHORT_PATH, dtype=str, keep_default_na=False)
    demo.loc[0, "last_visit_day"] = demo.loc[0, "days_in_trial"]  # a visit on the day itself: the list's latest date
    week1 = demo.head(80).copy()
    week2 = pd.concat([demo.iloc[:1], demo.iloc[6:80], demo.iloc[80:85]], ignore_index=True)
    week2["days_in_trial"] = (week2["days_in_trial"].astype(int) + 7).astype(str)  # the same patients, a week on
    week2.loc[0, "last_visit_day"] = week2.loc[0, "days_in_trial"]
    later = week2.index[1:11]
    week2.loc[later, "days_in_trial"] = (week2.loc[later, "days_in_trial"].astype(int) + 120).astype(str)
    files = {}
    for name, frame, as_of in (("week1.csv", week1, WEEK_1), ("week2.csv", week2, WEEK_1 + pd.Timedelta(days=7))):
        data = _dated(frame, as_of).to_csv(index=False).encode()
        (tmp_path / name).write_bytes(data)
        files[name] = data
    return files


def _scored(data: bytes, name: str, bundle) -> pd.DataFrame:
    scored = score_frame(load_cohort(data, name, CONTRACT).valid, bundle, FACTORY_BANDS)
    return scored.assign(flagged=Policy.at(bundle.default_threshold).flagged(scored["probability"].to_numpy()))


def _upload(page, path: str, name: str) -> None:
    upload_patient_list(page, path)
    page.get_by_text(f"Checking {name}").wait_for(timeout=60_000)
    wait_idle(page)


def _metric(page, label: str) -> str:
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue").inner_text()


def _record_contact(page, patient: str) -> None:
    page.get_by_role("tab", name="One patient").click()
    form = page.get_by_test_id("stForm").filter(has_text="Save the contact")
    form.get_by_test_id("stSelectbox").click()
    page.keyboard.type(patient)
    page.keyboard.press("Enter")
    form.get_by_text("reached", exact=True).click()
    form.get_by_role("textbox", name="Note (optional)").fill("Will come on Tuesday")
    form.get_by_role("button", name="Save the contact").click()
    page.get_by_text(f"The contact with {patient} was recorded").wait_for(timeout=30_000)
    wait_idle(page)


def test_week_contact_reload_week_two_shows_changes_trend_and_contact(page, weekly_server, bundle, tmp_path):
    files = _weeks(tmp_path)
    week1, week2 = (_scored(files[name], name, bundle) for name in ("week1.csv", "week2.csv"))
    stayed = week2[week2["patient_id"].isin(week1["patient_id"])]
    called = str(stayed.sort_values("probability", ascending=False)["patient_id"].iloc[0])  # flagged in week 2
    assert stayed["flagged"].any()
    page.goto(f"{weekly_server}/cohort")
    wait_idle(page)
    _upload(page, str(tmp_path / "week1.csv"), "week1.csv")
    page.get_by_text("This is the first week remembered").wait_for()
    _record_contact(page, called)

    page.reload()  # a new session: week 1 comes back from the database, not from the browser
    wait_idle(page)
    page.get_by_text("reopened from the store").first.wait_for()
    wait_idle(page)  # the note shows mid-run
    _upload(page, str(tmp_path / "week2.csv"), "week2.csv")
    page.get_by_role("strong").filter(has_text="Since last week").wait_for(timeout=60_000)
    wait_idle(page)

    counts = weekly_changes(week1, week2).counts()
    assert (counts["new"], counts["left"]) == (5, 5)
    assert _metric(page, "New patients") == "5"
    assert _metric(page, "Left the study") == "5"
    assert _metric(page, "Risk rose") == f"{counts['risk_rose']:,}"
    assert _metric(page, "Newly flagged") == f"{counts['newly_flagged']:,}"

    for column in ("Trend",):  # the patient table draws each patient's weeks (wide tables draw columns in view only)
        assert page.locator("th[role=columnheader]").filter(has_text=column).count() >= 1

    with page.expect_download(timeout=60_000) as download_info:  # the export carries the contact
        page.get_by_role("button", name="Download the call list (CSV)").click()
    exported = pd.read_csv(io.BytesIO(open(download_info.value.path(), "rb").read()), encoding="utf-8-sig", dtype=str)
    row = exported[exported["Patient ID"] == called]
    assert row["Last contact outcome"].tolist() == ["reached"]

    page.goto(f"{weekly_server}/patient")  # the patient's trend over both weeks and the contact
    wait_idle(page)
    form = page.get_by_test_id("stForm")
    form.get_by_role("textbox", name="Patient ID").fill(called)
    page.get_by_role("button", name="Assess risk").click()
    page.get_by_text("Risk over the weeks").wait_for(timeout=60_000)
    wait_idle(page)
    trend = page.locator(".js-plotly-plot").filter(has_text="Chance of dropping out (%)")
    trend.wait_for()
    assert trend.locator(".scatterlayer .point").count() == 2  # one point a week
    assert page.get_by_text("Contacts recorded").count() == 1
    assert page.get_by_test_id("stException").count() == 0
