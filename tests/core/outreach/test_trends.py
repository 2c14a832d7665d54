"""core.outreach.trends: each patient's risk across stored weeks; the not-contacted filter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.outreach.trends import (
    CHANGE,
    TREND,
    ScoredWeek,
    probability_by_week,
    risk_trends,
)
from core.scoring.cohort import CohortFilter, filter_mask


def _week(label: str, **probabilities: float) -> ScoredWeek:
    return ScoredWeek(
        label, pd.DataFrame({"patient_id": list(probabilities), "probability": list(probabilities.values())})
    )


WEEKS = [
    _week("2026-01-05", A=0.10, B=0.50, C=0.30),
    _week("2026-01-12", A=0.20, B=0.40),  # C left
    _week("2026-01-19", A=0.35, B=0.45, D=0.60),  # D is new
]


def test_trend_lists_each_patients_weeks_oldest_first_and_the_change_since_last_week():
    trends = risk_trends(WEEKS)
    assert trends.loc["A", TREND] == [0.10, 0.20, 0.35]
    assert trends.loc["B", TREND] == [0.50, 0.40, 0.45]
    assert trends.loc["C", TREND] == [0.30]
    assert trends.loc["D", TREND] == [0.60]
    assert trends.loc["A", CHANGE] == pytest.approx(0.15)
    assert trends.loc["B", CHANGE] == pytest.approx(0.05)
    assert np.isnan(trends.loc["C", CHANGE]) and np.isnan(trends.loc["D", CHANGE])


def test_only_the_last_n_weeks_are_kept():
    trends = risk_trends(WEEKS, last_n=2)
    assert trends.loc["A", TREND] == [0.20, 0.35]
    assert "C" not in trends.index  # scored only in the week dropped
    with pytest.raises(ValueError, match="at least one week"):
        risk_trends(WEEKS, last_n=0)


def test_rows_follow_the_patients_asked_for_and_unknown_ones_get_an_empty_trend():
    trends = risk_trends(WEEKS, patient_ids=["D", "Z", "A"])
    assert trends.index.tolist() == ["D", "Z", "A"]
    assert trends.loc["Z", TREND] == []
    assert np.isnan(trends.loc["Z", CHANGE])


def test_a_single_week_has_no_change_and_no_week_gives_an_empty_frame():
    one = risk_trends(WEEKS[:1])
    assert one.loc["B", TREND] == [0.50] and one[CHANGE].isna().all()
    assert risk_trends([]).empty
    assert risk_trends([], patient_ids=["A"]).loc["A", TREND] == []


def test_identifiers_are_compared_as_text_and_weeks_on_the_same_day_stay_apart():
    numbers = [
        ScoredWeek("2026-01-05", pd.DataFrame({"patient_id": [7, 8], "probability": [0.1, 0.2]})),
        ScoredWeek("2026-01-05", pd.DataFrame({"patient_id": ["7"], "probability": [0.4]})),
    ]
    wide = probability_by_week(numbers)
    assert wide.shape == (2, 2)
    assert risk_trends(numbers).loc["7", TREND] == [0.1, 0.4]


def test_bad_weeks_are_refused_with_the_weeks_label():
    twice = ScoredWeek("2026-02-02", pd.DataFrame({"patient_id": ["A", "A"], "probability": [0.1, 0.2]}))
    with pytest.raises(ValueError, match="2026-02-02.*more than once"):
        risk_trends([twice])
    with pytest.raises(ValueError, match="probability"):
        risk_trends([ScoredWeek("w", pd.DataFrame({"patient_id": ["A"]}))])


def test_the_not_contacted_filter_drops_recently_contacted_patients_and_says_so():
    scored = pd.DataFrame({"patient_id": ["A", "B", "C"], "probability": [0.2, 0.5, 0.9]})
    flagged = np.array([False, True, True])
    chosen = CohortFilter(not_contacted_only=True)
    assert filter_mask(scored, flagged, chosen, frozenset({("", "B")})).tolist() == [True, False, True]
    assert filter_mask(scored, flagged, CohortFilter(), frozenset({("", "B")})).all()  # only when asked for
    assert filter_mask(scored, flagged, chosen, None).all()  # contacts not known: nothing to narrow by
    both = CohortFilter(flagged_only=True, not_contacted_only=True)
    assert filter_mask(scored, flagged, both, frozenset({("", "B")})).tolist() == [False, False, True]
    assert "not contacted in the last 28 days" in both.describe()
    assert "contacted" not in CohortFilter(flagged_only=True).describe()
