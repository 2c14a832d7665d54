"""The counting on a hand-made trial whose answer is worked out by hand."""

from __future__ import annotations

import pandas as pd

from core.history.endings import ANY_DISCONTINUATION
from core.history.trial_history import TrialHistory
from core.replay.counting import by_site, figures, outcomes

START = pd.Timestamp("2025-01-06")


def _history() -> TrialHistory:
    """A withdrew on day 50 (S1), B withdrew on day 22 (S1), C completed (S2), D withdrew before the start (S2),
    E withdrew on day 36 (S2), F ongoing (S2)."""
    day = START.__add__
    ends = [day(pd.Timedelta(days=49)), day(pd.Timedelta(days=21)), day(pd.Timedelta(days=80))]
    ends += [START - pd.Timedelta(days=3), day(pd.Timedelta(days=35)), pd.NaT]
    return TrialHistory(
        subjects=pd.DataFrame(
            {
                "patient_id": list("ABCDEF"),
                "site_id": ["S1", "S1", "S2", "S2", "S2", "S2"],
                "age": 50,
                "gender": "Female",
                "arm": "Active",
                "phase": "Phase III",
                "enrolment_date": pd.Timestamp("2024-12-01"),
                "status": ["withdrawn", "withdrawn", "completed", "withdrawn", "withdrawn", "ongoing"],
                "end_date": ends,
                "planned_days": 120,
            }
        ),
        visits=pd.DataFrame({"patient_id": ["A"], "visit_date": [pd.Timestamp("2024-12-01")], "attended": [True]}),
        adverse_events=pd.DataFrame(
            {"patient_id": [], "onset_date": pd.Series([], dtype="datetime64[s]"), "serious": [], "severity": []}
        ),
    )


def _calls() -> pd.DataFrame:
    week = pd.Timedelta(days=7)
    # A first called in week 0 and again in week 5; B called in week 4 (day 28), after leaving on day 21;
    # C called twice; F once; E never.
    rows = [(START, "A"), (START + 5 * week, "A"), (START + 4 * week, "B"), (START, "C"), (START + week, "C")]
    rows.append((START + 2 * week, "F"))
    return pd.DataFrame(rows, columns=["day", "patient_id"])


def test_figures_count_withdrawals_reached_before_leaving_and_their_warning():
    result = figures(_calls(), outcomes(_history()), START)
    assert result["dropouts"] == 3  # A, B, E (D left before the replay began)
    assert result["reached_before_leaving"] == 1  # A only: B was called after leaving, E never
    assert result["median_weeks_of_warning"] == 7.0  # A: first call on the start day, left 49 days later
    assert result["calls"] == 6
    assert result["calls_per_withdrawal_reached"] == 6.0
    assert result["share_of_calls_to_completers"] == round(2 / 6, 3)  # C's two calls
    assert result["weeks_of_warning"]["counts"]["4 to 8 weeks"] == 1
    assert sum(result["weeks_of_warning"]["counts"].values()) == 1


def test_figures_per_site_add_up_to_the_whole():
    truth = outcomes(_history())
    sites = by_site(_calls(), truth, START)
    assert sites["S1"]["dropouts"] == 2 and sites["S1"]["reached_before_leaving"] == 1 and sites["S1"]["calls"] == 3
    assert sites["S2"]["dropouts"] == 1 and sites["S2"]["reached_before_leaving"] == 0 and sites["S2"]["calls"] == 3
    assert sites["S2"]["calls_per_withdrawal_reached"] is None and sites["S2"]["median_weeks_of_warning"] is None


def test_no_calls_reach_no_one():
    empty = pd.DataFrame(columns=["day", "patient_id"])
    result = figures(empty, outcomes(_history()), START)
    assert (result["reached_before_leaving"], result["calls"], result["share_of_calls_to_completers"]) == (0, 0, None)


def test_a_withdrawal_for_an_adverse_event_is_a_dropout_only_when_any_discontinuation_counts():
    history = _history()
    subjects = history.subjects.assign(reason=["adverse event", "", "", "", "withdrawal by subject", ""])
    history = TrialHistory(subjects=subjects, visits=history.visits, adverse_events=history.adverse_events)
    retention = figures(_calls(), outcomes(history), START)  # the default: retention dropouts only
    every = figures(_calls(), outcomes(history, ANY_DISCONTINUATION), START)
    assert (retention["dropouts"], retention["reached_before_leaving"]) == (2, 0)  # B (no reason given) and E
    assert (every["dropouts"], every["reached_before_leaving"]) == (3, 1)  # A too, reached
