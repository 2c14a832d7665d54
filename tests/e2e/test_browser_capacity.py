"""End to end: with a staff capacity set, the Patient page flags exactly the patients the export lists."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.paths import DEMO_COHORT_PATH
from core.reading.contract import CONTRACT
from core.reading.validation import load_cohort
from core.scoring.scores import score_frame
from tests.e2e.conftest import wait_idle

pytestmark = pytest.mark.browser
CAPACITY = 25
CATEGORIES = ("gender", "treatment_group", "trial_phase")
LABELS = {
    "patient_id": "Patient ID",
    "age": "Age (years)",
    "gender": "Gender",
    "treatment_group": "Treatment arm",
    "trial_phase": "Trial phase",
    "days_in_trial": "Days in the trial",
    "visits_completed": "Visits attended",
    "last_visit_day": "Study day of the last visit",
    "adverse_events": "Adverse events",
}


def _go(page, link: str) -> None:
    """Move within the session by the sidebar (a new address would start a new session)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
    wait_idle(page)


def _fill_patient(page, values: dict) -> str:
    form = page.get_by_test_id("stForm")
    for name, label in LABELS.items():
        value = str(values[name])
        if name in CATEGORIES:
            form.get_by_test_id("stSelectbox").filter(has_text=label).click()
            page.get_by_role("option", name=value, exact=True).click()
        elif name == "patient_id":
            form.get_by_role("textbox", name=label).fill(value)
        else:
            form.get_by_role("spinbutton", name=label).fill(value)
    page.get_by_role("button", name="Assess risk").click()
    wait_idle(page)
    metric = page.get_by_test_id("stMetric").filter(has_text="Flagged for the retention team")
    metric.wait_for()
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def test_patient_page_and_export_agree_under_a_staff_capacity(page, server_url, bundle):
    page.goto(f"{server_url}/cohort")
    wait_idle(page)
    page.get_by_role("button", name="Open the demo cohort").click()
    wait_idle(page)
    page.get_by_text("Checking demo_cohort.csv").wait_for()

    _go(page, "Thresholds & costs")
    page.get_by_text("At most a number of patients").click()
    wait_idle(page)
    amount = page.get_by_role("spinbutton", name="We can contact at most (patients)")
    amount.fill(str(CAPACITY))
    amount.press("Enter")
    wait_idle(page)

    _go(page, "Cohort")
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download the call list (CSV)").click()
    exported = pd.read_csv(
        io.BytesIO(open(download_info.value.path(), "rb").read()), encoding="utf-8-sig", dtype={"Patient ID": str}
    )
    assert len(exported) == CAPACITY and (exported["Flagged"] == "Yes").all()

    demo = pd.read_csv(DEMO_COHORT_PATH, dtype=str).set_index("patient_id", drop=False)
    scored = score_frame(load_cohort(DEMO_COHORT_PATH.read_bytes(), "demo.csv", CONTRACT).valid, bundle, FACTORY_BANDS)
    ranked = scored.sort_values("probability", ascending=False, kind="stable")["patient_id"].tolist()
    assert exported["Patient ID"].tolist() == ranked[:CAPACITY]
    _go(page, "Patient")
    assert _fill_patient(page, demo.loc[ranked[CAPACITY - 1]].to_dict()) == "Yes"  # the last one on the list
    assert _fill_patient(page, demo.loc[ranked[CAPACITY]].to_dict()) == "No"  # the first the team cannot reach
    page.get_by_text(f"taken by {CAPACITY} patients").wait_for()
    assert page.get_by_test_id("stException").count() == 0
