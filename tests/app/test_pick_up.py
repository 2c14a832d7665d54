"""Pick up where you left off, and a default a coordinator can use (AppTests over the real entry point)."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

from app import state
from app.views.cohort_start import SWITCHER
from core.decisions.bands import FACTORY_BANDS
from core.decisions.policy import Policy
from core.paths import DEMO_COHORT_PATH
from core.scoring.cohort import score_upload
from core.store import Store
from tests.app.conftest import ENTRY, PAGE_FILES, open_page
from tests.app.test_weekly_changes import _upload, _weeks

DEMO_LINE = (
    "the lowest expected cost for this cohort at $500 a contact and $5,000 a dropout "
    "(example figures until you set your own)."
)


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption])


def _demo_best(bundle) -> float:
    cohort = score_upload(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, bundle, FACTORY_BANDS)
    return Policy.at(0.5).lowest_cost_threshold(cohort.probability)


def test_a_cohort_starts_at_its_lowest_expected_cost_with_flagged_and_cost_at_the_top(bundle):
    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    best = _demo_best(bundle)
    assert at.session_state[state.THRESHOLD] == best
    assert f"Threshold {best:.2f}: {DEMO_LINE}" in _texts(at)
    metrics = {m.label: m.value for m in at.metric}
    flagged = int(np.count_nonzero(Policy.at(best).flagged(at.session_state[state.COHORT].probability)))
    assert metrics["Flagged"] == f"{flagged:,} of 500" and metrics["Capacity used"] == "no limit set"
    assert metrics["Cost with the program"].startswith("$")
    assert metrics["Cost with no program"].startswith("$")


def test_only_flagged_patients_carry_a_contact_and_its_cost_in_the_table():
    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    at.session_state[state.THRESHOLD] = 0.5  # fewer flagged: most rows are not
    at.run()
    table = at.dataframe(key="patient_table").value
    flagged = table["flagged"].astype(bool)
    assert (~flagged).any() and flagged.any()
    assert table.loc[~flagged, "contact"].isna().all() and table.loc[~flagged, "contact_cost"].isna().all()
    assert (table.loc[flagged, "contact"] == "Retention contact").all()


def test_the_address_keeps_every_setting_and_the_trial_on_screen():
    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    assert at.query_params["trial"] == "Demo cohort"
    at.slider(key="cohort_" + state.THRESHOLD).set_value(0.37).run()
    assert at.query_params["threshold"] == "0.37"
    assert at.session_state[state.THRESHOLD] == 0.37


def test_a_new_session_reopens_the_last_trials_latest_week_with_its_call_list(own_database, store_clock):
    first = open_page("cohort")
    first.button(key="load_demo").click().run()
    store_clock.advance()
    first.text_input(key=state.TRIAL_NAME).set_value("Trial B").run()
    week1, _ = _weeks()
    _upload(first, "week1.csv", week1)

    later = open_page("cohort")  # a new browser session: nothing loaded, no address
    assert not later.exception
    assert any("reopened from the store" in i.value and "Trial B" in i.value for i in later.info)
    assert len(later.dataframe(key="patient_table").value) == 40
    assert later.selectbox(key=SWITCHER).value == "Trial B"
    assert "No cohort loaded yet" not in _texts(later)

    later.selectbox(key=SWITCHER).set_value("Demo cohort").run()  # the other trial's latest week
    assert any("for Demo cohort, reopened from the store" in i.value for i in later.info)
    assert len(later.dataframe(key="patient_table").value) == 500
    with Store.open(own_database) as store:
        assert len(store.uploads.recent()) == 2  # reopening stored no new week


def test_a_refresh_with_a_trial_in_the_address_reopens_that_trial(own_database, store_clock):
    first = open_page("cohort")
    first.button(key="load_demo").click().run()
    store_clock.advance()
    first.text_input(key=state.TRIAL_NAME).set_value("Trial B").run()
    _upload(first, "week1.csv", _weeks()[0])
    again = AppTest.from_file(ENTRY, default_timeout=90)
    again.query_params["trial"] = "Demo cohort"
    again.run()
    again.switch_page(PAGE_FILES["cohort"]).run()
    assert any("for Demo cohort, reopened from the store" in i.value for i in again.info)


def test_filters_are_not_carried_from_one_cohort_to_another(store_clock):
    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    at.checkbox(key="filter_flagged").check().run()
    at.multiselect(key="filter_bands").set_value(["Low"]).run()
    _upload(at, "week1.csv", _weeks()[0])
    assert not at.checkbox(key="filter_flagged").value and at.multiselect(key="filter_bands").value == []
