"""End to end in Chromium: every page opens by URL; the patient form gives a probability and a waterfall."""

from __future__ import annotations

import time

import pytest

from core.decisions.bands import FACTORY_BANDS
from core.model.whatif import validate_patient
from core.reading.contract import CONTRACT
from core.scoring.scores import score_frame
from tests.e2e.conftest import record_figure, wait_idle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path,heading",
    [
        ("overview", "Trial Retention Radar"),
        ("patient", "Assess one patient"),
        ("model", "How good is the model?"),
    ],
)
def test_each_page_opens_by_its_url(page, server_url, path, heading):
    page.goto(f"{server_url}/{path}")
    wait_idle(page)
    page.get_by_role("heading", name=heading).wait_for()
    assert page.get_by_test_id("stException").count() == 0


def test_patient_form_shows_probability_and_waterfall(page, server_url, bundle):
    page.goto(f"{server_url}/patient")
    wait_idle(page)
    form = page.get_by_test_id("stForm")
    page.get_by_role("button", name="Assess risk").click()  # first result: loads the chart library too
    page.get_by_text("Chance of dropping out", exact=True).wait_for()
    wait_idle(page)
    form.get_by_role("spinbutton", name="Age (years)").fill("71")
    form.get_by_role("spinbutton", name="Adverse events").fill("4")
    form.get_by_role("spinbutton", name="Study day of the last visit").fill("35")
    metric = page.get_by_test_id("stMetric").filter(has_text="Chance of dropping out")
    before = metric.inner_text()
    started = time.perf_counter()
    page.get_by_role("button", name="Assess risk").click()
    page.wait_for_function(
        "([before]) => { const m = [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".find(e => e.innerText.includes('Chance of dropping out')); return m && m.innerText !== before; }",
        arg=[before],
    )
    record_figure("patient_result_ms", (time.perf_counter() - started) * 1000)
    wait_idle(page)

    values = {
        "patient_id": "NEW-001",
        "age": 71,
        "gender": "Female",
        "treatment_group": "Active",
        "trial_phase": "Phase II",
        "days_in_trial": 90,
        "visits_completed": 6,
        "last_visit_day": 35,
        "adverse_events": 4,
    }
    expected = score_frame(
        validate_patient(values, CONTRACT).valid, bundle, FACTORY_BANDS, bundle.default_threshold
    ).iloc[0]["probability"]
    assert f"{expected:.1%}" in metric.inner_text()
    waterfall = page.locator(".js-plotly-plot").first
    waterfall.wait_for()
    assert "What moved this patient" in waterfall.inner_text()
    assert page.get_by_test_id("stException").count() == 0
