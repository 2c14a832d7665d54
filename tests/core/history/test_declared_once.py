"""Every history table declared once: an input added to the declarations, and nowhere else, reaches the
subjects frame, the landmark and as-of cohort rows, and a trial model's feature frame.

The input here is ``distance_to_site_km`` (a per-subject number). It is added the way docs/ARCHITECTURE.md
says ("Adding an input a trial model uses"), but to temporary copies of the contracts and the feature table,
so no source file changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.history.as_of import as_of_snapshot
from core.history.contracts import HISTORY, SUBJECTS, HistoryColumn, HistoryContract
from core.history.export import to_csv_files
from core.history.landmarks import COHORT_COLUMNS, landmark_snapshots
from core.history.sdtm import CDISC_PILOT_DIR, read_sdtm
from core.history.simulated import HistoryPlan, simulate_history
from core.history.three_tables import read_three_tables
from core.model import features
from core.model.features import STANDARD_FEATURES, TRIAL_FEATURES, Feature, build_features, feature_specs
from core.reading.contract import CONTRACT, Field
from core.training.landmark_data import landmark_cells, landmark_data, trial_contract, validated_landmarks
from tests.core.history.conftest import csv, raw_domain

NAME = "distance_to_site_km"
DISTANCE = Field(
    NAME,
    "number",
    "Distance to site (km)",
    "How far the patient lives from the trial site, in kilometres.",
    unit="km",
    required=False,
    may_be_blank=True,  # a model that uses it copes with a blank (and requires only the column)
    low=0,
    synonyms=("distance to site", "distance km"),
    in_form=False,
)
SUBJECT_ROWS = csv(
    """
    Subject ID,Site,Age,Sex,Arm,Phase,Enrollment date,Status,End date,Distance to site
    P1,S1,50,F,Placebo,Phase 3,2024-01-01,completed,2024-06-01,12.5
    P2,S1,61,M,Active,Phase 3,2024-01-10,Lost to follow-up,2024-03-01,80
    P3,S2,70,F,Active,Phase 3,2024-01-20,,,3
    """
)
VISIT_ROWS = csv(
    """
    Subject ID,Visit date
    P1,2024-01-01
    P1,2024-01-15
    P1,2024-01-29
    P1,2024-06-01
    P2,2024-01-10
    P2,2024-01-24
    P3,2024-01-20
    P3,2024-02-03
    P3,2024-06-10
    """
)
EVENT_ROWS = csv(
    """
    Subject ID,Onset date,Serious,Severity
    P2,2024-01-20,Y,Grade 3
    """
)
FILES = {"subjects.csv": SUBJECT_ROWS, "visits.csv": VISIT_ROWS, "adverse_events.csv": EVENT_ROWS}
EXPECTED = {"P1": 12.5, "P2": 80.0, "P3": 3.0}


def with_distance(sdtm: str = "") -> HistoryContract:
    """The history contract and its cohort contract with the new input: one Field, one history column."""
    return HISTORY.adding(SUBJECTS, HistoryColumn(DISTANCE, sdtm=sdtm), cohort=CONTRACT.adding(DISTANCE))


def by_patient(frame: pd.DataFrame) -> dict[str, float]:
    return {str(k): float(v) for k, v in frame.groupby("patient_id")[NAME].first().items()}


@pytest.fixture
def distance_feature(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """The feature entry, added to the table for this test only; returns a trial model's feature names."""
    entry = Feature(
        NAME,
        "Distance from home to the trial site",
        (NAME,),
        lambda valid, levels: valid[NAME].to_numpy(dtype=float),
        "distance",
        used_by=(features.TRIAL,),
    )
    monkeypatch.setitem(features.FEATURES_BY_NAME, NAME, entry)
    return (*TRIAL_FEATURES, NAME)


