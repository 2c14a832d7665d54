"""CDISC Pilot 01 cut into landmark snapshots: counts, labels, hand-checked features, both input forms, no look-ahead."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from core.history.export import to_csv_files
from core.history.landmarks import default_landmarks, landmark_snapshots, snapshot_at, visit_interval_at
from core.history.three_tables import read_three_tables
from core.history.trial_history import TrialHistory, study_days
from core.reading.contract import CONTRACT
from core.reading.validation import load_cohort
from tests.core.history.conftest import raw_domain


def _enrolled_dispositions() -> pd.DataFrame:
    """Straight from DM and DS: each randomised subject's disposition term and its study day."""
    dm, ds = raw_domain("dm"), raw_domain("ds")
    enrolled = dm.loc[dm["ARMCD"] != "Scrnfail", "USUBJID"]
    events = ds[(ds["DSCAT"] == "DISPOSITION EVENT") & ds["USUBJID"].isin(enrolled)]
    assert events["USUBJID"].is_unique and len(events) == len(enrolled) == 254
    return events


def test_day_56_has_192_patients_still_enrolled_and_82_of_them_later_discontinued(cdisc):
    snapshot = snapshot_at(cdisc, 56)
    assert len(snapshot) == 192
    assert snapshot["patient_id"].is_unique
    assert int(snapshot["dropout"].sum()) == 82
    assert round(100 * snapshot["dropout"].mean(), 1) == 42.7


@pytest.mark.parametrize("day", [28, 56, 84, 112, 140, 168])
def test_each_landmark_holds_exactly_the_patients_whose_disposition_comes_later(cdisc, day):
    events = _enrolled_dispositions()
    later = events[events["DSSTDY"] > day]
    snapshot = snapshot_at(cdisc, day)
    assert set(snapshot["patient_id"]) == set(later["USUBJID"])
    labels = snapshot.set_index("patient_id")["dropout"]
    expected = (later.set_index("USUBJID")["DSDECOD"] != "COMPLETED").astype(float)
    pd.testing.assert_series_equal(labels.sort_index(), expected.sort_index(), check_names=False)


def test_default_landmarks_run_every_28_days_up_to_the_26_planned_weeks(cdisc):
    assert cdisc.planned_length() == 182
    assert default_landmarks(cdisc) == [28, 56, 84, 112, 140, 168]
    assert landmark_snapshots(cdisc)["landmark_day"].value_counts().sort_index().tolist() == [
        229,
        192,
        155,
        145,
        127,
        117,
    ]


def test_the_usual_visit_interval_at_day_56_is_the_median_gap_between_scheduled_visits_by_then(cdisc):
    # Independently of core.history: scheduled SV visits (a planned VISITDY) of randomised subjects,
    # from day 1 on, gaps between consecutive distinct visit days that end on or before day 56.
    dm, sv = raw_domain("dm"), raw_domain("sv")
    sv = sv[sv["VISITDY"].notna()].merge(dm[dm["ARMCD"] != "Scrnfail"][["USUBJID", "RFSTDTC"]], on="USUBJID")
    sv["day"] = (pd.to_datetime(sv["SVSTDTC"]) - pd.to_datetime(sv["RFSTDTC"])).dt.days + 1
    days = sv[sv["day"] >= 1].drop_duplicates(["USUBJID", "day"]).sort_values(["USUBJID", "day"])
    days["gap"] = days.groupby("USUBJID")["day"].diff()
    expected = days.loc[days["gap"].notna() & (days["day"] <= 56), "gap"].median()
    assert visit_interval_at(cdisc, 56) == expected == 12.0  # the ECG visits (days 13 and 30) shorten gaps


