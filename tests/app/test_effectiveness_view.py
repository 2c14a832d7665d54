"""app.views.effectiveness: the measured effect in plain words, its refusal, and the button that applies it."""

from __future__ import annotations

from dataclasses import replace

from streamlit.testing.v1 import AppTest

from core.outreach.effectiveness import EffectEstimate, RiskGroup
from tests.app.conftest import shown

MEASURED = EffectEstimate(
    effectiveness=0.3449,
    interval=(0.158, 0.467),
    difference=0.081,
    difference_interval=(0.035, 0.12),
    rate_contacted=0.154,
    rate_not_contacted=0.235,
    naive_effectiveness=-0.62,
    contacted_patients=514,
    not_contacted_patients=1725,
    contacted_flags=2686,
    not_contacted_flags=10254,
    unknown_outcome_flags=842,
    outside_overlap_flags=122,
    groups=(RiskGroup(0.30, 0.45, 100, 20, 3000, 600, 100), RiskGroup(0.45, 0.99, 2586, 400, 7254, 1500, 2464)),
    replicates=1000,
    window_days=14,
)


def _section(estimate, current, may_apply):
    import streamlit as st

    from app.views.effectiveness import effectiveness_section

    def apply(value: float) -> None:
        st.session_state["applied"] = value

    effectiveness_section(estimate, current, apply, may_apply)


def _run(estimate: EffectEstimate, current: float = 1.0, may_apply: bool = True) -> AppTest:
    at = AppTest.from_function(_section, args=(estimate, current, may_apply), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return shown(" ".join(parts))


def test_a_measured_effect_is_said_plainly_with_its_range_group_sizes_and_caveat():
    at = _run(MEASURED)
    text = _text(at)
    assert "kept about **34%** in the trial (likely between 16% and 47%)" in text
    assert "every 100 flagged patients contacted, about 8 fewer dropped out" in text
    assert "514 flagged patients who were contacted (2,686 times flagged)" in text
    assert "1,725 who were not contacted" in text and "842 flags are left out" in text
    assert "122 contacted flags are left out" in text
    assert "not an experiment" in text and "within 14 days of the flag" in text
    assert "would be -62%" in text  # the unadjusted comparison, for contrast
    assert not at.warning
    assert [b.label for b in at.button] == ["Use 34% in the cost model"]
    assert "applied" not in at.session_state  # nothing changes until the button is pressed


def test_the_button_hands_the_measured_figure_to_the_cost_model():
    at = _run(MEASURED)
    at.button[0].click().run()
    assert at.session_state["applied"] == 0.34


def test_a_person_who_may_not_change_costs_sees_the_button_disabled():
    at = _run(MEASURED, may_apply=False)
    assert at.button[0].disabled and "ask a manager" in at.button[0].help


def test_the_figure_already_in_use_is_not_offered_again():
    at = _run(MEASURED, current=0.34)
    assert not at.button and "already the measured figure" in _text(at)


def test_no_measurable_effect_is_said_and_nothing_is_offered():
    unclear = replace(MEASURED, effectiveness=0.08, interval=(-0.05, 0.2), difference=0.02)
    at = _run(unclear, current=0.6)
    assert "No measurable effect" in at.warning[0].value
    assert not at.button and "keeps your figure: contacts 60% effective" in _text(at)


def test_a_harmful_looking_record_is_reported_as_such():
    harm = replace(MEASURED, effectiveness=-0.4, interval=(-0.7, -0.1), difference=-0.05)
    at = _run(harm)
    assert "dropped out **40% more often**" in _text(at) and at.warning and not at.button


def test_a_refusal_gives_the_reason_and_keeps_the_users_figure():
    reason = "Too few patients with a known outcome to say: 12 contacted and 300 not contacted [see](http://x.test)."
    refused = replace(MEASURED, effectiveness=float("nan"), interval=(float("nan"),) * 2, refusal=reason)
    at = _run(refused, current=0.5)
    assert shown(at.info[0].value) == reason  # shown as written: no link made of it
    assert "\\[see\\]\\(" in at.info[0].value  # escaped, so no link is made of it
    assert not at.button and not at.markdown and "contacts 50% effective" in _text(at)
