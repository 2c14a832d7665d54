"""End to end in Chromium with a trial-trained model in use: the demo cohort opens and is scored, the Patient
form asks for the model's own inputs and assesses, and a day-1 patient is "too early to judge"."""

from __future__ import annotations

import pytest

from core.model import coverage
from core.model.registry import Registry
from core.training.candidates import LIGHTGBM
from core.training.trial_versions import register_versions
from tests.core.training.conftest import copy_registry, small_run, small_trial
from tests.e2e.conftest import running_app, wait_idle

pytestmark = pytest.mark.browser
__all__ = ["small_run", "small_trial"]


@pytest.fixture(scope="module")
def trial_server(small_run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("trial_server")
    registry = Registry(copy_registry(folder / "models"))
    registry.promote(register_versions(small_run, registry)[LIGHTGBM], "test")
    with running_app(folder / "streamlit.log", RRADAR_MODELS_DIR=str(registry.root)) as url:
        yield url


def test_the_demo_cohort_opens_under_a_trial_model(page, trial_server):
    page.goto(f"{trial_server}/cohort")
    wait_idle(page)
    page.get_by_role("button", name="Open the demo cohort").click()
    wait_idle(page)
    page.get_by_text("Checking demo_cohort.csv").wait_for()
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_text("could not be used").count() == 0
    assert page.get_by_test_id("stDataFrame").count() >= 1


def test_the_patient_form_assesses_and_a_day_one_patient_is_too_early(page, trial_server):
    page.goto(f"{trial_server}/patient")
    wait_idle(page)
    form = page.get_by_test_id("stForm")
    form.get_by_role("spinbutton", name="Scheduled visits missed").wait_for()  # the trial model's own input
    form.get_by_role("spinbutton", name="Days in the trial").fill("60")  # inside the days the model learned from
    form.get_by_role("spinbutton", name="Study day of the last visit").fill("40")
    form.get_by_role("spinbutton", name="Visits attended").fill("3")
    form.get_by_role("spinbutton", name="Scheduled visits missed").fill("1")
    page.get_by_role("button", name="Assess risk").click()
    metric = page.get_by_test_id("stMetric").filter(has_text="Chance of dropping out")
    metric.wait_for()
    wait_idle(page)
    assert "%" in metric.inner_text()
    assert page.get_by_test_id("stException").count() == 0
    form.get_by_role("spinbutton", name="Days in the trial").fill("1")
    form.get_by_role("spinbutton", name="Study day of the last visit").fill("0")
    form.get_by_role("spinbutton", name="Visits attended").fill("0")
    page.get_by_role("button", name="Assess risk").click()
    page.get_by_test_id("stMetric").filter(has_text=coverage.TOO_EARLY).wait_for()
    wait_idle(page)
    flag = page.get_by_test_id("stMetric").filter(has_text="Flagged for the retention team")
    assert "No" in flag.inner_text()
    assert page.get_by_text("too early to judge", exact=False).count() >= 1
    assert page.get_by_test_id("stException").count() == 0
