"""Measuring outreach in simulated trials whose true effect is known (core.outreach.simulation).

Coordinators in these worlds call the riskiest flagged patients first, within a weekly capacity: the
plain comparison of contacted and not-contacted patients is then wrong, and the adjusted estimate must
find the truth anyway.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.outreach.effectiveness import estimate_effectiveness
from core.outreach.opportunities import build_opportunities
from core.outreach.simulation import OutreachWorld, simulate_outreach

SEEDS = range(10)


def _estimates(true_effect: float):
    world = OutreachWorld(true_effect=true_effect)
    found = []
    for seed in SEEDS:
        simulated = simulate_outreach(world, seed)
        opportunities = build_opportunities(simulated.scorings, simulated.contacts)
        found.append(estimate_effectiveness(opportunities, replicates=400, seed=seed))
    return found


@pytest.fixture(scope="module")
def with_effect():
    return _estimates(0.30)


@pytest.fixture(scope="module")
def without_effect():
    return _estimates(0.0)


def test_the_estimate_finds_a_30_percent_effect_within_its_interval(with_effect):
    assert all(e.measured and e.window_days == 14 for e in with_effect)
    covered = [e.interval[0] <= 0.30 <= e.interval[1] for e in with_effect]
    assert sum(covered) >= 9, [(round(e.effectiveness, 3), e.interval) for e in with_effect]
    assert abs(np.mean([e.effectiveness for e in with_effect]) - 0.30) < 0.08


def test_the_plain_comparison_is_biased_where_the_adjusted_one_is_not(with_effect, without_effect):
    for estimates, truth in ((with_effect, 0.30), (without_effect, 0.0)):
        naive = np.array([e.naive_effectiveness for e in estimates])
        adjusted = np.array([e.effectiveness for e in estimates])
        assert abs(naive.mean() - truth) > 0.25, naive  # far off, on average
        assert abs(adjusted.mean() - truth) < 0.08, adjusted
        assert np.mean(np.abs(naive - truth)) > 2 * np.mean(np.abs(adjusted - truth))
    # With no effect at all, calls look harmful in the plain comparison, in every world.
    assert all(e.naive_effectiveness < e.interval[0] for e in without_effect)


def test_a_world_where_calls_do_nothing_shows_no_measurable_effect(without_effect):
    covered = [e.interval[0] <= 0.0 <= e.interval[1] for e in without_effect]
    assert sum(covered) >= 9, [(round(e.effectiveness, 3), e.interval) for e in without_effect]
    assert sum(e.measurable for e in without_effect) <= 1


def test_the_simulated_calls_do_keep_patients():
    """The worlds differ only in the effect: same patients, same draws; calls in the first keep some."""
    kept = simulate_outreach(OutreachWorld(true_effect=0.3), 3).scorings
    none = simulate_outreach(OutreachWorld(true_effect=0.0), 3).scorings
    last = kept["upload_id"].max()
    assert kept[kept["upload_id"] == last]["dropped_out"].sum() < none[none["upload_id"] == last]["dropped_out"].sum()


def test_the_same_seed_gives_the_same_world():
    first, again = (simulate_outreach(OutreachWorld(patients=300, weeks=6), 11) for _ in range(2))
    assert first.scorings.equals(again.scorings) and first.contacts.equals(again.contacts)


def test_a_true_effect_above_the_reach_rate_is_refused():
    with pytest.raises(ValueError, match="reach rate"):
        OutreachWorld(true_effect=0.8, reach_rate=0.7)
