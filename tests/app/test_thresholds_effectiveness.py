"""The Thresholds page's "Does outreach work?": measured from the store, offered to the cost model by a button."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import state
from app.views.effectiveness import APPLY_KEY, whole_percent
from core.outreach.effectiveness import estimate_effectiveness
from core.outreach.opportunities import opportunities_from_store
from core.outreach.simulation import OutreachWorld, record_in_store, simulate_outreach
from core.store import NewContact, Store
from tests.app.conftest import PAGE_FILES, TEAM, open_page, shown, sign_in

# A small trial where calls clearly work (2,000 patients, 12 weeks): quick to store and to measure.
WORLD = OutreachWorld(patients=2_000, weeks=12, capacity=100, true_effect=0.6)


@pytest.fixture(scope="module")
def simulated():
    return simulate_outreach(WORLD, seed=1)


def _filled(url: str, simulated) -> float:
    """Put the simulated trial in the store; returns the effectiveness the estimate measures on it."""
    with Store.open(url) as store:
        record_in_store(simulated, store)
        estimate = estimate_effectiveness(opportunities_from_store(store))
    assert estimate.measurable, estimate.refusal  # the world is chosen so that the effect shows
    return estimate.effectiveness


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return shown(" ".join(parts))


def _costs_at_threshold(at: AppTest) -> list[str]:
    """The cost table's column for the threshold in force."""
    return list(at.table[0].value.iloc[:, 0])


def test_with_an_empty_database_the_page_says_what_is_missing():
    at = open_page("thresholds")
    assert "Does outreach work?" in [s.value for s in at.subheader]
    text = _text(at)
    assert "Too few patients with a known outcome" in text
    assert "record each contact with a flagged patient in the outreach log" in text.lower()
    assert "The cost model keeps your figure: contacts 100% effective." in text
    assert APPLY_KEY not in [b.key for b in at.button]


def test_a_measured_effect_is_shown_and_the_button_puts_it_in_force(own_database, simulated):
    measured = _filled(own_database, simulated)
    offered = whole_percent(measured)
    at = open_page("thresholds")
    text = _text(at)
    assert f"kept about **{offered}%** in the trial (likely between" in text
    assert "not an experiment" in text
    before = _costs_at_threshold(at)
    assert at.session_state[state.EFFECTIVENESS] == 1.0  # shown, not applied: the user's figure stays
    [button] = [b for b in at.button if b.key == APPLY_KEY]
    assert button.label == f"Use {offered}% in the cost model" and not button.disabled
    button.click().run()
    assert not at.exception
    assert at.session_state[state.EFFECTIVENESS] == pytest.approx(offered / 100)
    assert at.slider(key="thresholds_settings_effectiveness").value == offered
    assert _costs_at_threshold(at) != before  # the cost table is priced with the measured figure
    assert "already the measured figure" in _text(at)
    at.switch_page(PAGE_FILES["overview"]).run()
    assert f"Contact effectiveness {offered:.1f}%" in " ".join(m.value for m in at.sidebar.markdown)
    assert "(example figures)" not in " ".join(m.value for m in at.sidebar.markdown)


def test_a_coordinator_sees_the_measurement_but_cannot_apply_it(team, simulated):
    measured = _filled(team, simulated)
    at = sign_in("cleo", TEAM["cleo"][1])
    at.switch_page(PAGE_FILES["thresholds"]).run()
    assert f"kept about **{whole_percent(measured)}%**" in _text(at)
    [button] = [b for b in at.button if b.key == APPLY_KEY]
    assert button.disabled and "ask a manager" in button.help
    assert at.session_state[state.EFFECTIVENESS] == 1.0


def test_the_estimate_is_worked_out_once_per_new_data_not_on_every_slider_move(own_database, simulated, monkeypatch):
    _filled(own_database, simulated)
    calls = []
    real = estimate_effectiveness
    monkeypatch.setattr("app.services.measured_effect.estimate_effectiveness", lambda o: calls.append(1) or real(o))
    at = open_page("thresholds")
    at.slider(key="thresholds_settings_threshold").set_value(0.4).run()
    at.slider(key="thresholds_settings_threshold").set_value(0.5).run()
    assert len(calls) == 1
    with Store.open(own_database) as store:  # a new contact: the estimate is made again
        patient = str(simulated.contacts["patient_id"].iloc[0])
        store.outreach.record(
            NewContact(patient, simulated.contacts["contact_date"].iloc[0], "Phone call", "x", "reached")
        )
    at.slider(key="thresholds_settings_threshold").set_value(0.45).run()
    assert len(calls) == 2 and not at.exception