def test_a_new_subject_input_reaches_the_landmark_rows_the_as_of_rows_and_the_features(distance_feature):
    history = read_three_tables(FILES, contract=with_distance())
    assert history.report.problems.empty
    assert history.subjects.set_index("patient_id")[NAME].to_dict() == EXPECTED

    snapshots = landmark_snapshots(history, [28, 56])
    assert NAME in snapshots.columns
    assert by_patient(snapshots) == EXPECTED

    as_of = as_of_snapshot(history, "2024-02-01")
    assert as_of.set_index("patient_id")[NAME].to_dict() == {"P1": "12.5", "P2": "80.0", "P3": "3.0"}

    cells = landmark_cells(history, [28, 56])
    contract = trial_contract(history, distance_feature)
    assert contract[NAME].required  # the model reads it, so a file scored by it must give it
    valid, refused = validated_landmarks(cells, contract)
    assert refused == 0 and len(valid) == len(cells) > 0
    levels = {f.name: list(contract[f.name].levels) for f in feature_specs(distance_feature) if f.categorical}
    frame = build_features(valid, distance_feature, levels)
    assert list(frame.columns) == list(distance_feature)
    values = dict(zip(valid["patient_id"], frame[NAME], strict=True))
    assert values == {pid: EXPECTED[pid] for pid in valid["patient_id"]}


def test_without_the_declaration_the_column_is_not_read():
    """The other side: the product's own contract does not know the column, so nothing carries it."""
    history = read_three_tables(FILES)
    assert NAME not in history.subjects
    assert NAME not in landmark_snapshots(history, [28]).columns


def test_a_new_column_survives_export_and_reading_back():
    history = read_three_tables(FILES, contract=with_distance())
    again = read_three_tables(to_csv_files(history), contract=with_distance())
    assert again.subjects.set_index("patient_id")[NAME].to_dict() == EXPECTED


def test_a_new_column_with_an_sdtm_source_is_read_from_its_domain():
    files = {p.name: p.read_bytes() for p in sorted(CDISC_PILOT_DIR.iterdir()) if p.suffix in (".xpt", ".csv")}
    dm = raw_domain("dm")
    dm["DISTKM"] = np.arange(len(dm)) % 50 + 0.5
    del files["dm.xpt"]
    files["dm.csv"] = dm.to_csv(index=False).encode()
    history = read_sdtm(files, contract=with_distance("DM.DISTKM"))
    expected = dm.assign(USUBJID=dm["USUBJID"].str.strip()).set_index("USUBJID")["DISTKM"]
    subjects = history.subjects.set_index("patient_id")
    assert subjects[NAME].to_dict() == expected.loc[subjects.index].to_dict()
    assert NAME in landmark_snapshots(history, [28]).columns


def test_the_simulator_fills_an_optional_column_it_draws_no_values_for_and_refuses_a_required_one():
    history = simulate_history(HistoryPlan(n_patients=30), contract=with_distance())
    assert history.subjects[NAME].isna().all()
    assert NAME in landmark_snapshots(history, [28]).columns
    required = HISTORY.adding(SUBJECTS, HistoryColumn(Field(NAME, "number", "Distance", "km", low=0)))
    with pytest.raises(ValueError, match=NAME):
        simulate_history(HistoryPlan(n_patients=30), contract=required)


def test_a_history_without_values_for_the_new_input_still_trains_and_drops_the_feature(distance_feature):
    history = simulate_history(HistoryPlan(n_patients=300), contract=with_distance())
    data = landmark_data(history, feature_names=distance_feature)
    assert NAME in data.valid.columns and data.valid[NAME].isna().all()
    assert NAME in data.dropped_features and NAME not in data.feature_names


def test_the_declarations_give_todays_lists():
    """Pins what is derived, so a change to the declarations that changes behaviour is seen."""
    assert HISTORY.carried() == {
        "patient_id": "patient_id",
        "site_id": "site_id",
        "age": "age",
        "gender": "gender",
        "arm": "treatment_group",
        "phase": "trial_phase",
    }
    assert COHORT_COLUMNS[6:] == ["days_in_trial", "visits_completed", "last_visit_day", "adverse_events", "dropout"]
    assert HISTORY.subjects.sdtm_mapping("DM") == {
        "patient_id": "USUBJID",
        "site_id": "SITEID",
        "age": "AGE",
        "gender": "SEX",
        "arm": "ARM",
        "enrolment_date": "RFSTDTC",
    }
    assert set(STANDARD_FEATURES) ^ set(TRIAL_FEATURES) == {
        "trial_phase",
        "visits_missed",
        "last_gap_in_intervals",
        "adverse_events_last_30_days",
        "serious_adverse_events",
        "severe_adverse_events",
    }