# Expected values below come from reading the raw rows (quoted) by hand; study day = (date - RFSTDTC) + 1.
HAND_CHECKED = {
    # 01-704-1025, RFSTDTC 2013-09-27, so day 56 = 2013-11-21. DS: ADVERSE EVENT, DSSTDTC 2013-11-29 (day 64).
    # SV: BASELINE 2013-09-27 (d1), AMBUL ECG PLACEMENT 2013-10-10 (d14), WEEK 2 2013-10-11 (d15),
    #     WEEK 4 2013-10-25 (d29), UNSCHEDULED 5.1 2013-10-28 (not scheduled), AMBUL ECG REMOVAL 2013-11-29 (d64, later).
    # AE: VERTIGO MODERATE N 2013-09-28 (d2), PALPITATIONS MODERATE N 2013-09-28 (d2), ECG ST SEGMENT
    #     DEPRESSION MILD N 2013-10-11 (d15) twice, WOLFF-PARKINSON-WHITE MILD N 2013-10-25 (d29) twice.
    # Missed: nothing since day 29, 27 days: with a usual interval of 12, floor(27/12 - 1/2) = 1.
    "01-704-1025": dict(
        visits_completed=4,
        last_visit_day=29,
        days_since_last_visit=27,
        visits_missed=1,
        adverse_events=6,
        adverse_events_last_30_days=2,
        serious_adverse_events=0,
        severe_adverse_events=0,
        dropout=1.0,
        age=81,
        gender="Female",
        treatment_group="Xanomeline Low Dose",
    ),
    # 01-708-1428, RFSTDTC 2013-11-09, day 56 = 2014-01-03. DS: ADVERSE EVENT, DSSTDTC 2014-01-31 (day 84).
    # SV: BASELINE 2013-11-09 (d1), ECG PLACEMENT 2013-11-22 (d14), WEEK 2 2013-11-23 (d15), WEEK 4 2013-12-10 (d32),
    #     ECG REMOVAL 2013-12-12 (d34), WEEK 6 2013-12-26 (d48), WEEK 8 2014-01-31 (d84, later).
    # AE: EPISTAXIS MILD N 2013-11-22 (d14); on 2013-12-10 (d32) APPLICATION SITE ERYTHEMA, PRURITUS and
    #     WARMTH, each once MODERATE N and once SEVERE N.
    # Missed: gaps 13, 1, 17, 2, 14 and 8 days since: none reaches 1.5 intervals of 12.
    "01-708-1428": dict(
        visits_completed=6,
        last_visit_day=48,
        days_since_last_visit=8,
        visits_missed=0,
        adverse_events=7,
        adverse_events_last_30_days=6,
        serious_adverse_events=0,
        severe_adverse_events=3,
        dropout=1.0,
        age=84,
        gender="Female",
        treatment_group="Xanomeline Low Dose",
    ),
    # 01-718-1371, RFSTDTC 2013-04-26, day 56 = 2013-06-20. DS: ADVERSE EVENT, DSSTDTC 2013-08-08 (day 105).
    # SV: BASELINE 2013-04-26 (d1), ECG PLACEMENT 2013-05-07 (d12), WEEK 2 2013-05-08 (d13), UNSCHEDULED 4.1
    #     2013-05-09 (not scheduled), WEEK 4 2013-05-24 (d29), ECG REMOVAL 2013-05-26 (d31), WEEK 6 2013-06-20 (d56).
    # AE: FATIGUE MILD N and NAUSEA MILD N 2013-05-09 (d14); APPLICATION SITE IRRITATION MILD N and MODERATE N
    #     2013-05-24 (d29); HALLUCINATION, VISUAL MODERATE N and PARTIAL SEIZURES ... SEVERE Y 2013-06-02 (d38).
    # Missed: 25 days between day 31 and day 56, round(25/12) - 1 = 1 (week 6 came at week 8's time).
    "01-718-1371": dict(
        visits_completed=6,
        last_visit_day=56,
        days_since_last_visit=0,
        visits_missed=1,
        adverse_events=6,
        adverse_events_last_30_days=4,
        serious_adverse_events=1,
        severe_adverse_events=1,
        dropout=1.0,
        age=69,
        gender="Female",
        treatment_group="Xanomeline High Dose",
    ),
}


@pytest.mark.parametrize("patient", sorted(HAND_CHECKED))
def test_day_56_features_match_the_raw_sv_and_ae_rows_read_by_hand(cdisc, patient):
    row = snapshot_at(cdisc, 56).set_index("patient_id").loc[patient]
    expected = HAND_CHECKED[patient]
    assert {name: row[name] for name in expected} == expected
    assert row["days_in_trial"] == 56 and row["trial_phase"] == "Phase II"
    assert row["visits_per_30_days"] == pytest.approx(expected["visits_completed"] / 56 * 30)
    assert row["last_gap_in_intervals"] == pytest.approx(expected["days_since_last_visit"] / 12)


def test_the_three_table_form_gives_the_same_snapshots_as_the_sdtm_form(cdisc):
    again = read_three_tables(to_csv_files(cdisc))
    assert all(table.accounted and table.n_problem_rows == 0 for table in again.report.tables)
    pd.testing.assert_frame_equal(landmark_snapshots(again), landmark_snapshots(cdisc))


def _without_the_future(history: TrialHistory, day: int) -> TrialHistory:
    """Every event after ``day`` deleted and every disposition after it moved 100 days later."""
    subjects = history.subjects.copy()
    start = subjects.set_index("patient_id")["enrolment_date"]
    late_end = study_days(subjects["end_date"], subjects["enrolment_date"]) > day
    subjects.loc[late_end, "end_date"] += pd.Timedelta(days=100)

    def keep(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        days = study_days(frame[column], frame["patient_id"].map(start))
        return frame[days <= day]

    return replace(
        history,
        subjects=subjects,
        visits=keep(history.visits, "visit_date"),
        adverse_events=keep(history.adverse_events, "onset_date"),
    )


@pytest.mark.parametrize("day", [28, 56, 84])
def test_no_look_ahead_features_at_a_landmark_ignore_everything_after_it(cdisc, day):
    changed = _without_the_future(cdisc, day)
    assert len(changed.visits) < len(cdisc.visits) and len(changed.adverse_events) < len(cdisc.adverse_events)
    pd.testing.assert_frame_equal(snapshot_at(changed, day), snapshot_at(cdisc, day))
    later = snapshot_at(cdisc, day + 28)  # the change does show one landmark on
    assert not later.equals(snapshot_at(changed, day + 28))


def test_no_look_ahead_holds_with_a_planned_visit_schedule_too(cdisc):
    planned = replace(cdisc, schedule=(1, 14, 28, 42, 56, 70, 84, 98, 112, 126, 140, 154, 168, 182))
    pd.testing.assert_frame_equal(snapshot_at(_without_the_future(planned, 56), 56), snapshot_at(planned, 56))
    assert not np.array_equal(snapshot_at(planned, 56)["visits_missed"], snapshot_at(cdisc, 56)["visits_missed"])


def test_every_landmark_snapshot_is_a_valid_cohort_file(cdisc):
    contract = CONTRACT.with_levels({"treatment_group": sorted(cdisc.subjects["arm"].unique())})
    for day, snapshot in landmark_snapshots(cdisc).groupby("landmark_day"):
        result = load_cohort(snapshot.to_csv(index=False).encode(), f"day{day}.csv", contract)
        assert result.problems.empty
        assert len(result.valid) == len(snapshot)
        assert result.valid["dropout"].notna().all()
