"""The fair test: a manager switches the random hold-out on; a coordinator cannot; the Cohort page marks the held out."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import state
from app.views.team_settings import FAIR_TEST_BUTTON
from core.decision_settings import HOLDOUT_SHARE
from core.outreach.holdout import HELD_OUT_WORDS
from core.store import Store
from core.trust.audit import read_events
from tests.app.conftest import PAGE_FILES, TEAM, click, shown, sign_in

ANA, CLEO = ("Ana Lopez", TEAM["Ana Lopez"][1]), ("cleo", TEAM["cleo"][1])


def _saved_share(url: str):
    with Store.open(url) as store:
        saved = store.settings.latest()
    return saved[HOLDOUT_SHARE].value if HOLDOUT_SHARE in saved else None


def _switch_on(at: AppTest, percent: int) -> AppTest:
    at.toggle(key=state.FAIR_TEST_ON).set_value(True)
    at.number_input(key=state.FAIR_TEST_PERCENT).set_value(percent)
    return click(at, FAIR_TEST_BUTTON)


def test_a_manager_switches_the_fair_test_on_and_the_cohort_page_holds_patients_out(team, tmp_path):
    at = sign_in(*ANA)
    assert _saved_share(team) is None
    at.switch_page(PAGE_FILES["cohort"]).run()
    at = click(at, "Open the demo cohort")  # stored while the fair test is off: nobody held out
    assert not at.exception and "Fair test this week" not in " ".join(i.value for i in at.info)
    at = _switch_on(at, 20)  # switched on with the week on screen: the week is drawn at once
    assert not at.exception, [e.value for e in at.exception]
    assert _saved_share(team) == pytest.approx(0.20)
    events, _ = read_events(tmp_path / "audit.jsonl")
    assert list(events.loc[events["event"] == "fair_test_saved", "by"]) == ["Ana Lopez"]
    notes = shown(" ".join(i.value for i in at.info))
    assert "Fair test this week" in notes and "usual care" in notes
    with Store.open(team) as store:
        [upload] = store.holdouts.drawn_uploads()
        draw = store.holdouts.of_upload(upload)
    assert draw.share == pytest.approx(0.20) and draw.drawn_by == "Ana Lopez"
    assert len(draw.patients) == round(0.20 * draw.flagged) > 0
    marked = [f for f in at.dataframe if "fair_test" in f.value.columns]
    assert marked, "the patient table has no fair-test column"
    words = marked[0].value["fair_test"]
    assert (words == HELD_OUT_WORDS).sum() == len(draw.patients)  # every held-out patient is flagged: shown
    assert set(words) == {"", HELD_OUT_WORDS}

    at.toggle(key=state.FAIR_TEST_ON).set_value(False)
    click(at, FAIR_TEST_BUTTON)
    assert _saved_share(team) == 0.0  # off again


def test_a_coordinator_sees_the_fair_test_but_cannot_switch_it(team):
    at = sign_in(*CLEO)
    assert not [t for t in at.toggle if t.key == state.FAIR_TEST_ON]
    assert FAIR_TEST_BUTTON not in [b.label for b in at.button]
    assert "Only a manager can switch it on or off." in shown(" ".join(c.value for c in at.sidebar.caption))
    assert _saved_share(team) is None
    at.switch_page(PAGE_FILES["thresholds"]).run()
    assert not at.exception
    assert "The fair test (random hold-out)" in " ".join(m.value for m in at.markdown)
    assert "No week has a hold-out with known outcomes yet" in " ".join(c.value for c in at.caption)
