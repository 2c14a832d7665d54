"""core.outreach.changes: the week-to-week change list, checked against a patient-by-patient computation."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.outreach.changes import MIN_RISE, weekly_changes


def _week(ids, probability, threshold: float = 0.5, **extra) -> pd.DataFrame:
    p = np.asarray(probability, dtype=float)
    return pd.DataFrame({"patient_id": list(ids), "probability": p, "flagged": p >= threshold, **extra})


def _direct(last: pd.DataFrame, now: pd.DataFrame, min_rise: float = MIN_RISE) -> dict[str, set[str]]:
    """The four lists the slow way: one patient at a time, the rise in exact decimals (no rounding to trip on)."""
    before = {r.patient_id: r for r in last.itertuples()}
    after = {r.patient_id: r for r in now.itertuples()}
    both = before.keys() & after.keys()

    def rise(pid: str) -> Decimal:
        return Decimal(repr(after[pid].probability)) - Decimal(repr(before[pid].probability))

    return {
        "new": set(after) - set(before),
        "left": set(before) - set(after),
        "risk_rose": {p for p in both if rise(p) >= Decimal(repr(min_rise)) - Decimal("1e-9")},
        "newly_flagged": {p for p in both if after[p].flagged and not before[p].flagged},
    }


def _as_sets(changes) -> dict[str, set[str]]:
    return {name: set(getattr(changes, name)["patient_id"]) for name in ("new", "left", "risk_rose", "newly_flagged")}


def test_each_list_holds_the_right_patients_with_both_weeks_values():
    last = _week(["a", "b", "c", "d", "e"], [0.20, 0.45, 0.60, 0.10, 0.30], site_id=["S1"] * 5)
    now = _week(["b", "c", "d", "e", "f"], [0.55, 0.65, 0.19, 0.30, 0.80], site_id=["S1", "S1", "S2", "S1", "S3"])
    changes = weekly_changes(last, now)
    assert changes.counts() == {"new": 1, "risk_rose": 1, "newly_flagged": 1, "left": 1}
    assert changes.new["patient_id"].tolist() == ["f"] and changes.left["patient_id"].tolist() == ["a"]
    rose = changes.risk_rose.iloc[0]
    assert rose["patient_id"] == "b"
    assert (rose["probability_last_week"], rose["probability_this_week"]) == (0.45, 0.55)
    assert rose["change"] == pytest.approx(0.10)  # 0.55 - 0.45 is 0.1000…009 in floating point
    assert (rose["flagged_last_week"], rose["flagged_this_week"]) == (False, True)
    assert changes.newly_flagged["patient_id"].tolist() == ["b"]
    assert pd.isna(changes.new.iloc[0]["probability_last_week"]) and changes.new.iloc[0]["site_id_this_week"] == "S3"
    assert changes.left.iloc[0]["probability_last_week"] == 0.20 and pd.isna(changes.left.iloc[0]["flagged_this_week"])
    assert "d" not in set(changes.risk_rose["patient_id"])  # 0.10 -> 0.19: up 9 points, not 10


def test_exactly_ten_points_counts_even_where_floating_point_falls_short():
    assert 0.30 - 0.20 < 0.10  # the trap
    changes = weekly_changes(_week(["a", "b"], [0.20, 0.20]), _week(["a", "b"], [0.30, 0.2999]))
    assert changes.risk_rose["patient_id"].tolist() == ["a"]


def test_already_flagged_patients_are_not_newly_flagged_and_new_flagged_patients_are_new():
    last = _week(["a", "b"], [0.9, 0.2])
    now = _week(["a", "b", "c"], [0.95, 0.3, 0.99])
    changes = weekly_changes(last, now)
    assert changes.newly_flagged.empty and changes.new["patient_id"].tolist() == ["c"]


def test_the_lists_are_ordered_highest_first():
    last = _week([f"p{i}" for i in range(6)], [0.1, 0.1, 0.1, 0.1, 0.4, 0.3])
    now = _week([f"p{i}" for i in range(4)] + ["n1", "n2"], [0.5, 0.9, 0.3, 0.7, 0.2, 0.6])
    changes = weekly_changes(last, now)
    assert changes.risk_rose["patient_id"].tolist() == ["p1", "p3", "p0", "p2"]
    assert changes.new["patient_id"].tolist() == ["n2", "n1"] and changes.left["patient_id"].tolist() == ["p4", "p5"]


@pytest.mark.parametrize("min_rise", [0.05, 0.10, 0.25])
def test_a_large_random_pair_of_weeks_matches_the_direct_computation(min_rise):
    rng = np.random.default_rng(int(min_rise * 100))
    ids = np.array([f"T-{i:05d}" for i in range(3_000)])
    last_ids = ids[rng.random(3_000) < 0.9]
    now_ids = ids[rng.random(3_000) < 0.9]
    last = _week(last_ids, rng.random(len(last_ids)).round(2), threshold=0.4)
    now = _week(now_ids, rng.random(len(now_ids)).round(2), threshold=0.4)
    assert _as_sets(weekly_changes(last, now, min_rise)) == _direct(last, now, min_rise)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 100), max_size=8),
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 100), max_size=8),
)
def test_any_two_weeks_match_the_direct_computation(before, after):
    last = _week(before.keys(), [v / 100 for v in before.values()])
    now = _week(after.keys(), [v / 100 for v in after.values()])
    assert _as_sets(weekly_changes(last, now)) == _direct(last, now)


def test_the_input_must_have_the_needed_columns_and_one_row_per_patient():
    good = _week(["a"], [0.5])
    with pytest.raises(ValueError, match="last week's scores lack the column"):
        weekly_changes(good.drop(columns="flagged"), good)
    with pytest.raises(ValueError, match="this week's scores list 1 patient"):
        weekly_changes(good, pd.concat([good, good]))


def test_an_empty_week_makes_everyone_new_or_gone():
    week = _week(["a", "b"], [0.1, 0.9])
    empty = week.head(0)
    assert weekly_changes(empty, week).counts() == {"new": 2, "risk_rose": 0, "newly_flagged": 0, "left": 0}
    assert weekly_changes(week, empty).counts() == {"new": 0, "risk_rose": 0, "newly_flagged": 0, "left": 2}
