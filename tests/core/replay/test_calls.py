"""Each rule's calls, and the call list's, on hand-made weeks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.decisions.policy import Policy
from core.replay.calls import CallSettings, model_calls, rule_calls
from core.replay.weeks import Week

DAY = pd.Timestamp("2025-03-03")


def _week(offset: int, probability, since, missed) -> Week:
    patients = pd.DataFrame(
        {
            "patient_id": list("ABCDE"),
            "site_id": "S1",
            "probability": probability,
            "days_since_last_visit": since,
            "missed_last_visit": missed,
        }
    )
    return Week(DAY + pd.Timedelta(weeks=offset), "hand-made", 0.5, patients)


WEEKS = [
    _week(0, [0.9, 0.8, 0.2, np.nan, 0.6], [3, 20, 15, 40, 13], [False, True, False, True, False]),
    _week(1, [0.9, 0.8, 0.7, 0.1, 0.6], [10, 27, 22, 47, 14], [False, True, True, True, False]),
]


def test_the_call_list_flags_through_the_policy_and_rests_called_patients():
    calls, counts = model_calls(WEEKS, CallSettings(Policy.at(0.5, capacity=2), called_weeks=4))
    assert counts == [2, 2]  # week 0: A, B; week 1: A and B rest, so C (0.7) and E (0.6)
    assert calls.groupby("day")["patient_id"].apply(list).tolist() == [["A", "B"], ["C", "E"]]


def test_the_threshold_and_a_share_of_patients_bound_the_calls():
    _, counts = model_calls(WEEKS, CallSettings(Policy.at(0.0), threshold=0.85, called_weeks=1))
    assert counts == [1, 1]  # only A is at or above 0.85, and rests one week only
    _, counts = model_calls(WEEKS, CallSettings(Policy.at(0.0), capacity_share=0.4, called_weeks=4))
    assert counts == [2, 2]  # ceil(0.4 x 5 ongoing patients)


def test_no_visit_for_14_days_calls_the_longest_gaps_first_up_to_the_same_number():
    calls = rule_calls(WEEKS, [2, 2], "no_visit_14_days", called_weeks=4)
    week0, week1 = (calls[calls["day"] == w.day]["patient_id"].tolist() for w in WEEKS)
    assert sorted(week0) == ["B", "D"]  # gaps 40 and 20 (C's 15 waits: only two calls)
    assert sorted(week1) == ["C", "E"]  # B and D rest; C (22) and E (14, the limit itself)


def test_missed_last_visit_calls_only_those_who_missed():
    calls = rule_calls(WEEKS, [3, 3], "missed_last_visit", called_weeks=4)
    assert calls[calls["day"] == DAY]["patient_id"].tolist() == ["B", "D"]  # two missed, though three were allowed
    assert calls[calls["day"] > DAY]["patient_id"].tolist() == ["C"]


def test_random_calls_are_the_same_number_and_repeat_with_the_seed():
    first = rule_calls(WEEKS, [2, 1], "random", called_weeks=4, seed=3)
    again = rule_calls(WEEKS, [2, 1], "random", called_weeks=4, seed=3)
    assert first.equals(again)
    assert first.groupby("day").size().tolist() == [2, 1]
    assert not set(first[first["day"] == DAY]["patient_id"]) & set(first[first["day"] > DAY]["patient_id"])


def test_the_result_and_the_week_report_hold_the_same_figures():
    from core.history.trial_history import TrialHistory
    from core.replay.summary import replay_result, report_figures

    subjects = pd.DataFrame(
        {
            "patient_id": list("ABCDE"),
            "site_id": ["S1", "S1", "S2", "S2", "S2"],
            "age": 50,
            "gender": "Female",
            "arm": "Active",
            "phase": "Phase III",
            "enrolment_date": pd.Timestamp("2025-01-01"),
            "status": ["withdrawn", "completed", "withdrawn", "ongoing", "withdrawn"],
            "end_date": [DAY + pd.Timedelta(days=30), DAY + pd.Timedelta(days=60), DAY + pd.Timedelta(days=9)]
            + [pd.NaT, DAY + pd.Timedelta(days=3)],
            "planned_days": 120,
        }
    )
    visits = pd.DataFrame({"patient_id": ["A"], "visit_date": [pd.Timestamp("2025-01-01")], "attended": [True]})
    events = pd.DataFrame(
        {"patient_id": [], "onset_date": pd.Series([], dtype="datetime64[s]"), "serious": [], "severity": []}
    )
    history = TrialHistory(subjects, visits, events)
    result = replay_result(history, WEEKS, CallSettings(Policy.at(0.5, capacity=2), called_weeks=4), draws=3)
    # A (left day 30) and C (left day 9, called in week 1 = day 7) reached; E left on day 3, never called.
    assert (result["dropouts"], result["reached_before_leaving"], result["calls"]) == (3, 2, 4)
    assert result["by_site"]["S2"]["reached_before_leaving"] == 1 and result["by_site"]["S1"]["calls"] == 2
    assert result["baselines"]["no_visit_14_days"]["calls"] == 4
    assert result["settings"]["not_judged"] == 1  # D in week 0
    report = report_figures(result)
    assert report["call_list"]["reached_before_leaving"] == 2 and set(report["baselines"]) == set(result["baselines"])
