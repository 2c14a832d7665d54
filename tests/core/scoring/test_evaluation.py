"""core.evaluation: the cost table, rates, decision curve, gains and subgroups against direct computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.decisions.costs import FACTORY_COSTS, CostSettings
from core.decisions.curves import THRESHOLD_GRID, ThresholdCurves
from core.scoring.evaluation import (
    SubgroupCurves,
    age_groups,
    cost_table,
    decision_curve,
    gains,
    per_thousand,
    rate_curves,
    rates,
)
from tests.core.decisions.direct import direct_outcome

cohorts = st.integers(min_value=1, max_value=300).flatmap(
    lambda n: st.tuples(
        st.lists(
            st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.99, 1.0]) | st.floats(0, 1), min_size=n, max_size=n
        ),
        st.lists(st.integers(0, 1), min_size=n, max_size=n),
    )
)
cost_settings = st.builds(CostSettings, st.floats(0, 5000), st.floats(0, 50_000), st.floats(0, 1))
thresholds = st.sampled_from([0.0, 0.01, 0.5, 0.99, 1.0]) | st.floats(0, 1)


@settings(max_examples=150, deadline=None)
@given(cohorts, cost_settings, thresholds, st.none() | st.integers(0, 400))
def test_every_cost_table_cell_equals_a_direct_sklearn_computation(cohort, costs, threshold, capacity):
    p, y = np.array(cohort[0]), np.array(cohort[1])
    table = cost_table(ThresholdCurves(p, y), threshold, costs, capacity, 0.5)
    used = table.attrs["thresholds"]
    for column in ("chosen", "reference", "cost_optimal"):
        direct = direct_outcome(p, y, used[column], costs, capacity)
        for row, value in direct.items():
            if row == "true_negatives":
                continue
            assert table.at[row, column] == pytest.approx(value, rel=1e-9, abs=1e-6), (column, row)
    assert table.at["total_cost", "no_program"] == pytest.approx(y.sum() * costs.dropout_cost)
    assert table.at["savings", "no_program"] == 0


@settings(max_examples=60, deadline=None)
@given(cohorts, cost_settings, st.none() | st.integers(0, 400))
def test_cost_optimal_threshold_is_the_minimum_of_the_curve(cohort, costs, capacity):
    p, y = np.array(cohort[0]), np.array(cohort[1])
    table = cost_table(ThresholdCurves(p, y), 0.3, costs, capacity, 0.5)
    direct_costs = [direct_outcome(p, y, t, costs, capacity)["total_cost"] for t in THRESHOLD_GRID]
    assert table.at["total_cost", "cost_optimal"] == pytest.approx(min(direct_costs), abs=1e-6)


def test_per_thousand_scales_by_cohort_size():
    p = np.linspace(0, 1, 400)
    y = (p > 0.6).astype(int)
    table = cost_table(ThresholdCurves(p, y), 0.5, FACTORY_COSTS, None, 0.5)
    np.testing.assert_allclose(per_thousand(table, 400).to_numpy(), table.to_numpy() * 2.5)


def test_rates_match_their_definitions():
    rng = np.random.default_rng(0)
    p = rng.random(1000)
    y = (rng.random(1000) < p).astype(int)
    outcome = ThresholdCurves(p, y).at(0.4, FACTORY_COSTS, None)
    r = rates(outcome, 1000)
    flagged = p >= 0.4
    assert r.precision == pytest.approx(y[flagged].mean())
    assert r.recall == pytest.approx(flagged[y == 1].mean())
    assert r.specificity == pytest.approx((~flagged)[y == 0].mean())
    assert r.flagged_rate == pytest.approx(flagged.mean())
    curve = rate_curves(ThresholdCurves(p, y), None)
    i = list(THRESHOLD_GRID).index(0.4)
    assert curve["precision"][i] == pytest.approx(r.precision) and curve["recall"][i] == pytest.approx(r.recall)


def test_decision_curve_net_benefit_by_hand():
    p = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    y = np.array([1, 0, 1, 0, 0])
    curve = decision_curve(ThresholdCurves(p, y), np.array([0.25]))
    # flagged at 0.25: 0.9 (TP), 0.8 (FP), 0.3 (TP) -> 2/5 - 1/5 * (0.25/0.75)
    assert curve["model"][0] == pytest.approx(2 / 5 - 1 / 5 / 3)
    assert curve["flag_all"][0] == pytest.approx(2 / 5 - 3 / 5 / 3)
    assert curve["flag_none"][0] == 0


def test_gains_count_dropouts_among_the_riskiest():
    p = np.array([0.9, 0.8, 0.7, 0.2, 0.1, 0.05, 0.04, 0.03, 0.02, 0.01])
    y = np.array([1, 1, 0, 0, 1, 0, 0, 0, 0, 0])
    g = gains(ThresholdCurves(p, y), points=11)
    assert g["share_of_dropouts"][2] == pytest.approx(2 / 3)  # top 20% = 2 patients, both dropouts
    assert g["share_of_dropouts"][-1] == pytest.approx(1.0)


def test_expected_gains_use_probabilities():
    p = np.array([0.8, 0.2])
    g = gains(ThresholdCurves(p), points=3)
    assert g["share_of_dropouts"][1] == pytest.approx(0.8)


@pytest.mark.parametrize("capacity", [None, 0, 7, 50])
def test_subgroups_match_a_direct_groupby_with_the_same_flagged_set(capacity):
    rng = np.random.default_rng(3)
    n = 300
    p = np.round(rng.random(n), 1)  # ties across groups
    y = (rng.random(n) < p).astype(int)
    groups = pd.Series(rng.choice(["A", "B", "C"], n))
    curves = ThresholdCurves(p, y)
    table = SubgroupCurves(curves, groups, y).at(0.3, capacity).set_index("group")
    flagged = curves.top_k_mask(0.3, capacity)
    for name in "ABC":
        members = (groups == name).to_numpy()
        assert table.at[name, "patients"] == members.sum()
        assert table.at[name, "flagged"] == (flagged & members).sum()
        assert table.at[name, "caught"] == (flagged & members & (y == 1)).sum()
        dropouts = (members & (y == 1)).sum()
        assert table.at[name, "recall"] == pytest.approx((flagged & members & (y == 1)).sum() / dropouts)
    assert table["flagged"].sum() == flagged.sum()


def test_expected_subgroups_sum_probabilities():
    p = np.array([0.9, 0.6, 0.3, 0.2])
    groups = pd.Series(["A", "B", "A", "B"])
    table = SubgroupCurves(ThresholdCurves(p), groups, None).at(0.5, None).set_index("group")
    assert table.at["A", "caught"] == pytest.approx(0.9) and table.at["A", "dropouts"] == pytest.approx(1.2)


def test_age_groups_cover_the_contract_range():
    assert list(age_groups(pd.Series([18, 34, 35, 64, 65, 100]))) == ["18-34", "18-34", "35-49", "50-64", "65+", "65+"]
