"""core.decision: bands, all-threshold curves against sklearn, costs, capacity, optimum."""

from __future__ import annotations

import numpy as np
import pytest

from core.decisions.bands import FACTORY_BANDS, assign_bands, band_plan
from core.decisions.costs import FACTORY_COSTS, CostSettings, break_even_risk, capacity_from_budget
from core.decisions.curves import THRESHOLD_GRID, ThresholdCurves
from core.decisions.policy import Policy
from tests.core.decisions.direct import direct_outcome


def _cohort(seed: int, n: int = 2_000, ties: bool = True) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    if ties:
        p = np.round(p, 2)  # many tied probabilities, some exactly on grid thresholds
    y = (rng.random(n) < p).astype(int)
    return p, y


@pytest.mark.parametrize("seed", range(5))
def test_counts_match_sklearn_confusion_matrix_at_many_thresholds_with_ties(seed):
    p, y = _cohort(seed)
    curves = ThresholdCurves(p, y)
    thresholds = np.concatenate([THRESHOLD_GRID, np.random.default_rng(seed).random(50), [0.0, 1.0, 1.5, -0.1]])
    for t in thresholds:
        d = direct_outcome(p, y, t, FACTORY_COSTS)
        tn, fp, fn, tp = d["true_negatives"], d["false_alarms"], d["missed"], d["caught"]
        outcome = curves.at(t, FACTORY_COSTS, None)
        assert (outcome.true_negatives, outcome.false_alarms, outcome.missed, outcome.caught) == (tn, fp, fn, tp), t


def test_cost_curve_matches_direct_costs_for_random_cost_settings():
    rng = np.random.default_rng(11)
    p, y = _cohort(3)
    curves = ThresholdCurves(p, y)
    for _ in range(20):
        costs = CostSettings(rng.uniform(10, 1000), rng.uniform(100, 20_000), rng.uniform(0, 1))
        curve = curves.cost_curve(costs, None)
        for t, total in zip(curve["threshold"], curve["total_cost"], strict=True):
            assert total == pytest.approx(direct_outcome(p, y, t, costs)["total_cost"])


def test_optimal_threshold_is_the_minimum_of_the_cost_curve():
    p, y = _cohort(7, ties=False)
    curves = ThresholdCurves(p, y)
    costs = CostSettings(300, 4000, 0.6)
    best = curves.optimal_threshold(costs, None)
    curve = curves.cost_curve(costs, None)
    assert curves.at(best, costs, None).total_cost == pytest.approx(curve["total_cost"].min())
    assert best in THRESHOLD_GRID


def test_no_program_loses_every_dropout():
    p, y = _cohort(1)
    outcome = ThresholdCurves(p, y).no_program(CostSettings(500, 5000, 1.0))
    assert outcome.missed == y.sum()
    assert outcome.total_cost == y.sum() * 5000


@pytest.mark.parametrize("capacity", [0, 1, 17, 500, 10_000])
def test_capacity_never_flags_more_than_k_and_flags_the_highest(capacity):
    p, y = _cohort(2)
    curves = ThresholdCurves(p, y)
    mask = curves.top_k_mask(0.2, capacity)
    assert mask.sum() == min(capacity, (p >= 0.2).sum())
    if 0 < mask.sum() < len(p):
        assert p[mask].min() >= p[~mask].max()
    outcome = curves.at(0.2, FACTORY_COSTS, capacity)
    assert outcome.flagged == mask.sum()
    assert outcome.caught == y[mask].sum()
    assert outcome.capacity_binds == (capacity < (p >= 0.2).sum())


def test_capacity_costs_match_direct_computation():
    p, y = _cohort(4)
    costs = CostSettings(200, 3000, 0.8)
    outcome = ThresholdCurves(p, y).at(0.1, costs, 300)
    assert outcome.total_cost == pytest.approx(direct_outcome(p, y, 0.1, costs, capacity=300)["total_cost"])


def test_expected_counts_are_sums_of_probabilities():
    p, _ = _cohort(6)
    curves = ThresholdCurves(p)
    for t in (0.0, 0.25, 0.5, 0.99):
        outcome = curves.at(t, FACTORY_COSTS, None)
        assert outcome.caught == pytest.approx(p[p >= t].sum())
        assert outcome.missed == pytest.approx(p[p < t].sum())
        assert outcome.flagged == (p >= t).sum()


def test_bands_follow_the_cut_points():
    p = np.array([0.0, 0.3499, 0.35, 0.5499, 0.55, 0.7499, 0.75, 1.0])
    names = [b.name for b in assign_bands(p, FACTORY_BANDS)]
    assert names == ["Low", "Low", "Medium", "Medium", "High", "High", "Critical", "Critical"]


def test_band_plan_costs_are_counts_times_action_cost():
    p = np.array([0.9, 0.8, 0.6, 0.4, 0.1, 0.1, 0.1])
    plan = {row["band"]: row for row in band_plan(p, FACTORY_BANDS)}
    assert [plan[b.name]["patients"] for b in FACTORY_BANDS] == [2, 1, 1, 3]
    assert plan["Critical"]["cost"] == 2 * 500
    assert plan["Low"]["cost"] == pytest.approx(3 * 0.5)


def test_break_even_risk_and_budget_capacity():
    assert break_even_risk(CostSettings(500, 5000, 1.0)) == pytest.approx(0.1)
    assert break_even_risk(CostSettings(500, 5000, 0.5)) == pytest.approx(0.2)
    assert capacity_from_budget(10_250, CostSettings(500, 5000, 1.0)) == 20


@pytest.mark.parametrize("seed", range(4))
def test_per_patient_prices_cost_the_flagged_patients_own_prices(seed):
    """The tiered plan: contact dollars are the sum of the flagged patients' own prices, capacity included."""
    rng = np.random.default_rng(seed)
    p = np.round(rng.random(400), 2)  # ties on purpose
    y = (rng.random(400) < p).astype(float)
    prices = rng.choice([0.5, 45.0, 150.0, 500.0], 400)
    curves = ThresholdCurves(p, y, prices)
    for threshold, capacity in [(0.3, None), (0.1, 50), (0.0, 400), (0.95, 3)]:
        outcome = curves.at(threshold, FACTORY_COSTS, capacity)
        flagged = curves.top_k_mask(threshold, capacity)
        assert outcome.intervention_cost == pytest.approx(prices[flagged].sum())
        direct = direct_outcome(p, y, threshold, FACTORY_COSTS, capacity)
        assert outcome.dropout_cost == pytest.approx(direct["dropout_cost"])
        curve = curves.cost_curve(FACTORY_COSTS, capacity, np.array([threshold]))
        assert curve["total_cost"][0] == pytest.approx(prices[flagged].sum() + direct["dropout_cost"])


def test_the_policy_is_the_one_flag_rule_for_a_cohort_and_for_one_patient():
    rng = np.random.default_rng(7)
    p = rng.random(200)
    curves = ThresholdCurves(p)
    policy = Policy.at(0.3, 25)
    mask = policy.flagged(curves)
    assert mask.sum() == policy.flagged_count(curves) == 25
    np.testing.assert_array_equal(mask, policy.flagged(p))  # curves or probabilities: the same rule
    ones = [policy.flag_one(float(p[i]), curves, i).flagged for i in range(len(p))]
    np.testing.assert_array_equal(np.array(ones), mask)  # each patient's own flag agrees with the cohort's
