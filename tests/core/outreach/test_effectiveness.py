"""core.outreach.effectiveness on small records whose answer is worked out by hand: adjustment, clusters, refusals."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from core.outreach.effectiveness import estimate_effectiveness, risk_groups_for

WEEK = date(2026, 3, 2)


def _flags(
    counts: list[tuple[float, bool, int, int]], week: date = WEEK, prefix: str = "P", start: int = 0
) -> pd.DataFrame:
    """Flags from (risk, contacted, how many, how many of them dropped out), one patient each."""
    rows = []
    for probability, contacted, n, dropouts in counts:
        for i in range(n):
            rows.append(
                {
                    "patient_id": f"{prefix}{start + len(rows)}",
                    "scored_on": week,
                    "probability": probability,
                    "contacted": contacted,
                    "dropped_out": i < dropouts,
                }
            )
    frame = pd.DataFrame(rows, columns=["patient_id", "scored_on", "probability", "contacted", "dropped_out"])
    return frame.astype({"dropped_out": "boolean"})


# Low risk: contacted 10% drop out, not contacted 20%. High risk: contacted 30%, not contacted 60%.
# Most calls go to high-risk patients, so the plain comparison hides what the calls did.
CONFOUNDED = [(0.35, True, 40, 4), (0.35, False, 160, 32), (0.80, True, 160, 48), (0.80, False, 40, 24)]


def test_the_adjusted_figure_is_the_one_worked_out_by_hand_and_the_plain_one_is_not():
    estimate = estimate_effectiveness(_flags(CONFOUNDED), risk_groups=2, replicates=400)
    # Contacted: (4 + 48) / 200 = 26%. Without the call, at the contacted patients' mix of risks:
    # (40 × 20% + 160 × 60%) / 200 = 52%. Effectiveness 1 - 26/52 = 50%; the plain comparison:
    # 26% against (32 + 24) / 200 = 28%, 1 - 26/28 = 7.1%.
    assert estimate.refusal is None
    assert estimate.rate_contacted == pytest.approx(0.26)
    assert estimate.rate_not_contacted == pytest.approx(0.52)
    assert estimate.effectiveness == pytest.approx(0.5)
    assert estimate.difference == pytest.approx(0.26)
    assert estimate.naive_effectiveness == pytest.approx(1 - 26 / 28)
    assert estimate.interval[0] < 0.5 < estimate.interval[1] and estimate.measurable
    assert estimate.difference_interval[0] < 0.26 < estimate.difference_interval[1]
    assert (estimate.contacted_patients, estimate.not_contacted_patients) == (200, 200)
    low, high = estimate.groups
    assert (low.contacted, low.contacted_dropouts, low.not_contacted, low.not_contacted_dropouts) == (40, 4, 160, 32)
    assert (high.contacted, high.contacted_compared, high.not_contacted_dropouts) == (160, 160, 24)


def test_flags_of_different_weeks_are_compared_only_within_their_week():
    # The same risk, but week 2's patients drop out three times as often, and are called more: a pooled
    # comparison would credit the calls with harm they did not do.
    first = _flags([(0.5, True, 50, 5), (0.5, False, 150, 15)], week=WEEK)
    second = _flags([(0.5, True, 150, 45), (0.5, False, 50, 15)], week=WEEK + timedelta(weeks=1), start=1000)
    estimate = estimate_effectiveness(pd.concat([first, second]), replicates=200)
    assert estimate.effectiveness == pytest.approx(0.0, abs=1e-12)  # 10% vs 10%, 30% vs 30%
    assert estimate.naive_effectiveness < -0.5  # 25% contacted against 15% not contacted, pooled
    assert not estimate.measurable


def test_a_patient_flagged_in_many_weeks_is_one_cluster():
    weeks = [WEEK + timedelta(weeks=k) for k in range(5)]
    one_week = [(0.5, True, 60, 12), (0.5, False, 60, 24)]
    same_patients = pd.concat([_flags(one_week, week=w) for w in weeks])
    new_patients = pd.concat([_flags(one_week, week=w, start=1000 * k) for k, w in enumerate(weeks)])

    repeated = estimate_effectiveness(same_patients, replicates=1000)
    distinct = estimate_effectiveness(new_patients, replicates=1000)
    assert repeated.effectiveness == distinct.effectiveness == pytest.approx(0.5)
    width = {name: e.interval[1] - e.interval[0] for name, e in (("repeated", repeated), ("distinct", distinct))}
    # Five flags of one patient are one patient's worth of evidence: about sqrt(5) = 2.2 times as wide.
    assert width["repeated"] > 1.7 * width["distinct"]
    assert repeated.contacted_patients == 60 and repeated.contacted_flags == 300


def test_unknown_outcomes_are_left_out_and_counted():
    known = _flags(CONFOUNDED)
    unknown = _flags([(0.8, True, 30, 0), (0.35, False, 7, 0)], start=5000).assign(
        dropped_out=pd.array([pd.NA] * 37, dtype="boolean")
    )
    with_unknown = estimate_effectiveness(pd.concat([known, unknown]), risk_groups=2, replicates=100)
    assert with_unknown.unknown_outcome_flags == 37
    assert with_unknown.effectiveness == pytest.approx(0.5) and with_unknown.contacted_flags == 200


def test_a_harmful_record_is_reported_as_measured_not_clipped():
    harmful = [(0.5, True, 100, 40), (0.5, False, 100, 20)]
    estimate = estimate_effectiveness(_flags(harmful), replicates=300)
    assert estimate.effectiveness == pytest.approx(-1.0)  # 40% against 20%
    assert estimate.interval[1] < 0 and not estimate.measurable and estimate.measured


def test_too_few_contacted_patients_is_a_refusal_in_plain_words():
    estimate = estimate_effectiveness(_flags([(0.5, True, 12, 3), (0.5, False, 300, 90)]))
    assert not estimate.measured and np.isnan(estimate.effectiveness)
    assert "12 contacted and 300 not contacted" in estimate.refusal and "at least 30" in estimate.refusal


def test_no_overlap_in_risk_is_a_refusal():
    # Everyone at 0.9 was called, nobody at 0.4 was: nothing to compare the called patients with.
    estimate = estimate_effectiveness(_flags([(0.9, True, 100, 20), (0.4, False, 100, 20)]), risk_groups=2)
    assert not estimate.measured and "similar risk" in estimate.refusal
    assert estimate.outside_overlap_flags == 100


def test_no_dropouts_among_the_comparable_not_contacted_is_a_refusal():
    estimate = estimate_effectiveness(_flags([(0.5, True, 100, 0), (0.5, False, 100, 0)]))
    assert not estimate.measured and "None of the comparable not-contacted patients dropped out" in estimate.refusal


def test_no_record_at_all_is_a_refusal_not_an_error():
    estimate = estimate_effectiveness(_flags([]))
    assert not estimate.measured and "0 contacted and 0 not contacted" in estimate.refusal


def test_risk_groups_follow_the_scarcer_kind_of_flag():
    assert [risk_groups_for(c, n) for c, n in [(10, 5_000), (100, 5_000), (5_000, 120), (5_000, 5_000)]] == [
        2,
        5,
        6,
        10,
    ]


def test_a_refusal_says_what_is_missing_contacts_or_outcomes():
    few_contacts = estimate_effectiveness(_flags([(0.5, True, 12, 3), (0.5, False, 300, 90)]))
    assert "Record each contact with a flagged patient in the outreach log." in few_contacts.refusal
    assert "Dropped out column" not in few_contacts.refusal

    waiting = _flags([(0.5, True, 60, 0), (0.5, False, 60, 0)], start=9000).assign(
        dropped_out=pd.array([pd.NA] * 120, dtype="boolean")
    )
    no_outcomes = estimate_effectiveness(pd.concat([_flags([(0.5, True, 5, 1), (0.5, False, 5, 2)]), waiting]))
    assert "5 contacted and 5 not contacted" in no_outcomes.refusal
    assert (
        "Dropped out column filled in" in no_outcomes.refusal and "120 flags are still waiting" in no_outcomes.refusal
    )
