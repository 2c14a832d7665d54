"""core.history.landmarks on small hand-made histories: who is in on day t, the label, and features from day <= t only."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from core.history.landmarks import (
    COHORT_COLUMNS,
    EVENT_COLUMNS,
    default_landmarks,
    landmark_snapshots,
    snapshot_as_of,
    snapshot_at,
)
from core.history.trial_history import TrialHistory

START = pd.Timestamp("2024-01-01")


def day(n: int, start: pd.Timestamp = START) -> pd.Timestamp:
    """The date of study day ``n`` for a patient enrolled on ``start``."""
    return start + pd.Timedelta(days=n - 1)


def subject(pid: str, status: str, end: pd.Timestamp | None, start: pd.Timestamp = START, **extra) -> dict:
    row = dict(patient_id=pid, site_id="S1", age=60, gender="Female", arm="Drug", phase="Phase II")
    row |= dict(enrolment_date=start, status=status, end_date=end, planned_days=pd.NA)
    return row | extra


def history(subjects, visits=(), events=(), **options) -> TrialHistory:
    return TrialHistory(
        subjects=pd.DataFrame(subjects),
        visits=pd.DataFrame(list(visits), columns=["patient_id", "visit_date", "attended"]),
        adverse_events=pd.DataFrame(list(events), columns=["patient_id", "onset_date", "serious", "severity"]),
        **options,
    )


@pytest.fixture
def trial() -> TrialHistory:
    late = pd.Timestamp("2024-02-01")
    return history(
        [
            subject("A", "completed", day(57)),
            subject("B", "withdrawn", day(56)),
            subject("C", "ongoing", None),
            subject("D", "ongoing", None, start=late),
        ],
        visits=[("A", day(n), True) for n in (1, 15, 29, 57)] + [("B", day(1), True), ("D", late, True)],
        events=[
            ("A", day(26), False, "mild"),
            ("A", day(27), True, "moderate"),
            ("A", day(56), False, "severe"),
            ("A", day(57), True, "severe"),
        ],
        cutoff=day(56),
    )


def test_in_the_study_on_day_t_means_a_disposition_after_t_or_ongoing_and_followed_to_t(trial):
    assert snapshot_at(trial, 28)["patient_id"].tolist() == ["A", "B", "C"]  # D: followed 25 days only
    at56 = snapshot_at(trial, 56)
    assert at56["patient_id"].tolist() == ["A", "C"]  # B left on day 56 itself
    assert snapshot_at(trial, 57)["patient_id"].tolist() == []  # A left on 57; C followed to 56
    assert at56["dropout"].tolist()[0] == 0.0 and np.isnan(at56["dropout"].tolist()[1])
    assert snapshot_at(trial, 28).set_index("patient_id").loc["B", "dropout"] == 1.0


def test_features_count_events_on_or_before_t_only(trial):
    a = snapshot_at(trial, 56).set_index("patient_id").loc["A"]
    assert (a["days_in_trial"], a["visits_completed"], a["last_visit_day"], a["days_since_last_visit"]) == (
        56,
        3,
        29,
        27,
    )
    assert a["adverse_events"] == 3  # days 26, 27 and 56; not 57
    assert a["adverse_events_last_30_days"] == 2  # days 27..56: day 26 is 30 days before day 56
    assert (a["serious_adverse_events"], a["severe_adverse_events"]) == (1, 1)
    assert a["visits_per_30_days"] == pytest.approx(3 / 56 * 30)
    assert a["last_gap_in_intervals"] == pytest.approx(27 / 14)  # usual interval: gaps 14 and 14
    assert a["visits_missed"] == 1  # a visit due around day 43 (window closed day 50) did not happen
    c = snapshot_at(trial, 56).set_index("patient_id").loc["C"]
    assert (c["visits_completed"], c["last_visit_day"], c["days_since_last_visit"]) == (0, 0, 56)
    assert c["visits_missed"] == 3  # expected every 14 days after enrolment: 15, 29, 43 (window closed on day 50)


def test_listed_missed_visits_are_counted_rather_than_estimated(trial):
    listed = replace(
        trial,
        visits=pd.concat(
            [
                trial.visits,
                pd.DataFrame({"patient_id": ["A", "A"], "visit_date": [day(43), day(71)], "attended": False}),
            ]
        ),
        missed_visits_listed=True,
    )
    a = snapshot_at(listed, 56).set_index("patient_id").loc["A"]
    assert a["visits_missed"] == 1 and a["visits_completed"] == 3
    assert snapshot_at(listed, 56).set_index("patient_id").loc["C", "visits_missed"] == 0


def test_a_planned_schedule_counts_each_planned_visit_whose_window_closed_without_a_visit(trial):
    planned = replace(trial, schedule=(1, 15, 29, 43, 57))
    rows = snapshot_at(planned, 56).set_index("patient_id")
    assert rows.loc["A", "visits_missed"] == 1  # the window of day 43 closed on day 50
    assert rows.loc["C", "visits_missed"] == 4
    assert snapshot_at(planned, 49).set_index("patient_id").loc["A", "visits_missed"] == 0  # not closed yet


def test_the_snapshot_as_of_a_date_holds_every_patient_not_yet_ended(trial):
    gone_quiet = subject("E", "ongoing", None, start=pd.Timestamp("2023-06-01"))
    running = replace(
        trial,
        subjects=pd.concat([trial.subjects, pd.DataFrame([gone_quiet])]),
        visits=pd.concat(
            [trial.visits, pd.DataFrame([{"patient_id": "E", "visit_date": "2023-06-01", "attended": True}])]
        ),
    )
    rows = snapshot_as_of(running, "2024-02-10").set_index("patient_id")
    assert rows.index.tolist() == ["A", "B", "C", "D", "E"]
    assert rows["days_in_trial"].to_dict() == {"A": 41, "B": 41, "C": 41, "D": 10, "E": 255}
    assert (rows.loc["A", "visits_completed"], rows.loc["A", "adverse_events"]) == (3, 2)
    assert rows.loc["E", "days_since_last_visit"] == 254  # unseen since day 1, still a patient
    assert snapshot_as_of(running, "2024-02-25").index.size == 4  # B ended that day
    assert snapshot_as_of(running)["patient_id"].tolist() == ["A", "C", "D", "E"]  # default: the cut-off


def test_an_empty_adverse_events_table_gives_zero_counts(trial):
    quiet = replace(trial, adverse_events=trial.adverse_events.iloc[0:0])
    snapshot = snapshot_at(quiet, 28)
    assert snapshot[["adverse_events", "serious_adverse_events", "adverse_events_last_30_days"]].eq(0).all().all()


def test_default_landmarks_come_from_the_planned_length_or_the_longest_follow_up(trial):
    assert default_landmarks(trial) == [28, 56]  # A is followed to day 57
    planned = replace(trial, subjects=trial.subjects.assign(planned_days=112))
    assert default_landmarks(planned) == [28, 56, 84, 112]
    snapshots = landmark_snapshots(planned)
    assert snapshots.columns.tolist() == ["landmark_day", *COHORT_COLUMNS, *EVENT_COLUMNS]
    assert snapshots["landmark_day"].tolist() == [28, 28, 28, 56, 56]
    assert landmark_snapshots(planned, []).empty


def test_events_of_a_patient_missing_from_subjects_are_refused(trial):
    stray = replace(
        trial,
        visits=pd.concat([trial.visits, pd.DataFrame([{"patient_id": "Z", "visit_date": START, "attended": True}])]),
    )
    with pytest.raises(ValueError, match="not in subjects"):
        snapshot_at(stray, 28)
